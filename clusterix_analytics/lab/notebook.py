"""Helpers the notebooks call at the top and along the way (setup, demo-data notice, headline numbers).

Notebooks stay thin: a parameters cell, calls into the package, narrative.

>>> from clusterix_analytics.lab import notebook
>>> notebook.setup()          # plotly figures show in JupyterLab and in exported HTML
>>> notebook.under_papermill()
False
"""
from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd
import plotly.io as pio

from clusterix_analytics.config import HEADLINE_MIMETYPE, METRIC_MIMETYPE, page_brings_plotlyjs, report_run
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.provenance import synthetic_rows

# Both the plotly mimetype (JupyterLab renders it interactively) and HTML with plotly.js embedded once
# per notebook (nbconvert's HTML shows it, offline).
RENDERER = "plotly_mimetype+notebook"
# For the report runner's pages, which load plotly.js themselves: the figures' HTML without it (the runner
# would only strip the 4.7 MB each kernel embedded at its first figure).
REPORT_RENDERER_NAME = "clusterix_report"
REPORT_RENDERER = f"plotly_mimetype+{REPORT_RENDERER_NAME}"


def setup() -> None:
    """Set the plotly renderer and pandas display options every notebook uses: :data:`RENDERER`, or
    :data:`REPORT_RENDERER` for a page that brings plotly.js (:func:`.config.page_brings_plotlyjs`)."""
    if REPORT_RENDERER_NAME not in pio.renderers:
        from plotly.io.base_renderers import HtmlRenderer

        # the notebook renderer's figure HTML, without its once-per-notebook plotly.js
        pio.renderers[REPORT_RENDERER_NAME] = HtmlRenderer(connected=False, full_html=False, global_init=False,
                                                           include_plotlyjs=False)
    pio.renderers.default = REPORT_RENDERER if page_brings_plotlyjs() else RENDERER
    pd.set_option("display.max_colwidth", 80)
    pd.set_option("display.max_rows", 60)


def under_papermill() -> bool:
    """True when papermill executes the notebook (the report runner sets CLUSTERIX_REPORT_RUN=1)."""
    return report_run()


def demo_notice_html(dataset: Dataset, *frames: pd.DataFrame) -> str:
    """The visible notice saying how much of what a notebook shows is demo data.

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> "all 10 rows used in this notebook are sourced facts" in demo_notice_html(ds, ds.partners)
    True
    >>> "are synthetic demo values" in demo_notice_html(ds, ds.observations)
    True
    """
    synthetic, total = synthetic_rows(*frames)
    share = synthetic / total if total else 0.0
    if synthetic:
        lead = (f"<strong>Demo data notice:</strong> {synthetic:,} of {total:,} rows used in this notebook "
                f"({share:.0%}) are synthetic demo values from the seeded generator "
                f"(<code>clusterix-analytics demo</code>, seed {dataset.project.demo_seed}), not real figures.")
    else:
        lead = f"<strong>Data notice:</strong> all {total:,} rows used in this notebook are sourced facts."
    tail = " Every other row carries the URL of its public source (data/README.md)."
    colour = "#fff4e5" if synthetic else "#eef7ee"
    return (f'<div class="clusterix-demo-notice" style="background:{colour};border-left:4px solid #E69F00;'
            f'padding:8px 12px;margin:8px 0">{lead}{html.escape(tail)}</div>')


def audience() -> str:
    """Who reads what the notebook shows: ``"report"`` while the report runner executes it (its outputs become
    a report page), ``"lab"`` in JupyterLab. Views word a sentence for either (a report reader cannot change a
    parameter).

    >>> audience()
    'lab'
    """
    return "report" if under_papermill() else "lab"


def show_demo_notice(dataset: Dataset, *frames: pd.DataFrame) -> None:
    """Display the demo-data notice and record the synthetic share (0..1) as the headline ``demo_share``.

    Returns nothing, so a cell that ends with the call shows the notice and no stray number under it.
    """
    from IPython.display import HTML, display

    display(HTML(demo_notice_html(dataset, *frames)))
    synthetic, total = synthetic_rows(*frames)
    share = synthetic / total if total else 0.0
    record("demo_share", round(share, 4))


def show(figure_or_sentence) -> None:
    """Show a view's figure, or the sentence a view gives instead when there is nothing to draw (Markdown).

    >>> show("No cluster links are recorded for this project.")
    <IPython.core.display.Markdown object>
    """
    from IPython.display import Markdown, display

    if isinstance(figure_or_sentence, str):
        display(Markdown(figure_or_sentence))
    else:
        figure_or_sentence.show()


def record(name: str, value) -> None:
    """Record a headline number in the executed notebook (the report runner gathers them into the manifest).

    Shows nothing on the page: the output carries only a workbook-specific mimetype.
    """
    from IPython.display import display

    value = value.item() if hasattr(value, "item") else value
    display({HEADLINE_MIMETYPE: {name: value}}, raw=True)


def record_all(headlines: Mapping[str, object]) -> None:
    """Record each of a view's headline numbers (:func:`record`), in order.

    Outside a notebook the records are printed instead:

    >>> record_all({"partners": 10, "countries": 9})
    {'application/vnd.clusterix.headline+json': {'partners': 10}}
    {'application/vnd.clusterix.headline+json': {'countries': 9}}
    """
    for name, value in headlines.items():
        record(name, value)


def record_metrics(*metrics) -> None:
    """Record stated metrics (:class:`~clusterix_analytics.analytics.metrics.Metric`) for the manifest.

    Shows nothing on the page, like :func:`record`; the report runner puts them under ``metrics``.
    """
    from IPython.display import display

    display({METRIC_MIMETYPE: {m.key: m.record() for m in metrics}}, raw=True)
