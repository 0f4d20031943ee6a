"""Explainable hotspot levels per hamlet (and per hamlet × project).

Each signal is a count per hamlet computed from one :class:`~geo.selection.TimeSlice`;
the score is the weighted sum of enabled signals; the level follows the score
and the contract's two fixed points (see :mod:`geo.hotspots.config`). Every
level comes with its reasons in plain Vietnamese.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..schema import KINDS, STAGE_ORDER, STAGES
from ..selection import TimeSlice
from ..workspace import Workspace
from .config import hotspot_config

LEVELS = ("none", "watch", "risk", "hotspot")
LEVEL_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}
LEVEL_LABELS = {
    "none": "Bình thường",
    "watch": "Theo dõi",
    "risk": "Nguy cơ",
    "hotspot": "Điểm nóng",
}
"""Vietnamese names of the levels, for screens and reports."""

SIGNALS = (
    "open_grievances",
    "overdue_grievances",
    "collective_grievances",
    "disagreeing_households",
    "past_deadline_households",
    "stalled_households",
    "skipped_steps",
    "agitated_reports",
    "concerned_reports",
    "silent_party_cell",
    "gi_cluster",
)

HANDED_OVER = STAGE_ORDER["handed_over"]


def _count(frame: pd.DataFrame, keys: list[str], column: str | None = None) -> pd.Series:
    if not len(frame):
        return pd.Series(dtype="float64")
    grouped = frame.groupby(keys, dropna=True)
    return (grouped[column].nunique() if column else grouped.size()).astype("float64")


def signal_table(
    ws: Workspace,
    sl: TimeSlice,
    config: dict[str, Any] | None = None,
    by_project: bool = False,
    cluster_hamlets: Iterable[str] = (),
) -> pd.DataFrame:
    """Every signal's count per hamlet (or per hamlet × project).

    Parameters
    ----------
    ws : Workspace
    sl : TimeSlice
        The state on the as-of date (see :func:`geo.selection.time_slice`).
    config : dict, optional
        A merged configuration (:func:`~geo.hotspots.config.hotspot_config`).
    by_project : bool
        Index by ``(hamlet_id, project_id)`` instead of ``hamlet_id``.
    cluster_hamlets : iterable of str
        Hamlets touched by a significant Gi* hot cluster.

    Returns
    -------
    DataFrame
        One column per signal in :data:`SIGNALS`, plus detail columns used
        for the reasons (``overdue_by_kind``, ``max_collective``,
        ``days_silent``, ``gathering_risk``, ``overdue_collective``).
    """
    cfg = config or hotspot_config(ws.config.hotspots)
    ts = pd.Timestamp(sl.selection.as_of)
    keys = ["hamlet_id", "project_id"] if by_project else ["hamlet_id"]
    hamlet_ids = sl.hamlets["hamlet_id"].tolist()
    if by_project:
        pairs = sl.households[["hamlet_id", "project_id"]].dropna().drop_duplicates()
        gp = sl.grievances[["hamlet_id", "project_id"]].dropna().drop_duplicates()
        pairs = pd.concat([pairs, gp]).drop_duplicates()
        index = pd.MultiIndex.from_frame(pairs.sort_values(keys)) if len(pairs) else pd.MultiIndex.from_tuples([], names=keys)
    else:
        index = pd.Index(hamlet_ids, name="hamlet_id")
    out = pd.DataFrame(index=index)

    g = sl.grievances
    g_open = g[g["is_open"]]
    out["open_grievances"] = _count(g_open, keys)
    overdue = g_open[g_open["is_overdue"]]
    out["overdue_grievances"] = _count(overdue, keys)
    coll = g_open[g_open["signatories"] >= int(cfg["collective_min"])]
    out["collective_grievances"] = _count(coll, keys)
    out["max_collective"] = coll.groupby(keys)["signatories"].max() if len(coll) else np.nan
    over_coll = coll[coll["is_overdue"]]
    out["overdue_collective"] = _count(over_coll, keys)
    if len(overdue):
        by_kind = overdue.assign(kind=overdue["kind"].fillna("complaint")).groupby(keys + ["kind"]).size()
        out["overdue_by_kind"] = by_kind.groupby(level=keys).apply(
            lambda s: {k[-1]: int(v) for k, v in s.items()}
        )
    else:
        out["overdue_by_kind"] = None

    hh = sl.households
    not_done = hh[hh["stage_rank"] < HANDED_OVER]
    out["disagreeing_households"] = _count(not_done[not_done["agreement"] == "no"], keys, "household_id")
    deadlines = ws.projects.set_index("project_id")["handover_deadline"] if len(ws.projects) else pd.Series(dtype="datetime64[ns]")
    dl = pd.to_datetime(not_done["project_id"].map(deadlines) if len(not_done) else
                        pd.Series(pd.NaT, index=not_done.index), errors="coerce")
    out["past_deadline_households"] = _count(not_done[dl.notna() & (dl < ts)], keys, "household_id")
    stalled_before = ts - pd.Timedelta(days=int(cfg["stalled_days"]))
    out["stalled_households"] = _count(
        not_done[not_done["stage_date"].notna() & (not_done["stage_date"] < stalled_before)], keys, "household_id"
    )
    out["skipped_steps"] = _count(_skipped(hh, sl.stage_history), keys, "household_id")

    window = int(cfg["report_window_days"])
    fr = sl.field_reports
    recent = fr[fr["report_date"] >= ts - pd.Timedelta(days=window - 1)]
    mood_counts = recent.groupby(["hamlet_id", "mood"]).size().unstack(fill_value=0) if len(recent) else pd.DataFrame()
    for mood, col in (("agitated", "agitated_reports"), ("concerned", "concerned_reports"),
                      ("gathering_risk", "gathering_risk")):
        series = mood_counts[mood] if mood in mood_counts else pd.Series(dtype="float64")
        out[col] = _by_hamlet(out, series)
    if "field_reports" in ws.present:
        last = fr.groupby("hamlet_id")["report_date"].max()
        gap = (ts - last).dt.days
        days = _by_hamlet(out, gap.astype("float64"))
        never = days.isna()
        days = days.fillna(float(max(window, int(cfg["report_gap_days"]) + 1)))
        out["days_silent"] = days.where(~never, np.inf)
        out["silent_party_cell"] = (out["days_silent"] > int(cfg["report_gap_days"])).astype("float64")
    else:
        out["days_silent"] = 0.0
        out["silent_party_cell"] = 0.0
    clusters = set(cluster_hamlets)
    hid = out.index.get_level_values("hamlet_id")
    out["gi_cluster"] = np.asarray([1.0 if h in clusters else 0.0 for h in hid])
    counts = [s for s in SIGNALS] + ["overdue_collective", "gathering_risk"]
    out[counts] = out[counts].fillna(0.0)
    return out


def _by_hamlet(out: pd.DataFrame, per_hamlet: pd.Series) -> pd.Series:
    hid = out.index.get_level_values("hamlet_id")
    return pd.Series(per_hamlet.reindex(hid).to_numpy(dtype="float64"), index=out.index)


def _skipped(hh: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Household rows of pairs whose history skips a step (or pays before approval)."""
    if not len(history) or not len(hh):
        return hh.iloc[0:0]
    first = history.groupby(["household_id", "project_id", "stage"])["date"].min().unstack()
    first = first.reindex(columns=list(STAGES.keys))
    reached = first.notna().to_numpy()
    ranks = np.arange(len(STAGES.keys))
    max_rank = np.where(reached.any(axis=1), (reached * (ranks + 1)).max(axis=1) - 1, -1)
    gap = ((~reached) & (ranks[None, :] < max_rank[:, None])).any(axis=1)
    paid_before = (pd.to_datetime(first["paid"]) < pd.to_datetime(first["plan_approved"])).to_numpy(dtype=bool)
    bad = first.index[gap | paid_before]
    key = pd.MultiIndex.from_frame(hh[["household_id", "project_id"]])
    return hh[key.isin(bad)]


def _reasons(row: pd.Series, cfg: dict[str, Any]) -> str:
    sig = cfg["signals"]
    on = lambda name: sig.get(name, {}).get("enabled", True) and row[name] > 0  # noqa: E731
    parts: list[str] = []
    if on("overdue_grievances"):
        by_kind = row.get("overdue_by_kind")
        if isinstance(by_kind, dict) and by_kind:
            for kind in KINDS.keys:
                n = by_kind.get(kind)
                if n:
                    parts.append(f"{n} đơn {KINDS.label(kind).lower()} quá hạn giải quyết")
        else:
            parts.append(f"{int(row['overdue_grievances'])} đơn thư quá hạn giải quyết")
    if on("collective_grievances"):
        n = int(row["collective_grievances"])
        most = int(row["max_collective"]) if pd.notna(row.get("max_collective")) else 0
        parts.append(f"{n} đơn tập thể" + (f" {most} người ký" if n == 1 else f", đông nhất {most} người ký"))
    if row.get("gathering_risk", 0) > 0:
        parts.append("báo cáo nguy cơ tụ tập đông người trong 14 ngày qua")
    if on("agitated_reports"):
        parts.append(f"{int(row['agitated_reports'])} báo cáo Nhân dân bức xúc trong 14 ngày qua")
    if on("disagreeing_households"):
        parts.append(f"{int(row['disagreeing_households'])} hộ không đồng thuận chưa bàn giao")
    if on("past_deadline_households"):
        parts.append(f"{int(row['past_deadline_households'])} hộ quá hạn bàn giao mặt bằng")
    if on("skipped_steps"):
        parts.append(f"{int(row['skipped_steps'])} hộ thực hiện bỏ bước trình tự")
    open_not_overdue = int(row["open_grievances"] - row["overdue_grievances"])
    if sig["open_grievances"].get("enabled", True) and open_not_overdue > 0:
        parts.append(f"{open_not_overdue} đơn thư đang giải quyết")
    if on("stalled_households"):
        parts.append(f"{int(row['stalled_households'])} hộ {int(cfg['stalled_days'])} ngày không chuyển bước")
    if on("concerned_reports"):
        parts.append(f"{int(row['concerned_reports'])} báo cáo Nhân dân có băn khoăn")
    if on("silent_party_cell"):
        days = row["days_silent"]
        parts.append("chi bộ chưa gửi báo cáo tình hình" if not np.isfinite(days)
                     else f"chi bộ {int(days)} ngày chưa báo cáo tình hình")
    if on("gi_cluster"):
        parts.append("nằm trong cụm đơn thư tập trung (Gi*)")
    return "; ".join(parts)


def score_levels(signals: pd.DataFrame, config: dict[str, Any]) -> pd.DataFrame:
    """Score, level and reasons from a :func:`signal_table`.

    Returns
    -------
    DataFrame
        Same index; ``hotspot_level``, ``hotspot_score``, ``hotspot_reasons``
        and ``forced`` (``"hotspot"``, ``"none"`` or ``""``).
    """
    sig = config["signals"]
    score = pd.Series(0.0, index=signals.index)
    for name in SIGNALS:
        spec = sig.get(name, {})
        if spec.get("enabled", True):
            score = score + float(spec.get("weight", 0.0)) * signals[name]
    level = np.select(
        [score >= config["hotspot_score"], score >= config["risk_score"], score >= config["watch_score"]],
        ["hotspot", "risk", "watch"],
        default="none",
    )
    level = pd.Series(level, index=signals.index, dtype=object)
    forced_hot = (signals["overdue_collective"] > 0) | (signals["gathering_risk"] > 0)
    forced_none = (
        (signals["open_grievances"] == 0)
        & (signals["disagreeing_households"] == 0)
        & (signals["past_deadline_households"] == 0)
        & (signals["agitated_reports"] == 0)
        & (signals["gathering_risk"] == 0)
    )
    level = level.where(~(~forced_none & (level == "none")), "watch")
    level = level.where(~forced_none, "none")
    level = level.where(~forced_hot, "hotspot")
    reasons = signals.apply(lambda r: _reasons(r, config), axis=1) if len(signals) else pd.Series(dtype=object)
    reasons = reasons.where(level != "none", "")
    return pd.DataFrame(
        {
            "hotspot_level": level,
            "hotspot_score": score.round(2),
            "hotspot_reasons": reasons.astype(object),
            "forced": np.where(forced_hot, "hotspot", np.where(forced_none, "none", "")),
        },
        index=signals.index,
    )


def hotspot_levels(
    ws: Workspace,
    sl: TimeSlice,
    config: dict[str, Any] | None = None,
    by_project: bool = False,
    cluster_hamlets: Iterable[str] = (),
) -> pd.DataFrame:
    """The level, score and reasons of each hamlet on the slice's date.

    Parameters
    ----------
    ws : Workspace
    sl : TimeSlice
    config : dict, optional
        Default: :data:`~geo.hotspots.config.DEFAULTS` merged with the
        workspace's ``[hotspots]``.
    by_project : bool
        One row per hamlet × project instead of per hamlet.
    cluster_hamlets : iterable of str
        Hamlets touched by Gi* hot clusters (see :mod:`geo.hotspots.clusters`).

    Returns
    -------
    DataFrame
        ``hamlet_id`` (and ``project_id``), ``hotspot_level``,
        ``hotspot_score``, ``hotspot_reasons``, ``forced`` and every signal
        count.

    Example
    -------
    >>> from geo import load_workspace, time_slice, Selection
    >>> ws = load_workspace("data/hoson")  # doctest: +SKIP
    >>> hotspot_levels(ws, time_slice(ws))[["hamlet_id", "hotspot_level"]]  # doctest: +SKIP
    """
    cfg = config or hotspot_config(ws.config.hotspots)
    signals = signal_table(ws, sl, cfg, by_project, cluster_hamlets)
    levels = score_levels(signals, cfg)
    return levels.join(signals[[*SIGNALS, "overdue_collective", "gathering_risk"]]).reset_index()
