"""``python -m benchmarks.store``: the store's figures on both backends (issue 15 point 8).

    python -m benchmarks.store [--size commune|district|province] [--workspace DIR]
                               [--backends gpkg,postgis] [--postgis URL] [--changed 1000] [--json OUT]

For the workspace (a synthetic size from :mod:`benchmarks.workspaces`, or a folder): reading the
folder (``geo.load_workspace``, what the dashboard does today), importing it into a store, opening the
store for the dashboard (open, read every layer, assemble the workspace from them), the diff and the
commit of an upload of ``--changed`` changed household rows (and the commit of another such upload
with no diff before it, in a freshly opened store), one household's history, the state right after the
import, and the store's size against the folder's. ``python -m geo summary STORE`` is timed on its first
run after the import (``summary_cli_first_s``: it assembles the workspace and keeps it with the
changeset, :mod:`geo.store.kept`) and as the best of the two runs after it (``summary_cli_s``).
Without ``--postgis`` a throwaway PostGIS server is
started (``tests/postgis.py``); where none can be started, PostGIS is skipped with a message saying
why. ``python -m benchmarks`` runs this for each size (``--parts store`` runs only this part).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

ROOT = Path(__file__).resolve().parents[1]
for entry in (ROOT, ROOT / "tests"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

import pandas as pd  # noqa: E402

import geo  # noqa: E402
from benchmarks.children import summary_cli  # noqa: E402
from benchmarks.workspaces import SIZES, ensure_workspace  # noqa: E402
from geo.config import WorkspaceConfig  # noqa: E402
from geo.source import MemorySource  # noqa: E402
from geo.store import Store  # noqa: E402
from geo.store.engine import GpkgBackend  # noqa: E402
from geo.workspace import assemble  # noqa: E402

LAYERS = ("hamlets", "parcels", "projects", "households", "stage_history", "grievances", "field_reports")
BACKENDS = ("gpkg", "postgis")
T = TypeVar("T")


def _timed(fn: Callable[..., T], *args: Any, **kw: Any) -> tuple[T, float]:
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


def open_for_dashboard(url: str, config: WorkspaceConfig) -> geo.Workspace:
    """What the dashboard does to show a store: open it, read every layer, assemble the workspace."""
    with Store.open(url) as store:
        layers = store.layers()
    return assemble(MemorySource(layers, config, name="store", canonical=True).read())


def measure(url: str, layers: dict, folder: Path, changed: int, config: WorkspaceConfig | None = None) -> dict:
    """Every figure for one store at ``url`` (a new ``.gpkg`` path or an empty PostGIS database).

    Parameters
    ----------
    url : str
        Where the store goes.
    layers : dict
        The folder's canonical layers (``geo.load_workspace``'s frames).
    folder : Path
        The folder, for its size and as the import's source.
    changed : int
        Household rows changed by each upload.
    config : WorkspaceConfig, optional
        The folder's settings, for assembling the workspace from the store.

    Returns
    -------
    dict
        Seconds (``*_s``), rows and megabytes, rounded.
    """
    out: dict = {}
    store, out["import_s"] = _timed(Store.create, url, layers, user="bench", source=folder)
    store.close()
    ws, out["open_for_dashboard_s"] = _timed(open_for_dashboard, url, config or WorkspaceConfig())
    out["open_for_dashboard_errors"] = len(ws.report.errors)
    # `python -m geo summary STORE`, end to end in a fresh process: the first run after the change
    # assembles the workspace and keeps it with the changeset (geo.store.kept); the next ones read it
    first = summary_cli(url, 1)
    out["summary_cli_first_s"], out["summary_cli_first_peak_mb"] = first["s"], first["peak_mb"]
    summary = summary_cli(url, 2)
    out["summary_cli_s"], out["summary_cli_peak_mb"] = summary["s"], summary["peak_mb"]
    store, out["open_s"] = _timed(Store.open, url)
    _, out["read_layers_s"] = _timed(store.layers)
    households = cast(pd.DataFrame, store.layer("households"))
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
    events, out["record_history_s"] = _timed(store.history, "households", record)
    out["record_events"] = len(events)
    _, out["state_at_import_s"] = _timed(store.layers, 1)
    out["store_mb"] = round(_store_bytes(store) / 2**20, 1)
    out["folder_mb"] = round(_folder_bytes(folder) / 2**20, 1)
    store.close()
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


def measure_postgis(layers: dict, folder: Path, changed: int, config: WorkspaceConfig, log=print) -> dict:
    """:func:`measure` on a throwaway PostGIS server; ``{"skipped": why}`` where none can be started."""
    from postgis import postgis_server

    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(postgis_server())
        except (RuntimeError, OSError) as exc:
            why = str(exc).strip().splitlines()[0]
            log(f"PostGIS bỏ qua / PostGIS skipped: no throwaway server could be started ({why}); pass --postgis URL")
            return {"skipped": why}
        return measure(url, layers, folder, changed, config)


def run(
    folder: Path, backends: tuple[str, ...] = BACKENDS, changed: int = 1000, postgis: str | None = None, log=print
) -> dict:
    """Every figure of the store for the workspace ``folder``, on each of ``backends``."""
    ws, read_s = _timed(geo.load_workspace, folder)
    layers = {name: getattr(ws, name) for name in LAYERS if name in ws.present}
    results: dict = {
        "workspace": str(folder),
        "read_folder_s": round(read_s, 3),
        "rows": {name: len(frame) for name, frame in layers.items()},
    }
    with tempfile.TemporaryDirectory(prefix="geo-bench-store-") as tmp:
        if "gpkg" in backends:
            results["gpkg"] = measure(str(Path(tmp) / "store.gpkg"), layers, folder, changed, ws.config)
        if "postgis" in backends:
            if postgis:
                results["postgis"] = measure(postgis, layers, folder, changed, ws.config)
            else:
                results["postgis"] = measure_postgis(layers, folder, changed, ws.config, log)
    return results


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's description)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.store", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="district", choices=sorted(SIZES))
    parser.add_argument("--workspace", type=Path, help="a workspace folder instead of a synthetic size")
    parser.add_argument("--cache", type=Path, default=None, help="folder of the generated workspaces")
    parser.add_argument("--backends", default="gpkg,postgis", help="comma-separated: gpkg, postgis")
    parser.add_argument("--postgis", help="a postgresql:// URL of an empty database with PostGIS")
    parser.add_argument("--changed", type=int, default=1000)
    parser.add_argument("--json", "--out", dest="json", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args(argv)
    backends = tuple(b.strip() for b in args.backends.split(",") if b.strip())
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown or not backends:
        parser.error(f"unknown backend(s) {', '.join(unknown) or '(none)'}; use {', '.join(BACKENDS)}")
    folder = args.workspace or ensure_workspace(SIZES[args.size], args.cache)[0]
    results = run(folder, backends, args.changed, args.postgis)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
