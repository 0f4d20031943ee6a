"""Changing a store from files: a folder imported as its first changeset, a layer's file uploaded.

The command line (``python -m geo store create|upload``) and the dashboard's upload page call these
two functions, so both read files with the folder's readers and check the result with the folder's
validation (:func:`geo.source.read_layer_file`, :func:`geo.workspace.assemble`):

>>> store = import_folder("hoson.gpkg", "data/hoson", user="Lan")  # doctest: +SKIP
>>> preview = upload_file(store, "households", "tuan_47/households.xlsx", user="Bình", dry_run=True)  # doctest: +SKIP
>>> print(preview.render())  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import tomli_w

from ..canonical import match_columns
from ..config import CONFIG_FILE, WorkspaceConfig, config_from_text
from ..formatting import fmt_number
from ..problems import Problem, Report
from ..schema import LAYERS
from ..source import RawLayers, SourceInfo, canonical_raw, read_layer_file
from .changesets import Diff
from .store import Commit, Store, ValidationRefused
from .tables import KEY, conform, row_keys

if TYPE_CHECKING:
    from ..access import Access
    from ..workspace import Workspace

UNPLACED = "Chưa rõ thôn / unplaced"


class FolderRefused(Exception):
    """A folder that cannot be imported: ``report`` holds its errors."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.render())


def store_config(store: Store, at: int | None = None, report: Report | None = None) -> WorkspaceConfig:
    """The workspace's settings kept in the store (defaults where it holds none)."""
    text = store.config(at)
    return config_from_text(text, report if report is not None else Report()) if text else WorkspaceConfig()


def validator(config: WorkspaceConfig) -> Callable[[Mapping[str, pd.DataFrame]], Report]:
    """A store validation hook: every layer as it would be, assembled and checked like a folder.

    Parameters
    ----------
    config : WorkspaceConfig
        The settings the layers are checked with (the store's).

    Returns
    -------
    callable
        ``validate(layers) -> Report``, for ``Store.upload(validate=…)`` and ``Store.rollback``.
    """

    def validate(layers: Mapping[str, pd.DataFrame]) -> Report:
        from ..workspace import assemble

        raws = {name: canonical_raw(name, frame) for name, frame in layers.items() if name in LAYERS}
        info = SourceInfo("store", "store", "store", {name: name for name in raws})
        return assemble(RawLayers(raws, config, Report(), info), config).report

    return validate


def import_folder(target: str | Path, folder: str | Path, user: str, note: str | None = None) -> Store:
    """Make a store from a workspace folder: its layers and ``workspace.toml``, as changeset 1.

    Parameters
    ----------
    target : str or Path
        The new store: a ``.gpkg`` path (must not exist) or a ``postgresql://`` URL (a database with
        PostGIS and no store yet).
    folder : str or Path
        The workspace folder; it stays as it is (the source of truth where it is kept in git).
    user, note :
        Who imports, and why.

    Returns
    -------
    Store
        Open; close it when done.

    Raises
    ------
    FolderRefused
        Where the folder has errors (``.report`` lists them, as ``validate`` would).
    StoreError
        Where the store exists already.
    """
    from ..workspace import load_workspace

    folder = Path(folder)
    ws = load_workspace(folder)
    if not ws.report.ok:
        raise FolderRefused(ws.report)
    layers = {name: getattr(ws, name) for name in LAYERS if name in ws.present}
    settings = folder / CONFIG_FILE
    text = settings.read_bytes().decode("utf-8-sig") if settings.is_file() else None
    return Store.create(
        target,
        layers,
        user=user,
        note=note or f"Nhập thư mục {folder.name} / import of the folder {folder.name}",
        source=folder.resolve(),
        config=text,
    )


@dataclass
class Upload:
    """An upload of one layer's file: its problems, and what it changed (or, dry, would change).

    Attributes
    ----------
    layer : str
    file : Path
    report : Report
        Reading and validating the file with the store's other layers; an error refuses the upload.
    commit : Commit or None
        None where refused; ``commit.changeset`` is None for a dry run.
    hamlets : list of str
        The change summarised per hamlet (``Thôn Nà Pàn: 3 hộ chuyển sang Bàn giao mặt bằng``).
    remembered : int or None
        The settings' changeset that keeps the columns matched for this upload (``columns`` of
        :func:`upload_file`) for the layer's next uploads; None where nothing new was kept.
    rows : dict
        Row key → the row of the file it was read from (a workbook's own row), for a refusal that names
        rows (:func:`refusal_text`).
    """

    layer: str
    file: Path
    report: Report
    commit: Commit | None = None
    hamlets: list[str] = field(default_factory=list)
    remembered: int | None = None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        """True where the file has errors: nothing was written."""
        return self.commit is None

    @property
    def diff(self) -> Diff | None:
        """The layer's diff (None where refused)."""
        return self.commit.diff if self.commit is not None else None

    def render(self, limit: int = 20) -> str:
        """The diff's counts and changed values, then the per-hamlet lines (Vietnamese / English)."""
        if self.commit is None:
            return self.report.render()
        lines = [self.commit.diff.render(limit)]
        if self.hamlets:
            lines.append("Theo thôn / per hamlet:")
            lines += [f"  {line}" for line in self.hamlets]
        return "\n".join(lines)


def upload_file(
    store: Store,
    layer: str,
    path: str | Path,
    user: str,
    note: str | None = None,
    base: int | None = None,
    dry_run: bool = False,
    merge: bool = False,
    columns: Mapping[str, str] | None = None,
) -> Upload:
    """Read a new version of ``layer`` from a file and upload it to the store (or, ``dry_run``, only diff it).

    The file is read with the folder's readers and the store's settings, placed and checked against
    the store's other layers (:func:`geo.source.read_layer_file`); with an error it is refused and
    nothing is written (``Upload.refused``, ``Upload.report``). The columns the store's settings match
    (``[layers.LAYER.columns]``) are matched, and ``columns`` on top of them; once committed, those
    ``columns`` are remembered in the store's settings for the layer's next uploads (a changeset of kind
    ``config`` under ``user``: :func:`remember_columns`), from the page or the command line alike.

    Parameters
    ----------
    store : Store
    layer : str
    path : str or Path
        An XLSX, CSV, zipped shapefile, GeoPackage or GeoJSON file.
    user, note :
        Who uploads, and why; the file's name and sha256 are kept with the changeset.
    base : int, optional
        The changeset the user started from; a layer changed since is refused (:class:`StaleUpload`
        naming who changed it), unless ``merge``.
    dry_run : bool
        Compute the diff and the per-hamlet summary; write nothing.
    merge : bool
        Apply the rows that do not conflict with the changes made since ``base``.
    columns : Mapping, optional
        Canonical column → the file's header, where the names and aliases do not find it (a header
        chosen in the upload page).

    Raises
    ------
    StaleUpload, MergeConflict
        As :meth:`Store.upload`.
    """
    file = Path(path)
    config = with_columns(store_config(store), layer, columns or {})
    context = store.layers()
    frame, report = read_layer_file(layer, file, config, context)
    if not report.ok:
        return Upload(layer, file, report)
    try:
        commit = store.upload(
            layer,
            frame,
            user=user,
            note=note,
            source=file,
            base=base,
            dry_run=dry_run,
            merge=merge,
            validate=validator(config) if merge else None,  # a merged list is checked again as merged
        )
    except ValidationRefused as refused:
        merged = Report()
        merged.extend(report)
        for error in refused.errors:
            if isinstance(error, Problem):
                merged.problems.append(error)
            else:
                merged.error("merge_invalid", file.name, str(error), "Sửa tệp rồi tải lại / Fix the file and retry.")
        return Upload(layer, file, merged)
    places = {**context, layer: frame}
    remembered = None
    if columns and not dry_run and commit.changeset is not None:
        remembered = remember_columns(store, layer, columns, user)
    hamlets = commit.diff.by_hamlet(hamlet_of(commit.diff, places))
    return Upload(layer, file, report, commit, hamlets, remembered, file_rows(layer, frame))


def file_rows(layer: str, frame: pd.DataFrame) -> dict[str, int]:
    """The row key of each row of a layer's file as read (:func:`geo.source.read_layer_file`) → its row in
    the file (a workbook's own row number); empty where the frame has no ``row``."""
    if "row" not in frame.columns or not len(frame) or layer not in LAYERS:
        return {}
    keys = row_keys(layer, conform(layer, pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))))
    return dict(zip(keys.tolist(), frame["row"].astype(int).tolist(), strict=True))


# --------------------------------------------------------------------------- matching a file's columns


@dataclass(frozen=True)
class ColumnChoice:
    """A layer file's headers and what they match, for the user to match the rest (the upload page).

    Attributes
    ----------
    layer : str
    headers : list of str
        The file's headers as read (:func:`geo.io.layer_headers`: below an office list's title block,
        every list sheet's; "upper – lower" under a merged upper cell).
    matched : dict
        Canonical column → header, as reading matches them now (names, aliases, the store's
        ``[layers.LAYER.columns]`` and the ``columns`` asked for).
    report : Report
        The problems of reading the headers (an unreadable file: no headers).
    """

    layer: str
    headers: list[str]
    matched: dict[str, str]
    report: Report

    @property
    def required(self) -> list[str]:
        """The layer's required columns (every row must have them)."""
        return [c.name for c in LAYERS[self.layer].columns if c.required]

    @property
    def optional(self) -> list[str]:
        """The layer's other columns."""
        return [c.name for c in LAYERS[self.layer].columns if not c.required]

    @property
    def missing(self) -> list[str]:
        """The required columns no header matches."""
        return [c for c in self.required if c not in self.matched]


def column_choices(
    store: Store, layer: str, path: str | Path, columns: Mapping[str, str] | None = None
) -> ColumnChoice:
    """The headers of an uploaded file of ``layer`` and the columns they match with the store's settings
    and ``columns`` (canonical → header).

    Example
    -------
    >>> choice = column_choices(store, "households", "ds_ho_tuan48.xlsx")  # doctest: +SKIP
    >>> choice.missing, choice.headers[:3]  # doctest: +SKIP
    (['household_id'], ['STT', 'Mã số hộ', 'Họ và tên chủ hộ'])
    """
    from ..io import layer_headers

    report = Report()
    config = with_columns(store_config(store), layer, columns or {})
    headers = layer_headers(Path(path), layer, config, report) if layer in LAYERS else []
    matched = match_columns(LAYERS[layer], headers, config.layer(layer).columns) if headers else {}
    return ColumnChoice(layer, headers, matched, report)


def with_columns(config: WorkspaceConfig, layer: str, columns: Mapping[str, str]) -> WorkspaceConfig:
    """``config`` with ``columns`` (canonical → header) added to ``[layers.LAYER.columns]`` (they win)."""
    if not columns:
        return config
    own = config.layer(layer)
    merged = dataclasses.replace(own, columns={**own.columns, **dict(columns)})
    return dataclasses.replace(config, layers={**config.layers, layer: merged})


_COLUMNS_SECTION = re.compile(r'^\s*\[\s*layers\s*\.\s*"?(?P<layer>[\w-]+)"?\s*\.\s*"?columns"?\s*\]\s*(#.*)?$')
_KEY = re.compile(r'^\s*"?(?P<key>[\w-]+)"?\s*=')


def columns_text(text: str, layer: str, columns: Mapping[str, str]) -> str:
    """``workspace.toml`` text with ``columns`` (canonical → header) set under ``[layers.LAYER.columns]``.

    The text is edited, not rewritten: its comments and the order of its settings stay; the keys are
    set in the section where it exists (any earlier value of the same key replaced), else the section
    is added at the end. Where the text holds the mapping in another shape (an inline table), it is
    written again from its values instead.

    Example
    -------
    >>> text = '# xã Hồ Sơn\\n[workspace]\\nname = "Hồ Sơn"\\n'
    >>> print(columns_text(text, "households", {"household_id": "Mã số hộ"}))
    # xã Hồ Sơn
    [workspace]
    name = "Hồ Sơn"
    <BLANKLINE>
    [layers.households.columns]
    household_id = "Mã số hộ"
    <BLANKLINE>
    """
    lines = [tomli_w.dumps({k: v}).rstrip("\n") for k, v in columns.items()]
    rows = text.splitlines()
    start = next(
        (i for i, line in enumerate(rows) if (m := _COLUMNS_SECTION.match(line)) and m["layer"] == layer), None
    )
    if start is None:
        body = text.rstrip("\n")
        out = (body + "\n\n" if body else "") + f"[layers.{layer}.columns]\n" + "\n".join(lines) + "\n"
    else:
        end = next((j for j in range(start + 1, len(rows)) if rows[j].lstrip().startswith("[")), len(rows))
        kept = [r for r in rows[start + 1 : end] if not ((m := _KEY.match(r)) and m["key"] in columns)]
        out = "\n".join([*rows[: start + 1], *lines, *kept, *rows[end:]]) + "\n"
    try:
        got = tomllib.loads(out).get("layers", {}).get(layer, {}).get("columns", {})
    except tomllib.TOMLDecodeError:
        got = {}
    if all(got.get(k) == v for k, v in columns.items()):
        return out
    data = tomllib.loads(text) if text.strip() else {}  # another shape: written again (comments lost)
    data.setdefault("layers", {}).setdefault(layer, {}).setdefault("columns", {}).update(columns)
    return tomli_w.dumps(data)


def remember_columns(
    store: Store, layer: str, columns: Mapping[str, str], user: str, note: str | None = None
) -> int | None:
    """Keep ``columns`` (canonical → header) in the store's settings for the layer's next uploads.

    A changeset of kind ``config`` under ``user`` (:meth:`Store.set_config`), so the history says who
    matched which header; the command line's ``geo store upload`` reads the same settings. Returns
    its id, or None where the settings say so already (or cannot be read as TOML: they are left as
    they are).
    """
    current = store.config() or ""
    report = Report()
    known = store_config(store, report=report).layer(layer).columns
    if report.has("bad_config") or all(known.get(k) == v for k, v in columns.items()):
        return None
    text = columns_text(current, layer, columns)
    label = LAYERS[layer].label if layer in LAYERS else layer
    shown = ", ".join(f"{k} = “{v}”" for k, v in columns.items())
    return store.set_config(text, user, note or f"Ghép cột {label} / columns of {layer}: {shown}")


def hamlet_of(d: Diff, layers: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """The hamlet name of every row a diff touches (row key → name), from the layers' own places.

    Households by their parcel's hamlet, stage history by the household's, parcels, grievances and
    field reports by their ``hamlet_id``; a row that cannot be placed is left out (shown as unplaced).
    """
    hamlets = layers.get("hamlets")
    if hamlets is None or "hamlet_id" not in hamlets:
        return {}
    names = pd.Series(hamlets["hamlet_name"].to_numpy(), index=hamlets["hamlet_id"].to_numpy())
    names = names[~names.index.duplicated()]
    rows = pd.concat(
        [d.added, d.removed, d.after.assign(**{KEY: d.after.index}).reset_index(drop=True)], ignore_index=True
    )
    if not len(rows):
        return {}
    hamlet = _hamlet_ids(d.layer, rows, layers)
    placed = hamlet.map(names)
    keep = placed.notna().to_numpy()
    return dict(zip(rows[KEY].to_numpy()[keep], placed.to_numpy()[keep], strict=True))


def _hamlet_ids(layer: str, rows: pd.DataFrame, layers: Mapping[str, pd.DataFrame]) -> pd.Series:
    empty = pd.Series([None] * len(rows), dtype=object)
    if layer == "hamlets":
        return rows["hamlet_id"].reset_index(drop=True)
    if "hamlet_id" in rows and layer != "households":
        return rows["hamlet_id"].reset_index(drop=True)
    parcels = layers.get("parcels")
    if parcels is None or "parcel_id" not in parcels:
        return empty
    parcel_hamlet = pd.Series(parcels["hamlet_id"].to_numpy(), index=parcels["parcel_id"].to_numpy())
    parcel_hamlet = parcel_hamlet[~parcel_hamlet.index.duplicated()]
    if layer == "households":
        return rows["parcel_id"].map(parcel_hamlet).reset_index(drop=True)
    households = layers.get("households")
    if layer == "stage_history" and households is not None and len(households):
        first = households.assign(_h=households["parcel_id"].map(parcel_hamlet)).dropna(subset=["_h"])
        of_household = first.drop_duplicates("household_id").set_index("household_id")["_h"]
        return rows["household_id"].map(of_household).reset_index(drop=True)
    return empty


# --------------------------------------------------------------------------- who may upload what


def row_hamlets(rows: pd.DataFrame, ws: Workspace) -> pd.Series:
    """The hamlet id of each row (NaN where the workspace cannot tell): its own ``hamlet_id``, else its
    parcel's, else its parcel's by map sheet and number, else its household's (a household of more
    than one hamlet has none)."""
    hamlet = pd.Series(pd.NA, index=rows.index, dtype="object")
    if "hamlet_id" in rows:
        hamlet = rows["hamlet_id"].astype("object")
    if "parcel_id" in rows:
        by_parcel = ws.parcels.dropna(subset=["parcel_id"]).drop_duplicates("parcel_id")
        hamlet = hamlet.fillna(rows["parcel_id"].map(by_parcel.set_index("parcel_id")["hamlet_id"]))
    sheet = ["map_sheet", "parcel_no", "commune_code"]
    if all(c in rows for c in sheet[:2]):
        cols = [c for c in sheet if c in rows and c in ws.parcels]

        def label(frame: pd.DataFrame) -> pd.Series:
            return frame[cols].astype("string").fillna("").agg("|".join, axis=1)

        by_sheet = pd.Series(ws.parcels["hamlet_id"].to_numpy(), index=label(ws.parcels).to_numpy())
        by_sheet = by_sheet[~by_sheet.index.duplicated()]
        hamlet = hamlet.fillna(label(rows).map(by_sheet))
    if "household_id" in rows:
        homes = ws.households.dropna(subset=["household_id", "hamlet_id"])
        single = homes.groupby("household_id")["hamlet_id"].agg(lambda h: h.iloc[0] if h.nunique() == 1 else pd.NA)
        hamlet = hamlet.fillna(rows["household_id"].map(single))
    return hamlet


def refused_rows(diff: Diff, access: Access, ws: Workspace | None) -> list[str]:
    """The row keys of an upload that ``access`` may not make: rows it adds, removes or changes (before
    or after the change) in a hamlet :meth:`~geo.access.Access.may_upload_rows_of` refuses; sorted, empty
    where every row is its own.

    A row whose hamlet the workspace cannot tell (a layer of the whole commune, a new parcel, a
    household of several hamlets) counts as refused for an account that edits only some hamlets
    (an officer edits only what is surely its own); without ``ws`` every touched row is refused
    to such an account. An account that uploads every hamlet's rows (admin, clerk) is refused nothing.

    Example
    -------
    >>> refused_rows(upload.diff, Access("officer", {"A"}), ws)  # doctest: +SKIP
    ['H3']
    """
    if access.may_upload_rows_of(None):  # even a row of no hamlet: every row (admin, clerk)
        return []
    if ws is None:
        return sorted(str(k) for k in diff.touched_keys())
    refused: list[str] = []
    for rows in (diff.added, diff.removed, diff.before.reset_index(), diff.after.reset_index()):
        if rows.empty:
            continue
        hamlet = row_hamlets(rows, ws)
        allowed = [h for h in hamlet.dropna().unique() if access.may_upload_rows_of(str(h))]
        inside = hamlet.isin(allowed).to_numpy()
        refused.extend(str(k) for k in rows.loc[~inside, KEY])
    return sorted(set(refused))


def refusal_text(keys: list[str], rows: Mapping[str, int] | None = None) -> str:
    """The refusal of an upload that reaches beyond the hamlets its account edits, naming the rows: each
    key, with its row in the file where ``rows`` (:attr:`Upload.rows`) has it (a row removed has none).

    Example
    -------
    >>> refusal_text(["H3|P1|2-1"], {"H3|P1|2-1": 4}).split(":")[1].split(".")[0]
    ' H3|P1|2-1 (dòng/row 4)'
    """
    rows = rows or {}
    named = [f"{k} (dòng/row {rows[k]})" if k in rows else k for k in keys[:20]]
    shown = ", ".join(named) + (f" … (+{len(keys) - 20})" if len(keys) > 20 else "")
    return (
        f"Tệp sửa {fmt_number(len(keys))} dòng ngoài các thôn bạn theo dõi, kho dữ liệu không thay đổi: {shown}. "
        "Chỉ tải lên các dòng của thôn mình. / The file changes rows outside the hamlets you follow; the store is "
        "unchanged. Upload only your hamlets' rows."
    )


__all__ = [
    "ColumnChoice",
    "FolderRefused",
    "Upload",
    "column_choices",
    "columns_text",
    "file_rows",
    "hamlet_of",
    "import_folder",
    "refusal_text",
    "refused_rows",
    "remember_columns",
    "row_hamlets",
    "store_config",
    "upload_file",
    "with_columns",
]
