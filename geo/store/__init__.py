"""The store: a workspace's layers kept with every change, in one GeoPackage file or a PostGIS database.

Design (``docs/store.md``): one implementation in SQLAlchemy Core above the storage; only geometry
encoding, CRS registration, the GeoPackage metadata tables, write locking, backups and the fast read
of a whole layer differ per backend (:mod:`.engine`). Each layer is a table with the contract's
canonical columns and a row key (:mod:`.tables`); every change is a changeset of row-level changes
with old and new values (:mod:`.changesets`), written in one transaction; any past state is rebuilt
from the current one and the changes made since (:mod:`.history`). The store works on layers held in memory::

    store = Store.create("hoson.gpkg", layers, user="Lan", note="Nhập thư mục / import")
    d = store.diff("households", new_households)        # before committing: added / removed / old → new
    store.upload("households", new_households, user="Lan", source="households.xlsx", base=1)
    store.edit("households", rows, user="Bình", remove=["H0102"])   # single records, for forms
    store.layers(at=1); store.history(record="H0102"); store.rollback(1, user="Lan")

Wired: ``geo.load_workspace(STORE, at=N)`` reads a store (:mod:`.source`), files are uploaded with
the folder's readers (:mod:`.upload`), and ``python -m geo store …`` is :mod:`.cli`.

The names below load on first use (PEP 562), so ``python -m geo`` on a folder does not import
SQLAlchemy and GeoAlchemy2.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .changesets import Diff
    from .engine import resolve_url
    from .source import StoreSource
    from .store import Commit, Edit, MergeConflict, StaleUpload, Store, StoreError, ValidationRefused
    from .tables import KEY_COLUMNS, conform, row_keys
    from .upload import Upload, import_folder, upload_file

_WHERE = {
    "Diff": "changesets",
    "resolve_url": "engine",
    "StoreSource": "source",
    "Commit": "store",
    "Edit": "store",
    "MergeConflict": "store",
    "StaleUpload": "store",
    "Store": "store",
    "StoreError": "store",
    "ValidationRefused": "store",
    "KEY_COLUMNS": "tables",
    "conform": "tables",
    "row_keys": "tables",
    "Upload": "upload",
    "import_folder": "upload",
    "upload_file": "upload",
}


def __getattr__(name: str) -> Any:
    """The package's names, imported from their module on first use."""
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Commit",
    "Diff",
    "Edit",
    "KEY_COLUMNS",
    "MergeConflict",
    "StaleUpload",
    "Store",
    "StoreError",
    "StoreSource",
    "Upload",
    "ValidationRefused",
    "conform",
    "import_folder",
    "resolve_url",
    "row_keys",
    "upload_file",
]
