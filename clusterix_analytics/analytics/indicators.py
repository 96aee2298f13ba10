"""Policy-change indicator analytics: what partners achieved per reporting period and phase, and which
policy instruments changed, when, how and with how much money.

Pure pandas: DataFrames (and the :class:`~clusterix_analytics.project.Project`) in, DataFrames out.
No plotting, no I/O.

Types of policy change (``policy_changes.change_type``). Interreg Europe's programme manual counts a
policy instrument as *improved* when one of three things happens (codes in ``schemas.CHANGE_TYPES``):

- ``new_projects`` – "implementation of new projects": new projects funded through the instrument;
- ``management`` – "change in the management of the policy instrument (improved governance)";
- ``strategic_focus`` – "change in the strategic focus of the policy instrument (structural change)".

Rules this module applies (each is tested in tests/test_indicators.py):

- **How values aggregate** comes from ``indicators.aggregation``, never from an indicator's id:
  over reporting periods ``sum`` adds, ``last`` takes the latest value, ``max`` the largest.
  The cumulative value to a date is the running sum, the latest value, or the running maximum.
- **Across partners** ``sum`` indicators add up, ``max`` indicators take the largest partner value,
  and ``last`` indicators (levels) add up too – unless their ``unit`` is a rate (``percent``, ``%``),
  whose partner levels are averaged (a 5 % "on average" target is a mean, not a total).
- **A partner's share of a project-wide target**: an additive indicator's target divided by the number
  of partners in the partners table (partners without observations included); a rate or ``max``
  indicator's target applies unchanged to each partner.
- **Observations into reporting periods**: an observation belongs to the reporting period containing its
  ``period_end`` (its reporting date); several observations in one period aggregate as above.
- **Reporting periods that straddle a phase boundary**: a period's ``sum`` value (a flow) is split pro
  rata by the period's days between the phases it overlaps (a flow is taken as even over its period);
  a ``last`` / ``max`` value (a level measured at the period's end) belongs wholly to the phase
  containing the period's end. Days outside every phase go to :data:`OUTSIDE_PHASES`, so nothing is
  dropped.
- **Project-wide rows** (``partner_id == "project"``) are sourced totals: they never enter partner
  breakdowns, and :func:`reported_vs_partner_sum` shows them next to the sum of partner rows.
- **As-of date**: the latest ``period_end`` of the partner observations, unless given.
- **Projection at the current rate**: within a phase, the value reached so far is extrapolated linearly
  over the phase's days (``value_to_date × phase_days / days_elapsed``; for a level, the change since
  the end of the previous phase is extrapolated).
- **Scorecard** (:func:`partner_scorecard`): ``target met`` when the cumulative value reaches the
  partner's share of the target; ``on track`` when it reaches the straight-line share of that target
  for the time elapsed since the project start (equivalently: at its average rate so far the partner
  would reach its share by the project end); ``behind`` otherwise; ``no target`` / ``no data`` when
  there is nothing to compare.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.analytics import indicators as ind
>>> ds = cx.load()
>>> periods = ind.period_values(ds.observations, ds.indicators, ds.project, ds.partners)
>>> periods.query("partner_id == 'inma' and indicator_id == 'media_appearances'").cumulative.iloc[-1]
np.float64(4.0)
>>> ind.headline_numbers(ind.build_tables(ds))["funds_influenced_eur"]       # everything the notebook shows
13000000.0
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clusterix_analytics.analytics import learning, metrics
from clusterix_analytics.analytics.aggregation import (
    aggregate_periods,
    combine_partners,
    cumulate,
    indicator_rules,
)
from clusterix_analytics.analytics.calendar import (
    OUTSIDE_PHASES,
    _days,
    as_of_date,
    assign_periods,
    elapsed_share,
    period_phase_shares,
    phase_names,
    phase_of,
    phase_order,
)
from clusterix_analytics.analytics.policy_changes import (
    ACHIEVED,
    CHANGE_TYPE_LABELS,
    changes_by_phase_and_type,
    changes_with_phase,
    funds_by_partner_phase,
    instruments_improved,
    instruments_improved_by_partner,
)
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.fields import CHANGE_TYPES, PROJECT_WIDE
from clusterix_analytics.data.project import Project

assert set(CHANGE_TYPE_LABELS) == set(CHANGE_TYPES)

STATUSES = ("target met", "on track", "behind", "no target", "no data")
ALL = "all"


# ---------------------------------------------------------------- small helpers
























# ---------------------------------------------------------------- reporting periods and phases






# ---------------------------------------------------------------- per indicator × partner × period


def period_values(observations: pd.DataFrame, indicators: pd.DataFrame, project: Project,
                  partners: pd.DataFrame) -> pd.DataFrame:
    """Per indicator × partner × reporting period: value, cumulative value, target share, achievement.

    Every (indicator, partner) pair with at least one observation gets a row for every reporting
    period up to the as-of date (value NaN where nothing was reported; the cumulative value carries on).

    Columns: indicator_id, partner_id, period, period_start, period_end, phase_id (phase containing the
    period's start, as in ``Project.reporting_periods``), value, cumulative, name, aggregation, combination,
    unit, target, partner_target, achievement_pct (cumulative / partner_target × 100), synthetic,
    observations (rows aggregated into the value).

    >>> period_values(ds.observations, ds.indicators, ds.project, ds.partners).query(
    ...     "indicator_id == 'learning_events' and partner_id == 'inma'").cumulative.iloc[-1]   # doctest: +SKIP
    """
    rules = indicator_rules(indicators, len(partners))
    obs = assign_periods(observations, project)
    obs = obs.merge(rules[["indicator_id", "aggregation"]], on="indicator_id", how="inner")
    columns = ["indicator_id", "partner_id", "period", "period_start", "period_end", "phase_id", "value",
               "cumulative", "name", "aggregation", "combination", "unit", "target", "partner_target",
               "achievement_pct", "synthetic", "observations"]
    if obs.empty:
        return pd.DataFrame(columns=columns)
    keys = ["indicator_id", "partner_id", "period"]
    values = aggregate_periods(obs, keys)
    counts = obs.groupby(keys).size().rename("observations").reset_index()
    values = values.drop(columns="aggregation").merge(counts, on=keys)

    periods = project.reporting_periods().rename(columns={"start": "period_start", "end": "period_end"})
    last_period = int(obs["period"].max())
    periods = periods[periods.period <= last_period]
    pairs = values[["indicator_id", "partner_id"]].drop_duplicates()
    grid = pairs.merge(periods, how="cross")
    table = grid.merge(values, on=keys, how="left").merge(rules, on="indicator_id", how="left")
    table["observations"] = table["observations"].fillna(0).astype(int)
    table["synthetic"] = table["synthetic"].astype("boolean").fillna(False).astype(bool)
    table = table.sort_values(keys).reset_index(drop=True)
    table["cumulative"] = np.nan
    for (_, _), idx in table.groupby(["indicator_id", "partner_id"]).groups.items():
        aggregation = table.at[idx[0], "aggregation"]
        table.loc[idx, "cumulative"] = cumulate(table.loc[idx, "value"], aggregation).to_numpy()
    table["achievement_pct"] = table["cumulative"] / table["partner_target"] * 100
    return table[columns]




def partner_sum_by_period(period_table: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The "sum of partner rows" per indicator × period (each indicator's partner rule), with the full target.

    Columns: indicator_id, name, unit, aggregation, period, period_start, period_end, phase_id, value,
    cumulative, partners, target, achievement_pct.
    """
    keys = ["indicator_id", "name", "unit", "aggregation", "period", "period_start", "period_end", "phase_id"]
    out = combine_partners(period_table, keys, ["value", "cumulative"])
    out = out.merge(indicators[["indicator_id", "target"]], on="indicator_id", how="left")
    out["achievement_pct"] = out["cumulative"] / out["target"] * 100
    return out.sort_values(["indicator_id", "period"]).reset_index(drop=True)


# ---------------------------------------------------------------- phases


def phase_values(period_table: pd.DataFrame, project: Project, as_of=None) -> pd.DataFrame:
    """Per indicator × partner × phase: value, cumulative at the phase end, achievement and projection.

    ``sum`` values of a period straddling a phase boundary are split pro rata by days; ``last`` / ``max``
    values go to the phase containing the period's end (see module rules). ``as_of`` defaults to the
    latest period end in ``period_table`` with a value.

    Columns: indicator_id, partner_id, phase_id, phase_name, value, cumulative, aggregation, combination,
    unit, target, partner_target, achievement_pct, phase_days, days_elapsed, complete,
    projected_value (phase value at the phase end at the current rate), projected_cumulative,
    projected_achievement_pct, synthetic.
    """
    table = period_table.dropna(subset=["value"])
    if as_of is None:
        as_of = table["period_end"].max() if len(table) else None
    as_of = pd.Timestamp(as_of) if as_of is not None else None
    shares = period_phase_shares(project)
    flows = table[table.aggregation == "sum"].merge(shares[["period", "phase_id", "share"]].rename(
        columns={"phase_id": "split_phase"}), on="period")
    flows = flows.assign(value=flows.value * flows.share, phase_id=flows.split_phase)
    levels = table[table.aggregation != "sum"].copy()
    levels["phase_id"] = [phase_of(project, d) for d in levels.period_end]
    rows = pd.concat([flows[levels.columns] if len(flows) else flows.reindex(columns=levels.columns), levels],
                     ignore_index=True)
    keys = ["indicator_id", "partner_id", "phase_id"]
    values = aggregate_periods(rows, keys).drop(columns="aggregation")
    meta = period_table.drop_duplicates(["indicator_id", "partner_id"])[
        ["indicator_id", "partner_id", "name", "aggregation", "combination", "unit", "target", "partner_target"]]
    # Every pair gets a row for each phase started by the as-of date, so a partner silent in a phase
    # still carries its cumulative value into the phase totals.
    bounds = {p.id: (pd.Timestamp(p.start), pd.Timestamp(p.end)) for p in project.phases}
    started = [p for p, (start, _) in bounds.items() if as_of is not None and start <= as_of]
    grid = meta.merge(pd.DataFrame({"phase_id": started}, dtype=object), how="cross")
    out = grid.merge(values, on=keys, how="outer")
    out = out.drop(columns=[c for c in meta.columns if c not in keys[:2]]).merge(meta, on=keys[:2], how="left")
    out["synthetic"] = out["synthetic"].astype("boolean").fillna(False).astype(bool)

    order = {pid: i for i, pid in enumerate(phase_order(project))}
    names = phase_names(project)
    out["phase_name"] = out["phase_id"].map(names)
    out["_order"] = out["phase_id"].map(order)
    out = out.sort_values(["indicator_id", "partner_id", "_order"]).reset_index(drop=True)

    out["phase_days"] = [(_days(*bounds[p]) if p in bounds else np.nan) for p in out.phase_id]
    out["days_elapsed"] = [
        (max(0, min(_days(bounds[p][0], min(as_of, bounds[p][1])), _days(*bounds[p])))
         if p in bounds and as_of is not None else np.nan)
        for p in out.phase_id
    ]
    out["complete"] = [bool(p in bounds and as_of is not None and as_of >= bounds[p][1]) for p in out.phase_id]

    out["cumulative"] = np.nan
    out["projected_value"] = np.nan
    out["projected_cumulative"] = np.nan
    for _, idx in out.groupby(["indicator_id", "partner_id"]).groups.items():
        part = out.loc[idx]
        in_phase = part[part.phase_id != OUTSIDE_PHASES]
        aggregation = part["aggregation"].iloc[0]
        out.loc[in_phase.index, "cumulative"] = cumulate(in_phase["value"], aggregation).to_numpy()
        before = 0.0  # nothing (or a level of 0) before the first phase
        for i in in_phase.index:
            value, elapsed, days = out.at[i, "value"], out.at[i, "days_elapsed"], out.at[i, "phase_days"]
            if pd.isna(value):  # nothing reported in this phase: no rate to extrapolate
                projected_value, projected_cumulative = np.nan, before
            elif aggregation == "sum":
                projected_value = value * days / elapsed if elapsed else np.nan
                projected_cumulative = before + projected_value
            else:  # a level: extrapolate its change since the end of the previous phase
                projected_value = before + (value - before) * days / elapsed if elapsed else np.nan
                if aggregation == "max" and pd.notna(projected_value):
                    projected_value = max(projected_value, value)
                projected_cumulative = projected_value
            out.at[i, "projected_value"] = projected_value
            out.at[i, "projected_cumulative"] = projected_cumulative
            if pd.notna(out.at[i, "cumulative"]):
                before = out.at[i, "cumulative"]
    out["achievement_pct"] = out["cumulative"] / out["partner_target"] * 100
    out["projected_achievement_pct"] = out["projected_cumulative"] / out["partner_target"] * 100
    return out[["indicator_id", "partner_id", "phase_id", "phase_name", "value", "cumulative", "name", "aggregation",
                "combination", "unit", "target", "partner_target", "achievement_pct", "phase_days",
                "days_elapsed", "complete", "projected_value", "projected_cumulative",
                "projected_achievement_pct", "synthetic"]]


def partner_sum_by_phase(phase_table: pd.DataFrame, project: Project) -> pd.DataFrame:
    """The "sum of partner rows" per indicator × phase (each indicator's partner rule), with the full target.

    Columns: indicator_id, name, phase_id, phase_name, value, cumulative, projected_value, projected_cumulative,
    partners, unit, target, achievement_pct, projected_achievement_pct.
    """
    keys = ["indicator_id", "name", "phase_id", "phase_name", "unit", "target"]
    out = combine_partners(phase_table, keys, ["value", "cumulative", "projected_value", "projected_cumulative"])
    out["achievement_pct"] = out["cumulative"] / out["target"] * 100
    out["projected_achievement_pct"] = out["projected_cumulative"] / out["target"] * 100
    order = {pid: i for i, pid in enumerate(phase_order(project))}
    return (out.assign(_order=out.phase_id.map(order)).sort_values(["indicator_id", "_order"])
            .drop(columns="_order").reset_index(drop=True))


def reported_vs_partner_sum(observations: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Project-wide sourced totals next to the sum of partner rows over the same dates.

    One row per indicator (project-wide rows combined with the indicator's aggregation). Partner rows
    count when their period overlaps the project row's dates (all partner rows when the project
    reported nothing). Columns: indicator_id, name, unit, target, reported_by_project, reported_from,
    reported_to, sum_of_partner_rows, partners_reporting, partner_rows_synthetic, partner_rows_from (the learning
    table the partner rows are counted from, where they are: :func:`learning.indicator_observations`), difference.

    >>> reported_vs_partner_sum(ds.observations, ds.indicators).set_index("indicator_id").loc[
    ...     "learning_events", "reported_by_project"]      # doctest: +SKIP
    117.0
    """
    rules = indicator_rules(indicators, 1)
    rows = []
    for rule in rules.itertuples():
        own = observations[observations.indicator_id == rule.indicator_id]
        wide = own[own.partner_id == PROJECT_WIDE].sort_values("period_end")
        partner_rows = own[own.partner_id != PROJECT_WIDE]
        reported, lo, hi = np.nan, pd.NaT, pd.NaT
        if len(wide):
            how = rule.aggregation
            reported = (wide.value.sum() if how == "sum"
                        else wide.value.iloc[-1] if how == "last" else wide.value.max())
            lo, hi = wide.period_start.min(), wide.period_end.max()
            # Overlap, not containment: a total reported at a date (e.g. a survey closing mid-period) is
            # compared with every partner period that had begun by then and had not ended before it started.
            partner_rows = partner_rows[(partner_rows.period_start <= hi) & (partner_rows.period_end >= lo)]
        per_partner = (partner_rows.sort_values("period_end").groupby("partner_id")["value"]
                       .agg(rule.aggregation))
        if len(per_partner):
            combined = {"sum": per_partner.sum, "mean": per_partner.mean, "max": per_partner.max}[rule.combination]()
        else:
            combined = np.nan
        rows.append({
            "indicator_id": rule.indicator_id, "name": rule.name, "unit": rule.unit, "target": rule.target,
            "reported_by_project": reported, "reported_from": lo, "reported_to": hi,
            "sum_of_partner_rows": combined, "partners_reporting": int(per_partner.size),
            "partner_rows_synthetic": bool(partner_rows.synthetic.all()) if len(partner_rows) else False,
            "partner_rows_from": (partner_rows["counted_from"].dropna().iloc[0] if "counted_from" in partner_rows
                                  and partner_rows["counted_from"].notna().any() else None),
            "difference": combined - reported,
        })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- scorecard




def partner_scorecard(period_table: pd.DataFrame, indicators: pd.DataFrame, partners: pd.DataFrame,
                      project: Project, as_of=None) -> pd.DataFrame:
    """Per partner × indicator: cumulative value, share of target, expected value by now, and a status.

    Status rule (in order): ``no target`` if the indicator has no target; ``no data`` if the partner
    reported nothing for it; ``target met`` if cumulative ≥ partner target; ``on track`` if cumulative ≥
    partner target × elapsed share of the project (:func:`elapsed_share` at ``as_of``); else ``behind``.
    Every partner of ``partners`` appears, with or without observations.

    Columns: partner_id, indicator_id, name, unit, cumulative, partner_target, achievement_pct,
    expected_to_date, status, synthetic.
    """
    rules = indicator_rules(indicators, len(partners))
    if as_of is None:
        observed = period_table.dropna(subset=["value"])
        as_of = observed.period_end.max() if len(observed) else pd.Timestamp(project.start)
    share = elapsed_share(project, as_of)
    latest = (period_table.sort_values("period").groupby(["partner_id", "indicator_id"])
              .agg(cumulative=("cumulative", "last"), synthetic=("synthetic", "any")).reset_index())
    grid = partners[["partner_id"]].astype(str).merge(rules, how="cross")
    card = grid.merge(latest, on=["partner_id", "indicator_id"], how="left")
    card["synthetic"] = card["synthetic"].astype("boolean").fillna(False).astype(bool)
    card["achievement_pct"] = card["cumulative"] / card["partner_target"] * 100
    card["expected_to_date"] = card["partner_target"] * share
    status = np.select(
        [card.partner_target.isna(), card.cumulative.isna(), card.cumulative >= card.partner_target,
         card.cumulative >= card.expected_to_date],
        ["no target", "no data", "target met", "on track"], default="behind")
    card["status"] = status
    card.attrs["as_of"] = pd.Timestamp(as_of)
    card.attrs["elapsed_share"] = share
    return card[["partner_id", "indicator_id", "name", "unit", "cumulative", "partner_target", "achievement_pct",
                 "expected_to_date", "status", "synthetic"]]


def scorecard_summary(scorecard: pd.DataFrame) -> pd.DataFrame:
    """One row per partner: how many indicators are in each status, and an overall status.

    Overall: ``no data`` if no indicator with a target has data; ``behind`` if any is behind;
    ``target met`` if every indicator with data met its target; else ``on track``.
    """
    counts = pd.crosstab(scorecard.partner_id, scorecard.status).reindex(columns=list(STATUSES), fill_value=0)
    scored = counts["target met"] + counts["on track"] + counts["behind"]
    overall = np.select([scored == 0, counts["behind"] > 0, counts["target met"] == scored],
                        ["no data", "behind", "target met"], default="on track")
    out = counts.reset_index()
    out.columns.name = None
    out["overall"] = overall
    order = list(dict.fromkeys(scorecard.partner_id))
    return out.set_index("partner_id").loc[order].reset_index()


# ---------------------------------------------------------------- policy changes














# ---------------------------------------------------------------- parameters and selection


def requested_indicators(indicators=ALL) -> list[str] | None:
    """The indicator ids the ``indicators`` parameter names (a list, or a comma-separated string); None = all.

    >>> requested_indicators("all"), requested_indicators("ev, nt"), requested_indicators(["ev"])
    (None, ['ev', 'nt'], ['ev'])
    """
    if indicators is None or (isinstance(indicators, str) and indicators == ALL):
        return None
    if isinstance(indicators, str):
        return [part.strip() for part in indicators.split(",") if part.strip()]
    return [str(i) for i in indicators]


def selected_indicators(indicators: pd.DataFrame, wanted=ALL) -> pd.DataFrame:
    """The indicator definitions chosen by the ``indicators`` parameter ("all" or a list of ids)."""
    chosen = requested_indicators(wanted)
    return indicators if chosen is None else indicators[indicators.indicator_id.isin(chosen)]


def select(frame: pd.DataFrame, partner: str = ALL, indicators=ALL, phase: str = ALL) -> pd.DataFrame:
    """Rows of ``frame`` matching the notebook parameters, for whichever of partner_id / indicator_id /
    phase_id columns it has. In a period table phase_id is the phase containing the period's start.

    >>> select(ds.partners, partner="inma").short_name.tolist()        # doctest: +SKIP
    ['INMA']
    """
    mask = pd.Series(True, index=frame.index)
    if partner != ALL and "partner_id" in frame:
        mask &= frame.partner_id == partner
    chosen = requested_indicators(indicators)
    if chosen is not None and "indicator_id" in frame:
        mask &= frame.indicator_id.isin(chosen)
    if phase != ALL and "phase_id" in frame:
        mask &= frame.phase_id == phase
    return frame[mask]


# ---------------------------------------------------------------- everything a notebook shows


@dataclass
class IndicatorTables:
    """The tables of the policy-change indicator notebook, for one choice of parameters."""

    as_of: pd.Timestamp | None
    indicators: pd.DataFrame  # chosen indicator definitions
    partners: pd.DataFrame  # chosen partners
    periods: pd.DataFrame  # period_values, chosen partners and indicators
    series: pd.DataFrame  # per indicator × period: the partner's own rows, or the sum of partner rows
    reported: pd.DataFrame  # reported_vs_partner_sum (project-wide view; empty for one partner)
    phases: pd.DataFrame  # phase_values, chosen partners / indicators / phase
    phase_series: pd.DataFrame  # per indicator × phase (every phase, for the comparison)
    scorecard: pd.DataFrame
    summary: pd.DataFrame
    changes: pd.DataFrame  # changes_with_phase, chosen partner / phase
    instruments: pd.DataFrame  # instruments_improved (achieved)
    instruments_by_partner: pd.DataFrame
    funds: pd.DataFrame  # funds_by_partner_phase (achieved)
    changes_by_type: pd.DataFrame
    observations_used: pd.DataFrame  # the observation rows behind the tables (for the demo-data notice)
    counted: list = field(default_factory=list)  # learning.CountedIndicator of the chosen indicators counted from rows


def build_tables(dataset: Dataset, partner: str = ALL, indicators=ALL, phase: str = ALL) -> IndicatorTables:
    """Every table of the notebook for one choice of parameters (check them first: the notebook's view,
    :mod:`clusterix_analytics.views.policy_change_indicators`, refuses unknown values with the valid ones).

    With a ``phase`` the view is "as it stood at the end of that phase": observations up to the phase
    end (or the dataset's as-of date if earlier), phase tables and policy changes of that phase only.
    Targets are shared among *all* partners of the dataset, whatever ``partner`` is chosen. An indicator counted
    from a learning table takes its partner rows from that table (:func:`learning.indicator_observations`).

    >>> import clusterix_analytics as cx
    >>> tables = build_tables(cx.load(), partner="inma", phase="P1")
    >>> tables.as_of
    Timestamp('2019-03-31 00:00:00')
    """
    project = dataset.project
    chosen = selected_indicators(dataset.indicators, indicators)
    observations = learning.indicator_observations(dataset)
    observations = observations[observations.indicator_id.isin(chosen.indicator_id)]
    counted_from_rows = learning.counted_indicators(dataset)
    as_of = as_of_date(observations)
    if phase != ALL and as_of is not None:
        as_of = min(as_of, pd.Timestamp(project.phase(phase).end))
    if as_of is not None:
        observations = observations[observations.period_end <= as_of]
    all_periods = period_values(observations, chosen, project, dataset.partners)
    all_phases = phase_values(all_periods, project, as_of=as_of)
    scorecard = partner_scorecard(all_periods, chosen, dataset.partners, project, as_of=as_of)

    periods = select(all_periods, partner=partner)
    if partner == ALL:
        series = partner_sum_by_period(all_periods, chosen)
        phase_series = partner_sum_by_phase(all_phases, project)
        reported = reported_vs_partner_sum(observations, chosen)
        used = observations
    else:
        series = periods.assign(target=periods.partner_target)
        phase_series = select(all_phases, partner=partner)
        reported = reported_vs_partner_sum(observations.iloc[0:0], chosen).iloc[0:0]
        used = observations[observations.partner_id == partner]
    scorecard = select(scorecard, partner=partner)

    changes = select(changes_with_phase(dataset.policy_changes, project), partner=partner, phase=phase)
    return IndicatorTables(
        as_of=as_of, indicators=chosen, partners=select(dataset.partners, partner=partner),
        periods=periods, series=series, reported=reported,
        phases=select(all_phases, partner=partner, phase=phase), phase_series=phase_series,
        scorecard=scorecard, summary=scorecard_summary(scorecard) if len(scorecard) else scorecard,
        changes=changes, instruments=instruments_improved(changes),
        instruments_by_partner=instruments_improved_by_partner(changes),
        funds=funds_by_partner_phase(changes), changes_by_type=changes_by_phase_and_type(changes, project),
        observations_used=used,
        counted=[learning.counted_indicator(dataset, i, None if partner == ALL else partner)
                 for i in chosen.indicator_id if i in counted_from_rows],
    )


def headline_numbers(tables: IndicatorTables) -> dict[str, float | int]:
    """Headline numbers of the notebook, computed from its tables.

    instruments_improved (distinct known instruments with an achieved change), changes_achieved,
    changes_unknown_instrument (achieved changes whose instrument is not named), partners_with_change,
    funds_influenced_eur (achieved changes), changes_outside_phases (every status), and the count of
    partners per overall scorecard status (partners_target_met, partners_on_track, partners_behind).
    """
    achieved = tables.changes[tables.changes.status.isin(ACHIEVED)]
    summary = tables.summary
    overall = summary["overall"].value_counts() if len(summary) else pd.Series(dtype=int)
    funds = metrics.funds_influenced_eur(tables.changes).value  # the page's metrics: one function each
    return {
        "instruments_improved": metrics.instruments_improved(tables.changes).value,
        "changes_achieved": metrics.policy_changes_achieved(tables.changes).value,
        "changes_unknown_instrument": int(tables.instruments_by_partner.changes_unknown_instrument.sum()),
        "partners_with_change": int(achieved.partner_id.nunique()),
        "funds_influenced_eur": float(funds) if funds is not None else 0.0,
        "changes_outside_phases": int((tables.changes.phase_id == OUTSIDE_PHASES).sum()),
        "partners_target_met": int(overall.get("target met", 0)),
        "partners_on_track": int(overall.get("on track", 0)),
        "partners_behind": int(overall.get("behind", 0)),
    }
