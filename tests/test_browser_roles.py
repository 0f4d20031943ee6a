"""Each role's view of the sample store in a real browser (issue 16, point 6).

Builds the sample store (``geo.sample_history``: its demo accounts, plus a few accounts of this
module's own), starts ``python -m dashboard.serve STORE`` once on a free loopback port, and drives
Debian's Chromium with the network cut off, one browser context (one session) per test. What a page
holds is read from everything the browser got: the page's text (every tab clicked), the map's
iframe with its scripts, the tooltips of hovered parcels and the popups of clicked ones, every
WebSocket frame the page received (Streamlit sends every element, table and map through it), and
the files the sidebar's buttons download.

Before sign-in the page holds the product's and the commune's name and nothing of the data; five
wrong passwords lock an account for 15 minutes, in words; leadership sees no household name or id;
an officer lands on its hamlet and never sees another hamlet's household names, not even with the
filter widened to the whole commune; the meeting-room screen stays in meeting mode whatever the URL
says; sign-ins, failed sign-ins and downloads leave their audit rows; the store's server listens on
127.0.0.1 only.

The map image (PNG) is not read for text (it has none to read). The map PDF is read with
``pdftotext`` (poppler-utils, installed by the test command: its text is drawn as glyphs that only a
PDF text extractor gives back).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import socket
import subprocess
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.dashboard_support import sample_store_in, serving
from tests.test_browser import (
    MAP_FRAME,
    MAP_SCRIPTS,
    PARCELS,
    _guarded_page,
    _idle,
    _wait_for_parcels,
    _wait_until_still,
)
from tests.test_dashboard_serve import _listening, _outside_address

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]

LOCKED = ("khoathu", "mat-khau-khoa-thu")
"""An account only the lockout test signs in to (leadership)."""
AUDITED = {
    "failed": ("ghisai", "mat-khau-ghi-sai"),
    "sign_in": ("ghivao", "mat-khau-ghi-vao"),
    "download": ("taive", "mat-khau-tai-ve"),
}
"""One clerk account per audit test, so each test reads only its own rows."""
KEPT = {
    "reload": ("giulai", "mat-khau-giu-lai"),
    "password": ("doimatkhau", "mat-khau-doi-mat-khau"),
}
"""One clerk account per test of the sign-in kept across reloads."""

PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"  # a missing one fails the test, naming the program
SIDEBAR_FILES = [
    "Báo cáo tuần (Word)",
    "Báo cáo tháng (Word)",
    "Bảng tổng hợp (Excel)",
    "Bản đồ tương tác (HTML",
    "Bản đồ (PDF, A4)",
]
"""The sidebar's downloads read for text (the PNG has no text to read)."""
TAB_FILES = ["Tải bảng (CSV", "CSV cột chuẩn"]
"""The per-hamlet table tab's downloads."""
PLACEHOLDERS = {
    p for f in (ROOT / "dashboard").glob("*.py") for p in re.findall(r'placeholder="([^"]+)"', f.read_text("utf-8"))
}
"""The fixed examples of the page's text inputs (the history's "DT-0001" is also an id of the sample)."""
TABS = ["Tổng hợp theo thôn", "Tiến độ theo dự án", "Đơn thư", "Trang thôn"]


# --------------------------------------------------------------------------- the store and its server


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    from geo.store import Store
    from geo.store.accounts import add_user

    out = sample_store_in(tmp_path_factory.mktemp("roles"))
    with Store.open(out) as store:
        add_user(store, *LOCKED, "leadership", by="test")
        for name, password in [*AUDITED.values(), *KEPT.values()]:
            add_user(store, name, password, "clerk", by="test")
    return out


@pytest.fixture(scope="module")
def store_url(sample_store, tmp_path_factory):
    """``python -m dashboard.serve STORE`` (what ``scripts/run.sh`` runs), no ``--lan``, on a free port."""
    with serving(sample_store, tmp_path_factory.mktemp("serve_roles")) as url:
        yield url


@dataclass(frozen=True)
class Sample:
    """What the sample store holds that a page must not show to the wrong eyes."""

    commune: str
    hamlet_names: dict[str, str]  # id → name
    projects: list[str]  # ids and names
    all_household_ids: list[str]
    names_by_hamlet: dict[str, set[str]]  # hamlet id → names of the households with a row there
    amounts: list[str]  # each household's compensation, as a page would print it and raw
    staff: set[str]  # the hamlets' officers and party cells, the field reports' reporters: shown by design

    @property
    def household_names(self) -> list[str]:
        """Every household's name, less those that are also a staff member's (the sample draws both from
        one list of names: a reporter may share a household head's name)."""
        return sorted(n for n in set().union(*self.names_by_hamlet.values()) if not self._staff(n))

    @property
    def every_name(self) -> list[str]:
        """Every household's and staff member's name."""
        return sorted(set().union(*self.names_by_hamlet.values(), self.staff))

    def _staff(self, name: str) -> bool:
        return any(name in s for s in self.staff)

    def names_outside(self, hamlets: Iterable[str]) -> list[str]:
        """Names of households with no row in ``hamlets`` (less any name also written inside an own name
        or a staff member's)."""
        own = set().union(*(self.names_by_hamlet[h] for h in hamlets))
        other = set().union(*(v for h, v in self.names_by_hamlet.items() if h not in set(hamlets)))
        return sorted(n for n in other if not any(n in o for o in own) and not self._staff(n))

    @property
    def household_ids(self) -> list[str]:
        """Every household's id, less the fixed examples the page's inputs show as placeholders."""
        return [i for i in self.all_household_ids if i not in PLACEHOLDERS]


@pytest.fixture(scope="module")
def sample(sample_store) -> Sample:
    from geo.formatting import fmt_number
    from geo.store import Store
    from geo.store.upload import store_config

    with Store.open(sample_store) as store:
        layers = store.layers()
        commune = store_config(store).name
    hamlets = layers["hamlets"]
    hh = layers["households"].merge(layers["parcels"][["parcel_id", "hamlet_id"]], on="parcel_id", how="left")
    hh = hh.dropna(subset=["household_name", "hamlet_id"])
    # a household with a row in a hamlet counts as that hamlet's (an officer follows it in all its rows)
    of_household = hh.groupby("household_id")["hamlet_id"].agg(set)
    names: dict[str, set[str]] = {str(h): set() for h in hamlets["hamlet_id"]}
    for hid, name in hh[["household_id", "household_name"]].drop_duplicates().itertuples(index=False):
        for hamlet in of_household[hid]:
            names[str(hamlet)].add(str(name).strip())
    amounts = layers["households"]["compensation_vnd"].dropna().astype(int)
    staff = {
        *hamlets["officer"].dropna(),
        *hamlets["party_cell"].dropna(),
        *layers["field_reports"]["reporter"].dropna(),
    }
    return Sample(
        commune=commune,
        hamlet_names=dict(zip(hamlets["hamlet_id"].astype(str), hamlets["hamlet_name"].astype(str))),
        projects=[str(v) for v in (*layers["projects"]["project_id"], *layers["projects"]["project_name"])],
        all_household_ids=sorted(str(h) for h in layers["households"]["household_id"].dropna().unique()),
        names_by_hamlet=names,
        amounts=sorted({fmt_number(a) for a in amounts} | {str(a) for a in amounts}),
        staff={str(n).strip() for n in staff},
    )


# --------------------------------------------------------------------------- the browser side


class Session:
    """A guarded page (no request leaves the machine) that keeps every WebSocket frame it receives."""

    def __init__(self, browser, width: int = 1366, height: int = 900) -> None:
        self.context, self.page = _guarded_page(browser, width, height)
        self.frames: list[bytes] = []
        self.page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framereceived", lambda f: self.frames.append(f if isinstance(f, bytes) else f.encode("utf-8")))

    def received(self) -> bytes:
        """Every frame received so far, one blob (strings are UTF-8 inside Streamlit's protobuf and Arrow)."""
        return b"".join(self.frames)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser):
    s = Session(browser)
    yield s
    s.close()


def _sign_in_form(pg, name: str, password: str) -> None:
    pg.get_by_label("Tên đăng nhập / User name").fill(name)
    pg.get_by_label("Mật khẩu / Password").fill(password)
    pg.get_by_role("button", name="Đăng nhập / Sign in").click()


def _sign_in(pg, url: str, name: str, password: str | None = None) -> None:
    """Open ``url``, sign in through the form, and wait until the map has drawn its parcels."""
    pg.goto(url, wait_until="domcontentloaded")
    _sign_in_form(pg, name, password or f"demo-{name}")
    _wait_for_parcels(pg)


def _choose(pg, select, option: str, tries: int = 3) -> None:
    """Open the select box ``select`` and choose ``option``. A run of the page (or of a fragment, such as
    the map's after a click, or the page's 10-second check of the store) arriving while the list is
    open closes it: open it again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        _idle(pg)
        select.click()
        try:
            pg.get_by_role("option", name=re.compile(re.escape(option))).click(timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            pg.keyboard.press("Escape")


def _texts(pg) -> str:
    """The page as the browser holds it: the HTML (hidden tabs too), the visible text, and every iframe's
    HTML, text and scripts (the map's data as the component received it)."""
    parts = [pg.content(), pg.locator("body").inner_text()]
    for frame in pg.frames:
        if frame is pg.main_frame or frame.is_detached():
            continue
        parts.append(frame.content())
        parts.append(frame.evaluate("() => document.body ? document.body.innerText : ''"))
        parts.append(frame.evaluate(MAP_SCRIPTS))
    return "\n".join(parts)


def _tab_texts(pg) -> str:
    """Click every tab in turn; the visible text of each."""
    seen = []
    for tab in TABS:
        pg.get_by_role("tab", name=re.compile(re.escape(tab))).click()
        # the live tab, not a handle taken after the click: the click reruns the page, which may draw the
        # tabs anew, and a handle to the old button never turns selected (failed once in CI, 29/11/2026)
        pg.get_by_role("tab", name=re.compile(re.escape(tab)), selected=True).wait_for(timeout=60_000)
        _idle(pg)  # only the open tab's content is computed: the run draws it
        panel = pg.locator("[role='tabpanel']:visible")
        seen.append(panel.first.inner_text())
    return "\n".join(seen)


def _forms(needle: str) -> set[str]:
    """How a string may be written in a page, a frame or a file: as is, decomposed, JSON-escaped, HTML-escaped."""
    return {
        needle,
        unicodedata.normalize("NFC", needle),
        unicodedata.normalize("NFD", needle),
        json.dumps(needle)[1:-1],
        html.escape(needle),
    }


def _found(needles: Iterable[str], text: str = "", blob: bytes = b"") -> list[str]:
    """The needles written anywhere in ``text`` or in the raw bytes ``blob`` (also decoded, ignoring errors)."""
    decoded = blob.decode("utf-8", errors="ignore")
    hits = []
    for needle in needles:
        forms = _forms(needle)
        if any(f in text or f in decoded or f.encode("utf-8") in blob for f in forms):
            hits.append(needle)
    return hits


# tooltips and popups: affected parcels (filled in a stage colour) whose centre is on top
_PARCEL_POINTS_JS = """(colours) => [...document.querySelectorAll('path.leaflet-interactive')]
    .filter(p => colours.includes(p.getAttribute('fill'))).map(p => {
        const r = p.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
        return x > 0 && y > 0 && x < innerWidth && y < innerHeight && document.elementFromPoint(x, y) === p
            ? [x, y] : null; })
    .filter(Boolean)"""

_TIP_TEXT_JS = """() => { const t = document.querySelector('.geo-tip');
    return t && t.style.display !== 'none' ? t.innerText : null; }"""

_HIDE_TIP_JS = """() => { const t = document.querySelector('.geo-tip'); if (t) { t.style.display = 'none'; } }"""

_HAS_POPUP_JS = """([x, y]) => {
    const el = document.elementFromPoint(x, y);
    const map = Object.keys(window).map(k => window[k]).find(v => v instanceof L.Map);
    let bound = false;
    map.eachLayer(l => { if (l._path === el && l.getPopup && l.getPopup()) { bound = true; } });
    return bound;
}"""

_CLOSE_POPUP_JS = """() => Object.keys(window).map(k => window[k]).filter(v => v instanceof L.Map)
    .forEach(m => m.closePopup())"""

_OPEN_POPUP_JS = """() => { const m = Object.keys(window).map(k => window[k]).find(v => v instanceof L.Map);
    const p = m && m._popup; return p && p.isOpen() && p._contentNode ? p._contentNode.innerText : null; }"""


def _map_points(pg):
    """The map's frame, and the points (in the window) of affected parcels whose centre is on top."""
    from geo.maps import STAGE_COLOURS

    handle = pg.locator(MAP_FRAME).element_handle()
    inner, origin, view = handle.content_frame(), handle.bounding_box(), pg.viewport_size
    points = [
        (origin["x"] + x, origin["y"] + y) for x, y in inner.evaluate(_PARCEL_POINTS_JS, list(STAGE_COLOURS.values()))
    ]
    return inner, [(x, y) for x, y in points if 0 < x < view["width"] and 0 < y < view["height"]]


def _map_texts(pg, hovers: int = 12, clicks: int = 4) -> str:
    """Hover affected parcels spread over the map (their tooltips) and click some (their popups, or
    whatever a click shows under the map); the text of each."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    pg.locator(MAP_FRAME).scroll_into_view_if_needed()  # the tabs below may have scrolled the page
    _wait_until_still(pg, pg.frame_locator(MAP_FRAME).locator(PARCELS).first)
    texts: list[str] = []
    tips = 0
    for k in range(hovers):
        for _ in range(3):  # the map may still settle (it measures the window again): the points afresh
            inner, points = _map_points(pg)
            assert points, "no affected parcel to hover on the map"
            inner.evaluate(_HIDE_TIP_JS)
            pg.mouse.move(*points[k * len(points) // hovers])
            try:
                texts.append(inner.wait_for_function(_TIP_TEXT_JS, timeout=3_000).json_value())
            except PlaywrightTimeout:
                continue
            tips += 1
            break
    assert tips >= hovers // 2, f"{tips} tooltips shown for {hovers} parcels hovered"
    for k in range(clicks):
        inner, points = _map_points(pg)
        point = points[k * len(points) // clicks]
        origin = pg.locator(MAP_FRAME).bounding_box()
        bound = inner.evaluate(_HAS_POPUP_JS, [point[0] - origin["x"], point[1] - origin["y"]])
        inner.evaluate(_CLOSE_POPUP_JS)  # the next popup's text, not the last one's
        pg.mouse.click(*point)
        if bound:  # its popup; else (personal details on demand) what the click brings is in the page and frames
            texts.append(inner.wait_for_function(_OPEN_POPUP_JS, timeout=10_000).json_value())
        _idle(pg)
        texts.append(pg.locator("body").inner_text())
    return "\n".join(t for t in texts if t)


def _file_text(path: Path) -> str:
    """The text of a downloaded file: a Word or Excel file through python-docx / openpyxl and every XML
    part of it, a PDF through pdftotext, anything else as UTF-8."""
    suffix = path.suffix.lower()
    parts: list[str] = []
    if suffix == ".docx":
        import docx

        document = docx.Document(path)
        parts += [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        for section in document.sections:
            parts += [p.text for p in (*section.header.paragraphs, *section.footer.paragraphs)]
    elif suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        try:
            for sheet in book.worksheets:
                parts.append(sheet.title)
                parts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        finally:
            book.close()
    elif suffix == ".pdf":
        assert PDFTOTEXT
        out = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
        parts.append(out.stdout.decode("utf-8", errors="ignore"))
    else:
        parts.append(path.read_bytes().decode("utf-8", errors="ignore"))
    if suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            parts += [z.read(n).decode("utf-8", errors="ignore") for n in z.namelist() if n.endswith((".xml", ".rels"))]
    return "\n".join(parts)


def _download(pg, where, label: str, folder: Path) -> Path:
    """Click the download button ``label`` in ``where``; the saved file."""
    with pg.expect_download(timeout=180_000) as info:
        where.get_by_text(label, exact=False).first.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def _sidebar(pg):
    return pg.locator("[data-testid='stSidebar']")


def _downloads(pg, folder: Path) -> dict[str, str]:
    """Every readable download of the page: the sidebar's, and the per-hamlet table tab's; name → text."""
    files = [_download(pg, _sidebar(pg), label, folder) for label in SIDEBAR_FILES]
    pg.get_by_role("tab", name=re.compile(TABS[0])).click()
    panel = pg.locator("[role='tabpanel']:visible").first
    files += [_download(pg, panel, label, folder) for label in TAB_FILES]
    return {f.name: _file_text(f) for f in files}


def _leaks(needles: list[str], texts: dict[str, str], blob: bytes) -> dict[str, list[str]]:
    """Where each leaked needle was found: per page part or file, and in the WebSocket frames."""
    out = {where: _found(needles, text)[:5] for where, text in texts.items()}
    out["websocket frames"] = _found(needles, blob=blob)[:5]
    return {k: v for k, v in out.items() if v}


def _wait_until(check: Callable[[], bool], timeout_s: float = 30.0, what: str = "") -> None:
    """Poll ``check`` until it holds (the server writes the store as the browser goes on)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s} s: {what}")
        time.sleep(0.2)


def _audit(store: Path, user: str):
    from geo.store import Store
    from geo.store.audit import read_audit

    with Store.open(store) as s:
        return read_audit(s, user=user)


# --------------------------------------------------------------------------- before sign-in


def test_before_sign_in_the_page_holds_the_product_and_commune_names_and_nothing_of_the_data(
    session, store_url, sample
):
    from dashboard.signin import PRODUCT

    pg = session.page
    pg.goto(store_url, wait_until="domcontentloaded")
    pg.get_by_role("button", name="Đăng nhập / Sign in").wait_for(timeout=60_000)
    pg.get_by_text(sample.commune, exact=True).wait_for()
    _idle(pg)
    text = _texts(pg)
    shown = pg.locator("body").inner_text()
    assert all(part in shown for part in PRODUCT.split(" / ")), shown
    assert pg.locator(MAP_FRAME).count() == 0
    secrets = [
        *sample.hamlet_names.values(),
        *sample.every_name,
        *sample.all_household_ids,
        *sample.projects,
        *sample.amounts,
    ]
    leaks = _leaks(secrets, {"page": text}, session.received())
    assert not leaks, leaks
    assert _found([PRODUCT.split(" / ")[0]], blob=session.received()), "the frames are read: the product is in them"
    assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)


# --------------------------------------------------------------------------- the lockout


def test_five_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused_in_words(
    session, store_url, sample_store
):
    from geo.store import Store
    from geo.store.accounts import LOCK_MINUTES, MAX_ATTEMPTS, WRONG, get_user, locked_message

    name, password = LOCKED
    pg = session.page
    pg.goto(store_url, wait_until="domcontentloaded")

    def failed() -> int:
        return sum(e.action == "sign_in_failed" for e in _audit(sample_store, name))

    for attempt in range(1, MAX_ATTEMPTS + 1):
        _sign_in_form(pg, name, f"sai-mat-khau-{attempt}")
        _wait_until(lambda n=attempt: failed() == n, what=f"failed sign-in {attempt} recorded")
        if attempt < MAX_ATTEMPTS:
            pg.get_by_text(WRONG).wait_for()
    _sign_in_form(pg, name, password)
    _wait_until(lambda: failed() == MAX_ATTEMPTS + 1, what="the right password's attempt recorded")
    with Store.open(sample_store) as store:
        until = get_user(store, name).locked_until
    assert until is not None
    message = pg.get_by_role("alert").filter(has_text="Tài khoản tạm khóa")
    message.wait_for()
    shown = " ".join(message.inner_text().split())
    assert shown.endswith(" ".join(locked_message(until).split())), shown
    assert f"tạm khóa {LOCK_MINUTES} phút" in shown and f"locked for {LOCK_MINUTES} minutes" in shown
    assert pg.get_by_label("Mật khẩu / Password").count() == 1  # still the sign-in page
    assert pg.locator(MAP_FRAME).count() == 0 and pg.get_by_text("Đăng xuất / Sign out").count() == 0


# --------------------------------------------------------------------------- each role's view


def test_leadership_sees_no_household_name_or_id_in_any_tab_tooltip_popup_frame_or_download(
    session, store_url, sample, tmp_path
):
    pg = session.page
    _sign_in(pg, store_url, "lanhdao")
    texts = {"tabs": _tab_texts(pg), "map": _map_texts(pg)}
    texts.update(_downloads(pg, tmp_path))
    _idle(pg)
    texts["page"] = _texts(pg)
    needles = sample.household_names + sample.household_ids
    leaks = _leaks(needles, texts, session.received())
    assert not leaks, leaks
    # the checks can fail: the hamlets' names are in the frames, the files and the map's tooltips
    assert _found(sample.hamlet_names.values(), blob=session.received())
    assert _found(sample.hamlet_names.values(), texts["map"])
    assert len(texts) == 3 + len(SIDEBAR_FILES) + len(TAB_FILES)
    assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)


def test_an_officer_lands_on_its_hamlet(session, store_url, sample):
    pg = session.page
    _sign_in(pg, store_url, "canbo1")
    hamlet_filter = _sidebar(pg).locator("[data-testid='stMultiSelect']").filter(has_text="Thôn / Hamlet")
    chosen = hamlet_filter.locator("[data-tag]")  # the chips of the chosen hamlets
    assert [" ".join(t.split()) for t in chosen.all_inner_texts()] == [sample.hamlet_names["HS01"]]


def test_an_officer_sees_no_other_hamlets_household_names_in_any_tab_tooltip_popup_frame_or_download(
    session, store_url, sample, tmp_path
):
    pg = session.page
    _sign_in(pg, store_url, "canbo1")
    texts = {"tabs": _tab_texts(pg), "map": _map_texts(pg)}
    texts.update(_downloads(pg, tmp_path))
    _idle(pg)
    texts["page"] = _texts(pg)
    others = sample.names_outside(["HS01"])
    assert len(others) > 100
    leaks = _leaks(others, texts, session.received())
    assert not leaks, leaks
    # the check can fail: the officer's own households are named in what it received
    assert _found(sorted(sample.names_by_hamlet["HS01"]), blob=session.received())
    assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)


def test_an_officer_who_widens_the_filter_to_the_whole_commune_still_sees_no_other_hamlets_names(
    session, store_url, sample
):
    pg = session.page
    _sign_in(pg, store_url, "canbo1")
    hamlet_filter = _sidebar(pg).locator("[data-testid='stMultiSelect']").filter(has_text="Thôn / Hamlet")
    legend = pg.frame_locator(MAP_FRAME).locator(".map-legend").inner_text()
    hamlet_filter.get_by_role("button", name=f"Remove {sample.hamlet_names['HS01']}").click()  # the chip's ×
    hamlet_filter.locator("[data-tag]").first.wait_for(state="detached")
    pg.wait_for_function(
        "([sel, old]) => { const f = document.querySelector(sel); const lg = f && f.contentDocument"
        " && f.contentDocument.querySelector('.map-legend'); return !!lg && lg.innerText !== old; }",
        arg=[MAP_FRAME, legend],
        timeout=120_000,
    )
    _wait_for_parcels(pg)
    texts = {"map": _map_texts(pg, hovers=20, clicks=8)}
    # the hamlet page of another hamlet, its households' list opened where there is one
    pg.get_by_role("tab", name=re.compile(TABS[3])).click()
    panel = pg.locator("[role='tabpanel']:visible").first
    chooser = pg.locator(".st-key-hamlet_page [data-testid='stSelectbox']")
    chooser.wait_for(timeout=60_000)  # the tab's click reruns the page: its hamlet page drawn, the run over
    _choose(pg, chooser, sample.hamlet_names["HS02"])
    panel.get_by_role("heading", name=re.compile(re.escape(sample.hamlet_names["HS02"]))).wait_for(timeout=60_000)
    _idle(pg)
    if panel.get_by_role("switch", name="Hiện danh sách hộ / Show households").count():  # the list on demand
        panel.get_by_text("Hiện danh sách hộ / Show households", exact=True).click()  # its label: the input is hidden
    households = panel.locator("[data-testid='stExpander']").filter(has_text=re.compile(r"Danh sách hộ \(\d+ hộ\)"))
    households.wait_for(timeout=60_000)  # the other hamlet's households, listed for an officer
    _idle(pg)
    if not households.evaluate("e => { const d = e.querySelector('details'); return !d || d.open; }"):
        households.locator("summary").click()
    texts["hamlet page"] = panel.inner_text()
    texts["tabs"] = _tab_texts(pg)
    texts["page"] = _texts(pg)
    leaks = _leaks(sample.names_outside(["HS01"]), texts, session.received())
    assert not leaks, leaks
    assert sample.hamlet_names["HS02"] in texts["hamlet page"]
    assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)


def test_an_officers_downloads_with_personal_data_name_no_other_hamlets_household_even_for_the_whole_commune(
    session, store_url, sample, tmp_path
):
    """With "Kèm thông tin cá nhân / Include personal data" on, an officer's Word reports and interactive map
    name its own hamlet's households, and no other hamlet's, even with the filter widened to the commune."""
    pg = session.page
    _sign_in(pg, store_url, "canbo1")
    hamlet_filter = _sidebar(pg).locator("[data-testid='stMultiSelect']").filter(has_text="Thôn / Hamlet")
    hamlet_filter.get_by_role("button", name=f"Remove {sample.hamlet_names['HS01']}").click()
    hamlet_filter.locator("[data-tag]").first.wait_for(state="detached")
    _idle(pg)
    _sidebar(pg).get_by_text("Kèm thông tin cá nhân", exact=False).first.click()  # the switch's label
    _sidebar(pg).get_by_text("giữ kín, không chuyển tiếp", exact=False).wait_for(timeout=60_000)
    _idle(pg)
    files = [_download(pg, _sidebar(pg), label, tmp_path) for label in SIDEBAR_FILES]
    assert not [f.name for f in files if "hs01" in f.name.lower()]  # the whole commune's files
    texts = {f.name: _file_text(f) for f in files}
    leaks = _leaks(sample.names_outside(["HS01"]), texts, b"")
    assert not leaks, leaks
    # the check can fail: the files carry the officer's own households' names
    assert _found(sorted(sample.names_by_hamlet["HS01"]), "\n".join(texts.values()))
    assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)


def test_the_meeting_room_screen_stays_in_meeting_mode_with_meeting_0_in_the_url_and_names_no_household(
    session, store_url, sample
):
    pg = session.page
    _sign_in(pg, f"{store_url}/?meeting=0", "phonghop")
    pg.wait_for_function(
        "(sel) => { const f = document.querySelector(sel);"
        " return !!(f && f.contentDocument && f.contentDocument.querySelector('.leaflet-container.meeting')); }",
        arg=MAP_FRAME,
        timeout=60_000,
    )
    _idle(pg)
    switch = pg.get_by_role("switch", name="Chế độ họp")
    assert switch.is_checked() and switch.is_disabled()
    assert pg.get_by_role("tab").count() == 0  # meeting mode: no tabs, no household pages
    assert "Chế độ họp: bộ lọc ẩn" in pg.locator("body").inner_text()
    texts = {"map": _map_texts(pg, clicks=0), "page": _texts(pg)}
    leaks = _leaks(sample.household_names + sample.household_ids, texts, session.received())
    assert not leaks, leaks
    assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)


# --------------------------------------------------------------------------- the audit


def test_a_failed_sign_in_leaves_a_refused_audit_row(session, store_url, sample_store):
    from geo.store.accounts import WRONG

    name, _ = AUDITED["failed"]
    pg = session.page
    pg.goto(store_url, wait_until="domcontentloaded")
    _sign_in_form(pg, name, "khong-phai-mat-khau")
    pg.get_by_text(WRONG).wait_for()
    _wait_until(lambda: len(_audit(sample_store, name)) > 0, what="the failed sign-in recorded")
    rows = [(e.action, e.outcome, e.user) for e in _audit(sample_store, name)]
    assert rows == [("sign_in_failed", "refused", name)]


def test_a_sign_in_leaves_an_audit_row(session, store_url, sample_store):
    name, password = AUDITED["sign_in"]
    pg = session.page
    pg.goto(store_url, wait_until="domcontentloaded")
    _sign_in_form(pg, name, password)
    pg.get_by_text("Đăng xuất / Sign out").wait_for(timeout=60_000)
    rows = [(e.action, e.outcome, e.user) for e in _audit(sample_store, name)]
    assert rows == [("sign_in", "done", name)]


def test_each_download_leaves_an_audit_row_with_its_file_name_format_and_sha256(
    session, store_url, sample_store, tmp_path
):
    """The contract of the dashboard's download audit: one row per download, action ``download``, ``what``
    naming the file, ``format`` its extension, ``personal`` false (a clerk's default files), the sha256 of
    the bytes the browser got, outcome ``done``."""
    name, password = AUDITED["download"]
    pg = session.page
    _sign_in(pg, store_url, name, password)
    files = [_download(pg, _sidebar(pg), label, tmp_path) for label in SIDEBAR_FILES[:4]]

    def downloads():
        return [e for e in _audit(sample_store, name) if e.action == "download"]

    _wait_until(lambda: len(downloads()) >= len(files), what=f"{len(files)} download rows")
    rows = downloads()
    assert len(rows) == len(files), [e.as_json() for e in rows]
    for path, row in zip(files, rows):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert path.name in (row.what or ""), row
        assert (row.format, row.personal, row.sha256, row.outcome) == (path.suffix[1:], False, digest, "done"), row


# --------------------------------------------------------------------------- the sign-in kept across reloads


def _signed_in_page(pg) -> bool:
    """After a load: the page signed in (its sign-out button) or the sign-in form (False)."""
    signed = pg.get_by_text("Đăng xuất / Sign out")
    form = pg.get_by_label("Mật khẩu / Password")
    signed.or_(form).first.wait_for(timeout=60_000)
    return signed.count() > 0


def test_a_reload_and_a_new_tab_keep_the_sign_in_and_sign_out_ends_it(session, store_url, browser):
    name, password = KEPT["reload"]
    pg = session.page
    _sign_in(pg, store_url, name, password)
    pg.wait_for_timeout(1000)  # the page has fetched its kept sign-in
    pg.reload(wait_until="domcontentloaded")
    assert _signed_in_page(pg), "a reload keeps the sign-in"
    _wait_for_parcels(pg)
    tab = session.context.new_page()
    tab.goto(store_url, wait_until="domcontentloaded")
    assert _signed_in_page(tab), "so does another tab of the same browser"
    other = Session(browser)  # another browser (or a private window): its own sign-in
    try:
        other.page.goto(store_url, wait_until="domcontentloaded")
        assert not _signed_in_page(other.page)
    finally:
        other.close()
    tab.get_by_role("button", name="Đăng xuất / Sign out").click()
    tab.get_by_label("Mật khẩu / Password").wait_for(timeout=60_000)
    pg.reload(wait_until="domcontentloaded")
    assert not _signed_in_page(pg), "signed out: the next load asks for the password"
    assert not pg.errors, pg.errors


def test_a_new_password_ends_the_sign_in_kept_elsewhere(session, store_url, sample_store):
    from geo.store import Store
    from geo.store.accounts import set_password

    name, password = KEPT["password"]
    pg = session.page
    _sign_in(pg, store_url, name, password)
    pg.wait_for_timeout(1000)
    with Store.open(sample_store) as store:
        set_password(store, name, password + "-moi", by="admin")
    pg.reload(wait_until="domcontentloaded")
    assert not _signed_in_page(pg)


# --------------------------------------------------------------------------- where it listens


def test_the_store_server_listens_on_this_machine_only(store_url):
    """tests/test_dashboard_serve.py checks the sample folder; this is the sample store, what run.sh opens."""
    port = urlparse(store_url).port
    assert _listening(port) == {"127.0.0.1"}
    outside = _outside_address()
    if outside is not None:
        with pytest.raises(OSError), socket.create_connection((outside, port), timeout=5):
            pass
