"""Cached loading and analysis, keyed by the workspace path (and its files' stamps, or a store's head).

A filter change never rereads files: the workspace and its display geometry
are ``st.cache_resource`` entries keyed by ``(path, stamp)``, and each
selection's slice, hotspot levels, Gi* clusters and summary are cached per
selection (one :func:`geo.analyse` each). Editing a file in the workspace changes the stamp, so the next
rerun reads it again. A store (``.gpkg``, ``postgresql://``) is stamped by its head changeset (one
indexed query per rerun on a store kept open): a new upload is seen on the next rerun; with ``--at N``
the store is shown as it was right after changeset N.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

import geo
from geo import Analysis
from geo.access import Access, restrict
from geo.maps import DisplayGeometry, MapInfo, build_map, display_geometry, selection_script, selection_title
from geo.selection import Selection
from geo.source import URL_PREFIXES, is_store

if TYPE_CHECKING:
    from geo.store import Store

from . import figures

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WORKSPACE = "data/hoson"
ENV_WORKSPACE = "GEO_WORKSPACE"


def resolve_workspace(arg: str | None) -> Path:
    """The workspace folder or store: ``--workspace``, else ``$GEO_WORKSPACE``, else ``data/hoson``.

    A relative path is taken from the working directory, or else from the
    repository root (so the app also starts from another folder). A
    ``postgresql://`` URL is returned as it is (a ``str``: a ``Path`` would fold its ``//``).
    """
    raw = arg or os.environ.get(ENV_WORKSPACE) or DEFAULT_WORKSPACE
    if raw.startswith(URL_PREFIXES):
        return raw  # type: ignore[return-value]
    path = Path(raw).expanduser()
    if not path.is_absolute() and not path.exists() and (REPO / path).exists():
        path = REPO / path
    return path.resolve()


def workspace_argument() -> str | None:
    """``--workspace PATH`` after ``--`` on the ``streamlit run`` line."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--workspace")
    return parser.parse_known_args(sys.argv[1:])[0].workspace


def at_argument() -> int | None:
    """``--at N`` after ``--``: a store as it was right after changeset N."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--at", type=int)
    return parser.parse_known_args(sys.argv[1:])[0].at


def access_key(access: Access) -> tuple:
    """An :class:`~geo.access.Access` as a plain tuple (a cache key; :func:`access_of` makes it again)."""
    return (access.role, tuple(sorted(access.hamlets)), access.exports_personal, access.meeting)


def access_of(key: tuple) -> Access:
    """The :class:`~geo.access.Access` of :func:`access_key`."""
    role, hamlets, exports_personal, meeting = key
    return Access(role, hamlets, exports_personal, meeting)


def stamp(path: Path, at: int | None = None, access: Access | None = None) -> tuple:
    """Names, sizes and modification times of the folder's files: a cheap change detector.

    For a store: ``("store", head changeset, at)``, and the signed-in account's access where given
    (everything derived from the workspace is then cached per (head, access)).
    """
    if is_store(path):
        scope = () if access is None else (access_key(access),)
        try:
            return ("store", _store(str(path)).head(), at, *scope)
        except Exception:  # noqa: BLE001 — a store that cannot be opened: loading names the problem
            return ("store", None, at, *scope)
    try:
        return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(path) if e.is_file()))
    except OSError:
        return ()


def _close_store(store: Store) -> None:
    store.close()


@st.cache_resource(show_spinner=False, max_entries=4, on_release=_close_store)
def _store(path: str) -> Store:
    """The store, kept open for the head check of every rerun; closed when the cache lets it go."""
    from geo.store import Store

    return Store.open(path)


def open_store(path: Path | str) -> Store:
    """The store at ``path`` as the app opened it (kept open; the address as given, password included).

    For the pages that read or change the store beside the loaded workspace (history, upload):
    ``ws.source.location`` is for showing only (a PostGIS URL there has no password).
    """
    return _store(str(path))


@st.cache_resource(show_spinner="Đang đọc dữ liệu / Loading the workspace…", max_entries=4)
def _read_store(path: str, head: int | None, at: int | None) -> geo.Workspace:
    """The store's workspace as a whole (never shown as it is where an account is signed in)."""
    from geo.store.source import StoreSource

    store = _store(path) if head is not None else None
    # what a reading command kept with the changeset is read, not assembled again; a page writes nothing
    return StoreSource(path, at=at, store=store).workspace()


@st.cache_resource(show_spinner="Đang đọc dữ liệu / Loading the workspace…", max_entries=8)
def _load(path: str, file_stamp: tuple) -> geo.Workspace:
    """The workspace every part of the page reads: a store's :func:`~geo.access.restrict`-ed to the account."""
    if file_stamp[:1] == ("store",):
        _, head, at, *scope = file_stamp
        ws = _read_store(path, head, at)
        return restrict(ws, access_of(scope[0])) if scope else ws
    return geo.load_workspace(path)


@st.cache_resource(show_spinner="Đang chuẩn bị hình bản đồ / Preparing map shapes…", max_entries=4)
def _display(path: str, file_stamp: tuple) -> DisplayGeometry:
    return display_geometry(_load(path, file_stamp))


def load(path: Path, at: int | None = None, access: Access | None = None) -> tuple[geo.Workspace, tuple]:
    """The workspace at ``path`` (cached) and the stamp that keys everything derived from it.

    ``at``: a store as it was right after that changeset. ``access``: the signed-in account's; the
    workspace (and so every tab, popup, table and download) is then only what it may read.
    """
    key = stamp(path, at, access)
    if at is not None and key[:1] != ("store",):
        return geo.load_workspace(path, at=at), key  # a folder has no history: the report says so
    return _load(str(path), key), key


def whole(path: Path | str, key: tuple) -> geo.Workspace:
    """A store's workspace as a whole, not restricted to the account (cached): only for
    :func:`geo.access.for_export`, which makes a file with what the account may put in it."""
    if key[:1] != ("store",):
        return _load(str(path), key)
    _, head, at, *_ = key
    return _read_store(str(path), head, at)


def source_label(ws: geo.Workspace) -> str:
    """The source for the page's caption: the folder's name, or the store with its changeset."""
    if ws.source.kind == "store":
        return ws.source.describe()
    return ws.source.name


def display(path: Path, key: tuple) -> DisplayGeometry:
    """The workspace's display geometry (WGS 84, simplified, 6 decimals), computed once."""
    return _display(str(path), key)


def _selection_key(sel: Selection) -> tuple:
    return (sel.project, sel.hamlets, sel.stages, sel.land_uses, sel.as_of.isoformat())


@st.cache_resource(show_spinner=False, max_entries=48)
def _analyse(path: str, file_stamp: tuple, key: tuple) -> Analysis:
    project, hamlets, stages, land_uses, as_of = key
    sel = Selection.make(project=project, hamlets=hamlets, stages=stages, land_uses=land_uses, as_of=as_of)
    return geo.analyse(_load(path, file_stamp), sel)


def analyse(path: Path, key: tuple, sel: Selection) -> Analysis:
    """:func:`geo.analyse` of ``sel`` (cached): slice, Gi* clusters, hotspot levels, summary, headline."""
    return _analyse(str(path), key, _selection_key(sel))


@st.cache_data(show_spinner=False, max_entries=64)
def _weekly(path: str, file_stamp: tuple, key: tuple) -> pd.DataFrame:
    project, hamlets, land_uses, as_of = key
    sel = Selection.make(project=project, hamlets=hamlets, land_uses=land_uses, as_of=as_of)
    return figures.weekly_handover(_load(path, file_stamp), sel)


def weekly(path: Path, key: tuple, sel: Selection) -> pd.DataFrame:
    """Weekly handover share per project for the progress chart (cached; stage filter does not apply)."""
    return _weekly(str(path), key, (sel.project, sel.hamlets, sel.land_uses, sel.as_of.isoformat()))


def draw_map(
    ws: geo.Workspace, disp: DisplayGeometry, an: Analysis, disclosure: geo.Disclosure, large_type: bool, basemap: bool
) -> tuple[str, MapInfo]:
    """The map of the analysed selection ``an`` as the script the browser's map runs
    (:func:`geo.maps.selection_script`), and what it draws."""
    built = build_map(
        ws,
        an,
        disclosure,
        clusters=an.cluster_layer(),
        display=disp,
        basemap=basemap,
        # meeting mode: the page's caption names the selection, so the legend stays short
        title=None if large_type else selection_title(ws, an.slice),
        large_type=large_type,
    )
    return selection_script(built), built.info


@st.cache_resource(show_spinner=False, max_entries=32)
def _map_script(
    path: str, file_stamp: tuple, key: tuple, disclosure: geo.Disclosure, large_type: bool, basemap: bool
) -> tuple[str, MapInfo]:
    ws, an = _load(path, file_stamp), _analyse(path, file_stamp, key)
    return draw_map(ws, _display(path, file_stamp), an, disclosure, large_type, basemap)


def map_script(
    path: Path, key: tuple, sel: Selection, disclosure: geo.Disclosure, large_type: bool, basemap: bool
) -> tuple[str, MapInfo]:
    """:func:`draw_map` of ``sel``, made once per stamp, selection and presentation for every rerun and
    session (cached)."""
    return _map_script(str(path), key, _selection_key(sel), disclosure, large_type, basemap)
