"""Hamlets: the ten fixed ones, or neighbourhoods of about 150 parcels split from them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from .geography import _CALM, _HAMLETS, _SILENT, _STORY_LANDTYPE, _STORY_PRICE, _Hamlet, _Layout, to_lonlat
from .households import _apportion, _names
from .presets import _PARCELS_PER_HAMLET, SIZES


@dataclass
class _HamletTable:
    """The sample's hamlets, their roles in the story, and each parcel's hamlet."""

    records: list[_Hamlet]
    geoms: list[shapely.Geometry]  # metres, same order as records
    base: np.ndarray  # index into _HAMLETS of each hamlet
    of_parcel: np.ndarray  # index into records of each parcel
    price: str  # the hotspot: grievances on the compensation price, gathering risk
    landtype: str  # agitated about the land-type classification on the road
    silent: str  # its party cell stopped reporting
    calm: frozenset[str]  # no project land, only closed grievances
    price_anchor: np.ndarray  # the point of the road where the price complaints bunch (metres)

    @property
    def ids(self) -> list[str]:
        return [h.hamlet_id for h in self.records]


def _base_index(hamlet_id: str) -> int:
    return next(i for i, h in enumerate(_HAMLETS) if h.hamlet_id == hamlet_id)


def _road_point_near(layout: _Layout, hamlet_id: str) -> np.ndarray:
    """The point of the road nearest the centre of a fixed hamlet (metres)."""
    c = shapely.Point(layout.centres[_base_index(hamlet_id)])
    return shapely.get_coordinates(layout.road.interpolate(layout.road.project(c)))[0]


def _hamlet_table(
    layout: _Layout, cent: np.ndarray, base_ham: np.ndarray, n_hamlets: int, rng: np.random.Generator
) -> _HamletTable:
    """The ten fixed hamlets, or (``n_hamlets`` > 10) each split into neighbourhoods.

    A fixed hamlet is split into a share of ``n_hamlets`` proportional to its
    parcels: k-means centres of its parcels' points, whose Voronoi cells
    clipped to the hamlet are the new hamlets, so every parcel's point lies in
    the hamlet of its nearest centre. They are numbered from the north
    ("Thôn Tân Hồ 1", id ``HS03-01``) and get synthetic officers and
    reporters. The story's roles go to the neighbourhood nearest its place.
    """
    price_anchor = _road_point_near(layout, _STORY_PRICE)
    nb = len(_HAMLETS)
    if n_hamlets <= nb:
        return _HamletTable(
            list(_HAMLETS),
            list(layout.hamlets),
            np.arange(nb),
            base_ham,
            _STORY_PRICE,
            _STORY_LANDTYPE,
            _SILENT,
            frozenset(_CALM),
            price_anchor,
        )
    from scipy.cluster.vq import kmeans2
    from scipy.spatial import cKDTree

    counts = np.bincount(base_ham, minlength=nb)
    k_of = 1 + _apportion(n_hamlets - nb, counts)
    records: list[_Hamlet] = []
    geoms: list[shapely.Geometry] = []
    base: list[int] = []
    of_parcel = np.zeros(len(cent), int)
    for i, b in enumerate(_HAMLETS):
        sel = np.flatnonzero(base_ham == i)
        k = int(min(k_of[i], max(len(sel), 1)))
        if k > 1:
            pts = cent[sel]
            centres = kmeans2(pts, k, iter=10, minit="++", rng=rng)[0]
            label = cKDTree(centres).query(pts)[1]
            centres = centres[np.unique(label)]  # drop a centre that won no parcel
            centres = centres[np.lexsort((np.round(centres[:, 0], 3), -np.round(centres[:, 1], 3)))]
            label = cKDTree(centres).query(pts)[1]
            x0, y0, x1, y1 = layout.hamlets[i].bounds
            env = shapely.box(x0 - 5000, y0 - 5000, x1 + 5000, y1 + 5000)
            cells = shapely.get_parts(
                shapely.voronoi_polygons(shapely.multipoints(centres), extend_to=env, ordered=True)
            )
            parts = list(shapely.intersection(cells, layout.hamlets[i]))
        else:
            label = np.zeros(len(sel), int)
            parts = [layout.hamlets[i]]
        width = max(2, len(str(len(parts))))
        officers, reporters = _names(len(parts), rng, 0.3), _names(len(parts), rng, 0.2)
        for j, g in enumerate(parts):
            c = shapely.get_coordinates(shapely.point_on_surface(g))[0]
            ll = to_lonlat().transform(c[0], c[1])
            records.append(
                _Hamlet(
                    f"{b.hamlet_id}-{j + 1:0{width}d}",
                    f"{b.name} {j + 1}",
                    b.commune,
                    round(ll[0], 6),
                    round(ll[1], 6),
                    str(officers[j]),
                    str(reporters[j]),
                    b.axis_deg,
                )
            )
            geoms.append(g)
            base.append(i)
        of_parcel[sel] = len(records) - len(parts) + label
    base_arr = np.array(base)

    def nearest(base_id: str, point: np.ndarray) -> str:
        cand = np.flatnonzero(base_arr == _base_index(base_id))
        d = shapely.distance(np.array([geoms[c] for c in cand], dtype=object), shapely.Point(point))
        return records[int(cand[np.argmin(d)])].hamlet_id

    calm = frozenset(r.hamlet_id for r, bi in zip(records, base) if _HAMLETS[bi].hamlet_id in _CALM)
    return _HamletTable(
        records,
        geoms,
        base_arr,
        of_parcel,
        price=nearest(_STORY_PRICE, price_anchor),
        landtype=nearest(_STORY_LANDTYPE, _road_point_near(layout, _STORY_LANDTYPE)),
        silent=nearest(_SILENT, layout.centres[_base_index(_SILENT)]),
        calm=calm,
        price_anchor=price_anchor,
    )


def default_hamlets(parcels: int) -> int:
    """Hamlets of a sample of ``parcels`` parcels: the 10 fixed ones up to 3,000, else one per 150.

    Example
    -------
    >>> default_hamlets(3000), default_hamlets(30_000), default_hamlets(300_000)
    (10, 200, 2000)
    """
    if parcels <= SIZES["commune"].parcels:
        return len(_HAMLETS)
    return max(len(_HAMLETS), round(parcels / _PARCELS_PER_HAMLET))
