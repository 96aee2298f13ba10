"""The one look of every figure: colours, fonts, and the source / demo-data footnote.

>>> import plotly.graph_objects as go
>>> from clusterix_analytics.figures.theme import apply_theme
>>> fig = apply_theme(go.Figure(), title="Partners", note="Source: project brochure")
>>> fig.layout.template.layout.font.family
'Inter, Segoe UI, Helvetica Neue, Arial, sans-serif'
"""
from __future__ import annotations

import textwrap
import unicodedata

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from clusterix_analytics.data.provenance import synthetic_rows
from clusterix_analytics.style import (  # noqa: F401 - re-exported to the builders
    FONT,
    MUTED,
    PALETTE,
    PHASE_FILL,
    SEQUENTIAL,
    contrast_ratio,
    label_colour,
)
from clusterix_analytics.text import figure_text  # noqa: F401 - re-exported: every builder escapes data with it

TEMPLATE_NAME = "clusterix"

# Widths of text, for labels that must fit a span in px before the browser measures them. Advance widths of
# Arial / Helvetica (and of Liberation Sans, metric-compatible, which Chromium draws when neither is installed) in
# thousandths of the font size, by character; other characters count 0.6 (wide East Asian ones 1.0).
_CHAR_WIDTHS = {ch: width for chars, width in (
    ("'", 191), ("ijl", 222), ("|", 260), (" !,./:;I[\\]ft", 278), ("()-`r", 333), ("{}", 334), ('"', 355),
    ("*", 389), ("^", 469), ("Jcksvxyz", 500), ("#$0123456789?L_abdeghnopqu–", 556), ("+<=>~", 584),
    ("FTZ", 611), ("&ABEKPSVXY", 667), ("CDHNRUw", 722), ("GOQ", 778), ("Mm", 833), ("%", 889), ("W", 944),
    ("@", 1015), ("…—", 1000)) for ch in chars}
# Inter and Segoe UI, ahead of Arial in the theme's font stack, run up to about 10 % wider.
TEXT_WIDTH_MARGIN = 1.1
# The narrowest plot area a full-width figure gets in a report's 1100 px column (a left margin for partner names
# and a legend at the right take ~340 px): labels fitted to it fit every full-width figure.
PLOT_WIDTH_PX = 760
ELLIPSIS = "…"
# Where a long name may be cut to its head: "Phase 2 – action plan" → "Phase 2".
_HEAD_SEPARATORS = (" – ", " — ", " - ", ": ", " (")

pio.templates[TEMPLATE_NAME] = go.layout.Template(
    layout=dict(
        font=dict(family=FONT, size=13, color="#222"),
        title=dict(font=dict(size=17), x=0.0, xanchor="left"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(showgrid=True, gridcolor="#ececec", zeroline=False, linecolor="#bbb", automargin=True),
        yaxis=dict(showgrid=True, gridcolor="#ececec", zeroline=False, linecolor="#bbb", automargin=True),
        legend=dict(bgcolor="rgba(255,255,255,0.7)"),
        margin=dict(l=60, r=30, t=70, b=110),
        hoverlabel=dict(font=dict(family=FONT)),
    )
)


def source_note(*frames: pd.DataFrame, sources: str = "sources in data/") -> str:
    """The footnote for a figure drawn from ``frames``: says how much of it is demo data.

    >>> import pandas as pd
    >>> source_note(pd.DataFrame({"synthetic": [True, False, False, False]}))
    'Demo data: 1 of 4 rows are synthetic (25%). Other rows: sources in data/.'
    """
    synthetic, total = synthetic_rows(*frames)
    if total and synthetic == total:
        return "Demo data (synthetic, seeded generator) – not real figures."
    if synthetic:
        return (f"Demo data: {synthetic} of {total} rows are synthetic ({synthetic / total:.0%}). "
                f"Other rows: {sources}.")
    return f"Source: {sources}."


def _is_colour(value) -> bool:
    return isinstance(value, str) and (value.startswith("#") and len(value) == 7 or value.startswith("rgb("))


def _labels_on_fills(fig: go.Figure) -> None:
    """Text on fills stays readable: a bar's inside label is black or white by its bar's colour
    (:func:`label_colour`); a heatmap's cell labels, whose colour plotly picks per cell between white and
    dark grey (as low as 3.2 : 1 on mid-blue), get a halo of the opposite colour (plotly's ``shadow: auto``).
    """
    for trace in fig.data:
        if trace.type == "bar" and trace.text is not None and trace.textposition in (None, "auto", "inside") \
                and trace.insidetextfont.color is None:
            fill = trace.marker.color
            if _is_colour(fill):
                trace.insidetextfont.color = label_colour(fill)
            elif isinstance(fill, list | tuple) and fill and all(_is_colour(c) for c in fill):
                trace.insidetextfont.color = [label_colour(c) for c in fill]
        elif trace.type == "heatmap" and trace.texttemplate and trace.textfont.shadow is None:
            trace.textfont.shadow = "auto"


def apply_theme(fig: go.Figure, title: str, note: str | None = None, height: int | None = None) -> go.Figure:
    """Apply the workbook's template, a title that says what the figure shows, a footnote, and readable
    labels on fills (:func:`label_colour`)."""
    fig.update_layout(template=TEMPLATE_NAME, title_text=title)
    _labels_on_fills(fig)
    if height:
        fig.update_layout(height=height)
    if note:
        # Below the x-axis title (which sits ~45 px under the plot area), inside the bottom margin.
        fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                           yshift=-62, showarrow=False, font=dict(size=11, color=MUTED), align="left")
    return fig


def wrap_text(text, width: int = 70) -> str:
    """A label from the data broken into lines of at most ``width`` characters for plotly (``<br>``), each line
    escaped (:func:`~clusterix_analytics.text.figure_text`); "" for no text.

    >>> wrap_text("Additional activities – COVID-19 recovery", 24), wrap_text(None)
    ('Additional activities –<br>COVID-19 recovery', '')
    >>> wrap_text("<b>R&D</b> support", 12)
    '&lt;b&gt;R&amp;D&lt;/b&gt;<br>support'
    """
    if not isinstance(text, str) or not text:
        return ""
    return "<br>".join(figure_text(line) for line in textwrap.wrap(text, width))


def text_width(text: str, size: float) -> float:
    """Estimated width in px of one line of plain ``text`` at font ``size`` px, with :data:`TEXT_WIDTH_MARGIN`
    for the wider fonts of the stack.

    >>> round(text_width("Phase 1", 10) / TEXT_WIDTH_MARGIN, 2)   # (667+556+556+500+556+278+556) / 1000 × 10
    36.69
    """
    def width(ch: str) -> int:
        if ch in _CHAR_WIDTHS:
            return _CHAR_WIDTHS[ch]
        return 1000 if unicodedata.east_asian_width(ch) in "WF" else 600
    return sum(width(ch) for ch in str(text)) * size / 1000 * TEXT_WIDTH_MARGIN


def fit_text(text: str, width_px: float, size: float) -> str:
    """The longest form of ``text`` that fits ``width_px`` on one line at font ``size``: the whole text, else its
    head before a separator (" – ", ": ", " (" …), else its first words (or letters) and "…"; "" when not even
    one letter and "…" fit. Plain text in, plain text out (escape it for plotly afterwards).

    >>> name = "Phase 2 – action plan implementation"
    >>> fit_text(name, 400, 11), fit_text(name, 60, 11), fit_text(name, 30, 11), fit_text(name, 5, 11)
    ('Phase 2 – action plan implementation', 'Phase 2', 'Ph…', '')
    >>> fit_text("Additional activities for recovery", 120, 11)
    'Additional activities…'
    """
    text = " ".join(str(text).split())
    if text_width(text, size) <= width_px:
        return text
    heads = [text[:text.index(sep)] for sep in _HEAD_SEPARATORS if sep in text]
    fitting = [head for head in heads if head and text_width(head, size) <= width_px]
    if fitting:
        return max(fitting, key=len)
    words = text.split(" ")
    for n in range(len(words) - 1, 0, -1):
        cut = " ".join(words[:n]).rstrip(" –—-:,;(") + ELLIPSIS
        if text_width(cut, size) <= width_px:
            return cut
    for n in range(len(words[0]) - 1, 0, -1):
        if text_width(words[0][:n] + ELLIPSIS, size) <= width_px:
            return words[0][:n] + ELLIPSIS
    return ""


def has_data(fig: go.Figure) -> bool:
    """Whether any trace of ``fig`` draws a value: False for a chart whose every trace is empty or unknown
    (a view then says in a sentence why there is nothing to draw).

    >>> has_data(go.Figure(go.Bar(x=[], y=[]))), has_data(go.Figure(go.Bar(x=["a"], y=[None])))
    (False, False)
    >>> has_data(go.Figure([go.Bar(x=[], y=[]), go.Heatmap(z=[[None, 2.0]])]))
    True
    """
    for trace in fig.data:
        values = next((getattr(trace, k) for k in ("z", "values", "lat", "y", "x") if getattr(trace, k, None)
                       is not None), None)
        if trace.type == "sankey":
            values = trace.link.value
        if values is not None and pd.notna(pd.Series(list(values), dtype=object).explode()).any():
            return True
    return False
