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
from .io import RawLayer, find_layer_file, read_layer
from .problems import Report
from .schema import LAYERS, SPATIAL_LAYERS

SourceKind = Literal["folder", "store", "memory"]


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
    """

    kind: SourceKind
    name: str
    location: str
    files: Mapping[str, str] = field(default_factory=dict)
    folder: Path | None = None


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
        layers: dict[str, RawLayer] = {}
        for name in LAYERS:
            with guard(report, f"{name}.*", ("tìm tệp", "finding the file")):
                raw = self._read_layer(name, cfg, report)
                if raw is not None:
                    layers[name] = raw
        return RawLayers(layers, cfg, report, self.describe())

    def _read_layer(self, name: str, cfg: WorkspaceConfig, report: Report) -> RawLayer | None:
        layer = LAYERS[name]
        seen = len(report.problems)
        file = find_layer_file(self.path, name, cfg, report)
        if file is None:
            # a file refused for lying outside the folder is that layer's one error, not also a missing layer
            refused = any(p.code == "outside_workspace" for p in report.problems[seen:])
            if layer.required and not refused and not report.has("missing_file"):
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
            return read_layer(file, name, cfg, report, spatial_required=name in SPATIAL_LAYERS)
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
