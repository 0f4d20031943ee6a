"""Who may upload what (geo/store/upload.py: ``refused_rows``), on a small GeoPackage store built here.

The small workspace (``conftest.build_workspace``): hamlet A with households H1, H2 and hamlet B with
H3 (a household row's key: ``H3|P1|2-2``). Each test uploads a households list as a dry run and
asks which of its rows an account may not make.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import build_workspace, default_layers

import geo
from geo.access import Access
from geo.store import Store, import_folder, upload_file
from geo.store.source import StoreSource
from geo.store.upload import refusal_text, refused_rows

TOML = '[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n'


@pytest.fixture
def target(tmp_path: Path) -> str:
    folder = build_workspace(tmp_path / "ws", toml=TOML)
    path = str(tmp_path / "kho.gpkg")
    import_folder(path, folder, user="Lan").close()
    return path


def dry_run(target: str, tmp_path: Path, change: dict[str, tuple[str, str]]) -> tuple[object, geo.Workspace]:
    """The diff of a households list where each household of ``change`` gets a new (column, value)."""
    week = pd.DataFrame(default_layers()["households"])
    for household, (column, value) in change.items():
        week.loc[week.household_id == household, column] = value
    path = tmp_path / "households.csv"
    week.to_csv(path, index=False)
    with Store.open(target) as store:
        ws = geo.assemble(StoreSource(target, store=store).read())
        up = upload_file(store, "households", path, user="Bình", dry_run=True)
    assert up.diff is not None and not up.refused
    return up.diff, ws


def test_an_officer_may_change_its_own_hamlets_rows(target, tmp_path):
    diff, ws = dry_run(target, tmp_path, {"H1": ("compensation_vnd", "120000000")})
    assert refused_rows(diff, Access("officer", {"A"}), ws) == []


def test_an_officers_change_to_another_hamlets_row_is_refused_by_its_key(target, tmp_path):
    diff, ws = dry_run(target, tmp_path, {"H1": ("compensation_vnd", "120000000"), "H3": ("stage", "handed_over")})
    assert [key.split("|")[0] for key in refused_rows(diff, Access("officer", {"A"}), ws)] == ["H3"]


def test_an_administrator_is_refused_no_row(target, tmp_path):
    diff, ws = dry_run(target, tmp_path, {"H3": ("stage", "handed_over")})
    assert refused_rows(diff, Access("admin"), ws) == []


def test_without_the_workspace_an_officer_is_refused_every_touched_row(target, tmp_path):
    diff, _ = dry_run(target, tmp_path, {"H1": ("compensation_vnd", "120000000")})
    assert [key.split("|")[0] for key in refused_rows(diff, Access("officer", {"A"}), None)] == ["H1"]


def test_the_refusal_names_the_rows_in_vietnamese_then_english():
    text = refusal_text(["H3", "H9"])
    assert text.startswith("Tệp sửa 2 dòng ngoài các thôn bạn theo dõi") and "H3, H9" in text
    assert "Upload only your hamlets' rows" in text


# --- a change through the Python API is checked like a file ---------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [("stage", "xong", "unknown_value"), ("household_id", "", "missing_value"), ("stage", None, "missing_value")],
)
def test_an_edit_that_leaves_a_value_no_file_could_hold_is_refused_and_the_store_kept(target, column, value, code):
    from geo.store import ValidationRefused
    from geo.store.upload import store_config, validator

    with Store.open(target) as store:
        before = store.head()
        row = store.layer("households").iloc[[0]].copy()
        row[column] = value
        with pytest.raises(ValidationRefused) as refused:
            store.edit("households", row, user="Bình", validate=validator(store_config(store)))
        assert code in {p.code for p in refused.value.errors}
        assert store.head() == before


def test_the_refusal_names_each_refused_rows_row_in_the_file(target, tmp_path):
    week = pd.DataFrame(default_layers()["households"])
    week.loc[week.household_id == "H3", "stage"] = "handed_over"  # the file's row 4
    path = tmp_path / "households.csv"
    week.to_csv(path, index=False)
    with Store.open(target) as store:
        ws = geo.assemble(StoreSource(target, store=store).read())
        up = upload_file(store, "households", path, user="Bình", dry_run=True)
    refused = refused_rows(up.diff, Access("officer", {"A"}), ws)
    assert refusal_text(refused, up.rows).split(":")[1].split(".")[0] == " H3|P1|2-1 (dòng/row 4)"


def test_a_clerk_is_refused_no_row_of_any_hamlet(target, tmp_path):
    diff, ws = dry_run(target, tmp_path, {"H1": ("compensation_vnd", "120000000"), "H3": ("stage", "handed_over")})
    assert refused_rows(diff, Access("clerk"), ws) == []


@pytest.mark.parametrize("role", ["leadership", "party_cell", "inspector"])
def test_a_role_that_does_not_upload_is_refused_every_touched_row(target, tmp_path, role):
    diff, ws = dry_run(target, tmp_path, {"H1": ("compensation_vnd", "120000000")})
    hamlets = {"A"} if role == "party_cell" else ()
    assert [key.split("|")[0] for key in refused_rows(diff, Access(role, hamlets), ws)] == ["H1"]


# --------------------------------------------------------------------------- columns matched once, remembered


def office_list(path: Path, id_header: str = "Mã số hộ") -> Path:
    """The households as an office keeps them: a title block, a header whose household id reads “Mã số hộ”
    (no alias of household_id), and the amount spread over three lower cells under a merged upper one."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH HỘ CÓ ĐẤT BỊ THU HỒI"])
    sheet.append([])
    sheet.append(["STT", id_header, "Mã dự án", "Số tờ", "Số thửa", "Bước", "Số tiền bồi thường (đồng)", None, None])
    sheet.append([None, None, None, None, None, None, "Đất", "Tài sản", "Tổng"])  # row 4
    sheet.merge_cells("G3:I3")
    for col in "ABCDEF":
        sheet.merge_cells(f"{col}3:{col}4")
    for i, (hid, to, thua, stage, land, assets) in enumerate(
        [("H1", "1", "1", "handed_over", 90_000_000, 30_000_000), ("H2", "1", "2", "paid", 200_000_000, 0)]
    ):
        sheet.append([i + 1, hid, "P1", to, thua, stage, land, assets, land + assets])
    sheet.append([None, "H3", "P1", "2", "1", "surveyed"])
    book.save(path)
    return path


def test_a_header_no_alias_matches_is_refused_listing_the_headers_found_and_the_columns_expected(target, tmp_path):
    with Store.open(target) as store:
        up = upload_file(store, "households", office_list(tmp_path / "ds_ho.xlsx"), user="Bình", dry_run=True)
    missing = [p for p in up.report.errors if p.code == "missing_column"]
    assert up.refused and len(missing) == 1
    assert "“Mã số hộ”" in missing[0].message and "“Số tiền bồi thường (đồng) – Tổng”" in missing[0].message
    assert "household_id, ma_ho" in missing[0].fix


def test_the_headers_offered_name_a_lower_cell_under_a_merged_amount_with_its_upper_cell(target, tmp_path):
    from geo.store.upload import column_choices

    with Store.open(target) as store:
        choice = column_choices(store, "households", office_list(tmp_path / "ds_ho.xlsx"))
    assert choice.missing == ["household_id"]
    assert choice.headers[-3:] == [
        "Số tiền bồi thường (đồng) – Đất",
        "Số tiền bồi thường (đồng) – Tài sản",
        "Số tiền bồi thường (đồng) – Tổng",
    ]
    assert choice.matched["map_sheet"] == "Số tờ" and "compensation_vnd" not in choice.matched


def test_columns_matched_for_an_upload_are_remembered_under_the_users_name_for_the_next_one(target, tmp_path):
    columns = {"household_id": "Mã số hộ", "compensation_vnd": "Số tiền bồi thường (đồng) – Tổng"}
    with Store.open(target) as store:
        head = store.head()
        up = upload_file(store, "households", office_list(tmp_path / "ds_ho.xlsx"), user="Bình", columns=columns)
        assert not up.refused and up.remembered == head + 2  # the list, then the settings
        last = store.history()[-1]
        assert (last["user"], last["kind"]) == ("Bình", "config")
        assert '[layers.households.columns]\nhousehold_id = "Mã số hộ"' in store.config()
        amounts = store.layer("households").set_index("household_id")["compensation_vnd"]
        assert amounts["H1"] == 120_000_000  # the total, not the land's share
        # the next list of the office, in the same layout: read with the remembered columns, nothing asked
        again = office_list(tmp_path / "ds_ho_2.xlsx")
        nxt = upload_file(store, "households", again, user="Chi", dry_run=True)
    assert not nxt.refused, nxt.report.render()
    assert nxt.remembered is None


def test_remembering_columns_keeps_the_settings_comments_and_other_sections(target, tmp_path):
    from geo.store.upload import columns_text

    text = '# Xã Thử\n[workspace]\nname = "Xã Thử"\n\n[layers.households.columns]\nstage = "Tình trạng"  # cũ\n'
    out = columns_text(text, "households", {"household_id": "Mã số hộ", "stage": "Bước"})
    assert out.startswith('# Xã Thử\n[workspace]\nname = "Xã Thử"\n')
    import tomllib

    assert tomllib.loads(out)["layers"]["households"]["columns"] == {"household_id": "Mã số hộ", "stage": "Bước"}


def test_a_mapping_kept_as_an_inline_table_is_written_again_with_its_values(target, tmp_path):
    import tomllib

    from geo.store.upload import columns_text

    text = '[layers.households]\ncolumns = { stage = "Tình trạng" }\n'
    out = columns_text(text, "households", {"household_id": "Mã số hộ"})
    assert tomllib.loads(out)["layers"]["households"]["columns"] == {"stage": "Tình trạng", "household_id": "Mã số hộ"}
