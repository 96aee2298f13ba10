"""Report machinery without kernels: plan expansion and checks, export, index, manifest, diff, snapshots."""
from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

import clusterix_analytics as cx
from clusterix_analytics.cli import main
from clusterix_analytics.lab.notebook import HEADLINE_MIMETYPE
from clusterix_analytics.reports import snapshot as snap
from clusterix_analytics.reports.diff import diff_manifests, render_html, render_text, run_diff
from clusterix_analytics.reports.export import is_plotly_bundle, notebook_page, strip_plotly_bundles
from clusterix_analytics.reports.index import index_page
from clusterix_analytics.reports.manifest import input_files, sha256_of
from clusterix_analytics.reports.plan import PlanError, coerce_override, expand_plan, run_slug, slugify

from ..conftest import FIXTURES

FIXTURE_NOTEBOOKS = FIXTURES / "report_notebooks"
CHECKER = "clusterix_analytics.views.partner_profile:check_parameters"


@pytest.fixture(scope="module")
def dataset():
    return cx.load()


def write_plan(folder: Path, body: str) -> Path:
    path = folder / "plan.yaml"
    path.write_text(f"notebooks_dir: {FIXTURE_NOTEBOOKS}\n{body}", encoding="utf-8")
    return path


# ---- plan --------------------------------------------------------------------------------------
def test_slugs_are_safe_file_names():
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Région <Île> & co") == "region-ile-co"
    assert run_slug("04_partner_profile", {"partner": "ecoplus", "project_dir": "/x"}) == "04_partner_profile-ecoplus"
    assert run_slug("n", {"partner": "<script>"}) == "n-script"


def test_for_each_partner_expands_to_one_run_per_partner(tmp_path, dataset):
    plan = write_plan(tmp_path, f"""runs:
  - notebook: fixture_partner
    title: "Profile – {{short_name}}"
    for_each: partner
    checker: {CHECKER}
    parameters: {{partner: "{{partner_id}}", scale: 2}}
""")
    runs = expand_plan(plan, dataset)
    # data/clusterix2/partners.csv has 10 partners, brochure order: ecoplus first, region_skane last
    assert len(runs) == 10
    assert [r.parameters["partner"] for r in runs[:2]] == ["ecoplus", "vlaio"]
    assert runs[1].title == "Profile – VLAIO"
    assert runs[0].slug == "fixture_partner-ecoplus-2"           # values in plan order: partner, scale
    assert len({r.slug for r in runs}) == 10


def test_every_problem_is_listed_before_anything_runs(tmp_path, dataset):
    plan = write_plan(tmp_path, f"""runs:
  - notebook: no_such_notebook
  - notebook: fixture_partner
    checker: {CHECKER}
    parameters: {{partner: xyz}}
  - notebook: fixture_partner
    parameters: {{partner: 5, colour: red}}
  - notebook: fixture_partner
    for_each: region
""")
    with pytest.raises(PlanError) as caught:
        expand_plan(plan, dataset, overrides={"year": "2019"})
    problems = caught.value.problems
    text = "\n".join(problems)
    assert "no_such_notebook.ipynb not found" in text and "available: fixture_partner" in text
    assert "unknown partner 'xyz'; valid: ecoplus, vlaio" in text
    assert "parameter 'partner' should be text (str) or a list, got 5" in text
    assert "unknown parameter 'colour'; the notebook's parameters: partner, fail, scale, sleep_s" in text
    assert "for_each 'region' is not one of partner, phase, indicator" in text
    assert "-p year: no notebook in the plan has a parameter 'year'" in text
    assert len(problems) == 6


def test_overrides_take_the_parameter_type(tmp_path, dataset):
    plan = write_plan(tmp_path, "runs:\n  - notebook: fixture_partner\n")
    run, = expand_plan(plan, dataset, overrides={"scale": "2.5", "fail": "yes", "partner": "idm"})
    assert run.parameters == {"scale": 2.5, "fail": True, "partner": "idm"}
    with pytest.raises(PlanError, match=r"-p scale=lots: 'lots' is not a number \(float\)"):
        expand_plan(plan, dataset, overrides={"scale": "lots"})
    assert coerce_override("2019", str) == "2019" and coerce_override("[1, 2]", list) == [1, 2]


def test_an_override_of_a_for_each_parameter_selects_runs(tmp_path, dataset):
    plan = write_plan(tmp_path, """runs:
  - notebook: fixture_partner
    title: "Profile – {short_name}"
    for_each: partner
    parameters: {partner: "{partner_id}"}
  - notebook: fixture_partner
    title: Overview
    parameters: {partner: ecoplus}
""")
    runs = expand_plan(plan, dataset, overrides={"partner": "inma"})
    # the for_each entry keeps its inma run; the fixed entry takes the value, and its title says so
    assert [(r.slug, r.title) for r in runs] == [("fixture_partner-inma", "Profile – INMA"),
                                                ("fixture_partner-inma-2", "Overview (partner=inma)")]
    with pytest.raises(PlanError, match="-p partner=lund: no run of fixture_partner has it; valid: adr_nord_est"):
        expand_plan(plan, dataset, overrides={"partner": "lund"})


def test_only_selects_by_notebook_or_slug(tmp_path, dataset):
    plan = write_plan(tmp_path, """runs:
  - notebook: fixture_partner
    for_each: partner
    parameters: {partner: "{partner_id}"}
""")
    assert [r.slug for r in expand_plan(plan, dataset, only=["*-idm"])] == ["fixture_partner-idm"]
    assert len(expand_plan(plan, dataset, only=["fixture"])) == 10
    with pytest.raises(PlanError, match="matches no run"):
        expand_plan(plan, dataset, only=["04"])


def test_cli_bad_parameters_exit_2_and_write_nothing(tmp_path, capsys):
    plan = write_plan(tmp_path, "runs:\n  - notebook: fixture_partner\n    checker: "
                                f"{CHECKER}\n    parameters: {{partner: nobody}}\n")
    out = tmp_path / "reports"
    assert main(["report", "--plan", str(plan), "--out", str(out)]) == 2
    assert "unknown partner 'nobody'" in capsys.readouterr().err
    assert not out.exists()


def test_cli_bad_data_exit_2_with_file_row_column(tmp_path, project_copy, capsys):
    partners = project_copy / "partners.csv"
    lines = partners.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",BE2,", ",XX99,")        # row 3 in a spreadsheet (header is row 1)
    partners.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = write_plan(tmp_path, "runs:\n  - notebook: fixture_partner\n")
    out = tmp_path / "reports"
    assert main(["report", "--project", str(project_copy), "--plan", str(plan), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "partners.csv:3:nuts_code:" in err and "Traceback" not in err
    assert not out.exists()


# ---- export ------------------------------------------------------------------------------------
def _figure_notebook() -> nbformat.NotebookNode:
    bundle = "<script>/**\n* plotly.js v9.9.9\n*/" + "x" * 200_000 + "window.Plotly = Plotly;</script>"
    figure_html = ('<div><script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/3.2.2/es5/tex-svg.min.js">'
                   '</script><div id="f1" class="plotly-graph-div"></div>'
                   '<script>Plotly.newPlot("f1", [])</script></div>')
    cell = nbformat.v4.new_code_cell("fig.show()")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": bundle}),
        nbformat.v4.new_output("display_data", data={"application/vnd.plotly.v1+json": {"data": []},
                                                     "text/html": figure_html}),
        nbformat.v4.new_output("display_data", data={HEADLINE_MIMETYPE: {"n": 1}}),
    ]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"), cell])


def test_strip_removes_the_bundle_and_cdn_scripts_but_keeps_the_figure():
    nb = _figure_notebook()
    assert is_plotly_bundle(nb.cells[1].outputs[0])
    stripped = strip_plotly_bundles(nb)
    outputs = stripped["cells"][1]["outputs"]
    assert len(outputs) == 2                                    # bundle gone, figure + headline kept
    assert "application/vnd.plotly.v1+json" in outputs[0]["data"]
    assert "cdnjs" not in outputs[0]["data"]["text/html"] and 'Plotly.newPlot("f1"' in outputs[0]["data"]["text/html"]
    assert len(nb.cells[1].outputs) == 3                        # the input notebook is untouched


def test_page_loads_the_shared_plotly_and_escapes_parameters():
    page = notebook_page(strip_plotly_bundles(_figure_notebook()), title="Profile <b>x</b>",
                         meta={"partner": "<img src=x onerror=alert(1)>"})
    assert page.count("<script src=") == 1 and '<script src="plotly.min.js"></script>' in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Profile &lt;b&gt;x&lt;/b&gt;" in page
    assert HEADLINE_MIMETYPE not in page and "plotly.js v9.9.9" not in page
    assert 'Plotly.newPlot("f1"' in page


def test_index_lists_runs_with_escaped_text():
    manifest = {"snapshot": "2026-11-23T101500Z", "project": {"name": "CLUSTERIX <2.0>"},
                "summary": {"ok": 1, "failed": 1},
                "runs": [{"slug": "a", "title": "A & B", "notebook": "n", "parameters": {"partner": "<x>"},
                          "status": "ok", "duration_s": 2.25,
                          "outputs": {"html": "a.html", "thumbnail": "thumbs/a.png", "notebook": "notebooks/a.ipynb"}},
                         {"slug": "b", "title": "B", "notebook": "n", "parameters": {}, "status": "failed",
                          "duration_s": 1.0, "error": ["ValueError: <bad>"], "outputs": {"html": "b.html"}}]}
    page = index_page(manifest)
    assert '<a href="a.html">A &amp; B</a>' in page and 'src="thumbs/a.png"' in page
    assert "partner=&lt;x&gt;" in page and "2.2 s" in page          # 2.25 rounds half to even
    assert ">failed</span>" in page and "ValueError: &lt;bad&gt;" in page
    assert "CLUSTERIX &lt;2.0&gt;" in page and "1 ok, 1 failed" in page


def test_input_checksums(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"id\n1\n")
    # sha256 of b"id\n1\n", computed once with `printf 'id\n1\n' | sha256sum`
    expected = "7cde7fb64fd82bd152710cf238e017b9ab46c0592483edc067ba4f6c75fac108"
    assert input_files([tmp_path / "a.csv"], tmp_path) == [{"path": "a.csv", "bytes": 5, "sha256": expected}]
    assert sha256_of(tmp_path / "a.csv") == expected


# ---- diff --------------------------------------------------------------------------------------
OLD = {"snapshot": "s1", "inputs": [{"path": "partners.csv", "sha256": "aa"}, {"path": "old.csv", "sha256": "cc"}],
       "runs": [{"slug": "overview", "status": "ok", "headlines": {"partners": 10, "demo_share": 0.5}},
                {"slug": "gone", "status": "ok", "headlines": {}},
                {"slug": "p-vlaio", "status": "failed", "headlines": {}}]}
NEW = {"snapshot": "s2", "inputs": [{"path": "partners.csv", "sha256": "bb"}, {"path": "new.csv", "sha256": "dd"}],
       "runs": [{"slug": "overview", "status": "ok", "headlines": {"partners": 11, "demo_share": 0.5, "phases": 3}},
                {"slug": "p-vlaio", "status": "ok", "headlines": {"changes": 2}},
                {"slug": "p-idm", "status": "ok", "headlines": {}}]}


def test_diff_finds_inputs_runs_and_headlines():
    d = diff_manifests(OLD, NEW)
    assert d["inputs_changed"] == ["partners.csv"]
    assert (d["inputs_added"], d["inputs_removed"]) == (["new.csv"], ["old.csv"])
    assert (d["runs_added"], d["runs_removed"]) == (["p-idm"], ["gone"])
    assert d["status_changed"] == [{"run": "p-vlaio", "old": "failed", "new": "ok"}]
    # partners 10 → 11 (change +1); phases appeared (None → 3); demo_share unchanged; changes appeared
    assert d["headlines_changed"] == [
        {"run": "overview", "headline": "partners", "old": 10, "new": 11, "change": 1},
        {"run": "overview", "headline": "phases", "old": None, "new": 3, "change": None},
        {"run": "p-vlaio", "headline": "changes", "old": None, "new": 2, "change": None},
    ]
    text = render_text(d)
    assert "overview  partners  10   11   +1" in text and "p-vlaio  status   failed → ok" in text
    assert "<td>partners.csv</td><td>changed</td>" in render_html(d)


def test_diff_compares_metrics_by_key_and_names_them_as_the_page_does():
    funds = {"name": "Funds influenced by achieved policy changes", "unit": "EUR", "scope": "project"}
    changes = {"name": "Policy changes achieved", "unit": "changes", "scope": "project"}
    old = {"runs": [{"slug": "02_policy_change_indicators-all", "status": "ok", "metrics": {
        "funds_influenced_eur": {**funds, "value": 13_898_097.0, "provenance": "mixed"},
        "policy_changes_achieved": {**changes, "value": 15, "provenance": "mixed"}}}]}
    new = {"runs": [{"slug": "02_policy_change_indicators-all", "title": "Policy-change indicators – all partners",
                     "status": "ok", "metrics": {
                         "funds_influenced_eur": {**funds, "value": 13_000_000.0, "provenance": "mixed"},
                         "policy_changes_achieved": {**changes, "value": 15, "provenance": "sourced"}}}]}
    d = diff_manifests(old, new)
    # funds: 898,097 EUR less (the double count gone); changes: same value, provenance changed
    assert d["metrics_changed"] == [
        {"run": "Policy-change indicators – all partners", "metric": "Funds influenced by achieved policy changes",
         "unit": "EUR", "old": 13_898_097.0, "new": 13_000_000.0, "change": -898_097.0, "provenance": "mixed"},
        {"run": "Policy-change indicators – all partners", "metric": "Policy changes achieved", "unit": "changes",
         "old": 15, "new": 15, "change": 0, "provenance": "mixed → sourced"},
    ]
    text = render_text(d)
    assert "Metrics (2)" in text and "13,898,097  13,000,000  -898,097" in text
    assert "funds_influenced_eur" not in text  # names, never keys


def test_diff_cli_resolves_latest_and_previous(tmp_path, capsys):
    for name, manifest in (("2026-01-01T000000Z", OLD), ("2026-01-02T000000Z", NEW)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text(json.dumps(manifest))
    snap.point_latest(tmp_path, "2026-01-02T000000Z")
    assert run_diff("previous", "latest", out_dir=tmp_path) == 0
    assert "s1 → s2" in capsys.readouterr().out
    assert "<h1>Changes from s1 to s2</h1>" in (tmp_path / "2026-01-02T000000Z" / "diffs"
                                              / "2026-01-01T000000Z--2026-01-02T000000Z.html").read_text()
    assert main(["diff", "nonexistent", "--out", str(tmp_path)]) == 2


# ---- snapshot folders --------------------------------------------------------------------------
def test_publish_gives_unique_names_and_moves_latest(tmp_path):
    first, second = snap.make_building_dir(tmp_path), snap.make_building_dir(tmp_path)
    for folder in (first, second):
        (folder / "manifest.json").write_text("{}")
    a = snap.publish(first, tmp_path, "2026-11-23T101500Z")
    b = snap.publish(second, tmp_path, "2026-11-23T101500Z")     # same second
    assert (a.name, b.name) == ("2026-11-23T101500Z", "2026-11-23T101500Z-2")
    assert os.readlink(tmp_path / "latest") == "2026-11-23T101500Z-2"
    assert [p.name for p in snap.list_snapshots(tmp_path)] == [a.name, b.name]
    assert snap.resolve_snapshot("previous", tmp_path) == a.resolve()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_stored_notebooks_keep_only_the_plotly_json_of_a_figure():
    from clusterix_analytics.reports.export import PLOTLY_MIMETYPE, without_html_twins

    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {PLOTLY_MIMETYPE: {"data": []}, "text/html": "<div>fig</div>"}},
        {"output_type": "display_data", "data": {"text/html": "<table></table>"}},
    ]}]}
    stored = without_html_twins(nb)
    assert stored["cells"][0]["outputs"][0]["data"] == {PLOTLY_MIMETYPE: {"data": []}}
    assert stored["cells"][0]["outputs"][1]["data"] == {"text/html": "<table></table>"}  # tables keep their HTML
    assert "text/html" in nb["cells"][0]["outputs"][0]["data"]  # the page is built from the untouched notebook
