"""The policy-learning pages of the shipped plan (notebook 05, all partners and one partner) in Chromium, offline:
every figure draws data marks (an empty figure draws only its axes), no console error, the demo share stated as
the manifest records it, and no raw NaN / NaT / <NA> anywhere a reader can see (figures' text included).
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from clusterix_analytics.reports.browser import check_pages
from clusterix_analytics.reports.runner import run_report

from .._browser_check import require_chromium

RAW_VALUES = re.compile(r"\bNaN\b|\bNaT\b|<NA>")
# the notice of lab/notebook.show_demo_notice, as a reader sees it
DEMO_NOTICE = re.compile(r"Demo data notice: ([\d,]+) of ([\d,]+) rows used in this notebook \((\d+)%\)")
SOURCED_NOTICE = re.compile(r"Data notice: all ([\d,]+) rows used in this notebook are sourced facts")
# every figure's data as its page's download link builds it (templates/figure-data.js)
FIGURE_CSVS = "Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => window.cxFigureCsv(d))"
ALL_PARTNERS_FIGURES = [  # titles as plotly draws them on the page
    "Learning events over time, by type (size: participants)",
    "CLUSTERIX 2.0 learning events at their region, by type (size: participants)",
    "Who hosted what: learning events by host partner and type",
    "Topics over time: learning events per topic and phase",
    "Who learned from whom: good-practice transfers from owner to adopting partner",
]


def stated_demo_share(text: str) -> float:
    """The demo share the page's notice states (0 for an all-sourced page)."""
    found = DEMO_NOTICE.search(text)
    if found:
        return int(found[1].replace(",", "")) / int(found[2].replace(",", ""))
    assert SOURCED_NOTICE.search(text), "the page states no demo share"
    return 0.0


@pytest.mark.slow
def test_policy_learning_pages_draw_their_figures_and_state_their_demo_share(tmp_path):
    out = io.StringIO()
    code = run_report(out_dir=tmp_path, only=["05*-all", "05*-region_aura"], jobs=2, thumbnails=False,
                      progress=False, stdout=out, stderr=io.StringIO())
    folder = Path(out.getvalue().splitlines()[0])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert code == 0, [r["error"] for r in manifest["runs"] if r["error"]]
    runs = {r["slug"]: r for r in manifest["runs"]}
    assert list(runs) == ["05_policy_learning-all", "05_policy_learning-region_aura"]   # plan order
    pages = {slug: folder / run["outputs"]["html"] for slug, run in runs.items()}
    assert max(p.stat().st_size for p in pages.values()) <= 300_000
    require_chromium()
    reports = check_pages([*pages.values(), folder / "index.html"], probe=FIGURE_CSVS)
    for slug, path in pages.items():
        report = reports[str(path)]
        assert report.errors == [] and report.external_requests == [], slug
        assert report.undrawn_figures == [], slug
        assert RAW_VALUES.findall(report.text) == [], slug
        share = runs[slug]["headlines"]["demo_share"]
        assert stated_demo_share(report.text) == pytest.approx(share, abs=5e-5), slug
    everyone = reports[str(pages["05_policy_learning-all"])]
    # all partners: the five figures, each with data drawn (events, regions, hosts, topics, transfers)
    assert len(everyone.figures) >= 4
    assert [f["marks"] > 0 for f in everyone.figures] == [True] * len(everyone.figures)
    assert all(title in everyone.text for title in ALL_PARTNERS_FIGURES)
    # each figure has its data download, and the data is the figure's: the topics heatmap, one row per topic and
    # phase (21 topics named by the events × 3 phases and "not dated"); cluster financing came up at 2 dated
    # events of phase 1 and 2 undated ones (events.csv)
    assert everyone.text.count("Download this figure's data (CSV)") == len(everyone.figures)
    topics = everyone.probe[3].splitlines()
    assert topics[0] == "Series,x,y,Value,Text" and len(topics) == 1 + 21 * 4
    assert topics[1:5] == [
        "learning events,Phase 1 – interregional learning,cluster financing,2,2 learning events",
        "learning events,Phase 2 – action plan implementation,cluster financing,0,0 learning events",
        "learning events,Additional activities – COVID-19 recovery (5th call),cluster financing,0,0 learning events",
        "learning events,not dated,cluster financing,2,2 learning events"]
    # the hosts chart: the bars as drawn, host partners by name
    assert "final event,1,ecoplus,1," in everyone.probe[2].splitlines()
    # the shipped rows: 23 learning events and 19 good practices, all sourced; 26 transfers, 24 of them demo rows
    assert stated_demo_share(everyone.text) == pytest.approx(24 / 68)
    # one partner (Region AURA hosted the Clermont-Ferrand meeting): its timeline draws that event
    aura = reports[str(pages["05_policy_learning-region_aura"])]
    assert aura.figures and aura.figures[0]["marks"] > 0
    assert "Region AURA: learning events hosted: 2 hosted (sourced)" in aura.text
    index = reports[str(folder / "index.html")].text
    assert index.index("Policy learning – all partners") < index.index("Policy learning – Region AURA")
