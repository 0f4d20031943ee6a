"""``python -m geo users …`` and ``python -m geo audit …``: accounts and the audit trail of a store.

Commands (STORE is a ``.gpkg`` path or a ``postgresql://`` URL)::

    users add STORE NAME --role ROLE [--hamlet ID ...] [--exports-personal] [--meeting-screen] --password-stdin
    users passwd STORE NAME --password-stdin
    users disable STORE NAME
    users list STORE [--json]
    audit STORE [--user NAME] [--since DATE] [--json]

A password is read from standard input (one line), never from the command line (it would stay in
the shell's history and in the process list); it is never printed. ``--by NAME`` names who makes an
account change (default: the operating-system user), recorded in the audit. ``users list`` shows no
hash. Human output is Vietnamese first, English second, dates ``dd/mm/yyyy``; a refusal prints why
and exits 1; wrong arguments exit 2.

The exports of ``python -m geo export|report|snapshot`` read from a store are recorded in its
audit (:func:`audited_export`): ``--user NAME`` (default: the operating-system user), the selection,
the format, whether ``--include-personal`` put personal data in it, and the sha256 of the file.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..access import ROLES, role_label
from ..text import printable
from .cli import StoreUsageError, add_on_store, run, when

if TYPE_CHECKING:
    from .accounts import Account


def _out(text: str) -> None:
    sys.stdout.write(printable(text) + "\n")


def os_user() -> str:
    """The operating-system user: who runs a command when ``--user``/``--by`` is not given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container)
        return "unknown"


def _password(args: argparse.Namespace) -> str:
    if not args.password_stdin:
        raise StoreUsageError(
            "Cần --password-stdin: nhập mật khẩu qua đầu vào chuẩn, không ghi trên dòng lệnh / "
            "--password-stdin is required: give the password on standard input, never on the command line"
        )
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def cmd_add(args: argparse.Namespace) -> int:
    """``users add``: a new account."""
    from .accounts import add_user
    from .store import Store

    password = _password(args)
    with Store.open(args.workspace) as store:
        account = add_user(
            store,
            args.name,
            password,
            args.role,
            hamlets=args.hamlet or (),
            exports_personal=args.exports_personal,
            meeting_screen=args.meeting_screen,
            by=args.by,
        )
    _out(f"Đã thêm tài khoản / Added the account: {_line(account)}")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    """``users passwd``: a new password (lifts a lockout)."""
    from .accounts import set_password
    from .store import Store

    password = _password(args)
    with Store.open(args.workspace) as store:
        set_password(store, args.name, password, by=args.by)
    _out(f"Đã đổi mật khẩu của {args.name} / Changed the password of {args.name}")
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    """``users disable``: the account can no longer sign in."""
    from .accounts import disable
    from .store import Store

    with Store.open(args.workspace) as store:
        disable(store, args.name, by=args.by)
    _out(f"Đã vô hiệu hóa tài khoản {args.name} / Disabled the account {args.name}")
    return 0


def _line(account: Account) -> str:
    bits = [account.name, role_label(account.role)]
    if account.hamlets:
        bits.append("thôn / hamlets " + ", ".join(account.hamlets))
    if account.exports_personal:
        bits.append("được xuất dữ liệu cá nhân / may export personal data")
    if account.meeting_screen:
        bits.append("màn hình phòng họp / meeting-room screen")
    if not account.active:
        bits.append("đã vô hiệu hóa / disabled")
    if account.locked_until is not None:
        bits.append(f"khóa đến / locked until {when(account.locked_until)}")
    return " · ".join(bits)


def cmd_list(args: argparse.Namespace) -> int:
    """``users list``: every account (no hashes)."""
    from .accounts import list_users
    from .store import Store

    with Store.open(args.workspace) as store:
        accounts = list_users(store)
    if args.json:
        _out(json.dumps([a.as_json() for a in accounts], ensure_ascii=False, indent=2))
        return 0
    _out("Tài khoản / Accounts:")
    for account in accounts:
        _out("  " + _line(account))
    if not accounts:
        _out("  (chưa có / none)")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """``audit``: the audit trail (of one user, from a date on)."""
    from .audit import read_audit
    from .store import Store

    with Store.open(args.workspace) as store:
        events = read_audit(store, user=args.user, since=args.since)
    if args.json:
        _out(json.dumps([e.as_json() for e in events], ensure_ascii=False, indent=2))
        return 0
    _out("Nhật ký truy cập / Audit trail:")
    for event in events:
        _out("  " + event.line())
    if not events:
        _out("  (chưa có / none)")
    return 0


def _day(text: str) -> date:
    """``--since``: day-first (dd/mm/yyyy) or ISO."""
    from ..canonical import date_error
    from ..selection import Selection

    try:
        day = Selection.make(as_of=text).as_of
    except ValueError:
        reason = date_error(text) or f"“{text}” không phải ngày / “{text}” is not a date"
        raise argparse.ArgumentTypeError(reason) from None
    assert day is not None
    return day


def add_users_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``users`` (add, passwd, disable, list) and ``audit`` on the ``python -m geo`` parser."""
    users = sub.add_parser("users", help="tài khoản đăng nhập / accounts")
    commands = users.add_subparsers(dest="users_command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        return add_on_store(commands, name, func, help_text)

    def named(p: argparse.ArgumentParser, password: bool) -> None:
        p.add_argument("name", metavar="NAME", help="tên đăng nhập / user name")
        p.add_argument("--by", default=os_user(), help="người thực hiện (mặc định: người dùng máy) / who does it")
        if password:
            p.add_argument(
                "--password-stdin",
                action="store_true",
                help="đọc mật khẩu từ đầu vào chuẩn (bắt buộc) / read the password from standard input (required)",
            )

    p = add("add", cmd_add, "thêm tài khoản / add an account")
    named(p, password=True)
    p.add_argument(
        "--role",
        required=True,
        choices=list(ROLES),
        help="; ".join(f"{key}: {role_label(key)}" for key in ROLES),
    )
    p.add_argument("--hamlet", action="append", metavar="ID", help="mã thôn theo dõi (lặp lại) / hamlet id (repeat)")
    p.add_argument(
        "--exports-personal", action="store_true", help="văn phòng: được xuất dữ liệu cá nhân / clerk: personal exports"
    )
    p.add_argument(
        "--meeting-screen", action="store_true", help="lãnh đạo: màn hình phòng họp / leadership: meeting-room screen"
    )
    p = add("passwd", cmd_passwd, "đổi mật khẩu / set a new password")
    named(p, password=True)
    p = add("disable", cmd_disable, "vô hiệu hóa tài khoản / disable an account")
    named(p, password=False)
    p = add("list", cmd_list, "danh sách tài khoản / list the accounts")
    p.add_argument("--json", action="store_true", help="JSON")

    audit = sub.add_parser("audit", help="nhật ký truy cập / the audit trail")
    audit.add_argument("workspace", metavar="STORE", help="tệp .gpkg hoặc postgresql://… / .gpkg path or URL")
    audit.add_argument("--user", help="chỉ một người / one user")
    audit.add_argument("--since", type=_day, help="từ ngày dd/mm/yyyy hoặc YYYY-MM-DD / from this day")
    audit.add_argument("--json", action="store_true", help="JSON")
    audit.set_defaults(func=lambda args: run(cmd_audit, args))


def _selection_text(args: argparse.Namespace) -> str:
    bits = [f"dự án / project {args.project}" if getattr(args, "project", None) else "toàn xã / whole commune"]
    if getattr(args, "hamlet", None):
        bits.append("thôn / hamlets " + ", ".join(args.hamlet))
    if getattr(args, "as_of", None):
        bits.append(f"đến / as of {args.as_of:%d/%m/%Y}")
    if getattr(args, "at", None) is not None:
        bits.append(f"#{args.at}")
    if getattr(args, "period", None):
        bits.append(args.period)
    return ", ".join(bits) + f" → {Path(args.out).name}"


def audited_export(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``func`` (an export command) recording each run in the store's audit when it reads a store.

    A written file is recorded ``done`` with its sha256; a refusal or failure ``refused`` (then the
    error goes on to the command line's handling). A folder workspace has no audit: nothing is
    recorded.
    """

    def wrapped(args: argparse.Namespace) -> int:
        from .source import is_store

        if not is_store(args.workspace):
            return func(args)
        try:
            code = func(args)
        except BaseException:
            _record_export(args, ok=False)
            raise
        _record_export(args, ok=code == 0)
        return code

    return wrapped


def _record_export(args: argparse.Namespace, ok: bool) -> None:
    from .audit import file_sha256, record
    from .store import Store, StoreError

    out = Path(args.out)
    written = ok and out.is_file()
    try:
        store = Store.open(args.workspace)
    except (StoreError, OSError):
        return  # no store to record in (the command said why)
    with store:
        record(
            store,
            args.user or os_user(),
            args.command,
            what=_selection_text(args),
            format=out.suffix.lower().lstrip(".") or None,
            personal=bool(getattr(args, "include_personal", False)),
            sha256=file_sha256(out) if written else None,
            outcome="done" if written else "refused",
        )


def add_export_user(p: argparse.ArgumentParser) -> None:
    """``--user NAME`` on an export command: who, in a store's audit (default: the operating-system user)."""
    p.add_argument("--user", default=None, help="người xuất, ghi vào nhật ký của kho / who exports (store audit)")


__all__ = ["add_export_user", "add_users_commands", "audited_export", "os_user"]
