"""The page's panels: validation page, headline figures, tables, charts and the hamlet page.

Everything shown here follows the one selection; data values go through
``st.dataframe`` / ``st.metric`` or :func:`dashboard.text.md`, never raw Markdown.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import geo
from geo.disclosure import Disclosure
from geo.exports._common import scrub_personal
from geo.formatting import is_missing
from geo.hotspots.scope import is_hamlet_wide, level_label
from geo.outputs import export_stem, spreadsheet_safe
from geo.schema import KINDS, STAGES, STATUSES, TOPICS
from geo.summary import SUMMARY_COLUMNS, SUMMARY_LABELS, reconcile, write_summary_csv
from geo.text import printable
from geo.vocabulary import (
    GRIEVANCE_STATES,
    LEVEL_LABELS,
    LEVELS_WORST_FIRST,
    RISK_LEVELS,
    join_reasons,
    reason_items,
    with_joined_reasons,
)

from . import figures
from .cards import Card, cards_html
from .data import Analysis
from .downloads import file_data
from .tables import ROW_LIMIT, Decimals, html_table, vn_number
from .text import (
    AGREEMENT_LABELS,
    MOOD_LABELS,
    PROBLEM_HEADERS,
    SEVERITY,
    fmt_date,
    fmt_number,
    md,
    pct,
)

if TYPE_CHECKING:
    from geo.store import Store
    from geo.store.accounts import Account

LEVEL_ORDER = {lvl: i for i, lvl in enumerate(LEVELS_WORST_FIRST)}  # the worst first
BADGE_COLOURS = {"hotspot": "red", "risk": "orange", "watch": "yellow", "none": "gray"}
"""Streamlit's badge colour of each level."""
LEVEL_BADGE = {lvl: f":{BADGE_COLOURS[lvl]}-badge[{LEVEL_LABELS[lvl]}]" for lvl in LEVELS_WORST_FIRST}
WIDE_BADGE = " :gray-badge[cả thôn / hamlet-wide]"
"""Beside the level of a hamlet-wide alert under a project filter (not one of the project's hotspots)."""


TABS = (
    ":material/table: Tổng hợp theo thôn",
    ":material/show_chart: Tiến độ theo dự án",
    ":material/mail: Đơn thư",
    ":material/home_pin: Trang thôn",
)
"""The main page's tabs under the map, the first open when a page opens. Only the open tab's content is
computed and sent (``st.tabs(..., on_change="rerun")``; which is open: ``st.session_state[filters.KEYS["tab"]]``,
its label)."""


# --------------------------------------------------------------------------- unforeseen errors


@contextmanager
def guard(what: tuple[str, str], stop: bool = False) -> Iterator[None]:
    """Draw one part of the page; an error nobody foresaw shows :func:`unexpected_error`, not a crash page.

    ``what`` names the part (Vietnamese, English). The rest of the page is
    still drawn, unless ``stop`` (the later parts need this one). Streamlit's
    own stop and rerun signals are not ``Exception``s and pass through.
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the page's one net for what nobody foresaw
        unexpected_error(what, exc, rest_shown=not stop)
        if stop:
            st.stop()


def folded(label: str, key: str, icon: str | None = None) -> DeltaGenerator | None:
    """A section under the tabs, folded: its content is drawn only while it is open; None while folded.

    Opening or closing it reruns the page (as a tab does), so a folded section costs the first view its
    header only: its elements are neither made on the server nor drawn in the browser. ``key`` keeps
    it open from one run to the next.
    """
    box = st.expander(label, key=key, icon=icon, on_change="rerun")
    return box if box.open else None


def unexpected_error(what: tuple[str, str], exc: BaseException, rest_shown: bool = True) -> None:
    """A clear message naming the part that failed, the kind of error and what to do.

    The error's own text may quote data (a name, an amount) and the page may
    be on a meeting-room projector: it goes, with the traceback, to the log
    in the dashboard's terminal only.
    """
    logging.getLogger(__name__).error("dashboard: %s failed", what[1], exc_info=exc)
    st.error(
        f"**Lỗi không mong đợi khi {md(what[0])} / Unexpected error in {md(what[1])}** "
        f"({md(type(exc).__name__)})  \n"
        + ("Các phần khác của trang vẫn dùng được. " if rest_shown else "")
        + "Tải lại trang (F5); nếu lỗi vẫn còn, chạy "
        "`python -m geo validate THƯ_MỤC` để kiểm tra dữ liệu và gửi thông báo này cho người phụ trách kỹ thuật "
        "(chi tiết ở cửa sổ chạy bảng điều khiển). / Reload the page (F5); if it persists, check the data with "
        "`python -m geo validate FOLDER` and send this message to your technical contact (details are in the "
        "dashboard's terminal).",
        icon=":material/error:",
    )


# --------------------------------------------------------------------------- validation


def validation_page(path: Path, ws: geo.Workspace) -> None:
    """The page for a workspace with errors: every problem with where it is and its fix in full, no traceback."""
    report = ws.report
    st.title("Dữ liệu chưa dùng được / The workspace has errors")
    st.error(
        f"Thư mục **{shown(path)}** có {len(report.errors)} lỗi và {len(report.warnings)} cảnh báo. "
        "Sửa các lỗi dưới đây rồi tải lại trang (F5). / Fix the errors below, then reload the page."
    )
    st.subheader(f"Lỗi / Errors ({len(report.errors)})")
    problem_list(report.errors)
    if report.warnings:
        st.subheader(f"Cảnh báo / Warnings ({len(report.warnings)})")
        problem_list(report.warnings)
    st.caption("Cùng danh sách này: `python -m geo validate THƯ_MỤC` / The same list from the command line.")


def shown(value: object) -> str:
    """A problem's text for Markdown: control and direction characters as visible escapes, then escaped."""
    return md(printable(str(value)))


WARNINGS_KEY = "open_warnings"
"""Session key: whether the data warnings' section is open (:func:`folded`)."""


def warnings_expander(ws: geo.Workspace) -> None:
    """Warnings of a usable workspace, folded away (:func:`folded`); each with its fix in full."""
    if not ws.report.warnings:
        return
    box = folded(f"{len(ws.report.warnings)} cảnh báo về dữ liệu / data warnings", WARNINGS_KEY, ":material/warning:")
    if box is not None:
        with box:
            problem_list(ws.report.warnings)


def problem_list(problems: list[geo.Problem]) -> None:
    """Problems as a numbered list: severity, where (file, setting, column, rows), what is wrong, the fix.

    Nothing is cut: the message and the fix wrap as long as they are. Every
    text goes through :func:`shown`, so a value quoted from the data stays
    text and a control character in a file name shows as an escape.
    """
    items = []
    for i, p in enumerate(problems, 1):
        badge = f":red-badge[{SEVERITY['error']}]" if p.is_error else f":orange-badge[{SEVERITY['warning']}]"
        items.append(
            f"{i}. {badge} **{shown(p.where())}**  \n"
            f"   {shown(p.message)}  \n"
            f"   **{PROBLEM_HEADERS['fix']}:** {shown(p.fix)}"
        )
    st.markdown("\n".join(items))


# --------------------------------------------------------------------------- headline


def headline(an: Analysis, meeting: bool = False) -> figures.Headline:
    """The headline figures as one block of cards (aggregates only, :func:`dashboard.cards.cards_html`);
    framed and large in meeting mode."""
    h = an.headline
    cards = [
        Card("Số hộ bị thu hồi đất", fmt_number(h.households)),
        Card("Hộ đã bàn giao", pct(h.handover_pct), f"{fmt_number(h.handed_over)} hộ"),
        Card("Diện tích đã bàn giao", pct(h.area_handed_over_pct), f"trên {fmt_number(h.area_m2 / 10000, 2)} ha"),
        Card("Hộ đã nhận tiền", fmt_number(h.paid), f"{fmt_number(h.compensation_paid_vnd / 1e9, 2)} tỷ đồng"),
        Card("Đơn thư chưa giải quyết", fmt_number(h.grievances_open)),
        Card("Đơn thư quá hạn", fmt_number(h.grievances_overdue)),
        Card(
            LEVEL_LABELS["hotspot"],
            fmt_number(h.hotspots),
            f"{h.risk} {LEVEL_LABELS['risk'].lower()} · {h.watch} {LEVEL_LABELS['watch'].lower()}"
            + (f" · thêm {h.hamlet_wide} cảnh báo cả thôn" if h.hamlet_wide else ""),
        ),  # not the project's
    ]
    st.html(cards_html(cards, framed=meeting))
    return h


def hotspot_list(an: Analysis) -> None:
    """Hamlets at risk or hotspot level with their reasons (no personal data)."""
    s = an.summary[an.summary["hotspot_level"].isin(RISK_LEVELS)].copy()
    if not len(s):
        st.success("Không có thôn ở mức nguy cơ hoặc điểm nóng. / No hamlet at risk or hotspot level.")
        return
    s["order"] = s["hotspot_level"].map(LEVEL_ORDER)
    s = s.sort_values(["order", "hotspot_score"], ascending=[True, False])
    lines = [
        f"- {LEVEL_BADGE[r.hotspot_level]}{WIDE_BADGE if getattr(r, 'hamlet_wide', False) else ''} "
        f"**{md(r.hamlet_name)}**: {md(join_reasons(r.hotspot_reasons))}"
        for r in s.itertuples()
    ]
    st.markdown("\n".join(lines))


# --------------------------------------------------------------------------- summary table


SUMMARY_DECIMALS: dict[str, Decimals] = {
    "parcels_affected": 0,
    "area_affected_m2": 1,
    "households": 0,
    "households_handed_over": 0,
    "handover_pct": "%",
    "area_handed_over_pct": "%",
    "households_paid": 0,
    "compensation_paid_vnd": 0,
    "grievances_open": 0,
    "grievances_overdue": 0,
    "max_signatories_open": 0,
}
"""How the summary's numbers are written on screen: decimals, or ``"%"`` for a percentage (two decimals)."""

_SHOWN_DECIMALS: dict[str, Decimals] = {SUMMARY_LABELS[c]: d for c, d in SUMMARY_DECIMALS.items()}
""":data:`SUMMARY_DECIMALS` by the Vietnamese headers the table shows."""


def vn_table(frame: pd.DataFrame, decimals: dict[str, Decimals]):
    """``frame`` for ``st.dataframe`` with Vietnamese numbers shown, the numbers kept (so columns sort as numbers)."""
    return frame.style.format({col: vn_number(d) for col, d in decimals.items() if col in frame.columns})


def summary_frame(summary: pd.DataFrame) -> pd.DataFrame:
    """The per-hamlet rows with Vietnamese level names (hamlet-wide alerts labelled), the reasons on one line."""
    s = with_joined_reasons(summary[list(SUMMARY_COLUMNS)])
    wide = is_hamlet_wide(summary)
    s["hotspot_level"] = [level_label(lvl, w) for lvl, w in zip(summary["hotspot_level"], wide)]
    return s


@dataclass(frozen=True)
class SummaryView:
    """The per-hamlet table as the page shows it, made once per analysis (:func:`summary_view`)."""

    hamlets: pd.DataFrame  # one row per hamlet, Vietnamese headers, numbers kept
    ranks: pd.Series  # each hamlet's alert level by its place among the levels, the worst 0 (on hamlets' index)
    under: pd.DataFrame  # the rows under the hamlets: not placed, overlap, total (those there), same headers
    under_classes: tuple[str, ...]  # each under row's class in the HTML table (tables.html_table)
    note: str | None  # why the rows under the hamlets are needed, where they are
    stem: str  # the downloads' file name stem
    vi: bytes  # the CSV for Excel
    canonical: bytes  # the canonical CSV
    html: dict[str, str] = dataclasses.field(default_factory=dict, repr=False, compare=False)  # the table, by order


def summary_html(view: SummaryView, order: str) -> str:
    """The per-hamlet table of ``view`` in ``order`` as HTML (:func:`dashboard.tables.html_table`): made
    once per order and kept with the view, so a rerun only sends it (a province's 300 rows: 0.014 s)."""
    made = view.html.get(order)
    if made is None:
        hamlets = sorted_hamlets(view, order)
        shown = pd.concat([hamlets.iloc[:ROW_LIMIT], view.under], ignore_index=True)
        first_under = min(len(hamlets), ROW_LIMIT)
        classes = {first_under + i: c for i, c in enumerate(view.under_classes)}
        made = view.html[order] = html_table(shown, _SHOWN_DECIMALS, classes)
    return made


_views: weakref.WeakKeyDictionary[Analysis, SummaryView] = weakref.WeakKeyDictionary()
_views_lock = threading.Lock()


def summary_view(an: Analysis) -> SummaryView:
    """The per-hamlet table of ``an``: made once per analysis object and kept while the analysis is (the
    dashboard keeps one per selection for every session), so a rerun only draws it."""
    with _views_lock:
        view = _views.get(an)
    if view is None:
        view = _make_summary_view(an)
        with _views_lock:
            _views[an] = view
    return view


def _make_summary_view(an: Analysis) -> SummaryView:
    rec = reconcile(an.slice, an.summary)
    hamlets = summary_frame(an.summary).rename(columns=SUMMARY_LABELS)
    rows = rec.rows()
    under = with_joined_reasons(pd.DataFrame(rows)[list(SUMMARY_COLUMNS)]).rename(columns=SUMMARY_LABELS)
    vi, canonical = summary_csvs(an.summary, rows)
    return SummaryView(
        hamlets=hamlets,
        ranks=an.summary["hotspot_level"].map(LEVEL_ORDER).fillna(len(LEVEL_ORDER)).astype(int),
        under=under,
        under_classes=tuple("geo-total" if r is rec.total else "geo-under" for r in rows),
        note=rec.note if rec.needed else None,
        stem=f"tong_hop_thon_{export_stem(an.slice.selection)}",
        vi=vi,
        canonical=canonical,
    )


SUMMARY_ORDER_KEY = "summary_order"
"""The session key of the per-hamlet table's order (:data:`SUMMARY_ORDERS`)."""
HAMLET_ORDER = "Thứ tự thôn / hamlet order"
WORST_FIRST = "Mức cảnh báo, nặng nhất trước / alert level, worst first"
SUMMARY_ORDERS = (HAMLET_ORDER, WORST_FIRST, *(SUMMARY_LABELS[c] for c in SUMMARY_DECIMALS))
"""The per-hamlet table's orders: as the hamlets are listed, the worst alert first, or a number's largest
first (by its header)."""


def _order_label(order: str) -> str:
    return order if order in (HAMLET_ORDER, WORST_FIRST) else f"{order} — lớn nhất trước / largest first"


def sorted_hamlets(view: SummaryView, order: str) -> pd.DataFrame:
    """The hamlets' rows of ``view`` in ``order`` (one of :data:`SUMMARY_ORDERS`); ties and blanks keep the
    hamlets' order, blanks last."""
    if order == WORST_FIRST:
        return view.hamlets.loc[view.ranks.sort_values(kind="stable").index]
    if order in view.hamlets.columns and order != HAMLET_ORDER:
        return view.hamlets.sort_values(order, ascending=False, kind="stable", na_position="last")
    return view.hamlets


def summary_table(an: Analysis, store: Store | None = None, account: Account | None = None) -> None:
    """The per-hamlet summary: Vietnamese headers and numbers, in the order chosen, downloadable.

    On a store, ``store`` and the signed-in ``account``: each CSV downloaded is a row of the audit
    (:func:`dashboard.downloads.file_data`).

    One HTML table (:func:`dashboard.tables.html_table`): the hamlets (at most
    :data:`~dashboard.tables.ROW_LIMIT`, the first in the order chosen), then "Chưa xác định thôn" where
    household rows or grievances have no hamlet, the households counted in more than one row, and the
    total, which equals the headline (:func:`geo.summary.reconcile`), and the note saying why.
    """
    view = summary_view(an)
    order = st.selectbox(
        "Xếp theo / Sort by", SUMMARY_ORDERS, format_func=_order_label, key=SUMMARY_ORDER_KEY, width=420
    )
    st.html(summary_html(view, order))
    if len(view.hamlets) > ROW_LIMIT:
        st.caption(
            f"{fmt_number(ROW_LIMIT)} trong {fmt_number(len(view.hamlets))} thôn, đầu tiên theo thứ tự đã chọn; "
            f"cả bảng trong tệp CSV. / The first {ROW_LIMIT:,} of {len(view.hamlets):,} hamlets in the order "
            "chosen; the whole table is in the CSV."
        )
    if view.note:
        st.caption(md(view.note))
    c1, c2 = st.columns(2)
    c1.download_button(
        "Tải bảng (CSV, tiêu đề tiếng Việt, mở bằng Excel)",
        file_data(f"{view.stem}.csv", lambda: view.vi, store, account),
        f"{view.stem}.csv",
        "text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    c2.download_button(
        "CSV cột chuẩn / canonical columns",
        file_data(f"{view.stem}_en.csv", lambda: view.canonical, store, account),
        f"{view.stem}_en.csv",
        "text/csv",
        icon=":material/download:",
        on_click="ignore",
    )


def summary_csvs(summary: pd.DataFrame, under: list[dict] | tuple = ()) -> tuple[bytes, bytes]:
    """The summary table's two downloads: ``(CSV for Excel, canonical CSV)``.

    The first, for people, has a byte-order mark, Vietnamese headers and
    levels, and ``under`` the hamlets the rows that make it add up (not placed,
    overlap, total: :func:`geo.summary.reconcile`); the second is what
    ``python -m geo summary`` writes, one row per hamlet. In both, a text cell
    that a spreadsheet would read as a formula (a hamlet named
    ``=HYPERLINK(…)``) starts with an apostrophe; numbers stay numbers.
    """
    s = summary_frame(summary)
    if len(under):
        s = with_joined_reasons(pd.concat([s, pd.DataFrame(list(under))[list(SUMMARY_COLUMNS)]], ignore_index=True))
    vi = spreadsheet_safe(s.rename(columns=SUMMARY_LABELS)).to_csv(index=False).encode("utf-8-sig")
    buf = io.StringIO()
    write_summary_csv(summary, buf)
    return vi, buf.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- progress


def progress_chart(ws: geo.Workspace, series: pd.DataFrame) -> None:
    """Weekly share of households handed over per project (:func:`dashboard.data.weekly`), against its deadline."""
    if not len(series):
        st.info("Chưa có lịch sử các bước để vẽ tiến độ. / No stage history to plot progress.")
        return
    dl = figures.deadlines(ws, series["project_id"].unique())
    x = alt.X("week:T", title="Tuần (đến ngày)", axis=alt.Axis(format="%d/%m/%Y", labelAngle=-30))
    colour = alt.Color("project_name:N", title="Dự án", legend=alt.Legend(orient="bottom", columns=1, labelLimit=480))
    line = (
        alt.Chart(series)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("share_pct:Q", title="Tỷ lệ hộ đã bàn giao (%)", scale=alt.Scale(domain=[0, 100])),
            color=colour,
            tooltip=[
                alt.Tooltip("project_name:N", title="Dự án"),
                alt.Tooltip("week:T", title="Đến ngày", format="%d/%m/%Y"),
                alt.Tooltip("handed_over:Q", title="Hộ đã bàn giao"),
                alt.Tooltip("households:Q", title="Tổng số hộ"),
                alt.Tooltip("share_pct:Q", title="Tỷ lệ (%)", format=".2f"),
            ],
        )
    )
    layers = [line]
    if len(dl):
        dl = dl.assign(label=[f"Hạn {fmt_date(d)}" for d in dl["deadline"]])
        rule = (
            alt.Chart(dl)
            .mark_rule(strokeDash=[6, 4], size=2)
            .encode(
                x="deadline:T",
                color=colour,
                tooltip=[
                    alt.Tooltip("project_name:N", title="Dự án"),
                    alt.Tooltip("deadline:T", title="Hạn bàn giao", format="%d/%m/%Y"),
                ],
            )
        )
        text = (
            alt.Chart(dl)
            .mark_text(align="left", dx=4, dy=-6, angle=0)
            .encode(x="deadline:T", y=alt.value(12), text="label:N", color=colour)
        )
        layers += [rule, text]
    chart = alt.layer(*layers).properties(height=360).configure(locale={"number": figures.VEGA_NUMBER_LOCALE})
    st.altair_chart(chart, width="stretch")
    st.caption(
        "Đường nét đứt: hạn bàn giao mặt bằng của dự án. Mẫu số: mọi hộ của dự án trong các thôn, loại đất "
        "đã chọn. / Dashed line: the project's handover deadline."
    )


# --------------------------------------------------------------------------- grievances


def grievance_charts(an: Analysis) -> None:
    """Grievances received by the as-of date, by kind, topic and status (Vietnamese labels)."""
    g = an.slice.grievances
    if not len(g):
        st.info("Không có đơn thư trong lựa chọn. / No grievances in the selection.")
        return
    g = g.assign(
        state=g["is_overdue"]
        .map({True: GRIEVANCE_STATES.label("overdue")})
        .fillna(g["is_open"].map({True: GRIEVANCE_STATES.label("open"), False: GRIEVANCE_STATES.label("closed")}))
    )
    states = [GRIEVANCE_STATES.label(k) for k in GRIEVANCE_STATES.keys]
    cols = st.columns(3)
    charts = (
        ("kind", KINDS, "Theo loại đơn"),
        ("topic", TOPICS, "Theo nội dung"),
        ("status", STATUSES, "Theo trạng thái"),
    )
    for col, (field, enum, title) in zip(cols, charts):
        frame = g.assign(label=g[field].map(lambda v, e=enum: e.label(v) if isinstance(v, str) else "Không rõ"))
        order = [lab for lab in [*(enum.label(k) for k in enum.keys), "Không rõ"] if lab in set(frame["label"])]
        wide = (
            frame.groupby(["label", "state"])
            .size()
            .unstack(fill_value=0)
            .reindex(index=order, columns=states, fill_value=0)
            .rename_axis(None, axis=1)
            .reset_index()
        )
        wide = wide.rename(columns={"label": title})
        col.markdown(f"**{title}**")
        col.bar_chart(
            wide,
            x=title,
            y=states,
            color=["#b2182b", "#f4a582", "#bababa"],
            horizontal=True,
            stack=True,
            sort=False,
            x_label="",
            y_label="Số đơn",
            height=34 * len(order) + 120,
        )
    st.caption(
        f"{len(g)} đơn nhận đến ngày {fmt_date(an.slice.selection.as_of)}; "
        f"{int(g['is_open'].sum())} chưa giải quyết, {int(g['is_overdue'].sum())} quá hạn."
    )


# --------------------------------------------------------------------------- hamlet page

HOUSEHOLDS_TOGGLE = "hamlet_households"
"""The session key of the hamlet page's "Show households" toggle (off until the user asks)."""


def hamlet_page(
    ws: geo.Workspace, an: Analysis, disclosure: Disclosure, store: Store | None = None, account: Account | None = None
) -> None:
    """One hamlet: officer, party cell, level and reasons, latest field reports, open grievances, households.

    ``disclosure`` (the page's one :class:`geo.disclosure.Disclosure`) decides
    what personal data may appear: only with ``PERSONAL`` the grievance
    numbers, and — once the user asks for them with the toggle "Hiện danh sách
    hộ / Show households" (off by default, kept for the session) — the
    household list (names, ids, parcels, amounts) and the reports' notes as
    written. Until then, as below ``PERSONAL``, the households are counted per
    step and agreement and the notes have names, ids and amounts masked: a page
    load sends no household's name (issue 16: personal details on demand).

    On a store (``store`` and the signed-in ``account``), the form "Ghi bước của hộ / Record a
    household's step" follows, for the accounts that record steps (:mod:`dashboard.step_form`).
    """
    s = an.summary.assign(order=an.summary["hotspot_level"].map(LEVEL_ORDER))
    s = s.sort_values(["order", "hotspot_score"], ascending=[True, False])
    if not len(s):
        st.info("Không có thôn nào trong lựa chọn. / No hamlet in the selection.")
        return
    names = dict(zip(s["hamlet_id"], s["hamlet_name"]))
    hid = st.selectbox(
        "Chọn thôn / Hamlet",
        list(s["hamlet_id"]),
        key="hamlet_page",
        format_func=lambda h: f"{names[h]} ({level_label(_level(s, h), _wide(s, h))})",
    )
    row = s[s["hamlet_id"] == hid].iloc[0]
    info = ws.hamlets[ws.hamlets["hamlet_id"] == hid]
    officer = info["officer"].iloc[0] if len(info) and "officer" in info else None
    cell = info["party_cell"].iloc[0] if len(info) and "party_cell" in info else None
    level = row["hotspot_level"]
    wide = WIDE_BADGE if _wide(s, hid) and level != "none" else ""
    st.subheader(f"{md(row['hamlet_name'])} {LEVEL_BADGE.get(level, '')}{wide}")
    st.markdown(f"**Cán bộ theo dõi:** {md(officer) or '—'}  \n**Chi bộ:** {md(cell) or '—'}")
    reasons = reason_items(row["hotspot_reasons"])
    if reasons:
        st.markdown("**Lý do cảnh báo:**\n" + "\n".join(f"- {md(r)}" for r in reasons))
    c = st.columns(4)
    c[0].metric("Số hộ", fmt_number(row["households"]))
    c[1].metric("Hộ đã bàn giao", pct(row["handover_pct"]))
    c[2].metric("Đơn thư chưa giải quyết", fmt_number(row["grievances_open"]))
    c[3].metric("Đơn thư quá hạn", fmt_number(row["grievances_overdue"]))
    # personal details only when asked for: nothing of them is sent to the browser before
    asked = disclosure.personal and st.toggle(
        "Hiện danh sách hộ / Show households",
        value=False,
        key=HOUSEHOLDS_TOGGLE,
        help="Họ tên, mã hộ, số tiền của các hộ trong thôn và nội dung báo cáo như đã ghi. / The hamlet's "
        "households by name, id and amount, and the reports' notes as written.",
    )

    fr = an.slice.field_reports
    fr = fr[fr["hamlet_id"] == hid].sort_values("report_date", ascending=False).head(8)
    st.markdown("**Báo cáo tình hình Nhân dân gần nhất / Latest field reports**")
    if len(fr):
        notes = fr["note"] if asked else fr["note"].map(lambda v: _masked(v, ws))
        st.dataframe(
            pd.DataFrame(
                {
                    "Ngày báo cáo": fr["report_date"].map(fmt_date),
                    "Tình hình": fr["mood"].map(MOOD_LABELS).fillna(fr["mood"]),
                    "Người báo cáo": fr["reporter"],
                    "Nội dung": notes,
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("Chưa có báo cáo đến ngày này. / No report up to this date.")

    g = an.slice.grievances
    g = g[(g["hamlet_id"] == hid) & g["is_open"]].sort_values("received_date")
    st.markdown("**Đơn thư chưa giải quyết / Open grievances**")
    if len(g):
        numbers = {"Số đơn": g["grievance_id"]} if disclosure.personal else {}
        st.dataframe(
            vn_table(
                pd.DataFrame(
                    {
                        **numbers,
                        "Loại": g["kind"].map(lambda v: KINDS.label(v) if isinstance(v, str) else ""),
                        "Nội dung": g["topic"].map(lambda v: TOPICS.label(v) if isinstance(v, str) else ""),
                        "Trạng thái": g["status"].map(lambda v: STATUSES.label(v) if isinstance(v, str) else ""),
                        "Ngày nhận": g["received_date"].map(fmt_date),
                        "Số người ký": g["signatories"],
                        "Quá hạn": g["is_overdue"].map({True: GRIEVANCE_STATES.label("overdue"), False: ""}),
                    }
                ),
                {"Số người ký": 0},
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("Không có đơn thư đang mở. / No open grievance.")

    hh = an.slice.households
    hh = hh[hh["hamlet_id"] == hid]
    household_counts(hh, disclosure.personal)
    if store is not None:  # the form of issue 17 point 3: a household's step, one changeset of the store
        from .step_form import show as step_form

        step_form(store, ws, hid, account, disclosure, an.selection.as_of)
    if not asked:
        return
    with st.expander(f"Danh sách hộ ({hh['household_id'].nunique()} hộ) / Households", expanded=True):
        projects = dict(zip(ws.projects["project_id"], ws.projects["project_name"]))
        st.dataframe(
            vn_table(
                pd.DataFrame(
                    {
                        "Mã hộ": hh["household_id"],
                        "Chủ hộ": hh["household_name"],
                        "Dự án": hh["project_id"].map(projects).fillna(hh["project_id"]),
                        "Thửa": hh["parcel_id"],
                        "Bước": hh["stage"].map(STAGES.label),
                        "Ngày": hh["stage_date"].map(fmt_date),
                        "DT thu hồi (m²)": hh["area_m2"].round(1),
                        "Tiền bồi thường (đồng)": pd.to_numeric(hh["compensation_vnd"], errors="coerce"),
                        "Đồng thuận": hh["agreement"].map(AGREEMENT_LABELS),
                    }
                ).sort_values(["Bước", "Mã hộ"]),
                {"DT thu hồi (m²)": 1, "Tiền bồi thường (đồng)": 0},
            ),
            hide_index=True,
            width="stretch",
        )


def household_counts(hh: pd.DataFrame, may_list: bool = False) -> None:
    """The hamlet's households counted per step and agreement: no name, id, parcel or amount.

    ``may_list``: the page may show the list on demand (``PERSONAL``); the note says how.
    """
    with st.expander(f"Số hộ theo bước ({hh['household_id'].nunique()} hộ) / Households per step"):
        counts = (
            hh.assign(
                step=pd.Categorical(hh["stage"].map(STAGES.label), [STAGES.label(k) for k in STAGES.keys]),
                agreed=hh["agreement"].map(AGREEMENT_LABELS).fillna(AGREEMENT_LABELS["unknown"]),
            )
            .groupby(["step", "agreed"], observed=True)["household_id"]
            .nunique()
            .unstack(fill_value=0)
            .reindex(columns=list(AGREEMENT_LABELS.values()), fill_value=0)
            .rename_axis(None, axis=1)
            .reset_index()
            .rename(columns={"step": "Bước"})
        )
        st.dataframe(counts, hide_index=True, width="stretch")
        st.caption(
            "Bật “Hiện danh sách hộ” để xem họ tên, mã hộ, số tiền. / Switch on “Show households” for the list."
            if may_list
            else "Danh sách hộ (họ tên, mã hộ, số tiền) chỉ hiện với quyền xem thông tin cá nhân. / "
            "The household list (names, ids, amounts) shows only where personal data may be shown."
        )


def _masked(note: object, ws: geo.Workspace) -> str:
    """A report's note with household names, ids and amounts masked (blank for none)."""
    return "" if is_missing(note) else scrub_personal(str(note), ws)


def _level(summary: pd.DataFrame, hid: str) -> str:
    return str(summary.loc[summary["hamlet_id"] == hid, "hotspot_level"].iloc[0])


def _wide(summary: pd.DataFrame, hid: str) -> bool:
    return bool(is_hamlet_wide(summary)[summary["hamlet_id"] == hid].any())
