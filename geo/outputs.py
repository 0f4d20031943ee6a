"""Writing files safely: one place for every file the product writes.

* :func:`atomic_write` / :func:`atomic_path` — a file is written to a
  temporary file beside its target and renamed over the target only when it
  is complete, so a full disk or a crash leaves the previous file intact and
  no partial or temporary file behind.
* :func:`check_output` — an output never lands inside the workspace folder or
  on a file the workspace reads (symlinks followed): nothing the user gave is
  changed or lost.
* :func:`safe_filename` and :func:`export_stem` — download and file names that
  carry every filter, with nothing that could climb out of a folder.
* :func:`spreadsheet_text` and :func:`spreadsheet_safe` — text cells that a
  spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
  return) start with an apostrophe in CSVs meant for spreadsheets; numbers stay
  numbers.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pandas as pd

from .schema import strip_diacritics

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula (OWASP CSV injection)."""

MAX_STEM = 120
"""Longest file name stem :func:`safe_filename` returns (characters)."""


class OutputRefused(ValueError):
    """An output path that would overwrite something the user gave (message in Vietnamese / English)."""


# --------------------------------------------------------------------------- atomic writes


def _temp_beside(target: Path) -> Path:
    return target.with_name(f".{target.stem}.tmp-{secrets.token_hex(4)}{target.suffix}")


def _final(path: str | Path) -> Path:
    """The file a write really replaces: symlinks followed, so a link stays a link."""
    return Path(path).expanduser().resolve()


@contextmanager
def atomic_path(path: str | Path, companions: Iterable[str] = ()) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed over ``path`` when the block succeeds.

    For writers that want a file name (GDAL, openpyxl). ``companions`` are
    extra suffixes written beside the temporary file under the same stem (a
    shapefile's ``.shx``, ``.dbf``), renamed along with it. Where the block
    fails, every temporary file is removed and the previous files are intact.

    Example
    -------
    >>> with atomic_path("hamlets.gpkg") as tmp:  # doctest: +SKIP
    ...     frame.to_file(tmp, driver="GPKG")
    """
    target = _final(path)
    tmp = _temp_beside(target)
    suffixes = [target.suffix, *companions]
    parts = [(tmp.with_suffix(s), target.with_suffix(s)) for s in suffixes]
    try:
        yield tmp
        for src, _ in parts:
            if src.exists():
                _fsync(src)
        for src, dst in parts:
            if src.exists():
                if dst.exists():
                    _copy_mode(dst, src)
                os.replace(src, dst)
    finally:
        for src, _ in parts:
            src.unlink(missing_ok=True)
        for extra in tmp.parent.glob(f"{glob_escape(tmp.stem)}.*"):  # what a driver wrote beside (journals, sidecars)
            extra.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a read-only handle; the rename still orders it
        pass
    finally:
        os.close(fd)


def _copy_mode(src: Path, dst: Path) -> None:
    with suppress(OSError):
        os.chmod(dst, src.stat().st_mode & 0o7777)


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` all at once: a temporary file beside it, then a rename.

    A failure (full disk, file size limit, interruption) leaves the previous
    file as it was and no temporary file. Text is written as UTF-8.

    Returns
    -------
    Path
        The file written (symlinks followed).

    Example
    -------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write(p, "xin chào").read_text(encoding="utf-8")
    'xin chào'
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    target = _final(path)
    tmp = _temp_beside(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if target.exists():
            _copy_mode(target, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


# --------------------------------------------------------------------------- the output guard


def workspace_inputs(folder: str | Path, files: Iterable[str] = ()) -> set[Path]:
    """The files a workspace reads: ``files`` (relative to ``folder``) with their sidecars, resolved.

    A shapefile's ``.shx``, ``.dbf``, ``.prj``, ``.cpg`` (any file with the same
    stem) count as read, and so does ``workspace.toml``.
    """
    root = Path(folder)
    found: set[Path] = {(root / "workspace.toml").resolve()}
    for name in files:
        p = (root / name).resolve()
        found.add(p)
        if p.parent.is_dir():
            found.update(q.resolve() for q in p.parent.glob(f"{glob_escape(p.stem)}.*"))
    return found


def glob_escape(text: str) -> str:
    """``text`` with glob's special characters escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def check_output(path: str | Path, workspace: str | Path, inputs: Iterable[Path] = ()) -> Path:
    """Refuse an output inside the workspace folder or onto a file it reads; return the resolved path.

    Symlinks are followed: a link in the output folder that points into the
    workspace is refused too.

    Raises
    ------
    OutputRefused
        With a message (Vietnamese / English) saying why and where to write instead.

    Example
    -------
    >>> check_output("data/hoson/tong_hop.xlsx", "data/hoson")  # doctest: +SKIP
    Traceback (most recent call last):
    OutputRefused: Không ghi vào thư mục dữ liệu ...
    """
    out = _final(path)
    root = Path(workspace).expanduser().resolve()
    elsewhere = (
        f"ghi ra thư mục khác, ví dụ {root.parent / 'ket_qua' / Path(path).name} / "
        f"write it elsewhere, e.g. {root.parent / 'ket_qua' / Path(path).name}"
    )
    if out == root or out.is_relative_to(root):
        raise OutputRefused(
            f"Không ghi “{path}”: tệp kết quả nằm trong thư mục dữ liệu {root}, nơi chương trình không bao giờ "
            f"thay đổi gì (có thể ghi đè tệp đầu vào) — {elsewhere} / Refused: the output is inside the workspace "
            f"folder, which is never changed (it could overwrite an input)."
        )
    if out in {Path(p).resolve() for p in inputs}:
        raise OutputRefused(
            f"Không ghi “{path}”: đó là tệp dữ liệu đầu vào ({out}) — {elsewhere} / "
            f"Refused: that is one of the workspace's input files."
        )
    if out.is_dir():
        raise OutputRefused(
            f"Không ghi “{path}”: đó là một thư mục; hãy ghi tên tệp, ví dụ {out / Path(path).name}.xlsx / "
            f"Refused: that is a folder; give a file name."
        )
    return out


def guard_output(path: str | Path, ws) -> Path:
    """:func:`check_output` against a loaded workspace: its folder and every file it reads; returns ``Path(path)``.

    A workspace not read from a folder (a store, frames in memory) has no folder to guard.
    """
    folder = ws.source.folder
    if folder is None:
        return Path(path)
    check_output(path, folder, workspace_inputs(folder, ws.source.files.values()))
    return Path(path)


# --------------------------------------------------------------------------- file names


def safe_filename(text: str, max_len: int = MAX_STEM) -> str:
    """``text`` as a file name part anyone can file: ASCII letters, digits, ``-`` and ``_`` only.

    Vietnamese letters lose their marks (``đ`` → ``d``), every other character
    becomes ``_``, so no ``/``, ``..``, drive letter or control character survives.

    Example
    -------
    >>> safe_filename("DA-CCN/../../x")
    'DA-CCN_x'
    >>> safe_filename("Thôn Đồng Tâm")
    'Thon_Dong_Tam'
    """
    text = strip_diacritics(unicodedata.normalize("NFKC", str(text)))
    text = re.sub(r"[^A-Za-z0-9-]+", "_", text)
    text = re.sub(r"_+", "_", text).strip("_-.")
    return text[:max_len].rstrip("_-") or "_"


def export_stem(selection) -> str:
    """A file stem carrying every filter of ``selection`` and its dd-mm-yyyy date.

    Project (or ``tat_ca_du_an``), hamlets, stages, land uses, then the date;
    made safe with :func:`safe_filename` (long lists are cut, the date is kept).

    Example
    -------
    >>> from geo.selection import Selection
    >>> export_stem(Selection.make(project="DA-DT242", hamlets=["T01"], as_of="20/11/2026"))
    'DA-DT242_thon_T01_20-11-2026'
    """
    parts = [selection.project or "tat_ca_du_an"]
    if selection.hamlets:
        parts.append("thon_" + "-".join(selection.hamlets))
    if selection.stages:
        parts.append("buoc_" + "-".join(selection.stages))
    if selection.land_uses:
        parts.append("dat_" + "-".join(selection.land_uses))
    date = selection.as_of.strftime("%d-%m-%Y")
    return f"{safe_filename('_'.join(parts), MAX_STEM - len(date) - 1)}_{date}"


# --------------------------------------------------------------------------- spreadsheet cells


def spreadsheet_text(value: object) -> object:
    """A text cell a spreadsheet shows as text: an apostrophe before ``=``, ``+``, ``-``, ``@``, tab or CR.

    Anything that is not a string (numbers, blanks) is returned as it is.

    Example
    -------
    >>> spreadsheet_text('=HYPERLINK("http://evil.example","x")')
    '\\'=HYPERLINK("http://evil.example","x")'
    >>> spreadsheet_text(-5), spreadsheet_text("Thôn A")
    (-5, 'Thôn A')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (object/string columns) went through :func:`spreadsheet_text`.

    Numeric columns are left as numbers. The header names are made safe too.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(spreadsheet_text)
    out.columns = [spreadsheet_text(c) for c in out.columns]
    return out
