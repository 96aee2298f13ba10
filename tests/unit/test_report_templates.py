"""The report pages' templates: autoescape on every page, one stylesheet themed from style.py."""
from __future__ import annotations

import io
import json
import re

import nbformat

from clusterix_analytics import style
from clusterix_analytics.reports.diff import diff_manifests, render_html, run_diff
from clusterix_analytics.reports.export import notebook_page
from clusterix_analytics.reports.index import index_page
from clusterix_analytics.reports.templates import stylesheet

from .._page_checks import accessibility_problems, heading_jumps

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _custom_properties(css: str) -> dict[str, str]:
    root = re.search(r":root\{(.*?)\}", css, re.S).group(1)
    return dict(re.findall(r"--cx-([\w-]+):([^;]*);", root))


def test_a_script_title_is_escaped_on_the_index():
    manifest = {"snapshot": "s", "project": {"name": SCRIPT}, "summary": {"ok": 1},
                "runs": [{"slug": "a", "title": SCRIPT, "notebook": "n", "parameters": {"partner": SCRIPT},
                          "status": "ok", "duration_s": 1.0, "error": None, "outputs": {"html": "a.html"}}]}
    page = index_page(manifest)
    assert f'<a href="a.html">{ESCAPED}</a>' in page
    assert f"<h1>{ESCAPED}</h1>" in page and f"<code>partner={ESCAPED}</code>" in page
    assert "<script" not in page                    # the index loads no script at all


def test_a_script_name_is_escaped_on_the_diff_page(tmp_path):
    # the diff page shows snapshot names, run slugs and headline names: all three come from manifests
    old = {"snapshot": SCRIPT, "inputs": [], "runs": [{"slug": "r", "status": "ok", "headlines": {SCRIPT: 1}}]}
    new = {"snapshot": "s2", "inputs": [], "runs": [{"slug": "r", "status": "ok", "headlines": {SCRIPT: 2}}]}
    for name, manifest in (("2026-01-01T000000Z", old), ("2026-01-02T000000Z", new)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert run_diff("2026-01-01T000000Z", "2026-01-02T000000Z", out_dir=tmp_path, stdout=io.StringIO()) == 0
    page = (tmp_path / "2026-01-02T000000Z" / "diffs" / "2026-01-01T000000Z--2026-01-02T000000Z.html").read_text(
        encoding="utf-8")
    assert f"<h1>Changes from {ESCAPED} to s2</h1>" in page
    # headline 1 → 2: change +1
    assert f"<tr><td>r</td><td>{ESCAPED}</td><td>1</td><td>2</td><td>+1</td></tr>" in page
    assert "<script" not in page


def test_quotes_are_escaped_in_text_and_attributes():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text")])
    page = notebook_page(nb, title='Partner "A" & it\'s', index_href='index.html" onclick="x')
    assert "<strong>Partner &#34;A&#34; &amp; it&#39;s</strong>" in page
    assert '<a href="index.html&#34; onclick=&#34;x">' in page


def test_stylesheet_colours_and_font_are_the_style_tokens():
    tokens = _custom_properties(stylesheet())
    assert [tokens[f"palette-{i}"] for i in range(len(style.PALETTE))] == style.PALETTE
    assert (tokens["font"], tokens["muted"], tokens["text"]) == (style.FONT, style.MUTED, style.TEXT)
    # run badges: ok is the palette's green, failed and timeout its vermilion, skipped its grey
    assert (tokens["status-ok"], tokens["status-failed"], tokens["status-timeout"], tokens["status-skipped"]) == (
        "#009E73", "#D55E00", "#D55E00", "#999999")
    assert (style.PALETTE[2], style.PALETTE[3], style.NEUTRAL_GREY) == ("#009E73", "#D55E00", "#999999")
    assert {name: tokens[name] for name in style.PAGE} == style.PAGE


def test_the_rules_use_the_theme_only():
    css = stylesheet()
    rules = css[css.index("}", css.index(":root{")) + 1:]
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b|rgba?\(", rules) == []          # every colour is a var(--cx-...)
    used = set(re.findall(r"var\(--cx-([\w-]+)\)", rules))
    assert used <= set(_custom_properties(css))


def test_every_page_inlines_the_one_stylesheet():
    css = stylesheet()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text")])
    pages = [notebook_page(nb, title="t"), index_page({"snapshot": "s", "runs": []}),
             render_html(diff_manifests({"snapshot": "a"}, {"snapshot": "b"}))]
    for page in pages:
        assert page.count("<style>") == 1 and f"<style>\n{css}</style>" in page


def test_run_pages_carry_the_figure_data_download_script_and_print_without_it():
    from clusterix_analytics.config import TEMPLATES_DIR

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text")])
    page = notebook_page(nb, title="t")
    script = (TEMPLATES_DIR / "figure-data.js").read_text(encoding="utf-8")
    assert f"<script>\n{script.rstrip()}\n</script>" in page              # inline: works copied out of a snapshot
    assert "window.cxFigureCsv = figureCsv;" in script
    assert "cxFigureCsv" not in index_page({"snapshot": "s", "runs": []})   # the index has no figures
    printed = re.search(r"@media print \{(.*?)\n\}", stylesheet(), re.S).group(1)
    assert "a.cx-download, p.cx-figure-data { display: none !important; }" in printed


# ---- the index as a front page -----------------------------------------------------------------------

FRONT = {
    "snapshot": "2026-01-03T000000Z", "summary": {"ok": 3, "failed": 1},
    "project": {"name": "Pilot", "programme": "Test programme", "start": "2020-01-01", "end": "2021-12-31",
                "partners": 3, "rows": 39, "synthetic_rows": 16},
    "runs": [
        {"slug": "00", "title": "Overview", "section": "Project", "description": "Who took part", "status": "ok",
         "outputs": {"html": "00.html", "thumbnail": "thumbs/00.png"}},
        {"slug": "02", "title": "Indicators", "section": "Themes", "description": "What changed", "status": "ok",
         "outputs": {"html": "02.html"}},
        {"slug": "04-cph", "title": "Profile – Capital", "section": "Partner profiles",
         "description": "Capital Agency · Hovedstaden, DK", "status": "failed", "error": ["boom"], "outputs": {}},
        {"slug": "01", "title": "Regions", "section": "Project", "description": "Where", "status": "ok",
         "outputs": {"html": "01.html"}},
    ]}


def _headings(page: str, level: int) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", page, re.S)]


def test_the_index_opens_with_the_project_in_two_lines_and_the_demo_share():
    page = index_page(FRONT)
    assert "<h1>Pilot</h1>" in page
    assert '<p class="project-line">Test programme · 1 Jan 2020 – 31 Dec 2021 · 3 partners</p>' in page
    # 16 demo rows of 39: 41.03 % → 41%
    assert re.search(r'<div class="demo-warning" role="note"><strong>Demo data:</strong> 41% of the rows behind '
                     r"these pages are synthetic demo data \(16 of 39 rows\)\.", page)
    sourced = index_page({**FRONT, "project": {**FRONT["project"], "synthetic_rows": 0}})
    assert "<div class=\"demo-warning\"" not in sourced and "synthetic demo data" not in sourced


def test_the_index_lists_runs_under_their_plan_sections_with_title_description_and_status():
    page = index_page(FRONT)
    assert _headings(page, 2) == ["Project", "Themes", "Partner profiles"]   # in plan order, 01 joins 00
    assert _headings(page, 3) == ["Overview", "Regions", "Indicators", "Profile – Capital"]
    project = page[page.index("<h2>Project</h2>"):page.index("<h2>Themes</h2>")]
    assert '<h3><a href="00.html">Overview</a></h3>\n<p class="description">Who took part</p>' in project
    assert '<img class="thumb" src="thumbs/00.png" alt="">' in project
    profiles = page[page.index("<h2>Partner profiles</h2>"):]
    assert "<h3>Profile – Capital</h3>" in profiles                             # no page: no link
    assert "Capital Agency · Hovedstaden, DK" in profiles
    assert '<span class="status run-failed">failed</span>' in profiles
    # a manifest written before sections: every run under one heading
    old = index_page({"snapshot": "s", "runs": [{"slug": "a", "title": "A", "status": "ok", "outputs": {}}]})
    assert _headings(old, 2) == ["Reports"]


def _fake_snapshot(folder, name, manifest) -> None:
    (folder / name).mkdir()
    (folder / name / "manifest.json").write_text(json.dumps({"snapshot": name, **manifest}), encoding="utf-8")


def test_each_diff_keeps_its_own_page_and_the_newer_index_links_them_all(tmp_path):
    a, b, c = "2026-01-01T000000Z", "2026-01-02T000000Z", "2026-01-03T000000Z"
    for name, n in ((a, 1), (b, 2), (c, 3)):
        _fake_snapshot(tmp_path, name, {"inputs": [], "runs": [{"slug": "r", "status": "ok", "headlines": {"n": n}}]})
    assert run_diff(a, c, out_dir=tmp_path, stdout=io.StringIO()) == 0
    assert run_diff(b, c, out_dir=tmp_path, stdout=io.StringIO()) == 0
    diffs = tmp_path / c / "diffs"
    assert sorted(p.name for p in diffs.iterdir()) == [f"{a}--{c}.html", f"{b}--{c}.html"]
    # each page keeps its own pair: n 1 → 3 (+2) and 2 → 3 (+1)
    assert "<td>r</td><td>n</td><td>1</td><td>3</td><td>+2</td>" in (diffs / f"{a}--{c}.html").read_text()
    assert "<td>r</td><td>n</td><td>2</td><td>3</td><td>+1</td>" in (diffs / f"{b}--{c}.html").read_text()
    assert '<a href="../index.html">' in (diffs / f"{a}--{c}.html").read_text()
    index = (tmp_path / c / "index.html").read_text()
    assert _headings(index, 2)[-1] == "Changes between snapshots"
    assert re.findall(r'<li><a href="(diffs/[^"]+)">from (\S+) to (\S+)</a></li>', index) == [
        (f"diffs/{b}--{c}.html", b, c), (f"diffs/{a}--{c}.html", a, c)]
    assert not (tmp_path / a / "index.html").exists() and not (tmp_path / b / "diffs").exists()
    # the same pair again replaces its page: still two
    assert run_diff(a, c, out_dir=tmp_path, stdout=io.StringIO()) == 0
    assert len(list(diffs.iterdir())) == 2


def test_the_project_summary_counts_rows_as_page_00_does():
    import clusterix_analytics as cx
    from clusterix_analytics.reports.index import project_summary

    # learning_pilot, counted in its CSVs by hand (rows / synthetic=true): partners 3/0, policy_instruments 2/0,
    # indicators 3/0, policy_changes 2/2, observations 4/3, clusters 5/5, cluster_links 3/3, events 7/1,
    # good_practices 4/0, good_practice_transfers 4/1, action_plans 2/1 → 39 rows, 16 demo
    summary = project_summary(cx.load("tests/fixtures/learning_pilot"))
    assert summary == {"programme": "Test programme (fictitious)", "start": "2020-01-01", "end": "2021-12-31",
                       "partners": 3, "rows": 39, "synthetic_rows": 16}


# ---- accessibility ---------------------------------------------------------------------------------------

def _figure_notebook(title: str) -> nbformat.NotebookNode:
    figure = {"data": [{"type": "bar", "name": "2020", "x": ["a"], "y": [1]},
                       {"type": "bar", "name": "2021", "x": ["a"], "y": [2]}],
              "layout": {"title": {"text": title}, "xaxis": {"title": {"text": "Partner"}},
                         "yaxis": {"title": {"text": "Funds (EUR)"}}}}
    output = nbformat.v4.new_output("display_data", data={
        "application/vnd.plotly.v1+json": figure, "text/html": '<div class="plotly-graph-div" id="f1"></div>'})
    cell = nbformat.v4.new_code_cell("fig.show()", outputs=[output])
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Page"), cell])


def test_every_page_says_its_language():
    pages = [notebook_page(_figure_notebook("t"), title="t"), index_page(FRONT),
             render_html(diff_manifests({"snapshot": "a"}, {"snapshot": "b"}))]
    for page in pages:
        assert re.match(r'<!DOCTYPE html>\n<html lang="en">', page)


def test_a_figure_is_announced_by_its_title_and_a_sentence_on_what_it_shows():
    page = notebook_page(_figure_notebook("Funds <b>by</b> partner<br>2020–2021 &amp; R&D"), title="t")
    figure = re.search(r'<figure class="cx-figure">(.*?)</figure>', page, re.S).group(1)
    assert '<div class="plotly-graph-div" id="f1"></div>' in figure
    # the title as plain text (plotly's markup dropped, <br> a space, entities read, then escaped again),
    # then one sentence: the first trace's kind, the legend, the axes
    assert ('<figcaption class="cx-visually-hidden">Funds by partner 2020–2021 &amp; R&amp;D. A bar chart; legend: '
            "2020, 2021; horizontal axis: Partner; vertical axis: Funds (EUR).</figcaption>") in figure
    assert "cx-visually-hidden{position:absolute;width:1px;height:1px" in stylesheet()


def test_heading_jumps_are_found():
    assert heading_jumps("<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2><h1>e</h1>") == []
    assert heading_jumps("<h1>a</h1><h3 id='x'>c <em>!</em></h3><h2>d</h2><h4>e</h4>") == ["h1 → h3 c !",
                                                                                          "h2 → h4 e"]
    assert heading_jumps(index_page(FRONT)) == []


def test_the_accessibility_check_finds_a_missing_lang_and_an_unnamed_figure():
    good = notebook_page(_figure_notebook("Funds"), title="t")
    assert accessibility_problems(good) == []
    bad = good.replace('<html lang="en">', "<html>").replace('<figure class="cx-figure">', "<div>", 1)
    assert accessibility_problems(bad) == ["no lang on <html>", "1 of 1 figure(s) without a text alternative"]


def _committed(name: str):
    from clusterix_analytics.config import NOTEBOOKS_DIR

    return nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)


def test_a_report_page_leaves_out_what_only_makes_sense_in_the_lab():
    from clusterix_analytics.config import LAB_ONLY_TAG, NOTEBOOKS_DIR

    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        lab_only = [c for c in nb.cells if LAB_ONLY_TAG in c.metadata.get("tags", [])]
        # every notebook's help on changing parameters, and each explorer widget, is tagged
        assert any(c.cell_type == "markdown" and "In JupyterLab:" in c.source for c in lab_only), path.name
        assert all("widgets.explore" not in c.source for c in nb.cells if c not in lab_only), path.name
        for cell in lab_only:   # what an explorer shows in JupyterLab, as an output the page must not carry
            if cell.cell_type == "code":
                cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>explorer widget</p>"})]
        # and the widgets' state JupyterLab saves with the notebook (nbconvert would write it into the page)
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
            "state": {"m": {"state": {"value": "<h3>Explore: another partner</h3>"}}}, "version_major": 2,
            "version_minor": 0}}
        page = notebook_page(nb, title="t")
        assert "Explore: another partner" not in page
        for cell in lab_only:
            shown = cell.source if cell.cell_type == "markdown" else "explorer widget"
            assert shown[:40] not in page, f"{path.name}: {shown[:40]}"
        assert "In JupyterLab:" in "".join(c.source for c in nb.cells)   # the notebook still has it


def test_a_long_page_opens_with_links_to_each_of_its_sections():
    page = notebook_page(_committed("02_policy_change_indicators"), title="t")
    contents = re.search(r'<nav class="cx-toc" aria-label="On this page">(.*?)</nav>', page, re.S)
    assert contents and contents.start() < page.index("<h2")
    links = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', contents.group(1))
    sections = re.findall(r'<h2 id="([^"]+)"', page)
    # the notebook's own h2 sections, in order; each link's target is an id on the page
    assert [text for _, text in links] == [
        "Indicators against target, by reporting period", "Phase by phase", "Partner scorecard",
        "Policy changes: which instruments changed, when, how, with how much money", "How these numbers are made"]
    assert [target for target, _ in links] == sections
    assert heading_jumps(page) == []
    # three sections: no list
    assert "cx-toc" not in notebook_page(_committed("01_partner_regions"), title="t").split("<main>")[1]
    printed = re.search(r"@media print \{(.*?)\n\}", stylesheet(), re.S).group(1)
    assert "nav.cx-toc" in printed and "nav.cx-toc" in stylesheet().split("@media print")[0]
