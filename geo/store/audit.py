"""The audit trail: who did what and when, append-only, in the store (table ``audit``, store version 3).

Every sign-in and failed sign-in (:mod:`geo.store.accounts`), every changeset (written by
:class:`~geo.store.Store` in the changeset's own transaction), every account change, and every export
or download — attempts too — is one row: ``at`` (UTC), ``user``, ``action``, ``what`` (the selection,
the file), ``layer``, ``format``, ``personal`` (the file carried personal data), ``sha256`` (of the
file produced), ``outcome`` (``done`` or ``refused``) and, for a changeset, its id. Nothing here
changes or deletes a row, and the database refuses it too (triggers, :func:`geo.store.migrations.guard_audit`).
A password never reaches this table.

Example
-------
>>> record(store, "Lan", "export", what="DA-DT242, HS01", format="xlsx", sha256=digest)  # doctest: +SKIP
>>> [e.action for e in read_audit(store, user="Lan")]  # doctest: +SKIP
['sign_in', 'export']
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .engine import utc_now

if TYPE_CHECKING:
    from .store import Store

ACTIONS: dict[str, str] = {
    "sign_in": "đăng nhập",
    "sign_in_failed": "đăng nhập sai",
    "locked": "khóa tài khoản",
    "sign_out": "đăng xuất",
    "changeset": "thay đổi dữ liệu",
    "export": "xuất tệp",
    "report": "báo cáo",
    "snapshot": "bản đồ",
    "download": "tải xuống",
    "users_add": "thêm tài khoản",
    "users_passwd": "đổi mật khẩu",
    "users_disable": "khóa tài khoản (quản trị)",
}
"""Actions the product records, with their Vietnamese labels (others may be recorded too)."""

OUTCOMES = ("done", "refused")


@dataclass(frozen=True)
class AuditEvent:
    """One row of the audit trail."""

    id: int
    at: datetime
    user: str
    action: str
    what: str | None
    layer: str | None
    format: str | None
    personal: bool
    sha256: str | None
    outcome: str
    changeset_id: int | None

    def as_json(self) -> dict[str, Any]:
        """The row for ``--json``: ``at`` in UTC as ISO 8601."""
        out = asdict(self)
        out["at"] = self.at.astimezone(UTC).isoformat()
        return out

    def line(self) -> str:
        """``28/11/2026 14:05 · Lan · xuất tệp / export · DA-DT242 · xlsx · cá nhân / personal · done · 3fa9…``."""
        from .cli import when

        label = ACTIONS.get(self.action)
        bits = [when(self.at), self.user, f"{label} / {self.action}" if label else self.action]
        bits += [b for b in (self.what, self.layer, self.format) if b]
        if self.personal:
            bits.append("có dữ liệu cá nhân / personal data")
        bits.append("đã làm / done" if self.outcome == "done" else "bị từ chối / refused")
        if self.sha256:
            bits.append(f"sha256 {self.sha256}")
        return " · ".join(bits)


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def audit_row(
    user: str,
    action: str,
    what: str | None = None,
    layer: str | None = None,
    format: str | None = None,
    personal: bool = False,
    sha256: str | None = None,
    outcome: str = "done",
    at: datetime | None = None,
    changeset_id: int | None = None,
) -> dict[str, Any]:
    """The values of one audit row (for :func:`record`, or an insert inside another transaction)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    if at is not None and at.tzinfo is None:
        raise ValueError("an audit time must carry its time zone")
    return {
        "at": utc_now() if at is None else at.astimezone(UTC),
        "user": user,
        "action": action,
        "what": what,
        "layer": layer,
        "format": format,
        "personal": bool(personal),
        "sha256": sha256,
        "outcome": outcome,
        "changeset_id": changeset_id,
    }


def record(
    store: Store,
    user: str,
    action: str,
    what: str | None = None,
    layer: str | None = None,
    format: str | None = None,
    personal: bool = False,
    sha256: str | None = None,
    outcome: str = "done",
    at: datetime | None = None,
) -> None:
    """Append one row to the store's audit trail (its own transaction).

    Parameters
    ----------
    store : Store
    user : str
        Who (an account name, or the operating-system user on the command line).
    action : str
        See :data:`ACTIONS` (``sign_in``, ``export``, ``download`` …).
    what, layer, format :
        The selection or record concerned, the layer, the file format (``xlsx``, ``pdf`` …).
    personal : bool
        The file produced carried personal data.
    sha256 : str, optional
        Of the file produced.
    outcome : str
        ``done`` or ``refused`` (an attempt).
    at : datetime, optional
        When (timezone-aware); default now.
    """
    row = audit_row(user, action, what, layer, format, personal, sha256, outcome, at)
    with store.backend.writing(lock=False) as conn:
        conn.execute(store.tables["audit"].insert().values(**row))
        conn.commit()


def _since(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.astimezone()
    return datetime.combine(value, time(0, 0)).astimezone()  # the start of that day, where the machine is


def read_audit(store: Store, user: str | None = None, since: date | datetime | None = None) -> list[AuditEvent]:
    """The audit trail, oldest first: of one user, from a day (local midnight) or a moment on."""
    table = store.tables["audit"]
    stmt = sa.select(table).order_by(table.c.id)
    if user is not None:
        stmt = stmt.where(table.c.user == user)
    if since is not None:
        stmt = stmt.where(table.c.at >= _since(since).astimezone(UTC))
    with store.backend.engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [
        AuditEvent(
            id=int(r["id"]),
            at=r["at"] if r["at"].tzinfo is not None else r["at"].replace(tzinfo=UTC),
            user=r["user"],
            action=r["action"],
            what=r["what"],
            layer=r["layer"],
            format=r["format"],
            personal=bool(r["personal"]),
            sha256=r["sha256"],
            outcome=r["outcome"],
            changeset_id=r["changeset_id"],
        )
        for r in rows
    ]


__all__ = ["ACTIONS", "AuditEvent", "audit_row", "file_sha256", "read_audit", "record"]
