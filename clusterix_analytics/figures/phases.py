"""A project's phases on a date axis: each phase's span shaded, and its name in one row just above the plot
area, where nothing of the plot (a target line's label, a marker) can sit under it.

A name is fitted to its own phase's width in px (:func:`~clusterix_analytics.figures.theme.fit_text`, at the
narrowest plot a full-width figure gets, :data:`~clusterix_analytics.figures.theme.PLOT_WIDTH_PX`): the whole name
where it fits, else its head or its first words and "…" with the whole name on hover, else none. So a label never
runs into the next phase's label nor past the plot's right edge, whatever the project calls its phases.

>>> import datetime as dt
>>> import plotly.graph_objects as go
>>> from clusterix_analytics.data.project import Phase
>>> phases = [Phase("a", "Preparation and kick-off", dt.date(2020, 1, 1), dt.date(2020, 12, 31), "assumed"),
...           Phase("b", "Follow-up: monitoring", dt.date(2021, 1, 1), dt.date(2021, 2, 28), "assumed")]
>>> x_range = [pd.Timestamp("2020-01-01"), pd.Timestamp("2021-03-01")]
>>> [(label.text, label.hover) for label in phase_labels(phases, x_range, plot_width_px=600)]
[('Preparation and kick-off', None), ('Follow-up', 'Follow-up: monitoring')]
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.data.project import Phase, Project
from clusterix_analytics.figures.theme import MUTED, PHASE_FILL, PLOT_WIDTH_PX, figure_text, fit_text

LABEL_SIZE = 11
# The label row's height above the plot area (one line at LABEL_SIZE and its padding): a builder keeps this much
# free between its legend (or title) and the plot.
LABEL_ROW_PX = 18
# A label starts this far right of its phase's start and ends at least this far before the phase's end.
INSET_PX = 4


@dataclass(frozen=True)
class PhaseLabel:
    """One phase's label: ``text`` (plain text; "" when even "X…" does not fit) at ``x`` (the phase's start, or
    the axis start when the phase begins before it), ``hover`` the whole name when ``text`` is shortened, and
    ``room_px`` the width it was fitted to."""

    phase_id: str
    x: pd.Timestamp
    text: str
    hover: str | None
    room_px: float


def phase_span(phase: Phase) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The span a phase shades: from its first day to the end of its last day.

    >>> import datetime as dt
    >>> phase_span(Phase("a", "A", dt.date(2020, 1, 1), dt.date(2020, 6, 30), "assumed"))[1]
    Timestamp('2020-07-01 00:00:00')
    """
    return pd.Timestamp(phase.start), pd.Timestamp(phase.end) + pd.Timedelta(days=1)


def timeline_range(project: Project, *dates: Iterable) -> list[pd.Timestamp]:
    """The project's timeline (widened to any of ``dates`` outside it), with a month of margin either side.

    >>> import clusterix_analytics as cx
    >>> [str(d.date()) for d in timeline_range(cx.load().project)]
    ['2016-03-01', '2022-05-01']
    """
    lo, hi = pd.Timestamp(project.timeline_start), pd.Timestamp(project.timeline_end)
    for values in dates:
        values = pd.to_datetime(pd.Series(values)).dropna()
        if len(values):
            lo, hi = min(lo, values.min()), max(hi, values.max())
    return [lo - pd.Timedelta(days=31), hi + pd.Timedelta(days=31)]


def phase_labels(phases: Sequence[Phase], x_range: Sequence, plot_width_px: float = PLOT_WIDTH_PX,
                 size: float = LABEL_SIZE) -> list[PhaseLabel]:
    """Each phase's name fitted to its span on an axis showing ``x_range`` across ``plot_width_px``: the span
    clipped to the axis, less :data:`INSET_PX` at each end and the annotation's 1 px border pad on each side.
    Phases wholly outside the axis get no label."""
    lo, hi = pd.Timestamp(x_range[0]), pd.Timestamp(x_range[1])
    px_per_ns = plot_width_px / max((hi - lo).value, 1)
    labels = []
    for phase in sorted(phases, key=lambda p: p.start):
        start, end = phase_span(phase)
        start, end = max(start, lo), min(end, hi)
        if end <= start:
            continue
        room = (end - start).value * px_per_ns - 2 * INSET_PX - 2
        text = fit_text(phase.name, room, size)
        labels.append(PhaseLabel(phase.id, start, text, None if text == " ".join(phase.name.split()) else phase.name,
                                 room))
    return labels


def shade_phases(fig: go.Figure, project: Project, row=None, col=None, label: bool = True,
                 x_range: Sequence | None = None, plot_width_px: float = PLOT_WIDTH_PX) -> go.Figure:
    """Shade each phase's span on a date x-axis and name it in the row above the plot area (module docstring).

    ``x_range``: what the x axis shows (default :func:`timeline_range` of the project; pass the axis' own range);
    ``plot_width_px``: the plot area's width (default the narrowest full-width plot; a subplot passes its own).
    """
    phases = sorted(project.phases, key=lambda p: p.start)
    for i, phase in enumerate(phases):
        x0, x1 = phase_span(phase)
        fig.add_vrect(x0=x0, x1=x1, fillcolor=PHASE_FILL[i % len(PHASE_FILL)], line_width=0, layer="below",
                      row=row, col=col, exclude_empty_subplots=False)
    if not label:
        return fig
    for phase_label in phase_labels(phases, x_range or timeline_range(project), plot_width_px):
        if not phase_label.text:
            continue
        fig.add_annotation(
            x=phase_label.x, y=1, xref="x", yref="y domain", xanchor="left", yanchor="bottom", xshift=INSET_PX,
            text=figure_text(phase_label.text), showarrow=False, font=dict(size=LABEL_SIZE, color=MUTED),
            hovertext=figure_text(phase_label.hover) if phase_label.hover else None, row=row, col=col,
            exclude_empty_subplots=False)
    return fig
