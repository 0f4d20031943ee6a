"""The map on the page: :func:`geo.maps.build_map` drawn in the dashboard's own map frame, and the
households of a clicked parcel read on demand.

The frame (``dashboard/map_frame``: an ``index.html`` that loads Leaflet and ``frame.js``, about a hundred
lines speaking Streamlit's component protocol) is a Streamlit component declared here. Its page loads
Leaflet while Streamlit still draws the rest of the page; the first message brings the map's own page,
made by folium on the server, whose styles, elements and scripts the frame takes in and runs. It replaced
streamlit-folium, whose frame first loaded its own React bundle and then Leaflet, one script after the
other, once the page had sent the map (``docs/architecture.md``, "Speed as a user meets it").

The map sent to the browser carries no household name, id or amount, whatever
the disclosure (``build_map`` without ``household_details``). Where the page may
show personal data (``PERSONAL``), a click on a parcel reruns this part of the
page only (a Streamlit fragment) and lists that parcel's households under the
map, read server-side from the workspace the account may read
(:func:`geo.maps.parcel_at`, :func:`geo.maps.parcel_households`). The map is
rebuilt the same byte for byte, so the browser keeps the one it has.

A new selection does not make a new map: the map's frame (:func:`geo.maps.map_frame`) is the same
for every selection of the workspace, so the browser keeps its Leaflet map and only the selection's
layers, legend and view are replaced in it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

import geo
from geo.formatting import fmt_number
from geo.maps import (
    DisplayGeometry,
    MapInfo,
    carry_selection,
    map_frame,
    parcel_at,
    parcel_households,
)

from .data import Analysis, draw_map
from .panels import guard
from .text import md

CLICK = "last_clicked"
"""What a click on the map returns (the point clicked): the only value that reruns the page."""

SEEN = "map_click_seen"
"""Session key: the selection drawn and the click the map held when it was first drawn."""

FRAME_DIR = Path(__file__).resolve().parent / "map_frame"
"""The map frame's files (``index.html``, ``frame.js``), served by Streamlit at ``/component/<name>/``."""

map_frame_component = components.declare_component("map", path=str(FRAME_DIR))
"""The map frame as a Streamlit component (``dashboard.mapview.map``): declared when this module is
imported by a page's run, as Streamlit serves only the components declared there."""

FRAME_TITLE = "dashboard.mapview.map"
"""The map frame's ``title`` in the page (the component's name): what tests and benchmarks find it by."""


@st.fragment
def show_map(
    ws: geo.Workspace,
    disp: DisplayGeometry,
    an: Analysis,
    disclosure: geo.Disclosure,
    large_type: bool,
    basemap: bool,
    drawn: tuple[str, MapInfo] | None = None,
) -> MapInfo:
    """Draw the selection's map full width (and, with ``PERSONAL``, the clicked parcel's households under it);
    return what was drawn.

    ``disclosure`` decides what personal data may appear; ``large_type`` is
    meeting mode's presentation (large type, the map filling the window). A
    fragment: a click on the map reruns this function, not the whole page.
    ``drawn``: the selection's script and what it draws, as :func:`dashboard.data.map_script` keeps them
    for every rerun and session; drawn here (:func:`dashboard.data.draw_map`) where not given.
    """
    code, info = drawn if drawn is not None else draw_map(ws, disp, an, disclosure, large_type, basemap)
    on_demand = disclosure.personal and info.mode != "hamlets"  # parcels drawn, and their households may show
    # the map stretches to the bottom of the window in meeting mode (geo.maps FillViewport), 560 px until measured
    frame = map_frame(disp, large_type, basemap)
    # the frame's page names the map: the same map for every selection (its layers replaced in place);
    # another frame (presentation, base map, data) or whether clicks are read is another map
    ident = hashlib.sha256(frame.get_root().render().encode()).hexdigest()[:16]
    page = carry_selection(frame, code).get_root().render()
    state = map_frame_component(
        html=page,
        map=frame.get_name(),
        clicks=on_demand,
        height=560 if large_type else 620,
        default={CLICK: None} if on_demand else None,
        key=f"map-{int(on_demand)}-{ident}",
    )
    if on_demand:  # on a click only this fragment reruns: its own net, as panels.guard gives the page's parts
        with guard(("hiện các hộ của thửa đã chọn", "the clicked parcel's households")):
            parcel_panel(ws, an, fresh_click(an.slice.selection, (state or {}).get(CLICK)))
    if info.mode == "hamlets":
        st.caption(
            f"Vùng chọn có {fmt_number(info.parcels_in_selection)} thửa: bản đồ hiển thị tiến độ theo thôn. "
            "Chọn thôn ở bộ lọc để xem từng thửa. / Large selection: hamlet-level shapes; pick hamlets "
            "to see parcels."
        )
    elif info.mode == "affected":
        st.caption("Vùng chọn lớn: chỉ vẽ các thửa bị thu hồi. / Large selection: only affected parcels drawn.")
    if an.cluster_note and not large_type:
        st.caption("Cụm Gi*: " + an.cluster_note)
    return info


def fresh_click(selection: geo.Selection, click: Any) -> Any:
    """``click`` where it was made on the map of ``selection``, else None.

    The map stays in the browser from one selection to the next and keeps its last click: a click made
    on the previous selection's map does not open a parcel of this one.
    """
    seen = st.session_state.get(SEEN)
    if seen is None or seen[0] != selection:
        st.session_state[SEEN] = (selection, click)
        return None
    return None if click == seen[1] else click


def parcel_panel(ws: geo.Workspace, an: Analysis, click: Any) -> None:
    """The households of the parcel at ``click`` (``{"lat", "lng"}`` from the map, or None), under the map.

    Personal data: called only where the page may show it (``PERSONAL``).
    """
    if not isinstance(click, dict) or not {"lat", "lng"} <= click.keys():
        st.caption("Bấm vào một thửa trên bản đồ để xem các hộ của thửa. / Click a parcel to see its households.")
        return
    try:
        lat, lng = float(click["lat"]), float(click["lng"])
    except (TypeError, ValueError):
        return
    parcels = an.slice.parcels
    pid = parcel_at(parcels, lat, lng)
    if pid is None:
        st.caption("Không có thửa đất nào tại điểm đã bấm. / No parcel where you clicked.")
        return
    parcel = parcels[parcels["parcel_id"].astype(str) == pid].iloc[0]
    hamlets = dict(zip(ws.hamlets["hamlet_id"].astype(str), ws.hamlets["hamlet_name"]))
    hamlet = hamlets.get(str(parcel["hamlet_id"]), "")
    table = parcel_households(ws, an.slice, pid)
    with st.container(border=True, key="parcel_households"):
        st.markdown(
            f"**Thửa {md(pid)}** · {md(parcel['land_use']) or '—'} · {fmt_number(parcel['area_m2'], 1)} m²"
            + (f" · {md(hamlet)}" if hamlet else "")
            + f" — **{len(table)} hộ / households**"
        )
        if len(table):  # a few rows: a plain table, its text in the page (readable aloud, printable)
            st.table(table, hide_index=True)
        else:
            st.caption("Thửa không bị thu hồi trong lựa chọn này. / Not acquired in this selection.")
