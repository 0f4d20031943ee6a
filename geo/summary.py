"""The per-hamlet summary, exactly as the data contract defines each column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from .hotspots.scope import is_hamlet_wide, project_level_counts
from .schema import STAGE_ORDER
from .selection import Selection, TimeSlice
from .vocabulary import ALERT_LEVELS, LEVEL_LABELS, reason_items, with_joined_reasons
from .workspace import Workspace

SUMMARY_COLUMNS = (
    "hamlet_id",
    "hamlet_name",
    "parcels_affected",
    "area_affected_m2",
    "households",
    "households_handed_over",
    "handover_pct",
    "area_handed_over_pct",
    "households_paid",
    "compensation_paid_vnd",
    "grievances_open",
    "grievances_overdue",
    "max_signatories_open",
    "hotspot_level",
    "hotspot_reasons",
)
"""The contract's columns, in order."""

SUMMARY_LABELS = {
    "hamlet_id": "Mã thôn",
    "hamlet_name": "Tên thôn",
    "parcels_affected": "Số thửa bị ảnh hưởng",
    "area_affected_m2": "Diện tích thu hồi (m²)",
    "households": "Số hộ",
    "households_handed_over": "Số hộ đã bàn giao",
    "handover_pct": "Tỷ lệ hộ bàn giao (%)",
    "area_handed_over_pct": "Tỷ lệ diện tích bàn giao (%)",
    "households_paid": "Số hộ đã nhận tiền",
    "compensation_paid_vnd": "Tiền đã chi trả (đồng)",
    "grievances_open": "Đơn thư chưa giải quyết",
    "grievances_overdue": "Đơn thư quá hạn",
    "max_signatories_open": "Số người ký nhiều nhất",
    "hotspot_level": "Mức cảnh báo",
    "hotspot_reasons": "Lý do",
}
"""Vietnamese headers for screens and exports."""

SummaryRow = dict[str, Any]
"""One row of the summary outside the hamlets' table (not placed, overlap, total): column → value, a text,
a whole number, a decimal or None, by column (:data:`SUMMARY_COLUMNS`)."""

PAID = STAGE_ORDER["paid"]
HANDED_OVER = STAGE_ORDER["handed_over"]


def paid_vnd(hh: pd.DataFrame) -> pd.Series:
    """Compensation of each household row at ``paid`` or later, in whole đồng (0 before payment).

    The đồng has no smaller unit: amounts are rounded per row, once, so every
    table, total and headline sums the same whole numbers and adds up exactly.
    """
    amount = pd.to_numeric(hh["compensation_vnd"], errors="coerce").round(0)
    return amount.where(hh["stage_rank"] >= PAID, 0.0).fillna(0.0)


def summarize_slice(ws: Workspace, sl: TimeSlice, hotspots: pd.DataFrame) -> pd.DataFrame:
    """The per-hamlet summary of one time slice.

    Parameters
    ----------
    ws : Workspace
    sl : TimeSlice
        From :func:`geo.selection.time_slice`.
    hotspots : DataFrame
        The hotspot levels of the same slice (``geo.analyse`` computes both:
        call it rather than this).

    Returns
    -------
    DataFrame
        One row per hamlet of the slice, :data:`SUMMARY_COLUMNS` plus
        ``hotspot_score`` and ``hamlet_wide`` (a hamlet-wide alert in a
        hamlet the selected project does not touch: :mod:`geo.hotspots.scope`).
    """
    hamlets = sl.hamlets[["hamlet_id", "hamlet_name"]].reset_index(drop=True)
    out = hamlets.set_index("hamlet_id")
    hh = sl.households.dropna(subset=["hamlet_id"])
    grp = hh.groupby("hamlet_id")
    out["parcels_affected"] = grp["parcel_id"].nunique()
    out["area_affected_m2"] = grp["area_m2"].sum()
    out["households"] = grp["household_id"].nunique()
    per_household = hh.groupby(["hamlet_id", "household_id"])["stage_rank"].min()
    out["households_handed_over"] = (per_household >= HANDED_OVER).groupby(level=0).sum()
    out["households_paid"] = (per_household >= PAID).groupby(level=0).sum()
    handed = hh[hh["stage_rank"] >= HANDED_OVER]
    area_handed = handed.groupby("hamlet_id")["area_m2"].sum()
    out["compensation_paid_vnd"] = paid_vnd(hh).groupby(hh["hamlet_id"]).sum()
    g = sl.grievances.dropna(subset=["hamlet_id"])
    g_open = g[g["is_open"]]
    out["grievances_open"] = g_open.groupby("hamlet_id").size()
    out["grievances_overdue"] = g_open[g_open["is_overdue"]].groupby("hamlet_id").size()
    out["max_signatories_open"] = g_open.groupby("hamlet_id")["signatories"].max()
    counts = [
        "parcels_affected",
        "households",
        "households_handed_over",
        "households_paid",
        "grievances_open",
        "grievances_overdue",
        "max_signatories_open",
    ]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["area_affected_m2"] = out["area_affected_m2"].fillna(0.0).astype("float64").round(2)
    out["compensation_paid_vnd"] = out["compensation_paid_vnd"].fillna(0.0).astype("float64").round(0)
    out["handover_pct"] = _pct(out["households_handed_over"], out["households"])
    area_handed = area_handed.reindex(out.index).fillna(0.0)
    out["area_handed_over_pct"] = _pct(area_handed, out["area_affected_m2"])
    hs = hotspots.set_index("hamlet_id")
    out["hotspot_level"] = hs["hotspot_level"].reindex(out.index).fillna("none")
    out["hotspot_reasons"] = pd.Series(
        [reason_items(r) for r in hs["hotspot_reasons"].reindex(out.index)], index=out.index, dtype=object
    )
    out["hotspot_score"] = hs["hotspot_score"].reindex(out.index).fillna(0.0)
    out["hamlet_wide"] = is_hamlet_wide(hs).reindex(out.index).fillna(False).astype(bool)
    return out.reset_index()[[*SUMMARY_COLUMNS, "hotspot_score", "hamlet_wide"]]


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype("float64")
    pct = np.where(whole > 0, part.astype("float64") / whole.where(whole > 0, 1.0) * 100.0, 0.0)
    return pd.Series(np.clip(pct, 0.0, 100.0), index=part.index).round(2)


def hamlet_summary(ws: Workspace, project: str | None = None, as_of: date | str | None = None) -> pd.DataFrame:
    """The per-hamlet summary (``python -m geo summary``) as a DataFrame.

    Parameters
    ----------
    ws : Workspace
        A workspace without errors (see :meth:`Workspace.require_ok`).
    project : str, optional
        Keep only this project's households and grievances.
    as_of : date or str, optional
        The reporting date (default: ``workspace.toml``'s ``as_of``, else
        today); rows dated after it are ignored.

    Returns
    -------
    DataFrame
        One row per hamlet in the hamlets layer, the contract's columns.

    Example
    -------
    >>> import geo
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> geo.hamlet_summary(ws, project="DA-DT242", as_of="2026-11-20").head()  # doctest: +SKIP
    """
    from .analysis import analyse

    sel = Selection.make(project=project, as_of=as_of or ws.default_as_of())
    return analyse(ws, sel).summary


@dataclass(frozen=True)
class Headline:
    """The headline figures of a selection (aggregates only: safe for meetings).

    Attributes
    ----------
    households, handed_over, paid : int
        Distinct households in the slice; of those, handed over (paid or
        later) in every one of their rows.
    handover_pct, area_handed_over_pct : float
        Handed over by households and by acquired area, in percent (two decimals).
    area_m2, compensation_paid_vnd : float
        Acquired area; compensation of rows at paid or later.
    grievances_open, grievances_overdue : int
        Grievances of the slice open, and open and overdue, on the as-of date.
    hotspots, risk, watch : int
        Hamlets at each level; under a project filter, only hamlets the
        project touches (its hotspots).
    hamlet_wide : int
        Under a project filter, hamlets alerted by hamlet-wide signals only
        (field reports, party cell) that the project does not touch: shown
        as "cả thôn / hamlet-wide", not counted above.
    """

    households: int
    handed_over: int
    handover_pct: float
    area_m2: float
    area_handed_over_pct: float
    paid: int
    compensation_paid_vnd: float
    grievances_open: int
    grievances_overdue: int
    hotspots: int
    risk: int
    watch: int
    hamlet_wide: int = 0


def headline(sl: TimeSlice, hotspots: pd.DataFrame) -> Headline:
    """Households, handover by households and by area, paid, open/overdue grievances, hotspot hamlets.

    A household counts as handed over (paid) where every one of its rows in
    the slice is at that stage or later, as in the per-hamlet summary (here
    across hamlets).

    Parameters
    ----------
    sl : TimeSlice
        From :func:`geo.selection.time_slice`.
    hotspots : DataFrame
        One ``hotspot_level`` per hamlet of the same slice:
        :func:`geo.hotspots.hotspot_levels`, :func:`summarize_slice` or
        ``compute_hotspots(...).levels``.

    Returns
    -------
    Headline

    Example
    -------
    >>> import geo
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> an = geo.analyse(ws, geo.Selection.make(as_of="2026-11-20"))  # doctest: +SKIP
    >>> h = an.headline  # == geo.headline(an.slice, an.levels)  # doctest: +SKIP
    >>> h.households, h.handover_pct, h.grievances_open  # doctest: +SKIP
    """
    hh = sl.households
    per = hh.groupby("household_id")["stage_rank"].min() if len(hh) else pd.Series(dtype="int64")
    n = len(per)
    handed = int((per >= HANDED_OVER).sum())
    paid = int((per >= PAID).sum())
    area = float(hh["area_m2"].sum()) if len(hh) else 0.0
    area_handed = float(hh.loc[hh["stage_rank"] >= HANDED_OVER, "area_m2"].sum()) if len(hh) else 0.0
    comp = float(paid_vnd(hh).sum()) if len(hh) else 0.0
    g = sl.grievances
    counts = project_level_counts(hotspots) if len(hotspots) else {}
    return Headline(
        households=n,
        handed_over=handed,
        handover_pct=round(handed / n * 100, 2) if n else 0.0,
        area_m2=round(area, 2),
        area_handed_over_pct=round(area_handed / area * 100, 2) if area > 0 else 0.0,
        paid=paid,
        compensation_paid_vnd=round(comp, 0),
        grievances_open=int(g["is_open"].sum()) if len(g) else 0,
        grievances_overdue=int(g["is_overdue"].sum()) if len(g) else 0,
        hotspots=counts.get("hotspot", 0),
        risk=counts.get("risk", 0),
        watch=counts.get("watch", 0),
        hamlet_wide=counts.get("hamlet_wide", 0),
    )


# --------------------------------------------------------------------------- totals that add up

UNPLACED_LABEL = "Chưa xác định thôn / not placed"
"""The row of household rows whose parcel is not in the parcel layer, and of grievances with no hamlet."""
OVERLAP_LABEL = "Trừ hộ tính ở nhiều dòng / counted in more than one row"
"""The row that takes off households counted in more than one hamlet (or also as not placed)."""
TOTAL_LABEL = "Tổng cộng"

COUNTED_ONCE = ("households", "households_handed_over", "households_paid")
"""Columns where a household with land in several hamlets counts once per hamlet, but once in the total."""


@dataclass(frozen=True)
class Reconciliation:
    """The rows that make a per-hamlet table add up to the headline.

    Every row is a dict of :data:`SUMMARY_COLUMNS` (``hamlet_id`` blank,
    ``hamlet_name`` the row's label).

    Attributes
    ----------
    unplaced : dict or None
        "Chưa xác định thôn": household rows whose parcel is not in the parcel
        layer and grievances with no hamlet, counted like a hamlet; ``None``
        where there are none.
    overlap : dict or None
        Households counted in more than one row above (land in two hamlets,
        or placed and unplaced rows), as negative numbers in
        :data:`COUNTED_ONCE`, blank elsewhere; ``None`` where there are none.
    total : dict
        The whole selection: equals :func:`headline` (distinct households;
        handed over or paid where every one of their rows is).
    note : str
        One sentence (Vietnamese / English) explaining both effects, with
        their counts.
    unplaced_rows, unplaced_grievances, overlapping_households : int
    """

    unplaced: SummaryRow | None
    overlap: SummaryRow | None
    total: SummaryRow
    note: str
    unplaced_rows: int = 0
    unplaced_grievances: int = 0
    overlapping_households: int = 0

    def rows(self) -> list[SummaryRow]:
        """The rows to put under the hamlets: not placed, the overlap (where any), then the total."""
        return [r for r in (self.unplaced, self.overlap) if r is not None] + [self.total]

    @property
    def note_vi(self) -> str:
        """:attr:`note` in Vietnamese only (for documents in Vietnamese)."""
        return reconciliation_note(
            self.unplaced_rows, self.unplaced_grievances, self.overlapping_households, english=False
        )

    @property
    def needed(self) -> bool:
        """Whether the hamlet rows alone do not add up to the total."""
        return self.unplaced is not None or self.overlap is not None


def _block(hh: pd.DataFrame, g: pd.DataFrame, parcels: int, label: str) -> SummaryRow:
    """The summary columns of a set of household rows and grievances taken together."""
    per = hh.groupby("household_id")["stage_rank"].min() if len(hh) else pd.Series(dtype="int64")
    n, handed, paid = len(per), int((per >= HANDED_OVER).sum()), int((per >= PAID).sum())
    area = float(hh["area_m2"].sum()) if len(hh) else 0.0
    area_handed = float(hh.loc[hh["stage_rank"] >= HANDED_OVER, "area_m2"].sum()) if len(hh) else 0.0
    comp = float(paid_vnd(hh).sum()) if len(hh) else 0.0
    g_open = g[g["is_open"].astype(bool)] if len(g) else g
    return {
        "hamlet_id": "",
        "hamlet_name": label,
        "parcels_affected": int(parcels),
        "area_affected_m2": round(area, 2),
        "households": n,
        "households_handed_over": handed,
        "handover_pct": round(handed / n * 100, 2) if n else 0.0,
        "area_handed_over_pct": round(min(area_handed / area * 100, 100.0), 2) if area > 0 else 0.0,
        "households_paid": paid,
        "compensation_paid_vnd": round(comp, 0),
        "grievances_open": len(g_open),
        "grievances_overdue": int(g_open["is_overdue"].astype(bool).sum()) if len(g_open) else 0,
        "max_signatories_open": int(g_open["signatories"].max()) if len(g_open) else 0,
        "hotspot_level": "",
        "hotspot_reasons": [],
    }


def _named_parcels(hh: pd.DataFrame) -> int:
    """Distinct parcels named by unplaced rows (sheet, number, commune); a row naming none counts alone."""
    if not len(hh):
        return 0
    cols = [c for c in ("map_sheet", "parcel_no", "commune_code") if c in hh.columns]
    if not cols:
        return len(hh)
    keys = hh[cols].astype(object)
    named = keys.notna().any(axis=1)
    return int(len(keys[named].astype(str).drop_duplicates()) + (~named).sum())


def level_counts_text(summary: pd.DataFrame) -> str:
    """``"1 điểm nóng, 2 nguy cơ"``: hamlets per level (a project's own), then hamlet-wide alerts."""
    counts = project_level_counts(summary)
    parts = [f"{counts[k]} {LEVEL_LABELS[k].lower()}" for k in ALERT_LEVELS if counts.get(k)]
    if counts.get("hamlet_wide"):
        parts.append(f"{counts['hamlet_wide']} cảnh báo cả thôn")
    return ", ".join(parts)


def reconcile(sl: TimeSlice, summary: pd.DataFrame) -> Reconciliation:
    """The "not placed" row, the overlap and the total that make ``summary`` add up to :func:`headline`.

    A household row whose parcel is not in the parcel layer counts in no
    hamlet, and a household with land in two hamlets counts in both: so the
    hamlet rows alone add up neither to the headline nor to the project
    table. Shown under the hamlets, these rows make the sum visible:
    hamlets + not placed − overlap = total = headline.

    Parameters
    ----------
    sl : TimeSlice
        The slice ``summary`` was computed from.
    summary : DataFrame
        :func:`summarize_slice` of ``sl`` (or some of its rows: hamlets left
        out of a table must have nothing in them).

    Returns
    -------
    Reconciliation

    Example
    -------
    >>> an = geo.analyse(ws, sel)  # doctest: +SKIP
    >>> rec = reconcile(an.slice, an.summary)  # doctest: +SKIP
    >>> rec.total["households"] == an.headline.households  # doctest: +SKIP
    True
    """
    hh, g = sl.households, sl.grievances
    placed_hh = hh["hamlet_id"].notna() if len(hh) else pd.Series(dtype=bool)
    un_hh = hh[~placed_hh] if len(hh) else hh
    un_g = g[g["hamlet_id"].isna()] if len(g) else g
    parcels_placed = int(hh.loc[placed_hh, "parcel_id"].nunique()) if len(hh) else 0
    unplaced: SummaryRow | None = None
    if len(un_hh) or len(un_g):
        unplaced = _block(un_hh, un_g, _named_parcels(un_hh), UNPLACED_LABEL)
    total = _block(hh, g, parcels_placed + _named_parcels(un_hh), TOTAL_LABEL)
    total["hotspot_level"] = level_counts_text(summary)
    overlap: SummaryRow | None = None
    shown = [summary[list(COUNTED_ONCE)].sum()]
    if unplaced is not None:
        shown.append(pd.Series({c: unplaced[c] for c in COUNTED_ONCE}))
    summed = pd.concat(shown, axis=1).sum(axis=1)
    extra = {c: int(summed[c]) - int(total[c]) for c in COUNTED_ONCE}
    if extra["households"] > 0:
        overlap = {c: None for c in SUMMARY_COLUMNS}
        overlap.update(hamlet_id="", hamlet_name=OVERLAP_LABEL, hotspot_level="", hotspot_reasons=[])
        overlap.update({c: -v for c, v in extra.items()})
    n_rows, n_g, n_over = len(un_hh), len(un_g), max(extra["households"], 0)
    return Reconciliation(unplaced, overlap, total, reconciliation_note(n_rows, n_g, n_over), n_rows, n_g, n_over)


def reconciliation_note(
    unplaced_rows: int = 0, unplaced_grievances: int = 0, overlapping: int = 0, english: bool = True
) -> str:
    """One sentence, Vietnamese then English (unless ``english=False``), on why hamlet rows alone do not add up.

    Example
    -------
    >>> reconciliation_note(3, 0, 1)[:60]
    'Dòng “Chưa xác định thôn” gồm các dòng hộ có thửa không có t'
    """
    rows = f" ({unplaced_rows} dòng)" if unplaced_rows else ""
    grievances = f" ({unplaced_grievances} đơn)" if unplaced_grievances else ""
    over = f" ({overlapping} hộ)" if overlapping else ""
    vi = (
        f"Dòng “Chưa xác định thôn” gồm các dòng hộ có thửa không có trong lớp thửa đất{rows} và đơn thư "
        f"không xác định được thôn{grievances}; một hộ có đất ở nhiều thôn (hoặc có dòng chưa xác định thôn) "
        f"được tính ở mỗi dòng nhưng chỉ một lần ở dòng {TOTAL_LABEL}{over}, nên {TOTAL_LABEL} bằng số liệu "
        "chung của lựa chọn."
    )
    if not english:
        return vi
    return (
        vi + " / “Not placed” holds household rows whose parcel is not in the parcel layer and grievances "
        "with no hamlet; a household with land in several hamlets (or also not placed) counts in each row but "
        "once in the total, which therefore equals the selection's headline."
    )


def write_summary_csv(summary: pd.DataFrame, path: str | Path | TextIO) -> None:
    """Write the summary as UTF-8 CSV: plain numbers, percentages with two decimals.

    ``path`` is a file name (written atomically: :func:`geo.outputs.atomic_write`)
    or an open text buffer. Text cells a spreadsheet would take for a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR) start with an apostrophe; numbers stay numbers.
    """
    from .outputs import atomic_write, spreadsheet_safe

    frame = spreadsheet_safe(with_joined_reasons(summary[list(SUMMARY_COLUMNS)]))
    for col in ("handover_pct", "area_handed_over_pct"):
        frame[col] = frame[col].map(lambda v: f"{v:.2f}")
    frame["area_affected_m2"] = frame["area_affected_m2"].map(lambda v: f"{v:.2f}")
    frame["compensation_paid_vnd"] = frame["compensation_paid_vnd"].map(lambda v: f"{v:.0f}")
    if hasattr(path, "write"):
        frame.to_csv(path, index=False)
    else:
        atomic_write(path, frame.to_csv(index=False).encode("utf-8"))
