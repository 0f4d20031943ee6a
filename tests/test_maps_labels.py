"""Hamlet labels at district and province scale: ordered by importance, placed in a real browser without overlap.

The map page places its hamlet names itself (:class:`geo.maps.elements.LabelLayer`): measured in
the page's font, most important first (hotspot level, then affected parcels), each only where it
is clear of those placed before. Workspaces of 200 and 2,000 hamlets with few parcels are generated
in code; the built pages are served from this machine and opened in Debian's Chromium with every
other request cut off (``tests/test_browser.py``'s guard), and the names' boxes are read from the page.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from pathlib import Path

import pytest

import geo
from geo.maps import build_map, map_html
from geo.sample import generate_workspace
from geo.vocabulary import LEVEL_ORDER
from tests.test_browser import _guarded_page

LABELS = re.compile(r"var D = (\[.*?\]), n = D\.length")


def _analysed(folder: Path) -> tuple[geo.Workspace, geo.Analysis]:
    ws = geo.load_workspace(folder)
    return ws, geo.analyse(ws, geo.Selection.make())


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """200 hamlets (a district's worth of names) over 2,000 parcels: small, fast, as crowded as a district."""
    folder = generate_workspace(tmp_path_factory.mktemp("district"), parcels=2000, hamlets=200, households=300)
    return _analysed(folder)


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """2,000 hamlets (a province's worth of names) over 4,000 parcels."""
    folder = generate_workspace(tmp_path_factory.mktemp("province"), parcels=4000, hamlets=2000, households=600)
    return _analysed(folder)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 — the base class's name
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``(folder, url)``: files written to ``folder`` are served at ``url`` on 127.0.0.1."""
    root = tmp_path_factory.mktemp("pages")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def _rows(page: str) -> list[list]:
    """The page's label rows, ``[lat, lon, name, note]``, in the order the page places them."""
    return json.loads(LABELS.search(page).group(1))


def _names_of_level(ws: geo.Workspace, an: geo.Analysis, level: str) -> set[str]:
    names = dict(zip(ws.hamlets["hamlet_id"].astype(str), ws.hamlets["hamlet_name"]))
    return {names[h] for h in an.levels.loc[an.levels["hotspot_level"] == level, "hamlet_id"].astype(str)}


# --------------------------------------------------------------------------- the order (no browser)


def test_labels_travel_hotspots_first_then_by_affected_parcels(district):
    ws, an = district
    rows = _rows(map_html(build_map(ws, an)))
    assert len(rows) == len(ws.hamlets) == 200
    ids = dict(zip(ws.hamlets["hamlet_name"], ws.hamlets["hamlet_id"].astype(str)))
    assert len(ids) == 200, "the generated names are unique"
    level = an.levels.set_index(an.levels["hamlet_id"].astype(str))["hotspot_level"]
    parcels = an.summary.set_index(an.summary["hamlet_id"].astype(str))["parcels_affected"]
    keys = [(-LEVEL_ORDER.index(level.get(ids[r[2]], "none")), -int(parcels.get(ids[r[2]], 0))) for r in rows]
    assert keys == sorted(keys)
    assert len({k[0] for k in keys}) >= 3 and len({k[1] for k in keys}) >= 3, "the order is tested on mixed data"
    assert rows[0][2] in _names_of_level(ws, an, "hotspot")


# --------------------------------------------------------------------------- in a browser

_BOXES_JS = """() => {
    const box = document.querySelector('.leaflet-container').getBoundingClientRect();
    return Array.from(document.querySelectorAll('.hamlet-label span')).map(s => {
        const r = s.getBoundingClientRect();
        return {name: s.firstChild.textContent, l: r.left, t: r.top, r: r.right, b: r.bottom};
    }).filter(r => r.r > box.left && r.l < box.right && r.b > box.top && r.t < box.bottom && r.r > r.l);
}"""

_MAP_JS = "Object.values(window).find(v => v instanceof L.Map)"


def _open(browser, served, name: str, page: str):
    folder, url = served
    (folder / name).write_text(page, encoding="utf-8")
    context, pg = _guarded_page(browser, 1366, 900)
    pg.goto(f"{url}/{name}")
    pg.wait_for_function(f"() => window.L && {_MAP_JS} && document.querySelector('.hamlet-label span')")
    _settle(pg)
    return context, pg


def _settle(pg) -> None:
    """Wait until the map has stopped zooming (a zoom animation, then the labels' placement on zoomend)."""
    pg.wait_for_function(f"() => {{ const m = {_MAP_JS}; return !m._animatingZoom && !m._panAnim?._inProgress; }}")
    pg.wait_for_timeout(400)


def _zoom_in(pg, clicks: int) -> None:
    """Zoom in as a person does: the map's + button (half a zoom level per click)."""
    for _ in range(clicks):
        pg.locator(".leaflet-control-zoom-in").click()
        _settle(pg)


def _overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of label boxes that intersect on screen (brute force: the test's own check)."""
    return [
        (a["name"], b["name"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]
    ]


def _in_view(pg, rows: list[list], names: set[str]) -> set[str]:
    """Of ``names``, those whose label point is inside the map's current view."""
    points = [[r[0], r[1], r[2]] for r in rows if r[2] in names]
    return set(
        pg.evaluate(
            f"(pts) => {{ const b = {_MAP_JS}.getBounds(); return pts.filter(p => b.contains([p[0], p[1]]))"
            ".map(p => p[2]); }",
            points,
        )
    )


@pytest.mark.browser
@pytest.mark.parametrize("meeting", [False, True], ids=["office", "meeting"])
def test_district_labels_never_overlap_and_hotspots_show_at_first_view_and_zoomed_in(
    district, browser, served, meeting
):
    ws, an = district
    disclosure = geo.Disclosure.PUBLIC if meeting else geo.Disclosure.PERSONAL
    page = map_html(build_map(ws, an, disclosure=disclosure, large_type=meeting), inline_assets=True)
    rows = _rows(page)
    hot = _names_of_level(ws, an, "hotspot")
    assert hot, "the generated district has hotspots"
    context, pg = _open(browser, served, f"district-{int(meeting)}.html", page)
    try:
        first = pg.evaluate(_BOXES_JS)
        assert len(first) >= 20, "a first view names a good share of the district"
        assert len(first) < len(rows), "…and not every one of its 200 hamlets"
        assert _overlapping(first) == []
        assert hot <= {b["name"] for b in first}, "every hotspot is named at the first view"

        _zoom_in(pg, 3)  # one and a half zoom levels closer
        closer = pg.evaluate(_BOXES_JS)
        assert _overlapping(closer) == []
        shown = {b["name"] for b in closer}
        assert _in_view(pg, rows, hot) <= shown, "a hotspot in view keeps its name"
        assert shown - {b["name"] for b in first}, "closer in, names that had no room show"
        assert not pg.errors, pg.errors
        assert not pg.blocked, f"requests left the machine: {pg.blocked}"
    finally:
        context.close()


@pytest.mark.browser
def test_province_labels_never_overlap_when_zooming_in(province, browser, served):
    ws, an = province
    page = map_html(build_map(ws, an), inline_assets=True)
    rows = _rows(page)
    assert len(rows) == 2000
    hot = _names_of_level(ws, an, "hotspot")
    context, pg = _open(browser, served, "province.html", page)
    try:
        first = pg.evaluate(_BOXES_JS)
        assert hot & {b["name"] for b in first}, "hotspots are named first"
        for clicks in (0, 2, 2, 2):
            _zoom_in(pg, clicks)
            boxes = pg.evaluate(_BOXES_JS)
            assert boxes, "some names show"
            assert _overlapping(boxes) == []
        assert not pg.errors, pg.errors
        assert not pg.blocked, f"requests left the machine: {pg.blocked}"
    finally:
        context.close()
