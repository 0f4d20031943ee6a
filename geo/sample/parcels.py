"""Parcels: Voronoi geometries over the settled land, land use, map-sheet numbering and declared area."""

from __future__ import annotations

import numpy as np
import shapely

from .geography import _HAMLETS, _MEAN_PARCEL_M2, _TURN_DEG, _Layout


def _zone(layout: _Layout, target_area: float) -> shapely.Geometry:
    """Settled land of about ``target_area`` m²: the core grown by a bisected buffer."""
    full = layout.outline.area
    if target_area >= 0.97 * full:
        return layout.outline
    if target_area <= layout.core.area:
        return layout.core
    lo, hi = 0.0, 6000.0
    for _ in range(22):
        mid = 0.5 * (lo + hi)
        a = shapely.intersection(shapely.buffer(layout.core, mid, quad_segs=6), layout.outline).area
        lo, hi = (mid, hi) if a < target_area else (lo, mid)
    return shapely.intersection(shapely.buffer(layout.core, hi, quad_segs=6), layout.outline)


def _road_distance(xy: np.ndarray, layout: _Layout) -> np.ndarray:
    """Distance to the road centre line (within 2 m: nearest of its 4 m vertices), capped at 400 m."""
    from scipy.spatial import cKDTree

    if layout.road_tree is None:
        dense = shapely.get_coordinates(shapely.segmentize(layout.road, 4.0))
        layout.road_tree = cKDTree(dense)
    d = layout.road_tree.query(xy, distance_upper_bound=400.0)[0]
    return np.minimum(d, 400.0)


def _density(xy: np.ndarray, layout: _Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relative parcel density (high near hamlet centres and the road)."""
    d2 = ((xy[:, None, :] - layout.centres[None, :, :]) ** 2).sum(-1)
    d_c = np.sqrt(d2.min(1))
    d_r = _road_distance(xy, layout)
    dens = 0.55 + 3.0 * np.exp(-((d_c / 230.0) ** 2)) + 1.4 * np.exp(-((d_r / 60.0) ** 2))
    return dens, d_c, d_r


def _sample_seeds(n: int, zone: shapely.Geometry, layout: _Layout, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` points in ``zone`` with the density of :func:`_density` (rejection sampling)."""
    shapely.prepare(zone)
    x0, y0, x1, y1 = zone.bounds
    frac = zone.area / ((x1 - x0) * (y1 - y0))
    out: list[np.ndarray] = []
    got = 0
    while got < n:
        m = int((n - got) / max(frac, 0.05) * 4.0) + 1000
        xy = np.column_stack([rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)])
        xy = xy[shapely.contains_xy(zone, xy[:, 0], xy[:, 1])]
        dens = _density(xy, layout)[0]
        xy = xy[rng.random(len(xy)) * 4.95 < dens]
        out.append(xy)
        got += len(xy)
    return np.vstack(out)[:n]


def _affine(geoms: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Apply the linear map ``m`` (2 x 2) to every coordinate of ``geoms``."""
    return shapely.transform(geoms, lambda c: c @ m.T)


def _clip_cells(cells: np.ndarray, zone: shapely.Geometry, seeds: np.ndarray) -> np.ndarray:
    """Clip Voronoi cells to ``zone``, keeping for each the one polygon holding its seed."""
    shapely.prepare(zone)
    out = cells.copy()
    edge = ~shapely.contains_properly(zone, cells)
    if not edge.any():
        return out
    eidx = np.flatnonzero(edge)
    clipped = shapely.intersection(cells[eidx], zone)
    parts, owner = shapely.get_parts(clipped, return_index=True)
    poly = shapely.get_type_id(parts) == 3
    parts, owner = parts[poly], owner[poly]
    holds = shapely.contains_xy(parts, seeds[eidx[owner], 0], seeds[eidx[owner], 1])
    area = shapely.area(parts)
    order = np.lexsort((-area, ~holds, owner))  # per owner: holding seed first, then largest
    first = np.ones(len(order), bool)
    first[1:] = owner[order][1:] != owner[order][:-1]
    pick = order[first]
    res = np.full(len(eidx), None, dtype=object)
    res[owner[pick]] = parts[pick]
    missing = np.array([r is None for r in res])
    if missing.any():  # cannot happen for a seed inside the zone; fall back safely
        res[missing] = shapely.buffer(shapely.points(seeds[eidx[missing]]), 1.0)
    out[eidx] = res
    return out


def _parcel_geometries(n: int, layout: _Layout, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return (geometries in metres, hamlet index) for ``n`` parcels."""
    zone = _zone(layout, n * _MEAN_PARCEL_M2)
    seeds = _sample_seeds(n, zone, layout, rng)
    ham = np.full(n, -1)
    zones_h = []
    for i, hp in enumerate(layout.hamlets):
        zh = shapely.intersection(zone, hp)
        zones_h.append(zh)
        shapely.prepare(zh)
        ham[(ham < 0) & shapely.contains_xy(zh, seeds[:, 0], seeds[:, 1])] = i
    keep = ham >= 0
    seeds, ham = seeds[keep], ham[keep]
    if len(seeds) < n:  # points exactly on a hamlet border (practically never)
        extra = _sample_seeds(n - len(seeds), zones_h[0], layout, rng)
        seeds, ham = np.vstack([seeds, extra]), np.concatenate([ham, np.zeros(len(extra), int)])
    geoms = np.empty(n, dtype=object)
    for i, zh in enumerate(zones_h):
        sel = np.flatnonzero(ham == i)
        if len(sel) == 0:
            continue
        a = np.deg2rad(_HAMLETS[i].axis_deg + _TURN_DEG)
        rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
        stretch = np.diag([1 / 1.7, 1.0])
        fwd = stretch @ rot  # world -> frame where cells come out elongated along the axis
        inv = np.linalg.inv(fwd)
        zf = _affine(np.array([zh]), fwd)[0]
        pts = seeds[sel] @ fwd.T
        x0, y0, x1, y1 = zf.bounds
        env = shapely.box(x0 - 500, y0 - 500, x1 + 500, y1 + 500)
        for it in range(2):
            if len(pts) == 1:
                cells = np.array([zf])
                break
            cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=env, ordered=True))
            cells = _clip_cells(cells, zf, pts)
            if it == 0:  # one damped Lloyd step evens out slivers, keeps the gradient
                cen = shapely.get_coordinates(shapely.centroid(cells))
                ok = shapely.contains_xy(zf, cen[:, 0], cen[:, 1])
                pts = np.where(ok[:, None], pts + 0.6 * (cen - pts), pts)
        geoms[sel] = _affine(cells, inv)
    # cadastral coordinates to the millimetre; mend the rare polygon this breaks
    geoms = shapely.transform(geoms, lambda c: np.round(c, 3))
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        fixed = shapely.make_valid(geoms[bad])
        parts, owner = shapely.get_parts(fixed, return_index=True)
        parts, owner = parts[shapely.get_type_id(parts) == 3], owner[shapely.get_type_id(parts) == 3]
        order = np.lexsort((-shapely.area(parts), owner))
        first = np.ones(len(order), bool)
        first[1:] = owner[order][1:] != owner[order][:-1]
        rep = geoms[bad].copy()
        rep[owner[order[first]]] = parts[order[first]]
        geoms[bad] = rep
    return geoms, ham


_LU_CODES = np.array(["ONT", "CLN", "HNK", "LUC", "LUK", "NTS", "RSX", "DGT", "DTL", "SKC", "NTD"])
_LU_P = np.array(
    [
        # ONT   CLN   HNK   LUC   LUK   NTS   RSX   DGT   DTL   SKC   NTD
        [0.45, 0.26, 0.10, 0.07, 0.01, 0.04, 0.00, 0.04, 0.01, 0.02, 0.00],  # village / roadside
        [0.06, 0.17, 0.16, 0.38, 0.05, 0.06, 0.05, 0.03, 0.03, 0.00, 0.01],  # fields
        [0.01, 0.22, 0.14, 0.14, 0.02, 0.03, 0.39, 0.02, 0.01, 0.00, 0.02],  # hills
    ]
)


def _land_use(cent: np.ndarray, layout: _Layout, rng: np.random.Generator) -> np.ndarray:
    """Land-use codes by setting: village or roadside, fields, hills."""
    _, d_c, d_r = _density(cent, layout)
    band = np.where((d_c < 170) | (d_r < 35), 0, np.where(d_c < 650, 1, 2))
    cum = np.cumsum(_LU_P, axis=1)
    u = rng.random(len(cent))
    idx = (u[:, None] > cum[band]).sum(1)
    return _LU_CODES[np.minimum(idx, len(_LU_CODES) - 1)]


def _number_parcels(cent: np.ndarray, commune: np.ndarray, mean_area: float) -> tuple[np.ndarray, np.ndarray]:
    """Map sheets numbered per former commune (tiles from the north-west) and parcel numbers."""
    tile = float(np.clip(1000.0 * np.sqrt(mean_area / _MEAN_PARCEL_M2), 250.0, 1200.0))
    sheet = np.zeros(len(cent), int)
    for code in np.unique(commune):
        m = commune == code
        x0, y1 = cent[m, 0].min(), cent[m, 1].max()
        col = ((cent[m, 0] - x0) // tile).astype(int)
        row = ((y1 - cent[m, 1]) // tile).astype(int)
        key = row * 10_000 + col
        _, sheet[m] = np.unique(key, return_inverse=True)
    sheet += 1
    band = np.floor(-cent[:, 1] / (tile / 12)).astype(int)
    order = np.lexsort((cent[:, 0], band, sheet, commune))
    no = np.empty(len(cent), int)
    keys = np.char.add(commune[order].astype(str), sheet[order].astype(str))
    start = np.r_[True, keys[1:] != keys[:-1]]
    grp = np.cumsum(start) - 1
    first = np.flatnonzero(start)
    no[order] = np.arange(len(order)) - first[grp] + 1
    return sheet, no


def _declared_area(area: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Declared area as cadastral text: ``360.0``, ``360,0``, ``360`` or blank (about 9%)."""
    n = len(area)
    u = rng.random(n)
    decl = np.where(u < 0.55, area * (1 + rng.normal(0, 0.015, n)), area)
    decl = np.round(decl, 1)
    txt = np.char.mod("%.1f", decl).astype(object)
    comma = rng.random(n) < 0.35
    txt[comma] = np.char.replace(txt[comma].astype(str), ".", ",")
    integer = (~comma) & (rng.random(n) < 0.2)
    txt[integer] = np.char.mod("%d", np.round(decl[integer])).astype(object)
    txt[u > 0.91] = ""
    return txt
