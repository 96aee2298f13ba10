"""Every maintained notebook, executed on both projects, shows its tables through the reader-table renderer
(views/tables.py): no pandas DataFrame HTML, no NaN / NaT / <NA>, each table saying where its rows come from; no
warning and no stray value; each page opens with its question, leaves out what only JupyterLab users need and,
when long, lists its sections."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import papermill as pm
import pytest

import clusterix_analytics as cx
from clusterix_analytics.config import DEFAULT_PROJECT_DIR, LAB_ONLY_TAG, NOTEBOOKS_DIR
from clusterix_analytics.reports.export import notebook_page

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


@pytest.mark.slow
def test_no_notebook_shows_a_warning_or_a_stray_value(executed):
    for (project, name), nb in executed.items():
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                where = f"{project}/{name} cell {i}"
                assert not (out.output_type == "stream" and out.name == "stderr"), f"{where}: {out.text[:300]}"
                # a cell's last line shows its value: only a reader table may (no 0.7678571428571429)
                if out.output_type == "execute_result":
                    shown = "".join(out.data.get("text/html", ""))
                    assert shown.startswith('<div class="cx-table"'), f"{where} shows {out.data.get('text/plain')!r}"


@pytest.mark.slow
def test_each_page_opens_with_its_question_and_keeps_the_lab_help_for_the_lab(executed):
    for (project, name), nb in executed.items():
        markdown = outputs_of(nb, "text/markdown")
        # the first thing the page shows under its title: the question, then at most three lines
        question, _, answers = markdown[0].partition("\n\n")
        assert question.startswith("**") and question.endswith("?**"), f"{project}/{name}: {question}"
        assert 1 <= len(answers.splitlines()) <= 3, f"{project}/{name}"
        lab_only = [c.source for c in nb.cells if c.cell_type == "markdown"
                    and LAB_ONLY_TAG in c.metadata.get("tags", [])]
        page = notebook_page(nb, title=name)
        assert lab_only and not [t for t in lab_only if t[:40] in page], f"{project}/{name}"
        assert page.index(question[2:20]) < page.index('class="clusterix-demo-notice"'), f"{project}/{name}"
        sections = re.findall(r'<h2 id="([^"]+)"', page)
        links = re.findall(r'<li><a href="#([^"]+)">', page)
        assert links == (sections if len(sections) >= 4 else []), f"{project}/{name}"
