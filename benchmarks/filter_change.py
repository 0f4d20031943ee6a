"""How fast the dashboard answers a filter change, and how heavy its map is.

    .venv/bin/python benchmarks/filter_change.py [WORKSPACE] [--json OUT.json]

Two measurements on one workspace (default ``data/hoson``):

1. **Functions** — the work a filter change does on the server, timed piece
   by piece for every project (each a selection not seen before): the
   analysis (``geo.analyse``: time slice, Gi* clusters, hotspot levels,
   summary, headline), map building and the map's HTML, with the HTML's
   size in bytes, and the weekly progress series of the progress tab
   (``geo.weekly_progress``, as ``dashboard/data.py`` runs it). Loading the
   workspace and its display geometry happen once and
   are reported apart: a filter change does not repeat them.
   :func:`selection_times` is this measurement for one selection (reused by
   ``python -m benchmarks``).
2. **The app** — the whole page script run by Streamlit's ``AppTest``
   (server side, no browser): the first run (cold: reading files), then a
   switch to each project, then back to one already seen (cached).

Targets (issue 4): a filter change under 1 s, the map's HTML under 1.5 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_S = 1.0
TARGET_BYTES = 1_500_000


def _timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


STEPS = ("analyse", "build_map", "map_html", "weekly")
"""The timed pieces of a filter change, in the order the app runs them."""


def selection_times(ws, disp, sel) -> tuple[dict, dict]:
    """Run what the app runs for a new selection ``sel``; seconds per step and what came out.

    Parameters
    ----------
    ws : geo.Workspace
    disp : geo.maps.DisplayGeometry
        The workspace's display geometry (computed once per workspace, not per change).
    sel : geo.Selection

    Returns
    -------
    (dict, dict)
        ``{step: seconds}`` for :data:`STEPS`, and
        ``{"map_bytes", "parcels_drawn", "mode"}``.
    """
    import geo
    from geo.maps import build_map, map_html

    times = {}
    an, times["analyse"] = _timed(geo.analyse, ws, sel)
    m, times["build_map"] = _timed(build_map, ws, an, clusters=an.cluster_layer(), display=disp)
    html, times["map_html"] = _timed(map_html, m)
    # the progress tab: dashboard/data.py weekly() → figures.weekly_handover → geo.weekly_progress
    # (which ignores the stage filter itself)
    _, times["weekly"] = _timed(geo.weekly_progress, ws, sel, weeks=None)
    out = {"map_bytes": len(html.encode("utf-8")), "parcels_drawn": m.info.parcels_drawn, "mode": m.info.mode}
    return times, out


def functions(path: Path) -> dict:
    import geo
    from geo.maps import display_geometry

    ws, t_load = _timed(geo.load_workspace, path)
    if not ws.report.ok:
        raise SystemExit(ws.report.render())
    disp, t_disp = _timed(display_geometry, ws)
    geo.analyse(ws, geo.Selection(as_of=ws.default_as_of()))  # warm the statistics imports, as the app's first run does
    rows = []
    for project in [None, *ws.projects["project_id"]]:
        sel = geo.Selection.make(project=project, as_of=ws.default_as_of())
        times, drawn = selection_times(ws, disp, sel)
        rows.append(
            {
                "project": project or "(tất cả / all)",
                **{k: round(v, 3) for k, v in times.items()},
                "total_s": round(sum(times.values()), 3),
                **drawn,
            }
        )
    return {
        "load_s": round(t_load, 3),
        "display_geometry_s": round(t_disp, 3),
        "parcels": len(ws.parcels),
        "selections": rows,
    }


def app(path: Path) -> dict:
    from streamlit.testing.v1 import AppTest

    import geo

    os.environ["GEO_WORKSPACE"] = str(path)
    ws = geo.load_workspace(path)
    projects = list(ws.projects["project_id"])
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=600)
    _, first = _timed(at.run)
    if at.exception:
        raise SystemExit(f"the app failed: {[e.value for e in at.exception]}")
    runs: list[dict[str, Any]] = []
    for project in [*projects, projects[0]]:
        seen = any(r["project"] == project for r in runs)
        _, t = _timed(at.sidebar.selectbox[0].select(project).run)
        if at.exception:
            raise SystemExit(f"the app failed: {[e.value for e in at.exception]}")
        runs.append({"project": project, "cached": seen, "run_s": round(t, 3)})
    at.toggle(key="f_meeting").set_value(True)
    _, t_meeting = _timed(at.run)
    comp = at.get("component_instance")[0]
    script = json.loads(comp.proto.json_args)["script"]
    return {
        "first_run_s": round(first, 3),
        "filter_changes": runs,
        "meeting_toggle_s": round(t_meeting, 3),
        "meeting_map_script_bytes": len(script.encode("utf-8")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", nargs="?", default=str(ROOT / "data" / "hoson"))
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--no-app", action="store_true", help="time the functions only")
    args = parser.parse_args(argv)
    path = Path(args.workspace).resolve()
    out: dict[str, Any] = {"workspace": str(path), "functions": functions(path)}
    f = out["functions"]
    print(f"Workspace {path} — {f['parcels']} parcels")
    print(f"  once per workspace: load {f['load_s']:.2f} s, display geometry {f['display_geometry_s']:.2f} s")
    print("  per filter change (functions):")
    for r in f["selections"]:
        parts = ", ".join(f"{k} {r[k]:.3f}" for k in STEPS if k in r)
        print(
            f"    {r['project']:<18} {r['total_s']:.3f} s ({parts}); map HTML {r['map_bytes']:,} bytes, "
            f"{r['parcels_drawn']} parcels ({r['mode']})"
        )
    if not args.no_app:
        a = app(path)
        out["app"] = a
        print(f"  the app (AppTest, server side): first run {a['first_run_s']:.2f} s")
        for r in a["filter_changes"]:
            print(f"    project → {r['project']:<10} {r['run_s']:.3f} s" + (" (cached)" if r["cached"] else ""))
        print(f"    meeting mode on  {a['meeting_toggle_s']:.3f} s; map script {a['meeting_map_script_bytes']:,} bytes")
    worst_bytes = max(r["map_bytes"] for r in f["selections"])
    worst_fn = max(r["total_s"] for r in f["selections"])
    worst_app = max((r["run_s"] for r in out.get("app", {}).get("filter_changes", []) if not r["cached"]), default=0.0)
    ok = worst_bytes < TARGET_BYTES and worst_fn < TARGET_S and worst_app < TARGET_S
    print(
        f"Largest map {worst_bytes:,} bytes (target < {TARGET_BYTES:,}); slowest filter change "
        f"{worst_fn:.3f} s functions, {worst_app:.3f} s app (target < {TARGET_S} s): " + ("OK" if ok else "OVER TARGET")
    )
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
