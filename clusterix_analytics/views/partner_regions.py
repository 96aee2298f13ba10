"""What notebooks/01_partner_regions.ipynb states: where the partners are and which regions' clusters
worked together.

The parameter check, the tables the page shows, the numbers it records, its sentences, and the maps
(built from the tables, for the page and for the JupyterLab explorers).

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.views import partner_regions as view
>>> ds = cx.load()
>>> page = view.build(ds)
>>> geometry = view.map_geometry(ds)
>>> view.headlines(page, geometry)["partners_mapped"]
10
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.analytics import regions
from clusterix_analytics.analytics.links import interregional_links, links_by_phase
from clusterix_analytics.analytics.metrics import JointProjects, Metric, joint_projects, joint_projects_sentence
from clusterix_analytics.analytics.regions import colour_choices, colour_options  # noqa: F401 - choices: notebook 01
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.provenance import PROVENANCE_WORDS, provenance
from clusterix_analytics.figures import maps
from clusterix_analytics.geo import geometry as geo
from clusterix_analytics.text import markdown_join, markdown_text
from clusterix_analytics.views.opening import counted, page_opening, where_from
from clusterix_analytics.views.tables import ReaderTable, count, eur, reader_table, text, words

# The columns of each table the page shows, with their labels and formats.
PARTNER_COLUMNS = {"short_name": "Partner", "region_name": "Region", "nuts_code": "NUTS region",
                   "partner_type": words("Type of organisation"),
                   "instruments_addressed": text("Policy instruments addressed", wrap=True),
                   "policy_changes": count("Policy changes"), "funds_influenced_eur": eur("Funds influenced"),
                   "clusters": count("Clusters"), "interregional_projects": count("Joint projects with other regions")}
LINKS_BY_PHASE_COLUMNS = {"phase": text("Phase", wrap=True), "region_pairs": count("Pairs of regions"),
                          "links": count("Cluster links"), "projects": count("Joint projects")}
# The table each colouring of the map draws on, for the source / demo-data footnote (besides partners).
COLOUR_SOURCES = {"phase": "policy_changes", "policy_changes": "policy_changes",
                  "funds_influenced_eur": "policy_changes", "clusters": "clusters",
                  "interregional_projects": "cluster_links",
                  # the footnote has always counted policy_changes here (not policy_instruments)
                  "policy_instruments": "policy_changes"}


def check_parameters(dataset: Dataset, color_by: str | None = None, highlight_partner: str | None = None,
                     geometry_source: str = "embedded", phase: str | None = None) -> list[str]:
    """Problems with the map notebook's parameters (empty list = OK); each message lists the valid values.

    >>> import clusterix_analytics as cx
    >>> check_parameters(cx.load(), color_by="colour", highlight_partner="xyz")  # doctest: +NORMALIZE_WHITESPACE
    ["unknown color_by 'colour'; valid: none, partner_type, phase, policy_changes, funds_influenced_eur,
      clusters, interregional_projects, policy_instruments",
     "unknown partner 'xyz'; valid: none, adr_nord_est, ecoplus, idm, inma, rda_ostrava, region_aura,
      region_skane, region_syddanmark, vlaio, westpannon"]
    """
    problems = []
    options = colour_options()
    if color_by not in (None, *options):
        problems.append(f"unknown color_by {color_by!r}; valid: {', '.join(options)}")
    partners = sorted(dataset.partners["partner_id"])
    if highlight_partner not in (None, "none", *partners):
        problems.append(f"unknown partner {highlight_partner!r}; valid: none, {', '.join(partners)}")
    if geometry_source not in regions.GEOMETRY_SOURCES:
        problems.append(f"unknown geometry_source {geometry_source!r}; valid: "
                        f"{', '.join(regions.GEOMETRY_SOURCES)}")
    phases = list(dataset.project.phase_ids)
    if phase not in (None, "all", *phases):
        problems.append(f"unknown phase {phase!r}; valid: all, {', '.join(phases)}")
    return problems


def validate_parameters(dataset: Dataset, **params) -> None:
    """Raise ValueError naming every problem :func:`check_parameters` finds (the notebook stops there).

    >>> import clusterix_analytics as cx
    >>> validate_parameters(cx.load(), geometry_source="osm")
    Traceback (most recent call last):
    ...
    ValueError: unknown geometry_source 'osm'; valid: embedded, gisco
    """
    problems = check_parameters(dataset, **params)
    if problems:
        raise ValueError("; ".join(problems))


@dataclass
class RegionsPage:
    """The tables of the partner-regions page."""

    partners: pd.DataFrame          # regions.partner_regions: one row per partner, index partner_id
    countries: int                  # distinct countries of the partners
    links: pd.DataFrame             # interregional_links over all phases, busiest pair first
    links_by_phase: pd.DataFrame    # per phase: pairs of regions, cluster links, joint projects
    joint_projects: JointProjects   # the project's reported total and the links' breakdown, reconciled
    frames_used: tuple[pd.DataFrame, ...]  # the raw rows behind the page (for the demo-data notice)

    @property
    def cluster_links(self) -> pd.DataFrame:
        """The cluster-link rows behind the links tables and map (the last of ``frames_used``)."""
        return self.frames_used[-1]


def build(dataset: Dataset) -> RegionsPage:
    """The page's tables (parameters checked first with :func:`validate_parameters`).

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load())
    >>> len(page.partners), page.countries, len(page.cluster_links)
    (10, 9, 79)
    """
    return RegionsPage(
        partners=regions.partner_regions(dataset),
        countries=int(dataset.partners["country_code"].nunique()),
        links=interregional_links(dataset),
        links_by_phase=links_by_phase(dataset),
        joint_projects=joint_projects(dataset, dataset.project.demo_options.get("link_projects_indicator")),
        frames_used=(dataset.partners, dataset.policy_instruments, dataset.policy_changes, dataset.clusters,
                     dataset.cluster_links),
    )


def partners_table(page: RegionsPage) -> ReaderTable:
    """The partners with their region, type, instruments addressed and the numbers the map can be coloured by.

    >>> import clusterix_analytics as cx
    >>> table = partners_table(build(cx.load()))
    >>> table.cells.iloc[0][["Partner", "Type of organisation", "Funds influenced (EUR)"]].tolist()
    ['ecoplus', 'Business agency', '478,619']
    """
    return reader_table(page.partners, PARTNER_COLUMNS, provenance_of=page.frames_used)


def links_by_phase_table(page: RegionsPage) -> ReaderTable:
    """Per phase: the pairs of regions whose clusters ran joint projects, the links and the projects.

    >>> import clusterix_analytics as cx
    >>> print(links_by_phase_table(build(cx.load())))  # doctest: +NORMALIZE_WHITESPACE
    Phase                                                 Pairs of regions  Cluster links  Joint projects
    Phase 1 – interregional learning                      12                16             27
    Phase 2 – action plan implementation                  13                20             37
    Additional activities – COVID-19 recovery (5th call)  20                34             52
    Demo data: all 79 rows behind this table are synthetic demo values, not real figures.
    """
    return reader_table(page.links_by_phase, LINKS_BY_PHASE_COLUMNS, provenance_of=page.cluster_links)


def map_geometry(dataset: Dataset, geometry_source: str = "embedded") -> geo.RegionGeometry:
    """The region polygons for the partners' NUTS codes (``"gisco"`` downloads the levels they use).

    >>> import clusterix_analytics as cx
    >>> map_geometry(cx.load()).source
    'embedded'
    """
    return geo.load_geometry(geometry_source, codes=dataset.partners["nuts_code"].dropna(),
                             year=dataset.project.nuts_version)


def missing_codes(page: RegionsPage, geometry: geo.RegionGeometry) -> list[str]:
    """The partners' NUTS codes that have no polygon in ``geometry`` (not drawn on the map).

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> missing_codes(build(ds), map_geometry(ds))
    []
    """
    return geo.missing_codes(page.partners["nuts_code"], geometry)


def headlines(page: RegionsPage, geometry: geo.RegionGeometry) -> dict[str, int]:
    """The numbers the page records: partners drawn, codes without a polygon, joint projects between
    regions and those of the busiest pair (left out when no link is recorded).

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> list(headlines(build(ds), map_geometry(ds)))
    ['partners_mapped', 'nuts_codes_without_geometry', 'interregional_projects', 'strongest_pair_projects']
    """
    missing = missing_codes(page, geometry)
    numbers = {"partners_mapped": int((~page.partners["nuts_code"].isin(missing)).sum()),
               "nuts_codes_without_geometry": len(missing),
               "interregional_projects": int(page.links["projects"].sum())}
    if not page.links.empty:
        numbers["strongest_pair_projects"] = int(page.links.iloc[0]["projects"])
    return numbers


def metrics(page: RegionsPage, geometry: geo.RegionGeometry) -> list[Metric]:
    """The quantities the page states: partners drawn, and the joint projects (reported, in the links, between
    regions).

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> [m.text() for m in metrics(build(ds), map_geometry(ds))]
    ['10 partners', '70 projects', '127 projects (demo data)', '116 projects (demo data)']
    """
    jp = page.joint_projects
    drawn = Metric("partners_mapped", "Partners drawn in their NUTS region",
                   headlines(page, geometry)["partners_mapped"], "partners", "sourced")
    return [drawn] + ([jp.reported] if jp.reported.value is not None else []) + [jp.in_links, jp.between_regions]


def partners_on_the_map(page: RegionsPage, geometry: geo.RegionGeometry) -> str:
    """The sentence under "Where the partners are": partners, countries, how many are drawn, whose polygons.

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> print(partners_on_the_map(build(ds), map_geometry(ds)))  # doctest: +ELLIPSIS
    The project has **10 partners** in **9 countries**; 10 of them are drawn in their NUTS region. Boundaries: ...
    """
    missing = missing_codes(page, geometry)
    mapped = headlines(page, geometry)["partners_mapped"]
    return (f"The project has **{len(page.partners)} partners** in **{page.countries} "
            f"countries**; {mapped} of them are drawn in their NUTS region. {geometry.attribution}."
            + (f" **Note:** {geometry.fallback}." if geometry.fallback else "")
            + (f" **Not on the map** (no polygon in this geometry): {markdown_join(missing)}." if missing else ""))


QUESTION = "Where are the partners, and which regions' clusters worked together?"


def opening(page: RegionsPage) -> str:
    """The page's question and its answer: partners and countries, the joint projects between regions and the
    busiest pair, and the total the project itself reported.

    >>> import clusterix_analytics as cx
    >>> print(opening(build(cx.load())))  # doctest: +NORMALIZE_WHITESPACE
    **Where are the partners, and which regions' clusters worked together?**
    <BLANKLINE>
    - **10 partners** in **9 countries** (sourced).
    - Clusters of different partner regions ran **116 joint projects**; the busiest pair is Region AURA – Region
      Syddanmark, with 14 (demo data).
    - The project itself reported 70 joint projects of clusters (sourced).
    """
    jp, links = page.joint_projects, page.links
    lines = [f"**{counted(len(page.partners), 'partner')}** in **{counted(page.countries, 'country', 'countries')}**"
             + where_from(provenance(page.frames_used[0])) + "."]
    if links.empty:
        lines.append("No joint project between clusters of different partner regions is recorded.")
    else:
        top, names = links.iloc[0], page.partners["short_name"]
        lines.append(f"Clusters of different partner regions ran **{counted(jp.between_regions.value, 'joint project')}"
                     f"**; the busiest pair is {markdown_text(names[top['partner_a']])} – "
                     f"{markdown_text(names[top['partner_b']])}, with {int(top['projects']):,}"
                     + where_from(jp.between_regions.provenance) + ".")
    if jp.reported.value is not None:
        lines.append(f"The project itself reported {jp.reported.value:,.0f} joint projects of clusters"
                     + where_from(jp.reported.provenance) + ".")
    return page_opening(QUESTION, lines)


def links_summary(page: RegionsPage) -> str:
    """The sentence under "Which regions' clusters worked together": joint projects, links, busiest pair.

    >>> import clusterix_analytics as cx
    >>> print(links_summary(build(cx.load())))  # doctest: +NORMALIZE_WHITESPACE
    The project reported **70 joint projects** of clusters (sourced, 2016-04-01 to 2021-03-31). The recorded
    cluster links (demo data) hold 70 of them, 64 between clusters of different partner regions and 6 within one
    region, and 57 more after that period: 127 in all. The map shows the 116 between regions of every phase,
    over 70 cluster links between 28 pairs of regions; the busiest pair is **Region AURA – Region Syddanmark**
    with 14 joint projects (demo data).
    """
    links = page.links
    reconciled = joint_projects_sentence(page.joint_projects)
    if links.empty:
        if page.joint_projects.in_links.value:  # links, but all within one region
            return reconciled + " None of the cluster links is between clusters of different partner regions."
        return reconciled
    top = links.iloc[0]
    names = page.partners["short_name"]
    where = page.joint_projects.between_regions.provenance
    return (f"{reconciled} The map shows the {int(links['projects'].sum()):,} between regions of every phase, over "
            f"{int(links['links'].sum())} cluster links between {len(links)} pairs of regions; the busiest pair is "
            f"**{markdown_text(names[top['partner_a']])} – {markdown_text(names[top['partner_b']])}** with "
            f"{int(top['projects'])} joint projects"
            + ("" if where == "sourced" else f" ({PROVENANCE_WORDS[where]})") + ".")


def map_source_rows(dataset: Dataset, color_by: str | None = None) -> list[pd.DataFrame]:
    """The rows a map coloured by ``color_by`` draws on, for its source / demo-data footnote.

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> [len(rows) for rows in map_source_rows(ds, "clusters")], len(ds.clusters)
    ([10, 257], 257)
    """
    if color_by == "interregional_projects":
        return [dataset.partners, dataset.cluster_links]
    extra = COLOUR_SOURCES.get(color_by)
    return [dataset.partners] + ([dataset.tables[extra]] if extra else [])


def regions_map(dataset: Dataset, geometry: geo.RegionGeometry, color_by: str | None = None,
                highlight: str | None = None, zoom_to_highlight: bool = False) -> go.Figure:
    """The partner-regions map for one colouring and highlight (the page's map and its explorer).

    Refuses unknown values, naming the valid ones.

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> regions_map(ds, map_geometry(ds), color_by="phase", highlight="inma").layout.title.text
    'CLUSTERIX 2.0 partner regions by phase of first policy change'
    """
    color_by = None if color_by == "none" else color_by
    highlight = None if highlight == "none" else highlight
    validate_parameters(dataset, color_by=color_by, highlight_partner=highlight)
    return maps.partner_regions_map(regions.partner_regions(dataset), geometry, dataset.project,
                                    color_by=color_by, highlight=highlight, zoom_to_highlight=zoom_to_highlight,
                                    source_rows=map_source_rows(dataset, color_by))


def explorer_start(color_by: str | None = None, highlight_partner: str | None = None) -> dict[str, str]:
    """The regions explorer's first choice: the colouring after the page's own (the static map right above shows
    that one, and the report keeps it), the same outline. Starting elsewhere, the explorer never opens as a copy.

    >>> explorer_start("partner_type", "inma"), explorer_start(None)
    ({'color_by': 'phase', 'highlight': 'inma'}, {'color_by': 'partner_type', 'highlight': 'none'})
    """
    options = colour_options()
    current = color_by if color_by in options else "none"
    return {"color_by": options[(options.index(current) + 1) % len(options)],
            "highlight": highlight_partner or "none"}


def links_explorer_start(dataset: Dataset) -> dict[str, str]:
    """The links explorer's first choice: the first phase (the static map above shows every phase).

    >>> import clusterix_analytics as cx
    >>> links_explorer_start(cx.load())
    {'phase': 'P1'}
    """
    phases = list(dataset.project.phase_ids)
    return {"phase": phases[0] if phases else "all"}


def links_figure(page: RegionsPage, dataset: Dataset, geometry: geo.RegionGeometry) -> go.Figure | str:
    """The page's map of cluster links between partner regions, every phase (a sentence when there is none).

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> links_figure(build(ds), ds, map_geometry(ds)).layout.title.text[:33]
    'Interregional cluster links betwe'
    """
    if dataset.cluster_links.empty:
        return "The map of cluster links is left out: no link is recorded to draw."
    if page.links.empty:
        return "No map of cluster links: none of the recorded links is between clusters of two partner regions."
    return links_map(dataset, geometry)


def links_map(dataset: Dataset, geometry: geo.RegionGeometry, phase: str | None = None) -> go.Figure:
    """The map of cluster links between partner regions in one phase, or all ("all" / None).

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> links_map(ds, map_geometry(ds), phase="P2").layout.title.text.endswith("Phase 2 – action plan implementation")
    True
    """
    phase = None if phase == "all" else phase
    validate_parameters(dataset, phase=phase)
    links = dataset.cluster_links
    used = links if phase is None else links[links["phase_id"] == phase]
    return maps.cooperation_map(regions.partner_regions(dataset), interregional_links(dataset, phase), geometry,
                                dataset.project, phase=phase, source_rows=[used])
