"""Basemaps for the interactive map, each with its datum and attribution.

gzgeo's layers are WGS-84. Most tile services are too (OpenStreetMap, CARTO,
Esri; 天地图 Tianditu is CGCS2000, which agrees with WGS-84 to a few
centimetres — far below a map pixel). 高德 AMap tiles are drawn in GCJ-02,
about 600 m off in Guangzhou, so on an AMap basemap every overlay must be
shifted to GCJ-02 with :func:`gzgeo.crs.convert_frame` — :func:`to_basemap_datum`
does that — or the platforms land in the wrong street.

The default basemap is ``"none"``: no tiles, no network; the district polygons
give the context, and the map works on an intranet.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium

from .crs import convert, convert_frame

__all__ = [
    "Basemap",
    "BASEMAPS",
    "DEFAULT_BASEMAP",
    "get_basemap",
    "add_basemap",
    "draws_tiles",
    "overlay_datum",
    "to_basemap_datum",
    "point_to_basemap_datum",
    "point_from_basemap_datum",
]


@dataclass(frozen=True)
class Basemap:
    """A tile basemap.

    Attributes
    ----------
    id : str
        Key used in URLs (``?basemap=amap_vector``).
    name_zh, name_en : str
        Labels.
    datum : {"wgs84", "gcj02"}
        Datum the tiles are drawn in; overlays are converted to it.
    tiles : str or None
        Leaflet URL template, None for no tiles. ``{key}`` is replaced by the
        user's key when :attr:`needs_key`.
    attribution : str
        Shown in the map corner (HTML).
    subdomains : str
        Leaflet ``{s}`` values.
    max_zoom : int
    needs_key : bool
        True for Tianditu (a free key from console.tianditu.gov.cn).
    labels : str or None
        URL template of a transparent label layer drawn on top, if any.
    """

    id: str
    name_zh: str
    name_en: str
    datum: str
    tiles: str | None
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18
    needs_key: bool = False
    labels: str | None = None

    @property
    def online(self) -> bool:
        """True when the basemap fetches tiles from the internet."""
        return self.tiles is not None

    def label(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh


_TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
    "&TILECOL={{x}}&tk={{key}}"
)

BASEMAPS: dict[str, Basemap] = {
    b.id: b
    for b in [
        Basemap("none", "无底图（离线）", "None (offline)", "wgs84", None, ""),
        Basemap(
            "osm",
            "OpenStreetMap",
            "OpenStreetMap",
            "wgs84",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
            subdomains="abc",
            max_zoom=19,
        ),
        Basemap(
            "cartodb_light",
            "CARTO 浅色",
            "CARTO light",
            "wgs84",
            "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
            '&copy; <a href="https://carto.com/attributions">CARTO</a>',
            subdomains="abcd",
            max_zoom=20,
        ),
        Basemap(
            "esri_imagery",
            "Esri 影像",
            "Esri imagery",
            "wgs84",
            "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
            "Tiles &copy; Esri — Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community",
            subdomains="",
            max_zoom=19,
        ),
        Basemap(
            "amap_vector",
            "高德地图 矢量",
            "AMap vector",
            "gcj02",
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            '&copy; <a href="https://www.amap.com/">高德地图 AMap</a> (GCJ-02)',
            subdomains="1234",
            max_zoom=18,
        ),
        Basemap(
            "amap_satellite",
            "高德地图 卫星",
            "AMap satellite",
            "gcj02",
            "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
            '&copy; <a href="https://www.amap.com/">高德地图 AMap</a> (GCJ-02)',
            subdomains="1234",
            max_zoom=18,
        ),
        Basemap(
            "tianditu_vector",
            "天地图 矢量",
            "Tianditu vector",
            "wgs84",
            _TIANDITU.format(s="{s}", layer="vec"),
            '&copy; <a href="https://www.tianditu.gov.cn/">天地图 Tianditu</a> (CGCS2000)',
            subdomains="01234567",
            max_zoom=18,
            needs_key=True,
            labels=_TIANDITU.format(s="{s}", layer="cva"),
        ),
    ]
}
DEFAULT_BASEMAP = "none"


def get_basemap(basemap_id: str | None) -> Basemap:
    """Look a basemap up by id; unknown ids fall back to ``"none"``.

    Examples
    --------
    >>> get_basemap("amap_vector").datum, get_basemap("bogus").id
    ('gcj02', 'none')
    """
    return BASEMAPS.get(str(basemap_id or ""), BASEMAPS[DEFAULT_BASEMAP])


def add_basemap(fmap: folium.Map, basemap_id: str, key: str | None = None, lang: str = "zh") -> folium.TileLayer | None:
    """Add a basemap's tile layer (and label layer) to ``fmap``; nothing for ``"none"``.

    A key-requiring basemap without a key adds nothing (and returns None), so
    no request goes out with an empty key.

    Examples
    --------
    >>> m = folium.Map(tiles=None)
    >>> add_basemap(m, "none") is None, add_basemap(m, "tianditu_vector") is None
    (True, True)
    >>> add_basemap(m, "osm").tiles
    'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
    """
    base = get_basemap(basemap_id)
    if not base.online or (base.needs_key and not key):
        return None
    url = base.tiles.replace("{key}", key or "")
    layer = folium.TileLayer(
        tiles=url,
        attr=base.attribution,
        name=base.label(lang),
        max_zoom=base.max_zoom,
        subdomains=base.subdomains or "abc",
        overlay=False,
        control=False,
    )
    layer.add_to(fmap)
    if base.labels:
        folium.TileLayer(
            tiles=base.labels.replace("{key}", key or ""),
            attr=base.attribution,
            name=base.label(lang) + " labels",
            subdomains=base.subdomains,
            overlay=True,
            control=False,
            max_zoom=base.max_zoom,
        ).add_to(fmap)
    return layer


def draws_tiles(basemap_id: str | None, key: str | None = None) -> bool:
    """Whether the basemap draws tiles: an online basemap, with its key when it needs one.

    Examples
    --------
    >>> draws_tiles("none"), draws_tiles("osm"), draws_tiles("tianditu_vector"), draws_tiles("tianditu_vector", "k")
    (False, True, False, True)
    """
    base = get_basemap(basemap_id)
    return base.online and (not base.needs_key or bool(key))


def overlay_datum(basemap_id: str | None, key: str | None = None) -> str:
    """The datum every overlay is drawn in over this basemap: the tiles' datum when tiles are drawn, else WGS-84.

    The one home of the rule the web map, the plan overlays, the highlight and the app's
    click and drawing handlers share (see :func:`to_basemap_datum`).

    Parameters
    ----------
    basemap_id : str
        A key of :data:`BASEMAPS` (unknown ids fall back to ``"none"``).
    key : str, optional
        The user's key for a basemap that needs one (Tianditu); without it no tiles are drawn.

    Returns
    -------
    str
        ``"wgs84"`` or ``"gcj02"``.

    Examples
    --------
    >>> overlay_datum("amap_vector"), overlay_datum("osm"), overlay_datum("none")
    ('gcj02', 'wgs84', 'wgs84')
    """
    return get_basemap(basemap_id).datum if draws_tiles(basemap_id, key) else "wgs84"


def to_basemap_datum(gdf, basemap_id: str, key: str | None = None):
    """Return ``gdf`` (WGS-84) converted to the datum overlays use over the basemap (a copy only when it changes).

    ``key`` is the user's key for a basemap that needs one: without it no tiles are drawn and nothing moves
    (:func:`overlay_datum`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame(geometry=[Point(113.3191, 23.1066)], crs=4326)
    >>> to_basemap_datum(g, "osm") is g
    True
    >>> round(float(to_basemap_datum(g, "amap_vector").geometry.x.iloc[0]), 3)
    113.325
    """
    datum = overlay_datum(basemap_id, key)
    if datum == "wgs84" or gdf is None or len(gdf) == 0:
        return gdf
    return convert_frame(gdf, "wgs84", datum)


def point_to_basemap_datum(lat: float, lon: float, basemap_id: str, key: str | None = None) -> tuple[float, float]:
    """(lat, lon) in WGS-84 -> (lat, lon) as drawn on the basemap (``key``: see :func:`to_basemap_datum`).

    Examples
    --------
    >>> [round(v, 3) for v in point_to_basemap_datum(23.1066, 113.3191, "amap_satellite")]
    [23.104, 113.325]
    """
    datum = overlay_datum(basemap_id, key)
    if datum == "wgs84":
        return float(lat), float(lon)
    x, y = convert(lon, lat, "wgs84", datum)
    return y, x


def point_from_basemap_datum(lat: float, lon: float, basemap_id: str, key: str | None = None) -> tuple[float, float]:
    """(lat, lon) clicked on the basemap -> (lat, lon) in WGS-84 (``key``: see :func:`to_basemap_datum`).

    Examples
    --------
    >>> [round(v, 6) for v in point_from_basemap_datum(*point_to_basemap_datum(23.1, 113.3, "amap_vector"),
    ...                                                 "amap_vector")]
    [23.1, 113.3]
    """
    datum = overlay_datum(basemap_id, key)
    if datum == "wgs84":
        return float(lat), float(lon)
    x, y = convert(lon, lat, datum, "wgs84")
    return y, x
