"""Constants and names shared by the interactive map, the static map and the view state.

One home for what several views must agree on, low in the import graph: it imports
nothing from the views, so ``viewstate``, ``orientation`` and ``pointlayer`` can use it
without climbing up to :mod:`gzgeo.maps`.

>>> from gzgeo.style import DEFAULT_LAYERS, ALL_LAYERS
>>> set(DEFAULT_LAYERS) <= set(ALL_LAYERS)
True
"""

from __future__ import annotations

from functools import lru_cache

from .crs import GUANGZHOU_METRIC_CRS
from .i18n import normalise_language
from .layers import data_home, load
from .safe import validate_color

__all__ = [
    "DISPLAY_DECIMALS",
    "DISPLAY_TOLERANCE_M",
    "GUANGZHOU_CENTER",
    "ALL_LAYERS",
    "DEFAULT_LAYERS",
    "FALLBACK_COLOR",
    "LAYER_COLORS",
    "METRO_COLOR",
    "METRO_DECIMALS",
    "METRO_TOLERANCE_M",
    "category_colors",
    "display_geometry",
    "district_name",
    "district_names",
]

#: Decimals of fixed layers' coordinates on the web map: 1e-5 degree is about 1 m, finer than the layers'
#: stated precision (``geometry_quality``: official-derived or approximate) and than a pixel below zoom 17.
DISPLAY_DECIMALS = 5
#: Vertices closer than this to the simplified outline are left out of the web map (metres, EPSG:4547):
#: under a pixel at the zooms the map opens at, a third of the zone parts' vertices.
DISPLAY_TOLERANCE_M = 1.0
#: The metro orientation layer's decimals (≈ 10 m, as its stations in the source data) and simplification
#: tolerance (m): thin lines to navigate by, not survey lines; a third of the web map's fixed-layer text otherwise.
METRO_DECIMALS = 4
METRO_TOLERANCE_M = 5.0


def display_geometry(geometry, tolerance_m: float = DISPLAY_TOLERANCE_M):
    """``geometry`` (a WGS-84 GeoSeries) simplified for display by ``tolerance_m`` metres, topology kept.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> line = gpd.GeoSeries([LineString([(113.3, 23.1), (113.30000001, 23.2), (113.3, 23.3)])], crs=4326)
    >>> len(display_geometry(line).iloc[0].coords)
    2
    """
    metric = geometry.to_crs(GUANGZHOU_METRIC_CRS)
    return metric.simplify(tolerance_m, preserve_topology=True).to_crs(geometry.crs)


#: Map centre (lat, lon) framing the city proper and the Huangpu/Nansha zones.
GUANGZHOU_CENTER = (23.12, 113.42)
#: Every overlay the map can draw, in drawing order.
ALL_LAYERS: tuple[str, ...] = (
    "districts",
    "metro",
    "zones",
    "parts",
    "cores",
    "nodes",
    "axis",
    "platforms",
    "district_counts",
    "heatmap",
    "hulls",
    "rings",
)
#: Overlays shown when nothing else is asked for (the others are in the layer control, switched off).
OFF_BY_DEFAULT: tuple[str, ...] = ("heatmap", "hulls")
DEFAULT_LAYERS: tuple[str, ...] = tuple(layer for layer in ALL_LAYERS if layer not in OFF_BY_DEFAULT)


#: Colour of a category missing from ``data/categories.csv`` or with an invalid colour.
FALLBACK_COLOR = "#333333"
#: Outline colour of each fixed layer, shared by the web map (:mod:`gzgeo.maps`) and the static map
#: (:mod:`gzgeo.cartography`), so a zone is the same red on screen, on paper and on a slide.
LAYER_COLORS: dict[str, str] = {
    "zones": "#b2182b",
    "parts": "#ef8a62",
    "cores": "#2166ac",
    "nodes": "#1b7837",
    "axis": "#762a83",
    "metro": "#5a6b7b",
}
#: The metro lines' colour (a muted slate: orientation, not a layer of the plan).
METRO_COLOR = LAYER_COLORS["metro"]


def category_colors() -> dict[str, str]:
    """Map colour of each platform category, from ``data/categories.csv``, in the file's order.

    The one home of the category colours: the web map, its legend and the static maps
    all read them here. A colour is pasted into style and script, so one that is not
    ``#rrggbb`` is replaced by :data:`FALLBACK_COLOR` (``gzgeo.validate()`` reports it).

    Examples
    --------
    >>> colors = category_colors()
    >>> all(c.startswith("#") and len(c) == 7 for c in colors.values())
    True
    """
    try:
        cats = load("categories")
    except FileNotFoundError:
        return {}
    return {
        key: validate_color(color, fallback=FALLBACK_COLOR)
        for key, color in zip(cats["id"], cats["color"], strict=True)
    }


@lru_cache(maxsize=4)
def _district_names_en(home: str) -> dict[str, str]:
    # keyed by the data folder, so a test pointing GZGEO_DATA elsewhere gets its own table
    try:
        districts = load("districts")
    except FileNotFoundError:
        return {}
    return dict(zip(districts["name_zh"], districts["name_en"].fillna(""), strict=True))


def district_names(lang: str) -> dict[str, str]:
    """District ``name_zh`` -> display name in ``lang`` (English names in English mode).

    Examples
    --------
    >>> district_names("en")["黄埔区"], district_names("zh")["黄埔区"]
    ('Huangpu', '黄埔区')
    """
    names = _district_names_en(str(data_home()))
    if normalise_language(lang) != "en":
        return {zh: zh for zh in names}
    return {zh: en or zh for zh, en in names.items()}


def district_name(name_zh: str, lang: str) -> str:
    """The district's English name in English mode (the data store Chinese names), else the name as stored.

    Examples
    --------
    >>> district_name("黄埔区", "zh")
    '黄埔区'
    >>> district_name("黄埔区", "en")
    'Huangpu'
    """
    if normalise_language(lang) != "en":
        return name_zh
    return _district_names_en(str(data_home())).get(name_zh) or name_zh
