"""Ghi bước của hộ / Record a household's step: the stage reached and its date, on the hamlet page.

:func:`show` draws, at the end of the hamlet page ("Trang thôn") of a store, the form of issue 17
point 3: pick one of the hamlet's households, one of its projects, the stage reached (Vietnamese
labels, in procedure order) and the date (day first, ``dd/mm/yyyy``); the household's stage history so
far is listed under the picker. "Lưu bước / Save the step" checks the values with
:func:`geo.entry.stages.household_step` (what to fix appears under the field concerned) and saves the
step as ONE changeset of the store under the signed-in name (:func:`geo.entry.stages.save`: a
``stage_history`` entry added, the household's rows moved to its furthest stage, validated as an
upload is; a refused change leaves the store as it was). The page then names the new changeset; the
map and the figures follow on the same rerun, since the app's data are cached under the store's head
(``dashboard/data.py``).

Who records steps: the administrator, and the officers of the hamlet (``Access.may_edit``) — the
accounts that also see the hamlet's personal data (``Access.sees_personal``), so the picker, which
names each household by its id and its head's name, is shown to them only. Clerks, leadership, party
cells and inspectors record no step (a clerk's lists go up through the upload page of an officer or
the administrator). The form is never drawn in meeting mode, nor on a past state of the store
(``--at N``). Like the household list, it is drawn only once asked for (the switch "Ghi bước của hộ"),
so a page load sends no household's name.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

import geo
from geo.entry.stages import history_of, household_step, recordable, save, stage_label
from geo.formatting import fmt_date, today_in_vietnam
from geo.schema import STAGE_ORDER, STAGES
from geo.store import MergeConflict, StoreError, ValidationRefused

from .text import md

if TYPE_CHECKING:
    from geo.store import Store
    from geo.store.accounts import Account

TITLE = "Ghi bước của hộ / Record a household's step"

KEYS = {
    "open": "step_form_open",
    "household": "step_form_household",
    "stage": "step_form_stage",
    "date": "step_form_date",
}
"""The session keys of the form's widgets (the project's key is per household: :func:`project_key`)."""

PROBLEMS = "step_form_problems"
"""The session key of the last save's problems: field → what to fix."""

MESSAGE = "step_form_message"
"""The session key of the last saved step's message (its changeset number, its warnings)."""


def project_key(household_id: str) -> str:
    """The project picker's session key for one household (its choices are that household's projects)."""
    return f"step_form_project_{household_id}"


def may_record(account: Account | None, hamlet_id: str, disclosure: geo.Disclosure) -> bool:
    """Whether the form is drawn for ``account`` on ``hamlet_id``: not in meeting mode (the page's
    ``disclosure`` is personal), and the account may edit the hamlet's rows and see its personal data
    (the administrator; the hamlet's officers)."""
    if account is None or disclosure is not geo.Disclosure.PERSONAL:
        return False
    access = account.access
    return not access.forced_meeting and access.may_edit(hamlet_id) and access.sees_personal(hamlet_id)


def _clear() -> None:
    st.session_state.pop(PROBLEMS, None)


def _save(store: Store, ws: geo.Workspace, account: Account) -> None:
    """The save button's callback: check, then one changeset; the problems or the message for the next draw."""
    state = st.session_state
    household = state.get(KEYS["household"])
    project = state.get(project_key(str(household))) if household is not None else None
    step, problems = household_step(
        household, project, state.get(KEYS["stage"]), state.get(KEYS["date"]), ws, account.access, today_in_vietnam()
    )
    state.pop(MESSAGE, None)
    if step is None:
        state[PROBLEMS] = problems
        return
    try:
        commit = save(store, step, user=account.name)
    except MergeConflict:
        state[PROBLEMS] = {
            "form": "Hộ này vừa được người khác sửa sau khi trang mở, bước chưa được lưu. Trang đã đọc lại dữ liệu mới "
            "nhất: xem lại rồi bấm “Lưu bước” lần nữa. / The household was changed by someone else after the page "
            "opened; nothing was saved. The page now shows the latest data: check it and save again."
        }
        return
    except ValidationRefused as refused:
        state[PROBLEMS] = {"form": str(refused)}
        return
    except StoreError as exc:
        state[PROBLEMS] = {"form": f"Không lưu được / Not saved: {exc}"}
        return
    state.pop(PROBLEMS, None)
    state[MESSAGE] = (commit.changeset, step.stage, step.date, step.current, step.warnings)


def _field_problem(problems: dict[str, str], field: str) -> None:
    if problems.get(field):
        st.error(md(problems[field]), icon=":material/error:")


def _history_table(ws: geo.Workspace, household: str, project: str) -> None:
    """The household's stage history in the project so far (date, stage), or what the list says."""
    history = history_of(ws, household, project)
    if len(history):
        st.dataframe(
            pd.DataFrame(
                {"Ngày / Date": history["date"].map(fmt_date), "Bước / Stage": history["stage"].map(stage_label)}
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(
            "Chưa có lịch sử các bước của hộ trong dự án này: lần ghi đầu tiên bắt đầu lịch sử từ bước ghi ở danh "
            "sách hộ. / No stage history yet: the first step starts it from the stage the households list gives."
        )


def _saved_message(as_of: date | None) -> None:
    saved = st.session_state.get(MESSAGE)
    if not saved:
        return
    changeset, stage, day, current, warnings = saved
    st.success(
        f"Đã lưu thay đổi #{changeset}: {md(stage_label(stage))} ngày {fmt_date(day)}; bước hiện tại của hộ: "
        f"{md(stage_label(current))}. / Saved as changeset #{changeset}.",
        icon=":material/check_circle:",
    )
    for warning in warnings:
        st.warning(md(warning))
    if as_of is not None and pd.Timestamp(day).date() > as_of:
        st.info(
            f"Số liệu trên trang tính đến ngày {fmt_date(as_of)}: bước ghi ngày {fmt_date(day)} chưa được tính. Đổi "
            f"“Ngày báo cáo” để thấy. / The page's figures are as of {fmt_date(as_of)}: the step is not counted yet."
        )


def form(store: Store, ws: geo.Workspace, hamlet_id: str, account: Account, as_of: date | None = None) -> None:
    """The form itself (see the module's docstring); ``as_of``: the page's reporting date."""
    _saved_message(as_of)
    choices = recordable(ws, account.access, hamlet_id)
    if choices.empty:
        st.caption("Thôn không có hộ nào để ghi bước. / The hamlet has no household to record a step for.")
        return
    state = st.session_state
    problems: dict[str, str] = state.get(PROBLEMS) or {}
    names = choices.drop_duplicates("household_id").set_index("household_id")["household_name"].to_dict()
    household = st.selectbox(
        "Hộ / Household",
        list(names),
        key=KEYS["household"],
        format_func=lambda h: f"{h} — {names[h]}" if isinstance(names.get(h), str) and names[h] else str(h),
        on_change=_clear,
    )
    _field_problem(problems, "household")
    theirs = choices[choices["household_id"] == household]
    projects = dict(zip(theirs["project_id"], theirs["project_id"], strict=True))
    if "project_name" in ws.projects:
        titled = dict(zip(ws.projects["project_id"], ws.projects["project_name"], strict=True))
        projects = {p: f"{titled[p]} ({p})" if isinstance(titled.get(p), str) else p for p in projects}
    project = st.selectbox(
        "Dự án / Project",
        list(projects),
        key=project_key(str(household)),
        format_func=lambda p: projects[p],
        on_change=_clear,
    )
    _field_problem(problems, "project")
    st.markdown("**Các bước đã ghi / Steps recorded so far**")
    _history_table(ws, str(household), str(project))
    now = theirs[theirs["project_id"] == project]
    rank = STAGE_ORDER.get(now["stage"].iloc[0], -1) if len(now) else -1
    if KEYS["stage"] not in state:  # the next step after the household's current one, until chosen
        state[KEYS["stage"]] = STAGES.keys[min(rank + 1, len(STAGES.keys) - 1)]
    st.selectbox("Bước đạt được / Stage reached", list(STAGES.keys), key=KEYS["stage"], format_func=stage_label)
    _field_problem(problems, "stage")
    if KEYS["date"] not in state:
        state[KEYS["date"]] = fmt_date(today_in_vietnam())
    st.text_input("Ngày (ngày/tháng/năm) / Date (dd/mm/yyyy)", key=KEYS["date"], placeholder="20/11/2026")
    _field_problem(problems, "date")
    _field_problem(problems, "form")
    st.button(
        "Lưu bước / Save the step",
        key="step_form_save",
        type="primary",
        icon=":material/save:",
        on_click=_save,
        args=(store, ws, account),
    )


def show(
    store: Store | None,
    ws: geo.Workspace,
    hamlet_id: str,
    account: Account | None,
    disclosure: geo.Disclosure,
    as_of: date | None = None,
) -> None:
    """The hamlet page's hook: the form, on a store, for the accounts that record steps (else nothing).

    Parameters
    ----------
    store : Store or None
        The store the app opened (None for a folder: no form).
    ws : Workspace
        The workspace the page shows (restricted to the account: the households it may edit are
        whole there).
    hamlet_id : str
        The hamlet the page shows: its households are offered.
    account : Account or None
        The signed-in account: who saves, and what it may record.
    disclosure : Disclosure
        The page's; no form unless ``PERSONAL`` (never in meeting mode).
    as_of : date, optional
        The page's reporting date (a step dated after it is saved, with a note that the figures do
        not count it yet).
    """
    if store is None or not may_record(account, hamlet_id, disclosure):
        return
    assert account is not None
    if ws.source.kind != "store" or ws.source.changeset != store.head():
        st.caption(
            "Ghi bước của hộ: đang xem trạng thái cũ của kho, chỉ ghi được bước trên trạng thái mới nhất. / Recording "
            "a household's step: a past state of the store is shown; steps are recorded on the latest state only."
        )
        return
    if st.toggle(
        TITLE,
        key=KEYS["open"],
        help="Chọn hộ, dự án, bước và ngày; lưu thành một thay đổi của kho dữ liệu. / Pick the household, "
        "project, stage and date; saved as one change of the store.",
    ):
        form(store, ws, hamlet_id, account, as_of)


__all__ = ["KEYS", "TITLE", "form", "may_record", "project_key", "show"]
