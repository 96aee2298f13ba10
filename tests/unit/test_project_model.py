"""project.yaml through its pydantic model: a wrong value names its line and key, as every other problem does.

Line numbers are those of tests/fixtures/nordic_pilot/project.yaml (reporting_period_months is line 11,
the phases list starts on line 13, the second phase on line 18).
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from clusterix_analytics import DataValidationError, load_project

from ..conftest import SECOND_PROJECT


@pytest.fixture
def project(tmp_path) -> Path:
    target = tmp_path / "nordic_pilot"
    shutil.copytree(SECOND_PROJECT, target)
    return target


def edit(project: Path, old: str, new: str) -> None:
    path = project / "project.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in project.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(project: Path) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        load_project(project)
    return [str(p) for p in info.value.problems]


def test_a_wrong_type_names_the_line_and_the_key(project):
    edit(project, "reporting_period_months: 4", 'reporting_period_months: "six"')
    assert problems(project) == ["project.yaml:11:reporting_period_months: 'six' is not a whole number"]


def test_a_phase_value_names_the_phase(project):
    edit(project, "    start: 2020-01-01", "    start: soon")
    assert problems(project) == ["project.yaml:15:phases[0].start: 'soon' is not a date YYYY-MM-DD"]


def test_a_missing_key_names_the_mapping_that_lacks_it(project):
    edit(project, "    name: Implementation phase\n", "")
    assert problems(project) == ["project.yaml:18:phases[1]: missing required key 'name'"]
    edit(project, "reporting_period_months: 4\n", "reporting_period_months:\n")   # present but empty
    assert "project.yaml:11:reporting_period_months: missing required key 'reporting_period_months'" in \
        problems(project)


def test_every_problem_of_the_file_at_once(project):
    edit(project, "nuts_version: 2016", "nuts_version: 2024")
    edit(project, "dates: assumed\nreporting_period_months: 4", "dates: sourced\nreporting_period_months: 4.5")
    edit(project, "  partners: partners.csv", "  partners: [partners.csv, 3]")
    # sorted by line, as DataValidationError lists them
    assert problems(project) == [
        "project.yaml:4:source: dates marked sourced need a source URL",
        "project.yaml:7:nuts_version: NUTS version 2024 is not supported; valid: 2013, 2016, 2021 (2016 for "
        "Interreg 2014–2020 projects, 2021 for 2021–2027)",
        "project.yaml:11:reporting_period_months: 4.5 is not a whole number",
        "project.yaml:24:tables.partners: expected a file name or a list of file names",
    ]


def test_each_shipped_nuts_version_is_accepted(project):
    for version in (2013, 2021, 2016):
        edit(project, next(f"nuts_version: {v}" for v in (2013, 2016, 2021)
                           if f"nuts_version: {v}" in (project / "project.yaml").read_text()),
             f"nuts_version: {version}")
        assert load_project(project).nuts_version == version


def test_values_are_read_as_a_user_means_them(project):
    edit(project, "start: 2020-01-01\nend", "start: '2020-01-01'\nend")       # a quoted date
    edit(project, "reporting_period_months: 4", "reporting_period_months: 4.0")
    edit(project, "tables:", "demo:\n  seed: 7\n  funds_indicator: funds\ntables:")
    loaded = load_project(project)
    assert (loaded.start, loaded.reporting_period_months) == (dt.date(2020, 1, 1), 4)
    assert (loaded.demo_seed, loaded.demo_tables, loaded.demo_directory) == (7, (), "demo")
    assert loaded.demo_options == {"seed": 7, "funds_indicator": "funds"}
    assert loaded.tables["cluster_links"] == ("cluster_links.csv",)


def test_an_empty_file_is_refused_with_a_message(project):
    (project / "project.yaml").write_text("", encoding="utf-8")
    assert problems(project) == ["project.yaml:0:-: expected a mapping of keys (id, name, phases, ...)"]
