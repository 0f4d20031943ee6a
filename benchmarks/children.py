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


def run_child(cmd: list[str], stdout=None, stderr=None) -> dict:
    """Run ``cmd`` from the repository root; its wall seconds, exit code and peak memory (MB).

    The peak is the child's own ``ru_maxrss`` (``os.wait4``); where there is
    no ``wait4`` (Windows) it is the largest RSS psutil sees, polled.
    """
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=stderr, env=env)
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_kb = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)
        peak = peak_kb / 1024
    else:  # pragma: no cover - Windows
        import psutil

        ps, peak = psutil.Process(proc.pid), 0.0
        while proc.poll() is None:
            try:
                peak = max(peak, ps.memory_info().rss / MB)
            except psutil.Error:
                break
            time.sleep(0.05)
        proc.wait()
        wall = time.perf_counter() - t
    return {"s": round(wall, 3), "returncode": proc.returncode, "peak_mb": round(peak, 1)}


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
