"""notebooks/01_partner_regions.ipynb under papermill: every documented parameter value, offline HTML."""
from __future__ import annotations

import json

import nbformat
import pytest
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError

import clusterix_analytics as cx
from ._browser_check import pixels_near, require_chromium
from ._gisco_fixture import GISCO_DIR, FixtureServer, gisco_fixture_files
from clusterix_analytics import geo, regions
from clusterix_analytics.browser import screenshot
from clusterix_analytics.figures import maps
from clusterix_analytics.notebook import headlines_from_notebook
from clusterix_analytics.paths import DEFAULT_PROJECT_DIR, NOTEBOOKS_DIR
from .conftest import outputs_of

NOTEBOOK = "01_partner_regions"


PLOTLY = "application/vnd.plotly.v1+json"


def plotly_figures(nb) -> list[dict]:
    """Every plotly figure (as JSON) the executed notebook shows, in order."""
    return [out["data"][PLOTLY] for cell in nb.cells for out in cell.get("outputs", []) if PLOTLY in out.get("data", {})]


def figure_titles(nb) -> list[str]:
    return [fig["layout"]["title"]["text"] for fig in plotly_figures(nb)]


def markdown_text(nb) -> str:
    return "\n".join(outputs_of(nb, "text/markdown"))


@pytest.fixture(scope="module")
def shipped():
    return cx.load()


@pytest.fixture
def gisco_env(tmp_path, monkeypatch):
    """Point the notebook's kernel at a local GISCO fixture server and an empty cache."""
    def start(files):
        server = FixtureServer(files)
        monkeypatch.setenv(geo.BASE_URL_ENV, server.base_url)
        monkeypatch.setenv(geo.CACHE_ENV, str(tmp_path / "geo-cache"))
        return server
    servers = []
    yield lambda files: servers.append(start(files)) or servers[-1]
    for server in servers:
        server.stop()


def test_committed_notebook_has_no_outputs_and_documents_each_parameter():
    nb = nbformat.read(NOTEBOOKS_DIR / f"{NOTEBOOK}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    parameters = code[0]
    assert parameters.metadata["tags"] == ["parameters"]
    for name in ("project_dir", "color_by", "highlight_partner", "geometry_source"):
        assert f"\n{name} = " in "\n" + parameters.source
    for value in regions.colour_options():
        assert f'"{value}"' in parameters.source


def test_default_run_exported_to_html_shows_both_maps_offline(run_notebook, shipped, tmp_path):
    require_chromium()
    nb = run_notebook(NOTEBOOK, color_by="none")
    assert figure_titles(nb) == ["CLUSTERIX 2.0 partner regions",
                                 "Interregional cluster links between CLUSTERIX 2.0 partner regions, all phases"]
    links = regions.interregional_links(shipped)
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


@pytest.mark.parametrize(("color_by", "highlight", "title_end"), [
    ("partner_type", "inma", "partner regions by partner type"),
    ("phase", "none", "partner regions by phase of first policy change"),
    ("policy_changes", "region_skane", "by policy changes (changes)"),
    ("funds_influenced_eur", "none", "by funds influenced by policy changes (EUR)"),
    ("clusters", "vlaio", "by clusters (clusters)"),
    ("interregional_projects", "none", "by joint projects with other regions' clusters (projects)"),
    ("policy_instruments", "idm", "by policy instruments on record (instruments)"),
])
def test_every_colouring_runs(run_notebook, color_by, highlight, title_end):
    nb = run_notebook(NOTEBOOK, color_by=color_by, highlight_partner=highlight)
    titles = figure_titles(nb)
    assert len(titles) == 2 and titles[0].endswith(title_end)
    if highlight != "none":
        short_name = cx.load().partners.set_index("partner_id").loc[highlight, "short_name"]
        assert f"highlight: {short_name}" in [t.get("name") for t in plotly_figures(nb)[0]["data"]]


def test_gisco_geometry_from_the_fixture_server_and_a_missing_code_named(run_notebook, gisco_env):
    # The fixture's level-2 file without RO21 (Nord-Est): the notebook must name it, not drop it silently.
    files = gisco_fixture_files()
    level2 = GISCO_DIR + geo.gisco_filename(2016, 2, "20M")
    collection = json.loads(files[level2])
    collection["features"] = [f for f in collection["features"] if f["properties"]["NUTS_ID"] != "RO21"]
    files[level2] = json.dumps(collection).encode()
    server = gisco_env(files)
    nb = run_notebook(NOTEBOOK, geometry_source="gisco")
    assert len(server.requests) == 3  # levels 1, 2 and 3
    assert headlines_from_notebook(nb)["nuts_codes_without_geometry"] == 1
    assert headlines_from_notebook(nb)["partners_mapped"] == 9
    text = markdown_text(nb)
    assert "© EuroGeographics" in text and "**Not on the map** (no polygon in this geometry): RO21." in text
    annotations = [a["text"] for a in plotly_figures(nb)[0]["layout"]["annotations"]]
    assert any("NUTS 2016 geometry: RO21 (ADR Nord-Est)" in a for a in annotations)


def test_gisco_with_the_server_down_falls_back_to_embedded(run_notebook, gisco_env):
    server = gisco_env(gisco_fixture_files())
    server.stop()
    nb = run_notebook(NOTEBOOK, geometry_source="gisco")
    text = markdown_text(nb)
    assert "**Note:** GISCO NUTS boundaries unavailable (" in text and "using the embedded" in text
    assert headlines_from_notebook(nb)["partners_mapped"] == 10
    assert len(figure_titles(nb)) == 2


def test_bad_parameters_are_refused_with_valid_values(run_notebook):
    with pytest.raises(PapermillExecutionError, match="unknown color_by 'colour'; valid: none, partner_type"):
        run_notebook(NOTEBOOK, color_by="colour", project_dir=str(DEFAULT_PROJECT_DIR))
