"""Pages of a project with nothing to draw: every chart of a view is then a sentence saying why, never an empty
chart, and no sentence states a date or a share it does not have.

The project (tests/_project_factory) has two partners, one instrument list, one indicator and no other row: no
observation, policy change, cluster or link. The shipped project without demo data has a partner (VLAIO) with no
observation and no policy change.
"""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

import clusterix_analytics as cx
from clusterix_analytics.figures.theme import has_data
from clusterix_analytics.lab import notebook
from clusterix_analytics.views import cluster_portfolios as portfolios
from clusterix_analytics.views import partner_profile as profile
from clusterix_analytics.views import partner_regions as regions
from clusterix_analytics.views import policy_change_indicators as indicators
from clusterix_analytics.views import project_overview as overview

from ..conftest import sourced_only_copy


@pytest.fixture(scope="module")
def sourced_only(tmp_path_factory):
    return cx.load(sourced_only_copy(tmp_path_factory.mktemp("sourced") / "clusterix2"))


def test_has_data_tells_an_empty_chart_from_one_with_a_value():
    assert not has_data(go.Figure())
    assert not has_data(go.Figure([go.Bar(x=[], y=[]), go.Bar(x=["P1"], y=[None])]))
    assert has_data(go.Figure([go.Bar(x=["P1"], y=[None]), go.Bar(x=["P2"], y=[3.0])]))
    assert has_data(go.Figure(go.Bar(x=[25.0], y=["Events"], orientation="h")))
    assert not has_data(go.Figure(go.Heatmap(z=[[None, None], [None, None]])))
    assert has_data(go.Figure(go.Sankey(link={"source": [0], "target": [1], "value": [2]})))


def test_the_indicators_page_says_there_is_nothing_to_draw(empty):
    page = indicators.build(empty)
    assert indicators.cumulative_figure(page) == "No indicator observations for all partners."
    assert indicators.no_observations(page) == "No indicator observations for all partners."
    assert indicators.phase_figure(page) == "No indicator has a value in a phase for all partners, the whole project."
    assert indicators.scorecard_figure(page) == ("No scorecard to draw: all partners have no value of an indicator "
                                                 "with a target, the whole project.")
    assert indicators.timeline_figure(page) == "No policy changes are recorded for all partners, the whole project."
    assert indicators.funds_figure(page) == ("No achieved policy change of all partners has a known amount of "
                                             "funds, the whole project.")


def test_the_indicators_page_states_no_date_or_share_it_does_not_have(empty):
    page = indicators.build(empty)
    assert "No indicator has an observation yet." in indicators.headline_summary(page)
    assert "as of" not in indicators.headline_summary(page)
    project = page.project
    assert indicators.scorecard_intro(page) == (
        "No indicator has an observation yet, so no partner is on track or behind (project duration "
        f"{project.start:%d %b %Y} – {project.end:%d %b %Y}).")
    assert "no project-wide total of any indicator" in indicators.reported_vs_partner_rows(page)


def test_reported_totals_without_partner_rows_say_so(sourced_only):
    # CLUSTERIX 2.0 without demo data: 60 people, 13 MEUR and 70 projects reported, no partner row of them
    text = indicators.reported_vs_partner_rows(indicators.build(sourced_only))
    assert "nan" not in text
    assert ("**60 people** reported by the project (Apr 2016 – Mar 2019); no partner row breaks it down\n" in text)
    assert "partner rows add up to 9, counted from the events table" in text


def test_a_partner_without_changes_or_observations_gets_sentences(sourced_only):
    page = indicators.build(sourced_only, partner="vlaio")
    assert indicators.timeline_figure(page) == "No policy changes are recorded for VLAIO, the whole project."
    assert indicators.phase_figure(page) == "No indicator has a value in a phase for VLAIO, the whole project."
    assert isinstance(indicators.scorecard_figure(indicators.build(sourced_only)), go.Figure)
    card = profile.build(sourced_only, partner="vlaio")
    assert profile.targets_figure(card) == ("VLAIO has no value of an indicator with a project target, so no share "
                                            "of a target to draw.")
    assert profile.timeline_figure(card) == "No policy changes of VLAIO are recorded."
    # INMA has both: the charts are drawn
    inma = profile.build(sourced_only, partner="inma")
    assert has_data(profile.targets_figure(inma)) and has_data(profile.timeline_figure(inma))


def test_the_other_pages_say_there_is_nothing_to_draw(empty):
    page = overview.build(empty)
    assert overview.indicators_figure(page) == "No indicator has both a target and a sourced achieved value to chart."
    assert overview.indicators_summary(page) == "None of the 1 indicators has a sourced achieved value yet."
    folio = portfolios.build(empty)
    assert portfolios.sector_heatmap_figure(folio) == portfolios.NO_DATED_CLUSTERS
    assert portfolios.members_figure(folio) == "No member count is known for the regions' clusters in any phase."
    assert portfolios.change_figure(folio) == ("No dated cluster of these regions is in Phase ph1 or Phase ph2: "
                                               "nothing to compare.")
    assert portfolios.complementarity_figure(folio) == ("Fewer than two regions have clusters with a sector in "
                                                        "Phase ph2: no complementarity to compare.")
    assert portfolios.links_figure(folio) == "No cluster links of these regions are recorded for this project."
    region_page = regions.build(empty)
    assert regions.links_figure(region_page, empty, regions.map_geometry(empty, "embedded")) == (
        "The map of cluster links is left out: no link is recorded to draw.")


def test_show_displays_the_sentence_as_markdown(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **_: shown.append(obj))
    notebook.show("No cluster links are recorded for this project.")
    assert [type(o).__name__ for o in shown] == ["Markdown"]
    assert shown[0].data == "No cluster links are recorded for this project."


def test_tables_of_nothing_have_their_columns_and_no_rows(empty):
    # phase values without a partner row kept the 'synthetic' column the table shows; an empty frame's
    # candidate column selected no columns instead of no rows
    phases = indicators.phase_table(indicators.build(empty))
    assert len(phases.cells) == 0 and "Demo data" in phases.cells.columns
    candidates = portfolios.candidates_table(portfolios.build(empty))
    assert len(candidates.cells) == 0 and list(candidates.cells.columns)[:2] == ["Rank", "Region"]
