"""An installed package (a real wheel, not the editable checkout) works outside a checkout.

The wheel is built from this checkout offline (``pip wheel --no-build-isolation``) and unpacked into a
folder of its own; a fresh interpreter in another folder imports it from there and loads the shipped
project by path: the reference tables (NUTS codes, sectors) and the embedded geometry come from the
package data, not from the checkout.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from clusterix_analytics.config import DEFAULT_PROJECT_DIR, PROJ_ROOT

PROBE = textwrap.dedent("""
    import json, sys
    import clusterix_analytics as cx
    from clusterix_analytics.data.sectors import read_sector_vocabulary
    from clusterix_analytics.data.nuts import nuts_codes
    from clusterix_analytics.geo.geometry import load_geometry
    ds = cx.load(sys.argv[1])
    print(json.dumps({
        "package": cx.__file__,
        "partners": len(ds.partners),
        "countries": int(ds.partners["country_code"].nunique()),
        "ecosystems": int((read_sector_vocabulary().taxonomy["level"] == 1).sum()),
        "regions_with_geometry": int(load_geometry(codes=ds.partners["nuts_code"]).regions["nuts_id"].nunique()),
        "hr04_in": [v for v in (2013, 2016, 2021) if "HR04" in nuts_codes(v)],
        "hr02_2021_level": int(load_geometry(codes=["HR02"], year=2021).regions["level"].iloc[0]),
    }))
""")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("installed")
    wheels, site = folder / "wheels", folder / "site"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(wheels), str(PROJ_ROOT)], capture_output=True, text=True, cwd=folder)
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("clusterix_analytics-*.whl")
    unpack = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                             "--target", str(site), str(wheel)], capture_output=True, text=True, cwd=folder)
    assert unpack.returncode == 0, unpack.stderr
    return folder, site


def test_installed_package_loads_the_shipped_project_from_another_folder(installed):
    folder, site = installed
    elsewhere = folder / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site))
    probe = subprocess.run([sys.executable, "-c", PROBE, str(DEFAULT_PROJECT_DIR)], capture_output=True,
                           text=True, cwd=elsewhere, env=env)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert found["package"].startswith(str(site))  # the wheel's copy, not the checkout
    # CLUSTERIX 2.0: ten partners in nine countries (AT BE CZ DK FR HU IT RO SE: two in Romania), each in its
    # own region, every one with a polygon; the taxonomy's 14 EU industrial ecosystems; the NUTS tables and
    # geometry of each version: HR04 (Kontinentalna Hrvatska) is NUTS 2013 and 2016, HR02 a NUTS 2021 region
    assert found == {**found, "partners": 10, "countries": 9, "ecosystems": 14, "regions_with_geometry": 10,
                     "hr04_in": [2013, 2016], "hr02_2021_level": 2}


def test_the_wheel_holds_the_package_data_and_no_checkout_files(installed):
    _, site = installed
    shipped = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.suffix != ".pyc"}
    assert {"clusterix_analytics/data/reference/nuts/nuts2013.csv",
            "clusterix_analytics/data/reference/nuts/nuts2016.csv",
            "clusterix_analytics/data/reference/nuts/nuts2021.csv",
            "clusterix_analytics/data/reference/nuts/nuts_changes.csv",
            "clusterix_analytics/data/reference/nuts/README.md",
            "clusterix_analytics/data/reference/sectors/taxonomy.csv",
            "clusterix_analytics/data/reference/sectors/sector_map.csv",
            "clusterix_analytics/geo/files/nuts2013.topojson",
            "clusterix_analytics/geo/files/nuts2016.topojson",
            "clusterix_analytics/geo/files/nuts2021.topojson",
            "clusterix_analytics/geo/files/europe_countries.geojson",
            "clusterix_analytics/geo/files/README.md"} <= shipped
    assert not any(p.startswith(("tests/", "notebooks/", "data/")) for p in shipped)
