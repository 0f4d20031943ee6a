"""``workspace.toml``: per-workspace settings, with defaults.

The file is optional. Its shape::

    [workspace]
    name = "Xã Hữu Lũng"            # the commune, for titles
    province = "Lạng Sơn"
    crs = "VN-2000 / Lang Son"      # default CRS for spatial files that have none
    engine = "pyogrio"              # or "fiona"
    as_of = 2026-11-20              # default reporting date (else today)

    [layers.parcels]                # any layer
    file = "thua_dat_2025.shp"      # relative to the folder
    crs = "VN-2000 / Lang Son"      # overrides the file's own CRS
    encoding = "tcvn3"              # tcvn3, vni or any Python codec
    sheet = "Tổng hợp"              # XLSX sheet (default: the first)
    layer = "thua_dat"              # GeoPackage layer (default: the first)
    [layers.parcels.columns]
    map_sheet = "SHBANDO"           # canonical name = the file's header

    [grievances.deadline_days]      # settlement deadline per kind (days)
    complaint = 30

    [hotspots]                      # see geo.hotspots.config

    [report]
    party_committee = "ĐẢNG BỘ XÃ HỮU LŨNG"
    signer = "…"
    recipients = ["…"]

    [limits]                        # reading limits (see geo.limits); the defaults:
    max_file_mb = 1000              # one layer file; a .zip's or .xlsx's members uncompressed
    max_zip_ratio = 200             # uncompressed ÷ compressed, any member over 10 MB
    max_features = 2000000          # features in one spatial layer
    max_rows = 1000000              # rows in one table (CSV lines, workbook rows)

Layer files must lie inside the folder: a ``file`` that is absolute, climbs
out with ``..`` or is a link to a file outside is refused.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .limits import Limits, read_limits
from .problems import Report
from .text import strip_unsafe

CONFIG_FILE = "workspace.toml"

DEFAULT_DEADLINE_DAYS = {"complaint": 30, "denunciation": 30, "petition": 30, "feedback": 30}
"""Days to settle a grievance before it counts as overdue, per kind.

30 days is the first-instance settlement period of the Law on Complaints
2011 (Art. 28: 30 days, 45 for complicated cases; 45/60 in remote areas) and
of the Law on Denunciations 2018 (Art. 30: 30 days). Petitions and feedback
have no statutory period; the contract's default of 30 days is used.
"""


@dataclass(frozen=True)
class LayerConfig:
    """Overrides for one layer from ``[layers.NAME]``."""

    file: str | None = None
    crs: str | None = None
    encoding: str | None = None
    sheet: str | int | None = None
    layer: str | None = None
    columns: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkspaceConfig:
    """Everything ``workspace.toml`` can say, with the defaults filled in.

    Example
    -------
    >>> cfg = WorkspaceConfig()
    >>> cfg.deadline_days["complaint"]
    30
    """

    name: str = ""
    province: str = ""
    crs: str | None = None
    engine: str = "pyogrio"
    as_of: date | None = None
    layers: dict[str, LayerConfig] = field(default_factory=dict)
    deadline_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DEADLINE_DAYS))
    hotspots: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    raw: dict[str, Any] = field(default_factory=dict)

    def layer(self, name: str) -> LayerConfig:
        """The overrides of layer ``name`` (empty where none)."""
        return self.layers.get(name, LayerConfig())


def read_config(folder: Path, report: Report) -> WorkspaceConfig:
    """Read ``workspace.toml`` from ``folder``; defaults where absent.

    Parameters
    ----------
    folder : Path
        The workspace folder.
    report : Report
        Receives a problem for a file that is not valid TOML or has a value of
        the wrong type.

    Returns
    -------
    WorkspaceConfig
    """
    path = folder / CONFIG_FILE
    if not path.is_file():
        return WorkspaceConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        report.error(
            "bad_config", CONFIG_FILE,
            f"Tệp cấu hình không đọc được: {exc} / The settings file cannot be read: {exc}",
            "Sửa cú pháp TOML (chuỗi trong dấu ngoặc kép, mỗi khóa một dòng) hoặc xóa tệp / "
            "Fix the TOML syntax (quoted strings, one key per line) or remove the file.",
        )
        return WorkspaceConfig()

    def section(name: str) -> dict:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            report.error("bad_config", CONFIG_FILE,
                         f"[{name}] phải là một bảng / [{name}] must be a table",
                         f"Viết [{name}] thành một mục riêng / Write [{name}] as a section.")
            return {}
        return value

    ws = section("workspace")
    layers: dict[str, LayerConfig] = {}
    for lname, spec in section("layers").items():
        if not isinstance(spec, dict):
            report.error("bad_config", CONFIG_FILE,
                         f"[layers.{lname}] phải là một bảng / must be a table",
                         "Viết ví dụ: [layers.parcels] file = \"thua_dat.shp\" / "
                         "Write e.g. [layers.parcels] file = \"thua_dat.shp\".")
            continue
        cols = spec.get("columns", {})
        layers[str(lname).lower()] = LayerConfig(
            file=_opt_str(spec.get("file")),
            crs=_opt_str(spec.get("crs")),
            encoding=_opt_str(spec.get("encoding")),
            sheet=spec.get("sheet"),
            layer=_opt_str(spec.get("layer")),
            columns={str(k): str(v) for k, v in cols.items()} if isinstance(cols, dict) else {},
        )
    deadlines = dict(DEFAULT_DEADLINE_DAYS)
    for kind, days in section("grievances").get("deadline_days", {}).items():
        if isinstance(days, int) and days > 0:
            deadlines[str(kind)] = days
        else:
            report.error("bad_config", CONFIG_FILE,
                         f"Thời hạn giải quyết của “{kind}” phải là số ngày nguyên dương / "
                         f"The deadline for “{kind}” must be a positive whole number of days",
                         "Ví dụ / e.g.: complaint = 30")
    as_of = ws.get("as_of")
    if as_of is not None and not isinstance(as_of, date):
        import pandas as pd

        from .canonical import parse_dates

        parsed = parse_dates(pd.Series([as_of]))[0]
        as_of = None if pd.isna(parsed) else parsed.date()
    return WorkspaceConfig(
        name=strip_unsafe(str(ws.get("name", ""))),  # titles: no control or bidi characters
        province=strip_unsafe(str(ws.get("province", ""))),
        crs=_opt_str(ws.get("crs")),
        engine=str(ws.get("engine", "pyogrio")).lower(),
        as_of=as_of,
        layers=layers,
        deadline_days=deadlines,
        hotspots=section("hotspots"),
        report=section("report"),
        limits=read_limits(section("limits"), report, CONFIG_FILE),
        raw=raw,
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
