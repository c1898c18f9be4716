"""The web map's analysis overlays: density heatmap, cluster hulls, proximity rings, a selection.

Each takes WGS-84 input and draws it in the overlay datum of the basemap
(:func:`gzgeo.basemaps.overlay_datum`); tooltip values are HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

import folium
import folium.plugins as plugins
import geopandas as gpd
import numpy as np

from ..basemaps import to_basemap_datum
from ..crs import convert, to_metric
from ..i18n import t
from ..safe import escape_html
from ..selection import split_located
from .styles import HIGHLIGHT_COLOR, HULL_STYLE, RING_STYLE

__all__ = ["add_overlays"]


def _tooltip_frame(gdf: gpd.GeoDataFrame, fields: Sequence[str]) -> gpd.GeoDataFrame:
    """``gdf`` reduced to ``fields`` (HTML-escaped text, for ``folium.GeoJsonTooltip``) and its geometry."""
    out = gdf[[*fields, "geometry"]].copy()
    for col in fields:
        out[col] = out[col].map(escape_html)
    return out


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


def _add_heatmap(fmap: folium.Map, platforms: gpd.GeoDataFrame, lang: str, datum: str) -> None:
    # Density shows located platforms only: stacked district-only estimates would paint a false hot spot.
    heat = split_located(platforms)[0]
    pts = heat.geometry[heat.geometry.notna() & ~heat.geometry.is_empty]
    lon, lat = pts.x.to_numpy(), pts.y.to_numpy()
    if datum != "wgs84":
        lon, lat = convert(lon, lat, "wgs84", datum)
    plugins.HeatMap(
        np.column_stack([lat, lon]).round(6).tolist(),
        name=t("layer_heatmap", lang),
        radius=18,
        blur=14,
        min_opacity=0.3,
    ).add_to(fmap)


def _add_areas(
    fmap: folium.Map, areas: gpd.GeoDataFrame, fields: Sequence[str], label: str, show: bool, style: dict
) -> None:
    fields = [c for c in fields if c in areas]
    folium.GeoJson(
        _tooltip_frame(areas, fields),
        name=label,
        show=show,
        style_function=lambda _f: dict(style),
        tooltip=folium.GeoJsonTooltip(fields=fields) if fields else None,
    ).add_to(fmap)


def _add_selection(fmap: folium.Map, selection: gpd.GeoDataFrame, lang: str) -> None:
    group = folium.FeatureGroup(name=t("layer_selection", lang))
    for _, row in selection.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        folium.CircleMarker(
            (row.geometry.y, row.geometry.x),
            radius=12,
            color=HIGHLIGHT_COLOR,
            weight=3,
            fill=False,
            tooltip=escape_html(row.get("name_zh")),
        ).add_to(group)
    group.add_to(fmap)


def add_overlays(
    fmap: folium.Map,
    wanted: Container[str],
    lang: str,
    basemap: str,
    tianditu_key: str | None,
    datum: str,
    platforms: gpd.GeoDataFrame | None,
    hulls: gpd.GeoDataFrame | None = None,
    rings: gpd.GeoDataFrame | None = None,
    selection: gpd.GeoDataFrame | None = None,
) -> None:
    """Add the heatmap (only when ``"heatmap"`` is wanted), hulls, rings and a selection to ``fmap``.

    Parameters
    ----------
    fmap : folium.Map
    wanted : container of str
        Layers switched on; hulls and rings not wanted are added switched off.
    lang : {"zh", "en"}
    basemap, tianditu_key : str
        The basemap and its key, which decide the datum the overlays are shifted to.
    datum : {"wgs84", "gcj02"}
        :func:`gzgeo.basemaps.overlay_datum` of the basemap.
    platforms : GeoDataFrame or None
        WGS-84 platforms for the heatmap (located ones only); None draws no heatmap.
    hulls, rings, selection : GeoDataFrame, optional
        WGS-84 cluster hulls (``cluster``, ``n_points``, ...), rings/corridors (``label``) and points to ring.

    Examples
    --------
    >>> import gzgeo
    >>> m = folium.Map(tiles=None)
    >>> add_overlays(m, {"heatmap"}, "en", "none", None, "wgs84", gzgeo.load("platforms"),
    ...              selection=gzgeo.load("platforms").head(2))
    >>> [type(c).__name__ for c in m._children.values()]
    ['HeatMap', 'FeatureGroup']
    """
    if "heatmap" in wanted and platforms is not None and len(platforms):
        _add_heatmap(fmap, platforms, lang, datum)
    if hulls is not None and len(hulls):
        _add_areas(
            fmap,
            to_basemap_datum(_visible_hulls(hulls), basemap, tianditu_key),
            ("cluster", "n_points", "n_platforms", "hull_area_km2", "dominant_categories"),
            t("layer_hulls", lang),
            "hulls" in wanted,
            HULL_STYLE,
        )
    if rings is not None and len(rings):
        _add_areas(
            fmap,
            to_basemap_datum(rings, basemap, tianditu_key),
            ("label",),
            t("layer_rings", lang),
            "rings" in wanted,
            RING_STYLE,
        )
    if selection is not None and len(selection):
        _add_selection(fmap, to_basemap_datum(selection, basemap, tianditu_key), lang)
