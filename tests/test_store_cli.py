"""``python -m geo store …`` and ``--at``: issue 15's round trip on a GeoPackage and on a real PostGIS server.

folder → ``store create`` → the folder's summary; an upload's ``--dry-run`` shows its diff and changes
nothing; the upload committed moves the summary; a rollback restores it and is itself undone; every
step in ``store history --json``; ``summary --at`` gives earlier figures; an invalid or stale upload is
refused with a message and leaves the history as it was.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import build_workspace, default_layers

from geo.__main__ import main

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "hoson"
AS_OF = "20/11/2026"
_databases = itertools.count(1)


@pytest.fixture(params=["gpkg", "postgis"])
def store_target(request, tmp_path) -> str:
    """Where a new store goes: a GeoPackage path, or a new database on the session's PostGIS server."""
    if request.param == "gpkg":
        return str(tmp_path / "kho.gpkg")
    from postgis import create_database

    return create_database(request.getfixturevalue("postgis_url"), f"cli_{next(_databases)}")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``python -m geo ARGV``: exit code, stdout, stderr."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def summary(capsys, tmp_path: Path, workspace: str | Path, *extra: str) -> pd.DataFrame:
    """The machine summary CSV of a folder or a store (``extra``: ``--at N``)."""
    out = tmp_path / f"summary_{next(_databases)}.csv"
    code, _, err = run(capsys, "summary", workspace, "--out", out, "--as-of", AS_OF, *extra)
    assert code == 0, err
    return pd.read_csv(out, dtype=str, keep_default_na=False)


def history(capsys, store: str) -> list[dict]:
    code, out, err = run(capsys, "store", "history", store, "--json")
    assert code == 0, err
    return json.loads(out)


def households_csv(path: Path, **stages: str) -> Path:
    """The small workspace's households as this week's list, with some households' stages changed."""
    rows = default_layers()["households"]
    for row in rows:
        if row["household_id"] in stages:
            row["stage"], row["stage_date"] = stages[row["household_id"]], "12/11/2026"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path) -> Path:
    """The small workspace: hamlets A (H1 handed over, H2 paid) and B (H3 surveyed)."""
    return build_workspace(tmp_path / "ws", toml='[workspace]\nname = "Xã Thử"\n')


@pytest.fixture
def made(capsys, small, store_target) -> str:
    """A store made from the small workspace with ``store create``."""
    code, _, err = run(capsys, "store", "create", store_target, "--from", small, "--user", "Lan")
    assert code == 0, err
    return store_target


def handed_over(frame: pd.DataFrame) -> dict[str, str]:
    return dict(zip(frame["hamlet_id"], frame["households_handed_over"], strict=True))


# --- the round trip ------------------------------------------------------------------------------------


def test_a_store_made_from_the_sample_gives_the_folders_summary(capsys, tmp_path, store_target):
    code, out, err = run(capsys, "store", "create", store_target, "--from", SAMPLE, "--user", "Lan")
    assert code == 0, err
    assert "#1" in out and "Lan" in out and "nhập thư mục / import" in out
    pd.testing.assert_frame_equal(summary(capsys, tmp_path, store_target), summary(capsys, tmp_path, SAMPLE))


def test_a_dry_run_shows_the_diff_per_hamlet_and_changes_nothing(capsys, tmp_path, made):
    before = summary(capsys, tmp_path, made)
    week = households_csv(tmp_path / "households.csv", H3="handed_over")
    code, out, err = run(capsys, "store", "upload", made, "households", week, "--user", "Bình", "--dry-run")
    assert code == 0, err
    assert "~1 sửa / changed" in out
    assert "stage Điều tra, kiểm đếm → Bàn giao mặt bằng" in out and "01/09/2026 → 12/11/2026" in out
    assert "Thôn Lân Hoài: 1 hộ chuyển sang Bàn giao mặt bằng" in out
    assert [c["id"] for c in history(capsys, made)] == [1]
    pd.testing.assert_frame_equal(summary(capsys, tmp_path, made), before)


def test_an_upload_is_committed_and_the_summary_follows_it(capsys, tmp_path, made):
    week = households_csv(tmp_path / "households.csv", H3="handed_over")
    code, out, err = run(capsys, "store", "upload", made, "households", week, "--user", "Bình", "--note", "Tuần 46")
    assert code == 0, err
    assert "#2" in out and "Bình" in out and "Tuần 46" in out
    assert handed_over(summary(capsys, tmp_path, made)) == {"A": "1", "B": "1"}
    last = history(capsys, made)[-1]
    assert (last["kind"], last["user"], last["note"], last["source_name"]) == (
        "upload",
        "Bình",
        "Tuần 46",
        "households.csv",
    )
    assert last["layers"] == {"households": {"added": 0, "changed": 1, "removed": 0}}


def test_a_rollback_restores_the_earlier_summary_and_can_itself_be_undone(capsys, tmp_path, made):
    before = summary(capsys, tmp_path, made)
    week = households_csv(tmp_path / "households.csv", H3="handed_over")
    assert run(capsys, "store", "upload", made, "households", week, "--user", "Bình")[0] == 0
    uploaded = summary(capsys, tmp_path, made)
    code, out, err = run(capsys, "store", "rollback", made, "1", "--user", "Lan", "--note", "Nhầm danh sách")
    assert code == 0, err
    assert "#3" in out
    pd.testing.assert_frame_equal(summary(capsys, tmp_path, made), before)
    assert run(capsys, "store", "rollback", made, "2", "--user", "Lan")[0] == 0
    pd.testing.assert_frame_equal(summary(capsys, tmp_path, made), uploaded)


def test_every_step_is_in_the_history_oldest_first_with_its_counts(capsys, tmp_path, made):
    week = households_csv(tmp_path / "households.csv", H3="handed_over")
    run(capsys, "store", "upload", made, "households", week, "--user", "Bình", "--note", "Tuần 46")
    run(capsys, "store", "rollback", made, "1", "--user", "Lan")
    run(capsys, "store", "rollback", made, "2", "--user", "Cường")
    steps = history(capsys, made)
    assert [(c["id"], c["kind"], c["user"]) for c in steps] == [
        (1, "import", "Lan"),
        (2, "upload", "Bình"),
        (3, "rollback", "Lan"),
        (4, "rollback", "Cường"),
    ]
    assert steps[0]["layers"]["households"] == {"added": 3, "changed": 0, "removed": 0}
    assert [c["layers"] for c in steps[1:]] == [{"households": {"added": 0, "changed": 1, "removed": 0}}] * 3
    assert all({"id", "user", "at", "note", "kind", "layers"} <= set(c) for c in steps)
    assert steps[2]["restores"] == 1 and steps[0]["at"] < steps[3]["at"]


def test_summary_at_an_earlier_changeset_gives_the_earlier_figures(capsys, tmp_path, made):
    before = summary(capsys, tmp_path, made)
    week = households_csv(tmp_path / "households.csv", H3="handed_over")
    run(capsys, "store", "upload", made, "households", week, "--user", "Bình")
    assert handed_over(summary(capsys, tmp_path, made)) == {"A": "1", "B": "1"}
    pd.testing.assert_frame_equal(summary(capsys, tmp_path, made, "--at", "1"), before)


def test_an_invalid_upload_exits_non_zero_with_the_message_and_leaves_the_history(capsys, tmp_path, made):
    before = history(capsys, made)
    week = households_csv(tmp_path / "households.csv", H1="nonsense")
    code, out, err = run(capsys, "store", "upload", made, "households", week, "--user", "Bình")
    assert code == 1
    assert "households.csv" in err and "nonsense" in err and "Traceback" not in err + out
    assert "kho giữ nguyên / Refused" in err
    assert history(capsys, made) == before


def test_a_stale_upload_is_refused_naming_who_changed_the_layer_since(capsys, tmp_path, made):
    week = households_csv(tmp_path / "households.csv", H3="handed_over")
    assert run(capsys, "store", "upload", made, "households", week, "--user", "Bình", "--base", "1")[0] == 0
    before = history(capsys, made)
    mine = households_csv(tmp_path / "mine.csv", H2="handed_over")
    code, _, err = run(capsys, "store", "upload", made, "households", mine, "--user", "Cường", "--base", "1")
    assert code == 1
    assert "Bình" in err and "#2" in err and "Traceback" not in err
    assert history(capsys, made) == before


def test_a_stale_upload_with_merge_applies_the_rows_that_do_not_conflict(capsys, tmp_path, made):
    week = households_csv(tmp_path / "households.csv", H3="handed_over")
    run(capsys, "store", "upload", made, "households", week, "--user", "Bình", "--base", "1")
    mine = households_csv(tmp_path / "mine.csv", H2="handed_over")  # made from #1: H3 still surveyed there
    code, out, err = run(
        capsys, "store", "upload", made, "households", mine, "--user", "Cường", "--base", "1", "--merge"
    )
    assert code == 0, err
    assert "gộp / merged" in out
    assert handed_over(summary(capsys, tmp_path, made)) == {"A": "2", "B": "1"}


# --- history, export, backup ---------------------------------------------------------------------------


def test_a_records_history_shows_its_stage_moves_with_day_first_dates(capsys, tmp_path, made):
    week = households_csv(tmp_path / "households.csv", H3="handed_over")
    run(capsys, "store", "upload", made, "households", week, "--user", "Bình", "--note", "Tuần 46")
    code, out, err = run(capsys, "store", "history", made, "--record", "households:H3")
    assert code == 0, err
    assert "stage: Điều tra, kiểm đếm → Bàn giao mặt bằng" in out
    assert "stage_date: 01/09/2026 → 12/11/2026" in out and "Bình (#2" in out


def test_a_layers_history_lists_only_the_changesets_that_changed_it(capsys, tmp_path, made):
    week = households_csv(tmp_path / "households.csv", H3="handed_over")
    run(capsys, "store", "upload", made, "households", week, "--user", "Bình")
    code, out, _ = run(capsys, "store", "history", made, "--layer", "parcels")
    assert code == 0 and "#1" in out and "#2" not in out


def test_an_export_at_a_changeset_is_a_folder_with_that_state_and_the_settings(capsys, tmp_path, made):
    before = summary(capsys, tmp_path, made)
    week = households_csv(tmp_path / "households.csv", H3="handed_over")
    run(capsys, "store", "upload", made, "households", week, "--user", "Bình")
    code, _, err = run(capsys, "store", "export", made, tmp_path / "out", "--at", "1")
    assert code == 0, err
    assert 'name = "Xã Thử"' in (tmp_path / "out" / "workspace.toml").read_text(encoding="utf-8")
    pd.testing.assert_frame_equal(summary(capsys, tmp_path, tmp_path / "out"), before)


def test_a_backup_is_written_and_never_over_an_existing_file(capsys, tmp_path, made):
    out = tmp_path / ("copy.gpkg" if made.endswith(".gpkg") else "copy.pgdump")
    code, stdout, err = run(capsys, "store", "backup", made, out)
    assert code == 0, err
    assert out.stat().st_size > 0 and str(out) in stdout
    assert run(capsys, "store", "backup", made, out)[0] == 2


# --- refusals and --at elsewhere -------------------------------------------------------------------------


def test_a_folder_with_errors_is_not_made_into_a_store(capsys, tmp_path):
    broken = build_workspace(tmp_path / "broken", parcels=None)
    target = tmp_path / "kho.gpkg"
    code, _, err = run(capsys, "store", "create", target, "--from", broken, "--user", "Lan")
    assert code == 1 and "parcels" in err and "Traceback" not in err
    assert not target.exists()


def test_a_store_is_not_made_inside_the_folder(capsys, small):
    code, _, err = run(capsys, "store", "create", small / "kho.gpkg", "--from", small, "--user", "Lan")
    assert code == 2 and not (small / "kho.gpkg").exists()


def test_a_store_is_not_made_over_another(capsys, small, made):
    code, _, err = run(capsys, "store", "create", made, "--from", small, "--user", "Bình")
    assert code == 1 and "Traceback" not in err
    assert [c["id"] for c in history(capsys, made)] == [1]


def test_validate_names_the_store_and_its_changeset(capsys, made):
    code, out, _ = run(capsys, "validate", made, "--at", "1")
    assert code == 0 and "#1" in out


def test_a_changeset_that_does_not_exist_is_an_error_not_a_traceback(capsys, tmp_path, made):
    code, _, err = run(capsys, "summary", made, "--out", tmp_path / "s.csv", "--at", "9")
    assert code == 1 and "#9" in err and "Traceback" not in err


def test_at_with_a_folder_is_refused_saying_it_needs_a_store(capsys, tmp_path, small):
    code, _, err = run(capsys, "summary", small, "--out", tmp_path / "s.csv", "--at", "1")
    assert code == 1 and "--at 1" in err


def test_an_output_onto_the_store_itself_is_refused(capsys, tmp_path, small):
    target = tmp_path / "kho.gpkg"
    run(capsys, "store", "create", target, "--from", small, "--user", "Lan")
    size = target.stat().st_size
    code, _, _ = run(capsys, "hotspots", target, "--out", target)
    assert code == 2 and target.stat().st_size == size


@pytest.mark.parametrize("command", ["hotspots", "export", "snapshot"])
def test_the_other_commands_read_a_store_at_a_changeset(capsys, tmp_path, made, command):
    suffix = {"hotspots": ".csv", "export": ".xlsx", "snapshot": ".html"}[command]
    out = tmp_path / f"out{suffix}"
    code, _, err = run(capsys, command, made, "--out", out, "--at", "1", "--as-of", AS_OF)
    assert code == 0, err
    assert out.stat().st_size > 0


# --- the sample's own files --------------------------------------------------------------------------------


@pytest.fixture
def sample_store(capsys, store_target) -> str:
    code, _, err = run(capsys, "store", "create", store_target, "--from", SAMPLE, "--user", "Lan")
    assert code == 0, err
    return store_target


@pytest.mark.parametrize("file", ["households.xlsx", "parcels.shp", "stage_history.csv", "projects.geojson"])
def test_uploading_the_folders_own_file_changes_nothing(capsys, sample_store, file):
    layer = file.split(".")[0]
    code, out, err = run(capsys, "store", "upload", sample_store, layer, SAMPLE / file, "--user", "Bình", "--dry-run")
    assert code == 0, err
    assert f"{layer}: +0 thêm / added, ~0 sửa / changed, -0 bỏ / removed" in out


def test_this_weeks_office_workbook_is_shown_per_hamlet_before_it_is_committed(capsys, tmp_path, sample_store):
    import openpyxl

    import geo

    book = openpyxl.load_workbook(SAMPLE / "households.xlsx")
    sheet = book.worksheets[0]
    stage = [c.value for c in sheet[1]].index("Bước") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, stage).value == "Phê duyệt phương án")
    sheet.cell(row, stage).value = "Bàn giao mặt bằng"
    book.save(tmp_path / "households.xlsx")
    ws = geo.load_workspace(SAMPLE)
    hamlet_id = ws.households.loc[ws.households["row"] == row, "hamlet_id"].item()
    name = ws.hamlets.set_index("hamlet_id").loc[hamlet_id, "hamlet_name"]
    argv = ("store", "upload", sample_store, "households", tmp_path / "households.xlsx", "--user", "Bình")
    code, out, err = run(capsys, *argv, "--dry-run")
    assert code == 0, err
    assert "~1 sửa / changed" in out and "Phê duyệt phương án → Bàn giao mặt bằng" in out
    assert f"{name}: 1 hộ chuyển sang Bàn giao mặt bằng" in out
    code, out, err = run(capsys, *argv, "--base", "1", "--note", "Tuần 47")
    assert code == 0, err
    assert history(capsys, sample_store)[-1]["layers"] == {"households": {"added": 0, "changed": 1, "removed": 0}}


@pytest.mark.parametrize("command", [("store", "history"), ("validate",)])
def test_a_file_that_is_no_store_is_named_without_a_traceback(capsys, tmp_path, command):
    junk = tmp_path / "kho.gpkg"
    junk.write_bytes(b"not a database")
    code, out, err = run(capsys, *command, junk)
    assert code == 1 and "kho.gpkg" in out + err and "Traceback" not in out + err


def test_a_database_server_that_cannot_be_reached_is_named_without_a_traceback(capsys):
    code, out, err = run(capsys, "store", "history", "postgresql://lan:bimat@127.0.0.1:1/hoson")
    assert code == 1 and "127.0.0.1" in err and "bimat" not in err and "Traceback" not in err
