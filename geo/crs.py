"""Coordinate reference systems: VN-2000 zones, the official datum shift, parsing.

Vietnamese cadastral data is in VN-2000 (Decision 83/2000/QĐ-TTg), usually in
the 3-degree transverse Mercator zone of its province (scale 0.9999, false
easting 500 km). This module carries what pyproj does not: the table of
provincial central meridians, the official seven-parameter shift, Vietnamese
zone names, and the rules that decide which CRS a layer is really in.

Sources
-------
Central meridians (kinh tuyến trục) per province
    Thông tư 973/2001/TT-TCĐC of the Tổng cục Địa chính, "Hướng dẫn áp dụng
    hệ quy chiếu và hệ tọa độ quốc gia VN-2000", the appendix (phụ lục)
    giving the kinh tuyến trục of each province and city. The Thông tư
    predates the provinces created on 1 January 2004: Điện Biên (from Lai
    Châu), Đắk Nông (from Đắk Lắk) and Hậu Giang (from Cần Thơ) keep the
    meridian of the province they were split from, as EPSG's areas of use
    also say. Hà Tây (105°00') was merged into Hà Nội in 2008 and is kept
    only as an alias of Hà Nội. Every value was checked against pyproj's EPSG
    VN-2000 TM-3 CRSs (EPSG:5896–5899, 9205–9218): each meridian has one, and
    each province is named in the area of use of its EPSG code (see
    ``tests/test_crs.py``).
Datum shift VN-2000 → WGS 84
    Decision 05/2007/QĐ-BTNMT of the Ministry of Natural Resources and
    Environment; in the EPSG dataset as EPSG:6960 "VN-2000 to WGS 84 (2)"
    (version "DoSM-Vnm"), with the decision's parameters to the last digit.
Provinces since 1 July 2025
    Nghị quyết 202/2025/QH15 of the National Assembly (12 June 2025) on the
    arrangement of provincial-level administrative units: 34 provinces and
    cities, 11 unchanged and 23 merged from the 63 (:data:`PROVINCES_2025`).
Former provinces' extents
    Approximate boxes in lon/lat, written by hand from the extreme
    coordinates commonly published for each province's territory ("tọa độ
    địa lý", to the minute), not measured from boundary data, and rounded
    outward to 0.05°; distant islands get boxes of their own (Phú
    Quốc, Côn Đảo, Bạch Long Vĩ, Phú Quý), Kon Tum two. They are checked in
    ``tests/test_crs.py`` against EPSG's areas of use of the VN-2000 TM-3
    CRSs (for each meridian, the union of its provinces' boxes is EPSG's box
    within 0.1°; Lạng Sơn, Sơn La, Kon Tum and Quảng Ngãi have a zone of
    their own) and against the Lạng Sơn district map in shared/realdata.
    They are coarse and neighbours' boxes overlap: they serve only to tell
    which former province a layer lies in, and an overlap is a refusal.

What the product applies
------------------------
The seven parameters of EPSG:6960 (Decision 05/2007/QĐ-BTNMT) everywhere in
Vietnam, bound into every VN-2000 CRS it resolves, so the result does not
depend on PROJ's choice. EPSG records both of its VN-2000 → WGS 84
transformations as "Academic research, not officially adopted". PROJ left
to choose by area picks EPSG:5194 "VN-2000 to WGS 84 (1)" (Total, Mekong
delta blocks) inside the Mekong delta, about 0.8 m from EPSG:6960 there (at
Cần Thơ); elsewhere it picks EPSG:6960 itself.

Provinces since 2025
--------------------
The zone table lists the 63 provinces of 2008–2025, whose zones cadastral
sheets keep. A province name in a CRS means a province of 2025 first: one
unchanged, or merged from former provinces on one meridian (Đắk Lắk + Phú
Yên, both 108°30'), means that zone. Seventeen merged provinces span two or
three meridians (new Bắc Ninh = Bắc Ninh 105°30' + Bắc Giang 107°00', 155 km
apart when read in the wrong one): their name alone names no zone.
:func:`resolve_crs` then reads the layer in the zone of the former province
whose box holds it, read in that zone (:func:`locate_former_province`), and
refuses where none or several meridians fit. A former province is named as
it was where its name was dropped ("VN-2000 / Bắc Giang"), or marked "(cũ)"
where a province of 2025 kept it ("VN-2000 / Bắc Ninh (cũ)").
"""

from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral

import numpy as np
import pyproj
from pyproj.exceptions import CRSError

from .schema import strip_diacritics

__all__ = [
    "PROVINCES_2025",
    "VN2000_TOWGS84",
    "VN2000_ZONES",
    "AmbiguousZoneError",
    "CRSResolution",
    "Province2025",
    "ProvinceZone",
    "describe_crs",
    "former_crs_name",
    "is_vn2000",
    "locate_former_province",
    "metric_crs",
    "parse_crs",
    "province_2025",
    "resolve_crs",
    "to_wgs84_transformer",
    "vn2000_tm3",
    "with_official_shift",
    "zone_for_province",
    "zones_on_meridian",
]

# --------------------------------------------------------------------------
# The official seven parameters
# --------------------------------------------------------------------------

#: Decision 05/2007/QĐ-BTNMT, VN-2000 → WGS 84, in the PROJ ``+towgs84``
#: order and units: dx, dy, dz (m), rx, ry, rz (arc-seconds), ds (ppm).
#:
#: Sign convention. EPSG:6960 "VN-2000 to WGS 84 (2)" holds the decision's
#: numbers with method EPSG:9607 *Coordinate Frame rotation*:
#: rx = -0.00928836", ry = +0.01975479", rz = -0.00427372". PROJ reads a
#: seven-value ``+towgs84`` (and WKT1 ``TOWGS84``) as *Position Vector*
#: (EPSG:9606; PROJ writes ``+convention=position_vector`` into the
#: pipeline). The two conventions differ only in the sign of the rotations,
#: so the ``+towgs84`` form is the README's "sign-flipped" variant
#: (+0.00928836, -0.01975479, +0.00427372). Checked empirically with pyproj
#: 3.7.2 / PROJ 9.5.1: this tuple reproduces EPSG:6960, which PROJ itself
#: picks for EPSG:4756 → EPSG:4326, to better than 1 mm, whereas the other
#: sign variant (the decision's rotation signs pasted into ``+towgs84``)
#: moves points by about 0.7 m. Translations and scale are the same in both.
VN2000_TOWGS84: tuple[float, float, float, float, float, float, float] = (
    -191.90441429,
    -39.30318279,
    -111.45032835,
    0.00928836,
    -0.01975479,
    0.00427372,
    0.252906278,
)

_SHIFT_NAME = "VN-2000 to WGS 84 (QĐ 05/2007/QĐ-BTNMT)"

# --------------------------------------------------------------------------
# The provincial zones
# --------------------------------------------------------------------------

#: A lon/lat box in degrees east/north: (west, south, east, north).
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class ProvinceZone:
    """One province of 2008–2025 and its VN-2000 3-degree TM zone.

    Attributes
    ----------
    province : str
        Vietnamese name with diacritics, without "Tỉnh"/"Thành phố".
    central_meridian : float
        Central meridian (kinh tuyến trục) in decimal degrees east.
    extent : tuple of Box
        Approximate territory as lon/lat boxes ``(west, south, east, north)``
        (see "Former provinces' extents" in the module notes): the mainland
        first, then distant islands. Used only to tell which former province
        a layer lies in.
    aliases : tuple of str
        Other accepted names (matched like ``province``).
    """

    province: str
    central_meridian: float
    extent: tuple[Box, ...]
    aliases: tuple[str, ...] = ()

    @property
    def epsg(self) -> int:
        """EPSG code of the VN-2000 TM-3 projected CRS on the province's meridian."""
        return _TM3_EPSG[self.central_meridian]

    @property
    def zone_name(self) -> str:
        """The zone's name in EPSG style, e.g. ``"VN-2000 / TM-3 107-15"``."""
        return f"VN-2000 / TM-3 {_meridian_label(self.central_meridian)}"


def _z(province: str, meridian: float, *extent: Box, aliases: tuple[str, ...] = ()) -> ProvinceZone:
    return ProvinceZone(province, meridian, extent, aliases)


#: EPSG's VN-2000 projected TM-3 CRSs by central meridian: the one table of
#: EPSG codes. Covers every provincial meridian plus 102°00' (zone 481),
#: which no province uses.
_TM3_EPSG: dict[float, int] = {
    102.0: 5896,
    103.0: 9205,
    104.0: 9206,
    104.5: 9207,
    104.75: 9208,
    105.0: 5897,
    105.5: 9209,
    105.75: 9210,
    106.0: 9211,
    106.25: 9212,
    106.5: 9213,
    107.0: 9214,
    107.25: 9215,
    107.5: 9216,
    107.75: 5899,
    108.0: 5898,
    108.25: 9217,
    108.5: 9218,
}

#: The 63 provinces (2008–2025), their central meridians (Thông tư
#: 973/2001/TT-TCĐC) and approximate extents (west, south, east, north),
#: ordered by meridian.
VN2000_ZONES: tuple[ProvinceZone, ...] = (
    _z("Lai Châu", 103.0, (102.3, 21.8, 104.0, 22.85)),
    _z("Điện Biên", 103.0, (102.1, 20.85, 103.65, 22.6)),
    _z("Sơn La", 104.0, (103.15, 20.55, 105.05, 22.05)),
    # Mainland with Hòn Tre and Nam Du; Phú Quốc; Thổ Chu.
    _z("Kiên Giang", 104.5, (104.3, 9.35, 105.55, 10.55), (103.8, 9.9, 104.15, 10.5), (103.4, 9.2, 103.55, 9.35)),
    _z("Cà Mau", 104.5, (104.7, 8.3, 105.45, 9.6)),
    _z("Lào Cai", 104.75, (103.5, 21.8, 104.65, 22.9)),
    _z("Yên Bái", 104.75, (103.9, 21.3, 105.1, 22.3)),
    _z("Nghệ An", 104.75, (103.85, 18.5, 105.9, 20.05)),
    _z("Phú Thọ", 104.75, (104.8, 20.9, 105.45, 21.75)),
    _z("An Giang", 104.75, (104.75, 10.15, 105.6, 11.0)),
    _z("Hà Nội", 105.0, (105.25, 20.55, 106.05, 21.4), aliases=("Hà Tây",)),
    _z("Thanh Hóa", 105.0, (104.35, 19.25, 106.1, 20.7)),
    _z("Vĩnh Phúc", 105.0, (105.3, 21.05, 105.8, 21.6)),
    _z("Đồng Tháp", 105.0, (105.15, 10.1, 105.95, 11.0)),
    _z("Cần Thơ", 105.0, (105.2, 9.9, 105.85, 10.35)),
    _z("Hậu Giang", 105.0, (105.2, 9.55, 105.9, 10.05)),
    _z("Bạc Liêu", 105.0, (105.2, 8.95, 105.9, 9.65)),
    _z("Ninh Bình", 105.0, (105.5, 19.8, 106.2, 20.45)),
    _z("Hà Nam", 105.0, (105.75, 20.3, 106.2, 20.75)),
    _z("Hà Giang", 105.5, (104.3, 22.1, 105.6, 23.4)),
    _z("Hải Dương", 105.5, (106.0, 20.55, 106.65, 21.25)),
    _z("Hà Tĩnh", 105.5, (105.05, 17.85, 106.55, 18.85)),
    _z("Bắc Ninh", 105.5, (105.9, 20.95, 106.35, 21.3)),
    _z("Hưng Yên", 105.5, (105.85, 20.55, 106.3, 21.05)),
    _z("Thái Bình", 105.5, (106.05, 20.25, 106.7, 20.75)),
    _z("Nam Định", 105.5, (105.9, 19.85, 106.6, 20.7)),
    _z("Tây Ninh", 105.5, (105.8, 10.9, 106.4, 11.8)),
    _z("Vĩnh Long", 105.5, (105.65, 9.85, 106.3, 10.35)),
    _z("Sóc Trăng", 105.5, (105.5, 9.15, 106.35, 9.95)),
    _z("Trà Vinh", 105.5, (105.95, 9.5, 106.65, 10.1)),
    _z("Cao Bằng", 105.75, (105.25, 22.3, 106.85, 23.15)),
    _z("Long An", 105.75, (105.5, 10.35, 106.8, 11.05)),
    _z("Tiền Giang", 105.75, (105.8, 10.15, 106.8, 10.6)),
    _z("Bến Tre", 105.75, (105.95, 9.75, 106.85, 10.35)),
    # Mainland with Cát Bà; Bạch Long Vĩ.
    _z("Hải Phòng", 105.75, (106.35, 20.5, 107.15, 21.05), (107.65, 20.08, 107.8, 20.18)),
    _z(
        "Hồ Chí Minh",
        105.75,
        (106.35, 10.35, 107.05, 11.2),
        aliases=("HCM", "TPHCM", "HCMC", "Sài Gòn", "Ho Chi Minh City"),
    ),
    _z("Bình Dương", 105.75, (106.3, 10.85, 107.0, 11.5)),
    _z("Tuyên Quang", 106.0, (104.85, 21.45, 105.65, 22.7)),
    _z("Hòa Bình", 106.0, (104.8, 20.3, 105.7, 21.15)),
    _z("Quảng Bình", 106.0, (105.55, 16.9, 107.05, 18.1)),
    _z("Quảng Trị", 106.25, (106.5, 16.25, 107.45, 17.25)),
    _z("Bình Phước", 106.25, (106.4, 11.3, 107.45, 12.3)),
    _z("Bắc Kạn", 106.5, (105.4, 21.8, 106.3, 22.75), aliases=("Bắc Cạn",)),
    _z("Thái Nguyên", 106.5, (105.45, 21.3, 106.3, 22.05)),
    _z("Bắc Giang", 107.0, (105.85, 21.1, 107.05, 21.65)),
    _z("Thừa Thiên Huế", 107.0, (106.95, 15.95, 108.25, 16.8), aliases=("Huế",)),
    _z("Lạng Sơn", 107.25, (106.05, 21.3, 107.4, 22.5)),
    # Two boxes: north of 15°N Kon Tum stays west of 108°09' (Quảng Ngãi's
    # mountains lie east of it).
    _z("Kon Tum", 107.5, (107.3, 13.9, 108.55, 15.0), (107.3, 14.9, 108.15, 15.45)),
    _z("Quảng Ninh", 107.75, (106.4, 20.6, 108.1, 21.7)),
    _z("Đồng Nai", 107.75, (106.7, 10.5, 107.6, 11.6)),
    # Mainland; Côn Đảo.
    _z(
        "Bà Rịa - Vũng Tàu",
        107.75,
        (106.95, 10.3, 107.6, 10.85),
        (106.5, 8.55, 106.75, 8.8),
        aliases=("Vũng Tàu", "BRVT"),
    ),
    _z("Quảng Nam", 107.75, (107.2, 14.9, 108.75, 16.1)),
    _z("Lâm Đồng", 107.75, (107.25, 11.15, 108.75, 12.4)),
    _z("Đà Nẵng", 107.75, (107.8, 15.9, 108.35, 16.25)),
    _z("Quảng Ngãi", 108.0, (108.2, 14.5, 109.2, 15.5)),
    _z("Ninh Thuận", 108.25, (108.55, 11.25, 109.25, 12.2)),
    _z("Khánh Hòa", 108.25, (108.65, 11.7, 109.5, 12.9)),
    _z("Bình Định", 108.25, (108.55, 13.5, 109.4, 14.75)),
    _z("Đắk Lắk", 108.5, (107.45, 12.1, 109.0, 13.45)),
    _z("Đắk Nông", 108.5, (107.2, 11.7, 108.15, 12.85)),
    _z("Phú Yên", 108.5, (108.65, 12.7, 109.5, 13.7)),
    _z("Gia Lai", 108.5, (107.45, 12.95, 108.95, 14.65)),
    # Mainland; Phú Quý.
    _z("Bình Thuận", 108.5, (107.35, 10.5, 108.9, 11.6), (108.85, 10.45, 109.0, 10.6)),
)


@dataclass(frozen=True)
class Province2025:
    """One of the 34 provinces and cities since 1 July 2025.

    Attributes
    ----------
    province : str
        Vietnamese name with diacritics, without "Tỉnh"/"Thành phố".
    former : tuple of ProvinceZone
        The provinces of 2008–2025 it was formed from (itself alone when it
        was not merged), the one whose name it kept first.
    aliases : tuple of str
        Other accepted names.
    """

    province: str
    former: tuple[ProvinceZone, ...]
    aliases: tuple[str, ...] = ()

    @property
    def meridians(self) -> tuple[float, ...]:
        """The distinct central meridians of its former provinces, ascending."""
        return tuple(sorted({z.central_meridian for z in self.former}))


def _former(name: str) -> ProvinceZone:
    return next(z for z in VN2000_ZONES if z.province == name)


def _p(province: str, *former: str, aliases: tuple[str, ...] = ()) -> Province2025:
    return Province2025(province, tuple(_former(f) for f in (former or (province,))), aliases)


#: The 34 provinces and cities since 1 July 2025 (Nghị quyết
#: 202/2025/QH15 of the National Assembly, 12 June 2025, on the arrangement
#: of provincial-level administrative units) and the former provinces each
#: was formed from: 11 unchanged, 23 merged, 17 of which span two or three
#: central meridians.
PROVINCES_2025: tuple[Province2025, ...] = (
    _p("Hà Nội"),
    _p("Huế", "Thừa Thiên Huế", aliases=("Thừa Thiên Huế",)),
    _p("Lai Châu"),
    _p("Điện Biên"),
    _p("Sơn La"),
    _p("Lạng Sơn"),
    _p("Quảng Ninh"),
    _p("Thanh Hóa"),
    _p("Nghệ An"),
    _p("Hà Tĩnh"),
    _p("Cao Bằng"),
    _p("Tuyên Quang", "Tuyên Quang", "Hà Giang"),
    _p("Lào Cai", "Lào Cai", "Yên Bái"),
    _p("Thái Nguyên", "Thái Nguyên", "Bắc Kạn"),
    _p("Phú Thọ", "Phú Thọ", "Vĩnh Phúc", "Hòa Bình"),
    _p("Bắc Ninh", "Bắc Ninh", "Bắc Giang"),
    _p("Hưng Yên", "Hưng Yên", "Thái Bình"),
    _p("Hải Phòng", "Hải Phòng", "Hải Dương"),
    _p("Ninh Bình", "Ninh Bình", "Hà Nam", "Nam Định"),
    _p("Quảng Trị", "Quảng Trị", "Quảng Bình"),
    _p("Đà Nẵng", "Đà Nẵng", "Quảng Nam"),
    _p("Quảng Ngãi", "Quảng Ngãi", "Kon Tum"),
    _p("Gia Lai", "Gia Lai", "Bình Định"),
    _p("Khánh Hòa", "Khánh Hòa", "Ninh Thuận"),
    _p("Lâm Đồng", "Lâm Đồng", "Đắk Nông", "Bình Thuận"),
    _p("Đắk Lắk", "Đắk Lắk", "Phú Yên"),
    _p(
        "Hồ Chí Minh",
        "Hồ Chí Minh",
        "Bình Dương",
        "Bà Rịa - Vũng Tàu",
        aliases=("HCM", "TPHCM", "HCMC", "Sài Gòn", "Ho Chi Minh City"),
    ),
    _p("Đồng Nai", "Đồng Nai", "Bình Phước"),
    _p("Tây Ninh", "Tây Ninh", "Long An"),
    _p("Cần Thơ", "Cần Thơ", "Sóc Trăng", "Hậu Giang"),
    _p("Vĩnh Long", "Vĩnh Long", "Bến Tre", "Trà Vinh"),
    _p("Đồng Tháp", "Đồng Tháp", "Tiền Giang"),
    _p("Cà Mau", "Cà Mau", "Bạc Liêu"),
    _p("An Giang", "An Giang", "Kiên Giang"),
)

#: Every other VN-2000 CRS in EPSG, matched by name in :func:`parse_crs`.
_OTHER_VN2000_EPSG = (4756, 3405, 3406)

_PROVINCIAL_MERIDIANS: tuple[float, ...] = tuple(sorted({z.central_meridian for z in VN2000_ZONES}))

_TM3_SCALE = 0.9999
_TM3_FALSE_EASTING = 500_000.0
_MERIDIAN_TOL = 1e-6  # degrees

# VN-2000's own area of use (EPSG:4756, "Vietnam - onshore"), widened a little
# for the sea and border areas, for choosing a metric CRS.
_VIETNAM_LONLAT = (101.5, 8.0, 110.0, 23.6)

# --------------------------------------------------------------------------
# Text matching
# --------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower-case, without diacritics (:func:`geo.schema.strip_diacritics`), compatibility forms unified."""
    return strip_diacritics(unicodedata.normalize("NFKC", text)).casefold()


def _tokens(text: str) -> list[str]:
    """Split folded text into words and numbers; "kt108-15" → kt, 108, 15."""
    folded = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", _fold(text))
    return re.findall(r"\d+(?:\.\d+)?|[a-z]+", folded)


def _key(text: str) -> str:
    return "".join(_tokens(text))


# Words that may surround a zone name and carry no information.
_NOISE: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "vn 2000",
        "vietnam 2000",
        "tm 3",
        "3 do",
        "3 deg",
        "3 degree",
        "3 degrees",
        "mui chieu",
        "mui",
        "kinh tuyen truc",
        "kinh tuyen",
        "central meridian",
        "kt",
        "tinh",
        "thanh pho",
        "tp",
        "province",
        "city",
        "3",
    )
)


def _strip_noise(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase in _NOISE:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


# Words that mark a name as the former province ("Bắc Ninh (cũ)") or the
# province of 2025 ("Bắc Ninh (mới)", the default).
_FORMER_MARKERS = frozenset({"cu", "old", "former"})
_NEW_MARKERS = frozenset({"moi", "new"})


def _name_key(name: str) -> str:
    return "".join(_strip_noise(_tokens(name)))


def _marked_key(tokens: list[str]) -> tuple[str, str]:
    """The name key of noise-free tokens and its marker: "former", "new" or ""."""
    rest = _strip_noise(tokens)
    marker = "former" if _FORMER_MARKERS & set(rest) else "new" if _NEW_MARKERS & set(rest) else ""
    return "".join(t for t in rest if t not in _FORMER_MARKERS | _NEW_MARKERS), marker


def _name_index(entries, kind: str) -> dict:
    """``entries`` (each with ``province`` and ``aliases``) by folded name; a name used twice is a table bug."""
    index: dict = {}
    for entry in entries:
        for name in (entry.province, *entry.aliases):
            key = _name_key(name)
            if key in index and index[key] is not entry:  # pragma: no cover - table bug
                raise AssertionError(f"duplicate {kind} key {key!r}")
            index[key] = entry
    return index


@lru_cache(maxsize=1)
def _province_index() -> dict[str, ProvinceZone]:
    """Former (2008–2025) provinces by folded name."""
    return _name_index(VN2000_ZONES, "province")


@lru_cache(maxsize=1)
def _province_2025_index() -> dict[str, Province2025]:
    """The provinces of 2025 by folded name."""
    return _name_index(PROVINCES_2025, "province")


@lru_cache(maxsize=1)
def _epsg_name_index() -> dict[str, int]:
    codes = (*_TM3_EPSG.values(), *_OTHER_VN2000_EPSG)
    return {_key(pyproj.CRS.from_epsg(code).name): code for code in codes}


def _meridian_label(meridian: float) -> str:
    minutes = round(meridian * 60)
    return f"{minutes // 60:03d}-{minutes % 60:02d}"


def _known_meridian(lon: float) -> float | None:
    for m in _TM3_EPSG:
        if abs(lon - m) < _MERIDIAN_TOL:
            return m
    return None


# --------------------------------------------------------------------------
# Public lookups
# --------------------------------------------------------------------------


def zone_for_province(name: str) -> ProvinceZone:
    """Find a province of 2008–2025 (a former province) and its zone by name.

    Case, diacritics (đ counting as d), spaces, hyphens and underscores are
    ignored, as are the words "Tỉnh", "Thành phố"/"TP" and the marker
    "(cũ)"/"old"/"former". This is the table of the 63 former provinces: for
    the provinces of 2025 see :func:`province_2025`.

    Parameters
    ----------
    name : str
        The province's name, e.g. ``"Lạng Sơn"``, ``"lang_son"``,
        ``"TP. Hồ Chí Minh"``.

    Returns
    -------
    ProvinceZone
        The matching entry of :data:`VN2000_ZONES`.

    Raises
    ------
    ValueError
        If no province has that name.

    Example
    -------
    >>> zone_for_province("lang son").central_meridian
    107.25
    """
    key, _ = _marked_key(_tokens(name))
    zone = _province_index().get(key)
    if zone is None:
        raise ValueError(_unknown_message(name, key))
    return zone


def province_2025(name: str) -> Province2025:
    """Find a province of 2025 by name (matched like :func:`zone_for_province`).

    Parameters
    ----------
    name : str
        The province's name since 1 July 2025, e.g. ``"Bắc Ninh"``.

    Returns
    -------
    Province2025
        The matching entry of :data:`PROVINCES_2025`.

    Raises
    ------
    ValueError
        If no province of 2025 has that name (a former province's name such
        as "Bắc Giang" is not one).

    Example
    -------
    >>> [z.province for z in province_2025("Bac Ninh").former]
    ['Bắc Ninh', 'Bắc Giang']
    """
    key = _name_key(name)
    province = _province_2025_index().get(key)
    if province is None:
        raise ValueError(_unknown_message(name, key))
    return province


def zones_on_meridian(central_meridian: float) -> tuple[ProvinceZone, ...]:
    """All provinces whose central meridian is ``central_meridian``.

    Parameters
    ----------
    central_meridian : float
        Decimal degrees east.

    Returns
    -------
    tuple of ProvinceZone
        Possibly empty, in table order.

    Example
    -------
    >>> [z.province for z in zones_on_meridian(107.25)]
    ['Lạng Sơn']
    """
    return tuple(z for z in VN2000_ZONES if abs(z.central_meridian - central_meridian) < _MERIDIAN_TOL)


def with_official_shift(crs: pyproj.CRS) -> pyproj.CRS:
    """Bind a CRS to WGS 84 with the official VN-2000 seven parameters.

    The result is a BoundCRS (a ``+towgs84`` CRS) whose source keeps the
    given CRS's name and definition, so transforming it to EPSG:4326 applies
    Decision 05/2007/QĐ-BTNMT whatever PROJ's database would choose.

    Parameters
    ----------
    crs : pyproj.CRS
        A CRS on the VN-2000 datum, without a transformation. A BoundCRS is
        re-bound from its source CRS.

    Returns
    -------
    pyproj.CRS
        The bound CRS.

    Example
    -------
    >>> with_official_shift(pyproj.CRS.from_epsg(9215)).to_proj4()  # doctest: +SKIP
    '+proj=tmerc ... +towgs84=-191.90441429,...,0.252906278 +units=m ...'
    """
    source = _unbound(crs)
    return pyproj.CRS.from_json(_bound_json(source.to_json()))


@lru_cache(maxsize=64)
def _bound_json(source_json: str) -> str:
    arcsec = {"type": "AngularUnit", "name": "arc-second", "conversion_factor": math.pi / 648000}
    ppm = {"type": "ScaleUnit", "name": "parts per million", "conversion_factor": 1e-6}
    names = (
        "X-axis translation",
        "Y-axis translation",
        "Z-axis translation",
        "X-axis rotation",
        "Y-axis rotation",
        "Z-axis rotation",
        "Scale difference",
    )
    units = ("metre", "metre", "metre", arcsec, arcsec, arcsec, ppm)
    parameters = [
        {"name": n, "value": v, "unit": u, "id": {"authority": "EPSG", "code": 8605 + i}}
        for i, (n, v, u) in enumerate(zip(names, VN2000_TOWGS84, units))
    ]
    bound = {
        "type": "BoundCRS",
        "source_crs": json.loads(source_json),
        "target_crs": pyproj.CRS.from_epsg(4326).to_json_dict(),
        "transformation": {
            "name": _SHIFT_NAME,
            "method": {
                "name": "Position Vector transformation (geog2D domain)",
                "id": {"authority": "EPSG", "code": 9606},
            },
            "parameters": parameters,
        },
    }
    return json.dumps(bound)


def vn2000_tm3(central_meridian: float) -> pyproj.CRS:
    """The VN-2000 3-degree TM zone on a meridian, with the official shift.

    The projection is EPSG's VN-2000 TM-3 CRS for that meridian (k=0.9999,
    x0=500000, lat0=0 on EPSG:4756), bound to WGS 84 by
    :data:`VN2000_TOWGS84`.

    Parameters
    ----------
    central_meridian : float
        Decimal degrees; one of the provincial meridians or 102.

    Returns
    -------
    pyproj.CRS
        A BoundCRS named like ``"VN-2000 / TM-3 107-15"``.

    Raises
    ------
    ValueError
        If no Vietnamese TM-3 zone uses that meridian.

    Example
    -------
    >>> vn2000_tm3(107.25).source_crs.to_epsg()
    9215
    """
    meridian = _known_meridian(float(central_meridian))
    if meridian is None:
        raise ValueError(
            f"No VN-2000 3-degree zone has central meridian {central_meridian}°; "
            f"known: {', '.join(_meridian_label(m) for m in _TM3_EPSG)}. / "
            f"Không có múi chiếu 3° VN-2000 nào có kinh tuyến trục {central_meridian}°."
        )
    return with_official_shift(pyproj.CRS.from_epsg(_TM3_EPSG[meridian]))


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------

_PYPROJ_SYNTAX = re.compile(r"^\s*(?:[+{]|[A-Za-z][\w.-]*:|\w+\s*\[)|\[")


def _unknown_message(value: object, key: str = "", reason: tuple[str, str] = ("", "")) -> str:
    hint_en, hint_vi = (f" ({r})" if r else "" for r in reason)
    if key:
        close = difflib.get_close_matches(key, list(_province_index()), n=1, cutoff=0.75)
        if close:
            name = _province_index()[close[0]].province
            hint_en += f" Did you mean 'VN-2000 / {name}'?"
            hint_vi += f" Có phải là 'VN-2000 / {name}'?"
    return (
        f"Unknown coordinate reference system {value!r}{hint_en}: use an EPSG code (e.g. 'EPSG:9215'), "
        f"a PROJ or WKT string, or a VN-2000 zone such as 'VN-2000 / Lạng Sơn' or "
        f"'VN-2000 / TM-3 107-15'. / "
        f"Không nhận ra hệ tọa độ {value!r}{hint_vi}: hãy ghi mã EPSG (ví dụ 'EPSG:9215'), chuỗi PROJ "
        f"hoặc WKT, hoặc tên múi chiếu VN-2000 như 'VN-2000 / Lạng Sơn' hay "
        f"'VN-2000 / TM-3 107-15'."
    )


def _parse_vietnamese_name(text: str) -> tuple[pyproj.CRS | Province2025 | None, str]:
    """Read a VN-2000 zone name; return (CRS, merged province or None; the remaining key).

    A province name means, in this order: a former province where marked
    "(cũ)"; a province of 2025, whose zone it is when all its former
    provinces share one meridian and which is returned (to be decided from
    the data) when they do not; a former province's name or alias.
    """
    tokens = _tokens(text)
    epsg = _epsg_name_index().get("".join(tokens))
    if epsg is not None:
        return with_official_shift(pyproj.CRS.from_epsg(epsg)), ""
    rest = _strip_noise(tokens)
    if not rest:
        return None, ""
    if all(t[0].isdigit() for t in rest):
        return _parse_meridian(rest, text), ""
    if all(t.isalpha() for t in rest):
        key, marker = _marked_key(tokens)
        if marker != "former":
            province = _province_2025_index().get(key)
            if province is not None:
                if len(province.meridians) > 1:
                    return province, ""
                return vn2000_tm3(province.meridians[0]), ""
        zone = _province_index().get(key)
        if zone is None:
            return None, key
        return vn2000_tm3(zone.central_meridian), ""
    return None, ""


def _parse_meridian(numbers: list[str], text: str) -> pyproj.CRS:
    parts = [float(n) for n in numbers]
    if len(parts) > 3 or any(p != int(p) or p >= 60 for p in parts[1:]):
        raise ValueError(_unknown_message(text, reason=("not a meridian", "không phải kinh tuyến")))
    lon = parts[0] + sum(p / 60**i for i, p in enumerate(parts[1:], start=1))
    if _known_meridian(lon) is None:
        reason = (f"no VN-2000 3-degree zone on {lon:g}°", f"không có múi 3° VN-2000 trên kinh tuyến {lon:g}°")
        raise ValueError(_unknown_message(text, reason=reason))
    return vn2000_tm3(lon)


def parse_crs(value: str | int | pyproj.CRS) -> pyproj.CRS:
    """Read a CRS as written by a user or a file.

    Accepts a :class:`pyproj.CRS`; an EPSG code as an int or ``"EPSG:9215"``
    (or any authority code, URN or name pyproj knows); a PROJ string; WKT;
    PROJJSON; and Vietnamese zone names, which pyproj does not know:

    * a province: ``"VN-2000 / Lạng Sơn"``, ``"VN2000 Lang Son"``,
      ``"vn-2000/lang son"``, ``"VN-2000 TM-3 Lạng Sơn"``,
      ``"VN-2000 3 độ Lạng Sơn"``, ``"BINHDUONG_VN2000"``, or the bare
      province name. A name is a province of 2025 first (:data:`PROVINCES_2025`),
      else a former province (:data:`VN2000_ZONES`); ``"(cũ)"``, ``"cu"``,
      ``"old"`` or ``"former"`` marks a former province that kept its name
      (``"VN-2000 / Bắc Ninh (cũ)"``). A merged province whose former
      provinces lie on different meridians (``"VN-2000 / Bắc Ninh"``) names
      no single zone: :func:`resolve_crs` decides it from the layer's
      coordinates, and this function refuses it (:class:`AmbiguousZoneError`);
    * a meridian: ``"VN-2000 / TM-3 107-15"``, ``"VN-2000 107°15'"``,
      ``"VN-2000 / TM-3 107.25"``, ``"VN_2000_KT108-15_3deg"``;
    * EPSG's own VN-2000 names: ``"VN-2000 / TM-3 zone 482"``,
      ``"VN-2000 / UTM zone 48N"``, ``"VN-2000"``.

    Case, diacritics (đ/Đ read as d/D), spaces, hyphens, underscores and
    slashes are ignored. A zone name means the province's 3-degree TM zone
    (k=0.9999, x0=500000) on the VN-2000 datum bound to WGS 84 by the
    official seven parameters (:func:`vn2000_tm3`), so transforming to
    EPSG:4326 applies the ~200 m shift. Codes, PROJ strings and WKT come
    back exactly as pyproj reads them; :func:`resolve_crs` adds the shift
    where they name VN-2000 without one.

    Parameters
    ----------
    value : str, int or pyproj.CRS
        The CRS to read.

    Returns
    -------
    pyproj.CRS
        The CRS.

    Raises
    ------
    AmbiguousZoneError
        For a merged province on several meridians (a ValueError).
    ValueError
        For anything that is not a CRS; the message is in English and
        Vietnamese and suggests a province for a near-miss name.
    TypeError
        For a value of another type.

    Example
    -------
    >>> parse_crs("VN-2000 / Lang Son").source_crs.to_epsg()
    9215
    >>> parse_crs(5897).name
    'VN-2000 / TM-3 zone 482'
    """
    parsed = _parse(value)
    if isinstance(parsed, Province2025):
        raise AmbiguousZoneError(str(value), parsed, *_NO_COORDINATES)
    return parsed


def _parse(value: str | int | pyproj.CRS) -> pyproj.CRS | Province2025:
    """:func:`parse_crs`, returning a merged province on several meridians as it is."""
    if isinstance(value, pyproj.CRS):
        return value
    if isinstance(value, bool):
        raise TypeError(f"A CRS cannot be a boolean: {value!r}")
    if isinstance(value, Integral):
        try:
            return pyproj.CRS.from_epsg(int(value))
        except CRSError as exc:
            raise ValueError(_unknown_message(value) + f" ({exc})") from exc
    if not isinstance(value, str):
        raise TypeError(f"A CRS must be a string, an EPSG code or a pyproj.CRS, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError(_unknown_message(value))
    if text.isdigit():
        return _parse(int(text))
    key = ""
    looks_like_pyproj = bool(_PYPROJ_SYNTAX.search(text))
    if not looks_like_pyproj:
        crs, key = _parse_vietnamese_name(text)
        if crs is not None:
            return crs
    try:
        return pyproj.CRS.from_user_input(text)
    except CRSError as exc:
        if looks_like_pyproj and not re.search(r"^\s*[+{]|\[", text):
            # e.g. "VN-2000: Lạng Sơn", which looked like "AUTH:CODE"
            crs, key = _parse_vietnamese_name(text)
            if crs is not None:
                return crs
        raise ValueError(_unknown_message(value, key)) from exc


# --------------------------------------------------------------------------
# Merged provinces: the former province's zone, from the data
# --------------------------------------------------------------------------

_NO_COORDINATES = (
    "without the layer's coordinates the former province cannot be told",
    "chưa có tọa độ của lớp để biết dữ liệu thuộc tỉnh cũ nào",
)


def _dms(meridian: float) -> str:
    minutes = round(meridian * 60)
    return f"{minutes // 60}°{minutes % 60:02d}′"


def former_crs_name(zone: ProvinceZone) -> str:
    """How to name a former province's zone in ``workspace.toml``.

    The former name where it was dropped in 2025 (``"VN-2000 / Bắc Giang"``),
    the name marked "(cũ)" where a province of 2025 kept it
    (``"VN-2000 / Bắc Ninh (cũ)"``).

    Example
    -------
    >>> former_crs_name(zone_for_province("Bắc Giang")), former_crs_name(zone_for_province("Bắc Ninh"))
    ('VN-2000 / Bắc Giang', 'VN-2000 / Bắc Ninh (cũ)')
    """
    kept = _name_key(zone.province) in _province_2025_index()
    return f"VN-2000 / {zone.province}{' (cũ)' if kept else ''}"


class AmbiguousZoneError(ValueError):
    """A merged province's name whose zone the layer's coordinates cannot decide.

    Attributes
    ----------
    value : str
        The name as written.
    province : Province2025
        The merged province it names.
    message, fix : str
        What is wrong and what to do, Vietnamese first then English: the
        former provinces with their zones, and how to name one.
    """

    def __init__(self, value: str, province: Province2025, reason_en: str, reason_vi: str) -> None:
        self.value = value
        self.province = province
        listed_vi = "; ".join(
            f"{z.province} — “{former_crs_name(z)}”, kinh tuyến trục {_dms(z.central_meridian)} (EPSG:{z.epsg})"
            for z in province.former
        )
        listed_en = "; ".join(
            f"{z.province} — “{former_crs_name(z)}”, central meridian {_dms(z.central_meridian)} (EPSG:{z.epsg})"
            for z in province.former
        )
        self.message = (
            f"“{value}” chỉ {province.province} sau sắp xếp ngày 01/07/2025, gồm các tỉnh cũ trên các múi chiếu "
            f"khác nhau, và {reason_vi}. Các tỉnh cũ: {listed_vi} / “{value}” names {province.province} as merged "
            f"on 1 July 2025 from former provinces on different zones, and {reason_en}. The former provinces: "
            f"{listed_en}"
        )
        example = province.former[-1]  # a dropped name: the kept one is first
        self.fix = (
            f"Ghi múi chiếu của dữ liệu bằng tên tỉnh cũ trong workspace.toml, ví dụ "
            f'crs = "{former_crs_name(example)}" hoặc crs = "{former_crs_name(province.former[0])}" '
            f"(hoặc mã EPSG của múi) / Name the data's zone by its former province in workspace.toml, e.g. "
            f'crs = "{former_crs_name(example)}" or crs = "{former_crs_name(province.former[0])}" '
            f"(or the zone's EPSG code)."
        )
        super().__init__(f"{self.message}. {self.fix}")


@lru_cache(maxsize=32)
def _to_lonlat(meridian: float) -> pyproj.Transformer:
    """VN-2000 TM-3 metres on a meridian → VN-2000 lon/lat (no datum shift: boxes are coarser)."""
    return pyproj.Transformer.from_crs(_TM3_EPSG[meridian], 4756, always_xy=True)


def _inside(zone: ProvinceZone, lon: np.ndarray, lat: np.ndarray) -> bool:
    return any(bool(np.all((lon >= w) & (lon <= e) & (lat >= s) & (lat <= n))) for w, s, e, n in zone.extent)


def locate_former_province(
    province: Province2025,
    bounds: Sequence[float] | None,
    value: str | None = None,
) -> tuple[ProvinceZone, ...]:
    """The former provinces (all on one meridian) whose territory holds a layer.

    The layer's coordinates are projected metres of an unknown zone among
    the former provinces' zones. For each candidate meridian the layer's
    bounds (corners and edge midpoints) are inverse-projected to lon/lat,
    and a former province on that meridian counts when all of them fall in
    one of its extent boxes. Read in a wrong zone, data moves east or west
    by the difference of the meridians (0.25° ≈ 27 km or more).

    Parameters
    ----------
    province : Province2025
        A province of 2025.
    bounds : sequence of float or None
        ``(min_x, min_y, max_x, max_y)`` of the layer in metres.
    value : str, optional
        The name as written, for messages.

    Returns
    -------
    tuple of ProvinceZone
        The matching former provinces, all on one meridian; possibly two
        (the boxes of neighbours on one meridian overlap).

    Raises
    ------
    AmbiguousZoneError
        Without finite bounds, when no former province holds the layer, or
        when former provinces on different meridians do (a refusal, not a
        guess).

    Example
    -------
    >>> xy = (415_000.0, 2_352_500.0, 416_000.0, 2_353_500.0)  # TP Bắc Giang in TM-3 107-00
    >>> [z.province for z in locate_former_province(province_2025("Bắc Ninh"), xy)]
    ['Bắc Giang']
    """
    value = value or f"VN-2000 / {province.province}"
    if bounds is None or len(bounds) != 4 or not all(math.isfinite(float(b)) for b in bounds):
        raise AmbiguousZoneError(value, province, *_NO_COORDINATES)
    x0, y0, x1, y1 = (float(b) for b in bounds)
    xs, ys = np.meshgrid([x0, (x0 + x1) / 2, x1], [y0, (y0 + y1) / 2, y1])
    found: list[ProvinceZone] = []
    for meridian in province.meridians:
        lon, lat = _to_lonlat(meridian).transform(xs.ravel(), ys.ravel())
        found += [z for z in province.former if z.central_meridian == meridian and _inside(z, lon, lat)]
    if not found:
        raise AmbiguousZoneError(
            value,
            province,
            "the layer's coordinates fall in none of them when read in that province's zone",
            "tọa độ của lớp không rơi vào tỉnh cũ nào khi đọc theo múi của tỉnh đó",
        )
    if len({z.central_meridian for z in found}) > 1:
        both_en = " and ".join(f"{z.province} read in its zone ({_dms(z.central_meridian)})" for z in found)
        both_vi = " lẫn ".join(f"{z.province} (đọc theo múi {_dms(z.central_meridian)})" for z in found)
        raise AmbiguousZoneError(
            value,
            province,
            f"the layer's coordinates fit both {both_en}",
            f"tọa độ của lớp rơi được vào cả {both_vi}",
        )
    return tuple(found)


# --------------------------------------------------------------------------
# Inspecting CRSs
# --------------------------------------------------------------------------


def _norm(name: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", _fold(name or ""))


def _datum_key(crs: pyproj.CRS) -> str:
    geodetic = crs.geodetic_crs
    return _norm(geodetic.datum.name) if geodetic is not None and geodetic.datum is not None else ""


def is_vn2000(crs: pyproj.CRS) -> bool:
    """Whether a CRS (or a BoundCRS's source) is on the VN-2000 datum.

    True where the datum's name contains "VN_2000", "VN-2000" or
    "Vietnam_2000" (in any spelling; ESRI writes "D_Vietnam_2000") or the
    geodetic CRS is EPSG:4756.

    Parameters
    ----------
    crs : pyproj.CRS
        Any CRS.

    Returns
    -------
    bool
        Whether it is VN-2000.

    Example
    -------
    >>> is_vn2000(pyproj.CRS.from_epsg(9215)), is_vn2000(pyproj.CRS.from_epsg(4326))
    (True, False)
    """
    source = _unbound(crs)
    key = _datum_key(source)
    if "vn2000" in key or "vietnam2000" in key:
        return True
    geodetic = source.geodetic_crs
    return geodetic is not None and geodetic.to_epsg(min_confidence=100) == 4756


def _is_wgs84_datum(crs: pyproj.CRS) -> bool:
    key = _datum_key(crs)
    return key.startswith(("worldgeodeticsystem1984", "wgs84", "wgs1984", "dwgs1984"))


def _is_unknown_datum_on_wgs84(crs: pyproj.CRS) -> bool:
    geodetic = crs.geodetic_crs
    if geodetic is None or not _datum_key(crs).startswith("unknown"):
        return False
    ellipsoid = geodetic.ellipsoid
    return (
        ellipsoid is not None
        and abs(ellipsoid.semi_major_metre - 6378137.0) < 1e-3
        and abs(ellipsoid.inverse_flattening - 298.257223563) < 1e-6
    )


def _tm3_meridian(crs: pyproj.CRS) -> float | None:
    """The central meridian of a Vietnamese TM-3 projection, else None.

    Needs Transverse Mercator, k=0.9999, x0=500 km, y0=0, lat0=0 and a
    provincial central meridian (units taken from the parameters).
    """
    if not crs.is_projected or crs.is_bound:
        return None
    op = crs.coordinate_operation
    if op is None or op.method_code != "9807":
        return None
    values = {p.code: _number(p.value) * p.unit_conversion_factor for p in op.params}
    try:
        lat0, lon0 = math.degrees(values["8801"]), math.degrees(values["8802"])
        k, fe, fn = values["8805"], values["8806"], values["8807"]
    except KeyError:
        return None
    if abs(lat0) > _MERIDIAN_TOL or abs(k - _TM3_SCALE) > 1e-9:
        return None
    if abs(fe - _TM3_FALSE_EASTING) > 1e-3 or abs(fn) > 1e-3:
        return None
    meridian = _known_meridian(lon0)
    return meridian if meridian in _PROVINCIAL_MERIDIANS else None


def _bound_params(crs: pyproj.CRS) -> list[float] | None:
    op = crs.coordinate_operation if crs.is_bound else None
    if op is None:
        return None
    return [_number(p.value) for p in op.params]


def _number(value: str | float) -> float:
    """A numeric operation parameter's value (pyproj's stub types every value as text; a number's is a float)."""
    return float(value)


def _unbound(crs: pyproj.CRS) -> pyproj.CRS:
    """The CRS a bound CRS (one carrying a datum shift) is bound from; any other CRS itself."""
    source = crs.source_crs if crs.is_bound else None
    return crs if source is None else source


def describe_crs(crs: pyproj.CRS | None) -> str:
    """A short human description of a CRS.

    VN-2000 TM-3 zones are named by meridian and province, e.g.
    ``"VN-2000 / TM-3 107-15 (Lạng Sơn)"``; others by name and EPSG code.

    Parameters
    ----------
    crs : pyproj.CRS or None
        The CRS.

    Returns
    -------
    str
        The description; ``"no CRS"`` for None.

    Example
    -------
    >>> describe_crs(pyproj.CRS.from_epsg(9215))
    'VN-2000 / TM-3 107-15 (Lạng Sơn)'
    """
    if crs is None:
        return "no CRS"
    source = _unbound(crs)
    if is_vn2000(source):
        meridian = _tm3_meridian(source)
        if meridian is not None:
            provinces = [z.province for z in zones_on_meridian(meridian)]
            shown = ", ".join(provinces[:3]) + (f" +{len(provinces) - 3}" if len(provinces) > 3 else "")
            return f"VN-2000 / TM-3 {_meridian_label(meridian)} ({shown})"
    code = source.to_epsg(min_confidence=90)
    name = source.name if source.name and source.name.lower() != "unknown" else ""
    if not name:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            name = f"custom CRS {source.to_proj4()}"
    text = f"{name} (EPSG:{code})" if code and str(code) not in name else name
    if crs.is_bound and not is_vn2000(source):
        text += " with the datum shift it declares"
    return text


# --------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CRSResolution:
    """Which CRS a layer is read in, and why.

    Attributes
    ----------
    crs : pyproj.CRS or None
        The CRS to use; None only when ``issue == "missing"``.
    issue : str or None
        None (the file's CRS as it is); ``"missing"`` (no CRS, no override:
        an error); ``"assumed_vn2000"`` (a WGS 84 TM-3 on a provincial
        meridian, read as VN-2000: a warning); ``"datum_shift_added"``
        (VN-2000 without parameters, the official ones attached:
        information); ``"override"`` (the configured CRS replaced the
        file's).
    detail : str
        A short description of ``crs`` for messages, e.g.
        ``"VN-2000 / TM-3 107-15 (Lạng Sơn)"``; ``"no CRS"`` when missing.
    merged : Province2025 or None
        Where the override named a merged province on several meridians:
        that province (the zone was chosen from the layer's coordinates).
    former : tuple of ProvinceZone
        Then the former province(s) whose zone was chosen; else empty.
    """

    crs: pyproj.CRS | None
    issue: str | None
    detail: str
    merged: Province2025 | None = None
    former: tuple[ProvinceZone, ...] = ()

    def zone_choice(self, layer: str, value: str) -> tuple[str, str]:
        """The warning that a merged province's zone was chosen: (message, fix).

        Parameters
        ----------
        layer : str
            The layer's name, e.g. ``"parcels"``.
        value : str
            The CRS as configured, e.g. ``"VN-2000 / Bắc Ninh"``.

        Returns
        -------
        tuple of str
            Message and fix, Vietnamese first then English.
        """
        if self.merged is None or not self.former:
            raise ValueError("no zone was chosen from a merged province")
        names = " / ".join(z.province for z in self.former)
        zone = self.former[0]
        where_vi = f"{zone.zone_name} (kinh tuyến trục {_dms(zone.central_meridian)}, EPSG:{zone.epsg})"
        where_en = f"{zone.zone_name} (central meridian {_dms(zone.central_meridian)}, EPSG:{zone.epsg})"
        message = (
            f"“{value}” chỉ {self.merged.province} sau sắp xếp ngày 01/07/2025, gồm các tỉnh cũ trên nhiều múi chiếu; "
            f"lớp {layer} nằm trong tỉnh cũ {names} nên đã đọc theo múi của tỉnh đó: {where_vi} / "
            f"“{value}” names {self.merged.province} as merged on 1 July 2025 from former provinces on several "
            f"zones; layer {layer} lies in former {names}, so it was read in that province's zone: {where_en}"
        )
        fix = (
            f'Nếu đúng, ghi rõ crs = "{former_crs_name(zone)}" cho lớp này để khỏi cảnh báo; nếu sai, ghi tên '
            f'tỉnh cũ đúng / If right, write crs = "{former_crs_name(zone)}" for this layer to silence this; '
            "if wrong, name the right former province."
        )
        return message, fix


def _normalise(crs: pyproj.CRS) -> tuple[pyproj.CRS, str | None]:
    """Attach the official shift where VN-2000 lacks one; else unchanged."""
    if crs.is_bound:
        return crs, None
    if is_vn2000(crs):
        return with_official_shift(crs), "datum_shift_added"
    return crs, None


def resolve_crs(
    file_crs: pyproj.CRS | None,
    override: str | int | pyproj.CRS | None = None,
    bounds: Sequence[float] | None = None,
) -> CRSResolution:
    """Decide the CRS a layer is read in.

    Rules, in order:

    1. An ``override`` (from ``workspace.toml``) always wins (issue
       ``"override"``). It is read by :func:`parse_crs`; if it is VN-2000
       without parameters, or a Vietnamese TM-3 zone on the WGS 84 ellipsoid
       with no datum named (the PROJ string EPSG publishes for these zones),
       the official shift is attached. An override stating the WGS 84 datum
       or its own ``+towgs84`` is used as written. An override naming a
       province of 2025 merged from provinces on different meridians
       ("VN-2000 / Bắc Ninh") takes the zone of the former province whose
       territory holds ``bounds`` (:func:`locate_former_province`; the
       result names it in ``former``), and is refused where that cannot be
       decided.
    2. No file CRS: issue ``"missing"``.
    3. A file CRS with a transformation (a BoundCRS, ``TOWGS84``) is kept,
       except that a WGS 84 datum with all-zero ``TOWGS84`` (as GDAL used to
       write) counts as plain WGS 84.
    4. VN-2000 (by datum name or EPSG:4756 base; EPSG codes such as
       5897/9215 and ESRI ``.prj`` WKT alike) gets the official seven
       parameters: issue ``"datum_shift_added"``.
    5. A TM projection with k=0.9999, x0=500000 on a provincial central
       meridian but the WGS 84 datum (or an unnamed datum on the WGS 84
       ellipsoid) is read as VN-2000 in that zone with the official shift:
       issue ``"assumed_vn2000"``.
    6. Anything else (EPSG:4326, CRS84, UTM, ...) is kept unchanged.

    Parameters
    ----------
    file_crs : pyproj.CRS or None
        The CRS the file declares (anything pyproj reads is accepted).
    override : str, int, pyproj.CRS or None
        The configured CRS, in any form :func:`parse_crs` accepts.
    bounds : sequence of float, optional
        The layer's ``(min_x, min_y, max_x, max_y)`` as written in the file,
        to decide the zone of a merged province's name.

    Returns
    -------
    CRSResolution
        The CRS to use, the issue and a description.

    Raises
    ------
    AmbiguousZoneError
        If ``override`` names a merged province whose zone ``bounds`` cannot
        decide (a ValueError listing the former provinces and their zones).
    ValueError
        If ``override`` is not a CRS (see :func:`parse_crs`).

    Example
    -------
    >>> r = resolve_crs(pyproj.CRS.from_epsg(9215))
    >>> r.issue, r.detail
    ('datum_shift_added', 'VN-2000 / TM-3 107-15 (Lạng Sơn)')
    """
    if file_crs is not None and not isinstance(file_crs, pyproj.CRS):
        file_crs = pyproj.CRS.from_user_input(file_crs)

    if override is not None:
        parsed = _parse(override)
        if isinstance(parsed, Province2025):
            former = locate_former_province(parsed, bounds, str(override))
            crs = vn2000_tm3(former[0].central_meridian)
            return CRSResolution(crs, "override", describe_crs(crs), parsed, former)
        crs, _ = _normalise(parsed)
        meridian = _tm3_meridian(crs)
        if meridian is not None and _is_unknown_datum_on_wgs84(crs):
            crs = vn2000_tm3(meridian)  # EPSG's PROJ string for a TM-3 zone: no datum
        return CRSResolution(crs, "override", describe_crs(crs))

    if file_crs is None:
        return CRSResolution(None, "missing", "no CRS")

    crs = file_crs
    if crs.is_bound:
        params = _bound_params(crs)
        if not (_is_wgs84_datum(_unbound(crs)) and params is not None and not any(params)):
            return CRSResolution(crs, None, describe_crs(crs))
        crs = _unbound(crs)  # WGS 84 with TOWGS84[0,...] is plain WGS 84

    crs, added = _normalise(crs)
    if added:
        return CRSResolution(crs, "datum_shift_added", describe_crs(crs))

    meridian = _tm3_meridian(crs)
    if meridian is not None and (_is_wgs84_datum(crs) or _is_unknown_datum_on_wgs84(crs)):
        zone = vn2000_tm3(meridian)
        return CRSResolution(zone, "assumed_vn2000", describe_crs(zone))
    return CRSResolution(crs, None, describe_crs(crs))


# --------------------------------------------------------------------------
# Metric CRS and transformer
# --------------------------------------------------------------------------

_AREA_DISTORTING_METHODS = ("mercator", "equidistant cylindrical", "pseudo plate carree")


def _is_metric_projected(crs: pyproj.CRS) -> bool:
    source = _unbound(crs)
    if not source.is_projected:
        return False
    axes = source.axis_info[:2]
    if len(axes) < 2 or any(abs(a.unit_conversion_factor - 1.0) > 1e-12 for a in axes):
        return False
    op = source.coordinate_operation
    method = (op.method_name if op is not None else "").lower()
    return "transverse" in method or not any(m in method for m in _AREA_DISTORTING_METHODS)


def metric_crs(
    crs: pyproj.CRS,
    bounds_lonlat: tuple[float, float, float, float] | None = None,
) -> pyproj.CRS:
    """A projected CRS in metres in which to measure areas and lengths.

    A CRS already projected in metres is returned as it is, except Mercator
    and Plate Carrée world projections (Web Mercator inflates areas by ~15 %
    at Vietnam's latitudes). Otherwise the choice is made from the centre of
    ``bounds_lonlat`` (or, without bounds, of the CRS's area of use if that
    is at most 12° across):

    * in Vietnam: the VN-2000 TM-3 zone (with the official shift) of the
      provincial central meridian nearest to the centre. Cadastral areas
      (diện tích) are defined in these planes, so measured areas match the
      declared ones; the scale error within ±0.75° of the meridian is at most
      ~2 × 10⁻⁴ in area. The nearest meridian may belong to a neighbouring
      province (Hữu Lũng in Lạng Sơn lies nearer 106°30' than 107°15'); for
      areas that does not matter.
    * elsewhere: the WGS 84 UTM zone of the centre.

    Parameters
    ----------
    crs : pyproj.CRS
        The data's CRS.
    bounds_lonlat : tuple of float, optional
        ``(min_lon, min_lat, max_lon, max_lat)`` of the data in WGS 84
        degrees. Ignored when ``crs`` is already suitable.

    Returns
    -------
    pyproj.CRS
        A projected CRS whose units are metres, so areas are in m².

    Raises
    ------
    ValueError
        If a CRS must be chosen but there are neither bounds nor a small
        enough area of use.

    Example
    -------
    >>> metric_crs(pyproj.CRS.from_epsg(4326), (106.36, 21.47, 106.41, 21.52)).name
    'VN-2000 / TM-3 106-30'
    """
    if _is_metric_projected(crs):
        return crs
    if bounds_lonlat is not None:
        west, south, east, north = (float(b) for b in bounds_lonlat)
    else:
        area = _unbound(crs).area_of_use
        if area is None or (area.east - area.west) % 360 > 12 or area.north - area.south > 12:
            raise ValueError(
                f"Cannot choose a metric CRS for {describe_crs(crs)} without the data's bounds (pass bounds_lonlat)."
            )
        west, south, east, north = area.bounds
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValueError(f"Bounds are not finite: {bounds_lonlat!r}")
    lon, lat = (west + east) / 2, (south + north) / 2
    v_west, v_south, v_east, v_north = _VIETNAM_LONLAT
    if v_west <= lon <= v_east and v_south <= lat <= v_north:
        nearest = min(_PROVINCIAL_MERIDIANS, key=lambda m: (abs(m - lon), m))
        return vn2000_tm3(nearest)
    zone = min(max(int((lon + 180) // 6) + 1, 1), 60)
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def to_wgs84_transformer(crs: pyproj.CRS) -> pyproj.Transformer:
    """A transformer from ``crs`` to WGS 84 longitude/latitude (x=lon, y=lat).

    Use it on a CRS from :func:`resolve_crs` so VN-2000 data gets the
    official shift.

    Parameters
    ----------
    crs : pyproj.CRS
        The source CRS.

    Returns
    -------
    pyproj.Transformer
        With ``always_xy=True``.

    Example
    -------
    >>> t = to_wgs84_transformer(vn2000_tm3(105.0))
    >>> [round(v, 4) for v in t.transform(569100, 2333800)]  # doctest: +SKIP
    [105.6699, 21.0956]
    """
    return pyproj.Transformer.from_crs(crs, pyproj.CRS.from_epsg(4326), always_xy=True)
