"""Hostile workspaces: files read as what they say they are, nothing from outside, no request, clean text."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import geo
from tests.conftest import default_layers

ROOT = Path(__file__).resolve().parents[1]
SECRET_NAME = "Bí Mật Ngoài Thư Mục"


@pytest.fixture
def server():
    """A web server on loopback that records every request it receives."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            hits.append(f"{self.command} {self.path}")
            body = b"household_id,household_name\nH1,leaked\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)

        do_GET = do_HEAD = _answer

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A household list outside the workspace folder."""
    folder = tmp_path / "secret"
    folder.mkdir()
    rows = [dict(default_layers()["households"][0], household_name=SECRET_NAME)]
    pd.DataFrame(rows).to_csv(folder / "households.csv", index=False)
    return folder / "households.csv"


def _vrt(url: str) -> str:
    return (
        "<OGRVRTDataSource>"
        f'<OGRVRTLayer name="remote"><SrcDataSource>/vsicurl/{url}/remote.csv</SrcDataSource></OGRVRTLayer>'
        f'<OGRVRTLayer name="http"><SrcDataSource>{url}/http.csv</SrcDataSource></OGRVRTLayer>'
        "</OGRVRTDataSource>"
    )


def test_vrt_saved_as_geojson_is_refused_without_any_request(workspace, server):
    url, hits = server
    (workspace / "projects.csv").unlink()
    (workspace / "projects.geojson").write_text(_vrt(url), encoding="utf-8")
    ws = geo.load_workspace(workspace)
    assert hits == []
    problem = next(p for p in ws.report.errors if p.file == "projects.geojson")
    assert problem.code == "wrong_format" and "GeoJSON" in problem.message


def test_vrt_inside_a_zip_named_as_geojson_is_refused_without_any_request(workspace, server):
    import zipfile

    url, hits = server
    (workspace / "projects.csv").unlink()
    with zipfile.ZipFile(workspace / "projects.zip", "w") as zf:
        zf.writestr("projects.geojson", _vrt(url))
    ws = geo.load_workspace(workspace)
    assert hits == []
    assert "wrong_format" in ws.report.codes()


def test_geojson_with_a_linked_crs_makes_no_request(workspace, server):
    url, hits = server
    gdf = gpd.read_file(workspace / "hamlets.gpkg").to_crs(4326)
    (workspace / "hamlets.gpkg").unlink()
    data = json.loads(gdf.to_json())
    data["crs"] = {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}}
    (workspace / "hamlets.geojson").write_text(json.dumps(data), encoding="utf-8")
    geo.load_workspace(workspace)
    assert hits == []


def test_json_that_gdal_opens_with_another_driver_is_refused(workspace):
    esri = {
        "geometryType": "esriGeometryPolygon",
        "spatialReference": {"wkid": 4326},
        "fields": [
            {"name": "project_id", "type": "esriFieldTypeString"},
            {"name": "project_name", "type": "esriFieldTypeString"},
        ],
        "features": [
            {
                "attributes": {"project_id": "P1", "project_name": "Đường tỉnh"},
                "geometry": {"rings": [[[106, 21], [106.1, 21], [106.1, 21.1], [106, 21]]]},
            }
        ],
    }
    (workspace / "projects.csv").unlink()
    (workspace / "projects.geojson").write_text(json.dumps(esri), encoding="utf-8")
    ws = geo.load_workspace(workspace)
    problem = next(p for p in ws.report.errors if p.file == "projects.geojson")
    assert problem.code == "wrong_format" and "ESRIJSON" in problem.message


def test_file_named_in_workspace_toml_outside_the_folder_is_refused(workspace, secret):
    (workspace / "households.csv").unlink()
    relative = os.path.relpath(secret, workspace)
    (workspace / "workspace.toml").write_text(f'[layers.households]\nfile = "{relative}"\n', encoding="utf-8")
    ws = geo.load_workspace(workspace)
    problem = next(p for p in ws.report.errors if p.code == "outside_workspace")
    assert problem.file == "workspace.toml" and ".." in problem.message
    assert SECRET_NAME not in ws.households["household_name"].tolist()


def test_absolute_path_in_workspace_toml_is_refused(workspace, secret):
    (workspace / "households.csv").unlink()
    (workspace / "workspace.toml").write_text(f'[layers.households]\nfile = "{secret}"\n', encoding="utf-8")
    ws = geo.load_workspace(workspace)
    assert "outside_workspace" in ws.report.codes()
    assert len(ws.households) == 0


def test_link_to_a_file_outside_the_folder_is_refused(workspace, secret):
    (workspace / "households.csv").unlink()
    (workspace / "households.csv").symlink_to(secret)
    ws = geo.load_workspace(workspace)
    problem = next(p for p in ws.report.errors if p.code == "outside_workspace")
    assert problem.file == "households.csv" and str(secret) in problem.message
    assert len(ws.households) == 0


def test_shapefile_sidecar_linked_outside_the_folder_is_refused(workspace, tmp_path):
    gdf = gpd.read_file(workspace / "parcels.gpkg")
    (workspace / "parcels.gpkg").unlink()
    gdf.to_file(workspace / "parcels.shp")
    outside = tmp_path / "outside.dbf"
    (workspace / "parcels.dbf").rename(outside)
    (workspace / "parcels.dbf").symlink_to(outside)
    ws = geo.load_workspace(workspace)
    problem = next(p for p in ws.report.errors if p.code == "outside_workspace")
    assert problem.file == "parcels.dbf"


def test_hamlets_linked_outside_the_folder_are_one_error_not_also_a_missing_layer(workspace, tmp_path):
    outside = tmp_path / "elsewhere.gpkg"
    (workspace / "hamlets.gpkg").rename(outside)
    (workspace / "hamlets.gpkg").symlink_to(outside)
    ws = geo.load_workspace(workspace)
    assert [(p.code, p.file) for p in ws.report.errors] == [("outside_workspace", "hamlets.gpkg")]


def test_parcels_named_outside_the_folder_are_one_error_not_also_a_missing_layer(workspace, tmp_path):
    (workspace / "parcels.gpkg").rename(tmp_path / "parcels.gpkg")
    (workspace / "workspace.toml").write_text('[layers.parcels]\nfile = "../parcels.gpkg"\n', encoding="utf-8")
    ws = geo.load_workspace(workspace)
    assert [(p.code, p.file) for p in ws.report.errors] == [("outside_workspace", "workspace.toml")]


def test_link_to_a_file_inside_the_folder_is_read(workspace):
    (workspace / "households.csv").rename(workspace / "danh_sach.csv")
    (workspace / "households.csv").symlink_to(workspace / "danh_sach.csv")
    ws = geo.load_workspace(workspace)
    assert ws.report.ok, ws.report.render()
    assert len(ws.households) == 3


def test_command_line_never_prints_control_characters_from_data(workspace):
    evil = "evil\x1b]0;pwned\x07\x1b[2J\x1b[31mFAKE: 0 errors\u202e.csv"
    (workspace / "workspace.toml").write_text(
        "[layers.households]\nfile = " + json.dumps(evil) + "\n", encoding="utf-8"
    )
    frame = pd.DataFrame(default_layers()["households"])
    frame.loc[0, "stage_date"] = "\x1b[2J01/10/2026"
    frame.to_csv(workspace / "stage_history.csv", index=False)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "geo", "validate", str(workspace)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    printed = done.stdout + done.stderr
    assert "\\x1b]0;pwned" in printed  # shown, as a visible escape
    assert "\x1b" not in printed and "\x07" not in printed and "\u202e" not in printed


def test_control_characters_and_bidi_overrides_never_reach_the_loaded_workspace(build):
    hamlets = default_layers()["hamlets"]
    hamlets[0] = dict(hamlets[0], hamlet_name="\u202eThôn Đồng Tâm\x1b[2J")
    ws = geo.load_workspace(build(hamlets=hamlets))
    assert ws.hamlets["hamlet_name"].tolist()[0] == "Thôn Đồng Tâm[2J"
    problem = next(p for p in ws.report.warnings if p.code == "unsafe_characters")
    assert (problem.file, problem.column, problem.rows) == ("hamlets.gpkg", "hamlet_name", (1,))


def test_commune_name_in_workspace_toml_loses_its_bidi_override(workspace):
    (workspace / "workspace.toml").write_text('[workspace]\nname = "Xã \\u202eHữu Lũng"\n', encoding="utf-8")
    assert geo.load_workspace(workspace).name == "Xã Hữu Lũng"
