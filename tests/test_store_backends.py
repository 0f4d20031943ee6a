"""The two stores give back the same frames: a PostGIS store's fast whole-layer read (COPY parsed by
Arrow, geometries as WKB) against the GeoPackage's, on a real PostGIS server (issue 15 point 8)."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import CRS, sq
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal
from shapely.geometry import MultiPolygon, Polygon

from geo.store import Store
from geo.store.engine import Backend

pytestmark = pytest.mark.slow

_databases = itertools.count(1)


def awkward_layers() -> dict[str, pd.DataFrame]:
    """Layers with what a text or typed read could get wrong: blanks and empty text, non-ASCII text,
    text with commas, quotes, newlines and words a CSV reader takes for blank, whole numbers and dates
    with blanks, extreme numbers, a multipolygon, a polygon with a hole, an empty and a missing geometry."""
    holed = Polygon(sq(0, 0, 300).exterior.coords, [list(sq(100, 100, 50).exterior.coords)])
    hamlets = gpd.GeoDataFrame(
        {"hamlet_id": ["A", "B", "C"], "hamlet_name": ["Thôn Đồng Tâm", "Bản Nà Pàn", ""], "officer": [None, "", "Lò"]},
        geometry=[MultiPolygon([sq(0, 0, 500), sq(600, 0, 300)]), holed, Polygon()],
        crs=CRS,
    )
    parcels = gpd.GeoDataFrame(
        {
            "map_sheet": ["1", "1", "2", "2", "3"],
            "parcel_no": ["1", "2", "1", "2", "1"],
            "parcel_id": [None, "", None, "X,9", None],
            "land_use": ["LUC", 'O"NT', "NA", "null", "Đất ở\nnông thôn"],
            "area_m2": [100.0, 0.1 + 0.2, None, 1e-300, 123456789.123456789],
            "hamlet_id": ["A", "A", "B", None, "C"],
        },
        geometry=[sq(10, 10), MultiPolygon([sq(200, 10), sq(400, 10)]), None, sq(1300, 10), sq(1500, 10)],
        crs=CRS,
    )
    projects = gpd.GeoDataFrame(
        {
            "project_id": ["P1", "P2"],
            "project_name": ["Đường tỉnh 217", "Khu tái định cư"],
            "handover_deadline": [pd.Timestamp("2026-12-31"), None],
            "level": ["tinh", None],
        },
        geometry=[None, sq(0, 0, 2000)],
        crs=CRS,
    )
    households = pd.DataFrame(
        {
            "household_id": ["H1", "H2", "H3"],
            "household_name": ["Nguyễn Văn An", "Hoàng Thị Dung", None],
            "project_id": ["P1", "P1", "P2"],
            "map_sheet": ["1", "1", "2"],
            "parcel_no": ["1", "2", "1"],
            "stage": ["handed_over", "paid", "surveyed"],
            "stage_date": pd.to_datetime(["1969-12-31", None, "2026-11-12"]),
            "compensation_vnd": [100_000_000.0, np.nan, -0.5],
            "agreement": ["yes", None, "unknown"],
        }
    )
    grievances = pd.DataFrame(
        {
            "grievance_id": ["G1", "G2"],
            "received_date": pd.to_datetime(["2026-10-05", "2026-11-01"]),
            "kind": ["complaint", "petition"],
            "topic": ["compensation_price", "area"],
            "signatories": [None, 12],
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
            "note": ["Hỏi về giá đất, “đền bù”; 'ý kiến'"],
        }
    )
    return {
        "hamlets": hamlets,
        "parcels": parcels,
        "projects": projects,
        "households": households,
        "stage_history": pd.DataFrame({"household_id": pd.Series([], dtype=object)}),  # an empty layer
        "grievances": grievances,
        "field_reports": field_reports,
    }


@pytest.fixture
def both(tmp_path, postgis_url):
    """The same layers in a GeoPackage store and a PostGIS store."""
    from postgis import create_database

    pg_url = create_database(postgis_url, f"backends_{next(_databases)}")
    stores = [Store.create(url, awkward_layers(), user="Lan") for url in (str(tmp_path / "s.gpkg"), pg_url)]
    yield stores
    for store in stores:
        store.close()


def assert_same_frames(gpkg: dict, postgis: dict) -> None:
    assert list(gpkg) == list(postgis)
    for name, expected in gpkg.items():
        got = postgis[name]
        assert type(got) is type(expected), name
        assert list(got.columns) == list(expected.columns), name
        assert list(got.dtypes) == list(expected.dtypes), name
        if isinstance(expected, gpd.GeoDataFrame):
            assert got.crs == expected.crs, name
            assert_geodataframe_equal(got, expected, check_less_precise=False, normalize=False)
            assert got.geometry.isna().tolist() == expected.geometry.isna().tolist(), name
            assert got.geometry.is_empty.tolist() == expected.geometry.is_empty.tolist(), name
        else:
            assert_frame_equal(got, expected, check_exact=True)


def test_a_postgis_store_gives_back_the_same_frames_as_a_geopackage(both):
    gpkg, postgis = both
    assert postgis.backend.name == "postgis"
    assert_same_frames(gpkg.layers(), postgis.layers())


def test_the_fast_postgis_read_gives_the_same_frames_as_the_generic_read(both, monkeypatch):
    _, postgis = both
    fast = postgis.layers()
    monkeypatch.setattr(type(postgis.backend), "read_rows", Backend.read_rows)
    fresh = Store.open(postgis.backend.url)
    try:
        assert_same_frames(fresh.layers(), fast)
    finally:
        fresh.close()


def test_text_that_looks_blank_or_spans_lines_comes_back_from_postgis_as_it_went_in(both):
    _, postgis = both
    parcels = postgis.layer("parcels")
    assert parcels["land_use"].tolist() == ["LUC", 'O"NT', "NA", "null", "Đất ở\nnông thôn"]
    assert parcels["parcel_id"].tolist() == [None, "", None, "X,9", None]
    assert postgis.layer("hamlets")["officer"].tolist() == [None, "", "Lò"]


def test_both_stores_give_the_same_frames_right_after_an_earlier_changeset(both):
    for store in both:
        households = store.layer("households").copy()
        households.loc[0, "stage"] = "paid"
        households.loc[1, "household_name"] = "Lường Văn Bình"
        store.upload("households", households, user="Bình")
        parcels = store.layer("parcels").copy()
        parcels.loc[1, "geometry"] = sq(900, 900)
        store.upload("parcels", parcels.iloc[1:], user="Cường")
    gpkg, postgis = both
    assert_same_frames(gpkg.layers(at=1), postgis.layers(at=1))
    assert_same_frames(gpkg.layers(at=2), postgis.layers(at=2))
    assert_same_frames(gpkg.layers(), postgis.layers())
    assert postgis.layer("households", at=1)["stage"].tolist() == ["handed_over", "paid", "surveyed"]


@pytest.fixture
def gpkg_store(tmp_path):
    store = Store.create(str(tmp_path / "s.gpkg"), awkward_layers(), user="Lan")
    yield store
    store.close()


def test_a_fast_read_of_a_geopackage_gives_the_same_frames_as_the_consistent_read(gpkg_store):
    consistent = gpkg_store.layers()
    fresh = Store.open(gpkg_store.backend.url)
    try:
        assert_same_frames(fresh.layers(fast_read=True), consistent)
    finally:
        fresh.close()


def test_a_fast_read_of_a_geopackage_reads_the_changes_of_a_commit(gpkg_store):
    households = gpkg_store.layer("households").copy()
    households.loc[2, "household_name"] = "Lường Văn Bình"
    Store.open(gpkg_store.backend.url).upload("households", households, user="Bình")
    got = gpkg_store.layers(fast_read=True)["households"]
    assert got["household_name"].tolist() == ["Nguyễn Văn An", "Hoàng Thị Dung", "Lường Văn Bình"]


def test_a_changeset_committed_during_a_fast_read_sends_it_back_to_one_transaction(gpkg_store, monkeypatch):
    """Another writer commits a household after the fast read read the households: the read is not
    kept (its layers could be of two states); the layers come from one consistent read, the commit's."""
    import geo.store.history as hist

    writer = Store.open(gpkg_store.backend.url)
    real = hist.read_detached

    def read_then_commit(backend, table, layer, crs):
        frame = real(backend, table, layer, crs)
        if layer == "field_reports":  # the last layer read
            households = writer.layer("households").copy()
            households.loc[0, "stage"] = "paid"
            writer.upload("households", households, user="Bình")
        return frame

    monkeypatch.setattr(hist, "read_detached", read_then_commit)
    try:
        got = gpkg_store.layers(fast_read=True)
        assert got["households"]["stage"].tolist() == ["paid", "paid", "surveyed"]
        monkeypatch.setattr(hist, "read_detached", real)
        assert_same_frames(got, Store.open(gpkg_store.backend.url).layers())
    finally:
        writer.close()


def test_a_fast_read_of_a_past_state_is_the_consistent_read(gpkg_store):
    households = gpkg_store.layer("households").copy()
    households.loc[0, "stage"] = "paid"
    gpkg_store.upload("households", households, user="Bình")
    assert gpkg_store.layers(1, fast_read=True)["households"]["stage"].tolist() == [
        "handed_over",
        "paid",
        "surveyed",
    ]
