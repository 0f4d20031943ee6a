"""Who sees the grievance forms of the "Đơn thư" tab, and what their picker shows (issue 17 point 3)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import streamlit as st

from dashboard import filters
from geo.store import Store, import_folder
from geo.store.accounts import add_user
from tests.conftest import build_workspace
from tests.dashboard_support import NAMES, open_tab, signed_in
from tests.test_entry_grievances import GRIEVANCES

PASSWORD = "mật-khẩu-thử-1"
RECEIVE = "Tiếp nhận đơn / Receive a grievance"
MOVE = "Cập nhật xử lý đơn / Move a grievance on"


_databases = itertools.count(1)


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, tmp_path: Path) -> str:
    """The small workspace with four grievances, in a GeoPackage or a PostGIS store, with three accounts."""
    folder = build_workspace(tmp_path / "ws", toml='[workspace]\nname = "Xã Thử"\n', grievances=GRIEVANCES)
    if request.param == "gpkg":
        target = str(tmp_path / "kho.gpkg")
    else:
        from postgis import create_database

        target = create_database(request.getfixturevalue("postgis_url"), f"forms_{next(_databases)}")
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
    at = open_tab(signed_in(monkeypatch, store, "vanphong", PASSWORD), "Đơn thư")
    assert RECEIVE in subheaders(at) and MOVE in subheaders(at)
    shown = picker(at)
    assert [o.split(" · ")[0] for o in shown] == ["0002/2026/KN", "0001/2026/TCĐ"]
    assert not any(name in o for o in shown for name in NAMES)
    assert shown[0].startswith("0002/2026/KN · Khiếu nại · Thôn Đồng Tâm · 02/11/2026")


def test_an_officer_picks_only_its_own_hamlets_grievances(monkeypatch, store):
    at = open_tab(signed_in(monkeypatch, store, "canbo", PASSWORD), "Đơn thư")
    assert [o.split(" · ")[0] for o in picker(at)] == ["0001/2026/TCĐ"]


def test_leadership_sees_no_grievance_form(monkeypatch, store):
    at = open_tab(signed_in(monkeypatch, store, "lanhdao", PASSWORD), "Đơn thư")
    assert RECEIVE not in subheaders(at) and MOVE not in subheaders(at)


def test_meeting_mode_shows_no_grievance_form(monkeypatch, store):
    at = open_tab(signed_in(monkeypatch, store, "vanphong", PASSWORD), "Đơn thư")
    at.toggle(key=filters.KEYS["meeting"]).set_value(True).run()
    assert not at.exception and RECEIVE not in subheaders(at) and MOVE not in subheaders(at)


def test_a_grievance_received_in_the_form_is_saved_in_the_store_with_its_number(monkeypatch, store):
    at = open_tab(signed_in(monkeypatch, store, "vanphong", PASSWORD), "Đơn thư")
    at.selectbox(key="gf_kind_0").select("petition").run()
    assert any("Số đơn sẽ cấp / Number to be given: **0005/" in i.value for i in at.info)
    at.selectbox(key="gf_topic_0").select("support")
    at.selectbox(key="gf_hamlet_0").select("B")
    at.text_area(key="gf_summary_0").input("Đề nghị hỗ trợ chuyển đổi nghề")
    next(b for b in at.button if b.label == "Tiếp nhận đơn / Receive").click().run()
    assert not at.exception and [e.value for e in at.error] == []
    assert any("Đã tiếp nhận đơn số" in s.value and "#2" in s.value for s in at.success)
    with Store.open(store) as s:
        g = s.layer("grievances")
        assert g.loc[g["kind"] == "petition", ["status", "hamlet_id"]].values.tolist() == [["received", "B"]]
        assert s.history()[-1]["user"] == "vanphong"
