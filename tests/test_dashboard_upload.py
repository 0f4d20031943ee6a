"""The upload page (dashboard/upload.py) through Streamlit's AppTest, on small stores built here.

Each test imports the small workspace (``conftest.build_workspace``, as of 20/11/2026: households H1,
H2, H3 of project P1) into a new GeoPackage store (one test: the PostGIS server), then uploads a
households list through the page: its dry run, the confirmation, refusals.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from conftest import build_workspace, default_layers
from streamlit.testing.v1 import AppTest
from test_store import content

from dashboard import upload
from geo.store import Store, import_folder, upload_file
from tests.dashboard_support import metric, open_section

pytestmark = pytest.mark.slow

TOML = '[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n'
APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
_databases = itertools.count(1)


def make_store(tmp_path: Path, toml: str = TOML, target: str | None = None) -> str:
    """The small workspace imported into a store (a GeoPackage in ``tmp_path`` unless ``target``)."""
    folder = build_workspace(tmp_path / "ws", toml=toml)
    target = target or str(tmp_path / "kho.gpkg")
    import_folder(target, folder, user="Lan").close()
    return target


@pytest.fixture
def store(tmp_path: Path) -> str:
    return make_store(tmp_path)


PASSWORD = "mật-khẩu-thử-1"


@pytest.fixture
def accounts(store: str) -> str:
    """The store with an administrator, a leadership account, an officer of hamlet A (H1, H2) and two clerks
    (``vanphong2`` may export personal data)."""
    from geo.store.accounts import add_user

    with Store.open(store) as s:
        add_user(s, "quantri", PASSWORD, "admin", by="test")
        add_user(s, "lanhdao", PASSWORD, "leadership", by="test")
        add_user(s, "canbo", PASSWORD, "officer", hamlets=["A"], by="test")
        add_user(s, "vanphong", PASSWORD, "clerk", by="test")
        add_user(s, "vanphong2", PASSWORD, "clerk", exports_personal=True, by="test")
    return store


def households() -> pd.DataFrame:
    return pd.DataFrame(default_layers()["households"])


def csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def week47() -> bytes:
    """H3 handed over on 15/11/2026, H1's amount raised, H2 off the list, H4 new on parcel 2-2."""
    week = households()
    week.loc[week.household_id == "H3", ["stage", "stage_date"]] = ["handed_over", "15/11/2026"]
    week.loc[week.household_id == "H1", "compensation_vnd"] = "120000000"
    week = week[week.household_id != "H2"]
    new = {"household_id": "H4", "household_name": "Phạm Thị Dung", "project_id": "P1", "map_sheet": "2"}
    new |= {"parcel_no": "2", "stage": "notified", "stage_date": "10/11/2026"}
    return csv(pd.concat([week, pd.DataFrame([new])], ignore_index=True))


def h3_handed_over() -> bytes:
    """Only H3 moves on (handed over on 15/11/2026)."""
    week = households()
    week.loc[week.household_id == "H3", ["stage", "stage_date"]] = ["handed_over", "15/11/2026"]
    return csv(week)


def panel(target: str, base: int | None, disclosure: str, account: str | None = None) -> None:
    """The script AppTest runs: the upload page of the store at ``target`` (signed in as ``account``)."""
    import geo
    from dashboard.upload import upload_panel
    from geo.store import Store
    from geo.store.accounts import get_user
    from geo.store.source import StoreSource

    with Store.open(target) as store:
        signed_in = None if account is None else get_user(store, account)
        ws = geo.assemble(StoreSource(target, store=store).read())
        upload_panel(store, base, geo.Disclosure(disclosure), account=signed_in, ws=ws)


def open_page(target: str, base: int | None = 1, disclosure: str = "personal", account: str | None = None) -> AppTest:
    at = AppTest.from_function(panel, args=(target, base, disclosure, account), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, name: str, data: bytes, user: str | None = "Bình", note: str = "Tuần 47") -> AppTest:
    """Pick a households file, say who (``None``: signed in, no name to give) and why (the page then checks
    the file's type and size)."""
    at.file_uploader(key="upload_file_0").set_value((name, data, "application/octet-stream"))
    if user is not None:
        at.text_input(key="upload_user").input(user)
    at.text_input(key="upload_note_0").input(note)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def preview(target: str, data: bytes, disclosure: str = "personal") -> AppTest:
    """The page after choosing ``data`` as households.csv and asking for its preview (the dry run)."""
    return click(choose(open_page(target, disclosure=disclosure), "households.csv", data), "upload_preview")


def history(target: str) -> list[dict]:
    with Store.open(target) as s:
        return s.history()


def store_content(target: str) -> dict[str, list]:
    with Store.open(target) as s:
        return content(s)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def unescape(text: str) -> str:
    """Markdown as read (the escapes of data values taken out)."""
    return re.sub(r"\\(.)", r"\1", text)


def markdown(at: AppTest) -> str:
    """The page's Markdown as read."""
    return unescape("\n".join(m.value for m in at.markdown))


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def changed(at: AppTest) -> pd.DataFrame:
    return next(f for f in frames(at) if "Cũ / Old" in f.columns)


# --------------------------------------------------------------------------- the dry run


def test_a_dry_run_counts_the_rows_added_changed_and_removed(store: str) -> None:
    at = preview(store, week47())
    assert metrics(at) == {"Thêm / Added": "1", "Sửa / Changed": "2", "Bỏ / Removed": "1"}


def test_a_dry_run_summarises_the_change_per_hamlet(store: str) -> None:
    text = markdown(preview(store, week47()))
    assert "Thôn Lân Hoài: 1 hộ chuyển sang Bàn giao mặt bằng" in text
    assert "Thôn Đồng Tâm: 1 dòng bỏ / removed" in text


def test_a_dry_run_shows_each_changed_value_old_to_new_with_its_label(store: str) -> None:
    t = changed(preview(store, week47()))
    h3 = t[t["Dòng / Row"] == "H3 (P1, thửa 2-1)"].set_index("Cột / Column")
    assert h3.loc["Bước", ["Cũ / Old", "Mới / New"]].tolist() == ["Điều tra, kiểm đếm", "Bàn giao mặt bằng"]
    assert h3.loc["Ngày cập nhật", ["Cũ / Old", "Mới / New"]].tolist() == ["01/09/2026", "15/11/2026"]


def test_a_dry_run_leaves_the_store_unchanged(store: str) -> None:
    before = store_content(store)
    preview(store, week47())
    assert store_content(store) == before


def test_the_full_view_shows_names_and_amounts_in_the_diff(store: str) -> None:
    at = preview(store, week47())
    t = changed(at).set_index("Cột / Column")
    assert t.loc["Tiền bồi thường (đồng)", ["Cũ / Old", "Mới / New"]].tolist() == ["100.000.000", "120.000.000"]
    assert "Trần Thị Bình" in pd.concat(frames(at)).to_string()


def test_without_personal_data_names_and_amounts_read_hidden(store: str) -> None:
    at = preview(store, week47(), disclosure="internal")
    t = changed(at).set_index("Cột / Column")
    assert t.loc["Tiền bồi thường (đồng)", ["Cũ / Old", "Mới / New"]].tolist() == ["đã ẩn / hidden"] * 2
    shown = pd.concat(frames(at)).to_string()
    assert "Trần Thị Bình" not in shown and "Phạm Thị Dung" not in shown and "120.000.000" not in shown
    assert "Bàn giao mặt bằng" in shown  # what is not personal still shows


def test_meeting_mode_offers_no_upload(store: str) -> None:
    at = open_page(store, disclosure="public")
    assert len(at.file_uploader) == 0
    assert "Chế độ họp" in at.caption[0].value


# --------------------------------------------------------------------------- the commit


def test_confirming_commits_the_upload_with_the_user_and_the_note(store: str) -> None:
    at = click(preview(store, week47()), "upload_confirm")
    changes = history(store)
    assert len(changes) == 2
    assert (changes[-1]["user"], changes[-1]["note"], changes[-1]["kind"]) == ("Bình", "Tuần 47", "upload")
    assert changes[-1]["source_name"] == "households.csv" and changes[-1]["base"] == 1
    assert changes[-1]["source_sha256"] == hashlib.sha256(week47()).hexdigest()  # the file as given
    assert changes[-1]["layers"]["households"] == {"added": 1, "changed": 2, "removed": 1}
    assert "Đã lưu thay đổi #2" in at.success[0].value


def test_after_the_commit_the_page_is_ready_for_the_next_file(store: str) -> None:
    at = click(preview(store, week47()), "upload_confirm")
    assert at.file_uploader[0].key == "upload_file_1" and at.file_uploader[0].value is None
    assert len(at.metric) == 0


def test_the_uploaded_file_is_kept_only_in_a_temporary_folder_removed_afterwards(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    files_before = sorted(p.name for p in tmp_path.rglob("*"))
    click(preview(store, week47()), "upload_confirm")
    assert len(history(store)) == 2
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in tmp_path.rglob("*")) == files_before


# --------------------------------------------------------------------------- refusals


def test_a_file_with_errors_is_refused_with_its_problems_and_the_store_unchanged(store: str) -> None:
    bad = households()
    bad.loc[bad.household_id == "H3", "stage"] = "xyz"
    before = store_content(store)
    at = preview(store, csv(bad))
    refusal = unescape(at.error[0].value)
    assert "bị từ chối" in refusal and "households.csv" in refusal and "the store is unchanged" in refusal
    text = markdown(at)
    assert "households.csv" in text and "dòng/row 4" in text and "Unknown stage “xyz”" in text
    assert not any(b.key == "upload_confirm" for b in at.button)
    assert store_content(store) == before


def test_a_file_of_another_type_is_refused_before_it_is_read(store: str) -> None:
    at = choose(open_page(store), "households.docx", b"PK\x03\x04 not a list")
    assert "docx" in unescape(at.error[0].value)
    assert ".xlsx" in markdown(at) and ".csv" in markdown(at)
    assert not any(b.key == "upload_preview" for b in at.button)
    assert len(history(store)) == 1


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    target = make_store(tmp_path, TOML + "[limits]\nmax_file_mb = 1\n")
    at = choose(open_page(target), "households.csv", b"\xff\xfe garbage that no reader could parse" * 40_000)
    text = markdown(at)
    assert "Kích thước tệp: 1,5 MB, vượt giới hạn 1,0 MB" in text
    assert "max_file_mb" in text
    assert "encoding" not in text.lower() and "mã hóa" not in text  # never read: no reading problem
    assert not any(b.key == "upload_preview" for b in at.button)
    assert len(history(target)) == 1


def test_a_stale_upload_is_refused_naming_who_changed_the_list_since(store: str, tmp_path: Path) -> None:
    at = preview(store, h3_handed_over())
    other = households()
    other.loc[other.household_id == "H2", ["stage", "stage_date"]] = ["handed_over", "18/11/2026"]
    (tmp_path / "chi.csv").write_bytes(csv(other))
    with Store.open(store) as s:  # another officer uploads after Bình's preview, before his confirmation
        assert upload_file(s, "households", tmp_path / "chi.csv", user="Chi", note="Bàn giao H2").commit
    before = store_content(store)
    click(at, "upload_confirm")
    warning = unescape(at.warning[0].value)
    assert "Chi" in warning and "#2" in warning and "Bàn giao H2" in warning
    assert store_content(store) == before
    assert [c["user"] for c in history(store)] == ["Lan", "Chi"]


def test_a_stale_upload_merges_the_rows_that_do_not_conflict_when_asked(store: str, tmp_path: Path) -> None:
    at = preview(store, h3_handed_over())
    other = households()
    other.loc[other.household_id == "H2", ["stage", "stage_date"]] = ["handed_over", "18/11/2026"]
    (tmp_path / "chi.csv").write_bytes(csv(other))
    with Store.open(store) as s:
        assert upload_file(s, "households", tmp_path / "chi.csv", user="Chi").commit
    click(click(at, "upload_confirm"), "upload_merge")
    assert metrics(at)["Sửa / Changed"] == "1"  # only Bình's own change (H3) applies
    click(at, "upload_confirm")
    assert [c["user"] for c in history(store)] == ["Lan", "Chi", "Bình"]
    with Store.open(store) as s:
        stages = s.layer("households").set_index("household_id")["stage"]
    assert stages[["H2", "H3"]].tolist() == ["handed_over", "handed_over"]  # Chi's and Bình's


# --------------------------------------------------------------------------- PostGIS, and in the app


def test_an_upload_is_previewed_and_committed_on_a_postgis_store(tmp_path: Path, postgis_url: str) -> None:
    from postgis import create_database

    target = make_store(tmp_path, target=create_database(postgis_url, f"upload_{next(_databases)}"))
    at = preview(target, week47())
    assert metrics(at) == {"Thêm / Added": "1", "Sửa / Changed": "2", "Bỏ / Removed": "1"}
    assert len(history(target)) == 1
    click(at, "upload_confirm")
    assert [(c["user"], c["note"]) for c in history(target)][1:] == [("Bình", "Tuần 47")]
    assert len(history(target)) == 2


def test_the_app_reloads_its_data_after_an_upload(accounts: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = accounts
    monkeypatch.setattr(sys, "argv", [APP, "--workspace", store])
    monkeypatch.delenv("GEO_WORKSPACE", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.text_input(key="signin_name").input("quantri")  # a store asks for sign-in (issue 16)
    at.text_input(key="signin_password").input(PASSWORD)
    next(b for b in at.button if b.label.startswith("Đăng nhập")).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("#1" in c.value for c in at.caption)
    open_section(at, upload.SECTION_KEY)
    choose(at, "households.csv", week47(), user=None)
    click(at, "upload_preview")
    click(at, "upload_confirm")
    assert any("#2" in c.value for c in at.caption)  # the page now shows the new changeset
    handed = metric(at, "Hộ đã bàn giao")
    assert handed == "66,7%"  # H1 and H3 of H1, H3, H4


# --------------------------------------------------------------------------- signed in (issue 16)


def test_a_signed_in_upload_is_recorded_under_the_account_with_no_name_field(accounts: str) -> None:
    at = choose(open_page(accounts, account="quantri"), "households.csv", week47(), user=None)
    assert not [t for t in at.text_input if t.key == "upload_user"]
    click(click(at, "upload_preview"), "upload_confirm")
    assert [c["user"] for c in history(accounts)][1:] == ["quantri"]


def test_a_role_that_does_not_edit_gets_no_upload(accounts: str) -> None:
    at = open_page(accounts, account="lanhdao")
    assert not at.file_uploader and "không tải lên" in " ".join(c.value for c in at.caption)


def test_an_officer_may_upload_its_own_hamlets_rows(accounts: str) -> None:
    week = households()
    week.loc[week.household_id == "H1", "compensation_vnd"] = "120000000"  # H1: hamlet A, the officer's
    at = click(choose(open_page(accounts, account="canbo"), "households.csv", csv(week), user=None), "upload_preview")
    assert not at.error and at.button(key="upload_confirm")


def test_an_officer_upload_changing_another_hamlets_row_is_refused_naming_the_row(accounts: str) -> None:
    at = click(
        choose(open_page(accounts, account="canbo"), "households.csv", h3_handed_over(), user=None), "upload_preview"
    )
    refusal = " ".join(e.value for e in at.error)
    assert "ngoài các thôn bạn theo dõi" in refusal and "H3" in refusal and "dòng/row 4" in refusal
    assert not [b for b in at.button if b.key == "upload_confirm"]
    assert len(history(accounts)) == 1


# --------------------------------------------------------------------------- a clerk uploads (issue 17)


def test_a_clerk_may_upload_every_hamlets_rows(accounts: str) -> None:
    at = click(
        choose(open_page(accounts, account="vanphong"), "households.csv", h3_handed_over(), user=None), "upload_preview"
    )  # H3 is in hamlet B: no officer's, the office's
    assert not at.error and metrics(at)["Sửa / Changed"] == "1"
    click(at, "upload_confirm")
    assert [c["user"] for c in history(accounts)][1:] == ["vanphong"]


def test_a_clerks_diff_shows_no_names_ids_or_amounts(accounts: str) -> None:
    at = click(choose(open_page(accounts, account="vanphong"), "households.csv", week47(), user=None), "upload_preview")
    shown = pd.concat(frames(at)).to_string()
    assert "Phạm Thị Dung" not in shown and "120.000.000" not in shown and "100.000.000" not in shown
    assert not re.search(r"\bH[1-4]\b", shown) and "ẩn-" in shown  # household ids as pseudonyms
    assert "Bàn giao mặt bằng" in shown  # the stage is no personal data


def test_a_clerk_allowed_personal_exports_sees_the_values_in_the_diff(accounts: str) -> None:
    at = click(
        choose(open_page(accounts, account="vanphong2"), "households.csv", week47(), user=None), "upload_preview"
    )
    t = changed(at).set_index("Cột / Column")
    assert t.loc["Tiền bồi thường (đồng)", ["Cũ / Old", "Mới / New"]].tolist() == ["100.000.000", "120.000.000"]
    assert "H3 (P1, thửa 2-1)" in t["Dòng / Row"].tolist()


def test_an_officers_diff_of_its_hamlet_shows_its_households(accounts: str) -> None:
    week = households()
    week.loc[week.household_id == "H1", "compensation_vnd"] = "120000000"
    at = click(choose(open_page(accounts, account="canbo"), "households.csv", csv(week), user=None), "upload_preview")
    assert changed(at)["Dòng / Row"].tolist() == ["H1 (P1, thửa 1-1)"]


# --------------------------------------------------------------------------- the file's type, before reading


@pytest.mark.parametrize("name", ["ds_ho.xlsx", "DS_HO.CSV", "thua_dat.zip", "thua_dat.gpkg", "du_an.geojson"])
def test_the_upload_types_pass_the_check_before_reading(name: str) -> None:
    from dashboard.upload import check_file
    from geo.limits import Limits

    assert check_file(name, 1_000, Limits()).ok


@pytest.mark.parametrize("name", ["ds_ho.xls", "thua_dat.shp", "ds_ho.docx", "ds_ho.pdf", "ds_ho"])
def test_other_types_are_refused_before_reading_with_what_to_do(name: str) -> None:
    from dashboard.upload import check_file
    from geo.limits import Limits

    problem = check_file(name, 1_000, Limits()).errors[0]
    assert problem.code == "unknown_format" and ".xlsx" in problem.message and ".zip" in problem.message
    assert "Save the list as .xlsx or .csv" in problem.fix


# --------------------------------------------------------------------------- columns matched by hand


def office_xlsx() -> bytes:
    """An office's households list whose household id reads “Mã số hộ” and whose amount is spread over
    three lower cells (land, assets, total) of a two-row header (test_store_upload.office_list)."""
    from test_store_upload import office_list

    with tempfile.TemporaryDirectory() as folder:
        return office_list(Path(folder) / "ds_ho.xlsx").read_bytes()


def test_a_header_no_alias_matches_offers_the_files_headers_to_choose(store: str) -> None:
    at = click(choose(open_page(store), "ds_ho.xlsx", office_xlsx()), "upload_preview")
    assert "Mã số hộ" in markdown(at)  # the headers found, in the refusal
    household = at.selectbox(key="upload_column_household_id")
    assert household.value == "— (không có / none) —" and "Mã số hộ" in household.options
    assert at.selectbox(key="upload_column_map_sheet").value == "Số tờ"  # what matches, chosen already
    assert "Số tiền bồi thường (đồng) – Tổng" in at.selectbox(key="upload_column_compensation_vnd").options


def test_columns_chosen_in_the_page_read_the_file_and_are_remembered_once_confirmed(store: str) -> None:
    at = click(choose(open_page(store), "ds_ho.xlsx", office_xlsx()), "upload_preview")
    at.selectbox(key="upload_column_household_id").set_value("Mã số hộ")
    at.selectbox(key="upload_column_compensation_vnd").set_value("Số tiền bồi thường (đồng) – Tổng")
    at = next(b for b in at.button if b.label.startswith("Đọc lại")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    t = changed(at).set_index(["Dòng / Row", "Cột / Column"])
    amount = ("H1 (P1, thửa 1-1)", "Tiền bồi thường (đồng)")
    assert t.loc[amount, ["Cũ / Old", "Mới / New"]].tolist() == ["100.000.000", "120.000.000"]  # the total
    with Store.open(store) as s:
        assert s.config() == TOML  # nothing kept before the confirmation
    at = click(at, "upload_confirm")
    assert "ghi nhớ" in at.success[0].value
    changes = history(store)
    assert [(c["user"], c["kind"]) for c in changes[1:]] == [("Bình", "upload"), ("Bình", "config")]
    with Store.open(store) as s:
        kept = s.config()
        assert kept.startswith(TOML) and 'household_id = "Mã số hộ"' in kept
        # the next upload of the same layout: read without asking (the command line's too)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "ds_ho_tuan_sau.xlsx"
            path.write_bytes(office_xlsx())
            assert not upload_file(s, "households", path, user="Chi", dry_run=True).refused
