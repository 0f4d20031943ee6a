"""The fixed geography: commune outline, the ten hamlets, the road and the project footprints.

None of it depends on the user's seed; it is drawn in VN-2000 metres and turned into place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer

from .presets import _DT, _HS

_LAYOUT_SEED = 7_2025  # fixed geography, independent of the user's seed
# The geography is drawn with Đồng Tân east of Hồ Sơn around (106.405, 21.500), then turned and
# moved to where the two former communes lie (Đồng Tân north-west of Hồ Sơn, 2009 boundaries).
_DESIGN_CENTRE = (106.405, 21.500)
_PLACE_CENTRE = (106.381, 21.509)
_TURN_DEG = 130.0
_MEAN_PARCEL_M2 = 1000.0  # target mean parcel size at the default density
_ROAD_HALF_WIDTH = 16.0  # m, half width of the road corridor acquired


@dataclass(frozen=True)
class _Hamlet:
    hamlet_id: str
    name: str
    commune: str
    lon: float
    lat: float
    officer: str
    reporter: str
    axis_deg: float  # direction of parcel elongation


# lon/lat of the centres as drawn, before :func:`_place` turns the geography into place
_HAMLETS: tuple[_Hamlet, ...] = (
    _Hamlet("HS01", "Thôn Đồng Tâm", _HS, 106.3985, 21.5035, "Hoàng Văn Thành", "Nông Văn Quý", 95),
    _Hamlet("HS02", "Thôn Lân Hoài", _HS, 106.3770, 21.5095, "Lương Thị Hằng", "Vi Văn Hậu", 75),
    _Hamlet("HS03", "Thôn Tân Hồ", _HS, 106.3850, 21.4965, "Nguyễn Đức Mạnh", "Lăng Văn Sáu", 120),
    _Hamlet("HS04", "Thôn Đồng Mỏ", _HS, 106.4030, 21.4830, "Trần Thị Thu Hà", "Hà Văn Chung", 30),
    _Hamlet("HS05", "Thôn Đồng Bé", _HS, 106.3770, 21.4880, "Lê Minh Tuấn", "Triệu Văn Khải", 160),
    _Hamlet("HS06", "Thôn Khuôn Hà", _HS, 106.3935, 21.5180, "Phạm Văn Long", "Chu Thị Mến", 10),
    _Hamlet("DT01", "Thôn Đồng Tân", _DT, 106.4240, 21.5040, "Đinh Văn Hưng", "Lý Văn Bằng", 100),
    _Hamlet("DT02", "Thôn Đồng Lầm", _DT, 106.4355, 21.4990, "Vũ Thị Ngọc Lan", "Bế Văn Tình", 70),
    _Hamlet("DT03", "Thôn Na Hoa", _DT, 106.4275, 21.4875, "Dương Văn Kiên", "Mã Thị Dung", 140),
    _Hamlet("DT04", "Thôn Khuôn Thần", _DT, 106.4280, 21.5150, "Ninh Văn Tú", "Hứa Văn Ba", 45),
)
_STORY_PRICE = "HS03"  # mounting grievances on compensation price (CCN), gathering risk
_STORY_LANDTYPE = "DT02"  # agitated about land-type classification on the road
_SILENT = "DT04"  # stopped reporting three weeks ago
_CALM = ("HS04", "HS06", "DT04")  # no open grievances

_ROAD_LONLAT = [
    (106.3530, 21.5105),
    (106.3650, 21.5085),
    (106.3770, 21.5060),
    (106.3860, 21.4995),
    (106.3960, 21.5005),
    (106.4080, 21.4990),
    (106.4180, 21.5005),
    (106.4260, 21.5025),
    (106.4370, 21.4990),
    (106.4470, 21.4965),
    (106.4560, 21.4950),
]

_PROJECTS: list[dict[str, Any]] = [
    # id, name, level, deadline offset (days from as_of), share of household rows,
    # round start offsets (days before as_of), gaps between stages (days)
    {
        "project_id": "DA-DT242",
        "project_name": "Đường tỉnh ĐT.242 đoạn qua xã",
        "level": "tinh",
        "deadline": -81,
        "share": 0.50,
        "starts": (242, 226, 205),
        "gaps": (18, 24, 12, 25, 8, 20, 15),
    },
    {
        "project_id": "DA-CCN",
        "project_name": "Cụm công nghiệp Hồ Sơn",
        "level": "tinh",
        "deadline": 222,
        "share": 0.36,
        "starts": (225, 150, 60),
        "gaps": (30, 35, 20, 35, 15, 30, 25),
    },
    {
        "project_id": "DA-TDC",
        "project_name": "Khu tái định cư thôn Đồng Tâm",
        "level": "xa",
        "deadline": 41,
        "share": 0.14,
        "starts": (185, 135),
        "gaps": (20, 25, 15, 30, 10, 25, 20),
    },
]
_STAGE_JITTER = np.array([0, 12, 3, 0, 2, 3, 10, 12])


@cache
def to_metres() -> Transformer:
    """WGS 84 lon/lat to VN-2000 / TM-3 107-15 metres (EPSG:9215), built on first use."""
    return Transformer.from_crs("EPSG:4326", "EPSG:9215", always_xy=True)


@cache
def to_lonlat() -> Transformer:
    """VN-2000 / TM-3 107-15 metres (EPSG:9215) to WGS 84 lon/lat, built on first use."""
    return Transformer.from_crs("EPSG:9215", "EPSG:4326", always_xy=True)


def _ll_to_m(lon: npt.ArrayLike, lat: npt.ArrayLike) -> np.ndarray:
    """WGS 84 lon/lat to VN-2000 / TM-3 107-15 metres (EPSG:9215, official shift)."""
    x, y = to_metres().transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.column_stack([x, y])


def _geoms_to_ll(geoms: np.ndarray, decimals: int = 8) -> np.ndarray:
    """VN-2000 / TM-3 geometries to WGS 84 lon/lat, rounded to ``decimals``."""

    def f(c: np.ndarray) -> np.ndarray:
        lon, lat = to_lonlat().transform(c[:, 0], c[:, 1])
        return np.round(np.column_stack([lon, lat]), decimals)

    return shapely.transform(geoms, f)


def _star(
    cx: float,
    cy: float,
    rx: float,
    ry: float,
    rng: np.random.Generator,
    n: int = 96,
    amp: float = 0.22,
    rot: float = 0.0,
) -> shapely.Polygon:
    """Irregular closed blob around (cx, cy) with radii rx, ry (same units)."""
    th = np.linspace(0, 2 * np.pi, n, endpoint=False)
    g = np.zeros(n)
    for k in (2, 3, 5, 7, 11):
        g += rng.normal(0, 1.0 / k) * np.sin(k * th + rng.uniform(0, 2 * np.pi))
    g = g / max(np.abs(g).max(), 1e-9)
    f = 1 - amp + amp * g
    x, y = rx * f * np.cos(th), ry * f * np.sin(th)
    c, s = np.cos(rot), np.sin(rot)
    return shapely.Polygon(np.column_stack([cx + c * x - s * y, cy + s * x + c * y]))


def _chaikin(pts: np.ndarray, n: int = 3) -> np.ndarray:
    """Smooth a polyline by ``n`` rounds of Chaikin corner cutting (ends kept)."""
    for _ in range(n):
        q = 0.75 * pts[:-1] + 0.25 * pts[1:]
        r = 0.25 * pts[:-1] + 0.75 * pts[1:]
        mid = np.empty((2 * len(q), 2))
        mid[0::2], mid[1::2] = q, r
        pts = np.vstack([pts[:1], mid, pts[-1:]])
    return pts


@dataclass
class _Layout:
    outline: shapely.Polygon
    communes: dict[str, shapely.Geometry]
    hamlets: list[shapely.Geometry]  # metres, same order as _HAMLETS
    centres: np.ndarray  # (10, 2) metres
    road: shapely.LineString
    footprints: dict[str, shapely.Geometry]  # metres
    core: shapely.Geometry  # settled land at the lowest density
    road_tree: Any = None  # lazily built KD-tree (scipy's cKDTree) of the road's vertices


def _build_layout() -> _Layout:
    """Build the fixed geography in VN-2000 metres."""
    rng = np.random.default_rng(_LAYOUT_SEED)
    # commune outline: an irregular blob in lon/lat inside 106.36-106.45 x 21.47-21.53
    th = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    g = np.zeros_like(th)
    for k in range(2, 40):
        g += k**-1.3 * rng.normal() * np.sin(k * th + rng.uniform(0, 2 * np.pi))
    g = g / np.abs(g).max()
    f = 0.84 + 0.16 * g
    lon = 106.405 + 0.0448 * f * np.cos(th)
    lat = 21.500 + 0.0298 * f * np.sin(th)
    outline = shapely.Polygon(_ll_to_m(lon, lat))
    # boundary between the former communes: a wiggly north-south line
    lat_b = np.linspace(21.46, 21.54, 160)
    lon_b = (
        106.4150 + 0.0025 * np.sin(lat_b * 900) + 0.0012 * np.sin(lat_b * 2300 + 1) + 0.0005 * np.sin(lat_b * 1500 + 2)
    )
    line = _ll_to_m(lon_b, lat_b)
    west = shapely.Polygon(np.vstack([line, _ll_to_m([106.30, 106.30], [21.54, 21.46])]))
    communes = {_HS: shapely.intersection(outline, west), _DT: shapely.difference(outline, west)}
    centres = _ll_to_m([h.lon for h in _HAMLETS], [h.lat for h in _HAMLETS])

    # hamlets: label a jittered 40 m lattice by the nearest seed under a smooth noisy
    # distance, dissolve its Voronoi cells and simplify the result as a coverage
    hamlets: list[shapely.Geometry] = [shapely.Polygon()] * len(_HAMLETS)
    for code, part in communes.items():
        idx = [i for i, h in enumerate(_HAMLETS) if h.commune == code]
        x0, y0, x1, y1 = part.bounds
        gx, gy = np.meshgrid(np.arange(x0, x1, 40.0), np.arange(y0, y1, 40.0))
        xy = np.column_stack([gx.ravel(), gy.ravel()]) + rng.uniform(-15, 15, (gx.size, 2))
        xy = xy[shapely.contains_xy(part, xy[:, 0], xy[:, 1])]
        score = np.empty((len(xy), len(idx)))
        for j, i in enumerate(idx):
            noise = np.zeros(len(xy))
            for _ in range(6):
                a, wl = rng.uniform(0, np.pi), rng.uniform(700, 2600)
                noise += np.sin(2 * np.pi / wl * (xy @ [np.cos(a), np.sin(a)]) + rng.uniform(0, 2 * np.pi))
            score[:, j] = np.hypot(*(xy - centres[i]).T) + 110 * noise
        label = score.argmin(1)
        env = shapely.box(x0 - 5000, y0 - 5000, x1 + 5000, y1 + 5000)
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=env, ordered=True))
        cells = shapely.intersection(cells, part)
        polys = [shapely.coverage_union_all(cells[label == j]) for j in range(len(idx))]
        # keep each hamlet in one piece; give stray pieces to the longest-bordering hamlet
        strays: list[shapely.Geometry] = []
        for j, p in enumerate(polys):
            parts = shapely.get_parts(p)
            if len(parts) > 1:
                keep = int(np.argmax(shapely.area(parts)))
                polys[j] = parts[keep]
                strays += [q for k, q in enumerate(parts) if k != keep]
        for q in strays:
            shared = [shapely.length(shapely.intersection(shapely.boundary(q), shapely.buffer(p, 0.5))) for p in polys]
            j = int(np.argmax(shared))
            polys[j] = shapely.union(polys[j], q)
        polys = shapely.coverage_simplify(np.array(polys, dtype=object), 70.0, simplify_boundary=False)
        for j, i in enumerate(idx):
            hamlets[i] = shapely.normalize(polys[j])

    road_pts = _chaikin(_ll_to_m(*np.array(_ROAD_LONLAT).T), 4)
    road = shapely.LineString(road_pts)
    road_fp = shapely.intersection(shapely.buffer(road, _ROAD_HALF_WIDTH, cap_style="flat"), outline)
    road_clear = shapely.buffer(road, 30)
    ccn_c = _ll_to_m([106.3860], [21.4890])[0]
    ccn = _star(ccn_c[0], ccn_c[1], 560, 400, rng, amp=0.18, rot=0.35)
    tdc_c = _ll_to_m([106.4015], [21.5045])[0]
    tdc = _star(tdc_c[0], tdc_c[1], 130, 95, rng, amp=0.12, rot=-0.2)
    footprints = {
        "DA-DT242": road_fp,
        "DA-CCN": shapely.difference(shapely.intersection(ccn, outline), road_clear),
        "DA-TDC": shapely.difference(shapely.intersection(tdc, outline), road_clear),
    }
    blobs = [shapely.buffer(road, 70)]
    for c in centres:  # the village, and two strips of fields along valleys
        blobs.append(_star(c[0], c[1], 360, 190, rng, amp=0.3, rot=rng.uniform(0, np.pi)))
        for _ in range(2):
            a, r = rng.uniform(0, 2 * np.pi), rng.uniform(500, 900)
            blobs.append(
                _star(c[0] + r * np.cos(a), c[1] + r * np.sin(a), 380, 110, rng, amp=0.3, rot=a + rng.normal(0, 0.4))
            )
    blobs += [ccn, tdc]
    core = shapely.intersection(shapely.union_all(blobs), outline)
    return _place(_Layout(outline, communes, hamlets, centres, road, footprints, core))


def _place(lay: _Layout) -> _Layout:
    """Turn the drawn geography by ``_TURN_DEG`` and move it to ``_PLACE_CENTRE`` (metres)."""
    from shapely import affinity

    pivot = _ll_to_m([_DESIGN_CENTRE[0]], [_DESIGN_CENTRE[1]])[0]
    shift = _ll_to_m([_PLACE_CENTRE[0]], [_PLACE_CENTRE[1]])[0] - pivot

    def move(g: shapely.Geometry) -> shapely.Geometry:
        turned = affinity.rotate(g, _TURN_DEG, origin=(pivot[0], pivot[1]))
        return affinity.translate(turned, shift[0], shift[1])

    a = np.deg2rad(_TURN_DEG)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    centres = (lay.centres - pivot) @ rot.T + pivot + shift
    return _Layout(
        move(lay.outline),
        {k: move(v) for k, v in lay.communes.items()},
        [move(h) for h in lay.hamlets],
        centres,
        move(lay.road),
        {k: move(v) for k, v in lay.footprints.items()},
        move(lay.core),
    )
