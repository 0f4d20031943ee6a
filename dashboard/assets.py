"""Offline map assets: Leaflet copied from its xstatic package into ``static/vendor``.

Streamlit serves ``dashboard/static`` at ``/app/static`` (``server.enableStaticServing``
in ``streamlit_config.toml``); the map links ``/app/static/vendor/…`` and nothing else.
"""

from __future__ import annotations

from pathlib import Path

from geo.maps import asset_files
from geo.outputs import atomic_write

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = STATIC / "vendor"


def ensure_assets(target: Path = VENDOR) -> list[str]:
    """Copy any missing or changed asset into ``target``; return the problems (empty when all is well)."""
    problems = []
    for rel, source in asset_files().items():
        dest = target / rel
        try:
            if dest.is_file() and dest.stat().st_size == source.stat().st_size:
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(dest, source.read_bytes())  # a temporary file beside, renamed when complete
        except OSError as exc:
            problems.append(f"{rel}: {exc}")
    return problems
