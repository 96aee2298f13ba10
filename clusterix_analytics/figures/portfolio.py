"""Figures of cluster portfolios: sector × region heatmap per phase, members by sector, change between two
phases, complementarity matrix, and the cross-cluster links between regions per phase.

Every builder takes the DataFrames of :mod:`clusterix_analytics.portfolio`, plus ``source_rows`` (the raw
table rows drawn from, for the source / demo-data footnote), and returns a themed ``go.Figure``.

>>> import pandas as pd
>>> from clusterix_analytics.figures.portfolio import complementarity_heatmap
>>> matrix = pd.DataFrame([[0.0, 0.4], [0.4, 0.0]], index=["a", "b"], columns=["a", "b"])
>>> complementarity_heatmap(matrix, labels={"a": "A", "b": "B"}).layout.title.text[:31]
'Sector complementarity of regio'
"""
from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from clusterix_analytics.analytics.portfolio import NO_SECTOR, UNMAPPED_PREFIX
from clusterix_analytics.figures.theme import (
    MUTED,
    NOTE_NAME,
    PALETTE,
    PATTERNS,
    SEQUENTIAL,
    apply_theme,
    figure_text,
    fit_sliders,
    note_height,
    source_note,
)

GREY = "#d9d9d9"  # unmapped / missing sectors: light grey with hatching, unlike the palette's greys
REGION_TICK_ANGLE = -45    # region names under a column: turned so neighbours do not run into each other
NOTE_LINE_PX = 15          # one line of the 11 px footnote
AXIS_TITLE_PX = 40         # an x-axis title under its tick labels (16 px text, plotly sets it ~20 px below them)
LEGEND_ROW_PX = 22         # one entry of an 11 px vertical legend (plotly draws them about 19 px apart)
LEGEND_TITLE_PX = 30
SLIDER_PX = 90             # a slider with its current value above and its step labels below
SANKEY_NOTE_GAP_PX = 8


def _note(source_rows: Sequence[pd.DataFrame], extra: str = "", width: int = 110) -> str:
    """The theme's source / demo-data note plus a figure-specific remark, wrapped so it stays on the page."""
    note = source_note(*source_rows) if source_rows else ""
    text = (note + (" " if note and extra else "") + extra).strip()
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join(lines + ([line] if line else []))


def tick_label_depth(labels: Sequence[str], angle: float = 0, size: int = 12) -> int:
    """How far (px) x tick labels reach below the plot area: the longest label (about 0.6 × the font size a
    character) turned by ``angle``, its line height, and the tick's length and gap.

    >>> tick_label_depth(["Region Syddanmark (DK03)"], angle=-45, size=10)  # 24 × 6 × sin 45° + 13 × cos 45° + 8
    120
    >>> tick_label_depth(["10", "20"])                                       # unturned: one line of 12 px
    24
    """
    longest = max((len(html.unescape(str(label))) for label in labels), default=0)
    turn = math.radians(abs(angle))
    return math.ceil(0.6 * size * longest * math.sin(turn) + 1.3 * size * math.cos(turn)) + 8


def _frame(fig: go.Figure, plot_height: int, top: int = 90, left: int = 80, x_labels: Sequence[str] = (),
           tick_angle: float = 0, tick_size: int = 12, below: int = 0) -> go.Figure:
    """Fix the figure's size and margins from what sits under the plot area: the x tick labels (``x_labels``
    turned by ``tick_angle``), the x-axis title, then the footnote a fixed number of pixels below them (a
    turned label never prints over it), then ``below`` pixels for a slider. Returns the figure; the footnote's
    lower edge (px under the plot area) is in ``fig.layout.meta["below_note"]`` for a slider's place."""
    depth = tick_label_depth(x_labels, tick_angle, tick_size)
    titled = any(axis.title.text for axis in fig.select_xaxes())
    note_offset = depth + (AXIS_TITLE_PX if titled else 0) + 10
    note_bottom = note_offset
    for note in fig.layout.annotations:
        if note.name == NOTE_NAME:
            note.update(y=0, yanchor="top", yshift=-note_offset)
            note_bottom = note_offset + NOTE_LINE_PX * (str(note.text).count("<br>") + 1)
    bottom = note_bottom + 12 + below
    fig.update_layout(height=top + max(plot_height, 1) + bottom, margin=dict(t=top, b=bottom, l=left, r=30),
                      meta=dict(below_note=note_bottom))
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _left_margin(names: Sequence[str], floor: int = 80) -> int:
    """Room for the longest category label on a y axis (about 7 px per character at the theme's font)."""
    return max(floor, int(8 * max((len(str(n)) for n in names), default=0)) + 70)


def _ordered_regions(frame_regions: Sequence[str], labels: Mapping[str, str] | None) -> list[str]:
    """Regions in the order of ``labels`` (the partners' order) when given, else as they come."""
    present = list(dict.fromkeys(frame_regions))
    if not labels:
        return present
    return [r for r in labels if r in present] + [r for r in present if r not in labels]


def _label(labels: Mapping[str, str] | None, key) -> str:
    """The name ``labels`` gives ``key`` (else the key), escaped for plotly."""
    return figure_text(labels.get(key, key) if labels else key)


def sector_marks(sectors: Sequence[str]) -> dict[str, tuple[str, str]]:
    """A stable (colour, fill pattern) per sector label: the palette's colours plain, then again hatched, ...;
    unmapped and missing sectors are light grey with "/" hatching (they are not a category).

    >>> marks = sector_marks([f"s{i}" for i in range(9)] + [NO_SECTOR])
    >>> marks["s0"], marks["s8"], marks[NO_SECTOR]
    (('#0072B2', ''), ('#0072B2', 'x'), ('#d9d9d9', '/'))
    """
    marks, i = {}, 0
    for sector in sectors:
        if sector == NO_SECTOR or str(sector).startswith(UNMAPPED_PREFIX):
            marks[sector] = (GREY, "/")
        else:
            marks[sector] = (PALETTE[i % len(PALETTE)], PATTERNS[(i // len(PALETTE)) % len(PATTERNS)])
            i += 1
    return marks


def sector_region_heatmap(by_sector: pd.DataFrame, phase_order: Sequence[str], *,
                          labels: Mapping[str, str] | None = None, phase_names: Mapping[str, str] | None = None,
                          value: str = "clusters", source_rows: Sequence[pd.DataFrame] = ()) -> go.Figure:
    """Heatmap of clusters (or known members) per sector (rows) and region (columns), one phase at a time,
    chosen with a slider. ``by_sector`` is :func:`clusterix_analytics.portfolio.members_by_sector`.

    >>> by_sector = pd.DataFrame({"partner_id": ["a", "b"], "phase_id": ["P1", "P2"],
    ...     "sector_name": ["Food", "Energy"], "clusters": [2, 1], "clusters_with_members": [2, 0],
    ...     "members": [30, 0]})
    >>> fig = sector_region_heatmap(by_sector, ["P1", "P2"])
    >>> len(fig.data), len(fig.layout.sliders[0].steps)
    (2, 2)
    """
    unit = "clusters" if value == "clusters" else "members (known counts)"
    regions = _ordered_regions(by_sector["partner_id"], labels)
    sectors = sorted(set(by_sector["sector_name"]), key=lambda s: (s == NO_SECTOR, s.startswith(UNMAPPED_PREFIX), s))
    phases = [p for p in phase_order if p in set(by_sector["phase_id"])]
    fig = go.Figure()
    zmax = float(by_sector[value].max()) if len(by_sector) else 1.0

    def title_for(phase):
        return f"Cluster portfolios: {unit} per sector and region – {_label(phase_names, phase)}"

    for i, phase in enumerate(phases):
        grid = (by_sector[by_sector["phase_id"] == phase].pivot_table(index="sector_name", columns="partner_id",
                                                                      values=value, aggfunc="sum")
                .reindex(index=sectors, columns=regions))
        z = grid.to_numpy(dtype=float, copy=True)
        z[z == 0] = np.nan  # an empty cell reads as "none", not as a pale zero
        text = np.where(np.isnan(z), "", np.nan_to_num(z).astype(int).astype(str))
        fig.add_trace(go.Heatmap(
            z=z, x=[_label(labels, r) for r in regions], y=[figure_text(s) for s in sectors], text=text,
            texttemplate="%{text}", colorscale=SEQUENTIAL, zmin=0, zmax=zmax, visible=i == 0,
            name=_label(phase_names, phase), colorbar=dict(title=unit.split(" ")[0]), xgap=1, ygap=1,
            hovertemplate="%{y}<br>%{x}<br>%{z} " + unit + "<extra>" + _label(phase_names, phase) + "</extra>"))
    steps = [dict(method="update", label=_label(phase_names, phase),
                  args=[{"visible": [j == i for j in range(len(phases))]}, {"title.text": title_for(phase)}])
             for i, phase in enumerate(phases)]
    apply_theme(fig, title_for(phases[0]) if phases else f"Cluster portfolios: {unit} per sector and region",
                _note(source_rows, "Undated clusters are not shown. Move the slider to change the phase."))
    fig.update_layout(xaxis_title="Region (partner)", yaxis_title="Sector")
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False, tickangle=REGION_TICK_ANGLE)
    _frame(fig, plot_height=max(200, 26 * len(sectors)), left=_left_margin(sectors),
           x_labels=[_label(labels, r) for r in regions], tick_angle=REGION_TICK_ANGLE, below=SLIDER_PX)
    # The slider under the footnote: its pad is the distance from the plot area's lower edge.
    fig.update_layout(sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="Phase: "),
                                     y=0, yanchor="top", pad=dict(t=fig.layout.meta["below_note"] + 10), x=0,
                                     len=1.0)])
    fit_sliders(fig)   # the first and last phases' names stay inside the figure
    return fig


def members_by_sector_bars(by_sector: pd.DataFrame, phase_order: Sequence[str], *,
                           labels: Mapping[str, str] | None = None, phase_names: Mapping[str, str] | None = None,
                           source_rows: Sequence[pd.DataFrame] = ()) -> go.Figure:
    """Stacked bars of known members per sector for each region, one panel per phase.

    Clusters without a member count add nothing to a bar; the hover says how many clusters had a count.

    >>> by_sector = pd.DataFrame({"partner_id": ["a", "a"], "phase_id": ["P1", "P2"],
    ...     "sector_name": ["Food", "Food"], "clusters": [2, 2], "clusters_with_members": [2, 1],
    ...     "members": [30, 20]})
    >>> fig = members_by_sector_bars(by_sector, ["P1", "P2"])
    >>> [list(t.y) for t in fig.data]
    [[30], [20]]
    """
    phases = [p for p in phase_order if p in set(by_sector["phase_id"])]
    regions = _ordered_regions(by_sector["partner_id"], labels)
    sectors = sorted(set(by_sector["sector_name"]), key=lambda s: (s == NO_SECTOR, s.startswith(UNMAPPED_PREFIX), s))
    marks = sector_marks(sectors)
    fig = make_subplots(rows=1, cols=max(len(phases), 1), shared_yaxes=True, horizontal_spacing=0.02,
                        subplot_titles=[_label(phase_names, p).replace(" – ", "<br>", 1) for p in phases])
    shown: set[str] = set()
    for col, phase in enumerate(phases, start=1):
        here = by_sector[by_sector["phase_id"] == phase]
        for sector in sectors:
            rows = here[here["sector_name"] == sector].set_index("partner_id").reindex(regions)
            if rows["members"].fillna(0).sum() == 0:
                continue
            custom = np.stack([rows["clusters"].fillna(0).astype(int),
                               rows["clusters_with_members"].fillna(0).astype(int)], axis=1)
            fig.add_trace(go.Bar(
                x=[_label(labels, r) for r in regions], y=rows["members"].fillna(0).astype(int).tolist(),
                name=figure_text(sector), legendgroup=figure_text(sector), showlegend=sector not in shown,
                marker_color=marks[sector][0], marker_pattern_shape=marks[sector][1],
                customdata=custom,
                hovertemplate=(f"{figure_text(sector)}<br>%{{x}}, {_label(phase_names, phase)}<br>%{{y}} members<br>"
                               "%{customdata[1]} of %{customdata[0]} clusters with a member count<extra></extra>")),
                row=1, col=col)
            shown.add(sector)
    apply_theme(fig, "Members of the regions' clusters by sector and phase (clusters with a known member count)",
                _note(source_rows, "Clusters without a member count are not in the bars; undated clusters are "
                                   "left out."))
    # The legend right of the panels, top-aligned, with the plot area at least as tall as its entries: a
    # legend taller than the plot area scrolls in plotly and hides entries; one inside it covers bars.
    fig.update_layout(barmode="stack", legend=dict(title="Sector", font=dict(size=11), tracegroupgap=0,
                                                   orientation="v", x=1.02, xanchor="left", y=1, yanchor="top",
                                                   yref="paper"))
    if not shown:  # say so rather than show empty axes
        fig.add_annotation(text="No member count is known for these clusters.", xref="paper", yref="paper",
                           x=0.5, y=0.5, showarrow=False, font=dict(size=14, color=MUTED))
    fig.update_yaxes(title_text="Members (organisations)", row=1, col=1)
    fig.update_xaxes(tickangle=REGION_TICK_ANGLE, tickfont=dict(size=10))
    if phases:
        fig.update_xaxes(title_text="Region (partner)", row=1, col=(len(phases) + 1) // 2)
    return _frame(fig, plot_height=max(320, LEGEND_ROW_PX * len(shown) + LEGEND_TITLE_PX), top=120,
                  x_labels=[_label(labels, r) for r in regions], tick_angle=REGION_TICK_ANGLE, tick_size=10)


def portfolio_change_dumbbell(summary: pd.DataFrame, phase_a: str, phase_b: str, *,
                              labels: Mapping[str, str] | None = None,
                              phase_names: Mapping[str, str] | None = None,
                              source_rows: Sequence[pd.DataFrame] = ()) -> go.Figure:
    """Dumbbells per region: clusters in ``phase_a`` → ``phase_b`` (left) and members of the continuing
    clusters with a count in both phases (right). ``summary`` is
    :func:`clusterix_analytics.portfolio.change_summary`; the hover names clusters that entered, left, grew.

    >>> summary = pd.DataFrame({"partner_id": ["a"], "clusters_a": [2], "clusters_b": [3], "entered": [1],
    ...     "left": [0], "grew": [1], "shrank": [0], "members_a": pd.array([10], dtype="Int64"),
    ...     "members_b": pd.array([12], dtype="Int64"), "member_growth_pct": [20.0], "entered_names": ["C"],
    ...     "left_names": [""], "grew_names": ["A"], "continuing": [2]})
    >>> fig = portfolio_change_dumbbell(summary, "P1", "P2")
    >>> [t.name for t in fig.data if t.showlegend is not False]
    ['P1', 'P2']
    """
    name_a, name_b = _label(phase_names, phase_a), _label(phase_names, phase_b)
    rows = summary.iloc[::-1]  # first region at the top
    y = [_label(labels, r) for r in rows["partner_id"]]
    hover = [
        f"<b>{_label(labels, r.partner_id)}</b><br>entered ({r.entered}): {figure_text(r.entered_names or '–')}"
        f"<br>left ({r.left}): {figure_text(r.left_names or '–')}"
        f"<br>grew ({r.grew}): {figure_text(r.grew_names or '–')}"
        for r in rows.itertuples()]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.05,
                        subplot_titles=("Clusters supported", "Members of continuing clusters (known in both)"))
    colour_a, colour_b = PALETTE[0], PALETTE[1]
    for col, (va, vb) in enumerate([(rows["clusters_a"], rows["clusters_b"]),
                                    (rows["members_a"], rows["members_b"])], start=1):
        va = pd.to_numeric(va.astype("Float64"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        vb = pd.to_numeric(vb.astype("Float64"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        xs, ys = [], []
        for a, b, label in zip(va, vb, y):
            xs += [a, b, None]
            ys += [label, label, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=MUTED, width=2), showlegend=False,
                                 hoverinfo="skip"), row=1, col=col)
        fig.add_trace(go.Scatter(x=va, y=y, mode="markers", marker=dict(size=11, color=colour_a), name=name_a,
                                 legendgroup="a", showlegend=col == 1, text=hover,
                                 hovertemplate="%{text}<br>" + name_a + ": %{x}<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(x=vb, y=y, mode="markers", marker=dict(size=11, color=colour_b), name=name_b,
                                 legendgroup="b", showlegend=col == 1, text=hover,
                                 hovertemplate="%{text}<br>" + name_b + ": %{x}<extra></extra>"), row=1, col=col)
    apply_theme(fig, f"Change of cluster portfolios from {name_a} to {name_b}",
                _note(source_rows, "Right panel: only clusters present in both phases with a member count in "
                                   "both; regions without such a cluster have no dumbbell."))
    fig.update_xaxes(title_text="Clusters (number)", row=1, col=1, rangemode="tozero")
    fig.update_xaxes(title_text="Members (organisations)", row=1, col=2, rangemode="tozero")
    fig.update_yaxes(title_text="Region (partner)", row=1, col=1)
    fig.update_layout(legend=dict(title="Phase"))
    return _frame(fig, plot_height=max(210, 38 * len(y)), top=100, left=_left_margin(y))


def complementarity_heatmap(matrix: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                            phase_name: str | None = None, weight: str = "clusters",
                            source_rows: Sequence[pd.DataFrame] = ()) -> go.Figure:
    """Region × region matrix of complementarity (1 − cosine similarity of sector profiles), diagonal blank."""
    z = matrix.to_numpy(dtype=float, copy=True)
    np.fill_diagonal(z, np.nan)
    names = [_label(labels, r) for r in matrix.index]
    text = np.where(np.isnan(z), "", np.char.mod("%.2f", np.nan_to_num(z)))
    fig = go.Figure(go.Heatmap(
        z=z, x=names, y=names, zmin=0, zmax=1, colorscale=SEQUENTIAL, text=text, texttemplate="%{text}",
        colorbar=dict(title="1 − cos"), xgap=1, ygap=1,
        hovertemplate="%{y} × %{x}<br>complementarity %{z:.2f}<extra></extra>"))
    suffix = f" – {figure_text(phase_name)}" if phase_name else ""
    apply_theme(fig, f"Sector complementarity of regions' cluster portfolios{suffix}",
                _note(source_rows, f"Complementarity = 1 − cosine similarity of sector profiles ({weight} per "
                                   "sector); 0 = same mix, 1 = no sector in common."))
    fig.update_yaxes(autorange="reversed", showgrid=False, title_text="Region (partner)")
    fig.update_xaxes(showgrid=False, tickangle=REGION_TICK_ANGLE, title_text="Region (partner)")
    return _frame(fig, plot_height=max(200, 40 * len(names)), left=_left_margin(names), x_labels=names,
                  tick_angle=REGION_TICK_ANGLE)


def link_sankey(flows: pd.DataFrame, phase_order: Sequence[str], *, labels: Mapping[str, str] | None = None,
                phase_names: Mapping[str, str] | None = None, summary: pd.DataFrame | None = None,
                source_rows: Sequence[pd.DataFrame] = ()) -> go.Figure:
    """Sankey of joint cluster projects between regions, one phase at a time (buttons choose the phase).

    Left nodes are one side of each link, right nodes the other (a region on both sides = cross-cluster links
    inside it). ``flows`` is :func:`clusterix_analytics.portfolio.region_link_flows`; ``summary`` (from
    :func:`~clusterix_analytics.portfolio.link_summary`) adds the inter-regional share to each phase's title.

    >>> flows = pd.DataFrame({"phase_id": ["P1", "P2"], "region_a": ["a", "a"], "region_b": ["b", "a"],
    ...                       "links": [1, 2], "projects": [3, 2]})
    >>> fig = link_sankey(flows, ["P1", "P2"])
    >>> len(fig.data), len(fig.layout.updatemenus[0].buttons)
    (2, 2)
    """
    phases = [p for p in phase_order if p in set(flows["phase_id"])]
    regions = _ordered_regions(list(flows["region_a"]) + list(flows["region_b"]), labels)
    index = {r: i for i, r in enumerate(regions)}
    n = len(regions)
    colours = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(regions)}

    def title_for(phase):
        base = f"Joint projects between the regions' clusters – {_label(phase_names, phase)}"
        if summary is not None and phase in set(summary["phase_id"]):
            s = summary[summary["phase_id"] == phase].iloc[0]
            base += (f"<br><sup>{int(s['links'])} linked cluster pairs, {int(s['projects'])} joint projects, "
                     f"{s['interregional_share']:.0%} of links inter-regional</sup>")
        return base

    fig = go.Figure()
    for i, phase in enumerate(phases):
        f = flows[flows["phase_id"] == phase]
        fig.add_trace(go.Sankey(
            visible=i == 0, arrangement="snap",
            node=dict(label=[_label(labels, r) for r in regions] * 2, color=[colours[r] for r in regions] * 2,
                      pad=12, thickness=14),
            link=dict(source=[index[a] for a in f["region_a"]], target=[n + index[b] for b in f["region_b"]],
                      value=f["projects"].tolist(), customdata=f["links"].tolist(),
                      color=["rgba(150,150,150,0.35)" if a != b else "rgba(230,159,0,0.45)"
                             for a, b in zip(f["region_a"], f["region_b"])],
                      hovertemplate="%{source.label} – %{target.label}<br>%{value} joint projects, "
                                    "%{customdata} cluster pairs<extra></extra>")))
    buttons = [dict(method="update", label=_label(phase_names, p),
                    args=[{"visible": [j == i for j in range(len(phases))]}, {"title.text": title_for(p)}])
               for i, p in enumerate(phases)]
    apply_theme(fig, title_for(phases[0]) if phases else "Joint projects between the regions' clusters",
                _note(source_rows, "Band width = joint projects of the cluster pairs (number); orange bands = "
                                   "links between clusters of the same region. Buttons choose the phase."))
    fig.update_layout(updatemenus=[dict(type="buttons", direction="right", buttons=buttons, x=0, xanchor="left",
                                        y=1.02, yanchor="bottom", showactive=True)])
    # The footnote a fixed 8 px under the sankey, in a bottom margin as tall as its lines.
    bottom = 70
    if fig.layout.annotations:
        note = fig.layout.annotations[0]
        note.update(y=0, yanchor="top", yshift=-SANKEY_NOTE_GAP_PX)
        bottom = max(bottom, math.ceil(SANKEY_NOTE_GAP_PX + note_height(note.text, note.font.size or 11) + 8))
    fig.update_layout(height=max(500, 34 * n + 240), margin=dict(t=150, b=bottom, l=30, r=30))
    return fig

