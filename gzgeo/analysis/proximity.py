"""Proximity: the axis corridor, nearest platforms, distances, buffers, coverage and drawn-region queries.

Everything is measured in EPSG:4547 metres with vectorised shapely 2 / STRtree /
cKDTree operations; results come back in WGS-84 with units in column names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..crs import WGS84
from .checks import check_layer, filter_categories, layer_or_default
from .precision import documents_coarsest, located
from .projection import METRIC_CRS, metric_geometry, metric_to_wgs84, metric_xy, wgs84_to_metric
from .stats import points_in_polygons

__all__ = [
    "axis_line",
    "along_axis",
    "nearest_platforms",
    "distance_to_nearest",
    "distance_to_layout",
    "distance_matrix",
    "buffers",
    "rings",
    "CoverageResult",
    "coverage",
    "RegionQuery",
    "query_region",
]


def axis_line(axis: gpd.GeoDataFrame | None = None, start: str = "north") -> shapely.LineString:
    """The 创新大道 axis as one metric LineString, oriented from the 知识城 end.

    Parameters
    ----------
    axis : geopandas.GeoDataFrame, optional
        LineString layer in any CRS; defaults to ``gzgeo.load("axis")``.
    start : {"north", "as_drawn"}
        Where chainage 0 is. 知识城 is the northern end of the axis, so the
        default reverses the line when it was drawn from the south.

    Returns
    -------
    shapely.LineString in EPSG:4547.

    Examples
    --------
    >>> line = axis_line()
    >>> line.coords[0][1] > line.coords[-1][1]  # starts at the northern (知识城) end
    True
    """
    axis = layer_or_default(axis, "axis", "LineString")
    merged = shapely.line_merge(shapely.union_all(metric_geometry(axis)))
    if merged.geom_type != "LineString":
        raise ValueError("the axis features do not join into one continuous line")
    if start == "north" and merged.coords[0][1] < merged.coords[-1][1]:
        merged = shapely.reverse(merged)
    elif start not in ("north", "as_drawn"):
        raise ValueError("start must be 'north' or 'as_drawn'")
    return merged


@documents_coarsest
def along_axis(
    platforms: gpd.GeoDataFrame,
    max_dist_m: float = 2000.0,
    axis: gpd.GeoDataFrame | None = None,
    *,
    coarsest: str | None = "zone",
) -> gpd.GeoDataFrame:
    """Platforms within ``max_dist_m`` of the axis, ordered along it (a corridor profile).

    Parameters
    ----------
    platforms : geopandas.GeoDataFrame
        Points in any CRS.
    max_dist_m : float
        Corridor half-width in metres.
    axis : geopandas.GeoDataFrame, optional
        Defaults to the bundled 创新大道 axis.
    {coarsest}

    Returns
    -------
    geopandas.GeoDataFrame
        WGS-84 rows of ``platforms`` inside the corridor, sorted by
        ``chainage_m`` (metres along the axis from its 知识城 end, 0 to its
        length), with ``dist_m`` (perpendicular distance to the axis) and
        ``side`` (``left``/``right`` looking along the axis from 知识城, ``on``
        within 1 cm of it).

    Examples
    --------
    >>> import gzgeo
    >>> corridor = along_axis(gzgeo.load("platforms"), max_dist_m=2000)
    >>> bool((corridor["dist_m"] <= 2000).all() and corridor["chainage_m"].is_monotonic_increasing)
    True
    >>> "district" in set(corridor["location_precision"])  # no district-only estimate is shown as on the axis
    False
    """
    platforms = located(check_layer(platforms, "platforms", "Point"), coarsest)
    if not 0 <= max_dist_m < np.inf:  # also rejects NaN, which would silently select nothing
        raise ValueError(f"max_dist_m must be a finite number of metres >= 0, not {max_dist_m}")
    line = axis_line(axis)
    xy = metric_xy(platforms)
    minx, miny, maxx, maxy = line.bounds
    near_box = np.flatnonzero(
        (xy[:, 0] >= minx - max_dist_m)
        & (xy[:, 0] <= maxx + max_dist_m)
        & (xy[:, 1] >= miny - max_dist_m)
        & (xy[:, 1] <= maxy + max_dist_m)
    )
    points = shapely.points(xy[near_box])
    shapely.prepare(line)
    dist = shapely.distance(line, points)
    keep = dist <= max_dist_m
    rows, points, dist = near_box[keep], points[keep], dist[keep]
    chainage = shapely.line_locate_point(line, points)
    # Side: sign of the cross product between the local axis direction and the offset to the point.
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(line, np.minimum(chainage + 1.0, line.length)))
    behind = shapely.get_coordinates(shapely.line_interpolate_point(line, np.maximum(chainage - 1.0, 0.0)))
    foot = shapely.get_coordinates(shapely.line_interpolate_point(line, chainage))
    direction = ahead - behind
    offset = xy[rows] - foot
    cross = direction[:, 0] * offset[:, 1] - direction[:, 1] * offset[:, 0]
    out = platforms.iloc[rows].to_crs(WGS84).copy()
    out["dist_m"] = dist
    out["chainage_m"] = chainage
    out["side"] = np.where(dist < 0.01, "on", np.where(cross >= 0, "left", "right"))
    return out.sort_values(["chainage_m", "dist_m"], kind="stable")


def _target_geometry(target) -> shapely.Geometry:
    """A metric geometry from (lon, lat), a WGS-84 shapely geometry or a layer."""
    if isinstance(target, (gpd.GeoDataFrame, gpd.GeoSeries)):
        return shapely.union_all(metric_geometry(check_layer(target, "target")))
    if isinstance(target, shapely.Geometry):
        if target.is_empty:
            raise ValueError("target geometry is empty")
        return wgs84_to_metric(target)
    values = np.asarray(target, dtype=float)
    if values.shape != (2,):
        raise TypeError("target must be (lon, lat), a shapely geometry in WGS-84, or a GeoDataFrame")
    return wgs84_to_metric(shapely.Point(*values))


@documents_coarsest
def nearest_platforms(
    platforms: gpd.GeoDataFrame,
    target,
    k: int = 5,
    categories: str | Iterable[str] | None = None,
    *,
    coarsest: str | None = "zone",
) -> gpd.GeoDataFrame:
    """The ``k`` platforms nearest to a point or any feature, with distances.

    Parameters
    ----------
    platforms : geopandas.GeoDataFrame
        Points in any CRS.
    target : (lon, lat) tuple, shapely geometry in WGS-84, or GeoDataFrame/GeoSeries
        What to measure from; a layer's features are unioned (distance 0 inside a polygon).
    k : int
        How many platforms to return (fewer if there are fewer).
    categories : str or list of str, optional
        Only platforms of these categories.
    {coarsest}

    Returns
    -------
    geopandas.GeoDataFrame
        WGS-84, the nearest platforms sorted by ``dist_m`` with ``rank`` (1 = nearest).

    Examples
    --------
    >>> import gzgeo
    >>> near = nearest_platforms(gzgeo.load("platforms"), (113.45, 23.17), k=3)  # 科学城
    >>> list(near["rank"]), bool(near["dist_m"].is_monotonic_increasing)
    ([1, 2, 3], True)
    >>> bool((near["location_precision"] != "district").all())
    True
    """
    platforms = located(check_layer(platforms, "platforms", "Point"), coarsest)
    if k < 1:
        raise ValueError("k must be at least 1")
    platforms = filter_categories(platforms, categories)
    geom = _target_geometry(target)
    xy = metric_xy(platforms)
    if geom.geom_type == "Point":
        dist = np.hypot(xy[:, 0] - geom.x, xy[:, 1] - geom.y)
    else:
        shapely.prepare(geom)
        dist = shapely.distance(geom, shapely.points(xy))
    k = min(k, len(dist))
    best = np.argpartition(dist, k - 1)[:k]
    best = best[np.lexsort((best, dist[best]))]
    out = platforms.iloc[best].to_crs(WGS84).copy()
    out["dist_m"] = dist[best]
    out["rank"] = np.arange(1, k + 1)
    return out


@documents_coarsest
def distance_to_nearest(
    points: gpd.GeoDataFrame,
    features: gpd.GeoDataFrame,
    name: str = "feature",
    id_col: str = "id",
    *,
    coarsest: str | None = "zone",
) -> gpd.GeoDataFrame:
    """Distance from each point to the nearest feature of a layer (0 when inside a polygon).

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS.
    features : geopandas.GeoDataFrame
        Any geometries in any CRS.
    name : str
        Suffix of the new columns: ``nearest_<name>`` (the feature's ``id_col``)
        and ``dist_<name>_m``.
    id_col : str
        Column of ``features`` identifying them (falls back to the index).
    {coarsest}

    Returns
    -------
    geopandas.GeoDataFrame
        The kept ``points`` in WGS-84 with the two columns added.

    Examples
    --------
    >>> import gzgeo
    >>> d = distance_to_nearest(gzgeo.load("platforms"), gzgeo.load("zones"), "zone")
    >>> bool((d["dist_zone_m"] >= 0).all()), bool((d["location_precision"] != "district").all())
    (True, True)
    """
    points = located(check_layer(points, "points", "Point"), coarsest, "points")
    check_layer(features, name)
    geoms = metric_geometry(features)
    xy = metric_xy(points)
    if set(shapely.get_type_id(geoms)) <= {3, 6}:
        nearest, dist = _nearest_polygon(xy, geoms)
    else:
        tree = shapely.STRtree(geoms)
        (src, nearest), dist = tree.query_nearest(shapely.points(xy), return_distance=True, all_matches=False)
        order = np.argsort(src)
        nearest, dist = nearest[order], dist[order]
    ids = features[id_col].to_numpy() if id_col in features else features.index.to_numpy()
    out = points.to_crs(WGS84).copy()
    out[f"nearest_{name}"] = ids[nearest]
    out[f"dist_{name}_m"] = dist
    return out


def _nearest_polygon(xy: np.ndarray, polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest polygon and distance for each point: 0 inside, else distance to the nearest boundary segment.

    Indexing the boundaries as two-point segments lets the STRtree prune far
    better than whole (large, detailed) polygons do.
    """
    nearest = np.full(len(xy), -1, dtype=np.int64)
    dist = np.full(len(xy), np.inf)
    frame = gpd.GeoDataFrame(geometry=list(polygons), crs=METRIC_CRS)
    inside_pt, inside_poly = points_in_polygons(gpd.GeoDataFrame(geometry=shapely.points(xy), crs=METRIC_CRS), frame)
    first = np.unique(inside_pt, return_index=True)[1]
    nearest[inside_pt[first]] = inside_poly[first]
    dist[inside_pt[first]] = 0.0
    outside = np.flatnonzero(nearest < 0)
    if len(outside):
        parts, part_owner = shapely.get_parts(polygons, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
        same = coord_ring[:-1] == coord_ring[1:]
        segments = shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1))
        segment_owner = part_owner[ring_part[coord_ring[:-1][same]]]
        tree = shapely.STRtree(segments)
        (src, seg), d = tree.query_nearest(shapely.points(xy[outside]), return_distance=True, all_matches=False)
        nearest[outside[src]] = segment_owner[seg]
        dist[outside[src]] = d
    return nearest, dist


@documents_coarsest
def distance_to_layout(
    platforms: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    cores: gpd.GeoDataFrame | None = None,
    nodes: gpd.GeoDataFrame | None = None,
    *,
    coarsest: str | None = "zone",
) -> gpd.GeoDataFrame:
    """Distance from each platform to the nearest zone, core and node.

    Parameters
    ----------
    platforms, zones, cores, nodes : geopandas.GeoDataFrame, optional
        Layers in any CRS; each defaults to the bundled layer of that name.
    {coarsest}

    Returns
    -------
    geopandas.GeoDataFrame
        WGS-84 platforms with ``nearest_zone``, ``dist_zone_m``,
        ``nearest_core``, ``dist_core_m``, ``nearest_node``, ``dist_node_m``
        (0 when the platform lies inside).

    Examples
    --------
    >>> d = distance_to_layout()
    >>> {"dist_zone_m", "dist_core_m", "dist_node_m"} <= set(d.columns)
    True
    """
    out = located(layer_or_default(platforms, "platforms", "Point"), coarsest)
    for name, layer in (("zone", zones), ("core", cores), ("node", nodes)):
        out = distance_to_nearest(out, layer_or_default(layer, f"{name}s", "Polygon"), name, coarsest=None)
    return out


@documents_coarsest
def distance_matrix(
    platforms: gpd.GeoDataFrame,
    from_categories: str | Iterable[str],
    to_categories: str | Iterable[str] | None = None,
    id_col: str = "id",
    category_col: str = "category",
    *,
    coarsest: str | None = "zone",
) -> pd.DataFrame:
    """Straight-line distances (m) between platforms of two categories.

    Parameters
    ----------
    platforms : geopandas.GeoDataFrame
        Points in any CRS.
    from_categories, to_categories : str or list of str
        Row and column platform categories; ``to_categories`` defaults to ``from_categories``.
    {coarsest}

    Returns
    -------
    pandas.DataFrame
        Metres, indexed by the ``id_col`` of the "from" platforms (index name
        ``from_id``), with one column per "to" platform (columns name ``to_id``).

    Examples
    --------
    >>> import gzgeo
    >>> p = gzgeo.load("platforms")
    >>> cat = located(p)["category"].value_counts().index[0]
    >>> m = distance_matrix(p, cat)
    >>> m.shape[0] == m.shape[1] and bool((m.to_numpy().diagonal() == 0).all())
    True
    """
    platforms = located(check_layer(platforms, "platforms", "Point"), coarsest)
    a = filter_categories(platforms, from_categories, category_col)
    b = filter_categories(platforms, to_categories if to_categories is not None else from_categories, category_col)
    from scipy.spatial.distance import cdist  # here: scipy.spatial is 0.2 s of an import that buffers

    values = cdist(metric_xy(a), metric_xy(b))
    return pd.DataFrame(
        values,
        index=pd.Index(a[id_col].to_numpy(), name="from_id"),
        columns=pd.Index(b[id_col].to_numpy(), name="to_id"),
    )


def buffers(features: gpd.GeoDataFrame, distance_m: float, dissolve: bool = False) -> gpd.GeoDataFrame:
    """Buffer features by a distance in metres (computed in EPSG:4547).

    Returns
    -------
    geopandas.GeoDataFrame
        WGS-84; one buffer per feature with its attributes, or one dissolved
        row when ``dissolve`` is True; columns ``buffer_m`` and ``area_km2``.

    Examples
    --------
    >>> import gzgeo
    >>> b = buffers(gzgeo.load("platforms").head(1), 1000)
    >>> round(float(b["area_km2"].iloc[0]), 2)  # a 1 km disc is π km²
    3.14
    """
    check_layer(features, "features")
    if distance_m <= 0:
        raise ValueError("distance_m must be positive")
    geoms = shapely.buffer(metric_geometry(features), distance_m, quad_segs=32)
    if dissolve:
        geoms = np.array([shapely.union_all(geoms)], dtype=object)
        data = pd.DataFrame(index=[0])
    else:
        data = pd.DataFrame(features.drop(columns=features.geometry.name)).copy()
    data["buffer_m"] = float(distance_m)
    data["area_km2"] = shapely.area(geoms) / 1e6
    return gpd.GeoDataFrame(data, geometry=list(metric_to_wgs84(geoms)), crs=WGS84)


def rings(
    features: gpd.GeoDataFrame, distances_m: Iterable[float] = (1000, 2000, 3000), dissolve: bool = True
) -> gpd.GeoDataFrame:
    """Distance bands (rings) around features: 0–d1, d1–d2, … metres.

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        Any geometries, any CRS.
    distances_m : iterable of float
        Increasing outer radii in metres.
    dissolve : bool
        One ring per band around all features (True) or per feature and band (False).

    Returns
    -------
    geopandas.GeoDataFrame
        WGS-84 rings with ``inner_m``, ``outer_m``, ``area_km2`` (and
        ``feature`` = position of the source feature when not dissolved).

    Examples
    --------
    >>> import gzgeo
    >>> r = rings(gzgeo.load("platforms").head(1), [1000, 2000])
    >>> [round(a, 2) for a in r["area_km2"]]  # π and 3π km²
    [3.14, 9.42]
    """
    check_layer(features, "features")
    radii = np.asarray(list(distances_m), dtype=float)
    if radii.size == 0 or (radii <= 0).any() or (np.diff(radii) <= 0).any():
        raise ValueError("distances_m must be positive and strictly increasing")
    geoms = metric_geometry(features)
    groups = [shapely.union_all(geoms)] if dissolve else list(geoms)
    rows, shapes = [], []
    for i, geom in enumerate(groups):
        inner_shape, inner = None, 0.0
        for outer in radii:
            disc = shapely.buffer(geom, outer, quad_segs=32)
            ring = disc if inner_shape is None else shapely.difference(disc, inner_shape)
            rows.append({"feature": i, "inner_m": inner, "outer_m": outer, "area_km2": ring.area / 1e6})
            shapes.append(ring)
            inner_shape, inner = disc, outer
    data = pd.DataFrame(rows)
    if dissolve:
        data = data.drop(columns="feature")
    return gpd.GeoDataFrame(data, geometry=list(metric_to_wgs84(np.array(shapes, dtype=object))), crs=WGS84)


@dataclass
class CoverageResult:
    """Result of :func:`coverage`.

    Attributes
    ----------
    summary : geopandas.GeoDataFrame
        One row per zone (WGS-84 zone geometry) with ``area_km2``,
        ``covered_km2``, ``uncovered_km2`` and ``covered_share`` (0–1).
    uncovered : geopandas.GeoDataFrame
        One row per zone with uncovered area: the polygons farther than
        ``radius_m`` from every chosen platform, with ``uncovered_km2``.
    """

    summary: gpd.GeoDataFrame
    uncovered: gpd.GeoDataFrame


@documents_coarsest
def coverage(
    platforms: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame | None = None,
    radius_m: float = 3000.0,
    categories: str | Iterable[str] | None = None,
    id_col: str = "id",
    *,
    coarsest: str | None = "zone",
) -> CoverageResult:
    """Share of each zone within ``radius_m`` of at least one platform, and the uncovered parts.

    Parameters
    ----------
    platforms : geopandas.GeoDataFrame
        Points in any CRS.
    zones : geopandas.GeoDataFrame, optional
        Polygons to assess; defaults to the bundled zones.
    radius_m : float
        Service radius in metres.
    categories : str or list of str, optional
        Only platforms of these categories provide coverage.
    {coarsest}

    Returns
    -------
    CoverageResult
        ``summary`` and ``uncovered`` GeoDataFrames (WGS-84).

    Examples
    --------
    >>> import gzgeo
    >>> result = coverage(gzgeo.load("platforms"), radius_m=3000)
    >>> bool(((result.summary["covered_share"] >= 0) & (result.summary["covered_share"] <= 1)).all())
    True
    """
    platforms = located(check_layer(platforms, "platforms", "Point"), coarsest)
    zones = layer_or_default(zones, "zones", "Polygon")
    if radius_m <= 0:
        raise ValueError("radius_m must be positive")
    chosen = filter_categories(platforms, categories)
    xy = metric_xy(chosen)
    zone_geoms = metric_geometry(zones)
    from scipy.spatial import cKDTree  # here: scipy.spatial is 0.2 s of an import that buffers

    tree = cKDTree(xy)
    covered, uncovered = [], []
    for geom in zone_geoms:
        # Only platforms that can reach the zone matter: those within radius of its bounding circle.
        minx, miny, maxx, maxy = geom.bounds
        centre = ((minx + maxx) / 2, (miny + maxy) / 2)
        reach = np.hypot(maxx - minx, maxy - miny) / 2 + radius_m
        near = tree.query_ball_point(centre, reach)
        discs = shapely.union_all(shapely.buffer(shapely.points(xy[near]), radius_m, quad_segs=16)) if near else None
        inside = shapely.intersection(geom, discs) if discs is not None else shapely.Polygon()
        covered.append(inside.area)
        uncovered.append(shapely.difference(geom, discs) if discs is not None else geom)
    area = shapely.area(zone_geoms)
    summary = zones.to_crs(WGS84).copy()
    summary["area_km2"] = area / 1e6
    summary["covered_km2"] = np.asarray(covered) / 1e6
    summary["uncovered_km2"] = summary["area_km2"] - summary["covered_km2"]
    summary["covered_share"] = np.asarray(covered) / area
    gaps = np.array(uncovered, dtype=object)
    keep = ~shapely.is_empty(gaps) & (shapely.area(gaps) > 1.0)
    ids = zones[id_col].to_numpy() if id_col in zones else zones.index.to_numpy()
    names = zones["name_zh"].to_numpy() if "name_zh" in zones else ids
    gap_frame = gpd.GeoDataFrame(
        {
            "zone": ids[keep],
            "name_zh": names[keep],
            "radius_m": float(radius_m),
            "uncovered_km2": shapely.area(gaps[keep]) / 1e6,
        },
        geometry=list(metric_to_wgs84(gaps[keep])),
        crs=WGS84,
    )
    return CoverageResult(summary=summary, uncovered=gap_frame)


@dataclass
class RegionQuery:
    """Result of :func:`query_region`.

    Attributes
    ----------
    platforms : geopandas.GeoDataFrame
        WGS-84 platforms inside the region (with ``dist_to_centre_m`` for a circle, nearest first).
    region : geopandas.GeoDataFrame
        One WGS-84 row: the region with ``area_km2``, ``n_platforms`` (located platforms inside),
        ``density_per_km2`` and ``n_not_located`` (platforms of the whole input left out because they are
        located more coarsely than ``coarsest``; some of them may lie in the region).
    counts : pandas.DataFrame
        Columns ``field``, ``value``, ``n``, ``share`` (0–1): the platforms inside broken
        down by each ``by`` column.
    """

    platforms: gpd.GeoDataFrame
    region: gpd.GeoDataFrame
    counts: pd.DataFrame


@documents_coarsest
def query_region(
    platforms: gpd.GeoDataFrame,
    region=None,
    *,
    center: tuple[float, float] | None = None,
    radius_m: float | None = None,
    by: Iterable[str] = ("category", "level", "status"),
    coarsest: str | None = "zone",
) -> RegionQuery:
    """Platforms inside a drawn polygon or circle, with summary statistics.

    Parameters
    ----------
    platforms : geopandas.GeoDataFrame
        Points in any CRS.
    region : GeoDataFrame, GeoSeries or shapely polygon (WGS-84), optional
        The drawn polygon(s); features are unioned.
    center : (lon, lat), optional
        Centre of a circle in WGS-84 degrees (use with ``radius_m`` instead of ``region``).
    radius_m : float, optional
        Radius of the circle in metres.
    by : iterable of str
        Columns for the breakdown table.
    {coarsest}

    Returns
    -------
    RegionQuery

    Examples
    --------
    >>> import gzgeo
    >>> q = query_region(gzgeo.load("platforms"), center=(113.45, 23.17), radius_m=5000)
    >>> round(float(q.region["area_km2"].iloc[0]), 1)  # π·5² km²
    78.5
    >>> bool((q.platforms["dist_to_centre_m"] <= 5000).all())
    True
    >>> district_only = int((gzgeo.load("platforms")["location_precision"] == "district").sum())
    >>> int(q.region["n_not_located"].iloc[0]) == district_only  # left out city-wide, not shown as inside
    True
    """
    platforms = check_layer(platforms, "platforms", "Point")
    n_given = len(platforms)
    platforms = located(platforms, coarsest)
    if (region is None) == (center is None):
        raise ValueError("give either region or center and radius_m")
    centre_xy = None
    if center is not None:
        if radius_m is None or radius_m <= 0:
            raise ValueError("a circle needs a positive radius_m")
        centre = wgs84_to_metric(shapely.Point(*center))
        centre_xy = np.array([centre.x, centre.y])
        shape = shapely.buffer(centre, radius_m, quad_segs=64)
    elif isinstance(region, shapely.Geometry):
        if region.geom_type not in ("Polygon", "MultiPolygon") or region.is_empty:
            raise TypeError("region must be a non-empty polygon")
        shape = wgs84_to_metric(region)
    else:
        shape = shapely.union_all(metric_geometry(check_layer(region, "region", "Polygon")))
    region_frame = gpd.GeoDataFrame(geometry=[shape], crs=METRIC_CRS)
    rows, _ = points_in_polygons(platforms, region_frame)
    inside = platforms.iloc[np.sort(rows)].to_crs(WGS84).copy()
    if centre_xy is not None:
        xy = metric_xy(inside) if len(inside) else np.empty((0, 2))
        inside["dist_to_centre_m"] = np.hypot(xy[:, 0] - centre_xy[0], xy[:, 1] - centre_xy[1])
        inside = inside.sort_values("dist_to_centre_m", kind="stable")
    area_km2 = shape.area / 1e6
    summary = gpd.GeoDataFrame(
        {
            "area_km2": [area_km2],
            "n_platforms": [len(inside)],
            "density_per_km2": [len(inside) / area_km2],
            "n_not_located": [n_given - len(platforms)],
        },
        geometry=list(metric_to_wgs84(np.array([shape], dtype=object))),
        crs=WGS84,
    )
    parts = []
    for column in by:
        if column in inside and len(inside):
            counts = inside[column].astype(str).value_counts()
            parts.append(
                pd.DataFrame(
                    {
                        "field": column,
                        "value": counts.index,
                        "n": counts.to_numpy(),
                        "share": counts.to_numpy() / len(inside),
                    }
                )
            )
    counts = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["field", "value", "n", "share"])
    return RegionQuery(platforms=inside, region=summary, counts=counts)
