"""A sign-in kept across reloads (dashboard/remember.py): tickets, tokens and the cookie, on a real ASGI app."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from dashboard import remember

CHANGED = datetime(2026, 11, 20, tzinfo=UTC)


def _app() -> remember.KeepSignIn:
    return remember.KeepSignIn(Starlette(routes=[Route("/", lambda request: PlainTextResponse("page"))]))


def _get(path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get(path, headers=headers or {})

    return asyncio.run(ask())


def _cookie(response: httpx.Response) -> str:
    (cookie,) = response.headers.get_list("set-cookie")
    return cookie


def test_a_ticket_gives_the_browser_a_cookie_its_scripts_cannot_read():
    answer = _get(f"{remember.PATH}?t={remember.ticket('store.gpkg', 'lanhdao', CHANGED)}")
    assert answer.status_code == 204 and answer.headers["cache-control"] == "no-store"
    cookie = _cookie(answer)
    assert cookie.startswith(f"{remember.COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/" in cookie and "Expires" not in cookie and "Max-Age" not in cookie  # gone with the browser
    assert "Secure" not in cookie  # plain HTTP on this machine


def test_behind_https_the_cookie_is_sent_over_https_only():
    value = remember.ticket("store.gpkg", "lanhdao", CHANGED)
    answer = _get(f"{remember.PATH}?t={value}", {"X-Forwarded-Proto": "https"})
    assert "; Secure" in _cookie(answer)


def test_a_ticket_is_used_once():
    value = remember.ticket("store.gpkg", "lanhdao", CHANGED)
    assert _get(f"{remember.PATH}?t={value}").status_code == 204
    again = _get(f"{remember.PATH}?t={value}")
    assert again.status_code == 404 and "set-cookie" not in again.headers


def test_an_unknown_or_late_ticket_gives_no_cookie(monkeypatch):
    assert _get(f"{remember.PATH}?t=made-up").status_code == 404
    monkeypatch.setattr(remember, "TICKET_SECONDS", -1.0)
    value = remember.ticket("store.gpkg", "lanhdao", CHANGED)
    assert _get(f"{remember.PATH}?t={value}").status_code == 404


def test_every_other_address_passes_to_the_app():
    answer = _get("/")
    assert answer.text == "page" and "set-cookie" not in answer.headers


@pytest.fixture
def token() -> str:
    value = remember.redeem(remember.ticket("store.gpkg", "lanhdao", CHANGED))
    assert value is not None
    return value


def test_the_token_gives_back_the_account_on_its_store_only(token):
    kept = remember.recall(token, "store.gpkg")
    assert kept is not None and (kept.name, kept.changed_at) == ("lanhdao", CHANGED)
    assert remember.recall(token, "other.gpkg") is None
    assert remember.recall("made-up", "store.gpkg") is None and remember.recall(None, "store.gpkg") is None


def test_a_working_day_without_a_visit_ends_it(token):
    later = datetime.now(UTC) + remember.IDLE + timedelta(minutes=1)
    assert remember.recall(token, "store.gpkg", later) is None
    assert remember.recall(token, "store.gpkg") is None  # ended, not only refused once


def test_each_visit_moves_its_day_on(token):
    step = remember.IDLE - timedelta(hours=1)
    now = datetime.now(UTC)
    assert remember.recall(token, "store.gpkg", now + step) is not None
    assert remember.recall(token, "store.gpkg", now + 2 * step) is not None


def test_sign_out_forgets_it(token):
    remember.forget(token)
    assert remember.recall(token, "store.gpkg") is None


def test_only_a_hash_of_the_token_is_kept(token):
    assert token not in remember._KEPT and all(len(k) == 64 for k in remember._KEPT)
