"""GEOS work cut in two halves on two threads: the same results as one call."""

from __future__ import annotations

import numpy as np
import shapely

from geo.halves import MIN_SPLIT, in_halves, joined


def _polygons(n: int, invalid_at: tuple[int, ...]) -> np.ndarray:
    geoms = shapely.box(np.arange(n), 0, np.arange(n) + 1, 1)
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    geoms[list(invalid_at)] = bowtie
    return geoms


def test_a_large_array_is_cut_in_two_halves_with_their_starts():
    values = np.arange(MIN_SPLIT + 7)
    parts = in_halves(len, values)
    assert [start for start, _ in parts] == [0, (MIN_SPLIT + 7) // 2]
    assert sum(size for _, size in parts) == len(values)


def test_a_small_array_is_one_call():
    assert in_halves(len, np.arange(5)) == [(0, 5)]


def test_joined_results_are_those_of_one_call_in_order():
    geoms = _polygons(MIN_SPLIT + 11, invalid_at=(3, MIN_SPLIT // 2 + 1, MIN_SPLIT + 10))
    valid = joined(shapely.is_valid, geoms)
    assert np.array_equal(valid, shapely.is_valid(geoms))
    assert np.flatnonzero(~valid).tolist() == [3, MIN_SPLIT // 2 + 1, MIN_SPLIT + 10]
