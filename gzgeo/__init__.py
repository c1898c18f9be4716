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
"""

from .crs import (
    GUANGZHOU_METRIC_CRS,
    WGS84,
    convert,
    convert_frame,
    convert_geometry,
    to_metric,
)
from .layers import LAYERS, area_km2, data_home, layers, load
from .maps import layout_map
from .offline import localize
from .validate import ValidationReport, validate

__version__ = "0.1.0"

__all__ = [
    "GUANGZHOU_METRIC_CRS",
    "WGS84",
    "LAYERS",
    "ValidationReport",
    "area_km2",
    "convert",
    "convert_frame",
    "convert_geometry",
    "data_home",
    "layers",
    "layout_map",
    "load",
    "localize",
    "to_metric",
    "validate",
]
