"""A sign-in kept across reloads and tabs of one browser: until the browser closes, sign-out, or a working
day without a visit.

Streamlit keeps the signed-in account in the page's session, which a reload or a second tab does not
share: each asked for the password again. After a sign-in (:func:`ticket`), the page loads
``/_signin/keep?t=TICKET`` once; :class:`KeepSignIn`, in front of Streamlit, exchanges the one-time
ticket (valid :data:`TICKET_SECONDS`) for a random token in a cookie the page's scripts cannot read
(``HttpOnly``, ``SameSite=Strict``, ``Secure`` behind HTTPS, no expiry date: gone when the browser
closes). A new page of the same browser sends the cookie with its WebSocket; :func:`recall` gives the
account's name where the token is known, for the same store, seen within :data:`IDLE`, and the account
unchanged since (a new password, a new role or a disabled account ends it: :mod:`dashboard.signin`
checks). Only a hash of each token is kept, in this process's memory: a restart signs everyone out.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "tdgpmb_signin"
"""The cookie holding the token."""
PATH = "/_signin/keep"
"""The address that turns a ticket into the cookie."""
TICKET_SECONDS = 60.0
IDLE = timedelta(hours=8)
"""A working day without a visit ends a kept sign-in, as it ends a session (:data:`dashboard.signin.IDLE`
is this)."""


@dataclass
class Kept:
    """A sign-in kept for a token: the account's name, its store, the account's last change, last seen."""

    name: str
    store: str
    changed_at: datetime
    seen: datetime


_LOCK = threading.Lock()
_TICKETS: dict[str, tuple[Kept, float]] = {}
_KEPT: dict[str, Kept] = {}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def ticket(store: str, name: str, changed_at: datetime) -> str:
    """A one-time ticket for the account ``name`` of ``store`` (its last change ``changed_at``)."""
    value = secrets.token_urlsafe(32)
    with _LOCK:
        expired = [t for t, (_, until) in _TICKETS.items() if until < time.monotonic()]
        for t in expired:
            del _TICKETS[t]
        _TICKETS[value] = (Kept(name, store, changed_at, _now()), time.monotonic() + TICKET_SECONDS)
    return value


def redeem(value: str) -> str | None:
    """The token a valid ticket gives (once), or None."""
    with _LOCK:
        found = _TICKETS.pop(value, None)
        if found is None or found[1] < time.monotonic():
            return None
        token = secrets.token_urlsafe(32)
        kept = found[0]
        kept.seen = _now()
        _KEPT[_hash(token)] = kept
    return token


def recall(token: str | None, store: str, now: datetime | None = None) -> Kept | None:
    """The sign-in kept for ``token`` on ``store`` where seen within :data:`IDLE` (then seen now), else None."""
    if not token:
        return None
    now, hashed = now or _now(), _hash(token)
    with _LOCK:
        kept = _KEPT.get(hashed)
        if kept is None or kept.store != store:
            return None
        if now - kept.seen > IDLE:
            del _KEPT[hashed]
            return None
        kept.seen = now
        return kept


def forget(token: str | None) -> None:
    """End the sign-in kept for ``token`` (sign-out)."""
    if token:
        with _LOCK:
            _KEPT.pop(_hash(token), None)


def _secure(scope: Scope) -> bool:
    headers = {k.lower(): v for k, v in scope.get("headers") or []}
    forwarded = headers.get(b"x-forwarded-proto", b"").decode("latin-1").lower()
    return scope.get("scheme") == "https" or forwarded == "https"


class KeepSignIn:
    """ASGI middleware: ``GET /_signin/keep?t=TICKET`` sets the sign-in cookie (204); 404 for a bad ticket."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("path") != PATH:
            await self.app(scope, receive, send)
            return
        query = parse_qs(bytes(scope.get("query_string") or b"").decode("latin-1"))
        token = redeem((query.get("t") or [""])[0]) if scope.get("method") == "GET" else None
        headers = [(b"cache-control", b"no-store"), (b"content-length", b"0")]
        if token is not None:
            cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if _secure(scope) else "")
            headers.append((b"set-cookie", cookie.encode("latin-1")))
        await send({"type": "http.response.start", "status": 204 if token else 404, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
