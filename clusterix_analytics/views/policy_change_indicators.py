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

from dataclasses import dataclass, field

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
from clusterix_analytics.data.provenance import PROVENANCE_WORDS, provenance
from clusterix_analytics.figures import indicators as figures
from clusterix_analytics.figures.theme import has_data
from clusterix_analytics.text import markdown_text
from clusterix_analytics.views.names import partner_names
from clusterix_analytics.views.opening import counted, improved_line, page_opening, where_from
from clusterix_analytics.views.tables import (
    ReaderTable,
    count,
    date,
    eur,
    humanise,
    link,
    number,
    percent,
    reader_table,
    relabel,
    text,
    words,
    yes_no,
)

ALL = ind.ALL
SUM_OF_PARTNERS = "sum of partner rows"
# The columns of each table the page shows, with their labels and formats ("partner" and "instrument" are the
# names the view joins to the ids).
REPORTED_COLUMNS = {"name": text("Indicator", wrap=True), "unit": "Unit", "target": number("Target"),
                    "reported_by_project": number("Reported by the project"), "reported_from": date("From"),
                    "reported_to": date("To"), "sum_of_partner_rows": number("Sum of partner rows"),
                    "partners_reporting": count("Partners reporting"),
                    "partner_rows_synthetic": yes_no("Partner rows are demo data"),
                    "difference": number("Difference")}
PHASE_COLUMNS = {"name": text("Indicator", wrap=True), "phase_name": text("Phase", wrap=True), "unit": "Unit",
                 "value": number("Value in the phase"), "cumulative": number("Cumulative"),
                 "target": number("Target"), "achievement_pct": percent("Achieved (% of target)"),
                 "projected_cumulative": number("Projected cumulative"),
                 "projected_achievement_pct": percent("Projected (% of target)"), "synthetic": yes_no("Demo data")}
SCORECARD_COLUMNS = {"partner": "Partner", "target met": count("Targets met"), "on track": count("On track"),
                     "behind": count("Behind"), "no target": count("No target"), "no data": count("No data"),
                     "overall": words("Overall")}
INSTRUMENT_COLUMNS = {"partner": "Partner", "phase_name": text("Phase", wrap=True),
                      "change_type": words("Type of change"), "changes": count("Changes"),
                      "instruments": count("Instruments improved"),
                      "changes_unknown_instrument": count("Changes to an instrument not named"),
                      "synthetic": yes_no("Demo data")}
FUNDS_COLUMNS = {"partner": "Partner", "phase_name": text("Phase", wrap=True), "funds_eur": eur("Funds influenced"),
                 "changes_with_amount": count("Changes with an amount"),
                 "changes_without_amount": count("Changes without an amount"),
                 "synthetic_eur": eur("Of which demo data")}
# (the log is wide: its demo-data marker comes early, not after a scroll)
CHANGE_LOG_COLUMNS = {"date": date("Date", precision="date_precision"), "partner": "Partner",
                      "synthetic": yes_no("Demo data"), "instrument": text("Policy instrument", wrap=True),
                      "phase_name": text("Phase", wrap=True), "months_from_start": count("Months from the start"),
                      "change_type": words("Type of change"), "status": words("Status"),
                      "funds_influenced_eur": eur("Funds influenced"), "description": text("What changed", wrap=True),
                      "evidence": link("Evidence")}
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
    instrument_names: dict[str, str] = field(default_factory=dict)  # instrument_id → name (for the change log)

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
        instrument_names=_instrument_names(dataset),
    )


def _instrument_names(dataset: Dataset) -> dict[str, str]:
    """instrument_id → name (none when the project folder has no policy_instruments table)."""
    instruments = dataset.tables.get("policy_instruments")
    return {} if instruments is None else dict(zip(instruments["instrument_id"], instruments["name"]))


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


def opening(page: IndicatorsPage) -> str:
    """The page's question and its answer: instruments improved and changes, funds influenced, the scorecard.

    >>> import clusterix_analytics as cx
    >>> print(opening(build(cx.load(), partner="inma", phase="P1")))  # doctest: +NORMALIZE_WHITESPACE
    **Which policy instruments did INMA change in Phase 1 – interregional learning, and with how much money?**
    <BLANKLINE>
    - **2 policy instruments improved** through 2 achieved changes (sourced).
    - **8,400,000 EUR** of funds influenced by these changes (sourced).
    - As of 31 March 2019, INMA is overall behind against its share of the targets (partly demo data).
    """
    who = "the partners" if page.all_partners else markdown_text(page.who)
    during = "" if page.phase == ALL else f" in {markdown_text(page.scope)}"
    question = f"Which policy instruments did {who} change{during}, and with how much money?"
    changes, instruments, funds = metrics(page)[:3]
    lines = [improved_line(instruments, changes)]
    lines.append(f"**{funds.value:,.0f} EUR** of funds influenced by these changes" + where_from(funds.provenance) + "."
                 if funds.value is not None else "The funds these changes influenced are not known.")
    observed = where_from(provenance(page.tables.observations_used))
    if page.tables.as_of is None:
        lines.append("No indicator has an observation yet, so no partner is measured against its targets.")
    elif page.all_partners:
        lines.append(f"As of {page.as_of}, {page.numbers['partners_behind']} of "
                     f"{counted(len(page.tables.partners), 'partner')} are behind on at least one target{observed}.")
    else:
        lines.append(f"As of {page.as_of}, {markdown_text(page.who)} is overall {page.tables.summary.overall.iloc[0]} "
                     "against its share of the targets" + observed + ".")
    return page_opening(question, lines)


def headline_summary(page: IndicatorsPage) -> str:
    """The "Headlines" section: as-of date, instruments improved, funds, scorecard, changes outside phases.

    >>> import clusterix_analytics as cx
    >>> print(headline_summary(build(cx.load(), partner="inma", phase="P1")))  # doctest: +NORMALIZE_WHITESPACE
    ## Headlines – INMA, Phase 1 – interregional learning
    <BLANKLINE>
    Indicator data as of **31 March 2019**.
    <BLANKLINE>
    - **2 policy instruments improved** through **2 achieved changes** (sourced).
    - **8,400,000 EUR** of funds influenced by the achieved changes (sourced).
    - Scorecard: overall **behind** (2 targets met, 1 on track, 4 behind).
    - No change is dated outside every phase.
    """
    h, summary = page.numbers, page.tables.summary
    changes, _, funds = metrics(page)[:3]
    funds_text = f"**{funds.value:,.0f} EUR**" if funds.value is not None else "An amount **not known**"
    unnamed = h["changes_unknown_instrument"]
    if page.all_partners:
        scorecard = (f"- Scorecard: {counted(h['partners_target_met'], 'partner')} met every target they report on, "
                     f"{h['partners_on_track']} on track, {h['partners_behind']} behind on at least one target.\n")
    else:
        met = int(summary["target met"].iloc[0])
        scorecard = (f"- Scorecard: overall **{summary.overall.iloc[0]}** ({counted(met, 'target')} met, "
                     f"{summary['on track'].iloc[0]} on track, {summary['behind'].iloc[0]} behind).\n")
    return (f"## Headlines – {markdown_text(page.who)}, {markdown_text(page.scope)}\n\n"
            + (f"Indicator data as of **{page.as_of}**.\n\n" if page.tables.as_of is not None
               else "No indicator has an observation yet.\n\n")
            + f"- **{counted(h['instruments_improved'], 'policy instrument')} improved** through "
            f"**{counted(h['changes_achieved'], 'achieved change')}**"
            + (f" by {counted(h['partners_with_change'], 'partner')}" if page.all_partners else "")
            + (f"; {unnamed} of these changes concern an instrument the data does not name" if unnamed else "")
            + f" ({PROVENANCE_WORDS[changes.provenance]}).\n"
            + f"- {funds_text} of funds influenced by the achieved changes ({PROVENANCE_WORDS[funds.provenance]}).\n"
            + scorecard
            + (f"- {counted(h['changes_outside_phases'], 'change')} dated outside every phase (kept and listed "
               "below)." if h["changes_outside_phases"] else "- No change is dated outside every phase."))


def cumulative_figure(page: IndicatorsPage) -> go.Figure | str:
    """Every indicator with observations against its target per reporting period: one figure of small multiples,
    a panel per indicator (a sentence when there is no observation to draw).

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load(), partner="inma", indicators=["learning_events"])
    >>> fig = cumulative_figure(page)
    >>> fig.layout.title.text, fig.layout.meta["panels"]
    ('Indicators against target, by reporting period (INMA)', ['Policy learning events organised'])
    """
    tables = page.tables
    fig = figures.cumulative_small_multiples(tables.series, tables.indicators, page.project, tables.reported,
                                             who=SUM_OF_PARTNERS if page.all_partners else page.who)
    return fig if fig.layout.meta["panels"] else no_observations(page)


def no_observations(page: IndicatorsPage) -> str:
    """What the page says instead of the cumulative charts when there is nothing to draw.

    >>> import clusterix_analytics as cx
    >>> no_observations(build(cx.load(), partner="inma", phase="P1", indicators=["learning_events"]))
    'No indicator observations for INMA up to 31 March 2019.'
    """
    if page.tables.as_of is None:
        return f"No indicator observations for {markdown_text(page.who)}."
    return f"No indicator observations for {markdown_text(page.who)} up to {page.as_of}."


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
    1 indicator has a project-wide total reported by the project; ...
    <BLANKLINE>
    - Policy learning events organised: **117 events** reported by the project (...); partner rows add up to 9, \
counted from the events table
    <BLANKLINE>
    **Policy learning events organised**: 23 of the 117 events the project reported are documented ...
    <BLANKLINE>
    How partner rows combine into "all partners": ...
    """
    compared = page.tables.reported.dropna(subset=["reported_by_project"])
    lines = [f"- {markdown_text(r.name)}: **{r.reported_by_project:,.0f} {markdown_text(r.unit)}** reported by "
             f"the project ({r.reported_from:%b %Y} – {r.reported_to:%b %Y}); "
             + (f"partner rows add up to {r.sum_of_partner_rows:,.0f}" if pd.notna(r.sum_of_partner_rows)
                else "no partner row breaks it down")
             + (" (demo rows)" if r.partner_rows_synthetic is True else "")
             + (f", counted from the {learning.table_words(r.partner_rows_from)} table"
                if isinstance(r.partner_rows_from, str)
                and r.partner_rows_from else "")
             for r in compared.itertuples()]
    documented = [learning.count_sentence(c) for c in page.tables.counted]
    if compared.empty:
        return ("### Reported by the project vs. sum of partner rows\n\nThe project reported no project-wide total "
                "of any indicator to compare the partner rows with." + "".join(f"\n\n{c}" for c in documented)
                + "\n\n" + all_partners_rules(page))
    return (f"### Reported by the project vs. sum of partner rows\n\n"
            f"{counted(len(compared), 'indicator')} {'has' if len(compared) == 1 else 'have'} a project-wide total "
            "reported by the project; the partner rows are breakdowns and are compared with it over the same dates, "
            "never added to it.\n\n" + "\n".join(lines)
            + "".join(f"\n\n{c}" for c in documented) + "\n\n" + all_partners_rules(page))


def all_partners_rules(page: IndicatorsPage) -> str:
    """How each indicator's partner rows combine into the "all partners" value, in words.

    >>> import clusterix_analytics as cx
    >>> print(all_partners_rules(build(cx.load(), indicators=["learning_events", "collaboration_increase_pct"])))
    How partner rows combine into "all partners": Policy learning events organised – all partners: the sum of \
every partner's periods; Increase in collaborations between enterprises and knowledge institutions – all \
partners: the average of each partner's latest value (each partner counts once).
    """
    rules = [f"{markdown_text(r.name)} – {markdown_text(rule_in_words(r.aggregation, r.unit))}"
             for r in page.tables.indicators.itertuples()]
    return 'How partner rows combine into "all partners": ' + "; ".join(rules) + "."


def phase_figure(page: IndicatorsPage) -> go.Figure | str:
    """Indicator values per phase, with the projection of a running phase (a sentence when no indicator has a value
    in a phase).

    >>> import clusterix_analytics as cx
    >>> phase_figure(build(cx.load(), partner="inma", indicators=["learning_events"])).layout.title.text[:27]
    'Indicator values per phase '
    """
    fig = figures.phase_comparison(page.tables.phase_series, page.project,
                                   order=list(page.tables.indicators.indicator_id))
    return fig if has_data(fig) else f"No indicator has a value in a phase for {page.who}, {page.scope}."


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
    if page.tables.as_of is None:
        return (f"No indicator has an observation yet, so no partner is on track or behind "
                f"(project duration {project.start:%d %b %Y} – {project.end:%d %b %Y}).")
    return (f"As of {page.as_of}, {elapsed:.0%} of the project's official duration ({project.start:%d %b %Y} – "
            f"{project.end:%d %b %Y}) has elapsed, so a partner is on track with at least {elapsed:.0%} of its share.")


def scorecard_figure(page: IndicatorsPage) -> go.Figure | str:
    """Partner × indicator achievement against each partner's share of the target (a sentence when no partner has
    a value of an indicator with a target).

    >>> import clusterix_analytics as cx
    >>> scorecard_figure(build(cx.load(), partner="inma", indicators=["learning_events"])).layout.title.text[:40]
    "Achievement against each partner's share"
    """
    fig = figures.achievement_heatmap(page.tables.scorecard, page.tables.partners)
    return fig if has_data(fig) else (f"No scorecard to draw: {page.who} ha{'s' if not page.all_partners else 've'} "
                                      f"no value of an indicator with a target, {page.scope}.")


def change_types_intro(page: IndicatorsPage) -> str:
    """The three types of policy change Interreg Europe counts, and how many changes the log holds.

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load(), partner="inma", indicators=["learning_events"])
    >>> print(change_types_intro(page))  # doctest: +ELLIPSIS
    Interreg Europe counts a policy instrument as improved through one of three types of change:
    <BLANKLINE>
    - Implementation of new projects
    ...
    <BLANKLINE>
    4 changes in the log for INMA, the whole project (all statuses; ...).
    """
    types = "\n".join(f"- {label}" for label in CHANGE_TYPE_LABELS.values())
    return ("Interreg Europe counts a policy instrument as improved through one of three types of change:\n\n"
            + types
            + f"\n\n{counted(len(page.tables.changes), 'change')} in the log for {markdown_text(page.who)}, "
            f"{markdown_text(page.scope)} (all statuses; only achieved changes count as improvements and as funds "
            "influenced).")


def timeline_figure(page: IndicatorsPage) -> go.Figure | str:
    """Each policy change on a timeline, by partner and type of change (a sentence when there is none).

    >>> import clusterix_analytics as cx
    >>> timeline_figure(build(cx.load(), partner="inma", indicators=["learning_events"])).layout.title.text
    'Policy changes over time, by partner and type of change'
    """
    if page.tables.changes.empty:
        return f"No policy changes are recorded for {page.who}, {page.scope}."
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
    parts = "; ".join(f"{markdown_text(names[pid])}: {eur:,.0f} EUR" for pid, eur in funds_by_phase(page).items())
    return "Funds influenced by achieved changes, per phase: " + (parts or "none with a known amount") + "."


def funds_figure(page: IndicatorsPage) -> go.Figure | str:
    """Funds influenced per partner, one bar segment per phase (a sentence when no amount is known).

    >>> import clusterix_analytics as cx
    >>> funds_figure(build(cx.load(), partner="inma", indicators=["learning_events"])).layout.title.text[:32]
    'Funds influenced by the policy c'
    """
    fig = figures.funds_by_partner_phase(page.tables.funds, page.tables.partners, page.project)
    return fig if has_data(fig) else (f"No achieved policy change of {page.who} has a known amount of funds, "
                                      f"{page.scope}.")


# A type of change counted in a sentence ("2 new projects, 1 change in management"): (one, several).
CHANGE_TYPE_COUNTED = {"new_projects": ("new project", "new projects"),
                       "management": ("change in management", "changes in management"),
                       "strategic_focus": ("change in strategic focus", "changes in strategic focus")}


def _counted_by(values: pd.Series, words: dict[str, tuple[str, str]]) -> str:
    """How many of each value, in the order of ``words`` (others after them, as words), joined by commas."""
    counts = values.value_counts()
    order = [v for v in words if v in counts.index] + sorted(v for v in counts.index if v not in words)
    parts = []
    for value in order:
        one, several = words.get(value, (humanise(value).lower(),) * 2)
        parts.append(f"{counts[value]:,} {one if counts[value] == 1 else several}")
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def change_log_intro(page: IndicatorsPage) -> str:
    """The heading of the change log, then what changed: the changes logged, the achieved ones by type of
    change and the instruments they improved, the others by status, and how many fall outside every phase.

    >>> import clusterix_analytics as cx
    >>> print(change_log_intro(build(cx.load(), partner="inma", indicators=["learning_events"])))
    ... # doctest: +NORMALIZE_WHITESPACE
    ### The change log
    <BLANKLINE>
    4 policy changes are logged for INMA, the whole project. The 4 achieved ones improved 2 policy instruments:
    1 new project, 2 changes in management and 1 change in strategic focus (partly demo data). Months from the
    project start (01 Apr 2016) to each change; 0 changes fall outside every phase.
    """
    changes = page.tables.changes
    start = f"Months from the project start ({page.project.start:%d %b %Y}) to each change"
    outside = page.numbers["changes_outside_phases"]
    where = f"{markdown_text(page.who)}, {markdown_text(page.scope)}"
    if changes.empty:
        return f"### The change log\n\nNo policy change is logged for {where}."
    achieved_metric, instruments = metrics(page)[:2]
    achieved = changes[changes["status"] == "achieved"]
    others = changes[changes["status"] != "achieved"]
    by_type = _counted_by(achieved["change_type"], CHANGE_TYPE_COUNTED) if len(achieved) else ""
    what = (f"The {achieved_metric.value:,} achieved {'one' if achieved_metric.value == 1 else 'ones'} improved "
            f"{counted(instruments.value, 'policy instrument')}: {by_type}{where_from(achieved_metric.provenance)}."
            if len(achieved) else "None of them is achieved yet.")
    pending = (f" Not achieved yet: {_counted_by(others['status'], {})}." if len(others) else "")
    return (f"### The change log\n\n{counted(len(changes), 'policy change')} "
            f"{'is' if len(changes) == 1 else 'are'} logged for {where}. {what}{pending} {start}; "
            f"{counted(outside, 'change')} {'falls' if outside == 1 else 'fall'} outside every phase.")


def _named(page: IndicatorsPage, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the partner's short name beside its id."""
    return frame.assign(partner=frame["partner_id"].map(partner_names(page.tables.partners)))


def reported_table(page: IndicatorsPage) -> ReaderTable:
    """Project-wide totals the project reported, next to what the partner rows add up to over the same dates.

    >>> import clusterix_analytics as cx
    >>> table = reported_table(build(cx.load()))
    >>> table.cells.iloc[0][["Reported by the project", "From", "Partner rows are demo data", "Difference"]].tolist()
    ['117', '2016-04-01', 'no', '-108']
    >>> table.cells["From"].tolist()[1], table.provenance
    ('–', 'mixed')
    """
    return reader_table(page.tables.reported, REPORTED_COLUMNS, provenance_of=page.tables.observations_used)


def phase_table(page: IndicatorsPage) -> ReaderTable:
    """Values per indicator and phase (the chosen phase, or every phase), against the target or the partner's
    share of it.

    >>> import clusterix_analytics as cx
    >>> table = phase_table(build(cx.load(), partner="inma", indicators=["learning_events"]))
    >>> table.cells.columns[5], table.cells.iloc[0][["Phase", "Value in the phase"]].tolist()
    ("Partner's share of the target", ['Phase 1 – interregional learning', '1'])
    """
    rows = ind.select(page.tables.phase_series, phase=page.phase)
    if page.all_partners:
        return reader_table(rows, PHASE_COLUMNS, provenance_of=page.tables.observations_used)
    columns = relabel({("partner_target" if c == "target" else c): spec for c, spec in PHASE_COLUMNS.items()},
                      partner_target="Partner's share of the target")
    return reader_table(rows, columns, provenance_of=page.tables.observations_used)


def scorecard_table(page: IndicatorsPage) -> ReaderTable:
    """Per partner: how many targets it met, is on track with or is behind on, and overall.

    >>> import clusterix_analytics as cx
    >>> scorecard_table(build(cx.load(), partner="inma")).cells.iloc[0].tolist()
    ['INMA', '4', '0', '3', '2', '0', 'Behind']
    """
    return reader_table(_named(page, page.tables.summary), SCORECARD_COLUMNS,
                        provenance_of=page.tables.observations_used)


def instruments_table(page: IndicatorsPage) -> ReaderTable:
    """Instruments improved per partner, phase and type of change (achieved changes).

    >>> import clusterix_analytics as cx
    >>> instruments_table(build(cx.load(), partner="inma")).cells.iloc[0].tolist()
    ['INMA', 'Phase 1 – interregional learning', 'New projects', '1', '1', '0', 'no']
    """
    return reader_table(_named(page, page.tables.instruments), INSTRUMENT_COLUMNS, provenance_of=page.tables.changes)


def funds_table(page: IndicatorsPage) -> ReaderTable:
    """Funds influenced per partner and phase, how many changes have an amount, and how much is demo data.

    >>> import clusterix_analytics as cx
    >>> funds_table(build(cx.load(), partner="inma")).cells.iloc[:, :3].values.tolist()
    [['INMA', 'Phase 1 – interregional learning', '8,400,000'], ['INMA', 'Phase 2 – action plan implementation', '–']]
    """
    return reader_table(_named(page, page.tables.funds), FUNDS_COLUMNS, provenance_of=page.tables.changes)


def change_log_table(page: IndicatorsPage) -> ReaderTable:
    """Every policy change of the chosen partner and phase: when (as precisely as known), who, which
    instrument, what type, its status, funds, what changed, its evidence.

    >>> import clusterix_analytics as cx
    >>> table = change_log_table(build(cx.load(), partner="inma"))
    >>> table.cells.iloc[1][["Date", "Partner", "Funds influenced (EUR)", "Evidence", "Demo data"]].tolist()
    ['2018', 'INMA', '898,097', 'uefiscdi.gov.ro', 'no']
    """
    changes = _named(page, page.tables.changes)
    changes = changes.assign(instrument=changes["instrument_id"].map(page.instrument_names))
    return reader_table(changes, CHANGE_LOG_COLUMNS, provenance_of=page.tables.changes)
