"""Gi* clusters: a planted cluster is found, random data gives none after FDR, attribution to parcels."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest

import geo
from geo.hotspots import (
    compute_hotspots,
    fdr_bh,
    gi_star,
    grievance_clusters,
    hotspot_config,
    parcel_intensity,
)
from tests.conftest import CRS, X0, Y0, sq

AS_OF = "2026-11-20"


def grid(nx: int = 30, ny: int = 30, size: float = 40.0) -> np.ndarray:
    """Cell centres of an ``nx × ny`` grid, row by row."""
    return np.array([(i % nx, i // nx) for i in range(nx * ny)], dtype="float64") * size


def block(x0: int, y0: int, width: int, nx: int = 30) -> list[int]:
    return [x + nx * y for x in range(x0, x0 + width) for y in range(y0, y0 + width)]


# --------------------------------------------------------------------------- the statistic


def test_benjamini_hochberg_adjusts_as_the_textbook_does():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    expected = [0.01, 0.04, 0.084, 0.084, 0.084, 0.1, 0.10571, 0.216, 0.216, 0.216]
    assert fdr_bh(p).round(5).tolist() == expected


def _points_with_coincident_sites(n: int, seed: int) -> np.ndarray:
    """Random points on a coarse grid (many equal distances), a few of them stacked on the same spot."""
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 40, size=(n, 2)).astype("float64") * 10.0
    xy[1:12] = xy[0]  # more than k + 1: some sites miss themselves in the k-d tree answer
    return xy


@pytest.mark.parametrize("seed", [1, 2])
def test_gi_star_statistic_and_z_are_esdas_to_the_last_bit(seed):
    from esda import G_Local
    from libpysal.weights import KNN, fill_diagonal

    xy = _points_with_coincident_sites(500, seed)
    y = np.random.default_rng(seed).poisson(0.3, 500).astype("float64") / 3.0
    w = fill_diagonal(KNN.from_array(xy, k=8), 1.0)
    ref = G_Local(y, w, transform="R", star=True, permutations=0)
    res = gi_star(y, xy, k=8, permutations=9, max_permutations=9)
    assert np.array_equal(res["gi"].to_numpy(), np.asarray(ref.Gs)) and np.array_equal(res["z"].to_numpy(), ref.Zs)


def test_knn_neighbours_are_libpysals():
    from libpysal.weights import KNN

    from geo.hotspots.clusters import _knn_adjacency

    xy = _points_with_coincident_sites(400, 3)
    ours = _knn_adjacency(xy, 6)
    theirs = KNN.from_array(xy, k=6).sparse.tocsr()
    assert (ours != theirs).nnz == 0 and np.array_equal(ours.indices, theirs.indices)


def _counts_site_by_site(y, observed, card, sites, permutations, rng):
    """The permutation counts computed for each site on its own (the plain reading of the method)."""
    from geo.hotspots.clusters import _draw

    n = len(y)
    kmax = int(card[sites].max())
    ids = _draw(rng, n - 1, kmax, permutations)
    tol = 1e-9 * max(1.0, float(np.abs(y).max())) * kmax
    out = np.zeros((4, len(sites)))
    for j, i in enumerate(sites):
        vals = np.where(ids >= i, y[np.minimum(ids + 1, n - 1)], y[ids])
        sums = (vals * (np.arange(kmax) < card[i])).sum(axis=1)
        out[:, j] = (
            (sums >= observed[i] - tol).sum(),
            (sums <= observed[i] + tol).sum(),
            sums.sum(),
            (sums * sums).sum(),
        )
    return out


@pytest.mark.parametrize("uniform", [True, False])
def test_permutation_counts_shared_across_sites_equal_those_drawn_site_by_site(uniform):
    from geo.hotspots.clusters import _permutation_counts

    rng = np.random.default_rng(5)
    n = 600
    y = np.where(rng.random(n) < 0.05, rng.integers(1, 4, n) / 2.0, 0.0)
    card = np.full(n, 8) if uniform else rng.integers(3, 9, n)
    observed = rng.integers(0, 4, n) / 2.0
    sites = np.flatnonzero(rng.random(n) < 0.7)
    ours = np.array(_permutation_counts(y, observed, card, sites, 199, np.random.default_rng(9)))
    plain = _counts_site_by_site(y, observed, card, sites, 199, np.random.default_rng(9))
    assert np.allclose(ours[2:], plain[2:], rtol=1e-12, atol=0) and np.array_equal(ours[:2], plain[:2])


def test_a_planted_cluster_is_found_hot():
    rng = np.random.default_rng(7)
    y = np.zeros(900)
    y[rng.choice(900, 20, replace=False)] = 1.0
    planted = block(10, 10, 5)
    y[planted] = rng.poisson(2, len(planted)) + 1
    res = gi_star(y, grid(), permutations=999, seed=1)
    hot = set(np.flatnonzero(res["cluster"] == "hot"))
    assert set(block(11, 11, 3)) <= hot  # the heart of the planted block
    assert len(hot & set(planted)) >= 15  # and most of its 25 parcels (corners have few planted neighbours)
    ring = set(block(9, 9, 7))
    assert hot <= ring  # nothing hot away from the planted block and its edge
    assert (res["cluster"] == "cold").sum() == 0
    assert (res.loc[list(hot), "z"] > 0).all()
    assert (res.loc[list(hot), "p_fdr"] <= 0.05).all()


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_spatially_random_data_gives_no_cluster_after_fdr_correction(seed):
    rng = np.random.default_rng(seed)
    y = rng.poisson(0.3, 900).astype("float64")
    res = gi_star(y, grid(), permutations=999, seed=seed)
    assert (res["cluster"] != "").sum() == 0


def test_sparse_counts_do_not_make_every_empty_neighbourhood_a_cold_spot():
    # esda 2.9's directed p_sim gives 0.001 to every all-zero neighbourhood here
    rng = np.random.default_rng(0)
    y = np.zeros(900)
    y[rng.choice(900, 20, replace=False)] = 1.0
    res = gi_star(y, grid(), permutations=999, seed=0)
    assert res["p_sim"].min() > 0.001
    assert (res["cluster"] == "cold").sum() == 0


def test_the_same_seed_gives_the_same_result_and_another_seed_close_to_it():
    rng = np.random.default_rng(3)
    y = rng.poisson(0.5, 900).astype("float64")
    y[block(3, 3, 4)] += 3
    a = gi_star(y, grid(), permutations=199, seed=11)
    b = gi_star(y, grid(), permutations=199, seed=11)
    c = gi_star(y, grid(), permutations=199, seed=12)
    assert a.equals(b)
    assert not a["p_sim"].equals(c["p_sim"])
    assert np.abs(a["p_sim"] - c["p_sim"]).mean() < 0.05  # Monte Carlo error of 199 draws


def test_a_distance_band_finds_the_planted_cluster_too():
    rng = np.random.default_rng(7)
    y = np.zeros(900)
    y[rng.choice(900, 20, replace=False)] = 1.0
    y[block(10, 10, 5)] = 3.0
    res = gi_star(y, grid(), weights="distance", band_m=60.0, permutations=999, seed=1)
    assert len(set(np.flatnonzero(res["cluster"] == "hot")) & set(block(10, 10, 5))) >= 15


def test_a_site_without_neighbours_in_the_band_is_not_tested():
    xy = np.vstack([grid(10, 10), [[5000.0, 5000.0]]])
    y = np.r_[np.ones(100), 9.0]
    y[::7] = 0.0
    res = gi_star(y, xy, weights="distance", band_m=50.0, permutations=99)
    assert res.loc[100, "neighbours"] == 0
    assert res.loc[100, "p_sim"] == 1.0 and res.loc[100, "cluster"] == ""


def test_nothing_to_test_gives_no_cluster_rather_than_an_error():
    assert (gi_star(np.zeros(50), grid(10, 5), permutations=99)["cluster"] == "").all()
    assert (gi_star(np.ones(50), grid(10, 5), permutations=99)["cluster"] == "").all()


def test_thirty_thousand_parcels_with_999_permutations_find_the_planted_cluster():
    # its time is measured by the benchmarks (python -m benchmarks: Gi* at district scale), not asserted here
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 20_000, (30_000, 2))
    y = rng.poisson(0.05, 30_000).astype("float64")
    planted = np.hypot(xy[:, 0] - 5000, xy[:, 1] - 5000) < 300  # about 20 parcels
    y[planted] += 2
    res = gi_star(y, xy, permutations=999)
    hot = res["cluster"] == "hot"
    assert (hot & planted).sum() >= 10 and (hot & ~planted).sum() <= 3 * planted.sum()


# --------------------------------------------------------------------------- on a workspace


def grid_workspace(build, cluster: bool = True):
    """400 parcels of 50 m in two hamlets (A: x < 1000 m, B: x ≥ 1000 m), one household each.

    With ``cluster``, 16 neighbouring households of hamlet B have two open grievances each;
    five households scattered elsewhere have one.
    """
    parcels, households = [], []
    for i in range(400):
        col, row = i % 40, i // 40
        parcels.append({"so_to": "1", "so_thua": str(i + 1), "geometry": sq(col * 50, row * 50, 50)})
        households.append(
            {
                "household_id": f"H{i + 1}",
                "project_id": "P1",
                "map_sheet": "1",
                "parcel_no": str(i + 1),
                "stage": "surveyed",
                "stage_date": "2026-11-01",
                "agreement": "yes",
            }
        )
    members = [col + 40 * row for col in range(30, 34) for row in range(3, 7)] if cluster else []
    scattered = [5, 87, 163, 241, 318]
    grievances = []
    for k, i in enumerate([*members, *members, *scattered]):
        grievances.append(
            {
                "grievance_id": f"G{k}",
                "received_date": "2026-11-10",
                "kind": "complaint",
                "topic": "compensation_price",
                "signatories": 1,
                "status": "received",
                "household_id": f"H{i + 1}",
            }
        )
    return geo.load_workspace(build(parcels=parcels, households=households, grievances=grievances))


def test_gi_star_finds_the_planted_cluster_in_a_workspace_and_names_its_hamlet(build):
    ws = grid_workspace(build)
    res = grievance_clusters(ws, geo.time_slice(ws, geo.Selection.make(as_of=AS_OF)))
    assert res.hot_hamlets == ["B"]
    assert len(res.parcels) == 400
    hot = res.clusters
    assert (hot["cluster"] == "hot").all() and len(hot) >= 12
    assert set(hot.columns) >= {"parcel_id", "hamlet_id", "intensity", "z", "p_sim", "p_fdr", "cluster"}
    assert hot.crs == ws.crs and ws.crs.is_projected
    assert res.pairs == {("B", "P1")}


def test_the_hamlets_a_cluster_touches_get_the_gi_cluster_signal(build):
    ws = grid_workspace(build)
    result = compute_hotspots(ws, geo.Selection.make(as_of=AS_OF), weeks=1)
    levels = result.levels.set_index("hamlet_id")
    assert levels["gi_cluster"].to_dict() == {"A": 0.0, "B": 1.0}
    assert "có thửa đất trong cụm đơn thư tập trung bất thường (kiểm định Gi*)" in levels.loc["B", "hotspot_reasons"]
    assert result.by_project.set_index(["hamlet_id", "project_id"]).loc[("B", "P1"), "gi_cluster"] == 1.0


def test_the_summary_uses_the_same_levels_as_the_hotspots(build):
    ws = grid_workspace(build)
    summary = geo.hamlet_summary(ws, as_of=AS_OF).set_index("hamlet_id")
    levels = compute_hotspots(ws, geo.Selection.make(as_of=AS_OF), weeks=1).levels.set_index("hamlet_id")
    cols = ["hotspot_level", "hotspot_reasons"]
    assert summary[cols].to_dict() == levels[cols].to_dict()


def test_grievances_spread_evenly_without_a_cluster_give_none(build):
    ws = grid_workspace(build, cluster=False)
    res = grievance_clusters(ws, geo.time_slice(ws, geo.Selection.make(as_of=AS_OF)))
    assert res.hot_hamlets == [] and len(res.clusters) == 0


def test_the_gi_cluster_signal_can_be_switched_off(build):
    ws = grid_workspace(build)
    cfg = {"signals": {"gi_cluster": {"enabled": False}}}
    result = compute_hotspots(ws, geo.Selection.make(as_of=AS_OF), weeks=1, config=cfg)
    assert result.levels["gi_cluster"].sum() == 0.0
    assert len(result.clusters.clusters) == 0


def lonlat(x: float, y: float) -> tuple[float, float]:
    """WGS 84 of a point ``(x, y)`` metres from the test origin in EPSG:9215."""
    to_wgs = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    return to_wgs.transform(X0 + x, Y0 + y)


def test_grievances_are_put_on_parcels_through_households_and_points(build):
    households = [
        {
            "household_id": "H1",
            "project_id": "P1",
            "map_sheet": "1",
            "parcel_no": "1",
            "stage": "surveyed",
            "stage_date": "2026-11-01",
        },
        {
            "household_id": "H1",
            "project_id": "P1",
            "map_sheet": "1",
            "parcel_no": "2",
            "stage": "surveyed",
            "stage_date": "2026-11-01",
        },
        {
            "household_id": "H3",
            "project_id": "P1",
            "map_sheet": "2",
            "parcel_no": "1",
            "stage": "surveyed",
            "stage_date": "2026-11-01",
        },
    ]
    base = {"received_date": "2026-11-10", "kind": "complaint", "status": "received", "signatories": 1}
    inside, beside, far = lonlat(1150, 60), lonlat(1405, 60), lonlat(1600, 500)
    grievances = [
        {**base, "grievance_id": "G1", "household_id": "H1", "signatories": 6},  # 2 parcels: half each
        {**base, "grievance_id": "G2", "lon": inside[0], "lat": inside[1]},  # inside parcel 2-1
        {**base, "grievance_id": "G3", "lon": beside[0], "lat": beside[1]},  # 5 m east of parcel 2-2
        {**base, "grievance_id": "G4", "lon": far[0], "lat": far[1]},  # 200 m from any parcel
        {**base, "grievance_id": "G5", "hamlet_id": "A"},  # a hamlet only
        {
            **base,
            "grievance_id": "G6",
            "household_id": "H3",
            "status": "resolved",
            "resolved_date": "2026-11-12",
        },  # closed: not counted
    ]
    ws = geo.load_workspace(build(households=households, grievances=grievances))
    sl = geo.time_slice(ws, geo.Selection.make(as_of=AS_OF))
    counts, lost = parcel_intensity(ws, sl)
    assert counts.to_dict() == {"1-1": 0.5, "1-2": 0.5, "2-1": 1.0, "2-2": 1.0}
    assert lost == 2
    by_people, _ = parcel_intensity(ws, sl, measure="signatories")
    assert by_people.to_dict() == {"1-1": 3.0, "1-2": 3.0, "2-1": 1.0, "2-2": 1.0}
    no_snap, lost_more = parcel_intensity(ws, sl, snap_m=0)
    assert "2-2" not in no_snap.index and lost_more == 3


def test_too_few_affected_parcels_are_not_tested_and_say_why(build):
    ws = geo.load_workspace(
        build(
            grievances=[
                {"grievance_id": "G1", "received_date": "2026-11-10", "household_id": "H3", "status": "received"}
            ]
        )
    )
    res = grievance_clusters(
        ws, geo.time_slice(ws, geo.Selection.make(as_of=AS_OF)), hotspot_config({"clusters": {"permutations": 99}})
    )
    assert len(res.parcels) == 0 and "cần ít nhất 10" in res.note
