"""Find a workspace's layer files and read them, whatever their format.

Formats: GeoPackage, shapefile (also inside a ``.zip``), GeoJSON, CSV (UTF-8
with or without BOM) and XLSX. Files are found by stem, case-insensitively,
unless ``workspace.toml`` names them. Spatial files are read with pyogrio
(Arrow where it works), or fiona where the workspace asks for it; their CRS
is resolved by :mod:`geo.crs`, legacy Vietnamese text converted by
:mod:`geo.encoding`. Anything that cannot be read becomes a problem, never an
exception. Nothing is written.

A list is read as an office keeps it in Excel, without a ``workspace.toml``
(data contract, "Lists as offices keep them"): the header is the row, or the
two rows, among the first 30 of a sheet that name most of the layer's columns
(by name or alias, ignoring diacritics and a unit in parentheses), so the title
block above it is passed over; a horizontally merged upper cell ("Thửa đất")
gives its text to the cells it spans, and a lower cell ("Số tờ", "Số thửa")
names the column under it. Below the header, a numbering row "(1) (2) …" is
skipped, and rows that are no data are dropped by frame operations: rows
lacking a required value that hold at most two cells (group rows "I. Dự án …",
"Thôn Nà Pàn") or start with "Cộng" / "Tổng cộng", and the signature block after
the last data row. Every sheet whose header matches the layer is read (one list
per hamlet or round), the others (cover, guide, summary) are named in a
``sheet_skipped`` warning; each row keeps its sheet and its row number in the
sheet (:attr:`RawLayer.rows`, :attr:`RawLayer.sheets`), so a problem names
"file, sheet, row". A sheet whose first row is its header reads as it always
did; a ``sheet`` in ``workspace.toml`` still picks one sheet.

Hostile or careless files are refused before they are read:

- only files inside the workspace folder are read: a ``file`` in
  ``workspace.toml`` that is absolute or climbs out with ``..``, and a link
  (the layer file or a shapefile's sidecar) that resolves outside, are refused;
- each file is read as what its extension says: its first bytes must be that
  format (a GeoJSON starts with ``{``, a GeoPackage is SQLite …) and GDAL
  must open it with that driver (:data:`EXPECTED_DRIVER`) — an OGR VRT saved
  as ``projects.geojson`` is never opened;
- GDAL has no network access in this process (:func:`gdal_offline`);
- what a file claims — its size, a zip's uncompressed sizes and ratio, a
  layer's feature count, a table's rows — is checked against
  :class:`geo.limits.Limits` first, within seconds and without the memory.
"""

from __future__ import annotations

import contextlib
import io as _io
import os
import re
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import geopandas as gpd
import numpy as np
import pandas as pd

from . import crs as crsmod
from . import encoding as encmod
from .canonical import header_key, match_columns
from .config import LayerConfig, WorkspaceConfig
from .formatting import fmt_number
from .limits import RATIO_FLOOR_MB, Limits, mb
from .problems import Report
from .schema import LAYERS, Layer, normalize_name
from .text import quote

SPATIAL_EXT = (".gpkg", ".shp", ".zip", ".geojson", ".json")
TABLE_EXT = (".csv", ".xlsx")
EXTENSIONS = SPATIAL_EXT + TABLE_EXT

EXPECTED_DRIVER = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON"}
"""The one GDAL driver allowed to open a spatial file, by its extension (inside a .zip too)."""

FORMAT_NAME = {".gpkg": "GeoPackage", ".shp": "shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON"}

GDAL_OFFLINE = {
    # /vsicurl/ and the cloud file systems built on it see no file at all: no request is made
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".no-network-access",
    # every other HTTP fetch (the HTTP driver, a GeoJSON "link" CRS, GML xlinks …) must go through a
    # proxy on a port that cannot exist: curl refuses the address before opening any connection
    "GDAL_HTTP_PROXY": "127.0.0.1:65536",
    "GDAL_HTTPS_PROXY": "127.0.0.1:65536",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_DISABLE_READDIR_ON_OPEN": "TRUE",
}
"""GDAL configuration options that take GDAL's network access away (see :func:`gdal_offline`)."""

NETWORK_DRIVERS = (
    "HTTP",
    "OGR_VRT",
    "VRT",
    "WFS",
    "OAPIF",
    "CSW",
    "GMLAS",
    "WMS",
    "WMTS",
    "WCS",
    "NGW",
    "Elasticsearch",
    "Carto",
    "AmigoCloud",
    "PLSCENES",
    "EEDA",
    "EEDAI",
    "STACIT",
    "STACTA",
    "DAAS",
    "OGCAPI",
    "PLMOSAIC",
)
"""GDAL drivers that fetch URLs or open other files a file names; deregistered (``GDAL_SKIP``)."""

_drivers_skipped = False


def gdal_offline() -> dict[str, str]:
    """Take GDAL's network access away for this process; return the options (for ``fiona.Env``).

    Sets :data:`GDAL_OFFLINE` in pyogrio's GDAL, deregisters
    :data:`NETWORK_DRIVERS`, removes ``NO_PROXY``/``no_proxy`` from the
    environment (curl would bypass the blocking proxy for the hosts they list)
    and turns PROJ's network off. Idempotent and cheap: called before every
    spatial read.
    """
    global _drivers_skipped
    for var in ("NO_PROXY", "no_proxy"):
        os.environ.pop(var, None)
    import pyogrio

    pyogrio.set_gdal_config_options(GDAL_OFFLINE)
    if not _drivers_skipped:
        _drivers_skipped = True
        skip = (pyogrio.get_gdal_config_option("GDAL_SKIP") or "").replace(",", " ").split()
        pyogrio.set_gdal_config_options({"GDAL_SKIP": " ".join(dict.fromkeys([*skip, *NETWORK_DRIVERS]))})
        try:  # GDAL applies GDAL_SKIP when drivers are registered: register again
            from pyogrio._ogr import _register_drivers

            with warnings.catch_warnings():  # "Unable to find driver X to unload": not built in, fine
                warnings.simplefilter("ignore")
                _register_drivers()
        except Exception:  # noqa: BLE001 — private API; the allow-list and the options above still hold
            pass
        try:
            import pyproj.network

            pyproj.network.set_network_enabled(active=False)
        except Exception:  # noqa: BLE001
            pass
    return dict(GDAL_OFFLINE)


@dataclass
class RawLayer:
    """A layer as read: its frame (all text, or Excel cell values), file and kind."""

    frame: pd.DataFrame
    file: str
    spatial: bool
    encoding: str | None = None
    georeferenced: bool = True  # False: a spatial file whose CRS is missing or unusable (already an error)
    canonical: bool = False  # True: the frame already has the canonical columns and values (a store's layer)
    rows: np.ndarray | None = None  # a workbook's own row numbers of the frame's rows (None: position + 2)
    sheets: np.ndarray | None = None  # a workbook's sheet name of each row


def find_layer_file(folder: Path, name: str, cfg: WorkspaceConfig, report: Report) -> Path | None:
    """The file of layer ``name``: from ``workspace.toml``, else by stem.

    Parameters
    ----------
    folder : Path
        The workspace folder.
    name : str
        The canonical layer name (``"parcels"``).
    cfg : WorkspaceConfig
        Its ``[layers.NAME] file`` wins.
    report : Report
        Receives a problem for a configured file that does not exist, and a
        warning where several files share the stem.

    Returns
    -------
    Path or None
    """
    configured = cfg.layer(name).file
    if configured:
        path = folder / configured
        if _outside(folder, path, name, report, configured):
            return None
        if not path.is_file():
            report.error(
                "missing_file",
                "workspace.toml",
                f"Tệp “{configured}” khai báo cho lớp {name} không tồn tại / "
                f"The file “{configured}” given for layer {name} does not exist",
                "Sửa tên tệp trong [layers." + name + "] file = … hoặc chép tệp vào thư mục / "
                "Correct the file name or copy the file into the folder.",
            )
            return None
        return path if _links_inside(folder, path, name, report) else None
    candidates = [
        p for p in sorted(folder.iterdir()) if p.is_file() and p.stem.lower() == name and p.suffix.lower() in EXTENSIONS
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda p: EXTENSIONS.index(p.suffix.lower()))
    if len(candidates) > 1:
        report.warning(
            "several_files",
            candidates[0].name,
            f"Có nhiều tệp cho lớp {name}: {', '.join(p.name for p in candidates)}; dùng "
            f"{candidates[0].name} / Several files for layer {name}; using {candidates[0].name}",
            f"Xóa hoặc đổi tên tệp thừa, hoặc khai báo [layers.{name}] file = … trong "
            "workspace.toml / Remove the extra files or name one in workspace.toml.",
        )
    return candidates[0] if _links_inside(folder, candidates[0], name, report) else None


def _inside(folder: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a link loop
        return False
    return True


def _outside_problem(report: Report, file: str, name: str, why_vi: str, why_en: str) -> None:
    report.error(
        "outside_workspace",
        file,
        f"Tệp của lớp {name} nằm ngoài thư mục dữ liệu ({why_vi}) — không đọc / "
        f"The file of layer {name} lies outside the workspace folder ({why_en}) — not read",
        'Chép tệp vào thư mục dữ liệu và ghi tên tệp tương đối trong workspace.toml (file = "ten_tep.csv"); '
        "không dùng liên kết (symlink) tới tệp bên ngoài / Copy the file into the workspace folder and name "
        'it relative to the folder (file = "name.csv"); do not link to files outside it.',
    )


def _outside(folder: Path, path: Path, name: str, report: Report, configured: str) -> bool:
    """True (with an error) where a configured file is absolute, climbs out or links out."""
    if _inside(folder, path):
        return False
    if Path(configured).is_absolute() or Path(configured).drive:
        why = ("đường dẫn tuyệt đối " + quote(configured, 300), "an absolute path " + quote(configured, 300))
    elif ".." in Path(configured).parts:
        why = ("đi ra ngoài bằng “..”: " + quote(configured, 300), "it climbs out with “..”: " + quote(configured, 300))
    else:
        why = ("liên kết tới " + quote(path.resolve(), 300), "a link to " + quote(path.resolve(), 300))
    _outside_problem(report, "workspace.toml", name, *why)
    return True


def _links_inside(folder: Path, path: Path, name: str, report: Report) -> bool:
    """False (with an error) where the file, or a sidecar of the same stem, links outside the folder."""
    stem = path.stem.lower() + "."
    try:
        siblings = [p for p in path.parent.iterdir() if p.name.lower().startswith(stem)]
    except OSError:
        siblings = []
    for p in [path, *[s for s in siblings if s != path]]:
        if not _inside(folder, p):
            _outside_problem(
                report, p.name, name, "liên kết tới " + quote(p.resolve(), 300), "a link to " + quote(p.resolve(), 300)
            )
            return False
    return True


def read_layer(
    path: Path,
    name: str,
    cfg: WorkspaceConfig,
    report: Report,
    spatial_required: bool,
    ahead: WorkbookAhead | None = None,
) -> RawLayer | None:
    """Read one layer file into a raw frame, collecting problems.

    Parameters
    ----------
    path : Path
        The file.
    name : str
        The canonical layer name.
    cfg : WorkspaceConfig
        Workspace settings (engine, CRS, encoding, sheet).
    report : Report
        Receives every problem.
    spatial_required : bool
        True for hamlets and parcels: a table file is then an error.
    ahead : WorkbookAhead, optional
        The workbook's sheets, read in the background (:func:`read_workbook_ahead`) while other layers
        were read; used where it read this ``path``.

    Returns
    -------
    RawLayer or None
        None where the file cannot be read (the report says why).
    """
    lcfg = cfg.layer(name)
    fname = path.name
    ext = path.suffix.lower()
    if path.stat().st_size == 0:
        report.error(
            "empty_file",
            fname,
            "Tệp rỗng (0 byte) / The file is empty (0 bytes)",
            "Chép lại tệp từ bản gốc, hoặc xóa tệp nếu không dùng lớp này / "
            "Copy the file again from its source, or remove it if the layer is not used.",
        )
        return None
    checked = ahead is not None and ahead.within_limits(path)  # the read ahead checked them
    if not checked and not _within_limits(path, cfg.limits, report):
        return None
    if ext in TABLE_EXT:
        if spatial_required:
            report.error(
                "not_spatial",
                fname,
                f"Lớp {name} phải có hình (vùng), nhưng {ext} là bảng / "
                f"Layer {name} needs polygons, but a {ext} file is a table",
                "Dùng GeoPackage, shapefile hoặc GeoJSON / Use a GeoPackage, shapefile or GeoJSON.",
            )
            return None
        frame = _read_table(path, lcfg, report, LAYERS.get(name), ahead)
        if frame is None:
            return None
        rows = frame.attrs.pop("sheet_rows", None)
        sheets = frame.attrs.pop("sheets", None)
        return RawLayer(frame, fname, spatial=False, rows=rows, sheets=sheets)
    return _read_spatial(path, name, cfg, lcfg, report)


def layer_headers(path: Path, name: str, cfg: WorkspaceConfig, report: Report) -> list[str]:
    """The headers of a layer's file as they are read: an office list's header found below its title
    block (every list sheet's, in order), a two-row header's lower cells under a merged upper one named
    "upper – lower"; cells without a header and the geometry left out. Empty where the file cannot be
    read (``report`` says why). What the upload page offers to match to the layer's columns."""
    raw = read_layer(path, name, cfg, report, spatial_required=False)
    if raw is None:
        return []
    return [str(c) for c in raw.frame.columns if c != "geometry" and not re.fullmatch(r"_col\d+", str(c))]


# --------------------------------------------------------------------------- limits


def _too_large(report: Report, file: str, key: str, what_vi: str, what_en: str, figure: str, limit: str) -> None:
    report.error(
        "too_large",
        file,
        f"{what_vi}: {figure}, vượt giới hạn {limit} — không đọc / {what_en}: {figure}, over the limit of "
        f"{limit} — not read",
        f"Kiểm tra đúng tệp chưa (cả một tỉnh chỉ khoảng 300.000 thửa, 80.000 dòng hộ); nếu dữ liệu thật sự "
        f"lớn hơn, nâng giới hạn trong workspace.toml: [limits] {key} = … / Check it is the right file (a "
        f"whole province has about 300,000 parcels and 80,000 household rows); if the data really is larger, "
        f"raise the limit in workspace.toml: [limits] {key} = …",
    )


def _within_limits(path: Path, limits: Limits, report: Report) -> bool:
    """Check a file's size and what it claims (zip members, table rows) before reading it."""
    fname, ext = path.name, path.suffix.lower()
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        _too_large(
            report, fname, "max_file_mb", "Kích thước tệp", "The file's size", mb(size), mb(limits.max_file_bytes)
        )
        return False
    if ext == ".shp":
        dbf = next((p for p in path.parent.glob(path.stem + ".*") if p.suffix.lower() == ".dbf"), None)
        if dbf is not None and dbf.stat().st_size > limits.max_file_bytes:
            _too_large(
                report,
                dbf.name,
                "max_file_mb",
                "Kích thước tệp",
                "The file's size",
                mb(dbf.stat().st_size),
                mb(limits.max_file_bytes),
            )
            return False
    if ext in (".zip", ".xlsx") and not _zip_within_limits(path, limits, report):
        return False
    if ext == ".csv":
        rows = _count_lines(path) - 1
        if rows > limits.max_rows:
            _too_large(
                report,
                fname,
                "max_rows",
                "Số dòng của bảng",
                "The table's rows",
                f"{fmt_number(rows)} dòng/rows",
                f"{fmt_number(limits.max_rows)} dòng/rows",
            )
            return False
    if ext == ".xlsx":
        sheet_rows = _xlsx_rows(path)
        if sheet_rows is not None and sheet_rows > limits.max_rows:
            _too_large(
                report,
                fname,
                "max_rows",
                "Số dòng của sổ tính (mọi trang)",
                "The workbook's rows (all sheets)",
                f"{fmt_number(sheet_rows)} dòng/rows",
                f"{fmt_number(limits.max_rows)} dòng/rows",
            )
            return False
    return True


def _zip_within_limits(path: Path, limits: Limits, report: Report) -> bool:
    """A zip's (or workbook's) uncompressed sizes and ratios, from its directory only."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return True  # not a zip: the reader says so in its own words
    total = sum(i.file_size for i in infos)
    if total > limits.max_file_bytes:
        _too_large(
            report,
            path.name,
            "max_file_mb",
            "Kích thước khi giải nén",
            "Its size uncompressed",
            mb(total),
            mb(limits.max_file_bytes),
        )
        return False
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_FLOOR_MB * 1_000_000 and ratio > limits.max_zip_ratio:
            _too_large(
                report,
                path.name,
                "max_zip_ratio",
                f"Tỉ lệ nén của {quote(info.filename)} (bom nén?)",
                f"The compression ratio of {quote(info.filename)} (a zip bomb?)",
                f"{fmt_number(ratio)}:1",
                f"{fmt_number(limits.max_zip_ratio)}:1",
            )
            return False
    return True


def _count_lines(path: Path) -> int:
    """Lines of a text file, counted in 8 MB chunks (never the whole file in memory)."""
    lf = cr = 0
    last = b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 23), b""):
            lf += chunk.count(b"\n")
            cr += chunk.count(b"\r")
            last = chunk[-1:]
    lines = max(lf, cr)
    return lines + (1 if last not in (b"", b"\n", b"\r") else 0)


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")
_ROW_TAGS = (b"<row ", b"<row>", b":row ")  # ":row ": a prefixed <x:row …>


def _xlsx_rows(path: Path) -> int | None:
    """Rows of all worksheets: each sheet's ``<dimension>``, else its ``<row>`` elements counted as a stream."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = 0
            for info in zf.infolist():
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                with zf.open(info) as fh:
                    head = fh.read(1 << 16)
                    m = _DIMENSION.search(head)
                    total += int(m.group(1)) if m else _count_tokens(_Prefixed(head, fh), _ROW_TAGS)
            return total
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, zlib.error):
        return None


def _count_tokens(fh, tokens: tuple[bytes, ...]) -> int:
    """Occurrences of each of ``tokens`` in a binary stream, read in 8 MB chunks (summed).

    The last bytes of a chunk (one fewer than the longest token) are carried
    over, so a token split between chunks is counted once and never twice.
    """
    keep = max(len(t) for t in tokens) - 1
    count, tail = 0, b""
    for chunk in iter(lambda: fh.read(1 << 23), b""):
        block = tail + chunk
        count += sum(block.count(t) - tail.count(t) for t in tokens)
        tail = block[-keep:] if keep else b""
    return count


class _Prefixed:
    """A binary stream that yields ``prefix`` (bytes already read) before the rest."""

    def __init__(self, prefix: bytes, fh):
        self.prefix, self.fh = prefix, fh

    def read(self, n: int) -> bytes:
        if self.prefix:
            out, self.prefix = self.prefix, b""
            return out
        return self.fh.read(n)


# --------------------------------------------------------------------------- tables


def _read_table(
    path: Path, lcfg: LayerConfig, report: Report, layer: Layer | None = None, ahead: WorkbookAhead | None = None
) -> pd.DataFrame | None:
    fname = path.name
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, lcfg, report, layer, ahead)
    raw = path.read_bytes()
    enc = (lcfg.encoding or "utf-8-sig").lower()
    legacy = enc if enc in encmod.LEGACY_ENCODINGS else None
    try:
        text = raw.decode("latin-1" if legacy else ("utf-8-sig" if enc in ("utf-8", "utf8") else enc))
    except LookupError:
        report.error(
            "bad_encoding",
            "workspace.toml",
            f"Không biết bảng mã “{lcfg.encoding}” / Unknown encoding “{lcfg.encoding}”",
            "Dùng tcvn3, vni, utf-8, cp1258 … / Use tcvn3, vni, utf-8, cp1258 …",
        )
        return None
    except UnicodeDecodeError as exc:
        # not UTF-8: an old spreadsheet's TCVN3/VNI export is read as such (with a warning)
        surface = raw.decode("latin-1")
        legacy = encmod.detect_legacy(surface.splitlines()[:2000])
        if legacy is None:
            line = raw[: exc.start].count(b"\n") + 1
            report.error(
                "not_utf8",
                fname,
                f"Tệp CSV không phải UTF-8 (byte lạ ở dòng {line}) / The CSV file is not UTF-8 "
                f"(unexpected byte on line {line})",
                'Trong Excel chọn Lưu thành “CSV UTF-8”, hoặc khai báo encoding = "tcvn3" / "vni" / '
                '"cp1258" trong workspace.toml / Save as “CSV UTF-8” in Excel, or declare the encoding.',
            )
            return None
        _legacy_warning(report, fname, legacy)
        text = surface
    if "\x00" in text[:4096]:
        report.error(
            "not_csv",
            fname,
            "Tệp có đuôi .csv nhưng không phải văn bản CSV / The .csv file is not CSV text",
            "Lưu lại tệp dạng CSV UTF-8 từ Excel / Save it again as CSV UTF-8.",
        )
        return None
    first = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=first.count)
    try:
        frame = pd.read_csv(
            _io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        report.error(
            "bad_csv",
            fname,
            f"Không đọc được bảng CSV: {str(exc).strip()} / Cannot read the CSV table",
            "Mở bằng Excel, kiểm tra số cột mỗi dòng bằng nhau, rồi lưu lại dạng CSV UTF-8 / "
            "Open it in Excel, check every row has the same columns, save as CSV UTF-8.",
        )
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    if legacy:
        frame = encmod.convert_frame(frame, legacy)
    else:
        detected = encmod.detect_legacy(_texts(frame))
        if detected:
            _legacy_warning(report, fname, detected)
            frame = encmod.convert_frame(frame, detected)
    return frame


def _read_xlsx(
    path: Path, lcfg: LayerConfig, report: Report, layer: Layer | None = None, ahead: WorkbookAhead | None = None
) -> pd.DataFrame | None:
    """Read a workbook with calamine (Rust; ~30× faster than openpyxl on 80,000 rows).

    A list is read as an office keeps it (see the module's docstring): the header
    is searched for below a title block, and every sheet whose header matches the
    layer is read (the others are named in a warning). The sheet's own row numbers
    and names are left in ``frame.attrs`` (``sheet_rows``, ``sheets``).
    """
    fname = path.name
    not_a_workbook = (
        "Tệp có đuôi .xlsx nhưng không phải sổ tính Excel (có thể là .xls cũ, CSV hoặc tệp "
        "hỏng) / The .xlsx file is not an Excel workbook (an old .xls, a CSV or a damaged file?)",
        "Mở bằng Excel và Lưu thành “Excel Workbook (.xlsx)” / Open it in Excel and save as “Excel Workbook (.xlsx)”.",
    )
    if not zipfile.is_zipfile(path):
        report.error("bad_workbook", fname, *not_a_workbook)
        return None
    sheet = lcfg.sheet
    book = ahead.sheets(path, sheet) if ahead is not None else None
    if book is None:
        book = _workbook_sheets(path, sheet, layer)
    if book.names is None or book.failed:
        report.error("bad_workbook", fname, *not_a_workbook)
        return None
    names = book.names
    if book.chosen is None:
        report.error(
            "missing_sheet",
            fname,
            f"Không có trang tính “{sheet}”; có: {', '.join(names)} / "
            f"No sheet “{sheet}”; the workbook has: {', '.join(names)}",
            "Sửa sheet = … trong workspace.toml / Correct sheet = … in workspace.toml.",
        )
        return None
    read: list[tuple[str, pd.DataFrame, np.ndarray, _Header]] = []
    for name, (rows, merged, start_row) in book.rows.items():
        while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
            rows.pop()
        if not rows:
            continue
        if layer is None:
            width = max(len(r) for r in rows)
            header = [("" if h is None else str(h).strip()) for h in rows[0]] + [""] * (width - len(rows[0]))
            header = [h if h else f"_col{i + 1}" for i, h in enumerate(header)]
            frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows[1:]], columns=header, dtype=object)
            numbers = np.arange(len(frame)) + start_row + 2
            read.append((name, frame.replace("", None), numbers, _Header(0, [], 0, False)))
            continue
        frame, numbers, head = _office_sheet(rows, merged, start_row, layer, lcfg.columns)
        read.append((name, frame, numbers, head))
    if not read:
        report.error(
            "empty_file",
            fname,
            "Trang tính không có dữ liệu (không có dòng tiêu đề) / The sheet has no header row",
            "Dòng 1 phải là tiêu đề cột, dữ liệu từ dòng 2 / Row 1 must hold the headers.",
        )
        return None
    if len(read) > 1 and layer is not None:
        read = _list_sheets(read, layer, fname, report, lcfg.columns)
    if len(read) == 1:
        name, frame, numbers, _ = read[0]
        frame.attrs["sheet_rows"] = numbers
        if len(names) > 1:  # the sheet is named only where the workbook has others
            frame.attrs["sheets"] = np.full(len(frame), name, dtype=object)
        return frame
    return _concat_sheets(read, layer, lcfg.columns)


@dataclass
class _Sheets:
    """What calamine read of a workbook: its sheet names (None: not a workbook), the sheet chosen by
    ``sheet = …`` (None: no such sheet), and each sheet to read's rows, merged cells and first row
    (``failed``: a sheet could not be read)."""

    names: list[str] | None
    chosen: str | None = None
    rows: dict[str, tuple[list[list], list, int]] = field(default_factory=dict)
    failed: bool = False


def _workbook_sheets(path: Path, sheet: str | int | None, layer: Layer | None) -> _Sheets:
    """Read the workbook's sheets: the one ``sheet`` names, else all of them for a known ``layer`` (its list
    may span sheets, :func:`_list_sheets`), else the first."""
    every = layer is not None
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except Exception:  # noqa: BLE001 — calamine's errors all mean "not a readable workbook"
        return _Sheets(None)
    if sheet is None:
        chosen = names[0] if names else None
    elif isinstance(sheet, int):
        chosen = names[sheet] if 0 <= sheet < len(names) else None
    else:
        chosen = next((n for n in names if n.strip().lower() == str(sheet).strip().lower()), None)
    out = _Sheets(names, chosen)
    if chosen is None:
        return out
    for name in [chosen] if sheet is not None or not every else names:
        try:
            calamine_sheet = book.get_sheet_by_name(name)
            out.rows[name] = (
                calamine_sheet.to_python(),
                _merged_ranges(calamine_sheet),
                int(calamine_sheet.start[0]) if calamine_sheet.start else 0,
            )
        except Exception:  # noqa: BLE001
            return _Sheets(names, chosen, failed=True)
    return out


class WorkbookAhead:
    """A layer's workbook read in a background thread (:func:`read_workbook_ahead`), for :func:`read_layer`.

    calamine parses the workbook while GDAL reads the parcels (each lets the other run): at province
    scale the 80,000-row list costs about a second that the parcels' read hides. It is begun only for a
    workbook within the workspace's ``[limits]`` (checked once, before: :func:`read_layer` does not check
    again; counted in the thread, the rows held the interpreter the parcels' read needed: 7 % slower).
    The thread touches nothing but the file and its own result: no report, no warning filter.
    """

    def __init__(self, path: Path, sheet: str | int | None, layer: Layer | None) -> None:
        import threading

        self.path, self.sheet = path, sheet
        self._result: _Sheets | None = None
        self._thread = threading.Thread(target=self._run, args=(layer,), name="geo-workbook-ahead", daemon=True)
        self._thread.start()

    def _run(self, layer: Layer | None) -> None:
        with contextlib.suppress(Exception):  # a failure here is met again, and reported, by the plain read
            self._result = _workbook_sheets(self.path, self.sheet, layer)

    def within_limits(self, path: Path) -> bool:
        """Whether ``path`` is this workbook, found within the limits before it was begun."""
        return path == self.path

    def sheets(self, path: Path, sheet: str | int | None) -> _Sheets | None:
        """What was read, where it was ``path``'s ``sheet`` (None otherwise, or where the read failed)."""
        self._thread.join()
        return self._result if (path, sheet) == (self.path, self.sheet) else None


def read_workbook_ahead(path: Path | None, name: str, cfg: WorkspaceConfig) -> WorkbookAhead | None:
    """Start reading layer ``name``'s workbook ``path`` in the background, where it is one (``.xlsx``) within
    the workspace's limits; None otherwise, or where anything fails (only a head start: the plain read
    meets and reports every problem). :func:`read_layer` takes its sheets."""
    try:
        if path is None or path.suffix.lower() != ".xlsx" or not path.is_file() or path.stat().st_size == 0:
            return None
        if not zipfile.is_zipfile(path) or not _within_limits(path, cfg.limits, Report()):
            return None  # the plain read checks it again and reports the problem
        return WorkbookAhead(path, cfg.layer(name).sheet, LAYERS.get(name))
    except Exception:  # noqa: BLE001
        return None


def _merged_ranges(sheet) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The sheet's merged cells, relative to its first row and column (none where calamine cannot tell)."""
    try:
        ranges = sheet.merged_cell_ranges or []
    except Exception:  # noqa: BLE001 — older calamine: merged cells inferred from empty cells
        return []
    r0, c0 = sheet.start if sheet.start else (0, 0)
    return [((a - r0, b - c0), (c - r0, d - c0)) for (a, b), (c, d) in ranges]


def _list_sheets(read: list, layer: Layer, fname: str, report: Report, overrides: dict[str, str] | None = None) -> list:
    """The sheets that hold the layer's list; the others (cover, guide, summary) named in a warning."""
    required = {c.name for c in layer.columns if c.required}

    def is_list(head: _Header, frame: pd.DataFrame) -> bool:
        found = set(_header_map(layer, [str(c) for c in frame.columns], overrides))
        return head.score >= 2 and bool(found & required)

    lists = [r for r in read if is_list(r[3], r[1])]
    if not lists:
        return [max(read, key=lambda r: r[3].score)]
    for name, *_ in (r for r in read if r not in lists):
        report.warning(
            "sheet_skipped",
            fname,
            f"Trang tính “{name}” không phải danh sách {layer.label or layer.name} (không có tiêu đề cột "
            f"khớp) — bỏ qua / Sheet “{name}” is no {layer.name} list (no matching header) — skipped",
            "Nếu trang này là danh sách, sửa tiêu đề cột theo mẫu / If this sheet is a list, name its "
            "columns as the template does.",
        )
    return lists


def _concat_sheets(read: list, layer: Layer | None, overrides: dict[str, str] | None = None) -> pd.DataFrame:
    """The list sheets one under the other, each sheet's headers renamed to the first sheet's for the same column."""
    first = read[0][1]
    canon_to_header = _header_map(layer, [str(c) for c in first.columns], overrides) if layer is not None else {}
    frames = []
    for _, frame, _, _ in read:
        mapping = _header_map(layer, [str(c) for c in frame.columns], overrides) if layer is not None else {}
        rename = {h: canon_to_header[c] for c, h in mapping.items() if c in canon_to_header}
        out = frame.rename(columns=rename)
        seen: dict[str, int] = {}
        cols = []
        for c in out.columns:
            seen[c] = seen.get(c, 0) + 1
            cols.append(c if seen[c] == 1 else f"{c} ({seen[c]})")
        out.columns = cols
        frames.append(out)
    frame = pd.concat(frames, ignore_index=True, sort=False)
    frame.attrs["sheet_rows"] = np.concatenate([r[2] for r in read])
    frame.attrs["sheets"] = np.concatenate([np.full(len(r[1]), r[0], dtype=object) for r in read])
    return frame


# --------------------------------------------------------------------------- office lists

HEADER_SCAN_ROWS = 30
"""How many rows at the top of a sheet are searched for the header (below a title block)."""

_NUMBERING = re.compile(r"^\(?\s*\d{1,3}\s*\)?$")
_NOT_DATA_START = ("tongcong", "cong", "tong")
_EMPTY_TEXT = ("", "nan", "none")


def _layer_keys(layer: Layer, overrides: dict[str, str] | None = None) -> set[str]:
    """The header keys that name a column of ``layer``: its names, aliases and the headers mapped in ``overrides``."""
    keys = {normalize_name(n) for c in layer.columns for n in (c.name, *c.aliases)}
    return keys | {normalize_name(h) for h in (overrides or {}).values()}


def _cell_text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def _filled_header(rows: list[list], r: int, merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[str]:
    """Row ``r``'s texts, a horizontally merged cell's text carried across its span."""
    texts = [_cell_text(v) for v in rows[r]]
    for (r0, c0), (r1, c1) in merged:
        if r0 <= r <= r1 and c1 > c0 and 0 <= r0 < len(rows) and c0 < len(rows[r0]):
            top = _cell_text(rows[r0][c0])
            for c in range(c0, min(c1 + 1, len(texts))):
                if not texts[c]:
                    texts[c] = top
    return texts


def _score(texts: list[str], keys: set[str]) -> int:
    return len({header_key(t) for t in texts if t and (header_key(t) in keys or normalize_name(t) in keys)})


@dataclass
class _Header:
    row: int  # 0-based index in the sheet's rows of the header's last row
    names: list[str]
    score: int
    office: bool  # False: a plain first-row header (read exactly as before)
    top: int = 0  # the header's first row (``row - 1`` for a two-row header)


def _find_header(rows: list[list], merged: list, layer: Layer, overrides: dict[str, str] | None = None) -> _Header:
    """The header of a sheet: the row (or two rows) among the first 30 naming most of the layer's columns.

    ``overrides`` (``[layers.NAME.columns]``: canonical → header) count as names of the layer's columns.
    Two rows are the header where the lower one names more columns, or where a cell of the upper one is
    merged down into it (the lower row is then no data, even where its cells name no column). Under a
    horizontally merged upper cell, a lower cell that names no column by itself is called
    "upper – lower" ("Số tiền bồi thường (đồng) – Tổng"), so that the lower cells of two merged groups
    ("Tổng" under the area, "Tổng" under the amount) stay apart. Where no row names any column, the
    first of the widest rows is taken as the header (its texts are listed in the "missing column"
    problem, and the upload page offers them to map).
    """
    keys = _layer_keys(layer, overrides)
    width = max((len(r) for r in rows), default=0)
    best: _Header | None = None
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        upper = _filled_header(rows, r, merged) + [""] * (width - len(rows[r]))
        cand = _Header(r, upper, _score(upper, keys), office=r > 0, top=r)
        if r + 1 < len(rows) and any(upper):  # an empty row is no upper header row
            lower = _filled_header(rows, r + 1, merged) + [""] * (width - len(rows[r + 1]))
            spanned = _spanned(r, merged)
            both = [
                (f"{up} – {lo}" if up and lo != up and i in spanned and not _score([lo], keys) else lo) or up
                for i, (up, lo) in enumerate(zip(upper, lower, strict=True))
            ]
            score = _score(both, keys)
            joined = any(r0 == r and r1 > r for (r0, _), (r1, _) in merged)  # a cell merged down into row r + 1
            if (score > cand.score or (joined and score)) and not _is_numbering(lower):
                cand = _Header(r + 1, both, max(score, cand.score), office=True, top=r)
        if best is None or cand.score > best.score:
            best = cand
    if best is None:
        return _Header(0, [], 0, office=False)
    if best.score == 0:  # nothing named: the first of the widest rows (a header the user maps)
        counts = [sum(1 for v in rows[r] if _cell_text(v)) for r in range(min(HEADER_SCAN_ROWS, len(rows)))]
        r = counts.index(max(counts))
        best = _Header(r, _own(rows, r, width), 0, office=r > 0, top=r)
    if not best.office:  # a plain first-row header: its own texts, as it always was read
        best.names = _own(rows, 0, width)
    else:  # a merged text carried into several cells with nothing under them names only the first
        own = [a or b for a, b in zip(_own(rows, best.top, width), _own(rows, best.row, width), strict=True)]
        seen: set[str] = set()
        for i, name in enumerate(best.names):
            if name in seen and not own[i]:
                best.names[i] = ""
            seen.add(name)
    return best


def _spanned(r: int, merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> set[int]:
    """The columns of row ``r`` inside a horizontally merged cell that starts on that row."""
    return {c for (r0, c0), (_, c1) in merged if r0 == r and c1 > c0 for c in range(c0, c1 + 1)}


def _own(rows: list[list], r: int, width: int) -> list[str]:
    """Row ``r``'s own texts (nothing carried), ``width`` long."""
    return [_cell_text(v) for v in rows[r]] + [""] * (width - len(rows[r]))


def _is_numbering(texts: list[str]) -> bool:
    """True for a numbering row under a header: "(1) (2) (3) …" or 1 2 3 … in sequence."""
    filled = [t for t in texts if t]
    if len(filled) < 2 or not all(_NUMBERING.match(t.removesuffix(".0")) for t in filled):
        return False
    nums = [int(re.sub(r"\D", "", t.removesuffix(".0"))) for t in filled]
    return all(b > a for a, b in zip(nums, nums[1:], strict=False))


def _not_data(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Rows of an office list that are no data: group, subtotal and total rows, the signature block.

    A row is keyed where every required column found (``keys``) is filled. A row
    that is not keyed is no data where it has text in at most two cells (a group
    row "I. Dự án …", "Thôn Nà Pàn", a signature line) or its first text starts
    with "Cộng" / "Tổng cộng"; every row after the last keyed row with at most
    three cells filled is the signature block. A data row that lacks a required
    value keeps its other cells and stays (its problem is named).
    """
    text = frame.astype(str).apply(lambda s: s.str.strip())
    filled = frame.notna() & ~text.isin(_EMPTY_TEXT)
    count = filled.sum(axis=1)
    keyed = filled[keys].all(axis=1) if keys else count > 2
    first = text.where(filled).bfill(axis=1).iloc[:, 0].fillna("")
    total = pd.Series(False, index=frame.index)
    loose = ~keyed  # only rows lacking a required value can be group, subtotal or total rows
    if loose.any():
        total[loose] = first[loose].map(normalize_name).str.startswith(_NOT_DATA_START)
    grouping = count <= 2
    positions = np.arange(len(frame))
    last = positions[keyed.to_numpy()].max() if keyed.any() else -1
    signature = (positions > last) & (count <= 3).to_numpy()
    return (~keyed & (total | grouping)) | pd.Series(signature, index=frame.index) | (count == 0)


def _office_sheet(
    rows: list[list], merged: list, start_row: int, layer: Layer, overrides: dict[str, str] | None = None
) -> tuple[pd.DataFrame, np.ndarray, _Header]:
    """One sheet as an office keeps it: the header found, the rows that are data and their sheet row numbers."""
    head = _find_header(rows, merged, layer, overrides)
    width = max(len(r) for r in rows)
    names = [h if h else f"_col{i + 1}" for i, h in enumerate(head.names)]
    body = rows[head.row + 1 :]
    first = head.row + 1
    if not head.office:
        frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in body], columns=names, dtype=object)
        return frame.replace("", None), np.arange(len(frame)) + start_row + first + 1, head
    if body and _is_numbering([_cell_text(v) for v in body[0]]):
        body, first = body[1:], first + 1
    frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in body], columns=names, dtype=object)
    frame = frame.replace("", None)
    required = [c for c in layer.columns if c.required]
    mapping = _header_map(layer, names, overrides)
    keys = list(dict.fromkeys(mapping[c.name] for c in required if c.name in mapping))
    drop = _not_data(frame, keys).to_numpy() if len(frame) else np.zeros(0, dtype=bool)
    numbers = np.arange(len(frame)) + start_row + first + 1
    return frame.loc[~drop].reset_index(drop=True), numbers[~drop], head


def _header_map(layer: Layer, names: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    return match_columns(layer, names, overrides)


def _texts(frame: pd.DataFrame, limit: int = 2000) -> list[str]:
    out = [str(c) for c in frame.columns]
    for col in frame.columns:
        if col == "geometry":
            continue
        s = frame[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out.extend(str(v) for v in s.dropna().unique()[:limit] if isinstance(v, str))
    return out


def _legacy_warning(report: Report, fname: str, detected: str) -> None:
    report.warning(
        "legacy_encoding",
        fname,
        f"Chữ trong tệp dùng bảng mã cũ {detected.upper()}; đã chuyển sang Unicode khi đọc / "
        f"Text is in the legacy {detected.upper()} encoding; converted to Unicode when reading",
        f'Nếu chữ hiển thị sai, khai báo encoding = "{detected}" (hoặc bảng mã đúng) trong '
        "workspace.toml / If text looks wrong, declare the right encoding in workspace.toml.",
    )


# --------------------------------------------------------------------------- spatial


def _read_spatial(path: Path, name: str, cfg: WorkspaceConfig, lcfg: LayerConfig, report: Report) -> RawLayer | None:
    fname = path.name
    ext = path.suffix.lower()
    source = str(path)
    inner: str | None = None
    if ext == ".zip":
        found = _zip_source(path, lcfg, report)
        if found is None:
            return None
        source, inner = found
        if inner.lower().endswith(".shp") and not _shp_complete_in_zip(path, inner, report):
            return None
    elif ext == ".shp" and not _shp_complete(path, report):
        return None
    kind = Path(inner).suffix.lower() if inner else ext
    enc = (lcfg.encoding or "").lower() or None
    legacy = enc if enc in encmod.LEGACY_ENCODINGS else None
    read_encoding = "ISO-8859-1" if legacy else enc
    engine = cfg.engine if cfg.engine in ("pyogrio", "fiona") else "pyogrio"
    offline = gdal_offline()
    try:
        if not _content_is(kind, path, inner, cfg.limits, report):
            return None
        if not _opened_as(kind, source, lcfg.layer, read_encoding, fname, cfg.limits, report):
            return None
        frame = _read_vector(
            source, lcfg.layer, read_encoding, engine, arrow=kind in (".gpkg", ".geojson", ".json"), offline=offline
        )
    except UnicodeDecodeError:
        # GDAL's plain path stops at the first bad byte: read the bytes as they are to name the rows
        try:
            frame = _read_vector(source, lcfg.layer, "ISO-8859-1", engine, arrow=False, offline=offline)
        except Exception:  # noqa: BLE001 — not even as bytes: the file is unreadable
            report.error("bad_text", fname, *_not_utf8())
            return None
        frame = _valid_text(frame, fname, report, as_latin1=True)
    except Exception as exc:  # noqa: BLE001 — GDAL raises many types; all mean "unreadable"
        msg = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        msg = quote(msg, 200)[1:-1]
        report.error(
            "unreadable",
            fname,
            f"Không đọc được tệp ({msg}) / Cannot read the file ({msg})",
            "Kiểm tra tệp có đúng định dạng theo đuôi tên không (mở thử bằng QGIS), chép lại từ "
            "bản gốc nếu bị hỏng / Check the file is what its extension says (try QGIS); copy it "
            "again if it is damaged.",
        )
        return None
    frame = _valid_text(frame, fname, report)
    frame.columns = [str(c).strip() if c != "geometry" else c for c in frame.columns]
    if legacy:
        frame = encmod.convert_frame(frame, legacy)
    elif enc is None:
        detected = encmod.detect_legacy(_texts(frame))
        if detected:
            _legacy_warning(report, fname, detected)
            frame = encmod.convert_frame(frame, detected)
    override = lcfg.crs or None
    default = cfg.crs if frame.crs is None else None
    configured = override or default
    try:
        resolution = crsmod.resolve_crs(frame.crs, configured, frame.total_bounds)
    except crsmod.AmbiguousZoneError as exc:
        report.error("ambiguous_crs_zone", fname, f"Lớp {name}: {exc.message}", exc.fix)
        return None
    except ValueError as exc:
        report.error(
            "bad_crs",
            "workspace.toml",
            f"Không hiểu hệ tọa độ khai báo cho lớp {name}: {exc} / Cannot understand the CRS given for layer {name}",
            'Ghi dạng "VN-2000 / Lang Son", "EPSG:9215" hoặc chuỗi PROJ/WKT / '
            'Write e.g. "VN-2000 / Lang Son", "EPSG:9215" or a PROJ/WKT string.',
            setting=f"[layers.{name}] crs" if override else "[workspace] crs",
        )
        return RawLayer(frame, fname, spatial=True, encoding=legacy or enc, georeferenced=False)
    if resolution.issue == "missing":
        report.error(
            "no_crs",
            fname,
            "Tệp không có hệ tọa độ (thiếu .prj hoặc SRS) / The file has no coordinate reference "
            "system (no .prj or SRS)",
            f"Chép tệp .prj đi kèm từ bản gốc, hoặc khai báo trong workspace.toml: "
            f'[layers.{name}] crs = "VN-2000 / Lang Son" (đúng tỉnh) / Copy the .prj from the '
            "source, or declare the CRS in workspace.toml.",
        )
        # kept, so that its columns and values are still checked in the same run
        return RawLayer(frame, fname, spatial=True, encoding=legacy or enc, georeferenced=False)
    if resolution.issue == "assumed_vn2000":
        report.warning(
            "prj_wgs84_read_as_vn2000",
            fname,
            f"Tệp .prj ghi múi chiếu TM-3 của Việt Nam trên datum WGS 84 — gần như chắc chắn là "
            f"VN-2000 lưu sai; đã đọc là {resolution.detail} / The .prj says a Vietnamese TM-3 zone "
            f"on the WGS 84 datum — almost surely VN-2000 saved wrongly; read as {resolution.detail}",
            f'Nếu thật sự là WGS 84, khai báo [layers.{name}] crs = "…" trong workspace.toml; '
            "nếu đúng là VN-2000, sửa .prj cho khỏi cảnh báo / If it really is WGS 84, declare the "
            "CRS in workspace.toml; otherwise fix the .prj to silence this.",
        )
    if resolution.former and configured:  # a zone chosen within the merged province the setting names
        report.warning("crs_zone_of_former_province", fname, *resolution.zone_choice(name, configured))
    frame = frame.set_crs(resolution.crs, allow_override=True)
    return RawLayer(frame, fname, spatial=True, encoding=legacy or enc)


def _not_utf8(where: str = "") -> tuple[str, str]:
    where = f" ({where})" if where else ""
    return (
        f"Chữ trong tệp không phải UTF-8{where} — tệp bị hỏng hoặc ghi bằng bảng mã khác / "
        f"Text in the file is not valid UTF-8{where} — the file is damaged or in another encoding",
        "Mở bằng QGIS, sửa các ô chữ lỗi rồi lưu lại (GeoPackage/GeoJSON luôn là UTF-8); với shapefile, "
        'khai báo encoding = "tcvn3" / "vni" / "cp1258" trong workspace.toml / Open it in QGIS, fix '
        "the broken text and save again (GeoPackage and GeoJSON are always UTF-8); for a shapefile, declare "
        "its encoding in workspace.toml.",
    )


def _valid_text(frame: gpd.GeoDataFrame, fname: str, report: Report, as_latin1: bool = False) -> gpd.GeoDataFrame:
    """Text columns checked for invalid UTF-8, which GDAL's Arrow path hands over unchecked.

    Each column with broken text is an error naming its features; the broken
    bytes become U+FFFD so the rest of the file is still checked. With
    ``as_latin1`` the frame was read as ISO-8859-1 to get at the bytes: every
    text column is decoded again as UTF-8.
    """
    import pyarrow as pa

    for col in frame.columns:
        if col == "geometry":
            continue
        arr = getattr(frame[col].array, "_pa_array", None)
        if as_latin1:
            if not (frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col])):
                continue
            raw = [v.encode("latin-1") if isinstance(v, str) else None for v in frame[col]]
        elif arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            continue
        else:
            try:
                arr.validate(full=True)
                continue
            except pa.ArrowInvalid:
                raw = arr.cast(pa.large_binary()).to_pylist()
        bad = [i + 1 for i, b in enumerate(raw) if b is not None and not _is_utf8(b)]
        if not bad:
            frame[col] = pd.Series(
                [None if b is None else b.decode("utf-8") for b in raw], index=frame.index, dtype=object
            )
            continue
        report.error("bad_text", fname, *_not_utf8(), rows=bad, column=str(col), row_kind="feature")
        frame[col] = pd.Series(
            [None if b is None else b.decode("utf-8", "replace") for b in raw], index=frame.index, dtype=object
        )
    return frame


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _wrong_format(report: Report, fname: str, kind: str, found: str | None = None) -> None:
    what = FORMAT_NAME.get(kind, kind)
    seen = f" (GDAL: {quote(found)[1:-1]})" if found else ""
    report.error(
        "wrong_format",
        fname,
        f"Nội dung tệp không phải {what} như đuôi tên “{kind}” cho biết{seen} — không đọc / The file's "
        f"content is not {what} as its extension “{kind}” says{seen} — not read",
        f"Lưu lại tệp đúng định dạng {what} (trong QGIS: Xuất → Lưu đối tượng thành {what}) / Save it "
        f"again as {what} (in QGIS: Export → Save Features As {what}).",
    )


def _content_is(kind: str, path: Path, inner: str | None, limits: Limits, report: Report) -> bool:
    """The first bytes are the format the extension names (checked before GDAL sees the file).

    GDAL opens a file by its content: an OGR VRT (XML naming other files and
    URLs) saved as ``.geojson`` would be opened as a VRT. A GeoJSON must start
    with ``{``, a GeoPackage with SQLite's header (a shapefile's header is
    checked by :func:`_shp_header_ok`). A GeoJSON's features are counted here
    as a stream, faster than GDAL can.
    """
    if kind not in (".gpkg", ".geojson", ".json"):
        return True

    with contextlib.ExitStack() as stack:
        fh: IO[bytes]
        if inner is None:
            fh = stack.enter_context(open(path, "rb"))
        else:
            fh = stack.enter_context(stack.enter_context(zipfile.ZipFile(path)).open(inner))
        head = fh.read(4096)
        if kind == ".gpkg":
            ok = head.startswith(b"SQLite format 3\x00")
        else:
            ok = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{"
        if not ok:
            _wrong_format(report, path.name, kind)
            return False
        if kind != ".gpkg":
            features = _count_tokens(_Prefixed(head, fh), (b'"Feature"',))
            if features > limits.max_features:
                _too_large_features(report, path.name, features, limits)
                return False
    return True


def _too_large_features(report: Report, fname: str, features: int, limits: Limits) -> None:
    _too_large(
        report,
        fname,
        "max_features",
        "Số đối tượng của lớp",
        "The layer's features",
        f"{fmt_number(features)} đối tượng/features",
        f"{fmt_number(limits.max_features)}",
    )


def _opened_as(
    kind: str, source: str, layer: str | None, encoding: str | None, fname: str, limits: Limits, report: Report
) -> bool:
    """GDAL opens the file with the driver its extension names, and its feature count is within the limit."""
    import pyogrio

    kwargs = {"layer": layer} if layer else {}
    if encoding:
        kwargs["encoding"] = encoding
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        info = pyogrio.read_info(source, force_feature_count=True, **kwargs)
    if info.get("driver") != EXPECTED_DRIVER.get(kind):
        _wrong_format(report, fname, kind, info.get("driver"))
        return False
    features = int(info.get("features") or 0)
    if features > limits.max_features:
        _too_large_features(report, fname, features, limits)
        return False
    return True


def _read_vector(
    source: str,
    layer: str | None,
    encoding: str | None,
    engine: str,
    arrow: bool,
    offline: dict[str, str] | None = None,
) -> gpd.GeoDataFrame:
    # Arrow only for formats that are UTF-8 by definition: GDAL's Arrow path hands a
    # shapefile's legacy-encoded DBF text over undecoded.
    kwargs = {}
    if layer:
        kwargs["layer"] = layer
    if encoding:
        kwargs["encoding"] = encoding
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if engine == "fiona":
            import fiona

            with fiona.Env(**(offline or GDAL_OFFLINE)):  # fiona carries its own GDAL
                return gpd.read_file(source, engine="fiona", **kwargs)
        import pyogrio

        if arrow:
            try:
                return pyogrio.read_dataframe(source, use_arrow=True, **kwargs)
            except Exception:  # noqa: BLE001 — Arrow path unsupported for this file: plain path
                pass
        return pyogrio.read_dataframe(source, use_arrow=False, **kwargs)


def _zip_source(path: Path, lcfg: LayerConfig, report: Report) -> tuple[str, str] | None:
    """The GDAL path of the layer inside a zip and its member's name; None (the problem reported) where none."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        report.error(
            "bad_zip",
            path.name,
            "Tệp .zip bị hỏng hoặc không phải tệp nén / The .zip file is damaged or not a zip",
            "Nén lại các tệp shapefile (.shp, .shx, .dbf, .prj) / Zip the shapefile parts again.",
        )
        return None
    shps = [n for n in names if n.lower().endswith(".shp")]
    if lcfg.layer:
        shps = [n for n in shps if Path(n).stem.lower() == lcfg.layer.lower()] or shps
    if not shps:
        gpkg = [n for n in names if n.lower().endswith((".gpkg", ".geojson"))]
        if gpkg:
            return f"/vsizip/{path}/{gpkg[0]}", gpkg[0]
        report.error(
            "bad_zip",
            path.name,
            "Tệp .zip không chứa shapefile (.shp) / The .zip holds no shapefile (.shp)",
            "Nén cả .shp, .shx, .dbf và .prj vào một tệp .zip / Zip .shp, .shx, .dbf and .prj together.",
        )
        return None
    if len(shps) > 1 and not lcfg.layer:
        report.warning(
            "several_files",
            path.name,
            f"Tệp .zip có nhiều shapefile; dùng {shps[0]} / The zip holds several shapefiles; using {shps[0]}",
            'Khai báo layer = "tên" trong workspace.toml / Name one with layer = … in workspace.toml.',
        )
    return f"/vsizip/{path}/{shps[0]}", shps[0]


def _shp_header_ok(name: str, head: bytes, size: int, report: Report, label: str) -> bool:
    if len(head) < 100 or struct.unpack(">i", head[:4])[0] != 9994:
        report.error(
            "bad_shapefile",
            name,
            f"{label} không phải shapefile hợp lệ (sai phần đầu tệp) / {label} is not a valid shapefile (bad header)",
            "Chép lại bộ tệp shapefile từ bản gốc / Copy the shapefile set again from its source.",
        )
        return False
    declared = struct.unpack(">i", head[24:28])[0] * 2
    if size < declared:
        report.error(
            "truncated",
            name,
            f"{label} bị cắt cụt: phần đầu ghi {declared} byte nhưng tệp chỉ có {size} byte (tệp "
            f"chép dở?) / {label} is truncated: its header says {declared} bytes but it has {size}",
            "Chép lại tệp đầy đủ từ bản gốc / Copy the complete file again from its source.",
        )
        return False
    return True


def _shp_complete(path: Path, report: Report) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not _shp_header_ok(path.name, head, path.stat().st_size, report, path.name):
        return False
    shx = next((p for p in path.parent.glob(path.stem + ".*") if p.suffix.lower() == ".shx"), None)
    dbf = next((p for p in path.parent.glob(path.stem + ".*") if p.suffix.lower() == ".dbf"), None)
    if shx is None or dbf is None:
        what = ".shx" if shx is None else ".dbf"
        report.error(
            "missing_sidecar",
            path.name,
            f"Thiếu tệp {path.stem}{what} đi kèm shapefile / The shapefile's {what} file is missing",
            f"Chép cả {path.stem}.shp, .shx, .dbf, .prj vào thư mục / Copy all parts of the shapefile.",
        )
        return False
    with open(shx, "rb") as fh:
        if not _shp_header_ok(shx.name, fh.read(100), shx.stat().st_size, report, shx.name):
            return False
    return _dbf_complete(dbf.name, dbf.read_bytes()[:32], dbf.stat().st_size, report)


def _dbf_complete(name: str, head: bytes, size: int, report: Report) -> bool:
    if len(head) < 12:
        report.error(
            "truncated",
            name,
            "Tệp .dbf bị cắt cụt / The .dbf file is truncated",
            "Chép lại tệp đầy đủ từ bản gốc / Copy the complete file again.",
        )
        return False
    records, header_len, record_len = struct.unpack("<IHH", head[4:12])
    needed = header_len + records * record_len
    if size < needed:
        report.error(
            "truncated",
            name,
            f"Tệp .dbf bị cắt cụt: cần {needed} byte cho {records} bản ghi nhưng chỉ có {size} / "
            f"The .dbf is truncated: {records} records need {needed} bytes, it has {size}",
            "Chép lại tệp đầy đủ từ bản gốc / Copy the complete file again from its source.",
        )
        return False
    return True


def _shp_complete_in_zip(path: Path, inner: str | None, report: Report) -> bool:
    if inner is None:
        return True
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(inner)
        with zf.open(info) as fh:
            head = fh.read(100)
        if not _shp_header_ok(path.name, head, info.file_size, report, inner):
            return False
        stem = inner[:-4]
        dbfs = [n for n in zf.namelist() if n.lower() == (stem + ".dbf").lower()]
        if dbfs:
            dinfo = zf.getinfo(dbfs[0])
            with zf.open(dinfo) as fh:
                return _dbf_complete(path.name, fh.read(32), dinfo.file_size, report)
    return True
