"""The brief for the Zalo group (``geo.brief``, ``python -m geo brief``, the sidebar section).

A tiny workspace with known dates checks the "since the last brief" counts; the
sample checks the language, the length and that nobody is named; a workspace of
province size and hand-made facts of a thousand hamlets check the shortening.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

import geo
from geo.__main__ import main
from geo.brief import MAX_CHARS, STEPS, BriefFacts, ProjectLine, WatchLine, brief, fit, render, shorten
from geo.entry.mood import unreported
from geo.periods import period_of
from tests.conftest import build_workspace, default_layers, sq
from tests.dashboard_support import NAMES as APP_NAMES
from tests.dashboard_support import build_app_ws, run_app, st_cache_clear
from tests.test_browser import _guarded_page, app_url  # noqa: F401 — app_url: the sample's dashboard, a fixture

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "hoson"
AS_OF = date(2026, 11, 20)
VIETNAMESE = ("BẢN TIN", "TIẾN ĐỘ BÀN GIAO MẶT BẰNG", "THÔN CẦN CHÚ Ý", "SO VỚI BẢN TIN TRƯỚC", "ĐƠN THƯ")

# --------------------------------------------------------------------------- a tiny workspace with known dates


def _history(hid: str, steps: list[tuple[str, str]]) -> list[dict]:
    return [{"household_id": hid, "project_id": "P1", "stage": s, "date": d} for s, d in steps]


def _grievance(gid: str, received: str, status: str, hamlet: str, resolved: str = "") -> dict:
    return {
        "grievance_id": gid,
        "received_date": received,
        "kind": "petition",
        "topic": "area",
        "signatories": 1,
        "status": status,
        "resolved_date": resolved,
        "hamlet_id": hamlet,
        "project_id": "P1",
    }


def build_dated(folder: Path) -> Path:
    """Three households of P1: H1 handed over 01/10, H2 on 18/11 (this week), H3 surveyed.

    Grievances: G1 received 16/11 (this week), G2 received 05/11, G3 and G4 on 01/11 (this month, not
    this week); G3 resolved 17/11 and G4 withdrawn 19/11; none overdue. A party cell's
    gathering-risk report on 19/11 makes hamlet A (Thôn Đồng Tâm) a hotspot this week.
    """
    history = (
        _history("H1", [("notified", "01/06/2026"), ("paid", "01/09/2026"), ("handed_over", "01/10/2026")])
        + _history("H2", [("notified", "01/06/2026"), ("paid", "01/09/2026"), ("handed_over", "18/11/2026")])
        + _history("H3", [("notified", "01/06/2026"), ("surveyed", "01/09/2026")])
    )
    grievances = [
        _grievance("G1", "16/11/2026", "received", "A"),
        _grievance("G2", "05/11/2026", "received", "B"),
        _grievance("G3", "01/11/2026", "resolved", "A", "17/11/2026"),
        _grievance("G4", "01/11/2026", "withdrawn", "B", "19/11/2026"),
    ]
    reports = [
        {"report_date": "19/11/2026", "hamlet_id": "A", "reporter": "Hà Văn Tổ", "mood": "gathering_risk", "note": ""},
        {"report_date": "12/11/2026", "hamlet_id": "B", "reporter": "Lục Thị Mai", "mood": "stable", "note": ""},
    ]
    toml = '[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n'
    return build_workspace(folder, toml=toml, stage_history=history, grievances=grievances, field_reports=reports)


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> Path:
    return build_dated(tmp_path_factory.mktemp("brief") / "ws")


@pytest.fixture(scope="module")
def dated_ws(dated):
    ws = geo.load_workspace(dated)
    assert ws.report.ok, ws.report.render()
    return ws


def section(text: str, title: str) -> list[str]:
    """The lines under a section's title, up to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    out = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        out.append(line)
    return out


def test_a_weekly_brief_counts_what_changed_since_seven_days_before(dated_ws):
    text = brief(dated_ws, "week", as_of=AS_OF)
    changes = section(text, "SO VỚI BẢN TIN TRƯỚC (13/11/2026)")
    assert changes[0] == "- +1 hộ bàn giao mặt bằng"
    assert changes[1] == "- 1 đơn mới, 1 đơn đã giải quyết, 1 đơn rút"
    assert "- 1 báo cáo tình hình của chi bộ" in changes


def test_a_monthly_brief_compares_with_the_same_day_a_month_before(dated_ws):
    text = brief(dated_ws, "month", as_of=AS_OF)
    assert text.startswith("BẢN TIN THÁNG 11/2026\n")
    changes = section(text, "SO VỚI BẢN TIN TRƯỚC (20/10/2026)")
    assert changes[0] == "- +1 hộ bàn giao mặt bằng"  # H1 was handed over on 01/10, before 20/10
    assert changes[1] == "- 4 đơn mới, 1 đơn đã giải quyết, 1 đơn rút"  # G3, G4 received 01/11: in the month
    assert "- 2 báo cáo tình hình của chi bộ" in changes


def test_a_hamlet_turned_hotspot_this_week_is_named_among_the_changes_and_watched(dated_ws):
    text = brief(dated_ws, "week", as_of=AS_OF)
    changes = section(text, "SO VỚI BẢN TIN TRƯỚC")
    assert re.fullmatch(r"  Thôn Đồng Tâm: (bình thường|theo dõi|nguy cơ) → điểm nóng", changes[-1]), changes
    watch = section(text, "THÔN CẦN CHÚ Ý")
    assert watch[0] == "- Thôn Đồng Tâm (điểm nóng)"
    assert watch[1] == "  1 báo cáo nguy cơ tụ tập đông người trong 14 ngày qua"


def test_the_title_names_the_week_the_commune_and_the_as_of_date(dated_ws):
    lines = brief(dated_ws, "week", as_of=AS_OF).splitlines()
    assert lines[:3] == ["BẢN TIN TUẦN 14/11–20/11/2026", "Xã Thử", "Số liệu đến ngày 20/11/2026"]


def test_handover_is_given_per_project_against_its_deadline(dated_ws):
    progress = section(brief(dated_ws, "week", as_of=AS_OF), "TIẾN ĐỘ BÀN GIAO MẶT BẰNG")
    assert progress == ["- Đường tỉnh", "  2/3 hộ (66,7%), tuần này +1; còn 41 ngày (hạn 31/12/2026)"]


def test_a_project_past_its_deadline_is_said_overdue_by_so_many_days(dated_ws):
    progress = section(brief(dated_ws, "week", as_of=date(2027, 1, 10)), "TIẾN ĐỘ BÀN GIAO MẶT BẰNG")
    assert progress[1].endswith("; quá hạn 10 ngày (hạn 31/12/2026)")


def test_grievances_open_and_overdue_are_counted(dated_ws):
    lines = section(brief(dated_ws, "week", as_of=AS_OF), "ĐƠN THƯ")
    assert lines == ["- 2 đơn chưa giải quyết xong, không có đơn quá hạn"]  # G1 and G2; G3, G4 closed


def test_party_cells_not_reported_are_named_by_hamlet_and_left_out_where_unknown(dated_ws):
    named = brief(dated_ws, "week", as_of=AS_OF, unreported=["B", "A"])
    assert section(named, "CHI BỘ CHƯA BÁO CÁO TUẦN NÀY") == ["- Thôn Lân Hoài, Thôn Đồng Tâm"]
    everyone = brief(dated_ws, "week", as_of=AS_OF, unreported=[])
    assert section(everyone, "CHI BỘ CHƯA BÁO CÁO TUẦN NÀY") == ["- Tất cả chi bộ đã báo cáo"]
    assert "CHI BỘ" not in brief(dated_ws, "week", as_of=AS_OF)


def test_the_tiny_brief_names_no_household_and_no_reporter(dated_ws):
    text = brief(dated_ws, "month", as_of=AS_OF, unreported=["A"])
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Hà Văn Tổ", "Lục Thị Mai"):
        assert name not in text
    assert not re.search(r"\bH[123]\b|\bG[1-4]\b", text)


def test_an_unknown_period_or_project_is_refused_naming_the_known_projects(dated_ws):
    with pytest.raises(ValueError, match="week"):
        brief(dated_ws, "year", as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="P1"):
        brief(dated_ws, "week", project="P9", as_of=AS_OF)


def test_a_workspace_with_errors_gets_no_brief(tmp_path):
    broken = build_workspace(tmp_path / "ws", hamlets=[{"hamlet_name": "Thôn Không Mã", "geometry": sq(0, 0)}])
    ws = geo.load_workspace(broken)
    assert not ws.report.ok
    with pytest.raises(geo.WorkspaceError):
        brief(ws, "week", as_of=AS_OF)


# --------------------------------------------------------------------------- a project filter


@pytest.fixture(scope="module")
def two_projects(tmp_path_factory) -> geo.Workspace:
    counter = iter(range(100))
    base = tmp_path_factory.mktemp("two")
    ws = geo.load_workspace(build_app_ws(lambda **kw: build_workspace(base / f"ws{next(counter)}", **kw)))
    assert ws.report.ok, ws.report.render()
    return ws


def test_a_project_filter_keeps_only_that_projects_progress(two_projects):
    both = section(brief(two_projects, "week", as_of=AS_OF), "TIẾN ĐỘ BÀN GIAO MẶT BẰNG")
    assert "- Đường tỉnh ĐT.242" in both and "- Cụm công nghiệp" in both
    text = brief(two_projects, "week", project="P2", as_of=AS_OF)
    assert "Dự án: Cụm công nghiệp" in text.splitlines()[:4]
    progress = section(text, "TIẾN ĐỘ BÀN GIAO MẶT BẰNG")
    assert progress[0] == "- Cụm công nghiệp" and len(progress) == 2
    assert "0/2 hộ (0,0%)" in progress[1]
    assert section(text, "ĐƠN THƯ") == ["- 1 đơn chưa giải quyết xong, trong đó 1 đơn quá hạn"]


def test_a_project_filter_counts_only_that_projects_grievances(two_projects):
    text = brief(two_projects, "week", project="P1", as_of=AS_OF)
    assert section(text, "ĐƠN THƯ") == ["- Không có đơn chưa giải quyết"]


def test_hamlet_names_written_as_markdown_reach_the_brief_as_plain_text(two_projects):
    text = brief(two_projects, "week", as_of=AS_OF)
    assert "**" not in text and "|" not in text
    for name in APP_NAMES:
        assert name not in text


# --------------------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def sample_ws():
    ws = geo.load_workspace(SAMPLE)
    assert ws.report.ok, ws.report.render()
    return ws


@pytest.fixture(scope="module")
def sample_briefs(sample_ws) -> dict[str, str]:
    ids = list(sample_ws.hamlets["hamlet_id"])
    return {
        "week": brief(sample_ws, "week", unreported=ids[:3]),
        "month": brief(sample_ws, "month", unreported=ids),
        "project": brief(sample_ws, "week", project="DA-DT242"),
    }


@pytest.mark.parametrize("which", ["week", "month", "project"])
def test_the_samples_brief_fits_in_1500_characters_on_short_lines(sample_briefs, which):
    text = sample_briefs[which]
    assert 0 < len(text) <= MAX_CHARS
    assert max(len(line) for line in text.splitlines()) <= 100


@pytest.mark.parametrize("which", ["week", "month", "project"])
def test_the_samples_brief_is_in_vietnamese_with_its_diacritics(sample_briefs, which):
    text = sample_briefs[which]
    for words in VIETNAMESE:
        assert words in text
    assert "bàn giao" in text and "Thôn" in text


@pytest.mark.parametrize("which", ["week", "month", "project"])
def test_the_samples_brief_names_no_household_reporter_or_officer(sample_ws, sample_briefs, which):
    text = sample_briefs[which]
    people = set(sample_ws.households["household_name"].dropna())
    people |= set(sample_ws.field_reports["reporter"].dropna()) | set(sample_ws.hamlets["officer"].dropna())
    people.add(sample_ws.config.report["signer"])
    assert people and not [p for p in people if p in text]
    ids = set(sample_ws.households["household_id"].dropna()) | set(sample_ws.grievances["grievance_id"].dropna())
    assert ids and not [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]


@pytest.mark.parametrize("which", ["week", "month", "project"])
def test_the_samples_brief_is_plain_text_without_markdown(sample_briefs, which):
    text = sample_briefs[which]
    assert "|" not in text and "**" not in text and "```" not in text and "#" not in text
    assert all(line == "" or line[0] != " " or line.startswith("  ") for line in text.splitlines())
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # dates day-first
    assert re.search(r"\d+,\d%", text)  # decimal comma


def test_the_samples_month_names_its_month_and_every_party_cell_not_reported(sample_ws, sample_briefs):
    text = sample_briefs["month"]
    assert text.splitlines()[0] == "BẢN TIN THÁNG 11/2026"
    silent = " ".join(section(text, "CHI BỘ CHƯA BÁO CÁO TUẦN NÀY"))
    named = [n for n in sample_ws.hamlets["hamlet_name"] if n in silent]
    rest = re.search(r"và (\d+) thôn khác", silent)
    assert len(named) + (int(rest.group(1)) if rest else 0) == len(sample_ws.hamlets)


# --------------------------------------------------------------------------- shortening


def facts(hamlets: int, projects: int, name: str = "Thôn Nà Pàn Khuổi Củng") -> BriefFacts:
    """Facts of a province: ``hamlets`` hamlets to watch with long reasons, ``projects`` projects."""
    levels = ("hotspot", "risk", "watch")
    reason = "12 đơn khiếu nại, 3 đơn tố cáo quá hạn giải quyết (giá bồi thường, diện tích, tái định cư, hỗ trợ)"
    return BriefFacts(
        place="Tỉnh Lạng Sơn",
        period=period_of(AS_OF, "week"),
        projects=tuple(
            ProjectLine(f"Dự án đầu tư xây dựng công trình đường cao tốc số {i}", 1234, 567, 8, AS_OF, -i)
            for i in range(projects)
        ),
        watch=tuple(
            WatchLine(f"{name} {i}", levels[i % 3], (reason, "chi bộ 21 ngày chưa báo cáo tình hình"))
            for i in range(hamlets)
        ),
        handed_over_delta=1234,
        received=56,
        resolved=7,
        withdrawn=1,
        new_overdue=9,
        field_reports=321,
        risen=tuple((f"{name} {i}", "watch", "hotspot") for i in range(hamlets // 2)),
        fallen=tuple((f"{name} {i}", "risk", "none") for i in range(hamlets // 3)),
        open=4321,
        overdue=1234,
        unreported=tuple(f"{name} {i}" for i in range(hamlets)),
    )


def test_a_thousand_hamlets_and_sixty_projects_fit_in_1500_characters():
    text = fit(facts(1000, 60))
    assert len(text) <= MAX_CHARS
    assert max(len(line) for line in text.splitlines()) <= 100
    assert re.search(r"- và [\d.]+ dự án khác, trong đó [\d.]+ dự án quá hạn", text)
    assert re.search(r"- và [\d.]+ thôn khác \([\d.]+ điểm nóng, [\d.]+ nguy cơ, [\d.]+ theo dõi\)", text)
    assert "và 999 thôn khác" in text or re.search(r"và [\d.]+ thôn khác$", text, re.M)
    assert text == fit(facts(1000, 60))  # the same every time


def test_the_brief_names_fewer_hamlets_only_as_far_as_it_must():
    small, big = fit(facts(3, 2)), fit(facts(400, 40))
    assert "thôn khác" not in section(small, "THÔN CẦN CHÚ Ý")[-1]
    assert render(facts(3, 2), STEPS[0]) == small  # a small brief is the fullest rendering
    watched = [line for line in section(big, "THÔN CẦN CHÚ Ý") if line.startswith("- Thôn")]
    assert 1 <= len(watched) < 400


def test_a_brief_cut_to_a_limit_ends_on_a_whole_word():
    full = render(facts(50, 5), STEPS[-1])
    cut = fit(facts(50, 5), max_chars=300)
    assert len(cut) <= 300 and cut.endswith("…")
    words = set(full.split())
    assert all(word in words for word in cut[:-1].split())


def test_a_reason_is_shortened_without_its_details_first_then_at_a_word():
    reason = "12 đơn khiếu nại quá hạn giải quyết (giá bồi thường, diện tích)"
    assert shorten(reason, 40) == "12 đơn khiếu nại quá hạn giải quyết"
    assert shorten(reason, 20) == "12 đơn khiếu nại…"  # "12 đơn khiếu nại quá…" would be 21
    assert shorten(reason, 200) == reason


def province_layers(hamlets: int, projects: int) -> dict[str, list[dict]]:
    """A province-size workspace: long names, one household and one overdue collective grievance per hamlet."""
    layers = default_layers()
    side = int(hamlets**0.5) + 1
    layers["hamlets"] = [
        {
            "hamlet_id": f"T{i:04d}",
            "hamlet_name": f"Thôn Khuổi Nà Pàn Cốc Lùng số {i}",
            "geometry": sq((i % side) * 1000, (i // side) * 1000, 1000),
        }
        for i in range(hamlets)
    ]
    layers["parcels"] = [
        {"so_to": str(i), "so_thua": "1", "loai_dat": "LUC", "dien_tich": "500", "geometry": sq(*_cell(i, side))}
        for i in range(hamlets)
    ]
    layers["projects"] = [
        {
            "project_id": f"DA-{j:03d}",
            "project_name": f"Dự án đầu tư xây dựng đường cao tốc đoạn qua tỉnh, gói thầu số {j}",
            "handover_deadline": (AS_OF + timedelta(days=40 * j - 300)).isoformat(),
        }
        for j in range(projects)
    ]
    layers["households"] = [
        {
            "household_id": f"HH{i:05d}",
            "household_name": f"Hộ Nguyễn Văn Số {i}",
            "project_id": f"DA-{i % projects:03d}",
            "map_sheet": str(i),
            "parcel_no": "1",
            "stage": "handed_over" if i % 3 == 0 else "surveyed",
            "stage_date": "01/10/2026",
            "agreement": "no" if i % 5 == 0 else "yes",
        }
        for i in range(hamlets)
    ]
    layers["grievances"] = [
        {
            "grievance_id": f"KN{i:05d}",
            "received_date": "01/08/2026",
            "kind": "complaint",
            "topic": "compensation_price",
            "signatories": 6,
            "status": "received",
            "household_id": f"HH{i:05d}",
            "hamlet_id": f"T{i:04d}",
            "project_id": f"DA-{i % projects:03d}",
        }
        for i in range(0, hamlets, 2)
    ]
    return layers


def _cell(i: int, side: int) -> tuple[float, float]:
    return (i % side) * 1000 + 100, (i // side) * 1000 + 100


def test_a_province_size_workspace_gets_a_brief_of_at_most_1500_characters(tmp_path):
    folder = build_workspace(tmp_path / "province", toml='[workspace]\nname = "Tỉnh Thử"\n', **province_layers(300, 40))
    ws = geo.load_workspace(folder)
    assert ws.report.ok, ws.report.render()
    text = brief(ws, "month", as_of=AS_OF, unreported=list(ws.hamlets["hamlet_id"]))
    assert len(text) <= MAX_CHARS
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "dự án khác" in text and "thôn khác" in text
    assert "Nguyễn Văn Số" not in text and not re.search(r"HH\d|KN\d", text)


# --------------------------------------------------------------------------- the command line


def test_the_command_prints_the_brief_and_exits_0(capsys, dated, dated_ws):
    code = main(["brief", str(dated), "--period", "month", "--as-of", "20/11/2026"])
    out = capsys.readouterr().out
    assert code == 0
    silent = unreported(dated_ws.field_reports, dated_ws.hamlets, AS_OF)
    assert out == brief(dated_ws, "month", as_of=AS_OF, unreported=silent) + "\n"
    assert "CHI BỘ CHƯA BÁO CÁO TUẦN NÀY" in out  # the party cells not reported in the as-of date's week


def test_the_command_takes_a_project_and_an_iso_date(capsys, dated):
    code = main(["brief", str(dated), "--project", "P1", "--as-of", "2026-11-20"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("BẢN TIN TUẦN 14/11–20/11/2026\n") and "Dự án: Đường tỉnh" in out


def test_an_unknown_project_exits_2_listing_the_known_ones(capsys, dated):
    code = main(["brief", str(dated), "--project", "P9"])
    err = capsys.readouterr().err
    assert code == 2 and "P9" in err and "P1" in err and "Traceback" not in err


def test_a_project_in_a_workspace_without_projects_exits_2(capsys, tmp_path):
    folder = build_workspace(tmp_path / "ws", projects=None)
    assert geo.load_workspace(folder).report.ok
    code = main(["brief", str(folder), "--project", "P1", "--as-of", "20/11/2026"])
    err = capsys.readouterr().err
    assert code == 2 and "P1" in err and "Traceback" not in err


def test_a_bad_period_or_date_exits_2(capsys, dated):
    for argv in (["--period", "year"], ["--as-of", "31/02/2026"]):
        with pytest.raises(SystemExit) as exc:
            main(["brief", str(dated), *argv])
        assert exc.value.code == 2
    assert "31" in capsys.readouterr().err


def test_a_workspace_with_errors_exits_1_with_its_problems(capsys, tmp_path):
    broken = build_workspace(tmp_path / "ws", hamlets=[{"hamlet_name": "Thôn Không Mã", "geometry": sq(0, 0)}])
    code = main(["brief", str(broken)])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == "" and "Refused" in captured.err


def test_the_command_reads_a_store(capsys, tmp_path, dated):
    store = tmp_path / "kho.gpkg"
    assert main(["store", "create", str(store), "--from", str(dated), "--user", "Lan"]) == 0
    capsys.readouterr()
    code = main(["brief", str(store), "--as-of", "20/11/2026"])
    out = capsys.readouterr().out
    assert code == 0 and "- +1 hộ bàn giao mặt bằng" in out


# --------------------------------------------------------------------------- the dashboard


def test_the_sidebar_shows_the_brief_with_its_copy_box_once_a_period_is_chosen(monkeypatch, tmp_path):
    st_cache_clear()
    app_ws = build_app_ws(lambda **kw: build_workspace(tmp_path / "app", **kw))
    at = run_app(monkeypatch, app_ws, {"project": "P1", "as_of": "2026-11-20"})
    assert not at.code  # nothing made before week or month is chosen
    at.sidebar.button(key="brief_period_week").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.code) == 1
    text = at.code[0].value
    ws = geo.load_workspace(app_ws)
    silent = unreported(ws.field_reports, ws.hamlets, AS_OF)
    assert text == brief(ws, "week", project="P1", as_of=AS_OF, unreported=silent)
    assert text.startswith("BẢN TIN TUẦN 14/11–20/11/2026") and "Dự án: Đường tỉnh ĐT.242" in text
    assert at.code[0].proto.wrap_lines and at.code[0].proto.language == "plaintext"  # no highlighting
    chosen = {b.key: b.proto.type for b in at.sidebar.button if b.key.startswith("brief_period_")}
    assert chosen == {"brief_period_week": "primary", "brief_period_month": "secondary"}  # the choice shows
    for name in APP_NAMES:
        assert name not in text


def test_meeting_mode_keeps_the_brief(monkeypatch, tmp_path):
    st_cache_clear()
    app_ws = build_app_ws(lambda **kw: build_workspace(tmp_path / "app", **kw))
    at = run_app(monkeypatch, app_ws, {"meeting": "1", "as_of": "2026-11-20"})
    at.sidebar.button(key="brief_period_month").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.code[0].value.startswith("BẢN TIN THÁNG 11/2026")


def test_in_chromium_the_copy_button_puts_the_whole_brief_on_the_clipboard(browser, app_url, sample_ws):  # noqa: F811
    context, pg = _guarded_page(browser, 1400, 1000)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    try:
        pg.goto(app_url)
        sidebar = pg.locator("[data-testid='stSidebar']")
        sidebar.get_by_text("Tuần / Week").click(timeout=120_000)
        box = sidebar.locator("[data-testid='stCode']")
        box.wait_for(timeout=120_000)
        box.hover()
        box.get_by_role("button", name="Copy to clipboard").click()
        copied = pg.evaluate("navigator.clipboard.readText()")
        as_of = sample_ws.default_as_of()
        assert copied == brief(
            sample_ws, "week", unreported=unreported(sample_ws.field_reports, sample_ws.hamlets, as_of)
        )
        assert not pg.errors and not pg.blocked
    finally:
        context.close()
