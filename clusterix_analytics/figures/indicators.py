"""Figures of the policy-change indicators: cumulative value against target across the phases, partner ×
indicator achievement, the policy-change timeline, funds influenced, and phase-over-phase values.

Every builder takes tables from :mod:`clusterix_analytics.indicators` and returns a themed ``go.Figure``.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.analytics import indicators as ind
>>> from clusterix_analytics.figures import indicators as figs
>>> ds = cx.load()
>>> from clusterix_analytics.analytics.policy_changes import changes_with_phase
>>> changes = changes_with_phase(ds.policy_changes, ds.project)
>>> figs.policy_change_timeline(changes, ds.partners, ds.project).layout.title.text
'Policy changes over time, by partner and type of change'
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from clusterix_analytics.analytics import calendar
from clusterix_analytics.data.names import partner_names
from clusterix_analytics.data.project import Project
from clusterix_analytics.figures.phases import shade_phases
from clusterix_analytics.figures.phases import timeline_range as _date_range
from clusterix_analytics.figures.theme import (
    MUTED,
    PALETTE,
    PHASE_FILL,
    apply_theme,
    figure_text,
    source_note,
    wrap_text,
)

CHANGE_SYMBOLS = {"new_projects": "circle", "management": "square", "strategic_focus": "diamond"}
CHANGE_SHORT = {"new_projects": "New projects", "management": "Management / governance",
                "strategic_focus": "Strategic focus (structural)"}
CHANGE_COLOURS = {"new_projects": PALETTE[0], "management": PALETTE[1], "strategic_focus": PALETTE[2]}
OUTSIDE_COLOUR = "#999999"


def _finish(fig: go.Figure, title: str, note: str | None, height: int, left: int = 90, bottom: int = 110,
            top: int = 100) -> go.Figure:
    """Apply the theme, then keep the footnote clear of the x-axis title: a fixed distance in pixels
    below the plot area, inside a bottom margin made for it (the theme's paper-relative place collides
    with axis titles on short figures)."""
    apply_theme(fig, title, note=note, height=height)
    fig.update_layout(margin=dict(l=left, b=bottom, t=top),
                      title=dict(yref="container", y=1 - 18 / height, yanchor="top"))
    if fig.layout.legend.orientation == "h":
        # Horizontal legends sit under the title, a fixed number of pixels from the top of the figure.
        fig.update_layout(legend=dict(yref="container", y=1 - 52 / height, yanchor="top", x=0, xanchor="left"))
    fig.update_yaxes(automargin=True, title_standoff=12)
    for annotation in fig.layout.annotations:
        if note and annotation.text == note:
            annotation.update(y=0, yref="paper", yanchor="top", yshift=-(bottom - 28))
    return fig


def phase_colours(project: Project) -> dict[str, str]:
    """One colour per phase id (time order), grey for dates outside every phase."""
    ordered = calendar.phase_order(project)[:-1]
    colours = {pid: PALETTE[i % len(PALETTE)] for i, pid in enumerate(ordered)}
    return {**colours, calendar.OUTSIDE_PHASES: OUTSIDE_COLOUR}


def _short_names(partners: pd.DataFrame) -> dict[str, str]:
    """partner_id → short name (:func:`~clusterix_analytics.data.names.partner_names`), escaped for plotly."""
    return {p: figure_text(name) for p, name in partner_names(partners).items()}


def cumulative_vs_target(series: pd.DataFrame, indicator: Mapping, project: Project, target: float | None = None,
                         reported: pd.DataFrame | None = None, who: str = "sum of partner rows",
                         note: str | None = None, target_label: str = "target") -> go.Figure:
    """Cumulative value per reporting period against the target, phases shaded and named.

    ``series``: rows of one indicator with period_end and cumulative (a partner's rows of
    ``indicators.period_values`` or the rows of ``indicators.partner_sum_by_period``). ``reported``: rows of
    ``indicators.reported_vs_partner_sum`` for the indicator, drawn as "reported by the project" markers.

    >>> fig = cumulative_vs_target(series, ds.indicators.iloc[0], ds.project, target=32)    # doctest: +SKIP
    """
    name, unit, aggregation = figure_text(indicator["name"]), figure_text(indicator["unit"]), indicator["aggregation"]
    level = {"sum": "Cumulative", "last": "Latest", "max": "Highest"}[str(aggregation)]
    series = series.sort_values("period_end")
    fig = go.Figure()
    shade_phases(fig, project, x_range=_date_range(project, series.period_end))
    fig.add_trace(go.Scatter(
        x=series.period_end, y=series.cumulative, mode="lines+markers", name=f"{level} value, {figure_text(who)}",
        line=dict(color=PALETTE[0], width=2.5), customdata=series[["value"]].to_numpy() if "value" in series else None,
        hovertemplate=f"%{{x|%d %b %Y}}<br>{level.lower()}: %{{y:,.4~g}} {unit}"
                      + ("<br>this period: %{customdata[0]:,.4~g}" if "value" in series else "") + "<extra></extra>",
    ))
    if target is not None and not pd.isna(target):
        fig.add_hline(y=float(target), line_dash="dash", line_color=PALETTE[3],
                      annotation_text=f"{figure_text(target_label)} {float(target):,g} {unit}",
                      annotation_position="top right")
    if reported is not None and len(reported.dropna(subset=["reported_by_project"])):
        shown = reported.dropna(subset=["reported_by_project"])
        fig.add_trace(go.Scatter(
            x=shown.reported_to, y=shown.reported_by_project, mode="markers", name="reported by the project (sourced)",
            marker=dict(symbol="star", size=14, color=PALETTE[1], line=dict(color="#333", width=1)),
            hovertemplate="reported by the project: %{y:,.4~g} " + str(unit) + "<br>as of %{x|%d %b %Y}<extra></extra>",
        ))
    fig.update_xaxes(title_text="End of reporting period (date)", type="date",
                     range=_date_range(project, series.period_end))
    fig.update_yaxes(title_text=f"{level} value ({unit})", rangemode="tozero")
    fig.update_layout(legend=dict(orientation="h"))
    whose = "" if who == "sum of partner rows" else f" ({figure_text(who)})"
    title = f"{name}{whose}: {level.lower()} value against target, by reporting period"
    if note is None:
        note = source_note(series)
        if reported is not None and reported.reported_by_project.notna().any():
            note += " Star: total reported by the project (sourced, data/observations.csv)."
    return _finish(fig, title, note, height=460, top=110)


def achievement_heatmap(scorecard: pd.DataFrame, partners: pd.DataFrame, cap: float = 200.0) -> go.Figure:
    """Partner × indicator: cumulative value as % of the partner's share of the target (colour capped at ``cap``).

    ``scorecard`` comes from ``indicators.partner_scorecard``; indicators without a target are left out,
    cells without data stay empty and say so on hover.
    """
    card = scorecard[scorecard.status != "no target"]
    names = _short_names(partners)
    partner_order = [p for p in partners.partner_id.astype(str) if p in set(card.partner_id)]
    indicator_order = list(dict.fromkeys(card.indicator_id))
    labels = dict(zip(card.indicator_id, card.name))   # wrap_text escapes them
    pct = card.pivot(index="partner_id", columns="indicator_id", values="achievement_pct").reindex(
        index=partner_order, columns=indicator_order)
    status = card.pivot(index="partner_id", columns="indicator_id", values="status").reindex(
        index=partner_order, columns=indicator_order)
    text = [[("no data" if pd.isna(v) else f"{v:.0f}%") for v in r] for r in pct.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=pct.clip(upper=cap).to_numpy(), x=[wrap_text(labels[i], 16) for i in indicator_order],
        y=[names.get(p, p) for p in partner_order], zmin=0, zmax=cap,
        colorscale=[[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]],
        text=text, texttemplate="%{text}", customdata=[[figure_text(s) for s in r] for r in status.to_numpy()],
        colorbar=dict(title=dict(text="% of partner's<br>target share"), ticksuffix="%"),
        hovertemplate="%{y}<br>%{x}<br>%{text} of target share<br>status: %{customdata}<extra></extra>",
    ))
    fig.update_xaxes(title_text="Indicator (with a project target)", side="bottom", tickangle=0,
                     tickfont=dict(size=11))
    fig.update_yaxes(title_text="Partner", autorange="reversed")
    as_of = scorecard.attrs.get("as_of")
    when = f" as of {as_of:%d %b %Y}" if as_of is not None else ""
    note = source_note(card) + " Partner share = project target ÷ partners (rates: the target itself)."
    return _finish(fig, f"Achievement against each partner's share of the target (%){when}", note,
                   height=max(440, 300 + 36 * len(partner_order)), left=130, bottom=190)


def policy_change_timeline(changes: pd.DataFrame, partners: pd.DataFrame, project: Project) -> go.Figure:
    """Each policy change as a marker: date × partner, symbol and colour by type of change.

    Filled markers: achieved; open markers: planned or in progress. Hover shows the description and the
    evidence link. ``changes`` comes from ``indicators.changes_with_phase``. One row per partner that has a
    change (others are left out); the legend is shown even for a single type of change.
    """
    names = _short_names(partners)
    fig = go.Figure()
    shade_phases(fig, project, x_range=_date_range(project, changes.date))
    for change_type, symbol in CHANGE_SYMBOLS.items():
        for achieved in (True, False):
            part = changes[(changes.change_type == change_type) & ((changes.status == "achieved") == achieved)]
            if part.empty:
                continue
            funds = [f"{v:,.0f} EUR" if pd.notna(v) else "unknown" for v in part.funds_influenced_eur]
            statuses = [str(s).replace("_", " ") for s in part.status]          # "in progress", not in_progress
            custom = [[figure_text(v) for v in row] for row in zip(part.change_type_label, statuses, funds)]
            custom = [c + [wrap_text(d), figure_text(e), figure_text(p), m] for c, d, e, p, m in
                      zip(custom, part.description, part.evidence, part.phase_name, part.months_from_start)]
            fig.add_trace(go.Scatter(
                x=part.date, y=[names.get(p, p) for p in part.partner_id], mode="markers",
                name=f"{CHANGE_SHORT[change_type]}{'' if achieved else ' – planned / in progress'}",
                marker=dict(symbol=symbol if achieved else f"{symbol}-open", size=13,
                            color=CHANGE_COLOURS[change_type], line=dict(width=1.5, color=CHANGE_COLOURS[change_type])),
                customdata=custom,
                hovertemplate=("<b>%{y}</b>, %{x|%d %b %Y} (%{customdata[6]} months after the start)<br>"
                               "%{customdata[0]} – %{customdata[1]}<br>phase: %{customdata[5]}<br>"
                               "funds influenced: %{customdata[2]}<br>%{customdata[3]}<br>"
                               "evidence: %{customdata[4]}<extra></extra>"),
            ))
    # A row per partner with a change (in the partners' order): a partner without one is no empty row.
    with_changes = set(changes.partner_id.astype(str))
    order = [names.get(p, p) for p in partners.partner_id.astype(str) if p in with_changes]
    order += sorted(names.get(p, p) for p in with_changes - set(partners.partner_id.astype(str)))
    fig.update_xaxes(title_text="Date of the change", type="date", range=_date_range(project, changes.date))
    fig.update_yaxes(title_text="Partner", categoryorder="array", categoryarray=order[::-1])
    # plotly hides the legend of a one-trace figure: say what a lone symbol means all the same.
    fig.update_layout(legend=dict(orientation="h", title_text="Type of change: "), showlegend=bool(fig.data))
    note = source_note(changes) + " Filled: achieved; open: planned or in progress."
    return _finish(fig, "Policy changes over time, by partner and type of change", note,
                   height=max(460, 300 + 32 * changes.partner_id.nunique()), left=130, top=150)


def funds_by_partner_phase(funds: pd.DataFrame, partners: pd.DataFrame, project: Project) -> go.Figure:
    """Stacked bars: funds influenced (EUR) per partner, one segment per phase.

    ``funds`` comes from ``indicators.funds_by_partner_phase``; partners without any amount are left out.
    """
    names = _short_names(partners)
    colours = phase_colours(project)
    labels = calendar.phase_names(project)
    known = funds.dropna(subset=["funds_eur"])
    totals = known.groupby("partner_id").funds_eur.sum().sort_values(ascending=False)
    fig = go.Figure()
    for phase_id in calendar.phase_order(project):
        part = known[known.phase_id == phase_id].set_index("partner_id").reindex(totals.index)
        if part.funds_eur.isna().all():
            continue
        fig.add_trace(go.Bar(
            x=[names.get(p, figure_text(p)) for p in totals.index], y=part.funds_eur,
            name=figure_text(labels[phase_id]), marker_color=colours[phase_id],
            hovertemplate="%{x}<br>" + figure_text(labels[phase_id]) + ": %{y:,.0f} EUR<extra></extra>",
        ))
    fig.update_layout(barmode="stack", legend=dict(orientation="h", traceorder="normal"))
    fig.update_xaxes(title_text="Partner")
    fig.update_yaxes(title_text="Funds influenced (EUR)", tickformat=",.0f")
    total = float(known.funds_eur.sum())
    synthetic_eur = float(known.synthetic_eur.sum()) if "synthetic_eur" in known else 0.0
    if total and synthetic_eur:
        note = (f"Demo data: {synthetic_eur / total:.0%} of the EUR shown come from synthetic policy changes; "
                "the rest: sources in data/.")
    else:
        note = source_note(pd.DataFrame({"synthetic": [False]}))
    missing = funds.loc[funds.funds_eur.isna(), "partner_id"].nunique()
    if missing:
        note += f" {missing} partner(s) with changes of unknown amount are not shown."
    return _finish(fig, "Funds influenced by the policy changes, by partner and phase (EUR)", note, height=460,
                   left=110)


def phase_comparison(phase_sums: pd.DataFrame, project: Project, columns: int = 3,
                     order: list[str] | None = None) -> go.Figure:
    """Phase over phase: one small panel per indicator (its own unit), one bar per phase.

    ``phase_sums`` comes from ``indicators.partner_sum_by_phase`` (or one partner's rows of
    ``indicators.phase_values``). Hollow markers show the projected end-of-phase value where a phase is
    still running.
    """
    indicator_ids = list(dict.fromkeys(phase_sums.indicator_id))
    if order is not None:
        indicator_ids = [i for i in order if i in indicator_ids]
    columns = max(1, min(columns, len(indicator_ids)))
    rows = max(1, math.ceil(len(indicator_ids) / columns))
    first = phase_sums.drop_duplicates("indicator_id").set_index("indicator_id")
    titles = [wrap_text(f"{i}", 40) for i in indicator_ids]
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles, vertical_spacing=0.16 if rows > 1 else 0.1,
                        horizontal_spacing=0.1)
    colours = phase_colours(project)
    labels = calendar.phase_names(project)
    shown_in_legend = set()
    for n, indicator_id in enumerate(indicator_ids):
        r, c = n // columns + 1, n % columns + 1
        part = phase_sums[phase_sums.indicator_id == indicator_id]
        unit = figure_text(first.loc[indicator_id, "unit"])
        for phase in part.itertuples():
            phase_label = figure_text(labels.get(phase.phase_id, phase.phase_id))
            phase_tick = wrap_text(labels.get(phase.phase_id, phase.phase_id), 16)   # small panels: wrapped
            fig.add_trace(go.Bar(
                x=[phase_tick], y=[phase.value], marker_color=colours.get(phase.phase_id, OUTSIDE_COLOUR),
                name=phase_label, legendgroup=phase.phase_id, showlegend=phase.phase_id not in shown_in_legend,
                hovertemplate=f"{phase_label}<br>%{{y:,.4~g}} {unit}<extra></extra>",
            ), row=r, col=c)
            shown_in_legend.add(phase.phase_id)
            projected = getattr(phase, "projected_value", float("nan"))
            if pd.notna(projected) and pd.notna(phase.value) and abs(projected - phase.value) > 1e-9:
                fig.add_trace(go.Scatter(
                    x=[phase_tick], y=[projected], mode="markers", legendgroup="projection",
                    name="projected at the end of the phase", showlegend="projection" not in shown_in_legend,
                    marker=dict(symbol="line-ew-open", size=28, color="#333", line=dict(width=2)),
                    hovertemplate=f"projected at the phase end: %{{y:,.4~g}} {unit}<extra></extra>",
                ), row=r, col=c)
                shown_in_legend.add("projection")
        fig.update_yaxes(title_text=unit, row=r, col=c, rangemode="tozero")
        fig.update_xaxes(title_text="Phase" if n + columns >= len(indicator_ids) else None, row=r, col=c)
    # Panel titles: the indicator's name rather than its id.
    names = dict(zip(phase_sums.indicator_id, phase_sums.get("name", phase_sums.indicator_id)))
    for annotation, indicator_id in zip(fig.layout.annotations, indicator_ids):
        annotation.text = wrap_text(names.get(indicator_id, indicator_id), 40)
        annotation.font = dict(size=12)
    height = 200 + 280 * rows
    fig.update_layout(legend=dict(orientation="h"), bargap=0.3)
    with_values = phase_sums.dropna(subset=["value"])
    synthetic_note = source_note(with_values) if "synthetic" in with_values else None
    return _finish(fig, "Indicator values per phase (phase over phase; levels: value at the phase end)",
                   synthetic_note, height=height, top=130)


LEVELS = {"sum": "Cumulative", "last": "Latest", "max": "Highest"}
PANEL_COLUMNS = 3
PANEL_HEIGHT = 230          # px of one row of panels' plot areas
PANEL_GAP = 95              # px between rows: a panel's two-line title and the tick labels of a panel above
SMALL_MULTIPLES_TOP = 150   # the title, the one legend under it, the first row's panel titles
SMALL_MULTIPLES_BOTTOM = 120


def _target_label(reported: pd.DataFrame | None) -> str:
    """"target" for the sum of partner rows (the project's target); a partner's rows: its share of it."""
    return "target" if reported is not None and len(reported) else "partner's share of the target"


def cumulative_figures(series: pd.DataFrame, indicators: pd.DataFrame, project: Project,
                       reported: pd.DataFrame | None = None, who: str = "sum of partner rows") -> list[go.Figure]:
    """One :func:`cumulative_vs_target` figure per indicator of ``indicators`` that has rows in ``series`` (the
    page's explorer draws one of them; the page itself draws :func:`cumulative_small_multiples`).

    ``series`` needs indicator_id, period_end, value, cumulative, target (the full target for the sum
    of partner rows, the partner's share for one partner) and synthetic.
    """
    figures = []
    for indicator in indicators.to_dict("records"):
        rows = series[series.indicator_id == indicator["indicator_id"]].dropna(subset=["cumulative"])
        if rows.empty:
            continue
        shown = reported[reported.indicator_id == indicator["indicator_id"]] if reported is not None else None
        figures.append(cumulative_vs_target(rows, indicator, project, target=rows["target"].iloc[0], reported=shown,
                                            who=who, target_label=_target_label(reported)))
    return figures


def cumulative_small_multiples(series: pd.DataFrame, indicators: pd.DataFrame, project: Project,
                               reported: pd.DataFrame | None = None, who: str = "sum of partner rows",
                               columns: int = PANEL_COLUMNS) -> go.Figure:
    """Every indicator against its target in one figure: a panel per indicator with rows in ``series`` (its name
    as the panel title, its own vertical axis in its unit), one time axis shared by all panels, the phases
    shaded in each, the target as a dashed line, the project's reported totals as stars, one legend.

    ``series``, ``indicators``, ``reported`` as for :func:`cumulative_figures`. Each trace is named after its
    indicator (the figure's CSV names the panel of each row); the legend's entries are drawn apart, once.
    ``layout.meta`` carries ``panels`` (the indicator names, escaped for plotly) and ``summary`` (the text
    alternative, :func:`~clusterix_analytics.reports.export.figure_text_alternative`).

    >>> import clusterix_analytics as cx
    >>> from clusterix_analytics.analytics import indicators as ind
    >>> ds = cx.load()
    >>> tables = ind.build_tables(ds, indicators=["learning_events", "good_practices"])
    >>> fig = cumulative_small_multiples(tables.series, tables.indicators, ds.project, tables.reported)
    >>> fig.layout.meta["panels"]
    ['Policy learning events organised', 'Good practices identified, analysed and shared']
    """
    drawn = []
    for indicator in indicators.to_dict("records"):
        rows = series[series.indicator_id == indicator["indicator_id"]].dropna(subset=["cumulative"])
        if not rows.empty:
            drawn.append((indicator, rows.sort_values("period_end")))
    columns = max(1, min(columns, len(drawn)))
    rows_of_panels = max(1, math.ceil(len(drawn) / columns))
    plot_height = PANEL_HEIGHT * rows_of_panels + PANEL_GAP * (rows_of_panels - 1)
    fig = make_subplots(rows=rows_of_panels, cols=columns, horizontal_spacing=0.09,
                        vertical_spacing=PANEL_GAP / plot_height if rows_of_panels > 1 else 0.1,
                        subplot_titles=[wrap_text(indicator["name"], 42) for indicator, _ in drawn] or None)
    x_range = _date_range(project, *(rows.period_end for _, rows in drawn))
    target_label = figure_text(_target_label(reported))
    who_text = figure_text(who)
    has_reported = False
    for n, (indicator, rows) in enumerate(drawn):
        r, c = n // columns + 1, n % columns + 1
        name, unit = figure_text(indicator["name"]), figure_text(indicator["unit"])
        level = LEVELS[str(indicator["aggregation"])]
        fig.add_trace(go.Scatter(
            x=rows.period_end, y=rows.cumulative, mode="lines+markers", name=f"{name} – {level.lower()} value",
            legendgroup="value", showlegend=False, line=dict(color=PALETTE[0], width=2.5),
            customdata=rows[["value"]].to_numpy() if "value" in rows else None,
            hovertemplate=f"<b>{name}</b><br>%{{x|%d %b %Y}}<br>{level.lower()}: %{{y:,.4~g}} {unit}"
                          + ("<br>this period: %{customdata[0]:,.4~g}" if "value" in rows else "") + "<extra></extra>",
        ), row=r, col=c)
        target = rows["target"].iloc[0]
        if pd.notna(target):
            # A trace, not a shape: it is in the figure's CSV and its hover says the value.
            fig.add_trace(go.Scatter(
                x=x_range, y=[float(target)] * 2, mode="lines", name=f"{name} – {target_label}",
                legendgroup="target", showlegend=False, line=dict(color=PALETTE[3], dash="dash", width=1.5),
                hovertemplate=f"{target_label}: {float(target):,g} {unit}<extra></extra>",
            ), row=r, col=c)
        shown = reported[reported.indicator_id == indicator["indicator_id"]] if reported is not None else None
        if shown is not None and len(shown.dropna(subset=["reported_by_project"])):
            shown = shown.dropna(subset=["reported_by_project"])
            has_reported = True
            fig.add_trace(go.Scatter(
                x=shown.reported_to, y=shown.reported_by_project, mode="markers",
                name=f"{name} – reported by the project", legendgroup="reported", showlegend=False,
                marker=dict(symbol="star", size=12, color=PALETTE[1], line=dict(color="#333", width=1)),
                hovertemplate=("reported by the project: %{y:,.4~g} " + unit
                               + "<br>as of %{x|%d %b %Y}<extra></extra>"),
            ), row=r, col=c)
        shade_phases(fig, project, row=r, col=c, label=False)   # after the traces: plotly skips empty panels
        below_is_empty = n + columns >= len(drawn)   # nothing under this panel: it shows the dates
        fig.update_xaxes(type="date", range=x_range, matches="x" if n else None, showticklabels=below_is_empty,
                         row=r, col=c)
        fig.update_yaxes(title_text=f"{level} ({unit})", title_font_size=12, rangemode="tozero", row=r, col=c)
    for n in range(len(drawn), rows_of_panels * columns):   # the last row's empty cells: no axes
        fig.update_xaxes(visible=False, row=n // columns + 1, col=n % columns + 1)
        fig.update_yaxes(visible=False, row=n // columns + 1, col=n % columns + 1)
    last_row = [n for n in range(len(drawn)) if n // columns == rows_of_panels - 1]
    if last_row:   # the shared axis's title once, under the middle panel of the last row
        middle = last_row[(len(last_row) - 1) // 2]
        fig.update_xaxes(title_text="End of reporting period (date)", row=rows_of_panels, col=middle % columns + 1)
    for annotation in fig.layout.annotations:   # the panel titles
        annotation.font = dict(size=12)
    # One legend: each kind of mark once, drawn apart from the panels (x = None draws nothing).
    legend = [go.Scatter(x=[None], y=[None], mode="lines+markers", name=f"Value, {who_text}", legendgroup="value",
                         line=dict(color=PALETTE[0], width=2.5)),
              go.Scatter(x=[None], y=[None], mode="lines", name=target_label.capitalize(), legendgroup="target",
                         line=dict(color=PALETTE[3], dash="dash", width=1.5))]
    if has_reported:
        legend.append(go.Scatter(x=[None], y=[None], mode="markers", name="reported by the project (sourced)",
                                 legendgroup="reported",
                                 marker=dict(symbol="star", size=12, color=PALETTE[1], line=dict(color="#333"))))
    for i, phase in enumerate(sorted(project.phases, key=lambda p: p.start)):
        legend.append(go.Scatter(x=[None], y=[None], mode="markers", name=figure_text(phase.name),
                                 legendgroup=f"phase {i}", marker=dict(symbol="square", size=14,
                                 color=PHASE_FILL[i % len(PHASE_FILL)], line=dict(color=MUTED, width=1))))
    for trace in legend:
        fig.add_trace(trace.update(hoverinfo="skip", showlegend=True))
    panels = [figure_text(indicator["name"]) for indicator, _ in drawn]   # escaped: the text alternative reads them
    fig.update_layout(legend=dict(orientation="h", title_text=""), showlegend=bool(drawn),
                      meta=dict(panels=panels,
                                summary=(f"Small multiples: {len(drawn)} line chart{'s' if len(drawn) != 1 else ''}, "
                                         "one per indicator (" + "; ".join(panels) + "), "
                                         "sharing a horizontal axis of dates (end of reporting period), each with "
                                         "its own vertical axis in the indicator's unit, the target as a dashed "
                                         "line and the phases shaded.")))
    whose = "" if who == "sum of partner rows" else f" ({who_text})"
    note = source_note(series) + " Shaded: the phases; dashed: the " + target_label + "."
    if has_reported:
        note += " Star: total reported by the project (sourced, data/observations.csv)."
    return _finish(fig, f"Indicators against target, by reporting period{whose}", note,
                   height=SMALL_MULTIPLES_TOP + plot_height + SMALL_MULTIPLES_BOTTOM, top=SMALL_MULTIPLES_TOP,
                   bottom=SMALL_MULTIPLES_BOTTOM)
