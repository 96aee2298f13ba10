"""GISCO NUTS download, check, cache and offline fallback — against a fixture server on 127.0.0.1 only."""
from __future__ import annotations

import json
import socket
import warnings

import pytest

from clusterix_analytics import config
from clusterix_analytics.geo import geometry as geo
from clusterix_analytics.geo import gisco

from .._gisco_fixture import GISCO_DIR, FixtureServer, gisco_fixture_files


@pytest.fixture(scope="module")
def fixture_files():
    return gisco_fixture_files()


@pytest.fixture
def server(fixture_files):
    running = FixtureServer(dict(fixture_files))
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "geo-cache"
    monkeypatch.setenv(config.GEO_CACHE_ENV, str(folder))
    monkeypatch.delenv(config.GISCO_BASE_URL_ENV, raising=False)
    return folder


def closed_port_url() -> str:
    """A 127.0.0.1 URL where nothing listens (connection refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_file_names_and_urls():
    assert gisco.gisco_filename(2024, 0, "60M") == "NUTS_RG_60M_2024_4326_LEVL_0.geojson"
    assert gisco.gisco_filename(2013, 3, "1:3M") == "NUTS_RG_03M_2013_4326_LEVL_3.geojson"
    assert gisco.gisco_url(2021, 1, "10M", base_url="http://127.0.0.1:1/") == (
        "http://127.0.0.1:1/distribution/v2/nuts/geojson/NUTS_RG_10M_2021_4326_LEVL_1.geojson")
    with pytest.raises(ValueError, match="unknown NUTS year 2010; valid: 2013, 2016, 2021, 2024"):
        gisco.gisco_filename(2010)
    with pytest.raises(ValueError, match="unknown scale '5M'; valid: 1M, 3M, 10M, 20M, 60M"):
        gisco.gisco_filename(2016, 2, "5M")


def test_base_url_and_cache_dir_come_from_the_environment(monkeypatch, cache):
    monkeypatch.setenv(config.GISCO_BASE_URL_ENV, "http://127.0.0.1:9999")
    assert gisco.gisco_url(2016, 2, "20M").startswith("http://127.0.0.1:9999/distribution/")
    assert config.cache_dir() == cache
    monkeypatch.delenv(config.GEO_CACHE_ENV)
    assert config.cache_dir().parts[-2:] == ("clusterix-analytics", "geo")


def test_download_is_checked_cached_atomically_and_reused_offline(server, cache, fixture_files):
    frame = gisco.fetch_gisco_nuts(2016, 2, "20M", base_url=server.base_url, timeout=5)
    assert sorted(frame["nuts_id"]) == ["AT12", "CZ08", "DK03", "HU22", "ITH1", "RO21", "RO32"]
    assert frame.crs.to_epsg() == 4326 and frame["name"].iloc[0].startswith("Name of ")
    path = GISCO_DIR + "NUTS_RG_20M_2016_4326_LEVL_2.geojson"
    assert server.requests == [path]
    assert (cache / "NUTS_RG_20M_2016_4326_LEVL_2.geojson").read_bytes() == fixture_files[path]
    assert [p.name for p in cache.iterdir()] == ["NUTS_RG_20M_2016_4326_LEVL_2.geojson"]  # no .part left

    server.stop()  # offline from here on: the cached file is used, nothing is requested
    again = gisco.fetch_gisco_nuts(2016, 2, "20M", base_url=server.base_url, timeout=5)
    assert sorted(again["nuts_id"]) == sorted(frame["nuts_id"])
    assert len(server.requests) == 1


def test_load_geometry_from_gisco_fetches_each_level_of_the_codes(server):
    codes = ["AT12", "BE2", "SE224", "RO32"]  # levels 2, 1, 3, 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback warning
        geometry = geo.load_geometry("gisco", codes, base_url=server.base_url, timeout=5)
    assert geometry.source == "gisco" and geometry.fallback is None
    assert sorted(geometry.regions["nuts_id"]) == ["AT12", "BE2", "RO32", "SE224"]
    assert geometry.regions.crs.to_epsg() == 3035
    assert "EuroGeographics" in geometry.attribution and "1:20M" in geometry.attribution
    assert sorted(p.rsplit("_", 1)[-1] for p in server.requests) == ["1.geojson", "2.geojson", "3.geojson"]
    # SE22 is not in the fixture's level-2 file: reported by name.
    assert geo.missing_codes(["SE22", "AT12", None, ""], geometry) == ["SE22"]


def test_server_down_and_no_cache_falls_back_to_embedded_with_one_message():
    url = closed_port_url()
    with pytest.warns(geo.GeometryFallbackWarning) as caught:
        geometry = geo.load_geometry("gisco", ["AT12", "SE224"], base_url=url, timeout=2)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.startswith("GISCO NUTS boundaries unavailable (" + url)
    assert "using the embedded GISCO 1:3 million geometry" in message
    assert geometry.source == "embedded" and geometry.fallback == message
    # the fallback keeps the version and the codes asked for
    assert sorted(geometry.regions["nuts_id"]) == ["AT12", "SE224"] and geometry.nuts_year == 2016


def test_a_server_that_never_answers_times_out(cache):
    with socket.socket() as silent:  # accepts connections (backlog) but never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(gisco.GiscoUnavailable, match="timed out"):
            gisco.fetch_gisco_nuts(2016, 2, "20M", base_url=url, timeout=0.5)
    assert not cache.exists() or not any(cache.iterdir())


@pytest.mark.parametrize(("body", "expected"), [
    (b"<html>Service unavailable</html>", "not valid JSON"),
    (b'{"type": "FeatureCollection", "features": []}', "not a GeoJSON FeatureCollection with features"),
    (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"NUTS_ID": "CZ08", "LEVL_CODE": 2}}]}).encode(),
     "expected NUTS ids missing from the file: AT12"),
    (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"NUTS_ID": "AT1", "LEVL_CODE": 1}}]}).encode(),
     r"expected NUTS level 2 only, found levels \['1'\]"),
])
def test_invalid_content_is_refused_and_not_cached(server, cache, body, expected):
    server.files[GISCO_DIR + "NUTS_RG_20M_2016_4326_LEVL_2.geojson"] = body
    with pytest.raises(gisco.GiscoUnavailable, match=expected):
        gisco.fetch_gisco_nuts(2016, 2, "20M", base_url=server.base_url, timeout=5)
    assert not cache.exists() or not any(cache.iterdir())


def test_http_error_is_named(server):
    with pytest.raises(gisco.GiscoUnavailable, match=r"NUTS_RG_20M_2021_4326_LEVL_2.geojson: HTTP 404"):
        gisco.fetch_gisco_nuts(2021, 2, "20M", base_url=server.base_url, timeout=5)


def test_expected_ids_asked_by_the_caller_are_checked(server):
    with pytest.raises(gisco.GiscoUnavailable, match="expected NUTS ids missing from the file: SE22"):
        gisco.fetch_gisco_nuts(2016, 2, "20M", base_url=server.base_url, timeout=5, expected_ids=["SE22"])


def test_a_damaged_cache_file_is_downloaded_again(server, cache):
    cache.mkdir(parents=True)
    (cache / "NUTS_RG_20M_2016_4326_LEVL_2.geojson").write_text('{"type": "FeatureColl')  # cut short
    frame = gisco.fetch_gisco_nuts(2016, 2, "20M", base_url=server.base_url, timeout=5)
    assert "AT12" in set(frame["nuts_id"]) and len(server.requests) == 1
    assert json.loads((cache / "NUTS_RG_20M_2016_4326_LEVL_2.geojson").read_text())["type"] == "FeatureCollection"


def test_embedded_geometry_holds_only_the_units_asked_for_in_the_projects_version():
    # HR04 (Kontinentalna Hrvatska) is NUTS 2016; NUTS 2021 split it, and has HR02 (Panonska Hrvatska).
    geometry = geo.load_geometry(codes=["HR02", "HR04", "LT"], year=2021)
    assert sorted(geometry.regions["nuts_id"]) == ["HR02", "LT"] and geometry.nuts_year == 2021
    assert geo.missing_codes(["HR02", "HR04", "LT"], geometry) == ["HR04"]
    assert geometry.attribution.startswith("Boundaries: © EuroGeographics for the administrative boundaries")
    assert "NUTS 2021" in geometry.attribution
    assert sorted(geo.load_geometry(codes=["HR04"], year=2016).regions["nuts_id"]) == ["HR04"]
    with pytest.raises(ValueError, match="no embedded geometry for NUTS 2024; valid: 2013, 2016, 2021"):
        geo.load_geometry(codes=["AT12"], year=2024)


def test_a_country_level_code_is_the_country_and_its_regions_tile_it():
    # Lithuania (LT, level 0) is its two NUTS 2021 level-2 regions LT01 (Sostinės) and LT02 (Vidurio ir vakarų).
    regions = geo.load_geometry(codes=["LT", "LT01", "LT02"], year=2021).regions.set_index("nuts_id").geometry
    assert regions["LT"].area == pytest.approx(regions["LT01"].area + regions["LT02"].area, rel=1e-9)
    assert regions["LT01"].intersection(regions["LT02"]).area == 0
