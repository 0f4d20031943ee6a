"""The sample store's demo accounts (issue 16): one per role, signing in with the documented passwords."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.access import ROLES
from geo.sample_accounts import DEMO_ACCOUNTS
from geo.sample_history import build
from geo.store import Store
from geo.store.accounts import Account, authenticate, list_users

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = build(ROOT / "data" / "hoson", tmp_path_factory.mktemp("demo") / "hoson.gpkg", weeks=1, validate=False)
    yield s
    s.close()


def test_the_sample_store_has_a_demo_account_for_every_role(store: Store) -> None:
    assert {a.role for a in list_users(store)} == set(ROLES)


def test_every_demo_account_signs_in_with_its_documented_password(store: Store) -> None:
    for demo in DEMO_ACCOUNTS:
        assert demo.password.startswith("demo-")
        assert isinstance(authenticate(store, demo.name, demo.password), Account), demo.name


def test_the_demo_officers_follow_one_or_two_hamlets_of_the_sample(store: Store) -> None:
    officers = {a.name: a.hamlets for a in list_users(store) if a.role == "officer"}
    assert officers == {"canbo1": ("HS01",), "canbo2": ("HS02", "HS03")}


def test_the_demo_meeting_screen_is_forced_into_meeting_mode(store: Store) -> None:
    (screen,) = [a for a in list_users(store) if a.meeting_screen]
    assert screen.role == "leadership" and screen.access.forced_meeting


def test_the_docs_list_every_demo_account_and_password() -> None:
    text = (ROOT / "docs" / "accounts.md").read_text(encoding="utf-8")
    for demo in DEMO_ACCOUNTS:
        assert f"`{demo.name}`" in text and f"`{demo.password}`" in text
