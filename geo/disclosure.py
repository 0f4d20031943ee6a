"""What personal data a screen or file may show: one value, :class:`Disclosure`.

Every renderer and export takes it (the map, the snapshots, the tables, the
reports); how large the type is, or whether the map fills the window, is a
separate presentation argument. The dashboard's meeting mode is
``Disclosure.PUBLIC`` with large type; exports default to
``Disclosure.INTERNAL``; ``python -m geo ... --include-personal`` asks for
``Disclosure.PERSONAL``. Sign-in roles (a later issue) will set it.
"""

from __future__ import annotations

from enum import Enum


class Disclosure(Enum):
    """How much a screen or file may disclose, least first.

    PUBLIC
        Aggregate figures only, nothing that identifies anyone: no household
        names, ids or amounts, no parcel or grievance case numbers, no
        grievance points (the meeting room, the projector).
    INTERNAL
        Aggregate figures and non-identifying details, free text with names,
        ids and amounts masked (the exports' default). On the map it shows
        what PUBLIC shows.
    PERSONAL
        Everything: household names, ids, per-household amounts, who filed
        a grievance.

    Example
    -------
    >>> Disclosure.PERSONAL.personal, Disclosure.INTERNAL.personal
    (True, False)
    >>> Disclosure.of_flag(include_personal=True)
    <Disclosure.PERSONAL: 'personal'>
    """

    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"

    @property
    def personal(self) -> bool:
        """Whether names, ids and per-household amounts may appear."""
        return self is Disclosure.PERSONAL

    @classmethod
    def of_flag(cls, include_personal: bool) -> Disclosure:
        """The command line's ``--include-personal``: PERSONAL, else INTERNAL."""
        return cls.PERSONAL if include_personal else cls.INTERNAL


__all__ = ["Disclosure"]
