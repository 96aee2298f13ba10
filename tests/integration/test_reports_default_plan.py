"""The shipped plan (reports/plan.yaml) on the shipped data: one run of each notebook, every page offline.

`make reports` runs the whole plan (one partner profile per partner); here one profile stands for all
ten to keep the test short. BENCHMARKS.md records a full run.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import clusterix_analytics as cx
from clusterix_analytics.config import NOTEBOOKS_DIR
from clusterix_analytics.reports.plan import expand_plan
from clusterix_analytics.reports.runner import DEFAULT_PLAN, run_report

ONE_OF_EACH = ["00*", "01*", "02*", "03*", "04*-inma"]


def test_the_plan_covers_every_notebook_and_every_partner():
    ds = cx.load()
    runs = expand_plan(DEFAULT_PLAN, ds)
    assert sorted({r.notebook for r in runs}) == sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    profiles = [r.parameters["partner"] for r in runs if r.notebook == "04_partner_profile"]
    assert profiles == ds.partners["partner_id"].tolist()          # one profile per partner, partners.csv order
    # the policy-learning page for all partners, then one per partner, each titled by its short name
    learning = [r for r in runs if r.notebook == "05_policy_learning"]
    assert [r.parameters["partner"] for r in learning] == ["all"] + ds.partners["partner_id"].tolist()
    assert [r.slug for r in learning[:2]] == ["05_policy_learning-all", "05_policy_learning-ecoplus"]
    assert [r.title for r in learning[:2]] == ["Policy learning – all partners", "Policy learning – ecoplus"]


def test_sector_level_accepts_its_names_and_refuses_others_before_anything_runs():
    from clusterix_analytics.reports.plan import PlanError

    ds = cx.load()
    # notebook 03 declares `sector_level: int | str = 1`: the name "sector" is a valid override ...
    runs = expand_plan(DEFAULT_PLAN, ds, overrides={"sector_level": "sector"}, only=["03*"])
    assert [r.parameters["sector_level"] for r in runs] == ["sector"]
    # ... and an unknown one is refused by the portfolio checker, listing the valid values
    with pytest.raises(PlanError) as err:
        expand_plan(DEFAULT_PLAN, ds, overrides={"sector_level": "nace"}, only=["03*"])
    assert "unknown sector_level 'nace'" in str(err.value)


def test_a_second_project_needs_no_plan_edit(tmp_path):
    from tests.conftest import SECOND_PROJECT

    partners = cx.load(SECOND_PROJECT).partners["partner_id"].tolist()
    out = io.StringIO()
    code = run_report(project_dir=SECOND_PROJECT, out_dir=tmp_path, only=["04*"], jobs=2, thumbnails=False,
                      progress=False, stdout=out, stderr=io.StringIO())
    manifest = json.loads((Path(out.getvalue().splitlines()[0]) / "manifest.json").read_text())
    assert code == 0
    assert manifest["project"]["id"] == "nordic_pilot"
    assert [r["slug"] for r in manifest["runs"]] == [f"04_partner_profile-{p}" for p in partners]
    assert {i["path"] for i in manifest["inputs"]} >= {"project.yaml", "partners.csv"}
