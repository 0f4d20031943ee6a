"""What a click on the map picks (geo/maps/pick.py): the parcel at a point, and its households on demand."""

from __future__ import annotations

import pytest
from pyproj import Transformer

import geo
from geo.access import Access, restrict
from geo.maps import HOUSEHOLD_COLUMNS, OUTSIDE_HAMLETS, parcel_at, parcel_households
from tests.conftest import CRS, X0, Y0


def _latlon(x: float, y: float) -> tuple[float, float]:
    """WGS 84 latitude and longitude of (x, y) metres from the test origin (where a user would click)."""
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(X0 + x, Y0 + y)
    return lat, lon


@pytest.fixture
def ws(workspace):
    return geo.load_workspace(workspace)


def _slice(ws):
    return geo.analyse(ws, geo.Selection.make(as_of="2026-11-20")).slice


def test_a_point_inside_a_parcel_picks_that_parcel(ws):
    parcels = _slice(ws).parcels
    assert parcel_at(parcels, *_latlon(60, 60)) == "1-1"  # sq(10, 10): 10 … 110 m
    assert parcel_at(parcels, *_latlon(1350, 50)) == "2-2"  # sq(1300, 10)


def test_a_point_outside_every_parcel_picks_none(ws):
    parcels = _slice(ws).parcels
    assert parcel_at(parcels, *_latlon(150, 60)) is None  # between 1-1 (to 110 m) and 1-2 (from 200 m)
    assert parcel_at(parcels, *_latlon(60, 500)) is None
    assert parcel_at(parcels, float("nan"), 106.4) is None


def test_a_click_just_beside_a_parcels_edge_still_picks_it(ws):
    """The map's shapes are simplified by 0.75 m: a click on a drawn edge may fall just outside the true one."""
    parcels = _slice(ws).parcels
    assert parcel_at(parcels, *_latlon(110.5, 60)) == "1-1"
    assert parcel_at(parcels, *_latlon(110.5, 60), tolerance_m=0) is None


def test_only_the_given_parcels_are_picked(ws):
    sl = geo.analyse(ws, geo.Selection.make(as_of="2026-11-20", hamlets=["B"])).slice
    assert parcel_at(sl.parcels, *_latlon(60, 60)) is None  # 1-1 is in hamlet A, not drawn
    assert parcel_at(sl.parcels, *_latlon(1350, 50)) == "2-2"


def test_a_parcels_households_are_listed_in_vietnamese_notation(ws):
    table = parcel_households(ws, _slice(ws), "1-2")
    assert list(table.columns) == list(HOUSEHOLD_COLUMNS)
    assert table.to_dict("records") == [
        {
            "Chủ hộ": "Trần Thị Bình",
            "Mã hộ": "H2",
            "Dự án": "Đường tỉnh",
            "Bước": geo.STAGES.label("paid"),
            "Ngày": "01/10/2026",
            "DT thu hồi (m²)": "200,5",
            "Tiền bồi thường (đồng)": "200.000.000",
            "Ý kiến": "Đồng thuận",
        }
    ]


def test_a_parcel_without_households_gives_an_empty_table(ws):
    table = parcel_households(ws, _slice(ws), "2-2")
    assert table.empty and list(table.columns) == list(HOUSEHOLD_COLUMNS)


def test_a_household_outside_the_officers_hamlets_shows_no_name_id_amount_or_opinion(ws):
    officer = restrict(ws, Access("officer", ["B"]))
    row = parcel_households(officer, _slice(officer), "1-2").iloc[0]
    assert row["Chủ hộ"] == OUTSIDE_HAMLETS
    assert row["Mã hộ"] == "" and row["Tiền bồi thường (đồng)"] == "" and row["Ý kiến"] == ""
    assert row["Bước"] == geo.STAGES.label("paid")  # what the map shows anyway
    own = parcel_households(officer, _slice(officer), "2-1").iloc[0]
    assert own["Chủ hộ"] == "Lê Văn Cường" and own["Mã hộ"] == "H3"
