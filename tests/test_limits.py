"""Reading limits: a file over what a province can hold is refused before it is read, fast and small.

The memory of a refusal is measured in a fresh process (its own peak, ``VmHWM``),
capped with ``RLIMIT_AS`` so that a missing check fails the test instead of
exhausting the machine.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np
import openpyxl
import pyproj
import pytest

import geo
from geo.limits import Limits, mb, read_limits
from geo.problems import Report
from tests.conftest import CRS, default_layers

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MEMORY_BOUND_MB = 500  # loading the small default workspace peaks near 210 MB

_LOAD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a missing check fails here, not the machine
def peak_mb():
    # VmHWM is this process's own peak; ru_maxrss keeps the forking parent's across exec (Linux)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import geo
ws = geo.load_workspace(sys.argv[1])
print(json.dumps({"problems": [[p.code, p.file, p.message] for p in ws.report.problems],
                  "maxrss_mb": peak_mb()}))
"""


def _load_in_fresh_process(folder: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(folder)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _write_zip_bomb(path: Path, member: str, head: bytes, body: bytes, repeat: int, tail: bytes) -> int:
    """A real zip whose ``member`` inflates to head + body × repeat + tail; returns that size.

    Each part is deflated once from a fresh state and ends with a full flush,
    so the compressed body can be repeated as it is: writing a gigabyte takes
    a second, not a minute of compression.
    """

    def block(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)

    parts = [block(head), block(body), block(tail)]
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(repeat):
        crc = zlib.crc32(body, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(body) * repeat + len(tail)
    csize = len(parts[0]) + len(parts[1]) * repeat + len(parts[2]) + len(final)
    name = member.encode()
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, csize, size, len(name), 0) + name)
        fh.write(parts[0])
        for _ in range(repeat):
            fh.write(parts[1])
        fh.write(parts[2] + final)
        directory = fh.tell()
        fh.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, csize, size, len(name), 0, 0, 0, 0, 0, 0
            )
            + name
        )
        end = fh.tell()
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, end - directory, directory, 0))
    return size


_FEATURE = (
    b'{"type":"Feature","properties":{"so_to":"1","so_thua":"1"},"geometry":{"type":"Polygon",'
    b'"coordinates":[[[106.1,21.1],[106.2,21.1],[106.2,21.2],[106.1,21.1]]]}},\n'
)


def _geojson_bomb(path: Path, megabytes: int) -> int:
    body = _FEATURE * (1_000_000 // len(_FEATURE))
    return _write_zip_bomb(
        path,
        "parcels.geojson",
        b'{"type":"FeatureCollection","features":[\n',
        body,
        megabytes,
        _FEATURE.rstrip(b",\n") + b"]}\n",
    )


def test_zip_bomb_is_refused_before_it_is_inflated(workspace):
    (workspace / "parcels.gpkg").unlink()
    size = _geojson_bomb(workspace / "parcels.zip", 1200)
    assert size > 1_150_000_000 and (workspace / "parcels.zip").stat().st_size < 20_000_000
    result = _load_in_fresh_process(workspace)
    code, file, message = next(p for p in result["problems"] if p[1] == "parcels.zip")
    assert code == "too_large"
    assert f"{mb(size)}, over the limit of 1.000,0 MB" in message  # the figure and the limit
    assert result["maxrss_mb"] < MEMORY_BOUND_MB, result["maxrss_mb"]


def test_zip_member_inflating_a_thousandfold_is_refused_under_the_size_limit(workspace):
    (workspace / "parcels.gpkg").unlink()
    _geojson_bomb(workspace / "parcels.zip", 60)
    ws = geo.load_workspace(workspace)
    problem = next(p for p in ws.report.errors if p.file == "parcels.zip")
    assert problem.code == "too_large" and "parcels.geojson" in problem.message and ":1" in problem.message


def _null_shapefile(folder: Path, stem: str, n: int) -> None:
    """A shapefile of ``n`` null shapes (12 bytes each) with one one-character field: cheap to write."""
    shp_len, shx_len = 100 + 12 * n, 100 + 8 * n

    def header(length: int) -> bytes:
        return struct.pack(">i5ii", 9994, 0, 0, 0, 0, 0, length // 2) + struct.pack("<ii4d4d", 1000, 0, *[0.0] * 8)

    rec_shp = np.zeros(n, dtype=[("num", ">i4"), ("len", ">i4"), ("type", "<i4")])
    rec_shp["num"] = np.arange(1, n + 1)
    rec_shp["len"] = 2
    rec_shx = np.zeros(n, dtype=[("off", ">i4"), ("len", ">i4")])
    rec_shx["off"] = (100 + 12 * np.arange(n)) // 2
    rec_shx["len"] = 2
    with open(folder / f"{stem}.shp", "wb") as fh:
        fh.write(header(shp_len))
        rec_shp.tofile(fh)
    with open(folder / f"{stem}.shx", "wb") as fh:
        fh.write(header(shx_len))
        rec_shx.tofile(fh)
    dbf_header = struct.pack("<BBBBIHH20x", 3, 126, 11, 28, n, 32 + 32 + 1, 1 + 1)
    field = b"SO_TO".ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([1, 0]) + b"\0" * 14
    with open(folder / f"{stem}.dbf", "wb") as fh:
        fh.write(dbf_header + field + b"\r")
        fh.write(b" 1" * n)
        fh.write(b"\x1a")
    (folder / f"{stem}.prj").write_text(pyproj.CRS(CRS).to_wkt("WKT1_ESRI"))


def test_layer_with_more_features_than_a_province_is_refused_fast_and_small(workspace):
    (workspace / "parcels.gpkg").unlink()
    _null_shapefile(workspace, "parcels", 2_100_000)
    result = _load_in_fresh_process(workspace)
    code, file, message = next(p for p in result["problems"] if p[1] == "parcels.shp")
    assert code == "too_large" and "2.100.000" in message and "2.000.000" in message
    assert result["maxrss_mb"] < MEMORY_BOUND_MB, result["maxrss_mb"]


def test_csv_with_more_rows_than_a_province_is_refused_fast_and_small(workspace):
    line = b"H1,P1,1,1,paid\n"
    with open(workspace / "stage_history.csv", "wb") as fh:
        fh.write(b"household_id,project_id,map_sheet,parcel_no,stage\n")
        fh.write(line * 1_100_000)
    result = _load_in_fresh_process(workspace)
    code, file, message = next(p for p in result["problems"] if p[1] == "stage_history.csv")
    assert code == "too_large" and "1.100.000" in message and "1.000.000" in message
    assert result["maxrss_mb"] < MEMORY_BOUND_MB, result["maxrss_mb"]


def test_workbook_claiming_more_rows_than_the_limit_is_refused(workspace):
    (workspace / "households.csv").unlink()
    book = openpyxl.Workbook()
    book.active.append(["ma_ho", "ma_du_an", "so_to", "so_thua", "buoc"])
    book.active.cell(row=1_040_000, column=1, value="H1")  # Excel stops at 1,048,576
    book.save(workspace / "households.xlsx")
    ws = geo.load_workspace(workspace)
    problem = next(p for p in ws.report.errors if p.file == "households.xlsx")
    assert problem.code == "too_large" and "1.040.000" in problem.message


def test_workbook_without_a_dimension_has_its_rows_counted(workspace):
    (workspace / "households.csv").unlink()
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>H{i}</t></is></c></row>' for i in range(1, 31))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(workspace / "households.xlsx", "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    (workspace / "workspace.toml").write_text("[limits]\nmax_rows = 20\n", encoding="utf-8")
    ws = geo.load_workspace(workspace)
    problem = next(p for p in ws.report.errors if p.file == "households.xlsx")
    assert problem.code == "too_large" and "30 dòng/rows" in problem.message


def test_limits_are_set_in_workspace_toml(build):
    households = default_layers()["households"] * 4
    households = [dict(h, household_id=f"H{i}") for i, h in enumerate(households)]
    folder = build(households=households, toml="[limits]\nmax_rows = 10\nmax_features = 3\n")
    ws = geo.load_workspace(folder)
    assert [(p.code, p.file) for p in ws.report.errors] == [
        ("too_large", "parcels.gpkg"),
        ("too_large", "households.csv"),
    ]
    assert "[limits] max_features" in ws.report.errors[0].fix


def test_geojson_features_are_counted_against_the_limit(workspace):
    import geopandas as gpd

    gdf = gpd.read_file(workspace / "parcels.gpkg").to_crs(4326)
    (workspace / "parcels.gpkg").unlink()
    gdf.to_file(workspace / "parcels.geojson", driver="GeoJSON")
    (workspace / "workspace.toml").write_text("[limits]\nmax_features = 3\n", encoding="utf-8")
    ws = geo.load_workspace(workspace)
    problem = next(p for p in ws.report.errors if p.file == "parcels.geojson")
    assert problem.code == "too_large" and "4 đối tượng/features" in problem.message


def test_default_workspace_is_well_within_the_limits(workspace):
    assert geo.load_workspace(workspace).report.ok


@pytest.mark.parametrize("value", ["0", "-5", '"nhiều"', "true", "1.5"])
def test_a_limit_that_is_not_a_positive_whole_number_is_a_configuration_error(value):
    report = Report()
    import tomllib

    limits = read_limits(tomllib.loads(f"max_rows = {value}"), report)
    assert report.codes() == ["bad_config"] and limits == Limits()


def test_an_unknown_limit_is_a_warning():
    report = Report()
    assert read_limits({"max_parcels": 5}, report) == Limits()
    assert [p.severity for p in report.problems] == ["warning"]


def test_file_size_limit_may_be_a_fraction_of_a_megabyte():
    assert read_limits({"max_file_mb": 0.5}, Report()).max_file_bytes == 500_000


def test_limits_cover_a_whole_province_with_room_to_spare():
    limits = Limits()
    assert limits.max_features >= 5 * 300_000 and limits.max_rows >= 2 * 400_000 and limits.max_file_mb >= 500


def test_workbook_that_is_a_zip_bomb_is_refused(workspace):
    (workspace / "households.csv").unlink()
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>H1</t></is></c></row>'
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    _write_zip_bomb(
        workspace / "households.xlsx",
        "xl/worksheets/sheet1.xml",
        head,
        row * (1_000_000 // len(row)),
        60,
        b"</sheetData></worksheet>",
    )
    ws = geo.load_workspace(workspace)
    problem = next(p for p in ws.report.errors if p.file == "households.xlsx")
    assert problem.code == "too_large" and "xl/worksheets/sheet1.xml" in problem.message
