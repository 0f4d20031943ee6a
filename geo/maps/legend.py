"""The legend: the map's Vietnamese key (stages or hamlet progress, hotspot levels, grievances, projects,
Gi* clusters) as HTML for :class:`~geo.maps.elements.Legend`, with a note of what the map leaves out.
"""

from __future__ import annotations

from ..disclosure import Disclosure
from ..formatting import fmt_number
from ..hotspots.scope import HAMLET_WIDE_LABEL
from ..schema import STAGES
from ..vocabulary import GRIEVANCE_STATES, LEVEL_COLOURS, LEVELS_WORST_FIRST
from .elements import esc
from .layers import GRIEVANCE_COLOURS, LEVEL_NAMES, STAGE_COLOURS, MapInfo


def _legend_html(
    counts: dict[str, int],
    level_counts: dict[str, int],
    info: MapInfo,
    n_grievances: int,
    projects: bool,
    n_clusters: int,
    disclosure: Disclosure,
    title: str | None,
    n_grievance_hamlets: int = 0,
) -> str:
    """The legend's HTML: what each colour means here, and what the map leaves out (``info.mode``, ``disclosure``)."""
    parts = []
    if title:
        parts.append(f"<h4>{esc(title)}</h4>")
    if info.mode == "hamlets":
        parts.append("<h5>Tỷ lệ hộ đã bàn giao theo thôn</h5>")
        for i, key in enumerate(STAGES.keys):
            lo, hi = i * 100 / 8, (i + 1) * 100 / 8
            parts.append(
                f'<div><span class="sw" style="background:{STAGE_COLOURS[key]}"></span>'
                f"{fmt_number(lo)}–{fmt_number(hi)}%</div>"
            )
    else:
        parts.append("<h5>Thửa đất theo bước thực hiện</h5>")
        for key in STAGES.keys:
            n = counts.get(key, 0)
            parts.append(
                f'<div><span class="sw" style="background:{STAGE_COLOURS[key]}"></span>'
                f"{STAGES.label(key)} <b>({n} hộ)</b></div>"
            )
        parts.append(
            '<div><span class="sw" style="background:#bdbdbd;opacity:.5"></span>Không bị thu hồi / ngoài lựa chọn</div>'
        )
    parts.append("<h5>Thôn – mức cảnh báo</h5>")
    swatch = {
        "none": 'class="sw" style="background:transparent;border:2px solid #555555"',
        "watch": f'class="sw" style="background:{LEVEL_COLOURS["watch"]}80;border:2px solid {LEVEL_COLOURS["watch"]}"',
        "risk": 'class="sw hatch-risk"',
        "hotspot": 'class="sw hatch-hotspot"',
    }
    for lvl in LEVELS_WORST_FIRST:
        parts.append(f"<div><span {swatch[lvl]}></span>{LEVEL_NAMES[lvl]} ({int(level_counts.get(lvl, 0))} thôn)</div>")
    n_wide = int(level_counts.get("hamlet_wide", 0))
    if n_wide:  # the dashed outline of _hamlet_layer: an alert of the whole hamlet, not the project's hotspot
        parts.append(
            '<div><span class="sw" style="background:transparent;border:2px dashed #555555"></span>'
            f"Cảnh báo {HAMLET_WIDE_LABEL}, ngoài dự án ({n_wide} thôn)</div>"
        )
    if n_grievance_hamlets:
        parts.append("<h5>Đơn thư theo thôn</h5>")
        parts.append('<div>Dưới tên thôn: <b style="color:#b2182b">số đơn chưa giải quyết · quá hạn</b></div>')
    if n_grievances:
        parts.append("<h5>Đơn thư</h5>")
        for key, label in (
            ("overdue", GRIEVANCE_STATES.label("overdue")),
            ("open", GRIEVANCE_STATES.label("open")),
            ("closed", GRIEVANCE_STATES.label("closed")),
        ):
            parts.append(f'<div><span class="dot" style="background:{GRIEVANCE_COLOURS[key]}"></span>{label}</div>')
        parts.append('<div class="note">Vòng càng lớn càng nhiều người ký.</div>')
    if projects:
        parts.append('<div style="margin-top:6px"><span class="line"></span>Ranh giới dự án</div>')
    if n_clusters:
        parts.append(
            '<div><span class="sw" style="background:#c2a5cf;border:2px dashed #7b3294"></span>'
            "Cụm đơn thư tập trung (Gi*)</div>"
        )
    if info.mode == "hamlets":
        parts.append(
            f'<div class="note">Vùng chọn có {fmt_number(info.parcels_in_selection)} thửa: hiển thị '
            "theo thôn. Chọn thôn để xem từng thửa.</div>"
        )
    elif info.mode == "affected":
        parts.append('<div class="note">Vùng chọn lớn: chỉ hiển thị các thửa bị thu hồi.</div>')
    if disclosure is Disclosure.PUBLIC:
        parts.append('<div class="note">Chế độ họp: không hiển thị thông tin cá nhân, số thửa, số đơn.</div>')
    elif not disclosure.personal:
        parts.append('<div class="note">Không hiển thị thông tin cá nhân, số thửa, số đơn.</div>')
    return "".join(parts)
