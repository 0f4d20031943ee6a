"""Who may see and change what: the access policy of a signed-in account, as one pure value.

:class:`Access` (a role, the hamlets it follows, two account flags) answers every question a screen,
an export or an upload asks: its :class:`~geo.disclosure.Disclosure`, whose personal data it may
read, whether it may edit a hamlet's rows, see who denounced, or must stay in meeting mode.
:func:`restrict` applies it where the data is read: the workspace as that account may read it, with
every figure unchanged. Nothing here touches a store or a screen (``geo/store/accounts.py`` keeps the
accounts; the dashboard asks this module).

Roles (issue 16)
----------------
``leadership`` (lãnh đạo)
    Every figure, map and report of the commune; no personal data; an account marked as a
    meeting-room screen is always in meeting mode (:attr:`Access.forced_meeting`).
``officer`` (cán bộ theo dõi địa bàn)
    The personal data of the hamlets it follows and only those; may upload and edit their rows.
``clerk`` (văn phòng)
    Reports and exports; uploads the office's lists, every hamlet's rows (issue 17), and sees personal
    values in an upload's diff, as in an export, only where the account allows it (``exports_personal``).
``party_cell`` (chi bộ)
    Its hamlet's aggregate figures; submits its hamlet's weekly public-mood report. Does not upload.
``admin`` (quản trị)
    Everything: accounts, the store's history and rollback, the audit.
``inspector`` (thanh tra)
    Settles denunciations: sees who denounced (as ``admin`` does), and the personal data a
    settlement needs. Does not upload (nor does ``leadership``).

Example
-------
>>> a = Access("officer", {"HS01"})
>>> a.disclosure.value, a.sees_personal("HS01"), a.sees_personal("HS02"), a.may_edit("HS01")
('personal', True, False, True)
>>> Access("leadership", meeting=True).disclosure.value
'public'
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .disclosure import Disclosure

if TYPE_CHECKING:
    from .workspace import Workspace

ROLES: dict[str, str] = {
    "leadership": "Lãnh đạo",
    "officer": "Cán bộ theo dõi địa bàn",
    "clerk": "Văn phòng",
    "party_cell": "Chi bộ",
    "admin": "Quản trị",
    "inspector": "Thanh tra",
}
"""Role → its Vietnamese label (on screen first)."""

ROLE_ENGLISH: dict[str, str] = {
    "leadership": "leadership",
    "officer": "hamlet officer",
    "clerk": "office clerk",
    "party_cell": "party cell",
    "admin": "administrator",
    "inspector": "inspector (settles denunciations)",
}
"""Role → its English label (second)."""

HAMLET_ROLES = frozenset({"officer", "party_cell"})
"""Roles that follow hamlets: an account of these needs at least one."""

UPLOAD_ROLES = frozenset({"admin", "clerk", "officer"})
"""Roles that upload lists (issue 17: "an officer or clerk picks a layer and a file"; admin too)."""

SETTLING_ROLES = frozenset({"admin", "inspector"})
"""Roles that settle denunciations: the only ones that see who denounced."""

FULL_PERSONAL_ROLES = frozenset({"admin", "inspector"})
"""Roles that see every household's personal data."""

DENUNCIATION = "denunciation"
"""The grievance kind whose filer the Law on Denunciation protects (tố cáo)."""

MASK_PREFIX = "ẩn-"
"""The start of a pseudonymous household id in a restricted workspace."""

_SECRET = os.urandom(16)  # pseudonyms are stable within one process, meaningless outside it


class AccessError(ValueError):
    """An access that cannot be: an unknown role, a meeting screen that is not leadership."""


def role_label(role: str) -> str:
    """``Cán bộ theo dõi địa bàn / hamlet officer``: a role for people, Vietnamese first."""
    return f"{ROLES.get(role, role)} / {ROLE_ENGLISH.get(role, role)}"


@dataclass(frozen=True)
class Access:
    """What one signed-in account may see and do.

    Parameters
    ----------
    role : str
        One of :data:`ROLES`.
    hamlets : iterable of str
        The hamlet ids it follows (officers and party cells; ignored for the other roles' data).
    exports_personal : bool
        A clerk's account allowed to put personal data in an export (each such export is audited).
    meeting : bool
        A meeting-room screen (leadership only): always in meeting mode, whatever the URL says.
    """

    role: str
    hamlets: frozenset[str] = field(default_factory=frozenset)
    exports_personal: bool = False
    meeting: bool = False

    def __init__(
        self, role: str, hamlets: Iterable[str] = (), exports_personal: bool = False, meeting: bool = False
    ) -> None:
        if role not in ROLES:
            raise AccessError(
                f"Không có vai trò “{role}”; dùng: {', '.join(ROLES)} / No role “{role}”; use one of: "
                f"{', '.join(ROLES)}"
            )
        if meeting and role != "leadership":
            raise AccessError(
                "Chỉ tài khoản lãnh đạo mới là màn hình phòng họp / only a leadership account can be a "
                "meeting-room screen"
            )
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "hamlets", frozenset(str(h) for h in hamlets))
        object.__setattr__(self, "exports_personal", bool(exports_personal))
        object.__setattr__(self, "meeting", bool(meeting))

    @property
    def label(self) -> str:
        """The role for people (Vietnamese / English)."""
        return role_label(self.role)

    @property
    def forced_meeting(self) -> bool:
        """Whether every screen of this account is in meeting mode (the server's decision, not the URL's)."""
        return self.meeting

    @property
    def disclosure(self) -> Disclosure:
        """What its screens may disclose: PUBLIC in meeting mode, PERSONAL for roles with personal data
        (an officer's only for its hamlets: see :meth:`sees_personal`), else INTERNAL."""
        if self.meeting:
            return Disclosure.PUBLIC
        if self.role in FULL_PERSONAL_ROLES or self.role == "officer":
            return Disclosure.PERSONAL
        return Disclosure.INTERNAL

    @property
    def personal_hamlets(self) -> frozenset[str] | None:
        """The hamlets whose personal data it reads: None for every hamlet, empty for none."""
        if self.meeting:
            return frozenset()
        if self.role in FULL_PERSONAL_ROLES:
            return None
        if self.role == "officer":
            return self.hamlets
        return frozenset()

    def sees_personal(self, hamlet_id: str | None) -> bool:
        """Whether it may read the names, ids and amounts of households in ``hamlet_id``."""
        scope = self.personal_hamlets
        return scope is None or (hamlet_id is not None and hamlet_id in scope)

    @property
    def sees_denouncers(self) -> bool:
        """Whether it may see who filed a denunciation (tố cáo): the roles that settle them."""
        return self.role in SETTLING_ROLES and not self.meeting

    def may_edit(self, hamlet_id: str | None) -> bool:
        """Whether it may upload or edit the rows of ``hamlet_id`` (an officer its own hamlets; admin all)."""
        if self.role == "admin":
            return True
        return self.role == "officer" and hamlet_id is not None and hamlet_id in self.hamlets

    def may_report_mood(self, hamlet_id: str | None) -> bool:
        """Whether it may submit the weekly public-mood report of ``hamlet_id`` (its party cell; admin)."""
        if self.role == "admin":
            return True
        return self.role == "party_cell" and hamlet_id is not None and hamlet_id in self.hamlets

    @property
    def may_upload(self) -> bool:
        """Whether it uploads lists at all: admin and clerk (the office) every hamlet's rows, an officer only
        its hamlets' (:meth:`may_upload_rows_of`); leadership, party cell and inspector do not."""
        return self.role in UPLOAD_ROLES and not self.meeting

    def may_upload_rows_of(self, hamlet_id: str | None) -> bool:
        """Whether an upload of its may add, change or remove rows of ``hamlet_id`` (None: a row of no
        hamlet, or of a hamlet the data cannot tell): admin and clerk every row, an officer its hamlets'
        (:meth:`may_edit`), the other roles none."""
        if not self.may_upload:
            return False
        return self.role in ("admin", "clerk") or self.may_edit(hamlet_id)

    @property
    def manages_accounts(self) -> bool:
        """Accounts, the store's history and rollback, the audit: admin only."""
        return self.role == "admin"

    @property
    def sees_history(self) -> bool:
        """Whether it sees the store's history (its changesets) and may roll back: admin only.

        An inspector settles denunciations from the records as they are, not from their changesets.
        """
        return self.role == "admin"

    @property
    def sees_audit(self) -> bool:
        """Whether it reads the audit trail (who signed in, exported, downloaded): admin only."""
        return self.role == "admin"

    @property
    def landing(self) -> frozenset[str]:
        """The hamlets its screens open on (officer, party cell); empty: the whole commune."""
        return self.hamlets if self.role in HAMLET_ROLES else frozenset()

    def export_disclosure(self, include_personal: bool) -> Disclosure:
        """The disclosure of a file it asks for, ``--include-personal`` or not.

        PERSONAL only where asked and allowed: admin and inspector; an officer (of a workspace
        :func:`restrict`-ed to it, so only its hamlets' households are named); a clerk whose
        account has ``exports_personal``. Otherwise INTERNAL (PUBLIC for a meeting screen).
        """
        if self.meeting:
            return Disclosure.PUBLIC
        allowed = self.role in FULL_PERSONAL_ROLES or self.role == "officer"
        allowed = allowed or (self.role == "clerk" and self.exports_personal)
        return Disclosure.PERSONAL if include_personal and allowed else Disclosure.INTERNAL


def pseudonym(ids: pd.Series) -> pd.Series:
    """A stable, meaningless stand-in for each household id (``ẩn-3fa9c2d1e07b``); blanks stay blank.

    The same id gets the same stand-in everywhere in the process (so counts and joins hold), and the
    stand-in cannot be turned back into the id.
    """
    values = ids.to_numpy(dtype=object)
    present = pd.notna(values)
    out = np.full(len(values), None, dtype=object)
    uniques = pd.unique(values[present])
    table = {u: MASK_PREFIX + hashlib.blake2b(str(u).encode(), key=_SECRET, digest_size=6).hexdigest() for u in uniques}
    out[present] = [table[v] for v in values[present]]
    return pd.Series(out, index=ids.index, dtype=object)


def _history_signature(hh: pd.DataFrame, sh: pd.DataFrame) -> pd.Series:
    """Per household row, its household's dated steps in the project as one text (``""``: none)."""
    pair = ["household_id", "project_id"]
    if not len(sh):
        return pd.Series("", index=hh.index, dtype=object)
    steps = sh.assign(
        _step=sh["stage"].astype(str) + "@" + pd.to_datetime(sh["date"], errors="coerce").astype(str)
    ).sort_values([*pair, "_step"])
    sig = steps.groupby(pair, dropna=False, sort=False)["_step"].agg("|".join).rename("_sig").reset_index()
    merged = hh[pair].reset_index().merge(sig, on=pair, how="left").set_index("index")["_sig"]
    return merged.reindex(hh.index).fillna("").astype(object)


def _pool_amounts(hh: pd.DataFrame, hidden: np.ndarray, ws: Workspace) -> pd.Series:
    """Each hidden row's compensation replaced by its share of its group's total, in whole đồng.

    A group is the hidden rows that no selection or date can tell apart (hamlet, project, the
    parcel's land use, stage, stage date and the household's dated steps), so every sum a figure
    takes (per hamlet, project, land use, stage, on any date) is the same as before, while no row
    holds a household's own amount unless the figures alone already give it.
    """
    amount = pd.to_numeric(hh["compensation_vnd"], errors="coerce").round(0)
    take = hidden & amount.notna().to_numpy()
    if not take.any():
        return amount
    rows = hh[take]
    land_use = rows["parcel_id"].map(ws.parcels.drop_duplicates("parcel_id").set_index("parcel_id")["land_use"])
    key = pd.DataFrame(
        {
            "hamlet": rows["hamlet_id"].astype(object),
            "project": rows["project_id"].astype(object),
            "land_use": land_use.astype(object),
            "stage": rows["stage"].astype(object),
            "date": pd.to_datetime(rows["stage_date"], errors="coerce").astype(str),
            "steps": _history_signature(rows, ws.stage_history),
        },
        index=rows.index,
    ).fillna("")
    group = key.groupby(list(key.columns), sort=False).ngroup().to_numpy()
    values = amount[take].to_numpy()
    totals = np.bincount(group, weights=values)
    counts = np.bincount(group)
    base = np.floor(totals / counts)
    extra = np.rint(totals - base * counts)
    rank = pd.Series(group).groupby(group).cumcount().to_numpy()
    shares = base[group] + (rank < extra[group])
    out = amount.copy()
    out[take] = shares
    return out


def restrict(ws: Workspace, access: Access) -> Workspace:
    """The workspace as ``access`` may read it: personal data only where it may see it.

    Households outside the hamlets whose personal data it reads (every household for roles without
    personal access): no name, a pseudonymous id (:func:`pseudonym`, the same in households, stage
    history and grievances, so counts and joins hold) and no amount of its own (pooled with the
    rows no figure can tell apart, :func:`_pool_amounts`). A household with a row in one of its
    hamlets stays named in all its rows. Denunciations (tố cáo), for roles that do not settle them,
    never name who filed them: where the filer's household is hidden it is the same pseudonym as
    everywhere (so the figures that link a grievance to parcels hold); where the account would
    otherwise know it (an officer's own hamlet), the denunciation loses its household and its point
    (the project it concerns is kept). Every aggregate — counts, stages, areas, amounts per hamlet,
    project, land use or stage, on any date — is unchanged, except the Gi* clusters of an officer's
    own hamlets where a denunciation there lost its household or point.

    Parameters
    ----------
    ws : Workspace
        A loaded workspace (not modified).
    access : Access

    Returns
    -------
    Workspace
        ``ws`` itself where nothing is hidden (admin, inspector), else a copy with new frames.
    """
    scope = access.personal_hamlets
    if scope is None and access.sees_denouncers:
        return ws
    hh = ws.households.copy()
    if scope is None:
        hidden = np.zeros(len(hh), dtype=bool)
    else:
        in_scope = hh["hamlet_id"].isin(scope)
        followed = set(hh.loc[in_scope, "household_id"].dropna())
        hidden = ~(in_scope | hh["household_id"].isin(followed)).to_numpy()
    masked_ids = set(hh.loc[hidden, "household_id"].dropna())
    if "compensation_vnd" in hh:
        hh["compensation_vnd"] = _pool_amounts(hh, hidden, ws)
    if "household_name" in hh:
        hh["household_name"] = hh["household_name"].astype(object).where(~hidden, None)

    def mask(ids: pd.Series) -> pd.Series:
        hide = ids.isin(masked_ids)
        return ids.astype(object).where(~hide, pseudonym(ids.where(hide)))

    hh["household_id"] = mask(hh["household_id"])
    sh = ws.stage_history.copy()
    if len(sh):
        sh["household_id"] = mask(sh["household_id"])
    g = ws.grievances.copy()
    if len(g):
        if not access.sees_denouncers and "kind" in g:
            known = g["household_id"].notna() & ~g["household_id"].isin(masked_ids)
            g = _hide_denouncers(g, ws.households, known.to_numpy())
        g["household_id"] = mask(g["household_id"])
    steps = _hide_step_names(ws, access)
    return dataclasses.replace(ws, households=hh, stage_history=sh, grievances=g, grievance_steps=steps)


def _hide_step_names(ws: Workspace, access: Access) -> pd.DataFrame:
    """The grievance steps with who attended and the notes (names, a letter's summary) blanked where
    ``access`` may not read them: outside the hamlets whose personal data it reads, and on a
    denunciation for roles that do not settle them."""
    steps = ws.grievance_steps
    if not len(steps) or "grievance_id" not in steps:
        return steps
    g = ws.grievances.dropna(subset=["grievance_id"]).drop_duplicates("grievance_id").set_index("grievance_id")
    hamlet = steps["grievance_id"].map(g["hamlet_id"])
    kind = steps["grievance_id"].map(g["kind"])
    scope = access.personal_hamlets
    hidden = ~hamlet.isin(scope) if scope is not None else pd.Series(False, index=steps.index)
    if not access.sees_denouncers:
        hidden |= kind.eq(DENUNCIATION)
    steps = steps.copy()
    for col in ("attended", "note"):
        if col in steps:
            steps[col] = steps[col].astype(object).where(~hidden, None)
    return steps


def _hide_denouncers(g: pd.DataFrame, households: pd.DataFrame, known: np.ndarray) -> pd.DataFrame:
    """Denunciations whose filer ``known`` would reveal lose their household and point; the project
    is kept where it came from the household (its only project)."""
    den = (g["kind"] == DENUNCIATION).to_numpy() & known
    if not den.any():
        return g
    projects = households[["household_id", "project_id"]].dropna().drop_duplicates()
    single = projects.groupby("household_id")["project_id"].agg(lambda p: p.iloc[0] if len(p) == 1 else None)
    inherit = den & g["project_id"].isna().to_numpy()
    if inherit.any():
        g.loc[inherit, "project_id"] = g.loc[inherit, "household_id"].map(single).to_numpy()
    g.loc[den, "household_id"] = None
    for col in ("lon", "lat"):
        if col in g:
            g.loc[den, col] = np.nan
    if "geometry" in g.columns:
        geoms = g["geometry"].copy()
        geoms[den] = None
        g["geometry"] = geoms
    return g


def for_export(ws: Workspace, access: Access, include_personal: bool) -> tuple[Workspace, Disclosure]:
    """The workspace and disclosure of a file ``access`` asks for (``--include-personal`` or not).

    A clerk allowed personal exports gets the workspace unrestricted (and PERSONAL only where asked);
    everyone else gets :func:`restrict`-ed data, so an officer's export names only its households.
    """
    disclosure = access.export_disclosure(include_personal)
    if access.role == "clerk" and disclosure is Disclosure.PERSONAL:
        g = ws.grievances.copy()
        if len(g) and "kind" in g:
            g = _hide_denouncers(g, ws.households, np.ones(len(g), dtype=bool))
        return dataclasses.replace(ws, grievances=g), disclosure
    return restrict(ws, access), disclosure


__all__ = [
    "Access",
    "AccessError",
    "HAMLET_ROLES",
    "ROLES",
    "SETTLING_ROLES",
    "for_export",
    "pseudonym",
    "restrict",
    "role_label",
]
