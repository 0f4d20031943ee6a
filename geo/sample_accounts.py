"""Demo accounts of the sample store: one per role, with published demo passwords (never for real use).

:func:`add_demo_accounts` is called at the end of :func:`geo.sample_history.build`, so
``data/hoson.gpkg`` can be signed in to from the first run. The passwords are printed in
``docs/accounts.md`` and the README on purpose: they are demo passwords of a synthetic sample, to be
replaced (``python -m geo users passwd``) or the accounts disabled in any store holding real data.

Officers follow one or two of the store's hamlets (its first, then its second and third, in the
hamlets layer's order); the party cell the second hamlet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .store import Store


@dataclass(frozen=True)
class DemoAccount:
    """A demo account: name, role, password, which of the store's hamlets (by position) it follows."""

    name: str
    role: str
    password: str
    hamlets: tuple[int, ...] = ()
    exports_personal: bool = False
    meeting_screen: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("lanhdao", "leadership", "demo-lanhdao"),
    DemoAccount("phonghop", "leadership", "demo-phonghop", meeting_screen=True),
    DemoAccount("canbo1", "officer", "demo-canbo1", hamlets=(0,)),
    DemoAccount("canbo2", "officer", "demo-canbo2", hamlets=(1, 2)),
    DemoAccount("vanphong", "clerk", "demo-vanphong", exports_personal=True),
    DemoAccount("chibo", "party_cell", "demo-chibo", hamlets=(1,)),
    DemoAccount("quantri", "admin", "demo-quantri"),
    DemoAccount("thanhtra", "inspector", "demo-thanhtra"),
)
"""The sample's demo accounts (clearly demo: every password starts with ``demo-``)."""


def add_demo_accounts(store: Store, by: str = "", now: datetime | None = None) -> dict[str, tuple[str, ...]]:
    """Add :data:`DEMO_ACCOUNTS` to ``store``; return each account's hamlet ids.

    Accounts that follow hamlets are skipped where the store has too few hamlets.
    """
    from .store.accounts import add_user

    hamlet_ids = [str(h) for h in store.layer("hamlets")["hamlet_id"].dropna()] if store.present.get("hamlets") else []
    made: dict[str, tuple[str, ...]] = {}
    for demo in DEMO_ACCOUNTS:
        if any(i >= len(hamlet_ids) for i in demo.hamlets):
            continue
        hamlets = tuple(hamlet_ids[i] for i in demo.hamlets)
        add_user(
            store,
            demo.name,
            demo.password,
            demo.role,
            hamlets=hamlets,
            exports_personal=demo.exports_personal,
            meeting_screen=demo.meeting_screen,
            by=by,
            now=now,
        )
        made[demo.name] = hamlets
    return made


__all__ = ["DEMO_ACCOUNTS", "DemoAccount", "add_demo_accounts"]
