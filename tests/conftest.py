"""Shared test fixtures: paths, a papermill runner for the maintained notebooks, the layer markers.

Tests are grouped by what they need: tests/unit (no kernel, no browser: `make test-fast`),
tests/integration (Jupyter kernels: marker `kernel`), tests/browser (Chromium: marker `browser`).
The folder sets the marker; `slow` is set by hand on the longest.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import nbformat
import papermill as pm
import pyogrio  # noqa: F401 - sets GDAL_/PROJ_CURL_CA_BUNDLE on import: here, not inside a test's env check
import pytest

from clusterix_analytics.config import DEFAULT_PROJECT_DIR, KERNEL_NAME, NOTEBOOKS_DIR, REPORT_RUN_ENV

FIXTURES = Path(__file__).parent / "fixtures"
SECOND_PROJECT = FIXTURES / "nordic_pilot"
TESTS_DIR = Path(__file__).parent
FOLDER_MARKERS = {"integration": ("kernel",), "browser": ("browser",)}


def pytest_collection_modifyitems(config, items):
    """Mark each test by its folder, so `-m "not kernel and not browser"` keeps the unit tests only."""
    for item in items:
        path = Path(str(item.path))
        if TESTS_DIR in path.parents:
            folder = path.relative_to(TESTS_DIR).parts[0]
            for marker in FOLDER_MARKERS.get(folder, ()):
                item.add_marker(marker)


@pytest.fixture(autouse=True)
def no_environment_leak(request):
    """Fail a test that leaves os.environ changed (monkeypatch.setenv/delenv undo themselves in time)."""
    before = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    yield
    after = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    if after != before:
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        for key in changed:
            if key in before:
                os.environ[key] = before[key]
            else:
                os.environ.pop(key, None)
        pytest.fail(f"{request.node.nodeid} left environment variables changed: {', '.join(changed)}")


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A writable copy of the shipped CLUSTERIX 2.0 project folder."""
    target = tmp_path / "clusterix2"
    shutil.copytree(DEFAULT_PROJECT_DIR, target)
    return target


# Notebooks may run in several threads at once (test_notebook_for_each_partner): the first to start sets
# $CLUSTERIX_REPORT_RUN, the last to finish puts back what was there before.
_report_run_lock = threading.Lock()
_report_run = {"running": 0, "before": None}


def _report_run_started() -> None:
    with _report_run_lock:
        if _report_run["running"] == 0:
            _report_run["before"] = os.environ.get(REPORT_RUN_ENV)
            os.environ[REPORT_RUN_ENV] = "1"
        _report_run["running"] += 1


def _report_run_finished() -> None:
    with _report_run_lock:
        _report_run["running"] -= 1
        if _report_run["running"] == 0:
            if _report_run["before"] is None:
                os.environ.pop(REPORT_RUN_ENV, None)
            else:
                os.environ[REPORT_RUN_ENV] = _report_run["before"]


def execute_notebook(name: str, out_dir: Path, **parameters) -> nbformat.NotebookNode:
    """Execute notebooks/<name>.ipynb with papermill (the project's kernel) and return the executed notebook.

    The kernel sees $CLUSTERIX_REPORT_RUN=1, as under the report runner; this process gets it back as it was.
    """
    output = out_dir / f"{name}.ipynb"
    _report_run_started()
    try:
        pm.execute_notebook(
            str(NOTEBOOKS_DIR / f"{name}.ipynb"), str(output), parameters=parameters,
            kernel_name=KERNEL_NAME, cwd=str(NOTEBOOKS_DIR), progress_bar=False,
        )
    finally:
        _report_run_finished()
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


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Three runs of the fixture notebook, jobs=2: ecoplus and vlaio succeed, idm fails on purpose."""
    from ._snapshot_fixture import build_fixture_snapshot

    return build_fixture_snapshot(tmp_path_factory.mktemp("snapshot"))
