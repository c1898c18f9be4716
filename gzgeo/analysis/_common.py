"""Old home of the analysis helpers, kept so existing imports keep working.

The helpers now live by concern, each in a public module: input checks in
:mod:`gzgeo.analysis.checks`, projection in :mod:`gzgeo.analysis.projection`,
the location-precision rule in :mod:`gzgeo.analysis.precision` and synthetic
data in :mod:`gzgeo.analysis.synthetic`. Nothing in gzgeo imports this module.
"""

from __future__ import annotations

from .checks import check_layer, filter_categories, layer_or_default, require_columns
from .precision import documents_coarsest, located, located_mask
from .projection import (
    METRIC_CRS,
    frame_from_metric_points,
    metric_geometry,
    metric_to_wgs84,
    metric_xy,
    region_geometry,
    to_wgs84_points,
    wgs84_to_metric,
)
from .synthetic import synthetic_points

__all__ = [
    "METRIC_CRS",
    "check_layer",
    "documents_coarsest",
    "filter_categories",
    "frame_from_metric_points",
    "layer_or_default",
    "located",
    "located_mask",
    "metric_geometry",
    "metric_to_wgs84",
    "metric_xy",
    "region_geometry",
    "require_columns",
    "synthetic_points",
    "to_wgs84_points",
    "wgs84_to_metric",
]
