"""Tải lên danh sách / Upload a list: a new version of one layer, its changes seen before they are kept.

:func:`upload_panel` draws, for a :class:`geo.store.Store`, the upload of one layer's file (XLSX,
CSV, zipped shapefile, GeoPackage, GeoJSON): the layer, the file, who uploads (the signed-in account's
name; "Người cập nhật / Your name" only where the page has no sign-in) and a note. Only roles that upload
(:attr:`geo.access.Access.may_upload`): an officer only its hamlets' rows (an upload that changes another
hamlet's rows is refused, naming their keys: :func:`geo.store.upload.refused_rows`), a clerk (the office)
and an administrator every hamlet's. The file's type and
size (``[limits] max_file_mb`` of the store's settings) are checked before anything of it is read; it
is then written to a temporary folder under its own name (never into the workspace), read and checked
by :func:`geo.store.upload_file` as a dry run against ``base`` (the changeset the page shows), and
the folder is removed.

The page then shows either the refusal (the bilingual message and every problem with its file, sheet,
rows and fix, as the dashboard's problem list shows them) or the diff: the rows added, removed and changed
(old → new per column, with the columns' Vietnamese labels) and the summary per hamlet ("Thôn Nà Pàn:
3 hộ chuyển sang Bàn giao mặt bằng"). "Xác nhận cập nhật / Confirm" commits the same file with the
same base; where someone changed the layer since, the upload is refused naming who, and a merge of
the rows that do not conflict is offered. After the commit the page names the new changeset and the
app reruns: its data are cached under the store's head, so it shows the new state.

Where a header of the file matches no column (a required one missing, or an amount spread over several
lower cells of a two-row header), "Ghép cột / Match the columns" offers, for each of the layer's columns,
the file's headers to choose from; the file is read again with that choice (the preview), and once the
upload is confirmed the choice is kept in the store's settings (``[layers.LAYER.columns]``, a changeset
under the user's name: :func:`geo.store.upload.remember_columns`), so the layer's next upload, here or
with ``python -m geo store upload``, reads the same layout without asking.

Personal data follow a :class:`geo.Disclosure` (:func:`upload_disclosure`: a clerk's account sees
personal values only with ``exports_personal``): household names, per-household amounts, who filed a
grievance and the field reports' notes show only with ``PERSONAL``; otherwise their values read
"đã ẩn / hidden", household ids read as pseudonyms (``ẩn-…``, the same id the same pseudonym), and the
notes of other people's changesets are masked as on the history page. In meeting mode (``PUBLIC``)
there is no upload. :func:`show` is the app's hook.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

import pandas as pd
import streamlit as st

import geo
from geo.access import Access, pseudonym
from geo.canonical import match_columns
from geo.formatting import fmt_datetime, fmt_number
from geo.limits import Limits, mb
from geo.problems import Report
from geo.schema import LAYERS
from geo.store import MergeConflict, StaleUpload, Store, StoreError, Upload, upload_file
from geo.store.accounts import Account
from geo.store.changesets import Diff, display_value
from geo.store.tables import KEY
from geo.store.upload import ColumnChoice, column_choices, refusal_text, refused_rows, store_config

from .history import PERSONAL_COLUMNS, column_label, masker, row_label
from .panels import folded, guard, problem_list
from .text import md

UPLOAD_TYPES = (".xlsx", ".csv", ".zip", ".gpkg", ".geojson")
"""The files a list can be uploaded as: office workbooks, CSV, zipped shapefiles, GeoPackage, GeoJSON."""

HIDDEN = "đã ẩn / hidden"
"""What a personal value reads as below ``Disclosure.PERSONAL``."""

MAX_ROWS = 500
"""Rows of each diff table shown on the page (the counts and the per-hamlet summary cover every row)."""

ID_COLUMNS = {"households": "household_id", "stage_history": "household_id"}
"""Per layer, the household id that reads as a pseudonym below ``Disclosure.PERSONAL`` (in the rows and
their labels)."""

NONE = "— (không có / none) —"
"""The choice of no header for a column in "Ghép cột / Match the columns"."""

DIFF_HEADERS = {
    "row": "Dòng / Row",
    "column": "Cột / Column",
    "old": "Cũ / Old",
    "new": "Mới / New",
}


# --------------------------------------------------------------------------- before reading


def check_file(name: str, size: int, limits: Limits) -> Report:
    """The uploaded file's type (by its extension) and size, before anything of it is read.

    Parameters
    ----------
    name : str
        The file's name as the browser sent it.
    size : int
        Its size in bytes.
    limits : Limits
        The store's reading limits (``[limits] max_file_mb``).

    Returns
    -------
    Report
        An ``unknown_format`` or ``too_large`` error naming the file and what to do; empty where the
        file may be read.

    Example
    -------
    >>> check_file("households.docx", 100, Limits()).errors[0].code
    'unknown_format'
    >>> check_file("households.xlsx", 100, Limits()).ok
    True
    """
    report = Report()
    ext = Path(name).suffix.lower()
    if ext not in UPLOAD_TYPES:
        report.error(
            "unknown_format",
            name,
            f"Không tải lên được tệp “{ext or name}”: chỉ nhận {', '.join(UPLOAD_TYPES)} / "
            f"Cannot upload a “{ext or name}” file: only {', '.join(UPLOAD_TYPES)}",
            "Lưu danh sách thành .xlsx hoặc .csv (bản đồ: .gpkg, .geojson hoặc shapefile nén .zip) rồi tải lại / "
            "Save the list as .xlsx or .csv (maps: .gpkg, .geojson or a zipped shapefile) and upload it again.",
        )
    elif size > limits.max_file_bytes:
        report.error(
            "too_large",
            name,
            f"Kích thước tệp: {mb(size)}, vượt giới hạn {mb(limits.max_file_bytes)} — không đọc / "
            f"The file's size: {mb(size)}, over the limit of {mb(limits.max_file_bytes)} — not read",
            "Kiểm tra đúng tệp chưa; nếu dữ liệu thật sự lớn hơn, nâng giới hạn trong workspace.toml của kho: "
            "[limits] max_file_mb = … / Check it is the right file; if the data really is larger, raise the "
            "limit in the store's workspace.toml: [limits] max_file_mb = …",
        )
    return report


def safe_name(name: str) -> str:
    """The uploaded file's own name, fit for a file on disk (no folders, no control or reserved characters).

    Example
    -------
    >>> safe_name("../../tuần 47/hộ:dân.xlsx")
    'hộ_dân.xlsx'
    """
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r'[\x00-\x1f\x7f<>:"|?*]', "_", base).strip(" .")
    return base or "tep_tai_len"


@contextmanager
def saved_copy(name: str, data: IO[bytes]) -> Iterator[Path]:
    """The upload written to a temporary folder under its own name; the folder is removed afterwards.

    The name is kept so that the changeset records the file the user gave (its name and sha256).
    """
    with tempfile.TemporaryDirectory(prefix="geo-upload-") as folder:
        path = Path(folder) / safe_name(name)
        data.seek(0)
        with path.open("wb") as out:
            shutil.copyfileobj(data, out, 1 << 20)
        yield path


# --------------------------------------------------------------------------- one upload


@dataclass
class Attempt:
    """One dry run or commit of an upload, as the page keeps it between reruns.

    Attributes
    ----------
    file_id, file_name, layer, user, note :
        What was uploaded, by whom, why (the preview holds only while these stay as they were).
    base : int or None
        The changeset the upload was made from; the confirmation commits with the same.
    merge : bool
        Whether the rows that do not conflict are merged into a layer changed since ``base``.
    upload : Upload or None
        The result (refused with its report, or its diff; ``upload.commit.changeset`` once committed).
    stale : StaleUpload or None
        Refused because the layer changed after ``base`` (a merge can then be offered).
    refusal : str or None
        Another refusal's message (a merge that conflicts, a store error).
    columns : tuple of (str, str)
        The columns matched by hand (canonical → the file's header), read with and, once committed,
        remembered.
    """

    file_id: str
    file_name: str
    layer: str
    user: str
    note: str
    base: int | None
    merge: bool = False
    upload: Upload | None = None
    stale: StaleUpload | None = None
    refusal: str | None = None
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> tuple[str, str, str, str, tuple[tuple[str, str], ...]]:
        """What the preview was made of: the file, the layer, who, the note and the columns matched by hand."""
        return (self.file_id, self.layer, self.user, self.note, self.columns)

    @property
    def changeset(self) -> int | None:
        """The new changeset where committed."""
        if self.upload is None or self.upload.commit is None:
            return None
        return self.upload.commit.changeset

    @property
    def can_commit(self) -> bool:
        """A dry run that was accepted and would change something."""
        return (
            self.upload is not None and not self.upload.refused and self.changeset is None and not _empty(self.upload)
        )


def _empty(up: Upload) -> bool:
    return up.diff is None or up.diff.empty


def attempt(
    store: Store,
    layer: str,
    file: IO[bytes],
    name: str,
    file_id: str,
    *,
    user: str,
    note: str,
    base: int | None,
    dry_run: bool,
    merge: bool = False,
    columns: dict[str, str] | None = None,
) -> Attempt:
    """Upload ``file`` (a dry run, or the commit) through :func:`geo.store.upload_file`, refusals caught.

    ``columns``: canonical → header, matched by hand (remembered in the store's settings once committed).
    The file is written to a temporary folder (:func:`saved_copy`) for the reading and removed after.
    """
    result = Attempt(file_id, name, layer, user, note, base, merge, columns=tuple(sorted((columns or {}).items())))
    with saved_copy(name, file) as path:
        try:
            result.upload = upload_file(
                store,
                layer,
                path,
                user=user,
                note=note or None,
                base=base,
                dry_run=dry_run,
                merge=merge,
                columns=columns or None,
            )
        except StaleUpload as exc:
            result.stale = exc
        except (MergeConflict, StoreError) as exc:
            result.refusal = str(exc)
    return result


# --------------------------------------------------------------------------- the diff, for people


def upload_disclosure(disclosure: geo.Disclosure, access: Access | None) -> geo.Disclosure:
    """What an upload's diff may show: the page's disclosure, but for a clerk what its account may put in
    an export (personal values only with ``exports_personal``: :meth:`geo.access.Access.export_disclosure`).

    Example
    -------
    >>> upload_disclosure(geo.Disclosure.INTERNAL, Access("clerk", exports_personal=True)).value
    'personal'
    >>> upload_disclosure(geo.Disclosure.INTERNAL, Access("clerk")).value
    'internal'
    """
    if access is None or disclosure is geo.Disclosure.PUBLIC or access.role != "clerk":
        return disclosure
    return access.export_disclosure(include_personal=True)


def _row_labels(layer: str, keys: pd.Series, disclosure: geo.Disclosure) -> list[str]:
    """The rows' labels (``H1 (P1, thửa 1-1)``); a household id as its pseudonym below ``PERSONAL``."""
    keys = keys.astype(str).reset_index(drop=True)
    if layer in ID_COLUMNS and not disclosure.personal and len(keys):
        parts = keys.str.split("|", n=1, expand=True)
        masked = pseudonym(parts[0])
        keys = masked if parts.shape[1] == 1 else masked + "|" + parts[1].fillna("")
    return [row_label(layer, k) for k in keys]


def _shown(layer: str, column: str, values: list[object], disclosure: geo.Disclosure) -> list[str]:
    """Values of one column as people read them; personal ones hidden (an id pseudonymous) below ``PERSONAL``."""
    if not disclosure.personal and ID_COLUMNS.get(layer) == column:
        return [display_value(layer, column, v) for v in pseudonym(pd.Series(values, dtype=object))]
    if column in PERSONAL_COLUMNS.get(layer, ()) and not disclosure.personal:
        return [HIDDEN] * len(values)
    return [display_value(layer, column, v) for v in values]


def changed_frame(d: Diff, disclosure: geo.Disclosure, limit: int = MAX_ROWS) -> pd.DataFrame:
    """One row per changed value: the row, the column's label, old → new (personal values hidden)."""
    rows = d.changed.head(limit)
    hidden = PERSONAL_COLUMNS.get(d.layer, frozenset()) if not disclosure.personal else frozenset()

    def shown(column: str, value: object, shape: str) -> str:
        if column == "geometry":
            return shape
        return HIDDEN if column in hidden else display_value(d.layer, column, value)

    columns, olds, news = rows["column"].tolist(), rows["old"].tolist(), rows["new"].tolist()
    return pd.DataFrame(
        {
            DIFF_HEADERS["row"]: _row_labels(d.layer, rows[KEY], disclosure),
            DIFF_HEADERS["column"]: ["Hình / shape" if c == "geometry" else column_label(d.layer, c) for c in columns],
            DIFF_HEADERS["old"]: [shown(c, v, "(hình cũ / old shape)") for c, v in zip(columns, olds, strict=True)],
            DIFF_HEADERS["new"]: [shown(c, v, "(hình mới / new shape)") for c, v in zip(columns, news, strict=True)],
        }
    )


def rows_frame(layer: str, rows: pd.DataFrame, disclosure: geo.Disclosure, limit: int = MAX_ROWS) -> pd.DataFrame:
    """Whole rows added or removed, with the columns' labels (personal values hidden, no geometry)."""
    part = rows.head(limit)
    out = {DIFF_HEADERS["row"]: _row_labels(layer, part[KEY], disclosure)}
    for column in (c.name for c in LAYERS[layer].columns):
        if column in part:
            out[column_label(layer, column)] = _shown(layer, column, part[column].tolist(), disclosure)
    return pd.DataFrame(out)


def stale_text(exc: StaleUpload, mask: Callable[[list[str]], list[str]]) -> str:
    """Who changed the layer since the upload's base, when and why (notes masked as ``mask`` says)."""
    users = ", ".join(dict.fromkeys(c["user"] for c in exc.since))
    notes = mask([c["note"] or "" for c in exc.since])
    lines = [
        f"#{c['id']} · {fmt_datetime(c['at'])} · {c['user']}" + (f" · {note}" if note else "")
        for c, note in zip(exc.since, notes, strict=True)
    ]
    label = LAYERS[exc.layer].label if exc.layer in LAYERS else exc.layer
    return (
        f"**{md(label)}** đã được **{md(users)}** cập nhật sau bản #{exc.base} mà bạn dùng để so sánh / "
        f"was changed by **{md(users)}** after changeset #{exc.base}, the one your upload was compared with:\n"
        + "\n".join(f"- {md(line)}" for line in lines)
        + "\n\nGộp các dòng không trùng với các thay đổi đó, hoặc tải lên lại danh sách mới nhất. / Merge the "
        "rows that do not conflict with those changes, or upload the latest list again."
    )


def show_diff(up: Upload, disclosure: geo.Disclosure) -> None:
    """The diff of a dry run: counts, per-hamlet summary, changed values old → new, rows added and removed."""
    d = up.diff
    if d is None:
        return
    if d.empty:
        st.info("Tệp giống danh sách hiện có: không có gì thay đổi / The file matches the current list: no change")
        return
    counts = d.counts
    added, changed, removed = st.columns(3)
    added.metric("Thêm / Added", fmt_number(counts["added"]))
    changed.metric("Sửa / Changed", fmt_number(counts["changed"]))
    removed.metric("Bỏ / Removed", fmt_number(counts["removed"]))
    if up.hamlets:
        st.markdown("**Theo thôn / Per hamlet**\n" + "\n".join(f"- {md(line)}" for line in up.hamlets))
    for title, frame, total in (
        ("Giá trị thay đổi (cũ → mới) / Changed values (old → new)", changed_frame(d, disclosure), len(d.changed)),
        ("Dòng thêm / Rows added", rows_frame(d.layer, d.added, disclosure), len(d.added)),
        ("Dòng bỏ / Rows removed", rows_frame(d.layer, d.removed, disclosure), len(d.removed)),
    ):
        if not total:
            continue
        st.markdown(f"**{title}**")
        st.dataframe(frame, hide_index=True, width="stretch")
        if total > len(frame):
            st.caption(
                f"{fmt_number(len(frame))} dòng đầu trong {fmt_number(total)} / the first {len(frame)} of {total}"
            )
    if not disclosure.personal:
        st.caption(
            "Họ tên, số tiền từng hộ và người gửi đơn được ẩn (đã ẩn / hidden), mã hộ thay bằng mã ẩn (ẩn-…). / "
            "Names, per-household amounts and who filed a grievance are hidden; household ids read as pseudonyms."
        )


def show_refusal(up: Upload) -> None:
    """A refused file: the bilingual message, then every problem with its file, rows and fix."""
    errors = up.report.errors
    st.error(
        f"**Tệp {md(up.file.name)} bị từ chối, kho dữ liệu không thay đổi / The file was refused; the store is "
        f"unchanged** — {fmt_number(len(errors))} lỗi / errors. Sửa tệp rồi tải lên lại. / Fix the file and upload "
        "it again.",
        icon=":material/block:",
    )
    problem_list(errors)
    if up.report.warnings:
        with st.expander(f"{len(up.report.warnings)} cảnh báo / warnings"):
            problem_list(up.report.warnings)


# --------------------------------------------------------------------------- matching the columns by hand


def choices(store: Store, layer: str, file: IO[bytes], name: str, columns: dict[str, str]) -> ColumnChoice:
    """The file's headers and what they match (:func:`geo.store.upload.column_choices`), read from a
    temporary copy removed afterwards."""
    with saved_copy(name, file) as path:
        return column_choices(store, layer, path, columns)


def column_label_of(layer: str, name: str, required: bool) -> str:
    """A column's label in "Ghép cột / Match the columns": ``Mã hộ (household_id) — bắt buộc / required``."""
    label = f"{column_label(layer, name)} ({name})"
    return label + (" — bắt buộc / required" if required else "")


def column_form(choice: ColumnChoice, automatic: dict[str, str], key: str) -> dict[str, str] | None:
    """One choice of the file's headers for each column of the layer (required first); the columns chosen
    by hand (those automatic matching does not give) once the form is sent, else None."""
    layer = choice.layer
    shown = ", ".join(f"“{h}”" for h in choice.headers[:60]) or "(không có / none)"
    with st.form(f"{key}_columns_form", border=True):
        st.markdown(
            "**Ghép cột / Match the columns** — chọn cột của tệp ứng với từng cột; với tiêu đề hai dòng, chọn "
            "cột ghi tổng (ví dụ “… – Tổng”). Cách ghép được ghi nhớ cho lần tải lên sau của lớp này. / Choose "
            "the file's header for each column; under a two-row header, the one that holds the total. The "
            "choice is remembered for this layer's next upload."
        )
        st.caption(f"Các cột có trong tệp / The file's headers: {md(shown)}")
        if choice.missing:
            missing = ", ".join(column_label_of(layer, c, True) for c in choice.missing)
            st.caption(f"Chưa tìm thấy / Not found: {md(missing)}")
        options = [NONE, *choice.headers]
        picks: dict[str, str] = {}
        for name in [*choice.required, *choice.optional]:
            current = choice.matched.get(name)
            picks[name] = st.selectbox(
                column_label_of(layer, name, name in choice.required),
                options,
                index=options.index(current) if current in options else 0,
                key=f"{key}_column_{name}",
            )
        sent = st.form_submit_button("Đọc lại với cách ghép này / Read the file again with these columns")
    if not sent:
        return None
    return {name: header for name, header in picks.items() if header != NONE and automatic.get(name) != header}


def _matching(state, key: str, file_id: str, layer: str) -> dict[str, str]:
    """The columns matched by hand for this file and layer (none for another file or layer)."""
    kept = state.get(f"{key}_columns")
    return dict(kept["columns"]) if kept and kept["file"] == file_id and kept["layer"] == layer else {}


# --------------------------------------------------------------------------- the page


def _server_limit_mb() -> int:
    """Streamlit's own limit on an upload (``server.maxUploadSize``, MB)."""
    from streamlit import config

    return int(config.get_option("server.maxUploadSize") or 200)


def _widget_limit(limits: Limits) -> int:
    """The file widget's limit in whole MB: the store's ``max_file_mb`` rounded up, within Streamlit's."""
    return max(1, min(_server_limit_mb(), math.ceil(limits.max_file_mb)))


def upload_panel(
    store: Store,
    base: int | None,
    disclosure: geo.Disclosure,
    key: str = "upload",
    account: Account | None = None,
    ws: geo.Workspace | None = None,
) -> None:
    """Draw the upload page for ``store`` (see the module); ``base``: the changeset the page shows.

    ``account``: the signed-in account (its name is the uploader's; only roles that upload: officer, clerk, admin);
    ``ws``: the workspace the page shows, which tells an officer's rows from other hamlets'.
    """
    st.subheader("Tải lên danh sách / Upload a list")
    if disclosure is geo.Disclosure.PUBLIC:
        st.caption("Chế độ họp: không tải lên danh sách. / Meeting mode: no uploads.")
        return
    access = None if account is None else account.access
    if access is not None and not access.may_upload:
        st.caption(
            f"Vai trò {md(access.label)} không tải lên danh sách. / This role does not upload lists.",
        )
        return
    disclosure = upload_disclosure(disclosure, access)  # a clerk: personal values only with exports_personal
    state = st.session_state
    done = state.pop(f"{key}_done", None)
    if done is not None:
        kept = done.get("remembered")
        st.success(
            f"Đã lưu thay đổi #{done['changeset']} ({md(done['layer'])}, bởi {md(done['user'])}); bảng điều khiển "
            f"đã đọc lại dữ liệu. / Saved as changeset #{done['changeset']}; the dashboard shows it now."
            + (
                f" Cách ghép cột được ghi nhớ cho lần sau (thay đổi #{kept}). / The columns matched are "
                f"remembered for next time (changeset #{kept})."
                if kept
                else ""
            ),
            icon=":material/check_circle:",
        )
    generation = state.setdefault(f"{key}_generation", 0)
    limits = store_config(store).limits
    names = list(LAYERS)
    layer = st.selectbox(
        "Lớp dữ liệu / Layer",
        names,
        index=names.index("households"),
        format_func=lambda n: f"{LAYERS[n].label} ({n})",
        key=f"{key}_layer",
    )
    file = st.file_uploader(
        "Tệp danh sách / The list's file",
        key=f"{key}_file_{generation}",
        max_upload_size=_widget_limit(limits),
        help=f"{', '.join(UPLOAD_TYPES)} — tối đa / at most {mb(min(limits.max_file_mb, _server_limit_mb()) * 1e6)}",
    )
    if account is None:
        user = st.text_input("Người cập nhật / Your name", key=f"{key}_user").strip()
    else:
        user = account.name
        st.caption(f"Người cập nhật / Uploaded by: {md(user)}")
    note = st.text_input("Ghi chú / Note", key=f"{key}_note_{generation}", placeholder="Tuần 47").strip()
    if file is None:
        st.caption(
            f"Chọn tệp: {', '.join(UPLOAD_TYPES)}. Bảng điều khiển so sánh với bản #{base} trước khi lưu. / "
            f"Choose a file; it is compared with changeset #{base} before anything is saved."
        )
        state.pop(f"{key}_attempt", None)
        return
    checked = check_file(file.name, file.size, limits)
    if not checked.ok:  # refused before a byte of it is read or written
        st.error(
            f"**Tệp {md(file.name)} bị từ chối, kho dữ liệu không thay đổi / The file was refused; the store is "
            "unchanged**",
            icon=":material/block:",
        )
        problem_list(checked.errors)
        return
    if not user:
        st.caption("Nhập tên người cập nhật để xem trước thay đổi. / Enter your name to preview the changes.")
    previous: Attempt | None = state.get(f"{key}_attempt")
    columns = _matching(state, key, file.file_id, layer)
    current = (file.file_id, layer, user, note, tuple(sorted(columns.items())))
    if previous is not None and previous.key != current:
        previous = None
    # this file, this user, the columns matched by hand
    run = partial(attempt, store, layer, file, file.name, file.file_id, user=user, note=note, columns=columns)
    if st.button("Xem trước thay đổi / Preview the changes", key=f"{key}_preview", disabled=not user):
        previous = run(base=base, dry_run=True)
    if previous is None:
        state.pop(f"{key}_attempt", None)
        return
    state[f"{key}_attempt"] = previous
    if previous.stale is not None:
        st.warning(stale_text(previous.stale, masker(store, disclosure)), icon=":material/group:")
        if st.button("Gộp các dòng không trùng / Merge the rows that do not conflict", key=f"{key}_merge"):
            previous = run(base=previous.base, dry_run=True, merge=True)
            state[f"{key}_attempt"] = previous
            st.rerun()
        return
    if previous.refusal is not None:
        st.error(md(previous.refusal), icon=":material/block:")
        return
    up = previous.upload
    if up is None:
        return
    if up.refused:
        show_refusal(up)
        if up.report.has("missing_column"):  # a header no name or alias matches: the user matches it
            _match_by_hand(store, layer, file, columns, key, previous)
        return
    if access is not None and up.diff is not None:
        refused = refused_rows(up.diff, access, ws)  # the library's rule: an officer only its hamlets' rows
        if refused:
            st.error(md(refusal_text(refused, up.rows)), icon=":material/block:")
            return
    if previous.merge:
        st.info(
            f"Đã gộp với các thay đổi sau bản #{previous.base} / Merged with the changes made since "
            f"#{previous.base}: chỉ các dòng bạn sửa được áp dụng / only the rows you changed apply."
        )
    show_diff(up, disclosure)
    if up.report.warnings:
        with st.expander(f"{len(up.report.warnings)} cảnh báo / warnings"):
            problem_list(up.report.warnings)
    if columns:
        shown = ", ".join(f"{column_label(layer, c)} = “{h}”" for c, h in columns.items())
        st.caption(
            f"Cột ghép bằng tay / Columns matched by hand: {md(shown)} — ghi nhớ khi xác nhận / remembered once "
            "confirmed."
        )
    if file.name.lower().endswith((".xlsx", ".csv")) and st.toggle(
        "Ghép cột bằng tay / Match the columns by hand", key=f"{key}_by_hand", value=bool(columns)
    ):  # e.g. an amount spread over several lower cells of a two-row header: the total's column
        _match_by_hand(store, layer, file, columns, key, previous)
    if not previous.can_commit:
        return
    if st.button("Xác nhận cập nhật / Confirm the upload", key=f"{key}_confirm", type="primary"):
        final = run(base=previous.base, dry_run=False, merge=previous.merge)
        if final.changeset is None:  # refused at the last moment (someone changed the layer): say why
            state[f"{key}_attempt"] = final
            st.rerun()
        remembered = final.upload.remembered if final.upload is not None else None
        state[f"{key}_done"] = {"changeset": final.changeset, "layer": layer, "user": user, "remembered": remembered}
        state.pop(f"{key}_columns", None)
        state[f"{key}_generation"] = generation + 1  # a fresh file widget and note
        state.pop(f"{key}_attempt", None)
        st.rerun()  # the app reads the new head: its data are cached under it


def _match_by_hand(store: Store, layer: str, file, columns: dict[str, str], key: str, previous: Attempt) -> None:
    """The "Ghép cột / Match the columns" form; once sent, the file is read again with the columns chosen."""
    choice = choices(store, layer, file, file.name, columns)
    if not choice.headers:
        return
    automatic = match_columns(LAYERS[layer], choice.headers, store_config(store).layer(layer).columns)
    chosen = column_form(choice, automatic, key)
    if chosen is None:
        return
    st.session_state[f"{key}_columns"] = {"file": file.file_id, "layer": layer, "columns": chosen}
    st.session_state[f"{key}_attempt"] = attempt(
        store,
        layer,
        file,
        file.name,
        file.file_id,
        user=previous.user,
        note=previous.note,
        base=previous.base,
        dry_run=True,
        columns=chosen,
    )
    st.rerun()


SECTION_KEY = "open_upload"
"""Session key: whether the upload section is open (:func:`dashboard.panels.folded`)."""


def show(
    store: Store,
    base: int | None,
    disclosure: geo.Disclosure,
    account: Account | None = None,
    ws: geo.Workspace | None = None,
) -> None:
    """The app's hook: the upload page for ``store`` (the one the app opened), in a folded section
    (:func:`dashboard.panels.folded`), under a guard."""
    with guard(("tải lên danh sách", "the upload page")):
        box = folded("Tải lên danh sách / Upload a list", SECTION_KEY, ":material/upload_file:")
        if box is not None:
            with box:
                upload_panel(store, base, disclosure, account=account, ws=ws)
