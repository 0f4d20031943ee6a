"""Download buttons: map snapshot, per-hamlet table and the weekly/monthly report.

Each file is made by :mod:`geo.exports` from the selection on screen, only
when its button is clicked (Streamlit calls the function then), so the page
never pays for files nobody asked for. Nothing here carries personal data:
the exports leave names and per-household amounts out by default.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

import geo
from geo import exports
from geo.outputs import export_stem
from geo.selection import Selection

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_stem(ws: geo.Workspace, sel: Selection) -> str:
    """``<project or 'tat_ca_du_an'>[_thon_…][_buoc_…][_dat_…]_<dd-mm-yyyy>``: every filter, safe to save.

    See :func:`geo.outputs.export_stem`: a hamlet's report never overwrites its
    project's, and an id such as ``DA-CCN/../../x`` cannot leave the download folder.
    """
    return export_stem(sel)


def _button(label: str, make: Callable[[], bytes], name: str, mime: str, key: str, primary: bool = False) -> None:
    st.download_button(
        label,
        data=make,
        file_name=name,
        mime=mime,
        key=key,
        on_click="ignore",
        type="primary" if primary else "secondary",
        width="stretch",
    )


def panel(ws: geo.Workspace, sel: Selection) -> None:
    """The export buttons for ``sel`` (shown in the sidebar)."""
    stem = file_stem(ws, sel)
    st.subheader("Xuất báo cáo / Export")
    _button(
        "Báo cáo tuần (Word) / Weekly report",
        lambda: exports.report_docx(ws, sel, "week"),
        f"bao_cao_tuan_{stem}.docx",
        DOCX,
        "dl_report_week",
        primary=True,
    )
    _button(
        "Báo cáo tháng (Word) / Monthly report",
        lambda: exports.report_docx(ws, sel, "month"),
        f"bao_cao_thang_{stem}.docx",
        DOCX,
        "dl_report_month",
    )
    _button(
        "Bảng tổng hợp (Excel) / Summary",
        lambda: exports.summary_xlsx(ws, sel),
        f"tong_hop_theo_thon_{stem}.xlsx",
        XLSX,
        "dl_xlsx",
    )
    _button(
        "Ảnh bản đồ (PNG, 300 dpi) / Map image",
        lambda: exports.snapshot_png(ws, sel),
        f"ban_do_{stem}.png",
        "image/png",
        "dl_png",
    )
    _button(
        "Bản đồ (PDF, A4) / Map PDF",
        lambda: exports.snapshot_pdf(ws, sel),
        f"ban_do_{stem}.pdf",
        "application/pdf",
        "dl_pdf",
    )
    _button(
        "Bản đồ tương tác (HTML, xem offline) / Interactive map",
        lambda: exports.snapshot_html(ws, sel),
        f"ban_do_{stem}.html",
        "text/html",
        "dl_html",
    )
    st.caption("Không kèm họ tên hay số tiền từng hộ / No names or per-household amounts.")
