"""Partner-region analytics behind the maps: one row per partner region, links between regions.

Pure pandas: DataFrames in, DataFrames out; no plotting, no files.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.analytics import regions
>>> ds = cx.load()
>>> regions.partner_regions(ds).loc["ecoplus", ["nuts_code", "partner_type"]].tolist()
['AT12', 'business_agency']
"""
from __future__ import annotations

import pandas as pd

from clusterix_analytics.analytics.aggregation import amounts_counted_once
from clusterix_analytics.analytics.links import (
    interregional_links,
)
from clusterix_analytics.data.dataset import Dataset

CATEGORICAL_COLOURINGS = ("partner_type", "phase")
# Numeric columns of partner_regions() a map can be coloured by: (what it is, unit on the colour bar).
NUMERIC_COLUMNS = {
    "policy_changes": ("policy changes", "changes"),
    "funds_influenced_eur": ("funds influenced by policy changes", "EUR"),
    "clusters": ("clusters", "clusters"),
    "interregional_projects": ("joint projects with other regions' clusters", "projects"),
    "policy_instruments": ("policy instruments on record", "instruments"),
}
GEOMETRY_SOURCES = ("embedded", "gisco")
NO_PHASE = "no policy change recorded"


def partner_regions(dataset: Dataset) -> pd.DataFrame:
    """One row per partner (index partner_id): region, type, instruments, and numbers to colour a map by.

    Columns: organisation, short_name, region_name, nuts_code, partner_type, role,
    instruments_addressed (names the sources confirm, "; "-joined), instruments_other,
    policy_instruments (count), policy_changes (count), funds_influenced_eur (achieved changes, nested
    amounts once; 0 if none),
    first_change_phase (phase name of the earliest policy change, or :data:`NO_PHASE`), clusters (distinct
    cluster ids), interregional_projects (joint projects with clusters of *other* partners, all phases).

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> partner_regions(ds).loc["region_aura", "instruments_addressed"][:30]
    'Regional Operational Programme'
    """
    partners = dataset.partners.set_index("partner_id")
    frame = partners[["organisation", "short_name", "region_name", "nuts_code", "partner_type", "role"]].copy()
    instruments = dataset.policy_instruments
    addressed = instruments["addressed"].astype(bool)
    frame["instruments_addressed"] = _joined_names(instruments[addressed], frame.index)
    frame["instruments_other"] = _joined_names(instruments[~addressed], frame.index)
    frame["policy_instruments"] = instruments.groupby("partner_id").size().reindex(frame.index, fill_value=0)

    changes = dataset.policy_changes
    frame["policy_changes"] = changes.groupby("partner_id").size().reindex(frame.index, fill_value=0)
    achieved = changes[changes["status"] == "achieved"]
    funds = achieved.assign(funds_influenced_eur=amounts_counted_once(achieved)).groupby("partner_id")[
        "funds_influenced_eur"].sum(min_count=1)
    frame["funds_influenced_eur"] = funds.reindex(frame.index).fillna(0.0).astype(float)
    first_dates = changes.groupby("partner_id")["date"].min().reindex(frame.index)
    names = dataset.project.phase_names
    frame["first_change_phase"] = [
        names.get(dataset.project.phase_of(d), NO_PHASE) if pd.notna(d) else NO_PHASE for d in first_dates]

    frame["clusters"] = (dataset.clusters.groupby("partner_id")["cluster_id"].nunique()
                         .reindex(frame.index, fill_value=0))
    links = interregional_links(dataset)
    per_partner = pd.concat([links[["partner_a", "projects"]].rename(columns={"partner_a": "partner_id"}),
                             links[["partner_b", "projects"]].rename(columns={"partner_b": "partner_id"})])
    frame["interregional_projects"] = (per_partner.groupby("partner_id")["projects"].sum()
                                       .reindex(frame.index, fill_value=0).astype(int))
    return frame


def _joined_names(instruments: pd.DataFrame, index: pd.Index) -> pd.Series:
    joined = instruments.groupby("partner_id")["name"].agg(lambda names: "; ".join(map(str, names)))
    return joined.reindex(index).fillna("").astype(str)


def colour_options() -> list[str]:
    """Valid ``color_by`` values: none, the categorical colourings, the numeric columns of partner_regions.

    >>> colour_options()[:4]
    ['none', 'partner_type', 'phase', 'policy_changes']
    """
    return ["none", *CATEGORICAL_COLOURINGS, *NUMERIC_COLUMNS]


# What each colouring shows, in words (dropdown labels: the reader sees these, the parameter stays the id).
COLOURING_NAMES = {"none": "one colour", "partner_type": "partner type", "phase": "phase of first policy change",
                   **{column: what for column, (what, _) in NUMERIC_COLUMNS.items()}}


def colour_choices() -> list[tuple[str, str]]:
    """The ``color_by`` options as (label, value) pairs for a dropdown: named, valued by id.

    >>> colour_choices()[:3]
    [('one colour', 'none'), ('partner type', 'partner_type'), ('phase of first policy change', 'phase')]
    """
    return [(COLOURING_NAMES[option], option) for option in colour_options()]

