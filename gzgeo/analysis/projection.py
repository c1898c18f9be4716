"""Projection helpers of the analysis: EPSG:4547 metres in, WGS-84 out, on coordinate arrays.

Every analysis function measures in metres in EPSG:4547
(:data:`gzgeo.crs.GUANGZHOU_METRIC_CRS`) and returns WGS-84. The helpers here
project raw coordinate arrays with cached pyproj transformers (no per-point
Python objects), so the same code scales to a million points.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ..crs import GUANGZHOU_METRIC_CRS, WGS84
from ..layers import load
from .checks import check_layer

__all__ = [
    "METRIC_CRS",
    "metric_xy",
    "metric_geometry",
    "metric_to_wgs84",
    "wgs84_to_metric",
    "to_wgs84_points",
    "region_geometry",
    "frame_from_metric_points",
]

METRIC_CRS = GUANGZHOU_METRIC_CRS


@cache
def _transformer(src: str, dst: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def _crs_key(crs) -> str:
    return pyproj.CRS.from_user_input(crs).to_wkt()


def metric_xy(points: gpd.GeoDataFrame) -> np.ndarray:
    """Coordinates of point features in EPSG:4547 metres as an ``(n, 2)`` array.

    Transforms raw coordinate arrays with a cached pyproj transformer rather
    than building projected shapely points, which is what makes 1M points cheap.

    Examples
    --------
    >>> import gzgeo
    >>> xy = metric_xy(gzgeo.load("districts").representative_point().to_frame("geometry").set_crs(4326))
    >>> xy.shape, bool(((xy[:, 0] > 3e5) & (xy[:, 0] < 5e5) & (xy[:, 1] > 2.4e6)).all())  # false easting 500 km
    ((11, 2), True)
    """
    coords = shapely.get_coordinates(points.geometry.values)
    if len(coords) != len(points):
        raise TypeError("metric_xy needs single points (one coordinate per feature)")
    if pyproj.CRS.from_user_input(points.crs).equals(pyproj.CRS.from_user_input(METRIC_CRS)):
        return coords
    x, y = _transformer(_crs_key(points.crs), _crs_key(METRIC_CRS)).transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def metric_geometry(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Geometries of ``gdf`` projected to EPSG:4547, as a numpy array of shapely objects."""
    return np.asarray(gdf.geometry.to_crs(METRIC_CRS).values, dtype=object)


def to_wgs84_points(xy: np.ndarray) -> np.ndarray:
    """Shapely points in WGS-84 from an ``(n, 2)`` array of EPSG:4547 metres."""
    xy = np.atleast_2d(np.asarray(xy, dtype=float))
    lon, lat = _transformer(_crs_key(METRIC_CRS), _crs_key(WGS84)).transform(xy[:, 0], xy[:, 1])
    return shapely.points(lon, lat)


def _reproject(geoms, src: str, dst: str):
    transformer = _transformer(_crs_key(src), _crs_key(dst))

    def _apply(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, _apply)


def metric_to_wgs84(geoms):
    """Any shapely geometries (or an array of them) in EPSG:4547 metres to WGS-84 degrees."""
    return _reproject(geoms, METRIC_CRS, WGS84)


def wgs84_to_metric(geoms):
    """Any shapely geometries (or an array of them) in WGS-84 degrees to EPSG:4547 metres."""
    return _reproject(geoms, WGS84, METRIC_CRS)


def region_geometry(region=None, name: str = "region"):
    """One metric (EPSG:4547) polygon for a study region.

    Parameters
    ----------
    region : GeoDataFrame, GeoSeries, shapely geometry or None
        A layer (its features are unioned; any CRS), a shapely polygon in
        WGS-84 degrees, or None for the city of Guangzhou.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon in EPSG:4547.

    Examples
    --------
    >>> round(region_geometry().area / 1e6, -2)
    7400.0
    """
    if region is None:
        region = load("city")
    if isinstance(region, shapely.Geometry):
        if region.is_empty:
            raise ValueError(f"{name} is empty")
        return wgs84_to_metric(region)
    gdf = check_layer(region, name, "Polygon")
    return shapely.union_all(metric_geometry(gdf))


def frame_from_metric_points(xy: np.ndarray, data: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """A WGS-84 GeoDataFrame of points given metric coordinates and optional attribute rows."""
    geometry = to_wgs84_points(xy)
    if data is None:
        data = pd.DataFrame(index=pd.RangeIndex(len(geometry)))
    return gpd.GeoDataFrame(data, geometry=geometry, crs=WGS84)
