"""The sample as a store: a workspace folder turned into a store holding a few weeks of realistic history.

    python -m geo.sample_history data/hoson data/hoson.gpkg [--weeks 4] [--force]

The folder stays the source of truth (it is in git); the store is made from it, so a newcomer opening
the dashboard sees history from day one. The first changeset (an import) is the workspace as it stood
``weeks`` weeks before its ``as_of`` date, derived from the folder's own dates; then, every Friday, the
officers upload that week's lists, ending exactly at the folder's current state:

* ``stage_history``: entries dated after a week's cut-off are not there yet;
* ``households``: a row's stage and stage date are the furthest stage reached by the cut-off (from
  stage_history), without a compensation amount before the plan's approval;
* ``grievances``: not yet received ones are absent; one resolved or withdrawn later was open then
  ("mới nhận" if received in the last seven days, else "đang giải quyết");
* ``field_reports``: reports dated after the cut-off are absent;
* hamlets, parcels and projects are as in the folder.

Between the weekly uploads, a grievance's result is recorded by hand (an ``edit``), and one week the
land officer uploads a list holding one project only, which is rolled back before the right list is
uploaded. Changeset times are set with the store's ``at`` parameter (Vietnam time, UTC+7), which
exists for importing a history like this one. Every state is validated as any upload is.

The store keeps the folder's ``workspace.toml`` as its settings (``Store.config()``), so it opens
without the folder. Running it again does nothing while the store is newer than every file of the
folder (``scripts/run.sh`` runs it on every start); otherwise the store is rebuilt beside and replaces
the old one, which is kept as ``NAME.YYYYmmdd-HHMMSS.bak``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pandas as pd

from .config import CONFIG_FILE, WorkspaceConfig
from .formatting import VN_TIME, fmt_date
from .problems import Report, WorkspaceError
from .sample_accounts import add_demo_accounts
from .schema import STAGE_ORDER
from .source import MemorySource
from .store import Store, StoreError
from .workspace import Workspace, assemble, load_workspace

STORED_LAYERS = ("hamlets", "parcels", "projects", "households", "stage_history", "grievances", "field_reports")
"""The layers a store holds."""

Frames = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Officers:
    """Who makes the sample's changes (synthetic names, like the rest of the sample).

    Attributes
    ----------
    admin : str
        The commune office's staff member who imports the folder and rolls back a wrong upload.
    land : str
        The land officer (cán bộ địa chính): households and stage history, every week.
    grievances : str
        The citizens' reception clerk (tiếp công dân): the grievance book.
    reports : str
        The Party committee's office: the party cells' field reports.
    """

    admin: str = "Vi Văn Dũng"
    land: str = "Hà Thị Thu Trang"
    grievances: str = "Nông Văn Khánh"
    reports: str = "Lăng Thị Huyền"


OFFICERS = Officers()


# --------------------------------------------------------------------------- earlier states


def _households_at(households: pd.DataFrame, stage_history: pd.DataFrame | None, cutoff: pd.Timestamp) -> pd.DataFrame:
    """The households list as it stood at ``cutoff``: each row at the furthest stage reached by then."""
    if stage_history is None or not len(stage_history) or not len(households):
        return households
    known = stage_history[stage_history["date"] <= cutoff]
    ranked = known.assign(_order=known["stage"].map(STAGE_ORDER)).sort_values(["_order", "date"], kind="stable")
    best = ranked.groupby(["household_id", "project_id"], sort=False).tail(1)
    best = best[["household_id", "project_id", "stage", "date"]].rename(columns={"stage": "_stage", "date": "_date"})
    merged = households[["household_id", "project_id"]].merge(best, how="left", on=["household_id", "project_id"])
    merged.index = households.index
    later = (households["stage_date"] > cutoff).fillna(False).to_numpy(dtype=bool)
    unknown = later & merged["_stage"].isna().to_numpy()
    out = households.copy()
    moved = later & ~unknown
    out.loc[moved, "stage"] = merged.loc[moved, "_stage"]
    out.loc[moved, "stage_date"] = merged.loc[moved, "_date"]
    if "compensation_vnd" in out:
        before_approval = out["stage"].map(STAGE_ORDER) < STAGE_ORDER["plan_approved"]
        out.loc[moved & before_approval.to_numpy(), "compensation_vnd"] = None
    return out[~unknown]  # no stage by then: not on the list yet


def _grievances_at(grievances: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """The grievance book at ``cutoff``: received ones only; a later result was not known then."""
    out = grievances[grievances["received_date"] <= cutoff].copy()
    fresh = out["received_date"] > cutoff - pd.Timedelta(days=7)
    settled_later = (out["resolved_date"] > cutoff).fillna(False)
    opened = out["status"].isin(["in_progress", "dialogue", "mediation", "escalated"])
    out.loc[settled_later, "resolved_date"] = pd.NaT
    out.loc[settled_later, "status"] = "in_progress"
    out.loc[(settled_later | opened) & fresh, "status"] = "received"
    return out


def state_at(layers: Frames, cutoff: date) -> Frames:
    """The folder's layers as they stood at the end of ``cutoff`` (see the module's description).

    Parameters
    ----------
    layers : dict
        Layer name → canonical frame (a workspace's layers).
    cutoff : date
        The day whose evening's state is wanted.

    Returns
    -------
    dict
        The same layers, as they were then (new frames; ``layers`` is not changed).
    """
    day = pd.Timestamp(cutoff)
    out = dict(layers)
    if "households" in layers:
        out["households"] = _households_at(layers["households"], layers.get("stage_history"), day)
    if "stage_history" in layers:
        history = layers["stage_history"]
        out["stage_history"] = history[history["date"] <= day]
    if "grievances" in layers:
        out["grievances"] = _grievances_at(layers["grievances"], day)
    if "field_reports" in layers:
        reports = layers["field_reports"]
        out["field_reports"] = reports[reports["report_date"] <= day]
    return out


# --------------------------------------------------------------------------- the store


def workspace_layers(ws: Workspace) -> Frames:
    """The layers a store of ``ws`` holds: every layer present in the folder, canonical columns."""
    return {name: getattr(ws, name) for name in STORED_LAYERS if name in ws.present}


def validator(config: WorkspaceConfig) -> Callable[[Frames], Report]:
    """The check every change of the sample passes: the workspace assembled from the layers as they would be."""

    def validate(layers: Frames) -> Report:
        return assemble(MemorySource(layers, config, name="store", canonical=True).read()).report

    return validate


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN_TIME)


def _week(day: date) -> int:
    return day.isocalendar()[1]


def _resolved_between(grievances: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Grievances resolved after ``start`` and before ``end`` (the days between two Fridays)."""
    if "resolved_date" not in grievances:
        return grievances.iloc[0:0]
    when = grievances["resolved_date"]
    return grievances[(grievances["status"] == "resolved") & (when > pd.Timestamp(start)) & (when < pd.Timestamp(end))]


def _source_name(files: dict[str, str], folder: Path, name: str, week: int, last: bool) -> str:
    """The file uploaded: the folder's own in the last week (so its sha256 is kept), else that week's."""
    file = files.get(name, f"{name}.csv")
    if last:
        return str(folder / file)
    stem, dot, ext = file.rpartition(".")
    return f"{stem}_tuan{week}.{ext}" if dot else f"{file}_tuan{week}"


def _upload_if_changed(
    store: Store,
    name: str,
    state: Frames,
    user: str,
    note: str,
    source: str,
    validate: Callable[[Frames], Report] | None,
    at: datetime,
) -> None:
    """Upload ``state[name]`` as that week's list, where the layer is there and changed."""
    if name in state and not store.diff(name, state[name]).empty:
        store.upload(
            name, state[name], user=user, note=note, source=source, base=store.head(), validate=validate, at=at
        )


def build(
    folder: str | Path, out: str | Path, weeks: int = 4, officers: Officers = OFFICERS, validate: bool = True
) -> Store:
    """Make a store at ``out`` from the workspace ``folder``, with ``weeks`` weeks of history.

    Parameters
    ----------
    folder : str or Path
        A workspace folder without errors (its ``as_of`` date, else today, is the last week's Friday).
    out : str or Path
        A ``.gpkg`` path that does not exist yet, or a ``postgresql://`` URL of an empty database.
    weeks : int
        Weekly uploads after the import (at least 1); the import is ``weeks`` weeks before ``as_of``.
    officers : Officers
        Who makes the changes.
    validate : bool
        Check every state as an upload is checked (an error refuses the change).

    Returns
    -------
    Store
        Open (close it); its head layers are the folder's layers.

    Raises
    ------
    geo.workspace.WorkspaceError
        Where the folder has errors.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    ws = load_workspace(folder).require_ok()
    layers = workspace_layers(ws)
    as_of = ws.default_as_of()
    fridays = [as_of - timedelta(days=7 * k) for k in range(weeks, -1, -1)]
    check = validator(ws.config) if validate else None
    files = dict(ws.source.files)
    folder_path = Path(folder)
    settings = folder_path / CONFIG_FILE
    config = settings.read_bytes().decode("utf-8-sig") if settings.is_file() else None
    start = fridays[0]
    store = Store.create(
        out,
        state_at(layers, start),
        user=officers.admin,
        note=f"Nhập dữ liệu ban đầu: tình hình đến ngày {fmt_date(start)} / first import, as of {fmt_date(start)}",
        source=folder_path.resolve().name,
        validate=check,
        config=config,  # the folder's workspace.toml as it is: the store needs no folder beside it
        at=_at(start, 15, 30),
    )
    try:
        for i, friday in enumerate(fridays[1:], start=1):
            week = _week(friday)
            last = i == len(fridays) - 1
            state = layers if last else state_at(layers, friday)

            def upload(
                name: str,
                user: str,
                note: str,
                hour: int,
                minute: int,
                state: Frames = state,
                week: int = week,
                last: bool = last,
                friday: date = friday,
            ) -> None:
                source = _source_name(files, folder_path, name, week, last)
                _upload_if_changed(store, name, state, user, note, source, check, _at(friday, hour, minute))

            if i == 1 and "grievances" in layers:  # a result recorded by hand between two weekly books
                done = _resolved_between(layers["grievances"], fridays[0], friday)
                if len(done):
                    row = done.sort_values(["resolved_date", "grievance_id"]).iloc[[0]]
                    store.edit(
                        "grievances",
                        row,
                        user=officers.grievances,
                        note=f"Cập nhật kết quả giải quyết đơn {row['grievance_id'].iloc[0]}",
                        base=store.head(),
                        validate=check,
                        at=_at(row["resolved_date"].iloc[0].date(), 9, 30),
                    )
            upload("stage_history", officers.land, f"Cập nhật các bước thủ tục tuần {week}", 16, 0)
            if i == 2 and "households" in state and "projects" in layers and len(fridays) > 3:
                # a wrong file: one project's list only, rolled back before the right list goes up
                project = str(layers["projects"]["project_id"].iloc[0])
                households = state["households"]
                before = store.head()
                partial = households[households["project_id"] == project]
                if len(partial) < len(households):
                    store.upload(
                        "households",
                        partial,
                        user=officers.land,
                        note=f"Cập nhật danh sách hộ tuần {week}",
                        source=f"danh_sach_ho_{project}_tuan{week}.xlsx",
                        base=before,
                        validate=check,
                        at=_at(friday, 16, 5),
                    )
                    store.rollback(
                        before,
                        user=officers.admin,
                        note=(
                            f"Tải nhầm danh sách chỉ có dự án {project}: khôi phục về #{before} / "
                            f"wrong list (project {project} only), back to #{before}"
                        ),
                        validate=check,
                        at=_at(friday, 16, 20),
                    )
                upload("households", officers.land, f"Cập nhật danh sách hộ tuần {week} (đủ các dự án)", 16, 25)
            else:
                upload("households", officers.land, f"Cập nhật danh sách hộ tuần {week}", 16, 5)
            upload("grievances", officers.grievances, f"Cập nhật sổ theo dõi đơn thư tuần {week}", 16, 40)
            upload("field_reports", officers.reports, f"Tổng hợp báo cáo tình hình của các chi bộ tuần {week}", 17, 15)
        add_demo_accounts(store, by=officers.admin, now=_at(start, 15, 35))  # docs/accounts.md
    except BaseException:
        store.close()
        raise
    return store


# --------------------------------------------------------------------------- once, on first run


def _newest_file(folder: Path) -> float:
    """The latest modification time of the folder's files (0 for an empty folder)."""
    return max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)


def is_current(folder: str | Path, out: str | Path) -> bool:
    """Whether the store file ``out`` exists and is newer than every file of ``folder``."""
    path = Path(out)
    return path.is_file() and path.stat().st_mtime > _newest_file(Path(folder))


def ensure(folder: str | Path, out: str | Path, weeks: int = 4, force: bool = False) -> bool:
    """Make the sample store file ``out`` from ``folder`` unless it is current; True where it was made.

    The store is built beside ``out`` and replaces it only when complete; an older store is kept as
    ``NAME.YYYYmmdd-HHMMSS.bak`` (it may hold changes made since).
    """
    path = Path(out)
    if not force and is_current(folder, path):
        return False
    building = path.with_name(path.name + ".building")
    for leftover in (building, building.with_name(building.name + "-journal")):
        leftover.unlink(missing_ok=True)  # our own unfinished build
    try:
        build(folder, building, weeks).close()
    except BaseException:
        building.unlink(missing_ok=True)
        raise
    if path.exists():
        stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).astimezone(VN_TIME).strftime("%Y%m%d-%H%M%S")
        path.replace(path.with_name(f"{path.name}.{stamp}.bak"))
    os.replace(building, path)
    return True


def main(argv: list[str] | None = None) -> int:
    """``python -m geo.sample_history FOLDER STORE``: make the sample's store if it is missing or older."""
    parser = argparse.ArgumentParser(
        prog="python -m geo.sample_history",
        description="Tạo kho dữ liệu mẫu có vài tuần lịch sử từ một thư mục / make a store with a few weeks of "
        "history from a workspace folder (nothing is done while the store is newer than the folder).",
    )
    parser.add_argument("folder", type=Path, help="thư mục dữ liệu / workspace folder (data/hoson)")
    parser.add_argument("store", type=Path, help="tệp kho .gpkg / the store file (data/hoson.gpkg)")
    parser.add_argument("--weeks", type=int, default=4, help="số tuần lịch sử / weeks of history (default 4)")
    parser.add_argument("--force", action="store_true", help="tạo lại dù kho còn mới / rebuild even if current")
    args = parser.parse_args(argv)
    if args.weeks < 1:
        parser.error("--weeks must be at least 1")
    if not args.folder.is_dir():
        print(f"Không có thư mục / no such folder: {args.folder}", file=sys.stderr)
        return 1
    if not args.force and is_current(args.folder, args.store):
        print(f"Kho dữ liệu mẫu đã có và mới hơn thư mục / the sample store is up to date: {args.store}")
        return 0
    print("Đang tạo kho dữ liệu mẫu có lịch sử (một lần) / making the sample store with its history (once) …")
    try:
        ensure(args.folder, args.store, args.weeks, force=True)
    except WorkspaceError as exc:
        print(f"Thư mục có lỗi, không tạo được kho / the folder has errors, no store made:\n{exc}", file=sys.stderr)
        return 1
    except (StoreError, OSError) as exc:  # a store over something else, a full disk: the message, no traceback
        print(f"Không tạo được kho / no store made: {exc}", file=sys.stderr)
        return 1
    print(f"Đã tạo kho dữ liệu mẫu / sample store made: {args.store}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
