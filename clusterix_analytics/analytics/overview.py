"""Project overview analytics: the partnership and the headline programme indicators.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.analytics.overview import headline_indicators
>>> table = headline_indicators(cx.load())
>>> table.set_index("indicator_id").loc["people_increased_capacity", ["target", "achieved"]].tolist()
[50.0, 60.0]
"""
from __future__ import annotations

import pandas as pd

from clusterix_analytics.analytics.aggregation import over_periods
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.fields import PROJECT_WIDE


def partners_table(ds: Dataset) -> pd.DataFrame:
    """The partnership as a reader wants to see it: one row per partner, lead partner first."""
    partners = ds.partners.assign(lead=ds.partners.role.eq("lead_partner"))
    partners = partners.sort_values(["lead"], ascending=False, kind="stable")
    return partners[["partner_id", "short_name", "organisation", "country_code", "region_name", "nuts_code",
                     "partner_type", "role", "source"]].reset_index(drop=True)


def headline_indicators(ds: Dataset) -> pd.DataFrame:
    """Programme indicators with their target and the achieved value the project itself reported.

    "Achieved" comes only from sourced project-wide observations (partner_id ``project``, not synthetic):
    for ``sum`` indicators the sourced rows add up, for ``last`` the latest row counts, for ``max`` the
    largest. ``achievement_pct`` is achieved / target × 100 where both exist.
    """
    obs = ds.observations
    sourced = obs[(obs.partner_id == PROJECT_WIDE) & ~obs.synthetic].sort_values("period_end")
    rows = []
    for ind in ds.indicators.itertuples():
        mine = sourced[sourced.indicator_id == ind.indicator_id]
        achieved = as_of = source = None
        if len(mine):
            achieved = over_periods(mine.value, ind.aggregation)
            as_of = mine.period_end.max()
            source = mine.source.iloc[-1]
        rows.append({
            "indicator_id": ind.indicator_id, "name": ind.name, "unit": ind.unit, "kind": ind.kind,
            "target": ind.target, "achieved": achieved, "as_of": as_of,
            "achievement_pct": (100 * achieved / ind.target) if achieved is not None and pd.notna(ind.target)
            and ind.target else None,
            "target_source": ind.source, "achieved_source": source,
        })
    table = pd.DataFrame(rows)
    for col in ("target", "achieved", "achievement_pct"):
        table[col] = pd.to_numeric(table[col])
    table["as_of"] = pd.to_datetime(table["as_of"])
    return table
