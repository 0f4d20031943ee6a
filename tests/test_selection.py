"""The time slice: a household's stage is the furthest step reached, and grievances' legal periods.

Issue 14: under the Land Law 2024 the recovery decision may lawfully follow payment or a voluntary
handover (Art. 87(5)); a household paid before its decision is paid, not stalled.
"""

from __future__ import annotations

from datetime import date

import pytest

import geo
from geo.selection import Selection, current_stages, grievance_state

AS_OF = "2026-11-20"
BEFORE_DECISION = ["notified", "surveyed", "plan_drafted", "plan_posted", "plan_approved"]


def history(hid: str, dated: dict[str, str]) -> list[dict]:
    return [{"household_id": hid, "project_id": "P1", "stage": s, "date": d} for s, d in dated.items()]


def steps_to_approval(hid: str) -> list[dict]:
    dates = ["2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01", "2026-10-01"]
    return history(hid, dict(zip(BEFORE_DECISION, dates, strict=True)))


def lawful_orders() -> list[dict]:
    """H1 (hamlet A) paid on 20/10, decision on 05/11; H3 (hamlet B) handed over on 25/10, decision on 10/11."""
    return (
        steps_to_approval("H1")
        + history("H1", {"paid": "2026-10-20", "recovery_decided": "2026-11-05"})
        + steps_to_approval("H3")
        + history("H3", {"paid": "2026-10-15", "handed_over": "2026-10-25", "recovery_decided": "2026-11-10"})
    )


def stages_of(build, as_of: str = AS_OF, **layers):
    ws = geo.load_workspace(build(**layers))
    rows = current_stages(ws, geo.Selection.make(as_of=as_of).as_of)
    return rows.set_index("household_id")


def test_a_household_paid_before_its_recovery_decision_is_at_paid(build):
    rows = stages_of(build, stage_history=lawful_orders())
    assert rows.loc["H1", "stage"] == "paid"
    assert rows.loc["H1", "stage_date"].date().isoformat() == "2026-10-20"


def test_a_household_that_handed_over_before_its_recovery_decision_is_at_handed_over(build):
    rows = stages_of(build, stage_history=lawful_orders())
    assert rows.loc["H3", "stage"] == "handed_over"


def test_the_furthest_step_is_taken_only_among_entries_up_to_the_as_of_date(build):
    rows = stages_of(build, as_of="2026-10-22", stage_history=lawful_orders())
    assert (rows.loc["H1", "stage"], rows.loc["H3", "stage"]) == ("paid", "paid")


def test_a_step_recorded_twice_keeps_its_latest_date(build):
    hist = (
        steps_to_approval("H1")
        + history("H1", {"paid": "2026-10-20"})
        + [{"household_id": "H1", "project_id": "P1", "stage": "paid", "date": "2026-11-02"}]
    )
    assert stages_of(build, stage_history=hist).loc["H1", "stage_date"].date().isoformat() == "2026-11-02"


def test_the_summary_counts_the_lawful_orders_as_paid_and_handed_over(build):
    ws = geo.load_workspace(build(stage_history=lawful_orders()))
    s = geo.hamlet_summary(ws, as_of=AS_OF).set_index("hamlet_id")
    # A: H1 paid (before its decision), H2 has no history and keeps its own stage (paid)
    assert (s.loc["A", "households_paid"], s.loc["A", "households_handed_over"]) == (2, 0)
    assert (s.loc["B", "households_paid"], s.loc["B", "households_handed_over"]) == (1, 1)


def test_weekly_progress_counts_a_handover_before_the_decision_from_the_handovers_week(build):
    ws = geo.load_workspace(build(stage_history=lawful_orders()))
    prog = geo.weekly_progress(ws, geo.Selection.make(as_of=AS_OF), weeks=6)
    handed = dict(zip((d.isoformat() for d in prog["week_end"]), prog["handed_over"], strict=True))
    assert (handed["2026-10-23"], handed["2026-10-30"], handed["2026-11-20"]) == (0, 1, 1)


# --------------------------------------------------------------------------- grievances' periods


def grievance(gid: str, received: str, kind: str, **extra) -> dict:
    row = {
        "grievance_id": gid,
        "received_date": received,
        "kind": kind,
        "topic": "area",
        "signatories": 1,
        "status": "in_progress",
        "resolved_date": None,
        "hamlet_id": "B",
    }
    row.update(extra)
    return row


def deadlines(build, grievances: list[dict], toml: str | None = None) -> dict[str, str]:
    ws = geo.load_workspace(build(toml=toml, grievances=grievances))
    assert ws.report.ok, ws.report.render()
    g = grievance_state(ws, geo.Selection.make(as_of=AS_OF).as_of).set_index("grievance_id")
    return {k: v.date().isoformat() for k, v in g["deadline"].items()}


def test_a_petition_gets_the_30_day_written_answer_of_the_land_law(build):
    assert deadlines(build, [grievance("G1", "2026-10-01", "petition")]) == {"G1": "2026-10-31"}


def test_a_land_dispute_is_mediated_in_30_days_since_the_land_law_2024_and_45_before(build):
    out = deadlines(
        build,
        [
            grievance("G1", "2024-08-01", "dispute", status="mediation"),
            grievance("G2", "2024-07-31", "dispute", status="mediation"),
        ],
    )
    assert out == {"G1": "2024-08-31", "G2": "2024-09-14"}


def test_a_second_settlement_of_a_complaint_has_45_days(build):
    out = deadlines(
        build,
        [
            grievance("G1", "2026-10-01", "complaint", settlement_round="lần hai"),
            grievance("G2", "2026-10-01", "complaint", settlement_round="lần đầu"),
        ],
    )
    assert out == {"G1": "2026-11-15", "G2": "2026-10-31"}


def test_a_remote_area_gives_a_first_complaint_45_days(build):
    out = deadlines(build, [grievance("G1", "2026-10-01", "complaint")], toml="[legal]\nremote_area = true\n")
    assert out == {"G1": "2026-11-15"}


def test_a_deadline_set_in_workspace_toml_wins_over_the_law(build):
    out = deadlines(
        build, [grievance("G1", "2026-10-01", "petition")], toml="[grievances.deadline_days]\npetition = 15\n"
    )
    assert out == {"G1": "2026-10-16"}


def test_a_complaint_accepted_after_10_days_is_marked_late_for_acceptance(build):
    ws = geo.load_workspace(
        build(
            grievances=[
                grievance("G1", "2026-10-01", "complaint", accepted_date="12/10/2026"),
                grievance("G2", "2026-10-01", "complaint", accepted_date="11/10/2026"),
            ]
        )
    )
    g = grievance_state(ws, geo.Selection.make(as_of=AS_OF).as_of).set_index("grievance_id")
    assert g["acceptance_late"].to_dict() == {"G1": True, "G2": False}


def test_the_kind_dispute_is_read_from_its_vietnamese_name(build):
    ws = geo.load_workspace(build(grievances=[grievance("G1", "2026-10-01", "Tranh chấp đất đai")]))
    assert ws.grievances["kind"].tolist() == ["dispute"]


def test_acceptance_date_and_settlement_round_are_read_from_their_vietnamese_headers(build):
    row = grievance("G1", "2026-10-01", "complaint")
    row.update({"Ngày thụ lý": "05/10/2026", "Lần giải quyết": "Lần hai"})
    ws = geo.load_workspace(build(grievances=[row]))
    assert ws.report.ok, ws.report.render()
    g = ws.grievances.set_index("grievance_id")
    assert (g.loc["G1", "accepted_date"].date().isoformat(), g.loc["G1", "settlement_round"]) == (
        "2026-10-05",
        "second",
    )


# ---- Selection.make: dates typed by a user, ISO or day-first, and why one is refused


def test_a_day_first_date_is_read_day_first():
    assert Selection.make(as_of="03/04/2026").as_of == date(2026, 4, 3)


def test_a_date_that_does_not_exist_is_refused_naming_it():
    with pytest.raises(ValueError, match="there is no 29 February 2025"):
        Selection.make(as_of="29/02/2025")
