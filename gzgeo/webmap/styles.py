"""Leaflet path styles of the web map's fixed layers and overlays.

Colours come from :data:`gzgeo.style.LAYER_COLORS`, which the static maps use too;
what is web-only here is the rest of the style (weights, opacities, dashes).
"""

from __future__ import annotations

from ..style import LAYER_COLORS

__all__ = [
    "ZONE_STYLE",
    "PART_STYLE",
    "CORE_STYLE",
    "NODE_STYLE",
    "DISTRICT_STYLE",
    "DISTRICT_STYLE_TILES",
    "AXIS_STYLE",
    "HULL_STYLE",
    "RING_STYLE",
    "HIGHLIGHT_COLOR",
]

ZONE_STYLE = {"color": LAYER_COLORS["zones"], "weight": 2, "fillOpacity": 0.12, "dashArray": "6 4"}
PART_STYLE = {"color": LAYER_COLORS["parts"], "weight": 1.5, "fillOpacity": 0.10, "dashArray": "3 4"}
CORE_STYLE = {"color": LAYER_COLORS["cores"], "weight": 2.5, "fillOpacity": 0.0}
NODE_STYLE = {"color": LAYER_COLORS["nodes"], "weight": 2.5, "fillOpacity": 0.15}
#: Districts fill the background when there are no tiles, and are only outlines over tiles.
DISTRICT_STYLE = {"color": "#555555", "weight": 1, "fillColor": "#f7f7f7", "fillOpacity": 0.6}
DISTRICT_STYLE_TILES = {"color": "#555555", "weight": 1.2, "fillOpacity": 0.0}
AXIS_STYLE = {"color": LAYER_COLORS["axis"], "weight": 5, "opacity": 0.85}
HULL_STYLE = {"color": "#000000", "weight": 2, "fillColor": "#ffd92f", "fillOpacity": 0.25}
RING_STYLE = {"color": "#e7298a", "weight": 2, "fillOpacity": 0.04, "dashArray": "8 6"}
#: Rings around selected platforms and the clicked point.
HIGHLIGHT_COLOR = "#000000"
