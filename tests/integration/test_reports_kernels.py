"""Warm, isolated kernels: a fresh kernel per run (nothing leaks from one run into the next), started ahead
and pre-imported, in the notebook's folder; no descriptor or process growth over many runs.

The fixture notebook fixture_tiny.ipynb records whether a variable of an earlier run is still defined, the
names it finds, its kernel's pid and folder, and which modules the kernel had imported before the run.
"""
from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import psutil
import pytest
from jupyter_core.utils import run_sync

from clusterix_analytics.config import KERNEL_NAME, NUTS_VERSIONS
from clusterix_analytics.reports import runner
from clusterix_analytics.reports.kernels import PRELOAD, WarmKernels
from clusterix_analytics.reports.runner import run_report

from .._snapshot_fixture import FIXTURE_NOTEBOOKS, write_plan

TINY = FIXTURE_NOTEBOOKS / "fixture_tiny.ipynb"
IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def test_each_run_gets_a_fresh_warm_kernel_that_sees_nothing_of_the_previous_run(tmp_path):
    plan = write_plan(tmp_path, "".join(f"  - notebook: fixture_tiny\n    parameters: {{label: run{i}}}\n"
                                        for i in range(4)))
    out = io.StringIO()
    code = run_report(plan=plan, out_dir=tmp_path / "out", jobs=1, thumbnails=False, progress=False, stdout=out,
                      stderr=io.StringIO())
    assert code == 0
    folder = Path(out.getvalue().splitlines()[0])
    runs = json.loads((folder / "manifest.json").read_text())["runs"]
    headlines = [r["headlines"] for r in runs]
    assert [h["label"] for h in headlines] == ["run0", "run1", "run2", "run3"]
    # one worker ran all four, each on a kernel of its own: no variable of a run reached the next
    assert [h["leaked"] for h in headlines] == [0, 0, 0, 0]
    assert len({h["kernel_pid"] for h in headlines}) == 4
    for h in headlines:
        assert set(h["names"]) - IPYTHON_NAMES == {"label", "project_dir", "os", "sys", "preloaded", "display",
                                                    "leaked", "marker"}, h["names"]
        assert h["cwd"] == str(FIXTURE_NOTEBOOKS)                 # started in the notebook's folder
        # the spare had imported the package, pandas and plotly before the run began (the first run's
        # kernel too: it was started with the same warm-up)
        assert h["preloaded"] == ["clusterix_analytics", "pandas", "plotly"]
    # papermill's conventions: the injected parameters cell, its metadata, execution counts from 1
    nb = json.loads((folder / "notebooks" / "fixture_tiny-run2.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"]["label"] == "run2"
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code_cells] == [1, 2, 3]
    assert "injected-parameters" in code_cells[1]["metadata"]["tags"]
    assert all("duration" in c["metadata"]["papermill"] for c in code_cells)


def _tasks(folder: Path, n: int) -> list[dict]:
    (folder / "notebooks").mkdir(parents=True, exist_ok=True)
    return [{"slug": f"tiny-{i}", "title": f"tiny {i}", "input": str(TINY), "cwd": str(FIXTURE_NOTEBOOKS),
             "parameters": {"label": f"l{i}"}, "folder": str(folder), "kernel_name": KERNEL_NAME, "timeout": None,
             "project_dir": None, "replacements": {}, "pins": [], "reuse_key": None, "report_resources": True}
            for i in range(n)]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
@pytest.mark.parametrize("n", [40, pytest.param(200, marks=pytest.mark.slow)])
def test_no_descriptor_or_process_growth_over_many_runs(tmp_path, n):
    """40 runs (two workers, ~30 s) in the quick suite; the 200 runs of issue 15 are marked slow."""
    before = {p.pid for p in psutil.Process().children(recursive=True)}   # e.g. a browser an earlier test left
    results = runner._execute_all(_tasks(tmp_path, n), jobs=2, fail_fast=False, progress=False, log_runs=False,
                                  preload=())
    assert sorted(results) == sorted(f"tiny-{i}" for i in range(n))
    assert {r["status"] for r in results.values()} == {"ok"}, [r["error"] for r in results.values()]
    by_worker: dict[int, list[dict]] = {}
    for i in range(n):
        res = results[f"tiny-{i}"]["resources"]
        by_worker.setdefault(res["pid"], []).append(res)
    for pid, seen in by_worker.items():
        assert len(seen) >= 5, f"worker {pid} ran {len(seen)} runs"
        fds = [s["fds"] for s in seen]
        # after its first runs (imports, logging, the pool's pipes) a worker's descriptors stay flat
        assert max(fds[2:]) - fds[2] <= 3, f"worker {pid} descriptors grew: {fds}"
        # one fork server per worker for all its runs (Linux), the kernels forked from it
        servers = {s["forkserver"] for s in seen}
        assert len(servers) == 1, servers
        # at the end of a run the worker has at most its spare kernel alive (besides its fork server)
        kernels = [[c for c in s["children"] if int(c.split()[0]) not in servers] for s in seen]
        assert max(len(k) for k in kernels) <= 1, seen
    # the pool is closed: no worker, no kernel, no spare left
    leftover = [p for p in psutil.Process().children(recursive=True)
                if p.pid not in before and p.status() != psutil.STATUS_ZOMBIE]
    assert leftover == [], [p.cmdline() for p in leftover]
    assert not [p for p in os.listdir(tmp_path / "notebooks") if not p.endswith(".ipynb")]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is used on Linux")
def test_a_forked_kernel_starts_in_its_folder_with_the_reference_files_read_and_no_name_of_the_server(tmp_path):
    kernels = WarmKernels(KERNEL_NAME, PRELOAD)
    try:
        assert kernels.forkserver is not None
        km = kernels.take(str(tmp_path))
        client = km.client()
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=120)
        printed: list[str] = []
        code = ("import gc, os, sys\nfrom clusterix_analytics.geo import geometry\n"
                "from clusterix_analytics.data import nuts\n"
                "print(gc.isenabled(), gc.get_freeze_count(), os.getcwd(), os.getppid(), sys.path[0],"
                " geometry._embedded_version.cache_info().currsize,"
                " nuts.nuts_table.cache_info().currsize, sorted(n for n in dir() if not n.startswith('_')))")
        run_sync(client.execute_interactive)(code, timeout=60, output_hook=lambda m: printed.append(
            m["content"].get("text", "")))
        client.stop_channels()
        collects, frozen, cwd, parent, path0, geometry_versions, nuts_versions, names = \
            "".join(printed).split(" ", 7)
        # the kernel collects its own garbage; what the server loaded (the stack, the geometry) is frozen, so
        # the kernel's collections do not visit, and copy, the pages it shares with the server
        assert collects == "True" and int(frozen) > 100_000
        assert cwd == path0 == str(tmp_path)                      # as `python -m ipykernel_launcher` in tmp_path
        assert int(parent) == kernels.forkserver.process.pid      # forked, not started
        assert int(geometry_versions) == int(nuts_versions) == len(NUTS_VERSIONS)   # decoded before the run
        assert set(eval(names)) - IPYTHON_NAMES == {"In", "Out", "gc", "geometry", "nuts", "os", "sys"} - IPYTHON_NAMES
    finally:
        kernels.stop(kernels.current)
        kernels.close()
    assert kernels.forkserver is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is used on Linux")
def test_a_fork_server_that_died_is_started_again_and_its_kernels_are_followed_by_pidfd(tmp_path):
    kernels = WarmKernels(KERNEL_NAME, ())
    try:
        first = kernels.forkserver.process.pid
        kernels.forkserver.kill_now()
        kernels.forkserver.process.wait(timeout=10)
        km = kernels.take(str(tmp_path))                 # a new server, then its kernel
        assert kernels.forkserver.process.pid != first
        process = km.provisioner.process
        assert process.poll() is None and psutil.Process(process.pid).ppid() == kernels.forkserver.process.pid
        kernels.stop(km)
        assert process.poll() is not None                 # gone, and seen gone through the pidfd
        assert not psutil.pid_exists(process.pid) or psutil.Process(process.pid).status() == psutil.STATUS_ZOMBIE
    finally:
        kernels.close()
