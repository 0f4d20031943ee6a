"""A table layer's workbook read in a background thread while the spatial layers are read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
from conftest import build_workspace
from test_io_office_lists import HAMLET_A, HAMLET_B, _office_sheet, _office_workspace

import geo
from geo.config import read_config
from geo.io import read_layer, read_workbook_ahead
from geo.problems import Report


def _read(folder: Path, ahead=None):
    cfg = read_config(folder, Report())
    report = Report()
    raw = read_layer(folder / "households.xlsx", "households", cfg, report, spatial_required=False, ahead=ahead)
    return raw, report


def test_a_workbook_within_the_limits_is_checked_once(tmp_path, monkeypatch):
    import geo.io

    folder = _office_workspace(tmp_path)
    checked: list[str] = []
    within = geo.io._within_limits
    monkeypatch.setattr(geo.io, "_within_limits", lambda path, *a: checked.append(path.name) or within(path, *a))
    ws = geo.load_workspace(folder)
    assert checked.count("households.xlsx") == 1 and len(ws.households) > 0


def test_a_workbook_read_ahead_gives_the_same_layer_and_problems_as_a_plain_read(tmp_path):
    folder = _office_workspace(tmp_path)
    plain, plain_report = _read(folder)
    ahead = read_workbook_ahead(folder / "households.xlsx", "households", read_config(folder, Report()))
    early, early_report = _read(folder, ahead)
    pd.testing.assert_frame_equal(early.frame, plain.frame)
    assert list(early.rows) == list(plain.rows) and list(early.sheets) == list(plain.sheets)
    assert [p.message for p in early_report.problems] == [p.message for p in plain_report.problems]


def test_the_layer_is_made_of_what_was_read_ahead(tmp_path):
    folder = _office_workspace(tmp_path)
    ahead = read_workbook_ahead(folder / "households.xlsx", "households", read_config(folder, Report()))
    assert ahead is not None
    ahead.sheets(folder / "households.xlsx", None)  # finished
    book = openpyxl.Workbook()
    _office_sheet(book, "Thôn Lân Hoài", HAMLET_B)
    book.remove(book["Sheet"])
    book.save(folder / "households.xlsx")  # changed after the read: not read a second time
    early, _ = _read(folder, ahead)
    assert sorted(early.frame["Mã hộ"]) == sorted(r[1] for r in HAMLET_A + HAMLET_B)


def test_a_read_ahead_of_another_sheet_is_not_used(tmp_path):
    folder = _office_workspace(tmp_path)
    ahead = read_workbook_ahead(folder / "households.xlsx", "households", read_config(folder, Report()))
    (folder / "workspace.toml").write_text('[layers.households]\nsheet = "Thôn Lân Hoài"\n', encoding="utf-8")
    early, _ = _read(folder, ahead)
    assert list(early.frame["Mã hộ"]) == [r[1] for r in HAMLET_B]


def test_a_workbook_beyond_the_limits_is_not_read_ahead_and_is_refused_once(tmp_path):
    folder = _office_workspace(tmp_path)
    (folder / "workspace.toml").write_text("[limits]\nmax_file_mb = 0.001\n", encoding="utf-8")
    assert read_workbook_ahead(folder / "households.xlsx", "households", read_config(folder, Report())) is None
    ws = geo.load_workspace(folder)
    refused = [p for p in ws.report.errors if p.file == "households.xlsx"]
    assert len(refused) == 1 and ws.households.empty


def test_a_file_that_is_no_zip_is_not_read_ahead_and_is_reported_once(tmp_path):
    folder = build_workspace(tmp_path / "damaged")
    (folder / "households.csv").unlink()
    (folder / "households.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    assert read_workbook_ahead(folder / "households.xlsx", "households", read_config(folder, Report())) is None
    ws = geo.load_workspace(folder)
    assert [p.code for p in ws.report.errors if p.file == "households.xlsx"] == ["bad_workbook"]


def test_a_zip_that_is_no_workbook_is_read_ahead_in_vain_and_reported_once(tmp_path):
    folder = build_workspace(tmp_path / "damaged")
    (folder / "households.csv").unlink()
    with zipfile.ZipFile(folder / "households.xlsx", "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    ahead = read_workbook_ahead(folder / "households.xlsx", "households", read_config(folder, Report()))
    assert ahead is not None and ahead.sheets(folder / "households.xlsx", None).names is None
    ws = geo.load_workspace(folder)
    assert [p.code for p in ws.report.errors if p.file == "households.xlsx"] == ["bad_workbook"]


def _reads(folder: Path, monkeypatch) -> list[tuple[str, str, object]]:
    """A folder's read, with each workbook begun ahead and each layer read, in order (the real functions)."""
    import geo.source

    calls: list[tuple[str, str, object]] = []

    def begin(path, name, cfg):
        started = read_workbook_ahead(path, name, cfg)
        calls.append(("ahead", name, started))
        return started

    def read(path, name, cfg, report, spatial_required, ahead=None):
        calls.append(("read", name, ahead))
        return read_layer(path, name, cfg, report, spatial_required=spatial_required, ahead=ahead)

    monkeypatch.setattr(geo.source, "read_workbook_ahead", begin)
    monkeypatch.setattr(geo.source, "read_layer", read)
    geo.source.FolderSource(folder).read()
    return calls


def test_a_folder_without_workbooks_reads_nothing_ahead(tmp_path, monkeypatch):
    calls = _reads(build_workspace(tmp_path / "plain"), monkeypatch)
    begun = [(name, started) for kind, name, started in calls if kind == "ahead"]
    assert begun and all(started is None for _, started in begun)
    assert "parcels" not in dict(begun), "a spatial layer is never read ahead"
    assert all(ahead is None for kind, _, ahead in calls if kind == "read")


def test_a_folders_workbook_is_begun_before_its_spatial_layers_are_read(tmp_path, monkeypatch):
    folder = _office_workspace(tmp_path)
    calls = _reads(folder, monkeypatch)
    begun = [(name, started) for kind, name, started in calls if kind == "ahead" and started is not None]
    assert [name for name, _ in begun] == ["households"] and begun[0][1].path == folder / "households.xlsx"
    assert calls.index(("ahead", "households", begun[0][1])) < calls.index(next(c for c in calls if c[0] == "read"))
    assert ("read", "households", begun[0][1]) in calls, "the read takes what was begun"
