"""A party cell's weekly report (geo/entry/mood.py): its checks, its changeset, and who has not reported.

The small workspace (``conftest.build_workspace``: hamlets A “Thôn Đồng Tâm” and B “Thôn Lân Hoài”) with
one field report (A, stable, Tuesday 10/11/2026) is imported into a GeoPackage store; the party cell of
B reports on Friday 20/11/2026 (``TODAY``; the workspace's as-of date).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import build_workspace

import geo
from geo.access import Access
from geo.entry.mood import NOTE_LIMIT, mood_report, party_cell_accounts, save_mood_report, unreported
from geo.store import Store, import_folder
from geo.store.accounts import add_user, disable
from geo.store.source import StoreSource

TOML = '[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n'
TODAY = date(2026, 11, 20)  # a Friday
CELL_B = Access("party_cell", {"B"})
HAMLETS = ["A", "B"]
FIELD_REPORTS = [
    {"report_date": "10/11/2026", "hamlet_id": "A", "reporter": "Bùi Thị Lan", "mood": "stable", "note": "Ổn định"}
]


@pytest.fixture
def store(tmp_path: Path):
    folder = build_workspace(tmp_path / "ws", toml=TOML, field_reports=FIELD_REPORTS)
    s = import_folder(str(tmp_path / "kho.gpkg"), folder, user="Lan")
    yield s
    s.close()


def report(**changes):
    """B's party cell reporting ``gathering_risk`` today, with ``changes`` to what it entered."""
    entered = {
        "hamlet_id": "B",
        "mood": "gathering_risk",
        "note": "Một số hộ rủ nhau lên xã",
        "reporter": "chibo",
        "day": TODAY,
        "access": CELL_B,
        "hamlets": HAMLETS,
        "today": TODAY,
    }
    entered.update(changes)
    return mood_report(**entered)


def reports_now(store: Store) -> pd.DataFrame:
    return store.layer("field_reports").sort_values(["report_date", "hamlet_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- the checks


def test_a_party_cells_report_of_its_hamlet_is_one_row_with_the_layers_columns():
    row, problems = report()
    assert problems == {}
    assert list(row.columns) == ["report_date", "hamlet_id", "reporter", "mood", "note"]
    assert row.iloc[0].to_dict() == {
        "report_date": pd.Timestamp("2026-11-20"),
        "hamlet_id": "B",
        "reporter": "chibo",
        "mood": "gathering_risk",
        "note": "Một số hộ rủ nhau lên xã",
    }


def test_another_hamlets_report_is_refused_at_the_hamlet_field():
    row, problems = report(hamlet_id="A")
    assert row is None and set(problems) == {"hamlet_id"}
    assert problems["hamlet_id"].startswith("Tài khoản này không được báo cáo tình hình thôn “A”")


def test_a_hamlet_the_data_does_not_know_is_refused_at_the_hamlet_field():
    row, problems = report(hamlet_id="Z", access=Access("admin"))
    assert row is None and problems["hamlet_id"].startswith("Không có thôn “Z” trong dữ liệu")


def test_an_account_that_is_no_party_cell_may_not_report_and_an_administrator_may():
    assert "hamlet_id" in report(access=Access("leadership"))[1]
    assert "hamlet_id" in report(access=Access("officer", {"B"}))[1]
    assert report(access=Access("admin"))[1] == {}


def test_a_missing_mood_is_refused_at_the_mood_field():
    row, problems = report(mood=None)
    assert row is None and problems == {"mood": "Chọn tình hình Nhân dân. / Choose the public mood."}


def test_an_unknown_mood_is_refused_naming_the_four_moods():
    row, problems = report(mood="rất tốt")
    assert row is None
    assert "Ổn định, Có băn khoăn, Bức xúc, Nguy cơ tụ tập đông người" in problems["mood"]


def test_a_mood_written_as_its_vietnamese_label_is_read_as_its_key():
    row, problems = report(mood="Nguy cơ tụ tập đông người")
    assert problems == {} and row.loc[0, "mood"] == "gathering_risk"


def test_a_note_longer_than_the_limit_is_refused_with_its_length():
    row, problems = report(note="x" * (NOTE_LIMIT + 1))
    assert row is None and set(problems) == {"note"}
    assert problems["note"].startswith("Nội dung dài 501 ký tự")


def test_a_blank_note_is_kept_as_none():
    row, problems = report(note="   ")
    assert problems == {} and row.loc[0, "note"] is None


def test_a_date_still_to_come_is_refused_at_the_date_field():
    row, problems = report(day=date(2026, 11, 21))
    assert row is None and problems["report_date"].startswith("Ngày báo cáo 21/11/2026 chưa đến")


def test_a_date_written_day_first_is_read_day_first():
    row, problems = report(day="03/11/2026")
    assert problems == {} and row.loc[0, "report_date"] == pd.Timestamp("2026-11-03")


def test_a_text_that_is_no_date_is_refused_saying_why():
    row, problems = report(day="31/02/2026")
    assert row is None and problems["report_date"].startswith("Không có ngày 31 tháng 2 năm 2026")


def test_every_field_wrong_at_once_names_each_field():
    _, problems = report(hamlet_id="", mood="", note="x" * 600, reporter="", day="")
    assert set(problems) == {"hamlet_id", "mood", "note", "reporter", "report_date"}


# --------------------------------------------------------------------------- saving


def test_a_saved_report_is_one_changeset_by_the_account(store):
    head = store.head()
    commit, problems = save_mood_report(store, report()[0], "chibo")
    assert problems == {} and commit.changeset == head + 1 == store.head()
    last = store.history()[-1]
    assert (last["user"], last["kind"]) == ("chibo", "edit")
    assert reports_now(store)[["hamlet_id", "mood"]].values.tolist() == [["A", "stable"], ["B", "gathering_risk"]]


def test_a_first_report_in_a_store_without_field_reports_makes_the_layer(tmp_path):
    folder = build_workspace(tmp_path / "ws", toml=TOML)
    with import_folder(str(tmp_path / "kho.gpkg"), folder, user="Lan") as s:
        commit, problems = save_mood_report(s, report()[0], "chibo")
        assert problems == {} and commit is not None
        assert s.layer("field_reports")["mood"].tolist() == ["gathering_risk"]


def test_a_second_report_the_same_day_replaces_the_first_and_the_history_keeps_both(store):
    save_mood_report(store, report()[0], "chibo")
    commit, _ = save_mood_report(store, report(mood="stable", note="Đã ổn")[0], "chibo")
    now = reports_now(store)
    assert now[["hamlet_id", "mood", "note"]].values.tolist() == [["A", "stable", "Ổn định"], ["B", "stable", "Đã ổn"]]
    assert len(commit.diff.after) == 1 and commit.diff.added.empty
    moves = store.history(layer="field_reports", record="2026-11-20")
    assert [m["op"] for m in moves] == ["add", "change"]
    assert moves[1]["old"]["mood"] == "gathering_risk" and moves[1]["new"]["mood"] == "stable"


def test_a_report_on_another_day_of_the_week_is_added_beside_the_first(store):
    save_mood_report(store, report(day=date(2026, 11, 17))[0], "chibo")
    save_mood_report(store, report()[0], "chibo")
    assert reports_now(store)["hamlet_id"].tolist() == ["A", "B", "B"]


def test_a_row_outside_the_contract_is_refused_and_the_store_left_as_it_was(store):
    head, before = store.head(), reports_now(store)
    bad = report()[0].assign(mood="vui")  # a mood the contract does not know, past the form's check
    commit, problems = save_mood_report(store, bad, "chibo")
    assert commit is None and problems["store"].startswith("Báo cáo chưa được lưu, kho dữ liệu không thay đổi")
    assert "“vui”" in problems["store"]
    assert store.head() == head
    pd.testing.assert_frame_equal(reports_now(store), before)


def test_a_report_the_stores_validation_refuses_leaves_the_store_as_it_was(store, tmp_path):
    layers = store.layers()
    hamlets = layers["hamlets"]
    twice = hamlets.iloc[[0, 0, 1]].reset_index(drop=True)  # hamlet A twice: an error of the whole workspace
    with Store.create(tmp_path / "loi.gpkg", {**layers, "hamlets": twice}, user="Lan") as broken:
        head, before = broken.head(), reports_now(broken)
        commit, problems = save_mood_report(broken, report()[0], "chibo")
        assert commit is None and "hamlet_id" in problems["store"]
        assert broken.head() == head
        pd.testing.assert_frame_equal(reports_now(broken), before)


def test_a_gathering_risk_report_makes_its_hamlet_a_hotspot(store, tmp_path):
    def level(hamlet: str) -> str:
        ws = geo.assemble(StoreSource(tmp_path / "kho.gpkg", store=store).read())
        levels = geo.analyse(ws).levels.set_index("hamlet_id")
        return str(levels.loc[hamlet, "hotspot_level"])

    assert level("B") != "hotspot"
    save_mood_report(store, report()[0], "chibo")
    assert level("B") == "hotspot"


# --------------------------------------------------------------------------- who has not reported


def week_reports(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"report_date": pd.to_datetime([d for d, _ in rows]), "hamlet_id": [h for _, h in rows]})


def test_a_hamlet_with_a_report_on_the_weeks_monday_or_sunday_has_reported():
    reports = week_reports(("2026-11-16", "A"), ("2026-11-22", "B"))
    assert unreported(reports, ["A", "B", "C"], date(2026, 11, 20)) == ["C"]


def test_a_report_of_the_week_before_or_after_does_not_count():
    reports = week_reports(("2026-11-15", "A"), ("2026-11-23", "B"))
    assert unreported(reports, ["A", "B"], date(2026, 11, 16)) == ["A", "B"]


def test_without_any_report_every_hamlet_is_listed_in_its_order():
    assert unreported(week_reports(), ["B", "A"], TODAY) == ["B", "A"]


def test_the_hamlets_layer_may_be_given_as_it_is(store):
    layers = store.layers()
    assert unreported(layers["field_reports"], layers["hamlets"], date(2026, 11, 12)) == ["B"]


def test_party_cell_accounts_are_listed_per_hamlet_without_disabled_or_other_roles(store):
    add_user(store, "chibo_b", "mật-khẩu-thử-1", "party_cell", hamlets=["B"], by="test")
    add_user(store, "chibo_ab", "mật-khẩu-thử-1", "party_cell", hamlets=["A", "B"], by="test")
    add_user(store, "chibo_cu", "mật-khẩu-thử-1", "party_cell", hamlets=["A"], by="test")
    add_user(store, "canbo", "mật-khẩu-thử-1", "officer", hamlets=["A"], by="test")
    disable(store, "chibo_cu", by="test")
    assert party_cell_accounts(store) == {"A": ["chibo_ab"], "B": ["chibo_ab", "chibo_b"]}
