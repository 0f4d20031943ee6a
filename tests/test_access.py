"""The access policy (issue 16): what each role may see and do, and the workspace as it may read it."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import geo
from geo.access import Access, AccessError, for_export, restrict
from geo.analysis import analyse
from geo.disclosure import Disclosure
from geo.selection import Selection

ROOT = Path(__file__).resolve().parents[1]
_databases = itertools.count(1)

ROLES_TO_CHECK = [
    Access("leadership"),
    Access("leadership", meeting=True),
    Access("officer", {"HS01"}),
    Access("officer", {"HS03", "DT02"}),
    Access("clerk"),
    Access("clerk", exports_personal=True),
    Access("party_cell", {"HS02"}),
    Access("inspector"),
    Access("admin"),
]


@pytest.fixture(scope="module")
def ws():
    """The sample workspace (read once for the module; never modified by the tests)."""
    return geo.load_workspace(ROOT / "data" / "hoson")


def text_cells(frame: pd.DataFrame) -> set[str]:
    """Every text value of a frame, geometry aside."""
    out: set[str] = set()
    for col in frame.columns:
        if col == "geometry":
            continue
        out.update(v for v in frame[col].to_numpy(dtype=object) if isinstance(v, str))
    return out


def every_text(ws) -> set[str]:
    frames = (ws.hamlets, ws.parcels, ws.projects, ws.households, ws.stage_history, ws.grievances, ws.field_reports)
    return set().union(*(text_cells(f) for f in frames))


def names_outside(ws, hamlets: set[str]) -> set[str]:
    """The names of households with no row in ``hamlets`` (less the same names of households inside, and
    of the officials the workspace names: hamlet officers and party-cell reporters, not households' data)."""
    hh = ws.households
    inside = set(hh.loc[hh["hamlet_id"].isin(hamlets), "household_id"])
    officials = set(ws.hamlets["officer"].dropna()) | set(ws.field_reports["reporter"].dropna())
    return (
        set(hh.loc[~hh["household_id"].isin(inside), "household_name"].dropna())
        - set(hh.loc[hh["household_id"].isin(inside), "household_name"].dropna())
        - officials
    )


# --- the policy ------------------------------------------------------------------------------------------


def test_each_role_has_its_disclosure():
    got = {a.role + (" meeting" if a.meeting else ""): a.disclosure for a in ROLES_TO_CHECK}
    assert got == {
        "leadership": Disclosure.INTERNAL,
        "leadership meeting": Disclosure.PUBLIC,
        "officer": Disclosure.PERSONAL,
        "clerk": Disclosure.INTERNAL,
        "party_cell": Disclosure.INTERNAL,
        "inspector": Disclosure.PERSONAL,
        "admin": Disclosure.PERSONAL,
    }


def test_an_officer_sees_and_edits_only_the_hamlets_it_follows():
    officer = Access("officer", {"HS01"})
    assert officer.sees_personal("HS01") and not officer.sees_personal("HS02")
    assert officer.may_edit("HS01") and not officer.may_edit("HS02")
    assert officer.landing == {"HS01"}


def test_no_role_but_officer_and_admin_may_edit_rows():
    editors = {a.role for a in ROLES_TO_CHECK if a.may_edit("HS01")}
    assert editors == {"officer", "admin"}


def test_officer_clerk_and_admin_upload_lists():  # issue 17: "an officer or clerk picks a layer and a file"
    assert {a.role for a in ROLES_TO_CHECK if a.may_upload} == {"officer", "clerk", "admin"}


def test_a_clerk_uploads_every_hamlets_rows_and_an_officer_only_its_own():
    assert Access("clerk").may_upload_rows_of("HS02") and Access("clerk").may_upload_rows_of(None)
    officer = Access("officer", {"HS01"})
    assert officer.may_upload_rows_of("HS01") and not officer.may_upload_rows_of("HS02")
    assert not officer.may_upload_rows_of(None)


def test_leadership_party_cell_and_inspector_upload_no_hamlets_rows():
    for access in (Access("leadership"), Access("party_cell", {"HS01"}), Access("inspector")):
        assert not access.may_upload and not access.may_upload_rows_of("HS01")


def test_a_clerk_does_not_edit_rows_outside_an_upload():
    assert not Access("clerk").may_edit("HS01")


def test_only_the_administrator_sees_the_history_and_the_audit():
    assert {a.role for a in ROLES_TO_CHECK if a.sees_history} == {"admin"}
    assert {a.role for a in ROLES_TO_CHECK if a.sees_audit} == {"admin"}


def test_only_the_roles_that_settle_denunciations_see_who_denounced():
    assert {a.role for a in ROLES_TO_CHECK if a.sees_denouncers} == {"inspector", "admin"}


def test_a_party_cell_reports_the_mood_of_its_own_hamlet_only():
    cell = Access("party_cell", {"HS02"})
    assert cell.may_report_mood("HS02") and not cell.may_report_mood("HS01")
    assert not cell.sees_personal("HS02")


def test_a_meeting_screen_is_a_leadership_account_forced_into_meeting_mode():
    screen = Access("leadership", meeting=True)
    assert screen.forced_meeting and screen.export_disclosure(include_personal=True) is Disclosure.PUBLIC
    with pytest.raises(AccessError):
        Access("officer", {"HS01"}, meeting=True)


def test_an_unknown_role_is_refused_naming_the_roles():
    with pytest.raises(AccessError, match="leadership, officer, clerk, party_cell, admin, inspector"):
        Access("mayor")


def test_a_clerk_exports_personal_data_only_where_the_account_allows_it():
    assert Access("clerk").export_disclosure(include_personal=True) is Disclosure.INTERNAL
    assert Access("clerk", exports_personal=True).export_disclosure(include_personal=True) is Disclosure.PERSONAL
    assert Access("clerk", exports_personal=True).export_disclosure(include_personal=False) is Disclosure.INTERNAL
    assert Access("leadership").export_disclosure(include_personal=True) is Disclosure.INTERNAL


# --- the workspace as a role may read it ------------------------------------------------------------------


@pytest.mark.parametrize("access", ROLES_TO_CHECK, ids=lambda a: f"{a.role}{'-meeting' if a.meeting else ''}")
def test_the_summary_of_a_restricted_workspace_equals_the_unrestricted_ones(ws, access):
    assert_frame_equal(analyse(restrict(ws, access)).summary, analyse(ws).summary)


@pytest.mark.parametrize(
    "selection",
    [
        Selection.make(as_of="2026-10-30"),
        Selection.make(project="DA-DT242"),
        Selection.make(stages=["paid"], as_of="2026-11-13"),
        Selection.make(land_uses=["LUC"]),
    ],
    ids=["earlier-date", "one-project", "paid-on-a-date", "one-land-use"],
)
def test_every_selection_gives_the_same_figures_restricted(ws, selection):
    restricted = restrict(ws, Access("officer", {"HS01"}))
    assert_frame_equal(analyse(restricted, selection).summary, analyse(ws, selection).summary)


def test_no_name_of_another_hamlet_is_anywhere_in_an_officers_workspace(ws):
    hidden = names_outside(ws, {"HS01"})
    assert len(hidden) > 100  # the sample's other hamlets have many households
    assert not hidden & every_text(restrict(ws, Access("officer", {"HS01"})))


def test_an_officer_still_reads_the_names_of_its_own_hamlet(ws):
    own = set(ws.households.loc[ws.households["hamlet_id"] == "HS01", "household_name"].dropna())
    assert own and own <= every_text(restrict(ws, Access("officer", {"HS01"})))


@pytest.mark.parametrize("access", [Access("leadership"), Access("clerk"), Access("party_cell", {"HS02"})])
def test_roles_without_personal_access_read_no_household_name_id_or_own_amount(ws, access):
    restricted = restrict(ws, access)
    hh = restricted.households
    assert hh["household_name"].isna().all()
    assert not set(ws.households["household_id"].dropna()) & every_text(restricted)
    assert hh["household_id"].dropna().str.startswith("ẩn-").all()
    amounts = pd.to_numeric(ws.households["compensation_vnd"], errors="coerce").round(0)
    shared = hh["compensation_vnd"] != amounts
    assert shared.sum() > 50  # amounts are pooled, not the households' own


def test_pseudonymous_ids_keep_every_household_apart(ws):
    restricted = restrict(ws, Access("leadership"))
    assert restricted.households["household_id"].nunique() == ws.households["household_id"].nunique()
    rows = restricted.households.groupby("household_id").size().sort_values().to_list()
    assert rows == ws.households.groupby("household_id").size().sort_values().to_list()


def test_denunciations_never_name_who_filed_them_for_roles_that_do_not_settle_them(ws):
    den = ws.grievances["kind"] == "denunciation"
    filers = set(ws.grievances.loc[den, "household_id"].dropna())
    assert filers
    for access in (Access("officer", {"HS01", "HS03"}), Access("leadership"), Access("clerk")):
        g = restrict(ws, access).grievances
        assert not filers & set(g.loc[den, "household_id"].dropna())
        assert g.loc[den, "hamlet_id"].equals(ws.grievances.loc[den, "hamlet_id"])
    inspector = restrict(ws, Access("inspector")).grievances
    assert inspector.loc[den, "household_id"].equals(ws.grievances.loc[den, "household_id"])


def test_an_officer_cannot_tell_which_of_its_households_denounced(ws):
    den = ws.grievances["kind"] == "denunciation"
    followed = ws.households.loc[ws.households["hamlet_id"] == "HS01", "household_id"]
    own = den & ws.grievances["household_id"].isin(followed)
    assert own.any()
    g = restrict(ws, Access("officer", {"HS01"})).grievances
    assert g.loc[own, ["household_id", "lon", "lat"]].isna().all().all() and g.loc[own].geometry.isna().all()
    assert g.loc[own, "project_id"].equals(ws.grievances.loc[own, "project_id"])


def test_other_grievances_keep_their_point_and_a_masked_household(ws):
    other = (ws.grievances["kind"] != "denunciation") & ws.grievances["household_id"].notna()
    g = restrict(ws, Access("leadership")).grievances
    assert g.loc[other, "household_id"].str.startswith("ẩn-").all()
    assert g.loc[other, "lon"].equals(ws.grievances.loc[other, "lon"])


def test_restrict_leaves_the_given_workspace_as_it_was(ws):
    before = ws.households.copy()
    restrict(ws, Access("officer", {"HS01"}))
    assert_frame_equal(ws.households, before)


def test_admin_and_inspector_read_the_workspace_whole(ws):
    assert restrict(ws, Access("admin")) is ws
    assert restrict(ws, Access("inspector")) is ws


def test_a_clerks_personal_export_names_households_but_not_denouncers(ws):
    data, disclosure = for_export(ws, Access("clerk", exports_personal=True), include_personal=True)
    assert disclosure is Disclosure.PERSONAL
    assert set(data.households["household_name"].dropna()) == set(ws.households["household_name"].dropna())
    assert data.grievances.loc[data.grievances["kind"] == "denunciation", "household_id"].isna().all()
    plain, disclosure = for_export(ws, Access("clerk"), include_personal=True)
    assert disclosure is Disclosure.INTERNAL and plain.households["household_name"].isna().all()


@pytest.fixture(params=["gpkg", "postgis"])
def store_target(request, tmp_path):
    """The sample as a store: a GeoPackage, or a database on the session's PostGIS server."""
    from postgis import create_database

    from geo.store import import_folder

    if request.param == "gpkg":
        target = str(tmp_path / "hoson.gpkg")
    else:
        target = create_database(request.getfixturevalue("postgis_url"), f"access_{next(_databases)}")
    import_folder(target, ROOT / "data" / "hoson", user="Lan").close()
    return target


@pytest.mark.slow
def test_a_workspace_read_from_a_store_is_restricted_the_same_way(store_target):
    ws = geo.load_workspace(store_target)
    restricted = restrict(ws, Access("officer", {"HS01"}))
    assert_frame_equal(analyse(restricted).summary, analyse(ws).summary)
    assert not names_outside(ws, {"HS01"}) & every_text(restricted)
