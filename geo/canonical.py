"""Turn a layer as read into its canonical form.

Columns are matched to the contract's names and aliases (see
:mod:`geo.schema`), values are parsed (dates day-first, numbers with comma
decimals, enumerations by key, Vietnamese label or alias), and every value
that cannot be read becomes a problem naming the file, rows and column.
Text is made safe here, once, for every format: control characters and
bidirectional overrides are dropped (:mod:`geo.text`), and values longer
than :data:`TEXT_LIMITS` allows are cut, each with a warning naming the
rows. Nothing here touches the disk.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

import numpy as np
import pandas as pd

from .problems import Report
from .schema import Column, Enum, Layer, normalize_name
from .text import UNSAFE, has_unsafe, quote, shorten, strip_unsafe

EXCEL_EPOCH = pd.Timestamp("1899-12-30")

TEXT_LIMITS: dict[str, int] = {
    "*": 500,  # every text column: ids, codes, names of hamlets, households, projects, officers …
    "note": 5_000,  # field_reports.note: a field report of about two pages
}
"""The longest text value kept, in characters, by canonical column ("*": all others).

A longer value is cut to the limit (ending in "…") with a warning naming the
file, column and rows: a 100,000-character name would take a map export
half a minute and Excel cuts cells at 32,767 characters without a word.
"""


def text_limit(column: str) -> int:
    """The longest value kept in canonical text column ``column`` (see :data:`TEXT_LIMITS`).

    Example
    -------
    >>> text_limit("household_name"), text_limit("note")
    (500, 5000)
    """
    return TEXT_LIMITS.get(column, TEXT_LIMITS["*"])


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+)?\s*$")
_YMD_SLASH = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\s*$")


def _parse_one_date(value: object) -> pd.Timestamp | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return pd.Timestamp(value).normalize()
    if isinstance(value, date):
        return pd.Timestamp(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        # an Excel serial day number (1 = 1900-01-01), plausible range 1960–2100
        if 21916 <= float(value) <= 73050:
            return EXCEL_EPOCH + pd.Timedelta(days=int(value))
        return pd.NaT
    text = str(value).strip()
    if not text:
        return None
    for pattern, order in ((_ISO, "ymd"), (_DAY_FIRST, "dmy"), (_YMD_SLASH, "ymd")):
        m = pattern.match(text)
        if m:
            a, b, c = (int(g) for g in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return pd.Timestamp(year=y, month=mo, day=d)
            except ValueError:
                return pd.NaT
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _parse_one_date(float(text))
    return pd.NaT


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse dates: ISO, Excel cells or serials, and day-first ``dd/mm/yyyy``.

    A day-first string is never read month-first: ``03/04/2026`` is 3 April.

    Parameters
    ----------
    values : pandas.Series
        Strings, datetimes or Excel serial numbers.

    Returns
    -------
    pandas.Series
        ``datetime64`` values; ``NaT`` where blank *or* unreadable. Tell the two
        apart with :func:`unreadable`.

    Example
    -------
    >>> parse_dates(pd.Series(["2026-11-20", "03/04/2026", ""])).dt.strftime("%d/%m/%Y").tolist()
    ['20/11/2026', '03/04/2026', nan]
    """
    return _dates(Distinct(values))


_MONTHS_EN = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_error(value: object) -> str | None:
    """Why ``value`` is no date, in words (Vietnamese / English); None where it is one, or blank.

    A day-first date that does not exist is named as such, not as a wrong format.

    Example
    -------
    >>> date_error("31/02/2026").split(" / ")[1]
    'there is no 31 February 2026 (February 2026 has 28 days)'
    >>> date_error("20/11/2026") is None
    True
    """
    reason = _date_reason(value)
    return None if reason is None else " / ".join(reason)


def _date_reason(value: object) -> tuple[str, str] | None:
    parsed = _parse_one_date(value)
    if parsed is None or not pd.isna(parsed):
        return None
    text = str(value).strip()
    specific = _calendar_reason(value)
    if specific is not None:
        return specific
    return (
        f"“{text}” không phải ngày; ghi ngày/tháng/năm (20/11/2026) hoặc 2026-11-20",
        f"“{text}” is not a date; write dd/mm/yyyy (20/11/2026) or yyyy-mm-dd",
    )


def _calendar_reason(value: object) -> tuple[str, str] | None:
    """The reason a value written like a date is none (no 31 February, no month 13), else None."""
    text = str(value).strip()
    for pattern, order in ((_ISO, "ymd"), (_DAY_FIRST, "dmy"), (_YMD_SLASH, "ymd")):
        m = pattern.match(text)
        if not m:
            continue
        a, b, c = (int(g) for g in m.groups())
        y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
        if not 1 <= mo <= 12:
            vi, en = f"không có tháng {mo}", f"there is no month {mo}"
            if order == "dmy" and 1 <= d <= 12 and mo <= 31:
                vi += f" (ngày viết ngày/tháng/năm: có phải {mo:02d}/{d:02d}/{y}?)"
                en += f" (dates are day first: did you mean {mo:02d}/{d:02d}/{y}?)"
            return vi, en
        last = calendar.monthrange(y, mo)[1] if 1 <= y <= 9999 else 31
        if not 1 <= d <= last:
            return (
                f"không có ngày {d} tháng {mo} năm {y} (tháng {mo} năm {y} có {last} ngày)",
                f"there is no {d} {_MONTHS_EN[mo]} {y} ({_MONTHS_EN[mo]} {y} has {last} days)",
            )
        return f"năm {y} nằm ngoài phạm vi dùng được", f"the year {y} is out of range"
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return (
            f"số {value} không phải ngày (số ngày kiểu Excel chỉ nhận từ năm 1960 đến 2100)",
            f"the number {value} is not a date (Excel day numbers are read for 1960–2100)",
        )
    return None


def _dates(distinct: Distinct) -> pd.Series:
    """Each distinct value parsed and converted once, then spread over the rows by its code."""
    return distinct.map(_date_or_none, convert=_datetimes)


def _date_or_none(value: object) -> object:
    return None if _is_nan(value) else _parse_one_date(value)


def _datetimes(parsed: np.ndarray) -> np.ndarray:
    """Parsed dates (``None`` where blank or unreadable) as ``datetime64``, ``NaT`` for ``None``."""
    values = pd.Series(parsed, dtype=object)
    return pd.to_datetime(values.where(values.notna(), pd.NaT), errors="coerce").to_numpy()


def _is_nan(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT


_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3}){2,}$")


def _parse_one_number(value: object) -> float | None:
    if _is_nan(value):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    for suffix in ("m2", "m²", "đ", "đồng", "vnd", "VND"):
        if text.lower().endswith(suffix.lower()):
            text = text[: -len(suffix)]
    if not text:
        return None
    if _THOUSANDS_DOT.match(text):  # 1.250.000 (Vietnamese thousands)
        text = text.replace(".", "")
    elif _THOUSANDS_COMMA.match(text):  # 1,250,000
        text = text.replace(",", "")
    elif "," in text and "." in text:  # 1.250,5 or 1,250.5: the last one is the decimal mark
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")  # 360,0
    try:
        return float(text)
    except ValueError:
        return np.nan


def parse_numbers(values: pd.Series) -> pd.Series:
    """Parse numbers written as ``208.5``, ``360,0``, ``1.250.000`` or numbers.

    Returns
    -------
    pandas.Series
        float64; NaN where blank or unreadable (see :func:`unreadable`).

    Example
    -------
    >>> parse_numbers(pd.Series(["208.5", "360,0", "1.250.000", ""])).tolist()
    [208.5, 360.0, 1250000.0, nan]
    """
    return _numbers(Distinct(values))


def _numbers(distinct: Distinct) -> pd.Series:
    return distinct.map(_parse_one_number, convert=_floats)


def _floats(parsed: np.ndarray) -> np.ndarray:
    """Parsed numbers (``None`` where blank, NaN where unreadable) as float64, NaN for ``None``."""
    values = pd.Series(parsed, dtype=object)
    return pd.to_numeric(values.where(values.notna(), np.nan), errors="coerce").astype("float64").to_numpy()


def is_blank(values: pd.Series) -> pd.Series:
    """True where a raw value is missing or only whitespace."""
    return Distinct(values).flags(_blank_value, missing=True)


def _blank_value(v: object) -> bool:
    return isinstance(v, str) and v.strip() == ""


_UNITS = re.compile(r"\s*\([^()]*\)\s*$")


def header_key(text: object) -> str:
    """A header's comparison key: :func:`normalize_name` without a trailing unit in parentheses.

    Example
    -------
    >>> header_key("Diện tích thu hồi (m²)")
    'dientichthuhoi'
    """
    return normalize_name(_UNITS.sub("", str(text)))


def match_columns(layer: Layer, headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Map canonical column names to the file's headers.

    Parameters
    ----------
    layer : Layer
        The layer definition.
    headers : list of str
        The file's column names.
    overrides : dict, optional
        ``{canonical: header}`` from ``workspace.toml``; these win.

    Returns
    -------
    dict
        ``{canonical name: header in the file}`` for every column found.

    Example
    -------
    >>> from geo.schema import HOUSEHOLDS
    >>> match_columns(HOUSEHOLDS, ["Mã hộ", "BƯỚC"])
    {'household_id': 'Mã hộ', 'stage': 'BƯỚC'}
    """
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalize_name(h), h)
    for h in headers:  # a unit in parentheses is ignored: "Diện tích thu hồi (m²)"
        by_norm.setdefault(header_key(h), h)
    found: dict[str, str] = {}
    used: set[str] = set()
    overrides = overrides or {}
    for col in layer.columns:
        if col.name in overrides:
            header = by_norm.get(normalize_name(overrides[col.name]))
            if header is not None:
                found[col.name] = header
                used.add(header)
    # canonical names first, then aliases, so "ma_thua" never steals "parcel_id"
    for pass_aliases in (False, True):
        for col in layer.columns:
            if col.name in found:
                continue
            names = col.aliases if pass_aliases else (col.name,)
            for name in names:
                header = by_norm.get(normalize_name(name))
                if header is not None and header not in used:
                    found[col.name] = header
                    used.add(header)
                    break
    return found


def canonicalize(
    layer: Layer,
    frame: pd.DataFrame,
    file: str,
    report: Report,
    overrides: dict[str, str] | None = None,
    row_offset: int = 2,
    row_kind: str = "row",
    rows: np.ndarray | None = None,
) -> pd.DataFrame:
    """Rename, parse and check the columns of one layer.

    Parameters
    ----------
    layer : Layer
        The layer definition from :mod:`geo.schema`.
    frame : pandas.DataFrame
        The layer as read (all text, or Excel cell values). Not changed.
    file : str
        The file name, for problems.
    report : Report
        Receives missing columns, unreadable values and other spellings.
    overrides : dict, optional
        Column overrides from ``workspace.toml``.
    row_offset : int
        Added to the 0-based position to give the row a user sees
        (2 for a table with one header line, 1 for features).
    row_kind : {"row", "feature"}
    rows : numpy.ndarray, optional
        The row a user sees for each row of ``frame`` (a workbook's own row
        numbers, below its title block); where given, ``row_offset`` is unused.

    Returns
    -------
    pandas.DataFrame
        Canonical columns only (absent optional ones filled with NA), typed;
        a ``geometry`` column is kept as it is. The index is the 0-based
        position in the file.
    """
    mapping = match_columns(layer, [str(c) for c in frame.columns if c != "geometry"], overrides)
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))

    def rows_of(mask) -> list[int]:
        flags = pd.Series(mask).astype(object).fillna(False).astype(bool).to_numpy()
        if rows is not None:
            return np.asarray(rows)[np.flatnonzero(flags)].astype(int).tolist()
        return (np.flatnonzero(flags) + row_offset).tolist()

    for col in layer.columns:
        header = mapping.get(col.name)
        if header is None:
            if col.required:
                expected = ", ".join([col.name, *col.aliases])
                found = headers_found(frame)
                report.error(
                    "missing_column",
                    file,
                    f"Thiếu cột bắt buộc “{col.name}” ({col.label}); các cột có trong tệp: {found} / "
                    f"Required column “{col.name}” is missing; the file's headers are: {found}",
                    f"Thêm một cột tên là một trong: {expected}; hoặc khai báo tên cột trong "
                    f'workspace.toml [layers.{layer.name}.columns] {col.name} = "tên cột" / Add a column '
                    f"named one of: {expected}, or map your header in workspace.toml.",
                )
            out[col.name] = empty_column(col, out.index)
            continue
        raw = frame[header].reset_index(drop=True)
        out[col.name] = _parse_column(layer, col, raw, header, file, report, rows_of, row_kind)
    if "geometry" in frame.columns:
        out["geometry"] = frame["geometry"].to_numpy()
    return out


def check_canonical(layer: Layer, frame: pd.DataFrame, file: str, report: Report, rows: np.ndarray) -> None:
    """Check a layer already in canonical columns (a store's, as a change would leave it) as a file is checked.

    A store's rows come typed, from a file read earlier or from a form, an edit through the Python API:
    what no typing guarantees is checked again here — a blank in a required column, a value of a
    list column (stage, kind, status, mood …) that is no key of its list, a negative or fractional
    whole number — so a change that would leave such a row is refused like the file it could have come
    from. ``rows`` gives the row a user sees for each row of ``frame``.
    """
    for col in layer.columns:
        if col.name not in frame:
            continue
        values = frame[col.name]
        missing = values.isna().to_numpy(dtype=bool)
        if values.dtype == object:
            missing = missing | _blank_text(values)
        if col.required and missing.any():
            report.error(
                "missing_value",
                file,
                f"Ô trống ở cột bắt buộc “{col.name}” / Blank value in required column “{col.name}”",
                "Điền giá trị vào các ô này / Fill in these values.",
                rows=np.asarray(rows)[missing].astype(int).tolist(),
                column=col.name,
            )
        if col.type == "enum" and col.enum is not None:
            bad = ~missing & ~values.isin(list(col.enum.keys)).to_numpy()
            for v in pd.unique(values[bad].astype(str)):
                choices = "; ".join(f"{k} ({col.enum.label(k)})" for k in col.enum.keys)
                report.error(
                    "unknown_value",
                    file,
                    f"Giá trị {quote(v)} ở cột “{col.name}” không thuộc danh mục / "
                    f"Unknown {col.enum.name} {quote(v)} in column “{col.name}”",
                    f"Dùng một trong / use one of: {choices}",
                    rows=np.asarray(rows)[bad & (values.astype(str) == v).to_numpy()].astype(int).tolist(),
                    column=col.name,
                )
        if col.type == "int":
            number = pd.to_numeric(values, errors="coerce")
            bad = (~missing & (number.isna() | (number < 0) | (number % 1 != 0))).to_numpy(dtype=bool)
            if bad.any():
                report.error(
                    "bad_number",
                    file,
                    f"Giá trị ở cột “{col.name}” không phải số nguyên không âm / Not a whole number in column "
                    f"“{col.name}”",
                    "Ghi một số nguyên không âm / Write a whole number.",
                    rows=np.asarray(rows)[bad].astype(int).tolist(),
                    column=col.name,
                )


HEADERS_SHOWN = 40


def headers_found(frame: pd.DataFrame) -> str:
    """The headers of a file as read, quoted, for a "missing column" message (at most 40, then a count)."""
    headers = [str(c) for c in frame.columns if c != "geometry"]
    if not headers:
        return "(không có cột nào / none)"
    shown = ", ".join(f"“{h}”" for h in headers[:HEADERS_SHOWN])
    more = len(headers) - HEADERS_SHOWN
    return shown + (f" … (+{more})" if more > 0 else "")


def empty_column(col: Column, index: pd.Index) -> pd.Series:
    """An all-missing column of ``col``'s type (for absent columns and layers)."""
    if col.type == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if col.type == "float":
        return pd.Series(np.nan, index=index, dtype="float64")
    if col.type == "int":
        return pd.Series(pd.NA, index=index, dtype="Int64")
    return pd.Series(pd.NA, index=index, dtype="object")


def _parse_column(layer, col: Column, raw: pd.Series, header, file, report, rows_of, row_kind):
    distinct = Distinct(raw)  # every parse below runs once per distinct value of the column
    blank = distinct.flags(_blank_value, missing=True)
    if col.required and blank.any():
        report.error(
            "missing_value",
            file,
            f"Ô trống ở cột bắt buộc “{col.name}” / Blank value in required column “{col.name}”",
            "Điền giá trị vào các ô này hoặc xóa các dòng thừa / Fill in these cells or delete the stray rows.",
            rows=rows_of(blank),
            column=header,
            row_kind=row_kind,
        )
    if col.type == "date":
        parsed = _dates(distinct)
        bad = parsed.isna() & ~blank
        if bad.any():
            # a day-first date that does not exist (31/02) is named as such, not as a wrong format
            why = [(v, _calendar_reason(v)) for v in pd.unique(raw[bad].astype(str))[:3]]
            vi = ", ".join(quote(v) + (f" — {r[0]}" if r else "") for v, r in why)
            en = ", ".join(quote(v) + (f" — {r[1]}" if r else "") for v, r in why)
            report.error(
                "bad_date",
                file,
                f"Không đọc được ngày ở cột “{col.name}”: {vi} / Not a date in column “{col.name}”: {en}",
                "Ghi ngày dạng ngày/tháng/năm (20/11/2026) hoặc 2026-11-20, hoặc dùng ô kiểu "
                "Ngày trong Excel / Write dates as dd/mm/yyyy or yyyy-mm-dd, or use Excel date cells.",
                rows=rows_of(bad),
                column=header,
                row_kind=row_kind,
            )
        return parsed
    if col.type in ("float", "int"):
        parsed = _numbers(distinct)
        bad = parsed.isna() & ~blank
        if col.type == "int":
            bad |= parsed.notna() & ((parsed % 1 != 0) | (parsed < 0))
        if bad.any():
            examples = ", ".join(quote(v) for v in pd.unique(raw[bad].astype(str))[:3])
            kind = "số nguyên không âm / a whole number" if col.type == "int" else "số / a number"
            report.error(
                "bad_number",
                file,
                f"Giá trị ở cột “{col.name}” không phải {kind}: {examples} / "
                f"Not {kind.split(' / ')[1]} in column “{col.name}”: {examples}",
                "Chỉ ghi số, dấu phẩy hoặc dấu chấm thập phân (208.5 hoặc 208,5) / "
                "Write only the number, with a decimal comma or point.",
                rows=rows_of(bad),
                column=header,
                row_kind=row_kind,
            )
            parsed = parsed.mask(bad)
        return parsed.astype("Int64") if col.type == "int" else parsed
    limit = text_limit(col.name)
    plain = distinct.plain(limit)  # texts every check below would leave as they are: not looked at again
    text = distinct.map(lambda v: _clean_text(v, limit), unchanged=plain)
    unsafe = distinct.flags(lambda v: isinstance(v, str) and has_unsafe(v), missing=False, unless=plain)
    if unsafe.any():
        report.warning(
            "unsafe_characters",
            file,
            f"Đã bỏ ký tự điều khiển hoặc ký tự đảo chiều chữ (vô hình) ở cột “{col.name}” / "
            f"Control characters or bidirectional overrides (invisible) were removed from column “{col.name}”",
            "Xóa các ký tự này trong tệp gốc (thường do dán từ trang web hay phần mềm khác) / "
            "Remove them in the source file (usually pasted from a web page or another program).",
            rows=rows_of(unsafe),
            column=header,
            row_kind=row_kind,
        )
    cut = distinct.flags(lambda v: _too_long(v, limit), missing=False, unless=plain)
    if cut.any():
        report.warning(
            "text_too_long",
            file,
            f"Giá trị dài quá {limit} ký tự ở cột “{col.name}” đã bị cắt còn {limit} ký tự / "
            f"Values longer than {limit} characters in column “{col.name}” were cut to {limit}",
            "Rút gọn các giá trị này trong tệp gốc (giới hạn: geo/canonical.py, TEXT_LIMITS) / "
            "Shorten them in the source file (the limits: geo/canonical.py, TEXT_LIMITS).",
            rows=rows_of(cut),
            column=header,
            row_kind=row_kind,
        )
    stray = distinct.flags(
        lambda v: isinstance(v, str) and v != v.strip() and v.strip() != "", missing=False, unless=plain
    )
    if stray.any():
        report.warning(
            "stray_spaces",
            file,
            f"Có dấu cách thừa ở đầu hoặc cuối giá trị cột “{col.name}” (đã bỏ khi đọc) / "
            f"Leading or trailing spaces in column “{col.name}” (ignored when reading)",
            "Xóa dấu cách thừa trong tệp gốc khi tiện / Remove the spaces in the source when convenient.",
            rows=rows_of(stray),
            column=header,
            row_kind=row_kind,
        )
    if col.type == "enum" and col.enum is not None:
        return _parse_enum(col, col.enum, text, blank, header, file, report, rows_of, row_kind)
    if col.legacy_values:
        return _replace_legacy_codes(col, text, header, file, report, rows_of, row_kind)
    return text


def _replace_legacy_codes(col: Column, text: pd.Series, header, file, report, rows_of, row_kind) -> pd.Series:
    """Codes a newer regulation replaced (land use BHK, NHK → HNK), read as the current code with a warning."""
    old = {normalize_name(a): b for a, b in col.legacy_values}
    key = _map_unique(text, lambda v: normalize_name(v) if isinstance(v, str) else "")
    out = text.copy()
    for spelling in pd.unique(text[key.isin(list(old))]):
        new = old[normalize_name(spelling)]
        mask = (text == spelling).to_numpy()
        out[mask] = new
        report.warning(
            "legacy_code",
            file,
            f"Mã “{spelling}” ở cột “{col.name}” là mã cũ, được đọc là “{new}” theo {col.legacy_source} / "
            f"“{spelling}” in column “{col.name}” is an old code, read as “{new}” ({col.legacy_source})",
            f"Nên ghi mã hiện hành “{new}” / Prefer the current code “{new}”.",
            rows=rows_of(mask),
            column=header,
            row_kind=row_kind,
        )
    return out


_WORD = r"[^\s" + UNSAFE.pattern[1:-1] + "]+"
_PLAIN = re.compile(_WORD + "(?: " + _WORD + ")*")
"""Words of safe characters separated by single spaces (``\\S`` is ``str.split``'s idea of a non-space)."""


_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character ``str.isspace`` calls a space (Python 3.11's Unicode; a test checks it against Python's)."""
_BLANK = "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES) + "]*$"
"""A text of nothing but what ``str.strip`` removes (Python's own list of spaces, for Arrow's RE2)."""


def _blank_text(values: pd.Series) -> np.ndarray:
    """Where an object column holds a text of only spaces (or an empty text), vectorised."""
    import pyarrow as pa
    import pyarrow.compute as pc

    objects = values.to_numpy(dtype=object)
    try:
        if pd.api.types.infer_dtype(objects, skipna=True) not in ("string", "empty"):
            raise TypeError
        text = pa.array(objects, type=pa.string(), from_pandas=True)
    except (TypeError, ValueError, pa.ArrowException):  # not only texts: each distinct value on its own
        return Distinct(values).flags(_blank_value, missing=False).to_numpy(dtype=bool)
    return pc.fill_null(pc.match_substring_regex(text, _BLANK), False).to_numpy(zero_copy_only=False)


class Distinct:
    """A column factorised once: each value's code (-1 where missing) and the distinct values.

    Raw columns repeat their values a lot (a province's 300,000 parcels hold a few thousand sheet
    numbers), so every per-value rule runs once per distinct value and is spread over the rows by
    code: :meth:`map` (with ``convert``, a vectorised conversion of the per-value results) and
    :meth:`flags`.

    The distinct values are the Python objects ``values.astype(object)`` holds
    (``str``, ``int``, ``float``, ``Timestamp`` …). Object and text columns are
    factorised as they are, without turning every row into a Python object
    first; other dtypes go through ``astype(object)``.

    Example
    -------
    >>> Distinct(pd.Series(["a", None, "a"])).map(lambda v: v is None).tolist()
    [False, True, False]
    """

    def __init__(self, values: pd.Series):
        self.index = values.index
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            codes, uniques = pd.factorize(values)
        else:
            codes, uniques = pd.factorize(values.astype(object))
        self.uniques = uniques if isinstance(uniques, np.ndarray) else np.asarray(uniques, dtype=object)
        self.codes = np.asarray(codes, dtype=np.intp)

    def map(self, func, unchanged: np.ndarray | None = None, convert=None) -> pd.Series:
        """``func`` of every value (``func(None)`` where missing), as an object Series; values where
        ``unchanged`` holds (one flag per distinct value) are known to be their own ``func`` and kept.

        ``convert``, where given, turns the per-value results (an object array: one per distinct
        value, then ``func(None)``) into an array of the same length (``datetime64``, float64, a
        pandas string array …), which is spread over the rows instead, its dtype kept.
        """
        mapped = np.empty(len(self.uniques) + 1, dtype=object)
        if unchanged is None:
            mapped[:-1] = [func(u) for u in self.uniques]
        else:
            mapped[:-1] = self.uniques
            todo = np.flatnonzero(~unchanged)
            mapped[todo] = [func(u) for u in self.uniques[todo]]
        mapped[-1] = func(None)
        if convert is None:
            return pd.Series(mapped[self.codes], index=self.index, dtype=object)
        # a missing value's code, -1, takes the last slot: func(None)'s
        return pd.Series(convert(mapped).take(self.codes), index=self.index)

    def flags(self, test, missing: bool, unless: np.ndarray | None = None) -> pd.Series:
        """``test`` of every present value, as booleans; ``missing`` where the value is missing; False
        without testing where ``unless`` holds (one flag per distinct value)."""
        values = self.uniques if unless is None else self.uniques[~unless]
        tested = np.fromiter((bool(test(u)) for u in values), dtype=bool, count=len(values))
        if unless is None:
            mapped = tested
        else:
            mapped = np.zeros(len(self.uniques), dtype=bool)
            mapped[~unless] = tested
        return pd.Series(np.append(mapped, missing)[self.codes], index=self.index, dtype=bool)

    def plain(self, limit: int | None) -> np.ndarray:
        """Per distinct value: a text of words separated by single spaces, nothing unsafe, at most
        ``limit`` characters — what cleaning leaves as it is and no text check flags."""
        match = _PLAIN.fullmatch
        return np.fromiter(
            (isinstance(u, str) and (limit is None or len(u) <= limit) and match(u) is not None for u in self.uniques),
            dtype=bool,
            count=len(self.uniques),
        )


def _map_unique(values: pd.Series, func) -> pd.Series:
    """Apply ``func`` once per distinct value (columns repeat values a lot); ``func(None)`` where missing."""
    return Distinct(values).map(func)


def _clean_text(v: object, limit: int | None = None) -> object:
    """One text value: no control or bidi characters, whitespace collapsed, at most ``limit`` characters."""
    if _is_nan(v):
        return pd.NA
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # Excel stores "12" in a General cell as 12.0
    s = " ".join(strip_unsafe(str(v)).split())
    if limit is not None and len(s) > limit:
        s = shorten(s, limit).rstrip()
    return s if s else pd.NA


def _too_long(v: object, limit: int) -> bool:
    if _is_nan(v):
        return False
    s = str(v)
    return len(s) > limit and len(" ".join(strip_unsafe(s).split())) > limit


def _parse_enum(col: Column, enum: Enum, text: pd.Series, blank, header, file, report, rows_of, row_kind):
    lookup = enum.lookup()
    exact = enum.exact()
    codes, values = pd.factorize(text)  # distinct cleaned values, in order of appearance
    codes = np.asarray(codes, dtype=np.intp)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    other_spelling: dict[str, str] = {}
    for v in values:
        key = lookup.get(normalize_name(v))
        if key is None:
            unknown.append(v)
        else:
            mapping[v] = key
            if v not in exact:
                other_spelling[v] = key
    keys = np.empty(len(values) + 1, dtype=object)
    keys[:-1] = [mapping.get(v, pd.NA) for v in values]
    keys[-1] = pd.NA
    parsed = pd.Series(keys[codes], index=text.index)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(values) + 1))
    position = {v: i for i, v in enumerate(values)}

    def rows_with(v: str) -> list[int]:
        mask = np.zeros(len(codes), dtype=bool)
        mask[order[starts[position[v]] : starts[position[v] + 1]]] = True
        return rows_of(mask)

    choices = "; ".join(f"{k} ({enum.label(k)})" for k in enum.keys)
    for v in unknown:
        report.error(
            "unknown_value",
            file,
            f"Giá trị {quote(v)} ở cột “{col.name}” không thuộc danh mục / "
            f"Unknown {enum.name} {quote(v)} in column “{col.name}”",
            f"Dùng một trong / use one of: {choices}",
            rows=rows_with(v),
            column=header,
            row_kind=row_kind,
        )
    for key, why in enum.legacy.items():
        found = [v for v, k in mapping.items() if k == key]
        if found:
            rows = sorted(r for v in found for r in rows_with(v))
            report.warning(
                "legacy_value",
                file,
                f"“{found[0]}” ở cột “{col.name}” là giá trị cũ, vẫn đọc được: {why}",
                "Nên dùng một giá trị hiện hành / prefer a current value: "
                + "; ".join(f"{k} ({enum.label(k)})" for k in enum.keys if k not in enum.legacy),
                rows=rows,
                column=header,
                row_kind=row_kind,
            )
    for v, key in other_spelling.items():
        report.warning(
            "other_spelling",
            file,
            f"{quote(v)} được hiểu là “{enum.label(key)}” ({key}) / {quote(v)} read as “{key}” ({enum.label(key)})",
            f"Nên ghi đúng “{enum.label(key)}” hoặc “{key}” / "
            f"Prefer the exact spelling “{enum.label(key)}” or “{key}”.",
            rows=rows_with(v),
            column=header,
            row_kind=row_kind,
        )
    return parsed.astype("object")
