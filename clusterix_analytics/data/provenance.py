"""Provenance of rows: every row is a sourced fact (a URL in ``source``) or demo data (``synthetic`` true).

Pure functions over frames, used by every layer that says how much of what it shows is demo data.
"""
from __future__ import annotations

import pandas as pd


def synthetic_rows(*frames: pd.DataFrame) -> tuple[int, int]:
    """(demo rows, all rows) over ``frames``; a frame without a ``synthetic`` column is all sourced.

    >>> synthetic_rows(pd.DataFrame({"synthetic": [True, False]}), pd.DataFrame({"x": [1]}))
    (1, 3)
    """
    total = sum(len(f) for f in frames)
    synthetic = sum(int(f["synthetic"].sum()) for f in frames if "synthetic" in f)
    return synthetic, total
