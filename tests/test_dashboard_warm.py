"""The server's warm-up (dashboard/warm.py): the first view of each account is computed before anyone asks."""

from __future__ import annotations

from pathlib import Path

import pytest

import geo
from dashboard import data, warm
from geo.selection import Selection
from tests.dashboard_support import build_app_ws, st_cache_clear


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    """The background steps here run without waiting for a quiet server (tested on its own below)."""
    monkeypatch.setattr(warm, "QUIET_S", 0.0)


@pytest.fixture
def app_ws(build) -> Path:
    return build_app_ws(build)


@pytest.fixture
def counted(monkeypatch) -> list[Selection]:
    """Every selection :func:`geo.analyse` is asked for, through the dashboard's cache."""
    calls: list[Selection] = []
    real = geo.analyse

    def analyse(ws: geo.Workspace, sel: Selection) -> geo.Analysis:
        calls.append(sel)
        return real(ws, sel)

    monkeypatch.setattr(geo, "analyse", analyse)
    st_cache_clear()
    yield calls
    st_cache_clear()


def test_a_folders_first_view_is_analysed_and_drawn_before_the_first_visit(app_ws, counted):
    done = warm.warm(str(app_ws), which="first")
    assert any(step.startswith("analysis (folder)") for step in done), done
    assert any(step.startswith("map (folder)") for step in done), done
    assert len(counted) == 1
    path = data.resolve_workspace(str(app_ws))
    ws, key = data.load(path)
    sel = Selection.make(as_of=ws.default_as_of())
    data.analyse(path, key, sel)  # the page's first run
    assert len(counted) == 1, "the page found it done"


def test_each_project_of_the_first_view_is_analysed_and_drawn_in_the_background(app_ws, counted, monkeypatch):
    drawn: list[str] = []
    real = data.build_map

    def build_map(ws, an, *args, **kw):
        drawn.append(an.slice.selection.project)
        return real(ws, an, *args, **kw)

    monkeypatch.setattr(data, "build_map", build_map)
    warm.warm(str(app_ws), which="first")
    warm.warm(str(app_ws), which="rest")
    path = data.resolve_workspace(str(app_ws))
    ws, key = data.load(path)
    projects = sorted(str(p) for p in ws.projects["project_id"])
    assert sorted(p for p in drawn if p) == projects
    before = (len(counted), len(drawn))
    for project in projects:  # the meeting's first clicks
        sel = Selection.make(project=project, as_of=ws.default_as_of())
        data.analyse(path, key, sel)
        data.map_script(path, key, sel, geo.Disclosure.PERSONAL, False, False)
    assert (len(counted), len(drawn)) == before, "every project's view was ready"


def test_each_accounts_landing_view_of_a_store_is_warmed_leadership_first(tmp_path, counted):
    from tests.dashboard_support import sample_store_in

    store = sample_store_in(tmp_path)
    done = warm.warm(str(store))
    roles = [step.split("(")[1].split(")")[0] for step in done if step.startswith("analysis (")]
    assert roles[0] == "leadership" and {"officer", "party_cell", "admin"} <= set(roles), roles
    officers = [sel for sel in counted if sel.hamlets]
    assert officers, "an officer lands on its own hamlets"
    before = len(counted)
    from geo.store import Store
    from geo.store.accounts import get_user

    with Store.open(store) as s:
        access = get_user(s, "canbo1").access  # type: ignore[union-attr]
    ws, key = data.load(store, None, access)
    hamlets = [h for h in ws.hamlets["hamlet_id"].astype(str) if h in access.landing]
    data.analyse(store, key, Selection.make(hamlets=hamlets, as_of=ws.default_as_of()))
    assert len(counted) == before, "the officer's first view was ready"


def test_before_the_server_answers_only_the_leaderships_views_are_warmed(tmp_path, counted):
    from tests.dashboard_support import sample_store_in

    store = str(sample_store_in(tmp_path))
    first = [step.split(" s")[0].rsplit(" ", 1)[0] for step in warm.warm(store, which="first")]
    assert [s for s in first if s.startswith("analysis")] == ["analysis (leadership)"] * 2  # meeting screen, lanhdao
    rest = [step.rsplit(" ", 2)[0] for step in warm.warm(store, which="rest")]
    assert "analysis (leadership)" not in rest and "analysis (officer)" in rest


def test_a_workspace_that_cannot_be_read_stops_the_warm_up_quietly(tmp_path, counted):
    done = warm.warm(str(tmp_path / "nowhere"))
    assert not any(step.startswith("analysis") for step in done)
    assert counted == []


def test_a_background_step_waits_until_no_page_has_run_for_a_while(monkeypatch):
    import threading
    import time

    monkeypatch.setattr(warm, "QUIET_S", 0.3)
    entered, ended = threading.Event(), {}

    def a_page_run() -> None:
        with warm.page_run():
            entered.set()
            time.sleep(0.2)
        ended["at"] = time.monotonic()

    visitor = threading.Thread(target=a_page_run)
    visitor.start()
    entered.wait()
    warm._wait_quiet()
    resumed = time.monotonic()
    visitor.join()
    assert resumed >= ended["at"] + 0.3  # the page's run first, then a quiet pause, then the warm-up's step


def test_the_background_steps_wait_a_quiet_pause_after_the_server_begins_answering(monkeypatch):
    import time

    monkeypatch.setattr(warm, "QUIET_S", 0.3)
    warm.visited()
    begun = time.monotonic()
    warm._wait_quiet()
    assert time.monotonic() >= begun + 0.3  # a first visitor's page loads before it runs: not slowed by them


def _request(path: str) -> None:
    import asyncio

    async def app(scope, receive, send) -> None:
        pass

    asyncio.run(warm.Visits(app)({"type": "http", "path": path}, None, None))


def test_a_pages_request_holds_the_background_steps_back_a_health_check_does_not(monkeypatch):
    monkeypatch.setattr(warm, "_last_run", 0.0)
    _request("/_stcore/health")
    assert warm._last_run == 0.0
    _request("/static/js/index.js")
    assert warm._last_run > 0.0
