"""Benchmark: the report runner against its floor and against the naive loop, side by side in one run.

The floor (issue 15) is what no runner can beat on this machine: the same runs' code cells executed in
kernels that are already warm (started once per worker, the runner's pre-imports done), the runs divided
over the workers through one queue, plus the one kernel start per worker. It writes no page, no notebook,
no manifest and validates nothing: everything the runner does beyond it is the runner's overhead.

    .venv/bin/python benchmarks/bench_floor.py [--rounds 2] [--jobs 2] [--skip-naive] [--out /tmp/cx-floor]

Each round measures floor, runner (``report --force --no-thumbnails --jobs N``, a new process, timed around
it) and, once, the naive loop of ``bench_reports.py``, one after another, so that the ratios compare
measurements taken under the same load. Prints a Markdown table; writes ``<out>/results.json``. Not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from jupyter_client.manager import KernelManager
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

import clusterix_analytics as cx
from clusterix_analytics.config import DEFAULT_PROJECT_DIR, KERNEL_NAME, REPORT_RUN_ENV
from clusterix_analytics.reports.kernels import PRELOAD, notebook_imports, warmup_line
from clusterix_analytics.reports.plan import PROJECT_PARAMETER, expand_plan
from clusterix_analytics.reports.runner import DEFAULT_PLAN

sys.path.insert(0, str(Path(__file__).parent))
from bench_reports import naive  # noqa: E402

BIN = Path(sys.executable).parent


def prepared_runs(project_dir: Path) -> list[tuple[str, Path, list[str]]]:
    """(slug, notebook path, code cells with the parameters injected) for every run of the default plan."""
    prepared = []
    for run in expand_plan(DEFAULT_PLAN, cx.load(project_dir)):
        parameters = dict(run.parameters)
        if PROJECT_PARAMETER in run.declared:
            parameters[PROJECT_PARAMETER] = str(project_dir)
        nb = parameterize_notebook(load_notebook_node(str(run.path)), parameters, kernel_name=KERNEL_NAME)
        prepared.append((run.slug, run.path, [c.source for c in nb.cells if c.cell_type == "code"]))
    return prepared


def floor(runs: list[tuple[str, Path, list[str]]], jobs: int, preload: tuple[str, ...]) -> dict:
    """Wall time of: ``jobs`` warm kernels started at once, then every run's cells executed in them."""
    os.environ[REPORT_RUN_ENV] = "1"
    work: queue.Queue = queue.Queue()
    for run in runs:
        work.put(run)
    starts: list[float] = []
    failures: list[str] = []

    def worker() -> None:
        t = time.perf_counter()
        km = KernelManager(kernel_name=KERNEL_NAME)
        warm_up = f"--IPKernelApp.exec_lines={warmup_line(preload)}"
        km.start_kernel(cwd=str(runs[0][1].parent), extra_arguments=[warm_up])
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=300)
        starts.append(time.perf_counter() - t)
        try:
            while True:
                try:
                    slug, _path, cells = work.get_nowait()
                except queue.Empty:
                    return
                kc.execute_interactive("%reset -f", timeout=60, output_hook=lambda msg: None)
                for source in cells:
                    reply = kc.execute_interactive(source, timeout=600, output_hook=lambda msg: None)
                    if reply["content"]["status"] != "ok":
                        failures.append(f"{slug}: {reply['content'].get('ename')}")
                        break
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(min(jobs, len(runs)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"wall_s": time.perf_counter() - start, "kernel_start_s": max(starts), "runs": len(runs),
            "failures": failures}


def runner(out: Path, jobs: int) -> dict:
    args = [str(BIN / "clusterix-analytics"), "report", "--out", str(out), "--jobs", str(jobs), "--force",
            "--no-thumbnails"]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    folder = Path(done.stdout.splitlines()[0]).resolve()
    manifest = json.loads((folder / "manifest.json").read_text())
    return {"wall_s": wall, "exit": done.returncode, "runs": len(manifest["runs"]),
            "statuses": sorted({r["status"] for r in manifest["runs"]})}


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/cx-floor"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    project = Path(DEFAULT_PROJECT_DIR).resolve()
    runs = prepared_runs(project)
    paths = sorted({path for _, path, _ in runs})
    preload = tuple(dict.fromkeys(PRELOAD + tuple(notebook_imports(paths))))
    rounds = []
    for i in range(args.rounds):
        row = {"load_before": load_average()}
        row["floor"] = floor(runs, args.jobs, preload)
        row["runner"] = runner(args.out / f"runner-{i}", args.jobs)
        row["load_after"] = load_average()
        rounds.append(row)
    results = {"cores": os.cpu_count(), "jobs": args.jobs, "runs": len(runs), "rounds": rounds}
    if not args.skip_naive:
        results["naive"] = naive(args.out / "naive")
        results["naive"]["load_after"] = load_average()
        results["runner_next_to_naive"] = runner(args.out / "runner-naive", args.jobs)
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    print(f"{len(runs)} runs, --jobs {args.jobs}, {os.cpu_count()} cores\n")
    print("| round | floor | of which kernel start | runner | runner / floor | load before → after |")
    print("|---|---|---|---|---|---|")
    for i, row in enumerate(rounds, 1):
        f, r = row["floor"], row["runner"]
        print(f"| {i} | {f['wall_s']:.1f} s | {f['kernel_start_s']:.1f} s | {r['wall_s']:.1f} s | "
              f"{r['wall_s'] / f['wall_s']:.2f}× | {row['load_before']} → {row['load_after']} |")
    if "naive" in results:
        n, r = results["naive"], results["runner_next_to_naive"]
        print(f"\nnaive loop {n['wall_s']:.1f} s, runner right after {r['wall_s']:.1f} s: "
              f"naive / runner = {n['wall_s'] / r['wall_s']:.2f}×")
    failures = [f for row in rounds for f in row["floor"]["failures"]]
    if failures:
        print("floor runs that failed:", failures)


if __name__ == "__main__":
    main()
