"""Input checks, projection helpers and synthetic data shared by the analysis modules.

Every analysis function accepts GeoDataFrames in any CRS, measures in metres
in EPSG:4547 (:data:`gzgeo.crs.GUANGZHOU_METRIC_CRS`) and returns WGS-84.
The helpers here do the checking and projecting once, on coordinate arrays
(no per-point Python objects), so the same code scales to a million points.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ..crs import GUANGZHOU_METRIC_CRS, WGS84, valid_lonlat

__all__ = [
    "METRIC_CRS",
    "check_layer",
    "layer_or_default",
    "metric_xy",
    "metric_geometry",
    "to_wgs84_points",
    "region_geometry",
    "filter_categories",
    "located",
    "located_mask",
    "synthetic_points",
]

METRIC_CRS = GUANGZHOU_METRIC_CRS

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
        raise ValueError(f"{name} has non-finite or out-of-range coordinates in row(s) {', '.join(labels[:5])}"
                         f"{' …' if len(labels) > 5 else ''}; fix or drop them first")


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
        from ..layers import load

        gdf = load(layer)
    return check_layer(gdf, layer, geometry)


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
        from ..layers import load

        region = load("city")
    if isinstance(region, shapely.Geometry):
        if region.is_empty:
            raise ValueError(f"{name} is empty")
        return wgs84_to_metric(region)
    gdf = check_layer(region, name, "Polygon")
    return shapely.union_all(metric_geometry(gdf))


def filter_categories(points: gpd.GeoDataFrame, categories: str | Iterable[str] | None,
                      column: str = "category") -> gpd.GeoDataFrame:
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


def _precision_rank(coarsest: str | None) -> int | None:
    """Position of ``coarsest`` in ``LOCATION_PRECISIONS`` (finest first), or None for "keep everything"."""
    from ..layers import LOCATION_PRECISIONS

    if coarsest is None:
        return None
    if coarsest not in LOCATION_PRECISIONS:
        raise ValueError(f"coarsest must be None or one of {', '.join(LOCATION_PRECISIONS)}, not {coarsest!r}")
    return LOCATION_PRECISIONS.index(coarsest)


def located_mask(points: pd.DataFrame, coarsest: str | None = "zone") -> np.ndarray | None:
    """Boolean array of the rows of ``points`` located at least as finely as ``coarsest``.

    None when nothing is filtered out by construction: ``coarsest`` is None or
    ``"district"``, or the frame has no ``location_precision`` column
    (synthetic points are exact). Rows with a missing or unknown precision
    count as coarser than ``"district"``: they are kept only when nothing is filtered.
    """
    from ..layers import LOCATION_PRECISIONS

    rank = _precision_rank(coarsest)
    if rank is None or rank == len(LOCATION_PRECISIONS) - 1 or "location_precision" not in points:
        return None
    ranks = points["location_precision"].map({p: i for i, p in enumerate(LOCATION_PRECISIONS)})
    return (ranks.fillna(len(LOCATION_PRECISIONS)) <= rank).to_numpy()


_COARSEST_DOC = """coarsest : {"site", "campus_or_park", "zone", "district"} or None
        Coarsest ``location_precision`` kept (see :func:`gzgeo.analysis.located`); platforms located only
        to their district are left out by default: their point is not a location. None keeps every row."""


def documents_coarsest(func):
    """Fill the ``{coarsest}`` line of a function's numpy docstring with the shared parameter text.

    Every function that measures platform points takes the same ``coarsest``
    keyword; its description lives here once.
    """
    func.__doc__ = func.__doc__.replace("{coarsest}", _COARSEST_DOC)
    return func


def located(points, coarsest: str | None = "zone", name: str = "platforms"):
    """Keep the rows whose ``location_precision`` is at least as fine as ``coarsest``.

    Precision runs ``site`` < ``campus_or_park`` < ``zone`` < ``district``. A
    ``zone`` point is a representative point of its zone polygon (a few km of
    uncertainty); a ``district`` point only says "somewhere in this district",
    so it is not a location and the default ``coarsest="zone"`` drops it.

    Parameters
    ----------
    points : geopandas.GeoDataFrame or pandas.DataFrame
        Rows with a ``location_precision`` column (e.g. ``gzgeo.load("platforms")``);
        a frame without that column (synthetic points) is returned unchanged.
    coarsest : {"site", "campus_or_park", "zone", "district"} or None
        Coarsest precision kept; None or ``"district"`` keeps every row.
    name : str
        How the layer is called in the error message.

    Returns
    -------
    Same type as ``points``
        The kept rows (the input itself when nothing is filtered), index and CRS unchanged.

    Raises
    ------
    ValueError
        When ``coarsest`` is not a precision, or when the input has rows but none is located finely enough.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"location_precision": ["site", "campus_or_park", "zone", "district"]})
    >>> [len(located(frame, c)) for c in ("site", "campus_or_park", "zone", "district", None)]
    [1, 2, 3, 4, 4]
    >>> located(frame.iloc[[3]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: platforms is empty after location-precision filtering: ... pass coarsest='district' (or None) ...
    """
    keep = located_mask(points, coarsest)
    if keep is None:
        return points
    if len(points) and not keep.any():
        raise ValueError(f"{name} is empty after location-precision filtering: none of its {len(points)} rows "
                         f"is located to {coarsest!r} or finer; pass coarsest='district' (or None) to include "
                         "estimated locations")
    return points if keep.all() else points[keep]


def frame_from_metric_points(xy: np.ndarray, data: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """A WGS-84 GeoDataFrame of points given metric coordinates and optional attribute rows."""
    geometry = to_wgs84_points(xy)
    if data is None:
        data = pd.DataFrame(index=pd.RangeIndex(len(geometry)))
    return gpd.GeoDataFrame(data, geometry=geometry, crs=WGS84)


def synthetic_points(n: int, seed: int = 0, region=None,
                     categories: Sequence[str] = ("lab", "facility", "institute", "incubator")
                     ) -> gpd.GeoDataFrame:
    """Sample ``n`` points uniformly (by area) inside Guangzhou or another region.

    Sampling happens in EPSG:4547 metres by vectorised rejection from the
    bounding box (``shapely.contains_xy`` on the prepared polygon), so a
    million points take a few seconds. Used by the tests, the benchmarks and
    the app's stress mode.

    Parameters
    ----------
    n : int
        Number of points (>= 1).
    seed : int
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same points.
    region : GeoDataFrame, shapely geometry (WGS-84) or None
        Where to sample; None is the city outline.
    categories : sequence of str
        Values drawn uniformly at random for the ``category`` column.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points with columns ``id`` (``syn-0``...), ``category``,
        ``level`` and ``weight`` (uniform in [1, 10)).

    Examples
    --------
    >>> pts = synthetic_points(1000, seed=1)
    >>> len(pts), pts.crs.to_epsg()
    (1000, 4326)
    >>> import gzgeo
    >>> bool(pts.within(gzgeo.load("city").union_all().buffer(1e-9)).all())
    True
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(seed)
    polygon = region_geometry(region)
    shapely.prepare(polygon)
    minx, miny, maxx, maxy = polygon.bounds
    acceptance = polygon.area / ((maxx - minx) * (maxy - miny))
    chunks: list[np.ndarray] = []
    have = 0
    while have < n:
        # Oversample by the expected acceptance so one or two rounds suffice.
        m = int((n - have) / acceptance * 1.1) + 16
        x = rng.uniform(minx, maxx, m)
        y = rng.uniform(miny, maxy, m)
        inside = shapely.contains_xy(polygon, x, y)
        chunk = np.column_stack([x[inside], y[inside]])
        chunks.append(chunk)
        have += len(chunk)
    xy = np.concatenate(chunks)[:n]
    levels = np.array(["national", "provincial", "municipal", "district"])
    data = pd.DataFrame({
        "id": [f"syn-{i}" for i in range(n)],
        "category": np.asarray(categories)[rng.integers(0, len(categories), n)],
        "level": levels[rng.integers(0, len(levels), n)],
        "weight": rng.uniform(1.0, 10.0, n),
    })
    return frame_from_metric_points(xy, data)
