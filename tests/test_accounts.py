"""Accounts in the store (issue 16): argon2id hashes, roles and hamlets, lockout, the users command.

Every test runs on a GeoPackage and on the real PostGIS server of the session.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import sys
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from test_store import small_layers

from geo.__main__ import main
from geo.store import Store
from geo.store.accounts import (
    Account,
    AccountError,
    SignInRefused,
    add_user,
    authenticate,
    disable,
    get_user,
    list_users,
    set_password,
)
from geo.store.cli import when

pytestmark = pytest.mark.slow

_databases = itertools.count(1)
T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
PASSWORD = "mật-khẩu-thử-1"


@pytest.fixture(params=["gpkg", "postgis"])
def url(request, tmp_path):
    """Where a new store goes: a GeoPackage path, or a new database on the session's PostGIS server."""
    if request.param == "gpkg":
        return str(tmp_path / "store.gpkg")
    from postgis import create_database

    return create_database(request.getfixturevalue("postgis_url"), f"accounts_{next(_databases)}")


@pytest.fixture
def store(url):
    s = Store.create(url, small_layers(), user="Lan", note="Nhập thư mục / import")
    yield s
    s.close()


@pytest.fixture
def officer(store):
    return add_user(store, "binh", PASSWORD, "officer", hamlets=["A"], by="admin", now=T0)


def target(store: Store) -> str:
    return store.backend.url if store.backend.name == "postgis" else str(store.backend.path)


def every_value(store: Store) -> str:
    """Every value of every table of the store, as one text."""
    with store.backend.engine.connect() as conn:
        names = [n for n in sa.inspect(conn).get_table_names() if n != "spatial_ref_sys"]
        return "\n".join(repr(row) for name in names for row in conn.exec_driver_sql(f'SELECT * FROM "{name}"').all())


def cli(argv: list[str], monkeypatch, capsys, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- accounts -------------------------------------------------------------------------------------------


def test_an_account_signs_in_with_its_password_and_carries_its_access(store, officer):
    result = authenticate(store, "binh", PASSWORD, now=T0)
    assert isinstance(result, Account)
    assert result.access.sees_personal("A") and not result.access.sees_personal("B")
    assert result.role_label == "Cán bộ theo dõi địa bàn / hamlet officer"


def test_the_password_is_kept_only_as_an_argon2id_hash(store, officer):
    with store.backend.engine.connect() as conn:
        (hashed,) = conn.execute(sa.text("SELECT password_hash FROM users WHERE name = 'binh'")).one()
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in every_value(store)


def _stored_hash(store: Store, name: str) -> str:
    with store.backend.engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT password_hash FROM users WHERE name = :n"), {"n": name}).scalar_one())


def test_a_password_is_hashed_with_owasps_first_argon2id_parameters(store, officer):
    assert _stored_hash(store, "binh").startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_made_with_other_parameters_signs_in_and_is_made_again_with_these(store, officer):
    older = PasswordHasher().hash(PASSWORD)  # argon2-cffi's default: 64 MiB, 3 passes, 4 lanes
    assert "m=65536,t=3,p=4" in older
    with store.backend.engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET password_hash = :h WHERE name = 'binh'"), {"h": older})
    assert isinstance(authenticate(store, "binh", PASSWORD, now=T0), Account)
    again = _stored_hash(store, "binh")
    assert again.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(authenticate(store, "binh", PASSWORD, now=T0), Account)


def test_a_wrong_name_and_a_wrong_password_get_the_same_message(store, officer):
    wrong_password = authenticate(store, "binh", "not-the-password", now=T0)
    wrong_name = authenticate(store, "nobody", PASSWORD, now=T0)
    assert isinstance(wrong_password, SignInRefused) and isinstance(wrong_name, SignInRefused)
    assert wrong_password.message == wrong_name.message
    assert wrong_password.reason == wrong_name.reason == "wrong"


def test_five_failed_sign_ins_lock_the_account_for_fifteen_minutes_said_in_words(store, officer):
    for minute in range(4):
        assert authenticate(store, "binh", "wrong-guess", now=T0 + timedelta(minutes=minute)).reason == "wrong"
    fifth = authenticate(store, "binh", "wrong-guess", now=T0 + timedelta(minutes=4))
    until = T0 + timedelta(minutes=4 + 15)
    assert fifth.reason == "locked" and fifth.until == until
    assert when(until) in fifth.message and "15 phút" in fifth.message and "15 minutes" in fifth.message
    assert fifth.message.index("Tài khoản") < fifth.message.index("The account")  # Vietnamese first


def test_a_locked_account_refuses_even_its_password_until_the_lock_ends(store, officer):
    for minute in range(5):
        authenticate(store, "binh", "wrong-guess", now=T0 + timedelta(minutes=minute))
    during = authenticate(store, "binh", PASSWORD, now=T0 + timedelta(minutes=18))
    assert isinstance(during, SignInRefused) and during.reason == "locked"
    after = authenticate(store, "binh", PASSWORD, now=T0 + timedelta(minutes=19))
    assert isinstance(after, Account) and after.failed_attempts == 0 and after.locked_until is None


def test_a_sign_in_that_succeeds_starts_the_count_of_failures_again(store, officer):
    for minute in range(4):
        authenticate(store, "binh", "wrong-guess", now=T0 + timedelta(minutes=minute))
    assert isinstance(authenticate(store, "binh", PASSWORD, now=T0 + timedelta(minutes=5)), Account)
    assert authenticate(store, "binh", "wrong-guess", now=T0 + timedelta(minutes=6)).reason == "wrong"


def test_a_new_password_lifts_a_lockout(store, officer):
    for minute in range(5):
        authenticate(store, "binh", "wrong-guess", now=T0 + timedelta(minutes=minute))
    set_password(store, "binh", "mật-khẩu-mới-2", by="admin", now=T0 + timedelta(minutes=6))
    assert isinstance(authenticate(store, "binh", "mật-khẩu-mới-2", now=T0 + timedelta(minutes=7)), Account)
    assert authenticate(store, "binh", PASSWORD, now=T0 + timedelta(minutes=8)).reason == "wrong"


def test_a_disabled_account_is_refused_and_says_so_only_with_its_password(store, officer):
    disable(store, "binh", by="admin")
    right = authenticate(store, "binh", PASSWORD, now=T0)
    wrong = authenticate(store, "binh", "wrong-guess", now=T0)
    assert right.reason == "disabled" and "vô hiệu hóa" in right.message and "disabled" in right.message
    assert wrong.reason == "wrong"
    assert get_user(store, "binh").active is False


def test_an_officer_needs_a_hamlet_the_store_holds_and_is_told_the_known_ones(store):
    with pytest.raises(AccountError, match="A, B"):
        add_user(store, "lan", PASSWORD, "officer", hamlets=["Z"])
    with pytest.raises(AccountError, match="at least one hamlet"):
        add_user(store, "lan", PASSWORD, "party_cell")
    assert list_users(store) == []


def test_an_unknown_role_a_short_password_and_a_taken_name_are_refused(store, officer):
    with pytest.raises(AccountError, match="mayor"):
        add_user(store, "lan", PASSWORD, "mayor")
    with pytest.raises(AccountError, match="8"):
        add_user(store, "lan", "short", "clerk")
    with pytest.raises(AccountError, match="binh"):
        add_user(store, "binh", PASSWORD, "clerk")


def test_only_leadership_can_be_a_meeting_screen(store):
    screen = add_user(store, "phong-hop", PASSWORD, "leadership", meeting_screen=True)
    assert screen.access.forced_meeting
    with pytest.raises(AccountError):
        add_user(store, "thu", PASSWORD, "clerk", meeting_screen=True)


def test_account_changes_are_audited_not_changesets_of_the_data(store, officer):
    set_password(store, "binh", "mật-khẩu-mới-2", by="admin")
    disable(store, "binh", by="admin")
    assert [c["kind"] for c in store.history()] == ["import"]
    with store.backend.engine.connect() as conn:
        actions = [r[0] for r in conn.execute(sa.text("SELECT action FROM audit ORDER BY id"))]
    assert actions == ["changeset", "users_add", "users_passwd", "users_disable"]


# --- the users command ------------------------------------------------------------------------------------


def test_the_users_command_adds_lists_and_disables_with_the_password_on_stdin(store, monkeypatch, capsys):
    where = target(store)
    store.close()
    code, out, err = cli(
        ["users", "add", where, "lan", "--role", "officer", "--hamlet", "A", "--hamlet", "B", "--password-stdin"],
        monkeypatch,
        capsys,
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err
    assert "lan" in out and "Cán bộ theo dõi địa bàn" in out
    code, out, _ = cli(["users", "list", where, "--json"], monkeypatch, capsys)
    (listed,) = json.loads(out)
    assert (listed["name"], listed["role"], listed["hamlets"], listed["active"]) == ("lan", "officer", ["A", "B"], True)
    assert cli(["users", "disable", where, "lan"], monkeypatch, capsys)[0] == 0
    code, out, _ = cli(["users", "list", where], monkeypatch, capsys)
    assert "đã vô hiệu hóa / disabled" in out
    with Store.open(where) as reopened:
        assert authenticate(reopened, "lan", PASSWORD).reason == "disabled"


def test_the_users_command_changes_a_password_read_from_stdin(store, officer, monkeypatch, capsys):
    where = target(store)
    store.close()
    code, _, err = cli(["users", "passwd", where, "binh", "--password-stdin"], monkeypatch, capsys, "khác-hẳn-3\n")
    assert code == 0, err
    with Store.open(where) as reopened:
        assert isinstance(authenticate(reopened, "binh", "khác-hẳn-3"), Account)


def test_no_password_or_hash_reaches_any_output_of_the_commands(store, monkeypatch, capsys):
    where = target(store)
    store.close()
    outputs = []
    for argv, stdin in (
        (["users", "add", where, "lan", "--role", "clerk", "--exports-personal", "--password-stdin"], PASSWORD),
        (["users", "add", where, "lan", "--role", "clerk", "--password-stdin"], PASSWORD),  # refused: taken
        (["users", "passwd", where, "lan", "--password-stdin"], "ngan7x"),  # refused: too short
        (["users", "list", where], ""),
        (["users", "list", where, "--json"], ""),
        (["audit", where], ""),
        (["audit", where, "--json"], ""),
    ):
        code, out, err = cli(argv, monkeypatch, capsys, stdin + "\n" if stdin else "")
        outputs.append(out + err)
    text = "\n".join(outputs)
    assert "lan" in text and "users_add" in text  # the commands did print
    assert PASSWORD not in text and "ngan7x" not in text and "$argon2" not in text


def test_a_password_is_never_taken_from_the_command_line(store, monkeypatch, capsys):
    where = target(store)
    store.close()
    code, _, err = cli(["users", "add", where, "lan", "--role", "clerk"], monkeypatch, capsys, PASSWORD + "\n")
    assert code == 2 and "--password-stdin" in err
    code, _, err = cli(["users", "add", where, "lan", "--role", "officer", "--hamlet", "Z", "--password-stdin"],
                       monkeypatch, capsys, PASSWORD + "\n")  # fmt: skip
    assert code == 1 and "A, B" in err


def test_a_store_of_version_2_gains_accounts_and_an_audit_when_opened(store, tmp_path):
    where = target(store)
    with store.backend.engine.begin() as conn:  # the store as version 2 made it
        conn.exec_driver_sql("DROP TABLE users")
        conn.exec_driver_sql("DROP TABLE audit")
        conn.exec_driver_sql("DELETE FROM store_version")
        conn.execute(store.tables["store_version"].insert().values(version=2, at=pd.Timestamp.now(tz="UTC")))
    store.close()
    with Store.open(where, backup_dir=tmp_path) as upgraded:
        assert upgraded.backup_taken is not None and upgraded.backup_taken.stat().st_size > 0
        add_user(upgraded, "binh", PASSWORD, "officer", hamlets=["A"])
        assert isinstance(authenticate(upgraded, "binh", PASSWORD), Account)
        assert [c["kind"] for c in upgraded.history()] == ["import"]


def test_no_password_or_hash_reaches_a_log_even_with_sql_logging_on(store, caplog):
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # statements and their parameters (echo=True)
    add_user(store, "binh", PASSWORD, "officer", hamlets=["A"], by="admin")
    authenticate(store, "binh", PASSWORD)
    authenticate(store, "binh", "sai-" + PASSWORD)
    set_password(store, "binh", "mật-khẩu-mới-2", by="admin")
    assert "INSERT INTO users" in caplog.text  # SQLAlchemy did log its statements
    assert PASSWORD not in caplog.text and "mật-khẩu-mới-2" not in caplog.text and "$argon2" not in caplog.text
