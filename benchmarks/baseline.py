"""The naive way, for comparison (``python -m benchmarks.baseline``), in a process of its own.

    python -m benchmarks.baseline WORKSPACE --out BASELINE.json [--budget SECONDS] [--map-cap N]

* **fiona reading**: each spatial layer with ``geopandas.read_file(engine="fiona")``
  (we read with pyogrio, Arrow where the format allows);
* **row-by-row joins**: a Python loop over the parcels, each parcel's
  representative point tested with shapely ``contains`` against every hamlet
  until one holds it (we use one vectorised ``sjoin`` on an STRtree). Where
  the loop would run past ``--budget`` seconds it stops and the total is
  extrapolated from the parcels done, linearly (every parcel costs the same
  loop), and the figure says so. The hamlets it finds are checked against
  ``geo.joins.parcels_to_hamlets``;
* **folium.GeoJson**: the parcels layer reprojected to WGS 84 at full
  precision, with its attribute columns, as ``folium.GeoJson`` on a
  ``folium.Map``, rendered to HTML (we draw simplified, 6-decimal,
  delta-encoded shapes and, for large selections, only affected parcels or
  hamlet-level shapes). Beyond ``--map-cap`` parcels the page is built for
  the first ``--map-cap`` and its seconds and bytes extrapolated linearly,
  noted likewise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_BUDGET_S = 20.0
DEFAULT_MAP_CAP = 30_000


def fiona_read(path: Path) -> dict:
    """Seconds of ``geopandas.read_file(engine="fiona")`` per spatial layer file."""
    import geopandas as gpd

    from geo.config import read_config
    from geo.io import SPATIAL_EXT, find_layer_file
    from geo.problems import Report
    from geo.schema import LAYERS

    cfg = read_config(path, Report())
    out = {}
    for name in LAYERS:
        file = find_layer_file(path, name, cfg, Report())
        if file is None or file.suffix.lower() not in SPATIAL_EXT:
            continue
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = gpd.read_file(file, engine="fiona")
        out[name] = {"file": file.name, "s": round(time.perf_counter() - t, 3), "rows": len(frame)}
        del frame
    return out


def _layers(path: Path):
    """Parcels and hamlets as read by geo (CRS resolved), hamlets in the parcels' CRS."""
    from geo.config import read_config
    from geo.io import find_layer_file, read_layer
    from geo.problems import Report

    rep = Report()
    cfg = read_config(path, rep)

    def read(name: str) -> Any:
        file = find_layer_file(path, name, cfg, rep)
        raw = read_layer(file, name, cfg, rep, True) if file is not None else None
        if raw is None:
            raise SystemExit(f"{path}: the {name} layer cannot be read\n{rep.render()}")
        return raw.frame

    parcels = read("parcels")
    hamlets = read("hamlets")
    hamlets = hamlets.to_crs(parcels.crs)
    id_col = next(c for c in hamlets.columns if c.lower() in ("hamlet_id", "ma_thon"))
    return parcels, hamlets, id_col


def row_by_row_join(path: Path, budget_s: float = DEFAULT_BUDGET_S) -> dict:
    """Parcels → hamlets with a Python loop of shapely ``contains``, capped at ``budget_s``."""
    import numpy as np
    import pandas as pd

    from geo.joins import parcels_to_hamlets

    parcels, hamlets, id_col = _layers(path)
    shapes = list(zip(hamlets[id_col].tolist(), hamlets.geometry.tolist()))
    geoms = parcels.geometry.tolist()
    n = len(geoms)
    found: list[object] = []
    t0 = time.perf_counter()
    for i, geom in enumerate(geoms):
        point = geom.representative_point()
        hit = None
        for hid, shape in shapes:
            if shape.contains(point):
                hit = hid
                break
        found.append(hit)
        if i % 200 == 199 and time.perf_counter() - t0 > budget_s:
            break
    elapsed = time.perf_counter() - t0
    done = len(found)
    ours = parcels_to_hamlets(parcels.iloc[:done], hamlets.rename(columns={id_col: "hamlet_id"}))
    mine = pd.Series(found, dtype=object)
    agree = float(np.mean([(a is None and pd.isna(b)) or a == b for a, b in zip(mine, ours.to_numpy())]))
    out: dict[str, Any] = {
        "s": round(elapsed * n / done, 3),
        "parcels": n,
        "parcels_done": done,
        "hamlets": len(shapes),
        "agreement": round(agree, 4),
        "extrapolated": done < n,
    }
    if done < n:
        out["note"] = f"stopped after {elapsed:.1f} s at {done:,} of {n:,} parcels; total extrapolated linearly"
    return out


def folium_geojson(path: Path, cap: int = DEFAULT_MAP_CAP) -> dict:
    """Bytes and seconds of ``folium.GeoJson`` of the full-precision parcels, rendered to HTML."""
    import folium

    parcels, _, _ = _layers(path)
    n = len(parcels)
    part = parcels.iloc[:cap] if n > cap else parcels
    t = time.perf_counter()
    frame = part.to_crs(4326)
    west, south, east, north = frame.total_bounds
    m = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=14, tiles=None)
    folium.GeoJson(frame, name="parcels").add_to(m)
    html = m.get_root().render()
    secs = time.perf_counter() - t
    size = len(html.encode("utf-8"))
    scale = n / len(part)
    out: dict[str, Any] = {
        "s": round(secs * scale, 3),
        "bytes": int(size * scale),
        "parcels": n,
        "parcels_done": len(part),
        "extrapolated": n > len(part),
    }
    if n > len(part):
        out["note"] = (
            f"built for the first {len(part):,} of {n:,} parcels ({secs:.1f} s, {size:,} bytes); "
            "seconds and bytes extrapolated linearly"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace")
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET_S,
        help="seconds the row-by-row join may run before extrapolating",
    )
    parser.add_argument(
        "--map-cap", type=int, default=DEFAULT_MAP_CAP, help="parcels drawn by folium.GeoJson before extrapolating"
    )
    args = parser.parse_args(argv)
    path = Path(args.workspace)
    log = lambda step: print(f"    · baseline {step}", file=sys.stderr, flush=True)  # noqa: E731
    log("fiona read")
    out: dict[str, Any] = {"fiona_read": fiona_read(path)}
    log("row-by-row join")
    out["row_join"] = row_by_row_join(path, args.budget)
    log("folium.GeoJson")
    out["folium"] = folium_geojson(path, args.map_cap)
    from benchmarks.measure import peak_rss_mb

    out["peak_rss_mb"] = peak_rss_mb()
    Path(args.out).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
