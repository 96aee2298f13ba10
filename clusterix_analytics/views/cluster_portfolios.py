"""What notebooks/03_cluster_portfolios.ipynb states: each region's cluster portfolio, how it changed
between two phases, how diverse it is, which regions complement each other, and the links between clusters.

The parameter check, the page's tables (:func:`clusterix_analytics.analytics.portfolio.analyse_portfolios`,
labelled for reading), the numbers it records, its sentences, its figures and the chart its explorer redraws.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.views import cluster_portfolios as view
>>> page = view.build(cx.load(), regions=["ecoplus", "vlaio"])
>>> page.name_a, page.level_name
('Phase 1 – interregional learning', 'EU industrial ecosystems')
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.analytics import portfolio
from clusterix_analytics.analytics.metrics import Metric, joint_projects
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.project import Project
from clusterix_analytics.data.provenance import PROVENANCE_WORDS, provenance
from clusterix_analytics.data.sectors import SectorVocabulary, read_sector_vocabulary
from clusterix_analytics.figures import portfolio as portfolio_figures
from clusterix_analytics.figures.theme import has_data
from clusterix_analytics.text import markdown_join, markdown_text
from clusterix_analytics.views.names import phase_list
from clusterix_analytics.views.opening import counted, page_opening, where_from
from clusterix_analytics.views.tables import (
    ReaderTable,
    count,
    link,
    number,
    reader_table,
    relabel,
    share,
    text,
    words,
    year,
)

AUTO = portfolio.AUTO
LEVEL_NAMES = {1: "EU industrial ecosystems", 2: "finer sectors"}
# What the page says in place of a chart with nothing to draw.
NO_DATED_CLUSTERS = "No cluster of these regions is dated to a phase, so no portfolio per phase to draw."
NO_LINKS = "No cluster links of these regions are recorded for this project."
# The columns of each table the page shows, with their labels and formats ("region" is the partner's label and
# "phase" the phase's name, joined by the view).
UNMAPPED_COLUMNS = {"sector_text": "Sector text", "reason": text("Why"), "mapped_code": text("Mapped to"),
                    "clusters": count("Clusters"), "cluster_names": text("Their names", wrap=True)}
COMPOSITION_COLUMNS = {"region": "Region", "phase": text("Phase", wrap=True), "clusters": count("Clusters"),
                       "clusters_with_members": count("Clusters with a member count"),
                       "members_total": count("Members"), "members_sme": count("SMEs"),
                       "members_large": count("Large companies"), "members_research": count("Research and education"),
                       "members_other": count("Other members"), "sectors": count("Sectors"),
                       "gold": count("Gold labels"), "silver": count("Silver labels"), "bronze": count("Bronze labels"),
                       "synthetic_rows": count("Demo rows")}
CHANGED_COLUMNS = {"region": "Region", "name": text("Cluster", wrap=True), "sector_name": "Sector",
                   "status": words("Status"), "members_a": count("Members, first phase"),
                   "members_b": count("Members, second phase")}
DIVERSITY_COLUMNS = {"region": "Region", "phase": text("Phase", wrap=True), "clusters": count("Clusters"),
                     "sectors": count("Sectors"), "member_coverage": share("Clusters with a member count"),
                     "shannon_clusters": number("Shannon H by clusters", fixed=True),
                     "hhi_clusters": number("HHI by clusters", fixed=True),
                     "shannon_members": number("Shannon H by members", fixed=True),
                     "hhi_members": number("HHI by members", fixed=True), "weighting": words("Weighting"),
                     "shannon": number("Shannon H", fixed=True), "hhi": number("HHI", fixed=True),
                     "effective_sectors": number("Effective sectors", digits=1, fixed=True)}
CANDIDATE_COLUMNS = {"rank": count("Rank"), "region_a": "Region", "region_b": "Other region",
                     "complementarity": number("Complementarity", fixed=True),
                     "shared_sectors": text("Shared sectors", wrap=True),
                     "only_a_sectors": text("Sectors of the region only", wrap=True),
                     "only_b_sectors": text("Sectors of the other region only", wrap=True)}
LINK_SUMMARY_COLUMNS = {"phase": text("Phase", wrap=True), "links": count("Cluster links"),
                        "projects": count("Joint projects"), "clusters_linked": count("Clusters linked"),
                        "mean_degree": number("Mean degree", fixed=True), "max_degree": count("Highest degree"),
                        "interregional_links": count("Inter-regional links"),
                        "interregional_share": share("Inter-regional share of links"),
                        "interregional_project_share": share("Inter-regional share of projects"),
                        "synthetic_rows": count("Demo rows")}
HUB_COLUMNS = {"phase": text("Phase", wrap=True), "name": text("Cluster", wrap=True), "region": "Region",
               "degree": count("Degree"), "projects": count("Joint projects"),
               "interregional_links": count("Inter-regional links")}
UNDATED_COLUMNS = {"region": "Region", "name": text("Cluster", wrap=True), "sector": "Sector",
                   "observed_year": year("Year observed"), "members_total": count("Members"),
                   "phases_with_rows": text("Phases with a row of this cluster", wrap=True), "source": link("Source")}
CANDIDATES_SHOWN = 15
HUBS_PER_PHASE = 3


def check_parameters(dataset: Dataset, regions="all", compare_phases=AUTO, sector_level=1, **_ignored) -> list[str]:
    """Problems with the notebook's parameters, each naming the valid values (empty list = all fine).

    >>> import clusterix_analytics as cx
    >>> check_parameters(cx.load(), regions=["xyz"], compare_phases=["P1", "P9"], sector_level=3)[0][:40]
    "unknown region 'xyz'; valid: all, a part"
    """
    problems = []
    partners = dataset.partners
    tokens = portfolio.as_list(regions)
    if not tokens:
        problems.append("regions is empty; use 'all' or a list of partner ids or NUTS codes")
    elif [t.lower() for t in tokens] != ["all"]:
        valid = ", ".join(["all"] + partners["partner_id"].astype(str).tolist()
                          + partners["nuts_code"].dropna().astype(str).tolist())
        for token in tokens:
            if not portfolio.region_matches(partners, token):
                problems.append(f"unknown region '{token}'; valid: all, a partner id or a NUTS code of a partner "
                                f"region (or above/below it): {valid}")
    phase_ids = tuple(dataset.project.phase_ids)
    try:
        phase_a, phase_b = portfolio.resolve_compare_phases(phase_ids, compare_phases)
    except ValueError as exc:
        problems.append(f"{exc}; valid: auto or two of {', '.join(phase_ids)}")
    else:
        for phase in (phase_a, phase_b):
            if phase not in phase_ids:
                problems.append(f"unknown phase '{phase}' in compare_phases; valid: auto or two of "
                                f"{', '.join(phase_ids)}")
        if phase_a == phase_b:
            problems.append(f"compare_phases names '{phase_a}' twice; choose two different phases of "
                            f"{', '.join(phase_ids)}")
    if portfolio.parse_sector_level(sector_level) is None:
        problems.append(f"unknown sector_level {sector_level!r}; valid: 1 or 'ecosystem' (EU industrial "
                        "ecosystems), 2 or 'sector' (finer sectors)")
    return problems


def validate_parameters(dataset: Dataset, **params) -> None:
    """Raise ValueError listing every problem :func:`check_parameters` finds.

    >>> import clusterix_analytics as cx
    >>> validate_parameters(cx.load(), compare_phases=["P1", "P1"])
    Traceback (most recent call last):
    ...
    ValueError: invalid parameters:
      compare_phases names 'P1' twice; choose two different phases of P1, P2, AA
    """
    problems = check_parameters(dataset, **params)
    if problems:
        raise ValueError("invalid parameters:\n  " + "\n  ".join(problems))


@dataclass
class PortfolioPage:
    """The tables of the cluster-portfolio page, for the chosen regions, phases and sector level."""

    project: Project
    vocabulary: SectorVocabulary
    result: portfolio.PortfolioAnalysis
    labels: dict[str, str]    # chart label of every partner (links may reach regions not chosen)

    @property
    def phase_names(self) -> dict[str, str]:
        return self.project.phase_names

    @property
    def name_a(self) -> str:
        """The name of the first compared phase."""
        return self.phase_names[self.result.phase_a]

    @property
    def name_b(self) -> str:
        """The name of the second compared phase."""
        return self.phase_names[self.result.phase_b]

    @property
    def level_name(self) -> str:
        """What the sector level is: EU industrial ecosystems (1) or the finer sectors below them (2)."""
        return LEVEL_NAMES[self.result.sector_level]

    @property
    def frames_used(self) -> tuple[pd.DataFrame, ...]:
        """The rows the page draws on (for the demo-data notice)."""
        return self.result.classified, self.result.links

    @property
    def has_unmapped(self) -> bool:
        """Some sector text maps to nothing, or some cluster has no sector."""
        return not self.result.unmapped.empty

    @property
    def has_links(self) -> bool:
        """The project records cluster links touching the chosen regions."""
        return not self.result.links.empty

    @property
    def has_hubs(self) -> bool:
        """Some cluster of the chosen regions has a joint project with another cluster."""
        return not self.result.link_degrees.empty

    def _labelled(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(region=lambda f: f["partner_id"].map(self.labels))

    def _phased(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(phase=lambda f: f["phase_id"].map(self.phase_names))

    @property
    def pairs(self) -> pd.DataFrame:
        """Every pair of regions with its complementarity, regions by label."""
        return self.result.pairs.assign(region_a=lambda f: f["region_a"].map(self.labels),
                                        region_b=lambda f: f["region_b"].map(self.labels))

    @property
    def candidates(self) -> pd.DataFrame:
        """The pairs sharing at least one sector, most complementary first."""
        pairs = self.pairs
        return pairs[pairs["candidate"].astype(bool)]   # an empty frame's object column is no mask

    @property
    def hubs(self) -> pd.DataFrame:
        """The best-connected clusters of each phase, phases in project order (top 3 by degree, then joint
        projects)."""
        result = self.result
        names = result.classified.drop_duplicates("cluster_id").set_index("cluster_id")["name"]
        order = {phase: i for i, phase in enumerate(result.phase_order)}
        hubs = (self._labelled(result.link_degrees)
                .assign(name=lambda f: f["cluster_id"].map(names), order=lambda f: f["phase_id"].map(order))
                .sort_values(["order", "phase_id", "degree", "projects"], ascending=[True, True, False, False])
                .groupby("phase_id", sort=False).head(HUBS_PER_PHASE))
        return hubs[["phase_id", "name", "region", "degree", "projects", "interregional_links"]]


def build(dataset: Dataset, regions="all", compare_phases=AUTO, sector_level=1) -> PortfolioPage:
    """The page's tables: the project's sector vocabulary, parameters checked, the whole analysis.

    >>> import clusterix_analytics as cx
    >>> page = build(cx.load(), regions=["AT12", "BE2"])
    >>> page.result.partner_ids, page.labels["vlaio"]
    (['ecoplus', 'vlaio'], 'VLAIO (BE2)')
    """
    vocabulary = read_sector_vocabulary(dataset.project.directory)
    validate_parameters(dataset, regions=regions, compare_phases=compare_phases, sector_level=sector_level)
    result = portfolio.analyse_portfolios(dataset, vocabulary.taxonomy, vocabulary.sector_map, regions=regions,
                                          compare_phases=compare_phases, sector_level=sector_level)
    return PortfolioPage(project=dataset.project, vocabulary=vocabulary, result=result,
                         labels=portfolio.region_labels(dataset.partners).to_dict())


def headlines(page: PortfolioPage) -> dict[str, int]:
    """The numbers the page records: clusters in each compared phase, clusters that entered and left.

    >>> import clusterix_analytics as cx
    >>> list(headlines(build(cx.load(), regions=["ecoplus"])))
    ['clusters_phase_a', 'clusters_phase_b', 'clusters_entered', 'clusters_left']
    """
    summary = page.result.change_summary
    return {"clusters_phase_a": int(summary["clusters_a"].sum()), "clusters_phase_b": int(summary["clusters_b"].sum()),
            "clusters_entered": int(summary["entered"].sum()), "clusters_left": int(summary["left"].sum())}


def metrics(page: PortfolioPage, dataset: Dataset) -> list[Metric]:
    """The quantities the page states that other pages state too: the joint projects in the cluster links
    (all regions only: a region filter keeps the links touching the chosen regions).

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> [m.text() for m in metrics(build(ds), ds)], metrics(build(ds, regions=["ecoplus"]), ds)
    (['127 projects (demo data)'], [])
    """
    if len(page.result.partner_ids) != len(dataset.partners):
        return []
    return [joint_projects(dataset).in_links]


def opening(page: PortfolioPage) -> str:
    """The page's question and its answer: clusters in the two compared phases, those that entered and left, the
    most complementary pair of regions, and the undated rows left out.

    >>> import clusterix_analytics as cx
    >>> print(opening(build(cx.load())))  # doctest: +NORMALIZE_WHITESPACE
    **How did the regions' cluster portfolios change from Phase 1 – interregional learning to Phase 2 – action plan
    implementation, and which regions complement each other?**
    <BLANKLINE>
    - **69 clusters** in the first phase, **75** in the second: 6 entered, 0 left (partly demo data).
    - Most complementary of the 34 pairs of regions that share a sector: **Region Syddanmark (DK03)** and **IDM
      (ITH1)** (complementarity 0.94, partly demo data).
    - 38 cluster rows carry no date and are not compared (sourced).
    """
    result, numbers = page.result, headlines(page)
    question = (f"How did the regions' cluster portfolios change from {markdown_text(page.name_a)} to "
                f"{markdown_text(page.name_b)}, and which regions complement each other?")
    compared = result.dated[result.dated["phase_id"].isin([result.phase_a, result.phase_b])]
    if compared.empty:
        lines = ["No cluster of these regions is dated to either phase, so there is no portfolio to compare."]
    else:
        lines = [f"**{counted(numbers['clusters_phase_a'], 'cluster')}** in the first phase, "
                 f"**{numbers['clusters_phase_b']:,}** in the second: {numbers['clusters_entered']:,} entered, "
                 f"{numbers['clusters_left']:,} left" + where_from(provenance(compared)) + "."]
    candidates = page.candidates
    if len(candidates):
        top = candidates.iloc[0]
        in_b = result.dated[result.dated["phase_id"] == result.phase_b]
        lines.append(f"Most complementary of the {len(candidates):,} pairs of regions that share a sector: "
                     f"**{markdown_text(top.region_a)}** and **{markdown_text(top.region_b)}** (complementarity "
                     f"{top.complementarity:.2f}, {PROVENANCE_WORDS[provenance(in_b)]}).")
    else:
        lines.append("No pair of regions shares a sector in the second phase, so no candidate pair is ranked.")
    if len(result.undated):
        lines.append(f"{counted(len(result.undated), 'cluster row')} carry no date and are not compared"
                     + where_from(provenance(result.undated)) + ".")
    return page_opening(question, lines)


def introduction(page: PortfolioPage) -> str:
    """What the page compares: regions, phases, sector level, and the rows measured and left out.

    >>> import clusterix_analytics as cx
    >>> print(introduction(build(cx.load(), regions=["ecoplus"])))  # doctest: +ELLIPSIS
    **CLUSTERIX 2.0 – ...** – 1 region: ecoplus (AT12). Compared phases: **Phase 1 – interregional ...
    """
    result = page.result
    return (f"**{markdown_text(page.project.name)}** – {counted(len(result.partner_ids), 'region')}: "
            f"{markdown_join(page.labels[p] for p in result.partner_ids)}. "
            f"Compared phases: **{markdown_text(page.name_a)}** ({result.phase_a}) and "
            f"**{markdown_text(page.name_b)}** ({result.phase_b}). "
            f"Sectors at level {result.sector_level} ({page.level_name}). "
            f"{len(result.dated):,} dated cluster rows are measured; {len(result.undated):,} undated rows are listed "
            f"at the end and left out of every phase comparison.")


def unmapped_summary(page: PortfolioPage) -> str:
    """Whether every cluster's sector maps to the taxonomy, or how many texts and clusters do not.

    >>> import clusterix_analytics as cx
    >>> unmapped_summary(build(cx.load()))[:12]
    '**Warning:**'
    """
    unmapped = page.result.unmapped
    if unmapped.empty:
        return "Every cluster's sector maps to the taxonomy."
    n_texts = int((unmapped["reason"] != portfolio.NO_SECTOR).sum())
    n_missing = int(unmapped.loc[unmapped["reason"] == portfolio.NO_SECTOR, "clusters"].sum())
    return (f"**Warning:** {counted(n_texts, 'sector text')} {'maps' if n_texts == 1 else 'map'} to nothing in "
            f"`{page.vocabulary.directory.name}/sector_map.csv`, and {counted(n_missing, 'cluster')} "
            f"{'has' if n_missing == 1 else 'have'} no sector.")


def change_section(page: PortfolioPage) -> str:
    """Per region, the clusters that entered, left and grew between the compared phases.

    >>> import clusterix_analytics as cx
    >>> print(change_section(build(cx.load(), regions=["ecoplus"])))  # doctest: +ELLIPSIS
    ### From Phase 1 – interregional learning to Phase 2 – action plan implementation, per region
    <BLANKLINE>
    - **ecoplus (AT12)**: ... clusters in P1 → ... in P2
    ...
    """
    result = page.result
    return (f"### From {markdown_text(page.name_a)} to {markdown_text(page.name_b)}, per region\n\n"
            + portfolio.change_narrative(result.change_summary, page.labels, result.phase_a, result.phase_b))


def candidate_pairs_sentence(page: PortfolioPage) -> str:
    """How many pairs of regions share a sector, and the most complementary of them.

    >>> import clusterix_analytics as cx
    >>> candidate_pairs_sentence(build(cx.load(), regions=["ecoplus", "vlaio"]))[:45]
    '1 of 1 region pairs share at least one sector'
    """
    candidates = page.candidates
    if not len(candidates):
        return "No pair of regions shares a sector in this phase, so no candidate pair is ranked."
    top = candidates.iloc[0]
    return (f"{len(candidates)} of {len(page.pairs)} region pairs share at least one sector. Most complementary: "
            f"**{markdown_text(top.region_a)}** and **{markdown_text(top.region_b)}** (complementarity "
            f"{top.complementarity:.2f}; shared: {markdown_text(top.shared_sectors)}).")


def unmapped_table(page: PortfolioPage) -> ReaderTable:
    """The sector texts the sector map does not assign, and the clusters with no sector.

    >>> import clusterix_analytics as cx
    >>> unmapped_table(build(cx.load())).cells.iloc[1][["Sector text", "Mapped to", "Their names"]].tolist()
    ['Industrial development', '–', 'IUC Syd']
    """
    return reader_table(page.result.unmapped, UNMAPPED_COLUMNS, provenance_of=page.result.classified)


def composition_table(page: PortfolioPage) -> ReaderTable:
    """Portfolio composition per region and phase: clusters, members by type, sectors, labels, demo rows.

    >>> import clusterix_analytics as cx
    >>> composition_table(build(cx.load(), regions=["ecoplus"])).cells.iloc[0][["Region", "Phase", "Members"]].tolist()
    ['ecoplus (AT12)', 'Phase 1 – interregional learning', '605']
    """
    return reader_table(page._phased(page._labelled(page.result.composition)), COMPOSITION_COLUMNS,
                        provenance_of=page.result.dated)


def changed_table(page: PortfolioPage) -> ReaderTable:
    """The clusters that entered or left between the compared phases, with their members in each.

    >>> import clusterix_analytics as cx
    >>> table = changed_table(build(cx.load(), regions=["ecoplus"]))
    >>> table.cells.columns[-1], table.cells.iloc[0][["Status", "Members in Phase 1 – interregional learning"]].tolist()
    ('Members in Phase 2 – action plan implementation', ['Entered', '–'])
    """
    change = page.result.change
    changed = page._labelled(change[change["status"] != "continuing"])
    columns = relabel(CHANGED_COLUMNS, members_a=f"Members in {page.name_a}", members_b=f"Members in {page.name_b}")
    return reader_table(changed, columns, provenance_of=page.result.compared_rows)


def diversity_table(page: PortfolioPage) -> ReaderTable:
    """Diversity of each region's portfolio per phase: Shannon entropy and HHI by clusters and by members.

    >>> import clusterix_analytics as cx
    >>> diversity_table(build(cx.load(), regions=["ecoplus"])).cells.iloc[0][["HHI", "Effective sectors"]].tolist()
    ['0.49', '2.4']
    """
    return reader_table(page._phased(page._labelled(page.result.diversity)), DIVERSITY_COLUMNS,
                        provenance_of=page.result.dated)


def candidates_table(page: PortfolioPage) -> ReaderTable:
    """The most complementary pairs of regions that share a sector (the first :data:`CANDIDATES_SHOWN`).

    >>> import clusterix_analytics as cx
    >>> candidates_table(build(cx.load())).cells.iloc[0][["Rank", "Region", "Complementarity"]].tolist()
    ['1', 'Region Syddanmark (DK03)', '0.94']
    """
    result = page.result
    return reader_table(page.candidates.head(CANDIDATES_SHOWN), CANDIDATE_COLUMNS,
                        provenance_of=result.dated[result.dated["phase_id"] == result.phase_b])


def link_summary_table(page: PortfolioPage) -> ReaderTable:
    """Cross-cluster links per phase: links, joint projects, degree, the inter-regional share, demo rows.

    >>> import clusterix_analytics as cx
    >>> link_summary_table(build(cx.load())).cells.iloc[0][["Mean degree", "Inter-regional share of links"]].tolist()
    ['1.31', '76%']
    """
    return reader_table(page._phased(page.result.link_summary), LINK_SUMMARY_COLUMNS, provenance_of=page.result.links)


def hubs_table(page: PortfolioPage) -> ReaderTable:
    """The best-connected clusters of each phase (:attr:`PortfolioPage.hubs`).

    >>> import clusterix_analytics as cx
    >>> hubs_table(build(cx.load())).cells.iloc[0][["Phase", "Cluster", "Degree"]].tolist()
    ['Phase 1 – interregional learning', 'De Blauwe Cluster (Blue Cluster)', '3']
    """
    return reader_table(page._phased(page.hubs), HUB_COLUMNS, provenance_of=page.result.links)


def undated_table(page: PortfolioPage) -> ReaderTable:
    """The cluster rows without a phase, with the phases in which the same cluster has a row.

    >>> import clusterix_analytics as cx
    >>> undated_table(build(cx.load())).cells.iloc[0][["Year observed", "Phases with a row of this cluster"]].tolist()
    ['–', 'Phase 2 – action plan implementation; Additional activities – COVID-19 recovery (5th call)']
    """
    undated = page._labelled(page.result.undated)
    undated = undated.assign(phases_with_rows=undated["phases_with_rows"].map(
        lambda ids: phase_list(ids, page.phase_names)))
    return reader_table(undated, UNDATED_COLUMNS, provenance_of=page.result.undated)


def sector_heatmap_figure(page: PortfolioPage) -> go.Figure | str:
    """Clusters per sector and region, one phase at a time.

    >>> import clusterix_analytics as cx
    >>> sector_heatmap_figure(build(cx.load(), regions=["ecoplus"])).layout.title.text[:51]
    'Cluster portfolios: clusters per sector and region '
    """
    result = page.result
    fig = portfolio_figures.sector_region_heatmap(result.by_sector, result.phase_order, labels=page.labels,
                                                  phase_names=page.phase_names, source_rows=[result.dated])
    return fig if has_data(fig) else NO_DATED_CLUSTERS


def members_figure(page: PortfolioPage) -> go.Figure | str:
    """Members of the regions' clusters by sector, one panel per phase.

    >>> import clusterix_analytics as cx
    >>> members_figure(build(cx.load(), regions=["ecoplus"])).layout.title.text[:36]
    "Members of the regions' clusters by "
    """
    result = page.result
    fig = portfolio_figures.members_by_sector_bars(result.by_sector, result.phase_order, labels=page.labels,
                                                   phase_names=page.phase_names, source_rows=[result.dated])
    return fig if has_data(fig) else "No member count is known for the regions' clusters in any phase."


def change_figure(page: PortfolioPage) -> go.Figure | str:
    """Clusters and members per region in the two compared phases (dumbbells).

    >>> import clusterix_analytics as cx
    >>> change_figure(build(cx.load(), regions=["ecoplus"])).layout.title.text
    'Change of cluster portfolios from Phase 1 – interregional learning to Phase 2 – action plan implementation'
    """
    result = page.result
    if result.compared_rows.empty:
        return f"No dated cluster of these regions is in {page.name_a} or {page.name_b}: nothing to compare."
    return portfolio_figures.portfolio_change_dumbbell(result.change_summary, result.phase_a, result.phase_b,
                                                       labels=page.labels, phase_names=page.phase_names,
                                                       source_rows=[result.compared_rows])


def change_chart(dataset: Dataset, vocabulary: SectorVocabulary, phase_a: str, phase_b: str, regions="all",
                 sector_level=1) -> go.Figure:
    """The change dumbbell for any two phases (the page's explorer); refuses invalid choices.

    >>> import clusterix_analytics as cx
    >>> from clusterix_analytics.data.sectors import read_sector_vocabulary
    >>> ds = cx.load()
    >>> change_chart(ds, read_sector_vocabulary(ds.project.directory), "P2", "AA").layout.title.text[:33]
    'Change of cluster portfolios from'
    """
    problems = check_parameters(dataset, regions=regions, compare_phases=[phase_a, phase_b], sector_level=sector_level)
    if problems:
        raise ValueError("; ".join(problems))
    result = portfolio.analyse_portfolios(dataset, vocabulary.taxonomy, vocabulary.sector_map, regions=regions,
                                          compare_phases=[phase_a, phase_b], sector_level=sector_level)
    return portfolio_figures.portfolio_change_dumbbell(
        result.change_summary, result.phase_a, result.phase_b,
        labels=portfolio.region_labels(dataset.partners).to_dict(), phase_names=dataset.project.phase_names,
        source_rows=[result.compared_rows])


def explorer_start(page: PortfolioPage) -> dict[str, str]:
    """The change explorer's first choice: the page's two compared phases.

    >>> import clusterix_analytics as cx
    >>> explorer_start(build(cx.load(), regions=["ecoplus"], compare_phases=["P2", "AA"]))
    {'phase_a': 'P2', 'phase_b': 'AA'}
    """
    return {"phase_a": page.result.phase_a, "phase_b": page.result.phase_b}


def complementarity_figure(page: PortfolioPage) -> go.Figure | str:
    """Region × region complementarity of the sector profiles in the second compared phase.

    >>> import clusterix_analytics as cx
    >>> complementarity_figure(build(cx.load(), regions=["ecoplus", "vlaio"])).layout.title.text
    "Sector complementarity of regions' cluster portfolios – Phase 2 – action plan implementation"
    """
    result = page.result
    fig = portfolio_figures.complementarity_heatmap(
        result.complementarity, labels=page.labels, phase_name=page.name_b,
        source_rows=[result.dated[result.dated["phase_id"] == result.phase_b]])
    return fig if has_data(fig) else (f"Fewer than two regions have clusters with a sector in {page.name_b}: no "
                                      "complementarity to compare.")


def links_figure(page: PortfolioPage) -> go.Figure | str:
    """Joint projects between the regions' clusters, one phase at a time (a sentence when no link is recorded).

    >>> import clusterix_analytics as cx
    >>> links_figure(build(cx.load(), regions=["ecoplus"])).layout.title.text[:43]
    "Joint projects between the regions' cluster"
    """
    result = page.result
    if not page.has_links:
        return NO_LINKS
    return portfolio_figures.link_sankey(result.link_flows, result.phase_order, labels=page.labels,
                                         phase_names=page.phase_names, summary=result.link_summary,
                                         source_rows=[result.links])
