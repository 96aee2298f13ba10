"""Explorer widgets without a browser: nothing under papermill, in-place redraws, the option lists, `make lab`."""
from __future__ import annotations

import sys

import plotly.graph_objects as go
import pytest

import clusterix_analytics as cx
from clusterix_analytics.config import KERNEL_NAME, NOTEBOOKS_DIR
from clusterix_analytics.lab import launcher as lab
from clusterix_analytics.lab import widgets

from ..conftest import SECOND_PROJECT

# Hand-made values per (partner, phase): what the figure must show after each choice.
VALUES = {
    ("cph", "learn"): [1, 2],
    ("cph", "apply"): [3, 5],
    ("vie", "learn"): [7, 11],
    ("vie", "apply"): [13, 17],
}


def bars(partner, phase):
    """One bar trace per call, except vie/apply which gets a second trace (so the trace count changes)."""
    fig = go.Figure(go.Bar(x=["q1", "q2"], y=VALUES[(partner, phase)], name=partner),
                    layout_title_text=f"{partner} in {phase}")
    if (partner, phase) == ("vie", "apply"):
        fig.add_trace(go.Scatter(x=["q1", "q2"], y=[13 + 17, 13 + 17], name="total"))  # 13 + 17 = 30
    return fig


@pytest.fixture
def interactive(monkeypatch):
    """As in JupyterLab: not under papermill, and displays recorded instead of shown."""
    monkeypatch.delenv("CLUSTERIX_REPORT_RUN", raising=False)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))
    return shown


def test_under_papermill_nothing_is_built_or_shown(monkeypatch):
    monkeypatch.setenv("CLUSTERIX_REPORT_RUN", "1")
    shown, calls = [], []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))

    def counting_builder(partner):
        calls.append(partner)
        return go.Figure()

    assert widgets.explore(counting_builder, partner=["cph", "vie"]) is None
    assert shown == [] and calls == []


def test_explorer_is_displayed_once_and_starts_at_the_notebook_parameters(interactive):
    explorer = widgets.explore(bars, partner=["cph", "vie"], phase=["learn", "apply"],
                               start={"partner": "vie", "phase": "learn"})
    assert interactive == [explorer.box]
    assert explorer.values == {"partner": "vie", "phase": "learn"}
    assert list(explorer.figure.data[0].y) == [7, 11]
    assert explorer.figure.layout.title.text == "vie in learn"
    assert list(explorer.controls) == ["partner", "phase"]


def test_observer_redraws_the_same_figure_widget_in_place(interactive):
    explorer = widgets.explore(bars, partner=["cph", "vie"], phase=["learn", "apply"])
    figure = explorer.figure
    # default: first option of each -> cph/learn = [1, 2]
    assert list(figure.data[0].y) == [1, 2]

    explorer.controls["phase"].value = "apply"          # the dropdown's observer fires
    assert explorer.figure is figure                    # same widget, new data
    assert list(figure.data[0].y) == [3, 5] and figure.layout.title.text == "cph in apply"

    explorer.controls["partner"].value = "vie"          # vie/apply: bar [13, 17] plus a total line at 30
    assert [t.type for t in figure.data] == ["bar", "scatter"]
    assert list(figure.data[1].y) == [30, 30]

    explorer.set(phase="learn")                         # back to one trace: the extra one is removed
    assert [t.type for t in figure.data] == ["bar"] and list(figure.data[0].y) == [7, 11]


def test_calling_the_observer_directly_rebuilds_from_the_current_choice(interactive):
    explorer = widgets.explore(bars, partner=["cph", "vie"], phase=["learn", "apply"])
    values_before = list(explorer.figure.data[0].y)
    explorer.build_figure = lambda partner, phase: go.Figure(go.Bar(y=[len(partner) + len(phase)]))
    explorer.update({"name": "value", "new": "cph"})
    # "cph" has 3 letters, "learn" 5: 3 + 5 = 8
    assert values_before == [1, 2] and list(explorer.figure.data[0].y) == [8]


def test_a_refused_choice_keeps_the_last_figure_and_says_why(interactive):
    def only_learn(phase):
        if phase != "learn":
            raise ValueError(f"no observations in phase {phase!r}")
        return go.Figure(go.Bar(y=[4]))

    explorer = widgets.explore(only_learn, phase=["learn", "apply"])
    explorer.set(phase="apply")
    assert list(explorer.figure.data[0].y) == [4]
    # the message is HTML: the quotes of the error text arrive escaped
    assert "ValueError: no observations in phase &#x27;apply&#x27;" in explorer.message.value
    explorer.set(phase="learn")
    assert explorer.message.value == ""


def test_a_figure_with_gaps_reaches_jupyterlab_as_json_without_a_warning(interactive):
    import json

    # a gap (NaN) in a list: JSON has no NaN, so jupyter_client warned in pink under the explorer (issue 13)
    def gappy(partner):
        return go.Figure(go.Scatter(x=["q1", "q2", "q3"], y=[1.0, float("nan"), 3.0], customdata=[[float("nan")]] * 3))

    explorer = widgets.explore(gappy, partner=["cph"])
    state = explorer.figure.get_state()
    json.dumps(state["_widget_data"], allow_nan=False, default=str)   # raises on a NaN
    assert explorer.figure.data[0].y == (1.0, None, 3.0)


def test_title_is_a_heading_inside_the_explorer_only(interactive):
    explorer = widgets.explore(bars, partner=["cph"], phase=["learn"], title="Explore: partner & phase")
    assert explorer.box.children[0].value == "<h3>Explore: partner &amp; phase</h3>"
    untitled = widgets.explore(bars, partner=["cph"], phase=["learn"])
    assert len(untitled.box.children) == 2   # controls, figure


def test_options_as_values_pairs_or_mapping(interactive):
    explorer = widgets.explore(lambda a, b, c: go.Figure(layout_title_text=f"{a}-{b}-{c}"),
                               a=[1, 2], b=[("Label one", "x"), ("Label two", "y")], c={"Cee": "z"})
    assert explorer.figure.layout.title.text == "1-x-z"
    assert explorer.controls["b"].options == (("Label one", "x"), ("Label two", "y"))
    assert explorer.set(b="y").figure.layout.title.text == "1-y-z"


def test_bad_start_value_and_empty_options_are_refused(interactive):
    with pytest.raises(ValueError, match="start value 'osl' for 'partner' is not one of the options: cph, vie"):
        widgets.explore(bars, partner=["cph", "vie"], phase=["learn"], start={"partner": "osl"})
    with pytest.raises(ValueError, match="'phase' has no options"):
        widgets.explore(bars, partner=["cph"], phase=[])
    with pytest.raises(TypeError, match="must return a plotly go.Figure, got dict"):
        widgets.explore(lambda partner: {}, partner=["cph"])


def test_option_lists_come_from_the_project_folder():
    ds = cx.load(SECOND_PROJECT)   # partners cph, vie, sth; phases learn (2020), apply (2021)
    # labels name things (short name, region, country; phase name), values stay the ids
    assert widgets.partner_options(ds) == [
        ("All partners", "all"), ("Capital Test – Hovedstaden (Denmark)", "cph"),
        ("Vienna Test – Wien (Austria)", "vie"), ("South Test – Sydsverige (Sweden)", "sth")]
    assert widgets.phase_options(ds, include_all=False) == [
        ("Learning phase (Jan 2020 – Dec 2020)", "learn"),
        ("Implementation phase (Jan 2021 – Dec 2021)", "apply")]
    assert [value for _, value in widgets.indicator_options(ds)] == [
        "pilots_launched", "satisfaction_score", "staff_trained"]
    assert widgets.indicator_options(ds)[1][0] == "Stakeholder satisfaction (score (1-5))"


def test_map_colouring_dropdown_names_each_colouring():
    from clusterix_analytics.views import partner_regions
    choices = partner_regions.colour_choices()
    assert [value for _, value in choices] == partner_regions.colour_options()     # the parameter's values
    assert dict((v, label) for label, v in choices) == {
        "none": "one colour", "partner_type": "partner type", "phase": "phase of first policy change",
        "policy_changes": "policy changes", "funds_influenced_eur": "funds influenced by policy changes",
        "clusters": "clusters", "interregional_projects": "joint projects with other regions' clusters",
        "policy_instruments": "policy instruments on record"}


def test_page_01_explorers_open_on_another_map_than_the_static_one_above(interactive):
    # In JupyterLab the static map (kept for reports) and the explorer right below it must not be one map twice.
    from functools import partial

    import nbformat

    from clusterix_analytics.views import partner_regions as view

    ds = cx.load()
    geometry = view.map_geometry(ds)
    static = view.regions_map(ds, geometry, color_by="partner_type", highlight="inma")
    explorer = widgets.explore(partial(view.regions_map, ds, geometry), color_by=view.colour_choices(),
                               highlight=[("no partner outlined", "none")] + widgets.partner_options(ds, False),
                               start=view.explorer_start("partner_type", "inma"))
    # partner type -> the next colouring, phase of the first change; the outline stays
    assert explorer.values == {"color_by": "phase", "highlight": "inma"}
    assert explorer.figure.layout.title.text != static.layout.title.text
    assert explorer.figure.layout.title.text.endswith("by phase of first policy change")
    # every colouring moves on, the last one back to the first
    options = view.colour_options()
    assert [view.explorer_start(c)["color_by"] for c in options] == options[1:] + options[:1]
    # the links map above shows every phase; its explorer opens on the first phase
    links = widgets.explore(partial(view.links_map, ds, geometry), phase=widgets.phase_options(ds),
                            start=view.links_explorer_start(ds))
    assert links.values == {"phase": "P1"}
    assert links.figure.layout.title.text != view.links_map(ds, geometry).layout.title.text
    # and notebook 01 opens both explorers that way
    cells = nbformat.read(NOTEBOOKS_DIR / "01_partner_regions.ipynb", as_version=4).cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "start=view.explorer_start(color_by, highlight_partner)" in code
    assert "start=view.links_explorer_start(ds)" in code


def test_lab_command_opens_notebooks_with_the_projects_kernel():
    argv = lab.lab_argv(["--no-browser"])
    assert argv[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={NOTEBOOKS_DIR}" in argv
    assert f"--MultiKernelManager.default_kernel_name={KERNEL_NAME}" in argv
    assert argv[-1] == "--no-browser"
    # another root given on the command line replaces notebooks/
    other = lab.lab_argv(["--ServerApp.root_dir=/tmp/elsewhere"])
    assert [a for a in other if "root_dir" in a] == ["--ServerApp.root_dir=/tmp/elsewhere"]


def test_lab_runs_interactively_even_if_the_report_flag_leaked(monkeypatch):
    monkeypatch.setenv("CLUSTERIX_REPORT_RUN", "1")
    started = {}
    monkeypatch.setattr(lab, "ensure_kernelspec", lambda: "kernel ok")
    monkeypatch.setattr(lab.os, "execv", lambda path, argv: started.update(path=path, argv=argv,
                                                                           flag=lab.os.environ.get(
                                                                               "CLUSTERIX_REPORT_RUN")))
    lab.main(["--port=9999"])
    assert started["path"] == sys.executable and started["argv"][-1] == "--port=9999"
    assert started["flag"] is None


def test_missing_kernelspec_is_installed_into_this_environment(monkeypatch):
    installed = {}
    monkeypatch.setattr(lab, "kernelspec_python", lambda name=KERNEL_NAME: None)
    monkeypatch.setattr("ipykernel.kernelspec.install", lambda **kw: installed.update(kw))
    assert lab.ensure_kernelspec() == f"installed kernel {KERNEL_NAME!r} into {sys.prefix}"
    assert installed == {"kernel_name": KERNEL_NAME, "display_name": "Python (clusterix-analytics)",
                         "prefix": sys.prefix}


def test_a_kernelspec_of_another_python_is_reported(monkeypatch, tmp_path):
    monkeypatch.setattr(lab, "kernelspec_python", lambda name=KERNEL_NAME: tmp_path / "bin" / "python")
    message = lab.ensure_kernelspec()
    assert message.startswith("warning:") and "jupyter kernelspec remove clusterix-analytics" in message
