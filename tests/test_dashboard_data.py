"""Cached loading and analysis (dashboard/data.py), through Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest

import geo
from tests.dashboard_support import build_app_ws, run_app, st_cache_clear


@pytest.fixture
def app_ws(build) -> Path:
    """Two hamlets, two projects, four households, history, grievances and field reports."""
    return build_app_ws(build)


def test_filter_change_does_not_reload_the_data(monkeypatch, app_ws):
    st_cache_clear()
    calls = []
    real = geo.load_workspace

    def counting(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(geo, "load_workspace", counting)
    at = run_app(monkeypatch, app_ws)
    at.sidebar.selectbox[0].select("P1").run()
    at.sidebar.selectbox[0].select("P2").run()
    at.toggle(key="f_meeting").set_value(True).run()
    assert not at.exception
    assert len(calls) == 1
