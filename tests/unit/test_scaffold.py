"""init and template: a new project folder that validate reads, and a workbook with a sheet per table."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from clusterix_analytics.cli import main
from clusterix_analytics.data.dataset import load
from clusterix_analytics.data.scaffold import init_project, write_template
from clusterix_analytics.data.tables import LOAD_ORDER, TABLES
from clusterix_analytics.errors import DataValidationError

DATES = dict(name="Nordic test", start="2023-03-01", end="2027-02-28", programme="Interreg Europe 2021-2027")
PARTNER = ["p_one", "Agency One", "One", "SE", "SE22", 2, "Sydsverige", "regional_authority", "lead_partner", None,
           None, "https://example.org/partners"]


def test_init_writes_a_project_that_validates_with_empty_tables(tmp_path):
    written = init_project(tmp_path / "Nordic Test", **DATES)
    assert [p.name for p in written] == ["project.yaml"] + [f"{t}.csv" for t in LOAD_ORDER]
    assert (tmp_path / "Nordic Test" / "clusters.csv").read_text() == ",".join(TABLES["clusters"].column_names) + "\n"
    ds = load(tmp_path / "Nordic Test")
    assert ds.project.id == "nordic_test"
    assert ds.project.nuts_version == 2021
    assert [p.id for p in ds.project.phases] == ["P1"]
    assert all(len(t) == 0 for t in ds.tables.values())


def test_init_without_dates_leaves_them_for_validate_to_ask_for(tmp_path):
    init_project(tmp_path / "p")
    with pytest.raises(DataValidationError) as exc:
        load(tmp_path / "p")
    assert "phases" in str(exc.value)


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "partners.csv").write_text("mine\n")
    with pytest.raises(DataValidationError) as exc:
        init_project(folder, **DATES)
    assert exc.value.problems[0].message.startswith("already exists")
    assert str(folder / "partners.csv") == exc.value.problems[0].file
    assert not (folder / "project.yaml").exists()
    assert (folder / "partners.csv").read_text() == "mine\n"


def test_template_has_a_sheet_per_table_with_notes_and_drop_downs(tmp_path):
    written = write_template(tmp_path / "p", **DATES)
    assert [p.name for p in written] == ["p.xlsx", "project.yaml"]
    wb = load_workbook(tmp_path / "p" / "p.xlsx")
    assert wb.sheetnames == ["README", *LOAD_ORDER]
    partners = wb["partners"]
    assert [c.value for c in partners[1]] == list(TABLES["partners"].column_names)
    type_cell = partners.cell(row=1, column=TABLES["partners"].column_names.index("partner_type") + 1)
    assert "one of: regional_authority" in type_cell.comment.text
    formulas = {str(v.sqref): v.formula1 for v in partners.data_validations.dataValidation}
    assert formulas["H2:H1001"].startswith('"regional_authority,national_authority,municipality')
    instruments = wb["policy_instruments"]
    ref = {str(v.sqref): v.formula1 for v in instruments.data_validations.dataValidation}
    letter = "ABCDEFGHIJKLMNOP"[TABLES["policy_instruments"].column_names.index("partner_id")]
    assert ref[f"{letter}2:{letter}1001"] == "partners!$A$2:$A$1001"


def test_a_filled_template_is_read_sheet_by_sheet_and_its_problems_name_the_sheet(tmp_path):
    write_template(tmp_path / "p", **DATES)
    path = tmp_path / "p" / "p.xlsx"
    wb = load_workbook(path)
    wb["partners"].append(PARTNER)
    wb.save(path)
    ds = load(tmp_path / "p")
    assert ds.tables["partners"]["short_name"].tolist() == ["One"]
    assert ds.tables["partners"]["nuts_level"].tolist() == [2]

    wb["partners"].append(["p_two", "Agency Two", "Two", "SE", "SE22", 2, "Sydsverige", "shipyard", "partner",
                           None, None, "https://example.org/partners"])
    wb.save(path)
    with pytest.raises(DataValidationError) as exc:
        load(tmp_path / "p")
    (problem,) = exc.value.problems
    assert (problem.file, problem.row, problem.column) == ("p.xlsx[partners]", 3, "partner_type")


def test_missing_demo_files_say_which_command_writes_them(project_copy):
    for path in (project_copy / "demo").iterdir():
        path.unlink()
    with pytest.raises(DataValidationError) as exc:
        load(project_copy)
    messages = {p.message for p in exc.value.problems}
    assert messages == {f"file not found: demo files are generated; run `clusterix-analytics demo {project_copy}` "
                        "first"}


def test_cli_init_then_template_refuses_nothing_twice(tmp_path, capsys):
    folder = tmp_path / "p"
    args = ["--name", "P", "--start", "2024-01-01", "--end", "2026-12-31", "--programme", "Interreg Europe"]
    assert main(["init", str(folder), *args]) == 0
    assert main(["validate", str(folder)]) == 0
    assert main(["init", str(folder), *args]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["template", str(folder), *args]) == 0      # project.yaml kept, workbook added
    assert (folder / "p.xlsx").is_file()
    assert main(["init", str(tmp_path / "q"), "--start", "2024-02-30"]) == 2
    assert "'2024-02-30' is not a date" in capsys.readouterr().err
