"""Where things live and what the environment says: every path, environment variable and name the package
uses comes from here, so a move or a rename is one edit.

Reference tables (NUTS codes, the sector taxonomy, the embedded geometry) are package data: an installed
package finds them outside a checkout. The checkout's own folders (data/, notebooks/, reports/) are found
from the package when it sits in a checkout, else from the current folder.

>>> from clusterix_analytics.config import DEFAULT_PROJECT_DIR, nuts_codes_file, nuts_geometry_file
>>> DEFAULT_PROJECT_DIR.name, nuts_codes_file(2021).name, nuts_geometry_file(2016).is_file()
('clusterix2', 'nuts2021.csv', True)
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

# -- package data (ships inside the package) --------------------------------------------------------------
REFERENCE_DIR = PACKAGE_DIR / "data" / "reference"
# The NUTS versions the package ships (codes and geometry): 2016 for Interreg 2014-2020 projects,
# 2021 for 2021-2027, 2013 for data from before 2018.
NUTS_VERSIONS = (2013, 2016, 2021)
NUTS_DIR = REFERENCE_DIR / "nuts"
NUTS_CHANGES_FILE = NUTS_DIR / "nuts_changes.csv"  # codes of one version that another lacks, and where they went
SECTORS_DIRNAME = "sectors"  # a project folder may hold its own sectors/ beside project.yaml
DEFAULT_SECTORS_DIR = REFERENCE_DIR / SECTORS_DIRNAME
GEOMETRY_DIR = PACKAGE_DIR / "geo" / "files"
COUNTRIES_GEOMETRY_FILE = GEOMETRY_DIR / "europe_countries.geojson"
TEMPLATES_DIR = PACKAGE_DIR / "reports" / "templates"


def nuts_codes_file(version: int) -> Path:
    """The NUTS classification of one version (code, level, names, parent, country), package data."""
    return NUTS_DIR / f"nuts{version}.csv"


def nuts_geometry_file(version: int) -> Path:
    """The embedded geometry of every NUTS unit of one version (TopoJSON, all levels), package data."""
    return GEOMETRY_DIR / f"nuts{version}.topojson"


def _checkout_root() -> Path:
    """The checkout holding this package (an editable install or a plain clone), else the current folder."""
    parent = PACKAGE_DIR.parent
    return parent if (parent / "pyproject.toml").is_file() else Path.cwd()


# -- environment variables (the one place each is spelled) ------------------------------------------------
REPORTS_DIR_ENV = "CLUSTERIX_REPORTS_DIR"        # where `report` writes snapshots
REPORT_RUN_ENV = "CLUSTERIX_REPORT_RUN"          # "1" while the report runner (or a test) executes notebooks
PAGE_PLOTLYJS_ENV = "CLUSTERIX_PAGE_PLOTLYJS"    # "1": the page a run becomes brings plotly.js (the runner's do)
GEO_CACHE_ENV = "CLUSTERIX_GEO_CACHE"            # where downloaded geometry is cached (tests: a tmp folder)
GISCO_BASE_URL_ENV = "CLUSTERIX_GISCO_BASE_URL"  # another GISCO server (tests: a fixture server on 127.0.0.1)
BROWSER_PATH_ENV = "BROWSER_PATH"                # a Chromium to use (kaleido's own override, honoured here too)
REQUIRE_BROWSER_ENV = "CLUSTERIX_REQUIRE_BROWSER"  # "1": a missing Chromium fails the browser tests (CI)
SCREENSHOTS_ENV = "CLUSTERIX_SCREENSHOTS"  # where the reader-view browser test keeps its page screenshots
# The input limits (input_limits below; README "Input limits"): each a positive whole number.
MAX_FILE_MB_ENV = "CLUSTERIX_MAX_FILE_MB"            # one table file as stored (CSV, or XLSX packed)
MAX_UNPACKED_MB_ENV = "CLUSTERIX_MAX_UNPACKED_MB"    # the XML inside one XLSX file, unpacked
MAX_ROWS_ENV = "CLUSTERIX_MAX_ROWS"                  # data rows of one table file
MAX_COLUMNS_ENV = "CLUSTERIX_MAX_COLUMNS"            # columns of one table file
MAX_PARAMETER_CHARS_ENV = "CLUSTERIX_MAX_PARAMETER_CHARS"  # one `report -p key=value` (or --only) value
MAX_PAGE_MB_ENV = "CLUSTERIX_MAX_PAGE_MB"            # one HTML page `report` writes (the page-size guard)
PROJECT_ENV = "CLUSTERIX_PROJECT"  # the project folder a notebook opens when its project_dir is None

# -- the checkout's folders -------------------------------------------------------------------------------
PROJ_ROOT = _checkout_root()
DATA_DIR = PROJ_ROOT / "data"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = Path(os.environ.get(REPORTS_DIR_ENV, PROJ_ROOT / "reports"))
DEFAULT_PROJECT_DIR = DATA_DIR / "clusterix2"   # the shipped example project (the one place naming it)
DEFAULT_PLAN_FILE = PROJ_ROOT / "reports" / "plan.yaml"



def default_project_dir() -> Path:
    """The project a notebook opens by default: $CLUSTERIX_PROJECT when set, else the shipped example.

    >>> default_project_dir() == DEFAULT_PROJECT_DIR or PROJECT_ENV in os.environ
    True
    """
    return Path(os.environ.get(PROJECT_ENV) or DEFAULT_PROJECT_DIR)


# -- names ------------------------------------------------------------------------------------------------
KERNEL_NAME = "clusterix-analytics"
KERNEL_DISPLAY_NAME = "Python (clusterix-analytics)"
APP_NAME = "clusterix-analytics"  # the user cache folder's name
# The output a notebook displays to record a headline number; the report runner reads it back.
HEADLINE_MIMETYPE = "application/vnd.clusterix.headline+json"
# The output a notebook displays to record a stated metric (key, name, value, unit, provenance, scope).
METRIC_MIMETYPE = "application/vnd.clusterix.metric+json"
# The cell tag of what only makes sense in JupyterLab (explorer widgets, "change the parameter" help): report
# pages leave such cells out (reports/export.py); the executed notebook keeps them.
LAB_ONLY_TAG = "lab-only"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


# -- input limits ------------------------------------------------------------------------------------------
# A partner's spreadsheet is kilobytes; these bounds keep a hostile or broken file (a declared sheet range of
# a million rows, a zip bomb, a YAML alias bomb) from taking the machine's memory: each is refused with a
# message naming the limit. Table limits are configurable (the variables above); the YAML bounds are not.
# Programme scale (250 partners, 250,000 monthly observations: a 14 MB file) fits the defaults.
# A page is budgeted at 300 KB (the browser tests hold the shipped plan to it); the page limit is a guard
# against a page no browser opens comfortably (200 MB of input once made a 93 MB page), not that budget.
DEFAULT_LIMITS = {MAX_FILE_MB_ENV: 20, MAX_UNPACKED_MB_ENV: 40, MAX_ROWS_ENV: 300_000, MAX_COLUMNS_ENV: 200,
                  MAX_PARAMETER_CHARS_ENV: 1000, MAX_PAGE_MB_ENV: 20}
YAML_MAX_BYTES = 1_000_000   # project.yaml and plan.yaml are hand-written: a few kilobytes
YAML_MAX_NODES = 10_000      # values in a YAML file, aliases counted as the copies they stand for
YAML_MAX_DEPTH = 32          # nesting of mappings and lists


class SettingError(ValueError):
    """An environment variable of the workbook holds a value it cannot use (a limit that is not a number)."""


@dataclass(frozen=True)
class InputLimits:
    """How much one input may hold; read from the environment by :func:`input_limits`."""

    file_bytes: int
    unpacked_bytes: int
    rows: int
    columns: int
    parameter_chars: int
    page_bytes: int


def input_limits() -> InputLimits:
    """The limits in force: each environment variable of DEFAULT_LIMITS if set, else its default.

    >>> input_limits().rows
    300000
    """
    values = {}
    for name, default in DEFAULT_LIMITS.items():
        raw = os.environ.get(name, "").strip()
        if not raw:
            values[name] = default
            continue
        try:
            values[name] = int(raw.replace("_", ""))
        except ValueError:
            values[name] = 0
        if values[name] < 1:
            raise SettingError(f"${name}={raw!r}: expected a positive whole number (default {default})")
    mb = 1024 * 1024
    return InputLimits(file_bytes=values[MAX_FILE_MB_ENV] * mb, unpacked_bytes=values[MAX_UNPACKED_MB_ENV] * mb,
                       rows=values[MAX_ROWS_ENV], columns=values[MAX_COLUMNS_ENV],
                       parameter_chars=values[MAX_PARAMETER_CHARS_ENV], page_bytes=values[MAX_PAGE_MB_ENV] * mb)


def report_run() -> bool:
    """True while the report runner executes notebooks (it sets $CLUSTERIX_REPORT_RUN=1).

    >>> report_run() in (True, False)
    True
    """
    return os.environ.get(REPORT_RUN_ENV) == "1"


def page_brings_plotlyjs() -> bool:
    """True while the report runner executes notebooks into pages that load plotly.js themselves (it sets
    $CLUSTERIX_PAGE_PLOTLYJS=1): figures then need not embed it.

    >>> page_brings_plotlyjs() in (True, False)
    True
    """
    return os.environ.get(PAGE_PLOTLYJS_ENV) == "1"


def cache_dir() -> Path:
    """The folder for downloaded geometry: $CLUSTERIX_GEO_CACHE, else the user cache dir (platformdirs).

    >>> cache_dir().name
    'geo'
    """
    override = os.environ.get(GEO_CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME)) / "geo"


def find_chromium() -> str | None:
    """Path of a Chromium: $BROWSER_PATH if set, else the first on PATH, else None.

    >>> find_chromium()  # doctest: +SKIP
    '/usr/bin/chromium'
    """
    override = os.environ.get(BROWSER_PATH_ENV)
    if override:
        return override if Path(override).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None
