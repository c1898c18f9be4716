"""An optional tile basemap under a static map: slippy-map tiles fetched, mosaicked and reprojected to EPSG:4547.

Only drawn when a caller asks for tiles (the default static map needs no network).
"""

from __future__ import annotations

import io
import urllib.request

import numpy as np
from pyproj import Transformer

from ..crs import GUANGZHOU_METRIC_CRS, WGS84, convert


def _tile_xy(lon: np.ndarray, lat: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Fractional Web-Mercator (slippy-map) tile coordinates."""
    n = 2.0**zoom
    lat_rad = np.radians(lat)
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - np.log(np.tan(lat_rad) + 1.0 / np.cos(lat_rad)) / np.pi) / 2.0 * n
    return x, y


def _draw_basemap(
    ax,
    template: str,
    datum: str,
    extent: tuple[float, float, float, float],
    max_tiles: int = 36,
    timeout_s: float = 5.0,
    pixels: tuple[int, int] = (1400, 1000),
) -> None:
    """Fetch slippy-map tiles, reproject them to EPSG:4547 and draw them under the data.

    ``datum`` is the tiles' datum: ``"wgs84"`` (OpenStreetMap and most
    servers) or ``"gcj02"`` (AMap, Tencent), which is corrected here so the
    tiles line up with the WGS-84 layers. Raises on any fetch failure.
    """
    from PIL import Image

    x0, x1, y0, y1 = extent
    to_wgs = Transformer.from_crs(GUANGZHOU_METRIC_CRS, WGS84, always_xy=True)
    gx, gy = np.meshgrid(np.linspace(x0, x1, pixels[0]), np.linspace(y1, y0, pixels[1]))
    lon, lat = to_wgs.transform(gx, gy)
    lon, lat = convert(lon, lat, "wgs84", datum)
    zoom = 18
    while zoom > 1:
        tx, ty = _tile_xy(lon, lat, zoom)
        count = (int(tx.max()) - int(tx.min()) + 1) * (int(ty.max()) - int(ty.min()) + 1)
        if count <= max_tiles:
            break
        zoom -= 1
    tx0, ty0 = int(tx.min()), int(ty.min())
    cols, rows = int(tx.max()) - tx0 + 1, int(ty.max()) - ty0 + 1
    mosaic = Image.new("RGB", (cols * 256, rows * 256), "white")
    for i in range(cols):
        for j in range(rows):
            url = template.format(z=zoom, x=tx0 + i, y=ty0 + j, s="a")
            with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - user-chosen tile URL
                tile = Image.open(io.BytesIO(response.read())).convert("RGB")
            mosaic.paste(tile.resize((256, 256)), (i * 256, j * 256))
    pixels_x = np.clip(((tx - tx0) * 256).astype(int), 0, cols * 256 - 1)
    pixels_y = np.clip(((ty - ty0) * 256).astype(int), 0, rows * 256 - 1)
    image = np.asarray(mosaic)[pixels_y, pixels_x]
    ax.imshow(image, extent=(x0, x1, y0, y1), origin="upper", zorder=0, interpolation="bilinear")
