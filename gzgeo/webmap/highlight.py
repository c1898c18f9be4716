"""Highlight a query result on the live web map without reloading it.

streamlit-folium adds a feature group to a drawn map (``feature_group_to_add``),
so clicking for the nearest platforms or drawing a region keeps the view.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from ..basemaps import overlay_datum, to_basemap_datum
from ..crs import convert
from ..i18n import DEFAULT_LANGUAGE, t
from ..pointlayer import _column
from ..safe import escape_html
from .styles import HIGHLIGHT_COLOR, RING_STYLE

__all__ = ["highlight_layer"]


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
        folium.GeoJson(
            to_basemap_datum(region[["geometry"]], basemap, tianditu_key), style_function=lambda _f: dict(RING_STYLE)
        ).add_to(group)
    if selection is not None and len(selection):
        valid = selection[selection.geometry.notna() & ~selection.geometry.is_empty]
        lon, lat = valid.geometry.x.to_numpy(), valid.geometry.y.to_numpy()
        if datum != "wgs84":
            lon, lat = convert(lon, lat, "wgs84", datum)
        # Leaflet shows a tooltip string as HTML.
        names = (_column(valid, "name_zh") + " · " + _column(valid, "name_en")).map(escape_html).tolist()
        for y, x, name in zip(lat, lon, names, strict=True):
            folium.CircleMarker(
                (float(y), float(x)), radius=13, color=HIGHLIGHT_COLOR, weight=3, fill=False, tooltip=name
            ).add_to(group)
    if click is not None:
        y, x = click
        if datum != "wgs84":
            x, y = convert(x, y, "wgs84", datum)
        folium.CircleMarker(
            (y, x), radius=5, color=HIGHLIGHT_COLOR, weight=2, fill=True, fill_color="#ffffff", fill_opacity=1.0
        ).add_to(group)
        if circle_m:
            folium.Circle(
                (y, x), radius=float(circle_m), color=RING_STYLE["color"], weight=2, fill=False, dash_array="8 6"
            ).add_to(group)
    return group
