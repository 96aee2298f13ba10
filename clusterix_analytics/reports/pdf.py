"""Print-ready PDFs of a snapshot's pages, through the same headless Chromium as the page checks.

Each page is printed once its figures have drawn (A4, the stylesheet's ``@media print`` rules: no links bar,
no figure or table row cut across pages), with a footer naming the page, the snapshot and its demo share and
numbering the pages; then the pages' PDFs are joined into one for the whole snapshot, with a bookmark per page.

>>> footer_html("Partner <profile>", "snapshot 2026-12-02", "demo share 91 %")  # doctest: +ELLIPSIS
'<div style=...>Partner &lt;profile&gt; · snapshot 2026-12-02 · demo share 91 %</span>...'
"""
from __future__ import annotations

import html
from pathlib import Path

PDF_DIR = "pdf"
SNAPSHOT_PDF = "snapshot.pdf"
PRINT_WIDTH_PX = 1000   # the tab's width while figures draw: A4 less margins at PRINT_SCALE
PRINT_SCALE = 0.72
A4_INCHES = (8.27, 11.69)
MARGIN_INCHES = 0.5


def footer_html(*parts: str) -> str:
    """Chromium's footer template: the (escaped) parts on the left, "page n / N" on the right."""
    text = " · ".join(html.escape(p) for p in parts if p)
    return ('<div style="font: 8px sans-serif; color: #555; width: 100%; margin: 0 0.5in; display: flex; '
            f'justify-content: space-between"><span>{text}</span><span>page <span class="pageNumber"></span> / '
            '<span class="totalPages"></span></span></div>')


def print_options(footer: str) -> dict:
    """The ``Page.printToPDF`` options of every page: A4, backgrounds, the footer."""
    width, height = A4_INCHES
    return {"paperWidth": width, "paperHeight": height, "marginTop": MARGIN_INCHES, "marginBottom": 0.7,
            "marginLeft": MARGIN_INCHES, "marginRight": MARGIN_INCHES, "scale": PRINT_SCALE,
            "printBackground": True, "displayHeaderFooter": True, "headerTemplate": "<span></span>",
            "footerTemplate": footer}


def print_pages(pages: list[tuple[Path, str]], out_dir: Path, snapshot: str) -> list[Path]:
    """Print each ``(page, footer text)`` to ``out_dir/<stem>.pdf``; raises BrowserError without Chromium.

    A page whose figures did not all draw is still printed (its PDF shows what the page shows).
    """
    from clusterix_analytics.reports.browser import Browser

    missing = [str(page) for page, _ in pages if not Path(page).is_file()]
    if missing:   # Chromium would print its own "file not found" page
        raise FileNotFoundError(f"no such page: {', '.join(missing)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with Browser(width=PRINT_WIDTH_PX) as browser:
        for page, footer in pages:
            report = browser.load(page, pdf=print_options(footer_html(footer, snapshot)))
            target = out_dir / f"{Path(page).stem}.pdf"
            target.write_bytes(report.pdf or b"")
            written.append(target)
    return written


def join_pdfs(parts: list[tuple[str, Path]], target: Path) -> Path:
    """One PDF of ``parts`` ``(title, pdf)`` in order, each part's first page bookmarked with its title."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for title, path in parts:
        first = len(writer.pages)
        writer.append(str(path))
        writer.add_outline_item(title=title, page_number=first)
    with target.open("wb") as handle:
        writer.write(handle)
    return target
