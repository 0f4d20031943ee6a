"""``python -m geo COMMAND WORKSPACE …``: arguments and exit codes only.

Commands
--------
validate WORKSPACE
    List every problem; exit 1 where there is an error.
summary WORKSPACE --out FILE.csv [--project ID] [--as-of DATE]
    Write the per-hamlet summary; refuse (exit 1) a workspace with errors.

Exit codes: 0 success, 1 the workspace has errors (or the input is
unusable), 2 wrong arguments. No traceback reaches the user: an unexpected
failure prints a short message asking for the problem to be reported.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .problems import WorkspaceError


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _selection(args):
    from .selection import Selection

    return Selection.make(project=args.project, hamlets=getattr(args, "hamlet", None), as_of=args.as_of)


def _load(args):
    from .workspace import load_workspace

    ws = load_workspace(args.workspace)
    if args.as_of is None:
        args.as_of = ws.default_as_of()
    return ws


def cmd_validate(args) -> int:
    """Print every problem; exit 1 on errors."""
    ws = _load(args)
    report = ws.report
    _out(f"Kiểm tra / Validating: {Path(args.workspace)}")
    for name in sorted(ws.files):
        _out(f"  {name}: {ws.files[name]}")
    _out(report.render())
    if report.ok:
        _out("Dữ liệu dùng được để tổng hợp / The workspace can be summarised.")
    else:
        _out("Có lỗi: sửa các lỗi trên rồi chạy lại / There are errors: fix them and run again.")
    return report.exit_code()


def _check_project(ws, args) -> None:
    if args.project and "projects" in ws.files:
        known = set(ws.projects["project_id"].dropna())
        if args.project not in known:
            raise _UsageError(
                f"Không có dự án “{args.project}”; có: {', '.join(sorted(known))} / "
                f"No project “{args.project}”; known: {', '.join(sorted(known))}"
            )


def cmd_summary(args) -> int:
    """Write the per-hamlet summary CSV."""
    from .summary import summarize_slice, write_summary_csv
    from .selection import time_slice

    ws = _load(args).require_ok()
    _check_project(ws, args)
    sl = time_slice(ws, _selection(args))
    summary = summarize_slice(ws, sl)
    write_summary_csv(summary, args.out)
    if ws.report.warnings:
        _err(f"{len(ws.report.warnings)} cảnh báo / warnings — xem / see: python -m geo validate {args.workspace}")
    _out(f"Đã ghi {len(summary)} thôn vào {args.out} / Wrote {len(summary)} hamlets to {args.out}")
    return 0


class _UsageError(Exception):
    pass


def _date_arg(text: str):
    from .selection import Selection

    try:
        return Selection.make(as_of=text).as_of
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” không phải ngày (dùng YYYY-MM-DD hoặc dd/mm/yyyy) / not a date (use YYYY-MM-DD or dd/mm/yyyy)"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m geo``."""
    parser = argparse.ArgumentParser(
        prog="python -m geo",
        description="Thu hồi đất, bồi thường, tái định cư — kiểm tra và tổng hợp dữ liệu / "
                    "Land recovery workspace: validate and summarise.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable, help_text: str, out: bool = False):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("workspace", help="thư mục dữ liệu / workspace folder")
        if out:
            p.add_argument("--out", required=True, help="tệp kết quả / output file")
        p.add_argument("--project", help="mã dự án / project id")
        p.add_argument("--as-of", type=_date_arg, default=None,
                       help="ngày báo cáo YYYY-MM-DD hoặc dd/mm/yyyy / reporting date")
        p.set_defaults(func=func)
        return p

    add("validate", cmd_validate, "kiểm tra dữ liệu / validate a workspace")
    add("summary", cmd_summary, "tổng hợp theo thôn / per-hamlet summary CSV", out=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        code = args.func(args)
    except WorkspaceError as exc:
        _err(exc.report.render())
        _err("Không tổng hợp được vì dữ liệu có lỗi / Refused: the workspace has errors.")
        return 1
    except _UsageError as exc:
        _err(str(exc))
        return 2
    except OSError as exc:
        _err(f"Không ghi/đọc được tệp: {exc.filename or exc} ({exc.strerror}) / Cannot read or write a file.")
        return 1
    except Exception as exc:  # noqa: BLE001 — the user never sees a traceback
        _err(
            f"Lỗi không mong đợi: {type(exc).__name__}: {exc} / Unexpected failure. "
            "Vui lòng báo lại kèm thư mục dữ liệu / Please report it with the workspace."
        )
        if "--debug" in sys.argv or __import__("os").environ.get("GEO_DEBUG"):
            raise
        return 1
    if __import__("os").environ.get("GEO_TIMING"):
        _err(f"{time.perf_counter() - started:.2f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
