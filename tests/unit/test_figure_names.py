"""Names, not ids, in every chart (issue 13, item 2): partners by short name, phases, indicators and colourings by
name, in axis labels, legends, hover text, annotations, sliders and buttons. Ids stay in the data and parameters.
"""
from __future__ import annotations

import re
import warnings

import pytest

import clusterix_analytics as cx
from clusterix_analytics.views import cluster_portfolios, policy_learning, project_overview

from ..conftest import FIXTURES
from .test_figure_text import page_figures

TEMPLATE_FIELD = re.compile(r"%\{[^}]*\}")


def _flat(value):
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _flat(item)


def shown_text(fig) -> list[str]:
    """The texts of a figure a reader can see: categories, labels, legend names, hover, annotations, titles,
    slider and button labels, axis titles and tick texts (template fields like %{x} left out)."""
    figure = fig.to_plotly_json()
    found = []
    for trace in figure["data"]:
        for key in ("x", "y", "text", "hovertext", "hovertemplate", "customdata"):
            found += list(_flat(trace.get(key)))
        if trace.get("showlegend") is not False:
            found += list(_flat(trace.get("name")))
        found += list(_flat((trace.get("node") or {}).get("label")))
    layout = figure["layout"]
    found += [a.get("text") or "" for a in layout.get("annotations", [])]
    found.append((layout.get("title") or {}).get("text") or "")
    found += [step.get("label") or "" for slider in layout.get("sliders", []) for step in slider.get("steps", [])]
    found += [b.get("label") or "" for menu in layout.get("updatemenus", []) for b in menu.get("buttons", [])]
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            found.append((axis.get("title") or {}).get("text") or "")
            found += list(_flat(axis.get("ticktext")))
    return [TEMPLATE_FIELD.sub("", text) for text in found]


def test_learning_pilot_charts_name_partners_phases_and_indicators():
    ds = cx.load(FIXTURES / "learning_pilot")
    # the fixture's ids (partners cph/vie/sth, phases learn/apply, its three indicators), none equal to its name
    ids = re.compile(r"(?<![\w-])(cph|vie|sth|learn|apply|pilots_launched|learning_events|good_practices)(?![\w-])")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figures = page_figures(ds)
    for name, fig in figures.items():
        texts = shown_text(fig)
        assert [t for t in texts if ids.search(t)] == [], name
        assert [t for t in texts if "_" in t] == [], name      # no snake_case column or vocabulary id either
    # worked out by hand from the fixture: the phases by name where the charts used to show their ids
    overview = project_overview.build(ds)
    assert [t.name for t in project_overview.phases_figure(overview).data][:2] == [   # project.yaml: dates assumed
        "Learning phase: 01 Jan 2020 – 31 Dec 2020 (assumed)",
        "Implementation phase: 01 Jan 2021 – 31 Dec 2021 (assumed)"]
    timeline = policy_learning.timeline_figure(policy_learning.build(ds))
    assert {a.text for a in timeline.layout.annotations} >= {"Learning phase", "Implementation phase"}


def test_shipped_project_charts_show_no_ids():
    ds = cx.load()
    partners = set(ds.partners.partner_id) - set(ds.partners.short_name)    # ecoplus is its own short name
    ids = partners | set(ds.project.phase_ids) | set(ds.indicators.indicator_id)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(ids))) + r")(?![\w-])")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figures = page_figures(ds)
    assert "region_syddanmark" in ids and "P1" in ids
    for name, fig in figures.items():
        assert [t for t in shown_text(fig) if pattern.search(t)] == [], name


@pytest.mark.parametrize("which", ["sector heatmap", "change"])
def test_portfolio_phase_controls_and_legends_are_phase_names(which):
    ds = cx.load()
    page = cluster_portfolios.build(ds)
    names = {p.name for p in ds.project.phases}
    fig = {"sector heatmap": cluster_portfolios.sector_heatmap_figure,
           "change": cluster_portfolios.change_figure}[which](page)
    if which == "sector heatmap":
        labels = {step.label.replace("<br>", " ") for step in fig.layout.sliders[0].steps}   # wrapped to fit
    else:
        labels = {t.name for t in fig.data if t.showlegend is not False and t.name}
    assert labels and labels <= names
