"""Start the dashboard: on this machine only by default, on the office network only when asked.

    python -m dashboard.serve [WORKSPACE] [--at N] [--lan] [--port N] [--allowed-host NAME ...]

WORKSPACE is a folder, a ``.gpkg`` store or a ``postgresql://`` URL (default: ``$GEO_WORKSPACE``, else
``data/hoson``; ``scripts/run.sh`` sets it to the sample store ``data/hoson.gpkg``); ``--at N`` shows a
store as it was right after changeset N.

* Default: the server listens on 127.0.0.1 and answers only requests whose
  ``Host`` is ``localhost``, ``127.0.0.1`` or ``[::1]`` (with any port).
* ``--lan``: it listens on every interface and also answers this machine's
  name and addresses on the network; a warning says who can then see what.
  More names (a DNS alias) go in ``GEO_ALLOWED_HOSTS`` (comma-separated).
* ``--allowed-host NAME`` (repeatable): the server also answers ``NAME`` while
  still listening on 127.0.0.1 only: the office host name that an HTTPS proxy on
  this machine (``deploy/nginx/tien-do-gpmb.conf``) passes on as the ``Host``.

A request with any other ``Host`` (a DNS-rebinding page, ``Host: evil.example``)
is refused with 403, HTTP and WebSocket alike: Streamlit's own
``server.allowedHosts`` covers its WebSocket, and :class:`HostCheck`, put in
front of Streamlit's web application before the server starts, covers every
route. Behind it, the page's scripts and styles are sent compressed
(:mod:`dashboard.compression`). Where the app was started with plain ``streamlit run dashboard/app.py``,
the app installs the same check on its first run (:func:`ensure_host_check`).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
"""Host names a browser on this machine uses."""

LAN_WARNING = (
    "CẢNH BÁO: bảng điều khiển mở cho cả mạng nội bộ, KHÔNG có đăng nhập. Bất kỳ ai trong mạng mở được "
    "http://{name}:{port} đều xem được họ tên, mã hộ và số tiền bồi thường của từng hộ, đơn thư và báo cáo "
    "tình hình, và tải được các tệp xuất. Chỉ dùng trong mạng tin cậy của cơ quan; tắt (Ctrl+C) khi họp xong.\n"
    "WARNING: the dashboard is open to the whole local network, WITHOUT sign-in. Anyone on the network who "
    "opens http://{name}:{port} can see every household's name, id and compensation amount, the grievances "
    "and field reports, and download the exports. Use it on the office's trusted network only; stop it "
    "(Ctrl+C) after the meeting."
)

LAN_WARNING_STORE = (
    "CẢNH BÁO: bảng điều khiển mở cho cả mạng nội bộ. Kho dữ liệu yêu cầu đăng nhập, nhưng kết nối chưa mã hoá "
    "(http://{name}:{port}): mật khẩu và dữ liệu đi qua mạng ở dạng đọc được. Trong cơ quan, đặt sau một proxy HTTPS "
    "(nginx).\n"
    "WARNING: the dashboard is open to the whole local network. The store asks for sign-in, but the connection "
    "is not encrypted (http://{name}:{port}): passwords and data cross the network readable. In an office, serve it "
    "behind an HTTPS proxy (nginx)."
)

REFUSED = (
    "Địa chỉ (Host) không được phép: mở bảng điều khiển bằng http://localhost:PORT / "
    "Host not allowed: open the dashboard at http://localhost:PORT\n"
).encode()


# --------------------------------------------------------------------------- the Host check


def allowed_hosts() -> list[str]:
    """The host names the server answers: Streamlit's ``server.allowedHosts``, else this machine's only."""
    try:
        from streamlit import config

        hosts = list(config.get_option("server.allowedHosts") or [])
    except Exception:  # noqa: BLE001 — no Streamlit config: the safe default
        hosts = []
    return hosts or list(LOCAL_HOSTS)


def host_allowed(host: str | None, allowed: list[str] | None = None) -> bool:
    """Whether a request's ``Host`` header names an allowed host (the port is ignored).

    Example
    -------
    >>> host_allowed("localhost:8501", ["localhost"]), host_allowed("evil.example", ["localhost"])
    (True, False)
    >>> host_allowed("[::1]:8501", ["::1"])
    True
    """
    from urllib.parse import urlsplit

    if not host:
        return False
    try:
        parts = urlsplit(f"//{host}")
        name, _ = parts.hostname, parts.port
    except ValueError:
        return False
    if not name or parts.username or parts.password or parts.path or parts.query or parts.fragment:
        return False
    name = name.lower().rstrip(".")
    for pattern in allowed if allowed is not None else allowed_hosts():
        pattern = pattern.strip().lower().rstrip(".").strip("[]")
        if pattern == "*" or name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


class HostCheck:
    """ASGI middleware: refuse (403) any HTTP request or WebSocket whose ``Host`` is not allowed."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope.get("type") in ("http", "websocket"):
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if not host_allowed(host):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                else:
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 403,
                            "headers": [
                                (b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(REFUSED)).encode()),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": REFUSED})
                return
        await self.app(scope, receive, send)


def install_middleware() -> None:
    """Put :class:`HostCheck` first in the middleware of every Streamlit server started from now on, then
    :class:`dashboard.warm.Visits` (a page's requests hold the background warm-up back),
    :class:`dashboard.remember.KeepSignIn` (a sign-in kept across reloads) and
    :class:`dashboard.compression.StaticGzip` (the page's scripts and styles sent compressed)."""
    from starlette.middleware import Middleware
    from streamlit.web.server.starlette import starlette_app

    from dashboard.compression import StaticGzip
    from dashboard.remember import KeepSignIn
    from dashboard.warm import Visits

    if getattr(starlette_app.create_streamlit_middleware, "_host_check", False):
        return
    original = starlette_app.create_streamlit_middleware

    class CreateStreamlitMiddleware:
        _host_check = True  # what a second call finds

        def __call__(self) -> list[Middleware]:
            return [
                Middleware(HostCheck),
                Middleware(Visits),
                Middleware(KeepSignIn),
                Middleware(StaticGzip),
                *original(),
            ]

    starlette_app.create_streamlit_middleware = CreateStreamlitMiddleware()


def ensure_host_check() -> bool:
    """Wrap the running Streamlit web application in :class:`HostCheck` where it is not yet; from the app.

    For a server started with plain ``streamlit run``: the check then holds
    from the app's first run on (the WebSocket, which carries the data, is
    refused before that by ``server.allowedHosts``). Returns whether a check
    is in place.
    """
    global _ENSURED, _TRIED
    if _TRIED:
        return _ENSURED
    _TRIED = True
    try:
        from starlette.applications import Starlette
    except ImportError:
        return False
    for obj in gc.get_objects():  # once per process: the server exists before the app's first run
        if isinstance(obj, Starlette):
            if not _has_host_check(obj):
                obj.middleware_stack = HostCheck(obj.middleware_stack or obj.build_middleware_stack())
            _ENSURED = True
    return _ENSURED


_ENSURED = False
_TRIED = False


def _has_host_check(app) -> bool:
    if any(getattr(m, "cls", None) is HostCheck for m in getattr(app, "user_middleware", [])):
        return True
    layer = app.middleware_stack
    while layer is not None:
        if isinstance(layer, HostCheck):
            return True
        layer = getattr(layer, "app", None)
    return False


# --------------------------------------------------------------------------- the office network


def lan_hosts() -> list[str]:
    """This machine's names and addresses on the network, and ``GEO_ALLOWED_HOSTS``; no request is sent."""
    names = {socket.gethostname()}
    with contextlib.suppress(OSError):
        names.update(str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None))
    try:  # the address of the interface a packet would leave by (a UDP "connect" sends nothing)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            names.add(s.getsockname()[0])
    except OSError:
        pass
    names.update(h.strip() for h in os.environ.get("GEO_ALLOWED_HOSTS", "").split(",") if h.strip())
    return sorted(n for n in names if n)


def arguments(argv: list[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    """The command line: the workspace (``$GEO_WORKSPACE``, else ``data/hoson``), ``--at``, ``--lan``, ``--port``,
    ``--allowed-host``.

    Returns the parsed arguments and the rest (Streamlit's own flags, passed on to it).
    """
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.serve",
        description="Chạy bảng điều khiển (chỉ trên máy này, trừ khi có --lan) / Start the dashboard "
        "(this machine only unless --lan).",
    )
    parser.add_argument(
        "workspace",
        nargs="?",
        default=os.environ.get("GEO_WORKSPACE") or str(ROOT / "data" / "hoson"),
        help="thư mục dữ liệu, kho .gpkg hoặc postgresql://… / workspace folder, .gpkg store or "
        "postgresql://… URL (default: $GEO_WORKSPACE, else data/hoson)",
    )
    parser.add_argument(
        "--at",
        type=int,
        default=None,
        metavar="N",
        help="kho: xem như ngay sau lần thay đổi N / a store as it was right after changeset N",
    )
    parser.add_argument(
        "--lan",
        action="store_true",
        help="mở cho cả mạng nội bộ (không đăng nhập!) / serve the office network (no sign-in!)",
    )
    parser.add_argument("--port", type=int, default=None, help="cổng / port (default 8501)")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="cũng trả lời tên này (tên máy chủ của cơ quan sau proxy HTTPS), vẫn chỉ nghe trên 127.0.0.1 / "
        "also answer this host name (the office name behind an HTTPS proxy), still on 127.0.0.1 only",
    )
    return parser.parse_known_args(argv)


def app_arguments(args: argparse.Namespace) -> list[str]:
    """What the app is given after ``--``: ``--workspace`` and, where asked, ``--at``.

    Example
    -------
    >>> app_arguments(argparse.Namespace(workspace="data/hoson.gpkg", at=12))
    ['--workspace', 'data/hoson.gpkg', '--at', '12']
    """
    out = ["--workspace", args.workspace]
    if args.at is not None:
        out += ["--at", str(args.at)]
    return out


def lan_warning(workspace: str, name: str, port: int) -> str:
    """What ``--lan`` prints: a folder has no sign-in at all; a store signs in, but over plain HTTP."""
    from geo.source import is_store

    return (LAN_WARNING_STORE if is_store(workspace) else LAN_WARNING).format(name=name, port=port)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, print the warning where ``--lan``, and run Streamlit on the dashboard."""
    args, rest = arguments(argv)
    hosts = list(LOCAL_HOSTS)
    hosts += [h.strip() for h in args.allowed_host if h.strip() and h.strip() not in hosts]
    address = "127.0.0.1"
    if args.lan or os.environ.get("GEO_LAN") == "1":
        address = "0.0.0.0"
        hosts += [h for h in lan_hosts() if h not in hosts]
        name = next((h for h in hosts if h not in LOCAL_HOSTS and h.count(".") == 3), socket.gethostname())
        sys.stderr.write(lan_warning(str(args.workspace), name, args.port or 8501) + "\n")
        sys.stderr.write(f"Tên/địa chỉ được phép / allowed hosts: {', '.join(hosts)}\n")
    install_middleware()
    from streamlit.web import cli

    from dashboard import warm

    warm.start(args.workspace, args.at)  # the first visitor finds the imports and the first view done

    flags = ["--server.address", address]
    for h in hosts:
        flags += ["--server.allowedHosts", h]
    if args.port is not None:
        flags += ["--server.port", str(args.port)]
    cli.main(["run", str(APP), *flags, *rest, "--", *app_arguments(args)], prog_name="streamlit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
