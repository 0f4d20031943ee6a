"""The :class:`Store`: layers held with every change, on a GeoPackage file or a PostGIS database."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeAlias

import geopandas as gpd
import pandas as pd
import pyproj
import sqlalchemy as sa

from ..formatting import fmt_date
from ..problems import Problem, Report
from ..schema import LAYERS
from . import history as hist
from .audit import audit_row
from .changesets import Diff, diff, with_keys, write_diff
from .engine import Backend, GpkgBackend, make_backend, utc_now
from .migrations import CONFIG_DESCRIPTION, guard_audit, store_version, upgrade
from .tables import GEOMETRY_LAYERS, KEY, SCHEMA_VERSION, conform, history_tables, layer_table, record_of

Frame: TypeAlias = pd.DataFrame | gpd.GeoDataFrame
Validator = Callable[[dict[str, Frame]], "Report | Iterable[Problem | str] | None"]


class StoreError(Exception):
    """A change the store refused; ``str(error)`` says why, in Vietnamese then English."""


class ValidationRefused(StoreError):
    """The change would leave errors; ``errors`` lists them. The store is as it was."""

    def __init__(self, errors: list):
        self.errors = errors
        lines = [e.render() if isinstance(e, Problem) else str(e) for e in errors]
        super().__init__("Thay đổi bị từ chối vì có lỗi / change refused, it has errors:\n" + "\n".join(lines))


class StaleUpload(StoreError):
    """An upload made from an older state than the layer's; ``since`` names the changes made since."""

    def __init__(self, layer: str, base: int, since: list[dict]):
        self.layer, self.base, self.since = layer, base, since
        who = "; ".join(
            f"#{c['id']} {c['user']} ({fmt_date(c['at'].date())})" + (f": {c['note']}" if c["note"] else "")
            for c in since
        )
        users = ", ".join(dict.fromkeys(c["user"] for c in since))
        super().__init__(
            f"Lớp {layer} đã được {users} sửa sau bản #{base} ({who}). Tải lại bản mới nhất, hoặc xác nhận gộp "
            f"các dòng không trùng. / Layer {layer} was changed by {users} after changeset #{base} ({who}). "
            "Start from the latest version, or confirm a merge of the rows that do not conflict."
        )


class MergeConflict(StoreError):
    """A merge refused because some rows were changed both here and since the base."""

    def __init__(self, layer: str, keys: list[str], since: list[dict]):
        self.layer, self.keys, self.since = layer, keys, since
        users = ", ".join(dict.fromkeys(c["user"] for c in since))
        shown = ", ".join(keys[:10]) + (" …" if len(keys) > 10 else "")
        super().__init__(
            f"Không gộp được: {len(keys)} dòng của lớp {layer} cũng đã được {users} sửa ({shown}). / "
            f"Cannot merge: {len(keys)} rows of {layer} were also changed by {users} ({shown})."
        )


@dataclass
class Commit:
    """What a change did (or, for a dry run, would do)."""

    changeset: int | None  # None for a dry run
    diffs: dict[str, Diff]
    merged: bool = False

    @property
    def diff(self) -> Diff:
        """The one diff of an upload."""
        return next(iter(self.diffs.values()))


def _source(source: str | Path | None) -> tuple[str | None, str | None]:
    if source is None:
        return None, None
    path = Path(source)
    if path.is_file():
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return path.name, digest.hexdigest()
    return path.name or str(source), None


def _errors(found) -> list:
    if found is None:
        return []
    if isinstance(found, Report):
        return list(found.errors)
    out = []
    for item in found:
        if isinstance(item, Problem):
            if item.is_error:
                out.append(item)
        else:
            out.append(item)
    return out


@dataclass(frozen=True)
class Edit:
    """Some records of one layer changed: ``rows`` replace the rows with their row keys or are added;
    ``remove`` lists row keys or record ids to remove (see :meth:`Store.edit`)."""

    rows: Frame | None = None
    remove: Iterable[str] = ()


def _public(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=KEY).reset_index(drop=True)


class Store:
    """Layers kept with their history, in a GeoPackage file or a PostGIS database.

    Open one with :meth:`open`, make one with :meth:`create`. Every change is one changeset in one
    transaction; nothing is ever deleted from the history.
    """

    def __init__(self, backend: Backend):
        self.backend = backend
        self.metadata = sa.MetaData()
        self.tables = history_tables(self.metadata)
        self.crs: pyproj.CRS | None = None
        self.srid: int | None = None
        self.present: dict[str, int | None] = {}
        self._cache: dict[str, tuple[int | None, pd.DataFrame]] = {}
        self.backup_taken: Path | None = None  # the backup made before an upgrade by :meth:`open`

    # --- opening and creating ----------------------------------------------------------------
    @classmethod
    def open(cls, url: str | Path, upgrade_to: int = SCHEMA_VERSION, backup_dir: Path | None = None) -> Store:
        """Open a store (a ``.gpkg`` path or a ``postgresql://`` URL), upgrading an older one in place.

        Before an upgrade the store is backed up (see :mod:`geo.store.migrations`).
        """
        if not str(url).startswith(("postgres", "sqlite:")) and not Path(url).is_file():
            raise StoreError(f"Không có kho dữ liệu / no store: {url}")
        store = cls(make_backend(url))
        with store.backend.engine.connect() as conn:
            is_store = sa.inspect(conn).has_table("store_version")
            version = store_version(conn, store.tables["store_version"]) if is_store else 0
        if not is_store:
            store.backend.dispose()
            raise StoreError(f"Không phải kho dữ liệu / not a store: {url}")
        if version > SCHEMA_VERSION:
            store.backend.dispose()
            raise StoreError(
                f"Kho được tạo bởi bản mới hơn (phiên bản {version}) / the store was made by a newer "
                f"version of the product (store version {version}); update the product"
            )
        store.backup_taken = upgrade(store.backend, store.tables["store_version"], upgrade_to, backup_dir)
        store._load_meta()
        return store

    @classmethod
    def create(
        cls,
        url: str | Path,
        layers: dict[str, Frame],
        user: str,
        note: str | None = None,
        source: str | Path | None = None,
        validate: Validator | None = None,
        crs: pyproj.CRS | str | None = None,
        config: str | None = None,
        at: datetime | None = None,
    ) -> Store:
        """Make a store from layers held in memory; the import is its first changeset.

        Parameters
        ----------
        url : str or Path
            A ``.gpkg`` path (must not exist) or a ``postgresql://`` URL of a database with PostGIS
            (must hold no store yet).
        layers : dict
            Layer name → frame with the contract's canonical columns (others are not stored);
            hamlets, parcels and projects as GeoDataFrames.
        user, note, source :
            Who imports, why, and the folder or file it came from.
        validate : callable, optional
            Given the layers as they would be, returns problems; any error refuses the import.
        crs : optional
            The CRS of the store's geometries; by default the parcels' (else the first layer's).
        config : str, optional
            The workspace's settings (the text of its ``workspace.toml``), kept with the import and
            read back by :meth:`config`.
        at : datetime, optional
            When the change was made (timezone-aware); default now. Only for importing a history
            made elsewhere (the sample's weeks, :mod:`geo.sample_history`); every change made here is
            stamped now.
        """
        unknown = set(layers) - set(LAYERS)
        if unknown:
            raise StoreError(f"Lớp không có trong quy ước / unknown layers: {', '.join(sorted(unknown))}")
        backend = make_backend(url)
        created_file = None
        if isinstance(backend, GpkgBackend):
            if backend.path.exists():
                backend.dispose()
                raise StoreError(f"Tệp đã có / file exists, will not overwrite: {backend.path}")
            created_file = backend.path
        else:
            with backend.engine.connect() as conn:
                taken = sa.inspect(conn).has_table("changesets")
            if taken:
                backend.dispose()
                raise StoreError(f"Cơ sở dữ liệu đã có kho / the database already holds a store: {url}")
        store = cls(backend)
        if crs is None:
            for name in ("parcels", "hamlets", *GEOMETRY_LAYERS):
                frame = layers.get(name)
                if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None:
                    crs = frame.crs
                    break
        if crs is not None and not isinstance(crs, pyproj.CRS):
            crs = pyproj.CRS(crs)
        store.crs = pyproj.CRS.from_json(crs.to_json()) if crs is not None else None  # as :meth:`open` reads it
        frames = {name: with_keys(name, conform(name, frame, store.crs)) for name, frame in layers.items()}
        if validate is not None:
            errors = _errors(validate({n: _public(f) for n, f in frames.items()}))
            if errors:
                backend.dispose()
                raise ValidationRefused(errors)
        try:
            with backend.writing(lock=False) as conn:
                store._create_tables(conn)
                cid = store._new_changeset(conn, user, note, "import", source, at=at)
                if config is not None:
                    conn.execute(store.tables["store_config"].insert().values(changeset_id=cid, text=config))
                for name, frame in frames.items():
                    empty = frame.iloc[0:0]
                    write_diff(
                        conn,
                        backend,
                        store.tables[name],
                        store.tables["changes"],
                        diff(name, empty, frame),
                        cid,
                        store.srid,
                        added_values=False,
                    )
                    conn.execute(
                        store.tables["store_layers"]
                        .update()
                        .where(store.tables["store_layers"].c.layer == name)
                        .values(since=cid)
                    )
                    store.present[name] = cid
                backend.touch(conn, list(frames) + ["changesets", "changes"])
                conn.commit()
        except BaseException:
            backend.dispose()
            if created_file is not None:
                created_file.unlink(missing_ok=True)
            raise
        return store

    def _create_tables(self, conn: sa.Connection) -> None:
        b = self.backend
        b.prepare(conn)
        self.srid = b.register_crs(conn, self.crs) if self.crs is not None else None
        for name in LAYERS:
            self.tables[name] = layer_table(self.metadata, name, b.name, self.srid)
        self.metadata.create_all(conn)
        for name, layer in LAYERS.items():
            b.register_table(conn, name, self.srid, name in GEOMETRY_LAYERS, layer.label)
        b.register_table(conn, "changesets", None, False, "Lịch sử thay đổi / changesets")
        b.register_table(conn, "changes", None, False, "Các dòng đã thay đổi / changed rows")
        b.register_table(conn, "store_config", None, False, CONFIG_DESCRIPTION)
        guard_audit(conn)
        conn.execute(
            self.tables["store_layers"].insert(),
            [
                {
                    "layer": name,
                    "has_geometry": int(name in GEOMETRY_LAYERS),
                    "srid": self.srid if name in GEOMETRY_LAYERS else None,
                    "crs": self.crs.to_json() if (self.crs is not None and name in GEOMETRY_LAYERS) else None,
                    "since": None,
                }
                for name in LAYERS
            ],
        )
        conn.execute(self.tables["store_version"].insert().values(version=SCHEMA_VERSION, at=utc_now(), note="created"))

    def _load_meta(self) -> None:
        with self.backend.engine.connect() as conn:
            rows = conn.execute(sa.select(self.tables["store_layers"])).mappings().all()
        for row in rows:
            if row["has_geometry"] and row["crs"]:
                self.crs = pyproj.CRS.from_json(row["crs"])
                self.srid = row["srid"]
        for row in rows:
            self.tables[row["layer"]] = layer_table(self.metadata, row["layer"], self.backend.name, self.srid)
            self.present[row["layer"]] = row["since"]

    def close(self) -> None:
        """Release the store's connections."""
        self.backend.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- reading --------------------------------------------------------------------------------
    def head(self) -> int:
        """The id of the latest changeset."""
        with self.backend.begin_read() as conn:
            return self._head(conn)

    def _head(self, conn: sa.Connection) -> int:
        return int(conn.execute(sa.select(sa.func.max(self.tables["changesets"].c.id))).scalar() or 0)

    def config(self, at: int | None = None) -> str | None:
        """The workspace's settings (``workspace.toml`` text) now or right after changeset ``at``.

        None where the store holds none (the defaults apply).
        """
        with self.backend.begin_read() as conn:
            self._check_at(conn, at)
            return self._config(conn, at)

    def _config(self, conn: sa.Connection, at: int | None) -> str | None:
        table = self.tables["store_config"]
        stmt = sa.select(table.c.text).order_by(table.c.changeset_id.desc()).limit(1)
        if at is not None:
            stmt = stmt.where(table.c.changeset_id <= at)
        return conn.execute(stmt).scalar()

    def _layer_names(self, at: int | None) -> list[str]:
        """The layers present now or right after ``at``, in the contract's order (on every backend)."""
        since = {n: self.present.get(n) for n in LAYERS}
        return [n for n, first in since.items() if first is not None and (at is None or first <= at)]

    def _read(self, conn: sa.Connection, name: str, at: int | None) -> pd.DataFrame:
        current = self._current(conn, name)
        if at is None:
            return current
        return hist.state_at(conn, self.backend, self.tables, name, at, self.crs, current=current)

    def _current(self, conn: sa.Connection, name: str) -> pd.DataFrame:
        """The layer now, read once per state: a layer's last changeset id names its state (ids only
        grow, in every process), so a frame read at that id is reused until the layer changes — the
        upload after its diff does not read the layer again. Callers never modify the frame."""
        latest = hist.layer_latest(conn, self.tables, name)
        cached = self._cache.get(name)
        if cached is not None and cached[0] == latest:
            return cached[1]
        frame = hist.read_current(conn, self.backend, self.tables[name], name, self.crs)
        self._cache[name] = (latest, frame)
        return frame

    def layers(self, at: int | None = None, *, fast_read: bool = False) -> dict[str, Frame]:
        """Every layer present, as it is now or right after changeset ``at``.

        Frames carry the contract's canonical columns (hamlets, parcels and projects as GeoDataFrames
        in the store's CRS), in one consistent read.

        ``fast_read``: the state now, each layer that changed since this store last read it read whole
        outside any transaction (a GeoPackage's by GDAL, :meth:`Backend.read_detached`), and the
        same state only if the store's latest changeset is the same before and after (else the
        consistent read). Only for a process that writes nothing to the store meanwhile and holds
        no other connection to it that may: the command line's reading commands.
        """
        if fast_read and at is None:
            frames = self._layers_detached()
            if frames is not None:
                return frames
        with self.backend.begin_read() as conn:
            self._check_at(conn, at)
            return {name: _public(self._read(conn, name, at)) for name in self._layer_names(at)}

    def _layers_detached(self) -> dict[str, Frame] | None:
        """:meth:`layers` now, read outside transactions; None where a changeset came meanwhile or the
        backend has no detached read."""
        with self.backend.begin_read() as conn:
            before = self._head(conn)
            names = self._layer_names(None)
            latest = {name: hist.layer_latest(conn, self.tables, name) for name in names}
        frames: dict[str, pd.DataFrame] = {}
        for name in names:
            cached = self._cache.get(name)
            if cached is not None and cached[0] == latest[name]:
                frames[name] = cached[1]
                continue
            try:
                frame = hist.read_detached(self.backend, self.tables[name], name, self.crs)
            except Exception:  # noqa: BLE001 - GDAL could not read the file now: the consistent read
                return None
            if frame is None:
                return None
            frames[name] = frame
        with self.backend.begin_read() as conn:
            if self._head(conn) != before:
                return None
        for name, frame in frames.items():
            self._cache[name] = (latest[name], frame)
        return {name: _public(frame) for name, frame in frames.items()}

    def layer(self, name: str, at: int | None = None) -> Frame:
        """One layer, now or right after changeset ``at``."""
        with self.backend.begin_read() as conn:
            self._check_at(conn, at)
            return _public(self._read(conn, name, at))

    def _check_at(self, conn: sa.Connection, at: int | None) -> None:
        if at is None:
            return
        exists = conn.execute(
            sa.select(self.tables["changesets"].c.id).where(self.tables["changesets"].c.id == at)
        ).scalar()
        if exists is None:
            raise StoreError(f"Không có thay đổi #{at} / no changeset #{at}")

    def history(self, layer: str | None = None, record: str | None = None) -> list[dict]:
        """The history, oldest first.

        Without ``record``: the changesets (of one layer where given), each ``id, user, at (UTC), note,
        kind, source_name, source_sha256, base, restores`` and ``layers`` (per layer counts
        ``added / changed / removed``). With ``record`` (a row key or its first part, e.g. a
        household id; ``layer`` defaults to households): that record's changes, each with the
        changeset's ``user, at, note, kind``, the ``op`` and the ``old`` → ``new`` values.
        """
        with self.backend.begin_read() as conn:
            if record is not None:
                return hist.record_history(conn, self.backend, self.tables, layer or "households", record, self.crs)
            return hist.changeset_list(conn, self.tables, layer)

    def diff(self, layer: str, new_frame: Frame) -> Diff:
        """What replacing ``layer`` by ``new_frame`` would change (nothing is written)."""
        with self.backend.begin_read() as conn:
            current = self._read(conn, layer, None) if self.present.get(layer) else self._empty(layer)
        return diff(layer, current, with_keys(layer, conform(layer, new_frame, self.crs)))

    def _empty(self, layer: str) -> pd.DataFrame:
        return with_keys(layer, conform(layer, pd.DataFrame(), self.crs))

    # --- writing ----------------------------------------------------------------------------------
    def _new_changeset(self, conn, user, note, kind, source, base=None, restores=None, at=None, layer=None) -> int:
        """Insert a changeset row and its audit row (same transaction); return the changeset's id."""
        if at is not None and at.tzinfo is None:
            raise StoreError("Thời điểm thay đổi phải có múi giờ / a changeset's time must carry its time zone")
        name, sha = _source(source)
        cs = self.tables["changesets"]
        stamp = utc_now() if at is None else at.astimezone(UTC)  # SQLite keeps the UTC fields
        result = conn.execute(
            cs.insert()
            .values(
                user=user,
                at=stamp,
                note=note,
                kind=kind,
                source_name=name,
                source_sha256=sha,
                base=base,
                restores=restores,
            )
            .returning(cs.c.id)
        )
        cid = int(result.scalar_one())
        what = " · ".join(str(b) for b in (f"{kind} #{cid}", name, note) if b)
        row = audit_row(user, "changeset", what, layer=layer, sha256=sha, at=stamp, changeset_id=cid)
        conn.execute(self.tables["audit"].insert().values(**row))
        return cid

    def _validate(self, conn, validate: Validator | None, replaced: dict[str, pd.DataFrame]) -> None:
        if validate is None:
            return
        after = {
            name: _public(self._read(conn, name, None)) for name in self._layer_names(None) if name not in replaced
        }
        after.update({name: _public(frame) for name, frame in replaced.items()})
        errors = _errors(validate(after))
        if errors:
            raise ValidationRefused(errors)

    def upload(
        self,
        layer: str,
        frame: Frame,
        user: str,
        note: str | None = None,
        source: str | Path | None = None,
        base: int | None = None,
        dry_run: bool = False,
        merge: bool = False,
        validate: Validator | None = None,
        kind: str = "upload",
        at: datetime | None = None,
    ) -> Commit:
        """Replace ``layer`` by a new version of it, as one changeset.

        Parameters
        ----------
        layer, frame :
            The layer and its new rows (canonical columns).
        user, note, source :
            Who, why, and the file it came from (its name and sha256 are kept).
        base : int, optional
            The changeset the user started from. If the layer changed after it, the upload is
            refused (:class:`StaleUpload`, naming who changed it) unless ``merge``: then the rows the
            user changed since ``base`` are applied to the current layer, provided none of them was
            also changed since (else :class:`MergeConflict`).
        dry_run : bool
            Compute and return the diff; write nothing.
        validate : callable, optional
            Given every layer as it would be; an error refuses the change (:class:`ValidationRefused`)
            and the store stays exactly as it was.
        kind : str
            ``upload`` (a whole list), or another kind for a whole-layer change made otherwise.
        at : datetime, optional
            When the change was made (timezone-aware); default now. Only for importing a history made
            elsewhere (see :meth:`create`).
        """
        new = with_keys(layer, conform(layer, frame, self.crs))
        return self._write_layers(
            {layer: lambda current: new}, user, note, source, base, dry_run, merge, validate, kind, at=at
        )

    def edit(
        self,
        layer: str,
        rows: Frame | None = None,
        user: str = "",
        note: str | None = None,
        remove: Iterable[str] = (),
        base: int | None = None,
        dry_run: bool = False,
        validate: Validator | None = None,
        at: datetime | None = None,
    ) -> Commit:
        """Change some records of ``layer`` (a form, a correction), as one changeset of kind ``edit``.

        ``rows`` (canonical columns) replace the rows with the same row key or are added; ``remove``
        lists row keys or record ids (``"H0102"``: every row of that household) to remove. With
        ``base`` older than the layer's last change, the edit goes through unless one of its rows
        was also changed since (:class:`MergeConflict`, naming who). ``at``: when (default now; only for
        importing a history made elsewhere, see :meth:`create`). :meth:`edit_layers` changes several
        layers in one changeset.
        """
        return self.edit_layers({layer: Edit(rows, remove)}, user, note, base, dry_run, validate, at)

    def edit_layers(
        self,
        edits: Mapping[str, Edit],
        user: str = "",
        note: str | None = None,
        base: int | None = None,
        dry_run: bool = False,
        validate: Validator | None = None,
        at: datetime | None = None,
    ) -> Commit:
        """Change records of several layers as ONE changeset: all of it is written, or nothing.

        A form that adds a grievance's step and moves the grievance's status, or a household's
        stage history entry and its row's stage, is one change with one author and one note; a
        refusal (validation, a conflict) leaves every layer as it was. Each :class:`Edit` is applied
        as :meth:`edit` applies its ``rows`` and ``remove``.
        """
        makers = {layer: self._patcher(layer, e) for layer, e in edits.items()}
        return self._write_layers(makers, user, note, None, base, dry_run, False, validate, "edit", at=at)

    def _patcher(self, layer: str, e: Edit) -> Callable[[pd.DataFrame], pd.DataFrame]:
        """The function turning ``layer``'s current rows into its rows after ``e``."""
        if layer not in LAYERS:
            raise StoreError(f"Lớp không có trong quy ước / unknown layer: {layer}")
        patch = with_keys(layer, conform(layer, e.rows, self.crs)) if e.rows is not None else None
        gone = set(e.remove)

        def patched(current: pd.DataFrame) -> pd.DataFrame:
            records = current[KEY].map(record_of)
            out = current[~(current[KEY].isin(gone) | records.isin(gone))]
            if patch is None or not len(patch):
                return out.reset_index(drop=True)
            out = out.set_index(KEY, drop=False)
            known = patch[KEY].isin(out.index).to_numpy()
            if known.any():
                out.loc[patch.loc[known, KEY]] = patch[known].set_index(KEY, drop=False)
            out = pd.concat([out.reset_index(drop=True), patch[~known]], ignore_index=True)
            if layer in GEOMETRY_LAYERS:
                out = gpd.GeoDataFrame(out, geometry="geometry", crs=self.crs)
            return out

        return patched

    def _write_layers(self, makers, user, note, source, base, dry_run, merge, validate, kind, at=None) -> Commit:
        """One changeset replacing each layer by ``makers[layer](current)``, in one transaction."""
        unknown = [layer for layer in makers if layer not in LAYERS]
        if unknown:
            raise StoreError(f"Lớp không có trong quy ước / unknown layer: {', '.join(unknown)}")
        with self.backend.writing() as conn:
            news: dict[str, pd.DataFrame] = {}
            diffs: dict[str, Diff] = {}
            merged = False
            for layer, make_new in makers.items():
                current = self._read(conn, layer, None) if self.present.get(layer) else self._empty(layer)
                new = make_new(current)
                latest = hist.layer_latest(conn, self.tables, layer)
                if base is not None and latest is not None and base < latest:
                    since = hist.changesets_since(conn, self.tables, layer, base)
                    if kind == "edit":
                        conflicts = sorted(
                            diff(layer, current, new).touched_keys()
                            & hist.keys_changed_since(conn, self.tables, layer, base)
                        )
                        if conflicts:
                            raise MergeConflict(layer, conflicts, since)
                    elif not merge:
                        raise StaleUpload(layer, base, since)
                    else:
                        new = self._merge(conn, layer, current, new, base, since)
                        merged = True
                news[layer] = new
                diffs[layer] = diff(layer, current, new)
            self._validate(conn, validate, news)
            if dry_run:
                conn.rollback()
                return Commit(None, diffs, merged)
            cid = self._new_changeset(conn, user, note, kind, source, base=base, at=at, layer=", ".join(makers))
            for layer, d in diffs.items():
                write_diff(conn, self.backend, self.tables[layer], self.tables["changes"], d, cid, self.srid)
                if not self.present.get(layer):
                    conn.execute(
                        self.tables["store_layers"]
                        .update()
                        .where(self.tables["store_layers"].c.layer == layer)
                        .values(since=cid)
                    )
            self.backend.touch(conn, [*makers, "changesets", "changes"])
            conn.commit()
            for layer in makers:
                if not self.present.get(layer):
                    self.present[layer] = cid
            return Commit(cid, diffs, merged)

    def _merge(self, conn, layer, current, new, base, since) -> pd.DataFrame:
        base_state = hist.state_at(conn, self.backend, self.tables, layer, base, self.crs)
        mine = diff(layer, base_state, new)
        theirs = hist.keys_changed_since(conn, self.tables, layer, base)
        would = diff(layer, current, new).touched_keys()  # rows where the upload differs from now
        conflicts = sorted((mine.touched_keys() & theirs) & would)
        if conflicts:
            raise MergeConflict(layer, conflicts, since)
        out = current[~current[KEY].isin(set(mine.removed[KEY]))].set_index(KEY, drop=False)
        if len(mine.after):
            replaced = new.set_index(KEY, drop=False).loc[mine.after.index]
            out.loc[replaced.index] = replaced
        out = out.reset_index(drop=True)
        if len(mine.added):
            out = pd.concat([out, mine.added], ignore_index=True)
            if layer in GEOMETRY_LAYERS:
                out = gpd.GeoDataFrame(out, geometry="geometry", crs=self.crs)
        return out

    def rollback(
        self,
        changeset_id: int,
        user: str,
        note: str | None = None,
        validate: Validator | None = None,
        at: datetime | None = None,
    ) -> Commit:
        """Bring every layer back to its state right after ``changeset_id``, as a new changeset.

        The rollback is itself in the history (kind ``rollback``), so it can be undone in turn. ``at``:
        when (default now; only for importing a history made elsewhere, see :meth:`create`).
        """
        with self.backend.writing() as conn:
            self._check_at(conn, changeset_id)
            diffs: dict[str, Diff] = {}
            targets: dict[str, pd.DataFrame] = {}
            for name in self._layer_names(None):
                current = self._read(conn, name, None)
                since = self.present[name]
                present = since is not None and since <= changeset_id  # always set: _layer_names skips None
                target = self._read(conn, name, changeset_id) if present else current.iloc[0:0]
                targets[name] = target
                d = diff(name, current, target)
                if not d.empty:
                    diffs[name] = d
            self._validate(conn, validate, targets)
            cid = self._new_changeset(
                conn,
                user,
                note or f"Khôi phục về #{changeset_id} / restore #{changeset_id}",
                "rollback",
                None,
                restores=changeset_id,
                at=at,
            )
            config_then = self._config(conn, changeset_id)
            if config_then != self._config(conn, None):
                conn.execute(self.tables["store_config"].insert().values(changeset_id=cid, text=config_then or ""))
            for name, d in diffs.items():
                write_diff(conn, self.backend, self.tables[name], self.tables["changes"], d, cid, self.srid)
            self.backend.touch(conn, [*diffs, "changesets", "changes"])
            conn.commit()
            return Commit(cid, diffs)

    def set_config(self, text: str, user: str, note: str | None = None, source: str | Path | None = None) -> int:
        """Replace the workspace's settings (``workspace.toml`` text), as a changeset of kind ``config``.

        Returns the changeset's id. The earlier settings stay in the history (``config(at=…)``); a
        rollback brings back the settings in force at its target too.
        """
        with self.backend.writing() as conn:
            cid = self._new_changeset(conn, user, note, "config", source)
            conn.execute(self.tables["store_config"].insert().values(changeset_id=cid, text=text))
            self.backend.touch(conn, ["changesets", "store_config"])
            conn.commit()
            return cid

    # --- copies -----------------------------------------------------------------------------------
    def backup(self, out: str | Path) -> Path:
        """A consistent copy while the app runs: the GeoPackage through SQLite's backup API; a PostGIS
        store as a ``pg_dump`` archive (``pg_restore`` brings it back)."""
        return self.backend.backup(Path(out))

    def export(self, out_dir: str | Path, at: int | None = None) -> Path:
        """Write the layers (now, or right after changeset ``at``) as a workspace folder the contract
        reads: hamlets, parcels and projects as GeoPackages (projects as CSV where none has a
        boundary), the other layers as UTF-8 CSV with ISO dates, and the settings in force then as
        ``workspace.toml`` (where the store holds any). The folder must not hold a workspace yet."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        taken = [p.name for p in out.iterdir() if p.stem.lower() in LAYERS or p.name.lower() == "workspace.toml"]
        if taken:
            raise StoreError(f"Thư mục đã có dữ liệu / the folder already holds layers: {', '.join(sorted(taken))}")
        for name, frame in self.layers(at).items():
            if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.notna().any():
                frame.to_file(out / f"{name}.gpkg", layer=name, driver="GPKG")
                continue
            table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
            for col in table.columns:
                if pd.api.types.is_datetime64_any_dtype(table[col]):
                    table[col] = table[col].dt.strftime("%Y-%m-%d")
            table.to_csv(out / f"{name}.csv", index=False, encoding="utf-8")
        text = self.config(at)
        if text is not None:
            (out / "workspace.toml").write_text(text, encoding="utf-8")
        return out
