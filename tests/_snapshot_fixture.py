"""A real snapshot of the fixture notebook, built once per test session (integration and browser tests).

The fixture notebook (tests/fixtures/report_notebooks/fixture_partner.ipynb) draws one plotly figure
of a partner's observations and records how many observation rows it used.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

from clusterix_analytics.reports.runner import run_report

from .conftest import FIXTURES

FIXTURE_NOTEBOOKS = FIXTURES / "report_notebooks"
CHECKER = "clusterix_analytics.views.partner_profile:check_parameters"


def write_plan(folder: Path, runs: str) -> Path:
    path = folder / "plan.yaml"
    path.write_text(f"notebooks_dir: {FIXTURE_NOTEBOOKS}\nruns:\n{runs}", encoding="utf-8")
    return path


def build_fixture_snapshot(tmp):
    """Three runs, jobs=2: ecoplus and vlaio succeed, idm fails on purpose."""
    plan = write_plan(tmp, f"""  - notebook: fixture_partner
    title: "Observations <{{short_name}}>"
    checker: {CHECKER}
    for_each: partner
    parameters: {{partner: "{{partner_id}}"}}
  - notebook: fixture_partner
    title: Failing on purpose
    parameters: {{partner: idm, fail: true}}
""")
    out, err = io.StringIO(), io.StringIO()
    code = run_report(plan=plan, out_dir=tmp / "out", jobs=2, label="test run", progress=False,
                      only=["*-ecoplus", "*-vlaio", "*-true"], stdout=out, stderr=err)
    folder = Path(out.getvalue().splitlines()[0])
    return {"code": code, "folder": folder, "out_dir": tmp / "out", "stdout": out.getvalue(), "stderr": err.getvalue(),
            "manifest": json.loads((folder / "manifest.json").read_text())}
