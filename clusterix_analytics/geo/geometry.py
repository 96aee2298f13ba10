"""Region geometry for the maps: the embedded GISCO NUTS units of every version, GISCO downloads, projection.

Two sources, one shape of result (:class:`RegionGeometry`, projected to EPSG:3035 metres):

- ``"embedded"`` (default, always offline): ``geo/files/nuts<year>.topojson``, every NUTS unit of levels
  0–3 of NUTS 2013, 2016 and 2021 (Eurostat GISCO 1:3 million), built by ``clusterix-analytics geodata
  build``. Only the units asked for are decoded.
- ``"gisco"``: GISCO's NUTS files at another scale, downloaded once into the user's cache directory and
  reused offline afterwards. With no network and no cache the embedded geometry is used, after one clear
  warning (:class:`GeometryFallbackWarning`); never a hang (every request has a timeout).

A country-level partner (NUTS level 0) is drawn as its country: level 0 is in the files like any level.

>>> from clusterix_analytics.geo import geometry as geo
>>> g = geo.load_geometry(codes=["AT12", "LT", "SE224"])      # embedded NUTS 2016, no network
>>> sorted(g.regions.nuts_id), g.regions.crs.to_epsg()
(['AT12', 'LT', 'SE224'], 3035)
>>> geo.missing_codes(["AT12", "HU10"], g)         # HU10 is NUTS 2013: NUTS 2016 split it (HU11, HU12)
['HU10']
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from clusterix_analytics.config import COUNTRIES_GEOMETRY_FILE as COUNTRIES_FILE
from clusterix_analytics.config import NUTS_VERSIONS, nuts_geometry_file
from clusterix_analytics.geo import topology
from clusterix_analytics.geo.build import EQUAL_AREA_CRS
from clusterix_analytics.geo.gisco import DEFAULT_TIMEOUT_S, GiscoUnavailable, _normalise_scale, fetch_gisco_nuts

# GISCO's terms ask every map for this notice (in its legend): the figures print the attribution below it.
GISCO_NOTICE = "© EuroGeographics for the administrative boundaries"
EMBEDDED_ATTRIBUTION = (f"Boundaries: {GISCO_NOTICE} (Eurostat GISCO, NUTS {{year}}, 1:3 million); "
                        "countries: Natural Earth (public domain)")
GISCO_ATTRIBUTION = (f"Boundaries: {GISCO_NOTICE} (Eurostat GISCO, NUTS {{year}}, 1:{{scale}}); "
                     "countries: Natural Earth (public domain)")
REGION_COLUMNS = ["nuts_id", "name", "level", "geometry"]
POLYGON_TYPE_ID = 3                # shapely.get_type_id of a Polygon


class GeometryFallbackWarning(UserWarning):
    """GISCO boundaries were asked for but could not be had: the embedded geometry is used instead."""


class MissingGeometryWarning(UserWarning):
    """Some NUTS codes in the data have no polygon in the chosen geometry (they are named in the message)."""


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
    label_points: pd.DataFrame | None = None   # one point per region (:func:`label_points`); None: found now

    def __post_init__(self):
        if self.label_points is None:
            self.label_points = label_points(self.regions)


@dataclass(frozen=True)
class _EmbeddedVersion:
    """One embedded TopoJSON file, decoded once: its arcs in EPSG:3035 and each unit's polygons and names."""

    arcs: list
    polygons: dict
    names: dict
    levels: dict


@lru_cache(maxsize=len(NUTS_VERSIONS))
def _embedded_version(path: Path) -> _EmbeddedVersion:
    from pyproj import Transformer

    topo = topology.read_topology(path.read_bytes())
    arcs = topology.absolute_arcs(topo)
    lonlat = np.concatenate(arcs)
    x, y = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True).transform(lonlat[:, 0], lonlat[:, 1])
    projected = np.split(np.column_stack([x, y]), np.cumsum([len(a) for a in arcs])[:-1])
    polygons, names, levels = {}, {}, {}
    for collection in topo["objects"].values():
        for g in collection["geometries"]:
            code = g["properties"]["nuts_id"]
            polygons[code] = topology.polygons_of(g)
            names[code] = g["properties"]["name"]
            levels[code] = int(g["properties"]["level"])
    return _EmbeddedVersion(projected, polygons, names, levels)


def decode_embedded() -> None:
    """Decode every embedded NUTS version and the country layer now, not at the first map: the report
    runner's kernel fork server calls it once, so every kernel forked from it starts with them in memory.

    >>> decode_embedded(); _embedded_version.cache_info().currsize == len(NUTS_VERSIONS)
    True
    """
    for year in NUTS_VERSIONS:
        _embedded_version(nuts_geometry_file(year))
    _read_countries(COUNTRIES_FILE)


def embedded_regions(year: int = 2016, codes=()) -> gpd.GeoDataFrame:
    """The embedded NUTS ``year`` units among ``codes`` (every unit if none given), in EPSG:3035.

    Codes the version lacks are left out (:func:`missing_codes` names them).

    >>> embedded_regions(2021, ["HR02", "HR04"])[["nuts_id", "level"]].values.tolist()
    [['HR02', 2]]
    """
    if year not in NUTS_VERSIONS:
        raise ValueError(f"no embedded geometry for NUTS {year}; valid: {', '.join(map(str, NUTS_VERSIONS))}")
    version = _embedded_version(nuts_geometry_file(year))
    codes = {c for c in codes if isinstance(c, str) and c}
    wanted = sorted(codes & set(version.polygons) if codes else version.polygons)
    shapes = [topology.to_shapely(version.polygons[c], version.arcs) for c in wanted]
    return gpd.GeoDataFrame({"nuts_id": wanted, "name": [version.names[c] for c in wanted],
                             "level": [version.levels[c] for c in wanted]},
                            geometry=gpd.GeoSeries(shapes, crs=EQUAL_AREA_CRS), crs=EQUAL_AREA_CRS)


@lru_cache(maxsize=8)
def _embedded_map(year: int, codes: tuple[str, ...]) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """A project's embedded regions and their label points, made once per process for the same codes (the
    pages of a report, and every partner profile, draw the same regions). Callers get shallow copies:
    copy-on-write keeps what they change their own."""
    regions = embedded_regions(year, codes)
    return regions, label_points(regions)


@lru_cache(maxsize=1)
def _read_countries(path: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(path).to_crs(EQUAL_AREA_CRS)


def embedded_countries() -> gpd.GeoDataFrame:
    """The embedded Europe country layer (Natural Earth 1:50m, simplified), in EPSG:3035."""
    return _read_countries(COUNTRIES_FILE)[["name", "geometry"]].copy()


def load_geometry(source: str = "embedded", codes=(), *, year: int = 2016, scale: str = "20M",
                  base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT_S,
                  cache: Path | None = None) -> RegionGeometry:
    """Region polygons for the maps, projected to EPSG:3035: the units among ``codes`` (all if none).

    ``year`` is the NUTS version (the project's ``nuts_version``). ``source="gisco"`` downloads (or reads
    from the cache) the GISCO files of every NUTS level among ``codes`` at ``scale``; if that fails, warns
    once (:class:`GeometryFallbackWarning`) and returns the embedded geometry with ``fallback`` set.

    >>> load_geometry("gisco", ["AT12"], base_url="http://127.0.0.1:9", timeout=1).source  # doctest: +SKIP
    'embedded'
    """
    if source not in ("embedded", "gisco"):
        raise ValueError(f"unknown geometry source {source!r}; valid: embedded, gisco")
    codes = [c for c in codes if isinstance(c, str) and c]
    countries = embedded_countries()
    if source == "embedded":
        regions, points = _embedded_map(year, tuple(sorted(set(codes))))
        return RegionGeometry(regions.copy(deep=False), countries, "embedded", year,
                              EMBEDDED_ATTRIBUTION.format(year=year), label_points=points.copy(deep=False))
    levels = sorted({len(c) - 2 for c in codes if 2 <= len(c) <= 5}) or [2]
    try:
        parts = [fetch_gisco_nuts(year, level, scale, base_url=base_url, timeout=timeout, cache=cache)
                 for level in levels]
    except GiscoUnavailable as exc:
        reason = f"GISCO NUTS boundaries unavailable ({exc}); using the embedded GISCO 1:3 million geometry"
        warnings.warn(reason, GeometryFallbackWarning, stacklevel=2)
        return RegionGeometry(embedded_regions(year, codes), countries, "embedded", year,
                              EMBEDDED_ATTRIBUTION.format(year=year), reason)
    regions = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")
    if codes:  # a level-3 file has ~1,500 units: keep what the map needs
        regions = regions[regions["nuts_id"].isin(set(codes))]
    regions = regions.to_crs(EQUAL_AREA_CRS).reset_index(drop=True)
    attribution = GISCO_ATTRIBUTION.format(year=year, scale=_normalise_scale(scale).lstrip("0"))
    return RegionGeometry(regions, countries, "gisco", year, attribution)


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


def polygon_xy(geometry) -> tuple[np.ndarray, np.ndarray]:
    """x and y vertices of a (multi)polygon, or of a sequence of them, for ``go.Scatter(fill="toself")``:
    every ring (outline or hole) ends with NaN, a break in the line (other parts are left out).

    Whole metres in float32 arrays (exact: EPSG:3035 coordinates stay below 2**24): plotly validates an
    array at once, not a coordinate at a time, and writes it in a figure's JSON as base64, about 5.3
    characters a coordinate.

    >>> from shapely.geometry import box
    >>> polygon_xy(box(0, 0, 1, 1))[0].tolist()
    [1.0, 1.0, 0.0, 0.0, 1.0, nan]
    >>> [len(a) for a in polygon_xy([box(0, 0, 1, 1), box(5, 5, 6.4, 6)])]
    [12, 12]
    """
    parts = shapely.get_parts(shapely.get_parts(np.atleast_1d(np.asarray(geometry, dtype=object))))
    polygons = parts[(shapely.get_type_id(parts) == POLYGON_TYPE_ID) & ~shapely.is_empty(parts)]
    coords, ring = shapely.get_coordinates(shapely.get_rings(polygons), return_index=True)
    xs = np.full(len(coords) + (ring[-1] + 1 if len(ring) else 0), np.nan, dtype=np.float32)
    ys = xs.copy()
    at = np.arange(len(coords)) + ring   # each ring after the breaks of the rings before it
    xs[at], ys[at] = np.round(coords[:, 0]), np.round(coords[:, 1])
    return xs, ys


def simplify_outlines(shapes, tolerance: float) -> np.ndarray:
    """``shapely.simplify(shapes, tolerance, preserve_topology=True)``, each shape simplified once per process
    at a tolerance: the embedded regions are the same objects in every map of a process, so a report's
    locator maps (forked from a process that simplified them) simplify nothing again.

    >>> from shapely.geometry import Polygon
    >>> square = Polygon([(0, 0), (5, 0.1), (10, 0), (10, 10), (0, 10)])
    >>> [len(s.exterior.coords) for s in simplify_outlines([square], 1.0)]
    [5]
    >>> simplify_outlines([square], 1.0)[0] is simplify_outlines([square], 1.0)[0]
    True
    """
    shapes = np.asarray(shapes, dtype=object)
    distinct = list({id(s): s for s in shapes}.values())   # by identity: hashing a shape reads its vertices
    missing = [s for s in distinct if (id(s), tolerance) not in _SIMPLIFIED]
    if len(_SIMPLIFIED) + len(missing) > SIMPLIFIED_KEPT:
        _SIMPLIFIED.clear()
        missing = distinct
    if missing:
        simplified = shapely.simplify(np.asarray(missing, dtype=object), tolerance, preserve_topology=True)
        for shape, simple in zip(missing, simplified):
            _SIMPLIFIED[(id(shape), tolerance)] = (shape, simple)
    out = np.empty(len(shapes), dtype=object)
    out[:] = [_SIMPLIFIED[(id(s), tolerance)][1] for s in shapes]
    return out


# (id of a shape, tolerance) → (the shape, simplified): the shape is kept, so its id is no other's meanwhile.
_SIMPLIFIED: dict = {}
SIMPLIFIED_KEPT = 20_000   # about 15 NUTS versions' regions at one tolerance; then all are forgotten at once


def area_km2(regions: gpd.GeoDataFrame) -> pd.Series:
    """Area of each region in km², measured in EPSG:3035 (equal-area), indexed by nuts_id."""
    projected = regions.to_crs(EQUAL_AREA_CRS)
    return pd.Series(projected.area.values / 1e6, index=projected["nuts_id"].values, name="area_km2")


def is_valid(regions: gpd.GeoDataFrame) -> pd.Series:
    """Whether each region's geometry is valid (OGC), indexed by nuts_id."""
    return pd.Series(shapely.is_valid(regions.geometry.values), index=regions["nuts_id"].values)
