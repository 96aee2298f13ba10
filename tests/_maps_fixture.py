"""A tiny three-partner Dataset for the map and region tests (values small enough to check by hand)."""
from __future__ import annotations

import pandas as pd

import clusterix_analytics as cx
from clusterix_analytics.data.dataset import Dataset


def tiny_dataset() -> Dataset:
    """Partners in AT12 (business agency), RO32 (research institute) and SE224 (regional authority).

    Phases come from the shipped project: P1 2016-04-01..2019-03-31, P2 2019-04-01..2021-03-31, AA after.
    """
    project = cx.load().project
    partners = pd.DataFrame({
        "partner_id": ["lead", "lab", "county"],
        "organisation": ["Lead Agency", "Research Lab", "County Council"],
        "short_name": ["Lead", "Lab", "County"],
        "country_code": ["AT", "RO", "SE"],
        "nuts_code": ["AT12", "RO32", "SE224"],
        "nuts_level": [2, 2, 3],
        "region_name": ["Niederösterreich", "București-Ilfov", "Skåne län"],
        "partner_type": ["business_agency", "research_institute", "regional_authority"],
        "role": ["lead_partner", "partner", "partner"],
        "source": ["https://example.org"] * 3,
    })
    instruments = pd.DataFrame({
        "instrument_id": ["i1", "i2", "i3"],
        "partner_id": ["lead", "lead", "lab"],
        "name": ["Cluster Programme", "Innovation Voucher", "National RDI Plan"],
        "addressed": [True, False, True],
    })
    changes = pd.DataFrame({
        "change_id": ["c1", "c2", "c3"],
        "partner_id": ["lead", "lead", "lab"],
        "date": pd.to_datetime(["2020-05-01", "2018-02-01", "2021-06-01"]),
        "status": ["achieved", "achieved", "planned"],
        "funds_influenced_eur": [100.0, 250.0, None],
        "synthetic": [False, True, True],
    })
    # Cluster k1 appears twice (two phases), as cluster rows do in the real data.
    clusters = pd.DataFrame({
        "cluster_id": ["k1", "k1", "k2", "k3", "k4"],
        "partner_id": ["lead", "lead", "lead", "lab", "county"],
        "phase_id": ["P1", "P2", "P1", "P1", "P1"],
        "synthetic": [True] * 5,
    })
    links = pd.DataFrame({
        "from_cluster_id": ["k1", "k3", "k1", "k4", "k2"],
        "to_cluster_id": ["k3", "k2", "k2", "k1", "k4"],
        "phase_id": ["P1", "P2", "P1", "P1", "P2"],
        "link_type": ["interregional", "interregional", "cross_cluster", "interregional", "interregional"],
        "projects": [2, 3, 5, 1, 4],
        "synthetic": [True] * 5,
    })
    return Dataset(project=project, tables={
        "partners": partners, "policy_instruments": instruments, "policy_changes": changes,
        "clusters": clusters, "cluster_links": links})
