"""Shared test fixtures: paths, a papermill runner for the maintained notebooks."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from clusterix_analytics.paths import DEFAULT_PROJECT_DIR, KERNEL_NAME, NOTEBOOKS_DIR, PROJ_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
SECOND_PROJECT = FIXTURES / "nordic_pilot"


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A writable copy of the shipped CLUSTERIX 2.0 project folder."""
    target = tmp_path / "clusterix2"
    shutil.copytree(DEFAULT_PROJECT_DIR, target)
    return target


def execute_notebook(name: str, out_dir: Path, **parameters) -> nbformat.NotebookNode:
    """Execute notebooks/<name>.ipynb with papermill (the project's kernel) and return the executed notebook."""
    os.environ["CLUSTERIX_REPORT_RUN"] = "1"
    output = out_dir / f"{name}.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS_DIR / f"{name}.ipynb"), str(output), parameters=parameters,
        kernel_name=KERNEL_NAME, cwd=str(NOTEBOOKS_DIR), progress_bar=False,
    )
    return nbformat.read(output, as_version=4)


@pytest.fixture
def run_notebook(tmp_path):
    """Call as run_notebook("00_project_overview", project_dir="...") -> executed notebook."""
    return lambda name, **params: execute_notebook(name, tmp_path, **params)


def outputs_of(nb, mimetype: str = "text/html") -> list[str]:
    """Every output of ``mimetype`` in an executed notebook, as text."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if mimetype in data:
                value = data[mimetype]
                found.append(value if isinstance(value, str) else str(value))
    return found
