"""Notebook 05 under papermill: on the shipped project, and on a project without any learning table."""
from __future__ import annotations

from clusterix_analytics.config import DEFAULT_PROJECT_DIR
from tests.conftest import SECOND_PROJECT, figure_titles, markdown_text


def test_notebook_05_on_the_shipped_project(run_notebook):
    nb = run_notebook("05_policy_learning", project_dir=str(DEFAULT_PROJECT_DIR), partner="region_aura")
    text = markdown_text(nb)
    # events.csv: Clermont-Ferrand (May 2018) and the undated Lyon conference are hosted by Region AURA
    assert "events documented in the events table for this partner: 2 (sourced)" in text
    assert "Region AURA: learning events hosted: 2 hosted (sourced)" in text
    titles = figure_titles(nb)
    assert "Who learned from whom: good-practice transfers from owner to adopting partner" in titles
    assert "Topics over time: learning events per topic and phase" in titles


def test_notebook_05_without_an_events_table_says_so_and_runs(run_notebook):
    nb = run_notebook("05_policy_learning", project_dir=str(SECOND_PROJECT))
    assert "This project has **no events table**" in markdown_text(nb)
