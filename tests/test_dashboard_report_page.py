"""The party cell's page ``/bc`` (dashboard/report_page.py) and the main page's list of who has not reported,
through Streamlit's AppTest.

The small workspace (``conftest.build_workspace``: hamlets A “Thôn Đồng Tâm” and B “Thôn Lân Hoài”, A
with a report on 16/11/2026, the week of the as-of date 20/11/2026) is imported into a GeoPackage store
with a party cell of both hamlets, one of B only, and a leadership account.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from conftest import build_workspace
from streamlit.testing.v1 import AppTest

from geo.formatting import today_in_vietnam
from geo.store import Store, import_folder
from geo.store.accounts import add_user
from tests import dashboard_support as support

pytestmark = pytest.mark.slow

TOML = '[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n'
PASSWORD = "mật-khẩu-thử-1"
REPORTS = [{"report_date": "16/11/2026", "hamlet_id": "A", "reporter": "Lan", "mood": "stable", "note": "Ổn"}]


@pytest.fixture
def store(tmp_path: Path) -> str:
    folder = build_workspace(tmp_path / "ws", toml=TOML, field_reports=REPORTS)
    target = str(tmp_path / "kho.gpkg")
    with import_folder(target, folder, user="Lan") as s:
        add_user(s, "chibo_ab", PASSWORD, "party_cell", hamlets=["A", "B"], by="test")
        add_user(s, "chibo_b", PASSWORD, "party_cell", hamlets=["B"], by="test")
        add_user(s, "lanhdao", PASSWORD, "leadership", by="test")
    st.cache_resource.clear()
    st.cache_data.clear()
    return target


def report_page(monkeypatch, target: str, name: str | None = None) -> AppTest:
    """The app at ``/bc`` on ``target``, signed in as ``name`` where given."""
    at = support.open_app(monkeypatch, target)
    at.switch_page("report_page.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return support.sign_in(at, name, PASSWORD) if name else at


def send(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Gửi báo cáo").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_on_a_folder_the_page_says_reports_need_a_store(monkeypatch, tmp_path):
    at = report_page(monkeypatch, str(build_workspace(tmp_path / "ws", toml=TOML)))
    assert "chỉ gửi được khi bảng điều khiển chạy trên kho dữ liệu" in at.info[0].value
    assert not [b for b in at.button if b.label == "Gửi báo cáo"]


def test_a_party_cell_of_one_hamlet_finds_it_chosen_and_the_week_day_first(monkeypatch, store):
    at = report_page(monkeypatch, store, "chibo_b")
    text = " ".join(m.value for m in at.markdown)
    assert "**Thôn Lân Hoài**" in text and "Tuần " in text
    assert not at.radio(key="bc_mood").value and "Thôn" not in [r.label for r in at.radio]
    assert at.info[0].value.startswith("Tuần này Thôn Lân Hoài chưa có báo cáo")


def test_a_party_cell_of_several_hamlets_picks_the_one_it_reports_on(monkeypatch, store):
    at = report_page(monkeypatch, store, "chibo_ab")
    assert at.radio(key="bc_hamlet").options == ["Thôn Đồng Tâm", "Thôn Lân Hoài"]
    at.radio(key="bc_hamlet").set_value("B").run()
    at.radio(key="bc_mood").set_value("agitated")
    send(at)
    assert "của Thôn Lân Hoài: **Bức xúc**" in at.success[0].value
    with Store.open(store) as s:
        reports = s.layer("field_reports")
    assert reports.loc[reports["report_date"] == str(today_in_vietnam()), "hamlet_id"].tolist() == ["B"]


def test_a_report_without_a_mood_says_so_next_to_the_field_and_saves_nothing(monkeypatch, store):
    at = report_page(monkeypatch, store, "chibo_b")
    with Store.open(store) as s:
        head = s.head()
    send(at)
    assert [e.value for e in at.error] == ["Chọn tình hình Nhân dân\\."]
    with Store.open(store) as s:
        assert s.head() == head


def test_a_second_report_the_same_day_is_said_to_replace_the_first(monkeypatch, store):
    at = report_page(monkeypatch, store, "chibo_b")
    at.radio(key="bc_mood").set_value("gathering_risk")
    send(at)
    assert at.success[0].value.endswith("**Nguy cơ tụ tập đông người**.")
    at.run()  # the confirmation is shown once; the week's state follows
    assert "Gửi lại hôm nay sẽ thay báo cáo này" in at.success[0].value
    at.radio(key="bc_mood").set_value("stable")
    send(at)
    assert "(thay báo cáo gửi trước đó trong ngày)" in at.success[0].value


def test_an_account_that_is_no_party_cell_gets_a_polite_message_and_no_form(monkeypatch, store):
    at = report_page(monkeypatch, store, "lanhdao")
    assert at.info[0].value.startswith("Trang này dành cho chi bộ thôn gửi báo cáo tình hình Nhân dân hằng tuần")
    assert not [b for b in at.button if b.label == "Gửi báo cáo"] and not at.radio


def test_the_main_page_lists_the_party_cells_not_reported_in_the_as_of_week_with_their_accounts(monkeypatch, store):
    from dashboard.report_page import UNREPORTED_KEY

    at = support.open_section(support.signed_in(monkeypatch, store, "lanhdao", PASSWORD), UNREPORTED_KEY)
    box = next(e for e in at.expander if e.label.startswith("Chi bộ chưa báo cáo"))
    week = "16/11/2026 – 22/11/2026"
    assert box.label == f"Chi bộ chưa báo cáo tuần {week} (1) / Party cells not reported the week {week}"
    listed = " ".join(m.value for m in box.markdown)
    assert "**Thôn Lân Hoài**" in listed and "Đồng Tâm" not in listed
    assert "`chibo\\_ab`" in listed and "`chibo\\_b`" in listed


def test_in_meeting_mode_the_list_of_party_cells_is_not_shown(monkeypatch, store):
    at = support.sign_in(support.open_app(monkeypatch, store, meeting="1"), "lanhdao", PASSWORD)
    assert not [e for e in at.expander if e.label.startswith("Chi bộ chưa báo cáo")]


def test_a_party_cell_on_the_main_page_finds_the_way_to_its_report_instead_of_the_list(monkeypatch, store):
    at = support.signed_in(monkeypatch, store, "chibo_b", PASSWORD)
    assert not [e for e in at.expander if e.label.startswith("Chi bộ chưa báo cáo")]
    links = [p for p in at.get("page_link") if "Gửi báo cáo tình hình tuần" in p.proto.label]
    assert len(links) == 1 and links[0].proto.page == "bc"
