"""The browser benchmark (benchmarks/visits.py) at a tiny size: every figure measured, none asserted in time."""

from __future__ import annotations

import asyncio
import numbers

import pytest

from benchmarks import visits
from benchmarks.__main__ import TARGETS, check_targets, headline_figures, render_table
from benchmarks.workspaces import Size, ensure_workspace

pytestmark = pytest.mark.slow


def _positive(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value > 0


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> dict:
    folder, _ = ensure_workspace(Size("tiny", 300, 80, 15), tmp_path_factory.mktemp("cache"), log=lambda *_: None)
    return asyncio.run(visits.measure(str(folder), None, runs=1, changes=2, session_counts=[2], log=lambda *_: None))


def test_the_first_map_a_later_visit_and_each_filter_change_are_timed(figures):
    assert len(figures["cold"]) == 1 and len(figures["later"]) == 1 and len(figures["filter"]) == 2
    assert all(_positive(t) for t in [*figures["cold"], *figures["later"], *figures["filter"]])
    assert figures["cold_from_start"][0] > figures["cold"][0], "the server's own start is counted there"


def test_the_same_person_coming_back_in_a_new_tab_is_timed(figures):
    assert len(figures["again"]) == 1 and _positive(figures["again"][0])
    assert figures["again_median_s"] == figures["again"][0]


def test_a_browser_coming_back_takes_the_pages_scripts_from_its_cache(figures):
    # Playwright's request interception would turn the cache off: the offline guard is a closed proxy
    assert figures["again_script_bytes"] == [0]


def test_a_browser_that_has_been_here_before_is_timed_signing_in_again(figures):
    assert len(figures["returning"]) == 1 and _positive(figures["returning"][0])
    assert figures["returning_median_s"] == figures["returning"][0]


def test_requests_off_this_machine_fail_in_the_benchmarks_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=visits.CHROMIUM, args=visits.ARGS)
        page = browser.new_page()
        with pytest.raises(Exception, match="ERR_PROXY_CONNECTION_FAILED"):
            page.goto("http://example.com/", timeout=20_000)
        browser.close()


def test_a_session_page_without_its_map_shows_no_endless_loading_placeholder(tmp_path_factory):
    # a map frame that never loads leaves Streamlit's animated placeholder, which kept the browser busy
    folder, _ = ensure_workspace(Size("tiny", 300, 80, 15), tmp_path_factory.mktemp("cache"), log=lambda *_: None)

    async def opened() -> tuple[int, int, int]:
        from playwright.async_api import async_playwright

        with visits.Server(str(folder), tmp_path_factory.mktemp("log") / "server.log") as server:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=visits.CHROMIUM, args=visits.ARGS)
                _, page, _ = await visits._open(browser, server.url, None, draw_map=False)
                await page.wait_for_timeout(1000)
                frames = await page.locator(visits.MAP_FRAME).count()
                placeholders = await page.locator("[data-testid='stSkeleton']").count()
                frame = page.frame_locator(visits.MAP_FRAME)
                maps = await frame.locator(".leaflet-container").count() if frames else -1
                await browser.close()
        return frames, placeholders, maps

    frames, placeholders, maps = asyncio.run(opened())
    assert frames == 1 and maps == 0, "the map's frame is there, without a map"
    assert placeholders == 0


def test_a_persons_walk_chooses_a_project_and_ends_on_a_parcels_tooltip(figures):
    (walk,) = figures["walk"]  # one server, one walk
    assert _positive(walk["first_map_s"]) and _positive(walk["project_s"]) and _positive(walk["zoom_s"])
    assert walk["project"] and walk["shapes_drawn"] > 0
    assert walk["hamlet"] is None and walk["hamlet_s"] is None, "a tiny selection is drawn parcel by parcel"
    assert walk["tooltip"].startswith("Thửa ") and "Thôn:" in walk["tooltip"]  # the parcel pointed at
    assert walk["zoom"] >= 17, "the view fitted to one parcel"


def test_the_walk_is_in_the_table_and_held_to_the_filter_changes_limit(figures):
    results = {"province": {"browser": figures, "figures": headline_figures({"browser": figures})}}
    table = render_table(results)
    medians = figures["walk_median_s"]
    assert medians["hamlet_s"] is None and medians["project_s"] == figures["walk"][0]["project_s"]
    assert f"{medians['first_map_s']:.2f} / {medians['project_s']:.2f} / — / {medians['zoom_s']:.2f}" in table
    checked = {t["figure"]: t for t in check_targets(results) if t["size"] == "province"}
    assert checked["walk_project_s"]["value"] == medians["project_s"] and checked["walk_project_s"]["limit"] == 2.0
    assert checked["walk_zoom_s"]["met"] is (medians["zoom_s"] <= 2.0)
    assert checked["walk_hamlet_s"]["met"] is None  # no hamlet step: not counted


def test_the_first_views_weight_and_the_servers_memory_are_measured(figures):
    assert figures["first_view_bytes"] > 100_000  # Streamlit's page and the map's data, at least
    assert _positive(figures["five_sessions_peak_mb"]) and figures["server_peak_mb"] >= figures["five_sessions_peak_mb"]


def test_one_persons_changes_among_other_sessions_are_timed_without_errors(figures):
    (two,) = figures["sessions"]
    assert two["sessions"] == 2 and two["n"] == 2 and two["errors"] == 0 and two["error_details"] == []
    assert two["median_s"] <= two["p90_s"] <= two["max_s"]
    assert two["others"]["n"] >= 1, "the other session changed its project too"


def test_pages_all_drawn_on_this_machine_are_timed_with_each_sides_cpu(figures):
    (two,) = figures["browser_sessions"]
    assert two["sessions"] == 2 and two["n"] == 4 and two["errors"] == 0 and two["error_details"] == []
    assert two["median_s"] <= two["p90_s"] <= two["max_s"]
    assert two["server_cpu_s_per_change"] > 0 and two["browsers_cpu_s_per_change"] > 0  # each side's share


def test_another_session_signs_in_with_the_browsers_kept_sign_in(tmp_path_factory):
    from tests.dashboard_support import sample_store_in

    store = sample_store_in(tmp_path_factory.mktemp("store"))

    async def measured() -> dict:
        from playwright.async_api import async_playwright

        with visits.Server(str(store), tmp_path_factory.mktemp("log") / "server.log") as server:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=visits.CHROMIUM, args=visits.ARGS)
                res = await visits.sessions(browser, server.url, "lanhdao", 2, 2)
                await browser.close()
        return res

    res = asyncio.run(measured())
    assert res["errors"] == 0 and res["error_details"] == []
    assert res["others"]["n"] >= 1, "past the sign-in form: the page's project filter was there to change"


def test_a_sign_in_forms_typing_is_left_out_of_the_wait(tmp_path_factory, monkeypatch):
    import time

    from playwright.async_api import Locator

    from tests.dashboard_support import sample_store_in

    store = sample_store_in(tmp_path_factory.mktemp("store"))
    click = Locator.click

    async def slow_click(self, *args, **kwargs):  # a person who takes 2 s more over the form
        await asyncio.sleep(2)
        return await click(self, *args, **kwargs)

    monkeypatch.setattr(Locator, "click", slow_click)

    async def opened() -> tuple[float, float, float]:
        from playwright.async_api import async_playwright

        with visits.Server(str(store), tmp_path_factory.mktemp("log") / "server.log") as server:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=visits.CHROMIUM, args=visits.ARGS)
                start = time.perf_counter()
                _, page, waited = await visits._open(browser, server.url, "lanhdao")
                wall = time.perf_counter() - start
                typing = page.typing
                await browser.close()
        return wall, waited, typing

    wall, waited, typing = asyncio.run(opened())
    assert typing >= 2, "the form's time, until its button was clicked"
    assert 0 < waited <= wall - typing, "the 2 s over the form left out of the wait"


def test_other_sessions_find_the_project_filter_by_its_key():
    from benchmarks.protocol import PROJECT_KEY
    from dashboard.filters import KEYS

    assert PROJECT_KEY == KEYS["project"]


def test_the_browser_figures_reach_the_targets_and_the_table(figures):
    res = {"district": {"size": {"parcels": 300, "households": 80, "grievances": 15}, "generate_s": None}}
    res["district"]["browser"] = figures
    res["district"]["figures"] = headline_figures(res["district"])
    checked = {t["figure"]: t for t in check_targets(res) if t["size"] == "district"}
    assert {"cold_s", "returning_s", "filter_s", "first_view_bytes"} <= checked.keys()
    assert all(t["value"] is not None for t in checked.values())
    table = render_table(res)
    assert "browser: first map, fresh server (s)" in table and "2 sessions" not in table
    assert "the same person again: a new tab, same browser (s)" in table
    assert len([t for t in TARGETS if t[0] == "sample"]) == 7


def test_changes_visit_each_project_then_all():
    assert visits._order(4, 5) == [1, 2, 3, 0, 1]
    assert visits._order(1, 2) == [0, 0]


def test_the_ninetieth_percentile_is_a_measured_change():
    stats = visits._stats([0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert stats["median_s"] == 0.55 and stats["p90_s"] == 0.9 and stats["max_s"] == 1.0
    assert visits._stats([])["median_s"] is None
