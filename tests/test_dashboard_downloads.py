"""The export buttons (dashboard/downloads.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard_support import build_app_ws, run_app, st_cache_clear


@pytest.fixture
def app_ws(build) -> Path:
    """Two hamlets, two projects, four households, history, grievances and field reports."""
    return build_app_ws(build)


def test_export_buttons_follow_the_selection(monkeypatch, app_ws):
    st_cache_clear()
    at = run_app(monkeypatch, app_ws, {"project": "P1", "as_of": "2026-11-20"})
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert any("Báo cáo tuần" in label for label in labels) and any("Excel" in label for label in labels)
    keys = {b.key for b in buttons}
    assert {"dl_report_week", "dl_report_month", "dl_xlsx", "dl_png", "dl_pdf", "dl_html"} <= keys


def test_export_file_names_carry_project_and_day_first_date():
    from datetime import date

    from dashboard.downloads import file_stem
    from geo.selection import Selection

    assert file_stem(None, Selection(project="P1", as_of=date(2026, 11, 20))) == "P1_20-11-2026"
    assert file_stem(None, Selection(as_of=date(2026, 11, 20))) == "tat_ca_du_an_20-11-2026"
