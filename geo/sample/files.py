"""Writers with pinned timestamps: the households workbook, the parcels' DBF, TOML strings."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..outputs import atomic_write
from ..schema import STAGES
from .presets import SYNTHETIC_LABEL


def _pinned(source: io.BytesIO, stamp: datetime) -> bytes:
    """An OOXML zip's bytes with fixed entry times and document timestamps."""
    with zipfile.ZipFile(source) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + iso + rb"\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, data)
    return buf.getvalue()


def _write_households_xlsx(rows: pd.DataFrame, path: Path, as_of: date) -> None:
    """Write the household list with Vietnamese headers, date cells and a notes sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    headers = [
        "Mã hộ",
        "Chủ hộ",
        "Mã dự án",
        "Mã xã",
        "Số tờ",
        "Số thửa",
        "Diện tích thu hồi",
        "Bước",
        "Ngày cập nhật",
        "Tiền bồi thường",
        "Tái định cư",
        "Đồng thuận",
        "Đợt",
    ]
    widths = [11, 24, 11, 8, 7, 8, 16, 24, 14, 18, 11, 11, 6]
    stamp = datetime(as_of.year, as_of.month, as_of.day, 8, 0, 0)
    wb = Workbook(write_only=True)
    wb.properties.creator = "geo.sample"
    wb.properties.title = "Danh sách hộ có đất bị thu hồi — " + SYNTHETIC_LABEL
    wb.properties.description = SYNTHETIC_LABEL
    wb.properties.created = stamp
    wb.properties.lastModifiedBy = "geo.sample"
    ws = wb.create_sheet("Danh sách hộ")
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = w
    ws.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    head = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font, c.fill, c.alignment = bold, fill, Alignment(horizontal="center", wrap_text=True)
        head.append(c)
    ws.append(head)
    stage_lbl = np.array([STAGES.label(s) for s in STAGES.keys])[rows["stage"].to_numpy()].tolist()
    dates = [d.date() for d in rows["stage_date"]]
    comp = [None if np.isnan(c) else int(c) for c in rows["compensation"].to_numpy()]
    acq = [None if a is None else float(a) for a in rows["acq_out"]]
    cols = zip(
        rows["household_id"].tolist(),
        rows["household_name"].tolist(),
        rows["project_id"].tolist(),
        rows["ma_xa"].astype(str).tolist(),
        rows["so_to"].astype(int).tolist(),
        rows["so_thua"].astype(int).tolist(),
        acq,
        stage_lbl,
        dates,
        comp,
        rows["resettlement"].tolist(),
        rows["agreement"].tolist(),
        rows["round"].astype(int).tolist(),
    )
    for hid, name, pid, mx, to, th, ac, stg, d, cp, tdc, agr, rnd in cols:
        dc = WriteOnlyCell(ws, value=d)
        dc.number_format = "dd/mm/yyyy"
        a = WriteOnlyCell(ws, value=ac)
        a.number_format = "#,##0.0"
        c = WriteOnlyCell(ws, value=cp)
        c.number_format = "#,##0"
        ws.append([hid, name, pid, mx, to, th, a, stg, dc, c, tdc, agr, rnd])
    note = wb.create_sheet("Ghi chú")
    note.append([SYNTHETIC_LABEL])
    note.append(["Danh sách tổng hợp do geo.sample sinh ra; mọi tên, mã và số liệu đều là giả định."])
    note.append(["Tiền bồi thường: số tiền theo phương án đã phê duyệt (từ bước Phê duyệt phương án)."])
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write(path, _pinned(buf, stamp))


def _write_dbf(path: Path, columns: dict[str, tuple[str, np.ndarray]], d: date) -> None:
    """Write a dBASE III table of text (``C``) and integer (``N``) fields, vectorised.

    Field widths are the longest value; the header date is ``d`` (reproducible).
    Values must be ASCII (codes and numbers only).
    """
    n = len(next(iter(columns.values()))[1])
    fields, blocks = [], []
    for name, (kind, values) in columns.items():
        txt = np.asarray(values).astype(str) if kind == "C" else np.char.mod("%d", np.asarray(values))
        raw = np.char.encode(txt, "ascii")
        width = max(1, int(np.char.str_len(raw).max(initial=1)))
        raw = np.char.ljust(raw, width) if kind == "C" else np.char.rjust(raw, width)
        blocks.append(
            np.frombuffer(raw.astype(f"S{width}").tobytes(), np.uint8).reshape(n, width)
            if n
            else np.zeros((0, width), np.uint8)
        )
        fields.append((name, kind, width))
    reclen = 1 + sum(w for _, _, w in fields)
    hdr_len = 32 + 32 * len(fields) + 1
    head = bytearray(32)
    head[0] = 0x03
    head[1:4] = bytes([d.year - 1900, d.month, d.day])
    head[4:8] = n.to_bytes(4, "little")
    head[8:10] = hdr_len.to_bytes(2, "little")
    head[10:12] = reclen.to_bytes(2, "little")
    for name, kind, width in fields:
        desc = bytearray(32)
        desc[0 : len(name)] = name.encode("ascii")
        desc[11] = ord(kind)
        desc[16] = width
        head += desc
    head += b"\r"
    body = np.hstack([np.full((n, 1), ord(" "), np.uint8)] + blocks)
    atomic_write(path, bytes(head) + body.tobytes() + b"\x1a")


def _toml_str(s: str) -> str:
    """A TOML basic string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
