"""The map on the page: :func:`geo.maps.build_map` drawn through streamlit-folium."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

import geo
from geo.formatting import fmt_number
from geo.maps import DisplayGeometry, MapInfo, build_map, selection_title

from .data import Analysis


def show_map(
    ws: geo.Workspace, disp: DisplayGeometry, an: Analysis, disclosure: geo.Disclosure, large_type: bool, basemap: bool
) -> MapInfo:
    """Draw the selection's map full width; return what was drawn.

    ``disclosure`` decides what personal data may appear; ``large_type`` is
    meeting mode's presentation (large type, the map filling the window).
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
    st_folium(built.map, height=560 if large_type else 620, use_container_width=True, returned_objects=[], key=None)
    info = built.info
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
