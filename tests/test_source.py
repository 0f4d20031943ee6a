"""Sources: a folder (and frames in memory) read into raw layers, before any assembly."""

from __future__ import annotations

import itertools
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import geo
from geo.source import FolderSource, MemorySource, SourceInfo, read_layer_file
from tests.conftest import CRS, default_layers


def test_folder_source_describes_the_files_it_read(workspace):
    source = FolderSource(workspace)
    source.read()
    info = source.describe()
    assert (info.kind, info.name, info.location, info.folder) == ("folder", "ws", str(workspace), workspace)
    assert dict(info.files) == {
        "hamlets": "hamlets.gpkg",
        "parcels": "parcels.gpkg",
        "households": "households.csv",
        "projects": "projects.csv",
    }


def test_folder_source_reads_layers_as_they_are_in_the_files(workspace):
    raw = FolderSource(workspace).read()
    assert raw.report.problems == []
    assert sorted(raw.layers) == ["hamlets", "households", "parcels", "projects"]
    assert {"so_to", "so_thua", "dien_tich"} <= set(raw.layers["parcels"].frame.columns)  # not yet canonical
    assert raw.source.files["households"] == "households.csv" and raw.present == set(raw.layers)


def test_a_missing_folder_is_one_problem_and_no_layers(tmp_path):
    raw = FolderSource(tmp_path / "nowhere").read()
    assert [p.code for p in raw.report.problems] == ["no_workspace"]
    assert raw.layers == {} and dict(raw.source.files) == {}


def test_memory_source_names_each_layer_after_itself():
    layers = default_layers()
    hamlets = gpd.GeoDataFrame(pd.DataFrame(layers["hamlets"]), geometry="geometry", crs=CRS)
    parcels = gpd.GeoDataFrame(pd.DataFrame(layers["parcels"]), geometry="geometry", crs=CRS)
    raw = MemorySource({"hamlets": hamlets, "parcels": parcels}, name="Xã Thử").read()
    assert raw.source == SourceInfo("memory", "Xã Thử", "memory", {"hamlets": "hamlets", "parcels": "parcels"})
    assert raw.report.problems == [] and raw.layers["parcels"].spatial


def test_memory_source_without_a_required_layer_says_so():
    raw = MemorySource({"hamlets": gpd.GeoDataFrame(geometry=[], crs=CRS)}).read()
    assert [(p.code, p.file) for p in raw.report.errors] == [("missing_layer", "parcels")]


# --- a store as a source (issue 15), on a GeoPackage and on a real PostGIS server ------------------------

_databases = itertools.count(1)


@pytest.fixture(params=["gpkg", "postgis"])
def store_target(request, tmp_path) -> str:
    """Where a new store goes: a GeoPackage path, or a new database on the session's PostGIS server."""
    if request.param == "gpkg":
        return str(tmp_path / "kho.gpkg")
    from postgis import create_database

    return create_database(request.getfixturevalue("postgis_url"), f"source_{next(_databases)}")


@pytest.fixture
def imported(workspace, store_target) -> str:
    """The default small workspace (with a workspace.toml) imported into a store."""
    from geo.store import import_folder

    (workspace / "workspace.toml").write_text('[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n', "utf-8")
    import_folder(store_target, workspace, user="Lan").close()
    return store_target


@pytest.mark.slow
def test_a_store_source_gives_canonical_layers_and_names_the_store_and_its_changeset(imported):
    from geo.store import StoreSource

    raw = StoreSource(imported).read()
    assert raw.report.problems == []
    assert all(layer.canonical for layer in raw.layers.values())
    assert raw.source.kind == "store" and raw.source.changeset == 1 and raw.source.folder is None
    assert raw.source.files["households"] == "households"


@pytest.mark.slow
def test_a_store_loads_as_the_same_workspace_as_its_folder(workspace, imported):
    from geo.store import conform

    folder, store = geo.load_workspace(workspace), geo.load_workspace(imported)
    assert store.report.ok and store.name == "Xã Thử" and str(store.default_as_of()) == "2026-11-20"
    for name in ("hamlets", "parcels", "households"):
        assert_frame_equal(conform(name, getattr(store, name)), conform(name, getattr(folder, name)))
    assert list(store.households["hamlet_id"]) == list(folder.households["hamlet_id"])


@pytest.mark.slow
def test_a_store_loads_as_it_was_right_after_an_earlier_changeset(tmp_path, imported):
    from geo.store import Store, upload_file

    week = pd.DataFrame(default_layers()["households"]).assign(stage="handed_over")
    week.to_csv(tmp_path / "households.csv", index=False)
    with Store.open(imported) as store:
        assert not upload_file(store, "households", tmp_path / "households.csv", user="Bình").refused
    now, then = geo.load_workspace(imported), geo.load_workspace(imported, at=1)
    assert set(now.households["stage"]) == {"handed_over"}
    assert list(then.households["stage"]) == ["handed_over", "paid", "surveyed"]
    assert (now.source.changeset, then.source.changeset) == (2, 1)


def test_a_store_that_does_not_exist_is_one_problem_not_an_exception(tmp_path):
    ws = geo.load_workspace(tmp_path / "khong_co.gpkg")
    assert [p.code for p in ws.report.errors] == ["no_store"] and ws.source.kind == "store"


def test_a_database_url_is_shown_without_its_password():
    from geo.store.source import display_location, display_name

    url = "postgresql://lan:secret@127.0.0.1:5432/hoson"
    assert "secret" not in display_location(url) and display_name(url) == "hoson"


def test_at_with_a_folder_is_an_error_saying_a_store_is_needed(workspace):
    ws = geo.load_workspace(workspace, at=2)
    assert [p.code for p in ws.report.errors] == ["not_a_store"]


# --- read_layer_file: one layer's file, read as a folder reads it ------------------------------------------


def test_an_office_workbook_reads_into_the_same_frame_as_in_its_folder(sample):
    folder = geo.load_workspace(sample)
    context = {n: getattr(folder, n) for n in folder.present if n != "households"}
    frame, report = read_layer_file("households", sample / "households.xlsx", folder.config, context)
    assert report.ok, report.render()
    assert_frame_equal(frame.drop(columns="row"), folder.households.drop(columns="row"))


def test_a_zipped_shapefile_of_parcels_reads_into_canonical_columns(tmp_path, workspace):
    parcels = gpd.read_file(workspace / "parcels.gpkg")
    shp = tmp_path / "shp"
    shp.mkdir()
    parcels.to_file(shp / "thua_dat.shp")
    with zipfile.ZipFile(tmp_path / "thua_dat.zip", "w") as zf:
        for part in shp.iterdir():
            zf.write(part, part.name)
    frame, report = read_layer_file("parcels", tmp_path / "thua_dat.zip")
    assert report.ok, report.render()
    assert list(frame["parcel_id"]) == ["1-1", "1-2", "2-1", "2-2"]
    assert frame.crs.name == "VN-2000 / TM-3 107-15" and list(frame["area_m2"])[:2] == [100.0, 200.5]


def test_a_file_with_an_unknown_value_is_an_error_naming_the_file_and_row(tmp_path):
    rows = default_layers()["households"]
    rows[1]["stage"] = "nonsense"
    pd.DataFrame(rows).to_csv(tmp_path / "ho.csv", index=False)
    _, report = read_layer_file("households", tmp_path / "ho.csv")
    (error,) = report.errors
    assert error.file == "ho.csv" and tuple(error.rows) == (3,)


def test_a_file_of_an_unknown_format_is_an_error(tmp_path):
    (tmp_path / "ho.docx").write_bytes(b"PK")
    frame, report = read_layer_file("households", tmp_path / "ho.docx")
    assert [p.code for p in report.errors] == ["unknown_format"] and len(frame) == 0
