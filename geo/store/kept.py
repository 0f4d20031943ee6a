"""The assembled workspace kept with the store's latest changeset, so the next reader does not rebuild it.

Assembling a store's workspace — parcels placed in hamlets, households on parcels, every check of the
contract — is the same work for every reader of the same changeset: about half of a province's
``geo summary``. What depends only on the data is kept with the changeset it was made from: :func:`keep`
writes a workspace as it was assembled into the table ``workspace_kept`` (one row per frame, as Arrow
IPC of its typed columns; one more per geometry column, its coordinates and offsets as GeoArrow's ragged
arrays where every geometry is of one type, else WKB in the frame's row; and one row of the rest as
JSON: the report, the layers read, the CRS, the settings), in place of what was kept for an earlier
changeset; :func:`kept` reads it back where it was kept for the store's latest changeset by this very
code (:func:`code_key`: the ``geo`` package's source and the versions of the libraries that shape a
frame), else None and the reader assembles.

A cache, not data: no changeset records it, dropping the table loses nothing, and a store without it,
or a reader who may not write it (a read-only file, a PostGIS role without the right), reads as before.
It holds what the store holds, personal data included, in the store itself: no copy leaves the store.
Frames are kept only where they come back exactly (each column's type and its blanks: ``None``,
``pd.NA`` or NaN); a workspace that would not is not kept.

It rests on what the store's other caches rest on: the latest changeset's id names the store's state
(every change through the store makes a changeset; editing the tables behind its back, in QGIS, is not
a change the store sees).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyproj
import shapely
import sqlalchemy as sa

from ..problems import Problem, Report
from ..schema import LAYERS

if TYPE_CHECKING:
    from ..config import WorkspaceConfig
    from ..source import SourceInfo
    from ..workspace import Workspace
    from .store import Store

LOG = logging.getLogger(__name__)

TABLE = "workspace_kept"
FRAMES = tuple(LAYERS)
"""The workspace's frames, one per layer of the contract, each kept in its own row."""
_META = "_workspace"

_metadata = sa.MetaData()
kept_table = sa.Table(
    TABLE,
    _metadata,
    sa.Column("part", sa.Text, primary_key=True),
    sa.Column("changeset_id", sa.Integer, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

_BLANKS: dict[str, Any] = {"none": None, "na": pd.NA, "nan": np.nan}
_TEXT_TYPES = (pa.string(), pa.large_string(), pa.null())


@functools.cache
def code_key() -> str:
    """What a kept workspace must have been made by: a digest of the ``geo`` package's source and the
    versions of the libraries that shape its frames (a new release or an edited rule assembles again)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for lib in (np, pd, pa, shapely, gpd, pyproj):
        digest.update(f"{lib.__name__}={lib.__version__};".encode())
    return digest.hexdigest()[:32]


class _NotKept(Exception):
    """A frame that would not come back exactly: the workspace is not kept."""


def _frame_parts(frame: pd.DataFrame) -> tuple[dict[str, bytes | memoryview], dict]:
    """A frame as Arrow IPC (``""``; and ``"/column"`` for a geometry column kept as GeoArrow's ragged
    arrays), and what brings it back: each column's dtype and blank, each geometry column's encoding."""
    if frame.attrs or not all(isinstance(c, str) for c in frame.columns) or frame.columns.duplicated().any():
        raise _NotKept("attrs or column names")
    info: dict[str, Any] = {"dtypes": {c: str(t) for c, t in frame.dtypes.items()}, "blanks": {}, "geometry": {}}
    parts: dict[str, bytes | memoryview] = {}
    plain = pd.DataFrame(frame, copy=False)
    if isinstance(frame, gpd.GeoDataFrame):
        info["active"] = frame.geometry.name
        info["crs"] = frame.crs.to_json() if frame.crs is not None else None
    for c in plain.columns:
        dtype = plain[c].dtype
        if isinstance(dtype, gpd.array.GeometryDtype):
            geoms = np.asarray(plain[c].array, dtype=object)
            ragged = _ragged_bytes(geoms)
            if ragged is None:
                info["geometry"][c] = "wkb"
                plain[c] = shapely.to_wkb(geoms)
            else:
                info["geometry"][c] = "ragged"
                parts["/" + c] = ragged
                plain[c] = None
        elif pd.api.types.is_object_dtype(dtype):
            values = plain[c].to_numpy()
            blank = pd.isna(values)
            kinds = {type(v) for v in values[blank]}
            if len(kinds) > 1:
                raise _NotKept(f"mixed blanks in {c}")
            kind = kinds.pop() if kinds else type(None)
            info["blanks"][c] = {type(None): "none", type(pd.NA): "na", float: "nan"}.get(kind)
            if info["blanks"][c] is None:
                raise _NotKept(f"blank {kind} in {c}")
    table = pa.Table.from_pandas(plain)
    for c in info["blanks"]:
        if table.schema.field(c).type not in _TEXT_TYPES:
            raise _NotKept(f"object column {c} is not text")
    parts[""] = _ipc(table)
    return parts, info


def _ipc(table: pa.Table) -> memoryview:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return memoryview(sink.getvalue())


def _ragged_bytes(geoms: np.ndarray) -> bytes | None:
    """Geometries of one type, none missing or empty, as GeoArrow's coordinates and offsets (decoded
    twice as fast as WKB); None otherwise."""
    types = np.unique(shapely.get_type_id(geoms))
    if not len(geoms) or len(types) != 1 or types[0] not in _RAGGED or shapely.is_empty(geoms).any():
        return None
    kind, coords, offsets = shapely.to_ragged_array(geoms)
    buffer = io.BytesIO()
    np.savez(buffer, *offsets, kind=np.int64(kind), coords=coords)
    return buffer.getvalue()


_RAGGED = (0, 1, 3, 4, 5, 6)
"""Point, line, polygon and their multi kinds: what GeoArrow's ragged arrays hold (no ring, no collection)."""


def _geometry_from(data: bytes) -> np.ndarray:
    """:func:`_ragged_bytes` undone."""
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        offsets = tuple(arrays[f"arr_{i}"] for i in range(len(arrays.files) - 2))
        return shapely.from_ragged_array(shapely.GeometryType(int(arrays["kind"])), arrays["coords"], offsets or None)


def _frame_from(parts: dict[str, bytes], info: dict) -> pd.DataFrame:
    """:func:`_frame_parts` undone; raises :class:`_NotKept` where a column does not come back as it was."""
    table = pa.ipc.open_stream(parts[""]).read_all()
    blanks = info["blanks"]
    frame = table.drop_columns(list(blanks)).to_pandas()  # the text columns once, below, with their blanks
    for c, blank in blanks.items():
        values = table.column(c).to_numpy(zero_copy_only=False).astype(object, copy=False)
        if blank != "none" and len(values):
            values[pd.isna(values)] = _BLANKS[blank]
        frame[c] = pd.Series(values, index=frame.index, dtype=object)
    frame = frame[[c for c in table.column_names if c in frame.columns]]
    for c, encoding in info["geometry"].items():
        geoms = _geometry_from(parts["/" + c]) if encoding == "ragged" else shapely.from_wkb(frame[c].to_numpy())
        frame[c] = gpd.GeoSeries(geoms, index=frame.index)
    if "active" in info:
        crs = pyproj.CRS.from_json(info["crs"]) if info["crs"] else None
        frame = gpd.GeoDataFrame(frame, geometry=info["active"], crs=crs)
        for c in info["geometry"]:
            if c != info["active"]:
                frame[c] = frame[c].set_crs(crs, allow_override=True)
    if {c: str(t) for c, t in frame.dtypes.items()} != info["dtypes"]:
        raise _NotKept("dtypes")
    return frame


def keep(store: Store, ws: Workspace, config_text: str | None) -> bool:
    """Keep ``ws``, assembled from ``store`` as it is now, with the store's latest changeset.

    Written in one transaction in place of what was kept before; nothing where the store has moved on
    since ``ws`` was read, where a frame would not come back exactly, or where the store cannot be
    written now (read-only, locked, no right). ``config_text``: the settings ``ws`` was assembled with
    (the store's ``workspace.toml`` text). Returns whether it was kept.
    """
    changeset = ws.source.changeset
    if ws.source.kind != "store" or changeset is None:
        return False
    frames: dict[str, dict] = {}
    meta = {
        "changeset": changeset,
        "files": dict(ws.source.files),
        "config": config_text,
        "crs": ws.crs.to_json() if ws.crs is not None else None,
        "present": sorted(ws.present),
        "problems": [asdict(p) for p in ws.report.problems],
        "frames": frames,
    }
    if [_problem(p) for p in json.loads(json.dumps(meta["problems"]))] != ws.report.problems:
        return False
    code = code_key()
    try:
        with store.backend.writing(lock=False) as conn:
            if store._head(conn) != changeset:
                return False
            _metadata.create_all(conn, checkfirst=True)
            conn.execute(kept_table.delete())
            for name in FRAMES:
                parts, frames[name] = _frame_parts(getattr(ws, name))
                for sub, data in parts.items():
                    conn.execute(
                        kept_table.insert().values(part=name + sub, changeset_id=changeset, code=code, data=data)
                    )
                del parts
                pa.default_memory_pool().release_unused()  # Arrow's pool gives its buffers back now
            text = json.dumps(meta, ensure_ascii=False).encode()
            conn.execute(kept_table.insert().values(part=_META, changeset_id=changeset, code=code, data=text))
    except (_NotKept, sa.exc.SQLAlchemyError, pa.ArrowException, OSError) as exc:
        LOG.info("workspace not kept: %s", exc)
        return False
    return True


def kept(
    store: Store,
    describe: Callable[[dict[str, str], int], SourceInfo],
    settings: Callable[[str | None], WorkspaceConfig],
) -> Workspace | None:
    """The workspace kept with the store's latest changeset by this code, or None.

    ``describe(files, changeset)`` gives its :class:`~geo.source.SourceInfo`, ``settings(text)`` its
    settings from the kept ``workspace.toml`` text.
    """
    from ..workspace import Workspace

    code = code_key()
    try:
        with store.backend.begin_read() as conn:
            if not sa.inspect(conn).has_table(TABLE):
                return None
            head = store._head(conn)
            rows = store.backend.read_bytes(
                conn,
                sa.select(kept_table.c.part, kept_table.c.data).where(
                    kept_table.c.changeset_id == head, kept_table.c.code == code
                ),
            )
        parts = {part: bytes(data) for part, data in rows}
        if _META not in parts:
            return None
        meta = json.loads(parts.pop(_META))
        frames = {}
        for name in FRAMES:
            own = {part[len(name) :]: parts.pop(part) for part in list(parts) if part.split("/")[0] == name}
            frames[name] = _frame_from(own, meta["frames"][name])
    except (_NotKept, sa.exc.SQLAlchemyError, pa.ArrowException, ValueError, KeyError) as exc:
        LOG.info("kept workspace not read: %s", exc)
        return None
    return Workspace(
        source=describe(meta["files"], meta["changeset"]),
        config=settings(meta["config"]),
        report=Report([_problem(p) for p in meta["problems"]]),
        crs=pyproj.CRS.from_json(meta["crs"]) if meta["crs"] else None,
        present=set(meta["present"]),
        **frames,
    )


def _problem(fields: dict) -> Problem:
    return Problem(**{**fields, "rows": tuple(fields["rows"])})
