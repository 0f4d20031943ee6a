"""Reading the store: a layer now or after any changeset, and the history of the store, a layer, a record.

The layer tables hold the current state. The state after changeset *N* is rebuilt from it by undoing,
column by column, the changes made after *N*: for every row and column touched after *N*, its value
at *N* is the *old* value of the earliest change after *N* that touched it; a row whose earliest
change after *N* is an ``add`` did not exist at *N*. A removed row's change holds its whole old row,
so rows removed since come back whole. The work is proportional to the changes made since *N*, done
with pandas operations on the changes, not a replay of every changeset.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
import sqlalchemy as sa

from ..schema import LAYERS
from .engine import Backend
from .tables import FID, GEOM, GEOMETRY_LAYERS, KEY, conform, record_of


def read_current(
    conn: sa.Connection,
    backend: Backend,
    table: sa.Table,
    layer: str,
    crs: pyproj.CRS | None,
    keys: list[str] | None = None,
) -> pd.DataFrame:
    """The layer as it is now (only the rows of ``keys`` where given): a conformed frame with its
    ``row_key`` column, in row order."""
    where = table.c[KEY].in_(keys) if keys is not None else None
    raw = backend.read_rows(conn, table, column_kinds(layer), GEOM if layer in GEOMETRY_LAYERS else None, FID, where)
    return layer_frame(raw, layer, crs)


def read_detached(backend: Backend, table: sa.Table, layer: str, crs: pyproj.CRS | None) -> pd.DataFrame | None:
    """The layer as it is now, read outside any transaction (:meth:`Backend.read_detached`; the caller
    checks that no changeset came meanwhile), as :func:`read_current` gives it; None where the backend
    has no such read."""
    raw = backend.read_detached(table.name, column_kinds(layer), GEOM if layer in GEOMETRY_LAYERS else None)
    return None if raw is None else layer_frame(raw, layer, crs)


def column_kinds(layer: str) -> dict[str, str]:
    """The columns of a layer's table to read, each with its kind in :mod:`geo.schema`."""
    return {KEY: "str"} | {col.name: col.type for col in LAYERS[layer].columns}


def layer_frame(raw: pd.DataFrame, layer: str, crs: pyproj.CRS | None) -> pd.DataFrame:
    """A layer's rows as read (:meth:`Backend.read_rows`) as a conformed frame with its ``row_key``."""
    if layer in GEOMETRY_LAYERS:
        geoms = gpd.GeoSeries(raw[GEOM].to_numpy(dtype=object), index=raw.index)
        raw = gpd.GeoDataFrame(raw.drop(columns=GEOM), geometry=geoms, crs=crs)
    out = conform(layer, raw, crs)
    out[KEY] = pd.Series(raw[KEY].to_numpy(dtype=object), index=out.index, dtype=object)
    return out


def state_at(
    conn: sa.Connection,
    backend: Backend,
    tables: dict,
    layer: str,
    at: int,
    crs: pyproj.CRS | None,
    keys: list[str] | None = None,
    current: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The layer right after changeset ``at`` (only the rows of ``keys`` where given): a conformed
    frame with ``row_key``. ``current``: the layer as it is now, where the caller has it."""
    if current is None:
        current = read_current(conn, backend, tables[layer], layer, crs, keys)
    changes = tables["changes"]
    stmt = (
        sa.select(changes.c[KEY], changes.c.op, changes.c.old, changes.c.old_geom)
        .where(changes.c.layer == layer, changes.c.changeset_id > at)
        .order_by(changes.c.changeset_id, changes.c[FID])
    )
    if keys is not None:  # through the (layer, record) index
        stmt = stmt.where(changes.c.record.in_({record_of(k) for k in keys}), changes.c[KEY].in_(keys))
    rows = conn.execute(stmt).all()
    if not rows:
        return current
    later = pd.DataFrame.from_records(rows, columns=[KEY, "op", "old", "old_geom"])
    first_op = later.groupby(KEY, sort=False)["op"].first()
    absent_then = set(first_op.index[first_op == "add"])
    existed_then = first_op.index[first_op != "add"]

    # the old values of the earliest change after `at`, per row and column
    undo = later[(later["op"] != "add") & ~later[KEY].isin(absent_then)]
    long_keys, long_cols, long_vals = [], [], []
    for key, old in zip(undo[KEY], undo["old"], strict=True):
        for col, val in json.loads(old).items():
            long_keys.append(key)
            long_cols.append(col)
            long_vals.append(val)
    cells = pd.DataFrame({KEY: long_keys, "column": long_cols, "value": long_vals})
    cells = cells.drop_duplicates([KEY, "column"], keep="first")
    spatial = layer in GEOMETRY_LAYERS
    if spatial:
        g = undo[undo["old_geom"].notna()].drop_duplicates(KEY, keep="first")

    from .changesets import jsonable

    keep = current[~current[KEY].isin(absent_then)]
    table = jsonable(layer, keep)
    table.index = keep[KEY].to_numpy()
    have = set(table.index)
    restored = [k for k in existed_then if k not in have]
    if restored:
        extra = pd.DataFrame(None, index=restored, columns=table.columns, dtype=object)
        table = pd.concat([table, extra])
    for col, group in cells.groupby("column", sort=False):
        if col not in table.columns:
            continue
        table.loc[group[KEY].to_numpy(), col] = pd.Series(
            group["value"].to_numpy(), index=group[KEY].to_numpy(), dtype=object
        )
    frame = table.reset_index(drop=True)
    if spatial:
        geoms = pd.Series(np.asarray(keep.geometry.values, dtype=object), index=keep[KEY].to_numpy(), dtype=object)
        geoms = geoms.reindex(table.index)
        if len(g):
            geoms.loc[g[KEY].to_numpy()] = list(
                shapely.from_wkb(np.array([bytes(b) for b in g["old_geom"]], dtype=object))
            )
        frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms.to_numpy(), index=frame.index), crs=crs)
    out = conform(layer, frame, crs)
    out[KEY] = pd.Series(np.asarray(table.index, dtype=object), index=out.index, dtype=object)
    return out


def _as_utc(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def changeset_list(conn: sa.Connection, tables: dict, layer: str | None = None) -> list[dict]:
    """Every changeset, oldest first, with per layer counts ``{"added", "changed", "removed"}``.

    With ``layer``, only the changesets that changed it (and the one that imported it).
    """
    cs, ch = tables["changesets"], tables["changes"]
    counts = conn.execute(
        sa.select(ch.c.changeset_id, ch.c.layer, ch.c.op, sa.func.count().label("n")).group_by(
            ch.c.changeset_id, ch.c.layer, ch.c.op
        )
    ).all()
    per: dict[int, dict[str, dict[str, int]]] = {}
    names = {"add": "added", "change": "changed", "remove": "removed"}
    for cid, lay, op, n in counts:
        per.setdefault(cid, {}).setdefault(lay, {"added": 0, "changed": 0, "removed": 0})[names[op]] = int(n)
    out = []
    for row in conn.execute(sa.select(cs).order_by(cs.c.id)).mappings():
        found = per.get(row["id"], {})
        layers = {name: found[name] for name in LAYERS if name in found}
        if layer is not None and layer not in layers:
            continue
        out.append(
            {
                "id": row["id"],
                "user": row["user"],
                "at": _as_utc(row["at"]),
                "note": row["note"],
                "kind": row["kind"],
                "source_name": row["source_name"],
                "source_sha256": row["source_sha256"],
                "base": row["base"],
                "restores": row["restores"],
                "layers": layers,
            }
        )
    return out


def record_history(
    conn: sa.Connection, backend: Backend, tables: dict, layer: str, record: str, crs: pyproj.CRS | None
) -> list[dict]:
    """The changes of one record, oldest first.

    ``record`` is a row key or the record's id (the key's first part): ``"H0102"`` finds every row of
    household H0102 (one per project and parcel). A row added by the import records no values (they
    are the state right after it); they are rebuilt here for that row only.
    """
    cs, ch = tables["changesets"], tables["changes"]
    stmt = (
        sa.select(
            ch.c.changeset_id,
            ch.c[KEY],
            ch.c.op,
            ch.c.old,
            ch.c.new,
            (ch.c.old_geom.isnot(None) | ch.c.new_geom.isnot(None)).label("geometry"),
            cs.c.user,
            cs.c.at,
            cs.c.note,
            cs.c.kind,
        )
        .join(cs, cs.c.id == ch.c.changeset_id)
        .where(ch.c.layer == layer, sa.or_(ch.c.record == record, ch.c[KEY] == record))
        .order_by(ch.c.changeset_id, ch.c[FID])
    )
    out = []
    for row in conn.execute(stmt).mappings():
        out.append(
            {
                "changeset": row["changeset_id"],
                "user": row["user"],
                "at": _as_utc(row["at"]),
                "note": row["note"],
                "kind": row["kind"],
                "layer": layer,
                "row_key": row[KEY],
                "op": row["op"],
                "old": json.loads(row["old"]) if row["old"] else {},
                "new": json.loads(row["new"]) if row["new"] else None,
                "geometry_changed": bool(row["geometry"]),
            }
        )
    from .changesets import jsonable

    unrecorded: dict[int, list[dict]] = {}
    for event in out:
        if event["new"] is None:
            event["new"] = {}
            if event["op"] == "add":
                unrecorded.setdefault(event["changeset"], []).append(event)
    for cid, events in unrecorded.items():
        state = state_at(conn, backend, tables, layer, cid, crs, keys=[e["row_key"] for e in events])
        values = jsonable(layer, state)
        values.index = state[KEY].to_numpy()
        for event in events:
            if event["row_key"] in values.index:
                event["new"] = values.loc[event["row_key"]].to_dict()
    return out


def layer_latest(conn: sa.Connection, tables: dict, layer: str) -> int | None:
    """The last changeset that changed ``layer`` (None if none did)."""
    ch = tables["changes"]
    return conn.execute(sa.select(sa.func.max(ch.c.changeset_id)).where(ch.c.layer == layer)).scalar()


def changesets_since(conn: sa.Connection, tables: dict, layer: str, base: int) -> list[dict]:
    """The changesets after ``base`` that changed ``layer``: id, user, at, note."""
    cs, ch = tables["changesets"], tables["changes"]
    ids = sa.select(ch.c.changeset_id).where(ch.c.layer == layer, ch.c.changeset_id > base).distinct()
    rows = conn.execute(
        sa.select(cs.c.id, cs.c.user, cs.c.at, cs.c.note).where(cs.c.id.in_(ids)).order_by(cs.c.id)
    ).mappings()
    return [{"id": r["id"], "user": r["user"], "at": _as_utc(r["at"]), "note": r["note"]} for r in rows]


def keys_changed_since(conn: sa.Connection, tables: dict, layer: str, base: int) -> set[str]:
    """Row keys of ``layer`` added, changed or removed after changeset ``base``."""
    ch = tables["changes"]
    rows = conn.execute(sa.select(ch.c[KEY]).where(ch.c.layer == layer, ch.c.changeset_id > base).distinct())
    return {r[0] for r in rows}
