"""Design tokens: the one set of colours and fonts. Figures (figures/theme) and the report pages'
stylesheet both take theirs from here, so a page and its charts always match.

>>> PALETTE[0], MUTED
('#0072B2', '#6b6b6b')
"""
from __future__ import annotations

FONT = "Inter, Segoe UI, Helvetica Neue, Arial, sans-serif"
# Qualitative palette (colour-blind safe, Okabe-Ito order) used for partners, types and phases.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
           "#999999", "#882255"]
SEQUENTIAL = "Blues"
PHASE_FILL = ["rgba(0,114,178,0.08)", "rgba(230,159,0,0.10)", "rgba(0,158,115,0.10)", "rgba(204,121,167,0.10)"]
MUTED = "#6b6b6b"
