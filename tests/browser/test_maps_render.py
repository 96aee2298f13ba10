"""Map figures: colours, hover, highlight, links, missing codes, and offline rendering in headless Chromium."""
from __future__ import annotations

import warnings

import pytest

import clusterix_analytics as cx
from clusterix_analytics.analytics.links import interregional_links
from clusterix_analytics.analytics.regions import partner_regions
from clusterix_analytics.config import BROWSER_PATH_ENV, find_chromium
from clusterix_analytics.figures import maps
from clusterix_analytics.figures.theme import PALETTE
from clusterix_analytics.geo.geometry import load_geometry
from clusterix_analytics.lab import images
from clusterix_analytics.reports.browser import screenshot

from .._browser_check import pixels_near, require_chromium
from .._maps_fixture import tiny_dataset


@pytest.fixture(scope="module")
def ds():
    return tiny_dataset()


@pytest.fixture(scope="module")
def shipped():
    return cx.load()


def regions_map(ds, **options):
    """The partner-regions map drawn from ``ds``'s tables on the embedded geometry."""
    return maps.partner_regions_map(partner_regions(ds), load_geometry(), ds.project, **options)


def cooperation_map(ds):
    """The cooperation map of ``ds`` over every phase."""
    return maps.cooperation_map(partner_regions(ds), interregional_links(ds), load_geometry(), ds.project)


def render_offline(fig, tmp_path, name):
    """Write the figure as HTML with plotly.min.js beside it, screenshot it from file:// in Chromium."""
    require_chromium()
    html = tmp_path / f"{name}.html"
    fig.write_html(html, include_plotlyjs="directory", full_html=True)
    return screenshot(html, tmp_path / f"{name}.png", width=1100, height=800)


def test_partner_regions_map_renders_offline_in_chromium(shipped, tmp_path):
    png = render_offline(regions_map(shipped), tmp_path, "regions")
    # Ten partner regions in the single fill colour: many thousand pixels at 1100x800 (about 12,000 measured);
    # countries in light grey fill most of the plot.
    assert pixels_near(png, maps.SINGLE_FILL) > 3000
    assert pixels_near(png, maps.COUNTRY_FILL, tolerance=3) > 100_000


def test_cooperation_map_renders_offline_in_chromium(shipped, tmp_path):
    png = render_offline(cooperation_map(shipped), tmp_path, "links")
    assert pixels_near(png, maps.LINK_REGION_FILL) > 2000
    assert pixels_near(png, maps.LINK_COLOUR) > 3000


def test_save_png_exports_a_static_image(shipped, tmp_path, monkeypatch):
    require_chromium()
    # save_png points kaleido at the Chromium through $BROWSER_PATH: set it here so the test gives it back
    monkeypatch.setenv(BROWSER_PATH_ENV, find_chromium())
    path = images.save_png(regions_map(shipped, color_by="partner_type"), tmp_path / "map.png",
                         width=900, height=600)
    # Region AURA and Region Skåne are regional authorities: the fourth palette colour is on the image.
    assert pixels_near(path, PALETTE[3]) > 1000


def test_save_png_without_chromium_says_so_once_and_skips(ds, tmp_path, monkeypatch):
    monkeypatch.setattr(images, "find_chromium", lambda: None)
    monkeypatch.setattr(images, "_NO_BROWSER_SAID", False)
    fig = regions_map(ds)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert images.save_png(fig, tmp_path / "a.png") is None
        assert images.save_png(fig, tmp_path / "b.png") is None
    assert [str(w.message) for w in caught] == [
        "no Chromium found (install 'chromium' or set BROWSER_PATH): PNG export skipped"]
    assert not (tmp_path / "a.png").exists()
