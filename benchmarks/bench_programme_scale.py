"""Benchmark: programme scale — a project of 250 partners (≥ 250,000 observation rows) against the shipped
10-partner project, measured side by side in one run.

The large project is the shipped one grown: its indicators and sourced project-wide observations, 250
partners in NUTS 2016 level-2 regions (one policy instrument each), a 9-year timeline reported monthly, and
the demo generator filling in per-partner observations, policy changes, clusters and links
(``clusterix-analytics demo``, seeded). Every generated row is flagged synthetic: a fictitious project.

    .venv/bin/python benchmarks/bench_programme_scale.py [--out /tmp/bench-scale] [--profiles 10] [--rounds 3]

A third project, the same growth with only 10 partners (all profiled), holds the same tables as the large one
(the shipped project's pages hold more: learning tables, events): the large project against it is what grows
with the number of partners alone.

Measures, for each project: ``load`` (read + validate) wall time and peak memory (in a fresh process), and a
report of ``--profiles`` partner profiles (``--only``; at most the project's partners): time per run and the
runner's peak memory (the whole process tree, sampled). The 10-partner reports are repeated ``--rounds``
times (10 runs are a small sample); time per run is also given without each worker's first run, which waits
for its fork server to start (a cost per report, not per run). Prints a Markdown table and the ratios.
Not a test.
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from clusterix_analytics.config import DEFAULT_PROJECT_DIR, NUTS_DIR

PARTNERS = 250
SMALL_PARTNERS = 10   # the grown project's small twin: the shipped project's number of partners
JOBS = 2
START, END = "2014-01-01", "2022-12-31"
PHASES = """phases:
  - {id: P1, name: Phase 1, start: 2014-01-01, end: 2017-12-31, dates: assumed}
  - {id: P2, name: Phase 2, start: 2018-01-01, end: 2020-12-31, dates: assumed}
  - {id: P3, name: Phase 3, start: 2021-01-01, end: 2022-12-31, dates: assumed}
"""


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, records: list[dict], columns: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def grow_project(target: Path, partners: int = PARTNERS) -> Path:
    """The shipped project grown to ``partners`` partners and a monthly 9-year timeline (see the module)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    regions = [r for r in rows(NUTS_DIR / "nuts2016.csv") if r["level"] == "2" and not r["nuts_code"].endswith("Z")]
    partner_columns = list(rows(DEFAULT_PROJECT_DIR / "partners.csv")[0])
    people = []
    for i in range(partners):
        region = regions[i % len(regions)]
        people.append({"partner_id": f"p{i + 1:03d}", "organisation": f"Partner {i + 1}", "short_name": f"P{i + 1}",
                       "country_code": region["country_code"], "nuts_code": region["nuts_code"], "nuts_level": "2",
                       "region_name": region["name"], "partner_type": "regional_authority",
                       "role": "lead_partner" if i == 0 else "partner", "joined": "", "left": "",
                       "source": "https://example.org/programme-scale-benchmark"})
    write(target / "partners.csv", people, partner_columns)
    instrument_columns = list(rows(DEFAULT_PROJECT_DIR / "policy_instruments.csv")[0])
    write(target / "policy_instruments.csv", [
        {"instrument_id": f"{p['partner_id']}_programme", "partner_id": p["partner_id"],
         "name": f"Regional programme of {p['short_name']}", "instrument_type": "regional",
         "managing_authority": f"Authority of {p['short_name']}", "addressed": "true",
         "source": "https://example.org/programme-scale-benchmark"} for p in people], instrument_columns)
    shutil.copy(DEFAULT_PROJECT_DIR / "indicators.csv", target / "indicators.csv")
    # the project-wide reported totals (sourced CLUSTERIX values, re-dated into this project's span)
    observations = [dict(r, period_start=START, period_end=END) for r in rows(DEFAULT_PROJECT_DIR / "observations.csv")
                    if r["partner_id"] == "project"]
    write(target / "observations.csv", observations, list(rows(DEFAULT_PROJECT_DIR / "observations.csv")[0]))
    for empty in ("policy_changes", "clusters"):
        header = (DEFAULT_PROJECT_DIR / f"{empty}.csv").read_text(encoding="utf-8").splitlines()[0]
        (target / f"{empty}.csv").write_text(header + "\n", encoding="utf-8")
    (target / "project.yaml").write_text(f"""# Programme-scale benchmark project (fictitious; bench_programme_scale.py)
id: programme_scale
name: Programme-scale benchmark project
programme: Benchmark (fictitious)
nuts_version: 2016
start: {START}
end: {END}
dates: assumed
reporting_period_months: 1
{PHASES}tables:
  partners: partners.csv
  policy_instruments: policy_instruments.csv
  indicators: indicators.csv
  policy_changes: policy_changes.csv
  observations: observations.csv
  clusters: clusters.csv
  cluster_links: []
demo:
  seed: 1
  directory: demo
  tables: [policy_changes, observations, clusters, cluster_links]
  funds_indicator: funds_influenced_eur
  link_projects_indicator: cross_cluster_projects
""", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "clusterix_analytics.cli", "demo", str(target)], check=True,
                   stdout=subprocess.DEVNULL)
    return target


LOAD_SCRIPT = """
import resource, sys, time
start = time.perf_counter()
import clusterix_analytics as cx
imported = time.perf_counter()
ds = cx.load(sys.argv[1])
done = time.perf_counter()
print(done - imported, imported - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
      len(ds.observations), len(ds.partners))
"""


def measure_load(project: Path, rounds: int) -> dict:
    best = None
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-c", LOAD_SCRIPT, str(project)], capture_output=True, text=True,
                             check=True).stdout.split()
        load_s, import_s, peak_mb = map(float, out[:3])
        observations, partners = map(int, out[3:])
        if best is None or load_s < best["load_s"]:
            best = {"load_s": load_s, "import_s": import_s, "peak_mb": peak_mb, "observations": observations,
                    "partners": partners}
    return best


def tree_memory_mb(process: psutil.Process) -> tuple[float, float]:
    """(RSS, PSS) of a process tree in MB. Kernels forked from a fork server share its pages: RSS counts a
    shared page once per process, PSS splits it between them (Linux), so PSS is what the tree really uses."""
    rss = pss = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return rss / 2**20, pss / 2**20


def measure_report(project: Path, out: Path, profiles: list[str]) -> dict:
    command = [sys.executable, "-m", "clusterix_analytics.cli", "report", "--project", str(project), "--out",
               str(out), "--no-thumbnails", "--jobs", str(JOBS),
               *[arg for p in profiles for arg in ("--only", f"04*-{p}")]]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    watched = psutil.Process(process.pid)
    peak = [0.0, 0.0]

    def sample():
        while process.poll() is None:
            rss, pss = tree_memory_mb(watched)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            time.sleep(0.2)
    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, _ = process.communicate()
    sampler.join()
    wall = time.perf_counter() - start
    manifest = json.loads((Path(stdout.splitlines()[0]) / "manifest.json").read_text())
    runs = manifest["runs"]
    assert all(r["status"] == "ok" for r in runs), [r["error"] for r in runs if r["status"] != "ok"]
    return {"durations": [r["duration_s"] for r in sorted(runs, key=lambda r: r["started"])], "wall_s": wall,
            "peak_rss_mb": peak[0], "peak_pss_mb": peak[1]}


def summary(reports: list[dict]) -> dict:
    """Time per run over one or more reports: mean and median of every run, and of the runs after each
    worker's first (which waits for its fork server to start: a cost per report, not per run)."""
    every = [d for r in reports for d in r["durations"]]
    steady = [d for r in reports for d in r["durations"][JOBS:]]
    return {"runs": len(every), "per_run_s": statistics.mean(every), "median_run_s": statistics.median(every),
            "steady_mean_s": statistics.mean(steady), "steady_median_s": statistics.median(steady),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in reports),
            "peak_pss_mb": max(r["peak_pss_mb"] for r in reports)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-scale"))
    parser.add_argument("--profiles", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    large = grow_project(args.out / "programme_scale")
    small = grow_project(args.out / "programme_scale_10", partners=SMALL_PARTNERS)
    generated = time.perf_counter() - started
    shipped_name, small_name, large_name = ("shipped (10 partners)", f"grown ({SMALL_PARTNERS} partners)",
                                            f"grown ({PARTNERS} partners)")
    projects = {shipped_name: DEFAULT_PROJECT_DIR, small_name: small, large_name: large}
    loads = {name: measure_load(path, args.rounds) for name, path in projects.items()}
    ids = {shipped_name: [r["partner_id"] for r in rows(DEFAULT_PROJECT_DIR / "partners.csv")][:args.profiles],
           small_name: [r["partner_id"] for r in rows(small / "partners.csv")],
           large_name: [r["partner_id"] for r in rows(large / "partners.csv")][:: PARTNERS // args.profiles]
           [:args.profiles]}
    # a 10-run report is a small sample: those are repeated --rounds times (each a new snapshot folder)
    reports = {name: summary([measure_report(path, args.out / "reports" / f"{path.name}-{k}", ids[name])
                              for k in range(1 if name == large_name else args.rounds)])
               for name, path in projects.items()}
    print(f"generating the grown projects (demo generator included): {generated:.1f} s\n")
    print("| project | partners | observation rows | load + validate | peak memory (load) | "
          "profile runs | per run: mean (median) | after each worker's first: mean (median) | "
          "runner peak memory PSS (RSS) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in projects:
        load, report = loads[name], reports[name]
        print(f"| {name} | {load['partners']} | {load['observations']:,} | {load['load_s']:.2f} s | "
              f"{load['peak_mb']:.0f} MB | {report['runs']} | {report['per_run_s']:.2f} s "
              f"({report['median_run_s']:.2f} s) | {report['steady_mean_s']:.2f} s "
              f"({report['steady_median_s']:.2f} s) | "
              f"{report['peak_pss_mb']:.0f} MB ({report['peak_rss_mb']:.0f} MB) |")
    big, big_r = loads[large_name], reports[large_name]
    print(f"\nload time ratio {big['load_s'] / loads[shipped_name]['load_s']:.1f}× for "
          f"{big['observations'] / loads[shipped_name]['observations']:.0f}× the rows")
    # the shipped project's pages hold more (learning tables, events); the grown 10-partner project holds
    # the same tables as the 250-partner one: the ratio to it is what grows with the number of partners
    for name in (shipped_name, small_name):
        mean, median, steady = (big_r[k] / reports[name][k] for k in ("per_run_s", "median_run_s",
                                                                       "steady_median_s"))
        print(f"time per profile run, {large_name} against {name}: {mean:.2f}× by the mean, "
              f"{median:.2f}× by the median, {steady:.2f}× by the median after each worker's first run")


if __name__ == "__main__":
    main()
