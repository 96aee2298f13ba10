"""The project's calendar: reporting periods, phases, their order and names, months from the start.

>>> completed_months("2016-04-01", "2016-06-30")
2
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from clusterix_analytics.data.fields import PROJECT_WIDE
from clusterix_analytics.data.project import Project

OUTSIDE_PHASES = "outside"


OUTSIDE_PHASES_NAME = "Outside every phase"


def _days(start, end) -> int:
    """Days from ``start`` to ``end``, both included."""
    return int((pd.Timestamp(end) - pd.Timestamp(start)).days) + 1


def completed_months(start, day) -> int:
    """Whole calendar months from ``start`` to ``day`` (negative before the start).

    >>> completed_months("2016-04-01", "2017-11-01"), completed_months("2016-04-15", "2016-05-14")
    (19, 0)
    """
    start, day = pd.Timestamp(start), pd.Timestamp(day)
    months = (day.year - start.year) * 12 + (day.month - start.month)
    if day >= start and day.day < start.day:
        months -= 1
    elif day < start and day.day > start.day:
        months += 1
    return months


def as_of_date(observations: pd.DataFrame) -> pd.Timestamp | None:
    """The dataset's reporting date: the latest ``period_end`` of the partner observations."""
    partner_rows = observations[observations.partner_id != PROJECT_WIDE]
    return pd.Timestamp(partner_rows.period_end.max()) if len(partner_rows) else None


def phase_names(project: Project) -> dict[str, str]:
    """Phase id → name, including the bucket for dates outside every phase."""
    return {**project.phase_names, OUTSIDE_PHASES: OUTSIDE_PHASES_NAME}


def phase_order(project: Project) -> list[str]:
    """Phase ids in time order, then the bucket for dates outside every phase."""
    return [p.id for p in sorted(project.phases, key=lambda p: p.start)] + [OUTSIDE_PHASES]


def phase_of(project: Project, day) -> str:
    """The phase containing ``day``, or :data:`OUTSIDE_PHASES`."""
    return project.phase_of(day) or OUTSIDE_PHASES


def period_phase_shares(project: Project) -> pd.DataFrame:
    """How each reporting period's days fall into phases.

    Columns: period, start, end, phase_id, days (of the period in that phase), share (days / period days).
    Days in no phase make a row with phase_id :data:`OUTSIDE_PHASES`.

    >>> import clusterix_analytics as cx
    >>> from clusterix_analytics.config import DEFAULT_PROJECT_DIR
    >>> shares = period_phase_shares(cx.load_project(DEFAULT_PROJECT_DIR))
    >>> shares.query("period == 1")[["phase_id", "days"]].values.tolist()
    [['P1', 183]]
    """
    rows = []
    for period in project.reporting_periods().itertuples():
        total = _days(period.start, period.end)
        covered = 0
        for phase in project.phases:
            lo = max(period.start, pd.Timestamp(phase.start))
            hi = min(period.end, pd.Timestamp(phase.end))
            if lo <= hi:
                days = _days(lo, hi)
                covered += days
                rows.append((period.period, period.start, period.end, phase.id, days, days / total))
        if covered < total:
            rows.append((period.period, period.start, period.end, OUTSIDE_PHASES, total - covered,
                         (total - covered) / total))
    return pd.DataFrame(rows, columns=["period", "start", "end", "phase_id", "days", "share"])


def assign_periods(observations: pd.DataFrame, project: Project) -> pd.DataFrame:
    """Partner observations with the reporting period containing their ``period_end``.

    Project-wide rows are left out (see :func:`reported_vs_partner_sum`).
    Adds columns ``period``, ``reporting_start``, ``reporting_end``.
    """
    periods = project.reporting_periods().rename(columns={"start": "reporting_start", "end": "reporting_end"})
    obs = observations[observations.partner_id != PROJECT_WIDE].copy()
    obs["period_end"] = pd.to_datetime(obs["period_end"])
    obs = obs.sort_values("period_end")
    periods = periods.sort_values("reporting_start")
    periods["reporting_start"] = periods["reporting_start"].astype(obs["period_end"].dtype)
    merged = pd.merge_asof(obs, periods[["period", "reporting_start", "reporting_end"]],
                           left_on="period_end", right_on="reporting_start")
    return merged


def elapsed_share(project: Project, as_of) -> float:
    """Share (0..1) of the project's days (project start..end, the span targets are set for) up to ``as_of``."""
    total = _days(project.start, project.end)
    elapsed = _days(project.start, as_of)
    return float(min(1.0, max(0.0, elapsed / total)))


def order_phases(frame: pd.DataFrame, phase_order: Sequence[str] | None) -> pd.DataFrame:
    """Rows sorted by phase (in ``phase_order``), then partner; as they are when no order is given."""
    if phase_order is None:
        return frame.reset_index(drop=True)
    rank = {p: i for i, p in enumerate(phase_order)}
    return (frame.assign(_rank=frame["phase_id"].map(rank)).sort_values(["_rank", "partner_id"], kind="stable")
            .drop(columns="_rank").reset_index(drop=True))
