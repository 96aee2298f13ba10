"""A GISCO-like NUTS file server on 127.0.0.1 for tests (no real network is ever used)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import geopandas as gpd

from clusterix_analytics.geo import geometry as geo
from clusterix_analytics.geo import gisco

GISCO_DIR = "/distribution/v2/nuts/geojson/"


def gisco_fixture_files() -> dict[str, bytes]:
    """Small GISCO-like NUTS 2016 files (levels 1–3) cut from the embedded geometry.

    Level 2 deliberately lacks SE22 and has AT12 (the level-2 sentinel); levels 1 and 3 carry their
    sentinels AT1 and AT121 (drawn with AT12's outline: only the ids matter here).
    """
    embedded = geo.embedded_regions(2016, ["BE2", "FRK", "AT12", "CZ08", "DK03", "HU22", "ITH1", "RO32", "RO21",
                                           "SE224", "RO321"]).to_crs("EPSG:4326").set_index("nuts_id").geometry
    wanted = {1: {"BE2": "BE2", "FRK": "FRK", "AT1": "AT12"},
              2: {c: c for c in ("AT12", "CZ08", "DK03", "HU22", "ITH1", "RO32", "RO21")},
              3: {"SE224": "SE224", "RO321": "RO321", "AT121": "AT12"}}
    files = {}
    for level, ids in wanted.items():
        features = [{"type": "Feature", "geometry": json.loads(gpd.GeoSeries([embedded[src]]).to_json())
                     ["features"][0]["geometry"],
                     "properties": {"NUTS_ID": nid, "LEVL_CODE": level, "CNTR_CODE": nid[:2],
                                    "NAME_LATN": f"Name of {nid}", "NUTS_NAME": f"Name of {nid}"}}
                    for nid, src in ids.items()]
        files[GISCO_DIR + gisco.gisco_filename(2016, level, "20M")] = json.dumps(
            {"type": "FeatureCollection", "features": features}).encode()
    return files


class FixtureServer:
    """An HTTP server on 127.0.0.1 (ephemeral port) serving ``files`` by path; records each request path."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                server.requests.append(self.path)
                body = server.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                self.wfile.write(body if body is not None else b"not found")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
