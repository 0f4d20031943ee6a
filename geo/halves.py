"""GEOS work on both cores: an array of geometries cut in two halves, each on its own thread.

shapely's vectorised functions let go of the GIL while GEOS works, so two threads over the two
halves of a province's 300,000 parcels take about half the time of one call (the machine the
product is sized for has two cores). A few geometries are not worth a thread: below
:data:`MIN_SPLIT` the function runs once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

MIN_SPLIT = 20_000
"""Fewer values than this: one call, no threads."""


def in_halves(func: Callable[[np.ndarray], Any], values: np.ndarray) -> list[tuple[int, Any]]:
    """``func`` of each half of ``values``, on two threads: ``[(start, result), …]``.

    Example
    -------
    >>> in_halves(len, np.arange(10))
    [(0, 10)]
    """
    if len(values) < MIN_SPLIT:
        return [(0, func(values))]
    from concurrent.futures import ThreadPoolExecutor

    half = len(values) // 2
    with ThreadPoolExecutor(2, thread_name_prefix="geo-geos") as pool:
        return list(zip((0, half), pool.map(func, [values[:half], values[half:]]), strict=True))


def joined(func: Callable[[np.ndarray], np.ndarray], values: np.ndarray) -> np.ndarray:
    """``func(values)`` for an element-wise ``func`` (one result per value), computed :func:`in_halves`.

    Example
    -------
    >>> import shapely
    >>> joined(shapely.is_valid, np.array([shapely.box(0, 0, 1, 1)], dtype=object)).tolist()
    [True]
    """
    return np.concatenate([part for _, part in in_halves(func, values)])
