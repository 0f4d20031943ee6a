"""Recording a household's step on the hamlet page, in a real browser (issue 17 points 3 and 6).

Builds the sample store (``geo.sample_history``, with its demo accounts), starts ``python -m
dashboard.serve STORE`` on a free loopback port and drives Debian's Chromium with the network cut off:
the officer of HS01 (``canbo1``) opens the hamlet page, finds that a household of another hamlet is
not offered, records ``handed_over`` for one of HS01's households at the page's reporting date, and
sees the new changeset named; the store's households rows carry the stage, and after the rerun the
hamlet page's figure and the colour of the household's parcels on the map follow.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo.schema import STAGE_ORDER
from tests.dashboard_support import map_styles, sample_store_in, serving
from tests.test_browser import _guarded_page, _idle, _wait_for_parcels

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 20)
"""The sample's reporting date (its ``workspace.toml``): the step is dated on it, so the page counts it."""
TITLE = "Ghi bước của hộ / Record a household's step"


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    out = sample_store_in(tmp_path_factory.mktemp("store"))
    return out


@pytest.fixture(scope="module")
def store_url(sample_store, tmp_path_factory):
    """``python -m dashboard.serve STORE`` on a free loopback port."""
    with serving(sample_store, tmp_path_factory.mktemp("serve_steps")) as url:
        yield url


def _households(sample_store: Path) -> tuple[str, str, list[str]]:
    """A household of HS01 only, with one project, at ``paid`` on the reporting date, alone on its parcels;
    a household of another hamlet only; the first one's parcels."""
    import geo
    from geo.selection import current_stages
    from geo.store import Store
    from geo.store.source import StoreSource

    with Store.open(sample_store) as store:
        ws = geo.assemble(StoreSource(str(sample_store), store=store).read())
    hh = ws.households
    now = current_stages(ws, AS_OF)
    per = hh.groupby("household_id").agg(
        hamlets=("hamlet_id", lambda h: frozenset(h.dropna())), projects=("project_id", "nunique")
    )
    stages = now.groupby("household_id")["stage"].agg(frozenset)
    later = set(ws.stage_history.loc[ws.stage_history["date"] > str(AS_OF), "household_id"])
    shared = set(hh.loc[hh.duplicated("parcel_id", keep=False) & hh["parcel_id"].notna(), "parcel_id"])
    alone = hh.groupby("household_id")["parcel_id"].agg(lambda p: not (set(p) & shared))
    mine = per[(per["hamlets"] == frozenset({"HS01"})) & (per["projects"] == 1)].index
    mine = sorted(h for h in mine if stages.get(h) == frozenset({"paid"}) and h not in later and alone[h])
    other = sorted(per[per["hamlets"].map(lambda h: bool(h) and "HS01" not in h)].index)
    parcels = sorted(hh.loc[hh["household_id"] == mine[0], "parcel_id"])
    return mine[0], other[0], parcels


def _figure(panel, label: str):
    """The value of one of the hamlet page's figures (a locator)."""
    metric = panel.locator("[data-testid='stMetric']").filter(has_text=label)
    return metric.locator("[data-testid='stMetricValue']")


def test_an_officer_records_a_households_handover_and_the_page_follows(browser, store_url, sample_store):
    from geo.store import Store

    household, other, parcels = _households(sample_store)
    with Store.open(sample_store) as store:
        head = store.head()
    context, pg = _guarded_page(browser, 1366, 1000)
    try:
        pg.goto(store_url, wait_until="domcontentloaded")
        pg.get_by_label("Tên đăng nhập / User name").fill("canbo1")
        pg.get_by_label("Mật khẩu / Password").fill("demo-canbo1")
        pg.get_by_role("button", name="Đăng nhập / Sign in").click()
        _wait_for_parcels(pg)
        assert list(map_styles(pg, parcels).values()) == [STAGE_ORDER["paid"] + 1] * len(parcels)

        pg.get_by_role("tab", name=re.compile("Trang thôn")).click()
        panel = pg.locator("[role='tabpanel']:visible").first
        panel.get_by_role("heading", name=re.compile("Thôn Đồng Tâm")).wait_for(timeout=60_000)
        handed_before = _figure(panel, "Hộ đã bàn giao").inner_text()
        panel.get_by_text(TITLE, exact=True).click()  # the switch's label: the form on demand
        _idle(pg)

        picker = panel.locator("[data-testid='stSelectbox']").filter(has_text="Hộ / Household")
        picker.wait_for(timeout=60_000)
        picker.click()
        pg.keyboard.type(other)  # a household of another hamlet: not offered
        pg.get_by_text("No results", exact=False).first.wait_for(timeout=60_000)
        offered = [o.inner_text() for o in pg.get_by_role("option").all()]
        assert not [o for o in offered if other in o or "HS-" in o], offered  # only “No results”
        pg.keyboard.press("Control+A")
        pg.keyboard.type(household)
        pg.get_by_role("option", name=re.compile(re.escape(household))).first.click()
        _idle(pg)
        panel.get_by_text("Các bước đã ghi / Steps recorded so far").wait_for(timeout=60_000)

        stage = panel.locator("[data-testid='stSelectbox']").filter(has_text="Bước đạt được / Stage reached")
        # the step after the household's (paid), to start with
        expect(stage.get_by_role("combobox")).to_have_value("Bàn giao mặt bằng", timeout=30_000)
        day = panel.get_by_label("Ngày (ngày/tháng/năm) / Date (dd/mm/yyyy)")
        day.fill(AS_OF.strftime("%d/%m/%Y"))
        day.press("Enter")
        _idle(pg)
        with Store.open(sample_store) as store:
            assert store.head() == head  # nothing saved before the button
        panel.get_by_role("button", name="Lưu bước / Save the step").click()
        pg.get_by_text(f"Đã lưu thay đổi #{head + 1}", exact=False).wait_for(timeout=120_000)

        with Store.open(sample_store) as store:
            rows = store.layer("households")
            last = store.history()[-1]
        mine = rows[rows["household_id"] == household]
        assert set(mine["stage"]) == {"handed_over"}
        assert {d.date() for d in mine["stage_date"]} == {AS_OF}
        assert (last["id"], last["user"], last["kind"]) == (head + 1, "canbo1", "edit")
        assert set(last["layers"]) == {"households", "stage_history"}  # one changeset, both layers

        _wait_for_parcels(pg)
        _idle(pg)
        expect(_figure(panel, "Hộ đã bàn giao")).not_to_have_text(handed_before, timeout=60_000)  # the share moved
        handed = [STAGE_ORDER["handed_over"] + 1] * len(parcels)
        for _ in range(120):  # the map's frame is drawn again after the run (at most a minute on a busy machine)
            if list(map_styles(pg, parcels).values()) == handed:
                break
            pg.wait_for_timeout(500)
        assert list(map_styles(pg, parcels).values()) == handed  # the household's parcels in the colour of the handover
        assert not pg.blocked and not pg.errors, (pg.blocked, pg.errors)
    finally:
        context.close()
