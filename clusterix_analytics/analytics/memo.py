"""Analyses remembered by the content of the tables they read: the same tables (the same values, in the same
order) give the remembered result, at the cost of hashing them; a changed value is a new computation.

A partner profile compares its partner with every partner: the same numbers for each of a project's profiles.
The report runner's fork server computes them once for a snapshot
(:func:`clusterix_analytics.views.partner_profile.prepare`) and every run's kernel, forked from it, finds them
here.

>>> calls = []
>>> @by_content
... def total(frame):
...     calls.append(1)
...     return frame.sum()
>>> frame = pd.DataFrame({"value": [1, 2]})
>>> int(total(frame)["value"]), int(total(frame.copy())["value"]), len(calls)
(3, 3, 1)
>>> int(total(frame.assign(value=[1, 5]))["value"]), len(calls)
(6, 2)
"""
from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict

import pandas as pd

KEPT = 8   # results kept per function, the oldest forgotten first (a lab session may try many tables)


def fingerprint(frame: pd.DataFrame) -> str:
    """A digest of a table's columns, dtypes and values in order (the index left out).

    >>> a = pd.DataFrame({"x": ["a", "b"]})
    >>> fingerprint(a) == fingerprint(a.copy()), fingerprint(a) == fingerprint(a.iloc[::-1])
    (True, False)
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def by_content(function):
    """``function`` of DataFrames (and hashable values), remembered by their content: a caller gets a copy
    of the result, never the remembered one (what it changes in it stays its own)."""
    kept: OrderedDict = OrderedDict()

    @functools.wraps(function)
    def remembered(*args):
        key = tuple(fingerprint(a) if isinstance(a, pd.DataFrame) else a for a in args)
        if key in kept:
            kept.move_to_end(key)
        else:
            kept[key] = function(*args)
            while len(kept) > KEPT:
                kept.popitem(last=False)
        return kept[key].copy()

    remembered.forget = kept.clear
    return remembered
