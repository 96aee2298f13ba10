"""Every page type of the shipped plan checked as a reader sees it, in Chromium at 1280 px, offline: a whole-page
screenshot of each (kept, with reader-view.json of what was measured, in $CLUSTERIX_SCREENSHOTS, else in a pytest
tmp folder; every failure names the folder), nothing wider than the window, no raw NaN / NaT / <NA> / None /
undefined / Infinity in the text or the figures, no two boxes of a figure drawn over each other, none cut off at
its edge, no legend that scrolls (the rule: tests/_reader_view.py).

One snapshot (index, 00–03, one partner's 04 and 05, the all-partners 05) and a second one of 00 alone (reused,
not executed) give a diff page; one browser measures and screenshots them all once for every test here, and with
them a control page whose problems are known (a div sticking out, a legend on its plot, a NaN in a caption), so
the measuring itself is tested.
"""
from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from clusterix_analytics.config import SCREENSHOTS_ENV
from clusterix_analytics.reports.browser import check_pages
from clusterix_analytics.reports.diff import run_diff
from clusterix_analytics.reports.runner import run_report

from .._browser_check import require_chromium
from .._reader_view import (
    RAW_VALUE_WORDS,
    READER_VIEW,
    cut_at_edge,
    figure_overlaps,
    legend_scrolls,
    overflow_problems,
    raw_value_words,
)

PAGE_TYPES = ["00*", "01*", "02*", "03*", "04*-inma", "05*-all", "05*-region_aura"]
WIDTH = 1280
# A page with known problems, beside the snapshot's plotly.min.js: a 1500 px div in the 1280 px window (a wider
# one inside a 600 px scroll container is fine), and a 600 × 400 px figure, margins 50 px (bottom 100 px: plot
# area x 50–550, y 50–300), whose legend sits on its plot and whose caption says NaN.
CONTROL_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>control</title>
<script src="plotly.min.js"></script></head><body style="margin:0">
<div id="wide" style="width:1500px;height:20px">wide</div>
<div style="overflow-x:auto;width:600px"><div style="width:2000px">scrolls inside</div></div>
<div id="control" class="plotly-graph-div" style="width:600px;height:400px"></div>
<script>Plotly.newPlot("control", [{x: [1, 2, 3], y: [1, 3, 2], name: "a"}, {x: [1, 2, 3], y: [2, 1, 3], name: "b"}],
  {width: 600, height: 400, margin: {l: 50, r: 50, t: 50, b: 100}, title: {text: "Control"}, showlegend: true,
   xaxis: {automargin: false}, yaxis: {automargin: false},
   legend: {x: 0.01, y: 0.99, xanchor: "left", yanchor: "top"},
   annotations: [{xref: "paper", yref: "paper", x: 0, y: 0, yanchor: "top", yshift: -40, showarrow: false,
                  text: "value NaN"},
                 {xref: "x", yref: "y", x: 2, y: 3, showarrow: false, text: "peak"}]});</script>
</body></html>"""

pytestmark = pytest.mark.slow


def _built(out_dir: Path, only: list[str], jobs: int) -> Path:
    out = io.StringIO()
    code = run_report(out_dir=out_dir, only=only, jobs=jobs, thumbnails=False, progress=False, stdout=out,
                      stderr=io.StringIO())
    folder = Path(out.getvalue().splitlines()[0])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert code == 0, [r["error"] for r in manifest["runs"] if r["error"]]
    return folder


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """Page type → its file: index, one page per notebook (04 and 05 for one partner, 05 for all), a diff."""
    out_dir = tmp_path_factory.mktemp("reader-view")
    first = _built(out_dir, PAGE_TYPES, jobs=2)
    second = _built(out_dir, ["00*"], jobs=1)   # unchanged inputs: 00 reused; the other runs "removed"
    assert run_diff(first.name, second.name, out_dir=out_dir, stdout=io.StringIO(), stderr=io.StringIO()) == 0
    found = {"index": first / "index.html"}
    found |= {path.stem: path for path in sorted(first.glob("0*.html"))}
    (found["diff"],) = (second / "diffs").glob("*.html")
    return found


@pytest.fixture(scope="module")
def control_page(pages) -> Path:
    path = pages["index"].parent / "reader-view-control.html"
    path.write_text(CONTROL_PAGE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def screenshots_dir(tmp_path_factory) -> Path:
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def measured(pages, control_page, screenshots_dir) -> dict[str, dict]:
    """Page type (and "control") → what the browser measured (READER_VIEW) and its screenshot, one browser for
    every page."""
    require_chromium()
    every = {**pages, "control": control_page}
    reports = check_pages(list(every.values()), thumbs_dir=screenshots_dir, probe=READER_VIEW, full_page=True,
                          width=WIDTH)
    measured = {}
    for name, path in every.items():
        report = reports[str(path)]
        assert report.errors == [] and report.external_requests == [], (name, report.errors)
        assert report.undrawn_figures == [], name
        measured[name] = {"view": report.probe, "size": report.screenshot_size,
                          "png": screenshots_dir / f"{path.stem}.png", "error": report.screenshot_error}
    # what was measured, beside the screenshots, for whoever reads a failure
    (screenshots_dir / "reader-view.json").write_text(
        json.dumps({name: page["view"] for name, page in measured.items()}, indent=1), encoding="utf-8")
    return measured


@pytest.fixture(scope="module")
def seen(measured) -> dict[str, dict]:
    return {name: page for name, page in measured.items() if name != "control"}


def test_the_measuring_finds_the_control_pages_known_problems(measured):
    view = measured["control"]["view"]
    assert view["viewport"] == WIDTH and view["scroll_width"] == 1500
    assert view["overflow"] == [{"element": 'div#wide "wide"', "width": 1500, "right": 1500}]
    (figure,) = view["figures"]
    plots = [b for b in figure["boxes"] if b["kind"] == "plot"]
    assert [{k: round(p[k]) for k in ("x0", "y0", "x1", "y1")} for p in plots] == [
        {"x0": 50, "y0": 50, "x1": 550, "y1": 300}]
    assert sorted(b["name"] for b in figure["boxes"] if b["kind"] == "annotation") == ["peak", "value NaN"]
    (found,) = figure_overlaps(figure)      # the legend on the plot; "peak" is placed on its data
    assert re.fullmatch(r'figure "Control": plot "plot area xy" overlaps legend "legend" by \d+ × \d+ px', found)
    assert cut_at_edge(figure) == [] and legend_scrolls(figure) == []
    assert RAW_VALUE_WORDS.findall(figure["svg_text"]) == ["NaN"]


def test_the_snapshot_has_every_page_type(pages):
    assert list(pages) == ["index", "00_project_overview", "01_partner_regions", "02_policy_change_indicators-all",
                           "03_cluster_portfolios-all", "04_partner_profile-inma", "05_policy_learning-all",
                           "05_policy_learning-region_aura", "diff"]


def test_each_page_is_screenshotted_whole(seen, screenshots_dir):
    for name, page in seen.items():
        where = f"{name}: screenshot {page['png']} (screenshots in {screenshots_dir})"
        assert page["error"] is None, (where, page["error"])
        image = Image.open(page["png"])
        # the whole page: the window's width, the document's height (at least the 900 px window)
        assert image.size == page["size"] == (WIDTH, max(900, page["view"]["height"])), where
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
        assert len(np.unique(pixels[:: max(1, len(pixels) // 200_000)], axis=0)) > 1, f"{where} is blank"


def test_the_measurements_see_the_figures(seen):
    # not vacuous: each notebook page's figures are measured, each with its title and at least one plot area
    for name, page in seen.items():
        figures = page["view"]["figures"]
        assert bool(figures) == name.startswith("0"), name
        for figure in figures:
            kinds = {box["kind"] for box in figure["boxes"]}
            assert {"title", "plot"} <= kinds, (name, figure["title"], kinds)
            assert figure["width"] > 0 and figure["svg_text"], (name, figure["title"])
        assert page["view"]["viewport"] == WIDTH and page["view"]["text"], name


def test_no_page_is_wider_than_the_window(seen, screenshots_dir):
    found = [f"{name}: {problem}" for name, page in seen.items() for problem in overflow_problems(page["view"])]
    assert found == [], f"screenshots in {screenshots_dir}\n" + "\n".join(found)


def test_no_raw_missing_value_word_is_visible(seen, screenshots_dir):
    found = [f"{name}: visible text {word}" for name, page in seen.items()
             for word in raw_value_words(page["view"]["text"])]
    found += [f'{name}: figure "{figure["title"]}" text {word}' for name, page in seen.items()
              for figure in page["view"]["figures"] for word in raw_value_words(figure["svg_text"])]
    assert found == [], f"screenshots in {screenshots_dir}\n" + "\n".join(found)


def test_no_figure_draws_boxes_over_each_other_past_its_edge_or_in_a_scrolling_legend(seen, screenshots_dir):
    found = [f"{name}: {problem}" for name, page in seen.items() for figure in page["view"]["figures"]
             for problem in figure_overlaps(figure) + cut_at_edge(figure) + legend_scrolls(figure)]
    assert found == [], f"{len(found)} finding(s); screenshots in {screenshots_dir}\n" + "\n".join(found)
