"""``python -m geo COMMAND WORKSPACE …``: arguments and exit codes only.

Commands
--------
validate WORKSPACE
    List every problem; exit 1 where there is an error.
summary WORKSPACE --out FILE.csv [--project ID] [--as-of DATE]
    Write the per-hamlet summary; refuse (exit 1) a workspace with errors.
hotspots WORKSPACE --out FILE.gpkg|.geojson|.csv [--project ID] [--as-of DATE]
    Write the hotspot level, score and reasons of each hamlet, and the Gi*
    clusters (see docs/hotspots.md); refuse (exit 1) a workspace with errors.
snapshot WORKSPACE --out FILE.png|.pdf|.html [--project ID] [--hamlet ID …] [--as-of DATE] [--orientation portrait]
    The map of the selection: A4 PNG at 300 dpi, A4 PDF, or the interactive map as offline HTML.
export WORKSPACE --out FILE.xlsx|.csv [--project ID] [--hamlet ID …] [--as-of DATE]
    The per-hamlet summary as a formatted workbook, or a CSV for Excel (UTF-8
    with BOM, Vietnamese headers; the machine CSV is ``summary``'s).
brief WORKSPACE --period week|month [--project ID] [--as-of DATE]
    The brief for the Zalo group (plain Vietnamese text, at most 1.500 characters, no personal
    data) on standard output; refuse (exit 1) a workspace with errors.
report WORKSPACE --out FILE.docx|.pdf [--project ID] [--hamlet ID …] [--as-of DATE] [--period week|month]
    The weekly or monthly Party committee report (PDF needs LibreOffice).
    snapshot, export and report refuse a workspace with errors like summary;
    --include-personal (report, HTML map) adds household names and amounts.

WORKSPACE is a folder or a store (a ``.gpkg`` path or a ``postgresql://`` URL); every command above
takes ``--at CHANGESET`` to read a store as it was right after that changeset.

store create|upload|history|rollback|export|backup STORE …
    The store with its history (``geo/store/cli.py``, docs/store.md).
users add|passwd|disable|list STORE …, audit STORE [--user NAME] [--since DATE] [--json]
    Accounts and the audit trail of a store (``geo/store/users_cli.py``, docs/accounts.md);
    snapshot, export and report from a store are recorded in its audit (``--user NAME``).

Outputs: every file is written to a temporary file beside it and renamed
when complete; an --out inside the workspace folder or onto a file the
workspace reads is refused (exit 2). Text cells that a spreadsheet would read
as formulas are written as text.

Exit codes: 0 success, 1 the workspace has errors (or the input is
unusable), 2 wrong arguments. No traceback reaches the user: an unexpected
failure prints a short message asking for the problem to be reported.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .disclosure import Disclosure
from .problems import WorkspaceError
from .text import printable


def _out(text: str) -> None:
    sys.stdout.write(printable(text) + "\n")  # data never reaches the terminal as control sequences


def _err(text: str) -> None:
    sys.stderr.write(printable(text) + "\n")


def _selection(args):
    from .selection import Selection

    return Selection.make(project=args.project, hamlets=getattr(args, "hamlet", None), as_of=args.as_of)


def _load(args):
    from .workspace import load_workspace

    # a reading command: this process writes nothing to a store while reading it; what it assembled
    # is kept with the store's changeset, for the next one
    ws = load_workspace(args.workspace, at=getattr(args, "at", None), fast_read=True, keep=True)
    if args.as_of is None:
        args.as_of = ws.default_as_of()
    return ws


def cmd_validate(args) -> int:
    """Print every problem; exit 1 on errors."""
    ws = _load(args)
    report = ws.report
    _out(f"Kiểm tra / Validating: {ws.source.describe()}")
    for name in sorted(ws.source.files):
        _out(f"  {name}: {ws.source.files[name]}")
    _out(report.render())
    if report.ok:
        _out("Dữ liệu dùng được để tổng hợp / The workspace can be summarised.")
    else:
        _out("Có lỗi: sửa các lỗi trên rồi chạy lại / There are errors: fix them and run again.")
    return report.exit_code()


def _check_project(ws, args) -> None:
    if args.project and "projects" in ws.present:
        known = set(ws.projects["project_id"].dropna())
        if args.project not in known:
            raise _UsageError(
                f"Không có dự án “{args.project}”; có: {', '.join(sorted(known))} / "
                f"No project “{args.project}”; known: {', '.join(sorted(known))}"
            )


def cmd_summary(args) -> int:
    """Write the per-hamlet summary CSV."""
    from .analysis import analyse
    from .summary import write_summary_csv

    _guard_out(args)
    ws = _load(args).require_ok()
    _guard_out(args, ws)
    _check_project(ws, args)
    summary = analyse(ws, _selection(args)).summary
    write_summary_csv(summary, args.out)
    _mention_warnings(ws, args)
    _out(f"Đã ghi {len(summary)} thôn vào {args.out} / Wrote {len(summary)} hamlets to {args.out}")
    return 0


def _guard_out(args, ws=None) -> None:
    """Refuse an ``--out`` inside the workspace folder or onto a file it reads (symlinks followed).

    Checked once before loading (the folder) and once after (the files the
    workspace reads, wherever ``workspace.toml`` points); a usage error, exit 2.
    """
    from .hotspots import HotspotResult
    from .outputs import OutputRefused, check_output, workspace_inputs

    outs = [args.out]
    if args.command == "hotspots" and Path(args.out).suffix.lower() in (".geojson", ".json"):
        outs.append(HotspotResult.companion(args.out))
    if _is_store(args.workspace):
        return _guard_store_out(outs, args.workspace)
    inputs = workspace_inputs(args.workspace, ws.source.files.values()) if ws is not None else ()
    try:
        for out in outs:
            check_output(out, args.workspace, inputs)
    except OutputRefused as exc:
        raise _UsageError(str(exc)) from None


def _is_store(target: str) -> bool:
    from .source import is_store

    return is_store(target)


def _guard_store_out(outs: list, store: str) -> None:
    """An output is never written onto a GeoPackage store itself (a database URL has no file)."""
    if str(store).startswith("postgres"):
        return
    target = Path(store).expanduser().resolve()
    for out in outs:
        if Path(out).expanduser().resolve() == target:
            raise _UsageError(
                f"Không ghi đè kho dữ liệu {store}; ghi ra tệp khác / Refused: the output is the store itself; "
                "write it elsewhere."
            )


def _mention_warnings(ws, args) -> None:
    """One line on stderr where the workspace has warnings (the output was still written)."""
    if ws.report.warnings:
        _err(f"{len(ws.report.warnings)} cảnh báo / warnings — xem / see: python -m geo validate {args.workspace}")


def _export_selection(ws, args):
    _check_project(ws, args)
    hamlets = getattr(args, "hamlet", None) or []
    known = set(ws.hamlets["hamlet_id"].dropna().astype(str))
    unknown = [h for h in hamlets if h not in known]
    if unknown:
        raise _UsageError(
            f"Không có thôn “{', '.join(unknown)}”; có: {', '.join(sorted(known))} / "
            f"No hamlet “{', '.join(unknown)}”; known: {', '.join(sorted(known))}"
        )
    return _selection(args)


def _out_format(args, allowed: tuple[str, ...]) -> str:
    ext = Path(args.out).suffix.lower()
    if ext not in allowed:
        raise _UsageError(
            f"{args.command}: tệp kết quả phải có đuôi {', '.join(allowed)} (không phải “{Path(args.out).name}”) / "
            f"--out must end in {', '.join(allowed)}"
        )
    return ext


def cmd_snapshot(args) -> int:
    """Write the map snapshot (PNG, PDF or HTML by the extension)."""
    from .exports import write_snapshot

    _out_format(args, (".png", ".pdf", ".html", ".htm"))
    _guard_out(args)
    ws = _load(args).require_ok()
    _guard_out(args, ws)
    disclosure = Disclosure.of_flag(args.include_personal)
    write_snapshot(args.out, ws, _export_selection(ws, args), args.orientation, disclosure)
    _out(f"Đã ghi bản đồ vào {args.out} / Wrote the map to {args.out}")
    return 0


def cmd_export(args) -> int:
    """Write the per-hamlet summary (XLSX or CSV by the extension)."""
    from .exports import write_summary

    _out_format(args, (".xlsx", ".csv"))
    _guard_out(args)
    ws = _load(args).require_ok()
    _guard_out(args, ws)
    write_summary(args.out, ws, _export_selection(ws, args))
    _out(f"Đã ghi bảng tổng hợp vào {args.out} / Wrote the summary to {args.out}")
    return 0


def cmd_report(args) -> int:
    """Write the weekly or monthly report (DOCX, or PDF through LibreOffice)."""
    from .exports import ExportUnavailable, write_report

    _out_format(args, (".docx", ".pdf"))
    _guard_out(args)
    ws = _load(args).require_ok()
    _guard_out(args, ws)
    sel = _export_selection(ws, args)
    try:
        write_report(args.out, ws, sel, args.period, Disclosure.of_flag(args.include_personal))
    except ExportUnavailable as exc:
        _err(str(exc))
        return 1
    _out(f"Đã ghi báo cáo vào {args.out} / Wrote the report to {args.out}")
    return 0


def cmd_hotspots(args) -> int:
    """Write the hotspot levels per hamlet (and the Gi* clusters) as GPKG, GeoJSON or CSV."""
    from .hotspots import FORMATS, compute_hotspots

    suffix = Path(args.out).suffix.lower()
    if suffix not in FORMATS:
        raise _UsageError(
            f"Không ghi được định dạng “{suffix or args.out}”; dùng .gpkg, .geojson hoặc .csv / "
            f"Unknown output format “{suffix or args.out}”; use .gpkg, .geojson or .csv"
        )
    _guard_out(args)
    ws = _load(args).require_ok()
    _guard_out(args, ws)
    _check_project(ws, args)
    result = compute_hotspots(ws, _selection(args), weeks=1)
    written = result.write(args.out)
    _mention_warnings(ws, args)
    counts = result.counts()
    _out(
        f"Đã ghi {len(result.levels)} thôn vào {', '.join(str(p) for p in written)} / "
        f"Wrote {len(result.levels)} hamlets to {', '.join(str(p) for p in written)}: "
        + ", ".join(f"{n} {level}" for level, n in counts.items())
        + f"; {len(result.clusters.clusters)} thửa trong cụm Gi* / parcels in Gi* clusters"
    )
    return 0


def cmd_brief(args) -> int:
    """Print the brief for the Zalo group (:func:`geo.brief.brief`)."""
    from .brief import brief
    from .entry.mood import unreported

    ws = _load(args).require_ok()
    _check_project(ws, args)
    as_of = args.as_of or ws.default_as_of()
    silent = unreported(ws.field_reports, ws.hamlets, as_of)  # the party cells not reported in as-of's week
    try:
        text = brief(ws, args.period, project=args.project, as_of=as_of, unreported=silent)
    except ValueError as exc:  # a project the workspace has no projects layer for
        raise _UsageError(str(exc)) from None
    _out(text)
    _mention_warnings(ws, args)
    return 0


class _UsageError(Exception):
    pass


def _date_arg(text: str):
    """``--as-of``: ISO or day-first; a date that does not exist (31/02/2026) is named as such."""
    from .canonical import date_error
    from .selection import Selection

    try:
        return Selection.make(as_of=text).as_of
    except ValueError:
        reason = date_error(text) or f"“{text}” không phải ngày / “{text}” is not a date"
        raise argparse.ArgumentTypeError(reason) from None


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
        p.add_argument("workspace", help="thư mục dữ liệu hoặc kho (.gpkg, postgresql://) / folder or store")
        if out:
            p.add_argument("--out", required=True, help="tệp kết quả / output file")
        p.add_argument("--project", help="mã dự án / project id")
        p.add_argument(
            "--as-of", type=_date_arg, default=None, help="ngày báo cáo YYYY-MM-DD hoặc dd/mm/yyyy / reporting date"
        )
        _add_at(p)
        p.set_defaults(func=func)
        return p

    add("validate", cmd_validate, "kiểm tra dữ liệu / validate a workspace")
    add("summary", cmd_summary, "tổng hợp theo thôn / per-hamlet summary CSV", out=True)
    add("hotspots", cmd_hotspots, "cảnh báo điểm nóng theo thôn / hotspot levels, GPKG, GeoJSON or CSV", out=True)
    add("brief", cmd_brief, "bản tin cho nhóm Zalo / plain-text brief for the Zalo group").add_argument(
        "--period", choices=("week", "month"), default="week", help="bản tin tuần hoặc tháng / weekly or monthly brief"
    )
    for name, func, help_text in (
        ("snapshot", cmd_snapshot, "bản đồ PNG/PDF/HTML / map snapshot"),
        ("export", cmd_export, "bảng tổng hợp XLSX/CSV / per-hamlet summary workbook"),
        ("report", cmd_report, "báo cáo tuần/tháng DOCX/PDF / weekly or monthly report"),
    ):
        p = add(name, func, help_text, out=True)
        p.add_argument(
            "--hamlet",
            action="append",
            metavar="ID",
            help="mã thôn (lặp lại để chọn nhiều thôn) / hamlet id (repeat for several)",
        )
        if name == "snapshot":
            p.add_argument(
                "--orientation",
                choices=("landscape", "portrait"),
                default="landscape",
                help="khổ A4 ngang hoặc dọc / A4 landscape or portrait",
            )
        if name == "report":
            p.add_argument(
                "--period",
                choices=("week", "month"),
                default="week",
                help="báo cáo tuần hoặc tháng / weekly or monthly report",
            )
        if name != "export":
            p.add_argument(
                "--include-personal",
                action="store_true",
                help="kèm họ tên, số tiền từng hộ / include household names and amounts",
            )
        _audit_exports(p, func)
    _add_store(sub)
    return parser


def _audit_exports(p: argparse.ArgumentParser, func: Callable) -> None:
    """``--user NAME``; an export from a store is recorded in its audit (geo/store/users_cli.py)."""
    from .store.users_cli import add_export_user, audited_export

    add_export_user(p)
    p.set_defaults(func=audited_export(func))


def _add_at(p: argparse.ArgumentParser) -> None:
    """``--at CHANGESET``: a store as it was right after that changeset."""
    p.add_argument(
        "--at", type=int, metavar="CHANGESET", help="kho: trạng thái sau thay đổi này / store: the state after it"
    )


def _add_store(sub) -> None:
    """``store create|upload|history|rollback|export|backup`` (geo/store/cli.py); ``users``, ``audit``
    (geo/store/users_cli.py)."""
    from .store.cli import add_store_commands
    from .store.users_cli import add_users_commands

    add_store_commands(sub)
    add_users_commands(sub)


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
        # reading never gets here (load_workspace turns every failure into a problem naming the
        # file); what is left is a failure while computing or writing the output
        if os.environ.get("GEO_DEBUG"):
            raise
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        out = f" → {args.out}" if getattr(args, "out", None) else ""
        _err(
            f"LỖI/ERROR [{args.workspace}{out}]\n"
            f"    Lệnh “{args.command}” dừng giữa chừng ({what}) / The “{args.command}” command stopped ({what})\n"
            f"    → Chạy “python -m geo validate {args.workspace}” và sửa mọi lỗi/cảnh báo nêu ra; nếu vẫn lỗi, "
            "chạy lại với GEO_DEBUG=1 và gửi kết quả kèm thư mục dữ liệu cho nhóm phát triển / Run validate "
            "and fix what it lists; if it persists, rerun with GEO_DEBUG=1 and send the output with the "
            "workspace to the developers."
        )
        return 1
    if os.environ.get("GEO_TIMING"):
        _err(f"{time.perf_counter() - started:.2f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
