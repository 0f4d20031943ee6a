"""Legal periods: one table of every period the rules apply, with its article and effective date.

Each :class:`LegalPeriod` says how long something may take (or must wait),
from which event it counts, the article and law it comes from, and the date
the rule took effect. :func:`period_days` gives, for each date being checked,
the period in force on that date — the latest entry of that name whose
effective date is on or before it — so data from before a law took effect is
judged by the rule of its day, and a period not yet in force gives nothing.

Two sets of entries:

``law`` (always applied)
    The Land Law 2013 (45/2013/QH13, in force 1 July 2014), the Land Law 2024
    (31/2024/QH15, in force 1 August 2024 after Law 43/2024/QH15 brought it
    forward), the Law on Complaints 2011 (02/2011/QH13, 1 July 2012) and the
    Law on Denunciations 2018 (25/2018/QH14, 1 January 2019).
``nq254`` (only where a workspace switches it on)
    Resolution 254/2025/QH15 is *reported* by secondary sources to shorten,
    from 1 January 2026, the notice of recovery to 60 days (agricultural
    land) / 120 days (non-agricultural), the posting of the plan to 10 days
    and to set a 30-day dialogue. Reported; confirm against the official
    text before relying on it. Switch it on in ``workspace.toml``::

        [legal]
        reported = ["nq254"]   # reported; confirm against the official text before relying on it
        remote_area = true     # the commune is a remote, difficult area (Law on Complaints Art. 28, 37)

Example
-------
>>> from datetime import date
>>> period_on("plan_posting", date(2024, 7, 31)).days, period_on("plan_posting", date(2024, 8, 1)).days
(20, 30)
>>> period_on("plan_posting", date(2026, 1, 1), sets=("law", "nq254")).days
10
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

LAND_LAW_2013 = "Luật Đất đai 2013 (45/2013/QH13) / Land Law 2013"
LAND_LAW_2024 = "Luật Đất đai 2024 (31/2024/QH15) / Land Law 2024"
COMPLAINTS_LAW = "Luật Khiếu nại 2011 (02/2011/QH13) / Law on Complaints 2011"
DENUNCIATIONS_LAW = "Luật Tố cáo 2018 (25/2018/QH14) / Law on Denunciations 2018"
NQ254 = "Nghị quyết 254/2025/QH15 (theo nguồn thứ cấp) / Resolution 254/2025/QH15 (as reported)"

REPORTED_NOTE = "reported; confirm against the official text before relying on it"
"""What every entry of a reported set says about itself."""

LAND_LAW_2013_FROM = date(2014, 7, 1)
LAND_LAW_2024_FROM = date(2024, 8, 1)
COMPLAINTS_LAW_FROM = date(2012, 7, 1)
DENUNCIATIONS_LAW_FROM = date(2019, 1, 1)
NQ254_FROM = date(2026, 1, 1)


@dataclass(frozen=True)
class LegalPeriod:
    """One period of the law, as the rules apply it.

    Attributes
    ----------
    name : str
        The period's key (several entries share a name: one per law that set it).
    days : int
        Its length, in ``unit``.
    article, law : str
        Where it comes from.
    effective : date
        The day the rule took effect.
    counts_from : str
        The event it counts from (a stage key, or ``received``, ``accepted`` …).
    label : str
        What it is, Vietnamese first.
    unit : {"day", "month"}
    set : str
        ``"law"`` (always applied) or the name of a set a workspace switches on.
    note : str
    """

    name: str
    days: int
    article: str
    law: str
    effective: date
    counts_from: str
    label: str
    unit: Literal["day", "month"] = "day"
    set: str = "law"
    note: str = ""

    def offset(self) -> pd.DateOffset | pd.Timedelta:
        """The period as something to add to dates."""
        return pd.DateOffset(months=self.days) if self.unit == "month" else pd.Timedelta(days=self.days)


def _p(name, days, article, law, effective, counts_from, label, **kw) -> LegalPeriod:
    return LegalPeriod(name, days, article, law, effective, counts_from, label, **kw)


PERIODS: tuple[LegalPeriod, ...] = (
    # notice of recovery before the decision, agricultural / non-agricultural land
    _p(
        "notice_agricultural",
        90,
        "Điều 67 khoản 1",
        LAND_LAW_2013,
        LAND_LAW_2013_FROM,
        "notified",
        "Thông báo thu hồi đất nông nghiệp trước khi quyết định thu hồi / notice before the decision, "
        "agricultural land",
    ),
    _p(
        "notice_agricultural",
        90,
        "Điều 85",
        LAND_LAW_2024,
        LAND_LAW_2024_FROM,
        "notified",
        "Thông báo thu hồi đất nông nghiệp trước khi quyết định thu hồi / notice before the decision, "
        "agricultural land",
    ),
    _p(
        "notice_agricultural",
        60,
        "Nghị quyết 254/2025/QH15",
        NQ254,
        NQ254_FROM,
        "notified",
        "Thông báo thu hồi đất nông nghiệp trước khi quyết định thu hồi / notice before the decision, "
        "agricultural land",
        set="nq254",
        note=REPORTED_NOTE,
    ),
    _p(
        "notice_non_agricultural",
        180,
        "Điều 67 khoản 1",
        LAND_LAW_2013,
        LAND_LAW_2013_FROM,
        "notified",
        "Thông báo thu hồi đất phi nông nghiệp trước khi quyết định thu hồi / notice before the decision, "
        "non-agricultural land",
    ),
    _p(
        "notice_non_agricultural",
        180,
        "Điều 85",
        LAND_LAW_2024,
        LAND_LAW_2024_FROM,
        "notified",
        "Thông báo thu hồi đất phi nông nghiệp trước khi quyết định thu hồi / notice before the decision, "
        "non-agricultural land",
    ),
    _p(
        "notice_non_agricultural",
        120,
        "Nghị quyết 254/2025/QH15",
        NQ254,
        NQ254_FROM,
        "notified",
        "Thông báo thu hồi đất phi nông nghiệp trước khi quyết định thu hồi / notice before the decision, "
        "non-agricultural land",
        set="nq254",
        note=REPORTED_NOTE,
    ),
    # the notice's validity (the Land Law 2013 set none)
    _p(
        "notice_valid",
        12,
        "Điều 85 khoản 5",
        LAND_LAW_2024,
        LAND_LAW_2024_FROM,
        "notified",
        "Thông báo thu hồi đất có hiệu lực 12 tháng / the notice of recovery is valid 12 months",
        unit="month",
    ),
    # posting the compensation plan for comments
    _p(
        "plan_posting",
        20,
        "Điều 69 khoản 2",
        LAND_LAW_2013,
        LAND_LAW_2013_FROM,
        "plan_posted",
        "Niêm yết công khai phương án bồi thường / the plan posted for comments",
    ),
    _p(
        "plan_posting",
        30,
        "Điều 87 khoản 3",
        LAND_LAW_2024,
        LAND_LAW_2024_FROM,
        "plan_posted",
        "Niêm yết công khai phương án bồi thường / the plan posted for comments",
    ),
    _p(
        "plan_posting",
        10,
        "Nghị quyết 254/2025/QH15",
        NQ254,
        NQ254_FROM,
        "plan_posted",
        "Niêm yết công khai phương án bồi thường / the plan posted for comments",
        set="nq254",
        note=REPORTED_NOTE,
    ),
    _p(
        "dialogue",
        30,
        "Nghị quyết 254/2025/QH15",
        NQ254,
        NQ254_FROM,
        "plan_posted",
        "Đối thoại với người không đồng ý phương án / dialogue with those who disagree with the plan",
        set="nq254",
        note=REPORTED_NOTE + "; carried in the table, not applied by a rule",
    ),
    # payment of compensation
    _p(
        "payment",
        30,
        "Điều 93 khoản 1",
        LAND_LAW_2013,
        LAND_LAW_2013_FROM,
        "recovery_decided",
        "Chi trả tiền bồi thường kể từ ngày quyết định thu hồi có hiệu lực / payment, from the recovery decision",
    ),
    _p(
        "payment",
        30,
        "Điều 94 khoản 3",
        LAND_LAW_2024,
        LAND_LAW_2024_FROM,
        "plan_approved",
        "Chi trả tiền bồi thường kể từ ngày phê duyệt phương án; chậm thì phải trả thêm tiền chậm trả "
        "(Điều 94 khoản 3 điểm b) / payment, from the plan's approval; late payment owes interest",
    ),
    # grievances
    _p(
        "complaint_acceptance",
        10,
        "Điều 27",
        COMPLAINTS_LAW,
        COMPLAINTS_LAW_FROM,
        "received",
        "Thụ lý khiếu nại lần đầu / accepting a first complaint",
    ),
    _p(
        "complaint_first",
        30,
        "Điều 28",
        COMPLAINTS_LAW,
        COMPLAINTS_LAW_FROM,
        "received",
        "Giải quyết khiếu nại lần đầu (45 ngày với vụ việc phức tạp) / first settlement of a complaint "
        "(45 days where complicated)",
        note="the law counts from acceptance; the contract from received_date",
    ),
    _p(
        "complaint_first_remote",
        45,
        "Điều 28",
        COMPLAINTS_LAW,
        COMPLAINTS_LAW_FROM,
        "received",
        "Giải quyết khiếu nại lần đầu ở vùng sâu, vùng xa (60 ngày với vụ việc phức tạp) / first settlement "
        "in a remote area (60 days where complicated)",
    ),
    _p(
        "complaint_second",
        45,
        "Điều 37",
        COMPLAINTS_LAW,
        COMPLAINTS_LAW_FROM,
        "received",
        "Giải quyết khiếu nại lần hai (60 ngày với vụ việc phức tạp) / second settlement of a complaint "
        "(60 days where complicated)",
    ),
    _p(
        "complaint_second_remote",
        60,
        "Điều 37",
        COMPLAINTS_LAW,
        COMPLAINTS_LAW_FROM,
        "received",
        "Giải quyết khiếu nại lần hai ở vùng sâu, vùng xa (70 ngày với vụ việc phức tạp) / second settlement "
        "in a remote area (70 days where complicated)",
    ),
    _p(
        "denunciation",
        30,
        "Điều 30",
        DENUNCIATIONS_LAW,
        DENUNCIATIONS_LAW_FROM,
        "received",
        "Giải quyết tố cáo (có thể gia hạn) / settling a denunciation (extendable)",
    ),
    _p(
        "dispute_mediation",
        45,
        "Điều 202 khoản 3",
        LAND_LAW_2013,
        LAND_LAW_2013_FROM,
        "received",
        "Hòa giải tranh chấp đất đai tại UBND cấp xã / the commune's mediation of a land dispute",
    ),
    _p(
        "dispute_mediation",
        30,
        "Điều 235",
        LAND_LAW_2024,
        LAND_LAW_2024_FROM,
        "received",
        "Hòa giải tranh chấp đất đai tại UBND cấp xã / the commune's mediation of a land dispute",
    ),
    _p(
        "petition_answer",
        30,
        "Điều 242 khoản 2",
        LAND_LAW_2024,
        LAND_LAW_2024_FROM,
        "received",
        "Trả lời bằng văn bản kiến nghị về cán bộ quản lý đất đai / a written answer to a petition about land "
        "officials",
    ),
)
"""Every period the rules use, one entry per law that set it (see ``docs/hotspots.md``)."""

AGRICULTURAL_LAND_USES = frozenset(
    {
        "LUC",
        "LUK",
        "LUN",
        "HNK",
        "CLN",
        "RDD",
        "RPH",
        "RSX",
        "NTS",
        "CNT",
        "LMU",
        "NKH",  # Circular 08/2024/TT-BTNMT
        "BHK",
        "NHK",
        "LUA",
        "COC",  # older codes still found in data
    }
)
"""Land-use codes of the agricultural group (90 days' notice); any other code is non-agricultural (180)."""

REPORTED_SETS = {"nq254": NQ254}
"""Sets a workspace may switch on with ``[legal] reported``; none is applied by default."""

KIND_PERIODS = {
    "complaint": "complaint_first",
    "denunciation": "denunciation",
    "petition": "petition_answer",
    "dispute": "dispute_mediation",
}
"""The settlement period of each grievance kind (feedback has none: the contract's 30 days apply)."""


@dataclass(frozen=True)
class LegalSettings:
    """``[legal]`` of ``workspace.toml``: which reported sets apply, and whether the area is remote."""

    reported: tuple[str, ...] = ()
    remote_area: bool = False

    @property
    def sets(self) -> tuple[str, ...]:
        """The sets applied: ``law`` and the reported ones switched on."""
        return ("law", *self.reported)


def check_settings(section: Any) -> list[str]:
    """Every problem of a ``[legal]`` section, in words a clerk can act on (empty where usable).

    Example
    -------
    >>> check_settings({"reported": ["nq999"]})
    ['[legal] reported: không có bộ “nq999”; có: nq254 / unknown set “nq999”; known: nq254']
    """
    out: list[str] = []
    if not isinstance(section, dict):
        return ["[legal] phải là một bảng / must be a table"]
    for key in section:
        if key not in ("reported", "remote_area"):
            out.append(f"[legal] không có khóa “{key}” (reported, remote_area) / unknown key “{key}”")
    reported = section.get("reported", [])
    if isinstance(reported, str):
        reported = [reported]
    if not isinstance(reported, list):
        out.append('[legal] reported phải là danh sách, ví dụ ["nq254"] / must be a list, e.g. ["nq254"]')
        reported = []
    known = ", ".join(REPORTED_SETS)
    for name in reported:
        if name not in REPORTED_SETS:
            out.append(f"[legal] reported: không có bộ “{name}”; có: {known} / unknown set “{name}”; known: {known}")
    if not isinstance(section.get("remote_area", False), bool):
        out.append("[legal] remote_area phải là true/false / must be true or false")
    return out


def legal_settings(raw: dict[str, Any] | None) -> LegalSettings:
    """The ``[legal]`` settings of a parsed ``workspace.toml`` (its ``raw`` dict); unusable values are ignored
    (:func:`check_settings` names them, and :func:`geo.config.read_config` reports them)."""
    section = (raw or {}).get("legal", {})
    if not isinstance(section, dict):
        return LegalSettings()
    reported = section.get("reported", [])
    if isinstance(reported, str):
        reported = [reported]
    sets = tuple(s for s in reported if s in REPORTED_SETS) if isinstance(reported, list) else ()
    remote = section.get("remote_area", False)
    return LegalSettings(sets, remote if isinstance(remote, bool) else False)


def _entries(name: str, sets: Iterable[str]) -> list[LegalPeriod]:
    wanted = set(sets)
    found = sorted((p for p in PERIODS if p.name == name and p.set in wanted), key=lambda p: p.effective)
    if not any(p.name == name for p in PERIODS):
        raise KeyError(f"no legal period named {name!r}")
    return found


def period_on(name: str, day: date, sets: Iterable[str] = ("law",)) -> LegalPeriod | None:
    """The period ``name`` in force on ``day`` (None where no rule of that name was in force yet).

    Example
    -------
    >>> period_on("notice_valid", date(2024, 7, 31)) is None
    True
    >>> period_on("notice_valid", date(2024, 8, 1)).article
    'Điều 85 khoản 5'
    """
    current = None
    for p in _entries(name, sets):
        if p.effective <= day:
            current = p
    return current


def period_days(name: str, dates: pd.Series, sets: Iterable[str] = ("law",)) -> pd.Series:
    """For each date, the days of period ``name`` in force on it (NaN where none, or the date is blank).

    Vectorised: one ``searchsorted`` over the entries' effective dates. Only for periods counted in
    days (:func:`due_dates` handles months too).
    """
    entries = _entries(name, sets)
    values = pd.to_datetime(pd.Series(dates), errors="coerce")
    out = np.full(len(values), np.nan)
    if entries:
        starts = np.array([np.datetime64(p.effective, "ns") for p in entries])
        days = np.array([float(p.days) for p in entries])
        when = values.to_numpy(dtype="datetime64[ns]")
        pos = np.searchsorted(starts, when, side="right") - 1
        ok = (pos >= 0) & ~np.isnat(when)
        out[ok] = days[pos[ok]]
    return pd.Series(out, index=values.index)


def due_dates(name: str, start: pd.Series, sets: Iterable[str] = ("law",)) -> pd.Series:
    """``start`` plus the period ``name`` in force on each start date (NaT where none is in force)."""
    start = pd.to_datetime(pd.Series(start), errors="coerce")
    out = pd.Series(pd.NaT, index=start.index, dtype="datetime64[ns]")
    for p in _entries(name, sets):
        later = [q.effective for q in _entries(name, sets) if q.effective > p.effective]
        end = pd.Timestamp(min(later)) if later else None
        mask = start.notna() & (start >= pd.Timestamp(p.effective))
        if end is not None:
            mask &= start < end
        if mask.any():
            out[mask] = start[mask] + p.offset()
    return out


def due_from(name: str, starts: dict[str, pd.Series], sets: Iterable[str] = ("law",)) -> pd.Series:
    """The due date of period ``name`` where its start event differs between laws.

    ``starts`` maps each event a version of the period counts from (its ``counts_from``: a stage key)
    to the dates of that event; each version applies where its own start date falls while it is in
    force. E.g. payment counts from the recovery decision under the Land Law 2013 (Art. 93) and from
    the plan's approval under the Land Law 2024 (Art. 94(3)).
    """
    entries = _entries(name, sets)
    index = next(iter(starts.values())).index if starts else pd.RangeIndex(0)
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    for i, p in enumerate(entries):
        start = starts.get(p.counts_from)
        if start is None:
            continue
        start = pd.to_datetime(start, errors="coerce")
        mask = start.notna() & (start >= pd.Timestamp(p.effective))
        if i + 1 < len(entries):
            mask &= start < pd.Timestamp(entries[i + 1].effective)
        if mask.any():
            out[mask] = start[mask] + p.offset()
    return out


def period_table(sets: Iterable[str] = ("law", *REPORTED_SETS)) -> pd.DataFrame:
    """The table as a DataFrame (name, days, unit, article, law, effective, counts_from, set, label, note)."""
    wanted = set(sets)
    rows = [
        {
            "name": p.name,
            "days": p.days,
            "unit": p.unit,
            "article": p.article,
            "law": p.law,
            "effective": p.effective,
            "counts_from": p.counts_from,
            "set": p.set,
            "label": p.label,
            "note": p.note,
        }
        for p in PERIODS
        if p.set in wanted
    ]
    return pd.DataFrame(rows)


__all__ = [
    "AGRICULTURAL_LAND_USES",
    "KIND_PERIODS",
    "PERIODS",
    "REPORTED_NOTE",
    "REPORTED_SETS",
    "LegalPeriod",
    "LegalSettings",
    "check_settings",
    "due_dates",
    "due_from",
    "legal_settings",
    "period_days",
    "period_on",
    "period_table",
]
