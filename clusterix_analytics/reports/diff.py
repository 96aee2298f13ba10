"""``clusterix-analytics diff A B``: what changed between two snapshots, from their manifests.

Input files changed (sha256: every file the pages depend on — tables, project.yaml, sectors, NUTS,
geometry, the plan, the notebooks; each listed with its kind), the environment (the package's version and
code, Python, the kernel, every installed distribution whose version changed), runs added or removed,
runs whose status changed, every stated metric that changed (by its key, shown with its name, unit and
provenance: the quantity a reader saw on the page), and every other recorded headline number that changed
(old → new). Printed as a table and written as ``diffs/<old>--<new>.html`` in the newer snapshot's folder
(one file per pair compared: a later diff adds a page, it never overwrites another pair's), whose
``index.html`` is then written again to link every diff it has.

>>> old = {"inputs": [{"path": "a.csv", "sha256": "1"}], "runs": [
...     {"slug": "r", "status": "ok", "headlines": {"n": 3}}]}
>>> new = {"inputs": [{"path": "a.csv", "sha256": "2"}], "runs": [
...     {"slug": "r", "status": "ok", "headlines": {"n": 4}}]}
>>> d = diff_manifests(old, new)
>>> d["inputs_changed"], d["headlines_changed"]
(['a.csv'], [{'run': 'r', 'headline': 'n', 'old': 3, 'new': 4, 'change': 1}])
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from clusterix_analytics.config import REPORTS_DIR
from clusterix_analytics.reports.index import DIFFS_DIR, diff_file_name, index_page, snapshot_diffs
from clusterix_analytics.reports.manifest import ManifestError, read_manifest
from clusterix_analytics.reports.snapshot import resolve_snapshot, write_text_atomic
from clusterix_analytics.reports.templates import render

_MISSING = object()


def _number_change(old, new):
    numeric = (int, float)
    if isinstance(old, numeric) and isinstance(new, numeric) and not isinstance(old, bool) \
            and not isinstance(new, bool):
        change = new - old
        return round(change, 10) if isinstance(change, float) else change
    return None


def diff_manifests(old: dict, new: dict) -> dict:
    """The differences between two snapshot manifests (see the module docstring)."""
    old_inputs = {f["path"]: f["sha256"] for f in old.get("inputs", [])}
    new_inputs = {f["path"]: f["sha256"] for f in new.get("inputs", [])}
    roles = {f["path"]: f.get("role") for f in old.get("inputs", []) + new.get("inputs", [])}
    old_runs = {r["slug"]: r for r in old.get("runs", [])}
    new_runs = {r["slug"]: r for r in new.get("runs", [])}
    status_changed, headlines_changed, metrics_changed = [], [], []
    for slug in [s for s in new_runs if s in old_runs]:
        before, after = old_runs[slug], new_runs[slug]
        if before.get("status") != after.get("status"):
            status_changed.append({"run": slug, "old": before.get("status"), "new": after.get("status")})
        metrics_changed += _metric_changes(before, after)
        old_h, new_h = before.get("headlines") or {}, after.get("headlines") or {}
        for name in list(old_h) + [n for n in new_h if n not in old_h]:
            a, b = old_h.get(name, _MISSING), new_h.get(name, _MISSING)
            if a != b:
                a = None if a is _MISSING else a
                b = None if b is _MISSING else b
                headlines_changed.append({"run": slug, "headline": name, "old": a, "new": b,
                                          "change": _number_change(a, b)})
    return {
        "old": old.get("snapshot"), "new": new.get("snapshot"),
        "inputs_changed": sorted(p for p in new_inputs if p in old_inputs and new_inputs[p] != old_inputs[p]),
        "inputs_added": sorted(set(new_inputs) - set(old_inputs)),
        "inputs_removed": sorted(set(old_inputs) - set(new_inputs)),
        "input_roles": roles,
        "environment_changed": environment_changes(old.get("environment"), new.get("environment")),
        "runs_added": [s for s in new_runs if s not in old_runs],
        "runs_removed": [s for s in old_runs if s not in new_runs],
        "status_changed": status_changed,
        "metrics_changed": metrics_changed,
        "headlines_changed": headlines_changed,
    }


def environment_changes(old: dict | None, new: dict | None) -> list[dict]:
    """What differs between two snapshots' ``environment`` records (nothing when either has none).

    >>> old = {"python": "CPython 3.11.7", "package": {"version": "0.1.0", "code_sha256": "aa"},
    ...        "distributions": {"pandas": "3.1.1", "plotly": "7.1.0"}}
    >>> new = {"python": "CPython 3.11.7", "package": {"version": "0.1.0", "code_sha256": "bb"},
    ...        "distributions": {"pandas": "3.1.2", "plotly": "7.1.0", "xlrd": "2.0.1"}}
    >>> [(c["what"], c["old"], c["new"]) for c in environment_changes(old, new)]
    [('package code (sha256)', 'aa', 'bb'), ('pandas', '3.1.1', '3.1.2'), ('xlrd', None, '2.0.1')]
    """
    if not old or not new:
        return []
    changes = []

    def compare(what, a, b):
        if a != b:
            changes.append({"what": what, "old": a, "new": b})

    old_package, new_package = old.get("package") or {}, new.get("package") or {}
    compare("package version", old_package.get("version"), new_package.get("version"))
    compare("package code (sha256)", old_package.get("code_sha256"), new_package.get("code_sha256"))
    compare("python", old.get("python"), new.get("python"))
    compare("platform", old.get("platform"), new.get("platform"))
    compare("kernel spec (sha256)", (old.get("kernel") or {}).get("spec_sha256"),
            (new.get("kernel") or {}).get("spec_sha256"))
    old_d, new_d = old.get("distributions"), new.get("distributions")
    if old_d is None or new_d is None:
        compare("installed distributions (sha256)", old.get("lock_sha256"), new.get("lock_sha256"))
    else:
        for name in sorted(set(old_d) | set(new_d)):
            compare(name, old_d.get(name), new_d.get(name))
    return changes


def _metric_changes(before: dict, after: dict) -> list[dict]:
    """The metrics of one run whose value or provenance changed, named as the page names them.

    >>> m = {"name": "Funds influenced", "unit": "EUR", "provenance": "mixed", "scope": "project"}
    >>> change = _metric_changes({"metrics": {"f": {**m, "value": 1}}},
    ...                          {"title": "All", "metrics": {"f": {**m, "value": 3}}})
    >>> [(c["run"], c["metric"], c["unit"], c["old"], c["new"], c["change"], c["provenance"]) for c in change]
    [('All', 'Funds influenced', 'EUR', 1, 3, 2, 'mixed')]
    """
    old_m, new_m = before.get("metrics") or {}, after.get("metrics") or {}
    changes = []
    for key in list(old_m) + [k for k in new_m if k not in old_m]:
        a, b = old_m.get(key) or {}, new_m.get(key) or {}
        if (a.get("value"), a.get("provenance")) == (b.get("value"), b.get("provenance")):
            continue
        shown = b or a
        provenance = b.get("provenance") if a.get("provenance") in (None, b.get("provenance")) \
            else f"{a.get('provenance')} → {b.get('provenance')}"
        changes.append({"run": after.get("title") or after.get("slug"), "metric": shown.get("name", key),
                        "unit": shown.get("unit", ""), "old": a.get("value"), "new": b.get("value"),
                        "change": _number_change(a.get("value"), b.get("value")), "provenance": provenance})
    return changes


def _short(value) -> str:
    """A version as it is; a sha256 cut to 12 characters; None as a dash."""
    if value is None:
        return "–"
    text = str(value)
    return text[:12] if re.fullmatch(r"[0-9a-f]{64}", text) else text


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        # whole numbers and large amounts with thousands separators; small fractions (shares) to 4 digits
        return f"{value:,.0f}" if value.is_integer() or abs(value) >= 1000 else f"{value:,.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _sections(d: dict) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, columns, rows) for each non-empty part of a diff: shared by the text and HTML views."""
    sections = []
    roles = d.get("input_roles") or {}
    files = ([[p, "changed"] for p in d["inputs_changed"]] + [[p, "added"] for p in d["inputs_added"]]
             + [[p, "removed"] for p in d["inputs_removed"]])
    if files:
        sections.append(("Input files", ["file", "change", "kind"], [row + [roles.get(row[0]) or ""] for row in files]))
    if d.get("environment_changed"):
        sections.append(("Environment", ["what", "old", "new"], [
            [c["what"], _short(c["old"]), _short(c["new"])] for c in d["environment_changed"]]))
    runs = ([[s, "added", ""] for s in d["runs_added"]] + [[s, "removed", ""] for s in d["runs_removed"]]
            + [[c["run"], "status", f"{c['old']} → {c['new']}"] for c in d["status_changed"]])
    if runs:
        sections.append(("Runs", ["run", "change", "status"], runs))
    if d.get("metrics_changed"):
        sections.append(("Metrics", ["page", "metric", "unit", "old", "new", "change", "data"], [
            [m["run"], m["metric"], m["unit"], _fmt(m["old"]), _fmt(m["new"]),
             ("+" if (m["change"] or 0) > 0 else "") + _fmt(m["change"]) if m["change"] is not None else "",
             m["provenance"] or ""]
            for m in d["metrics_changed"]]))
    if d["headlines_changed"]:
        sections.append(("Headline numbers", ["run", "headline", "old", "new", "change"], [
            [h["run"], h["headline"], _fmt(h["old"]), _fmt(h["new"]),
             ("+" if (h["change"] or 0) > 0 else "") + _fmt(h["change"]) if h["change"] is not None else ""]
            for h in d["headlines_changed"]]))
    return sections


def render_text(d: dict) -> str:
    """The diff as plain-text tables for the terminal."""
    lines = [f"{d['old']} → {d['new']}"]
    sections = _sections(d)
    if not sections:
        lines.append("no differences in inputs, environment, runs, metrics or headline numbers")
    for heading, columns, rows in sections:
        widths = [max(len(str(x)) for x in [c] + [r[i] for r in rows]) for i, c in enumerate(columns)]
        lines += ["", f"{heading} ({len(rows)})",
                  "  ".join(c.ljust(w) for c, w in zip(columns, widths)),
                  "  ".join("-" * w for w in widths)]
        lines += ["  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def render_html(d: dict, index_href: str | None = None) -> str:
    """The diff as a small standalone HTML page (``templates/diff.html``; every value escaped); ``index_href``:
    the link back to the snapshot's index, when the page is in its folder."""
    return render("diff.html", old=str(d["old"]), new=str(d["new"]), index_href=index_href,
                  sections=[(heading, columns, [[str(x) for x in row] for row in rows])
                            for heading, columns, rows in _sections(d)])


def run_diff(old_ref: str, new_ref: str = "latest", out_dir: Path | None = None, html_path: Path | None = None,
             stdout=None, stderr=None) -> int:
    """Compare two snapshots; print the table; write the diff page (default: ``diffs/<old>--<new>.html`` in
    the newer snapshot, whose index then lists it).

    Returns 0, or 2 when a snapshot is not found or its manifest is broken (the problem is printed).
    """
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    out_dir = Path(out_dir) if out_dir else REPORTS_DIR
    try:
        old_dir = resolve_snapshot(old_ref, out_dir)
        new_dir = resolve_snapshot(new_ref, out_dir)
        old, new = read_manifest(old_dir), read_manifest(new_dir)
    except (FileNotFoundError, ManifestError) as exc:
        print(exc, file=stderr)
        return 2
    d = diff_manifests(old, new)
    d["old"], d["new"] = d["old"] or old_dir.name, d["new"] or new_dir.name
    print(render_text(d), file=stdout)
    if html_path:
        target = Path(html_path)
        write_text_atomic(target, render_html(d))
    else:
        target = new_dir / DIFFS_DIR / diff_file_name(old_dir.name, new_dir.name)
        target.parent.mkdir(exist_ok=True)
        write_text_atomic(target, render_html(d, index_href="../index.html"))
        write_text_atomic(new_dir / "index.html", index_page(new, diffs=snapshot_diffs(new_dir)))
    print(f"\nwritten: {target}", file=stdout)
    return 0
