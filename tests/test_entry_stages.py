"""Recording a household's step (issue 17 point 3): one changeset, the history grows, nothing is overwritten."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from conftest import CRS, sq

import geo
from geo.access import Access
from geo.entry.stages import household_step, recordable, save, stage_key
from geo.store import Edit, MergeConflict, Store, ValidationRefused
from geo.store.source import StoreSource

TODAY = date(2026, 11, 28)
OFFICER_A = Access("officer", {"A"})
ADMIN = Access("admin")


def layers(with_history: bool = True) -> dict[str, pd.DataFrame]:
    """Two hamlets, three parcels, two projects; H1 (two parcels in A) and H2 (B) with a history in P1,
    H3 in P2 (A) without one, H4 (A) at a stage the list gives no date for."""
    hamlets = gpd.GeoDataFrame(
        {"hamlet_id": ["A", "B"], "hamlet_name": ["Thôn Đồng Tâm", "Thôn Lân Hoài"]},
        geometry=[sq(0, 0, 1000), sq(1000, 0, 1000)],
        crs=CRS,
    )
    parcels = gpd.GeoDataFrame(
        {"map_sheet": ["1", "1", "2"], "parcel_no": ["1", "2", "1"], "hamlet_id": ["A", "A", "B"]},
        geometry=[sq(10, 10), sq(200, 10), sq(1100, 10)],
        crs=CRS,
    )
    projects = gpd.GeoDataFrame(
        {"project_id": ["P1", "P2"], "project_name": ["Đường tỉnh", "Cụm công nghiệp"]},
        geometry=[None, None],
        crs=CRS,
    )
    households = pd.DataFrame(
        {
            "household_id": ["H1", "H1", "H2", "H3", "H4"],
            "household_name": ["Nguyễn Văn An", "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"],
            "project_id": ["P1", "P1", "P1", "P2", "P2"],
            "map_sheet": ["1", "1", "2", "1", "1"],
            "parcel_no": ["1", "2", "1", "2", "1"],
            "stage": ["paid", "paid", "surveyed", "plan_posted", "paid"],
            "stage_date": pd.to_datetime(["2026-10-01", "2026-10-01", "2026-09-01", "2026-11-01", None]),
            "compensation_vnd": [100_000_000.0, 50_000_000.0, None, None, 70_000_000.0],
        }
    )
    out = {"hamlets": hamlets, "parcels": parcels, "projects": projects, "households": households}
    if with_history:
        out["stage_history"] = pd.DataFrame(
            {
                "household_id": ["H1", "H1", "H1", "H2"],
                "project_id": ["P1"] * 4,
                "stage": ["notified", "plan_approved", "paid", "surveyed"],
                "date": pd.to_datetime(["2026-06-01", "2026-08-01", "2026-10-01", "2026-09-01"]),
            }
        )
    return out


def workspace(store: Store) -> geo.Workspace:
    return geo.assemble(StoreSource("store", store=store).read())


@pytest.fixture
def store(tmp_path: Path):
    s = Store.create(tmp_path / "store.gpkg", layers(), user="Lan", note="import")
    yield s
    s.close()


def history(store: Store) -> pd.DataFrame:
    sh = store.layer("stage_history")
    return sh.sort_values(["household_id", "project_id", "date", "stage"]).reset_index(drop=True)


def rows_of(store: Store, household: str) -> pd.DataFrame:
    hh = store.layer("households")
    return hh[hh["household_id"] == household]


def test_a_step_is_one_changeset_adding_a_history_entry_and_moving_the_households_rows(store):
    head = store.head()
    step, problems = household_step("H1", "P1", "handed_over", "20/11/2026", workspace(store), OFFICER_A, TODAY)
    assert problems == {}
    commit = save(store, step, user="canbo1")
    assert commit.changeset == store.head() == head + 1
    last = store.history()[-1]
    assert (last["user"], last["kind"]) == ("canbo1", "edit")
    assert last["layers"]["stage_history"]["added"] == 1
    assert last["layers"]["households"]["changed"] == 2  # both of H1's rows in P1
    new = history(store).query("household_id == 'H1' and stage == 'handed_over'")
    assert new["date"].tolist() == [pd.Timestamp("2026-11-20")]
    h1 = rows_of(store, "H1")
    assert set(h1["stage"]) == {"handed_over"} and set(h1["stage_date"]) == {pd.Timestamp("2026-11-20")}


def test_nothing_in_the_history_or_the_other_columns_is_overwritten(store):
    before_history, before_rows = history(store), store.layer("households")
    step, _ = household_step("H1", "P1", "Bàn giao mặt bằng", "20/11/2026", workspace(store), OFFICER_A, TODAY)
    commit = save(store, step, user="canbo1")
    after = history(store)
    kept = before_history.merge(after, how="left", indicator=True)
    assert (kept["_merge"] == "both").all() and len(after) == len(before_history) + 1
    assert commit.diffs["stage_history"].counts == {"added": 1, "changed": 0, "removed": 0}
    assert set(commit.diffs["households"].changed["column"]) == {"stage", "stage_date"}
    others = ["household_id", "household_name", "project_id", "compensation_vnd"]
    pd.testing.assert_frame_equal(store.layer("households")[others], before_rows[others])


def test_the_first_step_of_a_household_without_history_starts_from_its_known_stage(store):
    step, problems = household_step("H3", "P2", "plan_approved", "20/11/2026", workspace(store), OFFICER_A, TODAY)
    assert problems == {}
    assert step.seeded[["stage", "date"]].values.tolist() == [["plan_posted", pd.Timestamp("2026-11-01")]]
    save(store, step, user="canbo1")
    h3 = history(store).query("household_id == 'H3'")
    assert h3[["stage", "date"]].values.tolist() == [
        ["plan_posted", pd.Timestamp("2026-11-01")],
        ["plan_approved", pd.Timestamp("2026-11-20")],
    ]


def test_a_first_step_behind_a_known_stage_without_a_date_is_refused(store):
    before = store.head()
    step, problems = household_step("H4", "P2", "recovery_decided", "20/11/2026", workspace(store), OFFICER_A, TODAY)
    assert step is None and "Chi trả tiền" in problems["stage"]
    assert store.head() == before


def test_a_step_behind_the_furthest_stage_is_added_and_the_current_stage_stays(store):
    # the recovery decision dated after the payment (Land Law 2024 Art. 87(5)): accepted, the household stays paid
    step, problems = household_step("H1", "P1", "recovery_decided", "15/11/2026", workspace(store), OFFICER_A, TODAY)
    assert problems == {} and len(step.warnings) == 2
    save(store, step, user="canbo1")
    assert "recovery_decided" in set(history(store)["stage"])
    assert set(rows_of(store, "H1")["stage"]) == {"paid"}


def test_an_administrator_records_a_step_in_any_hamlet(store):
    step, problems = household_step("H2", "P1", "plan_drafted", "2026-11-02", workspace(store), ADMIN, TODAY)
    assert problems == {} and step.current == "plan_drafted"


@pytest.mark.parametrize(
    ("household", "project", "stage", "day", "access", "field", "words"),
    [
        ("H9", "P1", "paid", "20/11/2026", OFFICER_A, "household", "Không có hộ “H9”"),
        ("H2", "P2", "paid", "20/11/2026", ADMIN, "project", "không có đất thu hồi trong dự án P2"),
        ("H1", "P9", "paid", "20/11/2026", ADMIN, "project", "Không có dự án “P9”"),
        ("H2", "P1", "paid", "20/11/2026", OFFICER_A, "household", "ngoài các thôn bạn được ghi (B)"),
        ("H1", "P1", "paid", "20/11/2026", Access("leadership"), "household", "ngoài các thôn"),
        ("H1", "P1", "xong", "20/11/2026", OFFICER_A, "stage", "Không có bước “xong”"),
        ("H1", "P1", "handed_over", "30/11/2026", OFFICER_A, "date", "chưa đến"),
        ("H1", "P1", "handed_over", "31/02/2026", OFFICER_A, "date", "không có ngày 31 tháng 2"),
        ("H1", "P1", "handed_over", "", OFFICER_A, "date", "Ghi ngày"),
        ("H1", "P1", "paid", "01/10/2026", OFFICER_A, "date", "đã được ghi"),
    ],
    ids=[
        "unknown household",
        "household not in the project",
        "unknown project",
        "outside the officer's hamlets",
        "a role that records no step",
        "unknown stage",
        "future date",
        "no such date",
        "no date",
        "already recorded",
    ],
)
def test_a_refused_step_names_the_field_and_writes_nothing(store, household, project, stage, day, access, field, words):
    head = store.head()
    step, problems = household_step(household, project, stage, day, workspace(store), access, TODAY)
    assert step is None
    assert words in problems[field], problems
    assert store.head() == head


def test_a_refused_save_leaves_every_layer_as_it_was(store):
    before = {name: frame.copy() for name, frame in store.layers().items()}
    head = store.head()
    step, _ = household_step("H1", "P1", "handed_over", "20/11/2026", workspace(store), OFFICER_A, TODAY)
    edits = step.edits(store.layer("households"))
    orphan = edits["households"].rows.iloc[:1].assign(map_sheet=None, parcel_no=None, parcel_id=None)
    edits["households"] = Edit(pd.concat([edits["households"].rows, orphan], ignore_index=True))  # a row of no parcel
    with pytest.raises(ValidationRefused, match="không ghi thửa đất"):
        save(store, edits, user="canbo1")
    assert store.head() == head
    for name, frame in store.layers().items():  # the valid stage_history entry was not written either
        pd.testing.assert_frame_equal(frame, before[name])


def test_a_row_changed_by_someone_else_since_the_form_was_filled_is_not_overwritten(store):
    step, _ = household_step("H1", "P1", "handed_over", "20/11/2026", workspace(store), OFFICER_A, TODAY)
    rows = rows_of(store, "H1").assign(compensation_vnd=[120_000_000.0, 60_000_000.0])
    store.edit("households", rows, user="vanphong", note="Sửa số tiền")
    head = store.head()
    with pytest.raises(MergeConflict):
        save(store, step, user="canbo1")
    assert store.head() == head
    assert rows_of(store, "H1")["compensation_vnd"].tolist() == [120_000_000.0, 60_000_000.0]


def test_save_writes_any_layers_edits_as_one_changeset(store):
    entry = pd.DataFrame(
        {"household_id": ["H2"], "project_id": ["P1"], "stage": ["plan_drafted"], "date": [pd.Timestamp("2026-11-02")]}
    )
    commit = save(store, {"stage_history": Edit(entry)}, user="quantri", note="Bổ sung")
    assert commit.changeset == store.head() and len(history(store)) == 5


def test_the_summary_after_the_step_counts_the_household_at_its_new_stage(store):
    before = geo.hamlet_summary(workspace(store), as_of=TODAY).set_index("hamlet_id")
    assert before.loc["A", "households_handed_over"] == 0
    step, _ = household_step("H1", "P1", "handed_over", "20/11/2026", workspace(store), OFFICER_A, TODAY)
    save(store, step, user="canbo1")
    after = geo.hamlet_summary(workspace(store), as_of=TODAY).set_index("hamlet_id")
    assert after.loc["A", "households_handed_over"] == 1
    assert (
        geo.hamlet_summary(workspace(store), as_of="2026-11-19")
        .set_index("hamlet_id")
        .loc["A", "households_handed_over"]
        == 0
    )  # dated 20/11: not yet on the 19th


def test_a_first_step_in_a_store_without_history_keeps_the_household_at_its_known_stage(tmp_path):
    with Store.create(tmp_path / "s.gpkg", layers(with_history=False), user="Lan") as s:
        step, problems = household_step("H1", "P1", "recovery_decided", "15/09/2026", workspace(s), OFFICER_A, TODAY)
        assert problems == {}
        save(s, step, user="canbo1")
        assert history(s)[["stage", "date"]].values.tolist() == [
            ["recovery_decided", pd.Timestamp("2026-09-15")],
            ["paid", pd.Timestamp("2026-10-01")],
        ]
        summary = geo.hamlet_summary(workspace(s), as_of=TODAY).set_index("hamlet_id")
        assert summary.loc["A", "households_paid"] == 2  # H1 still paid, as the list said


def test_an_officer_is_offered_only_its_hamlets_households(store):
    offered = recordable(workspace(store), OFFICER_A)
    assert sorted(zip(offered["household_id"], offered["project_id"], strict=True)) == [
        ("H1", "P1"),
        ("H3", "P2"),
        ("H4", "P2"),
    ]
    assert set(offered["household_name"]) == {"Nguyễn Văn An", "Lê Văn Cường", "Phạm Thị Dung"}
    assert recordable(workspace(store), OFFICER_A, "B").empty
    assert recordable(workspace(store), Access("clerk")).empty


def test_a_stage_is_known_by_its_key_its_label_or_an_alias():
    assert [stage_key(v) for v in ("handed_over", "Bàn giao mặt bằng", "da ban giao", "xong", "")] == [
        "handed_over",
        "handed_over",
        "handed_over",
        None,
        None,
    ]


@pytest.mark.slow
def test_a_step_on_a_postgis_store_is_one_changeset_too(postgis_url):
    from postgis import create_database

    url = create_database(postgis_url, "entry_stages")
    with Store.create(url, layers(), user="Lan") as s:
        step, problems = household_step("H1", "P1", "handed_over", "20/11/2026", workspace(s), OFFICER_A, TODAY)
        assert problems == {}
        commit = save(s, step, user="canbo1")
        assert commit.changeset == s.head()
        assert set(rows_of(s, "H1")["stage"]) == {"handed_over"}
        assert len(history(s)) == 5
