"""Accounts in the store: who may sign in, with which role and hamlets (table ``users``, store version 3).

A password is kept only as an argon2id hash (argon2-cffi); it never reaches a log, the audit, the
store's history (account changes are not changesets of the data layers: they go to the audit) or a
URL. :func:`authenticate` checks a sign-in: five failed attempts in a row lock the account for 15
minutes (the refusal says until when, ``dd/mm/yyyy HH:MM``), a disabled account is refused, and a
wrong name and a wrong password get the same message. Every sign-in, failed sign-in, lockout and
account change is a row of the audit (:mod:`geo.store.audit`), written in the same transaction.

What an account may see is :class:`geo.access.Access` (:attr:`Account.access`).

Example
-------
>>> add_user(store, "lan", "mật-khẩu-dài", "officer", hamlets=["HS01"], by="admin")  # doctest: +SKIP
>>> result = authenticate(store, "lan", "mật-khẩu-dài")  # doctest: +SKIP
>>> result.access.sees_personal("HS01") if isinstance(result, Account) else result.message  # doctest: +SKIP
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..access import HAMLET_ROLES, ROLES, Access, AccessError, role_label
from .audit import audit_row
from .engine import utc_now
from .store import StoreError

if TYPE_CHECKING:
    from .store import Store

MAX_ATTEMPTS = 5
"""Failed sign-ins in a row that lock an account."""

LOCK_MINUTES = 15
"""How long a lockout lasts."""

MIN_PASSWORD = 8
"""The shortest password accepted."""

UNKNOWN_USER = "(không rõ / unknown)"
"""The audit's ``user`` for a sign-in with a name that has no account (what was typed is not kept:
it may be a password typed into the wrong field)."""

WRONG = "Sai tên đăng nhập hoặc mật khẩu. / Wrong user name or password."
DISABLED = "Tài khoản đã bị vô hiệu hóa; liên hệ quản trị. / This account is disabled; ask the administrator."


class AccountError(StoreError):
    """An account change refused (a name taken, an unknown role or hamlet, a short password); bilingual."""


@dataclass(frozen=True)
class Account:
    """One account, without its password hash."""

    name: str
    role: str
    hamlets: tuple[str, ...]
    exports_personal: bool
    meeting_screen: bool
    active: bool
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime
    changed_at: datetime

    @property
    def access(self) -> Access:
        """What this account may see and do."""
        return Access(self.role, self.hamlets, self.exports_personal, self.meeting_screen)

    @property
    def role_label(self) -> str:
        """The role for people, Vietnamese first."""
        return role_label(self.role)

    def as_json(self) -> dict[str, Any]:
        """For ``users list --json``: times in UTC (ISO 8601); no hash."""
        return {
            "name": self.name,
            "role": self.role,
            "role_label": ROLES.get(self.role, self.role),
            "hamlets": list(self.hamlets),
            "exports_personal": self.exports_personal,
            "meeting_screen": self.meeting_screen,
            "active": self.active,
            "failed_attempts": self.failed_attempts,
            "locked_until": None if self.locked_until is None else self.locked_until.isoformat(),
            "created_at": self.created_at.isoformat(),
            "changed_at": self.changed_at.isoformat(),
        }


@dataclass(frozen=True)
class SignInRefused:
    """A sign-in refused; ``message`` says why (Vietnamese / English), ``until`` when a lockout ends."""

    reason: Literal["wrong", "locked", "disabled"]
    message: str
    until: datetime | None = None


HASH_PARAMETERS: dict[str, Any] = {"time_cost": 2, "memory_cost": 19_456, "parallelism": 1}
"""argon2id with 19 MiB of memory, 2 passes, 1 lane: OWASP's Password Storage Cheat Sheet's first
configuration. argon2-cffi's default (RFC 9106's low-memory one: 64 MiB, 3 passes, 4 lanes) took 0.10 s
of a sign-in here, and 64 MiB for each sign-in at once (a meeting whose thirty officers sign in together:
about 2 GB); these take 0.02 s and 19 MiB. A hash keeps the parameters it was made with; an account's
hash made with others is made again with these at its next sign-in (:func:`authenticate`)."""


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher(**HASH_PARAMETERS)  # argon2id


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check a password against where the name has no account (the same work either way)."""
    return _hasher().hash("no such account")


def _verify(hashed: str, password: str) -> bool:
    try:
        return bool(_hasher().verify(hashed, password))
    except (VerificationError, InvalidHashError):
        return False


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _now(now: datetime | None) -> datetime:
    if now is None:
        return utc_now()
    if now.tzinfo is None:
        raise ValueError("now must carry its time zone")
    return now.astimezone(UTC)


def _account(row: Any) -> Account:
    created, changed = _utc(row["created_at"]), _utc(row["changed_at"])
    assert created is not None and changed is not None  # NOT NULL columns
    return Account(
        name=row["name"],
        role=row["role"],
        hamlets=tuple(json.loads(row["hamlets"] or "[]")),
        exports_personal=bool(row["exports_personal"]),
        meeting_screen=bool(row["meeting_screen"]),
        active=bool(row["active"]),
        failed_attempts=int(row["failed_attempts"]),
        locked_until=_utc(row["locked_until"]),
        created_at=created,
        changed_at=changed,
    )


def unlock_text(until: datetime) -> str:
    """A lockout's end for people: ``dd/mm/yyyy HH:MM`` in the machine's time zone."""
    from .cli import when

    return when(until)


def locked_message(until: datetime) -> str:
    """The refusal of a locked account, in words, with the time it unlocks."""
    at = unlock_text(until)
    return (
        f"Tài khoản tạm khóa {LOCK_MINUTES} phút vì đăng nhập sai {MAX_ATTEMPTS} lần; thử lại sau {at}. / "
        f"The account is locked for {LOCK_MINUTES} minutes after {MAX_ATTEMPTS} failed sign-ins; try again "
        f"after {at}."
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự / the password needs at least {MIN_PASSWORD} characters"
        )


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > 64 or any(ord(c) < 32 for c in clean):
        raise AccountError(
            "Tên đăng nhập phải có 1–64 ký tự, không có ký tự điều khiển / a user name has 1–64 characters, "
            "no control characters"
        )
    return clean


def known_hamlets(store: Store) -> list[str]:
    """The hamlet ids the store holds now (sorted)."""
    if not store.present.get("hamlets"):
        return []
    return sorted(str(h) for h in store.layer("hamlets")["hamlet_id"].dropna().unique())


def _check_access(store: Store, role: str, hamlets: list[str], meeting_screen: bool) -> None:
    try:
        Access(role, hamlets, meeting=meeting_screen)
    except AccessError as exc:
        raise AccountError(str(exc)) from None
    if role not in HAMLET_ROLES:
        return
    known = known_hamlets(store)
    shown = ", ".join(known) or "(không có / none)"
    unknown = [h for h in hamlets if h not in known]
    if not hamlets or unknown:
        what = f"không có thôn “{', '.join(unknown)}”" if unknown else "cần ít nhất một thôn (--hamlet)"
        what_en = f"no hamlet “{', '.join(unknown)}”" if unknown else "needs at least one hamlet (--hamlet)"
        raise AccountError(
            f"Vai trò {ROLES[role]}: {what}; các thôn có: {shown} / role {role}: {what_en}; known hamlets: {shown}"
        )


def _write(store: Store) -> AbstractContextManager[sa.Connection]:
    return store.backend.writing(lock=False)


def _row(conn: sa.Connection, store: Store, name: str) -> Any:
    users = store.tables["users"]
    return conn.execute(sa.select(users).where(users.c.name == name)).mappings().first()


def _no_account(name: str) -> AccountError:
    return AccountError(f"Không có tài khoản “{name}” / no account “{name}”")


def add_user(
    store: Store,
    name: str,
    password: str,
    role: str,
    hamlets: Iterable[str] = (),
    exports_personal: bool = False,
    meeting_screen: bool = False,
    by: str = "",
    now: datetime | None = None,
) -> Account:
    """Add an account.

    Parameters
    ----------
    store : Store
    name : str
        Unique; 1–64 characters.
    password : str
        At least :data:`MIN_PASSWORD` characters; only its argon2id hash is kept.
    role : str
        One of :data:`geo.access.ROLES`.
    hamlets : iterable of str
        The hamlets it follows: an officer or a party cell needs at least one that the store holds.
    exports_personal : bool
        A clerk allowed to put personal data in exports.
    meeting_screen : bool
        A leadership account for a meeting-room screen (always in meeting mode).
    by : str
        Who adds it (the audit's user).
    now : datetime, optional
        When (timezone-aware); default now.

    Raises
    ------
    AccountError
        A name taken, an unknown role or hamlet, a short password.
    """
    name = _check_name(name)
    chosen = list(dict.fromkeys(str(h) for h in hamlets))
    _check_access(store, role, chosen, meeting_screen)
    _check_password(password)
    hashed = _hasher().hash(password)
    stamp = _now(now)
    with _write(store) as conn:
        if _row(conn, store, name) is not None:
            raise AccountError(f"Đã có tài khoản “{name}” / the account “{name}” exists")
        conn.execute(
            store.tables["users"]
            .insert()
            .values(
                name=name,
                password_hash=hashed,
                role=role,
                hamlets=json.dumps(chosen, ensure_ascii=False),
                exports_personal=exports_personal,
                meeting_screen=meeting_screen,
                active=True,
                failed_attempts=0,
                locked_until=None,
                created_at=stamp,
                changed_at=stamp,
            )
        )
        what = f"{name} ({role}{': ' + ', '.join(chosen) if chosen else ''})"
        conn.execute(store.tables["audit"].insert().values(**audit_row(by or name, "users_add", what, at=stamp)))
        account = _account(_row(conn, store, name))
        conn.commit()
        return account


def _update(store: Store, name: str, action: str, by: str, now: datetime | None, **values: Any) -> None:
    stamp = _now(now)
    users = store.tables["users"]
    with _write(store) as conn:
        if _row(conn, store, name) is None:
            raise _no_account(name)
        conn.execute(users.update().where(users.c.name == name).values(changed_at=stamp, **values))
        conn.execute(store.tables["audit"].insert().values(**audit_row(by or name, action, name, at=stamp)))
        conn.commit()


def set_password(store: Store, name: str, password: str, by: str = "", now: datetime | None = None) -> None:
    """Give ``name`` a new password (this also lifts a lockout)."""
    _check_password(password)
    hashed = _hasher().hash(password)
    _update(store, name, "users_passwd", by, now, password_hash=hashed, failed_attempts=0, locked_until=None)


def disable(store: Store, name: str, by: str = "", now: datetime | None = None) -> None:
    """Disable ``name``: it can no longer sign in (the account and its audit rows stay)."""
    _update(store, name, "users_disable", by, now, active=False)


def list_users(store: Store) -> list[Account]:
    """Every account, by name (no hashes)."""
    users = store.tables["users"]
    with store.backend.engine.connect() as conn:
        rows = conn.execute(sa.select(users).order_by(users.c.name)).mappings().all()
    return [_account(r) for r in rows]


def get_user(store: Store, name: str) -> Account | None:
    """The account called ``name``, or None."""
    with store.backend.engine.connect() as conn:
        row = _row(conn, store, name)
    return None if row is None else _account(row)


def authenticate(store: Store, name: str, password: str, now: datetime | None = None) -> Account | SignInRefused:
    """Check a sign-in; the account where it succeeds, else why not (:class:`SignInRefused`).

    Five failed attempts in a row lock the account for 15 minutes (:data:`MAX_ATTEMPTS`,
    :data:`LOCK_MINUTES`); while locked, even the right password is refused with the time it
    unlocks. A name without an account and a wrong password get the same message (and the same
    work: a hash is checked either way). A disabled account is told so only with its right password.
    Every attempt is a row of the audit. ``now`` (timezone-aware): the time of the attempt.
    """
    stamp = _now(now)
    users = store.tables["users"]
    audit = store.tables["audit"]
    with store.backend.engine.connect() as reader:  # the slow hash check holds no write lock
        first = _row(reader, store, name)
    right = _verify(_dummy_hash() if first is None else first["password_hash"], password)
    with _write(store) as conn:
        row = _row(conn, store, name)  # again, under the write lock: the counts other attempts left

        def log(user: str, action: str, outcome: str, what: str | None = None) -> None:
            conn.execute(audit.insert().values(**audit_row(user, action, what, outcome=outcome, at=stamp)))

        if row is None or first is None or row["password_hash"] != first["password_hash"]:
            log(UNKNOWN_USER if row is None else row["name"], "sign_in_failed", "refused")
            conn.commit()
            return SignInRefused("wrong", WRONG)
        locked = _utc(row["locked_until"])
        if locked is not None and stamp < locked:
            log(row["name"], "sign_in_failed", "refused", "tài khoản đang khóa / locked")
            conn.commit()
            return SignInRefused("locked", locked_message(locked), locked)
        where = users.c.name == row["name"]
        if right:
            if not row["active"]:
                log(row["name"], "sign_in_failed", "refused", "tài khoản bị vô hiệu hóa / disabled")
                conn.commit()
                return SignInRefused("disabled", DISABLED)
            values: dict[str, Any] = {"failed_attempts": 0, "locked_until": None}
            if _hasher().check_needs_rehash(row["password_hash"]):
                values["password_hash"] = _hasher().hash(password)
            conn.execute(users.update().where(where).values(**values))
            log(row["name"], "sign_in", "done")
            account = _account(_row(conn, store, row["name"]))
            conn.commit()
            return account
        failed = int(row["failed_attempts"]) + 1
        if row["active"] and failed >= MAX_ATTEMPTS:
            until = stamp + timedelta(minutes=LOCK_MINUTES)
            conn.execute(users.update().where(where).values(failed_attempts=0, locked_until=until))
            log(row["name"], "sign_in_failed", "refused")
            log(row["name"], "locked", "done", f"đến / until {unlock_text(until)}")
            conn.commit()
            return SignInRefused("locked", locked_message(until), until)
        conn.execute(users.update().where(where).values(failed_attempts=failed))
        log(row["name"], "sign_in_failed", "refused")
        conn.commit()
        return SignInRefused("wrong", WRONG)


def sign_out(store: Store, name: str, now: datetime | None = None) -> None:
    """Record that ``name`` signed out (the dashboard's one-click sign-out)."""
    from .audit import record

    record(store, name, "sign_out", at=None if now is None else _now(now))


__all__ = [
    "Account",
    "AccountError",
    "LOCK_MINUTES",
    "MAX_ATTEMPTS",
    "SignInRefused",
    "add_user",
    "authenticate",
    "disable",
    "get_user",
    "list_users",
    "set_password",
    "sign_out",
]
