"""Orientation layers and district counts for the maps.

With no basemap the map has no streets: the metro lines and stations (an offline
layer, ``metro_lines`` / ``metro_stations``) let a planner find their way.
Platforms known only to their district are not points: they are shown as one
count badge per district, never as a pile of markers on a representative point.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd

from .crs import convert, convert_frame
from .i18n import DEFAULT_LANGUAGE, t
from .layers import load

__all__ = ["METRO_COLOR", "district_only", "district_counts", "add_metro_layer", "add_district_badges",
           "draw_metro", "draw_district_badges", "badge_html"]

METRO_COLOR = "#5a6b7b"
_BADGE_COLOR = "#444444"
_MAX_NAMES = 40  # names listed in one badge popup; the rest are counted


def district_only(platforms: pd.DataFrame) -> pd.Series:
    """Boolean mask of the platforms located only to their district.

    Examples
    --------
    >>> import gzgeo
    >>> p = gzgeo.load("platforms")
    >>> int(district_only(p).sum()) == int((p["location_precision"] == "district").sum())
    True
    """
    if "location_precision" not in platforms:
        return pd.Series(False, index=platforms.index)
    return platforms["location_precision"].astype(str).eq("district")


def district_counts(platforms: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per district with platforms located only to it: ``district``, ``n``, ``names`` and the badge point.

    The point is where :func:`gzgeo.load` draws those platforms (inside the
    district, outside every planning zone), WGS-84.

    Examples
    --------
    >>> import gzgeo
    >>> counts = district_counts(gzgeo.load("platforms"))
    >>> int(counts["n"].sum()) == int((gzgeo.load("platforms")["location_precision"] == "district").sum())
    True
    """
    only = platforms[district_only(platforms)]
    rows = []
    for district, group in only.groupby("district", sort=True):
        geoms = group.geometry[group.geometry.notna() & ~group.geometry.is_empty]
        if geoms.empty:
            continue
        rows.append({"district": district, "n": len(group), "names": list(group["name_zh"].astype(str)),
                     "geometry": geoms.iloc[0]})
    return gpd.GeoDataFrame(rows, columns=["district", "n", "names", "geometry"], geometry="geometry",
                            crs=platforms.crs or 4326)


def badge_html(n: int) -> str:
    """The badge's HTML: a dark rounded box with the count (an int, so nothing to escape)."""
    return (f"<div style='background:{_BADGE_COLOR};color:#fff;border:2px solid #fff;border-radius:10px;"
            f"padding:1px 6px;font:bold 12px sans-serif;box-shadow:0 0 3px rgba(0,0,0,.5);white-space:nowrap'>"
            f"{int(n)}</div>")


def add_district_badges(fmap: folium.Map, platforms: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE,
                        datum: str = "wgs84", show: bool = True) -> gpd.GeoDataFrame:
    """Add a layer of per-district count badges for the district-only platforms; returns the counts."""
    counts = district_counts(platforms)
    group = folium.FeatureGroup(name=html.escape(t("layer_district_counts", lang)), show=show)
    for row in counts.itertuples():
        x, y = row.geometry.x, row.geometry.y
        if datum != "wgs84":
            x, y = convert(x, y, "wgs84", datum)
        names = [html.escape(n) for n in row.names[:_MAX_NAMES]]
        more = row.n - len(names)
        title = html.escape(t("district_only_popup", lang).format(district=row.district, n=row.n))
        body = "<br>".join(names) + (f"<br>… +{more}" if more > 0 else "")
        popup = f"<div class='gzgeo-popup'><b>{title}</b><br>{body}</div>"
        folium.Marker(
            (float(y), float(x)),
            icon=folium.DivIcon(html=badge_html(row.n), icon_size=(34, 20), icon_anchor=(17, 10),
                                class_name="gzgeo-district-badge"),
            tooltip=title, popup=folium.Popup(popup, max_width=360),
        ).add_to(group)
    group.add_to(fmap)
    return counts


def add_metro_layer(fmap: folium.Map, lang: str = DEFAULT_LANGUAGE, datum: str = "wgs84",
                    show: bool = True) -> folium.FeatureGroup | None:
    """Add the metro lines (thin polylines) and stations (small dots) as one toggleable layer.

    Returns None when the metro layers are not installed.
    """
    try:
        lines, stations = load("metro_lines"), load("metro_stations")
    except FileNotFoundError:
        return None
    if datum != "wgs84":
        lines, stations = convert_frame(lines, "wgs84", datum), convert_frame(stations, "wgs84", datum)
    group = folium.FeatureGroup(name=html.escape(t("layer_metro", lang)), show=show)
    lines = lines[["name_zh", "name_en", "geometry"]].copy()
    for col in ("name_zh", "name_en"):
        lines[col] = lines[col].astype(str).map(html.escape)
    folium.GeoJson(lines, style_function=lambda _f: {"color": METRO_COLOR, "weight": 2, "opacity": 0.7},
                   tooltip=folium.GeoJsonTooltip(fields=["name_zh", "name_en"], labels=False)).add_to(group)
    for name, point in zip(stations["name_zh"], stations.geometry, strict=True):
        folium.CircleMarker((point.y, point.x), radius=2.5, color=METRO_COLOR, weight=1, fill=True,
                            fill_color="#ffffff", fill_opacity=1.0, tooltip=html.escape(f"{name}站")).add_to(group)
    group.add_to(fmap)
    return group


def draw_metro(ax, handles: list | None = None) -> None:
    """Draw the metro lines and stations on a matplotlib axis in EPSG:4547 (static maps)."""
    from .crs import GUANGZHOU_METRIC_CRS

    try:
        lines, stations = load("metro_lines"), load("metro_stations")
    except FileNotFoundError:
        return
    lines.to_crs(GUANGZHOU_METRIC_CRS).plot(ax=ax, color=METRO_COLOR, linewidth=0.9, alpha=0.6, zorder=2.5)
    st = stations.to_crs(GUANGZHOU_METRIC_CRS)
    ax.scatter(st.geometry.x, st.geometry.y, s=5, facecolors="white", edgecolors=METRO_COLOR, linewidths=0.6,
               zorder=2.6)
    if handles is not None:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color=METRO_COLOR, linewidth=1.2, marker="o", markersize=3,
                              markerfacecolor="white", label="地铁线路与车站 metro (orientation)"))


def draw_district_badges(ax, platforms: gpd.GeoDataFrame, handles: list | None = None) -> int:
    """Draw one count badge per district for the district-only platforms (static maps, EPSG:4547 axis).

    Returns the number of platforms counted.
    """
    from .crs import GUANGZHOU_METRIC_CRS

    counts = district_counts(platforms)
    if counts.empty:
        return 0
    metric = counts.to_crs(GUANGZHOU_METRIC_CRS)
    for row in metric.itertuples():
        # Offset below the point, where the district's name label sits.
        ax.annotate(str(int(row.n)), (row.geometry.x, row.geometry.y), xytext=(0, -14), textcoords="offset points",
                    ha="center", va="center", fontsize=9, fontweight="bold", color="white", zorder=15,
                    annotation_clip=True,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": _BADGE_COLOR, "edgecolor": "white"})
    if handles is not None:
        from matplotlib.patches import Patch

        handles.append(Patch(facecolor=_BADGE_COLOR, edgecolor="white",
                             label=f"仅知所在区（计数）district-only ({int(counts['n'].sum())})"))
    return int(counts["n"].sum())
