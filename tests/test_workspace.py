"""``load_workspace``: every problem of a workspace in one run, consequences summarised, nothing raised."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

import geo
from geo.problems import Report
from geo.schema import LAYERS
from geo.source import MemorySource
from geo.workspace import _guard, assemble
from tests.conftest import CRS, break_three_ways, default_layers, drop_xlsx_columns, replace_bytes


def problems(ws: geo.Workspace, code: str) -> list[geo.Problem]:
    return [p for p in ws.report.problems if p.code == code]


# --------------------------------------------------------------------------- one pass


def test_a_workspace_broken_three_ways_gets_all_three_errors_in_one_run(sample):
    ws = geo.load_workspace(break_three_ways(sample))
    errors = {(p.code, p.file) for p in ws.report.errors}
    assert errors == {
        ("no_crs", "parcels.shp"),
        ("missing_column", "households.xlsx"),
        ("bad_date", "grievances.csv"),
    }, ws.report.render()


def test_parcels_without_prj_still_have_their_ids_checked(sample):
    (sample / "parcels.prj").unlink()
    # the second record gets the first one's sheet and parcel number: a duplicate derived id
    replace_bytes(sample / "parcels.dbf", b" 06451 1  2", b" 06451 1  1")
    ws = geo.load_workspace(sample)
    assert ws.report.has("no_crs", "parcels.shp")
    duplicate = problems(ws, "duplicate_id")
    assert [p.file for p in duplicate] == ["parcels.shp"] and "06451-1-1" in duplicate[0].message


def test_parcels_without_prj_keep_their_attributes_and_measure_no_area(sample):
    (sample / "parcels.prj").unlink()
    ws = geo.load_workspace(sample)
    assert len(ws.parcels) == 3000 and ws.parcels.crs is None
    declared = ws.parcels["area_declared_m2"]
    assert declared.notna().sum() == 3000 - 279  # as in the file
    # measuring needs a metric CRS: where no area is declared it stays unknown, never in the file's units
    assert ws.parcels["area_m2"].isna().equals(declared.isna())


def test_a_layer_without_crs_is_one_note_not_a_warning_per_parcel(sample):
    (sample / "parcels.prj").unlink()
    ws = geo.load_workspace(sample)
    assert not problems(ws, "parcel_outside_hamlets")
    skipped = [p for p in problems(ws, "check_skipped") if p.file == "parcels.shp"]
    assert len(skipped) == 1 and "CRS" in skipped[0].message


# --------------------------------------------------------------------------- consequences summarised


def test_a_missing_project_column_gives_one_note_instead_of_800_no_history_warnings(sample):
    drop_xlsx_columns(sample / "households.xlsx", "Mã dự án")
    ws = geo.load_workspace(sample)
    assert not problems(ws, "no_history") and not problems(ws, "unknown_project")
    notes = [p.message for p in problems(ws, "check_skipped")]
    assert any("stage history" in m and "project_id" in m for m in notes), notes
    assert all(len(p.rows) < 50 for p in ws.report.problems)


def test_an_unreadable_parcels_layer_gives_one_note_instead_of_a_warning_per_household(sample):
    (sample / "parcels.shp").write_bytes(b"\x00" * 400)
    ws = geo.load_workspace(sample)
    assert ws.report.has("bad_shapefile", "parcels.shp") or ws.report.has("unreadable", "parcels.shp")
    assert not problems(ws, "unknown_parcel") and not problems(ws, "unplaced_grievance")
    assert any(p.file == "households.xlsx" for p in problems(ws, "check_skipped"))


def grievance_note(ws: geo.Workspace) -> str:
    (note,) = [p.message for p in problems(ws, "check_skipped") if p.file == "grievances.csv"]
    return note


def test_a_damaged_household_list_is_named_as_why_grievances_are_not_placed(sample):
    (sample / "households.xlsx").write_bytes((sample / "households.xlsx").read_bytes()[:3000])
    note = grievance_note(geo.load_workspace(sample))
    assert "households.xlsx cannot be read" in note and "hamlets or parcels" not in note


def test_parcels_without_a_crs_are_named_as_why_grievances_are_not_placed(sample):
    (sample / "parcels.prj").unlink()
    note = grievance_note(geo.load_workspace(sample))
    assert "parcels.shp has no usable CRS" in note


def test_other_layers_are_checked_when_the_parcels_layer_is_missing(sample):
    for part in sample.glob("parcels.*"):
        part.unlink()
    replace_bytes(sample / "grievances.csv", b",28/03/2026,", b",hom qua,")
    ws = geo.load_workspace(sample)
    assert ws.report.has("missing_layer") and ws.report.has("bad_date", "grievances.csv")


def test_a_missing_required_layer_lists_the_files_the_folder_holds(sample):
    for part in sample.glob("parcels.*"):
        part.rename(sample / f"thua_dat{part.suffix}")
    (missing,) = problems(geo.load_workspace(sample), "missing_layer")
    assert "parcels" in missing.message and "thua_dat.shp" in missing.message
    assert "[layers.parcels] file" in missing.fix


def test_a_blank_household_id_is_not_also_a_household_without_history(sample):
    import openpyxl

    book = openpyxl.load_workbook(sample / "households.xlsx")
    book.worksheets[0]["A5"].value = None
    book.save(sample / "households.xlsx")
    ws = geo.load_workspace(sample)
    blank = problems(ws, "missing_value")
    assert [(p.file, p.rows) for p in blank] == [("households.xlsx", (5,))]
    assert all(5 not in p.rows for p in problems(ws, "no_history"))


def test_households_without_any_parcel_column_is_one_error_listing_the_headers(sample):
    drop_xlsx_columns(sample / "households.xlsx", "Số tờ", "Số thửa")
    ws = geo.load_workspace(sample)
    assert not problems(ws, "missing_parcel_ref") and not problems(ws, "unknown_parcel")
    missing = problems(ws, "missing_column")
    assert len(missing) == 1 and "map_sheet" in missing[0].message and "“Mã hộ”" in missing[0].message


# --------------------------------------------------------------------------- messages


def test_a_missing_required_column_lists_the_headers_found(sample):
    drop_xlsx_columns(sample / "households.xlsx", "Bước")
    (missing,) = problems(geo.load_workspace(sample), "missing_column")
    assert "stage" in missing.message
    for header in ("“Mã hộ”", "“Chủ hộ”", "“Mã dự án”", "“Ngày cập nhật”", "“Đợt”"):
        assert header in missing.message


def test_a_date_that_does_not_exist_is_named_as_such(sample):
    replace_bytes(sample / "grievances.csv", b",28/03/2026,", b",31/02/2026,")
    (bad,) = problems(geo.load_workspace(sample), "bad_date")
    assert "there is no 31 February 2026" in bad.message and "không có ngày 31 tháng 2" in bad.message
    assert bad.rows == (2,)


def test_a_header_used_twice_is_an_error_not_a_crash(sample):
    import openpyxl

    book = openpyxl.load_workbook(sample / "households.xlsx")
    book.worksheets[0]["B1"].value = "Mã hộ"
    book.save(sample / "households.xlsx")
    ws = geo.load_workspace(sample)
    (dup,) = problems(ws, "duplicate_column")
    assert dup.file == "households.xlsx" and "Mã hộ" in dup.message
    assert not problems(ws, "internal") and len(ws.households) == 800


# --------------------------------------------------------------------------- invalid UTF-8


def test_invalid_utf8_in_a_geopackage_names_the_file_column_and_feature(sample):
    replace_bytes(sample / "hamlets.gpkg", "Thôn Tân Hồ".encode(), b"Th\xff\xfe" + "n Tân Hồ".encode())
    ws = geo.load_workspace(sample)
    (bad,) = problems(ws, "bad_text")
    assert (bad.file, bad.column, bad.rows, bad.row_kind) == ("hamlets.gpkg", "hamlet_name", (3,), "feature")
    assert len(ws.hamlets) == 10  # the rest of the layer is still read and checked


def test_invalid_utf8_in_a_geojson_names_the_file_column_and_feature(sample):
    replace_bytes(sample / "projects.geojson", "Đường".encode(), b"\xff\xfe" + "ường".encode())
    (bad,) = problems(geo.load_workspace(sample), "bad_text")
    assert (bad.file, bad.column, bad.rows) == ("projects.geojson", "project_name", (1,))


def test_invalid_utf8_in_a_shapefile_names_the_file_column_and_feature(sample):
    import pyogrio

    table = pyogrio.read_dataframe(sample / "parcels.shp", read_geometry=False)
    first = (table["ma_xa"] == "06451") & (table["so_to"] == 1) & (table["so_thua"] == 1)
    feature = int(first.to_numpy().argmax()) + 1
    replace_bytes(sample / "parcels.dbf", b" 06451 1  1HNK", b" 06451 1  1\xff\xfeK")
    ws = geo.load_workspace(sample)
    (bad,) = problems(ws, "bad_text")
    assert (bad.file, bad.column, bad.rows) == ("parcels.shp", "loai_dat", (feature,))
    assert len(ws.parcels) == 3000


# --------------------------------------------------------------------------- the net


def test_a_failure_nobody_foresaw_becomes_a_problem_naming_the_file():
    report = Report()
    with _guard(report, "households.xlsx", ("kiểm tra các cột", "checking the columns")):
        raise RecursionError("maximum recursion depth exceeded")
    (problem,) = report.problems
    assert problem.is_error and problem.file == "households.xlsx"
    assert "RecursionError" in problem.message and "checking the columns" in problem.message
    assert "GEO_DEBUG=1" in problem.fix


def test_loading_goes_on_after_a_failure_in_one_step(sample):
    (sample / "workspace.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    ws = geo.load_workspace(sample)
    assert [p.code for p in ws.report.errors] == ["bad_config"]
    assert len(ws.households) == 800 and isinstance(ws.parcels, gpd.GeoDataFrame)


@pytest.mark.parametrize("layer", ["households", "grievances"])
def test_no_step_raises_on_an_empty_table_with_headers_only(sample, layer):
    path = next(sample.glob(f"{layer}.*"))
    if path.suffix == ".xlsx":
        path.unlink()
        pd.DataFrame(columns=["Mã hộ", "Mã dự án", "Số tờ", "Số thửa", "Bước"]).to_csv(
            sample / f"{layer}.csv", index=False
        )
    else:
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    ws = geo.load_workspace(sample)
    assert not problems(ws, "internal"), ws.report.render()


def test_an_empty_households_list_still_leaves_unplaced_grievances_named(sample):
    (sample / "households.xlsx").unlink()
    (sample / "households.csv").write_text("Mã hộ,Mã dự án,Số tờ,Số thửa,Bước\n", encoding="utf-8")
    ws = geo.load_workspace(sample)
    assert ws.report.has("unplaced_grievance", "grievances.csv")
    assert not ws.report.has("check_skipped"), ws.report.render()


# --------------------------------------------------------------------------- assembly, no folder


def _memory_layers() -> dict[str, pd.DataFrame]:
    """The default small workspace's layers as frames built in code, as a file would give them."""
    layers = default_layers()
    return {
        "hamlets": gpd.GeoDataFrame(pd.DataFrame(layers["hamlets"]), geometry="geometry", crs=CRS),
        "parcels": gpd.GeoDataFrame(pd.DataFrame(layers["parcels"]), geometry="geometry", crs=CRS),
        "projects": pd.DataFrame(layers["projects"]),
        "households": pd.DataFrame(layers["households"]),
    }


def test_assemble_builds_a_workspace_from_layers_held_in_memory():
    ws = assemble(MemorySource(_memory_layers(), name="Xã Thử").read())
    assert ws.report.problems == [], ws.report.render()
    assert (ws.source.kind, ws.name, ws.present) == (
        "memory",
        "Xã Thử",
        {"hamlets", "parcels", "projects", "households"},
    )
    assert ws.parcels["parcel_id"].tolist() == ["1-1", "1-2", "2-1", "2-2"]
    assert ws.parcels["hamlet_id"].tolist() == ["A", "A", "B", "B"]
    assert ws.households["hamlet_id"].tolist() == ["A", "A", "B"]
    assert ws.crs.equals(gpd.GeoSeries([], crs=CRS).crs)


def test_assemble_of_frames_in_memory_matches_loading_the_same_layers_from_a_folder(workspace):
    from_folder = geo.load_workspace(workspace)
    in_memory = assemble(MemorySource(_memory_layers()).read())
    for name in ("hamlets", "parcels", "households"):
        pd.testing.assert_frame_equal(
            pd.DataFrame(getattr(in_memory, name)), pd.DataFrame(getattr(from_folder, name)), check_dtype=False
        )


def test_assemble_changes_nothing_it_is_given():
    layers = _memory_layers()
    before = {name: frame.copy() for name, frame in layers.items()}
    raw = MemorySource(layers).read()
    assemble(raw)
    assemble(raw)
    for name, frame in layers.items():
        pd.testing.assert_frame_equal(frame, before[name])
    assert raw.report.problems == []


def test_an_absent_optional_layer_is_an_empty_frame_with_the_canonical_columns():
    ws = assemble(MemorySource(_memory_layers()).read())
    for name in ("stage_history", "grievances", "field_reports"):
        frame = getattr(ws, name)
        assert len(frame) == 0 and {c.name for c in LAYERS[name].columns} <= set(frame.columns), name


def test_assemble_accepts_layers_already_in_canonical_columns(workspace):
    ws = geo.load_workspace(workspace)
    canonical = {
        name: getattr(ws, name)[
            [c.name for c in LAYERS[name].columns if c.name in getattr(ws, name)]
            + ["row"]
            + (["geometry"] if name in ("hamlets", "parcels") else [])
        ]
        for name in ("hamlets", "parcels", "projects", "households")
    }
    canonical["parcels"] = canonical["parcels"].assign(area_m2=ws.parcels["area_declared_m2"])
    again = assemble(MemorySource(canonical, canonical=True).read())
    assert again.report.problems == [], again.report.render()
    for name in ("hamlets", "parcels", "households"):
        # a stored parcel id is the store's own: it is no longer "derived" from sheet and number
        pd.testing.assert_frame_equal(
            pd.DataFrame(getattr(again, name)).drop(columns="parcel_id_derived", errors="ignore"),
            pd.DataFrame(getattr(ws, name)).drop(columns="parcel_id_derived", errors="ignore"),
            check_dtype=False,
        )
