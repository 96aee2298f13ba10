"""Building real snapshots with kernels: failure isolation, outputs, manifest, browser check, interrupts.

The fixture notebook (tests/fixtures/report_notebooks/fixture_partner.ipynb) draws one plotly figure
of a partner's observations and records how many observation rows it used.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

import clusterix_analytics as cx
from clusterix_analytics.config import DEFAULT_PROJECT_DIR, KERNEL_NAME, MAX_PAGE_MB_ENV
from clusterix_analytics.reports.runner import run_report

from .._snapshot_fixture import write_plan
from ..conftest import SECOND_PROJECT


def test_a_failed_run_leaves_the_others_intact(built):
    assert built["code"] == 1
    runs = {r["slug"]: r for r in built["manifest"]["runs"]}
    assert {s: r["status"] for s, r in runs.items()} == {
        "fixture_partner-ecoplus": "ok", "fixture_partner-vlaio": "ok", "fixture_partner-idm-true": "failed"}
    assert runs["fixture_partner-idm-true"]["error"][-1] == "RuntimeError: deliberate failure for idm"
    # the failed run's partial notebook is kept, with the error in it
    failed_nb = nbformat.read(built["folder"] / "notebooks" / "fixture_partner-idm-true.ipynb", as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in failed_nb.cells for o in c.get("outputs", []))
    assert "3 runs: 2 ok, 1 failed" in built["stdout"]
    assert built["manifest"]["summary"] == {"ok": 2, "failed": 1, "skipped": 0, "reused": 0}


def test_snapshot_layout_and_latest(built):
    folder = built["folder"]
    assert folder.name.endswith("Z-test-run") and folder.parent == built["out_dir"]
    assert os.readlink(built["out_dir"] / "latest") == folder.name
    assert not [p for p in built["out_dir"].iterdir() if p.name.startswith(".")]      # no half snapshot
    pages = sorted(p.name for p in folder.glob("*.html"))
    assert pages == ["fixture_partner-ecoplus.html", "fixture_partner-idm-true.html", "fixture_partner-vlaio.html",
                     "index.html"]
    assert len(list(folder.rglob("plotly*.js"))) == 1
    for path in list(folder.glob("*.html")) + list(folder.glob("notebooks/*.ipynb")):
        text = path.read_text(encoding="utf-8")
        assert "* plotly.js v" not in text and "cdnjs" not in text, path.name   # no embedded copies, no CDN
        assert path.stat().st_size < 300_000, path.name
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert '<a href="fixture_partner-ecoplus.html">Observations &lt;ecoplus&gt;</a>' in index
    assert "<ecoplus>" not in index
    # the project's tables as one spreadsheet named after the snapshot, linked from the index
    assert built["manifest"]["workbook"] == f"data/{folder.name}.xlsx"
    assert [p.name for p in (folder / "data").iterdir()] == [f"{folder.name}.xlsx"]
    assert f'<a href="data/{folder.name}.xlsx" download>' in index


def test_manifest_records_inputs_versions_and_headlines(built):
    manifest = built["manifest"]
    ds = cx.load(DEFAULT_PROJECT_DIR)
    by_path = {f["path"]: f["sha256"] for f in manifest["inputs"]}
    assert len([f for f in manifest["inputs"] if f["role"] == "project"]) == len(ds.files)
    assert {f["role"] for f in manifest["inputs"]} == {"project", "sectors", "nuts", "geometry", "plan", "notebook"}
    partners_csv = DEFAULT_PROJECT_DIR / "partners.csv"
    assert by_path["partners.csv"] == hashlib.sha256(partners_csv.read_bytes()).hexdigest()
    assert manifest["versions"]["papermill"] and manifest["versions"]["plotly"]
    runs = {r["slug"]: r for r in manifest["runs"]}
    # the notebook records the number of the partner's observation rows (scale 1.0)
    expected = float((ds.observations["partner_id"] == "ecoplus").sum())
    assert runs["fixture_partner-ecoplus"]["headlines"]["observations"] == expected
    assert runs["fixture_partner-ecoplus"]["outputs"]["notebook"] == "notebooks/fixture_partner-ecoplus.ipynb"
    assert runs["fixture_partner-ecoplus"]["parameters"] == {"partner": "ecoplus"}
    assert manifest["snapshot"] == built["folder"].name


def test_executed_notebooks_keep_the_figure_for_jupyterlab(built):
    nb = nbformat.read(built["folder"] / "notebooks" / "fixture_partner-vlaio.ipynb", as_version=4)
    figures = [o["data"]["application/vnd.plotly.v1+json"] for c in nb.cells for o in c.get("outputs", [])
               if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert [f["layout"]["title"]["text"] for f in figures] == ["Observed values of vlaio by indicator"]



def test_fail_fast_skips_the_rest(tmp_path):
    plan = write_plan(tmp_path, """  - notebook: fixture_partner
    parameters: {partner: vlaio, fail: true}
  - notebook: fixture_partner
    parameters: {partner: idm}
""")
    out = io.StringIO()
    code = run_report(plan=plan, out_dir=tmp_path / "out", jobs=1, fail_fast=True, thumbnails=False,
                      progress=False, stdout=out, stderr=io.StringIO())
    manifest = json.loads((Path(out.getvalue().splitlines()[0]) / "manifest.json").read_text())
    assert code == 1
    assert [r["status"] for r in manifest["runs"]] == ["failed", "skipped"]


def _processes_with(token: str) -> list[int]:
    """Pids of processes whose environment carries ``token`` (our report, its workers, its kernels)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if token.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find stray kernels")
def test_interrupt_leaves_no_snapshot_and_no_kernels(tmp_path):
    plan = write_plan(tmp_path, """  - notebook: fixture_partner
    parameters: {partner: vlaio, sleep_s: 60.0}
  - notebook: fixture_partner
    parameters: {partner: idm, sleep_s: 60.0}
""")
    token = f"CLUSTERIX_TEST_TOKEN={uuid.uuid4().hex}"
    env = dict(os.environ, CLUSTERIX_TEST_TOKEN=token.split("=")[1])
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "clusterix_analytics", "report", "--plan", str(plan),
                             "--out", str(out), "--jobs", "2", "--no-thumbnails"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    # wait until both kernels run (the parent, two workers and two kernels carry the token)
    while len(_processes_with(token)) < 5 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.5)
    assert len(_processes_with(token)) >= 5
    os.killpg(proc.pid, signal.SIGINT)          # Ctrl-C reaches the whole foreground group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    time.sleep(1)
    assert _processes_with(token) == []
    assert [p.name for p in out.iterdir()] == []   # neither a snapshot, nor a hidden half one, nor latest


def test_two_reports_at_once_give_two_complete_snapshots(tmp_path):
    plan = write_plan(tmp_path, "  - notebook: fixture_partner\n    parameters: {partner: inma}\n")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "clusterix_analytics", "report", "--plan", str(plan), "--out", str(out),
               "--jobs", "1", "--no-thumbnails", "--label", "same"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    printed = [p.communicate(timeout=120)[0].decode().splitlines()[0] for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0)
    folders = sorted(Path(p).name for p in printed)
    assert len(set(folders)) == 2 and sorted(p.name for p in out.iterdir()) == folders + ["latest"]
    for name in folders:
        manifest = json.loads((out / name / "manifest.json").read_text())
        assert manifest["snapshot"] == name and manifest["runs"][0]["status"] == "ok"
        assert (out / name / "fixture_partner-inma.html").is_file()
        # the second one, renamed at publication, has its spreadsheet under its own name, and only that one
        assert sorted(p.name for p in (out / name / "data").iterdir()) == [f"{name}.xlsx"]
    assert os.readlink(out / "latest") in folders


@pytest.mark.slow
def test_a_run_over_its_time_limit_fails_alone(tmp_path):
    plan = write_plan(tmp_path, """  - notebook: fixture_partner
    parameters: {partner: vlaio, sleep_s: 120.0}
  - notebook: fixture_partner
    parameters: {partner: idm}
""")
    out = io.StringIO()
    started = time.monotonic()
    code = run_report(plan=plan, out_dir=tmp_path / "out", jobs=2, timeout=20, thumbnails=False, progress=False,
                      stdout=out, stderr=io.StringIO())
    assert time.monotonic() - started < 60                       # nobody waited for the 120 s sleep
    manifest = json.loads((Path(out.getvalue().splitlines()[0]) / "manifest.json").read_text())
    slow, quick = manifest["runs"]
    assert code == 1 and quick["status"] == "ok"
    assert slow["status"] == "timeout"
    assert slow["error"] == ["timeout: the run did not finish within its time limit of 20 s"]
    assert slow["outputs"]["notebook"] == "notebooks/fixture_partner-vlaio-120-0.ipynb"   # kept, as far as it ran
    assert manifest["summary"] == {"ok": 1, "failed": 1, "skipped": 0, "reused": 0}


def test_a_page_over_the_page_size_limit_is_not_written_and_its_run_fails_saying_so(tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    parameters = nbformat.v4.new_code_cell("megabytes = 0.0", metadata={"tags": ["parameters"]})
    output = nbformat.v4.new_code_cell('print("x" * int(megabytes * 1024 * 1024))')
    nbformat.write(nbformat.v4.new_notebook(cells=[parameters, output], metadata={"kernelspec": {
        "name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}}), notebooks / "big_page.ipynb")
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"notebooks_dir: {notebooks}\nruns:\n  - notebook: big_page\n    parameters: {{megabytes: 0.1}}\n"
                    "  - notebook: big_page\n    parameters: {megabytes: 1.5}\n", encoding="utf-8")
    monkeypatch.setenv(MAX_PAGE_MB_ENV, "1")
    out, err = io.StringIO(), io.StringIO()
    code = run_report(project_dir=SECOND_PROJECT, plan=plan, out_dir=tmp_path / "out", jobs=2, thumbnails=False,
                      progress=False, stdout=out, stderr=err)
    folder = Path(out.getvalue().splitlines()[0])
    small, big = json.loads((folder / "manifest.json").read_text())["runs"]
    assert code == 1
    assert small["status"] == "ok" and (folder / small["outputs"]["html"]).stat().st_size > 100_000
    message = ("the page would be 1.5 MB; a page may be at most 1 MB (set $CLUSTERIX_MAX_PAGE_MB to raise the "
               "limit): not written")
    assert big["status"] == "failed" and big["error"] == [message]
    assert f"  failed: {big['slug']}: {message}" in err.getvalue().splitlines()
    assert big["outputs"]["html"] is None
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(f"{big['slug']}") or p.suffix == ".tmp"
                  ) == [], "no page, whole or half, of the big run"
    assert (folder / big["outputs"]["notebook"]).is_file()   # the executed notebook is kept to look into


def test_the_index_is_a_front_page_of_sections_with_the_demo_share(tmp_path):
    import re

    from clusterix_analytics.reports.diff import run_diff

    project = Path(__file__).parents[1] / "fixtures" / "learning_pilot"
    plan = write_plan(tmp_path, """  - notebook: fixture_partner
    title: Overview of the first partner
    section: Project
    description: One figure of one partner
    parameters: {partner: cph}
  - notebook: fixture_partner
    title: "Profile – {short_name}"
    section: Partner profiles
    description: "{organisation} · {region_name}, {country}"
    for_each: partner
    parameters: {partner: "{partner_id}"}
""")
    out = tmp_path / "out"
    folders = []
    for label in ("first", "second"):   # the second reuses every run of the first
        stdout = io.StringIO()
        assert run_report(project_dir=project, plan=plan, out_dir=out, jobs=2, label=label, thumbnails=False,
                          progress=False, stdout=stdout, stderr=io.StringIO()) == 0
        folders.append(Path(stdout.getvalue().splitlines()[0]))
    index = (folders[1] / "index.html").read_text(encoding="utf-8")
    assert '<p class="project-line">Test programme (fictitious) · 1 Jan 2020 – 31 Dec 2021 · 3 partners</p>' in index
    # learning_pilot: 16 of its 39 rows are synthetic (counted by hand in tests/unit/test_report_templates.py)
    assert "41% of the rows behind these pages are synthetic demo data (16 of 39 rows)." in index
    sections = re.findall(r"<h2>(.*?)</h2>", index)
    assert sections == ["Project", "Partner profiles"]
    profiles = index[index.index("<h2>Partner profiles</h2>"):]
    assert re.findall(r'<h3><a href="[^"]+">(.*?)</a></h3>\n<p class="description">(.*?)</p>', profiles) == [
        ("Profile – Capital Test", "Capital Region Test Agency · Hovedstaden, Denmark"),
        ("Profile – Vienna Test", "Vienna Test Fund · Wien, Austria"),
        ("Profile – South Test", "Skåne Test Office (Malmö) · Sydsverige, Sweden")]
    assert index.count('<span class="status run-ok">ok</span>') == 4
    # two diffs into the newer snapshot: two pages, both linked from its index
    assert run_diff(folders[0].name, folders[1].name, out_dir=out, stdout=io.StringIO()) == 0
    assert run_diff(folders[1].name, folders[1].name, out_dir=out, stdout=io.StringIO()) == 0
    pages = sorted(p.name for p in (folders[1] / "diffs").iterdir())
    first, second = folders[0].name, folders[1].name
    assert pages == sorted([f"{first}--{second}.html", f"{second}--{second}.html"])
    index = (folders[1] / "index.html").read_text(encoding="utf-8")
    assert sorted(re.findall(r'<li><a href="diffs/([^"]+)">', index)) == pages
    assert re.findall(r"<h2>(.*?)</h2>", index) == ["Project", "Partner profiles", "Changes between snapshots"]
