"""Input checks every analysis function runs first: type, CRS, empty or broken geometries, columns.

One home for the errors a caller sees when a layer cannot be analysed, so each
analysis family says the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..crs import valid_lonlat
from ..layers import load

__all__ = ["check_layer", "require_columns", "layer_or_default", "filter_categories"]

_FAMILIES = {
    "Point": {"Point"},
    "Polygon": {"Polygon", "MultiPolygon"},
    "LineString": {"LineString", "MultiLineString"},
}


def check_layer(gdf, name: str = "layer", geometry: str | Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Check a GeoDataFrame before analysis and return it as a GeoDataFrame.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or geopandas.GeoSeries
        Input layer in any CRS.
    name : str
        How the layer is called in error messages (e.g. ``"platforms"``).
    geometry : {"Point", "Polygon", "LineString"} or sequence of them, optional
        Allowed geometry families (``"Polygon"`` admits MultiPolygon). None
        accepts any geometry type.

    Returns
    -------
    geopandas.GeoDataFrame
        The input (a GeoSeries is wrapped in a frame), not copied.

    Raises
    ------
    TypeError
        When ``gdf`` is not a GeoDataFrame/GeoSeries or holds the wrong geometry type.
    ValueError
        When it is empty, has no CRS, or has missing/empty geometries.

    Examples
    --------
    >>> import gzgeo
    >>> check_layer(gzgeo.load("districts"), "districts", "Polygon").shape[0]
    11
    >>> check_layer(gzgeo.load("districts").iloc[:0], "districts")
    Traceback (most recent call last):
    ...
    ValueError: districts is empty: nothing to analyse
    """
    if isinstance(gdf, gpd.GeoSeries):
        gdf = gpd.GeoDataFrame(geometry=gdf)
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"{name} must be a GeoDataFrame or GeoSeries, not {type(gdf).__name__}")
    if len(gdf) == 0:
        raise ValueError(f"{name} is empty: nothing to analyse")
    if gdf.crs is None:
        raise ValueError(f"{name} has no CRS; set it (gzgeo layers are EPSG:4326) with .set_crs() first")
    geoms = gdf.geometry.values
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        raise ValueError(f"{name} has {int(missing.sum())} missing or empty geometries; drop them first")
    _check_coordinates(geoms, gdf, name)
    if geometry is not None:
        wanted = [geometry] if isinstance(geometry, str) else list(geometry)
        allowed = set().union(*(_FAMILIES[w] for w in wanted))
        kinds = set(gdf.geom_type.unique())
        wrong = kinds - allowed
        if wrong:
            raise TypeError(f"{name} must hold {' or '.join(wanted)} geometries, found {', '.join(sorted(wrong))}")
    return gdf


def _check_coordinates(geoms, gdf: gpd.GeoDataFrame, name: str) -> None:
    """Refuse NaN/infinite coordinates (``POINT (113.4 NaN)``) and, in lon/lat, values off the globe."""
    coords, rows = shapely.get_coordinates(geoms, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if gdf.crs.is_geographic:
        bad |= ~valid_lonlat(coords[:, 0], coords[:, 1])
    if bad.any():
        labels = [str(gdf.index[i]) for i in dict.fromkeys(rows[bad].tolist())]
        raise ValueError(
            f"{name} has non-finite or out-of-range coordinates in row(s) {', '.join(labels[:5])}"
            f"{' …' if len(labels) > 5 else ''}; fix or drop them first"
        )


def require_columns(frame: pd.DataFrame, columns: Sequence[str], name: str = "layer") -> None:
    """Raise ValueError naming the columns of ``columns`` that ``frame`` lacks.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "district"], "platforms")
    Traceback (most recent call last):
    ...
    ValueError: platforms lacks column(s) district
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}")


def layer_or_default(gdf, layer: str, geometry: str | None = None) -> gpd.GeoDataFrame:
    """Return ``gdf`` checked, or the bundled layer ``layer`` when ``gdf`` is None."""
    if gdf is None:
        gdf = load(layer)
    return check_layer(gdf, layer, geometry)


def filter_categories(
    points: gpd.GeoDataFrame, categories: str | Iterable[str] | None, column: str = "category"
) -> gpd.GeoDataFrame:
    """Keep rows whose ``column`` is in ``categories`` (a name or a list); None keeps all."""
    if categories is None:
        return points
    wanted = [categories] if isinstance(categories, str) else list(categories)
    if column not in points:
        raise ValueError(f"cannot filter by {column!r}: the layer has no such column")
    kept = points[points[column].isin(wanted)]
    if kept.empty:
        raise ValueError(f"no features with {column} in {wanted}")
    return kept
