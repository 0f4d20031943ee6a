"""Exports: map snapshots, the per-hamlet table, weekly and monthly reports.

Every function takes a workspace and a :class:`~geo.selection.Selection` and
returns the file's bytes (for the dashboard's download buttons); the
``write_*`` helpers write a file whose format follows its extension.

======================  ==========================================================
:func:`snapshot_png`    A4 map at 300 dpi (landscape or portrait)
:func:`snapshot_pdf`    the same map as a one-page vector PDF
:func:`snapshot_html`   the interactive map as one offline HTML file
:func:`summary_xlsx`    per-hamlet summary: Vietnamese headers, totals, formats
:func:`summary_csv`     per-hamlet summary as ``python -m geo summary`` writes it
:func:`report_docx`     weekly or monthly Party committee report
:func:`report_pdf`      the same through LibreOffice, where installed
======================  ==========================================================

No household names, ids or per-household amounts appear in any of them
unless ``disclosure=geo.Disclosure.PERSONAL`` is passed (reports, HTML map);
the default is ``Disclosure.INTERNAL``.

Example
-------
>>> import geo
>>> from geo import exports
>>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
>>> sel = geo.Selection.make(project="DA-DT242", as_of="20/11/2026")  # doctest: +SKIP
>>> open("bao_cao.docx", "wb").write(exports.report_docx(ws, sel, "week"))  # doctest: +SKIP
"""

from ..periods import Period, PeriodFigures, period_figures, period_of
from .report import (
    ExportUnavailable,
    ReportData,
    docx_to_pdf,
    find_soffice,
    report_data,
    report_document,
    report_docx,
    report_pdf,
    write_report,
)
from .snapshot import (
    missing_glyphs,
    snapshot_figure,
    snapshot_html,
    snapshot_pdf,
    snapshot_png,
    write_snapshot,
)
from .tables import (
    summary_csv,
    summary_workbook,
    summary_xlsx,
    totals_row,
    write_summary,
)

__all__ = [
    "ExportUnavailable",
    "Period",
    "PeriodFigures",
    "ReportData",
    "docx_to_pdf",
    "find_soffice",
    "missing_glyphs",
    "period_figures",
    "period_of",
    "report_data",
    "report_document",
    "report_docx",
    "report_pdf",
    "snapshot_figure",
    "snapshot_html",
    "snapshot_pdf",
    "snapshot_png",
    "summary_csv",
    "summary_workbook",
    "summary_xlsx",
    "totals_row",
    "write_report",
    "write_snapshot",
    "write_summary",
]
