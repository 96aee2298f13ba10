"""manifest.json through its pydantic model: written complete and in order, refused on read when broken."""
from __future__ import annotations

import copy
import io
import json

import pytest

from clusterix_analytics.reports.diff import run_diff
from clusterix_analytics.reports.manifest import ManifestError, read_manifest, write_manifest

SHA = "7cde7fb64fd82bd152710cf238e017b9ab46c0592483edc067ba4f6c75fac108"
# A manifest as reports/runner.py writes it: two runs, one of them failed, no thumbnails.
WRITTEN = {
    "snapshot": "2026-11-23T101500Z-weekly", "label": "weekly",
    "started": "2026-11-23T10:15:00+00:00", "finished": "2026-11-23T10:15:41+00:00", "duration_s": 41.2,
    "status": "failed", "summary": {"ok": 1, "failed": 1, "skipped": 0, "reused": 1}, "jobs": 2,
    "kernel": "clusterix-analytics",
    "git": {"commit": "0123456789abcdef", "branch": "main", "dirty": False},
    "versions": {"clusterix-analytics": "0.1.0", "missing-package": None, "python": "3.11.7"},
    "environment": {"lock_sha256": SHA, "python": "CPython 3.11.7", "platform": "x86_64",
                    "package": {"name": "clusterix-analytics", "version": "0.1.0", "code_sha256": SHA},
                    "kernel": {"name": "clusterix-analytics", "spec_sha256": None},
                    "distributions": {"pandas": "3.1.1", "plotly": "7.1.0"}},
    "project": {"id": "clusterix2", "name": "CLUSTERIX 2.0", "directory": "/data/clusterix2",
                "programme": "Interreg Europe", "start": "2019-08-01", "end": "2023-07-31", "partners": 10,
                "rows": 1200, "synthetic_rows": 1090},
    "plan": {"path": "reports/plan.yaml", "sha256": SHA},
    "inputs": [{"path": "partners.csv", "role": "project", "bytes": 5, "sha256": SHA},
               {"path": "clusterix_analytics/geo/files/nuts2016.topojson", "role": "geometry", "bytes": 5,
                "sha256": SHA}],
    "thumbnails": "thumbnails turned off",
    "runs": [
        {"slug": "04_partner_profile-idm", "notebook": "04_partner_profile", "title": "Partner profile – IDM",
         "parameters": {"partner": "idm"}, "section": "Partner profiles", "description": "IDM Südtirol, IT",
         "status": "ok", "started": "2026-11-23T10:15:02+00:00",
         "duration_s": 12.5, "outputs": {"html": "04_partner_profile-idm.html",
                                         "notebook": "notebooks/04_partner_profile-idm.ipynb"},
         "headlines": {"policy_changes": 3, "demo_share": 0.25},
         "metrics": {"policy_changes_achieved": {"name": "Policy changes achieved", "value": 2, "unit": "changes",
                                                 "provenance": "demo", "scope": "partner:idm"}},
         "error": None, "reuse_key": SHA, "reused_from": "2026-11-16T101500Z-weekly"},
        {"slug": "00_project_overview", "notebook": "00_project_overview", "title": "Project overview",
         "parameters": {}, "section": "Project", "description": "", "status": "timeout",
         "started": "2026-11-23T10:15:02+00:00", "duration_s": 20.0,
         "outputs": {"html": None, "notebook": "notebooks/00_project_overview.ipynb"}, "headlines": {},
         "metrics": {}, "error": ["timeout: the run did not finish within its time limit of 20 s"],
         "reuse_key": SHA, "reused_from": None},
    ],
}


def _write_raw(folder, manifest) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _refusal(folder) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        read_manifest(folder)
    return caught.value.problems


def test_written_as_given_and_read_back(tmp_path):
    path = write_manifest(tmp_path, WRITTEN)
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(WRITTEN, indent=2, ensure_ascii=False) + "\n"      # same keys, same order
    assert read_manifest(tmp_path) == WRITTEN


def test_a_missing_field_is_refused_on_read_naming_it(tmp_path):
    manifest = copy.deepcopy(WRITTEN)
    del manifest["runs"][1]["slug"]
    del manifest["inputs"][0]["sha256"]
    _write_raw(tmp_path, manifest)
    assert _refusal(tmp_path) == ["inputs[0].sha256: Field required", "runs[1].slug: Field required"]


def test_an_ill_typed_field_is_refused_on_read_naming_it(tmp_path):
    manifest = copy.deepcopy(WRITTEN)
    manifest["runs"][0]["duration_s"] = "12.5 s"
    manifest["runs"][1]["status"] = "done"
    manifest["git"]["dirty"] = "no"
    _write_raw(tmp_path, manifest)
    assert _refusal(tmp_path) == [
        "git.dirty: Input should be a valid boolean",
        "runs[0].duration_s: Input should be a valid number",
        "runs[1].status: Input should be 'ok', 'failed', 'timeout' or 'skipped'",
    ]


def test_a_partial_manifest_still_reads_but_is_never_written(tmp_path):
    partial = {"snapshot": "s1", "inputs": [{"path": "a.csv", "sha256": "aa"}],
               "runs": [{"slug": "r", "status": "ok", "headlines": {"n": 1}}]}
    _write_raw(tmp_path, partial)
    assert read_manifest(tmp_path) == partial          # older and hand-made manifests still diff
    incomplete = {k: v for k, v in WRITTEN.items() if k != "versions"} | {"colour": "teal"}
    with pytest.raises(ManifestError) as caught:
        write_manifest(tmp_path, incomplete)
    assert caught.value.problems == ["versions: Field required", "colour: Extra inputs are not permitted"]
    run_without_notebook = {**WRITTEN["runs"][0], "outputs": {"html": "a.html"}}   # thumbnail may be left out
    with pytest.raises(ManifestError) as caught:
        write_manifest(tmp_path, {**WRITTEN, "runs": [run_without_notebook]})
    assert caught.value.problems == ["runs[0].outputs.notebook: Field required"]


def test_diff_of_a_broken_manifest_exits_2_with_the_field(tmp_path):
    for name in ("2026-01-01T000000Z", "2026-01-02T000000Z"):
        (tmp_path / name).mkdir()
        _write_raw(tmp_path / name, WRITTEN)
    broken = copy.deepcopy(WRITTEN)
    broken["runs"][0]["headlines"] = [3]
    _write_raw(tmp_path / "2026-01-01T000000Z", broken)
    err = io.StringIO()
    assert run_diff("2026-01-01T000000Z", "2026-01-02T000000Z", out_dir=tmp_path, stdout=io.StringIO(),
                    stderr=err) == 2
    assert err.getvalue().splitlines() == [
        f"{tmp_path / '2026-01-01T000000Z' / 'manifest.json'}: 1 problem in the snapshot manifest:",
        "  runs[0].headlines: Input should be a valid dictionary"]
