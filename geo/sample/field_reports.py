"""Weekly field reports of each hamlet's mood, with the story's hamlets turning."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from ..schema import MOODS
from .hamlets import _HamletTable

_NOTES = {
    "stable": [
        "Tình hình ổn định; nhân dân đồng tình với chủ trương thu hồi đất.",
        "Không phát sinh vụ việc phức tạp; các hộ phối hợp kiểm đếm.",
        "Nhân dân phấn khởi, tích cực tham gia sinh hoạt thôn.",
        "Tình hình an ninh trật tự ổn định, sản xuất bình thường.",
    ],
    "concerned": [
        "Một số hộ băn khoăn về đơn giá bồi thường đất nông nghiệp.",
        "Một số hộ hỏi về thời gian chi trả và hỗ trợ chuyển đổi nghề.",
        "Có ý kiến băn khoăn về vị trí khu tái định cư.",
    ],
}
_STORY_NOTES = {
    "price": {
        "concerned": "Nhiều hộ so sánh giá bồi thường Cụm công nghiệp và đường ĐT.242 với giá thị trường, băn khoăn.",
        "agitated": "Các hộ bức xúc về đơn giá bồi thường đất lúa của Cụm công nghiệp; đơn tập thể chưa được trả lời.",
        "gathering_risk": (
            "Có thông tin một nhóm hộ dự kiến kéo đến trụ sở xã phản đối giá bồi thường; "
            "chi bộ đã nắm tình hình, đề nghị tổ chức đối thoại sớm."
        ),
    },
    "landtype": {
        "concerned": "Một số hộ ven đường ĐT.242 chưa đồng ý việc xác định đất vườn là đất nông nghiệp.",
        "agitated": "Nhiều hộ bức xúc về việc xác định loại đất khi kiểm đếm dự án ĐT.242; đề nghị đo đạc lại.",
    },
}


def _field_reports(table: _HamletTable, as_of: date, rng: np.random.Generator) -> pd.DataFrame:
    """Twelve weekly mood reports per hamlet, ending on or just before ``as_of``."""
    recs = []
    mood_lbl = MOODS.labels
    role = {table.price: "price", table.landtype: "landtype"}
    for j, h in enumerate(table.records):
        off = (j * 5) % 3  # Friday, Thursday or Wednesday
        story = role.get(h.hamlet_id, "")
        for k in range(12):
            if h.hamlet_id == table.silent and k >= 9:
                continue
            d = as_of - timedelta(days=7 * (11 - k) + off)
            if story == "price":
                mood = "stable" if k < 5 else "concerned" if k < 8 else "agitated" if k < 10 else "gathering_risk"
            elif story == "landtype":
                mood = "stable" if k < 7 else "concerned" if k < 9 else "agitated"
            else:
                mood = "concerned" if rng.random() < 0.12 else "stable"
                if h.hamlet_id in table.calm and k >= 10:
                    mood = "stable"
            notes = _STORY_NOTES.get(story, {})
            note = notes.get(mood) or _NOTES[mood][int(rng.integers(0, len(_NOTES[mood])))]
            reporter = h.reporter
            recs.append((d.isoformat(), h.hamlet_id, reporter, mood_lbl[mood], note))
    return pd.DataFrame(recs, columns=["report_date", "hamlet_id", "reporter", "mood", "note"])
