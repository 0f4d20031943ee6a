"""geo.analyse: the one analysis of a selection (slice, Gi* clusters, levels, summary, headline)."""

from __future__ import annotations

import pytest

import geo
from geo.analysis import GI_OFF_NOTE
from tests.conftest import build_workspace, default_layers

AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    ws = geo.load_workspace(build_workspace(tmp_path_factory.mktemp("analysis") / "ws", **default_layers()))
    assert ws.report.ok, ws.report.render()
    return ws


def test_the_summary_carries_the_analysis_levels(ws):
    an = geo.analyse(ws, geo.Selection.make(as_of=AS_OF))
    levels = an.levels.set_index("hamlet_id")["hotspot_level"]
    summary = an.summary.set_index("hamlet_id")["hotspot_level"]
    assert summary.to_dict() == levels.reindex(summary.index).fillna("none").to_dict()


def test_the_headline_is_the_one_of_the_analysis_slice(ws):
    an = geo.analyse(ws, geo.Selection.make(as_of=AS_OF))
    assert an.headline == geo.headline(an.slice, an.levels)
    assert an.headline.households == int(an.summary["households"].sum())


def test_switching_the_gi_cluster_signal_off_runs_no_gi_test(ws):
    an = geo.analyse(ws, geo.Selection.make(as_of=AS_OF), config={"signals": {"gi_cluster": {"enabled": False}}})
    assert an.clusters is None and an.cluster_note == GI_OFF_NOTE and an.cluster_layer() is None
    assert not an.levels["gi_cluster"].astype(bool).any()


def test_with_the_signal_on_the_clusters_are_tested(ws):
    an = geo.analyse(ws, geo.Selection.make(as_of=AS_OF))
    assert an.clusters is not None and an.cluster_note != GI_OFF_NOTE


def test_the_analysis_names_the_seconds_of_each_of_its_steps(ws):
    an = geo.analyse(ws, geo.Selection.make(as_of=AS_OF))
    assert set(an.timings) == {"slice", "clusters", "levels", "summary"}
    assert all(seconds >= 0 for seconds in an.timings.values())


def test_the_weekly_series_ends_with_the_analysis_levels(ws):
    an = geo.analyse(ws, geo.Selection.make(as_of=AS_OF))
    series = an.weekly_series(weeks=2)
    last = series[series["week_end"] == an.as_of].set_index("hamlet_id")["hotspot_level"]
    assert last.to_dict() == an.levels.set_index("hamlet_id")["hotspot_level"].to_dict()
    assert sorted(series["week_end"].unique()) == sorted(geo.week_ends(an.as_of, 2))


def test_the_command_line_flag_maps_to_one_disclosure():
    assert geo.Disclosure.of_flag(True) is geo.Disclosure.PERSONAL
    assert geo.Disclosure.of_flag(False) is geo.Disclosure.INTERNAL
    assert not geo.Disclosure.PUBLIC.personal and geo.Disclosure.PERSONAL.personal
