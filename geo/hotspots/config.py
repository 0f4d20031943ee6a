"""The hotspot rules' configuration: every signal, weight and threshold, with its ground.

One dictionary of defaults, :data:`DEFAULTS`, documented here and in
``docs/hotspots.md``; a workspace overrides any part of it in
``workspace.toml``::

    [hotspots]
    watch_score = 1
    risk_score = 10
    hotspot_score = 20
    stalled_days = 60
    series_weeks = 8
    [hotspots.stalled_days_by_stage]
    plan_posted = 45
    [hotspots.kind_weights]
    petition = 0.5
    [hotspots.signals.stalled_households]
    enabled = false
    [hotspots.signals.open_grievances]
    weight = 0.5
    cap = 10
    [hotspots.clusters]
    k = 8
    permutations = 999

Levels
------
``none``
    Forced where the hamlet has no open grievance, no household that
    disagrees (agreement = no) and is not handed over, no household past its
    project's handover deadline and not handed over, and no agitated or
    gathering_risk field report in the 14 days up to the as-of date (the
    contract's fixed point). Otherwise at least ``watch``, whatever the score.
``watch`` / ``risk``
    By score: ``watch_score`` ≤ score < ``risk_score`` is watch,
    ``risk_score`` ≤ score < ``hotspot_score`` is risk.
``hotspot``
    Score ≥ ``hotspot_score``, or forced (the contract's fixed point) by an
    open, overdue grievance with 5 or more signatories, or a gathering_risk
    report in the 14 days up to the as-of date. The fixed points hold
    whatever the configuration says (they use 5 signatories even where
    ``collective_min`` is changed, and hold when a signal is switched off).

Score
-----
The sum over enabled signals of ``weight × min(value, cap)``. A signal's
value is a count (grievances, households, reports) or 0/1 (silent party
cell, Gi* cluster). The cap keeps one plentiful, mild signal (forty
households behind a late project) from outweighing a few grave ones: each
signal can add at most ``weight × cap``. Open and overdue grievances are
counted with ``kind_weights`` × ``topic_weights`` (1 each unless changed).

Grounds for the defaults
------------------------
* Overdue: the settlement period of the grievance's kind in force on its
  received_date (:mod:`geo.legal`: a complaint's first settlement 30 days,
  Law on Complaints 2011 Art. 28, its second 45, Art. 37, more in remote
  areas; a denunciation 30, Law on Denunciations 2018 Art. 30; a petition's
  written answer 30, Land Law 2024 Art. 242(2); a land dispute's mediation
  30, Art. 235), unless ``[grievances.deadline_days]`` names the kind;
  applied by :func:`geo.selection.time_slice`. The contract counts from
  ``received_date``, which is stricter by the up to 10 days the law allows
  for acceptance (Law on Complaints, Art. 27).
* ``collective_min`` = 5: the decree detailing the Law on Complaints
  (Decree 75/2012/NĐ-CP, now Decree 124/2020/NĐ-CP) and the Law on Citizen
  Reception 2013 treat 5 or more people complaining together on one matter
  as a group that names representatives (5 to 10 people name 1 or 2); the
  contract fixes 5 signatories as collective.
* ``stalled_days`` = 60: two monthly reporting periods without any step is
  a stall worth asking about; the procedure's own waiting periods are
  shorter (a compensation plan is posted for public comment for 30 days,
  Land Law 2024, Art. 87(3)). It is not applied to ``handed_over``. No
  stage has its own threshold by default: payment, due 30 days after the
  plan's approval (Land Law 2024, Art. 94(3)), is the ``late_payment``
  signal. Note that the notice of recovery precedes the recovery decision by
  at least 90 days (agricultural land) or 180 days (non-agricultural) (Land
  Law 2024, Art. 85): a household at ``notified`` waits lawfully that long
  for the *decision*, but survey and plan steps happen inside that window,
  so 60 days without the survey is still worth asking about.
* ``report_gap_days`` = 7: party cells report weekly; a cell silent for more
  than a week is itself a signal (only once the workspace has any field
  report on or before the as-of date, so a workspace that does not use
  field reports is not flagged everywhere).
* The 14-day window of field reports is the contract's and the time slice's
  (:data:`geo.selection.REPORT_WINDOW_DAYS`); it is not configurable here.
* ``kind_weights``: complaints, denunciations and land disputes (formal
  procedures that settle a right: a decision, a wrongdoing, a boundary)
  count 1; petitions and feedback (kiến nghị, phản ánh: requests and
  reports, answered in writing but settling no right) 0.5. ``topic_weights`` are all 1:
  the workspace can raise, say, ``compensation_price`` where price disputes
  are what turned into mass complaints before.
* Weights and caps (the most a signal can add is ``weight × cap``). What
  turns into mass complaints weighs most: a collective grievance 10 (at most
  2 counted), an overdue grievance 4 (plus 1 as an open one; at most 5), an
  agitated report 5 (at most 3), a skipped procedure step 3 (at most 3
  households: the commune's plan names skipped steps as what creates
  hotspots), a disagreeing household not handed over 2 (at most 5), a
  household unpaid past the legal period 1.5 (at most 3: money the law says
  is owed), a notice expired without a decision 1 (at most 2); a decision
  before the notice period ran out (Land Law 2024, Art. 85: 90 days for
  agricultural land, 180 for other land) 3, at most 3, like a skipped step,
  but **off by default**: ``agreement`` records agreement with the plan, not
  the consent to earlier recovery that waives the period, and the land type
  of each parcel must be known; switch it on where the data are kept so.
  Early,
  weak signs add little: an open grievance 1 (at most 10), a concerned
  report 1, a silent party cell 1. Delays are the project's business more
  than a sign of unrest and are capped low, so that a large hamlet's
  ordinary backlog does not look like trouble: households past the
  deadline 1 each, at most 2; stalled households 0.25 each, at most 2. A
  hamlet touched by a statistically significant Gi* hot cluster adds 4.
* Thresholds: 1 point makes ``watch`` (anything at all); ``risk`` (10) is
  reached by one collective grievance of any kind (collective 10, plus 1 or
  0.5 as an open one), two overdue
  complaints (2 × (1 + 4)), two agitated reports, or five disagreeing
  households — and never by delays and a few open grievances alone;
  ``hotspot`` (20) by, e.g., two overdue complaints with two agitated
  reports, a collective grievance with two overdue complaints, or four
  overdue complaints.
* Gi* clusters: see :mod:`geo.hotspots.clusters` for the weights (k = 8
  nearest neighbours), permutations (999), FDR level (0.05) and why.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from ..schema import KINDS, STAGES, TOPICS

SIGNAL_NAMES = (
    "open_grievances",
    "overdue_grievances",
    "collective_grievances",
    "disagreeing_households",
    "past_deadline_households",
    "stalled_households",
    "skipped_steps",
    "late_payment",
    "expired_notice",
    "short_notice",
    "agitated_reports",
    "concerned_reports",
    "silent_party_cell",
    "gi_cluster",
)
"""Every signal, in the order their reasons are listed."""

DEFAULTS: dict[str, Any] = {
    "watch_score": 1.0,
    "risk_score": 10.0,
    "hotspot_score": 20.0,
    "collective_min": 5,
    "stalled_days": 60,
    "stalled_days_by_stage": {},
    "report_gap_days": 7,
    "series_weeks": 8,
    "kind_weights": {"complaint": 1.0, "denunciation": 1.0, "petition": 0.5, "feedback": 0.5, "dispute": 1.0},
    "topic_weights": {topic: 1.0 for topic in TOPICS.keys},
    "signals": {
        "open_grievances": {"enabled": True, "weight": 1.0, "cap": 10},
        "overdue_grievances": {"enabled": True, "weight": 4.0, "cap": 5},
        "collective_grievances": {"enabled": True, "weight": 10.0, "cap": 2},
        "disagreeing_households": {"enabled": True, "weight": 2.0, "cap": 5},
        "past_deadline_households": {"enabled": True, "weight": 1.0, "cap": 2},
        "stalled_households": {"enabled": True, "weight": 0.25, "cap": 8},
        "skipped_steps": {"enabled": True, "weight": 3.0, "cap": 3},
        "late_payment": {"enabled": True, "weight": 1.5, "cap": 3},
        "expired_notice": {"enabled": True, "weight": 1.0, "cap": 2},
        "short_notice": {"enabled": False, "weight": 3.0, "cap": 3},
        "agitated_reports": {"enabled": True, "weight": 5.0, "cap": 3},
        "concerned_reports": {"enabled": True, "weight": 1.0, "cap": 3},
        "silent_party_cell": {"enabled": True, "weight": 1.0, "cap": 1},
        "gi_cluster": {"enabled": True, "weight": 4.0, "cap": 1},
    },
    "clusters": {
        "measure": "grievances",
        "weights": "knn",
        "k": 8,
        "band_m": 150.0,
        "permutations": 999,
        "max_permutations": 99_999,
        "alpha": 0.05,
        "alternative": "two-sided",
        "seed": 20250701,
        "snap_m": 25.0,
        "min_parcels": 10,
    },
}
"""The default rule set (see the module docstring for each value's ground)."""

FIXED_COLLECTIVE = 5
"""The contract's fixed point: an open, overdue grievance with 5 or more signatories is a hotspot."""


def hotspot_config(overrides: dict[str, Any] | None = None, *more: dict[str, Any] | None) -> dict[str, Any]:
    """The defaults merged with ``overrides`` (``workspace.toml`` ``[hotspots]``), checked.

    Parameters
    ----------
    overrides : dict, optional
        Any subset of :data:`DEFAULTS`, nested the same way.
    *more : dict, optional
        Further overrides applied in order (e.g. a notebook's on top of the
        workspace's).

    Returns
    -------
    dict
        A new dictionary; :data:`DEFAULTS` is not changed.

    Raises
    ------
    ValueError
        Where a key is unknown or a value has the wrong type, with every
        problem named (Vietnamese, then English).

    Example
    -------
    >>> hotspot_config({"signals": {"stalled_households": {"enabled": False}}})["signals"][
    ...     "stalled_households"]
    {'enabled': False, 'weight': 0.25, 'cap': 8}
    """
    merged = copy.deepcopy(DEFAULTS)
    for extra in (overrides, *more):
        _merge(merged, extra or {})
    problems = check_config(merged)
    if problems:
        raise ValueError("; ".join(problems))
    return merged


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_config(cfg: dict[str, Any]) -> list[str]:
    """Every problem of a merged configuration, in words a clerk can act on.

    Parameters
    ----------
    cfg : dict
        :data:`DEFAULTS` merged with overrides.

    Returns
    -------
    list of str
        Empty where the configuration is usable.

    Example
    -------
    >>> check_config({**DEFAULTS, "risk_score": "cao"})
    ['[hotspots] risk_score phải là một số / must be a number']
    """
    out: list[str] = []
    for key in cfg:
        if key not in DEFAULTS:
            out.append(f"[hotspots] không có khóa “{key}” / unknown key “{key}”")
    for key in (
        "watch_score",
        "risk_score",
        "hotspot_score",
        "collective_min",
        "stalled_days",
        "report_gap_days",
        "series_weeks",
    ):
        if not _number(cfg.get(key)) or cfg[key] < 0:
            out.append(f"[hotspots] {key} phải là một số / must be a number")
    if not out and not cfg["watch_score"] <= cfg["risk_score"] <= cfg["hotspot_score"]:
        out.append(
            "[hotspots] cần watch_score ≤ risk_score ≤ hotspot_score / need watch_score ≤ risk_score ≤ hotspot_score"
        )
    for table, keys in (
        ("kind_weights", KINDS.keys),
        ("topic_weights", TOPICS.keys),
        ("stalled_days_by_stage", STAGES.keys),
    ):
        value = cfg.get(table)
        if not isinstance(value, dict):
            out.append(f"[hotspots.{table}] phải là một bảng / must be a table")
            continue
        for key, number in value.items():
            if key not in keys:
                out.append(f"[hotspots.{table}] không có “{key}”; dùng: {', '.join(keys)} / unknown “{key}”")
            elif not _number(number) or number < 0:
                out.append(f"[hotspots.{table}] {key} phải là số không âm / must be a non-negative number")
    signals = cfg.get("signals")
    if not isinstance(signals, dict):
        out.append("[hotspots.signals] phải là một bảng / must be a table")
        signals = {}
    for name, spec in signals.items():
        if name not in SIGNAL_NAMES:
            out.append(
                f"[hotspots.signals] không có tín hiệu “{name}”; có: {', '.join(SIGNAL_NAMES)} / "
                f"unknown signal “{name}”"
            )
            continue
        if not isinstance(spec, dict):
            out.append(f"[hotspots.signals.{name}] phải là một bảng / must be a table")
            continue
        for key, value in spec.items():
            if key == "enabled":
                if not isinstance(value, bool):
                    out.append(f"[hotspots.signals.{name}] enabled phải là true/false / must be true or false")
            elif key in ("weight", "cap"):
                if not _number(value) or value < 0:
                    out.append(f"[hotspots.signals.{name}] {key} phải là số không âm / must be a non-negative number")
            else:
                out.append(
                    f"[hotspots.signals.{name}] không có khóa “{key}” (enabled, weight, cap) / unknown key “{key}”"
                )
    cl = cfg.get("clusters")
    if not isinstance(cl, dict):
        return out + ["[hotspots.clusters] phải là một bảng / must be a table"]
    for key in cl:
        if key not in DEFAULTS["clusters"]:
            out.append(f"[hotspots.clusters] không có khóa “{key}” / unknown key “{key}”")
    choices = {
        "measure": ("grievances", "signatories"),
        "weights": ("knn", "distance"),
        "alternative": ("two-sided", "directed"),
    }
    for key, allowed in choices.items():
        if cl.get(key) not in allowed:
            out.append(f"[hotspots.clusters] {key} phải là {' hoặc '.join(allowed)} / must be {' or '.join(allowed)}")
    for key in ("k", "permutations", "max_permutations", "seed", "min_parcels"):
        if not isinstance(cl.get(key), int) or isinstance(cl.get(key), bool) or cl[key] < 1:
            out.append(f"[hotspots.clusters] {key} phải là số nguyên dương / must be a positive whole number")
    for key in ("band_m", "snap_m"):
        if not _number(cl.get(key)) or cl[key] < 0:
            out.append(f"[hotspots.clusters] {key} phải là số mét không âm / must be metres (≥ 0)")
    if not _number(cl.get("alpha")) or not 0 < cl["alpha"] < 1:
        out.append("[hotspots.clusters] alpha phải trong khoảng (0, 1) / must be between 0 and 1")
    return out


def signal_on(cfg: dict[str, Any], name: str) -> bool:
    """Whether signal ``name`` is enabled in ``cfg``."""
    return bool(cfg["signals"].get(name, {}).get("enabled", True))
