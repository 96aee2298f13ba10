"""Benchmark: a snapshot on unchanged inputs (every run reused) against a full one, on the default plan.

For each setting (with and without thumbnails): ``clusterix-analytics report --force`` (every run executed),
then ``clusterix-analytics report`` again on the same inputs (every run reused from ``latest``: no pool, no
kernel, no browser), each as a new process, wall time measured around the process (imports included).

    .venv/bin/python benchmarks/bench_incremental.py [--out /tmp/clusterix-bench-incremental] [--repeat 3]

Prints a Markdown table and writes the measurements to <out>/results.json. Not a test: the numbers depend on
the machine and on what else runs on it. Issue 15's target: the unchanged snapshot within 10 % of the full one.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def report(out: Path, *extra: str) -> dict:
    args = [str(BIN / "clusterix-analytics"), "report", "--out", str(out), "--jobs", "2", *extra]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    manifest = json.loads((Path(done.stdout.splitlines()[0]).resolve() / "manifest.json").read_text())
    return {"wall_s": round(wall, 2), "runs": len(manifest["runs"]), "reused": manifest["summary"]["reused"],
            "inside_s": manifest["duration_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/clusterix-bench-incremental"))
    parser.add_argument("--repeat", type=int, default=3, help="unchanged snapshots measured per setting")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    results = {"cores": os.cpu_count(), "load_before": os.getloadavg()[0]}
    for name, extra in (("no_thumbnails", ("--no-thumbnails",)), ("thumbnails", ())):
        out = args.out / name
        full = report(out, "--force", *extra)
        unchanged = [report(out, *extra) for _ in range(args.repeat)]
        assert all(u["reused"] == u["runs"] == full["runs"] for u in unchanged), unchanged
        median = statistics.median(u["wall_s"] for u in unchanged)
        results[name] = {"full": full, "unchanged": unchanged, "unchanged_median_s": median,
                         "ratio": round(median / full["wall_s"], 4)}
    results["load_after"] = os.getloadavg()[0]
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    print("| setting | full snapshot (`--force`) | unchanged inputs (median) | ratio |")
    print("|---|---|---|---|")
    for name, label in (("no_thumbnails", "`--no-thumbnails`"), ("thumbnails", "with thumbnails (`make reports`)")):
        r = results[name]
        print(f"| {label} | {r['full']['wall_s']:.1f} s ({r['full']['runs']} runs executed) | "
              f"{r['unchanged_median_s']:.2f} s ({r['full']['runs']} reused) | {r['ratio']:.1%} |")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
