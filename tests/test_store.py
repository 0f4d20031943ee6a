"""The store (issue 15): the same tests on a GeoPackage file and on a real PostGIS server."""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import pytest
import sqlalchemy as sa
from conftest import CRS, sq
from pandas.testing import assert_frame_equal

import geo
from geo.problems import Report
from geo.store import Edit, MergeConflict, StaleUpload, Store, StoreError, ValidationRefused, conform, row_keys
from geo.store import migrations as migrations_module
from geo.store.tables import SCHEMA_VERSION

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
_databases = itertools.count(1)


def small_layers() -> dict[str, pd.DataFrame]:
    """Two hamlets, four parcels, one project, four household rows, two grievances, a field report."""
    hamlets = gpd.GeoDataFrame(
        {"hamlet_id": ["A", "B"], "hamlet_name": ["Thôn Đồng Tâm", "Thôn Lân Hoài"], "officer": ["Lan", None]},
        geometry=[sq(0, 0, 1000), sq(1000, 0, 1000)],
        crs=CRS,
    )
    parcels = gpd.GeoDataFrame(
        {
            "map_sheet": ["1", "1", "2", "2"],
            "parcel_no": ["1", "2", "1", "2"],
            "parcel_id": [None, None, None, "X-9"],
            "land_use": ["LUC", "ONT", "CLN", "LUC"],
            "area_m2": [100.0, 200.5, None, 400.0],
            "hamlet_id": ["A", "A", "B", "B"],
        },
        geometry=[sq(10, 10), sq(200, 10), sq(1100, 10), sq(1300, 10)],
        crs=CRS,
    )
    projects = gpd.GeoDataFrame(
        {
            "project_id": ["P1"],
            "project_name": ["Đường tỉnh"],
            "handover_deadline": [pd.Timestamp("2026-12-31")],
            "level": ["tinh"],
        },
        geometry=[None],
        crs=CRS,
    )
    households = pd.DataFrame(
        {
            "household_id": ["H1", "H2", "H3", "H4"],
            "household_name": ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Hoàng Thị Dung"],
            "project_id": ["P1"] * 4,
            "map_sheet": ["1", "1", "2", "2"],
            "parcel_no": ["1", "2", "1", "2"],
            "stage": ["handed_over", "paid", "surveyed", "plan_approved"],
            "stage_date": pd.to_datetime(["2026-10-01", "2026-10-01", "2026-09-01", "2026-11-12"]),
            "compensation_vnd": [100_000_000.0, 200_000_000.0, None, 328_000_000.0],
            "agreement": ["yes", "yes", "no", "unknown"],
        }
    )
    grievances = pd.DataFrame(
        {
            "grievance_id": ["G1", "G2"],
            "received_date": pd.to_datetime(["2026-10-05", "2026-11-01"]),
            "kind": ["complaint", "petition"],
            "topic": ["compensation_price", "area"],
            "signatories": [1, 12],
            "status": ["in_progress", "received"],
            "household_id": ["H3", None],
            "lon": [107.2, None],
            "lat": [21.5, None],
        }
    )
    field_reports = pd.DataFrame(
        {
            "report_date": pd.to_datetime(["2026-11-02"]),
            "hamlet_id": ["B"],
            "reporter": ["Lan"],
            "mood": ["concerned"],
            "note": ["Hỏi về giá đất"],
        }
    )
    return {
        "hamlets": hamlets,
        "parcels": parcels,
        "projects": projects,
        "households": households,
        "grievances": grievances,
        "field_reports": field_reports,
    }


@pytest.fixture(params=["gpkg", "postgis"])
def url(request, tmp_path):
    """Where a new store goes: a GeoPackage path, or a new database on the session's PostGIS server."""
    if request.param == "gpkg":
        return str(tmp_path / "store.gpkg")
    from postgis import create_database

    return create_database(request.getfixturevalue("postgis_url"), f"store_{next(_databases)}")


@pytest.fixture
def store(url):
    s = Store.create(url, small_layers(), user="Lan", note="Nhập thư mục / import", source="ws")
    yield s
    s.close()


def by_key(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A layer's rows in row-key order, for comparing states."""
    keyed = frame.assign(_k=row_keys(name, frame).to_numpy())
    return keyed.sort_values("_k").drop(columns="_k").reset_index(drop=True)


def assert_layers_equal(got: dict, expected: dict, crs=CRS) -> None:
    assert set(got) == set(expected)
    for name, frame in expected.items():
        assert_frame_equal(by_key(name, got[name]), by_key(name, conform(name, frame, pyproj.CRS(crs))))


def week2(households: pd.DataFrame) -> pd.DataFrame:
    """This week's list: H3 moves on, H4 is paid (a new amount), H2 leaves the list, H5 arrives."""
    new = households.copy()
    new.loc[new.household_id == "H3", ["stage", "stage_date"]] = ["plan_approved", pd.Timestamp("2026-11-12")]
    new.loc[new.household_id == "H4", ["stage", "compensation_vnd"]] = ["paid", 330_000_000.0]
    new = new[new.household_id != "H2"]
    extra = pd.DataFrame(
        {"household_id": ["H5"], "project_id": ["P1"], "map_sheet": ["1"], "parcel_no": ["2"], "stage": ["notified"]}
    )
    return pd.concat([new, extra], ignore_index=True)


def content(store: Store) -> dict[str, list]:
    """Every row of every table of the store, for byte-for-byte comparisons of its content."""
    with store.backend.engine.connect() as conn:
        names = [n for n in sa.inspect(conn).get_table_names() if n != "spatial_ref_sys"]
        return {
            name: sorted((tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{name}"').all()), key=repr)
            for name in names
        }


# --- round trips ------------------------------------------------------------------------------------


def test_layers_come_back_from_the_store_as_they_went_in(store):
    assert_layers_equal(store.layers(), small_layers())


def test_the_store_gives_back_its_crs_exactly(store):
    layers = store.layers()
    assert layers["parcels"].crs == pyproj.CRS(CRS)
    target = store.backend.url if store.backend.name == "postgis" else store.backend.path
    with Store.open(target) as reopened:
        assert reopened.crs == pyproj.CRS(CRS)


def test_creating_a_store_is_its_first_changeset(store):
    (first,) = store.history()
    assert (first["id"], first["user"], first["kind"], first["source_name"]) == (1, "Lan", "import", "ws")
    assert first["layers"]["households"] == {"added": 4, "changed": 0, "removed": 0}
    assert first["at"].tzinfo is not None


def test_a_change_imported_from_elsewhere_keeps_the_time_it_was_made(store):
    from datetime import UTC, datetime, timedelta, timezone

    made = datetime(2026, 11, 13, 16, 5, tzinfo=timezone(timedelta(hours=7)))
    store.upload("households", week2(small_layers()["households"]), user="Bình", at=made)
    assert store.history()[-1]["at"] == made.astimezone(UTC) == datetime(2026, 11, 13, 9, 5, tzinfo=UTC)


def test_a_store_of_tables_only_has_no_crs_and_keeps_its_rows(url):
    households = small_layers()["households"]
    with Store.create(url, {"households": households}, user="Lan") as s:
        assert s.crs is None
        assert_layers_equal(s.layers(), {"households": households})


def test_rows_with_the_same_key_are_all_kept(store):
    reports = pd.concat([small_layers()["field_reports"]] * 2, ignore_index=True)
    reports.loc[1, "note"] = "Lần hai"
    store.upload("field_reports", reports, user="Bình")
    assert_layers_equal({"field_reports": store.layers()["field_reports"]}, {"field_reports": reports})
    assert [e["row_key"] for e in store.history("field_reports", "2026-11-02")] == ["2026-11-02|B", "2026-11-02|B#2"]


def test_a_store_is_not_created_over_another(store, url):
    with pytest.raises(StoreError):
        Store.create(url, small_layers(), user="Bình")


def test_the_sample_workspace_goes_into_the_store_and_back(url):
    ws = geo.load_workspace(ROOT / "data" / "hoson")
    layers = {
        n: getattr(ws, n)
        for n in ("hamlets", "parcels", "projects", "households", "stage_history", "grievances", "field_reports")
    }
    with Store.create(url, layers, user="Lan", source=ROOT / "data" / "hoson") as s:
        got = s.layers()
        for name, frame in layers.items():
            assert_frame_equal(got[name], conform(name, frame, ws.crs))
        assert got["parcels"].crs == ws.crs
        assert s.history()[0]["layers"]["stage_history"]["added"] == len(ws.stage_history)


def test_a_store_exported_as_a_folder_reads_back_as_the_same_workspace(url, tmp_path):
    ws = geo.load_workspace(ROOT / "data" / "hoson")
    layers = {n: getattr(ws, n) for n in ws.present}
    with Store.create(url, layers, user="Lan") as s:
        s.export(tmp_path / "out")
    again = geo.load_workspace(tmp_path / "out")
    assert again.report.ok, again.report.render()
    for name in layers:
        assert_frame_equal(conform(name, getattr(again, name), ws.crs), conform(name, layers[name], ws.crs))


def test_a_rollback_restores_the_summary_of_the_sample(url, tmp_path):
    ws = geo.load_workspace(ROOT / "data" / "hoson")
    as_of = ws.default_as_of()
    before = geo.hamlet_summary(ws, as_of=as_of)

    def summary_of(store: Store, name: str):
        folder = store.export(tmp_path / name)
        shutil.copy(ROOT / "data" / "hoson" / "workspace.toml", folder / "workspace.toml")
        return geo.hamlet_summary(geo.load_workspace(folder).require_ok(), as_of=as_of)

    with Store.create(url, {n: getattr(ws, n) for n in ws.present}, user="Lan") as s:
        week = s.layer("households").iloc[100:]  # this week's list lost 100 rows
        s.upload("households", week, user="Bình", note="Tuần 47")
        assert not summary_of(s, "uploaded").equals(before)
        s.rollback(1, user="Lan")
        assert_frame_equal(summary_of(s, "rolled_back"), before)


# --- uploads and diffs --------------------------------------------------------------------------------


def test_a_diff_shows_rows_added_removed_and_changed_with_old_and_new_values(store):
    d = store.diff("households", week2(small_layers()["households"]))
    assert d.counts == {"added": 1, "changed": 2, "removed": 1}
    assert list(d.removed["household_id"]) == ["H2"]
    assert list(d.added["household_id"]) == ["H5"]
    changes = {(r.row_key.split("|")[0], r.column): (r.old, r.new) for r in d.changed.itertuples()}
    assert changes[("H3", "stage")] == ("surveyed", "plan_approved")
    assert changes[("H4", "compensation_vnd")] == (328_000_000.0, 330_000_000.0)
    assert ("H1", "stage") not in changes


def test_a_diff_summarises_stage_moves_per_hamlet(store):
    d = store.diff("households", week2(small_layers()["households"]))
    keys = row_keys("households", conform("households", small_layers()["households"]))
    hamlet_of = dict(zip(keys, ["Thôn Đồng Tâm", "Thôn Đồng Tâm", "Thôn Lân Hoài", "Thôn Lân Hoài"]))
    assert d.by_hamlet(hamlet_of) == [
        "Thôn Lân Hoài: 1 hộ chuyển sang Chi trả tiền",
        "Thôn Lân Hoài: 1 hộ chuyển sang Phê duyệt phương án",
        "Chưa rõ thôn / unplaced: 1 dòng thêm / added",
        "Thôn Đồng Tâm: 1 dòng bỏ / removed",
    ]


def test_uploading_a_layer_the_import_did_not_have_adds_it_from_then_on(store):
    history = pd.DataFrame(
        {"household_id": ["H3"], "project_id": ["P1"], "stage": ["surveyed"], "date": pd.to_datetime(["2026-09-01"])}
    )
    store.upload("stage_history", history, user="Bình")
    assert "stage_history" not in store.layers(at=1)
    assert_layers_equal({"stage_history": store.layers()["stage_history"]}, {"stage_history": history})


def test_an_upload_is_one_changeset_with_its_counts_and_source(store, tmp_path):
    source = tmp_path / "households.xlsx"
    source.write_bytes(b"this week's list")
    commit = store.upload(
        "households", week2(small_layers()["households"]), user="Bình", note="Tuần 46", source=source, base=1
    )
    assert commit.changeset == 2
    last = store.history()[-1]
    assert (last["user"], last["kind"], last["note"], last["source_name"]) == (
        "Bình",
        "upload",
        "Tuần 46",
        "households.xlsx",
    )
    assert last["source_sha256"] == hashlib.sha256(b"this week's list").hexdigest()
    assert last["layers"] == {"households": {"added": 1, "changed": 2, "removed": 1}}
    now = store.layers()["households"]
    assert set(now["household_id"]) == {"H1", "H3", "H4", "H5"}


def test_a_dry_run_shows_the_diff_and_writes_nothing(store):
    before = content(store)
    commit = store.upload("households", week2(small_layers()["households"]), user="Bình", dry_run=True)
    assert commit.changeset is None and commit.diff.counts["changed"] == 2
    assert content(store) == before


def test_an_upload_with_validation_errors_is_refused_and_leaves_the_store_as_it_was(store):
    def validate(layers):
        report = Report()
        bad = layers["households"][layers["households"]["stage"] == "nonsense"]
        for hid in bad["household_id"]:
            report.error("unknown_stage", "households.xlsx", f"{hid}: bước không rõ / unknown stage", "Sửa bước")
        return report

    store.upload("households", week2(small_layers()["households"]), user="Bình", validate=validate)
    before = content(store)
    broken = week2(small_layers()["households"])
    broken.loc[0, "stage"] = "nonsense"
    broken.loc[1, "compensation_vnd"] = 1.0
    with pytest.raises(ValidationRefused) as refused:
        store.upload("households", broken, user="Cường", validate=validate)
    assert "H1" in str(refused.value)
    assert content(store) == before


def test_an_upload_with_only_warnings_goes_through(store):
    def validate(layers):
        report = Report()
        report.warning("stray_space", "households.xlsx", "khoảng trắng thừa / stray space", "Bỏ khoảng trắng")
        return report

    assert (
        store.upload("households", week2(small_layers()["households"]), user="Bình", validate=validate).changeset == 2
    )


def test_an_upload_from_an_older_state_is_refused_naming_who_changed_the_layer(store):
    store.upload("households", week2(small_layers()["households"]), user="Bình", base=1)
    mine = small_layers()["households"]
    mine.loc[mine.household_id == "H1", "agreement"] = "no"
    before = content(store)
    with pytest.raises(StaleUpload) as stale:
        store.upload("households", mine, user="Cường", base=1)
    assert "Bình" in str(stale.value) and stale.value.since[0]["id"] == 2
    assert content(store) == before


def test_an_upload_from_the_latest_state_is_not_stale(store):
    store.upload("households", week2(small_layers()["households"]), user="Bình", base=1)
    again = week2(small_layers()["households"])
    again.loc[0, "agreement"] = "no"
    assert store.upload("households", again, user="Cường", base=2).changeset == 3


def test_a_change_to_another_layer_does_not_make_an_upload_stale(store):
    reports = pd.concat([small_layers()["field_reports"]] * 2, ignore_index=True)
    store.upload("field_reports", reports, user="Bình", base=1)
    households = small_layers()["households"]
    households.loc[0, "agreement"] = "no"
    assert store.upload("households", households, user="Cường", base=1).changeset == 3


def test_a_merge_applies_the_rows_that_do_not_conflict(store):
    store.upload("households", week2(small_layers()["households"]), user="Bình", base=1)  # H2 out, H3/H4 change
    mine = small_layers()["households"]  # made from changeset 1: H1 now disagrees
    mine.loc[mine.household_id == "H1", "agreement"] = "no"
    commit = store.upload("households", mine, user="Cường", base=1, merge=True)
    assert commit.merged and commit.diff.counts == {"added": 0, "changed": 1, "removed": 0}
    now = store.layers()["households"].set_index("household_id")
    assert now.loc["H1", "agreement"] == "no"  # mine
    assert now.loc["H3", "stage"] == "plan_approved" and "H5" in now.index and "H2" not in now.index  # Bình's


def test_a_merge_is_refused_where_both_changed_the_same_row(store):
    store.upload("households", week2(small_layers()["households"]), user="Bình", base=1)
    mine = small_layers()["households"]
    mine.loc[mine.household_id == "H3", "agreement"] = "yes"  # Bình changed H3 too
    with pytest.raises(MergeConflict) as conflict:
        store.upload("households", mine, user="Cường", base=1, merge=True)
    assert [k.split("|")[0] for k in conflict.value.keys] == ["H3"] and "Bình" in str(conflict.value)


def test_an_edit_changes_adds_and_removes_single_records(store):
    h1 = small_layers()["households"].iloc[[0]].assign(agreement="no")
    h6 = pd.DataFrame({"household_id": ["H6"], "project_id": ["P1"], "parcel_id": ["X-9"], "stage": ["notified"]})
    commit = store.edit("households", pd.concat([h1, h6]), user="Bình", note="Sửa tại xã", remove=["H2"])
    assert commit.diff.counts == {"added": 1, "changed": 1, "removed": 1}
    now = store.layers()["households"].set_index("household_id")
    assert now.loc["H1", "agreement"] == "no" and "H6" in now.index and "H2" not in now.index
    assert now.loc["H3", "stage"] == "surveyed"  # untouched
    assert store.history()[-1]["kind"] == "edit"


def test_an_edit_from_an_older_state_is_refused_only_where_its_row_changed_since(store):
    store.upload("households", week2(small_layers()["households"]), user="Bình", base=1)  # H3 changed
    h1 = small_layers()["households"].iloc[[0]].assign(agreement="no")
    assert store.edit("households", h1, user="Cường", base=1).changeset == 3
    h3 = small_layers()["households"].iloc[[2]].assign(agreement="yes")
    with pytest.raises(MergeConflict) as conflict:
        store.edit("households", h3, user="Cường", base=1)
    assert "Bình" in str(conflict.value)


def test_an_edit_of_several_layers_is_one_changeset(store):
    step = pd.DataFrame(
        {"household_id": ["H3"], "project_id": ["P1"], "stage": ["plan_drafted"], "date": ["2026-11-20"]}
    )
    h3 = small_layers()["households"].iloc[[2]].assign(stage="plan_drafted", stage_date=pd.Timestamp("2026-11-20"))
    edits = {"stage_history": Edit(step), "households": Edit(h3)}
    commit = store.edit_layers(edits, user="Bình", note="Bước của hộ H3")
    assert set(commit.diffs) == {"stage_history", "households"}
    assert [c["id"] for c in store.history()].count(commit.changeset) == 1
    now = store.layers()
    assert now["households"].set_index("household_id").loc["H3", "stage"] == "plan_drafted"
    assert now["stage_history"]["stage"].tolist() == ["plan_drafted"]


def test_a_refused_edit_of_several_layers_leaves_every_layer_as_it_was(store):
    before = store.head()
    step = pd.DataFrame({"household_id": ["H3"], "project_id": ["P1"], "stage": ["paid"], "date": ["2026-11-20"]})
    h3 = small_layers()["households"].iloc[[2]].assign(stage="paid")
    with pytest.raises(ValidationRefused):
        store.edit_layers(
            {"stage_history": Edit(step), "households": Edit(h3)}, user="Bình", validate=lambda layers: ["không / no"]
        )
    assert store.head() == before and "stage_history" not in store.layers()
    assert store.layers()["households"].set_index("household_id").loc["H3", "stage"] == "surveyed"


# --- history, states and rollback --------------------------------------------------------------------------


def test_the_state_after_any_changeset_can_be_read(store):
    first = small_layers()
    second = week2(first["households"])
    store.upload("households", second, user="Bình")
    third = second.copy()
    third["stage"] = "handed_over"
    moved = first["parcels"].copy()
    moved.loc[0, "geometry"] = sq(20, 20)
    store.upload("households", third, user="Bình")
    store.upload("parcels", moved, user="Cường")
    assert_layers_equal(store.layers(at=1), first)
    assert_layers_equal({"households": store.layers(at=2)["households"]}, {"households": second})
    assert_layers_equal({"households": store.layers(at=3)["households"]}, {"households": third})
    assert_layers_equal({"parcels": store.layers(at=3)["parcels"]}, {"parcels": first["parcels"]})
    assert_layers_equal({"parcels": store.layers()["parcels"]}, {"parcels": moved})


def test_reading_a_changeset_that_does_not_exist_is_refused(store):
    with pytest.raises(StoreError):
        store.layers(at=9)


def test_a_rollback_restores_the_earlier_state_and_is_in_the_history(store):
    store.upload("households", week2(small_layers()["households"]), user="Bình")
    commit = store.rollback(1, user="Lan", note="Nhầm danh sách / wrong list")
    assert_layers_equal(store.layers(), small_layers())
    last = store.history()[-1]
    assert (last["id"], last["kind"], last["restores"], last["user"]) == (commit.changeset, "rollback", 1, "Lan")
    assert last["layers"]["households"] == {"added": 1, "changed": 2, "removed": 1}


def test_a_rollback_can_itself_be_undone(store):
    uploaded = week2(small_layers()["households"])
    store.upload("households", uploaded, user="Bình")
    store.rollback(1, user="Lan")
    store.rollback(2, user="Lan", note="Hoàn tác / undo the rollback")
    assert_layers_equal({"households": store.layers()["households"]}, {"households": uploaded})
    assert [c["kind"] for c in store.history()] == ["import", "upload", "rollback", "rollback"]


def test_a_rollback_brings_back_a_changed_geometry(store):
    moved = small_layers()["parcels"]
    moved.loc[1, "geometry"] = sq(250, 50)
    store.upload("parcels", moved, user="Bình")
    store.rollback(1, user="Lan")
    assert_layers_equal({"parcels": store.layers()["parcels"]}, {"parcels": small_layers()["parcels"]})


def test_one_records_history_lists_its_changes_with_old_and_new_values(store):
    store.upload("households", week2(small_layers()["households"]), user="Bình", note="Tuần 46")
    events = store.history(layer="households", record="H3")
    assert [(e["changeset"], e["op"]) for e in events] == [(1, "add"), (2, "change")]
    assert events[0]["new"]["stage"] == "surveyed" and events[0]["new"]["household_name"] == "Lê Văn Cường"
    change = events[1]
    assert change["old"] == {"stage": "surveyed", "stage_date": "2026-09-01"}
    assert change["new"] == {"stage": "plan_approved", "stage_date": "2026-11-12"}
    assert (change["user"], change["note"]) == ("Bình", "Tuần 46")


def test_a_layers_history_lists_only_the_changesets_that_changed_it(store):
    store.upload("households", week2(small_layers()["households"]), user="Bình")
    assert [c["id"] for c in store.history(layer="households")] == [1, 2]
    assert [c["id"] for c in store.history(layer="parcels")] == [1]


# --- storage -----------------------------------------------------------------------------------------


def test_gdal_lists_every_layer_of_the_geopackage_with_its_crs(tmp_path):
    path = tmp_path / "store.gpkg"
    Store.create(path, small_layers(), user="Lan").close()
    listed = dict(pyogrio.list_layers(path))
    assert {"hamlets", "parcels", "projects", "households", "grievances", "changesets", "changes"} <= set(listed)
    assert pyproj.CRS(pyogrio.read_info(path, layer="parcels")["crs"]).to_epsg() == 9215
    parcels = gpd.read_file(path, layer="parcels")
    assert list(parcels.sort_values("row_key")["land_use"]) == ["LUC", "ONT", "CLN", "LUC"]
    assert parcels.geometry.area.round().tolist() == [10_000.0] * 4
    households = pyogrio.read_dataframe(path, layer="households")
    assert "household_name" in households.columns and len(households) == 4


def test_a_backup_is_a_consistent_copy_that_opens_as_a_store(store, tmp_path):
    store.upload("households", week2(small_layers()["households"]), user="Bình")
    if store.backend.name == "gpkg":
        copy = store.backup(tmp_path / "copy.gpkg")
        with Store.open(copy) as restored:
            assert content(restored) == content(store)
        return
    from postgis import _bin, create_database

    dump = store.backup(tmp_path / "copy.pgdump")
    target = create_database(
        store.backend.url.replace("postgresql+psycopg://", "postgresql://"),
        f"restored_{next(_databases)}",
        postgis=False,
    )
    subprocess.run([_bin("pg_restore"), "--no-owner", "-d", target, str(dump)], check=True, capture_output=True)
    with Store.open(target) as restored:
        assert_layers_equal(restored.layers(), store.layers(), crs=store.crs)
        assert [c["id"] for c in restored.history()] == [1, 2]


def test_an_older_store_is_upgraded_in_place_after_a_backup(store, tmp_path, monkeypatch):
    def add_column(ops, conn):
        ops.add_column("changesets", sa.Column("office", sa.Text))

    following = SCHEMA_VERSION + 1
    monkeypatch.setitem(migrations_module.MIGRATIONS, following, add_column)
    target = store.backend.url if store.backend.name == "postgis" else store.backend.path
    store.close()
    upgraded = Store.open(target, upgrade_to=following, backup_dir=tmp_path)
    assert upgraded.backup_taken is not None and upgraded.backup_taken.stat().st_size > 0
    with upgraded.backend.engine.connect() as conn:
        assert "office" in [c["name"] for c in sa.inspect(conn).get_columns("changesets")]
        assert migrations_module.store_version(conn, upgraded.tables["store_version"]) == following
    assert_layers_equal(upgraded.layers(), small_layers())
    upgraded.close()


def test_a_store_of_version_1_gains_the_settings_table_when_opened(store, tmp_path):
    target = store.backend.url if store.backend.name == "postgis" else store.backend.path
    with store.backend.engine.begin() as conn:  # the store as version 1 made it: no store_config
        conn.exec_driver_sql("DROP TABLE store_config")
        conn.exec_driver_sql("DELETE FROM store_version")
        conn.execute(store.tables["store_version"].insert().values(version=1, at=pd.Timestamp.now(tz="UTC")))
    store.close()
    with Store.open(target, backup_dir=tmp_path) as upgraded:
        assert upgraded.backup_taken is not None
        assert upgraded.config() is None
        upgraded.set_config('[workspace]\nname = "Xã Thử"\n', user="Lan")
        assert "Xã Thử" in upgraded.config()
        assert_layers_equal(upgraded.layers(), small_layers())


def test_the_settings_are_kept_per_changeset_and_a_rollback_brings_them_back(store):
    assert store.config() is None
    first = store.set_config('[workspace]\nname = "Xã Một"\n', user="Lan")
    store.set_config('[workspace]\nname = "Xã Hai"\n', user="Bình", note="Đổi tên")
    assert "Xã Hai" in store.config() and "Xã Một" in store.config(at=first) and store.config(at=1) is None
    store.rollback(first, user="Lan")
    assert "Xã Một" in store.config()
    assert [c["kind"] for c in store.history()] == ["import", "config", "config", "rollback"]


KILLED_UPLOAD = textwrap.dedent("""
    import sys, time
    import pandas as pd
    import sqlalchemy as sa
    from geo.store import Store
    store = Store.open(sys.argv[1])
    rows = int(sys.argv[2])
    big = pd.DataFrame({"household_id": [f"H{i}" for i in range(rows)], "project_id": "P1",
                        "parcel_id": [f"1-{i}" for i in range(rows)], "stage": "surveyed",
                        "household_name": "Nguyễn Văn " + pd.Series(range(rows)).astype(str)})

    @sa.event.listens_for(store.backend.engine, "before_cursor_execute")
    def midway(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO CHANGES"):
            print("MIDWAY", flush=True)  # the layer's rows are written, the transaction is open
            time.sleep(60)

    store.upload("households", big, user="Bình", note="large upload")
""")


def test_a_process_killed_in_the_middle_of_an_upload_leaves_no_trace(store, tmp_path):
    before = content(store)
    target = (
        store.backend.url.replace("postgresql+psycopg://", "postgresql://")
        if store.backend.name == "postgis"
        else str(store.backend.path)
    )
    script = tmp_path / "upload.py"
    script.write_text(KILLED_UPLOAD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [sys.executable, str(script), target, "20000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        try:
            line = proc.stdout.readline()
            assert line.strip() == "MIDWAY", proc.stderr.read()
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Store.open(target) as reopened:
        assert content(reopened) == before
        assert reopened.upload("households", week2(small_layers()["households"]), user="Cường").changeset == 2
