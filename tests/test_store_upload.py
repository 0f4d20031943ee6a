"""Who may upload what (geo/store/upload.py: ``refused_rows``), on a small GeoPackage store built here.

The small workspace (``conftest.build_workspace``): hamlet A with households H1, H2 and hamlet B with
H3 (a household row's key: ``H3|P1|2-2``). Each test uploads a households list as a dry run and
asks which of its rows an account may not make.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import build_workspace, default_layers

import geo
from geo.access import Access
from geo.store import Store, import_folder, upload_file
from geo.store.source import StoreSource
from geo.store.upload import refusal_text, refused_rows

TOML = '[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n'


@pytest.fixture
def target(tmp_path: Path) -> str:
    folder = build_workspace(tmp_path / "ws", toml=TOML)
    path = str(tmp_path / "kho.gpkg")
    import_folder(path, folder, user="Lan").close()
    return path


def dry_run(target: str, tmp_path: Path, change: dict[str, tuple[str, str]]) -> tuple[object, geo.Workspace]:
    """The diff of a households list where each household of ``change`` gets a new (column, value)."""
    week = pd.DataFrame(default_layers()["households"])
    for household, (column, value) in change.items():
        week.loc[week.household_id == household, column] = value
    path = tmp_path / "households.csv"
    week.to_csv(path, index=False)
    with Store.open(target) as store:
        ws = geo.assemble(StoreSource(target, store=store).read())
        up = upload_file(store, "households", path, user="Bình", dry_run=True)
    assert up.diff is not None and not up.refused
    return up.diff, ws


def test_an_officer_may_change_its_own_hamlets_rows(target, tmp_path):
    diff, ws = dry_run(target, tmp_path, {"H1": ("compensation_vnd", "120000000")})
    assert refused_rows(diff, Access("officer", {"A"}), ws) == []


def test_an_officers_change_to_another_hamlets_row_is_refused_by_its_key(target, tmp_path):
    diff, ws = dry_run(target, tmp_path, {"H1": ("compensation_vnd", "120000000"), "H3": ("stage", "handed_over")})
    assert [key.split("|")[0] for key in refused_rows(diff, Access("officer", {"A"}), ws)] == ["H3"]


def test_an_administrator_is_refused_no_row(target, tmp_path):
    diff, ws = dry_run(target, tmp_path, {"H3": ("stage", "handed_over")})
    assert refused_rows(diff, Access("admin"), ws) == []


def test_without_the_workspace_an_officer_is_refused_every_touched_row(target, tmp_path):
    diff, _ = dry_run(target, tmp_path, {"H1": ("compensation_vnd", "120000000")})
    assert [key.split("|")[0] for key in refused_rows(diff, Access("officer", {"A"}), None)] == ["H1"]


def test_the_refusal_names_the_rows_in_vietnamese_then_english():
    text = refusal_text(["H3", "H9"])
    assert text.startswith("Tệp sửa 2 dòng ngoài các thôn bạn theo dõi") and "H3, H9" in text
    assert "Upload only your hamlets' rows" in text


# --- a change through the Python API is checked like a file ---------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [("stage", "xong", "unknown_value"), ("household_id", "", "missing_value"), ("stage", None, "missing_value")],
)
def test_an_edit_that_leaves_a_value_no_file_could_hold_is_refused_and_the_store_kept(target, column, value, code):
    from geo.store import ValidationRefused
    from geo.store.upload import store_config, validator

    with Store.open(target) as store:
        before = store.head()
        row = store.layer("households").iloc[[0]].copy()
        row[column] = value
        with pytest.raises(ValidationRefused) as refused:
            store.edit("households", row, user="Bình", validate=validator(store_config(store)))
        assert code in {p.code for p in refused.value.errors}
        assert store.head() == before
