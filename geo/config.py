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

    [grievances]
    number = "{seq:04d}/{year}/{code}"  # the office's numbering of received grievances (geo/entry/grievances.py)
    [grievances.codes]              # the code of each kind in a number; the defaults:
    complaint = "KN"                # denunciation TC, petition KNg, feedback PA, dispute TCĐ
    [grievances.deadline_days]      # settlement deadline per kind (days); default: geo/legal.py
    complaint = 30

    [legal]                         # see geo/legal.py
    reported = ["nq254"]            # reported period sets (not the default)
    remote_area = false

    [hotspots]                      # see geo.hotspots.config

    [report]
    party_committee = "ĐẢNG ỦY XÃ HỮU LŨNG"
    signer = "…"
    recipients = ["…"]

    [limits]                        # reading limits (see geo.limits); the defaults:
    max_file_mb = 1000              # one layer file; a .zip's or .xlsx's members uncompressed
    max_zip_ratio = 200             # uncompressed ÷ compressed, any member over 10 MB
    max_features = 2000000          # features in one spatial layer
    max_rows = 1000000              # rows in one table (CSV lines, workbook rows)

Layer files must lie inside the folder: a ``file`` that is absolute, climbs
out with ``..`` or is a link to a file outside is refused.

``crs`` takes an EPSG code (``"EPSG:9215"``), a PROJ or WKT string, a zone
(``"VN-2000 / TM-3 107-15"``) or a province (``"VN-2000 / Lạng Sơn"``; case,
diacritics and spacing do not matter). A province name means a province of
the 34 in force since 1 July 2025 (Nghị quyết 202/2025/QH15). Where one was
merged from former provinces on different central meridians ("VN-2000 / Bắc
Ninh" = Bắc Ninh 105°30' + Bắc Giang 107°00'), the zone is that of the former
province whose territory holds the layer, with a warning naming it; where
the layer's coordinates cannot decide, the layer is refused with the former
provinces and their zones listed. Name a former province to fix the zone: a
name dropped in 2025 as it was (``"VN-2000 / Bắc Giang"``), a name kept in
2025 marked "(cũ)" (``"VN-2000 / Bắc Ninh (cũ)"``; also "cu", "old",
"former"). See :mod:`geo.crs` for the tables and their sources.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .limits import Limits, read_limits
from .problems import Report
from .schema import KINDS, LAYERS
from .text import strip_unsafe

CONFIG_FILE = "workspace.toml"

SECTIONS = ("workspace", "layers", "grievances", "hotspots", "report", "limits", "legal")
"""The top-level tables ``workspace.toml`` may hold; any other is named as a probable misspelling.

``[limits]`` is checked by :func:`geo.limits.read_limits`.
"""

TEXT = "text"
WORKSPACE_KEYS = {"name": TEXT, "province": TEXT, "crs": TEXT, "engine": TEXT, "as_of": "date"}
LAYER_KEYS = {"file": TEXT, "crs": TEXT, "encoding": TEXT, "sheet": "sheet", "layer": TEXT, "columns": "columns"}
REPORT_KEYS = {
    "party_committee": TEXT,
    "superior": TEXT,
    "number": TEXT,
    "number_suffix": TEXT,
    "place": TEXT,
    "on_behalf": TEXT,
    "signer_title": TEXT,
    "signer": TEXT,
    "recipients": "text_list",
}
GRIEVANCE_KEYS = {"deadline_days": "deadlines", "number": TEXT, "codes": "codes"}

DEFAULT_NUMBER = "{seq:04d}/{year}/{code}"
"""The default pattern of a grievance's number (``0063/2026/KN``): ``seq`` the place in the year's
reception book, ``year`` the year received, ``code`` the kind's code (:data:`DEFAULT_KIND_CODES`)."""

DEFAULT_KIND_CODES = {"complaint": "KN", "denunciation": "TC", "petition": "KNg", "feedback": "PA", "dispute": "TCĐ"}
"""The code of each grievance kind in its number, as reception books write them."""

NUMBER_FIELDS = ("seq", "year", "code")
"""The fields a ``[grievances] number`` pattern may use (``seq`` is required)."""
ENGINES = ("pyogrio", "fiona")

DEFAULT_DEADLINE_DAYS = {"complaint": 30, "denunciation": 30, "petition": 30, "feedback": 30}
"""Days to settle a grievance before it counts as overdue, per kind.

Only a kind named in ``[grievances.deadline_days]`` uses these numbers; every
other kind takes the period of the law in force on its received_date
(``geo/legal.py``: complaints, denunciations, petitions' written answer, land
disputes' mediation). Feedback has no statutory period: the contract's 30 days.
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
    grievance_number: str = DEFAULT_NUMBER
    grievance_codes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_KIND_CODES))
    hotspots: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    raw: dict[str, Any] = field(default_factory=dict)

    def layer(self, name: str) -> LayerConfig:
        """The overrides of layer ``name`` (empty where none)."""
        return self.layers.get(name, LayerConfig())


def read_config(folder: Path, report: Report) -> WorkspaceConfig:
    """Read ``workspace.toml`` from ``folder``; defaults where absent.

    Never raises: a file that is not TOML (or nested too deeply to read), a
    setting of the wrong type or shape (``deadline_days = 5`` where a table
    of kinds is meant) and an unknown setting each become a problem naming
    the file, the setting and the fix; the setting's default is used instead.

    Parameters
    ----------
    folder : Path
        The workspace folder.
    report : Report
        Receives an error for a file that cannot be read or a value of the
        wrong type, and a warning for a setting the product does not know.

    Returns
    -------
    WorkspaceConfig
    """
    path = folder / CONFIG_FILE
    if not path.is_file():
        return WorkspaceConfig()
    raw = _parse(path, report)
    if raw is None:
        return WorkspaceConfig()
    return _Reader(report).read(raw)


def _parse(path: Path, report: Report) -> dict | None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        report.error(
            "bad_config",
            CONFIG_FILE,
            f"Tệp cấu hình không phải UTF-8 (byte lạ ở dòng {line}) / The settings file is not UTF-8 "
            f"(unexpected byte on line {line})",
            "Lưu lại tệp với bảng mã UTF-8 (Notepad: Lưu thành → Mã hóa UTF-8) / Save the file as UTF-8.",
            rows=[line],
        )
        return None
    except OSError as exc:
        report.error(
            "bad_config",
            CONFIG_FILE,
            f"Không mở được tệp cấu hình ({exc.strerror}) / Cannot open the settings file ({exc.strerror})",
            "Kiểm tra quyền đọc tệp / Check the file can be read.",
        )
        return None
    return _parse_text(text, report)


def config_from_text(text: str, report: Report) -> WorkspaceConfig:
    """The settings of a ``workspace.toml`` held as text (a store keeps its folder's file so).

    Parameters
    ----------
    text : str
        The file's content.
    report : Report
        Receives the same problems as :func:`read_config`, naming ``workspace.toml``.

    Returns
    -------
    WorkspaceConfig
        Defaults for every setting that is absent or unreadable.
    """
    raw = _parse_text(text, report)
    return WorkspaceConfig() if raw is None else _Reader(report).read(raw)


def _parse_text(text: str, report: Report) -> dict | None:
    fix = (
        "Sửa cú pháp TOML (chuỗi trong dấu ngoặc kép, mỗi khóa một dòng, [mục] trên một dòng riêng) hoặc "
        "xóa tệp / Fix the TOML syntax (quoted strings, one key per line, [section] on a line of its own) "
        "or remove the file."
    )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        report.error(
            "bad_config",
            CONFIG_FILE,
            f"Tệp cấu hình sai cú pháp TOML: {exc} / The settings file is not valid TOML: {exc}",
            fix,
            rows=[int(m.group(1))] if m else [],
        )
    except RecursionError:
        report.error(
            "bad_config",
            CONFIG_FILE,
            "Tệp cấu hình lồng nhau quá sâu (hàng trăm cấp [ [ [ … hoặc { { { …), không đọc được / "
            "The settings file is nested too deeply to read (hundreds of levels of [ [ [ … or { { { …)",
            "Viết lại tệp theo mẫu trong geo/config.py: các mục [workspace], [layers.TÊN_LỚP] … chỉ lồng "
            "vài cấp / Rewrite it after the example in geo/config.py; settings nest a few levels only.",
        )
    except (MemoryError, ValueError) as exc:
        report.error(
            "bad_config",
            CONFIG_FILE,
            f"Không đọc được tệp cấu hình ({type(exc).__name__}) / Cannot read the settings file",
            fix,
        )
    return None


def number_pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot number grievances (Vietnamese / English), or None where it can.

    Example
    -------
    >>> number_pattern_problem("{seq:04d}/{year}/{code}") is None
    True
    >>> number_pattern_problem("{year}/{code}")
    'thiếu trường {seq} (số thứ tự) / the field {seq} (the sequence number) is missing'
    """
    import string

    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError as exc:
        return f"dấu ngoặc {{ }} không khớp ({exc}) / unbalanced braces ({exc})"
    unknown = [f for f in fields if f not in NUMBER_FIELDS]
    if unknown:
        return f"không có trường {{{unknown[0]}}}; dùng {{seq}}, {{year}}, {{code}} / unknown field {{{unknown[0]}}}"
    if "seq" not in fields:
        return "thiếu trường {seq} (số thứ tự) / the field {seq} (the sequence number) is missing"
    if fields.count("seq") > 1 or fields.count("year") > 1 or fields.count("code") > 1:
        return "mỗi trường chỉ dùng một lần / each field at most once"
    try:
        pattern.format(seq=1, year=2026, code="KN")
    except (ValueError, TypeError) as exc:
        return f"định dạng sai ({exc}) / a wrong format ({exc})"
    return None


def _describe(value: Any) -> tuple[str, str]:
    """A value as a clerk would call it: (Vietnamese, English)."""
    if isinstance(value, bool):
        return f"giá trị đúng/sai {str(value).lower()}", f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"số {value}", f"the number {value}"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:40] + "…"
        return f"chuỗi “{short}”", f"the text “{short}”"
    if isinstance(value, dict):
        return "một bảng", "a table"
    if isinstance(value, list):
        return "một danh sách", "a list"
    if isinstance(value, date | datetime):
        return f"ngày {value}", f"the date {value}"
    return type(value).__name__, type(value).__name__


class _Reader:
    """Checks every setting against its expected shape, collecting problems."""

    def __init__(self, report: Report):
        self.report = report

    # -- problems

    def wrong(self, setting: str, value: Any, want: str, example: str) -> None:
        got_vi, got_en = _describe(value)
        want_vi, want_en = want.split(" / ")
        self.report.error(
            "bad_config",
            CONFIG_FILE,
            f"{setting} phải là {want_vi}, không phải {got_vi} / {setting} must be {want_en}, not {got_en}",
            f"Sửa thành, ví dụ / Write it as, e.g.: {example}",
            setting=setting,
        )

    def unknown(self, setting: str | None, key: str, known: tuple[str, ...] | list[str]) -> None:
        where_vi, where_en = (f" trong {setting}", f" in {setting}") if setting else ("", "")
        self.report.warning(
            "unknown_setting",
            CONFIG_FILE,
            f"Không có mục cấu hình “{key}”{where_vi} — bỏ qua (gõ nhầm?) / "
            f"Unknown setting “{key}”{where_en} — ignored (a misspelling?)",
            f"Dùng một trong / use one of: {', '.join(known)}",
            setting=setting,
        )

    # -- shapes

    def table(self, setting: str, value: Any, example: str) -> dict:
        if isinstance(value, dict):
            return value
        self.wrong(setting, value, "một bảng / a table", example)
        return {}

    def text(self, setting: str, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value
        self.wrong(setting, value, "một chuỗi trong ngoặc kép / a quoted text", f'{setting.split()[-1]} = "…"')
        return None

    def keys(self, section: str, table: dict, known: dict[str, str]) -> None:
        for key in table:
            if key not in known:
                self.unknown(section, str(key), tuple(known))

    # -- the file

    def read(self, raw: dict) -> WorkspaceConfig:
        for key in raw:
            if key not in SECTIONS:
                self.unknown(None, str(key), SECTIONS)
        ws = self.table("[workspace]", raw.get("workspace", {}), '[workspace] name = "Xã …"')
        self.keys("[workspace]", ws, WORKSPACE_KEYS)
        engine = (self.text("[workspace] engine", ws.get("engine")) or "pyogrio").lower()
        if engine not in ENGINES:
            self.report.warning(
                "unknown_setting",
                CONFIG_FILE,
                f"Không có trình đọc “{engine}”; dùng pyogrio / No reader “{engine}”; pyogrio is used",
                'Ghi engine = "pyogrio" hoặc "fiona" / Write engine = "pyogrio" or "fiona".',
                setting="[workspace] engine",
            )
            engine = "pyogrio"
        report_cfg = self.report_section(raw.get("report", {}))
        if "legal" in raw:  # [legal]: reported period sets, remote area (geo/legal.py)
            from .legal import check_settings

            for message in check_settings(raw["legal"]):
                self.report.error(
                    "bad_config",
                    CONFIG_FILE,
                    message,
                    'Ví dụ / e.g.: [legal] reported = ["nq254"], remote_area = true',
                    setting="[legal]",
                )
        return WorkspaceConfig(
            # titles: no control or bidirectional characters
            name=strip_unsafe(self.text("[workspace] name", ws.get("name")) or ""),
            province=strip_unsafe(self.text("[workspace] province", ws.get("province")) or ""),
            crs=self.text("[workspace] crs", ws.get("crs")),
            engine=engine,
            as_of=self.as_of(ws.get("as_of")),
            layers=self.layers(raw.get("layers", {})),
            deadline_days=self.deadlines(raw.get("grievances", {})),
            grievance_number=self.number(raw.get("grievances", {})),
            grievance_codes=self.codes(raw.get("grievances", {})),
            hotspots=self.hotspots(raw.get("hotspots", {})),
            report=report_cfg,
            limits=read_limits(
                self.table("[limits]", raw.get("limits", {}), "[limits] max_rows = 2000000"), self.report, CONFIG_FILE
            ),
            raw=raw,
        )

    def as_of(self, value: Any) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            import pandas as pd

            from .canonical import date_error, parse_dates

            parsed = parse_dates(pd.Series([value]))[0]
            if not pd.isna(parsed):
                return parsed.date()
            reason = date_error(value) or "“” không phải ngày / is not a date"
            vi, en = reason.split(" / ", 1)
            self.report.error(
                "bad_config",
                CONFIG_FILE,
                f"Ngày báo cáo [workspace] as_of không dùng được: {vi} / The reporting date cannot be used: {en}",
                'Ghi as_of = 2026-11-20 (không ngoặc kép) hoặc as_of = "20/11/2026" / '
                'Write as_of = 2026-11-20 or as_of = "20/11/2026".',
                setting="[workspace] as_of",
            )
            return None
        self.wrong("[workspace] as_of", value, "một ngày / a date", "as_of = 2026-11-20")
        return None

    def layers(self, value: Any) -> dict[str, LayerConfig]:
        out: dict[str, LayerConfig] = {}
        for lname, spec in self.table("[layers]", value, '[layers.parcels] file = "thua_dat.shp"').items():
            setting = f"[layers.{lname}]"
            name = str(lname).lower()
            if name not in LAYERS:
                self.unknown("[layers]", str(lname), tuple(LAYERS))
                continue
            if not isinstance(spec, dict):
                self.table(setting, spec, f'{setting} file = "{name}.gpkg"')
                continue
            self.keys(setting, spec, LAYER_KEYS)
            sheet = spec.get("sheet")
            if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, str | int)):
                self.wrong(
                    f"{setting} sheet",
                    sheet,
                    "tên trang tính trong ngoặc kép / a quoted sheet name",
                    'sheet = "Tổng hợp"',
                )
                sheet = None
            out[name] = LayerConfig(
                file=self.text(f"{setting} file", spec.get("file")),
                crs=self.text(f"{setting} crs", spec.get("crs")),
                encoding=self.text(f"{setting} encoding", spec.get("encoding")),
                sheet=sheet,
                layer=self.text(f"{setting} layer", spec.get("layer")),
                columns=self.columns(name, spec.get("columns", {})),
            )
        return out

    def columns(self, layer: str, value: Any) -> dict[str, str]:
        setting = f"[layers.{layer}.columns]"
        table = self.table(setting, value, f'{setting} map_sheet = "SHBANDO"')
        known = tuple(c.name for c in LAYERS[layer].columns)
        out: dict[str, str] = {}
        for canonical, header in table.items():
            if canonical not in known:
                self.unknown(setting, str(canonical), known)
                continue
            text = self.text(f"{setting} {canonical}", header)
            if text is not None:
                out[canonical] = text
        return out

    def deadlines(self, value: Any) -> dict[str, int]:
        grievances = self.table("[grievances]", value, "[grievances.deadline_days] complaint = 30")
        self.keys("[grievances]", grievances, GRIEVANCE_KEYS)
        deadlines = dict(DEFAULT_DEADLINE_DAYS)
        setting = "[grievances] deadline_days"
        table = grievances.get("deadline_days", {})
        if not isinstance(table, dict):
            self.wrong(
                setting,
                table,
                "một bảng số ngày theo loại đơn / a table of days per kind",
                "[grievances.deadline_days] complaint = 30, denunciation = 30",
            )
            return deadlines
        for kind, days in table.items():
            if kind not in KINDS.keys:
                self.unknown("[grievances.deadline_days]", str(kind), KINDS.keys)
            elif isinstance(days, int) and not isinstance(days, bool) and days > 0:
                deadlines[kind] = days
            else:
                self.wrong(
                    f"[grievances.deadline_days] {kind}",
                    days,
                    "số ngày nguyên dương / a positive whole number of days",
                    f"{kind} = 30",
                )
        return deadlines

    def number(self, value: Any) -> str:
        """``[grievances] number``: a pattern with ``{seq}`` and only the fields :data:`NUMBER_FIELDS`."""
        grievances = value if isinstance(value, dict) else {}
        pattern = self.text("[grievances] number", grievances.get("number"))
        if pattern is None:
            return DEFAULT_NUMBER
        problem = number_pattern_problem(pattern)
        if problem is None:
            return pattern
        self.report.error(
            "bad_config",
            CONFIG_FILE,
            f"[grievances] number “{pattern}” không dùng được: {problem}",
            f'Ví dụ / e.g.: number = "{DEFAULT_NUMBER}" (các trường / fields: {{seq}}, {{year}}, {{code}})',
            setting="[grievances] number",
        )
        return DEFAULT_NUMBER

    def codes(self, value: Any) -> dict[str, str]:
        """``[grievances.codes]``: the code of each kind in a number (the defaults for kinds not named)."""
        out = dict(DEFAULT_KIND_CODES)
        grievances = value if isinstance(value, dict) else {}
        if "codes" not in grievances:
            return out
        table = self.table("[grievances.codes]", grievances["codes"], '[grievances.codes] complaint = "KN"')
        for kind, code in table.items():
            if kind not in KINDS.keys:
                self.unknown("[grievances.codes]", str(kind), KINDS.keys)
            elif isinstance(code, str) and code.strip() and "/" not in code and "{" not in code:
                out[kind] = code.strip()
            else:
                self.wrong(
                    f"[grievances.codes] {kind}",
                    code,
                    "một mã ngắn trong ngoặc kép, không có “/” / a short quoted code without “/”",
                    f'{kind} = "{DEFAULT_KIND_CODES[kind]}"',
                )
        return out

    def hotspots(self, value: Any) -> dict[str, Any]:
        table = self.table("[hotspots]", value, "[hotspots] risk_score = 10")
        if not table:
            return {}
        from .hotspots.config import hotspot_config

        try:
            hotspot_config(table)
        except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
            self.report.error(
                "bad_config",
                CONFIG_FILE,
                f"Cấu hình điểm nóng không dùng được / The hotspot settings cannot be used — {exc}",
                "Sửa theo docs/hotspots.md (mỗi khóa, kiểu và giá trị được phép); hoặc xóa mục [hotspots] để "
                "dùng mặc định / Correct them after docs/hotspots.md, or remove [hotspots] for the defaults.",
                setting="[hotspots]",
            )
            return {}
        return table

    def report_section(self, value: Any) -> dict[str, Any]:
        table = self.table("[report]", value, '[report] signer = "…"')
        self.keys("[report]", table, REPORT_KEYS)
        out: dict[str, Any] = {}
        for key, kind in REPORT_KEYS.items():
            if key not in table:
                continue
            item = table[key]
            if kind == "text_list":
                if isinstance(item, list) and all(isinstance(v, str) for v in item):
                    out[key] = [strip_unsafe(v) for v in item]
                else:
                    self.wrong(
                        f"[report] {key}",
                        item,
                        "một danh sách chuỗi / a list of quoted texts",
                        f'{key} = ["Thường trực Đảng ủy", "Lưu Văn phòng"]',
                    )
            else:
                text = self.text(f"[report] {key}", item)
                if text is not None:
                    out[key] = strip_unsafe(text)  # printed in every report: no control or direction characters
        return out
