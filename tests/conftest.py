"""Small workspaces built in code, for contract tests.

``build_workspace(folder, **layers)`` writes a workspace: hamlets and parcels
as GeoPackages in VN-2000 / TM-3 Lạng Sơn (EPSG:9215), other layers as
UTF-8 CSV. Pass a list of dicts (or ``None`` to leave a layer out) to
replace any default layer.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

X0, Y0 = 440_000.0, 2_378_000.0  # near Hồ Sơn in VN-2000 / TM-3 107-15
CRS = "EPSG:9215"
REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """``../shared/realdata``: skipped with a message where it is missing, a failure under ``CI=true``."""
    if not REALDATA.is_dir():
        needed = (
            f"real data folder missing: {REALDATA} (public test inputs kept beside the clone in "
            "../shared/realdata, see README)"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(needed + "; CI=true requires it")
        pytest.skip(needed)
    return REALDATA


def sq(x: float, y: float, size: float = 100.0):
    """A square parcel with its lower-left corner at (x, y) metres from the origin."""
    return box(X0 + x, Y0 + y, X0 + x + size, Y0 + y + size)


def default_layers() -> dict[str, list[dict] | None]:
    """Two hamlets, four parcels, one project, three households."""
    return {
        "hamlets": [
            {"hamlet_id": "A", "hamlet_name": "Thôn Đồng Tâm", "geometry": sq(0, 0, 1000)},
            {"hamlet_id": "B", "hamlet_name": "Thôn Lân Hoài", "geometry": sq(1000, 0, 1000)},
        ],
        "parcels": [
            {"so_to": "1", "so_thua": "1", "loai_dat": "LUC", "dien_tich": "100", "geometry": sq(10, 10)},
            {"so_to": "1", "so_thua": "2", "loai_dat": "ONT", "dien_tich": "200,5", "geometry": sq(200, 10)},
            {"so_to": "2", "so_thua": "1", "loai_dat": "CLN", "dien_tich": None, "geometry": sq(1100, 10)},
            {"so_to": "2", "so_thua": "2", "loai_dat": "LUC", "dien_tich": "400", "geometry": sq(1300, 10)},
        ],
        "projects": [
            {"project_id": "P1", "project_name": "Đường tỉnh", "handover_deadline": "2026-12-31", "level": "tinh"},
        ],
        "households": [
            {
                "household_id": "H1",
                "household_name": "Nguyễn Văn An",
                "project_id": "P1",
                "map_sheet": "1",
                "parcel_no": "1",
                "stage": "handed_over",
                "stage_date": "01/10/2026",
                "compensation_vnd": "100000000",
                "agreement": "yes",
            },
            {
                "household_id": "H2",
                "household_name": "Trần Thị Bình",
                "project_id": "P1",
                "map_sheet": "1",
                "parcel_no": "2",
                "stage": "paid",
                "stage_date": "01/10/2026",
                "compensation_vnd": "200000000",
                "agreement": "yes",
            },
            {
                "household_id": "H3",
                "household_name": "Lê Văn Cường",
                "project_id": "P1",
                "map_sheet": "2",
                "parcel_no": "1",
                "stage": "surveyed",
                "stage_date": "01/09/2026",
                "agreement": "no",
            },
        ],
        "stage_history": None,
        "grievances": None,
        "field_reports": None,
    }


def build_workspace(folder: Path, toml: str | None = None, **layers) -> Path:
    """Write a workspace into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = default_layers()
    spec.update(layers)
    for name, rows in spec.items():
        if rows is None:
            continue
        if name in ("hamlets", "parcels") or (rows and "geometry" in rows[0]):
            gdf = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=CRS)
            gdf.to_file(folder / f"{name}.gpkg", driver="GPKG")
        else:
            pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
    if toml is not None:
        (folder / "workspace.toml").write_text(toml, encoding="utf-8")
    return folder


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The default small workspace."""
    return build_workspace(tmp_path / "ws")


@pytest.fixture
def build(tmp_path: Path):
    """``build(**layers)`` writes a workspace with some layers replaced."""
    counter = iter(range(1000))

    def _build(toml: str | None = None, **layers) -> Path:
        return build_workspace(tmp_path / f"ws{next(counter)}", toml=toml, **layers)

    return _build


# --------------------------------------------------------------------------- the sample, broken

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "hoson"


def copy_sample(dest: Path) -> Path:
    """A copy of the sample workspace ``data/hoson`` at ``dest``, to break."""
    import shutil

    shutil.copytree(SAMPLE, dest)
    return dest


def drop_xlsx_columns(path: Path, *headers: str) -> None:
    """Delete the columns with these headers (row 1) from the first sheet of a workbook."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for header in headers:
        col = next(c.column for c in sheet[1] if c.value == header)
        sheet.delete_cols(col)
    book.save(path)


def replace_bytes(path: Path, old: bytes, new: bytes, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a file (the first ``count`` times); ``old`` must be there."""
    data = path.read_bytes()
    assert old in data, f"{old!r} not in {path.name}"
    path.write_bytes(data.replace(old, new, count))


def break_three_ways(folder: Path) -> Path:
    """The sample broken three ways at once: parcels without .prj, households without its project
    column, and a grievance received on 31/02/2026."""
    (folder / "parcels.prj").unlink()
    drop_xlsx_columns(folder / "households.xlsx", "Mã dự án")
    replace_bytes(folder / "grievances.csv", b"0001/2026/\xc4\x90T,28/03/2026", b"0001/2026/\xc4\x90T,31/02/2026")
    return folder


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A fresh copy of the sample workspace."""
    return copy_sample(tmp_path / "hoson")


def totals_layers() -> dict[str, list[dict] | None]:
    """Layers whose hamlet rows alone do not add up: an unplaced row, a household in two hamlets.

    H1 handed over in A; H2 paid in A (P1) and handed over in B (P2): two hamlets;
    H3 surveyed in B; H4 and H5 handed over on parcels 9-9 and 9-8, which are not in the
    parcel layer; grievance G1 names no hamlet, household or point (unplaced); G2 is in A.
    Headline: 5 households, 3 handed over (H1, H4, H5). Hamlet rows: A 2/1, B 2/1.
    """

    def row(hid, project, sheet, no, stage, amount=""):
        return {
            "household_id": hid,
            "household_name": f"Hộ {hid}",
            "project_id": project,
            "map_sheet": sheet,
            "parcel_no": no,
            "stage": stage,
            "stage_date": "01/10/2026",
            "compensation_vnd": amount,
        }

    return {
        "projects": [
            {"project_id": "P1", "project_name": "Đường tỉnh", "handover_deadline": "2026-12-31"},
            {"project_id": "P2", "project_name": "Cụm công nghiệp", "handover_deadline": "2027-06-30"},
        ],
        "households": [
            row("H1", "P1", "1", "1", "handed_over", "1250000000"),
            row("H2", "P1", "1", "2", "paid", "200000000"),
            row("H2", "P2", "2", "1", "handed_over", "300000000"),
            row("H3", "P1", "2", "2", "surveyed"),
            row("H4", "P1", "9", "9", "handed_over", "50000000"),
            row("H5", "P1", "9", "8", "handed_over", "70000000"),
        ],
        "grievances": [
            {
                "grievance_id": "G1",
                "received_date": "01/11/2026",
                "kind": "petition",
                "topic": "support",
                "signatories": 2,
                "status": "received",
                "project_id": "P1",
            },
            {
                "grievance_id": "G2",
                "received_date": "01/11/2026",
                "kind": "complaint",
                "topic": "area",
                "signatories": 1,
                "status": "received",
                "hamlet_id": "A",
                "project_id": "P1",
            },
        ],
    }


@pytest.fixture(scope="session")
def postgis_url():
    """A throwaway PostgreSQL + PostGIS server for the session (``tests/postgis.py``); its database's URL.

    Fails (never skips) where PostgreSQL or PostGIS is missing, naming the packages to install.
    """
    from postgis import postgis_server

    with postgis_server() as url:
        yield url


# --------------------------------------------------------------------------- a real browser
# Debian's Chromium, driven by Playwright (tests/test_browser*.py); a system package that
# `scripts/setup.sh --browser` installs. Where it is missing the tests fail with that advice.
from benchmarks.browser import ARGS, CHROMIUM  # noqa: E402 — the same Chromium and flags as the benchmark


@pytest.fixture(scope="module")
def chromium() -> str:
    """The path of Debian's Chromium; fails (never skips) where it is missing."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (bash scripts/setup.sh --browser, "
            "or apt-get install -y chromium). The browser test does not skip."
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield b
        b.close()
