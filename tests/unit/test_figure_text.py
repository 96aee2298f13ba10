"""Text from the data reaches a plotly figure as literal text (issue 16, item 1): plotly.js reads a subset of HTML
(``<a href>``, ``<b>``, ``<br>``, ...) in every text it draws and fills ``%{...}`` in hover and text templates, so
every builder puts data through :func:`clusterix_analytics.text.figure_text`.

Each free-text column of tests/fixtures/learning_pilot and the project's names get the payload appended; every
figure of every page (through the views, as the notebooks draw them) then holds the payload entity-escaped and
never as raw HTML or as a template placeholder.
"""
from __future__ import annotations

import shutil
import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml

import clusterix_analytics as cx
from clusterix_analytics.figures import learning as learning_figures
from clusterix_analytics.figures import overview as overview_figures
from clusterix_analytics.figures import portfolio as portfolio_figures
from clusterix_analytics.figures.profile import share_of_targets_figure
from clusterix_analytics.figures.theme import wrap_text
from clusterix_analytics.text import figure_text
from clusterix_analytics.views import (
    cluster_portfolios,
    partner_profile,
    partner_regions,
    policy_change_indicators,
    policy_learning,
    project_overview,
)

from ..browser.test_hostile_text_pages import free_text_columns
from ..conftest import FIXTURES

PAYLOAD = '<a href="https://x.example">p</a>%{x}'
# worked out by hand: & < > as entities, % as &#37; (plotly's templating does not see it, its drawing shows %)
ESCAPED = '&lt;a href="https://x.example"&gt;p&lt;/a&gt;&#37;{x}'


def test_figure_text_makes_html_and_placeholders_literal():
    assert figure_text(PAYLOAD) == ESCAPED
    assert figure_text("R&D <b>bold</b> 50 %") == "R&amp;D &lt;b&gt;bold&lt;/b&gt; 50 &#37;"
    assert figure_text(None) == "" and figure_text(3) == "3"


def test_wrap_text_escapes_each_line_and_keeps_its_own_breaks():
    assert wrap_text("<b>Vienna</b> & Lower Austria", 14) == "&lt;b&gt;Vienna&lt;/b&gt;<br>&amp; Lower<br>Austria"


def strings(value) -> list[str]:
    """Every string inside a figure's JSON (traces, layout, annotations, sliders, buttons)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings(v)]
    if hasattr(value, "tolist"):          # numpy arrays of labels
        return strings(value.tolist())
    return []


def raw_payload(texts: str) -> bool:
    """Does any part of the payload reach plotly unescaped: its link, or its placeholder right after it (also
    where a line break of wrap_text falls between them)?"""
    return any(raw in texts for raw in ("<a", 'x.example">', "p</a>", "&gt;%{x}", "&gt;<br>%{x}"))


def assert_literal(fig) -> None:
    joined = "\n".join(strings(fig.to_plotly_json()))
    assert not raw_payload(joined)
    assert ESCAPED in joined


# --- each builder family, on a hand-made input -------------------------------------------------------------

def test_overview_phase_and_indicator_names_are_escaped():
    project = cx.load(FIXTURES / "learning_pilot").project
    hostile = replace(project, phases=(replace(project.phases[0], name=PAYLOAD), *project.phases[1:]))
    fig = overview_figures.phases_timeline(hostile)
    assert fig.data[0].y == (ESCAPED,)
    assert fig.data[0].hovertemplate == "%{y}<br>%{customdata[0]}<br>dates %{customdata[1]}<extra></extra>"
    assert_literal(fig)
    table = pd.DataFrame({"name": [PAYLOAD], "unit": ["<b>u</b>"], "target": [10.0], "achieved": [5.0],
                          "achievement_pct": [50.0]})
    fig = overview_figures.headline_indicators_chart(table)
    assert fig.data[0].y == (ESCAPED,) and fig.data[0].text == ("5 of 10 &lt;b&gt;u&lt;/b&gt;",)
    assert_literal(fig)


def test_profile_targets_figure_escapes_names_units_and_the_partner():
    table = pd.DataFrame({"name": [PAYLOAD], "unit": ["events"], "value": [8.0], "target": [32.0],
                          "share_of_target": [0.25], "synthetic_observations": [1]})
    fig = share_of_targets_figure(table, "<b>ecoplus</b>")
    assert fig.data[0].y == (ESCAPED,) and fig.data[0].x == (25.0,)
    assert fig.layout.title.text.startswith("&lt;b&gt;ecoplus&lt;/b&gt;: contribution")
    assert_literal(fig)


def test_portfolio_labels_sectors_and_phase_names_are_escaped():
    by_sector = pd.DataFrame({"partner_id": ["a", "b"], "phase_id": ["P1", "P1"], "sector_name": [PAYLOAD, "Food"],
                              "clusters": [2, 1], "clusters_with_members": [2, 1], "members": [30, 10]})
    labels, phases = {"a": PAYLOAD, "b": "B"}, {"P1": "Phase <i>one</i>"}
    heat = portfolio_figures.sector_region_heatmap(by_sector, ["P1"], labels=labels, phase_names=phases)
    assert heat.data[0].x == (ESCAPED, "B") and ESCAPED in heat.data[0].y
    assert heat.data[0].name == "Phase &lt;i&gt;one&lt;/i&gt;"          # the phase's name, not P1
    assert heat.layout.sliders[0].steps[0].label == "Phase &lt;i&gt;one&lt;/i&gt;"
    bars = portfolio_figures.members_by_sector_bars(by_sector, ["P1"], labels=labels, phase_names=phases)
    assert {t.name for t in bars.data} == {ESCAPED, "Food"}
    assert all("Phase &lt;i&gt;one&lt;/i&gt;" in t.hovertemplate and "P1" not in t.hovertemplate for t in bars.data)
    matrix = pd.DataFrame([[0.0, 0.4], [0.4, 0.0]], index=["a", "b"], columns=["a", "b"])
    for fig in (heat, bars, portfolio_figures.complementarity_heatmap(matrix, labels=labels, phase_name=PAYLOAD)):
        assert_literal(fig)
    flows = pd.DataFrame({"phase_id": ["P1"], "region_a": ["a"], "region_b": ["b"], "links": [1], "projects": [3]})
    sankey = portfolio_figures.link_sankey(flows, ["P1"], labels=labels, phase_names=phases)
    assert sankey.data[0].node.label == (ESCAPED, "B", ESCAPED, "B")
    assert sankey.layout.updatemenus[0].buttons[0].label == "Phase &lt;i&gt;one&lt;/i&gt;"
    assert_literal(sankey)


def test_learning_topics_and_phase_names_are_escaped():
    grid = pd.DataFrame({"topic": [PAYLOAD], "phase_id": ["P1"], "documented": [2], "demo": [1]})
    fig = learning_figures.topics_heatmap(grid, {"P1": "<b>Learn</b>"})
    assert fig.data[0].y == (ESCAPED,) and fig.data[0].x == ("&lt;b&gt;Learn&lt;/b&gt;",)
    assert fig.data[0].customdata[0][0] == "3 learning events (1 demo)"
    assert_literal(fig)


# --- every figure of every page, from a project with the payload in each free-text value ---------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> cx.Dataset:
    target = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(FIXTURES / "learning_pilot", target)
    meta = yaml.safe_load((target / "project.yaml").read_text(encoding="utf-8"))
    for table, file in meta["tables"].items():
        frame = pd.read_csv(target / file, dtype=str, keep_default_na=False)
        for column in [c for c in free_text_columns(table) if c in frame]:
            frame[column] = [f"{value} {PAYLOAD}".strip() for value in frame[column]]
        frame.to_csv(target / file, index=False)
    meta["name"] += " " + PAYLOAD
    for phase in meta["phases"]:
        phase["name"] += " " + PAYLOAD
    (target / "project.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True),
                                         encoding="utf-8")
    return cx.load(Path(target))


def page_figures(ds: cx.Dataset) -> dict[str, object]:
    overview = project_overview.build(ds)
    portfolios = cluster_portfolios.build(ds)
    indicators = policy_change_indicators.build(ds)
    learning = policy_learning.build(ds)
    partner = str(ds.partners.partner_id.iloc[0])
    profile = partner_profile.build(ds, partner)
    regions_geometry = partner_regions.map_geometry(ds)
    figures = {
        "phases": project_overview.phases_figure(overview),
        "headline indicators": project_overview.indicators_figure(overview),
        "sector heatmap": cluster_portfolios.sector_heatmap_figure(portfolios),
        "members": cluster_portfolios.members_figure(portfolios),
        "change": cluster_portfolios.change_figure(portfolios),
        "complementarity": cluster_portfolios.complementarity_figure(portfolios),
        "links": cluster_portfolios.links_figure(portfolios),
        "phase comparison": policy_change_indicators.phase_figure(indicators),
        "scorecard": policy_change_indicators.scorecard_figure(indicators),
        "change timeline": policy_change_indicators.timeline_figure(indicators),
        "funds": policy_change_indicators.funds_figure(indicators),
        "topics": policy_learning.topics_figure(learning),
        "events timeline": policy_learning.timeline_figure(learning),
        "events map": policy_learning.events_map_figure(learning, policy_learning.map_geometry(ds)),
        "hosts": policy_learning.hosts_figure(learning),
        "network": policy_learning.network_figure(learning),
        "regions map": partner_regions.regions_map(ds, regions_geometry, color_by="partner_type"),
        "links map": partner_regions.links_map(ds, regions_geometry),
        "locator map": partner_profile.locator_map(ds, partner_profile.map_geometry(ds), partner),
        "targets": partner_profile.targets_figure(profile),
        "profile timeline": partner_profile.timeline_figure(profile),
        "cumulative": policy_change_indicators.cumulative_figure(indicators),
    }
    return {name: fig for name, fig in figures.items() if fig is not None}


def test_every_page_figure_shows_the_payload_as_text(hostile):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figures = page_figures(hostile)
    assert len(figures) == 22             # named above (the cumulative small multiples: one figure)
    without_payload = []
    for name, fig in figures.items():
        texts = "\n".join(strings(fig.to_plotly_json()))
        assert not raw_payload(texts), name
        if ESCAPED not in texts.replace("<br>", ""):
            without_payload.append(name)
    assert without_payload == []          # each figure names something that carries the payload
