"""The audit trail (issue 16): append-only in the store, a row per sign-in, changeset and export.

Every test runs on a GeoPackage and on the real PostGIS server of the session.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_store import small_layers, week2

from geo.__main__ import main
from geo.store import Store
from geo.store.accounts import add_user, authenticate
from geo.store.audit import read_audit, record

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
_databases = itertools.count(1)
PASSWORD = "mật-khẩu-thử-1"


def new_url(request, tmp_path, name: str) -> str:
    if request.param == "gpkg":
        return str(tmp_path / f"{name}.gpkg")
    from postgis import create_database

    return create_database(request.getfixturevalue("postgis_url"), f"{name}_{next(_databases)}")


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, tmp_path):
    s = Store.create(new_url(request, tmp_path, "audit"), small_layers(), user="Lan", note="Nhập thư mục / import")
    yield s
    s.close()


@pytest.fixture(params=["gpkg", "postgis"])
def sample_store(request, tmp_path):
    """The sample workspace as a store (the exports need a whole workspace)."""
    from geo.store import import_folder

    where = new_url(request, tmp_path, "hoson")
    import_folder(where, ROOT / "data" / "hoson", user="Lan").close()
    return where


def target(store: Store) -> str:
    return store.backend.url if store.backend.name == "postgis" else str(store.backend.path)


def test_every_changeset_leaves_an_audit_row_with_its_id_and_who_made_it(store):
    layers = small_layers()
    store.upload("households", week2(layers["households"]), user="Bình", source="tuan_47.xlsx")
    store.edit("grievances", layers["grievances"].iloc[[0]].assign(status="resolved"), user="Hà")
    store.rollback(1, user="Lan")
    store.set_config('[workspace]\nname = "Xã Thử"\n', user="Lan")
    rows = [e for e in read_audit(store) if e.action == "changeset"]
    history = store.history()
    assert [e.changeset_id for e in rows] == [c["id"] for c in history] == [1, 2, 3, 4, 5]
    assert [e.user for e in rows] == [c["user"] for c in history]
    assert [e.at for e in rows] == [c["at"] for c in history]
    assert rows[1].layer == "households" and "tuan_47.xlsx" in rows[1].what and rows[2].layer == "grievances"


def test_a_dry_run_leaves_no_audit_row(store):
    before = len(read_audit(store))
    store.upload("households", week2(small_layers()["households"]), user="Bình", dry_run=True)
    assert len(read_audit(store)) == before


@pytest.mark.parametrize("statement", ["UPDATE audit SET outcome = 'refused'", "DELETE FROM audit"])
def test_the_database_refuses_to_change_or_delete_an_audit_row(store, statement):
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with store.backend.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert [e.outcome for e in read_audit(store)] == ["done"]


def test_the_audit_module_has_no_way_to_change_or_delete_a_row():
    import geo.store.audit as audit

    assert not [name for name in dir(audit) if name.split("_")[0] in ("update", "delete", "remove", "clear")]


def test_sign_ins_failures_and_lockouts_are_audited_without_the_password(store):
    t0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    add_user(store, "binh", PASSWORD, "officer", hamlets=["A"], by="admin", now=t0)
    authenticate(store, "binh", PASSWORD, now=t0)
    for minute in range(5):
        authenticate(store, "binh", "sai-" + PASSWORD, now=t0 + timedelta(minutes=minute + 1))
    authenticate(store, PASSWORD, PASSWORD, now=t0 + timedelta(minutes=7))  # a password typed as the name
    events = [e for e in read_audit(store) if e.action != "changeset"]
    assert [(e.user, e.action, e.outcome) for e in events] == [
        ("admin", "users_add", "done"),
        ("binh", "sign_in", "done"),
        *[("binh", "sign_in_failed", "refused")] * 5,
        ("binh", "locked", "done"),
        ("(không rõ / unknown)", "sign_in_failed", "refused"),
    ]
    assert PASSWORD not in json.dumps([e.as_json() for e in events], ensure_ascii=False)


def test_the_audit_is_read_for_one_user_and_from_a_day_on(store):
    record(store, "Hà", "download", what="households.xlsx", format="xlsx", at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    record(store, "Hà", "export", what="HS01", format="pdf", personal=True, at=datetime(2026, 11, 20, 9, tzinfo=UTC))
    record(store, "Bình", "export", what="HS02", format="csv", at=datetime(2026, 11, 21, 9, tzinfo=UTC))
    assert [e.action for e in read_audit(store, user="Hà")] == ["download", "export"]
    since = [(e.user, e.format) for e in read_audit(store, since=date(2026, 11, 20)) if e.action != "changeset"]
    assert since == [("Hà", "pdf"), ("Bình", "csv")]


def test_an_export_from_a_store_is_audited_with_the_files_sha256(sample_store, tmp_path, capsys):
    out = tmp_path / "bao_cao.xlsx"
    assert main(["export", sample_store, "--out", str(out), "--hamlet", "HS01", "--user", "Hà"]) == 0
    with Store.open(sample_store) as store:
        (event,) = [e for e in read_audit(store) if e.action == "export"]
    assert (event.user, event.format, event.outcome, event.personal) == ("Hà", "xlsx", "done", False)
    assert event.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert "HS01" in event.what and "bao_cao.xlsx" in event.what


def test_a_personal_export_is_audited_as_carrying_personal_data(sample_store, tmp_path):
    out = tmp_path / "ban_do.html"
    assert main(["snapshot", sample_store, "--out", str(out), "--include-personal", "--user", "Hà"]) == 0
    with Store.open(sample_store) as store:
        (event,) = [e for e in read_audit(store) if e.action == "snapshot"]
    assert event.personal and event.format == "html" and event.sha256 is not None


def test_a_refused_export_is_audited_as_an_attempt(sample_store, tmp_path, capsys):
    out = tmp_path / "bao_cao.xlsx"
    assert main(["export", sample_store, "--out", str(out), "--hamlet", "ZZ", "--user", "Hà"]) == 2
    with Store.open(sample_store) as store:
        (event,) = [e for e in read_audit(store) if e.action == "export"]
    assert (event.outcome, event.sha256) == ("refused", None) and not out.exists()


def test_the_audit_command_filters_by_user_and_day_first_or_iso_dates(store, capsys):
    record(store, "Hà", "export", what="HS01", format="pdf", at=datetime(2026, 11, 20, 9, tzinfo=UTC))
    record(store, "Bình", "download", what="HS02", format="csv", at=datetime(2026, 11, 21, 9, tzinfo=UTC))
    where = target(store)
    capsys.readouterr()
    for since in ("21/11/2026", "2026-11-21"):
        assert main(["audit", where, "--since", since, "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)
        assert [r["user"] for r in rows if r["action"] != "changeset"] == ["Bình"]
        assert all(r["at"] >= "2026-11-21" for r in rows)
    assert main(["audit", where, "--user", "Hà"]) == 0
    out = capsys.readouterr().out
    assert "20/11/2026" in out and "xuất tệp / export" in out and "Bình" not in out


def test_the_audit_command_refuses_a_date_that_does_not_exist(store, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["audit", target(store), "--since", "31/02/2026"])
    assert exit_.value.code == 2 and "there is no 31 February 2026" in capsys.readouterr().err
