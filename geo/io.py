"""Find a workspace's layer files and read them, whatever their format.

Formats: GeoPackage, shapefile (also inside a ``.zip``), GeoJSON, CSV (UTF-8
with or without BOM) and XLSX. Files are found by stem, case-insensitively,
unless ``workspace.toml`` names them. Spatial files are read with pyogrio
(Arrow where it works), or fiona where the workspace asks for it; their CRS
is resolved by :mod:`geo.crs`, legacy Vietnamese text converted by
:mod:`geo.encoding`. Anything that cannot be read becomes a problem, never an
exception. Nothing is written.
"""

from __future__ import annotations

import io as _io
import struct
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import crs as crsmod
from . import encoding as encmod
from .config import LayerConfig, WorkspaceConfig
from .problems import Report

SPATIAL_EXT = (".gpkg", ".shp", ".zip", ".geojson", ".json")
TABLE_EXT = (".csv", ".xlsx")
EXTENSIONS = SPATIAL_EXT + TABLE_EXT


@dataclass
class RawLayer:
    """A layer as read: its frame (all text, or Excel cell values), file and kind."""

    frame: pd.DataFrame
    file: str
    spatial: bool
    encoding: str | None = None
    georeferenced: bool = True  # False: a spatial file whose CRS is missing or unusable (already an error)


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
        if not path.is_file():
            report.error(
                "missing_file", "workspace.toml",
                f"Tệp “{configured}” khai báo cho lớp {name} không tồn tại / "
                f"The file “{configured}” given for layer {name} does not exist",
                "Sửa tên tệp trong [layers." + name + "] file = … hoặc chép tệp vào thư mục / "
                "Correct the file name or copy the file into the folder.",
            )
            return None
        return path
    candidates = [
        p for p in sorted(folder.iterdir())
        if p.is_file() and p.stem.lower() == name and p.suffix.lower() in EXTENSIONS
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda p: EXTENSIONS.index(p.suffix.lower()))
    if len(candidates) > 1:
        report.warning(
            "several_files", candidates[0].name,
            f"Có nhiều tệp cho lớp {name}: {', '.join(p.name for p in candidates)}; dùng "
            f"{candidates[0].name} / Several files for layer {name}; using {candidates[0].name}",
            f"Xóa hoặc đổi tên tệp thừa, hoặc khai báo [layers.{name}] file = … trong "
            "workspace.toml / Remove the extra files or name one in workspace.toml.",
        )
    return candidates[0]


def read_layer(
    path: Path, name: str, cfg: WorkspaceConfig, report: Report, spatial_required: bool
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
            "empty_file", fname,
            "Tệp rỗng (0 byte) / The file is empty (0 bytes)",
            "Chép lại tệp từ bản gốc, hoặc xóa tệp nếu không dùng lớp này / "
            "Copy the file again from its source, or remove it if the layer is not used.",
        )
        return None
    if ext in TABLE_EXT:
        if spatial_required:
            report.error(
                "not_spatial", fname,
                f"Lớp {name} phải có hình (vùng), nhưng {ext} là bảng / "
                f"Layer {name} needs polygons, but a {ext} file is a table",
                "Dùng GeoPackage, shapefile hoặc GeoJSON / Use a GeoPackage, shapefile or GeoJSON.",
            )
            return None
        frame = _read_table(path, lcfg, report)
        if frame is None:
            return None
        return RawLayer(frame, fname, spatial=False)
    return _read_spatial(path, name, cfg, lcfg, report)


# --------------------------------------------------------------------------- tables


def _read_table(path: Path, lcfg: LayerConfig, report: Report) -> pd.DataFrame | None:
    fname = path.name
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, lcfg, report)
    raw = path.read_bytes()
    enc = (lcfg.encoding or "utf-8-sig").lower()
    legacy = enc if enc in encmod.LEGACY_ENCODINGS else None
    try:
        text = raw.decode("latin-1" if legacy else ("utf-8-sig" if enc in ("utf-8", "utf8") else enc))
    except LookupError:
        report.error("bad_encoding", "workspace.toml",
                     f"Không biết bảng mã “{lcfg.encoding}” / Unknown encoding “{lcfg.encoding}”",
                     "Dùng tcvn3, vni, utf-8, cp1258 … / Use tcvn3, vni, utf-8, cp1258 …")
        return None
    except UnicodeDecodeError as exc:
        # not UTF-8: an old spreadsheet's TCVN3/VNI export is read as such (with a warning)
        surface = raw.decode("latin-1")
        legacy = encmod.detect_legacy(surface.splitlines()[:2000])
        if legacy is None:
            line = raw[: exc.start].count(b"\n") + 1
            report.error(
                "not_utf8", fname,
                f"Tệp CSV không phải UTF-8 (byte lạ ở dòng {line}) / The CSV file is not UTF-8 "
                f"(unexpected byte on line {line})",
                "Trong Excel chọn Lưu thành “CSV UTF-8”, hoặc khai báo encoding = \"tcvn3\" / \"vni\" / "
                "\"cp1258\" trong workspace.toml / Save as “CSV UTF-8” in Excel, or declare the encoding.",
            )
            return None
        _legacy_warning(report, fname, legacy)
        text = surface
    if "\x00" in text[:4096]:
        report.error(
            "not_csv", fname,
            "Tệp có đuôi .csv nhưng không phải văn bản CSV / The .csv file is not CSV text",
            "Lưu lại tệp dạng CSV UTF-8 từ Excel / Save it again as CSV UTF-8.",
        )
        return None
    first = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=first.count)
    try:
        frame = pd.read_csv(
            _io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""],
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        report.error(
            "bad_csv", fname,
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


def _read_xlsx(path: Path, lcfg: LayerConfig, report: Report) -> pd.DataFrame | None:
    """Read one sheet with calamine (Rust; ~30× faster than openpyxl on 80,000 rows)."""
    from python_calamine import CalamineWorkbook

    fname = path.name
    not_a_workbook = (
        "Tệp có đuôi .xlsx nhưng không phải sổ tính Excel (có thể là .xls cũ, CSV hoặc tệp "
        "hỏng) / The .xlsx file is not an Excel workbook (an old .xls, a CSV or a damaged file?)",
        "Mở bằng Excel và Lưu thành “Excel Workbook (.xlsx)” / "
        "Open it in Excel and save as “Excel Workbook (.xlsx)”.",
    )
    if not zipfile.is_zipfile(path):
        report.error("bad_workbook", fname, *not_a_workbook)
        return None
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except Exception:  # noqa: BLE001 — calamine's errors all mean "not a readable workbook"
        report.error("bad_workbook", fname, *not_a_workbook)
        return None
    sheet = lcfg.sheet
    if sheet is None:
        chosen = names[0] if names else None
    elif isinstance(sheet, int):
        chosen = names[sheet] if 0 <= sheet < len(names) else None
    else:
        chosen = next((n for n in names if n.strip().lower() == str(sheet).strip().lower()), None)
    if chosen is None:
        report.error(
            "missing_sheet", fname,
            f"Không có trang tính “{sheet}”; có: {', '.join(names)} / "
            f"No sheet “{sheet}”; the workbook has: {', '.join(names)}",
            "Sửa sheet = … trong workspace.toml / Correct sheet = … in workspace.toml.",
        )
        return None
    try:
        rows = book.get_sheet_by_name(chosen).to_python()
    except Exception:  # noqa: BLE001
        report.error("bad_workbook", fname, *not_a_workbook)
        return None
    while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
        rows.pop()
    if not rows:
        report.error(
            "empty_file", fname,
            "Trang tính không có dữ liệu (không có dòng tiêu đề) / The sheet has no header row",
            "Dòng 1 phải là tiêu đề cột, dữ liệu từ dòng 2 / Row 1 must hold the headers.",
        )
        return None
    width = max(len(r) for r in rows)
    header = [("" if h is None else str(h).strip()) for h in rows[0]] + [""] * (width - len(rows[0]))
    header = [h if h else f"_col{i + 1}" for i, h in enumerate(header)]
    frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows[1:]], columns=header, dtype=object)
    return frame.replace("", None)


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
        "legacy_encoding", fname,
        f"Chữ trong tệp dùng bảng mã cũ {detected.upper()}; đã chuyển sang Unicode khi đọc / "
        f"Text is in the legacy {detected.upper()} encoding; converted to Unicode when reading",
        f"Nếu chữ hiển thị sai, khai báo encoding = \"{detected}\" (hoặc bảng mã đúng) trong "
        "workspace.toml / If text looks wrong, declare the right encoding in workspace.toml.",
    )


# --------------------------------------------------------------------------- spatial


def _read_spatial(
    path: Path, name: str, cfg: WorkspaceConfig, lcfg: LayerConfig, report: Report
) -> RawLayer | None:
    fname = path.name
    ext = path.suffix.lower()
    source: str = str(path)
    if ext == ".zip":
        source, inner = _zip_source(path, lcfg, report)
        if source is None:
            return None
        if not _shp_complete_in_zip(path, inner, report):
            return None
    elif ext == ".shp" and not _shp_complete(path, report):
        return None
    enc = (lcfg.encoding or "").lower() or None
    legacy = enc if enc in encmod.LEGACY_ENCODINGS else None
    read_encoding = "ISO-8859-1" if legacy else enc
    engine = cfg.engine if cfg.engine in ("pyogrio", "fiona") else "pyogrio"
    try:
        frame = _read_vector(source, lcfg.layer, read_encoding, engine,
                             arrow=ext in (".gpkg", ".geojson", ".json"))
    except UnicodeDecodeError:
        # GDAL's plain path stops at the first bad byte: read the bytes as they are to name the rows
        try:
            frame = _read_vector(source, lcfg.layer, "ISO-8859-1", engine, arrow=False)
        except Exception:  # noqa: BLE001 — not even as bytes: the file is unreadable
            report.error("bad_text", fname, *_not_utf8())
            return None
        frame = _valid_text(frame, fname, report, as_latin1=True)
    except Exception as exc:  # noqa: BLE001 — GDAL raises many types; all mean "unreadable"
        msg = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        report.error(
            "unreadable", fname,
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
    try:
        resolution = crsmod.resolve_crs(frame.crs, override or default, frame.total_bounds)
    except crsmod.AmbiguousZoneError as exc:
        report.error("ambiguous_crs_zone", fname, f"Lớp {name}: {exc.message}", exc.fix)
        return None
    except ValueError as exc:
        report.error(
            "bad_crs", "workspace.toml",
            f"Không hiểu hệ tọa độ khai báo cho lớp {name}: {exc} / "
            f"Cannot understand the CRS given for layer {name}",
            "Ghi dạng \"VN-2000 / Lang Son\", \"EPSG:9215\" hoặc chuỗi PROJ/WKT / "
            "Write e.g. \"VN-2000 / Lang Son\", \"EPSG:9215\" or a PROJ/WKT string.",
            setting=f"[layers.{name}] crs" if override else "[workspace] crs",
        )
        return RawLayer(frame, fname, spatial=True, encoding=legacy or enc, georeferenced=False)
    if resolution.issue == "missing":
        report.error(
            "no_crs", fname,
            "Tệp không có hệ tọa độ (thiếu .prj hoặc SRS) / The file has no coordinate reference "
            "system (no .prj or SRS)",
            f"Chép tệp .prj đi kèm từ bản gốc, hoặc khai báo trong workspace.toml: "
            f"[layers.{name}] crs = \"VN-2000 / Lang Son\" (đúng tỉnh) / Copy the .prj from the "
            "source, or declare the CRS in workspace.toml.",
        )
        # kept, so that its columns and values are still checked in the same run
        return RawLayer(frame, fname, spatial=True, encoding=legacy or enc, georeferenced=False)
    if resolution.issue == "assumed_vn2000":
        report.warning(
            "prj_wgs84_read_as_vn2000", fname,
            f"Tệp .prj ghi múi chiếu TM-3 của Việt Nam trên datum WGS 84 — gần như chắc chắn là "
            f"VN-2000 lưu sai; đã đọc là {resolution.detail} / The .prj says a Vietnamese TM-3 zone "
            f"on the WGS 84 datum — almost surely VN-2000 saved wrongly; read as {resolution.detail}",
            f"Nếu thật sự là WGS 84, khai báo [layers.{name}] crs = \"…\" trong workspace.toml; "
            "nếu đúng là VN-2000, sửa .prj cho khỏi cảnh báo / If it really is WGS 84, declare the "
            "CRS in workspace.toml; otherwise fix the .prj to silence this.",
        )
    if resolution.former:
        report.warning("crs_zone_of_former_province", fname, *resolution.zone_choice(name, override or default))
    frame = frame.set_crs(resolution.crs, allow_override=True)
    return RawLayer(frame, fname, spatial=True, encoding=legacy or enc)


def _not_utf8(where: str = "") -> tuple[str, str]:
    where = f" ({where})" if where else ""
    return (
        f"Chữ trong tệp không phải UTF-8{where} — tệp bị hỏng hoặc ghi bằng bảng mã khác / "
        f"Text in the file is not valid UTF-8{where} — the file is damaged or in another encoding",
        "Mở bằng QGIS, sửa các ô chữ lỗi rồi lưu lại (GeoPackage/GeoJSON luôn là UTF-8); với shapefile, "
        "khai báo encoding = \"tcvn3\" / \"vni\" / \"cp1258\" trong workspace.toml / Open it in QGIS, fix "
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
            frame[col] = pd.Series([None if b is None else b.decode("utf-8") for b in raw],
                                   index=frame.index, dtype=object)
            continue
        report.error("bad_text", fname, *_not_utf8(), rows=bad, column=str(col),
                     row_kind="feature")
        frame[col] = pd.Series([None if b is None else b.decode("utf-8", "replace") for b in raw],
                               index=frame.index, dtype=object)
    return frame


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_vector(
    source: str, layer: str | None, encoding: str | None, engine: str, arrow: bool
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
            return gpd.read_file(source, engine="fiona", **kwargs)
        import pyogrio

        if arrow:
            try:
                return pyogrio.read_dataframe(source, use_arrow=True, **kwargs)
            except Exception:  # noqa: BLE001 — Arrow path unsupported for this file: plain path
                pass
        return pyogrio.read_dataframe(source, use_arrow=False, **kwargs)


def _zip_source(path: Path, lcfg: LayerConfig, report: Report) -> tuple[str | None, str | None]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        report.error(
            "bad_zip", path.name,
            "Tệp .zip bị hỏng hoặc không phải tệp nén / The .zip file is damaged or not a zip",
            "Nén lại các tệp shapefile (.shp, .shx, .dbf, .prj) / Zip the shapefile parts again.",
        )
        return None, None
    shps = [n for n in names if n.lower().endswith(".shp")]
    if lcfg.layer:
        shps = [n for n in shps if Path(n).stem.lower() == lcfg.layer.lower()] or shps
    if not shps:
        gpkg = [n for n in names if n.lower().endswith((".gpkg", ".geojson"))]
        if gpkg:
            return f"/vsizip/{path}/{gpkg[0]}", None
        report.error(
            "bad_zip", path.name,
            "Tệp .zip không chứa shapefile (.shp) / The .zip holds no shapefile (.shp)",
            "Nén cả .shp, .shx, .dbf và .prj vào một tệp .zip / Zip .shp, .shx, .dbf and .prj together.",
        )
        return None, None
    if len(shps) > 1 and not lcfg.layer:
        report.warning(
            "several_files", path.name,
            f"Tệp .zip có nhiều shapefile; dùng {shps[0]} / The zip holds several shapefiles; using {shps[0]}",
            "Khai báo layer = \"tên\" trong workspace.toml / Name one with layer = … in workspace.toml.",
        )
    return f"/vsizip/{path}/{shps[0]}", shps[0]


def _shp_header_ok(name: str, head: bytes, size: int, report: Report, label: str) -> bool:
    if len(head) < 100 or struct.unpack(">i", head[:4])[0] != 9994:
        report.error(
            "bad_shapefile", name,
            f"{label} không phải shapefile hợp lệ (sai phần đầu tệp) / {label} is not a valid "
            "shapefile (bad header)",
            "Chép lại bộ tệp shapefile từ bản gốc / Copy the shapefile set again from its source.",
        )
        return False
    declared = struct.unpack(">i", head[24:28])[0] * 2
    if size < declared:
        report.error(
            "truncated", name,
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
    for part, what in ((shx, ".shx"), (dbf, ".dbf")):
        if part is None:
            report.error(
                "missing_sidecar", path.name,
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
        report.error("truncated", name, "Tệp .dbf bị cắt cụt / The .dbf file is truncated",
                     "Chép lại tệp đầy đủ từ bản gốc / Copy the complete file again.")
        return False
    records, header_len, record_len = struct.unpack("<IHH", head[4:12])
    needed = header_len + records * record_len
    if size < needed:
        report.error(
            "truncated", name,
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
