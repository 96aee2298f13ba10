"""Eurostat GISCO NUTS files: URL, download with a timeout, checks, and an atomic user-cache copy.

Downloaded once into the user's cache folder (:func:`clusterix_analytics.config.cache_dir`) and reused
offline afterwards; every request has a timeout, so a missing network is an error, never a hang.

>>> from clusterix_analytics.geo.gisco import gisco_filename
>>> gisco_filename(2021, 3, "1M")
'NUTS_RG_01M_2021_4326_LEVL_3.geojson'
"""
from __future__ import annotations

import http.client
import json
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import geopandas as gpd

from clusterix_analytics.config import GISCO_BASE_URL_ENV, cache_dir

GISCO_BASE_URL = "https://gisco-services.ec.europa.eu"
GISCO_PATH = "distribution/v2/nuts/geojson"
GISCO_YEARS = (2013, 2016, 2021, 2024)
GISCO_LEVELS = (0, 1, 2, 3)
GISCO_SCALES = ("01M", "03M", "10M", "20M", "60M")
# Env vars: where downloaded files are cached (tests point it at a tmp dir) and an alternative server.
DEFAULT_TIMEOUT_S = 10.0
# A unit that exists, with the same code, in every NUTS version from 2013 to 2024 (Niederösterreich and
# its Mostviertel-Eisenwurzen): a downloaded file lacking it is not the file we asked for.
SENTINEL_NUTS = "AT121"


class GiscoUnavailable(RuntimeError):
    """A GISCO file could not be downloaded or was not valid NUTS GeoJSON."""


def gisco_filename(year: int = 2016, level: int = 2, scale: str = "20M") -> str:
    """GISCO's file name for one NUTS year, level and scale (EPSG:4326 region polygons).

    >>> gisco_filename(2016, 2, "20M")
    'NUTS_RG_20M_2016_4326_LEVL_2.geojson'
    >>> gisco_filename(2021, 3, "1M")
    'NUTS_RG_01M_2021_4326_LEVL_3.geojson'
    """
    scale = _normalise_scale(scale)
    if year not in GISCO_YEARS:
        raise ValueError(f"unknown NUTS year {year}; valid: {', '.join(map(str, GISCO_YEARS))}")
    if level not in GISCO_LEVELS:
        raise ValueError(f"unknown NUTS level {level}; valid: 0, 1, 2, 3")
    return f"NUTS_RG_{scale}_{year}_4326_LEVL_{level}.geojson"


def _normalise_scale(scale: str) -> str:
    text = str(scale).upper().removeprefix("1:")
    if text[:-1].isdigit() and text.endswith("M"):
        text = f"{int(text[:-1]):02d}M"
    if text not in GISCO_SCALES:
        raise ValueError(f"unknown scale {scale!r}; valid: 1M, 3M, 10M, 20M, 60M")
    return text


def gisco_url(year: int = 2016, level: int = 2, scale: str = "20M", base_url: str | None = None) -> str:
    """Full URL of a GISCO NUTS file; ``base_url`` defaults to $CLUSTERIX_GISCO_BASE_URL or GISCO itself.

    >>> gisco_url(2016, 2, "20M", base_url="http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/distribution/v2/nuts/geojson/NUTS_RG_20M_2016_4326_LEVL_2.geojson'
    """
    base = (base_url or os.environ.get(GISCO_BASE_URL_ENV) or GISCO_BASE_URL).rstrip("/")
    return f"{base}/{GISCO_PATH}/{gisco_filename(year, level, scale)}"


def check_nuts_geojson(data: bytes, level: int, expected_ids=()) -> dict:
    """Parse GISCO NUTS GeoJSON and check it is what was asked for; returns the parsed object.

    Raises :class:`GiscoUnavailable` naming what is wrong (not JSON, no features, wrong level, ids missing).
    """
    try:
        parsed = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GiscoUnavailable(f"not valid JSON ({exc})") from None
    features = parsed.get("features") if isinstance(parsed, dict) else None
    if parsed.get("type") != "FeatureCollection" or not features:
        raise GiscoUnavailable("not a GeoJSON FeatureCollection with features")
    ids = {str((f.get("properties") or {}).get("NUTS_ID")) for f in features}
    levels = {(f.get("properties") or {}).get("LEVL_CODE") for f in features}
    if levels != {level}:
        raise GiscoUnavailable(f"expected NUTS level {level} only, found levels {sorted(map(str, levels))}")
    wanted = {SENTINEL_NUTS[: level + 2], *expected_ids}
    lacking = sorted(wanted - ids)
    if lacking:
        raise GiscoUnavailable(f"expected NUTS ids missing from the file: {', '.join(lacking)}")
    return parsed


def _write_atomically(path: Path, data: bytes) -> None:
    # A reader (another notebook running in parallel) sees the old file or the whole new one, never half.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fetch_gisco_nuts(year: int = 2016, level: int = 2, scale: str = "20M", *, base_url: str | None = None,
                     timeout: float = DEFAULT_TIMEOUT_S, cache: Path | None = None,
                     expected_ids=()) -> gpd.GeoDataFrame:
    """One GISCO NUTS file as a GeoDataFrame (EPSG:4326): from the cache if there, else downloaded and cached.

    A cached file is checked like a fresh download and reused with no network. Raises
    :class:`GiscoUnavailable` (network error, timeout, HTTP error, invalid content); nothing is cached then.

    >>> fetch_gisco_nuts(2016, 2, "20M", base_url="http://127.0.0.1:8765", timeout=5)  # doctest: +SKIP
    """
    cache = Path(cache) if cache else cache_dir()
    path = cache / gisco_filename(year, level, scale)
    if path.is_file():
        try:
            return _frame_from_geojson(check_nuts_geojson(path.read_bytes(), level, expected_ids))
        except GiscoUnavailable:
            pass  # a damaged or stale cache file: download again
    url = gisco_url(year, level, scale, base_url)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read()
    except urllib.error.HTTPError as exc:
        raise GiscoUnavailable(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise GiscoUnavailable(f"{url}: {reason}") from None
    try:
        parsed = check_nuts_geojson(data, level, expected_ids)
    except GiscoUnavailable as exc:
        raise GiscoUnavailable(f"{url}: {exc}") from None
    _write_atomically(path, data)
    return _frame_from_geojson(parsed)


def _frame_from_geojson(parsed: dict) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame.from_features(parsed["features"], crs="EPSG:4326")
    name = frame["NAME_LATN"] if "NAME_LATN" in frame else frame.get("NUTS_NAME", frame["NUTS_ID"])
    return gpd.GeoDataFrame({"nuts_id": frame["NUTS_ID"].astype(str), "name": name.astype(str),
                             "level": frame["LEVL_CODE"].astype(int)}, geometry=frame.geometry.values,
                            crs="EPSG:4326")
