"""Map snapshots for reports: A4 PNG (300 dpi) and PDF drawn on the server, and the offline HTML map.

:func:`snapshot_figure` draws one selection on one date with geopandas and
matplotlib (no browser, no tiles, no network, the same picture every time):

* a title: the commune, "BẢN ĐỒ TIẾN ĐỘ BỒI THƯỜNG, HỖ TRỢ, TÁI ĐỊNH CƯ",
  the project (or all projects), hamlets and the as-of date (dd/mm/yyyy);
* parcels coloured by the procedure stage reached (the same viridis steps
  as the interactive map), unaffected parcels in grey;
* hamlets outlined and shaded by hotspot level, with their names, and a
  warning mark on each hamlet at risk or hotspot level;
* open grievances that have a point (overdue ones dark red), project
  boundaries dashed;
* a legend, a scale bar with the printed scale on A4, a north arrow and a
  source line.

Text is drawn in DejaVu Sans, which ships with matplotlib and has every
Vietnamese letter; :func:`missing_glyphs` checks a text against the font.
Snapshots carry no personal data: no household names, ids or amounts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon, Rectangle
from matplotlib.typing import RcKeyType

from ..analysis import Analysis
from ..disclosure import Disclosure
from ..formatting import fmt_date, fmt_number
from ..hotspots import LEVEL_LABELS
from ..hotspots.scope import HAMLET_WIDE_LABEL, is_hamlet_wide
from ..maps import (  # STAGE_COLOURS: the interactive map's colours, so both maps read the same
    STAGE_COLOURS,
    build_map,
    map_html,
    mappable_grievances,
    selection_title,
)
from ..outputs import atomic_write, guard_output
from ..schema import STAGES
from ..selection import Selection, TimeSlice
from ..vocabulary import GRIEVANCE_STATES, LEVEL_COLOURS, LEVEL_ORDER, RISK_LEVELS
from ..workspace import Workspace
from ._common import (
    analysis_of,
    clean,
    commune_name,
    default_selection,
    selection_text,
)

Orientation = Literal["landscape", "portrait"]

A4_MM = (297.0, 210.0)
"""A4 landscape, millimetres."""
DPI = 300
FONT = "DejaVu Sans"
"""Ships with matplotlib; covers Latin Extended Additional (ạ ầ ẩ ỹ ự …), ơ, ư and đ."""

UNAFFECTED_FILL = "#e3e3e3"
OVERDUE_COLOUR = "#67001f"
OPEN_COLOUR = "#f4a582"
PROJECT_COLOUR = "#2166ac"
WIDE = "hamlet_wide"
"""The drawn level of a hamlet-wide alert under a project filter (:mod:`geo.hotspots.scope`)."""
WIDE_COLOUR = "#555555"
"""Its dashed outline, grey as on the interactive map."""
MAX_PARCELS = 60_000
"""Parcels drawn at most; beyond it only affected parcels, beyond it again hamlets by progress."""

TITLE = "BẢN ĐỒ TIẾN ĐỘ BỒI THƯỜNG, HỖ TRỢ, TÁI ĐỊNH CƯ"

_RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "pdf.fonttype": 42,  # TrueType in the PDF: the text stays text, searchable and copyable
    "ps.fonttype": 42,
    "svg.fonttype": "none",
    "axes.unicode_minus": True,
}


@dataclass(frozen=True)
class SnapshotInfo:
    """What :func:`snapshot_figure` drew."""

    mode: str
    """"parcels", "affected" (only the affected parcels) or "hamlets" (hamlets filled by progress)."""
    scale: int
    """The printed scale's denominator on A4 (1:``scale``)."""
    extent: tuple[float, float, float, float]
    """The map's extent, workspace CRS (metres): x0, y0, x1, y1."""
    orientation: Orientation
    grievance_points: int
    """Open grievances drawn as points."""


@dataclass(frozen=True)
class Snapshot:
    """A snapshot from :func:`snapshot_figure`: the matplotlib figure and what it drew."""

    figure: Figure
    """The size of A4, not attached to pyplot; ``figure.legends[0]`` is the legend."""
    info: SnapshotInfo


def missing_glyphs(text: str, font: str = FONT) -> set[str]:
    """The characters of ``text`` that ``font`` has no glyph for (tofu when drawn).

    Example
    -------
    >>> missing_glyphs("ạ ầ ẩ ỹ ự ơ đ Đ")
    set()
    """
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=font), fallback_to_default=False)
    ft = FT2Font(path)
    return {c for c in set(clean(text)) if not c.isspace() and ft.get_char_index(ord(c)) == 0}


# --------------------------------------------------------------------------- geometry helpers


def _paper_size(orientation: Orientation) -> tuple[float, float]:
    w, h = A4_MM if orientation == "landscape" else A4_MM[::-1]
    return w / 25.4, h / 25.4


Box = tuple[float, float, float, float]
"""A bounding box: min x, min y, max x, max y."""


def _bounds(geoms: gpd.GeoSeries) -> Box | None:
    geoms = geoms[geoms.notna() & ~geoms.is_empty] if len(geoms) else geoms
    if not len(geoms):
        return None
    b = geoms.total_bounds
    if not np.isfinite(b).all():
        return None
    x0, y0, x1, y1 = (float(v) for v in b)
    return x0, y0, x1, y1


def _union(*boxes: Box | None) -> Box | None:
    found = [b for b in boxes if b is not None]
    if not found:
        return None
    a = np.asarray(found, dtype="float64")
    return float(a[:, 0].min()), float(a[:, 1].min()), float(a[:, 2].max()), float(a[:, 3].max())


def _extent(ws: Workspace, sl: TimeSlice) -> Box:
    """The part of the commune to show (workspace CRS, metres)."""
    sel = sl.selection
    box = None
    if sel.hamlets:
        box = _bounds(sl.hamlets.geometry)
    elif sel.project or sel.stages or sel.land_uses:
        ids = sl.households["parcel_id"].dropna().unique()
        parcels = ws.parcels[ws.parcels["parcel_id"].isin(ids)]
        proj = sl.projects.geometry if "geometry" in sl.projects else gpd.GeoSeries([])
        box = _union(_bounds(parcels.geometry), _bounds(proj))
    box = box or _bounds(sl.hamlets.geometry) or _bounds(ws.hamlets.geometry) or _bounds(ws.parcels.geometry)
    if box is None:
        return 0.0, 0.0, 1000.0, 1000.0
    x0, y0, x1, y1 = box
    w, h = max(x1 - x0, 200.0), max(y1 - y0, 200.0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _fit(extent, ax_w_in: float, ax_h_in: float, pad: float = 0.06):
    """Grow ``extent`` to the axes' aspect ratio, with a margin."""
    x0, y0, x1, y1 = extent
    w, h = (x1 - x0) * (1 + 2 * pad), (y1 - y0) * (1 + 2 * pad)
    aspect = ax_w_in / ax_h_in
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _nice_length(max_m: float) -> float:
    """The largest 1-2-2.5-5 × 10ⁿ length not above ``max_m``."""
    if max_m <= 0:
        return 1.0
    exp = np.floor(np.log10(max_m))
    for m in (5, 2.5, 2, 1):
        v = m * 10**exp
        if v <= max_m:
            return float(v)
    return float(10**exp)


def _length_text(m: float) -> str:
    return f"{fmt_number(m / 1000, 1 if m % 1000 else 0)} km" if m >= 1000 else f"{fmt_number(m)} m"


def _round_scale(denominator: float) -> int:
    """1:23 456 → 1:23 500 (three significant digits, to the nearest 100 at least)."""
    if denominator <= 0 or not np.isfinite(denominator):
        return 0
    step = max(100, 10 ** (int(np.floor(np.log10(denominator))) - 2))
    return int(round(denominator / step) * step)


# --------------------------------------------------------------------------- drawing


def _halo(width: float = 2.6):
    return [patheffects.withStroke(linewidth=width, foreground="white")]


def _draw_scale_bar(ax, extent, ax_w_in: float) -> int:
    """Scale bar in the lower left; returns the printed scale's denominator."""
    x0, y0, x1, y1 = extent
    width_m = x1 - x0
    length = _nice_length(width_m * 0.22)
    bx, by = x0 + width_m * 0.03, y0 + (y1 - y0) * 0.035
    bar_h = (y1 - y0) * 0.008
    n = 4
    seg = length / n
    ax.add_patch(
        Rectangle(
            (bx - width_m * 0.012, by - bar_h * 2.2),
            length + width_m * 0.05,
            bar_h * 7.2,
            facecolor="white",
            edgecolor="none",
            alpha=0.8,
            zorder=20,
        )
    )
    for i in range(n):
        ax.add_patch(
            Rectangle(
                (bx + i * seg, by),
                seg,
                bar_h,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
                zorder=21,
            )
        )
    for x, label in ((bx, "0"), (bx + length / 2, _length_text(length / 2)), (bx + length, _length_text(length))):
        ax.text(x, by + bar_h * 1.6, label, ha="center", va="bottom", fontsize=6.5, zorder=22)
    denominator = _round_scale(width_m / (ax_w_in * 0.0254))
    ax.text(
        bx + length / 2,
        by - bar_h * 0.6,
        f"Tỷ lệ 1:{fmt_number(denominator)} (in khổ A4)",
        ha="center",
        va="top",
        fontsize=6,
        zorder=22,
    )
    return denominator


def _draw_north_arrow(ax) -> None:
    """A north arrow in the upper right ("B" for Bắc); grid north in the TM zone (convergence < 1°)."""
    cx, top = 0.955, 0.955
    w, h = 0.018, 0.07
    ax.add_patch(
        Polygon(
            [(cx, top - 0.012), (cx - w, top - h), (cx, top - h * 0.72)],
            closed=True,
            transform=ax.transAxes,
            facecolor="black",
            edgecolor="black",
            linewidth=0.6,
            zorder=22,
        )
    )
    ax.add_patch(
        Polygon(
            [(cx, top - 0.012), (cx + w, top - h), (cx, top - h * 0.72)],
            closed=True,
            transform=ax.transAxes,
            facecolor="white",
            edgecolor="black",
            linewidth=0.6,
            zorder=22,
        )
    )
    ax.text(
        cx,
        top - 0.008,
        "B",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=10,
        fontweight="bold",
        zorder=22,
        path_effects=_halo(),
    )


def _parcel_stage(sl: TimeSlice) -> pd.Series:
    """Parcel id → the least advanced stage rank among its household rows."""
    hh = sl.households
    if not len(hh):
        return pd.Series(dtype="int64")
    return hh.dropna(subset=["parcel_id"]).groupby("parcel_id")["stage_rank"].min()


def _draw_parcels(ax, ws: Workspace, sl: TimeSlice, extent, summary: pd.DataFrame) -> str:
    x0, y0, x1, y1 = extent
    parcels = sl.parcels.cx[x0:x1, y0:y1] if len(sl.parcels) else sl.parcels
    ranks = _parcel_stage(sl)
    affected = parcels["parcel_id"].isin(ranks.index)
    mode = "parcels"
    if len(parcels) > MAX_PARCELS:
        mode = "affected" if affected.sum() <= MAX_PARCELS else "hamlets"
    if mode == "hamlets":
        h = sl.hamlets.merge(summary[["hamlet_id", "handover_pct", "households"]], on="hamlet_id", how="left")
        colours = [
            STAGE_COLOURS[STAGES.keys[int(min(7, np.floor((p or 0) / 100 * 8)))]] if n else UNAFFECTED_FILL
            for p, n in zip(h["handover_pct"].fillna(0), h["households"].fillna(0))
        ]
        h.plot(ax=ax, color=colours, edgecolor="#555555", linewidth=0.4, zorder=2)
        return mode
    rest = parcels[~affected]
    if mode == "parcels" and len(rest):
        rest.plot(ax=ax, facecolor=UNAFFECTED_FILL, edgecolor="#b0b0b0", linewidth=0.12, zorder=2)
    hit = parcels[affected]
    if len(hit):
        r = hit["parcel_id"].map(ranks).astype("int64")
        colours = [STAGE_COLOURS[STAGES.keys[i]] for i in r]
        hit.plot(ax=ax, color=colours, edgecolor="#333333", linewidth=0.15, zorder=3)
    return mode


def _label_points(hamlets: gpd.GeoDataFrame, extent) -> list[tuple[float, float, str, str]]:
    """``(x, y, hamlet_id, name)`` at each hamlet's representative point inside the view."""
    x0, y0, x1, y1 = extent
    view = shapely.box(x0, y0, x1, y1)
    out = []
    for hid, name, geom in zip(hamlets["hamlet_id"], hamlets["hamlet_name"], hamlets.geometry):
        if geom is None or geom.is_empty:
            continue
        part = geom.intersection(view)
        if part.is_empty:
            continue
        pt = part.representative_point()
        out.append((pt.x, pt.y, str(hid), clean(name)))
    return out


def _open_grievance_points(ws: Workspace, sl: TimeSlice) -> gpd.GeoDataFrame | None:
    g = sl.grievances
    if not len(g) or "geometry" not in g:
        return None
    keep = g["is_open"].astype(bool).to_numpy() & mappable_grievances(g)  # never a denunciation's point
    if not keep.any():
        return None
    return gpd.GeoDataFrame(g.loc[keep].drop(columns="geometry"), geometry=g["geometry"].to_numpy()[keep], crs=ws.crs)


def _legend_rows(
    sl: TimeSlice, levels: pd.Series, mode: str, n_points: int, projects: bool
) -> list[list[tuple[Artist | None, str]]]:
    """Sections of ``(handle, label)``; a ``None`` handle is a section heading."""
    hh = sl.households
    counts = hh.groupby("stage")["household_id"].nunique().to_dict() if len(hh) else {}
    sections: list[list[tuple[Artist | None, str]]] = []
    heading = "Thửa đất theo bước đã đạt (số hộ)" if mode != "hamlets" else "Tỷ lệ hộ đã bàn giao theo thôn"
    stage: list[tuple[Artist | None, str]] = [(None, heading)]
    for i, key in enumerate(STAGES.keys):
        handle = Patch(facecolor=STAGE_COLOURS[key], edgecolor="#333333", linewidth=0.4)
        if mode == "hamlets":
            stage.append((handle, f"{fmt_number(i * 12.5, 1)}–{fmt_number((i + 1) * 12.5, 1)}%"))
        else:
            stage.append((handle, f"{STAGES.label(key)} ({fmt_number(counts.get(key, 0))})"))
    if mode == "parcels":
        stage.append(
            (Patch(facecolor=UNAFFECTED_FILL, edgecolor="#b0b0b0", linewidth=0.4), "Không bị thu hồi / ngoài lựa chọn")
        )
    sections.append(stage)
    n_level = levels.value_counts().to_dict() if len(levels) else {}
    lvl: list[tuple[Artist | None, str]] = [(None, "Thôn theo mức cảnh báo (số thôn)")]
    for i, key in enumerate(LEVEL_ORDER):
        colour = LEVEL_COLOURS[key]
        handle = Patch(
            facecolor=colour if key != "none" else "none", alpha=None, edgecolor=colour, linewidth=0.8 + 0.6 * i
        )
        if key != "none":
            handle.set_facecolor(matplotlib.colors.to_rgba(colour, 0.25))
        lvl.append((handle, f"{LEVEL_LABELS[key]} ({n_level.get(key, 0)})"))
    if n_level.get(WIDE, 0):
        lvl.append(
            (
                Patch(facecolor="none", edgecolor=WIDE_COLOUR, linestyle="--", linewidth=1.6),
                f"Cảnh báo {HAMLET_WIDE_LABEL}, ngoài dự án ({n_level[WIDE]})",
            )
        )
    lvl.append(
        (
            Line2D(
                [],
                [],
                marker="^",
                linestyle="none",
                markersize=9,
                markerfacecolor=LEVEL_COLOURS["hotspot"],
                markeredgecolor="white",
            ),
            "Dấu điểm nóng",
        )
    )
    lvl.append(
        (
            Line2D(
                [],
                [],
                marker="^",
                linestyle="none",
                markersize=7,
                markerfacecolor=LEVEL_COLOURS["risk"],
                markeredgecolor="white",
            ),
            "Dấu nguy cơ",
        )
    )
    sections.append(lvl)
    other: list[tuple[Artist | None, str]] = [(None, "Ký hiệu khác")]
    if n_points:
        other.append(
            (
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="none",
                    markersize=6,
                    markerfacecolor=OVERDUE_COLOUR,
                    markeredgecolor="white",
                ),
                "Đơn thư quá hạn giải quyết",
            )
        )
        other.append(
            (
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="none",
                    markersize=6,
                    markerfacecolor=OPEN_COLOUR,
                    markeredgecolor="#b2182b",
                ),
                f"Đơn thư {GRIEVANCE_STATES.label('open').lower()}",
            )
        )
    if projects:
        other.append((Line2D([], [], color=PROJECT_COLOUR, linestyle="--", linewidth=1.6), "Ranh giới dự án"))
    other.append((Line2D([], [], color="#555555", linewidth=0.8), "Ranh giới thôn"))
    sections.append(other)
    return sections


def _add_legend(fig: Figure, sections, orientation: Orientation, anchor: tuple[float, float]):
    handles, labels, heading = [], [], []
    if orientation == "portrait":
        height = max(len(s) for s in sections)
        sections = [s + [(Patch(visible=False), "")] * (height - len(s)) for s in sections]
    for section in sections:
        for handle, label in section:
            heading.append(handle is None)
            handles.append(Patch(visible=False) if handle is None else handle)
            labels.append(label)
    legend = fig.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=anchor,
        frameon=True,
        fancybox=False,
        edgecolor="#444444",
        fontsize=7.2,
        title="CHÚ GIẢI",
        title_fontproperties={"weight": "bold", "size": 9},
        ncols=1 if orientation == "landscape" else len(sections),
        handlelength=1.8,
        handleheight=1.1,
        borderpad=0.8,
        labelspacing=0.45,
        columnspacing=1.6,
    )
    for text, is_heading in zip(legend.get_texts(), heading):
        if is_heading:
            text.set_fontweight("bold")
    return legend


def snapshot_figure(
    ws: Workspace,
    selection: Selection | None = None,
    orientation: Orientation = "landscape",
    *,
    analysis: Analysis | None = None,
    title: str | None = None,
    dpi: int = DPI,
) -> Snapshot:
    """The map of one selection on one date as a matplotlib figure the size of A4, with what it drew.

    Parameters
    ----------
    ws : Workspace
        A workspace without errors.
    selection : Selection, optional
        Project, hamlets, stages, land uses and as-of date (default:
        everything on the workspace's as-of date).
    orientation : {"landscape", "portrait"}
        A4 across or upright.
    analysis : Analysis, optional
        :func:`geo.analyse` of the same selection, where the caller has one
        (else it is made here): the levels shade the hamlets, the summary
        fills them where the selection has too many parcels to draw one by one.
    title : str, optional
        Replaces the heading line ``TITLE``.
    dpi : int
        Resolution the figure is set up for (300 for print).

    Returns
    -------
    Snapshot
        ``.figure``: the :class:`matplotlib.figure.Figure`, not attached to
        pyplot (safe in a web server), ``figure.legends[0]`` the legend;
        ``.info`` (:class:`SnapshotInfo`): the drawing mode, the printed scale
        and the extent.

    Example
    -------
    >>> import geo
    >>> from geo.exports import snapshot_figure
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> fig = snapshot_figure(ws, geo.Selection.make(project="DA-DT242", as_of="20/11/2026")).figure  # doctest: +SKIP
    >>> [t.get_text() for t in fig.legends[0].get_texts()][:2]  # doctest: +SKIP
    ['Thửa đất theo bước đã đạt (số hộ)', 'Thông báo thu hồi đất (12)']
    """
    if orientation not in ("landscape", "portrait"):
        raise ValueError(f"orientation must be 'landscape' or 'portrait', not {orientation!r}")
    an = analysis_of(ws, selection, analysis)
    sel, sl, hotspots, summary = an.selection, an.slice, an.levels, an.summary
    levels = hotspots.set_index("hamlet_id")["hotspot_level"] if len(hotspots) else pd.Series(dtype=object)
    levels = levels.reindex(sl.hamlets["hamlet_id"]).fillna("none")
    # under a project filter, a hamlet alerted by hamlet-wide signals only is not one of the project's hotspots:
    # no fill, no warning mark, a dashed outline (as on the map), its own legend row
    wide = is_hamlet_wide(hotspots).set_axis(hotspots["hamlet_id"]) if len(hotspots) else pd.Series(dtype=bool)
    wide = wide[~wide.index.duplicated()].reindex(levels.index).fillna(False).astype(bool)
    levels = levels.mask(wide & (levels != "none"), WIDE)

    with matplotlib.rc_context(_RC):
        fig_w, fig_h = _paper_size(orientation)
        fig = Figure(figsize=(fig_w, fig_h), dpi=dpi, facecolor="white")
        margin = 10 / 25.4  # 10 mm
        mx, my = margin / fig_w, margin / fig_h
        # -- title block
        place = commune_name(ws) + (f", tỉnh {clean(ws.config.province)}" if ws.config.province else "")
        top = 1 - my
        fig.text(0.5, top, place.upper(), ha="center", va="top", fontsize=10, color="#333333")
        fig.text(
            0.5,
            top - 0.032 * (8.27 / fig_h),
            clean(title) if title else TITLE,
            ha="center",
            va="top",
            fontsize=15,
            fontweight="bold",
        )
        fig.text(
            0.5,
            top - 0.075 * (8.27 / fig_h),
            f"{selection_text(ws, sel)} — số liệu đến ngày {fmt_date(sel.as_of)}",
            ha="center",
            va="top",
            fontsize=10.5,
            style="italic",
        )
        title_h = 0.105 * (8.27 / fig_h)
        # -- map and legend boxes (figure fractions)
        foot = my + 0.045 * (8.27 / fig_h)
        if orientation == "landscape":
            legend_w = 0.255
            ax_box = (mx, foot, 1 - 2 * mx - legend_w - 0.012, top - title_h - foot)
            legend_anchor = (1 - mx - legend_w, top - title_h)
        else:
            legend_h = 0.205
            ax_box = (mx, foot + legend_h + 0.01, 1 - 2 * mx, top - title_h - foot - legend_h - 0.01)
            legend_anchor = (mx, foot + legend_h)
        ax = fig.add_axes(ax_box)
        ax_w_in, ax_h_in = ax_box[2] * fig_w, ax_box[3] * fig_h
        extent = _fit(_extent(ws, sl), ax_w_in, ax_h_in)
        x0, y0, x1, y1 = extent
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#fbfbf8")
        for spine in ax.spines.values():
            spine.set_linewidth(0.9)

        # -- layers, bottom up
        context = ws.hamlets.cx[x0:x1, y0:y1] if len(ws.hamlets) else ws.hamlets
        if len(context):
            context.plot(ax=ax, facecolor="#f1f1ec", edgecolor="#a0a0a0", linewidth=0.5, zorder=1)
        shaded = sl.hamlets.assign(_lvl=levels.to_numpy())
        fills = shaded[~shaded["_lvl"].isin(["none", WIDE])]
        if len(fills):
            fills.plot(
                ax=ax,
                color=[matplotlib.colors.to_rgba(LEVEL_COLOURS[v], 0.2) for v in fills["_lvl"]],
                edgecolor="none",
                zorder=1.5,
            )
        mode = _draw_parcels(ax, ws, sl, extent, summary)
        for i, key in enumerate(LEVEL_ORDER):
            part = shaded[shaded["_lvl"] == key]
            if len(part):
                part.boundary.plot(
                    ax=ax, color=LEVEL_COLOURS[key] if key != "none" else "#555555", linewidth=0.8 + 0.6 * i, zorder=4
                )
        part = shaded[shaded["_lvl"] == WIDE]
        if len(part):
            part.boundary.plot(ax=ax, color=WIDE_COLOUR, linestyle="--", linewidth=1.6, zorder=4)
        projects = sl.projects
        has_projects = False
        if "geometry" in projects and len(projects):
            geoms = projects.geometry
            drawn = projects[geoms.notna() & ~geoms.is_empty]
            if len(drawn):
                drawn.boundary.plot(ax=ax, color=PROJECT_COLOUR, linestyle="--", linewidth=1.4, zorder=5)
                has_projects = True
        points = _open_grievance_points(ws, sl)
        n_points = 0
        if points is not None:
            points = points.cx[x0:x1, y0:y1]
            n_points = len(points)
            if n_points:
                size = 10 + 9 * np.sqrt(points["signatories"].clip(lower=1).to_numpy(dtype="float64"))
                colour = np.where(points["is_overdue"].astype(bool), OVERDUE_COLOUR, OPEN_COLOUR)
                ax.scatter(
                    points.geometry.x,
                    points.geometry.y,
                    s=size,
                    c=list(colour),
                    edgecolors="white",
                    linewidths=0.5,
                    zorder=6,
                )
        labels = _label_points(sl.hamlets, extent)
        dy = (y1 - y0) * 0.028
        for x, y, hid, name in labels:
            lvl = levels.get(hid, "none")
            if lvl in RISK_LEVELS:
                big = lvl == "hotspot"
                ax.scatter(
                    [x],
                    [y - dy],
                    marker="^",
                    s=230 if big else 150,
                    c=LEVEL_COLOURS[lvl],
                    edgecolors="white",
                    linewidths=1.0,
                    zorder=7,
                )
                ax.text(
                    x,
                    y - dy * 1.08,
                    "!",
                    ha="center",
                    va="center",
                    color="white",
                    fontsize=8 if big else 6.5,
                    fontweight="bold",
                    zorder=8,
                )
            ax.text(
                x,
                y,
                name,
                ha="center",
                va="center",
                fontsize=8.5,
                fontweight="bold",
                color="#1a1a1a",
                zorder=9,
                path_effects=_halo(),
            )
        ax.set_xlabel("")
        ax.set_ylabel("")
        scale = _draw_scale_bar(ax, extent, ax_w_in)
        _draw_north_arrow(ax)

        # -- legend and source line
        sections = _legend_rows(sl, levels, mode, n_points, has_projects)
        _add_legend(fig, sections, orientation, legend_anchor)
        files = ", ".join(
            clean(f) for f in (ws.source.files.get(n) for n in ("hamlets", "parcels", "households", "grievances")) if f
        )
        crs = clean(ws.crs.name) if ws.crs is not None else ""
        source = (
            f"Nguồn: dữ liệu của {commune_name(ws)} ({files}).\n"
            f"Hệ tọa độ: {crs}. Lập ngày {fmt_date(date.today())}. Không chứa thông tin cá nhân của hộ."
        )
        fig.text(mx, my, source, ha="left", va="bottom", fontsize=6.5, color="#444444", linespacing=1.4)
        if mode == "hamlets":
            fig.text(
                1 - mx,
                my,
                "Vùng chọn nhiều thửa: hiển thị tỷ lệ bàn giao theo thôn.",
                ha="right",
                va="bottom",
                fontsize=6.5,
                color="#444444",
            )
    return Snapshot(fig, SnapshotInfo(mode, scale, extent, orientation, n_points))


def _render(fig: Figure, fmt: str, dpi: int, metadata: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", metadata=metadata)
    return buf.getvalue()


def snapshot_png(
    ws: Workspace, selection: Selection | None = None, orientation: Orientation = "landscape", dpi: int = DPI, **kwargs
) -> bytes:
    """The map snapshot as a PNG the size of A4 (3508 × 2480 px at 300 dpi, landscape).

    Parameters
    ----------
    ws, selection, orientation
        As :func:`snapshot_figure`.
    dpi : int
        300 for print; lower for a preview.
    **kwargs
        Passed to :func:`snapshot_figure` (``analysis``, ``title``).

    Returns
    -------
    bytes
        The PNG file.

    Example
    -------
    >>> png = snapshot_png(ws, geo.Selection.make(project="DA-DT242"))  # doctest: +SKIP
    >>> open("ban_do.png", "wb").write(png)  # doctest: +SKIP
    """
    fig = snapshot_figure(ws, selection, orientation, dpi=dpi, **kwargs).figure
    return _render(fig, "png", dpi, {"Title": TITLE, "Software": "geo (matplotlib)"})


def snapshot_pdf(
    ws: Workspace, selection: Selection | None = None, orientation: Orientation = "landscape", **kwargs
) -> bytes:
    """The map snapshot as a one-page A4 PDF (vector, text embedded as TrueType).

    Parameters
    ----------
    ws, selection, orientation
        As :func:`snapshot_figure`.
    **kwargs
        Passed to :func:`snapshot_figure`.

    Returns
    -------
    bytes
        The PDF file.

    Example
    -------
    >>> pdf = snapshot_pdf(ws, geo.Selection.make(as_of="20/11/2026"), "portrait")  # doctest: +SKIP
    """
    fig = snapshot_figure(ws, selection, orientation, **kwargs).figure
    sel = kwargs["analysis"].selection if kwargs.get("analysis") is not None else default_selection(ws, selection)
    meta = {
        "Title": f"{TITLE} — {selection_text(ws, sel)} — {fmt_date(sel.as_of)}",
        "Creator": "geo (matplotlib)",
        "CreationDate": None,
    }
    return _render(fig, "pdf", DPI, meta)


def snapshot_html(
    ws: Workspace,
    selection: Selection | None = None,
    disclosure: Disclosure = Disclosure.INTERNAL,
    analysis: Analysis | None = None,
) -> bytes:
    """The interactive map as one standalone HTML file that opens offline.

    Leaflet and its images are embedded; there are no tiles and no
    outside requests. Below ``Disclosure.PERSONAL`` (the default is
    ``INTERNAL``) the map shows no household names, ids or amounts in
    tooltips or popups, and no parcel or grievance case numbers; the type is
    the normal size.

    Parameters
    ----------
    ws, selection
        As :func:`snapshot_figure`.
    disclosure : Disclosure
        ``PERSONAL`` keeps household names and amounts in the parcel popups.
    analysis : Analysis, optional
        :func:`geo.analyse` of the selection, where the caller has one.

    Returns
    -------
    bytes
        UTF-8 HTML.

    Example
    -------
    >>> open("ban_do.html", "wb").write(snapshot_html(ws, sel))  # doctest: +SKIP
    """
    an = analysis_of(ws, selection, analysis)
    title = f"{commune_name(ws)} — {selection_title(ws, an.slice)}"
    # a file asked for: with PERSONAL disclosure the parcel popups embed their households (the page never does)
    built = build_map(ws, an, disclosure, basemap=False, title=title, household_details=disclosure.personal)
    page = map_html(built, inline_assets=True)
    return page.encode("utf-8")


def write_snapshot(
    path: str | Path,
    ws: Workspace,
    selection: Selection | None = None,
    orientation: Orientation = "landscape",
    disclosure: Disclosure = Disclosure.INTERNAL,
) -> Path:
    """Write a snapshot; the format follows the extension (``.png``, ``.pdf``, ``.html``).

    Example
    -------
    >>> write_snapshot("ban_do.pdf", ws, sel, "portrait")  # doctest: +SKIP
    """
    path = guard_output(path, ws)
    ext = path.suffix.lower()
    if ext == ".png":
        data = snapshot_png(ws, selection, orientation)
    elif ext == ".pdf":
        data = snapshot_pdf(ws, selection, orientation)
    elif ext in (".html", ".htm"):
        data = snapshot_html(ws, selection, disclosure)
    else:
        raise ValueError(f"snapshot: use .png, .pdf or .html, not “{path.suffix}”")
    atomic_write(path, data)
    return path
