"""Zone and district statistics: platforms per polygon, density, layout shares and plan targets.

All areas are measured in EPSG:4547; results are WGS-84 GeoDataFrames or plain DataFrames.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..crs import WGS84
from ..layers import ESTIMATED_PRECISIONS, is_top_level, load
from .checks import check_layer, layer_or_default, require_columns
from .projection import METRIC_CRS, metric_geometry, metric_xy

__all__ = ["points_in_polygons", "count_platforms", "layout_statistics", "layout_shares", "target_progress"]

_HUANGPU = "黄埔区"


def points_in_polygons(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which point lies in which polygon, as two aligned index arrays.

    Points on a boundary count as inside. Polygons may overlap (a zone and its
    parts): a point then appears once per polygon. Vectorised over points with
    prepared polygons and a bounding-box pre-filter, measured in EPSG:4547.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Point features, any CRS.
    polygons : geopandas.GeoDataFrame
        Polygon features, any CRS.

    Returns
    -------
    (point_positions, polygon_positions) : tuple of numpy.ndarray of int
        Positional indices (``iloc``) of each matching pair.

    Examples
    --------
    >>> import gzgeo
    >>> from gzgeo.analysis import synthetic_points
    >>> pts = synthetic_points(500, seed=2)
    >>> p, d = points_in_polygons(pts, gzgeo.load("districts"))
    >>> len(p) == 500 and len(set(p)) == 500  # every point in exactly one district
    True
    """
    check_layer(points, "points", "Point")
    check_layer(polygons, "polygons", "Polygon")
    xy = metric_xy(points)
    geoms = metric_geometry(polygons)
    point_hits: list[np.ndarray] = []
    polygon_hits: list[np.ndarray] = []
    for j, geom in enumerate(geoms):
        minx, miny, maxx, maxy = geom.bounds
        candidates = np.flatnonzero((xy[:, 0] >= minx) & (xy[:, 0] <= maxx) & (xy[:, 1] >= miny) & (xy[:, 1] <= maxy))
        if not len(candidates):
            continue
        shapely.prepare(geom)
        inside = candidates[shapely.intersects_xy(geom, xy[candidates, 0], xy[candidates, 1])]
        point_hits.append(inside)
        polygon_hits.append(np.full(len(inside), j))
    if not point_hits:
        return np.empty(0, dtype=int), np.empty(0, dtype=int)
    return np.concatenate(point_hits), np.concatenate(polygon_hits)


def _is_estimate(points: pd.DataFrame) -> np.ndarray:
    """True where a point is only an estimate (``zone`` or ``district`` precision); synthetic points are exact."""
    if "location_precision" in points:
        return points["location_precision"].isin(ESTIMATED_PRECISIONS).to_numpy()
    if "location_is_estimate" in points:
        return points["location_is_estimate"].fillna(False).astype(bool).to_numpy()
    return np.zeros(len(points), dtype=bool)


def _as_list(by: str | Iterable[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def count_platforms(
    platforms: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, by: str | Iterable[str] | None = ("category", "level")
) -> gpd.GeoDataFrame:
    """Count platforms in each polygon, with density, how many are estimates, and optional breakdowns.

    Every platform is counted, estimates included: a ``zone`` point lies in
    its zone and a ``district`` point in its district outside every planning
    polygon, so counting by area is consistent. ``n_estimated`` says how many
    of each count are such estimates.

    Parameters
    ----------
    platforms : geopandas.GeoDataFrame
        Points in any CRS (e.g. ``gzgeo.load("platforms")``).
    areas : geopandas.GeoDataFrame
        Polygons in any CRS (zones, districts, cores, nodes, a drawn region).
    by : str or list of str, optional
        Platform columns to break counts down by; each value ``v`` of column
        ``c`` becomes a column ``n_c_v``. Columns missing from ``platforms`` are skipped.

    Returns
    -------
    geopandas.GeoDataFrame
        ``areas`` in WGS-84 plus ``n_platforms``, ``n_estimated`` (those
        located only to a zone or a district: ``location_precision`` zone or
        district; 0 for frames without that column), ``area_km2`` (measured in
        EPSG:4547), ``density_per_km2`` and ``share_of_platforms`` (fraction
        of all input platforms), and the breakdown columns.

    Examples
    --------
    >>> import gzgeo
    >>> stats = count_platforms(gzgeo.load("platforms"), gzgeo.load("districts"))
    >>> int(stats["n_platforms"].sum()) == len(gzgeo.load("platforms"))
    True
    >>> bool((stats["density_per_km2"] >= 0).all())
    True
    >>> int(stats["n_estimated"].sum()) == int(gzgeo.load("platforms")["location_is_estimate"].sum())
    True
    """
    check_layer(platforms, "platforms", "Point")
    check_layer(areas, "areas", "Polygon")
    p, a = points_in_polygons(platforms, areas)
    out = areas.to_crs(WGS84).copy()
    out["n_platforms"] = np.bincount(a, minlength=len(areas))
    out["n_estimated"] = np.bincount(a, weights=_is_estimate(platforms)[p], minlength=len(areas)).astype(int)
    out["area_km2"] = shapely.area(metric_geometry(areas)) / 1e6
    out["density_per_km2"] = out["n_platforms"] / out["area_km2"]
    out["share_of_platforms"] = out["n_platforms"] / len(platforms)
    for column in _as_list(by):
        if column not in platforms:
            continue
        values = platforms[column].astype(str).to_numpy()[p]
        table = pd.crosstab(a, values).reindex(range(len(areas)), fill_value=0)
        for value in sorted(pd.unique(platforms[column].astype(str))):
            counts = table[value].to_numpy() if value in table else np.zeros(len(areas), dtype=int)
            out[f"n_{column}_{value}"] = counts
    return out


def layout_statistics(
    platforms: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    cores: gpd.GeoDataFrame | None = None,
    nodes: gpd.GeoDataFrame | None = None,
    districts: gpd.GeoDataFrame | None = None,
    by: str | Iterable[str] | None = ("category", "level"),
) -> gpd.GeoDataFrame:
    """Platforms per zone, zone part, core, node and district in one table.

    Parameters
    ----------
    platforms, zones, cores, nodes, districts : geopandas.GeoDataFrame, optional
        Layers in any CRS; each defaults to the bundled layer of that name.
    by : str or list of str
        Breakdown columns (see :func:`count_platforms`).

    Returns
    -------
    geopandas.GeoDataFrame
        WGS-84, one row per polygon with ``kind`` (``zone``, ``zone_part``,
        ``core``, ``node``, ``district``), ``id`` (districts: their Chinese
        name, as used in the platforms' ``district`` column), ``name_zh``,
        ``name_en``, ``parent``, ``n_platforms``, ``n_estimated`` (how many of
        them are located only to a zone or district), ``area_km2``,
        ``density_per_km2``, ``share_of_platforms`` and ``n_<column>_<value>`` breakdowns.

    Examples
    --------
    >>> import gzgeo
    >>> table = layout_statistics()
    >>> sorted(table["kind"].unique())
    ['core', 'district', 'node', 'zone', 'zone_part']
    >>> int(table.loc[table["kind"] == "district", "n_platforms"].sum()) == len(gzgeo.load("platforms"))
    True
    """
    platforms = layer_or_default(platforms, "platforms", "Point")
    zones = layer_or_default(zones, "zones", "Polygon")
    cores = layer_or_default(cores, "cores", "Polygon")
    nodes = layer_or_default(nodes, "nodes", "Polygon")
    districts = layer_or_default(districts, "districts", "Polygon")
    parts = []
    top = is_top_level(zones)
    for kind, layer in (
        ("zone", zones[top]),
        ("zone_part", zones[~top]),
        ("core", cores),
        ("node", nodes),
        ("district", districts),
    ):
        if layer.empty:
            continue
        layer = layer.copy()
        if kind == "district":
            layer["id"] = layer["name_zh"]
        layer["parent"] = layer["parent"].fillna("") if "parent" in layer else ""
        base = layer[["id", "name_zh", "name_en", "parent", "geometry"]]
        counted = count_platforms(platforms, base, by=by)
        counted.insert(0, "kind", kind)
        parts.append(counted)
    out = pd.concat(parts, ignore_index=True)
    count_cols = [c for c in out.columns if c.startswith("n_")]
    out[count_cols] = out[count_cols].fillna(0).astype(int)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)


def layout_shares(
    platforms: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    cores: gpd.GeoDataFrame | None = None,
    nodes: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Share of the city's platforms inside 一区三城 and inside the "123" layout.

    一区三城 is the union of the zones without a parent (the 试验区 and the
    three 科学城/知识城); the "123" layout is the union of its cores and nodes.

    Returns
    -------
    pandas.DataFrame
        Rows ``yiqu_sancheng`` and ``layout_123`` with ``name_zh``,
        ``n_inside``, ``n_total``, ``share`` (0–1) and ``area_km2`` of the union.

    Examples
    --------
    >>> shares = layout_shares()
    >>> list(shares.index)
    ['yiqu_sancheng', 'layout_123']
    >>> bool(((shares["share"] >= 0) & (shares["share"] <= 1)).all())
    True
    """
    platforms = layer_or_default(platforms, "platforms", "Point")
    zones = layer_or_default(zones, "zones", "Polygon")
    cores = layer_or_default(cores, "cores", "Polygon")
    nodes = layer_or_default(nodes, "nodes", "Polygon")
    groups = {
        "yiqu_sancheng": ("一区三城", zones[is_top_level(zones)]),
        "layout_123": ('"123" 空间布局 (cores ∪ nodes)', pd.concat([cores.to_crs(WGS84), nodes.to_crs(WGS84)])),
    }
    rows = []
    for key, (label, layer) in groups.items():
        union = shapely.union_all(metric_geometry(layer))
        dissolved = gpd.GeoDataFrame(geometry=[union], crs=METRIC_CRS)
        p, _ = points_in_polygons(platforms, dissolved)
        inside = len(np.unique(p))
        rows.append(
            {
                "key": key,
                "name_zh": label,
                "n_inside": inside,
                "n_total": len(platforms),
                "share": inside / len(platforms),
                "area_km2": union.area / 1e6,
            }
        )
    return pd.DataFrame(rows).set_index("key").rename_axis(None)


def _is_huangpu(scope: str) -> bool:
    text = str(scope).lower()
    return "huangpu" in text or "黄埔" in text


def _in_huangpu_remit(platforms: gpd.GeoDataFrame) -> pd.Series:
    """Platforms in 黄埔区 or on 广州国际生物岛 (a Huangpu "123" node administered by 黄埔区)."""
    island = load("nodes").set_index("id").geometry.get("bio-island")
    on_island = platforms.geometry.within(island) if island is not None else False
    anchored = platforms["anchor"] == "bio-island" if "anchor" in platforms else False
    return (platforms["district"] == _HUANGPU) | on_island | anchored


def target_progress(platforms: gpd.GeoDataFrame | None = None, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Plan targets against the number of mapped platforms, where a target is countable.

    A target is countable when its ``countable_category`` lists category ids
    (``|``-separated). Targets whose scope is Huangpu count the platforms in
    黄埔区 and on 广州国际生物岛, which the Huangpu plan counts as its own (the
    island is administered by 黄埔区/广州开发区, though the AMap boundary puts it
    in 海珠区); other scopes count the whole city.

    Returns
    -------
    pandas.DataFrame
        One row per countable target: ``id``, ``indicator_zh``,
        ``indicator_en``, ``scope``, ``target_value``, ``target_year``,
        ``unit``, ``countable_category``, ``mapped_count``, ``gap``
        (target minus mapped; ≤ 0 means met), ``met``, ``source_file``, ``clause``.

    Examples
    --------
    >>> progress = target_progress()
    >>> bool((progress["mapped_count"] >= 0).all()) and {"source_file", "clause"} <= set(progress.columns)
    True
    """
    platforms = layer_or_default(platforms, "platforms", "Point")
    require_columns(platforms, ["category", "district"], "platforms")
    if targets is None:
        targets = load("targets")
    listed = targets["countable_category"].fillna("").astype(str).str.strip()
    countable = targets[listed != ""].copy()
    huangpu = _in_huangpu_remit(platforms)
    counts = []
    for cats, scope in zip(countable["countable_category"], countable["scope"], strict=True):
        wanted = [c for c in str(cats).split("|") if c]
        mask = platforms["category"].isin(wanted)
        if _is_huangpu(scope):
            mask &= huangpu
        counts.append(int(mask.sum()))
    countable["mapped_count"] = counts
    countable["target_value"] = pd.to_numeric(countable["target_value"], errors="coerce")
    countable["gap"] = countable["target_value"] - countable["mapped_count"]
    countable["met"] = countable["gap"] <= 0
    columns = [
        "id",
        "indicator_zh",
        "indicator_en",
        "scope",
        "target_value",
        "target_year",
        "unit",
        "countable_category",
        "mapped_count",
        "gap",
        "met",
        "source_file",
        "clause",
    ]
    return countable[[c for c in columns if c in countable]].reset_index(drop=True)
