"""geo.vocabulary: one wording, colour and order per level, agreement and grievance state."""

from __future__ import annotations

import pandas as pd

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


def test_reasons_are_joined_with_a_semicolon_keeping_each_reasons_own_details():
    reasons = ["2 đơn khiếu nại quá hạn giải quyết (giá; diện tích)", "chi bộ 8 ngày chưa báo cáo tình hình"]
    assert vocabulary.join_reasons(reasons) == (
        "2 đơn khiếu nại quá hạn giải quyết (giá; diện tích); chi bộ 8 ngày chưa báo cáo tình hình"
    )


def test_no_reasons_join_to_an_empty_text():
    assert vocabulary.join_reasons([]) == vocabulary.join_reasons(None) == vocabulary.join_reasons(float("nan")) == ""


def test_a_single_text_of_reasons_is_one_reason_never_split_at_its_separator():
    assert vocabulary.reason_items("1 đơn (giá; diện tích); 2 hộ") == ["1 đơn (giá; diện tích); 2 hộ"]


def test_a_frames_reasons_are_joined_one_cell_per_row_and_the_rest_kept():
    frame = pd.DataFrame({"hamlet_id": ["A", "B"], "hotspot_reasons": [["x", "y"], []]})
    shown = vocabulary.with_joined_reasons(frame)
    assert shown["hotspot_reasons"].tolist() == ["x; y", ""]
    assert shown["hamlet_id"].tolist() == ["A", "B"]
    assert frame["hotspot_reasons"].tolist() == [["x", "y"], []]


def test_the_level_orders_are_one_order_read_both_ways():
    assert vocabulary.LEVELS_WORST_FIRST == ("hotspot", "risk", "watch", "none")
    assert vocabulary.ALERT_LEVELS == ("hotspot", "risk", "watch")
    assert vocabulary.RISK_LEVELS == ("risk", "hotspot")


def test_the_open_grievances_signal_uses_the_grievance_states_wording():
    from geo.hotspots import SIGNAL_LABELS

    assert SIGNAL_LABELS["open_grievances"] == "Đơn thư chưa giải quyết xong"
