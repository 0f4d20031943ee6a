"""The dashboard's server: this machine only by default, the office network only with ``--lan``.

Real servers on free ports (``python -m dashboard.serve`` as ``scripts/run.sh``
starts it, and plain ``streamlit run``), real sockets: where it listens, and
what it answers to a request whose ``Host`` is not this machine (DNS
rebinding), over HTTP and on the WebSocket ``/_stcore/stream``.
"""

from __future__ import annotations

import base64
import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "hoson"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(cmd: list[str], port: int, log: Path) -> subprocess.Popen:
    """Start a server; what it prints goes to ``log``."""
    env = {**os.environ, "STREAMLIT_SERVER_HEADLESS": "true", "PYTHONPATH": str(ROOT)}
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("the server exited:\n" + log.read_text(encoding="utf-8"))
        try:
            if _get(port, f"127.0.0.1:{port}", "/_stcore/health")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.5)
    proc.kill()
    pytest.fail("the server did not start within 120 s")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _get(port: int, host: str, path: str = "/", address: str = "127.0.0.1") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(address, port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _websocket_handshake(sock: socket.socket, host: str, origin: str) -> int:
    """The status line's code of a WebSocket handshake on ``/_stcore/stream`` over ``sock`` (101: opened)."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    sock.sendall(request.encode("latin-1"))
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(1024)
        if not chunk:
            break
        head += chunk
    return int(head.split(b" ", 2)[1])


def _websocket_status(port: int, host: str) -> int:
    """The status line's code of a WebSocket handshake on the server itself (101: opened)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        return _websocket_handshake(s, host, f"http://{host}")


def _listening(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for name, width in (("tcp", 8), ("tcp6", 32)):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def _outside_address() -> str | None:
    """An address of this machine other than loopback (none where there is no network)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # sends nothing
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


needs_sample = pytest.mark.skipif(not (SAMPLE / "hamlets.gpkg").exists(), reason="data/hoson is not there")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``python -m dashboard.serve data/hoson`` (what ``scripts/run.sh`` runs), without ``--lan``."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "server.log"
    proc = _start([sys.executable, "-m", "dashboard.serve", str(SAMPLE), "--port", str(port)], port, log)
    yield port
    _stop(proc)


@pytest.fixture(scope="module")
def served_lan(tmp_path_factory):
    """The same with ``--lan``; yields the port and the file with what the server printed."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve_lan") / "server.log"
    proc = _start([sys.executable, "-m", "dashboard.serve", str(SAMPLE), "--lan", "--port", str(port)], port, log)
    yield port, log
    _stop(proc)


@needs_sample
def test_by_default_the_server_listens_on_loopback_only(served):
    assert _listening(served) == {"127.0.0.1"}


@needs_sample
def test_by_default_the_server_cannot_be_reached_from_the_network(served):
    outside = _outside_address()
    if outside is None:
        pytest.skip("this machine has no network address")
    with pytest.raises(OSError), socket.create_connection((outside, served), timeout=5):
        pass


@needs_sample
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_this_machines_names_are_served(served, host):
    status, body = _get(served, f"{host}:{served}")
    assert status == 200 and b"<html" in body.lower()


@needs_sample
@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/_stcore/host-config", "/app/static/favicon.png"])
def test_an_unknown_host_is_refused_over_http(served, path):
    status, body = _get(served, "evil.example", path)
    assert status == 403
    assert "không được phép" in body.decode("utf-8") and "Host not allowed" in body.decode("utf-8")


@needs_sample
def test_an_unknown_host_with_a_port_is_refused_over_http(served):
    assert _get(served, f"evil.example:{served}")[0] == 403


@needs_sample
def test_an_unknown_host_cannot_open_the_websocket(served):
    assert _websocket_status(served, f"evil.example:{served}") == 403


@needs_sample
def test_this_machine_opens_the_websocket(served):
    assert _websocket_status(served, f"localhost:{served}") == 101


@needs_sample
def test_the_pages_scripts_are_sent_compressed_and_unpack_to_streamlits_own(served):
    import gzip
    import re

    import streamlit

    _, page = _get(served, f"localhost:{served}")
    (script,) = re.findall(rb'src="\.?(/static/js/index\.[^"]+\.js)"', page)
    conn = http.client.HTTPConnection("127.0.0.1", served, timeout=10)
    try:
        conn.request("GET", script.decode(), headers={"Accept-Encoding": "gzip, deflate, br"})
        answer = conn.getresponse()
        packed = answer.read()
    finally:
        conn.close()
    original = (Path(streamlit.__file__).parent / "static" / script.decode().lstrip("/")).read_bytes()
    assert answer.status == 200 and answer.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(packed) == original and len(packed) < len(original) / 2


@needs_sample
def test_lan_prints_who_can_see_what(served_lan):
    _, log = served_lan
    out = log.read_text(encoding="utf-8")
    assert "CẢNH BÁO" in out and "WARNING" in out
    assert "họ tên, mã hộ và số tiền" in out and "name, id and compensation amount" in out


@needs_sample
def test_lan_listens_on_the_network_but_still_refuses_unknown_hosts(served_lan):
    port, _ = served_lan
    assert "0.0.0.0" in _listening(port)
    assert _get(port, "evil.example")[0] == 403
    assert _websocket_status(port, "evil.example") == 403
    outside = _outside_address()
    if outside is not None:
        assert _get(port, f"{outside}:{port}", address=outside)[0] == 200


@needs_sample
def test_plain_streamlit_run_listens_on_loopback_and_refuses_unknown_hosts_on_the_websocket(tmp_path):
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    port = _free_port()
    proc = _start(
        [streamlit, "run", "dashboard/app.py", "--server.port", str(port), "--", "--workspace", str(SAMPLE)],
        port,
        tmp_path / "server.log",
    )
    try:
        assert _listening(port) == {"127.0.0.1"}
        assert _websocket_status(port, f"evil.example:{port}") == 403
        assert _websocket_status(port, f"localhost:{port}") == 101
    finally:
        _stop(proc)


@needs_sample
def test_plain_streamlit_run_refuses_unknown_hosts_over_http_once_the_app_has_run(tmp_path):
    """Started without dashboard.serve, the app installs the same check on its first run (in a real browser)."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        pytest.fail(f"{chromium} is missing: install Debian's chromium (bash scripts/setup.sh --browser)")
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    port = _free_port()
    proc = _start(
        [streamlit, "run", "dashboard/app.py", "--server.port", str(port), "--", "--workspace", str(SAMPLE)],
        port,
        tmp_path / "server.log",
    )
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_selector("text=Tiến độ giải phóng mặt bằng", timeout=180_000)
            finally:
                browser.close()
        assert _get(port, "evil.example")[0] == 403
        assert _get(port, f"localhost:{port}")[0] == 200
    finally:
        _stop(proc)


def test_at_is_passed_on_to_the_app_with_the_workspace():
    from dashboard.serve import app_arguments, arguments

    args, rest = arguments(["kho.gpkg", "--at", "3", "--port", "8600"])
    assert app_arguments(args) == ["--workspace", "kho.gpkg", "--at", "3"] and rest == []


def test_without_a_workspace_the_server_opens_the_one_geo_workspace_names(monkeypatch):
    from dashboard.serve import app_arguments, arguments

    monkeypatch.setenv("GEO_WORKSPACE", "data/hoson.gpkg")
    assert app_arguments(arguments([])[0]) == ["--workspace", "data/hoson.gpkg"]


def test_lan_with_a_store_says_it_signs_in_but_is_not_encrypted():
    from dashboard.serve import lan_warning

    store = lan_warning("data/hoson.gpkg", "may-chu", 8501)
    folder = lan_warning("data/hoson", "may-chu", 8501)
    assert "yêu cầu đăng nhập" in store and "chưa mã hoá" in store and "http://may-chu:8501" in store
    assert "KHÔNG có đăng nhập" in folder and "KHÔNG có đăng nhập" not in store
