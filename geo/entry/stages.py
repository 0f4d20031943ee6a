"""Record a household's step (ghi bước của hộ): the stage reached and its date, as one changeset.

The procedure runs per household and project (``docs/data-contract.md``, stage_history): a household
row's stage is the furthest stage, in procedure order, among the history entries of its household
and project. Recording a step therefore *adds* an entry to ``stage_history`` — nothing there is
changed or removed — and, in the same changeset, moves the ``stage`` and ``stage_date`` of every
row of that household in that project to the furthest stage of its history, so the households list
read on its own stays true.

:func:`household_step` checks a form's values and returns the edits (pure: nothing is written);
:func:`save` writes them as one changeset of the store, validated as a file upload is (a refused
change leaves the store as it was):

>>> today = date(2026, 11, 28)
>>> step, problems = household_step("H0102", "DA01", "handed_over", "20/11/2026", ws, access, today)  # doctest: +SKIP
>>> problems  # doctest: +SKIP
{}
>>> save(store, step, user="canbo1").changeset  # doctest: +SKIP
42

The procedure's order is not always the order of the dates (the recovery decision may lawfully
follow the payment or a voluntary handover, Land Law 2024 Art. 87(5)): a date out of that order is
accepted with a warning, never refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..canonical import date_error, parse_dates
from ..formatting import fmt_date, is_missing
from ..schema import STAGE_ORDER, STAGES, normalize_name

if TYPE_CHECKING:
    from ..access import Access
    from ..store import Commit, Edit, Store
    from ..workspace import Workspace

FIELDS = ("household", "project", "stage", "date")
"""The form's fields, the keys of the problems :func:`household_step` returns."""

HISTORY_COLUMNS = ("household_id", "project_id", "stage", "date")
"""The columns of a ``stage_history`` entry."""

PAIR = ["household_id", "project_id"]


def stage_label(key: str) -> str:
    """``Bàn giao mặt bằng``: a stage key's Vietnamese label."""
    return STAGES.label(key)


def stage_key(value: object) -> str | None:
    """The stage key of ``value`` (its key, Vietnamese label or an alias, with or without diacritics),
    or None where no stage is called so.

    Example
    -------
    >>> stage_key("Bàn giao mặt bằng"), stage_key("paid"), stage_key("ban giao"), stage_key("xong")
    ('handed_over', 'paid', 'handed_over', None)
    """
    if is_missing(value) or not str(value).strip():
        return None
    return STAGES.lookup().get(normalize_name(value))


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value).strip()


def _pair_rows(frame: pd.DataFrame, household_id: str, project_id: str) -> pd.DataFrame:
    if not len(frame) or not set(PAIR) <= set(frame.columns):
        return frame.iloc[0:0]
    mask = (frame["household_id"].astype(object) == household_id) & (frame["project_id"].astype(object) == project_id)
    return frame[mask.to_numpy()]


def history_of(ws: Workspace, household_id: str, project_id: str) -> pd.DataFrame:
    """The stage history of one household in one project: ``stage`` and ``date``, oldest first (for the
    same date, in procedure order); empty where the history has no entry for them."""
    rows = _pair_rows(ws.stage_history, household_id, project_id)
    out = pd.DataFrame(
        {"stage": rows["stage"].astype(object).to_numpy(), "date": pd.to_datetime(rows["date"]).to_numpy()}
        if len(rows)
        else {"stage": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[ns]")}
    )
    out["_rank"] = out["stage"].map(STAGE_ORDER)
    return out.sort_values(["date", "_rank"], kind="stable").drop(columns="_rank").reset_index(drop=True)


def furthest(entries: pd.DataFrame, on_or_before: date | None = None) -> tuple[str | None, pd.Timestamp | None]:
    """The furthest stage, in procedure order, of ``entries`` (``stage``, ``date``) dated on or before
    ``on_or_before`` (every entry where None), and its date (the latest, where recorded twice).

    The same rule as the summary's (:func:`geo.selection.current_stages`): a recovery decision dated
    after the payment does not undo the payment.

    Example
    -------
    >>> e = pd.DataFrame({"stage": ["paid", "recovery_decided"], "date": pd.to_datetime(["2026-10-01", "2026-11-01"])})
    >>> furthest(e)
    ('paid', Timestamp('2026-10-01 00:00:00'))
    """
    dated = entries[entries["date"].notna() & entries["stage"].isin(list(STAGE_ORDER))]
    if on_or_before is not None:
        dated = dated[dated["date"] <= pd.Timestamp(on_or_before)]
    if not len(dated):
        return None, None
    order = np.lexsort((np.arange(len(dated)), dated["date"].to_numpy(), dated["stage"].map(STAGE_ORDER).to_numpy()))
    last = dated.iloc[order[-1]]
    return str(last["stage"]), pd.Timestamp(last["date"])


def recordable(ws: Workspace, access: Access, hamlet_id: str | None = None) -> pd.DataFrame:
    """The households and projects ``access`` may record a step for (of ``hamlet_id`` where given).

    A household and project whose every row lies in a hamlet the account may edit
    (:meth:`~geo.access.Access.may_edit`: an officer its own hamlets, the administrator every one);
    with ``hamlet_id``, only those with a row there.

    Returns
    -------
    DataFrame
        One row per household and project, by household id: ``household_id``, ``project_id``,
        ``household_name`` (blank where ``access`` may not see the hamlet's personal data), ``stage``
        and ``stage_date`` (the furthest of its rows, as the households list says).
    """
    columns = ["household_id", "project_id", "household_name", "stage", "stage_date"]
    hh = ws.households
    if not len(hh):
        return pd.DataFrame(columns=columns)
    hamlet = hh["hamlet_id"].astype(object) if "hamlet_id" in hh else pd.Series(None, index=hh.index, dtype=object)
    places = {h: str(h) for h in hamlet.dropna().unique()}

    def per_hamlet(allowed) -> np.ndarray:  # asked once per hamlet; a row of no known hamlet asks None
        answer = {h: allowed(name) for h, name in places.items()}
        return hamlet.map(answer).fillna(allowed(None)).astype(bool).to_numpy()

    rows = hh.assign(
        _hamlet=hamlet.to_numpy(),
        _ok=per_hamlet(access.may_edit),
        _seen=per_hamlet(access.sees_personal),
        _here=(hamlet == hamlet_id).to_numpy() if hamlet_id is not None else True,
        _rank=hh["stage"].map(STAGE_ORDER),
    ).dropna(subset=PAIR)
    pairs = rows.groupby(PAIR, sort=True).agg(ok=("_ok", "all"), seen=("_seen", "all"), here=("_here", "any"))
    keep = pairs[pairs["ok"] & pairs["here"]]
    furthest_row = rows.sort_values([*PAIR, "_rank", "stage_date"], kind="stable").drop_duplicates(PAIR, keep="last")
    out = furthest_row.set_index(PAIR).loc[keep.index].reset_index()
    names = out["household_name"].astype(object) if "household_name" in out else pd.Series(None, index=out.index)
    out["household_name"] = names.where(keep["seen"].to_numpy(), None)
    return out[columns].reset_index(drop=True)


@dataclass(frozen=True)
class Step:
    """A household's step, checked and ready to save: what :func:`save` writes as one changeset.

    Attributes
    ----------
    household_id, project_id, stage :
        The household, the project and the stage reached (its key).
    date : Timestamp
        The day it was reached.
    entries : DataFrame
        The ``stage_history`` rows added (``household_id, project_id, stage, date``): the step, after
        the entries that start the history from what the households list knew (``seeded``).
    seeded : DataFrame
        The entries added first where the history had none for the household and project: its rows'
        stage and stage date (empty where it already had a history).
    current, current_date :
        The furthest stage of the household's history after the step, and its date: every row of the
        household in the project gets them as ``stage`` and ``stage_date`` (:meth:`edits`).
    base : int or None
        The store's changeset the check was made on: a row changed since by someone else is not
        overwritten (:class:`~geo.store.MergeConflict`).
    warnings : tuple of str
        What the officer should know but is no refusal (a date out of the procedure's order, a step
        behind the household's furthest).
    """

    household_id: str
    project_id: str
    stage: str
    date: pd.Timestamp
    entries: pd.DataFrame
    seeded: pd.DataFrame
    current: str
    current_date: pd.Timestamp
    base: int | None = None
    warnings: tuple[str, ...] = field(default=())

    def edits(self, households: pd.DataFrame) -> dict[str, Edit]:
        """The layers' edits of the one changeset: :attr:`entries` added to ``stage_history``; in
        ``households``, the household's rows in the project replaced by themselves with ``stage`` and
        ``stage_date`` moved (nothing else changed, nothing removed).

        Parameters
        ----------
        households : DataFrame
            The households layer as the store keeps it (``store.layer("households")``): its own rows
            are written back, not the workspace's, whose parcel ids and areas are completed by the joins.
        """
        from ..store import Edit

        rows = _pair_rows(households, self.household_id, self.project_id).copy()
        rows["stage"] = self.current
        rows["stage_date"] = pd.Series(self.current_date, index=rows.index, dtype="datetime64[ns]")
        return {"stage_history": Edit(self.entries), "households": Edit(rows.reset_index(drop=True))}

    def note(self) -> str:
        """The changeset's default note (no name, no household id: the rows carry them)."""
        label = stage_label(self.stage)
        return (
            f"Ghi bước của hộ: {label} ngày {fmt_date(self.date)} (dự án {self.project_id}) / "
            f"Recorded a household's step: {self.stage} on {self.date:%Y-%m-%d} (project {self.project_id})"
        )


def _entries(household_id: str, project_id: str, stages: list[str], dates: list[pd.Timestamp]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household_id": pd.Series([household_id] * len(stages), dtype=object),
            "project_id": pd.Series([project_id] * len(stages), dtype=object),
            "stage": pd.Series(stages, dtype=object),
            "date": pd.to_datetime(pd.Series(dates, dtype="datetime64[ns]")),
        }
    )


def _check_household(
    household_id: str, project_id: str, ws: Workspace, access: Access, problems: dict[str, str]
) -> pd.DataFrame | None:
    """The household's rows in the project, or None with the problem named under its field."""
    hh = ws.households
    if not household_id:
        problems["household"] = "Chọn hộ. / Choose a household."
        return None
    mine = hh[hh["household_id"].astype(object) == household_id] if len(hh) else hh
    if not len(mine):
        problems["household"] = (
            f"Không có hộ “{household_id}” trong danh sách hộ. / No household “{household_id}” in the households list."
        )
        return None
    if not project_id:
        problems["project"] = "Chọn dự án. / Choose a project."
        return None
    rows = mine[mine["project_id"].astype(object) == project_id]
    if not len(rows):
        known = set(ws.projects["project_id"].dropna().astype(str)) if "project_id" in ws.projects else set()
        known |= set(hh["project_id"].dropna().astype(str))
        if project_id not in known:
            problems["project"] = f"Không có dự án “{project_id}”. / No project “{project_id}”."
        else:
            theirs = ", ".join(sorted(mine["project_id"].dropna().astype(str).unique())) or "—"
            problems["project"] = (
                f"Hộ {household_id} không có đất thu hồi trong dự án {project_id} (dự án của hộ: {theirs}). / "
                f"Household {household_id} has no land recovered for project {project_id} (its projects: {theirs})."
            )
        return None
    hamlets = rows["hamlet_id"].astype(object) if "hamlet_id" in rows else pd.Series(None, index=rows.index)
    outside = [h for h in hamlets.unique() if not access.may_edit(None if is_missing(h) else str(h))]
    if outside:
        named = ", ".join(sorted("chưa rõ thôn / unplaced" if is_missing(h) else str(h) for h in outside))
        problems["household"] = (
            f"Hộ {household_id} có đất ở thôn ngoài các thôn bạn được ghi ({named}): không ghi được bước. / "
            f"Household {household_id} has land in a hamlet you may not edit ({named}): its step cannot be recorded."
        )
        return None
    return rows


def _check_date(day: object, today: date, problems: dict[str, str]) -> pd.Timestamp | None:
    if is_missing(day) or (isinstance(day, str) and not day.strip()):
        problems["date"] = (
            "Ghi ngày đạt bước này (ngày/tháng/năm). / Enter the date the stage was reached (dd/mm/yyyy)."
        )
        return None
    parsed = parse_dates(pd.Series([day], dtype=object)).iloc[0]
    if pd.isna(parsed):
        why = date_error(day) or f"“{day}” không phải ngày / “{day}” is not a date"
        vi, _, en = why.partition(" / ")
        problems["date"] = f"{vi}; ghi ngày/tháng/năm, ví dụ 20/11/2026. / {en or vi}; write dd/mm/yyyy."
        return None
    ts = pd.Timestamp(parsed).normalize()
    if ts.date() > today:
        problems["date"] = (
            f"Ngày {fmt_date(ts)} chưa đến (hôm nay {fmt_date(today)}): chỉ ghi bước đã đạt. / "
            f"{fmt_date(ts)} is in the future (today is {fmt_date(today)}): record only a stage reached."
        )
        return None
    return ts


def _order_warnings(history: pd.DataFrame, stage: str, ts: pd.Timestamp, today: date) -> list[str]:
    """The warnings of a step whose date is out of the procedure's order, or behind the furthest stage."""
    out: list[str] = []
    rank = STAGE_ORDER[stage]
    ranks = history["stage"].map(STAGE_ORDER)
    before = history[(ranks < rank).to_numpy() & (history["date"] > ts).to_numpy()]
    after = history[(ranks > rank).to_numpy() & (history["date"] < ts).to_numpy()]
    crossed = pd.concat([before, after])
    if len(crossed):
        pairs = zip(crossed["stage"], crossed["date"], strict=True)
        listed = "; ".join(f"{stage_label(s)} {fmt_date(d)}" for s, d in pairs)
        out.append(
            f"Thứ tự ngày khác thứ tự thủ tục ({listed}): có thể đúng (quyết định thu hồi có thể sau chi trả hoặc bàn "
            "giao tự nguyện, Điều 87 khoản 5 Luật Đất đai 2024), hãy kiểm tra lại ngày. / The dates are not in the "
            "procedure's order: this may be right (Land Law 2024 Art. 87(5)); check the date."
        )
    top, top_date = furthest(history, today)
    if top is not None and STAGE_ORDER[top] > rank:
        out.append(
            f"Hộ đã ở bước {stage_label(top)} ({fmt_date(top_date)}), xa hơn bước này trong trình tự: bước được ghi "
            "vào lịch sử, bước hiện tại của hộ không đổi. / The household is at a further stage already: the step is "
            "added to its history, its current stage stays."
        )
    return out


def household_step(
    household_id: object,
    project_id: object,
    stage: object,
    day: object,
    ws: Workspace,
    access: Access,
    today: date,
) -> tuple[Step | None, dict[str, str]]:
    """Check a household's step and make its edits (nothing is written: see :func:`save`).

    The step adds one ``stage_history`` entry (household, project, stage, date): the history grows
    and nothing in it is overwritten. In the same changeset every row of the household in that
    project gets, as ``stage`` and ``stage_date``, the furthest stage of its history after the step
    (procedure order, entries dated up to ``today``), so the households list stays true.

    Where the history has no entry yet for the household and project, the entries of what the
    households list knew are added first: one per distinct stage and stage date of its rows (rows
    without a stage date give none). Otherwise the summary, which reads a household's stage from its
    history wherever it has one, would take the new entry for the whole history and could move the
    household back. Where the list's stage is further than the step but has no date, the step is
    refused: record that stage with its date first.

    Parameters
    ----------
    household_id, project_id : str
        The household and one of its projects.
    stage : str
        A stage's key, Vietnamese label or alias (``handed_over``, ``Bàn giao mặt bằng``).
    day : date, datetime or str
        When the stage was reached: a date, or ``dd/mm/yyyy`` / ``yyyy-mm-dd`` text (never month first).
    ws : Workspace
        The store's workspace as a whole (not :func:`~geo.access.restrict`-ed: the rows written are its
        rows), with the hamlets of the household rows from the join.
    access : Access
        The signed-in account's: it may record steps only of households whose every row in the project
        lies in a hamlet it may edit (an officer its hamlets, the administrator all).
    today : date
        A date after it is refused.

    Returns
    -------
    (Step or None, dict)
        The step, and no problem; or None and the problems, field (``household``, ``project``,
        ``stage``, ``date``) → what to fix, Vietnamese / English. Refused: an unknown household, a
        project it has no land in, a hamlet outside the account's, an unknown stage, a date that is
        no date or in the future, a step already recorded (same stage and date). A date out of the
        procedure's order is no refusal: it is in ``Step.warnings``.
    """
    problems: dict[str, str] = {}
    household_id, project_id = _text(household_id), _text(project_id)
    rows = _check_household(household_id, project_id, ws, access, problems)
    key = stage_key(stage)
    if key is None:
        shown = _text(stage)
        stages = "; ".join(STAGES.label(k) for k in STAGES.keys)
        problems["stage"] = (
            f"Không có bước “{shown}”; chọn một bước: {stages}. / No stage “{shown}”: choose one of the procedure's."
            if shown
            else f"Chọn bước: {stages}. / Choose a stage."
        )
    ts = _check_date(day, today, problems)
    if rows is None or key is None or ts is None:
        return None, problems

    history = history_of(ws, household_id, project_id)
    seeded = pd.DataFrame(columns=["stage", "date"])
    if not len(history):
        own = rows[["stage", "stage_date"]].rename(columns={"stage_date": "date"})
        own = own[own["stage"].isin(list(STAGE_ORDER)) & own["date"].notna()]
        seeded = own.drop_duplicates().sort_values("date", kind="stable").reset_index(drop=True)
        known = rows["stage"].map(STAGE_ORDER).max()
        reach = max([STAGE_ORDER[key], *seeded["stage"].map(STAGE_ORDER).tolist()])
        if not is_missing(known) and known > reach:
            top = STAGES.keys[int(known)]
            problems["stage"] = (
                f"Danh sách hộ ghi hộ ở bước {stage_label(top)} nhưng không có ngày: ghi bước {stage_label(top)} "
                f"với ngày của nó trước, để lịch sử không lùi bước của hộ. / The households list has the household at "
                f"{top} without a date: record that stage with its date first, so the history does not move it back."
            )
            return None, problems
        history = seeded.assign(date=pd.to_datetime(seeded["date"]))
    same = history[(history["stage"] == key).to_numpy() & (history["date"] == ts).to_numpy()]
    if len(same):
        problems["date"] = (
            f"Bước {stage_label(key)} ngày {fmt_date(ts)} của hộ {household_id} đã được ghi. / "
            f"Stage {key} on {fmt_date(ts)} of household {household_id} is recorded already."
        )
        return None, problems

    warnings = _order_warnings(history, key, ts, today)
    after = pd.concat([history[["stage", "date"]], pd.DataFrame({"stage": [key], "date": [ts]})], ignore_index=True)
    current, current_date = furthest(after, today)
    assert current is not None and current_date is not None  # the step itself is dated on or before today
    entries = _entries(
        household_id,
        project_id,
        [*seeded["stage"].tolist(), key],
        [*pd.to_datetime(seeded["date"]).tolist(), ts],
    )
    base = getattr(getattr(ws, "source", None), "changeset", None)
    step = Step(
        household_id,
        project_id,
        key,
        ts,
        entries,
        entries.iloc[: len(seeded)].reset_index(drop=True),
        current,
        current_date,
        base,
        tuple(warnings),
    )
    return step, {}


def save(store: Store, step: Step | Mapping[str, Edit], user: str, note: str | None = None) -> Commit:
    """Write a step (or any layers' edits) as ONE changeset of the store: all of it, or nothing.

    Checked with the store's own validation (its settings, every layer as it would be: what an
    upload is checked with); with an error it is refused and every layer stays as it was.

    Parameters
    ----------
    store : Store
    step : Step or mapping
        A :class:`Step` from :func:`household_step` (its ``base`` guards rows changed since), or
        layer → :class:`~geo.store.Edit`.
    user : str
        Who records it (the signed-in account's name).
    note : str, optional
        Why; by default the step's own note (stage, date, project).

    Returns
    -------
    Commit
        ``commit.changeset`` is the new changeset's number.

    Raises
    ------
    ValidationRefused
        The change would leave errors (``.errors`` lists them); nothing was written.
    MergeConflict
        A row of the step was changed by someone else after ``step.base``; nothing was written.
    """
    from ..store.upload import store_config, validator

    if isinstance(step, Step):
        edits, base, note = step.edits(store.layer("households")), step.base, note or step.note()
    else:
        edits, base = dict(step), None
    return store.edit_layers(edits, user, note, base=base, validate=validator(store_config(store)))


__all__ = [
    "FIELDS",
    "Step",
    "furthest",
    "history_of",
    "household_step",
    "recordable",
    "save",
    "stage_key",
    "stage_label",
]
