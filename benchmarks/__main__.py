"""``python -m benchmarks``: the product, its store and the dashboard in a browser, from the sample to a province.

    python -m benchmarks [--sizes sample,commune,district,province] [--json OUT.json] [--repeat N]
                         [--cache DIR] [--no-baseline] [--budget S]
                         [--parts product,store,browser] [--store-backends gpkg,postgis]

For each generated size: generate the synthetic workspace (cached; see
:mod:`benchmarks.workspaces`), measure our steps in a fresh process
(:mod:`benchmarks.measure`), run ``python -m geo summary`` end to end in
another (wall time and peak memory), and the naive baseline in a third
(:mod:`benchmarks.baseline`); then the store (:mod:`benchmarks.store`, in
another process): importing the folder into a GeoPackage and a PostGIS store,
opening it for the dashboard against reading the folder, committing an upload
of 1,000 changed household rows, one record's history, size on disk (PostGIS
on a throwaway server, skipped with a message where none can be started); then
the dashboard as a user meets it (:mod:`benchmarks.visits`): fresh servers, a
real Chromium, the time until the map has drawn. ``sample`` is the sample store
as the README's dashboard serves it (browser part only, with 10 and 30
simultaneous sessions). Prints one table (a column per size) with issue 18's
targets, met or MISSED, and writes every figure to ``--json``.

Peak memory is ``ru_maxrss`` of each child process (``os.wait4``), which
counts what numpy, GEOS and GDAL allocate; tracemalloc would not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.baseline import DEFAULT_BUDGET_S, DEFAULT_MAP_CAP  # noqa: E402
from benchmarks.children import run_child, summary_cli  # noqa: E402
from benchmarks.workspaces import SIZES, Size, default_cache, ensure_workspace  # noqa: E402

MB = 2**20

TARGETS = (
    # (size, figure key, limit, unit, what): issue 18's targets, each met where the figure is at most the limit
    ("sample", "cold_s", 4.0, "s", "first map, a fresh server (median)"),
    ("sample", "returning_s", 1.5, "s", "first map, a later visit: a browser that has been here before (median)"),
    ("sample", "filter_s", 0.8, "s", "filter change until the map is drawn (median)"),
    ("sample", "sessions_10_median_s", 1.5, "s", "a change among 10 sessions changing filters: median"),
    ("sample", "sessions_10_p90_s", 3.0, "s", "a change among 10 sessions changing filters: p90"),
    ("sample", "sessions_30_p90_s", 5.0, "s", "a change among 30 sessions changing filters: p90"),
    ("sample", "sessions_30_errors", 0, "", "30 sessions: errors"),
    ("district", "cold_s", 5.0, "s", "first map, a fresh server (median)"),
    (
        "district",
        "returning_s",
        2.0,
        "s",
        "first map, a later visit: a browser that has been here before (median)",
    ),
    ("district", "filter_s", 1.0, "s", "filter change until the map is drawn (median)"),
    ("district", "first_view_bytes", 3_000_000, "bytes", "received by the browser for the first view"),
    ("province", "summary_cli_s", 8.0, "s", "`python -m geo summary FOLDER` end to end"),
    ("province", "summary_cli_peak_mb", 1024.0, "MB", "`python -m geo summary FOLDER` peak memory"),
    (
        "province",
        "store_gpkg_summary_cli_s",
        4.0,
        "s",
        "`python -m geo summary STORE` end to end (GeoPackage; a changeset read before, its workspace kept)",
    ),
    ("province", "cold_s", 10.0, "s", "first map, a fresh server (median)"),
    (
        "province",
        "returning_s",
        3.0,
        "s",
        "first map, a later visit: a browser that has been here before (median)",
    ),
    ("province", "filter_s", 2.0, "s", "filter change until the map is drawn (median)"),
    ("province", "five_sessions_peak_mb", 1536.0, "MB", "the server with five sessions open"),
    ("province", "walk_project_s", 2.0, "s", "the walk: a project chosen, until drawn (a filter change)"),
    ("province", "walk_hamlet_s", 2.0, "s", "the walk: a hamlet chosen, until drawn (a filter change)"),
    ("province", "walk_zoom_s", 2.0, "s", "the walk: zoomed to a parcel, until its tooltip shows"),
)
"""Issue 18's targets (two cores, Debian's Chromium, offline), as a user meets them: a fresh server
process, a real browser, the time until the map has drawn (:mod:`benchmarks.visits`); ``sample`` is
the sample store as ``scripts/run.sh`` serves it, signed in as leadership. The walk (issue 18's "done when":
open the dashboard, filter to a project, zoom to a parcel) is held to the filter change's limit at each step."""

PARTS = ("product", "store", "browser")
"""What ``python -m benchmarks`` measures: the product on a folder, the store, and the dashboard in a browser
(:mod:`benchmarks.visits`)."""

SAMPLE = Size("sample", 0, 0, 0)
"""The sample (``data/hoson``) as the README's dashboard serves it: a store with its demo accounts. Only the
browser part measures it."""
SAMPLE_ACCOUNT = "lanhdao"
SESSIONS = (10, 30)
"""Simultaneous sessions measured on the sample: a commune meeting (ten), and the meeting with the officers
(thirty). Twice (:mod:`benchmarks.visits`): one person's Chromium page, its map drawn, among the others'
sessions, which ask the server for the same runs without drawing (:mod:`benchmarks.protocol`: each person
draws on their own computer), checked against the targets; and every page in this machine's Chromium,
the map left out, whose CPU split (server / browsers) is printed beside it."""


# --------------------------------------------------------------------------- child processes


def _child_json(cmd: list[str], what: str) -> tuple[dict, dict]:
    with tempfile.TemporaryDirectory(prefix="geo-bench-") as tmp:
        out = Path(tmp) / "figures.json"
        run = run_child([*cmd, "--out", str(out)])
        if run["returncode"] != 0 or not out.is_file():
            raise SystemExit(f"{what} failed (exit {run['returncode']}): {' '.join(cmd)}")
        return json.loads(out.read_text(encoding="utf-8")), run


# --------------------------------------------------------------------------- one size


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or not theirs:
        return None
    return round(ours / theirs, 4)


def bench_size(
    size: Size,
    repeat: int = 1,
    cache: Path | None = None,
    baseline: bool = True,
    budget: float = DEFAULT_BUDGET_S,
    map_cap: int = DEFAULT_MAP_CAP,
    selections: int | None = None,
    log=print,
    parts: tuple[str, ...] = ("product",),
    store_backends: str = "gpkg,postgis",
) -> dict:
    """Every figure of one size (generation, ours, the CLI, the baseline and their ratios; the store's)."""
    if size is SAMPLE:
        log("[sample] the sample store, signed in as leadership")
        folder, gen_s = ROOT / "data" / "hoson", None
    else:
        counts = f"{size.parcels:,} parcels, {size.households:,} household rows, {size.grievances:,} grievances"
        log(f"[{size.name}] {counts}")
        folder, gen_s = ensure_workspace(size, cache, log=log)
    res: dict = {
        "size": {
            "name": size.name,
            "parcels": size.parcels,
            "households": size.households,
            "grievances": size.grievances,
            "seed": size.seed,
        },
        "workspace": str(folder),
        "generate_s": None if gen_s is None else round(gen_s, 1),
    }
    if "product" in parts and size is not SAMPLE:
        bench_product(res, folder, repeat, baseline, budget, map_cap, selections, log)
    if "browser" in parts:
        bench_browser(res, folder, size, repeat, log)
    if "store" in parts and size is not SAMPLE:
        log(f"  the store ({store_backends}) …")
        cmd = [sys.executable, "-m", "benchmarks.store", "--workspace", str(folder), "--backends", store_backends]
        res["store"], run = _child_json(cmd, "benchmarks.store")
        res["store"]["process"] = run
    res["figures"] = headline_figures(res)
    return res


def bench_product(
    res: dict,
    folder: Path,
    repeat: int,
    baseline: bool,
    budget: float,
    map_cap: int,
    selections: int | None,
    log=print,
) -> None:
    """The product's figures on the folder (ours, the CLI, the baseline, their ratios), into ``res``."""
    log(f"  measuring ours (repeat {repeat}) …")
    cmd = [sys.executable, "-m", "benchmarks.measure", str(folder), "--repeat", str(repeat)]
    if selections is not None:
        cmd += ["--selections", str(selections)]
    ours, run = _child_json(cmd, "benchmarks.measure")
    ours["process"] = run
    res["ours"] = ours
    log("  python -m geo summary, end to end …")
    res["summary_cli"] = summary_cli(folder, repeat)
    if baseline:
        log("  naive baseline …")
        base, run = _child_json(
            [
                sys.executable,
                "-m",
                "benchmarks.baseline",
                str(folder),
                "--budget",
                str(budget),
                "--map-cap",
                str(map_cap),
            ],
            "benchmarks.baseline",
        )
        base["process"] = run
        res["baseline"] = base
        res["ratios"] = ratios(ours, base)


def bench_browser(res: dict, folder: Path, size: Size, repeat: int, log=print) -> None:
    """The dashboard as a user meets it (:mod:`benchmarks.visits`, in another process), into ``res``.

    The sample is served as its store (made afresh from ``data/hoson``, demo accounts), signed in as
    leadership, with :data:`SESSIONS` simultaneous sessions; a generated size is served from its folder.
    """
    runs = str(max(3, repeat))
    with tempfile.TemporaryDirectory(prefix="geo-bench-") as tmp:
        cmd = [sys.executable, "-m", "benchmarks.visits", "--runs", runs, "--changes", "6"]
        if size is SAMPLE:
            from geo.sample_history import build

            store = Path(tmp) / "hoson.gpkg"
            build(folder, store)
            cmd += [str(store), "--account", SAMPLE_ACCOUNT, "--sessions", ",".join(map(str, SESSIONS))]
        else:
            cmd += [str(folder)]
        log(f"  the dashboard in Chromium ({runs} fresh servers) …")
        res["browser"], run = _child_json(cmd, "benchmarks.visits")
    res["browser"]["process"] = run


def ratios(ours: dict, base: dict) -> dict:
    """Ours ÷ baseline: below 1 is better than the naive way."""
    read = {}
    for name, b in base["fiona_read"].items():
        mine = ours["read"].get(name, {}).get("s")
        read[name] = _ratio(mine, b["s"])
    spatial = [n for n in base["fiona_read"] if n in ours["read"]]
    read_total = _ratio(sum(ours["read"][n]["s"] for n in spatial), sum(base["fiona_read"][n]["s"] for n in spatial))
    m = ours["map"]
    our_map_s = m["display_geometry_s"] + m["build_s"] + m["html_s"]
    return {
        "read_spatial_s": read,
        "read_spatial_total_s": read_total,
        "join_parcels_to_hamlets_s": _ratio(ours["joins"]["parcels_to_hamlets_s"], base["row_join"]["s"]),
        "map_s": _ratio(our_map_s, base["folium"]["s"]),
        "map_bytes": _ratio(m["bytes"], base["folium"]["bytes"]),
        "largest_map_bytes": _ratio(ours["filter_change"]["max_map_bytes"], base["folium"]["bytes"]),
    }


def headline_figures(res: dict) -> dict:
    """The flat figures the targets and the table use (of the parts measured)."""
    out: dict = {}
    if "ours" in res:
        o = res["ours"]
        out.update(
            {
                "summary_cli_s": res["summary_cli"]["s"],
                "summary_cli_peak_mb": res["summary_cli"]["peak_mb"],
                "max_map_bytes": o["filter_change"]["max_map_bytes"],
                "filter_change_s": o["filter_change"]["worst_s"],
                "gi_s": o["gi"]["s"],
                "load_s": o["load_s"],
                "peak_rss_mb": o["process"]["peak_mb"],
            }
        )
    browser = res.get("browser")
    if browser:
        out.update(
            {
                "cold_s": browser.get("cold_median_s"),
                "later_s": browser.get("later_median_s"),
                "again_s": browser.get("again_median_s"),
                "returning_s": browser.get("returning_median_s"),
                "filter_s": browser.get("filter_median_s"),
                "first_view_bytes": browser.get("first_view_bytes"),
                "five_sessions_peak_mb": browser.get("five_sessions_peak_mb"),
            }
        )
        walk = browser.get("walk_median_s")
        if walk:
            out.update({f"walk_{step}": walk[step] for step in ("project_s", "hamlet_s", "zoom_s")})
        for sessions in browser.get("sessions", []):
            n = sessions["sessions"]
            out[f"sessions_{n}_median_s"] = sessions["median_s"]
            out[f"sessions_{n}_p90_s"] = sessions["p90_s"]
            out[f"sessions_{n}_errors"] = sessions["errors"]
        for pages in browser.get("browser_sessions", []):
            n = pages["sessions"]
            out[f"pages_{n}_median_s"] = pages["median_s"]
            out[f"pages_{n}_p90_s"] = pages["p90_s"]
            out[f"pages_{n}_errors"] = pages["errors"]
    store = res.get("store", {})
    for backend in ("gpkg", "postgis"):
        figures = store.get(backend)
        if not figures or "skipped" in figures:
            continue
        out[f"store_{backend}_open_ratio"] = _ratio(figures["open_for_dashboard_s"], store["read_folder_s"])
        out[f"store_{backend}_commit_s"] = figures["upload_cold_commit_s"]
        out[f"store_{backend}_history_s"] = figures["record_history_s"]
        out[f"store_{backend}_summary_cli_s"] = figures.get("summary_cli_s")
    return out


# --------------------------------------------------------------------------- report


def check_targets(results: dict) -> list[dict]:
    """Each target with its figure and whether it is met (None where that size was not run)."""
    out = []
    for size, key, limit, unit, what in TARGETS:
        value = results.get(size, {}).get("figures", {}).get(key)
        out.append(
            {
                "size": size,
                "figure": key,
                "what": what,
                "limit": limit,
                "unit": unit,
                "value": value,
                "met": None if value is None else bool(value <= limit),
            }
        )
    return out


def _s(v, digits: int = 2) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _bytes(v) -> str:
    if v is None:
        return "—"
    return f"{v / 1e6:.2f} MB" if v >= 100_000 else f"{v / 1e3:.0f} kB"


def _x(v) -> str:
    return "—" if v is None else f"×{v:.3g}"


def rows_of(results: dict) -> list[tuple[str, list[str]]]:
    """The table: (label, one cell per size)."""
    names = list(results)

    def row(label, get):
        cells = []
        for n in names:
            try:
                cells.append(get(results[n]))
            except (KeyError, TypeError, StopIteration):  # a figure this size has not (another's project)
                cells.append("—")
        return label, cells

    def fc(r, label):
        return next(x for x in r["ours"]["filter_change"]["selections"] if x["selection"] == label)

    rows = [
        row(
            "parcels / household rows / grievances",
            lambda r: f"{r['size']['parcels']:,} / {r['size']['households']:,} / {r['size']['grievances']:,}",
        ),
        row("generate workspace (s; cached: —)", lambda r: _s(r["generate_s"], 1)),
    ]
    if any("ours" in r for r in results.values()):
        rows += product_rows(results, row, fc)
    if any("store" in r for r in results.values()):
        rows += store_rows(row)
    if any("browser" in r for r in results.values()):
        rows += browser_rows(row)
    return rows


def _runs(values: list[float] | None) -> str:
    return "—" if not values else f"{statistics.median(values):.2f} ({', '.join(f'{v:.1f}' for v in values)})"


def browser_rows(row) -> list[tuple[str, list[str]]]:
    """The dashboard in Chromium (:mod:`benchmarks.visits`): medians, each run in brackets."""

    def run_of(r: dict, n: int, kind: str = "sessions") -> dict | None:
        return next((x for x in r["browser"].get(kind, []) if x["sessions"] == n), None)

    def sessions(r: dict, n: int, kind: str = "sessions") -> str:
        found = run_of(r, n, kind)
        return "—" if found is None else f"{_s(found['median_s'])} / {_s(found['p90_s'])} / {found['errors']}"

    def others(r: dict, n: int) -> str:
        found = run_of(r, n)
        return "—" if found is None else f"{_s(found['others']['median_s'])} / {_s(found['others']['p90_s'])}"

    def cpu(r: dict, n: int) -> str:
        found = run_of(r, n, "browser_sessions")
        if found is None or "server_cpu_s_per_change" not in found:
            return "—"
        return f"{_s(found['server_cpu_s_per_change'])} / {_s(found.get('browsers_cpu_s_per_change'))}"

    def walk(r: dict) -> str:
        w = r["browser"].get("walk_median_s")
        if not w:
            return "—"
        return " / ".join(_s(w[k]) for k in ("first_map_s", "project_s", "hamlet_s", "zoom_s"))

    return [
        row("browser: first map, fresh server (s)", lambda r: _runs(r["browser"]["cold"])),
        row("  the same from starting the server (s)", lambda r: _runs(r["browser"]["cold_from_start"])),
        row("  first map, a later visit: a new browser, nothing cached (s)", lambda r: _runs(r["browser"]["later"])),
        row(
            "  a browser that has been here before, signing in where asked (s)",
            lambda r: _runs(r["browser"].get("returning") or []),
        ),
        row(
            "  the same person again: a new tab, same browser (s)",
            lambda r: _runs(r["browser"].get("again") or []),
        ),
        row("  filter change until drawn (s)", lambda r: _runs(r["browser"]["filter"])),
        row("  the walk, medians: opened / a project / a hamlet / a parcel's tooltip (s)", walk),
        row("  first view, received (bytes)", lambda r: _bytes(r["browser"]["first_view_bytes"])),
        row("  server memory, five sessions (MB)", lambda r: f"{r['browser']['five_sessions_peak_mb']:,.0f}"),
        *[
            line
            for n in SESSIONS
            for line in (
                row(
                    f"  {n} sessions, one person's change until drawn: median / p90 (s) / errors",
                    lambda r, n=n: sessions(r, n),
                ),
                row(f"    the {n - 1} others' runs, until finished: median / p90 (s)", lambda r, n=n: others(r, n)),
                row(
                    f"  {n} Chromium pages on this machine, until run: median / p90 (s) / errors",
                    lambda r, n=n: sessions(r, n, "browser_sessions"),
                ),
                row(f"    CPU per change, server / the {n} pages (s)", lambda r, n=n: cpu(r, n)),
            )
        ],
    ]


def product_rows(results: dict, row, fc) -> list[tuple[str, list[str]]]:
    """The product's rows of the table."""
    rows = []
    layer_names = []
    for r in results.values():
        layer_names += [k for k in r.get("ours", {}).get("read", {}) if k not in layer_names]
    for layer in layer_names:
        rows.append(row(f"read {layer} (s)", lambda r, layer=layer: _s(r["ours"]["read"][layer]["s"], 3)))
    rows += [
        row(
            "  fiona read, spatial layers (s)",
            lambda r: _s(sum(v["s"] for v in r["baseline"]["fiona_read"].values()), 3),
        ),
        row("  ratio ours / fiona (spatial layers)", lambda r: _x(r["ratios"]["read_spatial_total_s"])),
        row("validate = load_workspace (s)", lambda r: _s(r["ours"]["load_s"])),
        row("joins, all three (s)", lambda r: _s(r["ours"]["joins"]["total_s"], 3)),
        row("  parcels → hamlets (s)", lambda r: _s(r["ours"]["joins"]["parcels_to_hamlets_s"], 3)),
        row(
            "  row-by-row parcels → hamlets (s)",
            lambda r: (
                _s(r["baseline"]["row_join"]["s"], 3)
                + (" (extrap.)" if r["baseline"]["row_join"]["extrapolated"] else "")
            ),
        ),
        row("  ratio ours / row-by-row", lambda r: _x(r["ratios"]["join_parcels_to_hamlets_s"])),
        row("time slice (s)", lambda r: _s(r["ours"]["slice_s"], 3)),
        row("summary, aggregation (s)", lambda r: _s(r["ours"]["summary_s"], 3)),
        row("hotspot rules (s)", lambda r: _s(r["ours"]["rules_s"], 3)),
        row("import esda, once (s)", lambda r: _s(r["ours"]["esda_import_s"])),
        row("Gi* 999 permutations (s)", lambda r: _s(r["ours"]["gi"]["s"])),
        row("  parcels tested", lambda r: f"{r['ours']['gi']['parcels_tested']:,}"),
        row("map: display geometry, once (s)", lambda r: _s(r["ours"]["map"]["display_geometry_s"])),
        row("map: build + HTML, all (s)", lambda r: _s(r["ours"]["map"]["build_s"] + r["ours"]["map"]["html_s"], 3)),
        row("map HTML, all (bytes)", lambda r: f"{_bytes(r['ours']['map']['bytes'])} ({r['ours']['map']['mode']})"),
        row(
            "  folium.GeoJson (s)",
            lambda r: (
                _s(r["baseline"]["folium"]["s"]) + (" (extrap.)" if r["baseline"]["folium"]["extrapolated"] else "")
            ),
        ),
        row("  folium.GeoJson (bytes)", lambda r: _bytes(r["baseline"]["folium"]["bytes"])),
        row("  ratio ours / folium: s, bytes", lambda r: f"{_x(r['ratios']['map_s'])}, {_x(r['ratios']['map_bytes'])}"),
        row("largest map HTML of the filter changes", lambda r: _bytes(r["ours"]["filter_change"]["max_map_bytes"])),
        row("filter change, all projects (s)", lambda r: _s(fc(r, "all")["total_s"])),
    ]
    projects = []
    for r in results.values():
        projects += [
            x["selection"]
            for x in r.get("ours", {}).get("filter_change", {}).get("selections", [])
            if x["selection"] != "all" and x["selection"] not in projects
        ]
    for label in projects:
        rows.append(row(f"filter change, {label} (s)", lambda r, label=label: _s(fc(r, label)["total_s"])))
    rows += [
        row(
            "  of which weekly progress, worst (s)",
            lambda r: _s(max(x.get("weekly", 0.0) for x in r["ours"]["filter_change"]["selections"])),
        ),
        row("filter change, slowest (s)", lambda r: _s(r["figures"]["filter_change_s"])),
        row("peak memory, benchmark process (MB)", lambda r: f"{r['figures']['peak_rss_mb']:,.0f}"),
        row("python -m geo summary, end to end (s)", lambda r: _s(r["summary_cli"]["s"])),
        row("python -m geo summary, peak memory (MB)", lambda r: f"{r['summary_cli']['peak_mb']:,.0f}"),
    ]
    return rows


def _both(store: dict, key: str, digits: int = 2) -> str:
    """``GeoPackage / PostGIS`` figures of the store (``skipped`` where PostGIS was not measured)."""
    cells = []
    for backend in ("gpkg", "postgis"):
        figures = store.get(backend)
        if figures is None:
            cells.append("—")
        elif "skipped" in figures:
            cells.append("skipped")
        else:
            value = figures.get(key)
            cells.append("—" if value is None else _s(value, digits) if isinstance(value, float) else f"{value:,}")
    return " / ".join(cells)


def store_rows(row) -> list[tuple[str, list[str]]]:
    """The store's rows of the table: each cell ``GeoPackage / PostGIS``."""
    return [
        row("store: read the folder, load_workspace (s)", lambda r: _s(r["store"]["read_folder_s"])),
        row("store gpkg / postgis: import the folder (s)", lambda r: _both(r["store"], "import_s")),
        row(
            "  open for the dashboard: open, read, assemble (s)",
            lambda r: _both(r["store"], "open_for_dashboard_s"),
        ),
        row("  of which reading every layer (s)", lambda r: _both(r["store"], "read_layers_s")),
        row(
            "  `python -m geo summary STORE`, first run after a change (s)",
            lambda r: _both(r["store"], "summary_cli_first_s"),
        ),
        row("    its peak memory (MB)", lambda r: _both(r["store"], "summary_cli_first_peak_mb", 0)),
        row("  `python -m geo summary STORE`, the next runs (s)", lambda r: _both(r["store"], "summary_cli_s")),
        row("  diff of 1,000 changed household rows (s)", lambda r: _both(r["store"], "diff_s")),
        row("  commit of that upload after its diff (s)", lambda r: _both(r["store"], "upload_commit_s")),
        row("  commit of such an upload, fresh store (s)", lambda r: _both(r["store"], "upload_cold_commit_s")),
        row("  one household's history (s)", lambda r: _both(r["store"], "record_history_s", 3)),
        row("  every layer right after the import (s)", lambda r: _both(r["store"], "state_at_import_s")),
        row("  size on disk (MB)", lambda r: _both(r["store"], "store_mb", 1)),
        row("  the folder's size (MB)", lambda r: _s(r["store"]["gpkg"]["folder_mb"], 1)),
    ]


def render_table(results: dict) -> str:
    rows = rows_of(results)
    names = list(results)
    w0 = max(len(label) for label, _ in rows)
    widths = [max(len(n), *(len(cells[i]) for _, cells in rows)) for i, n in enumerate(names)]
    lines = [f"{'':<{w0}}  " + "  ".join(f"{n:>{w}}" for n, w in zip(names, widths))]
    lines.append("-" * len(lines[0]))
    for label, cells in rows:
        lines.append(f"{label:<{w0}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(cells, widths)))
    return "\n".join(lines)


def render_targets(targets: list[dict]) -> str:
    lines = ["Targets (2 cores):"]
    for t in targets:
        if t["value"] is None:
            state, value = "not run", ""
        else:
            state = "met" if t["met"] else "MISSED"
            value = _bytes(t["value"]) if t["unit"] == "bytes" else f"{t['value']:.2f} {t['unit']}".strip()
        limit = _bytes(t["limit"]) if t["unit"] == "bytes" else f"{t['limit']:g} {t['unit']}".strip()
        lines.append(f"  {t['size']:<9} {t['what']:<50} {value:>12} ≤ {limit:<8} {state}")
    return "\n".join(lines)


def notes(results: dict) -> list[str]:
    out = []
    for name, r in results.items():
        for key in ("row_join", "folium"):
            note = r.get("baseline", {}).get(key, {}).get("note")
            if note:
                out.append(f"{name}: baseline {key}: {note}")
    return out


# --------------------------------------------------------------------------- entry


def run(
    sizes: list[Size],
    repeat: int = 1,
    cache: Path | None = None,
    json_out: Path | None = None,
    baseline: bool = True,
    budget: float = DEFAULT_BUDGET_S,
    map_cap: int = DEFAULT_MAP_CAP,
    selections: int | None = None,
    log=print,
    parts: tuple[str, ...] = ("product",),
    store_backends: str = "gpkg,postgis",
) -> dict:
    """Benchmark ``sizes``; print the table and targets; return (and write) every figure.

    ``parts``: ``product`` (the product on a folder) and/or ``store`` (:mod:`benchmarks.store`); the
    command line runs both by default.
    """
    started = time.perf_counter()
    results = {}
    for size in sizes:
        results[size.name] = bench_size(
            size, repeat, cache, baseline, budget, map_cap, selections, log, parts, store_backends
        )
    targets = check_targets(results)
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "repeat": repeat,
        "sizes": results,
        "targets": targets,
        "notes": notes(results),
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    if json_out:  # first: a figure the table cannot show must not lose the run
        Path(json_out).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    log("")
    log(render_table(results))
    log("")
    log(render_targets(targets))
    for note in report["notes"]:
        log(f"Note — {note}")
    log(
        f"({report['elapsed_s']:.0f} s in all; every time is the best of {repeat} run(s); ratios are ours ÷ "
        "naive, below 1 is better)"
    )
    if json_out:
        log(f"Figures written to {json_out}")
    return report


EPILOG = """examples:
  python -m benchmarks                                    everything, commune to province
  python -m benchmarks --sizes commune,district           the two smaller sizes
  python -m benchmarks --parts store --sizes province     only the store (GeoPackage and PostGIS)
  python -m benchmarks --parts store --store-backends gpkg   only the GeoPackage store
  python -m benchmarks.store --size province --postgis postgresql://…   the store on your own server"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__.splitlines()[0],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        default="sample,commune,district,province",
        help="comma-separated: sample, " + ", ".join(SIZES) + " (default: all four; the sample has the browser part "
        "only)",
    )
    parser.add_argument("--json", dest="json_out", help="write every figure to this JSON file")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step; the best is kept (default 1)")
    parser.add_argument(
        "--cache", type=Path, default=None, help=f"folder of the generated workspaces (default {default_cache()})"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    parser.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET_S,
        help="seconds the row-by-row join may run before it is extrapolated",
    )
    parser.add_argument(
        "--map-cap", type=int, default=DEFAULT_MAP_CAP, help="parcels folium.GeoJson draws before it is extrapolated"
    )
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help="comma-separated: product (the product on a folder), store (the GeoPackage and PostGIS store), "
        "browser (the dashboard in Chromium, benchmarks/visits.py); default all three",
    )
    parser.add_argument(
        "--store-backends",
        default="gpkg,postgis",
        help="the stores measured: gpkg, postgis (default both; PostGIS on a throwaway server, skipped with a "
        "message where none can be started)",
    )
    args = parser.parse_args(argv)
    parts = tuple(p.strip() for p in args.parts.split(",") if p.strip())
    if not parts or any(p not in PARTS for p in parts):
        parser.error(f"unknown part(s) in {args.parts!r}; use {', '.join(PARTS)}")
    backends = [b.strip() for b in args.store_backends.split(",") if b.strip()]
    if not backends or any(b not in ("gpkg", "postgis") for b in backends):
        parser.error(f"unknown store backend(s) in {args.store_backends!r}; use gpkg, postgis")
    names = [s.strip() for s in args.sizes.split(",") if s.strip()]
    known = {"sample": SAMPLE, **SIZES}
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        parser.error(f"unknown size(s) {', '.join(unknown) or '(none)'}; use {', '.join(known)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    run(
        [known[n] for n in names],
        args.repeat,
        args.cache,
        args.json_out,
        not args.no_baseline,
        args.budget,
        args.map_cap,
        parts=parts,
        store_backends=",".join(backends),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
