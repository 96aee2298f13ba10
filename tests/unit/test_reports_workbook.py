"""The snapshot's spreadsheet (reports/workbook.py) on tests/fixtures/learning_pilot, contents checked by hand.

The fixture's rows (synthetic = demo): partners 3, policy_instruments 2, indicators 3, policy_changes 2 (2 demo),
observations 4 (3 demo), clusters 5 (5 demo), cluster_links 3 (3 demo), events 7 (e7 demo), good_practices 4,
good_practice_transfers 4 (1 demo), action_plans 2 (1 demo): 39 rows, 16 demo.
"""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

import clusterix_analytics as cx
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.reports.index import index_page
from clusterix_analytics.reports.workbook import write_snapshot_workbook, write_workbook

from ..conftest import FIXTURES


@pytest.fixture(scope="module")
def pilot():
    return cx.load(FIXTURES / "learning_pilot")


@pytest.fixture(scope="module")
def book(pilot, tmp_path_factory):
    path = write_workbook(pilot, tmp_path_factory.mktemp("xlsx") / "snap.xlsx", "2026-12-02T03-00-00Z")
    return load_workbook(path)


def values(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_a_sheet_per_table_after_the_readme_and_the_sources(book):
    assert book.sheetnames == ["README", "sources", "partners", "policy_instruments", "indicators", "policy_changes",
                               "observations", "clusters", "cluster_links", "events", "good_practices",
                               "good_practice_transfers", "action_plans"]


def test_the_readme_states_project_snapshot_provenance_and_demo_share(book):
    rows = values(book["README"])
    assert rows[0][0] == "Learning Pilot – test project – data of snapshot 2026-12-02T03-00-00Z"
    assert rows[2][:2] == ["Project", "Learning Pilot – test project (learning_pilot)"]
    assert rows[3][:2] == ["Snapshot", "2026-12-02T03-00-00Z"]
    assert rows[4][1].startswith("16 of 39 rows (41%) are synthetic demo values from the seeded generator")
    assert "URL of its public source" in rows[5][1]
    table = {r[0]: r[1:6] for r in rows[7:]}
    assert rows[6][:6] == ["Table (sheet)", "Rows", "Sourced rows", "Demo rows", "Demo share", "Provenance"]
    assert table["partners"] == [3, 3, 0, "0%", "sourced"]
    assert table["clusters"] == [5, 0, 5, "100%", "demo"]
    assert table["events"] == [7, 6, 1, "14%", "mixed"]                      # e7
    assert table["observations"] == [4, 1, 3, "75%", "mixed"]                # the project's reported total sourced
    assert sum(r[0] for r in table.values()) == 39 and sum(r[2] for r in table.values()) == 16


def test_the_sources_sheet_lists_each_url_with_the_rows_citing_it(book):
    rows = values(book["sources"])
    assert rows[0] == ["Source", "Rows citing it", "Tables (rows)", "The rows (table: key)"]
    cited = {r[0]: r[1:] for r in rows[1:]}
    # the three indicators share one URL, the three partners another; e1..e6 one URL each (e7 is demo, no URL)
    assert cited["https://example.org/learning-pilot/indicators"] == [
        3, "indicators (3)", "indicators: pilots_launched, learning_events, good_practices"]
    assert cited["https://example.org/nordic-pilot/partners"] == [3, "partners (3)", "partners: cph, vie, sth"]
    assert cited["https://example.org/learning-pilot/e4"] == [1, "events (1)", "events: e4_peer_review"]
    # a key of several columns, dates as dates: the project's reported total of learning events
    assert cited["https://example.org/learning-pilot/final-report"] == [
        1, "observations (1)", "observations: project/learning_events/2020-01-01"]
    assert cited["https://example.org/learning-pilot/ap-cph"][2] == "action_plans: cph/cph_op"
    assert len([u for u in cited if "/learning-pilot/e" in u]) == 6
    assert [r[1] for r in rows[1:]] == sorted((r[1] for r in rows[1:]), reverse=True)   # most cited first
    assert len(cited) == 18


def test_table_sheets_hold_the_rows_with_dates_as_dates_and_unknown_as_empty(book, pilot):
    rows = values(book["events"])
    assert rows[0] == list(pilot.events.columns)
    by_id = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert by_id["e1_kickoff"]["start"] == dt.datetime(2020, 1, 15)
    assert book["events"]["C2"].number_format == "yyyy-mm-dd"
    assert by_id["e4_peer_review"]["start"] is None and by_id["e4_peer_review"]["participants"] is None
    assert by_id["e3_malmo_workshop"]["participants"] == 20
    assert (by_id["e7_demo_workshop"]["synthetic"], by_id["e7_demo_workshop"]["source"]) == (True, None)
    assert book["events"].freeze_panes == "A2"


def test_a_text_that_looks_like_a_formula_stays_text(pilot, tmp_path):
    events = pilot.events.copy()
    events.loc[0, "title"] = '=HYPERLINK("http://evil.example","click")'
    changed = Dataset(project=pilot.project, tables={**pilot.tables, "events": events})
    sheet = load_workbook(write_workbook(changed, tmp_path / "x.xlsx", "s"))["events"]
    assert sheet["B2"].value == '=HYPERLINK("http://evil.example","click")'
    assert sheet["B2"].data_type == "s"


def test_the_snapshot_keeps_one_spreadsheet_named_after_it_and_the_index_links_it(pilot, tmp_path):
    assert write_snapshot_workbook(tmp_path, "first", pilot) == "data/first.xlsx"
    assert write_snapshot_workbook(tmp_path, "first-2", pilot) == "data/first-2.xlsx"   # renamed at publication
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["first-2.xlsx"]
    page = index_page({"snapshot": "first-2", "workbook": "data/first-2.xlsx", "runs": []})
    assert '<a href="data/first-2.xlsx" download>the data as a spreadsheet (XLSX)</a>' in page
    assert "XLSX" not in index_page({"snapshot": "s", "runs": []})
