"""Legal periods: one table, each period switching on its effective date, the reported set only on request."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import geo
from geo import legal
from geo.legal import PERIODS, check_settings, due_dates, due_from, period_days, period_on

ALL = ("law", "nq254")


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        ("notice_agricultural", 90, 90),
        ("notice_non_agricultural", 180, 180),
        ("plan_posting", 20, 30),
        ("payment", 30, 30),
        ("dispute_mediation", 45, 30),
        ("petition_answer", None, 30),
        ("notice_valid", None, 12),
    ],
)
def test_each_land_law_period_switches_on_1_august_2024(name, before, after):
    old = period_on(name, date(2024, 7, 31))
    new = period_on(name, date(2024, 8, 1))
    assert (old.days if old else None, new.days) == (before, after)
    assert new.effective == date(2024, 8, 1) and "31/2024/QH15" in new.law


def test_payment_counts_from_the_decision_under_the_2013_law_and_from_the_approval_under_the_2024_law():
    assert period_on("payment", date(2024, 7, 31)).counts_from == "recovery_decided"
    assert period_on("payment", date(2024, 8, 1)).counts_from == "plan_approved"


@pytest.mark.parametrize(
    ("name", "effective", "days"),
    [
        ("complaint_first", date(2012, 7, 1), 30),
        ("complaint_acceptance", date(2012, 7, 1), 10),
        ("complaint_second", date(2012, 7, 1), 45),
        ("denunciation", date(2019, 1, 1), 30),
    ],
)
def test_grievance_periods_switch_on_their_laws_effective_dates(name, effective, days):
    assert period_on(name, effective - pd.Timedelta(days=1).to_pytimedelta()) is None
    assert period_on(name, effective).days == days


@pytest.mark.parametrize(
    ("name", "days"),
    [("notice_agricultural", 60), ("notice_non_agricultural", 120), ("plan_posting", 10), ("dialogue", 30)],
)
def test_the_reported_resolution_254_applies_from_1_january_2026_only_when_switched_on(name, days):
    assert period_on(name, date(2026, 1, 1), sets=ALL).days == days
    law = period_on(name, date(2026, 1, 1))
    assert law is None or law.days != days
    assert (
        period_on(name, date(2025, 12, 31), sets=ALL) is None
        or period_on(name, date(2025, 12, 31), sets=ALL).set == "law"
    )


def test_every_reported_entry_says_to_confirm_against_the_official_text():
    reported = [p for p in PERIODS if p.set != "law"]
    assert reported and all(legal.REPORTED_NOTE in p.note for p in reported)


def test_every_entry_names_its_article_law_and_effective_date():
    assert all(p.article and p.law and isinstance(p.effective, date) and p.days > 0 for p in PERIODS)


def test_period_days_is_the_period_in_force_on_each_date():
    dates = pd.Series(pd.to_datetime(["2024-07-31", "2024-08-01", None, "2026-02-01"]))
    out = period_days("plan_posting", dates, sets=ALL)
    assert out.iloc[[0, 1, 3]].tolist() == [20.0, 30.0, 10.0] and pd.isna(out.iloc[2])


def test_the_notice_is_valid_twelve_calendar_months():
    out = due_dates("notice_valid", pd.Series(pd.to_datetime(["2025-02-28", "2024-07-01"])))
    assert out.iloc[0] == pd.Timestamp("2026-02-28") and pd.isna(out.iloc[1])


def test_due_from_takes_each_version_from_its_own_start_event():
    approved = pd.Series(pd.to_datetime(["2024-09-01", "2024-03-01"]))
    decided = pd.Series(pd.to_datetime(["2024-09-05", "2024-03-10"]))
    due = due_from("payment", {"plan_approved": approved, "recovery_decided": decided})
    assert due.dt.strftime("%Y-%m-%d").tolist() == ["2024-10-01", "2024-04-09"]


def test_unknown_settings_are_named():
    assert check_settings({"reported": ["nq254"], "remote_area": True}) == []
    problems = check_settings({"reported": "nq999", "remote": 1})
    assert any("remote" in p for p in problems) and any("nq999" in p for p in problems)


def test_a_workspace_with_an_unknown_reported_set_gets_a_config_error(build):
    ws = geo.load_workspace(build(toml='[legal]\nreported = ["nq999"]\n'))
    assert [p.code for p in ws.report.errors] == ["bad_config"]
