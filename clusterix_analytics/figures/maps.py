"""Maps of the partner regions and of the cluster links between them (plotly, renders with no network).

The maps are plain cartesian traces (``go.Scatter(fill="toself")``) on EPSG:3035 metres with equal axis
scale: unlike plotly's geo and MapLibre traces they need no base map from a CDN, open from ``file://``
and export to PNG. A NUTS code the geometry lacks is named in a warning and on the figure.

Builders take tables (:func:`~clusterix_analytics.analytics.regions.partner_regions`,
:func:`~clusterix_analytics.analytics.links.interregional_links`), the geometry
(:func:`~clusterix_analytics.geo.geometry.load_geometry`) and the project (for titles and phase order);
``source_rows`` are the raw rows drawn from, for the source / demo-data footnote.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.analytics.links import interregional_links
>>> from clusterix_analytics.analytics.regions import partner_regions
>>> from clusterix_analytics.figures.maps import partner_regions_map, cooperation_map
>>> from clusterix_analytics.geo.geometry import load_geometry
>>> ds = cx.load()
>>> table, geometry = partner_regions(ds), load_geometry()
>>> partner_regions_map(table, geometry, ds.project, color_by="partner_type").layout.title.text
'CLUSTERIX 2.0 partner regions by partner type'
>>> links = interregional_links(ds, "P1")
>>> cooperation_map(table, links, geometry, ds.project, phase="P1").layout.title.text
'Interregional cluster links between CLUSTERIX 2.0 partner regions, Phase 1 – interregional learning'
"""
from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from plotly.colors import sample_colorscale

from clusterix_analytics.analytics import regions
from clusterix_analytics.config import PACKAGE_DIR
from clusterix_analytics.data.project import Project
from clusterix_analytics.figures.theme import (
    MUTED,
    PALETTE,
    SEQUENTIAL,
    apply_theme,
    figure_text,
    source_note,
    wrap_text,
)
from clusterix_analytics.geo import geometry as geo

COUNTRY_FILL = "#e4e4e4"
COUNTRY_LINE = "#ffffff"
REGION_LINE = "#ffffff"
SINGLE_FILL = PALETTE[0]          # regions when color_by is None
NO_DATA_FILL = "#bdbdbd"
LINK_COLOUR = PALETTE[3]          # vermillion: stands out on blue-grey regions
LINK_REGION_FILL = "#9ecae1"      # partner regions under the cooperation map
HIGHLIGHT_LINE = "#111111"
VIEW_MARGIN = 0.12                # share of the regions' extent added around them
MAP_HEIGHT = 680
# Legend and colour bar sit right of the map area (paper x > 1), never over a region: the legend at the top,
# the colour bar below it, over the lower COLOURBAR_LEN of the map's height.
LEGEND_OUTSIDE = dict(x=1.02, xanchor="left", y=1, yanchor="top", orientation="v")
COLOURBAR_LEN = 0.75
# The lightest end of the sequential scale is near-white: start above it so a zero still reads as a region.
COLOUR_FLOOR = 0.15


def project_short_name(project: Project) -> str:
    """'CLUSTERIX 2.0' from 'CLUSTERIX 2.0 – New Models of …' (titles stay short)."""
    return project.name.split(" – ")[0].strip()


# A locator map (zoom_to_highlight) shows at least this much around the region: neighbours stay recognisable.
LOCATOR_EXTENT_M = 1_400_000
# ... and draws the other regions to 1/1000 of its frame's width: a pixel of a 1,000 px wide map.
LOCATOR_DETAIL_STEPS = 1000


def _view_box(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    minx = min(b[0] for b in boxes)
    miny = min(b[1] for b in boxes)
    maxx = max(b[2] for b in boxes)
    maxy = max(b[3] for b in boxes)
    pad = VIEW_MARGIN * max(maxx - minx, maxy - miny)
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def _clip_box(view: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """What a map around ``view`` draws of the countries: well beyond the view, for the equal axis scale
    widens one axis to fit the plot's shape, and a user may zoom out.

    >>> _clip_box((0, 0, 10, 4))
    (-10, -5.0, 20, 9.0)
    """
    extent = max(view[2] - view[0], view[3] - view[1])
    return view[0] - extent, view[1] - extent / 2, view[2] + extent, view[3] + extent / 2


def locator_tolerance(frame: tuple[float, float, float, float]) -> float:
    """How far a locator map of ``frame`` simplifies the other regions: a pixel (:data:`LOCATOR_DETAIL_STEPS`),
    in whole metres (as the outlines are drawn; frames of one width then simplify alike).

    >>> locator_tolerance((0.3, 0, 2_000_000.7, 1_000_000))
    2000.0
    """
    return float(round((frame[2] - frame[0]) / LOCATOR_DETAIL_STEPS))


def _frame_box(view: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """What a map of ``view`` shows: the view, widened as the equal axis scale widens it on a page (the plot
    area is up to about twice as wide as high) — a locator map draws the partner regions reaching into it.

    >>> _frame_box((0, 0, 10, 10))
    (-5.0, 0, 15.0, 10)
    """
    half = (view[2] - view[0]) / 2
    return view[0] - half, view[1], view[2] + half, view[3]


# What a locator map of most regions (those smaller than its extent) simplifies them to.
USUAL_LOCATOR_TOLERANCE_M = locator_tolerance(_frame_box((0, 0, LOCATOR_EXTENT_M, LOCATOR_EXTENT_M)))


def prepare_locators(geometry: geo.RegionGeometry) -> None:
    """Simplify every region of ``geometry`` as the locator map of a region smaller than its extent does,
    once (:func:`geo.simplify_outlines` remembers them): the report runner's fork server calls this through
    the partner profile's ``prepare``, and no profile it forks simplifies a neighbour again."""
    geo.simplify_outlines(geometry.regions.geometry.to_numpy(), USUAL_LOCATOR_TOLERANCE_M)


def _inside(table: pd.DataFrame, polygons, box: tuple[float, float, float, float]) -> pd.DataFrame:
    """The rows of ``table`` whose region's polygon reaches into ``box`` (a locator map draws only those:
    its figure then weighs about the same whether the project has 10 partners or 250)."""
    known = table[table["nuts_code"].isin(polygons.index)]
    bounds = polygons.loc[known["nuts_code"]].bounds.to_numpy()
    reaches = ((bounds[:, 0] <= box[2]) & (bounds[:, 2] >= box[0]) & (bounds[:, 1] <= box[3])
               & (bounds[:, 3] >= box[1]))
    return known[reaches]


def _base_figure(geometry: geo.RegionGeometry, codes, min_extent_m: float = 0.0) -> tuple[go.Figure, tuple]:
    """Grey countries clipped to the view around ``codes`` (or all regions), axes hidden, equal scale.

    ``min_extent_m``: the view is at least this wide and high (a locator map keeps its surroundings)."""
    shown = geometry.regions[geometry.regions["nuts_id"].isin(set(codes))]
    if shown.empty:
        shown = geometry.regions
    view = _view_box([tuple(shown.total_bounds)]) if not shown.empty else (2.5e6, 1.4e6, 6.5e6, 5.4e6)
    grow = [max(0.0, min_extent_m - (view[2] - view[0])) / 2, max(0.0, min_extent_m - (view[3] - view[1])) / 2]
    view = (view[0] - grow[0], view[1] - grow[1], view[2] + grow[0], view[3] + grow[1])
    wide = _clip_box(view)
    xs, ys = geo.polygon_xy(shapely.clip_by_rect(geometry.countries.geometry.values, *wide))
    fig = go.Figure(go.Scatter(x=xs, y=ys, fill="toself", fillcolor=COUNTRY_FILL, mode="lines",
                               line=dict(color=COUNTRY_LINE, width=0.6), hoverinfo="skip", showlegend=False,
                               name="countries"))
    fig.update_xaxes(visible=False, range=[view[0], view[2]])
    fig.update_yaxes(visible=False, range=[view[1], view[3]], scaleanchor="x", scaleratio=1)
    fig.update_layout(height=MAP_HEIGHT, plot_bgcolor="#f7fbff", hovermode="closest",
                      legend=LEGEND_OUTSIDE)
    return fig, view


def _first_caller_outside_package() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside the package (a notebook cell,
    a script), whether it drew the map directly or through a view."""
    level, frame = 1, sys._getframe(1)  # level 1: the function that warns (report_missing)
    while frame is not None and Path(frame.f_code.co_filename).is_relative_to(PACKAGE_DIR):
        level, frame = level + 1, frame.f_back
    return level


def report_missing(fig: go.Figure, missing: dict[str, list[str]], geometry: geo.RegionGeometry) -> None:
    """Warn about, and write on the figure, the NUTS codes that have no polygon (so are not drawn)."""
    if not missing:
        return
    listed = "; ".join(f"{code} ({', '.join(who)})" for code, who in sorted(missing.items()))
    message = (f"Not on the map – no polygon for these NUTS codes in the {geometry.source} NUTS "
               f"{geometry.nuts_year} geometry: {listed}")
    warnings.warn(message, geo.MissingGeometryWarning, stacklevel=_first_caller_outside_package())
    fig.add_annotation(text=figure_text(message), xref="paper", yref="paper", x=0, y=1.0, xanchor="left",
                       yanchor="bottom", showarrow=False, font=dict(size=12, color=PALETTE[3]), align="left")


def _missing_by_code(table: pd.DataFrame, geometry: geo.RegionGeometry) -> dict[str, list[str]]:
    missing = geo.missing_codes(table["nuts_code"].dropna(), geometry)
    found = {code: sorted(table.loc[table["nuts_code"] == code, "short_name"].astype(str)) for code in missing}
    without_code = table["nuts_code"].isna() | (table["nuts_code"].astype("string").str.strip() == "")
    if without_code.any():  # a partner with no region at all is also missing from the map: say so
        found["no NUTS code"] = sorted(table.loc[without_code, "short_name"].astype(str))
    return found




def _hover(row: pd.Series, extra: str | None) -> str:
    addressed = row["instruments_addressed"] or "none named by a source"
    lines = [f"<b>{figure_text(row['organisation'])}</b>",
             f"Region: {figure_text(row['region_name'])} ({figure_text(row['nuts_code'])})",
             f"Partner type: {figure_text(str(row['partner_type']).replace('_', ' '))}",
             f"Policy instruments addressed: {wrap_text(addressed)}"]
    if row["instruments_other"]:
        lines.append(f"Other instruments on record: {wrap_text(row['instruments_other'])}")
    if extra:
        lines.append(extra)
    return "<br>".join(lines)


def _colour_fact(row: pd.Series, color_by: str | None) -> str | None:
    """The line a region's hover adds for what colours it (None: its partner type is already in the hover)."""
    if color_by in regions.NUMERIC_COLUMNS:
        what, unit = regions.NUMERIC_COLUMNS[color_by]
        return f"{what.capitalize()}: {row[color_by]:,.0f} {unit}"
    if color_by == "phase":
        return f"First policy change: {figure_text(row['first_change_phase'])}"
    return None


def _categories(table: pd.DataFrame, color_by: str | None, project: Project) -> tuple[pd.Series, dict]:
    """Category of each partner and the colour of each category, in legend order."""
    if color_by is None:
        return pd.Series("partner region", index=table.index), {"partner region": SINGLE_FILL}
    if color_by == "partner_type":
        values = table["partner_type"].astype(str).str.replace("_", " ")
        order = sorted(values.unique())
    else:  # phase of the first policy change, in project order, then partners without one
        values = table["first_change_phase"].astype(str)
        order = [p.name for p in project.phases if p.name in set(values)]
        order += [regions.NO_PHASE] if regions.NO_PHASE in set(values) else []
    colours = {c: (NO_DATA_FILL if c == regions.NO_PHASE else PALETTE[i % len(PALETTE)])
               for i, c in enumerate(order)}
    return values, colours


def partner_regions_map(table: pd.DataFrame, geometry: geo.RegionGeometry, project: Project, *,
                        color_by: str | None = None, highlight: str | None = None, labels: bool = True,
                        zoom_to_highlight: bool = False, source_rows: Sequence[pd.DataFrame] = ()) -> go.Figure:
    """Partner regions filled by partner type, by phase, or by a numeric column; countries in light grey.

    ``table``: :func:`regions.partner_regions` (one row per partner, index partner_id). ``geometry``: from
    :func:`geo.load_geometry`. ``project``: names the title and orders the phases.
    ``color_by``: None (one colour), "partner_type", "phase" (phase of the partner's first policy change),
    or a numeric column of :func:`regions.partner_regions` (colour bar with its unit, e.g.
    "funds_influenced_eur"). ``highlight``: a partner_id drawn with a dark outline and a bold label.
    ``zoom_to_highlight``: frame the highlighted partner's region only (a locator map, as on a partner
    profile); the grey countries are then clipped near it, and the other partner regions drawn are those
    reaching into the frame, to the pixel, one shape per colour with their hover at their labels: the
    figure stays small however many partners the project has.
    ``source_rows``: the rows the colours come from, for the footnote.
    Hover shows organisation, region, NUTS code and the policy instruments addressed.

    >>> import clusterix_analytics as cx
    >>> from clusterix_analytics.analytics.regions import partner_regions
    >>> ds = cx.load()
    >>> fig = partner_regions_map(partner_regions(ds), geo.load_geometry(), ds.project,
    ...                           color_by="funds_influenced_eur", highlight="inma")
    >>> fig.data[-1].name
    'highlight: INMA'
    """
    if color_by == "none":
        color_by = None
    if highlight == "none":
        highlight = None
    # The view checks a notebook's parameters against the data; this guards the builder's own arguments.
    if color_by not in (None, *regions.colour_options()):
        raise ValueError(f"unknown color_by {color_by!r}; valid: {', '.join(regions.colour_options())}")
    if highlight is not None and highlight not in table.index:
        raise ValueError(f"unknown partner {highlight!r}; valid: none, {', '.join(sorted(table.index))}")
    framed = table.loc[[highlight], "nuts_code"].dropna() if zoom_to_highlight and highlight else None
    fig, view = _base_figure(geometry, table["nuts_code"] if framed is None else framed,
                             min_extent_m=0 if framed is None else LOCATOR_EXTENT_M)
    polygons = geometry.regions.drop_duplicates("nuts_id").set_index("nuts_id").geometry
    frame = _frame_box(view)
    drawn = table if framed is None else _inside(table, polygons, frame)
    numeric = color_by in regions.NUMERIC_COLUMNS

    if numeric:
        values = table[color_by].astype(float)
        vmax = float(values.max()) if values.max() > 0 else 1.0
        what, unit = regions.NUMERIC_COLUMNS[color_by]
        positions = numeric_colour_values(table, color_by)
        colours = {pid: (NO_DATA_FILL if np.isnan(p) else sample_colorscale(SEQUENTIAL, [p])[0])
                   for pid, p in zip(table.index, positions)}
        legend_of = {pid: None for pid in table.index}
    else:
        categories, palette = _categories(table, color_by, project)
        colours = {pid: palette[categories[pid]] for pid in table.index}
        legend_of = categories.to_dict()
    shown_in_legend: set = set()

    # A locator map shows its frame in one small figure: the other regions are drawn to the pixel, not
    # to the metre (fewer vertices in a dense frame; the highlighted region keeps every vertex), and those of
    # one colour as one shape, their hover at their labels (a handful of traces, however dense the frame).
    drawn = drawn[drawn["nuts_code"].isin(polygons.index)].sort_values("nuts_code")
    shapes = pd.Series(polygons.loc[drawn["nuts_code"]].to_numpy(), index=drawn.index)
    hover = {pid: _hover(row, _colour_fact(row, color_by)) for pid, row in drawn.iterrows()}
    locator = framed is not None
    pieces = [[pid] for pid in drawn.index]   # a trace per region, its hover on its fill
    if locator:
        others = drawn.index[drawn.index != highlight]
        shapes[others] = geo.simplify_outlines(shapes[others].to_numpy(), locator_tolerance(frame))
        pieces = [list(ids) for _, ids in pd.Series(others, index=others).groupby(others.map(colours), sort=False)]
        pieces += [[highlight]] if highlight in drawn.index else []
    traces = []
    for piece in pieces:
        first, own = piece[0], not locator or piece == [highlight]
        group = legend_of[first]
        name = group if group else drawn.at[first, "short_name"] if own else "partner regions"
        xs, ys = geo.polygon_xy(shapes[piece].to_numpy())
        traces.append(go.Scatter(
            x=xs, y=ys, fill="toself", fillcolor=colours[first], mode="lines", line=dict(color=REGION_LINE, width=1),
            name=figure_text(name), legendgroup=figure_text(group) if group else None,
            showlegend=bool(group) and group not in shown_in_legend, hoveron="fills",
            hoverinfo="text" if own else "skip", text=hover[first] if own else None))
        shown_in_legend.add(group)
    fig.add_traces(traces)

    if numeric:
        # An invisible marker carries the colour bar (fills cannot have one).
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
            marker=dict(colorscale=[[0, sample_colorscale(SEQUENTIAL, [COLOUR_FLOOR])[0]],
                                    [1, sample_colorscale(SEQUENTIAL, [1.0])[0]]],
                        cmin=0, cmax=vmax, color=[0], showscale=True,
                        colorbar=dict(title=dict(text=f"{unit}"), thickness=14, x=1.02, xanchor="left",
                                      y=0, yanchor="bottom", len=COLOURBAR_LEN, lenmode="fraction"))))

    points = geometry.label_points.set_index("nuts_id")
    on_map = drawn[drawn["nuts_code"].isin(points.index)]
    if locator:   # the other regions' hover, at their labels (the highlighted one's is on its fill)
        on_map = on_map[on_map.index != highlight]
    if (labels or locator) and not on_map.empty:
        xy = points.loc[on_map["nuts_code"]]
        # The highlighted partner gets a boxed label with an arrow instead (below).
        texts = ["" if pid == highlight or not labels else figure_text(s) for pid, s in on_map["short_name"].items()]
        fig.add_trace(go.Scatter(x=xy["x"], y=xy["y"], mode="text", text=texts, textfont=dict(size=11, color="#111"),
                                 hoverinfo="text" if locator else "skip", showlegend=False,
                                 hovertext=[hover[pid] for pid in on_map.index] if locator else None,
                                 name="partners" if locator else "labels"))
    if highlight is not None and table.loc[highlight, "nuts_code"] in polygons.index:
        row = table.loc[highlight]
        xs, ys = geo.polygon_xy(polygons[row["nuts_code"]])
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=HIGHLIGHT_LINE, width=3.5),
                                 name=f"highlight: {figure_text(row['short_name'])}", hoverinfo="skip",
                                 showlegend=True))
        point = geometry.label_points.set_index("nuts_id").loc[row["nuts_code"]]
        fig.add_annotation(x=point["x"], y=point["y"], text=f"<b>{figure_text(row['short_name'])}</b>", showarrow=True,
                           arrowhead=2, arrowwidth=2, arrowcolor=HIGHLIGHT_LINE, ax=60, ay=-50,
                           bgcolor="rgba(255,255,255,0.85)", bordercolor=HIGHLIGHT_LINE, font=dict(size=13))

    report_missing(fig, _missing_by_code(table, geometry), geometry)
    how = {None: "", "partner_type": " by partner type", "phase": " by phase of first policy change"}
    suffix = how[color_by] if color_by in how else f" by {what} ({unit})"
    note = f"{source_note(*source_rows)}<br>{figure_text(geometry.attribution)}."
    if geometry.fallback:
        note += f"<br>{figure_text(geometry.fallback)}."
    return apply_theme(fig, f"{figure_text(project_short_name(project))} partner regions{suffix}", note=note)


def cooperation_map(table: pd.DataFrame, links: pd.DataFrame, geometry: geo.RegionGeometry, project: Project, *,
                    phase: str | None = None, source_rows: Sequence[pd.DataFrame] = ()) -> go.Figure:
    """Interregional cluster links between partner regions: one line per pair, width by joint projects.

    ``table``: :func:`regions.partner_regions`; ``links``: the pairs of partner regions of
    :func:`~clusterix_analytics.analytics.links.interregional_links` for ``phase`` (a phase id of
    ``project``, e.g. "P1", or None / "all" for every phase; it names the title). ``source_rows``: the
    cluster_links rows behind ``links``, for the footnote.

    >>> import clusterix_analytics as cx
    >>> from clusterix_analytics.analytics.links import interregional_links
    >>> from clusterix_analytics.analytics.regions import partner_regions
    >>> ds = cx.load()
    >>> fig = cooperation_map(partner_regions(ds), interregional_links(ds), geo.load_geometry(), ds.project)
    >>> sum(t.name == "link" for t in fig.data) > 0
    True
    """
    if phase == "all":
        phase = None
    fig, _ = _base_figure(geometry, table["nuts_code"])
    polygons = geometry.regions.drop_duplicates("nuts_id").set_index("nuts_id").geometry

    for nuts_code in sorted(set(table["nuts_code"]) & set(polygons.index)):
        xs, ys = geo.polygon_xy(polygons[nuts_code])
        who = ", ".join(table.loc[table["nuts_code"] == nuts_code, "short_name"].astype(str))
        fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", fillcolor=LINK_REGION_FILL, mode="lines",
                                 line=dict(color=REGION_LINE, width=1), hoveron="fills", hoverinfo="text",
                                 text=f"{figure_text(who)} ({figure_text(nuts_code)})", showlegend=False,
                                 name=figure_text(nuts_code)))

    points = geometry.label_points.drop_duplicates("nuts_id").set_index("nuts_id")
    where = {pid: points.loc[code] for pid, code in table["nuts_code"].items() if code in points.index}
    drawable = links[links["partner_a"].isin(where) & links["partner_b"].isin(where)]
    max_projects = max(int(drawable["projects"].max()), 1) if not drawable.empty else 1
    names = table["short_name"].astype(str)
    mid_x, mid_y, mid_text = [], [], []
    for link in drawable.itertuples():
        a, b = where[link.partner_a], where[link.partner_b]
        width = 1.0 + 9.0 * link.projects / max_projects
        fig.add_trace(go.Scatter(x=[a.x, b.x], y=[a.y, b.y], mode="lines", name="link", showlegend=False,
                                 line=dict(color=LINK_COLOUR, width=width), hoverinfo="skip"))
        mid_x.append((a.x + b.x) / 2)
        mid_y.append((a.y + b.y) / 2)
        pair = f"{figure_text(names[link.partner_a])} – {figure_text(names[link.partner_b])}"
        mid_text.append(f"<b>{pair}</b><br>"
                        f"{link.projects} joint projects from {link.links} cluster links")
    # Hover sits on the link midpoints: a line trace's hover would only fire at its two ends.
    fig.add_trace(go.Scatter(x=mid_x, y=mid_y, mode="markers", marker=dict(size=10, color=LINK_COLOUR, opacity=0.01),
                             hoverinfo="text", text=mid_text, showlegend=False, name="link hover"))
    for projects in sorted({1, max_projects}):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=f"{projects} joint project"
                                 f"{'s' if projects != 1 else ''}",
                                 line=dict(color=LINK_COLOUR, width=1.0 + 9.0 * projects / max_projects)))
    on_map = table[table["nuts_code"].isin(points.index)]
    xy = points.loc[on_map["nuts_code"]]
    fig.add_trace(go.Scatter(x=xy["x"], y=xy["y"], mode="markers+text",
                             text=[figure_text(s) for s in on_map["short_name"]], textposition="top center",
                             textfont=dict(size=11, color="#111"),
                             marker=dict(size=7, color="#333"), hoverinfo="skip", showlegend=False,
                             name="partners"))
    if drawable.empty:
        fig.add_annotation(text="No interregional cluster links in this selection", xref="paper", yref="paper",
                           x=0.5, y=0.5, showarrow=False, font=dict(size=14, color=MUTED))
    report_missing(fig, _missing_by_code(table, geometry), geometry)

    phase_name = figure_text(project.phase(phase).name) if phase else "all phases"
    total = int(drawable["projects"].sum()) if not drawable.empty else 0
    note = (f"{total} joint projects between {len(drawable)} pairs of regions; line width ∝ joint projects. "
            f"{source_note(*source_rows)}<br>{figure_text(geometry.attribution)}.")
    if geometry.fallback:
        note += f"<br>{figure_text(geometry.fallback)}."
    title = (f"Interregional cluster links between {figure_text(project_short_name(project))} partner regions, "
             f"{phase_name}")
    return apply_theme(fig, title, note=note)


def numeric_colour_values(table: pd.DataFrame, column: str) -> np.ndarray:
    """The 0..1 positions on the colour scale the map uses for ``column`` (0.15 floor keeps zero visible).

    >>> numeric_colour_values(pd.DataFrame({"n": [0, 5, 10]}), "n").tolist()
    [0.15, 0.575, 1.0]
    """
    values = table[column].astype(float)
    vmax = float(values.max()) if values.max() > 0 else 1.0
    return (COLOUR_FLOOR + (1 - COLOUR_FLOOR) * values / vmax).to_numpy()


EVENT_SIZE_MIN = 9.0     # marker size of an event whose participants are not counted
EVENT_SIZE_SPAN = 21.0   # added for the most participants of the map (size grows with the square root)


def event_sizes(participants: pd.Series) -> list[float]:
    """Marker sizes: the square root of participants against the most participants on the map; unknown ones
    at the smallest size.

    >>> event_sizes(pd.Series([100, 25, None, 0]))
    [30.0, 19.5, 9.0, 9.0]
    """
    values = pd.to_numeric(participants, errors="coerce").astype(float)
    top = float(values.max()) if values.notna().any() and values.max() > 0 else 1.0
    return [EVENT_SIZE_MIN if np.isnan(v) else EVENT_SIZE_MIN + EVENT_SIZE_SPAN * float(np.sqrt(max(v, 0.0) / top))
            for v in values]


def event_places(codes, geometry: geo.RegionGeometry) -> list[tuple[float, float] | None]:
    """Where each event goes: the label point of its NUTS region, or of the nearest enclosing unit the geometry
    holds (``FRK14`` → ``FRK1`` → ``FR``); None without a code or a unit to put it in.

    >>> g = geo.load_geometry(codes=["SE224", "SE22"])
    >>> [p is not None for p in event_places(["SE224", "SE22999", None, "XX1"], g)]
    [True, True, False, False]
    """
    points = geometry.label_points.drop_duplicates("nuts_id").set_index("nuts_id")
    places = []
    for code in codes:
        code = str(code).strip() if isinstance(code, str) else ""
        while len(code) > 2 and code not in points.index:
            code = code[:-1]
        places.append((float(points.at[code, "x"]), float(points.at[code, "y"])) if code in points.index else None)
    return places


def events_map(events: pd.DataFrame, geometry: geo.RegionGeometry, project: Project, *,
               type_labels: dict[str, str] | None = None, host_names: dict[str, str] | None = None) -> go.Figure:
    """The learning events at their region: one marker per event at its NUTS region's label point, sized by
    participants, coloured by type; demo rows hollow. Events at the same place overlap (hover lists each).

    ``events``: :func:`~clusterix_analytics.analytics.learning.learning_events` (title, start, city, nuts_code,
    host_partner_id, event_type, participants, synthetic). ``geometry``: from :func:`geo.load_geometry` with the
    events' codes. ``type_labels`` names the event types (default: the code as words), ``host_names`` the host
    partners. Events with no region, or one the geometry lacks, are counted in the footnote.

    >>> import clusterix_analytics as cx
    >>> from clusterix_analytics.analytics import learning
    >>> ds = cx.load()
    >>> events = learning.learning_events(ds)
    >>> fig = events_map(events, geo.load_geometry(codes=events["nuts_code"].dropna()), ds.project)
    >>> fig.layout.title.text, sorted({t.type for t in fig.data})
    ('CLUSTERIX 2.0 learning events at their region, by type (size: participants)', ['scatter'])
    """
    places = event_places(events["nuts_code"], geometry)
    placed = events.assign(_place=places)
    placed = placed[placed["_place"].notna()]
    codes = [c for c in placed["nuts_code"]]
    fig, _ = _base_figure(geometry, codes)
    labels = type_labels or {}
    hosts = host_names or {}
    sizes = dict(zip(placed.index, event_sizes(placed["participants"])))
    kinds = sorted(placed["event_type"].dropna().astype(str).unique(),
                   key=lambda k: labels.get(k, k.replace("_", " ")).lower())
    for i, kind in enumerate(kinds):
        rows = placed[placed["event_type"].astype(str) == kind]
        colour = PALETTE[i % len(PALETTE)]
        name = figure_text(labels.get(kind, kind.replace("_", " ").capitalize()))
        for demo, part in rows.groupby(rows["synthetic"].astype(bool)):
            hover = []
            for r in part.itertuples():
                when = f"{r.start:%Y-%m-%d}" if pd.notna(r.start) else "date not known"
                where = ", ".join(str(v) for v in (r.city, r.nuts_code) if isinstance(v, str) and v.strip())
                who = hosts.get(r.host_partner_id, r.host_partner_id) if isinstance(r.host_partner_id, str) else None
                count = f"{int(r.participants):,}" if pd.notna(r.participants) else "not stated"
                hover.append("<br>".join([f"<b>{figure_text(r.title)}</b>", f"{name}, {when}",
                                          f"Where: {figure_text(where)}",
                                          f"Host: {figure_text(who or 'no host stated')}",
                                          f"Participants: {count}"]
                                         + (["Demo data"] if demo else [])))
            fig.add_trace(go.Scatter(
                x=[p[0] for p in part["_place"]], y=[p[1] for p in part["_place"]], mode="markers",
                name=name + (" (demo)" if demo else ""),
                marker=dict(size=[sizes[k] for k in part.index], color="white" if demo else colour,
                            line=dict(color=colour, width=2), opacity=0.8),
                hoverinfo="text", text=hover))
    if placed.empty:
        fig.add_annotation(text="No learning event with a region to place on the map", xref="paper", yref="paper",
                           x=0.5, y=0.5, showarrow=False, font=dict(size=14, color=MUTED))
    unplaced = len(events) - len(placed)
    verb = "is" if unplaced == 1 else "are"
    note = (f"{len(placed)} of {len(events)} learning events placed at their NUTS region"
            + (f"; {unplaced} without a region on the map {verb} not drawn" if unplaced else "")
            + f". Marker size grows with participants (not stated: the smallest). {source_note(events)}"
            + f"<br>{figure_text(geometry.attribution)}.")
    if geometry.fallback:
        note += f"<br>{figure_text(geometry.fallback)}."
    title = f"{figure_text(project_short_name(project))} learning events at their region, by type (size: participants)"
    return apply_theme(fig, title, note=note)
