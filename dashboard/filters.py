"""The sidebar filters and the URL: one :class:`geo.selection.Selection`, shareable as a link.

Query parameters: ``project``, ``hamlet`` (repeated), ``stage`` (repeated),
``land_use`` (repeated), ``as_of`` (``YYYY-MM-DD``; ``DD/MM/YYYY`` accepted),
``meeting=1``, ``basemap=1``. On a session's first run they seed the widgets;
after every run the widgets are written back, so the address bar always
reproduces the view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

import geo
from geo.access import Access
from geo.canonical import date_error
from geo.schema import STAGES
from geo.selection import Selection

KEYS = {
    "project": "f_project",
    "hamlet": "f_hamlets",
    "stage": "f_stages",
    "land_use": "f_land_uses",
    "as_of": "f_as_of",
    "meeting": "f_meeting",
    "basemap": "f_basemap",
    "tab": "f_tab",  # the open tab under the map (dashboard.panels.TABS)
}
ALL = ""


@dataclass(frozen=True)
class Options:
    """What the workspace offers to choose from, with display names."""

    projects: dict[str, str]
    hamlets: dict[str, str]
    land_uses: list[str]
    default_as_of: date


def options(ws: geo.Workspace) -> Options:
    """The choices of ``ws``'s filters."""
    projects = {str(k): str(v) for k, v in zip(ws.projects["project_id"], ws.projects["project_name"]) if pd.notna(k)}
    for pid in ws.households["project_id"].dropna().unique():  # projects known only from households
        projects.setdefault(str(pid), str(pid))
    hamlets = {str(k): str(v) for k, v in zip(ws.hamlets["hamlet_id"], ws.hamlets["hamlet_name"]) if pd.notna(k)}
    land_uses = sorted({str(v) for v in ws.parcels["land_use"].dropna()})
    return Options(projects, hamlets, land_uses, ws.default_as_of())


def _parse_date(text: str | None) -> tuple[date | None, str]:
    """The URL's ``as_of``: the date, or None and why it is none (no 31 February, not a date)."""
    if not text:
        return None, ""
    try:
        return Selection.make(as_of=text).as_of, ""
    except ValueError:
        return None, date_error(text) or "không phải ngày / not a date"


def landing_hamlets(opts: Options, landing: Iterable[str]) -> list[str]:
    """The hamlets a page opens on for an account landing on ``landing`` (in the filter's order)."""
    wanted = set(landing)
    return [h for h in opts.hamlets if h in wanted]


def seed_from_url(opts: Options, landing: Iterable[str] = ()) -> list[str]:
    """On a session's first run, put the URL's selection into the widgets; return what was ignored.

    ``landing``: the hamlets a signed-in officer or party cell lands on (where the URL names none).
    """
    if st.session_state.get("_seeded"):
        return []
    qp = st.query_params
    ignored: list[str] = []

    def keep(values: list[str], allowed, name: str) -> list[str]:
        good = [v for v in values if v in allowed]
        ignored.extend(f"{name}={v}" for v in values if v not in allowed)
        return list(dict.fromkeys(good))

    project = qp.get("project", ALL)
    if project and project not in opts.projects:
        ignored.append(f"project={project}")
        project = ALL
    st.session_state[KEYS["project"]] = project
    st.session_state[KEYS["hamlet"]] = keep(qp.get_all("hamlet"), opts.hamlets, "hamlet") or landing_hamlets(
        opts, landing
    )
    st.session_state[KEYS["stage"]] = keep(qp.get_all("stage"), STAGES.keys, "stage")
    st.session_state[KEYS["land_use"]] = keep(qp.get_all("land_use"), opts.land_uses, "land_use")
    as_of, why = _parse_date(qp.get("as_of"))
    if qp.get("as_of") and as_of is None:
        ignored.append(f"as_of={qp.get('as_of')} ({why})")
    st.session_state[KEYS["as_of"]] = as_of or opts.default_as_of
    st.session_state[KEYS["meeting"]] = qp.get("meeting", "0") in ("1", "true", "yes")
    st.session_state[KEYS["basemap"]] = qp.get("basemap", "0") in ("1", "true", "yes")
    st.session_state["_seeded"] = True
    return ignored


def sidebar(opts: Options) -> Selection:
    """Draw the filters in the sidebar (project first) and return the selection they make."""
    sb = st.sidebar
    sb.header("Bộ lọc / Filters")
    sb.selectbox(
        "Dự án / Project",
        [ALL, *opts.projects],
        key=KEYS["project"],
        format_func=lambda k: "Tất cả dự án / All projects" if k == ALL else opts.projects[k],
    )
    sb.multiselect(
        "Thôn / Hamlet",
        list(opts.hamlets),
        key=KEYS["hamlet"],
        format_func=lambda k: opts.hamlets.get(k, k),
        placeholder="Tất cả thôn / All hamlets",
    )
    sb.multiselect(
        "Bước thực hiện / Stage",
        list(STAGES.keys),
        key=KEYS["stage"],
        format_func=STAGES.label,
        placeholder="Tất cả các bước / All stages",
    )
    sb.multiselect(
        "Loại đất / Land use", opts.land_uses, key=KEYS["land_use"], placeholder="Tất cả loại đất / All land uses"
    )
    sb.date_input(
        "Số liệu đến ngày / As of",
        key=KEYS["as_of"],
        format="DD/MM/YYYY",
        min_value=date(2000, 1, 1),
        max_value=date(2100, 12, 31),
    )
    sb.divider()
    sb.toggle(
        "Nền bản đồ trực tuyến (OpenStreetMap) / Online basemap",
        key=KEYS["basemap"],
        help="Tắt mặc định: bản đồ không cần Internet. / Off by default: the map needs no Internet.",
    )
    state = st.session_state
    return Selection.make(
        project=state[KEYS["project"]] or None,
        hamlets=state[KEYS["hamlet"]],
        stages=state[KEYS["stage"]],
        land_uses=state[KEYS["land_use"]],
        as_of=state[KEYS["as_of"]] or opts.default_as_of,
    )


def meeting_toggle(forced: bool = False) -> bool:
    """The one-click meeting mode switch (drawn where it is called).

    ``forced``: a meeting-room screen's account: on, and disabled (the server's decision, not the URL's).
    """
    if forced:
        st.session_state[KEYS["meeting"]] = True
    return st.toggle(
        "Chế độ họp",
        key=KEYS["meeting"],
        disabled=forced,
        help="Meeting mode: bản đồ toàn màn hình, chữ lớn, không có thông tin cá nhân. / Full-width map, "
        "large type, no personal data.",
    )


def disclosure(meeting: bool, access: Access | None = None) -> geo.Disclosure:
    """What the page may show: nothing personal or identifying in meeting mode, else the signed-in
    account's disclosure (everything on a folder workspace, which has no sign-in)."""
    if meeting:
        return geo.Disclosure.PUBLIC
    return geo.Disclosure.PERSONAL if access is None else access.disclosure


def basemap() -> bool:
    """Whether the online basemap is switched on."""
    return bool(st.session_state.get(KEYS["basemap"], False))


def to_params(sel: Selection, meeting: bool, online_basemap: bool, default_as_of: date) -> dict:
    """The URL parameters of a view (defaults left out, so a plain link stays short)."""
    params: dict[str, str | list[str]] = {}
    if sel.project:
        params["project"] = sel.project
    if sel.hamlets:
        params["hamlet"] = list(sel.hamlets)
    if sel.stages:
        params["stage"] = list(sel.stages)
    if sel.land_uses:
        params["land_use"] = list(sel.land_uses)
    if sel.as_of != default_as_of:
        params["as_of"] = sel.as_of.isoformat()
    if meeting:
        params["meeting"] = "1"
    if online_basemap:
        params["basemap"] = "1"
    return params


def write_url(params: dict) -> None:
    """Put the view into the address bar (only where it changed)."""
    current = {
        k: (st.query_params.get_all(k) if k in ("hamlet", "stage", "land_use") else st.query_params.get(k))
        for k in st.query_params
    }
    if current != params:
        st.query_params.from_dict(params)
