"""notebooks/01_partner_regions.ipynb under papermill: every documented parameter value, offline HTML."""
from __future__ import annotations

import json

import pytest
from papermill.exceptions import PapermillExecutionError

import clusterix_analytics as cx
from clusterix_analytics import config
from clusterix_analytics.config import DEFAULT_PROJECT_DIR
from clusterix_analytics.geo import gisco
from clusterix_analytics.reports.manifest import headlines_from_notebook

from .._gisco_fixture import GISCO_DIR, FixtureServer, gisco_fixture_files
from ..conftest import figure_titles, markdown_text, plotly_figures

NOTEBOOK = "01_partner_regions"


@pytest.fixture(scope="module")
def shipped():
    return cx.load()


@pytest.fixture
def gisco_env(tmp_path, monkeypatch):
    """Point the notebook's kernel at a local GISCO fixture server and an empty cache."""
    def start(files):
        server = FixtureServer(files)
        monkeypatch.setenv(config.GISCO_BASE_URL_ENV, server.base_url)
        monkeypatch.setenv(config.GEO_CACHE_ENV, str(tmp_path / "geo-cache"))
        return server
    servers = []
    yield lambda files: servers.append(start(files)) or servers[-1]
    for server in servers:
        server.stop()


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
    level2 = GISCO_DIR + gisco.gisco_filename(2016, 2, "20M")
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


def test_the_report_page_stays_within_the_page_budget(tmp_path):
    # The page holds the two maps' figure data (plotly.min.js sits beside it): only the partners' units and
    # the grey countries near them go in, so it stays under the 300 KB budget of a page.
    import io
    from pathlib import Path

    from clusterix_analytics.reports.runner import run_report

    out = io.StringIO()
    code = run_report(out_dir=tmp_path, only=["01*"], jobs=1, thumbnails=False, progress=False, stdout=out,
                      stderr=io.StringIO())
    assert code == 0, out.getvalue()
    folder = Path(out.getvalue().splitlines()[0])
    (page,) = [p for p in folder.glob("01*.html")]
    assert page.stat().st_size <= 300_000, f"{page.name}: {page.stat().st_size:,} bytes"
