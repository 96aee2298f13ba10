"""``index.html`` of a snapshot: the snapshot's front page.

It opens with the project in two lines (name; programme, dates, how many partners), the share of the rows
behind the pages that are demo data (a warning box when there are any: the count is the one page 00 states,
:meth:`~clusterix_analytics.data.dataset.Dataset.synthetic_summary`, recorded in the manifest by
:func:`project_summary`), then the runs under the headings the plan gives them (``section:``), each with its
thumbnail, title, one line (``description:``), status and links, and last the diffs written for the snapshot
(``diffs/<old>--<new>.html``, :func:`snapshot_diffs`).

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

import datetime as dt
from pathlib import Path

from clusterix_analytics.reports.templates import render

DIFFS_DIR = "diffs"          # in the newer snapshot's folder: one page per pair of snapshots compared
DIFF_SEPARATOR = "--"        # <old>--<new>.html: snapshot names never hold two hyphens in a row
OTHER_SECTION = "Reports"    # the heading of runs whose plan entry names no section


def project_summary(dataset) -> dict:
    """What the index's first lines say about the project: programme, dates, partners, rows, demo rows.

    The rows are counted as page 00 counts them (``Dataset.synthetic_summary``: every table read).

    >>> import clusterix_analytics as cx
    >>> summary = project_summary(cx.load("tests/fixtures/nordic_pilot"))
    >>> summary["programme"], summary["start"], summary["partners"], summary["rows"] >= summary["synthetic_rows"]
    ('Test programme (fictitious)', '2020-01-01', 3, True)
    """
    project = dataset.project
    counts = dataset.synthetic_summary()
    return {"programme": project.programme, "start": project.start.isoformat(), "end": project.end.isoformat(),
            "partners": len(dataset.partners), "rows": int(counts["rows"].sum()),
            "synthetic_rows": int(counts["synthetic_rows"].sum())}


def _day(iso: str | None) -> str:
    """An ISO date as a reader writes it.

    >>> _day("2019-08-01"), _day(None)
    ('1 Aug 2019', '')
    """
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b %Y}"


def project_lines(project: dict) -> str:
    """The second line about the project: programme · dates · partners (each part only when known).

    >>> project_lines({"programme": "Interreg", "start": "2019-08-01", "end": "2023-07-31", "partners": 10})
    'Interreg · 1 Aug 2019 – 31 Jul 2023 · 10 partners'
    >>> project_lines({})
    ''
    """
    dates = " – ".join(d for d in (_day(project.get("start")), _day(project.get("end"))) if d)
    partners = project.get("partners")
    count = f"{partners} partner{'s' if partners != 1 else ''}" if partners is not None else ""
    return " · ".join(part for part in (project.get("programme"), dates, count) if part)


def demo_warning(project: dict) -> str | None:
    """The warning the index shows when demo rows are among the rows behind its pages; None when there are none
    (or the manifest does not count them).

    >>> demo_warning({"rows": 1000, "synthetic_rows": 912})
    '91% of the rows behind these pages are synthetic demo data (912 of 1,000 rows).'
    >>> demo_warning({"rows": 1000, "synthetic_rows": 3})
    'Under 1% of the rows behind these pages are synthetic demo data (3 of 1,000 rows).'
    >>> demo_warning({"rows": 10, "synthetic_rows": 0}) is None, demo_warning({}) is None
    (True, True)
    """
    rows, synthetic = project.get("rows"), project.get("synthetic_rows")
    if not rows or not synthetic:
        return None
    share = synthetic / rows
    shown = f"{share:.0%}" if share >= 0.005 else "Under 1%"
    return f"{shown} of the rows behind these pages are synthetic demo data ({synthetic:,} of {rows:,} rows)."


def diff_file_name(old: str, new: str) -> str:
    """The file, in the newer snapshot's ``diffs/``, of the page comparing ``old`` with ``new``.

    >>> diff_file_name("2026-11-16T101500Z", "2026-11-23T101500Z")
    '2026-11-16T101500Z--2026-11-23T101500Z.html'
    """
    return f"{old}{DIFF_SEPARATOR}{new}.html"


def snapshot_diffs(folder: Path) -> list[dict]:
    """The diff pages written into a snapshot's folder, newest comparison first: old, new and the link.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / DIFFS_DIR).mkdir()
    >>> _ = (folder / DIFFS_DIR / diff_file_name("a", "c")).write_text("x")
    >>> snapshot_diffs(folder)
    [{'old': 'a', 'new': 'c', 'href': 'diffs/a--c.html'}]
    """
    found = []
    for path in sorted((Path(folder) / DIFFS_DIR).glob(f"*{DIFF_SEPARATOR}*.html"), reverse=True):
        old, new = path.stem.split(DIFF_SEPARATOR, 1)
        found.append({"old": old, "new": new, "href": f"{DIFFS_DIR}/{path.name}"})
    return found


def _run_row(run: dict) -> dict:
    """What the index shows of one run of the manifest."""
    outputs = run.get("outputs") or {}
    duration = run.get("duration_s")
    return {
        "title": run.get("title"), "notebook": run.get("notebook"), "parameters": run.get("parameters") or {},
        "description": run.get("description") or "",
        "status": run.get("status", "?"), "error": run.get("error") or [],
        "page": outputs.get("html"), "thumbnail": outputs.get("thumbnail"), "notebook_file": outputs.get("notebook"),
        "pdf": outputs.get("pdf"), "standalone": outputs.get("standalone"),
        "duration": f"{duration:.1f} s" if duration is not None else "",
        "reused_from": run.get("reused_from"),
    }


def sections(runs: list[dict]) -> list[tuple[str, list[dict]]]:
    """The runs grouped under their plan sections, in the order the sections first appear in the plan;
    runs without one go under :data:`OTHER_SECTION`.

    >>> [(name, [r["title"] for r in rows]) for name, rows in sections([
    ...     {"title": "a", "section": "Project"}, {"title": "b", "section": "Themes"}, {"title": "c"},
    ...     {"title": "d", "section": "Project"}])]
    [('Project', ['a', 'd']), ('Themes', ['b']), ('Reports', ['c'])]
    """
    grouped: dict[str, list[dict]] = {}
    for run in runs:
        grouped.setdefault(run.get("section") or OTHER_SECTION, []).append(_run_row(run))
    return list(grouped.items())


def index_page(manifest: dict, diffs: list[dict] | None = None) -> str:
    """The HTML of ``index.html`` for a snapshot manifest (a partial one too: missing parts are left out);
    ``diffs``: the snapshot's diff pages (:func:`snapshot_diffs`)."""
    project = manifest.get("project") or {}
    git = manifest.get("git") or {}
    summary = manifest.get("summary") or {}
    return render(
        "index.html",
        snapshot=manifest.get("snapshot"), started=manifest.get("started"),
        project_name=project.get("name") or "Reports", project_line=project_lines(project),
        demo_warning=demo_warning(project),
        commit=(git.get("commit") or "")[:10] if git else None, dirty=bool(git.get("dirty")),
        summary=", ".join(f"{n} {status}" for status, n in summary.items() if n),
        sections=sections(manifest.get("runs", [])),
        diffs=diffs or [],
        snapshot_pdf=manifest.get("pdf") if (manifest.get("pdf") or "").endswith(".pdf") else None,
        workbook=manifest.get("workbook"),
    )
