"""The page's map (dashboard/mapview.py): drawn under the page's disclosure, large type in meeting mode."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyproj import Transformer
from streamlit.testing.v1 import AppTest

from geo.maps import OUTSIDE_HAMLETS
from tests.conftest import CRS, X0, Y0
from tests.dashboard_support import NAMES, build_app_ws, raise_bug


@pytest.fixture
def app_ws(build) -> Path:
    return build_app_ws(build)


def map_script(path: str, disclosure: str, large_type: bool) -> None:
    """The map alone, as the page draws it (run by AppTest)."""
    import geo
    from dashboard import mapview
    from geo.maps import display_geometry

    ws = geo.load_workspace(path)
    mapview.show_map(ws, display_geometry(ws), geo.analyse(ws), geo.Disclosure(disclosure), large_type, False)


def map_args(path: Path, disclosure: str, large_type: bool) -> dict:
    """The map component's arguments, as the browser receives them."""
    at = AppTest.from_function(map_script, args=(str(path), disclosure, large_type), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (comp,) = at.get("component_instance")
    return json.loads(comp.proto.json_args)


def drawn(path: Path, disclosure: str, large_type: bool) -> str:
    args = map_args(path, disclosure, large_type)
    return str(args["html"])


def test_with_personal_disclosure_the_map_names_no_household_either(app_ws):
    """Issue 16: a parcel's households are read when it is clicked, not sent with every page."""
    script = drawn(app_ws, "personal", False)
    assert not [name for name in NAMES if name in script]
    assert "100.000.000" not in script and "Chủ hộ" not in script


def test_with_personal_disclosure_a_click_on_the_map_returns_the_point(app_ws):
    assert map_args(app_ws, "personal", False)["clicks"] is True


@pytest.mark.parametrize("disclosure", ["internal", "public"])
def test_below_personal_a_click_on_the_map_does_not_rerun_the_page(app_ws, disclosure):
    assert map_args(app_ws, disclosure, False)["clicks"] is False


def panel_script(path: str, click: dict | None, officer_of: str | None) -> None:
    """The households panel under the map after a click at ``click`` (run by AppTest)."""
    import geo
    from dashboard import mapview
    from geo.access import Access, restrict

    ws = geo.load_workspace(path)
    if officer_of:
        ws = restrict(ws, Access("officer", [officer_of]))
    mapview.parcel_panel(ws, geo.analyse(ws), click)


def panel(path: Path, click: dict | None, officer_of: str | None = None) -> AppTest:
    at = AppTest.from_function(panel_script, args=(str(path), click, officer_of), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _click(x: float, y: float) -> dict:
    """Leaflet's click value at (x, y) metres from the test origin."""
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(X0 + x, Y0 + y)
    return {"lat": lat, "lng": lon}


def test_a_click_on_a_parcel_lists_its_households_under_the_map(app_ws):
    at = panel(app_ws, _click(250, 60))  # parcel 1-2: sq(200, 10)
    (table,) = at.table
    rows = table.value.to_dict("records")
    assert [(r["Chủ hộ"], r["Mã hộ"], r["Tiền bồi thường (đồng)"]) for r in rows] == [(NAMES[1], "H2", "200.000.000")]
    assert "Thửa 1\\-2" in at.markdown[0].value  # markdown-escaped


def test_before_a_click_the_panel_names_no_household(app_ws):
    at = panel(app_ws, None)
    assert not at.table
    assert "Bấm vào một thửa" in at.caption[0].value


def test_a_click_beside_every_parcel_says_so(app_ws):
    at = panel(app_ws, _click(150, 600))
    assert not at.table
    assert "Không có thửa đất nào" in at.caption[0].value


def test_an_officer_sees_a_household_outside_their_hamlets_only_as_outside(app_ws):
    at = panel(app_ws, _click(250, 60), officer_of="B")  # parcel 1-2 is in hamlet A
    (row,) = at.table[0].value.to_dict("records")
    assert row["Chủ hộ"] == OUTSIDE_HAMLETS and row["Mã hộ"] == "" and row["Tiền bồi thường (đồng)"] == ""
    assert NAMES[1] not in json.dumps(at.table[0].value.to_dict("records"), ensure_ascii=False)


def test_below_personal_the_map_names_no_household(app_ws):
    script = drawn(app_ws, "internal", False)
    assert not [name for name in NAMES if name in script]


def test_large_type_draws_the_map_in_meeting_mode_type(app_ws):
    assert 'classList.add("meeting")' in drawn(app_ws, "public", True)
    assert 'classList.add("meeting")' not in drawn(app_ws, "public", False)


def test_a_failing_households_panel_is_named_and_the_map_still_drawn(monkeypatch, app_ws):
    """On a click only the map's fragment reruns, outside the page's guards: the panel has its own."""
    monkeypatch.setattr("dashboard.mapview.parcel_panel", raise_bug)
    at = AppTest.from_function(map_script, args=(str(app_ws), "personal", False), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (error,) = [e.value for e in at.error]
    assert "Lỗi không mong đợi khi hiện các hộ của thửa đã chọn" in error
    assert len(at.get("component_instance")) == 1


def selection_map_script(path: str, hamlets: tuple[str, ...]) -> None:
    """The map of the hamlets ``hamlets`` (all where empty), as the page draws it (run by AppTest)."""
    import geo
    from dashboard import mapview
    from geo.maps import display_geometry

    ws = geo.load_workspace(path)
    an = geo.analyse(ws, geo.Selection.make(hamlets=list(hamlets)))
    mapview.show_map(ws, display_geometry(ws), an, geo.Disclosure.PERSONAL, False, False)


def _component(path: Path, hamlets: tuple[str, ...]):
    at = AppTest.from_function(selection_map_script, args=(str(path), hamlets), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (comp,) = at.get("component_instance")
    return comp.proto


def test_a_new_selection_is_the_same_map_with_other_layers(app_ws):
    """The browser keeps the map's frame (its Leaflet, its map) and redraws the selection in it."""
    everything, hamlet_a = _component(app_ws, ()), _component(app_ws, ("A",))
    assert everything.id == hamlet_a.id
    before, after = json.loads(everything.json_args), json.loads(hamlet_a.json_args)
    assert _frame(before["html"]) == _frame(after["html"])
    assert before["html"] != after["html"]


def _frame(page: str) -> str:
    """The map frame's page less the selection it carries (:func:`geo.maps.carry_selection`)."""
    return re.sub(r'<script type="text/plain" id="geo-selection">.*?</script>', "", page, flags=re.S)


def click_script() -> None:
    """What the households panel is given after each run (run by AppTest; selection and click in session state)."""
    import streamlit as st

    from dashboard import mapview

    st.session_state["given"] = mapview.fresh_click(st.session_state.get("sel", "A"), st.session_state.get("click"))


def test_a_click_made_on_the_previous_selections_map_opens_no_parcel_of_the_next():
    at = AppTest.from_function(click_script)
    at.run()
    assert at.session_state["given"] is None
    at.session_state["click"] = {"lat": 21.5, "lng": 106.4}
    at.run()
    assert at.session_state["given"] == {"lat": 21.5, "lng": 106.4}
    at.session_state["sel"] = "B"  # a new selection; the map still holds the last click
    at.run()
    assert at.session_state["given"] is None
    at.session_state["click"] = {"lat": 21.6, "lng": 106.5}
    at.run()
    assert at.session_state["given"] == {"lat": 21.6, "lng": 106.5}


def test_the_map_frame_is_found_by_its_title_in_the_browser_tests_and_the_benchmark():
    from benchmarks.visits import MAP_FRAME
    from dashboard import mapview

    assert mapview.map_frame_component.name == mapview.FRAME_TITLE
    assert MAP_FRAME == f"iframe[title='{mapview.FRAME_TITLE}']"


def test_the_map_frame_loads_leaflet_from_the_files_the_app_serves():
    from urllib.parse import urljoin

    from dashboard import mapview
    from geo.maps.assets import ASSET_BASE, asset_files

    page = (mapview.FRAME_DIR / "index.html").read_text(encoding="utf-8")
    here = f"http://localhost:8501/component/{mapview.FRAME_TITLE}/index.html"
    linked = {urljoin(here, ref) for ref in re.findall(r'(?:src|href)="([^"]+)"', page)}
    served = {f"http://localhost:8501{ASSET_BASE}/{rel}" for rel in asset_files()}
    assert {ref for ref in linked if "leaflet" in ref} <= served
    assert urljoin(here, "frame.js") in linked and (mapview.FRAME_DIR / "frame.js").is_file()
