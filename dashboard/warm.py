"""Warm the server before its first visitor: the page's imports and its first view, computed once.

A fresh server process pays, on its first page, for importing the page's libraries (Streamlit's
components, folium, geopandas, altair: about 3 s on two cores), reading the workspace,
its display geometry, and the first selection's analysis. :func:`start`, called by
``python -m dashboard.serve`` before Streamlit starts, does the imports and the first view (leadership's,
meeting screens first, or a folder's) before the server answers — it is up when it can serve — and every other account's
view in a background thread while it answers, through the very cached functions the page calls
(:mod:`dashboard.data`), so the page finds them done (Streamlit computes a cached value once; a
second caller of the same key waits for it). The map's Streamlit component is left to the page:
declared outside a page's run, it is not served and the map stays blank.

What it warms, in order: the imports; the workspace as a whole and its display geometry; then the
landing selection (the workspace's as-of date; an officer's or party cell's own hamlets), its analysis
and its map, of each access the store's active accounts have — leadership first, the meeting room's
screen being the one that must never wait — or, for a folder (no sign-in), the whole workspace's
selection; in the background, then, each project of the leadership's (or the folder's) view, the
clicks a meeting makes first. The background steps give way to visitors: each waits until no page
has run for :data:`QUIET_S` (:func:`page_run`) and no page has asked for anything (:class:`Visits`), nor
since the server began answering (:func:`visited`), so a visitor at a fresh server is not slowed by them.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

LOG = logging.getLogger(__name__)

QUIET_S = 3.0
"""The background warm-up's next step waits until no page has run for this long: a visitor's pages run
first (its sign-in, its page, its next clicks), the warm-up uses the pauses between."""

_runs = 0  # pages running now
_last_run = 0.0  # when the last one ended (time.monotonic)
_runs_changed = threading.Condition()


@contextmanager
def page_run() -> Iterator[None]:
    """Around each run of a page (``dashboard/app.py``): the background warm-up waits while any runs."""
    global _runs, _last_run
    with _runs_changed:
        _runs += 1
    try:
        yield
    finally:
        with _runs_changed:
            _runs -= 1
            _last_run = time.monotonic()
            _runs_changed.notify_all()


def visited() -> None:
    """Now counts as a visitor's: the background steps wait a quiet pause from now, as after a page's run.

    Called when the server begins answering (a first visitor's page loads Streamlit's scripts and shows
    the sign-in form before any page runs: steps begun at once took the two cores from it, its scripts
    read 0.5–0.6 s later) and by :class:`Visits` for each request a page makes."""
    global _last_run
    with _runs_changed:
        _last_run = time.monotonic()


UNSEEN = ("/_stcore/health", "/_stcore/script-health-check")
"""Requests that are no visitor's (a health check polled by a proxy or a monitor)."""


class Visits:
    """ASGI middleware: each HTTP request (a page's scripts, styles, the map's frame and data) is a
    visitor's activity (:func:`visited`, at its start and end), not only a page's runs: a tab opened
    while the server's background steps would resume loads without sharing the cores with them."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or str(scope.get("path", "")).endswith(UNSEEN):
            await self.app(scope, receive, send)
            return
        visited()
        try:
            await self.app(scope, receive, send)
        finally:
            visited()


def _wait_quiet() -> None:
    """Until no page has run for :data:`QUIET_S` seconds."""
    with _runs_changed:
        while True:
            rest = _last_run + QUIET_S - time.monotonic()
            if _runs == 0 and rest <= 0:
                return
            _runs_changed.wait(timeout=rest if _runs == 0 else None)


WARMED = "page warmed in"
"""The words of the line each part of the warm-up (the first view, then the rest) writes to the server's log
when it has ended (:func:`start`): what a benchmark waits for."""

ROLE_ORDER = ("leadership", "officer", "party_cell", "clerk", "inspector", "admin")
"""Which accounts' first view is warmed first (a meeting room's screen before everyone else)."""


def _imports() -> None:
    """What the main page imports, and what its first run imports lazily (the map's modules) — except
    the map's Streamlit component (``dashboard.mapview``): declared outside a
    page's run, it is not served, and the map stays blank; the page imports it (a few milliseconds)."""
    import altair  # noqa: F401
    import folium  # noqa: F401

    import dashboard.brief  # noqa: F401
    import dashboard.downloads  # noqa: F401
    import dashboard.grievance_forms  # noqa: F401
    import dashboard.history  # noqa: F401
    import dashboard.panels  # noqa: F401
    import dashboard.report_page  # noqa: F401
    import dashboard.signin  # noqa: F401
    import dashboard.upload  # noqa: F401
    import geo.maps  # noqa: F401


def _accesses(path: Path | str) -> list:
    """The distinct accesses of the store's active accounts, leadership first; ``[None]`` for a folder."""
    from geo.source import is_store

    if not is_store(path):
        return [None]
    from dashboard import data
    from geo.store.accounts import list_users

    seen: dict[tuple, object] = {}
    users = [u for u in list_users(data.open_store(path)) if u.active]
    rank = {role: i for i, role in enumerate(ROLE_ORDER)}
    for user in sorted(users, key=lambda u: (not u.meeting_screen, rank.get(u.role, len(rank)), u.name)):
        seen.setdefault(data.access_key(user.access), user.access)
    return list(seen.values())


def warm(workspace: str, at: int | None = None, which: str = "all") -> list[str]:
    """Compute what the page's first run for each access would compute (see the module docstring).

    ``workspace``: as given to the app (``--workspace``), resolved as the page resolves it;
    ``which``: ``"all"`` the accesses (in the order of the module docstring), ``"first"`` a folder's view or
    the leadership's (meeting screens and the others), ``"rest"`` every other.

    Returns what was done, with seconds (for the server's log); never raises: a workspace with
    problems is the page's to explain.
    """
    done: list[str] = []

    def step(what: str, fn: Callable[..., T], *args: Any) -> T:
        if which == "rest":
            _wait_quiet()
        t = time.perf_counter()
        out = fn(*args)
        done.append(f"{what} {time.perf_counter() - t:.2f} s")
        return out

    try:
        step("imports", _imports)
        from dashboard import data, filters

        path = data.resolve_workspace(workspace)
        from geo.selection import Selection

        for access in step("accounts", _accesses, path):
            first = access is None or access.role == "leadership"
            if which == "first" and not first:
                continue
            ws, key = data.load(path, at, access)
            if not ws.report.ok:
                break
            opts = filters.options(ws)  # the page's first selection, as filters.seed_from_url makes it
            hamlets = filters.landing_hamlets(opts, () if access is None else access.landing)
            meeting = access is not None and access.forced_meeting  # a meeting screen: meeting mode
            shown = filters.disclosure(meeting, access)
            role = "folder" if access is None else access.role
            if not (which == "rest" and first):  # the landing view ("first" did the leadership's)
                sel = Selection.make(hamlets=hamlets, as_of=opts.default_as_of)
                step("display geometry", data.display, path, key)
                step(f"analysis ({role})", data.analyse, path, key, sel)
                step(f"map ({role})", data.map_script, path, key, sel, shown, meeting, False)
            if which != "first" and first:  # the leadership's next clicks: each project of its view
                for project in opts.projects:
                    each = Selection.make(project=project, hamlets=hamlets, as_of=opts.default_as_of)
                    step(f"analysis {project}", data.analyse, path, key, each)
                    step(f"map {project}", data.map_script, path, key, each, shown, meeting, False)
    except Exception:  # noqa: BLE001 — warming is an optimisation: the page reports real problems itself
        LOG.exception("dashboard warm-up stopped")
    return done


def start(workspace: str, at: int | None = None) -> threading.Thread:
    """Warm the imports and the first view before the server answers (its first visitor never waits
    for them: the server is up when it can serve), then every other account's view in a daemon thread
    while it answers."""

    def report(done: list[str], t: float) -> None:
        sys.stderr.write(f"Đã chuẩn bị sẵn trang / {WARMED} {time.perf_counter() - t:.1f} s: {'; '.join(done)}\n")

    t = time.perf_counter()
    report(warm(workspace, at, "first"), t)

    def rest() -> None:
        t = time.perf_counter()
        report(warm(workspace, at, "rest"), t)

    visited()  # the server answers from now

    thread = threading.Thread(target=rest, name="dashboard-warm", daemon=True)
    thread.start()
    return thread
