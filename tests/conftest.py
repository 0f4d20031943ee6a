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
        needed = (f"real data folder missing: {REALDATA} (public test inputs kept beside the clone in "
                  "../shared/realdata, see README)")
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
            {"household_id": "H1", "household_name": "Nguyễn Văn An", "project_id": "P1", "map_sheet": "1",
             "parcel_no": "1", "stage": "handed_over", "stage_date": "01/10/2026", "compensation_vnd": "100000000",
             "agreement": "yes"},
            {"household_id": "H2", "household_name": "Trần Thị Bình", "project_id": "P1", "map_sheet": "1",
             "parcel_no": "2", "stage": "paid", "stage_date": "01/10/2026", "compensation_vnd": "200000000",
             "agreement": "yes"},
            {"household_id": "H3", "household_name": "Lê Văn Cường", "project_id": "P1", "map_sheet": "2",
             "parcel_no": "1", "stage": "surveyed", "stage_date": "01/09/2026", "agreement": "no"},
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


@pytest.fixture(scope="session")
def postgis_url():
    """A throwaway PostgreSQL + PostGIS server for the session (``tests/postgis.py``); its database's URL.

    Fails (never skips) where PostgreSQL or PostGIS is missing, naming the packages to install.
    """
    from postgis import postgis_server

    with postgis_server() as url:
        yield url
