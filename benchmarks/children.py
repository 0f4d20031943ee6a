"""Commands run end to end in a child process, timed as a user meets them: wall seconds and peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 2**20


_LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {wall} {usage.ru_maxrss}")
"""
"""Runs the command and writes its exit code, wall seconds and ``ru_maxrss`` (KiB). On Linux a process's
``ru_maxrss`` keeps the resident size of the process it was forked from, as it was at ``exec``: a
command forked straight from a benchmark holding a province's layers (1.2 GB) would report that. Forked
from this small launcher instead, it reports its own."""


def run_child(cmd: list[str], stdout=None, stderr=None) -> dict:
    """Run ``cmd`` from the repository root; its wall seconds, exit code and peak memory (MB).

    The peak is the child's own ``ru_maxrss`` (``os.wait4``, in a small launcher process: see
    :data:`_LAUNCHER`); where there is no ``wait4`` (Windows) it is the largest RSS psutil sees, polled.
    """
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    if hasattr(os, "wait4"):
        with tempfile.TemporaryDirectory(prefix="geo-child-") as tmp:
            figures = Path(tmp) / "figures.txt"
            launcher = [sys.executable, "-c", _LAUNCHER, str(figures), *cmd]
            subprocess.run(launcher, cwd=ROOT, stdout=stdout, stderr=stderr, env=env, check=False)
            code, wall, peak_kb = figures.read_text().split()
        peak = int(peak_kb) / (1024 if sys.platform != "darwin" else 1024 * 1024)
        return {"s": round(float(wall), 3), "returncode": int(code), "peak_mb": round(peak, 1)}
    import psutil  # pragma: no cover - Windows

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=stderr, env=env)
    ps, peak = psutil.Process(proc.pid), 0.0
    while proc.poll() is None:
        try:
            peak = max(peak, ps.memory_info().rss / MB)
        except psutil.Error:
            break
        time.sleep(0.05)
    proc.wait()
    return {"s": round(time.perf_counter() - t, 3), "returncode": proc.returncode, "peak_mb": round(peak, 1)}


def summary_cli(workspace: Path | str, repeat: int) -> dict:
    """``python -m geo summary WORKSPACE --out …`` end to end (a folder or a store): best wall time, its peak
    memory."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="geo-bench-") as tmp:
        for _ in range(max(1, repeat)):
            with open(Path(tmp) / "log.txt", "wb") as log:
                run = run_child(
                    [sys.executable, "-m", "geo", "summary", str(workspace), "--out", str(Path(tmp) / "summary.csv")],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if run["returncode"] != 0:
                raise SystemExit(
                    "python -m geo summary failed:\n"
                    + (Path(tmp) / "log.txt").read_text(encoding="utf-8", errors="replace")
                )
            runs.append(run)
    fastest = min(runs, key=lambda r: r["s"])
    return {"s": fastest["s"], "peak_mb": max(r["peak_mb"] for r in runs), "runs": [r["s"] for r in runs]}
