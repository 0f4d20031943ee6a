"""Does the browser stay responsive on a workspace's heaviest map? Measured in Debian's Chromium.

    .venv/bin/python benchmarks/browser.py [WORKSPACE] [--json OUT.json]

For every project selection (and "all"), the map the app would draw is built
and saved as one offline HTML file (assets inline), opened in headless
Chromium (``/usr/bin/chromium``, no network), and timed:

- ``draw_s``: from navigation to Leaflet's parcels (or hamlet shapes) on screen;
- ``zoom_s``: a zoom-in by one level, from the call to Leaflet's ``zoomend``
  plus the next animation frame — what a user feels when they interact;
- ``long_task_ms``: the longest main-thread task during load and zoom
  (PerformanceObserver ``longtask``; over 50 ms is felt as a stutter).

Run it on the benchmark's district workspace (``/tmp/geo-benchmarks/district-…``)
for issue 7's "a browser that stays responsive".
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

OBSERVE = """
window.__longest = 0;
new PerformanceObserver(list => { for (const e of list.getEntries())
    window.__longest = Math.max(window.__longest, e.duration); }).observe({type: 'longtask', buffered: true});
"""

ZOOM = """
() => new Promise(resolve => {
  const map = Object.values(window).find(v => v && v._container && v.getZoom && v.setZoom);
  const t0 = performance.now();
  map.once('zoomend', () => requestAnimationFrame(() => resolve(performance.now() - t0)));
  map.setZoom(map.getZoom() + 1, {animate: false});
})
"""


def maps(path: Path) -> list[tuple[str, str, int]]:
    """(selection name, offline HTML, parcels drawn) for "all" and each project."""
    import geo
    from geo.maps import build_map, display_geometry, map_html

    ws = geo.load_workspace(path).require_ok()
    disp = display_geometry(ws)
    out = []
    for project in [None, *ws.projects["project_id"]]:
        an = geo.analyse(ws, geo.Selection.make(project=project, as_of=ws.default_as_of()))
        m = build_map(ws, an, display=disp)
        out.append((project or "(all)", map_html(m, inline_assets=True), m.info.parcels_drawn))
    return out


def measure(path: Path) -> list[dict]:
    """The three figures per selection (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, html, parcels in maps(path):
            page_file = Path(tmp) / "map.html"
            page_file.write_text(html, encoding="utf-8")
            context = browser.new_context(viewport={"width": 1600, "height": 1000})
            context.route("http*://**", lambda route: route.abort())  # offline: any web request fails
            page = context.new_page()
            page.add_init_script(OBSERVE)
            t0 = time.perf_counter()
            page.goto(page_file.as_uri(), wait_until="load")
            page.wait_for_selector("path.leaflet-interactive", state="attached", timeout=120_000)
            draw = time.perf_counter() - t0
            zoom_ms = page.evaluate(ZOOM)
            page.wait_for_timeout(300)
            rows.append(
                {
                    "selection": name,
                    "html_bytes": len(html.encode("utf-8")),
                    "parcels_drawn": parcels,
                    "draw_s": round(draw, 3),
                    "zoom_s": round(zoom_ms / 1000, 3),
                    "long_task_ms": round(page.evaluate("window.__longest"), 1),
                }
            )
            context.close()
        browser.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workspace", nargs="?", default=str(ROOT / "data" / "hoson"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    rows = measure(Path(args.workspace))
    print(f"{'selection':<14}{'HTML bytes':>12}{'parcels':>9}{'draw s':>9}{'zoom s':>9}{'longest task ms':>17}")
    for r in rows:
        print(
            f"{r['selection']:<14}{r['html_bytes']:>12,}{r['parcels_drawn']:>9}{r['draw_s']:>9}"
            f"{r['zoom_s']:>9}{r['long_task_ms']:>17}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
