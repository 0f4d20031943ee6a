"""The handover-progress map: a folium map of one time slice, built without a browser.

:func:`build_map` draws one :class:`~geo.selection.TimeSlice` — parcels
coloured by procedure stage, hamlets shaded by hotspot level with permanent
names, Gi* clusters, grievance points, project footprints, a Vietnamese
legend and a layer control — and :func:`map_html` turns it into a page. The
dashboard, the notebooks and the snapshot exports all call these two.
:func:`build_map` returns a :class:`BuiltMap`: the folium map and what it drew
(:class:`MapInfo`).

The package has one module per concern: :mod:`~geo.maps.display` (display
geometry and its cache), :mod:`~geo.maps.elements` (the Leaflet elements, their
JavaScript and CSS), :mod:`~geo.maps.layers` and :mod:`~geo.maps.legend` (what
is drawn, and its key), :mod:`~geo.maps.assets` (Leaflet served or inlined
offline), :mod:`~geo.maps.build` (the map and its page) and
:mod:`~geo.maps.pick` (what a click picks: :func:`parcel_at`, and the parcel's
households read on demand, :func:`parcel_households`).

Three rules hold for everything drawn here:

* **Escaped.** Every value that comes from the data (names, ids, notes,
  reasons) goes through :func:`html.escape` before it reaches a tooltip,
  popup or label, so ``<img src=x onerror=alert(1)>`` shows as text.
* **Offline.** The page loads Leaflet from ``asset_base``
  (``/app/static/vendor`` by default: the dashboard copies them there from
  the xstatic packages, see :func:`asset_files`) and nothing else; no CDN,
  no tiles unless ``basemap=True``. :func:`map_html` can also inline them.
* **Light.** Display geometry is simplified in the metric CRS (0.75 m for
  parcels), reprojected to WGS 84 and cut to 6 decimals (≈ 0.1 m) once per
  workspace (:func:`display_geometry`); a map holds at most ``max_parcels``
  parcels (and about ``max_bytes`` of them) and falls back to the affected
  parcels only, then to hamlet-level shapes beyond that, so a province never
  sends all its parcels to the browser.

What may appear is one value, ``disclosure``
(:class:`geo.disclosure.Disclosure`): anything below ``PERSONAL`` (the
dashboard's meeting mode is ``PUBLIC``) shows no personal data: no household
names, no per-household amounts, no household ids, in tooltips and popups
too, and no parcel or grievance case numbers. Even ``PERSONAL`` embeds no
household's name, id or amount unless ``household_details=True`` asks for it
(a file a permitted user asked for, :func:`geo.exports.snapshot_html`); the
dashboard shows a clicked parcel's households on demand instead. Large type
(``large_type``) is presentation, a separate argument.
"""

from __future__ import annotations

from ..formatting import fmt_date, fmt_number
from ..vocabulary import LEVEL_COLOURS
from .assets import ASSET_BASE, asset_files, offline_links
from .build import BuiltMap, build_map, carry_selection, map_frame, map_html, selection_script, selection_title
from .display import UNMAPPED_KINDS, DisplayGeometry, display_geometry, mappable_grievances
from .elements import DataLayer, esc
from .layers import MAX_PARCEL_BYTES, MAX_PARCELS, STAGE_COLOURS, UNAFFECTED_COLOUR, MapInfo, hamlet_grievance_counts
from .pick import HOUSEHOLD_COLUMNS, OUTSIDE_HAMLETS, parcel_at, parcel_households

__all__ = [
    "ASSET_BASE",
    "LEVEL_COLOURS",
    "MAX_PARCELS",
    "MAX_PARCEL_BYTES",
    "STAGE_COLOURS",
    "UNAFFECTED_COLOUR",
    "UNMAPPED_KINDS",
    "BuiltMap",
    "DataLayer",
    "DisplayGeometry",
    "HOUSEHOLD_COLUMNS",
    "MapInfo",
    "OUTSIDE_HAMLETS",
    "asset_files",
    "build_map",
    "carry_selection",
    "display_geometry",
    "esc",
    "fmt_date",
    "fmt_number",
    "hamlet_grievance_counts",
    "map_frame",
    "map_html",
    "mappable_grievances",
    "offline_links",
    "parcel_at",
    "parcel_households",
    "selection_script",
    "selection_title",
]
