"""The brief for the Zalo group: a week's or month's figures as plain text, at most 1.500 characters.

Party cells and officers read the commune's news in a Zalo group. :func:`brief`
words the figures a period report shows (:func:`geo.periods.period_figures`:
two analyses, on the as-of date and at the end of the previous period) as
plain Vietnamese text that survives pasting there: no markdown, no tables,
short lines, ``- `` bullets, numbers with dot thousands and decimal comma,
dates day-first. Aggregates only: no household name, id or amount, no
reporter, nothing about who wrote a grievance.

Where the text would be longer than :data:`MAX_CHARS`, fewer projects and
hamlets are named ("và 3 thôn khác"), each with fewer and shorter reasons,
step by step (:data:`STEPS`), the same way every time; a line is never cut
mid-word.

>>> import geo
>>> ws = geo.load_workspace("data/hoson")                       # doctest: +SKIP
>>> print(geo.brief(ws, "week", as_of=date(2026, 11, 20)))      # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd

from .formatting import fmt_date, fmt_number
from .periods import Period, PeriodFigures, period_figures
from .selection import Selection
from .text import strip_unsafe
from .vocabulary import LEVEL_LABELS, LEVEL_RANK, reason_items
from .workspace import Workspace

MAX_CHARS = 1500
"""The longest brief, in characters (what a Zalo message shows without "Xem thêm" trouble)."""

BULLET = "- "
"""Every list item starts with this (plain text: Zalo shows no markdown)."""

INDENT = "  "
"""The start of a list item's further lines."""

LINE = 100
"""The longest line (a list wraps, a name or reason is shortened): short lines read well on a phone."""

NAME_CHARS = 40
"""The longest hamlet name shown."""


@dataclass(frozen=True)
class Limits:
    """How much one rendering of a brief names.

    Attributes
    ----------
    projects, hamlets, names : int
        Projects, hamlets to watch, and hamlet names in a list (level changes,
        party cells not reported) named before "và N … khác".
    reasons : int
        Reasons given per hamlet to watch (0: the level only).
    reason_chars, name_chars : int
        The longest reason and project name, cut at a word boundary with "…".
    """

    projects: int
    hamlets: int
    names: int
    reasons: int
    reason_chars: int
    name_chars: int


STEPS: tuple[Limits, ...] = (
    Limits(projects=8, hamlets=8, names=8, reasons=2, reason_chars=90, name_chars=60),
    Limits(projects=8, hamlets=8, names=8, reasons=1, reason_chars=90, name_chars=60),
    Limits(projects=6, hamlets=6, names=6, reasons=1, reason_chars=80, name_chars=50),
    Limits(projects=5, hamlets=5, names=5, reasons=1, reason_chars=60, name_chars=40),
    Limits(projects=4, hamlets=4, names=4, reasons=1, reason_chars=45, name_chars=35),
    Limits(projects=3, hamlets=3, names=3, reasons=0, reason_chars=0, name_chars=30),
    Limits(projects=2, hamlets=2, names=2, reasons=0, reason_chars=0, name_chars=25),
    Limits(projects=1, hamlets=1, names=1, reasons=0, reason_chars=0, name_chars=20),
)
"""The renderings tried in turn, fullest first; the first that fits :data:`MAX_CHARS` is the brief."""


@dataclass(frozen=True)
class ProjectLine:
    """One project's handover progress (aggregates only)."""

    name: str
    households: int
    handed_over: int
    delta: int
    deadline: date | None
    days_left: int | None
    project_id: str = ""


@dataclass(frozen=True)
class WatchLine:
    """One hamlet to watch: its name, level, reasons (most pressing first) and whether the alert is hamlet-wide."""

    name: str
    level: str
    reasons: tuple[str, ...]
    hamlet_wide: bool = False


@dataclass(frozen=True)
class BriefFacts:
    """Everything a brief says, before wording: built by :func:`brief_facts`, worded by :func:`render`.

    Attributes
    ----------
    place : str
        The commune (workspace) name.
    period : Period
        The week or month ending on the as-of date.
    projects : tuple of ProjectLine
        Most urgent first (overdue, then the nearest deadline; done last).
    watch : tuple of WatchLine
        Hamlets at an alert level, worst first.
    handed_over_delta : int
        Households handed over in the period (distinct households).
    received, resolved, withdrawn, new_overdue, field_reports : int
        Grievances received, resolved, withdrawn and newly overdue in the
        period; party-cell reports received in it.
    risen, fallen : tuple of (name, before, now)
        Hamlets whose level rose or fell since the previous period's end.
    open, overdue : int
        Grievances open, and open and overdue, on the as-of date.
    unreported : tuple of str or None
        Names of the hamlets whose party cell has not reported this week
        (None: not known, the line is left out).
    project_filter : str or None
        The project's name where the brief is about one project.
    """

    place: str
    period: Period
    projects: tuple[ProjectLine, ...]
    watch: tuple[WatchLine, ...]
    handed_over_delta: int
    received: int
    resolved: int
    withdrawn: int
    new_overdue: int
    field_reports: int
    risen: tuple[tuple[str, str, str], ...]
    fallen: tuple[tuple[str, str, str], ...]
    open: int
    overdue: int
    unreported: tuple[str, ...] | None = None
    project_filter: str | None = None


# --------------------------------------------------------------------------- text helpers

_SPACES = re.compile(r"\s+")


def clean(text: object) -> str:
    """One line of plain text from a value of the data: no control characters, no markdown marks, one space.

    Example
    -------
    >>> clean("Thôn **Nà**\\n| Pàn |")
    'Thôn Nà / Pàn /'
    """
    value = strip_unsafe(str(text)).replace("|", "/").replace("*", "").replace("`", "'")
    return _SPACES.sub(" ", value).strip()


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…" where cut.

    A parenthesis is dropped first (its details are the least needed).

    Example
    -------
    >>> shorten("9 đơn khiếu nại quá hạn giải quyết (giá bồi thường, diện tích)", 40)
    '9 đơn khiếu nại quá hạn giải quyết'
    >>> shorten("một hai ba bốn", 9)
    'một hai…'
    """
    if len(text) <= limit:
        return text
    plain = re.sub(r"\s*\([^()]*\)", "", text).strip()
    if plain != text and len(plain) <= limit:
        return plain
    words = plain.split(" ")
    out = ""
    for word in words:
        candidate = f"{out} {word}" if out else word
        if len(candidate) + 1 > limit:
            break
        out = candidate
    return (out.rstrip(",;:") + "…") if out else ""


def _n(value: int) -> str:
    return fmt_number(value)


def _signed(value: int) -> str:
    return f"+{_n(value)}" if value > 0 else ("0" if value == 0 else f"−{_n(-value)}")


def _level(level: str) -> str:
    return LEVEL_LABELS.get(level, level).lower()


def period_title(period: Period) -> str:
    """``"tuần 14/11–20/11/2026"`` (a week across new year: both dates in full) or ``"tháng 11/2026"``.

    Example
    -------
    >>> from geo.periods import period_of
    >>> period_title(period_of(date(2026, 11, 29), "week")), period_title(period_of(date(2027, 1, 2), "week"))
    ('tuần 23/11–29/11/2026', 'tuần 27/12/2026–02/01/2027')
    >>> period_title(period_of(date(2026, 11, 20), "month"))
    'tháng 11/2026'
    """
    if period.kind == "month":
        return f"tháng {period.end.month:02d}/{period.end.year}"
    first = period.start.strftime("%d/%m") if period.start.year == period.end.year else fmt_date(period.start)
    return f"tuần {first}–{fmt_date(period.end)}"


# --------------------------------------------------------------------------- facts


def _urgency(p: ProjectLine) -> tuple:
    done = p.households > 0 and p.handed_over >= p.households
    return (p.households == 0, done, p.days_left is None, p.days_left if p.days_left is not None else 0, p.name)


def _projects(fig: PeriodFigures) -> tuple[ProjectLine, ...]:
    lines = [
        ProjectLine(
            clean(r.project_name) or clean(r.project_id),
            int(r.households),
            int(r.handed_over),
            int(r.handed_over) - int(r.handed_over_prev),
            r.handover_deadline if isinstance(r.handover_deadline, date) else None,
            None if r.days_left is None or pd.isna(r.days_left) else int(r.days_left),
            clean(r.project_id),
        )
        for r in fig.projects.itertuples()
    ]
    return tuple(sorted(lines, key=_urgency))


def _watch(fig: PeriodFigures) -> tuple[WatchLine, ...]:
    s = fig.summary
    s = s[s["hotspot_level"].isin([lvl for lvl in LEVEL_RANK if lvl != "none"])]
    s = s.assign(
        b_rank=s["hotspot_level"].map(LEVEL_RANK),
        b_wide=s["hamlet_wide"].fillna(False).astype(bool) if "hamlet_wide" in s.columns else False,
    )
    # the project's own alerts before hamlet-wide ones, worst level and highest score first, then by name
    s = s.sort_values(["b_wide", "b_rank", "hotspot_score", "hamlet_name"], ascending=[True, False, False, True])
    return tuple(
        WatchLine(
            clean(r.hamlet_name),
            str(r.hotspot_level),
            tuple(clean(x) for x in reason_items(r.hotspot_reasons)),
            bool(r.b_wide),
        )
        for r in s.itertuples()
    )


def _moves(fig: PeriodFigures) -> tuple[tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str], ...]]:
    t = fig.levels.table
    names = fig.hamlet_names()
    now, before = t["level"].map(LEVEL_RANK).fillna(0), t["before"].map(LEVEL_RANK).fillna(0)
    if fig.selection.project:  # a hamlet the project does not touch has only hamlet-wide alerts: not the project's
        involved = set(fig.summary.loc[fig.summary["households"] > 0, "hamlet_id"].astype(str))
        mine = pd.Series([str(i) in involved for i in t.index], index=t.index)
    else:
        mine = pd.Series(True, index=t.index)

    def rows(mask: pd.Series, order: bool) -> tuple[tuple[str, str, str], ...]:
        picked = t[mask & mine].assign(_now=now[mask & mine]).sort_values("_now", ascending=order, kind="stable")
        return tuple((clean(names.get(str(i), i)), str(r.before), str(r.level)) for i, r in picked.iterrows())

    return rows(now > before, False), rows(now < before, True)


def brief_facts(
    ws: Workspace, fig: PeriodFigures, unreported: Sequence[str] | None = None, project_name: str | None = None
) -> BriefFacts:
    """The facts of a brief from a period's figures (see :class:`BriefFacts`).

    ``unreported``: hamlet ids; each is named by its hamlet name (the id where the hamlet is unknown).
    """
    g = fig.grievances
    now, before = fig.analysis.headline, fig.previous_analysis.headline
    risen, fallen = _moves(fig)
    names = {str(i): clean(n) for i, n in zip(ws.hamlets["hamlet_id"], ws.hamlets["hamlet_name"])}
    silent = None if unreported is None else tuple(names.get(str(h), clean(h)) for h in unreported)
    return BriefFacts(
        place=clean(ws.name),
        period=fig.period,
        projects=_projects(fig),
        watch=_watch(fig),
        handed_over_delta=now.handed_over - before.handed_over,
        received=len(g["received"]),
        resolved=len(g["resolved"]),
        withdrawn=len(g["withdrawn"]),
        new_overdue=len(g["new_overdue"]),
        field_reports=fig.field_reports.reports,
        risen=risen,
        fallen=fallen,
        open=len(g["open"]),
        overdue=len(g["overdue"]),
        unreported=silent,
        project_filter=None if project_name is None else clean(project_name),
    )


# --------------------------------------------------------------------------- wording


def _deadline(p: ProjectLine) -> str:
    if p.households == 0:
        return "chưa có hộ thu hồi đất"
    if p.handed_over >= p.households:
        return "đã bàn giao xong"
    if p.deadline is None or p.days_left is None:
        return "chưa có hạn bàn giao"
    if p.days_left < 0:
        return f"quá hạn {_n(-p.days_left)} ngày (hạn {fmt_date(p.deadline)})"
    if p.days_left == 0:
        return f"hạn là hôm nay ({fmt_date(p.deadline)})"
    return f"còn {_n(p.days_left)} ngày (hạn {fmt_date(p.deadline)})"


_BOILERPLATE = re.compile(r"^(dự án\s+)?(đầu tư\s+)?(xây dựng\s+)?(công trình\s*)?[:,–-]?\s*", re.IGNORECASE)


def project_label(name: str, project_id: str, limit: int) -> str:
    """A project's name in at most ``limit`` characters that still tells projects apart.

    A long name loses its opening words every project shares ("Dự án đầu tư xây dựng công trình"); where
    it still has to be cut, the project's id follows the cut name.

    Example
    -------
    >>> project_label("Dự án đầu tư xây dựng công trình đường cao tốc Hữu Nghị – Chi Lăng", "DA-CT", 40)
    'Đường cao tốc Hữu Nghị – Chi Lăng'
    >>> project_label("Dự án đầu tư xây dựng đường cao tốc đoạn qua tỉnh, gói thầu số 12", "DA-012", 30)
    'Đường cao tốc đoạn… (DA-012)'
    """
    if len(name) <= limit:
        return name
    short = _BOILERPLATE.sub("", name, count=1).strip() or name
    short = short[:1].upper() + short[1:]
    if len(short) <= limit:
        return short
    if not project_id or len(project_id) + 4 >= limit:
        return shorten(short, limit)
    return f"{shorten(short, limit - len(project_id) - 3)} ({project_id})"


def _project_lines(p: ProjectLine, noun: str, limits: Limits) -> list[str]:
    """The project's name on its bullet, its figures and deadline on the next line."""
    figures = f"{INDENT}{_n(p.handed_over)}/{_n(p.households)} hộ"
    if p.households:
        figures += f" ({fmt_number(p.handed_over / p.households * 100, 1)}%)"
    if p.delta:
        figures += f", {noun} này {_signed(p.delta)}"
    name = project_label(p.name, p.project_id, min(limits.name_chars, LINE - len(BULLET)))
    return [BULLET + name, f"{figures}; {_deadline(p)}"]


def _watch_lines(w: WatchLine, limits: Limits) -> list[str]:
    """The hamlet and its level on the bullet, then its first reasons, one a line."""
    level = _level(w.level) + (", cả thôn" if w.hamlet_wide else "")
    lines = [f"{BULLET}{shorten(w.name, NAME_CHARS)} ({level})"]
    limit = min(limits.reason_chars, LINE - len(INDENT))
    lines += [INDENT + r for r in (shorten(r, limit) for r in w.reasons[: limits.reasons]) if r]
    return lines


def wrap(items: Sequence[str], first: str, width: int | None = None) -> list[str]:
    """``items`` joined by ", " on lines of at most ``width`` characters (default :data:`LINE`), the first
    starting with ``first``, the others indented.

    Example
    -------
    >>> wrap(["Thôn Một", "Thôn Hai", "Thôn Ba"], "- ", 20)
    ['- Thôn Một,', '  Thôn Hai, Thôn Ba']
    """
    width = width or LINE
    lines: list[str] = []
    line, empty = first, True
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if empty:
            line, empty = line + piece, False
        elif len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = INDENT + piece
        else:
            line = f"{line} {piece}"
    lines.append(line)
    return lines


def _name_list(names: Sequence[str], most: int, first: str) -> list[str]:
    """At most ``most`` names wrapped on short lines, then "và N thôn khác"."""
    shown = [shorten(n, NAME_CHARS) for n in names[:most]]
    rest = len(names) - len(shown)
    if rest:
        shown.append(f"và {_n(rest)} thôn khác")
        if len(shown) > 1:  # "A, B và 3 thôn khác"
            shown[-2:] = [f"{shown[-2]} {shown[-1]}"]
    return wrap(shown, first)


def _changes(f: BriefFacts, limits: Limits) -> list[str]:
    handed = f.handed_over_delta
    lines = [f"{BULLET}{_signed(handed)} hộ bàn giao mặt bằng" if handed else f"{BULLET}Không có thêm hộ bàn giao"]
    letters = [f"{_n(f.received)} đơn mới" if f.received else "Không có đơn mới"]
    if f.resolved:
        letters.append(f"{_n(f.resolved)} đơn đã giải quyết")
    if f.withdrawn:
        letters.append(f"{_n(f.withdrawn)} đơn rút")
    if f.new_overdue:
        letters.append(f"{_n(f.new_overdue)} đơn mới quá hạn")
    lines += wrap(letters, BULLET)
    if f.field_reports:
        lines.append(f"{BULLET}{_n(f.field_reports)} báo cáo tình hình của chi bộ")
    moves = [*f.risen, *f.fallen]  # worse first, then better
    if moves:
        lines.append(f"{BULLET}Thôn đổi mức cảnh báo:")
        lines += [
            f"{INDENT}{shorten(n, NAME_CHARS)}: {_level(before)} → {_level(now)}"
            for n, before, now in moves[: limits.names]
        ]
        if len(moves) > limits.names:
            lines.append(f"{INDENT}và {_n(len(moves) - limits.names)} thôn khác")
    return lines


def render(f: BriefFacts, limits: Limits = STEPS[0]) -> str:
    """The brief's text for ``f`` naming at most what ``limits`` allows (no length check: see :func:`brief`)."""
    noun = f.period.noun
    lines = [f"BẢN TIN {period_title(f.period).upper()}"]
    if f.place:
        lines.append(shorten(f.place, 80))
    if f.project_filter:
        lines.append(f"Dự án: {shorten(f.project_filter, max(limits.name_chars, 40))}")
    lines.append(f"Số liệu đến ngày {fmt_date(f.period.end)}")

    lines += ["", "TIẾN ĐỘ BÀN GIAO MẶT BẰNG"]
    if f.projects:
        for p in f.projects[: limits.projects]:
            lines += _project_lines(p, noun, limits)
        rest = len(f.projects) - limits.projects
        if rest > 0:
            late = sum(1 for p in f.projects[limits.projects :] if p.days_left is not None and p.days_left < 0)
            late_text = f", trong đó {_n(late)} dự án quá hạn" if late else ""
            lines.append(f"{BULLET}và {_n(rest)} dự án khác{late_text}")
    else:
        lines.append(f"{BULLET}Chưa có dự án")

    lines += ["", "THÔN CẦN CHÚ Ý"]
    if f.watch:
        for w in f.watch[: limits.hamlets]:
            lines += _watch_lines(w, limits)
        unnamed = f.watch[limits.hamlets :]
        if unnamed:
            counts = [
                f"{_n(n)} {_level(lvl)}"
                for lvl in ("hotspot", "risk", "watch")
                if (n := sum(1 for w in unnamed if w.level == lvl))
            ]
            lines.append(f"{BULLET}và {_n(len(unnamed))} thôn khác ({', '.join(counts)})")
    else:
        lines.append(f"{BULLET}Không có thôn ở mức cảnh báo")

    lines += ["", f"SO VỚI BẢN TIN TRƯỚC ({fmt_date(f.period.previous_end)})"]
    lines += _changes(f, limits)

    lines += ["", "ĐƠN THƯ"]
    if f.open:
        overdue = f", trong đó {_n(f.overdue)} đơn quá hạn" if f.overdue else ", không có đơn quá hạn"
        lines.append(f"{BULLET}{_n(f.open)} đơn chưa giải quyết xong{overdue}")
    else:
        lines.append(f"{BULLET}Không có đơn chưa giải quyết")

    if f.unreported is not None:
        lines += ["", "CHI BỘ CHƯA BÁO CÁO TUẦN NÀY"]
        if f.unreported:
            lines += _name_list(list(f.unreported), limits.names, BULLET)
        else:
            lines.append(f"{BULLET}Tất cả chi bộ đã báo cáo")
    return "\n".join(lines)


def fit(f: BriefFacts, max_chars: int = MAX_CHARS) -> str:
    """The fullest rendering of :data:`STEPS` that is at most ``max_chars`` long.

    Where even the shortest is too long (a very long commune name, say), it is
    cut at the last line break, else the last space, before the limit, and
    ends with "…".
    """
    for limits in STEPS:
        text = render(f, limits)
        if len(text) <= max_chars:
            return text
    cut = text[: max_chars - 1]
    at = cut.rfind("\n")
    if at < max_chars // 2:
        at = cut.rfind(" ")
    return (cut[:at] if at > 0 else cut).rstrip(" ,;:") + "…"


def brief(
    ws: Workspace,
    period: Literal["week", "month"],
    project: str | None = None,
    as_of: date | None = None,
    unreported: Sequence[str] | None = None,
) -> str:
    """The brief for the Zalo group: plain Vietnamese text, at most :data:`MAX_CHARS` characters.

    Parameters
    ----------
    ws : Workspace
        A workspace without errors.
    period : {"week", "month"}
        The week (7 days) or the month ending on ``as_of``; "since the last
        brief" compares with the end of the previous one
        (:func:`geo.periods.period_of`: ``as_of`` − 7 days, or the same day a
        month earlier).
    project : str, optional
        Only this project's figures (its households, grievances and hotspots;
        hamlet-wide alerts of hamlets it does not touch are marked "cả thôn").
    as_of : date, optional
        The last day of the period (default: the workspace's as-of date).
    unreported : sequence of str, optional
        Ids of the hamlets whose party cell has not reported this week; they
        are named by hamlet name. None: the line is left out.

    Returns
    -------
    str
        Lines of plain text: a title (period, commune, as-of date), handover
        per project against its deadline, the hamlets to watch with their
        reasons, what changed since the previous period, grievances open and
        overdue, the party cells not reported. No household, reporter or
        complainant is named; no markdown.

    Raises
    ------
    WorkspaceError
        Where the workspace has errors.
    ValueError
        Where ``period`` is neither "week" nor "month", or ``project`` is not
        in the projects layer (the message lists the known ones).

    Example
    -------
    >>> import geo
    >>> ws = geo.load_workspace("data/hoson")  # doctest: +SKIP
    >>> text = geo.brief(ws, "week", project="DA-DT242")  # doctest: +SKIP
    >>> len(text) <= 1500  # doctest: +SKIP
    True
    """
    if period not in ("week", "month"):
        raise ValueError(f"period must be 'week' or 'month', not {period!r}")
    ws.require_ok()
    project_name = None
    if project:
        known = {str(p): n for p, n in zip(ws.projects["project_id"], ws.projects["project_name"]) if pd.notna(p)}
        if project not in known:
            raise ValueError(
                f"Không có dự án “{project}”; có: {', '.join(sorted(known))} / "
                f"No project “{project}”; known: {', '.join(sorted(known))}"
            )
        project_name = known[project] if pd.notna(known[project]) and str(known[project]).strip() else project
    sel = Selection.make(project=project, as_of=as_of or ws.default_as_of())
    fig = period_figures(ws, sel, period)
    return fit(brief_facts(ws, fig, unreported, project_name))


__all__ = [
    "BULLET",
    "MAX_CHARS",
    "STEPS",
    "BriefFacts",
    "Limits",
    "ProjectLine",
    "WatchLine",
    "brief",
    "brief_facts",
    "clean",
    "fit",
    "project_label",
    "period_title",
    "render",
    "shorten",
]
