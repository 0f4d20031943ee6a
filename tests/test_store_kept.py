"""The assembled workspace kept with the store's latest changeset (``geo.store.kept``, issue 18): read back
exactly as it was assembled, on both backends; never used for another changeset or by other code; written
only where asked (the command line's reading commands)."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal
from test_store_backends import awkward_layers

import geo
from geo.__main__ import main
from geo.store import Store, StoreSource
from geo.store import kept as kept_module
from geo.store.kept import FRAMES, TABLE
from geo.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
_databases = itertools.count(1)


def assert_same_workspace(got: Workspace, expected: Workspace) -> None:
    """Every frame (types, blanks as ``None``, ``pd.NA`` or NaN, geometry, CRS), the report, the rest."""
    for name in FRAMES:
        a, b = getattr(got, name), getattr(expected, name)
        assert type(a) is type(b), name
        assert list(a.columns) == list(b.columns) and list(a.dtypes) == list(b.dtypes), name
        assert a.index.equals(b.index), name
        for c in a.columns:
            if a[c].dtype == object:
                assert a[c].map(type).tolist() == b[c].map(type).tolist(), (name, c)
        if isinstance(b, gpd.GeoDataFrame):
            assert a.geometry.name == b.geometry.name and a.crs == b.crs, name
            assert_geodataframe_equal(a, b, check_less_precise=False, normalize=False)
            assert a.geometry.isna().tolist() == b.geometry.isna().tolist(), name
            assert a.geometry.is_empty.tolist() == b.geometry.is_empty.tolist(), name
            assert a.geometry.geom_type.tolist() == b.geometry.geom_type.tolist(), name
        else:
            assert_frame_equal(a, b, check_exact=True)
    assert got.report.problems == expected.report.problems
    rest = ("source", "config", "crs", "present")
    assert [getattr(got, a) for a in rest] == [getattr(expected, a) for a in rest]


def kept_changeset(path: str) -> int | None:
    """The changeset the GeoPackage keeps a workspace for (None where it keeps none)."""
    with sqlite3.connect(path) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (TABLE,)).fetchone():
            return None
        row = conn.execute(f"SELECT DISTINCT changeset_id FROM {TABLE}").fetchall()
    return row[0][0] if row else None


def unread(monkeypatch) -> None:
    """From here on the store's layers cannot be read: only a kept workspace can be."""

    def refuse(self):
        raise AssertionError("the layers were read")

    monkeypatch.setattr(StoreSource, "read", refuse)


@pytest.fixture
def sample_store(tmp_path) -> str:
    """The sample folder (``data/hoson``) imported into a GeoPackage store."""
    from geo.store import import_folder

    path = str(tmp_path / "hoson.gpkg")
    import_folder(path, ROOT / "data" / "hoson", user="Lan").close()
    return path


@pytest.fixture
def awkward_store(tmp_path) -> str:
    path = str(tmp_path / "awkward.gpkg")
    Store.create(path, awkward_layers(), user="Lan").close()
    return path


def test_the_sample_read_again_is_the_workspace_kept_and_the_same_as_assembled(sample_store, monkeypatch):
    assembled = geo.load_workspace(sample_store, keep=True)
    with Store.open(sample_store) as store:
        assert kept_changeset(sample_store) == store.head()
    unread(monkeypatch)
    assert_same_workspace(geo.load_workspace(sample_store), assembled)


def test_awkward_layers_with_warnings_come_back_exactly(awkward_store, monkeypatch):
    assembled = geo.load_workspace(awkward_store, keep=True)
    assert assembled.report.problems  # blanks, unknown values, a parcel without geometry …
    unread(monkeypatch)
    assert_same_workspace(geo.load_workspace(awkward_store), assembled)


def test_a_postgis_store_keeps_the_same_workspace(postgis_url, monkeypatch):
    from postgis import create_database

    url = create_database(postgis_url, f"kept_{next(_databases)}")
    Store.create(url, awkward_layers(), user="Lan").close()
    assembled = geo.load_workspace(url, keep=True)
    unread(monkeypatch)
    assert_same_workspace(geo.load_workspace(url), assembled)


def test_a_read_without_keep_leaves_the_store_file_as_it_was(sample_store):
    before = Path(sample_store).read_bytes()
    geo.load_workspace(sample_store)
    assert Path(sample_store).read_bytes() == before


def test_a_new_changeset_is_assembled_again_not_read_from_what_was_kept(sample_store):
    geo.load_workspace(sample_store, keep=True)
    with Store.open(sample_store) as store:
        households = store.layer("households")
        first = households["household_id"].iloc[0]
        store.edit("households", households.iloc[[0]].assign(household_name="Tên Mới"), user="Lan")
        head = store.head()
    ws = geo.load_workspace(sample_store)
    assert ws.source.changeset == head
    assert ws.households.set_index("household_id").loc[first, "household_name"] == "Tên Mới"
    geo.load_workspace(sample_store, keep=True)
    assert kept_changeset(sample_store) == head  # what was kept before is replaced


def test_a_workspace_kept_by_other_code_is_not_used(sample_store, monkeypatch):
    geo.load_workspace(sample_store, keep=True)
    monkeypatch.setattr(kept_module, "code_key", lambda: "another release")
    unread(monkeypatch)
    with pytest.raises(AssertionError, match="the layers were read"):
        geo.load_workspace(sample_store)


def test_a_past_state_is_neither_kept_nor_read_from_what_was_kept(sample_store):
    with Store.open(sample_store) as store:
        store.edit("households", store.layer("households").iloc[[0]].assign(household_name="Khác"), user="Lan")
        head = store.head()
    past = geo.load_workspace(sample_store, at=1, keep=True)
    assert past.source.changeset == 1 != head
    assert kept_changeset(sample_store) is None


def test_nothing_is_kept_for_a_store_that_moved_on_since_it_was_read(sample_store):
    ws = geo.load_workspace(sample_store)
    with Store.open(sample_store) as store:
        store.edit("households", store.layer("households").iloc[[0]].assign(household_name="Khác"), user="Lan")
        assert kept_module.keep(store, ws, None) is False
    assert kept_changeset(sample_store) is None


def test_a_damaged_kept_workspace_is_assembled_again(sample_store):
    assembled = geo.load_workspace(sample_store, keep=True)
    with sqlite3.connect(sample_store) as conn:
        conn.execute(f"UPDATE {TABLE} SET data = x'00ff' WHERE part = 'parcels'")
    assert_same_workspace(geo.load_workspace(sample_store), assembled)


def test_geo_summary_on_a_store_keeps_the_workspace_and_writes_the_same_table_again(sample_store, tmp_path):
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    assert main(["summary", sample_store, "--out", str(first)]) == 0
    assert kept_changeset(sample_store) is not None
    assert main(["summary", sample_store, "--out", str(second)]) == 0
    assert second.read_bytes() == first.read_bytes()
    assert pd.read_csv(second).shape[0] == 10
