"""What notebooks/05_policy_learning.ipynb states: how the partnership learned – where and when it met, who
hosted what, the topics, the good practices and who took them up, and per partner the chain from learning
events to funds influenced, each step with its source or demo flag.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.views import policy_learning as view
>>> page = view.build(cx.load())
>>> print(view.introduction(page))  # doctest: +NORMALIZE_WHITESPACE
**23 learning events** are documented for all partners over the whole project (19 with a date, 13 with a
host partner), besides 7 milestones; **19 good practices** from 11 regions; **26 transfers** of good
practices between partners (2 sourced, 24 demo rows).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.analytics import learning
from clusterix_analytics.analytics.metrics import Metric
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.project import Project
from clusterix_analytics.figures import learning as figures

ALL = "all"
JOURNEY_COLUMNS = ["step", "text", "provenance", "sources"]
EVENT_COLUMNS = ["title", "start", "end", "date_precision", "city", "nuts_code", "host_partner_id", "event_type",
                 "participants", "source", "synthetic"]


def check_parameters(dataset: Dataset, partner: str = ALL, phase: str = ALL, **_) -> list[str]:
    """Problems with the notebook's parameters (empty list = fine); each message lists the valid values.

    >>> import clusterix_analytics as cx
    >>> check_parameters(cx.load(), partner="xyz", phase="P9")  # doctest: +ELLIPSIS
    ["unknown partner 'xyz'; valid: all, ecoplus, ...", "unknown phase 'P9'; valid: all, P1, P2, AA"]
    """
    problems = []
    partner_ids = [str(p) for p in dataset.partners["partner_id"]]
    if partner != ALL and partner not in partner_ids:
        problems.append(f"unknown partner {partner!r}; valid: {', '.join([ALL] + partner_ids)}")
    phase_ids = list(dataset.project.phase_ids)
    if phase != ALL and phase not in phase_ids:
        problems.append(f"unknown phase {phase!r}; valid: {', '.join([ALL] + phase_ids)}")
    return problems


@dataclass
class LearningPage:
    """The tables of the policy-learning page, for one partner (or all) and one phase (or all)."""

    project: Project
    partner: str
    phase: str
    partners: pd.DataFrame
    has_events: bool
    events: pd.DataFrame          # learning.learning_events, chosen partner (host) and phase
    milestones: int               # events of type milestone (not learning events), whole project
    by_phase: pd.DataFrame        # learning.events_by_phase
    by_host: pd.DataFrame         # learning.events_by_host
    topics: pd.DataFrame          # learning.topics_over_time
    practices: pd.DataFrame       # learning.good_practices_by_region_and_theme
    network: pd.DataFrame         # learning.learning_network, edges touching the chosen partner
    journey: pd.DataFrame | None  # learning.partner_journey of the chosen partner (None for all partners)
    counted: list = field(default_factory=list)  # learning.counted_all, for the chosen partner

    @property
    def who(self) -> str:
        """"all partners" or the partner's short name."""
        if self.partner == ALL:
            return "all partners"
        return str(self.partners.set_index("partner_id").at[self.partner, "short_name"])

    @property
    def scope(self) -> str:
        """"the whole project" or the phase's name."""
        return "the whole project" if self.phase == ALL else self.project.phase(self.phase).name

    @property
    def frames_used(self) -> tuple[pd.DataFrame, ...]:
        """The rows the page draws on (for the demo-data notice)."""
        return self.events, self.network

    @property
    def events_shown(self) -> pd.DataFrame:
        """The learning events as the page lists them (index event_id)."""
        return self.events.set_index("event_id")[EVENT_COLUMNS]

    @property
    def topics_shown(self) -> pd.DataFrame:
        """Learning events per topic (rows) and phase (columns).

        >>> import clusterix_analytics as cx
        >>> build(cx.load("tests/fixtures/learning_pilot")).topics_shown.loc["digitalisation"].to_dict()
        {'apply': 0, 'learn': 2}
        """
        if self.topics.empty:
            return pd.DataFrame()
        return self.topics.pivot_table(index="topic", columns="phase_id", values="events", aggfunc="sum",
                                       fill_value=0).rename_axis(columns=None)


def build(dataset: Dataset, partner: str = ALL, phase: str = ALL) -> LearningPage:
    """The page's tables, refusing unknown parameters first.

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load(), partner="region_aura", phase="P1")
    >>> page.who, page.scope, len(page.events)
    ('Region AURA', 'Phase 1 – interregional learning', 1)
    """
    problems = check_parameters(dataset, partner=partner, phase=phase)
    if problems:
        raise ValueError("bad notebook parameters:\n" + "\n".join(f"- {p}" for p in problems))
    chosen = None if phase == ALL else phase
    events = learning.learning_events(dataset, chosen)
    network = learning.learning_network(dataset)
    if partner != ALL:
        events = events[events["host_partner_id"] == partner]
        network = network[(network["from_partner_id"] == partner) | (network["to_partner_id"] == partner)]
    milestones = int((dataset.events["event_type"] == "milestone").sum()) if dataset.has("events") else 0
    return LearningPage(
        project=dataset.project, partner=partner, phase=phase, partners=dataset.partners,
        has_events=dataset.has("events"), events=events.reset_index(drop=True), milestones=milestones,
        by_phase=learning.events_by_phase(dataset, chosen), by_host=learning.events_by_host(dataset, chosen),
        topics=learning.topics_over_time(dataset), practices=learning.good_practices_by_region_and_theme(dataset),
        network=network.reset_index(drop=True),
        journey=None if partner == ALL else learning.partner_journey(dataset, partner),
        counted=learning.counted_all(dataset, None if partner == ALL else partner),
    )


def metrics(page: LearningPage) -> list[Metric]:
    """The quantities the page states: the documented rows of each indicator counted from them (whole project).

    >>> import clusterix_analytics as cx
    >>> [(m.key, m.value) for m in metrics(build(cx.load()))][:1]
    [('learning_events_documented', 23)]
    """
    return [c.documented for c in page.counted] if page.phase == ALL else []


def introduction(page: LearningPage) -> str:
    """What the page holds, in numbers; says so when the project has no events table.

    >>> import clusterix_analytics as cx
    >>> print(introduction(build(cx.load("tests/fixtures/nordic_pilot"))))  # doctest: +NORMALIZE_WHITESPACE
    This project has **no events table**: no learning event is documented, so the maps, timelines and hosts
    below are empty. No good practices table. No transfers of good practices are recorded.
    """
    if not page.has_events:
        head = ("This project has **no events table**: no learning event is documented, so the maps, timelines and "
                "hosts below are empty.")
    else:
        synthetic = page.events["synthetic"].astype(bool)
        documented, demo = page.events[~synthetic], int(synthetic.sum())
        n, dated = len(documented), int(documented["start"].notna().sum())
        hosted = int(documented["host_partner_id"].notna().sum())
        head = (f"**{n} learning event{'' if n == 1 else 's'}** {'is' if n == 1 else 'are'} documented for "
                f"{page.who} over {page.scope} ({dated} with a date, {hosted} with a host partner)"
                + (f", and {demo} demo row{'' if demo == 1 else 's'}" if demo else "")
                + (f", besides {page.milestones} milestone{'' if page.milestones == 1 else 's'}"
                   if page.milestones and page.phase == ALL else ""))
    practices = page.practices
    if practices.empty:
        head += " No good practices table."
    else:
        documented = int(practices["documented"].sum())
        regions = practices.loc[practices["nuts_code"] != learning.NOT_KNOWN, "nuts_code"].nunique()
        head += f"; **{documented} good practices** from {regions} regions"
    network = page.network
    if network.empty:
        return head + (" No transfers of good practices are recorded." if practices.empty else
                       "; no transfers of good practices are recorded.")
    sourced = int((network["provenance"] == "sourced").sum())
    return head + (f"; **{len(network)} transfers** of good practices between partners ({sourced} sourced, "
                   f"{len(network) - sourced} demo rows).")


def counted_sentences(page: LearningPage) -> str:
    """Each indicator counted from the learning rows against what the project reported (empty: none is)."""
    return "\n\n".join(learning.count_sentence(c) for c in page.counted)


def journey_table(page: LearningPage) -> pd.DataFrame | None:
    """The chosen partner's chain, step by step (index step), with each step's provenance and sources."""
    return None if page.journey is None else page.journey.set_index("step")[JOURNEY_COLUMNS[1:]]


def journey_sentence(page: LearningPage) -> str:
    """The partner's chain in one line, "not known" where a step is missing.

    >>> import clusterix_analytics as cx
    >>> print(journey_sentence(build(cx.load("tests/fixtures/learning_pilot"), partner="sth")))
    ... # doctest: +NORMALIZE_WHITESPACE
    South Test: learning events hosted: 1 hosted (sourced) → good practices shared: 1 shared (sourced) → good
    practices taken up: 1 taken up (1 inspired) (sourced) → action plan: not known → policy changes achieved:
    none recorded → funds influenced: not known.
    """
    if page.journey is None:
        return "Choose a partner to follow its chain from learning events to funds influenced."
    quiet = (learning.NOT_KNOWN, learning.NONE_RECORDED)
    steps = [f"{r.step}: {r.text}" + (f" ({r.provenance})" if r.provenance not in quiet else "")
             for r in page.journey.itertuples()]
    return f"{page.who}: " + " → ".join(steps) + "."


def timeline_figure(page: LearningPage) -> go.Figure:
    """The learning events over time, by type, sized by participants, with the phases."""
    return figures.events_timeline(page.events, page.project)


def timeline_chart(dataset: Dataset, partner: str = ALL, phase: str = ALL) -> go.Figure:
    """The timeline for one partner (host) and phase: the page's explorer redraws it.

    >>> import clusterix_analytics as cx
    >>> len(timeline_chart(cx.load(), partner="ecoplus").data)
    2
    """
    return timeline_figure(build(dataset, partner=partner, phase=phase))


def hosts_figure(page: LearningPage) -> go.Figure:
    """Who hosted what."""
    return figures.hosts_chart(page.by_host, page.partners)


def network_figure(page: LearningPage) -> go.Figure:
    """Who learned from whom, with provenance on every edge."""
    return figures.network_figure(page.network, page.partners)
