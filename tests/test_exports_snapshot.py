"""Map snapshots: open the PNG, PDF and HTML that were made and check them."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from html.parser import HTMLParser

import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image
from pyproj import Transformer

from geo import Disclosure, Selection, load_workspace
from geo.exports import (
    missing_glyphs,
    snapshot_figure,
    snapshot_html,
    snapshot_pdf,
    snapshot_png,
)
from geo.exports import snapshot as snapmod
from tests.conftest import CRS, X0, Y0, build_workspace, default_layers

AS_OF = "20/11/2026"
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")
VIETNAMESE = "ạ ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ẹ ẻ ẽ ế ề ể ễ ệ ỉ ị ọ ỏ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ụ ủ ứ ừ ử ữ ự ỳ ỵ ỷ ỹ ơ ư đ Đ Ơ Ư Ỹ Ự"


def _lon_lat(x: float, y: float) -> tuple[float, float]:
    return Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(X0 + x, Y0 + y)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    lon, lat = _lon_lat(1150, 50)  # inside parcel 2-1 in hamlet B
    hamlets = default_layers()["hamlets"]
    hamlets[0] = {**hamlets[0], "hamlet_name": unicodedata.normalize("NFD", "Thôn Đồng Tâm")}
    grievances = [
        {
            "grievance_id": "G1",
            "received_date": "01/09/2026",
            "kind": "complaint",
            "topic": "compensation_price",
            "signatories": 7,
            "status": "in_progress",
            "household_id": "H3",
            "lon": lon,
            "lat": lat,
        },
    ]
    folder = build_workspace(
        tmp_path_factory.mktemp("snap") / "ws",
        hamlets=hamlets,
        grievances=grievances,
        toml='[workspace]\nname = "Xã Hữu Lũng"\nprovince = "Lạng Sơn"\n',
    )
    ws = load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    return ws


@pytest.fixture(scope="module")
def sel():
    return Selection.make(as_of=AS_OF)


@pytest.fixture(scope="module")
def snapshot(ws, sel):
    return snapshot_figure(ws, sel)


@pytest.fixture(scope="module")
def figure(snapshot):
    return snapshot.figure


@pytest.fixture(scope="module")
def png(ws, sel) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns: tofu would fail here
        return snapshot_png(ws, sel)


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


# --------------------------------------------------------------------------- PNG


def test_png_is_a4_landscape_at_300_dpi(png):
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG"
    assert abs(img.size[0] - 3508) <= 1 and abs(img.size[1] - 2480) <= 1  # 297 × 210 mm at 300 dpi
    assert round(img.info["dpi"][0]) == 300


def test_png_is_not_blank(png):
    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype="float64")
    assert grey.std() > 20
    assert (grey < 250).mean() > 0.10  # a tenth of the page is drawn on
    colours = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))[::8, ::8].reshape(-1, 3)
    assert len(np.unique(colours, axis=0)) > 50


def test_portrait(ws, sel):
    img = Image.open(io.BytesIO(snapshot_png(ws, sel, "portrait")))
    assert abs(img.size[0] - 2480) <= 1 and abs(img.size[1] - 3508) <= 1


def test_legend_title_scale_bar_north_arrow_and_source(figure, snapshot):
    assert len(figure.legends) == 1
    legend = figure.legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    assert legend.get_title().get_text() == "CHÚ GIẢI"
    assert "Bàn giao mặt bằng (1)" in labels and "Chi trả tiền (1)" in labels and "Điều tra, kiểm đếm (1)" in labels
    assert "Điểm nóng (1)" in labels and "Bình thường (1)" in labels
    assert "Đơn thư quá hạn giải quyết" in labels and "Ranh giới thôn" in labels
    all_text = texts(figure)
    assert "BẢN ĐỒ TIẾN ĐỘ BỒI THƯỜNG, HỖ TRỢ, TÁI ĐỊNH CƯ" in all_text
    assert "XÃ HỮU LŨNG, TỈNH LẠNG SƠN" in all_text
    assert any("số liệu đến ngày 20/11/2026" in t for t in all_text)
    assert "B" in all_text  # north arrow
    assert any(t.startswith("Tỷ lệ 1:") for t in all_text)
    assert any(re.fullmatch(r"\d+ m|[\d,]+ km", t) for t in all_text)  # scale bar lengths
    assert any(t.startswith("Nguồn: dữ liệu của Xã Hữu Lũng") for t in all_text)
    assert snapshot.info.grievance_points == 1


def test_snapshot_figure_returns_the_figure_and_what_it_drew_and_adds_no_attribute_to_the_figure(snapshot):
    from matplotlib.figure import Figure

    assert isinstance(snapshot.figure, Figure)
    assert not hasattr(snapshot.figure, "snapshot_info")
    assert snapshot.info.mode == "parcels" and snapshot.info.orientation == "landscape"
    x0, y0, x1, y1 = snapshot.info.extent
    assert x1 > x0 and y1 > y0 and snapshot.info.scale > 0


def test_hamlet_names_and_hotspot_marks(figure):
    all_text = texts(figure)
    assert "Thôn Đồng Tâm" in all_text and "Thôn Lân Hoài" in all_text  # decomposed in the file, composed here
    assert all_text.count("!") == 1  # hamlet B is a hotspot (overdue grievance, 7 signatories)


@pytest.fixture(scope="module")
def wide_ws(tmp_path_factory):
    """P1 in hamlet A only, P2 in B; a gathering risk reported in B: under P1, B is a hamlet-wide hotspot."""
    h = default_layers()["households"]
    folder = build_workspace(
        tmp_path_factory.mktemp("wide") / "ws",
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
                "mood": "gathering_risk",
                "note": "Nguy cơ tụ tập",
            }
        ],
    )
    ws = load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    return ws


def _fill_colours(fig) -> set[tuple]:
    from matplotlib.collections import PatchCollection

    return {
        tuple(np.round(c, 3))
        for coll in fig.axes[0].collections
        if isinstance(coll, PatchCollection)
        for c in coll.get_facecolors()
    }


def _dashed_grey_outlines(fig) -> int:
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba

    grey = to_rgba(snapmod.WIDE_COLOUR)
    return sum(
        1
        for coll in fig.axes[0].collections
        if isinstance(coll, LineCollection)
        and any(tuple(c) == grey for c in coll.get_colors())
        and any(offset is not None and dashes for offset, dashes in coll.get_dashes())
    )


def test_a_hamlet_wide_alert_under_a_project_filter_is_a_dashed_outline_not_the_projects_hotspot(wide_ws):
    from matplotlib.colors import to_rgba

    fig = snapshot_figure(wide_ws, Selection.make(project="P1", as_of=AS_OF), dpi=50).figure
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Điểm nóng (0)" in labels and "Cảnh báo cả thôn / hamlet-wide, ngoài dự án (1)" in labels
    assert texts(fig).count("!") == 0  # no hotspot mark
    hot_fill = tuple(np.round(to_rgba(snapmod.LEVEL_COLOURS["hotspot"], 0.2), 3))
    assert hot_fill not in _fill_colours(fig)
    assert _dashed_grey_outlines(fig) == 1


def test_without_a_project_filter_the_same_hamlet_is_a_hotspot(wide_ws):
    fig = snapshot_figure(wide_ws, Selection.make(as_of=AS_OF), dpi=50).figure
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Điểm nóng (1)" in labels and not any("hamlet-wide" in label for label in labels)
    assert texts(fig).count("!") == 1
    assert _dashed_grey_outlines(fig) == 0


def test_every_vietnamese_glyph_is_in_the_font(figure):
    assert missing_glyphs(VIETNAMESE) == set()
    assert missing_glyphs("漢") == {"漢"}  # the check itself works
    for text in texts(figure):
        assert missing_glyphs(text) == set(), text
        assert unicodedata.is_normalized("NFC", text)


def test_no_personal_data_drawn(figure):
    joined = "\n".join(texts(figure))
    for name in NAMES:
        assert name not in joined
    assert "H1" not in joined.split()


def test_too_many_parcels_falls_back(ws, sel, monkeypatch):
    monkeypatch.setattr(snapmod, "MAX_PARCELS", 3)
    assert snapshot_figure(ws, sel, dpi=50).info.mode == "affected"
    monkeypatch.setattr(snapmod, "MAX_PARCELS", 2)
    snap = snapshot_figure(ws, sel, dpi=50)
    assert snap.info.mode == "hamlets"
    assert "Tỷ lệ hộ đã bàn giao theo thôn" in [t.get_text() for t in snap.figure.legends[0].get_texts()]


def test_selection_of_one_hamlet_zooms_in(ws):
    whole = snapshot_figure(ws, Selection.make(as_of=AS_OF), dpi=50).info.extent
    one = snapshot_figure(ws, Selection.make(hamlets="A", as_of=AS_OF), dpi=50).info.extent
    assert (one[2] - one[0]) < (whole[2] - whole[0])


# --------------------------------------------------------------------------- PDF


def test_pdf_has_one_a4_page_with_embedded_font(ws, sel):
    pdf = snapshot_pdf(ws, sel)
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", pdf).group(1).split()]
    assert box[2] == pytest.approx(297 / 25.4 * 72, abs=1) and box[3] == pytest.approx(210 / 25.4 * 72, abs=1)
    assert b"DejaVuSans" in pdf and b"/FontFile2" in pdf  # TrueType embedded: text stays text


# --------------------------------------------------------------------------- HTML


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "data", "poster", "action") and value:
                self.urls.append(value)

    def handle_endtag(self, tag):
        self.in_style = False if tag == "style" else self.in_style

    def handle_data(self, data):
        if self.in_style:
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
            self.urls += re.findall(r"@import\s+['\"]?([^'\";\s]+)", data)


def _outside(url: str) -> bool:
    return bool(re.match(r"^\s*(https?:)?//", url, re.IGNORECASE))


def test_html_opens_with_no_outside_request(ws, sel):
    page = snapshot_html(ws, sel).decode("utf-8")
    parser = _Links()
    parser.feed(page)
    assert parser.urls, "the page should embed its styles and images"
    assert not [u for u in parser.urls if _outside(u)]
    assert "tile.openstreetmap" not in page and "cdn.jsdelivr" not in page and "unpkg.com" not in page
    assert "<script>" in page and "L.map" in page  # Leaflet inlined and the map built
    assert "Thôn Lân Hoài" in page


def test_html_personal_data_only_when_asked(ws, sel):
    page = snapshot_html(ws, sel).decode("utf-8")
    for name in NAMES:
        assert name not in page
    personal = snapshot_html(ws, sel, disclosure=Disclosure.PERSONAL).decode("utf-8")
    assert "Nguyễn Văn An" in personal


def test_html_by_default_is_drawn_in_normal_type_without_personal_data(ws, sel):
    page = snapshot_html(ws, sel).decode("utf-8")
    assert 'classList.add("meeting")' not in page  # large type is the meeting room's, not the default file's
    assert "Không hiển thị thông tin cá nhân" in page and "Chế độ họp" not in page
    public = snapshot_html(ws, sel, disclosure=Disclosure.PUBLIC).decode("utf-8")
    assert "Chế độ họp: không hiển thị thông tin cá nhân" in public
    assert not any(name in public for name in NAMES)


# --------------------------------------------------------------------------- command line


def run_here(capsys, *args):
    from geo.__main__ import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_snapshot_formats(ws, tmp_path, capsys):
    for name in ("ban_do.pdf", "ban_do.html"):
        out = tmp_path / name
        code, _, err = run_here(capsys, "snapshot", ws.source.folder, "--out", out, "--as-of", AS_OF, "--hamlet", "B")
        assert code == 0, err
        assert out.stat().st_size > 1000
    code, _, err = run_here(capsys, "snapshot", ws.source.folder, "--out", tmp_path / "x.jpg")
    assert code == 2 and ".png" in err


def test_cli_snapshot_refuses_a_workspace_with_errors(tmp_path, capsys):
    households = default_layers()["households"]
    households[0] = {**households[0], "stage": "đã xong hết"}  # a stage nobody knows: an error
    folder = build_workspace(tmp_path / "bad", households=households)
    out = tmp_path / "m.png"
    code, _, err = run_here(capsys, "snapshot", folder, "--out", out)
    assert code == 1 and "Refused" in err and "Traceback" not in err and not out.exists()
