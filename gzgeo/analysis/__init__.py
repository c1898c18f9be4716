"""Spatial analysis of Guangzhou's innovation layout: statistics, proximity, clustering, spatial statistics.

Every function accepts GeoDataFrames in any CRS, measures in metres in
EPSG:4547 and returns WGS-84 GeoDataFrames or DataFrames with units in the
column names (``dist_m``, ``area_km2``, ``density_per_km2``).

Functions that measure distances from, or the pattern of, platform points
take ``coarsest`` (default ``"zone"``) and drop coarser estimates first
(:func:`located`): a platform known only to its district is not a location.
Area counts keep every platform and report ``n_estimated``.
"""

import importlib
from typing import TYPE_CHECKING

from .checks import check_layer
from .precision import located, located_mask
from .synthetic import synthetic_points

# Submodules load on first use (PEP 562): proximity and statistics need scipy, clustering sklearn.
_LAZY: dict[str, str] = {
    **dict.fromkeys(["cluster_summary", "dbscan_clusters", "hdbscan_clusters"], "clustering"),
    **dict.fromkeys(
        [
            "CoverageResult",
            "RegionQuery",
            "along_axis",
            "axis_line",
            "buffers",
            "coverage",
            "distance_matrix",
            "distance_to_layout",
            "distance_to_nearest",
            "nearest_platforms",
            "query_region",
            "rings",
        ],
        "proximity",
    ),
    **dict.fromkeys(
        [
            "DensitySurface",
            "density_contours",
            "hot_spots",
            "hot_spots_by_area",
            "kernel_density",
            "mean_centre",
            "median_centre",
            "nearest_neighbour_index",
            "ripley",
            "standard_deviational_ellipse",
        ],
        "spatialstats",
    ),
    **dict.fromkeys(
        ["count_platforms", "layout_shares", "layout_statistics", "points_in_polygons", "target_progress"], "stats"
    ),
}

if TYPE_CHECKING:  # static analysers and IDEs see ordinary imports
    from .clustering import cluster_summary, dbscan_clusters, hdbscan_clusters
    from .proximity import (
        CoverageResult,
        RegionQuery,
        along_axis,
        axis_line,
        buffers,
        coverage,
        distance_matrix,
        distance_to_layout,
        distance_to_nearest,
        nearest_platforms,
        query_region,
        rings,
    )
    from .spatialstats import (
        DensitySurface,
        density_contours,
        hot_spots,
        hot_spots_by_area,
        kernel_density,
        mean_centre,
        median_centre,
        nearest_neighbour_index,
        ripley,
        standard_deviational_ellipse,
    )
    from .stats import count_platforms, layout_shares, layout_statistics, points_in_polygons, target_progress

__all__ = [
    "CoverageResult",
    "DensitySurface",
    "RegionQuery",
    "along_axis",
    "axis_line",
    "buffers",
    "check_layer",
    "cluster_summary",
    "count_platforms",
    "coverage",
    "dbscan_clusters",
    "density_contours",
    "distance_matrix",
    "distance_to_layout",
    "distance_to_nearest",
    "hdbscan_clusters",
    "hot_spots",
    "hot_spots_by_area",
    "kernel_density",
    "layout_shares",
    "layout_statistics",
    "located",
    "located_mask",
    "mean_centre",
    "median_centre",
    "nearest_neighbour_index",
    "nearest_platforms",
    "points_in_polygons",
    "query_region",
    "rings",
    "ripley",
    "standard_deviational_ellipse",
    "synthetic_points",
    "target_progress",
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
