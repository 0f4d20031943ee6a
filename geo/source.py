"""Where a workspace's layers come from: a :class:`Source` reads them, :func:`geo.workspace.assemble` builds.

A source finds and reads the raw layers (frames with their file or table
names), the settings and the problems met while reading; it knows nothing of
canonical columns, joins or checks. :class:`FolderSource` reads a folder
(``geo/io.py``, ``geo/config.py``); :class:`MemorySource` hands over frames
built in code. A store (GeoPackage, PostGIS) holds layers already in canonical
columns: its :class:`RawLayer` s say so (``canonical=True``) and assembly then
only fills absent columns, places and checks them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import geopandas as gpd
import pandas as pd

from .config import CONFIG_FILE, WorkspaceConfig, read_config
from .io import EXTENSIONS, RawLayer, WorkbookAhead, find_layer_file, read_layer, read_workbook_ahead
from .problems import Report
from .schema import LAYERS, SPATIAL_LAYERS

SourceKind = Literal["folder", "store", "memory"]

STORE_SUFFIXES = (".gpkg",)
URL_PREFIXES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def is_store(target: str | Path) -> bool:
    """True where ``target`` names a store: a ``postgresql://`` URL or a ``.gpkg`` path (a folder never).

    Example
    -------
    >>> is_store("postgresql://lan@127.0.0.1/hoson"), is_store("data/hoson")
    (True, False)
    """
    text = str(target)
    if text.startswith(URL_PREFIXES):
        return True
    return Path(text).suffix.lower() in STORE_SUFFIXES and not Path(text).is_dir()


@dataclass(frozen=True)
class SourceInfo:
    """What a source is, for titles, source lines and the output guard.

    Attributes
    ----------
    kind : {"folder", "store", "memory"}
    name : str
        A display name (the folder's name).
    location : str
        Where it is (the folder's path, a store's file or connection without password).
    files : Mapping
        Layer name → the file or table it was read from (the layers found).
    folder : Path or None
        The folder of a ``"folder"`` source (outputs are refused inside it).
    changeset : int or None
        For a ``"store"``: the changeset whose state was read (the head, or the one asked for with
        ``at``).
    """

    kind: SourceKind
    name: str
    location: str
    files: Mapping[str, str] = field(default_factory=dict)
    folder: Path | None = None
    changeset: int | None = None

    def describe(self) -> str:
        """One line for titles: the folder, or the store with its changeset (``hoson.gpkg #12``)."""
        if self.kind == "store":
            return f"{self.location} #{self.changeset}" if self.changeset is not None else self.location
        return self.location


@dataclass
class RawLayers:
    """What a source read: the layers as read, the settings and the problems met.

    Attributes
    ----------
    layers : dict
        Layer name → :class:`RawLayer`, for the layers read (a layer found but
        unreadable is in ``source.files``, not here).
    config : WorkspaceConfig
    report : Report
        The problems found while finding and reading.
    source : SourceInfo
    """

    layers: dict[str, RawLayer]
    config: WorkspaceConfig
    report: Report
    source: SourceInfo

    @property
    def present(self) -> set[str]:
        """The layers found (read or not)."""
        return set(self.source.files)


class Source(Protocol):
    """Anything a workspace can be read from: a folder today, a store next."""

    def read(self) -> RawLayers:
        """The raw layers, settings and reading problems; never raises for bad input."""
        ...

    def describe(self) -> SourceInfo:
        """Kind, display name, location and the files or tables read."""
        ...


@contextmanager
def guard(report: Report, file: str, doing: tuple[str, str]) -> Iterator[None]:
    """Turn a failure nobody foresaw into a problem naming the file, instead of a traceback."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 — the one net under every step of loading
        if os.environ.get("GEO_DEBUG"):
            raise
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        report.error(
            "internal",
            file,
            f"Không xử lý được {file} khi {doing[0]} ({what}) / Cannot process {file} while {doing[1]} ({what})",
            "Mở tệp bằng QGIS hoặc Excel, kiểm tra và lưu lại rồi chạy lại; nếu vẫn lỗi, gửi tệp và thông báo "
            "này cho nhóm phát triển (GEO_DEBUG=1 cho chi tiết) / Open the file in QGIS or Excel, check it, save "
            "it again and rerun; if it persists, send the file and this message to the developers "
            "(GEO_DEBUG=1 shows details).",
        )


class FolderSource:
    """A workspace folder: ``hamlets``, ``parcels`` and the optional layers, ``workspace.toml``.

    Example
    -------
    >>> src = FolderSource("data/hoson")  # doctest: +SKIP
    >>> raw = src.read()  # doctest: +SKIP
    >>> src.describe().files["parcels"]  # doctest: +SKIP
    'parcels.shp'
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._files: dict[str, str] = {}

    def describe(self) -> SourceInfo:
        """The folder, and the layer files the last :meth:`read` found."""
        return SourceInfo("folder", self.path.name, str(self.path), dict(self._files), self.path)

    def read(self) -> RawLayers:
        """Find and read every layer file and ``workspace.toml``; every problem lands in the report."""
        folder = self.path
        report = Report()
        self._files = {}
        if not folder.is_dir():
            report.error(
                "no_workspace",
                str(folder),
                "Không tìm thấy thư mục dữ liệu / The workspace folder does not exist",
                "Kiểm tra đường dẫn / Check the path.",
            )
            return RawLayers({}, WorkspaceConfig(), report, self.describe())
        cfg = WorkspaceConfig()
        with guard(report, CONFIG_FILE, ("đọc cấu hình", "reading the settings")):
            cfg = read_config(folder, report)
        found = {name: self._find(name, cfg) for name in LAYERS}
        # the table layers' workbooks (.xlsx) begun in background threads now: calamine parses them while
        # GDAL reads the spatial layers (geo.io.WorkbookAhead)
        tables = [name for name in LAYERS if name not in SPATIAL_LAYERS]
        ahead = {name: read_workbook_ahead(found[name][0], name, cfg) for name in tables}
        layers: dict[str, RawLayer] = {}
        for name in LAYERS:  # every problem reported in the layers' order: finding a layer's file, then reading it
            file, finding = found[name]
            report.extend(finding)
            with guard(report, f"{name}.*", ("tìm tệp", "finding the file")):
                raw = self._read_layer(name, file, finding, cfg, report, ahead.get(name))
                if raw is not None:
                    layers[name] = raw
        return RawLayers(layers, cfg, report, self.describe())

    def _find(self, name: str, cfg: WorkspaceConfig) -> tuple[Path | None, Report]:
        """Layer ``name``'s file (None where there is none) and the problems met finding it."""
        finding = Report()
        file = None
        with guard(finding, f"{name}.*", ("tìm tệp", "finding the file")):
            file = find_layer_file(self.path, name, cfg, finding)
        return file, finding

    def _read_layer(
        self,
        name: str,
        file: Path | None,
        finding: Report,
        cfg: WorkspaceConfig,
        report: Report,
        ahead: WorkbookAhead | None = None,
    ) -> RawLayer | None:
        layer = LAYERS[name]
        if file is None:
            # a file refused for lying outside the folder is that layer's one error, not also a missing layer
            refused = finding.has("outside_workspace")
            if layer.required and not refused and not report.has("missing_file") and not finding.has("internal"):
                files = sorted(p.name for p in self.path.iterdir() if p.is_file())
                shown = ", ".join(files[:30]) + (f" … (+{len(files) - 30})" if len(files) > 30 else "")
                report.error(
                    "missing_layer",
                    f"{name}.*",
                    f"Thiếu lớp bắt buộc “{name}” ({layer.label}); thư mục có: {shown or '(trống)'} / "
                    f"Required layer “{name}” is missing; the folder holds: {shown or '(nothing)'}",
                    f"Thêm tệp {name}.gpkg, {name}.shp (.zip) hoặc {name}.geojson vào thư mục, hoặc "
                    f"khai báo [layers.{name}] file = … trong workspace.toml / Add {name}.gpkg, .shp or "
                    ".geojson, or name the file in workspace.toml.",
                )
            return None
        self._files[name] = file.name
        with guard(report, file.name, ("đọc tệp", "reading the file")):
            return read_layer(file, name, cfg, report, spatial_required=name in SPATIAL_LAYERS, ahead=ahead)
        return None


class MemorySource:
    """Layers held in memory (frames built in code, a store's query results), for :func:`assemble`.

    Parameters
    ----------
    layers : Mapping
        Layer name → DataFrame or GeoDataFrame (a GeoDataFrame keeps its CRS).
    config : WorkspaceConfig, optional
    name : str
        The display name.
    canonical : bool
        The frames already have the canonical columns (``LAYERS[name].columns``)
        and values; they are not mapped again.

    Example
    -------
    >>> import geo
    >>> ws = geo.assemble(MemorySource({"hamlets": hamlets, "parcels": parcels}).read())  # doctest: +SKIP
    """

    def __init__(
        self,
        layers: Mapping[str, pd.DataFrame],
        config: WorkspaceConfig | None = None,
        name: str = "memory",
        canonical: bool = False,
    ):
        self.layers = dict(layers)
        self.config = config or WorkspaceConfig()
        self.name = name
        self.canonical = canonical

    def describe(self) -> SourceInfo:
        """``"memory"``, with each layer named after itself."""
        return SourceInfo("memory", self.name, "memory", {n: n for n in self.layers if n in LAYERS})

    def read(self) -> RawLayers:
        """The frames as :class:`RawLayer` s (an unknown layer name is an error, not a layer)."""
        report = Report()
        layers: dict[str, RawLayer] = {}
        for name, frame in self.layers.items():
            if name not in LAYERS:
                report.error(
                    "unknown_layer",
                    name,
                    f"Không có lớp “{name}” / No layer “{name}”",
                    f"Dùng một trong: {', '.join(LAYERS)} / Use one of: {', '.join(LAYERS)}.",
                )
                continue
            spatial = isinstance(frame, gpd.GeoDataFrame)
            georeferenced = not spatial or frame.crs is not None
            if not georeferenced:
                report.error(
                    "no_crs",
                    name,
                    f"Lớp “{name}” không có hệ tọa độ / Layer “{name}” has no CRS",
                    "Gán hệ tọa độ cho GeoDataFrame (set_crs) / Set the GeoDataFrame's CRS.",
                )
            layers[name] = RawLayer(frame, name, spatial, georeferenced=georeferenced, canonical=self.canonical)
        for name, layer in LAYERS.items():
            if layer.required and name not in self.layers:
                report.error(
                    "missing_layer",
                    name,
                    f"Thiếu lớp bắt buộc “{name}” ({layer.label}) / Required layer “{name}” is missing",
                    f"Thêm lớp {name} / Add the {name} layer.",
                )
        return RawLayers(layers, self.config, report, self.describe())


def canonical_raw(name: str, frame: pd.DataFrame, file: str | None = None) -> RawLayer:
    """A frame already in the contract's canonical columns (a store's layer) as a :class:`RawLayer`.

    Hamlets and parcels are spatial; a projects layer without any boundary is read as a table (as a
    ``projects.csv`` would be), so that its rows are not features without a geometry.
    """
    spatial = isinstance(frame, gpd.GeoDataFrame) and (name in SPATIAL_LAYERS or bool(frame.geometry.notna().any()))
    if isinstance(frame, gpd.GeoDataFrame) and not spatial:
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return RawLayer(frame, file or name, spatial, canonical=True)


def read_layer_file(
    layer: str,
    path: str | Path,
    config: WorkspaceConfig | None = None,
    context: Mapping[str, pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, Report]:
    """Read one layer's file (XLSX, CSV, zipped shapefile, GeoPackage, GeoJSON) into its canonical frame.

    The same readers as a workspace folder's (encodings, office lists with title blocks and merged
    headers, VN-2000, limits), then the same assembly: with ``context`` (the other layers, e.g. a
    store's current ones) the frame is placed and checked against them exactly as if the file were
    in a folder with those layers, and the report is the validation of the whole result. This is
    what an upload reads (``python -m geo store upload``, the dashboard's upload page).

    Parameters
    ----------
    layer : str
        The layer the file holds (``households``, ``parcels``, …).
    path : str or Path
        The file; its extension names its format.
    config : WorkspaceConfig, optional
        The workspace's settings (column names, sheet, CRS, encoding of the layer; thresholds).
    context : Mapping, optional
        Layer name → frame in canonical columns, for the other layers (``layer`` itself is ignored).

    Returns
    -------
    frame : DataFrame
        The layer's assembled frame (canonical columns, plus the columns assembly derives, such as
        the households' placed ``hamlet_id``); empty with the canonical columns where the file cannot
        be read.
    report : Report
        Every problem: reading the file (naming it, its rows, and what to do), then the checks.

    Example
    -------
    >>> frame, report = read_layer_file("households", "tuan_47/households.xlsx", ws.config,
    ...                                 context=store.layers())  # doctest: +SKIP
    >>> report.ok  # doctest: +SKIP
    True
    """
    from .workspace import assemble

    cfg = config or WorkspaceConfig()
    report = Report()
    file = Path(path)
    layers: dict[str, RawLayer] = {
        name: canonical_raw(name, frame) for name, frame in (context or {}).items() if name in LAYERS and name != layer
    }
    files = {name: name for name in layers}
    if layer not in LAYERS:
        report.error(
            "unknown_layer",
            layer,
            f"Không có lớp “{layer}” / No layer “{layer}”",
            f"Dùng một trong: {', '.join(LAYERS)} / Use one of: {', '.join(LAYERS)}.",
        )
    elif file.suffix.lower() not in EXTENSIONS:
        report.error(
            "unknown_format",
            file.name,
            f"Không đọc được định dạng “{file.suffix or file.name}” / Unknown file format “{file.suffix or file.name}”",
            "Dùng tệp .xlsx, .csv, .zip (shapefile nén), .gpkg, .geojson hoặc .shp / Use an .xlsx, .csv, "
            ".zip (zipped shapefile), .gpkg, .geojson or .shp file.",
        )
    elif not file.is_file():
        report.error(
            "missing_file",
            file.name,
            f"Không tìm thấy tệp {file} / The file {file} does not exist",
            "Kiểm tra đường dẫn tệp / Check the file's path.",
        )
    else:
        files[layer] = file.name
        with guard(report, file.name, ("đọc tệp", "reading the file")):
            raw = read_layer(file, layer, cfg, report, spatial_required=layer in SPATIAL_LAYERS)
            if raw is not None:
                layers[layer] = raw
    info = SourceInfo("memory", file.name, str(file), files)
    ws = assemble(RawLayers(layers, cfg, report, info), cfg)
    frame = getattr(ws, layer) if layer in LAYERS else pd.DataFrame()
    return frame, ws.report
