"""``python -m geo hotspots``: every format, read back; refusals without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from geo.__main__ import main
from geo.hotspots import HAMLET_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = ["hamlet_id", "hotspot_level", "hotspot_score", "hotspot_reasons"]
GRIEVANCES = [
    {
        "grievance_id": "G1",
        "received_date": "2026-10-01",
        "kind": "complaint",
        "topic": "area",
        "signatories": 6,
        "status": "dialogue",
        "household_id": "H3",
    }
]


@pytest.fixture
def ws_path(build) -> Path:
    """Default workspace (H3 in hamlet B disagrees) with an overdue 6-signatory complaint in B."""
    return build(grievances=GRIEVANCES)


def run(*argv: str) -> int:
    return main(["hotspots", *map(str, argv), "--as-of", "2026-11-20"])


def test_geopackage_holds_a_hamlets_layer_and_a_clusters_layer(ws_path, tmp_path, capsys):
    out = tmp_path / "h.gpkg"
    assert run(ws_path, "--out", out) == 0
    assert [name for name, _ in pyogrio.list_layers(out)] == ["hamlets", "clusters"]
    hamlets = gpd.read_file(out, layer="hamlets")
    assert list(hamlets.columns) == [*HAMLET_COLUMNS, "geometry"]
    assert hamlets["hamlet_id"].tolist() == ["A", "B"]
    assert hamlets.set_index("hamlet_id")["hotspot_level"].to_dict() == {"A": "none", "B": "hotspot"}
    assert hamlets.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert hamlets.crs.is_projected
    clusters = gpd.read_file(out, layer="clusters")
    assert {"parcel_id", "z", "p_sim", "p_fdr", "cluster"} <= set(clusters.columns)
    assert "Wrote 2 hamlets" in capsys.readouterr().out


def test_geojson_holds_the_hamlets_and_a_companion_file_the_clusters(ws_path, tmp_path):
    out = tmp_path / "h.geojson"
    assert run(ws_path, "--out", out) == 0
    hamlets = gpd.read_file(out)
    assert hamlets.crs.to_epsg() == 4326
    assert hamlets[REQUIRED].shape == (2, 4)
    reasons = hamlets.set_index("hamlet_id").loc["B", "hotspot_reasons"]
    assert reasons.startswith("1 đơn tập thể 6 người ký đã quá hạn; 1 hộ không đồng thuận chưa bàn giao")
    companion = tmp_path / "h_clusters.geojson"
    assert companion.exists()
    assert len(gpd.read_file(companion)) == 0


def test_csv_holds_one_row_per_hamlet_without_geometry(ws_path, tmp_path):
    out = tmp_path / "h.csv"
    assert run(ws_path, "--out", out) == 0
    frame = pd.read_csv(out, encoding="utf-8", keep_default_na=False)
    assert list(frame.columns) == list(HAMLET_COLUMNS)
    assert frame["hamlet_id"].tolist() == ["A", "B"]
    assert frame["hotspot_reasons"].tolist()[0] == ""
    assert frame.loc[1, "hotspot_label"] == "Điểm nóng"
    assert frame.loc[1, "hotspot_change"] == "same"


def test_the_project_flag_keeps_that_projects_grievances_and_households(build, tmp_path):
    projects = [
        {"project_id": "P1", "project_name": "Đường", "handover_deadline": "2026-12-31"},
        {"project_id": "P2", "project_name": "Khác", "handover_deadline": "2026-12-31"},
    ]
    path = build(projects=projects, grievances=[{**GRIEVANCES[0], "project_id": "P1"}])
    out = tmp_path / "p2.csv"
    assert run(path, "--out", out, "--project", "P2") == 0
    assert pd.read_csv(out)["hotspot_level"].tolist() == ["none", "none"]


def test_an_unknown_project_is_a_usage_error(ws_path, tmp_path, capsys):
    assert run(ws_path, "--out", tmp_path / "h.csv", "--project", "P9") == 2
    assert "P9" in capsys.readouterr().err


def test_an_unknown_format_is_a_usage_error_before_any_work(ws_path, tmp_path, capsys):
    assert run(ws_path, "--out", tmp_path / "h.xlsx") == 2
    assert ".gpkg, .geojson hoặc .csv" in capsys.readouterr().err


def test_a_workspace_with_errors_is_refused_with_exit_1_like_summary(build, tmp_path, capsys):
    path = build(hamlets=[{"hamlet_id": "A", "hamlet_name": "Một", "geometry": None}])
    out = tmp_path / "h.csv"
    assert run(path, "--out", out) == 1
    err = capsys.readouterr().err
    assert "LỖI/ERROR" in err and "Refused" in err
    assert not out.exists()


def test_unusable_hotspot_settings_are_refused_with_exit_1(build, tmp_path, capsys):
    path = build(toml="[hotspots.signals.moods]\nweight = 2\n")
    assert run(path, "--out", tmp_path / "h.csv") == 1
    assert "moods" in capsys.readouterr().err


def test_the_command_line_refuses_a_broken_workspace_without_a_traceback(build, tmp_path):
    path = build(parcels=[{"so_to": "1", "loai_dat": "LUC", "geometry": None}])
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "hotspots", str(path), "--out", str(tmp_path / "h.gpkg")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "LỖI/ERROR" in proc.stderr
