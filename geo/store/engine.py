"""Where a store lives: URLs, engines, and the little that differs between GeoPackage and PostGIS.

Everything above this module is one implementation in SQLAlchemy Core. What differs per backend is
kept here, in :class:`Backend`: how a geometry is written and read (GeoPackage binary blobs in a
GeoPackage, PostGIS geometries through GeoAlchemy2), how a CRS is registered (``gpkg_spatial_ref_sys``
or ``spatial_ref_sys``), the GeoPackage's own metadata tables (so that GDAL and QGIS open every layer
with its CRS), how writers are serialised, how a consistent copy is taken while the app runs, and
how a whole layer is read (:meth:`Backend.read_rows`: one SQLAlchemy ``SELECT``, or on PostGIS a
``COPY`` parsed by Arrow and the geometries as WKB, with no Python object per value).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj
import shapely
import sqlalchemy as sa
from sqlalchemy import event

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3
CUSTOM_SRID_PG = 990000  # first SRID this package gives a CRS unknown to PostGIS (user range ends 998999)
CUSTOM_SRID_GPKG = 100000

_GPKG_DDL = [
    """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)""",
    """CREATE TABLE IF NOT EXISTS gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT
        (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
        srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT uk_gc_table_name UNIQUE (table_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
]
_GPKG_DEFAULT_SRS = [
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    (
        "WGS 84 geodetic",
        4326,
        "EPSG",
        4326,
        pyproj.CRS("EPSG:4326").to_wkt("WKT1_GDAL"),
        "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
    ),
]
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _srs(srid: int | None) -> int:
    """A GeoPackage srs_id: the store's, or -1 (undefined cartesian) for a store without a CRS."""
    return -1 if srid is None else srid


def resolve_url(store: str | Path) -> tuple[str, str]:
    """``(SQLAlchemy URL, backend)`` for a ``.gpkg`` path or a ``postgresql://`` URL.

    Example
    -------
    >>> resolve_url("postgresql://u@127.0.0.1:5432/geo")
    ('postgresql+psycopg://u@127.0.0.1:5432/geo', 'postgis')
    """
    text = str(store)
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :], "postgis"
    if text.startswith("sqlite:///"):
        return text, "gpkg"
    return f"sqlite:///{Path(text).expanduser().resolve()}", "gpkg"


def utc_now() -> datetime:
    """Now, in UTC, to the microsecond."""
    return datetime.now(UTC)


class Backend:
    """What differs between a GeoPackage store and a PostGIS store."""

    name = "?"

    def __init__(self, url: str):
        self.url = url
        self.engine = self._make_engine(url)

    def _make_engine(self, url: str) -> sa.Engine:
        raise NotImplementedError

    # --- transactions -------------------------------------------------------------------------
    def begin_write(self, lock: bool = True) -> sa.Connection:
        """A connection in a transaction that holds the store's write lock (writers wait their turn)."""
        raise NotImplementedError

    @contextlib.contextmanager
    def writing(self, lock: bool = True) -> Iterator[sa.Connection]:
        """:meth:`begin_write` as a block: committed when the block ends, rolled back on any error or
        interruption (a refused change leaves the store as it was), closed either way. A commit or a
        rollback inside the block (a dry run) is kept; the one at the end then has nothing to do."""
        conn = self.begin_write(lock)
        try:
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()

    def begin_read(self) -> sa.Connection:
        """A connection in a read transaction: one consistent state of the store."""
        conn = self.engine.connect()
        conn.begin()
        return conn

    # --- geometry -----------------------------------------------------------------------------
    def geom_select(self, column: sa.ColumnElement) -> sa.ColumnElement:
        """The expression that reads a geometry column as bytes."""
        raise NotImplementedError

    def geoms_from_db(self, values: list) -> np.ndarray:
        """Shapely geometries from what :meth:`geom_select` returned."""
        raise NotImplementedError

    def geoms_to_db(self, geoms: np.ndarray, srid: int | None) -> list:
        """Bind values for a geometry column from shapely geometries (``srid`` None: the store has no CRS)."""
        raise NotImplementedError

    # --- reading a table ------------------------------------------------------------------------
    def read_detached(self, table: str, columns: dict[str, str], geometry: str | None = None) -> pd.DataFrame | None:
        """A whole table read outside this process's connections, where the backend has such a read
        (a GeoPackage's, by GDAL); None where it has none."""
        return None

    def read_bytes(self, conn: sa.Connection, stmt: sa.Select) -> list[tuple]:
        """The rows of ``stmt``, whose columns are text, numbers and large binary values, as Python
        values (``bytes`` for binary)."""
        return [tuple(row) for row in conn.execute(stmt).all()]

    def read_rows(
        self,
        conn: sa.Connection,
        table: sa.Table,
        columns: dict[str, str],
        geometry: str | None = None,
        order_by: str = "fid",
        where: sa.ColumnElement[bool] | None = None,
    ) -> pd.DataFrame:
        """The rows of ``table`` in ``order_by`` order, in ``conn``'s transaction: the one read of a layer.

        ``columns`` maps each column to read to its kind in :mod:`geo.schema` (``int``, ``float``,
        ``date``; anything else is text); ``geometry`` names a geometry column, read as shapely
        geometries into a column of that name; ``where`` keeps only some rows. The frame holds the
        columns in that order; their values are the database's (Python objects here, typed arrays in
        :class:`PostgisBackend`), for :func:`geo.store.tables.conform` to bring to one form.
        """
        cols: list[sa.ColumnElement[Any]] = [table.c[name] for name in columns]
        if geometry is not None:
            cols.append(self.geom_select(table.c[geometry]).label(geometry))
        stmt = sa.select(*cols).order_by(table.c[order_by])
        if where is not None:
            stmt = stmt.where(where)
        # the driver's own tuples: SQLAlchemy's Row objects would cost more than the query
        # by blocks of rows, each turned into columns (its geometries decoded) before the next is fetched:
        # a province's parcels never sit in memory as one tuple per row and one bytes object per shape
        result = conn.execute(stmt)
        names = [*columns] + ([geometry] if geometry is not None else [])
        parts: list[list[np.ndarray]] = [[] for _ in names]
        while result.cursor is not None:
            rows = result.cursor.fetchmany(50_000)
            if not rows:
                break
            for part, values in zip(parts, zip(*rows, strict=True), strict=True):
                part.append(np.array(values, dtype=object))
            del rows
            if geometry is not None:
                parts[-1][-1] = np.asarray(self.geoms_from_db(parts[-1][-1].tolist()), dtype=object)
        result.close()
        arrays = [np.concatenate(p) if p else np.array([], dtype=object) for p in parts]
        out = pd.DataFrame({n: pd.Series(a, dtype=object) for n, a in zip(names, arrays, strict=True)})
        return out

    # --- schema -------------------------------------------------------------------------------
    def prepare(self, conn: sa.Connection) -> None:
        """Make an empty database ready for the store's tables."""

    def register_crs(self, conn: sa.Connection, crs: pyproj.CRS) -> int:
        """Make ``crs`` known to the database; return its SRID."""
        raise NotImplementedError

    def register_table(
        self, conn: sa.Connection, table: str, srid: int | None, has_geometry: bool, description: str = ""
    ) -> None:
        """Declare a table for GIS readers (a GeoPackage's gpkg_contents); nothing for PostGIS."""

    def touch(self, conn: sa.Connection, tables: list[str]) -> None:
        """Record that ``tables`` changed (GeoPackage ``last_change``)."""

    def backup(self, out: Path) -> Path:
        raise NotImplementedError

    def dispose(self) -> None:
        self.engine.dispose()


class GpkgBackend(Backend):
    """A GeoPackage file, through SQLite."""

    name = "gpkg"

    def _make_engine(self, url: str) -> sa.Engine:
        engine = sa.create_engine(url, connect_args={"timeout": 60}, hide_parameters=True)  # no data in logs

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record):  # pragma: no cover - called by SQLAlchemy
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            dbapi_conn.execute("PRAGMA busy_timeout = 60000")
            dbapi_conn.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def _begin(conn):  # pragma: no cover - called by SQLAlchemy
            write = conn.get_execution_options().get("store_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    @property
    def path(self) -> Path:
        """The GeoPackage file (a ``sqlite:///`` URL always names one)."""
        database = sa.engine.make_url(self.url).database
        if not database:
            raise ValueError(f"the store's URL names no file: {self.url}")
        return Path(database)

    def begin_write(self, lock: bool = True) -> sa.Connection:
        conn = self.engine.connect().execution_options(store_write=True)
        conn.begin()
        return conn

    def geom_select(self, column):
        return column

    def read_detached(self, table: str, columns: dict[str, str], geometry: str | None = None) -> pd.DataFrame:
        """A whole table read by GDAL into Arrow (pyogrio): typed arrays and WKB decoded at once, no
        Python object per value, 2–5× faster than :meth:`read_rows` on a large layer.

        Outside any transaction of this process: GDAL's SQLite is another copy of the library, and two
        copies in one process do not see each other's locks (closing GDAL's file releases every lock
        the process holds on it; https://www.sqlite.org/howtocorrupt.html, 2.2.1). Only for a process
        that holds no transaction on the store meanwhile; :meth:`geo.store.Store.layers` checks the
        store's latest changeset before and after (``fast_read``)."""
        return _gdal_rows(self.path, table, columns, geometry)

    def geoms_from_db(self, values: list) -> np.ndarray:
        wkb = [None if b is None else bytes(b[8 + _ENVELOPE_BYTES[(b[3] >> 1) & 7] :]) for b in values]
        return shapely.from_wkb(np.array(wkb, dtype=object))

    def geoms_to_db(self, geoms: np.ndarray, srid: int | None) -> list:
        geoms = np.asarray(geoms, dtype=object)
        n = len(geoms)
        missing = shapely.is_missing(geoms)
        empty = shapely.is_empty(geoms) & ~missing
        header = np.zeros(
            n, dtype=[("magic", "S2"), ("version", "u1"), ("flags", "u1"), ("srs", "<i4"), ("env", "<f8", 4)]
        )
        header["magic"] = b"GP"
        header["flags"] = np.where(empty, 0x11, 0x03)  # little endian; xy envelope, or empty and none
        header["srs"] = -1 if srid is None else srid  # -1: GeoPackage's undefined cartesian SRS
        bounds = shapely.bounds(geoms)  # minx, miny, maxx, maxy
        header["env"] = np.nan_to_num(bounds[:, [0, 2, 1, 3]])
        raw = header.tobytes()
        wkb = shapely.to_wkb(geoms, flavor="iso", byte_order=1)
        out: list = []
        for i in range(n):
            if missing[i]:
                out.append(None)
            elif empty[i]:
                out.append(raw[i * 40 : i * 40 + 8] + wkb[i])
            else:
                out.append(raw[i * 40 : (i + 1) * 40] + wkb[i])
        return out

    def prepare(self, conn: sa.Connection) -> None:
        conn.exec_driver_sql(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
        conn.exec_driver_sql(f"PRAGMA user_version = {GPKG_USER_VERSION}")
        for ddl in _GPKG_DDL:
            conn.exec_driver_sql(ddl)
        for row in _GPKG_DEFAULT_SRS:
            conn.exec_driver_sql("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", row)

    def register_crs(self, conn: sa.Connection, crs: pyproj.CRS) -> int:
        wkt1 = crs.to_wkt("WKT1_GDAL")
        existing = conn.exec_driver_sql(
            "SELECT srs_id FROM gpkg_spatial_ref_sys WHERE definition = ?", (wkt1,)
        ).scalar()
        if existing is not None:
            return int(existing)
        epsg = crs.to_epsg()
        if epsg is not None:
            srid, org = epsg, "EPSG"
        else:
            top = conn.exec_driver_sql("SELECT max(srs_id) FROM gpkg_spatial_ref_sys").scalar() or 0
            srid, org = max(CUSTOM_SRID_GPKG, int(top) + 1), "NONE"
        conn.exec_driver_sql(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", (crs.name, srid, org, srid, wkt1, crs.name)
        )
        return srid

    def register_table(self, conn, table, srid, has_geometry, description=""):
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                table,
                "features" if has_geometry else "attributes",
                table,
                description,
                _srs(srid) if has_geometry else None,
            ),
        )
        if has_geometry:
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', ?, 0, 0)",
                (table, _srs(srid)),
            )

    def touch(self, conn, tables):
        stamp = utc_now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        for table in tables:
            conn.exec_driver_sql("UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?", (stamp, table))

    def backup(self, out: Path) -> Path:
        """A consistent copy through SQLite's online backup API (the app may keep running)."""
        out = Path(out)
        tmp = out.with_name(out.name + ".part")
        tmp.unlink(missing_ok=True)
        source = sqlite3.connect(self.path, timeout=60)
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        tmp.replace(out)
        return out


class PostgisBackend(Backend):
    """A PostgreSQL database with PostGIS, through psycopg 3 and GeoAlchemy2."""

    name = "postgis"

    def _make_engine(self, url: str) -> sa.Engine:
        return sa.create_engine(url, hide_parameters=True)  # no personal data or hash in logs and errors

    def begin_write(self, lock: bool = True) -> sa.Connection:
        conn = self.engine.connect()
        conn.begin()
        if lock:  # one writer at a time; readers are never blocked
            conn.exec_driver_sql("LOCK TABLE changesets IN SHARE ROW EXCLUSIVE MODE")
        return conn

    def begin_read(self) -> sa.Connection:
        conn = self.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        return conn

    def geom_select(self, column):
        return sa.type_coerce(sa.func.ST_AsBinary(column), sa.LargeBinary)

    def geoms_from_db(self, values: list) -> np.ndarray:
        return shapely.from_wkb(np.array([None if v is None else bytes(v) for v in values], dtype=object))

    def geoms_to_db(self, geoms: np.ndarray, srid: int | None) -> list:
        geoms = shapely.set_srid(np.asarray(geoms, dtype=object), srid or 0)
        return list(shapely.to_wkb(geoms, hex=True, include_srid=True))

    def read_rows(self, conn, table, columns, geometry=None, order_by="fid", where=None):
        """A whole table in two queries on one snapshot, without a Python object per value read: the
        columns through ``COPY … TO STDOUT (FORMAT csv)`` parsed by Arrow into typed arrays, the
        geometries as WKB through a binary cursor, decoded by :func:`shapely.from_wkb` at once. Some
        rows only (``where``): the generic read, as they are few."""
        if where is not None:
            return super().read_rows(conn, table, columns, geometry, order_by, where)
        driver = conn.connection.driver_connection  # psycopg's, in ``conn``'s transaction
        quote = self.engine.dialect.identifier_preparer.quote
        name, order = quote(table.name), quote(order_by)
        # dates as days since 1970 (no DateStyle to parse); floats exact (PostgreSQL ≥ 12: shortest exact)
        exprs = [f"({quote(c)} - DATE '1970-01-01')" if kind == "date" else quote(c) for c, kind in columns.items()]
        sql = f"COPY (SELECT {', '.join(exprs)} FROM {name} ORDER BY {order}) TO STDOUT (FORMAT csv, ENCODING 'UTF8')"
        buf = bytearray()
        with driver.cursor() as cur, cur.copy(sql) as copy:
            for chunk in copy:
                buf += chunk
        out = _csv_frame(bytes(buf), columns)
        if geometry is not None:
            with driver.cursor(binary=True) as cur:
                cur.execute(f"SELECT ST_AsBinary({quote(geometry)}) FROM {name} ORDER BY {order}")
                rows = cur.fetchall()
            wkb = np.array(rows, dtype=object).reshape(len(rows), -1)[:, 0] if rows else np.array([], dtype=object)
            if len(wkb) != len(out):  # one snapshot: cannot happen unless the transaction is not one
                raise RuntimeError(f"{table.name}: {len(out)} rows but {len(wkb)} geometries read")
            out[geometry] = pd.Series(shapely.from_wkb(wkb), index=out.index, dtype=object)
        return out

    def read_bytes(self, conn: sa.Connection, stmt: sa.Select) -> list[tuple]:
        """Through a binary cursor: a ``bytea`` comes as its bytes, not as hex text to decode (100 MB of
        a province's kept workspace: 0.9 s as text)."""
        driver = conn.connection.driver_connection  # psycopg's, in ``conn``'s transaction
        assert driver is not None
        compiled = stmt.compile(dialect=self.engine.dialect)
        with driver.cursor(binary=True) as cur:
            cur.execute(str(compiled), compiled.params)
            return [tuple(row) for row in cur.fetchall()]

    def prepare(self, conn: sa.Connection) -> None:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")

    def register_crs(self, conn: sa.Connection, crs: pyproj.CRS) -> int:
        epsg = crs.to_epsg()
        if epsg is not None:
            known = conn.execute(sa.text("SELECT srtext FROM spatial_ref_sys WHERE srid = :s"), {"s": epsg}).scalar()
            if known is not None:
                return epsg
        wkt1 = crs.to_wkt("WKT1_GDAL")
        existing = conn.execute(sa.text("SELECT srid FROM spatial_ref_sys WHERE srtext = :w"), {"w": wkt1}).scalar()
        if existing is not None:
            return int(existing)
        if epsg is not None:
            srid, auth, code = epsg, "EPSG", epsg
        else:
            top = conn.execute(
                sa.text("SELECT max(srid) FROM spatial_ref_sys WHERE srid >= :lo"), {"lo": CUSTOM_SRID_PG}
            ).scalar()
            srid = CUSTOM_SRID_PG if top is None else int(top) + 1
            auth, code = "geo_store", srid
        conn.execute(
            sa.text(
                "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
                "VALUES (:s, :a, :c, :w, :p)"
            ),
            {"s": srid, "a": auth, "c": code, "w": wkt1, "p": _proj4(crs)},
        )
        return srid

    def backup(self, out: Path) -> Path:
        """``pg_dump`` of the database (one consistent snapshot; the app may keep running)."""
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise RuntimeError("pg_dump không có / pg_dump is missing: install postgresql-client")
        url = sa.engine.make_url(self.url).set(drivername="postgresql")
        out = Path(out)
        tmp = out.with_name(out.name + ".part")
        result = subprocess.run(
            [pg_dump, "--format=custom", "--file", str(tmp), url.render_as_string(hide_password=False)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise RuntimeError(f"pg_dump failed: {result.stderr.strip()}")
        tmp.replace(out)
        return out


_ARROW_KINDS = {"int": "int64", "float": "float64", "date": "int32"}


def _gdal_rows(path: Path, layer: str, columns: dict[str, str], geometry: str | None) -> pd.DataFrame:
    """A GeoPackage table read whole by GDAL (pyogrio's Arrow reader) in ``fid`` order, as
    :func:`_typed_frame` types it, the geometries (GDAL's WKB) decoded at once into ``geometry``."""
    import pyogrio

    from ..io import gdal_offline

    gdal_offline()
    meta, table = pyogrio.read_arrow(
        str(path), layer=layer, columns=list(columns), read_geometry=geometry is not None, return_fids=True
    )
    fids = table.column(meta.get("fid_column") or "OGC_FID").to_numpy(zero_copy_only=False)
    order = None if len(fids) < 2 or bool(np.all(fids[1:] > fids[:-1])) else np.argsort(fids, kind="stable")
    if order is not None:
        table = table.take(order)
    out = _typed_frame(table, columns)
    if geometry is not None:
        wkb = table.column(meta.get("geometry_name") or "wkb_geometry").to_numpy(zero_copy_only=False)
        out[geometry] = pd.Series(shapely.from_wkb(wkb), index=out.index, dtype=object)
    return out


def _csv_frame(data: bytes, columns: dict[str, str]) -> pd.DataFrame:
    """PostgreSQL's CSV (``COPY … (FORMAT csv)``: NULL unquoted and empty, an empty text quoted) as a
    frame of typed columns: ``Int64``, ``float64``, ``datetime64[us]`` (from days since 1970), text as
    ``object`` with None."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = list(columns)
    types = {c: getattr(pa, _ARROW_KINDS.get(kind, "string"))() for c, kind in columns.items()}
    if data:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types, null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False
            ),
        )
    else:
        table = pa.table({c: pa.array([], type=t) for c, t in types.items()})
    return _typed_frame(table, columns)


def _typed_frame(table: Any, columns: dict[str, str]) -> pd.DataFrame:
    """``columns`` of an Arrow table (each kind of :mod:`geo.schema`) as a frame of typed columns:
    ``Int64``, ``float64``, ``datetime64[us]`` (from Arrow dates or days since 1970), text as ``object``
    with None."""
    import pyarrow as pa

    out: dict[str, Any] = {}
    for c, kind in columns.items():
        col = table.column(c)
        if kind == "int":
            col = col.cast(pa.int64())
            mask = col.is_null().to_numpy(zero_copy_only=False)
            out[c] = pd.arrays.IntegerArray(col.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64), mask)
        elif kind == "float":
            out[c] = col.cast(pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64)
        elif kind == "date":
            out[c] = col.cast(pa.date32()).cast(pa.timestamp("us")).to_numpy(zero_copy_only=False)
        else:
            out[c] = pd.Series(col.cast(pa.string()).to_numpy(zero_copy_only=False), dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(table.num_rows))


def _proj4(crs: pyproj.CRS) -> str:
    """The PROJ string PostGIS keeps beside the WKT (its TOWGS84 kept; pyproj warns it is lossy)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return crs.to_proj4() or ""


def make_backend(store: str | Path) -> Backend:
    """The backend for a ``.gpkg`` path or a ``postgresql://`` URL."""
    url, kind = resolve_url(store)
    return PostgisBackend(url) if kind == "postgis" else GpkgBackend(url)
