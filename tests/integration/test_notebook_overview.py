"""Project overview: headline indicators from sourced rows only, and the notebook on both projects."""
from __future__ import annotations

from clusterix_analytics.config import DEFAULT_PROJECT_DIR
from clusterix_analytics.reports.manifest import headlines_from_notebook

from ..conftest import SECOND_PROJECT, outputs_of


def test_overview_notebook_on_clusterix(run_notebook):
    nb = run_notebook("00_project_overview", project_dir=str(DEFAULT_PROJECT_DIR))
    html = "\n".join(outputs_of(nb))
    assert "Data notice:</strong> all 23 rows used in this notebook are sourced facts" in html
    markdown = "\n".join(outputs_of(nb, "text/markdown"))
    assert "**10 partners** from **9 countries**" in markdown
    assert "**Policy learning events organised**: 117 events against a target of 32 (366%)" in markdown
    figures = outputs_of(nb, "application/vnd.plotly.v1+json")
    assert len(figures) == 2
    assert headlines_from_notebook(nb)["achieved_people_increased_capacity"] == 60.0


def test_overview_notebook_on_the_second_project(run_notebook):
    nb = run_notebook("00_project_overview", project_dir=str(SECOND_PROJECT))
    markdown = "\n".join(outputs_of(nb, "text/markdown"))
    assert "**3 partners** from **3 countries**" in markdown
    assert headlines_from_notebook(nb)["partners"] == 3
