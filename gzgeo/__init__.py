"""gzgeo: Guangzhou's science-and-technology innovation layout as trustworthy GIS layers.

Layers are stored in WGS-84 (EPSG:4326) and measured in metres in EPSG:4547.
GCJ-02 and BD-09 (Chinese web maps) are converted at the edges with
:func:`gzgeo.convert`.

Examples
--------
>>> import gzgeo
>>> platforms = gzgeo.load("platforms")
>>> gzgeo.validate().ok
True
>>> near = gzgeo.along_axis(platforms, max_dist_m=2000)
>>> bool((near["dist_m"] <= 2000).all())
True
"""

from .analysis import (
    CoverageResult,
    DensitySurface,
    RegionQuery,
    along_axis,
    axis_line,
    buffers,
    cluster_summary,
    count_platforms,
    coverage,
    dbscan_clusters,
    density_contours,
    distance_matrix,
    distance_to_layout,
    distance_to_nearest,
    hdbscan_clusters,
    hot_spots,
    hot_spots_by_area,
    kernel_density,
    layout_shares,
    layout_statistics,
    located,
    located_mask,
    mean_centre,
    median_centre,
    nearest_neighbour_index,
    nearest_platforms,
    points_in_polygons,
    query_region,
    rings,
    ripley,
    standard_deviational_ellipse,
    synthetic_points,
    target_progress,
)
from .cartography import PRESETS, save_static_map, static_map
from .crs import (
    GUANGZHOU_METRIC_CRS,
    WGS84,
    convert,
    convert_frame,
    convert_geometry,
    to_metric,
)
from .deck import build_deck, save_deck
from .export import export_bytes, write_csv, write_geojson, write_geopackage, write_html
from .filters import PlatformFilter, facet_counts, filter_platforms
from .geocode import geocode
from .io import import_platforms
from .layers import LAYERS, area_km2, data_home, layers, load
from .maps import layout_map
from .offline import localize
from .snapshot import save_snapshot, snapshot_png
from .validate import ValidationReport, validate
from .workspace import open_workspace

__version__ = "0.1.0"

__all__ = [
    # data
    "LAYERS", "layers", "load", "data_home", "validate", "ValidationReport", "area_km2",
    # workspace: import, geocode, correct (gzgeo.workspace)
    "import_platforms", "geocode", "open_workspace",
    # coordinate systems
    "WGS84", "GUANGZHOU_METRIC_CRS", "convert", "convert_frame", "convert_geometry", "to_metric",
    # selection
    "PlatformFilter", "filter_platforms", "facet_counts",
    # analysis
    "CoverageResult", "DensitySurface", "RegionQuery", "along_axis", "axis_line", "buffers", "cluster_summary",
    "count_platforms", "coverage", "dbscan_clusters", "density_contours", "distance_matrix", "distance_to_layout",
    "distance_to_nearest", "hdbscan_clusters", "hot_spots", "hot_spots_by_area", "kernel_density", "layout_shares",
    "layout_statistics", "located", "located_mask", "mean_centre", "median_centre", "nearest_neighbour_index",
    "nearest_platforms",
    "points_in_polygons", "query_region", "rings", "ripley", "standard_deviational_ellipse", "synthetic_points",
    "target_progress",
    # maps and exports
    "layout_map", "localize", "PRESETS", "static_map", "save_static_map", "build_deck", "save_deck",
    "snapshot_png", "save_snapshot", "export_bytes", "write_csv", "write_geojson", "write_geopackage", "write_html",
]
