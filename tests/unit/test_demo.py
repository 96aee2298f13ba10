"""The demo generator: byte-identical output, flagged rows, agreement with sourced totals."""
from __future__ import annotations

import clusterix_analytics as cx
from clusterix_analytics.analytics.aggregation import amounts_counted_once
from clusterix_analytics.config import DEFAULT_PROJECT_DIR
from clusterix_analytics.data.demo import write_demo


def test_regenerating_gives_the_committed_files_byte_for_byte(project_copy):
    written = write_demo(project_copy)
    assert sorted(p.name for p in written) == ["action_plans.csv", "cluster_links.csv", "clusters.csv",
                                               "good_practice_transfers.csv", "observations.csv",
                                               "policy_changes.csv"]
    for path in written:
        assert path.read_bytes() == (DEFAULT_PROJECT_DIR / "demo" / path.name).read_bytes(), path.name


def test_two_runs_are_identical(project_copy):
    first = {p.name: p.read_bytes() for p in write_demo(project_copy)}
    second = {p.name: p.read_bytes() for p in write_demo(project_copy)}
    assert first == second


def test_demo_rows_are_flagged_and_have_no_source():
    ds = cx.load()
    for name in ("policy_changes", "observations", "clusters", "cluster_links", "good_practice_transfers",
                 "action_plans"):
        table = ds.tables[name]
        demo = table[table.synthetic]
        assert len(demo) > 0, name
        assert demo.source.isna().all(), name
        assert table[~table.synthetic].source.notna().all(), name


def test_demo_values_agree_with_sourced_totals():
    ds = cx.load()
    obs = ds.observations
    partner_rows = obs[obs.synthetic]
    by_indicator = partner_rows.groupby("indicator_id").value.sum()
    # sourced project-wide totals (data/clusterix2/observations.csv); learning events, good practices and action
    # plans are counted from their tables (indicators.csv counted_from): no demo observation of them
    assert not {"learning_events", "good_practices", "action_plans"} & set(by_indicator.index)
    assert by_indicator["people_increased_capacity"] == 60
    assert by_indicator["cross_cluster_projects"] == 70
    assert by_indicator["funds_influenced_eur"] == 13_000_000
    # the 60 people were counted by 11 March 2019: no demo row after that period starts
    people = partner_rows[partner_rows.indicator_id == "people_increased_capacity"]
    assert people.period_start.max() <= __import__("pandas").Timestamp("2019-03-11")
    # policy-change funds counted once: INMA's 898,097 EUR competition (2018) is part of its 8.4 MEUR scheme
    # (2017), so sourced 8,400,000 plus demo changes = 13,000,000, and the naive sum is 898,097 more
    changes = ds.policy_changes
    assert changes.set_index("change_id").at["chg_inma_2018", "part_of_change_id"] == "chg_inma_2017_11"
    achieved = changes[changes.status == "achieved"]
    assert amounts_counted_once(achieved).sum() == 13_000_000
    assert achieved[achieved.synthetic].funds_influenced_eur.sum() == 13_000_000 - 8_400_000
    assert changes.funds_influenced_eur.sum() == 13_000_000 + 898_097
    # cluster-link projects in P1 and P2 (the source's window) = the 70 new cross-cluster projects
    links = ds.cluster_links
    assert links[links.phase_id.isin(["P1", "P2"])].projects.sum() == 70


def test_only_missing_cluster_phases_are_generated():
    clusters = cx.load().clusters
    dated = clusters.dropna(subset=["phase_id"])
    assert not dated.duplicated(["cluster_id", "phase_id"]).any()
    # at_plastics is sourced for P2 (2019, 398 members); demo rows may only fill other phases
    plastics = clusters[clusters.cluster_id == "at_plastics"].set_index("phase_id")
    assert plastics.loc["P2", "members_total"] == 398 and not plastics.loc["P2", "synthetic"]
    assert plastics.drop(index="P2").synthetic.all()


def test_demo_learning_rows_complete_the_sourced_ones():
    ds = cx.load()
    # one action plan per partner (the target is 10): 2 sourced (westpannon, region_aura) + 8 demo
    plans = ds.action_plans
    assert len(plans) == 10 and plans.partner_id.is_unique
    assert sorted(plans[~plans.synthetic].partner_id) == ["region_aura", "westpannon"]
    # demo transfers take up sourced good practices of another partner, after they were shown, never a pair
    # the sources record (Skåne's monitoring tool → Auvergne-Rhône-Alpes, the PPI Pool → ecoplus)
    transfers = ds.good_practice_transfers.merge(ds.good_practices, on="good_practice_id", suffixes=("", "_gp"))
    demo = transfers[transfers.synthetic]
    assert len(demo) > 0 and not demo.synthetic_gp.any()
    assert (demo.adopting_partner_id != demo.owner_partner_id).all()
    assert (demo.date > demo.date_gp).all()
    sourced = transfers[~transfers.synthetic]
    assert sorted(zip(sourced.good_practice_id, sourced.adopting_partner_id)) == [
        ("gp_ppi_pool", "ecoplus"), ("gp_skane_cluster_monitoring", "region_aura")]
    assert not transfers.duplicated(["good_practice_id", "adopting_partner_id"]).any()
