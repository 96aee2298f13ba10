"""Project overview: headline indicators from sourced rows only, and the notebook on both projects."""
from __future__ import annotations

import math

import clusterix_analytics as cx
from clusterix_analytics.notebook import headlines_from_notebook
from clusterix_analytics.overview import headline_indicators, partners_table
from clusterix_analytics.paths import DEFAULT_PROJECT_DIR

from .conftest import SECOND_PROJECT, outputs_of


def test_headlines_use_only_sourced_project_wide_rows():
    table = headline_indicators(cx.load()).set_index("indicator_id")
    # learning events: 117 reported against a target of 32 -> 365.625 %
    assert table.loc["learning_events", ["target", "achieved"]].tolist() == [32.0, 117.0]
    assert table.loc["learning_events", "achievement_pct"] == 117 / 32 * 100
    # good practices: target 20 but nothing sourced -> no achieved value, despite demo rows existing
    assert math.isnan(table.loc["good_practices", "achieved"])
    # funds: no target -> no percentage
    assert table.loc["funds_influenced_eur", "achieved"] == 13_000_000
    assert math.isnan(table.loc["funds_influenced_eur", "achievement_pct"])


def test_max_aggregation_of_project_rows_on_the_second_project(tmp_path):
    ds = cx.load(SECOND_PROJECT)
    # the fixture has no project-wide rows: nothing is "achieved", targets are kept
    table = headline_indicators(ds).set_index("indicator_id")
    assert table.achieved.isna().all()
    assert table.loc["satisfaction_score", "target"] == 4.5


def test_partners_table_puts_the_lead_first():
    assert partners_table(cx.load(SECOND_PROJECT)).partner_id.tolist() == ["cph", "vie", "sth"]


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
