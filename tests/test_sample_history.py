"""The sample as a store (issue 15 point 6): a few weeks of officers' changesets ending at the folder's state."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import geo
from geo.formatting import VN_TIME
from geo.sample_history import build, ensure, main, state_at, workspace_layers
from geo.store import Store, conform, row_keys

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "hoson"


@pytest.fixture(scope="module")
def sample() -> geo.Workspace:
    return geo.load_workspace(SAMPLE)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = build(SAMPLE, tmp_path_factory.mktemp("history") / "hoson.gpkg")
    yield s
    s.close()


def by_key(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    keyed = frame.assign(_k=row_keys(name, frame).to_numpy())
    return keyed.sort_values("_k").drop(columns="_k").reset_index(drop=True)


def test_the_stores_head_holds_exactly_the_folders_layers(store: Store, sample: geo.Workspace) -> None:
    layers = store.layers()
    assert set(layers) == sample.present
    for name, frame in workspace_layers(sample).items():
        assert_frame_equal(by_key(name, layers[name]), by_key(name, conform(name, frame, sample.crs)))


def test_the_stores_head_gives_the_folders_summary(store: Store, sample: geo.Workspace, tmp_path: Path) -> None:
    folder = store.export(tmp_path / "head")  # with the store's settings as workspace.toml
    as_of = sample.default_as_of()
    again = geo.load_workspace(folder).require_ok()
    assert_frame_equal(geo.hamlet_summary(again, as_of=as_of), geo.hamlet_summary(sample, as_of=as_of))


def test_the_store_keeps_the_folders_settings_as_they_are_written(store: Store) -> None:
    assert store.config() == (SAMPLE / "workspace.toml").read_text(encoding="utf-8")
    assert store.config(at=1) == store.config()


def test_the_sample_holds_an_import_four_weeks_of_uploads_an_edit_and_a_rollback(store: Store) -> None:
    kinds = [c["kind"] for c in store.history()]
    assert len(kinds) == 20
    assert kinds[0] == "import"
    assert (kinds.count("upload"), kinds.count("edit"), kinds.count("rollback")) == (17, 1, 1)


def test_every_changeset_names_who_when_and_why(store: Store) -> None:
    for c in store.history():
        assert c["user"].strip() and c["note"].strip()
        assert c["at"].tzinfo is not None


def test_changesets_are_dated_over_the_weeks_before_the_folders_date_in_order(store: Store) -> None:
    times = [c["at"] for c in store.history()]
    assert times == sorted(times)
    assert times[0].astimezone(VN_TIME).date() == date(2026, 10, 23)  # four weeks before as_of 20/11/2026
    assert times[-1].astimezone(VN_TIME).date() == date(2026, 11, 20)


def test_the_weekly_household_uploads_are_noted_with_their_week(store: Store) -> None:
    notes = [c["note"] for c in store.history(layer="households") if c["kind"] == "upload"]
    assert "Cập nhật danh sách hộ tuần 44" in notes and "Cập nhật danh sách hộ tuần 47" in notes


def test_the_last_weeks_upload_names_the_folders_file_and_its_checksum(store: Store) -> None:
    last = store.history(layer="households")[-1]
    assert last["source_name"] == "households.xlsx" and len(last["source_sha256"]) == 64


def test_the_import_holds_nothing_dated_after_its_cutoff(store: Store) -> None:
    first = store.layers(at=1)
    cutoff = pd.Timestamp("2026-10-23")
    assert first["stage_history"]["date"].max() <= cutoff
    assert first["grievances"]["received_date"].max() <= cutoff
    assert first["field_reports"]["report_date"].max() <= cutoff
    assert (first["households"]["stage_date"].max()) <= cutoff


def test_the_rollback_restores_the_state_before_the_wrong_list(store: Store) -> None:
    rollback = next(c for c in store.history() if c["kind"] == "rollback")
    wrong = store.history()[rollback["id"] - 2]
    assert wrong["layers"]["households"]["removed"] > 0
    assert_frame_equal(
        by_key("households", store.layer("households", at=rollback["id"])),
        by_key("households", store.layer("households", at=rollback["restores"])),
    )


def test_a_households_stage_moves_appear_in_its_record_history(store: Store, sample: geo.Workspace) -> None:
    moved = sample.households[sample.households["stage_date"] > pd.Timestamp("2026-10-23")]
    household = moved["household_id"].iloc[0]
    events = store.history(layer="households", record=household)
    changes = [e for e in events if e["op"] == "change" and "stage" in e["new"]]
    assert changes, events
    assert changes[-1]["new"]["stage"] == moved["stage"].iloc[0]


def test_an_earlier_state_keeps_households_at_the_stage_reached_by_then(sample: geo.Workspace) -> None:
    layers = workspace_layers(sample)
    cutoff = date(2026, 10, 23)
    then = state_at(layers, cutoff)["households"]
    assert len(then) == len(layers["households"])
    assert (then["stage_date"] <= pd.Timestamp(cutoff)).all()
    not_approved = then["stage"].isin(["notified", "surveyed", "plan_drafted", "plan_posted"])
    assert then.loc[not_approved, "compensation_vnd"].isna().all()
    assert layers["households"]["stage_date"].max() > pd.Timestamp(cutoff)  # the folder itself is untouched


def test_a_grievance_resolved_after_the_cutoff_was_still_open_then(sample: geo.Workspace) -> None:
    layers = workspace_layers(sample)
    cutoff = date(2026, 10, 23)
    g = layers["grievances"]
    later = g[g["resolved_date"] > pd.Timestamp(cutoff)]
    later = later[later["received_date"] <= pd.Timestamp(cutoff - timedelta(days=7))]
    then = state_at(layers, cutoff)["grievances"].set_index("grievance_id").loc[later["grievance_id"]]
    assert len(then) and (then["status"] == "in_progress").all() and then["resolved_date"].isna().all()


def copy_sample(tmp_path: Path) -> Path:
    folder = tmp_path / "hoson"
    shutil.copytree(SAMPLE, folder)
    return folder


def test_making_the_sample_store_again_does_nothing_while_it_is_newer(tmp_path: Path) -> None:
    folder, out = copy_sample(tmp_path), tmp_path / "hoson.gpkg"
    assert ensure(folder, out, weeks=1) is True
    stamp = out.stat().st_mtime_ns
    assert ensure(folder, out, weeks=1) is False
    assert out.stat().st_mtime_ns == stamp


def test_a_folder_changed_after_the_store_makes_it_again_keeping_the_old_one(tmp_path: Path) -> None:
    folder, out = copy_sample(tmp_path), tmp_path / "hoson.gpkg"
    ensure(folder, out, weeks=1)
    later = out.stat().st_mtime + 10
    os.utime(folder / "grievances.csv", (later, later))
    assert ensure(folder, out, weeks=1) is True
    assert len(list(tmp_path.glob("hoson.gpkg.*.bak"))) == 1
    with Store.open(out) as s:
        assert len(s.history()) > 1


def test_the_command_line_makes_the_store_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, out = copy_sample(tmp_path), tmp_path / "hoson.gpkg"
    assert main([str(folder), str(out), "--weeks", "1"]) == 0
    assert "sample store made" in capsys.readouterr().out
    assert main([str(folder), str(out), "--weeks", "1"]) == 0
    assert "up to date" in capsys.readouterr().out
