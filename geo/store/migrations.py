"""Versions of the store's tables, and upgrading an older store in place (after a backup).

``store_version`` holds one row per version the store has been brought to. :data:`MIGRATIONS` maps a
version to the step that brings a store from the version before it; a step receives Alembic's
:class:`~alembic.operations.Operations` (portable ``add_column``, ``create_index``, batch mode for
SQLite …) and the connection. :func:`upgrade` takes a backup first (the GeoPackage copied beside
itself, PostGIS through ``pg_dump``), then runs every missing step and records it, in one
transaction: an upgrade that fails leaves the store at its old version.

Version 1 is the first version; version 2 adds ``store_config`` (the workspace's settings); version 3
adds ``users`` (the accounts) and ``audit`` (the append-only audit trail, with triggers that refuse
an ``UPDATE`` or ``DELETE`` of its rows); version 4 adds the layer ``grievance_steps`` (each step of a
grievance's handling, :mod:`geo.entry.grievances`). Add a step as ``MIGRATIONS[5] = step`` and raise
:data:`geo.store.tables.SCHEMA_VERSION` with it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from .engine import Backend, GpkgBackend, utc_now

if TYPE_CHECKING:
    from alembic.operations import Operations

Step = Callable[["Operations", sa.Connection], None]


def _add_config(ops: Operations, conn: sa.Connection) -> None:
    """Version 2: ``store_config``, the workspace's settings (``workspace.toml`` as text) per changeset."""
    ops.create_table(
        "store_config",
        sa.Column("changeset_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    if conn.dialect.name == "sqlite":  # a GeoPackage lists its tables in gpkg_contents (QGIS shows them)
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES ('store_config', 'attributes', 'store_config', ?)",
            (CONFIG_DESCRIPTION,),
        )


CONFIG_DESCRIPTION = "Cấu hình workspace.toml / the workspace's settings"
USERS_DESCRIPTION = "Tài khoản / accounts"
AUDIT_DESCRIPTION = "Nhật ký truy cập, chỉ ghi thêm / audit trail, append-only"

AUDIT_REFUSAL = "audit is append-only: rows are never changed or deleted"
"""The error an ``UPDATE`` or ``DELETE`` on ``audit`` raises (both backends)."""

_SQLITE_GUARDS = [
    f"CREATE TRIGGER IF NOT EXISTS audit_no_{verb.lower()} BEFORE {verb} ON audit "
    f"BEGIN SELECT RAISE(ABORT, '{AUDIT_REFUSAL}'); END"
    for verb in ("UPDATE", "DELETE")
]

_POSTGRES_GUARDS = [
    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{AUDIT_REFUSAL}'; END $$",
    "DROP TRIGGER IF EXISTS audit_append_only ON audit",
    "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    "DROP TRIGGER IF EXISTS audit_no_truncate ON audit",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
]


def guard_audit(conn: sa.Connection) -> None:
    """Make ``audit`` append-only in the database itself: triggers refuse ``UPDATE`` and ``DELETE``.

    SQLite (the GeoPackage): ``BEFORE UPDATE``/``BEFORE DELETE`` triggers that abort; PostgreSQL: a
    statement trigger (``UPDATE``, ``DELETE``, ``TRUNCATE``) raising an exception, which binds every
    role but one that disables triggers on purpose. The GeoPackage also lists ``users`` and ``audit``
    in ``gpkg_contents``.
    """
    if conn.dialect.name == "sqlite":
        for ddl in _SQLITE_GUARDS:
            conn.exec_driver_sql(ddl)
        for table, description in (("users", USERS_DESCRIPTION), ("audit", AUDIT_DESCRIPTION)):
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description) "
                "VALUES (?, 'attributes', ?, ?)",
                (table, table, description),
            )
        return
    for ddl in _POSTGRES_GUARDS:
        conn.exec_driver_sql(ddl)


def _add_accounts(ops: Operations, conn: sa.Connection) -> None:
    """Version 3: ``users`` (accounts) and ``audit`` (append-only), where the store lacks them."""
    from .tables import audit_table, users_table

    metadata = sa.MetaData()
    inspector = sa.inspect(conn)
    for table in (users_table(metadata), audit_table(metadata)):
        if not inspector.has_table(table.name):
            table.create(conn)
    guard_audit(conn)


def _add_layer(name: str) -> Step:
    """A step adding layer ``name`` (a table without geometry): its table, its ``store_layers`` row (not
    yet present: ``since`` NULL) and, in a GeoPackage, its ``gpkg_contents`` entry."""

    def step(ops: Operations, conn: sa.Connection) -> None:
        from ..schema import LAYERS
        from .tables import history_tables, layer_table

        metadata = sa.MetaData()
        store_layers = history_tables(metadata)["store_layers"]
        table = layer_table(metadata, name, "postgis" if conn.dialect.name == "postgresql" else "gpkg", None)
        if not sa.inspect(conn).has_table(name):
            table.create(conn)
        listed = conn.execute(sa.select(store_layers.c.layer).where(store_layers.c.layer == name)).scalar()
        if listed is None:
            conn.execute(store_layers.insert().values(layer=name, has_geometry=0, srid=None, crs=None, since=None))
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description) "
                "VALUES (?, 'attributes', ?, ?)",
                (name, name, LAYERS[name].label),
            )

    step.__doc__ = f"Version with the layer ``{name}``: its table and its ``store_layers`` row."
    return step


MIGRATIONS: dict[int, Step] = {2: _add_config, 3: _add_accounts, 4: _add_layer("grievance_steps")}
"""Version → the step that upgrades a store from the version before it."""


def store_version(conn: sa.Connection, version_table: sa.Table) -> int:
    """The version a store's tables are at."""
    return int(conn.execute(sa.select(sa.func.max(version_table.c.version))).scalar() or 0)


def backup_path(backend: Backend, version: int, backup_dir: Path | None) -> Path:
    """Where the backup taken before an upgrade from ``version`` goes."""
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    if isinstance(backend, GpkgBackend):
        path = backend.path
        folder = backup_dir or path.parent
        return Path(folder) / f"{path.stem}.v{version}.{stamp}.backup.gpkg"
    database = sa.engine.make_url(backend.url).database
    return Path(backup_dir or Path.cwd()) / f"{database}.v{version}.{stamp}.pgdump"


def upgrade(
    backend: Backend,
    version_table: sa.Table,
    target: int,
    backup_dir: Path | None = None,
    migrations: dict[int, Step] | None = None,
) -> Path | None:
    """Bring the store to version ``target``; return the backup taken first (None if already there)."""
    steps = MIGRATIONS if migrations is None else migrations
    with backend.engine.connect() as conn:
        current = store_version(conn, version_table)
    if current >= target:
        return None
    missing = [v for v in range(current + 1, target + 1) if v not in steps]
    if missing:
        raise RuntimeError(f"no migration to store version {missing[0]}")
    backup = backend.backup(backup_path(backend, current, backup_dir))
    with backend.writing() as conn:
        from alembic.migration import MigrationContext  # only an upgrade needs Alembic
        from alembic.operations import Operations

        ops = Operations(MigrationContext.configure(conn))
        for version in range(current + 1, target + 1):
            steps[version](ops, conn)
            conn.execute(
                version_table.insert().values(version=version, at=utc_now(), note=f"upgraded from {version - 1}")
            )
        conn.commit()
    return backup
