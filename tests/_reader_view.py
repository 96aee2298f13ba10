"""A page checked as a reader sees it (browser tests): nothing sticks out sideways, no raw missing-value word in
the visible text, and no two boxes of a plotly figure that a reader must see apart drawn over each other.

:data:`READER_VIEW` is one JavaScript expression (a ``probe`` of :func:`~clusterix_analytics.reports.browser.
check_pages`) that measures a loaded page; the functions below judge what it measured, in Python, so the rules
are tested without a browser (tests/unit/test_reader_view_rules.py).

The overlap rule, on the boxes of one figure (``getBoundingClientRect`` in px from the figure's top left; a
rotated text's box is the upright rectangle around it):

- The boxes are: the figure's title; each legend (its background: what shows, not what scrolls); each annotation
  that has text (its text box: an arrow alone is a line, not a box); each colour bar (with its title and ticks);
  each axis' tick labels (one box around them all) and its title; each slider and button menu; each plot area (a
  cartesian subplot's x × y axis domains, a geo / polar / map subplot's domain, a pie or sankey trace's domain,
  from plotly's computed layout ``gd._fullLayout``).
- Two boxes overlap when they share a rectangle more than :data:`TOLERANCE_PX` wide *and* more than
  :data:`TOLERANCE_PX` high (boxes that touch, or graze by an anti-aliased pixel or two, do not).
- Every overlapping pair is a finding, except:
  - two plot areas (plotly lays subplots out by their domains), two axis boxes (an axis' tick labels and its
    title, the x and y labels meeting at a corner), an axis box and a plot area (tick labels sit on its edge);
  - an annotation over a plot area it is *placed on*: along x and along y, either it refers to that plot area's
    own axis, its data or its domain (``xref="x"``, ``yref="y domain"``: a phase label on its shading, a
    target line's label, a region's name on a map), or it refers to the paper and its anchor lies strictly
    inside the plot area's domain (a "no data" sentence in the middle of an empty chart). An annotation
    anchored on the paper at the plot area's edge or outside it (the demo caption under the x axis, a subplot
    title above its subplot, a notice above a map) must stay off every plot area, and an annotation of one
    subplot off the others.
- So a legend never covers a plot area, an annotation, an axis' labels, a colour bar or the title; no two
  annotations with text cover each other; a colour bar, a slider or a menu covers nothing.
- Apart from pairs: no box but a plot area reaches more than :data:`TOLERANCE_PX` past the figure's edge (the
  figure's SVG cuts it off there: a label that ends in "(5"), and no legend scrolls (its entries taller than
  the legend shown by more than :data:`TOLERANCE_PX`: a reader sees a scroll bar and not every entry).

>>> boxes = [{"kind": "legend", "name": "legend", "x0": 0, "y0": 0, "x1": 100, "y1": 50},
...          {"kind": "title", "name": "title", "x0": 90, "y0": 40, "x1": 300, "y1": 60}]
>>> figure_overlaps({"title": "Members", "boxes": boxes})
['figure "Members": legend "legend" overlaps title "title" by 10 × 10 px']
"""
from __future__ import annotations

import re

TOLERANCE_PX = 3
# Words that are a missing or broken value leaking through, never prose: whole words, case as written.
# "None" is prose at the start of a sentence ("None of the partners ..."): it counts where it is not followed
# by a word (a cell, a label, a value after a colon).
RAW_VALUE_WORDS = re.compile(r"(?<![\w-])(?:NaN|NaT|nan|undefined|-?Infinity|None(?!\s+[a-z]))(?![\w-])|<NA>")
OVERFLOW_TOLERANCE_PX = 1

# Measures the loaded page in one evaluation: its width against the viewport (and the outermost elements that
# stick out, not inside a scroll container that fits), its visible text (the body's innerText, and the SVG text
# of each figure), and for each plotly figure the boxes of the overlap rule (module docstring) with what plotly's
# computed layout says of each annotation (its references and anchor) and each plot area (its axes and domain).
READER_VIEW = r"""(() => {
  const viewport = document.documentElement.clientWidth;
  const box = (element, origin) => {
    const b = element.getBoundingClientRect();
    return {x0: b.left - origin.left, y0: b.top - origin.top, x1: b.right - origin.left, y1: b.bottom - origin.top};
  };
  const page = {left: -window.scrollX, top: -window.scrollY};
  const label = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    Array.from(el.classList).slice(0, 2).map(c => '.' + c).join('') +
    (el.innerText ? ' "' + el.innerText.trim().replace(/\s+/g, ' ').slice(0, 50) + '"' : '');
  const fits = el => {   // inside a scroll (or clipping) container that itself fits the viewport
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== 'visible') return a.getBoundingClientRect().right <= viewport + 1;
    }
    return false;
  };
  const sticking = Array.from(document.body.querySelectorAll('*')).filter(el => {
    if (el.closest('svg')) return false;
    const b = el.getBoundingClientRect();
    return b.width > 0 && b.height > 0 && (b.right > viewport + 1 || b.left < -1) && !fits(el);
  });
  const outermost = sticking.filter(el => !sticking.includes(el.parentElement));
  const overflow = outermost.map(el => ({element: label(el), width: Math.round(el.getBoundingClientRect().width),
                                         right: Math.round(el.getBoundingClientRect().right)}))
                            .sort((a, b) => b.width - a.width).slice(0, 5);
  const figures = Array.from(document.querySelectorAll('.plotly-graph-div')).map((gd, index) => {
    const layout = gd._fullLayout, svg = gd.querySelector('.main-svg');
    const title = gd.querySelector('text.gtitle');
    const words = el => Array.from(el.querySelectorAll('tspan.line')).map(t => t.textContent).join(' ') ||
                        el.textContent;
    const figure = {index, id: gd.id, title: title ? words(title).trim() : '', boxes: [],
                    width: layout ? layout.width : 0, height: layout ? layout.height : 0,
                    svg_text: Array.from(gd.querySelectorAll('svg text')).map(t => t.textContent).join('\n')};
    if (!layout || !svg) return figure;
    const origin = svg.getBoundingClientRect(), size = layout._size;
    const area = domain => ({x0: size.l + domain.x[0] * size.w, x1: size.l + domain.x[1] * size.w,
                             y0: size.t + (1 - domain.y[1]) * size.h, y1: size.t + (1 - domain.y[0]) * size.h});
    for (const id of (layout._subplots.cartesian || [])) {
      const plot = layout._plots[id];
      if (!plot) continue;
      const domain = {x: plot.xaxis.domain, y: plot.yaxis.domain};
      figure.boxes.push({kind: 'plot', name: 'plot area ' + id, xaxis: plot.xaxis._id, yaxis: plot.yaxis._id,
                         domain, ...area(domain)});
    }
    for (const kind of ['geo', 'polar', 'ternary', 'map', 'mapbox', 'smith', 'gl3d'])
      for (const id of (layout._subplots[kind] || []))
        if (layout[id] && layout[id].domain)
          figure.boxes.push({kind: 'plot', name: 'plot area ' + id, xaxis: null, yaxis: null,
                             domain: layout[id].domain, ...area(layout[id].domain)});
    for (const trace of gd._fullData || [])
      if (trace.visible === true && trace.domain && !trace.xaxis && !trace.geo && !trace.subplot)
        figure.boxes.push({kind: 'plot', name: 'plot area of ' + trace.type + ' ' + (trace.name || trace.index),
                           xaxis: null, yaxis: null, domain: trace.domain, ...area(trace.domain)});
    if (figure.title) figure.boxes.push({kind: 'title', name: figure.title, ...box(title, origin)});
    for (const key of Object.keys(layout).filter(k => /^[xy]axis\d*$/.test(k))) {
      const id = layout[key]._id;
      const labels = Array.from(gd.querySelectorAll('g.' + id + 'tick > text')).filter(t => t.textContent.trim());
      if (labels.length) {
        const all = labels.map(t => box(t, origin));
        figure.boxes.push({kind: 'axis', name: id + ' axis tick labels', x0: Math.min(...all.map(b => b.x0)),
                           y0: Math.min(...all.map(b => b.y0)), x1: Math.max(...all.map(b => b.x1)),
                           y1: Math.max(...all.map(b => b.y1))});
      }
      const axisTitle = gd.querySelector('.g-' + id + 'title text');
      if (axisTitle && axisTitle.textContent.trim())
        figure.boxes.push({kind: 'axis', name: id + ' axis title "' + words(axisTitle).trim() + '"',
                           ...box(axisTitle, origin)});
    }
    for (const legend of gd.querySelectorAll('.infolayer > g')) {
      const id = Array.from(legend.classList).find(c => /^legend\d*$/.test(c));
      const background = id && legend.querySelector(':scope > rect.bg');
      if (!background) continue;
      const heading = legend.querySelector('.legendtitletext');
      const entries = legend.querySelector('.scrollbox');   // every entry, also those scrolled out of sight
      figure.boxes.push({kind: 'legend', name: heading ? words(heading).trim() : id,
                         shown_height: background.getBBox().height,
                         entries_height: entries ? entries.getBBox().height : 0, ...box(background, origin)});
    }
    for (const group of gd.querySelectorAll('.infolayer > g.annotation')) {
      const text = group.querySelector('.annotation-text-g');
      const spec = layout.annotations[+group.getAttribute('data-index')];
      if (!text || !spec || !text.textContent.trim()) continue;
      figure.boxes.push({kind: 'annotation', name: words(text).trim().slice(0, 60),
                         xref: spec.xref, yref: spec.yref, x: spec.x, y: spec.y, textangle: spec.textangle,
                         ...box(text, origin)});
    }
    for (const bar of gd.querySelectorAll('.infolayer > g.colorbar')) {
      const heading = bar.querySelector('.cbtitle');
      figure.boxes.push({kind: 'colorbar', name: heading ? words(heading).trim() : 'colour bar',
                         ...box(bar, origin)});
    }
    for (const menu of gd.querySelectorAll('g.slider-container, g.updatemenu-container'))
      if (menu.getBoundingClientRect().width > 0)
        figure.boxes.push({kind: menu.classList.contains('slider-container') ? 'slider' : 'menu',
                           name: menu.classList.contains('slider-container') ? 'slider' : 'menu',
                           ...box(menu, origin)});
    return figure;
  });
  return {viewport, scroll_width: document.documentElement.scrollWidth,
          height: document.documentElement.scrollHeight, overflow,
          text: document.body ? document.body.innerText : '', figures};
})()"""


def overlap(a: dict, b: dict) -> tuple[float, float]:
    """Width and height of the rectangle two boxes (x0, y0, x1, y1) share; (0, 0) when they are apart.

    >>> overlap({"x0": 0, "y0": 0, "x1": 10, "y1": 10}, {"x0": 6, "y0": 8, "x1": 20, "y1": 20})
    (4, 2)
    >>> overlap({"x0": 0, "y0": 0, "x1": 10, "y1": 10}, {"x0": 10, "y0": 0, "x1": 20, "y1": 10})
    (0, 0)
    """
    width = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    height = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
    return (width, height) if width > 0 and height > 0 else (0, 0)


def placed_on(annotation: dict, plot: dict) -> bool:
    """Whether an annotation is placed on a plot area, and so may cover it: along x and along y, it refers to the
    plot's own axis (its data or its domain), or to the paper with its anchor strictly inside the plot's domain.

    >>> plot = {"xaxis": "x", "yaxis": "y", "domain": {"x": [0, 1], "y": [0, 0.45]}}
    >>> placed_on({"xref": "x", "yref": "y domain", "x": "2019-04-01", "y": 1}, plot)   # a phase label
    True
    >>> placed_on({"xref": "paper", "yref": "paper", "x": 0.5, "y": 0.2}, plot)   # "no data" in the middle
    True
    >>> placed_on({"xref": "paper", "yref": "paper", "x": 0.5, "y": 0.45}, plot)  # a subplot title on its edge
    False
    >>> placed_on({"xref": "x2", "yref": "y2", "x": 1, "y": 1}, plot)         # another subplot's label
    False
    """
    for ref, value, own, (low, high) in (
            (annotation["xref"], annotation["x"], plot.get("xaxis"), plot["domain"]["x"]),
            (annotation["yref"], annotation["y"], plot.get("yaxis"), plot["domain"]["y"])):
        if own and ref in (own, f"{own} domain"):
            continue
        if ref != "paper" or not low < float(value) < high:
            return False
    return True


# Pairs of kinds whose boxes may overlap (the module docstring says why); an annotation over a plot area is
# decided by placed_on.
MAY_OVERLAP = {frozenset({"plot"}), frozenset({"axis"}), frozenset({"axis", "plot"})}


def counts(a: dict, b: dict) -> bool:
    """Whether two overlapping boxes of one figure are a finding (the rule in the module docstring).

    >>> plot = {"kind": "plot", "xaxis": "x", "yaxis": "y", "domain": {"x": [0, 1], "y": [0, 1]}}
    >>> counts({"kind": "legend"}, plot), counts(plot, dict(plot)), counts({"kind": "axis"}, plot)
    (True, False, False)
    >>> counts({"kind": "annotation", "xref": "paper", "yref": "paper", "x": 0, "y": 0}, plot)
    True
    """
    kinds = frozenset({a["kind"], b["kind"]})
    if kinds in MAY_OVERLAP:
        return False
    if kinds == {"annotation", "plot"}:
        annotation, plot = (a, b) if a["kind"] == "annotation" else (b, a)
        return not placed_on(annotation, plot)
    return True


def _figure_name(figure: dict) -> str:
    return f'figure "{figure["title"] or figure.get("id", "")}"'


def figure_overlaps(figure: dict) -> list[str]:
    """Every pair of a figure's boxes that a reader sees drawn over each other (the module docstring's rule), as
    'figure "<title>": <kind> "<name>" overlaps <kind> "<name>" by <w> × <h> px'."""
    found, boxes = [], figure["boxes"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            width, height = overlap(a, b)
            if width > TOLERANCE_PX and height > TOLERANCE_PX and counts(a, b):
                found.append(f'{_figure_name(figure)}: {a["kind"]} "{a["name"]}" overlaps {b["kind"]} '
                             f'"{b["name"]}" by {width:.0f} × {height:.0f} px')
    return found


def cut_at_edge(figure: dict) -> list[str]:
    """Every box but a plot area that reaches more than TOLERANCE_PX past the figure's edges (width × height).

    >>> cut_at_edge({"title": "Links", "width": 1000, "height": 500, "boxes": [
    ...     {"kind": "annotation", "name": "Phase 3", "x0": 900, "y0": 10, "x1": 1048, "y1": 26},
    ...     {"kind": "plot", "name": "plot area xy", "x0": 80, "y0": 10, "x1": 1020, "y1": 450}]})
    ['figure "Links": annotation "Phase 3" is cut off 48 px past the right edge']
    """
    found = []
    for b in figure["boxes"]:
        if b["kind"] == "plot":
            continue
        for side, past in (("left", -b["x0"]), ("top", -b["y0"]), ("right", b["x1"] - figure["width"]),
                           ("bottom", b["y1"] - figure["height"])):
            if past > TOLERANCE_PX:
                found.append(f'{_figure_name(figure)}: {b["kind"]} "{b["name"]}" is cut off {past:.0f} px past '
                             f'the {side} edge')
    return found


def legend_scrolls(figure: dict) -> list[str]:
    """Every legend whose entries are taller than the legend shown: plotly gave it a scroll bar.

    >>> legend_scrolls({"title": "Members", "boxes": [{"kind": "legend", "name": "Sector",
    ...     "shown_height": 270, "entries_height": 330.5}, {"kind": "legend", "name": "legend2",
    ...     "shown_height": 60, "entries_height": 52}]})
    ['figure "Members": legend "Sector" scrolls: its entries are 330 px tall, it shows 270 px']
    """
    return [f'{_figure_name(figure)}: legend "{b["name"]}" scrolls: its entries are {b["entries_height"]:.0f} px '
            f'tall, it shows {b["shown_height"]:.0f} px'
            for b in figure["boxes"]
            if b["kind"] == "legend" and b["entries_height"] > b["shown_height"] + TOLERANCE_PX]


def raw_value_words(text: str) -> list[str]:
    """Each raw missing-value word in a reader's text (:data:`RAW_VALUE_WORDS`), with up to 15 characters of
    context either side (white space squeezed).

    >>> raw_value_words("Budget: NaN EUR; None of the partners; owner: None")
    ['"Budget: NaN EUR; None of t"', '"rtners; owner: None"']
    >>> raw_value_words("Nancy, nano-scale, nonetheless, NaNs")
    []
    """
    found = []
    for match in RAW_VALUE_WORDS.finditer(text):
        context = text[max(0, match.start() - 15): match.end() + 15]
        found.append('"' + " ".join(context.split()) + '"')
    return found


def overflow_problems(view: dict) -> list[str]:
    """The page's sideways overflow: wider than its viewport, naming the outermost elements that stick out.

    >>> overflow_problems({"viewport": 1280, "scroll_width": 1280, "overflow": []})
    []
    >>> overflow_problems({"viewport": 1280, "scroll_width": 1500, "overflow": [
    ...     {"element": "table.dataframe", "width": 1400, "right": 1500}]})
    ['page is 1500 px wide in a 1280 px viewport: table.dataframe (1400 px wide, right edge at 1500 px)']
    """
    if view["scroll_width"] <= view["viewport"] + OVERFLOW_TOLERANCE_PX:
        return []
    culprits = "; ".join(f'{o["element"]} ({o["width"]} px wide, right edge at {o["right"]} px)'
                         for o in view["overflow"]) or "no single element named"
    return [f'page is {view["scroll_width"]} px wide in a {view["viewport"]} px viewport: {culprits}']
