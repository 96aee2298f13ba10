"""Pinned inputs, reuse keys, the pinned-file check of a run, and the build folders' locks (no kernels)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import clusterix_analytics as cx
from clusterix_analytics.config import DEFAULT_PROJECT_DIR
from clusterix_analytics.reports import inputs, snapshot
from clusterix_analytics.reports.diff import diff_manifests, render_text
from clusterix_analytics.reports.runner import _finish_run

ENV = {"lock_sha256": "e" * 64, "package": {"name": "clusterix-analytics", "version": "0.1.0", "code_sha256": "c"},
       "kernel": {"name": "k", "spec_sha256": "s"}}
FILES = [{"path": "partners.csv", "role": "project", "sha256": "1"},
         {"path": "clusterix_analytics/geo/files/nuts2016.topojson", "role": "geometry", "sha256": "2"},
         {"path": "reports/plan.yaml", "role": "plan", "sha256": "3"},
         {"path": "notebooks/other.ipynb", "role": "notebook", "sha256": "4"}]


def _key(**changes):
    args = {"notebook_sha256": "n", "title": "T", "parameters": {"partner": "idm"}, "files": FILES, "env": ENV}
    args.update(changes)
    return inputs.reuse_key(args["notebook_sha256"], args["title"], args["parameters"], args["files"], args["env"])


def _with(files, path, sha):
    return [dict(f, sha256=sha) if f["path"] == path else f for f in files]


def test_the_reuse_key_changes_with_every_input_of_a_page_and_nothing_else():
    base = _key()
    assert base == _key(parameters={"partner": "idm"})                       # stable
    changed = {
        "notebook": _key(notebook_sha256="m"),
        "title": _key(title="T2"),
        "parameter": _key(parameters={"partner": "idm", "scale": 2}),
        "data file": _key(files=_with(FILES, "partners.csv", "9")),
        "geometry": _key(files=_with(FILES, "clusterix_analytics/geo/files/nuts2016.topojson", "9")),
        "environment lock": _key(env={**ENV, "lock_sha256": "f" * 64}),
        "package version": _key(env={**ENV, "package": {**ENV["package"], "version": "0.2.0"}}),
        "package code": _key(env={**ENV, "package": {**ENV["package"], "code_sha256": "d"}}),
        "kernel spec": _key(env={**ENV, "kernel": {"name": "k", "spec_sha256": "t"}}),
    }
    assert [what for what, key in changed.items() if key == base] == []
    # the plan file and the other notebooks are not what this run's page is made from
    assert _key(files=_with(FILES, "reports/plan.yaml", "9")) == base
    assert _key(files=_with(FILES, "notebooks/other.ipynb", "9")) == base


def test_pinned_files_list_the_project_and_the_reference_files_it_uses(tmp_path):
    project = tmp_path / "clusterix2"
    shutil.copytree(DEFAULT_PROJECT_DIR, project)
    ds = cx.load(project)
    files = inputs.pinned_files(ds, project, plan_path=None)
    by_role = {}
    for f in files:
        by_role.setdefault(f["role"], []).append(f["path"])
    assert by_role["project"] == [Path(p).relative_to(project).as_posix() for p in ds.files]
    assert by_role["sectors"] == ["clusterix_analytics/data/reference/sectors/sector_map.csv",
                                  "clusterix_analytics/data/reference/sectors/taxonomy.csv"]
    # a project with its own sector vocabulary: that one is pinned, as a project file
    shutil.copytree(DEFAULT_PROJECT_DIR.parents[1] / "clusterix_analytics" / "data" / "reference" / "sectors",
                    project / "sectors")
    own = {f["path"]: f["role"] for f in inputs.pinned_files(ds, project)}
    assert own["sectors/taxonomy.csv"] == "sectors" and not any(p.startswith("clusterix_analytics/data/reference/sec")
                                                                 for p in own)
    assert all(f["sha256"] == inputs.sha256_of(Path(f["file"])) for f in files)


def test_freezing_copies_the_project_without_hidden_entries(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(DEFAULT_PROJECT_DIR, project)
    (project / ".git").mkdir()
    (project / ".git" / "big").write_text("x")
    frozen = inputs.freeze_project(project, tmp_path / "frozen")
    assert frozen.name == "p" and not (frozen / ".git").exists()
    assert (frozen / "partners.csv").read_bytes() == (project / "partners.csv").read_bytes()


def test_environment_lists_every_distribution_and_hashes_the_package_code():
    env = inputs.environment("clusterix-analytics")
    assert {"pandas", "papermill", "clusterix-analytics"} <= set(env["distributions"])
    assert env["package"]["code_sha256"] == inputs.package_code_sha256() and len(env["lock_sha256"]) == 64


def test_a_run_that_saw_a_pinned_file_change_fails_naming_it(tmp_path):
    data = tmp_path / "nuts.csv"
    data.write_text("a\n")
    pins = [{"path": "clusterix_analytics/data/reference/nuts/nuts2016.csv", "sha256": inputs.sha256_of(data),
             "file": str(data)}]
    task = {"slug": "s", "title": "t", "parameters": {}, "pins": pins, "reuse_key": "k"}
    (tmp_path / "notebooks").mkdir()
    result = _finish_run(task, {"slug": "s", "status": "ok", "error": None}, tmp_path / "notebooks" / "s.ipynb",
                         tmp_path / "s.html", time.perf_counter())
    assert result["status"] == "ok"
    data.write_text("b\n")
    result = _finish_run(task, {"slug": "s", "status": "ok", "error": None}, tmp_path / "notebooks" / "s.ipynb",
                         tmp_path / "s.html", time.perf_counter())
    assert result["status"] == "failed"
    assert result["error"][0].startswith("input changed during the run: clusterix_analytics/data/reference/nuts/"
                                         "nuts2016.csv (now sha256 ")


def test_diff_names_reference_files_and_environment_changes():
    old = {"inputs": [{"path": "clusterix_analytics/data/reference/sectors/taxonomy.csv", "role": "sectors",
                       "sha256": "1"}], "runs": [],
           "environment": {"python": "CPython 3.11.7", "package": {"version": "0.1.0", "code_sha256": "a" * 64},
                           "distributions": {"pandas": "3.1.1"}}}
    new = {"inputs": [{"path": "clusterix_analytics/data/reference/sectors/taxonomy.csv", "role": "sectors",
                       "sha256": "2"}], "runs": [],
           "environment": {"python": "CPython 3.11.7", "package": {"version": "0.1.0", "code_sha256": "b" * 64},
                           "distributions": {"pandas": "3.1.2"}}}
    text = render_text(diff_manifests(old, new))
    assert "clusterix_analytics/data/reference/sectors/taxonomy.csv  changed  sectors" in text
    assert "package code (sha256)  aaaaaaaaaaaa  bbbbbbbbbbbb" in text and "pandas" in text
    assert "no differences" not in text


# ---- build folders: locks, stale ones removed, atomic publishing ------------------------------
def test_stale_build_folders_are_removed_and_live_ones_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    # a dead report's folder: its lock file is there but nobody holds it
    dead = out / ".building-4194303-deadbeef"
    dead.mkdir()
    (dead / ".lock").touch()
    (dead / "half.html").write_text("<html")
    # a folder from before locks, whose pid is gone
    old = out / ".building-4194302-0ld0ld00"
    old.mkdir()
    # another report building now (another process holds the lock)
    live = out / ".building-1-livelive"
    live.mkdir()
    holder = subprocess.Popen([sys.executable, "-c",
                               "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_CREAT | os.O_WRONLY); "
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
                               str(live / ".lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        mine = snapshot.make_building_dir(out)                 # this process's own build
        removed = snapshot.clean_stale(out)
        assert sorted(removed) == sorted([dead.name, old.name])
        assert live.is_dir() and mine.is_dir() and not dead.exists() and not old.exists()
    finally:
        holder.kill()
        holder.wait()
    assert snapshot.clean_stale(out) == [live.name]            # its holder died: now it is stale
    snapshot.discard(mine)


def test_publish_writes_the_final_name_before_the_folder_appears(tmp_path):
    seen = []

    def finalize(name):
        seen.append(name)
        snapshot.write_text_atomic(building / "manifest.json", f'{{"snapshot": "{name}"}}')

    (tmp_path / "2026-11-23T101500Z").mkdir()                  # taken (same second)
    building = snapshot.make_building_dir(tmp_path)
    target = snapshot.publish(building, tmp_path, "2026-11-23T101500Z", finalize=finalize)
    assert target.name == "2026-11-23T101500Z-2" and seen == ["2026-11-23T101500Z-2"]
    assert (target / "manifest.json").read_text() == '{"snapshot": "2026-11-23T101500Z-2"}'
    assert not (target / ".lock").exists() and os.readlink(tmp_path / "latest") == target.name
    # without an ok run, the snapshot is published but latest stays
    second = snapshot.make_building_dir(tmp_path)
    (second / "manifest.json").write_text("{}")
    kept = snapshot.publish(second, tmp_path, "2026-11-23T101600Z", move_latest=False)
    assert kept.is_dir() and os.readlink(tmp_path / "latest") == target.name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_atomic_writes_leave_no_temporary_file(tmp_path):
    path = snapshot.write_text_atomic(tmp_path / "index.html", "<html>")
    snapshot.copy_atomic(path, tmp_path / "sub" / "copy.html")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["copy.html", "index.html", "sub"]
