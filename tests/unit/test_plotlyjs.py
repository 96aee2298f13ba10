"""The committed custom plotly.js bundle: what it holds, that it is the file described, and that it stays in step
with the installed plotly.py and with the figure builders."""
from __future__ import annotations

import ast
import hashlib

from plotly.offline import get_plotlyjs_version

from clusterix_analytics.config import PACKAGE_DIR
from clusterix_analytics.reports.export import write_plotly_js
from clusterix_analytics.reports.plotlyjs import BUNDLE_FILE, PLOTLY_JS_VERSION, TRACES, bundle_info


def test_the_bundle_is_the_file_its_info_describes():
    data = BUNDLE_FILE.read_bytes()
    info = bundle_info()
    assert info["sha256"] == hashlib.sha256(data).hexdigest()
    assert info["bytes"] == len(data)
    assert info["traces"] == sorted(TRACES)
    assert data.startswith(b"/*! plotly.js v4.1.1 ")


def test_the_bundle_is_built_from_the_plotly_js_that_plotly_py_ships():
    # upgrading plotly.py without rebuilding would pair figures of a new schema with an old plotly.js
    assert get_plotlyjs_version() == PLOTLY_JS_VERSION == bundle_info()["plotly.js"]


def test_the_bundle_is_within_its_size_budget():
    assert bundle_info()["bytes"] <= 1_700_000


def test_every_trace_type_the_figure_builders_construct_is_bundled():
    constructed = set()
    for path in (PACKAGE_DIR / "figures").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "go" \
                    and node.func.attr not in ("Figure", "FigureWidget", "Layout"):
                constructed.add(node.func.attr.lower())
    assert constructed == set(TRACES)   # no trace type unused either: the bundle carries nothing for nothing


def test_a_snapshot_gets_the_bundle_as_its_plotly_min_js(tmp_path):
    path = write_plotly_js(tmp_path)
    assert path.name == "plotly.min.js"
    assert path.read_bytes() == BUNDLE_FILE.read_bytes()
