"""The page's scripts and styles sent compressed: Streamlit's own, the map component's and the map's Leaflet.

Streamlit serves its static files uncompressed (its server leaves them out of
its gzip middleware, to spare the CPU of compressing them on every request):
about 5 MB of JavaScript for a first view, which on an office network or a
commune's Wi-Fi is most of what a first visit waits for. :class:`StaticGzip`
compresses each such file once, keeps it compressed in memory (keyed by its
address and validated by its length and date), and answers every later request
from there: about a fifth of the bytes, no compression per request.

Only plain ``GET`` requests for text files (scripts, styles, pages, JSON, SVG)
under the static addresses, from a browser that accepts gzip, without a
``Range`` header and answered 200 without an encoding of their own, are
compressed; everything else (the WebSocket, uploads, downloads, media, range
requests, 304 answers) passes untouched.
"""

from __future__ import annotations

import gzip

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC_PREFIXES = ("/static/", "/component/", "/app/static/")
"""Streamlit's frontend, its components' files (the map's frame) and the app's own static files."""

COMPRESSIBLE = (
    "application/javascript",
    "text/javascript",
    "text/css",
    "text/html",
    "text/plain",
    "application/json",
    "image/svg+xml",
)
MIN_BYTES = 1024
"""Smaller files are sent as they are (the header would eat the gain)."""
LEVEL = 6
"""zlib's level: within a few per cent of the smallest, several times faster than 9."""


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _compressible(scope: Scope) -> bool:
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return False
    if not str(scope.get("path", "")).startswith(STATIC_PREFIXES):
        return False
    headers = scope.get("headers") or []
    accepted = (_header(headers, b"accept-encoding") or b"").decode("latin-1").lower()
    return "gzip" in accepted and _header(headers, b"range") is None


class StaticGzip:
    """ASGI middleware: static text files compressed once (gzip), then answered from memory.

    Attributes
    ----------
    cache : dict
        ``path -> (validator, gzip bytes)``; the validator is the uncompressed length and the
        ``Last-Modified`` / ``ETag`` the file was answered with, so a changed file is compressed again.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cache: dict[str, tuple[tuple[int, bytes | None, bytes | None], bytes]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _compressible(scope):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))
            else:  # anything else (a trailer, a push) passes as it is
                await send(message)

        await self.app(scope, receive, keep)
        if start is None:
            return
        body = b"".join(chunks)
        headers = list(start.get("headers") or [])
        kind = (_header(headers, b"content-type") or b"").decode("latin-1").split(";")[0].strip().lower()
        if (
            start.get("status") != 200
            or kind not in COMPRESSIBLE
            or len(body) < MIN_BYTES
            or _header(headers, b"content-encoding")
        ):
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        path = str(scope["path"])
        validator = (len(body), _header(headers, b"last-modified"), _header(headers, b"etag"))
        cached = self.cache.get(path)
        if cached is not None and cached[0] == validator:
            packed = cached[1]
        else:  # zlib releases the GIL: the server goes on answering while a large script is compressed
            packed = await anyio.to_thread.run_sync(lambda: gzip.compress(body, LEVEL, mtime=0))
            self.cache[path] = (validator, packed)
        # the compressed answer has its own length and no byte ranges (a range request is answered plain)
        kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"vary", b"accept-ranges")]
        vary = _header(headers, b"vary")
        kept += [
            (b"content-encoding", b"gzip"),
            (b"content-length", str(len(packed)).encode()),
            (b"vary", (vary + b", Accept-Encoding") if vary else b"Accept-Encoding"),
        ]
        await send({**start, "headers": kept})
        await send({"type": "http.response.body", "body": packed})
