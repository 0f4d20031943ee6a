"""The Streamlit dashboard: ``streamlit run dashboard/app.py -- --workspace PATH``.

``app.py`` routes the addresses to the pages: ``/`` runs ``main_page.py``, which reads like the page it
draws, and ``/bc`` runs ``report_page.py`` (a party cell's weekly report from a phone); the pieces live
beside them:
``data`` (cached loading and analysis), ``filters`` (sidebar and URL),
``panels`` (figures, tables, charts, hamlet page, validation page),
``mapview`` (the folium map in the dashboard's own map frame, ``map_frame/``), ``assets`` (offline
Leaflet), ``cards`` and ``tables`` (figures and tables as HTML), ``text`` (Vietnamese wording, escaping, CSS).
The dashboard calls ``geo``; ``geo`` knows nothing of Streamlit.
"""
