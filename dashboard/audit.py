"""Nhật ký truy cập / Audit trail: the store's audit for its administrator (issue 16).

:func:`audit_panel` reads the store's audit trail (:func:`geo.store.audit.read_audit`): every sign-in
and failed sign-in, changeset, account change, export and download, attempts too. Filters: one user
and a first day (day-first, from midnight Vietnam time); newest first, with the moment in Vietnam
time (``dd/mm/yyyy HH:MM``), the action in Vietnamese, the file's format, whether it carried personal
data, its sha256 (shortened on screen) and the outcome. The filtered rows download as CSV (that
download is itself audited, :func:`dashboard.downloads.audited`). :func:`show` is the app's hook:
only an account whose :attr:`geo.access.Access.sees_audit` (the administrator) gets the section.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from geo.formatting import VN_TIME, fmt_date, fmt_datetime, fmt_number
from geo.outputs import safe_filename, spreadsheet_safe
from geo.store.audit import ACTIONS, AuditEvent, read_audit

from .downloads import FAILED, audited

if TYPE_CHECKING:
    from geo.store import Store
    from geo.store.accounts import Account

HEADERS = {
    "at": "Thời điểm / Time",
    "user": "Người dùng / User",
    "action": "Hành động / Action",
    "what": "Nội dung / What",
    "format": "Định dạng / Format",
    "personal": "Có dữ liệu cá nhân / Personal data",
    "sha256": "sha256",
    "outcome": "Kết quả / Outcome",
}
"""The audit's columns on screen and in the CSV (Vietnamese / English)."""

OUTCOME_LABELS = {"done": "đã làm / done", "refused": "bị từ chối / refused"}

SHORT = 12
"""How many hex digits of a sha256 the screen shows (the CSV has all 64)."""


def action_label(action: str) -> str:
    """``tải xuống / download``: the action's Vietnamese label first (the raw name where it has none)."""
    label = ACTIONS.get(action)
    return f"{label} / {action}" if label else action


def since_moment(day: date) -> datetime:
    """The first moment of ``day`` in Vietnam time (the times on screen are Vietnam's)."""
    return datetime.combine(day, time(0, 0), tzinfo=VN_TIME)


def audit_frame(events: list[AuditEvent], short: bool = True) -> pd.DataFrame:
    """The rows newest first, as the page shows them (``short``: the sha256 cut to :data:`SHORT` digits)."""
    rows = list(reversed(events))

    def digest(value: str | None) -> str:
        if not value:
            return ""
        return value[:SHORT] + "…" if short else value

    what = [" · ".join(b for b in (e.what, e.layer) if b) for e in rows]
    return pd.DataFrame(
        {
            HEADERS["at"]: [fmt_datetime(e.at) for e in rows],
            HEADERS["user"]: [e.user for e in rows],
            HEADERS["action"]: [action_label(e.action) for e in rows],
            HEADERS["what"]: what,
            HEADERS["format"]: [e.format or "" for e in rows],
            HEADERS["personal"]: ["có / yes" if e.personal else "" for e in rows],
            HEADERS["sha256"]: [digest(e.sha256) for e in rows],
            HEADERS["outcome"]: [OUTCOME_LABELS.get(e.outcome, e.outcome) for e in rows],
        },
        columns=list(HEADERS.values()),
    )


def csv_bytes(events: list[AuditEvent]) -> bytes:
    """The rows newest first as CSV (UTF-8 with a byte-order mark, so Excel reads the diacritics; a cell that
    a spreadsheet would take for a formula is kept as text: :func:`geo.outputs.spreadsheet_safe`)."""
    return spreadsheet_safe(audit_frame(events, short=False)).to_csv(index=False).encode("utf-8-sig")


def audit_panel(store: Store, account: Account, key: str = "audit") -> None:
    """Draw the audit trail of ``store`` for ``account`` (its administrator; see the module)."""
    st.subheader("Nhật ký truy cập / Audit trail")
    users = sorted({e.user for e in read_audit(store)})
    left, right = st.columns(2)
    user = left.selectbox(
        "Người dùng / User",
        ["", *users],
        format_func=lambda u: u or "Tất cả / everyone",
        key=f"{key}_user",
    )
    day = right.date_input("Từ ngày / Since", value=None, format="DD/MM/YYYY", key=f"{key}_since")
    events = read_audit(store, user=user or None, since=since_moment(day) if isinstance(day, date) else None)
    since = f" từ {fmt_date(day)}" if isinstance(day, date) else ""
    st.caption(
        f"{fmt_number(len(events))} dòng{since}, mới nhất trước; giờ Việt Nam (UTC+7); không sửa, không xóa được. "
        f"/ {len(events)} rows, newest first; Vietnam time; append-only."
    )
    st.dataframe(audit_frame(events), hide_index=True, width="stretch")
    name = (
        f"nhat_ky_truy_cap{'_' + safe_filename(user) if user else ''}_{datetime.now(VN_TIME).strftime('%d-%m-%Y')}.csv"
    )
    failed: list[str] = st.session_state.setdefault(FAILED, [])
    st.download_button(
        "Tải nhật ký (CSV) / Download the audit (CSV)",
        data=audited(store, account.name, name, lambda: csv_bytes(events), failed=failed),
        file_name=name,
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )


SECTION_KEY = "open_audit"
"""Session key: whether the audit trail's section is open (:func:`dashboard.panels.folded`)."""


def show(store: Store, account: Account) -> None:
    """The app's hook: the audit trail in its own folded section (:func:`dashboard.panels.folded`), for an
    account that may read it, under a guard."""
    from .panels import folded, guard

    if not account.access.sees_audit:
        return
    with guard(("hiện nhật ký truy cập", "the audit trail")):
        box = folded("Nhật ký truy cập / Audit trail", SECTION_KEY, ":material/policy:")
        if box is not None:
            with box:
                audit_panel(store, account)
