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
    page = (tmp_path / "2026-01-02T000000Z" / "diff.html").read_text(encoding="utf-8")
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
    assert (style.PALETTE[2], style.PALETTE[3], style.PALETTE[8]) == ("#009E73", "#D55E00", "#999999")
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
