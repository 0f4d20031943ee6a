"""A command timed in a child process (benchmarks/children.py) reports its own peak memory."""

from __future__ import annotations

import sys

import numpy as np

from benchmarks.children import run_child


def test_a_child_reports_its_own_peak_not_the_benchmark_process_it_was_started_from():
    held = np.ones(50_000_000)  # 400 MB resident in this process, as a benchmark holding a province's layers
    run = run_child([sys.executable, "-c", "import numpy as np; np.ones(5_000_000).sum()"])
    assert held.sum() == 50_000_000
    assert run["returncode"] == 0 and run["s"] > 0
    assert 10 < run["peak_mb"] < 200  # numpy and 40 MB; 400+ where Linux counted the parent's pages


def test_a_childs_exit_code_is_reported():
    assert run_child([sys.executable, "-c", "raise SystemExit(3)"])["returncode"] == 3
