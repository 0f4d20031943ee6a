"""Cached loading and analysis, keyed by the workspace path (and its files' stamps).

A filter change never rereads files: the workspace and its display geometry
are ``st.cache_resource`` entries keyed by ``(path, stamp)``, and each
selection's slice, hotspot levels, Gi* clusters and summary are cached per
selection (one :func:`geo.analyse` each). Editing a file in the workspace changes the stamp, so the next
rerun reads it again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

import geo
from geo import Analysis
from geo.maps import DisplayGeometry, display_geometry
from geo.selection import Selection

from . import figures

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WORKSPACE = "data/hoson"
ENV_WORKSPACE = "GEO_WORKSPACE"


def resolve_workspace(arg: str | None) -> Path:
    """The workspace folder: ``--workspace``, else ``$GEO_WORKSPACE``, else ``data/hoson``.

    A relative path is taken from the working directory, or else from the
    repository root (so the app also starts from another folder).
    """
    raw = arg or os.environ.get(ENV_WORKSPACE) or DEFAULT_WORKSPACE
    path = Path(raw).expanduser()
    if not path.is_absolute() and not path.exists() and (REPO / path).exists():
        path = REPO / path
    return path.resolve()


def stamp(path: Path) -> tuple:
    """Names, sizes and modification times of the folder's files: a cheap change detector."""
    try:
        return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(path) if e.is_file()))
    except OSError:
        return ()


@st.cache_resource(show_spinner="Đang đọc dữ liệu / Loading the workspace…", max_entries=4)
def _load(path: str, file_stamp: tuple) -> geo.Workspace:
    return geo.load_workspace(path)


@st.cache_resource(show_spinner="Đang chuẩn bị hình bản đồ / Preparing map shapes…", max_entries=4)
def _display(path: str, file_stamp: tuple) -> DisplayGeometry:
    return display_geometry(_load(path, file_stamp))


def load(path: Path) -> tuple[geo.Workspace, tuple]:
    """The workspace at ``path`` (cached) and the stamp that keys everything derived from it."""
    key = stamp(path)
    return _load(str(path), key), key


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
