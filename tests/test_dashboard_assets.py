"""The map's script files served by the app itself (dashboard/assets.py): no request leaves the machine."""

from __future__ import annotations

from pathlib import Path

from dashboard.assets import asset_files, ensure_assets


def test_every_asset_is_copied_into_an_empty_folder(tmp_path: Path):
    assert ensure_assets(tmp_path) == []
    for rel, source in asset_files().items():
        assert (tmp_path / rel).read_bytes() == source.read_bytes(), rel


def test_an_asset_changed_in_the_folder_is_copied_again(tmp_path: Path):
    ensure_assets(tmp_path)
    rel, source = next(iter(asset_files().items()))
    (tmp_path / rel).write_bytes(b"broken")
    assert ensure_assets(tmp_path) == []
    assert (tmp_path / rel).read_bytes() == source.read_bytes()
