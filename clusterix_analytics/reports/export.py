"""Executed notebook → offline HTML page that loads the snapshot's single ``plotly.min.js``.

The notebook renderer ("plotly_mimetype+notebook") puts a full copy of plotly.js (about 4.8 MB) into
the first figure's cell and a MathJax script from a CDN into every figure. :func:`strip_plotly_bundles`
removes both from the outputs (the stored .ipynb and the page); every page then loads plotly.js once,
by relative path, from the snapshot folder. Pages are built with nbconvert's ``basic`` template
(in-process, code hidden) inside a small page of our own, so a page weighs kilobytes, not megabytes.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hello <world>")])
>>> page = notebook_page(nb, title="Partner <b>", meta={"partner": "a&b"})
>>> '<script src="plotly.min.js"></script>' in page, "Partner &lt;b&gt;" in page, "a&amp;b" in page
(True, True, True)
"""
from __future__ import annotations

import copy
import html
import re
import warnings
from pathlib import Path

import nbformat

from clusterix_analytics.config import HEADLINE_MIMETYPE

PLOTLY_JS_NAME = "plotly.min.js"
# The banner plotly.js starts with; an output carrying it is the renderer's embedded bundle.
PLOTLY_BUNDLE_MARKS = ("* plotly.js v", "window.Plotly = Plotly")
# <script src="http(s)://..."></script>: anything from the network breaks a page offline.
EXTERNAL_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//[^>]*>\s*</script>""", re.I)

PAGE_CSS = """
body{font-family:Inter,'Segoe UI','Helvetica Neue',Arial,sans-serif;color:#222;margin:0;background:#fafafa}
header.snapshot{background:#0b3d5c;color:#fff;padding:10px 24px;font-size:14px}
header.snapshot a{color:#cfe8ff}
header.snapshot .params{opacity:.85;margin-left:12px}
main{max-width:1100px;margin:0 auto;padding:8px 24px 48px;background:#fff}
.jp-Cell{margin:6px 0}
.jp-InputArea,.jp-InputPrompt,.jp-OutputPrompt{display:none}
main table{border-collapse:collapse;font-size:13px;margin:8px 0}
main th,main td{border:1px solid #ddd;padding:4px 8px;text-align:right;vertical-align:top}
main th{background:#f2f5f8}
main td:first-child,main th:first-child{text-align:left}
pre{white-space:pre-wrap;background:#f6f6f6;padding:8px;font-size:12px}
.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"] pre{background:#fdecea}
.status-failed{background:#fdecea;border-left:4px solid #D55E00;padding:8px 12px}
"""


def is_plotly_bundle(output: dict) -> bool:
    """Whether a notebook output is the renderer's embedded copy of plotly.js."""
    text = output.get("data", {}).get("text/html", "")
    text = "".join(text) if isinstance(text, list) else text
    return len(text) > 100_000 and all(mark in text for mark in PLOTLY_BUNDLE_MARKS)


def strip_plotly_bundles(nb: dict) -> dict:
    """A copy of ``nb`` without embedded plotly.js bundles and without CDN script tags in outputs.

    Figures keep their ``application/vnd.plotly.v1+json`` output (JupyterLab draws it) and their
    ``text/html`` (which needs ``window.Plotly``: the page provides it).
    """
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if is_plotly_bundle(output):
                continue
            data = output.get("data", {})
            if "text/html" in data:
                text = data["text/html"]
                text = "".join(text) if isinstance(text, list) else text
                data["text/html"] = EXTERNAL_SCRIPT.sub("", text)
            kept.append(output)
        cell["outputs"] = kept
    return nb


PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"


def without_html_twins(nb: dict) -> dict:
    """A copy of ``nb`` where figures keep only their plotly JSON (JupyterLab draws it), not the HTML twin.

    The stored notebooks of a snapshot are for opening in JupyterLab; the HTML twin (the figure again, as
    a script that needs plotly.js) only serves the page, which is built before this. Halves their size.

    >>> nb = {"cells": [{"cell_type": "code", "outputs": [{"data": {PLOTLY_MIMETYPE: {}, "text/html": "<div>"}}]}]}
    >>> without_html_twins(nb)["cells"][0]["outputs"][0]["data"]
    {'application/vnd.plotly.v1+json': {}}
    """
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY_MIMETYPE in data:
                data.pop("text/html", None)
    return nb


def _without_invisible_outputs(nb) -> nbformat.NotebookNode:
    """Headline outputs carry data for the manifest only: leave them off the page."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if set(o.get("data", {})) != {HEADLINE_MIMETYPE}]
    return nb


def notebook_body(nb) -> str:
    """The cells of an executed notebook as HTML, code hidden (nbconvert ``basic`` template, in-process)."""
    from nbconvert import HTMLExporter

    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.from_dict(nb)
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # nbconvert warns about mimetypes it does not render
        body, _ = exporter.from_notebook_node(_without_invisible_outputs(nb))
    return EXTERNAL_SCRIPT.sub("", body)


def notebook_page(nb, title: str, meta: dict | None = None, status: str = "ok",
                  index_href: str = "index.html", plotly_src: str = PLOTLY_JS_NAME) -> str:
    """A complete offline HTML page for one run: header (title, parameters), then the notebook's outputs."""
    meta = meta or {}
    params = ", ".join(f"{html.escape(str(k))}={html.escape(str(v))}" for k, v in meta.items())
    failed = ""
    if status != "ok":
        failed = (f'<div class="status-failed"><strong>This run {html.escape(status)}.</strong> '
                  "The page shows the notebook as far as it ran; the error is below and in manifest.json.</div>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(title)}</title>"
        f"<script src=\"{html.escape(plotly_src)}\"></script>"
        f"<style>{PAGE_CSS}</style></head>\n<body>"
        f"<header class=\"snapshot\"><a href=\"{html.escape(index_href)}\">&larr; all reports</a> &middot; "
        f"<strong>{html.escape(title)}</strong><span class=\"params\">{params}</span></header>\n"
        f"<main>{failed}{notebook_body(nb)}</main>\n</body></html>\n"
    )


def write_plotly_js(folder: Path) -> Path:
    """Write the one copy of plotly.js (from the installed plotly package) into ``folder``."""
    from plotly.offline import get_plotlyjs

    target = Path(folder) / PLOTLY_JS_NAME
    target.write_text(get_plotlyjs(), encoding="utf-8")
    return target
