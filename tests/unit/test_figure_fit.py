"""Labels fit their figure, worked out in px by hand: phase names fit their own phase's width above the plot (never
past the plot's right edge, never into a neighbour, never under a target line's label), a slider's first and last
step labels stay inside the slider, the sankey's demo footnote stays inside the figure.

Widths are :func:`~clusterix_analytics.figures.theme.text_width`'s: Arial's advance widths (thousandths of the
font size) × 1.1. Plot areas are :data:`~clusterix_analytics.figures.theme.PLOT_WIDTH_PX` = 760 px wide.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from clusterix_analytics.data.project import Phase, Project
from clusterix_analytics.figures import indicators as indicator_figs
from clusterix_analytics.figures import learning as learning_figs
from clusterix_analytics.figures import portfolio as portfolio_figs
from clusterix_analytics.figures.phases import INSET_PX
from clusterix_analytics.figures.theme import PLOT_WIDTH_PX, note_height, text_width

LONG_NAME = "Extra activities – recovery after the crisis (fifth call)"   # 269.0 px at 11 px


def project(*phases: Phase) -> Project:
    return Project(directory=Path("."), id="fit", name="Fit project", programme="test", nuts_version=2021,
                   start=min(p.start for p in phases), end=max(p.end for p in phases), dates="assumed", source=None,
                   reporting_period_months=6, phases=phases, tables={})


def phase_label_boxes(fig) -> list[dict]:
    """Each phase label's text, hover and extent in px from the plot's left edge (at PLOT_WIDTH_PX): from its
    anchor (the axis range mapped onto the plot) plus its shift, to that plus its text's width and 2 px of pad."""
    lo, hi = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    boxes = []
    for a in fig.layout.annotations:
        if a.yref == "y domain":
            x0 = (pd.Timestamp(a.x) - lo) / (hi - lo) * PLOT_WIDTH_PX + (a.xshift or 0)
            boxes.append({"text": a.text, "hover": a.hovertext, "x0": x0, "x1": x0 + text_width(a.text, 11) + 2,
                          "xanchor": a.xanchor, "y": a.y, "yanchor": a.yanchor})
    return boxes


def axis_days(fig) -> list[str]:
    return [str(pd.Timestamp(v).date()) for v in fig.layout.xaxis.range or ()]


def px(day: str, lo: str, days: int) -> float:
    return (pd.Timestamp(day) - pd.Timestamp(lo)).days / days * PLOT_WIDTH_PX


def test_phase_labels_fit_their_phases_above_the_plot_clear_of_the_target_label():
    fit = project(Phase("s1", "Stage 1 – interregional learning", dt.date(2016, 4, 1), dt.date(2019, 3, 31), "assumed"),
                  Phase("s2", "Stage 2 – action plan implementation", dt.date(2019, 4, 1), dt.date(2021, 3, 31),
                        "assumed"),
                  Phase("x", LONG_NAME, dt.date(2021, 4, 1), dt.date(2022, 3, 31), "assumed"))
    series = pd.DataFrame({"period_end": pd.to_datetime(["2017-03-31", "2022-03-31"]), "cumulative": [5.0, 20.0],
                           "value": [5.0, 15.0], "synthetic": [False, False]})
    indicator = {"name": "Good practices", "unit": "good practices", "aggregation": "sum"}
    fig = indicator_figs.cumulative_vs_target(series, indicator, fit, target=20)
    # the axis: 2016-03-01 – 2022-05-01 (a month either side), 2252 days over 760 px (0.3375 px a day)
    assert axis_days(fig) == ["2016-03-01", "2022-05-01"]
    first, second, last = phase_label_boxes(fig)
    # stage 1: 1095 days = 369.5 px, stage 2: 731 days = 246.7 px; each name fits whole (168.1 and 199.1 px);
    # the last phase: 365 days = 123.2 px, less 2 × 4 px inset and 2 px pad = 113.2 px: the 269 px name does not
    # fit, its head "Extra activities" (78.0 px) does, with the whole name on hover
    assert [b["text"] for b in (first, second, last)] == ["Stage 1 – interregional learning",
                                                          "Stage 2 – action plan implementation", "Extra activities"]
    assert first["hover"] is None and last["hover"] == LONG_NAME
    ends = [px(day, "2016-03-01", 2252) for day in ("2019-04-01", "2021-04-01", "2022-04-01")]
    assert [round(e, 1) for e in ends] == [380.0, 626.7, 749.9]
    for box, end in zip((first, second, last), ends):
        assert box["xanchor"] == "left" and box["x1"] <= end - INSET_PX       # inside its own phase
    assert last["x1"] <= PLOT_WIDTH_PX                                         # so never past the plot's edge
    # above the plot area (bottom edge on the plot's top); the target's label is on its line, inside the plot
    assert {(b["y"], b["yanchor"]) for b in (first, second, last)} == {(1, "bottom")}
    (target,) = [a for a in fig.layout.annotations if a.text.startswith("target")]
    assert target.text == "target 20 good practices" and target.yref == "y" and target.y == 20


def test_a_short_phase_s_label_does_not_run_into_its_neighbour():
    fit = project(Phase("s2", "Stage 2 – action plan implementation", dt.date(2020, 1, 1), dt.date(2020, 2, 9),
                        "assumed"),
                  Phase("x", LONG_NAME, dt.date(2020, 2, 10), dt.date(2020, 4, 30), "assumed"))
    events = pd.DataFrame({"event_type": ["seminar", "study_visit"], "synthetic": [False, True],
                           "start": pd.to_datetime(["2020-01-15", "2020-03-10"]), "participants": [30, None],
                           "title": ["Kick-off", "Visit"], "city": ["Graz", None]})
    fig = learning_figs.events_timeline(events, fit)
    # the axis: 2019-12-01 – 2020-05-31, 182 days over 760 px (4.176 px a day)
    assert axis_days(fig) == ["2019-12-01", "2020-05-31"]
    short, long = phase_label_boxes(fig)
    # stage 2: 40 days = 167.0 px, room 157.0 px: not the 199.1 px name, its head "Stage 2" (41.7 px);
    # the next phase: 81 days = 338.2 px, room 328.2 px: its whole 269.0 px name
    assert (short["text"], short["hover"]) == ("Stage 2", "Stage 2 – action plan implementation")
    assert (long["text"], long["hover"]) == (LONG_NAME, None)
    boundary, end = px("2020-02-10", "2019-12-01", 182), px("2020-05-01", "2019-12-01", 182)
    assert (round(boundary, 1), round(end, 1)) == (296.5, 634.7)      # 71 and 152 days in
    assert short["x1"] <= boundary < long["x0"]                        # the two extents do not meet
    assert long["x1"] <= end <= PLOT_WIDTH_PX


def test_the_phase_slider_keeps_its_first_and_last_labels_inside_it():
    by_sector = pd.DataFrame({"partner_id": ["a", "b"], "phase_id": ["s1", "x"], "sector_name": ["Food", "Energy"],
                              "clusters": [2, 1], "clusters_with_members": [2, 0], "members": [30, 0]})
    fig = portfolio_figs.sector_region_heatmap(by_sector, ["s1", "x"], phase_names={
        "s1": "Stage 1 – interregional learning", "x": LONG_NAME})
    (slider,) = fig.layout.sliders
    # the slider spans the plot area; its end ticks sit 10 px inside the rail, which pad l / r inset
    assert (slider.x, slider.len, slider.lenmode) == (0, 1.0, None)
    first, last = (step.label for step in slider.steps)
    # at 13 px, in even lines of at most 180 px: "Stage 1 –" 61.2 px / "interregional learning" 133.5 px;
    # "Extra activities – recovery" 162.9 px / "after the crisis (fifth call)" 151.0 px
    assert first == "Stage 1 –<br>interregional learning"
    assert last == "Extra activities – recovery<br>after the crisis (fifth call)"
    # a label centred on an end tick reaches half its widest line past it: 66.8 − 10 → pad.l 57; 81.5 − 10 → 72
    assert (slider.pad.l, slider.pad.r) == (57, 72)
    for label, pad in ((first, slider.pad.l), (last, slider.pad.r)):
        assert max(text_width(line, 13) for line in label.split("<br>")) / 2 <= pad + 10


def test_the_sankey_s_demo_footnote_is_inside_the_figure():
    flows = pd.DataFrame({"phase_id": ["s1", "x"], "region_a": ["a", "a"], "region_b": ["b", "a"],
                          "links": [1, 2], "projects": [3, 2]})
    fig = portfolio_figs.link_sankey(flows, ["s1", "x"], source_rows=[pd.DataFrame({"synthetic": [True]})])
    (note,) = fig.layout.annotations
    assert note.text.startswith("Demo data (synthetic") and note.text.count("<br>") == 1   # two lines
    height, bottom, top = fig.layout.height, fig.layout.margin.b, fig.layout.margin.t
    assert (height, bottom, top) == (500, 70, 150)      # 2 regions: max(500, 34 × 2 + 240); plot 430 px down
    plot_height = height - top - bottom
    note_top = (height - bottom) - note.y * plot_height - note.yshift      # paper y, then the shift in px
    assert note.yanchor == "top" and note_top == pytest.approx(438)       # 8 px under the plot
    note_end = note_top + note_height(note.text, 11)                      # 2 lines: 2 × 11 × 1.3 + 2 = 30.6 px
    assert note_end == pytest.approx(468.6) and note_end <= height
