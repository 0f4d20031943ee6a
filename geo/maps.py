"""The handover-progress map: a folium map of one time slice, built without a browser.

:func:`build_map` draws one :class:`~geo.selection.TimeSlice` — parcels
coloured by procedure stage, hamlets shaded by hotspot level with permanent
names, Gi* clusters, grievance points, project footprints, a Vietnamese
legend and a layer control — and :func:`map_html` turns it into a page. The
dashboard, the notebooks and the snapshot exports all call these two.

Three rules hold for everything drawn here:

* **Escaped.** Every value that comes from the data (names, ids, notes,
  reasons) goes through :func:`html.escape` before it reaches a tooltip,
  popup or label, so ``<img src=x onerror=alert(1)>`` shows as text.
* **Offline.** The page loads Leaflet and jQuery from ``asset_base``
  (``/app/static/vendor`` by default: the dashboard copies them there from
  the xstatic packages, see :func:`asset_files`) and nothing else; no CDN,
  no tiles unless ``basemap=True``. :func:`map_html` can also inline them.
* **Light.** Display geometry is simplified in the metric CRS (0.75 m for
  parcels), reprojected to WGS 84 and cut to 6 decimals (≈ 0.1 m) once per
  workspace (:func:`display_geometry`); a map holds at most ``max_parcels``
  parcels (and about ``max_bytes`` of them) and falls back to the affected
  parcels only, then to hamlet-level shapes beyond that, so a province never
  sends all its parcels to the browser.

What may appear is one value, ``disclosure``
(:class:`geo.disclosure.Disclosure`): anything below ``PERSONAL`` (the
dashboard's meeting mode is ``PUBLIC``) shows no personal data: no household
names, no per-household amounts, no household ids, in tooltips and popups
too, and no parcel or grievance case numbers. Large type (``large_type``) is
presentation, a separate argument.
"""

from __future__ import annotations

import base64
import html
import json
import weakref
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from .analysis import Analysis
from .disclosure import Disclosure
from .formatting import fmt_date, fmt_number, is_missing
from .hotspots.scope import HAMLET_WIDE_LABEL, is_hamlet_wide, project_level_counts
from .schema import KINDS, STAGES, STATUSES, TOPICS
from .selection import TimeSlice
from .vocabulary import AGREEMENT_LABELS, GRIEVANCE_STATES, LEVEL_COLOURS, LEVEL_LABELS, LEVEL_ORDER, reason_items
from .workspace import WGS84, Workspace

# --------------------------------------------------------------------------- style

STAGE_COLOURS: dict[str, str] = dict(
    zip(STAGES.keys, ("#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"))
)
"""Viridis in 8 steps, "notified" (dark) to "handed over" (light): sequential and colour-blind safe."""

UNAFFECTED_COLOUR = "#9e9e9e"

"""Hamlet shading by hotspot level (orange–red, apart from the parcels' viridis)."""

LEVEL_NAMES = LEVEL_LABELS

GRIEVANCE_COLOURS = {"overdue": "#b2182b", "open": "#f4a582", "closed": "#ffffff"}

PARCEL_TOLERANCE_M = 0.75
"""Simplification tolerance for parcels, metres in the workspace's metric CRS."""
HAMLET_TOLERANCE_M = 2.0
"""Hamlet and project boundaries are drawn at metre scale anyway."""
PRECISION = 6
"""Decimals kept in WGS 84 degrees (1e-6° ≈ 0.11 m)."""
MAX_PARCELS = 8_000
"""Parcels per map at most; beyond it unaffected parcels go, then hamlet-level shapes replace parcels."""
MAX_PARCEL_BYTES = 1_100_000
"""Estimated bytes of the parcel layer at most (shapes, properties, household rows), same fallbacks:
with the other layers, a map stays under 1.5 MB."""
_PROPS_BYTES = 60  # per parcel: id, land use, area, hamlet, count
_HOUSEHOLD_BYTES = 110  # per household row in the popup table

ASSET_BASE = "/app/static/vendor"
"""Where the page loads Leaflet and jQuery from (Streamlit's static folder of the dashboard)."""

FONT = '"DejaVu Sans", "Noto Sans", "Segoe UI", Arial, sans-serif'
LABEL_FONT_PX = {False: 13, True: 16}
"""Hamlet names in pixels, normal and meeting mode (the label collision test uses the same sizes)."""


def asset_files() -> dict[str, Path]:
    """The offline assets: path under ``asset_base`` → the file in its xstatic package.

    Example
    -------
    >>> sorted(asset_files())[:2]
    ['jquery/jquery.min.js', 'leaflet/images/layers-2x.png']
    """
    import xstatic.pkg.jquery as xjquery
    import xstatic.pkg.leaflet as xleaflet

    leaflet = Path(xleaflet.BASE_DIR)
    out = {
        "leaflet/leaflet.js": leaflet / "leaflet.js",
        "leaflet/leaflet.css": leaflet / "leaflet.css",
        "jquery/jquery.min.js": Path(xjquery.BASE_DIR) / "jquery.min.js",
    }
    for image in sorted((leaflet / "images").glob("*.png")):
        out[f"leaflet/images/{image.name}"] = image
    return out


def offline_links(asset_base: str = ASSET_BASE) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(default_js, default_css)`` for a folium map that loads only local files."""
    base = asset_base.rstrip("/")
    js = [("leaflet", f"{base}/leaflet/leaflet.js"), ("jquery", f"{base}/jquery/jquery.min.js")]
    css = [("leaflet_css", f"{base}/leaflet/leaflet.css")]
    return js, css


# --------------------------------------------------------------------------- text helpers


def esc(value: object) -> str:
    """HTML-escape a value from the data; blanks (None, NaN) become ``""``."""
    return "" if is_missing(value) else html.escape(str(value), quote=True)


# --------------------------------------------------------------------------- display geometry


@dataclass
class DisplayGeometry:
    """A workspace's shapes ready for the browser: WGS 84, simplified, 6 decimals, as GeoJSON text.

    Arrays are aligned to the rows of the workspace layers (``ws.parcels``
    position *i* is ``parcel_shapes[i]``); ``""`` marks a shape that vanished.
    """

    parcel_shapes: np.ndarray
    parcel_bounds: np.ndarray  # (n, 4): west, south, east, north
    parcel_points: np.ndarray  # (n, 2): lat, lon of a representative point
    hamlet_shapes: dict[str, str]
    hamlet_bounds: dict[str, tuple[float, float, float, float]]
    hamlet_points: dict[str, tuple[float, float]]
    project_shapes: dict[str, str]
    project_bounds: dict[str, tuple[float, float, float, float]]
    grievance_points: dict[str, tuple[float, float]]
    bounds: tuple[float, float, float, float] | None
    parcel_index: pd.Index = field(default_factory=lambda: pd.Index([]))
    shape_bytes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


_DISPLAY_CACHE: dict[int, tuple[weakref.ref, tuple, DisplayGeometry]] = {}


def _encode(arr: np.ndarray) -> np.ndarray:
    """Polygons as compact JSON text: ``[[ring, …], …]`` per polygon part.

    A ring is ``[lat0, lon0, dlat1, dlon1, …]`` in integer millionths of a
    degree (6 decimals, ≈ 0.1 m), the first vertex absolute and the others as
    differences, without the closing vertex. About half the size of GeoJSON;
    the page decodes it (``decodeRing`` in :class:`DataLayer`).
    """
    n = len(arr)
    out = np.full(n, "", dtype=object)
    good = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    if not good.any():
        return out
    geom_pos = np.flatnonzero(good)
    parts, part_idx = shapely.get_parts(arr[good], return_index=True)
    keep = np.isin(shapely.get_type_id(parts), (3,))  # polygons only
    parts, part_idx = parts[keep], part_idx[keep]
    rings, ring_idx = shapely.get_rings(parts, return_index=True)
    coords, coord_idx = shapely.get_coordinates(rings, return_index=True)
    ints = np.rint(coords[:, ::-1] * 10**PRECISION).astype(np.int64)  # lat, lon
    starts = np.searchsorted(coord_idx, np.arange(len(rings)))
    ends = np.searchsorted(coord_idx, np.arange(len(rings)), side="right") - 1  # drop the closing vertex
    # differences from the previous vertex, the first vertex of each ring absolute; the numbers are
    # turned into text by numpy, a block of rings at a time (bounded memory), and joined per ring
    delta = np.empty_like(ints)
    if len(ints):
        delta[0] = ints[0]
        np.subtract(ints[1:], ints[:-1], out=delta[1:])
    drawn = ends - starts >= 3
    delta[starts[drawn]] = ints[starts[drawn]]
    ring_text = [""] * len(rings)
    block = 20_000
    for first in range(0, len(rings), block):
        chunk = np.flatnonzero(drawn[first : first + block]) + first
        if not len(chunk):
            continue
        c0 = int(starts[chunk[0]])
        words = delta[c0 : int(ends[chunk[-1]])].astype(str).ravel().tolist()
        for r in chunk:
            a, b = 2 * (int(starts[r]) - c0), 2 * (int(ends[r]) - c0)
            ring_text[r] = "[" + ",".join(words[a:b]) + "]"
    polys: dict[int, list[str]] = {}
    for r, pidx in zip(ring_text, ring_idx):
        if r:
            polys.setdefault(int(pidx), []).append(r)
    geoms: dict[int, list[str]] = {}
    for pidx, rs in polys.items():
        geoms.setdefault(int(part_idx[pidx]), []).append("[" + ",".join(rs) + "]")
    for gi, ps in geoms.items():
        out[geom_pos[gi]] = "[" + ",".join(ps) + "]"
    return out


def _to_display(geoms: np.ndarray, crs, tolerance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simplify in the metric CRS, reproject, round; encoded shapes, bounds and label points."""
    import geopandas as gpd

    n = len(geoms)
    if n == 0:
        return np.array([], dtype=object), np.zeros((0, 4)), np.zeros((0, 2))
    geoms = np.asarray(geoms, dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    simple = geoms.copy()
    if tolerance > 0:
        simple[ok] = shapely.simplify(geoms[ok], tolerance, preserve_topology=True)
    points = np.full(n, None, dtype=object)
    points[ok] = shapely.point_on_surface(geoms[ok])
    series = gpd.GeoSeries(simple, crs=crs)
    pts = gpd.GeoSeries(points, crs=crs)
    if crs is not None:
        series = series.to_crs(WGS84)
        pts = pts.to_crs(WGS84)
    arr = series.to_numpy()
    arr = shapely.transform(arr, lambda c: np.round(c, PRECISION))
    text = _encode(arr)
    good = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    bounds = np.full((n, 4), np.nan)
    if good.any():
        bounds[good] = shapely.bounds(arr[good])
    lonlat = np.full((n, 2), np.nan)
    parr = pts.to_numpy()
    pok = ~(shapely.is_missing(parr) | shapely.is_empty(parr))
    if pok.any():
        lonlat[pok, 0] = np.round(shapely.get_y(parr[pok]), PRECISION)
        lonlat[pok, 1] = np.round(shapely.get_x(parr[pok]), PRECISION)
    return text, bounds, lonlat


def _label_points(geoms: np.ndarray, crs, fallback: np.ndarray) -> np.ndarray:
    """``(lat, lon)`` of the centre of each shape's largest inscribed circle: where a name has the most
    room (the point on the surface of a long, thin hamlet can sit at its edge). ``fallback`` where it fails."""
    import geopandas as gpd

    out = fallback.copy()
    geoms = np.asarray(geoms, dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    ok &= np.isin(shapely.get_type_id(geoms), (3, 6))
    if not ok.any():
        return out
    try:
        centres = shapely.get_point(shapely.maximum_inscribed_circle(geoms[ok]), 0)
    except Exception:  # noqa: BLE001 - an odd shape keeps its point on the surface
        return out
    pts = gpd.GeoSeries(centres, crs=crs)
    if crs is not None:
        pts = pts.to_crs(WGS84)
    arr = pts.to_numpy()
    good = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    rows = np.flatnonzero(ok)[good]
    out[rows, 0] = np.round(shapely.get_y(arr[good]), PRECISION)
    out[rows, 1] = np.round(shapely.get_x(arr[good]), PRECISION)
    return out


def display_geometry(
    ws: Workspace, parcel_tolerance: float = PARCEL_TOLERANCE_M, hamlet_tolerance: float = HAMLET_TOLERANCE_M
) -> DisplayGeometry:
    """The workspace's display geometry, computed once per workspace object and cached.

    Parameters
    ----------
    ws : Workspace
    parcel_tolerance, hamlet_tolerance : float
        Simplification tolerance in metres (the workspace CRS is metric).

    Returns
    -------
    DisplayGeometry
    """
    key = (parcel_tolerance, hamlet_tolerance)
    hit = _DISPLAY_CACHE.get(id(ws))
    if hit is not None and hit[0]() is ws and hit[1] == key:
        return hit[2]
    disp = _compute_display(ws, parcel_tolerance, hamlet_tolerance)
    _DISPLAY_CACHE[id(ws)] = (weakref.ref(ws), key, disp)
    weakref.finalize(ws, _DISPLAY_CACHE.pop, id(ws), None)
    return disp


def _compute_display(ws: Workspace, parcel_tol: float, hamlet_tol: float) -> DisplayGeometry:
    crs = ws.crs
    p_text, p_bounds, p_points = _to_display(ws.parcels.geometry.to_numpy(), crs, parcel_tol)
    h = ws.hamlets
    h_text, h_bounds, h_points = _to_display(h.geometry.to_numpy(), crs, hamlet_tol)
    h_points = _label_points(h.geometry.to_numpy(), crs, h_points)
    hids = h["hamlet_id"].astype(str).to_numpy()
    hamlet_shapes = {k: t for k, t in zip(hids, h_text) if t}
    hamlet_bounds = {k: tuple(b) for k, b in zip(hids, h_bounds) if np.isfinite(b).all()}
    hamlet_points = {k: tuple(pt) for k, pt in zip(hids, h_points) if np.isfinite(pt).all()}
    project_shapes: dict[str, str] = {}
    project_bounds: dict[str, tuple] = {}
    pr = ws.projects
    if len(pr) and "geometry" in pr and pr.geometry.notna().any():
        geoms = pr.geometry.to_numpy()
        polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))
        if polygonal.any():
            pr_text, pr_bounds, _ = _to_display(np.where(polygonal, geoms, None), crs, hamlet_tol)
            for pid, t, b in zip(pr["project_id"].astype(str), pr_text, pr_bounds):
                if t:
                    project_shapes[pid] = t
                    project_bounds[pid] = tuple(b)
    grievance_points: dict[str, tuple[float, float]] = {}
    g = ws.grievances
    if len(g) and "geometry" in g and g.geometry.notna().any():
        has = g[g.geometry.notna()]
        pts = has.geometry.to_crs(WGS84) if crs is not None else has.geometry
        for gid, pt in zip(has["grievance_id"].astype(str), pts):
            if pt is not None and not pt.is_empty:
                grievance_points[gid] = (round(pt.y, PRECISION), round(pt.x, PRECISION))
    finite = np.isfinite(h_bounds).all(axis=1)
    if finite.any():
        hb = h_bounds[finite]
        bounds = (hb[:, 0].min(), hb[:, 1].min(), hb[:, 2].max(), hb[:, 3].max())
    elif np.isfinite(p_bounds).all(axis=1).any():
        pb = p_bounds[np.isfinite(p_bounds).all(axis=1)]
        bounds = (pb[:, 0].min(), pb[:, 1].min(), pb[:, 2].max(), pb[:, 3].max())
    else:
        bounds = None
    return DisplayGeometry(
        parcel_shapes=p_text,
        parcel_bounds=p_bounds,
        parcel_points=p_points,
        hamlet_shapes=hamlet_shapes,
        hamlet_bounds=hamlet_bounds,
        hamlet_points=hamlet_points,
        project_shapes=project_shapes,
        project_bounds=project_bounds,
        grievance_points=grievance_points,
        bounds=bounds,
        parcel_index=ws.parcels.index,
        shape_bytes=np.fromiter((len(t) for t in p_text), dtype=np.int64, count=len(p_text)),
    )


# --------------------------------------------------------------------------- leaflet elements


def _script_json(text: str) -> str:
    """JSON text safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _feature(geometry: str, style: int, props: dict) -> str:
    """One feature as ``[geometry, style index, properties]`` (geometry: encoded polygons or ``[lat, lon]``)."""
    return "[" + geometry + "," + str(int(style)) + "," + _dumps(props) + "]"


_TIP_JS = """window.geoTipFor = window.geoTipFor || function (map) {
    // one tooltip per map, inside the map's box (above the legend and the controls), never cut at its edges
    if (map._geoTip) { return map._geoTip; }
    var box = map.getContainer(), el = L.DomUtil.create("div", "geo-tip", box), m = 6;
    el.setAttribute("role", "tooltip");
    el.style.display = "none";
    function place(pt) {
        var W = box.clientWidth, H = box.clientHeight, w = el.offsetWidth, h = el.offsetHeight;
        var x = pt.x + 16, y = pt.y - h - 12;
        if (x + w > W - m) { x = pt.x - 16 - w; }
        if (y < m) { y = pt.y + 20; }
        el.style.left = Math.max(m, Math.min(x, W - w - m)) + "px";
        el.style.top = Math.max(m, Math.min(y, H - h - m)) + "px";
    }
    var tip = {
        show: function (html, pt) { el.innerHTML = html; el.style.display = "block"; place(pt); },
        move: function (pt) { if (el.style.display !== "none") { place(pt); } },
        hide: function () { el.style.display = "none"; }
    };
    map.on("movestart zoomstart mouseout popupopen", tip.hide);
    map._geoTip = tip;
    return tip;
};
window.geoBindTip = window.geoBindTip || function (layer, html, sticky, onClick) {
    function at(e) {
        var map = layer._map;
        return (!sticky && layer.getLatLng) ? map.latLngToContainerPoint(layer.getLatLng()) : e.containerPoint;
    }
    layer.on("mouseover", function (e) { geoTipFor(layer._map).show(html, at(e)); });
    if (sticky) { layer.on("mousemove", function (e) { geoTipFor(layer._map).move(e.containerPoint); }); }
    layer.on("mouseout", function () { geoTipFor(layer._map).hide(); });
    if (onClick) { layer.on("click", function (e) { geoTipFor(layer._map).show(html, at(e)); }); }
};"""
"""The map's tooltips: one box per map inside the map container (z-index above the legend), placed
beside the pointer and kept inside the map; Leaflet's own tooltips sit beneath the controls."""

_HATCH_JS = """if (!document.getElementById("geo-hatch-defs")) {
    document.body.insertAdjacentHTML("beforeend", '<svg id="geo-hatch-defs" width="0" height="0" '
        + 'style="position:absolute" aria-hidden="true"><defs>'
        + '<pattern id="geo-hatch-hotspot" patternUnits="userSpaceOnUse" width="9" height="9" '
        + 'patternTransform="rotate(45)"><rect width="9" height="9" fill="HOT" fill-opacity="0.22"/>'
        + '<rect width="4" height="9" fill="HOT" fill-opacity="0.75"/></pattern>'
        + '<pattern id="geo-hatch-risk" patternUnits="userSpaceOnUse" width="12" height="12" '
        + 'patternTransform="rotate(-45)"><rect width="12" height="12" fill="RISK" fill-opacity="0.12"/>'
        + '<rect width="3" height="12" fill="RISK" fill-opacity="0.7"/></pattern></defs></svg>');
}""".replace("HOT", LEVEL_COLOURS["hotspot"]).replace("RISK", LEVEL_COLOURS["risk"])
"""SVG hatch patterns for hamlets at risk and hotspot level (a fill that reads on a projector and in grey)."""


class DataLayer(folium.map.Layer):
    """A compact vector layer: encoded shapes, styles by index, escaped tooltip and popup HTML.

    Each feature is ``[geometry, style, props]``; geometry is the encoding of
    :func:`_encode` (polygons) or ``[lat, lon]`` (a circle marker of radius
    ``props.r``). Tooltips and popups come from ``props.t`` / ``props.p``, or
    from the JavaScript functions ``tooltip_js`` / ``popup_js``
    (``function (props, tables, style)``) that assemble fixed Vietnamese
    wording with values that are already escaped in Python (:func:`esc`), so
    Leaflet may set the result as ``innerHTML``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.prelude }}
        var {{ this.get_name() }} = (function () {
            var S = {{ this.styles_json }}, T = {{ this.tables_json }}, F = {{ this.features_json }};
            var tip = {{ this.tooltip_js }}, pop = {{ this.popup_js }};
            function ring(a) {
                var y = a[0], x = a[1], o = [[y / 1e6, x / 1e6]];
                for (var i = 2; i < a.length; i += 2) { y += a[i]; x += a[i + 1]; o.push([y / 1e6, x / 1e6]); }
                return o;
            }
            var group = L.featureGroup();
            F.forEach(function (f) {
                var g = f[0], st = S[f[1]] || S[0], p = f[2] || {}, layer;
                if (typeof g[0] === "number") {
                    layer = L.circleMarker(g, Object.assign({radius: p.r || 6}, st));
                } else {
                    layer = L.polygon(g.map(function (poly) { return poly.map(ring); }), st);
                }
                var t = tip ? tip(p, T, f[1]) : null;
                var c = pop ? pop(p, T, f[1]) : null;
                if (t) { geoBindTip(layer, t, {{ this.sticky|tojson }}, !c); }
                if (c) { layer.bindPopup(c, {maxWidth: 420, className: "geo-popup"}); }
                group.addLayer(layer);
            });
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        features: list[str],
        styles: list[dict],
        name: str,
        tables: dict | None = None,
        tooltip_js: str | None = None,
        popup_js: str | None = None,
        show: bool = True,
        sticky: bool = True,
        interactive: bool = True,
    ):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "DataLayer"
        self.prelude = _TIP_JS + _HATCH_JS
        self.features_json = _script_json("[" + ",".join(features) + "]")
        if not interactive:
            styles = [{**st, "interactive": False} for st in styles]
        self.styles_json = _script_json(_dumps(styles))
        self.tables_json = _script_json(_dumps(tables or {}))
        self.tooltip_js = tooltip_js or "function (p) { return p.t; }"
        self.popup_js = popup_js or "function (p) { return p.p; }"
        self.sticky = sticky
        self.count = len(features)


class LabelLayer(folium.map.Layer):
    """Permanent text labels (hamlet names) as non-interactive ``L.divIcon`` markers, each from its zoom.

    ``labels`` are ``(lat, lon, text, min_zoom)``: a label is on the map only at
    zoom ``min_zoom`` or closer (see :func:`label_min_zooms`), so a district's
    200 names never print over each other. ``text`` is escaped here; ``note``
    (a second, smaller line) is built by the caller from numbers and fixed words.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var group = L.layerGroup(), map = null;
            var marks = {{ this.data_json }}.map(function (d) {
                var html = "<span>" + d[2] + (d[4] ? "<small>" + d[4] + "</small>" : "") + "</span>";
                var mk = L.marker([d[0], d[1]], {interactive: false, keyboard: false,
                    icon: L.divIcon({className: {{ this.css_class|tojson }}, html: html, iconSize: [0, 0]})});
                mk.minZoom = d[3] === null ? -1 : d[3];
                return mk;
            });
            function update() {
                if (!map) { return; }
                var z = map.getZoom() + 1e-6;
                marks.forEach(function (mk) {
                    var on = mk.minZoom <= z;
                    if (on !== group.hasLayer(mk)) { if (on) { group.addLayer(mk); } else { group.removeLayer(mk); } }
                });
            }
            group.on("add", function () { map = group._map; map.on("zoomend viewreset", update); update(); });
            group.on("remove", function () { if (map) { map.off("zoomend viewreset", update); } map = null; });
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[tuple], name: str, css_class: str = "hamlet-label"):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "LabelLayer"
        rows = []
        for lat, lon, text, *rest in labels:
            min_zoom = rest[0] if rest else None
            note = rest[1] if len(rest) > 1 else ""
            z = None if min_zoom is None or not np.isfinite(min_zoom) else round(float(min_zoom), 2)
            rows.append([lat, lon, esc(text), z, note or ""])
        self.data_json = _script_json(_dumps(rows))
        self.css_class = css_class
        self.count = len(rows)


def label_min_zooms(lat, lon, width_px, height_px, priority, floor_zoom: float, gap_px: float = 4.0) -> np.ndarray:
    """From which zoom each label can be shown without overprinting a more important one.

    Labels are boxes of ``width_px`` × ``height_px`` centred on their point.
    Positions are Web Mercator pixels at zoom 0 (as Leaflet draws them), so at
    zoom ``z`` two labels are ``2**z`` times as far apart and stop overlapping
    from ``log2(min(needed_x / dx, needed_y / dy))``. A label waits while a more
    important label it overlaps is shown (from that label's own zoom until the
    two are apart), so no two shown labels overlap at any zoom from
    ``floor_zoom`` in. Pairs are found once, with an STRtree query at
    ``floor_zoom`` (pairs apart there are apart closer in too); the zooms are
    computed for all pairs at once, in a few passes.

    Parameters
    ----------
    lat, lon : array-like
        Label points, WGS 84 degrees.
    width_px, height_px : array-like
        Label size on screen, pixels.
    priority : array-like
        Higher first (ties: the earlier label first).
    floor_zoom : float
        The smallest zoom that matters (a little below the fitted view).
    gap_px : float
        Free space kept between labels.

    Returns
    -------
    ndarray
        One zoom per label; ``-inf`` where it never collides (always shown).

    Example
    -------
    >>> z = label_min_zooms([21.50, 21.5001], [106.40, 106.40], [80, 80], [16, 16], [1, 0], floor_zoom=10)
    >>> bool(np.isneginf(z[0])) and 17.5 < z[1] < 18.5
    True
    """
    lat = np.asarray(lat, dtype="float64")
    lon = np.asarray(lon, dtype="float64")
    n = len(lat)
    out = np.full(n, -np.inf)
    if n < 2:
        return out
    half_w = (np.asarray(width_px, dtype="float64") + gap_px) / 2
    half_h = (np.asarray(height_px, dtype="float64") + gap_px) / 2
    x = (lon + 180.0) / 360.0 * 256.0
    sin = np.sin(np.radians(np.clip(lat, -85.0511, 85.0511)))
    y = (0.5 - np.log((1 + sin) / (1 - sin)) / (4 * np.pi)) * 256.0
    scale = 2.0**floor_zoom
    boxes = shapely.box(x - half_w / scale, y - half_h / scale, x + half_w / scale, y + half_h / scale)
    left, right = shapely.STRtree(boxes).query(boxes, predicate="intersects")
    pair = left < right
    i, j = left[pair], right[pair]
    if not len(i):
        return out
    # zoom from which the pair is apart along x or along y (the easier of the two)
    with np.errstate(divide="ignore"):
        zx = np.log2((half_w[i] + half_w[j]) / np.abs(x[i] - x[j]))
        zy = np.log2((half_h[i] + half_h[j]) / np.abs(y[i] - y[j]))
    apart = np.minimum(zx, zy)
    order = np.lexsort((np.arange(n), -np.asarray(priority, dtype="float64")))  # most important first
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    loser = np.where(rank[i] > rank[j], i, j)
    winner = np.where(rank[i] > rank[j], j, i)
    # a more important label blocks from where it shows up (its own zoom) until the two are apart; the zooms
    # settle in order of importance, one level of "waits for" per pass (a few passes, each over all pairs)
    for _ in range(n):
        active = apart > out[winner]
        new = np.full(n, -np.inf)
        np.maximum.at(new, loser[active], apart[active])
        if np.array_equal(new, out):
            break
        out = new
    return out


class Legend(MacroElement):
    """A Leaflet control holding the Vietnamese legend, folded with one click (``<details>``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "map-legend");
            div.innerHTML = {{ this.html_json }};
            L.DomEvent.disableScrollPropagation(div);
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str = "bottomright", folded: bool = False):
        super().__init__()
        self._name = "Legend"
        body = (
            f"<details{'' if folded else ' open'}><summary>Chú giải / Legend</summary>"
            f'<div class="legend-body">{html_text}</div></details>'
        )
        self.html_json = _script_json(_dumps(body))
        self.position = position


class MeetingClass(MacroElement):
    """Marks the map container for meeting-mode CSS (large type)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().classList.add("meeting");
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "MeetingClass"


class MetricScale(MacroElement):
    """A metric-only scale bar (no feet or miles)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, maxWidth: 160, position: "bottomleft"})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"


class PopupsAbove(MacroElement):
    """Popups drawn above the legend: Leaflet's popup pane moved out of the map pane into the map's box.

    Inside the map pane (its own stacking context, z-index 400) a popup can
    never rise above the control corners (z-index 1000) that hold the legend;
    in the map's box, at :data:`POPUP_Z`, it does. The pane follows the map
    pane's offset on every move, so popups stay on their parcel.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var pane = map.getPane("popupPane"), box = map.getContainer();
            box.appendChild(pane);
            pane.classList.add("geo-popup-pane");
            function follow() { L.DomUtil.setPosition(pane, L.DomUtil.getPosition(map.getPane("mapPane"))); }
            map.on("move moveend zoomend viewreset resize", follow);
            map.on("zoomanim", function () { pane.classList.add("leaflet-zoom-anim"); });
            map.on("zoomend", function () { pane.classList.remove("leaflet-zoom-anim"); });
            follow();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "PopupsAbove"


class FitView(MacroElement):
    """Fit the selection, keeping it clear of the legend (measured in the page, bottom right).

    The right padding is the legend's real width, so no hamlet of the first
    view lies under it; where the legend would take more than half the map
    (a narrow screen), it is folded instead and the padding stays small.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var b = L.latLngBounds({{ this.bounds_json }});
            function fit() {
                var lg = map.getContainer().querySelector(".map-legend"), W = map.getSize().x, right = 16;
                if (lg) {
                    var d = lg.querySelector("details");
                    if (d && d.open && lg.offsetWidth > W * 0.45) { d.open = false; }
                    right = lg.offsetWidth + 24;
                    if (d && !d.open) { right = 16; }
                }
                map.fitBounds(b, {paddingTopLeft: [16, 16], paddingBottomRight: [right, 16]});
            }
            fit();
            map.geoRefit = fit;
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: tuple[float, float, float, float]):
        super().__init__()
        self._name = "FitView"
        w, s, e, n = bounds
        self.bounds_json = _dumps([[s, w], [n, e]])


class FillViewport(MacroElement):
    """In the dashboard (the map inside an iframe), stretch the map to the bottom of the window.

    Measures where the map's frame starts in the page and gives it the rest of
    the window's height (at least ``min_px``), again when the window is resized.
    A page opened on its own (an exported HTML file) has no frame: nothing happens.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var fe = null, pw = null;
            try { fe = window.frameElement; pw = window.parent; } catch (e) { fe = null; }
            if (!fe || !pw || pw === window) { return; }
            var box = map.getContainer();
            function fill() {
                var top = fe.getBoundingClientRect().top + (pw.scrollY || 0);
                var h = Math.max({{ this.min_px }}, Math.floor(pw.innerHeight - top - {{ this.bottom_px }}));
                fe.style.setProperty("height", h + "px", "important");
                box.style.setProperty("height", h + "px", "important");
                map.invalidateSize(false);
            }
            var touched = false;  // the user has moved the map: leave the view alone
            box.addEventListener("mousedown", function () { touched = true; });
            box.addEventListener("wheel", function () { touched = true; });
            box.addEventListener("touchstart", function () { touched = true; });
            function again() { fill(); if (map.geoRefit && !touched) { map.geoRefit(); } }
            fill();
            setTimeout(again, 400);  // the page above may still be laying out its figures
            setTimeout(again, 1500);
            pw.addEventListener("resize", again);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, min_px: int = 420, bottom_px: int = 8):
        super().__init__()
        self._name = "FillViewport"
        self.min_px = int(min_px)
        self.bottom_px = int(bottom_px)


POPUP_Z = 1100
"""z-index of the popup pane in the map's box: above Leaflet's control corners (1000, the legend), below the
tooltip box (1200, hidden while a popup opens)."""


def _css(large_type: bool) -> str:
    meeting = large_type  # the sizes of meeting mode
    base = 13 if not meeting else 18
    legend = 12 if not meeting else 15
    hot, risk = LEVEL_COLOURS["hotspot"], LEVEL_COLOURS["risk"]
    return f"""<style>
.leaflet-container.leaflet-container {{ background: #f4f2ec; font-family: {FONT}; font-size: {base}px; }}
.hamlet-label {{ background: none; border: none; }}
.hamlet-label span {{ position: absolute; transform: translate(-50%, -50%); white-space: nowrap; font-weight: 700;
  color: #1a1a1a; font-size: {LABEL_FONT_PX[meeting]}px; pointer-events: none; text-align: center; line-height: 1.15;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 4px #fff; }}
.hamlet-label small {{ display: block; font-size: {LABEL_FONT_PX[meeting] - 2}px; font-weight: 700; color: {hot}; }}
.map-legend {{ background: rgba(255,255,255,.94); padding: 6px 9px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.35); line-height: 1.22; max-height: calc(100vh - 100px); overflow-y: auto;
  font-size: {legend}px; color: #222; max-width: {300 if not meeting else 320}px; }}
.map-legend summary {{ cursor: pointer; font-weight: 700; font-size: {legend + 1}px; }}
.map-legend details:not([open]) summary {{ padding: 2px 0; }}
.map-legend h4 {{ margin: 4px 0 2px; font-size: {legend + 1}px; }}
.map-legend h5 {{ margin: 5px 0 1px; font-size: {legend + 1}px; }}
.map-legend .sw {{ display: inline-block; box-sizing: border-box;
  width: {14 if not meeting else 16}px; height: {12 if not meeting else 13}px;
  margin-right: 6px; vertical-align: middle; border: 1px solid #555; }}
.map-legend .sw.hatch-hotspot {{ background: repeating-linear-gradient(45deg, {hot} 0 3px, #f3d3d6 3px 6px);
  border: 3px solid {hot}; }}
.map-legend .sw.hatch-risk {{ background: repeating-linear-gradient(-45deg, {risk} 0 2px, #fbe3d3 2px 6px);
  border: 2px solid {risk}; }}
.map-legend .dot {{ display: inline-block; width: 12px; height: 12px; border-radius: 50%;
  margin-right: 6px; vertical-align: middle; border: 2px solid #333; }}
.map-legend .line {{ display: inline-block; width: 22px; height: 0; margin-right: 6px; vertical-align: middle;
  border-top: 3px dashed #2166ac; }}
.map-legend .note {{ margin-top: 5px; font-style: italic; color: #444; max-width: 280px; }}
.leaflet-container .geo-popup-pane {{ z-index: {POPUP_Z}; }}
.geo-tip {{ position: absolute; z-index: 1200; pointer-events: none; box-sizing: border-box;
  max-width: min(380px, calc(100% - 12px)); padding: 5px 8px; background: rgba(255,255,255,.97); color: #222;
  border: 1px solid #888; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.35); line-height: 1.3;
  white-space: normal; overflow-wrap: anywhere; }}
.geo-tip, .geo-popup {{ font-family: {FONT}; font-size: {base - 1}px; }}
.geo-tip ul.why {{ margin: 1px 0 0; padding-left: 1.1em; font-size: {base - 3}px; line-height: 1.25; }}
.geo-tip table td, .geo-popup table td {{ padding: 1px 6px 1px 0; vertical-align: top; }}
.geo-popup .hh {{ border-top: 1px solid #ddd; padding-top: 3px; margin-top: 3px; }}
.leaflet-control-scale-line {{ font-size: {base - 2}px; }}
</style>"""


# --------------------------------------------------------------------------- the map


@dataclass
class MapInfo:
    """What :func:`build_map` drew, for captions and tests."""

    mode: str  # "parcels", "affected" (unaffected parcels left out) or "hamlets" (hamlet-level shapes)
    parcels_drawn: int
    parcels_in_selection: int
    grievances_drawn: int
    clusters_drawn: int
    bounds: tuple[float, float, float, float] | None


def build_map(
    ws: Workspace,
    analysis: Analysis,
    disclosure: Disclosure = Disclosure.PERSONAL,
    clusters=None,
    display: DisplayGeometry | None = None,
    basemap: bool = False,
    max_parcels: int = MAX_PARCELS,
    max_bytes: int = MAX_PARCEL_BYTES,
    asset_base: str = ASSET_BASE,
    title: str | None = None,
    large_type: bool = False,
) -> folium.Map:
    """The handover-progress map of one analysed selection.

    Parameters
    ----------
    ws : Workspace
    analysis : Analysis
        From :func:`geo.analyse`: every layer follows its slice; its levels
        shade the hamlets and its summary fills them where the selection is
        too large to draw parcel by parcel. Nothing is computed here.
    disclosure : Disclosure
        What may appear: below ``PERSONAL``, no personal data (no names, ids
        or amounts of households), no parcel or grievance case numbers, no
        grievance points (counts per hamlet instead). Default ``PERSONAL``:
        the dashboard's view outside meeting mode, before sign-in.
    clusters : GeoDataFrame, optional
        Gi* clusters to outline (polygons or points, any CRS; a ``label`` or
        ``cluster`` column is shown in the tooltip where present).
    display : DisplayGeometry, optional
        Default: :func:`display_geometry` of ``ws`` (cached).
    basemap : bool
        Add OpenStreetMap tiles (an online request; off by default).
    max_parcels, max_bytes : int
        Most parcels to draw, and most (estimated) bytes of the parcel layer;
        beyond either, unaffected parcels are left out, and beyond it again
        hamlet-level progress replaces the parcels.
    asset_base : str
        URL prefix for the local Leaflet and jQuery files.
    title : str, optional
        The legend's heading.
    large_type : bool
        Presentation for a projector: large type, and the map fills the window.

    Returns
    -------
    folium.Map
        With ``m.map_info`` (:class:`MapInfo`).

    Example
    -------
    >>> from geo import load_workspace, analyse, Selection
    >>> ws = load_workspace("data/hoson")  # doctest: +SKIP
    >>> m = build_map(ws, analyse(ws, Selection.make(project="DA-DT242")))  # doctest: +SKIP
    >>> html = map_html(m)  # doctest: +SKIP
    """
    disp = display or display_geometry(ws)
    sl, hotspots, summary = analysis.slice, analysis.levels, analysis.summary
    m = folium.Map(
        tiles=None,
        control_scale=False,
        prefer_canvas=False,
        zoom_start=14,
        location=_centre(disp.bounds),
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    js, css = offline_links(asset_base)
    m.default_js = js
    m.default_css = css
    meeting = not disclosure.personal  # hide everything personal or identifying
    m.get_root().header.add_child(Element(_css(large_type)), name="geo_css")
    if large_type:
        m.add_child(MeetingClass())
        m.add_child(FillViewport())
    MetricScale().add_to(m)
    PopupsAbove().add_to(m)
    if basemap:
        folium.TileLayer(
            "OpenStreetMap", name="Nền OpenStreetMap (trực tuyến)", overlay=False, control=True, opacity=0.6
        ).add_to(m)

    levels = (
        hotspots.set_index("hamlet_id") if len(hotspots) else pd.DataFrame(columns=["hotspot_level", "hotspot_reasons"])
    )
    project_names = dict(zip(ws.projects["project_id"].astype(str), ws.projects["project_name"]))
    # meeting mode: grievances per hamlet (open, overdue, collective), never as points
    g_counts = hamlet_grievance_counts(ws, sl) if meeting else None

    # hamlets shaded by hotspot level (beneath everything)
    _hamlet_layer(sl, disp, levels, meeting, g_counts).add_to(m)

    # parcels, or hamlet-level progress where the selection is too large
    parcel_layer, info = _parcel_layer(ws, sl, disp, meeting, max_parcels, max_bytes, summary, project_names)
    if parcel_layer is not None:
        parcel_layer.add_to(m)
    if info.mode == "hamlets":  # the progress fill hides the level's fill: hatch the hot hamlets above it
        hatch = _hatch_layer(sl, disp, levels)
        if hatch is not None:
            hatch.add_to(m)

    # project footprints
    pr_layer = _project_layer(sl, disp)
    if pr_layer is not None:
        pr_layer.add_to(m)

    # Gi* clusters
    cl_layer, n_clusters = _cluster_layer(clusters, ws, meeting)
    if cl_layer is not None:
        cl_layer.add_to(m)

    # grievances: points with their case numbers only outside meeting mode
    g_layer, n_grievances = (None, 0) if meeting else _grievance_layer(sl, disp, meeting, project_names)
    if g_layer is not None:
        g_layer.add_to(m)

    labels = _hamlet_labels(sl, disp, levels, large_type, g_counts)
    LabelLayer(labels, "Tên thôn").add_to(m)

    counts = sl.households.groupby("stage")["household_id"].nunique().to_dict() if len(sl.households) else {}
    level_counts = project_level_counts(levels) if len(levels) else {}  # hamlet-wide alerts are not the project's
    n_grievance_hamlets = int((g_counts["open"] > 0).sum()) if g_counts is not None else 0
    Legend(
        _legend_html(
            counts,
            level_counts,
            info,
            n_grievances,
            pr_layer is not None,
            n_clusters,
            disclosure,
            title,
            n_grievance_hamlets,
        )
    ).add_to(m)
    folium.LayerControl(collapsed=True, position="topleft").add_to(m)  # the legend has the right side

    bounds = _fit_bounds(sl, disp, ws)
    if bounds is not None:
        # keep the selection clear of the legend (bottom right, measured in the page) and the layer control
        m.add_child(FitView(bounds))
    info.grievances_drawn = n_grievances
    info.clusters_drawn = n_clusters
    info.bounds = bounds
    m.map_info = info
    return m


def _centre(bounds) -> list[float]:
    if bounds is None:
        return [21.5, 106.4]
    w, s, e, n = bounds
    return [(s + n) / 2, (w + e) / 2]


_LEVEL_ORDER = list(LEVEL_ORDER)


def hamlet_grievance_counts(ws: Workspace, sl: TimeSlice) -> pd.DataFrame:
    """Grievances per hamlet on the slice's date: ``open``, ``overdue`` and ``collective`` (open ones
    with at least the hotspot rules' ``collective_min`` signatories, 5 by default), indexed by hamlet_id.

    What meeting mode shows instead of numbered grievance points: counts, never a case number.
    """
    from .hotspots.config import hotspot_config

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
        if geom and lvl in ("risk", "hotspot") and not bool(wide.get(hid, False)):
            features.append(_feature(geom, 0 if lvl == "risk" else 1, {}))
    if not features:
        return None
    styles = [
        {"color": LEVEL_COLOURS["risk"], "weight": 3.5, "fillColor": "url(#geo-hatch-risk)", "fillOpacity": 1},
        {"color": LEVEL_COLOURS["hotspot"], "weight": 4.5, "fillColor": "url(#geo-hatch-hotspot)", "fillOpacity": 1},
    ]
    return DataLayer(features, styles, "Thôn nguy cơ, điểm nóng (gạch chéo)", sticky=True, interactive=False)


def _hamlet_labels(
    sl: TimeSlice, disp: DisplayGeometry, levels: pd.DataFrame, large_type: bool, g_counts: pd.DataFrame | None
) -> list[tuple]:
    """``(lat, lon, name, min_zoom, note)`` per hamlet: names shown from the zoom where they do not collide."""
    h = sl.hamlets
    hids = h["hamlet_id"].astype(str).to_numpy()
    names = h["hamlet_name"].to_numpy()
    have = np.array([k in disp.hamlet_points for k in hids], dtype=bool)
    hids, names = hids[have], names[have]
    if not len(hids):
        return []
    pts = np.array([disp.hamlet_points[k] for k in hids], dtype="float64")
    notes = [_grievance_note(g_counts, k)[1] for k in hids] if g_counts is not None else [""] * len(hids)
    font = LABEL_FONT_PX[large_type]
    text_len = np.array([len(str(t)) if not is_missing(t) else 0 for t in names], dtype="float64")
    note_len = np.array([len(t) for t in notes], dtype="float64")
    width = np.maximum(text_len * font * 0.64, note_len * (font - 2) * 0.62) + 4
    height = 1.15 * (font + np.where(note_len > 0, font - 2, 0))  # the CSS line height, one or two lines
    lvl = (
        levels["hotspot_level"].reindex(hids).fillna("none").to_numpy()
        if len(levels)
        else np.full(len(hids), "none", dtype=object)
    )
    level_rank = np.array([_LEVEL_ORDER.index(v) if v in _LEVEL_ORDER else 0 for v in lvl], dtype="float64")
    b = np.array([disp.hamlet_bounds.get(k, (np.nan,) * 4) for k in hids], dtype="float64")
    area = np.nan_to_num((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]))
    priority = level_rank * 10 + area / (area.max() or 1)  # hot hamlets first, then the larger
    floor = _floor_zoom(disp.bounds)
    zooms = label_min_zooms(pts[:, 0], pts[:, 1], width, height, priority, floor, gap_px=3.0)
    return [(float(pt[0]), float(pt[1]), name, float(z), note) for pt, name, z, note in zip(pts, names, zooms, notes)]


def _floor_zoom(bounds, screen_px: float = 1000.0) -> float:
    """About two zoom steps below the view that fits ``bounds`` on a screen of ``screen_px``."""
    if bounds is None:
        return 10.0
    w, s, e, n = bounds
    span = max(e - w, (n - s) * 1.3, 1e-6) / 360 * 256  # zoom-0 pixels, roughly (latitude stretch ≈ 1.3)
    return float(np.floor(np.log2(screen_px / span)) - 2)


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


def _parcel_layer(ws, sl, disp, meeting, max_parcels, max_bytes, summary, project_names):
    hh = sl.households
    parcels = sl.parcels
    pos = disp.parcel_index.get_indexer(parcels.index)
    keep = pos >= 0
    parcels, pos = parcels[keep], pos[keep]
    affected_ids = pd.Index(hh["parcel_id"].dropna().unique())
    is_aff = parcels["parcel_id"].isin(affected_ids).to_numpy()
    n_sel = len(parcels)
    shape_bytes = disp.shape_bytes[pos] + _PROPS_BYTES
    rows_bytes = 0 if meeting else len(hh) * _HOUSEHOLD_BYTES
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
    tables: dict = {"st": [STAGES.label(k) for k in STAGES.keys], "hm": [esc(all_names[h]) for h in hamlet_ids]}
    # per parcel: the least advanced stage (a parcel is handed over only when every row on it is)
    if len(hh):
        per = hh.groupby("parcel_id").agg(rank=("stage_rank", "min"), n=("household_id", "nunique"))
    else:
        per = pd.DataFrame({"rank": pd.Series(dtype="int64"), "n": pd.Series(dtype="int64")})
    rows_of: dict[str, list[int]] = {}
    if not meeting and len(hh):
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
    info.parcels_drawn = len(features)
    name = "Thửa đất theo bước thực hiện" + (" (chỉ thửa bị thu hồi)" if mode == "affected" else "")
    return DataLayer(
        features,
        styles,
        name,
        tables=tables,
        tooltip_js=_PARCEL_MEETING_TIP_JS if meeting else _PARCEL_TIP_JS,
        popup_js=None if meeting else _PARCEL_POPUP_JS,
        sticky=True,
    ), info


def _household_table(hh: pd.DataFrame, project_names: dict, tables: dict) -> dict[str, list[int]]:
    """Household rows for the popups (names and amounts: never in meeting mode), by parcel.

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


def _hamlet_progress_layer(ws, sl, disp, summary) -> DataLayer:
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


def _cluster_layer(clusters, ws: Workspace, meeting: bool = False):
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
    text, _, _ = _to_display(np.where(points, None, geoms), crs, HAMLET_TOLERANCE_M if metric else 0.0)
    if points.any():
        import geopandas as gpd

        pts = gpd.GeoSeries(np.where(points, geoms, None), crs=crs)
        pts = pts.to_crs(WGS84) if crs is not None else pts
        for i in np.flatnonzero(points):
            pt = pts.iloc[i]
            text[i] = f"[{round(pt.y, PRECISION)},{round(pt.x, PRECISION)}]"
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
    style = [
        {"color": "#7b3294", "weight": 3, "dashArray": "4 4", "fillColor": "#c2a5cf", "fillOpacity": 0.25},
        {"color": "#2166ac", "weight": 3, "dashArray": "4 4", "fillColor": "#92c5de", "fillOpacity": 0.2},
    ]
    return DataLayer(features, style, "Cụm đơn thư (Gi*)", sticky=True), len(features)


def _cluster_areas(frame) -> tuple[DataLayer | None, int]:
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
    style = [
        {"color": "#7b3294", "weight": 3, "dashArray": "4 4", "fillColor": "#c2a5cf", "fillOpacity": 0.25},
        {"color": "#2166ac", "weight": 3, "dashArray": "4 4", "fillColor": "#92c5de", "fillOpacity": 0.2},
    ]
    return DataLayer(features, style, "Cụm đơn thư (Gi*)", sticky=True), len(features)


def _grievance_layer(sl: TimeSlice, disp: DisplayGeometry, meeting: bool, project_names: dict):
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
        if not meeting and isinstance(row.household_id, str) and row.household_id:
            rows.append(f"Mã hộ: {esc(row.household_id)}")
        radius = round(5 + 2.2 * float(np.sqrt(max(n, 1))), 1)
        features.append(_feature(f"[{pt[0]},{pt[1]}]", style, {"t": "<br>".join(rows), "r": radius}))
    if not features:
        return None, 0
    return DataLayer(features, styles, "Đơn thư (điểm)", sticky=False), len(features)


def _fit_bounds(sl: TimeSlice, disp: DisplayGeometry, ws: Workspace):
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


def _legend_html(
    counts: dict,
    level_counts: dict,
    info: MapInfo,
    n_grievances: int,
    projects: bool,
    n_clusters: int,
    disclosure: Disclosure,
    title: str | None,
    n_grievance_hamlets: int = 0,
) -> str:
    parts = []
    if title:
        parts.append(f"<h4>{esc(title)}</h4>")
    if info.mode == "hamlets":
        parts.append("<h5>Tỷ lệ hộ đã bàn giao theo thôn</h5>")
        for i, key in enumerate(STAGES.keys):
            lo, hi = i * 100 / 8, (i + 1) * 100 / 8
            parts.append(
                f'<div><span class="sw" style="background:{STAGE_COLOURS[key]}"></span>'
                f"{fmt_number(lo)}–{fmt_number(hi)}%</div>"
            )
    else:
        parts.append("<h5>Thửa đất theo bước thực hiện</h5>")
        for key in STAGES.keys:
            n = counts.get(key, 0)
            parts.append(
                f'<div><span class="sw" style="background:{STAGE_COLOURS[key]}"></span>'
                f"{STAGES.label(key)} <b>({n} hộ)</b></div>"
            )
        parts.append(
            '<div><span class="sw" style="background:#bdbdbd;opacity:.5"></span>Không bị thu hồi / ngoài lựa chọn</div>'
        )
    parts.append("<h5>Thôn – mức cảnh báo</h5>")
    swatch = {
        "none": 'class="sw" style="background:transparent;border:2px solid #555555"',
        "watch": f'class="sw" style="background:{LEVEL_COLOURS["watch"]}80;border:2px solid {LEVEL_COLOURS["watch"]}"',
        "risk": 'class="sw hatch-risk"',
        "hotspot": 'class="sw hatch-hotspot"',
    }
    for lvl in ("hotspot", "risk", "watch", "none"):
        parts.append(f"<div><span {swatch[lvl]}></span>{LEVEL_NAMES[lvl]} ({int(level_counts.get(lvl, 0))} thôn)</div>")
    n_wide = int(level_counts.get("hamlet_wide", 0))
    if n_wide:  # the dashed outline of _hamlet_layer: an alert of the whole hamlet, not the project's hotspot
        parts.append(
            '<div><span class="sw" style="background:transparent;border:2px dashed #555555"></span>'
            f"Cảnh báo {HAMLET_WIDE_LABEL}, ngoài dự án ({n_wide} thôn)</div>"
        )
    if n_grievance_hamlets:
        parts.append("<h5>Đơn thư theo thôn</h5>")
        parts.append('<div>Dưới tên thôn: <b style="color:#b2182b">số đơn chưa giải quyết · quá hạn</b></div>')
    if n_grievances:
        parts.append("<h5>Đơn thư</h5>")
        for key, label in (
            ("overdue", "Quá hạn giải quyết"),
            ("open", GRIEVANCE_STATES.label("open")),
            ("closed", "Đã giải quyết / rút đơn"),
        ):
            parts.append(f'<div><span class="dot" style="background:{GRIEVANCE_COLOURS[key]}"></span>{label}</div>')
        parts.append('<div class="note">Vòng càng lớn càng nhiều người ký.</div>')
    if projects:
        parts.append('<div style="margin-top:6px"><span class="line"></span>Ranh giới dự án</div>')
    if n_clusters:
        parts.append(
            '<div><span class="sw" style="background:#c2a5cf;border:2px dashed #7b3294"></span>'
            "Cụm đơn thư tập trung (Gi*)</div>"
        )
    if info.mode == "hamlets":
        parts.append(
            f'<div class="note">Vùng chọn có {fmt_number(info.parcels_in_selection)} thửa: hiển thị '
            "theo thôn. Chọn thôn để xem từng thửa.</div>"
        )
    elif info.mode == "affected":
        parts.append('<div class="note">Vùng chọn lớn: chỉ hiển thị các thửa bị thu hồi.</div>')
    if disclosure is Disclosure.PUBLIC:
        parts.append('<div class="note">Chế độ họp: không hiển thị thông tin cá nhân, số thửa, số đơn.</div>')
    elif not disclosure.personal:
        parts.append('<div class="note">Không hiển thị thông tin cá nhân, số thửa, số đơn.</div>')
    return "".join(parts)


# --------------------------------------------------------------------------- html


def map_html(m: folium.Map, inline_assets: bool = False) -> str:
    """The map as a complete HTML page.

    Parameters
    ----------
    m : folium.Map
        From :func:`build_map`.
    inline_assets : bool
        Embed Leaflet and jQuery in the page (for a file opened outside the
        dashboard: notebooks, exports). By default the page links them under
        ``/app/static/vendor``, as the dashboard serves them.

    Returns
    -------
    str
    """
    page = m.get_root().render()
    if not inline_assets:
        return page
    files = asset_files()
    for _name, url in list(getattr(m, "default_js", [])):
        rel = _asset_rel(url)
        if rel in files:
            code = files[rel].read_text(encoding="utf-8").replace("</script", "<\\/script")
            page = page.replace(f'<script src="{url}"></script>', f"<script>{code}</script>")
    for _name, url in list(getattr(m, "default_css", [])):
        rel = _asset_rel(url)
        if rel in files:
            text = files[rel].read_text(encoding="utf-8")
            for img_rel, path in files.items():
                if img_rel.startswith("leaflet/images/"):
                    data = base64.b64encode(path.read_bytes()).decode("ascii")
                    text = text.replace(img_rel.removeprefix("leaflet/"), f"data:image/png;base64,{data}")
            page = page.replace(f'<link rel="stylesheet" href="{url}"/>', f"<style>{text}</style>")
    return page


def _asset_rel(url: str) -> str:
    marker = "/vendor/"
    return url.split(marker, 1)[1] if marker in url else url


def selection_title(ws: Workspace, sl: TimeSlice) -> str:
    """A plain-text heading for the map: project (or all) and the as-of date, day-first."""
    sel = sl.selection
    if sel.project:
        names = dict(zip(ws.projects["project_id"].astype(str), ws.projects["project_name"]))
        what = str(names.get(sel.project, sel.project))
    else:
        what = "Tất cả dự án"
    return f"{what} — đến ngày {sel.as_of.strftime('%d/%m/%Y') if isinstance(sel.as_of, date) else sel.as_of}"


__all__ = [
    "LEVEL_COLOURS",
    "MAX_PARCELS",
    "MAX_PARCEL_BYTES",
    "STAGE_COLOURS",
    "DataLayer",
    "DisplayGeometry",
    "MapInfo",
    "asset_files",
    "build_map",
    "display_geometry",
    "esc",
    "fmt_date",
    "fmt_number",
    "map_html",
    "offline_links",
    "selection_title",
]
