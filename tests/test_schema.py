from geo.canonical import match_columns
from geo.schema import HOUSEHOLDS, PARCELS, STAGES, normalize_name, strip_diacritics


def test_normalize_name_strips_diacritics_including_d_bar():
    assert normalize_name("Đồng Thuận") == "dongthuan"


def test_normalize_name_ignores_case_spaces_and_underscores():
    assert normalize_name(" Ma_Thon ") == normalize_name("MÃ THÔN") == "mathon"


def test_vietnamese_headers_match_contract_aliases():
    found = match_columns(
        HOUSEHOLDS,
        [
            "Mã hộ",
            "Chủ hộ",
            "Mã dự án",
            "Số tờ",
            "Số thửa",
            "Bước",
            "Ngày cập nhật",
            "Tiền bồi thường",
            "Đồng thuận",
            "Đợt",
        ],
    )
    assert found == {
        "household_id": "Mã hộ",
        "household_name": "Chủ hộ",
        "project_id": "Mã dự án",
        "map_sheet": "Số tờ",
        "parcel_no": "Số thửa",
        "stage": "Bước",
        "stage_date": "Ngày cập nhật",
        "compensation_vnd": "Tiền bồi thường",
        "agreement": "Đồng thuận",
        "round": "Đợt",
    }


def test_canonical_name_wins_over_alias_of_another_column():
    found = match_columns(PARCELS, ["TO_BAN_DO", "THUA", "parcel_id", "ma_thua"])
    assert found["parcel_id"] == "parcel_id"
    assert found["map_sheet"] == "TO_BAN_DO"


def test_column_override_wins():
    found = match_columns(PARCELS, ["SHBANDO", "so_to", "thua"], {"map_sheet": "SHBANDO"})
    assert found["map_sheet"] == "SHBANDO"


def test_stage_lookup_accepts_key_label_and_unaccented_label():
    table = STAGES.lookup()
    assert table[normalize_name("paid")] == "paid"
    assert table[normalize_name("Chi trả tiền")] == "paid"
    assert table[normalize_name("chi tra tien")] == "paid"
    assert table[normalize_name("BÀN GIAO MẶT BẰNG")] == "handed_over"


def test_strip_diacritics_reads_d_stroke_as_d_and_keeps_case_and_spaces():
    assert strip_diacritics("Thôn Đồng Tâm, xã Hữu Lũng") == "Thon Dong Tam, xa Huu Lung"
    assert strip_diacritics("đường ĐT.242") == "duong DT.242"


def test_the_crs_names_the_exports_and_file_names_fold_diacritics_alike():
    from geo.crs import _fold
    from geo.disclosure import fold
    from geo.outputs import safe_filename

    text = "Đồng Hoà"
    assert _fold(text) == fold(text)[0] == strip_diacritics(text).casefold() == "dong hoa"
    assert safe_filename(text) == "Dong_Hoa"
    assert normalize_name(text) == "donghoa"
