"""Cluster links: the network of joint projects between clusters, per phase, and between partner regions.

Every count of links or joint projects on a page comes from here.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from clusterix_analytics.analytics.calendar import order_phases
from clusterix_analytics.data.dataset import Dataset

LINK_SUMMARY_COLUMNS = ["phase_id", "links", "projects", "clusters_linked", "mean_degree", "max_degree",
                        "interregional_links", "interregional_share", "interregional_project_share",
                        "synthetic_rows"]


def _link_rows(links: pd.DataFrame, clusters: pd.DataFrame, partner_ids: Sequence[str] | None) -> pd.DataFrame:
    owner = clusters.drop_duplicates("cluster_id").set_index("cluster_id")["partner_id"].astype(str)
    rows = links.assign(from_partner=links["from_cluster_id"].map(owner),
                        to_partner=links["to_cluster_id"].map(owner))
    # inter-regional = the two clusters belong to different partners' regions (the same rule link_type states)
    rows["interregional"] = rows["from_partner"] != rows["to_partner"]
    if partner_ids is not None:
        chosen = set(partner_ids)
        rows = rows[rows["from_partner"].isin(chosen) | rows["to_partner"].isin(chosen)]
    return rows.reset_index(drop=True)


def link_degrees(links: pd.DataFrame, clusters: pd.DataFrame,
                 partner_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Per phase and cluster: degree (distinct linked clusters), projects (weighted degree), inter-regional links.

    >>> links = pd.DataFrame({"from_cluster_id": ["a", "a"], "to_cluster_id": ["b", "c"], "phase_id": "P1",
    ...                       "projects": [2, 1]})
    >>> clusters = pd.DataFrame({"cluster_id": ["a", "b", "c"], "partner_id": ["x", "x", "y"]})
    >>> degrees = link_degrees(links, clusters).query("cluster_id == 'a'")
    >>> degrees[["degree", "projects", "interregional_links"]].values.tolist()
    [[2, 3, 1]]
    """
    rows = _link_rows(links, clusters, partner_ids)
    ends = pd.concat([
        rows[["phase_id", "from_cluster_id", "to_cluster_id", "from_partner", "projects", "interregional"]]
        .set_axis(["phase_id", "cluster_id", "other", "partner_id", "projects", "interregional"], axis=1),
        rows[["phase_id", "to_cluster_id", "from_cluster_id", "to_partner", "projects", "interregional"]]
        .set_axis(["phase_id", "cluster_id", "other", "partner_id", "projects", "interregional"], axis=1),
    ], ignore_index=True)
    if partner_ids is not None:
        ends = ends[ends["partner_id"].isin(list(partner_ids))]
    return ends.groupby(["phase_id", "cluster_id", "partner_id"], sort=True).agg(
        degree=("other", "nunique"), projects=("projects", "sum"),
        interregional_links=("interregional", "sum"),
    ).reset_index().astype({"projects": int, "interregional_links": int})


def link_summary(links: pd.DataFrame, clusters: pd.DataFrame, partner_ids: Sequence[str] | None = None,
                 phase_order: Sequence[str] | None = None) -> pd.DataFrame:
    """Per phase: links, joint projects, clusters linked, mean degree, share of inter-regional links / projects.

    >>> links = pd.DataFrame({"from_cluster_id": ["a", "a"], "to_cluster_id": ["b", "c"], "phase_id": "P1",
    ...                       "projects": [2, 1]})
    >>> clusters = pd.DataFrame({"cluster_id": ["a", "b", "c"], "partner_id": ["x", "x", "y"]})
    >>> summary = link_summary(links, clusters)
    >>> summary[["links", "interregional_share", "interregional_project_share"]].to_dict("records")
    [{'links': 2, 'interregional_share': 0.5, 'interregional_project_share': 0.3333333333333333}]
    """
    rows = _link_rows(links, clusters, partner_ids)
    degrees = link_degrees(links, clusters, partner_ids)
    records = []
    for phase, g in rows.groupby("phase_id", sort=False):
        d = degrees[degrees["phase_id"] == phase]
        records.append({
            "phase_id": phase, "links": len(g), "projects": int(g["projects"].sum()),
            "clusters_linked": int(pd.concat([g["from_cluster_id"], g["to_cluster_id"]]).nunique()),
            "mean_degree": float(d["degree"].mean()) if len(d) else math.nan,
            "max_degree": int(d["degree"].max()) if len(d) else 0,
            "interregional_links": int(g["interregional"].sum()),
            "interregional_share": float(g["interregional"].mean()),
            "interregional_project_share": float(g.loc[g["interregional"], "projects"].sum() / g["projects"].sum())
            if g["projects"].sum() else math.nan,
            "synthetic_rows": int(g["synthetic"].sum()) if "synthetic" in g else 0,
        })
    out = pd.DataFrame(records, columns=LINK_SUMMARY_COLUMNS)
    return order_phases(out.assign(partner_id=""), phase_order).drop(columns="partner_id")


def region_link_flows(links: pd.DataFrame, clusters: pd.DataFrame,
                      partner_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Links and joint projects per phase between regions (a pair of regions counted once, in sorted order;
    the same region on both sides = cross-cluster links inside one region).

    Columns: phase_id, region_a, region_b, links, projects.
    """
    rows = _link_rows(links, clusters, partner_ids)
    pair = np.sort(rows[["from_partner", "to_partner"]].astype(str).to_numpy(), axis=1)
    rows = rows.assign(region_a=pair[:, 0] if len(rows) else [], region_b=pair[:, 1] if len(rows) else [])
    return rows.groupby(["phase_id", "region_a", "region_b"], sort=True).agg(
        links=("projects", "size"), projects=("projects", "sum")).reset_index()


def cluster_partner(clusters: pd.DataFrame) -> pd.Series:
    """cluster_id → partner_id (a cluster has rows per phase; its partner is the same in all of them)."""
    return clusters.drop_duplicates("cluster_id").set_index("cluster_id")["partner_id"]


def interregional_links(dataset: Dataset, phase: str | None = None) -> pd.DataFrame:
    """cluster_links aggregated between partner regions: one row per unordered pair of partners.

    Links between two clusters of the same partner are left out (they do not cross regions).
    Columns: partner_a, partner_b (alphabetical), links (count of cluster links), projects (sum).

    >>> import clusterix_analytics as cx
    >>> interregional_links(cx.load(), "P1").columns.tolist()
    ['partner_a', 'partner_b', 'links', 'projects']
    """
    return links_between_partners(dataset.cluster_links, dataset.clusters, phase)


def links_between_partners(cluster_links: pd.DataFrame, clusters: pd.DataFrame,
                           phase: str | None = None) -> pd.DataFrame:
    """The table behind :func:`interregional_links`, from the two frames (see there)."""
    links = cluster_links if phase is None else cluster_links[cluster_links["phase_id"] == phase]
    owner = cluster_partner(clusters)
    a = links["from_cluster_id"].map(owner).astype(str)
    b = links["to_cluster_id"].map(owner).astype(str)
    pairs = pd.DataFrame({"partner_a": a.where(a < b, b), "partner_b": b.where(a < b, a),
                          "projects": links["projects"].astype(int)})
    pairs = pairs[pairs["partner_a"] != pairs["partner_b"]]
    out = (pairs.groupby(["partner_a", "partner_b"], as_index=False)
           .agg(links=("projects", "size"), projects=("projects", "sum")))
    return out.sort_values(["projects", "partner_a", "partner_b"], ascending=[False, True, True],
                           ignore_index=True)


def links_by_phase(dataset: Dataset) -> pd.DataFrame:
    """Per phase (project order): pairs of partner regions linked, cluster links and joint projects between them.

    >>> import clusterix_analytics as cx
    >>> links_by_phase(cx.load()).columns.tolist()
    ['phase_id', 'phase', 'region_pairs', 'links', 'projects']
    """
    rows = []
    for phase in dataset.project.phases:
        links = interregional_links(dataset, phase.id)
        rows.append({"phase_id": phase.id, "phase": phase.name, "region_pairs": len(links),
                     "links": int(links["links"].sum()), "projects": int(links["projects"].sum())})
    return pd.DataFrame(rows, columns=["phase_id", "phase", "region_pairs", "links", "projects"])
