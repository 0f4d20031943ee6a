"""Đơn thư: receive a grievance and move it on, in the "Đơn thư" tab, each saved as one changeset.

Two forms on a store, below the grievance charts (:func:`show`, the app's hook), built on
:mod:`geo.entry.grievances`:

"Tiếp nhận đơn / Receive a grievance"
    The received date and the kind first: as soon as both are chosen, the number the letter will get
    (in the office's pattern, ``[grievances] number``) and its legal deadlines ("hạn thụ lý
    30/11/2026, hạn giải quyết 30/12/2026") are shown. Then, in one form, the topic, the signatories
    (five or more: the representatives' names), the household or the hamlet, the project and a
    short summary. A refusal is shown under the field to fix; nothing is saved until every field is
    right. The saved letter's number, deadlines and changeset are named.
"Cập nhật xử lý đơn / Move a grievance on"
    A grievance picked by its number (the picker shows number, kind, hamlet, received date and
    status: never a name), its deadlines and its steps so far; then the step, its date and, for a
    dialogue, who attended and the outcome. The step and the grievance's new status are one changeset.

Who sees the forms: the administrator, an officer (its own hamlets' letters) and the clerk (the
reception desk: every hamlet); the inspector, who settles denunciations, moves them on. Never in
meeting mode, never on a folder. Personal data: the steps' attendees and notes show only to an account
that reads that hamlet's personal data; a denunciation (tố cáo), once received, is handled only by the
roles that see who denounced: the clerk who received it sees it only in the message that it was
received.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

import geo
from geo.entry import grievances as ge
from geo.formatting import fmt_date, is_missing, today_in_vietnam
from geo.schema import GRIEVANCE_STEPS_ENUM, KINDS, STATUSES, TOPICS
from geo.store import Store, StoreError, ValidationRefused
from geo.store.accounts import Account
from geo.store.upload import store_config

from . import data
from .panels import guard
from .text import md

KEY = "gf"
"""The prefix of the forms' widget keys."""

MOVE_ROLES = frozenset({*ge.FORM_ROLES, "inspector"})
"""Roles that see the "move a grievance on" form (the inspector for denunciations only)."""


def show(path: Path | str, key: tuple, account: Account | None) -> None:
    """The app's hook: both forms, for a signed-in account allowed to use them, on a store only.

    ``path`` and ``key``: the workspace's path and stamp (:func:`dashboard.data.load`); the forms check
    against the store's workspace as a whole (:func:`dashboard.data.whole`), not the account's view.
    """
    if key[:1] != ("store",) or account is None:
        return
    access = account.access
    if access.forced_meeting or access.role not in MOVE_ROLES:
        return
    with guard(("hiện biểu mẫu đơn thư", "the grievance forms")):
        store = data.open_store(path)
        ws = data.whole(path, key)  # a postgresql:// URL stays a str (a Path would fold its //)
        if access.role in ge.FORM_ROLES:
            receive_form(store, ws, account)
        move_on_form(store, ws, account)


def _error(problems: dict[str, str], field: str) -> None:
    """The refusal of ``field``, right under it."""
    if field in problems:
        st.error(md(problems[field]), icon=":material/error:")


def _hamlet_names(ws: geo.Workspace) -> dict[str, str]:
    h = ws.hamlets.dropna(subset=["hamlet_id"])
    return dict(zip(h["hamlet_id"].astype(str), h["hamlet_name"].astype(str), strict=True))


def receive_form(store: Store, ws: geo.Workspace, account: Account) -> None:
    """ "Tiếp nhận đơn / Receive a grievance" (see the module)."""
    access = account.access
    state = st.session_state
    cfg = store_config(store)
    gen = state.setdefault(f"{KEY}_receive_gen", 0)
    st.subheader("Tiếp nhận đơn / Receive a grievance")
    done = state.pop(f"{KEY}_received", None)
    if done is not None:
        st.success(
            f"Đã tiếp nhận đơn số **{md(done['number'])}** — thay đổi #{done['changeset']}; {md(done['due'])}. / "
            f"Grievance {md(done['number'])} received as changeset #{done['changeset']}.",
            icon=":material/check_circle:",
        )
    problems: dict[str, str] = state.get(f"{KEY}_receive_problems", {})
    left, right = st.columns(2)
    received = left.date_input(
        "Ngày nhận đơn / Received on", value=today_in_vietnam(), format="DD/MM/YYYY", key=f"{KEY}_received_date_{gen}"
    )
    with left:
        _error(problems, "received_date")
    kind = right.selectbox(
        "Loại đơn / Kind",
        KINDS.keys,
        index=None,
        format_func=lambda k: f"{KINDS.label(k)} ({k})",
        placeholder="Chọn loại đơn / choose the kind",
        key=f"{KEY}_kind_{gen}",
    )
    with right:
        _error(problems, "kind")
    if received is not None and kind is not None:
        number = ge.next_number(
            ws.grievances["grievance_id"], kind, received, cfg.grievance_number, cfg.grievance_codes
        )
        due = ge.deadline_text(ge.deadlines(received, kind, config=cfg), kind)
        st.info(f"Số đơn sẽ cấp / Number to be given: **{md(number)}** · {md(due)}", icon=":material/event:")
    else:
        st.caption(
            "Chọn ngày nhận và loại đơn để xem số đơn và thời hạn theo luật. / Choose the date and the kind to see "
            "the number and the legal deadlines."
        )
    hamlets = _hamlet_names(ws)
    reach = [h for h in hamlets if ge.may_receive(access, h)]
    projects = ws.projects.dropna(subset=["project_id"])
    project_names = dict(zip(projects["project_id"].astype(str), projects["project_name"].astype(str), strict=True))
    with st.form(f"{KEY}_receive_form_{gen}", border=True):
        topic = st.selectbox(
            "Nội dung / Topic",
            TOPICS.keys,
            index=None,
            format_func=lambda k: f"{TOPICS.label(k)} ({k})",
            placeholder="Chọn nội dung / choose the topic",
            key=f"{KEY}_topic_{gen}",
        )
        _error(problems, "topic")
        signatories = st.number_input(
            "Số người ký / Signatories",
            min_value=1,
            step=1,
            value=1,
            key=f"{KEY}_signatories_{gen}",
            help=f"Từ {ge.COLLECTIVE} người trở lên là đơn tập thể / {ge.COLLECTIVE} or more: a collective letter",
        )
        _error(problems, "signatories")
        representatives = st.text_input(
            "Người đại diện (đơn tập thể) / Representatives (collective letter)",
            key=f"{KEY}_representatives_{gen}",
        )
        _error(problems, "representatives")
        household = st.text_input("Mã hộ / Household id", key=f"{KEY}_household_{gen}", placeholder="DT-0000")
        _error(problems, "household_id")
        hamlet = st.selectbox(
            "Thôn / Hamlet",
            reach,
            index=None,
            format_func=lambda h: f"{hamlets.get(h, h)} ({h})",
            placeholder="Chọn thôn (nếu không ghi mã hộ) / choose the hamlet (without a household)",
            key=f"{KEY}_hamlet_{gen}",
        )
        _error(problems, "hamlet_id")
        project = st.selectbox(
            "Dự án / Project",
            list(project_names),
            index=None,
            format_func=lambda p: f"{project_names.get(p, p)} ({p})",
            placeholder="Chọn dự án (nếu có) / choose the project (if any)",
            key=f"{KEY}_project_{gen}",
        )
        _error(problems, "project_id")
        summary = st.text_area(
            "Tóm tắt nội dung đơn / Short summary", max_chars=ge.SUMMARY_LIMIT, key=f"{KEY}_summary_{gen}"
        )
        _error(problems, "summary")
        submitted = st.form_submit_button("Tiếp nhận đơn / Receive", type="primary")
    if not submitted:
        return
    values: dict[str, Any] = {
        "received_date": received,
        "kind": kind,
        "topic": topic,
        "signatories": signatories,
        "representatives": representatives,
        "household_id": household,
        "hamlet_id": hamlet,
        "project_id": project,
        "summary": summary,
    }
    edits, problems = ge.receive(values, ws, access, config=cfg)
    if edits is None:
        state[f"{KEY}_receive_problems"] = problems
        st.rerun()
        return
    new_rows = edits["grievances"].rows
    assert new_rows is not None  # receive always gives the new grievance's row
    row = new_rows.iloc[0]
    number = str(row["grievance_id"])
    try:
        commit = ge.save(store, edits, account.name, f"Tiếp nhận đơn {number} / grievance {number} received")
    except ValidationRefused as exc:
        state[f"{KEY}_receive_problems"] = {"summary": _refusal(exc)}
        st.rerun()
    except StoreError as exc:
        st.error(md(str(exc)), icon=":material/block:")
        return
    due = ge.deadline_text(ge.deadlines(received, str(row["kind"]), config=cfg), str(row["kind"]))
    state[f"{KEY}_received"] = {"number": number, "changeset": commit.changeset, "due": due}
    state.pop(f"{KEY}_receive_problems", None)
    state[f"{KEY}_receive_gen"] = gen + 1  # a fresh, empty form
    st.rerun()


def _refusal(exc: ValidationRefused) -> str:
    lines = [e.render() if hasattr(e, "render") else str(e) for e in exc.errors]
    return "Kho dữ liệu từ chối thay đổi / the store refused the change: " + "; ".join(lines)


def _picker_label(row: pd.Series, hamlets: dict[str, str]) -> str:
    hamlet = "" if is_missing(row["hamlet_id"]) else hamlets.get(str(row["hamlet_id"]), str(row["hamlet_id"]))
    parts = [
        str(row["grievance_id"]),
        KINDS.label(row["kind"]) if isinstance(row["kind"], str) else "",
        hamlet or "chưa rõ thôn / unplaced",
        fmt_date(row["received_date"]),
        STATUSES.label(row["status"]) if isinstance(row["status"], str) else "",
    ]
    return " · ".join(p for p in parts if p)


def move_on_form(store: Store, ws: geo.Workspace, account: Account) -> None:
    """ "Cập nhật xử lý đơn / Move a grievance on" (see the module)."""
    access = account.access
    state = st.session_state
    cfg = store_config(store)
    gen = state.setdefault(f"{KEY}_move_gen", 0)
    st.subheader("Cập nhật xử lý đơn / Move a grievance on")
    done = state.pop(f"{KEY}_moved", None)
    if done is not None:
        st.success(
            f"Đã ghi bước “{md(done['step'])}” của đơn **{md(done['number'])}** — thay đổi #{done['changeset']}; "
            f"trạng thái: {md(done['status'])}. / Step recorded as changeset #{done['changeset']}.",
            icon=":material/check_circle:",
        )
    choices = ge.movable(ws, access)
    if choices.empty:
        st.caption("Không có đơn nào đang giải quyết mà tài khoản này cập nhật được. / No open grievance to move on.")
        return
    hamlets = _hamlet_names(ws)
    labels = {str(r["grievance_id"]): _picker_label(r, hamlets) for _, r in choices.iterrows()}
    number = st.selectbox(
        "Đơn / Grievance",
        list(labels),
        index=None,
        format_func=lambda n: labels.get(n, n),
        placeholder="Chọn số đơn / pick its number",
        key=f"{KEY}_pick",
    )
    if number is None:
        return
    row = ws.grievances[ws.grievances["grievance_id"] == number].iloc[0]
    kind = str(row["kind"])
    accepted = None if is_missing(row.get("accepted_date")) else pd.Timestamp(row["accepted_date"]).date()
    second = row.get("settlement_round") == "first"
    due = ge.deadlines(pd.Timestamp(row["received_date"]).date(), kind, accepted, cfg, second=second)
    st.info(md(ge.deadline_text(due, kind)) or "Không có thời hạn / no deadline", icon=":material/event:")
    hamlet = None if is_missing(row["hamlet_id"]) else str(row["hamlet_id"])
    _steps_table(ws, number, access.sees_personal(hamlet) and (kind != "denunciation" or access.sees_denouncers))
    problems: dict[str, str] = state.get(f"{KEY}_move_problems", {})
    if state.get(f"{KEY}_move_for") != number:
        problems = {}
    _error(problems, "grievance_id")
    step = st.selectbox(
        "Bước / Step",
        list(ge.STEP_STATUS),
        index=None,
        format_func=lambda s: f"{GRIEVANCE_STEPS_ENUM.label(s)} ({s})",
        placeholder="Chọn bước / choose the step",
        key=f"{KEY}_step_{gen}",
    )
    _error(problems, "step")
    with st.form(f"{KEY}_move_form_{gen}", border=True):
        day = st.date_input("Ngày / Date", value=today_in_vietnam(), format="DD/MM/YYYY", key=f"{KEY}_date_{gen}")
        _error(problems, "date")
        attended = outcome = ""
        if step in ("dialogue", "mediation"):
            attended = st.text_input("Thành phần tham dự / Who attended", key=f"{KEY}_attended_{gen}")
            _error(problems, "attended")
            outcome = st.text_input("Kết quả / Outcome", key=f"{KEY}_outcome_{gen}")
            _error(problems, "outcome")
        note = st.text_input("Ghi chú / Note", key=f"{KEY}_note_{gen}")
        submitted = st.form_submit_button("Ghi bước xử lý / Record the step", type="primary")
    if not submitted:
        return
    state[f"{KEY}_move_for"] = number
    if step is None:
        state[f"{KEY}_move_problems"] = {"step": "Chọn bước xử lý / choose the step."}
        st.rerun()
    values = {"date": day, "attended": attended, "outcome": outcome, "note": note}
    edits, problems = ge.move_on(number, step, values, ws, access, stored=store.layer("grievances"))
    if edits is None:
        state[f"{KEY}_move_problems"] = problems
        st.rerun()
    label = GRIEVANCE_STEPS_ENUM.label(step)
    try:
        commit = ge.save(store, edits, account.name, f"Đơn {number}: {label} / grievance {number}: {step}")
    except ValidationRefused as exc:
        state[f"{KEY}_move_problems"] = {"step": _refusal(exc)}
        st.rerun()
    except StoreError as exc:
        st.error(md(str(exc)), icon=":material/block:")
        return
    status = STATUSES.label(ge.STEP_STATUS[step])
    state[f"{KEY}_moved"] = {"number": number, "step": label, "changeset": commit.changeset, "status": status}
    state.pop(f"{KEY}_move_problems", None)
    state[f"{KEY}_move_gen"] = gen + 1
    st.rerun()


def _steps_table(ws: geo.Workspace, number: str, personal: bool) -> None:
    """The grievance's steps so far; who attended and the notes only where ``personal``."""
    steps = ge.steps_of(ws, number)
    if steps.empty:
        st.caption("Chưa có bước xử lý nào. / No step recorded yet.")
        return
    table = pd.DataFrame(
        {
            "Ngày / Date": steps["date"].map(fmt_date),
            "Bước / Step": steps["step"].map(lambda s: GRIEVANCE_STEPS_ENUM.label(s) if isinstance(s, str) else ""),
            "Kết quả / Outcome": steps["outcome"].fillna(""),
        }
    )
    if personal:
        table["Thành phần / Attended"] = steps["attended"].fillna("")
        table["Ghi chú / Note"] = steps["note"].fillna("")
    st.dataframe(table, hide_index=True, width="stretch")
