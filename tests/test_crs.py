"""Tests for geo.crs: VN-2000 zones, the official datum shift, parsing and resolution.

Control values
--------------
* The Đan Phượng point (569100, 2333800) in EPSG:5897 (VN-2000 / TM-3
  105°00'), the point the realdata README measured. Its WGS 84 position
  below was computed with PROJ 9.5.1's EPSG:6960 "VN-2000 to WGS 84 (2)"
  (the Decision 05/2007/QĐ-BTNMT parameters in the EPSG dataset) and is
  reproduced independently by the numpy Bursa-Wolf computation in this file.
  The shift from "no shift" there is 224 m (README: about 220 m).
* A point near Hồ Sơn, Lạng Sơn, in EPSG:9215 (VN-2000 / TM-3 107°15').
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from pyproj.crs import CoordinateOperation
from pyproj.database import query_crs_info
from pyproj.enums import PJType

from geo.crs import (
    VN2000_TOWGS84,
    VN2000_ZONES,
    CRSResolution,
    describe_crs,
    is_vn2000,
    metric_crs,
    parse_crs,
    resolve_crs,
    to_wgs84_transformer,
    vn2000_tm3,
    zone_for_province,
)

GEOD = pyproj.Geod(ellps="WGS84")

DAN_PHUONG_5897 = (569100.0, 2333800.0)
# WGS 84 lon/lat of DAN_PHUONG_5897 by EPSG:6960 (PROJ 9.5.1).
DAN_PHUONG_WGS84 = (105.6669851039, 21.0966715356)
HO_SON_9215 = (410531.53, 2378052.15)

ESRI_WKT_9215 = (
    'PROJCS["VN-2000_TM-3_107-15",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",107.25],PARAMETER["Scale_Factor",0.9999],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
ESRI_WKT_5897 = (
    'PROJCS["VN_2000_TM-3_zone_482",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9999],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
WGS84_TM3_107_15_PRJ = ESRI_WKT_9215.replace("GCS_VN_2000", "GCS_WGS_1984").replace(
    "D_Vietnam_2000", "D_WGS_1984"
)
PROJ_9215_NO_DATUM = "+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs"
NO_SHIFT_9215 = PROJ_9215_NO_DATUM + " +towgs84=0,0,0,0,0,0,0"


def central_meridian(crs: pyproj.CRS) -> float:
    source = crs.source_crs if crs.is_bound else crs
    params = {p.name: p.value for p in source.coordinate_operation.params}
    return params["Longitude of natural origin"]


def to_lonlat(crs: pyproj.CRS, xy: tuple[float, float]) -> tuple[float, float]:
    return to_wgs84_transformer(crs).transform(*xy)


def metres_apart(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


# --------------------------------------------------------------------------
# The zone table
# --------------------------------------------------------------------------


def test_the_zone_table_lists_63_distinct_provinces() -> None:
    names = [z.province for z in VN2000_ZONES]
    assert len(names) == 63
    assert len(set(names)) == 63


def test_every_province_zone_has_the_epsg_tm3_crs_of_its_meridian() -> None:
    for zone in VN2000_ZONES:
        epsg = pyproj.CRS.from_epsg(zone.epsg)
        params = {p.name: p.value for p in epsg.coordinate_operation.params}
        assert epsg.name.startswith("VN-2000 / TM-3"), zone
        assert params["Longitude of natural origin"] == pytest.approx(zone.central_meridian), zone
        assert params["Scale factor at natural origin"] == 0.9999
        assert params["False easting"] == 500000


def _epsg_area_provinces() -> dict[int, set[str]]:
    """Province names in the areas of use of EPSG's VN-2000 TM-3 CRSs."""
    found: dict[int, set[str]] = {}
    for info in query_crs_info(auth_name="EPSG", pj_types=PJType.PROJECTED_CRS):
        if not info.name.startswith("VN-2000 / TM-3") or "onshore" in info.area_of_use.name:
            continue
        text = info.area_of_use.name.removeprefix("Vietnam - ").rstrip(".")
        for part in re.split(r",|;| and ", text):
            name = re.sub(r"\s+(provinces?|city|cities|municipality)$", "", part.strip())
            found.setdefault(int(info.code), set()).add(name)
    return found


def test_every_province_is_named_in_the_epsg_area_of_use_of_its_zone() -> None:
    named = _epsg_area_provinces()
    for code, names in named.items():
        for name in names:
            assert zone_for_province(name).epsg == code, (code, name)
    covered = {zone_for_province(n).province for names in named.values() for n in names}
    assert covered == {z.province for z in VN2000_ZONES}


def test_lang_son_is_on_107_15_and_ha_noi_on_105_00() -> None:
    assert zone_for_province("Lạng Sơn").central_meridian == 107.25
    assert zone_for_province("Lạng Sơn").epsg == 9215
    assert zone_for_province("Hà Nội").central_meridian == 105.0
    assert zone_for_province("Hà Nội").epsg == 5897
    assert zone_for_province("Lạng Sơn").zone_name == "VN-2000 / TM-3 107-15"


# --------------------------------------------------------------------------
# Parsing names
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "meridian"),
    [
        ("VN-2000 / Lang Son", 107.25),
        ("VN-2000 / Lạng Sơn", 107.25),
        ("VN2000 Lạng Sơn", 107.25),
        ("vn-2000/lang son", 107.25),
        ("VN_2000_LANG_SON", 107.25),
        ("VN-2000 TM-3 Lạng Sơn", 107.25),
        ("VN-2000 / Lạng Sơn (TM-3)", 107.25),
        ("VN-2000 3 độ Lạng Sơn", 107.25),
        ("VN-2000 múi chiếu 3° tỉnh Lạng Sơn", 107.25),
        ("VN-2000 / TM-3 107-15", 107.25),
        ("VN-2000 TM-3 107°15'", 107.25),
        ("VN-2000 / TM-3 107.25", 107.25),
        ("Lạng Sơn", 107.25),
        ("VN-2000 / Đắk Lắk", 108.5),
        ("VN-2000 / Dak Lak", 108.5),
        ("VN-2000 / Hà Nội", 105.0),
        ("VN-2000 / TP. Hồ Chí Minh", 105.75),
        ("TPHCM_VN2000", 105.75),
        ("BINHDUONG_VN2000", 105.75),
        ("QUANG NAM_VN2000", 107.75),
        ("VN_2000_Tra_Vinh_3deg", 105.5),
        ("VN_2000_KT108-15_3deg", 108.25),
        ("VN-2000 / Thừa Thiên - Huế", 107.0),
        ("VN-2000 / Bà Rịa–Vũng Tàu", 107.75),
        ("VN-2000 / TM-3 zone 482", 105.0),
    ],
)
def test_a_zone_name_resolves_to_its_central_meridian(name: str, meridian: float) -> None:
    assert central_meridian(parse_crs(name)) == pytest.approx(meridian)


def test_dstroke_counts_as_d_in_province_names() -> None:
    a = parse_crs("VN-2000 / Đà Nẵng")
    b = parse_crs("VN-2000 / Da Nang")
    c = parse_crs("vn2000 ĐÀ NẴNG")
    assert central_meridian(a) == central_meridian(b) == central_meridian(c) == 107.75


def test_a_zone_name_means_the_zone_bound_to_wgs84_by_the_official_parameters() -> None:
    crs = parse_crs("VN-2000 / Lạng Sơn")
    assert crs.is_bound
    assert crs.source_crs.to_epsg() == 9215
    assert crs.coordinate_operation.method_code == "9606"  # Position Vector
    assert tuple(p.value for p in crs.coordinate_operation.params) == VN2000_TOWGS84
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "you will likely lose information"
        proj4 = crs.to_proj4()
    assert "+towgs84=" + ",".join(repr(v) for v in VN2000_TOWGS84) in proj4


def test_the_lang_son_zone_has_the_projection_parameters_of_epsg_9215() -> None:
    ours = parse_crs("VN-2000 / Lang Son").source_crs
    epsg = pyproj.CRS.from_epsg(9215)
    assert ours.coordinate_operation.method_code == epsg.coordinate_operation.method_code == "9807"
    assert [(p.code, p.value) for p in ours.coordinate_operation.params] == [
        (p.code, p.value) for p in epsg.coordinate_operation.params
    ]
    assert ours.geodetic_crs.to_epsg() == 4756
    assert ours.axis_info[0].unit_name == "metre"


def test_codes_proj_strings_and_wkt_are_read_as_pyproj_reads_them() -> None:
    assert parse_crs("EPSG:9215") == pyproj.CRS.from_epsg(9215)
    assert parse_crs(9215) == pyproj.CRS.from_epsg(9215)
    assert parse_crs("9215") == pyproj.CRS.from_epsg(9215)
    assert parse_crs(PROJ_9215_NO_DATUM) == pyproj.CRS.from_proj4(PROJ_9215_NO_DATUM)
    assert parse_crs(ESRI_WKT_9215) == pyproj.CRS.from_wkt(ESRI_WKT_9215)
    crs = pyproj.CRS.from_epsg(4326)
    assert parse_crs(crs) is crs


def test_an_unknown_province_raises_value_error_in_english_and_vietnamese() -> None:
    with pytest.raises(ValueError, match="Unknown coordinate reference system") as info:
        parse_crs("VN-2000 / Atlantis")
    assert "Không nhận ra hệ tọa độ" in str(info.value)


def test_a_misspelt_province_is_answered_with_a_suggestion() -> None:
    with pytest.raises(ValueError, match="Did you mean 'VN-2000 / Lạng Sơn'"):
        parse_crs("VN-2000 / Lang Sonn")


def test_a_meridian_without_a_vietnamese_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="no VN-2000 3-degree zone on 109°"):
        parse_crs("VN-2000 / TM-3 109-00")


def test_an_unknown_epsg_code_raises_value_error() -> None:
    with pytest.raises(ValueError, match="Unknown coordinate reference system"):
        parse_crs(999999)


# --------------------------------------------------------------------------
# The datum shift: sign convention and control values
# --------------------------------------------------------------------------


def test_towgs84_is_epsg_6960_with_rotations_in_position_vector_convention() -> None:
    op = CoordinateOperation.from_epsg(6960)
    assert op.name == "VN-2000 to WGS 84 (2)"
    assert op.method_code == "9607"  # Coordinate Frame rotation
    values = [p.value for p in op.params]
    assert VN2000_TOWGS84[:3] == tuple(values[:3])
    assert VN2000_TOWGS84[3:6] == tuple(-v for v in values[3:6])
    assert VN2000_TOWGS84[6] == values[6]


def test_the_official_zone_reproduces_epsg_6960_at_the_dan_phuong_point() -> None:
    lon, lat = pyproj.Transformer.from_crs(5897, 4756, always_xy=True).transform(*DAN_PHUONG_5897)
    lat84, lon84 = pyproj.Transformer.from_pipeline("EPSG:6960").transform(lat, lon)
    ours = to_lonlat(parse_crs("VN-2000 / Hà Nội"), DAN_PHUONG_5897)
    assert metres_apart(ours, (lon84, lat84)) < 0.001


def test_the_dan_phuong_point_has_its_control_wgs84_position() -> None:
    ours = to_lonlat(parse_crs("VN-2000 / Hà Nội"), DAN_PHUONG_5897)
    assert metres_apart(ours, DAN_PHUONG_WGS84) < 0.01


def _helmert_position_vector(lon: float, lat: float, params: tuple[float, ...]) -> tuple[float, float]:
    """Geodetic → ECEF → Bursa-Wolf (position vector) → geodetic, on WGS 84, h = 0."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi, lam = math.radians(lat), math.radians(lon)
    n = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    xyz = np.array(
        [n * math.cos(phi) * math.cos(lam), n * math.cos(phi) * math.sin(lam), n * (1 - e2) * math.sin(phi)]
    )
    tx, ty, tz, rx, ry, rz, ds = params
    rx, ry, rz = (math.radians(r / 3600) for r in (rx, ry, rz))
    rotation = np.array([[1, -rz, ry], [rz, 1, -rx], [-ry, rx, 1]])
    x, y, z = np.array([tx, ty, tz]) + (1 + ds * 1e-6) * rotation @ xyz
    p = math.hypot(x, y)
    lat2 = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        n = a / math.sqrt(1 - e2 * math.sin(lat2) ** 2)
        h = p / math.cos(lat2) - n
        lat2 = math.atan2(z, p * (1 - e2 * n / (n + h)))
    return math.degrees(math.atan2(y, x)), math.degrees(lat2)


@pytest.mark.parametrize(("epsg", "xy"), [(5897, DAN_PHUONG_5897), (9215, HO_SON_9215)])
def test_a_hand_computed_helmert_transform_matches_pyproj_within_a_centimetre(
    epsg: int, xy: tuple[float, float]
) -> None:
    lon, lat = pyproj.Transformer.from_crs(epsg, 4756, always_xy=True).transform(*xy)
    expected = _helmert_position_vector(lon, lat, VN2000_TOWGS84)
    resolved = resolve_crs(pyproj.CRS.from_epsg(epsg)).crs
    assert metres_apart(to_lonlat(resolved, xy), expected) < 0.01


def test_the_other_published_sign_variant_departs_from_epsg_6960() -> None:
    flipped = VN2000_TOWGS84[:3] + tuple(-r for r in VN2000_TOWGS84[3:6]) + VN2000_TOWGS84[6:]
    wrong = pyproj.CRS(PROJ_9215_NO_DATUM + " +towgs84=" + ",".join(map(str, flipped)))
    right = resolve_crs(pyproj.CRS.from_epsg(9215)).crs
    assert metres_apart(to_lonlat(wrong, HO_SON_9215), to_lonlat(right, HO_SON_9215)) > 0.3


def test_the_shift_at_dan_phuong_is_about_220_m() -> None:
    shifted = to_lonlat(resolve_crs(pyproj.CRS.from_epsg(5897)).crs, DAN_PHUONG_5897)
    unshifted = to_lonlat(pyproj.CRS(PROJ_9215_NO_DATUM.replace("107.25", "105")), DAN_PHUONG_5897)
    assert 215 < metres_apart(shifted, unshifted) < 235


# --------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------


def test_an_esri_wkt_without_towgs84_and_epsg_9215_give_the_same_position() -> None:
    from_wkt = resolve_crs(pyproj.CRS.from_wkt(ESRI_WKT_9215)).crs
    from_epsg = resolve_crs(pyproj.CRS.from_epsg(9215)).crs
    assert metres_apart(to_lonlat(from_wkt, HO_SON_9215), to_lonlat(from_epsg, HO_SON_9215)) < 0.05


@pytest.mark.parametrize("source", [ESRI_WKT_9215, "EPSG:9215"])
def test_a_resolved_vn2000_crs_is_150_to_250_m_from_the_unshifted_position(source: str) -> None:
    resolved = resolve_crs(pyproj.CRS(source)).crs
    unshifted = pyproj.CRS(NO_SHIFT_9215)
    gap = metres_apart(to_lonlat(resolved, HO_SON_9215), to_lonlat(unshifted, HO_SON_9215))
    assert 150 < gap < 250


@pytest.mark.parametrize("source", [ESRI_WKT_9215, ESRI_WKT_5897, "EPSG:9215", "EPSG:5897", "EPSG:3405", "EPSG:4756"])
def test_vn2000_without_parameters_gets_the_official_shift_as_information(source: str) -> None:
    result = resolve_crs(pyproj.CRS(source))
    assert result.issue == "datum_shift_added"
    assert result.crs.is_bound
    assert tuple(p.value for p in result.crs.coordinate_operation.params) == VN2000_TOWGS84
    assert is_vn2000(result.crs)


def test_the_description_of_the_lang_son_zone_names_the_province() -> None:
    assert resolve_crs(pyproj.CRS.from_wkt(ESRI_WKT_9215)).detail == "VN-2000 / TM-3 107-15 (Lạng Sơn)"


def test_a_wgs84_datum_tm3_prj_on_107_15_is_assumed_to_be_vn2000() -> None:
    result = resolve_crs(pyproj.CRS.from_wkt(WGS84_TM3_107_15_PRJ))
    assert result.issue == "assumed_vn2000"
    assert result.detail == "VN-2000 / TM-3 107-15 (Lạng Sơn)"
    assert result.crs == vn2000_tm3(107.25)


def test_a_proj_string_of_a_tm3_zone_without_datum_is_assumed_to_be_vn2000() -> None:
    assert resolve_crs(pyproj.CRS(PROJ_9215_NO_DATUM)).issue == "assumed_vn2000"


def test_a_wgs84_tm3_prj_on_a_non_provincial_meridian_is_kept() -> None:
    prj = pyproj.CRS.from_wkt(WGS84_TM3_107_15_PRJ.replace("107.25", "109.0"))
    result = resolve_crs(prj)
    assert result.issue is None
    assert result.crs == prj


def test_a_file_without_crs_and_without_override_is_missing() -> None:
    assert resolve_crs(None) == CRSResolution(None, "missing", "no CRS")


def test_the_override_wins_over_the_file_crs() -> None:
    result = resolve_crs(pyproj.CRS.from_epsg(3405), "VN-2000 / Hà Nội")
    assert result.issue == "override"
    assert central_meridian(result.crs) == 105.0
    assert result.crs.is_bound


def test_an_override_gives_a_crs_to_a_file_without_one() -> None:
    result = resolve_crs(None, 9215)
    assert result.issue == "override"
    assert result.crs.source_crs.to_epsg() == 9215


def test_an_override_epsg_code_of_vn2000_gets_the_official_shift() -> None:
    result = resolve_crs(pyproj.CRS.from_epsg(3405), "EPSG:5897")
    assert tuple(p.value for p in result.crs.coordinate_operation.params) == VN2000_TOWGS84


def test_an_override_on_the_wgs84_datum_is_used_as_written() -> None:
    result = resolve_crs(None, WGS84_TM3_107_15_PRJ)
    assert result.issue == "override"
    assert result.crs == pyproj.CRS.from_wkt(WGS84_TM3_107_15_PRJ)


def test_an_unknown_override_raises_value_error() -> None:
    with pytest.raises(ValueError, match="Không nhận ra hệ tọa độ"):
        resolve_crs(pyproj.CRS.from_epsg(9215), "VN-2000 / Atlantis")


@pytest.mark.parametrize("source", ["EPSG:4326", "OGC:CRS84"])
def test_geographic_wgs84_passes_through_unchanged(source: str) -> None:
    crs = pyproj.CRS(source)
    result = resolve_crs(crs)
    assert result.issue is None
    assert result.crs is crs


def test_vn2000_with_its_own_parameters_is_kept_as_declared() -> None:
    internal = pyproj.CRS(ESRI_WKT_9215.replace(
        'SPHEROID["WGS_1984",6378137.0,298.257223563]]',
        'SPHEROID["WGS_1984",6378137.0,298.257223563],TOWGS84[0,0,0,0,0,0,0]]',
    ))
    result = resolve_crs(internal)
    assert result.issue is None
    assert result.crs is internal


def test_the_mistagged_dan_phuong_sheet_lands_in_dan_phuong_with_override_5897(realdata: Path) -> None:
    frame = gpd.read_file(realdata / "vn_cadastral_danphuong_sheet08_as_published.geojson")
    assert frame.crs.to_epsg() == 3405
    result = resolve_crs(frame.crs, "EPSG:5897")
    west, south, east, north = frame.set_crs(result.crs, allow_override=True).to_crs(4326).total_bounds
    assert 105.64 <= west < east <= 105.69
    assert 21.08 <= south < north <= 21.11


def test_the_dan_phuong_sheet_read_as_tagged_lies_about_700_m_north(realdata: Path) -> None:
    frame = gpd.read_file(realdata / "vn_cadastral_danphuong_sheet08_as_published.geojson")
    as_tagged = frame.set_crs(resolve_crs(frame.crs).crs, allow_override=True).to_crs(4326)
    right = frame.set_crs(resolve_crs(frame.crs, "EPSG:5897").crs, allow_override=True).to_crs(4326)
    a, b = as_tagged.union_all().centroid, right.union_all().centroid
    assert 600 < metres_apart((a.x, a.y), (b.x, b.y)) < 800
    assert a.y > b.y


# --------------------------------------------------------------------------
# Metric CRS
# --------------------------------------------------------------------------


def test_a_projected_crs_in_metres_is_its_own_metric_crs() -> None:
    crs = resolve_crs(pyproj.CRS.from_epsg(9215)).crs
    assert metric_crs(crs) is crs


def test_wgs84_data_in_vietnam_is_measured_in_the_nearest_vn2000_tm3_zone() -> None:
    crs = metric_crs(pyproj.CRS.from_epsg(4326), (107.1, 21.5, 107.3, 21.7))
    assert central_meridian(crs) == 107.25
    assert crs.axis_info[0].unit_name == "metre"


def test_wgs84_data_outside_vietnam_is_measured_in_utm() -> None:
    assert metric_crs(pyproj.CRS.from_epsg(4326), (2.33, 48.65, 2.36, 48.67)).to_epsg() == 32631


def test_web_mercator_is_not_used_for_areas() -> None:
    assert central_meridian(metric_crs(pyproj.CRS.from_epsg(3857), (105.6, 21.0, 105.7, 21.1))) == 105.75


def test_a_world_crs_without_bounds_cannot_choose_a_metric_crs() -> None:
    with pytest.raises(ValueError, match="bounds_lonlat"):
        metric_crs(pyproj.CRS.from_epsg(4326))


def test_the_area_of_ho_son_in_the_metric_crs_matches_the_geodesic_area(realdata: Path) -> None:
    frame = gpd.read_file(realdata / "hoson_commune_2009.geojson")
    metric = frame.to_crs(metric_crs(frame.crs, tuple(frame.total_bounds)))
    geodesic = abs(GEOD.geometry_area_perimeter(frame.geometry.iloc[0])[0])
    assert metric.area.iloc[0] == pytest.approx(geodesic, rel=5e-4)
    assert metric.area.iloc[0] / 1e4 == pytest.approx(1546.7, rel=1e-3)  # README, UTM 48N


def test_declared_parcel_areas_match_areas_in_the_metric_crs(realdata: Path) -> None:
    frame = gpd.read_file(realdata / "vn_cadastral_danphuong_sheet08_as_published.geojson")
    frame = frame.set_crs(resolve_crs(frame.crs, "EPSG:5897").crs, allow_override=True)
    valid = frame[frame.is_valid]
    measured = valid.to_crs(metric_crs(valid.crs)).area
    declared = valid["dien_tich"].astype(float)
    assert ((measured - declared).abs() < 0.1).mean() > 0.85


def test_describe_crs_names_a_plain_crs_with_its_epsg_code() -> None:
    assert describe_crs(pyproj.CRS.from_epsg(32648)) == "WGS 84 / UTM zone 48N (EPSG:32648)"
