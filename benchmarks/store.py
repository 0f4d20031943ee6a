"""``python -m benchmarks.store``: the store's figures on both backends (issue 15 point 8).

    python -m benchmarks.store [--size commune|district|province] [--workspace DIR]
                               [--backends gpkg,postgis] [--postgis URL] [--changed 1000] [--json OUT]

For the workspace (a synthetic size from :mod:`benchmarks.workspaces`, or a folder): reading the
folder (``geo.load_workspace``), importing it into a store, reading every layer back (what a
dashboard would open), the diff and the commit of an upload of ``--changed`` changed household rows
(and the commit of another such upload with no diff before it, in a freshly opened store),
one household's history, the state right after the import, and the store's size against the
folder's. Without ``--postgis`` a throwaway PostGIS server is started (``tests/postgis.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for entry in (ROOT, ROOT / "tests"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

import geo  # noqa: E402
from benchmarks.workspaces import SIZES, ensure_workspace  # noqa: E402
from geo.store import Store  # noqa: E402
from geo.store.engine import GpkgBackend  # noqa: E402

LAYERS = ("hamlets", "parcels", "projects", "households", "stage_history", "grievances", "field_reports")


def _timed(fn, *args, **kw):
    start = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - start


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _store_bytes(store: Store) -> int:
    if isinstance(store.backend, GpkgBackend):
        return store.backend.path.stat().st_size
    with store.backend.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one())


def measure(url: str, layers: dict, folder: Path, changed: int) -> dict:
    """Every figure for one store at ``url``."""
    out: dict = {}
    store, out["import_s"] = _timed(Store.create, url, layers, user="bench", source=folder)
    store.close()
    store, out["open_s"] = _timed(Store.open, url)
    _, out["read_layers_s"] = _timed(store.layers)
    households = store.layer("households")
    n = min(changed, len(households))
    new = households.copy()
    new.loc[: n - 1, "stage"] = "handed_over"
    new.loc[: n - 1, "compensation_vnd"] = new.loc[: n - 1, "compensation_vnd"].fillna(0) + 1_000_000
    d, out["diff_s"] = _timed(store.diff, "households", new)
    out["changed_rows"] = d.counts["changed"]
    _, out["upload_commit_s"] = _timed(store.upload, "households", new, user="bench", base=store.head())
    store.close()
    store = Store.open(url)  # an upload with no diff before it: the layer is read in the commit
    again = new.copy()
    again.loc[n : 2 * n - 1, "compensation_vnd"] = again.loc[n : 2 * n - 1, "compensation_vnd"].fillna(0) + 1_000_000
    commit, out["upload_cold_commit_s"] = _timed(store.upload, "households", again, user="bench")
    out["cold_changed_rows"] = commit.diff.counts["changed"]
    record = households["household_id"].iloc[0]
    _, out["record_history_s"] = _timed(store.history, "households", record)
    _, out["state_at_import_s"] = _timed(store.layers, 1)
    out["store_mb"] = round(_store_bytes(store) / 2**20, 1)
    out["folder_mb"] = round(_folder_bytes(folder) / 2**20, 1)
    store.close()
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="district", choices=sorted(SIZES))
    parser.add_argument("--workspace", type=Path, help="a workspace folder instead of a synthetic size")
    parser.add_argument("--backends", default="gpkg,postgis")
    parser.add_argument("--postgis", help="a postgresql:// URL of an empty database with PostGIS")
    parser.add_argument("--changed", type=int, default=1000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    folder = args.workspace or ensure_workspace(SIZES[args.size])[0]
    ws, read_s = _timed(geo.load_workspace, folder)
    layers = {name: getattr(ws, name) for name in LAYERS if name in ws.present}
    results: dict = {
        "workspace": str(folder),
        "read_folder_s": round(read_s, 3),
        "rows": {name: len(frame) for name, frame in layers.items()},
    }
    backends = args.backends.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        if "gpkg" in backends:
            results["gpkg"] = measure(str(Path(tmp) / "store.gpkg"), layers, folder, args.changed)
        if "postgis" in backends:
            if args.postgis:
                results["postgis"] = measure(args.postgis, layers, folder, args.changed)
            else:
                from postgis import postgis_server

                with postgis_server() as url:
                    results["postgis"] = measure(url, layers, folder, args.changed)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
