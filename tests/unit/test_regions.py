"""Partner-region analytics: per-partner table and links aggregated between regions (hand-checked)."""
from __future__ import annotations

import pandas as pd
import pytest

from clusterix_analytics.analytics import regions
from clusterix_analytics.analytics.links import cluster_partner, interregional_links, links_by_phase
from clusterix_analytics.views import partner_regions

from .._maps_fixture import tiny_dataset


@pytest.fixture(scope="module")
def ds():
    return tiny_dataset()


def test_links_are_aggregated_between_partner_regions_and_same_region_links_dropped(ds):
    # k1-k3 lead/lab 2 (P1) + k3-k2 lab/lead 3 (P2) -> lab–lead: 2 links, 5 projects;
    # k4-k1 county/lead 1 (P1) + k2-k4 lead/county 4 (P2) -> county–lead: 2 links, 5 projects;
    # k1-k2 is lead/lead (same region): left out. Ties on projects sort by partner_a (county < lab).
    links = interregional_links(ds)
    assert links.to_dict("records") == [
        {"partner_a": "county", "partner_b": "lead", "links": 2, "projects": 5},
        {"partner_a": "lab", "partner_b": "lead", "links": 2, "projects": 5},
    ]


def test_links_of_one_phase(ds):
    # P2 only: k3-k2 lab/lead 3, k2-k4 lead/county 4 -> county–lead 4 first, then lab–lead 3.
    links = interregional_links(ds, "P2")
    assert list(links.itertuples(index=False, name=None)) == [("county", "lead", 1, 4), ("lab", "lead", 1, 3)]


def test_partner_regions_table(ds):
    table = regions.partner_regions(ds)
    lead, lab, county = table.loc["lead"], table.loc["lab"], table.loc["county"]
    assert lead["instruments_addressed"] == "Cluster Programme"
    assert lead["instruments_other"] == "Innovation Voucher"
    assert (lead["policy_instruments"], lab["policy_instruments"], county["policy_instruments"]) == (2, 1, 0)
    # lead: 100 + 250 EUR; lab's only change has no amount -> 0; county has no change -> 0.
    assert table["funds_influenced_eur"].tolist() == [350.0, 0.0, 0.0]
    assert table["policy_changes"].tolist() == [2, 1, 0]
    # lead's first change 2018-02-01 is in P1; lab's 2021-06-01 in AA (from 2021-04-01); county has none.
    assert lead["first_change_phase"] == "Phase 1 – interregional learning"
    assert lab["first_change_phase"].startswith("Additional activities")
    assert county["first_change_phase"] == regions.NO_PHASE
    # Distinct clusters: lead k1, k2 (k1 listed twice) -> 2; lab k3; county k4.
    assert table["clusters"].tolist() == [2, 1, 1]
    # lead is in both pairs (5 + 5); lab and county in one each.
    assert table["interregional_projects"].tolist() == [10, 5, 5]


def test_check_parameters_lists_valid_values(ds):
    assert partner_regions.check_parameters(ds, color_by="phase", highlight_partner="lab",
                                            geometry_source="gisco") == []
    problems = partner_regions.check_parameters(ds, color_by="budget", highlight_partner="xyz",
                                                geometry_source="osm", phase="P9")
    assert problems[0].startswith("unknown color_by 'budget'; valid: none, partner_type, phase, policy_changes")
    assert problems[1] == "unknown partner 'xyz'; valid: none, county, lab, lead"
    assert problems[2] == "unknown geometry_source 'osm'; valid: embedded, gisco"
    assert problems[3] == "unknown phase 'P9'; valid: all, P1, P2, AA"


def test_cluster_partner_takes_one_row_per_cluster():
    clusters = pd.DataFrame({"cluster_id": ["a", "a", "b"], "partner_id": ["p", "p", "q"]})
    assert cluster_partner(clusters).to_dict() == {"a": "p", "b": "q"}


def test_links_by_phase(ds):
    # P1: k1-k3 lab/lead 2 and k4-k1 county/lead 1 -> 2 pairs, 2 links, 3 projects;
    # P2: k3-k2 lab/lead 3 and k2-k4 lead/county 4 -> 2 pairs, 2 links, 7 projects; AA: nothing.
    table = links_by_phase(ds)
    assert table[["phase_id", "region_pairs", "links", "projects"]].values.tolist() == [
        ["P1", 2, 2, 3], ["P2", 2, 2, 7], ["AA", 0, 0, 0]]


def test_funds_on_the_map_count_achieved_changes_and_nested_amounts_once(ds):
    # lead: c1 100 (achieved) and c2 250 (achieved); now c2 is part of c1 and a planned c4 of 1,000 is added:
    # the programme's measure is 100 (c2 is inside c1, c4 is not achieved)
    changes = ds.policy_changes.assign(part_of_change_id=[None, "c1", None])
    extra = pd.DataFrame({"change_id": ["c4"], "partner_id": ["lead"], "date": pd.to_datetime(["2020-06-01"]),
                          "status": ["planned"], "funds_influenced_eur": [1000.0], "synthetic": [True],
                          "part_of_change_id": [None]})
    ds.tables["policy_changes"] = pd.concat([changes, extra], ignore_index=True)
    table = regions.partner_regions(ds)
    assert table.loc["lead", "funds_influenced_eur"] == 100.0
    assert table.loc["lead", "policy_changes"] == 3
