"""Indicator figures drawn from the tiny hand-computed project of test_indicators.py: what each shows."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from clusterix_analytics.analytics import calendar
from clusterix_analytics.analytics import indicators as ind
from clusterix_analytics.figures import indicators as figs

from .test_indicators import INDICATORS, PARTNERS, tiny_dataset, tiny_project


@pytest.fixture(scope="module")
def tables() -> ind.IndicatorTables:
    return ind.build_tables(tiny_dataset())


def footnote(fig) -> str:
    return fig.layout.annotations[-1].text if fig.layout.annotations else ""


def test_cumulative_vs_target(tables):
    figures = figs.cumulative_figures(tables.series, tables.indicators, tiny_project(), tables.reported)
    ev = figures[0]
    assert ev.layout.title.text == "Events: cumulative value against target, by reporting period"
    line, star = ev.data
    assert list(line.y) == [30, 214]  # sum of partner rows: 20 + 10, then 204 + 10
    assert list(star.y) == [250] and star.name == "reported by the project (sourced)"
    assert ev.layout.shapes[-1].y0 == 300  # the target line
    phase_labels = [a.text for a in ev.layout.annotations]
    assert "Phase one" in phase_labels and "Phase two" in phase_labels
    assert ev.layout.yaxis.title.text == "Cumulative value (events)"
    assert ev.layout.xaxis.title.text == "End of reporting period (date)"
    assert footnote(ev).startswith("Demo data (synthetic") and "Star: total reported by the project" in footnote(ev)
    lvl = figures[1]
    assert lvl.layout.yaxis.title.text == "Latest value (percent)"
    assert list(lvl.data[0].y) == [3.0, 5.0]  # mean(2, 4), then mean(6, 4)


def test_cumulative_small_multiples_draw_every_indicator_in_one_figure(tables):
    fig = figs.cumulative_small_multiples(tables.series, tables.indicators, tiny_project(), tables.reported)
    assert fig.layout.title.text == "Indicators against target, by reporting period"
    # one panel per indicator with rows (ev, lvl, nt), titled by name, in one row of three
    assert fig.layout.meta["panels"] == ["Events", "Rate", "No target"]
    assert [a.text for a in fig.layout.annotations[:3]] == ["Events", "Rate", "No target"]
    by_name = {t.name: t for t in fig.data}
    ev, lvl = by_name["Events – cumulative value"], by_name["Rate – latest value"]
    assert list(ev.y) == [30, 214] and (ev.xaxis, ev.yaxis) == ("x", "y")      # 20 + 10, then 204 + 10
    assert list(lvl.y) == [3.0, 5.0] and (lvl.xaxis, lvl.yaxis) == ("x2", "y2")  # mean(2, 4), then mean(6, 4)
    # the target is a dashed line across the panel; "No target" has none
    assert list(by_name["Events – target"].y) == [300, 300] and by_name["Events – target"].line.dash == "dash"
    assert list(by_name["Rate – target"].y) == [10, 10] and "No target – target" not in by_name
    assert list(by_name["Events – reported by the project"].y) == [250]
    # each panel its own vertical axis in its unit; one time axis shared by all
    assert [fig.layout[f"yaxis{i}"].title.text for i in ("", "2", "3")] == [
        "Cumulative (events)", "Latest (percent)", "Cumulative (EUR)"]
    assert fig.layout.xaxis2.matches == fig.layout.xaxis3.matches == "x"
    assert fig.layout.xaxis2.title.text == "End of reporting period (date)"   # once, under the middle panel
    # the two phases shaded in each of the three panels
    assert len(fig.layout.shapes) == 2 * 3 and {s.xref for s in fig.layout.shapes} == {"x", "x2", "x3"}
    # one legend: each kind of mark and each phase once; the panels' own traces stay out of it
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == ["Value, sum of partner rows", "Target", "reported by the project (sourced)", "Phase one",
                      "Phase two"]
    assert all(t.showlegend is False for t in fig.data if t.x[0] is not None)
    assert footnote(fig).startswith("Demo data (synthetic")
    assert fig.layout.meta["summary"].startswith("Small multiples: 3 line charts, one per indicator (Events; Rate")


def test_cumulative_small_multiples_wrap_into_rows_of_three_and_say_when_empty(tables):
    many = pd.concat([tables.indicators.assign(indicator_id=tables.indicators.indicator_id + f"{k}",
                                               name=tables.indicators.name + f" {k}") for k in range(2)])
    series = pd.concat([tables.series.assign(indicator_id=tables.series.indicator_id + f"{k}") for k in range(2)])
    fig = figs.cumulative_small_multiples(series, many, tiny_project())
    # six panels: two rows of three; only the lower row shows the dates (the upper row shares them)
    assert len(fig.layout.meta["panels"]) == 6
    assert [fig.layout[f"xaxis{i}"].showticklabels for i in ("", 2, 3, 4, 5, 6)] == [False] * 3 + [True] * 3
    assert fig.layout.xaxis5.title.text == "End of reporting period (date)"
    assert fig.layout.legend.orientation == "h" and [t.name for t in fig.data if t.showlegend][1] == (
        "Partner's share of the target")   # without the project's totals: one partner's rows
    empty = figs.cumulative_small_multiples(series.iloc[0:0], many, tiny_project())
    assert empty.layout.meta["panels"] == [] and not empty.layout.showlegend


def test_achievement_heatmap(tables):
    fig = figs.achievement_heatmap(tables.scorecard, PARTNERS)
    heat = fig.data[0]
    assert list(heat.y) == ["A", "B", "C"]  # every partner, the one without data too
    z = np.array(heat.z, dtype=float)
    # a: ev 204 % capped at 200, lvl 60 %; b: ev 10 %, lvl 40 %; c: nothing (nt has no target: no column)
    assert z[0].tolist() == [200, 60] and z[1].tolist() == [10, 40] and np.isnan(z[2]).all()
    assert heat.text[2] == ["no data", "no data"] and heat.text[0][0] == "204%"
    assert fig.layout.xaxis.title.text == "Indicator (with a project target)"
    assert "% of partner's" in heat.colorbar.title.text


def test_policy_change_timeline_keeps_changes_outside_every_phase(tables):
    fig = figs.policy_change_timeline(tables.changes, PARTNERS, tiny_project())
    dates = pd.to_datetime(np.concatenate([np.asarray(t.x) for t in fig.data]))
    assert len(dates) == 6 and pd.Timestamp("2021-03-15") in set(dates)  # ch5, outside every phase
    assert pd.Timestamp(fig.layout.xaxis.range[1]) > pd.Timestamp("2021-03-15")
    symbols = {t.name: t.marker.symbol for t in fig.data}
    assert symbols["New projects"] == "circle" and symbols["New projects – planned / in progress"] == "circle-open"
    assert symbols["Strategic focus (structural)"] == "diamond"
    first = next(t for t in fig.data if t.name == "New projects")
    hover = [list(c) for c in first.customdata]
    assert hover[0][4] == "https://example.org/1"  # ch1's evidence link
    assert "evidence: %{customdata[4]}" in first.hovertemplate
    assert fig.layout.xaxis.title.text == "Date of the change" and fig.layout.yaxis.title.text == "Partner"
    assert footnote(fig).startswith("Demo data: 5 of 6 rows are synthetic")


def test_funds_by_partner_and_phase_stacks_phases(tables):
    fig = figs.funds_by_partner_phase(tables.funds, PARTNERS, tiny_project())
    assert fig.layout.barmode == "stack"
    bars = {t.name: dict(zip(t.x, t.y)) for t in fig.data}
    # partners ordered by total: B 5000, A 1500, C 700; C's change is outside every phase
    assert list(fig.data[0].x) == ["B", "A", "C"]
    assert bars["Phase one"]["A"] == 1500 and bars["Phase one"]["B"] == 5000
    assert bars[calendar.OUTSIDE_PHASES_NAME]["C"] == 700
    assert fig.layout.yaxis.title.text == "Funds influenced (EUR)"
    assert "partner(s) with changes of unknown amount" in footnote(fig)  # a's P2 change has no amount


def test_phase_comparison(tables):
    fig = figs.phase_comparison(tables.phase_series, tiny_project(), order=list(INDICATORS.indicator_id))
    ev_bars = [t for t in fig.data if t.type == "bar" and t.xaxis == "x"]
    # the phases by name (tiny_project: P1 "Phase one", P2 "Phase two"), never by id
    assert [(t.x[0], t.y[0]) for t in ev_bars] == [("Phase one", pytest.approx(92)), ("Phase two", pytest.approx(122))]
    assert fig.layout.yaxis.title.text == "events" and fig.layout.yaxis2.title.text == "percent"
    assert [a.text for a in fig.layout.annotations][:3] == ["Events", "Rate", "No target"]
    assert fig.layout.title.text.startswith("Indicator values per phase")


def test_policy_change_timeline_has_a_row_only_per_partner_with_changes_and_always_a_legend(tables):
    # Partner b's changes only, as on b's profile: one row (b), never empty rows for a and c.
    own = tables.changes[tables.changes.partner_id == "b"]
    fig = figs.policy_change_timeline(own, PARTNERS, tiny_project())
    assert list(fig.layout.yaxis.categoryarray) == ["B"]
    assert {y for t in fig.data for y in t.y} == {"B"}
    assert fig.layout.showlegend is True
    # one change of one type and status: one trace, which plotly would draw without a legend
    single = own.iloc[:1]
    one = figs.policy_change_timeline(single, PARTNERS, tiny_project())
    assert len(one.data) == 1 and one.layout.showlegend is True and one.data[0].showlegend is not False
    # the changes of a and c (b has none here): their two rows, in the partners' order top to bottom
    others = figs.policy_change_timeline(tables.changes[tables.changes.partner_id != "b"], PARTNERS, tiny_project())
    assert list(others.layout.yaxis.categoryarray) == ["C", "A"]      # plotly lists categories bottom-up


def test_the_small_multiples_text_alternative_names_every_panel(tables):
    from clusterix_analytics.reports.export import figure_text_alternative

    fig = figs.cumulative_small_multiples(tables.series, tables.indicators, tiny_project(), tables.reported)
    assert figure_text_alternative(json.loads(fig.to_json())) == (
        "Indicators against target, by reporting period. Small multiples: 3 line charts, one per indicator "
        "(Events; Rate; No target), sharing a horizontal axis of dates (end of reporting period), each with its "
        "own vertical axis in the indicator's unit, the target as a dashed line and the phases shaded.")
