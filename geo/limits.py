"""Reading limits: what a commune or province file can never legitimately exceed.

Every file is checked against these figures *before* it is read: what it
claims (a zip's uncompressed sizes, a layer's feature count, a table's
rows) is compared with the limit, and a file over a limit is refused with a
problem that gives the figure and the limit — within seconds and without
the memory the read would take. A whole province is about 300,000
parcels, 80,000 household rows, 400,000 stage-history rows and 10,000
grievances; the defaults sit well above that.

The defaults, overridable in ``workspace.toml``::

    [limits]
    max_file_mb = 1000       # one layer file; for a .zip or .xlsx: its members, uncompressed
    max_zip_ratio = 200      # uncompressed ÷ compressed size of one member over 10 MB
    max_features = 2000000   # features in one spatial layer
    max_rows = 1000000       # rows in one table (CSV lines, workbook rows)

A limit can be raised for a genuinely larger file; it cannot be switched
off (0 or a negative number is a configuration error).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from .problems import Report

RATIO_FLOOR_MB = 10
"""Members of a zip smaller than this (uncompressed) are not held to ``max_zip_ratio``:
a small run of blanks compresses a thousandfold and costs nothing to read."""


@dataclass(frozen=True)
class Limits:
    """The reading limits of one workspace (defaults, or ``[limits]`` of ``workspace.toml``).

    Attributes
    ----------
    max_file_mb : float
        Size of one layer file in MB (10⁶ bytes); for a ``.zip`` or ``.xlsx``,
        the total uncompressed size of its members.
    max_zip_ratio : float
        Uncompressed ÷ compressed size of any member of a ``.zip`` or
        ``.xlsx`` over :data:`RATIO_FLOOR_MB` (a zip bomb's is in the hundreds).
    max_features : int
        Features in one spatial layer.
    max_rows : int
        Rows of one table: lines of a CSV file, rows of a workbook (all sheets).

    Example
    -------
    >>> Limits().max_features
    2000000
    """

    max_file_mb: float = 1000
    max_zip_ratio: float = 200
    max_features: int = 2_000_000
    max_rows: int = 1_000_000

    @property
    def max_file_bytes(self) -> int:
        """``max_file_mb`` in bytes."""
        return int(self.max_file_mb * 1_000_000)


def read_limits(section: dict[str, Any], report: Report, file: str = "workspace.toml") -> Limits:
    """The limits of a ``[limits]`` table, defaults where absent.

    Parameters
    ----------
    section : dict
        The ``[limits]`` table as parsed.
    report : Report
        Receives an error for a value that is not a positive number, and a
        warning for a key that is no limit.
    file : str
        The settings file, for problems.

    Returns
    -------
    Limits

    Example
    -------
    >>> read_limits({"max_rows": 2_000_000}, Report()).max_rows
    2000000
    """
    known = {f.name: f for f in fields(Limits)}
    values: dict[str, Any] = {}
    for key, value in section.items():
        field = known.get(str(key))
        if field is None:
            report.warning(
                "bad_config",
                file,
                f"[limits] không có giới hạn “{key}” — bỏ qua / [limits] has no limit “{key}” — ignored",
                f"Dùng một trong / use one of: {', '.join(known)}",
            )
            continue
        whole = field.type in ("int", int)
        ok = isinstance(value, int if whole else (int, float)) and not isinstance(value, bool) and value > 0
        if not ok:
            report.error(
                "bad_config",
                file,
                f"[limits] {key} phải là một số dương{' nguyên' if whole else ''}, không phải “{value}” / "
                f"[limits] {key} must be a positive {'whole ' if whole else ''}number, not “{value}”",
                f"Ví dụ / e.g.: {key} = {getattr(Limits(), key)!r} (mặc định / the default)",
            )
            continue
        values[key] = value
    return replace(Limits(), **values)


def mb(n_bytes: float) -> str:
    """A byte count in MB for messages, with a decimal comma (``1.234,5 MB``)."""
    from .formatting import fmt_number

    return f"{fmt_number(n_bytes / 1_000_000, 1)} MB"
