"""Views: what each page states (parameter messages, headline numbers, sentences), worked out by hand.

Small cases: the three-partner map dataset (tests/_maps_fixture.py), the tiny indicator project
(tests/unit/test_indicators.py), the nordic_pilot project folder (tests/fixtures), and hand-made pages.
Shipped-data checks use values that can be read off the CSV files.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import clusterix_analytics as cx
from clusterix_analytics.analytics.calendar import OUTSIDE_PHASES_NAME
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.sectors import read_sector_vocabulary
from clusterix_analytics.geo import geometry as geo
from clusterix_analytics.views import (
    cluster_portfolios,
    partner_profile,
    partner_regions,
    policy_change_indicators,
    project_overview,
)

from .._maps_fixture import tiny_dataset as map_dataset
from ..conftest import SECOND_PROJECT
from .test_indicators import tiny_dataset as indicator_dataset
from .test_indicators import tiny_project


@pytest.fixture(scope="module")
def shipped():
    return cx.load()


# ---------------------------------------------------------------- 00 project overview
def overview_page(lead: bool = True, share: float = 0.25) -> project_overview.OverviewPage:
    """Three partners in two countries (a and b in AT, c in SE); a leads unless ``lead`` is False.

    Indicators: ev 117 of a target of 32; nt 5 with no target; lv without a sourced value.
    """
    partners = pd.DataFrame({
        "partner_id": ["a", "b", "c"], "organisation": ["Agency A", "Bureau B", "Council C"],
        "country_code": ["AT", "AT", "SE"], "role": ["lead_partner" if lead else "partner", "partner", "partner"],
    }).set_index("partner_id")
    indicators = pd.DataFrame({
        "indicator_id": ["ev", "nt", "lv"], "name": ["Events", "Newsletters", "Levels"],
        "unit": ["events", "issues", "percent"], "target": [32.0, np.nan, 5.0],
        "achieved": [117.0, 5.0, np.nan], "achievement_pct": [117 / 32 * 100, np.nan, np.nan],
    })
    return project_overview.OverviewPage(project=tiny_project(), partners=partners, indicators=indicators,
                                         synthetic_share=share, synthetic_summary=pd.DataFrame(), frames_used=())


def test_overview_headlines_count_partners_countries_and_sourced_values():
    assert project_overview.headlines(overview_page()) == {
        "partners": 3, "countries": 2, "achieved_ev": 117.0, "achieved_nt": 5.0}


def test_overview_project_summary_names_dates_phases_and_the_lead():
    assert project_overview.project_summary(overview_page()) == (
        "## Tiny project\n\n"
        "test. Official duration 01 January 2020 – 31 December 2020 (assumed); 2 phases, reporting every 6 "
        "months. **3 partners** from **2 countries**, led by Agency A.")
    assert project_overview.project_summary(overview_page(lead=False)).endswith("led by an unnamed lead.")


def test_overview_indicators_summary_lists_the_sourced_values():
    # 117 / 32 = 3.656 -> 366 %; nt has no target; lv has no sourced value and is not listed
    assert project_overview.indicators_summary(overview_page()) == (
        "2 of 3 indicators have a sourced achieved value:\n\n"
        "- **Events**: 117 events against a target of 32 (366%)\n"
        "- **Newsletters**: 5 issues (no target)")
    assert project_overview.demo_rows_sentence(overview_page(share=0.25)) == (
        "The project folder as a whole holds 25% demo rows; per table:")


def test_overview_on_the_shipped_project(shipped):
    numbers = project_overview.headlines(project_overview.build(shipped))
    # partners.csv: 10 partners; AT, BE, CZ, DK, FR, HU, IT, RO (inma and adr_nord_est), SE = 9 countries
    assert (numbers["partners"], numbers["countries"]) == (10, 9)
    assert numbers["achieved_learning_events"] == 117.0


# ---------------------------------------------------------------- 01 partner regions
@pytest.fixture(scope="module")
def regions_ds():
    return map_dataset()


@pytest.fixture(scope="module")
def geometry():
    # module scope: the first load sets GDAL's CA-bundle variables, before any test's environment check
    return geo.load_geometry()


def test_regions_headlines_and_sentences_by_hand(regions_ds, geometry):
    page = partner_regions.build(regions_ds)
    # links: lab–lead 2 + 3 projects, county–lead 1 + 4 (lead's own k1–k2 link stays inside its region);
    # both pairs have 5 projects: the tie goes to the alphabetically first pair, county–lead
    assert partner_regions.headlines(page, geometry) == {
        "partners_mapped": 3, "nuts_codes_without_geometry": 0, "interregional_projects": 10,
        "strongest_pair_projects": 5}
    assert partner_regions.links_summary(page) == (
        # 15 projects in the 5 demo links; 10 between regions (k1-k2, lead-lead, is within one region)
        "The recorded cluster links hold **15 projects (demo data)**, 10 of them between clusters of different "
        "partner regions; the project reported no total to compare them with. The map shows the 10 between "
        "regions of every phase, over 4 cluster links between 2 pairs of regions; the busiest pair is "
        "**County – Lead** with 5 joint projects (demo data).")
    assert partner_regions.partners_on_the_map(page, geometry) == (
        f"The project has **3 partners** in **3 countries**; 3 of them are drawn in their NUTS region. "
        f"{geo.EMBEDDED_ATTRIBUTION.format(year=2016)}.")


def test_regions_sentence_names_codes_off_the_map_and_a_fallback(regions_ds, geometry):
    partners = regions_ds.partners.copy()
    # HU10 is a NUTS 2013 code (NUTS 2016 split it into HU11 and HU12): no polygon in the 2016 geometry
    partners.loc[partners.partner_id == "lab", "nuts_code"] = "HU10"
    page = partner_regions.build(Dataset(project=regions_ds.project, tables={**regions_ds.tables,
                                                                             "partners": partners}))
    geometry = dataclasses.replace(geometry, fallback="GISCO unavailable (offline)")
    assert partner_regions.headlines(page, geometry)["partners_mapped"] == 2
    assert partner_regions.headlines(page, geometry)["nuts_codes_without_geometry"] == 1
    assert partner_regions.partners_on_the_map(page, geometry).endswith(
        "; 2 of them are drawn in their NUTS region. "
        f"{geo.EMBEDDED_ATTRIBUTION.format(year=2016)}. **Note:** GISCO unavailable (offline). "
        "**Not on the map** (no polygon in this geometry): HU10.")


def test_regions_without_links_say_so_and_record_no_busiest_pair(regions_ds, geometry):
    empty = Dataset(project=regions_ds.project, tables={**regions_ds.tables,
                                                        "cluster_links": regions_ds.cluster_links.iloc[:0]})
    page = partner_regions.build(empty)
    assert partner_regions.links_summary(page) == "No cluster links are recorded for this project."
    assert partner_regions.headlines(page, geometry) == {
        "partners_mapped": 3, "nuts_codes_without_geometry": 0, "interregional_projects": 0}


def test_regions_map_footnote_counts_the_rows_its_colour_comes_from(regions_ds, geometry):
    ds = regions_ds
    assert [len(f) for f in partner_regions.map_source_rows(ds, None)] == [3]
    assert [len(f) for f in partner_regions.map_source_rows(ds, "clusters")] == [3, 5]
    assert [len(f) for f in partner_regions.map_source_rows(ds, "interregional_projects")] == [3, 5]
    assert partner_regions.map_source_rows(ds, "interregional_projects")[1] is ds.cluster_links
    assert partner_regions.map_source_rows(ds, "funds_influenced_eur")[1] is ds.policy_changes
    # partners (3 sourced) + cluster links (5 synthetic): 5 of 8 rows are demo data
    note = next(a.text for a in partner_regions.regions_map(
        ds, geometry, color_by="interregional_projects").layout.annotations if "Demo" in a.text)
    assert note.startswith("Demo data: 5 of 8 rows are synthetic (62%).")


def test_regions_parameters_are_refused_in_one_message(regions_ds, geometry):
    with pytest.raises(ValueError) as caught:
        partner_regions.validate_parameters(regions_ds, color_by="colour", geometry_source="osm")
    assert str(caught.value) == ("unknown color_by 'colour'; valid: none, partner_type, phase, policy_changes, "
                                 "funds_influenced_eur, clusters, interregional_projects, policy_instruments; "
                                 "unknown geometry_source 'osm'; valid: embedded, gisco")
    with pytest.raises(ValueError, match="unknown color_by 'size'"):
        partner_regions.regions_map(regions_ds, geometry, color_by="size")


def test_regions_explorer_adapters_draw_the_chosen_phase_and_highlight(regions_ds, geometry):
    links = partner_regions.links_map(regions_ds, geometry, phase="P1")
    # P1: lab–lead 2 projects and county–lead 1 project -> widths 1 + 9 = 10 and 1 + 9 / 2 = 5.5
    assert sorted(t.line.width for t in links.data if t.name == "link") == [5.5, 10.0]
    assert links.layout.title.text.endswith(", Phase 1 – interregional learning")
    every = partner_regions.links_map(regions_ds, geometry, phase="all")
    assert every.layout.title.text.endswith(", all phases")
    drawn = partner_regions.regions_map(regions_ds, geometry, color_by="none", highlight="county")
    assert drawn.data[-1].name == "highlight: County"


# ---------------------------------------------------------------- 02 policy-change indicators
@pytest.fixture(scope="module")
def indicators_page():
    return policy_change_indicators.build(indicator_dataset())


def test_indicators_headlines_are_the_recorded_subset(indicators_page):
    # as in test_indicators.test_headline_numbers_for_the_whole_project: funds 1000 + 5000 + 700 + 500
    assert policy_change_indicators.headlines(indicators_page) == {
        "instruments_improved": 3, "changes_achieved": 5, "funds_influenced_eur": 7200.0, "partners_behind": 2}


def test_indicators_headline_summary_for_all_partners(indicators_page):
    assert policy_change_indicators.headline_summary(indicators_page) == (
        "## Headlines – all partners, the whole project\n\n"
        "Indicator data as of **31 December 2020**.\n\n"
        "- **3 policy instruments improved** through **5 achieved changes** by 3 partners; 1 of these "
        "changes concern an instrument the data does not name (partly demo data).\n"
        "- **7,200 EUR** of funds influenced by the achieved changes (partly demo data).\n"
        "- Scorecard: 0 partners met every target they report on, 0 on track, 2 behind on at least one target.\n"
        "- 1 change dated outside every phase (kept and listed below).")


def test_indicators_sentences_about_funds_the_log_and_the_scorecard(indicators_page):
    page = indicators_page
    # achieved with a known amount: P1 ch1 1000 + ch3 5000 + ch6 500; ch5 (2021) 700 outside every phase;
    # ch2 (P2) has no amount and ch4 is only planned
    assert policy_change_indicators.funds_by_phase_sentence(page) == (
        f"Funds influenced by achieved changes, per phase: Phase one: 6,500 EUR; {OUTSIDE_PHASES_NAME}: 700 EUR.")
    # the log says what changed: ch1..ch6; achieved ch1, ch6 (new projects), ch2 (management), ch3, ch5 (strategic
    # focus), improving inst_a1, inst_a2, inst_c1 (ch3 names none); ch1 is sourced, the rest demo; ch4 is planned
    assert policy_change_indicators.change_log_intro(page) == (
        "### The change log\n\n6 policy changes are logged for all partners, the whole project. The 5 achieved ones "
        "improved 3 policy instruments: 2 new projects, 1 change in management and 2 changes in strategic focus "
        "(partly demo data). Not achieved yet: 1 planned. Months from the project start (01 Jan 2020) to each "
        "change; 1 change falls outside every phase.")
    # the last observation ends on the project's last day: the whole duration has elapsed
    assert policy_change_indicators.scorecard_intro(page) == (
        "As of 31 December 2020, 100% of the project's official duration (01 Jan 2020 – 31 Dec 2020) has "
        "elapsed, so a partner is on track with at least 100% of its share.")
    assert policy_change_indicators.change_types_intro(page).endswith(
        "\n\n6 changes in the log for all partners, the whole project (all statuses; only achieved changes "
        "count as improvements and as funds influenced).")


def test_indicators_reported_totals_next_to_partner_rows(indicators_page):
    # ev: the project reported 250 over 2020; partner rows add up to a 20 + 184 + b 4 + 6 = 214 (demo rows)
    # nt: 1,500 reported to 15 May 2020; partner rows overlapping those dates: a 1000 + b 300 = 1,300
    assert policy_change_indicators.reported_vs_partner_rows(indicators_page) == (
        "### Reported by the project vs. sum of partner rows\n\n"
        "2 indicators have a project-wide total reported by the project; the partner rows are breakdowns and "
        "are compared with it over the same dates, never added to it.\n\n"
        "- Events: **250 events** reported by the project (Jan 2020 – Dec 2020); partner rows add up to 214 "
        "(demo rows)\n"
        "- No target: **1,500 EUR** reported by the project (Jan 2020 – May 2020); partner rows add up to 1,300 "
        "(demo rows)\n\n"
        # ev and nt (sum) add up; lvl is a rate ("percent", last): the partners' latest values are averaged
        'How partner rows combine into "all partners": Events – all partners: the sum of every partner\'s '
        "periods; Rate – all partners: the average of each partner's latest value (each partner counts once); "
        "No target – all partners: the sum of every partner's periods.")


def test_indicators_for_one_partner_name_it_and_its_scorecard():
    page = policy_change_indicators.build(indicator_dataset(), partner="c")
    assert (page.who, page.scope) == ("C", "the whole project")
    # c reports no observation: no chart, and a scorecard without data
    assert policy_change_indicators.cumulative_figure(page) == "No indicator observations for C up to 31 December 2020."
    assert policy_change_indicators.no_observations(page) == "No indicator observations for C up to 31 December 2020."
    summary = policy_change_indicators.headline_summary(page)
    assert "achieved change** (demo data).\n" in summary  # one partner: no "by n partners"; ch5 is demo
    assert "- Scorecard: overall **no data** (0 targets met, 0 on track, 0 behind).\n" in summary


def test_indicators_parameters_are_refused_all_at_once():
    with pytest.raises(ValueError) as caught:
        policy_change_indicators.build(indicator_dataset(), partner="zz", phase="P9")
    assert str(caught.value) == ("bad notebook parameters:\n- unknown partner 'zz'; valid: all, a, b, c\n"
                                 "- unknown phase 'P9'; valid: all, P1, P2")
    with pytest.raises(ValueError, match="unknown indicator 'zz'"):
        policy_change_indicators.cumulative_chart(indicator_dataset(), indicator="zz")


def test_indicators_explorer_chart_and_start(indicators_page):
    chart = policy_change_indicators.cumulative_chart(indicator_dataset(), partner="a", indicator="ev")
    assert chart.layout.title.text == "Events (A): cumulative value against target, by reporting period"
    assert policy_change_indicators.explorer_start(indicators_page) == {
        "partner": "all", "phase": "all", "indicator": "ev"}
    with pytest.raises(ValueError, match="no observations of ev for C in this phase"):
        policy_change_indicators.cumulative_chart(indicator_dataset(), partner="c", indicator="ev")


def test_indicators_funds_on_the_shipped_project(shipped):
    # the sourced project-wide total of funds influenced is 13 MEUR; the demo changes add up to it
    page = policy_change_indicators.build(shipped)
    assert policy_change_indicators.headlines(page)["funds_influenced_eur"] == 13_000_000
    assert "- **13,000,000 EUR** of funds influenced" in policy_change_indicators.headline_summary(page)


# ---------------------------------------------------------------- 03 cluster portfolios
@pytest.fixture(scope="module")
def nordic_portfolios():
    return cluster_portfolios.build(cx.load(SECOND_PROJECT))


def test_portfolio_headlines_on_the_second_project(nordic_portfolios):
    # learn: cph_life, vie_ict; apply: the same two and sth_food
    assert cluster_portfolios.headlines(nordic_portfolios) == {
        "clusters_phase_a": 2, "clusters_phase_b": 3, "clusters_entered": 1, "clusters_left": 0}


def test_portfolio_introduction_and_change_section(nordic_portfolios):
    page = nordic_portfolios
    assert cluster_portfolios.introduction(page) == (
        "**Nordic Pilot – test project** – 3 regions: Capital Test (DK01), Vienna Test (AT13), South Test "
        "(SE22). Compared phases: **Learning phase** (learn) and **Implementation phase** (apply). Sectors at "
        "level 1 (EU industrial ecosystems). 5 dated cluster rows are measured; 0 undated rows are listed at "
        "the end and left out of every phase comparison.")
    section = cluster_portfolios.change_section(page)
    assert section.startswith("### From Learning phase to Implementation phase, per region\n\n")
    # cph_life 40 -> 46 members: +15.0 %; vie_ict 25 -> 30: +20.0 %; sth_food enters
    assert ("- **Capital Test (DK01)**: 1 cluster in learn → 1 in apply\n    - entered (0): none\n"
            "    - left (0): none\n    - grew (1): Capital Life Science (test)\n"
            "    - members of the continuing clusters counted in both phases: +15.0 %") in section
    assert "members of the continuing clusters counted in both phases: +20.0 %" in section
    assert "- **South Test (SE22)**: 0 clusters in learn → 1 in apply\n    - entered (1): South Food (test)" in section


def test_portfolio_unmapped_sectors_and_candidate_pairs(nordic_portfolios):
    page = nordic_portfolios
    # "Life science" and "Food" are in the shared sector map, "ICT" is not
    assert cluster_portfolios.unmapped_summary(page) == (
        "**Warning:** 1 sector text maps to nothing in `sectors/sector_map.csv`, and 0 clusters have no "
        "sector.")
    # three regions, three different sectors in apply: no pair shares one
    assert cluster_portfolios.candidate_pairs_sentence(page) == (
        "No pair of regions shares a sector in this phase, so no candidate pair is ranked.")


def test_portfolio_hubs_of_a_phase(nordic_portfolios):
    apply = nordic_portfolios.hubs.query("phase_id == 'apply'")
    # apply: vie_ict is linked to cph_life (3 projects) and sth_food (1): degree 2, 4 projects
    assert apply.iloc[0][["name", "region", "degree", "projects"]].tolist() == [
        "Vienna ICT (test)", "Vienna Test (AT13)", 2, 4]


def test_portfolio_parameters_are_refused_with_the_valid_values(shipped):
    with pytest.raises(ValueError) as caught:
        cluster_portfolios.build(shipped, regions=["atlantis"], compare_phases=["P1", "P1"])
    message = str(caught.value)
    assert message.startswith("invalid parameters:\n  unknown region 'atlantis'; valid: all, a partner id")
    assert message.endswith("\n  compare_phases names 'P1' twice; choose two different phases of P1, P2, AA")
    vocabulary = read_sector_vocabulary(shipped.project.directory)
    with pytest.raises(ValueError, match="compare_phases names 'AA' twice"):
        cluster_portfolios.change_chart(shipped, vocabulary, "AA", "AA")


# ---------------------------------------------------------------- 04 partner profile
@pytest.fixture(scope="module")
def inma(shipped):
    return partner_profile.build(shipped, partner="inma")


def test_profile_headlines_and_changes_sentence_for_inma(inma):
    # policy_changes.csv: 8,400,000 and 898,097 EUR, achieved; demo: two achieved changes, funds unknown
    assert partner_profile.headlines(inma)["policy_changes"] == 4
    assert partner_profile.headlines(inma)["funds_influenced_eur"] == 8_400_000  # the competition is inside it
    assert partner_profile.changes_sentence(inma) == (
        "4 policy changes recorded, 4 achieved; funds influenced: EUR 8,400,000 (2 of the 4 rows are demo data).")
    # policy_instruments.csv: three INMA instruments, the PNCDI III call addressed
    assert partner_profile.instruments_sentence(inma) == (
        "3 policy instruments of this partner in the data; 1 named by a source as addressed by its project work.")


def test_profile_sentences_use_the_singular_and_escape_the_data(inma):
    one = dataclasses.replace(inma, instruments=inma.instruments.head(1).assign(addressed=False),
                              changes=inma.changes.head(1),
                              change_rows=inma.change_rows[inma.change_rows["change_id"] == inma.changes.change_id[0]])
    assert partner_profile.instruments_sentence(one) == (
        "1 policy instrument of this partner in the data; 0 named by a source as addressed by its project work.")
    assert partner_profile.changes_sentence(one).startswith("1 policy change recorded, 1 achieved;")
    facts = inma.facts.copy()
    facts.loc["organisation", "value"] = "R&D <Lab>"
    facts.loc["region_name", "value"] = "Bucharest & Ilfov"
    assert partner_profile.partner_sentence(dataclasses.replace(inma, facts=facts)) == (
        "**R&amp;D &lt;Lab&gt;** is a partner of CLUSTERIX 2.0 – New Models of Innovation for Strategic Cluster "
        "Partnerships, representing Bucharest &amp; Ilfov (RO32).")
    lead = partner_profile.build(cx.load(), partner="ecoplus")
    assert " is a lead partner of " in partner_profile.partner_sentence(lead)


def test_profile_defaults_to_the_first_partner_and_refuses_an_unknown_one(shipped):
    assert partner_profile.build(shipped, partner=" ").partner == "ecoplus"     # first row of partners.csv
    assert partner_profile.build(shipped).partner == "ecoplus"
    second = partner_profile.build(cx.load("tests/fixtures/nordic_pilot"))
    assert second.partner == "cph"                                            # its first partner
    with pytest.raises(ValueError, match="^unknown partner 'lund'; valid: ecoplus"):
        partner_profile.build(shipped, partner="lund")


def test_profile_timeline_is_a_sentence_without_changes(inma):
    without = dataclasses.replace(inma, timeline_changes=inma.timeline_changes.iloc[:0])
    assert partner_profile.timeline_figure(without) == "No policy changes of INMA are recorded."
    timeline = partner_profile.timeline_figure(inma)
    assert sum(len(trace.x) for trace in timeline.data) == 4  # INMA's four changes
