"""The audit trail page (dashboard/audit.py) through Streamlit's AppTest, on small GeoPackage stores built here.

The store is the small workspace (``conftest.build_workspace``) with one account per role; its audit
holds the rows its import and accounts left, and the rows each test records at given moments.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from conftest import build_workspace
from streamlit.testing.v1 import AppTest

from geo.store import Store, import_folder
from geo.store.accounts import add_user
from geo.store.audit import read_audit, record
from tests import dashboard_support as support
from tests.dashboard_support import headline

pytestmark = pytest.mark.slow

TOML = '[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n'
PASSWORD = "mật-khẩu-thử-1"
ROLES = {"quantri": "admin", "lanhdao": "leadership", "canbo": "officer", "vanphong": "clerk"}
AUDIT = "Nhật ký truy cập / Audit trail"
HISTORY = "Lịch sử thay đổi / History"


@pytest.fixture
def store(tmp_path: Path) -> str:
    """The small workspace in a GeoPackage store with an account of each role the tests need."""
    folder = build_workspace(tmp_path / "ws", toml=TOML)
    target = str(tmp_path / "kho.gpkg")
    with import_folder(target, folder, user="Lan") as s:
        for name, role in ROLES.items():
            add_user(s, name, PASSWORD, role, hamlets=["A"] if role == "officer" else (), by="test")
    st.cache_resource.clear()
    st.cache_data.clear()
    return target


def signed_in(monkeypatch: pytest.MonkeyPatch, target: str, name: str) -> AppTest:
    """The app on ``target``, signed in as ``name`` through its form."""
    return support.signed_in(monkeypatch, target, name, PASSWORD)


def sections(at: AppTest) -> list[str]:
    return [e.label for e in at.expander]


# --------------------------------------------------------------------------- who sees it


def test_the_administrator_has_the_audit_trail_below_the_history(monkeypatch, store):
    labels = sections(signed_in(monkeypatch, store, "quantri"))
    assert AUDIT in labels and labels.index(HISTORY) < labels.index(AUDIT)


@pytest.mark.parametrize("name", ["lanhdao", "canbo", "vanphong"])
def test_no_other_role_has_the_audit_trail(monkeypatch, store, name):
    at = signed_in(monkeypatch, store, name)
    assert headline(at) and AUDIT not in sections(at)


# --------------------------------------------------------------------------- the page


def moments(target: str) -> None:
    """Three rows at known moments: Bình's download on 10/11, Lan's refused one and export on 20/11."""
    with Store.open(target) as s:
        record(
            s,
            "Bình",
            "download",
            what="ban_do_P1_10-11-2026.png",
            format="png",
            sha256="ab" * 32,
            at=datetime(2026, 11, 10, 2, 0, tzinfo=UTC),
        )
        record(
            s,
            "Lan",
            "download",
            what="bao_cao_tuan_P1.docx",
            format="docx",
            personal=True,
            outcome="refused",
            at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
        )
        record(
            s,
            "Lan",
            "export",
            what="DA-1",
            format="xlsx",
            sha256="cd" * 32,
            at=datetime(2026, 11, 20, 3, 30, tzinfo=UTC),
        )


def panel(target: str) -> None:
    """The script AppTest runs: the audit page of the store at ``target``, for its administrator."""
    from dashboard.audit import audit_panel
    from dashboard.data import open_store
    from geo.store.accounts import get_user

    store = open_store(target)
    audit_panel(store, get_user(store, "quantri"))


def page(target: str) -> AppTest:
    moments(target)
    at = AppTest.from_function(panel, args=(target,), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def test_the_audit_lists_the_rows_newest_first_in_vietnam_time(store):
    rows = table(page(store))
    assert rows["Thời điểm / Time"].tolist()[:3] == ["20/11/2026 10:30", "20/11/2026 08:00", "10/11/2026 09:00"]


def test_the_audit_shows_each_column_in_vietnamese_then_english(store):
    rows = table(page(store))
    lan = rows.iloc[1]
    assert (lan["Người dùng / User"], lan["Hành động / Action"]) == ("Lan", "tải xuống / download")
    assert (lan["Nội dung / What"], lan["Định dạng / Format"]) == ("bao_cao_tuan_P1.docx", "docx")
    assert (lan["Có dữ liệu cá nhân / Personal data"], lan["Kết quả / Outcome"]) == ("có / yes", "bị từ chối / refused")


def test_the_audit_shortens_the_sha256_on_screen(store):
    assert table(page(store)).iloc[0]["sha256"] == "cd" * 6 + "…"


def test_the_audit_filters_by_user(store):
    at = page(store)
    at.selectbox(key="audit_user").set_value("Bình").run()
    assert table(at)["Người dùng / User"].tolist() == ["Bình"]


def test_the_audit_filters_from_a_day_on(store):
    at = page(store)
    at.date_input(key="audit_since").set_value(datetime(2026, 11, 20).date()).run()
    times = table(at)["Thời điểm / Time"].tolist()
    assert "10/11/2026 09:00" not in times and "20/11/2026 08:00" in times
    assert "20/11/2026" in " ".join(c.value for c in at.caption)


def test_the_audits_csv_holds_the_filtered_rows_and_its_download_is_audited(store, monkeypatch):
    import hashlib

    made = support.keep_download_files(monkeypatch)
    at = page(store)
    at.selectbox(key="audit_user").set_value("Lan").run()
    name, data = next((n, f) for n, f in made.items() if n.startswith("nhat_ky_truy_cap_Lan_"))
    content = data()
    rows = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert set(rows["Người dùng / User"]) == {"Lan"}  # her rows only: the two above and her import (changeset 1)
    assert rows["Nội dung / What"].tolist()[:2] == ["DA-1", "bao_cao_tuan_P1.docx"]
    assert rows["sha256"].iloc[0] == "cd" * 32
    with Store.open(store) as s:
        last = read_audit(s)[-1]
    assert (last.user, last.action, last.what, last.format) == ("quantri", "download", name, "csv")
    assert last.sha256 == hashlib.sha256(content).hexdigest()
