"""Pages read as text for people: no names from the code (a .py file, a snake_case name, a dotted module path)
in any notebook's Markdown or in any sentence a view writes, and every notebook ends with its method notes,
"How these numbers are made". A finding names the notebook and line, or the view function."""
from __future__ import annotations

import inspect
import json

import pytest

import clusterix_analytics as cx
from clusterix_analytics.config import NOTEBOOKS_DIR
from clusterix_analytics.views import (
    cluster_portfolios,
    partner_profile,
    partner_regions,
    policy_change_indicators,
    policy_learning,
    project_overview,
)

from .._page_checks import python_names
from .._project_factory import random_project

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
VIEWS = (project_overview, partner_regions, policy_change_indicators, cluster_portfolios, partner_profile,
         policy_learning)
METHOD_NOTES = "## How these numbers are made"


def test_the_scan_finds_names_from_the_code_and_leaves_data_files_alone():
    # the sentences of the old page 02 intro and scorecard section (issue 13)
    assert python_names("How the numbers are built (rules in `clusterix_analytics/indicators.py`): values "
                        "aggregate as each definition says (`sum`, `last`, `max` in `indicators.csv`)") == [
        "clusterix_analytics/indicators.py"]
    assert python_names("Rule (`indicators.partner_scorecard`): **target met**") == ["indicators.partner_scorecard"]
    assert python_names("Joint projects (`cluster_links`); see `05_policy_learning`") == [
        "`cluster_links`", "`05_policy_learning`"]
    assert python_names("documented in the good_practices table") == ["good_practices"]
    assert python_names("the map (`sector_map.csv`), data/README.md, westpannon.hu, e.g. 2.5 EUR, "
                        "Vienna\\_Test") == []


def markdown_findings(path) -> list[str]:
    found = []
    for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for number, line in enumerate("".join(cell["source"]).splitlines(), start=1):
            found += [f"{path.name} cell {i} line {number}: {name}" for name in python_names(line)]
    return found


def test_no_notebook_tells_its_reader_a_name_from_the_code():
    assert len(NOTEBOOKS) == 6
    assert [f for path in NOTEBOOKS for f in markdown_findings(path)] == []


def test_every_notebook_ends_with_its_method_notes():
    for path in NOTEBOOKS:
        last = json.loads(path.read_text(encoding="utf-8"))["cells"][-1]
        assert last["cell_type"] == "markdown" and "".join(last["source"]).startswith(METHOD_NOTES), path.name


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    empty = random_project(tmp_path_factory.mktemp("empty") / "project", 3, partners=2, phases=2, indicators=1,
                           sourced_rows=False, demo=False)
    return {"shipped": cx.load(), "empty": cx.load(empty)}


def reader_text(view, dataset) -> dict[str, str]:
    """Every sentence a view writes for its page (each public function returning text, called with the page
    built with the default parameters, the dataset and the region geometry where it takes them)."""
    page = view.build(dataset)
    extra = {"dataset": dataset}
    if hasattr(view, "map_geometry"):
        extra["geometry"] = view.map_geometry(dataset)
    texts = {}
    for name, function in inspect.getmembers(view, inspect.isfunction):
        if name.startswith("_") or function.__module__ != view.__name__:
            continue
        parameters = list(inspect.signature(function).parameters.values())
        if not parameters or parameters[0].name != "page" or "str" not in str(function.__annotations__.get("return")):
            continue
        required = [p.name for p in parameters[1:] if p.default is inspect.Parameter.empty]
        if not set(required) <= set(extra):
            continue
        audiences = ("lab", "report") if "audience" in [p.name for p in parameters] else (None,)
        for audience in audiences:
            kwargs = {k: extra[k] for k in required} | ({"audience": audience} if audience else {})
            value = function(page, **kwargs)
            if isinstance(value, str):
                texts[f"{view.__name__.rsplit('.', 1)[-1]}.{name}" + (f"({audience})" if audience else "")] = value
    return texts


@pytest.mark.parametrize("project", ["shipped", "empty"])
def test_no_view_sentence_tells_its_reader_a_name_from_the_code(projects, project):
    texts = {}
    for view in VIEWS:
        texts |= reader_text(view, projects[project])
    # the scan reaches the sentences of every page, the openings and the change log among them
    assert {"project_overview.opening", "policy_change_indicators.change_log_intro",
            "policy_learning.journey_sentence(report)", "partner_regions.links_summary"} <= set(texts)
    found = [f"{where}: {name}" for where, text in texts.items() for name in python_names(text)]
    assert found == []
