"""Display geometry: a workspace's shapes made light for the browser, once per workspace and cached.

Shapes are simplified in the metric CRS (0.75 m for parcels), reprojected to
WGS 84, cut to 6 decimals (≈ 0.1 m) and encoded as compact JSON text
(:func:`_encode`, decoded in the page by :class:`geo.maps.elements.DataLayer`).
:func:`display_geometry` computes it once per workspace object.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from ..workspace import WGS84, Workspace

if TYPE_CHECKING:
    from pyproj import CRS

PARCEL_TOLERANCE_M = 0.75
"""Simplification tolerance for parcels, metres in the workspace's metric CRS."""
HAMLET_TOLERANCE_M = 2.0
"""Hamlet and project boundaries are drawn at metre scale anyway."""
PRECISION = 6
"""Decimals kept in WGS 84 degrees (1e-6° ≈ 0.11 m)."""


@dataclass
class DisplayGeometry:
    """A workspace's shapes ready for the browser: WGS 84, simplified, 6 decimals, as GeoJSON text.

    Arrays are aligned to the rows of the workspace layers (``ws.parcels``
    position *i* is ``parcel_shapes[i]``); ``""`` marks a shape that vanished.
    """

    parcel_shapes: np.ndarray
    parcel_bounds: np.ndarray  # (n, 4): west, south, east, north
    parcel_points: np.ndarray  # (n, 2): lat, lon of a representative point
    hamlet_shapes: dict[str, str]
    hamlet_bounds: dict[str, tuple[float, float, float, float]]
    hamlet_points: dict[str, tuple[float, float]]
    project_shapes: dict[str, str]
    project_bounds: dict[str, tuple[float, float, float, float]]
    grievance_points: dict[str, tuple[float, float]]
    bounds: tuple[float, float, float, float] | None
    parcel_index: pd.Index = field(default_factory=lambda: pd.Index([]))
    shape_bytes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


UNMAPPED_KINDS = frozenset({"denunciation"})
"""Grievance kinds never drawn as a point on any map: where a denunciation was filed from can name who
denounced (the Law on Denunciation protects the denouncer), so it counts in its hamlet's figures only."""


def mappable_grievances(g: pd.DataFrame) -> np.ndarray:
    """Which grievance rows may be a point on a map: located, and not of an :data:`UNMAPPED_KINDS` kind."""
    if not len(g) or "geometry" not in g:
        return np.zeros(len(g), dtype=bool)
    geoms = np.asarray(g["geometry"].to_numpy(), dtype=object)
    located = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    kinds = g["kind"].to_numpy(dtype=object) if "kind" in g else np.full(len(g), None, dtype=object)
    return np.asarray(located & ~np.isin(kinds, list(UNMAPPED_KINDS)), dtype=bool)


_DISPLAY_CACHE: dict[int, tuple[weakref.ref[Workspace], tuple[float, float], DisplayGeometry]] = {}


def _encode(arr: np.ndarray) -> np.ndarray:
    """Polygons as compact JSON text: ``[[ring, …], …]`` per polygon part.

    A ring is ``[lat0, lon0, dlat1, dlon1, …]`` in integer millionths of a
    degree (6 decimals, ≈ 0.1 m), the first vertex absolute and the others as
    differences, without the closing vertex. About half the size of GeoJSON;
    the page decodes it (``decodeRing`` in :class:`DataLayer`).
    """
    n = len(arr)
    out = np.full(n, "", dtype=object)
    good = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    if not good.any():
        return out
    geom_pos = np.flatnonzero(good)
    parts, part_idx = shapely.get_parts(arr[good], return_index=True)
    keep = np.isin(shapely.get_type_id(parts), (3,))  # polygons only
    parts, part_idx = parts[keep], part_idx[keep]
    rings, ring_idx = shapely.get_rings(parts, return_index=True)
    coords, coord_idx = shapely.get_coordinates(rings, return_index=True)
    ints = np.rint(coords[:, ::-1] * 10**PRECISION).astype(np.int64)  # lat, lon
    starts = np.searchsorted(coord_idx, np.arange(len(rings)))
    ends = np.searchsorted(coord_idx, np.arange(len(rings)), side="right") - 1  # drop the closing vertex
    # differences from the previous vertex, the first vertex of each ring absolute; the numbers are
    # turned into text by numpy, a block of rings at a time (bounded memory), and joined per ring
    delta = np.empty_like(ints)
    if len(ints):
        delta[0] = ints[0]
        np.subtract(ints[1:], ints[:-1], out=delta[1:])
    drawn = ends - starts >= 3
    delta[starts[drawn]] = ints[starts[drawn]]
    ring_text = [""] * len(rings)
    block = 20_000
    for first in range(0, len(rings), block):
        chunk = np.flatnonzero(drawn[first : first + block]) + first
        if not len(chunk):
            continue
        c0 = int(starts[chunk[0]])
        words = delta[c0 : int(ends[chunk[-1]])].astype(str).ravel().tolist()
        for r in chunk:
            a, b = 2 * (int(starts[r]) - c0), 2 * (int(ends[r]) - c0)
            ring_text[r] = "[" + ",".join(words[a:b]) + "]"
    polys: dict[int, list[str]] = {}
    for text, pidx in zip(ring_text, ring_idx):
        if text:
            polys.setdefault(int(pidx), []).append(text)
    geoms: dict[int, list[str]] = {}
    for pidx, rs in polys.items():
        geoms.setdefault(int(part_idx[pidx]), []).append("[" + ",".join(rs) + "]")
    for gi, ps in geoms.items():
        out[geom_pos[gi]] = "[" + ",".join(ps) + "]"
    return out


def _to_display(geoms: np.ndarray, crs: CRS | None, tolerance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simplify in the metric CRS, reproject, round; encoded shapes, bounds and label points."""
    import geopandas as gpd

    n = len(geoms)
    if n == 0:
        return np.array([], dtype=object), np.zeros((0, 4)), np.zeros((0, 2))
    geoms = np.asarray(geoms, dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    simple = geoms.copy()
    if tolerance > 0:
        simple[ok] = shapely.simplify(geoms[ok], tolerance, preserve_topology=True)
    points = np.full(n, None, dtype=object)
    points[ok] = shapely.point_on_surface(geoms[ok])
    series = gpd.GeoSeries(simple, crs=crs)
    pts = gpd.GeoSeries(points, crs=crs)
    if crs is not None:
        series = series.to_crs(WGS84)
        pts = pts.to_crs(WGS84)
    arr = series.to_numpy()
    arr = shapely.transform(arr, lambda c: np.round(c, PRECISION))
    text = _encode(arr)
    good = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    bounds = np.full((n, 4), np.nan)
    if good.any():
        bounds[good] = shapely.bounds(arr[good])
    lonlat = np.full((n, 2), np.nan)
    parr = pts.to_numpy()
    pok = ~(shapely.is_missing(parr) | shapely.is_empty(parr))
    if pok.any():
        lonlat[pok, 0] = np.round(shapely.get_y(parr[pok]), PRECISION)
        lonlat[pok, 1] = np.round(shapely.get_x(parr[pok]), PRECISION)
    return text, bounds, lonlat


def _label_points(geoms: np.ndarray, crs: CRS | None, fallback: np.ndarray) -> np.ndarray:
    """``(lat, lon)`` of the centre of each shape's largest inscribed circle: where a name has the most
    room (the point on the surface of a long, thin hamlet can sit at its edge). ``fallback`` where it fails."""
    import geopandas as gpd

    out = fallback.copy()
    geoms = np.asarray(geoms, dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    ok &= np.isin(shapely.get_type_id(geoms), (3, 6))
    if not ok.any():
        return out
    try:
        centres = shapely.get_point(shapely.maximum_inscribed_circle(geoms[ok]), 0)
    except Exception:  # noqa: BLE001 - an odd shape keeps its point on the surface
        return out
    pts = gpd.GeoSeries(centres, crs=crs)
    if crs is not None:
        pts = pts.to_crs(WGS84)
    arr = pts.to_numpy()
    good = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    rows = np.flatnonzero(ok)[good]
    out[rows, 0] = np.round(shapely.get_y(arr[good]), PRECISION)
    out[rows, 1] = np.round(shapely.get_x(arr[good]), PRECISION)
    return out


def display_geometry(
    ws: Workspace, parcel_tolerance: float = PARCEL_TOLERANCE_M, hamlet_tolerance: float = HAMLET_TOLERANCE_M
) -> DisplayGeometry:
    """The workspace's display geometry, computed once per workspace object and cached.

    Parameters
    ----------
    ws : Workspace
    parcel_tolerance, hamlet_tolerance : float
        Simplification tolerance in metres (the workspace CRS is metric).

    Returns
    -------
    DisplayGeometry
    """
    key = (parcel_tolerance, hamlet_tolerance)
    hit = _DISPLAY_CACHE.get(id(ws))
    if hit is not None and hit[0]() is ws and hit[1] == key:
        return hit[2]
    disp = _compute_display(ws, parcel_tolerance, hamlet_tolerance)
    _DISPLAY_CACHE[id(ws)] = (weakref.ref(ws), key, disp)
    weakref.finalize(ws, _DISPLAY_CACHE.pop, id(ws), None)
    return disp


def _compute_display(ws: Workspace, parcel_tol: float, hamlet_tol: float) -> DisplayGeometry:
    crs = ws.crs
    p_text, p_bounds, p_points = _to_display(ws.parcels.geometry.to_numpy(), crs, parcel_tol)
    h = ws.hamlets
    h_text, h_bounds, h_points = _to_display(h.geometry.to_numpy(), crs, hamlet_tol)
    h_points = _label_points(h.geometry.to_numpy(), crs, h_points)
    hids = h["hamlet_id"].astype(str).to_numpy()
    hamlet_shapes = {k: t for k, t in zip(hids, h_text) if t}
    hamlet_bounds = {k: tuple(b) for k, b in zip(hids, h_bounds) if np.isfinite(b).all()}
    hamlet_points = {k: tuple(pt) for k, pt in zip(hids, h_points) if np.isfinite(pt).all()}
    project_shapes: dict[str, str] = {}
    project_bounds: dict[str, tuple[float, float, float, float]] = {}
    pr = ws.projects
    if len(pr) and "geometry" in pr and pr.geometry.notna().any():
        geoms = pr.geometry.to_numpy()
        polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))
        if polygonal.any():
            polygons = geoms.copy()
            polygons[~polygonal] = None
            pr_text, pr_bounds, _ = _to_display(polygons, crs, hamlet_tol)
            for pid, t, b in zip(pr["project_id"].astype(str), pr_text, pr_bounds):
                if t:
                    project_shapes[pid] = t
                    project_bounds[pid] = tuple(b)
    grievance_points: dict[str, tuple[float, float]] = {}
    g = ws.grievances
    mappable = mappable_grievances(g)
    if mappable.any():
        has = g[mappable]
        pts = has.geometry.to_crs(WGS84) if crs is not None else has.geometry
        ys = np.round(shapely.get_y(pts.to_numpy()), PRECISION)
        xs = np.round(shapely.get_x(pts.to_numpy()), PRECISION)
        grievance_points = dict(zip(has["grievance_id"].astype(str), zip(ys.tolist(), xs.tolist())))
    finite = np.isfinite(h_bounds).all(axis=1)
    if finite.any():
        hb = h_bounds[finite]
        bounds = (hb[:, 0].min(), hb[:, 1].min(), hb[:, 2].max(), hb[:, 3].max())
    elif np.isfinite(p_bounds).all(axis=1).any():
        pb = p_bounds[np.isfinite(p_bounds).all(axis=1)]
        bounds = (pb[:, 0].min(), pb[:, 1].min(), pb[:, 2].max(), pb[:, 3].max())
    else:
        bounds = None
    return DisplayGeometry(
        parcel_shapes=p_text,
        parcel_bounds=p_bounds,
        parcel_points=p_points,
        hamlet_shapes=hamlet_shapes,
        hamlet_bounds=hamlet_bounds,
        hamlet_points=hamlet_points,
        project_shapes=project_shapes,
        project_bounds=project_bounds,
        grievance_points=grievance_points,
        bounds=bounds,
        parcel_index=ws.parcels.index,
        shape_bytes=np.fromiter((len(t) for t in p_text), dtype=np.int64, count=len(p_text)),
    )
