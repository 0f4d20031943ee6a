"""The page's map (dashboard/mapview.py): drawn under the page's disclosure, large type in meeting mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard_support import NAMES, build_app_ws


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


def drawn(path: Path, disclosure: str, large_type: bool) -> str:
    at = AppTest.from_function(map_script, args=(str(path), disclosure, large_type), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (comp,) = at.get("component_instance")
    args = json.loads(comp.proto.json_args)
    return args["script"] + args.get("html", "")


def test_with_personal_disclosure_the_map_names_the_households(app_ws):
    assert NAMES[0] in drawn(app_ws, "personal", False)


def test_below_personal_the_map_names_no_household(app_ws):
    script = drawn(app_ws, "internal", False)
    assert not [name for name in NAMES if name in script]


def test_large_type_draws_the_map_in_meeting_mode_type(app_ws):
    assert 'classList.add("meeting")' in drawn(app_ws, "public", True)
    assert 'classList.add("meeting")' not in drawn(app_ws, "public", False)
