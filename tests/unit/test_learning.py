"""Policy-learning analytics on the fixture project tests/fixtures/learning_pilot, values worked out by hand.

The fixture's events (events.csv): e1 cph 2020-01-15, e2 vie 2020-06-10, e3 sth 2020-06-20, e4 vie undated,
e5 a milestone (not a learning event), e6 2021-03-02 with no host, e7 cph 2021-05-05 demo. Reporting periods of
4 months from 2020-01-01. The project reported 10 learning events; observations.csv also has a demo row of 7
learning events for cph, which the events table replaces.
"""
from __future__ import annotations

import pandas as pd
import pytest

import clusterix_analytics as cx
from clusterix_analytics.analytics import indicators as ind
from clusterix_analytics.analytics import learning
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.views import partner_profile, policy_change_indicators, project_overview

from ..conftest import FIXTURES, SECOND_PROJECT

PILOT = FIXTURES / "learning_pilot"


@pytest.fixture(scope="module")
def pilot():
    return cx.load(PILOT)


@pytest.fixture(scope="module")
def nordic():
    return cx.load(SECOND_PROJECT)


def test_only_the_tables_a_project_has_count_indicators(pilot, nordic):
    assert learning.counted_indicators(pilot) == {"learning_events": "events", "good_practices": "good_practices"}
    # the Nordic Pilot has no learning table at all: it loads, and its indicators come from observations alone
    assert not any(nordic.has(t) for t in ("events", "good_practices", "good_practice_transfers", "action_plans"))
    assert learning.counted_indicators(nordic) == {}
    assert learning.counted_all(nordic) == []
    assert learning.indicator_observations(nordic).drop(columns="counted_from").equals(nordic.observations)


def test_learning_events_documented_against_the_reported_total(pilot):
    counted = learning.counted_indicator(pilot, "learning_events")
    # learning types: e1 e2 e3 e4 e6 sourced, e7 demo; e5 is a milestone
    assert counted.documented.value == 5 and counted.documented.provenance == "sourced"
    assert counted.demo == 1
    assert counted.reported.value == 10
    assert (counted.undated, counted.without_partner) == (1, 1)              # e4; e6
    assert learning.count_sentence(counted) == (
        "**Learning events**: 5 of the 10 events the project reported are documented in the events table "
        "(sourced); the other 5 are not documented. The table also holds 1 demo row, not counted as documented. "
        "1 of the documented events has no date and 1 no partner: they count in the total, not in a reporting "
        "period or a partner's value.")


def test_good_practices_without_a_reported_total_are_stated_against_the_target(pilot):
    counted = learning.counted_indicator(pilot, "good_practices")
    assert (counted.documented.value, counted.demo, counted.undated, counted.without_partner) == (4, 0, 1, 1)
    assert learning.count_sentence(counted) == (
        "**Good practices shared**: good practices documented in the good practices table: 4 (sourced); the "
        "project reported no total (target: 5 good practices). 1 of the documented good practices has no date "
        "and 1 no partner: they count in the total, not in a reporting period or a partner's value.")


def test_one_partner_s_count_is_not_compared_with_the_project_total(pilot):
    vie = learning.counted_indicator(pilot, "learning_events", partner="vie")
    assert (vie.documented.value, vie.documented.scope, vie.undated) == (2, "partner:vie", 1)   # e2, e4
    assert learning.count_sentence(vie) == (
        "**Learning events**: events documented in the events table for this partner: 2 (sourced). 1 of the "
        "documented events has no date: it counts in the total, not in a reporting period.")


def test_rows_replace_the_partner_observations_of_a_counted_indicator(pilot):
    obs = learning.indicator_observations(pilot)
    events = obs[obs.indicator_id == "learning_events"].sort_values(["period_start", "partner_id"])
    # e1 cph in period 1; e2 vie and e3 sth in period 2 (May-Aug 2020); e7 cph (demo) in period 5 (May-Aug 2021);
    # the project's own 10 stays; cph's demo observation of 7 is gone
    got = [(r.partner_id, f"{r.period_start:%Y-%m}", r.value, r.synthetic) for r in events.itertuples()]
    assert got == [("cph", "2020-01", 1.0, False), ("project", "2020-01", 10.0, False), ("sth", "2020-05", 1.0, False),
                   ("vie", "2020-05", 1.0, False), ("cph", "2021-05", 1.0, True)]
    assert set(events.counted_from.dropna()) == {"events"}
    # an indicator not counted from rows keeps its observations
    assert obs[obs.indicator_id == "pilots_launched"].value.sum() == 2


def test_the_indicator_page_compares_the_rows_with_the_reported_total(pilot):
    page = policy_change_indicators.build(pilot, indicators=["learning_events"])
    reported = page.tables.reported.set_index("indicator_id").loc["learning_events"]
    # partner rows over the reported window: 3 sourced + 1 demo, never added to the reported 10
    assert (reported.reported_by_project, reported.sum_of_partner_rows, reported.partner_rows_from) == (
        10.0, 4.0, "events")
    text = policy_change_indicators.reported_vs_partner_rows(page)
    assert "partner rows add up to 4, counted from the events table" in text
    assert "5 of the 10 events the project reported are documented" in text
    metric = {m.key: m for m in policy_change_indicators.metrics(page)}["learning_events_documented"]
    assert (metric.value, metric.scope) == (5, "project")


def test_the_profile_counts_the_partner_s_rows(pilot):
    page = partner_profile.build(pilot, partner="cph")
    values = page.versus_targets.set_index("indicator_id")
    # cph: e1 (sourced) and e7 (demo) in periods; its demo observation of 7 is not used; g1 is its good practice
    assert values.loc["learning_events", "value"] == 2
    assert values.loc["good_practices", "value"] == 1
    documented = {m.key: m.value for m in partner_profile.metrics(page) if m.key.endswith("_documented")}
    assert documented == {"learning_events_documented": 1, "good_practices_documented": 1}
    assert partner_profile.counted_sentences(page).startswith(
        "**Learning events**: events documented in the events table for this partner: 1 (sourced). The table "
        "also holds 1 demo row")


def test_the_overview_states_what_the_rows_document(pilot, nordic):
    page = project_overview.build(pilot)
    keys = {m.key: m.value for m in project_overview.metrics(page, pilot)}
    assert (keys["learning_events_reported"], keys["learning_events_documented"], keys["good_practices_documented"]
            ) == (10, 5, 4)
    assert "5 of the 10 events the project reported are documented" in project_overview.indicators_summary(page)
    # without learning tables nothing is said about them
    assert "documented" not in project_overview.indicators_summary(project_overview.build(nordic))


def test_every_page_states_the_same_documented_count(pilot):
    overview = project_overview.build(pilot)
    indicator_page = policy_change_indicators.build(pilot)
    found = {m.value for m in project_overview.metrics(overview, pilot) + policy_change_indicators.metrics(
        indicator_page) if m.key == "learning_events_documented"}
    assert found == {5}
    # and the partner pages add up to the documented events that have a partner (5 - e6)
    per_partner = [m.value for p in ("cph", "vie", "sth") for m in partner_profile.metrics(
        partner_profile.build(pilot, partner=p)) if m.key == "learning_events_documented"]
    assert sum(per_partner) == 4


def test_partner_rows_feed_the_scorecard_by_period(pilot):
    tables = ind.build_tables(pilot, partner="vie", indicators=["learning_events"])
    # vie: e2 in period 2; e4 undated is in no period
    assert tables.periods.dropna(subset=["value"]).set_index("period")["value"].to_dict() == {2: 1.0}
    assert isinstance(tables.as_of, pd.Timestamp)


# ---------------------------------------------------------------- the learning journey (fixture by hand)
def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(r) for r in frame[columns].itertuples(index=False)]


def test_events_by_phase_and_type(pilot):
    # learn (2020): e1 partner meeting, e2 study visit, e3 workshop (e5 is a milestone); apply (2021): e6
    # conference, e7 demo workshop; e4 peer review has no date
    assert records(learning.events_by_phase(pilot), ["phase_id", "event_type", "documented", "demo"]) == [
        ("learn", "partner_meeting", 1, 0), ("learn", "study_visit", 1, 0), ("learn", "workshop", 1, 0),
        ("apply", "conference", 1, 0), ("apply", "workshop", 0, 1), ("not dated", "peer_review", 1, 0)]
    assert records(learning.events_by_phase(pilot, phase="apply"), ["event_type", "documented", "demo"]) == [
        ("conference", 1, 0), ("workshop", 0, 1)]


def test_who_hosted_what(pilot):
    assert records(learning.events_by_host(pilot), ["host_partner_id", "event_type", "documented", "demo"]) == [
        ("cph", "partner_meeting", 1, 0), ("cph", "workshop", 0, 1), ("no host stated", "conference", 1, 0),
        ("sth", "workshop", 1, 0), ("vie", "peer_review", 1, 0), ("vie", "study_visit", 1, 0)]


def test_topics_over_time(pilot):
    # e1 "kick-off; smart specialisation", e2 "digitalisation", e3 "digitalisation; cluster monitoring" in learn;
    # e6 "cluster monitoring" in apply
    assert records(learning.topics_over_time(pilot), ["topic", "phase_id", "events"]) == [
        ("cluster monitoring", "apply", 1), ("cluster monitoring", "learn", 1), ("digitalisation", "learn", 2),
        ("kick-off", "learn", 1), ("smart specialisation", "learn", 1)]


def test_topics_by_phase_is_a_full_grid_most_frequent_topics_first(pilot, nordic):
    # learn: e1 "kick-off; smart specialisation", e2 "digitalisation", e3 "digitalisation; cluster monitoring";
    # apply: e6 "cluster monitoring"; e4 (undated) and e7 (demo) name no topic, so no "not dated" column
    # and no demo count. Totals: cluster monitoring 2, digitalisation 2, kick-off 1, smart specialisation 1.
    assert records(learning.topics_by_phase(pilot), ["topic", "phase_id", "documented", "demo"]) == [
        ("cluster monitoring", "learn", 1, 0), ("cluster monitoring", "apply", 1, 0),
        ("digitalisation", "learn", 2, 0), ("digitalisation", "apply", 0, 0),
        ("kick-off", "learn", 1, 0), ("kick-off", "apply", 0, 0),
        ("smart specialisation", "learn", 1, 0), ("smart specialisation", "apply", 0, 0)]
    assert learning.topics_by_phase(nordic).empty


def test_topics_by_phase_counts_demo_rows_apart_and_keeps_undated_events(pilot):
    # e7 (demo, 2021-05-05, apply) and e4 (sourced, undated) given topics
    events = pilot.events.copy()
    events.loc[events.event_id == "e7_demo_workshop", "topics"] = "Digitalisation; cluster monitoring"
    events.loc[events.event_id == "e4_peer_review", "topics"] = "digitalisation"
    grid = learning.topics_by_phase(Dataset(project=pilot.project, tables={**pilot.tables, "events": events}))
    # digitalisation 3 (e2, e3, e4), cluster monitoring 3 (e3, e6, e7), then Digitalisation 1 (e7, its own
    # spelling: topics are as the sources word them), kick-off 1, smart specialisation 1 (by name, case aside)
    assert list(dict.fromkeys(grid.topic)) == ["cluster monitoring", "digitalisation", "Digitalisation", "kick-off",
                                               "smart specialisation"]
    assert list(dict.fromkeys(grid.phase_id)) == ["learn", "apply", "not dated"]
    assert records(grid[grid.topic.isin(["cluster monitoring", "digitalisation"])],
                   ["topic", "phase_id", "documented", "demo"]) == [
        ("cluster monitoring", "learn", 1, 0), ("cluster monitoring", "apply", 1, 1),
        ("cluster monitoring", "not dated", 0, 0),
        ("digitalisation", "learn", 2, 0), ("digitalisation", "apply", 0, 0), ("digitalisation", "not dated", 1, 0)]


def test_topics_heatmap_cells_labels_and_hover(pilot, nordic):
    from clusterix_analytics.figures.learning import topics_heatmap
    from clusterix_analytics.reports.plotlyjs import bundle_info
    from clusterix_analytics.style import FONT
    from clusterix_analytics.views import policy_learning

    fig = policy_learning.topics_figure(policy_learning.build(pilot))
    (heatmap,) = fig.data
    assert heatmap.type in bundle_info()["traces"]
    assert heatmap.x == ("Learning phase", "Implementation phase")            # phases by name, not id
    assert heatmap.y == ("cluster monitoring", "digitalisation", "kick-off", "smart specialisation")
    assert [list(r) for r in heatmap.z] == [[1, 1], [2, 0], [1, 0], [1, 0]]
    assert [list(r) for r in heatmap.text] == [["1", "1"], ["2", ""], ["1", ""], ["1", ""]]   # no "0" shown
    assert heatmap.customdata[1][0] == "2 learning events"
    assert fig.layout.template.layout.font.family == FONT                   # the one theme
    # the footnote's demo share: the 4 events with topics (e1 e2 e3 e6) are all sourced
    assert fig.layout.annotations[-1].text == ("Source: sources in data/. An event with several topics counts once "
                                               "for each.")
    # a demo cell says so on hover; a long phase name is wrapped
    grid = pd.DataFrame({"topic": ["a", "a"], "phase_id": ["P1", "AA"], "documented": [2, 0], "demo": [1, 0]})
    fig = topics_heatmap(grid, {"P1": "Phase 1", "AA": "Additional activities – COVID-19 recovery (5th call)"},
                         pd.DataFrame({"synthetic": [False, False, True]}))
    assert [list(r) for r in fig.data[0].customdata] == [["3 learning events (1 demo)", "0 learning events"]]
    assert fig.data[0].x == ("Phase 1", "Additional activities –<br>COVID-19 recovery (5th<br>call)")
    assert fig.layout.annotations[-1].text.startswith("Demo data: 1 of 3 rows are synthetic (33%).")
    # no topics at all: an empty chart that says why
    # a project without events: a sentence, not an empty heatmap
    assert policy_learning.topics_figure(policy_learning.build(nordic)) == (
        "No learning event of this project names its topics.")


def test_the_page_demo_share_counts_demo_transfers(pilot):
    from clusterix_analytics.data.provenance import synthetic_rows
    from clusterix_analytics.views import policy_learning

    # all partners: 6 learning events (e7 demo), 4 good practices (sourced), 4 transfers (g3 → cph demo)
    assert synthetic_rows(*policy_learning.build(pilot).frames_used) == (2, 14)
    # vie: hosted e2 and e4; the 4 good practices listed; transfers g1 → vie, g3 → vie, g2 (its own) → sth
    assert synthetic_rows(*policy_learning.build(pilot, partner="vie").frames_used) == (0, 9)


def test_good_practices_by_owner_region_and_theme(pilot):
    assert records(learning.good_practices_by_region_and_theme(pilot), ["nuts_code", "theme", "documented"]) == [
        ("AT13", "digitalisation", 1), ("DK01", "cluster financing", 1), ("DK01", "start-ups", 1),
        ("SE22", "cluster monitoring", 1)]


def test_the_learning_network_has_provenance_on_every_edge(pilot):
    edges = learning.learning_network(pilot)
    assert records(edges, ["from_partner_id", "to_partner_id", "good_practice_id", "transfer_status", "provenance"]
                   ) == [("cph", "vie", "g1_vouchers", "adopted", "sourced"),
                         ("sth", "cph", "g3_dashboard", "adapted", "demo"),
                         ("sth", "vie", "g3_dashboard", "inspired", "sourced"),
                         ("vie", "sth", "g2_open_data", "inspired", "sourced")]
    sourced = edges[edges.provenance == "sourced"]
    assert sourced.source.str.startswith("https://example.org/").all()
    assert edges[edges.provenance == "demo"].source.isna().all()


def test_a_partner_s_chain_with_its_provenance_step_by_step(pilot):
    cph = learning.partner_journey(pilot, "cph").set_index("step")
    assert records(cph.reset_index(), ["step", "text", "provenance"]) == [
        ("learning events hosted", "2 hosted", "mixed"),                    # e1 sourced, e7 demo
        ("good practices shared", "1 shared", "sourced"),                   # g1
        ("good practices taken up", "1 taken up (1 adapted)", "demo"),      # g3 from sth, demo
        ("action plan", "endorsed, 2020-12-15", "sourced"),
        ("policy changes achieved", "1 achieved", "demo"),                 # np_1 (the Nordic Pilot's, demo)
        ("funds influenced", "EUR 250,000", "demo")]
    assert cph.at["action plan", "sources"] == "https://example.org/learning-pilot/ap-cph"
    sth = learning.partner_journey(pilot, "sth").set_index("step")
    assert sth["text"].tolist() == ["1 hosted", "1 shared", "1 taken up (1 inspired)", "not known", "none recorded",
                                    "not known"]
    assert sth.at["action plan", "provenance"] == "not known"
    assert sth.at["policy changes achieved", "provenance"] == "none recorded"


def test_a_project_without_learning_tables_says_not_known(nordic):
    chain = learning.partner_journey(nordic, "cph").set_index("step")
    assert chain.loc[["learning events hosted", "good practices shared", "good practices taken up", "action plan"],
                     "text"].tolist() == ["not known"] * 4
    assert chain.at["funds influenced", "value"] == 250_000
    assert learning.learning_events(nordic).empty and learning.events_by_phase(nordic).empty
    assert learning.learning_network(nordic).empty and learning.topics_over_time(nordic).empty


# ---------------------------------------------------------------- the page (views/policy_learning)
def test_the_policy_learning_page_in_numbers(pilot, nordic):
    from clusterix_analytics.views import policy_learning

    page = policy_learning.build(pilot)
    # documented: e1 e2 e3 e4 e6 (dated: all but e4; with a host: all but e6); e7 demo; e5 the milestone;
    # good practices from DK01, AT13, SE22; transfers t1 t3 t4 sourced, t2 demo
    assert policy_learning.introduction(page) == (
        "**5 learning events** are documented for all partners over the whole project (4 with a date, 4 with a "
        "host partner), and 1 demo row, besides 1 milestone; **4 good practices** from 3 regions; **4 transfers** "
        "of good practices between partners (3 sourced, 1 demo rows).")
    assert [(m.key, m.value) for m in policy_learning.metrics(page)] == [
        ("learning_events_documented", 5), ("good_practices_documented", 4)]
    vie = policy_learning.build(pilot, partner="vie", phase="learn")
    assert vie.events.event_id.tolist() == ["e2_vienna_visit"]              # e4 (vie) has no date
    assert sorted(vie.network.good_practice_id) == ["g1_vouchers", "g2_open_data", "g3_dashboard"]
    assert policy_learning.metrics(vie) == []                               # a phase: no whole-project count
    # no events table: the page says so and builds
    empty = policy_learning.build(nordic, partner="cph")
    assert policy_learning.introduction(empty).startswith("This project has **no events table**")
    assert policy_learning.journey_sentence(empty).startswith(
        "Capital Test: learning events hosted: not known → good practices shared: not known")
    with pytest.raises(ValueError, match="unknown phase 'P9'"):
        policy_learning.build(pilot, phase="P9")


# ---------------------------------------------------------------- the page's tables (reader tables, by hand)
def test_the_learning_page_tables_name_things_and_say_where_their_rows_come_from(pilot, nordic):
    from clusterix_analytics.views import policy_learning

    page = policy_learning.build(pilot)
    events = policy_learning.events_table(page)
    # the six learning events (e5 is a milestone), in the file's order; e4 undated, e6 with no host nor country
    assert events.cells[["Learning event", "Start", "Phase", "Type of event", "Host partner", "Country",
                         "Participants", "Demo data"]].values.tolist() == [
        ["Kick-off meeting", "2020-01-15", "Learning phase", "Partner meeting", "Capital Test", "Denmark", "12", "no"],
        ["Study visit in Vienna", "2020-06-10", "Learning phase", "Study visit", "Vienna Test", "Austria", "8", "no"],
        ["Workshop in Malmö", "2020-06-20", "Learning phase", "Workshop", "South Test", "Sweden", "20", "no"],
        ["Peer review in Vienna", "–", "not dated", "Peer review", "Vienna Test", "Austria", "–", "no"],
        ["Online conference", "2021-03-02", "Implementation phase", "Conference", "–", "–", "40", "no"],
        ["Demo workshop", "2021-05-05", "Implementation phase", "Workshop", "Capital Test", "Denmark", "10", "yes"]]
    assert events.provenance_text == "Partly demo data: 1 of 6 rows behind this table is demo data."

    # topics of e1, e2, e3 (learn) and e6 (apply), one column per phase by its name
    topics = policy_learning.topics_table(page)
    assert topics.cells.values.tolist() == [["cluster monitoring", "1", "1"], ["digitalisation", "2", "0"],
                                            ["kick-off", "1", "0"], ["smart specialisation", "1", "0"]]
    assert topics.cells.columns.tolist() == ["Topic", "Learning phase", "Implementation phase"]
    assert topics.provenance_text == "Sourced: all 4 rows behind this table are sourced facts."

    practices = policy_learning.practices_table(page)
    assert practices.cells.values.tolist() == [["Wien (AT13)", "digitalisation", "1", "0"],
                                               ["Hovedstaden (DK01)", "cluster financing", "1", "0"],
                                               ["Hovedstaden (DK01)", "start-ups", "1", "0"],
                                               ["Sydsverige (SE22)", "cluster monitoring", "1", "0"]]
    assert practices.provenance == "sourced"

    # all four transfers, t2 (sth's dashboard adapted by cph) a demo row
    assert policy_learning.network_table(page).provenance_text == (
        "Partly demo data: 1 of 4 rows behind this table is demo data.")
    vie = policy_learning.network_table(policy_learning.build(pilot, partner="vie"))
    assert vie.cells.values.tolist() == [
        ["Capital Test", "Vienna Test", "Cluster vouchers", "Adopted", "2021-02", "Sourced", "example.org"],
        ["South Test", "Vienna Test", "Monitoring dashboard", "Inspired", "–", "Sourced", "example.org"],
        ["Vienna Test", "South Test", "Open data lab", "Inspired", "2020-09", "Sourced", "example.org"]]

    assert policy_learning.journey_table(page) is None                   # all partners: no one chain
    sth = policy_learning.journey_table(policy_learning.build(pilot, partner="sth"))
    # e3 hosted, g3 shared, g2 taken up: three sourced rows; no action plan, no policy change
    assert sth.cells[["Step", "Provenance", "Sources"]].values.tolist()[:3] == [
        ["Learning events hosted", "Sourced", "example.org"], ["Good practices shared", "Sourced", "example.org"],
        ["Good practices taken up", "Sourced", "example.org"]]
    assert sth.cells["What the data holds"].tolist()[3:] == ["not known", "none recorded", "not known"]
    assert sth.provenance_text.startswith("Sourced: all 3 rows behind this table are sourced facts.")

    # no events table: the tables are empty, not missing
    empty = policy_learning.build(nordic)
    for table in (policy_learning.events_table(empty), policy_learning.topics_table(empty),
                  policy_learning.practices_table(empty), policy_learning.network_table(empty)):
        assert table.cells.empty and "No rows." in table.to_html()
