"""Region geometry for the maps: embedded Natural Earth-derived NUTS units, GISCO NUTS files, projection.

Two sources, one shape of result (:class:`RegionGeometry`, projected to EPSG:3035 metres):

- ``"embedded"`` (default, always offline): data/geo/, built by ``clusterix-analytics geodata build``
  from Natural Earth admin-1 units dissolved into the partners' NUTS 2016 units.
- ``"gisco"``: the true NUTS boundaries from Eurostat GISCO, downloaded once into the user's cache
  directory and reused offline afterwards. With no network and no cache the embedded geometry is used,
  after one clear warning (:class:`GeometryFallbackWarning`); never a hang (every request has a timeout).

>>> from clusterix_analytics.geo import geometry as geo
>>> g = geo.load_geometry()                       # embedded, no network
>>> sorted(g.regions.nuts_id)[:3], g.regions.crs.to_epsg()
(['AT12', 'BE2', 'CZ08'], 3035)
>>> geo.missing_codes(["AT12", "HU11"], g)       # HU11 is a NUTS 2021 code: no geometry for it
['HU11']
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from clusterix_analytics.config import COUNTRIES_GEOMETRY_FILE as COUNTRIES_FILE
from clusterix_analytics.config import REGIONS_GEOMETRY_FILE as REGIONS_FILE
from clusterix_analytics.geo.build import EQUAL_AREA_CRS
from clusterix_analytics.geo.gisco import DEFAULT_TIMEOUT_S, GiscoUnavailable, _normalise_scale, fetch_gisco_nuts

EMBEDDED_ATTRIBUTION = ("Boundaries: Natural Earth (public domain), admin-1 units dissolved to NUTS 2016 "
                        "(approximate)")
GISCO_ATTRIBUTION = ("Boundaries: © EuroGeographics for the administrative boundaries (GISCO NUTS {year}, "
                     "1:{scale}); countries: Natural Earth (public domain)")

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
    label_points: pd.DataFrame = field(init=False)

    def __post_init__(self):
        self.label_points = label_points(self.regions)


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
