"""Benchmark: the local process pool against a Dask LocalCluster, the same plan side by side in one run.

    .venv/bin/python benchmarks/bench_dask.py [--rounds 2] [--workers 2] [--out /tmp/cx-dask]

Each round runs ``report --force --no-thumbnails --jobs N`` (the local pool) and ``report --executor dask
--scheduler <LocalCluster> --force --no-thumbnails`` (N worker processes of one thread, on 127.0.0.1), each
a new process timed around it, and checks that both snapshots have the same runs, statuses and headline
numbers. Needs the ``[distributed]`` extra. Prints a Markdown table; writes ``<out>/results.json``. Not a test.
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

from dask.distributed import LocalCluster

BIN = Path(sys.executable).parent


def report(out: Path, extra: list[str]) -> dict:
    args = [str(BIN / "clusterix-analytics"), "report", "--out", str(out), "--force", "--no-thumbnails", *extra]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    manifest = json.loads((Path(done.stdout.splitlines()[0]) / "manifest.json").read_text())
    return {"wall_s": wall, "runs": {r["slug"]: (r["status"], r["headlines"]) for r in manifest["runs"]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/cx-dask"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    rounds = []
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        for i in range(args.rounds):
            load = round(os.getloadavg()[0], 1)
            pool = report(args.out / f"pool-{i}", ["--jobs", str(args.workers)])
            dask = report(args.out / f"dask-{i}", ["--executor", "dask", "--scheduler", cluster.scheduler_address])
            same = pool["runs"] == dask["runs"]
            rounds.append({"pool_s": pool["wall_s"], "dask_s": dask["wall_s"], "runs": len(pool["runs"]),
                           "same_runs_and_headlines": same, "load_before": load,
                           "load_after": round(os.getloadavg()[0], 1)})
    (args.out / "results.json").write_text(json.dumps(rounds, indent=2))
    print(f"{rounds[0]['runs']} runs, {args.workers} workers, {os.cpu_count()} cores\n")
    print("| round | local pool | Dask LocalCluster | Dask / pool | same runs and headlines | load before → after |")
    print("|---|---|---|---|---|---|")
    for i, r in enumerate(rounds, 1):
        print(f"| {i} | {r['pool_s']:.1f} s | {r['dask_s']:.1f} s | {r['dask_s'] / r['pool_s']:.2f}× | "
              f"{'yes' if r['same_runs_and_headlines'] else 'NO'} | {r['load_before']} → {r['load_after']} |")


if __name__ == "__main__":
    main()
