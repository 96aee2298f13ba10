"""The combination rules, every (aggregation, unit) pair against values worked out by hand.

Two partners: a reports 2 then 3, b reports 5 then 1 (period order); the project target is 10.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from clusterix_analytics.analytics import aggregation as agg

VALUES = {"a": [2, 3], "b": [5, 1]}
TARGET, PARTNERS = 10, 2

# aggregation, unit -> (a over periods, b over periods, all partners, a cumulative, partner target)
CASES = {
    ("sum", "events"): (5, 6, 11, [2, 5], 5),       # flows add up over periods and partners
    ("sum", "EUR"): (5, 6, 11, [2, 5], 5),
    ("sum", "percent"): (5, 6, 5.5, [2, 5], 10),    # a rate is averaged across partners
    ("last", "events"): (3, 1, 4, [2, 3], 5),       # levels: latest value, partners add up
    ("last", "EUR"): (3, 1, 4, [2, 3], 5),
    ("last", "percent"): (3, 1, 2, [2, 3], 10),     # the mean of the latest rates: (3 + 1) / 2
    ("max", "events"): (3, 5, 5, [2, 3], 10),       # the largest, over periods and partners
    ("max", "EUR"): (3, 5, 5, [2, 3], 10),
    ("max", "percent"): (3, 5, 5, [2, 3], 10),
}


@pytest.mark.parametrize(("aggregation", "unit"), sorted(CASES))
def test_every_rule_by_hand(aggregation, unit):
    a, b, everyone, cumulative, share = CASES[(aggregation, unit)]
    assert agg.over_periods(VALUES["a"], aggregation) == a
    assert agg.over_periods(VALUES["b"], aggregation) == b
    assert agg.all_partners_value(VALUES, aggregation, unit) == everyone
    assert agg.cumulate(pd.Series(VALUES["a"], dtype=float), aggregation).tolist() == cumulative
    combination = agg.partner_combination({"aggregation": aggregation, "unit": unit})
    assert agg.partner_target(TARGET, combination, PARTNERS) == share


def test_every_pair_is_covered():
    assert set(CASES) == {(a, u) for a in ("sum", "last", "max") for u in ("events", "EUR", "percent")}


def test_unknown_values_are_skipped_and_nothing_known_is_unknown():
    assert agg.over_periods([None, 4, None], "sum") == 4
    assert agg.over_periods([4, None], "last") == 4       # the latest *known* value
    assert math.isnan(agg.over_periods([None, None], "sum"))
    assert agg.all_partners_value({"a": [None], "b": [2]}, "sum", "events") == 2
    assert math.isnan(agg.all_partners_value({"a": []}, "last", "percent"))


def test_rules_are_stated_in_words():
    assert agg.rule_in_words("last", "percent") == (
        "all partners: the average of each partner's latest value (each partner counts once)")
    assert agg.rule_in_words("last", "people") == "all partners: the sum of each partner's latest value"
    assert agg.rule_in_words("max", "score") == "all partners: the largest value of any partner in any period"


def test_an_unknown_aggregation_is_refused():
    with pytest.raises(ValueError, match="unknown aggregation 'mean'; valid: sum, last, max"):
        agg.over_periods([1], "mean")


def test_periods_aggregate_to_the_same_columns_with_and_without_rows():
    rows = pd.DataFrame({"indicator_id": ["a", "a"], "period": [1, 2], "period_end": [1, 2], "value": [2.0, 3.0],
                         "aggregation": ["sum", "sum"], "synthetic": [False, True]})
    full = agg.aggregate_periods(rows, ["indicator_id"])
    assert full.to_dict("records") == [{"indicator_id": "a", "value": 5.0, "aggregation": "sum", "synthetic": True}]
    empty = agg.aggregate_periods(rows.iloc[:0], ["indicator_id"])
    assert list(empty.columns) == list(full.columns) and len(empty) == 0
