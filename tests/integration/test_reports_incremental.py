"""Incremental snapshots on pinned inputs: unchanged runs reused (no kernel), changed ones re-run, --force,
--only, frozen project, ``latest`` kept off all-failed snapshots, build folders of killed reports removed.

Each test works on its own copy of the fixture notebooks and of the shipped project, so it can edit them.
Elapsed times are measured by benchmarks/bench_incremental.py (BENCHMARKS.md), not asserted here.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from clusterix_analytics.config import DEFAULT_PROJECT_DIR
from clusterix_analytics.reports import runner
from clusterix_analytics.reports.diff import run_diff
from clusterix_analytics.reports.inputs import sha256_of
from clusterix_analytics.reports.runner import run_report

from .._snapshot_fixture import FIXTURE_NOTEBOOKS

PLAN = """  - notebook: fixture_partner
    title: "Observations {short_name}"
    for_each: partner
    parameters: {partner: "{partner_id}"}
  - notebook: fixture_tiny
    parameters: {label: tiny}
"""
ONLY = ["*-ecoplus", "fixture_tiny"]
SLUGS = ["fixture_partner-ecoplus", "fixture_tiny-tiny"]


@pytest.fixture
def workspace(tmp_path):
    """Editable copies: notebooks/, project/ (the shipped project), plan.yaml, and the snapshots folder."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("fixture_partner.ipynb", "fixture_tiny.ipynb"):
        shutil.copy(FIXTURE_NOTEBOOKS / name, notebooks / name)
    project = tmp_path / "clusterix2"
    shutil.copytree(DEFAULT_PROJECT_DIR, project)
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"notebooks_dir: {notebooks}\nruns:\n{PLAN}", encoding="utf-8")
    return {"notebooks": notebooks, "project": project, "plan": plan, "out": tmp_path / "out"}


def build(ws, only=ONLY, **kwargs) -> dict:
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    code = run_report(project_dir=ws["project"], plan=ws["plan"], out_dir=ws["out"], jobs=2, only=only,
                      thumbnails=False, progress=False, stdout=out, stderr=err, **kwargs)
    elapsed = time.perf_counter() - started
    lines = out.getvalue().splitlines()
    folder = Path(lines[0]) if code in (0, 1) else None
    manifest = json.loads((folder / "manifest.json").read_text()) if folder else None
    return {"code": code, "folder": folder, "manifest": manifest, "elapsed": elapsed, "stdout": out.getvalue(),
            "stderr": err.getvalue(), "runs": {r["slug"]: r for r in manifest["runs"]} if manifest else {}}


def no_kernels(monkeypatch) -> None:
    """Make any attempt to execute a run (pool, worker, kernel) fail the test."""
    def refuse(tasks, *args, **kwargs):
        pytest.fail(f"runs were executed: {[t['slug'] for t in tasks]}")

    monkeypatch.setattr(runner, "_execute_all", refuse)
    monkeypatch.setattr(runner, "execute_run", refuse)


def test_unchanged_inputs_reuse_every_run_without_a_kernel(workspace, monkeypatch):
    first = build(workspace)
    assert first["code"] == 0 and list(first["runs"]) == SLUGS, first["stderr"] + json.dumps(first["runs"])
    assert all(r["reused_from"] is None and len(r["reuse_key"]) == 64 for r in first["runs"].values())
    no_kernels(monkeypatch)
    second = build(workspace)
    assert second["code"] == 0, second["stderr"]
    assert second["folder"] != first["folder"] and os.readlink(workspace["out"] / "latest") == second["folder"].name
    assert second["manifest"]["summary"] == {"ok": 2, "failed": 0, "skipped": 0, "reused": 2}
    for slug in SLUGS:
        before, after = first["runs"][slug], second["runs"][slug]
        assert after["status"] == "ok" and after["reused_from"] == first["folder"].name
        assert after["reuse_key"] == before["reuse_key"]
        # the record keeps what the run that made the page found
        for field in ("headlines", "metrics", "duration_s", "started", "outputs"):
            assert after[field] == before[field], field
        for name in (f"{slug}.html", f"notebooks/{slug}.ipynb"):     # copied, byte for byte
            assert (second["folder"] / name).read_bytes() == (first["folder"] / name).read_bytes()
    assert second["runs"]["fixture_partner-ecoplus"]["headlines"]["observations"] > 0
    assert "2 runs: 2 ok (2 reused), 0 failed" in second["stdout"]
    index = (second["folder"] / "index.html").read_text(encoding="utf-8")
    assert index.count('<span class="status reused"') == 2 and f"from {first['folder'].name}" in index
    # a third snapshot names the snapshot whose run made the page, not the one it was copied from
    third = build(workspace)
    assert {r["reused_from"] for r in third["runs"].values()} == {first["folder"].name}
    assert (third["folder"] / "plotly.min.js").is_file()
    assert not [p for p in workspace["out"].iterdir() if p.name.startswith(".")]


def test_a_changed_input_re_runs_only_the_runs_it_feeds(workspace):
    first = build(workspace)
    # the tiny notebook changes: its run re-runs, the partner run is reused
    tiny = workspace["notebooks"] / "fixture_tiny.ipynb"
    tiny.write_text(tiny.read_text(encoding="utf-8").replace("recorded as a headline", "recorded, as a headline"),
                    encoding="utf-8")
    second = build(workspace)
    assert {s: r["reused_from"] for s, r in second["runs"].items()} == {
        "fixture_partner-ecoplus": first["folder"].name, "fixture_tiny-tiny": None}
    assert second["runs"]["fixture_tiny-tiny"]["reuse_key"] != first["runs"]["fixture_tiny-tiny"]["reuse_key"]
    # a parameter only the partner notebook has: only its run re-runs (the value is part of its slug)
    third = build(workspace, overrides=["scale=2"])
    assert {s: r["reused_from"] for s, r in third["runs"].items()} == {
        "fixture_partner-ecoplus-2-0": None, "fixture_tiny-tiny": second["folder"].name}
    # a data file: every page reads the project, so every run re-runs, and diff names the file
    observations = workspace["project"] / "demo" / "observations.csv"
    observations.write_text(observations.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    fourth = build(workspace, overrides=["scale=2"])
    assert [r["reused_from"] for r in fourth["runs"].values()] == [None, None]
    out = io.StringIO()
    assert run_diff(third["folder"].name, fourth["folder"].name, out_dir=workspace["out"], stdout=out) == 0
    assert "demo/observations.csv  changed  project" in out.getvalue()


def test_force_re_runs_everything_and_only_still_selects(workspace):
    first = build(workspace)
    forced = build(workspace, force=True)
    assert forced["manifest"]["summary"]["reused"] == 0
    assert [r["reused_from"] for r in forced["runs"].values()] == [None, None]
    assert forced["runs"]["fixture_tiny-tiny"]["headlines"]["kernel_pid"] != \
        first["runs"]["fixture_tiny-tiny"]["headlines"]["kernel_pid"]
    one = build(workspace, only=["*-ecoplus"])
    assert list(one["runs"]) == ["fixture_partner-ecoplus"]
    assert one["runs"]["fixture_partner-ecoplus"]["reused_from"] == forced["folder"].name


def test_the_manifest_pins_every_file_a_page_reads(workspace):
    done = build(workspace)
    inputs = done["manifest"]["inputs"]
    roles = {}
    for entry in inputs:
        roles.setdefault(entry["role"], []).append(entry["path"])
    assert set(roles) == {"project", "sectors", "nuts", "geometry", "plan", "notebook"}
    assert "project.yaml" in roles["project"] and "partners.csv" in roles["project"]
    assert roles["nuts"] == ["clusterix_analytics/data/reference/nuts/nuts2016.csv",
                             "clusterix_analytics/data/reference/nuts/nuts_changes.csv"]
    assert "clusterix_analytics/geo/files/nuts2016.topojson" in roles["geometry"]
    assert not any("2021" in p for p in roles["geometry"] + roles["nuts"])   # the project is NUTS 2016
    assert len(roles["notebook"]) == 2
    by_path = {e["path"]: e["sha256"] for e in inputs}
    assert by_path["partners.csv"] == sha256_of(workspace["project"] / "partners.csv")
    from clusterix_analytics.config import PACKAGE_DIR
    assert by_path["clusterix_analytics/data/reference/sectors/taxonomy.csv"] == \
        sha256_of(PACKAGE_DIR / "data" / "reference" / "sectors" / "taxonomy.csv")
    env = done["manifest"]["environment"]
    assert env["distributions"]["pandas"] and len(env["lock_sha256"]) == 64
    assert len(env["package"]["code_sha256"]) == 64
    # the kernel read the frozen copy; the stored notebook names the user's folder
    tiny = done["runs"]["fixture_tiny-tiny"]["headlines"]
    assert "/.inputs/clusterix2" in tiny["project_dir"] and tiny["cwd"] == str(workspace["notebooks"])
    stored = json.loads((done["folder"] / "notebooks" / "fixture_tiny-tiny.ipynb").read_text(encoding="utf-8"))
    injected, = [c for c in stored["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert f'project_dir = "{workspace["project"]}"' in "".join(injected["source"])
    assert stored["metadata"]["papermill"]["input_path"] == str(workspace["notebooks"] / "fixture_tiny.ipynb")
    assert stored["metadata"]["papermill"]["parameters"]["project_dir"] == str(workspace["project"])
    assert not (done["folder"] / ".inputs").exists()


def test_a_data_file_edited_during_the_snapshot_changes_no_page(workspace):
    import clusterix_analytics as cx

    observations = workspace["project"] / "demo" / "observations.csv"
    pinned = sha256_of(observations)
    ds = cx.load(workspace["project"])
    expected = float((ds.observations["partner_id"] == "ecoplus").sum())
    lines = observations.read_text(encoding="utf-8").splitlines(keepends=True)
    assert any(line.startswith("ecoplus,") for line in lines)
    edited = threading.Event()

    def edit_once_pinned():
        # the build folder's notebooks/ appears once the inputs are pinned, before any kernel starts
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any((p / "notebooks").is_dir() for p in workspace["out"].glob(".building-*")):
                observations.write_text("".join(line for line in lines if not line.startswith("ecoplus,")),
                                        encoding="utf-8")
                edited.set()
                return
            time.sleep(0.02)

    editor = threading.Thread(target=edit_once_pinned)
    editor.start()
    done = build(workspace, only=["*-ecoplus"])
    editor.join()
    assert edited.is_set() and done["code"] == 0, done["stderr"]
    assert {e["path"]: e["sha256"] for e in done["manifest"]["inputs"]}["demo/observations.csv"] == pinned
    # the page counted the rows as they were when the snapshot started, not after the edit
    assert done["runs"]["fixture_partner-ecoplus"]["headlines"]["observations"] == expected


def test_latest_stays_on_the_last_snapshot_with_an_ok_run(workspace):
    good = build(workspace, only=["*-ecoplus"])
    plan = workspace["plan"]
    plan.write_text(f"notebooks_dir: {workspace['notebooks']}\nruns:\n  - notebook: fixture_partner\n"
                    "    parameters: {partner: idm, fail: true}\n")
    bad = build(workspace, only=None)
    assert bad["code"] == 1 and bad["manifest"]["summary"]["ok"] == 0
    assert bad["folder"].is_dir()                                    # published, for inspection
    assert os.readlink(workspace["out"] / "latest") == good["folder"].name
    assert f"latest not moved (no run of this snapshot is ok): it still points to {good['folder'].name}" in \
        bad["stderr"]


def _processes_with(token: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if token.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and PR_SET_PDEATHSIG")
def test_kill_9_leaves_no_kernel_and_the_next_report_removes_its_build_folder(workspace):
    plan = workspace["plan"]
    plan.write_text(f"notebooks_dir: {workspace['notebooks']}\nruns:\n  - notebook: fixture_partner\n"
                    "    parameters: {partner: vlaio, sleep_s: 60.0}\n")
    token = uuid.uuid4().hex
    env = dict(os.environ, CLUSTERIX_TEST_TOKEN=token)
    proc = subprocess.Popen([sys.executable, "-m", "clusterix_analytics", "report", "--plan", str(plan),
                             "--project", str(workspace["project"]), "--out", str(workspace["out"]), "--jobs", "1",
                             "--no-thumbnails"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_processes_with(token)) < 3 and time.monotonic() < deadline:   # report, worker, kernel
        time.sleep(0.3)
    assert len(_processes_with(token)) >= 3
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 20
    while _processes_with(token) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _processes_with(token) == []                 # the worker and its kernel went with the report
    stale = [p.name for p in workspace["out"].iterdir() if p.name.startswith(".building-")]
    assert len(stale) == 1
    plan.write_text(f"notebooks_dir: {workspace['notebooks']}\nruns:\n{PLAN}")
    done = build(workspace, only=["fixture_tiny"])
    assert done["code"] == 0
    assert f"removed 1 unfinished build folder(s) of reports that stopped: {stale[0]}" in done["stderr"]
    assert not [p for p in workspace["out"].iterdir() if p.name.startswith(".")]
