"""The demo generator on projects it has never seen: seeded random projects of sourced rows (tests/_project_factory:
1–8 partners, 1–4 phases, 3- to 12-month periods, 1–5 indicators, sourced rows in every table, some with the keys
the generator would choose). On each, the demo rows must load with the sourced ones (``load`` validates: no
duplicate key, every reference known), leave every sourced row as it was, and agree with the sourced totals.
"""
from __future__ import annotations

import pandas as pd
import pytest

import clusterix_analytics as cx
from clusterix_analytics.analytics.aggregation import amounts_counted_once
from clusterix_analytics.data.demo import write_demo
from clusterix_analytics.data.project import load_project
from clusterix_analytics.data.tables import TABLES

from .._project_factory import random_project

# 30 projects: about 15 s of CPU (two loads and a demo run each), hence slow
pytestmark = pytest.mark.slow
SEEDS = range(30)
DEMO_TABLES = ("policy_changes", "observations", "clusters", "cluster_links", "good_practice_transfers",
               "action_plans")


def keys(frame: pd.DataFrame, table: str) -> set[tuple]:
    key = list(TABLES[table].key)
    return set(frame[key].astype(str).itertuples(index=False, name=None))


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def generated(request, tmp_path_factory):
    folder = random_project(tmp_path_factory.mktemp("demo") / "project", request.param)
    sourced = cx.load(folder, include_demo=False)
    write_demo(folder)
    return sourced, cx.load(folder)   # load refuses any row that fails validation


def test_demo_rows_never_repeat_or_replace_a_sourced_row(generated):
    sourced, combined = generated
    for table in DEMO_TABLES:
        mine, theirs = sourced.tables[table], combined.tables[table]
        demo = theirs[theirs["synthetic"]]
        assert not keys(demo, table) & keys(mine, table), table
        # the sourced rows come back unchanged, all of them
        kept = theirs[~theirs["synthetic"]].reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, mine.reset_index(drop=True), check_dtype=False, obj=table)
        assert demo["source"].isna().all(), table


def _window(sourced, indicator: str):
    wide = sourced.observations[sourced.observations["partner_id"] == "project"]
    row = wide[wide["indicator_id"] == indicator]
    return (None, None, None) if row.empty else (float(row["value"].iloc[0]), row["period_start"].iloc[0],
                                                 row["period_end"].iloc[0])


def test_partner_rows_add_up_to_each_sourced_total(generated):
    sourced, combined = generated
    obs = combined.observations
    for ind in sourced.indicators.itertuples():
        total, lo, hi = _window(sourced, ind.indicator_id)
        if total is None or ind.aggregation != "sum" or ind.indicator_id == "ind0":  # ind0: from the changes
            continue
        rows = obs[(obs["partner_id"] != "project") & (obs["indicator_id"] == ind.indicator_id)
                   & (obs["period_start"] >= lo) & (obs["period_start"] <= hi)]
        sourced_part = rows.loc[~rows["synthetic"], "value"].sum()
        demo_part = rows.loc[rows["synthetic"], "value"].sum()
        if sourced_part >= total:
            assert demo_part == 0, ind.indicator_id          # nothing left to spread
        elif rows["synthetic"].any():
            assert sourced_part + demo_part == total, ind.indicator_id
        # no demo row in the window: every cell of it is sourced, and the sourced rows are what they are


def test_funds_of_achieved_changes_add_up_to_the_sourced_funds_figure(generated):
    sourced, combined = generated
    total, _, hi = _window(sourced, "ind0")
    changes = combined.policy_changes
    achieved = changes[changes["status"] == "achieved"]
    demo_funds = achieved.loc[achieved["synthetic"], "funds_influenced_eur"].sum()
    if total is None:
        assert demo_funds == 0                                # no figure to agree with: no demo amount
        return
    counted = amounts_counted_once(achieved).fillna(0)
    sourced_funds = counted[~achieved["synthetic"]].sum()
    carriers = achieved[achieved["synthetic"] & (achieved["change_type"] != "management")
                        & (achieved["date"] <= hi)]
    if sourced_funds >= total:
        assert demo_funds == 0
    elif len(carriers):
        assert sourced_funds + demo_funds == total
    # every demo amount is on an achieved change dated within the figure's period
    with_amount = changes[changes["synthetic"] & changes["funds_influenced_eur"].notna()]
    assert (with_amount["status"] == "achieved").all() and (with_amount["date"] <= hi).all()


def test_link_projects_add_up_to_the_sourced_figure(generated):
    sourced, combined = generated
    total, lo, hi = _window(sourced, "ind1")
    if total is None:
        return
    phases = [p.id for p in sourced.project.phases if pd.Timestamp(p.start) <= hi and pd.Timestamp(p.end) >= lo]
    links = combined.cluster_links[combined.cluster_links["phase_id"].isin(phases)]
    sourced_projects = links.loc[~links["synthetic"], "projects"].sum()
    demo_projects = links.loc[links["synthetic"], "projects"].sum()
    if sourced_projects >= total:
        assert demo_projects == 0
    elif links["synthetic"].any():
        assert sourced_projects + demo_projects == total
    assert (links.loc[links["synthetic"], "projects"] >= 1).all()   # a link carries a joint project


def test_the_generated_projects_vary_in_every_dimension(tmp_path):
    # the property tests above cover small and large projects: the seeds draw every size the factory allows
    sizes = set()
    for seed in SEEDS:
        folder = random_project(tmp_path / f"p{seed}", seed, demo=False)
        project = load_project(folder)
        partners = sum(1 for _ in (folder / "partners.csv").open()) - 1
        indicators = sum(1 for _ in (folder / "indicators.csv").open()) - 1
        sizes.add((partners, len(project.phases), project.reporting_period_months, indicators))
    assert {s[0] for s in sizes} == set(range(1, 9))
    assert {s[1] for s in sizes} == {1, 2, 3, 4}
    assert {s[2] for s in sizes} == {3, 4, 6, 12}
    assert {s[3] for s in sizes} == {1, 2, 3, 4, 5}
