"""Sources: a folder (and frames in memory) read into raw layers, before any assembly."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.source import FolderSource, MemorySource, SourceInfo
from tests.conftest import CRS, default_layers


def test_folder_source_describes_the_files_it_read(workspace):
    source = FolderSource(workspace)
    source.read()
    info = source.describe()
    assert (info.kind, info.name, info.location, info.folder) == ("folder", "ws", str(workspace), workspace)
    assert dict(info.files) == {
        "hamlets": "hamlets.gpkg",
        "parcels": "parcels.gpkg",
        "households": "households.csv",
        "projects": "projects.csv",
    }


def test_folder_source_reads_layers_as_they_are_in_the_files(workspace):
    raw = FolderSource(workspace).read()
    assert raw.report.problems == []
    assert sorted(raw.layers) == ["hamlets", "households", "parcels", "projects"]
    assert {"so_to", "so_thua", "dien_tich"} <= set(raw.layers["parcels"].frame.columns)  # not yet canonical
    assert raw.source.files["households"] == "households.csv" and raw.present == set(raw.layers)


def test_a_missing_folder_is_one_problem_and_no_layers(tmp_path):
    raw = FolderSource(tmp_path / "nowhere").read()
    assert [p.code for p in raw.report.problems] == ["no_workspace"]
    assert raw.layers == {} and dict(raw.source.files) == {}


def test_memory_source_names_each_layer_after_itself():
    layers = default_layers()
    hamlets = gpd.GeoDataFrame(pd.DataFrame(layers["hamlets"]), geometry="geometry", crs=CRS)
    parcels = gpd.GeoDataFrame(pd.DataFrame(layers["parcels"]), geometry="geometry", crs=CRS)
    raw = MemorySource({"hamlets": hamlets, "parcels": parcels}, name="Xã Thử").read()
    assert raw.source == SourceInfo("memory", "Xã Thử", "memory", {"hamlets": "hamlets", "parcels": "parcels"})
    assert raw.report.problems == [] and raw.layers["parcels"].spatial


def test_memory_source_without_a_required_layer_says_so():
    raw = MemorySource({"hamlets": gpd.GeoDataFrame(geometry=[], crs=CRS)}).read()
    assert [(p.code, p.file) for p in raw.report.errors] == [("missing_layer", "parcels")]
