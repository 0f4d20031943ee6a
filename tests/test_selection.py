"""``Selection.make``: dates typed by a user, ISO or day-first, and why one is refused."""

from __future__ import annotations

from datetime import date

import pytest

from geo.selection import Selection


def test_a_day_first_date_is_read_day_first():
    assert Selection.make(as_of="03/04/2026").as_of == date(2026, 4, 3)


def test_a_date_that_does_not_exist_is_refused_naming_it():
    with pytest.raises(ValueError, match="there is no 29 February 2025"):
        Selection.make(as_of="29/02/2025")
