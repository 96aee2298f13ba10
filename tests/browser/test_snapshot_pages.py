"""Building real snapshots with kernels: failure isolation, outputs, manifest, browser check, interrupts.

The fixture notebook (tests/fixtures/report_notebooks/fixture_partner.ipynb) draws one plotly figure
of a partner's observations and records how many observation rows it used.
"""
from __future__ import annotations

from clusterix_analytics.reports.browser import check_pages

from .._browser_check import require_chromium


def test_every_page_renders_offline_in_chromium(built):
    require_chromium()
    folder = built["folder"]
    pages = sorted(folder.glob("*.html"))
    reports = check_pages(pages)
    drawn = 0
    for path, report in reports.items():
        assert report.errors == [], path
        assert report.external_requests == [], path
        assert report.undrawn_figures == [], path
        drawn += len(report.figures)
    # one figure on each successful page; the failed run stopped before its figure; index has none
    assert drawn == 2
    assert reports[str(folder / "fixture_partner-ecoplus.html")].plotly_loaded
    thumbs = sorted(p.name for p in (folder / "thumbs").glob("*.png"))
    assert thumbs == ["fixture_partner-ecoplus.png", "fixture_partner-idm-true.png", "fixture_partner-vlaio.png"]
    png = (folder / "thumbs" / "fixture_partner-ecoplus.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # the top 760 × 475 px of the page at 0.6: 456 × 285 pixels (IHDR width and height)
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (456, 285)
