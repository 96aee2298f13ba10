"""The combination rules: how an indicator's values combine over periods and across partners, cumulation,
and a partner's share of a project-wide target. One home for each rule; every page uses these.

>>> partner_combination({"aggregation": "last", "unit": "percent"})
'mean'
"""
from __future__ import annotations

import pandas as pd

# Units whose values are rates: partner levels are averaged, not added.
RATE_UNITS = ("percent", "%", "pct")


def partner_combination(indicator: pd.Series | dict) -> str:
    """How partner values of one indicator combine: ``sum``, ``mean`` or ``max`` (see module rules).

    >>> partner_combination({"aggregation": "last", "unit": "percent"})
    'mean'
    """
    aggregation = str(indicator["aggregation"])
    if aggregation == "max":
        return "max"
    if aggregation == "last" and str(indicator["unit"]).strip().lower() in RATE_UNITS:
        return "mean"
    return "sum"


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


def _aggregate(frame: pd.DataFrame, keys: list[str], how_column: str = "aggregation",
               order: str = "period_end") -> pd.DataFrame:
    """Aggregate ``value`` over ``keys`` with each row's own rule (column ``how_column``: sum/last/max/mean)."""
    parts = []
    for how, part in frame.groupby(how_column, sort=False):
        part = part.sort_values(order) if order in part else part
        grouped = part.groupby(keys, sort=False, dropna=False)
        agg = grouped["value"].sum(min_count=1) if how == "sum" else grouped["value"].agg(how)
        out = agg.rename("value").reset_index()
        out[how_column] = how
        if "synthetic" in part:
            out = out.merge(grouped["synthetic"].any().reset_index(), on=keys)
        parts.append(out)
    if not parts:
        return pd.DataFrame(columns=keys + ["value", how_column])
    return pd.concat(parts, ignore_index=True)


def _cumulate(values: pd.Series, aggregation: str) -> pd.Series:
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
    if not parts:
        return pd.DataFrame(columns=keys + value_columns + ["combination", "partners"])
    return pd.concat(parts, ignore_index=True)
