"""The dashboard on a store (issue 15): ``--workspace STORE [--at N]``, on a GeoPackage and on PostGIS."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from conftest import build_workspace, default_layers
from streamlit.testing.v1 import AppTest

from geo.store import Store, import_folder, upload_file
from geo.store.accounts import add_user
from tests.dashboard_support import metric, signed_in

pytestmark = pytest.mark.slow

_databases = itertools.count(1)
PASSWORD = "mật-khẩu-thử-1"


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, tmp_path) -> str:
    """The small workspace (as of 20/11/2026) imported into a GeoPackage or a PostGIS store."""
    if request.param == "gpkg":
        target = str(tmp_path / "kho.gpkg")
    else:
        from postgis import create_database

        target = create_database(request.getfixturevalue("postgis_url"), f"app_{next(_databases)}")
    folder = build_workspace(tmp_path / "ws", toml='[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n')
    with import_folder(target, folder, user="Lan") as s:
        add_user(s, "quantri", PASSWORD, "admin", by="test")  # a store asks for sign-in (issue 16)
    st.cache_resource.clear()
    st.cache_data.clear()
    return target


def open_app(monkeypatch, store: str, *extra: str) -> AppTest:
    """The app on ``store`` (with ``extra`` arguments), signed in as the administrator."""
    return signed_in(monkeypatch, store, "quantri", PASSWORD, *extra)


def handed_over(at: AppTest) -> str:
    return metric(at, "Hộ đã bàn giao")


def upload_all_handed_over(store: str, tmp_path: Path) -> None:
    week = pd.DataFrame(default_layers()["households"]).assign(stage="handed_over")
    week.to_csv(tmp_path / "households.csv", index=False)
    with Store.open(store) as s:
        assert not upload_file(s, "households", tmp_path / "households.csv", user="Bình").refused


def test_the_dashboard_opens_a_store_and_names_it_with_its_changeset(monkeypatch, store):
    at = open_app(monkeypatch, store)
    assert at.title[0].value.endswith("Xã Thử")
    assert handed_over(at) == "33,3%"  # H1 of H1, H2, H3
    assert any("#1" in c.value for c in at.caption)


def test_a_new_upload_is_seen_on_the_next_rerun(monkeypatch, store, tmp_path):
    at = open_app(monkeypatch, store)
    upload_all_handed_over(store, tmp_path)
    at.run()
    assert not at.exception
    assert handed_over(at) == "100,0%" and any("#2" in c.value for c in at.caption)


def test_at_shows_the_store_as_it_was_after_that_changeset(monkeypatch, store, tmp_path):
    upload_all_handed_over(store, tmp_path)
    at = open_app(monkeypatch, store, "--at", "1")
    assert handed_over(at) == "33,3%" and any("#1" in c.value for c in at.caption)
