"""The hotspot rules' configuration: every signal, weight and threshold, with its ground.

One dictionary of defaults, :data:`DEFAULTS`, documented here; a workspace
overrides any of it in ``workspace.toml``::

    [hotspots]
    watch_score = 1
    risk_score = 6
    hotspot_score = 12
    stalled_days = 60
    [hotspots.signals.stalled]
    enabled = false
    [hotspots.signals.open_grievances]
    weight = 0.5

Levels
------
``none``
    Forced where the hamlet has no open grievance, no household that
    disagrees (agreement = no) and is not handed over, no household past its
    project's handover deadline and not handed over, and no agitated or
    gathering_risk field report in the 14 days up to the as-of date (the
    contract's fixed point). Otherwise at least ``watch``.
``watch`` / ``risk``
    By score: the weighted sum of the signals below, ``watch_score`` ≤ score
    < ``risk_score`` is watch, ``risk_score`` ≤ score < ``hotspot_score`` is
    risk.
``hotspot``
    Score ≥ ``hotspot_score``, or forced (the contract's fixed point) by an
    open, overdue grievance with ``collective_min`` (5) or more signatories,
    or a gathering_risk report in the last 14 days.

Grounds for the defaults
------------------------
* ``deadline_days`` of a grievance (in ``[grievances.deadline_days]``, 30):
  Law on Complaints 2011, Art. 28 (30 days from acceptance, 45 for
  complicated cases; 45 and 60 days in remote, difficult areas) and Law on
  Denunciations 2018, Art. 30 (30 days).
* ``collective_min`` = 5: where five or more people complain together on
  one matter they must name representatives (Decree 124/2020/NĐ-CP, Art. 7,
  detailing the Law on Complaints; the Law on Citizen Reception 2013 treats
  such groups as "đông người"); the contract fixes 5 as collective.
* ``stalled_days`` = 60: two monthly reporting periods without any step is
  a stall worth asking about; the procedure's own statutory steps (posting
  a plan for 30 days, Land Law 2024 Art. 87) are shorter than that.
* ``report_gap_days`` = 7: party cells report weekly; a cell silent for more
  than a week is itself a signal.
* ``report_window_days`` = 14: the contract's "14 days up to the as-of date".
* weights: overdue (3) and collective (4) grievances weigh most because they
  are what turns into mass complaints; a disagreeing household not handed
  over (2) and a skipped procedure step (2) next, since the commune's plan
  names skipped steps as what creates hotspots; open grievances (1),
  households past the deadline (1), stalled households (0.5) and a silent
  party cell (1) are early, weak signs. An agitated report adds 4, a
  concerned one 1. A hamlet touched by a statistically significant Gi*
  hot cluster adds 2.
"""

from __future__ import annotations

import copy
from typing import Any

DEFAULTS: dict[str, Any] = {
    "watch_score": 1.0,
    "risk_score": 6.0,
    "hotspot_score": 12.0,
    "collective_min": 5,
    "stalled_days": 60,
    "report_gap_days": 7,
    "report_window_days": 14,
    "signals": {
        "open_grievances": {"enabled": True, "weight": 1.0},
        "overdue_grievances": {"enabled": True, "weight": 3.0},
        "collective_grievances": {"enabled": True, "weight": 4.0},
        "disagreeing_households": {"enabled": True, "weight": 2.0},
        "past_deadline_households": {"enabled": True, "weight": 1.0},
        "stalled_households": {"enabled": True, "weight": 0.5},
        "skipped_steps": {"enabled": True, "weight": 2.0},
        "agitated_reports": {"enabled": True, "weight": 4.0},
        "concerned_reports": {"enabled": True, "weight": 1.0},
        "silent_party_cell": {"enabled": True, "weight": 1.0},
        "gi_cluster": {"enabled": True, "weight": 2.0},
    },
}
"""The default rule set (see the module docstring for each value's ground)."""


def hotspot_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The defaults merged with ``overrides`` (``workspace.toml`` ``[hotspots]``).

    Parameters
    ----------
    overrides : dict, optional
        Any subset of :data:`DEFAULTS`, nested the same way.

    Returns
    -------
    dict
        A new dictionary; :data:`DEFAULTS` is not changed.

    Example
    -------
    >>> hotspot_config({"signals": {"stalled_households": {"enabled": False}}})["signals"][
    ...     "stalled_households"]
    {'enabled': False, 'weight': 0.5}
    """
    merged = copy.deepcopy(DEFAULTS)
    _merge(merged, overrides or {})
    return merged


def _merge(base: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
