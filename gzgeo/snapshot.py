"""PNG of an interactive folium map exactly as a browser renders it (headless Chromium, offline).

The map is saved as a standalone HTML file with every asset inlined
(:func:`gzgeo.offline.localize` ``mode="inline"``), opened from ``file://`` in
Debian's Chromium (:func:`gzgeo.browser.launch_chromium`) with every non-file
request aborted, and the ``.folium-map`` element is captured at
``device_scale_factor=2`` once Leaflet has drawn its overlay pane. No network
is used or needed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import folium
import geopandas as gpd

from ._io import atomic_write_bytes
from .browser import launch_chromium
from .offline import localize
from .webmap import layout_map

__all__ = ["snapshot_png", "save_snapshot"]


def snapshot_png(
    fmap: folium.Map | None = None,
    platforms: gpd.GeoDataFrame | None = None,
    width: int = 1600,
    height: int = 900,
    scale: float = 2.0,
    timeout_ms: float = 30_000,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> bytes:
    """Render a folium map in headless Chromium and return a PNG of the map element.

    Parameters
    ----------
    fmap : folium.Map, optional
        The map to capture (e.g. the app's current map); by default
        :func:`gzgeo.maps.layout_map` of ``platforms``. It is re-localised
        inline, so a map built for the app (``offline="static"``) works too.
    platforms : GeoDataFrame, optional
        Selection for the default map.
    width, height : int
        Viewport in CSS pixels (the PNG is ``scale`` times larger).
    scale : float
        ``device_scale_factor``: 2 gives a 3200×1800 PNG for the default viewport.
    timeout_ms : float
        How long to wait for Leaflet to draw.
    center, zoom : optional
        The view to capture, ``(lat, lon)`` in the map's own coordinates (GCJ-02 on an AMap basemap) and
        the Leaflet zoom level: pass where the planner has panned to, to capture exactly what they see.

    Returns
    -------
    bytes
        PNG data.

    Raises
    ------
    RuntimeError
        If Chromium is not installed.
    """
    from playwright.sync_api import sync_playwright

    if fmap is None:
        fmap = layout_map(platforms=platforms, offline="inline")
    else:
        localize(fmap, mode="inline")
    if center is not None:
        fmap.location = [float(center[0]), float(center[1])]
    if zoom is not None:
        fmap.options["zoom"] = int(zoom)
    with tempfile.TemporaryDirectory(prefix="gzgeo-snapshot-") as tmp:
        page_path = Path(tmp) / "map.html"
        fmap.save(str(page_path))
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
                # offline by construction: anything but the local file and inline data is refused
                context.route(
                    "**/*",
                    lambda route: (
                        route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
                    ),
                )
                page = context.new_page()
                page.goto(page_path.as_uri(), wait_until="load", timeout=timeout_ms)
                page.wait_for_selector(".leaflet-container", timeout=timeout_ms)
                page.wait_for_selector(".leaflet-overlay-pane", state="attached", timeout=timeout_ms)
                # two animation frames: Leaflet draws vector layers on the frame after the pane exists
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                page.wait_for_timeout(300)
                return page.locator(".folium-map").first.screenshot(type="png", timeout=timeout_ms)
            finally:
                browser.close()


def save_snapshot(path: str | Path, fmap: folium.Map | None = None, **options) -> Path:
    """Write :func:`snapshot_png` to ``path``."""
    path = Path(path)
    atomic_write_bytes(path, snapshot_png(fmap, **options))
    return path
