"""reports/plan.yaml through its pydantic models (Plan, PlanEntry): the plan's messages, each entry on its own."""
from __future__ import annotations

from pathlib import Path

import pytest

import clusterix_analytics as cx
from clusterix_analytics.reports.plan import PlanError, expand_plan

from ..conftest import FIXTURES

FIXTURE_NOTEBOOKS = FIXTURES / "report_notebooks"


@pytest.fixture(scope="module")
def dataset():
    return cx.load()


def problems_of(tmp_path: Path, dataset, text: str) -> list[str]:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        expand_plan(path, dataset)
    return caught.value.problems


def test_an_entry_with_unknown_keys_is_still_checked(tmp_path, dataset):
    found = problems_of(tmp_path, dataset, f"""notebooks_dir: {FIXTURE_NOTEBOOKS}
runs:
  - notebook: fixture_partner
    colour: red
    parameters: [partner, idm]
  - notebook: fixture_partner
    title: [not, text]
""")
    assert found == [
        "plan.yaml: runs[0] (fixture_partner): unknown key(s) colour; valid: checker, description, "
        "for_each, notebook, parameters, section, title",
        "plan.yaml: runs[0] (fixture_partner): 'parameters' must be a mapping of name: value",
        "plan.yaml: runs[1] (fixture_partner): 'title' should be text, got ['not', 'text']",
    ]


def test_the_top_level_shape(tmp_path, dataset):
    expected = "plan.yaml: expected a mapping with a 'runs' list (see reports/plan.yaml)"
    assert problems_of(tmp_path, dataset, "- notebook: fixture_partner\n") == [expected]
    assert problems_of(tmp_path, dataset, "runs: {notebook: fixture_partner}\n") == [expected]
    assert problems_of(tmp_path, dataset, "notebooks_dir: [a, b]\nruns: []\n") == [
        "plan.yaml: 'notebooks_dir' should be a folder name, got ['a', 'b']"]


def test_numbers_where_text_is_expected_are_that_text(tmp_path, dataset):
    path = tmp_path / "plan.yaml"
    path.write_text(f"notebooks_dir: {FIXTURE_NOTEBOOKS}\nruns:\n  - notebook: fixture_partner\n    title: 2019\n"
                    "    parameters:\n", encoding="utf-8")
    run, = expand_plan(path, dataset)
    assert (run.title, run.parameters, run.slug) == ("2019", {}, "fixture_partner")
