"""Grievances at the reception desk (issue 17 point 3): numbers, refusals, deadlines, steps, one changeset each."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from pandas.testing import assert_frame_equal

import geo
from geo.access import Access, restrict
from geo.config import config_from_text
from geo.entry import grievances as ge
from geo.problems import Report
from geo.store import Edit, Store, ValidationRefused, import_folder
from geo.store.tables import SCHEMA_VERSION
from tests.conftest import build_workspace

TODAY = date(2026, 11, 25)
_databases = itertools.count(1)
CLERK = Access("clerk")

GRIEVANCES = [
    {  # household H1 in hamlet A (placed from its parcel)
        "grievance_id": "0002/2026/KN",
        "received_date": "02/11/2026",
        "kind": "complaint",
        "topic": "area",
        "status": "received",
        "household_id": "H1",
        "project_id": "P1",
    },
    {
        "grievance_id": "0001/2026/TCĐ",
        "received_date": "01/11/2026",
        "kind": "dispute",
        "topic": "area",
        "status": "received",
        "hamlet_id": "B",
    },
    {
        "grievance_id": "0003/2026/TC",
        "received_date": "03/11/2026",
        "kind": "denunciation",
        "topic": "procedure",
        "status": "received",
        "hamlet_id": "A",
    },
    {
        "grievance_id": "0004/2026/PA",
        "received_date": "04/11/2026",
        "kind": "feedback",
        "topic": "other",
        "status": "withdrawn",
        "resolved_date": "05/11/2026",
        "hamlet_id": "A",
    },
]

RECEIVED = {
    "received_date": "20/11/2026",
    "kind": "Khiếu nại",
    "topic": "Diện tích",
    "signatories": "1",
    "household_id": "H2",
    "project_id": "P1",
    "summary": "Đề nghị đo lại diện tích thửa đất",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return build_workspace(tmp_path / "ws", grievances=GRIEVANCES)


@pytest.fixture
def store(folder: Path, tmp_path: Path):
    with import_folder(tmp_path / "kho.gpkg", folder, user="Lan") as s:
        yield s


def ws_of(store: Store) -> geo.Workspace:
    return geo.load_workspace(store.backend.url if store.backend.name == "postgis" else store.backend.path)


def moved(store: Store, number: str, step: str, access: Access = CLERK, **values):
    """Record ``step`` of grievance ``number`` (``values``: date, attended, outcome, note); the problems."""
    edits, problems = ge.move_on(
        number, step, values, ws_of(store), access, stored=store.layer("grievances"), today=TODAY
    )
    if edits is not None:
        ge.save(store, edits, "Lan")
    return problems


def grievance(store: Store, number: str) -> pd.Series:
    g = store.layer("grievances")
    return g[g["grievance_id"] == number].iloc[0]


# --------------------------------------------------------------------------- the number


def test_the_next_number_is_one_more_than_the_largest_of_its_year_across_every_kind():
    existing = ["0062/2026/KN", "0063/2026/TC", "0007/2026/KNg", "0099/2025/KN"]
    assert ge.next_number(existing, "petition", date(2026, 11, 20)) == "0064/2026/KNg"


def test_a_new_year_starts_its_reception_book_at_one():
    assert ge.next_number(["0150/2026/KN"], "dispute", date(2027, 1, 2)) == "0001/2027/TCĐ"


def test_numbers_of_another_pattern_are_ignored():
    existing = ["0150/2026/ĐT", "G-900", "2026/KN/0500", None, "0003/2026/PA"]
    assert ge.next_number(existing, "complaint", date(2026, 3, 1)) == "0004/2026/KN"


def test_the_offices_own_pattern_and_codes_come_from_workspace_toml():
    cfg = config_from_text(
        '[grievances]\nnumber = "{code}-{seq:03d}/{year}"\n[grievances.codes]\ncomplaint = "K"\n', Report()
    )
    existing = ["K-009/2026", "TC-011/2026", "0050/2026/KN"]
    number = ge.next_number(existing, "complaint", date(2026, 5, 1), cfg.grievance_number, cfg.grievance_codes)
    assert number == "K-012/2026"


def test_a_pattern_without_a_year_counts_every_number_it_made():
    assert ge.next_number(["KN-7", "TC-9"], "complaint", date(2027, 1, 1), "{code}-{seq}") == "KN-10"


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ('[grievances]\nnumber = "{year}/{code}"\n', "thiếu trường {seq}"),
        ('[grievances]\nnumber = "{seq}/{nam}"\n', "không có trường {nam}"),
    ],
)
def test_an_unusable_numbering_setting_is_an_error_naming_it(toml, fragment):
    report = Report()
    cfg = config_from_text(toml, report)
    assert [fragment in p.message for p in report.errors] == [True], report.render()
    assert cfg.grievance_number == "{seq:04d}/{year}/{code}" and cfg.grievance_codes["complaint"] == "KN"


# --------------------------------------------------------------------------- receive


def test_a_received_grievance_gets_the_next_number_status_received_and_its_reception_step(store):
    values = {**RECEIVED, "signatories": "7", "representatives": "Ông Hoàng Văn Tư, Bà Lý Thị Năm"}
    edits, problems = ge.receive(values, ws_of(store), CLERK, today=TODAY)
    assert problems == {}
    row = edits["grievances"].rows.iloc[0]
    assert (row["grievance_id"], row["status"], row["kind"], row["topic"], row["signatories"]) == (
        "0005/2026/KN",
        "received",
        "complaint",
        "area",
        7,
    )
    step = edits["grievance_steps"].rows.iloc[0]
    assert (step["step"], step["attended"], step["note"]) == (
        "received",
        "Ông Hoàng Văn Tư, Bà Lý Thị Năm",
        "Đề nghị đo lại diện tích thửa đất",
    )


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"received_date": "31/02/2026"}, "received_date", "February 2026 has 28 days"),
        ({"received_date": "26/11/2026"}, "received_date", "is in the future"),
        ({"received_date": ""}, "received_date", "received date is missing"),
        ({"kind": "khiếu kiện"}, "kind", "“khiếu kiện” is no kind"),
        ({"topic": None}, "topic", "choose the topic"),
        ({"signatories": "2,5"}, "signatories", "must be a whole number of at least 1"),
        ({"signatories": "0"}, "signatories", "must be a whole number of at least 1"),
        ({"signatories": "5"}, "representatives", "collective: give the names of its representatives"),
        ({"household_id": "H9"}, "household_id", "no household “H9”"),
        ({"household_id": "", "hamlet_id": ""}, "hamlet_id", "give the household or choose the hamlet"),
        ({"household_id": "", "hamlet_id": "Z"}, "hamlet_id", "no hamlet “Z”"),
        ({"project_id": "P9"}, "project_id", "no project “P9”"),
        ({"summary": "  "}, "summary", "give a short summary"),
        ({"summary": "x" * 501}, "summary", "at most 500"),
    ],
)
def test_each_wrong_field_is_refused_with_what_to_fix(store, change, field, fragment):
    edits, problems = ge.receive({**RECEIVED, **change}, ws_of(store), CLERK, today=TODAY)
    assert edits is None
    assert list(problems) == [field] and fragment in problems[field], problems
    assert " / " in problems[field]  # Vietnamese first, then English


def test_an_officer_receives_only_its_own_hamlets_letters(store):
    officer = Access("officer", {"B"})
    edits, problems = ge.receive(RECEIVED, ws_of(store), officer, today=TODAY)  # H2 lives in hamlet A
    assert edits is None and "outside the hamlets this account follows" in problems["household_id"]
    edits, problems = ge.receive({**RECEIVED, "household_id": "H3"}, ws_of(store), officer, today=TODAY)
    assert problems == {} and edits is not None


def test_leadership_does_not_receive_grievances(store):
    edits, problems = ge.receive(RECEIVED, ws_of(store), Access("leadership"), today=TODAY)
    assert edits is None and "does not receive grievances" in problems["hamlet_id"]


# --------------------------------------------------------------------------- deadlines


def test_a_complaint_is_accepted_within_10_days_and_settled_within_30_of_its_acceptance():
    assert ge.deadlines(date(2026, 11, 20), "complaint") == {
        "acceptance": date(2026, 11, 30),
        "settlement": date(2026, 12, 20),
    }
    assert ge.deadlines(date(2026, 11, 20), "complaint", accepted=date(2026, 11, 27))["settlement"] == date(
        2026, 12, 27
    )


def test_a_remote_area_gives_a_complaint_45_days_and_its_second_settlement_60():
    cfg = config_from_text("[legal]\nremote_area = true\n", Report())
    assert ge.deadlines(date(2026, 11, 20), "complaint", config=cfg)["settlement"] == date(2027, 1, 4)
    assert ge.deadlines(date(2026, 11, 20), "complaint", config=cfg, second=True)["settlement"] == date(2027, 1, 19)


def test_a_denunciation_has_no_acceptance_deadline_and_30_days_to_settle():
    assert ge.deadlines(date(2026, 11, 20), "denunciation") == {"acceptance": None, "settlement": date(2026, 12, 20)}


def test_a_land_disputes_mediation_takes_the_period_of_the_law_in_force_on_its_receipt():
    assert ge.deadlines(date(2026, 11, 20), "dispute")["settlement"] == date(2026, 12, 20)  # Land Law 2024: 30
    assert ge.deadlines(date(2024, 7, 1), "dispute")["settlement"] == date(2024, 8, 15)  # Land Law 2013: 45


def test_days_set_in_workspace_toml_replace_the_laws_period():
    cfg = config_from_text("[grievances.deadline_days]\ncomplaint = 20\n", Report())
    assert ge.deadlines(date(2026, 11, 20), "complaint", config=cfg)["settlement"] == date(2026, 12, 10)


def test_the_deadlines_read_as_the_desk_writes_them_day_first():
    text = ge.deadline_text(ge.deadlines(date(2026, 11, 20), "complaint"), "complaint")
    assert text.startswith("hạn thụ lý 30/11/2026, hạn giải quyết 20/12/2026 / ")
    assert ge.deadline_text(ge.deadlines(date(2026, 11, 20), "dispute"), "dispute").startswith("hạn hòa giải 20/12")


# --------------------------------------------------------------------------- moving on


def test_acceptance_puts_a_grievance_in_progress_with_its_date(store):
    assert moved(store, "0002/2026/KN", "accepted", date="10/11/2026") == {}
    row = grievance(store, "0002/2026/KN")
    assert row["status"] == "in_progress" and row["accepted_date"] == pd.Timestamp("2026-11-10")


def test_a_dialogue_needs_who_attended_and_its_outcome_and_moves_the_status(store):
    problems = moved(store, "0002/2026/KN", "dialogue", date="12/11/2026")
    assert set(problems) == {"attended", "outcome"}
    assert (
        moved(store, "0002/2026/KN", "dialogue", date="12/11/2026", attended="UBND xã; hộ H1", outcome="Đo lại") == {}
    )
    assert grievance(store, "0002/2026/KN")["status"] == "dialogue"
    steps = store.layer("grievance_steps")
    assert steps[["step", "attended", "outcome"]].values.tolist() == [["dialogue", "UBND xã; hộ H1", "Đo lại"]]


def test_mediation_is_for_a_land_dispute_only(store):
    assert (
        "mediation is for a land dispute only" in moved(store, "0002/2026/KN", "mediation", date="12/11/2026")["step"]
    )
    assert moved(store, "0001/2026/TCĐ", "mediation", date="12/11/2026", outcome="Hòa giải thành") == {}
    assert grievance(store, "0001/2026/TCĐ")["status"] == "mediation"


def test_a_first_settlement_resolves_a_complaint_and_a_second_may_follow(store):
    assert (
        "record the first settlement first" in moved(store, "0002/2026/KN", "settled_second", date="20/11/2026")["step"]
    )
    assert moved(store, "0002/2026/KN", "settled_first", date="15/11/2026") == {}
    row = grievance(store, "0002/2026/KN")
    assert (row["status"], row["resolved_date"], row["settlement_round"]) == (
        "resolved",
        pd.Timestamp("2026-11-15"),
        "first",
    )
    assert moved(store, "0002/2026/KN", "settled_second", date="20/11/2026") == {}
    assert grievance(store, "0002/2026/KN")["settlement_round"] == "second"
    assert (
        "the grievance is resolved"
        in moved(store, "0002/2026/KN", "dialogue", date="21/11/2026", attended="a", outcome="b")["step"]
    )


def test_a_withdrawn_grievance_takes_no_further_step(store):
    problems = moved(store, "0004/2026/PA", "accepted", date="20/11/2026")
    assert "withdrawn: no more steps" in problems["step"]


def test_withdrawing_closes_a_grievance_on_its_date(store):
    assert moved(store, "0001/2026/TCĐ", "withdrawn", date="09/11/2026") == {}
    row = grievance(store, "0001/2026/TCĐ")
    assert (row["status"], row["resolved_date"]) == ("withdrawn", pd.Timestamp("2026-11-09"))


def test_escalation_moves_the_status_to_escalated(store):
    assert moved(store, "0001/2026/TCĐ", "escalated", date="09/11/2026") == {}
    assert grievance(store, "0001/2026/TCĐ")["status"] == "escalated"


def test_a_step_before_the_letter_was_received_is_refused(store):
    problems = moved(store, "0002/2026/KN", "accepted", date="01/11/2026")
    assert "before the letter was received (02/11/2026)" in problems["date"]


def test_a_grievance_is_accepted_only_once(store):
    assert moved(store, "0002/2026/KN", "accepted", date="10/11/2026") == {}
    assert "already accepted 10/11/2026" in moved(store, "0002/2026/KN", "accepted", date="11/11/2026")["step"]


def test_an_officer_moves_on_only_its_hamlets_grievances(store):
    problems = moved(store, "0002/2026/KN", "accepted", Access("officer", {"B"}), date="10/11/2026")
    assert "does not handle grievance 0002/2026/KN" in problems["grievance_id"]
    assert moved(store, "0002/2026/KN", "accepted", Access("officer", {"A"}), date="10/11/2026") == {}


def test_a_denunciation_is_moved_on_only_by_those_who_settle_them(store):
    assert "grievance_id" in moved(store, "0003/2026/TC", "accepted", CLERK, date="10/11/2026")
    assert moved(store, "0003/2026/TC", "accepted", Access("inspector"), date="10/11/2026") == {}


def test_the_picker_lists_open_grievances_without_names_and_without_denunciations_for_the_clerk(store):
    shown = ge.movable(ws_of(store), CLERK)
    assert list(shown.columns) == ["grievance_id", "kind", "hamlet_id", "received_date", "status"]
    assert sorted(shown["grievance_id"]) == ["0001/2026/TCĐ", "0002/2026/KN"]
    assert "0003/2026/TC" in set(ge.movable(ws_of(store), Access("admin"))["grievance_id"])


def test_moving_on_writes_back_the_grievance_as_stored_not_its_placed_hamlet(store):
    store.edit("grievances", grievance(store, "0002/2026/KN").to_frame().T.assign(hamlet_id=None), user="Lan")
    assert ws_of(store).grievances.set_index("grievance_id").loc["0002/2026/KN", "hamlet_id"] == "A"
    assert moved(store, "0002/2026/KN", "accepted", date="10/11/2026") == {}
    assert pd.isna(grievance(store, "0002/2026/KN")["hamlet_id"])  # placed in A by its household, stored blank


# --------------------------------------------------------------------------- the store


def test_a_save_is_one_changeset_of_two_layers(store):
    edits, _ = ge.receive(RECEIVED, ws_of(store), CLERK, today=TODAY)
    commit = ge.save(store, edits, "Lan", "Tiếp nhận đơn")
    last = store.history()[-1]
    assert commit.changeset == last["id"] == 2 and last["kind"] == "edit"
    assert last["layers"] == {
        "grievances": {"added": 1, "changed": 0, "removed": 0},
        "grievance_steps": {"added": 1, "changed": 0, "removed": 0},
    }


def test_a_refused_save_leaves_the_store_as_it_was(store):
    edits, _ = ge.move_on("0002/2026/KN", "accepted", {"date": "10/11/2026"}, ws_of(store), CLERK, today=TODAY)
    orphan = edits["grievance_steps"].rows.assign(grievance_id="9999/2026/KN")  # a step of no grievance
    head, before = store.head(), store.layer("grievances")
    with pytest.raises(ValidationRefused, match="9999/2026/KN"):
        ge.save(store, {"grievances": edits["grievances"], "grievance_steps": Edit(orphan)}, "Lan")
    assert store.head() == head
    assert_frame_equal(store.layer("grievances"), before)
    assert "grievance_steps" not in store.layers()


def test_the_steps_come_back_from_a_store_export_read_as_a_folder(store, tmp_path):
    edits, _ = ge.receive(RECEIVED, ws_of(store), CLERK, today=TODAY)
    ge.save(store, edits, "Lan")
    assert moved(store, "0005/2026/KN", "accepted", date="22/11/2026") == {}
    out = store.export(tmp_path / "out")
    assert (out / "grievance_steps.csv").is_file()
    ws = geo.load_workspace(out)
    assert ws.report.ok, ws.report.render()
    assert ws.grievance_steps[["grievance_id", "step", "date"]].values.tolist() == [
        ["0005/2026/KN", "received", pd.Timestamp("2026-11-20")],
        ["0005/2026/KN", "accepted", pd.Timestamp("2026-11-22")],
    ]


@pytest.fixture(params=["gpkg", "postgis"])
def any_store(request, folder: Path, tmp_path: Path):
    """The small store on a GeoPackage or on PostGIS."""
    if request.param == "gpkg":
        target = str(tmp_path / "kho.gpkg")
    else:
        from postgis import create_database

        target = create_database(request.getfixturevalue("postgis_url"), f"entry_{next(_databases)}")
    with import_folder(target, folder, user="Lan") as s:
        yield s


def test_a_store_of_version_3_gains_the_steps_layer_when_opened(any_store, tmp_path):
    store = any_store
    target = store.backend.url if store.backend.name == "postgis" else store.backend.path
    with store.backend.engine.begin() as conn:  # the store as version 3 made it: no grievance_steps
        conn.exec_driver_sql("DROP TABLE grievance_steps")
        conn.exec_driver_sql("DELETE FROM store_layers WHERE layer = 'grievance_steps'")
        if store.backend.name == "gpkg":
            conn.exec_driver_sql("DELETE FROM gpkg_contents WHERE table_name = 'grievance_steps'")
        conn.exec_driver_sql("DELETE FROM store_version")
        conn.execute(store.tables["store_version"].insert().values(version=3, at=pd.Timestamp.now(tz="UTC")))
    store.close()
    with Store.open(target, backup_dir=tmp_path) as upgraded:
        assert upgraded.backup_taken is not None
        with upgraded.backend.engine.connect() as conn:
            assert sa.inspect(conn).has_table("grievance_steps")
            assert conn.exec_driver_sql("SELECT max(version) FROM store_version").scalar() == SCHEMA_VERSION == 4
        assert moved(upgraded, "0002/2026/KN", "accepted", date="10/11/2026") == {}
        assert upgraded.layer("grievance_steps")["step"].tolist() == ["accepted"]


# --------------------------------------------------------------------------- a folder's steps


def test_a_step_of_an_unknown_grievance_is_an_error_naming_the_file_and_row(build):
    steps = [
        {"ma_don": "0002/2026/KN", "buoc": "Thụ lý", "ngay": "10/11/2026"},
        {"ma_don": "0009/2026/KN", "buoc": "Đối thoại", "ngay": "12/11/2026"},
    ]
    ws = geo.load_workspace(build(grievances=GRIEVANCES, grievance_steps=steps))
    errors = [(p.code, p.file, p.rows) for p in ws.report.errors]
    assert errors == [("unknown_grievance", "grievance_steps.csv", (3,))], ws.report.render()


def test_an_unknown_step_is_an_error_and_a_step_before_receipt_a_warning(build):
    steps = [
        {"grievance_id": "0002/2026/KN", "step": "khởi kiện", "date": "10/11/2026"},
        {"grievance_id": "0002/2026/KN", "step": "accepted", "date": "01/10/2026"},
    ]
    ws = geo.load_workspace(build(grievances=GRIEVANCES, grievance_steps=steps))
    assert [(p.code, p.rows) for p in ws.report.errors] == [("unknown_value", (2,))], ws.report.render()
    assert ("step_before_received", (3,)) in [(p.code, p.rows) for p in ws.report.warnings]


def test_who_attended_is_hidden_from_an_account_outside_the_hamlet(store):
    assert (
        moved(store, "0002/2026/KN", "dialogue", date="12/11/2026", attended="Ông Nguyễn Văn An", outcome="Đo lại")
        == {}
    )
    ws = ws_of(store)
    assert restrict(ws, Access("officer", {"A"})).grievance_steps["attended"].tolist() == ["Ông Nguyễn Văn An"]
    assert restrict(ws, Access("officer", {"B"})).grievance_steps["attended"].isna().all()
    assert restrict(ws, CLERK).grievance_steps["attended"].isna().all()


def test_kinds_may_share_a_code_when_the_office_keeps_one_reception_book():
    report = Report()
    cfg = config_from_text('[grievances.codes]\ncomplaint = "ĐT"\ndenunciation = "ĐT"\n', report)
    assert report.ok, report.render()
    assert cfg.grievance_codes["complaint"] == cfg.grievance_codes["denunciation"] == "ĐT"
    ids = ["0007/2026/ĐT", "0009/2026/ĐT"]
    assert ge.next_number(ids, "denunciation", date(2026, 5, 1), cfg.grievance_number, cfg.grievance_codes) == (
        "0010/2026/ĐT"
    )
