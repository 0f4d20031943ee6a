"""The history page (dashboard/history.py) through Streamlit's AppTest, on a small store built here."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_store import small_layers, week2

from geo.store import Store
from tests.dashboard_support import headline, open_section

pytestmark = pytest.mark.slow

VN = timezone(timedelta(hours=7))


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Four changesets: the import, Bình's week 46 list, an edit noting a household's name, Lan's rollback."""
    path = tmp_path_factory.mktemp("history") / "store.gpkg"
    layers = small_layers()
    with Store.create(path, layers, user="Lan", note="Nhập thư mục", at=datetime(2026, 11, 6, 15, 30, tzinfo=VN)) as s:
        s.upload(
            "households",
            week2(layers["households"]),
            user="Bình",
            note="Cập nhật danh sách hộ tuần 46",
            source="households_tuan46.xlsx",
            at=datetime(2026, 11, 13, 16, 5, tzinfo=VN),
        )
        moved = s.layer("grievances")
        moved.loc[moved.grievance_id == "G1", ["status", "resolved_date"]] = ["resolved", pd.Timestamp("2026-11-16")]
        s.edit(
            "grievances",
            moved[moved.grievance_id == "G1"],
            user="Bình",
            note="Đã giải quyết đơn G1 của hộ Lê Văn Cường, chi trả 330.000.000 đồng",
            at=datetime(2026, 11, 16, 9, 30, tzinfo=VN),
        )
        s.rollback(1, user="Lan", note="Nhầm danh sách", at=datetime(2026, 11, 17, 8, 0, tzinfo=VN))
    return str(path)


def panel(path: str, disclosure: str) -> None:
    """The script AppTest runs: the history panel of the store at ``path``."""
    import geo
    from dashboard.history import history_panel
    from geo.store import Store

    with Store.open(path) as store:
        history_panel(store, geo.Disclosure(disclosure))


def run(path: str, disclosure: str = "personal", record: str | None = None, layer: str | None = None) -> AppTest:
    at = AppTest.from_function(panel, args=(path, disclosure), default_timeout=60)
    at.run()
    if layer is not None:
        at.selectbox(key="history_layer").set_value(layer).run()
    if record is not None:
        at.text_input(key="history_record").input(record).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def markdown(at: AppTest) -> str:
    """The page's Markdown as read (the escapes of data values taken out)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(m.value for m in at.markdown))


def test_the_history_lists_every_changeset_newest_first(store_path: str) -> None:
    t = table(run(store_path))
    assert t["Số / No."].tolist() == [4, 3, 2, 1]
    assert t["Loại / Kind"].tolist() == [
        "Khôi phục / rollback #1",
        "Sửa bản ghi / edit",
        "Tải danh sách / upload",
        "Nhập thư mục / import",
    ]


def test_a_changeset_shows_who_when_in_vietnam_time_its_note_and_file(store_path: str) -> None:
    upload = table(run(store_path)).set_index("Số / No.").loc[2]
    assert upload["Người thực hiện / By"] == "Bình"
    assert upload["Thời điểm / When"] == "13/11/2026 16:05"
    assert upload["Ghi chú / Note"] == "Cập nhật danh sách hộ tuần 46"
    assert upload["Tệp / File"] == "households_tuan46.xlsx"


def test_a_changeset_counts_the_rows_added_changed_and_removed_per_layer(store_path: str) -> None:
    upload = table(run(store_path)).set_index("Số / No.").loc[2]
    counts = upload["Lớp: thêm, sửa, xóa / Layers: added, changed, removed"]
    assert counts == "Hộ có đất bị thu hồi: thêm 1, sửa 2, xóa 1"
    assert (upload["Thêm / Added"], upload["Sửa / Changed"], upload["Xóa / Removed"]) == (1, 2, 1)


def test_choosing_a_layer_lists_only_the_changesets_that_changed_it(store_path: str) -> None:
    t = table(run(store_path, layer="grievances"))
    assert t["Số / No."].tolist() == [4, 3, 1]


def test_a_households_history_shows_its_stage_move_when_and_by_whom(store_path: str) -> None:
    text = markdown(run(store_path, record="H3"))
    assert "H3 (P1, thửa 2-1): " in text
    assert "Điều tra, kiểm đếm → Phê duyệt phương án, 12/11/2026, bởi Bình (#2, 13/11/2026 16:05)" in text


def test_a_grievances_history_is_found_by_its_number(store_path: str) -> None:
    text = markdown(run(store_path, record="G1"))
    assert "G1: Đang giải quyết → Đã giải quyết, 16/11/2026, bởi Bình" in text


def test_an_id_without_history_says_so(store_path: str) -> None:
    at = run(store_path, record="H99")
    assert "Không có lịch sử" in at.info[0].value


def test_the_full_view_shows_names_and_amounts_in_a_records_history(store_path: str) -> None:
    text = markdown(run(store_path, record="H4"))
    assert "330.000.000" in text


def test_without_personal_data_a_records_history_hides_amounts(store_path: str) -> None:
    text = markdown(run(store_path, "internal", record="H4"))
    assert "330.000.000" not in text and "328.000.000" not in text
    assert "Tiền bồi thường (đồng): [đã ẩn] → [đã ẩn]" in text


def test_meeting_mode_offers_no_records_history(store_path: str) -> None:
    at = run(store_path, "public")
    assert len(at.text_input) == 0
    assert "Chế độ họp" in at.caption[-1].value


def test_meeting_mode_masks_names_numbers_and_amounts_in_the_notes(store_path: str) -> None:
    note = table(run(store_path, "public")).set_index("Số / No.").loc[3, "Ghi chú / Note"]
    assert "Lê Văn Cường" not in note and "G1" not in note and "330.000.000" not in note
    assert note.startswith("Đã giải quyết đơn [số đơn đã ẩn] của hộ [họ tên đã ẩn]")


def test_the_full_view_shows_the_notes_as_written(store_path: str) -> None:
    note = table(run(store_path)).set_index("Số / No.").loc[3, "Ghi chú / Note"]
    assert note == "Đã giải quyết đơn G1 của hộ Lê Văn Cường, chi trả 330.000.000 đồng"


def test_the_history_is_read_only(store_path: str) -> None:
    before = Path(store_path).read_bytes()
    run(store_path, record="H3")
    assert Path(store_path).read_bytes() == before


def hook(path: str) -> None:
    """The script AppTest runs: the app's hook, given the store the app opened."""
    import geo
    from dashboard.data import open_store
    from dashboard.history import show

    show(open_store(path), geo.Disclosure.PERSONAL)


def test_the_apps_hook_shows_the_history_in_its_own_section(store_path: str) -> None:
    from dashboard.history import SECTION_KEY

    at = AppTest.from_function(hook, args=(store_path,), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.expander[0].label == "Lịch sử thay đổi / History"
    assert not at.dataframe  # folded: nothing of the history is read or drawn
    open_section(at, SECTION_KEY)
    assert table(at)["Số / No."].tolist() == [4, 3, 2, 1]


# --------------------------------------------------------------------------- who sees it in the app

PASSWORD = "mật-khẩu-thử-1"


@pytest.fixture
def accounts(tmp_path: Path) -> str:
    """A small store with an administrator, an inspector, a leadership account and an officer of hamlet A."""
    import streamlit as st
    from conftest import build_workspace

    from geo.store import import_folder
    from geo.store.accounts import add_user

    folder = build_workspace(tmp_path / "ws", toml='[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n')
    target = str(tmp_path / "kho.gpkg")
    with import_folder(target, folder, user="Lan") as s:
        add_user(s, "quantri", PASSWORD, "admin", by="test")
        add_user(s, "thanhtra", PASSWORD, "inspector", by="test")
        add_user(s, "lanhdao", PASSWORD, "leadership", by="test")
        add_user(s, "canbo", PASSWORD, "officer", hamlets=["A"], by="test")
    st.cache_resource.clear()
    st.cache_data.clear()
    return target


def app_sections(monkeypatch: pytest.MonkeyPatch, target: str, name: str) -> list[str]:
    """The sections (expanders) of the app on ``target`` signed in as ``name`` through its form."""
    from tests.dashboard_support import signed_in

    at = signed_in(monkeypatch, target, name, PASSWORD)
    assert headline(at)
    return [e.label for e in at.expander]


def test_the_administrator_has_the_history_in_the_app(monkeypatch, accounts):
    assert "Lịch sử thay đổi / History" in app_sections(monkeypatch, accounts, "quantri")


@pytest.mark.parametrize("name", ["thanhtra", "lanhdao", "canbo"])
def test_no_other_role_has_the_history_in_the_app(monkeypatch, accounts, name):
    sections = app_sections(monkeypatch, accounts, name)
    assert "Lịch sử thay đổi / History" not in sections and sections  # the page's other sections are there
