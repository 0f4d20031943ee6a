"""python-docx helpers: runs, paragraphs, fields and fixed-width tables that Word and LibreOffice both read.

Nothing here knows about reports: the format (fonts, sizes, margins) is the
caller's (:data:`geo.exports.report.PARTY_FORMAT`). Every text goes through
:func:`geo.exports._common.clean` (NFC, no control characters).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ._common import clean


def set_fonts(element: Any, name: str) -> None:
    """Set every script's font of a style or run, and drop theme fonts (which would win in Word).

    Parameters
    ----------
    element : oxml element
        A style's or a run's element (anything with ``get_or_add_rPr``).
    name : str
        The font, e.g. ``"Times New Roman"``.
    """
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def field(run: Run, code: str) -> None:
    """Append a field (``PAGE``, ``NUMPAGES`` …) to ``run``; Word and LibreOffice compute it when shown.

    Parameters
    ----------
    run : Run
    code : str
        The field code, e.g. ``"PAGE"``.
    """
    el: Any
    for tag, text in (("begin", None), (None, code), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        run._r.append(el)


def para(
    container: Document | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    underline: bool = False,
    space_after: float = 6,
    space_before: float = 0,
    highlight: bool = False,
    style: str | None = None,
) -> Paragraph:
    """Add a paragraph (first line indented 1 cm unless ``indent`` is False) with ``text`` as one run.

    Parameters
    ----------
    container : Document or table cell
    text : str, optional
        Left empty, the paragraph has no run (add them with :func:`run`).
    bold, italic, underline, highlight : bool
        Of the run; ``highlight`` marks it yellow (text the clerk is to finish).
    size : float, optional
        Points; default the style's.
    align : WD_ALIGN_PARAGRAPH
    indent : bool
    space_after, space_before : float
        Points.
    style : str, optional
        A paragraph style of the document.

    Returns
    -------
    Paragraph
    """
    p = container.add_paragraph(style=style)
    p.alignment = align
    pf = p.paragraph_format
    pf.first_line_indent = Cm(1) if indent else Cm(0)
    pf.space_after = Pt(space_after)
    pf.space_before = Pt(space_before)
    if text:
        run(p, text, bold=bold, italic=italic, size=size, underline=underline, highlight=highlight)
    return p


def run(
    p: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    underline: bool = False,
    highlight: bool = False,
) -> Run:
    """Add ``text`` (cleaned: NFC, no control characters) to ``p`` as a run.

    Parameters
    ----------
    p : Paragraph
    text : str
    bold, italic, underline, highlight : bool
        ``highlight`` marks the run yellow.
    size : float, optional
        Points; default the paragraph style's.

    Returns
    -------
    Run
    """
    r = p.add_run(clean(text))
    r.bold = bold or None
    r.italic = italic or None
    r.underline = underline or None
    if size:
        r.font.size = Pt(size)
    if highlight:
        r.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return r


_TBLPR_ORDER = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
)


def tblpr_put(table: Table, element: Any) -> None:
    """Put ``element`` into the table's properties in schema order (Word rejects a file otherwise).

    Parameters
    ----------
    table : Table
    element : oxml element
        A ``w:tblPr`` child (``w:tblW``, ``w:tblBorders`` …); one of the same name is replaced.
    """
    tbl_pr = table._tbl.tblPr
    name = element.tag.split("}")[1]
    for old in tbl_pr.findall(qn(f"w:{name}")):
        tbl_pr.remove(old)
    rank = _TBLPR_ORDER.index(name)
    for i, child in enumerate(tbl_pr):
        child_name = child.tag.split("}")[1]
        if child_name in _TBLPR_ORDER and _TBLPR_ORDER.index(child_name) > rank:
            tbl_pr.insert(i, element)
            return
    tbl_pr.append(element)


def no_borders(table: Table) -> None:
    """Draw ``table`` without borders (a layout table: the header block, the signature).

    Parameters
    ----------
    table : Table
    """
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr_put(table, borders)


def cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    underline: bool = False,
    first: bool = True,
) -> Paragraph:
    """Write ``text`` into a table cell, single-spaced, without indent or spacing.

    Parameters
    ----------
    cell : table cell
    text : str
    bold, italic, underline : bool
    size : float
        Points.
    align : WD_ALIGN_PARAGRAPH
    first : bool
        Write into the cell's first (empty) paragraph; False adds a paragraph under it.

    Returns
    -------
    Paragraph
    """
    p: Paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = align
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    run(p, text, bold=bold, italic=italic, size=size, underline=underline)
    return p


def widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, written where Word and LibreOffice both read them (grid, cells, table).

    Parameters
    ----------
    table : Table
    widths_mm : sequence of float
        One width per column, in millimetres.
    """
    table.autofit = False
    tbl = table._tbl
    for col, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(round(w * 1440 / 25.4)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)
    width = OxmlElement("w:tblW")
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(round(sum(widths_mm) * 1440 / 25.4)))
    tblpr_put(table, width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr_put(table, layout)


def cell_margins(table: Table, mm: float) -> None:
    """Left and right cell padding (Word's default is 1.9 mm), so that numbers fit narrow columns.

    Parameters
    ----------
    table : Table
    mm : float
        The padding on each side, in millimetres.
    """
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(mm * 1440 / 25.4)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr_put(table, mar)


def repeat_header(row: _Row) -> None:
    """Repeat ``row`` at the top of every page the table runs onto.

    Parameters
    ----------
    row : table row
    """
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def grid(
    doc: Document,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths_mm: Sequence[float],
    *,
    numeric_from: int = 2,
    total: bool = False,
    size: float,
) -> Table:
    """A bordered table: bold header repeated on each page, numbers right-aligned, optional bold last row.

    Parameters
    ----------
    doc : Document
    headers : sequence of str
    rows : sequence of sequences
        The cells' values, written with ``str``.
    widths_mm : sequence of float
        Column widths in millimetres.
    numeric_from : int, default 2
        Columns from this one on are right-aligned where a value reads as a number.
    total : bool, default False
        The last row is a total (bold).
    size : float
        Points.

    Returns
    -------
    Table
        A table whose rows never break across pages.
    """
    table: Table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell_margins(table, 1.0)
    for j, h in enumerate(headers):
        cell_text(table.rows[0].cells[j], h, bold=True, size=size)
    repeat_header(table.rows[0])
    for tr in table.rows:  # a row never breaks across pages
        tr._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
    for i, row in enumerate(rows, start=1):
        last = total and i == len(rows)
        for j, value in enumerate(row):
            align = (
                WD_ALIGN_PARAGRAPH.RIGHT
                if j >= numeric_from and is_number_text(value)
                else (WD_ALIGN_PARAGRAPH.CENTER if j == 0 else WD_ALIGN_PARAGRAPH.LEFT)
            )
            cell_text(table.rows[i].cells[j], str(value), bold=last, size=size, align=align)
    widths(table, widths_mm)
    return table


def is_number_text(value: object) -> bool:
    """True where ``value`` reads as a formatted number (``"1.234,5"``, ``"+3"``, ``"-2"``).

    Example
    -------
    >>> is_number_text("1.234,5"), is_number_text("Thôn A")
    (True, False)
    """
    text = str(value).replace(".", "").replace(",", "").replace("+", "").replace("-", "").strip()
    return text.isdigit()
