"""Tiến độ giải phóng mặt bằng và công tác dân vận — the dashboard's entry point: a router of its pages.

    streamlit run dashboard/app.py -- --workspace PATH     (default: data/hoson)
    streamlit run dashboard/app.py -- --workspace STORE [--at N]   (a .gpkg store or postgresql:// URL)

Two pages, no menu (``st.navigation(position="hidden")``): each is reached by its address.

``/``
    The main page (``dashboard/main_page.py``): filters, figures, map, tables, meeting mode.
``/bc``
    A party cell's weekly report from a phone (``dashboard/report_page.py``; *bc* for *báo cáo*):
    an address short enough to pin in the party cell's Zalo group.

A new page is one more :func:`st.Page` in :data:`PAGES`' list. The page configuration is set here,
once per run, for the page about to run: the phone page narrow and without a sidebar.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st

from dashboard import report_page, warm
from dashboard.serve import ensure_host_check

ensure_host_check()  # unknown Host headers refused also under plain `streamlit run` (see dashboard/serve.py)

MAIN = st.Page(ROOT / "dashboard" / "main_page.py", title="Tiến độ GPMB – Dân vận", default=True)
REPORT = st.Page(ROOT / "dashboard" / "report_page.py", title=report_page.TITLE, url_path=report_page.URL_PATH)
PAGES = [MAIN, REPORT]

page = st.navigation(PAGES, position="hidden")
phone = page.url_path == REPORT.url_path
meeting_link = st.query_params.get("meeting") == "1"
st.set_page_config(
    page_title=page.title,
    page_icon=str(ROOT / "dashboard" / "static" / "favicon.png"),
    layout="centered" if phone else "wide",
    initial_sidebar_state="collapsed" if phone or meeting_link else "expanded",
)
with warm.page_run():  # the server's background warm-up waits while pages run
    page.run()
