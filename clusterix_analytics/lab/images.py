"""Static images of figures for researchers copying a chart: PNG through kaleido and the system Chromium.

>>> from clusterix_analytics.lab.images import save_png
>>> callable(save_png)
True
"""
from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path

import plotly.graph_objects as go

from clusterix_analytics.config import BROWSER_PATH_ENV, find_chromium

DEFAULT_HEIGHT = 680  # pixels, when neither the call nor the figure says (the maps' height)

_NO_BROWSER_SAID = False


def save_png(fig: go.Figure, path: str | Path, width: int = 1000, height: int | None = None,
             scale: float = 1.0) -> Path | None:
    """Export a static PNG via kaleido and the system Chromium; returns the path, or None with no Chromium.

    With no Chromium it says so once (a warning) and skips, so a batch of exports does not fail or nag.

    >>> save_png(fig, "/tmp/regions.png")  # doctest: +SKIP
    PosixPath('/tmp/regions.png')
    """
    global _NO_BROWSER_SAID
    chromium = find_chromium()
    if chromium is None:
        if not _NO_BROWSER_SAID:
            warnings.warn("no Chromium found (install 'chromium' or set BROWSER_PATH): PNG export skipped",
                          RuntimeWarning, stacklevel=2)
            _NO_BROWSER_SAID = True
        return None
    import kaleido

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _browser_path(chromium), warnings.catch_warnings():
        try:
            # One browser for every image of this process: ~0.35 s per image instead of ~2.9 s.
            kaleido.start_sync_server(silence_warnings=True)
        except Exception:  # noqa: BLE001 - already running, or an old kaleido: write_image still works
            pass
        # plotly passes browser options that a running kaleido server already has: harmless, silenced.
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        fig.write_image(path, format="png", width=width, height=height or fig.layout.height or DEFAULT_HEIGHT,
                        scale=scale)
    return path


@contextlib.contextmanager
def _browser_path(chromium: str):
    """$BROWSER_PATH set to ``chromium`` while kaleido starts its browser (it reads only that), then as it was."""
    before = os.environ.get(BROWSER_PATH_ENV)
    os.environ[BROWSER_PATH_ENV] = before or chromium
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(BROWSER_PATH_ENV, None)
