"""The combination rules: how an indicator's values combine over periods and across partners, cumulation,
and a partner's share of a project-wide target. One home for each rule; every page uses these.

- **Over reporting periods** an indicator's ``aggregation`` decides: ``sum`` adds the periods (a flow),
  ``last`` takes the latest period's value (a level), ``max`` the largest.
- **Across partners ("all partners")**: counts and money add up (``sum`` and ``last``); ``max`` takes the
  largest partner value; a **rate** (unit ``percent``, ``%``, ``pct``) is the plain average of the partners'
  values, each partner counting once — a 5 % "on average" target is a mean, not a total.
- **Cumulation** to a date: the running sum, the latest value, or the running maximum.
- **Nested amounts count once**: a policy change that is part of another (``part_of_change_id``) adds
  nothing when that other change's amount is counted too (INMA's 2018 competition is inside its 8.4 MEUR
  scheme); it counts when the other is not among the changes counted or has no known amount.
- **A partner's share of a target**: an additive indicator's target ÷ number of partners; a rate's or
  a ``max`` indicator's target applies to each partner unchanged.

>>> all_partners_value({"a": [2, 3], "b": [5, 1]}, "last", "percent")
2.0
>>> rule_in_words("last", "percent")
"all partners: the average of each partner's latest value (each partner counts once)"
"""
from __future__ import annotations

import pandas as pd

# Units whose values are rates: partner levels are averaged, not added.
RATE_UNITS = ("percent", "%", "pct")


def is_rate(unit) -> bool:
    """Whether values in ``unit`` are rates (averaged across partners, never added).

    >>> is_rate("percent"), is_rate(" % "), is_rate("EUR")
    (True, True, False)
    """
    return str(unit).strip().lower() in RATE_UNITS


def partner_combination(indicator: pd.Series | dict) -> str:
    """How partner values of one indicator combine: ``sum``, ``mean`` or ``max`` (see module rules).

    >>> partner_combination({"aggregation": "last", "unit": "percent"})
    'mean'
    """
    aggregation = str(indicator["aggregation"])
    if aggregation == "max":
        return "max"
    if is_rate(indicator["unit"]):
        return "mean"
    return "sum"


def over_periods(values, aggregation: str) -> float:
    """One value from a partner's values in period order (unknown periods skipped; NaN if none is known).

    >>> over_periods([2, None, 3], "sum"), over_periods([2, 3, None], "last"), over_periods([5, 1], "max")
    (5.0, 3.0, 5.0)
    """
    known = pd.Series(values, dtype=float).dropna()
    if known.empty:
        return float("nan")
    if aggregation == "sum":
        return float(known.sum())
    if aggregation == "last":
        return float(known.iloc[-1])
    if aggregation == "max":
        return float(known.max())
    raise ValueError(f"unknown aggregation {aggregation!r}; valid: sum, last, max")


def across_partners(values, aggregation: str, unit) -> float:
    """All partners' value from one value per partner (partners without a value skipped; NaN if none).

    >>> across_partners([5, 6], "sum", "events"), across_partners([5, 6], "sum", "percent")
    (11.0, 5.5)
    """
    known = pd.Series(values, dtype=float).dropna()
    if known.empty:
        return float("nan")
    how = partner_combination({"aggregation": aggregation, "unit": unit})
    return float(known.sum() if how == "sum" else known.mean() if how == "mean" else known.max())


def all_partners_value(values_by_partner, aggregation: str, unit) -> float:
    """The "all partners" value: each partner's periods combined first, then the partners combined.

    ``values_by_partner`` maps a partner to its values in period order.

    >>> all_partners_value({"a": [2, 3], "b": [5, 1]}, "last", "events")
    4.0
    """
    per_partner = [over_periods(v, aggregation) for v in values_by_partner.values()]
    return across_partners(per_partner, aggregation, unit)


def rule_in_words(aggregation: str, unit) -> str:
    """The "all partners" rule of an indicator, as a page states it.

    >>> print(rule_in_words("sum", "events"))
    all partners: the sum of every partner's periods
    """
    how = partner_combination({"aggregation": aggregation, "unit": unit})
    each = {"sum": "every partner's periods", "last": "each partner's latest value",
            "max": "each partner's largest value"}[aggregation]
    if how == "mean":
        return f"all partners: the average of {each} (each partner counts once)"
    if how == "max":
        return "all partners: the largest value of any partner in any period"
    return f"all partners: the sum of {each}"


def partner_target(target: float, combination: str, n_partners: int) -> float:
    """A partner's share of a project-wide target (NaN without a target).

    >>> partner_target(32, "sum", 10), partner_target(5, "mean", 10)
    (3.2, 5.0)
    """
    if pd.isna(target):
        return float("nan")
    if combination == "sum":
        return float(target) / n_partners if n_partners else float("nan")
    return float(target)


def indicator_rules(indicators: pd.DataFrame, n_partners: int) -> pd.DataFrame:
    """Per indicator: aggregation, unit, target, how partners combine, a partner's share of the target."""
    rules = indicators[["indicator_id", "name", "unit", "target", "aggregation", "kind"]].copy()
    rules["aggregation"] = rules["aggregation"].astype(str)
    rules["combination"] = [partner_combination(r) for _, r in rules.iterrows()]
    rules["partner_target"] = [partner_target(t, c, n_partners) for t, c in zip(rules.target, rules.combination)]
    return rules


def aggregate_periods(frame: pd.DataFrame, keys: list[str], how_column: str = "aggregation",
                      order: str | list[str] = "period_end") -> pd.DataFrame:
    """Aggregate ``value`` over ``keys`` with each row's own rule (column ``how_column``: sum/last/max/mean),
    the rows taken in ``order`` (a column or columns; ties keep the frame's order). Unknown values are
    skipped, as :func:`over_periods` skips them: a group with none known is NaN.

    >>> frame = pd.DataFrame({"partner_id": ["a", "a", "b", "b"], "value": [2, 3, None, 1.0],
    ...                       "aggregation": ["last", "last", "sum", "sum"], "period_end": [2, 1, 1, 2]})
    >>> aggregate_periods(frame, ["partner_id"]).to_dict("records")
    [{'partner_id': 'a', 'value': 2.0, 'aggregation': 'last'}, {'partner_id': 'b', 'value': 1.0, 'aggregation': 'sum'}]
    """
    parts = []
    columns = [order] if isinstance(order, str) else list(order)
    for how, part in frame.groupby(how_column, sort=False):
        part = part.sort_values(columns, kind="stable") if set(columns) <= set(part.columns) else part
        grouped = part.groupby(keys, sort=False, dropna=False)
        agg = grouped["value"].sum(min_count=1) if how == "sum" else grouped["value"].agg(how)
        out = agg.rename("value").reset_index()
        out[how_column] = how
        if "synthetic" in part:
            out = out.merge(grouped["synthetic"].any().reset_index(), on=keys)
        parts.append(out)
    if not parts:   # the same columns as with rows: callers need not test for an empty table
        return pd.DataFrame(columns=keys + ["value", how_column] + (["synthetic"] if "synthetic" in frame else []))
    return pd.concat(parts, ignore_index=True)


def cumulate(values: pd.Series, aggregation: str) -> pd.Series:
    """Cumulative value over ordered periods: running sum, latest value, or running maximum."""
    if aggregation == "sum":
        return values.fillna(0).cumsum().where(values.notna().cummax())
    if aggregation == "max":
        return values.cummax().ffill()
    return values.ffill()


def combine_partners(frame: pd.DataFrame, keys: list[str], value_columns: list[str]) -> pd.DataFrame:
    """Combine partner rows into one row per ``keys`` with each indicator's partner rule (sum/mean/max).

    ``frame`` needs a ``combination`` column (from :func:`indicator_rules`).
    """
    parts = []
    for how, part in frame.groupby("combination", sort=False):
        grouped = part.groupby(keys, sort=False, dropna=False)
        if how == "sum":
            out = grouped[value_columns].sum(min_count=1)
        else:
            out = grouped[value_columns].agg(how)
        out = out.reset_index()
        out["combination"] = how
        out["partners"] = grouped["partner_id"].nunique().to_numpy()
        if "synthetic" in part:
            out["synthetic"] = grouped["synthetic"].any().to_numpy()
        parts.append(out)
    if not parts:   # no partner row: the same columns, none of them filled
        return pd.DataFrame(columns=keys + value_columns + ["combination", "partners"]
                            + (["synthetic"] if "synthetic" in frame else []))
    return pd.concat(parts, ignore_index=True)


def amounts_counted_once(changes: pd.DataFrame) -> pd.Series:
    """Each change's ``funds_influenced_eur`` as it enters a total: 0 for a change inside another counted one.

    Unknown amounts stay unknown (NaN). Only the changes in ``changes`` count as "counted": filter first
    (status, partner, phase), then call this.

    >>> changes = pd.DataFrame({"change_id": ["scheme", "call", "other"], "funds_influenced_eur": [8.4e6, 9e5, None],
    ...                         "part_of_change_id": [None, "scheme", None]})
    >>> amounts_counted_once(changes).tolist()
    [8400000.0, 0.0, nan]
    >>> amounts_counted_once(changes.iloc[1:]).tolist()   # the scheme is not counted here: the call is
    [900000.0, nan]
    """
    amounts = changes["funds_influenced_eur"].astype(float)
    if "part_of_change_id" not in changes:
        return amounts
    counted = set(changes.loc[amounts.notna(), "change_id"])
    inside_counted = changes["part_of_change_id"].isin(counted) & amounts.notna()
    return amounts.where(~inside_counted, 0.0)
