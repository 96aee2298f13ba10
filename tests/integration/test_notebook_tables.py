"""Every maintained notebook, executed on both projects, shows its tables through the reader-table renderer
(views/tables.py): no pandas DataFrame HTML, no NaN / NaT / <NA>, each table saying where its rows come from."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import papermill as pm
import pytest

import clusterix_analytics as cx
from clusterix_analytics.config import DEFAULT_PROJECT_DIR, NOTEBOOKS_DIR

from ..conftest import SECOND_PROJECT, execute_notebook, outputs_of, visible_text

NOTEBOOKS = sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
PROJECTS = {"clusterix2": DEFAULT_PROJECT_DIR, "nordic_pilot": SECOND_PROJECT}
RAW_VALUES = re.compile(r"\bNaN\b|\bNaT\b|<NA>")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Each maintained notebook on each project with its default parameters (a per-partner notebook: the
    project's first partner), two at a time: {(project, notebook): executed notebook}."""
    runs = []
    for project, folder in PROJECTS.items():
        first_partner = cx.load(folder).partners["partner_id"].iloc[0]
        for name in NOTEBOOKS:
            parameters = {"project_dir": str(folder)}
            if "partner" in pm.inspect_notebook(str(NOTEBOOKS_DIR / f"{name}.ipynb")):
                parameters["partner"] = first_partner
            runs.append((project, name, parameters))

    def run(job):
        project, name, parameters = job
        return execute_notebook(name, tmp_path_factory.mktemp(f"{project}-{name}"), **parameters)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {(project, name): nb for (project, name, _), nb in zip(runs, pool.map(run, runs))}


@pytest.mark.slow
def test_no_notebook_shows_a_raw_dataframe(executed):
    assert len(executed) == 2 * len(NOTEBOOKS) >= 10
    for (project, name), nb in executed.items():
        html = outputs_of(nb)
        assert not [h for h in html if 'class="dataframe"' in h], f"{project}/{name} shows a pandas DataFrame"
        tables = [h for h in html if h.startswith('<div class="cx-table"')]
        assert tables, f"{project}/{name} shows no reader table"
        # every table says under it where its rows come from
        assert all('<p class="cx-provenance cx-provenance-' in t for t in tables), f"{project}/{name}"
        for text in visible_text(nb):
            found = RAW_VALUES.search(text)
            around = text[max(0, found.start() - 80):found.end()] if found else ""
            assert not found, f"{project}/{name} shows {found.group()!r}: …{around}"
