"""What notebooks/02_policy_change_indicators.ipynb states: which policy instruments changed, when, how
and with how much money, and how each indicator progressed against its target per period and phase.

The parameter check, the page's tables (:func:`clusterix_analytics.analytics.indicators.build_tables`),
the numbers it records, its sentences, its figures and the chart its explorer redraws.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.views import policy_change_indicators as view
>>> page = view.build(cx.load(), partner="inma")
>>> page.who, page.scope, view.headlines(page)["changes_achieved"]
('INMA', 'the whole project', 4)
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.analytics import calendar, learning
from clusterix_analytics.analytics import indicators as ind
from clusterix_analytics.analytics.aggregation import rule_in_words
from clusterix_analytics.analytics.metrics import (
    Metric,
    funds_influenced_eur,
    instruments_improved,
    partner_scope,
    policy_changes_achieved,
)
from clusterix_analytics.analytics.policy_changes import CHANGE_TYPE_LABELS
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.project import Project
from clusterix_analytics.data.provenance import PROVENANCE_WORDS
from clusterix_analytics.figures import indicators as figures

ALL = ind.ALL
SUM_OF_PARTNERS = "sum of partner rows"
REPORTED_COLUMNS = ["name", "unit", "target", "reported_by_project", "reported_from", "reported_to",
                    "sum_of_partner_rows", "partners_reporting", "partner_rows_synthetic", "difference"]
CHANGE_LOG_COLUMNS = ["partner_id", "instrument_id", "date", "date_precision", "months_from_start", "phase_id",
                      "change_type", "status", "funds_influenced_eur", "evidence", "synthetic"]
# The numbers the page records (a subset of indicators.headline_numbers).
RECORDED = ("instruments_improved", "changes_achieved", "funds_influenced_eur", "partners_behind")


def check_parameters(dataset: Dataset, partner: str = ALL, indicators=ALL, phase: str = ALL, **_) -> list[str]:
    """Problems with the notebook's parameters (empty list = fine); each message lists the valid values.

    >>> import clusterix_analytics as cx
    >>> check_parameters(cx.load(), partner="xyz", phase="P1")[0][:49]
    "unknown partner 'xyz'; valid: all, ecoplus, vlaio"
    """
    problems = []
    partner_ids = [str(p) for p in dataset.partners.partner_id]
    if partner != ALL and partner not in partner_ids:
        problems.append(f"unknown partner {partner!r}; valid: {', '.join([ALL] + partner_ids)}")
    indicator_ids = [str(i) for i in dataset.indicators.indicator_id]
    wanted = ind.requested_indicators(indicators)
    if wanted is not None:
        unknown = [i for i in wanted if i not in indicator_ids]
        if unknown or not wanted:
            shown = ", ".join(repr(i) for i in unknown) or "(empty list)"
            problems.append(f"unknown indicator {shown}; valid: {ALL} or a list of: {', '.join(indicator_ids)}")
    phase_ids = list(dataset.project.phase_ids)
    if phase != ALL and phase not in phase_ids:
        problems.append(f"unknown phase {phase!r}; valid: {', '.join([ALL] + phase_ids)}")
    return problems


def validate_parameters(dataset: Dataset, **params) -> None:
    """Raise ValueError with every problem :func:`check_parameters` finds.

    >>> import clusterix_analytics as cx
    >>> validate_parameters(cx.load(), phase="P9")
    Traceback (most recent call last):
    ...
    ValueError: bad notebook parameters:
    - unknown phase 'P9'; valid: all, P1, P2, AA
    """
    problems = check_parameters(dataset, **params)
    if problems:
        raise ValueError("bad notebook parameters:\n" + "\n".join(f"- {p}" for p in problems))


@dataclass
class IndicatorsPage:
    """The tables of the policy-change indicators page, for one choice of parameters."""

    partner: str                  # "all" or a partner_id
    phase: str                    # "all" or a phase id
    project: Project
    tables: ind.IndicatorTables
    numbers: dict                 # indicators.headline_numbers(tables)
    who: str                      # "all partners" or the partner's short name
    scope: str                    # "the whole project" or the phase's name

    @property
    def all_partners(self) -> bool:
        """True for the project-wide view (partner "all")."""
        return self.partner == ALL

    @property
    def as_of(self) -> str:
        """The date of the latest observation used, as the page writes it."""
        return f"{self.tables.as_of:%d %B %Y}" if self.tables.as_of is not None else "no observation"

    @property
    def frames_used(self) -> tuple[pd.DataFrame, ...]:
        """The rows behind the page (for the demo-data notice)."""
        return self.tables.observations_used, self.tables.changes

    @property
    def reported_shown(self) -> pd.DataFrame:
        """Project-wide totals next to the sum of partner rows, as the page shows them."""
        return self.tables.reported.set_index("indicator_id")[REPORTED_COLUMNS]

    @property
    def phase_shown(self) -> pd.DataFrame:
        """Values per indicator and phase (the chosen phase only), as the page shows them."""
        target = "target" if self.all_partners else "partner_target"
        return ind.select(self.tables.phase_series, phase=self.phase).set_index(["indicator_id", "phase_id"])[
            ["name", "unit", "value", "cumulative", target, "achievement_pct", "projected_cumulative",
             "projected_achievement_pct"]].round(2)

    @property
    def summary_shown(self) -> pd.DataFrame:
        """The scorecard summary per partner (index partner_id)."""
        return self.tables.summary.set_index("partner_id")

    @property
    def instruments_shown(self) -> pd.DataFrame:
        """Instruments improved per partner, phase and type of change."""
        return self.tables.instruments.set_index(["partner_id", "phase_id", "change_type"])

    @property
    def funds_shown(self) -> pd.DataFrame:
        """Funds influenced per partner and phase."""
        return self.tables.funds.set_index(["partner_id", "phase_id"])

    @property
    def change_log(self) -> pd.DataFrame:
        """The policy-change log (index change_id)."""
        return self.tables.changes.set_index("change_id")[CHANGE_LOG_COLUMNS]


def build(dataset: Dataset, partner: str = ALL, indicators=ALL, phase: str = ALL) -> IndicatorsPage:
    """The page's tables for one choice of parameters, refusing unknown values first.

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load(), partner="inma", phase="P1", indicators=["learning_events"])
    >>> page.who, page.scope, page.as_of
    ('INMA', 'Phase 1 – interregional learning', '31 March 2019')
    """
    validate_parameters(dataset, partner=partner, indicators=indicators, phase=phase)
    tables = ind.build_tables(dataset, partner=partner, indicators=indicators, phase=phase)
    project = dataset.project
    return IndicatorsPage(
        partner=partner, phase=phase, project=project, tables=tables, numbers=ind.headline_numbers(tables),
        who="all partners" if partner == ALL else tables.partners.short_name.iloc[0],
        scope="the whole project" if phase == ALL else project.phase(phase).name,
    )


def headlines(page: IndicatorsPage) -> dict[str, int | float]:
    """The numbers the page records.

    >>> import clusterix_analytics as cx
    >>> headlines(build(cx.load(), partner="inma", phase="P1"))
    {'instruments_improved': 2, 'changes_achieved': 2, 'funds_influenced_eur': 8400000.0, 'partners_behind': 1}
    """
    return {name: page.numbers[name] for name in RECORDED}


def metrics(page: IndicatorsPage) -> list[Metric]:
    """The quantities the page states, for its partner (or all partners) and phase (or the whole project).

    >>> import clusterix_analytics as cx
    >>> [(m.key, m.value, m.provenance, m.scope) for m in metrics(build(cx.load(), partner="inma", phase="P1"))]
    [('policy_changes_achieved', 2, 'sourced', 'partner:inma/phase:P1'), ('instruments_improved', 2, 'sourced', \
'partner:inma/phase:P1'), ('funds_influenced_eur', 8400000.0, 'sourced', 'partner:inma/phase:P1')]
    """
    scope = partner_scope(page.partner) + ("" if page.phase == ALL else f"/phase:{page.phase}")
    changes = page.tables.changes
    documented = [c.documented for c in page.tables.counted] if page.phase == ALL else []
    return [policy_changes_achieved(changes, scope), instruments_improved(changes, scope),
            funds_influenced_eur(changes, scope)] + documented


def headline_summary(page: IndicatorsPage) -> str:
    """The "Headlines" section: as-of date, instruments improved, funds, scorecard, changes outside phases.

    >>> import clusterix_analytics as cx
    >>> print(headline_summary(build(cx.load(), partner="inma", phase="P1")))  # doctest: +NORMALIZE_WHITESPACE
    ## Headlines – INMA, Phase 1 – interregional learning
    <BLANKLINE>
    Indicator data as of **31 March 2019**.
    <BLANKLINE>
    - **2 policy instrument(s) improved** through **2 achieved change(s)** (sourced).
    - **8,400,000 EUR** of funds influenced by the achieved changes (sourced).
    - Scorecard: overall **behind** (2 target(s) met, 1 on track, 4 behind).
    - 0 change(s) dated outside every phase (kept and listed below).
    """
    h, summary = page.numbers, page.tables.summary
    changes, _, funds = metrics(page)[:3]
    funds_text = f"**{funds.value:,.0f} EUR**" if funds.value is not None else "An amount **not known**"
    unnamed = h["changes_unknown_instrument"]
    if page.all_partners:
        scorecard = (f"- Scorecard: {h['partners_target_met']} partner(s) met every target they report on, "
                     f"{h['partners_on_track']} on track, {h['partners_behind']} behind on at least one target.\n")
    else:
        scorecard = (f"- Scorecard: overall **{summary.overall.iloc[0]}** ({summary['target met'].iloc[0]} "
                     f"target(s) met, {summary['on track'].iloc[0]} on track, {summary['behind'].iloc[0]} behind).\n")
    return (f"## Headlines – {page.who}, {page.scope}\n\n"
            f"Indicator data as of **{page.as_of}**.\n\n"
            f"- **{h['instruments_improved']} policy instrument(s) improved** through "
            f"**{h['changes_achieved']} achieved change(s)**"
            + (f" by {h['partners_with_change']} partner(s)" if page.all_partners else "")
            + (f"; {unnamed} of these changes concern an instrument the data does not name" if unnamed else "")
            + f" ({PROVENANCE_WORDS[changes.provenance]}).\n"
            + f"- {funds_text} of funds influenced by the achieved changes ({PROVENANCE_WORDS[funds.provenance]}).\n"
            + scorecard
            + f"- {h['changes_outside_phases']} change(s) dated outside every phase (kept and listed below).")


def cumulative_figures(page: IndicatorsPage) -> list[go.Figure]:
    """One chart per indicator with observations: cumulative value against target per reporting period.

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load(), partner="inma", indicators=["learning_events"])
    >>> [f.layout.title.text[:24] for f in cumulative_figures(page)]
    ['Policy learning events o']
    """
    tables = page.tables
    return figures.cumulative_figures(tables.series, tables.indicators, page.project, tables.reported,
                                      who=SUM_OF_PARTNERS if page.all_partners else page.who)


def no_observations(page: IndicatorsPage) -> str:
    """What the page says instead of the cumulative charts when there is nothing to draw.

    >>> import clusterix_analytics as cx
    >>> no_observations(build(cx.load(), partner="inma", phase="P1", indicators=["learning_events"]))
    'No indicator observations for INMA up to 31 March 2019.'
    """
    return f"No indicator observations for {page.who} up to {page.as_of}."


def cumulative_chart(dataset: Dataset, partner: str = ALL, phase: str = ALL, indicator: str | None = None) -> go.Figure:
    """Cumulative value against target of one indicator, for one partner and phase (the page's explorer).

    >>> import clusterix_analytics as cx
    >>> cumulative_chart(cx.load(), partner="inma", indicator="learning_events").layout.title.text[:24]
    'Policy learning events o'
    """
    chosen = [indicator] if indicator else ALL
    validate_parameters(dataset, partner=partner, indicators=chosen, phase=phase)
    tables = ind.build_tables(dataset, partner=partner, indicators=chosen, phase=phase)
    who = SUM_OF_PARTNERS if partner == ALL else tables.partners.short_name.iloc[0]
    charts = figures.cumulative_figures(tables.series, tables.indicators, dataset.project, tables.reported, who=who)
    if not charts:
        raise ValueError(f"no observations of {indicator} for {who} in this phase")
    return charts[0]


def explorer_start(page: IndicatorsPage) -> dict[str, str]:
    """The explorer's first choice: the page's partner and phase, its first indicator.

    >>> import clusterix_analytics as cx
    >>> explorer_start(build(cx.load(), partner="inma", indicators=["learning_events"]))
    {'partner': 'inma', 'phase': 'all', 'indicator': 'learning_events'}
    """
    return {"partner": page.partner, "phase": page.phase, "indicator": page.tables.indicators.indicator_id.iloc[0]}


def reported_vs_partner_rows(page: IndicatorsPage) -> str:
    """The project-wide totals the project reported, next to what the partner rows add up to.

    >>> import clusterix_analytics as cx
    >>> print(reported_vs_partner_rows(build(cx.load(), indicators=["learning_events"])))  # doctest: +ELLIPSIS
    ### Reported by the project vs. sum of partner rows
    <BLANKLINE>
    1 indicator(s) have a project-wide total reported by the project; ...
    <BLANKLINE>
    - Policy learning events organised: **117 events** reported by the project (...); partner rows add up to 9, \
counted from the events table
    <BLANKLINE>
    **Policy learning events organised**: 23 of the 117 events the project reported are documented ...
    <BLANKLINE>
    How partner rows combine into "all partners": ...
    """
    compared = page.tables.reported.dropna(subset=["reported_by_project"])
    lines = [f"- {r.name}: **{r.reported_by_project:,.0f} {r.unit}** reported by the project "
             f"({r.reported_from:%b %Y} – {r.reported_to:%b %Y}); partner rows add up to "
             f"{r.sum_of_partner_rows:,.0f}" + (" (demo rows)" if r.partner_rows_synthetic else "")
             + (f", counted from the {r.partner_rows_from} table" if r.partner_rows_from else "")
             for r in compared.itertuples()]
    counted = [learning.count_sentence(c) for c in page.tables.counted]
    return (f"### Reported by the project vs. sum of partner rows\n\n"
            f"{len(compared)} indicator(s) have a project-wide total reported by the project; the partner rows are "
            f"breakdowns and are compared with it over the same dates, never added to it.\n\n" + "\n".join(lines)
            + "".join(f"\n\n{c}" for c in counted) + "\n\n" + all_partners_rules(page))


def all_partners_rules(page: IndicatorsPage) -> str:
    """How each indicator's partner rows combine into the "all partners" value, in words.

    >>> import clusterix_analytics as cx
    >>> print(all_partners_rules(build(cx.load(), indicators=["learning_events", "collaboration_increase_pct"])))
    How partner rows combine into "all partners": Policy learning events organised – all partners: the sum of \
every partner's periods; Increase in collaborations between enterprises and knowledge institutions – all \
partners: the average of each partner's latest value (each partner counts once).
    """
    rules = [f"{r.name} – {rule_in_words(r.aggregation, r.unit)}" for r in page.tables.indicators.itertuples()]
    return 'How partner rows combine into "all partners": ' + "; ".join(rules) + "."


def phase_figure(page: IndicatorsPage) -> go.Figure:
    """Indicator values per phase, with the projection of a running phase.

    >>> import clusterix_analytics as cx
    >>> phase_figure(build(cx.load(), partner="inma", indicators=["learning_events"])).layout.title.text[:27]
    'Indicator values per phase '
    """
    return figures.phase_comparison(page.tables.phase_series, page.project,
                                    order=list(page.tables.indicators.indicator_id))


def scorecard_intro(page: IndicatorsPage) -> str:
    """How much of the project's duration has elapsed, which sets the "on track" share.

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load(), partner="inma", phase="P1", indicators=["learning_events"])
    >>> print(scorecard_intro(page))  # doctest: +NORMALIZE_WHITESPACE
    As of 31 March 2019, 60% of the project's official duration (01 Apr 2016 – 31 Mar 2021) has elapsed, so a
    partner is on track with at least 60% of its share.
    """
    elapsed = page.tables.scorecard.attrs.get("elapsed_share", float("nan"))
    project = page.project
    return (f"As of {page.as_of}, {elapsed:.0%} of the project's official duration ({project.start:%d %b %Y} – "
            f"{project.end:%d %b %Y}) has elapsed, so a partner is on track with at least {elapsed:.0%} of its share.")


def scorecard_figure(page: IndicatorsPage) -> go.Figure:
    """Partner × indicator achievement against each partner's share of the target.

    >>> import clusterix_analytics as cx
    >>> scorecard_figure(build(cx.load(), partner="inma", indicators=["learning_events"])).layout.title.text[:40]
    "Achievement against each partner's share"
    """
    return figures.achievement_heatmap(page.tables.scorecard, page.tables.partners)


def change_types_intro(page: IndicatorsPage) -> str:
    """The three types of policy change Interreg Europe counts, and how many changes the log holds.

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load(), partner="inma", indicators=["learning_events"])
    >>> print(change_types_intro(page))  # doctest: +ELLIPSIS
    Interreg Europe counts a policy instrument as improved through one of three types of change:
    <BLANKLINE>
    - `new_projects`: ...
    <BLANKLINE>
    4 change(s) in the log for INMA, the whole project (all statuses; ...).
    """
    types = "\n".join(f"- `{code}`: {label}" for code, label in CHANGE_TYPE_LABELS.items())
    return ("Interreg Europe counts a policy instrument as improved through one of three types of change:\n\n"
            + types
            + f"\n\n{len(page.tables.changes)} change(s) in the log for {page.who}, {page.scope} "
            f"(all statuses; only achieved changes count as improvements and as funds influenced).")


def timeline_figure(page: IndicatorsPage) -> go.Figure:
    """Each policy change on a timeline, by partner and type of change.

    >>> import clusterix_analytics as cx
    >>> timeline_figure(build(cx.load(), partner="inma", indicators=["learning_events"])).layout.title.text
    'Policy changes over time, by partner and type of change'
    """
    return figures.policy_change_timeline(page.tables.changes, page.tables.partners, page.project)


def funds_by_phase(page: IndicatorsPage) -> pd.Series:
    """Funds influenced by achieved changes with a known amount (EUR), per phase id in project order.

    >>> import clusterix_analytics as cx
    >>> funds_by_phase(build(cx.load(), partner="inma", indicators=["learning_events"])).to_dict()
    {'P1': 8400000.0}
    """
    known = page.tables.funds.dropna(subset=["funds_eur"])
    return known.groupby("phase_id").funds_eur.sum().reindex(calendar.phase_order(page.project)).dropna()


def funds_by_phase_sentence(page: IndicatorsPage) -> str:
    """The funds influenced per phase, in a sentence.

    >>> import clusterix_analytics as cx
    >>> funds_by_phase_sentence(build(cx.load(), partner="inma", indicators=["learning_events"]))
    'Funds influenced by achieved changes, per phase: Phase 1 – interregional learning: 8,400,000 EUR.'
    """
    names = calendar.phase_names(page.project)
    parts = "; ".join(f"{names[pid]}: {eur:,.0f} EUR" for pid, eur in funds_by_phase(page).items())
    return "Funds influenced by achieved changes, per phase: " + (parts or "none with a known amount") + "."


def funds_figure(page: IndicatorsPage) -> go.Figure:
    """Funds influenced per partner, one bar segment per phase.

    >>> import clusterix_analytics as cx
    >>> funds_figure(build(cx.load(), partner="inma", indicators=["learning_events"])).layout.title.text[:32]
    'Funds influenced by the policy c'
    """
    return figures.funds_by_partner_phase(page.tables.funds, page.tables.partners, page.project)


def change_log_intro(page: IndicatorsPage) -> str:
    """The heading of the change log and how many changes fall outside every phase.

    >>> import clusterix_analytics as cx
    >>> print(change_log_intro(build(cx.load(), partner="inma", indicators=["learning_events"])))
    ### The change log
    <BLANKLINE>
    Months from the project start (01 Apr 2016) to each change. 0 change(s) fall outside every phase.
    """
    return (f"### The change log\n\nMonths from the project start ({page.project.start:%d %b %Y}) to each change. "
            f"{page.numbers['changes_outside_phases']} change(s) fall outside every phase.")
