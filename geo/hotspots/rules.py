"""Explainable hotspot levels per hamlet (and per hamlet × project).

Each signal is a count per hamlet computed from one
:class:`~geo.selection.TimeSlice` (the state on the as-of date: this module
never filters dates itself); the score is the capped, weighted sum of the
enabled signals; the level follows the score and the contract's two fixed
points (see :mod:`geo.hotspots.config`). Every level comes with its reasons
in plain Vietnamese, a list, e.g. ``["2 đơn khiếu nại quá hạn giải quyết (giá
bồi thường)", "1 đơn tập thể 12 người ký", "3 hộ không đồng thuận chưa bàn
giao"]`` (written on one line only where shown: :func:`geo.vocabulary.join_reasons`).

Signals
-------
open_grievances
    Open grievances (not resolved or withdrawn on the as-of date), counted
    with the kind and topic weights.
overdue_grievances
    Those of them past their settlement deadline, weighted the same way.
collective_grievances
    Open grievances with ``collective_min`` (5) or more signatories.
disagreeing_households
    Households with a row that disagrees (agreement = no) and is not handed over.
past_deadline_households
    Households with a row not handed over after its project's handover deadline.
stalled_households
    Households with a row not handed over whose stage has not changed for
    ``stalled_days`` (per stage: ``stalled_days_by_stage``), from
    stage_history where present, else the row's stage_date.
skipped_steps
    Households whose stage_history (up to the as-of date) reaches a stage
    while an earlier one never was, or pays before the plan was approved. A
    recovery decision not yet recorded where the household is paid or has
    handed over is no gap: the decision may lawfully follow them (Land Law
    2024, Art. 87(5)).
late_payment
    Households not paid although the payment period (30 days from the plan's
    approval, Land Law 2024 Art. 94(3); :mod:`geo.legal`) has run out. Those
    paid after it are named in the reasons (late-payment interest is owed,
    Art. 94(3)(b)) but not scored: the payment is done.
expired_notice
    Households whose notice of recovery is past its 12 months of validity
    (Land Law 2024, Art. 85(5)) without a recovery decision within them.
short_notice
    Off by default. Households whose recovery decision came sooner after the
    notice than the law's 90 days (agricultural land) or 180 days (other
    land) (Art. 85), where not every row of the household agrees
    (agreement = yes stands for consent to earlier recovery).
agitated_reports, concerned_reports
    Field reports of that mood in the 14 days up to the as-of date.
silent_party_cell
    1 where the hamlet's party cell has not reported for more than
    ``report_gap_days`` (7) days.
gi_cluster
    1 where the hamlet holds a parcel of a significant Gi* hot cluster
    (:mod:`geo.hotspots.clusters`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import legal
from ..schema import KINDS, STAGE_ORDER, STAGES, TOPICS
from ..selection import TimeSlice
from ..vocabulary import (  # noqa: F401 - LEVEL_LABELS, LEVEL_RANK re-exported
    ALERT_LEVELS,
    GRIEVANCE_STATES,
    LEVEL_LABELS,
    LEVEL_ORDER,
    LEVEL_RANK,
)
from ..workspace import Workspace
from .config import FIXED_COLLECTIVE, SIGNAL_NAMES, hotspot_config, signal_on

LEVELS = LEVEL_ORDER
"""The levels, mildest first (:mod:`geo.vocabulary`)."""

SIGNALS = SIGNAL_NAMES
"""Every signal (see the module docstring)."""

SIGNAL_LABELS = {
    "open_grievances": f"Đơn thư {GRIEVANCE_STATES.label('open').lower()}",
    "overdue_grievances": "Đơn thư quá hạn",
    "collective_grievances": "Đơn tập thể",
    "disagreeing_households": "Hộ không đồng thuận chưa bàn giao",
    "past_deadline_households": "Hộ chậm bàn giao so với hạn dự án",
    "stalled_households": "Hộ lâu chưa chuyển bước",
    "skipped_steps": "Hộ bị bỏ bước trình tự",
    "late_payment": "Hộ chưa được chi trả quá hạn",
    "expired_notice": "Thông báo thu hồi đất hết hiệu lực",
    "short_notice": "Quyết định thu hồi chưa đủ thời hạn thông báo",
    "agitated_reports": "Báo cáo Nhân dân bức xúc",
    "concerned_reports": "Báo cáo Nhân dân có băn khoăn",
    "silent_party_cell": "Chi bộ chưa báo cáo",
    "gi_cluster": "Cụm đơn thư tập trung (Gi*)",
}
"""Vietnamese names of the signals, for legends and tables."""

FACTS = ("gathering_risk", "overdue_collective")
"""Counts behind the ``hotspot`` fixed point: gathering_risk reports in the 14
days, open overdue grievances with 5 or more signatories."""

HANDED_OVER = STAGE_ORDER["handed_over"]
_DETAILS = (
    "open_count",
    "open_by_kind",
    "open_topics",
    "overdue_by_kind",
    "overdue_topics",
    "max_collective",
    "overdue_collective_cfg",
    "max_overdue_collective",
    "stalled_max_days",
    "skipped_missing",
    "skipped_paid_early",
    "late_unpaid",
    "late_paid",
    "days_silent",
)


def _agg(
    frame: pd.DataFrame, keys: list[str], index: pd.Index, how: str = "size", column: str | None = None
) -> pd.Series:
    """One number per key of ``index`` (0 where the frame has none)."""
    if not len(frame):
        return pd.Series(0.0, index=index)
    grouped = frame.groupby(keys if len(keys) > 1 else keys[0], dropna=True)
    values = grouped.size() if how == "size" else getattr(grouped[column], how)()
    return values.reindex(index).fillna(0).astype("float64")


def _breakdown(frame: pd.DataFrame, keys: list[str], column: str, index: pd.Index) -> pd.Series:
    """``{value: count}`` of ``column`` per key of ``index``."""
    found: dict[Any, dict[str, int]] = {}
    if len(frame):
        counts = (
            frame.assign(_v=frame[column].astype(object).where(frame[column].notna(), ""))
            .groupby([*keys, "_v"], dropna=True)
            .size()
        )
        for key, n in counts.items():
            owner = key[:-1] if len(keys) > 1 else key[0]
            found.setdefault(owner, {})[key[-1]] = int(n)
    return pd.Series([found.get(k, {}) for k in index], index=index, dtype=object)


def _per_hamlet(index: pd.Index, per_hamlet: pd.Series, fill: float = 0.0) -> pd.Series:
    """Broadcast a per-hamlet series onto ``index`` (hamlets or hamlet × project)."""
    hid = index.get_level_values("hamlet_id")
    return pd.Series(per_hamlet.reindex(hid).to_numpy(dtype="float64"), index=index).fillna(fill)


def _with_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with any missing column added as blanks (frames built by hand may lack some)."""
    missing = [c for c in columns if c not in frame.columns]
    return frame.assign(**{c: pd.Series(pd.NA, index=frame.index, dtype=object) for c in missing}) if missing else frame


def _grievances_keyed(ws: Workspace, sl: TimeSlice, by_project: bool) -> pd.DataFrame:
    """Placed grievances of the slice; per project, those without one follow their household's."""
    g = _with_columns(sl.grievances, ("hamlet_id", "project_id", "household_id", "kind", "topic"))
    g = g.dropna(subset=["hamlet_id"])
    if not by_project or not len(g):
        return g
    named = g[g["project_id"].notna()]
    unnamed = g[g["project_id"].isna() & g["household_id"].notna()]
    projects = ws.households[["household_id", "project_id"]].dropna().drop_duplicates()
    if sl.selection.project:
        projects = projects[projects["project_id"] == sl.selection.project]
    inherited = pd.DataFrame(unnamed.drop(columns="project_id")).merge(projects, on="household_id")
    return pd.concat([pd.DataFrame(named), inherited], ignore_index=True)


def _first_dates(history: pd.DataFrame) -> pd.DataFrame:
    """The first date of each stage per (household_id, project_id) in ``history`` (one column per stage)."""
    if not len(history):
        return pd.DataFrame(
            columns=list(STAGES.keys),
            index=pd.MultiIndex.from_tuples([], names=["household_id", "project_id"]),
            dtype="datetime64[ns]",
        )
    first = (
        history.dropna(subset=["stage", "date"])
        .groupby(["household_id", "project_id", "stage"])["date"]
        .min()
        .unstack()
    )
    return first.reindex(columns=list(STAGES.keys)).apply(pd.to_datetime, errors="coerce")


def _skipped(hh: pd.DataFrame, first: pd.DataFrame) -> pd.DataFrame:
    """Household rows whose history skips a step, with ``missing`` and ``paid_early``.

    ``missing`` is the first stage never reached although a later one was
    (the recovery decision is not missing where payment or handover is
    recorded: it may lawfully follow them, Land Law 2024 Art. 87(5));
    ``paid_early`` is True where ``paid`` is dated before ``plan_approved``. ``first`` is
    :func:`_first_dates` of the history up to the as-of date.
    """
    empty = hh.iloc[0:0].assign(missing=pd.Series(dtype=object), paid_early=pd.Series(dtype=bool))
    if not len(first) or not len(hh):
        return empty
    reached = first.notna().to_numpy()
    ranks = np.arange(len(STAGES.keys))
    top = np.where(reached.any(axis=1), (reached * (ranks + 1)).max(axis=1) - 1, -1)
    gaps = ~reached & (ranks[None, :] < top[:, None])
    gaps[:, STAGE_ORDER["recovery_decided"]] &= top < STAGE_ORDER["paid"]
    has_gap = gaps.any(axis=1)
    paid, approved = (pd.to_datetime(first[c], errors="coerce") for c in ("paid", "plan_approved"))
    paid_early = (paid < approved).to_numpy(dtype=bool)
    flags = pd.DataFrame(
        {
            "missing": np.where(has_gap, np.array(STAGES.keys, dtype=object)[gaps.argmax(axis=1)], None),
            "paid_early": paid_early,
        },
        index=first.index,
    )[has_gap | paid_early]
    if not len(flags):
        return empty
    return hh.merge(flags.reset_index(), on=["household_id", "project_id"], how="inner")


def _own_start(hh: pd.DataFrame, stages: tuple[str, ...]) -> pd.Series:
    """The row's own stage_date where its stage is one of ``stages`` (a bound for rows without history)."""
    return pd.to_datetime(hh["stage_date"], errors="coerce").where(hh["stage"].isin(stages))


def _history_dates(hh: pd.DataFrame, first: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """``first`` (per pair) broadcast to ``hh``'s rows, and whether the row's pair has any history."""
    keyed = pd.MultiIndex.from_frame(hh[["household_id", "project_id"]].astype(object))
    dates = first.reindex(keyed)
    dates.index = hh.index
    return dates, pd.Series(keyed.isin(first.index), index=hh.index)


def _late_payment(
    hh: pd.DataFrame, dates: pd.DataFrame, has: pd.Series, ts: pd.Timestamp, sets: tuple[str, ...]
) -> pd.DataFrame:
    """Household rows whose payment is late on ``ts``, with ``unpaid`` (True: not paid yet; False: paid late).

    The period is the one in force when it started (:func:`geo.legal.due_from`): from the plan's
    approval under the Land Law 2024 (Art. 94(3)), from the recovery decision under the Land Law 2013
    (Art. 93). Rows without stage_history use their own stage_date at ``plan_approved`` or
    ``recovery_decided``, which is on or after the plan's approval: where even that is 30 days past,
    the payment is late.
    """
    if not len(hh):
        return hh.assign(unpaid=pd.Series(dtype=bool))
    approved = dates["plan_approved"].where(has, _own_start(hh, ("plan_approved", "recovery_decided")))
    decided = dates["recovery_decided"].where(has, _own_start(hh, ("recovery_decided",)))
    due = legal.due_from("payment", {"plan_approved": approved, "recovery_decided": decided}, sets)
    paid = dates["paid"].where(has)
    unpaid = (hh["stage_rank"] < STAGE_ORDER["paid"]) & due.notna() & (ts > due)
    paid_late = paid.notna() & due.notna() & (paid > due)
    return hh.assign(unpaid=unpaid)[unpaid | paid_late]


def _expired_notice(
    hh: pd.DataFrame, dates: pd.DataFrame, has: pd.Series, ts: pd.Timestamp, sets: tuple[str, ...]
) -> pd.DataFrame:
    """Household rows whose notice of recovery expired (12 months, Land Law 2024 Art. 85(5)) with no
    recovery decision within its validity. Without stage_history, a row before the decision whose own
    stage_date is 12 months past (the notice came on or before it)."""
    if not len(hh):
        return hh
    notice = dates["notified"].where(has, _own_start(hh, STAGES.keys[: STAGE_ORDER["recovery_decided"]]))
    expiry = legal.due_dates("notice_valid", notice, sets)
    decided = dates["recovery_decided"].where(has)
    expired = expiry.notna() & (ts > expiry) & (decided.isna() | (decided > expiry))
    expired &= has | (hh["stage_rank"] < STAGE_ORDER["recovery_decided"])
    return hh[expired]


def _short_notice(
    ws: Workspace, hh: pd.DataFrame, dates: pd.DataFrame, has: pd.Series, sets: tuple[str, ...]
) -> pd.DataFrame:
    """Household rows whose recovery decision came before the notice period ran out (Land Law 2024, Art. 85).

    The period is the one in force on the decision's date: 90 days where every parcel of the household
    in the project is agricultural land (:data:`geo.legal.AGRICULTURAL_LAND_USES`, or of unknown use),
    180 days otherwise. Waived where every row of the household in the project agrees (agreement = yes):
    the law lets the decision come early where the land user agrees. Needs stage_history.
    """
    if not len(hh) or not has.any():
        return hh.iloc[0:0]
    uses = ws.parcels.drop_duplicates("parcel_id").set_index("parcel_id")["land_use"]
    use = hh["parcel_id"].map(uses).astype(object)
    other = use.notna() & ~use.astype(str).str.upper().str.strip().isin(legal.AGRICULTURAL_LAND_USES)
    pair = [hh["household_id"], hh["project_id"]]
    other = other.groupby(pair).transform("any")
    agreed = hh["agreement"].eq("yes").groupby(pair).transform("all")
    decided, notified = dates["recovery_decided"], dates["notified"]
    need = legal.period_days("notice_agricultural", decided, sets).where(
        ~other, legal.period_days("notice_non_agricultural", decided, sets)
    )
    gap = (decided - notified).dt.days
    short = has & need.notna() & gap.notna() & (gap < need) & ~agreed
    return hh[short]


def signal_table(
    ws: Workspace,
    sl: TimeSlice,
    config: dict[str, Any] | None = None,
    by_project: bool = False,
    cluster_hamlets: Iterable[str] | Iterable[tuple[str, str]] = (),
) -> pd.DataFrame:
    """Every signal's value per hamlet (or per hamlet × project), and the facts behind them.

    Parameters
    ----------
    ws : Workspace
    sl : TimeSlice
        The state on the as-of date (see :func:`geo.selection.time_slice`).
    config : dict, optional
        A merged configuration (:func:`~geo.hotspots.config.hotspot_config`).
    by_project : bool
        Index by ``(hamlet_id, project_id)`` instead of ``hamlet_id``; the
        pairs are those with a counted household row or a grievance.
        Hamlet-wide signals (field reports, party cell) apply to every
        project of the hamlet.
    cluster_hamlets : iterable of str, or of (hamlet_id, project_id)
        Hamlets (or pairs) touched by a significant Gi* hot cluster.

    Returns
    -------
    DataFrame
        One column per signal in :data:`SIGNALS` (the value that is scored),
        the :data:`FACTS`, and detail columns used for the reasons.

    Example
    -------
    >>> signal_table(ws, time_slice(ws))["overdue_grievances"]  # doctest: +SKIP
    """
    cfg = config or hotspot_config(ws.config.hotspots)
    ts = pd.Timestamp(sl.selection.as_of)
    keys = ["hamlet_id", "project_id"] if by_project else ["hamlet_id"]
    g = _grievances_keyed(ws, sl, by_project)
    hh = _with_columns(sl.households, ("hamlet_id", "project_id", "agreement", "stage_date"))
    hh = hh.dropna(subset=["hamlet_id"])
    if by_project:
        pairs = pd.concat([hh[keys], g[keys]]).dropna().drop_duplicates()
        pairs = pairs[pairs["hamlet_id"].isin(sl.hamlets["hamlet_id"])]
        index = (
            pd.MultiIndex.from_frame(pairs.sort_values(keys))
            if len(pairs)
            else pd.MultiIndex.from_tuples([], names=keys)
        )
    else:
        index = pd.Index(sl.hamlets["hamlet_id"].tolist(), name="hamlet_id")
    out = pd.DataFrame(index=index)

    # grievances: open and overdue, weighted by kind and topic; collective ones
    kind_w = [float(cfg["kind_weights"].get(k, 1.0)) if isinstance(k, str) else 1.0 for k in g["kind"]]
    topic_w = [float(cfg["topic_weights"].get(t, 1.0)) if isinstance(t, str) else 1.0 for t in g["topic"]]
    g = g.assign(_w=np.asarray(kind_w, dtype="float64") * np.asarray(topic_w, dtype="float64"))
    g_open = g[g["is_open"].astype(bool)]
    overdue = g_open[g_open["is_overdue"].astype(bool)]
    out["open_grievances"] = _agg(g_open, keys, index, "sum", "_w")
    out["overdue_grievances"] = _agg(overdue, keys, index, "sum", "_w")
    coll = g_open[g_open["signatories"] >= int(cfg["collective_min"])]
    out["collective_grievances"] = _agg(coll, keys, index)
    fixed = overdue[overdue["signatories"] >= FIXED_COLLECTIVE]
    out["overdue_collective"] = _agg(fixed, keys, index)
    out["open_count"] = _agg(g_open, keys, index)
    # the reasons list collective grievances once, in their own phrase, where that signal is on
    listed = (
        g_open[g_open["signatories"] < int(cfg["collective_min"])]
        if signal_on(cfg, "collective_grievances")
        else g_open
    )
    late_listed = listed["is_overdue"].astype(bool)
    out["open_by_kind"] = _breakdown(listed[~late_listed], keys, "kind", index)
    out["open_topics"] = _breakdown(listed[~late_listed], keys, "topic", index)
    out["overdue_by_kind"] = _breakdown(listed[late_listed], keys, "kind", index)
    out["overdue_topics"] = _breakdown(listed[late_listed], keys, "topic", index)
    out["max_collective"] = _agg(coll, keys, index, "max", "signatories")
    out["overdue_collective_cfg"] = _agg(coll[coll["is_overdue"].astype(bool)], keys, index)
    out["max_overdue_collective"] = _agg(fixed, keys, index, "max", "signatories")

    # households
    not_done = hh[hh["stage_rank"] < HANDED_OVER]
    out["disagreeing_households"] = _agg(
        not_done[not_done["agreement"] == "no"], keys, index, "nunique", "household_id"
    )
    projects = ws.projects.dropna(subset=["project_id"]).drop_duplicates("project_id")
    deadlines = pd.Series(
        pd.to_datetime(projects["handover_deadline"], errors="coerce").to_numpy(),
        index=projects["project_id"].to_numpy(),
    )
    deadline = pd.Series(
        pd.to_datetime(deadlines.reindex(not_done["project_id"].to_numpy()).to_numpy()), index=not_done.index
    )
    late = not_done[deadline.notna() & (deadline < ts)]
    out["past_deadline_households"] = _agg(late, keys, index, "nunique", "household_id")
    by_stage = {k: float(v) for k, v in cfg["stalled_days_by_stage"].items()}
    limit = pd.Series(
        [by_stage.get(s, float(cfg["stalled_days"])) for s in not_done["stage"].astype(object)],
        index=not_done.index,
        dtype="float64",
    )
    days_at = (ts - pd.to_datetime(not_done["stage_date"])).dt.days
    stalled = not_done.assign(_days=days_at)[days_at.notna() & (days_at >= limit)]
    out["stalled_households"] = _agg(stalled, keys, index, "nunique", "household_id")
    out["stalled_max_days"] = _agg(stalled, keys, index, "max", "_days")
    first = _first_dates(sl.stage_history)
    skipped = _skipped(hh, first)
    out["skipped_steps"] = _agg(skipped, keys, index, "nunique", "household_id")
    out["skipped_missing"] = _breakdown(skipped.dropna(subset=["missing"]), keys, "missing", index)
    out["skipped_paid_early"] = _agg(
        skipped[skipped["paid_early"].astype(bool)], keys, index, "nunique", "household_id"
    )
    sets = legal.legal_settings(ws.config.raw).sets
    dates, has = _history_dates(hh, first)  # once for the three rules below
    late_pay = _late_payment(hh, dates, has, ts, sets)
    unpaid = late_pay["unpaid"].astype(bool)
    out["late_payment"] = _agg(late_pay[unpaid], keys, index, "nunique", "household_id")
    out["late_unpaid"] = out["late_payment"]
    out["late_paid"] = _agg(late_pay[~unpaid], keys, index, "nunique", "household_id")
    out["expired_notice"] = _agg(_expired_notice(hh, dates, has, ts, sets), keys, index, "nunique", "household_id")
    out["short_notice"] = (
        _agg(_short_notice(ws, hh, dates, has, sets), keys, index, "nunique", "household_id")
        if signal_on(cfg, "short_notice")
        else 0.0
    )

    # field reports: moods of the 14 days, and the party cell's silence
    recent = sl.recent_reports
    moods = recent.groupby(["hamlet_id", "mood"]).size().unstack(fill_value=0) if len(recent) else pd.DataFrame()
    for mood, col in (
        ("agitated", "agitated_reports"),
        ("concerned", "concerned_reports"),
        ("gathering_risk", "gathering_risk"),
    ):
        out[col] = _per_hamlet(index, moods[mood] if mood in moods else pd.Series(dtype="float64"))
    reports = sl.field_reports
    in_use = "field_reports" in ws.present and len(reports) > 0
    if in_use:
        last = reports.groupby("hamlet_id")["report_date"].max()
        days = _per_hamlet(index, (ts - last).dt.days.astype("float64"), fill=np.inf)
        out["days_silent"] = days
        out["silent_party_cell"] = (days > float(cfg["report_gap_days"])).astype("float64")
    else:
        out["days_silent"] = 0.0
        out["silent_party_cell"] = 0.0

    # Gi* clusters
    touched = set(cluster_hamlets)
    if by_project and any(isinstance(t, tuple) for t in touched):
        flags = [1.0 if k in touched else 0.0 for k in index]
    else:
        plain = {t[0] if isinstance(t, tuple) else t for t in touched}
        flags = [1.0 if h in plain else 0.0 for h in index.get_level_values("hamlet_id")]
    out["gi_cluster"] = np.asarray(flags, dtype="float64")
    numeric = [*SIGNALS, *FACTS]
    out[numeric] = out[numeric].fillna(0.0)
    return out[[*SIGNALS, *FACTS, *_DETAILS]]


# --------------------------------------------------------------------------- reasons


def _kinds_text(by_kind: dict[str, int]) -> str:
    """``{"complaint": 2, "petition": 1}`` → ``"2 đơn khiếu nại, 1 đơn kiến nghị"``."""
    parts = [f"{by_kind[k]} đơn {KINDS.label(k).lower()}" for k in KINDS.keys if by_kind.get(k)]
    other = sum(n for k, n in by_kind.items() if k not in KINDS.keys)
    if other:
        parts.append(f"{other} đơn thư")
    return ", ".join(parts)


def _topics_text(topics: dict[str, int], most: int = 3) -> str:
    """The ``most`` frequent topics in parentheses, ``…`` where there are more (empty where none)."""
    named = sorted(
        ((n, TOPICS.keys.index(t), t) for t, n in topics.items() if t in TOPICS.keys), key=lambda x: (-x[0], x[1])
    )
    if not named:
        return ""
    shown = ", ".join(TOPICS.label(t).lower() for _, _, t in named[:most])
    return f" ({shown}{', …' if len(named) > most else ''})"


def reason_list(row: pd.Series | Mapping[str, Any], config: dict[str, Any]) -> list[str]:
    """The reasons of one :func:`signal_table` row, in plain Vietnamese, most pressing first.

    The facts behind the contract's fixed points (open and overdue
    grievances, disagreeing or late households, agitated and gathering_risk
    reports, overdue grievances of 5 or more signatories) are always named
    where present, since they decide the level even where their signal is
    switched off; the other signals only where enabled.

    Parameters
    ----------
    row : Series or mapping
        One row of :func:`signal_table` (column → value).
    config : dict
        The merged configuration.

    Returns
    -------
    list of str
        E.g. ``["2 đơn khiếu nại quá hạn giải quyết (giá bồi thường)", "1 đơn
        tập thể 12 người ký", "3 hộ không đồng thuận chưa bàn giao"]``; empty
        where there is nothing to say.

    Example
    -------
    >>> reason_list(signal_table(ws, sl).loc["TH01"], hotspot_config())  # doctest: +SKIP
    ['1 đơn khiếu nại quá hạn giải quyết (diện tích)']
    """

    def on(name: str) -> bool:
        return signal_on(config, name) and row[name] > 0

    parts: list[str] = []
    if row["gathering_risk"] > 0:
        n = int(row["gathering_risk"])
        parts.append(f"{n} báo cáo nguy cơ tụ tập đông người trong 14 ngày qua")
    overdue_by_kind = row["overdue_by_kind"] or {}
    if overdue_by_kind:
        parts.append(f"{_kinds_text(overdue_by_kind)} quá hạn giải quyết{_topics_text(row['overdue_topics'] or {})}")
    collective_said = False
    if on("collective_grievances"):
        n = int(row["collective_grievances"])
        most = int(row["max_collective"])
        late = int(row["overdue_collective_cfg"])
        if n == 1:
            parts.append(f"1 đơn tập thể {most} người ký" + (" đã quá hạn" if late else ""))
        else:
            parts.append(f"{n} đơn tập thể, đông nhất {most} người ký" + (f" ({late} đơn đã quá hạn)" if late else ""))
        collective_said = late >= int(row["overdue_collective"]) and most >= row["max_overdue_collective"]
    if row["overdue_collective"] > 0 and not collective_said:
        n = int(row["overdue_collective"])
        parts.append(
            f"{n} đơn từ {FIXED_COLLECTIVE} người ký trở lên đã quá hạn giải quyết "
            f"(đông nhất {int(row['max_overdue_collective'])} người)"
        )
    if row["agitated_reports"] > 0:
        parts.append(f"{int(row['agitated_reports'])} báo cáo Nhân dân bức xúc trong 14 ngày qua")
    if row["disagreeing_households"] > 0:
        parts.append(f"{int(row['disagreeing_households'])} hộ không đồng thuận chưa bàn giao")
    if row["past_deadline_households"] > 0:
        parts.append(f"{int(row['past_deadline_households'])} hộ chưa bàn giao mặt bằng dù đã quá hạn của dự án")
    if on("skipped_steps"):
        text = f"{int(row['skipped_steps'])} hộ bị bỏ bước trong trình tự thu hồi"
        missing = row["skipped_missing"] or {}
        details = [f"thiếu bước “{STAGES.label(s)}”" for s in STAGES.keys if missing.get(s)]
        if row["skipped_paid_early"] > 0:
            details.append("chi trả trước khi phê duyệt phương án")
        parts.append(text + (f" ({'; '.join(details)})" if details else ""))
    if on("late_payment"):
        parts.append(
            f"{int(row['late_payment'])} hộ chưa được chi trả tiền bồi thường dù đã quá hạn 30 ngày "
            "kể từ ngày phê duyệt phương án"
        )
    if signal_on(config, "late_payment") and row["late_paid"] > 0:
        parts.append(f"{int(row['late_paid'])} hộ được chi trả sau thời hạn 30 ngày, phải trả thêm tiền chậm trả")
    if on("short_notice"):
        parts.append(
            f"{int(row['short_notice'])} hộ có quyết định thu hồi đất khi chưa đủ thời hạn thông báo "
            "(90 ngày với đất nông nghiệp, 180 ngày với đất phi nông nghiệp)"
        )
    if on("expired_notice"):
        parts.append(
            f"{int(row['expired_notice'])} hộ có thông báo thu hồi đất đã hết hiệu lực 12 tháng mà "
            "chưa có quyết định thu hồi"
        )
    open_by_kind = row["open_by_kind"] or {}
    if open_by_kind:
        parts.append(f"{_kinds_text(open_by_kind)} đang giải quyết{_topics_text(row['open_topics'] or {})}")
    if on("stalled_households"):
        parts.append(
            f"{int(row['stalled_households'])} hộ lâu chưa chuyển bước (lâu nhất {int(row['stalled_max_days'])} ngày)"
        )
    if on("concerned_reports"):
        parts.append(f"{int(row['concerned_reports'])} báo cáo Nhân dân có băn khoăn trong 14 ngày qua")
    if on("silent_party_cell"):
        days = row["days_silent"]
        parts.append(
            "chi bộ chưa gửi báo cáo tình hình nào"
            if not np.isfinite(days)
            else f"chi bộ {int(days)} ngày chưa báo cáo tình hình"
        )
    if on("gi_cluster"):
        parts.append("có thửa đất trong cụm đơn thư tập trung bất thường (kiểm định Gi*)")
    return parts


def score_levels(signals: pd.DataFrame, config: dict[str, Any]) -> pd.DataFrame:
    """Score, level and reasons from a :func:`signal_table`.

    Parameters
    ----------
    signals : DataFrame
        From :func:`signal_table`.
    config : dict
        The merged configuration.

    Returns
    -------
    DataFrame
        Same index; ``hotspot_level``, ``hotspot_score``, ``hotspot_reasons``
        (a list of texts per row) and ``forced`` (``"hotspot"`` or ``"none"`` where a fixed point
        decided the level, else ``""``).

    Example
    -------
    >>> score_levels(signal_table(ws, sl, cfg), cfg)["hotspot_level"]  # doctest: +SKIP
    """
    score = pd.Series(0.0, index=signals.index)
    for name in SIGNALS:
        spec = config["signals"].get(name, {})
        if spec.get("enabled", True):
            value = signals[name].astype("float64")
            cap = spec.get("cap")
            if cap is not None:
                value = value.clip(upper=float(cap))
            score = score + float(spec.get("weight", 0.0)) * value
    score = score.round(2)
    level = pd.Series(
        np.select(
            [score >= config["hotspot_score"], score >= config["risk_score"], score >= config["watch_score"]],
            list(ALERT_LEVELS),
            default="none",
        ),
        index=signals.index,
        dtype=object,
    )
    forced_hot = (signals["overdue_collective"] > 0) | (signals["gathering_risk"] > 0)
    forced_none = (
        (signals["open_count"] == 0)
        & (signals["disagreeing_households"] == 0)
        & (signals["past_deadline_households"] == 0)
        & (signals["agitated_reports"] == 0)
        & (signals["gathering_risk"] == 0)
    )
    level = level.where(forced_none | (level != "none"), "watch")
    level = level.where(~forced_none, "none")
    level = level.where(~forced_hot, "hotspot")
    reasons = (
        pd.Series([reason_list(r, config) for r in signals.to_dict("records")], index=signals.index, dtype=object)
        if len(signals)
        else pd.Series(dtype=object, index=signals.index)
    )
    return pd.DataFrame(
        {
            "hotspot_level": level,
            "hotspot_score": score,
            "hotspot_reasons": reasons,
            "forced": np.where(forced_hot, "hotspot", np.where(forced_none, "none", "")),
        },
        index=signals.index,
    )


def hotspot_levels(
    ws: Workspace,
    sl: TimeSlice,
    config: dict[str, Any] | None = None,
    by_project: bool = False,
    cluster_hamlets: Iterable[str] | Iterable[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """The level, score and reasons of each hamlet on the slice's date.

    Parameters
    ----------
    ws : Workspace
    sl : TimeSlice
        From :func:`geo.selection.time_slice`.
    config : dict, optional
        Default: :data:`~geo.hotspots.config.DEFAULTS` merged with the
        workspace's ``[hotspots]``.
    by_project : bool
        One row per hamlet × project instead of per hamlet.
    cluster_hamlets : iterable of str or of (hamlet_id, project_id), optional
        Hamlets (pairs) touched by Gi* hot clusters (default: none).
        :func:`geo.analyse` runs the Gi* test where the ``gi_cluster``
        signal is enabled and passes its hamlets here, so that every caller
        agrees: call it rather than this.

    Returns
    -------
    DataFrame
        ``hamlet_id`` (and ``project_id``), ``hotspot_level``,
        ``hotspot_score``, ``hotspot_reasons`` (a list of texts per row), ``forced``, every signal
        value (:data:`SIGNALS`, :data:`FACTS`); one row per hamlet of the
        slice, in the hamlets layer's order. :func:`geo.analyse` adds
        ``hamlet_wide`` (:func:`geo.hotspots.scope.mark_hamlet_wide`).

    Example
    -------
    >>> import geo
    >>> from geo.hotspots import hotspot_levels
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> hotspot_levels(ws, geo.time_slice(ws), cluster_hamlets=())[["hamlet_id", "hotspot_level"]]  # doctest: +SKIP
    """
    cfg = config or hotspot_config(ws.config.hotspots)
    signals = signal_table(ws, sl, cfg, by_project, cluster_hamlets or ())
    levels = score_levels(signals, cfg)
    return levels.join(signals[[*SIGNALS, *FACTS]]).reset_index()
