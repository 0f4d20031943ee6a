"""The dashboard as a user meets it: a fresh server, a real Chromium, the time until the map has drawn.

    .venv/bin/python -m benchmarks.visits WORKSPACE [--account NAME] [--runs N] [--sessions 10,30]
                                          [--changes N] [--out FIGURES.json]

For ``WORKSPACE`` (a folder or a store; with a store, ``--account`` signs in with the demo password
``demo-NAME``, as the sample's accounts have), each figure is measured the way a person meets it:

``cold``
    ``--runs`` times: start ``python -m dashboard.serve`` (a new process), wait until it answers its
    health check (the server is up), open the page in a new browser context (signing in where the
    store asks), and time from opening the page until the map has drawn: the Leaflet map with its
    legend and at least one shape on screen. Where the sign-in form shows, the time from its showing
    until its button is clicked is left out (``typing_s``: the benchmark types in about 0.1 s, a person
    in several): each figure is the time a person waits for the product, the form's arrival and the map's
    after the click. ``cold_from_start_s`` also counts the server's start.
``later``
    On the same server, ``--runs`` new browser contexts (a browser that has never opened the dashboard:
    nothing cached, the sign-in asked): the same time.
``again``
    In that browser context, the tab closed and the page opened in a new one (the same person coming
    back during the day: the browser's cache holds the page's scripts, and the kept sign-in —
    :mod:`dashboard.remember` — signs in without the form): the same time.
``returning``
    In that browser context, its cookies cleared and the page opened in a new tab (a person whose
    browser has opened the dashboard before, signing in: the kept sign-in expired, or another person
    at the same office computer): the same time. The browser's cache is the one a person's browser
    has: requests off this machine are sent to a closed port (:data:`OFFLINE`), not intercepted,
    since Playwright's request interception turns the HTTP cache off.
``filter``
    In one page, the project filter changed ``--changes`` times (to each project in turn, then
    back to "all"): from choosing the option until the map has drawn the new selection (the
    legend's heading changed and a shape on screen).
``walk``
    On each server, once its background warm-up has ended (a server as found after it has been up a
    while), a person's walk (:func:`walk`): a new browser opens the page, chooses the first project, then
    (where the map shows hamlets rather than parcels) the most advanced hamlet shown, and fits the view to
    the most advanced parcel drawn and points at it; each step timed until the map shows it, the last until
    the parcel's tooltip shows (``walk_median_s``: each step's median).
``sessions``
    For each N of ``--sessions``, on a fresh server: one person's page (signed in, its map drawn) among
    N - 1 other sessions (:class:`benchmarks.protocol.Session`, signed in with that browser's kept
    sign-in), all changing the project filter at once, the person ``--changes`` times, the others one
    project after another until the person is done. Each of the person's changes is timed as in
    ``filter``, until the map has drawn it; each of the others', until the server has finished its run
    (``others``). The others ask the server for what a browser asks for, and read every message, but
    draw nothing: in an office each person's computer draws their own page, while here every page
    would be drawn on the server's two cores. Errors (an exception shown, a change never finished, a
    session that never opened) are counted and named.
``browser_sessions``
    Then N pages in this machine's Chromium, all changing the project filter ``--changes`` times
    together, reading each result for 0.3 s; each change timed from the click until the page's run
    has finished (the selection's caption changed and Streamlit's status idle), the map's drawing left
    out (its frame is :data:`BLANK_MAP`). The server's own CPU seconds per change
    (``server_cpu_s_per_change``) and the pages' (``browsers_cpu_s_per_change``: every Chromium
    process) tell the server's share from the browsers'.

Memory: the server's resident set (RSS, psutil, polled) at its highest, and with five sessions open
(``five_sessions_peak_mb``). Weight: ``first_view_bytes``, what the browser received for the first view
(HTTP bodies as sent, and WebSocket frames).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import protocol

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
OFFLINE = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost"]
"""Every request off this machine sent to a closed port (the app works offline). Not Playwright's request
interception: a routed context has no HTTP cache, and a person's browser keeps the page's scripts."""
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    *OFFLINE,
]
MAP_FRAME = "iframe[title='dashboard.mapview.map']"
VIEWPORT = {"width": 1366, "height": 768}
"""The meeting room's projector."""

DRAWN = """([sel, before]) => {
  const frames = document.querySelectorAll(sel);
  if (frames.length !== 1) return false;
  const doc = frames[0].contentDocument;
  const legend = doc && doc.querySelector('.map-legend');
  if (!legend || (before !== null && legend.innerText === before)) return false;
  return !!(doc.querySelector('path.leaflet-interactive') || doc.querySelector('canvas.leaflet-zoom-animated'));
}"""
"""The map has drawn: one map frame, its legend (another than ``before``, where given) and a shape."""

LEGEND = """(sel) => { const f = document.querySelector(sel);
  const l = f && f.contentDocument && f.contentDocument.querySelector('.map-legend');
  return l ? l.innerText : null; }"""

SELECTION = """() => { const c = [...document.querySelectorAll("[data-testid='stCaptionContainer']")]
  .find(e => e.innerText.includes('dữ liệu / workspace')); return c ? c.innerText : null; }"""
"""The caption under the page's title: the selection and the data it shows (drawn after the analysis)."""

IDLE = """([before]) => { const c = [...document.querySelectorAll("[data-testid='stCaptionContainer']")]
  .find(e => e.innerText.includes('dữ liệu / workspace'));
  if (!c || c.innerText === before) return false;
  return !document.querySelector("[data-testid='stStatusWidget']"); }"""
"""The page's run has finished on a new selection: its caption changed, Streamlit's status idle."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/_stcore/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


class Server:
    """``python -m dashboard.serve WORKSPACE`` on a free loopback port, its peak RSS watched."""

    def __init__(self, workspace: str, log: Path) -> None:
        self.workspace, self.log = workspace, log
        self.port = free_port()
        self.peak_mb = 0.0
        self._stop = threading.Event()

    def __enter__(self) -> Server:
        env = {**os.environ, "STREAMLIT_SERVER_HEADLESS": "true", "PYTHONPATH": str(ROOT)}
        self.started = time.perf_counter()
        with self.log.open("w", encoding="utf-8") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "dashboard.serve", "--port", str(self.port), self.workspace],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 180
        while not _healthy(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise SystemExit("the server did not start:\n" + self.log.read_text(encoding="utf-8"))
            time.sleep(0.02)
        self.up = time.perf_counter()
        threading.Thread(target=self._watch, daemon=True).start()
        return self

    def _watch(self) -> None:
        import psutil

        proc = psutil.Process(self.proc.pid)
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                self.peak_mb = max(self.peak_mb, proc.memory_info().rss / 2**20)
            time.sleep(0.1)

    def cpu_s(self) -> float:
        """CPU seconds the server process has used so far (user and system)."""
        import psutil

        times = psutil.Process(self.proc.pid).cpu_times()
        return float(times.user + times.system)

    def wait_warmed(self, timeout: float = 900) -> None:
        """Until the server's background warm-up has ended (:mod:`dashboard.warm` logs its first part and its
        rest, :data:`dashboard.warm.WARMED`): a server as one finds it after it has been up a while."""
        from dashboard.warm import WARMED

        deadline = time.monotonic() + timeout
        while self.log.read_text(encoding="utf-8").count(WARMED) < 2:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server's warm-up did not end:\n" + self.log.read_text(encoding="utf-8"))
            time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


BLANK_MAP = (
    "<!doctype html><script>window.parent.postMessage("
    '{isStreamlitMessage: true, type: "streamlit:componentReady", apiVersion: 1}, "*");</script>'
)
"""The map's frame without the map: it tells Streamlit it is ready, so the page shows no loading
placeholder (whose endless animation, left by a frame that never loads, kept a page's compositor busy:
about 0.3 of a core for three idle pages), and draws nothing."""


async def _offline(context: Any, draw_map: bool = True) -> None:
    """Without ``draw_map``, the map's frame is :data:`BLANK_MAP` (the many-sessions figure leaves each
    person's drawing out). Requests off this machine fail anyway (:data:`OFFLINE`); only this case routes
    requests, since a routed context has no HTTP cache."""

    async def guard(route: Any) -> None:
        if "/component/dashboard.mapview.map/" not in route.request.url:
            await route.continue_()
        elif route.request.resource_type == "document":
            await route.fulfill(status=200, content_type="text/html", body=BLANK_MAP)
        else:
            await route.abort()

    if not draw_map:
        await context.route("**/*", guard)


async def _open(
    browser: Any, url: str, account: str | None, draw_map: bool = True, context: Any = None
) -> tuple[Any, Any, float]:
    """A page at ``url`` in a new context (or in ``context``: a browser that has been here before),
    signed in as ``account``; the seconds a person waits until the map has drawn (or, without ``draw_map``,
    until the page's first run has finished): from opening the page, less the time between the sign-in
    form showing and its button clicked (the typing, ``page.typing``: a person's, not the product's)."""
    if context is None:
        context = await browser.new_context(viewport=VIEWPORT, locale="vi-VN", service_workers="block")
        await _offline(context, draw_map)
    page = await context.new_page()
    page.received = [0]  # bytes the page received: HTTP bodies and WebSocket frames (the first view's weight)

    def frame(payload: str | bytes) -> None:
        page.received[0] += len(payload)

    async def body(request: Any) -> None:
        with contextlib.suppress(Exception):
            page.received[0] += int((await request.sizes())["responseBodySize"])

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    page.on("requestfinished", body)
    t = time.perf_counter()
    typing = 0.0
    await page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    if account:
        name = page.get_by_label("Tên đăng nhập / User name")
        await name.wait_for(timeout=120_000)
        shown = time.perf_counter()
        await name.fill(account)
        await page.get_by_label("Mật khẩu / Password").fill(f"demo-{account}")
        await page.get_by_role("button", name="Đăng nhập / Sign in").click()
        typing = time.perf_counter() - shown
    if draw_map:
        await page.wait_for_function(DRAWN, arg=[MAP_FRAME, None], timeout=300_000, polling="raf")
    else:
        await page.wait_for_function(IDLE, arg=[None], timeout=300_000, polling=50)
    page.typing = typing
    return context, page, time.perf_counter() - t - typing


SCRIPT_BYTES = """() => performance.getEntriesByType('resource').filter(e => e.name.endsWith('.js'))
  .reduce((sum, e) => sum + e.transferSize, 0)"""
"""Bytes of the page's scripts that came over the network (0 for a script from the browser's cache)."""


async def _reopen(context: Any, url: str) -> tuple[Any, float]:
    """A new tab of ``context`` at ``url`` (no form filled: a kept sign-in signs in); seconds until the
    map has drawn. ``page.script_bytes``: the bytes of its scripts not taken from the browser's cache."""
    page = await context.new_page()
    t = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    await page.wait_for_function(DRAWN, arg=[MAP_FRAME, None], timeout=300_000, polling="raf")
    elapsed = time.perf_counter() - t
    page.script_bytes = await page.evaluate(SCRIPT_BYTES)
    return page, elapsed


async def _choose_project(page: Any, index: int) -> None:
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    await box.click()
    option = page.locator("[role='option']").nth(index)
    await option.wait_for()
    await option.click()


async def _project_count(page: Any) -> int:
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    await box.click()
    await page.locator("[role='option']").first.wait_for()
    n = await page.locator("[role='option']").count()
    await page.keyboard.press("Escape")
    return int(n)


def _order(n_options: int, changes: int) -> list[int]:
    """Each project in turn (options 1…), then back to all (0): ``changes`` choices."""
    cycle = [*range(1, n_options), 0] if n_options > 1 else [0]
    return [cycle[i % len(cycle)] for i in range(changes)]


async def _changes(
    page: Any, changes: int, drawn: bool = True, start: asyncio.Event | None = None
) -> tuple[list[float], list[str]]:
    """The page's ``changes`` project choices (:func:`_order`), each timed from the click until the map
    has drawn the new selection (``drawn``), or until the page's run has finished; each read for 0.3 s
    before the next, as a person does. The seconds of each, and what went wrong (one line per error)."""
    times, errors = [], []
    order = _order(await _project_count(page), changes)
    if start is not None:
        await start.wait()
    for index in order:
        before = await page.evaluate(LEGEND, MAP_FRAME) if drawn else await page.evaluate(SELECTION)
        t = time.perf_counter()
        try:
            await _choose_project(page, index)
            if drawn:
                await page.wait_for_function(DRAWN, arg=[MAP_FRAME, before], timeout=120_000, polling="raf")
            else:
                await page.wait_for_function(IDLE, arg=[before], timeout=120_000, polling=50)
            times.append(time.perf_counter() - t)
        except Exception as exc:  # noqa: BLE001 — a change that never finished is an error of the figure
            errors.append(_error_line(exc))
        shown = page.locator("[data-testid='stException']")
        if await shown.count():
            errors.append("shown: " + (await shown.first.inner_text())[:160].replace("\n", " "))
        await page.wait_for_timeout(300)  # a person reads the map before the next change
    return times, errors


def _error_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:160] if text else ''}"


async def filter_changes(page: Any, changes: int) -> list[float]:
    """Seconds from choosing each project until the map has drawn it (one page alone on the server)."""
    times, errors = await _changes(page, changes)
    if errors:
        raise RuntimeError("a filter change failed: " + errors[0])
    return times


async def _others_change(session: Any, start: asyncio.Event, stop: asyncio.Event) -> tuple[list[float], list[str]]:
    """Another person's session (:class:`benchmarks.protocol.Session`): each project in turn, until ``stop``;
    each change's seconds until the server has finished its run, and what went wrong."""
    times: list[float] = []
    errors: list[str] = []
    order = _order(session.project_count(), 1000)
    await start.wait()
    for index in order:
        if stop.is_set():
            break
        try:
            times.append(await session.choose_project(index))
        except Exception as exc:  # noqa: BLE001 — a change the server never finished is an error of the figure
            errors.append("another session: " + _error_line(exc))
            break
        await asyncio.sleep(0.3)  # drawn on that person's computer, then read
    errors += ["another session, shown: " + e for e in session.exceptions]
    return times, errors


async def sessions(browser: Any, url: str, account: str | None, n: int, changes: int) -> dict:
    """One person's page among ``n`` sessions changing the project filter at once (the module docstring)."""
    context, page, _ = await _open(browser, url, account)
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in await context.cookies())
    others, not_opened = [], []
    for _ in range(n - 1):
        other = protocol.Session(url, cookie)
        try:
            await other.open()
            others.append(other)
        except Exception as exc:  # noqa: BLE001 — a session that never opened is an error of the figure
            not_opened.append("another session not opened: " + _error_line(exc))
            await other.close()
    start, stop = asyncio.Event(), asyncio.Event()
    tasks = [asyncio.create_task(_others_change(other, start, stop)) for other in others]
    person = asyncio.create_task(_changes(page, changes, start=start))
    await asyncio.sleep(0.5)
    start.set()
    times, errors = await person
    stop.set()
    done = await asyncio.gather(*tasks)
    for other in others:
        await other.close()
    await context.close()
    details = not_opened + errors + [e for _, es in done for e in es]
    return {
        "sessions": n,
        **_stats(times),
        "errors": len(details),
        "not_opened": len(not_opened),
        "error_details": details,
        "others": _stats([t for ts, _ in done for t in ts]),
    }


async def browser_sessions(
    browser: Any, url: str, account: str | None, n: int, changes: int, server_cpu: Callable[[], float]
) -> dict:
    """``n`` Chromium pages on this machine, all changing the project filter together, the map's drawing
    left out (the module docstring); the CPU seconds per change of the server (``server_cpu``: its
    seconds so far) and of every Chromium process, counted over the changes only (the pages open, before
    their processes end)."""
    opened, not_opened = [], []
    for _ in range(n):
        try:
            opened.append(await _open(browser, url, account, draw_map=False))
        except Exception as exc:  # noqa: BLE001 — a page that never opened is an error of the figure
            not_opened.append("not opened: " + _error_line(exc))
    start = asyncio.Event()
    tasks = [asyncio.create_task(_changes(page, changes, drawn=False, start=start)) for _, page, _ in opened]
    await asyncio.sleep(0.5)
    cpu, browsers = server_cpu(), _browsers_cpu_s()
    start.set()
    done = await asyncio.gather(*tasks)
    cpu, browsers = server_cpu() - cpu, _browsers_cpu_s() - browsers
    for context, _, _ in opened:
        await context.close()
    times = sorted(t for ts, _ in done for t in ts)
    details = not_opened + [e for _, es in done for e in es]
    return {
        "sessions": n,
        **_stats(times),
        "errors": len(details),
        "not_opened": len(not_opened),
        "error_details": details,
        # what the server pays per change, apart from what the pages on its two cores do
        "server_cpu_s_per_change": round(cpu / max(1, len(times)), 3),
        "browsers_cpu_s_per_change": round(browsers / max(1, len(times)), 3),
    }


def _browsers_cpu_s() -> float:
    """CPU seconds used so far by the Chromium processes this benchmark started (user and system)."""
    import psutil

    total = 0.0
    for proc in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "chrom" in proc.name().lower():
                times = proc.cpu_times()
                total += times.user + times.system
    return total


SPOT = """() => {
  // The walk's next step on the map as it is drawn: the most advanced parcel of the selection (its style is
  // its stage), the view fitted to it and its centre on screen; where the map shows hamlets instead (too many
  // parcels), the name of the most advanced hamlet, to be chosen in the filter.
  const map = window.geoSelection && window.geoSelection.map;
  if (!map) return null;
  let parcel = null, hamlet = null;
  map.eachLayer(l => {
    const f = l.geoFeature;
    if (!f || !l.getBounds) return;
    const p = f[2] || {};
    if (p.a !== undefined) {
      if (!parcel || f[1] > parcel.geoFeature[1]) parcel = l;
    } else if (typeof p.t === 'string' && p.t.includes('Đã bàn giao:') && (!hamlet || f[1] > hamlet.geoFeature[1])) {
      hamlet = l;
    }
  });
  if (parcel) {
    map.fitBounds(parcel.getBounds(), {maxZoom: 19, animate: false});
    // a point on the parcel's own shape, nearest its box's centre (Leaflet's getCenter misplaces a shape drawn
    // as a multipolygon, and a concave parcel's centre may lie outside it)
    const r = parcel._path.getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const points = [];
    for (let i = 1; i < 8; i++) {
      for (let j = 1; j < 8; j++) points.push([r.left + r.width * i / 8, r.top + r.height * j / 8]);
    }
    points.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy));
    const on = points.find(([x, y]) => document.elementFromPoint(x, y) === parcel._path);
    return on ? {parcel: true, zoom: map.getZoom(), x: on[0], y: on[1]} : null;
  }
  if (!hamlet) return null;
  const name = /^<b>(.*?)<\\/b>/.exec(hamlet.geoFeature[2].t);
  const text = name ? new DOMParser().parseFromString(name[1], 'text/html').body.textContent : null;
  return {parcel: false, hamlet: text};
}"""
"""In the map's frame: where the walk goes next (:func:`walk`)."""

TIP = """() => { const t = document.querySelector('.geo-tip');
  return t && t.style.display !== 'none' && t.innerText ? t.innerText : null; }"""
"""In the map's frame: the text of the tooltip shown (``geoTipFor``), or null."""

NEW_SELECTION = """([sel, before]) => {
  const frames = document.querySelectorAll(sel);
  if (frames.length !== 1) return false;
  const w = frames[0].contentWindow, doc = frames[0].contentDocument;
  return !!(w && w.geoSelection && w.geoSelection.code !== before && doc.querySelector('path.leaflet-interactive'));
}"""
"""The map has drawn a selection other than ``before`` (its script, ``geoSelection.code``), in the frame there
or in a new one (a map of hamlets replaced by one of parcels is a new frame)."""

SELECTION_CODE = """(sel) => { const f = document.querySelector(sel), w = f && f.contentWindow;
  return w && w.geoSelection ? w.geoSelection.code : null; }"""


STILL = """() => { const map = window.geoSelection && window.geoSelection.map;
  return !!map && !map._animatingZoom && !(map._panAnim && map._panAnim._inProgress); }"""
"""In the map's frame: the map is not moving (a new selection's view may still be gliding into place, and
Leaflet ignores a new view asked for meanwhile)."""

SHAPES = "() => document.querySelectorAll('path.leaflet-interactive').length"
"""In the map's frame: the shapes drawn (parcels, hamlets and the rest)."""


async def _map_frame(page: Any) -> Any:
    handle = await page.locator(MAP_FRAME).element_handle()
    return await handle.content_frame()


async def _redrawn(page: Any, choose: Callable[[], Any]) -> float:
    """Seconds from ``choose()`` (a filter chosen) until the map has drawn the new selection."""
    before = await page.evaluate(SELECTION_CODE, MAP_FRAME)
    t = time.perf_counter()
    await choose()
    await page.wait_for_function(NEW_SELECTION, arg=[MAP_FRAME, before], timeout=300_000, polling="raf")
    return time.perf_counter() - t


async def _typed_hamlet(page: Any, name: str) -> Any:
    """The hamlet filter opened and ``name`` typed into it (a person's typing, not timed): its option."""
    box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    await box.click()
    await page.keyboard.type(name)
    option = page.get_by_role("option", name=name, exact=True)
    await option.wait_for(timeout=60_000)
    return option


async def walk(browser: Any, url: str, account: str | None) -> dict:
    """A person's walk through the dashboard, each step timed until the map shows it (issue 18's "done when").

    A new browser opens the page on a server already up (``first_map_s``: as ``later``); chooses the first
    project (``project_s``); where the map then shows hamlets rather than parcels (too many of them), chooses
    the most advanced hamlet it shows (``hamlet_s``, else None); then fits the view to the most advanced
    parcel drawn and points at it (``zoom_s``: until its tooltip shows, ``tooltip`` its text).
    """
    context, page, first = await _open(browser, url, account)
    out: dict[str, Any] = {"first_map_s": round(first, 3), "hamlet": None, "hamlet_s": None}
    try:
        box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
        await box.click()
        out["project"] = (await page.locator("[role='option']").nth(1).inner_text()).strip()
        await page.keyboard.press("Escape")
        out["project_s"] = round(await _redrawn(page, lambda: _choose_project(page, 1)), 3)
        spot = await (await _map_frame(page)).evaluate(SPOT)
        if spot is not None and not spot["parcel"] and spot["hamlet"]:
            out["hamlet"] = spot["hamlet"]
            option = await _typed_hamlet(page, spot["hamlet"])
            out["hamlet_s"] = round(await _redrawn(page, option.click), 3)
            await page.keyboard.press("Escape")
        frame = await _map_frame(page)
        out["shapes_drawn"] = await frame.evaluate(SHAPES)
        await frame.wait_for_function(STILL, timeout=60_000, polling="raf")  # the person looks, then zooms
        t = time.perf_counter()
        spot = await frame.evaluate(SPOT)
        if spot is None or not spot["parcel"]:
            raise RuntimeError(f"the walk found no parcel to zoom to on the map of {out['project']!r}")
        box = await page.locator(MAP_FRAME).bounding_box()
        await page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"])
        await frame.wait_for_function(TIP, timeout=60_000, polling="raf")
        out["zoom_s"] = round(time.perf_counter() - t, 3)
        out["zoom"] = spot["zoom"]
        out["tooltip"] = " | ".join((await frame.evaluate(TIP)).splitlines())
    finally:
        await context.close()
    return out


def _stats(times: list[float]) -> dict:
    if not times:
        return {"n": 0, "median_s": None, "p90_s": None, "max_s": None}
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return {
        "n": len(ordered),
        "median_s": round(statistics.median(ordered), 3),
        "p90_s": round(p90, 3),
        "max_s": round(ordered[-1], 3),
    }


async def measure(
    workspace: str, account: str | None, runs: int, changes: int, session_counts: list[int], log=print
) -> dict:
    """Every figure of the module docstring for one workspace."""
    from playwright.async_api import async_playwright

    out: dict[str, Any] = {"workspace": workspace, "account": account}
    out.update({key: [] for key in ("cold", "cold_from_start", "later", "again", "returning", "walk")})
    with tempfile.TemporaryDirectory(prefix="geo-visits-") as tmp:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            peak = 0.0
            for run in range(runs):
                with Server(workspace, Path(tmp) / f"server-{run}.log") as server:
                    context, page, first = await _open(browser, server.url, account)
                    out["cold"].append(round(first, 3))
                    if run == 0:
                        await page.wait_for_timeout(500)  # the last frames of the first view
                        out["first_view_bytes"] = page.received[0]
                    out["cold_from_start"].append(round(first + server.up - server.started, 3))
                    log(f"    cold {first:.2f} s (server up after {server.up - server.started:.2f} s)")
                    if run == 0:
                        out["filter"] = [round(t, 3) for t in await filter_changes(page, changes)]
                        log("    filter changes " + ", ".join(f"{t:.2f}" for t in out["filter"]) + " s")
                    await context.close()
                    context, page, later = await _open(browser, server.url, account)
                    out["later"].append(round(later, 3))
                    await page.close()
                    page, again = await _reopen(context, server.url)
                    out["again"].append(round(again, 3))
                    out.setdefault("again_script_bytes", []).append(page.script_bytes)
                    await page.close()
                    await context.clear_cookies()  # the kept sign-in gone (expired, or another person)
                    _, page, returning = await _open(browser, server.url, account, context=context)
                    out["returning"].append(round(returning, 3))
                    out.setdefault("typing_s", []).append(round(page.typing, 3))
                    log(
                        f"    a new browser {later:.2f} s; the same browser again {again:.2f} s, "
                        f"signing in {returning:.2f} s"
                    )
                    if run == 0:
                        opened = [await _open(browser, server.url, account) for _ in range(4)]
                        out["five_sessions_peak_mb"] = round(server.peak_mb, 1)
                        for c, _, _ in opened:
                            await c.close()
                    await context.close()
                    await asyncio.to_thread(server.wait_warmed)
                    w = await walk(browser, server.url, account)
                    out["walk"].append(w)
                    log(
                        f"    the walk: opened {w['first_map_s']:.2f} s, a project {w['project_s']:.2f} s, "
                        + (f"a hamlet {w['hamlet_s']:.2f} s, " if w["hamlet_s"] is not None else "")
                        + f"a parcel zoomed to, its tooltip {w['zoom_s']:.2f} s"
                    )
                    peak = max(peak, server.peak_mb)
            out["server_peak_mb"] = round(peak, 1)
            out["sessions"], out["browser_sessions"] = [], []
            for n in session_counts:
                with Server(workspace, Path(tmp) / f"server-sessions-{n}.log") as server:
                    warm_context, _, _ = await _open(browser, server.url, account)  # the server warm, as in office
                    await warm_context.close()
                    res = await sessions(browser, server.url, account, n, changes)
                    res["server_peak_mb"] = round(server.peak_mb, 1)
                    out["sessions"].append(res)
                    log(
                        f"    {n} sessions, one person's page: median {res['median_s']} s, p90 {res['p90_s']} s, "
                        f"errors {res['errors']} (the others' runs: median {res['others']['median_s']} s)"
                    )
                    for detail in res["error_details"]:
                        log(f"      error: {detail}")
                    res = await browser_sessions(browser, server.url, account, n, changes, server.cpu_s)
                    out["browser_sessions"].append(res)
                    log(
                        f"    {n} Chromium pages: median {res['median_s']} s, p90 {res['p90_s']} s, "
                        f"errors {res['errors']}"
                    )
                    for detail in res["error_details"]:
                        log(f"      error: {detail}")
            await browser.close()
    for key in ("cold", "cold_from_start", "later", "again", "returning", "filter"):
        if out.get(key):
            out[f"{key}_median_s"] = round(statistics.median(out[key]), 3)
    out["walk_median_s"] = {
        step: None
        if any(w[step] is None for w in out["walk"])
        else round(statistics.median(w[step] for w in out["walk"]), 3)
        for step in ("first_map_s", "project_s", "hamlet_s", "zoom_s")
    }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace")
    parser.add_argument("--account", default=None, help="sign in as this account (password demo-NAME)")
    parser.add_argument("--runs", type=int, default=3, help="fresh servers (cold) and later visits")
    parser.add_argument("--changes", type=int, default=6, help="filter changes per page")
    parser.add_argument("--sessions", default="", help="comma-separated counts of simultaneous sessions")
    parser.add_argument("--out", type=Path, default=None, help="write every figure to this JSON file")
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.sessions.split(",") if x.strip()]
    res = asyncio.run(measure(args.workspace, args.account, max(1, args.runs), max(1, args.changes), counts))
    if args.out:
        args.out.write_text(json.dumps(res, indent=1), encoding="utf-8")
    else:
        print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
