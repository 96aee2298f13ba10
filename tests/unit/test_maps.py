"""Map figures: colours, hover, highlight, links, missing codes, and offline rendering in headless Chromium."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
import shapely

import clusterix_analytics as cx
from clusterix_analytics.analytics.links import interregional_links
from clusterix_analytics.analytics.regions import partner_regions
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.figures import maps
from clusterix_analytics.figures.theme import PALETTE
from clusterix_analytics.geo import geometry as geo
from clusterix_analytics.reports.browser import screenshot
from clusterix_analytics.views import partner_regions as view

from .._browser_check import require_chromium
from .._maps_fixture import tiny_dataset


@pytest.fixture(scope="module")
def ds():
    return tiny_dataset()


def regions_map(ds, **options):
    """The partner-regions map drawn from ``ds``'s tables on the embedded geometry."""
    return maps.partner_regions_map(partner_regions(ds), geometry_of(ds), ds.project, **options)


def cooperation_map(ds, phase=None):
    """The cooperation map of ``ds`` for one phase ("all" / None: every phase)."""
    links = interregional_links(ds, None if phase == "all" else phase)
    return maps.cooperation_map(partner_regions(ds), links, geometry_of(ds), ds.project, phase=phase)


def geometry_of(ds):
    """The embedded units of ``ds``'s partners, in the project's NUTS version (as the views load them)."""
    return geo.load_geometry(codes=ds.partners["nuts_code"].dropna(), year=ds.project.nuts_version)


def region_traces(fig):
    """The filled partner-region traces (the country layer excluded), in drawing order."""
    return [t for t in fig.data if t.fill == "toself" and t.name != "countries"]


def test_regions_filled_by_partner_type_with_hover(ds):
    fig = regions_map(ds, color_by="partner_type")
    traces = region_traces(fig)
    # Drawn in NUTS-code order AT12 (lead), RO32 (lab), SE224 (county); types sorted alphabetically:
    # business agency -> PALETTE[0], regional authority -> PALETTE[1], research institute -> PALETTE[2].
    assert [t.fillcolor for t in traces] == [PALETTE[0], PALETTE[2], PALETTE[1]]
    assert [t.name for t in traces] == ["business agency", "research institute", "regional authority"]
    hover = traces[0].text
    assert "<b>Lead Agency</b>" in hover and "Region: Niederösterreich (AT12)" in hover
    assert "Policy instruments addressed: Cluster Programme" in hover
    assert "Other instruments on record: Innovation Voucher" in hover
    assert "Policy instruments addressed: none named by a source" in traces[2].text
    assert fig.layout.title.text == "CLUSTERIX 2.0 partner regions by partner type"
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.visible is False
    labels = next(t for t in fig.data if t.name == "labels")
    assert list(labels.text) == ["Lead", "Lab", "County"]


def test_regions_filled_by_phase_of_first_policy_change(ds):
    traces = region_traces(regions_map(ds, color_by="phase", labels=False))
    # lead's first change is in P1 (first colour), lab's in AA (second colour present), county has none (grey).
    assert [t.fillcolor for t in traces] == [PALETTE[0], PALETTE[1], maps.NO_DATA_FILL]


def test_regions_filled_by_a_numeric_column_with_a_colour_bar(ds):
    fig = regions_map(ds, color_by="funds_influenced_eur")
    traces = region_traces(fig)
    # Funds: lead 350 (the maximum -> darkest end of Blues), lab 0 and county 0 (the 0.15 floor).
    assert traces[0].fillcolor == "rgb(8, 48, 107)"
    assert traces[1].fillcolor == traces[2].fillcolor != traces[0].fillcolor
    bar = next(t for t in fig.data if t.marker.showscale)
    assert (bar.marker.cmin, bar.marker.cmax, bar.marker.colorbar.title.text) == (0, 350.0, "EUR")
    assert "Funds influenced by policy changes: 350 EUR" in traces[0].text
    assert fig.layout.title.text.endswith("by funds influenced by policy changes (EUR)")


def test_legend_and_colour_bar_sit_outside_the_map_area(ds):
    # The map area is paper x 0..1, y 0..1: a legend or colour bar anchored left of x = 1.02 covers no region.
    maps_drawn = {"by type": regions_map(ds, color_by="partner_type"),
                  "numeric with highlight": regions_map(ds, color_by="funds_influenced_eur", highlight="lab"),
                  "links": cooperation_map(ds)}
    for name, fig in maps_drawn.items():
        legend = fig.layout.legend
        assert (legend.x, legend.xanchor, legend.y, legend.yanchor) == (1.02, "left", 1, "top"), name
    bar = next(t for t in maps_drawn["numeric with highlight"].data if t.marker.showscale).marker.colorbar
    assert (bar.x, bar.xanchor) == (1.02, "left")
    # the colour bar spans the lower 75 % of the map's height, the legend (one entry: the highlight) the top
    assert (bar.y, bar.yanchor, bar.len, bar.lenmode) == (0, "bottom", 0.75, "fraction")


def test_highlighted_partner_stands_out(ds):
    fig = regions_map(ds, highlight="lab")
    outline = fig.data[-1]
    assert outline.name == "highlight: Lab" and outline.line.width == 3.5 and outline.fill is None
    assert any(a.text == "<b>Lab</b>" and a.showarrow for a in fig.layout.annotations)
    labels = next(t for t in fig.data if t.name == "labels")
    assert list(labels.text) == ["Lead", "", "County"]  # the boxed label replaces the plain one


def test_unknown_parameters_are_refused_with_valid_values(ds):
    # the view checks the parameters against the data before it builds a map
    with pytest.raises(ValueError, match="unknown partner 'nobody'; valid: none, county, lab, lead"):
        view.regions_map(ds, geo.load_geometry(), highlight="nobody")
    with pytest.raises(ValueError, match="unknown phase 'P7'; valid: all, P1, P2, AA"):
        view.links_map(ds, geo.load_geometry(), phase="P7")


def test_codes_without_geometry_are_named_in_a_warning_and_on_the_figure(ds):
    # FR71 and HU10 are NUTS 2013 codes: NUTS 2016 (the project's version) replaced them by FRK2 and by
    # HU11 + HU12, so the NUTS 2016 geometry has no polygon for them.
    partners = ds.partners.copy()
    partners.loc[partners.partner_id == "county", "nuts_code"] = "FR71"
    partners.loc[partners.partner_id == "lab", "nuts_code"] = "HU10"
    changed = Dataset(project=ds.project, tables={**ds.tables, "partners": partners})
    with pytest.warns(geo.MissingGeometryWarning, match=r"FR71 \(County\); HU10 \(Lab\)"):
        fig = regions_map(changed)
    drawn = region_traces(fig)
    assert len(drawn) == 1 and "(AT12)" in drawn[0].text
    assert any("NUTS 2016 geometry: FR71 (County); HU10 (Lab)" in a.text for a in fig.layout.annotations)
    with pytest.warns(geo.MissingGeometryWarning, match="HU10"):
        coop = cooperation_map(changed)
    assert [t for t in coop.data if t.name == "link"] == []  # every link touches a region with no polygon


def test_a_partner_without_nuts_code_is_named_too(ds):
    partners = ds.partners.astype({"nuts_code": "string"})
    partners.loc[partners.partner_id == "lab", "nuts_code"] = pd.NA
    changed = Dataset(project=ds.project, tables={**ds.tables, "partners": partners})
    with pytest.warns(geo.MissingGeometryWarning, match=r"geometry: no NUTS code \(Lab\)$"):
        fig = regions_map(changed)
    assert len(region_traces(fig)) == 2


# Eight partners of another Interreg project, at mixed NUTS 2016 levels: Lithuania as a whole (level 0),
# Oost-Nederland (NL2, level 1), Nord-Vest (RO11), Castilla-La Mancha (ES42), Śląskie (PL22),
# Východné Slovensko (SK04), Kentriki Makedonia (EL52) at level 2 and Gävleborgs län (SE313) at level 3.
EIGHT_PARTNERS = {"lt": "LT", "nl": "NL2", "ro": "RO11", "es": "ES42", "pl": "PL22", "sk": "SK04", "el": "EL52",
                  "se": "SE313"}


def eight_partner_dataset(ds) -> Dataset:
    ids = list(EIGHT_PARTNERS)
    partners = pd.DataFrame({
        "partner_id": ids, "organisation": [f"Agency {i.upper()}" for i in ids],
        "short_name": [i.upper() for i in ids], "country_code": [c[:2] for c in EIGHT_PARTNERS.values()],
        "nuts_code": list(EIGHT_PARTNERS.values()), "nuts_level": [len(c) - 2 for c in EIGHT_PARTNERS.values()],
        "region_name": [f"Region {i.upper()}" for i in ids], "partner_type": ["regional_authority"] * 8,
        "role": ["lead_partner"] + ["partner"] * 7, "source": ["https://example.org"] * 8})
    empty = {name: frame.iloc[:0] for name, frame in ds.tables.items() if name != "partners"}
    return Dataset(project=ds.project, tables={**empty, "partners": partners})


def test_a_map_of_eight_partners_at_mixed_levels_draws_all_eight(ds):
    with warnings.catch_warnings():
        warnings.simplefilter("error", geo.MissingGeometryWarning)  # nothing may be left off the map
        fig = regions_map(eight_partner_dataset(ds))
    drawn = region_traces(fig)
    assert len(drawn) == 8
    assert sorted(t.text.split("(")[1].split(")")[0] for t in drawn) == sorted(EIGHT_PARTNERS.values())
    # The level-0 partner is drawn as its country: Lithuania's 65,300 km² (Eurostat), within 5 %.
    lt = next(t for t in drawn if "(LT)" in t.text)
    rings = [[], []]
    parts = []
    for x, y in zip(lt.x, lt.y):
        if np.isnan(x):
            parts.append(shapely.Polygon(list(zip(*rings))))
            rings = [[], []]
        else:
            rings[0].append(x)
            rings[1].append(y)
    area_km2 = sum(p.area for p in parts) / 1e6  # Lithuania has no holes: every ring is an outline
    assert abs(area_km2 / 65_300 - 1) < 0.05
    assert any("© EuroGeographics for the administrative boundaries" in a.text for a in fig.layout.annotations)


def test_cooperation_map_draws_one_line_per_pair_width_by_projects(ds):
    fig = cooperation_map(ds, phase="P2")
    links = [t for t in fig.data if t.name == "link"]
    # P2: county–lead 4 projects (the maximum -> width 1 + 9 = 10), lab–lead 3 -> 1 + 9 * 3/4 = 7.75.
    assert [t.line.width for t in links] == [10.0, 7.75]
    points = geo.load_geometry(codes=["SE224", "AT12"]).label_points.set_index("nuts_id")
    assert list(links[0].x) == [points.loc["SE224", "x"], points.loc["AT12", "x"]]
    hover = next(t for t in fig.data if t.name == "link hover").text
    assert hover[0] == "<b>County – Lead</b><br>4 joint projects from 1 cluster links"
    assert fig.layout.title.text.endswith("partner regions, Phase 2 – action plan implementation")
    # All phases: county–lead 1 + 4 = 5 and lab–lead 2 + 3 = 5: both at the maximum width.
    assert [t.line.width for t in cooperation_map(ds, phase="all").data if t.name == "link"] == [10.0, 10.0]


def test_cooperation_map_with_no_links_says_so(ds):
    empty = Dataset(project=ds.project, tables={**ds.tables, "cluster_links": ds.cluster_links.iloc[:0]})
    fig = cooperation_map(empty)
    assert any(a.text == "No interregional cluster links in this selection" for a in fig.layout.annotations)


@pytest.fixture(scope="module")
def shipped():
    return cx.load()


def render_offline(fig, tmp_path, name):
    """Write the figure as HTML with plotly.min.js beside it, screenshot it from file:// in Chromium."""
    require_chromium()
    html = tmp_path / f"{name}.html"
    fig.write_html(html, include_plotlyjs="directory", full_html=True)
    return screenshot(html, tmp_path / f"{name}.png", width=1100, height=800)


def test_embedded_geometry_needs_no_plotly_geo_assets(shipped):
    # Geo and MapLibre traces fetch base maps from a CDN; the maps use only cartesian scatter traces.
    fig = cooperation_map(shipped)
    assert {t.type for t in fig.data} == {"scatter"}
    # (the coordinates are base64 arrays, whose letters may spell anything: they are left out of the check)
    html = re.sub(r'"bdata":"[^"]*"', '"bdata":""', pio.to_html(fig, include_plotlyjs=False))
    assert '"bdata":""' in html and "cdn" not in html.lower()


def test_locator_map_frames_the_highlighted_region_with_its_surroundings():
    ds = cx.load()
    whole = regions_map(ds, color_by="partner_type", highlight="vlaio")
    locator = regions_map(ds, color_by="partner_type", highlight="vlaio", zoom_to_highlight=True)
    # Flanders is ~250 km across: the locator grows its view to the 1,400 km minimum on both axes
    x0, x1 = locator.layout.xaxis.range
    y0, y1 = locator.layout.yaxis.range
    assert round(x1 - x0) == 1_400_000 and round(y1 - y0) == 1_400_000
    # and the whole-partnership map spans Flanders to Nord-Est, far wider than that
    assert whole.layout.xaxis.range[1] - whole.layout.xaxis.range[0] > 2_000_000
    # the grey country layer is clipped near the locator's view, so it carries fewer vertices
    assert len(locator.data[0].x) < len(whole.data[0].x)



def test_locator_map_draws_only_the_partner_regions_reaching_into_its_frame():
    import re

    ds = cx.load()
    locator = regions_map(ds, color_by="partner_type", highlight="inma", zoom_to_highlight=True)
    hovers = [str(t.text) for t in locator.data if t.text and t.fill] + list(locator.data[-2].hovertext)
    drawn = sorted(re.findall(r"\((\w+)\)<br>Partner", " ".join(hovers)))
    # INMA's view (RO32, ~60 km across) grows to 1,400 km: x 4.90–6.30, y 1.82–3.22 million m (LAEA); a page
    # shows up to twice its width, so the frame is x 4.20–7.00, y 1.82–3.22. Bounds of the partner regions
    # (million m): Flanders BE2 ends at x 4.03 and Auvergne-Rhône-Alpes FRK at 4.10 (west of 4.20); Southern
    # Denmark DK03 starts at y 3.51 and Skåne SE224 at 3.59 (north of 3.22): those four are not drawn.
    # Lower Austria AT12 (x to 4.85), Moravia-Silesia CZ08, Western Transdanubia HU22, South Tyrol ITH1 (x to
    # 4.51), Nord-Est RO21 and INMA's own RO32 reach into it.
    assert drawn == ["AT12", "CZ08", "HU22", "ITH1", "RO21", "RO32"]
    # the others as one shape per partner type, hover at their labels: Lower Austria is a business agency,
    # CZ08, HU22 and RO21 are development agencies, South Tyrol an innovation agency; INMA's fill is its own
    fills = [(t.name, t.hoverinfo) for t in locator.data if t.fill == "toself" and t.name != "countries"]
    assert fills == [("business agency", "skip"), ("development agency", "skip"), ("innovation agency", "skip"),
                     ("research institute", "text")]
    assert locator.data[-2].name == "partners" and locator.data[-2].hoverinfo == "text"
    # the whole-partnership map draws all ten
    whole = regions_map(ds, color_by="partner_type", highlight="inma")
    assert len(re.findall(r"\)<br>Partner type", " ".join(str(t.text) for t in whole.data if t.text))) == 10

# ---------------------------------------------------------------- the learning events map (notebook 05)
def test_events_at_their_region_sized_by_participants_coloured_by_type():
    from clusterix_analytics.views import policy_learning

    pilot = cx.load("tests/fixtures/learning_pilot")
    geometry = policy_learning.map_geometry(pilot)
    fig = policy_learning.events_map_figure(policy_learning.build(pilot), geometry)
    points = geometry.label_points.set_index("nuts_id")
    traces = {t.name: t for t in fig.data[1:]}
    # six learning events; e6 (online, no NUTS code) cannot be placed; e2 and e4 both in Wien (AT130)
    assert sorted(traces) == ["Partner meeting", "Peer review", "Study visit", "Workshop", "Workshop (demo)"]
    wien = (points.at["AT130", "x"], points.at["AT130", "y"])
    assert (traces["Study visit"].x[0], traces["Study visit"].y[0]) == wien
    assert traces["Peer review"].x == traces["Study visit"].x
    assert traces["Workshop"].x[0] == points.at["SE224", "x"]
    # sizes: 9 + 21 * sqrt(participants / 20), 20 the most participants placed (e3); e4 has no count: 9
    assert traces["Workshop"].marker.size == (30.0,)
    assert traces["Partner meeting"].marker.size[0] == pytest.approx(9 + 21 * (12 / 20) ** 0.5)    # 25.27
    assert traces["Peer review"].marker.size == (9.0,)
    assert traces["Workshop (demo)"].marker.color == "white"                                        # hollow
    assert traces["Workshop"].marker.line.color == traces["Workshop (demo)"].marker.line.color   # same type colour
    assert "Host: Capital Test" in traces["Partner meeting"].text[0]
    assert "Participants: not stated" in traces["Peer review"].text[0]
    note = fig.layout.annotations[-1].text
    assert "5 of 6 learning events placed at their NUTS region; 1 without a region on the map is not drawn" in note
    assert {t.type for t in fig.data} == {"scatter"}


def test_an_event_goes_to_the_unit_enclosing_a_region_the_map_lacks():
    geometry = geo.load_geometry(codes=["FR", "FRK", "FRK1"])
    points = geometry.label_points.set_index("nuts_id")
    assert maps.event_places(["FRK14", "FR", "", None, "XX"], geometry) == [
        (points.at["FRK1", "x"], points.at["FRK1", "y"]), (points.at["FR", "x"], points.at["FR", "y"]),
        None, None, None]


def test_a_project_without_events_draws_an_empty_events_map():
    from clusterix_analytics.views import policy_learning

    nordic = cx.load("tests/fixtures/nordic_pilot")
    page, geometry = policy_learning.build(nordic), policy_learning.map_geometry(nordic)
    # the page says so in a sentence; the map builder itself still draws an empty map, with a note
    assert policy_learning.events_map_figure(page, geometry) == (
        "No learning events are recorded for all partners over the whole project.")
    fig = maps.events_map(page.events, geometry, nordic.project)
    assert len(fig.data) == 1                                               # the grey countries only
    assert any("No learning event with a region" in a.text for a in fig.layout.annotations)


def test_a_project_without_events_maps_only_its_partner_regions():
    from clusterix_analytics.views import policy_learning

    nordic = cx.load("tests/fixtures/nordic_pilot")                     # no events table; partners DK01, AT13, SE22
    geometry = policy_learning.map_geometry(nordic)
    assert sorted(geometry.regions["nuts_id"]) == ["AT13", "DK01", "SE22"]
    fig = maps.events_map(policy_learning.build(nordic).events, geometry, nordic.project)
    # the map frames the three partner regions (Wien to Sjælland), not the whole NUTS table
    west, south, east, north = geometry.regions.total_bounds
    x0, x1 = fig.layout.xaxis.range
    y0, y1 = fig.layout.yaxis.range
    assert x0 <= west and east <= x1 and y0 <= south and north <= y1
    assert x1 - x0 < 1_000_000 and y1 - y0 < 1_500_000
    # every unit (what the map loaded before) frames all of Europe and its outermost regions, and a far bigger
    # country layer than the partner regions' view
    everything = maps.events_map(policy_learning.build(nordic).events, geo.load_geometry(), nordic.project)
    assert everything.layout.xaxis.range[1] - everything.layout.xaxis.range[0] > 10_000_000
    assert len(fig.data[0].x) < len(everything.data[0].x)
    assert len(fig.to_json()) < 0.7 * len(everything.to_json())                # about 45 KB against 79 KB
    assert fig.layout.annotations[0].text == "No learning event with a region to place on the map"


def test_locator_map_draws_its_partner_to_the_metre_and_the_others_to_the_pixel():
    ds = cx.load()
    geometry = geometry_of(ds)
    polygons = geometry.regions.drop_duplicates("nuts_id").set_index("nuts_id").geometry
    locator = regions_map(ds, color_by="partner_type", highlight="inma", zoom_to_highlight=True)
    whole = regions_map(ds, color_by="partner_type", highlight="inma")
    fills = {t.name: t for t in locator.data if t.fill == "toself"}
    fills["RO32"], fills["AT12"] = fills["research institute"], fills["business agency"]   # each alone of its type
    full = {str(t.text).split("(")[1].split(")")[0]: t for t in whole.data if t.fill == "toself" and t.text}
    # INMA's own region (RO32) and its outline keep every vertex of the embedded polygon
    assert len(fills["RO32"].x) == len(geo.polygon_xy(polygons["RO32"])[0]) == len(full["RO32"].x)
    assert len(locator.data[-1].x) == len(geo.polygon_xy(polygons["RO32"])[0])
    # the frame is 2.8 million m wide: the others are drawn to 2.8 km (1/1000), so Lower Austria (AT12),
    # drawn to the metre on the whole map, has fewer vertices on the locator
    assert len(fills["AT12"].x) < len(full["AT12"].x)


def test_locators_after_prepare_simplify_no_region_again_and_draw_what_they_drew_before(monkeypatch):
    ds = cx.load()
    geometry = view.map_geometry(ds)
    monkeypatch.setattr(geo, "_SIMPLIFIED", {})
    fresh = [regions_map(ds, color_by="partner_type", highlight=p, zoom_to_highlight=True) for p in ("inma", "vlaio")]
    monkeypatch.setattr(geo, "_SIMPLIFIED", {})
    maps.prepare_locators(geometry)
    assert len(geo._SIMPLIFIED) == 10          # the shipped project's 10 regions, at one tolerance
    assert {tolerance for _, tolerance in geo._SIMPLIFIED} == {2800.0}   # a 1.4 million m view widened to 2.8
    simplified = []
    real = shapely.simplify
    monkeypatch.setattr(shapely, "simplify", lambda shapes, *a, **k: simplified.append(len(shapes))
                        or real(shapes, *a, **k))
    again = [regions_map(ds, color_by="partner_type", highlight=p, zoom_to_highlight=True) for p in ("inma", "vlaio")]
    assert simplified == []
    for before, after in zip(fresh, again):
        assert [list(np.nan_to_num(t.x, nan=-1)) for t in before.data] == [
            list(np.nan_to_num(t.x, nan=-1)) for t in after.data]


def test_embedded_geometry_is_made_once_and_each_caller_changes_only_its_own():
    first = geo.load_geometry("embedded", ["AT12", "RO32"], year=2016)
    second = geo.load_geometry("embedded", ["RO32", "AT12"], year=2016)
    assert first.regions.geometry.values[0] is second.regions.geometry.values[0]   # made once
    first.regions.loc[0, "name"] = "changed"
    first.label_points.loc[0, "x"] = 0.0
    assert second.regions.loc[0, "name"] == "Niederösterreich" and second.label_points.loc[0, "x"] != 0.0
    assert geo.load_geometry("embedded", ["AT12"], year=2016).regions["name"].tolist() == ["Niederösterreich"]
