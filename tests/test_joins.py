"""geo.joins: parcel keys, parcel → hamlet, household row → parcel, grievance → hamlet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point, box

import geo
from geo.joins import households_to_parcels, parcel_key, parcels_to_hamlets, place_grievances
from geo.problems import Report
from tests.conftest import CRS, sq

AS_OF = "2026-11-20"


def summary(path: Path, **kw: Any) -> pd.DataFrame:
    ws = geo.load_workspace(path)
    assert ws.report.ok, ws.report.render()
    return geo.hamlet_summary(ws, as_of=kw.pop("as_of", AS_OF), **kw).set_index("hamlet_id")


def hh(
    hid: str, sheet: str, no: str, stage: str, date: str | None = None, project: str = "P1", **extra: Any
) -> dict[str, Any]:
    row = {"household_id": hid, "project_id": project, "map_sheet": sheet, "parcel_no": no, "stage": stage}
    if date:
        row["stage_date"] = date
    row.update(extra)
    return row


def problems(ws: geo.Workspace, code: str) -> list[geo.Problem]:
    return [p for p in ws.report.problems if p.code == code]


def hamlets() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"hamlet_id": ["A", "B"]}, geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs=CRS)


# --------------------------------------------------------------------------- parcel keys


def test_a_parcel_key_is_sheet_dash_number_read_without_leading_zeros():
    assert parcel_key(pd.Series(["08", "8"]), pd.Series(["012", "12"]), None).tolist() == ["8-12", "8-12"]


def test_a_commune_code_prefixes_the_parcel_key_where_given():
    keys = parcel_key(pd.Series(["8", "8"]), pd.Series(["12", "12"]), pd.Series(["06190", ""]))
    assert keys.tolist() == ["06190-8-12", "8-12"]


def test_a_parcel_key_is_missing_where_the_sheet_or_number_is():
    keys = parcel_key(pd.Series(["8", None]), pd.Series([None, "12"]), None)
    assert keys.isna().tolist() == [True, True]


# --------------------------------------------------------------------------- parcel → hamlet


def test_a_parcel_straddling_two_hamlets_goes_to_the_one_holding_its_representative_point():
    parcels = gpd.GeoDataFrame(geometry=[box(8, 1, 18, 3), box(30, 30, 31, 31)], crs=CRS)
    assert parcels_to_hamlets(parcels, hamlets()).tolist()[0] == "B"


def test_a_parcel_outside_every_hamlet_has_none():
    parcels = gpd.GeoDataFrame(geometry=[box(30, 30, 31, 31)], crs=CRS)
    assert parcels_to_hamlets(parcels, hamlets()).isna().tolist() == [True]


def test_where_hamlets_overlap_the_first_in_the_layer_wins():
    overlapping = gpd.GeoDataFrame({"hamlet_id": ["B", "A"]}, geometry=[box(0, 0, 10, 10)] * 2, crs=CRS)
    parcels = gpd.GeoDataFrame(geometry=[box(1, 1, 2, 2)], crs=CRS)
    assert parcels_to_hamlets(parcels, overlapping).tolist() == ["B"]


# --------------------------------------------------------------------------- household row → parcel


def _parcels() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["1-1", "1-2"],
            "map_sheet": ["1", "1"],
            "parcel_no": ["1", "2"],
            "commune_code": [None, None],
            "hamlet_id": ["A", "B"],
            "area_m2": [100.0, 200.0],
        }
    )


def _rows(*keys: tuple[str | None, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household_id": [f"H{i}" for i in range(len(keys))],
            "parcel_id": [None] * len(keys),
            "map_sheet": [k[0] for k in keys],
            "parcel_no": [k[1] for k in keys],
            "commune_code": [None] * len(keys),
        }
    )


def test_a_household_row_takes_its_parcels_id_hamlet_and_area():
    out = households_to_parcels(_rows(("01", "2")), _parcels(), "households.csv", Report())
    assert out[["parcel_id", "hamlet_id", "parcel_area_m2"]].values.tolist() == [["1-2", "B", 200.0]]


def test_rows_on_parcels_not_in_the_layer_stay_unplaced_with_one_warning_naming_the_rows():
    report = Report()
    out = households_to_parcels(_rows(("1", "1"), ("9", "9"), ("9", "8")), _parcels(), "households.csv", report)
    assert out["hamlet_id"].isna().tolist() == [False, True, True]
    (warning,) = report.warnings
    assert warning.code == "unknown_parcel" and tuple(warning.rows) == (3, 4) and "9-9" in warning.message


def test_a_row_naming_no_parcel_is_an_error_naming_the_row():
    report = Report()
    households_to_parcels(_rows(("1", "1"), (None, None)), _parcels(), "households.csv", report)
    (error,) = report.errors
    assert error.code == "missing_parcel_ref" and tuple(error.rows) == (3,)


def test_a_key_without_commune_code_matches_where_sheet_and_number_are_unique():
    parcels = _parcels().assign(parcel_id=["06190-1-1", "06187-1-2"], commune_code=["06190", "06187"])
    out = households_to_parcels(_rows(("1", "2")), parcels, "households.csv", Report())
    assert out["parcel_id"].tolist() == ["06187-1-2"]


# --------------------------------------------------------------------------- grievance → hamlet


def test_a_grievance_is_placed_by_its_own_hamlet_then_its_household_then_its_point():
    grievances = pd.DataFrame({"hamlet_id": ["A", None, None, None], "household_id": ["H1", "H1", None, None]})
    households = pd.DataFrame({"household_id": ["H1"], "hamlet_id": ["B"]})
    points = gpd.GeoSeries([Point(15, 5), Point(15, 5), Point(5, 5), None], crs=CRS)
    placed = place_grievances(grievances, households, hamlets(), points)
    assert placed.tolist()[:3] == ["A", "B", "A"] and pd.isna(placed.iloc[3])


def test_a_grievance_naming_an_unknown_hamlet_is_placed_by_the_next_evidence():
    grievances = pd.DataFrame({"hamlet_id": ["Z"], "household_id": ["H1"]})
    households = pd.DataFrame({"household_id": ["H1"], "hamlet_id": ["B"]})
    assert place_grievances(grievances, households, hamlets(), None).tolist() == ["B"]


# --------------------------------------------------------------------------- through a workspace


def test_parcel_belongs_to_the_hamlet_containing_its_representative_point(build):
    # a parcel straddling the border, mostly in B
    parcels = [{"so_to": "1", "so_thua": "1", "geometry": sq(950, 10, 300)}]
    s = summary(build(parcels=parcels, households=[hh("H1", "1", "1", "paid")]))
    assert s.loc["B", "parcels_affected"] == 1 and s.loc["A", "parcels_affected"] == 0


def test_parcel_row_naming_a_hamlet_wins_over_location(build):
    parcels = [{"so_to": "1", "so_thua": "1", "ma_thon": "B", "geometry": sq(10, 10)}]
    s = summary(build(parcels=parcels, households=[hh("H1", "1", "1", "paid")]))
    assert s.loc["B", "households"] == 1


def test_grievance_is_placed_by_household_then_by_point(build):
    import geopandas as gpd
    from shapely.geometry import Point

    pt = gpd.GeoSeries([Point(440_000 + 1500, 2_378_000 + 500)], crs="EPSG:9215").to_crs(4326)[0]
    g = [
        {"grievance_id": "G1", "received_date": "01/11/2026", "household_id": "H3"},  # H3's parcel is in B
        {"grievance_id": "G2", "received_date": "01/11/2026", "lon": pt.x, "lat": pt.y},
        {"grievance_id": "G3", "received_date": "01/11/2026"},
    ]  # unplaced
    path = build(grievances=g)
    ws = geo.load_workspace(path)
    assert "unplaced_grievance" in ws.report.codes()
    assert geo.hamlet_summary(ws, as_of=AS_OF).set_index("hamlet_id").loc["B", "grievances_open"] == 2


def test_household_rows_on_unknown_parcels_count_in_no_hamlet(build):
    s = summary(build(households=[hh("H1", "1", "1", "paid"), hh("H2", "9", "9", "paid")]))
    assert s["households"].sum() == 1


def test_sheet_and_parcel_numbers_with_leading_zeros_match(build):
    households = [{"household_id": "H1", "project_id": "P1", "map_sheet": "01", "parcel_no": "001", "stage": "paid"}]
    ws = geo.load_workspace(build(households=households))
    assert ws.households["parcel_id"].tolist() == ["1-1"]
    assert "unknown_parcel" not in ws.report.codes()


def test_households_are_still_matched_to_parcels_without_prj(sample):
    with_prj = [p.rows for p in problems(geo.load_workspace(sample), "unknown_parcel")]
    (sample / "parcels.prj").unlink()
    ws = geo.load_workspace(sample)
    unknown = problems(ws, "unknown_parcel")
    assert [p.rows for p in unknown] == with_prj and len(with_prj[0]) == 3
