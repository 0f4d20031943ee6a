"""The figures of a reporting period (``geo.periods``): counts, tables and changes, no wording.

Pure functions are checked on small frames; :func:`period_figures` on the
report tests' workspace (a week ending on 20/11/2026 with a stage history,
grievances and field reports).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo import Selection, load_workspace
from geo.periods import PeriodFigures, enum_counts, grievances_by_kind, period_figures, period_of
from geo.schema import KINDS
from tests.test_exports_report import AS_OF, build_rich


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> PeriodFigures:
    ws = load_workspace(build_rich(Path(tmp_path_factory.mktemp("periods")) / "ws"))
    assert ws.report.ok, ws.report.render()
    return period_figures(ws, Selection.make(as_of=AS_OF), "week")


def test_enum_counts_follow_the_enumeration_order_and_count_the_rest_apart() -> None:
    known, other = enum_counts(pd.Series(["petition", "complaint", "petition", "???", None]), KINDS.keys)
    assert known == {"complaint": 1, "petition": 2}
    assert list(known) == ["complaint", "petition"]
    assert other == 1


def test_grievances_by_kind_has_an_unknown_row_only_where_a_kind_is_unknown() -> None:
    known = pd.DataFrame({"kind": ["complaint", "complaint", "feedback"]})
    table = grievances_by_kind(known, known.iloc[:1])
    assert "" not in table.index
    assert table.loc["complaint"].tolist() == [2, 1]
    assert table.loc["total"].tolist() == [3, 1]
    odd = pd.DataFrame({"kind": ["complaint", "letter"]})
    assert grievances_by_kind(odd).loc[""].tolist() == [1]


def test_a_month_ends_on_the_same_date_of_the_previous_month_clamped_to_its_length() -> None:
    assert period_of(date(2026, 3, 31), "month").previous_end == date(2026, 2, 28)
    assert period_of(date(2026, 11, 20), "week").start == date(2026, 11, 14)


def test_the_grievance_table_totals_are_the_counts_of_the_period(figures: PeriodFigures) -> None:
    g = figures.grievances
    total = g["by_kind"].loc["total"].tolist()
    names = ("received", "resolved", "withdrawn", "open", "overdue", "new_overdue")
    assert total == [len(g[n]) for n in names]
    assert g["kinds"] == ({"petition": 1}, 0)


def test_field_reports_of_the_week_put_the_gravest_hamlet_first(figures: PeriodFigures) -> None:
    fr = figures.field_reports
    assert fr.reports == 2 and fr.hamlets_reporting == 2
    assert [h.hamlet_id for h in fr.notable] == ["B", "A"]
    assert fr.notable[0].latest["mood"] == "gathering_risk"
    assert fr.silent == []


def test_level_changes_have_one_row_per_hamlet_of_the_slice(figures: PeriodFigures) -> None:
    table = figures.levels.table
    assert list(table.index) == list(figures.hamlet_names())
    assert sum(figures.levels.counts.values()) + figures.levels.wide == len(table)


def test_households_not_handed_over_leave_out_those_handed_over(figures: PeriodFigures) -> None:
    left = set(figures.not_handed_over()["household_id"])
    assert "H2" not in left and "H3" in left


def test_projects_say_how_many_households_remain(figures: PeriodFigures) -> None:
    p = figures.projects.set_index("project_id").loc["P1"]
    assert p.remaining == p.households - p.handed_over == 1
