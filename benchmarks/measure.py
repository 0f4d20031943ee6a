"""Our figures for one workspace, in a process of its own (``python -m benchmarks.measure``).

    python -m benchmarks.measure WORKSPACE --out FIGURES.json [--repeat N] [--selections N]

Run by ``python -m benchmarks`` once per size, so that the peak memory
(``ru_maxrss`` of this process, which sees what numpy and GDAL allocate;
tracemalloc would not) belongs to one size only. Every timing is the best
of ``--repeat`` runs. Steps, in order:

* ``read``: each layer file read on its own (``geo.io.read_layer``);
* ``load``: ``geo.load_workspace`` (reading, canonical columns, CRS,
  validation and the joins: what ``python -m geo validate`` does);
* ``joins``: the three joins again on the loaded layers (parcel → hamlet by
  representative point, household row → parcel, grievance → hamlet);
* ``esda_import``, then :func:`geo.analyse` of the whole workspace, with the
  seconds of its steps (:attr:`geo.Analysis.timings`): ``slice``, ``gi``
  (Gi* with the configured 999 permutations), ``rules`` (hotspot levels
  given the clusters), ``summary`` (the per-hamlet aggregation and headline);
* ``map``: display geometry (once per workspace), then ``build_map`` and
  ``map_html`` of the whole workspace, with the page's bytes;
* ``filter_change``: what the app runs for each new selection (all
  projects, each project, the hamlet with most parcels), see
  ``benchmarks/filter_change.py``;
* ``rss_mb``: the peak resident memory after each phase.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MB (``ru_maxrss``; psutil where no ``resource``)."""
    try:
        import resource

        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return round(kb / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
    except ImportError:  # pragma: no cover - Windows
        import psutil

        info = psutil.Process().memory_info()
        return round(getattr(info, "peak_wset", info.rss) / 2**20, 1)


def best(fn, *args, repeat: int = 1, **kw):
    """``(result of the last run, best seconds of `repeat` runs)``."""
    times = []
    out = None
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        out = fn(*args, **kw)
        times.append(time.perf_counter() - t)
    return out, min(times)


def measure(path: Path, repeat: int = 1, selections: int | None = None, log=None) -> dict:
    """Every figure of :mod:`benchmarks.measure` for the workspace at ``path``."""
    log = log or (lambda *_: None)
    rss: dict[str, float] = {}
    t = time.perf_counter()
    import geo
    from benchmarks.filter_change import selection_times
    from geo.config import read_config
    from geo.io import find_layer_file, read_layer
    from geo.joins import households_to_parcels, parcels_to_hamlets, place_grievances
    from geo.maps import build_map, display_geometry, map_html
    from geo.problems import Report
    from geo.schema import LAYERS, SPATIAL_LAYERS

    out: dict = {"workspace": str(path), "repeat": repeat, "import_geo_s": round(time.perf_counter() - t, 3)}
    rss["import"] = peak_rss_mb()

    # reading each layer on its own
    log("read")
    read = {}
    cfg = read_config(path, Report())
    for name in LAYERS:
        rep = Report()
        file = find_layer_file(path, name, cfg, rep)
        if file is None:
            continue
        raw, secs = best(read_layer, file, name, cfg, rep, name in SPATIAL_LAYERS, repeat=repeat)
        size = (
            sum(
                f.stat().st_size
                for f in path.iterdir()
                if f.is_file()
                and f.stem.lower() == file.stem.lower()
                and f.suffix.lower() in (".shp", ".shx", ".dbf", ".prj", ".cpg")
            )
            if file.suffix.lower() == ".shp"
            else file.stat().st_size
        )
        read[name] = {
            "file": file.name,
            "s": round(secs, 3),
            "rows": 0 if raw is None else len(raw.frame),
            "bytes": size,
            "spatial": bool(raw is not None and raw.spatial),
        }
    out["read"] = read
    out["read_total_s"] = round(sum(r["s"] for r in read.values()), 3)
    rss["read"] = peak_rss_mb()

    # validation: load_workspace end to end
    log("load")
    ws, secs = best(geo.load_workspace, path, repeat=repeat)
    if not ws.report.ok:
        raise SystemExit(ws.report.render())
    out["load_s"] = round(secs, 3)
    out["counts"] = {
        "parcels": len(ws.parcels),
        "hamlets": len(ws.hamlets),
        "projects": len(ws.projects),
        "households": len(ws.households),
        "stage_history": len(ws.stage_history),
        "grievances": len(ws.grievances),
        "field_reports": len(ws.field_reports),
    }
    out["problems"] = {"errors": len(ws.report.errors), "warnings": len(ws.report.warnings)}
    rss["load"] = peak_rss_mb()

    # the joins on the loaded layers
    log("joins")
    p = ws.parcels
    _, t_ph = best(parcels_to_hamlets, p, ws.hamlets, repeat=repeat)
    _, t_hp = best(households_to_parcels, ws.households, p, "households", Report(), repeat=repeat)
    g = ws.grievances
    pts = g.geometry if g.geometry.notna().any() else None
    _, t_gh = best(place_grievances, g, ws.households, ws.hamlets, pts, repeat=repeat)
    out["joins"] = {
        "parcels_to_hamlets_s": round(t_ph, 3),
        "households_to_parcels_s": round(t_hp, 3),
        "grievances_to_hamlets_s": round(t_gh, 3),
        "total_s": round(t_ph + t_hp + t_gh, 3),
    }
    rss["joins"] = peak_rss_mb()

    # the analysis of the whole workspace: geo.analyse, with the seconds of each of its steps
    log("analysis")
    sel = geo.Selection(as_of=ws.default_as_of())
    t = time.perf_counter()
    import esda  # noqa: F401 — its import alone is ~1.5 s, paid once per process

    out["esda_import_s"] = round(time.perf_counter() - t, 3)
    analyses = [geo.analyse(ws, sel) for _ in range(max(1, repeat))]
    an = analyses[-1]
    step = {k: min(a.timings[k] for a in analyses) for k in ("slice", "clusters", "levels", "summary")}
    out["slice_s"] = round(step["slice"], 3)
    clusters = an.clusters
    if clusters is None:
        raise SystemExit(f"Gi* did not run: {an.cluster_note}")
    cl_cfg = an.config["clusters"]
    out["gi"] = {
        "s": round(step["clusters"], 3),
        "permutations": int(cl_cfg["permutations"]),
        "max_permutations": int(cl_cfg["max_permutations"]),
        "weights": clusters.weights,
        "parcels_tested": len(clusters.parcels),
        "hot": int((clusters.parcels["cluster"] == "hot").sum()),
        "cold": int((clusters.parcels["cluster"] == "cold").sum()),
    }
    rss["gi"] = peak_rss_mb()
    out["rules_s"] = round(step["levels"], 3)
    out["summary_s"] = round(step["summary"], 3)
    out["summary_after_load_s"] = round(min(sum(a.timings.values()) for a in analyses), 3)
    del analyses

    # the map of the whole workspace
    log("map")
    t = time.perf_counter()
    disp = display_geometry(ws)
    t_disp = time.perf_counter() - t
    m, t_build = best(build_map, ws, an, clusters=an.cluster_layer(), display=disp, repeat=repeat)
    html, t_html = best(map_html, m, repeat=repeat)
    out["map"] = {
        "display_geometry_s": round(t_disp, 3),
        "build_s": round(t_build, 3),
        "html_s": round(t_html, 3),
        "bytes": len(html.encode("utf-8")),
        "mode": m.info.mode,
        "parcels_drawn": m.info.parcels_drawn,
    }
    del html, m
    rss["map"] = peak_rss_mb()

    # filter changes: each a selection the app has not seen
    log("filter change")
    chosen: list[tuple[str, geo.Selection]] = [("all", sel)]
    for project in ws.projects["project_id"]:
        chosen.append((f"project {project}", geo.Selection.make(project=project, as_of=sel.as_of)))
    biggest = ws.parcels["hamlet_id"].value_counts()
    if len(biggest):
        chosen.append((f"hamlet {biggest.index[0]}", geo.Selection.make(hamlets=biggest.index[0], as_of=sel.as_of)))
    if selections is not None:
        chosen = chosen[: max(1, selections)]
    rows = []
    for label, s in chosen:
        runs = [selection_times(ws, disp, s) for _ in range(max(1, repeat))]
        steps = {k: round(min(r[0][k] for r in runs), 3) for k in runs[0][0]}
        rows.append(
            {"selection": label, **steps, "total_s": round(min(sum(r[0].values()) for r in runs), 3), **runs[-1][1]}
        )
    out["filter_change"] = {
        "selections": rows,
        "worst_s": max(r["total_s"] for r in rows),
        "worst_without_weekly_s": round(max(r["total_s"] - r.get("weekly", 0.0) for r in rows), 3),
        "max_map_bytes": max(r["map_bytes"] for r in rows),
    }
    rss["filter_change"] = peak_rss_mb()
    out["rss_mb"] = rss
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace")
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--selections", type=int, default=None, help="filter changes to time (default: all)")
    args = parser.parse_args(argv)
    figures = measure(
        Path(args.workspace),
        args.repeat,
        args.selections,
        log=lambda step: print(f"    · {step}", file=sys.stderr, flush=True),
    )
    Path(args.out).write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
