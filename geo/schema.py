"""Canonical layers, columns, aliases and enumerations of a workspace.

This module is the data contract (``docs/data-contract.md``) written as code:
which layers exist, which columns each has, what they may be called in a
clerk's file, and which values the enumerations (stages, grievance kinds,
statuses, moods …) take, with their Vietnamese labels.

Names and values are compared through :func:`normalize_name`, which ignores
case, Vietnamese diacritics (``đ``/``Đ`` included, which Unicode decomposition
alone does not strip), spaces, underscores and hyphens.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["str", "int", "float", "date", "enum", "point"]


def strip_diacritics(text: str) -> str:
    """``text`` without Vietnamese diacritics: marks dropped, ``đ``/``Đ`` read as ``d``/``D``.

    The one diacritic folder of the package (:func:`normalize_name`, the CRS
    names, the exports' personal-data masking and file names build on it).
    Case, spaces and punctuation are kept; Unicode decomposition alone would
    leave ``đ`` as it is.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Example
    -------
    >>> strip_diacritics("Thôn Đồng Tâm, Hoà")
    'Thon Dong Tam, Hoa'
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def normalize_name(text: object) -> str:
    """Fold a column name or enumeration value to its comparison key.

    Parameters
    ----------
    text : object
        Anything; converted with ``str``.

    Returns
    -------
    str
        Lower case, without diacritics (``đ`` → ``d``), spaces, underscores,
        hyphens or dots.

    Example
    -------
    >>> normalize_name("Đồng thuận")
    'dongthuan'
    >>> normalize_name("MA_THON")
    'mathon'
    """
    s = strip_diacritics(str(text).strip())
    for ch in (" ", "_", "-", ".", "\u00a0", "\t"):
        s = s.replace(ch, "")
    return s.lower()


@dataclass(frozen=True)
class Enum:
    """An enumeration: canonical keys in order, Vietnamese labels, aliases."""

    name: str
    keys: tuple[str, ...]
    labels: dict[str, str]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    legacy: dict[str, str] = field(default_factory=dict)
    """Keys still read but no longer current, each with the reason (the reader warns about them)."""

    def lookup(self) -> dict[str, str]:
        """Map every normalised spelling (key, label, alias) to its key."""
        table: dict[str, str] = {}
        for key in self.keys:
            for spelling in (key, self.labels.get(key, key), *self.aliases.get(key, ())):
                table[normalize_name(spelling)] = key
        return table

    def exact(self) -> set[str]:
        """The spellings that are accepted without a warning."""
        out: set[str] = set()
        for key in self.keys:
            out.add(key)
            out.add(self.labels.get(key, key))
            out.update(self.aliases.get(key, ()))
        return out

    def label(self, key: str) -> str:
        """The Vietnamese label of ``key``."""
        return self.labels.get(key, key)


STAGES = Enum(
    "stage",
    (
        "notified",
        "surveyed",
        "plan_drafted",
        "plan_posted",
        "plan_approved",
        "recovery_decided",
        "paid",
        "handed_over",
    ),
    {
        "notified": "Thông báo thu hồi đất",
        "surveyed": "Điều tra, kiểm đếm",
        "plan_drafted": "Lập phương án",
        "plan_posted": "Công khai phương án",
        "plan_approved": "Phê duyệt phương án",
        "recovery_decided": "Quyết định thu hồi đất",
        "paid": "Chi trả tiền",
        "handed_over": "Bàn giao mặt bằng",
    },
    {
        "notified": ("thông báo", "thong bao thu hoi"),
        "surveyed": ("kiểm đếm", "điều tra kiểm đếm"),
        "plan_drafted": ("lập PA", "dự thảo phương án"),
        "plan_posted": ("niêm yết phương án", "công khai"),
        "plan_approved": ("phê duyệt", "phê duyệt PA"),
        "recovery_decided": ("quyết định thu hồi", "QĐ thu hồi"),
        "paid": ("đã chi trả", "chi trả", "đã nhận tiền"),
        "handed_over": ("bàn giao", "đã bàn giao", "handover"),
    },
)
STAGE_ORDER = {key: i for i, key in enumerate(STAGES.keys)}

KINDS = Enum(
    "kind",
    ("complaint", "denunciation", "petition", "feedback", "dispute"),
    {
        "complaint": "Khiếu nại",
        "denunciation": "Tố cáo",
        "petition": "Kiến nghị",
        "feedback": "Phản ánh",
        "dispute": "Tranh chấp đất đai",
    },
    {
        "complaint": ("đơn khiếu nại",),
        "denunciation": ("đơn tố cáo",),
        "petition": ("đơn kiến nghị",),
        "feedback": ("đơn phản ánh",),
        "dispute": ("tranh chấp", "đơn tranh chấp", "đơn tranh chấp đất đai", "land dispute"),
    },
)
"""Grievance kinds as the law sorts them: a land dispute (Land Law 2024 Art. 235) is mediated at the
commune (status ``mediation``); a complaint is settled a first and a second time."""

SETTLEMENT_ROUNDS = Enum(
    "settlement_round",
    ("first", "second"),
    {"first": "Lần đầu", "second": "Lần hai"},
    {"first": ("1", "lần 1", "giải quyết lần đầu"), "second": ("2", "lần 2", "giải quyết lần hai")},
)
"""The settlement of a complaint: first (Law on Complaints 2011, Art. 28) or second (Art. 37)."""

TOPICS = Enum(
    "topic",
    ("compensation_price", "area", "land_type", "resettlement", "support", "procedure", "other"),
    {
        "compensation_price": "Giá bồi thường",
        "area": "Diện tích",
        "land_type": "Loại đất",
        "resettlement": "Tái định cư",
        "support": "Hỗ trợ",
        "procedure": "Thủ tục",
        "other": "Khác",
    },
    {"compensation_price": ("giá", "đơn giá bồi thường"), "procedure": ("trình tự thủ tục",)},
)

STATUSES = Enum(
    "status",
    ("received", "in_progress", "dialogue", "mediation", "resolved", "escalated", "withdrawn"),
    {
        "received": "Mới nhận",
        "in_progress": "Đang giải quyết",
        "dialogue": "Đối thoại",
        "mediation": "Hòa giải",  # of a land dispute at the commune (Land Law 2024 Art. 235)
        "resolved": "Đã giải quyết",
        "escalated": "Chuyển cấp trên",
        "withdrawn": "Rút đơn",
    },
    {
        "mediation": ("hoà giải",),
        "resolved": ("giải quyết xong", "đã xong"),
        "withdrawn": ("đã rút đơn", "đã rút"),
        "received": ("tiếp nhận", "mới"),
    },
)
CLOSED_STATUSES = frozenset({"resolved", "withdrawn"})

MOODS = Enum(
    "mood",
    ("stable", "concerned", "agitated", "gathering_risk"),
    {
        "stable": "Ổn định",
        "concerned": "Có băn khoăn",
        "agitated": "Bức xúc",
        "gathering_risk": "Nguy cơ tụ tập đông người",
    },
    {"concerned": ("băn khoăn",), "gathering_risk": ("nguy cơ tụ tập", "tụ tập đông người")},
)

AGREEMENT = Enum(
    "agreement",
    ("yes", "no", "unknown"),
    {"yes": "Có", "no": "Không", "unknown": "Chưa rõ"},
    {
        "yes": ("đồng ý", "đồng thuận", "true", "1", "x", "y"),
        "no": ("không đồng ý", "không đồng thuận", "false", "0", "n"),
        "unknown": ("chưa", "không rõ", "?"),
    },
)

YES_NO = Enum(
    "yes_no",
    ("yes", "no"),
    {"yes": "Có", "no": "Không"},
    {"yes": ("true", "1", "x", "y"), "no": ("false", "0", "n")},
)

LEVELS = Enum(
    "level",
    ("tinh", "xa", "huyen"),
    {"tinh": "Cấp tỉnh", "xa": "Cấp xã", "huyen": "Cấp huyện (cũ)"},
    {"tinh": ("tỉnh", "province"), "xa": ("xã", "commune"), "huyen": ("huyện", "district")},
    legacy={
        "huyen": "cấp huyện không còn từ 01/7/2025 (hai cấp chính quyền địa phương: tỉnh, xã) / "
        "districts were abolished on 1 July 2025 (two local levels: province, commune)"
    },
)
"""Project levels: since 1 July 2025 province and commune; ``huyen`` is read as a legacy level."""

LAND_USE_LEGACY: dict[str, str] = {"BHK": "HNK", "NHK": "HNK"}
"""Land-use codes replaced by Circular 08/2024/TT-BTNMT: annual crops on flat land (BHK) and on
upland slopes (NHK) are one category, HNK (đất trồng cây hằng năm khác). Old data is read with the
new code and a warning."""


@dataclass(frozen=True)
class Column:
    """One canonical column of a layer."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    type: ColumnType = "str"
    enum: Enum | None = None
    label: str = ""  # Vietnamese header for exports
    legacy_values: tuple[tuple[str, str], ...] = ()  # (old code, current code), read with a warning
    legacy_source: str = ""  # what replaced the old codes, for the warning


@dataclass(frozen=True)
class Layer:
    """One layer of a workspace: its stem, geometry kind and columns."""

    name: str
    columns: tuple[Column, ...]
    geometry: Literal["polygon", "optional_polygon", "none"] = "none"
    required: bool = False
    label: str = ""

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


HAMLETS = Layer(
    "hamlets",
    (
        Column("hamlet_id", ("ma_thon",), True, label="Mã thôn"),
        Column("hamlet_name", ("ten_thon", "thon"), True, label="Tên thôn"),
        Column("officer", ("can_bo_theo_doi", "can_bo"), label="Cán bộ theo dõi"),
        Column("party_cell", ("chi_bo",), label="Chi bộ"),
    ),
    geometry="polygon",
    required=True,
    label="Thôn",
)

PARCELS = Layer(
    "parcels",
    (
        Column("map_sheet", ("so_to", "to_ban_do", "to", "so_to_ban_do"), True, label="Số tờ"),
        Column("parcel_no", ("so_thua", "thua", "so_thua_dat"), True, label="Số thửa"),
        Column("commune_code", ("ma_xa",), label="Mã xã"),
        Column("parcel_id", ("ma_thua",), label="Mã thửa"),
        Column(
            "land_use",
            ("loai_dat", "ma_loai_dat", "mdsd"),
            label="Loại đất",
            legacy_values=tuple(LAND_USE_LEGACY.items()),
            legacy_source="Thông tư 08/2024/TT-BTNMT",
        ),
        Column("area_m2", ("dien_tich",), type="float", label="Diện tích (m²)"),
        Column("hamlet_id", ("ma_thon",), label="Mã thôn"),
    ),
    geometry="polygon",
    required=True,
    label="Thửa đất",
)

PROJECTS = Layer(
    "projects",
    (
        Column("project_id", ("ma_du_an", "ma_da"), True, label="Mã dự án"),
        Column("project_name", ("ten_du_an", "ten_da"), True, label="Tên dự án"),
        Column("handover_deadline", ("han_ban_giao",), type="date", label="Hạn bàn giao"),
        Column("level", ("cap",), type="enum", enum=LEVELS, label="Cấp"),
    ),
    geometry="optional_polygon",
    label="Dự án",
)

HOUSEHOLDS = Layer(
    "households",
    (
        Column("household_id", ("ma_ho",), True, label="Mã hộ"),
        Column(
            "household_name",
            ("chu_ho", "chu_su_dung", "ten_chu_ho", "ho_ten", "ho_va_ten", "ho_va_ten_chu_ho", "ho_ten_chu_ho"),
            label="Chủ hộ",
        ),
        Column("project_id", ("ma_du_an", "ma_da"), True, label="Mã dự án"),
        Column("parcel_id", ("ma_thua",), label="Mã thửa"),
        Column("map_sheet", ("so_to", "to_ban_do", "to"), label="Số tờ"),
        Column("parcel_no", ("so_thua", "thua"), label="Số thửa"),
        Column("commune_code", ("ma_xa",), label="Mã xã"),
        Column("acquired_area_m2", ("dien_tich_thu_hoi",), type="float", label="Diện tích thu hồi (m²)"),
        Column("stage", ("buoc", "trang_thai"), True, type="enum", enum=STAGES, label="Bước"),
        Column("stage_date", ("ngay_cap_nhat",), type="date", label="Ngày cập nhật"),
        Column(
            "compensation_vnd",
            ("so_tien_boi_thuong", "tien_boi_thuong", "so_tien"),
            type="float",
            label="Tiền bồi thường (đồng)",
        ),
        Column("resettlement", ("tai_dinh_cu",), type="enum", enum=YES_NO, label="Tái định cư"),
        Column("agreement", ("dong_thuan",), type="enum", enum=AGREEMENT, label="Đồng thuận"),
        Column("round", ("dot",), label="Đợt"),
    ),
    label="Hộ có đất bị thu hồi",
)

STAGE_HISTORY = Layer(
    "stage_history",
    (
        Column("household_id", ("ma_ho",), True, label="Mã hộ"),
        Column("project_id", ("ma_du_an", "ma_da"), True, label="Mã dự án"),
        Column("stage", ("buoc", "trang_thai"), True, type="enum", enum=STAGES, label="Bước"),
        Column("date", ("ngay", "ngay_cap_nhat"), True, type="date", label="Ngày"),
    ),
    label="Lịch sử các bước",
)

GRIEVANCES = Layer(
    "grievances",
    (
        Column("grievance_id", ("so_don", "ma_don"), True, label="Số đơn"),
        Column("received_date", ("ngay_nhan",), True, type="date", label="Ngày nhận"),
        Column("kind", ("loai_don",), type="enum", enum=KINDS, label="Loại đơn"),
        Column("topic", ("noi_dung", "van_de"), type="enum", enum=TOPICS, label="Nội dung"),
        Column("signatories", ("so_nguoi", "so_nguoi_ky"), type="int", label="Số người ký"),
        Column("status", ("trang_thai",), type="enum", enum=STATUSES, label="Trạng thái"),
        Column("resolved_date", ("ngay_giai_quyet",), type="date", label="Ngày giải quyết"),
        Column("accepted_date", ("ngay_thu_ly", "thu_ly"), type="date", label="Ngày thụ lý"),
        Column(
            "settlement_round",
            ("lan_giai_quyet", "giai_quyet_lan"),
            type="enum",
            enum=SETTLEMENT_ROUNDS,
            label="Lần giải quyết",
        ),
        Column("household_id", ("ma_ho",), label="Mã hộ"),
        Column("hamlet_id", ("ma_thon",), label="Mã thôn"),
        Column("project_id", ("ma_du_an", "ma_da"), label="Mã dự án"),
        Column("lon", ("kinh_do",), type="float", label="Kinh độ"),
        Column("lat", ("vi_do",), type="float", label="Vĩ độ"),
    ),
    label="Đơn thư",
)

FIELD_REPORTS = Layer(
    "field_reports",
    (
        Column("report_date", ("ngay_bao_cao", "ngay"), True, type="date", label="Ngày báo cáo"),
        Column("hamlet_id", ("ma_thon",), True, label="Mã thôn"),
        Column("reporter", ("nguoi_bao_cao",), label="Người báo cáo"),
        Column("mood", ("tinh_hinh",), True, type="enum", enum=MOODS, label="Tình hình"),
        Column("note", ("noi_dung", "ghi_chu"), label="Nội dung"),
    ),
    label="Báo cáo tình hình Nhân dân",
)

GRIEVANCE_STEPS_ENUM = Enum(
    "grievance_step",
    (
        "received",
        "accepted",
        "dialogue",
        "mediation",
        "settled_first",
        "settled_second",
        "escalated",
        "withdrawn",
    ),
    {
        "received": "Tiếp nhận đơn",
        "accepted": "Thụ lý",
        "dialogue": "Đối thoại",
        "mediation": "Hòa giải",
        "settled_first": "Giải quyết lần đầu",
        "settled_second": "Giải quyết lần hai",
        "escalated": "Chuyển cấp trên",
        "withdrawn": "Rút đơn",
    },
    {
        "received": ("tiếp nhận", "nhận đơn"),
        "accepted": ("thụ lý đơn",),
        "dialogue": ("tổ chức đối thoại",),
        "mediation": ("hoà giải",),
        "settled_first": ("giải quyết lần 1",),
        "settled_second": ("giải quyết lần 2",),
        "withdrawn": ("đã rút đơn",),
    },
)
"""The steps of a grievance's handling (optional layer ``grievance_steps``; see ``docs/forms.md``).

``received`` is the reception itself: its ``attended`` holds the representatives of a collective letter
and its ``note`` the letter's short summary (the grievances layer of the contract has no column for them)."""

GRIEVANCE_STEPS = Layer(
    "grievance_steps",
    (
        Column("grievance_id", ("ma_don", "so_don"), True, label="Số đơn"),
        Column("step", ("buoc",), True, type="enum", enum=GRIEVANCE_STEPS_ENUM, label="Bước"),
        Column("date", ("ngay",), True, type="date", label="Ngày"),
        Column("attended", ("thanh_phan", "nguoi_dai_dien"), label="Thành phần"),
        Column("outcome", ("ket_qua",), label="Kết quả"),
        Column("note", ("ghi_chu", "tom_tat"), label="Ghi chú"),
    ),
    label="Các bước xử lý đơn",
)
"""Optional: each step of a grievance, one row per step (a product extension, not in the contract)."""

LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (HAMLETS, PARCELS, PROJECTS, HOUSEHOLDS, STAGE_HISTORY, GRIEVANCES, GRIEVANCE_STEPS, FIELD_REPORTS)
}
"""Every layer of a workspace, in reading order."""

SPATIAL_LAYERS = frozenset({"hamlets", "parcels"})
"""Layers whose features must have a polygon geometry."""
