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

from clusterix_analytics.analytics.metrics import (
    PROJECT_SCOPE,
    Metric,
    achieved_changes,
    funds_influenced_eur,
    reported_total,
    target,
)
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.fields import NOT_LEARNING_EVENT_TYPES, PROJECT_WIDE
from clusterix_analytics.data.provenance import SOURCED
from clusterix_analytics.data.tables import TABLES
from clusterix_analytics.text import markdown_text


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
        return frame[~frame["event_type"].isin(NOT_LEARNING_EVENT_TYPES)]
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


def table_words(table: str) -> str:
    """A table's name as a reader reads it (its file name without the underscores).

    >>> table_words("good_practice_transfers")
    'good practice transfers'
    """
    return table.replace("_", " ")


def count_sentence(counted: CountedIndicator) -> str:
    """What a page says about an indicator counted from rows: documented rows against the reported total (or,
    where there is none, the target), demo rows apart, and what the rows lack.

    >>> import clusterix_analytics as cx
    >>> print(count_sentence(counted_indicator(cx.load(), "action_plans")))  # doctest: +NORMALIZE_WHITESPACE
    **Action plans developed and implemented**: action plans documented in the action plans table: 2
    (sourced); the project reported no total (target: 10 action plans). The table also holds 8 demo rows,
    not counted as documented. 2 of the documented action plans have no date: they count in the total,
    not in a reporting period.
    >>> print(count_sentence(counted_indicator(cx.load(), "learning_events", partner="ecoplus")))
    ... # doctest: +NORMALIZE_WHITESPACE
    **Policy learning events organised**: events documented in the events table for this partner: 3 (sourced).
    1 of the documented events has no date: it counts in the total, not in a reporting period.
    """
    n, unit, reported = counted.documented.value, markdown_text(counted.unit), counted.reported.value
    table = table_words(counted.table)
    if counted.documented.scope != PROJECT_SCOPE:  # one partner: the project's total is not its own
        head = f"{unit} documented in the {table} table for this partner: {n:,} (sourced)"
    elif reported is not None:
        head = (f"{n:,} of the {reported:,.0f} {unit} the project reported {'is' if n == 1 else 'are'} documented "
                f"in the {table} table (sourced)")
        if reported > n:
            head += f"; the other {reported - n:,.0f} are not documented"
    else:
        goal = f"target: {markdown_text(counted.target.text())}" if counted.target.value is not None else "no target"
        head = (f"{unit} documented in the {table} table: {n:,} (sourced); the project reported no total "
                f"({goal})")
    text = f"**{markdown_text(counted.name)}**: {head}."
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



# ---------------------------------------------------------------- the learning journey
NO_HOST = "no host stated"
NOT_DATED = "not dated"
NOT_KNOWN = "not known"
NONE_RECORDED = "none recorded"  # the table exists and holds no row for the step


def _with_phase(frame: pd.DataFrame, date_column: str, project) -> pd.DataFrame:
    """``frame`` with ``phase_id``: the phase containing the row's date, :data:`NOT_DATED` without a date."""
    phase = [project.phase_of(d) if pd.notna(d) else NOT_DATED for d in frame[date_column]]
    return frame.assign(phase_id=[p if p is not None else NOT_DATED for p in phase])


def _in_phase(frame: pd.DataFrame, phase: str | None) -> pd.DataFrame:
    return frame if phase in (None, "all") else frame[frame["phase_id"] == phase]


def learning_events(dataset: Dataset, phase: str | None = None) -> pd.DataFrame:
    """The project's learning events (milestones left out) with their phase; empty without an events table.

    ``phase``: one phase id (undated events are then left out), or None / "all".

    >>> import clusterix_analytics as cx
    >>> events = learning_events(cx.load())
    >>> len(events), events.phase_id.value_counts().to_dict()
    (23, {'P1': 16, 'not dated': 4, 'P2': 2, 'AA': 1})
    """
    if not dataset.has("events"):
        return pd.DataFrame(columns=list(TABLES["events"].column_names) + ["phase_id"])
    events = _with_phase(counting_rows("events", dataset.events), "start", dataset.project)
    return _in_phase(events, phase).reset_index(drop=True)


def events_by_phase(dataset: Dataset, phase: str | None = None) -> pd.DataFrame:
    """Learning events per phase and type, documented and demo apart (phases in project order, then undated).

    Columns: phase_id, event_type, documented, demo.
    """
    events = learning_events(dataset, phase)
    order = list(dataset.project.phase_ids) + [NOT_DATED]
    if events.empty:
        return pd.DataFrame(columns=["phase_id", "event_type", "documented", "demo"])
    table = (events.assign(documented=~events["synthetic"].astype(bool), demo=events["synthetic"].astype(bool))
             .groupby(["phase_id", "event_type"])[["documented", "demo"]].sum().astype(int).reset_index())
    table["_order"] = table["phase_id"].map({p: i for i, p in enumerate(order)})
    return table.sort_values(["_order", "event_type"]).drop(columns="_order").reset_index(drop=True)


def events_by_host(dataset: Dataset, phase: str | None = None) -> pd.DataFrame:
    """Who hosted what: learning events per host partner and type (:data:`NO_HOST` where the source names none).

    Columns: host_partner_id, event_type, documented, demo.
    """
    events = learning_events(dataset, phase)
    if events.empty:
        return pd.DataFrame(columns=["host_partner_id", "event_type", "documented", "demo"])
    events = events.assign(host_partner_id=events["host_partner_id"].astype(object).fillna(NO_HOST),
                           documented=~events["synthetic"].astype(bool), demo=events["synthetic"].astype(bool))
    return (events.groupby(["host_partner_id", "event_type"])[["documented", "demo"]].sum().astype(int)
            .reset_index())


def topics_over_time(dataset: Dataset) -> pd.DataFrame:
    """How often each topic came up in learning events, per phase (topics as the sources name them).

    Columns: topic, phase_id, events (documented and demo together; the events table flags each).
    """
    events = learning_events(dataset)
    if events.empty or events["topics"].isna().all():
        return pd.DataFrame(columns=["topic", "phase_id", "events"])
    topics = events.dropna(subset=["topics"]).assign(topic=lambda f: f["topics"].str.split(";")).explode("topic")
    topics["topic"] = topics["topic"].str.strip()
    topics = topics[topics["topic"] != ""]
    return topics.groupby(["topic", "phase_id"]).size().rename("events").reset_index()


def topics_by_phase(dataset: Dataset) -> pd.DataFrame:
    """Every topic × every phase: how many learning events took up the topic, documented and demo apart, zeros
    included (a grid to chart). Topics from the most events down (then by name, case aside); phases in project
    order, then :data:`NOT_DATED` where an undated event names topics. An event with two topics counts once for
    each.

    Columns: topic, phase_id, documented, demo. Empty without topics.

    >>> import clusterix_analytics as cx
    >>> grid = topics_by_phase(cx.load("tests/fixtures/learning_pilot"))
    >>> grid[grid.topic == "digitalisation"][["phase_id", "documented", "demo"]].values.tolist()
    [['learn', 2, 0], ['apply', 0, 0]]
    """
    columns = ["topic", "phase_id", "documented", "demo"]
    events = learning_events(dataset)
    if events.empty or events["topics"].isna().all():
        return pd.DataFrame(columns=columns)
    topics = events.dropna(subset=["topics"]).assign(topic=lambda f: f["topics"].str.split(";")).explode("topic")
    topics["topic"] = topics["topic"].str.strip()
    topics = topics[topics["topic"] != ""]
    demo = topics["synthetic"].astype(bool)
    topics = topics.assign(documented=(~demo).astype(int), demo=demo.astype(int))
    counted = topics.groupby(["topic", "phase_id"])[["documented", "demo"]].sum()
    phases = list(dataset.project.phase_ids) + ([NOT_DATED] if (topics["phase_id"] == NOT_DATED).any() else [])
    phases += sorted(set(topics["phase_id"]) - set(phases))   # a date outside every phase keeps its bucket
    totals = counted.sum(axis=1).groupby(level="topic").sum()
    order = sorted(totals.index, key=lambda t: (-totals[t], t.lower(), t))
    grid = counted.reindex(pd.MultiIndex.from_product([order, phases], names=["topic", "phase_id"]), fill_value=0)
    return grid.astype(int).reset_index()[columns]


def good_practices_by_region_and_theme(dataset: Dataset) -> pd.DataFrame:
    """Good practices per owner region (NUTS code) and theme; "theme not described" where the source gives none.

    Columns: nuts_code, theme, documented, demo.
    """
    if not dataset.has("good_practices"):
        return pd.DataFrame(columns=["nuts_code", "theme", "documented", "demo"])
    practices = dataset.good_practices
    practices = practices.assign(nuts_code=practices["nuts_code"].astype(object).fillna(NOT_KNOWN),
                                 theme=practices["theme"].astype(object).fillna("theme not described"),
                                 documented=~practices["synthetic"], demo=practices["synthetic"])
    return practices.groupby(["nuts_code", "theme"])[["documented", "demo"]].sum().astype(int).reset_index()


def learning_network(dataset: Dataset) -> pd.DataFrame:
    """Who learned from whom: one edge per transfer, from the practice's owner to the adopting partner, with the
    edge's provenance (``sourced`` with its URL, or ``demo``). A practice with no owner partner starts from
    :data:`NOT_KNOWN`. Empty without transfers.

    Columns: from_partner_id, to_partner_id, good_practice_id, title, transfer_status, date, provenance, source.
    """
    columns = ["from_partner_id", "to_partner_id", "good_practice_id", "title", "transfer_status", "date",
               "provenance", "source"]
    if not (dataset.has("good_practice_transfers") and dataset.has("good_practices")):
        return pd.DataFrame(columns=columns)
    practices = dataset.good_practices[["good_practice_id", "title", "owner_partner_id"]]
    edges = dataset.good_practice_transfers.merge(practices, on="good_practice_id", how="left")
    edges = edges.assign(from_partner_id=edges["owner_partner_id"].astype(object).fillna(NOT_KNOWN),
                         to_partner_id=edges["adopting_partner_id"],
                         provenance=edges["synthetic"].map({True: "demo", False: SOURCED}))
    return edges.sort_values(["from_partner_id", "to_partner_id", "good_practice_id"])[columns].reset_index(drop=True)


def _step(step: str, rows: pd.DataFrame | None, value, text: str) -> dict:
    """One step of a partner's chain; ``rows`` None = the project has no table for it (not known)."""
    if rows is None:
        return {"step": step, "value": None, "text": NOT_KNOWN, "provenance": NOT_KNOWN, "sources": ""}
    synthetic = rows["synthetic"].astype(bool) if "synthetic" in rows else pd.Series(False, index=rows.index)
    where = (NONE_RECORDED if rows.empty else "demo" if synthetic.all() else SOURCED if not synthetic.any()
             else "mixed")
    sources = "; ".join(dict.fromkeys(str(s) for s in rows.get("source", pd.Series(dtype=object)).dropna()))
    return {"step": step, "value": value, "text": text, "provenance": where, "sources": sources}


def partner_journey(dataset: Dataset, partner: str) -> pd.DataFrame:
    """One partner's chain, Interreg Europe's logic step by step: learning events hosted → good practices shared
    → good practices taken up → action plan → policy changes achieved → funds influenced. Each step says its
    value, in words, where it comes from (``sourced``, ``demo``, ``mixed``) with the source URLs,
    :data:`NONE_RECORDED` where the table holds no row for the partner, or :data:`NOT_KNOWN` where the data cannot
    say (a table the project lacks, no action plan, no known amount).

    Columns: step, value, text, provenance, sources.
    """
    rows = []
    if dataset.has("events"):
        hosted = learning_events(dataset)
        hosted = hosted[hosted["host_partner_id"] == partner]
        rows.append(_step("learning events hosted", hosted, len(hosted), f"{len(hosted)} hosted"))
    else:
        rows.append(_step("learning events hosted", None, None, ""))
    if dataset.has("good_practices"):
        shared = dataset.good_practices[dataset.good_practices["owner_partner_id"] == partner]
        rows.append(_step("good practices shared", shared, len(shared), f"{len(shared)} shared"))
    else:
        rows.append(_step("good practices shared", None, None, ""))
    if dataset.has("good_practice_transfers"):
        taken = dataset.good_practice_transfers
        taken = taken[taken["adopting_partner_id"] == partner]
        statuses = ", ".join(f"{n} {s}" for s, n in taken["transfer_status"].value_counts().sort_index().items())
        rows.append(_step("good practices taken up", taken, len(taken),
                          f"{len(taken)} taken up" + (f" ({statuses})" if statuses else "")))
    else:
        rows.append(_step("good practices taken up", None, None, ""))
    plans = dataset.action_plans[dataset.action_plans["partner_id"] == partner] if dataset.has("action_plans") else None
    if plans is None or plans.empty:
        rows.append(_step("action plan", None, None, ""))
    else:
        words = [f"{p.plan_status if pd.notna(p.plan_status) else 'status not known'}, "
                 + (f"{p.date:%Y-%m-%d}" if pd.notna(p.date) else "date not known") for p in plans.itertuples()]
        rows.append(_step("action plan", plans, len(plans), "; ".join(words)))
    changes = dataset.policy_changes[dataset.policy_changes["partner_id"] == partner]
    achieved = achieved_changes(changes)
    step = _step("policy changes achieved", achieved, len(achieved), f"{len(achieved)} achieved")
    rows.append(step if len(achieved) else {**step, "text": NONE_RECORDED})
    funds = funds_influenced_eur(changes)
    if funds.value is None:
        rows.append(_step("funds influenced", None, None, ""))
    else:
        with_amount = achieved[achieved["funds_influenced_eur"].notna()]
        rows.append(_step("funds influenced", with_amount, funds.value, f"EUR {funds.value:,.0f}"))
    return pd.DataFrame(rows)
