"""Preset sizes, the synthetic-data label, the former communes' codes and the cadastral ``.prj``."""

from __future__ import annotations

from dataclasses import dataclass

SYNTHETIC_LABEL = "DỮ LIỆU MẪU TỔNG HỢP — không phải dữ liệu thật / SYNTHETIC SAMPLE DATA — not real"

#: The two former communes and their codes (merged on 1 July 2025, with the Hữu Lũng township,
#: into Xã Hữu Lũng, code 06385).
COMMUNE_CODES: dict[str, str] = {"06451": "Hồ Sơn", "06424": "Đồng Tân"}
_HS, _DT = "06451", "06424"


@dataclass(frozen=True)
class Size:
    """A preset size of the sample: parcels, hamlets, household rows and grievances."""

    parcels: int
    hamlets: int
    households: int
    grievances: int
    what: str


#: Preset sizes (``--size``); the commune is the default and the committed ``data/hoson``.
SIZES: dict[str, Size] = {
    "commune": Size(3_000, 10, 800, 150, "one commune's project area, hamlets of about 300 parcels (the default)"),
    "district": Size(30_000, 200, 8_000, 1_500, "as large as a former district, hamlets of about 150 parcels"),
    "province": Size(300_000, 2_000, 80_000, 10_000, "as large as a province's projects, hamlets of about 150 parcels"),
}
_PARCELS_PER_HAMLET = 150

#: The ``.prj`` as cadastral offices write it: VN-2000 datum, no TOWGS84, no EPSG code.
PRJ_WKT = (
    'PROJCS["VN-2000_TM-3_107-15",GEOGCS["GCS_VN_2000",'
    'DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],'
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",107.25],'
    'PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)
