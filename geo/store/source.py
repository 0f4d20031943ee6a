"""A store as a workspace source: its layers (now, or right after a changeset) as raw canonical layers.

:class:`StoreSource` is the store's :class:`~geo.source.Source`: ``read()`` gives the layers held in
the store, already in the contract's canonical columns (``RawLayer(canonical=True)``), with the
workspace's settings kept in the store (``workspace.toml`` as text, see :meth:`Store.config`);
:func:`geo.workspace.assemble` then places and checks them as it does a folder's. Nothing raises for
a store that cannot be opened or a changeset that does not exist: each is a problem in the report.

>>> from geo.workspace import assemble
>>> ws = assemble(StoreSource("hoson.gpkg", at=3).read())  # doctest: +SKIP
>>> ws.source.kind, ws.source.changeset  # doctest: +SKIP
('store', 3)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import sqlalchemy as sa

from ..config import WorkspaceConfig, config_from_text
from ..problems import Report
from ..schema import LAYERS
from ..source import URL_PREFIXES, RawLayers, SourceInfo, canonical_raw, is_store
from .kept import keep as keep_workspace
from .kept import kept
from .store import Store, StoreError

if TYPE_CHECKING:
    from ..workspace import Workspace

T = TypeVar("T")

__all__ = ["StoreSource", "display_location", "display_name", "is_store", "short_error"]


def display_location(target: str | Path) -> str:
    """Where a store is, for titles and messages: a path as given, a URL without its password.

    Example
    -------
    >>> display_location("postgresql://lan:secret@db.xa.vn:5432/hoson")
    'postgresql://lan:***@db.xa.vn:5432/hoson'
    """
    text = str(target)
    if not text.startswith(URL_PREFIXES):
        return text
    try:
        url = sa.engine.make_url(text)
    except sa.exc.ArgumentError:
        return text.split("@")[-1]
    return url.render_as_string(hide_password=True)


def display_name(target: str | Path) -> str:
    """A short name for a store: the GeoPackage's file name without ``.gpkg``, or the database's name."""
    text = str(target)
    if text.startswith(URL_PREFIXES):
        try:
            return sa.engine.make_url(text).database or "postgis"
        except sa.exc.ArgumentError:
            return "postgis"
    return Path(text).stem


def short_error(exc: BaseException) -> str:
    """A database error's first line, without SQLAlchemy's wrapping and links."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _settings(text: str | None, report: Report | None = None) -> WorkspaceConfig:
    """The workspace's settings from the store's ``workspace.toml`` text (the defaults where none)."""
    return config_from_text(text, Report() if report is None else report) if text is not None else WorkspaceConfig()


def _no_store(report: Report, target: str, exc: Exception) -> None:
    report.error(
        "no_store",
        target,
        f"Không mở được kho dữ liệu: {short_error(exc)} / Cannot open the store",
        "Kiểm tra đường dẫn tệp .gpkg hoặc địa chỉ postgresql:// (tạo kho bằng “python -m geo store create "
        "KHO --from THƯ_MỤC --user TÊN”) / Check the .gpkg path or the postgresql:// URL (make a store with "
        "“python -m geo store create STORE --from FOLDER --user NAME”).",
    )


class StoreSource:
    """A store (a ``.gpkg`` file or a ``postgresql://`` URL), now or right after changeset ``at``.

    Parameters
    ----------
    target : str or Path
        The store.
    at : int, optional
        A changeset id: the workspace as it was right after it. None: now (the head).
    store : Store, optional
        An open store to read from (the dashboard keeps one); opened from ``target`` otherwise.
    fast_read : bool
        Read the layers now outside transactions (:meth:`Store.layers`): only for a process that
        writes nothing to the store meanwhile (the command line's reading commands).

    Example
    -------
    >>> raw = StoreSource("hoson.gpkg").read()  # doctest: +SKIP
    >>> raw.source.changeset, raw.layers["parcels"].canonical  # doctest: +SKIP
    (12, True)
    """

    def __init__(
        self, target: str | Path, at: int | None = None, store: Store | None = None, *, fast_read: bool = False
    ):
        self.target = str(target)
        self.at = at
        self.store = store
        self.fast_read = fast_read
        self._files: dict[str, str] = {}
        self._changeset: int | None = at
        self._config_text: str | None = None

    def describe(self) -> SourceInfo:
        """``"store"``, its name, path or URL (no password), the tables read and the changeset shown."""
        return SourceInfo(
            "store",
            display_name(self.target),
            display_location(self.target),
            dict(self._files),
            None,
            self._changeset,
        )

    def workspace(self, keep: bool = False) -> Workspace:
        """The store's workspace: ``assemble(self.read())``, or, for the state now, the one kept with the
        store's latest changeset (:mod:`.kept`), the same without assembling it again.

        ``keep``: where it was assembled, keep it with the changeset for the next reader (a write to
        the store's cache table, not a change: the command line's reading commands do).
        """
        from ..workspace import assemble

        if self.at is not None:
            return assemble(self.read())
        ws = self._with_store(lambda store: kept(store, self._describe_kept, _settings))
        if ws is None:
            ws = assemble(self.read())  # the store is closed meanwhile: the layers as read are let go
            if keep:
                self._with_store(lambda store: keep_workspace(store, ws, self._config_text))
        return ws

    def _with_store(self, use: Callable[[Store], T]) -> T | None:
        """``use(store)`` on the store given, or on the store opened and closed around it; None where it
        cannot be opened (:meth:`read` then says why)."""
        if self.store is not None:
            return use(self.store)
        try:
            store = Store.open(self.target)
        except (StoreError, sa.exc.SQLAlchemyError, OSError):
            return None
        try:
            return use(store)
        finally:
            store.close()

    def _describe_kept(self, files: dict[str, str], changeset: int) -> SourceInfo:
        self._files, self._changeset = dict(files), changeset
        return self.describe()

    def read(self) -> RawLayers:
        """The store's layers as canonical raw layers, and its settings; problems instead of exceptions."""
        report = Report()
        self._files = {}
        store = self.store
        opened = store is None
        try:
            if store is None:
                store = Store.open(self.target)
            head = store.head()
            self._changeset = head if self.at is None else self.at
            frames = store.layers(self.at, fast_read=self.fast_read)
            text = self._config_text = store.config(self.at)
        except (StoreError, sa.exc.SQLAlchemyError, OSError) as exc:
            if os.environ.get("GEO_DEBUG"):
                raise
            _no_store(report, display_location(self.target), exc)
            return RawLayers({}, WorkspaceConfig(), report, self.describe())
        finally:
            if opened and store is not None:
                store.close()
        config = _settings(text, report)
        layers = {name: canonical_raw(name, frame) for name, frame in frames.items() if name in LAYERS}
        self._files = {name: name for name in layers}
        for name, layer in LAYERS.items():
            if layer.required and name not in layers:
                report.error(
                    "missing_layer",
                    name,
                    f"Kho không có lớp bắt buộc “{name}” ({layer.label}) / The store holds no “{name}” layer",
                    f"Tải lớp lên: python -m geo store upload KHO {name} TỆP --user TÊN / Upload it: "
                    f"python -m geo store upload STORE {name} FILE --user NAME.",
                )
        return RawLayers(layers, config, report, self.describe())
