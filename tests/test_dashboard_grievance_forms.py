"""Who sees the grievance forms of the "Đơn thư" tab, and what their picker shows (issue 17 point 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from dashboard import filters
from geo.store import import_folder
from geo.store.accounts import add_user
from tests.conftest import build_workspace
from tests.dashboard_support import NAMES, signed_in
from tests.test_entry_grievances import GRIEVANCES

PASSWORD = "mật-khẩu-thử-1"
RECEIVE = "Tiếp nhận đơn / Receive a grievance"
MOVE = "Cập nhật xử lý đơn / Move a grievance on"


@pytest.fixture
def store(tmp_path: Path) -> str:
    folder = build_workspace(tmp_path / "ws", toml='[workspace]\nname = "Xã Thử"\n', grievances=GRIEVANCES)
    target = str(tmp_path / "kho.gpkg")
    with import_folder(target, folder, user="Lan") as s:
        add_user(s, "vanphong", PASSWORD, "clerk", by="test")
        add_user(s, "lanhdao", PASSWORD, "leadership", by="test")
        add_user(s, "canbo", PASSWORD, "officer", hamlets=["B"], by="test")
    st.cache_resource.clear()
    st.cache_data.clear()
    return target


def subheaders(at) -> list[str]:
    return [s.value for s in at.subheader]


def picker(at) -> list[str]:
    box = next(b for b in at.selectbox if b.label == "Đơn / Grievance")
    return [box.format_func(o) for o in box.options]


def test_the_clerk_sees_both_forms_and_a_picker_without_names_or_denunciations(monkeypatch, store):
    at = signed_in(monkeypatch, store, "vanphong", PASSWORD)
    assert RECEIVE in subheaders(at) and MOVE in subheaders(at)
    shown = picker(at)
    assert [o.split(" · ")[0] for o in shown] == ["0002/2026/KN", "0001/2026/TCĐ"]
    assert not any(name in o for o in shown for name in NAMES)
    assert shown[0].startswith("0002/2026/KN · Khiếu nại · Thôn Đồng Tâm · 02/11/2026")


def test_an_officer_picks_only_its_own_hamlets_grievances(monkeypatch, store):
    at = signed_in(monkeypatch, store, "canbo", PASSWORD)
    assert [o.split(" · ")[0] for o in picker(at)] == ["0001/2026/TCĐ"]


def test_leadership_sees_no_grievance_form(monkeypatch, store):
    at = signed_in(monkeypatch, store, "lanhdao", PASSWORD)
    assert RECEIVE not in subheaders(at) and MOVE not in subheaders(at)


def test_meeting_mode_shows_no_grievance_form(monkeypatch, store):
    at = signed_in(monkeypatch, store, "vanphong", PASSWORD)
    at.toggle(key=filters.KEYS["meeting"]).set_value(True).run()
    assert not at.exception and RECEIVE not in subheaders(at) and MOVE not in subheaders(at)
