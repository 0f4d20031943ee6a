"""The Streamlit dashboard: ``streamlit run dashboard/app.py -- --workspace PATH``.

``app.py`` routes the addresses to the pages: ``/`` runs ``main_page.py``, which reads like the page it
draws, and ``/bc`` runs ``report_page.py`` (a party cell's weekly report from a phone); the pieces live
beside them:
``data`` (cached loading and analysis), ``filters`` (sidebar and URL),
``panels`` (figures, tables, charts, hamlet page, validation page),
``mapview`` (the folium map through streamlit-folium), ``assets`` (offline
Leaflet), ``text`` (Vietnamese wording, escaping, CSS).
The dashboard calls ``geo``; ``geo`` knows nothing of Streamlit.
"""
