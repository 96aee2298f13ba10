"""notebooks/01_partner_regions.ipynb under papermill: every documented parameter value, offline HTML."""
from __future__ import annotations

import pytest
from nbconvert import HTMLExporter

import clusterix_analytics as cx
from clusterix_analytics.analytics.links import interregional_links
from clusterix_analytics.figures import maps
from clusterix_analytics.reports.browser import screenshot
from clusterix_analytics.reports.manifest import headlines_from_notebook

from .._browser_check import pixels_near, require_chromium
from ..conftest import figure_titles, markdown_text

NOTEBOOK = "01_partner_regions"


@pytest.fixture(scope="module")
def shipped():
    return cx.load()


def test_default_run_exported_to_html_shows_both_maps_offline(run_notebook, shipped, tmp_path):
    require_chromium()
    nb = run_notebook(NOTEBOOK, color_by="none")
    assert figure_titles(nb) == ["CLUSTERIX 2.0 partner regions",
                                 "Interregional cluster links between CLUSTERIX 2.0 partner regions, all phases"]
    links = interregional_links(shipped)
    headlines = headlines_from_notebook(nb)
    assert 0 < headlines.pop("demo_share") < 1
    assert headlines == {
        "partners_mapped": 10, "nuts_codes_without_geometry": 0,
        "interregional_projects": int(links["projects"].sum()),
        "strongest_pair_projects": int(links["projects"].max())}
    assert "The project has **10 partners** in **9 countries**" in markdown_text(nb)

    body, _ = HTMLExporter().from_notebook_node(nb)
    html = tmp_path / "01_partner_regions.html"
    html.write_text(body, encoding="utf-8")
    png = screenshot(html, tmp_path / "page.png", width=1200, height=4400, virtual_time_ms=8000)
    # Both maps drawn by the plotly.js embedded in the page: partner regions in the single fill colour
    # (~12,000 px for one map at this size), the link map's regions in light blue, its links in vermillion.
    assert pixels_near(png, maps.SINGLE_FILL) > 3000
    assert pixels_near(png, maps.LINK_REGION_FILL) > 2000
    assert pixels_near(png, maps.LINK_COLOUR) > 3000
