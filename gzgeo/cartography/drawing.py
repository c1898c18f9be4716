"""What a static map shows: districts, zones, cores, nodes, axis, metro, platforms, clusters and callouts.

Each ``_draw_*`` function draws one kind of layer on a matplotlib axis in EPSG:4547 and
appends its legend handles; colours are the web map's (:mod:`gzgeo.style`).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..analysis import cluster_summary, dbscan_clusters
from ..analysis.precision import located_mask
from ..crs import GUANGZHOU_METRIC_CRS
from ..filters import platform_zones
from ..i18n import category_labels
from ..layers import is_top_level, load
from ..orientation import draw_metro
from ..selection import resolve_zone
from ..style import FALLBACK_COLOR, category_colors
from .furniture import (
    _AXIS_COLOR,
    _CORE_EDGE,
    _DISTRICT_EDGE,
    _DISTRICT_FACE,
    _NODE_EDGE,
    _PART_EDGE,
    _ZONE_EDGE,
    SLIDE_MIN_FONT_PT,
)


def _metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.to_crs(GUANGZHOU_METRIC_CRS)


def _category_styles(short: bool = False) -> dict[str, tuple[str, str]]:
    """Category id -> (colour, Chinese · English label, or the Chinese one alone when ``short`` or too long).

    Colours and labels are the web map's (:func:`gzgeo.style.category_colors`, :func:`gzgeo.i18n.category_labels`).
    """
    zh_labels, en_labels = category_labels("zh"), category_labels("en")
    styles = {}
    for cid, color in category_colors().items():
        zh, en = zh_labels.get(cid, cid), en_labels.get(cid, cid)
        styles[cid] = (color, zh if short or len(f"{zh} {en}") > 34 else f"{zh} {en}")
    return styles


def _draw_platforms(
    ax,
    platforms_m: gpd.GeoDataFrame,
    handles: list,
    size: float = 46.0,
    label: bool = False,
    short: bool = False,
    count_estimates: bool = False,
) -> None:
    styles = _category_styles(short)
    if platforms_m.empty:
        return
    # Plain arrays once: a boolean index of the (arrow-backed) frame per category and precision took a
    # third of each slide map.
    categories = platforms_m["category"].to_numpy(dtype=object)
    all_estimates = platforms_m["location_is_estimate"].astype(bool).to_numpy()
    xs, ys = platforms_m.geometry.x.to_numpy(), platforms_m.geometry.y.to_numpy()
    present = [c for c in styles if c in set(categories)]
    present += sorted(set(categories) - set(styles))
    for category in present:
        color, text = styles.get(category, (FALLBACK_COLOR, category))
        in_category = categories == category
        exact, approx = in_category & ~all_estimates, in_category & all_estimates
        if exact.any():
            ax.scatter(xs[exact], ys[exact], s=size, c=color, edgecolors="white", linewidths=0.7, zorder=12)
        if approx.any():
            ax.scatter(
                xs[approx],
                ys[approx],
                s=size * 1.6,
                facecolors="none",
                edgecolors=color,
                linewidths=1.6,
                linestyle=(0, (2, 1.5)),
                zorder=12,
            )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=8,
                markerfacecolor=color,
                markeredgecolor="white",
                label=f"{text} ({int(in_category.sum())})",
            )
        )
    if platforms_m["location_is_estimate"].astype(bool).any():
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=10,
                markerfacecolor="none",
                markeredgecolor="#333333",
                markeredgewidth=1.5,
                label=(
                    "空心：位置估计\nhollow = estimated"
                    if short
                    else "空心：位置为估计（功能区/行政区代表点）\nhollow = estimated location"
                ),
            )
        )
    if count_estimates and platforms_m["location_is_estimate"].astype(bool).any():
        # slides number the located platforms; a shared estimated point says how many platforms it stands for
        approx = platforms_m[platforms_m["location_is_estimate"].astype(bool).to_numpy()]
        xy = np.round(np.column_stack([approx.geometry.x, approx.geometry.y]), 0)
        for (x, y), names in approx.groupby([xy[:, 0], xy[:, 1]], sort=False)["name_zh"]:
            ax.annotate(
                f"{len(names)} 个·估计",
                (x, y),
                xytext=(7, -7),
                textcoords="offset points",
                fontsize=SLIDE_MIN_FONT_PT,
                color="#444444",
                va="top",
                zorder=13,
                annotation_clip=True,
            )
    if label:
        # Platforms known only to the same zone or district share one point: one label says how many.
        xy = np.round(np.column_stack([platforms_m.geometry.x, platforms_m.geometry.y]), 0)
        for (x, y), names in platforms_m.groupby([xy[:, 0], xy[:, 1]], sort=False)["name_zh"]:
            text = str(names.iloc[0]) if len(names) == 1 else f"{names.iloc[0]} 等 {len(names)} 个平台"
            ax.annotate(text, (x, y), xytext=(5, 4), textcoords="offset points", fontsize=8, color="#222222", zorder=13)


def _label_polygons(ax, frame, **style) -> None:
    """Each polygon's ``name_zh`` at its representative point, centred and clipped to the axes."""
    for row in frame.itertuples():
        point = row.geometry.representative_point()
        ax.text(point.x, point.y, row.name_zh, ha="center", va="center", clip_on=True, **style)


def _draw_context(ax, layers: set[str], handles: list, label_zones: bool = True) -> None:
    """Districts, zones, cores, nodes and axis, with legend handles."""
    if "districts" in layers:
        districts = _metric(load("districts"))
        districts.plot(ax=ax, facecolor=_DISTRICT_FACE, edgecolor=_DISTRICT_EDGE, linewidth=0.8, zorder=1)
        _label_polygons(ax, districts, fontsize=9, color="#7a7a7a", zorder=2)
        handles.append(Patch(facecolor=_DISTRICT_FACE, edgecolor=_DISTRICT_EDGE, label="行政区 districts"))
    if "metro" in layers:
        draw_metro(ax, handles)
    if "zones" in layers:
        zones = _metric(load("zones"))
        top = zones[is_top_level(zones)]
        parts = zones[~is_top_level(zones)]
        top.plot(ax=ax, facecolor=_ZONE_EDGE, alpha=0.10, edgecolor="none", zorder=3)
        top.plot(ax=ax, facecolor="none", edgecolor=_ZONE_EDGE, linewidth=1.8, linestyle=(0, (5, 3)), zorder=4)
        if len(parts):
            parts.plot(ax=ax, facecolor="none", edgecolor=_PART_EDGE, linewidth=1.0, linestyle=(0, (2, 2)), zorder=4)
            handles.append(Patch(facecolor="none", edgecolor=_PART_EDGE, linestyle="--", label="片区 zone parts"))
        handles.insert(
            len(handles) - (1 if len(parts) else 0),
            Patch(facecolor="#f3d5d8", edgecolor=_ZONE_EDGE, linestyle="--", label="一区三城 zones"),
        )
        if label_zones:
            _label_polygons(
                ax,
                top,
                fontsize=10,
                fontweight="bold",
                color=_ZONE_EDGE,
                zorder=14,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.7, "edgecolor": "none"},
            )
    if "cores" in layers:
        cores = _metric(load("cores"))
        cores.plot(ax=ax, facecolor="none", edgecolor=_CORE_EDGE, linewidth=2.2, zorder=5)
        handles.append(Patch(facecolor="none", edgecolor=_CORE_EDGE, linewidth=2, label="“123”两核 cores"))
    if "nodes" in layers:
        nodes = _metric(load("nodes"))
        nodes.plot(ax=ax, facecolor=_NODE_EDGE, alpha=0.18, edgecolor=_NODE_EDGE, linewidth=2.0, zorder=5)
        handles.append(Patch(facecolor="#c5dfc9", edgecolor=_NODE_EDGE, linewidth=2, label="“123”三节点 nodes"))
    if "axis" in layers:
        axis = _metric(load("axis"))
        axis.plot(ax=ax, color=_AXIS_COLOR, linewidth=4, alpha=0.85, zorder=6)
        handles.append(Line2D([], [], color=_AXIS_COLOR, linewidth=4, label="“123”一轴 创新大道 axis"))


def _draw_clusters(ax, platforms: gpd.GeoDataFrame, eps_m: float, handles: list) -> None:
    """Outline DBSCAN clusters (:mod:`gzgeo.analysis`) with their convex hulls, padded to stay visible."""
    if len(platforms) < 3:
        return
    clusters = cluster_summary(dbscan_clusters(platforms, eps_m=eps_m, min_samples=3))
    if clusters.empty:
        return
    outlines = _metric(clusters).buffer(eps_m / 3)
    outlines.plot(ax=ax, facecolor="none", edgecolor="#08519c", linewidth=1.6, linestyle=(0, (1, 1.5)), zorder=9)
    handles.append(
        Line2D([], [], color="#08519c", linewidth=1.6, linestyle=":", label=f"DBSCAN 集聚区 clusters ({len(clusters)})")
    )


def zone_platforms(platforms: gpd.GeoDataFrame, zone: str) -> gpd.GeoDataFrame:
    """The platforms known to be in a zone (or one of its parts).

    A platform is in the zone when its ``anchor`` names the zone or a part of
    it, or when it is located at least to a zone and its point lies inside the
    polygon. A platform known only to its district is not in any zone, even
    when its district's representative point happens to fall inside one.

    Parameters
    ----------
    platforms : GeoDataFrame
        A selection of ``gzgeo.load("platforms")`` (EPSG:4326).
    zone : str
        Zone id, ``name_zh`` or ``name_en``.

    Returns
    -------
    GeoDataFrame
        The rows of ``platforms`` in the zone, in their order.

    Examples
    --------
    >>> inside = zone_platforms(load("platforms"), "中新广州知识城")
    >>> bool((inside["location_precision"] != "district").all()) and len(inside) > 0
    True
    """
    zone_id = resolve_zone(zone)["id"]
    keep = located_mask(platforms)
    points = platforms.copy()
    if keep is not None:
        # a district-only point says nothing about zones: membership then comes from the anchor alone
        points.loc[~keep, "geometry"] = None
    member = platform_zones(points, load("zones")).map(lambda ids: zone_id in ids.split("|"))
    return platforms[member.to_numpy(dtype=bool)]


def callout_order(platforms: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The platforms that get a numbered callout, in number order (north to south, then west to east).

    Only platforms whose location is not an estimate are numbered: a marker at
    a zone's or district's representative point is not the platform's place.

    Examples
    --------
    >>> numbered = callout_order(load("platforms"))
    >>> bool((~numbered["location_is_estimate"].astype(bool)).all())
    True
    """
    located = platforms[~platforms["location_is_estimate"].astype(bool).to_numpy()]
    order = np.lexsort((located.geometry.x.round(4).to_numpy(), -located.geometry.y.round(4).to_numpy()))
    return located.iloc[order]


def _draw_callouts(ax, numbered_m: gpd.GeoDataFrame, all_m: gpd.GeoDataFrame, fontsize: float) -> None:
    """Numbered labels beside the markers with leader lines, placed greedily so that no two overlap.

    Candidates ring each marker at growing distances; the first one inside the
    map frame that covers neither a placed label nor a marker wins.
    """
    if numbered_m.empty:
        return
    to_pt = 72.0 / ax.figure.dpi
    frame = ax.get_window_extent()
    fx0, fy0, fx1, fy1 = (v * to_pt for v in (frame.x0, frame.y0, frame.x1, frame.y1))
    markers = ax.transData.transform(np.column_stack([all_m.geometry.x, all_m.geometry.y])) * to_pt
    points = ax.transData.transform(np.column_stack([numbered_m.geometry.x, numbered_m.geometry.y])) * to_pt
    placed: list[tuple[float, float, float, float]] = []
    angles = np.radians([45, 135, -45, -135, 90, -90, 0, 180])
    for number, (px, py) in enumerate(points, start=1):
        half_w, half_h = (0.62 * fontsize * len(str(number)) + 7) / 2, (fontsize + 7) / 2
        choice = None
        for radius in (16, 26, 38, 52, 70, 92):
            for angle in angles:
                cx, cy = px + radius * math.cos(angle), py + radius * math.sin(angle)
                box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
                if box[0] < fx0 or box[2] > fx1 or box[1] < fy0 or box[3] > fy1:
                    continue
                if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                    continue
                if np.any(
                    (markers[:, 0] > box[0] - 4)
                    & (markers[:, 0] < box[2] + 4)
                    & (markers[:, 1] > box[1] - 4)
                    & (markers[:, 1] < box[3] + 4)
                ):
                    continue
                choice = (cx, cy, box)
                break
            if choice:
                break
        if choice is None:  # crowded: stack above, still numbered
            cx, cy = px, min(py + 16, fy1 - half_h)
            choice = (cx, cy, (cx - half_w, cy - half_h, cx + half_w, cy + half_h))
        placed.append(choice[2])
        x, y = numbered_m.geometry.x.iloc[number - 1], numbered_m.geometry.y.iloc[number - 1]
        ax.annotate(
            str(number),
            (x, y),
            xytext=(choice[0] - px, choice[1] - py),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight="bold",
            color="#111111",
            zorder=16,
            bbox={"boxstyle": "round,pad=0.22", "facecolor": "white", "edgecolor": "#333333", "linewidth": 0.8},
            arrowprops={"arrowstyle": "-", "color": "#333333", "linewidth": 0.8, "shrinkA": 0, "shrinkB": 3},
        )
