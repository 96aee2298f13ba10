"""Benchmark: the report runner (--jobs 1, --jobs 2) against the naive loop, on the default plan.

Naive loop = what people do by hand: for each run, the papermill CLI, then
``jupyter nbconvert --to html --no-input`` (each a new process; every page embeds its own plotly.js).

    .venv/bin/python benchmarks/bench_reports.py [--out /tmp/bench] [--skip-naive]

Prints a Markdown table and writes the measurements to <out>/results.json. Not a test: numbers depend
on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import clusterix_analytics as cx
from clusterix_analytics.config import DEFAULT_PROJECT_DIR, KERNEL_NAME
from clusterix_analytics.reports.plan import PROJECT_PARAMETER, expand_plan
from clusterix_analytics.reports.runner import DEFAULT_PLAN

BIN = Path(sys.executable).parent


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def runner(out: Path, jobs: int, thumbnails: bool) -> dict:
    args = [str(BIN / "clusterix-analytics"), "report", "--out", str(out), "--jobs", str(jobs)]
    if not thumbnails:
        args.append("--no-thumbnails")
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    folder = Path(done.stdout.splitlines()[0]).resolve()
    manifest = json.loads((folder / "manifest.json").read_text())
    pages = [p for p in folder.glob("*.html") if p.name != "index.html"]
    return {
        "wall_s": wall, "exit": done.returncode, "runs": len(manifest["runs"]),
        "sum_run_s": sum(r["duration_s"] or 0 for r in manifest["runs"]),
        "bytes_total": folder_bytes(folder), "bytes_notebooks": folder_bytes(folder / "notebooks"),
        "bytes_plotly_js": (folder / "plotly.min.js").stat().st_size,
        "largest_page": max((p.stat().st_size, p.name) for p in pages),
        "statuses": sorted({r["status"] for r in manifest["runs"]}),
    }


def naive(out: Path) -> dict:
    runs = expand_plan(DEFAULT_PLAN, cx.load(DEFAULT_PROJECT_DIR))
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CLUSTERIX_REPORT_RUN="1")
    papermill_s = nbconvert_s = 0.0
    start = time.perf_counter()
    for run in runs:
        executed = out / f"{run.slug}.ipynb"
        args = [str(BIN / "papermill"), str(run.path), str(executed), "-k", KERNEL_NAME, "--cwd", str(run.path.parent),
                "--no-progress-bar"]
        params = dict(run.parameters, **({PROJECT_PARAMETER: str(DEFAULT_PROJECT_DIR)}
                                         if PROJECT_PARAMETER in run.declared else {}))
        for key, value in params.items():
            args += ["-y", json.dumps({key: value})] if not isinstance(value, str) else ["-p", key, value]
        t = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=env)
        papermill_s += time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                       check=True, capture_output=True)
        nbconvert_s += time.perf_counter() - t
    wall = time.perf_counter() - start
    pages = list(out.glob("*.html"))
    return {"wall_s": wall, "runs": len(runs), "papermill_s": papermill_s, "nbconvert_s": nbconvert_s,
            "bytes_total": folder_bytes(out), "bytes_pages": sum(p.stat().st_size for p in pages),
            "largest_page": max((p.stat().st_size, p.name) for p in pages)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/clusterix-bench"))
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    results = {"cores": os.cpu_count()}
    results["jobs1"] = runner(args.out / "jobs1", 1, thumbnails=False)
    results["jobs2"] = runner(args.out / "jobs2", 2, thumbnails=False)
    results["jobs2_thumbs"] = runner(args.out / "jobs2_thumbs", 2, thumbnails=True)
    if not args.skip_naive:
        results["naive"] = naive(args.out / "naive")
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    mb = 1e6
    print("| approach | wall s | runs | s per run | total size MB | largest page KB |")
    print("|---|---|---|---|---|---|")
    for key, label in (("naive", "naive loop (papermill CLI + nbconvert CLI)"), ("jobs1", "runner --jobs 1"),
                       ("jobs2", "runner --jobs 2"), ("jobs2_thumbs", "runner --jobs 2, with thumbnails")):
        r = results.get(key)
        if r:
            print(f"| {label} | {r['wall_s']:.1f} | {r['runs']} | {r['wall_s'] / r['runs']:.2f} | "
                  f"{r['bytes_total'] / mb:.2f} | {r['largest_page'][0] / 1e3:.0f} ({r['largest_page'][1]}) |")
    if "naive" in results:
        n = results["naive"]
        print(f"\nnaive / jobs2 = {n['wall_s'] / results['jobs2']['wall_s']:.2f}x; "
              f"naive / jobs1 = {n['wall_s'] / results['jobs1']['wall_s']:.2f}x; "
              f"naive papermill {n['papermill_s']:.1f} s + nbconvert {n['nbconvert_s']:.1f} s")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
