"""The per-hamlet summary, column by column, as the data contract defines it."""

from __future__ import annotations

import csv

import pytest

import geo
from geo.summary import OVERLAP_LABEL, UNPLACED_LABEL, reconcile
from tests.conftest import totals_layers

AS_OF = "2026-11-20"


def summary(path, **kw):
    ws = geo.load_workspace(path)
    assert ws.report.ok, ws.report.render()
    return geo.hamlet_summary(ws, as_of=kw.pop("as_of", AS_OF), **kw).set_index("hamlet_id")


def hh(hid, sheet, no, stage, date=None, project="P1", **extra):
    row = {"household_id": hid, "project_id": project, "map_sheet": sheet, "parcel_no": no, "stage": stage}
    if date:
        row["stage_date"] = date
    row.update(extra)
    return row


def test_summary_has_the_contract_columns_in_order(workspace):
    assert list(summary(workspace).reset_index().columns[:15]) == list(geo.SUMMARY_COLUMNS)


def test_every_hamlet_has_a_row_even_with_nothing_affected(build):
    s = summary(build(households=[hh("H1", "1", "1", "paid")]))
    assert s.index.tolist() == ["A", "B"]
    assert s.loc["B", "households"] == 0 and s.loc["B", "handover_pct"] == 0


def test_acquired_area_defaults_to_declared_then_measured_parcel_area(workspace):
    s = summary(workspace)
    # H1 100 m² declared + H2 "200,5" declared; H3's parcel has no declared area: 100 m × 100 m measured
    assert s.loc["A", "area_affected_m2"] == 300.5
    assert round(s.loc["B", "area_affected_m2"]) == 10000


def test_acquired_area_column_wins_over_parcel_area(build):
    s = summary(build(households=[hh("H1", "1", "1", "handed_over", acquired_area_m2="40")]))
    assert s.loc["A", "area_affected_m2"] == 40 and s.loc["A", "area_handed_over_pct"] == 100


def test_household_counts_as_handed_over_only_when_every_row_in_the_hamlet_is(build):
    rows = [hh("H1", "1", "1", "handed_over"), hh("H1", "1", "2", "paid"), hh("H2", "2", "1", "handed_over")]
    s = summary(build(households=rows))
    assert s.loc["A", "households"] == 1 and s.loc["A", "households_handed_over"] == 0
    assert s.loc["A", "households_paid"] == 1
    assert s.loc["B", "households_handed_over"] == 1 and s.loc["B", "handover_pct"] == 100


def test_handover_pct_and_area_pct(workspace):
    s = summary(workspace)
    assert s.loc["A", "handover_pct"] == 50.0
    assert s.loc["A", "area_handed_over_pct"] == round(100 / 300.5 * 100, 2)


def test_compensation_counts_rows_at_paid_or_later_only(build):
    rows = [
        hh("H1", "1", "1", "paid", compensation_vnd="1.000.000"),
        hh("H2", "1", "2", "plan_approved", compensation_vnd="5000000"),
    ]
    s = summary(build(households=rows))
    assert s.loc["A", "compensation_paid_vnd"] == 1_000_000


def test_stage_dated_after_as_of_is_not_counted_without_history(build):
    rows = [hh("H1", "1", "1", "paid", "01/12/2026"), hh("H2", "1", "2", "paid", "01/11/2026")]
    s = summary(build(households=rows))
    assert s.loc["A", "households"] == 1 and s.loc["A", "parcels_affected"] == 1


def test_stage_history_gives_the_stage_on_the_as_of_date(build):
    rows = [hh("H1", "1", "1", "handed_over")]
    history = [
        {"household_id": "H1", "project_id": "P1", "stage": "notified", "date": "01/08/2026"},
        {"household_id": "H1", "project_id": "P1", "stage": "paid", "date": "01/10/2026"},
        {"household_id": "H1", "project_id": "P1", "stage": "handed_over", "date": "01/12/2026"},
    ]
    path = build(households=rows, stage_history=history)
    assert summary(path).loc["A", "households_paid"] == 1
    assert summary(path).loc["A", "households_handed_over"] == 0
    assert summary(path, as_of="2026-12-05").loc["A", "households_handed_over"] == 1
    assert summary(path, as_of="2026-07-01").loc["A", "households"] == 0


def test_project_filter_keeps_only_that_projects_rows_and_grievances(build):
    projects = [{"project_id": "P1", "project_name": "Đường"}, {"project_id": "P2", "project_name": "Cụm CN"}]
    rows = [hh("H1", "1", "1", "paid"), hh("H2", "1", "2", "paid", project="P2")]
    grievances = [
        {"grievance_id": "G1", "received_date": "01/11/2026", "project_id": "P2", "hamlet_id": "A"},
        {"grievance_id": "G2", "received_date": "01/11/2026", "household_id": "H2"},
        {"grievance_id": "G3", "received_date": "01/11/2026", "project_id": "P1", "hamlet_id": "A"},
    ]
    path = build(projects=projects, households=rows, grievances=grievances)
    p2 = summary(path, project="P2")
    assert p2.loc["A", "households"] == 1 and p2.loc["A", "grievances_open"] == 2
    assert summary(path).loc["A", "grievances_open"] == 3


def test_grievance_received_after_as_of_is_not_counted(build):
    g = [{"grievance_id": "G1", "received_date": "21/11/2026", "hamlet_id": "A"}]
    assert summary(build(grievances=g)).loc["A", "grievances_open"] == 0


def test_grievance_resolved_after_as_of_counts_as_open(build):
    g = [
        {
            "grievance_id": "G1",
            "received_date": "01/09/2026",
            "status": "resolved",
            "resolved_date": "25/11/2026",
            "hamlet_id": "A",
        },
        {
            "grievance_id": "G2",
            "received_date": "01/09/2026",
            "status": "withdrawn",
            "resolved_date": "01/10/2026",
            "hamlet_id": "A",
        },
    ]
    s = summary(build(grievances=g))
    assert s.loc["A", "grievances_open"] == 1 and s.loc["A", "grievances_overdue"] == 1


def test_overdue_means_as_of_later_than_received_plus_deadline(build):
    g = [
        {"grievance_id": "G1", "received_date": "21/10/2026", "hamlet_id": "A"},  # +30 = 20/11: not later
        {"grievance_id": "G2", "received_date": "20/10/2026", "hamlet_id": "A"},
    ]  # +30 = 19/11: overdue
    s = summary(build(grievances=g))
    assert s.loc["A", "grievances_open"] == 2 and s.loc["A", "grievances_overdue"] == 1


def test_deadline_is_configurable_per_kind(build):
    g = [{"grievance_id": "G1", "received_date": "01/11/2026", "kind": "feedback", "hamlet_id": "A"}]
    path = build(grievances=g, toml="[grievances.deadline_days]\nfeedback = 10\n")
    assert summary(path).loc["A", "grievances_overdue"] == 1


def test_max_signatories_counts_open_grievances_only(build):
    g = [
        {"grievance_id": "G1", "received_date": "01/11/2026", "signatories": "12", "hamlet_id": "A"},
        {
            "grievance_id": "G2",
            "received_date": "01/11/2026",
            "signatories": "40",
            "status": "resolved",
            "hamlet_id": "A",
        },
        {"grievance_id": "G3", "received_date": "01/11/2026", "hamlet_id": "A"},
    ]
    s = summary(build(grievances=g))
    assert s.loc["A", "max_signatories_open"] == 12 and s.loc["B", "max_signatories_open"] == 0


def test_csv_numbers_are_plain_and_percentages_have_two_decimals(workspace, tmp_path):
    from geo.summary import write_summary_csv

    out = tmp_path / "s.csv"
    write_summary_csv(summary(workspace).reset_index(), out)
    text = out.read_text(encoding="utf-8")
    assert "300000000," in text and "50.00" in text and "33.28" in text
    assert "3e+08" not in text and "300,000,000" not in text


def test_hotspot_fixed_point_collective_overdue_grievance(build):
    g = [{"grievance_id": "G1", "received_date": "01/09/2026", "signatories": "5", "hamlet_id": "A"}]
    s = summary(build(grievances=g, households=[hh("H1", "1", "1", "handed_over", agreement="yes")]))
    assert s.loc["A", "hotspot_level"] == "hotspot" and s.loc["A", "hotspot_reasons"]


def test_hotspot_fixed_point_gathering_risk_report(build):
    fr = [{"report_date": "10/11/2026", "hamlet_id": "B", "mood": "Nguy cơ tụ tập đông người"}]
    assert summary(build(field_reports=fr)).loc["B", "hotspot_level"] == "hotspot"


def test_hamlet_with_nothing_pressing_is_none(build):
    rows = [hh("H1", "1", "1", "paid", agreement="yes")]
    fr = [
        {"report_date": "18/11/2026", "hamlet_id": "A", "mood": "stable"},
        {"report_date": "18/11/2026", "hamlet_id": "B", "mood": "stable"},
    ]
    s = summary(build(households=rows, field_reports=fr))
    assert s["hotspot_level"].tolist() == ["none", "none"]


# --------------------------------------------------------------------------- totals that add up (issue 11, point 3)


@pytest.fixture
def totals(build):
    """Slice, summary, reconciliation and headline of :func:`tests.conftest.totals_layers`."""
    ws = geo.load_workspace(build(**totals_layers()))
    assert ws.report.ok, ws.report.render()
    an = geo.analyse(ws, geo.Selection.make(as_of=AS_OF))
    sl, s = an.slice, an.summary
    return sl, s, reconcile(sl, s), geo.headline(sl, s)


def test_hamlet_rows_alone_do_not_add_up_to_the_headline(totals):
    _, s, _, head = totals
    assert s["households"].sum() == 4 and head.households == 5  # H2 twice, H4 and H5 nowhere
    assert s["households_handed_over"].sum() == 2 and head.handed_over == 3  # H2 in B only; not H4, H5


def test_rows_whose_parcel_is_unknown_get_a_not_placed_row(totals):
    _, _, rec, _ = totals
    row = rec.unplaced
    assert row["hamlet_name"] == UNPLACED_LABEL == "Chưa xác định thôn / not placed"
    assert (row["households"], row["households_handed_over"], row["parcels_affected"]) == (2, 2, 2)
    assert row["compensation_paid_vnd"] == 120_000_000


def test_unplaced_grievances_count_in_the_not_placed_row(totals):
    _, s, rec, head = totals
    assert rec.unplaced["grievances_open"] == 1 and rec.unplaced_grievances == 1
    assert s["grievances_open"].sum() + rec.unplaced["grievances_open"] == rec.total["grievances_open"]
    assert rec.total["grievances_open"] == head.grievances_open == 2


def test_a_household_in_two_hamlets_is_taken_off_once_in_the_overlap_row(totals):
    _, _, rec, _ = totals
    assert rec.overlap["hamlet_name"] == OVERLAP_LABEL
    assert (rec.overlap["households"], rec.overlap["households_handed_over"], rec.overlap["households_paid"]) == (
        -1,
        -1,
        -1,
    )
    assert rec.overlap["area_affected_m2"] is None and rec.overlapping_households == 1


@pytest.mark.parametrize(
    "column",
    [
        "households",
        "households_handed_over",
        "households_paid",
        "grievances_open",
        "parcels_affected",
        "compensation_paid_vnd",
    ],
)
def test_hamlets_plus_not_placed_minus_overlap_is_the_total(totals, column):
    _, s, rec, _ = totals
    shown = s[column].sum() + sum(r[column] or 0 for r in (rec.unplaced, rec.overlap))
    assert shown == rec.total[column]


def test_the_total_row_is_the_headline(totals):
    _, _, rec, head = totals
    t = rec.total
    assert (t["households"], t["households_handed_over"], t["households_paid"]) == (5, 3, 4)
    assert (t["households"], t["households_handed_over"], t["households_paid"]) == (
        head.households,
        head.handed_over,
        head.paid,
    )
    assert t["handover_pct"] == head.handover_pct == 60.0
    assert t["area_affected_m2"] == head.area_m2 and t["compensation_paid_vnd"] == head.compensation_paid_vnd


def test_the_note_explains_both_effects_in_one_sentence_each_language(totals):
    _, _, rec, _ = totals
    vi, en = rec.note.split(" / “Not placed”")
    assert vi.count(".") == 1 and vi.endswith(".") and "(2 dòng)" in vi and "(1 hộ)" in vi and "(1 đơn)" in vi
    assert "không có trong lớp thửa đất" in vi and "nhiều thôn" in vi
    assert "parcel layer" in en and "several hamlets" in en and rec.note_vi == vi


def test_nothing_to_reconcile_where_every_row_is_placed_once(workspace):
    ws = geo.load_workspace(workspace)
    an = geo.analyse(ws, geo.Selection.make(as_of=AS_OF))
    rec = reconcile(an.slice, an.summary)
    assert rec.unplaced is None and rec.overlap is None and not rec.needed
    assert [r["hamlet_name"] for r in rec.rows()] == ["Tổng cộng"] and rec.total["households"] == 3


def test_the_summary_csv_stays_one_row_per_hamlet_with_unplaced_rows(build, tmp_path):
    ws = geo.load_workspace(build(**totals_layers()))
    out = tmp_path / "s.csv"
    geo.summary.write_summary_csv(geo.hamlet_summary(ws, as_of=AS_OF), out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["hamlet_id"] for r in rows] == ["A", "B"]
    assert list(rows[0]) == list(geo.SUMMARY_COLUMNS)
