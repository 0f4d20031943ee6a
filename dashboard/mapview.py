"""The map on the page: :func:`geo.maps.build_map` drawn through streamlit-folium, and the households of a
clicked parcel read on demand.

The map sent to the browser carries no household name, id or amount, whatever
the disclosure (``build_map`` without ``household_details``). Where the page may
show personal data (``PERSONAL``), a click on a parcel reruns this part of the
page only (a Streamlit fragment) and lists that parcel's households under the
map, read server-side from the workspace the account may read
(:func:`geo.maps.parcel_at`, :func:`geo.maps.parcel_households`). The map is
rebuilt the same byte for byte, so the browser keeps the one it has.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit_folium import st_folium

import geo
from geo.formatting import fmt_number
from geo.maps import DisplayGeometry, MapInfo, build_map, parcel_at, parcel_households, selection_title

from .data import Analysis
from .panels import guard
from .text import md

CLICK = "last_object_clicked"
"""What a click on the map returns (the point clicked on a shape): the only value that reruns the page."""


@st.fragment
def show_map(
    ws: geo.Workspace, disp: DisplayGeometry, an: Analysis, disclosure: geo.Disclosure, large_type: bool, basemap: bool
) -> MapInfo:
    """Draw the selection's map full width (and, with ``PERSONAL``, the clicked parcel's households under it);
    return what was drawn.

    ``disclosure`` decides what personal data may appear; ``large_type`` is
    meeting mode's presentation (large type, the map filling the window). A
    fragment: a click on the map reruns this function, not the whole page.
    """
    # meeting mode: the page's caption names the selection, so the legend stays short; the map stretches to
    # the bottom of the window in the browser (geo.maps.FillViewport), 560 px until it has measured
    built = build_map(
        ws,
        an,
        disclosure,
        clusters=an.cluster_layer(),
        display=disp,
        basemap=basemap,
        title=None if large_type else selection_title(ws, an.slice),
        large_type=large_type,
    )
    info = built.info
    on_demand = disclosure.personal and info.mode != "hamlets"  # parcels drawn, and their households may show
    state = st_folium(
        built.map,
        height=560 if large_type else 620,
        use_container_width=True,
        returned_objects=[CLICK] if on_demand else [],
        key=None,  # the map's own content keys it: a new selection is a new map, and forgets the last click
    )
    if on_demand:  # on a click only this fragment reruns: its own net, as panels.guard gives the page's parts
        with guard(("hiện các hộ của thửa đã chọn", "the clicked parcel's households")):
            parcel_panel(ws, an, (state or {}).get(CLICK))
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
