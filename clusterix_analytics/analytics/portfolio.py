"""Cluster portfolio analytics: what clusters each region supports per phase, how that changes, how diverse
it is, which regions complement each other, and how the clusters are linked.

Pure pandas: DataFrames in, DataFrames out; no plotting, no files. A *region* is a partner's region: a
cluster belongs to the region of its ``partner_id`` (data/README.md, clusters.csv).

Rules where the data is incomplete (also in data/README.md, "Cluster portfolios"):

- **Undated rows** (empty ``phase_id``) are left out of every per-phase measure and listed by
  :func:`undated_clusters`, with the phases in which the same cluster does have a row.
- **Unknown member counts** are never filled in. Member sums use the clusters with a count and say how many
  had one; diversity is member-weighted only where every cluster of the region and phase has a count
  (otherwise cluster counts are the weights, see :func:`portfolio_diversity`).
- **Sectors**: every cluster keeps a sector label; a text that maps to nothing is shown as
  ``"unmapped: <text>"`` and a missing one as ``"no sector given"``; :func:`unmapped_sectors` lists both.

>>> import clusterix_analytics as cx
>>> from clusterix_analytics.analytics import portfolio
>>> from clusterix_analytics.data.sectors import read_sector_vocabulary
>>> ds = cx.load()
>>> vocabulary = read_sector_vocabulary(ds.project.directory)
>>> clusters = portfolio.classify_sectors(ds.clusters, vocabulary.taxonomy, vocabulary.sector_map, level=1)
>>> portfolio.resolve_compare_phases(ds.project.phase_ids, "auto")
('P1', 'P2')
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterix_analytics.analytics.calendar import order_phases
from clusterix_analytics.analytics.links import (
    _link_rows,
    link_degrees,
    link_summary,
    region_link_flows,
)
from clusterix_analytics.text import markdown_text

MEMBER_TYPES = ("members_sme", "members_large", "members_research", "members_other")
LABELS = ("gold", "silver", "bronze")
SECTOR_LEVELS = {"ecosystem": 1, "sector": 2}
NO_SECTOR = "no sector given"
UNMAPPED_PREFIX = "unmapped: "
AUTO = "auto"
WEIGHTINGS = ("auto", "members", "clusters")
COMPOSITION_COLUMNS = ["partner_id", "phase_id", "clusters", "clusters_with_members", "clusters_with_member_types",
                       "members_total", *MEMBER_TYPES, "sectors", "sector_list", *LABELS, "synthetic_rows"]
DIVERSITY_COLUMNS = ["partner_id", "phase_id", "clusters", "clusters_without_sector", "sectors", "member_coverage",
                     "shannon_clusters", "hhi_clusters", "shannon_members", "hhi_members", "weighting", "shannon",
                     "hhi", "effective_sectors"]


# --------------------------------------------------------------------------------------------- parameters
def parse_sector_level(value) -> int | None:
    """1 (EU industrial ecosystem) or 2 (finer sector) from 1, 2, "1", "2", "ecosystem" or "sector"; else None.

    >>> parse_sector_level("ecosystem"), parse_sector_level(2), parse_sector_level("nace")
    (1, 2, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)) and int(value) in SECTOR_LEVELS.values():
        return int(value)
    text = str(value).strip().lower()
    if text in SECTOR_LEVELS:
        return SECTOR_LEVELS[text]
    if text in {"1", "2"}:
        return int(text)
    return None


def as_list(value) -> list[str]:
    """Tokens of a parameter given as a list or as a comma-separated string (None = no tokens).

    >>> as_list("ecoplus, SE22"), as_list(["P1", "P2"]), as_list(None)
    (['ecoplus', 'SE22'], ['P1', 'P2'], [])
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v).strip() for v in value]


def region_matches(partners: pd.DataFrame, token: str) -> list[str]:
    """Partner ids a token selects: a partner id, or a NUTS code above, equal to or below a partner's region.

    >>> partners = pd.DataFrame({"partner_id": ["a", "b"], "nuts_code": ["AT12", "SE224"]})
    >>> region_matches(partners, "B"), region_matches(partners, "SE2"), region_matches(partners, "FR")
    (['b'], ['b'], [])
    """
    ids = partners["partner_id"].astype(str)
    if token.lower() in set(ids):
        return [token.lower()]
    code = token.upper()
    nuts = partners["nuts_code"].astype("string").fillna("").str.upper()
    hit = nuts.map(lambda n: bool(n) and (n.startswith(code) or code.startswith(n)))
    return ids[hit.astype(bool)].tolist()


def resolve_regions(partners: pd.DataFrame, regions="all") -> list[str]:
    """The partner ids selected by ``regions``: "all", or partner ids / NUTS codes (list or comma-separated).

    A NUTS code selects every partner whose region contains it or lies inside it ("SE22" selects the partner
    stored at SE224; "FRK2" the one stored at FRK). Unknown tokens are ignored here; the notebook's view
    (:func:`clusterix_analytics.views.cluster_portfolios.check_parameters`) reports them.

    >>> partners = pd.DataFrame({"partner_id": ["a", "b"], "nuts_code": ["AT12", "SE224"]})
    >>> resolve_regions(partners, ["SE22"]), resolve_regions(partners, "all")
    (['b'], ['a', 'b'])
    """
    tokens = as_list(regions)
    if not tokens or [t.lower() for t in tokens] == [AUTO] or [t.lower() for t in tokens] == ["all"]:
        return partners["partner_id"].astype(str).tolist()
    selected: list[str] = []
    for token in tokens:
        selected += [p for p in region_matches(partners, token) if p not in selected]
    order = partners["partner_id"].astype(str).tolist()
    return sorted(selected, key=order.index)


def resolve_compare_phases(phase_ids: Sequence[str], compare_phases=AUTO) -> tuple[str, str]:
    """The two phases to compare: the project's first two when ``compare_phases`` is "auto" (or empty).

    >>> resolve_compare_phases(("winter", "summer", "autumn"), "auto")
    ('winter', 'summer')
    >>> resolve_compare_phases(("P1", "P2", "AA"), ["P2", "AA"])
    ('P2', 'AA')
    """
    if compare_phases is None or (isinstance(compare_phases, str) and compare_phases.strip().lower() in ("", AUTO)):
        if len(phase_ids) < 2:
            raise ValueError(f"the project has {len(phase_ids)} phase(s); comparing needs two")
        return phase_ids[0], phase_ids[1]
    chosen = as_list(compare_phases)
    if len(chosen) != 2:
        raise ValueError(f"compare_phases needs two phase ids, got {chosen}")
    return chosen[0], chosen[1]


def region_labels(partners: pd.DataFrame) -> pd.Series:
    """Chart label per partner id: short name and NUTS code, e.g. 'ecoplus (AT12)'."""
    nuts = partners["nuts_code"].astype("string").fillna("")
    labels = partners["short_name"].astype(str) + np.where(nuts != "", " (" + nuts + ")", "")
    return pd.Series(labels.to_numpy(), index=partners["partner_id"].astype(str), name="region")


# ------------------------------------------------------------------------------------------------ sectors
def normalise_sector_text(text) -> str:
    """Case- and space-insensitive key used to match a cluster's sector with the map.

    >>> normalise_sector_text("  Energy   Efficiency / CLEANTECH ")
    'energy efficiency / cleantech'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def classify_sectors(clusters: pd.DataFrame, taxonomy: pd.DataFrame, sector_map: pd.DataFrame,
                     level=1) -> pd.DataFrame:
    """Add ``sector_code``, ``sector_name`` and ``sector_status`` to the clusters, at taxonomy ``level``.

    ``sector_status`` is ``mapped``, ``not in sector map`` (text missing from the map, or mapped to an empty
    code), ``code not in taxonomy`` or ``no sector given``. Unmapped rows keep a visible label,
    ``"unmapped: <text>"``, so they stay in every table and chart. At level 1 a level-2 code is replaced by its
    parent; at level 2 a text mapped straight to a level-1 code keeps that code (the finest known).

    >>> taxonomy = pd.DataFrame({"sector_code": ["agri", "food"], "name": ["Agri-food", "Food"],
    ...                          "level": [1, 2], "parent_code": ["", "agri"]})
    >>> mapping = pd.DataFrame({"sector_text": ["Food"], "sector_code": ["food"]})
    >>> clusters = pd.DataFrame({"cluster_id": ["a", "b", "c"], "sector": ["food ", "Tea", None]})
    >>> classify_sectors(clusters, taxonomy, mapping, level=1)["sector_name"].tolist()
    ['Agri-food', 'unmapped: Tea', 'no sector given']
    """
    level = parse_sector_level(level)
    if level is None:
        raise ValueError("level must be 1 ('ecosystem') or 2 ('sector')")
    tax = taxonomy.assign(sector_code=taxonomy["sector_code"].astype(str),
                          level=taxonomy["level"].astype(int),
                          parent_code=taxonomy["parent_code"].astype("string").fillna("").astype(str))
    names = dict(zip(tax["sector_code"], tax["name"]))
    parents = dict(zip(tax["sector_code"], tax["parent_code"]))
    keys = sector_map["sector_text"].map(normalise_sector_text)
    codes = sector_map["sector_code"].astype("string").fillna("").str.strip()
    lookup = dict(zip(keys, codes))

    out = clusters.copy()
    texts = out["sector"].astype("string")
    rows = []
    for text in texts:
        key = normalise_sector_text(text)
        if not key:
            rows.append((pd.NA, NO_SECTOR, NO_SECTOR))
            continue
        code = lookup.get(key, "")
        shown = re.sub(r"\s+", " ", str(text)).strip()
        if not code:
            rows.append((pd.NA, UNMAPPED_PREFIX + shown, "not in sector map"))
        elif code not in names:
            rows.append((pd.NA, UNMAPPED_PREFIX + shown, "code not in taxonomy"))
        else:
            if level == 1 and parents.get(code):
                code = parents[code]
            rows.append((code, names[code], "mapped"))
    out["sector_code"] = pd.array([r[0] for r in rows], dtype="string")
    out["sector_name"] = pd.array([r[1] for r in rows], dtype="string")
    out["sector_status"] = pd.array([r[2] for r in rows], dtype="string")
    return out


def unmapped_sectors(classified: pd.DataFrame, sector_map: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every sector text that maps to nothing (and clusters without a sector), with the clusters concerned.

    Columns: sector_text, reason, mapped_code (the code the map gives, if any), clusters (distinct cluster
    ids), cluster_names.

    >>> classified = pd.DataFrame({"cluster_id": ["a", "b", "b"], "name": ["A", "B", "B"],
    ...     "sector": ["Tea", None, None],
    ...     "sector_status": ["not in sector map", "no sector given", "no sector given"]})
    >>> unmapped_sectors(classified)[["sector_text", "clusters"]].to_dict("records")
    [{'sector_text': '(none)', 'clusters': 1}, {'sector_text': 'Tea', 'clusters': 1}]
    """
    bad = classified[classified["sector_status"] != "mapped"]
    columns = ["sector_text", "reason", "mapped_code", "clusters", "cluster_names"]
    if bad.empty:
        return pd.DataFrame(columns=columns)
    lookup = {}
    if sector_map is not None:
        lookup = dict(zip(sector_map["sector_text"].map(normalise_sector_text),
                          sector_map["sector_code"].astype("string").fillna("")))
    text = bad["sector"].astype("string").fillna("").str.strip().replace("", "(none)")
    frame = bad.assign(sector_text=text)
    grouped = frame.groupby(["sector_text", "sector_status"], sort=True).agg(
        clusters=("cluster_id", "nunique"),
        cluster_names=("name", lambda s: "; ".join(sorted(set(s.astype(str))))),
    ).reset_index().rename(columns={"sector_status": "reason"})
    grouped["mapped_code"] = grouped["sector_text"].map(lambda t: lookup.get(normalise_sector_text(t), "") or "")
    return grouped[columns]


# ------------------------------------------------------------------------------------------- composition
def dated_rows(clusters: pd.DataFrame, partner_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """The cluster rows that belong to a phase (non-empty ``phase_id``), optionally for some regions only."""
    rows = clusters[clusters["phase_id"].notna()]
    if partner_ids is not None:
        rows = rows[rows["partner_id"].isin(list(partner_ids))]
    return rows.reset_index(drop=True)


def undated_clusters(clusters: pd.DataFrame, partner_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows without a phase (left out of phase comparisons), with the phases the same cluster has rows for.

    >>> clusters = pd.DataFrame({"cluster_id": ["a", "a", "b"], "name": ["A", "A", "B"], "partner_id": "x",
    ...     "sector": "Food", "phase_id": [None, "P1", None], "observed_year": [2014, None, None],
    ...     "members_total": [10, 12, None], "synthetic": [False, True, False]})
    >>> undated_clusters(clusters)[["cluster_id", "phases_with_rows"]].to_dict("records")
    [{'cluster_id': 'a', 'phases_with_rows': 'P1'}, {'cluster_id': 'b', 'phases_with_rows': ''}]
    """
    if partner_ids is not None:
        clusters = clusters[clusters["partner_id"].isin(list(partner_ids))]
    undated = clusters[clusters["phase_id"].isna()]
    phases = (clusters[clusters["phase_id"].notna()].groupby("cluster_id")["phase_id"]
              .agg(lambda s: ", ".join(dict.fromkeys(s.astype(str)))))
    keep = [c for c in ("cluster_id", "name", "partner_id", "sector", "observed_year", "members_total", "source")
            if c in undated.columns]
    out = undated[keep].copy()
    out["phases_with_rows"] = out["cluster_id"].map(phases).fillna("")
    return out.reset_index(drop=True)


def _sum_known(series: pd.Series):
    """Sum of the known values, or NA when none is known (an unknown is not a zero)."""
    known = series.dropna()
    return known.sum() if len(known) else pd.NA


def portfolio_composition(classified: pd.DataFrame, phase_order: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per region and phase: clusters, member counts (by type), sectors and labels.

    Columns: partner_id, phase_id, clusters, clusters_with_members, clusters_with_member_types, members_total,
    members_sme,
    members_large, members_research, members_other (sums of the known counts; NA when none is known),
    sectors (distinct sector labels, unmapped ones included, "no sector given" not), sector_list,
    gold, silver, bronze (clusters with that label), synthetic_rows. Undated rows are left out.

    >>> classified = pd.DataFrame({"cluster_id": ["a", "b"], "partner_id": "x", "phase_id": "P1",
    ...     "members_total": pd.array([10, None], dtype="Int64"), "members_sme": pd.array([6, None], dtype="Int64"),
    ...     "members_large": pd.NA, "members_research": pd.NA, "members_other": pd.NA,
    ...     "sector_name": ["Food", "Food"], "label": ["gold", None], "synthetic": [True, False]})
    >>> portfolio_composition(classified)[["clusters", "members_total", "sectors", "gold"]].iloc[0].tolist()
    [2, 10, 1, 1]
    """
    rows = dated_rows(classified)
    records = []
    for (partner, phase), group in rows.groupby(["partner_id", "phase_id"], sort=False):
        sectors = sorted(set(group["sector_name"].astype(str)) - {NO_SECTOR})
        record = {"partner_id": partner, "phase_id": phase, "clusters": group["cluster_id"].nunique(),
                  "clusters_with_members": int(group["members_total"].notna().sum()),
                  # sourced rows often give a total without the split by type
                  "clusters_with_member_types": int(group[list(MEMBER_TYPES)].notna().any(axis=1).sum())}
        for col in ("members_total",) + MEMBER_TYPES:
            record[col] = _sum_known(group[col].astype("Float64")) if col in group else pd.NA
        record["sectors"] = len(sectors)
        record["sector_list"] = "; ".join(sectors)
        labels = group["label"].astype("string").str.lower() if "label" in group else pd.Series(dtype="string")
        for label in LABELS:
            record[label] = int((labels == label).sum())
        record["synthetic_rows"] = int(group["synthetic"].sum()) if "synthetic" in group else 0
        records.append(record)
    out = pd.DataFrame(records, columns=COMPOSITION_COLUMNS)
    for col in ("members_total",) + MEMBER_TYPES:
        out[col] = out[col].astype("Float64").round().astype("Int64")
    return order_phases(out, phase_order)




def members_by_sector(classified: pd.DataFrame, phase_order: Sequence[str] | None = None) -> pd.DataFrame:
    """Clusters and known members per region, phase and sector (dated rows).

    Columns: partner_id, phase_id, sector_name, clusters, clusters_with_members, members (sum of the known
    counts, 0 when none is known: read it with ``clusters_with_members``).
    """
    rows = dated_rows(classified)
    grouped = rows.groupby(["partner_id", "phase_id", "sector_name"], sort=True).agg(
        clusters=("cluster_id", "nunique"),
        clusters_with_members=("members_total", lambda s: int(s.notna().sum())),
        members=("members_total", lambda s: int(s.dropna().sum())),
    ).reset_index()
    return order_phases(grouped, phase_order)


# ------------------------------------------------------------------------------------------------- change
def portfolio_change(classified: pd.DataFrame, phase_a: str, phase_b: str) -> pd.DataFrame:
    """Each cluster present in ``phase_a`` or ``phase_b``: entered, left or continuing, and member change.

    Columns: cluster_id, name, partner_id, sector_name, status (``entered`` = only in phase_b, ``left`` = only
    in phase_a, ``continuing`` = in both), members_a, members_b, member_change, member_change_pct, trend
    (``grew`` / ``shrank`` / ``unchanged`` for continuing clusters with both counts, ``members unknown`` for
    continuing clusters missing one, empty otherwise). A cluster "moving" between regions counts in the
    region of its phase_b row (continuing) — partner ids do not change in the shipped data.

    >>> rows = pd.DataFrame({"cluster_id": ["a", "a", "b", "c"], "name": ["A", "A", "B", "C"],
    ...     "partner_id": "x", "sector_name": "Food", "phase_id": ["P1", "P2", "P1", "P2"],
    ...     "members_total": pd.array([10, 15, 4, 7], dtype="Int64")})
    >>> portfolio_change(rows, "P1", "P2")[["cluster_id", "status", "member_change", "trend"]].values.tolist()
    [['a', 'continuing', 5, 'grew'], ['c', 'entered', <NA>, ''], ['b', 'left', <NA>, '']]
    """
    keep = ["cluster_id", "name", "partner_id", "sector_name", "members_total"]
    a = classified.loc[classified["phase_id"] == phase_a, keep].drop_duplicates("cluster_id")
    b = classified.loc[classified["phase_id"] == phase_b, keep].drop_duplicates("cluster_id")
    merged = a.merge(b, on="cluster_id", how="outer", suffixes=("_a", "_b"), indicator=True)
    status = merged["_merge"].map({"both": "continuing", "left_only": "left", "right_only": "entered"})
    out = pd.DataFrame({
        "cluster_id": merged["cluster_id"],
        "name": merged["name_b"].fillna(merged["name_a"]),
        "partner_id": merged["partner_id_b"].fillna(merged["partner_id_a"]),
        "sector_name": merged["sector_name_b"].fillna(merged["sector_name_a"]),
        "status": status.astype(str),
        "members_a": merged["members_total_a"].astype("Int64"),
        "members_b": merged["members_total_b"].astype("Int64"),
    })
    continuing = out["status"] == "continuing"
    out["member_change"] = (out["members_b"] - out["members_a"]).where(continuing).astype("Int64")
    pct = (out["member_change"].astype("Float64") / out["members_a"].astype("Float64") * 100)
    out["member_change_pct"] = pct.where(out["members_a"].fillna(0) > 0).round(1)
    trend = np.select(
        [continuing & out["member_change"].isna(), out["member_change"].fillna(0).gt(0) & continuing,
         out["member_change"].fillna(0).lt(0) & continuing, continuing],
        ["members unknown", "grew", "shrank", "unchanged"], default="")
    out["trend"] = trend
    return out.sort_values(["partner_id", "status", "cluster_id"], kind="stable").reset_index(drop=True)


def change_summary(change: pd.DataFrame, partner_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Per region: clusters in each phase, entered / left / continuing (with names), grew / shrank, and the
    member growth of continuing clusters with a count in both phases.

    Columns: partner_id, clusters_a, clusters_b, entered, left, continuing, grew, shrank, members_unknown,
    members_a, members_b (sums over continuing clusters with both counts), member_growth_pct,
    entered_names, left_names, grew_names, shrank_names. ``partner_ids`` adds rows (all zeros) for regions
    without any cluster in the two phases, in that order.
    """
    records = []
    ids = list(partner_ids) if partner_ids is not None else list(dict.fromkeys(change["partner_id"]))
    for partner in ids:
        g = change[change["partner_id"] == partner]
        cont = g[g["status"] == "continuing"]
        both = cont[cont["members_a"].notna() & cont["members_b"].notna()]
        members_a = int(both["members_a"].sum()) if len(both) else pd.NA
        members_b = int(both["members_b"].sum()) if len(both) else pd.NA
        growth = (round((members_b - members_a) / members_a * 100, 1)
                  if len(both) and members_a else pd.NA)

        def names(mask, frame=g):
            return "; ".join(frame.loc[mask, "name"].astype(str))

        records.append({
            "partner_id": partner,
            "clusters_a": int((g["status"] != "entered").sum()),
            "clusters_b": int((g["status"] != "left").sum()),
            "entered": int((g["status"] == "entered").sum()),
            "left": int((g["status"] == "left").sum()),
            "continuing": len(cont),
            "grew": int((g["trend"] == "grew").sum()),
            "shrank": int((g["trend"] == "shrank").sum()),
            "members_unknown": int((g["trend"] == "members unknown").sum()),
            "members_a": members_a, "members_b": members_b, "member_growth_pct": growth,
            "entered_names": names(g["status"] == "entered"),
            "left_names": names(g["status"] == "left"),
            "grew_names": names(g["trend"] == "grew"),
            "shrank_names": names(g["trend"] == "shrank"),
        })
    out = pd.DataFrame(records)
    if not out.empty:
        for col in ("members_a", "members_b"):
            out[col] = out[col].astype("Int64")
        out["member_growth_pct"] = out["member_growth_pct"].astype("Float64")
    return out


# ---------------------------------------------------------------------------------------------- diversity
def shannon_entropy(weights) -> float:
    """Shannon entropy H = −Σ p·ln p of the shares p of positive weights (natural log; 0 for one category).

    >>> round(shannon_entropy([1, 1]), 4)      # ln 2
    0.6931
    """
    w = np.asarray([x for x in weights if pd.notna(x) and x > 0], dtype=float)
    if w.size == 0:
        return math.nan
    p = w / w.sum()
    return float(-(p * np.log(p)).sum()) + 0.0


def herfindahl_index(weights) -> float:
    """Herfindahl-Hirschman index HHI = Σ p² of the shares (1 = one sector only, 1/n = n equal sectors).

    >>> herfindahl_index([3, 1])              # 0.75² + 0.25²
    0.625
    """
    w = np.asarray([x for x in weights if pd.notna(x) and x > 0], dtype=float)
    if w.size == 0:
        return math.nan
    p = w / w.sum()
    return float((p ** 2).sum())


def portfolio_diversity(classified: pd.DataFrame, weighting: str = "auto",
                        phase_order: Sequence[str] | None = None) -> pd.DataFrame:
    """Sector diversity per region and phase: Shannon entropy and HHI, by clusters and by members.

    Sector = ``sector_name`` (an unmapped text is its own sector); clusters without a sector are left out
    and counted in ``clusters_without_sector``. Two weightings are always given:

    - ``*_clusters``: every cluster weighs 1;
    - ``*_members``: each cluster weighs its ``members_total``, over the clusters with a count (NaN if none).

    ``shannon`` / ``hhi`` / ``effective_sectors`` (= e^H) follow ``weighting``: "members", "clusters", or
    "auto" = members when every cluster with a sector has a member count, clusters otherwise; the column
    ``weighting`` says which was used.

    >>> rows = pd.DataFrame({"cluster_id": ["a", "b", "c"], "partner_id": "x", "phase_id": "P1",
    ...     "sector_name": ["Food", "Food", "Energy"], "members_total": pd.array([30, 10, 40], dtype="Int64")})
    >>> portfolio_diversity(rows)[["hhi_clusters", "hhi_members", "weighting"]].to_dict("records")
    [{'hhi_clusters': 0.5555555555555556, 'hhi_members': 0.5, 'weighting': 'members'}]
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"unknown weighting {weighting!r}; valid: {', '.join(WEIGHTINGS)}")
    rows = dated_rows(classified)
    records = []
    for (partner, phase), group in rows.groupby(["partner_id", "phase_id"], sort=False):
        with_sector = group[group["sector_name"] != NO_SECTOR]
        by_count = with_sector.groupby("sector_name")["cluster_id"].nunique()
        known = with_sector[with_sector["members_total"].notna()]
        by_members = known.groupby("sector_name")["members_total"].sum().astype(float)
        coverage = len(known) / len(with_sector) if len(with_sector) else math.nan
        record = {
            "partner_id": partner, "phase_id": phase, "clusters": group["cluster_id"].nunique(),
            "clusters_without_sector": int((group["sector_name"] == NO_SECTOR).sum()),
            "sectors": int((by_count > 0).sum()), "member_coverage": coverage,
            "shannon_clusters": shannon_entropy(by_count), "hhi_clusters": herfindahl_index(by_count),
            "shannon_members": shannon_entropy(by_members), "hhi_members": herfindahl_index(by_members),
        }
        use_members = weighting == "members" or (weighting == "auto" and coverage == 1.0)
        record["weighting"] = "members" if use_members else "clusters"
        suffix = "_members" if use_members else "_clusters"
        record["shannon"] = record["shannon" + suffix]
        record["hhi"] = record["hhi" + suffix]
        record["effective_sectors"] = math.exp(record["shannon"]) if pd.notna(record["shannon"]) else math.nan
        records.append(record)
    return order_phases(pd.DataFrame(records, columns=DIVERSITY_COLUMNS), phase_order)


# -------------------------------------------------------------------------------------- complementarity
def sector_profiles(classified: pd.DataFrame, phase_id: str, weight: str = "clusters",
                    partner_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Region × sector matrix of one phase: number of clusters (``weight="clusters"``) or known members.

    Clusters without a sector are left out; unmapped texts are sectors of their own. Regions in
    ``partner_ids`` without any cluster in the phase get no row (a profile of zeros has no direction).
    """
    if weight not in ("clusters", "members"):
        raise ValueError("weight must be 'clusters' or 'members'")
    rows = classified[(classified["phase_id"] == phase_id) & (classified["sector_name"] != NO_SECTOR)]
    if partner_ids is not None:
        rows = rows[rows["partner_id"].isin(list(partner_ids))]
    if weight == "clusters":
        table = rows.groupby(["partner_id", "sector_name"])["cluster_id"].nunique()
    else:
        table = rows.dropna(subset=["members_total"]).groupby(["partner_id", "sector_name"])["members_total"].sum()
    profile = table.astype(float).unstack(fill_value=0.0)
    profile.columns = profile.columns.astype(str)
    profile.index = profile.index.astype(str)
    if partner_ids is not None:
        profile = profile.reindex([p for p in partner_ids if p in profile.index])
    profile = profile.loc[profile.sum(axis=1) > 0]
    return profile.rename_axis(index="partner_id", columns="sector_name")


def cosine_similarity(profiles: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity of every pair of region profiles (rows): a·b / (|a|·|b|), 1 on the diagonal.

    >>> p = pd.DataFrame({"food": [1.0, 0.0], "energy": [1.0, 2.0]}, index=["x", "y"])
    >>> round(float(cosine_similarity(p).loc["x", "y"]), 4)   # 2 / (√2 · 2)
    0.7071
    """
    values = profiles.to_numpy(dtype=float)
    norms = np.linalg.norm(values, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = values @ values.T / np.outer(norms, norms)
    return pd.DataFrame(sim, index=profiles.index, columns=profiles.index)


def complementarity_matrix(profiles: pd.DataFrame) -> pd.DataFrame:
    """Complementarity = 1 − cosine similarity of sector profiles (0 = same mix, 1 = no sector in common)."""
    return 1.0 - cosine_similarity(profiles)


def partner_pairs(profiles: pd.DataFrame, min_shared: int = 1) -> pd.DataFrame:
    """Ranked candidate region pairs for strategic cluster partnerships.

    Rule: **complementarity = 1 − cosine similarity** of the two regions' sector profiles, and a pair is a
    *candidate* only if it shares at least ``min_shared`` sector(s): the shared sector gives the clusters a
    common starting point, the differing sectors give each side competences the other lacks. Candidates are
    ranked by complementarity (highest first), ties by more shared sectors, then by name. Pairs without a
    shared sector are kept with ``candidate=False`` and no rank.

    Columns: region_a, region_b, cosine, complementarity, shared (n), only_a (n), only_b (n),
    shared_sectors, only_a_sectors, only_b_sectors, candidate, rank.

    >>> p = pd.DataFrame({"food": [1.0, 1.0, 0.0], "energy": [1.0, 0.0, 0.0], "textiles": [0.0, 0.0, 1.0]},
    ...                  index=["x", "y", "z"])
    >>> partner_pairs(p)[["region_a", "region_b", "candidate", "rank"]].values.tolist()
    [['x', 'y', True, 1], ['x', 'z', False, <NA>], ['y', 'z', False, <NA>]]
    """
    cos = cosine_similarity(profiles)
    regions = list(profiles.index)
    present = profiles > 0
    records = []
    for i, a in enumerate(regions):
        for b in regions[i + 1:]:
            shared = [s for s in profiles.columns if present.at[a, s] and present.at[b, s]]
            only_a = [s for s in profiles.columns if present.at[a, s] and not present.at[b, s]]
            only_b = [s for s in profiles.columns if present.at[b, s] and not present.at[a, s]]
            records.append({
                "region_a": a, "region_b": b, "cosine": float(cos.at[a, b]),
                "complementarity": 1.0 - float(cos.at[a, b]),
                "shared": len(shared), "only_a": len(only_a), "only_b": len(only_b),
                "shared_sectors": "; ".join(shared), "only_a_sectors": "; ".join(only_a),
                "only_b_sectors": "; ".join(only_b), "candidate": len(shared) >= min_shared,
            })
    columns = ["region_a", "region_b", "cosine", "complementarity", "shared", "only_a", "only_b",
               "shared_sectors", "only_a_sectors", "only_b_sectors", "candidate", "rank"]
    out = pd.DataFrame(records, columns=columns[:-1])
    if out.empty:
        return pd.DataFrame(columns=columns)
    out["_c"] = out["complementarity"].round(12)  # float noise must not break ties
    out = out.sort_values(["candidate", "_c", "shared", "region_a", "region_b"],
                          ascending=[False, False, False, True, True], kind="stable").drop(columns="_c")
    ranks = pd.Series(pd.NA, index=out.index, dtype="Int64")
    ranks[out["candidate"]] = np.arange(1, int(out["candidate"].sum()) + 1)
    out["rank"] = ranks
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ network








# -------------------------------------------------------------------------------------- the whole analysis
@dataclass
class PortfolioAnalysis:
    """Every table the cluster-portfolio notebook shows, for the chosen regions, phases and sector level."""

    partner_ids: list[str]
    phase_order: list[str]
    phase_a: str
    phase_b: str
    sector_level: int
    classified: pd.DataFrame      # every cluster row of the chosen regions, with its sector label
    dated: pd.DataFrame           # the rows with a phase (used by every per-phase measure)
    undated: pd.DataFrame         # rows without a phase, listed, not measured
    unmapped: pd.DataFrame        # sector texts mapping to nothing, and clusters without a sector
    composition: pd.DataFrame
    by_sector: pd.DataFrame
    change: pd.DataFrame
    change_summary: pd.DataFrame
    diversity: pd.DataFrame
    profiles: pd.DataFrame        # region × sector clusters in phase_b
    complementarity: pd.DataFrame
    pairs: pd.DataFrame
    links: pd.DataFrame           # cluster links touching the chosen regions
    link_summary: pd.DataFrame
    link_degrees: pd.DataFrame
    link_flows: pd.DataFrame

    @property
    def compared_rows(self) -> pd.DataFrame:
        """The dated rows of the two compared phases (for footnotes)."""
        return self.dated[self.dated["phase_id"].isin([self.phase_a, self.phase_b])]


def analyse_portfolios(dataset, taxonomy: pd.DataFrame, sector_map: pd.DataFrame, regions="all",
                       compare_phases=AUTO, sector_level=1, profile_weight: str = "clusters",
                       diversity_weighting: str = "auto") -> PortfolioAnalysis:
    """Run the whole portfolio analysis of a :class:`~clusterix_analytics.data.Dataset` (parameters as the
    notebook's; check them first with :func:`clusterix_analytics.views.cluster_portfolios.check_parameters`).
    Complementarity uses the profiles of the *second*
    compared phase (the later portfolio is the one partnerships would build on).

    >>> import clusterix_analytics as cx
    >>> from clusterix_analytics.data.sectors import read_sector_vocabulary
    >>> ds = cx.load()
    >>> vocabulary = read_sector_vocabulary(ds.project.directory)
    >>> result = analyse_portfolios(ds, vocabulary.taxonomy, vocabulary.sector_map, regions=["AT12", "BE2"])
    >>> result.partner_ids, result.phase_a, result.phase_b
    (['ecoplus', 'vlaio'], 'P1', 'P2')
    """
    partner_ids = resolve_regions(dataset.partners, regions)
    phase_order = list(dataset.project.phase_ids)
    phase_a, phase_b = resolve_compare_phases(phase_order, compare_phases)
    level = parse_sector_level(sector_level)
    clusters = dataset.clusters[dataset.clusters["partner_id"].isin(partner_ids)]
    classified = classify_sectors(clusters, taxonomy, sector_map, level).reset_index(drop=True)
    change = portfolio_change(classified, phase_a, phase_b)
    profiles = sector_profiles(classified, phase_b, weight=profile_weight, partner_ids=partner_ids)
    all_links = dataset.cluster_links
    links = _link_rows(all_links, dataset.clusters, partner_ids)[all_links.columns]
    return PortfolioAnalysis(
        partner_ids=partner_ids, phase_order=phase_order, phase_a=phase_a, phase_b=phase_b, sector_level=level,
        classified=classified, dated=dated_rows(classified), undated=undated_clusters(classified),
        unmapped=unmapped_sectors(classified, sector_map),
        composition=portfolio_composition(classified, phase_order),
        by_sector=members_by_sector(classified, phase_order),
        change=change, change_summary=change_summary(change, partner_ids),
        diversity=portfolio_diversity(classified, diversity_weighting, phase_order),
        profiles=profiles, complementarity=complementarity_matrix(profiles), pairs=partner_pairs(profiles),
        links=links,
        link_summary=link_summary(all_links, dataset.clusters, partner_ids, phase_order),
        link_degrees=link_degrees(all_links, dataset.clusters, partner_ids),
        link_flows=region_link_flows(all_links, dataset.clusters, partner_ids),
    )


def change_narrative(summary: pd.DataFrame, labels: Mapping[str, str] | None = None,
                     phase_a: str = "phase A", phase_b: str = "phase B") -> str:
    """Markdown naming, per region, the clusters that entered, left and grew between two phases.

    >>> summary = pd.DataFrame({"partner_id": ["x"], "clusters_a": [2], "clusters_b": [2], "entered": [1],
    ...     "left": [1], "continuing": [1], "grew": [1], "shrank": [0], "members_unknown": [0],
    ...     "member_growth_pct": [10.0], "entered_names": ["C"], "left_names": ["B"], "grew_names": ["A"],
    ...     "shrank_names": [""]})
    >>> print(change_narrative(summary, {"x": "Region X"}, "P1", "P2"))
    - **Region X**: 2 clusters in P1 → 2 in P2
        - entered (1): C
        - left (1): B
        - grew (1): A
        - members of the continuing clusters counted in both phases: +10.0 %
    """
    lines = []
    for r in summary.itertuples(index=False):
        label = markdown_text(labels.get(r.partner_id, r.partner_id) if labels else r.partner_id)
        if r.clusters_a == 0 and r.clusters_b == 0:
            lines.append(f"- **{label}**: no dated cluster in {phase_a} or {phase_b}")
            continue
        noun = "cluster" if r.clusters_a == 1 else "clusters"
        lines.append(f"- **{label}**: {r.clusters_a} {noun} in {phase_a} → {r.clusters_b} in {phase_b}")
        lines.append(f"    - entered ({r.entered}): {markdown_text(r.entered_names) or 'none'}")
        lines.append(f"    - left ({r.left}): {markdown_text(r.left_names) or 'none'}")
        lines.append(f"    - grew ({r.grew}): {markdown_text(r.grew_names) or 'none'}")
        if r.shrank:
            lines.append(f"    - shrank ({r.shrank}): {markdown_text(r.shrank_names)}")
        if r.members_unknown:
            lines.append(f"    - {r.members_unknown} continuing cluster(s) without a member count in both phases")
        if pd.notna(r.member_growth_pct):
            lines.append(f"    - members of the continuing clusters counted in both phases: "
                         f"{r.member_growth_pct:+.1f} %")
    return "\n".join(lines)
