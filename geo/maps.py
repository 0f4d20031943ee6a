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

Meeting mode (``meeting=True``) shows no personal data: no household names,
no per-household amounts, no household ids, in tooltips and popups too.
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

from .formatting import fmt_date, fmt_number, is_missing
from .hotspots.scope import HAMLET_WIDE_LABEL, is_hamlet_wide, project_level_counts
from .schema import KINDS, STAGES, STATUSES, TOPICS
from .selection import TimeSlice
from .workspace import WGS84, Workspace

# --------------------------------------------------------------------------- style

STAGE_COLOURS: dict[str, str] = dict(
    zip(STAGES.keys, ("#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"))
)
"""Viridis in 8 steps, "notified" (dark) to "handed over" (light): sequential and colour-blind safe."""

UNAFFECTED_COLOUR = "#9e9e9e"

LEVEL_COLOURS = {"none": "#636363", "watch": "#fdb863", "risk": "#e66101", "hotspot": "#b2182b"}
"""Hamlet shading by hotspot level (orange–red, apart from the parcels' viridis)."""

LEVEL_NAMES = {"none": "Bình thường", "watch": "Theo dõi", "risk": "Nguy cơ", "hotspot": "Điểm nóng"}

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
        chunk = np.flatnonzero(drawn[first:first + block]) + first
        if not len(chunk):
            continue
        c0 = int(starts[chunk[0]])
        words = delta[c0:int(ends[chunk[-1]])].astype(str).ravel().tolist()
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
    return (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _feature(geometry: str, style: int, props: dict) -> str:
    """One feature as ``[geometry, style index, properties]`` (geometry: encoded polygons or ``[lat, lon]``)."""
    return "[" + geometry + "," + str(int(style)) + "," + _dumps(props) + "]"


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
                if (t) { layer.bindTooltip(t, {sticky: {{ this.sticky|tojson }}, className: "geo-tip"}); }
                var c = pop ? pop(p, T, f[1]) : null;
                if (c) { layer.bindPopup(c, {maxWidth: 420, className: "geo-popup"}); }
                group.addLayer(layer);
            });
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, features: list[str], styles: list[dict], name: str, tables: dict | None = None,
                 tooltip_js: str | None = None, popup_js: str | None = None, show: bool = True,
                 sticky: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "DataLayer"
        self.features_json = _script_json("[" + ",".join(features) + "]")
        self.styles_json = _script_json(_dumps(styles))
        self.tables_json = _script_json(_dumps(tables or {}))
        self.tooltip_js = tooltip_js or "function (p) { return p.t; }"
        self.popup_js = popup_js or "function (p) { return p.p; }"
        self.sticky = sticky
        self.count = len(features)


class LabelLayer(folium.map.Layer):
    """Permanent text labels (hamlet names) as non-interactive ``L.divIcon`` markers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup(
            {{ this.data_json }}.map(function (d) {
                return L.marker([d[0], d[1]], {interactive: false, keyboard: false,
                    icon: L.divIcon({className: {{ this.css_class|tojson }}, html: "<span>" + d[2] + "</span>",
                          iconSize: [0, 0]})});
            })
        );
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[tuple[float, float, str]], name: str, css_class: str = "hamlet-label"):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "LabelLayer"
        self.data_json = _script_json(_dumps([[lat, lon, esc(text)] for lat, lon, text in labels]))
        self.css_class = css_class


class Legend(MacroElement):
    """A Leaflet control holding the Vietnamese legend (HTML built here from constants and counts)."""

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

    def __init__(self, html_text: str, position: str = "bottomright"):
        super().__init__()
        self._name = "Legend"
        self.html_json = _script_json(_dumps(html_text))
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


def _css(meeting: bool) -> str:
    base = 13 if not meeting else 18
    return f"""<style>
.leaflet-container.leaflet-container {{ background: #f4f2ec; font-family: {FONT}; font-size: {base}px; }}
.hamlet-label {{ background: none; border: none; }}
.hamlet-label span {{ position: absolute; transform: translate(-50%, -50%); white-space: nowrap; font-weight: 700;
  color: #1a1a1a; font-size: {base}px; pointer-events: none;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 4px #fff; }}
.map-legend {{ background: rgba(255,255,255,.94); padding: 8px 10px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.35); line-height: 1.35; max-height: 70vh; overflow-y: auto;
  font-size: {base - 1}px; color: #222; max-width: {300 if not meeting else 400}px; }}
.map-legend h4 {{ margin: 0 0 4px; font-size: {base + 1}px; }}
.map-legend h5 {{ margin: 6px 0 2px; font-size: {base}px; }}
.map-legend .sw {{ display: inline-block; box-sizing: border-box;
  width: {14 if not meeting else 22}px; height: {12 if not meeting else 18}px;
  margin-right: 6px; vertical-align: middle; border: 1px solid #555; }}
.map-legend .dot {{ display: inline-block; width: 12px; height: 12px; border-radius: 50%;
  margin-right: 6px; vertical-align: middle; border: 2px solid #333; }}
.map-legend .line {{ display: inline-block; width: 22px; height: 0; margin-right: 6px; vertical-align: middle;
  border-top: 3px dashed #2166ac; }}
.map-legend .note {{ margin-top: 6px; font-style: italic; color: #444; max-width: 280px; }}
.geo-tip, .geo-popup {{ font-family: {FONT}; font-size: {base - 1}px; }}
.geo-tip table td, .geo-popup table td {{ padding: 1px 6px 1px 0; vertical-align: top; }}
.geo-popup .hh {{ border-top: 1px solid #ddd; padding-top: 3px; margin-top: 3px; }}
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
    sl: TimeSlice,
    hotspots: pd.DataFrame | None = None,
    meeting: bool = False,
    clusters=None,
    summary: pd.DataFrame | None = None,
    display: DisplayGeometry | None = None,
    basemap: bool = False,
    max_parcels: int = MAX_PARCELS,
    max_bytes: int = MAX_PARCEL_BYTES,
    asset_base: str = ASSET_BASE,
    title: str | None = None,
) -> folium.Map:
    """The handover-progress map of one time slice.

    Parameters
    ----------
    ws : Workspace
    sl : TimeSlice
        From :func:`geo.selection.time_slice`; every layer follows it.
    hotspots : DataFrame, optional
        :func:`geo.hotspots.hotspot_levels` of the same slice (computed when absent).
    meeting : bool
        Meeting mode: large type, no personal data (no names, ids or amounts of households).
    clusters : GeoDataFrame, optional
        Gi* clusters to outline (polygons or points, any CRS; a ``label`` or
        ``cluster`` column is shown in the tooltip where present).
    summary : DataFrame, optional
        :func:`geo.summary.summarize_slice` of the slice, used for hamlet-level shapes.
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

    Returns
    -------
    folium.Map
        With ``m.map_info`` (:class:`MapInfo`).

    Example
    -------
    >>> from geo import load_workspace, time_slice, Selection
    >>> ws = load_workspace("data/hoson")  # doctest: +SKIP
    >>> m = build_map(ws, time_slice(ws, Selection.make(project="DA-DT242")))  # doctest: +SKIP
    >>> html = map_html(m)  # doctest: +SKIP
    """
    disp = display or display_geometry(ws)
    if hotspots is None:
        from .hotspots import hotspot_levels

        hotspots = hotspot_levels(ws, sl)
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, zoom_start=14,
                   location=_centre(disp.bounds), zoom_snap=0.25, zoom_delta=0.5)
    js, css = offline_links(asset_base)
    m.default_js = js
    m.default_css = css
    m.get_root().header.add_child(Element(_css(meeting)), name="geo_css")
    if meeting:
        m.add_child(MeetingClass())
    if basemap:
        folium.TileLayer("OpenStreetMap", name="Nền OpenStreetMap (trực tuyến)", overlay=False,
                         control=True, opacity=0.6).add_to(m)

    levels = hotspots.set_index("hamlet_id") if len(hotspots) else pd.DataFrame(
        columns=["hotspot_level", "hotspot_reasons"])
    project_names = dict(zip(ws.projects["project_id"].astype(str), ws.projects["project_name"]))

    # hamlets shaded by hotspot level (beneath everything)
    _hamlet_layer(sl, disp, levels, meeting).add_to(m)

    # parcels, or hamlet-level progress where the selection is too large
    parcel_layer, info = _parcel_layer(ws, sl, disp, meeting, max_parcels, max_bytes, summary, project_names)
    if parcel_layer is not None:
        parcel_layer.add_to(m)

    # project footprints
    pr_layer = _project_layer(sl, disp)
    if pr_layer is not None:
        pr_layer.add_to(m)

    # Gi* clusters
    cl_layer, n_clusters = _cluster_layer(clusters, ws)
    if cl_layer is not None:
        cl_layer.add_to(m)

    # grievances
    g_layer, n_grievances = _grievance_layer(sl, disp, meeting, project_names)
    if g_layer is not None:
        g_layer.add_to(m)

    labels = [(*disp.hamlet_points[h], name) for h, name in zip(sl.hamlets["hamlet_id"].astype(str),
                                                                sl.hamlets["hamlet_name"])
              if h in disp.hamlet_points]
    LabelLayer(labels, "Tên thôn").add_to(m)

    counts = sl.households.groupby("stage")["household_id"].nunique().to_dict() if len(sl.households) else {}
    level_counts = project_level_counts(levels) if len(levels) else {}  # hamlet-wide alerts are not the project's
    Legend(_legend_html(counts, level_counts, info, n_grievances, pr_layer is not None, n_clusters,
                        meeting, title)).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)

    bounds = _fit_bounds(sl, disp, ws)
    if bounds is not None:
        w, s, e, n = bounds
        # keep the selection clear of the legend (bottom right) and the layer control
        m.fit_bounds([[s, w], [n, e]], padding_top_left=(16, 16),
                     padding_bottom_right=(420 if meeting else 320, 16))
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


def _hamlet_layer(sl: TimeSlice, disp: DisplayGeometry, levels: pd.DataFrame, meeting: bool) -> DataLayer:
    order = ["none", "watch", "risk", "hotspot"]
    styles = []
    for i, lvl in enumerate(order):
        colour = LEVEL_COLOURS[lvl]
        styles.append({"color": colour if lvl != "none" else "#555555", "weight": 1.5 + i,
                       "fillColor": colour, "fillOpacity": 0.0 if lvl == "none" else 0.22, "opacity": 0.9})
    # a hamlet-wide alert under a project filter (field reports, party cell): outlined, never filled
    styles.append({"color": "#555555", "weight": 2.5, "dashArray": "6 4", "fillOpacity": 0.0, "opacity": 0.9})
    wide = is_hamlet_wide(levels) if len(levels) else pd.Series(dtype=bool)
    features = []
    h = sl.hamlets
    blank = pd.Series([None] * len(h), index=h.index)
    for hid, name, officer, cell in zip(h["hamlet_id"].astype(str), h["hamlet_name"],
                                        h.get("officer", blank), h.get("party_cell", blank)):
        geom = disp.hamlet_shapes.get(hid)
        if not geom:
            continue
        lvl = levels["hotspot_level"].get(hid, "none") if len(levels) else "none"
        lvl = lvl if lvl in order else "none"
        reasons = levels["hotspot_reasons"].get(hid, "") if len(levels) else ""
        hamlet_wide = bool(wide.get(hid, False)) and lvl != "none"
        scope = f" ({HAMLET_WIDE_LABEL})" if hamlet_wide else ""
        rows = [f"<b>{esc(name)}</b>", f"Mức cảnh báo: <b>{LEVEL_NAMES[lvl]}{scope}</b>"]
        if esc(reasons):
            rows.append("Lý do: " + esc(reasons))
        if not meeting:
            if esc(officer):
                rows.append("Cán bộ theo dõi: " + esc(officer))
            if esc(cell):
                rows.append("Chi bộ: " + esc(cell))
        style = len(order) if hamlet_wide else order.index(lvl)
        features.append(_feature(geom, style, {"t": "<br>".join(rows)}))
    return DataLayer(features, styles, "Thôn – mức cảnh báo điểm nóng", sticky=True)


_PARCEL_TIP_JS = """function (p, T, s) {
    var t = "<b>Thửa " + p.i + "</b> · " + (p.u || "—") + " · " + p.a + " m²<br>Thôn: " + (T.hm[p.h] || "");
    if (s > 0) { t += "<br>Bước: <b>" + T.st[s - 1] + "</b><br>Số hộ: " + p.n; }
    else { t += "<br><i>Không bị thu hồi / ngoài lựa chọn</i>"; }
    return t;
}"""

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

_AGREEMENT = {"yes": 0, "no": 1, "unknown": 2}
_AGREEMENT_LABELS = ["Đồng thuận", "Không đồng thuận", "Chưa rõ"]


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

    styles = [{"color": UNAFFECTED_COLOUR, "weight": 0.5, "fillColor": "#bdbdbd", "fillOpacity": 0.12,
               "opacity": 0.5}]
    for key in STAGES.keys:
        styles.append({"color": "#333333", "weight": 0.6, "fillColor": STAGE_COLOURS[key], "fillOpacity": 0.85,
                       "opacity": 0.8})

    all_names = dict(zip(ws.hamlets["hamlet_id"].astype(str), ws.hamlets["hamlet_name"]))
    hamlet_ids = sorted({str(h) for h in parcels["hamlet_id"].dropna()} & set(all_names))
    hamlet_pos = {h: i for i, h in enumerate(hamlet_ids)}
    tables: dict = {"st": [STAGES.label(k) for k in STAGES.keys],
                    "hm": [esc(all_names[h]) for h in hamlet_ids]}
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
        props = {"i": esc(p), "u": esc(land[i]), "a": fmt_number(area[i], 1),
                 "h": hamlet_pos.get(str(hids[i]), -1)}
        style = 0
        if p in ranks:
            style = int(ranks[p]) + 1
            props["n"] = int(nhh[p])
            if p in rows_of:
                props["k"] = rows_of[p]
        features.append(_feature(geom, style, props))
    info.parcels_drawn = len(features)
    name = "Thửa đất theo bước thực hiện" + (" (chỉ thửa bị thu hồi)" if mode == "affected" else "")
    return DataLayer(features, styles, name, tables=tables, tooltip_js=_PARCEL_TIP_JS,
                     popup_js=None if meeting else _PARCEL_POPUP_JS, sticky=True), info


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
    for k, (parcel, name, hid, proj, stage, sdate, area, comp, agr) in enumerate(zip(
            frame["parcel_id"].astype(str), names, frame["household_id"], frame["project_id"].astype(str),
            frame["stage_rank"], frame["stage_date"], frame["area_m2"], frame["compensation_vnd"],
            frame["agreement"])):
        rows.append([esc(name), esc(hid), proj_pos.get(proj, 0), int(stage), fmt_date(sdate),
                     fmt_number(area, 1) if pd.notna(area) else "",
                     fmt_number(comp) if pd.notna(comp) else "", _AGREEMENT.get(agr)])
        rows_of.setdefault(parcel, []).append(k)
    tables["hh"] = rows
    return rows_of


def _hamlet_progress_layer(ws, sl, disp, summary) -> DataLayer:
    if summary is None:
        from .summary import summarize_slice

        summary = summarize_slice(ws, sl)
    styles = [{"color": "#555555", "weight": 1, "fillColor": "#bdbdbd", "fillOpacity": 0.15}]
    for key in STAGES.keys:
        styles.append({"color": "#333333", "weight": 1, "fillColor": STAGE_COLOURS[key], "fillOpacity": 0.8})
    features = []
    for row in summary.itertuples(index=False):
        geom = disp.hamlet_shapes.get(str(row.hamlet_id))
        if not geom:
            continue
        style = int(min(7, np.floor(row.handover_pct / 100 * 8))) + 1 if row.households else 0
        tip = (f"<b>{esc(row.hamlet_name)}</b><br>Số hộ: {int(row.households)}<br>"
               f"Đã bàn giao: {fmt_number(row.handover_pct, 1)}% số hộ, "
               f"{fmt_number(row.area_handed_over_pct, 1)}% diện tích")
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


def _cluster_layer(clusters, ws: Workspace):
    if clusters is None or not len(clusters) or "geometry" not in clusters:
        return None, 0
    frame = clusters[clusters.geometry.notna()]
    if not len(frame):
        return None, 0
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
    kinds = frame["cluster"].astype(str).str.lower().to_numpy() if "cluster" in frame.columns else \
        np.full(len(frame), "hot", dtype=object)
    label_col = next((c for c in ("label", "kind", "type") if c in frame.columns), None)
    features = []
    for i, t in enumerate(text):
        if not t:
            continue
        cold = kinds[i] == "cold"
        tip = ("<b>Cụm lạnh (Gi*): ít đơn thư hơn ngẫu nhiên</b>" if cold
               else "<b>Cụm nóng (Gi*): đơn thư tập trung hơn ngẫu nhiên</b>")
        if label_col:
            tip += f"<br>{esc(frame[label_col].iloc[i])}"
        for col, name, decimals in (("intensity", "Đơn thư gắn với thửa", 1), ("z", "z", 2), ("gi_z", "z", 2),
                                    ("p_fdr", "p (FDR)", 3), ("p_value", "p", 3)):
            if col in frame.columns and pd.notna(frame[col].iloc[i]):
                tip += f"<br>{name} = {fmt_number(float(frame[col].iloc[i]), decimals)}"
        features.append(_feature(t, 1 if cold else 0, {"t": tip, "r": 12}))
    if not features:
        return None, 0
    style = [{"color": "#7b3294", "weight": 3, "dashArray": "4 4", "fillColor": "#c2a5cf", "fillOpacity": 0.25},
             {"color": "#2166ac", "weight": 3, "dashArray": "4 4", "fillColor": "#92c5de", "fillOpacity": 0.2}]
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
        state = "Quá hạn" if row.is_overdue else ("Chưa giải quyết xong" if row.is_open else "Đã xong")
        n = int(row.signatories) if pd.notna(row.signatories) else 1
        kind = KINDS.label(row.kind).lower() if isinstance(row.kind, str) else "thư"
        rows = [f"<b>Đơn {esc(kind)} số {esc(row.grievance_id)}</b>",
                f"Nội dung: {esc(TOPICS.label(row.topic)) if isinstance(row.topic, str) else '—'}",
                f"Trạng thái: {esc(STATUSES.label(row.status)) if isinstance(row.status, str) else '—'} · {state}",
                f"Ngày nhận: {fmt_date(row.received_date)}",
                f"Số người ký: {n}"]
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


def _legend_html(counts: dict, level_counts: dict, info: MapInfo, n_grievances: int, projects: bool,
                 n_clusters: int, meeting: bool, title: str | None) -> str:
    parts = []
    if title:
        parts.append(f"<h4>{esc(title)}</h4>")
    if info.mode == "hamlets":
        parts.append("<h5>Tỷ lệ hộ đã bàn giao theo thôn</h5>")
        for i, key in enumerate(STAGES.keys):
            lo, hi = i * 100 / 8, (i + 1) * 100 / 8
            parts.append(f'<div><span class="sw" style="background:{STAGE_COLOURS[key]}"></span>'
                         f"{fmt_number(lo)}–{fmt_number(hi)}%</div>")
    else:
        parts.append("<h5>Thửa đất theo bước thực hiện</h5>")
        for key in STAGES.keys:
            n = counts.get(key, 0)
            parts.append(f'<div><span class="sw" style="background:{STAGE_COLOURS[key]}"></span>'
                         f"{STAGES.label(key)} <b>({n} hộ)</b></div>")
        parts.append('<div><span class="sw" style="background:#bdbdbd;opacity:.5"></span>'
                     "Không bị thu hồi / ngoài lựa chọn</div>")
    parts.append("<h5>Thôn – mức cảnh báo</h5>")
    for border_px, lvl in enumerate(("none", "watch", "risk", "hotspot"), start=2):
        colour = LEVEL_COLOURS[lvl]
        fill = "transparent" if lvl == "none" else colour
        parts.append(f'<div><span class="sw" style="background:{fill};border:{border_px}px '
                     f'solid {colour}"></span>{LEVEL_NAMES[lvl]} ({int(level_counts.get(lvl, 0))} thôn)</div>')
    if n_grievances:
        parts.append("<h5>Đơn thư</h5>")
        for key, label in (("overdue", "Quá hạn giải quyết"), ("open", "Chưa giải quyết xong"),
                           ("closed", "Đã giải quyết / rút đơn")):
            parts.append(f'<div><span class="dot" style="background:{GRIEVANCE_COLOURS[key]}"></span>{label}</div>')
        parts.append("<div class=\"note\">Vòng càng lớn càng nhiều người ký.</div>")
    if projects:
        parts.append('<div style="margin-top:6px"><span class="line"></span>Ranh giới dự án</div>')
    if n_clusters:
        parts.append('<div><span class="sw" style="background:#c2a5cf;border:2px dashed #7b3294"></span>'
                     "Cụm đơn thư tập trung (Gi*)</div>")
    if info.mode == "hamlets":
        parts.append(f'<div class="note">Vùng chọn có {fmt_number(info.parcels_in_selection)} thửa: hiển thị '
                     "theo thôn. Chọn thôn để xem từng thửa.</div>")
    elif info.mode == "affected":
        parts.append('<div class="note">Vùng chọn lớn: chỉ hiển thị các thửa bị thu hồi.</div>')
    if meeting:
        parts.append('<div class="note">Chế độ họp: không hiển thị thông tin cá nhân.</div>')
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
