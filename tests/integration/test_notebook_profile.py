"""Partner profile: analytics on hand-made frames, and notebook 04 under papermill."""
from __future__ import annotations

import pytest

from clusterix_analytics.config import DEFAULT_PROJECT_DIR, PAGE_PLOTLYJS_ENV
from clusterix_analytics.reports.export import is_plotly_bundle
from clusterix_analytics.reports.manifest import headlines_from_notebook
from tests.conftest import outputs_of


def test_notebook_04_profiles_inma(run_notebook, monkeypatch):
    monkeypatch.setenv(PAGE_PLOTLYJS_ENV, "1")   # as the report runner runs it: its pages load plotly.js
    nb = run_notebook("04_partner_profile", project_dir=str(DEFAULT_PROJECT_DIR), partner="inma")
    headlines = headlines_from_notebook(nb)
    # policy_changes.csv: chg_inma_2017_11 (8,400,000 EUR) and chg_inma_2018 (898,097 EUR), both achieved;
    # demo/policy_changes.csv: demo_inma_1 and demo_inma_2, achieved, funds unknown
    assert headlines["policy_changes"] == 4 and headlines["policy_changes_achieved"] == 4
    # the 8.4 MEUR scheme; the 898,097 EUR competition of 2018 is part of it and counted once
    assert headlines["funds_influenced_eur"] == 8_400_000
    titles = [str(o) for o in outputs_of(nb, "application/vnd.plotly.v1+json")]
    assert any("INMA: contribution to each project target (% of target)" in t for t in titles)
    assert any("Demo data notice" in h for h in outputs_of(nb, "text/html"))
    # each figure's HTML draws it with the page's plotly.js: the kernel embeds no 4.7 MB of its own
    assert not any(is_plotly_bundle(out) for cell in nb.cells for out in cell.get("outputs", []))
    assert sum("Plotly.newPlot(" in h for h in outputs_of(nb, "text/html")) == len(titles)


def test_notebook_04_refuses_an_unknown_partner(run_notebook):
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError, match="unknown partner 'nobody'"):
        run_notebook("04_partner_profile", project_dir=str(DEFAULT_PROJECT_DIR), partner="nobody")
