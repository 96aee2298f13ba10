"""Design tokens: the one set of colours and fonts. Figures (figures/theme) and the report pages'
stylesheet (reports/templates/clusterix.css) both take theirs from here, so a page and its charts always match.

>>> PALETTE[0], MUTED
('#0072B2', '#6b6b6b')
"""
from __future__ import annotations

FONT = "Inter, Segoe UI, Helvetica Neue, Arial, sans-serif"
TEXT = "#222"
# Qualitative palette (colour-blind safe, Okabe-Ito order) used for partners, types and phases.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
           "#999999", "#882255"]
SEQUENTIAL = "Blues"
PHASE_FILL = ["rgba(0,114,178,0.08)", "rgba(230,159,0,0.10)", "rgba(0,158,115,0.10)", "rgba(204,121,167,0.10)"]
MUTED = "#6b6b6b"
# A run's outcome on the report pages: done (green), failed or over its time limit (vermilion), not run (grey).
STATUS = {"ok": PALETTE[2], "failed": PALETTE[3], "timeout": PALETTE[3], "skipped": PALETTE[8]}
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
