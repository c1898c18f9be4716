"""Synthetic platform points for tests, benchmarks and the app's stress mode."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..layers import LEVELS
from .projection import frame_from_metric_points, region_geometry

__all__ = ["synthetic_points"]


def synthetic_points(
    n: int, seed: int = 0, region=None, categories: Sequence[str] = ("lab", "facility", "institute", "incubator")
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
    levels = np.array(LEVELS)
    data = pd.DataFrame(
        {
            "id": [f"syn-{i}" for i in range(n)],
            "category": np.asarray(categories)[rng.integers(0, len(categories), n)],
            "level": levels[rng.integers(0, len(levels), n)],
            "weight": rng.uniform(1.0, 10.0, n),
        }
    )
    return frame_from_metric_points(xy, data)
