"""Density-based clustering of platform points (DBSCAN, HDBSCAN), hulls and cluster summaries.

Clustering runs on EPSG:4547 coordinates in metres. Points are sorted by
coordinates before fitting and clusters are numbered by size (largest = 0),
so the labels do not depend on the input row order. Noise is labelled -1.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..crs import WGS84
from ..layers import load
from .checks import check_layer
from .precision import documents_coarsest, located
from .projection import metric_geometry, metric_to_wgs84, metric_xy

__all__ = ["dbscan_clusters", "hdbscan_clusters", "cluster_summary"]


def _stable_labels(xy: np.ndarray, fit) -> np.ndarray:
    """Fit on coordinate-sorted points and renumber clusters by size, then position."""
    order = np.lexsort((xy[:, 1], xy[:, 0]))
    raw_sorted = fit(xy[order])
    raw = np.empty_like(raw_sorted)
    raw[order] = raw_sorted
    labels = np.full(len(xy), -1, dtype=int)
    member = raw >= 0
    if not member.any():
        return labels
    # Vectorised renumbering (a per-cluster loop is quadratic with thousands of clusters).
    ids, inverse = np.unique(raw[member], return_inverse=True)
    sizes = np.bincount(inverse)
    min_x = np.full(len(ids), np.inf)
    min_y = np.full(len(ids), np.inf)
    np.minimum.at(min_x, inverse, xy[member, 0])
    np.minimum.at(min_y, inverse, xy[member, 1])
    rank = np.empty(len(ids), dtype=int)
    rank[np.lexsort((min_y, min_x, -sizes))] = np.arange(len(ids))
    labels[member] = rank[inverse]
    return labels


@documents_coarsest
def dbscan_clusters(
    points: gpd.GeoDataFrame, eps_m: float = 1500.0, min_samples: int = 3, *, coarsest: str | None = "zone"
) -> gpd.GeoDataFrame:
    """Label points with DBSCAN clusters (neighbourhood radius in metres).

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS.
    eps_m : float
        Neighbourhood radius in metres (measured in EPSG:4547).
    min_samples : int
        Points (including itself) within ``eps_m`` for a point to be a core point.
    {coarsest}
        Dozens of identical district points would otherwise form a spurious cluster.

    Returns
    -------
    geopandas.GeoDataFrame
        The kept ``points`` in WGS-84 with an int ``cluster`` column (-1 = noise,
        0 = largest cluster).

    Examples
    --------
    >>> import gzgeo
    >>> labelled = dbscan_clusters(gzgeo.load("platforms"), eps_m=1500, min_samples=3)
    >>> int(labelled["cluster"].min()) >= -1, bool((labelled["location_precision"] != "district").all())
    (True, True)
    """
    points = located(check_layer(points, "points", "Point"), coarsest, "points")
    if eps_m <= 0 or min_samples < 1:
        raise ValueError("eps_m must be positive and min_samples at least 1")
    from sklearn.cluster import DBSCAN  # sklearn takes ~1 s to import: only when clustering

    xy = metric_xy(points)
    labels = _stable_labels(
        xy, lambda a: DBSCAN(eps=eps_m, min_samples=min_samples, algorithm="kd_tree").fit_predict(a)
    )
    out = points.to_crs(WGS84).copy()
    out["cluster"] = labels
    return out


@documents_coarsest
def hdbscan_clusters(
    points: gpd.GeoDataFrame,
    min_cluster_size: int = 5,
    min_samples: int | None = None,
    *,
    coarsest: str | None = "zone",
) -> gpd.GeoDataFrame:
    """Label points with HDBSCAN clusters (``sklearn.cluster.HDBSCAN`` on metres).

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS.
    min_cluster_size : int
        Smallest group counted as a cluster.
    min_samples : int, optional
        Density smoothing; defaults to ``min_cluster_size``.
    {coarsest}
        Dozens of identical district points would otherwise form a spurious cluster.

    Returns
    -------
    geopandas.GeoDataFrame
        The kept ``points`` in WGS-84 with ``cluster`` (-1 = noise) and
        ``cluster_probability`` (0–1 strength of membership).

    Examples
    --------
    >>> import gzgeo
    >>> labelled = hdbscan_clusters(gzgeo.load("platforms"), min_cluster_size=4)
    >>> bool(labelled["cluster_probability"].between(0, 1).all())
    True
    """
    points = located(check_layer(points, "points", "Point"), coarsest, "points")
    if len(points) < 2:
        raise ValueError("HDBSCAN needs at least 2 points")
    if min_cluster_size < 2:
        raise ValueError("min_cluster_size must be at least 2")
    from sklearn.cluster import HDBSCAN  # sklearn takes ~1 s to import: only when clustering

    xy = metric_xy(points)
    probabilities = np.zeros(len(xy))

    def fit(a: np.ndarray) -> np.ndarray:
        model = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples, copy=True).fit(a)
        fit.probabilities = model.probabilities_
        return model.labels_

    labels = _stable_labels(xy, fit)
    order = np.lexsort((xy[:, 1], xy[:, 0]))
    probabilities[order] = fit.probabilities
    out = points.to_crs(WGS84).copy()
    out["cluster"] = labels
    out["cluster_probability"] = probabilities
    return out


def cluster_summary(
    clustered: gpd.GeoDataFrame,
    hull: str = "convex",
    concave_ratio: float = 0.3,
    zones: gpd.GeoDataFrame | None = None,
    category_col: str = "category",
    top: int = 3,
    zone_id_col: str = "id",
) -> gpd.GeoDataFrame:
    """One row per cluster: size, hull, dominant categories and overlapping zones.

    Parameters
    ----------
    clustered : geopandas.GeoDataFrame
        Output of :func:`dbscan_clusters` or :func:`hdbscan_clusters` (needs ``cluster``).
    hull : {"convex", "concave"}
        Geometry of each row: the convex hull or ``shapely.concave_hull``.
    concave_ratio : float
        ``ratio`` passed to ``shapely.concave_hull`` (0 = tightest, 1 = convex).
    zones : geopandas.GeoDataFrame, optional
        Polygons to report overlaps with; defaults to the bundled zones.
    category_col : str
        Column whose most frequent values are reported.
    top : int
        How many dominant categories to list.

    Returns
    -------
    geopandas.GeoDataFrame
        WGS-84 hulls (a point or line for clusters of 1–2 points or
        collinear ones) with ``cluster``, ``n_points``, ``hull_area_km2``,
        ``centroid_lon``, ``centroid_lat``, ``dominant_categories`` (``"cat:n|cat:n"``)
        and ``zones`` (``|``-separated ids of zones the hull overlaps).

    Examples
    --------
    >>> import gzgeo
    >>> labelled = dbscan_clusters(gzgeo.load("platforms"), eps_m=2000, min_samples=3)
    >>> summary = cluster_summary(labelled, hull="concave")
    >>> int(summary["n_points"].sum()) == int((labelled["cluster"] >= 0).sum())
    True
    """
    check_layer(clustered, "clustered", "Point")
    if "cluster" not in clustered:
        raise ValueError("clustered has no 'cluster' column: run dbscan_clusters or hdbscan_clusters first")
    if hull not in ("convex", "concave"):
        raise ValueError("hull must be 'convex' or 'concave'")
    if zones is None:
        zones = load("zones")
    check_layer(zones, "zones", "Polygon")
    zone_geoms = metric_geometry(zones)
    zone_ids = zones[zone_id_col].to_numpy() if zone_id_col in zones else zones.index.to_numpy()
    tree = shapely.STRtree(zone_geoms)
    xy = metric_xy(clustered)
    labels = clustered["cluster"].to_numpy()
    rows, shapes = [], []
    for label in sorted(int(c) for c in np.unique(labels) if c >= 0):
        members = labels == label
        multipoint = shapely.multipoints(xy[members])
        shape = (
            shapely.convex_hull(multipoint)
            if hull == "convex"
            else shapely.concave_hull(multipoint, ratio=concave_ratio)
        )
        centre = xy[members].mean(axis=0)
        hits = tree.query(shape, predicate="intersects")
        cats = ""
        if category_col in clustered:
            counts = clustered.loc[members, category_col].astype(str).value_counts()
            counts = counts.sort_index().sort_values(ascending=False, kind="stable").head(top)
            cats = "|".join(f"{k}:{v}" for k, v in counts.items())
        rows.append(
            {
                "cluster": label,
                "n_points": int(members.sum()),
                "hull_area_km2": shape.area / 1e6,
                "centroid_x_m": centre[0],
                "centroid_y_m": centre[1],
                "dominant_categories": cats,
                "zones": "|".join(str(z) for z in zone_ids[np.sort(hits)]),
            }
        )
        shapes.append(shape)
    data = pd.DataFrame(
        rows,
        columns=[
            "cluster",
            "n_points",
            "hull_area_km2",
            "centroid_x_m",
            "centroid_y_m",
            "dominant_categories",
            "zones",
        ],
    )
    centroids = metric_to_wgs84(shapely.points(data[["centroid_x_m", "centroid_y_m"]].to_numpy()))
    data["centroid_lon"] = shapely.get_x(centroids) if len(data) else []
    data["centroid_lat"] = shapely.get_y(centroids) if len(data) else []
    data = data.drop(columns=["centroid_x_m", "centroid_y_m"])
    return gpd.GeoDataFrame(data, geometry=list(metric_to_wgs84(np.array(shapes, dtype=object))), crs=WGS84)
