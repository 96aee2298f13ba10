"""project.yaml: phases, phase_of, reporting periods."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from clusterix_analytics import load_project
from clusterix_analytics.config import DEFAULT_PROJECT_DIR

from ..conftest import SECOND_PROJECT


@pytest.fixture(scope="module")
def clusterix():
    return load_project(DEFAULT_PROJECT_DIR)


def test_clusterix_phases_are_the_documented_readings(clusterix):
    assert [(p.id, p.start, p.end, p.dates) for p in clusterix.phases] == [
        ("P1", dt.date(2016, 4, 1), dt.date(2019, 3, 31), "assumed"),
        ("P2", dt.date(2019, 4, 1), dt.date(2021, 3, 31), "assumed"),
        ("AA", dt.date(2021, 4, 1), dt.date(2022, 3, 31), "assumed"),
    ]
    assert (clusterix.start, clusterix.end, clusterix.dates) == (dt.date(2016, 4, 1), dt.date(2021, 3, 31), "sourced")


@pytest.mark.parametrize("day, phase", [
    ("2016-04-01", "P1"), ("2019-03-31", "P1"), ("2019-04-01", "P2"), ("2021-03-31", "P2"),
    ("2021-04-01", "AA"), ("2022-03-31", "AA"), ("2016-03-31", None), ("2022-04-01", None),
])
def test_phase_of_boundaries(clusterix, day, phase):
    assert clusterix.phase_of(day) == phase


def test_reporting_periods_of_six_months(clusterix):
    periods = clusterix.reporting_periods()
    # 2016-04-01 .. 2022-03-31 is six years: 12 half-year periods
    assert len(periods) == 12
    assert periods.iloc[6][["period", "start", "end", "phase_id"]].tolist() == [
        7, pd.Timestamp("2019-04-01"), pd.Timestamp("2019-09-30"), "P2"]
    assert periods.iloc[-1][["start", "end", "phase_id"]].tolist() == [
        pd.Timestamp("2021-10-01"), pd.Timestamp("2022-03-31"), "AA"]


def test_second_project_has_its_own_calendar():
    project = load_project(SECOND_PROJECT)
    periods = project.reporting_periods()
    # two years of four-month periods = 6; the fourth starts 2021-01-01 in phase "apply"
    assert len(periods) == 6
    assert periods.iloc[3][["start", "end", "phase_id"]].tolist() == [
        pd.Timestamp("2021-01-01"), pd.Timestamp("2021-04-30"), "apply"]
    assert project.phase_ids == ("learn", "apply")
