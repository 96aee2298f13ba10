"""Cluster portfolio analytics, sector vocabulary, figures and notebook 03, checked against hand-worked values."""
from __future__ import annotations

import pandas as pd
import papermill as pm
import pytest

import clusterix_analytics as cx
from clusterix_analytics.analytics import portfolio as pf
from clusterix_analytics.data.sectors import read_sector_vocabulary
from clusterix_analytics.reports.manifest import headlines_from_notebook

from ..conftest import SECOND_PROJECT, outputs_of


def test_notebook_runs_on_shipped_data_and_names_entered_and_grown_clusters(run_notebook):
    nb = run_notebook("03_cluster_portfolios")
    text = "\n".join(outputs_of(nb, "application/vnd.plotly.v1+json"))
    for title in ("Cluster portfolios: clusters per sector and region",
                  "Members of the regions' clusters by sector and phase",
                  "Change of cluster portfolios from Phase 1",
                  "Sector complementarity of regions' cluster portfolios",
                  "Joint projects between the regions' clusters"):
        assert title in text, title
    markdown = "\n".join(outputs_of(nb, "text/markdown"))
    # computed independently with the package on the same data
    ds = cx.load()
    vocabulary = read_sector_vocabulary(ds.project.directory)
    result = pf.analyse_portfolios(ds, vocabulary.taxonomy, vocabulary.sector_map)
    skane = result.change_summary.set_index("partner_id").loc["region_skane"]
    assert f"- **Region Skåne (SE224)**: {skane.clusters_a} clusters in P1 → {skane.clusters_b} in P2" in markdown
    assert f"entered ({skane.entered}): {skane.entered_names}" in markdown
    assert "grew (" in markdown and "left (" in markdown
    found = headlines_from_notebook(nb)
    assert found["clusters_entered"] == int(result.change_summary["entered"].sum())
    assert found["clusters_left"] == int(result.change_summary["left"].sum())
    assert found["clusters_phase_a"] == int(result.change_summary["clusters_a"].sum())
    assert 0 < found["demo_share"] < 1


def test_notebook_refuses_bad_parameters_with_the_valid_values(run_notebook):
    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook("03_cluster_portfolios", regions=["atlantis"], compare_phases=["P1", "P1"])
    message = str(err.value)
    assert "unknown region 'atlantis'" in message
    assert "compare_phases names 'P1' twice" in message


def test_notebook_knows_no_clusterix_phase_ids(run_notebook, project_copy):
    # rename the phases P1, P2, AA to H1, H2, H3 everywhere; "auto" must then compare H1 with H2
    renames = {"P1": "H1", "P2": "H2", "AA": "H3"}
    yaml_file = project_copy / "project.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    for old, new in renames.items():
        text = text.replace(f"  - id: {old}\n", f"  - id: {new}\n")
    yaml_file.write_text(text, encoding="utf-8")
    for path in (project_copy / "clusters.csv", project_copy / "demo" / "clusters.csv",
                 project_copy / "demo" / "cluster_links.csv"):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        table["phase_id"] = table["phase_id"].replace(renames)
        table.to_csv(path, index=False)
    nb = run_notebook("03_cluster_portfolios", project_dir=str(project_copy), regions=["SE22", "ecoplus"],
                      sector_level="sector")
    markdown = "\n".join(outputs_of(nb, "text/markdown"))
    assert "(H1) and **Phase 2 – action plan implementation** (H2)" in markdown
    assert "Sectors at level 2 (finer sectors)" in markdown
    # only the two chosen regions are narrated
    assert "- **ecoplus (AT12)**:" in markdown and "- **Region Skåne (SE224)**:" in markdown
    assert "VLAIO" not in markdown
    found = headlines_from_notebook(nb)
    ds = cx.load(project_copy)
    vocabulary = read_sector_vocabulary(project_copy)
    result = pf.analyse_portfolios(ds, vocabulary.taxonomy, vocabulary.sector_map, regions=["region_skane", "ecoplus"],
                                   compare_phases=["H1", "H2"], sector_level=2)
    assert found["clusters_entered"] == int(result.change_summary["entered"].sum())
    assert found["clusters_phase_b"] == int(result.change_summary["clusters_b"].sum())


def test_notebook_on_the_second_project(run_notebook):
    # nordic_pilot: learn has cph_life (40 members) and vie_ict (25); apply adds sth_food (18) and both grow
    nb = run_notebook("03_cluster_portfolios", project_dir=str(SECOND_PROJECT))
    found = headlines_from_notebook(nb)
    assert (found["clusters_phase_a"], found["clusters_phase_b"]) == (2, 3)
    assert (found["clusters_entered"], found["clusters_left"]) == (1, 0)
    assert found["demo_share"] == 1.0  # every fixture row is flagged synthetic
