"""The sample store in a real browser: the README's run command opens it, and a week's list goes up.

Builds the sample store (``geo.sample_history``: four weeks of changesets) in a temporary folder,
starts ``python -m dashboard.serve STORE`` on a free loopback port, and drives Debian's Chromium with
the network cut off: it signs in as the demo administrator through the sign-in page, then the map is
drawn from the store, the caption names its head changeset, the history lists the officers'
changesets, and an upload of a households list with one changed amount shows its diff (old → new)
before anything is saved, then becomes a new changeset (under the signed-in name) once confirmed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard_support import sample_store_in, serving
from tests.test_browser import _expect_diff_counts, _guarded_page, _wait_for_parcels

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    out = sample_store_in(tmp_path_factory.mktemp("store"))
    return out


@pytest.fixture(scope="module")
def store_url(sample_store, tmp_path_factory):
    """``python -m dashboard.serve STORE`` (what ``scripts/run.sh`` runs) on a free loopback port."""
    with serving(sample_store, tmp_path_factory.mktemp("serve_store")) as url:
        yield url


def _week_list(sample_store: Path, out: Path) -> tuple[str, str, str]:
    """This week's households list as a CSV with one household's amount changed: (id, old, new)."""
    from geo.formatting import fmt_number
    from geo.store import Store

    with Store.open(sample_store) as store:
        households = store.layers()["households"].drop(columns=["row_key"], errors="ignore")
    paid = households["compensation_vnd"].notna()
    i = households.index[paid][0]
    old = float(households.at[i, "compensation_vnd"])
    households.at[i, "compensation_vnd"] = old + 1_000_000
    households.to_csv(out, index=False, encoding="utf-8")
    return str(households.at[i, "household_id"]), fmt_number(old), fmt_number(old + 1_000_000)


def test_the_store_opens_with_its_history_and_a_list_goes_up_after_its_diff(browser, store_url, sample_store, tmp_path):
    from geo.store import Store

    with Store.open(sample_store) as store:
        head = store.head()
    hid, old, new = _week_list(sample_store, tmp_path / "ho_tuan48.csv")
    context, pg = _guarded_page(browser, 1366, 900)
    try:
        pg.goto(store_url, wait_until="domcontentloaded")
        # a store asks for sign-in first (issue 16): the sample store's demo administrator
        pg.get_by_label("Tên đăng nhập / User name").fill("quantri")
        pg.get_by_label("Mật khẩu / Password").fill("demo-quantri")
        pg.get_by_role("button", name="Đăng nhập / Sign in").click()
        _wait_for_parcels(pg)
        pg.get_by_text(f"hoson.gpkg #{head}", exact=False).first.wait_for(timeout=10_000)  # the caption

        # the history: the officers' weekly changesets
        pg.get_by_text("Lịch sử thay đổi / History", exact=True).first.click()
        history = pg.locator("[data-testid='stExpander']").filter(has_text="Lịch sử thay đổi / History")
        history.get_by_text("Cập nhật danh sách hộ tuần", exact=False).first.wait_for(
            state="attached", timeout=30_000
        )  # a grid cell

        # the upload: a file, a name, the preview with old → new, then the confirmation
        pg.get_by_text("Tải lên danh sách / Upload a list", exact=True).first.click()
        upload = pg.locator("[data-testid='stExpander']").filter(has_text="Tải lên danh sách / Upload a list")
        upload.locator("input[type='file']").set_input_files(str(tmp_path / "ho_tuan48.csv"))
        upload.get_by_text("Người cập nhật / Uploaded by: quantri", exact=False).wait_for()  # the signed-in name
        upload.get_by_label("Ghi chú / Note").fill("Tuần 48")
        upload.get_by_label("Ghi chú / Note").press("Enter")
        upload.get_by_role("button", name="Xem trước thay đổi / Preview the changes").click()
        confirm = upload.get_by_role("button", name="Xác nhận cập nhật / Confirm the upload")
        confirm.wait_for(timeout=60_000)
        _expect_diff_counts(upload, added=0, changed=1, removed=0)  # one row changed, nothing added or removed
        upload.get_by_text(hid, exact=False).first.wait_for(state="attached", timeout=30_000)
        text = upload.text_content() or ""  # the grid's cells are drawn on a canvas; their text is in the DOM
        assert hid in text and old in text and new in text, text
        with Store.open(sample_store) as store:
            assert store.head() == head  # nothing saved before the confirmation
        confirm.click()
        pg.get_by_text(f"Đã lưu thay đổi #{head + 1}", exact=False).wait_for(timeout=60_000)
        with Store.open(sample_store) as store:
            last = store.history()[-1]
        assert (last["id"], last["user"], last["note"]) == (head + 1, "quantri", "Tuần 48")  # the signed-in account
        _wait_for_parcels(pg)
        pg.get_by_text(f"hoson.gpkg #{head + 1}", exact=False).first.wait_for(timeout=30_000)  # the new head
        assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)
    finally:
        context.close()
