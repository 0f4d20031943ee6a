"""Problems found in a workspace: one report type, one wording style.

Every step that reads or checks a workspace *collects* problems instead of
raising: each names the file, the rows or features, what is wrong and what
to do, in Vietnamese first and English second. :class:`Report` gathers
them; :meth:`Report.exit_code` is the one place that turns them into an
exit status.

Problems of the same kind in the same file and column (and with the same
value, where there is one) are grouped, so a misspelled stage in 300 rows is
one line naming the rows, not 300 lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypedDict, Unpack

if TYPE_CHECKING:
    import pandas as pd

Severity = Literal["error", "warning"]
RowKind = Literal["row", "feature"]

ROWS_SHOWN = 12


@dataclass(frozen=True)
class Problem:
    """One problem: where it is, what is wrong, what to do.

    Attributes
    ----------
    severity : {"error", "warning"}
        An error stops a correct summary; a warning does not.
    code : str
        A stable identifier (``"missing_column"``, ``"bad_date"`` …) for tests
        and for filtering.
    file : str
        The file name inside the workspace (or ``workspace.toml``).
    message : str
        What is wrong, Vietnamese first then English.
    fix : str
        What to do about it, Vietnamese first then English.
    rows : tuple of int
        Spreadsheet rows (header = row 1) for tables, feature numbers
        (from 1) for spatial files; empty when the problem is the whole file.
    column : str or None
        The column as it is named in the file, where relevant.
    row_kind : {"row", "feature"}
        How to call ``rows`` in the message.
    setting : str or None
        The setting of ``workspace.toml`` concerned (``"[grievances] deadline_days"``),
        where the problem is one of the settings file.
    sheet : str or None
        The sheet of a workbook of several sheets the ``rows`` are in (their numbers are the
        sheet's own), where the problem is in one sheet.
    """

    severity: Severity
    code: str
    file: str
    message: str
    fix: str
    rows: tuple[int, ...] = ()
    column: str | None = None
    row_kind: RowKind = "row"
    setting: str | None = None
    sheet: str | None = None

    @property
    def is_error(self) -> bool:
        """True for errors."""
        return self.severity == "error"

    def where(self) -> str:
        """``file, sheet, column, rows`` as one readable phrase.

        Example
        -------
        >>> Problem("error", "bad_date", "households.xlsx", "…", "…", (14,), "Ngày", sheet="HS02").where()
        'households.xlsx, trang tính/sheet “HS02”, cột/column “Ngày”, dòng/row 14'
        """
        parts = [self.file]
        if self.sheet:
            parts.append(f"trang tính/sheet “{self.sheet}”")
        if self.setting:
            parts.append(f"mục/setting {self.setting}")
        if self.column:
            parts.append(f"cột/column “{self.column}”")
        if self.rows:
            word = "dòng/row" if self.row_kind == "row" else "đối tượng/feature"
            shown = ", ".join(str(r) for r in self.rows[:ROWS_SHOWN])
            more = len(self.rows) - ROWS_SHOWN
            if more > 0:
                shown += f" … (+{more}; {len(self.rows)} tổng/total)"
            parts.append(f"{word} {shown}")
        return ", ".join(parts)

    def render(self) -> str:
        """The problem as the command line prints it."""
        tag = "LỖI/ERROR" if self.is_error else "CẢNH BÁO/WARNING"
        return f"{tag} [{self.where()}]\n    {self.message}\n    → {self.fix}"


class Where(TypedDict, total=False):
    """Where a problem is, beyond its file: the keyword arguments of :meth:`Report.error` and ``warning``."""

    rows: Iterable[int]
    column: str | None
    row_kind: RowKind
    setting: str | None
    sheet: str | None
    sheets: Sequence[str | None] | None


@dataclass
class Report:
    """The problems found while reading and checking one workspace.

    Example
    -------
    >>> r = Report()
    >>> r.add("error", "missing_layer", "parcels.*", "Thiếu lớp thửa đất / no parcels layer",
    ...       "Thêm parcels.gpkg / add parcels.gpkg")
    >>> r.exit_code()
    1
    """

    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        code: str,
        file: str,
        message: str,
        fix: str,
        rows: Iterable[int] = (),
        column: str | None = None,
        row_kind: RowKind = "row",
        setting: str | None = None,
        sheet: str | None = None,
        sheets: Sequence[str | None] | None = None,
    ) -> Problem:
        """Record one problem and return it.

        ``sheets``, where given, names the sheet of each of ``rows`` (a workbook of several list
        sheets, each row numbered in its own sheet): the problem is then recorded once per sheet,
        each naming its sheet and its rows, and the first is returned.

        Example
        -------
        >>> r = Report()
        >>> _ = r.error("bad_date", "hh.xlsx", "…", "…", rows=[10, 14, 11], sheets=["HS01", "HS02", "HS01"])
        >>> [p.where() for p in r.problems]
        ['hh.xlsx, trang tính/sheet “HS01”, dòng/row 10, 11', 'hh.xlsx, trang tính/sheet “HS02”, dòng/row 14']
        """
        numbers = tuple(int(r) for r in rows)
        if sheets is None or not numbers:
            return self._record(Problem(severity, code, file, message, fix, numbers, column, row_kind, setting, sheet))
        if len(sheets) != len(numbers):
            raise ValueError("sheets must name the sheet of every row")
        groups: dict[str | None, list[int]] = {}
        for number, name in zip(numbers, sheets, strict=True):
            groups.setdefault(None if name is None else str(name), []).append(number)
        recorded = [
            self._record(Problem(severity, code, file, message, fix, tuple(g), column, row_kind, setting, n or sheet))
            for n, g in groups.items()
        ]
        return recorded[0]

    def _record(self, problem: Problem) -> Problem:
        self.problems.append(problem)
        return problem

    def error(self, code: str, file: str, message: str, fix: str, **kw: Unpack[Where]) -> Problem:
        """Record an error."""
        return self.add("error", code, file, message, fix, **kw)

    def warning(self, code: str, file: str, message: str, fix: str, **kw: Unpack[Where]) -> Problem:
        """Record a warning."""
        return self.add("warning", code, file, message, fix, **kw)

    def extend(self, other: Report | Sequence[Problem]) -> None:
        """Append the problems of another report."""
        self.problems.extend(other.problems if isinstance(other, Report) else other)

    @property
    def errors(self) -> list[Problem]:
        """The errors, in the order found."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The warnings, in the order found."""
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        """True where there is no error."""
        return not self.errors

    def has(self, code: str, file: str | None = None) -> bool:
        """True where a problem ``code`` (in ``file``, where given) was recorded."""
        return any(p.code == code and (file is None or p.file == file) for p in self.problems)

    def skipped(self, file: str, check: str, because: str) -> Problem:
        """One warning in place of the many a check would give after an earlier error.

        A check that depends on something already reported as an error (a
        missing column, an unreadable layer) would repeat that error on every
        row; it is skipped instead, and this says so once.

        Parameters
        ----------
        file : str
            The file whose check was skipped.
        check : str
            What was not checked, Vietnamese / English.
        because : str
            The earlier error it follows from, Vietnamese / English.
        """
        return self.warning(
            "check_skipped",
            file,
            f"Chưa kiểm tra {check.split(' / ')[0]} vì {because.split(' / ')[0]} / "
            f"Not checked: {check.split(' / ')[-1]}, because {because.split(' / ')[-1]}",
            "Sửa lỗi nêu trên rồi chạy lại để kiểm tra phần này / Fix the error above and run again to check this too.",
        )

    def codes(self) -> list[str]:
        """The codes of all problems, in order (handy in tests)."""
        return [p.code for p in self.problems]

    def exit_code(self) -> int:
        """1 where there is an error, else 0."""
        return 1 if self.errors else 0

    def render(self) -> str:
        """Every problem, errors first, and a closing count line."""
        lines = [p.render() for p in self.errors + self.warnings]
        lines.append(
            f"{len(self.errors)} lỗi, {len(self.warnings)} cảnh báo / "
            f"{len(self.errors)} errors, {len(self.warnings)} warnings"
        )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The problems as a pandas DataFrame (for the dashboard's table)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "severity": p.severity,
                    "code": p.code,
                    "where": p.where(),
                    "message": p.message,
                    "fix": p.fix,
                }
                for p in self.errors + self.warnings
            ],
            columns=["severity", "code", "where", "message", "fix"],
        )


class WorkspaceError(Exception):
    """Raised by entry points that cannot go on because the report has errors.

    Carries the :class:`Report`; the command line prints it and exits 1.
    """

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.render())
