"""Figures of the project overview: the phases timeline and headline indicators against target.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.figures.overview import phases_timeline
>>> phases_timeline(cx.load().project).layout.title.text
'Project phases and reporting periods'
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.data.project import Project
from clusterix_analytics.figures.theme import MUTED, PALETTE, apply_theme, figure_text


def phases_timeline(project: Project) -> go.Figure:
    """One bar per phase (solid: sourced dates, hatched: assumed), reporting periods as ticks below."""
    phases = project.phases_frame()
    fig = go.Figure()
    for i, ph in enumerate(phases.itertuples()):
        days = (ph.end - ph.start).days + 1
        assumed = ph.dates == "assumed"
        name = figure_text(ph.name)
        fig.add_trace(go.Bar(
            y=[name], x=[days * 86_400_000], base=[ph.start], orientation="h",
            marker=dict(color=PALETTE[i % len(PALETTE)], pattern=dict(shape="/" if assumed else "")),
            name=f"{name}: {ph.start:%d %b %Y} – {ph.end:%d %b %Y} ({figure_text(ph.dates)})",
            customdata=[[f"{ph.start:%d %b %Y} – {ph.end:%d %b %Y}", figure_text(ph.dates)]],
            hovertemplate="%{y}<br>%{customdata[0]}<br>dates %{customdata[1]}<extra></extra>",
        ))
    periods = project.reporting_periods()
    fig.add_trace(go.Scatter(
        x=periods.start, y=["Reporting periods"] * len(periods), mode="markers",
        text=[f"RP{p}" for p in periods.period], textposition="top center", marker=dict(symbol="line-ns-open",
                                                                                          size=14, color=MUTED),
        name=f"reporting periods ({project.reporting_period_months} months)",
        hovertemplate="RP%{text}: from %{x|%d %b %Y}<extra></extra>",
    ))
    fig.add_vline(x=pd.Timestamp(project.end).timestamp() * 1000, line_dash="dot", line_color=MUTED)
    fig.update_xaxes(type="date", title_text="Date")
    fig.update_yaxes(autorange="reversed", title_text="")
    note = "Hatched: dates assumed (no source states them); solid: sourced. Dotted line: official project end."
    return apply_theme(fig, "Project phases and reporting periods", note=note, height=360)


def headline_indicators_chart(table: pd.DataFrame) -> go.Figure:
    """Achieved as % of target, for indicators that have both (from overview.headline_indicators)."""
    both = table.dropna(subset=["target", "achieved"])
    fig = go.Figure(go.Bar(
        x=both.achievement_pct, y=[figure_text(n) for n in both.name], orientation="h", marker_color=PALETTE[0],
        text=[f"{a:,.0f} of {t:,.0f} {figure_text(u)}" for a, t, u in zip(both.achieved, both.target, both.unit)],
        textposition="auto",
        hovertemplate="%{y}<br>%{x:.0f}% of target<extra></extra>",
    ))
    fig.add_vline(x=100, line_dash="dash", line_color=MUTED, annotation_text="target")
    fig.update_xaxes(title_text="Achieved, % of target")
    return apply_theme(fig, "Headline programme indicators: reported achievement against target",
                       note="Source: project and partner web pages (URLs in data/); sourced values only.",
                       height=300 + 30 * len(both))
