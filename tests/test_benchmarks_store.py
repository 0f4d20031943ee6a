"""The store's benchmark (benchmarks/store.py) at a tiny size, on both stores: every figure is there (no timing)."""

from __future__ import annotations

import numbers
from pathlib import Path

import pytest

from benchmarks.__main__ import headline_figures, main, render_table
from benchmarks.store import run
from benchmarks.workspaces import Size, ensure_workspace

pytestmark = pytest.mark.slow

TINY = Size("tiny", 300, 80, 15)
FIGURES = (
    "import_s",
    "open_for_dashboard_s",
    "open_s",
    "read_layers_s",
    "diff_s",
    "upload_commit_s",
    "upload_cold_commit_s",
    "record_history_s",
    "state_at_import_s",
    "store_mb",
    "folder_mb",
    "summary_cli_first_s",
    "summary_cli_first_peak_mb",
    "summary_cli_s",
    "summary_cli_peak_mb",
)


def _number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value >= 0


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory, postgis_url: str) -> dict:
    from postgis import create_database

    folder, _ = ensure_workspace(TINY, tmp_path_factory.mktemp("cache"), log=lambda *_: None)
    return run(folder, changed=40, postgis=create_database(postgis_url, "bench_store"), log=lambda *_: None)


@pytest.mark.parametrize("backend", ["gpkg", "postgis"])
def test_every_store_figure_is_measured_on_both_stores(figures: dict, backend: str) -> None:
    got = figures[backend]
    assert all(_number(got[key]) for key in FIGURES), got
    assert got["changed_rows"] == got["cold_changed_rows"] == 40  # half of the 80 household rows each time
    assert got["open_for_dashboard_errors"] == 0 and got["record_events"] >= 2


def test_the_store_figures_are_compared_with_reading_the_folder(figures: dict) -> None:
    assert _number(figures["read_folder_s"]) and figures["rows"]["households"] == 80
    flat = headline_figures({"store": figures})
    for key in (
        "store_gpkg_open_ratio",
        "store_postgis_open_ratio",
        "store_gpkg_commit_s",
        "store_postgis_history_s",
        "store_gpkg_summary_cli_s",
        "store_postgis_summary_cli_s",
    ):
        assert _number(flat[key]), key


def test_the_table_has_a_row_for_each_store_figure(figures: dict) -> None:
    table = render_table({"tiny": {"size": {"parcels": 300, "households": 80, "grievances": 15}, "store": figures}})
    assert "open for the dashboard" in table and "one household's history" in table
    assert "—" not in "".join(line[-14:] for line in table.splitlines()[4:])


def test_a_skipped_postgis_shows_in_the_table(figures: dict) -> None:
    skipped = {**figures, "postgis": {"skipped": "no initdb"}}
    table = render_table({"tiny": {"size": {"parcels": 300, "households": 80, "grievances": 15}, "store": skipped}})
    assert " / skipped" in table
    assert "store_postgis_history_s" not in headline_figures({"store": skipped})


def test_an_unknown_part_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--parts", "everything"])
    assert exc.value.code == 2
