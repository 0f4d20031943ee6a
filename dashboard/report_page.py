"""A party cell's weekly report from a phone (``/bc``), and the office's list of who has not reported.

The page (:func:`show`; ``dashboard/app.py`` runs this file as the page) is made for a 390×844 phone
screen: no sidebar, one column, large touch targets (the four moods as big choices, buttons at least
48 px high), Vietnamese only. A ``party_cell`` account signs in (the same form as the main page's),
finds its hamlet chosen (a party cell of several hamlets picks one), this week day-first and whether
the hamlet has reported this week already, picks the mood, writes a short note and sends it. The
report is one changeset of the store (:func:`geo.entry.mood.save_mood_report`); a second report of
the same day replaces the first. The main page follows the store's head (``dashboard/main_page.py``,
``follow_store``), so a gathering-risk report turns the hamlet ``hotspot`` on the leadership's map
within seconds.

Only a store takes reports (a folder is read-only to the dashboard), and only the accounts that
:meth:`geo.access.Access.may_report_mood` lets (the hamlet's party cell; an administrator); others are
told so politely, with a link to the main page.

:func:`unreported_expander` is the main page's list of the party cells that have not reported in the
week of its as-of date.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard import data, panels, signin
from dashboard.text import md
from geo.access import ROLES
from geo.entry.mood import (
    NOTE_LIMIT,
    iso_week,
    mood_report,
    party_cell_accounts,
    reports_of_week,
    save_mood_report,
    unreported,
    week_label,
)
from geo.formatting import fmt_date, today_in_vietnam
from geo.schema import MOODS
from geo.source import is_store

if TYPE_CHECKING:
    import geo
    from geo.store import Store
    from geo.store.accounts import Account

# (no bare strings at the top level below the module's docstring: Streamlit's "magic" would draw them
# when the router runs this file as the page)
URL_PATH = "bc"  # the page's address under the dashboard's: https://<office>/bc (báo cáo), short enough for Zalo

TITLE = "Báo cáo tình hình – Chi bộ"  # the browser tab's title

MAIN_PAGE = "main_page.py"  # the main page, for st.page_link (relative to dashboard/app.py)
PAGE_FILE = "report_page.py"  # this page, for the main page's st.page_link

HAMLET = "bc_hamlet"
MOOD = "bc_mood"
NOTE = "bc_note"
PROBLEMS = "bc_problems"
DONE = "bc_done"
FORM = "bc_form"

PHONE_CSS = """<style>
    section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
    [data-testid="stExpandSidebarButton"], [data-testid="stSidebarNav"] { display: none !important; }
    html, body, .stApp { overflow-x: hidden; }
    .block-container, [data-testid="stMainBlockContainer"] {
        max-width: 40rem; padding: 3.5rem 1rem 3rem 1rem !important; }
    [data-testid="stMainBlockContainer"] * { overflow-wrap: anywhere; }
    [data-testid="stMainBlockContainer"] h1 { font-size: 1.9rem; }
    [data-testid="stMainBlockContainer"] h2 { font-size: 1.6rem; }
    .stButton button, [data-testid="stFormSubmitButton"] button, [data-testid="stPageLink"] a {
        min-height: 52px; width: 100%; justify-content: center; }
    .stButton button p, [data-testid="stFormSubmitButton"] button p, [data-testid="stPageLink"] a p {
        font-size: 1.1rem; }
    [data-testid="stRadioGroup"] { gap: 0.5rem; width: 100%; align-items: stretch; }
    [data-testid="stRadioGroup"] > div { width: 100%; }
    [data-testid="stRadioOption"] {
        min-height: 52px; width: 100%; box-sizing: border-box; margin: 0; padding: 0.6rem 0.8rem;
        border: 1px solid rgba(49, 51, 63, 0.25); border-radius: 0.6rem; align-items: center; }
    [data-testid="stRadioOption"]:has(input:checked) { border: 2px solid #b2182b; background: rgba(178, 24, 43, 0.06); }
    [data-testid="stRadioOption"] p { font-size: 1.15rem; }
    [data-testid="stTextArea"] textarea, [data-testid="stTextInput"] input { font-size: 16px; }
</style>"""
# PHONE_CSS: no sidebar and no horizontal scroll at 390 px; choices and buttons as touch targets ≥ 48 px high
# (constant CSS); a text field's 16 px type keeps a phone's browser from zooming in on it


def _of_hamlet(name: str) -> str:
    """``thôn Nà Pàn`` for a name without its own "Thôn" (``Thôn Nà Pàn`` stays as it is)."""
    return name if name.strip().lower().startswith("thôn") else f"thôn {name}"


def _vi(message: str) -> str:
    """The Vietnamese part of a library message (``Vietnamese / English``): the page is Vietnamese only."""
    return message.split(" / ", 1)[0]


def _hamlet_names(hamlets: pd.DataFrame) -> dict[str, str]:
    """Hamlet id → name (the id where the name is blank), in the layer's order."""
    out: dict[str, str] = {}
    for hid, name in zip(hamlets["hamlet_id"], hamlets["hamlet_name"], strict=True):
        if pd.notna(hid) and str(hid) not in out:
            out[str(hid)] = str(name) if pd.notna(name) and str(name).strip() else str(hid)
    return out


def _layer(store: Store, name: str) -> pd.DataFrame:
    """A layer of the store now (an empty frame where the store holds none)."""
    if not store.present.get(name):
        from geo.schema import LAYERS

        return pd.DataFrame(columns=[c.name for c in LAYERS[name].columns])
    return store.layer(name)


def _submit(store: Store, names: dict[str, str], own: list[str]) -> None:
    """The send button's callback: check the report, write it, keep the confirmation or each field's problem."""
    state = st.session_state
    account = signin.current()
    if account is None:  # the session ended meanwhile: the page asks for sign-in again
        return
    hamlet = state.get(HAMLET) if len(own) > 1 else (own[0] if own else None)
    today = today_in_vietnam()
    row, problems = mood_report(
        hamlet, state.get(MOOD), state.get(NOTE), account.name, today, account.access, list(names)
    )
    commit = None
    if row is not None:
        try:
            commit, problems = save_mood_report(store, row, account.name)
        except Exception as exc:  # noqa: BLE001 — a store that cannot be written now: say so, never a traceback
            logging.getLogger(__name__).error("report page: saving the report failed", exc_info=exc)
            problems = {
                "store": "Chưa lưu được báo cáo vì kho dữ liệu đang bận hoặc gặp lỗi; chờ một lát rồi gửi lại. "
                "Nếu vẫn lỗi, báo cán bộ phụ trách kỹ thuật. / the store could not be written"
            }
    if row is None or commit is None:
        state[PROBLEMS] = problems
        state.pop(DONE, None)
        return
    mood = str(row.loc[0, "mood"])
    state[DONE] = {
        "hamlet": names.get(str(hamlet), str(hamlet)),
        "week": week_label(today),
        "mood": MOODS.label(mood),
        "replaced": not commit.diff.before.empty,
        "changeset": commit.changeset,
    }
    state.pop(PROBLEMS, None)
    state[MOOD] = None
    state[NOTE] = ""


def _problem(field: str) -> None:
    """The problem of ``field`` from the last send, under the field (Vietnamese)."""
    problems: dict[str, str] = st.session_state.get(PROBLEMS) or {}
    if field in problems:
        st.error(md(_vi(problems[field])), icon=":material/error:")


def _account_line(store: Store, account: Account) -> None:
    """Who is signed in, and the sign-out button (Vietnamese only)."""
    st.caption(f"Đăng nhập: **{md(account.name)}** — {md(ROLES.get(account.role, account.role))}")
    st.button(
        "Đăng xuất",
        key="bc_sign_out",
        icon=":material/logout:",
        on_click=signin._sign_out,
        args=(store, account.name),
    )


def _week_status(store: Store, hamlet: str, name: str, today: date) -> None:
    """Whether the hamlet has reported this week already: its latest report, and what sending again does."""
    this_week = reports_of_week(_layer(store, "field_reports"), hamlet, today)
    if this_week.empty:
        st.info(f"Tuần này {md(_of_hamlet(name))} chưa có báo cáo.", icon=":material/schedule:")
        return
    last = this_week.iloc[0]
    who = f" ({md(last['reporter'])})" if pd.notna(last["reporter"]) and str(last["reporter"]).strip() else ""
    note = f"  \n{md(last['note'])}" if pd.notna(last["note"]) and str(last["note"]).strip() else ""
    same_day = pd.Timestamp(last["report_date"]).date() == today
    again = (
        "Gửi lại hôm nay sẽ thay báo cáo này."
        if same_day
        else "Gửi báo cáo hôm nay sẽ thêm một báo cáo mới trong tuần."
    )
    st.success(
        f"Tuần này {md(_of_hamlet(name))} đã có báo cáo ngày {fmt_date(last['report_date'])}{who}: "
        f"**{md(MOODS.label(str(last['mood'])))}**{note}  \n{again}",
        icon=":material/task_alt:",
    )


def show() -> None:
    """Draw the party cell's report page (``/bc``)."""
    st.html(PHONE_CSS)
    with panels.guard(("đọc dữ liệu", "loading the workspace"), stop=True):
        path = data.resolve_workspace(data.workspace_argument())
    if not is_store(path):
        st.header("Báo cáo tình hình Nhân dân")
        st.info(
            "Báo cáo của chi bộ chỉ gửi được khi bảng điều khiển chạy trên kho dữ liệu (có đăng nhập). "
            "Bảng điều khiển đang mở một thư mục dữ liệu: hãy báo cán bộ phụ trách kỹ thuật.",
            icon=":material/info:",
        )
        st.page_link(MAIN_PAGE, label="Về trang chính", icon=":material/home:")
        return
    with panels.guard(("mở kho dữ liệu", "opening the store"), stop=True):
        store = data.open_store(path)
    account = signin.require(store)
    st.header("Báo cáo tình hình Nhân dân")
    with panels.guard(("đọc danh sách thôn", "reading the hamlets"), stop=True):
        names = _hamlet_names(_layer(store, "hamlets"))
    own = [h for h in names if account.access.may_report_mood(h)]
    if not own:
        role = ROLES.get(account.role, account.role)
        if account.role == "party_cell":
            st.warning(
                f"Tài khoản {md(account.name)} chưa được gán thôn nào có trong dữ liệu, nên chưa gửi được báo cáo. "
                "Xin liên hệ quản trị hệ thống để được gán thôn.",
                icon=":material/info:",
            )
        else:
            st.info(
                f"Trang này dành cho chi bộ thôn gửi báo cáo tình hình Nhân dân hằng tuần. Tài khoản "
                f"{md(account.name)} ({md(role)}) không gửi báo cáo ở đây; mời anh/chị xem số liệu ở trang chính.",
                icon=":material/info:",
            )
        st.page_link(MAIN_PAGE, label="Về trang chính", icon=":material/home:")
        _account_line(store, account)
        signin.keep()  # last: a reload of this phone's browser stays signed in
        return
    today = today_in_vietnam()
    monday, sunday = iso_week(today)
    st.markdown(f"**Tuần {fmt_date(monday)} – {fmt_date(sunday)}** · hôm nay {fmt_date(today)}")
    if len(own) > 1:
        hamlet = str(st.radio("Thôn", own, key=HAMLET, format_func=lambda h: names.get(h, h), width="stretch"))
    else:
        hamlet = own[0]
        st.markdown(f"**{md(names[hamlet])}**")
    _problem("hamlet_id")
    done = st.session_state.get(DONE)
    if done:
        st.success(
            f"Đã gửi báo cáo tuần {md(done['week'])} của {md(_of_hamlet(done['hamlet']))}: **{md(done['mood'])}**"
            + (" (thay báo cáo gửi trước đó trong ngày)." if done["replaced"] else "."),
            icon=":material/check_circle:",
        )
    else:
        with panels.guard(("đọc báo cáo tuần này", "reading this week's reports")):
            _week_status(store, hamlet, names[hamlet], today)
    with st.form(FORM, border=False):
        st.radio("Tình hình Nhân dân", list(MOODS.keys), key=MOOD, index=None, format_func=MOODS.label, width="stretch")
        _problem("mood")
        st.text_area(
            "Nội dung (ngắn gọn)",
            key=NOTE,
            max_chars=NOTE_LIMIT,
            height=120,
            placeholder="Ví dụ: Một số hộ hỏi về giá bồi thường đất vườn.",
        )
        _problem("note")
        for field in ("report_date", "reporter", "store"):
            _problem(field)
        st.form_submit_button(
            "Gửi báo cáo",
            type="primary",
            icon=":material/send:",
            width="stretch",
            on_click=_submit,
            args=(store, names, own),
        )
    if done:
        st.session_state.pop(DONE, None)  # shown once: the next visit shows the week's state again
    st.page_link(MAIN_PAGE, label="Về trang chính", icon=":material/home:")
    _account_line(store, account)
    signin.keep()  # last: a reload of this phone's browser stays signed in


UNREPORTED_KEY = "open_unreported"
"""Session key: whether the main page's section of party cells not reported is open."""


def unreported_expander(ws: geo.Workspace, as_of: date, store: Store | None) -> None:
    """The main page's list of the party cells (one per hamlet) with no report in the week of ``as_of``.

    Each hamlet by name, with its party cell's name where the hamlets layer gives one and, on a store,
    the accounts that report for it (:func:`geo.entry.mood.party_cell_accounts`).
    """
    names = _hamlet_names(ws.hamlets)
    missing = unreported(ws.field_reports, list(names), as_of)
    this_week = iso_week(as_of) == iso_week(today_in_vietnam())
    when = "tuần này" if this_week else f"tuần {week_label(as_of)}"
    when_en = "this week" if this_week else f"the week {week_label(as_of)}"
    label = f"Chi bộ chưa báo cáo {when} ({len(missing)}) / Party cells not reported {when_en}"
    box = panels.folded(label, UNREPORTED_KEY, ":material/campaign:")
    if box is not None:
        with box:
            _unreported_list(ws, names, missing, when, when_en, as_of, store)


def _unreported_list(
    ws: geo.Workspace,
    names: dict[str, str],
    missing: list[str],
    when: str,
    when_en: str,
    as_of: date,
    store: Store | None,
) -> None:
    """The folded section's content: the week, then each party cell not reported (or that all have)."""
    st.caption(
        f"Tuần {week_label(as_of)}, tuần có ngày số liệu {fmt_date(as_of)}. Chi bộ gửi báo cáo từ điện thoại ở "
        f"địa chỉ /{URL_PATH} của bảng điều khiển. / The week of the as-of date; party cells report from a "
        f"phone at the dashboard's address /{URL_PATH}."
    )
    if not missing:
        st.success(f"Mọi chi bộ đã báo cáo {when}. / Every party cell has reported {when_en}.")
        return
    accounts = party_cell_accounts(store) if store is not None else {}
    cells = (
        dict(zip(ws.hamlets["hamlet_id"].astype(str), ws.hamlets["party_cell"], strict=True))
        if "party_cell" in ws.hamlets
        else {}
    )
    lines = []
    for hamlet in missing:
        cell = cells.get(hamlet)
        parts = [f"**{md(names[hamlet])}**"]
        if cell is not None and pd.notna(cell) and str(cell).strip():
            parts.append(md(cell))
        if hamlet in accounts:
            parts.append("tài khoản / account: " + ", ".join(f"`{md(a)}`" for a in accounts[hamlet]))
        elif store is not None:
            parts.append("chưa có tài khoản chi bộ / no party-cell account")
        lines.append("- " + " — ".join(parts))
    st.markdown("\n".join(lines))


if __name__ == "__main__":  # run as the page ``/bc`` by dashboard/app.py's router
    show()
