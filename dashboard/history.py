"""Lịch sử thay đổi / History: a store's changesets and one record's history, read-only.

:func:`history_panel` draws, for a :class:`geo.store.Store`, the list of changesets (newest first:
number, who, when in Vietnam time, note, kind, file, and per layer the rows added, changed and
removed; one layer's changesets on demand) and, on demand, one record's history ("DT-0001 (DA-DT242,
thửa 06424-6-71): Phê duyệt phương án → Bàn giao mặt bằng, 12/11/2026, bởi …"). What it shows follows a
:class:`geo.Disclosure`: in meeting mode (``PUBLIC``) no record can be looked up and the notes have
names, household ids, grievance numbers and amounts masked; ``INTERNAL`` looks records up but hides
names, amounts and who filed a grievance; ``PERSONAL`` shows everything. :func:`show` is the app's hook:
it is given the store the app opened (``dashboard.data.open_store``, from the address as given, with
its password where it has one), never one reopened from the printable ``ws.source.location``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pandas as pd
import streamlit as st

import geo
from geo.disclosure import scrub
from geo.formatting import fmt_date, fmt_datetime, fmt_number, is_missing
from geo.schema import LAYERS
from geo.store import Store

from .text import md

KIND_LABELS = {
    "import": "Nhập thư mục / import",
    "upload": "Tải danh sách / upload",
    "edit": "Sửa bản ghi / edit",
    "rollback": "Khôi phục / rollback",
}
"""The kinds of change, as the page names them."""

RECORD_LAYERS = ("households", "grievances", "parcels", "hamlets", "projects")
"""Where a record id is looked up, in this order (a household id, a grievance number, a parcel id …)."""

PERSONAL_COLUMNS = {
    "households": frozenset({"household_name", "compensation_vnd"}),
    "grievances": frozenset({"household_id", "lon", "lat"}),
    "field_reports": frozenset({"note"}),
}
"""Columns whose values only ``Disclosure.PERSONAL`` shows: names, per-household amounts, who filed."""

HIDDEN = "[đã ẩn]"
LEAD_COLUMNS: dict[str, tuple[str, str]] = {
    "households": ("stage", "stage_date"),
    "grievances": ("status", "resolved_date"),
}
"""Per layer, the column whose move a record's history puts first, and the date that goes with it."""

HEADERS = {
    "id": "Số / No.",
    "user": "Người thực hiện / By",
    "at": "Thời điểm / When",
    "note": "Ghi chú / Note",
    "kind": "Loại / Kind",
    "layers": "Lớp: thêm, sửa, xóa / Layers: added, changed, removed",
    "added": "Thêm / Added",
    "changed": "Sửa / Changed",
    "removed": "Xóa / Removed",
    "source": "Tệp / File",
}


def layer_counts(layers: dict[str, dict[str, int]]) -> str:
    """Per layer, the rows added, changed and removed (zeros left out), in Vietnamese.

    Example
    -------
    >>> layer_counts({"grievances": {"added": 11, "changed": 13, "removed": 0}})
    'Đơn thư: thêm 11, sửa 13'
    """
    parts = []
    for name, counts in layers.items():
        said = [
            f"{word} {fmt_number(counts[key])}"
            for key, word in (("added", "thêm"), ("changed", "sửa"), ("removed", "xóa"))
            if counts.get(key)
        ]
        if said:
            parts.append(f"{LAYERS[name].label if name in LAYERS else name}: {', '.join(said)}")
    return "; ".join(parts)


def kind_label(changeset: dict) -> str:
    """The kind of a changeset, naming what a rollback restored."""
    label = KIND_LABELS.get(changeset["kind"], changeset["kind"])
    if changeset["kind"] == "rollback" and changeset.get("restores") is not None:
        label += f" #{changeset['restores']}"
    return label


def masker(store: Store, disclosure: geo.Disclosure) -> Callable[[list[str]], list[str]]:
    """What free text (notes, file names) may show: as it is (PERSONAL), else with the store's household
    names and ids, grievance numbers and money amounts masked."""
    if disclosure.personal:
        return lambda texts: texts

    def layer(name: str, columns: list[str]) -> pd.DataFrame:  # only the layers that hold the terms
        return store.layer(name) if store.present.get(name) is not None else pd.DataFrame(columns=columns)

    households = layer("households", ["household_id", "household_name"])
    grievances = layer("grievances", ["grievance_id"])

    def terms(series: pd.Series, shortest: int) -> list[str]:
        found = {str(v).strip() for v in series.dropna()}
        return sorted((t for t in found if len(t) >= shortest), key=len, reverse=True)

    names = terms(households["household_name"], 4)
    ids = terms(households["household_id"], 2)
    numbers = terms(grievances["grievance_id"], 2)

    def mask(texts: list[str]) -> list[str]:
        joined = "\x00".join(texts)  # one pass over every text: the patterns are built once
        joined = scrub(joined, numbers, replacement="[số đơn đã ẩn]")
        return scrub(joined, names, ids=ids, amounts=True).split("\x00")

    return mask


def changeset_frame(changesets: list[dict], mask: Callable[[list[str]], list[str]] | None = None) -> pd.DataFrame:
    """The changesets as the page's table, newest first, with Vietnamese headers."""
    rows = []
    for c in reversed(changesets):
        totals = {key: sum(n.get(key, 0) for n in c["layers"].values()) for key in ("added", "changed", "removed")}
        rows.append(
            {
                HEADERS["id"]: c["id"],
                HEADERS["at"]: fmt_datetime(c["at"]),
                HEADERS["user"]: c["user"],
                HEADERS["note"]: c["note"] or "",
                HEADERS["kind"]: kind_label(c),
                HEADERS["layers"]: layer_counts(c["layers"]),
                HEADERS["added"]: totals["added"],
                HEADERS["changed"]: totals["changed"],
                HEADERS["removed"]: totals["removed"],
                HEADERS["source"]: c.get("source_name") or "",
            }
        )
    order = ("id", "at", "user", "note", "kind", "layers", "added", "changed", "removed", "source")
    frame = pd.DataFrame(rows, columns=[HEADERS[k] for k in order])
    if mask is not None and len(frame):
        for col in (HEADERS["note"], HEADERS["source"]):
            frame[col] = mask(frame[col].tolist())
    return frame


def _value(layer: str, column: str, value: object, disclosure: geo.Disclosure) -> str:
    """One stored value as a person reads it: labels for codes, day-first dates, Vietnamese numbers."""
    if column in PERSONAL_COLUMNS.get(layer, ()) and not disclosure.personal:
        return HIDDEN
    if is_missing(value) or value == "":
        return "(trống)"
    try:
        col = LAYERS[layer].column(column)
    except KeyError:
        return str(value)
    if col.enum is not None:
        return col.enum.label(str(value))
    if col.type == "date":
        return fmt_date(value)
    if col.type in ("int", "float"):
        number = float(cast(float, value))
        return fmt_number(number, 0 if number.is_integer() else 2)
    return str(value)


def column_label(layer: str, column: str) -> str:
    """A column's Vietnamese label (its name where the contract has none)."""
    try:
        return LAYERS[layer].column(column).label or column
    except KeyError:
        return column


def row_label(layer: str, row_key: str, record: str = "") -> str:
    """``DT-0001 (DA-DT242, thửa 06424-6-71)`` for a household row; the id for the others."""
    parts = row_key.split("|")
    if layer == "households" and len(parts) == 3:
        return f"{parts[0]} ({parts[1]}, thửa {parts[2]})"
    return parts[0] if parts else record


def record_lines(events: list[dict], layer: str, disclosure: geo.Disclosure) -> list[str]:
    """One sentence per change of a record, oldest first: what moved, when, by whom, in which changeset.

    Example
    -------
    A household's stage moving on reads ``"DT-0001 (DA-DT242, thửa 06424-6-71): Phê duyệt phương án →
    Bàn giao mặt bằng, 12/11/2026, bởi Hà Thị Thu Trang (#14, 13/11/2026 16:05)"``.
    """
    lead, lead_date = LEAD_COLUMNS.get(layer, ("", ""))  # "": no lead column
    lines = []
    for e in events:
        old, new = e.get("old") or {}, e.get("new") or {}
        said: list[str] = []
        if e["op"] == "change":
            if lead in new:
                move = (
                    f"{_value(layer, lead, old.get(lead), disclosure)} → {_value(layer, lead, new[lead], disclosure)}"
                )
                if lead_date in new and not is_missing(new[lead_date]):
                    move += f", {fmt_date(new[lead_date])}"
                said.append(move)
            for column, value in new.items():
                if column == lead or (column == lead_date and lead in new):
                    continue
                said.append(
                    f"{column_label(layer, column)}: {_value(layer, column, old.get(column), disclosure)} → "
                    f"{_value(layer, column, value, disclosure)}"
                )
            if e.get("geometry_changed"):
                said.append("hình dạng thay đổi / shape changed")
        elif e["op"] == "add":
            where = {
                "import": "có trong lần nhập dữ liệu / in the first import",
                "rollback": "khôi phục / restored",
            }.get(e["kind"], "thêm / added")
            if lead in new and not is_missing(new[lead]):
                where += f": {_value(layer, lead, new[lead], disclosure)}"
                if lead_date in new and not is_missing(new[lead_date]):
                    where += f", {fmt_date(new[lead_date])}"
            said.append(where)
        else:
            said.append("xóa khỏi danh sách / removed")
        who = f"bởi {e['user']} (#{e['changeset']}, {fmt_datetime(e['at'])})"
        lines.append(f"{row_label(layer, e['row_key'], e.get('record', ''))}: {'; '.join(said)}, {who}")
    return lines


def find_record(store: Store, record: str) -> tuple[str | None, list[dict]]:
    """The first layer of :data:`RECORD_LAYERS` where ``record`` has a history, and its events."""
    for layer in RECORD_LAYERS:
        if store.present.get(layer) is None:
            continue
        events = store.history(layer=layer, record=record)
        if events:
            return layer, events
    return None, []


def history_panel(store: Store, disclosure: geo.Disclosure, key: str = "history") -> None:
    """Draw the store's history: its changesets, and one record's history on demand (see the module)."""
    st.subheader("Lịch sử thay đổi / History")
    names = [n for n in LAYERS if store.present.get(n) is not None]
    options = ["", *names]
    layer = st.selectbox(
        "Lớp / Layer",
        options,
        format_func=lambda n: "Tất cả các lớp / every layer" if not n else f"{LAYERS[n].label} ({n})",
        key=f"{key}_layer",
    )
    changesets = store.history(layer=layer or None)
    st.caption(
        f"{fmt_number(len(changesets))} lần thay đổi, mới nhất trước; giờ Việt Nam (UTC+7) / "
        f"{len(changesets)} changesets, newest first; Vietnam time"
    )
    st.dataframe(
        changeset_frame(changesets, None if disclosure.personal else masker(store, disclosure)),
        hide_index=True,
        width="stretch",
    )
    st.markdown("**Lịch sử một bản ghi / One record's history**")
    if disclosure is geo.Disclosure.PUBLIC:
        st.caption(
            "Chế độ họp: không tra cứu lịch sử từng hộ, từng đơn (thông tin cá nhân). / "
            "Meeting mode: no record's history (personal data)."
        )
        return
    record = st.text_input(
        "Mã hộ hoặc số đơn / Household id or grievance number",
        key=f"{key}_record",
        placeholder="DT-0001",
    ).strip()
    if not record:
        return
    found, events = find_record(store, record)
    if found is None:
        st.info(f"Không có lịch sử của “{md(record)}” / no history for this id")
        return
    st.caption(f"{LAYERS[found].label} ({found})")
    st.markdown("\n".join(f"- {md(line)}" for line in record_lines(events, found, disclosure)))


SECTION_KEY = "open_history"
"""Session key: whether the history section is open (:func:`dashboard.panels.folded`)."""


def show(store: Store, disclosure: geo.Disclosure) -> None:
    """The app's hook: the history of ``store`` (the one the app opened), in a folded section
    (:func:`dashboard.panels.folded`), under the page's guard."""
    from .panels import folded, guard

    with guard(("hiện lịch sử thay đổi", "the history")):
        box = folded("Lịch sử thay đổi / History", SECTION_KEY, ":material/history:")
        if box is not None:
            with box:
                history_panel(store, disclosure)
