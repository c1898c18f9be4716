"""The web map's old home, kept as a re-export: the code lives in :mod:`gzgeo.webmap`.

``from gzgeo.maps import layout_map`` (and every other name listed here) keeps working.

>>> from gzgeo.maps import layout_map
>>> layout_map is __import__("gzgeo.webmap", fromlist=["layout_map"]).layout_map
True
"""

from .webmap import (
    ALL_LAYERS,
    DEFAULT_LAYERS,
    GUANGZHOU_CENTER,
    Legend,
    add_platform_layers,
    category_colors,
    highlight_layer,
    layout_map,
    platform_popup_html,
    platform_rows,
)

__all__ = [
    "GUANGZHOU_CENTER",
    "DEFAULT_LAYERS",
    "ALL_LAYERS",
    "layout_map",
    "category_colors",
    "platform_popup_html",
    "platform_rows",
    "add_platform_layers",
    "Legend",
    "highlight_layer",
]
