"""The map: :func:`build_map` assembles the layers, legend and controls of one analysed selection into a
folium map, returned with what it drew (:class:`BuiltMap`); :func:`map_html` turns it into a page.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from typing import cast

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, Figure

from ..analysis import Analysis
from ..disclosure import Disclosure
from ..hotspots.scope import project_level_counts
from ..selection import TimeSlice
from ..workspace import Workspace
from .assets import ASSET_BASE, inline_local_assets, offline_links
from .display import DisplayGeometry, display_geometry
from .elements import (
    FillViewport,
    FitView,
    LabelLayer,
    Legend,
    MeetingClass,
    MetricScale,
    PopupsAbove,
    SelectionReceiver,
    SelectionScript,
    _css,
)
from .layers import (
    MAX_PARCEL_BYTES,
    MAX_PARCELS,
    MapInfo,
    _cluster_layer,
    _fit_bounds,
    _grievance_layer,
    _hamlet_labels,
    _hamlet_layer,
    _hatch_layer,
    _parcel_layer,
    _project_layer,
    hamlet_grievance_counts,
)
from .legend import _legend_html


@dataclass(frozen=True)
class BuiltMap:
    """A map from :func:`build_map`: the folium map and what it drew.

    Attributes
    ----------
    map : folium.Map
        For :func:`map_html`, or for the dashboard's map frame (:func:`carry_selection`).
    info : MapInfo
        The drawing mode, the parcels, grievances and clusters drawn, the bounds fitted.
    """

    map: folium.Map
    info: MapInfo


def build_map(
    ws: Workspace,
    analysis: Analysis,
    disclosure: Disclosure = Disclosure.PERSONAL,
    clusters: gpd.GeoDataFrame | None = None,
    display: DisplayGeometry | None = None,
    basemap: bool = False,
    max_parcels: int = MAX_PARCELS,
    max_bytes: int = MAX_PARCEL_BYTES,
    asset_base: str = ASSET_BASE,
    title: str | None = None,
    large_type: bool = False,
    household_details: bool = False,
) -> BuiltMap:
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
        the dashboard's view outside meeting mode, before sign-in. Even
        ``PERSONAL`` puts no household's name, id or amount in the page
        unless ``household_details`` asks for it.
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
        URL prefix for the local Leaflet files.
    title : str, optional
        The legend's heading.
    large_type : bool
        Presentation for a projector: large type, and the map fills the window.
    household_details : bool
        Embed the households in the page: each affected parcel's popup lists
        its households (name, id, project, stage, area, amount, agreement) and
        a grievance point's tooltip its household's id. Only with ``PERSONAL``
        disclosure (ignored below it), and only for a file a permitted user
        asks for (:func:`geo.exports.snapshot_html`). Off by default: a page
        sent on every load carries no personal data, and the dashboard reads a
        clicked parcel's households on demand, server-side
        (:func:`geo.maps.parcel_at`, :func:`geo.maps.parcel_households`).

    Returns
    -------
    BuiltMap
        The folium map (``.map``) and what it drew (``.info``, :class:`MapInfo`).

    Example
    -------
    >>> from geo import load_workspace, analyse, Selection
    >>> ws = load_workspace("data/hoson")  # doctest: +SKIP
    >>> m = build_map(ws, analyse(ws, Selection.make(project="DA-DT242")))  # doctest: +SKIP
    >>> html = map_html(m)  # doctest: +SKIP
    """
    disp = display or display_geometry(ws)
    sl, hotspots, summary = analysis.slice, analysis.levels, analysis.summary
    m = map_frame(disp, large_type, basemap, asset_base)
    meeting = not disclosure.personal  # hide everything personal or identifying
    details = household_details and disclosure.personal  # names, ids, amounts in the page: only when asked for

    levels = (
        hotspots.set_index("hamlet_id") if len(hotspots) else pd.DataFrame(columns=["hotspot_level", "hotspot_reasons"])
    )
    project_names = dict(zip(ws.projects["project_id"].astype(str), ws.projects["project_name"]))
    # meeting mode: grievances per hamlet (open, overdue, collective), never as points
    g_counts = hamlet_grievance_counts(ws, sl) if meeting else None

    # hamlets shaded by hotspot level (beneath everything)
    _hamlet_layer(sl, disp, levels, meeting, g_counts).add_to(m)

    # parcels, or hamlet-level progress where the selection is too large
    parcel_layer, info = _parcel_layer(ws, sl, disp, meeting, max_parcels, max_bytes, summary, project_names, details)
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
    g_layer, n_grievances = (None, 0) if meeting else _grievance_layer(sl, disp, meeting, project_names, details)
    if g_layer is not None:
        g_layer.add_to(m)

    labels = _hamlet_labels(sl, disp, levels, summary, g_counts)
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
    _stable_ids(m.get_root())
    return BuiltMap(m, replace(info, grievances_drawn=n_grievances, clusters_drawn=n_clusters, bounds=bounds))


def map_frame(
    display: DisplayGeometry, large_type: bool = False, basemap: bool = False, asset_base: str = ASSET_BASE
) -> folium.Map:
    """The map before any selection: the workspace's centre, the page's CSS, the scale, the popups' pane,
    meeting mode's presentation (``large_type``) and, where asked, the online base map.

    :func:`build_map` draws a selection on it; the dashboard keeps it in the browser from one selection to
    the next and sends each selection apart (:func:`selection_script`, :func:`carry_selection`).
    """
    m = folium.Map(
        tiles=None,
        control_scale=False,
        prefer_canvas=False,
        zoom_start=14,
        location=_centre(display.bounds),
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    js, css = offline_links(asset_base)
    m.default_js = js
    m.default_css = css
    cast(Figure, m.get_root()).header.add_child(Element(_css(large_type)), name="geo_css")
    if large_type:
        m.add_child(MeetingClass())
        m.add_child(FillViewport())
    MetricScale().add_to(m)
    PopupsAbove().add_to(m)
    if basemap:
        folium.TileLayer(
            "OpenStreetMap", name="Nền OpenStreetMap (trực tuyến)", overlay=False, control=True, opacity=0.6
        ).add_to(m)
    _stable_ids(m.get_root())
    return m


FRAME_ELEMENTS = (MeetingClass, FillViewport, MetricScale, PopupsAbove, folium.TileLayer)
"""What :func:`map_frame` puts on a map; everything else :func:`build_map` adds is the selection's."""


def selection_script(built: BuiltMap) -> str:
    """The selection's layers, legend, layer control and view of a map from :func:`build_map`, as one script.

    The script refers to the map as ``geo_map`` (the name the frame's
    :class:`~geo.maps.elements.SelectionReceiver` runs it with) and is run in the browser by the map's
    frame (:func:`carry_selection`), replacing the previous selection's.
    """
    fmap = built.map
    figure = cast(Figure, fmap.get_root())
    figure.render()  # every element's script, in the page's order, named by its element
    ours: set[str] = set()

    def walk(element: Element) -> None:
        ours.add(element.get_name())
        for child in element._children.values():
            walk(child)

    for child in fmap._children.values():
        if not isinstance(child, FRAME_ELEMENTS):
            walk(child)
    code = "\n".join(el.render() for name, el in figure.script._children.items() if name in ours)
    return code.replace(fmap.get_name(), "geo_map")


def carry_selection(frame: folium.Map, code: str) -> folium.Map:
    """``frame`` (from :func:`map_frame`) carrying the selection ``code`` (from :func:`selection_script`).

    The frame's page (its script) is the same for every selection of a workspace, so the browser keeps
    its map; the selection travels inert in the page's html
    (:class:`~geo.maps.elements.SelectionScript`) and the frame runs it, and each next one it is sent,
    in place of the previous (:class:`~geo.maps.elements.SelectionReceiver`).
    """
    SelectionReceiver().add_to(frame)
    cast(Figure, frame.get_root()).html.add_child(SelectionScript(code), name="geo_selection")
    return frame


def _stable_ids(root: Element) -> None:
    """Name every element of the page by its place in the page, not at random (branca's default).

    The same map built twice is then the same page byte for byte: a rerun of the
    dashboard (a click on the map, a widget elsewhere) sends the same component
    message, which Streamlit's message cache passes as a reference instead of
    the whole map again, and the map in the browser is left as it is.
    """
    count = 0

    def walk(element: Element) -> None:
        nonlocal count
        element._id = f"{count:06x}"
        count += 1
        children = []
        for name, child in element._children.items():
            automatic = name == child.get_name()  # keyed by its old name (add_child without a name)
            walk(child)
            children.append((child.get_name() if automatic else name, child))
        element._children = OrderedDict(children)

    walk(root)


def _centre(bounds: tuple[float, float, float, float] | None) -> list[float]:
    if bounds is None:
        return [21.5, 106.4]
    w, s, e, n = bounds
    return [(s + n) / 2, (w + e) / 2]


def map_html(m: BuiltMap | folium.Map, inline_assets: bool = False) -> str:
    """The map as a complete HTML page.

    Parameters
    ----------
    m : BuiltMap or folium.Map
        From :func:`build_map`.
    inline_assets : bool
        Embed Leaflet in the page (for a file opened outside the
        dashboard: notebooks, exports). By default the page links them under
        ``/app/static/vendor``, as the dashboard serves them.

    Returns
    -------
    str
    """
    fmap = m.map if isinstance(m, BuiltMap) else m
    page: str = fmap.get_root().render()
    if not inline_assets:
        return page
    return inline_local_assets(page, list(fmap.default_js), list(fmap.default_css))


def selection_title(ws: Workspace, sl: TimeSlice) -> str:
    """A plain-text heading for the map: project (or all) and the as-of date, day-first."""
    sel = sl.selection
    if sel.project:
        names = dict(zip(ws.projects["project_id"].astype(str), ws.projects["project_name"]))
        what = str(names.get(sel.project, sel.project))
    else:
        what = "Tất cả dự án"
    return f"{what} — đến ngày {sel.as_of.strftime('%d/%m/%Y') if isinstance(sel.as_of, date) else sel.as_of}"
