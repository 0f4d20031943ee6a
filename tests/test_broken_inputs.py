"""Any broken file, in any layer and format, is refused with a message — never a traceback."""

from __future__ import annotations

import pytest

import geo
from geo.schema import LAYERS

GARBAGE = {
    "zeros": b"\x00" * 300,
    "text": "đây không phải dữ liệu\n".encode() * 10,
    "half_json": b'{"type": "FeatureCollection", "features": [{"type": "Feat',
    "zip_header_only": b"PK\x03\x04" + b"\x00" * 40,
}
EXTS = [".gpkg", ".shp", ".zip", ".geojson", ".csv", ".xlsx"]


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize("ext", EXTS)
@pytest.mark.parametrize("kind", list(GARBAGE))
def test_garbage_in_any_layer_file_is_an_error_not_a_crash(workspace, layer, ext, kind):
    for existing in workspace.glob(f"{layer}.*"):
        existing.unlink()
    (workspace / f"{layer}{ext}").write_bytes(GARBAGE[kind])
    ws = geo.load_workspace(workspace)
    assert not ws.report.ok
    assert any(p.file.startswith(layer) for p in ws.report.errors), ws.report.render()


def _geojson_with_bad_text() -> bytes:
    """A valid FeatureCollection (a square near Hồ Sơn) whose one text property is not UTF-8."""
    ring = "[[106.38,21.5],[106.39,21.5],[106.39,21.51],[106.38,21.51],[106.38,21.5]]"
    return (
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ten":"Th\xff\xfen"},'
        b'"geometry":{"type":"Polygon","coordinates":[' + ring.encode() + b"]}}]}"
    )


@pytest.mark.parametrize("layer", list(LAYERS))
def test_invalid_utf8_in_a_geojson_of_any_layer_is_an_error_naming_the_file_and_feature(workspace, layer):
    for existing in workspace.glob(f"{layer}.*"):
        existing.unlink()
    (workspace / f"{layer}.geojson").write_bytes(_geojson_with_bad_text())
    ws = geo.load_workspace(workspace)
    bad = [p for p in ws.report.errors if p.code == "bad_text"]
    assert [(p.file, p.column, p.rows) for p in bad] == [(f"{layer}.geojson", "ten", (1,))], ws.report.render()
    assert not any(p.code == "internal" for p in ws.report.problems), ws.report.render()


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 100_000 + "]" * 100_000,
        "a = " + "{b = " * 100_000 + "1" + "}" * 100_000,
        "[grievances]\ndeadline_days = 5",
        "[layers]\nparcels = 5",
        "[layers.parcels]\ncolumns = [1]",
        '[hotspots]\nclusters = "knn"',
        "[report]\nrecipients = {a = 1}",
        "[workspace]\nas_of = 20261120",
    ],
)
def test_any_broken_settings_file_is_an_error_naming_it_not_a_crash(workspace, text):
    (workspace / "workspace.toml").write_text(text + "\n", encoding="utf-8")
    ws = geo.load_workspace(workspace)
    assert [(p.code, p.file) for p in ws.report.errors] == [("bad_config", "workspace.toml")], ws.report.render()
