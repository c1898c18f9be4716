"""Interactive Folium maps of the innovation layout, offline by default.

One map carries every layer in a layer control: districts, the zones and
their parts, the axis, the cores, the nodes, one clustered layer per platform
category, a density heatmap, cluster hulls, proximity rings and a selection
highlight. A legend (an HTML Leaflet control, no d3/branca colormap, so
nothing is fetched from a CDN), measure, fullscreen, minimap (only over a tile
basemap) and drawing controls complete it.

Exact and estimated locations look different: a platform known to its site
or campus is a filled circle; one known only to its zone or district is a
hollow dashed circle at the anchor polygon's representative point, and its
popup says so.

Platforms are drawn in the browser from compact typed arrays, clustered by
supercluster (see :mod:`gzgeo.pointlayer`), so 100,000 platforms stay fast.
All geometry is WGS-84 unless the basemap is GCJ-02 (AMap), in which
case every overlay is shifted (:func:`gzgeo.basemaps.overlay_datum`).

The package, one concern a module:

- :mod:`.assembly` -- :func:`layout_map`, in steps: basemap → fixed layers → controls → platforms → overlays;
  :func:`layout_base` and :func:`add_layout_layers` are its two parts (without and with the platforms);
- :mod:`.fixed` -- the bundled districts, metro, zones, parts, cores, nodes and axis;
- :mod:`.overlays` -- heatmap, cluster hulls, rings, a selection;
- :mod:`.legend` -- the legend control and its HTML;
- :mod:`.popup` -- platform popups and the page CSS;
- :mod:`.highlight` -- :func:`highlight_layer`, a query result added to the live map;
- :mod:`.styles` -- Leaflet path styles (colours from :mod:`gzgeo.style`).
"""

from ..pointlayer import add_platform_layers
from ..style import ALL_LAYERS, DEFAULT_LAYERS, GUANGZHOU_CENTER, category_colors
from .assembly import add_layout_layers, layout_base, layout_map
from .highlight import highlight_layer
from .legend import Legend, legend_html
from .popup import platform_popup_html, platform_rows

__all__ = [
    "GUANGZHOU_CENTER",
    "DEFAULT_LAYERS",
    "ALL_LAYERS",
    "layout_map",
    "layout_base",
    "add_layout_layers",
    "category_colors",
    "platform_popup_html",
    "platform_rows",
    "add_platform_layers",
    "Legend",
    "legend_html",
    "highlight_layer",
]
