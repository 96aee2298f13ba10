"""Partner profile: analytics on hand-made frames, and notebook 04 under papermill."""
from __future__ import annotations

import pandas as pd

import clusterix_analytics as cx
from clusterix_analytics.analytics.profile import (
    observations_vs_targets,
    partner_clusters_by_phase,
    partner_facts,
    partner_instruments,
    partner_policy_changes,
    profile_headlines,
)
from clusterix_analytics.views.partner_profile import check_parameters

INDICATORS = pd.DataFrame({
    "indicator_id": ["events", "peak", "share", "funds"],
    "name": ["Events", "Peak", "Share", "Funds"],
    "unit": ["events", "people", "percent", "EUR"],
    "target": [10.0, 50.0, 5.0, None],
    "aggregation": ["sum", "max", "last", "sum"],
})


OBSERVATIONS = pd.DataFrame({
    "partner_id": ["a", "a", "b", "a", "a", "b", "a", "a", "b", "project"],
    "indicator_id": ["events", "events", "events", "peak", "peak", "peak", "share", "share", "share", "events"],
    "period_start": pd.to_datetime(["2017-01-01", "2017-07-01", "2017-01-01", "2017-01-01", "2017-07-01",
                                    "2017-01-01", "2017-01-01", "2017-07-01", "2018-01-01", "2016-01-01"]),
    "period_end": pd.to_datetime(["2017-06-30", "2017-12-31", "2017-06-30", "2017-06-30", "2017-12-31",
                                  "2017-06-30", "2017-06-30", "2017-12-31", "2018-06-30", "2018-12-31"]),
    "value": [2.0, 3.0, 5.0, 20.0, 12.0, 30.0, 4.0, 6.0, 1.0, 100.0],
    "synthetic": [True, True, True, True, False, True, True, True, True, False],
})


def test_observations_vs_targets_by_hand():
    table = observations_vs_targets(OBSERVATIONS, INDICATORS, "a").set_index("indicator_id")
    # events (sum): a = 2 + 3 = 5 of target 10 → 50%; all partners 2 + 3 + 5 = 10 (the project row of 100
    # is a project-wide total, not a partner) → a has 5/10 = 50% of the partners' events
    assert table.loc["events", ["value", "all_partners", "share_of_target", "share_of_partners"]].tolist() == \
        [5.0, 10.0, 0.5, 0.5]
    # peak (max): a = max(20, 12) = 20 of 50 → 40%; all partners max(20, 12, 30) = 30; no share of a max
    assert table.loc["peak", ["value", "all_partners", "share_of_target"]].tolist() == [20.0, 30.0, 0.4]
    assert pd.isna(table.loc["peak", "share_of_partners"])
    # share (last, a rate): a's latest period ends 2017-12-31 → 6 of target 5 → 120%; all partners: the mean of
    # each partner's latest value, (6 + 1) / 2 = 3.5 (not the latest row of any partner, b's 1, as before)
    assert table.loc["share", ["value", "all_partners", "share_of_target"]].tolist() == [6.0, 3.5, 1.2]
    assert table.loc["share", "all_partners_rule"] == (
        "all partners: the average of each partner's latest value (each partner counts once)")
    assert table.loc["events", "all_partners_rule"] == "all partners: the sum of every partner's periods"
    # funds: no observation and no target
    assert pd.isna(table.loc["funds", "value"]) and pd.isna(table.loc["funds", "share_of_target"])
    # a has 2 rows per indicator; one of its peak rows is sourced
    assert table["observations"].tolist() == [2, 2, 2, 0]
    assert table["synthetic_observations"].tolist() == [2, 1, 2, 0]


def test_partner_changes_and_headlines():
    changes = pd.DataFrame({
        "change_id": ["c2", "c1", "c3"], "partner_id": ["a", "a", "b"], "instrument_id": ["i1", None, "i2"],
        "date": pd.to_datetime(["2019-05-01", "2018-01-01", "2018-01-01"]),
        "change_type": ["management", "new_projects", "management"], "status": ["achieved", "planned", "achieved"],
        "funds_influenced_eur": [1000.0, None, 5.0], "description": ["x", "y", "z"], "synthetic": [True, False, True],
    })
    instruments = pd.DataFrame({"instrument_id": ["i1", "i2"], "name": ["Programme one", "Programme two"]})
    mine = partner_policy_changes(changes, instruments, "a")
    assert mine["change_id"].tolist() == ["c1", "c2"]                 # oldest first
    assert mine["instrument"].fillna("?").tolist() == ["?", "Programme one"]
    versus = observations_vs_targets(OBSERVATIONS, INDICATORS, "a")
    # 2 changes, 1 achieved, funds 1000 + unknown = 1000; 3 of 4 indicators observed
    assert profile_headlines(mine, versus) == {"policy_changes": 2, "policy_changes_achieved": 1,
                                               "funds_influenced_eur": 1000.0, "indicators_observed": 3}


def test_clusters_by_phase_and_instruments_by_hand():
    phases = pd.DataFrame({"phase_id": ["P1", "P2", "AA"], "name": ["one", "two", "extra"]})
    clusters = pd.DataFrame({
        "cluster_id": ["x", "y", "x", "z"], "partner_id": ["a", "a", "a", "b"], "phase_id": ["P1", "P1", "P2", "P1"],
        "members_total": pd.array([10, None, 12, 99], dtype="Int64"), "synthetic": [True, False, True, True],
    })
    table = partner_clusters_by_phase(clusters, phases, "a").set_index("phase_id")
    # P1: x (10 members) and y (size unknown) → 2 clusters, 1 with members, 10 members, 1 demo row;
    # P2: x with 12; AA: nothing → zeros; z belongs to b
    columns = ["clusters", "clusters_with_members", "members_total", "synthetic_rows"]
    assert table.loc["P1", columns].tolist() == [2, 1, 10, 1]
    assert table.loc["P2", ["clusters", "members_total"]].tolist() == [1, 12]
    assert table.loc["AA", ["clusters", "members_total"]].tolist() == [0, 0]
    instruments = pd.DataFrame({"instrument_id": ["i1", "i2", "i3"], "partner_id": ["a", "a", "b"],
                                "name": ["B plan", "A plan", "C"], "instrument_type": ["regional"] * 3,
                                "managing_authority": [None] * 3, "addressed": [False, False, True],
                                "source": ["u"] * 3})
    assert partner_instruments(instruments, "a")["instrument_id"].tolist() == ["i2", "i1"]   # by name


def test_check_parameters_lists_valid_partners():
    ds = cx.load()
    assert check_parameters(ds, partner="inma") == []
    message, = check_parameters(ds, partner="lund")
    assert message.startswith("unknown partner 'lund'; valid: ecoplus, vlaio, rda_ostrava")
    assert check_parameters(ds, partner="") == check_parameters(ds, partner=None) == []   # the first partner
    assert partner_facts(ds.partners, "inma").loc["nuts_code", "value"] == "RO32"


def test_fixture_notebook_is_committed_without_outputs():
    """notebooks/ is checked by test_packaging; the runner's fixture notebook follows the same rule."""
    import nbformat

    from .test_reports_units import FIXTURE_NOTEBOOKS

    for path in [FIXTURE_NOTEBOOKS / "fixture_partner.ipynb"]:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.outputs == [] and c.execution_count is None for c in code), path.name
        assert "parameters" in code[0].metadata.get("tags", [])


def test_observations_vs_targets_skips_unknown_values_and_orders_ties_by_start():
    observations = pd.DataFrame({
        "partner_id": ["a", "a", "a", "b", "b"],
        "indicator_id": ["share", "share", "share", "share", "share"],
        # a: two periods end together, the one that starts later is the latest; its last period is unknown
        "period_start": pd.to_datetime(["2017-07-01", "2017-01-01", "2018-01-01", "2017-01-01", "2017-07-01"]),
        "period_end": pd.to_datetime(["2017-12-31", "2017-12-31", "2018-06-30", "2017-06-30", "2017-12-31"]),
        "value": [6.0, 4.0, None, None, None],
        "synthetic": [True] * 5,
    })
    table = observations_vs_targets(observations, INDICATORS, "a").set_index("indicator_id")
    # a's latest known value is 6 (2017-07-01 – 2017-12-31; its 2018 value is unknown); b knows none, so the
    # average of the partners' latest values is a's alone: 6
    assert table.loc["share", ["value", "all_partners"]].tolist() == [6.0, 6.0]
    assert table.loc["share", "observations"] == 3
    # a period that starts first but ends last is the latest: its value is a's latest
    longer = pd.concat([observations, pd.DataFrame({
        "partner_id": ["a"], "indicator_id": ["share"], "period_start": pd.to_datetime(["2016-01-01"]),
        "period_end": pd.to_datetime(["2019-12-31"]), "value": [9.0], "synthetic": [True]})], ignore_index=True)
    assert observations_vs_targets(longer, INDICATORS, "a").set_index("indicator_id").loc["share", "value"] == 9.0
    # b has rows but no known value: no value of its own
    assert pd.isna(observations_vs_targets(observations, INDICATORS, "b").set_index("indicator_id")
                   .loc["share", "value"])


def test_observations_vs_targets_matches_the_rules_one_partner_at_a_time():
    """On random frames: each partner's periods combined by ``over_periods`` and the partners by
    ``all_partners_value`` (the rules, applied one list at a time) give what the table gives."""
    import numpy as np

    from clusterix_analytics.analytics.aggregation import all_partners_value, over_periods

    rng = np.random.default_rng(7)
    for _ in range(60):
        n = int(rng.integers(1, 60))
        ends = pd.to_datetime("2017-01-01") + pd.to_timedelta(rng.integers(0, 6, n) * 90, unit="D")
        frame = pd.DataFrame({
            "partner_id": rng.choice(["a", "b", "c", "project"], n),
            "indicator_id": rng.choice(INDICATORS["indicator_id"], n),
            "period_start": ends - pd.to_timedelta(rng.integers(30, 200, n), unit="D"),
            "period_end": ends,
            "value": np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 50, n).astype(float)),
            "synthetic": True,
        })
        table = observations_vs_targets(frame, INDICATORS, "a").set_index("indicator_id")
        ordered = frame[frame["partner_id"] != "project"].sort_values(["period_end", "period_start"], kind="stable")
        for row in INDICATORS.itertuples():
            rows = ordered[ordered["indicator_id"] == row.indicator_id]
            by_partner = {p: part["value"].tolist() for p, part in rows.groupby("partner_id", sort=False)}
            expected_own = over_periods(by_partner.get("a", []), row.aggregation)
            expected_all = all_partners_value(by_partner, row.aggregation, row.unit) if by_partner else float("nan")
            np.testing.assert_equal(table.loc[row.indicator_id, ["value", "all_partners"]].to_numpy(float),
                                    [expected_own, expected_all])


def test_every_profile_timeline_shows_only_its_partner_and_a_legend():
    from clusterix_analytics.data.names import partner_names
    from clusterix_analytics.views import partner_profile

    ds = cx.load()
    names = partner_names(ds.partners)
    for partner in ds.partners.partner_id:
        fig = partner_profile.timeline_figure(partner_profile.build(ds, partner=partner))
        if isinstance(fig, str):        # a partner without changes gets a sentence instead
            continue
        assert list(fig.layout.yaxis.categoryarray) == [names[partner]], partner
        assert fig.layout.showlegend is True, partner


def test_profiles_of_a_prepared_project_reuse_all_partners_values_until_a_value_changes(monkeypatch):
    from clusterix_analytics.analytics import profile
    from clusterix_analytics.views import partner_profile

    profile.partner_values.forget()
    partner_profile.prepare("tests/fixtures/nordic_pilot")   # as the runner's fork server does
    combined = []
    aggregate = profile.aggregate_periods
    monkeypatch.setattr(profile, "aggregate_periods", lambda *a, **k: combined.append(1) or aggregate(*a, **k))
    ds = cx.load("tests/fixtures/nordic_pilot")

    page = partner_profile.build(ds, partner="vie")
    pilots = page.versus_targets.set_index("indicator_id").loc["pilots_launched"]
    # pilots launched, a sum: cph 1 + 2, vie 1; vie's share of all partners 1 / 4
    assert (pilots["value"], pilots["all_partners"], pilots["share_of_partners"]) == (1, 4, 0.25)
    assert combined == []   # remembered from prepare: no partner's periods combined again

    observations = ds.observations.copy()
    observations.loc[(observations["partner_id"] == "cph") & (observations["value"] == 1), "value"] = 11
    ds.tables["observations"] = observations
    pilots = partner_profile.build(ds, partner="vie").versus_targets.set_index("indicator_id").loc["pilots_launched"]
    assert (pilots["all_partners"], pilots["share_of_partners"]) == (14, 1 / 14)   # 11 + 2 + 1
    assert combined == [1]
