"""The export buttons (dashboard/downloads.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard_support import build_app_ws, run_app, st_cache_clear


@pytest.fixture
def app_ws(build) -> Path:
    """Two hamlets, two projects, four households, history, grievances and field reports."""
    return build_app_ws(build)


def test_export_buttons_follow_the_selection(monkeypatch, app_ws):
    st_cache_clear()
    at = run_app(monkeypatch, app_ws, {"project": "P1", "as_of": "2026-11-20"})
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert any("Báo cáo tuần" in label for label in labels) and any("Excel" in label for label in labels)
    keys = {b.key for b in buttons}
    assert {"dl_report_week", "dl_report_month", "dl_xlsx", "dl_png", "dl_pdf", "dl_html"} <= keys


def test_export_file_names_carry_project_and_day_first_date():
    from datetime import date

    from dashboard.downloads import file_stem
    from geo.selection import Selection

    assert file_stem(None, Selection(project="P1", as_of=date(2026, 11, 20))) == "P1_20-11-2026"
    assert file_stem(None, Selection(as_of=date(2026, 11, 20))) == "tat_ca_du_an_20-11-2026"


# --------------------------------------------------------------------------- on a store: audited downloads

TOML = '[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n'
PASSWORD = "mật-khẩu-thử-1"
NAME_A = "Trần Thị Bình"  # H2, hamlet A, not handed over: in a personal report's appendix (conftest)


@pytest.fixture
def store(tmp_path: Path) -> str:
    """The small workspace in a GeoPackage store, with a clerk of each kind, an officer and an administrator."""
    import streamlit as st
    from conftest import build_workspace

    from geo.store import import_folder
    from geo.store.accounts import add_user

    folder = build_workspace(tmp_path / "ws", toml=TOML)
    target = str(tmp_path / "kho.gpkg")
    with import_folder(target, folder, user="Lan") as s:
        add_user(s, "vanphong", PASSWORD, "clerk", by="test")
        add_user(s, "vanphong_cn", PASSWORD, "clerk", exports_personal=True, by="test")
        add_user(s, "lanhdao", PASSWORD, "leadership", by="test")
        add_user(s, "quantri", PASSWORD, "admin", by="test")
    st.cache_resource.clear()
    st.cache_data.clear()
    return target


@pytest.fixture
def files(monkeypatch) -> dict:
    """File name → the function the page gave its download button (Streamlit calls it on a click)."""
    from tests.dashboard_support import keep_download_files

    return keep_download_files(monkeypatch)


def signed_in(monkeypatch, target: str, name: str):
    from tests.dashboard_support import signed_in

    return signed_in(monkeypatch, target, name, PASSWORD)


def downloads(target: str) -> list:
    from geo.store import Store
    from geo.store.audit import read_audit

    with Store.open(target) as s:
        return [e for e in read_audit(s) if e.action == "download"]


def named(files: dict, start: str, ext: str):
    """The button's function of the last run (a name first given by an earlier run keeps its place)."""
    return next(f for name, f in reversed(files.items()) if name.startswith(start) and name.endswith(ext))


def docx_text(content: bytes) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_a_download_on_a_store_leaves_an_audit_row_with_the_files_sha256(monkeypatch, store, files):
    import hashlib

    signed_in(monkeypatch, store, "vanphong")
    name = next(n for n in files if n.startswith("tong_hop_theo_thon_"))
    content = files[name]()
    rows = downloads(store)
    assert [(e.user, e.what, e.format, e.personal, e.outcome) for e in rows] == [
        ("vanphong", name, "xlsx", False, "done")
    ]
    assert rows[0].sha256 == hashlib.sha256(content).hexdigest()


def test_the_per_hamlet_tables_csv_downloads_are_audited_too(monkeypatch, store, files):
    import hashlib

    signed_in(monkeypatch, store, "vanphong")
    names = [n for n in files if n.startswith("tong_hop_thon_") and n.endswith(".csv")]
    assert len(names) == 2  # the CSV for Excel and the canonical one
    made = {n: files[n]() for n in names}
    rows = downloads(store)
    assert sorted((e.what, e.format, e.personal, e.sha256) for e in rows) == sorted(
        (n, "csv", False, hashlib.sha256(c).hexdigest()) for n, c in made.items()
    )


def test_a_download_is_recorded_only_when_its_file_is_asked_for(monkeypatch, store, files):
    signed_in(monkeypatch, store, "vanphong")
    assert files and downloads(store) == []


def test_a_file_that_cannot_be_made_is_recorded_as_refused_without_a_sha256(monkeypatch, store, files):
    from dashboard.downloads import FAILED, DownloadRefused
    from geo import exports
    from tests.dashboard_support import NAMES, raise_bug

    at = signed_in(monkeypatch, store, "vanphong")
    monkeypatch.setattr(exports, "snapshot_png", raise_bug)
    with pytest.raises(DownloadRefused) as refused:
        named(files, "ban_do_", ".png")()
    assert "Không tạo được tệp ban_do_" in str(refused.value) and NAMES[0] not in str(refused.value)
    assert [(e.format, e.outcome, e.sha256) for e in downloads(store)] == [("png", "refused", None)]
    at.run()  # the next run says it on the page, once
    messages = " ".join(e.value for e in at.sidebar.error)
    assert "Không tạo được tệp" in messages and "Could not make the file" in messages
    assert not at.session_state[FAILED]


def test_a_clerk_without_personal_exports_gets_no_personal_data_toggle(monkeypatch, store, files):
    from dashboard.downloads import PERSONAL_TOGGLE

    at = signed_in(monkeypatch, store, "vanphong")
    assert not [t for t in at.toggle if t.key == PERSONAL_TOGGLE]
    assert any("Không kèm họ tên" in c.value for c in at.sidebar.caption)
    assert NAME_A not in docx_text(named(files, "bao_cao_tuan_", ".docx")())


def test_leadership_gets_no_personal_data_toggle(monkeypatch, store, files):
    from dashboard.downloads import PERSONAL_TOGGLE

    at = signed_in(monkeypatch, store, "lanhdao")
    assert not [t for t in at.toggle if t.key == PERSONAL_TOGGLE]


def test_a_clerk_allowed_personal_exports_gets_a_report_naming_households_and_a_personal_row(monkeypatch, store, files):
    from dashboard.downloads import PERSONAL_TOGGLE

    at = signed_in(monkeypatch, store, "vanphong_cn")
    at.toggle(key=PERSONAL_TOGGLE).set_value(True).run()
    assert not at.exception
    assert NAME_A in docx_text(named(files, "bao_cao_tuan_", ".docx")())
    assert [(e.user, e.format, e.personal, e.outcome) for e in downloads(store)] == [
        ("vanphong_cn", "docx", True, "done")
    ]


def test_the_interactive_map_with_personal_data_names_households(monkeypatch, store, files):
    from dashboard.downloads import PERSONAL_TOGGLE

    at = signed_in(monkeypatch, store, "vanphong_cn")
    at.toggle(key=PERSONAL_TOGGLE).set_value(True).run()
    assert NAME_A in named(files, "ban_do_", ".html")().decode("utf-8")
    assert [(e.format, e.personal) for e in downloads(store)] == [("html", True)]


def test_without_the_toggle_a_clerk_allowed_personal_exports_gets_no_names(monkeypatch, store, files):
    signed_in(monkeypatch, store, "vanphong_cn")
    assert NAME_A not in docx_text(named(files, "bao_cao_tuan_", ".docx")())
    assert [e.personal for e in downloads(store)] == [False]


def test_in_meeting_mode_there_is_no_personal_data_toggle(monkeypatch, store, files):
    from dashboard.downloads import PERSONAL_TOGGLE

    at = signed_in(monkeypatch, store, "quantri")
    assert at.toggle(key=PERSONAL_TOGGLE)  # the administrator may
    at.toggle(key="f_meeting").set_value(True).run()
    assert not [t for t in at.toggle if t.key == PERSONAL_TOGGLE]


def test_a_personal_file_for_an_account_not_allowed_is_refused_and_recorded(store):
    from dashboard.downloads import DownloadRefused, audited
    from geo.store import Store

    with Store.open(store) as s:
        data = audited(s, "vanphong", "bao_cao_tuan_x.docx", lambda: b"never made", personal=True, allowed=False)
        with pytest.raises(DownloadRefused, match="không được tải"):
            data()
    assert [(e.what, e.format, e.personal, e.outcome, e.sha256) for e in downloads(store)] == [
        ("bao_cao_tuan_x.docx", "docx", True, "refused", None)
    ]


def test_a_folder_workspace_keeps_its_buttons_without_a_store(monkeypatch, app_ws, files):
    from dashboard.downloads import PERSONAL_TOGGLE

    st_cache_clear()
    at = run_app(monkeypatch, app_ws)
    assert not [t for t in at.toggle if t.key == PERSONAL_TOGGLE]
    assert named(files, "bao_cao_tuan_", ".docx")()[:2] == b"PK"  # made, with no store to record in


def test_an_officers_personal_report_names_its_hamlets_households_and_no_other(monkeypatch, tmp_path, files):
    import streamlit as st
    from conftest import build_workspace

    from dashboard.downloads import PERSONAL_TOGGLE
    from geo.store import import_folder
    from geo.store.accounts import add_user

    target = str(tmp_path / "kho_canbo.gpkg")
    with import_folder(target, build_workspace(tmp_path / "ws_canbo", toml=TOML), user="Lan") as s:
        add_user(s, "canbo", PASSWORD, "officer", hamlets=["A"], by="test")
    st.cache_resource.clear()
    at = signed_in(monkeypatch, target, "canbo")
    at.multiselect(key="f_hamlets").set_value([]).run()  # the whole commune
    at.toggle(key=PERSONAL_TOGGLE).set_value(True).run()
    text = docx_text(named(files, "bao_cao_tuan_", ".docx")())
    assert NAME_A in text and "Lê Văn Cường" not in text  # H3 of hamlet B, not handed over either
    assert [(e.user, e.personal) for e in downloads(target)] == [("canbo", True)]
