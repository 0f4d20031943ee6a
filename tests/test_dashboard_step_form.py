"""The hamlet page's form “Ghi bước của hộ / Record a household's step” (dashboard/step_form.py), run with AppTest.

A small store built in code (tests/test_entry_stages.py's layers) with one account per role; each test
signs in through the sign-in form and reads the page as Streamlit built it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.step_form import KEYS, project_key
from geo.store import Store
from geo.store.accounts import add_user
from tests.dashboard_support import open_tab, signed_in
from tests.test_entry_stages import layers

PASSWORD = "mat-khau-thu-nghiem"
ACCOUNTS = {
    "canboA": ("officer", ("A",)),
    "vanphong": ("clerk", ()),
    "lanhdao": ("leadership", ()),
    "quantri": ("admin", ()),
}


@pytest.fixture
def store(tmp_path: Path) -> str:
    target = tmp_path / "store.gpkg"
    with Store.create(target, layers(), user="Lan", config="[workspace]\nas_of = 2026-11-20\n") as s:
        for name, (role, hamlets) in ACCOUNTS.items():
            add_user(s, name, PASSWORD, role, hamlets=hamlets, by="test")
    return str(target)


def has_form(at) -> bool:
    return any(t.key == KEYS["open"] for t in at.toggle)


def open_form(at):
    open_tab(at, "Trang thôn")
    at.toggle(key=KEYS["open"]).set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_officer_is_offered_only_its_hamlets_households_by_id_and_name(monkeypatch, store):
    at = open_form(signed_in(monkeypatch, store, "canboA", PASSWORD))
    options = at.selectbox(key=KEYS["household"]).options
    assert options == ["H1 — Nguyễn Văn An", "H3 — Lê Văn Cường", "H4 — Phạm Thị Dung"]


def test_a_saved_step_names_its_changeset_and_the_history_shows_it(monkeypatch, store):
    at = open_form(signed_in(monkeypatch, store, "canboA", PASSWORD))
    at.selectbox(key=KEYS["household"]).set_value("H1").run()
    at.selectbox(key=project_key("H1")).set_value("P1")
    at.selectbox(key=KEYS["stage"]).set_value("handed_over")
    at.text_input(key=KEYS["date"]).input("20/11/2026")
    at.button(key="step_form_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Store.open(store) as s:
        head = s.head()
        last = s.history()[-1]
    assert last["user"] == "canboA" and head == 2
    assert any("Đã lưu thay đổi #2" in s.value for s in at.success)
    steps = at.dataframe[-1].value
    assert steps.iloc[-1].tolist() == ["20/11/2026", "Bàn giao mặt bằng"]


def test_a_date_that_is_no_date_is_named_under_the_field_and_nothing_is_saved(monkeypatch, store):
    at = open_form(signed_in(monkeypatch, store, "canboA", PASSWORD))
    at.text_input(key=KEYS["date"]).input("31/02/2026")
    at.button(key="step_form_save").click().run()
    assert any("không có ngày 31 tháng 2" in e.value for e in at.error), [e.value for e in at.error]
    with Store.open(store) as s:
        assert s.head() == 1


@pytest.mark.parametrize("name", ["vanphong", "lanhdao"])
def test_clerks_and_leadership_record_no_step(monkeypatch, store, name):
    at = open_tab(signed_in(monkeypatch, store, name, PASSWORD), "Trang thôn")
    assert any("Trang thôn" in t.label for t in at.tabs)  # the hamlet page is there, without the form
    assert not has_form(at)


def test_the_form_is_never_in_meeting_mode(monkeypatch, store):
    from tests.dashboard_support import open_app, sign_in

    at = open_tab(sign_in(open_app(monkeypatch, store, meeting="1"), "quantri", PASSWORD), "Trang thôn")
    assert any("Thôn cần chú ý" in h.value for h in at.subheader)  # the meeting page
    assert not has_form(at)


def test_a_past_state_of_the_store_offers_no_form(monkeypatch, store):
    with Store.open(store) as s:  # a second changeset, so that changeset 1 is a past state
        s.edit("field_reports", pd.DataFrame({"report_date": ["2026-11-02"], "hamlet_id": ["A"], "mood": ["stable"]}))
    at = open_tab(signed_in(monkeypatch, store, "quantri", PASSWORD, "--at", "1"), "Trang thôn")
    assert not has_form(at)
    assert any("trạng thái cũ" in c.value for c in at.caption)
