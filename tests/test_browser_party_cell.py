"""A party cell's weekly report from a phone, in a real browser (issue 17, points 4 and 6).

Builds the sample store (``geo.sample_history``, with its demo accounts: ``chibo`` is the party cell of
the second hamlet, HS02), starts ``python -m dashboard.serve STORE`` on a free loopback port, and drives
Debian's Chromium with the network cut off. A leadership page is opened first, in meeting mode (its list
of the hamlets to watch is text on the page) and as of today (the sample's workspace settles its default
as-of date on 20/11/2026; a report sent today counts from today); then, in a 390×844 window, the party
cell signs in at ``/bc``, checks the page fits the phone (no sidebar, no horizontal scroll, touch
targets at least 44 px high) and sends a gathering-risk report. The store then holds the report as a
changeset by ``chibo``, the hamlet is ``hotspot`` as of today, and the leadership page, untouched since it
was opened, shows it as a hotspot (its list and its map) within seconds.
"""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest

from geo.formatting import today_in_vietnam
from tests.dashboard_support import sample_store_in, serving
from tests.test_browser import MAP_DRAWN, MAP_FRAME, _guarded_page, _idle, _wait_for_parcels

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
PHONE = (390, 844)
NOTE = "Một số hộ rủ nhau kéo lên xã sáng thứ Hai"
FOLLOW_S = 60  # the page asks the store every 10 s; a rerun of the whole page on a shared machine takes more


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    out = sample_store_in(tmp_path_factory.mktemp("party_cell"))
    return out


@pytest.fixture(scope="module")
def store_url(sample_store, tmp_path_factory):
    with serving(sample_store, tmp_path_factory.mktemp("serve_party_cell")) as url:
        yield url


def _settled_height(locator, timeout: float = 20.0) -> None:
    """Wait until ``locator`` has kept one height for half a second (the page's CSS arrives as one of its
    elements: a height read before it applies is the default's); the caller asserts the height."""
    end, last = time.monotonic() + timeout, None
    while time.monotonic() < end:
        height = locator.bounding_box()["height"]
        if height == last:
            return
        last = height
        time.sleep(0.5)


@pytest.fixture(scope="module")
def cell(sample_store) -> tuple[str, str]:
    """The party cell ``chibo``'s hamlet: its id and name."""
    from geo.store import Store
    from geo.store.accounts import get_user

    with Store.open(sample_store) as store:
        account = get_user(store, "chibo")
        hamlets = store.layer("hamlets").set_index("hamlet_id")["hamlet_name"]
    assert account is not None and len(account.hamlets) == 1
    return account.hamlets[0], str(hamlets[account.hamlets[0]])


def _level(store_path: Path, hamlet: str, as_of: date) -> str:
    """The hamlet's hotspot level as of ``as_of``, computed by the library from the store as it is now."""
    import geo
    from geo.store.source import StoreSource

    ws = geo.assemble(StoreSource(store_path).read())
    levels = geo.analyse(ws, geo.Selection.make(as_of=as_of)).levels.set_index("hamlet_id")
    return str(levels.loc[hamlet, "hotspot_level"])


def _sign_in(pg, name: str, password: str) -> None:
    pg.get_by_label("Tên đăng nhập / User name").fill(name)
    pg.get_by_label("Mật khẩu / Password").fill(password)
    pg.get_by_role("button", name="Đăng nhập / Sign in").click()


def _horizontal_overflow(pg) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scroll)."""
    return int(pg.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _watch_line(pg, name: str) -> str:
    """The meeting page's line of hamlet ``name`` in its list of the hamlets to watch ('' where not listed)."""
    items = pg.locator("li").filter(has_text=name)
    return " ".join(items.first.inner_text().split()) if items.count() else ""


def _map_says_hotspot(pg, name: str) -> bool:
    """Whether the map's frame (its data, as the browser holds it) gives hamlet ``name`` the level “Điểm nóng”."""
    frame = pg.locator(MAP_FRAME).element_handle().content_frame()
    scripts = frame.evaluate(MAP_DRAWN)
    scripts = scripts.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\/", "/")
    return bool(re.search(rf"<b>{re.escape(name)}</b><br>Mức cảnh báo: <b>Điểm nóng", scripts))


def test_a_party_cells_phone_report_turns_its_hamlet_hot_on_an_open_leadership_page(
    browser, store_url, sample_store, cell
):
    from geo.entry.mood import iso_week
    from geo.formatting import fmt_date
    from geo.store import Store

    hamlet, name = cell
    today = today_in_vietnam()
    assert _level(sample_store, hamlet, today) != "hotspot", "the check could not fail: the hamlet is hot already"

    # the leadership's page, opened before the report and never touched again
    lead_context, lead = _guarded_page(browser, 1366, 900)
    lead.goto(f"{store_url}/?meeting=1&as_of={today.isoformat()}", wait_until="domcontentloaded")
    _sign_in(lead, "lanhdao", "demo-lanhdao")
    _wait_for_parcels(lead)
    lead.get_by_text("Thôn cần chú ý / Hamlets to watch").wait_for()
    assert "Điểm nóng" not in _watch_line(lead, name) and not _map_says_hotspot(lead, name)

    # the party cell's phone
    phone_context, pg = _guarded_page(browser, *PHONE)
    try:
        pg.goto(f"{store_url}/bc", wait_until="domcontentloaded")
        sign_in_button = pg.get_by_role("button", name="Đăng nhập / Sign in")
        sign_in_button.wait_for(timeout=60_000)
        _idle(pg)
        assert _horizontal_overflow(pg) == 0, "the sign-in page scrolls sideways at 390 px"
        _settled_height(sign_in_button)
        assert sign_in_button.bounding_box()["height"] >= 44
        _sign_in(pg, "chibo", "demo-chibo")
        send = pg.get_by_role("button", name="Gửi báo cáo")
        send.wait_for(timeout=60_000)
        _idle(pg)

        shown = pg.locator("body").inner_text()
        monday, sunday = iso_week(today)
        assert f"Tuần {fmt_date(monday)} – {fmt_date(sunday)}" in shown and name in shown
        assert pg.locator("[data-testid='stSidebar']").is_hidden()
        assert _horizontal_overflow(pg) == 0, "the report page scrolls sideways at 390 px"
        assert send.bounding_box()["height"] >= 44
        choices = pg.locator("[data-testid='stRadioOption']")
        choices.nth(3).wait_for(timeout=60_000)  # the page is drawn element by element
        _settled_height(choices.nth(3))
        assert choices.count() == 4
        assert all(choices.nth(i).bounding_box()["height"] >= 44 for i in range(4))
        assert [" ".join(choices.nth(i).inner_text().split()) for i in range(4)] == [
            "Ổn định",
            "Có băn khoăn",
            "Bức xúc",
            "Nguy cơ tụ tập đông người",
        ]

        pg.get_by_text("Nguy cơ tụ tập đông người", exact=True).click()
        pg.get_by_label("Nội dung (ngắn gọn)").fill(NOTE)
        send.click()
        done = pg.get_by_text(re.compile(r"^Đã gửi báo cáo tuần"))
        done.wait_for(timeout=60_000)
        assert f"{fmt_date(monday)} – {fmt_date(sunday)}" in done.inner_text() and name in done.inner_text()
        assert _horizontal_overflow(pg) == 0
        assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)
    finally:
        phone_context.close()

    # the store: one changeset by the party cell, the row of today, the hamlet hot as of today
    with Store.open(sample_store) as store:
        last = store.history()[-1]
        reports = store.layer("field_reports")
    assert (last["user"], last["kind"]) == ("chibo", "edit")
    mine = reports[(reports["hamlet_id"] == hamlet) & (reports["report_date"] == str(today))]
    assert mine[["mood", "note", "reporter"]].values.tolist() == [["gathering_risk", NOTE, "chibo"]]
    assert _level(sample_store, hamlet, today) == "hotspot"

    # the leadership's page follows by itself: the hamlet listed as a hotspot, and so on its map
    try:
        deadline = time.monotonic() + FOLLOW_S
        while "Điểm nóng" not in _watch_line(lead, name):
            assert time.monotonic() < deadline, f"not a hotspot on the open page within {FOLLOW_S} s"
            time.sleep(0.5)
        _wait_for_parcels(lead)
        assert _map_says_hotspot(lead, name)
        assert not lead.blocked and not lead.errors, (lead.blocked, lead.errors)
    finally:
        lead_context.close()


def test_an_account_that_is_no_party_cell_is_told_so_politely_with_a_way_to_the_main_page(browser, store_url):
    context, pg = _guarded_page(browser, *PHONE)
    try:
        pg.goto(f"{store_url}/bc", wait_until="domcontentloaded")
        pg.get_by_role("button", name="Đăng nhập / Sign in").wait_for(timeout=60_000)
        _sign_in(pg, "lanhdao", "demo-lanhdao")
        pg.get_by_text("Trang này dành cho chi bộ thôn", exact=False).wait_for(timeout=60_000)
        assert pg.get_by_role("button", name="Gửi báo cáo").count() == 0
        pg.get_by_role("link", name=re.compile("Về trang chính")).click()
        _wait_for_parcels(pg)  # the main page, still signed in
        assert pg.get_by_text("Đăng xuất / Sign out").count() >= 1
        assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)
    finally:
        context.close()
