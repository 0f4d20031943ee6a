"""Synthetic benchmark workspaces at commune, district and province size, generated once and cached.

A workspace is written by :func:`geo.sample.generate_workspace` into
``CACHE/<size>-p<parcels>-h<households>-g<grievances>-s<seed>/`` and reused
while its marker file (``.benchmark.json``: the arguments and a hash of
``geo/sample/``) matches; generating the province size takes ~40–50 s.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = ".benchmark.json"
SEED = 20251125


@dataclass(frozen=True)
class Size:
    """One benchmark size: the generator's arguments."""

    name: str
    parcels: int
    households: int
    grievances: int
    hamlets: int | None = None  # None: the generator's default (10 up to 3,000 parcels, else one per 150)
    seed: int = SEED

    @property
    def folder_name(self) -> str:
        hamlets = f"-t{self.hamlets}" if self.hamlets is not None else ""
        return f"{self.name}-p{self.parcels}{hamlets}-h{self.households}-g{self.grievances}-s{self.seed}"


SIZES: dict[str, Size] = {
    "commune": Size("commune", 3_000, 800, 150, 10),
    "district": Size("district", 30_000, 8_000, 1_500, 200),
    "province": Size("province", 300_000, 80_000, 10_000, 2_000),
}
"""The generator's three preset sizes (``python -m geo.sample --size``, :data:`geo.sample.SIZES`):
a commune of 10 hamlets, and district and province sizes with hamlets of about 150 parcels."""


def default_cache() -> Path:
    """``$GEO_BENCH_CACHE``, else ``<temp>/geo-benchmarks``."""
    env = os.environ.get("GEO_BENCH_CACHE")
    return Path(env) if env else Path(tempfile.gettempdir()) / "geo-benchmarks"


def _generator_hash() -> str:
    digest = hashlib.sha256()
    for part in sorted((ROOT / "geo" / "sample").glob("*.py")):
        digest.update(part.name.encode() + b"\0" + part.read_bytes())
    return digest.hexdigest()[:16]


def ensure_workspace(size: Size, cache: Path | None = None, log=print) -> tuple[Path, float | None]:
    """The folder of ``size``'s workspace, generating it where no matching one is cached.

    Returns
    -------
    (Path, float or None)
        The folder, and the seconds spent generating it (None where reused).
    """
    cache = Path(cache) if cache else default_cache()
    folder = cache / size.folder_name
    want = {**asdict(size), "generator": _generator_hash()}
    marker = folder / MARKER
    if marker.is_file():
        try:
            if json.loads(marker.read_text(encoding="utf-8")) == want:
                return folder, None
        except (OSError, ValueError):
            pass
    from geo.sample import generate_workspace

    if folder.exists():
        shutil.rmtree(folder)
    tmp = cache / (size.folder_name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    log(f"  generating the {size.name} workspace ({size.parcels:,} parcels) in {folder} …")
    t = time.perf_counter()
    generate_workspace(
        tmp,
        parcels=size.parcels,
        households=size.households,
        grievances=size.grievances,
        hamlets=size.hamlets,
        seed=size.seed,
    )
    elapsed = time.perf_counter() - t
    (tmp / MARKER).write_text(json.dumps(want, indent=1), encoding="utf-8")
    tmp.rename(folder)
    return folder, elapsed
