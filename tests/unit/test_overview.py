"""Project overview: headline indicators from sourced rows only, and the notebook on both projects."""
from __future__ import annotations

import math

import clusterix_analytics as cx
from clusterix_analytics.analytics.overview import headline_indicators, partners_table

from ..conftest import SECOND_PROJECT


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
