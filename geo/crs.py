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

Post-2025 provinces
-------------------
The table lists the 63 provinces of 2008–2025 only. Since 1 July 2025 there
are 34, many of them merged from provinces on different meridians (new
Tuyên Quang = Tuyên Quang 106°00' + Hà Giang 105°30'), and cadastral sheets
keep the zone they were drawn in. A post-2025 name that is also a former
province's name ("Lạng Sơn", "Tuyên Quang") resolves to that former
province's meridian; where that is wrong for the data, name the zone
("VN-2000 / TM-3 105-30") or its EPSG code instead.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral

import pyproj
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion
from pyproj.exceptions import CRSError

__all__ = [
    "VN2000_TOWGS84",
    "VN2000_ZONES",
    "CRSResolution",
    "ProvinceZone",
    "describe_crs",
    "is_vn2000",
    "metric_crs",
    "parse_crs",
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


@dataclass(frozen=True)
class ProvinceZone:
    """One province's VN-2000 3-degree TM zone.

    Attributes
    ----------
    province : str
        Vietnamese name with diacritics, without "Tỉnh"/"Thành phố".
    central_meridian : float
        Central meridian (kinh tuyến trục) in decimal degrees east.
    epsg : int or None
        EPSG code of the VN-2000 TM-3 projected CRS on that meridian.
    aliases : tuple of str
        Other accepted names (matched like ``province``).
    """

    province: str
    central_meridian: float
    epsg: int | None
    aliases: tuple[str, ...] = ()

    @property
    def zone_name(self) -> str:
        """The zone's name in EPSG style, e.g. ``"VN-2000 / TM-3 107-15"``."""
        return f"VN-2000 / TM-3 {_meridian_label(self.central_meridian)}"


def _z(province: str, meridian: float, epsg: int, *aliases: str) -> ProvinceZone:
    return ProvinceZone(province, meridian, epsg, tuple(aliases))


#: The 63 provinces (2008–2025) and their central meridians (Thông tư
#: 973/2001/TT-TCĐC), ordered by meridian.
VN2000_ZONES: tuple[ProvinceZone, ...] = (
    _z("Lai Châu", 103.0, 9205),
    _z("Điện Biên", 103.0, 9205),
    _z("Sơn La", 104.0, 9206),
    _z("Kiên Giang", 104.5, 9207),
    _z("Cà Mau", 104.5, 9207),
    _z("Lào Cai", 104.75, 9208),
    _z("Yên Bái", 104.75, 9208),
    _z("Nghệ An", 104.75, 9208),
    _z("Phú Thọ", 104.75, 9208),
    _z("An Giang", 104.75, 9208),
    _z("Hà Nội", 105.0, 5897, "Hà Tây"),
    _z("Thanh Hóa", 105.0, 5897),
    _z("Vĩnh Phúc", 105.0, 5897),
    _z("Đồng Tháp", 105.0, 5897),
    _z("Cần Thơ", 105.0, 5897),
    _z("Hậu Giang", 105.0, 5897),
    _z("Bạc Liêu", 105.0, 5897),
    _z("Ninh Bình", 105.0, 5897),
    _z("Hà Nam", 105.0, 5897),
    _z("Hà Giang", 105.5, 9209),
    _z("Hải Dương", 105.5, 9209),
    _z("Hà Tĩnh", 105.5, 9209),
    _z("Bắc Ninh", 105.5, 9209),
    _z("Hưng Yên", 105.5, 9209),
    _z("Thái Bình", 105.5, 9209),
    _z("Nam Định", 105.5, 9209),
    _z("Tây Ninh", 105.5, 9209),
    _z("Vĩnh Long", 105.5, 9209),
    _z("Sóc Trăng", 105.5, 9209),
    _z("Trà Vinh", 105.5, 9209),
    _z("Cao Bằng", 105.75, 9210),
    _z("Long An", 105.75, 9210),
    _z("Tiền Giang", 105.75, 9210),
    _z("Bến Tre", 105.75, 9210),
    _z("Hải Phòng", 105.75, 9210),
    _z("Hồ Chí Minh", 105.75, 9210, "HCM", "TPHCM", "HCMC", "Sài Gòn", "Ho Chi Minh City"),
    _z("Bình Dương", 105.75, 9210),
    _z("Tuyên Quang", 106.0, 9211),
    _z("Hòa Bình", 106.0, 9211),
    _z("Quảng Bình", 106.0, 9211),
    _z("Quảng Trị", 106.25, 9212),
    _z("Bình Phước", 106.25, 9212),
    _z("Bắc Kạn", 106.5, 9213, "Bắc Cạn"),
    _z("Thái Nguyên", 106.5, 9213),
    _z("Bắc Giang", 107.0, 9214),
    _z("Thừa Thiên Huế", 107.0, 9214, "Huế"),
    _z("Lạng Sơn", 107.25, 9215),
    _z("Kon Tum", 107.5, 9216),
    _z("Quảng Ninh", 107.75, 5899),
    _z("Đồng Nai", 107.75, 5899),
    _z("Bà Rịa - Vũng Tàu", 107.75, 5899, "Vũng Tàu", "BRVT"),
    _z("Quảng Nam", 107.75, 5899),
    _z("Lâm Đồng", 107.75, 5899),
    _z("Đà Nẵng", 107.75, 5899),
    _z("Quảng Ngãi", 108.0, 5898),
    _z("Ninh Thuận", 108.25, 9217),
    _z("Khánh Hòa", 108.25, 9217),
    _z("Bình Định", 108.25, 9217),
    _z("Đắk Lắk", 108.5, 9218),
    _z("Đắk Nông", 108.5, 9218),
    _z("Phú Yên", 108.5, 9218),
    _z("Gia Lai", 108.5, 9218),
    _z("Bình Thuận", 108.5, 9218),
)

#: EPSG's VN-2000 projected TM-3 CRSs by central meridian. Covers every
#: provincial meridian plus 102°00' (zone 481), which no province uses.
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
    """Lower-case, drop diacritics, and read đ/Đ as d (NFD leaves đ alone)."""
    text = unicodedata.normalize("NFKC", text).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return text.casefold()


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


@lru_cache(maxsize=1)
def _province_index() -> dict[str, ProvinceZone]:
    index: dict[str, ProvinceZone] = {}
    for zone in VN2000_ZONES:
        for name in (zone.province, *zone.aliases):
            key = "".join(_strip_noise(_tokens(name)))
            if key in index and index[key] is not zone:  # pragma: no cover - table bug
                raise AssertionError(f"duplicate province key {key!r}")
            index[key] = zone
    return index


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
    """Find a province's zone by name.

    Case, diacritics (đ counting as d), spaces, hyphens and underscores are
    ignored, as are the words "Tỉnh", "Thành phố"/"TP".

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
    key = "".join(_strip_noise(_tokens(name)))
    zone = _province_index().get(key)
    if zone is None:
        raise ValueError(_unknown_message(name, key))
    return zone


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
    source = crs.source_crs if crs.is_bound else crs
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
    epsg = _TM3_EPSG.get(meridian)
    if epsg is not None:
        source = pyproj.CRS.from_epsg(epsg)
    else:  # pragma: no cover - every known meridian has an EPSG code today
        source = ProjectedCRS(
            name=f"VN-2000 / TM-3 {_meridian_label(meridian)}",
            conversion=TransverseMercatorConversion(
                latitude_natural_origin=0.0,
                longitude_natural_origin=meridian,
                false_easting=_TM3_FALSE_EASTING,
                false_northing=0.0,
                scale_factor_natural_origin=_TM3_SCALE,
            ),
            geodetic_crs=pyproj.CRS.from_epsg(4756),
        )
    return with_official_shift(source)


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


def _parse_vietnamese_name(text: str) -> tuple[pyproj.CRS | None, str]:
    """Read a VN-2000 zone name; return (CRS or None, the remaining key)."""
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
        key = "".join(rest)
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
      province name;
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
        return parse_crs(int(text))
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
    source = crs.source_crs if crs.is_bound else crs
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
    values = {p.code: p.value * p.unit_conversion_factor for p in op.params}
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
    return [p.value for p in op.params]


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
    source = crs.source_crs if crs.is_bound else crs
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
    """

    crs: pyproj.CRS | None
    issue: str | None
    detail: str


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
) -> CRSResolution:
    """Decide the CRS a layer is read in.

    Rules, in order:

    1. An ``override`` (from ``workspace.toml``) always wins (issue
       ``"override"``). It is read by :func:`parse_crs`; if it is VN-2000
       without parameters, or a Vietnamese TM-3 zone on the WGS 84 ellipsoid
       with no datum named (the PROJ string EPSG publishes for these zones),
       the official shift is attached. An override stating the WGS 84 datum
       or its own ``+towgs84`` is used as written.
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

    Returns
    -------
    CRSResolution
        The CRS to use, the issue and a description.

    Raises
    ------
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
        crs, _ = _normalise(parse_crs(override))
        meridian = _tm3_meridian(crs)
        if meridian is not None and _is_unknown_datum_on_wgs84(crs):
            crs = vn2000_tm3(meridian)  # EPSG's PROJ string for a TM-3 zone: no datum
        return CRSResolution(crs, "override", describe_crs(crs))

    if file_crs is None:
        return CRSResolution(None, "missing", "no CRS")

    crs = file_crs
    if crs.is_bound:
        params = _bound_params(crs)
        if not (_is_wgs84_datum(crs.source_crs) and params is not None and not any(params)):
            return CRSResolution(crs, None, describe_crs(crs))
        crs = crs.source_crs  # WGS 84 with TOWGS84[0,...] is plain WGS 84

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
    source = crs.source_crs if crs.is_bound else crs
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
        area = (crs.source_crs if crs.is_bound else crs).area_of_use
        if area is None or (area.east - area.west) % 360 > 12 or area.north - area.south > 12:
            raise ValueError(
                f"Cannot choose a metric CRS for {describe_crs(crs)} without the data's bounds "
                "(pass bounds_lonlat)."
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
