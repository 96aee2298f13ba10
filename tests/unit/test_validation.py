"""Bad input: every class of problem is reported as file:row:column with a message, all at once."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import clusterix_analytics as cx
from clusterix_analytics import DataValidationError

from ..conftest import SECOND_PROJECT


@pytest.fixture
def project(tmp_path) -> Path:
    target = tmp_path / "nordic_pilot"
    shutil.copytree(SECOND_PROJECT, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(project_dir: Path) -> list[cx.DataProblem]:
    with pytest.raises(DataValidationError) as info:
        cx.load(project_dir)
    return info.value.problems


def only(problems, file: str, row: int, column: str) -> cx.DataProblem:
    found = [p for p in problems if (p.file, p.row, p.column) == (file, row, column)]
    assert len(found) == 1, f"expected one problem at {file}:{row}:{column}, got {[str(p) for p in problems]}"
    return found[0]


def test_missing_column(project):
    # drop the whole nuts_level column from the header and from every data row
    lines = (project / "partners.csv").read_text().splitlines()
    cells = [line.split(",") for line in lines]
    i = cells[0].index("nuts_level")
    (project / "partners.csv").write_text("\n".join(",".join(c[:i] + c[i + 1:]) for c in cells) + "\n")
    problem = only(problems_of(project), "partners.csv", 1, "nuts_level")
    assert problem.message == "missing column"


def test_misspelt_column_is_named_with_the_likely_intended_name(project):
    replace_in(project / "indicators.csv", "aggregation", "agregation")
    problem = only(problems_of(project), "indicators.csv", 1, "aggregation")
    assert problem.message == "missing column (found 'agregation': misspelt?)"


def test_unknown_partner_id(project):
    # observations.csv row 3 (header is row 1) is cph's second pilots_launched row
    replace_in(project / "observations.csv", "cph,pilots_launched,2020-05-01", "cpx,pilots_launched,2020-05-01")
    problem = only(problems_of(project), "observations.csv", 3, "partner_id")
    assert problem.message.startswith("'cpx': unknown partner_id in partners; known: cph, sth, vie, project")


def test_unknown_indicator_id(project):
    replace_in(project / "observations.csv", "cph,staff_trained", "cph,staff_trainee")
    problem = only(problems_of(project), "observations.csv", 7, "indicator_id")
    assert "'staff_trainee': unknown indicator_id in indicators" in problem.message


def test_nuts_code_that_is_not_nuts_2016(project):
    # FR71 (Rhône-Alpes) is a NUTS 2013 code; NUTS 2016 replaced it by FRK2 (same name, same area)
    replace_in(project / "clusters.csv", "vie,AT13,ICT,learn", "vie,FR71,ICT,learn")
    problem = only(problems_of(project), "clusters.csv", 4, "nuts_code")
    assert problem.message == ("'FR71' is not a NUTS 2016 code; FR71 (Rhône-Alpes) is NUTS 2013; this project "
                               "uses NUTS 2016, where its area is FRK2 (Rhône-Alpes)")


def test_the_codes_another_project_was_refused_are_nuts_2016(project):
    # Castilla-La Mancha, Gävleborgs län, Východné Slovensko, Śląskie, Kentriki Makedonia: partners of another
    # Interreg Europe 2014–2020 project, at levels 2, 3, 2, 2, 2.
    rows = {"ES42": ("es", "ES", 2), "SE313": ("se", "SE", 3), "SK04": ("sk", "SK", 2), "PL22": ("pl", "PL", 2),
            "EL52": ("el", "EL", 2)}
    with open(project / "partners.csv", "a", encoding="utf-8") as partners:
        for code, (pid, country, level) in rows.items():
            partners.write(f"{pid},Agency {pid},{pid.upper()},{country},{code},{level},Region {code},"
                           "regional_authority,partner,,,https://example.org/refused-codes\n")
    loaded = cx.load(project)
    assert sorted(set(loaded.partners["nuts_code"]) & set(rows)) == sorted(rows)


def test_greece_spelt_gr_gets_the_nuts_spelling(project):
    replace_in(project / "clusters.csv", "vie,AT13,ICT,learn", "vie,GR,ICT,learn")
    problem = only(problems_of(project), "clusters.csv", 4, "nuts_code")
    assert problem.message == "'GR' is not a NUTS 2016 code; Greece is 'EL' in NUTS: EL (ELLADA)"


def test_a_nuts_2016_code_in_a_nuts_2021_project_says_where_its_area_went(project):
    # HR04 (Kontinentalna Hrvatska, NUTS 2013 and 2016) was split by NUTS 2021 into HR02 (Panonska Hrvatska),
    # HR06 (Sjeverna Hrvatska) and HR05 (Grad Zagreb); the nordic pilot's own codes (DK01, AT13, SE22) are in
    # all three versions.
    replace_in(project / "project.yaml", "nuts_version: 2016", "nuts_version: 2021")
    replace_in(project / "clusters.csv", "vie,AT13,ICT,learn", "vie,HR04,ICT,learn")
    problem = only(problems_of(project), "clusters.csv", 4, "nuts_code")
    assert problem.message.startswith("'HR04' is not a NUTS 2021 code; HR04 (Kontinentalna Hrvatska) is NUTS 2013 "
                                      "and 2016; this project uses NUTS 2021, where its area is ")
    successors = problem.message.split("where its area is ")[1]
    assert sorted(successors.split(", ")) == ["HR02 (Panonska Hrvatska)", "HR05 (Grad Zagreb)",
                                             "HR06 (Sjeverna Hrvatska)"]


def test_a_code_of_no_nuts_country_says_so(project):
    replace_in(project / "clusters.csv", "vie,AT13,ICT,learn", "vie,XK01,ICT,learn")
    problem = only(problems_of(project), "clusters.csv", 4, "nuts_code")
    assert problem.message == "'XK01' is not a NUTS 2016 code; 'XK' is not a NUTS country"


def test_date_outside_the_project(project):
    replace_in(project / "observations.csv", "cph,staff_trained,2021-01-01", "cph,staff_trained,2019-01-01")
    problem = only(problems_of(project), "observations.csv", 7, "period_start")
    assert problem.message == "'2019-01-01' is outside the project (2020-01-01 to 2021-12-31)"


def test_negative_count(project):
    replace_in(project / "cluster_links.csv", "learn,interregional,2", "learn,interregional,-2")
    problem = only(problems_of(project), "cluster_links.csv", 2, "projects")
    assert problem.message == "'-2': must not be negative"


def test_duplicate_keys_name_both_rows(project):
    replace_in(project / "partners.csv", "sth,Skåne Test", "vie,Skåne Test")
    problems = problems_of(project)
    rows = sorted(p.row for p in problems if p.column == "partner_id" and "duplicate key" in p.message)
    assert rows == [3, 4]


def test_non_numeric_value(project):
    replace_in(project / "observations.csv", "cph,staff_trained,2021-01-01,2021-04-30,12",
               "cph,staff_trained,2021-01-01,2021-04-30,twelve")
    problem = only(problems_of(project), "observations.csv", 7, "value")
    assert problem.message == "'twelve' is not a number"


def test_empty_file(project):
    (project / "cluster_links.csv").write_bytes(b"")
    problem = only(problems_of(project), "cluster_links.csv", 0, "-")
    assert problem.message.startswith("file is empty")


def test_file_that_is_not_a_table(project):
    (project / "indicators.csv").write_text("This is a note someone saved with the wrong name.\nNothing here.\n")
    problem = only(problems_of(project), "indicators.csv", 1, "-")
    assert problem.message.startswith("not a table of indicators")


def test_binary_file_is_not_a_table(project):
    (project / "indicators.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    problem = only(problems_of(project), "indicators.csv", 0, "-")
    assert problem.message.startswith("not a table: this is a binary file")


def test_every_problem_is_reported_at_once(project):
    replace_in(project / "observations.csv", "cph,staff_trained,2021-01-01,2021-04-30,12",
               "cph,staff_trained,2021-01-01,2021-04-30,twelve")
    replace_in(project / "cluster_links.csv", "learn,interregional,2", "learn,interregional,-2")
    replace_in(project / "partners.csv", "innovation_agency", "innovation agency")
    problems = problems_of(project)
    assert {(p.file, p.row, p.column) for p in problems} == {
        ("observations.csv", 7, "value"), ("cluster_links.csv", 2, "projects"), ("partners.csv", 3, "partner_type"),
    }


def test_rule_over_several_columns(project):
    # members by type 15+1+1+1 = 18 cannot exceed the total 10
    replace_in(project / "clusters.csv", "Food,apply,,18,", "Food,apply,,10,")
    problem = only(problems_of(project), "clusters.csv", 6, "members_total")
    assert problem.message == "is smaller than the sum of members by type"


def test_bad_project_yaml_names_the_line(project):
    replace_in(project / "project.yaml", "    start: 2021-01-01", "    start: 2020-12-01")
    problems = problems_of(project)
    assert [str(p) for p in problems] == [
        "project.yaml:13:phases: phases 'learn' and 'apply' overlap: list phases in order, without overlap"]


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusterix_analytics", *args], capture_output=True, text=True)


def test_cli_validate_prints_problems_and_exits_2_without_traceback(project):
    replace_in(project / "observations.csv", "cph,staff_trained,2021-01-01,2021-04-30,12",
               "cph,staff_trained,2021-01-01,2021-04-30,twelve")
    result = _cli("validate", str(project))
    assert result.returncode == 2
    assert "observations.csv:7:value: 'twelve' is not a number" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_validate_summary_for_good_data(project):
    result = _cli("validate", str(project))
    assert result.returncode == 0, result.stderr
    summary, *readings = result.stdout.strip().splitlines()
    assert summary.endswith(
        "valid – 3 partners, 2 policy_instruments, 3 indicators, 2 policy_changes, 6 observations, 5 clusters, "
        "3 cluster_links; 67% of rows are demo data")
    # how the files were read where it is not the default: the convention of the numbers, and the cell showing it
    assert readings == ["  indicators.csv: numbers with a decimal point (row 3, target: '4.5')",
                        "  observations.csv: numbers with a decimal point (row 5, value: '3.5')"]


def _drop_column(path: Path, name: str) -> None:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cells = [line.split(",") for line in lines]
    i = cells[0].index(name)
    path.write_text("\n".join(",".join(c[:i] + c[i + 1:]) for c in cells) + "\n", encoding="utf-8")


def test_a_missing_column_of_the_shipped_partners_is_one_problem_not_a_cascade(project_copy):
    # Without `role`, partners.csv cannot be read as a table, so its ids are unknown: the 10 partners'
    # rows in the other tables are not reported as "unknown partner_id" (that gave 1,153 lines: the real one
    # was number 1,135).
    _drop_column(project_copy / "partners.csv", "role")
    problems = problems_of(project_copy)
    assert [str(p) for p in problems] == ["partners.csv:1:role: missing column"]


def test_a_missing_file_is_one_problem_and_the_references_to_it_are_not_checked(project):
    (project / "indicators.csv").unlink()
    problems = problems_of(project)
    assert [str(p) for p in problems] == ["indicators.csv:0:-: file not found"]


def test_a_repeated_problem_is_listed_three_times_then_folded(project):
    # nordic_pilot's observations.csv has 6 data rows (rows 2..7); every value made unreadable
    path = project / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    i = header.index("value")
    rows = [line.split(",") for line in lines[1:]]
    for cells in rows:
        cells[i] = "lots"
    path.write_text("\n".join([lines[0]] + [",".join(c) for c in rows]) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        cx.load(project)
    assert len(info.value.problems) == len(rows) == 6
    text = str(info.value).splitlines()
    assert text[0] == "6 problems in the data:"
    assert text[1:4] == [f"  observations.csv:{r}:value: 'lots' is not a number" for r in (2, 3, 4)]
    assert text[4] == "  observations.csv:value: … and 3 more rows like this"
    assert len(text) == 5
