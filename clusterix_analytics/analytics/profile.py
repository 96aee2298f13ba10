"""One partner at a glance: its row, its policy changes, its indicator values against the project targets.

Pure pandas: DataFrames in, DataFrames out (the partner-profile notebook draws them).

>>> import clusterix_analytics as cx
>>> ds = cx.load()
>>> partner_facts(ds.partners, "ecoplus").loc["region_name", "value"]
'Niederösterreich'
"""
from __future__ import annotations

import pandas as pd

from clusterix_analytics.analytics.aggregation import (
    across_partners,
    aggregate_periods,
    partner_combination,
    rule_in_words,
)
from clusterix_analytics.analytics.memo import by_content
from clusterix_analytics.analytics.metrics import funds_influenced_eur, policy_changes_achieved
from clusterix_analytics.data.fields import PROJECT_WIDE

# The fields of a partner's row shown in the profile, in this order, with their labels.
FACT_FIELDS = {
    "organisation": "Organisation", "short_name": "Short name", "role": "Role in the project",
    "partner_type": "Type of organisation", "country_code": "Country", "nuts_code": "NUTS region",
    "nuts_level": "NUTS level", "region_name": "Region", "source": "Source",
}


def partner_facts(partners: pd.DataFrame, partner_id: str) -> pd.DataFrame:
    """The partner's row as a two-column table (label, value), indexed by field name."""
    row = partners.loc[partners["partner_id"] == partner_id]
    if row.empty:
        raise KeyError(f"unknown partner {partner_id!r}")
    row = row.iloc[0]
    facts = [{"field": f, "label": label, "value": row[f]} for f, label in FACT_FIELDS.items() if f in row.index]
    return pd.DataFrame(facts).set_index("field")


def partner_instruments(instruments: pd.DataFrame, partner_id: str) -> pd.DataFrame:
    """The partner's policy instruments; those its project work addresses first, then by name."""
    mine = instruments.loc[instruments["partner_id"] == partner_id]
    columns = ["instrument_id", "name", "instrument_type", "managing_authority", "addressed", "source"]
    return mine.sort_values(["addressed", "name"], ascending=[False, True])[columns].reset_index(drop=True)


def partner_clusters_by_phase(clusters: pd.DataFrame, phases: pd.DataFrame, partner_id: str) -> pd.DataFrame:
    """Per phase of the project: the partner's clusters, their members where known, and how many are demo rows.

    ``phases`` is ``Project.phases_frame()`` (every phase gets a row, 0 where the partner had no cluster).
    ``members_total`` adds up only the clusters whose size is known; ``clusters_with_members`` says how many.
    """
    mine = clusters.loc[clusters["partner_id"] == partner_id]
    grouped = mine.groupby("phase_id").agg(
        clusters=("cluster_id", "nunique"),
        clusters_with_members=("members_total", "count"),
        members_total=("members_total", "sum"),
        synthetic_rows=("synthetic", "sum"),
    )
    table = phases[["phase_id", "name"]].merge(grouped, left_on="phase_id", right_index=True, how="left")
    counts = ["clusters", "clusters_with_members", "members_total", "synthetic_rows"]
    table[counts] = table[counts].fillna(0).astype(int)
    return table.reset_index(drop=True)


def partner_policy_changes(policy_changes: pd.DataFrame, instruments: pd.DataFrame,
                           partner_id: str) -> pd.DataFrame:
    """The partner's policy changes, oldest first, with the changed instrument's name (empty if unknown)."""
    changes = policy_changes.loc[policy_changes["partner_id"] == partner_id].copy()
    names = instruments.set_index("instrument_id")["name"]
    changes["instrument"] = changes["instrument_id"].map(names)
    columns = ["date", "change_type", "status", "funds_influenced_eur", "instrument", "description", "synthetic"]
    return changes.sort_values(["date", "change_id"])[["change_id"] + columns].reset_index(drop=True)


PERIOD_COLUMNS = ["indicator_id", "partner_id", "period_start", "period_end", "value"]


@by_content
def _positions_by_partner(partner_ids: pd.DataFrame) -> dict:
    return partner_ids.groupby("partner_id", sort=False).indices


def partner_rows(frame: pd.DataFrame, partner_id: str) -> pd.DataFrame:
    """``frame``'s rows of one partner, in their order: ``frame[frame["partner_id"] == partner_id]``, from the
    row positions of every partner, found once for a table (remembered by content, as
    :func:`partner_values`): 250 profiles of a project find them once, not each in every row.

    >>> rows = pd.DataFrame({"partner_id": ["a", "b", "a"], "value": [1, 2, 3]})
    >>> partner_rows(rows, "a")["value"].tolist(), len(partner_rows(rows, "c"))
    ([1, 3], 0)
    """
    return frame.iloc[_positions_by_partner(frame[["partner_id"]]).get(partner_id, [])]


@by_content
def partner_values(observations: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Each partner's value of each indicator, its periods combined by the indicator's rule (``observations``:
    :data:`PERIOD_COLUMNS`, the project-wide rows left out; ``indicators``: indicator_id, aggregation). The
    same table for every profile of a project: remembered by content (:mod:`~clusterix_analytics.analytics.memo`),
    so a report of 250 profiles computes it once.

    >>> rows = pd.DataFrame({"indicator_id": ["n", "n", "n"], "partner_id": ["a", "a", "b"], "value": [1.0, 2.0, 5.0],
    ...                      "period_start": pd.to_datetime(["2020-01-01", "2020-07-01", "2020-01-01"]),
    ...                      "period_end": pd.to_datetime(["2020-06-30", "2020-12-31", "2020-12-31"])})
    >>> values = partner_values(rows, pd.DataFrame({"indicator_id": ["n"], "aggregation": ["sum"]}))
    >>> values[["partner_id", "value"]].values.tolist()   # a: 1 + 2 over its two periods
    [['a', 3.0], ['b', 5.0]]
    """
    rows = observations.loc[observations["partner_id"] != PROJECT_WIDE].merge(indicators, on="indicator_id")
    # each partner's periods combined once, all indicators together
    return aggregate_periods(rows, ["indicator_id", "partner_id"], order=["period_end", "period_start"])


def observations_vs_targets(observations: pd.DataFrame, indicators: pd.DataFrame, partner_id: str) -> pd.DataFrame:
    """Each indicator: the partner's value, all partners' value, the project target and the shares.

    Only per-partner rows count (``partner_id == "project"`` rows are sourced project-wide totals, not a
    partner). ``value`` combines the partner's periods and ``all_partners`` every partner's, by the rules of
    :mod:`clusterix_analytics.analytics.aggregation` (a rate is the mean of the partners' latest values);
    ``all_partners_rule`` says that rule in words. ``share_of_target`` = partner value / project target;
    ``share_of_partners`` = partner value / all partners, where partners add up (both empty where
    undefined). One row per indicator, in the order of ``indicators``. ``observations`` and
    ``synthetic_observations`` count the partner's rows.
    """
    own_rows = partner_rows(observations, partner_id)
    per_indicator = dict(tuple(partner_values(observations[PERIOD_COLUMNS], indicators[["indicator_id", "aggregation"]])
                               .groupby("indicator_id")))
    mine, all_partners, rules = {}, {}, {}
    for row in indicators.itertuples():
        values = per_indicator.get(row.indicator_id)
        if values is not None:
            own = values.loc[values["partner_id"] == partner_id, "value"]
            mine[row.indicator_id] = float(own.iloc[0]) if len(own) else float("nan")
            all_partners[row.indicator_id] = across_partners(values["value"], row.aggregation, row.unit)
        rules[row.indicator_id] = rule_in_words(row.aggregation, row.unit)
    table = indicators[["indicator_id", "name", "unit", "aggregation", "target"]].copy()
    table["value"] = table["indicator_id"].map(mine).astype(float)
    table["all_partners"] = table["indicator_id"].map(all_partners).astype(float)
    table["all_partners_rule"] = table["indicator_id"].map(rules)
    target = table["target"].astype(float)
    table["share_of_target"] = (table["value"] / target).where(target > 0)
    # a share of all partners only means something for values that add up
    additive = (pd.Series([partner_combination(r) for _, r in table.iterrows()], index=table.index) == "sum"
                ) & (table["aggregation"] == "sum") & (table["all_partners"] > 0)
    table["share_of_partners"] = (table["value"] / table["all_partners"]).where(additive)
    table["observations"] = table["indicator_id"].map(own_rows.groupby("indicator_id").size()).fillna(0).astype(int)
    table["synthetic_observations"] = (table["indicator_id"]
                                       .map(own_rows.groupby("indicator_id")["synthetic"].sum())
                                       .fillna(0).astype(int))
    return table.reset_index(drop=True)


def profile_headlines(changes: pd.DataFrame, versus_targets: pd.DataFrame) -> dict:
    """Headline numbers of a profile: changes, achieved changes, funds influenced, indicators observed.

    ``changes`` are the partner's policy_changes rows (with ``part_of_change_id`` where the data has it).
    """
    funds = funds_influenced_eur(changes).value  # achieved changes only, a change inside another counted once
    return {
        "policy_changes": int(len(changes)),
        "policy_changes_achieved": policy_changes_achieved(changes).value,
        "funds_influenced_eur": float(funds) if funds is not None else 0.0,
        "indicators_observed": int(versus_targets["value"].notna().sum()),
    }
