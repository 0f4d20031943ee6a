"""The sign-in page (dashboard/signin.py) and each role's view of a store, through Streamlit's AppTest.

Each test imports the small workspace (``conftest.build_workspace``: hamlets A “Thôn Đồng Tâm” with
households H1, H2 and B “Thôn Lân Hoài” with H3) into a GeoPackage store and adds its accounts with
:func:`geo.store.accounts.add_user`. The whole page's elements (their protocol messages: text,
tables, the map's HTML) are searched for what must not be there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from conftest import build_workspace
from streamlit.testing.v1 import AppTest

from dashboard import signin
from geo.store import Store, import_folder
from geo.store.accounts import add_user
from geo.store.audit import read_audit
from tests import dashboard_support as support
from tests.dashboard_support import headline

pytestmark = pytest.mark.slow

TOML = '[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n'
PASSWORD = "mật-khẩu-thử-1"
NAMES_A = ("Nguyễn Văn An", "Trần Thị Bình")  # households of hamlet A
NAMES_B = ("Lê Văn Cường",)  # household of hamlet B


@pytest.fixture
def store(tmp_path: Path) -> str:
    """The small workspace in a GeoPackage store with one account per role the tests need."""
    folder = build_workspace(tmp_path / "ws", toml=TOML)
    target = str(tmp_path / "kho.gpkg")
    with import_folder(target, folder, user="Lan") as s:
        add_user(s, "quantri", PASSWORD, "admin", by="test")
        add_user(s, "lanhdao", PASSWORD, "leadership", by="test")
        add_user(s, "phonghop", PASSWORD, "leadership", meeting_screen=True, by="test")
        add_user(s, "canbo", PASSWORD, "officer", hamlets=["A"], by="test")
    st.cache_resource.clear()
    st.cache_data.clear()
    return target


def open_app(monkeypatch: pytest.MonkeyPatch, target: str, **params: str) -> AppTest:
    return support.open_app(monkeypatch, target, **params)


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    """Fill the form and press “Đăng nhập / Sign in”, as a person would."""
    return support.sign_in(at, name, password)


def _nodes(node: object) -> Iterator[object]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def page_bytes(at: AppTest) -> bytes:
    """Everything the page sent for its elements (text, tables' Arrow data, the map's HTML)."""
    parts = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            parts.append(proto.SerializeToString())
    return b"\n".join(parts)


def shows(at: AppTest, text: str) -> bool:
    return text.encode("utf-8") in page_bytes(at)


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def test_before_sign_in_the_page_shows_no_hamlet_name_and_no_figure(monkeypatch, store):
    at = open_app(monkeypatch, store)
    assert at.text_input(key=signin.PASSWORD).value == ""  # the form is there
    assert any("Xã Thử" in s.value for s in at.subheader)  # the commune's name, and only that
    for text in ("Thôn Đồng Tâm", "Thôn Lân Hoài", *NAMES_A, *NAMES_B, "Đường tỉnh"):
        assert not shows(at, text), text
    assert not headline(at) and not at.dataframe and not at.tabs


def test_a_wrong_password_is_refused(monkeypatch, store):
    at = sign_in(open_app(monkeypatch, store), "lanhdao", "sai-mật-khẩu")
    assert "Sai tên đăng nhập hoặc mật khẩu" in errors(at)
    assert not headline(at)


def test_an_unknown_name_gets_the_same_message_as_a_wrong_password(monkeypatch, store):
    wrong = errors(sign_in(open_app(monkeypatch, store), "lanhdao", "sai-mật-khẩu"))
    unknown = errors(sign_in(open_app(monkeypatch, store), "khong-co-ai", "sai-mật-khẩu"))
    assert unknown == wrong


def test_the_fifth_failure_locks_the_account_and_says_so(monkeypatch, store):
    at = open_app(monkeypatch, store)
    for _ in range(5):
        sign_in(at, "lanhdao", "sai-mật-khẩu")
    assert "tạm khóa 15 phút" in errors(at) and "locked for 15 minutes" in errors(at)
    sign_in(at, "lanhdao")  # even the right password, while locked
    assert "tạm khóa" in errors(at) and not headline(at)


def test_a_signed_in_account_sees_the_dashboard_its_name_and_its_role(monkeypatch, store):
    at = sign_in(open_app(monkeypatch, store), "lanhdao")
    assert headline(at) and at.title[0].value.endswith("Xã Thử")
    assert any("lanhdao" in m.value and "Lãnh đạo" in m.value for m in at.sidebar.markdown)


def test_the_password_is_not_kept_in_the_session(monkeypatch, store):
    at = sign_in(open_app(monkeypatch, store), "lanhdao")
    assert signin.ACCOUNT in at.session_state and PASSWORD not in repr(at.session_state)


def test_leadership_sees_no_household_name_anywhere(monkeypatch, store):
    at = sign_in(open_app(monkeypatch, store), "lanhdao")
    assert shows(at, "Thôn Đồng Tâm")  # the figures and hamlets are there
    for name in (*NAMES_A, *NAMES_B):
        assert not shows(at, name), name


def test_an_officer_sees_its_hamlets_household_names_and_no_other(monkeypatch, store):
    at = sign_in(open_app(monkeypatch, store), "canbo")
    assert at.multiselect(key="f_hamlets").value == ["A"]  # it lands on its hamlet
    at.multiselect(key="f_hamlets").set_value([]).run()  # the whole commune: still no name of hamlet B
    assert not at.exception
    support.open_tab(at, "Trang thôn")
    for name in (*NAMES_A, *NAMES_B):  # issue 16: no name before the user asks for the households
        assert not shows(at, name), name
    at.toggle(key="hamlet_households").set_value(True).run()
    at.selectbox(key="hamlet_page").select("A").run()
    assert shows(at, NAMES_A[0])
    at.selectbox(key="hamlet_page").select("B").run()  # the list of the other hamlet, asked for: no name
    assert not at.exception
    for name in NAMES_B:
        assert not shows(at, name), name


def test_a_meeting_screen_stays_in_meeting_mode_whatever_the_url_says(monkeypatch, store):
    at = sign_in(open_app(monkeypatch, store, meeting="0"), "phonghop")
    toggle = at.toggle(key="f_meeting")
    assert toggle.value is True and toggle.disabled
    assert not at.tabs  # meeting mode: map, figures and the hamlets to watch only
    for name in (*NAMES_A, *NAMES_B):
        assert not shows(at, name), name


def test_a_meeting_screen_signs_out_in_one_click_on_the_page(monkeypatch, store):
    at = sign_in(open_app(monkeypatch, store), "phonghop")
    next(b for b in at.main.button if b.label.startswith("Đăng xuất")).click()
    at.run()
    assert not at.exception and not headline(at)
    assert at.text_input(key=signin.PASSWORD).value == ""


def test_sign_out_returns_to_the_sign_in_page(monkeypatch, store):
    at = sign_in(open_app(monkeypatch, store), "lanhdao")
    next(b for b in at.sidebar.button if b.label.startswith("Đăng xuất")).click()
    at.run()
    assert not at.exception
    assert not headline(at) and not shows(at, "Thôn Đồng Tâm")
    assert at.text_input(key=signin.PASSWORD).value == ""


def test_a_session_idle_for_a_working_day_signs_in_again(monkeypatch, store):
    at = sign_in(open_app(monkeypatch, store), "lanhdao")
    at.session_state[signin.SEEN] = at.session_state[signin.SEEN] - signin.IDLE - signin.IDLE / 8
    at.run()
    assert not headline(at) and "hết hạn" in errors(at)


def test_sign_in_failures_and_sign_out_leave_audit_rows(monkeypatch, store):
    at = sign_in(open_app(monkeypatch, store), "lanhdao", "sai-mật-khẩu")
    sign_in(at, "lanhdao")
    next(b for b in at.sidebar.button if b.label.startswith("Đăng xuất")).click()
    at.run()
    with Store.open(store) as s:
        rows = [(e.user, e.action, e.outcome) for e in read_audit(s, user="lanhdao")]
    assert ("lanhdao", "sign_in_failed", "refused") in rows
    assert rows[-2:] == [("lanhdao", "sign_in", "done"), ("lanhdao", "sign_out", "done")]


def test_a_folder_workspace_says_it_has_no_sign_in(monkeypatch, tmp_path):
    folder = build_workspace(tmp_path / "ws", toml=TOML)
    st.cache_resource.clear()
    at = open_app(monkeypatch, str(folder))
    assert headline(at)  # no sign-in: the dashboard at once
    said = [c.value for c in at.sidebar.caption] + [w.value for w in at.sidebar.warning]
    assert any("không có đăng nhập" in s for s in said), said


def test_a_folder_workspace_on_the_loopback_says_it_serves_only_this_machine(monkeypatch, tmp_path):
    from streamlit import config

    folder = build_workspace(tmp_path / "ws", toml=TOML)
    st.cache_resource.clear()
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")  # as dashboard.serve starts it
    try:
        at = open_app(monkeypatch, str(folder))
    finally:
        config.set_option("server.address", before)
    assert any("chỉ phục vụ máy này" in c.value for c in at.sidebar.caption)
    assert not at.sidebar.warning
