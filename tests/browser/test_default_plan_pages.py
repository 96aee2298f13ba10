"""The shipped plan (reports/plan.yaml) on the shipped data: one run of each notebook, every page offline.

`make reports` runs the whole plan (one partner profile per partner); here one profile stands for all
ten to keep the test short. BENCHMARKS.md records a full run.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from clusterix_analytics.reports.browser import check_pages
from clusterix_analytics.reports.runner import run_report

from .._browser_check import require_chromium
from .._page_checks import accessibility_problems

ONE_OF_EACH = ["00*", "01*", "02*", "03*", "04*-inma"]


@pytest.mark.slow
def test_default_plan_snapshot_renders_offline(tmp_path):
    out = io.StringIO()
    code = run_report(out_dir=tmp_path, only=ONE_OF_EACH, jobs=2, thumbnails=False, progress=False, stdout=out,
                      stderr=io.StringIO())
    folder = Path(out.getvalue().splitlines()[0])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert code == 0, [r["error"] for r in manifest["runs"] if r["error"]]
    assert len(manifest["runs"]) == 5
    # every notebook records headline numbers, demo_share among them (notebook.show_demo_notice)
    assert all("demo_share" in r["headlines"] for r in manifest["runs"])
    sizes = {p.name: p.stat().st_size for p in folder.glob("*.html")}
    assert max(sizes.values()) <= 300_000, sizes
    # every page says its language, its headings never skip a level, every figure has a text alternative
    problems = {p.name: accessibility_problems(p.read_text(encoding="utf-8")) for p in folder.glob("*.html")}
    assert {name: found for name, found in problems.items() if found} == {}
    require_chromium()
    for path, report in check_pages(sorted(folder.glob("*.html"))).items():
        assert report.errors == [] and report.external_requests == [], path
        assert report.undrawn_figures == [], path
        if not path.endswith("index.html"):
            assert report.figures, f"{path}: no figure"
