"""What notebooks/04_partner_profile.ipynb states: one partner at a glance – who it is, its region, its
policy instruments and changes, its clusters, and its indicator values against the project targets.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.views import partner_profile as view
>>> page = view.build(cx.load(), partner="ecoplus")
>>> page.facts.loc["region_name", "value"]
'Niederösterreich'
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.analytics import indicators as ind
from clusterix_analytics.analytics import profile
from clusterix_analytics.analytics.learning import CountedIndicator, count_sentence, counted_all, indicator_observations
from clusterix_analytics.analytics.metrics import (
    Metric,
    funds_influenced_eur,
    instruments_improved,
    partner_scope,
    policy_changes_achieved,
)
from clusterix_analytics.analytics.policy_changes import changes_with_phase
from clusterix_analytics.data.dataset import Dataset, load
from clusterix_analytics.data.project import Project
from clusterix_analytics.data.provenance import provenance
from clusterix_analytics.figures.indicators import policy_change_timeline
from clusterix_analytics.figures.maps import prepare_locators
from clusterix_analytics.figures.profile import share_of_targets_figure
from clusterix_analytics.figures.theme import has_data, source_note
from clusterix_analytics.geo.geometry import RegionGeometry
from clusterix_analytics.text import markdown_text
from clusterix_analytics.views import partner_regions, policy_learning
from clusterix_analytics.views.names import country_name
from clusterix_analytics.views.opening import improved_line, page_opening, where_from
from clusterix_analytics.views.tables import (
    ReaderTable,
    count,
    date,
    eur,
    humanise,
    link,
    number,
    reader_table,
    share,
    text,
    words,
    yes_no,
)

# The columns of each table the page shows, with their labels and formats.
FACT_COLUMNS = {"label": "About the partner", "value": link("", wrap=True)}
INSTRUMENT_COLUMNS = {"name": text("Policy instrument", wrap=True), "instrument_type": words("Type"),
                      "managing_authority": text("Managing authority", wrap=True),
                      "addressed": yes_no("Addressed by the project"), "source": link("Source")}
CHANGE_COLUMNS = {"date": date("Date", precision="date_precision"), "change_type": words("Type of change"),
                  "status": words("Status"), "funds_influenced_eur": eur("Funds influenced"),
                  "instrument": text("Policy instrument", wrap=True), "description": text("What changed", wrap=True),
                  "synthetic": yes_no("Demo data")}
CLUSTER_COLUMNS = {"name": text("Phase", wrap=True), "clusters": count("Clusters"),
                   "clusters_with_members": count("Clusters with a member count"),
                   "members_total": count("Members (where known)"), "synthetic_rows": count("Demo rows")}
TARGET_COLUMNS = {"name": text("Indicator", wrap=True), "unit": "Unit", "target": number("Project target"),
                  "value": number("Partner's value"), "all_partners": number("All partners"),
                  "all_partners_rule": text("How partner values combine", wrap=True),
                  "share_of_target": share("Share of the target"), "share_of_partners": share("Share of all partners"),
                  "observations": count("Observations"), "synthetic_observations": count("Demo observations")}
# Fields whose value is a code, shown as words; the country code is shown by name.
FACTS_AS_WORDS = ("role", "partner_type")


def check_parameters(dataset: Dataset, partner: str | None = None, **_ignored) -> list[str]:
    """Problems with the profile notebook's parameters (empty list = OK).

    >>> import clusterix_analytics as cx
    >>> check_parameters(cx.load(), partner="xyz")[0][:40]
    "unknown partner 'xyz'; valid: ecoplus, v"
    """
    valid = dataset.partners["partner_id"].astype(str).tolist()
    if not valid:
        return ["the project has no partners (partners.csv is empty): there is no one to profile"]
    if partner is None or str(partner).strip() == "":
        return []   # the project's first partner
    if partner not in valid:
        return [f"unknown partner '{partner}'; valid: {', '.join(valid)}"]
    return []


def validate_parameters(dataset: Dataset, **params) -> None:
    """Raise ValueError naming every problem :func:`check_parameters` finds.

    >>> import clusterix_analytics as cx
    >>> validate_parameters(cx.load(), partner="ecoplu")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown partner 'ecoplu'; valid: ecoplus, vlaio, ...
    """
    problems = check_parameters(dataset, **params)
    if problems:
        raise ValueError("; ".join(problems))


@dataclass
class ProfilePage:
    """The tables of one partner's profile."""

    project: Project
    partner: str
    partners: pd.DataFrame           # every partner (the timeline keeps the project's order)
    partner_row: pd.DataFrame        # the partner's row of partners
    facts: pd.DataFrame              # profile.partner_facts: label and value per field
    instruments: pd.DataFrame        # profile.partner_instruments
    changes: pd.DataFrame            # profile.partner_policy_changes (as the page lists them)
    change_rows: pd.DataFrame        # the partner's policy_changes rows (what its metrics count)
    timeline_changes: pd.DataFrame   # the partner's changes with phase and months from the start
    clusters: pd.DataFrame           # the partner's cluster rows
    clusters_by_phase: pd.DataFrame  # profile.partner_clusters_by_phase
    observations: pd.DataFrame       # the partner's observation rows
    versus_targets: pd.DataFrame     # profile.observations_vs_targets
    counted: list[CountedIndicator] = field(default_factory=list)  # learning.counted_all, for the partner
    learning: policy_learning.LearningPage | None = None  # the partner's policy-learning page (its chain)

    @property
    def frames_used(self) -> tuple[pd.DataFrame, ...]:
        """The rows the profile draws on (for the demo-data notice)."""
        return self.partner_row, self.instruments, self.changes, self.clusters, self.observations

    @property
    def facts_shown(self) -> pd.DataFrame:
        """The partner's facts as the page lists them (index label): codes as words, the country by name."""
        values = self.facts["value"].astype(object).copy()
        for fact in FACTS_AS_WORDS:
            if fact in values.index:
                values[fact] = humanise(values[fact])
        if "country_code" in values.index:
            values["country_code"] = country_name(values["country_code"])
        return self.facts.assign(value=values).set_index("label")[["value"]]


def build(dataset: Dataset, partner: str | None = None) -> ProfilePage:
    """The profile's tables, refusing an unknown partner first (None: the project's first partner).

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load(), partner="inma")
    >>> len(page.changes), page.facts_shown.loc["NUTS region", "value"]
    (4, 'RO32')
    """
    validate_parameters(dataset, partner=partner)
    if partner is None or not str(partner).strip():
        partner = str(dataset.partners["partner_id"].iloc[0])
    clusters = dataset.clusters
    observations = indicator_observations(dataset)  # indicators counted from learning tables: from their rows
    return ProfilePage(
        project=dataset.project, partner=partner, partners=dataset.partners,
        partner_row=dataset.partners[dataset.partners["partner_id"] == partner],
        facts=profile.partner_facts(dataset.partners, partner),
        instruments=profile.partner_instruments(dataset.policy_instruments, partner),
        changes=profile.partner_policy_changes(dataset.policy_changes, dataset.policy_instruments, partner),
        change_rows=dataset.policy_changes[dataset.policy_changes["partner_id"] == partner],
        timeline_changes=ind.select(changes_with_phase(dataset.policy_changes, dataset.project), partner=partner),
        clusters=clusters[clusters["partner_id"] == partner],
        clusters_by_phase=profile.partner_clusters_by_phase(clusters, dataset.project.phases_frame(), partner),
        observations=profile.partner_rows(observations, partner),
        versus_targets=profile.observations_vs_targets(observations, dataset.indicators, partner),
        counted=counted_all(dataset, partner),
        learning=policy_learning.build(dataset, partner=partner),
    )


def prepare(project_dir: str) -> None:
    """Build a project's first profile and its locator map once in this process: what every profile
    computes alike (all partners' values, :func:`~clusterix_analytics.analytics.profile.partner_values`; each
    partner's rows; the map's regions, simplified for locators) is then remembered for the kernels forked
    from it (the report runner's fork server calls this after loading a snapshot's project).

    >>> prepare("tests/fixtures/nordic_pilot")
    """
    dataset = load(project_dir)
    if len(dataset.partners):
        page, geometry = build(dataset), map_geometry(dataset)
        prepare_locators(geometry)
        locator_map(dataset, geometry, highlight=page.partner).to_json()   # and what a first figure imports


def headlines(page: ProfilePage) -> dict[str, int | float]:
    """The numbers the profile records: policy changes, achieved ones, funds influenced, indicators observed.

    >>> import clusterix_analytics as cx
    >>> headlines(build(cx.load(), partner="inma"))
    {'policy_changes': 4, 'policy_changes_achieved': 4, 'funds_influenced_eur': 8400000.0, 'indicators_observed': 9}
    """
    return profile.profile_headlines(page.change_rows, page.versus_targets)


def metrics(page: ProfilePage) -> list[Metric]:
    """The quantities the profile states, each as on the all-partner pages but for this partner.

    >>> import clusterix_analytics as cx
    >>> [m.text() for m in metrics(build(cx.load(), partner="inma"))]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['4 changes (partly demo data)', '2 instruments (partly demo data)', '8,400,000 EUR', '2 events',
     '2 good practices', '0 action plans']
    """
    scope = partner_scope(page.partner)
    return [policy_changes_achieved(page.change_rows, scope), instruments_improved(page.change_rows, scope),
            funds_influenced_eur(page.change_rows, scope)] + [c.documented for c in page.counted]


def opening(page: ProfilePage) -> str:
    """The page's question and its answer: who the partner is, the instruments it improved, the funds.

    >>> import clusterix_analytics as cx
    >>> print(opening(build(cx.load(), partner="inma")))  # doctest: +NORMALIZE_WHITESPACE
    **Who is INMA, which of its policy instruments changed, and with how much money?**
    <BLANKLINE>
    - A partner representing București-Ilfov (RO32) (sourced).
    - **2 policy instruments improved** through 4 achieved changes (partly demo data).
    - **8,400,000 EUR** of funds influenced by these changes (sourced).
    """
    facts = page.facts
    name = markdown_text(page.partner_row["short_name"].iloc[0])
    role = "The lead partner" if facts.at["role", "value"] == "lead_partner" else "A partner"
    changes, instruments, funds = metrics(page)[:3]
    return page_opening(
        f"Who is {name}, which of its policy instruments changed, and with how much money?",
        [f"{role} representing {markdown_text(facts.at['region_name', 'value'])} "
         f"({markdown_text(facts.at['nuts_code', 'value'])})" + where_from(provenance(page.partner_row)) + ".",
         improved_line(instruments, changes),
         f"**{funds.value:,.0f} EUR** of funds influenced by these changes" + where_from(funds.provenance) + "."
         if funds.value is not None else "The funds these changes influenced are not known."])


def partner_sentence(page: ProfilePage) -> str:
    """Who the partner is: organisation, role and region (escaped: the names come from the data).

    >>> import clusterix_analytics as cx
    >>> print(partner_sentence(build(cx.load(), partner="ecoplus")))  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    **ecoplus. The Business Agency of Lower Austria** is a lead partner of CLUSTERIX 2.0 – ..., representing
    Niederösterreich (AT12).
    """
    facts = page.facts
    name = markdown_text(facts.at["organisation", "value"])
    region = markdown_text(facts.at["region_name", "value"])
    role = "lead partner" if facts.at["role", "value"] == "lead_partner" else "partner"
    return (f"**{name}** is a {role} of {markdown_text(page.project.name)}, representing "
            f"{region} ({markdown_text(facts.at['nuts_code', 'value'])}).")


def facts_table(page: ProfilePage) -> ReaderTable:
    """Who the partner is, field by field (its source as a link).

    >>> import clusterix_analytics as cx
    >>> facts_table(build(cx.load(), partner="inma")).cells.set_index("About the partner").loc["Country"].tolist()
    ['Romania']
    """
    return reader_table(page.facts_shown, FACT_COLUMNS, provenance_of=page.partner_row)


def map_geometry(dataset: Dataset) -> RegionGeometry:
    """The embedded region polygons of the partners (the locator map needs no network).

    >>> import clusterix_analytics as cx
    >>> map_geometry(cx.load()).source
    'embedded'
    """
    return partner_regions.map_geometry(dataset, "embedded")


def locator_map(dataset: Dataset, geometry: RegionGeometry, highlight: str) -> go.Figure:
    """The partner's region outlined among the partner regions, framed close around it (and its explorer).

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> locator_map(ds, map_geometry(ds), highlight="vlaio").data[-1].name
    'highlight: VLAIO'
    """
    return partner_regions.regions_map(dataset, geometry, color_by="partner_type", highlight=highlight,
                                       zoom_to_highlight=True)


def instruments_sentence(page: ProfilePage) -> str:
    """How many policy instruments the data holds for the partner, and how many its project work addressed.

    >>> import clusterix_analytics as cx
    >>> instruments_sentence(build(cx.load(), partner="inma"))
    '3 policy instruments of this partner in the data; 1 named by a source as addressed by its project work.'
    """
    instruments = page.instruments
    addressed = int(instruments["addressed"].sum())
    return (f"{len(instruments)} policy instrument{'s' if len(instruments) != 1 else ''} of this partner "
            f"in the data; {addressed} named by a source as addressed by its project work.")


def instruments_table(page: ProfilePage) -> ReaderTable:
    """The partner's policy instruments, those its project work addressed first.

    >>> import clusterix_analytics as cx
    >>> instruments_table(build(cx.load(), partner="inma")).cells.iloc[0][["Type", "Addressed by the project"]].tolist()
    ['National', 'yes']
    """
    return reader_table(page.instruments, INSTRUMENT_COLUMNS, provenance_of=page.instruments)


def changes_sentence(page: ProfilePage) -> str:
    """How many policy changes, how many achieved, the funds they influenced and how many rows are demo data.

    >>> import clusterix_analytics as cx
    >>> changes_sentence(build(cx.load(), partner="inma"))
    '4 policy changes recorded, 4 achieved; funds influenced: EUR 8,400,000 (2 of the 4 rows are demo data).'
    """
    numbers = headlines(page)
    changes = page.changes
    synthetic = int(changes["synthetic"].sum())
    funds = funds_influenced_eur(page.change_rows)
    return (f"{len(changes)} policy change{'s' if len(changes) != 1 else ''} recorded, "
            f"{numbers['policy_changes_achieved']} achieved; "
            f"funds influenced: {'EUR ' + format(funds.value, ',.0f') if funds.value is not None else 'not known'} "
            f"({synthetic} of the {len(changes)} rows are demo data).")


def changes_table(page: ProfilePage) -> ReaderTable:
    """The partner's policy changes, dates as precisely as they are known, unknown funds as "–".

    >>> import clusterix_analytics as cx
    >>> table = changes_table(build(cx.load(), partner="inma"))
    >>> table.cells[["Date", "Funds influenced (EUR)", "Demo data"]].values.tolist()[:3]
    [['2017-11', '8,400,000', 'no'], ['2018', '898,097', 'no'], ['2020-09-04', '–', 'yes']]
    >>> table.provenance_text
    'Partly demo data: 2 of 4 rows behind this table are demo data.'
    """
    precision = page.change_rows.set_index("change_id")["date_precision"]
    changes = page.changes.assign(date_precision=page.changes["change_id"].map(precision))
    return reader_table(changes, CHANGE_COLUMNS, provenance_of=page.changes)


def timeline_figure(page: ProfilePage) -> go.Figure | str:
    """The partner's policy changes on the project's timeline (a sentence when it has none).

    >>> import clusterix_analytics as cx
    >>> timeline_figure(build(cx.load(), partner="inma")).layout.title.text
    'Policy changes over time, by partner and type of change'
    """
    if not len(page.timeline_changes):
        return f"No policy changes of {page.facts.at['short_name', 'value']} are recorded."
    return policy_change_timeline(page.timeline_changes, page.partners, page.project)


def clusters_table(page: ProfilePage) -> ReaderTable:
    """The partner's clusters per phase, their members where known, and how many rows are demo data.

    >>> import clusterix_analytics as cx
    >>> clusters_table(build(cx.load(), partner="inma")).cells["Phase"].tolist()[:2]
    ['Phase 1 – interregional learning', 'Phase 2 – action plan implementation']
    """
    return reader_table(page.clusters_by_phase, CLUSTER_COLUMNS, provenance_of=page.clusters)


def targets_figure(page: ProfilePage) -> go.Figure | str:
    """The partner's value of each indicator as a share of the project target (a sentence when there is none).

    >>> import clusterix_analytics as cx
    >>> targets_figure(build(cx.load(), partner="inma")).layout.title.text[:49]
    'INMA: contribution to each project target (% of t'
    """
    name = str(page.facts.at["short_name", "value"])
    fig = share_of_targets_figure(page.versus_targets, partner_label=name, note=source_note(page.observations))
    return fig if has_data(fig) else (f"{name} has no value of an indicator with a project target, so no share of "
                                      "a target to draw.")


def counted_sentences(page: ProfilePage) -> str:
    """What the partner's learning rows document, for each indicator counted from them (empty: none is).

    >>> import clusterix_analytics as cx
    >>> print(counted_sentences(build(cx.load(), partner="inma")).splitlines()[0])  # doctest: +ELLIPSIS
    **Policy learning events organised**: events documented in the events table for this partner: 2 (sourced). ...
    """
    return "\n\n".join(count_sentence(c) for c in page.counted)


def targets_table(page: ProfilePage) -> ReaderTable:
    """The partner's indicator values against the project targets and against all partners.

    >>> import clusterix_analytics as cx
    >>> table = targets_table(build(cx.load(), partner="inma"))
    >>> table.cells.iloc[0][["Project target", "Share of the target"]].tolist()
    ['32', '3%']
    """
    return reader_table(page.versus_targets, TARGET_COLUMNS, provenance_of=page.observations)


def learning_chain_sentence(page: ProfilePage) -> str:
    """The partner's chain from learning events to funds influenced, in one line.

    >>> import clusterix_analytics as cx
    >>> learning_chain_sentence(build(cx.load(), partner="inma"))[:48]
    'INMA: learning events hosted: 2 hosted (sourced)'
    """
    return policy_learning.journey_sentence(page.learning)


def learning_chain_table(page: ProfilePage) -> ReaderTable:
    """The partner's chain step by step, each step with its provenance and the domains of its sources (the same
    table as on the policy-learning page for this partner).

    >>> import clusterix_analytics as cx
    >>> table = learning_chain_table(build(cx.load(), partner="region_aura"))
    >>> table.cells[["Step", "Provenance"]].values.tolist()[2:4]
    [['Good practices taken up', 'Mixed'], ['Action plan', 'Sourced']]
    """
    return policy_learning.journey_table(page.learning)
