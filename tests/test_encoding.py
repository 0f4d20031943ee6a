"""Legacy Vietnamese encodings: detection, conversion, inverse, shapefiles."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from geo.encoding import (
    LEGACY_ENCODINGS,
    convert_frame,
    detect_legacy,
    encode_legacy,
    normalize_unicode,
    to_unicode,
)

CADASTRAL = [
    "Thôn Đồng Tân",
    "Đất trồng lúa",
    "Nguyễn Thị Hường",
    "Khu tái định cư Hồ Sơn",
]

HAMLETS = [
    "Thôn Đồng Tân",
    "Thôn Hòa Bình",
    "Thôn Phú Lộc",
    "Xóm Đông",
    "Thôn Thượng",
    "Thôn Hạ",
    "Làng Mới",
    "Thôn Tân Lập",
    "Thôn Trung Hòa",
    "Xóm Bãi",
]

_BASES = "aăâeêioôơuưy"
_TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
LOWER = [unicodedata.normalize("NFC", b + t) for b in _BASES for t in _TONE_MARKS]
LOWER.append("đ")
LETTERS = LOWER + [ch.upper() for ch in LOWER]


def surface(text: str, encoding: str) -> str:
    """What a Latin-1 shapefile reader hands over for legacy ``text``."""
    return encode_legacy(text, encoding).decode("latin-1")


# ------------------------------------------------------------------ round trips


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("text", CADASTRAL)
def test_cadastral_string_round_trips_through_detection(text, encoding):
    legacy = surface(text, encoding)
    assert legacy != text
    assert detect_legacy([legacy]) == encoding
    assert to_unicode(legacy, encoding) == text


def test_tcvn3_bytes_are_the_vntime_font_codes():
    assert encode_legacy("Thôn Đồng Tân", "tcvn3") == b"Th\xabn \xa7\xe5ng T\xa9n"
    assert encode_legacy("à", "tcvn3") == b"\xb5"


def test_vni_writes_toned_vowels_as_base_letter_plus_mark():
    assert surface("Thôn Đồng Tân", "vni") == "Thoân Ñoàng Taân"


def test_tcvn3_keeps_its_own_uppercase_letters():
    text = "Ă Â Ê Ô Ơ Ư Đ"
    assert to_unicode(surface(text, "tcvn3"), "tcvn3") == text


def test_tcvn3_uppercase_accented_letters_come_back_lowercase():
    assert encode_legacy("Ấp Hồ", "tcvn3") == encode_legacy("ấp Hồ", "tcvn3")
    assert to_unicode(surface("Ấp Hồ", "tcvn3"), "tcvn3") == "ấp Hồ"


def test_tcvn3_words_in_capitals_are_upper_cased_again():
    text = "THÔN ĐỒNG TÂN"
    assert to_unicode(surface(text, "tcvn3"), "tcvn3") == text


def test_tcvn3_round_trips_every_lowercase_letter():
    text = "".join(LOWER)
    assert to_unicode(surface(text, "tcvn3"), "tcvn3") == text


def test_vni_round_trips_every_letter_except_a_breve_hook():
    letters = [ch for ch in LETTERS if ch not in "ẳẲ"]
    for ch in letters:
        assert to_unicode(surface("x" + ch, "vni"), "vni") == "x" + ch
    assert to_unicode(surface(" ".join(letters), "vni"), "vni") == " ".join(letters)


def test_vni_has_no_form_for_a_breve_hook():
    with pytest.raises(ValueError, match="no vni form"):
        encode_legacy("ẳ", "vni")


def test_vni_single_byte_i_letters_also_decode():
    assert to_unicode("Bì Chí", "vni") == "Bì Chí"


@pytest.mark.skipif("viscii" not in LEGACY_ENCODINGS, reason="VISCII not offered")
def test_viscii_round_trips_every_letter():
    text = " ".join(LETTERS)
    assert to_unicode(surface(text, "viscii"), "viscii") == text


@pytest.mark.skipif("viscii" not in LEGACY_ENCODINGS, reason="VISCII not offered")
def test_viscii_read_as_cp1252_still_converts():
    text = "Ấp Bình Phước"
    as_cp1252 = encode_legacy(text, "viscii").decode("cp1252")
    assert as_cp1252 != surface(text, "viscii")
    assert to_unicode(as_cp1252, "viscii") == text


def test_decomposed_input_encodes_like_composed_input():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    assert encode_legacy(nfd, "tcvn3") == encode_legacy("Nguyễn Thị Hường", "tcvn3")


@pytest.mark.parametrize("char", ["€", "ß", "°", "ç", "中"])
def test_characters_without_a_legacy_form_are_rejected(char):
    with pytest.raises(ValueError, match="no tcvn3 form"):
        encode_legacy(f"Thôn {char}", "tcvn3")


@pytest.mark.parametrize("encoding", ["cp1258", "utf-8", "latin-1", ""])
def test_plain_codec_names_are_not_legacy_encodings(encoding):
    with pytest.raises(ValueError, match="not a legacy Vietnamese encoding"):
        to_unicode("Th«n", encoding)


def test_encoding_names_are_case_insensitive():
    assert to_unicode("Th«n", " TCVN3 ") == "Thôn"


@pytest.mark.parametrize("value", [None, 5, 2.5])
def test_to_unicode_passes_non_strings_through(value):
    assert to_unicode(value, "tcvn3") is value


def test_to_unicode_passes_nan_through():
    assert np.isnan(to_unicode(np.nan, "vni"))


def test_to_unicode_returns_nfc():
    result = to_unicode(surface("Hường", "vni"), "vni")
    assert result == unicodedata.normalize("NFC", result)


def test_normalize_unicode_composes_decomposed_text():
    nfd = unicodedata.normalize("NFD", "Đồng")
    assert len(nfd) > len("Đồng")
    assert normalize_unicode(nfd) == "Đồng"


# ------------------------------------------------------------------ detection


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_column_of_hamlet_names_is_detected(encoding):
    column = [surface(name, encoding) for name in HAMLETS]
    assert detect_legacy(column) == encoding


@pytest.mark.skipif("viscii" not in LEGACY_ENCODINGS, reason="VISCII not offered")
def test_column_of_viscii_hamlet_names_is_detected():
    assert detect_legacy([surface(name, "viscii") for name in HAMLETS]) == "viscii"


def test_detection_skips_non_strings_and_missing_values():
    column = [None, np.nan, 7, *(surface(name, "tcvn3") for name in HAMLETS)]
    assert detect_legacy(column) == "tcvn3"


def test_detection_reads_a_generator_once():
    assert detect_legacy(surface(name, "vni") for name in HAMLETS) == "vni"


def test_column_names_alone_can_carry_the_evidence():
    names = ["Tên thôn", "Mục đích sử dụng", "Diện tích", "Người sử dụng"]
    assert detect_legacy([surface(name, "tcvn3") for name in names]) == "tcvn3"


def test_unicode_vietnamese_is_not_flagged():
    values = [*HAMLETS, *CADASTRAL, "Nguyễn Văn A", "Mục đích sử dụng"]
    assert detect_legacy(values) is None


def test_unicode_vietnamese_using_only_latin1_letters_is_not_flagged():
    values = [
        "Tân Phú",
        "Cà Mau",
        "Bình Tân",
        "Hoàng",
        "Tây Ninh",
        "Phú Yên",
        "Trà Vinh",
        "Châu Thành",
        "Gò Công",
        "Cái Bè",
        "Hà Tiên",
    ]
    assert detect_legacy(values) is None


def test_ascii_is_not_flagged():
    values = ["Thon Dong Tan", "Nguyen Van A", "LUC", "ONT", "parcel 12", "So to"]
    assert detect_legacy(values) is None


def test_french_is_not_flagged():
    values = [
        "Épinay-sur-Orge",
        "Église",
        "Hôtel de Ville",
        "Forêt de Fontainebleau",
        "Île-de-France",
        "Théâtre du Châtelet",
        "Là où il est né",
        "Besançon",
        "Orléans",
        "Nîmes",
        "côte",
        "thé",
        "été",
    ]
    assert detect_legacy(values) is None
    assert detect_legacy(["Épinay-sur-Orge", "Église"]) is None


def test_german_and_spanish_are_not_flagged():
    values = [
        "Straße München",
        "Düsseldorf",
        "Köln",
        "Grüße aus Österreich",
        "Señor España año",
        "Peñalolén",
        "Logroño",
        "Córdoba",
        "São Paulo",
    ]
    assert detect_legacy(values) is None


def test_utf8_read_as_latin1_is_not_taken_for_legacy():
    values = [name.encode("utf-8").decode("latin-1") for name in HAMLETS]
    assert detect_legacy(values) is None


def test_a_single_short_value_is_too_little_evidence():
    assert detect_legacy([surface("Hồ Sơn", "tcvn3")]) is None


def test_nothing_to_judge_gives_none():
    assert detect_legacy([]) is None
    assert detect_legacy([None, np.nan]) is None


# ------------------------------------------------------------------ frames


def legacy_frame(encoding: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            surface("Tên thôn", encoding): [surface(n, encoding) for n in HAMLETS[:4]],
            "so_thua": [1, 2, 3, 4],
            surface("Loại đất", encoding): [
                surface("Đất trồng lúa", encoding),
                None,
                surface("Đất ở", encoding),
                surface("Đất trồng lúa", encoding),
            ],
        }
    )


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_convert_frame_converts_values_and_column_names(encoding):
    out = convert_frame(legacy_frame(encoding), encoding)
    assert list(out.columns) == ["Tên thôn", "so_thua", "Loại đất"]
    assert out["Tên thôn"].tolist() == HAMLETS[:4]
    assert out["Loại đất"].tolist()[2] == "Đất ở"


def test_convert_frame_leaves_the_input_unchanged():
    frame = legacy_frame("tcvn3")
    before = frame.copy()
    convert_frame(frame, "tcvn3")
    pd.testing.assert_frame_equal(frame, before)


def test_convert_frame_keeps_missing_values_numbers_and_dtypes():
    frame = legacy_frame("tcvn3")
    out = convert_frame(frame, "tcvn3")
    assert out["so_thua"].tolist() == [1, 2, 3, 4]
    assert pd.isna(out["Loại đất"].iloc[1])
    assert list(out.dtypes) == list(frame.dtypes)
    assert out.index.equals(frame.index)


def test_convert_frame_converts_object_columns_with_mixed_values():
    frame = pd.DataFrame({"x": pd.Series([surface("Hồ Sơn", "vni"), 3, None], dtype=object)})
    assert convert_frame(frame, "vni")["x"].tolist() == ["Hồ Sơn", 3, None]


def test_convert_frame_converts_categories():
    frame = pd.DataFrame({"x": pd.Categorical([surface(n, "vni") for n in HAMLETS[:3]])})
    out = convert_frame(frame, "vni")
    assert isinstance(out["x"].dtype, pd.CategoricalDtype)
    assert out["x"].tolist() == HAMLETS[:3]


def test_convert_frame_leaves_geometry_untouched():
    points = [Point(440_000 + i, 2_378_000) for i in range(4)]
    gdf = gpd.GeoDataFrame(legacy_frame("tcvn3"), geometry=points, crs="EPSG:9215")
    out = convert_frame(gdf, "tcvn3")
    assert isinstance(out, gpd.GeoDataFrame)
    assert out.geometry.name == "geometry"
    assert out.crs == gdf.crs
    assert out.geometry.geom_equals(gdf.geometry).all()
    assert out["Tên thôn"].tolist() == HAMLETS[:4]


def test_convert_frame_rejects_a_plain_codec():
    with pytest.raises(ValueError):
        convert_frame(legacy_frame("tcvn3"), "cp1258")


# ------------------------------------------------------------------ shapefiles


def write_legacy_shapefile(folder: Path, encoding: str) -> Path:
    """A hamlet point layer whose DBF holds ``encoding`` bytes and no .cpg."""
    gdf = gpd.GeoDataFrame(
        {
            surface("Tên thôn", encoding): [surface(n, encoding) for n in HAMLETS],
            "ma_thon": [f"T{i:02d}" for i in range(len(HAMLETS))],
        },
        geometry=[Point(440_000 + 100 * i, 2_378_000) for i in range(len(HAMLETS))],
        crs="EPSG:9215",
    )
    path = folder / "thon.shp"
    pyogrio.write_dataframe(gdf, path, encoding="ISO-8859-1")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_shapefile_without_cpg_reads_back_as_unicode(tmp_path, encoding):
    path = write_legacy_shapefile(tmp_path, encoding)
    assert not path.with_suffix(".cpg").exists()
    dbf = path.with_suffix(".dbf").read_bytes()
    assert all(encode_legacy(name, encoding) in dbf for name in HAMLETS)

    raw = pyogrio.read_dataframe(path)
    name_column = surface("Tên thôn", encoding)
    assert raw[name_column].tolist() == [surface(n, encoding) for n in HAMLETS]

    texts = [*map(str, raw.columns), *raw[name_column], *raw["ma_thon"]]
    assert detect_legacy(texts) == encoding
    out = convert_frame(raw, encoding)
    assert out["Tên thôn"].tolist() == HAMLETS
    assert out["ma_thon"].tolist() == raw["ma_thon"].tolist()
    assert out.geometry.geom_equals(raw.geometry).all()
