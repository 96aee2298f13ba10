"""The Dask executor on a real LocalCluster (127.0.0.1, two worker processes): the same runs as the local pool,
payloads that need no shared disk, a worker killed mid-run failing only its run."""
from __future__ import annotations

import csv
import io
import json
import os
import threading
import time
import zipfile
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

from clusterix_analytics.config import DEFAULT_PROJECT_DIR, KERNEL_NAME, PAGE_PLOTLYJS_ENV, REPORT_RUN_ENV
from clusterix_analytics.reports.dask_executor import execute_on_dask, payloads
from clusterix_analytics.reports.runner import execute_run, run_report

from .._snapshot_fixture import CHECKER, FIXTURE_NOTEBOOKS, write_plan

NOTEBOOK = FIXTURE_NOTEBOOKS / "fixture_partner.ipynb"


def task(slug: str, folder, **parameters) -> dict:
    return {"slug": slug, "title": slug, "input": str(NOTEBOOK), "cwd": str(NOTEBOOK.parent),
            "parameters": parameters, "folder": str(folder), "kernel_name": KERNEL_NAME, "timeout": None,
            "project_dir": str(DEFAULT_PROJECT_DIR)}


@pytest.fixture(scope="module")
def client():
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):   # a lost worker fails its run at once
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, worker_dashboard_address=None)
        # not the default client: the runner's own is not either (as_completed must not need one)
        with Client(cluster, set_as_default=False) as c:
            yield c
        cluster.close()


def observation_rows(partner: str) -> int:
    files = [DEFAULT_PROJECT_DIR / "observations.csv", DEFAULT_PROJECT_DIR / "demo" / "observations.csv"]
    return sum(row["partner_id"] == partner for f in files for row in csv.DictReader(f.open(encoding="utf-8")))


def test_runs_on_the_cluster_give_what_the_local_pool_gives(client, tmp_path, monkeypatch):
    # execute_run sets these in this process for the local runs: set here, they are taken back after the test
    monkeypatch.setenv(REPORT_RUN_ENV, "1")
    monkeypatch.setenv(PAGE_PLOTLYJS_ENV, "1")
    (tmp_path / "dask" / "notebooks").mkdir(parents=True)
    (tmp_path / "local" / "notebooks").mkdir(parents=True)
    tasks = [task("a-ecoplus", tmp_path / "dask", partner="ecoplus"),
             task("b-vlaio", tmp_path / "dask", partner="vlaio", scale=2.0)]
    on_cluster = execute_on_dask(tasks, tmp_path / "dask", client)
    local = {t["slug"]: execute_run({**t, "folder": str(tmp_path / "local")}) for t in tasks}
    assert {s: r["status"] for s, r in on_cluster.items()} == {"a-ecoplus": "ok", "b-vlaio": "ok"}
    for slug in local:
        assert on_cluster[slug]["headlines"] == local[slug]["headlines"]
        assert on_cluster[slug]["metrics"] == local[slug]["metrics"]
        assert (tmp_path / "dask" / f"{slug}.html").is_file()
        assert (tmp_path / "dask" / "notebooks" / f"{slug}.ipynb").is_file()
    # the parameters reached the worker's run: vlaio's observation rows, doubled by scale=2
    assert on_cluster["b-vlaio"]["headlines"]["observations"] == 2 * observation_rows("vlaio")


def test_a_payload_carries_the_notebook_and_the_project_so_no_disk_is_shared(tmp_path):
    (sent,) = payloads([task("a", tmp_path)], transfer="bytes")
    assert sent["notebook"] == NOTEBOOK.read_bytes()
    names = zipfile.ZipFile(io.BytesIO(sent["project_zip"])).namelist()
    assert "project.yaml" in names and "partners.csv" in names and "demo/observations.csv" in names
    (by_path,) = payloads([task("a", tmp_path)], transfer="path")
    assert by_path["project_zip"] is None and by_path["task"]["project_dir"] == str(DEFAULT_PROJECT_DIR)


def test_a_worker_killed_mid_run_fails_that_run_and_the_others_complete(client, tmp_path):
    (tmp_path / "notebooks").mkdir()
    tasks = [task("slow", tmp_path, partner="ecoplus", sleep_s=60.0), task("quick", tmp_path, partner="vlaio")]
    results = {}
    runner = threading.Thread(target=lambda: results.update(execute_on_dask(tasks, tmp_path, client)))
    runner.start()
    deadline = time.monotonic() + 60
    victim = None
    while victim is None and time.monotonic() < deadline:
        for worker, keys in client.processing().items():
            if any("slow" in str(k) for k in keys):
                victim = worker
        time.sleep(0.2)
    assert victim is not None
    time.sleep(3)   # the run has started its kernel and sleeps
    try:
        client.run(os._exit, 1, workers=[victim])
    except Exception:  # noqa: BLE001 – the worker dies before it can answer
        pass
    runner.join(timeout=120)
    assert not runner.is_alive()
    assert results["quick"]["status"] == "ok"
    assert results["slow"]["status"] == "failed"
    assert "worker" in results["slow"]["error"][0]


def test_report_on_dask_builds_the_snapshot_the_local_pool_builds(client, tmp_path):
    plan = write_plan(tmp_path, f"""  - notebook: fixture_partner
    title: "Observations of {{short_name}}"
    checker: {CHECKER}
    for_each: partner
    parameters: {{partner: "{{partner_id}}"}}
""")
    manifests = {}
    for executor in ("local", "dask"):
        out = io.StringIO()
        code = run_report(plan=plan, out_dir=tmp_path / executor, jobs=2, thumbnails=False, progress=False,
                          only=["*-ecoplus", "*-idm"], executor=executor, scheduler=client.scheduler.address,
                          stdout=out, stderr=io.StringIO())
        assert code == 0
        folder = Path(out.getvalue().splitlines()[0])
        manifests[executor] = json.loads((folder / "manifest.json").read_text())
        assert sorted(p.name for p in folder.glob("*.html")) == ["fixture_partner-ecoplus.html",
                                                                 "fixture_partner-idm.html", "index.html"]
        page = (folder / "fixture_partner-idm.html").read_text(encoding="utf-8")
        assert "clusterix-dask-" not in page                 # the worker's temporary copy is never named
    same = {executor: [(r["slug"], r["status"], r["headlines"], r["metrics"]) for r in m["runs"]]
            for executor, m in manifests.items()}
    assert same["dask"] == same["local"]


def test_an_unreachable_scheduler_is_refused_before_anything_runs(tmp_path, capsys):
    from clusterix_analytics.cli import main
    code = main(["report", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "out")])
    assert code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert main(["report", "--executor", "dask", "--out", str(tmp_path / "out")]) == 2
    assert "--scheduler tcp://HOST:PORT" in capsys.readouterr().err
