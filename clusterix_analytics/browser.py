"""The system Chromium, for static images (kaleido) and for offline screenshots of HTML pages.

>>> from clusterix_analytics.browser import find_chromium
>>> find_chromium()  # doctest: +SKIP
'/usr/bin/chromium'
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Flags that keep a headless Chromium from reaching out (updates, sync, QUIC probes) and let it run as root.
OFFLINE_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars")


def find_chromium() -> str | None:
    """Path of a Chromium: $BROWSER_PATH (kaleido's own override) if set, else the first on PATH, else None."""
    override = os.environ.get("BROWSER_PATH")
    if override:
        return override if Path(override).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(html_path: Path, png_path: Path, width: int = 1200, height: int = 900,
               virtual_time_ms: int = 10000, timeout: float = 90.0) -> Path:
    """Screenshot a local HTML file in headless Chromium with every network-reaching feature off.

    The page is opened from ``file://`` (no server); ``virtual_time_ms`` lets its scripts run first.
    Raises FileNotFoundError if there is no Chromium, RuntimeError if it wrote no image.
    """
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("no Chromium found (install the 'chromium' package or set BROWSER_PATH)")
    png_path = Path(png_path).resolve()
    with tempfile.TemporaryDirectory(prefix="clusterix-chromium-") as profile:
        command = [chromium, *OFFLINE_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                   f"--virtual-time-budget={virtual_time_ms}", f"--screenshot={png_path}",
                   Path(html_path).resolve().as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if not png_path.is_file():
        raise RuntimeError(f"Chromium wrote no screenshot (exit {result.returncode}): {result.stderr[-500:]}")
    return png_path
