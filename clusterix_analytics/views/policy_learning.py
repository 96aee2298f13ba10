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
from clusterix_analytics.analytics.metrics import Metric, achieved_changes
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.project import Project
from clusterix_analytics.data.vocabularies import label
from clusterix_analytics.figures import learning as figures
from clusterix_analytics.figures import maps
from clusterix_analytics.figures.theme import has_data
from clusterix_analytics.geo import geometry as geo
from clusterix_analytics.text import markdown_text
from clusterix_analytics.views.names import country_name, partner_names, phase_names, region_name
from clusterix_analytics.views.opening import counted, page_opening
from clusterix_analytics.views.tables import (
    ReaderTable,
    count,
    date,
    domain,
    link,
    reader_table,
    text,
    words,
    yes_no,
)

ALL = "all"
# The columns of each table the page shows, with their labels and formats.
EVENT_COLUMNS = {"title": text("Learning event", wrap=True), "start": date("Start", precision="date_precision"),
                 "end": date("End", precision="date_precision"), "phase": text("Phase", wrap=True),
                 "type": "Type of event", "host": "Host partner", "city": "City", "country": "Country",
                 "nuts_code": "NUTS region", "participants": count("Participants"), "source": link("Source"),
                 "synthetic": yes_no("Demo data")}
TOPIC_COLUMNS = {"topic": text("Topic", wrap=True)}  # then one count column per phase, named by the phase
PRACTICE_COLUMNS = {"region": "Owner region", "theme": text("Theme", wrap=True),
                    "documented": count("Good practices (sourced)"), "demo": count("Demo rows")}
NETWORK_COLUMNS = {"from": "From (owner)", "to": "To (taken up by)", "title": text("Good practice", wrap=True),
                   "transfer_status": words("How it was taken up"),
                   "date": date("Date", precision="date_precision"), "provenance": words("Provenance"),
                   "source": link("Source")}
# a step the data cannot say or holds no row for reads as in the step's text ("not known", "none recorded")
JOURNEY_COLUMNS = {"step": words("Step"), "text": text("What the data holds", wrap=True),
                   "provenance": words("Provenance", values={learning.NOT_KNOWN: learning.NOT_KNOWN,
                                                             learning.NONE_RECORDED: learning.NONE_RECORDED}),
                   "sources": text("Sources", wrap=True)}


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
    topic_events: pd.DataFrame = field(default_factory=pd.DataFrame)    # the learning events the topics count
    good_practices: pd.DataFrame = field(default_factory=pd.DataFrame)  # the good-practice rows behind practices
    transfers: pd.DataFrame = field(default_factory=pd.DataFrame)       # the good_practice_transfers rows
    journey_rows: tuple = ()      # the rows behind the chosen partner's chain (empty for all partners)
    topic_grid: pd.DataFrame = field(default_factory=pd.DataFrame)      # learning.topics_by_phase

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
        """The rows the page draws on (for the demo-data notice): its learning events, the good practices it lists
        and its transfers, a demo transfer counted as demo (the network says so in ``provenance``).

        >>> import clusterix_analytics as cx
        >>> from clusterix_analytics.data.provenance import synthetic_rows
        >>> synthetic_rows(*build(cx.load()).frames_used)        # 23 events, 19 good practices, 26 transfers
        (24, 68)
        """
        transfers = self.network.assign(synthetic=self.network["provenance"] == "demo")
        return self.events, self.good_practices, transfers

    @property
    def partner_names(self) -> dict[str, str]:
        """partner_id → short name, and the words for an owner or host the sources do not name."""
        return {**partner_names(self.partners), learning.NOT_KNOWN: learning.NOT_KNOWN,
                learning.NO_HOST: learning.NO_HOST}

    @property
    def phase_names(self) -> dict[str, str]:
        """phase_id → name, and the words for an undated row."""
        return {**phase_names(self.project), learning.NOT_DATED: learning.NOT_DATED}

    @property
    def topics_shown(self) -> pd.DataFrame:
        """Learning events per topic (rows) and phase (columns, phase ids in project order).

        >>> import clusterix_analytics as cx
        >>> build(cx.load("tests/fixtures/learning_pilot")).topics_shown.loc["digitalisation"].to_dict()
        {'learn': 2, 'apply': 0}
        """
        if self.topics.empty:
            return pd.DataFrame()
        shown = self.topics.pivot_table(index="topic", columns="phase_id", values="events", aggfunc="sum",
                                        fill_value=0).rename_axis(columns=None)
        order = [p for p in [*self.project.phase_ids, learning.NOT_DATED] if p in shown.columns]
        return shown[order + [p for p in shown.columns if p not in order]]


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
    all_events = learning.learning_events(dataset)
    return LearningPage(
        project=dataset.project, partner=partner, phase=phase, partners=dataset.partners,
        has_events=dataset.has("events"), events=events.reset_index(drop=True), milestones=milestones,
        by_phase=learning.events_by_phase(dataset, chosen), by_host=learning.events_by_host(dataset, chosen),
        topics=learning.topics_over_time(dataset), practices=learning.good_practices_by_region_and_theme(dataset),
        network=network.reset_index(drop=True),
        journey=None if partner == ALL else learning.partner_journey(dataset, partner),
        counted=learning.counted_all(dataset, None if partner == ALL else partner),
        topic_events=all_events[all_events["topics"].notna()] if "topics" in all_events else all_events,
        good_practices=dataset.good_practices if dataset.has("good_practices") else pd.DataFrame(),
        transfers=dataset.good_practice_transfers if dataset.has("good_practice_transfers") else pd.DataFrame(),
        journey_rows=() if partner == ALL else journey_rows(dataset, partner),
        topic_grid=learning.topics_by_phase(dataset),
    )


def journey_rows(dataset: Dataset, partner: str) -> tuple[pd.DataFrame, ...]:
    """The rows behind a partner's chain (:func:`~clusterix_analytics.analytics.learning.partner_journey`): the
    learning events it hosted, the good practices it owns, those it took up, its action plans and its achieved
    policy changes (what the funds add up).

    >>> import clusterix_analytics as cx
    >>> [len(rows) for rows in journey_rows(cx.load("tests/fixtures/learning_pilot"), "sth")]
    [1, 1, 1, 0, 0]
    """
    rows = []
    if dataset.has("events"):
        events = learning.learning_events(dataset)
        rows.append(events[events["host_partner_id"] == partner])
    for table, column in (("good_practices", "owner_partner_id"), ("good_practice_transfers", "adopting_partner_id"),
                          ("action_plans", "partner_id")):
        if dataset.has(table):
            frame = getattr(dataset, table)
            rows.append(frame[frame[column] == partner])
    rows.append(achieved_changes(dataset.policy_changes[dataset.policy_changes["partner_id"] == partner]))
    return tuple(rows)


def metrics(page: LearningPage) -> list[Metric]:
    """The quantities the page states: the documented rows of each indicator counted from them (whole project).

    >>> import clusterix_analytics as cx
    >>> [(m.key, m.value) for m in metrics(build(cx.load()))][:1]
    [('learning_events_documented', 23)]
    """
    return [c.documented for c in page.counted] if page.phase == ALL else []


@dataclass(frozen=True)
class LearningNumbers:
    """What the page counts in its sentences: documented (sourced) learning events, with a date and with a host,
    the demo event rows beside them; documented good practices and their regions; transfers, sourced ones."""

    events: int
    dated: int
    hosted: int
    demo_events: int
    practices: int
    practice_regions: int
    transfers: int
    sourced_transfers: int


def learning_numbers(page: LearningPage) -> LearningNumbers:
    """The counts behind the page's introduction and opening (one count, one place).

    >>> import clusterix_analytics as cx
    >>> learning_numbers(build(cx.load()))  # doctest: +NORMALIZE_WHITESPACE
    LearningNumbers(events=23, dated=19, hosted=13, demo_events=0, practices=19, practice_regions=11, transfers=26,
                    sourced_transfers=2)
    """
    events, practices, network = page.events, page.practices, page.network
    synthetic = events["synthetic"].astype(bool) if page.has_events else pd.Series(dtype=bool)
    documented = events[~synthetic] if page.has_events else events
    return LearningNumbers(
        events=len(documented) if page.has_events else 0,
        dated=int(documented["start"].notna().sum()) if page.has_events else 0,
        hosted=int(documented["host_partner_id"].notna().sum()) if page.has_events else 0,
        demo_events=int(synthetic.sum()),
        practices=0 if practices.empty else int(practices["documented"].sum()),
        practice_regions=0 if practices.empty else
        int(practices.loc[practices["nuts_code"] != learning.NOT_KNOWN, "nuts_code"].nunique()),
        transfers=len(network), sourced_transfers=int((network["provenance"] == "sourced").sum()))


def introduction(page: LearningPage) -> str:
    """What the page holds, in numbers; says so when the project has no events table.

    >>> import clusterix_analytics as cx
    >>> print(introduction(build(cx.load("tests/fixtures/nordic_pilot"))))  # doctest: +NORMALIZE_WHITESPACE
    This project has **no events table**: no learning event is documented, so the maps, timelines and hosts
    below are empty. No good practices table. No transfers of good practices are recorded.
    """
    numbers = learning_numbers(page)
    if not page.has_events:
        head = ("This project has **no events table**: no learning event is documented, so the maps, timelines and "
                "hosts below are empty.")
    else:
        n, demo = numbers.events, numbers.demo_events
        head = (f"**{n} learning event{'' if n == 1 else 's'}** {'is' if n == 1 else 'are'} documented for "
                f"{markdown_text(page.who)} over {markdown_text(page.scope)} ({numbers.dated} with a date, "
                f"{numbers.hosted} with a host partner)"
                + (f", and {demo} demo row{'' if demo == 1 else 's'}" if demo else "")
                + (f", besides {page.milestones} milestone{'' if page.milestones == 1 else 's'}"
                   if page.milestones and page.phase == ALL else ""))
    if page.practices.empty:
        head += " No good practices table."
    else:
        head += f"; **{numbers.practices} good practices** from {numbers.practice_regions} regions"
    if page.network.empty:
        return head + (" No transfers of good practices are recorded." if page.practices.empty else
                       "; no transfers of good practices are recorded.")
    sourced = numbers.sourced_transfers
    return head + (f"; **{numbers.transfers} transfers** of good practices between partners ({sourced} sourced, "
                   f"{numbers.transfers - sourced} demo rows).")


def opening(page: LearningPage) -> str:
    """The page's question and its answer: learning events, good practices, and their transfers between
    partners, each saying where its rows come from.

    >>> import clusterix_analytics as cx
    >>> print(opening(build(cx.load())))  # doctest: +NORMALIZE_WHITESPACE
    **How did the partners learn from each other: where did they meet, and which good practices travelled?**
    <BLANKLINE>
    - **23 learning events** are documented for all partners over the whole project (sourced).
    - **19 good practices** from 11 regions are documented (sourced).
    - **26 transfers** of good practices between partners: 2 sourced, 24 demo rows.
    """
    numbers = learning_numbers(page)
    if page.partner == ALL:
        question = ("How did the partners learn from each other: where did they meet, and which good practices "
                    "travelled?")
    else:
        who = markdown_text(page.who)
        question = f"How did {who} learn: which events did it host, and which good practices did it share?"
    if not page.has_events:
        events = "This project has no events table: no learning event is documented."
    else:
        demo = numbers.demo_events
        events = (f"**{counted(numbers.events, 'learning event')}** {'is' if numbers.events == 1 else 'are'} "
                  f"documented for {markdown_text(page.who)} over {markdown_text(page.scope)} (sourced)"
                  + (f", besides {counted(demo, 'demo row')}" if demo else "") + ".")
    practices = ("No good practice is documented." if not numbers.practices else
                 f"**{counted(numbers.practices, 'good practice')}** from "
                 f"{counted(numbers.practice_regions, 'region')} {'is' if numbers.practices == 1 else 'are'} "
                 "documented (sourced).")
    sourced = numbers.sourced_transfers
    transfers = ("No transfer of a good practice between partners is recorded." if not numbers.transfers else
                 f"**{counted(numbers.transfers, 'transfer')}** of good practices between partners: {sourced:,} "
                 f"sourced, {counted(numbers.transfers - sourced, 'demo row')}.")
    return page_opening(question, [events, practices, transfers])


def counted_sentences(page: LearningPage) -> str:
    """Each indicator counted from the learning rows against what the project reported (empty: none is)."""
    return "\n\n".join(learning.count_sentence(c) for c in page.counted)


def events_table(page: LearningPage) -> ReaderTable:
    """The learning events as the page lists them: dates as precisely as known, names not ids, unknown as "–".

    >>> import clusterix_analytics as cx
    >>> table = events_table(build(cx.load(), partner="region_aura"))
    >>> table.cells[["Start", "Phase", "Type of event", "Host partner", "Country"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['2018-05-23', 'Phase 1 – interregional learning', 'Partner meeting', 'Region AURA', 'France'],
     ['–', 'not dated', 'Regional stakeholder event', 'Region AURA', 'France']]
    """
    events = page.events
    own = page.project.vocabularies
    shown = events.assign(
        phase=events["phase_id"].map(page.phase_names),
        type=[label("event_type", t, own) if isinstance(t, str) else t for t in events["event_type"]],
        host=events["host_partner_id"].map(page.partner_names),
        country=events["country_code"].map(country_name))
    return reader_table(shown, EVENT_COLUMNS, provenance_of=events)


def topics_table(page: LearningPage) -> ReaderTable:
    """How often each topic came up in learning events, one column per phase (all partners, whole project).

    >>> import clusterix_analytics as cx
    >>> table = topics_table(build(cx.load("tests/fixtures/learning_pilot")))
    >>> table.cells.set_index("Topic").loc["digitalisation"].to_dict()
    {'Learning phase': '2', 'Implementation phase': '0'}
    """
    shown = page.topics_shown
    names = page.phase_names
    columns = {**TOPIC_COLUMNS, **{phase: count(names.get(phase, phase)) for phase in shown.columns}}
    return reader_table(shown.rename_axis("topic").reset_index() if len(shown) else
                        pd.DataFrame(columns=list(TOPIC_COLUMNS)), columns, provenance_of=page.topic_events)


def topics_figure(page: LearningPage) -> go.Figure | str:
    """The topics over time as a heatmap, phases by name (all partners, whole project, like the topics table).

    >>> import clusterix_analytics as cx
    >>> topics_figure(build(cx.load("tests/fixtures/learning_pilot"))).data[0].y[:2]
    ('cluster monitoring', 'digitalisation')
    """
    if page.topic_grid.empty:
        return "No learning event of this project names its topics."
    return figures.topics_heatmap(page.topic_grid, page.phase_names, page.topic_events)


def practices_table(page: LearningPage) -> ReaderTable:
    """Good practices per owner region and theme, sourced and demo rows apart.

    >>> import clusterix_analytics as cx
    >>> table = practices_table(build(cx.load()))
    >>> table.cells.iloc[0].tolist()[::2], table.provenance_text
    (['Niederösterreich (AT12)', '1'], 'Sourced: all 19 rows behind this table are sourced facts.')
    """
    practices = page.practices
    version = page.project.nuts_version
    shown = practices.assign(region=[region_name(c, version) for c in practices["nuts_code"]])
    return reader_table(shown, PRACTICE_COLUMNS, provenance_of=page.good_practices)


def network_table(page: LearningPage) -> ReaderTable:
    """Who learned from whom: one row per transfer of a good practice, partners by name, its provenance and
    source.

    >>> import clusterix_analytics as cx
    >>> table = network_table(build(cx.load(), partner="region_aura"))
    >>> table.cells[["From (owner)", "How it was taken up", "Date", "Provenance"]].values.tolist()[-1]
    ['Region Skåne', 'Inspired', '2019-02', 'Sourced']
    >>> table.provenance_text
    'Partly demo data: 2 of 3 rows behind this table are demo data.'
    """
    network = page.network
    names = page.partner_names
    shown = network.assign(**{"from": network["from_partner_id"].map(names), "to": network["to_partner_id"].map(names),
                              "date_precision": _transfer_precision(page, network)})
    return reader_table(shown, NETWORK_COLUMNS, provenance_of=network.assign(synthetic=network["provenance"] == "demo"))


def _transfer_precision(page: LearningPage, network: pd.DataFrame) -> list:
    """How precisely each transfer's date is known, from its row of the transfers table."""
    if page.transfers.empty or network.empty:
        return [None] * len(network)
    precision = page.transfers.set_index(["good_practice_id", "adopting_partner_id"])["date_precision"]
    return [precision.get((g, t)) for g, t in zip(network["good_practice_id"], network["to_partner_id"])]


def journey_table(page: LearningPage) -> ReaderTable | None:
    """The chosen partner's chain, step by step, with each step's provenance and the domains of its sources;
    None for all partners (there is no one chain).

    >>> import clusterix_analytics as cx
    >>> table = journey_table(build(cx.load("tests/fixtures/learning_pilot"), partner="sth"))
    >>> table.cells.iloc[:4, :3].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Learning events hosted', '1 hosted', 'Sourced'], ['Good practices shared', '1 shared', 'Sourced'],
     ['Good practices taken up', '1 taken up (1 inspired)', 'Sourced'], ['Action plan', 'not known', 'not known']]
    >>> print(table.provenance_text)  # doctest: +NORMALIZE_WHITESPACE
    Sourced: all 3 rows behind this table are sourced facts. "Not known": the data cannot say; "none recorded":
    the table holds no row for it.
    """
    if page.journey is None:
        return None
    journey = page.journey.assign(sources=[_domains(s) for s in page.journey["sources"]])
    return reader_table(journey, JOURNEY_COLUMNS, provenance_of=page.journey_rows,
                        note='"Not known": the data cannot say; "none recorded": the table holds no row for it.')


def _domains(sources: str) -> str:
    """The domains of ``"; "``-separated source URLs, each once, in order (a text that is no URL as it is).

    >>> _domains("https://www.interregeurope.eu/a; https://interregeurope.eu/b; http://uefiscdi.gov.ro/x")
    'interregeurope.eu; uefiscdi.gov.ro'
    """
    parts = [p.strip() for p in str(sources or "").split(";") if p.strip()]
    return "; ".join(dict.fromkeys(domain(p) or p for p in parts))


# What the all-partners page says where a partner's chain would be, to a notebook user and to a report reader.
CHOOSE_A_PARTNER = {"lab": "Choose a partner (the partner parameter above) to follow its chain from learning events "
                           "to funds influenced.",
                    "report": "A page about one partner follows its chain from learning events to funds influenced."}


def journey_sentence(page: LearningPage, audience: str = "lab") -> str:
    """The partner's chain in one line, "not known" where a step is missing; on the all-partners page, where to
    find a partner's chain, for ``audience`` (``"lab"`` or ``"report"``, see ``lab.notebook.audience``).

    >>> import clusterix_analytics as cx
    >>> journey_sentence(build(cx.load("tests/fixtures/learning_pilot")), audience="report")
    'A page about one partner follows its chain from learning events to funds influenced.'

    >>> import clusterix_analytics as cx
    >>> print(journey_sentence(build(cx.load("tests/fixtures/learning_pilot"), partner="sth")))
    ... # doctest: +NORMALIZE_WHITESPACE
    South Test: learning events hosted: 1 hosted (sourced) → good practices shared: 1 shared (sourced) → good
    practices taken up: 1 taken up (1 inspired) (sourced) → action plan: not known → policy changes achieved:
    none recorded → funds influenced: not known.
    """
    if page.journey is None:
        return CHOOSE_A_PARTNER[audience]
    quiet = (learning.NOT_KNOWN, learning.NONE_RECORDED)
    steps = [f"{r.step}: {r.text}" + (f" ({r.provenance})" if r.provenance not in quiet else "")
             for r in page.journey.itertuples()]
    return f"{markdown_text(page.who)}: " + " → ".join(steps) + "."


def no_events_sentence(page: LearningPage) -> str:
    """What the page's event charts say when it has no learning event to draw.

    >>> import clusterix_analytics as cx
    >>> no_events_sentence(build(cx.load("tests/fixtures/nordic_pilot")))
    'No learning events are recorded for all partners over the whole project.'
    """
    return f"No learning events are recorded for {markdown_text(page.who)} over {markdown_text(page.scope)}."


def timeline_figure(page: LearningPage) -> go.Figure | str:
    """The learning events over time, by type, sized by participants, with the phases (a sentence if none).

    >>> import clusterix_analytics as cx
    >>> timeline_figure(build(cx.load("tests/fixtures/nordic_pilot")))
    'No learning events are recorded for all partners over the whole project.'
    >>> timeline_figure(build(cx.load(), partner="vlaio"))     # its one event is undated
    'The one learning event of VLAIO over the whole project has no date to place on the timeline.'
    """
    if page.events.empty:
        return no_events_sentence(page)
    fig = figures.events_timeline(page.events, page.project)
    if has_data(fig):
        return fig
    events = "The one learning event" if len(page.events) == 1 else f"None of the {len(page.events)} learning events"
    return (f"{events} of {markdown_text(page.who)} over {markdown_text(page.scope)} "
            f"{'has no date' if len(page.events) == 1 else 'has a date'} to place on the timeline.")


def timeline_chart(dataset: Dataset, partner: str = ALL, phase: str = ALL) -> go.Figure:
    """The timeline for one partner (host) and phase: the page's explorer redraws it.

    >>> import clusterix_analytics as cx
    >>> len(timeline_chart(cx.load(), partner="ecoplus").data)
    2
    """
    return timeline_figure(build(dataset, partner=partner, phase=phase))


def map_geometry(dataset: Dataset) -> geo.RegionGeometry:
    """The embedded NUTS units the events map needs: the events' regions and every unit enclosing them (an event
    whose region the geometry lacks goes to the enclosing one), and the partners' regions (what the map frames
    when no event has a region). Never every NUTS unit: a project without events loads its partners' regions.

    >>> import clusterix_analytics as cx
    >>> sorted(set(map_geometry(cx.load("tests/fixtures/learning_pilot")).regions["nuts_id"]))[:4]
    ['AT', 'AT1', 'AT13', 'AT130']
    >>> sorted(map_geometry(cx.load("tests/fixtures/nordic_pilot")).regions["nuts_id"])
    ['AT13', 'DK01', 'SE22']
    """
    events = learning.learning_events(dataset)["nuts_code"].dropna().astype(str).str.strip()
    partners = dataset.partners["nuts_code"].dropna().astype(str).str.strip()
    codes = {c[:n] for c in events if c for n in range(2, len(c) + 1)} | {c for c in partners if c}
    return geo.load_geometry(codes=sorted(codes), year=dataset.project.nuts_version)


def events_map_figure(page: LearningPage, geometry: geo.RegionGeometry) -> go.Figure | str:
    """The page's learning events at their region, sized by participants, coloured by type (names, not codes).

    >>> import clusterix_analytics as cx
    >>> ds = cx.load("tests/fixtures/learning_pilot")
    >>> fig = events_map_figure(build(ds), map_geometry(ds))
    >>> [(t.name, len(t.x)) for t in fig.data[1:]]
    [('Partner meeting', 1), ('Peer review', 1), ('Study visit', 1), ('Workshop', 1), ('Workshop (demo)', 1)]
    """
    if page.events.empty:
        return no_events_sentence(page)
    own = page.project.vocabularies
    kinds = page.events["event_type"].dropna().astype(str).unique()
    return maps.events_map(page.events, geometry, page.project,
                           type_labels={k: label("event_type", k, own) for k in kinds},
                           host_names=partner_names(page.partners))


def hosts_figure(page: LearningPage) -> go.Figure | str:
    """Who hosted what (a sentence when no event of the page names its host).

    >>> import clusterix_analytics as cx
    >>> hosts_figure(build(cx.load("tests/fixtures/nordic_pilot")))
    'No learning events are recorded for all partners over the whole project.'
    """
    if page.events.empty:
        return no_events_sentence(page)
    fig = figures.hosts_chart(page.by_host, page.partners)
    return fig if has_data(fig) else (f"No learning event of {markdown_text(page.who)} over "
                                      f"{markdown_text(page.scope)} names the partner that hosted it.")


def network_figure(page: LearningPage) -> go.Figure | str:
    """Who learned from whom, with provenance on every edge (a sentence when no transfer is recorded).

    >>> import clusterix_analytics as cx
    >>> network_figure(build(cx.load("tests/fixtures/nordic_pilot")))
    'No good-practice transfers are recorded for all partners: there is no learning network to draw.'
    """
    if page.network.empty:
        return (f"No good-practice transfers are recorded for {markdown_text(page.who)}: there is no learning "
                "network to draw.")
    return figures.network_figure(page.network, page.partners)
