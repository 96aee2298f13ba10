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

import numpy as np
import pandas as pd

KEPT = 8   # results kept per function, the oldest forgotten first (a lab session may try many tables)


def fingerprint(frame: pd.DataFrame) -> str:
    """A digest of a table's columns, dtypes and values in order (the index left out).

    A table whose columns are the very memory of a table hashed before gets that table's digest without
    hashing again (:func:`_memory`): a report's kernels, forked from the process that hashed the project, do
    not hash it again.

    >>> a = pd.DataFrame({"x": ["a", "b"]})
    >>> fingerprint(a) == fingerprint(a.copy()), fingerprint(a) == fingerprint(a.iloc[::-1])
    (True, False)
    """
    memory = _memory(frame)
    if memory is not None and memory[0] in _HASHED:
        _HASHED.move_to_end(memory[0])
        return _HASHED[memory[0]][0]
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    if memory is not None:
        where, arrays = memory
        _HASHED[where] = (digest.hexdigest(), frame.copy(deep=False), arrays)
        while len(_HASHED) > 2 * KEPT:
            _HASHED.popitem(last=False)
    return digest.hexdigest()


# Digests by the memory of the tables hashed. Each is kept with a shallow copy of its table and the arrays
# its address was read from: they keep that memory alive (no other array is put there while the digest is
# kept), and with copy-on-write (pandas 3) a table sharing memory with the copy writes to a copy of its own,
# never to that memory: the same address is the same values.
_HASHED: OrderedDict = OrderedDict()


def _memory(frame: pd.DataFrame) -> tuple[tuple, list] | None:
    """Where a table's values are: per column its name, dtype and the address, shape and strides of its
    values' memory, with the arrays read; None for a table with a column of Python objects (which a caller
    may change in place).

    >>> a = pd.DataFrame({"x": [1.0, 2.0], "y": ["a", "b"]})
    >>> _memory(a)[0] == _memory(a.copy(deep=False))[0], _memory(a)[0] == _memory(a.copy())[0]
    (True, False)
    >>> _memory(pd.DataFrame({"x": [[1], [2]]})) is None
    True
    """
    where, arrays = [len(frame)], []
    for i, (column, dtype) in enumerate(frame.dtypes.items()):
        if pd.api.types.is_object_dtype(dtype):
            return None
        values = np.asarray(frame.iloc[:, i].array)   # a view of the column's memory, or a copy made now
        where.append((str(column), str(dtype), values.__array_interface__["data"][0], values.shape,
                      values.strides))
        arrays.append(values)
    return tuple(where), arrays


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
