"""Shared test fixtures: paths, a papermill runner for the maintained notebooks, the layer markers.

Tests are grouped by what they need: tests/unit (no kernel, no browser: `make test-fast`),
tests/integration (Jupyter kernels: marker `kernel`), tests/browser (Chromium: marker `browser`).
The folder sets the marker; `slow` is set by hand on the longest.
"""
from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import threading
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from clusterix_analytics import config
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


# The variables the workbook reads (config.py spells each once). Libraries set their own at import time
# (pyproj and pyogrio set *_CURL_CA_BUNDLE once): those are not a test's doing.
WATCHED_VARIABLES = tuple(getattr(config, name) for name in dir(config) if name.endswith("_ENV"))


@pytest.fixture(autouse=True)
def no_environment_leak(request):
    """Fail a test that leaves one of the workbook's variables, or the working directory, changed.

    (monkeypatch undoes itself in time.) The doctests that run after the tests read ``data/...`` relative to
    the checkout: a directory left changed by one test fails them far from the cause.
    """
    before = {k: os.environ.get(k) for k in WATCHED_VARIABLES}
    cwd_before = os.getcwd()
    yield
    cwd_after = os.getcwd()
    if cwd_after != cwd_before:
        os.chdir(cwd_before)
        pytest.fail(f"{request.node.nodeid} left the working directory changed: {cwd_after}")
    after = {k: os.environ.get(k) for k in WATCHED_VARIABLES}
    if after != before:
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        for key in changed:
            if before[key] is not None:
                os.environ[key] = before[key]
            else:
                os.environ.pop(key, None)
        pytest.fail(f"{request.node.nodeid} left environment variables changed: {', '.join(changed)}")


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    """A project with two partners, two phases and one indicator, and no row in any other table (seed 3)."""
    import clusterix_analytics as cx

    from ._project_factory import random_project

    folder = random_project(tmp_path_factory.mktemp("empty") / "project", 3, partners=2, phases=2, indicators=1,
                            sourced_rows=False, demo=False)
    return cx.load(folder)


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A writable copy of the shipped CLUSTERIX 2.0 project folder."""
    target = tmp_path / "clusterix2"
    shutil.copytree(DEFAULT_PROJECT_DIR, target)
    return target


def sourced_only_copy(target: Path) -> Path:
    """A copy of the shipped project at ``target`` without its demo data (no demo/ folder, no ``demo:`` section):
    what a project that has only its public record looks like."""
    shutil.copytree(DEFAULT_PROJECT_DIR, target, ignore=shutil.ignore_patterns("demo"))
    text = (target / "project.yaml").read_text(encoding="utf-8")
    (target / "project.yaml").write_text(text[:text.index("\ndemo:")] + "\n", encoding="utf-8")
    return target


_flag_lock = threading.Lock()
_flag_users = [0, None]  # notebooks running now, the variable's value before the first of them


@contextlib.contextmanager
def _report_run_flag():
    with _flag_lock:
        if _flag_users[0] == 0:
            _flag_users[1] = os.environ.get(REPORT_RUN_ENV)
            os.environ[REPORT_RUN_ENV] = "1"
        _flag_users[0] += 1
    try:
        yield
    finally:
        with _flag_lock:
            _flag_users[0] -= 1
            if _flag_users[0] == 0:
                if _flag_users[1] is None:
                    os.environ.pop(REPORT_RUN_ENV, None)
                else:
                    os.environ[REPORT_RUN_ENV] = _flag_users[1]


def execute_notebook(name: str, out_dir: Path, **parameters) -> nbformat.NotebookNode:
    """Execute notebooks/<name>.ipynb with papermill (the project's kernel) and return the executed notebook.

    The kernel sees $CLUSTERIX_REPORT_RUN=1, as under the report runner; this process gets the variable back
    as it was once the last of the notebooks running at once (tests run some in threads) has finished.
    The kernel starts in notebooks/ by nbclient's resource path, not papermill's ``cwd``: that one changes
    this whole process's directory, and two threads restoring it out of order leave it changed.
    """
    output = out_dir / f"{name}.ipynb"
    with _report_run_flag():
        pm.execute_notebook(
            str(NOTEBOOKS_DIR / f"{name}.ipynb"), str(output), parameters=parameters,
            kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}, progress_bar=False,
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


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Three runs of the fixture notebook, jobs=2: ecoplus and vlaio succeed, idm fails on purpose."""
    from ._snapshot_fixture import build_fixture_snapshot

    return build_fixture_snapshot(tmp_path_factory.mktemp("snapshot"))


PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"


def plotly_figures(nb) -> list[dict]:
    """Every plotly figure (as JSON) the executed notebook shows, in order."""
    return [out["data"][PLOTLY_MIMETYPE] for cell in nb.cells for out in cell.get("outputs", [])
            if PLOTLY_MIMETYPE in out.get("data", {})]


def figure_titles(nb) -> list[str]:
    """The titles of the notebook's plotly figures, in order."""
    return [fig["layout"]["title"]["text"] for fig in plotly_figures(nb)]


def markdown_text(nb) -> str:
    """All Markdown the notebook displayed, one block a line."""
    return "\n".join(outputs_of(nb, "text/markdown"))


_HIDDEN_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)


def visible_text(nb) -> list[str]:
    """What a reader sees of each output (tags, scripts and styles removed, entities decoded), in order.

    An output's HTML stands for it where it has some (JupyterLab and the report pages show that), its
    Markdown next, its plain text last; plotly figures (a script, drawn as a chart) are left out.
    """
    seen = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if PLOTLY_MIMETYPE in data:
                continue
            if out.get("output_type") == "stream":
                seen.append(out.get("text", ""))
            elif "text/html" in data:
                markup = _HIDDEN_HTML.sub(" ", "".join(data["text/html"]))
                seen.append(html.unescape(re.sub(r"<[^>]+>", " ", markup)))
            elif "text/markdown" in data or "text/plain" in data:
                seen.append("".join(data.get("text/markdown", data.get("text/plain", ""))))
    return seen
