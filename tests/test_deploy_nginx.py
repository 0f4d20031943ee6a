"""The office-network deployment: the shipped nginx site file, run by Debian's nginx, in front of the dashboard.

The test uses ``deploy/nginx/tien-do-gpmb.conf`` itself, not a copy written for the test: only its
example values are substituted (the office address and ports → free loopback ports, the host name →
``office.test``, the certificate paths → a throwaway office CA's files made with ``openssl``, the
dashboard's port), and Debian's own ``/etc/nginx/nginx.conf`` includes it (with its pid, logs and
temporary files moved to a temporary folder, in one foreground process). The dashboard is ``python -m
dashboard.serve STORE --allowed-host office.test`` on 127.0.0.1, as the README says, on the sample
store (sign-in on). Checked: where each listens; the certificate verifies against the office CA
only; plain HTTP is sent to HTTPS; an unknown name (a DNS-rebinding page, an IP address) gets
nothing; the security headers; the XSRF cookie is ``Secure`` and an upload without its token is
refused; the body limit; Streamlit's metrics are refused; the WebSocket opens through the proxy; and
in Debian's Chromium one signs in at https://office.test:PORT/, the map draws and a list goes up with
no content-security-policy violation.

Debian's nginx is a system package (``scripts/setup.sh --browser`` installs ``nginx-light``); where
it is missing the test fails with that advice instead of skipping.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from tests.test_browser import MAP_FRAME, PARCELS, _wait_for_parcels
from tests.test_dashboard_serve import _get, _listening, _start, _stop, _websocket_handshake

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "deploy" / "nginx" / "tien-do-gpmb.conf"
SAMPLE = ROOT / "data" / "hoson"
HOST = "office.test"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# The shipped file's example values, and what the test puts in their place (see render_site).
LAN_ADDRESS = "192.168.1.10"
OFFICE_NAME = "tiendo.hoson.internal"
CERT_DIR = "/etc/ssl/tien-do-gpmb/"
UPSTREAM = "127.0.0.1:8501"


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _openssl(command: str, cwd: Path) -> bytes:
    """``openssl`` with the words of ``command`` (no quoting needed: no word has a space)."""
    return subprocess.run(["openssl", *command.split()], cwd=cwd, check=True, capture_output=True).stdout


def make_office_ca(folder: Path, host: str) -> SimpleNamespace:
    """A throwaway office CA and a server certificate for ``host`` signed by it (``openssl``)."""
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    _openssl(
        f"req -x509 {key} -keyout ca.key -out ca.crt -days 2 -subj /CN=Office-CA-test "
        "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
        folder,
    )
    _openssl(f"req {key} -keyout {host}.key -out server.csr -subj /CN={host}", folder)
    (folder / "server.ext").write_text(
        f"subjectAltName=DNS:{host}\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(
        f"x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext "
        f"-out {host}.crt",
        folder,
    )
    # Chromium's --ignore-certificate-errors-spki-list: base64(sha256(the server's SubjectPublicKeyInfo))
    (folder / "server.pub").write_bytes(_openssl(f"x509 -in {host}.crt -pubkey -noout", folder))
    der = _openssl("pkey -pubin -in server.pub -outform der", folder)
    spki = base64.b64encode(hashlib.sha256(der).digest()).decode()
    return SimpleNamespace(folder=folder, ca=folder / "ca.crt", spki=spki)


def render_site(https_port: int, http_port: int, app_port: int, certs: Path) -> str:
    """The shipped site file with only its example values replaced; each must be there to be replaced."""
    text = SITE.read_text(encoding="utf-8")
    for value in (f"{LAN_ADDRESS}:443", f"{LAN_ADDRESS}:80", OFFICE_NAME, CERT_DIR, UPSTREAM):
        assert value in text, f"{SITE} no longer has {value!r}: update the test's substitutions"
    return (
        text.replace(f"{LAN_ADDRESS}:443", f"127.0.0.1:{https_port}")
        .replace(f"{LAN_ADDRESS}:80", f"127.0.0.1:{http_port}")
        .replace(CERT_DIR, f"{certs}/")
        .replace(OFFICE_NAME, HOST)
        .replace(UPSTREAM, f"127.0.0.1:{app_port}")
    )


DEBIAN_CONF = Path("/etc/nginx/nginx.conf")


def _nginx_conf(prefix: Path, site: Path) -> str:
    """Debian's own /etc/nginx/nginx.conf, including ``site`` instead of sites-enabled/, its files in ``prefix``.

    One process (``master_process off``, no ``user``) that writes its pid, logs and temporary files in
    ``prefix``; everything else (modules, TLS defaults, gzip, MIME types, conf.d/) is Debian's, as on
    the office server.
    """
    import re

    text = DEBIAN_CONF.read_text(encoding="utf-8")
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "".join(f"\n    {kind}_temp_path {prefix}/{kind}_temp;" for kind in kinds)
    for pattern, new in (
        (r"^\s*user\s+[^;]*;", ""),
        (r"^\s*pid\s+[^;]*;", f"pid {prefix}/nginx.pid;"),
        (r"^\s*error_log\s+[^;]*;", f"error_log {prefix}/error.log;"),
        (r"^\s*access_log\s+[^;]*;", f"    access_log {prefix}/access.log;"),
        (r"^\s*include\s+/etc/nginx/sites-enabled/[^;]*;", f"    include {site};"),
        (r"^http\s*\{", "http {" + temp),
    ):
        text, n = re.subn(pattern, new, text, count=1, flags=re.M)
        assert n == 1, f"{DEBIAN_CONF} has no line like {pattern!r}: update the test"
    return "master_process off;\n" + text


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """The sample store (sign-in on, the demo accounts), built in a temporary folder."""
    from geo.sample_history import build

    if not (SAMPLE / "hamlets.gpkg").exists():
        pytest.fail(f"the sample workspace {SAMPLE} is missing: python -m geo.sample {SAMPLE}")
    out = tmp_path_factory.mktemp("store") / "hoson.gpkg"
    build(SAMPLE, out)
    return out


@pytest.fixture(scope="module")
def deployment(store, tmp_path_factory):
    """The dashboard on the store, on 127.0.0.1 with the office name allowed, behind the shipped site file."""
    if not (os.access(NGINX, os.X_OK) and DEBIAN_CONF.exists()):
        pytest.fail(
            f"{NGINX} is missing: install Debian's nginx (bash scripts/setup.sh --browser, "
            "or apt-get install -y nginx-light). The deployment test does not skip."
        )
    tmp = tmp_path_factory.mktemp("deploy")
    certs = make_office_ca(tmp / "certs", HOST)
    app_port, https_port, http_port = _free_ports(3)
    app = _start(
        [sys.executable, "-m", "dashboard.serve", str(store), "--port", str(app_port), "--allowed-host", HOST],
        app_port,
        tmp / "server.log",
    )
    proxy = None
    try:
        prefix = tmp / "nginx"
        prefix.mkdir()
        site = prefix / "tien-do-gpmb.conf"
        site.write_text(render_site(https_port, http_port, app_port, certs.folder), encoding="utf-8")
        conf = prefix / "nginx.conf"
        conf.write_text(_nginx_conf(prefix, site), encoding="utf-8")
        command = [NGINX, "-e", str(prefix / "error.log"), "-c", str(conf)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        proxy = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            if proxy.poll() is not None:
                pytest.fail("nginx exited:\n" + (prefix / "error.log").read_text(encoding="utf-8"))
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("nginx did not listen within 30 s")
                time.sleep(0.2)
        yield SimpleNamespace(https=https_port, http=http_port, app=app_port, ca=certs.ca, spki=certs.spki)
    finally:
        if proxy is not None:
            _stop(proxy)
        _stop(app)


def _office_context(ca: Path) -> ssl.SSLContext:
    """A client that trusts the office CA only (not the system's CAs)."""
    return ssl.create_default_context(cafile=str(ca))


def _https(
    d,
    path: str = "/",
    host: str | None = None,
    sni: str = HOST,
    headers: dict[str, str] | None = None,
    method: str = "GET",
) -> http.client.HTTPResponse:
    """One request over TLS to the proxy: SNI ``sni``, ``Host`` ``host`` (default: the office name and port).

    ``headers`` are sent as given, and no body (a ``Content-Length`` announces one that never comes).
    """
    raw = socket.create_connection(("127.0.0.1", d.https), timeout=10)
    tls = _office_context(d.ca).wrap_socket(raw, server_hostname=sni)
    conn = http.client.HTTPConnection(sni, d.https, timeout=10)
    conn.sock = tls
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host or f"{HOST}:{d.https}")
    for name, value in (headers or {}).items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _handshake_status(d, origin: str) -> int:
    """The status of a WebSocket handshake on ``/_stcore/stream`` through the proxy (101: opened)."""
    raw = socket.create_connection(("127.0.0.1", d.https), timeout=10)
    with _office_context(d.ca).wrap_socket(raw, server_hostname=HOST) as s:
        return _websocket_handshake(s, f"{HOST}:{d.https}", origin)


# --------------------------------------------------------------------------- the dashboard behind it


def test_the_dashboard_behind_the_proxy_still_listens_on_loopback_only(deployment):
    assert _listening(deployment.app) == {"127.0.0.1"}


def test_the_dashboard_answers_the_allowed_office_name_and_still_refuses_others(deployment):
    assert _get(deployment.app, f"{HOST}:{deployment.app}")[0] == 200
    assert _get(deployment.app, "evil.example")[0] == 403


# --------------------------------------------------------------------------- TLS and names


def test_nginx_listens_on_the_address_in_the_site_file_only(deployment):
    assert _listening(deployment.https) == {"127.0.0.1"} and _listening(deployment.http) == {"127.0.0.1"}


def test_the_certificate_verifies_against_the_office_ca_for_the_office_name(deployment):
    raw = socket.create_connection(("127.0.0.1", deployment.https), timeout=10)
    with _office_context(deployment.ca).wrap_socket(raw, server_hostname=HOST) as tls:
        names = [value for kind, value in tls.getpeercert()["subjectAltName"] if kind == "DNS"]
    assert names == [HOST]


def test_the_certificate_does_not_verify_without_the_office_ca(deployment):
    raw = socket.create_connection(("127.0.0.1", deployment.https), timeout=10)
    with pytest.raises(ssl.SSLCertVerificationError):
        ssl.create_default_context().wrap_socket(raw, server_hostname=HOST)
    raw.close()


@pytest.mark.parametrize("sni", ["evil.example", None], ids=["another name", "an IP address (no name)"])
def test_a_tls_connection_for_another_name_is_refused(deployment, sni):
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE  # even a client that accepts any certificate gets no handshake
    raw = socket.create_connection(("127.0.0.1", deployment.https), timeout=10)
    with pytest.raises(ssl.SSLError):
        unverified.wrap_socket(raw, server_hostname=sni)
    raw.close()


def test_a_request_for_another_host_is_refused_over_https(deployment):
    assert _https(deployment, host="evil.example").status == 421


def test_plain_http_sends_the_office_name_to_https(deployment):
    conn = http.client.HTTPConnection("127.0.0.1", deployment.http, timeout=10)
    conn.request("GET", "/?project=DA-1", headers={"Host": HOST})
    response = conn.getresponse()
    conn.close()
    assert response.status == 301 and response.getheader("Location") == f"https://{HOST}/?project=DA-1"


def test_plain_http_to_another_name_gets_no_answer(deployment):
    conn = http.client.HTTPConnection("127.0.0.1", deployment.http, timeout=10)
    conn.request("GET", "/", headers={"Host": "evil.example"})
    with pytest.raises(ConnectionResetError):  # 444: nginx closes the connection without a word
        conn.getresponse()
    conn.close()


# --------------------------------------------------------------------------- what the proxy answers


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/app/static/vendor/leaflet/leaflet.js", "/no-such-page"])
def test_every_answer_carries_the_security_headers(deployment, path):
    response = _https(deployment, path)
    assert response.status in (200, 404)
    csp = response.getheader("Content-Security-Policy") or ""
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.headers.get_all("X-Content-Type-Options") == ["nosniff"]  # once: the dashboard's copy dropped
    assert response.getheader("Referrer-Policy") == "no-referrer"
    assert (response.getheader("Strict-Transport-Security") or "").startswith("max-age=31536000")


def test_the_dashboards_cookies_are_sent_over_https_only(deployment):
    cookies = _https(deployment, "/_stcore/health").headers.get_all("Set-Cookie") or []
    assert any(c.startswith("_streamlit_xsrf=") for c in cookies), "the page's health check sets its XSRF cookie"
    assert all("secure" in [part.strip().lower() for part in c.split(";")] for c in cookies), cookies


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics/", "/_stcore//metrics", "/_stcore/%6Detrics"])
def test_streamlits_metrics_are_refused_through_the_proxy(deployment, path):
    assert _get(deployment.app, f"127.0.0.1:{deployment.app}", "/_stcore/metrics")[0] == 200  # public on its port
    assert _https(deployment, path).status == 403


def test_an_upload_without_the_xsrf_token_is_refused_through_the_proxy(deployment):
    assert _https(deployment, "/_stcore/upload_file/s/f", method="PUT", headers={"Content-Length": "0"}).status == 403


def test_a_body_over_the_upload_limit_is_refused_by_the_proxy(deployment):
    too_large = str(51 * 1024 * 1024)
    response = _https(deployment, "/_stcore/upload_file/s/f", method="PUT", headers={"Content-Length": too_large})
    assert response.status == 413


def test_the_proxys_body_limit_is_the_dashboards_upload_limit():
    import re
    import tomllib

    limit = tomllib.loads((ROOT / "streamlit_config.toml").read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    assert re.findall(r"^\s*client_max_body_size (\d+)m;", SITE.read_text(encoding="utf-8"), re.M) == [str(limit)]


def test_the_websocket_opens_through_the_proxy(deployment):
    assert _handshake_status(deployment, f"https://{HOST}:{deployment.https}") == 101


def test_the_websocket_refuses_a_page_of_another_site(deployment):
    assert _handshake_status(deployment, "https://evil.example") == 403


# --------------------------------------------------------------------------- a real browser


@pytest.fixture(scope="module")
def office_browser(deployment, chromium):
    """Debian's Chromium that finds ``office.test`` at 127.0.0.1 and accepts the proxy's certificate.

    ``--host-resolver-rules`` stands for the office DNS. The certificate is accepted by its public key
    only (``--ignore-certificate-errors-spki-list``): Chromium on Linux keeps trusted CAs in an NSS
    database that needs ``certutil`` (not installed), and the flag does not reach a CA the server does
    not send. The chain and the name are verified against the office CA by Python's ``ssl`` above;
    Playwright's own certificate bypass (``ignore_https_errors``) stays off.
    """
    from playwright.sync_api import sync_playwright

    from tests.conftest import ARGS

    args = [
        *ARGS,
        f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
        f"--ignore-certificate-errors-spki-list={deployment.spki}",
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=args)
        yield browser
        browser.close()


def _is_violation(text: str) -> bool:
    return "Content Security Policy" in text or "CSP violation" in text


@contextlib.contextmanager
def _signed_in(browser, d):
    """A page at https://office.test:PORT/, signed in as the sample store's demo administrator.

    Every frame reports a violation of the content security policy to the console, collected in
    ``page.violations``; requests to any other host are aborted and recorded in ``page.blocked``
    (the network is cut off); answers from the map component are kept in ``page.component``.
    """
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="vi-VN", service_workers="block", ignore_https_errors=False
    )
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: '"
        " + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"
    )
    blocked: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlparse(url).hostname == HOST:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.blocked, page.errors, page.violations, page.component = blocked, [], [], []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda m: page.violations.append(m.text) if _is_violation(m.text) else None)
    page.on("response", lambda r: page.component.append(r) if "/component/" in r.url else None)
    try:
        response = page.goto(f"https://{HOST}:{d.https}/", wait_until="domcontentloaded")
        assert response is not None and response.status == 200
        page.get_by_label("Tên đăng nhập / User name").fill("quantri")
        page.get_by_label("Mật khẩu / Password").fill("demo-quantri")
        page.get_by_role("button", name="Đăng nhập / Sign in").click()
        _wait_for_parcels(page)
        yield page
    finally:
        context.close()


def test_signed_in_through_the_proxy_the_map_draws_in_chromium_with_no_policy_violation(deployment, office_browser):
    with _signed_in(office_browser, deployment) as page:
        page.wait_for_timeout(1500)
        frame = page.locator(MAP_FRAME).element_handle().content_frame()
        assert frame.url.startswith(f"https://{HOST}:{deployment.https}/component/")
        assert frame.locator(PARCELS).count() > 1000  # the sample's parcels, drawn
        # the map's own document may be framed by the app, and by nothing else
        document = next(r for r in page.component if r.url.split("?")[0].endswith("/index.html"))
        assert "frame-ancestors 'self'" in (document.header_value("content-security-policy") or "")
        assert document.header_value("x-frame-options") == "SAMEORIGIN"
        assert not page.violations, page.violations
        assert not page.blocked and not page.errors, (page.blocked, page.errors)


def test_a_list_goes_up_through_the_proxy_with_its_xsrf_token(deployment, office_browser, store, tmp_path):
    from geo.store import Store

    with Store.open(store) as opened:
        households = opened.layers()["households"].drop(columns=["row_key"], errors="ignore")
    households.to_csv(tmp_path / "ho.csv", index=False, encoding="utf-8")
    with _signed_in(office_browser, deployment) as page:
        page.get_by_text("Tải lên danh sách / Upload a list", exact=True).first.click()
        upload = page.locator("[data-testid='stExpander']").filter(has_text="Tải lên danh sách / Upload a list")
        with page.expect_response(lambda r: "/_stcore/upload_file/" in r.url) as sent:
            upload.locator("input[type='file']").set_input_files(str(tmp_path / "ho.csv"))
        assert sent.value.status == 204 and "x-xsrftoken" in sent.value.request.all_headers()
        upload.get_by_label("Ghi chú / Note").fill("Qua proxy")
        upload.get_by_label("Ghi chú / Note").press("Enter")
        upload.get_by_role("button", name="Xem trước thay đổi / Preview the changes").click()
        upload.get_by_text("không có gì thay đổi / The file matches the current list", exact=False).wait_for(
            timeout=60_000
        )
        assert not page.violations, page.violations
        assert not page.blocked and not page.errors, (page.blocked, page.errors)


def test_the_online_basemap_switched_on_is_allowed_by_the_policy(deployment, office_browser):
    with _signed_in(office_browser, deployment) as page:
        page.get_by_text("Nền bản đồ trực tuyến (OpenStreetMap) / Online basemap", exact=True).click()
        deadline = time.monotonic() + 60
        while not any(u.startswith("https://tile.openstreetmap.org/") for u in page.blocked):
            assert time.monotonic() < deadline, "the map never asked for a tile"
            page.wait_for_timeout(500)
        # the browser asked for the tiles (the test cuts the network off, so they are aborted here):
        # the policy let the request go; it blocked nothing
        assert not page.violations, page.violations
        assert all(u.startswith("https://tile.openstreetmap.org/") for u in page.blocked), page.blocked
