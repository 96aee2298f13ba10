"""Every page opens with its question and at most three answer lines, each number saying where it comes from.

Worked out by hand on three projects: a factory project with partners and one indicator and nothing else
(tests/_project_factory.py, seed 3: partners p0 "Organisation 0" in EL52, lead, and p1 in SK04; two phases,
1 March 2016 – 30 September 2017, dates assumed), the tiny indicator project of tests/unit/test_indicators.py,
and the shipped project, whose numbers can be read off its CSV files.
"""
from __future__ import annotations

import re

import pytest

import clusterix_analytics as cx
from clusterix_analytics.views import (
    cluster_portfolios,
    partner_profile,
    partner_regions,
    policy_change_indicators,
    policy_learning,
    project_overview,
)
from clusterix_analytics.views.opening import page_opening

from .test_indicators import tiny_dataset as indicator_dataset

VIEWS = (project_overview, partner_regions, policy_change_indicators, cluster_portfolios, partner_profile,
         policy_learning)
# how a line says where its numbers come from: "(partly demo data)." at its end, or in its words
PROVENANCE = re.compile(r"\((?:sourced|demo data|partly demo data)\)\.$|\(complementarity [\d.]+, "
                        r"(?:sourced|demo data|partly demo data)\)\.$|\d+ sourced, \d+ demo rows?\.$"
                        r"|\(dates (?:sourced|assumed)\)\.$|have a sourced achieved value")


@pytest.fixture(scope="module")
def shipped():
    return cx.load()


def answer_lines(opening: str) -> list[str]:
    question, _, answers = opening.partition("\n\n")
    assert re.fullmatch(r"\*\*[^\n]+\?\*\*", question), question
    lines = answers.split("\n")
    assert 1 <= len(lines) <= 3 and all(line.startswith("- ") for line in lines), answers
    return [line[2:] for line in lines]


def test_the_opening_shape_refuses_more_than_three_lines():
    with pytest.raises(ValueError, match="in 1 to 3 lines, not 4"):
        page_opening("Why?", ["a", "b", "c", "d"])


def test_every_page_of_the_shipped_project_opens_with_a_question_and_numbers_with_their_provenance(shipped):
    for view in VIEWS:
        lines = answer_lines(view.opening(view.build(shipped)))
        numbered = [line for line in lines if re.search(r"\d", line)]
        assert numbered, view.__name__
        for line in numbered:
            assert PROVENANCE.search(line), f"{view.__name__}: {line}"


def test_a_project_with_nothing_but_partners_gets_sentences(empty):
    pages = {view: view.opening(view.build(empty)) for view in VIEWS}
    assert pages[project_overview] == (
        "**Who took part, when did the project run, and what did it achieve against its targets?**\n\n"
        "- **2 partners** from **2 countries**, led by Organisation 0 (sourced).\n"   # EL and SK
        "- It ran from 01 March 2016 to 30 September 2017, in 2 phases (dates assumed).\n"
        "- No indicator (1 in all) has a sourced achieved value yet.")
    assert pages[partner_regions] == (
        "**Where are the partners, and which regions' clusters worked together?**\n\n"
        "- **2 partners** in **2 countries** (sourced).\n"
        "- No joint project between clusters of different partner regions is recorded.")
    assert pages[policy_change_indicators] == (
        "**Which policy instruments did the partners change, and with how much money?**\n\n"
        "- No achieved policy change is recorded, so no policy instrument counts as improved.\n"
        "- The funds these changes influenced are not known.\n"
        "- No indicator has an observation yet, so no partner is measured against its targets.")
    assert pages[cluster_portfolios] == (
        "**How did the regions' cluster portfolios change from Phase ph1 to Phase ph2, and which regions complement "
        "each other?**\n\n"
        "- No cluster of these regions is dated to either phase, so there is no portfolio to compare.\n"
        "- No pair of regions shares a sector in the second phase, so no candidate pair is ranked.")
    # the profile's default partner is the first: p0, the lead partner
    assert pages[partner_profile] == (
        "**Who is P0, which of its policy instruments changed, and with how much money?**\n\n"
        "- The lead partner representing Kentriki Makedonia (EL52) (sourced).\n"
        "- No achieved policy change is recorded, so no policy instrument counts as improved.\n"
        "- The funds these changes influenced are not known.")
    assert pages[policy_learning] == (
        "**How did the partners learn from each other: where did they meet, and which good practices travelled?**"
        "\n\n- This project has no events table: no learning event is documented.\n"
        "- No good practice is documented.\n"
        "- No transfer of a good practice between partners is recorded.")


def test_the_indicators_opening_states_the_tiny_projects_numbers():
    page = policy_change_indicators.build(indicator_dataset())
    # achieved: ch1, ch2, ch3, ch5, ch6 (5), naming inst_a1, inst_a2, inst_c1 (3); only ch1 is sourced.
    # funds 1000 + 5000 + 700 + 500 = 7,200 (ch2 unknown; ch4 only planned); a and b behind, c has no data.
    # The partner rows are demo rows, the project-wide ones sourced: the scorecard's rows are partly demo.
    assert policy_change_indicators.opening(page) == (
        "**Which policy instruments did the partners change, and with how much money?**\n\n"
        "- **3 policy instruments improved** through 5 achieved changes (partly demo data).\n"
        "- **7,200 EUR** of funds influenced by these changes (partly demo data).\n"
        "- As of 31 December 2020, 2 of 3 partners are behind on at least one target (partly demo data).")
    one = policy_change_indicators.build(indicator_dataset(), partner="b")
    # b: ch3 achieved, its instrument not named (0 instruments), 5,000 EUR, demo; ch4 only planned
    assert policy_change_indicators.opening(one).split("\n")[0] == (
        "**Which policy instruments did B change, and with how much money?**")
    assert answer_lines(policy_change_indicators.opening(one))[:2] == [
        "**0 policy instruments improved** through 1 achieved change (demo data).",
        "**5,000 EUR** of funds influenced by these changes (demo data)."]


def test_the_openings_of_one_partner_on_the_shipped_project(shipped):
    # policy_changes.csv: chg_inma_2017_11 (8,400,000 EUR) with chg_inma_2018 inside it (counted once), both
    # sourced; demo/policy_changes.csv adds demo_inma_1 and demo_inma_2, achieved, amounts unknown
    profile = partner_profile.opening(partner_profile.build(shipped, partner="inma"))
    assert answer_lines(profile)[1:] == [
        "**2 policy instruments improved** through 4 achieved changes (partly demo data).",
        "**8,400,000 EUR** of funds influenced by these changes (sourced)."]
    # events.csv: Region AURA hosted the Clermont-Ferrand meeting (May 2018) and the undated Lyon conference
    learning = policy_learning.opening(policy_learning.build(shipped, partner="region_aura"))
    assert learning.split("\n")[0] == ("**How did Region AURA learn: which events did it host, and which good "
                                       "practices did it share?**")
    assert answer_lines(learning)[0] == ("**2 learning events** are documented for Region AURA over the whole "
                                         "project (sourced).")
