"""Figures of the partner profile (plotly, the workbook's theme).

>>> import pandas as pd
>>> table = pd.DataFrame({"name": ["Events"], "unit": ["events"], "value": [8.0], "target": [32.0],
...                       "share_of_target": [0.25], "synthetic_observations": [1]})
>>> fig = share_of_targets_figure(table, "ecoplus", note="Demo data")
>>> fig.data[0].x[0]
25.0
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.figures.theme import PALETTE, apply_theme, figure_text


def share_of_targets_figure(versus_targets: pd.DataFrame, partner_label: str, note: str | None = None) -> go.Figure:
    """Horizontal bars: the partner's value of each indicator as a percentage of the project target.

    ``versus_targets`` is :func:`clusterix_analytics.profile.observations_vs_targets`; indicators without
    a target are left out (the title says so when that happens).
    """
    shown = versus_targets.dropna(subset=["share_of_target"]).iloc[::-1]
    percent = (shown["share_of_target"] * 100).round(1)
    hover = [f"{v:,.0f} of {t:,.0f} {figure_text(u)}" for v, t, u in zip(shown["value"], shown["target"],
                                                                         shown["unit"])]
    fig = go.Figure(go.Bar(
        x=percent.tolist(), y=[figure_text(n) for n in shown["name"]], orientation="h", marker_color=PALETTE[0],
        text=[f"{p:.0f}%" for p in percent], textposition="outside", hovertext=hover, hoverinfo="text+y",
    ))
    left_out = len(versus_targets) - len(shown)
    title = f"{figure_text(partner_label)}: contribution to each project target (% of target)"
    if left_out:
        title += f"<br><sub>{left_out} indicator{'s' if left_out != 1 else ''} without a target not shown</sub>"
    # tall enough that the footnote (placed below the plot area by the theme) clears the axis title
    apply_theme(fig, title=title, note=note, height=300 + 60 * max(len(shown), 1))
    fig.update_layout(xaxis_title="partner value as % of the project-wide target", yaxis_title=None,
                      yaxis_automargin=True, margin_b=110)
    return fig
