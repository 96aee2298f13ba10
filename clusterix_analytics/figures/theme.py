"""The one look of every figure: colours, fonts, and the source / demo-data footnote.

>>> import plotly.graph_objects as go
>>> from clusterix_analytics.figures.theme import apply_theme
>>> fig = apply_theme(go.Figure(), title="Partners", note="Source: project brochure")
>>> fig.layout.template.layout.font.family
'Inter, Segoe UI, Helvetica Neue, Arial, sans-serif'
"""
from __future__ import annotations

import math
import textwrap
import unicodedata

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from clusterix_analytics.data.provenance import synthetic_rows
from clusterix_analytics.style import (  # noqa: F401 - re-exported to the builders
    FONT,
    MUTED,
    NEUTRAL_GREY,
    PALETTE,
    PATTERNS,
    PHASE_FILL,
    SEQUENTIAL,
    contrast_ratio,
    label_colour,
)
from clusterix_analytics.text import figure_text  # noqa: F401 - re-exported: every builder escapes data with it

TEMPLATE_NAME = "clusterix"
NOTE_NAME = "source note"  # the footnote's annotation name: builders that move it find it by this

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
# plotly's line height, as a multiple of the font size (its LINE_SPACING), and the 1 px pad around an annotation.
LINE_SPACING = 1.3
# plotly's slider: a step's tick sits this far inside the rail's ends (constants.stepInset of plotly.js).
SLIDER_STEP_INSET_PX = 10
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
                           yshift=-62, showarrow=False, font=dict(size=11, color=MUTED), align="left",
                           name=NOTE_NAME)
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


def wrap_to_width(text: str, width_px: float, size: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width_px`` at font ``size`` (a word wider than that
    keeps a line of its own; a dash stays at the end of its line).

    >>> wrap_to_width("Phase 2 – action plan implementation", 140, 13)
    ['Phase 2 – action plan', 'implementation']
    """
    words: list[str] = []
    for word in str(text).split():
        if words and word in ("–", "—", "-"):   # a dash ends a line, never starts one
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
    lines: list[str] = []
    for word in words:
        if lines and text_width(f"{lines[-1]} {word}", size) <= width_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def balanced_lines(text: str, width_px: float, size: float) -> list[str]:
    """As many lines as :func:`wrap_to_width` makes, but of even widths (the narrowest that still needs no
    more lines), so a wrapped label is a block, not a long line and a stub.

    >>> wrap_to_width("Stage 1 – interregional learning", 180, 13)
    ['Stage 1 – interregional', 'learning']
    >>> balanced_lines("Stage 1 – interregional learning", 180, 13)
    ['Stage 1 –', 'interregional learning']
    """
    lines = wrap_to_width(text, width_px, size)
    total = text_width(" ".join(lines), size)
    narrow = total / len(lines) if lines else width_px
    while narrow < width_px and len(wrap_to_width(text, narrow, size)) > len(lines):
        narrow += 2
    return wrap_to_width(text, min(narrow, width_px), size)


def note_height(text: str, size: float = 11) -> float:
    """Height in px of an annotation's text of ``<br>``-separated lines at font ``size``, with its 1 px pad.

    >>> note_height("Demo data – not real figures.<br>Buttons choose the phase.")   # 2 × 11 × 1.3 + 2
    30.6
    """
    return (str(text).count("<br>") + 1) * size * LINE_SPACING + 2


def _font_size(fig: go.Figure, font) -> float:
    """A component's font size, else the figure's, else its template's (the theme's 13)."""
    template = fig.layout.template.layout.font.size if fig.layout.template else None
    return font.size or fig.layout.font.size or template or 13


def fit_sliders(fig: go.Figure, line_px: float = 180) -> go.Figure:
    """Keep every slider's step labels inside the slider: each label wrapped into lines of at most ``line_px``,
    and the rail inset (``pad`` l / r) by what the first and last labels, centred on its end ticks, need. A slider
    that spans the plot area (``x=0, len=1``) then never draws a label past the plot's sides, at any figure width.
    Step labels are plotly text already (escaped): they are only wrapped.

    >>> fig = fit_sliders(go.Figure(layout=dict(font=dict(size=10), sliders=[dict(steps=[
    ...     dict(label="Start"), dict(label="Follow-up: monitoring and evaluation")])])), line_px=150)
    >>> [step.label for step in fig.layout.sliders[0].steps]
    ['Start', 'Follow-up: monitoring<br>and evaluation']
    >>> fig.layout.sliders[0].pad.l, fig.layout.sliders[0].pad.r   # ⌈23.2 / 2 − 10⌉, ⌈105.1 / 2 − 10⌉
    (2, 43)
    """
    for slider in fig.layout.sliders:
        size = _font_size(fig, slider.font)
        halves = []
        for step in slider.steps:
            lines = balanced_lines(step.label or "", line_px, size)
            step.label = "<br>".join(lines)
            halves.append(max((text_width(line, size) for line in lines), default=0) / 2)
        if halves:
            slider.pad.l = max(slider.pad.l or 0, math.ceil(halves[0] - SLIDER_STEP_INSET_PX))
            slider.pad.r = max(slider.pad.r or 0, math.ceil(halves[-1] - SLIDER_STEP_INSET_PX))
    return fig


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
