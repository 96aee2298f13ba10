"""Cluster portfolio analytics, sector vocabulary, figures and notebook 03, checked against hand-worked values."""
from __future__ import annotations

import math

import nbformat
import pandas as pd
import pytest

import clusterix_analytics as cx
from clusterix_analytics.analytics import portfolio as pf
from clusterix_analytics.analytics.links import link_degrees, link_summary, region_link_flows
from clusterix_analytics.config import NOTEBOOKS_DIR
from clusterix_analytics.data.sectors import read_sector_vocabulary
from clusterix_analytics.errors import DataValidationError
from clusterix_analytics.figures import portfolio as figs
from clusterix_analytics.views import cluster_portfolios

TAXONOMY = pd.DataFrame({
    "sector_code": ["agri_food", "energy_renewables", "textiles", "food", "energy"],
    "name": ["Agri-food", "Energy-renewables", "Textiles", "Food and agriculture", "Energy"],
    "level": [1, 1, 1, 2, 2],
    "parent_code": ["", "", "", "agri_food", "energy_renewables"],
})


SECTOR_MAP = pd.DataFrame({
    "sector_text": ["Food", "Energy", "Textiles", "Quantum widgets"],
    "sector_code": ["food", "energy", "textiles", "quantum"],  # "quantum" is not in the taxonomy
})


def clusters_frame(rows: list[tuple]) -> pd.DataFrame:
    """Cluster rows from (cluster_id, partner_id, phase_id, sector, members_total) tuples."""
    frame = pd.DataFrame(rows, columns=["cluster_id", "partner_id", "phase_id", "sector", "members_total"])
    frame["name"] = frame["cluster_id"].str.upper()
    frame["members_total"] = frame["members_total"].astype("Int64")
    for col in pf.MEMBER_TYPES:
        frame[col] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["label"] = pd.array([pd.NA] * len(frame), dtype="string")
    frame["synthetic"] = False
    return frame


def test_unmapped_text_missing_sector_and_code_outside_taxonomy_are_reported_not_dropped():
    clusters = clusters_frame([
        ("a", "x", "P1", "food ", 10),            # case/space-insensitive match -> Food -> Agri-food
        ("b", "x", "P1", "Space tourism", 5),     # text not in the map
        ("c", "x", "P1", None, 7),                # no sector
        ("d", "x", "P1", "Quantum widgets", 3),   # mapped to a code the taxonomy lacks
    ])
    classified = pf.classify_sectors(clusters, TAXONOMY, SECTOR_MAP, level=1)
    assert classified["sector_name"].tolist() == ["Agri-food", "unmapped: Space tourism", "no sector given",
                                                  "unmapped: Quantum widgets"]
    report = pf.unmapped_sectors(classified, SECTOR_MAP).set_index("sector_text")
    assert report.loc["Space tourism", "reason"] == "not in sector map"
    assert report.loc["(none)", "reason"] == "no sector given"
    assert report.loc["(none)", "cluster_names"] == "C"
    assert report.loc["Quantum widgets", "reason"] == "code not in taxonomy"
    assert report.loc["Quantum widgets", "mapped_code"] == "quantum"
    # still counted in the portfolio: 4 clusters, 3 sectors (the two unmapped texts count, "no sector" not)
    composition = pf.portfolio_composition(classified)
    assert composition.loc[0, "clusters"] == 4
    assert composition.loc[0, "sectors"] == 3
    assert composition.loc[0, "members_total"] == 10 + 5 + 7 + 3


def test_sector_level_two_keeps_the_finer_code_and_level_one_rolls_up():
    clusters = clusters_frame([("a", "x", "P1", "Energy", 1), ("b", "x", "P1", "Textiles", 1)])
    level_2 = pf.classify_sectors(clusters, TAXONOMY, SECTOR_MAP, level="sector")
    level_1 = pf.classify_sectors(clusters, TAXONOMY, SECTOR_MAP, level="ecosystem")
    # Energy -> energy (level 2) -> parent energy_renewables; Textiles is mapped to a level-1 code directly
    assert level_2["sector_code"].tolist() == ["energy", "textiles"]
    assert level_1["sector_code"].tolist() == ["energy_renewables", "textiles"]


def test_shipped_vocabulary_maps_every_shipped_sector_but_the_one_left_unmapped_on_purpose():
    ds = cx.load()
    vocabulary = read_sector_vocabulary(ds.project.directory)
    assert vocabulary.taxonomy.query("level == 1").shape[0] == 14          # the 14 industrial ecosystems
    classified = pf.classify_sectors(ds.clusters, vocabulary.taxonomy, vocabulary.sector_map, level=2)
    report = pf.unmapped_sectors(classified, vocabulary.sector_map)
    assert report.loc[report["reason"] == "not in sector map", "sector_text"].tolist() == ["Industrial development"]
    assert (report["reason"] != "code not in taxonomy").all()


def test_project_vocabulary_overrides_the_shared_one_and_a_broken_taxonomy_is_refused(tmp_path):
    own = tmp_path / "sectors"
    own.mkdir()
    (own / "taxonomy.csv").write_text("sector_code,name,level,parent_code\nfish,Fish,1,\ncod,Cod,2,whale\n")
    (own / "sector_map.csv").write_text("sector_text,sector_code\nCod,cod\n")
    with pytest.raises(DataValidationError) as err:
        read_sector_vocabulary(tmp_path)
    assert "sectors/taxonomy.csv:3:parent_code: parent 'whale' is not a level-1 code; level-1 codes: fish" \
        in str(err.value)
    (own / "taxonomy.csv").write_text("sector_code,name,level,parent_code\nfish,Fish,1,\ncod,Cod,2,fish\n")
    vocabulary = read_sector_vocabulary(tmp_path)
    assert vocabulary.directory == own
    assert vocabulary.sector_map["sector_code"].tolist() == ["cod"]


def diversity_fixture() -> pd.DataFrame:
    clusters = clusters_frame([
        ("a", "x", "P1", "Food", 30),
        ("b", "x", "P1", "Food", 10),
        ("c", "x", "P1", "Energy", 40),
        ("d", "x", "P1", None, None),       # no sector: left out of diversity
        ("e", "y", "P1", "Food", 20),
        ("f", "y", "P1", "Textiles", None),  # member count unknown
        ("g", "y", None, "Energy", 99),      # undated: left out
    ])
    return pf.classify_sectors(clusters, TAXONOMY, SECTOR_MAP, level=1)


def test_diversity_by_hand():
    div = pf.portfolio_diversity(diversity_fixture()).set_index("partner_id")
    x, y = div.loc["x"], div.loc["y"]
    # x by clusters: Agri-food 2/3, Energy 1/3 -> H = -(2/3 ln 2/3 + 1/3 ln 1/3) = 0.636514; HHI = 4/9 + 1/9 = 5/9
    assert x["shannon_clusters"] == pytest.approx(-(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)))
    assert x["shannon_clusters"] == pytest.approx(0.636514, abs=1e-6)
    assert x["hhi_clusters"] == pytest.approx(5 / 9)
    # x by members: Agri-food 30+10 = 40, Energy 40 of 80 -> 1/2, 1/2 -> H = ln 2 = 0.693147, HHI = 0.5
    assert x["shannon_members"] == pytest.approx(0.693147, abs=1e-6)
    assert x["hhi_members"] == pytest.approx(0.5)
    # every x cluster with a sector has a count -> "auto" uses members; e^H = 2 effective sectors
    assert x["weighting"] == "members" and x["shannon"] == pytest.approx(math.log(2))
    assert x["effective_sectors"] == pytest.approx(2.0)
    assert x["clusters_without_sector"] == 1 and x["clusters"] == 4
    # y by clusters: 1/2, 1/2 -> H = ln 2, HHI = 0.5; by members only e (Agri-food 20) -> H = 0, HHI = 1
    assert y["shannon_clusters"] == pytest.approx(math.log(2)) and y["hhi_clusters"] == pytest.approx(0.5)
    assert y["shannon_members"] == pytest.approx(0.0) and y["hhi_members"] == pytest.approx(1.0)
    # coverage 1 of 2 -> "auto" falls back to clusters; the undated row g is not counted
    assert y["member_coverage"] == pytest.approx(0.5)
    assert y["weighting"] == "clusters" and y["hhi"] == pytest.approx(0.5)
    assert y["clusters"] == 2
    forced = pf.portfolio_diversity(diversity_fixture(), weighting="members").set_index("partner_id")
    assert forced.loc["y", "hhi"] == pytest.approx(1.0)


def complementarity_fixture() -> pd.DataFrame:
    clusters = clusters_frame([
        ("x1", "x", "P2", "Food", None), ("x2", "x", "P2", "Food", None), ("x3", "x", "P2", "Energy", None),
        ("y1", "y", "P2", "Food", None), ("y2", "y", "P2", "Textiles", None),
        ("z1", "z", "P2", "Textiles", None), ("z2", "z", "P2", "Textiles", None), ("z3", "z", "P2", "Textiles", None),
        ("x0", "x", "P1", "Textiles", None),  # another phase: not in the P2 profile
    ])
    return pf.classify_sectors(clusters, TAXONOMY, SECTOR_MAP, level=1)


def test_complementarity_by_hand():
    profiles = pf.sector_profiles(complementarity_fixture(), "P2")
    # profiles (Agri-food, Energy-renewables, Textiles): x = (2, 1, 0), y = (1, 0, 1), z = (0, 0, 3)
    assert profiles.loc["x"].tolist() == [2.0, 1.0, 0.0]
    matrix = pf.complementarity_matrix(profiles)
    # cos(x, y) = 2·1 / (√5 · √2) = 2/√10 = 0.632456 -> complementarity 0.367544
    assert matrix.loc["x", "y"] == pytest.approx(1 - 2 / math.sqrt(10))
    assert matrix.loc["x", "y"] == pytest.approx(0.367544, abs=1e-6)
    # cos(y, z) = 1·3 / (√2 · 3) = 1/√2 -> 0.292893; cos(x, z) = 0 -> 1
    assert matrix.loc["y", "z"] == pytest.approx(1 - 1 / math.sqrt(2))
    assert matrix.loc["x", "z"] == pytest.approx(1.0)
    assert matrix.loc["x", "x"] == pytest.approx(0.0)

    pairs = pf.partner_pairs(profiles)
    # x-z shares no sector -> not a candidate even though the most different; x-y (0.3675) ranks above y-z (0.2929)
    ranked = pairs[pairs["candidate"]]
    assert list(zip(ranked["region_a"], ranked["region_b"], ranked["rank"])) == [("x", "y", 1), ("y", "z", 2)]
    assert ranked.iloc[0]["shared_sectors"] == "Agri-food"
    assert ranked.iloc[0]["only_a_sectors"] == "Energy-renewables" and ranked.iloc[0]["only_b_sectors"] == "Textiles"
    not_candidate = pairs[~pairs["candidate"]].iloc[0]
    assert (not_candidate["region_a"], not_candidate["region_b"]) == ("x", "z")
    assert pd.isna(not_candidate["rank"])


def test_change_between_two_phases_names_entered_left_and_grown_clusters():
    clusters = clusters_frame([
        ("a", "x", "spring", "Food", 10), ("a", "x", "summer", "Food", 15),   # continuing, +5 (+50 %)
        ("b", "x", "spring", "Food", 20), ("b", "x", "summer", "Food", 16),   # continuing, -4
        ("c", "x", "spring", "Energy", 8),                                    # left
        ("d", "x", "summer", "Energy", 12),                                   # entered
        ("e", "x", "spring", "Food", None), ("e", "x", "summer", "Food", 9),  # continuing, count unknown in spring
        ("f", "y", "autumn", "Food", 3),                                      # only in a phase not compared
    ])
    classified = pf.classify_sectors(clusters, TAXONOMY, SECTOR_MAP, level=1)
    change = pf.portfolio_change(classified, "spring", "summer").set_index("cluster_id")
    assert change["status"].to_dict() == {"a": "continuing", "b": "continuing", "e": "continuing",
                                          "d": "entered", "c": "left"}
    assert change.loc["a", "member_change"] == 5 and change.loc["a", "member_change_pct"] == pytest.approx(50.0)
    assert change.loc["b", "trend"] == "shrank" and change.loc["e", "trend"] == "members unknown"
    summary = pf.change_summary(pf.portfolio_change(classified, "spring", "summer"), ["x", "y"]).set_index("partner_id")
    x = summary.loc["x"]
    # spring: a b c e = 4; summer: a b d e = 4; continuing with both counts: a + b = 30 -> 31, +1/30 = +3.3 %
    assert (x["clusters_a"], x["clusters_b"], x["entered"], x["left"], x["grew"], x["shrank"]) == (4, 4, 1, 1, 1, 1)
    assert (x["members_a"], x["members_b"], x["member_growth_pct"]) == (30, 31, pytest.approx(3.3))
    assert (x["entered_names"], x["left_names"], x["grew_names"]) == ("D", "C", "A")
    assert summary.loc["y", "clusters_a"] == 0 and summary.loc["y", "clusters_b"] == 0
    text = pf.change_narrative(summary.reset_index(), {"x": "Region X", "y": "Region Y"}, "spring", "summer")
    assert "- **Region X**: 4 clusters in spring → 4 in summer" in text
    assert "entered (1): D" in text and "left (1): C" in text and "grew (1): A" in text
    assert "- **Region Y**: no dated cluster in spring or summer" in text


def test_compare_phases_auto_takes_the_first_two_phases_of_any_project():
    assert pf.resolve_compare_phases(("spring", "summer", "autumn"), "auto") == ("spring", "summer")
    assert pf.resolve_compare_phases(("spring", "summer"), None) == ("spring", "summer")
    assert pf.resolve_compare_phases(("spring", "summer", "autumn"), "summer, autumn") == ("summer", "autumn")
    with pytest.raises(ValueError, match="comparing needs two"):
        pf.resolve_compare_phases(("only",), "auto")


def test_undated_rows_are_listed_with_the_phases_their_cluster_appears_in():
    undated = pf.undated_clusters(diversity_fixture().assign(observed_year=pd.NA))
    assert undated[["cluster_id", "phases_with_rows"]].values.tolist() == [["g", ""]]


def test_check_parameters_names_every_problem_and_the_valid_values():
    ds = cx.load()
    assert cluster_portfolios.check_parameters(ds, regions="all", compare_phases="auto", sector_level=1) == []
    assert cluster_portfolios.check_parameters(ds, regions=["ecoplus", "SE22"], compare_phases=["P2", "AA"],
                               sector_level="sector") == []
    problems = cluster_portfolios.check_parameters(ds, regions=["xyz"], compare_phases=["P1", "P9"], sector_level=3)
    assert len(problems) == 3
    assert problems[0].startswith("unknown region 'xyz'; valid: all, a partner id or a NUTS code")
    assert "ecoplus" in problems[0] and "SE224" in problems[0]
    assert problems[1] == "unknown phase 'P9' in compare_phases; valid: auto or two of P1, P2, AA"
    assert problems[2].startswith("unknown sector_level 3; valid: 1 or 'ecosystem'")


def test_regions_resolve_from_partner_ids_and_nuts_codes_above_or_below():
    partners = pd.DataFrame({"partner_id": ["ecoplus", "region_aura", "region_skane", "inma", "adr_nord_est"],
                             "nuts_code": ["AT12", "FRK", "SE224", "RO32", "RO21"]})
    assert pf.resolve_regions(partners, ["SE22"]) == ["region_skane"]        # above SE224
    assert pf.resolve_regions(partners, ["FRK2"]) == ["region_aura"]         # below FRK
    assert pf.resolve_regions(partners, "RO, ecoplus") == ["ecoplus", "inma", "adr_nord_est"]
    assert len(pf.resolve_regions(partners, "all")) == 5


def test_link_network_degree_and_interregional_share_by_hand():
    clusters = pd.DataFrame({"cluster_id": ["a", "b", "c", "d"], "partner_id": ["x", "x", "y", "z"]})
    links = pd.DataFrame({"from_cluster_id": ["a", "a", "b", "c"], "to_cluster_id": ["b", "c", "d", "d"],
                          "phase_id": ["P1", "P1", "P1", "P2"], "projects": [1, 2, 3, 4], "synthetic": True})
    summary = link_summary(links, clusters, phase_order=["P1", "P2"]).set_index("phase_id")
    # P1: a-b inside x; a-c and b-d inter-regional -> 2 of 3 links; projects (2 + 3) of 6 = 5/6
    assert summary.loc["P1", "links"] == 3 and summary.loc["P1", "projects"] == 6
    assert summary.loc["P1", "interregional_share"] == pytest.approx(2 / 3)
    assert summary.loc["P1", "interregional_project_share"] == pytest.approx(5 / 6)
    # degrees in P1: a 2, b 2, c 1, d 1 -> mean 1.5
    assert summary.loc["P1", "mean_degree"] == pytest.approx(1.5) and summary.loc["P1", "max_degree"] == 2
    degrees = link_degrees(links, clusters).set_index(["phase_id", "cluster_id"])
    assert degrees.loc[("P1", "b"), ["degree", "projects", "interregional_links"]].tolist() == [2, 4, 1]
    flows = region_link_flows(links, clusters)
    assert flows.loc[flows["phase_id"] == "P1", ["region_a", "region_b", "projects"]].values.tolist() == [
        ["x", "x", 1], ["x", "y", 2], ["x", "z", 3]]
    # only region z chosen: links touching z, z's clusters only in the degree table
    only_z = link_summary(links, clusters, partner_ids=["z"]).set_index("phase_id")
    assert only_z["links"].to_dict() == {"P1": 1, "P2": 1}
    assert link_degrees(links, clusters, partner_ids=["z"])["cluster_id"].unique().tolist() == ["d"]


def test_figures_carry_titles_units_and_the_demo_footnote():
    classified = diversity_fixture().assign(synthetic=[True, True, False, False, False, False, False])
    by_sector = pf.members_by_sector(classified, ["P1"])
    heat = figs.sector_region_heatmap(by_sector, ["P1"], source_rows=[pf.dated_rows(classified)])
    assert heat.layout.title.text == "Cluster portfolios: clusters per sector and region – P1"
    # 2 of the 6 dated rows are synthetic
    assert "Demo data: 2 of 6 rows are synthetic (33%)" in heat.layout.annotations[0].text
    bars = figs.members_by_sector_bars(by_sector, ["P1"])
    # Agri-food members: x = 30 + 10, y = 20
    agri = next(t for t in bars.data if t.name == "Agri-food")
    assert list(agri.y) == [40, 20]
    assert bars.layout.yaxis.title.text == "Members (organisations)"


def test_committed_notebook_has_no_outputs_and_a_documented_parameters_cell():
    nb = nbformat.read(NOTEBOOKS_DIR / "03_cluster_portfolios.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    for name in ("project_dir", "regions", "compare_phases", "sector_level"):
        line = next(line for line in code[0].source.splitlines() if line.startswith(name))
        assert "#" in line  # documented


def many_sectors_by_region(sectors: int = 15) -> pd.DataFrame:
    """Members per sector for three regions with long names, one phase: 40 members a sector and region."""
    return pd.DataFrame([{"partner_id": r, "phase_id": "P1", "sector_name": f"Sector {s:02d}", "clusters": 1,
                          "clusters_with_members": 1, "members": 40}
                         for r in ("north", "south", "east") for s in range(sectors)])


LONG_LABELS = {"north": "Region Syddanmark (DK03)", "south": "Region Skåne (SE224)", "east": "IDM (ITH1)"}


def note_of(fig):
    return next(a for a in fig.layout.annotations if a.name == "source note")


def plot_area_height(fig) -> int:
    return fig.layout.height - fig.layout.margin.t - fig.layout.margin.b


@pytest.mark.parametrize("draw", ["bars", "heatmap", "complementarity"])
def test_turned_region_labels_end_above_the_demo_caption(draw):
    by_sector = many_sectors_by_region()
    rows = [clusters_frame([("c1", "north", "P1", "Food", 10)])]
    if draw == "bars":
        fig = figs.members_by_sector_bars(by_sector, ["P1"], labels=LONG_LABELS, source_rows=rows)
        size = 10
    elif draw == "heatmap":
        fig = figs.sector_region_heatmap(by_sector, ["P1"], labels=LONG_LABELS, source_rows=rows)
        size = 12
    else:
        matrix = pd.DataFrame(0.5, index=list(LONG_LABELS), columns=list(LONG_LABELS))
        fig = figs.complementarity_heatmap(matrix, labels=LONG_LABELS, source_rows=rows)
        size = 12
    assert {axis.tickangle for axis in fig.select_xaxes()} == {-45}
    # "Region Syddanmark (DK03)": 24 characters of about 0.6 × size px, turned 45° -> 24 × 0.6 × size × 0.707,
    # plus the line (1.3 × size × 0.707), rounded up, and 8 px of tick: 101.8 + 9.2 -> 112 + 8 = 120 px at
    # 10 px; 122.2 + 11.0 -> 134 + 8 = 142 px at 12 px; then the axis
    # title (40 px) and a 10 px gap.
    depth = {10: 120, 12: 142}[size]
    assert figs.tick_label_depth(list(LONG_LABELS.values()), -45, size) == depth
    note = note_of(fig)
    assert (note.y, note.yref, note.yanchor) == (0, "paper", "top")     # hangs from the plot area's lower edge
    assert -note.yshift == depth + 40 + 10
    # and the bottom margin holds the note's lines below that
    lines = note.text.count("<br>") + 1
    assert fig.layout.margin.b >= -note.yshift + 15 * lines
    if draw == "heatmap":   # the slider sits under the note
        assert fig.layout.sliders[0].pad.t >= -note.yshift + 15 * lines


def test_the_stacked_bar_legend_sits_outside_the_bars_and_never_scrolls():
    fig = figs.members_by_sector_bars(many_sectors_by_region(15), ["P1"], labels=LONG_LABELS)
    entries = [t for t in fig.data if t.showlegend]
    assert len(entries) == 15
    legend = fig.layout.legend
    # right of the plot area (paper x 0..1), its top at the plot area's top: it cannot cover a bar
    assert legend.x >= 1 and legend.xanchor == "left" and (legend.y, legend.yanchor) == (1, "top")
    assert legend.orientation == "v"
    # plotly scrolls a legend taller than the plot area: 15 entries of 22 px and a 30 px title need 360 px
    assert plot_area_height(fig) >= 15 * 22 + 30
    few = figs.members_by_sector_bars(many_sectors_by_region(3), ["P1"], labels=LONG_LABELS)
    assert plot_area_height(few) == 320      # the floor: a short legend leaves the bars their usual height
