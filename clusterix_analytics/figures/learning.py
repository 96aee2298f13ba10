"""Figures of policy learning: the events on a timeline, who hosted what, the topics over time, and the learning
network.

Builders take the tables of :mod:`clusterix_analytics.analytics.learning`; demo rows are drawn hollow and every
figure's footnote says how much is demo data.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.analytics import learning
>>> ds = cx.load()
>>> events_timeline(learning.learning_events(ds), ds.project).layout.title.text
'Learning events over time, by type (size: participants)'
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.data.names import partner_names
from clusterix_analytics.data.project import Project
from clusterix_analytics.figures.phases import shade_phases, timeline_range
from clusterix_analytics.figures.theme import (
    MUTED,
    PALETTE,
    SEQUENTIAL,
    apply_theme,
    figure_text,
    source_note,
    wrap_text,
)


def _size(participants) -> float:
    """Marker size growing with the square root of participants (unknown: the smallest size)."""
    return 10.0 if pd.isna(participants) else 10.0 + 3.0 * math.sqrt(float(participants))


def events_timeline(events: pd.DataFrame, project: Project) -> go.Figure:
    """Each dated learning event at its start, one row per type, sized by participants, the phases shaded.

    Undated events cannot be placed: the footnote counts them.
    """
    dated = events.dropna(subset=["start"])
    fig = go.Figure()
    for i, (kind, rows) in enumerate(dated.groupby("event_type", sort=True)):
        for demo, part in rows.groupby(rows["synthetic"].astype(bool)):
            colour = PALETTE[i % len(PALETTE)]
            label = figure_text(str(kind).replace("_", " "))
            fig.add_trace(go.Scatter(
                x=part["start"], y=[label] * len(part), mode="markers",
                name=label + (" (demo)" if demo else ""),
                marker=dict(size=[_size(p) for p in part["participants"]], color="white" if demo else colour,
                            line=dict(color=colour, width=2), opacity=0.85),
                text=[figure_text(t) for t in part["title"]],
                customdata=[[figure_text(c), figure_text(n)] for c, n in
                            part[["city", "participants"]].astype(object).fillna("not stated").itertuples(index=False)],
                hovertemplate="%{text}<br>%{x|%d %b %Y}, %{customdata[0]}<br>participants: %{customdata[1]}"
                              "<extra></extra>",
            ))
    x_range = timeline_range(project, dated["start"])
    shade_phases(fig, project, x_range=x_range)
    fig.update_xaxes(type="date", title_text="Start of the event", range=x_range)
    fig.update_yaxes(title_text="")
    undated = len(events) - len(dated)
    note = source_note(events) + (f" {undated} event(s) without a date are not drawn." if undated else "")
    return apply_theme(fig, "Learning events over time, by type (size: participants)", note=note, height=460)


def hosts_chart(by_host: pd.DataFrame, partners: pd.DataFrame) -> go.Figure:
    """Learning events per host partner, one bar segment per type (documented solid, demo hatched).

    >>> import clusterix_analytics as cx
    >>> from clusterix_analytics.analytics import learning
    >>> ds = cx.load()
    >>> hosts_chart(learning.events_by_host(ds), ds.partners).layout.barmode
    'stack'
    """
    names = partner_names(partners)
    fig = go.Figure()
    for i, (kind, rows) in enumerate(by_host.groupby("event_type", sort=True)):
        label = [figure_text(names.get(h, h)) for h in rows["host_partner_id"]]
        kind_label = figure_text(str(kind).replace("_", " "))
        for column, hatch in (("documented", ""), ("demo", "/")):
            if rows[column].sum():
                fig.add_trace(go.Bar(
                    y=label, x=rows[column], orientation="h", name=kind_label + (" (demo)" if hatch else ""),
                    marker=dict(color=PALETTE[i % len(PALETTE)], pattern=dict(shape=hatch)),
                    hovertemplate="%{y}: %{x} " + kind_label + "<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="Learning events hosted", dtick=1)
    return apply_theme(fig, "Who hosted what: learning events by host partner and type",
                       note="Counted from the events table; hatched: demo rows.",
                       height=260 + 28 * by_host["host_partner_id"].nunique())


def network_figure(edges: pd.DataFrame, partners: pd.DataFrame) -> go.Figure:
    """Who learned from whom: partners on a circle, one arrow per transfer from owner to adopter, solid for a
    sourced transfer, dotted for demo; the hover names the practice, its status and its source.

    >>> import clusterix_analytics as cx
    >>> from clusterix_analytics.analytics import learning
    >>> ds = cx.load("tests/fixtures/learning_pilot")
    >>> [t.name for t in network_figure(learning.learning_network(ds), ds.partners).data]
    ['sourced transfer', 'demo transfer', 'partners']
    """
    ids = list(partners["partner_id"]) + sorted(set(edges["from_partner_id"]) - set(partners["partner_id"]))
    names = partner_names(partners)
    angle = {p: 2 * math.pi * i / max(len(ids), 1) for i, p in enumerate(ids)}
    xy = {p: (math.cos(a), math.sin(a)) for p, a in angle.items()}
    fig = go.Figure()
    for provenance, dash, colour in (("sourced", "solid", PALETTE[0]), ("demo", "dot", MUTED)):
        part = edges[edges["provenance"] == provenance]
        xs, ys, texts = [], [], []
        for e in part.itertuples():
            (x0, y0), (x1, y1) = xy[e.from_partner_id], xy[e.to_partner_id]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
            where = e.source if isinstance(e.source, str) else "demo row, no source"
            texts += [f"{figure_text(e.title)}: {figure_text(e.transfer_status)} ({figure_text(where)})"] * 3
            fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
                               showarrow=True, arrowhead=3, arrowsize=1.2, arrowcolor=colour, opacity=0.7,
                               standoff=12, startstandoff=12)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=f"{provenance} transfer", text=texts,
                                 line=dict(color=colour, dash=dash, width=1.5), hovertemplate="%{text}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[xy[p][0] for p in ids], y=[xy[p][1] for p in ids], mode="markers+text", name="partners",
        text=[figure_text(names.get(p, p)) for p in ids], textposition="top center",
        marker=dict(size=16, color=PALETTE[1], line=dict(color="white", width=1)), hoverinfo="text"))
    fig.update_xaxes(visible=False, range=[-1.4, 1.4])
    fig.update_yaxes(visible=False, range=[-1.3, 1.3], scaleanchor="x")
    return apply_theme(fig, "Who learned from whom: good-practice transfers from owner to adopting partner",
                       note="Solid: sourced transfer (URL in the hover); dotted: demo row.", height=560)


def topics_heatmap(grid: pd.DataFrame, phase_names: dict[str, str], events: pd.DataFrame | None = None) -> go.Figure:
    """Topics (rows, most events first) × phases (columns, in time order): how many learning events took up each
    topic in each phase, the count in the cell; the hover says how many of them are demo rows.

    ``grid`` comes from :func:`~clusterix_analytics.analytics.learning.topics_by_phase`; ``phase_names`` names the
    phases (phase id → name); ``events`` are the rows behind it, for the footnote's demo share.

    >>> import clusterix_analytics as cx
    >>> from clusterix_analytics.analytics import learning
    >>> grid = learning.topics_by_phase(cx.load("tests/fixtures/learning_pilot"))
    >>> fig = topics_heatmap(grid, {"learn": "Learning phase", "apply": "Implementation phase"})
    >>> fig.data[0].x, fig.data[0].z[1]
    (('Learning phase', 'Implementation phase'), [2, 0])
    """
    topics = list(dict.fromkeys(grid["topic"]))
    phases = list(dict.fromkeys(grid["phase_id"]))
    counts = grid.assign(events=grid["documented"] + grid["demo"])
    events_grid = counts.pivot(index="topic", columns="phase_id", values="events").reindex(index=topics,
                                                                                        columns=phases)
    demo_grid = counts.pivot(index="topic", columns="phase_id", values="demo").reindex(index=topics, columns=phases)
    z = events_grid.to_numpy().astype(int).tolist()
    demo = demo_grid.to_numpy().astype(int).tolist()
    hover = [[f"{n} learning event{'' if n == 1 else 's'}" + (f" ({d} demo)" if d else "") for n, d in zip(zr, dr)]
             for zr, dr in zip(z, demo)]
    fig = go.Figure(go.Heatmap(
        z=z, x=[wrap_text(phase_names.get(p, p), 24) for p in phases], y=[figure_text(t) for t in topics],
        name="learning events",
        zmin=0, colorscale=SEQUENTIAL,
        text=[[str(n) if n else "" for n in row] for row in z], texttemplate="%{text}", customdata=hover,
        colorbar=dict(title=dict(text="Learning<br>events"), dtick=1), xgap=2, ygap=2,
        hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>"))
    if grid.empty:
        fig.add_annotation(text="No learning event names its topics", xref="paper", yref="paper", x=0.5, y=0.5,
                           showarrow=False, font=dict(size=14, color=MUTED))
    fig.update_xaxes(title_text="", side="bottom", showgrid=False)   # the phases name themselves
    fig.update_yaxes(title_text="", autorange="reversed", showgrid=False)
    note = (source_note(events) + " " if events is not None and len(events) else "") + \
        "An event with several topics counts once for each."
    return apply_theme(fig, "Topics over time: learning events per topic and phase", note=note,
                       height=max(360, 220 + 26 * len(topics)))
