"""Statistical clusters of grievances: Getis-Ord Gi* on affected parcels.

What is tested
--------------
The *population* is the affected parcels of the time slice (parcels with at
least one counted household row), plus any parcel that receives a point
grievance. Parcels nobody is acquiring are left out on purpose: grievances
come only from affected land, so testing the whole cadastre would find every
project corridor "hot" against the empty hills around it, which tells a
meeting nothing. The question asked is: *among the parcels being acquired,
where do grievances bunch together more than chance would put them?*

The *intensity* of a parcel is the open grievances on the as-of date
attributed to it (``measure = "grievances"``, the default; or their
signatories, ``measure = "signatories"``, which lets one 40-person petition
dominate):

* a grievance naming a household is shared equally among that household's
  parcels in the slice (those of the grievance's project where it names
  one), so a household with five parcels does not count five times;
* otherwise a grievance with a point goes to the parcel containing the
  point, or the nearest parcel within ``snap_m`` metres (25 m: GPS error
  in a phone photo, a point dropped on the road beside the plot);
* a grievance with neither (only a hamlet) cannot be placed on a parcel and
  is counted in :attr:`ClusterResult.unattributed`.

Spatial weights
---------------
``weights = "knn"`` (default), ``k = 8`` nearest neighbours between parcel
representative points in the workspace's metric CRS, binary, with the parcel
itself included (Gi*), row-standardised. Rural cadastral parcels vary from
100 m² house plots in a hamlet centre to hectares of forest: a distance band
short enough for the village leaves forest parcels with no neighbour
(islands, untestable), and one long enough for the forest gives village
parcels hundreds of neighbours and blurs every cluster. k-nearest
neighbours adapts to density and gives every parcel the same number of
neighbours; 8 is about the ring of parcels around a plot on a cadastral map
(contiguity itself is not used: roads, canals and slivers between parcels
break it). ``weights = "distance"`` with ``band_m`` (150 m) is available for
workspaces of even parcels.

Inference
---------
The statistic and its analytical z are :class:`esda.G_Local`'s (``star=True``,
row-standardised), computed here with SciPy and NumPy from the same k-d tree
query and the same sparse matrix as libpysal builds, to the last bit
(``tests/test_hotspots_clusters.py`` compares them with esda's), without
importing esda or building libpysal's weights object (several seconds at
province scale); esda still computes the distance-band option. esda's
pseudo p-values are *not* used: esda 2.9 computes them with the
"directed" alternative, which counts ties at the minimum as extreme,
so on sparse counts every parcel whose neighbourhood holds no grievance
at all gets the smallest possible p (on 900 random parcels with
20 grievances, 744 came out at p = 0.001). Instead, a conditional
permutation (the parcel's own value fixed, its neighbours drawn at random
from the other parcels, ``permutations`` = 999 times, seeded) counts ties as
"at least as extreme" in both tails:
``p_hot = (#{S ≥ observed} + 1) / (P + 1)``, ``p_cold`` likewise with ≤, and
``p_sim = min(1, 2 · min(p_hot, p_cold))`` (``alternative = "two-sided"``;
``"directed"`` drops the factor 2). With 999 draws the smallest two-sided p
is 0.002, and the Benjamini–Hochberg correction over n parcels then needs
at least n / 25 parcels at that floor before any passes: a 25-parcel
cluster among 900 would never show. So parcels that no draw matched in
their more extreme tail get ten times more draws (9,999, then 99,999 in
all, ``max_permutations``), and their p is computed from all their draws: a
sequential Monte Carlo p-value, valid because only parcels whose evidence is
already at the floor go on. This costs little (only those parcels are
redrawn) and lets a cluster of about a dozen parcels pass the correction
among 30,000. The Benjamini–Hochberg step-up procedure over all
tested parcels gives ``p_fdr``; a parcel is in a ``hot`` (``cold``)
cluster where ``p_fdr ≤ alpha`` (0.05) and its neighbourhood is above
(below) chance. Cold clusters need a high commune-wide rate and are rare
with sparse grievances.

The permutation is vectorised with NumPy (shared draws across parcels, as
esda does). Parcel i's draws depend on i only through which drawn positions
come after it, so parcels with no drawn position between them share every
drawn sum: each such group is summed once (and draws whose values are all 0
not at all), the same sums and counts as parcel by parcel. 80,000 affected
parcels with 999 permutations take well under a second without numba.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from scipy import sparse

from ..selection import TimeSlice
from ..workspace import Workspace
from .config import hotspot_config

CLUSTER_COLUMNS = ("parcel_id", "hamlet_id", "intensity", "gi", "z", "p_sim", "p_fdr", "cluster")
"""Columns of the cluster layer (plus ``geometry``)."""

CLUSTER_LABELS = {"hot": "Cụm nóng (nhiều đơn thư)", "cold": "Cụm lạnh (ít đơn thư)"}
"""Vietnamese names of the cluster kinds."""


def fdr_bh(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1).

    Parameters
    ----------
    p_values : array of float
        One p-value per test.

    Returns
    -------
    ndarray
        ``p_fdr``: a test is significant at false discovery rate ``q`` where
        ``p_fdr ≤ q``.

    Example
    -------
    >>> fdr_bh(np.array([0.01, 0.04, 0.03, 0.5])).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(p_values, dtype="float64")
    n = len(p)
    if n == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order] * n / np.arange(1, n + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _knn_adjacency(xy: np.ndarray, k: int) -> sparse.csr_matrix:
    """Binary k-nearest-neighbour adjacency without the diagonal, as :class:`libpysal.weights.KNN` builds it.

    The same k-d tree query (``k + 1`` points, the site itself dropped, the
    farthest dropped where coincident points push the site out of the list),
    column indices sorted within each row as libpysal's sparse matrix has them.
    """
    from scipy.spatial import cKDTree

    n = len(xy)
    _, indices = cKDTree(xy, 10).query(xy, k=k + 1, p=2, workers=-1)
    not_self = indices != np.arange(n).reshape(-1, 1)
    not_self[not_self.sum(axis=1) == (k + 1), -1] = False
    cols = indices[not_self].reshape(n, -1)
    cols.sort(axis=1)
    indptr = np.arange(0, n * k + 1, k, dtype=np.int64)
    return sparse.csr_matrix((np.ones(n * k), cols.ravel().astype(np.int64), indptr), shape=(n, n))


def _g_local_star(y: np.ndarray, adj: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Gi* and its analytical z exactly as :class:`esda.G_Local` computes them (``star=True``, ``transform="R"``).

    The weights are ``adj`` with the site itself added (weight 1, as
    ``libpysal.weights.fill_diagonal``), row-standardised: the same sparse
    matrix, entry for entry and in the same order, as esda builds, so the
    values are the same to the last bit (``tests/test_hotspots_clusters.py``
    compares them with esda's).
    """
    n = len(y)
    rows = np.repeat(np.arange(n), np.diff(adj.indptr))
    cols = np.concatenate([adj.indices, np.arange(n)])
    star = sparse.coo_matrix((np.ones(len(cols)), (np.concatenate([rows, np.arange(n)]), cols)), shape=(n, n)).tocsr()
    star.sort_indices()
    card = np.diff(star.indptr)
    star.data = np.ones_like(star.data) / np.repeat(card.astype("float64"), card)
    statistic = (star @ y) / y.sum()
    empirical_mean = y.sum() / n
    mean_of_squares = (y**2).sum() / n
    empirical_variance = mean_of_squares - empirical_mean**2
    cardinality = np.asarray(star.sum(axis=1)).squeeze()
    expected_value = cardinality / n
    expected_variance = cardinality * (n - cardinality)
    expected_variance /= n - 1
    expected_variance *= 1 / n**2
    expected_variance *= empirical_variance / (empirical_mean**2)
    z_scores = (statistic - expected_value) / np.sqrt(expected_variance)
    return np.asarray(statistic, dtype="float64"), np.asarray(z_scores, dtype="float64")


def _distance_band_esda(y: np.ndarray, xy: np.ndarray, band_m: float) -> tuple[sparse.csr_matrix, Any, Any]:
    """Distance-band weights and Gi* through libpysal and esda (the rarely used option)."""
    from esda import G_Local
    from libpysal.weights import DistanceBand, fill_diagonal

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = DistanceBand.from_array(xy, threshold=band_m, binary=True, silence_warnings=True)
        adj = w.sparse.tocsr().astype("float64")
        adj.setdiag(0.0)
        adj.eliminate_zeros()
        adj.data[:] = 1.0
        w = fill_diagonal(w, 1.0)
        g = G_Local(y, w, transform="R", star=True, permutations=0)
    return adj, np.asarray(g.Gs, dtype="float64"), np.asarray(g.Zs, dtype="float64")


def _draw(rng: np.random.Generator, pool: int, size: int, permutations: int) -> np.ndarray:
    """``permutations`` rows of ``size`` distinct integers in ``[0, pool)``."""
    if size == 0:
        return np.zeros((permutations, 0), dtype=np.int64)
    if pool <= 4 * size:
        rows = max(1, 4_000_000 // pool)
        parts = [
            np.argsort(rng.random((min(rows, permutations - start), pool)), axis=1)[:, :size]
            for start in range(0, permutations, rows)
        ]
        return np.concatenate(parts).astype(np.int64)
    ids = rng.integers(0, pool, size=(permutations, size))
    while True:
        srt = np.sort(ids, axis=1)
        dup = (np.diff(srt, axis=1) == 0).any(axis=1)
        if not dup.any():
            return ids.astype(np.int64)
        ids[dup] = rng.integers(0, pool, size=(int(dup.sum()), size))


def _permutation_counts(
    y: np.ndarray,
    observed: np.ndarray,
    card: np.ndarray,
    sites: np.ndarray,
    permutations: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Conditional permutation of the neighbour sums of binary weights.

    For each of ``sites`` (with ``card[i]`` neighbours), draws that many
    other sites at random (the site itself excluded) ``permutations`` times
    and compares the drawn sums ``S`` with the observed neighbour sum
    ``observed[i]``. The draws are shared across sites, as in esda.

    Returns
    -------
    n_ge, n_le : ndarray
        Per site of ``sites``: how many draws had ``S ≥ observed`` and
        ``S ≤ observed`` (ties count in both).
    total, total_sq : ndarray
        Sums of ``S`` and ``S²`` per site (for the permutation z).
    """
    n = len(y)
    kmax = int(card[sites].max()) if len(sites) else 0
    ids = _draw(rng, n - 1, kmax, permutations)
    y0 = y[ids]
    y1 = y[np.minimum(ids + 1, n - 1)]
    cols = np.arange(kmax)
    uniform = bool((card[sites] == kmax).all())
    tol = 1e-9 * max(1.0, float(np.abs(y).max(initial=0.0))) * max(kmax, 1)
    m = len(sites)
    # Position j of the pool of the n - 1 other sites is site j before site i, j + 1 after: the draws of
    # site i depend on i only through which drawn positions are ≥ i, so sites with no drawn position
    # between them (and the same number of neighbours) share every drawn sum. Each distinct group is
    # summed once, in the same order as site by site, so the counts are the same to the last bit.
    present = np.zeros(n, dtype=bool)
    present[ids.ravel()] = True
    drawn = np.flatnonzero(present)  # np.unique(ids), without sorting every draw
    segment = np.searchsorted(drawn, sites, side="left")
    key = segment if uniform else segment * (kmax + 1) + card[sites]
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    reps = sites[first]
    g_count = len(reps)
    n_ge, n_le, total, total_sq = np.zeros(m), np.zeros(m), np.zeros(m), np.zeros(m)
    obs_all = observed[sites]
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(g_count + 1), side="left")
    # a draw whose every candidate value is 0 sums to 0 for every site: only the others ("live") are summed
    live = np.flatnonzero((y0 != 0).any(axis=1) | (y1 != 0).any(axis=1))
    ids_live, y0_live, y1_live = ids[live], y0[live], y1[live]
    dead = permutations - len(live)
    chunk = max(1, 2_000_000 // max(1, len(live) * max(kmax, 1), permutations))
    for start in range(0, g_count, chunk):
        stop = min(g_count, start + chunk)
        idx = reps[start:stop]
        vals = np.where(ids_live[None, :, :] >= idx[:, None, None], y1_live[None], y0_live[None])
        if not uniform:
            vals = vals * (cols[None, None, :] < card[idx, None, None])
        sums = vals.sum(axis=2)  # per group, the live draws' sums (the dead ones are 0)
        members = order[bounds[start] : bounds[stop]]
        rows = group[members] - start
        total[members] = sums.sum(axis=1)[rows]
        total_sq[members] = (sums * sums).sum(axis=1)[rows]
        # each site's counts by comparing its observed sum with its group's draws, a block of sites at a time
        step = max(1, 4_000_000 // max(1, len(live)))
        for a in range(0, len(members), step):
            block, drawn_sums = members[a : a + step], sums[rows[a : a + step]]
            low, high = obs_all[block] - tol, obs_all[block] + tol
            n_ge[block] = (drawn_sums >= low[:, None]).sum(axis=1) + dead * (low <= 0.0)
            n_le[block] = (drawn_sums <= high[:, None]).sum(axis=1) + dead * (high >= 0.0)
    return n_ge, n_le, total, total_sq


def gi_star(
    values: np.ndarray,
    points: np.ndarray,
    *,
    weights: str = "knn",
    k: int = 8,
    band_m: float = 150.0,
    permutations: int = 999,
    max_permutations: int = 99_999,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    seed: int = 20250701,
) -> pd.DataFrame:
    """Getis-Ord Gi* with conditional permutation inference and FDR correction.

    Parameters
    ----------
    values : array of float, shape (n,)
        The intensity at each site (open grievances per parcel).
    points : array of float, shape (n, 2)
        Site coordinates in a metric CRS (metres).
    weights : {"knn", "distance"}
        k nearest neighbours, or every site within ``band_m`` metres.
    k : int
        Neighbours for ``"knn"`` (reduced to ``n - 1`` where fewer sites).
    band_m : float
        Distance band for ``"distance"``.
    permutations : int
        Conditional permutations for every site (seeded by ``seed``).
    max_permutations : int
        Sites that no draw matched in their more extreme tail get ten times
        more draws, again and again up to this total, so that a clear
        cluster can pass the FDR correction (``p`` can reach
        ``1 / (max_permutations + 1)``). Not above ``permutations``: no
        refinement.
    alpha : float
        False discovery rate for the Benjamini–Hochberg correction.
    alternative : {"two-sided", "directed"}
        Two-sided p-values (default) or the smaller tail alone.
    seed : int
        Seed of the random draws: the same input gives the same output.

    Returns
    -------
    DataFrame
        One row per site, in input order: ``intensity``, ``gi`` (the Gi*
        statistic), ``z`` (its analytical z-score, esda), ``z_sim`` (z
        against the permutation distribution), ``neighbours``, ``p_sim``,
        ``p_fdr`` and ``cluster`` (``"hot"``, ``"cold"`` or ``""``).

    Example
    -------
    >>> xy = np.array([(x, y) for x in range(20) for y in range(20)], float) * 50
    >>> v = np.zeros(400); v[[0, 1, 2, 20, 21, 22, 40, 41, 42]] = 3
    >>> res = gi_star(v, xy, permutations=999)
    >>> sorted(set(res.loc[res["cluster"] == "hot"].index) & {21}) == [21]
    True
    """
    y = np.asarray(values, dtype="float64")
    xy = np.asarray(points, dtype="float64").reshape(-1, 2)
    n = len(y)
    out = pd.DataFrame(
        {
            "intensity": y,
            "gi": np.nan,
            "z": np.nan,
            "z_sim": np.nan,
            "neighbours": 0,
            "p_sim": 1.0,
            "p_fdr": 1.0,
            "cluster": "",
        },
    )
    if n < 3 or y.sum() <= 0 or np.ptp(y) == 0:
        return out
    if weights == "knn":
        adj = _knn_adjacency(xy, min(int(k), n - 1))
        gs, zs = _g_local_star(y, adj)
    elif weights == "distance":
        adj, gs, zs = _distance_band_esda(y, xy, float(band_m))
    else:
        raise ValueError(f"weights must be 'knn' or 'distance', not {weights!r}")
    card = np.diff(adj.indptr).astype(np.int64)
    observed = adj @ y
    rng = np.random.default_rng(int(seed))
    sites = np.flatnonzero(card > 0)
    n_ge, n_le, total, total_sq = (np.zeros(n) for _ in range(4))
    draws = np.zeros(n)
    res = _permutation_counts(y, observed, card, sites, int(permutations), rng)
    for arr, part in zip((n_ge, n_le, total, total_sq), res, strict=True):
        arr[sites] = part
    draws[sites] = permutations
    done, active = int(permutations), sites
    while True:  # sites with no draw yet as extreme as observed get ten times more
        target = min(int(max_permutations), done * 10 + 9)
        active = active[np.minimum(n_ge[active], n_le[active]) == 0]
        if target <= done or not len(active):
            break
        res = _permutation_counts(y, observed, card, active, target - done, rng)
        for arr, part in zip((n_ge, n_le, total, total_sq), res, strict=True):
            arr[active] += part
        draws[active] += target - done
        done = target
    safe = np.maximum(draws, 1.0)
    p_hot = (n_ge + 1.0) / (safe + 1.0)
    p_cold = (n_le + 1.0) / (safe + 1.0)
    p_sim = np.minimum(p_hot, p_cold)
    if alternative == "two-sided":
        p_sim = np.minimum(1.0, 2.0 * p_sim)
    tested = card > 0
    p_sim = np.where(tested, p_sim, 1.0)
    p_fdr = np.ones(n)
    p_fdr[tested] = fdr_bh(p_sim[tested])
    mean = total / safe
    std = np.sqrt(np.maximum(total_sq / safe - mean * mean, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z_sim = np.where(tested & (std > 0), (observed - mean) / std, np.nan)
    significant = tested & (p_fdr <= alpha)
    cluster = np.where(significant & (p_hot < p_cold), "hot", np.where(significant & (p_cold < p_hot), "cold", ""))
    out["gi"] = gs
    out["z"] = zs
    out["z_sim"] = z_sim
    out["neighbours"] = card
    out["p_sim"] = p_sim
    out["p_fdr"] = p_fdr
    out["cluster"] = cluster
    return out


@dataclass
class ClusterResult:
    """Gi* clusters of grievances on the affected parcels of one time slice.

    Attributes
    ----------
    parcels : GeoDataFrame
        Every tested parcel: :data:`CLUSTER_COLUMNS` plus ``z_sim``,
        ``neighbours`` and ``geometry`` (the workspace's metric CRS).
    pairs : set of (str, str)
        ``(hamlet_id, project_id)`` of hot-cluster parcels, through their
        household rows (for the per-project levels).
    measure, weights : str
        What was counted and which spatial weights were used (in words).
    permutations : int
    alpha : float
    seed : int
    unattributed : int
        Open grievances that could not be put on a parcel (no household
        with a known parcel, no point).
    note : str
        Why nothing was tested, where that is the case (Vietnamese).
    """

    parcels: gpd.GeoDataFrame
    pairs: set[tuple[str, str]] = field(default_factory=set)
    measure: str = "grievances"
    weights: str = "knn, k = 8"
    permutations: int = 999
    alpha: float = 0.05
    seed: int = 0
    unattributed: int = 0
    note: str = ""

    @property
    def clusters(self) -> gpd.GeoDataFrame:
        """The parcels in a hot or cold cluster (the map layer)."""
        return self.parcels[self.parcels["cluster"] != ""]

    @property
    def hot_hamlets(self) -> list[str]:
        """Hamlets holding at least one hot-cluster parcel, sorted."""
        hot = self.parcels.loc[self.parcels["cluster"] == "hot", "hamlet_id"].dropna()
        return sorted(set(hot))

    @property
    def cold_hamlets(self) -> list[str]:
        """Hamlets holding at least one cold-cluster parcel, sorted."""
        cold = self.parcels.loc[self.parcels["cluster"] == "cold", "hamlet_id"].dropna()
        return sorted(set(cold))

    def __repr__(self) -> str:
        n_hot = int((self.parcels["cluster"] == "hot").sum())
        n_cold = int((self.parcels["cluster"] == "cold").sum())
        return (
            f"ClusterResult({len(self.parcels)} parcels tested, {n_hot} hot, {n_cold} cold; "
            f"{self.weights}, {self.permutations} permutations, FDR {self.alpha}"
            + (f"; {self.note}" if self.note else "")
            + ")"
        )


def _empty_parcels(crs: pyproj.CRS | None) -> gpd.GeoDataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in CLUSTER_COLUMNS})
    frame["parcel_id"] = pd.Series(dtype=object)
    frame["hamlet_id"] = pd.Series(dtype=object)
    frame["cluster"] = pd.Series(dtype=object)
    frame["z_sim"] = pd.Series(dtype="float64")
    frame["neighbours"] = pd.Series(dtype="int64")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def parcel_intensity(
    ws: Workspace, sl: TimeSlice, measure: str = "grievances", snap_m: float = 25.0
) -> tuple[pd.Series, int]:
    """Open grievances (or signatories) attributed to each affected parcel.

    Parameters
    ----------
    ws : Workspace
    sl : TimeSlice
    measure : {"grievances", "signatories"}
    snap_m : float
        How far (metres) a point grievance outside every parcel may be
        snapped to the nearest one.

    Returns
    -------
    intensity : Series
        Indexed by ``parcel_id``: every parcel of the population (affected
        parcels of the slice, and parcels receiving a point grievance),
        0 where nothing was attributed.
    unattributed : int
        Open grievances that could not be put on a parcel.

    Example
    -------
    >>> y, lost = parcel_intensity(ws, time_slice(ws))  # doctest: +SKIP
    """
    parcels = sl.parcels
    in_sel = parcels["parcel_id"]  # a Series: isin hashes it once in C (a set of 300,000 took 3× as long)
    hh = sl.households.dropna(subset=["parcel_id"])
    hh = hh[hh["parcel_id"].isin(in_sel)]
    population = set(hh["parcel_id"])
    g = sl.grievances[sl.grievances["is_open"]]
    if not len(g):
        return pd.Series(0.0, index=pd.Index(sorted(population), name="parcel_id")), 0
    mass = g["signatories"].astype("float64") if measure == "signatories" else pd.Series(1.0, index=g.index)
    g = pd.DataFrame(
        {
            "gid": np.arange(len(g)),
            "household_id": g["household_id"].to_numpy(),
            "project_id": g["project_id"].to_numpy(),
            "mass": mass.to_numpy(),
        },
        index=g.index,
    )
    # 1. through the household: its parcels in the slice, else its placed rows in the workspace
    all_hh = ws.households.dropna(subset=["parcel_id"])
    all_hh = all_hh[all_hh["parcel_id"].isin(in_sel)]
    links: list[pd.DataFrame] = []
    for source in (hh, all_hh):
        pending = g[g["household_id"].notna() & ~g["gid"].isin([x for f in links for x in f["gid"]])]
        if not len(pending):
            break
        m = pending.merge(source[["household_id", "project_id", "parcel_id"]], on="household_id", suffixes=("", "_hh"))
        if not len(m):
            continue
        same = m["project_id"].notna() & (m["project_id"] == m["project_id_hh"])
        has_same = same.groupby(m["gid"]).transform("any")
        m = m[same | ~has_same].drop_duplicates(["gid", "parcel_id"])
        links.append(m[["gid", "parcel_id", "mass"]])
    linked = pd.concat(links) if links else pd.DataFrame(columns=["gid", "parcel_id", "mass"])
    if len(linked):
        linked = linked.assign(mass=linked["mass"] / linked.groupby("gid")["parcel_id"].transform("size"))
    done = set(linked["gid"])
    # 2. by the point: the parcel containing it, or the nearest within snap_m
    geom = sl.grievances.geometry if isinstance(sl.grievances, gpd.GeoDataFrame) else None
    rest = g[~g["gid"].isin(done)]
    point_links = pd.DataFrame(columns=["gid", "parcel_id", "mass"])
    if geom is not None and len(rest):
        pts = geom.reindex(rest.index)
        has = pts.notna().to_numpy() & ~pts.is_empty.fillna(True).to_numpy()
        if has.any():
            pts_gdf = gpd.GeoDataFrame(
                {"gid": rest["gid"].to_numpy()[has], "mass": rest["mass"].to_numpy()[has]},
                geometry=pts[has].to_numpy(),
                crs=parcels.crs,
            )
            target = parcels[["parcel_id", "geometry"]].reset_index(drop=True)
            hit = gpd.sjoin(pts_gdf, target, how="left", predicate="within").drop_duplicates("gid")
            miss = hit["parcel_id"].isna()
            if miss.any() and snap_m > 0:
                near = gpd.sjoin_nearest(
                    pts_gdf[pts_gdf["gid"].isin(hit.loc[miss, "gid"])], target, how="inner", max_distance=float(snap_m)
                ).drop_duplicates("gid")
                hit = pd.concat([hit[~miss], near])
            point_links = hit.dropna(subset=["parcel_id"])[["gid", "parcel_id", "mass"]]
            population |= set(point_links["parcel_id"])
    allocated = pd.concat([linked, point_links])
    population |= set(linked["parcel_id"])
    unattributed = int(len(g) - allocated["gid"].nunique())
    index = pd.Index(sorted(population), name="parcel_id")
    if not len(allocated):
        return pd.Series(0.0, index=index), unattributed
    sums = allocated.groupby("parcel_id")["mass"].sum().astype("float64")
    return sums.reindex(index).fillna(0.0), unattributed


def grievance_clusters(ws: Workspace, sl: TimeSlice, config: dict[str, Any] | None = None) -> ClusterResult:
    """Gi* hot and cold clusters of open grievances on the slice's affected parcels.

    Parameters
    ----------
    ws : Workspace
    sl : TimeSlice
        From :func:`geo.selection.time_slice`.
    config : dict, optional
        A merged configuration (:func:`~geo.hotspots.config.hotspot_config`);
        its ``clusters`` table sets the measure, weights, permutations,
        FDR level and seed.

    Returns
    -------
    ClusterResult

    Example
    -------
    >>> import geo
    >>> from geo.hotspots import grievance_clusters
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> res = grievance_clusters(ws, geo.time_slice(ws))  # doctest: +SKIP
    >>> res.hot_hamlets, res.clusters[["parcel_id", "z", "p_fdr"]]  # doctest: +SKIP
    """
    cfg = (config or hotspot_config(ws.config.hotspots))["clusters"]
    weights_text = f"knn, k = {cfg['k']}" if cfg["weights"] == "knn" else f"distance band {cfg['band_m']:g} m"
    base: dict[str, Any] = {
        "measure": cfg["measure"],
        "weights": weights_text,
        "permutations": int(cfg["permutations"]),
        "alpha": float(cfg["alpha"]),
        "seed": int(cfg["seed"]),
    }
    crs = sl.parcels.crs
    intensity, unattributed = parcel_intensity(ws, sl, cfg["measure"], float(cfg["snap_m"]))
    base["unattributed"] = unattributed
    if len(intensity) < int(cfg["min_parcels"]):
        return ClusterResult(
            _empty_parcels(crs),
            note=f"chỉ có {len(intensity)} thửa bị ảnh hưởng, cần ít nhất {cfg['min_parcels']} để kiểm định",
            **base,
        )
    if intensity.sum() <= 0:
        return ClusterResult(_empty_parcels(crs), note="không có đơn thư đang mở gắn được với thửa đất", **base)
    parcels = (  # only the columns used below: the slice's parcels carry every attribute
        sl.parcels[["parcel_id", "hamlet_id", sl.parcels.geometry.name]]
        .drop_duplicates("parcel_id")
        .set_index("parcel_id")
        .loc[intensity.index]
    )
    points = parcels.geometry.representative_point()
    xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    res = gi_star(
        intensity.to_numpy(),
        xy,
        weights=cfg["weights"],
        k=int(cfg["k"]),
        band_m=float(cfg["band_m"]),
        permutations=int(cfg["permutations"]),
        max_permutations=int(cfg["max_permutations"]),
        alpha=float(cfg["alpha"]),
        alternative=cfg["alternative"],
        seed=int(cfg["seed"]),
    )
    res.index = intensity.index
    layer = gpd.GeoDataFrame(
        {
            "parcel_id": intensity.index.to_numpy(),
            "hamlet_id": parcels["hamlet_id"].to_numpy(),
            **{
                c: res[c].to_numpy()
                for c in ("intensity", "gi", "z", "p_sim", "p_fdr", "cluster", "z_sim", "neighbours")
            },
        },
        geometry=parcels.geometry.to_numpy(),
        crs=crs,
    )
    hot_ids = set(layer.loc[layer["cluster"] == "hot", "parcel_id"])
    hh = sl.households
    hot_rows = hh[hh["parcel_id"].isin(hot_ids)].dropna(subset=["hamlet_id", "project_id"])
    pairs = set(zip(hot_rows["hamlet_id"], hot_rows["project_id"], strict=True))
    return ClusterResult(layer, pairs=pairs, **base)
