"""Download buttons: map snapshot, per-hamlet table and the weekly/monthly report.

Each file is made by :mod:`geo.exports` from the selection on screen, only
when its button is clicked (Streamlit calls the function then), so the page
never pays for files nobody asked for. By default nothing here carries
personal data: the exports leave names and per-household amounts out.

On a store (an account is signed in) every file asked for is one row of the store's audit trail
(:func:`audited`): the account, action ``download``, the file's name (it carries the selection), its
format, whether it carried personal data and its sha256 — or, for a file that could not be made or
that the account may not have, outcome ``refused`` and a message on the page (never a traceback).
An account whose exports may carry personal data (:meth:`geo.access.Access.export_disclosure`:
admin, inspector, an officer for its hamlets, a clerk allowed ``exports_personal``) gets an opt-in
toggle, never in meeting mode; with it on, the Word reports and the interactive map are made from
:func:`geo.access.for_export` with :attr:`geo.Disclosure.PERSONAL`, as ``--include-personal`` does
on the command line. A folder workspace (no sign-in, no store) keeps the plain buttons, unaudited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING

import streamlit as st

import geo
from geo import exports
from geo.access import for_export
from geo.outputs import export_stem
from geo.selection import Selection
from geo.store.audit import record

from .text import md

if TYPE_CHECKING:
    from geo.store import Store
    from geo.store.accounts import Account

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PERSONAL_TOGGLE = "dl_personal"
"""The session key of the opt-in “Kèm thông tin cá nhân” toggle."""

FAILED = "dl_failed"
"""The session key of the messages of files that could not be made (shown on the next run)."""


class DownloadRefused(Exception):
    """A file that was not made: its message is for people (Vietnamese / English)."""


def file_stem(ws: geo.Workspace, sel: Selection) -> str:
    """``<project or 'tat_ca_du_an'>[_thon_…][_buoc_…][_dat_…]_<dd-mm-yyyy>``: every filter, safe to save.

    See :func:`geo.outputs.export_stem`: a hamlet's report never overwrites its
    project's, and an id such as ``DA-CCN/../../x`` cannot leave the download folder.
    """
    return export_stem(sel)


def file_format(name: str) -> str:
    """A file's format as the audit names it: its extension, lower case, without the dot (``docx``)."""
    return PurePath(name).suffix.lower().lstrip(".")


def audited(
    store: Store,
    user: str,
    name: str,
    make: Callable[[], bytes],
    personal: bool = False,
    allowed: bool = True,
    failed: list[str] | None = None,
) -> Callable[[], bytes]:
    """``make`` as a download's data: when called (on click), the file is made and one audit row kept.

    Parameters
    ----------
    store : Store
        Where the audit row goes.
    user : str
        The signed-in account's name.
    name : str
        The file's name (it carries the selection); its extension is the row's format.
    make : callable
        Makes the file's bytes.
    personal : bool
        The file carries personal data.
    allowed : bool
        Whether the account may have this file; if not, nothing is made and the attempt is recorded.
    failed : list of str, optional
        Where a refusal's message goes (the page shows it on its next run).

    Returns
    -------
    callable
        For ``st.download_button(data=…)``: the bytes (row ``done`` with their sha256), or
        :class:`DownloadRefused` (row ``refused``, no sha256) where the file could not be made or
        the account may not have it.
    """

    def refuse(message: str) -> DownloadRefused:
        record(store, user, "download", what=name, format=file_format(name), personal=personal, outcome="refused")
        if failed is not None:
            failed.append(message)
        return DownloadRefused(message)

    def data() -> bytes:
        if not allowed:
            raise refuse(
                f"Tài khoản không được tải tệp {name} có thông tin cá nhân; lần thử đã được ghi nhật ký. / This "
                "account may not download personal data; the attempt was logged."
            )
        try:
            content = make()
        except Exception as exc:  # noqa: BLE001 — any failure: a message and an audit row, never a traceback
            raise refuse(
                f"Không tạo được tệp {name}; lần thử đã được ghi nhật ký. Thử lại, hoặc báo quản trị nếu lặp lại. / "
                "Could not make the file; the attempt was logged. Try again, or tell the administrator if it "
                "happens again."
            ) from exc
        record(
            store,
            user,
            "download",
            what=name,
            format=file_format(name),
            personal=personal,
            sha256=hashlib.sha256(content).hexdigest(),
        )
        return content

    return data


def file_data(
    name: str, make: Callable[[], bytes], store: Store | None, account: Account | None
) -> Callable[[], bytes]:
    """A download's data anywhere on the page: :func:`audited` on a store (an account signed in), else ``make``.

    Every download button of the page goes through here or :func:`panel`, so none escapes the audit.
    """
    if store is None or account is None:
        return make
    return audited(store, account.name, name, make, failed=st.session_state.setdefault(FAILED, []))


def _button(label: str, make: Callable[[], bytes], name: str, mime: str, key: str, primary: bool = False) -> None:
    st.download_button(
        label,
        data=make,
        file_name=name,
        mime=mime,
        key=key,
        on_click="ignore",
        type="primary" if primary else "secondary",
        width="stretch",
    )


def personal_toggle(account: Account | None, meeting: bool) -> bool:
    """The opt-in toggle for personal data in the reports and the interactive map, where the account may
    have them (never in meeting mode); whether it is on. Elsewhere a caption says what the files leave out."""
    may = account is not None and account.access.export_disclosure(True) is geo.Disclosure.PERSONAL
    if not may or meeting:
        st.caption("Không kèm họ tên hay số tiền từng hộ / No names or per-household amounts.")
        return False
    on = st.toggle(
        "Kèm thông tin cá nhân (được ghi nhật ký) / Include personal data (logged)",
        key=PERSONAL_TOGGLE,
        help="Báo cáo Word và bản đồ tương tác kèm họ tên, mã hộ và số tiền từng hộ mà tài khoản được xem; mỗi lần "
        "tải được ghi vào nhật ký. / The Word reports and the interactive map carry the households' names, ids and "
        "amounts this account may see; every download is logged.",
    )
    if on:
        st.caption(
            "Báo cáo Word và bản đồ tương tác có thông tin cá nhân: giữ kín, không chuyển tiếp. / The Word reports "
            "and the interactive map carry personal data: keep them confidential."
        )
    else:
        st.caption("Không kèm họ tên hay số tiền từng hộ / No names or per-household amounts.")
    return bool(on)


def panel(
    ws: geo.Workspace,
    sel: Selection,
    store: Store | None = None,
    account: Account | None = None,
    whole: Callable[[], geo.Workspace] | None = None,
    meeting: bool = False,
) -> None:
    """The export buttons for ``sel`` (shown in the sidebar).

    ``ws``: the workspace the page shows. On a store, ``store`` and the signed-in ``account``: every
    download is audited; ``whole``: the store's workspace as a whole, from which
    :func:`geo.access.for_export` makes a file with personal data where the account asks for it
    (``meeting``: never).
    """
    stem = file_stem(ws, sel)
    st.subheader("Xuất báo cáo / Export")
    audit = store is not None and account is not None
    failed: list[str] = st.session_state.setdefault(FAILED, []) if audit else []
    while failed:  # a file of an earlier click that could not be made: said once, here
        st.error(md(failed.pop(0)), icon=":material/block:")
    include = audit and personal_toggle(account, meeting)
    if not audit:
        st.caption("Không kèm họ tên hay số tiền từng hộ / No names or per-household amounts.")

    def personal_file(make: Callable[[geo.Workspace, geo.Disclosure], bytes]) -> Callable[[], bytes]:
        """A file made from the workspace :func:`~geo.access.for_export` gives the account, as PERSONAL."""

        def made() -> bytes:
            assert account is not None and whole is not None
            data, disclosure = for_export(whole(), account.access, include_personal=True)
            if disclosure is not geo.Disclosure.PERSONAL:  # checked again where the file is made
                raise DownloadRefused("personal data not allowed")
            return make(data, disclosure)

        return made

    allowed = (
        include
        and account is not None
        and whole is not None
        and account.access.export_disclosure(True) is geo.Disclosure.PERSONAL
    )

    def button(
        label: str,
        make: Callable[[], bytes],
        name: str,
        mime: str,
        key: str,
        primary: bool = False,
        personal: Callable[[], bytes] | None = None,
    ) -> None:
        if audit:
            assert store is not None and account is not None
            carries = include and personal is not None
            data = personal if carries and personal is not None else make
            make = audited(
                store, account.name, name, data, personal=carries, allowed=allowed or not carries, failed=failed
            )
        _button(label, make, name, mime, key, primary)

    button(
        "Báo cáo tuần (Word) / Weekly report",
        lambda: exports.report_docx(ws, sel, "week"),
        f"bao_cao_tuan_{stem}.docx",
        DOCX,
        "dl_report_week",
        primary=True,
        personal=personal_file(lambda w, d: exports.report_docx(w, sel, "week", d)),
    )
    button(
        "Báo cáo tháng (Word) / Monthly report",
        lambda: exports.report_docx(ws, sel, "month"),
        f"bao_cao_thang_{stem}.docx",
        DOCX,
        "dl_report_month",
        personal=personal_file(lambda w, d: exports.report_docx(w, sel, "month", d)),
    )
    button(
        "Bảng tổng hợp (Excel) / Summary",
        lambda: exports.summary_xlsx(ws, sel),
        f"tong_hop_theo_thon_{stem}.xlsx",
        XLSX,
        "dl_xlsx",
    )
    button(
        "Ảnh bản đồ (PNG, 300 dpi) / Map image",
        lambda: exports.snapshot_png(ws, sel),
        f"ban_do_{stem}.png",
        "image/png",
        "dl_png",
    )
    button(
        "Bản đồ (PDF, A4) / Map PDF",
        lambda: exports.snapshot_pdf(ws, sel),
        f"ban_do_{stem}.pdf",
        "application/pdf",
        "dl_pdf",
    )
    button(
        "Bản đồ tương tác (HTML, xem offline) / Interactive map",
        lambda: exports.snapshot_html(ws, sel),
        f"ban_do_{stem}.html",
        "text/html",
        "dl_html",
        personal=personal_file(lambda w, d: exports.snapshot_html(w, sel, d)),
    )
