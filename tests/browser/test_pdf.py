"""report --pdf and --self-contained: pages printed through headless Chromium (and one PDF of the snapshot);
pages with plotly.js inlined that render alone."""
from __future__ import annotations

import io
import json
from pathlib import Path

from pypdf import PdfReader

from clusterix_analytics.reports.browser import check_pages
from clusterix_analytics.reports.runner import run_report

from .._browser_check import require_chromium
from .._snapshot_fixture import CHECKER, write_plan


def test_pdf_per_page_and_for_the_snapshot(tmp_path):
    require_chromium()
    plan = write_plan(tmp_path, f"""  - notebook: fixture_partner
    title: "Observations of {{short_name}}"
    checker: {CHECKER}
    for_each: partner
    parameters: {{partner: "{{partner_id}}"}}
""")
    out = io.StringIO()
    code = run_report(plan=plan, out_dir=tmp_path / "out", jobs=2, progress=False, thumbnails=False, pdf=True,
                      only=["*-ecoplus", "*-vlaio"], label="print", stdout=out, stderr=io.StringIO())
    assert code == 0
    folder = Path(out.getvalue().splitlines()[0])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["pdf"] == "pdf/snapshot.pdf"
    assert [r["outputs"]["pdf"] for r in manifest["runs"]] == ["pdf/fixture_partner-ecoplus.pdf",
                                                               "pdf/fixture_partner-vlaio.pdf"]
    page = PdfReader(folder / "pdf" / "fixture_partner-ecoplus.pdf")
    text = page.pages[0].extract_text()
    assert "Observations of ecoplus" in text                       # the page itself
    assert f"snapshot {manifest['snapshot']}" in text               # the footer
    assert f"page 1 / {len(page.pages)}" in text
    assert "all reports" not in text                                # the print stylesheet hides the links bar
    whole = PdfReader(folder / "pdf" / "snapshot.pdf")
    assert len(whole.pages) == len(page.pages) + len(PdfReader(folder / "pdf" / "fixture_partner-vlaio.pdf").pages)
    assert [item.title for item in whole.outline] == ["Observations of ecoplus", "Observations of VLAIO"]
    index = (folder / "index.html").read_text()
    assert 'href="pdf/snapshot.pdf"' in index and 'href="pdf/fixture_partner-vlaio.pdf"' in index


def test_a_self_contained_page_renders_alone_offline(tmp_path):
    require_chromium()
    plan = write_plan(tmp_path, f"""  - notebook: fixture_partner
    checker: {CHECKER}
    parameters: {{partner: ecoplus}}
""")
    out = io.StringIO()
    code = run_report(plan=plan, out_dir=tmp_path / "out", jobs=1, progress=False, thumbnails=False,
                      self_contained=True, stdout=out, stderr=io.StringIO())
    assert code == 0
    folder = Path(out.getvalue().splitlines()[0])
    (run,) = json.loads((folder / "manifest.json").read_text())["runs"]
    assert run["outputs"]["standalone"] == "standalone/fixture_partner-ecoplus.html"
    alone = tmp_path / "mailed" / "page.html"          # copied out of its snapshot, nothing beside it
    alone.parent.mkdir()
    alone.write_bytes((folder / run["outputs"]["standalone"]).read_bytes())
    assert alone.stat().st_size <= 2_000_000
    (report,) = check_pages([alone]).values()
    assert report.errors == [] and report.external_requests == []
    assert report.plotly_loaded and len(report.figures) == 1 and report.undrawn_figures == []
    # the page as written (not standalone) copied alone cannot draw: the test above is not vacuous
    bare = tmp_path / "mailed" / "bare.html"
    bare.write_bytes((folder / run["outputs"]["html"]).read_bytes())
    (bare_report,) = check_pages([bare]).values()
    assert not bare_report.plotly_loaded
