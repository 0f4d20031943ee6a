"""Other people on the same server: sessions that speak Streamlit's own protocol, without a browser.

The many-sessions figure (:mod:`benchmarks.visits`) times one person's real Chromium page while the
others change their filters too. In an office each of the others has a computer of their own to draw
their page on; on this two-core machine their pages would be drawn on the server's cores (ten
Chromium pages used 0.46 s of CPU per change, the server 0.06 s). So each of the others is a
:class:`Session`: a real Streamlit session of the server under test, on its WebSocket
(``/_stcore/stream``), asking for the same runs a browser asks for — the page's first run, then each
change of the project filter, and the store's head check every ten seconds
(:func:`dashboard.main_page.follow_store`'s fragment, asked for only between the page's runs) — and
reading every message the server sends.
Only the drawing is left out. Like a browser it tells the server which messages it already holds
(``cached_message_hashes``), so the server sends those as references, as it does to a browser.

A store asks for sign-in: a session sends the kept sign-in's cookie of a browser that has signed in
(:mod:`dashboard.remember`), as a second tab of that browser does.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

PROJECT_KEY = "f_project"
"""The project filter's widget key (:data:`dashboard.filters.KEYS`): its widget id ends with it."""
TIMEOUT_S = 120.0
"""A run not finished in this time is an error of the figure."""
SCRIPT_FINISHED = 0
"""``ScriptFinishedStatus.FINISHED_SUCCESSFULLY``: the page's whole run is over (not a fragment's)."""


class SessionError(RuntimeError):
    """The server closed the session, or the page had no project filter to change."""


class Session:
    """One Streamlit session on ``url``'s server, as a browser tab keeps it, without drawing.

    Parameters
    ----------
    url : str
        The page (``http://127.0.0.1:PORT/``).
    cookie : str
        The ``Cookie`` header a browser would send (the kept sign-in), or ``""``.
    """

    def __init__(self, url: str, cookie: str = "") -> None:
        self.origin = url.rstrip("/")
        self.cookie = cookie
        self.page = ""
        self.project: tuple[str, list[str]] | None = None  # the project filter's widget id and options
        self.held: set[str] = set()  # the hashes of the cacheable messages received
        self.exceptions: list[str] = []  # errors the page showed (an exception element)
        self.values: dict[str, str] = {}  # the widgets' values this session has set (widget id -> value)
        self._busy = False  # a run of the page asked for and not finished
        self.fragments: dict[str, float] = {}  # fragment id -> seconds between its automatic runs
        self._ws: Any = None
        self._runs: asyncio.Queue[int] = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []

    async def open(self) -> float:
        """Connect and run the page once, as a browser opening it does; the seconds it took."""
        from websockets.asyncio.client import connect
        from websockets.typing import Subprotocol

        url = "ws" + self.origin.removeprefix("http") + "/_stcore/stream"
        headers = {"Origin": self.origin, **({"Cookie": self.cookie} if self.cookie else {})}
        self._ws = await connect(
            url, subprotocols=[Subprotocol("streamlit")], additional_headers=headers, max_size=None
        )
        self._tasks.append(asyncio.create_task(self._read()))
        return await self._run(None)

    async def choose_project(self, index: int) -> float:
        """Choose the project filter's option ``index``; seconds until the page's run has finished."""
        if self.project is None:
            raise SessionError("the page has no project filter")
        widget, options = self.project
        return await self._run((widget, options[index % len(options)]))

    def project_count(self) -> int:
        return 0 if self.project is None else len(self.project[1])

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._ws is not None:
            await self._ws.close()

    async def _run(self, choice: tuple[str, str] | None, fragment: str | None = None) -> float:
        """Ask for a run: the page's (seconds until it has finished), or ``fragment``'s (sent, not awaited).

        As a browser does, every run carries the widgets' values (here: the project chosen). A
        fragment's automatic run is asked for only while no run of the page is under way: asked for
        meanwhile, the server starts it before it has sent the page's run's end, which it then reports
        as "finished early", and the change would never be seen to finish (a browser just draws what
        arrives).
        """
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if choice is not None:
            self.values[choice[0]] = choice[1]
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_script_hash = self.page
        state.cached_message_hashes.extend(sorted(self.held))
        for widget_id, value in self.values.items():
            widget = state.widget_states.widgets.add()
            widget.id, widget.string_value = widget_id, value
        if fragment is not None:
            if not self._busy:
                state.fragment_id, state.is_auto_rerun = fragment, True
                await self._ws.send(msg.SerializeToString())
            return 0.0
        self._busy = True
        try:
            while not self._runs.empty():  # a fragment's end left over
                self._runs.get_nowait()
            t = time.perf_counter()
            await self._ws.send(msg.SerializeToString())
            async with asyncio.timeout(TIMEOUT_S):  # the whole run, whatever fragments end meanwhile
                while True:
                    status = await self._runs.get()
                    if status == SCRIPT_FINISHED:
                        return time.perf_counter() - t
                    if status < 0:
                        raise SessionError("the server closed the session")
        finally:
            self._busy = False

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        try:
            async for raw in self._ws:
                fm = ForwardMsg()
                fm.ParseFromString(raw)
                if fm.metadata.cacheable and fm.hash:
                    self.held.add(fm.hash)
                kind = fm.WhichOneof("type")
                if kind == "new_session":
                    self.page = fm.new_session.page_script_hash
                elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                    self._widget(fm.delta.new_element)
                elif kind == "auto_rerun" and fm.auto_rerun.fragment_id not in self.fragments:
                    self.fragments[fm.auto_rerun.fragment_id] = fm.auto_rerun.interval
                    self._tasks.append(asyncio.create_task(self._every(fm.auto_rerun.fragment_id)))
                elif kind == "script_finished":
                    self._runs.put_nowait(int(fm.script_finished))
        finally:
            self._runs.put_nowait(-1)

    def _widget(self, element: Any) -> None:
        kind = element.WhichOneof("type")
        if kind == "selectbox" and element.selectbox.id.endswith("-" + PROJECT_KEY):
            self.project = (element.selectbox.id, list(element.selectbox.options))
        elif kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:160])

    async def _every(self, fragment: str) -> None:
        """The fragment's automatic runs, as the browser asks for them."""
        while True:
            await asyncio.sleep(self.fragments[fragment])
            await self._run(None, fragment=fragment)
