"""The store: a workspace's layers kept with every change, in one GeoPackage file or a PostGIS database.

Design (``docs/store.md``): one implementation in SQLAlchemy Core above the storage; only geometry
encoding, CRS registration, the GeoPackage metadata tables, write locking and backups differ per
backend (:mod:`.engine`). Each layer is a table with the contract's canonical columns and a row key
(:mod:`.tables`); every change is a changeset of row-level changes with old and new values
(:mod:`.changesets`), written in one transaction; any past state is rebuilt from the current one and
the changes made since (:mod:`.history`). The store works on layers held in memory::

    store = Store.create("hoson.gpkg", layers, user="Lan", note="Nhập thư mục / import")
    d = store.diff("households", new_households)        # before committing: added / removed / old → new
    store.upload("households", new_households, user="Lan", source="households.xlsx", base=1)
    store.edit("households", rows, user="Bình", remove=["H0102"])   # single records, for forms
    store.layers(at=1); store.history(record="H0102"); store.rollback(1, user="Lan")

What comes next (not wired yet): a store ``Source`` whose ``read()`` returns :meth:`Store.layers`
for ``assemble`` (issue 13 point 2), the ``store`` commands and ``--at`` (issue 15 point 5), the
dashboard's upload page, and workspace validation passed as ``validate=``.
"""

from .changesets import Diff
from .engine import resolve_url
from .store import Commit, MergeConflict, StaleUpload, Store, StoreError, ValidationRefused
from .tables import KEY_COLUMNS, conform, row_keys

__all__ = [
    "Commit",
    "Diff",
    "KEY_COLUMNS",
    "MergeConflict",
    "StaleUpload",
    "Store",
    "StoreError",
    "ValidationRefused",
    "conform",
    "resolve_url",
    "row_keys",
]
