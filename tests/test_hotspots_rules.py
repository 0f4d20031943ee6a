"""Hotspot levels: the contract's two fixed points, each rule alone, reasons, configuration.

Every case starts from a quiet workspace (hamlets A and B, everyone agrees,
nothing late, nothing open) and adds one thing.
"""

from __future__ import annotations

import pandas as pd
import pytest

import geo
from geo.hotspots import check_config, compute_hotspots, hotspot_config, hotspot_levels
from geo.problems import WorkspaceError
from geo.vocabulary import join_reasons

AS_OF = "2026-11-20"
RECENT = "2026-11-10"


def household(
    hid: str, sheet: str, no: str, stage: str, date: str = RECENT, agreement: str = "yes", project: str = "P1"
) -> dict:
    return {
        "household_id": hid,
        "project_id": project,
        "map_sheet": sheet,
        "parcel_no": no,
        "stage": stage,
        "stage_date": date,
        "agreement": agreement,
    }


def quiet_households() -> list[dict]:
    """H1 handed over and H2 paid in hamlet A, H3 surveyed in hamlet B; all agree, all recent."""
    return [
        household("H1", "1", "1", "handed_over"),
        household("H2", "1", "2", "paid"),
        household("H3", "2", "1", "surveyed"),
    ]


def grievance(
    gid: str = "G1",
    received: str = RECENT,
    kind: str = "complaint",
    topic: str = "compensation_price",
    signatories: int = 1,
    status: str = "received",
    hamlet: str | None = "B",
    **extra,
) -> dict:
    row = {
        "grievance_id": gid,
        "received_date": received,
        "kind": kind,
        "topic": topic,
        "signatories": signatories,
        "status": status,
        "resolved_date": None,
        "household_id": None,
        "hamlet_id": hamlet,
        "project_id": None,
    }
    row.update(extra)
    return row


def report(hamlet: str, date: str, mood: str) -> dict:
    return {"report_date": date, "hamlet_id": hamlet, "reporter": "Bí thư chi bộ", "mood": mood, "note": ""}


def levels(
    build,
    config: dict | None = None,
    by_project: bool = False,
    project: str | None = None,
    toml: str | None = None,
    **layers,
) -> pd.DataFrame:
    layers.setdefault("households", quiet_households())
    ws = geo.load_workspace(build(toml=toml, **layers))
    assert ws.report.ok, ws.report.render()
    sl = geo.time_slice(ws, geo.Selection.make(project=project, as_of=AS_OF))
    cfg = hotspot_config(ws.config.hotspots, config)
    out = hotspot_levels(ws, sl, cfg, by_project=by_project)
    return out.set_index(["hamlet_id", "project_id"] if by_project else "hamlet_id")


# --------------------------------------------------------------------------- fixed points


def test_a_quiet_workspace_has_every_hamlet_at_none_with_score_zero_and_no_reasons(build):
    out = levels(build)
    assert out["hotspot_level"].tolist() == ["none", "none"]
    assert out["hotspot_score"].tolist() == [0.0, 0.0]
    assert out["hotspot_reasons"].tolist() == [[], []]


def test_an_open_overdue_grievance_with_five_signatories_makes_a_hotspot(build):
    out = levels(build, grievances=[grievance(received="2026-10-01", signatories=5)])
    assert out.loc["B", "hotspot_level"] == "hotspot"
    assert out.loc["B", "forced"] == "hotspot"
    assert out.loc["A", "hotspot_level"] == "none"


def test_four_signatories_overdue_is_not_the_fixed_hotspot(build):
    out = levels(build, grievances=[grievance(received="2026-10-01", signatories=4)])
    assert out.loc["B", "forced"] == ""
    assert out.loc["B", "hotspot_level"] == "watch"


def test_five_signatories_not_yet_overdue_is_not_the_fixed_hotspot(build):
    out = levels(build, grievances=[grievance(received="2026-11-01", signatories=5)])
    assert out.loc["B", "forced"] == ""
    assert out.loc["B", "hotspot_level"] == "risk"


def test_the_collective_fixed_point_holds_even_with_every_signal_switched_off(build):
    off = {"signals": {name: {"enabled": False} for name in geo.hotspots.SIGNALS}, "collective_min": 50}
    out = levels(build, config=off, grievances=[grievance(received="2026-10-01", signatories=6)])
    assert out.loc["B", "hotspot_level"] == "hotspot"
    assert out.loc["B", "hotspot_score"] == 0.0
    assert "1 đơn từ 5 người ký trở lên đã quá hạn giải quyết (đông nhất 6 người)" in out.loc["B", "hotspot_reasons"]


def test_a_gathering_risk_report_in_the_last_14_days_makes_a_hotspot(build):
    out = levels(build, field_reports=[report("A", "2026-11-07", "gathering_risk"), report("B", AS_OF, "stable")])
    assert out.loc["A", "hotspot_level"] == "hotspot"
    assert out.loc["A", "hotspot_reasons"][0] == "1 báo cáo nguy cơ tụ tập đông người trong 14 ngày qua"


def test_a_gathering_risk_report_15_days_old_no_longer_counts(build):
    out = levels(
        build,
        field_reports=[
            report("A", "2026-11-06", "gathering_risk"),
            report("A", AS_OF, "stable"),
            report("B", AS_OF, "stable"),
        ],
    )
    assert out.loc["A", "hotspot_level"] == "none"


def test_none_holds_where_only_signals_outside_the_contracts_list_fire(build):
    households = quiet_households()
    households[2]["stage_date"] = "2026-05-01"  # stalled
    history = [{"household_id": "H3", "project_id": "P1", "stage": "surveyed", "date": "2026-05-01"}]  # skipped
    out = levels(
        build,
        households=households,
        stage_history=history,
        field_reports=[report("A", AS_OF, "concerned")],  # B silent, A concerned
        toml="[hotspots.signals.stalled_households]\nweight = 50\n",
    )
    assert out.loc["B", "hotspot_score"] > 50
    assert out["hotspot_level"].tolist() == ["none", "none"]
    assert out["forced"].tolist() == ["none", "none"]


@pytest.mark.parametrize("what", ["open grievance", "disagreeing household", "past deadline", "agitated report"])
def test_each_condition_of_the_none_fixed_point_lifts_the_hamlet_to_at_least_watch(build, what):
    off = {"signals": {name: {"enabled": False} for name in geo.hotspots.SIGNALS}}
    layers: dict = {"field_reports": [report("A", AS_OF, "stable"), report("B", AS_OF, "stable")]}
    if what == "open grievance":
        layers["grievances"] = [grievance()]
    elif what == "disagreeing household":
        layers["households"] = quiet_households()
        layers["households"][2]["agreement"] = "no"
    elif what == "past deadline":
        layers["projects"] = [{"project_id": "P1", "project_name": "Đường", "handover_deadline": "2026-11-01"}]
    else:
        layers["field_reports"][1] = report("B", AS_OF, "agitated")
    out = levels(build, config=off, **layers)
    assert out.loc["B", "hotspot_score"] == 0.0
    assert out.loc["B", "hotspot_level"] == "watch"
    assert out.loc["B", "hotspot_reasons"] != []


# --------------------------------------------------------------------------- each rule alone


def test_an_open_complaint_scores_one_and_is_watched(build):
    out = levels(build, grievances=[grievance()])
    row = out.loc["B"]
    assert (row["open_grievances"], row["overdue_grievances"], row["hotspot_score"]) == (1.0, 0.0, 1.0)
    assert row["hotspot_level"] == "watch"
    assert row["hotspot_reasons"] == ["1 đơn khiếu nại đang giải quyết (giá bồi thường)"]


def test_a_petition_counts_half_by_its_kind_weight(build):
    out = levels(build, grievances=[grievance(kind="petition", topic="support")])
    assert out.loc["B", "open_grievances"] == 0.5
    assert out.loc["B", "hotspot_reasons"] == ["1 đơn kiến nghị đang giải quyết (hỗ trợ)"]


def test_a_topic_weight_from_workspace_toml_multiplies_the_count(build):
    out = levels(
        build, grievances=[grievance(topic="resettlement")], toml="[hotspots.topic_weights]\nresettlement = 3\n"
    )
    assert out.loc["B", "open_grievances"] == 3.0


def test_a_grievance_resolved_before_the_as_of_date_is_not_counted(build):
    out = levels(build, grievances=[grievance(status="resolved", resolved_date="2026-11-15")])
    assert out.loc["B", "open_grievances"] == 0.0
    assert out.loc["B", "hotspot_level"] == "none"


def test_a_grievance_resolved_after_the_as_of_date_counts_as_open(build):
    out = levels(build, grievances=[grievance(status="resolved", resolved_date="2026-11-25")])
    assert out.loc["B", "open_grievances"] == 1.0


def test_a_grievance_received_after_the_as_of_date_is_not_counted(build):
    out = levels(build, grievances=[grievance(received="2026-11-21")])
    assert out.loc["B", "open_grievances"] == 0.0


def test_an_overdue_complaint_scores_open_plus_overdue_and_says_so(build):
    out = levels(build, grievances=[grievance(received="2026-10-01", topic="area")])
    row = out.loc["B"]
    assert (row["open_grievances"], row["overdue_grievances"], row["hotspot_score"]) == (1.0, 1.0, 5.0)
    assert row["hotspot_reasons"] == ["1 đơn khiếu nại quá hạn giải quyết (diện tích)"]


def test_the_settlement_deadline_of_a_kind_comes_from_workspace_toml(build):
    out = levels(
        build, grievances=[grievance(received="2026-10-01")], toml="[grievances.deadline_days]\ncomplaint = 60\n"
    )
    assert out.loc["B", "overdue_grievances"] == 0.0


def test_a_collective_grievance_is_a_risk_and_named_with_its_signatories(build):
    out = levels(build, grievances=[grievance(signatories=12, kind="petition")])
    row = out.loc["B"]
    assert row["collective_grievances"] == 1.0
    assert row["hotspot_level"] == "risk"
    assert row["hotspot_reasons"] == ["1 đơn tập thể 12 người ký"]


def test_collective_min_from_workspace_toml_moves_the_collective_threshold(build):
    out = levels(build, grievances=[grievance(signatories=12)], toml="[hotspots]\ncollective_min = 20\n")
    assert out.loc["B", "collective_grievances"] == 0.0


def test_a_disagreeing_household_not_handed_over_is_counted(build):
    households = quiet_households()
    households[2]["agreement"] = "no"
    out = levels(build, households=households)
    row = out.loc["B"]
    assert (row["disagreeing_households"], row["hotspot_score"], row["hotspot_level"]) == (1.0, 2.0, "watch")
    assert row["hotspot_reasons"] == ["1 hộ không đồng thuận chưa bàn giao"]


def test_a_disagreeing_household_already_handed_over_is_not(build):
    households = quiet_households()
    households[0]["agreement"] = "no"  # H1 handed over
    out = levels(build, households=households)
    assert out.loc["A", "disagreeing_households"] == 0.0
    assert out.loc["A", "hotspot_level"] == "none"


def test_households_past_their_projects_deadline_and_not_handed_over_are_counted(build):
    out = levels(build, projects=[{"project_id": "P1", "project_name": "Đường", "handover_deadline": "2026-11-01"}])
    assert out["past_deadline_households"].to_dict() == {"A": 1.0, "B": 1.0}  # H2 paid, H3 surveyed; H1 done
    assert out.loc["A", "hotspot_reasons"] == ["1 hộ chưa bàn giao mặt bằng dù đã quá hạn của dự án"]


def test_a_deadline_after_the_as_of_date_is_not_yet_passed(build):
    out = levels(build, projects=[{"project_id": "P1", "project_name": "Đường", "handover_deadline": "2026-11-20"}])
    assert out["past_deadline_households"].sum() == 0.0


def test_a_household_without_a_stage_change_for_60_days_is_stalled(build):
    households = quiet_households()
    households[2]["stage_date"] = "2026-09-21"  # 60 days before the as-of date
    out = levels(build, households=households)
    assert out.loc["B", "stalled_households"] == 1.0
    assert out.loc["B", "hotspot_score"] == 0.25
    assert out.loc["B", "hotspot_reasons"] == ["1 hộ lâu chưa chuyển bước (lâu nhất 60 ngày)"]


def test_59_days_at_one_stage_is_not_yet_stalled(build):
    households = quiet_households()
    households[2]["stage_date"] = "2026-09-22"
    assert levels(build, households=households).loc["B", "stalled_households"] == 0.0


def test_stalled_comes_from_stage_history_where_present(build):
    households = quiet_households()
    households[2]["stage_date"] = None
    history = [
        {"household_id": "H3", "project_id": "P1", "stage": "notified", "date": "2026-07-01"},
        {"household_id": "H3", "project_id": "P1", "stage": "surveyed", "date": "2026-08-01"},
    ]
    out = levels(build, households=households, stage_history=history)
    assert out.loc["B", "stalled_households"] == 1.0
    assert "lâu nhất 111 ngày" in join_reasons(out.loc["B", "hotspot_reasons"])


def test_an_unpaid_household_more_than_30_days_after_its_stage_at_the_decision_pays_late_not_stalled(build):
    # issue 14: the 30-day payment check counts from the plan's approval (Art. 94(3)), not as a stall at
    # recovery_decided; without history the decision's date bounds the approval from above
    households = quiet_households()
    households[2].update(stage="recovery_decided", stage_date="2026-10-20")  # 31 days
    households[1].update(stage="plan_drafted", stage_date="2026-10-20")  # 31 days, ordinary step
    out = levels(build, households=households)
    assert (out.loc["B", "late_payment"], out.loc["B", "stalled_households"]) == (1.0, 0.0)
    assert out.loc["A", "late_payment"] == 0.0


def full_history(hid: str, dates: dict[str, str]) -> list[dict]:
    return [{"household_id": hid, "project_id": "P1", "stage": s, "date": d} for s, d in dates.items()]


def test_a_stage_reached_while_an_earlier_one_never_was_is_a_skipped_step(build):
    history = full_history("H3", {"notified": "2026-10-01", "plan_drafted": "2026-11-01"})  # no survey
    households = quiet_households()
    out = levels(build, households=households, stage_history=history)
    row = out.loc["B"]
    assert (row["skipped_steps"], row["hotspot_score"]) == (1.0, 3.0)
    assert row["hotspot_reasons"] == ["1 hộ bị bỏ bước trong trình tự thu hồi (thiếu bước “Điều tra, kiểm đếm”)"]


def test_paying_before_the_plan_is_approved_is_a_skipped_step(build):
    stages = ["notified", "surveyed", "plan_drafted", "plan_posted", "plan_approved", "recovery_decided", "paid"]
    dates = ["2026-08-01", "2026-08-10", "2026-09-01", "2026-09-05", "2026-10-20", "2026-10-20", "2026-10-10"]
    out = levels(build, stage_history=full_history("H3", dict(zip(stages, dates, strict=True))))
    assert out.loc["B", "skipped_steps"] == 1.0
    assert "chi trả trước khi phê duyệt phương án" in join_reasons(out.loc["B", "hotspot_reasons"])


def test_a_step_skipped_after_the_as_of_date_is_not_yet_seen(build):
    history = full_history("H3", {"notified": "2026-10-01", "surveyed": "2026-10-15", "plan_posted": "2026-11-25"})
    assert levels(build, stage_history=history).loc["B", "skipped_steps"] == 0.0


def test_an_agitated_report_in_the_14_days_scores_five_and_lifts_to_watch(build):
    out = levels(build, field_reports=[report("A", AS_OF, "stable"), report("B", "2026-11-15", "agitated")])
    row = out.loc["B"]
    assert (row["agitated_reports"], row["hotspot_score"], row["hotspot_level"]) == (1.0, 5.0, "watch")
    assert row["hotspot_reasons"] == ["1 báo cáo Nhân dân bức xúc trong 14 ngày qua"]


def test_a_concerned_report_scores_one_but_keeps_the_hamlet_at_none(build):
    out = levels(build, field_reports=[report("A", AS_OF, "stable"), report("B", "2026-11-15", "concerned")])
    row = out.loc["B"]
    assert (row["concerned_reports"], row["hotspot_score"], row["hotspot_level"]) == (1.0, 1.0, "none")
    assert row["hotspot_reasons"] == ["1 báo cáo Nhân dân có băn khoăn trong 14 ngày qua"]


def test_a_party_cell_silent_for_more_than_seven_days_is_flagged(build):
    out = levels(build, field_reports=[report("A", "2026-11-13", "stable"), report("B", "2026-11-12", "stable")])
    assert out["silent_party_cell"].to_dict() == {"A": 0.0, "B": 1.0}  # 7 days, 8 days
    assert out.loc["B", "hotspot_reasons"] == ["chi bộ 8 ngày chưa báo cáo tình hình"]


def test_a_party_cell_that_never_reported_is_flagged(build):
    out = levels(build, field_reports=[report("A", AS_OF, "stable")])
    assert out.loc["B", "hotspot_reasons"] == ["chi bộ chưa gửi báo cáo tình hình nào"]


def test_without_field_reports_no_party_cell_is_called_silent(build):
    assert levels(build)["silent_party_cell"].sum() == 0.0


def test_a_hamlet_touched_by_a_gi_cluster_gets_the_cluster_signal(build):
    ws = geo.load_workspace(build(households=quiet_households()))
    sl = geo.time_slice(ws, geo.Selection.make(as_of=AS_OF))
    out = hotspot_levels(ws, sl, cluster_hamlets=["B"]).set_index("hamlet_id")
    assert out["gi_cluster"].to_dict() == {"A": 0.0, "B": 1.0}
    assert out.loc["B", "hotspot_score"] == 4.0
    assert out.loc["B", "hotspot_reasons"] == ["có thửa đất trong cụm đơn thư tập trung bất thường (kiểm định Gi*)"]


# --------------------------------------------------------------------------- reasons


def test_reasons_read_as_the_issue_asks(build):
    households = quiet_households() + [household(f"H{i}", "2", "2", "surveyed", agreement="no") for i in (4, 5, 6)]
    grievances = [
        grievance("G1", received="2026-10-01"),
        grievance("G2", received="2026-09-20"),
        grievance("G3", kind="petition", signatories=12),
    ]
    out = levels(build, households=households, grievances=grievances)
    assert out.loc["B", "hotspot_reasons"] == [
        "2 đơn khiếu nại quá hạn giải quyết (giá bồi thường)",
        "1 đơn tập thể 12 người ký",
        "3 hộ không đồng thuận chưa bàn giao",
    ]
    assert out.loc["B", "hotspot_level"] == "hotspot"  # 2.5 open + 8 overdue + 10 collective + 6 disagreeing


def test_reasons_break_grievances_down_by_kind_and_most_frequent_topics(build):
    grievances = [
        grievance("G1", topic="area"),
        grievance("G2", topic="area", kind="denunciation"),
        grievance("G3", topic="procedure", kind="feedback"),
        grievance("G4", topic="support"),
        grievance("G5", topic="other"),
    ]
    out = levels(build, grievances=grievances)
    assert out.loc["B", "hotspot_reasons"] == [
        "3 đơn khiếu nại, 1 đơn tố cáo, 1 đơn phản ánh đang giải quyết (diện tích, hỗ trợ, thủ tục, …)"
    ]


def test_an_overdue_collective_grievance_is_named_once(build):
    out = levels(build, grievances=[grievance(received="2026-10-01", signatories=23)])
    assert out.loc["B", "hotspot_reasons"] == ["1 đơn tập thể 23 người ký đã quá hạn"]


# --------------------------------------------------------------------------- configuration


def test_switching_a_signal_off_removes_its_score_and_its_reason(build):
    households = quiet_households()
    households[2]["stage_date"] = "2026-05-01"
    out = levels(build, households=households, toml="[hotspots.signals.stalled_households]\nenabled = false\n")
    assert out.loc["B", "hotspot_score"] == 0.0
    assert out.loc["B", "hotspot_reasons"] == []


def test_a_weight_from_workspace_toml_changes_the_score(build):
    out = levels(build, grievances=[grievance()], toml="[hotspots.signals.open_grievances]\nweight = 3\n")
    assert out.loc["B", "hotspot_score"] == 3.0


def test_a_cap_limits_what_one_signal_can_add(build):
    households = quiet_households() + [household(f"H{i}", "2", "2", "surveyed", agreement="no") for i in range(4, 9)]
    out = levels(build, households=households, config={"signals": {"disagreeing_households": {"cap": 2}}})
    assert out.loc["B", "disagreeing_households"] == 5.0
    assert out.loc["B", "hotspot_score"] == 4.0


def test_thresholds_from_workspace_toml_move_the_levels(build):
    out = levels(build, grievances=[grievance()], toml="[hotspots]\nwatch_score = 0.5\nrisk_score = 1\n")
    assert out.loc["B", "hotspot_level"] == "risk"


def test_an_unknown_setting_is_named_in_words(build):
    problems = check_config({**geo.hotspots.DEFAULTS, "signals": {"moods": {"weight": 1}}})
    assert problems == [
        "[hotspots.signals] không có tín hiệu “moods”; có: "
        + ", ".join(geo.hotspots.SIGNALS)
        + " / unknown signal “moods”"
    ]


def test_a_workspace_with_unusable_hotspot_settings_is_refused_with_a_problem(build):
    ws = geo.load_workspace(build(toml='[hotspots]\nrisk_score = "cao"\n', households=quiet_households()))
    with pytest.raises(WorkspaceError) as err:
        compute_hotspots(ws, geo.Selection.make(as_of=AS_OF))
    assert "bad_config" in err.value.report.codes()
    assert "risk_score" in err.value.report.render()


# --------------------------------------------------------------------------- per project


def two_projects() -> dict:
    return {
        "projects": [
            {"project_id": "P1", "project_name": "Đường", "handover_deadline": "2026-12-31"},
            {"project_id": "P2", "project_name": "Cụm công nghiệp", "handover_deadline": "2026-11-01"},
        ],
        "households": quiet_households() + [household("H4", "1", "2", "surveyed", project="P2", agreement="no")],
    }


def test_per_project_rows_keep_each_projects_households_apart(build):
    out = levels(build, by_project=True, **two_projects())
    assert list(out.index) == [("A", "P1"), ("A", "P2"), ("B", "P1")]
    assert out.loc[("A", "P2"), "disagreeing_households"] == 1.0
    assert out.loc[("A", "P2"), "past_deadline_households"] == 1.0
    assert out.loc[("A", "P1"), "hotspot_level"] == "none"


def test_a_grievance_without_a_project_follows_its_households_project(build):
    layers = two_projects()
    out = levels(build, by_project=True, grievances=[grievance(hamlet=None, household_id="H4")], **layers)
    assert out.loc[("A", "P2"), "open_grievances"] == 1.0
    assert out.loc[("A", "P1"), "open_grievances"] == 0.0


def test_a_per_project_row_equals_the_hamlet_row_filtered_by_that_project(build):
    layers = two_projects()
    layers["grievances"] = [
        grievance(hamlet=None, household_id="H4", received="2026-10-01"),
        grievance("G2", hamlet="A", project_id="P1"),
    ]
    per_project = levels(build, by_project=True, **layers)
    filtered = levels(build, project="P2", **layers)
    cols = ["hotspot_level", "hotspot_score", "hotspot_reasons"]
    assert per_project.loc[("A", "P2"), cols].tolist() == filtered.loc["A", cols].tolist()


# --------------------------------------------------------------------------- lawful orders and legal periods


BEFORE_DECISION = {
    "notified": "2026-05-01",
    "surveyed": "2026-06-01",
    "plan_drafted": "2026-07-01",
    "plan_posted": "2026-08-01",
    "plan_approved": "2026-10-20",
}


def test_a_recovery_decision_after_the_payment_is_no_skipped_step_and_leaves_the_hamlet_at_none(build):
    history = full_history("H3", {**BEFORE_DECISION, "paid": "2026-11-01", "recovery_decided": "2026-11-10"})
    out = levels(build, stage_history=history)
    row = out.loc["B"]
    assert (row["skipped_steps"], row["late_payment"], row["hotspot_level"]) == (0.0, 0.0, "none")


def test_a_recovery_decision_not_yet_made_after_payment_is_not_flagged_before_it_comes(build):
    history = full_history("H3", {**BEFORE_DECISION, "paid": "2026-11-01", "recovery_decided": "2026-11-25"})
    assert levels(build, stage_history=history).loc["B", "skipped_steps"] == 0.0


def test_a_recovery_decision_after_a_voluntary_handover_is_no_skipped_step(build):
    history = full_history(
        "H3", {**BEFORE_DECISION, "paid": "2026-11-01", "handed_over": "2026-11-05", "recovery_decided": "2026-11-10"}
    )
    out = levels(build, stage_history=history)
    assert (out.loc["B", "skipped_steps"], out.loc["B", "hotspot_level"]) == (0.0, "none")


def test_a_decision_missing_before_a_payment_is_still_missing_when_nothing_was_paid(build):
    history = full_history("H3", {**BEFORE_DECISION, "recovery_decided": "2026-11-01"})
    del_posted = [r for r in history if r["stage"] != "plan_posted"]
    out = levels(build, stage_history=del_posted)
    assert "thiếu bước “Công khai phương án”" in join_reasons(out.loc["B", "hotspot_reasons"])


def test_a_household_unpaid_more_than_30_days_after_the_plan_approval_is_paid_late(build):
    history = full_history("H3", {**BEFORE_DECISION, "plan_approved": "2026-10-20"})  # 31 days
    out = levels(build, stage_history=history)
    row = out.loc["B"]
    assert (row["late_payment"], row["hotspot_score"]) == (1.0, 1.5)
    assert (
        "1 hộ chưa được chi trả tiền bồi thường dù đã quá hạn 30 ngày kể từ ngày phê duyệt phương án"
        in row["hotspot_reasons"]
    )


def test_30_days_after_the_plan_approval_the_payment_is_not_yet_late(build):
    history = full_history("H3", {**BEFORE_DECISION, "plan_approved": "2026-10-21"})
    assert levels(build, stage_history=history).loc["B", "late_payment"] == 0.0


def test_a_payment_made_after_the_30_days_is_named_as_owing_interest_but_not_scored(build):
    history = full_history(
        "H3", {**BEFORE_DECISION, "plan_approved": "2026-09-01", "recovery_decided": "2026-09-05", "paid": "2026-10-15"}
    )
    row = levels(build, stage_history=history).loc["B"]
    assert (row["late_payment"], row["hotspot_score"]) == (0.0, 0.0)
    assert row["hotspot_reasons"] == ["1 hộ được chi trả sau thời hạn 30 ngày, phải trả thêm tiền chậm trả"]


def test_a_notice_past_its_12_months_without_a_decision_has_expired(build):
    history = full_history("H3", {"notified": "2025-11-19", "surveyed": "2026-01-10"})
    row = levels(build, stage_history=history).loc["B"]
    assert row["expired_notice"] == 1.0
    assert (
        "1 hộ có thông báo thu hồi đất đã hết hiệu lực 12 tháng mà chưa có quyết định thu hồi" in row["hotspot_reasons"]
    )


def test_a_notice_12_months_old_to_the_day_is_still_valid(build):
    history = full_history("H3", {"notified": "2025-11-20", "surveyed": "2026-01-10"})
    assert levels(build, stage_history=history).loc["B", "expired_notice"] == 0.0


def test_a_notice_given_before_the_land_law_2024_has_no_12_month_validity(build):
    history = full_history("H3", {"notified": "2024-07-31", "surveyed": "2026-01-10"})
    assert levels(build, stage_history=history).loc["B", "expired_notice"] == 0.0


def test_a_dispute_counts_with_its_own_kind_in_the_reasons(build):
    out = levels(build, grievances=[grievance(kind="dispute", status="mediation", received="2026-10-01")])
    assert out.loc["B", "hotspot_reasons"][0].startswith("1 đơn tranh chấp đất đai quá hạn giải quyết")


SHORT_NOTICE_ON = {"signals": {"short_notice": {"enabled": True}}}


def notice_then_decision(hid: str, notified: str, decided: str) -> list[dict]:
    return full_history(
        hid,
        {
            "notified": notified,
            "surveyed": notified,
            "plan_drafted": notified,
            "plan_posted": notified,
            "plan_approved": decided,
            "recovery_decided": decided,
        },
    )


def unsure_households() -> list[dict]:
    households = quiet_households()
    households[2].update(agreement="unknown")  # H3, hamlet B, parcel 2-1 (CLN: agricultural)
    households[1].update(agreement="unknown")  # H2, hamlet A, parcel 1-2 (ONT: residential)
    return households


def test_short_notice_is_off_by_default(build):
    history = notice_then_decision("H3", "2026-09-01", "2026-11-01")
    assert levels(build, households=unsure_households(), stage_history=history).loc["B", "short_notice"] == 0.0


def test_a_decision_61_days_after_the_notice_on_agricultural_land_is_too_soon(build):
    history = notice_then_decision("H3", "2026-09-01", "2026-11-01")
    out = levels(build, config=SHORT_NOTICE_ON, households=unsure_households(), stage_history=history)
    assert (out.loc["B", "short_notice"], out.loc["B", "hotspot_score"]) == (1.0, 3.0)
    reasons = join_reasons(out.loc["B", "hotspot_reasons"])
    assert "1 hộ có quyết định thu hồi đất khi chưa đủ thời hạn thông báo" in reasons


def test_a_household_that_agrees_waives_the_notice_period(build):
    history = notice_then_decision("H3", "2026-09-01", "2026-11-01")
    assert levels(build, config=SHORT_NOTICE_ON, stage_history=history).loc["B", "short_notice"] == 0.0


def test_residential_land_needs_180_days_of_notice(build):
    history = notice_then_decision("H2", "2026-05-01", "2026-09-01")  # 123 days
    history += notice_then_decision("H3", "2026-05-01", "2026-09-01")
    out = levels(build, config=SHORT_NOTICE_ON, households=unsure_households(), stage_history=history)
    assert (out.loc["A", "short_notice"], out.loc["B", "short_notice"]) == (1.0, 0.0)


def test_the_reported_60_day_notice_applies_only_when_switched_on_and_from_2026(build):
    history = notice_then_decision("H3", "2025-12-01", "2026-02-15")  # 76 days
    law = levels(build, config=SHORT_NOTICE_ON, households=unsure_households(), stage_history=history)
    reported = levels(
        build,
        config=SHORT_NOTICE_ON,
        households=unsure_households(),
        stage_history=history,
        toml='[legal]\nreported = ["nq254"]\n',
    )
    assert (law.loc["B", "short_notice"], reported.loc["B", "short_notice"]) == (1.0, 0.0)


def test_each_hamlets_reasons_are_a_list_of_texts(build):
    out = levels(build, grievances=[grievance(received="2026-10-01", signatories=23)])
    assert all(isinstance(r, list) for r in out["hotspot_reasons"])
    assert all(isinstance(text, str) for r in out["hotspot_reasons"] for text in r)
