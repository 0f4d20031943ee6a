"""The map builder (geo.maps), without a browser: escaping, offline assets, layers, meeting mode, size."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import box

import geo
from geo.formatting import fmt_number
from geo.maps import (
    STAGE_COLOURS,
    BuiltMap,
    MapInfo,
    asset_files,
    build_map,
    carry_selection,
    display_geometry,
    map_frame,
    map_html,
    selection_script,
)
from geo.maps.elements import SelectionScript
from tests.conftest import CRS, X0, Y0, default_layers, sq

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "hoson"
EVIL = "<img src=x onerror=alert(1)>"
EVIL_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
BUDGET = 1_500_000


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(X0 + x, Y0 + y)
    return lon, lat


@pytest.fixture
def evil_ws(build):
    """A workspace whose every text value is an HTML injection attempt."""
    lon, lat = _lonlat(150, 150)
    folder = build(
        hamlets=[
            {
                "hamlet_id": "A",
                "hamlet_name": f"Thôn {EVIL}",
                "officer": f"Cán bộ {EVIL}",
                "party_cell": f"Chi bộ {EVIL}",
                "geometry": sq(0, 0, 1000),
            },
            {"hamlet_id": "B", "hamlet_name": "Thôn Lân Hoài", "geometry": sq(1000, 0, 1000)},
        ],
        parcels=[
            {"so_to": "1", "so_thua": "1", "loai_dat": "LUC", "dien_tich": "100", "geometry": sq(10, 10)},
            {"so_to": "1", "so_thua": "2", "loai_dat": "<b>ONT</b>", "dien_tich": "200,5", "geometry": sq(200, 10)},
            {"so_to": "2", "so_thua": "1", "loai_dat": "CLN", "dien_tich": None, "geometry": sq(1100, 10)},
            {"so_to": "2", "so_thua": "2", "loai_dat": "LUC", "dien_tich": "400", "geometry": sq(1300, 10)},
        ],
        projects=[
            {
                "project_id": "P1",
                "project_name": f"Đường {EVIL}",
                "handover_deadline": "2026-12-31",
                "geometry": box(X0, Y0, X0 + 600, Y0 + 300),
            },
        ],
        households=[
            {
                "household_id": "H1",
                "household_name": EVIL,
                "project_id": "P1",
                "map_sheet": "1",
                "parcel_no": "1",
                "stage": "handed_over",
                "stage_date": "01/10/2026",
                "compensation_vnd": "123456789",
                "agreement": "yes",
            },
            {
                "household_id": "H2",
                "household_name": "Trần Thị Bình",
                "project_id": "P1",
                "map_sheet": "1",
                "parcel_no": "2",
                "stage": "paid",
                "stage_date": "01/10/2026",
                "compensation_vnd": "987654321",
                "agreement": "no",
            },
            {
                "household_id": "H3",
                "household_name": "Lê Văn Cường",
                "project_id": "P1",
                "map_sheet": "2",
                "parcel_no": "1",
                "stage": "surveyed",
                "stage_date": "01/09/2026",
                "agreement": "no",
            },
        ],
        grievances=[
            {
                "grievance_id": f"G1{EVIL}",
                "received_date": "01/08/2026",
                "kind": "complaint",
                "topic": "compensation_price",
                "signatories": 6,
                "status": "received",
                "household_id": "H1",
                "project_id": "P1",
                "lon": lon,
                "lat": lat,
            },
        ],
        field_reports=[
            {"report_date": "15/11/2026", "hamlet_id": "A", "reporter": EVIL, "mood": "agitated", "note": EVIL},
        ],
    )
    ws = geo.load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    return ws


def _analysis(ws, **kw):
    return geo.analyse(ws, geo.Selection.make(as_of="2026-11-20", **kw))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def _urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


def _has(page: str, text: str) -> bool:
    """``text`` in the page, as such or as folium writes it (ASCII JSON)."""
    return text in page or json.dumps(text) in page


def _tables(html: str) -> list[dict]:
    """The lookup tables of every DataLayer in the page (``T = {...}``)."""
    return [json.loads(m) for m in re.findall(r"T = (\{.*?\}), F = ", html)]


# --------------------------------------------------------------------------- escaping


def test_every_data_value_is_escaped_in_tooltips_popups_and_labels(evil_ws):
    sl = _analysis(evil_ws)
    page = map_html(build_map(evil_ws, sl, household_details=True))  # the popups of a file asked for
    assert "<img src=x" not in page
    assert "\\u003cimg" not in page, "a raw '<' from the data reached the page's data"
    assert "<b>ONT</b>" not in page
    assert EVIL_ESCAPED in page
    # the household name sits escaped in the popup table, the hamlet name in the label and tooltip
    tables = [t for t in _tables(page) if "hh" in t]
    assert tables and EVIL_ESCAPED in tables[0]["hh"][0][0]
    assert page.count(f"Thôn {EVIL_ESCAPED}") >= 2
    assert f"Cán bộ {EVIL_ESCAPED}" in page
    assert f"Đường {EVIL_ESCAPED}" in page


def test_escaped_text_survives_the_page_script_as_text(evil_ws):
    """The data JSON is valid and carries the escaped entity, not markup."""
    page = map_html(build_map(evil_ws, _analysis(evil_ws)))
    for table in _tables(page):
        for value in json.dumps(table, ensure_ascii=False).split('"'):
            assert "<" not in value and ">" not in value


# --------------------------------------------------------------------------- offline


def test_every_src_and_href_is_local(evil_ws):
    page = map_html(build_map(evil_ws, _analysis(evil_ws)))
    urls = _urls(page)
    assert urls, "the page links its assets"
    for url in urls:
        assert url.startswith("/app/static/") or not re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE), url
    assert not re.search(r"https?://|//cdn|cdnjs|jsdelivr|unpkg|bootstrapcdn|code\.jquery", page, re.IGNORECASE)
    assert "/app/static/vendor/leaflet/leaflet.js" in urls
    assert "/app/static/vendor/leaflet/leaflet.css" in urls


def test_online_basemap_only_when_asked(evil_ws):
    page = map_html(build_map(evil_ws, _analysis(evil_ws), basemap=True))
    assert "tile.openstreetmap.org" in page
    assert "tile.openstreetmap.org" not in map_html(build_map(evil_ws, _analysis(evil_ws)))


def test_assets_come_from_the_xstatic_packages():
    files = asset_files()
    assert {"leaflet/leaflet.js", "leaflet/leaflet.css"} <= set(files)
    assert all(p.is_file() for p in files.values())
    assert "1.9.3" in files["leaflet/leaflet.js"].read_text(encoding="utf-8")[:400]


def test_inline_page_needs_no_server(evil_ws):
    page = map_html(build_map(evil_ws, _analysis(evil_ws)), inline_assets=True)
    assert not any(u.startswith("/app/static") for u in _urls(page))
    assert "L.version" in page or "Leaflet" in page


# --------------------------------------------------------------------------- layers


def test_layers_legend_and_control_are_present(evil_ws):
    sl = _analysis(evil_ws)
    clusters = gpd.GeoDataFrame({"cluster": ["hot"], "z": [3.2]}, geometry=[sq(0, 0, 300)], crs=CRS)
    m = build_map(evil_ws, sl, clusters=clusters)
    page = map_html(m)
    for name in (
        "Thửa đất theo bước thực hiện",
        "Thôn – mức cảnh báo điểm nóng",
        "Tên thôn",
        "Ranh giới dự án",
        "Cụm đơn thư (Gi*)",
        "Đơn thư (điểm)",
    ):
        assert _has(page, name), name
    assert "L.control.layers" in page
    assert "map-legend" in page
    for stage in geo.STAGES.keys:
        assert geo.STAGES.label(stage) in page
    info = m.info
    assert info.mode == "parcels" and info.parcels_drawn == 4
    assert info.grievances_drawn == 1 and info.clusters_drawn == 1


def test_build_map_returns_the_folium_map_and_what_it_drew_and_adds_no_attribute_to_the_map(evil_ws):
    built = build_map(evil_ws, _analysis(evil_ws))
    assert isinstance(built, BuiltMap)
    assert isinstance(built.map, folium.Map) and isinstance(built.info, MapInfo)
    assert not hasattr(built.map, "map_info")
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.info.mode = "parcels"  # what was drawn is a record, not a setting
    assert "map-legend" in map_html(built.map)  # the bare folium map renders the same page


def test_parcels_are_coloured_by_their_least_advanced_stage(evil_ws):
    page = map_html(build_map(evil_ws, _analysis(evil_ws)))
    styles = [json.loads(s) for s in re.findall(r"var S = (\[.*?\]), T = ", page)]
    parcel_styles = next(s for s in styles if len(s) == 9)
    assert [s["fillColor"] for s in parcel_styles[1:]] == list(STAGE_COLOURS.values())
    # H1 handed over → style 8, H2 paid → 7, H3 surveyed → 2, the fourth parcel unaffected → 0
    features = re.findall(r"\]\]\],(\d),\{\"i\":\"([^\"]+)\"", page)
    assert {pid: int(s) for s, pid in features} == {"1-1": 8, "1-2": 7, "2-1": 2, "2-2": 0}


def test_the_same_selection_builds_the_same_page_byte_for_byte(evil_ws):
    """Element names follow their place in the page, not chance: the dashboard's rerun sends the same map."""
    first, second = (map_html(build_map(evil_ws, _analysis(evil_ws))) for _ in range(2))
    assert first == second
    assert "map_000001" in first


def _split(ws, **kw):
    """The scripts of the frame's page as the dashboard sends it (the selection it carries left out), the
    whole page, and the selection's script."""
    code = selection_script(build_map(ws, _analysis(ws, **kw)))
    page = carry_selection(map_frame(display_geometry(ws)), code).get_root().render()
    scripts = "\n".join(re.findall(r"<script>(.*?)</script>", page, flags=re.S))
    return scripts, page, code


def test_every_selection_of_a_workspace_has_the_same_map_frame(evil_ws):
    """The browser keeps its map from one selection to the next: only the selection's script differs."""
    whole, _, whole_code = _split(evil_ws)
    hamlet, _, hamlet_code = _split(evil_ws, hamlets=["B"])
    assert whole == hamlet
    assert whole_code != hamlet_code


def test_the_frame_draws_nothing_of_the_selection_and_its_script_draws_it_all(evil_ws):
    frame, html, code = _split(evil_ws)
    whole = map_html(build_map(evil_ws, _analysis(evil_ws)))
    for drawn in ("map-legend", "L.control.layers", "fitBounds", "hamlet-label", "Thôn Lân Hoài"):
        assert drawn in whole and drawn in code and drawn not in frame, drawn
    assert "geoApplySelection" in frame  # the frame draws the selection it is given
    assert "geo_map" in code and "map_0000" not in code  # the map by the name the frame runs it with


def test_the_selection_travels_inert_in_the_frames_page(evil_ws):
    _, html, code = _split(evil_ws)
    (carried,) = re.findall(r'<script type="text/plain" id="geo-selection">(.*?)</script>', html, flags=re.S)
    assert carried == code
    assert EVIL not in carried


def test_a_selection_script_cannot_close_the_element_that_carries_it():
    page = SelectionScript('var s = "</script><script>alert(1)</SCRIPT>";').render()
    assert page.count("</script>") == 1 and page.endswith("</script>\n")


def test_stage_palette_is_sequential_dark_to_light():
    def luminance(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    values = [luminance(c) for c in STAGE_COLOURS.values()]
    assert len(set(STAGE_COLOURS.values())) == 8
    assert values == sorted(values)


def test_view_fits_the_selection(evil_ws):
    everything = build_map(evil_ws, _analysis(evil_ws)).info.bounds
    hamlet_b = build_map(evil_ws, _analysis(evil_ws, hamlets=["B"])).info.bounds
    assert hamlet_b[0] > everything[0] and hamlet_b[2] <= everything[2] + 1e-9
    page = map_html(build_map(evil_ws, _analysis(evil_ws, hamlets=["B"])))
    assert "fitBounds" in page


def test_filters_reach_the_map(evil_ws):
    page = map_html(build_map(evil_ws, _analysis(evil_ws, hamlets=["B"])))
    assert "Thôn Lân Hoài" in page and f"Thôn {EVIL_ESCAPED}" not in page
    staged = build_map(evil_ws, _analysis(evil_ws, stages=["surveyed"]))
    features = re.findall(r"\]\]\],(\d),\{\"i\":\"([^\"]+)\"", map_html(staged))
    assert sorted(int(s) for s, _ in features) == [0, 0, 0, 2]


# --------------------------------------------------------------------------- meeting mode


def test_meeting_mode_shows_no_personal_data(evil_ws):
    normal = map_html(build_map(evil_ws, _analysis(evil_ws), household_details=True))
    assert "Trần Thị Bình" in normal and "987.654.321" in normal
    page = map_html(build_map(evil_ws, _analysis(evil_ws), disclosure=geo.Disclosure.PUBLIC, large_type=True))
    for text in (
        "Trần Thị Bình",
        "Lê Văn Cường",
        EVIL_ESCAPED + "</b> (H1)",
        "123.456.789",
        "987.654.321",
        "Mã hộ",
        "Chủ hộ",
        "Tiền bồi thường",
    ):
        assert text not in page, text
    assert all("hh" not in t for t in _tables(page))
    assert 'classList.add("meeting")' in page
    assert "font-size: 18px" in page


@pytest.mark.parametrize("disclosure", list(geo.Disclosure))
def test_no_disclosure_puts_a_household_name_id_or_amount_in_the_page(evil_ws, disclosure):
    page = map_html(build_map(evil_ws, _analysis(evil_ws), disclosure=disclosure))
    for text in (EVIL_ESCAPED + "</b>", "Trần Thị Bình", "Lê Văn Cường", "123.456.789", "987.654.321"):
        assert not _has(page, text), text
    for word in ("Chủ hộ", "Mã hộ", "Tiền bồi thường", "(H1)", "(H2)", "(H3)"):
        assert not _has(page, word), word
    assert all("hh" not in t for t in _tables(page))


def test_household_details_are_embedded_only_when_asked_for_and_personal(evil_ws):
    asked = map_html(build_map(evil_ws, _analysis(evil_ws), household_details=True))
    assert _has(asked, "Trần Thị Bình") and "987.654.321" in asked and "Mã hộ: H1" in asked
    internal = map_html(
        build_map(evil_ws, _analysis(evil_ws), disclosure=geo.Disclosure.INTERNAL, household_details=True)
    )
    assert not _has(internal, "Trần Thị Bình") and "987.654.321" not in internal and "Mã hộ" not in internal


def test_the_personal_map_keeps_each_parcels_own_facts(evil_ws):
    page = map_html(build_map(evil_ws, _analysis(evil_ws)))
    features = re.findall(r"\]\]\],(\d),(\{[^}]*\})", page)
    props = {d["i"]: d for d in map(json.loads, (p for _, p in features)) if "i" in d}
    assert set(props) == {"1-1", "1-2", "2-1", "2-2"}  # the parcel numbers, outside meeting mode
    assert props["2-1"]["n"] == 1 and "u" in props["2-1"] and "a" in props["2-1"]  # households counted, not named
    assert not [p for p in props.values() if "k" in p]  # no household rows to look up


@pytest.mark.skipif(not (SAMPLE / "hamlets.gpkg").exists(), reason="the sample workspace data/hoson is not there")
def test_the_samples_personal_map_names_no_household_and_shows_no_id_or_amount():
    ws = geo.load_workspace(SAMPLE)
    page = map_html(build_map(ws, geo.analyse(ws, geo.Selection.make(as_of=ws.default_as_of()))))
    hh = ws.households
    names = [n for n in hh["household_name"].dropna().unique() if len(n) > 5]
    ids = list(hh["household_id"].dropna().unique())
    amounts = [fmt_number(v) for v in pd.to_numeric(hh["compensation_vnd"], errors="coerce").dropna().unique()]
    amounts = [a for a in amounts if len(a) >= 9]  # "25.715.000": not a number that may mean something else
    assert len(names) > 500 and len(ids) > 500 and len(amounts) > 500
    assert not [n for n in names if _has(page, n)]
    assert not [i for i in ids if i in page]
    assert not [a for a in amounts if a in page]


# --------------------------------------------------------------------------- geometry and size


def test_display_geometry_is_computed_once_and_cut_to_six_decimals(evil_ws):
    disp = display_geometry(evil_ws)
    assert display_geometry(evil_ws) is disp
    ring = json.loads(disp.parcel_shapes[0])[0][0]
    assert all(isinstance(v, int) for v in ring)  # millionths of a degree
    lat, lon = ring[0] / 1e6, ring[1] / 1e6
    assert 20 < lat < 23 and 105 < lon < 108
    assert len(ring) == 8  # a square: 4 vertices, closing vertex dropped


def test_large_selections_fall_back_to_affected_parcels_then_hamlets(evil_ws):
    sl = _analysis(evil_ws)
    assert build_map(evil_ws, sl, max_parcels=3).info.mode == "affected"
    m = build_map(evil_ws, sl, max_parcels=2)
    assert m.info.mode == "hamlets" and m.info.parcels_drawn == 0
    page = map_html(m)
    assert _has(page, "Tiến độ bàn giao theo thôn") and "Chọn thôn để xem từng thửa" in page


def test_many_parcels_stay_under_budget(build):
    """20,000 parcels, half of them affected: hamlet-level shapes, then parcels of one hamlet."""
    n = 20_000
    parcels = [
        {
            "so_to": str(i // 1000),
            "so_thua": str(i % 1000),
            "loai_dat": "LUC",
            "geometry": sq((i % 280) * 7, (i // 280) * 7, 6),
        }
        for i in range(n)
    ]
    households = [
        {
            "household_id": f"H{i}",
            "household_name": f"Hộ {i}",
            "project_id": "P1",
            "map_sheet": str(i // 1000),
            "parcel_no": str(i % 1000),
            "stage": geo.STAGES.keys[i % 8],
            "stage_date": "01/10/2026",
        }
        for i in range(0, n, 2)
    ]
    ws = geo.load_workspace(build(parcels=parcels, households=households))
    m = build_map(ws, _analysis(ws))
    assert m.info.mode == "hamlets" and m.info.parcels_in_selection == n
    assert len(map_html(m).encode()) < 200_000
    one = build_map(ws, _analysis(ws, hamlets=["B"]))
    assert one.info.mode in ("parcels", "affected") and 0 < one.info.parcels_drawn < n
    assert len(map_html(one).encode()) < BUDGET


@pytest.mark.skipif(not (SAMPLE / "hamlets.gpkg").exists(), reason="the sample workspace data/hoson is not there")
def test_sample_map_is_under_budget_for_every_project():
    ws = geo.load_workspace(SAMPLE)
    assert ws.report.ok
    for project in [None, *ws.projects["project_id"]]:
        sl = geo.analyse(ws, geo.Selection.make(project=project, as_of=ws.default_as_of()))
        m = build_map(ws, sl)
        size = len(map_html(m).encode("utf-8"))
        assert size < BUDGET, (project, size)
        assert m.info.mode == "parcels"
    simplified = sum(len(json.loads(t)[0][0]) for t in display_geometry(ws).parcel_shapes[:200] if t) / 2
    original = sum(len(g.exterior.coords) - 1 for g in ws.parcels.geometry.iloc[:200] if g.geom_type == "Polygon")
    assert simplified <= original
    assert np.isfinite(display_geometry(ws).parcel_bounds).all()


# --------------------------------------------------------------------------- meeting mode: no one identified


@pytest.fixture
def case_ws(build):
    """One hamlet with a single-signer denunciation at an exact point, a collective complaint and parcels whose
    numbers (sheet 47, parcels 318/319) and household ids are easy to spot in the page."""
    lon, lat = _lonlat(150, 150)
    folder = build(
        hamlets=[
            {"hamlet_id": "A", "hamlet_name": "Thôn Tân Hồ", "geometry": sq(0, 0, 1000)},
            {"hamlet_id": "B", "hamlet_name": "Thôn Lân Hoài", "geometry": sq(1000, 0, 1000)},
        ],
        parcels=[
            {"so_to": "47", "so_thua": "318", "loai_dat": "LUC", "dien_tich": "100", "geometry": sq(10, 10)},
            {"so_to": "47", "so_thua": "319", "loai_dat": "ONT", "dien_tich": "200", "geometry": sq(200, 10)},
            {"so_to": "48", "so_thua": "501", "loai_dat": "CLN", "dien_tich": "300", "geometry": sq(1100, 10)},
        ],
        households=[
            {
                "household_id": "HH-7781",
                "household_name": "Phạm Văn Dũng",
                "project_id": "P1",
                "map_sheet": "47",
                "parcel_no": "318",
                "stage": "paid",
                "stage_date": "01/10/2026",
            },
            {
                "household_id": "HH-7782",
                "household_name": "Đỗ Thị Hoa",
                "project_id": "P1",
                "map_sheet": "47",
                "parcel_no": "319",
                "stage": "surveyed",
                "stage_date": "01/09/2026",
            },
        ],
        grievances=[
            {
                "grievance_id": "0062/2026/ĐT",
                "received_date": "01/08/2026",
                "kind": "denunciation",
                "topic": "compensation_price",
                "signatories": 1,
                "status": "received",
                "household_id": "HH-7781",
                "project_id": "P1",
                "lon": lon,
                "lat": lat,
            },
            {
                "grievance_id": "0063/2026/KN",
                "received_date": "10/11/2026",
                "kind": "complaint",
                "topic": "area",
                "signatories": 12,
                "status": "in_progress",
                "hamlet_id": "A",
                "project_id": "P1",
                "lon": lon,
                "lat": lat,
            },
        ],
    )
    ws = geo.load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    return ws


def _features(page: str) -> list[list]:
    """Every DataLayer's features (``F = [...]``), decoded."""
    return [json.loads(m) for m in re.findall(r"F = (\[.*?\]);\n", page)]


def test_normal_mode_shows_grievance_case_numbers_at_their_points(case_ws):
    page = map_html(build_map(case_ws, _analysis(case_ws)))
    assert "0063/2026/KN" in page and "Số người ký: 12" in page
    assert "47-318" in page


@pytest.mark.parametrize("disclosure", list(geo.Disclosure))
def test_a_denunciation_is_never_a_point_on_the_map_in_any_disclosure(case_ws, disclosure):
    built = build_map(case_ws, _analysis(case_ws), disclosure=disclosure, household_details=True)
    page = map_html(built)
    assert "0062/2026/ĐT" not in page and "tố cáo số" not in page
    assert built.info.grievances_drawn == (1 if disclosure.personal else 0)  # the complaint, where points are drawn


def test_a_denunciation_is_never_a_point_on_the_printed_map(case_ws):
    from geo.exports.snapshot import _open_grievance_points

    points = _open_grievance_points(case_ws, _analysis(case_ws).slice)
    assert points is not None and points["grievance_id"].tolist() == ["0063/2026/KN"]


def test_meeting_mode_shows_no_grievance_case_number_or_point(case_ws):
    m = build_map(case_ws, _analysis(case_ws), disclosure=geo.Disclosure.PUBLIC, large_type=True)
    page = map_html(m)
    for text in ("0062/2026/ĐT", "0063/2026/KN", "Số người ký", "Đơn thư (điểm)", "tố cáo số"):
        assert not _has(page, text), text
    assert m.info.grievances_drawn == 0
    points = [f for layer in _features(page) for f in layer if isinstance(f[0][0], (int, float))]
    assert not points, "no circle marker of a grievance"


def test_meeting_mode_counts_grievances_per_hamlet(case_ws):
    page = map_html(build_map(case_ws, _analysis(case_ws), disclosure=geo.Disclosure.PUBLIC, large_type=True))
    # both are open on 20/11/2026; the denunciation (01/08) is overdue, the complaint with 12 signatories collective
    tips = [f[2].get("t", "") for layer in _features(page) for f in layer if isinstance(f[2], dict)]
    tan_ho = next(t for t in tips if t.startswith("<b>Thôn Tân Hồ</b>"))
    assert "Đơn thư chưa giải quyết: <b>2</b> (quá hạn: 1; tập thể: 1)" in tan_ho
    lan_hoai = next(t for t in tips if t.startswith("<b>Thôn Lân Hoài</b>"))
    assert "Đơn thư" not in lan_hoai
    labels = json.loads(re.search(r"var D = (\[.*?\]), n = D\.length", page).group(1))
    assert ["Thôn Tân Hồ", "2 đơn · 1 quá hạn"] in [[lab[2], lab[3]] for lab in labels]
    assert ["Thôn Lân Hoài", ""] in [[lab[2], lab[3]] for lab in labels]


def test_meeting_mode_parcels_carry_no_parcel_or_household_number(case_ws):
    page = map_html(build_map(case_ws, _analysis(case_ws), disclosure=geo.Disclosure.PUBLIC, large_type=True))
    for text in ("47-318", "47-319", "48-501", "HH-7781", "HH-7782", "Phạm Văn Dũng", "Số hộ"):
        assert not _has(page, text), text
    parcels = [f for layer in _features(page) for f in layer if isinstance(f[2], dict) and "u" in f[2]]
    assert len(parcels) == 3
    assert all(set(f[2]) <= {"u", "a", "h"} for f in parcels), parcels


def test_meeting_mode_shows_clusters_as_areas_without_counts(case_ws):
    clusters = gpd.GeoDataFrame(
        {"parcel_id": ["47-318", "47-319"], "cluster": ["hot", "hot"], "intensity": [1.0, 0.0], "z": [2.9, 2.1]},
        geometry=[sq(10, 10), sq(200, 10)],
        crs=CRS,
    )
    normal = map_html(build_map(case_ws, _analysis(case_ws), clusters=clusters))
    assert "Đơn thư gắn với thửa" in normal
    m = build_map(case_ws, _analysis(case_ws), clusters=clusters, disclosure=geo.Disclosure.PUBLIC, large_type=True)
    page = map_html(m)
    assert m.info.clusters_drawn == 1  # the two parcels merged into one area
    assert "Đơn thư gắn với thửa" not in page and "47-318" not in page


# --------------------------------------------------------------------------- hot hamlets, legend, scale, tooltips


def _styles(page: str) -> list[list[dict]]:
    return [json.loads(s) for s in re.findall(r"var S = (\[.*?\]), T = ", page)]


def test_hot_hamlets_are_filled_with_a_hatch_not_only_outlined(case_ws):
    page = map_html(build_map(case_ws, _analysis(case_ws)))
    hamlet_styles = next(s for s in _styles(page) if s and "hamlet-area" in s[0].get("className", ""))
    by_class = {s["className"].split()[-1]: s for s in hamlet_styles}
    assert by_class["hamlet-hotspot"]["fillColor"] == "url(#geo-hatch-hotspot)"
    assert by_class["hamlet-risk"]["fillColor"] == "url(#geo-hatch-risk)"
    assert by_class["hamlet-watch"]["fillOpacity"] > 0
    assert 'id="geo-hatch-hotspot"' in page


def test_hot_hamlets_stay_hatched_above_hamlet_level_progress(case_ws):
    sl = _analysis(case_ws)
    hot = pd.DataFrame(
        {"hamlet_id": ["A", "B"], "hotspot_level": ["hotspot", "none"], "hotspot_reasons": ["1 đơn tố cáo quá hạn", ""]}
    )
    m = build_map(case_ws, dataclasses.replace(sl, levels=hot), max_parcels=1)
    assert m.info.mode == "hamlets"
    page = map_html(m)
    layer_styles = _styles(page)
    hatch = [s for s in layer_styles if s and all(st.get("interactive") is False for st in s)]
    assert hatch and hatch[0][1]["fillColor"] == "url(#geo-hatch-hotspot)"
    # the hatch layer comes after (above) the progress layer, and holds the one hotspot hamlet
    progress = next(i for i, s in enumerate(layer_styles) if len(s) == 9 and s[8]["fillOpacity"] == 0.8)
    above = next(i for i, s in enumerate(layer_styles) if s is hatch[0])
    assert progress < above
    assert len(_features(page)[above]) == 1


def test_scale_bar_is_metric_only(case_ws):
    page = map_html(build_map(case_ws, _analysis(case_ws), disclosure=geo.Disclosure.PUBLIC, large_type=True))
    assert "imperial: false" in page
    assert "L.control.scale()" not in page


def test_legend_folds_and_the_view_keeps_clear_of_it(case_ws):
    page = map_html(build_map(case_ws, _analysis(case_ws), disclosure=geo.Disclosure.PUBLIC, large_type=True))
    assert "\\u003cdetails open\\u003e\\u003csummary\\u003eChú giải / Legend" in page  # one click folds it
    assert "paddingBottomRight: [right, 16]" in page and "lg.offsetWidth" in page


def test_tooltips_are_drawn_inside_the_map_above_the_legend(case_ws):
    page = map_html(build_map(case_ws, _analysis(case_ws)))
    assert "bindTooltip" not in page
    assert "geoBindTips(group" in page  # one set of handlers per layer, the tooltip written when shown
    z_tip = int(re.search(r"\.geo-tip \{ position: absolute; z-index: (\d+)", page).group(1))
    assert z_tip > 1000  # Leaflet's control corners (the legend) sit at z-index 1000


@pytest.fixture
def wide_ws(build):
    """P1 in hamlet A only, P2 in B; an agitated field report in B: under P1, B's alert is hamlet-wide."""
    h = default_layers()["households"]
    folder = build(
        projects=[
            {"project_id": "P1", "project_name": "Đường tỉnh", "handover_deadline": "2026-12-31"},
            {"project_id": "P2", "project_name": "Cụm công nghiệp", "handover_deadline": "2027-06-30"},
        ],
        households=[h[0], h[1], dict(h[2], project_id="P2")],
        field_reports=[
            {
                "report_date": "15/11/2026",
                "hamlet_id": "B",
                "reporter": "Đặng Văn Hải",
                "mood": "agitated",
                "note": "Bức xúc về giá",
            }
        ],
    )
    ws = geo.load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    return ws


def _legend(page: str) -> str:
    return json.loads(re.search(r"div\.innerHTML = (\".*?\");", page).group(1))


def test_the_legend_names_the_dashed_outline_of_a_hamlet_wide_alert(wide_ws):
    page = map_html(build_map(wide_ws, _analysis(wide_ws, project="P1")))
    legend = _legend(page)
    assert "border:2px dashed #555555" in legend
    assert "Cảnh báo cả thôn / hamlet-wide, ngoài dự án (1 thôn)" in legend
    assert "Theo dõi (0 thôn)" in legend  # not counted as the project's


def test_the_legend_has_no_hamlet_wide_entry_without_such_an_alert(wide_ws):
    legend = _legend(map_html(build_map(wide_ws, _analysis(wide_ws))))
    assert "hamlet-wide" not in legend and "Theo dõi (1 thôn)" in legend


def test_a_hamlet_wide_hotspot_is_not_hatched_as_the_projects_at_hamlet_level(wide_ws):
    hot = pd.DataFrame(
        {
            "hamlet_id": ["A", "B"],
            "hotspot_level": ["none", "hotspot"],
            "hotspot_reasons": ["", "Nguy cơ tụ tập đông người"],
            "hamlet_wide": [False, True],
        }
    )
    an = _analysis(wide_ws, project="P1")
    m = build_map(wide_ws, dataclasses.replace(an, levels=hot), max_parcels=1)
    assert m.info.mode == "hamlets"
    page = map_html(m)
    assert not [s for s in _styles(page) if s and all(st.get("interactive") is False for st in s)], "no hatch"
    assert "Cảnh báo cả thôn / hamlet-wide, ngoài dự án (1 thôn)" in _legend(page)
    as_the_projects = map_html(
        build_map(wide_ws, dataclasses.replace(an, levels=hot.assign(hamlet_wide=False)), max_parcels=1)
    )
    assert [s for s in _styles(as_the_projects) if s and all(st.get("interactive") is False for st in s)]


def test_popups_are_drawn_in_the_maps_box_above_the_legend(case_ws):
    page = map_html(build_map(case_ws, _analysis(case_ws), household_details=True))
    assert "bindPopup" in page  # a file asked for: parcels open a popup with their households
    # the popup pane leaves the map pane (its own stacking context at z-index 400, under the legend's 1000) ...
    assert "box.appendChild(pane);" in page and 'pane.classList.add("geo-popup-pane")' in page
    assert 'L.DomUtil.setPosition(pane, L.DomUtil.getPosition(map.getPane("mapPane")))' in page  # and follows it
    z_popup = int(re.search(r"\.leaflet-container \.geo-popup-pane \{ z-index: (\d+);", page).group(1))
    z_tip = int(re.search(r"\.geo-tip \{ position: absolute; z-index: (\d+)", page).group(1))
    assert 1000 < z_popup < z_tip  # above the control corners (the legend), below the tooltip box


# --------------------------------------------------------------------------- hamlet labels


def test_a_district_map_labels_hamlets_by_zoom(build):
    side = 10
    hamlets = [
        {
            "hamlet_id": f"H{i:03d}",
            "hamlet_name": f"Thôn Tân Thành {i}",
            "geometry": sq((i % side) * 1200, (i // side) * 1200, 1200),
        }
        for i in range(side * side)
    ]
    parcels = [
        {
            "so_to": "1",
            "so_thua": str(i),
            "loai_dat": "LUC",
            "geometry": sq((i % side) * 1200 + 500, (i // side) * 1200 + 500),
        }
        for i in range(side * side)
    ]
    ws = geo.load_workspace(build(hamlets=hamlets, parcels=parcels, households=[], grievances=[]))
    page = map_html(build_map(ws, _analysis(ws)))
    labels = json.loads(re.search(r"var D = (\[.*?\]), n = D\.length", page).group(1))
    assert len(labels) == side * side  # every name travels; the page shows those that fit at each zoom
    assert 'map.on("zoomend viewreset resize", update)' in page  # (tests/test_maps_labels.py: no overlap in a browser)
