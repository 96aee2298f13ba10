"""Benchmark: the pages with the full plotly.js (as plotly.py ships it) against the custom bundle.

Builds one snapshot of the default plan's five kinds of page (``--only 00* 01* 02* 03* 04*-inma``), copies
it twice — one copy with the full plotly.js, one with the committed custom bundle — and loads every page of
both in the same headless Chromium, alternating, ``--rounds`` times: time from opening the tab to every
figure drawn (the page's own check, reports/browser.py).

    .venv/bin/python benchmarks/bench_plotly_bundle.py [--out /tmp/bench-plotly] [--rounds 5]

Prints a Markdown table. Not a test: load times depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import time
from pathlib import Path

from plotly.offline import get_plotlyjs

from clusterix_analytics.reports.browser import Browser
from clusterix_analytics.reports.export import PLOTLY_JS_NAME
from clusterix_analytics.reports.plotlyjs import bundle_text
from clusterix_analytics.reports.runner import run_report

ONE_OF_EACH = ["00*", "01*", "02*", "03*", "04*-inma"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-plotly"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    out = io.StringIO()
    run_report(out_dir=args.out / "snapshots", only=ONE_OF_EACH, jobs=2, thumbnails=False, progress=False,
               stdout=out, stderr=io.StringIO())
    snapshot = Path(out.getvalue().splitlines()[0])
    variants = {"full plotly.js": get_plotlyjs(), "custom bundle": bundle_text()}
    folders = {}
    for name, js in variants.items():
        folder = args.out / name.replace(" ", "-").replace(".", "")
        shutil.copytree(snapshot, folder)
        (folder / PLOTLY_JS_NAME).write_text(js, encoding="utf-8")
        folders[name] = folder
    pages = sorted(p.name for p in snapshot.glob("*.html") if p.name != "index.html")
    times: dict[str, list[float]] = {name: [] for name in variants}
    with Browser() as browser:
        for _ in range(args.rounds):
            for name, folder in folders.items():
                for page in pages:
                    start = time.perf_counter()
                    report = browser.load(folder / page)
                    elapsed = time.perf_counter() - start
                    assert not report.undrawn_figures and report.figures, (name, page, report.errors)
                    times[name].append(elapsed)
    print(f"{len(pages)} pages × {args.rounds} rounds, alternating, one Chromium\n")
    print("| plotly.js | file size | median load, all figures drawn | mean |")
    print("|---|---|---|---|")
    for name, folder in folders.items():
        size = (folder / PLOTLY_JS_NAME).stat().st_size
        print(f"| {name} | {size / 1e6:.2f} MB | {statistics.median(times[name]):.3f} s | "
              f"{statistics.mean(times[name]):.3f} s |")
    full, custom = (statistics.median(times[n]) for n in variants)
    print(f"\nratio full / custom (median load): {full / custom:.2f}×")


if __name__ == "__main__":
    main()
