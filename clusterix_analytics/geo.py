"""Region geometry for the maps: embedded Natural Earth-derived NUTS units, GISCO NUTS files, projection.

Two sources, one shape of result (:class:`RegionGeometry`, projected to EPSG:3035 metres):

- ``"embedded"`` (default, always offline): data/geo/, built by ``clusterix-analytics geodata build``
  from Natural Earth admin-1 units dissolved into the partners' NUTS 2016 units.
- ``"gisco"``: the true NUTS boundaries from Eurostat GISCO, downloaded once into the user's cache
  directory and reused offline afterwards. With no network and no cache the embedded geometry is used,
  after one clear warning (:class:`GeometryFallbackWarning`); never a hang (every request has a timeout).

>>> from clusterix_analytics import geo
>>> g = geo.load_geometry()                       # embedded, no network
>>> sorted(g.regions.nuts_id)[:3], g.regions.crs.to_epsg()
(['AT12', 'BE2', 'CZ08'], 3035)
>>> geo.missing_codes(["AT12", "HU11"], g)       # HU11 is a NUTS 2021 code: no geometry for it
['HU11']
"""
from __future__ import annotations

import http.client
import json
import os
import tempfile
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .geodata import COUNTRIES_FILE, EQUAL_AREA_CRS, REGIONS_FILE

GISCO_BASE_URL = "https://gisco-services.ec.europa.eu"
GISCO_PATH = "distribution/v2/nuts/geojson"
GISCO_YEARS = (2013, 2016, 2021, 2024)
GISCO_LEVELS = (0, 1, 2, 3)
GISCO_SCALES = ("01M", "03M", "10M", "20M", "60M")
# Env vars: where downloaded files are cached (tests point it at a tmp dir) and an alternative server.
CACHE_ENV = "CLUSTERIX_GEO_CACHE"
BASE_URL_ENV = "CLUSTERIX_GISCO_BASE_URL"
DEFAULT_TIMEOUT_S = 10.0
# A unit that exists, with the same code, in every NUTS version from 2013 to 2024 (Niederösterreich and
# its Mostviertel-Eisenwurzen): a downloaded file lacking it is not the file we asked for.
SENTINEL_NUTS = "AT121"

EMBEDDED_ATTRIBUTION = ("Boundaries: Natural Earth (public domain), admin-1 units dissolved to NUTS 2016 "
                        "(approximate)")
GISCO_ATTRIBUTION = ("Boundaries: © EuroGeographics for the administrative boundaries (GISCO NUTS {year}, "
                     "1:{scale}); countries: Natural Earth (public domain)")


class GeometryFallbackWarning(UserWarning):
    """GISCO boundaries were asked for but could not be had: the embedded geometry is used instead."""


class MissingGeometryWarning(UserWarning):
    """Some NUTS codes in the data have no polygon in the chosen geometry (they are named in the message)."""


class GiscoUnavailable(RuntimeError):
    """A GISCO file could not be downloaded or was not valid NUTS GeoJSON."""


@dataclass
class RegionGeometry:
    """NUTS regions and a country context layer, both in EPSG:3035 metres.

    ``regions`` has columns nuts_id, name, level, geometry; ``countries`` has name, geometry.
    ``nuts_year`` is the NUTS version of the region polygons; ``attribution`` goes in figure footnotes;
    ``fallback`` says why GISCO was not used when it was asked for (else None).
    """

    regions: gpd.GeoDataFrame
    countries: gpd.GeoDataFrame
    source: str
    nuts_year: int
    attribution: str
    fallback: str | None = None
    label_points: pd.DataFrame = field(init=False)

    def __post_init__(self):
        self.label_points = label_points(self.regions)


def cache_dir() -> Path:
    """The folder for downloaded geometry: $CLUSTERIX_GEO_CACHE, else the user cache dir (platformdirs)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("clusterix-analytics")) / "geo"


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
    base = (base_url or os.environ.get(BASE_URL_ENV) or GISCO_BASE_URL).rstrip("/")
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


@lru_cache(maxsize=2)
def _read_embedded(path: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(path).to_crs(EQUAL_AREA_CRS)


def embedded_regions() -> gpd.GeoDataFrame:
    """The embedded partner regions (NUTS 2016, Natural Earth-derived), in EPSG:3035."""
    return _read_embedded(REGIONS_FILE)[["nuts_id", "name", "level", "geometry"]].copy()


def embedded_countries() -> gpd.GeoDataFrame:
    """The embedded Europe country layer (Natural Earth 1:50m, simplified), in EPSG:3035."""
    return _read_embedded(COUNTRIES_FILE)[["name", "geometry"]].copy()


def load_geometry(source: str = "embedded", codes=(), *, year: int = 2016, scale: str = "20M",
                  base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT_S,
                  cache: Path | None = None) -> RegionGeometry:
    """Region polygons for the maps, projected to EPSG:3035.

    ``source="gisco"`` downloads (or reads from the cache) the GISCO files of every NUTS level among
    ``codes``; if that fails, warns once (:class:`GeometryFallbackWarning`) and returns the embedded
    geometry with ``fallback`` set to the reason.

    >>> load_geometry("gisco", ["AT12"], base_url="http://127.0.0.1:9", timeout=1).source  # doctest: +SKIP
    'embedded'
    """
    if source not in ("embedded", "gisco"):
        raise ValueError(f"unknown geometry source {source!r}; valid: embedded, gisco")
    countries = embedded_countries()
    if source == "gisco":
        levels = sorted({len(c) - 2 for c in codes if 2 <= len(c) <= 5}) or [2]
        try:
            parts = [fetch_gisco_nuts(year, level, scale, base_url=base_url, timeout=timeout, cache=cache)
                     for level in levels]
        except GiscoUnavailable as exc:
            reason = f"GISCO NUTS boundaries unavailable ({exc}); using the embedded Natural Earth geometry"
            warnings.warn(reason, GeometryFallbackWarning, stacklevel=2)
            return RegionGeometry(embedded_regions(), countries, "embedded", 2016, EMBEDDED_ATTRIBUTION, reason)
        regions = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")
        wanted = set(codes)
        if wanted:  # a level-3 file has ~1,500 units: keep what the map needs
            regions = regions[regions["nuts_id"].isin(wanted)]
        regions = regions.to_crs(EQUAL_AREA_CRS).reset_index(drop=True)
        attribution = GISCO_ATTRIBUTION.format(year=year, scale=_normalise_scale(scale).lstrip("0"))
        return RegionGeometry(regions, countries, "gisco", year, attribution)
    return RegionGeometry(embedded_regions(), countries, "embedded", 2016, EMBEDDED_ATTRIBUTION)


def missing_codes(codes, geometry: RegionGeometry) -> list[str]:
    """NUTS codes (in the data) with no polygon in ``geometry``, sorted; empty codes are ignored."""
    present = set(geometry.regions["nuts_id"])
    return sorted({str(c) for c in codes if isinstance(c, str) and c and c not in present})


def label_points(regions: gpd.GeoDataFrame) -> pd.DataFrame:
    """One point per region for labels and link ends: the centroid if it is inside, else a point inside.

    >>> from shapely.geometry import box
    >>> r = gpd.GeoDataFrame({"nuts_id": ["A"]}, geometry=[box(0, 0, 4, 2)], crs=EQUAL_AREA_CRS)
    >>> label_points(r).to_dict("records")
    [{'nuts_id': 'A', 'x': 2.0, 'y': 1.0}]
    """
    rows = []
    for nuts_id, geom in zip(regions["nuts_id"], regions.geometry):
        # Label the largest part (Syddanmark's islands, Skåne's coast) so the label sits on the mainland.
        part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        point = part.centroid if part.contains(part.centroid) else part.representative_point()
        rows.append({"nuts_id": nuts_id, "x": float(point.x), "y": float(point.y)})
    return pd.DataFrame(rows, columns=["nuts_id", "x", "y"])


def polygon_xy(geometry) -> tuple[list, list]:
    """x and y vertex lists of a (multi)polygon for ``go.Scatter(fill="toself")``; rings split by None.

    >>> from shapely.geometry import box
    >>> polygon_xy(box(0, 0, 1, 1))[0]
    [1.0, 1.0, 0.0, 0.0, 1.0, None]
    """
    xs: list = []
    ys: list = []
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.asarray(ring.coords)
            xs += [*np.round(coords[:, 0], 0).tolist(), None]
            ys += [*np.round(coords[:, 1], 0).tolist(), None]
    return xs, ys


def area_km2(regions: gpd.GeoDataFrame) -> pd.Series:
    """Area of each region in km², measured in EPSG:3035 (equal-area), indexed by nuts_id."""
    projected = regions.to_crs(EQUAL_AREA_CRS)
    return pd.Series(projected.area.values / 1e6, index=projected["nuts_id"].values, name="area_km2")


def is_valid(regions: gpd.GeoDataFrame) -> pd.Series:
    """Whether each region's geometry is valid (OGC), indexed by nuts_id."""
    return pd.Series(shapely.is_valid(regions.geometry.values), index=regions["nuts_id"].values)
