"""What the dashboard's AppTest files share: the small workspace, running the app, reading the page.

Not a test file: ``tests/test_dashboard_<module>.py`` import from here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd
import pyarrow as pa
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from dashboard.cards import CARDS_CLASS, Card
from tests.conftest import sq

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
SAMPLE = ROOT / "data" / "hoson"
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung")
EVIL_MD = "![x](http://203.0.113.9/beacon.png)"


def _households() -> list[dict]:
    rows = [
        ("H1", NAMES[0], "P1", "1", "1", "handed_over", "100000000", "yes"),
        ("H2", NAMES[1], "P1", "1", "2", "paid", "200000000", "yes"),
        ("H3", NAMES[2], "P2", "2", "1", "surveyed", "", "no"),
        ("H4", NAMES[3], "P2", "2", "2", "plan_posted", "", "unknown"),
    ]
    return [
        {
            "household_id": h,
            "household_name": n,
            "project_id": p,
            "map_sheet": s,
            "parcel_no": t,
            "stage": st,
            "stage_date": "01/10/2026",
            "compensation_vnd": c,
            "agreement": a,
        }
        for h, n, p, s, t, st, c, a in rows
    ]


def build_app_ws(build: Callable[..., Path]) -> Path:
    """Two hamlets, two projects, four households, history, grievances and field reports."""
    return build(
        toml='[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n',
        hamlets=[
            {
                "hamlet_id": "A",
                "hamlet_name": "Thôn Đồng Tâm",
                "officer": "Cán bộ Hoàng Văn Em",
                "party_cell": "Chi bộ Đồng Tâm",
                "geometry": sq(0, 0, 1000),
            },
            {
                "hamlet_id": "B",
                "hamlet_name": f"Thôn {EVIL_MD}",
                "officer": "Cán bộ Vũ Thị Giang",
                "party_cell": "Chi bộ Lân Hoài",
                "geometry": sq(1000, 0, 1000),
            },
        ],
        projects=[
            {"project_id": "P1", "project_name": "Đường tỉnh ĐT.242", "handover_deadline": "31/12/2026"},
            {"project_id": "P2", "project_name": "Cụm công nghiệp", "handover_deadline": "30/06/2027"},
        ],
        households=_households(),
        stage_history=[
            {"household_id": "H1", "project_id": "P1", "stage": "notified", "date": "01/06/2026"},
            {"household_id": "H1", "project_id": "P1", "stage": "plan_approved", "date": "01/08/2026"},
            {"household_id": "H1", "project_id": "P1", "stage": "paid", "date": "01/09/2026"},
            {"household_id": "H1", "project_id": "P1", "stage": "handed_over", "date": "01/10/2026"},
            {"household_id": "H2", "project_id": "P1", "stage": "notified", "date": "01/06/2026"},
            {"household_id": "H2", "project_id": "P1", "stage": "paid", "date": "01/10/2026"},
            {"household_id": "H3", "project_id": "P2", "stage": "surveyed", "date": "01/10/2026"},
            {"household_id": "H4", "project_id": "P2", "stage": "plan_posted", "date": "01/10/2026"},
        ],
        grievances=[
            {
                "grievance_id": "G1",
                "received_date": "01/08/2026",
                "kind": "complaint",
                "topic": "area",
                "signatories": 6,
                "status": "received",
                "household_id": "H3",
                "project_id": "P2",
            },
            {
                "grievance_id": "G2",
                "received_date": "01/11/2026",
                "kind": "petition",
                "topic": "support",
                "signatories": 1,
                "status": "resolved",
                "resolved_date": "10/11/2026",
                "household_id": "H1",
                "project_id": "P1",
            },
        ],
        field_reports=[
            {
                "report_date": "15/11/2026",
                "hamlet_id": "B",
                "reporter": "Đặng Văn Hải",
                "mood": "agitated",
                "note": f"Hộ {NAMES[2]} chưa đồng ý",
            },
            {
                "report_date": "15/11/2026",
                "hamlet_id": "A",
                "reporter": "Bùi Thị Lan",
                "mood": "stable",
                "note": "Ổn định",
            },
        ],
    )


def run_app(monkeypatch, path: Path, params: dict | None = None, timeout: float = 120) -> AppTest:
    monkeypatch.setenv("GEO_WORKSPACE", str(path))
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def qp(at: AppTest, key: str) -> list[str]:
    """A URL query parameter of the app after its run, always as a list."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def headline(at: AppTest) -> dict[str, Card]:
    """The headline figures (:func:`dashboard.cards.cards_html`) as they read on screen, by label; empty where
    the page drew none."""
    import lxml.html

    for element in at.get("html"):
        if f'class="{CARDS_CLASS}' in element.proto.body:
            block = lxml.html.fromstring(element.proto.body)
            cards = {}
            for card in block.find_class("geo-card"):
                texts = {part: card.find_class(f"geo-card-{part}") for part in ("label", "value", "note")}
                label, value = texts["label"][0].text_content(), texts["value"][0].text_content()
                cards[label] = Card(label, value, texts["note"][0].text_content() if texts["note"] else None)
            return cards
    return {}


def metric(at: AppTest, label: str) -> str:
    """The value of the headline figure ``label``, as written on screen."""
    return headline(at)[label].value


def page_text(at: AppTest) -> str:
    """Everything the page holds as text: elements, tables, charts' data and the map's HTML and script."""
    parts: list[str] = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            table = pa.ipc.open_stream(dataset.data.data).read_all()
            parts.append(table.to_pandas().to_csv())
    for comp in at.get("component_instance"):
        args = json.loads(comp.proto.json_args)
        parts.append(args.get("html", ""))
    return "\n".join(parts)


def map_script(at: AppTest) -> str:
    """The page's map as the browser receives it: the frame's page, carrying the selection."""
    comps = at.get("component_instance")
    assert len(comps) == 1, "one map on the page"
    args = json.loads(comps[0].proto.json_args)
    return str(args["html"])


def problem_items(at: AppTest) -> list[str]:
    """The numbered problems of the validation page (or the warnings expander), one string each, unescaped."""
    items: list[str] = []
    for m in at.markdown:
        items += [re.sub(r"\\(.)", r"\1", part) for part in re.split(r"(?m)^\d+\. ", m.value) if "How to fix" in part]
    return items


def st_cache_clear() -> None:
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


def html_tables(at: AppTest) -> list[pd.DataFrame]:
    """The page's HTML tables (:func:`dashboard.tables.html_table`) as they read on screen: every cell its text."""
    import lxml.html

    tables = []
    for element in at.get("html"):
        if 'class="geo-table"' not in element.proto.body:
            continue
        table = lxml.html.fromstring(element.proto.body).find(".//table")
        header = [th.text_content() for th in table.iterfind(".//thead/tr/th")]
        rows = [[td.text_content() for td in tr.iterfind("td")] for tr in table.iterfind(".//tbody/tr")]
        tables.append(pd.DataFrame(rows, columns=header))
    return tables


def summary_rows(at: AppTest) -> pd.DataFrame:
    """The per-hamlet table's rows of hamlets, as read on screen (text), by hamlet id; the rows under them
    (not placed, overlap, total) are :func:`summary_under`'s."""
    (table,) = html_tables(at)
    return table[table["Mã thôn"] != ""].set_index("Mã thôn")


def summary_under(at: AppTest) -> pd.DataFrame:
    """The rows under the hamlets of the per-hamlet table (not placed, overlap, total), by their name."""
    (table,) = html_tables(at)
    return table[table["Mã thôn"] == ""].set_index("Tên thôn")


def shown(frame: Any) -> pd.DataFrame:
    """What a table shows on screen: its Styler's display values where it has them, else its values."""
    from streamlit import dataframe_util

    display = frame.proto.arrow_data.styler.display_values
    return dataframe_util.convert_arrow_bytes_to_pandas_df(display) if display else frame.value


def assert_no_personal_data(at: AppTest) -> None:
    text = page_text(at)
    for name in NAMES:
        assert name not in text, name
    for amount in ("100.000.000", "200.000.000", "100000000", "200000000"):
        assert amount not in text, amount
    for person in ("Đặng Văn Hải", "Bùi Thị Lan"):
        assert person not in text


def raise_bug(*args: object, **kwargs: object) -> NoReturn:
    raise RuntimeError(f"simulated bug quoting {NAMES[0]}")


def open_app(monkeypatch: Any, target: str, *extra: str, **params: str) -> AppTest:
    """The app on ``target`` (``--workspace``, then ``extra`` arguments), ``params`` in its URL, run once."""
    import sys

    monkeypatch.setattr(sys, "argv", [APP, "--workspace", target, *extra])
    monkeypatch.delenv("GEO_WORKSPACE", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    """Fill the sign-in form and press “Đăng nhập / Sign in”, as a person would."""
    from dashboard import signin

    at.text_input(key=signin.NAME).input(name)
    at.text_input(key=signin.PASSWORD).input(password)
    next(b for b in at.button if b.label.startswith("Đăng nhập")).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def signed_in(monkeypatch: Any, target: str, name: str, password: str, *extra: str) -> AppTest:
    """The app on the store ``target``, signed in as ``name`` through its form."""
    return sign_in(open_app(monkeypatch, target, *extra), name, password)


def keep_download_files(monkeypatch: Any) -> dict[str, Callable[[], bytes]]:
    """File name → the function the page gave its download button (Streamlit calls it on a click).

    Streamlit's own registration still runs; the dict fills as the app runs.
    """
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict[str, Callable[[], bytes]] = {}
    register = MediaFileManager.add_deferred

    def keep(self: Any, data: Any, mimetype: Any, coordinates: Any, file_name: Any = None, **kwargs: Any) -> Any:
        made[file_name] = data
        return register(self, data, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return made


def sample_store_in(folder: Path) -> Path:
    """The sample folder made into a store in ``folder`` with its weeks of changesets and demo accounts
    (:func:`geo.sample_history.build`, what ``scripts/run.sh`` does)."""
    from geo.sample_history import build

    out = folder / "hoson.gpkg"
    build(Path(__file__).resolve().parents[1] / "data" / "hoson", out)
    return out


@contextmanager
def serving(store: Path | str, log_dir: Path) -> Iterator[str]:
    """``python -m dashboard.serve STORE`` (what ``scripts/run.sh`` runs) on a free loopback port: its URL.

    What the server prints goes to ``log_dir/server.log``; it is stopped on leaving the block.
    """
    import sys

    from tests.test_browser import _free_port
    from tests.test_dashboard_serve import _start, _stop

    port = _free_port()
    proc = _start(
        [sys.executable, "-m", "dashboard.serve", "--port", str(port), str(store)], port, log_dir / "server.log"
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)


def map_styles(pg: Any, parcels: list[str]) -> dict[str, int | None]:
    """The style each parcel has on the page's map as the browser got it (1 + its stage's rank in
    procedure order; 0 a parcel no household has); None where the map does not draw it."""
    from tests.test_browser import MAP_DRAWN, MAP_FRAME

    frame = pg.locator(MAP_FRAME).element_handle().content_frame()
    scripts = frame.evaluate(MAP_DRAWN)
    out: dict[str, int | None] = {}
    for parcel in parcels:
        found = re.search(r",(\d+),\{\"i\": ?\"" + re.escape(parcel) + r"\"", scripts)
        out[parcel] = int(found.group(1)) if found else None
    return out


def map_style_counts(pg: Any) -> dict[int, int]:
    """How many parcels the page's map draws in each style (1 + a stage's rank; 0 no household), as the
    browser got them: for a view whose map carries no parcel numbers (no personal data)."""
    from collections import Counter

    from tests.test_browser import MAP_DRAWN, MAP_FRAME

    frame = pg.locator(MAP_FRAME).element_handle().content_frame()
    scripts = frame.evaluate(MAP_DRAWN)
    return dict(Counter(int(m) for m in re.findall(r",(\d+),\{(?:\"i\": ?\"[^\"]*\", ?)?\"u\":", scripts)))


def open_section(at: AppTest, key: str) -> AppTest:
    """Open a folded section of the main page (:func:`dashboard.panels.folded`), as a click on its header
    does (a rerun): its content is drawn only while it is open."""
    at.session_state[key] = True
    return at.run()


def open_tab(at: AppTest, label: str) -> AppTest:
    """Open the main page's tab whose label contains ``label``, as a click on it does (a rerun): only the
    open tab's content is drawn (:data:`dashboard.panels.TABS`)."""
    from dashboard.filters import KEYS
    from dashboard.panels import TABS

    at.session_state[KEYS["tab"]] = next(t for t in TABS if label in t)
    return at.run()
