"""Grievances at the reception desk: the number, the legal deadlines and each step, as changesets.

Two forms of the dashboard (``dashboard/grievance_forms.py``) stand on these functions; none of them
reads or writes anything but :func:`save`.

*Receive a grievance* (tiếp nhận đơn)
    :func:`receive` checks what the desk typed (a date that is a date and not in the future, a known
    kind and topic, the signatories — five or more make a collective letter, whose representatives
    are then required —, a known household or hamlet within the account's reach, a known project, a
    short summary) and gives the edits of one changeset: the grievance's row, numbered by
    :func:`next_number` in the office's own pattern (``0063/2026/KN``) with status ``received``, and
    its ``received`` step in the layer ``grievance_steps``, which keeps the summary (``note``) and the
    representatives (``attended``): the contract's grievances layer has no column for them.
*Move a grievance on* (cập nhật xử lý đơn)
    :func:`move_on` adds one step — accepted (thụ lý), dialogue (đối thoại: who attended, the
    outcome), mediation (hòa giải, a land dispute only), first or second settlement, escalated,
    withdrawn — and moves the grievance's status with it (:data:`STEP_STATUS`), as one changeset of
    two layers. Impossible moves are refused with the reason.

:func:`deadlines` gives the legal periods of a grievance (:mod:`geo.legal`) and :func:`deadline_text`
says them as the desk writes them ("hạn thụ lý 30/11/2026, hạn giải quyết 30/12/2026"). Every refusal is
a message per field, Vietnamese first, saying what to fix; :func:`save` writes the edits through the
store's validation, so a refused change leaves the store as it was.

Example
-------
>>> next_number(["0062/2026/KN", "0007/2025/TC", "G-12"], "denunciation", date(2026, 11, 20))
'0063/2026/TC'
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..canonical import date_error, parse_dates
from ..config import DEFAULT_KIND_CODES, DEFAULT_NUMBER, WorkspaceConfig
from ..formatting import fmt_date, is_missing, today_in_vietnam
from ..legal import KIND_PERIODS, due_dates, legal_settings
from ..schema import CLOSED_STATUSES, GRIEVANCE_STEPS_ENUM, KINDS, TOPICS, Enum, normalize_name
from ..store.store import Commit, Edit

if TYPE_CHECKING:
    from ..access import Access
    from ..store.store import Store
    from ..workspace import Workspace

STEP_STATUS: dict[str, str] = {
    "accepted": "in_progress",
    "dialogue": "dialogue",
    "mediation": "mediation",
    "settled_first": "resolved",
    "settled_second": "resolved",
    "escalated": "escalated",
    "withdrawn": "withdrawn",
}
"""The steps a grievance is moved on by, and the status each gives it."""

COLLECTIVE = 5
"""Signatories from which a letter is collective (đơn tập thể): its representatives are then required."""

SUMMARY_LIMIT = 500
"""The longest summary, in characters (a short summary; the letter itself stays on paper)."""

FORM_ROLES = ("admin", "officer", "clerk")
"""Roles that receive grievances: the administrator, an officer (its hamlets), the clerk (every hamlet)."""

FIELDS = (
    "received_date",
    "kind",
    "topic",
    "signatories",
    "representatives",
    "household_id",
    "hamlet_id",
    "project_id",
    "summary",
)
"""The fields of the receive form, in its order (the keys of ``values`` and of the problems)."""

Problems = dict[str, str]
"""Field → what is wrong with it and how to fix it (Vietnamese / English)."""


# --------------------------------------------------------------------------- the number


def _codes(codes: Mapping[str, str] | None) -> dict[str, str]:
    return dict(DEFAULT_KIND_CODES if codes is None else codes)


def number_regex(pattern: str = DEFAULT_NUMBER, codes: Mapping[str, str] | None = None) -> re.Pattern[str]:
    """The regular expression matching the numbers a ``pattern`` makes (groups ``seq``, ``year``, ``code``).

    Parameters
    ----------
    pattern : str
        A number pattern with ``{seq}`` and optionally ``{year}``, ``{code}`` (``[grievances] number``).
    codes : mapping, optional
        Kind → its code (``[grievances.codes]``); the defaults where not given.

    Returns
    -------
    re.Pattern

    Example
    -------
    >>> number_regex().fullmatch("0063/2026/KNg").group("seq", "year", "code")
    ('0063', '2026', 'KNg')
    """
    parts = []
    alternatives = "|".join(re.escape(c) for c in sorted(_codes(codes).values(), key=len, reverse=True))
    for literal, field, _spec, _conv in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if field == "seq":
            parts.append(r"(?P<seq>\d+)")
        elif field == "year":
            parts.append(r"(?P<year>\d{4})")
        elif field == "code":
            parts.append(f"(?P<code>{alternatives})")
    return re.compile("".join(parts))


def next_number(
    existing_ids: Iterable[object],
    kind: str,
    received: date,
    pattern: str = DEFAULT_NUMBER,
    codes: Mapping[str, str] | None = None,
) -> str:
    """The number the next grievance gets, in the office's own pattern.

    One reception book a year for every kind: the sequence is one more than the largest among the
    existing numbers of ``received``'s year that match ``pattern`` (numbers of another pattern are
    ignored), 1 where there is none; a pattern without ``{year}`` counts every matching number. An
    existing number is never given again.

    Parameters
    ----------
    existing_ids : iterable
        The grievance ids already in the layer (blanks ignored).
    kind : str
        The grievance's kind (:data:`geo.schema.KINDS`).
    received : date
        The day it was received (its year is the book's).
    pattern : str
        ``[grievances] number``, default ``{seq:04d}/{year}/{code}``.
    codes : mapping, optional
        ``[grievances.codes]``: complaint KN, denunciation TC, petition KNg, feedback PA, dispute TCĐ.

    Returns
    -------
    str

    Example
    -------
    >>> next_number(["0009/2026/KN", "0012/2025/PA"], "complaint", date(2026, 1, 2))
    '0010/2026/KN'
    >>> next_number([], "dispute", date(2027, 1, 2))
    '0001/2027/TCĐ'
    """
    table = _codes(codes)
    code = table.get(kind, kind)
    regex = number_regex(pattern, table)
    has_year = "year" in regex.groupindex
    ids = {str(i).strip() for i in existing_ids if not is_missing(i)}
    largest = 0
    for text in ids:
        m = regex.fullmatch(text)
        if m is None or (has_year and int(m.group("year")) != received.year):
            continue
        largest = max(largest, int(m.group("seq")))
    seq = largest + 1
    number = pattern.format(seq=seq, year=received.year, code=code)
    while number in ids:
        seq += 1
        number = pattern.format(seq=seq, year=received.year, code=code)
    return number


# --------------------------------------------------------------------------- the deadlines


def _as_day(value: object) -> date | None:
    if is_missing(value):
        return None
    return pd.Timestamp(value).date()


def _due(name: str, start: date, sets: tuple[str, ...]) -> date | None:
    return _as_day(due_dates(name, pd.Series([pd.Timestamp(start)]), sets).iloc[0])


def _chosen_days(config: WorkspaceConfig) -> set[str]:
    """The kinds whose days ``[grievances.deadline_days]`` sets itself (the law's period otherwise)."""
    raw = config.raw.get("grievances", {}) if isinstance(config.raw, dict) else {}
    chosen = raw.get("deadline_days", {}) if isinstance(raw, dict) else {}
    return set(chosen) if isinstance(chosen, dict) else set()


def deadlines(
    received: date,
    kind: str,
    accepted: date | None = None,
    config: WorkspaceConfig | None = None,
    second: bool = False,
) -> dict[str, date | None]:
    """The legal deadlines of a grievance: ``{"acceptance": …, "settlement": …}``.

    ``acceptance`` (complaints only): 10 days from receipt (Law on Complaints 2011, Art. 27).
    ``settlement``: the period of the kind in force on its start (:data:`geo.legal.KIND_PERIODS`): a
    complaint's first settlement (Art. 28: 30 days, 45 in a remote area — ``[legal] remote_area``) or,
    with ``second``, its second (Art. 37: 45, 60 remote), counted from its acceptance where known (as
    the law counts), else from receipt; a denunciation's settlement, a petition's written answer and a
    land dispute's mediation from receipt; feedback has no statutory period: the workspace's days
    (30). A kind named in ``[grievances.deadline_days]`` takes those days from receipt, as the
    overdue flags do (:func:`geo.selection.grievance_state`).

    Parameters
    ----------
    received : date
    kind : str
    accepted : date, optional
        The day a complaint was accepted (thụ lý).
    config : WorkspaceConfig, optional
        The workspace's settings (``[legal]``, ``[grievances.deadline_days]``); defaults where not given.
    second : bool
        The second settlement of a complaint settled once.

    Returns
    -------
    dict
        ``acceptance`` and ``settlement``, each a date or None.

    Example
    -------
    >>> d = deadlines(date(2026, 11, 20), "complaint")
    >>> fmt_date(d["acceptance"]), fmt_date(d["settlement"])
    ('30/11/2026', '20/12/2026')
    """
    cfg = config or WorkspaceConfig()
    settings = legal_settings(cfg.raw)
    out: dict[str, date | None] = {"acceptance": None, "settlement": None}
    if kind == "complaint":
        out["acceptance"] = _due("complaint_acceptance", received, settings.sets)
    if kind in _chosen_days(cfg) or kind not in KIND_PERIODS:
        days = cfg.deadline_days.get(kind, cfg.deadline_days.get("complaint", 30))
        out["settlement"] = received + pd.Timedelta(days=days).to_pytimedelta()
        return out
    name, start = KIND_PERIODS[kind], received
    if kind == "complaint":
        remote = "_remote" if settings.remote_area else ""
        name = f"complaint_{'second' if second else 'first'}{remote}"
        start = accepted or received
    out["settlement"] = _due(name, start, settings.sets)
    if out["settlement"] is None:  # no law of that name in force yet (a petition before 1 August 2024)
        days = cfg.deadline_days.get(kind, cfg.deadline_days.get("complaint", 30))
        out["settlement"] = received + pd.Timedelta(days=days).to_pytimedelta()
    return out


SETTLEMENT_WORDS = {
    "dispute": ("hạn hòa giải", "mediate by"),
    "petition": ("hạn trả lời", "answer by"),
}
"""How the settlement deadline of a kind is called where it is no settlement (the rest: giải quyết)."""


def deadline_text(due: Mapping[str, date | None], kind: str) -> str:
    """The deadlines as the desk writes them, day-first, Vietnamese then English.

    Example
    -------
    >>> deadline_text({"acceptance": date(2026, 11, 30), "settlement": date(2027, 1, 5)}, "complaint")
    'hạn thụ lý 30/11/2026, hạn giải quyết 05/01/2027 / accept by 30/11/2026, settle by 05/01/2027'
    """
    vi: list[str] = []
    en: list[str] = []
    if due.get("acceptance"):
        vi.append(f"hạn thụ lý {fmt_date(due['acceptance'])}")
        en.append(f"accept by {fmt_date(due['acceptance'])}")
    if due.get("settlement"):
        word_vi, word_en = SETTLEMENT_WORDS.get(kind, ("hạn giải quyết", "settle by"))
        vi.append(f"{word_vi} {fmt_date(due['settlement'])}")
        en.append(f"{word_en} {fmt_date(due['settlement'])}")
    return f"{', '.join(vi)} / {', '.join(en)}" if vi else ""


# --------------------------------------------------------------------------- who may


def may_receive(access: Access, hamlet_id: str | None) -> bool:
    """Whether ``access`` may receive a grievance of ``hamlet_id``: the clerk and the administrator for
    every hamlet (``None``: not known yet), an officer for its own hamlets; nobody in meeting mode."""
    if access.meeting or access.role not in FORM_ROLES:
        return False
    if access.role in ("admin", "clerk"):
        return True
    return access.may_edit(hamlet_id)


def may_move(access: Access, hamlet_id: str | None, kind: str | None) -> bool:
    """Whether ``access`` may move on a grievance of ``hamlet_id`` and ``kind``.

    As :func:`may_receive`, except a denunciation (tố cáo): only the roles that see who denounced
    (:attr:`geo.access.Access.sees_denouncers`) handle it once received, the inspector included.
    """
    if access.meeting:
        return False
    if kind == "denunciation":
        return access.sees_denouncers
    return may_receive(access, hamlet_id)


# --------------------------------------------------------------------------- the forms


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value).strip()


def _day(value: object, today: date, problems: Problems, field: str, what: tuple[str, str]) -> date | None:
    """``value`` as a date not after ``today``; else a problem for ``field`` and None."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = _text(value)
        if not text:
            problems[field] = f"Chưa ghi {what[0]} / {what[1]} is missing: ghi ngày dạng 20/11/2026 / give a date."
            return None
        parsed = parse_dates(pd.Series([text], dtype=object)).iloc[0]
        if pd.isna(parsed):
            reason = date_error(text) or f"“{text}” không phải ngày / “{text}” is no date"
            problems[field] = f"{reason} — ghi ngày dạng 20/11/2026 / write it as 20/11/2026."
            return None
        value = parsed.date()
    assert isinstance(value, date)
    if value > today:
        problems[field] = (
            f"{what[0].capitalize()} {fmt_date(value)} còn ở tương lai (hôm nay {fmt_date(today)}) / "
            f"{what[1]} {fmt_date(value)} is in the future (today is {fmt_date(today)}): sửa ngày / correct it."
        )
        return None
    return value


def _enum(value: object, enum: Enum, field: str, problems: Problems, what: tuple[str, str]) -> str | None:
    text = _text(value)
    choices = ", ".join(f"{enum.label(k)} ({k})" for k in enum.keys)
    if not text:
        problems[field] = f"Chọn {what[0]} / choose the {what[1]}: {choices}."
        return None
    key = enum.lookup().get(normalize_name(text))
    if key is None:
        problems[field] = f"“{text}” không phải {what[0]} / “{text}” is no {what[1]}; chọn / choose: {choices}."
    return key


def _first_hamlet(ws: Workspace, household_id: str) -> str | None:
    rows = ws.households.loc[ws.households["household_id"] == household_id, "hamlet_id"].dropna()
    return None if rows.empty else str(rows.iloc[0])


def receive(
    values: Mapping[str, Any],
    ws: Workspace,
    access: Access,
    config: WorkspaceConfig | None = None,
    today: date | None = None,
) -> tuple[dict[str, Edit] | None, Problems]:
    """Check a grievance being received, and give the edits that record it.

    Parameters
    ----------
    values : mapping
        :data:`FIELDS`: ``received_date`` (a date, or text such as ``20/11/2026``), ``kind`` and
        ``topic`` (keys, Vietnamese labels or aliases), ``signatories`` (whole number ≥ 1, default 1;
        :data:`COLLECTIVE` or more need ``representatives``, their names), ``household_id`` or
        ``hamlet_id`` (at least one), ``project_id`` (optional), ``summary`` (required, at most
        :data:`SUMMARY_LIMIT` characters).
    ws : Workspace
        The store's workspace as a whole (known households, hamlets, projects; the numbers taken).
    access : Access
        Who receives it: the clerk and the administrator every hamlet, an officer only its own.
    config : WorkspaceConfig, optional
        The numbering and the settings; ``ws.config`` where not given.
    today : date, optional
        The day it is (a received date may not be later); default the machine's.

    Returns
    -------
    edits : dict or None
        For :func:`save`: ``grievances`` (the new row: its number, status ``received``) and
        ``grievance_steps`` (its ``received`` step holding the summary and the representatives);
        None where a field is wrong.
    problems : dict
        Field → what to fix (Vietnamese / English); empty where the grievance can be saved.
    """
    cfg = config or ws.config
    today = today or today_in_vietnam()
    problems: Problems = {}
    if access.meeting or access.role not in FORM_ROLES:
        problems["hamlet_id"] = (
            "Tài khoản này không tiếp nhận đơn / this account does not receive grievances: "
            "cán bộ văn phòng hoặc cán bộ theo dõi địa bàn tiếp nhận / the office or a hamlet officer does."
        )
        return None, problems
    received = _day(values.get("received_date"), today, problems, "received_date", ("ngày nhận", "received date"))
    kind = _enum(values.get("kind"), KINDS, "kind", problems, ("loại đơn", "kind"))
    topic = _enum(values.get("topic"), TOPICS, "topic", problems, ("nội dung", "topic"))
    signatories = _signatories(values.get("signatories"), problems)
    representatives = _text(values.get("representatives"))
    if signatories is not None and signatories >= COLLECTIVE and not representatives:
        problems["representatives"] = (
            f"Đơn có {signatories} người ký là đơn tập thể: ghi họ tên người đại diện / a letter signed by "
            f"{signatories} is collective: give the names of its representatives."
        )
    hamlet = _place(values, ws, access, problems)
    project = _text(values.get("project_id")) or None
    if project is not None and project not in set(ws.projects["project_id"].dropna().astype(str)):
        known = ", ".join(sorted(ws.projects["project_id"].dropna().astype(str))[:8])
        problems["project_id"] = (
            f"Không có dự án “{project}” / no project “{project}”; chọn một dự án đã có / choose one of: {known}."
        )
    summary = _text(values.get("summary"))
    if not summary:
        problems["summary"] = "Ghi tóm tắt nội dung đơn / give a short summary of the letter."
    elif len(summary) > SUMMARY_LIMIT:
        problems["summary"] = (
            f"Tóm tắt dài {len(summary)} ký tự, tối đa {SUMMARY_LIMIT}: rút gọn / the summary has {len(summary)} "
            f"characters, at most {SUMMARY_LIMIT}: shorten it."
        )
    if problems or received is None or kind is None:
        return None, problems
    number = next_number(ws.grievances["grievance_id"], kind, received, cfg.grievance_number, cfg.grievance_codes)
    row = pd.DataFrame(
        [
            {
                "grievance_id": number,
                "received_date": pd.Timestamp(received),
                "kind": kind,
                "topic": topic,
                "signatories": signatories,
                "status": "received",
                "household_id": _text(values.get("household_id")) or None,
                "hamlet_id": hamlet,
                "project_id": project,
            }
        ]
    )
    step = _step_row(number, "received", received, representatives or None, None, summary)
    return {"grievances": Edit(row), "grievance_steps": Edit(step)}, problems


def _signatories(value: object, problems: Problems) -> int | None:
    text = _text(value)
    if not text:
        return 1
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = float("nan")
    if not math.isfinite(number) or number != int(number) or number < 1:  # not a number, a fraction, 0 or less
        problems["signatories"] = (
            f"Số người ký “{text}” phải là số nguyên từ 1 trở lên / the signatories “{text}” must be a whole "
            "number of at least 1."
        )
        return None
    return int(number)


def _place(values: Mapping[str, Any], ws: Workspace, access: Access, problems: Problems) -> str | None:
    """The grievance's own hamlet (as given; None where only its household is), checking both."""
    household = _text(values.get("household_id"))
    hamlet = _text(values.get("hamlet_id")) or None
    known_hamlets = set(ws.hamlets["hamlet_id"].dropna().astype(str))
    reach = hamlet
    if household:
        if household not in set(ws.households["household_id"].dropna().astype(str)):
            problems["household_id"] = (
                f"Không có hộ “{household}” trong danh sách hộ / no household “{household}” in the households list: "
                "sửa mã hộ, hoặc để trống và chọn thôn / correct the id, or leave it blank and choose the hamlet."
            )
            return None
        reach = reach or _first_hamlet(ws, household)
    elif hamlet is None:
        problems["hamlet_id"] = "Ghi mã hộ hoặc chọn thôn / give the household or choose the hamlet."
        return None
    if hamlet is not None and hamlet not in known_hamlets:
        problems["hamlet_id"] = (
            f"Không có thôn “{hamlet}” / no hamlet “{hamlet}”: chọn thôn trong danh sách / choose one."
        )
        return None
    if not may_receive(access, reach):
        where = f"thôn {reach}" if reach else "một thôn chưa rõ / a hamlet not known"
        problems["household_id" if household and not hamlet else "hamlet_id"] = (
            f"Đơn của {where} ngoài địa bàn tài khoản này theo dõi / outside the hamlets this account follows: "
            "chỉ nhận đơn của thôn mình; đơn khác chuyển văn phòng / receive your hamlets' letters; pass others "
            "to the office."
        )
    return hamlet


def _step_row(
    grievance_id: str, step: str, day: date, attended: str | None, outcome: str | None, note: str | None
) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "grievance_id": grievance_id,
                "step": step,
                "date": pd.Timestamp(day),
                "attended": attended,
                "outcome": outcome,
                "note": note,
            }
        ]
    )


def steps_of(ws: Workspace, grievance_id: str) -> pd.DataFrame:
    """The steps of one grievance so far, oldest first (the layer's columns; empty where none)."""
    steps = ws.grievance_steps
    if steps is None or not len(steps) or "grievance_id" not in steps:
        return pd.DataFrame(columns=["grievance_id", "step", "date", "attended", "outcome", "note"])
    mine = steps[steps["grievance_id"] == grievance_id]
    order = {k: i for i, k in enumerate(GRIEVANCE_STEPS_ENUM.keys)}
    return (
        mine.assign(_order=mine["step"].map(order))
        .sort_values(["date", "_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _grievance(ws: Workspace, stored: pd.DataFrame | None, grievance_id: str) -> tuple[pd.Series, pd.Series] | None:
    """The grievance as stored (to write back) and as placed in ``ws`` (its hamlet); None where unknown."""
    placed = ws.grievances[ws.grievances["grievance_id"] == grievance_id]
    own = placed if stored is None else stored[stored["grievance_id"] == grievance_id]
    if placed.empty or own.empty:
        return None
    return own.iloc[0], placed.iloc[0]


def movable(ws: Workspace, access: Access) -> pd.DataFrame:
    """The grievances ``access`` may move on, newest first: number, kind, hamlet, received date, status.

    Open ones (not resolved or withdrawn) and complaints settled once (a second settlement may
    follow). No names: a picker shows only these columns. Denunciations only for the roles that see
    who denounced; an officer only its hamlets'.
    """
    g = ws.grievances
    columns = ["grievance_id", "kind", "hamlet_id", "received_date", "status"]
    if not len(g):
        return pd.DataFrame(columns=columns)
    rounds = g["settlement_round"] if "settlement_round" in g else pd.Series(None, index=g.index)
    open_ = ~g["status"].isin(CLOSED_STATUSES) | (
        (g["status"] == "resolved") & (g["kind"] == "complaint") & (rounds == "first")
    )
    allowed = pd.Series(
        [may_move(access, None if is_missing(h) else h, k) for h, k in zip(g["hamlet_id"], g["kind"], strict=True)],
        index=g.index,
        dtype=bool,
    )
    out = g.loc[open_ & allowed & g["grievance_id"].notna(), columns]
    return out.sort_values(["received_date", "grievance_id"], ascending=False, kind="stable").reset_index(drop=True)


def move_on(
    grievance_id: str,
    step: str,
    values: Mapping[str, Any],
    ws: Workspace,
    access: Access,
    stored: pd.DataFrame | None = None,
    today: date | None = None,
) -> tuple[dict[str, Edit] | None, Problems]:
    """Check one step of a grievance's handling, and give the edits that record it and move its status.

    Parameters
    ----------
    grievance_id : str
        Its number.
    step : str
        One of :data:`STEP_STATUS`: accepted, dialogue, mediation, settled_first, settled_second,
        escalated, withdrawn.
    values : mapping
        ``date`` (required, not before the grievance was received, not in the future), ``attended``
        and ``outcome`` (both required for a dialogue; ``outcome`` for a mediation), ``note``.
    ws : Workspace
        The store's workspace as a whole (the grievance, its placed hamlet, its steps so far).
    access : Access
        Who records it (:func:`may_move`).
    stored : DataFrame, optional
        The grievances layer as the store holds it (``Store.layer("grievances")``): the row written
        back is that one, so a hamlet the reader placed is not written into it. Default
        ``ws.grievances``.
    today : date, optional
        Default the machine's.

    Returns
    -------
    edits : dict or None
        ``grievance_steps`` (the step) and ``grievances`` (its row with the new status: accepted →
        in_progress with ``accepted_date``; dialogue, mediation, escalated as named; settled_* →
        resolved with ``resolved_date`` and ``settlement_round``; withdrawn with ``resolved_date``),
        for :func:`save`; None where refused.
    problems : dict
        Field (``grievance_id``, ``step``, ``date``, ``attended``, ``outcome``) → what to fix.

    Notes
    -----
    Refused: an unknown grievance, or one outside the account's reach; any step of a withdrawn
    grievance, or of a resolved one other than the second settlement or escalation of a complaint
    settled once; a mediation of anything but a land dispute; a second settlement before the first,
    or of anything but a complaint; a second acceptance; the same step twice on one day.
    """
    today = today or today_in_vietnam()
    problems: Problems = {}
    found = _grievance(ws, stored, grievance_id)
    if found is None:
        problems["grievance_id"] = (
            f"Không có đơn số “{grievance_id}” / no grievance “{grievance_id}”: chọn đơn trong danh sách / pick one."
        )
        return None, problems
    row, placed = found
    kind, status = row.get("kind"), row.get("status")
    hamlet = None if is_missing(placed.get("hamlet_id")) else str(placed.get("hamlet_id"))
    if not may_move(access, hamlet, kind):
        problems["grievance_id"] = (
            f"Tài khoản này không cập nhật đơn {grievance_id} / this account does not handle grievance "
            f"{grievance_id}: đơn của thôn khác, hoặc đơn tố cáo (chỉ người giải quyết tố cáo) / another hamlet's, "
            "or a denunciation (only those who settle them)."
        )
        return None, problems
    if step not in STEP_STATUS:
        choices = ", ".join(f"{GRIEVANCE_STEPS_ENUM.label(s)} ({s})" for s in STEP_STATUS)
        problems["step"] = f"Không có bước “{step}” / no step “{step}”; chọn / choose: {choices}."
        return None, problems
    received = _as_day(row.get("received_date"))
    day = _day(values.get("date"), today, problems, "date", ("ngày", "date"))
    if day is not None and received is not None and day < received:
        problems["date"] = (
            f"Ngày {fmt_date(day)} trước ngày nhận đơn {fmt_date(received)} / {fmt_date(day)} is before the letter "
            f"was received ({fmt_date(received)}): sửa ngày / correct the date."
        )
    label = GRIEVANCE_STEPS_ENUM.label(step)
    rounds = None if is_missing(row.get("settlement_round")) else row.get("settlement_round")
    done = set(steps_of(ws, grievance_id)["step"])
    settled_once = rounds == "first" or "settled_first" in done
    if status == "withdrawn":
        problems["step"] = f"Đơn {grievance_id} đã rút: không thêm bước / the grievance was withdrawn: no more steps."
    elif status == "resolved" and not (
        kind == "complaint" and rounds == "first" and step in ("settled_second", "escalated")
    ):
        problems["step"] = (
            f"Đơn {grievance_id} đã giải quyết xong: không thêm bước “{label}” / the grievance is resolved: no "
            "further step (chỉ khiếu nại đã giải quyết lần đầu mới giải quyết lần hai hoặc chuyển cấp trên / only "
            "a complaint settled once may be settled a second time or escalated)."
        )
    elif step == "mediation" and kind != "dispute":
        problems["step"] = (
            "Hòa giải chỉ dành cho đơn tranh chấp đất đai (Luật Đất đai 2024, Điều 235) / mediation is for a land "
            "dispute only: chọn bước khác / choose another step."
        )
    elif step == "settled_second" and kind != "complaint":
        problems["step"] = (
            "Chỉ đơn khiếu nại mới giải quyết lần hai / only a complaint is settled a second time: chọn “Giải "
            "quyết lần đầu” / choose the first settlement."
        )
    elif step == "settled_second" and not settled_once:
        problems["step"] = (
            f"Đơn {grievance_id} chưa giải quyết lần đầu: ghi bước “Giải quyết lần đầu” trước / not settled a first "
            "time yet: record the first settlement first."
        )
    elif step == "accepted" and (not is_missing(row.get("accepted_date")) or "accepted" in done):
        when = fmt_date(row.get("accepted_date")) if not is_missing(row.get("accepted_date")) else ""
        problems["step"] = f"Đơn {grievance_id} đã thụ lý {when} / already accepted {when}: chọn bước khác."
    elif day is not None and _recorded(ws, grievance_id, step, day):
        problems["step"] = (
            f"Bước “{label}” ngày {fmt_date(day)} đã ghi / already recorded on {fmt_date(day)}: không ghi lại / "
            "it is not recorded twice."
        )
    attended, outcome, note = (_text(values.get(k)) or None for k in ("attended", "outcome", "note"))
    if step == "dialogue":
        if attended is None:
            problems["attended"] = "Ghi thành phần tham dự đối thoại / say who attended the dialogue."
        if outcome is None:
            problems["outcome"] = "Ghi kết quả đối thoại / give the dialogue's outcome."
    if step == "mediation" and outcome is None and "step" not in problems:
        problems["outcome"] = "Ghi kết quả hòa giải (thành / không thành) / give the mediation's outcome."
    if problems or day is None:
        return None, problems
    new = row.to_frame().T.reset_index(drop=True)
    new["status"] = STEP_STATUS[step]
    if step == "accepted":
        new["accepted_date"] = pd.Timestamp(day)
    if step in ("settled_first", "settled_second", "withdrawn"):
        new["resolved_date"] = pd.Timestamp(day)
    if step in ("settled_first", "settled_second"):
        new["settlement_round"] = "first" if step == "settled_first" else "second"
    if step == "escalated":
        new["resolved_date"] = None
    steps = _step_row(grievance_id, step, day, attended, outcome, note)
    return {"grievances": Edit(new), "grievance_steps": Edit(steps)}, problems


def _recorded(ws: Workspace, grievance_id: str, step: str, day: date) -> bool:
    mine = steps_of(ws, grievance_id)
    return bool(((mine["step"] == step) & (pd.to_datetime(mine["date"]) == pd.Timestamp(day))).any())


def save(store: Store, edits: Mapping[str, Edit], user: str, note: str | None = None) -> Commit:
    """Write ``edits`` as ONE changeset (:meth:`geo.store.Store.edit_layers`), checked as an upload is.

    The store's own validation (:func:`geo.store.upload.validator` with its settings) runs on every
    layer as it would be; an error raises :class:`geo.store.ValidationRefused` and the store stays
    exactly as it was.

    Returns
    -------
    Commit
        ``commit.changeset``: the new changeset's id.
    """
    from ..store.upload import store_config, validator

    return store.edit_layers(edits, user=user, note=note, validate=validator(store_config(store)))


__all__ = [
    "COLLECTIVE",
    "FIELDS",
    "FORM_ROLES",
    "STEP_STATUS",
    "SUMMARY_LIMIT",
    "deadline_text",
    "deadlines",
    "may_move",
    "may_receive",
    "movable",
    "move_on",
    "next_number",
    "number_regex",
    "receive",
    "save",
    "steps_of",
]
