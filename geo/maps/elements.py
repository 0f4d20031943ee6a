"""Leaflet elements: the custom folium/branca elements of the map, their JavaScript and the page's CSS.

Vector layers travel as compact encoded data (:class:`DataLayer`), hamlet names
as labels the page places at each zoom so that none overlaps another
(:class:`LabelLayer`); the legend, the scale bar, the view and the popups are
controls written here. Every value from the data reaches the page escaped
(:func:`esc`) and as JSON safe inside a ``<script>`` element (:func:`_script_json`).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from ..formatting import is_missing
from ..vocabulary import LEVEL_COLOURS

FONT = '"DejaVu Sans", "Noto Sans", "Segoe UI", Arial, sans-serif'
LABEL_FONT_PX: dict[bool, int] = {False: 13, True: 16}
"""Hamlet names in pixels, normal and meeting mode (the page measures the labels in these sizes)."""


def esc(value: object) -> str:
    """HTML-escape a value from the data; blanks (None, NaN) become ``""``."""
    return "" if is_missing(value) else html.escape(str(value), quote=True)


def _script_json(text: str) -> str:
    """JSON text safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _feature(geometry: str, style: int, props: dict[str, Any]) -> str:
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
window.geoBindTips = window.geoBindTips || function (group, tipOf, sticky) {
    // one set of handlers for a whole layer (its shapes' events reach it), each shape's tooltip written
    // when it is shown: nothing made per shape while thousands of them are drawn
    function at(e) {
        var layer = e.layer, map = layer._map;
        return (!sticky && layer.getLatLng) ? map.latLngToContainerPoint(layer.getLatLng()) : e.containerPoint;
    }
    function show(e) { var html = tipOf(e.layer); if (html) { geoTipFor(e.layer._map).show(html, at(e)); } }
    group.on("mouseover", show);
    if (sticky) { group.on("mousemove", function (e) { geoTipFor(e.layer._map).move(e.containerPoint); }); }
    group.on("mouseout", function (e) { geoTipFor(e.layer._map).hide(); });
    group.on("click", function (e) { if (!e.layer.getPopup || !e.layer.getPopup()) { show(e); } });
};"""
"""The map's tooltips: one box per map inside the map container (z-index above the legend), placed
beside the pointer and kept inside the map; Leaflet's own tooltips sit beneath the controls. A layer's
shapes share one set of handlers (:func:`geoBindTips`), and a shape's tooltip is written when shown; a
click shows it where the shape has no popup."""

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
                var c = pop ? pop(p, T, f[1]) : null;
                if (c) { layer.bindPopup(c, {maxWidth: 420, className: "geo-popup"}); }
                layer.geoFeature = f;
                group.addLayer(layer);
            });
            if (tip) {
                geoBindTips(group, function (layer) {
                    var f = layer.geoFeature;
                    return f ? tip(f[2] || {}, T, f[1]) : null;
                }, {{ this.sticky|tojson }});
            }
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        features: list[str],
        styles: list[dict[str, Any]],
        name: str,
        tables: dict[str, Any] | None = None,
        tooltip_js: str | None = None,
        popup_js: str | None = None,
        show: bool = True,
        sticky: bool = True,
        interactive: bool = True,
    ) -> None:
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
    """Permanent text labels (hamlet names) placed in the browser so that no two overlap on screen.

    ``labels`` are ``(lat, lon, text, note)``, the most important first (the
    caller's order: hotspot level, then affected parcels). The page measures
    every label once (its real size in the page's font, one layout for all),
    then at each zoom places them greedily in that order: a label shows only
    where its box, with ``gap_px`` around it, is clear of every label placed
    before it, found through a grid of buckets (no pair-by-pair test), so 2,000
    names are placed in a few milliseconds. Placement depends on the zoom only,
    not on panning; of the placed labels only those near the view are on the
    map. ``text`` is escaped here; ``note`` (a second, smaller line) is built by
    the caller from numbers and fixed words.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var D = {{ this.data_json }}, n = D.length, cls = {{ this.css_class|tojson }}, GAP = {{ this.gap_px }};
            var group = L.layerGroup(), map = null, sized = false, CELL = 128, PAD = 256;
            var html = D.map(function (d) {
                return "<span>" + d[2] + (d[3] ? "<small>" + d[3] + "</small>" : "") + "</span>";
            });
            var marks = D.map(function (d, i) {
                return L.marker([d[0], d[1]], {interactive: false, keyboard: false,
                    icon: L.divIcon({className: cls, html: html[i], iconSize: [0, 0]})});
            });
            var HW = new Float64Array(n), HH = new Float64Array(n), X = new Float64Array(n), Y = new Float64Array(n);
            var placed = new Uint8Array(n);
            function measure() {
                // every label once in a hidden box inside the map (the page's CSS applies): one layout for all
                var box = L.DomUtil.create("div", "", map.getContainer()), kids, i, w, h;
                box.style.cssText = "position:absolute;left:0;top:0;visibility:hidden;pointer-events:none";
                box.innerHTML = html.map(function (t) { return '<div class="' + cls + '">' + t + "</div>"; }).join("");
                kids = box.children;
                sized = true;
                for (i = 0; i < n; i++) {
                    w = kids[i].firstChild.offsetWidth;
                    h = kids[i].firstChild.offsetHeight;
                    if (!w) {  // the map is not laid out yet (a hidden tab): estimate, measure at the next zoom
                        sized = false;
                        w = 8 * D[i][2].length + 4;
                        h = D[i][3] ? 32 : 16;
                    }
                    HW[i] = (w + GAP) / 2;
                    HH[i] = (h + GAP) / 2;
                }
                L.DomUtil.remove(box);
            }
            function place() {
                // greedy, most important first; a grid of CELL-pixel buckets holds the labels placed so far
                if (!sized) { measure(); }
                var z = map.getZoom(), grid = new Map(), i, j, k, cx, cy, x0, x1, y0, y1, cell, free, p;
                for (i = 0; i < n; i++) {
                    p = map.project(marks[i].getLatLng(), z);
                    X[i] = p.x;
                    Y[i] = p.y;
                    x0 = Math.floor((p.x - HW[i]) / CELL);
                    x1 = Math.floor((p.x + HW[i]) / CELL);
                    y0 = Math.floor((p.y - HH[i]) / CELL);
                    y1 = Math.floor((p.y + HH[i]) / CELL);
                    free = true;
                    for (cx = x0; cx <= x1 && free; cx++) {
                        for (cy = y0; cy <= y1 && free; cy++) {
                            cell = grid.get(cx + "," + cy) || [];
                            for (k = 0; k < cell.length; k++) {
                                j = cell[k];
                                if (Math.abs(p.x - X[j]) < HW[i] + HW[j] && Math.abs(p.y - Y[j]) < HH[i] + HH[j]) {
                                    free = false;
                                    break;
                                }
                            }
                        }
                    }
                    placed[i] = free ? 1 : 0;
                    if (!free) { continue; }
                    for (cx = x0; cx <= x1; cx++) {
                        for (cy = y0; cy <= y1; cy++) {
                            cell = grid.get(cx + "," + cy);
                            if (cell) { cell.push(i); } else { grid.set(cx + "," + cy, [i]); }
                        }
                    }
                }
            }
            function show() {
                // of the placed labels, those near the view are on the map
                if (!map) { return; }
                var b = map.getPixelBounds(), i, on;
                for (i = 0; i < n; i++) {
                    on = placed[i] === 1 && X[i] > b.min.x - PAD && X[i] < b.max.x + PAD
                        && Y[i] > b.min.y - PAD && Y[i] < b.max.y + PAD;
                    if (on !== group.hasLayer(marks[i])) {
                        if (on) { group.addLayer(marks[i]); } else { group.removeLayer(marks[i]); }
                    }
                }
            }
            function update() { if (map) { place(); show(); } }
            group.on("add", function () {
                map = group._map;
                map.on("zoomend viewreset resize", update);  // resize: a map laid out late is measured then
                map.on("moveend", show);
                update();
            });
            group.on("remove", function () {
                if (map) { map.off("zoomend viewreset resize", update); map.off("moveend", show); }
                map = null;
            });
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, labels: list[tuple[Any, ...]], name: str, css_class: str = "hamlet-label", gap_px: int = 6
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "LabelLayer"
        rows = [[lat, lon, esc(text), note or ""] for lat, lon, text, note in labels]
        self.data_json = _script_json(_dumps(rows))
        self.css_class = css_class
        self.gap_px = int(gap_px)
        self.count = len(rows)


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

    def __init__(self, html_text: str, position: str = "bottomright", folded: bool = False) -> None:
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

    def __init__(self) -> None:
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

    def __init__(self) -> None:
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

    def __init__(self) -> None:
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

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
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

    def __init__(self, min_px: int = 420, bottom_px: int = 8) -> None:
        super().__init__()
        self._name = "FillViewport"
        self.min_px = int(min_px)
        self.bottom_px = int(bottom_px)


POPUP_Z = 1100
"""z-index of the popup pane in the map's box: above Leaflet's control corners (1000, the legend), below the
tooltip box (1200, hidden while a popup opens)."""


def _css(large_type: bool) -> str:
    """The page's CSS: type, labels, legend, tooltips and popups; larger with ``large_type``."""
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


_SELECTION_JS = """window.geoApplySelection = window.geoApplySelection || function (map, code) {
    // the selection's scripts replace the previous selection's: everything they add to the map (layers,
    // controls) is recorded while they run, and removed when the next selection arrives
    var sel = window.geoSelection || (window.geoSelection = {code: null, items: []});
    if (code === null || code === sel.code) { return; }
    sel.code = code;
    sel.items.forEach(function (item) { item.remove(); });
    sel.items = [];
    map.closePopup();
    var addTo = L.Control.prototype.addTo;
    map.addLayer = function (layer) { sel.items.push(layer); return L.Map.prototype.addLayer.call(map, layer); };
    L.Control.prototype.addTo = function (m) { if (m === map) { sel.items.push(this); } return addTo.call(this, m); };
    try {
        var el = document.createElement("script");  // an inline script, as the map's own (no eval)
        sel.map = map;  // the script's geo_map
        el.textContent = "(function (geo_map) {\\n" + code + "\\n})(window.geoSelection.map);";
        document.body.appendChild(el);
        el.remove();
    } finally {
        delete map.addLayer;
        L.Control.prototype.addTo = addTo;
    }
};"""


class SelectionScript(Element):
    """The selection's layers, legend, layer control and view as one script, carried inert in the page.

    Made by :func:`geo.maps.selection_script`, put in the page by :func:`geo.maps.carry_selection`; run
    by :class:`SelectionReceiver` (``<script type="text/plain">`` is never run by the browser itself).
    """

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "SelectionScript"
        self.code = re.sub("</(script)", r"<\\/\1", code, flags=re.IGNORECASE)

    def render(self, **kwargs: Any) -> str:
        return f'\n<script type="text/plain" id="{SELECTION_ID}">{self.code}</script>\n'


SELECTION_ID = "geo-selection"
"""The id of the :class:`SelectionScript` in the map's page."""


class SelectionReceiver(MacroElement):
    """In the map's frame: draw the selection carried by the page, and each next selection sent to the frame.

    The dashboard keeps one map per workspace and presentation in the browser
    (:func:`geo.maps.carry_selection`). Its first page carries the selection
    (:class:`SelectionScript`); each later selection arrives in the message
    Streamlit sends the frame with the component's new arguments (its
    ``html``), and replaces the previous one in the same Leaflet map, without
    a new frame, a new Leaflet or a new map. Messages from anything but the
    page holding the frame are ignored.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.selection_js }}
        (function (map) {
            var first = document.getElementById({{ this.selection_id|tojson }});
            geoApplySelection(map, first ? first.textContent : null);
            window.addEventListener("message", function (e) {
                var d = e.data;
                if (e.source !== window.parent || !d || d.type !== "streamlit:render" || !d.args
                    || typeof d.args.html !== "string") { return; }
                var doc = new DOMParser().parseFromString(d.args.html, "text/html");
                var el = doc.getElementById({{ this.selection_id|tojson }});
                geoApplySelection(map, el ? el.textContent : null);
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "SelectionReceiver"
        self.selection_js = _SELECTION_JS
        self.selection_id = SELECTION_ID
