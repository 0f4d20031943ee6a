"""Tiến độ giải phóng mặt bằng và công tác dân vận — the main page (``/``), run by ``dashboard/app.py``.

Reads like the page it draws: filters in the sidebar, headline figures, the
map, then the per-hamlet table, progress per project, grievances and the
hamlet page. Meeting mode (one click, or ``?meeting=1``) keeps the map, the
figures and the hot hamlets only, in large type, without personal data.
Every part is drawn under :func:`dashboard.panels.guard`: an error nobody
foresaw shows which part failed and what to do, not Streamlit's crash page.
On a store followed live (no ``--at``), the page redraws itself within seconds of a change made
elsewhere (an upload, a party cell's report from a phone): :func:`follow_store`.
"""

from __future__ import annotations

import streamlit as st

import geo
from dashboard import data, downloads, filters, mapview, panels, report_page, signin, text
from dashboard.assets import ensure_assets
from geo.maps import selection_title
from geo.source import is_store

HEAD_CHECK_SECONDS = 10  # how often an open page asks the store for its head changeset (one indexed query)


@st.fragment(run_every=HEAD_CHECK_SECONDS)
def follow_store(path: str, drawn: int | None) -> None:
    """Rerun the whole page when the store's head has moved on since ``drawn`` (the head this page shows).

    Draws nothing; every :data:`HEAD_CHECK_SECONDS` it asks the store for its head, and a new changeset
    (someone's upload, edit or report) reruns the page, whose cached data is keyed on the head
    (:func:`dashboard.data.stamp`): the map and every figure follow without anyone touching the page.
    """
    try:
        head = data.open_store(path).head()
    except Exception:  # noqa: BLE001 — a store unreachable for a moment: the next check tries again
        return
    if drawn is not None and head != drawn:
        st.rerun()


meeting_link = st.query_params.get("meeting") == "1"
# every part of the page under panels.guard: an error nobody foresaw names the part and what to do, never
# Streamlit's crash page; a part the rest needs (the data, the filters, the analysis) stops the page there
with panels.guard(("đọc dữ liệu", "loading the workspace"), stop=True):
    asset_problems = ensure_assets()
    path = data.resolve_workspace(data.workspace_argument())
# a store asks for sign-in before anything of its data is read for the page (signin.require stops the
# script there); the workspace every part reads is then restricted to the account (geo.access.restrict)
account = None
if is_store(path):
    with panels.guard(("mở kho dữ liệu", "opening the store"), stop=True):
        signin_store = data.open_store(path)
    account = signin.require(signin_store)
access = None if account is None else account.access
with panels.guard(("đọc dữ liệu", "loading the workspace"), stop=True):
    ws, key = data.load(path, data.at_argument(), access)
if not ws.report.ok:
    with panels.guard(("hiện danh sách lỗi", "the problem page")):
        panels.validation_page(path, ws)
    st.stop()

if account is not None and not account.access.forced_meeting:
    signin.sidebar(data.open_store(path), account)
elif account is None:
    with st.sidebar:  # beside the filters, so a meeting screen's layout is the same with or without it
        signin.no_sign_in_note()
with panels.guard(("đọc bộ lọc", "the filters"), stop=True):
    opts = filters.options(ws)
    ignored = filters.seed_from_url(opts, () if access is None else access.landing)
    sel = filters.sidebar(opts)
with st.sidebar, panels.guard(("chuẩn bị nút xuất báo cáo", "the export buttons")):
    # on a store every download is audited; personal data only where the account may export them, never in
    # meeting mode (the switch's value as this run starts: it is drawn further down)
    meeting_now = bool(st.session_state.get(filters.KEYS["meeting"])) or (access is not None and access.forced_meeting)
    downloads.panel(
        ws,
        sel,
        None if account is None else data.open_store(path),
        account,
        lambda: data.whole(path, key),
        meeting_now,
    )
with st.sidebar, panels.guard(("lập bản tin cho nhóm Zalo", "the brief for the Zalo group")):
    from dashboard.brief import show as show_brief
    from geo.entry.mood import unreported

    # no personal data: shown in meeting mode too; the party cells not reported in the week of the as-of date
    show_brief(ws, path, key, sel, unreported(ws.field_reports, ws.hamlets, sel.as_of))
with panels.guard(("phân tích dữ liệu", "the analysis"), stop=True):
    an = data.analyse(path, key, sel)

meeting = meeting_link or (access is not None and access.forced_meeting)
with panels.guard(("hiện tiêu đề", "the title")):
    title, switch = st.columns([4, 1.25], vertical_alignment="center")
    with switch:
        meeting = filters.meeting_toggle(forced=access is not None and access.forced_meeting)
        if account is not None and account.access.forced_meeting:  # its sidebar is hidden: sign-out here
            signin.account_box(data.open_store(path), account)
    st.html(text.page_css(meeting))
    # one line in meeting mode: the short name of the work (GPMB) and the workspace
    title.title(f"{'Tiến độ GPMB' if meeting else 'Tiến độ giải phóng mặt bằng'} — {text.md(ws.name)}")
    source = data.source_label(ws)
    st.caption(f"{text.md(selection_title(ws, an.slice))} · dữ liệu / workspace: {text.md(source)}")
disclosure = filters.disclosure(meeting, access)  # what personal data the page may show: one value for every part
if ignored:
    st.warning("Bỏ qua giá trị không có trong dữ liệu / ignored: " + text.md(", ".join(ignored)))
if asset_problems:
    st.error("Không chép được thư viện bản đồ / cannot copy map assets: " + text.md("; ".join(asset_problems)))

with panels.guard(("tính các số liệu chính", "the headline figures")):
    panels.headline(an, meeting)
with panels.guard(("vẽ bản đồ", "the map")):
    drawn = data.map_script(path, key, sel, disclosure, meeting, filters.basemap())
    mapview.show_map(ws, data.display(path, key), an, disclosure, meeting, filters.basemap(), drawn)

if meeting:
    st.caption(
        "Chế độ họp: bộ lọc ẩn, không có thông tin cá nhân. Tắt chế độ họp để đổi bộ lọc. / "
        "Meeting mode: filters hidden, no personal data."
    )
    st.subheader("Thôn cần chú ý / Hamlets to watch")
    with panels.guard(("liệt kê thôn cần chú ý", "the hamlets to watch")):
        panels.hotspot_list(an)
else:
    # only the open tab's content is computed and sent (a tab click reruns the page): a filter change
    # costs the map and one tab, not four
    table, progress, grievances, hamlet = st.tabs(list(panels.TABS), key=filters.KEYS["tab"], on_change="rerun")
    if table.open:
        with table, panels.guard(("lập bảng tổng hợp theo thôn", "the per-hamlet table")):
            panels.summary_table(an, data.open_store(path) if account is not None else None, account)
    if progress.open:
        with progress, panels.guard(("vẽ tiến độ theo dự án", "the progress chart")):
            panels.progress_chart(ws, data.weekly(path, key, sel))
    if grievances.open:
        with grievances, panels.guard(("vẽ biểu đồ đơn thư", "the grievance charts")):
            panels.grievance_charts(an)
            from dashboard.grievance_forms import show as grievance_forms  # receive a grievance, move one on

            grievance_forms(path, key, account)
    if hamlet.open:
        with hamlet, panels.guard(("hiện trang thôn", "the hamlet page")):
            panels.hamlet_page(ws, an, disclosure, data.open_store(path) if account is not None else None, account)
    with panels.guard(("liệt kê cảnh báo dữ liệu", "the data warnings")):
        panels.warnings_expander(ws)
    if ws.source.kind == "store":  # uploads (diff, then confirm) and the history, on the store as the app opened it
        from dashboard.history import show as show_history
        from dashboard.upload import show as show_upload

        show_upload(data.open_store(path), ws.source.changeset, disclosure, account, ws)
        # the history (and rollback) for the administrator only; it reads the store itself: personal data
        # there only for roles that see every hamlet's
        if access is None or access.sees_history:
            whole = access is None or access.personal_hamlets is None
            personal = disclosure is geo.Disclosure.PERSONAL
            show_history(data.open_store(path), disclosure if whole or not personal else geo.Disclosure.INTERNAL)
        if account is not None and account.access.sees_audit:  # the audit trail: the administrator only
            from dashboard.audit import show as show_audit

            show_audit(data.open_store(path), account)
    if access is None or access.role != "party_cell":  # which party cells have not reported this week
        with panels.guard(("liệt kê chi bộ chưa báo cáo", "the party cells not reported")):
            report_page.unreported_expander(ws, sel.as_of, data.open_store(path) if account is not None else None)
    else:  # a party cell: its weekly report is one tap away (the page /bc)
        st.page_link(report_page.PAGE_FILE, label="Gửi báo cáo tình hình tuần / Weekly report", icon=":material/send:")

with panels.guard(("ghi bộ lọc vào đường dẫn", "the page link")):
    filters.write_url(filters.to_params(sel, meeting, filters.basemap(), opts.default_as_of))
if ws.source.kind == "store" and data.at_argument() is None:  # a report or an upload made elsewhere redraws the page
    follow_store(str(path), key[1])
if account is not None:
    signin.keep()  # last: a reload or a new tab of this browser stays signed in
