"""The "download this figure's data" CSV (reports/templates/figure-data.js) of a figure of panels, run in Node
on the figure's JSON as a page holds it (the browser tests run it on the pages themselves)."""
from __future__ import annotations

import base64
import csv
import io
import json
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from clusterix_analytics.analytics import indicators as ind
from clusterix_analytics.config import TEMPLATES_DIR
from clusterix_analytics.figures import indicators as figs

from .test_indicators import tiny_dataset, tiny_project

NODE = shutil.which("node")

# The page script needs a window and a document; the page has no figure div: the test calls the CSV itself.
HARNESS = """
global.window = {};
global.document = {querySelectorAll: function () { return []; }};
%s
var figure = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(window.cxFigureCsv({data: figure.data, layout: figure.layout}));
"""


def _plain_json(value):
    """Arrays as lists, dates as ISO text: the values plotly.js holds once it has decoded a page's figure."""
    if isinstance(value, np.ndarray):
        return np.datetime_as_string(value, unit="s").tolist() if value.dtype.kind == "M" else value.tolist()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value))


def _decoded(value):
    """plotly's base64 arrays ({"dtype": "f8", "bdata": ...}) as lists, as plotly.js decodes them on a page."""
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_decoded(v) for v in value]
    return value


def figure_csv(fig) -> list[list[str]]:
    script = HARNESS % (TEMPLATES_DIR / "figure-data.js").read_text(encoding="utf-8")
    figure = json.dumps(_decoded(fig.to_plotly_json()), default=_plain_json)
    out = subprocess.run([NODE, "-e", script], input=figure, capture_output=True, text=True, check=True, timeout=60)
    return list(csv.reader(io.StringIO(out.stdout)))


@pytest.mark.skipif(NODE is None, reason="no Node.js to run the page script")
def test_the_csv_of_small_multiples_names_each_rows_panel_and_its_unit():
    tables = ind.build_tables(tiny_dataset())
    fig = figs.cumulative_small_multiples(tables.series, tables.indicators, tiny_project(), tables.reported)
    rows = figure_csv(fig)
    # each panel has its own vertical axis: a last column says which; x is headed by the shared time axis
    assert rows[0] == ["Series", "End of reporting period (date)", "y", "Value", "Text", "Vertical axis"]
    by_series = {}
    for row in rows[1:]:
        by_series.setdefault(row[0], []).append(row)
    # the sum of partner rows of "Events": 30 at the end of June, 214 at the end of December 2020
    assert [(r[1], r[2], r[5]) for r in by_series["Events – cumulative value"]] == [
        ("2020-06-30", "30", "Cumulative (events)"), ("2020-12-31", "214", "Cumulative (events)")]
    assert [r[2] for r in by_series["Rate – latest value"]] == ["3", "5"]
    assert {r[5] for r in by_series["Rate – latest value"]} == {"Latest (percent)"}
    # the target line's two ends are in the data; the legend's entries (drawn apart, no data) are not
    assert [r[2] for r in by_series["Events – target"]] == ["300", "300"]
    assert [r[2] for r in by_series["Events – reported by the project"]] == ["250"]
    assert "Target" not in by_series and "Value, sum of partner rows" not in by_series
    assert len(rows) == 1 + 2 + 2 + 1 + 2 + 2 + 2 + 1     # ev line, target, star; lvl line, target; nt line, star


@pytest.mark.skipif(NODE is None, reason="no Node.js to run the page script")
def test_the_csv_of_a_single_chart_keeps_its_five_columns():
    tables = ind.build_tables(tiny_dataset())
    fig = figs.cumulative_figures(tables.series, tables.indicators, tiny_project(), tables.reported)[0]
    rows = figure_csv(fig)
    assert rows[0] == ["Series", "End of reporting period (date)", "Cumulative value (events)", "Value", "Text"]
    assert [r[2] for r in rows[1:]] == ["30", "214", "250"]
