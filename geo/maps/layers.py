"""Layers: what the map draws of one time slice (hamlets by hotspot level, parcels by stage or hamlet-level
progress, projects, Gi* clusters, grievances, hamlet names) and where the first view fits.

Each layer is a :class:`~geo.maps.elements.DataLayer` of encoded shapes from the
workspace's :class:`~geo.maps.display.DisplayGeometry`, with escaped tooltips.
A selection too large to draw parcel by parcel (``max_parcels``, ``max_bytes``)
falls back to its affected parcels, then to hamlet-level progress.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..formatting import fmt_date, fmt_number
from ..hotspots.scope import HAMLET_WIDE_LABEL, is_hamlet_wide
from ..schema import KINDS, STAGES, STATUSES, TOPICS
from ..selection import TimeSlice
from ..vocabulary import (
    AGREEMENT_LABELS,
    GRIEVANCE_STATES,
    LEVEL_COLOURS,
    LEVEL_LABELS,
    LEVEL_ORDER,
    RISK_LEVELS,
    reason_items,
)
from ..workspace import WGS84, Workspace
from .display import HAMLET_TOLERANCE_M, PRECISION, DisplayGeometry, _to_display
from .elements import DataLayer, _feature, esc

STAGE_COLOURS: dict[str, str] = dict(
    zip(STAGES.keys, ("#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"))
)
"""Viridis in 8 steps, "notified" (dark) to "handed over" (light): sequential and colour-blind safe."""

UNAFFECTED_COLOUR = "#9e9e9e"

"""Hamlet shading by hotspot level (orange–red, apart from the parcels' viridis)."""

LEVEL_NAMES = LEVEL_LABELS

GRIEVANCE_COLOURS: dict[str, str] = {"overdue": "#b2182b", "open": "#f4a582", "closed": "#ffffff"}


MAX_PARCELS = 8_000
"""Parcels per map at most; beyond it unaffected parcels go, then hamlet-level shapes replace parcels."""
MAX_PARCEL_BYTES = 1_100_000
"""Estimated bytes of the parcel layer at most (shapes, properties, household rows), same fallbacks:
with the other layers, a map stays under 1.5 MB."""
_PROPS_BYTES = 60  # per parcel: id, land use, area, hamlet, count
_HOUSEHOLD_BYTES = 110  # per household row in the popup table


@dataclass(frozen=True)
class MapInfo:
    """What :func:`build_map` drew, for captions and tests."""

    mode: str  # "parcels", "affected" (unaffected parcels left out) or "hamlets" (hamlet-level shapes)
    parcels_drawn: int
    parcels_in_selection: int
    grievances_drawn: int
    clusters_drawn: int
    bounds: tuple[float, float, float, float] | None


_LEVEL_ORDER = list(LEVEL_ORDER)


def hamlet_grievance_counts(ws: Workspace, sl: TimeSlice) -> pd.DataFrame:
    """Grievances per hamlet on the slice's date: ``open``, ``overdue`` and ``collective`` (open ones
    with at least the hotspot rules' ``collective_min`` signatories, 5 by default), indexed by hamlet_id.

    What meeting mode shows instead of numbered grievance points: counts, never a case number.
    """
    from ..hotspots.config import hotspot_config

    g = sl.grievances
    cols = ["open", "overdue", "collective"]
    if not len(g):
        return pd.DataFrame(columns=cols, dtype="int64").rename_axis("hamlet_id")
    collective_min = int(hotspot_config(ws.config.hotspots)["collective_min"])
    is_open = g["is_open"].fillna(False).astype(bool)
    sig = pd.to_numeric(g["signatories"], errors="coerce").fillna(1)
    frame = pd.DataFrame(
        {
            "hamlet_id": g["hamlet_id"].astype("string"),
            "open": is_open,
            "overdue": g["is_overdue"].fillna(False).astype(bool),
            "collective": is_open & (sig >= collective_min),
        }
    )
    frame = frame.dropna(subset=["hamlet_id"])
    return frame.groupby("hamlet_id")[cols].sum().astype("int64")


def _grievance_note(counts: pd.DataFrame | None, hid: str) -> tuple[str, str]:
    """``(tooltip line, label line)`` of a hamlet's grievance counts (blank where none is open)."""
    if counts is None or hid not in counts.index:
        return "", ""
    n_open, n_late, n_coll = (int(counts.at[hid, c]) for c in ("open", "overdue", "collective"))
    if not n_open:
        return "", ""
    tip = (
        f"Đơn thư chưa giải quyết: <b>{fmt_number(n_open)}</b> (quá hạn: {fmt_number(n_late)}; "
        f"tập thể: {fmt_number(n_coll)})"
    )
    label = f"{fmt_number(n_open)} đơn" + (f" · {fmt_number(n_late)} quá hạn" if n_late else "")
    return tip, label


def _hamlet_layer(
    sl: TimeSlice, disp: DisplayGeometry, levels: pd.DataFrame, meeting: bool, g_counts: pd.DataFrame | None = None
) -> DataLayer:
    # a fill for every level above none: a tint for watch, hatching for risk and hotspot
    styles = [
        {"color": "#555555", "weight": 1.5, "fillColor": LEVEL_COLOURS["none"], "fillOpacity": 0.0, "opacity": 0.9},
        {
            "color": LEVEL_COLOURS["watch"],
            "weight": 2.5,
            "fillColor": LEVEL_COLOURS["watch"],
            "fillOpacity": 0.3,
            "opacity": 0.95,
        },
        {
            "color": LEVEL_COLOURS["risk"],
            "weight": 3.5,
            "fillColor": "url(#geo-hatch-risk)",
            "fillOpacity": 1,
            "opacity": 0.95,
        },
        {
            "color": LEVEL_COLOURS["hotspot"],
            "weight": 4.5,
            "fillColor": "url(#geo-hatch-hotspot)",
            "fillOpacity": 1,
            "opacity": 1,
        },
    ]
    for lvl, st in zip(_LEVEL_ORDER, styles):
        st["className"] = f"hamlet-area hamlet-{lvl}"
    # a hamlet-wide alert under a project filter (field reports, party cell): outlined, never filled
    styles.append(
        {
            "color": "#555555",
            "weight": 2.5,
            "dashArray": "6 4",
            "fillOpacity": 0.0,
            "opacity": 0.9,
            "className": "hamlet-area hamlet-wide",
        }
    )
    wide = is_hamlet_wide(levels) if len(levels) else pd.Series(dtype=bool)
    features = []
    h = sl.hamlets
    blank = pd.Series([None] * len(h), index=h.index)
    for hid, name, officer, cell in zip(
        h["hamlet_id"].astype(str), h["hamlet_name"], h.get("officer", blank), h.get("party_cell", blank)
    ):
        geom = disp.hamlet_shapes.get(hid)
        if not geom:
            continue
        lvl = levels["hotspot_level"].get(hid, "none") if len(levels) else "none"
        lvl = lvl if lvl in _LEVEL_ORDER else "none"
        reasons = levels["hotspot_reasons"].get(hid) if len(levels) else None
        hamlet_wide = bool(wide.get(hid, False)) and lvl != "none"
        scope = f" ({HAMLET_WIDE_LABEL})" if hamlet_wide else ""
        rows = [f"<b>{esc(name)}</b>", f"Mức cảnh báo: <b>{LEVEL_NAMES[lvl]}{scope}</b>"]
        grievances, _ = _grievance_note(g_counts, hid)
        if grievances:
            rows.append(grievances)
        items = reason_items(reasons)
        if items:
            rows.append('Lý do:<ul class="why">' + "".join(f"<li>{esc(r)}</li>" for r in items) + "</ul>")
        if not meeting:
            if esc(officer):
                rows.append("Cán bộ theo dõi: " + esc(officer))
            if esc(cell):
                rows.append("Chi bộ: " + esc(cell))
        style = len(_LEVEL_ORDER) if hamlet_wide else _LEVEL_ORDER.index(lvl)
        features.append(_feature(geom, style, {"t": "<br>".join(rows)}))
    return DataLayer(features, styles, "Thôn – mức cảnh báo điểm nóng", sticky=True)


def _hatch_layer(sl: TimeSlice, disp: DisplayGeometry, levels: pd.DataFrame) -> DataLayer | None:
    """Hatching of the hamlets at risk and hotspot level, drawn above hamlet-level progress (not interactive)."""
    if not len(levels):
        return None
    lv = levels["hotspot_level"]
    wide = is_hamlet_wide(levels)  # a hamlet-wide alert keeps its dashed outline, never the project's hatch
    features = []
    for hid in sl.hamlets["hamlet_id"].astype(str):
        lvl = lv.get(hid, "none")
        geom = disp.hamlet_shapes.get(hid)
        if geom and lvl in RISK_LEVELS and not bool(wide.get(hid, False)):
            features.append(_feature(geom, 0 if lvl == "risk" else 1, {}))
    if not features:
        return None
    styles = [
        {"color": LEVEL_COLOURS["risk"], "weight": 3.5, "fillColor": "url(#geo-hatch-risk)", "fillOpacity": 1},
        {"color": LEVEL_COLOURS["hotspot"], "weight": 4.5, "fillColor": "url(#geo-hatch-hotspot)", "fillOpacity": 1},
    ]
    return DataLayer(features, styles, "Thôn nguy cơ, điểm nóng (gạch chéo)", sticky=True, interactive=False)


def _hamlet_labels(
    sl: TimeSlice,
    disp: DisplayGeometry,
    levels: pd.DataFrame,
    summary: pd.DataFrame | None,
    g_counts: pd.DataFrame | None,
) -> list[tuple[float, float, str, str]]:
    """``(lat, lon, name, note)`` per hamlet, the most important first (the page places them in that order).

    Importance: the hotspot level, then the affected parcels of the selection
    (``summary``), then the hamlet's size; where two names would overlap on
    screen the more important one shows (:class:`~geo.maps.elements.LabelLayer`).
    """
    h = sl.hamlets
    hids = h["hamlet_id"].astype(str).to_numpy()
    names = h["hamlet_name"].to_numpy()
    have = np.array([k in disp.hamlet_points for k in hids], dtype=bool)
    hids, names = hids[have], names[have]
    if not len(hids):
        return []
    pts = np.array([disp.hamlet_points[k] for k in hids], dtype="float64")
    notes = [_grievance_note(g_counts, k)[1] for k in hids] if g_counts is not None else [""] * len(hids)
    level_rank = (
        levels["hotspot_level"].reindex(hids).map({v: i for i, v in enumerate(_LEVEL_ORDER)}).fillna(0).to_numpy()
        if len(levels)
        else np.zeros(len(hids))
    )
    if summary is not None and len(summary) and "parcels_affected" in summary:
        per_hamlet = summary.groupby(summary["hamlet_id"].astype(str))["parcels_affected"].sum()
        parcels = per_hamlet.reindex(hids).fillna(0).to_numpy(dtype="float64")
    else:
        parcels = np.zeros(len(hids))
    b = np.array([disp.hamlet_bounds.get(k, (np.nan,) * 4) for k in hids], dtype="float64")
    area = np.nan_to_num((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]))
    order = np.lexsort((np.arange(len(hids)), -area, -parcels, -level_rank.astype("float64")))
    return [(float(pts[i, 0]), float(pts[i, 1]), names[i], notes[i]) for i in order]


_PARCEL_TIP_JS = """function (p, T, s) {
    var t = "<b>Thửa " + p.i + "</b> · " + (p.u || "—") + " · " + p.a + " m²<br>Thôn: " + (T.hm[p.h] || "");
    if (s > 0) { t += "<br>Bước: <b>" + T.st[s - 1] + "</b><br>Số hộ: " + p.n; }
    else { t += "<br><i>Không bị thu hồi / ngoài lựa chọn</i>"; }
    return t;
}"""

_PARCEL_MEETING_TIP_JS = """function (p, T, s) {
    var t = "Thôn: <b>" + (T.hm[p.h] || "—") + "</b><br>" + (p.u || "—") + " · " + p.a + " m²";
    if (s > 0) { t += "<br>Bước: <b>" + T.st[s - 1] + "</b>"; }
    else { t += "<br><i>Không bị thu hồi / ngoài lựa chọn</i>"; }
    return t;
}"""
"""Meeting mode: no parcel number, no household count (a parcel and its households stay unnamed)."""

_PARCEL_POPUP_JS = """function (p, T, s) {
    if (!p.k) { return null; }
    var t = "<b>Thửa " + p.i + "</b> · " + (p.u || "—") + " · " + p.a + " m²<br>Thôn: " + (T.hm[p.h] || "");
    p.k.forEach(function (k) {
        var r = T.hh[k];
        t += '<div class="hh">Chủ hộ: <b>' + (r[0] || "—") + "</b> (" + r[1] + ")<br>Dự án: " + T.pj[r[2]]
            + "<br>Bước: " + T.st[r[3]] + (r[4] ? " (" + r[4] + ")" : "")
            + (r[5] ? "<br>DT thu hồi: " + r[5] + " m²" : "")
            + (r[6] ? "<br>Tiền bồi thường: " + r[6] + " đồng" : "")
            + (r[7] !== null ? "<br>Ý kiến: " + T.ag[r[7]] : "") + "</div>";
    });
    return t;
}"""

_AGREEMENT = {key: i for i, key in enumerate(AGREEMENT_LABELS)}
_AGREEMENT_LABELS = list(AGREEMENT_LABELS.values())


def _parcel_layer(
    ws: Workspace,
    sl: TimeSlice,
    disp: DisplayGeometry,
    meeting: bool,
    max_parcels: int,
    max_bytes: int,
    summary: pd.DataFrame,
    project_names: dict[str, Any],
    household_details: bool = False,
) -> tuple[DataLayer, MapInfo]:
    """Parcels by the least advanced stage of their households, or the fallbacks; with what was drawn.

    ``household_details`` (never in meeting mode): each affected parcel opens a popup with its
    households (name, id, stage, amount, agreement), all embedded in the page.
    """
    popups = household_details and not meeting
    hh = sl.households
    parcels = sl.parcels
    pos = disp.parcel_index.get_indexer(parcels.index)
    keep = pos >= 0
    parcels, pos = parcels[keep], pos[keep]
    affected_ids = pd.Index(hh["parcel_id"].dropna().unique())
    is_aff = parcels["parcel_id"].isin(affected_ids).to_numpy()
    n_sel = len(parcels)
    shape_bytes = disp.shape_bytes[pos] + _PROPS_BYTES
    rows_bytes = len(hh) * _HOUSEHOLD_BYTES if popups else 0
    mode = "parcels"
    if n_sel > max_parcels or shape_bytes.sum() + rows_bytes > max_bytes:
        fits = is_aff.sum() <= max_parcels and shape_bytes[is_aff].sum() + rows_bytes <= max_bytes
        mode = "affected" if fits else "hamlets"
    info = MapInfo(mode, 0, n_sel, 0, 0, None)
    if mode == "hamlets":
        return _hamlet_progress_layer(ws, sl, disp, summary), info
    if mode == "affected":
        parcels, pos, is_aff = parcels[is_aff], pos[is_aff], is_aff[is_aff]

    styles = [{"color": UNAFFECTED_COLOUR, "weight": 0.5, "fillColor": "#bdbdbd", "fillOpacity": 0.12, "opacity": 0.5}]
    for key in STAGES.keys:
        styles.append(
            {"color": "#333333", "weight": 0.6, "fillColor": STAGE_COLOURS[key], "fillOpacity": 0.85, "opacity": 0.8}
        )

    all_names = dict(zip(ws.hamlets["hamlet_id"].astype(str), ws.hamlets["hamlet_name"]))
    hamlet_ids = sorted({str(h) for h in parcels["hamlet_id"].dropna()} & set(all_names))
    hamlet_pos = {h: i for i, h in enumerate(hamlet_ids)}
    tables: dict[str, Any] = {
        "st": [STAGES.label(k) for k in STAGES.keys],
        "hm": [esc(all_names[h]) for h in hamlet_ids],
    }
    # per parcel: the least advanced stage (a parcel is handed over only when every row on it is)
    if len(hh):
        per = hh.groupby("parcel_id").agg(rank=("stage_rank", "min"), n=("household_id", "nunique"))
    else:
        per = pd.DataFrame({"rank": pd.Series(dtype="int64"), "n": pd.Series(dtype="int64")})
    rows_of: dict[str, list[int]] = {}
    if popups and len(hh):
        rows_of = _household_table(hh, project_names, tables)
    ranks = per["rank"].to_dict()
    nhh = per["n"].to_dict()
    pid = parcels["parcel_id"].astype(str).to_numpy()
    land = parcels["land_use"].to_numpy()
    area = parcels["area_m2"].to_numpy(dtype="float64")
    hids = parcels["hamlet_id"].to_numpy()
    geo_text = disp.parcel_shapes
    features: list[str] = []
    for i in range(len(parcels)):
        geom = geo_text[pos[i]]
        if not geom:
            continue
        p = pid[i]
        props = {"u": esc(land[i]), "a": fmt_number(area[i], 1), "h": hamlet_pos.get(str(hids[i]), -1)}
        if not meeting:
            props = {"i": esc(p), **props}
        style = 0
        if p in ranks:
            style = int(ranks[p]) + 1
            if not meeting:
                props["n"] = int(nhh[p])
            if p in rows_of:
                props["k"] = rows_of[p]
        features.append(_feature(geom, style, props))
    info = replace(info, parcels_drawn=len(features))
    name = "Thửa đất theo bước thực hiện" + (" (chỉ thửa bị thu hồi)" if mode == "affected" else "")
    return DataLayer(
        features,
        styles,
        name,
        tables=tables,
        tooltip_js=_PARCEL_MEETING_TIP_JS if meeting else _PARCEL_TIP_JS,
        popup_js=_PARCEL_POPUP_JS if popups else None,
        sticky=True,
    ), info


def _household_table(hh: pd.DataFrame, project_names: dict[str, Any], tables: dict[str, Any]) -> dict[str, list[int]]:
    """Household rows for the popups (names and amounts: only for a file asked for, never in meeting mode),
    by parcel.

    Fills ``tables["hh"]`` with ``[name, id, project, stage, date, area, amount, agreement]``
    (escaped text, indexes into ``tables["pj"]``, ``tables["st"]``, ``tables["ag"]``).
    """
    frame = hh.sort_values(["parcel_id", "stage_rank", "household_id"])
    projects = sorted({str(p) for p in frame["project_id"].dropna()})
    proj_pos = {p: i for i, p in enumerate(projects)}
    tables["pj"] = [esc(project_names.get(p, p)) for p in projects]
    tables["ag"] = _AGREEMENT_LABELS
    rows = []
    rows_of: dict[str, list[int]] = {}
    names = frame["household_name"].to_numpy() if "household_name" in frame else [None] * len(frame)
    for k, (parcel, name, hid, proj, stage, sdate, area, comp, agr) in enumerate(
        zip(
            frame["parcel_id"].astype(str),
            names,
            frame["household_id"],
            frame["project_id"].astype(str),
            frame["stage_rank"],
            frame["stage_date"],
            frame["area_m2"],
            frame["compensation_vnd"],
            frame["agreement"],
        )
    ):
        rows.append(
            [
                esc(name),
                esc(hid),
                proj_pos.get(proj, 0),
                int(stage),
                fmt_date(sdate),
                fmt_number(area, 1) if pd.notna(area) else "",
                fmt_number(comp) if pd.notna(comp) else "",
                _AGREEMENT.get(agr),
            ]
        )
        rows_of.setdefault(parcel, []).append(k)
    tables["hh"] = rows
    return rows_of


def _hamlet_progress_layer(ws: Workspace, sl: TimeSlice, disp: DisplayGeometry, summary: pd.DataFrame) -> DataLayer:
    """Hamlets filled by the share of their households handed over (the selection too large for parcels)."""
    styles = [{"color": "#555555", "weight": 1, "fillColor": "#bdbdbd", "fillOpacity": 0.15}]
    for key in STAGES.keys:
        styles.append({"color": "#333333", "weight": 1, "fillColor": STAGE_COLOURS[key], "fillOpacity": 0.8})
    features = []
    for row in summary.itertuples(index=False):
        geom = disp.hamlet_shapes.get(str(row.hamlet_id))
        if not geom:
            continue
        style = int(min(7, np.floor(row.handover_pct / 100 * 8))) + 1 if row.households else 0
        tip = (
            f"<b>{esc(row.hamlet_name)}</b><br>Số hộ: {int(row.households)}<br>"
            f"Đã bàn giao: {fmt_number(row.handover_pct, 1)}% số hộ, "
            f"{fmt_number(row.area_handed_over_pct, 1)}% diện tích"
        )
        features.append(_feature(geom, style, {"t": tip}))
    return DataLayer(features, styles, "Tiến độ bàn giao theo thôn", sticky=True)


def _project_layer(sl: TimeSlice, disp: DisplayGeometry) -> DataLayer | None:
    features = []
    for row in sl.projects.itertuples(index=False):
        geom = disp.project_shapes.get(str(row.project_id))
        if not geom:
            continue
        tip = f"<b>{esc(row.project_name)}</b> ({esc(row.project_id)})"
        if fmt_date(row.handover_deadline):
            tip += f"<br>Hạn bàn giao: {fmt_date(row.handover_deadline)}"
        features.append(_feature(geom, 0, {"t": tip}))
    if not features:
        return None
    style = [{"color": "#2166ac", "weight": 3, "dashArray": "8 6", "fill": False, "opacity": 0.9}]
    return DataLayer(features, style, "Ranh giới dự án", sticky=True)


def _cluster_layer(
    clusters: gpd.GeoDataFrame | None, ws: Workspace, meeting: bool = False
) -> tuple[DataLayer | None, int]:
    if clusters is None or not len(clusters) or "geometry" not in clusters:
        return None, 0
    frame = clusters[clusters.geometry.notna()]
    if not len(frame):
        return None, 0
    if meeting:
        return _cluster_areas(frame)
    crs = frame.crs
    geoms = frame.geometry.to_numpy()
    types = shapely.get_type_id(geoms)
    points = types == 0
    metric = crs is not None and crs.is_projected
    shapes, point_geoms = geoms.copy(), geoms.copy()
    shapes[points] = None
    point_geoms[~points] = None
    text, _, _ = _to_display(shapes, crs, HAMLET_TOLERANCE_M if metric else 0.0)
    if points.any():
        pts = gpd.GeoSeries(point_geoms, crs=crs)
        pts = pts.to_crs(WGS84) if crs is not None else pts
        for k in np.flatnonzero(points):
            pt = pts.iloc[k]
            text[k] = f"[{round(pt.y, PRECISION)},{round(pt.x, PRECISION)}]"
    kinds = (
        frame["cluster"].astype(str).str.lower().to_numpy()
        if "cluster" in frame.columns
        else np.full(len(frame), "hot", dtype=object)
    )
    label_col = next((c for c in ("label", "kind", "type") if c in frame.columns), None)
    features = []
    for i, t in enumerate(text):
        if not t:
            continue
        cold = kinds[i] == "cold"
        tip = (
            "<b>Cụm lạnh (Gi*): ít đơn thư hơn ngẫu nhiên</b>"
            if cold
            else "<b>Cụm nóng (Gi*): đơn thư tập trung hơn ngẫu nhiên</b>"
        )
        if label_col:
            tip += f"<br>{esc(frame[label_col].iloc[i])}"
        for col, name, decimals in (
            ("intensity", "Đơn thư gắn với thửa", 1),
            ("z", "z", 2),
            ("gi_z", "z", 2),
            ("p_fdr", "p (FDR)", 3),
            ("p_value", "p", 3),
        ):
            if col in frame.columns and pd.notna(frame[col].iloc[i]):
                tip += f"<br>{name} = {fmt_number(float(frame[col].iloc[i]), decimals)}"
        features.append(_feature(t, 1 if cold else 0, {"t": tip, "r": 12}))
    if not features:
        return None, 0
    styles = [
        {"color": "#7b3294", "weight": 3, "dashArray": "4 4", "fillColor": "#c2a5cf", "fillOpacity": 0.25},
        {"color": "#2166ac", "weight": 3, "dashArray": "4 4", "fillColor": "#92c5de", "fillOpacity": 0.2},
    ]
    return DataLayer(features, styles, "Cụm đơn thư (Gi*)", sticky=True), len(features)


def _cluster_areas(frame: gpd.GeoDataFrame) -> tuple[DataLayer | None, int]:
    """Meeting mode: each kind of cluster as one area (its parcels grown by 25 m and merged), without
    per-parcel counts, so no single parcel (and household) stands out."""
    kinds = (
        frame["cluster"].astype(str).str.lower().to_numpy()
        if "cluster" in frame.columns
        else np.full(len(frame), "hot", dtype=object)
    )
    metric = frame.crs is not None and frame.crs.is_projected
    geoms = frame.geometry.to_numpy()
    features = []
    for style, kind in enumerate(("hot", "cold")):
        part = geoms[kinds == kind]
        if not len(part):
            continue
        area = shapely.union_all(shapely.buffer(part, 25.0 if metric else 0.00025))
        text, _, _ = _to_display(np.array([area], dtype=object), frame.crs, HAMLET_TOLERANCE_M if metric else 0.0)
        if not text[0]:
            continue
        tip = (
            "<b>Vùng đơn thư tập trung (Gi*)</b><br>nhiều đơn thư hơn ngẫu nhiên"
            if kind == "hot"
            else "<b>Vùng ít đơn thư (Gi*)</b><br>ít đơn thư hơn ngẫu nhiên"
        )
        features.append(_feature(text[0], style, {"t": tip}))
    if not features:
        return None, 0
    styles = [
        {"color": "#7b3294", "weight": 3, "dashArray": "4 4", "fillColor": "#c2a5cf", "fillOpacity": 0.25},
        {"color": "#2166ac", "weight": 3, "dashArray": "4 4", "fillColor": "#92c5de", "fillOpacity": 0.2},
    ]
    return DataLayer(features, styles, "Cụm đơn thư (Gi*)", sticky=True), len(features)


def _grievance_layer(
    sl: TimeSlice, disp: DisplayGeometry, meeting: bool, project_names: dict[str, Any], household_details: bool = False
) -> tuple[DataLayer | None, int]:
    """Grievance points with their case numbers; the household's id only with ``household_details``."""
    g = sl.grievances
    if not len(g) or not disp.grievance_points:
        return None, 0
    styles = [
        {"color": "#67001f", "weight": 2, "fillColor": GRIEVANCE_COLOURS["overdue"], "fillOpacity": 0.95},
        {"color": "#b2182b", "weight": 2, "fillColor": GRIEVANCE_COLOURS["open"], "fillOpacity": 0.95},
        {"color": "#4d4d4d", "weight": 1.5, "fillColor": GRIEVANCE_COLOURS["closed"], "fillOpacity": 0.6},
    ]
    features = []
    for row in g.itertuples(index=False):
        pt = disp.grievance_points.get(str(row.grievance_id))
        if pt is None:
            continue
        style = 0 if row.is_overdue else (1 if row.is_open else 2)
        state = GRIEVANCE_STATES.label("overdue" if row.is_overdue else ("open" if row.is_open else "closed"))
        n = int(row.signatories) if pd.notna(row.signatories) else 1
        kind = KINDS.label(row.kind).lower() if isinstance(row.kind, str) else "thư"
        rows = [
            f"<b>Đơn {esc(kind)} số {esc(row.grievance_id)}</b>",
            f"Nội dung: {esc(TOPICS.label(row.topic)) if isinstance(row.topic, str) else '—'}",
            f"Trạng thái: {esc(STATUSES.label(row.status)) if isinstance(row.status, str) else '—'} · {state}",
            f"Ngày nhận: {fmt_date(row.received_date)}",
            f"Số người ký: {n}",
        ]
        if isinstance(row.project_id, str) and row.project_id:
            rows.append(f"Dự án: {esc(project_names.get(row.project_id, row.project_id))}")
        if household_details and not meeting and isinstance(row.household_id, str) and row.household_id:
            rows.append(f"Mã hộ: {esc(row.household_id)}")
        radius = round(5 + 2.2 * float(np.sqrt(max(n, 1))), 1)
        features.append(_feature(f"[{pt[0]},{pt[1]}]", style, {"t": "<br>".join(rows), "r": radius}))
    if not features:
        return None, 0
    return DataLayer(features, styles, "Đơn thư (điểm)", sticky=False), len(features)


def _fit_bounds(sl: TimeSlice, disp: DisplayGeometry, ws: Workspace) -> tuple[float, float, float, float] | None:
    boxes = []
    sel = sl.selection
    if sel.hamlets:
        boxes = [disp.hamlet_bounds[h] for h in map(str, sl.hamlets["hamlet_id"]) if h in disp.hamlet_bounds]
    elif sel.project or sel.stages or sel.land_uses:
        ids = pd.Index(sl.households["parcel_id"].dropna().unique())
        if len(ids):
            pos = disp.parcel_index.get_indexer(ws.parcels.index[ws.parcels["parcel_id"].isin(ids)])
            pb = disp.parcel_bounds[pos[pos >= 0]]
            pb = pb[np.isfinite(pb).all(axis=1)]
            if len(pb):
                boxes.append((pb[:, 0].min(), pb[:, 1].min(), pb[:, 2].max(), pb[:, 3].max()))
        if sel.project and sel.project in disp.project_bounds:
            boxes.append(disp.project_bounds[sel.project])
    if not boxes:
        boxes = [disp.hamlet_bounds[h] for h in map(str, sl.hamlets["hamlet_id"]) if h in disp.hamlet_bounds]
    if not boxes:
        return disp.bounds
    arr = np.asarray(boxes, dtype="float64")
    return (float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 2].max()), float(arr[:, 3].max()))
