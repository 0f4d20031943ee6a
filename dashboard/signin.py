"""The sign-in page of a store (issue 16): nothing of the data before it, one account per session after it.

A workspace that is a store keeps its accounts (``geo/store/accounts.py``). Before sign-in the page
shows the product's name and the commune's name only — no hamlet, no figure, no map: the app stops
before it loads the workspace. The signed-in :class:`~geo.store.accounts.Account` (no password, no
hash) is kept in ``st.session_state``; a session expires after a working day (:data:`IDLE`) without a
rerun. A reload or another tab of the same browser finds the sign-in kept (:mod:`dashboard.remember`:
a cookie the page's scripts cannot read, gone when the browser closes), as long as the account has not
changed since. The sidebar names the user and its role and offers a one-click sign-out (recorded in the
audit by :func:`geo.store.accounts.sign_out`; it ends the kept sign-in too). A folder workspace has no
sign-in (:func:`no_sign_in_note`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import streamlit as st

from geo.store.accounts import Account, authenticate, get_user, sign_out
from geo.store.upload import store_config

from . import remember
from .text import md

if TYPE_CHECKING:
    from geo.store import Store

PRODUCT = "Tiến độ giải phóng mặt bằng và công tác dân vận / Land clearance and public outreach"
"""The product's name, the one thing the sign-in page says besides the commune's."""

ACCOUNT = "signin_account"
"""The session key of the signed-in :class:`Account`."""

SEEN = "signin_seen"
"""The session key of the last rerun's time (UTC): the session expires :data:`IDLE` after it."""

IDLE = remember.IDLE
"""A working day of inactivity ends a session (and a sign-in kept by the browser)."""

FORM = "signin_form"
NAME = "signin_name"
PASSWORD = "signin_password"
MESSAGE = "signin_message"
KEEP = "signin_keep"
"""The session key of the ticket the page exchanges for the kept sign-in's cookie, once, after sign-in."""


def _now() -> datetime:
    return datetime.now(UTC)


def current() -> Account | None:
    """The signed-in account of this session, or None (never signed in, signed out or expired).

    An expired session is ended here (its account removed, the sign-in page says why); each call
    of a signed-in session moves its last-seen time on.
    """
    state = st.session_state
    account: Account | None = state.get(ACCOUNT)
    if account is None:
        return None
    now = _now()
    seen: datetime | None = state.get(SEEN)
    if seen is None or now - seen > IDLE:
        _end_session()
        state[MESSAGE] = (
            "Phiên làm việc đã hết hạn sau 8 giờ không thao tác; đăng nhập lại. / The session expired after 8 hours "
            "of inactivity; sign in again."
        )
        return None
    state[SEEN] = now
    return account


def _end_session() -> None:
    """Forget everything of the session: its account, filters and pages (the next user starts afresh)."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def commune_name(store: Store) -> str:
    """The commune's name as the store's settings give it (empty where none)."""
    try:
        return store_config(store).name
    except Exception:  # noqa: BLE001 — settings that cannot be read: the page still asks for sign-in
        return ""


def _submit(store: Store) -> None:
    """The form's callback: check the name and password; keep the account, or the refusal's words."""
    state = st.session_state
    name = str(state.get(NAME, "")).strip()
    password = str(state.get(PASSWORD, ""))
    state[PASSWORD] = ""  # the password never stays in the session
    if not name or not password:
        state[MESSAGE] = "Nhập tên đăng nhập và mật khẩu. / Enter your user name and password."
        return
    result = authenticate(store, name, password)
    if isinstance(result, Account):
        state[ACCOUNT] = result
        state[SEEN] = _now()
        state[KEEP] = remember.ticket(_store_id(store), result.name, result.changed_at)
        state.pop(MESSAGE, None)
    else:
        state[MESSAGE] = result.message


def page(store: Store) -> None:
    """Draw the sign-in page: the product, the commune, the form, and why the last attempt was refused."""
    st.title(PRODUCT.split(" / ")[0])
    st.caption(PRODUCT.split(" / ")[1])
    commune = commune_name(store)
    if commune:
        st.subheader(md(commune))
    message = st.session_state.get(MESSAGE)
    if message:
        st.error(md(message), icon=":material/lock:")
    with st.form(FORM, clear_on_submit=False):
        st.text_input("Tên đăng nhập / User name", key=NAME, autocomplete="username")
        st.text_input("Mật khẩu / Password", key=PASSWORD, type="password", autocomplete="current-password")
        st.form_submit_button("Đăng nhập / Sign in", type="primary", on_click=_submit, args=(store,))


def _store_id(store: Store) -> str:
    return str(store.backend.url)


def _kept_token() -> str | None:
    """The kept sign-in's token this browser sent with the page (None where there is none)."""
    try:
        value = st.context.cookies.get(remember.COOKIE)
    except Exception:  # noqa: BLE001 — no request behind this run (a test, a script): nothing kept
        return None
    return str(value) if value else None


def restore(store: Store) -> Account | None:
    """The account of the sign-in this browser kept (:mod:`dashboard.remember`), put in this session; None
    where there is none, it has lapsed, or the account changed since (password, role, disabled)."""
    token = _kept_token()
    kept = remember.recall(token, _store_id(store))
    if kept is None:
        return None
    account = get_user(store, kept.name)
    if account is None or not account.active or account.changed_at != kept.changed_at:
        remember.forget(token)
        return None
    st.session_state[ACCOUNT] = account
    st.session_state[SEEN] = _now()
    return account


def require(store: Store) -> Account:
    """The signed-in account (this session's, or the one this browser kept); otherwise draw the sign-in page
    and stop the script (nothing else runs)."""
    account = current() or restore(store)
    if account is None:
        page(store)
        st.stop()
    return account


def keep() -> None:
    """Right after a sign-in, have the browser fetch its kept sign-in's cookie (:mod:`dashboard.remember`).

    Called last on a page: an element drawn once shifts the place of every element after it on the next
    run, and Streamlit would take those for new ones (an open expander closing).
    """
    ticket = st.session_state.pop(KEEP, None)
    if ticket:
        st.html(f'<img src="{remember.PATH}?t={ticket}" alt="" width="1" height="1" style="position:absolute">')


def _sign_out(store: Store, name: str) -> None:
    """The sign-out button's callback: the audit row, the kept sign-in ended, then a fresh session."""
    sign_out(store, name)
    remember.forget(_kept_token())
    _end_session()


def account_box(store: Store, account: Account) -> None:
    """The signed-in user's name and role (Vietnamese first) and the one-click sign-out, where called."""
    st.markdown(f"**{md(account.name)}** — {md(account.role_label)}")
    st.button(
        "Đăng xuất / Sign out",
        key="signin_out",
        icon=":material/logout:",
        on_click=_sign_out,
        args=(store, account.name),
    )


def sidebar(store: Store, account: Account) -> None:
    """:func:`account_box` in the sidebar (a meeting screen, whose sidebar is hidden, draws it on the page)."""
    with st.sidebar:
        account_box(store, account)


def no_sign_in_note() -> None:
    """The sidebar's line for a folder workspace: no sign-in, and who can reach the page."""
    from streamlit import config

    address = str(config.get_option("server.address") or "")
    if address in ("127.0.0.1", "localhost", "::1"):
        st.caption(
            "Thư mục dữ liệu: không có đăng nhập, chỉ phục vụ máy này (127.0.0.1). / A folder workspace: no "
            "sign-in, served to this machine only."
        )
    else:
        st.warning(
            "Thư mục dữ liệu: không có đăng nhập, và trang mở cho cả mạng ("
            + (address or "mọi địa chỉ / every address")
            + "). / A folder workspace: no sign-in, and the page is open to the network.",
            icon=":material/warning:",
        )
