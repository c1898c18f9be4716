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

import importlib
from typing import TYPE_CHECKING

# The data layer (geopandas, the layer registry, coordinate systems) loads with the package; everything else
# loads on first use (PEP 562), so ``import gzgeo`` does not pay for sklearn, scipy, matplotlib, folium,
# python-pptx or playwright.
from .crs import GUANGZHOU_METRIC_CRS, WGS84, convert, convert_frame, convert_geometry, to_metric

# Eager as well: these functions share their submodule's name, which a lazy import would leave bound to the module.
from .geocode import geocode
from .layers import LAYERS, area_km2, data_home, layers, load
from .validate import ValidationReport, validate

#: Public name -> submodule that defines it, imported when the name is first used.
_LAZY: dict[str, str] = {
    **dict.fromkeys(
        [
            "CoverageResult",
            "DensitySurface",
            "RegionQuery",
            "along_axis",
            "axis_line",
            "buffers",
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
        ],
        "analysis",
    ),
    **dict.fromkeys(["PRESETS", "save_static_map", "static_map"], "cartography"),
    **dict.fromkeys(["build_deck", "save_deck"], "deck"),
    **dict.fromkeys(["export_bytes", "write_csv", "write_geojson", "write_geopackage", "write_html"], "export"),
    **dict.fromkeys(["PlatformFilter", "facet_counts", "filter_mask", "filter_platforms"], "filters"),
    "layout_map": "maps",
    "localize": "offline",
    "district_counts": "orientation",
    "precision_counts": "geocoding",
    "import_platforms": "io",
    "open_workspace": "workspace",
    **dict.fromkeys(["PLAN_STAGES", "plan_changes", "plan_documents", "plan_history", "plan_snapshot"], "plans"),
    "plan_small_multiples": "plancarto",
    **dict.fromkeys(["save_snapshot", "snapshot_png"], "snapshot"),
}

if TYPE_CHECKING:  # static analysers and IDEs see ordinary imports
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
    from .deck import build_deck, save_deck
    from .export import export_bytes, write_csv, write_geojson, write_geopackage, write_html
    from .filters import PlatformFilter, facet_counts, filter_mask, filter_platforms
    from .geocoding import precision_counts
    from .io import import_platforms
    from .maps import layout_map
    from .offline import localize
    from .orientation import district_counts
    from .plancarto import plan_small_multiples
    from .plans import PLAN_STAGES, plan_changes, plan_documents, plan_history, plan_snapshot
    from .snapshot import save_snapshot, snapshot_png
    from .workspace import open_workspace

__version__ = "0.2.0"

__all__ = [
    # data
    "LAYERS",
    "layers",
    "load",
    "data_home",
    "validate",
    "ValidationReport",
    "area_km2",
    "precision_counts",
    # workspace: import, geocode, correct (gzgeo.workspace)
    "import_platforms",
    "geocode",
    "open_workspace",
    # coordinate systems
    "WGS84",
    "GUANGZHOU_METRIC_CRS",
    "convert",
    "convert_frame",
    "convert_geometry",
    "to_metric",
    # selection
    "PlatformFilter",
    "filter_platforms",
    "filter_mask",
    "facet_counts",
    # analysis
    "CoverageResult",
    "DensitySurface",
    "RegionQuery",
    "along_axis",
    "axis_line",
    "buffers",
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
    # plan evolution
    "PLAN_STAGES",
    "plan_documents",
    "plan_history",
    "plan_snapshot",
    "plan_changes",
    "plan_small_multiples",
    # maps and exports
    "layout_map",
    "district_counts",
    "localize",
    "PRESETS",
    "static_map",
    "save_static_map",
    "build_deck",
    "save_deck",
    "snapshot_png",
    "save_snapshot",
    "export_bytes",
    "write_csv",
    "write_geojson",
    "write_geopackage",
    "write_html",
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        try:  # a submodule used as an attribute (gzgeo.maps) without importing it first
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
