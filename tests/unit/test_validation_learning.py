"""The policy-learning tables refuse bad rows as file:row:column (a copy of tests/fixtures/learning_pilot), and are
optional: a project folder without them loads."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import clusterix_analytics as cx
from clusterix_analytics import DataValidationError

from ..conftest import FIXTURES

ALL_TYPES = ("partner_meeting, study_visit, workshop, peer_review, staff_exchange, conference, final_event, "
             "stakeholder_event, other_activity, milestone")


@pytest.fixture
def project(tmp_path) -> Path:
    # the fixture reads the Nordic Pilot's partners and instruments from ../nordic_pilot
    shutil.copytree(FIXTURES / "nordic_pilot", tmp_path / "nordic_pilot")
    shutil.copytree(FIXTURES / "learning_pilot", tmp_path / "learning_pilot")
    return tmp_path / "learning_pilot"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(project_dir: Path) -> dict[tuple[str, int, str], str]:
    with pytest.raises(DataValidationError) as info:
        cx.load(project_dir)
    return {(p.file, p.row, p.column): p.message for p in info.value.problems}


def test_the_fixture_is_valid(project):
    ds = cx.load(project)
    assert [len(ds.tables[t]) for t in ("events", "good_practices", "good_practice_transfers", "action_plans")] == [
        7, 4, 4, 2]


def test_an_unknown_host_partner(project):
    replace_in(project / "events.csv", "DK011,cph,partner_meeting", "DK011,cpx,partner_meeting")
    assert problems_of(project) == {
        ("events.csv", 2, "host_partner_id"): "'cpx': unknown partner_id in partners; known: cph, sth, vie"}


def test_an_event_outside_the_project(project):
    replace_in(project / "events.csv", "2020-06-10,2020-06-10", "2019-06-10,2019-06-10")
    assert problems_of(project) == {
        ("events.csv", 3, "start"): "'2019-06-10' is outside the project (2020-01-01 to 2021-12-31)",
        ("events.csv", 3, "end"): "'2019-06-10' is outside the project (2020-01-01 to 2021-12-31)"}


def test_an_unknown_event_type(project):
    replace_in(project / "events.csv", "sth,workshop", "sth,hackathon")
    assert problems_of(project) == {("events.csv", 4, "event_type"): f"'hackathon': must be one of: {ALL_TYPES} "
                                    "(or add it to project.yaml under vocabularies: event_type:)"}


def test_a_transfer_of_an_unknown_good_practice(project):
    replace_in(project / "good_practice_transfers.csv", "g1_vouchers,vie", "g9_unknown,vie")
    assert problems_of(project) == {
        ("good_practice_transfers.csv", 2, "good_practice_id"):
            "'g9_unknown': unknown good_practice_id in good_practices; known: g1_vouchers, g2_open_data, "
            "g3_dashboard, g4_pitch_days"}


def test_every_problem_at_once(project):
    replace_in(project / "events.csv", "2020-01-15,2020-01-16", "2020-01-16,2020-01-15")       # end before start
    replace_in(project / "good_practices.csv", "e2_vienna_visit", "e9_nowhere")               # unknown event
    replace_in(project / "good_practice_transfers.csv", "sth,inspired", "sth,copied")          # unknown status
    replace_in(project / "action_plans.csv", "cph,cph_op,2020-12-15,day", "cph,vie_fund,2020-12-15,")  # no precision
    replace_in(project / "good_practices.csv", "g4_pitch_days,Regional pitch days,,",
               "g4_pitch_days,Regional pitch days,zzz,")                                       # unknown owner
    found = problems_of(project)
    assert found == {
        ("events.csv", 2, "end"): "is before start",
        ("good_practices.csv", 3, "event_id"): "'e9_nowhere': unknown event_id in events; known: e1_kickoff, "
                                               "e2_vienna_visit, e3_malmo_workshop, e4_peer_review, e5_midterm, "
                                               "e6_online_conference, e7_demo_workshop",
        ("good_practices.csv", 5, "owner_partner_id"): "'zzz': unknown partner_id in partners; known: cph, sth, vie",
        ("good_practice_transfers.csv", 4, "transfer_status"): "'copied': must be one of: inspired, adapted, adopted",
        ("action_plans.csv", 2, "date_precision"): "a dated action plan needs its date_precision",
    }


def test_the_learning_tables_are_optional(project):
    for name in ("events", "good_practices", "good_practice_transfers", "action_plans"):
        replace_in(project / "project.yaml", f"  {name}: {name}.csv\n", "")
        (project / f"{name}.csv").unlink()
    ds = cx.load(project)
    assert not ds.has("events") and "events" not in ds.tables
    with pytest.raises(AttributeError, match="the project has no events table"):
        _ = ds.events


def test_good_practices_without_an_events_table_cannot_name_an_event(project):
    replace_in(project / "project.yaml", "  events: events.csv\n", "")
    (project / "events.csv").unlink()
    found = problems_of(project)
    assert found[("good_practices.csv", 2, "event_id")] == "'e1_kickoff': unknown event_id in events; known: (none)"
    assert len(found) == 3                                                  # g1, g2, g3 name an event; g4 none
