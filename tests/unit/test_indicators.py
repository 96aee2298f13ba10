"""Indicator analytics against values worked out by hand on a tiny project.

The tiny project: start 2020-01-01, end 2020-12-31, six-month reporting periods, two phases
  P1 2020-01-01..2020-08-31 (244 days: 31+29+31+30+31+30+31+31, 2020 is a leap year)
  P2 2020-09-01..2020-12-31 (122 days: 30+31+30+31)
so period 1 = 2020-01-01..2020-06-30 (182 days, all P1) and period 2 = 2020-07-01..2020-12-31
(184 days) straddles the phase boundary: 62 days in P1 (July, August), 122 days in P2.

Partners a, b, c (c reports nothing). Indicators:
  ev  events, sum, target 300 → partner share 300 / 3 = 100
  lvl percent, last, target 10 → a rate: partners averaged, each partner's target stays 10
  nt  EUR, sum, no target
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterix_analytics.analytics import calendar, policy_changes
from clusterix_analytics.analytics import indicators as ind
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.project import Phase, Project
from clusterix_analytics.views import policy_change_indicators


def tiny_project() -> Project:
    return Project(
        directory=Path("."), id="tiny", name="Tiny project", programme="test", nuts_version=2016,
        start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31), dates="assumed", source=None,
        reporting_period_months=6,
        phases=(Phase("P1", "Phase one", dt.date(2020, 1, 1), dt.date(2020, 8, 31), "assumed"),
                Phase("P2", "Phase two", dt.date(2020, 9, 1), dt.date(2020, 12, 31), "assumed")),
        tables={},
    )


PARTNERS = pd.DataFrame({"partner_id": ["a", "b", "c"], "short_name": ["A", "B", "C"]})
INDICATORS = pd.DataFrame({
    "indicator_id": ["ev", "lvl", "nt"],
    "name": ["Events", "Rate", "No target"],
    "unit": ["events", "percent", "EUR"],
    "target": [300.0, 10.0, np.nan],
    "aggregation": ["sum", "last", "sum"],
    "kind": ["output", "result", "result"],
})


def obs(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["partner_id", "indicator_id", "period_start", "period_end", "value"])
    frame["period_start"] = pd.to_datetime(frame.period_start)
    frame["period_end"] = pd.to_datetime(frame.period_end)
    frame["synthetic"] = frame.partner_id != "project"
    frame["source"] = np.where(frame.synthetic, None, "https://example.org/report")
    return frame


OBSERVATIONS = obs([
    ("a", "ev", "2020-01-01", "2020-06-30", 20),
    ("a", "ev", "2020-07-01", "2020-12-31", 184),
    # b reports quarterly: both quarters fall in period 1 and add up to 10
    ("b", "ev", "2020-01-01", "2020-03-31", 4),
    ("b", "ev", "2020-04-01", "2020-06-30", 6),
    ("a", "lvl", "2020-01-01", "2020-06-30", 2.0),
    ("a", "lvl", "2020-07-01", "2020-12-31", 6.0),
    # two levels in period 1: "last" keeps the later one (4.0)
    ("b", "lvl", "2020-01-01", "2020-03-31", 3.0),
    ("b", "lvl", "2020-04-01", "2020-06-30", 4.0),
    ("a", "nt", "2020-01-01", "2020-06-30", 1000),
    ("b", "nt", "2020-05-01", "2020-06-30", 300),
    ("b", "nt", "2020-07-01", "2020-12-31", 50),
    # project-wide sourced totals: never mixed into partner rows
    ("project", "ev", "2020-01-01", "2020-12-31", 250),
    ("project", "nt", "2020-01-01", "2020-05-15", 1500),  # e.g. a survey closing mid-period
])


def row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, f"expected one row for {where}, found {int(mask.sum())}"
    return frame[mask].iloc[0]


@pytest.fixture
def periods() -> pd.DataFrame:
    return ind.period_values(OBSERVATIONS, INDICATORS, tiny_project(), PARTNERS)


# ---------------------------------------------------------------- reporting periods


def test_straddling_period_is_split_by_days():
    shares = calendar.period_phase_shares(tiny_project())
    straddling = shares[shares.period == 2].set_index("phase_id")
    assert straddling.days.to_dict() == {"P1": 62, "P2": 122}
    assert straddling.share["P1"] == pytest.approx(62 / 184)
    assert row(shares, period=1).days == 182 and row(shares, period=1).phase_id == "P1"


def test_period_values_aggregate_per_indicator_definition(periods):
    assert row(periods, indicator_id="ev", partner_id="b", period=1).value == 10  # 4 + 6
    assert row(periods, indicator_id="ev", partner_id="b", period=1).observations == 2
    assert row(periods, indicator_id="lvl", partner_id="b", period=1).value == 4.0  # last of 3, 4
    a2 = row(periods, indicator_id="ev", partner_id="a", period=2)
    assert a2.cumulative == 204  # 20 + 184
    assert a2.partner_target == 100  # 300 / 3 partners
    assert a2.achievement_pct == pytest.approx(204.0)
    # b reported nothing in period 2: the value is missing, the cumulative value carries on
    b2 = row(periods, indicator_id="ev", partner_id="b", period=2)
    assert np.isnan(b2.value) and b2.cumulative == 10
    lvl = row(periods, indicator_id="lvl", partner_id="a", period=2)
    assert lvl.cumulative == 6.0 and lvl.partner_target == 10 and lvl.achievement_pct == pytest.approx(60.0)
    assert np.isnan(row(periods, indicator_id="nt", partner_id="a", period=1).achievement_pct)  # no target
    assert "c" not in set(periods.partner_id)  # no observations, no rows
    assert "project" not in set(periods.partner_id)


def test_aggregation_comes_from_the_data_not_the_code():
    as_max = INDICATORS.assign(aggregation=INDICATORS.aggregation.where(INDICATORS.indicator_id != "ev", "max"))
    table = ind.period_values(OBSERVATIONS, as_max, tiny_project(), PARTNERS)
    # "max" over b's quarters: max(4, 6) = 6; a's running maximum over periods: max(20, 184) = 184
    assert row(table, indicator_id="ev", partner_id="b", period=1).value == 6
    assert row(table, indicator_id="ev", partner_id="a", period=2).cumulative == 184
    # and a max indicator's target is not divided among partners
    assert row(table, indicator_id="ev", partner_id="a", period=2).partner_target == 300


def test_partner_sum_by_period_uses_each_indicators_partner_rule(periods):
    combined = ind.partner_sum_by_period(periods, INDICATORS)
    ev = row(combined, indicator_id="ev", period=2)
    assert ev.cumulative == 214  # a 204 + b 10 (carried)
    assert ev.achievement_pct == pytest.approx(214 / 300 * 100)
    lvl = row(combined, indicator_id="lvl", period=2)
    assert lvl.cumulative == pytest.approx(5.0)  # a percentage: mean(6, 4), not 10
    assert lvl.achievement_pct == pytest.approx(50.0)


# ---------------------------------------------------------------- phases


def test_phase_values_split_sums_pro_rata_and_levels_by_period_end(periods):
    phases = ind.phase_values(periods, tiny_project())
    a_p1 = row(phases, indicator_id="ev", partner_id="a", phase_id="P1")
    a_p2 = row(phases, indicator_id="ev", partner_id="a", phase_id="P2")
    assert a_p1.value == pytest.approx(82)  # 20 + 184 × 62/184
    assert a_p2.value == pytest.approx(122)  # 184 × 122/184
    assert a_p2.cumulative == pytest.approx(204)
    assert a_p1.phase_days == 244 and a_p2.phase_days == 122
    assert a_p2.complete and a_p2.projected_value == pytest.approx(122)  # a complete phase projects itself
    # a level measured at a period's end belongs to the phase containing that end, unsplit
    assert row(phases, indicator_id="lvl", partner_id="a", phase_id="P1").value == 2.0
    assert row(phases, indicator_id="lvl", partner_id="a", phase_id="P2").value == 6.0
    # b was silent in P2: its row is there with no value and its cumulative 10 carried
    b_p2 = row(phases, indicator_id="ev", partner_id="b", phase_id="P2")
    assert np.isnan(b_p2.value) and b_p2.cumulative == 10
    combined = ind.partner_sum_by_phase(phases, tiny_project())
    assert row(combined, indicator_id="ev", phase_id="P1").value == pytest.approx(92)  # 82 + 10
    assert row(combined, indicator_id="ev", phase_id="P2").cumulative == pytest.approx(214)  # 204 + 10
    assert row(combined, indicator_id="ev", phase_id="P2").achievement_pct == pytest.approx(214 / 3)


def test_projection_at_current_rate_mid_phase():
    early = obs([("a", "ev", "2020-01-01", "2020-06-30", 60), ("b", "lvl", "2020-01-01", "2020-06-30", 4.0)])
    table = ind.period_values(early, INDICATORS, tiny_project(), PARTNERS)
    phases = ind.phase_values(table, tiny_project())
    assert set(phases.phase_id) == {"P1"}  # P2 has not started by the as-of date 2020-06-30
    ev = row(phases, indicator_id="ev", partner_id="a", phase_id="P1")
    assert ev.days_elapsed == 182 and not ev.complete
    assert ev.projected_value == pytest.approx(60 * 244 / 182)  # 80.44
    assert ev.projected_achievement_pct == pytest.approx(60 * 244 / 182)  # of a partner target of 100
    lvl = row(phases, indicator_id="lvl", partner_id="b", phase_id="P1")
    assert lvl.projected_value == pytest.approx(4.0 * 244 / 182)  # from a level of 0 before the first phase


# ---------------------------------------------------------------- project-wide rows


def test_project_rows_are_shown_next_to_the_sum_of_partner_rows():
    table = ind.reported_vs_partner_sum(OBSERVATIONS, INDICATORS).set_index("indicator_id")
    assert table.loc["ev", "reported_by_project"] == 250
    assert table.loc["ev", "sum_of_partner_rows"] == 214  # 20 + 184 + 4 + 6
    assert table.loc["ev", "difference"] == -36
    # partner rows overlapping the project row's dates (to 2020-05-15) count: a's 1000 + b's 300, not b's 50
    assert table.loc["nt", "sum_of_partner_rows"] == 1300 and table.loc["nt", "reported_by_project"] == 1500
    assert np.isnan(table.loc["lvl", "reported_by_project"])
    assert table.loc["lvl", "sum_of_partner_rows"] == pytest.approx(5.0)  # mean of the latest levels 6 and 4


# ---------------------------------------------------------------- scorecard


def test_scorecard_statuses(periods):
    card = ind.partner_scorecard(periods, INDICATORS, PARTNERS, tiny_project())
    status = card.set_index(["partner_id", "indicator_id"]).status
    # as of 2020-12-31 the whole project has elapsed: the expected value is the full partner target
    assert card.attrs["elapsed_share"] == 1.0
    assert status["a", "ev"] == "target met"  # 204 >= 100
    assert status["b", "ev"] == "behind"  # 10 < 100
    assert status["c", "ev"] == "no data"  # a partner with no observations is listed, not dropped
    assert status["a", "lvl"] == "behind"  # 6 < 10
    assert status["a", "nt"] == "no target" and status["c", "nt"] == "no target"
    summary = ind.scorecard_summary(card).set_index("partner_id")
    assert summary.overall.to_dict() == {"a": "behind", "b": "behind", "c": "no data"}
    assert summary.loc["a", "target met"] == 1 and summary.loc["a", "behind"] == 1


def test_scorecard_on_track_uses_straight_line_expectation():
    early = obs([("a", "ev", "2020-01-01", "2020-06-30", 60), ("b", "ev", "2020-01-01", "2020-06-30", 40)])
    table = ind.period_values(early, INDICATORS, tiny_project(), PARTNERS)
    card = ind.partner_scorecard(table, INDICATORS, PARTNERS, tiny_project())
    # as of 2020-06-30: 182 of 366 project days, expected 100 × 182/366 = 49.73
    assert card.attrs["elapsed_share"] == pytest.approx(182 / 366)
    a = row(card, partner_id="a", indicator_id="ev")
    assert a.expected_to_date == pytest.approx(100 * 182 / 366)
    assert a.status == "on track"  # 60 >= 49.73
    assert row(card, partner_id="b", indicator_id="ev").status == "behind"  # 40 < 49.73
    summary = ind.scorecard_summary(card).set_index("partner_id")
    assert summary.loc["a", "overall"] == "on track"


# ---------------------------------------------------------------- policy changes


CHANGES = pd.DataFrame({
    "change_id": ["ch1", "ch2", "ch3", "ch4", "ch5", "ch6"],
    "partner_id": ["a", "a", "b", "b", "c", "a"],
    "instrument_id": ["inst_a1", "inst_a1", None, "inst_b1", "inst_c1", "inst_a2"],
    "date": pd.to_datetime(["2020-03-15", "2020-10-01", "2020-07-10", "2020-09-20", "2021-03-15", "2020-05-01"]),
    "change_type": ["new_projects", "management", "strategic_focus", "new_projects", "strategic_focus",
                    "new_projects"],
    "status": ["achieved", "achieved", "achieved", "planned", "achieved", "achieved"],
    "funds_influenced_eur": [1000, np.nan, 5000, 2000, 700, 500],
    "description": ["one", "two", "three", "four", "five", "six"],
    "source": ["https://example.org/1", None, None, None, None, None],
    "synthetic": [False, True, True, True, True, True],
})


@pytest.fixture
def changes() -> pd.DataFrame:
    return policy_changes.changes_with_phase(CHANGES, tiny_project())


def test_changes_get_phase_and_months_and_none_is_dropped(changes):
    by_id = changes.set_index("change_id")
    assert len(changes) == 6
    assert by_id.phase_id.to_dict() == {"ch1": "P1", "ch6": "P1", "ch3": "P1", "ch4": "P2", "ch2": "P2",
                                        "ch5": calendar.OUTSIDE_PHASES}
    assert by_id.loc["ch5", "phase_name"] == calendar.OUTSIDE_PHASES_NAME
    # completed months from 2020-01-01: Mar 15 → 2, Oct 1 → 9, Jul 10 → 6, Sep 20 → 8, 2021-03-15 → 14
    assert by_id.months_from_start.to_dict() == {"ch1": 2, "ch6": 4, "ch3": 6, "ch4": 8, "ch2": 9, "ch5": 14}
    assert by_id.loc["ch1", "evidence"] == "https://example.org/1"
    assert by_id.loc["ch2", "evidence"] == "demo data – no source"
    assert by_id.loc["ch3", "change_type_label"] == policy_changes.CHANGE_TYPE_LABELS["strategic_focus"]


def test_instruments_improved_per_partner_phase_and_type(changes):
    table = policy_changes.instruments_improved(changes)  # achieved changes only
    a_p1 = row(table, partner_id="a", phase_id="P1", change_type="new_projects")
    assert (a_p1.changes, a_p1.instruments) == (2, 2)  # ch1 (inst_a1), ch6 (inst_a2)
    b_p1 = row(table, partner_id="b", phase_id="P1", change_type="strategic_focus")
    assert (b_p1.instruments, b_p1.changes_unknown_instrument) == (0, 1)  # ch3: instrument not identified
    assert row(table, partner_id="c", phase_id=calendar.OUTSIDE_PHASES).instruments == 1  # reported, not dropped
    assert not ((table.partner_id == "b") & (table.phase_id == "P2")).any()  # ch4 is only planned
    by_partner = policy_changes.instruments_improved_by_partner(changes).set_index("partner_id")
    assert by_partner.loc["a", "instruments"] == 2 and by_partner.loc["a", "changes"] == 3  # inst_a1 twice


def test_funds_by_partner_and_phase(changes):
    funds = policy_changes.funds_by_partner_phase(changes).set_index(["partner_id", "phase_id"]).funds_eur
    assert funds["a", "P1"] == 1500  # 1000 + 500
    assert np.isnan(funds["a", "P2"])  # ch2 has no amount: unknown, not 0
    assert funds["b", "P1"] == 5000
    assert funds["c", calendar.OUTSIDE_PHASES] == 700
    every_status = policy_changes.funds_by_partner_phase(changes, statuses=None).set_index(["partner_id", "phase_id"])
    assert every_status.funds_eur["b", "P2"] == 2000  # the planned change counts when asked for


def test_completed_months():
    assert calendar.completed_months("2016-04-01", "2017-11-01") == 19
    assert calendar.completed_months("2020-01-31", "2020-02-29") == 0
    assert calendar.completed_months("2020-01-15", "2019-12-20") == 0
    assert calendar.completed_months("2020-01-15", "2019-12-10") == -1


# ---------------------------------------------------------------- parameters


def tiny_dataset() -> Dataset:
    return Dataset(project=tiny_project(), tables={
        "partners": PARTNERS, "indicators": INDICATORS, "observations": OBSERVATIONS, "policy_changes": CHANGES})


def test_check_parameters_lists_valid_values():
    ds = tiny_dataset()
    assert policy_change_indicators.check_parameters(ds, partner="all", indicators="all", phase="all") == []
    assert policy_change_indicators.check_parameters(ds, partner="b", indicators=["ev", "nt"], phase="P2") == []
    problems = policy_change_indicators.check_parameters(ds, partner="xyz", indicators=["ev", "nope"], phase="P9")
    assert problems == [
        "unknown partner 'xyz'; valid: all, a, b, c",
        "unknown indicator 'nope'; valid: all or a list of: ev, lvl, nt",
        "unknown phase 'P9'; valid: all, P1, P2",
    ]
    with pytest.raises(ValueError, match="unknown phase 'P9'; valid: all, P1, P2"):
        policy_change_indicators.validate_parameters(ds, phase="P9")


def test_select_filters_on_the_columns_a_frame_has(periods):
    chosen = ind.select(periods, partner="a", indicators=["ev"], phase="P1")
    # a period table's phase_id is the phase containing the period's start: the straddling period 2 is P1's
    assert chosen[["partner_id", "indicator_id", "period"]].values.tolist() == [["a", "ev", 1], ["a", "ev", 2]]
    assert ind.select(periods, partner="a", indicators=["ev"], phase="P2").empty
    # a frame without phase_id ignores the phase parameter
    assert len(ind.select(PARTNERS, partner="b", phase="P1")) == 1


# ---------------------------------------------------------------- the notebook's tables and headlines


def test_build_tables_for_one_partner_as_of_a_phase_end():
    tables = ind.build_tables(tiny_dataset(), partner="a", phase="P1")
    # the view as it stood at the end of P1: as of min(2020-12-31, 2020-08-31)
    assert tables.as_of == pd.Timestamp("2020-08-31")
    assert set(tables.periods.partner_id) == {"a"} and tables.periods.period.max() == 1
    assert tables.scorecard.attrs["elapsed_share"] == pytest.approx(244 / 366)
    # a: 20 events against the straight-line 100 × 244/366 = 66.7 → behind
    assert row(tables.scorecard, indicator_id="ev").status == "behind"
    assert tables.reported.empty  # project-wide totals are not a partner's
    assert row(tables.series, indicator_id="ev", period=1).target == 100  # the partner's share
    assert ind.headline_numbers(tables) == {
        "instruments_improved": 2, "changes_achieved": 2, "changes_unknown_instrument": 0,
        "partners_with_change": 1, "funds_influenced_eur": 1500.0,  # ch1 1000 + ch6 500
        "changes_outside_phases": 0, "partners_target_met": 0, "partners_on_track": 0, "partners_behind": 1,
    }


def test_headline_numbers_for_the_whole_project():
    tables = ind.build_tables(tiny_dataset())
    assert ind.headline_numbers(tables) == {
        "instruments_improved": 3,  # a: inst_a1, inst_a2; c: inst_c1 (b's achieved change names none)
        "changes_achieved": 5,  # ch1, ch2, ch3, ch5, ch6
        "changes_unknown_instrument": 1,  # ch3
        "partners_with_change": 3,
        "funds_influenced_eur": 7200.0,  # 1000 + 5000 + 700 + 500; ch2 unknown, ch4 only planned
        "changes_outside_phases": 1,  # ch5, 2021-03-15
        "partners_target_met": 0, "partners_on_track": 0, "partners_behind": 2,  # c has no data
    }
    assert row(tables.reported, indicator_id="ev").reported_by_project == 250
    assert row(tables.series, indicator_id="ev", period=2).target == 300  # the full target for the sum


def test_build_tables_refuses_unknown_parameters():
    with pytest.raises(ValueError, match="unknown partner 'zz'; valid: all, a, b, c"):
        policy_change_indicators.build(tiny_dataset(), partner="zz")
