"""geo.vocabulary: one wording, colour and order per level, agreement and grievance state."""

from __future__ import annotations

from geo import schema, vocabulary
from geo.hotspots import LEVEL_LABELS, LEVELS


def test_the_hotspot_package_shows_the_vocabularys_levels():
    assert LEVELS == vocabulary.LEVEL_ORDER == ("none", "watch", "risk", "hotspot")
    assert LEVEL_LABELS is vocabulary.LEVEL_LABELS


def test_every_level_has_a_colour_and_a_rank_mildest_first():
    assert set(vocabulary.LEVEL_COLOURS) == set(vocabulary.LEVEL_ORDER)
    assert [vocabulary.LEVEL_RANK[lvl] for lvl in vocabulary.LEVEL_ORDER] == [0, 1, 2, 3]


def test_agreement_labels_follow_the_schemas_keys():
    assert tuple(vocabulary.AGREEMENT_LABELS) == schema.AGREEMENT.keys


def test_an_open_grievance_has_one_wording_apart_from_the_in_progress_status():
    assert vocabulary.GRIEVANCE_STATES.label("open") == "Chưa giải quyết xong"
    assert vocabulary.GRIEVANCE_STATES.label("open") != schema.STATUSES.label("in_progress")
