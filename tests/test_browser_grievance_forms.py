"""The grievance forms in a real browser (issue 17 point 3): the reception desk receives a letter and moves it on.

Builds the sample store (``geo.sample_history``, with its demo accounts), starts ``python -m
dashboard.serve STORE`` on a free loopback port and drives Debian's Chromium with the network cut off:
the clerk (``vanphong``) opens the "Đơn thư" tab, receives a collective complaint — refused first,
under the representatives' field, for lacking them —, sees its number and its legal deadlines, then
records its acceptance and a dialogue; the store holds the grievance with status ``dialogue``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.dashboard_support import sample_store_in, serving
from tests.test_browser import _guarded_page, _idle, _wait_for_parcels

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
RECEIVED = date(2026, 11, 20)


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    out = sample_store_in(tmp_path_factory.mktemp("grievance_forms"))
    return out


@pytest.fixture(scope="module")
def store_url(sample_store, tmp_path_factory):
    with serving(sample_store, tmp_path_factory.mktemp("serve_grievance_forms")) as url:
        yield url


def _choose(pg, scope, label: str, option: str) -> None:
    """Open the select box ``label`` inside ``scope`` and pick the option whose name holds ``option``.

    The list may close under the typing when a rerun begun by the previous choice draws the box anew
    (the status widget had not shown yet when it was waited for): then the box is opened again."""
    box = scope.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    for attempt in range(3):
        box.click()
        pg.keyboard.type(option)  # the list is filtered as one types: the option is the one shown
        try:
            pg.get_by_role("option", name=option).first.wait_for(timeout=10_000)  # a name that holds it
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            pg.keyboard.press("Escape")
            _idle(pg)
    pg.keyboard.press("Enter")  # not a click: a chart redrawn beneath the open list may take the pointer
    expect(box.get_by_role("combobox")).to_have_value(re.compile(re.escape(option)), timeout=30_000)  # chosen
    _idle(pg)


def _date(pg, label: str, day: date) -> None:
    """Type ``day`` into the date field ``label``, segment by segment (day, month, year), then leave it."""
    for part, value in (("day", f"{day.day:02d}"), ("month", f"{day.month:02d}"), ("year", str(day.year))):
        segment = pg.get_by_role("spinbutton", name=f"{part}, {label}")
        segment.click()
        pg.keyboard.type(value)
    pg.keyboard.press("Tab")


def test_a_clerk_receives_a_complaint_sees_its_number_and_deadlines_then_records_a_dialogue(
    browser, store_url, sample_store
):
    from geo.entry.grievances import deadline_text, deadlines, next_number
    from geo.store import Store
    from geo.store.upload import store_config

    with Store.open(sample_store) as store:
        head = store.head()
        hamlets = store.layer("hamlets")
        cfg = store_config(store)
        # the sample office's own book: every letter “…/2026/ĐT”, the next after the last of 2026
        number = next_number(
            store.layer("grievances")["grievance_id"], "complaint", RECEIVED, cfg.grievance_number, cfg.grievance_codes
        )
    assert number.endswith("/2026/ĐT") and number != "0001/2026/ĐT"
    hamlet_name = str(hamlets["hamlet_name"].iloc[0])
    due = deadline_text(deadlines(RECEIVED, "complaint"), "complaint").split(" / ")[0]
    context, pg = _guarded_page(browser, 1366, 1000)
    try:
        pg.goto(store_url, wait_until="domcontentloaded")
        pg.get_by_label("Tên đăng nhập / User name").fill("vanphong")
        pg.get_by_label("Mật khẩu / Password").fill("demo-vanphong")
        pg.get_by_role("button", name="Đăng nhập / Sign in").click()
        _wait_for_parcels(pg)
        pg.get_by_role("tab", name=re.compile("Đơn thư")).click()
        pg.get_by_text("Tiếp nhận đơn / Receive a grievance", exact=True).wait_for()

        # the date and the kind: the number the letter will get and its legal deadlines
        _date(pg, "Ngày nhận đơn / Received on", RECEIVED)
        _idle(pg)
        _choose(pg, pg, "Loại đơn / Kind", "Khiếu nại (complaint)")
        pg.get_by_text(f"Số đơn sẽ cấp / Number to be given: {number}", exact=False).wait_for()
        assert due in pg.locator("[data-testid='stAlert']").filter(has_text="Số đơn sẽ cấp").inner_text()

        # a collective letter without its representatives: refused, under that field
        form = pg.locator("[data-testid='stForm']").first
        _choose(pg, form, "Nội dung / Topic", "Giá bồi thường")
        form.get_by_label("Số người ký / Signatories", exact=True).fill("12")
        _choose(pg, form, "Thôn / Hamlet", hamlet_name)
        form.get_by_label("Tóm tắt nội dung đơn / Short summary").fill("Đề nghị xem lại đơn giá bồi thường đất vườn")
        form.get_by_role("button", name="Tiếp nhận đơn / Receive").click()
        refusal = pg.get_by_text("give the names of its representatives", exact=False)
        refusal.wait_for(timeout=30_000)
        form = pg.locator("[data-testid='stForm']").first
        representatives = form.get_by_label("Người đại diện (đơn tập thể) / Representatives (collective letter)")
        household = form.get_by_label("Mã hộ / Household id")
        below, field, next_field = (x.bounding_box() for x in (refusal, representatives, household))
        assert field["y"] < below["y"] < next_field["y"]  # right under the representatives' field
        with Store.open(sample_store) as store:
            assert store.head() == head  # nothing saved

        representatives.fill("Ông Hoàng Văn Tư, Bà Lý Thị Năm")
        form.get_by_role("button", name="Tiếp nhận đơn / Receive").click()
        saved = pg.get_by_text("Đã tiếp nhận đơn số", exact=False)
        saved.wait_for(timeout=60_000)
        message = saved.inner_text()
        assert number in message and f"#{head + 1}" in message and due in message

        # move it on: accepted, then a dialogue
        _idle(pg)
        _choose(pg, pg, "Đơn / Grievance", number)
        _choose(pg, pg, "Bước / Step", "Thụ lý (accepted)")
        move = pg.locator("[data-testid='stForm']").filter(has_text="Ghi bước xử lý").first
        move.get_by_role("button", name="Ghi bước xử lý / Record the step").click()
        pg.get_by_text(f"thay đổi #{head + 2}", exact=False).wait_for(timeout=60_000)
        _idle(pg)
        _choose(pg, pg, "Đơn / Grievance", number)
        _choose(pg, pg, "Bước / Step", "Đối thoại (dialogue)")
        move = pg.locator("[data-testid='stForm']").filter(has_text="Ghi bước xử lý").first
        move.get_by_label("Thành phần tham dự / Who attended").fill("UBND xã, Mặt trận, 12 hộ ký đơn")
        move.get_by_label("Kết quả / Outcome").fill("Thống nhất định giá lại")
        move.get_by_role("button", name="Ghi bước xử lý / Record the step").click()
        pg.get_by_text(f"thay đổi #{head + 3}", exact=False).wait_for(timeout=60_000)

        with Store.open(sample_store) as store:
            g = store.layer("grievances").set_index("grievance_id").loc[number]
            steps = store.layer("grievance_steps")
            history = store.history()
        assert g["status"] == "dialogue" and g["signatories"] == 12
        assert steps["step"].tolist() == ["received", "accepted", "dialogue"]
        assert [c["user"] for c in history[-3:]] == ["vanphong"] * 3
        assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)
    except Exception:
        pg.screenshot(path="/tmp/grievance_forms_failure.png", full_page=True)
        raise
    finally:
        context.close()
