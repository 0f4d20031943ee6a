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
