"""Policy-learning analytics: indicators counted from the rows of the learning tables (events, good practices,
transfers, action plans), and the partnership's learning journey.

**Indicators from rows.** An indicator whose ``counted_from`` names a policy-learning table the project has is
counted from that table's rows, never from observations: each row that counts is one unit (an event of a
learning type, a good practice, a transfer, an action plan), credited to its partner (host, owner, adopting
partner, action-plan partner) in the reporting period of its date. Per-partner observation rows of such an
indicator are set aside; the project-wide total the project reported (``partner_id`` ``project``) stays as
it is and is compared with the rows, never added to them: "23 of the 117 events the project reported are
documented". Documented means sourced rows; demo rows are counted apart. A row without a date is in the total
but in no period; a row without a partner is in the total but in no partner's value.

>>> import clusterix_analytics as cx
>>> ds = cx.load()
>>> counted_indicators(ds)
{'learning_events': 'events', 'good_practices': 'good_practices', 'action_plans': 'action_plans'}
>>> print(count_sentence(counted_indicator(ds, "learning_events")))  # doctest: +NORMALIZE_WHITESPACE
**Policy learning events organised**: 23 of the 117 events the project reported are documented in the
events table (sourced); the other 94 are not documented. 4 of the documented events have no date and 10
no partner: they count in the total, not in a reporting period or a partner's value.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clusterix_analytics.analytics.metrics import PROJECT_SCOPE, Metric, reported_total, target
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.fields import LEARNING_EVENT_TYPES, PROJECT_WIDE
from clusterix_analytics.data.provenance import SOURCED


@dataclass(frozen=True)
class Counting:
    """How the rows of one learning table count: whose they are and when."""

    partner: str  # column naming the partner a row is credited to
    date: str     # column dating the row


COUNTING = {
    "events": Counting("host_partner_id", "start"),
    "good_practices": Counting("owner_partner_id", "date"),
    "good_practice_transfers": Counting("adopting_partner_id", "date"),
    "action_plans": Counting("partner_id", "date"),
}


def counting_rows(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a learning table that count: events of a learning type (milestones do not), every other row.

    >>> counting_rows("events", pd.DataFrame({"event_type": ["workshop", "milestone"]})).event_type.tolist()
    ['workshop']
    """
    if table == "events":
        return frame[frame["event_type"].isin(LEARNING_EVENT_TYPES)]
    return frame


def counted_indicators(dataset: Dataset) -> dict[str, str]:
    """Indicator id → the learning table it is counted from, for the tables the project has."""
    indicators = dataset.indicators
    if "counted_from" not in indicators:
        return {}
    named = indicators.dropna(subset=["counted_from"])
    return {str(i): str(t) for i, t in zip(named["indicator_id"], named["counted_from"]) if dataset.has(str(t))}


def rows_as_observations(dataset: Dataset, indicator_id: str, table: str) -> pd.DataFrame:
    """The counting rows of ``table`` as per-partner observations of ``indicator_id``: one row per partner,
    reporting period and provenance, ``value`` = rows counted. Rows without a partner or a date are left out
    (they are in :func:`counted_indicator`'s totals). Columns as observations, plus ``counted_from``.

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> rows = rows_as_observations(ds, "learning_events", "events")
    >>> ostrava = rows.set_index("partner_id").loc["rda_ostrava"]
    >>> int(rows.value.sum()), f"{ostrava.period_start:%Y-%m-%d}", float(ostrava.value)
    (9, '2016-10-01', 1.0)
    """
    how = COUNTING[table]
    rows = counting_rows(table, dataset.tables[table]).dropna(subset=[how.partner, how.date])
    periods = dataset.project.reporting_periods()
    columns = ["partner_id", "indicator_id", "period_start", "period_end", "value", "source", "synthetic",
               "counted_from"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    starts = periods["start"].searchsorted(rows[how.date], side="right") - 1
    placed = pd.DataFrame({
        "partner_id": rows[how.partner].astype(str).to_numpy(),
        "period_start": periods["start"].to_numpy()[starts], "period_end": periods["end"].to_numpy()[starts],
        "synthetic": rows["synthetic"].astype(bool).to_numpy(),
    })
    counted = (placed.groupby(["partner_id", "period_start", "period_end", "synthetic"]).size().astype(float)
               .rename("value"))
    out = counted.reset_index().assign(indicator_id=indicator_id, source=None, counted_from=table)
    return out[columns]


def indicator_observations(dataset: Dataset) -> pd.DataFrame:
    """The observations every indicator page uses: the project's observations, with the per-partner rows of each
    indicator counted from a learning table replaced by that table's rows (:func:`rows_as_observations`).
    Project-wide rows stay as they are. ``counted_from`` names the table a row comes from (empty: observed).

    >>> import clusterix_analytics as cx
    >>> obs = indicator_observations(cx.load())
    >>> events = obs[obs.indicator_id == "learning_events"]
    >>> events.groupby("partner_id").value.sum().astype(int).to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'ecoplus': 2, 'idm': 1, 'inma': 1, 'project': 117, 'rda_ostrava': 1, 'region_aura': 1, 'region_skane': 1,
     'region_syddanmark': 1, 'westpannon': 1}
    """
    observations = dataset.observations.assign(counted_from=None)
    counted = counted_indicators(dataset)
    if not counted:
        return observations
    replaced = observations["indicator_id"].isin(list(counted)) & (observations["partner_id"] != PROJECT_WIDE)
    parts = [observations[~replaced]] + [rows_as_observations(dataset, i, t) for i, t in counted.items()]
    parts = [p for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True) if parts else observations.iloc[0:0]
    out["synthetic"] = out["synthetic"].astype(bool)
    return out


@dataclass(frozen=True)
class CountedIndicator:
    """An indicator counted from a learning table, next to what the project reported.

    ``documented`` counts the sourced rows that count (``scope``: the project or one partner); ``demo`` the
    demo rows that count (never added to ``documented``); ``reported`` is the project's own total (value None
    where it reported none); ``undated`` / ``without_partner``: documented rows in no period / no partner.
    """

    indicator_id: str
    name: str
    unit: str
    table: str
    documented: Metric
    demo: int
    reported: Metric
    target: Metric
    undated: int
    without_partner: int


def counted_indicator(dataset: Dataset, indicator_id: str, partner: str | None = None) -> CountedIndicator | None:
    """The indicator counted from its learning table (for one ``partner``, or all), or None when the project
    has no such table (the indicator then comes from observations alone).

    >>> import clusterix_analytics as cx
    >>> gp = counted_indicator(cx.load(), "good_practices")
    >>> gp.documented.text(), gp.reported.value, gp.target.text()
    ('19 good practices', None, '20 good practices')
    >>> counted_indicator(cx.load(), "learning_events", partner="ecoplus").documented.value
    3
    """
    table = counted_indicators(dataset).get(indicator_id)
    if table is None:
        return None
    how = COUNTING[table]
    rows = counting_rows(table, dataset.tables[table])
    scope = PROJECT_SCOPE
    if partner not in (None, "all"):
        rows, scope = rows[rows[how.partner] == partner], f"partner:{partner}"
    synthetic = rows["synthetic"].astype(bool)
    sourced = rows[~synthetic]
    indicator = dataset.indicators.set_index("indicator_id").loc[indicator_id]
    unit = str(indicator["unit"])
    documented = Metric(f"{indicator_id}_documented", f"{indicator['name']}: documented in the {table} table",
                        int(len(sourced)), unit, SOURCED, scope)
    reported = reported_total(dataset.observations, dataset.indicators, indicator_id)
    return CountedIndicator(
        indicator_id=indicator_id, name=str(indicator["name"]), unit=unit, table=table, documented=documented,
        demo=int(synthetic.sum()), reported=reported, target=target(dataset.indicators, indicator_id),
        undated=int(sourced[how.date].isna().sum()), without_partner=int(sourced[how.partner].isna().sum()),
    )


def count_sentence(counted: CountedIndicator) -> str:
    """What a page says about an indicator counted from rows: documented rows against the reported total (or,
    where there is none, the target), demo rows apart, and what the rows lack.

    >>> import clusterix_analytics as cx
    >>> print(count_sentence(counted_indicator(cx.load(), "action_plans")))  # doctest: +NORMALIZE_WHITESPACE
    **Action plans developed and implemented**: action plans documented in the action_plans table: 2
    (sourced); the project reported no total (target: 10 action plans). The table also holds 8 demo rows,
    not counted as documented. 2 of the documented action plans have no date: they count in the total,
    not in a reporting period.
    >>> print(count_sentence(counted_indicator(cx.load(), "learning_events", partner="ecoplus")))
    ... # doctest: +NORMALIZE_WHITESPACE
    **Policy learning events organised**: events documented in the events table for this partner: 3 (sourced).
    1 of the documented events has no date: it counts in the total, not in a reporting period.
    """
    n, unit, reported = counted.documented.value, counted.unit, counted.reported.value
    if counted.documented.scope != PROJECT_SCOPE:  # one partner: the project's total is not its own
        head = f"{unit} documented in the {counted.table} table for this partner: {n:,} (sourced)"
    elif reported is not None:
        head = (f"{n:,} of the {reported:,.0f} {unit} the project reported {'is' if n == 1 else 'are'} documented "
                f"in the {counted.table} table (sourced)")
        if reported > n:
            head += f"; the other {reported - n:,.0f} are not documented"
    else:
        goal = f"target: {counted.target.text()}" if counted.target.value is not None else "no target"
        head = (f"{unit} documented in the {counted.table} table: {n:,} (sourced); the project reported no total "
                f"({goal})")
    text = f"**{counted.name}**: {head}."
    if counted.demo:
        text += (f" The table also holds {counted.demo:,} demo row{'' if counted.demo == 1 else 's'}, not counted as "
                 "documented.")
    lacking = [(k, what, where) for k, what, where in ((counted.undated, "no date", "a reporting period"),
                                                        (counted.without_partner, "no partner", "a partner's value"))
               if k]
    if lacking:
        (k, what, _), rest = lacking[0], lacking[1:]
        text += f" {k:,} of the documented {unit} {'has' if k == 1 else 'have'} {what}"
        text += "".join(f" and {k:,} {w}" for k, w, _ in rest)
        they = "it counts" if sum(k for k, *_ in lacking) == 1 else "they count"
        text += f": {they} in the total, not in " + " or ".join(where for *_, where in lacking) + "."
    return text


def counted_all(dataset: Dataset, partner: str | None = None) -> list[CountedIndicator]:
    """Every indicator counted from rows, for the project or one partner (empty: no learning table counts one).

    >>> import clusterix_analytics as cx
    >>> [c.documented.text() for c in counted_all(cx.load())]
    ['23 events', '19 good practices', '2 action plans']
    >>> counted_all(cx.load("tests/fixtures/nordic_pilot"))
    []
    """
    return [counted_indicator(dataset, i, partner) for i in counted_indicators(dataset)]


def counted_metrics(dataset: Dataset, partner: str | None = None) -> list[Metric]:
    """The documented count of every indicator counted from rows, for the project or one partner.

    >>> import clusterix_analytics as cx
    >>> [m.scope for m in counted_metrics(cx.load(), partner="ecoplus")]
    ['partner:ecoplus', 'partner:ecoplus', 'partner:ecoplus']
    """
    return [c.documented for c in counted_all(dataset, partner)]

