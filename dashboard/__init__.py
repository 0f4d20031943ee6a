"""The Streamlit dashboard: ``streamlit run dashboard/app.py -- --workspace PATH``.

``app.py`` reads like the page it draws; the pieces live beside it:
``data`` (cached loading and analysis), ``filters`` (sidebar and URL),
``panels`` (figures, tables, charts, hamlet page, validation page),
``mapview`` (the folium map through streamlit-folium), ``assets`` (offline
Leaflet and jQuery), ``text`` (Vietnamese wording, escaping, CSS).
The dashboard calls ``geo``; ``geo`` knows nothing of Streamlit.
"""
