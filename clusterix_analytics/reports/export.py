"""Executed notebook → offline HTML page that loads the snapshot's single ``plotly.min.js``.

The notebook renderer ("plotly_mimetype+notebook") puts a full copy of plotly.js (about 4.8 MB) into
the first figure's cell and a MathJax script from a CDN into every figure. :func:`strip_plotly_bundles`
removes both from the outputs (the stored .ipynb and the page); every page then loads plotly.js once,
by relative path, from the snapshot folder. Pages are built with nbconvert's ``basic`` template
(in-process, code hidden) inside our page template (``templates/notebook.html``), so a page weighs
kilobytes, not megabytes.

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

from markupsafe import Markup

from clusterix_analytics.config import HEADLINE_MIMETYPE, LAB_ONLY_TAG, MAX_PAGE_MB_ENV, METRIC_MIMETYPE
from clusterix_analytics.reports.templates import render

PLOTLY_JS_NAME = "plotly.min.js"
# The banner plotly.js starts with; an output carrying it is the renderer's embedded bundle.
PLOTLY_BUNDLE_MARKS = ("* plotly.js v", "window.Plotly = Plotly")
# <script src="http(s)://..."></script>: anything from the network breaks a page offline.
EXTERNAL_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//[^>]*>\s*</script>""", re.I)

class PageTooLarge(ValueError):
    """A page bigger than the page-size guard ($CLUSTERIX_MAX_PAGE_MB): it is not written, its run fails."""


def check_page_size(page: str, limit_bytes: int) -> None:
    """Raise :class:`PageTooLarge` (one line naming the size, the limit and its variable) when the page,
    as UTF-8, is bigger than ``limit_bytes``.

    >>> check_page_size("<p>é</p>", 9)
    >>> check_page_size("<p>ée</p>", 2 * 1024 * 1024)
    >>> try:
    ...     check_page_size("x" * 3_500_000, 2 * 1024 * 1024)
    ... except PageTooLarge as exc:
    ...     print(exc)
    the page would be 3.3 MB; a page may be at most 2 MB (set $CLUSTERIX_MAX_PAGE_MB to raise the limit): not written
    """
    size = len(page.encode("utf-8"))
    if size > limit_bytes:
        mb = 1024 * 1024
        shown = f"{size / mb:,.1f} MB" if size >= mb // 10 else f"{size:,} bytes"
        limit = f"{limit_bytes / mb:,.0f} MB" if limit_bytes >= mb else f"{limit_bytes:,} bytes"
        raise PageTooLarge(f"the page would be {shown}; a page may be at most {limit} "
                           f"(set ${MAX_PAGE_MB_ENV} to raise the limit): not written")


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


def for_report_readers(nb):
    """A copy of ``nb`` with what a report page leaves out removed: cells tagged ``lab-only`` (they only make
    sense in JupyterLab: explorer widgets, help on changing a parameter), the state of the widgets, and outputs
    that carry data for the manifest only (headline numbers, metrics). The one home of that rule; the stored
    notebook keeps all of it.

    >>> import nbformat
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    >>> nb = new_notebook(cells=[new_markdown_cell("# Page"), new_markdown_cell("Change the parameter below.",
    ...     metadata={"tags": [LAB_ONLY_TAG]}), new_code_cell("x", outputs=[new_output("display_data",
    ...     data={HEADLINE_MIMETYPE: {"partners": 3}}), new_output("display_data", data={"text/plain": "3"})])],
    ...     metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {}}})
    >>> kept = for_report_readers(nb)
    >>> [c.source for c in kept.cells], [list(o.data) for o in kept.cells[1].outputs], "widgets" in kept.metadata
    (['# Page', 'x'], [['text/plain']], False)
    """
    import nbformat

    nb = copy.deepcopy(nb if isinstance(nb, nbformat.NotebookNode) else nbformat.from_dict(nb))
    nb.cells = [c for c in nb.cells if LAB_ONLY_TAG not in c.get("metadata", {}).get("tags", [])]
    nb.metadata.pop("widgets", None)   # nbconvert would write it into the page as a script
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if set(o.get("data", {})) not in ({HEADLINE_MIMETYPE}, {METRIC_MIMETYPE})]
    return nb


# A page with this many sections (h2 headings) or more opens with a list of links to them.
MIN_SECTIONS_FOR_CONTENTS = 4
# An h2 as nbconvert writes it: its id (from its text), its text, then the "¶" anchor link.
_SECTION_HEADING = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)


def with_table_of_contents(body: str) -> str:
    """``body`` (nbconvert HTML) with an "On this page" list of links to its sections (h2 headings, by the ids
    nbconvert gives them) before the cell of the first one, when there are at least
    :data:`MIN_SECTIONS_FOR_CONTENTS`; as it is otherwise.

    >>> sections = "".join(f'<div class="cell"><h2 id="S{i}">S {i}<a class="anchor-link" href="#S{i}">¶</a></h2>'
    ...                    "</div>" for i in range(1, 5))
    >>> page = with_table_of_contents('<div class="cell"><h1 id="T">T</h1></div>' + sections)
    >>> print(page[:page.index('<div class="cell"><h2')])  # doctest: +NORMALIZE_WHITESPACE
    <div class="cell"><h1 id="T">T</h1></div><nav class="cx-toc" aria-label="On this page"><p
    class="cx-toc-title">On this page</p><ol><li><a href="#S1">S 1</a></li><li><a href="#S2">S 2</a></li><li><a
    href="#S3">S 3</a></li><li><a href="#S4">S 4</a></li></ol></nav>
    >>> with_table_of_contents(sections[:sections.index("S4") - 20]) == sections[:sections.index("S4") - 20]
    True
    """
    sections = list(_SECTION_HEADING.finditer(body))
    if len(sections) < MIN_SECTIONS_FOR_CONTENTS:
        return body
    items = "".join(f'<li><a href="#{m.group(1)}">{re.sub(r"<[^>]+>", "", _ANCHOR_LINK.sub("", m.group(2))).strip()}'
                    "</a></li>" for m in sections)
    contents = (f'<nav class="cx-toc" aria-label="On this page"><p class="cx-toc-title">On this page</p>'
                f"<ol>{items}</ol></nav>")
    first = sections[0].start()
    cell = body.rfind('<div class="cell', 0, first)
    at = cell if cell >= 0 else first
    return body[:at] + contents + body[at:]


# What a reader is told a figure is, by its first trace's type (and a scatter's mode).
CHART_KINDS = {"bar": "bar chart", "heatmap": "heatmap", "pie": "pie chart", "sankey": "flow diagram",
               "choropleth": "map", "choroplethmap": "map", "choroplethmapbox": "map", "scattergeo": "map",
               "scattermap": "map", "scattermapbox": "map", "box": "box plot", "histogram": "histogram",
               "treemap": "treemap", "sunburst": "sunburst chart", "table": "table"}


def _plain(text) -> str:
    """Plotly's label markup as plain text: <br> a space, other tags dropped, entities read.

    >>> _plain("Funds<br>influenced <b>(EUR)</b> &amp; more")
    'Funds influenced (EUR) & more'
    """
    text = re.sub(r"<br\s*/?>", " ", str(text or ""), flags=re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


def _axis_title(layout: dict, axis: str) -> str:
    title = (layout.get(axis) or {}).get("title")
    return _plain(title.get("text") if isinstance(title, dict) else title)


def _chart_sentence(data: list[dict], layout: dict) -> str:
    """One sentence on what a figure is: its kind (a map when its axes are hidden and square), its series
    (the names in its legend) and its axes."""
    traces = [t for t in data if t.get("visible", True) is not False] or list(data)
    if not traces:
        return "An empty chart."
    x_axis, y_axis = layout.get("xaxis") or {}, layout.get("yaxis") or {}
    panels = sorted({t.get("yaxis") or "y" for t in traces})
    if x_axis.get("visible") is False and y_axis.get("visible") is False and y_axis.get("scaleanchor"):
        kind, axes = "map", []
    elif len(panels) > 1:   # small multiples: one sentence for the panels, every panel's own vertical axis
        first = traces[0].get("type") or "scatter"
        kind = CHART_KINDS.get(first) or ("line chart" if "lines" in (traces[0].get("mode") or "") else
                                          f"{first} chart")
        kind = f"figure of {len(panels)} panels, {kind}s"
        x_titles = [_axis_title(layout, k) for k in sorted(layout) if re.fullmatch(r"xaxis\d*", k)]
        y_titles = [t for t in dict.fromkeys(_axis_title(layout, "yaxis" + p[1:]) for p in panels) if t]
        more = f" and {len(y_titles) - 6} more" if len(y_titles) > 6 else ""
        axes = ([f"horizontal axis: {next(t for t in x_titles if t)}"] if any(x_titles) else []) \
            + ([f"vertical axes: {', '.join(y_titles[:6])}{more}"] if y_titles else [])
    else:
        first = traces[0].get("type") or "scatter"
        mode = traces[0].get("mode") or "markers"
        kind = CHART_KINDS.get(first) or ("line chart" if first == "scatter" and "lines" in mode else
                                          "scatter chart" if first == "scatter" else f"{first} chart")
        axes = [f"{side} axis: {name}" for side, name in (("horizontal", _axis_title(layout, "xaxis")),
                                                         ("vertical", _axis_title(layout, "yaxis"))) if name]
    names = [_plain(t.get("name")) for t in traces if t.get("name") and t.get("showlegend") is not False]
    legend = [f"legend: {', '.join(names[:6])}{f' and {len(names) - 6} more' if len(names) > 6 else ''}"] \
        if len(names) > 1 else []
    return f"A {kind}" + "".join(f"; {part}" for part in legend + axes) + "."


def figure_text_alternative(figure: dict) -> str:
    """The text alternative of a plotly figure (its JSON): its title, then one sentence saying what kind of
    chart it is and what its axes are; a view may give the sentence itself as ``layout.meta.summary``.

    >>> figure_text_alternative({"data": [{"type": "bar", "name": "2020"}, {"type": "bar", "name": "2021"}],
    ...     "layout": {"title": {"text": "Funds<br>by partner"}, "xaxis": {"title": {"text": "Partner"}},
    ...                "yaxis": {"title": {"text": "EUR"}}}})
    'Funds by partner. A bar chart; legend: 2020, 2021; horizontal axis: Partner; vertical axis: EUR.'
    >>> figure_text_alternative({"data": [{"type": "scatter", "mode": "lines"}],
    ...                          "layout": {"title": "Trend", "meta": {"summary": "Rising since 2020."}}})
    'Trend. Rising since 2020.'
    >>> figure_text_alternative({"data": [{"type": "scatter", "name": "countries", "showlegend": False},
    ...     {"type": "scatter", "name": "agency"}, {"type": "scatter", "name": "authority"}],
    ...     "layout": {"title": "Regions", "xaxis": {"visible": False},
    ...                "yaxis": {"visible": False, "scaleanchor": "x"}}})
    'Regions. A map; legend: agency, authority.'
    >>> figure_text_alternative({"data": [{"type": "bar", "yaxis": "y"}, {"type": "bar", "yaxis": "y2"}],
    ...     "layout": {"title": "Per phase", "xaxis2": {"title": {"text": "Phase"}},
    ...                "yaxis": {"title": {"text": "events"}}, "yaxis2": {"title": {"text": "EUR"}}}})
    'Per phase. A figure of 2 panels, bar charts; horizontal axis: Phase; vertical axes: events, EUR.'
    >>> figure_text_alternative({"data": [], "layout": {}})
    'An empty chart.'
    """
    layout = figure.get("layout") or {}
    title_value = layout.get("title")
    title = _plain(title_value.get("text") if isinstance(title_value, dict) else title_value)
    meta = layout.get("meta")
    summary = _plain(meta.get("summary")) if isinstance(meta, dict) and meta.get("summary") else ""
    if not summary:
        summary = _chart_sentence(figure.get("data") or [], layout)
    return f"{title}. {summary}" if title else summary


def _with_figure_captions(nb):
    """Each figure's HTML inside a ``<figure>`` whose visually hidden caption is its text alternative
    (:func:`figure_text_alternative`): what a screen reader announces instead of the drawing."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            data = output.get("data", {})
            if PLOTLY_MIMETYPE not in data or "text/html" not in data:
                continue
            text = data["text/html"]
            text = "".join(text) if isinstance(text, list) else text
            caption = html.escape(figure_text_alternative(data[PLOTLY_MIMETYPE]))
            data["text/html"] = (f'<figure class="cx-figure">{text}'
                                 f'<figcaption class="cx-visually-hidden">{caption}</figcaption></figure>')
    return nb


def notebook_body(nb) -> str:
    """The cells of an executed notebook as HTML, code hidden (nbconvert ``basic`` template, in-process)."""
    import nbformat  # here, not at the top: nbformat takes a second to import (jsonschema's format checkers)
    from nbconvert import HTMLExporter

    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.from_dict(nb)
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # nbconvert warns about mimetypes it does not render
        body, _ = exporter.from_notebook_node(_with_figure_captions(for_report_readers(nb)))
    return with_table_of_contents(EXTERNAL_SCRIPT.sub("", body))


def notebook_page(nb, title: str, meta: dict | None = None, status: str = "ok",
                  index_href: str = "index.html", plotly_src: str = PLOTLY_JS_NAME) -> str:
    """A complete offline HTML page for one run: header (title, parameters), then the notebook's outputs.

    The page is ``templates/notebook.html``: title and parameters are escaped, the notebook's nbconvert
    body is HTML already (its figures are plotly divs) and goes in as it is.
    """
    return render("notebook.html", title=title, parameters=meta or {}, status=status, index_href=index_href,
                  plotly_src=plotly_src, body=Markup(notebook_body(nb)))


def write_plotly_js(folder: Path) -> Path:
    """Write the one copy of plotly.js (the committed custom bundle, :mod:`.plotlyjs`) into ``folder``."""
    from clusterix_analytics.reports.plotlyjs import bundle_text
    from clusterix_analytics.reports.snapshot import write_text_atomic

    return write_text_atomic(Path(folder) / PLOTLY_JS_NAME, bundle_text())


STANDALONE_DIR = "standalone"


def standalone_page(page_html: str, plotly_js: str) -> str:
    """A page that renders alone (e-mailed, copied out of its snapshot): plotly.js inlined instead of loaded
    from beside it.

    >>> standalone_page('<head><script src="plotly.min.js"></script></head>', "var Plotly = {};")
    '<head><script>var Plotly = {};</script></head>'
    """
    tag = f'<script src="{PLOTLY_JS_NAME}"></script>'
    if tag not in page_html:
        raise ValueError(f"the page does not load {PLOTLY_JS_NAME}: nothing to inline")
    if "</script" in plotly_js.lower():
        raise ValueError("plotly.js contains '</script': it cannot be inlined in a page")
    return page_html.replace(tag, f"<script>{plotly_js}</script>", 1)


def write_standalone_pages(folder: Path, results: dict[str, dict]) -> None:
    """``standalone/<slug>.html`` for every written page of a snapshot folder (``results`` by slug; each
    written page's outputs get ``standalone``)."""
    from clusterix_analytics.reports.plotlyjs import bundle_text

    plotly_js = bundle_text()
    (Path(folder) / STANDALONE_DIR).mkdir(exist_ok=True)
    for result in results.values():
        page = result["outputs"].get("html")
        if page:
            target = Path(folder) / STANDALONE_DIR / page
            target.write_text(standalone_page((Path(folder) / page).read_text(encoding="utf-8"), plotly_js),
                              encoding="utf-8")
            result["outputs"]["standalone"] = f"{STANDALONE_DIR}/{page}"
