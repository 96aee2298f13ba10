"""Where things live: every path the package uses comes from here.

>>> from clusterix_analytics.paths import DEFAULT_PROJECT_DIR
>>> DEFAULT_PROJECT_DIR.name
'clusterix2'
"""
from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJ_ROOT / "data"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = Path(os.environ.get("CLUSTERIX_REPORTS_DIR", PROJ_ROOT / "reports"))
NUTS_CODES_FILE = DATA_DIR / "nuts" / "nuts2016.csv"
DEFAULT_PROJECT_DIR = DATA_DIR / "clusterix2"
KERNEL_NAME = "clusterix-analytics"
