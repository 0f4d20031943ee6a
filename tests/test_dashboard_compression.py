"""The page's scripts and styles sent compressed (dashboard/compression.py), on a real ASGI file server."""

from __future__ import annotations

import asyncio
import gzip
import os
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from dashboard.compression import StaticGzip

SCRIPT = ("function f(x) { return x * 2; }\n" * 400).encode()


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "app.js").write_bytes(SCRIPT)
    (tmp_path / "tiny.js").write_bytes(b"var a = 1;")
    (tmp_path / "font.woff2").write_bytes(os.urandom(4096))
    return tmp_path


class Client:
    """Requests to an ASGI application in this process (httpx unpacks gzip, as a browser does)."""

    def __init__(self, app) -> None:
        self.app = app

    def get(self, path: str, headers: dict[str, str]) -> httpx.Response:
        async def ask() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://t") as c:
                return await c.get(path, headers=headers)

        return asyncio.run(ask())


@pytest.fixture
def served(files: Path) -> tuple[Client, StaticGzip]:
    middleware = StaticGzip(Starlette(routes=[Mount("/static", StaticFiles(directory=files))]))
    return Client(middleware), middleware


def test_a_script_is_sent_compressed_and_unpacks_to_the_file_itself(served):
    client, _ = served
    answer = client.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.headers["content-encoding"] == "gzip"
    assert int(answer.headers["content-length"]) < len(SCRIPT) / 5
    assert answer.content == SCRIPT  # the client unpacks it
    assert "Accept-Encoding" in answer.headers["vary"] and "accept-ranges" not in answer.headers


def test_a_script_is_compressed_once_then_answered_from_memory(served, files):
    client, middleware = served
    client.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    (validator, packed) = middleware.cache["/static/app.js"]
    assert gzip.decompress(packed) == SCRIPT
    client.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert middleware.cache["/static/app.js"][1] is packed


def test_a_changed_file_is_compressed_again(served, files):
    client, middleware = served
    client.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    (files / "app.js").write_bytes(SCRIPT + b"// changed\n")
    answer = client.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert answer.content == SCRIPT + b"// changed\n"


def test_a_browser_that_does_not_accept_gzip_gets_the_file_plain(served):
    client, _ = served
    answer = client.get("/static/app.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in answer.headers and answer.content == SCRIPT


def test_a_range_request_is_answered_plain(served):
    client, _ = served
    answer = client.get("/static/app.js", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
    assert answer.status_code == 206 and "content-encoding" not in answer.headers
    assert answer.content == SCRIPT[:10]


@pytest.mark.parametrize("name", ["tiny.js", "font.woff2"])
def test_small_files_and_fonts_are_sent_as_they_are(served, files, name):
    client, _ = served
    answer = client.get(f"/static/{name}", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in answer.headers and answer.content == (files / name).read_bytes()


def test_an_address_outside_the_static_files_is_not_touched(files):
    app = StaticGzip(Starlette(routes=[Mount("/downloads", StaticFiles(directory=files))]))
    answer = Client(app).get("/downloads/app.js", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in answer.headers and answer.content == SCRIPT
