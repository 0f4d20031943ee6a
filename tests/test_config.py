"""``workspace.toml``: a setting of the wrong type or shape is a problem naming the file, the setting and the fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import geo
from geo.config import DEFAULT_DEADLINE_DAYS, WorkspaceConfig, read_config
from geo.problems import Report


def read(folder: Path, text: str | bytes) -> tuple[WorkspaceConfig, Report]:
    folder.mkdir(exist_ok=True)
    path = folder / "workspace.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    report = Report()
    return read_config(folder, report), report


def only(report: Report) -> geo.Problem:
    assert len(report.problems) == 1, report.render()
    return report.problems[0]


def test_the_samples_settings_are_read_without_a_problem():
    report = Report()
    cfg = read_config(Path(__file__).resolve().parents[1] / "data" / "hoson", report)
    assert report.problems == []
    assert cfg.as_of == date(2026, 11, 20) and len(cfg.report["recipients"]) == 6


def test_deadline_days_given_as_a_number_is_named_with_its_setting_and_fix(tmp_path):
    cfg, report = read(tmp_path, "[grievances]\ndeadline_days = 5\n")
    problem = only(report)
    assert problem.is_error and problem.file == "workspace.toml"
    assert problem.setting == "[grievances] deadline_days"
    assert "must be a table of days per kind, not the number 5" in problem.message
    assert "complaint = 30" in problem.fix
    assert cfg.deadline_days == DEFAULT_DEADLINE_DAYS


def test_a_deadline_that_is_not_a_whole_number_of_days_is_an_error(tmp_path):
    cfg, report = read(tmp_path, '[grievances.deadline_days]\ncomplaint = "ba mươi"\ndenunciation = 45\n')
    problem = only(report)
    assert problem.setting == "[grievances.deadline_days] complaint" and "“ba mươi”" in problem.message
    assert cfg.deadline_days["complaint"] == 30 and cfg.deadline_days["denunciation"] == 45


def test_a_deadline_for_a_kind_that_does_not_exist_is_a_warning_listing_the_kinds(tmp_path):
    cfg, report = read(tmp_path, "[grievances.deadline_days]\ncomplain = 45\n")
    problem = only(report)
    assert not problem.is_error and "complain" in problem.message and "complaint" in problem.fix
    assert cfg.deadline_days == DEFAULT_DEADLINE_DAYS


def test_a_settings_file_nested_100000_levels_deep_is_named_not_a_recursion_error(tmp_path):
    cfg, report = read(tmp_path, "a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    problem = only(report)
    assert problem.code == "bad_config" and problem.file == "workspace.toml"
    assert "nested too deeply" in problem.message and "RecursionError" not in problem.message
    assert cfg == WorkspaceConfig()


def test_a_syntax_error_names_its_line(tmp_path):
    _, report = read(tmp_path, '[workspace]\nname = "Xã"\nprovince = Lạng Sơn\n')
    problem = only(report)
    assert problem.rows == (3,) and "line 3" in problem.message


def test_a_settings_file_that_is_not_utf8_names_the_line(tmp_path):
    _, report = read(tmp_path, '[workspace]\nname = "X\xe3 H\xf4 S\xf5n"\n'.encode("latin-1"))
    problem = only(report)
    assert problem.rows == (2,) and "not UTF-8" in problem.message


def test_a_misspelt_section_is_a_warning_naming_the_known_ones(tmp_path):
    _, report = read(tmp_path, "[grievance.deadline_days]\ncomplaint = 45\n")
    problem = only(report)
    assert not problem.is_error and "“grievance”" in problem.message and "grievances" in problem.fix


def test_a_layer_that_does_not_exist_is_a_warning_naming_the_layers(tmp_path):
    _, report = read(tmp_path, '[layers.thua_dat]\nfile = "thua_dat.shp"\n')
    problem = only(report)
    assert "thua_dat" in problem.message and "parcels" in problem.fix


def test_a_layer_given_as_text_is_an_error(tmp_path):
    cfg, report = read(tmp_path, '[layers]\nparcels = "thua_dat.shp"\n')
    problem = only(report)
    assert problem.setting == "[layers.parcels]" and "must be a table" in problem.message
    assert cfg.layers == {}


def test_columns_given_as_text_are_an_error(tmp_path):
    _, report = read(tmp_path, '[layers.parcels]\ncolumns = "SHBANDO"\n')
    assert only(report).setting == "[layers.parcels.columns]"


def test_a_column_mapping_for_a_column_the_layer_lacks_is_a_warning(tmp_path):
    cfg, report = read(tmp_path, '[layers.parcels.columns]\nmap_sheet = "SHBANDO"\nsheet_no = "SH"\n')
    problem = only(report)
    assert not problem.is_error and "sheet_no" in problem.message and "map_sheet" in problem.fix
    assert cfg.layer("parcels").columns == {"map_sheet": "SHBANDO"}


def test_a_file_name_given_as_a_number_is_an_error(tmp_path):
    cfg, report = read(tmp_path, "[layers.parcels]\nfile = 2025\n")
    assert only(report).setting == "[layers.parcels] file"
    assert cfg.layer("parcels").file is None


def test_a_reporting_date_that_does_not_exist_says_so(tmp_path):
    cfg, report = read(tmp_path, '[workspace]\nas_of = "31/02/2026"\n')
    problem = only(report)
    assert problem.setting == "[workspace] as_of" and "there is no 31 February 2026" in problem.message
    assert cfg.as_of is None


def test_a_day_first_reporting_date_in_quotes_is_read(tmp_path):
    cfg, report = read(tmp_path, '[workspace]\nas_of = "20/11/2026"\n')
    assert report.problems == [] and cfg.as_of == date(2026, 11, 20)


def test_recipients_given_as_one_text_is_an_error(tmp_path):
    cfg, report = read(tmp_path, '[report]\nrecipients = "Các chi bộ thôn"\n')
    problem = only(report)
    assert problem.setting == "[report] recipients" and "a list of quoted texts" in problem.message
    assert "recipients" not in cfg.report


def test_a_signer_given_as_a_number_is_an_error(tmp_path):
    _, report = read(tmp_path, "[report]\nsigner = 5\n")
    assert only(report).setting == "[report] signer"


def test_a_hotspot_setting_of_the_wrong_type_is_an_error_when_read_not_a_crash_later(tmp_path):
    cfg, report = read(tmp_path, '[hotspots]\nrisk_score = "cao"\n')
    problem = only(report)
    assert problem.setting == "[hotspots]" and "risk_score" in problem.message
    assert cfg.hotspots == {}


def test_an_unknown_reader_engine_falls_back_with_a_warning(tmp_path):
    cfg, report = read(tmp_path, '[workspace]\nengine = "gdal"\n')
    assert not only(report).is_error and cfg.engine == "pyogrio"


@pytest.mark.parametrize(
    "text",
    [
        "workspace = 5\n",
        "[workspace]\nname = [1, 2]\n",
        "[layers.parcels]\nsheet = true\n",
        "[grievances]\ndeadline_days = [30, 45]\n",
        "[report]\nrecipients = [1, 2]\n",
        "[hotspots]\nsignals = 3\n",
        '[hotspots.clusters]\nk = "tám"\n',
    ],
)
def test_a_setting_of_the_wrong_shape_is_one_error_in_workspace_toml(tmp_path, text):
    _, report = read(tmp_path, text)
    problem = only(report)
    assert problem.is_error and problem.code == "bad_config" and problem.file == "workspace.toml"
    assert problem.setting


def test_report_texts_lose_control_and_direction_characters(tmp_path):
    cfg, report = read(
        tmp_path,
        '[report]\nsigner = "Nguyễn Văn A\\u001b[2J\\u202e"\n'
        'recipients = ["Lưu\\u001b]0;x\\u0007 VP", "Đảng ủy\\u202e"]\n',
    )
    assert report.ok
    assert cfg.report["signer"] == "Nguyễn Văn A[2J"
    assert cfg.report["recipients"] == ["Lưu]0;x VP", "Đảng ủy"]
