"""``index.html`` of a snapshot: one row per run (thumbnail, title, parameters, status, duration, link).

Every text that comes from data or parameters is HTML-escaped.

>>> page = index_page({"snapshot": "s", "project": {"name": "P <1>"}, "runs": [
...     {"title": "<script>", "slug": "a", "parameters": {"partner": "x&y"}, "status": "ok",
...      "duration_s": 1.25, "outputs": {"html": "a.html"}}]})
>>> "&lt;script&gt;" in page and "x&amp;y" in page and "<script>" not in page
True
"""
from __future__ import annotations

import html

STATUS_COLOURS = {"ok": "#009E73", "failed": "#D55E00", "skipped": "#999999", "timeout": "#D55E00"}

INDEX_CSS = """
body{font-family:Inter,'Segoe UI','Helvetica Neue',Arial,sans-serif;color:#222;margin:24px;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}
p.meta{color:#555;font-size:13px;margin:2px 0}
table{border-collapse:collapse;background:#fff;margin-top:16px;font-size:14px}
th,td{border-bottom:1px solid #e3e3e3;padding:6px 10px;text-align:left;vertical-align:middle}
th{background:#f2f5f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}
img.thumb{width:180px;border:1px solid #ddd;display:block}
span.status{color:#fff;border-radius:3px;padding:2px 6px;font-size:12px}
code{font-size:12px}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _parameters(params: dict) -> str:
    if not params:
        return '<span style="color:#888">defaults</span>'
    return "<br>".join(f"<code>{_e(k)}={_e(v)}</code>" for k, v in params.items())


def index_page(manifest: dict) -> str:
    """The HTML of ``index.html`` for a snapshot manifest."""
    rows = []
    for run in manifest.get("runs", []):
        outputs = run.get("outputs") or {}
        page = outputs.get("html")
        thumb = outputs.get("thumbnail")
        link = f'<a href="{_e(page)}">{_e(run.get("title"))}</a>' if page else _e(run.get("title"))
        thumb_cell = f'<a href="{_e(page)}"><img class="thumb" src="{_e(thumb)}" alt=""></a>' if thumb and page else ""
        status = run.get("status", "?")
        colour = STATUS_COLOURS.get(status, "#555")
        error = run.get("error") or []
        error_html = f'<br><small title="{_e(chr(10).join(error))}">{_e(error[-1] if error else "")}</small>' if error else ""
        notebook_link = outputs.get("notebook")
        duration = f"{run['duration_s']:.1f} s" if run.get("duration_s") is not None else ""
        rows.append(
            "<tr>"
            f"<td>{thumb_cell}</td>"
            f"<td>{link}<br><small><code>{_e(run.get('notebook'))}</code>"
            + (f' &middot; <a href="{_e(notebook_link)}">.ipynb</a>' if notebook_link else "")
            + "</small></td>"
            f"<td>{_parameters(run.get('parameters') or {})}</td>"
            f'<td><span class="status" style="background:{colour}">{_e(status)}</span>{error_html}</td>'
            f'<td class="num">{_e(duration)}</td>'
            "</tr>"
        )
    project = manifest.get("project") or {}
    git = manifest.get("git") or {}
    summary = manifest.get("summary") or {}
    summary_text = ", ".join(f"{n} {k}" for k, n in summary.items() if n)
    commit = (f" &middot; git {_e(git.get('commit', '')[:10])}{' (uncommitted changes)' if git.get('dirty') else ''}"
              if git else "")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Reports {_e(manifest.get('snapshot'))}</title><style>{INDEX_CSS}</style></head>\n<body>"
        f"<h1>{_e(project.get('name') or 'Reports')}</h1>"
        f"<p class=\"meta\">Snapshot <strong>{_e(manifest.get('snapshot'))}</strong>, started "
        f"{_e(manifest.get('started'))}{commit}</p>"
        f"<p class=\"meta\">{_e(summary_text)} &middot; inputs and versions in "
        f"<a href=\"manifest.json\">manifest.json</a></p>\n"
        "<table><thead><tr><th></th><th>Report</th><th>Parameters</th><th>Status</th><th>Duration</th></tr></thead>"
        f"<tbody>\n{chr(10).join(rows)}\n</tbody></table>\n</body></html>\n"
    )
