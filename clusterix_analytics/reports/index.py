"""``index.html`` of a snapshot: one row per run (thumbnail, title, parameters, status, duration, link).

A run reused from an earlier snapshot (its inputs unchanged) says so beside its status, naming the
snapshot whose run made the page; its duration is that run's.

The page is ``templates/index.html``; every text that comes from data or parameters is escaped by the
template environment (autoescape).

>>> page = index_page({"snapshot": "s", "project": {"name": "P <1>"}, "runs": [
...     {"title": "<script>", "slug": "a", "parameters": {"partner": "x&y"}, "status": "ok",
...      "duration_s": 1.25, "outputs": {"html": "a.html"}}]})
>>> "&lt;script&gt;" in page and "x&amp;y" in page and "<script>" not in page
True
"""
from __future__ import annotations

from clusterix_analytics.reports.templates import render


def _run_row(run: dict) -> dict:
    """What the index shows of one run of the manifest."""
    outputs = run.get("outputs") or {}
    duration = run.get("duration_s")
    return {
        "title": run.get("title"), "notebook": run.get("notebook"), "parameters": run.get("parameters") or {},
        "status": run.get("status", "?"), "error": run.get("error") or [],
        "page": outputs.get("html"), "thumbnail": outputs.get("thumbnail"), "notebook_file": outputs.get("notebook"),
        "pdf": outputs.get("pdf"), "standalone": outputs.get("standalone"),
        "duration": f"{duration:.1f} s" if duration is not None else "",
        "reused_from": run.get("reused_from"),
    }


def index_page(manifest: dict) -> str:
    """The HTML of ``index.html`` for a snapshot manifest (a partial one too: missing parts are left out)."""
    project = manifest.get("project") or {}
    git = manifest.get("git") or {}
    summary = manifest.get("summary") or {}
    return render(
        "index.html",
        snapshot=manifest.get("snapshot"), started=manifest.get("started"),
        project_name=project.get("name") or "Reports",
        commit=(git.get("commit") or "")[:10] if git else None, dirty=bool(git.get("dirty")),
        summary=", ".join(f"{n} {status}" for status, n in summary.items() if n),
        runs=[_run_row(run) for run in manifest.get("runs", [])],
        snapshot_pdf=manifest.get("pdf") if (manifest.get("pdf") or "").endswith(".pdf") else None,
        workbook=manifest.get("workbook"),
    )
