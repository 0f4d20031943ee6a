"""The store's tables: one per layer (the contract's canonical columns and a row key) and the history.

Layer tables hold the current state; ``changesets`` and ``changes`` hold every change ever made;
``store_layers`` records each layer's geometry and CRS, ``store_config`` the workspace's settings
(``workspace.toml`` as text, per changeset), ``users`` the accounts and ``audit`` the append-only
audit trail, ``store_version`` the schema version. This
module also brings frames to the store's canonical form (:func:`conform`) and computes row keys
(:func:`row_keys`), so the rest of the package compares like with like.

Column types follow :mod:`geo.schema`: text and enumerations are ``TEXT`` (a ``VARCHAR(n)`` can
vanish from GDAL's view of a GeoPackage), whole numbers ``INTEGER``/``BIGINT``, numbers ``DOUBLE``,
dates ``DATE``. Layers with a polygon in the contract (hamlets, parcels, projects) have a ``geom``
column; grievances keep their point as the ``lon``/``lat`` columns of the contract.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import UserDefinedType

from ..joins import parcel_key
from ..schema import LAYERS, Column

SCHEMA_VERSION = 4
"""The version of the store's tables that this code writes (see :mod:`geo.store.migrations`)."""

KEY = "row_key"
"""The row key column of every layer table."""

FID = "fid"
GEOM = "geom"
KEY_SEP = "|"

GEOMETRY_LAYERS = tuple(name for name, layer in LAYERS.items() if layer.geometry != "none")
"""Layers stored with a geometry column: hamlets, parcels, projects."""

KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "hamlets": ("hamlet_id",),
    "parcels": ("parcel_id",),
    "projects": ("project_id",),
    "households": ("household_id", "project_id", "parcel_id"),
    "stage_history": ("household_id", "project_id", "stage", "date"),
    "grievances": ("grievance_id",),
    "grievance_steps": ("grievance_id", "step", "date"),
    "field_reports": ("report_date", "hamlet_id"),
}
"""The columns that identify a row of each layer (the contract's ids). Where a parcel id is blank it is
derived as the contract says (``{commune_code}-{map_sheet}-{parcel_no}``). A repeated key gets ``#2``,
``#3`` … in the order of the rows (stage_history and field_reports have no id of their own)."""

UTC_FORMAT = "%(year)04d-%(month)02d-%(day)02dT%(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06dZ"
UTC_REGEXP = r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)Z"


class GpkgGeometry(UserDefinedType):
    """A GeoPackage geometry column: declared ``GEOMETRY``, holding GeoPackage binary blobs."""

    cache_ok = True

    def get_col_spec(self, **kw) -> str:
        return "GEOMETRY"


def _utc_datetime() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=True).with_variant(
        sqlite.DATETIME(storage_format=UTC_FORMAT, regexp=UTC_REGEXP), "sqlite"
    )


def _column_type(col: Column) -> sa.types.TypeEngine:
    if col.type == "int":
        return sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    if col.type == "float":
        return sa.Double()
    if col.type == "date":
        return sa.Date()
    return sa.Text()


def _fid() -> sa.Column:
    return sa.Column(FID, sa.Integer, primary_key=True, autoincrement=True)


def history_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    """``changesets``, ``changes``, ``store_layers`` and ``store_version``, bound to ``metadata``."""
    changesets = sa.Table(
        "changesets",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("at", _utc_datetime(), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("kind", sa.Text, nullable=False),  # import | upload | edit | rollback
        sa.Column("source_name", sa.Text),
        sa.Column("source_sha256", sa.Text),
        sa.Column("base", sa.Integer),  # the changeset an upload was made from
        sa.Column("restores", sa.Integer),  # for a rollback: the changeset whose state it restores
    )
    changes = sa.Table(
        "changes",
        metadata,
        _fid(),
        sa.Column("changeset_id", sa.Integer, sa.ForeignKey("changesets.id"), nullable=False),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column(KEY, sa.Text, nullable=False),
        sa.Column("record", sa.Text, nullable=False),  # the key's first part: the record's id (H0102)
        sa.Column("op", sa.Text, nullable=False),  # add | change | remove
        sa.Column("old", sa.Text),  # JSON: the whole row (remove) or the changed columns (change)
        sa.Column("new", sa.Text),  # JSON: the whole row (add) or the changed columns (change)
        sa.Column("old_geom", sa.LargeBinary),  # WKB, where the geometry changed or the row was removed
        sa.Column("new_geom", sa.LargeBinary),  # WKB, where the geometry changed or the row was added
        sa.Index("changes_layer_changeset", "layer", "changeset_id"),
        sa.Index("changes_layer_record", "layer", "record"),
    )
    store_layers = sa.Table(
        "store_layers",
        metadata,
        sa.Column("layer", sa.Text, primary_key=True),
        sa.Column("has_geometry", sa.Integer, nullable=False),
        sa.Column("srid", sa.Integer),
        sa.Column("crs", sa.Text),  # PROJJSON: the exact CRS given back to readers (WKT2 loses a BoundCRS)
        sa.Column("since", sa.Integer),  # the first changeset that held the layer (NULL: not yet present)
    )
    version = sa.Table(
        "store_version",
        metadata,
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("at", _utc_datetime(), nullable=False),
        sa.Column("note", sa.Text),
    )
    return {
        "changesets": changesets,
        "changes": changes,
        "store_layers": store_layers,
        "store_version": version,
        "store_config": config_table(metadata),
        "users": users_table(metadata),
        "audit": audit_table(metadata),
    }


def config_table(metadata: sa.MetaData) -> sa.Table:
    """``store_config``: the workspace's ``workspace.toml`` as text, one row per changeset that set it.

    The settings in force right after changeset *N* are those of the row with the largest
    ``changeset_id`` ≤ *N* (store version 2).
    """
    return sa.Table(
        "store_config",
        metadata,
        sa.Column("changeset_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("text", sa.Text, nullable=False),
    )


def users_table(metadata: sa.MetaData) -> sa.Table:
    """``users``: the accounts that sign in (store version 3; :mod:`geo.store.accounts`).

    ``hamlets`` is a JSON list of hamlet ids; ``password_hash`` an argon2id hash (never the password);
    ``locked_until`` the UTC time a lockout ends (NULL: not locked).
    """
    return sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("hamlets", sa.Text, nullable=False, default="[]"),
        sa.Column("exports_personal", sa.Boolean, nullable=False, default=False),
        sa.Column("meeting_screen", sa.Boolean, nullable=False, default=False),
        sa.Column("active", sa.Boolean, nullable=False, default=True),
        sa.Column("failed_attempts", sa.Integer, nullable=False, default=0),
        sa.Column("locked_until", _utc_datetime()),
        sa.Column("created_at", _utc_datetime(), nullable=False),
        sa.Column("changed_at", _utc_datetime(), nullable=False),
    )


def audit_table(metadata: sa.MetaData) -> sa.Table:
    """``audit``: append-only, one row per sign-in, changeset, export, download or account change (version 3).

    ``personal``: whether the produced file carried personal data; ``sha256``: the file's digest;
    ``outcome``: ``done`` or ``refused`` (attempts are recorded too). See :mod:`geo.store.audit`.
    """
    return sa.Table(
        "audit",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _utc_datetime(), nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("what", sa.Text),
        sa.Column("layer", sa.Text),
        sa.Column("format", sa.Text),
        sa.Column("personal", sa.Boolean, nullable=False, default=False),
        sa.Column("sha256", sa.Text),
        sa.Column("outcome", sa.Text, nullable=False, default="done"),
        sa.Column("changeset_id", sa.Integer),
        sa.Index("audit_at", "at"),
        sa.Index("audit_user", "user"),
    )


def layer_table(metadata: sa.MetaData, name: str, backend: str, srid: int | None) -> sa.Table:
    """The table of layer ``name``: ``fid``, ``row_key``, the canonical columns, ``geom`` if spatial."""
    cols: list[sa.Column] = [_fid(), sa.Column(KEY, sa.Text, nullable=False)]
    cols += [sa.Column(col.name, _column_type(col)) for col in LAYERS[name].columns]
    if name in GEOMETRY_LAYERS:
        if backend == "postgis":
            from geoalchemy2 import Geometry  # a PostGIS store's only: a GeoPackage's reads load no GeoAlchemy2

            cols.append(sa.Column(GEOM, Geometry("GEOMETRY", srid=srid or -1, spatial_index=True)))
        else:
            cols.append(sa.Column(GEOM, GpkgGeometry()))
    return sa.Table(name, metadata, *cols, sa.UniqueConstraint(KEY, name=f"{name}_row_key"))


def canonical_names(name: str) -> list[str]:
    """The canonical column names of layer ``name`` in the contract's order."""
    return [col.name for col in LAYERS[name].columns]


def _text(series: pd.Series) -> pd.Series:
    missing = series.isna().to_numpy()
    out = series.to_numpy(dtype=object).copy()
    present = out[~missing]
    if pd.api.types.infer_dtype(present, skipna=False) != "string":
        out[~missing] = [str(v) for v in present]
    out[missing] = None
    return pd.Series(out, index=series.index, dtype=object)


def _same_crs(a: pyproj.CRS, b: pyproj.CRS) -> bool:
    return a == b or a.to_json() == b.to_json()


def conform(name: str, frame: pd.DataFrame, crs: pyproj.CRS | None = None) -> pd.DataFrame:
    """``frame`` in the store's canonical form for layer ``name``.

    The contract's columns in its order (missing ones blank, others dropped: derived columns such as
    ``row`` or a placed ``hamlet_id`` of households are not stored), text as ``object`` with ``None``,
    whole numbers ``Int64``, numbers ``float64``, dates ``datetime64[us]`` at midnight, and for
    hamlets, parcels and projects a GeoDataFrame in ``crs`` (reprojected where the frame has another).
    """
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for col in LAYERS[name].columns:
        values = (
            frame[col.name].reset_index(drop=True)
            if col.name in frame.columns
            else pd.Series([None] * len(frame), dtype=object)
        )
        if col.type == "int":
            out[col.name] = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        elif col.type == "float":
            out[col.name] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif col.type == "date":
            out[col.name] = pd.to_datetime(values, errors="coerce").dt.normalize().astype("datetime64[us]")
        else:
            out[col.name] = _text(values)
    if name not in GEOMETRY_LAYERS:
        return out
    geoms = None
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        series = frame.geometry.reset_index(drop=True)
        if crs is not None and series.crs is not None and not _same_crs(series.crs, crs):
            series = series.to_crs(crs)
        geoms = series.set_crs(crs, allow_override=True).values
    if geoms is None:
        geoms = gpd.GeoSeries([None] * len(frame)).values
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, index=out.index), crs=crs)


def _key_part(series: pd.Series) -> np.ndarray:
    """One key column as an object array of text, blanks as ``""``."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
    values = _text(series).to_numpy(dtype=object).copy()
    values[pd.isna(values)] = ""
    return values


def record_of(key: str) -> str:
    """The record's id in a row key: its first part, without a ``#n`` repeat mark."""
    return key.split(KEY_SEP, 1)[0].split("#", 1)[0]


def row_keys(name: str, frame: pd.DataFrame) -> pd.Series:
    """The row key of every row of a conformed frame of layer ``name`` (see :data:`KEY_COLUMNS`)."""
    parts = []
    for col in KEY_COLUMNS[name]:
        part = _key_part(frame[col])
        blank = part == ""
        if col == "parcel_id" and blank.any():
            derived = parcel_key(frame["map_sheet"], frame["parcel_no"], frame["commune_code"])
            derived = derived.astype(object).where(derived.notna(), "").to_numpy(dtype=object)
            part = np.where(blank, derived, part)
        parts.append(part)
    keys = parts[0] if len(parts) == 1 else np.array([KEY_SEP.join(t) for t in zip(*parts, strict=True)], dtype=object)
    key = pd.Series(keys, dtype=object, name=KEY)
    if key.duplicated().any():
        occurrence = key.groupby(key).cumcount()
        key = key.where(occurrence == 0, key + "#" + (occurrence + 1).astype(str)).astype(object)
    return key.reset_index(drop=True)
