"""Changesets: the difference between two states of a layer, and writing it to the store.

:func:`diff` compares two conformed frames of one layer on their row keys with index operations
(no loop over rows): rows added, removed, and changed with old → new per column. :func:`write_diff`
applies a :class:`Diff` to the layer's table and records it in ``changes`` — within the caller's
transaction, so a change is all there or not at all.

In ``changes`` a removed row keeps its whole old row, an added row its whole new row, a changed row
the old and new values of the columns that changed (JSON; dates as ``YYYY-MM-DD``), and the geometry
(WKB) where it changed. That is enough to rebuild any earlier state (see :mod:`geo.store.history`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from ..formatting import fmt_date, fmt_number
from ..schema import LAYERS, STAGES
from .engine import Backend
from .tables import GEOM, GEOMETRY_LAYERS, KEY, canonical_names, record_of

CHUNK = 500


@dataclass
class Diff:
    """What an upload would change in one layer.

    Attributes
    ----------
    layer : str
        The layer.
    added, removed : DataFrame
        Whole rows (canonical columns, ``row_key``; ``geometry`` for spatial layers).
    changed : DataFrame
        One row per changed value: ``row_key``, ``column``, ``old``, ``new`` (``geometry`` values
        are shapely geometries).
    before, after : DataFrame
        The changed rows in full, before and after (same order, indexed by ``row_key``).
    """

    layer: str
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame
    before: pd.DataFrame = field(repr=False)
    after: pd.DataFrame = field(repr=False)

    @property
    def counts(self) -> dict[str, int]:
        """``{"added": …, "changed": …, "removed": …}`` (changed counts rows, not values)."""
        return {"added": len(self.added), "changed": len(self.after), "removed": len(self.removed)}

    @property
    def empty(self) -> bool:
        """True when nothing would change."""
        return not any(self.counts.values())

    def changed_keys(self) -> list[str]:
        """The row keys of the changed rows."""
        return list(self.after.index)

    def touched_keys(self) -> set[str]:
        """Row keys added, removed or changed."""
        return set(self.added[KEY]) | set(self.removed[KEY]) | set(self.after.index)

    def render(self, limit: int = 20) -> str:
        """A short text: counts, then up to ``limit`` changed values as ``key: column old → new``."""
        c = self.counts
        lines = [
            f"{self.layer}: +{c['added']} thêm / added, ~{c['changed']} sửa / changed, -{c['removed']} bỏ / removed"
        ]
        for row in self.changed.head(limit).itertuples(index=False):
            old = display_value(self.layer, row.column, row.old)
            new = display_value(self.layer, row.column, row.new)
            if row.column == "geometry":
                old, new = "(hình cũ / old shape)", "(hình mới / new shape)"
            lines.append(f"  {row.row_key}: {row.column} {old} → {new}")
        if len(self.changed) > limit:
            lines.append(f"  … {len(self.changed) - limit} more")
        return "\n".join(lines)

    def by_hamlet(self, hamlet_of: dict[str, str]) -> list[str]:
        """Households per hamlet whose stage moved, and rows added or removed, as lines to show.

        ``hamlet_of`` maps a row key to its hamlet's name (from the assembled workspace: the households'
        placed ``hamlet_id`` and the hamlets' names, keyed with :func:`geo.store.row_keys`); rows it does
        not place fall under "Chưa rõ thôn / unplaced". Example line:
        ``Thôn Nà Pàn: 3 hộ chuyển sang Bàn giao mặt bằng``.
        """
        unplaced = "Chưa rõ thôn / unplaced"
        lines: list[str] = []
        moves = self.changed[self.changed["column"] == "stage"]
        if len(moves):
            hid = self.after.loc[moves[KEY], "household_id"].to_numpy()
            table = pd.DataFrame(
                {
                    "hamlet": [hamlet_of.get(k, unplaced) for k in moves[KEY]],
                    "stage": moves["new"].to_numpy(),
                    "household": hid,
                }
            )
            counts = table.groupby(["hamlet", "stage"], sort=True)["household"].nunique()
            for (hamlet, stage), n in counts.items():
                lines.append(f"{hamlet}: {fmt_number(n)} hộ chuyển sang {STAGES.label(stage)}")
        for frame, verb in ((self.added, "thêm / added"), (self.removed, "bỏ / removed")):
            if len(frame):
                places = pd.Series([hamlet_of.get(k, unplaced) for k in frame[KEY]])
                for hamlet, n in places.value_counts().sort_index().items():
                    lines.append(f"{hamlet}: {fmt_number(n)} dòng {verb}")
        return lines


def display_value(layer: str, column: str, value: object) -> str:
    """A stored value for people: enumerations by their Vietnamese label, dates ``dd/mm/yyyy``,
    numbers with dot thousands and decimal comma, a blank as ``∅``.

    Example
    -------
    >>> display_value("households", "stage", "paid"), display_value("households", "stage_date", "2026-11-12")
    ('Chi trả tiền', '12/11/2026')
    """
    if _blank(value):
        return "∅"
    col = next((c for c in LAYERS[layer].columns if c.name == column), None) if layer in LAYERS else None
    if col is not None and col.enum is not None:
        return col.enum.label(str(value))
    if col is not None and col.type == "date":
        return fmt_date(value)
    if isinstance(value, float | int | np.number) and not isinstance(value, bool):
        number = float(value)
        return fmt_number(number, 0 if number.is_integer() else 2)
    return str(value)


def _blank(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _values_equal(a: pd.Series, b: pd.Series) -> np.ndarray:
    if a.dtype == object and b.dtype == object:  # conformed text: str or None (None == None here)
        return np.asarray(a.to_numpy() == b.to_numpy(), dtype=bool)
    if a.dtype == np.float64 and b.dtype == np.float64:
        x, y = a.to_numpy(), b.to_numpy()
        return (x == y) | (np.isnan(x) & np.isnan(y))
    both_missing = a.isna().to_numpy() & b.isna().to_numpy()
    eq = a == b
    eq = eq.fillna(False).to_numpy(dtype=bool) if eq.dtype != bool else eq.to_numpy()
    return eq | both_missing


def _geoms_equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ma, mb = shapely.is_missing(a), shapely.is_missing(b)
    return (ma & mb) | (~ma & ~mb & shapely.equals_exact(a, b, tolerance=0.0))


def diff(layer: str, old: pd.DataFrame, new: pd.DataFrame) -> Diff:
    """Compare two conformed frames of ``layer`` that carry a ``row_key`` column.

    Vectorised: keys are matched through pandas indexes, values compared a column at a time.
    """
    old_i, new_i = old.set_index(KEY, drop=False), new.set_index(KEY, drop=False)
    added = new_i.loc[~new_i.index.isin(old_i.index)].reset_index(drop=True)
    removed = old_i.loc[~old_i.index.isin(new_i.index)].reset_index(drop=True)
    common = new_i.index[new_i.index.isin(old_i.index)]
    a, b = old_i.loc[common], new_i.loc[common]
    columns = canonical_names(layer)
    masks = {col: ~_values_equal(a[col], b[col]) for col in columns}
    if layer in GEOMETRY_LAYERS:
        masks["geometry"] = ~_geoms_equal(
            np.asarray(a.geometry.values, dtype=object), np.asarray(b.geometry.values, dtype=object)
        )
    any_changed = np.zeros(len(common), dtype=bool)
    pieces = []
    for col, mask in masks.items():
        any_changed |= mask
        if mask.any():
            olds = (
                a[col].to_numpy(dtype=object)[mask]
                if col != "geometry"
                else np.asarray(a.geometry.values, dtype=object)[mask]
            )
            news = (
                b[col].to_numpy(dtype=object)[mask]
                if col != "geometry"
                else np.asarray(b.geometry.values, dtype=object)[mask]
            )
            pieces.append(pd.DataFrame({KEY: common[mask], "column": col, "old": olds, "new": news}))
    changed = (
        pd.concat(pieces, ignore_index=True)
        if pieces
        else pd.DataFrame({KEY: [], "column": [], "old": [], "new": []}, dtype=object)
    )
    if len(changed):
        order = pd.Series(np.arange(len(common)), index=common)
        changed = changed.assign(_o=order.loc[changed[KEY]].to_numpy()).sort_values("_o", kind="stable")
        changed = changed.drop(columns="_o").reset_index(drop=True)
    before = a.loc[any_changed].drop(columns=KEY)
    after = b.loc[any_changed].drop(columns=KEY)
    return Diff(layer, added, removed, changed, before, after)


# --- JSON values ---------------------------------------------------------------------------------


def jsonable(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical columns as Python values for JSON: dates ``YYYY-MM-DD``, blanks ``None``."""
    out = {}
    for col in canonical_names(layer):
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            values = s.dt.strftime("%Y-%m-%d").astype(object).to_numpy()
        else:
            values = s.astype(object).to_numpy()
        missing = s.isna().to_numpy()
        values = values.copy()
        values[missing] = None
        if pd.api.types.is_integer_dtype(s.dtype):
            values[~missing] = [int(v) for v in values[~missing]]
        elif pd.api.types.is_float_dtype(s.dtype):
            values[~missing] = [float(v) for v in values[~missing]]
        out[col] = values
    return pd.DataFrame(out, index=frame.index, dtype=object)


def _json_rows(layer: str, frame: pd.DataFrame) -> list[str]:
    table = jsonable(layer, frame)
    cols = list(table.columns)
    return [
        json.dumps(dict(zip(cols, vals, strict=True)), ensure_ascii=False)
        for vals in zip(*(table[c].tolist() for c in cols), strict=True)
    ]


def db_records(layer: str, frame: pd.DataFrame, backend: Backend, srid: int | None, prefix: str = "") -> list[dict]:
    """Rows of a conformed frame (with ``row_key``) as bind parameters for the layer's table."""
    columns: dict[str, list] = {prefix + KEY: frame[KEY].tolist()}
    for col in canonical_names(layer):
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            values = np.array(s.dt.date.tolist(), dtype=object)
        else:
            values = s.astype(object).to_numpy().copy()
        missing = s.isna().to_numpy()
        values[missing] = None
        if pd.api.types.is_integer_dtype(s.dtype):
            values[~missing] = [int(v) for v in values[~missing]]
        elif pd.api.types.is_float_dtype(s.dtype):
            values[~missing] = [float(v) for v in values[~missing]]
        columns[prefix + col] = values.tolist()
    if layer in GEOMETRY_LAYERS:
        columns[prefix + GEOM] = backend.geoms_to_db(np.asarray(frame.geometry.values, dtype=object), srid)
    names = list(columns)
    return [dict(zip(names, vals, strict=True)) for vals in zip(*columns.values(), strict=True)]


def _wkb(geoms) -> list:
    arr = np.asarray(geoms, dtype=object)
    out = shapely.to_wkb(arr, flavor="iso")
    return [None if g is None else bytes(g) for g in out]


# --- writing ---------------------------------------------------------------------------------------


def change_records(d: Diff, changeset_id: int, added_values: bool = True) -> list[dict]:
    """The ``changes`` rows of a diff.

    With ``added_values=False`` (the import) an added row records only its key: its values are the
    state right after that changeset, which the history rebuilds; this halves an imported store.
    """
    layer = d.layer
    spatial = layer in GEOMETRY_LAYERS
    records: list[dict] = []
    base = {"changeset_id": changeset_id, "layer": layer}
    if len(d.added) and not added_values:
        records += [
            {**base, KEY: key, "op": "add", "old": None, "new": None, "old_geom": None, "new_geom": None}
            for key in d.added[KEY]
        ]
    elif len(d.added):
        geoms = _wkb(d.added.geometry.values) if spatial else [None] * len(d.added)
        for key, js, g in zip(d.added[KEY], _json_rows(layer, d.added), geoms, strict=True):
            records.append({**base, KEY: key, "op": "add", "old": None, "new": js, "old_geom": None, "new_geom": g})
    if len(d.after):
        old_tab, new_tab = jsonable(layer, d.before), jsonable(layer, d.after)
        cols = canonical_names(layer)
        changed_cols = d.changed.groupby(KEY, sort=False)["column"].agg(list).to_dict()
        geom_changed = {k for k, cs in changed_cols.items() if "geometry" in cs}
        old_g = dict(zip(d.before.index, _wkb(d.before.geometry.values), strict=True)) if spatial else {}
        new_g = dict(zip(d.after.index, _wkb(d.after.geometry.values), strict=True)) if spatial else {}
        old_rows = dict(zip(old_tab.index, old_tab[cols].to_numpy().tolist(), strict=True))
        new_rows = dict(zip(new_tab.index, new_tab[cols].to_numpy().tolist(), strict=True))
        pos = {c: i for i, c in enumerate(cols)}
        for key, cs in changed_cols.items():
            attrs = [c for c in cs if c != "geometry"]
            o, n = old_rows[key], new_rows[key]
            g = key in geom_changed
            records.append(
                {
                    **base,
                    KEY: key,
                    "op": "change",
                    "old": json.dumps({c: o[pos[c]] for c in attrs}, ensure_ascii=False),
                    "new": json.dumps({c: n[pos[c]] for c in attrs}, ensure_ascii=False),
                    "old_geom": old_g[key] if g else None,
                    "new_geom": new_g[key] if g else None,
                }
            )
    if len(d.removed):
        geoms = _wkb(d.removed.geometry.values) if spatial else [None] * len(d.removed)
        for key, js, g in zip(d.removed[KEY], _json_rows(layer, d.removed), geoms, strict=True):
            records.append({**base, KEY: key, "op": "remove", "old": js, "new": None, "old_geom": g, "new_geom": None})
    return records


def write_diff(
    conn: sa.Connection,
    backend: Backend,
    table: sa.Table,
    changes: sa.Table,
    d: Diff,
    changeset_id: int,
    srid: int | None,
    added_values: bool = True,
) -> None:
    """Apply ``d`` to ``table`` and record it in ``changes`` (inside the caller's transaction)."""
    layer = d.layer
    removed = list(d.removed[KEY])
    for i in range(0, len(removed), CHUNK):
        conn.execute(table.delete().where(table.c[KEY].in_(removed[i : i + CHUNK])))
    if len(d.after):
        after = d.after.copy()
        after[KEY] = after.index
        params = db_records(layer, after.reset_index(drop=True), backend, srid, prefix="p_")
        values = {c: sa.bindparam("p_" + c, type_=table.c[c].type) for c in canonical_names(layer)}
        if layer in GEOMETRY_LAYERS:
            values[GEOM] = sa.bindparam("p_" + GEOM, type_=table.c[GEOM].type)
        stmt = table.update().where(table.c[KEY] == sa.bindparam("p_" + KEY)).values(values)
        conn.execute(stmt, params)
    if len(d.added):
        conn.execute(table.insert(), db_records(layer, d.added, backend, srid))
    records = change_records(d, changeset_id, added_values)
    for rec in records:
        rec["record"] = record_of(rec[KEY])
    for i in range(0, len(records), 5000):
        conn.execute(changes.insert(), records[i : i + 5000])


def with_keys(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A conformed frame with its ``row_key`` column."""
    from .tables import row_keys

    out = frame.copy()
    out[KEY] = pd.Series(row_keys(layer, frame).to_numpy(dtype=object), index=out.index, dtype=object)
    return out
