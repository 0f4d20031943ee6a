"""The command line: ``python -m geo.sample OUT_DIR [--size NAME] [--parcels N] …``."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from .generate import generate_workspace
from .presets import SIZES, SYNTHETIC_LABEL


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point: ``python -m geo.sample OUT_DIR [--size NAME] [--parcels N] …``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments; default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status (0).
    """
    sizes = "\n".join(
        f"  {name:9s} {z.parcels:>7,} parcels in {z.hamlets:>5,} hamlets, {z.households:>6,} household rows, "
        f"{z.grievances:>6,} grievances\n            {z.what}"
        for name, z in SIZES.items()
    )
    ap = argparse.ArgumentParser(
        prog="python -m geo.sample",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write a SYNTHETIC sample workspace: xã Hữu Lũng (Lạng Sơn), former communes Hồ Sơn "
        "and Đồng Tân. Dữ liệu mẫu tổng hợp, không phải dữ liệu thật.",
        epilog=f"""sizes (--size; a flag given beside it overrides that part):
{sizes}
Without --size: 3,000 parcels (the commune), with households, grievances and hamlets scaled from
--parcels (800 rows and 150 grievances per 3,000 parcels; 10 hamlets up to 3,000 parcels, else
one per 150). The same arguments give byte-identical files.

examples:
  python -m geo.sample data/hoson                       # the committed sample
  python -m geo.sample /tmp/district --size district    # analysts' and benchmarks' district workspace
  python -m geo.sample /tmp/province --size province    # ~1 min to write
  python -m geo.sample /tmp/ws --parcels 12000 --hamlets 80 --seed 7""",
    )
    ap.add_argument("out_dir", type=Path, help="folder to write (created; files of the same names are replaced)")
    ap.add_argument("--size", choices=sorted(SIZES), default=None, help="a preset size (see below); default: commune")
    ap.add_argument("--parcels", type=int, default=None, help="number of parcels (default 3,000)")
    ap.add_argument(
        "--hamlets",
        type=int,
        default=None,
        help="number of hamlets (at least 10; default 10 up to 3,000 parcels, else parcels / 150)",
    )
    ap.add_argument(
        "--households", type=int, default=None, help="rows of households.xlsx (default parcels × 800 / 3,000)"
    )
    ap.add_argument("--grievances", type=int, default=None, help="grievances (default parcels × 150 / 3,000)")
    ap.add_argument("--seed", type=int, default=20251125, help="random seed (default 20251125)")
    ap.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=date(2026, 11, 20),
        help="reporting date, YYYY-MM-DD (default 2026-11-20)",
    )
    a = ap.parse_args(argv)
    preset = SIZES[a.size] if a.size else None

    def pick(flag: int | None, field: str) -> int | None:
        return flag if flag is not None else (getattr(preset, field) if preset else None)

    t0 = time.perf_counter()
    out = generate_workspace(
        a.out_dir,
        parcels=pick(a.parcels, "parcels") or 3000,
        seed=a.seed,
        households=pick(a.households, "households"),
        grievances=pick(a.grievances, "grievances"),
        as_of=a.as_of,
        hamlets=pick(a.hamlets, "hamlets"),
    )
    dt = time.perf_counter() - t0
    print(f"{SYNTHETIC_LABEL}\nwrote {out} in {dt:.1f} s:")
    for f in sorted(out.iterdir()):
        if f.is_file():
            print(f"  {f.name:22s} {f.stat().st_size:>12,d} bytes")
    return 0
