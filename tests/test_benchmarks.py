"""The benchmark machinery at a tiny size: every figure is in the JSON (no timing assertions)."""

from __future__ import annotations

import json
import numbers

import pytest

from benchmarks.__main__ import TARGETS, main, render_table, run
from benchmarks.filter_change import STEPS
from benchmarks.workspaces import Size, ensure_workspace

TINY = Size("tiny", 300, 80, 15)
LAYERS = ("hamlets", "parcels", "projects", "households", "stage_history", "grievances", "field_reports")


def _number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value >= 0


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "figures.json"
    run([TINY], cache=tmp / "cache", json_out=out, log=lambda *_: None)
    return json.loads(out.read_text(encoding="utf-8")), tmp


def test_every_figure_is_in_the_json(report):
    figures, _ = report
    res = figures["sizes"]["tiny"]
    ours = res["ours"]
    assert ours["counts"]["parcels"] == 300
    for layer in LAYERS:
        assert _number(ours["read"][layer]["s"]) and ours["read"][layer]["rows"] > 0
    for key in ("load_s", "slice_s", "summary_s", "rules_s", "esda_import_s", "summary_after_load_s", "peak_rss_mb"):
        assert _number(ours[key]), key
    for key in ("parcels_to_hamlets_s", "households_to_parcels_s", "grievances_to_hamlets_s", "total_s"):
        assert _number(ours["joins"][key]), key
    assert _number(ours["gi"]["s"]) and ours["gi"]["permutations"] == 999 and ours["gi"]["parcels_tested"] > 0
    for key in ("display_geometry_s", "build_s", "html_s", "bytes"):
        assert _number(ours["map"][key]), key
    assert ours["map"]["bytes"] > 10_000
    changes = ours["filter_change"]["selections"]
    assert [c["selection"] for c in changes][:4] == ["all", "project DA-DT242", "project DA-CCN", "project DA-TDC"]
    for change in changes:
        for key in (*STEPS, "total_s", "map_bytes"):
            assert _number(change[key]), (change["selection"], key)
    assert _number(ours["filter_change"]["worst_s"]) and _number(ours["filter_change"]["max_map_bytes"])
    assert all(_number(v) for v in ours["rss_mb"].values())
    assert ours["process"]["returncode"] == 0 and ours["process"]["peak_mb"] > 50

    assert _number(res["summary_cli"]["s"]) and res["summary_cli"]["peak_mb"] > 50

    base = res["baseline"]
    assert set(base["fiona_read"]) == {"hamlets", "parcels", "projects"}
    assert all(_number(v["s"]) for v in base["fiona_read"].values())
    assert base["row_join"]["parcels_done"] == 300 and base["row_join"]["agreement"] == 1.0
    assert _number(base["folium"]["s"]) and base["folium"]["bytes"] > ours["map"]["bytes"]
    for key in ("read_spatial_total_s", "join_parcels_to_hamlets_s", "map_s", "map_bytes", "largest_map_bytes"):
        assert _number(res["ratios"][key]), key
    assert all(_number(v) for v in res["ratios"]["read_spatial_s"].values())
    for key in (
        "summary_cli_s",
        "summary_cli_peak_mb",
        "max_map_bytes",
        "filter_change_s",
        "gi_s",
        "load_s",
        "peak_rss_mb",
    ):
        assert _number(res["figures"][key]), key

    assert len(figures["targets"]) == len(TARGETS)
    assert all(t["value"] is None and t["met"] is None for t in figures["targets"])  # tiny is none of the sizes
    assert figures["machine"]["cpus"] >= 1


def test_the_table_has_a_cell_for_every_figure(report):
    figures, _ = report
    table = render_table(figures["sizes"])
    assert "python -m geo summary, end to end" in table and "Gi* 999 permutations" in table
    assert "—" not in "".join(line[-12:] for line in table.splitlines()[3:])  # every figure measured


def test_a_cached_workspace_is_reused(report):
    _, tmp = report
    folder, generated = ensure_workspace(TINY, tmp / "cache", log=lambda *_: None)
    assert generated is None and (folder / "parcels.shp").is_file()


def test_unknown_size_is_refused():
    with pytest.raises(SystemExit) as exc:
        main(["--sizes", "village"])
    assert exc.value.code == 2
