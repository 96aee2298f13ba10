"""Content memo (analytics/memo.py): a table is hashed once per memory it lives in, and a changed value is
always seen, whichever table shares the memory and whoever writes to it."""
from __future__ import annotations

import pandas as pd
import pytest

from clusterix_analytics.analytics import memo


@pytest.fixture
def hashes(monkeypatch) -> list[int]:
    """The number of rows hashed, one entry per hashing."""
    hashed: list[int] = []
    real = pd.util.hash_pandas_object
    monkeypatch.setattr(pd.util, "hash_pandas_object", lambda frame, **k: hashed.append(len(frame)) or real(frame, **k))
    monkeypatch.setattr(memo, "_HASHED", type(memo._HASHED)())
    return hashed


def table() -> pd.DataFrame:
    return pd.DataFrame({"partner_id": ["a", "b", "a"], "value": [1.0, 2.0, 3.0],
                         "day": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01"])})


def test_a_table_sharing_the_memory_of_one_hashed_is_not_hashed_again(hashes):
    frame = table()
    digest = memo.fingerprint(frame)
    assert memo.fingerprint(frame.copy(deep=False)) == digest       # a dataset's copy, as cx.load gives
    assert memo.fingerprint(frame[["partner_id", "value", "day"]]) == digest   # its columns selected
    assert hashes == [3]
    assert memo.fingerprint(frame.copy()) == digest                 # the same values elsewhere: hashed, equal
    assert hashes == [3, 3]


def test_a_value_written_into_a_shared_table_or_into_the_hashed_one_changes_the_digest(hashes):
    frame = table()
    digest = memo.fingerprint(frame)
    shared = frame.copy(deep=False)
    shared.loc[1, "value"] = 20.0
    changed = memo.fingerprint(pd.DataFrame({"partner_id": ["a", "b", "a"], "value": [1.0, 20.0, 3.0],
                                             "day": frame["day"].copy()}))
    assert memo.fingerprint(shared) == changed != digest
    del shared
    frame.loc[0, "partner_id"] = "c"          # the table hashed first, written to after its hashing
    assert frame["partner_id"].tolist() == ["c", "b", "a"]
    assert memo.fingerprint(frame) == memo.fingerprint(frame.copy()) != digest
    assert memo.fingerprint(table()) == digest


def test_a_column_of_python_objects_is_hashed_every_time(hashes):
    frame = pd.DataFrame({"partner_id": ["a", "b"], "note": [None, "x"]}).astype({"note": object})
    assert memo.fingerprint(frame) == memo.fingerprint(frame.copy(deep=False))
    assert hashes == [2, 2]


def test_partner_rows_are_the_rows_a_comparison_selects_and_follow_a_changed_table(hashes):
    from clusterix_analytics.analytics.profile import partner_rows

    frame = table()
    assert partner_rows(frame, "a")["value"].tolist() == [1.0, 3.0]
    assert partner_rows(frame.copy(deep=False), "b")["value"].tolist() == [2.0]
    assert hashes == [3]                       # one table's positions found once
    moved = frame.copy(deep=False)
    moved.loc[1, "partner_id"] = "a"
    assert partner_rows(moved, "a")["value"].tolist() == [1.0, 2.0, 3.0]
    assert partner_rows(frame, "a")["value"].tolist() == [1.0, 3.0]
