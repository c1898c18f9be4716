"""Exports for other GIS tools and for briefings: GeoPackage, GeoJSON, CSV, standalone HTML, and one entry point.

Every data export is in WGS-84 (EPSG:4326), the storage CRS; CSV adds
``lon``/``lat`` columns and, on request, GCJ-02 columns ``lon_gcj02``/``lat_gcj02``
for AMap and Tencent. :func:`export_bytes` is the single entry point the app's
download buttons use: it returns the file's bytes, a file name and a MIME type
for every format, maps (PNG/SVG/PDF via :mod:`gzgeo.cartography`), decks (PPTX
via :mod:`gzgeo.deck`) and data alike.

Selections: every function takes an optional ``platforms`` GeoDataFrame, a
filtered subset of ``gzgeo.load("platforms")``; :func:`select_platforms`
builds one from category, district and zone filters.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ._io import atomic_path, atomic_write_text
from .crs import WGS84, convert
from .filters import filter_platforms
from .formats import EXPORT_FORMATS  # re-exported: gzgeo.export stays its public home
from .layers import LAYERS, load
from .selection import UnknownZoneError, resolve_zone  # re-exported: the public home stays gzgeo.export

__all__ = [
    "EXPORT_FORMATS",
    "UnknownZoneError",
    "resolve_zone",
    "select_platforms",
    "platforms_table",
    "write_csv",
    "write_geojson",
    "write_geopackage",
    "write_html",
    "export_bytes",
]


_SPATIAL_LAYERS = tuple(name for name, spec in LAYERS.items() if spec.is_spatial)
_TABLE_LAYERS = tuple(name for name, spec in LAYERS.items() if not spec.is_spatial)


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _resolve_names(values: list[str], table: pd.DataFrame, key: str, what: str) -> list[str]:
    """Map ids or Chinese/English names (case-insensitive) to ``table[key]``; unknown values raise with the list."""
    lookup = {
        str(v).casefold(): k
        for k, zh, en in zip(table[key], table["name_zh"], table["name_en"], strict=True)
        for v in (k, zh, en)
    }
    unknown = [v for v in values if v.casefold() not in lookup]
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(unknown)}; valid: {', '.join(table[key])}")
    return [lookup[v.casefold()] for v in values]


def select_platforms(
    platforms: gpd.GeoDataFrame | None = None,
    category: str | Iterable[str] | None = None,
    district: str | Iterable[str] | None = None,
    zone: str | Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Filter platforms by category, district and zone (each any-of; the filters combine with AND).

    Parameters
    ----------
    platforms : GeoDataFrame, optional
        Starting selection; all of ``gzgeo.load("platforms")`` by default.
    category : str or list of str, optional
        Category ids (``data/categories.csv``) or their Chinese/English names.
    district : str or list of str, optional
        District names, Chinese (``黄埔区``) or English (``Huangpu``).
    zone : str or list of str, optional
        Zone ids or names; a platform is in a zone when its point lies in the
        zone polygon or its ``anchor`` names the zone (see :mod:`gzgeo.filters`).

    Returns
    -------
    GeoDataFrame
        A subset in WGS-84 (EPSG:4326), original index kept.

    Raises
    ------
    ValueError
        For an unknown category or district (the message lists valid values).
    UnknownZoneError
        For an unknown zone.

    Examples
    --------
    >>> import gzgeo
    >>> everything = gzgeo.load("platforms")
    >>> district = everything["district"].iloc[0]
    >>> picked = select_platforms(district=district)
    >>> bool((picked["district"] == district).all()) and len(picked) >= 1
    True
    """
    selected = load("platforms") if platforms is None else platforms
    wanted: dict[str, list[str]] = {}
    categories = _as_list(category)
    if categories:
        wanted["category"] = _resolve_names(categories, load("categories"), "id", "category")
    districts = _as_list(district)
    if districts:
        wanted["district"] = _resolve_names(districts, load("districts"), "name_zh", "district")
    zone_keys = _as_list(zone)
    if zone_keys:
        zones = load("zones")
        wanted["zone"] = [resolve_zone(key, zones)["id"] for key in zone_keys]
    if not wanted:
        return selected
    # gzgeo.filters decides membership (zones: point in polygon or anchored); keep the caller's columns
    matched = filter_platforms(selected, **wanted)
    return selected.loc[matched.index]


def platforms_table(platforms: gpd.GeoDataFrame | None = None, gcj02: bool = False) -> pd.DataFrame:
    """Platforms as a plain table with WGS-84 ``lon``/``lat`` columns (and optionally GCJ-02 ones).

    ``lon``/``lat`` are the drawn point in WGS-84 degrees, so a platform
    known only to its zone or district gets the anchor polygon's
    representative point; ``location_is_estimate`` says which rows those are.

    Parameters
    ----------
    platforms : GeoDataFrame, optional
        Selection; all platforms by default.
    gcj02 : bool
        Add ``lon_gcj02``/``lat_gcj02`` (AMap/Tencent datum, via :func:`gzgeo.crs.convert`).

    Returns
    -------
    pandas.DataFrame
        No geometry column; coordinates rounded to 7 decimals (~1 cm).

    Examples
    --------
    >>> table = platforms_table(gcj02=True)
    >>> {"lon", "lat", "lon_gcj02", "lat_gcj02"} <= set(table.columns)
    True
    >>> bool(((table["lon_gcj02"] - table["lon"]).abs() > 0.001).all())  # ~500 m shift in Guangzhou
    True
    """
    selected = load("platforms") if platforms is None else platforms
    selected = selected.to_crs(WGS84)
    table = pd.DataFrame(selected.drop(columns=selected.geometry.name))
    lon = selected.geometry.x.to_numpy(dtype=float)
    lat = selected.geometry.y.to_numpy(dtype=float)
    table["lon"], table["lat"] = np.round(lon, 7), np.round(lat, 7)
    if gcj02:
        glon, glat = convert(lon, lat, "wgs84", "gcj02")
        table["lon_gcj02"], table["lat_gcj02"] = np.round(glon, 7), np.round(glat, 7)
    return table


def write_csv(path: str | Path, platforms: gpd.GeoDataFrame | None = None, gcj02: bool = False) -> Path:
    """Write platforms as UTF-8 CSV (with BOM, so Excel shows Chinese) with WGS-84 lon/lat columns.

    Parameters
    ----------
    path : path
        Output file.
    platforms : GeoDataFrame, optional
        Selection; all platforms by default.
    gcj02 : bool
        Also write ``lon_gcj02``/``lat_gcj02``.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_csv(Path(tmp) / "platforms.csv")
    ...     len(pd.read_csv(out, encoding="utf-8-sig")) == len(load("platforms"))
    True
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        platforms_table(platforms, gcj02=gcj02).to_csv(tmp, index=False, encoding="utf-8-sig")
    return path


def write_geojson(path: str | Path, platforms: gpd.GeoDataFrame | None = None, layer: str = "platforms") -> Path:
    """Write one spatial layer as GeoJSON (RFC 7946: WGS-84 lon/lat).

    Parameters
    ----------
    path : path
        Output file.
    platforms : GeoDataFrame, optional
        Selection, used when ``layer`` is ``"platforms"``.
    layer : str
        Any spatial layer name (``platforms``, ``zones``, ``districts``, ...).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import json, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     doc = json.loads(write_geojson(Path(tmp) / "z.geojson", layer="zones").read_text(encoding="utf-8"))
    >>> len(doc["features"]) == len(load("zones"))
    True
    """
    path = Path(path)
    if layer not in _SPATIAL_LAYERS:
        raise ValueError(f"unknown spatial layer {layer!r}; valid: {', '.join(_SPATIAL_LAYERS)}")
    gdf = _layer_for_export(layer, platforms)
    with atomic_path(path) as tmp:  # a fresh temporary name: GDAL's GeoJSON driver refuses to overwrite
        gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio", layer_options={"RFC7946": "YES", "WRITE_NAME": "NO"})
    return path


def _layer_for_export(name: str, platforms: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if name == "platforms":
        selected = load("platforms") if platforms is None else platforms
        # GDAL writes mixed NaN/float lon/lat fine, but the point is the truth: take it from the geometry.
        selected = selected.to_crs(WGS84).copy()
        selected["lon"] = selected.geometry.x.round(7)
        selected["lat"] = selected.geometry.y.round(7)
        return selected
    return load(name).to_crs(WGS84)


def write_geopackage(
    path: str | Path, platforms: gpd.GeoDataFrame | None = None, layers: Iterable[str] | None = None
) -> Path:
    """Write every layer into one GeoPackage: spatial layers in EPSG:4326 plus attribute-only tables.

    Parameters
    ----------
    path : path
        Output ``.gpkg`` (replaced if it exists).
    platforms : GeoDataFrame, optional
        Selection written as the ``platforms`` layer; all platforms by default.
    layers : iterable of str, optional
        Layer names to write; every layer of ``gzgeo.layers()`` by default.
        Tables (``policies``, ``targets``, ...) become GeoPackage attribute
        tables (no geometry), which QGIS and ArcGIS open as tables.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pyogrio
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     names = [n for n, _ in pyogrio.list_layers(write_geopackage(Path(tmp) / "gz.gpkg"))]
    >>> {"platforms", "zones", "policies"} <= set(names)
    True
    """
    import pyogrio

    path = Path(path)
    wanted = list(LAYERS) if layers is None else list(layers)
    unknown = [n for n in wanted if n not in LAYERS]
    if unknown:
        raise ValueError(f"unknown layer {', '.join(unknown)}; valid: {', '.join(LAYERS)}")
    with atomic_path(path) as tmp:  # the previous file stays until the new one is complete
        for name in wanted:
            if name in _SPATIAL_LAYERS:
                gdf = _layer_for_export(name, platforms)
                gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
            else:
                table = load(name)
                pyogrio.write_dataframe(table, tmp, layer=name, driver="GPKG")
    return path


def write_html(path: str | Path, platforms: gpd.GeoDataFrame | None = None, **map_options) -> Path:
    """Write the interactive layout map as one standalone HTML file that opens offline.

    Every script and stylesheet is inlined (``offline="inline"``); the file
    has no off-machine ``src``/``href`` (checked, see
    :func:`gzgeo.offline.external_urls`).

    Parameters
    ----------
    path : path
        Output ``.html``.
    platforms : GeoDataFrame, optional
        Selection; all platforms by default.
    **map_options
        Passed to :func:`gzgeo.maps.layout_map` (e.g. ``layers``).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    RuntimeError
        If the rendered page still links off the machine.
    """
    from .offline import external_urls
    from .webmap import layout_map

    map_options.setdefault("offline", "inline")
    fmap = layout_map(platforms=platforms, **map_options)
    html = fmap.get_root().render()
    leaks = external_urls(html)
    if leaks:
        raise RuntimeError(f"standalone HTML would load from the network: {leaks[:3]}")
    return atomic_write_text(path, html)


def _default_name(fmt: str, options: dict) -> str:
    stem = "gzgeo"
    if fmt in ("png", "svg", "pdf"):
        stem = f"gzgeo-{options.get('preset', 'overview')}"
    elif fmt == "pptx":
        stem = "gzgeo-briefing"
    elif fmt in ("csv", "geojson"):
        stem = f"gzgeo-{options.get('layer', 'platforms')}"
    return stem + EXPORT_FORMATS[fmt][0]


def export_bytes(fmt: str, platforms: gpd.GeoDataFrame | None = None, **options) -> tuple[bytes, str, str]:
    """Produce any export in memory: ``(data, file name, MIME type)`` for a download button.

    Parameters
    ----------
    fmt : {"png", "svg", "pdf", "pptx", "html", "gpkg", "geojson", "csv"}
    platforms : GeoDataFrame, optional
        The current filter (a subset of ``gzgeo.load("platforms")``); all by default.
    **options
        Per format:

        - png/svg/pdf: :func:`gzgeo.cartography.static_map` options, e.g.
          ``preset="overview"|"huangpu_123"|"zone"|"density"|"axis"``,
          ``zone=`` (for ``preset="zone"``), ``title=``, ``review_number=``, ``dpi=``;
        - pptx: :func:`gzgeo.deck.build_deck` options (``title=``, ``slides=``, ``review_number=``, ``template=``);
        - html: :func:`gzgeo.maps.layout_map` options (``layers=``);
        - csv: ``gcj02=True`` adds GCJ-02 columns;
        - geojson: ``layer=`` another spatial layer (default ``platforms``);
        - gpkg: ``layers=`` a subset of layer names;
        - any: ``filename=`` overrides the suggested file name.

    Returns
    -------
    (bytes, str, str)
        File content, suggested file name, MIME type.

    Raises
    ------
    ValueError
        For an unknown format (or an invalid option value).

    Examples
    --------
    >>> data, name, mime = export_bytes("csv", gcj02=True)
    >>> name, mime
    ('gzgeo-platforms.csv', 'text/csv')
    >>> "lon_gcj02" in data.decode("utf-8-sig").splitlines()[0]
    True
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; valid: {', '.join(EXPORT_FORMATS)}")
    filename = options.pop("filename", None) or _default_name(fmt, options)
    mime = EXPORT_FORMATS[fmt][1]
    if fmt in ("png", "svg", "pdf"):
        from .cartography import static_map_bytes

        return static_map_bytes(fmt, platforms=platforms, **options), filename, mime
    if fmt == "pptx":
        from .deck import deck_bytes

        return deck_bytes(platforms=platforms, **options), filename, mime
    with tempfile.TemporaryDirectory(prefix="gzgeo-export-") as tmp:
        target = Path(tmp) / ("export" + EXPORT_FORMATS[fmt][0])
        if fmt == "html":
            write_html(target, platforms=platforms, **options)
        elif fmt == "gpkg":
            write_geopackage(target, platforms=platforms, **options)
        elif fmt == "geojson":
            write_geojson(target, platforms=platforms, **options)
        else:
            write_csv(target, platforms=platforms, **options)
        return target.read_bytes(), filename, mime
