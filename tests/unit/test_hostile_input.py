"""Hostile and careless input, one test per class (issue 16): resource bombs, data misread or lost without a
word, files outside the project, and tracebacks where a one-line message and exit 2 belong.

Every input is made here, in tmp_path, from the small fictitious project tests/fixtures/nordic_pilot. The bombs
run ``validate`` (or ``report``) in a child process whose peak memory and CPU time are measured by a wrapper
process of its own (RUSAGE_CHILDREN of a process that has only that one child).
"""
from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import clusterix_analytics as cx
from clusterix_analytics import DataValidationError, cli
from clusterix_analytics.config import (
    MAX_COLUMNS_ENV,
    MAX_FILE_MB_ENV,
    MAX_PARAMETER_CHARS_ENV,
    MAX_ROWS_ENV,
    MAX_UNPACKED_MB_ENV,
)
from clusterix_analytics.data.demo import write_demo
from clusterix_analytics.data.numbers import DECIMAL_COMMA, DECIMAL_POINT, AmbiguousNumber, parse_number
from clusterix_analytics.errors import LISTED_PER_COLUMN, PAGE_LINES
from clusterix_analytics.reports.plan import PlanError, expand_plan

from ..conftest import FIXTURES, SECOND_PROJECT

BOMB_PEAK_MB = 500
BOMB_CPU_S = 5.0
# Not a bomb but the largest file the default limits let in (20 MB of one-character cells): every one of its
# 10 million cells is read before it is refused, ~4 s of CPU on a quiet 2-core machine; the bound is its memory.
MAX_SIZE_FILE_CPU_S = 10.0
BOMB_WALL_S = 60.0   # CPU time is the bound; the wall clock only catches a hang (CI machines are shared)


@pytest.fixture
def project(tmp_path) -> Path:
    target = tmp_path / "nordic_pilot"
    shutil.copytree(SECOND_PROJECT, target)
    return target


def replace_in(path: Path, old: str, new: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding=encoding)


def problems_of(project_dir: Path) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        cx.load(project_dir)
    return [str(p) for p in info.value.problems]


def the_problem(project_dir: Path) -> str:
    found = problems_of(project_dir)
    assert len(found) == 1, found
    return found[0]


def run_cli(*args, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusterix_analytics", *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, cwd=cwd)


def assert_refused(result, *expected: str) -> str:
    """Exit 2, no traceback, every expected text in stderr; returns stderr."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr
    return result.stderr


# ---- building hostile files ---------------------------------------------------------------------------------
SHEET = "xl/worksheets/sheet1.xml"


def rewrite_parts(path: Path, edit_parts) -> None:
    """Rewrite the zipped XML parts of a workbook: ``edit_parts(parts)`` changes the dict name -> bytes."""
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    edit_parts(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def as_xlsx(project: Path, table: str, edit_parts=None, formula: tuple[str, str] | None = None) -> Path:
    """Replace <table>.csv by <table>.xlsx (typed cells, as a partner's workbook has them), optionally with a
    formula written by openpyxl (so without a saved value), then with its XML parts rewritten by
    ``edit_parts(parts)``; project.yaml names the workbook."""
    csv_path = project / f"{table}.csv"
    path = project / f"{table}.xlsx"
    pd.read_csv(csv_path).to_excel(path, index=False)
    if formula:
        workbook = openpyxl.load_workbook(path)
        workbook.active[formula[0]] = formula[1]
        workbook.save(path)
    if edit_parts:
        rewrite_parts(path, edit_parts)
    csv_path.unlink()
    replace_in(project / "project.yaml", f"{table}: {table}.csv", f"{table}: {table}.xlsx")
    return path


def edit_sheet(change):
    def edit(parts):
        parts[SHEET] = change(parts[SHEET].decode("utf-8")).encode("utf-8")
    return edit


def declared_dimension(text: str) -> str:
    return re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', text)


def append_rows(rows: str):
    return edit_sheet(lambda text: declared_dimension(text).replace("</sheetData>", rows + "</sheetData>"))


def zip_bomb(parts):   # 300 MB of spaces compress to a few hundred kilobytes
    parts[SHEET] = parts[SHEET].replace(b"</sheetData>", b"</sheetData>" + b" " * 300_000_000)


def many_sheets(parts):
    sheets = "".join(f'<sheet name="S{i}" sheetId="{i + 2}" r:id="rId1"/>' for i in range(20_000))
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"</sheets>", sheets.encode() + b"</sheets>")


def entity_bomb(parts):   # XML's own billion laughs inside the sheet
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(f'<!ENTITY {b} "{f"&{a};" * 10}">'
                                                      for a, b in zip("abcdefgh", "bcdefghi"))
    text = parts[SHEET].decode("utf-8")
    root = text.index("<worksheet")
    parts[SHEET] = (text[:root] + f"<!DOCTYPE worksheet [{entities}]>"
                    + text[root:].replace("</sheetData>", '<row r="90"><c r="A90" t="inlineStr"><is><t>&i;</t></is>'
                                          "</c></row></sheetData>")).encode("utf-8")


BILLION_LAUGHS = "\n".join(["  bomb:", '    a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
                           + [f"    a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)])
ALIAS_BOMB_VALUE = "[&a [x,x,x,x,x,x,x,x,x,x], " + ", ".join(
    f"&{b} [{','.join(['*' + a] * 10)}]" for a, b in zip("abcde", "bcdef")) + "]"


def with_demo_section(project: Path, body: str) -> None:
    path = project / "project.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"demo:\n  seed: 1\n{body}\n", encoding="utf-8")


def bomb_project(kind: str, project: Path) -> tuple[list, dict]:
    """Make the bomb of one kind in ``project``; returns (command arguments, extra environment)."""
    if kind == "xlsx_declared_dimension":
        as_xlsx(project, "clusters", edit_sheet(declared_dimension))
    elif kind == "xlsx_formatted_far_corner":
        as_xlsx(project, "clusters", append_rows('<row r="1048576"><c r="XFD1048576" s="1"/></row>'))
    elif kind == "xlsx_value_in_far_corner":
        as_xlsx(project, "clusters", append_rows('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t>'
                                                 '</is></c></row>'))
    elif kind == "xlsx_zip_bomb":
        as_xlsx(project, "clusters", zip_bomb)
    elif kind == "xlsx_twenty_thousand_sheets":
        as_xlsx(project, "clusters", many_sheets)
    elif kind == "xlsx_entity_bomb":
        as_xlsx(project, "clusters", entity_bomb)
    elif kind == "yaml_billion_laughs":
        with_demo_section(project, BILLION_LAUGHS)
    elif kind == "yaml_nested_deep":
        with_demo_section(project, "  deep: " + "[" * 5000 + "]" * 5000)
    elif kind == "csv_row_of_three_million_cells":
        path = project / "observations.csv"
        path.write_text(path.read_text() + ",".join(["ab"] * 3_000_000) + "\n")
    elif kind == "csv_twenty_megabytes_of_one_character_cells":
        # the most cells a file within the default limits holds: 300,000 rows of 34 one-character cells (20.4 MB
        # of the 20 MiB allowed); a list per row once took 549 MB
        path = project / "observations.csv"
        header = path.read_text().splitlines()[0].split(",")
        header += [f"extra_{i}" for i in range(34 - len(header))]
        path.write_text(",".join(header) + "\n" + (",".join(["1"] * 34) + "\n") * 300_000)
    elif kind in ("long_parameter", "parameter_alias_bomb"):
        value = "partner=" + "x" * 120_000 if kind == "long_parameter" else f"regions={ALIAS_BOMB_VALUE}"
        return ["report", "--project", project, "--out", project.parent / "out", "-p", value], {}
    else:
        raise AssertionError(kind)
    return ["validate", project], {}


# (kind, exit code, what stderr or stdout says)
BOMBS = [
    ("xlsx_declared_dimension", 0, "valid"),          # a declared range costs nothing and loses nothing
    ("xlsx_formatted_far_corner", 0, "valid"),        # nor does one formatted empty cell at XFD1048576
    ("xlsx_value_in_far_corner", 2, "clusters.xlsx:1048576:XFD: a value in column XFD, which has no name"),
    ("xlsx_zip_bomb", 2, "clusters.xlsx:0:-: the workbook unpacks to 286 MB of XML; an .xlsx table may unpack to "
                         f"at most 40 MB (set ${MAX_UNPACKED_MB_ENV}"),
    ("xlsx_twenty_thousand_sheets", 2, "the workbook has 20,001 sheets; a table's workbook may have at most 250"),
    ("xlsx_entity_bomb", 2, "clusters.xlsx:0:-: not a readable Excel workbook"),
    ("yaml_billion_laughs", 2, "project.yaml:38:-: the aliases (*name) expand to more than 10000 values"),
    ("yaml_nested_deep", 2, "project.yaml:33:-: nested more than 32 levels deep"),
    ("csv_row_of_three_million_cells", 2, "observations.csv:8:-: line 8 has more than 2,000 cells; one table file "
                                          f"may have at most 200 columns (set ${MAX_COLUMNS_ENV}"),
    ("csv_twenty_megabytes_of_one_character_cells", 2, "observations.csv:0:-: more than 1,000 cells of observations "
                                                       "cannot be read"),
    ("long_parameter", 2, "-p partner=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…: 120,008 characters; a value may have at "
                          f"most 1,000 (set ${MAX_PARAMETER_CHARS_ENV}"),
    ("parameter_alias_bomb", 2, "-p regions=[&a [x,x,x,x,x,x,x,x,x,x], &b [*…: the aliases (*name) expand to more "
                                "than 10000 values"),
]

# Runs the command as its only child: RUSAGE_CHILDREN then measures that command alone.
_MEASURE = ("import json, resource, subprocess, sys, time\n"
            "start = time.perf_counter()\n"
            "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(json.dumps({'rc': done.returncode, 'stdout': done.stdout, 'stderr': done.stderr,\n"
            "                  'peak_mb': use.ru_maxrss / 1024, 'cpu_s': use.ru_utime + use.ru_stime,\n"
            "                  'wall_s': time.perf_counter() - start}))\n")


@pytest.mark.parametrize("kind, code, says", BOMBS, ids=[b[0] for b in BOMBS])
def test_a_bomb_is_read_or_refused_in_bounded_memory_and_time(project, kind, code, says):
    args, env = bomb_project(kind, project)
    measured = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "clusterix_analytics",
                               *map(str, args)], capture_output=True, text=True, env={**os.environ, **env},
                              timeout=300)
    result = json.loads(measured.stdout)
    assert result["rc"] == code, result
    assert says in result["stdout"] + result["stderr"], result
    assert "Traceback" not in result["stderr"], result["stderr"]
    assert result["peak_mb"] < BOMB_PEAK_MB, result
    assert result["cpu_s"] < (MAX_SIZE_FILE_CPU_S if kind.startswith("csv_twenty_megabytes") else BOMB_CPU_S), result
    assert result["wall_s"] < BOMB_WALL_S, result
    assert not (project.parent / "out").exists()   # a refused report writes nothing


# ---- bounded reads: each limit refuses with a message naming it ---------------------------------------------
def test_each_table_limit_names_itself_and_its_variable(project, monkeypatch):
    monkeypatch.setenv(MAX_ROWS_ENV, "5")   # observations.csv has 6 data rows
    assert the_problem(project) == ("observations.csv:7:-: more than 5 data rows; one table file may have at most "
                                    f"5 (set ${MAX_ROWS_ENV} to raise the limit)")
    monkeypatch.setenv(MAX_ROWS_ENV, "100")
    monkeypatch.setenv(MAX_COLUMNS_ENV, "10")   # partners.csv has 12 columns, clusters.csv 15
    assert problems_of(project) == [
        f"{name}.csv:1:-: the header row has more than 10 columns, the most one table file may have (set "
        f"${MAX_COLUMNS_ENV} to raise the limit)" for name in ("clusters", "partners", "policy_changes")]
    monkeypatch.delenv(MAX_COLUMNS_ENV)
    monkeypatch.setenv(MAX_FILE_MB_ENV, "1")
    path = project / "policy_changes.csv"
    path.write_text(path.read_text() + "\n" * 1_500_000)
    assert the_problem(project) == ("policy_changes.csv:0:-: the file has 1.4 MB; one table file may have at most "
                                    f"1 MB (set ${MAX_FILE_MB_ENV} to raise the limit)")


def test_stored_empty_rows_past_twice_the_row_limit_are_refused(project, monkeypatch):
    # a sheet of a million formatted empty rows would take long to read for nothing
    monkeypatch.setenv(MAX_ROWS_ENV, "100")
    as_xlsx(project, "clusters", append_rows("".join(f'<row r="{n}" ht="20" customHeight="1"><c r="A{n}" s="1"/>'
                                                     "</row>" for n in range(10, 400))))
    assert the_problem(project) == (
        "clusters.xlsx:0:-: the sheet stores more than 200 rows (formatted empty rows count); one table file may "
        f"have at most 100 data rows: delete the empty rows below the data (set ${MAX_ROWS_ENV} to raise the limit)")


def test_a_limit_set_to_something_else_than_a_number_is_one_line_and_exit_2(project):
    result = run_cli("validate", project, env={MAX_ROWS_ENV: "lots"})
    stderr = assert_refused(result)
    assert stderr == (f"clusterix-analytics validate: ${MAX_ROWS_ENV}='lots': expected a positive whole number "
                      "(default 300000)\n")


def test_a_file_with_every_row_wrong_gets_a_report_of_one_page(project):
    # shifted columns: 4 cells of each of 20,000 rows cannot be read (period_start, period_end, value,
    # synthetic); the report lists each column's first rows and counts the rest, the other checks of the table
    # wait (one more problem says so), and the printed report stays within a page
    path = project / "observations.csv"
    header = path.read_text().splitlines()[0]
    path.write_text(header + "\n" + "".join(f"q{i},2020-13-01,x,v{i},w,maybe,zz\n" for i in range(20_000)))
    with pytest.raises(DataValidationError) as info:
        cx.load(project)
    error = info.value
    assert error.count == 4 * 20_000 + 1
    listed = [str(p) for p in error.problems if p.row == 0]
    assert listed == [
        "observations.csv:0:-: more than 1,000 cells of observations cannot be read: its other checks (values, "
        "references, keys) wait until they are fixed",
        *[f"observations.csv:0:{c}: {20_000 - LISTED_PER_COLUMN:,} more rows have problems in this column (the first "
          f"{LISTED_PER_COLUMN:,} are listed)" for c in ("period_end", "period_start", "synthetic", "value")]]
    lines = str(error).splitlines()
    assert lines[0] == "80,001 problems in the data:"
    assert len(lines) <= PAGE_LINES + 2
    assert "  observations.csv:2:value: 'w' is not a number" in lines


# ---- nothing misread: numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("1.234.567,89", 1_234_567.89), ("1,234,567.89", 1_234_567.89), ("1 234,5", 1234.5), ("1'234.50", 1234.5),
    ("0,123", 0.123), ("1234,567", 1234.567), ("-2.5", -2.5), ("\u22123", -3.0), ("1,5e3", 1500.0),
])
def test_numbers_in_unambiguous_forms_read_one_way(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text, comma_reading, point_reading", [
    ("898.097", 898_097, 898.097), ("1,234", 1.234, 1234), ("-12.500", -12_500, -12.5),
])
def test_one_separator_before_three_digits_needs_the_file_convention(text, comma_reading, point_reading):
    with pytest.raises(AmbiguousNumber):
        parse_number(text)
    assert (parse_number(text, DECIMAL_COMMA), parse_number(text, DECIMAL_POINT)) == (comma_reading, point_reading)


@pytest.mark.parametrize("text", ["1e309", "9" * 400, "inf", "NaN", "1.2.3", "12 5", "1,234.567,8", "5."])
def test_what_is_no_finite_number_in_one_form_is_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_german_thousands_are_read_as_thousands_when_the_file_writes_decimal_commas(project):
    # INMA's competition, 898.097 EUR in a German export: the file's other amount (0,5) settles the convention
    path = project / "policy_changes.csv"
    replace_in(path, "achieved,250000,", 'achieved,"898.097",')
    replace_in(path, "in_progress,,", 'in_progress,"0,5",')
    loaded = cx.load(project)
    assert loaded.policy_changes.funds_influenced_eur.tolist() == [898_097.0, 0.5]
    reading = next(r for r in loaded.readings if r.file == "policy_changes.csv")
    assert reading.describe() == "numbers with a decimal comma (row 3, funds_influenced_eur: '0,5')"
    result = run_cli("validate", project)
    assert result.returncode == 0, result.stderr
    assert "  policy_changes.csv: numbers with a decimal comma (row 3, funds_influenced_eur: '0,5')" in result.stdout


def test_a_thousands_comma_is_read_as_thousands_when_the_file_writes_decimal_points(project):
    replace_in(project / "observations.csv", "2021-04-30,12", '2021-04-30,"1,234"')   # the file also has 3.5
    observations = cx.load(project).observations
    assert observations.value.tolist()[-1] == 1234.0


def test_an_ambiguous_number_alone_is_refused_with_both_readings(project):
    replace_in(project / "policy_changes.csv", "achieved,250000,", "achieved,898.097,")
    assert the_problem(project) == (
        "policy_changes.csv:2:funds_influenced_eur: '898.097' is ambiguous: 898097 with '.' between thousands, or "
        "898.097 with a decimal point; no other number in this file shows which convention it uses (write 898097 "
        "without a separator if that is meant)")


def test_a_file_mixing_the_two_conventions_is_refused_where_it_departs(project):
    path = project / "observations.csv"
    replace_in(path, "2021-04-30,12", '2021-04-30,"12,5"')   # decimal comma; the file's 3.5 and 4.2 have points
    assert the_problem(project) == (
        "observations.csv:7:value: '12,5' is written with a decimal comma, but this file writes its numbers with a "
        "decimal point (row 5, value: '3.5'): write every number of the file the same way")


def test_numbers_that_are_not_finite_or_too_large_are_refused(project):
    replace_in(project / "policy_changes.csv", "achieved,250000,", "achieved,1e309,")
    replace_in(project / "clusters.csv", "DK01,Life science,learn,,40,", "DK01,Life science,learn,,1e20,")
    assert problems_of(project) == [
        "clusters.csv:2:members_total: '1e20' is too large for a whole number",
        "policy_changes.csv:2:funds_influenced_eur: '1e309' is not a finite number (too large)"]


# ---- nothing misread: text, encodings, cells ----------------------------------------------------------------------
def test_one_windows_byte_in_a_utf8_file_is_refused_at_its_row(project):
    path = project / "partners.csv"
    path.write_bytes(path.read_bytes().replace("Malmö".encode(), "Malmö".encode("cp1252")))   # Skåne stays UTF-8
    assert the_problem(project) == ("partners.csv:4:-: byte 0xF6 is not UTF-8, but the file is UTF-8 elsewhere "
                                    "(line 4: 'å'): save the file again as UTF-8")


def test_a_windows_file_is_read_and_said_so(project):
    path = project / "partners.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    loaded = cx.load(project)
    assert "Skåne Test Office (Malmö)" in loaded.partners.organisation.tolist()
    assert next(r for r in loaded.readings if r.file == "partners.csv").describe() == "Windows-1252 text"


def test_a_csv_of_only_a_byte_order_mark_is_an_empty_file(project):
    (project / "cluster_links.csv").write_bytes(b"\xef\xbb\xbf")
    assert the_problem(project) == "cluster_links.csv:0:-: file is empty: expected a header row and data rows"
    assert_refused(run_cli("validate", project), "cluster_links.csv:0:-: file is empty")


def test_formula_cells_without_a_saved_value_are_refused_and_with_one_are_read(project):
    as_xlsx(project, "clusters", formula=("H2", "=SUM(I2:L2)"))   # openpyxl saves no value for a formula
    assert the_problem(project) == ("clusters.xlsx:2:members_total: a formula without a saved value (=SUM(I2:L2)): "
                                    "open the file in Excel and save it again, or type the value")

    def saved_value(parts):   # what Excel writes: the formula and the value it computed
        sheet, n = re.subn(rb'<c r="H2"[^>]*><f>SUM\(I2:L2\)</f>(<v\s*/>|<v></v>)?</c>',
                           b'<c r="H2"><f>SUM(I2:L2)</f><v>40</v></c>', parts[SHEET])
        assert n == 1
        parts[SHEET] = sheet
    rewrite_parts(project / "clusters.xlsx", saved_value)
    assert cx.load(project).clusters.members_total.tolist()[0] == 40


def test_an_excel_error_value_is_refused(project):
    as_xlsx(project, "clusters", edit_sheet(lambda t: re.sub(r'<c r="H3"[^>]*><v>46</v></c>',
                                                             '<c r="H3" t="e"><v>#DIV/0!</v></c>', t)))
    assert the_problem(project) == "clusters.xlsx:3:members_total: an Excel error value #DIV/0!: fix the formula or " \
                                   "type the value"


def test_a_duplicate_header_is_refused_whatever_its_case(project):
    replace_in(project / "observations.csv", "period_end,value,source", "period_end,value,Value")
    assert the_problem(project) == ("observations.csv:1:value: column 'Value' and 'value' appears 2 times (columns E, "
                                    "F): a table has one column of each name")


def test_values_without_a_column_name_are_refused_where_they_are(project):
    path = project / "cluster_links.csv"
    replace_in(path, "learn,interregional,2,,true", "learn,interregional,2,,true,,checked by Anna")
    assert the_problem(project) == ("cluster_links.csv:2:I: a value in column I, which has no name in the header row "
                                    "(row 1): name the column or clear it")


def test_a_quote_never_closed_is_refused_instead_of_swallowing_the_rest(project):
    replace_in(project / "policy_changes.csv", "Two pilot projects", '"Two pilot projects')
    assert the_problem(project) == ("policy_changes.csv:2:-: a quoted cell opened in line 2 is never closed: the rest "
                                    "of the file would be one cell")


def test_a_misspelt_optional_column_is_not_read_as_absent(project):
    path = project / "policy_changes.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",part_of_change_idd"] + [line + "," for line in lines[1:]]) + "\n")
    assert the_problem(project) == ("policy_changes.csv:1:part_of_change_id: missing column (found "
                                    "'part_of_change_idd': misspelt?)")


@pytest.mark.parametrize("text, message", [
    ("2021-02-30", "'2021-02-30' is not a date (YYYY-MM-DD or DD.MM.YYYY)"),
    ("0001-01-01", "'0001-01-01' is not a date between 1900 and 2199"),
])
def test_impossible_or_implausible_dates_in_a_table_are_refused(project, text, message):
    replace_in(project / "policy_changes.csv", "np_1,cph,cph_op,2021-03-15", f"np_1,cph,cph_op,{text}")
    assert the_problem(project) == f"policy_changes.csv:2:date: {message}"


# ---- nothing misread: project.yaml and plan.yaml --------------------------------------------------------------
@pytest.mark.parametrize("old, new, problem", [
    ("tables:", "dmeo:\n  seed: 3\ntables:", "project.yaml:23:dmeo: unknown key 'dmeo' (did you mean 'demo'?); "
     "valid keys here: id, name, programme, nuts_version, start, end, dates, source, reporting_period_months, "
     "phases, tables, demo, vocabularies"),
    ("    name: Learning phase", "    nmae: Learning phase",
     "project.yaml:13:phases[0]: missing required key 'name'"),
    ("tables:", "demo:\n  sede: 3\ntables:", "project.yaml:24:demo.sede: unknown key 'sede' (did you mean 'seed'?); "
     "valid keys here: seed, directory, tables, funds_indicator, link_projects_indicator"),
    ("  partners: partners.csv", "  partner: partners.csv", "project.yaml:24:tables.partner: unknown table "
     "'partner' (did you mean 'partners'?); tables: partners, policy_instruments, indicators, policy_changes, "
     "observations, clusters, cluster_links, events, good_practices, good_practice_transfers, action_plans"),
])
def test_unknown_keys_of_project_yaml_are_refused_with_a_did_you_mean(project, old, new, problem):
    replace_in(project / "project.yaml", old, new)
    assert problem in problems_of(project)


def test_a_misspelt_phase_key_is_named(project):
    replace_in(project / "project.yaml", "    name: Learning phase", "    name: Learning phase\n    nots: x")
    assert the_problem(project) == ("project.yaml:15:phases[0].nots: unknown key 'nots' (did you mean 'note'?); "
                                    "valid keys here: id, name, start, end, dates, source, note")


@pytest.mark.parametrize("text, line", [("", 0), ("# nothing here yet\n", 0), ("---\n", 2)])
def test_an_empty_project_yaml_is_refused(project, text, line):
    (project / "project.yaml").write_text(text)
    assert the_problem(project) == f"project.yaml:{line}:-: expected a mapping of keys (id, name, phases, ...)"


def test_an_impossible_date_in_project_yaml_names_its_key(project):
    replace_in(project / "project.yaml", "    end: 2020-12-31", "    end: 2021-02-30")
    assert the_problem(project) == "project.yaml:16:phases[0].end: '2021-02-30' is not a date YYYY-MM-DD"
    assert_refused(run_cli("validate", project), "project.yaml:16:phases[0].end")


def test_a_windows_project_yaml_is_read_and_a_mixed_one_refused(project):
    path = project / "project.yaml"
    replace_in(path, "name: Nordic Pilot – test project", "name: Nordic Pilot – Malmö")
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    assert cx.load_project(project).name == "Nordic Pilot – Malmö"
    path.write_bytes(path.read_bytes().replace("– Malmö".encode("cp1252"), "– Malmö".encode(), 1)
                     + "# ö\n".encode("cp1252"))
    assert the_problem(project) == ("project.yaml:31:-: byte 0xF6 is not UTF-8, but the file is UTF-8 elsewhere "
                                    "(line 5: '–'): save the file again as UTF-8")


def test_a_number_of_thousands_of_digits_in_project_yaml_is_a_message(project):
    replace_in(project / "project.yaml", "reporting_period_months: 4", "reporting_period_months: " + "9" * 5000)
    assert the_problem(project).startswith("project.yaml:11:-: not valid YAML: Exceeds the limit (4300 digits)")


def plan_problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        expand_plan(path, cx.load(SECOND_PROJECT))
    return caught.value.problems


def test_unknown_keys_of_plan_yaml_are_refused_with_a_did_you_mean(tmp_path):
    notebooks = FIXTURES / "report_notebooks"
    assert plan_problems(tmp_path, f"notebooks_dir: {notebooks}\nruns: []\nrnus: []\n") == [
        "plan.yaml: unknown key 'rnus' (did you mean 'runs'?); valid keys: notebooks_dir, runs"]
    assert plan_problems(tmp_path, f"notebooks_dir: {notebooks}\nruns:\n  - notebook: fixture_partner\n"
                                   "    tilte: Partner\n")[0] == (
        "plan.yaml: runs[0] (fixture_partner): unknown key(s) tilte (did you mean 'title'?); valid: checker, "
        "description, for_each, notebook, parameters, section, title")


def test_a_plan_yaml_bomb_is_refused(tmp_path):
    assert plan_problems(tmp_path, "runs: []\n" + BILLION_LAUGHS.replace("  bomb:", "bomb:")) == [
        "plan.yaml:7: the aliases (*name) expand to more than 10000 values; a hand-written file holds far fewer"]


# ---- nothing lost, nothing outside ---------------------------------------------------------------------------------
SECRET = "not-for-the-workbook: the first line of a private file\n"


@pytest.fixture
def outside(tmp_path) -> Path:
    path = tmp_path / "private" / "notes.csv"
    path.parent.mkdir()
    path.write_text(SECRET)
    return path


@pytest.mark.parametrize("entry, problem", [
    ("{outside}", "'{outside}' is an absolute path: name the project's files relative to its folder (the folder of "
                  "project.yaml)"),
    ("../private/notes.csv", "'../private/notes.csv' leads out of the project folder ('..'): a project's files are "
                             "inside its folder"),
    ("sub/../../private/notes.csv", "'sub/../../private/notes.csv' leads out of the project folder ('..')"),
    ("C:/data/partners.csv", "'C:/data/partners.csv' is an absolute path"),
    ('"sources\\\\partners.csv"', "'sources\\partners.csv': write '/' between folders"),
    ('"partners\\0.csv"', "'partners\\x00.csv' holds a control character"),
])
def test_a_table_path_leading_out_of_the_project_is_refused(project, outside, entry, problem):
    replace_in(project / "project.yaml", "partners: partners.csv", f"partners: {entry.format(outside=outside)}")
    found = the_problem(project)
    assert found.startswith("project.yaml:24:tables.partners: ") and problem.format(outside=outside) in found
    assert SECRET.strip() not in found


def test_a_link_leading_out_of_the_project_is_refused_without_reading_it(project, outside):
    (project / "partners.csv").unlink()
    (project / "partners.csv").symlink_to(outside)
    assert the_problem(project) == ("project.yaml:24:tables.partners: 'partners.csv' is a link leading out of the "
                                    "project folder: a project's files are inside its folder")
    (project / "sectors").symlink_to(outside.parent)   # a project's own sector vocabulary too
    from clusterix_analytics.data.sectors import read_sector_vocabulary
    with pytest.raises(DataValidationError, match="'sectors' is a link leading out of the project folder"):
        read_sector_vocabulary(project)


@pytest.mark.parametrize("directory, problem", [
    (".", "project.yaml:33:demo.directory: the demo folder cannot be the project folder itself"),
    ("./", "project.yaml:33:demo.directory: the demo folder cannot be the project folder itself"),
    ("../elsewhere", "project.yaml:33:demo.directory: '../elsewhere' leads out of the project folder"),
    ("/tmp/demo", "project.yaml:33:demo.directory: '/tmp/demo' is an absolute path"),
])
def test_the_demo_folder_stays_inside_and_apart_from_the_project_folder(project, directory, problem):
    with_demo_section(project, f"  directory: {directory}\n  tables: [observations]")
    assert the_problem(project).startswith(problem)


def test_the_demo_folder_may_not_hold_a_sourced_table(project):
    (project / "sources").mkdir()
    shutil.move(project / "partners.csv", project / "sources" / "partners.csv")
    replace_in(project / "project.yaml", "partners: partners.csv", "partners: sources/partners.csv")
    with_demo_section(project, "  directory: sources\n  tables: [observations]")
    assert the_problem(project) == (
        "project.yaml:33:demo.directory: the demo folder 'sources' holds 'sources/partners.csv' (tables.partners): "
        "the demo generator writes into its folder and would overwrite it; give demo a folder of its own")


def test_a_demo_folder_that_is_a_link_to_the_project_folder_is_refused(project):
    (project / "demo").symlink_to(project)
    with_demo_section(project, "  tables: [observations]")
    assert "project.yaml:32:demo.directory: 'demo' is a link to the project folder itself: give demo a folder of " \
           "its own" in problems_of(project)


def test_demo_does_not_overwrite_a_file_holding_sourced_rows(project_copy):
    # the shipped project, its demo folder holding a file that someone filled with sourced rows
    target = project_copy / "demo" / "clusters.csv"
    sourced = (project_copy / "clusters.csv").read_bytes()
    target.write_bytes(sourced)
    with pytest.raises(DataValidationError) as info:
        write_demo(project_copy)
    assert [str(p) for p in info.value.problems] == [
        "demo/clusters.csv:2:synthetic: holds 78 rows that are not demo data: the demo generator would overwrite "
        "it: move it out of the demo folder ('demo') or delete it"]
    assert target.read_bytes() == sourced   # nothing written
    assert_refused(run_cli("demo", project_copy), "demo/clusters.csv:2:synthetic: holds 78 rows")


# ---- exit codes: a one-line message and exit 2, never a traceback -----------------------------------------------
def test_report_refuses_an_out_folder_that_is_a_file(project, tmp_path):
    out = tmp_path / "reports"
    out.write_text("not a folder")
    stderr = assert_refused(run_cli("report", "--project", project, "--out", out))
    assert stderr == f"clusterix-analytics report: --out {out}: is a file, not a folder of snapshots\n"


def test_report_refuses_a_latest_that_is_a_real_folder_before_anything_runs(project, tmp_path):
    (tmp_path / "reports" / "latest").mkdir(parents=True)
    stderr = assert_refused(run_cli("report", "--project", project, "--out", tmp_path / "reports"))
    assert stderr == (f"clusterix-analytics report: {tmp_path / 'reports' / 'latest'}: is a real folder, not the link "
                      "to the newest snapshot that each report replaces: rename or remove it\n")


def test_report_refuses_an_out_folder_it_cannot_write(project, tmp_path, monkeypatch, capsys):
    out = tmp_path / "reports"
    out.mkdir()
    if os.geteuid() != 0:
        out.chmod(0o500)
    else:   # root writes anywhere: the folder refuses as a read-only file system would
        def read_only(*args, **kwargs):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        monkeypatch.setattr(cli.tempfile, "mkdtemp", read_only)
    try:
        assert cli.main(["report", "--project", str(project), "--out", str(out)]) == 2
    finally:
        out.chmod(0o700)
    stderr = capsys.readouterr().err
    assert stderr.startswith(f"clusterix-analytics report: --out {out}: cannot write in {out} (")
    assert stderr.count("\n") == 1


def test_a_full_disk_is_one_line_and_exit_2(project, monkeypatch, capsys):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
    with_demo_section(project, "  tables: [observations]")
    monkeypatch.setattr(Path, "write_text", full)
    assert cli.main(["demo", str(project)]) == 2
    stderr = capsys.readouterr().err
    assert stderr == f"clusterix-analytics demo: No space left on device: {project / 'demo' / 'observations.csv.tmp'}\n"
    assert not list((project / "demo").glob("*.csv"))


def test_the_exit_codes_case_by_case(project, tmp_path):
    assert run_cli("validate", project).returncode == 0
    bad = tmp_path / "bad"
    shutil.copytree(project, bad)
    replace_in(bad / "observations.csv", "2021-04-30,12", "2021-04-30,twelve")
    assert_refused(run_cli("validate", bad), "observations.csv:7:value: 'twelve' is not a number")
    assert_refused(run_cli("validate", tmp_path / "no_such_project"), "project file not found")
    assert_refused(run_cli("report", "--project", bad, "--out", tmp_path / "out"),
                   "observations.csv:7:value: 'twelve' is not a number")
    assert_refused(run_cli("report", "--project", project, "--out", tmp_path / "out", "-p", "partner"),
                   "-p partner: expected key=value")
    assert_refused(run_cli("report", "--project", project, "--out", tmp_path / "out", "--only", "0" * 2000),
                   "--only 0000000000000000000000000000000000000000…: 2,000 characters; a value may have at most 1,000")
    assert_refused(run_cli("diff", "latest", "--out", tmp_path / "out"), "no snapshot in")
    assert not (tmp_path / "out").exists()


def test_the_readme_lists_the_exit_codes_and_each_limit_with_its_default():
    from clusterix_analytics.config import DEFAULT_LIMITS, PROJ_ROOT

    readme = (PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in readme.splitlines() if line.startswith("| ")}
    assert {cli.EXIT_OK, cli.EXIT_RUN_FAILED, cli.EXIT_BAD_INPUT, cli.EXIT_INTERRUPTED} == {0, 1, 2, 130}
    assert all(str(code) in rows for code in (0, 1, 2, 130))
    for variable, default in DEFAULT_LIMITS.items():
        row = next(line for line in rows.values() if f"`{variable}`" in line)
        assert f"| {default:,} " in row, (variable, default, row)


def test_an_excel_unicode_text_export_is_read(project):
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated
    path = project / "partners.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace(",", "\t").encode("utf-16"))
    loaded = cx.load(project)
    assert "Skåne Test Office (Malmö)" in loaded.partners.organisation.tolist()
    assert next(r for r in loaded.readings if r.file == "partners.csv").describe() == "UTF-16 text; tab-separated"


def test_a_second_sheet_is_not_read_and_validate_says_so(project):
    path = as_xlsx(project, "clusters")
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("Notes")["A1"] = "filled in by Anna"
    workbook.save(path)
    result = run_cli("validate", project)
    assert result.returncode == 0, result.stderr
    assert "  clusters.xlsx: sheet 'Sheet1' read; not read: 'Notes'" in result.stdout


def test_a_recursive_yaml_alias_is_refused(project):
    with_demo_section(project, "  loop: &loop [*loop]")
    assert the_problem(project) == ("project.yaml:33:-: the alias *loop refers to a value that contains it (a "
                                    "structure without end)")


def test_an_old_workbook_or_a_folder_in_place_of_a_table_is_named(project):
    (project / "partners.csv").unlink()
    (project / "partners.csv").mkdir()
    (project / "clusters.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    replace_in(project / "project.yaml", "clusters: clusters.csv", "clusters: clusters.xls")
    assert problems_of(project) == [
        "clusters.xls:0:-: an Excel 97–2003 workbook cannot be read: save it as .xlsx or as CSV",
        "partners.csv:0:-: not a file (a folder?)"]
