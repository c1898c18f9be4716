"""Interactive Folium maps of the innovation layout, offline by default.

Exact and estimated locations look different: a platform known to its site
or campus is a filled circle; one known only to its zone or district is a
hollow dashed circle at the anchor polygon's representative point, and its
popup says so.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import folium
import geopandas as gpd
import pandas as pd

from .layers import load
from .offline import localize

__all__ = ["GUANGZHOU_CENTER", "DEFAULT_LAYERS", "layout_map", "category_colors"]

#: Map centre (lat, lon) framing the city proper and the Huangpu/Nansha zones.
GUANGZHOU_CENTER = (23.12, 113.42)
DEFAULT_LAYERS: tuple[str, ...] = ("districts", "zones", "cores", "nodes", "axis", "platforms")

_ZONE_STYLE = {"color": "#b2182b", "weight": 2, "fillOpacity": 0.12, "dashArray": "6 4"}
_PART_STYLE = {"color": "#ef8a62", "weight": 1.5, "fillOpacity": 0.10, "dashArray": "3 4"}
_CORE_STYLE = {"color": "#2166ac", "weight": 2.5, "fillOpacity": 0.0}
_NODE_STYLE = {"color": "#1b7837", "weight": 2.5, "fillOpacity": 0.15}
_DISTRICT_STYLE = {"color": "#555555", "weight": 1, "fillColor": "#f7f7f7", "fillOpacity": 0.6}
_AXIS_STYLE = {"color": "#762a83", "weight": 5, "opacity": 0.85}


def category_colors() -> dict[str, str]:
    """Map colour of each platform category, from ``data/categories.csv``.

    Examples
    --------
    >>> category_colors()["provincial_lab"].startswith("#")
    True
    """
    cats = load("categories")
    return dict(zip(cats["id"], cats["color"], strict=True))


def _escape(value: object) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def platform_popup_html(row: pd.Series, labels: dict[str, str] | None = None) -> str:
    """HTML of a platform's popup: names, category, level, status, address, precision, sources."""
    labels = labels or {}
    estimate = bool(row.get("location_is_estimate", False))
    precision = _escape(row.get("location_precision"))
    if estimate:
        precision = f"<b style='color:#b2182b'>{precision} — {_escape(labels.get('estimate', '位置为估计'))}</b>"
    fields = [
        ("category", row.get("category_label", row.get("category"))),
        ("level", row.get("level")),
        ("status", row.get("status")),
        ("district", row.get("district")),
        ("address", row.get("address")),
    ]
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:6px'>{_escape(labels.get(k, k))}</th>"
        f"<td>{_escape(v)}</td></tr>"
        for k, v in fields
    )
    rows += (f"<tr><th style='text-align:left'>{_escape(labels.get('location_precision', 'location_precision'))}"
             f"</th><td>{precision}</td></tr>")
    rows += (f"<tr><th style='text-align:left'>{_escape(labels.get('sources', 'sources'))}</th>"
             f"<td>{_escape(row.get('sources') or row.get('source_file'))}</td></tr>")
    return (
        f"<div style='font-size:12px;min-width:260px'><b>{_escape(row.get('name_zh'))}</b><br>"
        f"<i>{_escape(row.get('name_en'))}</i><table>{rows}</table></div>"
    )


def _polygon_layer(gdf: gpd.GeoDataFrame, name: str, style: dict, fields: Sequence[str],
                   aliases: Sequence[str]) -> folium.GeoJson:
    keep = [c for c in fields if c in gdf.columns]
    return folium.GeoJson(
        gdf[[*keep, "geometry"]],
        name=name,
        style_function=lambda _f, s=style: dict(s),
        tooltip=folium.GeoJsonTooltip(fields=list(keep), aliases=list(aliases[: len(keep)])),
    )


def add_platforms(fmap: folium.Map, platforms: gpd.GeoDataFrame, name: str = "platforms",
                  colors: dict[str, str] | None = None, labels: dict[str, str] | None = None) -> folium.FeatureGroup:
    """Add platforms as circle markers, estimated locations hollow and dashed."""
    colors = colors or category_colors()
    group = folium.FeatureGroup(name=name)
    for _, row in platforms.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        color = colors.get(row["category"], "#333333")
        estimate = bool(row.get("location_is_estimate", False))
        folium.CircleMarker(
            location=(row.geometry.y, row.geometry.x),
            radius=9 if estimate else 6,
            color=color,
            weight=2,
            fill=not estimate,
            fill_color=color,
            fill_opacity=0.85 if not estimate else 0.0,
            dash_array="4 3" if estimate else None,
            tooltip=f"{row['name_zh']} · {row['name_en']}",
            popup=folium.Popup(platform_popup_html(row, labels), max_width=380),
        ).add_to(group)
    group.add_to(fmap)
    return group


def layout_map(
    layers: Iterable[str] = DEFAULT_LAYERS,
    platforms: gpd.GeoDataFrame | None = None,
    offline: str = "inline",
    height: str | int = "100%",
) -> folium.Map:
    """Build one Folium map of the layout: districts, zones, cores, nodes, axis, platforms.

    No basemap is drawn (the district polygons give context), so the map
    needs no network; all JavaScript and CSS are local (see
    :func:`gzgeo.offline.localize`).

    Parameters
    ----------
    layers : iterable of str
        Which layers to draw, from :data:`DEFAULT_LAYERS`.
    platforms : GeoDataFrame, optional
        A filtered selection of ``gzgeo.load("platforms")``; all by default.
    offline : {"inline", "static"}
        How assets are served: embedded (standalone HTML) or from Streamlit's
        static folder (the app).

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> m = layout_map()
    >>> "leaflet" in m.get_root().render()
    True
    """
    wanted = set(layers)
    fmap = folium.Map(location=GUANGZHOU_CENTER, zoom_start=10, tiles=None, control_scale=True,
                      height=height, prefer_canvas=True)
    if "districts" in wanted:
        _polygon_layer(load("districts"), "districts 行政区", _DISTRICT_STYLE,
                       ["name_zh", "name_en", "area_km2"], ["区", "District", "km²"]).add_to(fmap)
    if "zones" in wanted:
        zones = load("zones")
        top = zones[zones["parent"] == ""]
        parts = zones[zones["parent"] != ""]
        fields = ["name_zh", "name_en", "official_area_km2", "area_km2", "geometry_quality", "precision_note"]
        aliases = ["名称", "Name", "official km²", "mapped km²", "quality", "precision"]
        _polygon_layer(top, "zones 一区三城", _ZONE_STYLE, fields, aliases).add_to(fmap)
        _polygon_layer(parts, "zone parts 片区", _PART_STYLE, fields, aliases).add_to(fmap)
    if "cores" in wanted:
        _polygon_layer(load("cores"), "cores 双核", _CORE_STYLE,
                       ["name_zh", "name_en", "role"], ["名称", "Name", "role"]).add_to(fmap)
    if "nodes" in wanted:
        _polygon_layer(load("nodes"), "nodes 节点", _NODE_STYLE,
                       ["name_zh", "name_en", "role", "area_km2"], ["名称", "Name", "role", "km²"]).add_to(fmap)
    if "axis" in wanted:
        axis = load("axis")
        folium.GeoJson(
            axis[["name_zh", "name_en", "length_km", "geometry_quality", "geometry"]],
            name="axis 创新大道",
            style_function=lambda _f: dict(_AXIS_STYLE),
            tooltip=folium.GeoJsonTooltip(fields=["name_zh", "name_en", "length_km", "geometry_quality"]),
        ).add_to(fmap)
    if "platforms" in wanted:
        add_platforms(fmap, load("platforms") if platforms is None else platforms, name="platforms 平台")
    folium.LayerControl(collapsed=False).add_to(fmap)
    return localize(fmap, mode=offline)
