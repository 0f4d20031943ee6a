"""Asset inlining: the map's Leaflet served from local files, or embedded in the page, offline.

The dashboard serves the files of the xstatic packages under :data:`ASSET_BASE`
(:func:`asset_files`); a map links only those (:func:`offline_links`), and a
page opened outside the dashboard (notebooks, exports) has them embedded
(:func:`inline_local_assets`): no CDN, no request leaves the machine.
"""

from __future__ import annotations

import base64
from pathlib import Path

ASSET_BASE = "/app/static/vendor"
"""Where the page loads Leaflet from (Streamlit's static folder of the dashboard)."""


def asset_files() -> dict[str, Path]:
    """The offline assets: path under ``asset_base`` → the file in its xstatic package.

    Example
    -------
    >>> sorted(asset_files())[:2]
    ['leaflet/images/layers-2x.png', 'leaflet/images/layers.png']
    """
    import xstatic.pkg.leaflet as xleaflet

    leaflet = Path(xleaflet.BASE_DIR)
    out = {
        "leaflet/leaflet.js": leaflet / "leaflet.js",
        "leaflet/leaflet.css": leaflet / "leaflet.css",
    }
    for image in sorted((leaflet / "images").glob("*.png")):
        out[f"leaflet/images/{image.name}"] = image
    return out


def offline_links(asset_base: str = ASSET_BASE) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(default_js, default_css)`` for a folium map that loads only local files: Leaflet alone (folium's
    other defaults — jQuery, Bootstrap, Awesome Markers — are not used by the product's maps; the map's
    frame loads its scripts one after another, so each one left out is one wait less)."""
    base = asset_base.rstrip("/")
    js = [("leaflet", f"{base}/leaflet/leaflet.js")]
    css = [("leaflet_css", f"{base}/leaflet/leaflet.css")]
    return js, css


def inline_local_assets(page: str, js: list[tuple[str, str]], css: list[tuple[str, str]]) -> str:
    """``page`` with its links to the local assets replaced by the files themselves.

    Parameters
    ----------
    page : str
        A rendered map page.
    js, css : list of (name, url)
        The map's ``default_js`` and ``default_css`` (:func:`offline_links`);
        scripts are embedded, the stylesheet too with its images as data URLs.
        A URL outside :func:`asset_files` stays a link.

    Returns
    -------
    str
    """
    files = asset_files()
    for _name, url in js:
        rel = _asset_rel(url)
        if rel in files:
            code = files[rel].read_text(encoding="utf-8").replace("</script", "<\\/script")
            page = page.replace(f'<script src="{url}"></script>', f"<script>{code}</script>")
    for _name, url in css:
        rel = _asset_rel(url)
        if rel in files:
            text = files[rel].read_text(encoding="utf-8")
            for img_rel, path in files.items():
                if img_rel.startswith("leaflet/images/"):
                    data = base64.b64encode(path.read_bytes()).decode("ascii")
                    text = text.replace(img_rel.removeprefix("leaflet/"), f"data:image/png;base64,{data}")
            page = page.replace(f'<link rel="stylesheet" href="{url}"/>', f"<style>{text}</style>")
    return page


def _asset_rel(url: str) -> str:
    marker = "/vendor/"
    return url.split(marker, 1)[1] if marker in url else url
