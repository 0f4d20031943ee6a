"""``python -m geo store …``: make a store from a folder, upload a layer, history, rollback, export, backup.

Commands (STORE is a ``.gpkg`` path or a ``postgresql://`` URL)::

    store create STORE --from WORKSPACE_DIR --user NAME [--note TEXT]
    store upload STORE LAYER FILE --user NAME [--note TEXT] [--base CHANGESET] [--dry-run] [--merge]
    store history STORE [--layer L] [--record LAYER:ID] [--json]
    store rollback STORE CHANGESET --user NAME [--note TEXT]
    store export STORE OUT_DIR [--at CHANGESET]
    store backup STORE OUT

Human output is Vietnamese first, English second, times ``dd/mm/yyyy HH:MM`` in Vietnam time (UTC+7);
``history --json`` gives times in UTC (ISO 8601). A refusal (a file with errors, a stale upload, a
store that does not exist) prints why and exits 1, never a traceback; wrong arguments exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..formatting import fmt_datetime, fmt_number
from ..problems import Report
from ..schema import LAYERS
from ..text import printable

KIND_LABELS = {
    "import": "nhập thư mục / import",
    "upload": "tải lên / upload",
    "edit": "sửa / edit",
    "rollback": "khôi phục / rollback",
    "config": "cấu hình / settings",
}

Printer = Callable[[str], None]


def _out(text: str) -> None:
    sys.stdout.write(printable(text) + "\n")


def _err(text: str) -> None:
    sys.stderr.write(printable(text) + "\n")


class StoreUsageError(Exception):
    """Wrong arguments to a store command (exit 2)."""


def when(at: datetime) -> str:
    """A changeset's time for people: ``dd/mm/yyyy HH:MM`` in Vietnam time (:func:`geo.formatting.fmt_datetime`)."""
    return fmt_datetime(at)


def counts_text(layers: dict[str, dict[str, int]]) -> str:
    """``households +1 ~2 −1; parcels ~1`` (added, changed, removed per layer)."""
    parts = []
    for name, c in layers.items():
        signs = (("+", "added"), ("~", "changed"), ("−", "removed"))
        bits = [f"{sign}{fmt_number(c[key])}" for sign, key in signs if c[key]]
        parts.append(f"{name} {' '.join(bits) or '0'}")
    return "; ".join(parts)


def changeset_line(c: dict[str, Any]) -> str:
    """One changeset as a line: ``#3 · 12/11/2026 14:05 · Bình · tải lên / upload · households.xlsx · Tuần 46``."""
    bits = [f"#{c['id']}", when(c["at"]), c["user"], KIND_LABELS.get(c["kind"], c["kind"])]
    if c.get("restores") is not None:
        bits[-1] += f" #{c['restores']}"
    if c.get("source_name"):
        bits.append(c["source_name"])
    if c.get("note"):
        bits.append(c["note"])
    counts = counts_text(c.get("layers", {}))
    return " · ".join(str(b) for b in bits) + (f" — {counts}" if counts else "")


def _display(layer: str, column: str, value: Any) -> str:
    from .changesets import display_value  # loads SQLAlchemy: only once a store is open anyway

    return display_value(layer, column, value)


def event_line(e: dict[str, Any]) -> str:
    """One change of a record: ``H0102: Phê duyệt phương án → Bàn giao mặt bằng, 12/11/2026, Bình (#5 Tuần 46)``."""
    layer, op = e["layer"], e["op"]
    if op == "change":
        old, show = e["old"], _display
        what = "; ".join(f"{c}: {show(layer, c, old.get(c))} → {show(layer, c, v)}" for c, v in e["new"].items())
        if e.get("geometry_changed"):
            what = "; ".join(filter(None, [what, "hình / shape"]))
    elif op == "add":
        stage = (e.get("new") or {}).get("stage")
        what = "thêm / added" + (f" ({_display(layer, 'stage', stage)})" if stage else "")
    else:
        what = "bỏ / removed"
    tail = f"#{e['changeset']} {KIND_LABELS.get(e['kind'], e['kind'])}" + (f": {e['note']}" if e.get("note") else "")
    return f"{e['row_key']}: {what}, {when(e['at'])}, {e['user']} ({tail})"


def _jsonable(item: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in item.items()}


# --- commands ------------------------------------------------------------------------------------------


def cmd_create(args: argparse.Namespace) -> int:
    """``store create``: a store from a workspace folder (its first changeset)."""
    from ..outputs import OutputRefused, check_output
    from .source import display_location, is_store
    from .upload import FolderRefused, import_folder

    folder = Path(args.folder)
    if not is_store(args.workspace):
        raise StoreUsageError(
            f"Kho phải là tệp .gpkg hoặc địa chỉ postgresql:// (không phải “{args.workspace}”) / "
            "STORE must be a .gpkg path or a postgresql:// URL"
        )
    if not str(args.workspace).startswith("postgres"):
        try:
            check_output(args.workspace, folder)
        except OutputRefused as exc:
            raise StoreUsageError(str(exc)) from None
    try:
        store = import_folder(args.workspace, folder, args.user, args.note)
    except FolderRefused as refused:
        _err(refused.report.render())
        _err(
            "Không tạo kho vì thư mục có lỗi: sửa rồi chạy lại / Refused: the folder has errors; fix them and "
            "run again."
        )
        return 1
    with store:
        (first,) = store.history()
    _out(f"Đã tạo kho {display_location(args.workspace)} / Created the store {display_location(args.workspace)}")
    _out("  " + changeset_line(first))
    return 0


def cmd_upload(args: argparse.Namespace) -> int:
    """``store upload``: a new version of one layer from a file (``--dry-run``: only its diff)."""
    from .store import Store
    from .upload import upload_file

    if args.layer not in LAYERS:
        raise StoreUsageError(
            f"Không có lớp “{args.layer}”; dùng: {', '.join(LAYERS)} / No layer “{args.layer}”; use one of: "
            f"{', '.join(LAYERS)}"
        )
    with Store.open(args.workspace) as store:
        result = upload_file(
            store,
            args.layer,
            args.file,
            args.user,
            note=args.note,
            base=args.base,
            dry_run=args.dry_run,
            merge=args.merge,
        )
        if result.refused:
            _err(result.report.render())
            _err(
                f"Không tải lên vì {Path(args.file).name} có lỗi: kho giữ nguyên / Refused: "
                f"{Path(args.file).name} has errors; the store is unchanged."
            )
            return 1
        _upload_warnings(result.report, Path(args.file).name, args.workspace)
        commit = result.commit
        assert commit is not None
        if commit.changeset is None:
            _out("Thử, chưa ghi gì / Dry run, nothing written:")
        else:
            (made,) = [c for c in store.history() if c["id"] == commit.changeset]
            merged = " (gộp / merged)" if commit.merged else ""
            _out(f"Đã ghi thay đổi{merged} / Committed{merged}: " + changeset_line(made))
        _out(result.render())
    return 0


def _upload_warnings(report: Report, file: str, store: str) -> None:
    """The warnings about the uploaded file in full; those about the store's other layers as one line."""
    from .source import display_location

    own = [p for p in report.warnings if p.file == file]
    others = len(report.warnings) - len(own)
    if own:
        shown = Report()
        shown.problems.extend(own)
        _err(shown.render())
    if others:
        _err(
            f"{others} cảnh báo khác của kho / other warnings of the store — xem / see: python -m geo validate "
            f"{display_location(store)}"
        )


def cmd_history(args: argparse.Namespace) -> int:
    """``store history``: the changesets (of one layer), or one record's changes."""
    from .store import Store

    layer, record = args.layer, None
    if args.record:
        if ":" not in args.record:
            raise StoreUsageError(
                f"--record cần LỚP:MÃ, ví dụ households:H0102 (không phải “{args.record}”) / "
                "--record needs LAYER:ID, e.g. households:H0102"
            )
        layer, record = args.record.split(":", 1)
    if layer is not None and layer not in LAYERS:
        raise StoreUsageError(f"Không có lớp “{layer}” / No layer “{layer}”; use one of: {', '.join(LAYERS)}")
    with Store.open(args.workspace) as store:
        items = store.history(layer=layer, record=record)
    if args.json:
        _out(json.dumps([_jsonable(item) for item in items], ensure_ascii=False, indent=2))
        return 0
    if record is not None:
        _out(f"Lịch sử của {record} ({layer}) / History of {record}:")
        lines = [event_line(e) for e in items]
    else:
        title = f" lớp {layer}" if layer else ""
        _out(f"Lịch sử thay đổi{title} / History{f' of {layer}' if layer else ''}:")
        lines = [changeset_line(c) for c in items]
    for line in lines or ["(chưa có / none)"]:
        _out("  " + line)
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    """``store rollback``: every layer back to its state right after a changeset, as a new changeset."""
    from .source import display_location
    from .store import Store

    with Store.open(args.workspace) as store:
        commit = store.rollback(args.changeset, user=args.user, note=args.note)
        (made,) = [c for c in store.history() if c["id"] == commit.changeset]
    _out(f"Đã khôi phục về #{args.changeset} / Restored the state of #{args.changeset}: " + changeset_line(made))
    before = int(made["id"]) - 1  # the head before the rollback: restoring it undoes the rollback
    _out(
        f"Hoàn tác bằng / undo with: python -m geo store rollback {display_location(args.workspace)} {before} "
        f"--user {args.user}"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``store export``: the store (now, or right after ``--at``) as a workspace folder."""
    from .store import Store

    out = Path(args.out_dir)
    with Store.open(args.workspace) as store:
        store.export(out, at=args.at)
        shown = store.head() if args.at is None else args.at
    _out(f"Đã xuất trạng thái #{shown} vào {out} / Exported the state of #{shown} to {out}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """``store backup``: a consistent copy while the app runs."""
    from .store import Store

    out = Path(args.out)
    if out.exists():
        raise StoreUsageError(f"Đã có {out}, không ghi đè / {out} exists, will not overwrite it")
    with Store.open(args.workspace) as store:
        written = store.backup(out)
    _out(f"Đã sao lưu vào {written} / Backed up to {written}")
    return 0


def run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a store command, turning the store's refusals into messages (exit 1) and usage errors (exit 2)."""
    import sqlalchemy as sa

    from .source import display_location, short_error
    from .store import StoreError

    try:
        return func(args)
    except StoreUsageError as exc:
        _err(str(exc))
        return 2
    except StoreError as exc:
        _err(str(exc))
        return 1
    except sa.exc.DBAPIError as exc:  # a server that cannot be reached, a file that is no database
        detail = short_error(exc)
        _err(
            f"Không mở được kho {display_location(args.workspace)} ({detail}) / Cannot open the store: check the "
            "path, or that the database server is running and the URL (user, host, port, database) is right."
        )
        return 1


def add_on_store(
    commands: argparse._SubParsersAction, name: str, func: Callable[[argparse.Namespace], int], help_text: str
) -> argparse.ArgumentParser:
    """A subcommand ``name STORE …`` that runs ``func`` on the store (its failures said, not raised)."""
    p = commands.add_parser(name, help=help_text)
    p.add_argument("workspace", metavar="STORE", help="tệp .gpkg hoặc postgresql://… / .gpkg path or URL")
    p.set_defaults(func=lambda args: run(func, args))
    return p


def add_store_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``store`` and its subcommands on the ``python -m geo`` parser."""
    store = sub.add_parser("store", help="kho dữ liệu có lịch sử (GeoPackage, PostGIS) / the store, with history")
    commands = store.add_subparsers(dest="store_command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        return add_on_store(commands, name, func, help_text)

    def user(p: argparse.ArgumentParser) -> None:
        p.add_argument("--user", required=True, help="người thực hiện / who makes the change")
        p.add_argument("--note", help="ghi chú / why")

    p = add("create", cmd_create, "tạo kho từ thư mục dữ liệu / make a store from a workspace folder")
    p.add_argument("--from", dest="folder", required=True, metavar="WORKSPACE_DIR", help="thư mục / folder")
    user(p)
    p = add("upload", cmd_upload, "tải lên bản mới của một lớp / upload a new version of a layer")
    p.add_argument("layer", metavar="LAYER", help=", ".join(LAYERS))
    p.add_argument("file", metavar="FILE", help="XLSX, CSV, ZIP (shapefile), GPKG, GeoJSON")
    user(p)
    p.add_argument("--base", type=int, metavar="CHANGESET", help="bản đã dùng làm gốc / the changeset started from")
    p.add_argument("--dry-run", action="store_true", help="chỉ xem thay đổi / show the diff, write nothing")
    p.add_argument("--merge", action="store_true", help="gộp các dòng không trùng / merge non-conflicting rows")
    p = add("history", cmd_history, "lịch sử thay đổi / history")
    p.add_argument("--layer", help="chỉ một lớp / one layer")
    p.add_argument("--record", metavar="LAYER:ID", help="một bản ghi, ví dụ households:H0102 / one record")
    p.add_argument("--json", action="store_true", help="JSON")
    p = add("rollback", cmd_rollback, "khôi phục về một thay đổi / restore the state after a changeset")
    p.add_argument("changeset", type=int, metavar="CHANGESET")
    user(p)
    p = add("export", cmd_export, "xuất ra thư mục / export as a workspace folder")
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.add_argument("--at", type=int, metavar="CHANGESET", help="trạng thái sau thay đổi này / state after it")
    p = add("backup", cmd_backup, "sao lưu / a consistent copy")
    p.add_argument("out", metavar="OUT")
