"""The per-hamlet summary, column by column, as the data contract defines it."""

from __future__ import annotations

import geo
from tests.conftest import sq

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


def test_parcel_belongs_to_the_hamlet_containing_its_representative_point(build):
    # a parcel straddling the border, mostly in B
    parcels = [{"so_to": "1", "so_thua": "1", "geometry": sq(950, 10, 300)}]
    s = summary(build(parcels=parcels, households=[hh("H1", "1", "1", "paid")]))
    assert s.loc["B", "parcels_affected"] == 1 and s.loc["A", "parcels_affected"] == 0


def test_parcel_row_naming_a_hamlet_wins_over_location(build):
    parcels = [{"so_to": "1", "so_thua": "1", "ma_thon": "B", "geometry": sq(10, 10)}]
    s = summary(build(parcels=parcels, households=[hh("H1", "1", "1", "paid")]))
    assert s.loc["B", "households"] == 1


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
    rows = [hh("H1", "1", "1", "paid", compensation_vnd="1.000.000"),
            hh("H2", "1", "2", "plan_approved", compensation_vnd="5000000")]
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
    g = [{"grievance_id": "G1", "received_date": "01/09/2026", "status": "resolved",
          "resolved_date": "25/11/2026", "hamlet_id": "A"},
         {"grievance_id": "G2", "received_date": "01/09/2026", "status": "withdrawn",
          "resolved_date": "01/10/2026", "hamlet_id": "A"}]
    s = summary(build(grievances=g))
    assert s.loc["A", "grievances_open"] == 1 and s.loc["A", "grievances_overdue"] == 1


def test_overdue_means_as_of_later_than_received_plus_deadline(build):
    g = [{"grievance_id": "G1", "received_date": "21/10/2026", "hamlet_id": "A"},  # +30 = 20/11: not later
         {"grievance_id": "G2", "received_date": "20/10/2026", "hamlet_id": "A"}]  # +30 = 19/11: overdue
    s = summary(build(grievances=g))
    assert s.loc["A", "grievances_open"] == 2 and s.loc["A", "grievances_overdue"] == 1


def test_deadline_is_configurable_per_kind(build):
    g = [{"grievance_id": "G1", "received_date": "01/11/2026", "kind": "feedback", "hamlet_id": "A"}]
    path = build(grievances=g, toml="[grievances.deadline_days]\nfeedback = 10\n")
    assert summary(path).loc["A", "grievances_overdue"] == 1


def test_max_signatories_counts_open_grievances_only(build):
    g = [{"grievance_id": "G1", "received_date": "01/11/2026", "signatories": "12", "hamlet_id": "A"},
         {"grievance_id": "G2", "received_date": "01/11/2026", "signatories": "40", "status": "resolved",
          "hamlet_id": "A"},
         {"grievance_id": "G3", "received_date": "01/11/2026", "hamlet_id": "A"}]
    s = summary(build(grievances=g))
    assert s.loc["A", "max_signatories_open"] == 12 and s.loc["B", "max_signatories_open"] == 0


def test_grievance_is_placed_by_household_then_by_point(build):
    import geopandas as gpd
    from shapely.geometry import Point

    pt = gpd.GeoSeries([Point(440_000 + 1500, 2_378_000 + 500)], crs="EPSG:9215").to_crs(4326)[0]
    g = [{"grievance_id": "G1", "received_date": "01/11/2026", "household_id": "H3"},  # H3's parcel is in B
         {"grievance_id": "G2", "received_date": "01/11/2026", "lon": pt.x, "lat": pt.y},
         {"grievance_id": "G3", "received_date": "01/11/2026"}]  # unplaced
    path = build(grievances=g)
    ws = geo.load_workspace(path)
    assert "unplaced_grievance" in ws.report.codes()
    assert geo.hamlet_summary(ws, as_of=AS_OF).set_index("hamlet_id").loc["B", "grievances_open"] == 2


def test_household_rows_on_unknown_parcels_count_in_no_hamlet(build):
    s = summary(build(households=[hh("H1", "1", "1", "paid"), hh("H2", "9", "9", "paid")]))
    assert s["households"].sum() == 1


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
    fr = [{"report_date": "18/11/2026", "hamlet_id": "A", "mood": "stable"},
          {"report_date": "18/11/2026", "hamlet_id": "B", "mood": "stable"}]
    s = summary(build(households=rows, field_reports=fr))
    assert s["hotspot_level"].tolist() == ["none", "none"]
