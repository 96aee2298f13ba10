"""Shared by the offline-rendering tests: find Chromium (skip or fail) and count pixels of a colour."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from clusterix_analytics.config import REQUIRE_BROWSER_ENV, find_chromium


def require_chromium() -> str:
    """The Chromium path; skip the test if there is none, fail instead if CLUSTERIX_REQUIRE_BROWSER=1."""
    chromium = find_chromium()
    if chromium is None:
        message = "no Chromium (install the 'chromium' package or set BROWSER_PATH)"
        if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
            pytest.fail(message + " and CLUSTERIX_REQUIRE_BROWSER=1")
        pytest.skip(message)
    return chromium


def hex_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))


def pixels_near(png_path, colour: str, tolerance: int = 10) -> int:
    """How many pixels of the image are within ``tolerance`` (each channel) of ``colour``."""
    image = np.asarray(Image.open(png_path).convert("RGB")).astype(int)
    return int((np.abs(image - np.array(hex_rgb(colour))).max(axis=2) <= tolerance).sum())
