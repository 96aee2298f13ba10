"""What notebooks/00_project_overview.ipynb states: who took part, when the project ran, and what it
reported against its programme targets.

The page has no parameter besides the project folder (which :func:`clusterix_analytics.load` checks), so
there is no ``check_parameters`` here.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.views import project_overview as view
>>> page = view.build(cx.load())
>>> view.headlines(page)["countries"]
9
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.analytics import overview
from clusterix_analytics.analytics.learning import CountedIndicator, count_sentence, counted_all
from clusterix_analytics.analytics.metrics import Metric, reported_total, target
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.project import Project
from clusterix_analytics.data.provenance import provenance
from clusterix_analytics.data.tables import PROJECT_WIDE
from clusterix_analytics.figures import overview as overview_figures
from clusterix_analytics.figures.theme import has_data
from clusterix_analytics.text import markdown_join, markdown_text
from clusterix_analytics.views.names import country_name
from clusterix_analytics.views.opening import counted, page_opening, where_from
from clusterix_analytics.views.tables import (
    ReaderTable,
    count,
    date,
    link,
    number,
    percent,
    reader_table,
    share,
    text,
    words,
)

# The columns of each table the page shows, with their labels and formats.
DEMO_ROWS_COLUMNS = {"table": words("Table"), "rows": count("Rows"), "synthetic_rows": count("Demo rows"),
                     "synthetic_share": share("Demo share")}
PARTNER_COLUMNS = {"short_name": "Partner", "organisation": text("Organisation", wrap=True), "country": "Country",
                   "region_name": "Region", "nuts_code": "NUTS region", "partner_type": words("Type of organisation"),
                   "role": words("Role"), "source": link("Source")}
PHASE_COLUMNS = {"name": text("Phase", wrap=True), "start": date("Start"), "end": date("End"),
                 "dates": words("Dates"), "note": text("Note", wrap=True)}
INDICATOR_COLUMNS = {"name": text("Indicator", wrap=True), "unit": "Unit", "target": number("Target"),
                     "achieved": number("Achieved"), "as_of": date("As of"),
                     "achievement_pct": percent("Achieved (% of target)"), "achieved_source": link("Source")}


@dataclass
class OverviewPage:
    """The tables of the project-overview page."""

    project: Project
    partners: pd.DataFrame           # overview.partners_table, lead partner first, index partner_id
    indicators: pd.DataFrame         # overview.headline_indicators: one row per programme indicator
    synthetic_share: float           # demo rows in the whole project folder (0..1)
    synthetic_summary: pd.DataFrame  # demo rows per table, index table
    frames_used: tuple[pd.DataFrame, ...]  # the rows the page draws on (for the demo-data notice)
    counted: list[CountedIndicator] = field(default_factory=list)  # learning.counted_all
    all_tables: tuple[pd.DataFrame, ...] = ()  # every table of the project folder (behind the demo rows per table)

    @property
    def phases(self) -> pd.DataFrame:
        """The phases of project.yaml, in its order."""
        return self.project.phases_frame()

    @property
    def reported(self) -> pd.DataFrame:
        """The indicators with a sourced achieved value."""
        return self.indicators.dropna(subset=["achieved"])


def build(dataset: Dataset) -> OverviewPage:
    """The page's tables.

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load())
    >>> page.partners.index[0], len(page.indicators), len(page.frames_used[2])
    ('ecoplus', 9, 4)
    """
    observations = dataset.observations
    return OverviewPage(
        project=dataset.project,
        partners=overview.partners_table(dataset).set_index("partner_id"),
        indicators=overview.headline_indicators(dataset),
        synthetic_share=dataset.synthetic_share(),
        synthetic_summary=dataset.synthetic_summary().set_index("table"),
        frames_used=(dataset.partners, dataset.indicators, observations[observations.partner_id == PROJECT_WIDE]),
        counted=counted_all(dataset),
        all_tables=tuple(dataset.tables.values()),
    )


def headlines(page: OverviewPage) -> dict[str, int | float]:
    """The numbers the page records: partners, countries, and each sourced achieved value.

    >>> import clusterix_analytics as cx
    >>> headlines(build(cx.load()))  # doctest: +NORMALIZE_WHITESPACE
    {'partners': 10, 'countries': 9, 'achieved_learning_events': 117.0,
     'achieved_people_increased_capacity': 60.0, 'achieved_funds_influenced_eur': 13000000.0,
     'achieved_cross_cluster_projects': 70.0}
    """
    numbers = {"partners": len(page.partners), "countries": int(page.partners["country_code"].nunique())}
    for row in page.reported.itertuples():
        numbers[f"achieved_{row.indicator_id}"] = float(row.achieved)
    return numbers


def metrics(page: OverviewPage, dataset: Dataset) -> list[Metric]:
    """The quantities the page states: partners, countries, each reported total and each target.

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> [m.key for m in metrics(build(ds), ds)][:4]
    ['partners', 'countries', 'learning_events_reported', 'learning_events_target']
    """
    where = provenance(dataset.partners)
    found = [Metric("partners", "Partners", len(page.partners), "partners", where),
             Metric("countries", "Countries of the partners", int(page.partners["country_code"].nunique()),
                    "countries", where)]
    for indicator_id in page.indicators["indicator_id"]:
        reported = reported_total(dataset.observations, dataset.indicators, indicator_id)
        if reported.value is not None:
            found.append(reported)
        found.append(target(dataset.indicators, indicator_id))
    return found + [c.documented for c in page.counted]


def demo_rows_sentence(page: OverviewPage) -> str:
    """The sentence above the table of demo rows per table.

    >>> import clusterix_analytics as cx
    >>> demo_rows_sentence(build(cx.load()))
    'The project folder as a whole holds 83% demo rows; per table:'
    """
    return f"The project folder as a whole holds {page.synthetic_share:.0%} demo rows; per table:"


def demo_rows_table(page: OverviewPage) -> ReaderTable:
    """Rows and demo rows per table of the project folder.

    >>> import clusterix_analytics as cx
    >>> table = demo_rows_table(build(cx.load()))
    >>> table.cells.iloc[-1].tolist(), table.provenance
    (['Action plans', '10', '8', '80%'], 'mixed')
    """
    return reader_table(page.synthetic_summary, DEMO_ROWS_COLUMNS, provenance_of=page.all_tables)


def partners_table(page: OverviewPage) -> ReaderTable:
    """The partners, lead partner first: names, country, region, type, role and source.

    >>> import clusterix_analytics as cx
    >>> table = partners_table(build(cx.load()))
    >>> table.cells.iloc[0][["Partner", "Country", "Role", "Source"]].tolist()
    ['ecoplus', 'Austria', 'Lead partner', 'westpannon.hu']
    """
    partners = page.partners.assign(country=page.partners["country_code"].map(country_name))
    return reader_table(partners, PARTNER_COLUMNS, provenance_of=page.partners)


def phases_table(page: OverviewPage) -> ReaderTable:
    """The phases with their dates (and whether a source states them or they are assumed).

    >>> import clusterix_analytics as cx
    >>> table = phases_table(build(cx.load()))
    >>> table.cells.iloc[0][["Start", "End", "Dates"]].tolist()
    ['2016-04-01', '2019-03-31', 'Assumed']
    >>> print(table.provenance_text)  # doctest: +NORMALIZE_WHITESPACE
    Sourced: all 3 rows behind this table are sourced facts. Dates marked “Assumed” are the project's
    assumption: no source states them.
    """
    assumed = page.phases["dates"].eq("assumed").any()
    return reader_table(page.phases, PHASE_COLUMNS, provenance_of=page.phases,
                        note="Dates marked “Assumed” are the project's assumption: no source states them."
                        if assumed else None)


def indicators_table(page: OverviewPage) -> ReaderTable:
    """The programme indicators: target, the sourced achieved value, as of when, % of target, its source.

    >>> import clusterix_analytics as cx
    >>> table = indicators_table(build(cx.load()))
    >>> table.cells.iloc[0][["Target", "Achieved", "As of", "Achieved (% of target)"]].tolist()
    ['32', '117', '2021-03-31', '366%']
    """
    return reader_table(page.indicators, INDICATOR_COLUMNS, provenance_of=page.frames_used[1:])


def project_summary(page: OverviewPage) -> str:
    """The project in a heading and two lines: programme, dates, phases, reporting, partners, lead.

    >>> import clusterix_analytics as cx
    >>> print(project_summary(build(cx.load())))  # doctest: +ELLIPSIS
    ## CLUSTERIX 2.0 – ...
    <BLANKLINE>
    Interreg Europe... **10 partners** from **9 countries**, led by ecoplus...
    """
    project = page.project
    numbers = headlines(page)
    lead = _lead(page)
    return (f"## {markdown_text(project.name)}\n\n"
            f"{markdown_text(project.programme)}. Official duration {project.start:%d %B %Y} – {project.end:%d %B %Y} "
            f"({project.dates}); {len(project.phases)} phases, reporting every {project.reporting_period_months} "
            f"months. **{numbers['partners']} partners** from **{numbers['countries']} countries**, led by "
            f"{lead or 'an unnamed lead'}.")


def _lead(page: OverviewPage) -> str:
    """The lead partner's organisation (escaped), empty when no partner has the lead role."""
    partners = page.partners
    return markdown_join(partners.loc[partners.role == "lead_partner", "organisation"])


QUESTION = "Who took part, when did the project run, and what did it achieve against its targets?"


def opening(page: OverviewPage) -> str:
    """The page's question and its answer in three lines: partners, dates, indicators reached.

    >>> import clusterix_analytics as cx
    >>> print(opening(build(cx.load())))  # doctest: +NORMALIZE_WHITESPACE
    **Who took part, when did the project run, and what did it achieve against its targets?**
    <BLANKLINE>
    - **10 partners** from **9 countries**, led by ecoplus. The Business Agency of Lower Austria (sourced).
    - It ran from 01 April 2016 to 31 March 2021, in 3 phases (dates sourced).
    - 4 of 9 indicators have a sourced achieved value; 2 of the 2 with a target reached it.
    """
    project, numbers = page.project, headlines(page)
    lead = _lead(page)
    who = (f"**{counted(numbers['partners'], 'partner')}** from "
           f"**{counted(numbers['countries'], 'country', 'countries')}**" + (f", led by {lead}" if lead else "")
           + where_from(provenance(page.partners)) + ".")
    when = (f"It ran from {project.start:%d %B %Y} to {project.end:%d %B %Y}, in "
            f"{counted(len(project.phases), 'phase')} (dates {project.dates}).")
    reported = page.reported
    with_target = reported.dropna(subset=["achievement_pct"])
    reached = int((with_target["achievement_pct"] >= 100).sum())
    if reported.empty:
        achieved = f"No indicator ({len(page.indicators)} in all) has a sourced achieved value yet."
    elif with_target.empty:
        achieved = (f"{len(reported)} of {counted(len(page.indicators), 'indicator')} have a sourced achieved value; "
                    "none of them has a target to compare it with.")
    else:
        achieved = (f"{len(reported)} of {counted(len(page.indicators), 'indicator')} "
                    f"{'has' if len(reported) == 1 else 'have'} a sourced achieved value; {reached} of the "
                    f"{len(with_target)} with a target reached it.")
    return page_opening(QUESTION, [who, when, achieved])


def indicators_summary(page: OverviewPage) -> str:
    """The sourced achieved value of each indicator against its target, then what the learning rows document.

    >>> import clusterix_analytics as cx
    >>> print(indicators_summary(build(cx.load())))  # doctest: +ELLIPSIS
    4 of 9 indicators have a sourced achieved value:
    <BLANKLINE>
    - **Policy learning events organised**: 117 events against a target of 32 (366%)
    - **People with increased professional capacity**: 60 people against a target of 50 (120%)
    - **Funds leveraged into funding innovation (structural funds influenced)**: 13,000,000 EUR (no target)
    - **New multilateral cluster and cross-cluster projects**: 70 projects (no target)
    <BLANKLINE>
    **Policy learning events organised**: 23 of the 117 events the project reported are documented in the ...
    <BLANKLINE>
    **Good practices identified, analysed and shared**: good practices documented in the good practices table: 19 ...
    <BLANKLINE>
    **Action plans developed and implemented**: action plans documented in the action plans table: 2 ...
    """
    lines = [f"- **{markdown_text(r.name)}**: {r.achieved:,.0f} {markdown_text(r.unit)}"
             + (f" against a target of {r.target:,.0f} ({r.achievement_pct:.0f}%)"
                if pd.notna(r.achievement_pct) else " (no target)") for r in page.reported.itertuples()]
    counted = "".join(f"\n\n{count_sentence(c)}" for c in page.counted)
    if not lines:
        return f"None of the {len(page.indicators)} indicators has a sourced achieved value yet." + counted
    return (f"{len(page.reported)} of {len(page.indicators)} indicators have a sourced achieved value:\n\n"
            + "\n".join(lines) + counted)


def phases_figure(page: OverviewPage) -> go.Figure:
    """The phases and reporting periods on a timeline.

    >>> import clusterix_analytics as cx
    >>> phases_figure(build(cx.load())).layout.title.text
    'Project phases and reporting periods'
    """
    return overview_figures.phases_timeline(page.project)


def indicators_figure(page: OverviewPage) -> go.Figure | str:
    """Achieved as % of target, for the indicators that have both (a sentence when none has).

    >>> import clusterix_analytics as cx
    >>> len(indicators_figure(build(cx.load())).data[0].y)
    2
    """
    fig = overview_figures.headline_indicators_chart(page.indicators)
    return fig if has_data(fig) else "No indicator has both a target and a sourced achieved value to chart."
