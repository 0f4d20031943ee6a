"""Deterministic generator of a SYNTHETIC sample workspace for Hồ Sơn commune.

DỮ LIỆU MẪU TỔNG HỢP — không phải dữ liệu thật / SYNTHETIC SAMPLE DATA — not real.

The workspace imitates what a commune Party committee of Xã Hữu Lũng
(Lạng Sơn; merged on 1 July 2025 from xã Hồ Sơn, xã Đồng Tân and the
Hữu Lũng township of the former Hữu Lũng district) would assemble for land recovery, compensation and
resettlement work. It covers two former communes, Hồ Sơn and Đồng Tân, whose
cadastral map sheets are numbered independently, so map-sheet and parcel
numbers repeat across them. The place names above and the former communes'
codes (Hồ Sơn 06451, Đồng Tân 06424, merged into Xã Hữu Lũng 06385) are the
real ones; everything else is invented: geography, hamlet and person names,
amounts and events. Nothing is read from real data.

The geography (commune outline, the ten hamlets, road, project footprints) is
fixed: it does not depend on ``seed``. It is drawn, then turned and moved so
that Đồng Tân lies north-west of Hồ Sơn, as on the ground (about 60% and 90%
of each part within the commune's 2009 boundary). The seed drives parcels,
households, stage history, grievances, field reports and, above 10 hamlets,
how the hamlets are split. The story: Thôn Tân Hồ (HS03) is the hotspot
(price of the industrial cluster, gathering risk, and a cluster of open price
complaints from neighbours along the road, which Gi* finds), Thôn Đồng Lầm
(DT02) disputes the land type on the road, Thôn Khuôn Thần (DT04) stopped
reporting.

Files written (see ``data/README.md``)::

    hamlets.gpkg        hamlet polygons, EPSG:4326
    parcels.shp (+.shx .dbf .prj .cpg)
                        parcels, VN-2000 / TM-3 107°15' with an ESRI .prj that
                        names the VN-2000 datum without TOWGS84 and no EPSG code
    projects.geojson    project footprints, WGS 84
    households.xlsx     one row per household x project x parcel, Vietnamese headers
    stage_history.csv   UTF-8 with BOM, day-first dates
    grievances.csv      UTF-8, alias headers, mixed Vietnamese/English values
    field_reports.csv   UTF-8, weekly mood reports per hamlet
    workspace.toml      commune name, province, as_of, report settings
    README.txt          the synthetic-data label

Usage::

    python -m geo.sample data/hoson                      # the committed sample (commune size)
    python -m geo.sample /tmp/district --size district   # 30,000 parcels in 200 hamlets
    python -m geo.sample /tmp/province --size province   # 300,000 parcels in 2,000 hamlets
    python -m geo.sample OUT [--parcels N] [--hamlets H] [--households R] [--grievances G] [--seed S]

Sizes (:data:`SIZES`): ``commune`` (3,000 parcels, 10 hamlets, 800 household
rows, 150 grievances: the default), ``district`` (30,000 / 200 / 8,000 /
1,500: the size of a former district) and ``province`` (300,000 / 2,000 /
80,000 / 10,000). Above 3,000 parcels the hamlets default to one per 150
parcels, as hamlets are: the ten fixed hamlets are split into neighbourhoods
of about 150 parcels each, named after them ("Thôn Tân Hồ 7").

Same arguments give byte-identical files: the GeoPackage timestamp is pinned
with GDAL's ``OGR_CURRENT_DATE``, the DBF header date and the XLSX zip entry
times and document properties are set to ``as_of``.

The package, one concern a module (a developer tool: the library never imports it)::

    presets.py        sizes, the synthetic-data label, the communes' codes, the cadastral .prj
    geography.py      the fixed geography: outline, the ten hamlets, road, project footprints
    parcels.py        parcel geometries over the settled land, land use, numbering, declared area
    hamlets.py        the hamlet table: the ten hamlets or neighbourhoods split from them
    households.py     names, household rows and stage histories
    grievances.py     grievances and the planted price cluster
    field_reports.py  weekly mood reports
    files.py          writers with pinned timestamps (XLSX, DBF, TOML strings)
    generate.py       generate_workspace: every file of the workspace
    cli.py            main, the command line (``__main__.py`` runs it)

Stage, kind, topic, status and mood values come from :mod:`geo.schema`.
Importing the package does no work: the coordinate transformers are built on
first use.
"""

from __future__ import annotations

from .cli import main
from .generate import generate_workspace
from .hamlets import default_hamlets
from .presets import COMMUNE_CODES, PRJ_WKT, SIZES, SYNTHETIC_LABEL, Size

__all__ = [
    "COMMUNE_CODES",
    "PRJ_WKT",
    "SIZES",
    "SYNTHETIC_LABEL",
    "Size",
    "default_hamlets",
    "generate_workspace",
    "main",
]
