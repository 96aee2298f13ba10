"""Design tokens: the one set of colours and fonts. Figures (figures/theme) and the report pages'
stylesheet (reports/templates/clusterix.css) both take theirs from here, so a page and its charts always match.
Text on a fill (a bar, a heatmap cell, a status badge) is black or white by WCAG contrast: :func:`label_colour`.

>>> PALETTE[0], MUTED
('#0072B2', '#6b6b6b')
"""
from __future__ import annotations

FONT = "Inter, Segoe UI, Helvetica Neue, Arial, sans-serif"
TEXT = "#222"
# Qualitative palette used for partners, types, phases and sectors: the eight Okabe-Ito colours, in an order
# whose first N stay apart for every N under simulated protanopia, deuteranopia and tritanopia (CIEDE2000 >= 10,
# tests/unit/test_palette_colour_vision.py). A ninth colour would not: grey #999999 and pink #CC79A7 are 6.2 apart
# for a deuteranope, and Paul Tol's pale set (#88CCEE, #CC6677, #DDCC77) repeats these hues. Beyond eight
# categories a chart repeats the colours with a hatch pattern (PATTERNS) instead of adding colours.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# The fill pattern of the second, third, ... round of PALETTE (plotly marker.pattern.shape).
PATTERNS = ["", "x", ".", "+"]
NEUTRAL_GREY = "#999999"   # not a category: "skipped", "outside every phase"
SEQUENTIAL = "Blues"
PHASE_FILL = ["rgba(0,114,178,0.08)", "rgba(230,159,0,0.10)", "rgba(0,158,115,0.10)", "rgba(204,121,167,0.10)"]
MUTED = "#6b6b6b"
# A run's outcome on the report pages: done (green), failed or over its time limit (vermilion), not run (grey).
STATUS = {"ok": PALETTE[2], "failed": PALETTE[3], "timeout": PALETTE[3], "skipped": NEUTRAL_GREY}
# The report pages' surfaces and rules (figures draw on white and set their own grid colours).
PAGE = {
    "background": "#fafafa",    # behind the page
    "surface": "#fff",          # the page's content, tables of the index
    "header": "#0b3d5c",        # the band above a report page
    "header-link": "#cfe8ff",
    "rule": "#ddd",             # table borders
    "rule-light": "#e3e3e3",    # row separators of the index
    "table-head": "#f2f5f8",
    "code": "#f6f6f6",          # preformatted output
    "error": "#fdecea",         # error output and the failed-run notice
}


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` or ``rgb(r, g, b)`` colour."""
    if colour.startswith("#"):
        channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [float(c) for c in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21).

    >>> round(contrast_ratio("#000000", "#ffffff"), 1), round(contrast_ratio("#0072B2", "#ffffff"), 2)
    (21.0, 5.19)
    """
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def label_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG 2): the colour of text printed on it.

    >>> label_colour("#0072B2"), label_colour("#E69F00"), label_colour("rgb(66, 146, 198)")
    ('#ffffff', '#000000', '#000000')
    """
    return "#000000" if contrast_ratio(fill, "#000000") >= contrast_ratio(fill, "#ffffff") else "#ffffff"
