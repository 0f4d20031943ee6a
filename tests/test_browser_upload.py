"""A clerk uploads the office's own Excel list in a real browser, sees what it changes, confirms, and the map
follows (issue 17, points 2 and 6).

Builds the sample store (``geo.sample_history``) with a clerk account of this module's own (no
``exports_personal``), starts ``python -m dashboard.serve STORE`` on a free loopback port and drives
Debian's Chromium with the network cut off. The households list is the store's own, written in code
as a commune office keeps it: a title block, a two-row header with merged cells ("Thửa đất" over
"Mã xã", "Số tờ", "Số thửa", "Mã thửa"), the "(1) (2) …" row, one sheet per former commune with a
group row per hamlet and its "Cộng" row, a "Tổng cộng" row and the signature block; amounts with dot
thousands, areas with a decimal comma, dates and stages as text. It adds one household, handed over,
on a parcel that had none. The clerk sees the diff (one row added; its name and amount hidden, its id
a pseudonym), confirms, and then the page is drawn again from the new changeset: its headline counts
one household more and one more handed over (the map's parcels follow the same figures), and the
changeset is the clerk's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from geo.schema import STAGE_ORDER
from tests.dashboard_support import map_style_counts, sample_store_in, serving
from tests.test_browser import _expect_diff_counts, _guarded_page, _wait_for_parcels

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CLERK = ("vanphong_thu", "mat-khau-van-phong-thu")
"""A clerk account of this module (no exports_personal): the diff it sees holds no personal value."""
NEW = {"household_id": "DT-9001", "household_name": "Hoàng Văn Mới", "amount": "150.000.000"}
"""The household the list adds (handed over on 18/11/2026, before the sample's as-of date 20/11/2026)."""
UPPER = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Mã dự án", "Thửa đất", None, None, None, "Diện tích thu hồi (m²)"]
UPPER += ["Bước", "Ngày cập nhật", "Số tiền bồi thường (đồng)", "Tái định cư", "Đồng thuận", "Đợt"]
LOWER = [None, None, None, None, "Mã xã", "Số tờ", "Số thửa", "Mã thửa"] + [None] * 7


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    from geo.store import Store
    from geo.store.accounts import add_user

    out = sample_store_in(tmp_path_factory.mktemp("store"))
    with Store.open(out) as store:
        add_user(store, *CLERK, "clerk", by="test")
    return out


@pytest.fixture(scope="module")
def store_url(sample_store, tmp_path_factory):
    """``python -m dashboard.serve STORE`` on a free loopback port."""
    with serving(sample_store, tmp_path_factory.mktemp("serve_upload")) as url:
        yield url


def _text(value: object, kind: str = "") -> str | None:
    """A value as the office writes it: dot thousands, decimal comma, dd/mm/yyyy, labels."""
    from geo.schema import AGREEMENT, STAGES, YES_NO

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "amount":
        return f"{int(value):,}".replace(",", ".")
    if kind == "area":
        return str(float(value)).replace(".", ",")
    if kind == "date":
        return pd.Timestamp(value).strftime("%d/%m/%Y")
    enums = {"stage": STAGES, "yes_no": YES_NO, "agreement": AGREEMENT}
    return enums[kind].label(str(value)) if kind in enums else str(value)


def _row(n: int, r: dict) -> list:
    return [
        n,
        r["household_id"],
        _text(r["household_name"]),
        r["project_id"],
        _text(r["commune_code"]),
        _text(r["map_sheet"]),
        _text(r["parcel_no"]),
        _text(r["parcel_id"]),
        _text(r["acquired_area_m2"], "area"),
        _text(r["stage"], "stage"),
        _text(r["stage_date"], "date"),
        _text(r["compensation_vnd"], "amount"),
        _text(r["resettlement"], "yes_no"),
        _text(r["agreement"], "agreement"),
        _text(r["round"]),
    ]


def office_list(sample_store: Path, out: Path) -> str:
    """The store's households as the office keeps them, plus one household handed over on a parcel that had
    none; returns that parcel's id."""
    import openpyxl

    from geo.store import Store

    with Store.open(sample_store) as store:
        layers = store.layers()
    hh, parcels, hamlets = layers["households"], layers["parcels"], layers["hamlets"]
    hamlet_of = parcels.set_index("parcel_id")["hamlet_id"]
    hh = hh.assign(hamlet_id=hh["parcel_id"].map(hamlet_of))
    free = parcels[~parcels["parcel_id"].isin(hh["parcel_id"]) & parcels["hamlet_id"].eq("DT02")].iloc[0]
    project = hh.loc[hh["hamlet_id"].eq("DT02"), "project_id"].iloc[0]
    new = {**NEW, "project_id": project, "acquired_area_m2": None, "stage": "handed_over"}
    new |= {"stage_date": "2026-11-18", "resettlement": "no", "agreement": "yes", "round": "1"}
    new |= {k: free[k] for k in ("parcel_id", "map_sheet", "parcel_no", "commune_code", "hamlet_id")}
    new["compensation_vnd"] = int(NEW["amount"].replace(".", ""))
    hh = pd.concat([hh, pd.DataFrame([new])], ignore_index=True)
    names = hamlets.set_index("hamlet_id")["hamlet_name"]
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, prefix in (("Xã Hồ Sơn cũ", "HS"), ("Xã Đồng Tân cũ", "DT")):
        sheet = book.create_sheet(title)
        sheet.append(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
        sheet.append(["Độc lập - Tự do - Hạnh phúc"])
        sheet.append([])
        sheet.append([f"DANH SÁCH HỘ CÓ ĐẤT BỊ THU HỒI — {title.upper()}"])
        sheet.append([])
        sheet.append(UPPER)  # row 6
        sheet.append(LOWER)  # row 7
        sheet.merge_cells("E6:H6")
        for col in "ABCDIJKLMNO":
            sheet.merge_cells(f"{col}6:{col}7")
        sheet.append([f"({i})" for i in range(1, 16)])
        mine = hh[hh["hamlet_id"].fillna("HS").str.startswith(prefix)]
        total = 0
        for hamlet, rows in mine.groupby(mine["hamlet_id"].fillna(""), sort=True):
            sheet.append([None, names.get(hamlet, "Chưa rõ thôn")])  # a group row
            for n, r in enumerate(rows.to_dict("records"), 1):
                sheet.append(_row(n, r))
            amount = int(rows["compensation_vnd"].fillna(0).sum())
            total += amount
            sheet.append([None, None, "Cộng"] + [None] * 8 + [_text(amount, "amount")])
        sheet.append(["Tổng cộng"] + [None] * 10 + [_text(total, "amount")])
        sheet.append([])
        sheet.append([None, "Người lập biểu", None, None, None, None, None, None, None, "TM. ỦY BAN NHÂN DÂN"])
    book.save(out)
    return str(free["parcel_id"])


def _metric(pg, label: str) -> str:
    return pg.locator(".geo-card").filter(has_text=label).first.inner_text()


def _count(metric: str) -> int:
    """The figure of a metric's text ("Số hộ bị thu hồi đất\n801"), dot thousands removed."""
    found = re.search(r"\n\s*(\d[\d.]*)\s*(\n|$)", metric)
    assert found, metric
    return int(found.group(1).replace(".", ""))


def _handed_over(metric: str) -> int:
    """The households handed over, from the metric's text ("Hộ đã bàn giao\n57,6%\n460 hộ")."""
    found = re.search(r"([\d.]+) hộ", metric)
    assert found, metric
    return int(found.group(1).replace(".", ""))


def test_a_clerk_uploads_the_offices_list_sees_its_diff_confirms_and_the_map_follows(
    browser, store_url, sample_store, tmp_path
):
    from geo.store import Store

    with Store.open(sample_store) as store:
        head = store.head()
    parcel = office_list(sample_store, tmp_path / "Danh sách hộ tuần 48.xlsx")
    context, pg = _guarded_page(browser, 1366, 900)
    try:
        # the hamlet of the parcel the list adds a household on: its parcels are drawn one by one
        pg.goto(f"{store_url}/?hamlet=DT02", wait_until="domcontentloaded")
        pg.get_by_label("Tên đăng nhập / User name").fill(CLERK[0])
        pg.get_by_label("Mật khẩu / Password").fill(CLERK[1])
        pg.get_by_role("button", name="Đăng nhập / Sign in").click()
        _wait_for_parcels(pg)
        households_before = _count(_metric(pg, "Số hộ bị thu hồi đất"))
        handed_before = _handed_over(_metric(pg, "Hộ đã bàn giao"))
        handed = STAGE_ORDER["handed_over"] + 1
        styles_before = map_style_counts(pg)  # the clerk's map carries no parcel numbers: count parcels per style
        assert styles_before.get(0, 0) > 0  # parcels with no household yet, the one the list adds among them

        pg.get_by_text("Tải lên danh sách / Upload a list", exact=True).first.click()
        upload = pg.locator("[data-testid='stExpander']").filter(has_text="Tải lên danh sách / Upload a list")
        upload.locator("input[type='file']").set_input_files(str(tmp_path / "Danh sách hộ tuần 48.xlsx"))
        upload.get_by_text(f"Người cập nhật / Uploaded by: {CLERK[0]}", exact=False).wait_for()
        upload.get_by_label("Ghi chú / Note").fill("Tuần 48, danh sách của văn phòng")
        upload.get_by_label("Ghi chú / Note").press("Enter")
        upload.get_by_role("button", name="Xem trước thay đổi / Preview the changes").click()
        confirm = upload.get_by_role("button", name="Xác nhận cập nhật / Confirm the upload")
        confirm.wait_for(timeout=90_000)
        _expect_diff_counts(upload, added=1, changed=0, removed=0)
        shown = upload.inner_text()
        assert "Thôn Đồng Lầm" in shown  # the per-hamlet line of the household added
        grid = upload.locator("[data-testid='stDataFrame']")  # its cells are drawn on a canvas, mirrored in the DOM
        grid.get_by_text("ẩn-", exact=False).first.wait_for(state="attached", timeout=30_000)
        cells = grid.first.text_content() or ""
        assert re.search(r"ẩn-[0-9a-f]{12} \(", cells) and "đã ẩn / hidden" in cells, cells[:2000]
        text = upload.text_content() or ""
        assert NEW["household_name"] not in text and NEW["amount"] not in text and NEW["household_id"] not in text
        with Store.open(sample_store) as store:
            assert store.head() == head  # nothing saved before the confirmation

        confirm.click()
        pg.get_by_text(f"Đã lưu thay đổi #{head + 1}", exact=False).wait_for(timeout=90_000)
        assert f"bởi {CLERK[0]}" in upload.inner_text()
        with Store.open(sample_store) as store:
            last = store.history()[-1]
            added = store.layer("households").set_index("household_id").loc[NEW["household_id"]]
        assert (last["id"], last["user"], last["kind"]) == (head + 1, CLERK[0], "upload")
        assert last["source_name"] == "Danh sách hộ tuần 48.xlsx"
        assert (added["stage"], added["compensation_vnd"], added["parcel_id"]) == ("handed_over", 150e6, parcel)

        _wait_for_parcels(pg)
        pg.get_by_text(f"hoson.gpkg #{head + 1}", exact=False).first.wait_for(timeout=30_000)  # the new head
        # the page's figures follow: one household more, handed over
        assert _count(_metric(pg, "Số hộ bị thu hồi đất")) == households_before + 1
        assert _handed_over(_metric(pg, "Hộ đã bàn giao")) == handed_before + 1
        # and the map: one parcel moves from “no household” to the colour of the handover (its frame is drawn
        # again after the run)
        expected = {**styles_before, 0: styles_before[0] - 1, handed: styles_before.get(handed, 0) + 1}
        for _ in range(120):
            if map_style_counts(pg) == expected:
                break
            pg.wait_for_timeout(500)
        assert map_style_counts(pg) == expected
        assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)
    finally:
        context.close()
