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


SOURCED, DEMO, MIXED = "sourced", "demo", "mixed"
PROVENANCE_WORDS = {SOURCED: "sourced", DEMO: "demo data", MIXED: "partly demo data"}


def provenance(*frames: pd.DataFrame) -> str:
    """Where a number drawn from ``frames`` comes from: ``sourced``, ``demo`` or ``mixed``.

    No rows at all is ``sourced``: nothing demo went into it.

    >>> provenance(pd.DataFrame({"synthetic": [False]})), provenance(pd.DataFrame({"synthetic": [True, False]}))
    ('sourced', 'mixed')
    >>> provenance(pd.DataFrame({"synthetic": [True]}))
    'demo'
    """
    synthetic, total = synthetic_rows(*frames)
    if synthetic == 0:
        return SOURCED
    return DEMO if synthetic == total else MIXED
