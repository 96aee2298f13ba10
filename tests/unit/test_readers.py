"""Real exports load to the same tables as clean files: BOM, cp1252, ';', decimal commas, whitespace, XLSX."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

import clusterix_analytics as cx
from clusterix_analytics.data.readers import parse_date, parse_number

from ..conftest import SECOND_PROJECT


@pytest.fixture
def clean():
    return cx.load(SECOND_PROJECT)


@pytest.fixture
def project(tmp_path):
    target = tmp_path / "nordic_pilot"
    shutil.copytree(SECOND_PROJECT, target)
    return target


def _assert_same(clean, project, table):
    pd.testing.assert_frame_equal(cx.load(project).tables[table], clean.tables[table])


def test_utf8_with_bom(clean, project):
    path = project / "partners.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _assert_same(clean, project, "partners")


def test_cp1252_windows_export(clean, project):
    path = project / "partners.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    _assert_same(clean, project, "partners")
    assert cx.load(project).partners.set_index("partner_id").at["sth", "organisation"] == "Skåne Test Office (Malmö)"


def test_semicolons_and_decimal_commas(clean, project):
    path = project / "observations.csv"
    text = path.read_text().replace(",", ";").replace("3.5", "3,5").replace("4.2", "4,2")
    path.write_text(text)
    _assert_same(clean, project, "observations")


def test_stray_whitespace_and_lower_case_codes(clean, project):
    path = project / "partners.csv"
    lines = path.read_text().splitlines()
    padded = [",".join(f"  {cell} " for cell in line.split(",")) for line in lines]
    path.write_text("\n".join(padded).replace("DK01", "dk01").replace(" AT,", " at,") + "\n\n")
    _assert_same(clean, project, "partners")


def test_xlsx_workbook(clean, project):
    raw = pd.read_csv(project / "clusters.csv", dtype=str, keep_default_na=False)
    raw.to_excel(project / "clusters.xlsx", index=False)
    (project / "clusters.csv").unlink()
    yaml = project / "project.yaml"
    yaml.write_text(yaml.read_text().replace("clusters: clusters.csv", "clusters: clusters.xlsx"))
    _assert_same(clean, project, "clusters")


@pytest.mark.parametrize("text, value", [
    ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("0,25", 0.25), ("13 000 000", 13_000_000.0),
    ("1.234.567", 1_234_567.0), ("-2", -2.0), ("4.5", 4.5), ("1\u00a0500", 1500.0),
])
def test_parse_number_reads_european_and_english_forms(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["twelve", "1,2,3", "12abc", "", "1.2.3,4,5"])
def test_parse_number_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text", ["2018-05-23", "23.05.2018", "23/05/2018", "2018-05-23 00:00:00"])
def test_parse_date_forms(text):
    assert parse_date(text) == pd.Timestamp("2018-05-23")
