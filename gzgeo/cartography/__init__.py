"""Static maps for briefing slides: 16:9 PNG, SVG and PDF with full cartographic furniture.

Every map is drawn in EPSG:4547 (CGCS2000 / Gauss-Kruger CM 114E), so one
data unit is one metre and the scale bar is true everywhere in Guangzhou
(scale error < 0.02 %). Each map carries a title, a legend, a scale bar, a
north arrow pointing to true north (grid convergence is about 0.2 degrees
here), a source and attribution note with the location-precision caveat, and
a 审图号 (map-review number) field: a map published in China needs one.

Presets (see :data:`PRESETS`):

- ``overview``: Guangzhou districts, 一区三城 zones, the "123" layout, platforms by category;
- ``huangpu_123``: Huangpu's "123" layout (axis, two cores, three nodes);
- ``zone``: one zone (``zone=`` id or name) with the platforms in it;
- ``density``: kernel density of platforms (clusters) over the city;
- ``axis``: the 创新大道 corridor with the platforms near it;
- ``plan_stages``: small multiples, one panel per plan stage (:mod:`gzgeo.plancarto`).

Platforms known only to their zone or district (``location_is_estimate``)
are drawn as hollow markers. Any selection of ``gzgeo.load("platforms")`` can
be drawn. An online tile basemap is optional; when it cannot be fetched the
map is drawn without it and says so in the note.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .._io import atomic_write_bytes
from ..analysis import along_axis, kernel_density
from ..crs import GUANGZHOU_METRIC_CRS, WGS84
from ..layers import load
from ..orientation import district_only, draw_district_badges
from ..selection import resolve_zone, split_located
from .drawing import (  # what the maps show, shared with plancarto; the public names stay public here
    _draw_callouts,
    _draw_clusters,
    _draw_context,
    _draw_platforms,
    _metric,
    callout_order,
    zone_platforms,
)
from .furniture import (  # the frame every static map shares
    _AXIS_COLOR,
    _MAP_BOX,
    _PANEL_LEFT,
    _ZONE_EDGE,
    BOUNDARY_ATTRIBUTION,
    CJK_FONT_CANDIDATES,
    DEFAULT_DPI,
    DEFAULT_REVIEW_NUMBER,
    FIGSIZE_IN,
    MAX_DPI,
    SLIDE_MIN_FONT_PT,
    _extent_of,
    _fit_extent,
    _pin_fonts,
    _save,
    _slide_fonts,
    _slide_legend,
    _source_note,
    add_north_arrow,
    add_scale_bar,
    cjk_font_name,
    cjk_rc,
    nice_scale_length,
)
from .tiles import _draw_basemap

__all__ = [
    "PRESETS",
    "CJK_FONT_CANDIDATES",
    "DEFAULT_REVIEW_NUMBER",
    "BOUNDARY_ATTRIBUTION",
    "cjk_font_name",
    "cjk_rc",
    "static_map",
    "save_static_map",
    "static_map_bytes",
    "add_scale_bar",
    "add_north_arrow",
    "nice_scale_length",
    "zone_platforms",
    "callout_order",
    "SLIDE_MIN_FONT_PT",
]

#: Preset name -> default title (Chinese · English).
PRESETS: dict[str, str] = {
    "overview": "广州科技创新空间布局 · Guangzhou innovation layout",
    "huangpu_123": '黄埔区“123”创新布局 · Huangpu "123" layout',
    "zone": "{name_zh} · {name_en}",
    "density": "创新平台集聚与密度 · Platform clusters and density",
    "axis": "创新大道科技创新轴 · The 创新大道 innovation axis corridor",
    "plan_stages": "规划演变：各版规划点名的平台 · How the layout moved, plan by plan",
}
#: CJK fonts tried in order (Debian ``fonts-noto-cjk``, ``fonts-wqy-microhei``, Windows, macOS).


@dataclass
class _PresetInput:
    """What a preset gets: the figure being drawn, the platforms chosen and the preset's options."""

    fig: Figure
    ax: Axes
    handles: list
    selection: gpd.GeoDataFrame  # WGS-84
    selection_m: gpd.GeoDataFrame  # the same in EPSG:4547
    zone: str | None
    within_m: float
    bandwidth_m: float
    cluster_eps_m: float
    label: bool  # label_platforms as given (None -> False)
    label_near: bool  # label_platforms unless explicitly False (zone and axis label by default)


@dataclass
class _PresetView:
    """What a preset decides: extent (EPSG:4547 metres), default titles and the platforms drawn."""

    extent: tuple[float, float, float, float]
    title: str
    subtitle: str
    selection_m: gpd.GeoDataFrame
    label: bool
    colorbar_ax: Axes | None = None


_CONTEXT = {"districts", "metro", "zones", "cores", "nodes", "axis"}


def _overview(p: _PresetInput) -> _PresetView:
    _draw_context(p.ax, _CONTEXT, p.handles)
    extent = _extent_of(_metric(load("city")).geometry, pad=0.02)
    return _PresetView(
        extent,
        PRESETS["overview"],
        "一区三城 · 黄埔“123”布局 · 平台按类别 platforms by category",
        p.selection_m,
        p.label,
    )


def _huangpu_123(p: _PresetInput) -> _PresetView:
    _draw_context(p.ax, _CONTEXT, p.handles)
    huangpu = load("districts")
    huangpu = huangpu[huangpu["name_zh"] == "黄埔区"]
    _metric(huangpu).plot(ax=p.ax, facecolor="none", edgecolor="#333333", linewidth=2.2, zorder=2)
    p.handles.insert(1, Line2D([], [], color="#333333", linewidth=2.2, label="黄埔区界 Huangpu boundary"))
    frame = [huangpu.geometry, load("cores").geometry, load("nodes").geometry, load("axis").geometry]
    extent = _extent_of(gpd.GeoSeries(pd.concat(frame, ignore_index=True), crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS))
    return _PresetView(
        extent,
        PRESETS["huangpu_123"],
        "一轴（创新大道）· 两核（知识城、科学城）· 三节点 one axis, two cores, three nodes",
        p.selection_m,
        p.label,
    )


def _zone(p: _PresetInput) -> _PresetView:
    if not p.zone:
        raise ValueError("preset 'zone' needs zone= (an id, name_zh or name_en)")
    row = resolve_zone(p.zone)
    _draw_context(p.ax, _CONTEXT, p.handles, label_zones=False)
    zone_m = gpd.GeoSeries([row.geometry], crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS)
    zone_m.plot(ax=p.ax, facecolor="none", edgecolor=_ZONE_EDGE, linewidth=3, zorder=7)
    extent = _extent_of(zone_m, pad=0.12)
    selection_m = _metric(zone_platforms(p.selection, row["id"]))
    return _PresetView(
        extent,
        PRESETS["zone"].format(name_zh=row["name_zh"], name_en=row["name_en"]),
        f"{len(selection_m)} 个平台 platforms in the zone",
        selection_m,
        p.label_near,
    )


def _density(p: _PresetInput) -> _PresetView:
    ax, selection_m = p.ax, p.selection_m
    _draw_context(ax, {"districts", "metro", "zones"}, p.handles, label_zones=False)
    extent = _extent_of(_metric(load("city")).geometry, pad=0.02)
    colorbar_ax = None
    # Density and clusters use located platforms only: a district-only point is not a location.
    located_m, not_located = split_located(selection_m)
    if len(located_m):
        surface = kernel_density(located_m, bandwidth_m=p.bandwidth_m, cell_m=p.bandwidth_m / 5, region=load("city"))
        density = surface.density_per_km2
        masked = np.ma.masked_less(density, density.max() * 0.03)
        half = surface.cell_m / 2
        grid_extent = (surface.x_m[0] - half, surface.x_m[-1] + half, surface.y_m[0] - half, surface.y_m[-1] + half)
        image = ax.imshow(masked, extent=grid_extent, origin="lower", cmap="magma_r", alpha=0.75, zorder=8)
        # the colour bar lives in the side panel so the map frame keeps its true-scale size
        colorbar_ax = p.fig.add_axes((_PANEL_LEFT, 0.25, 0.2, 0.018))
        bar = p.fig.colorbar(image, cax=colorbar_ax, orientation="horizontal")
        bar.set_label("平台密度 platforms / km²", fontsize=10)
        _draw_clusters(ax, located_m, p.cluster_eps_m, p.handles)
    subtitle = (
        f"高斯核密度 Gaussian kernel density, bandwidth {p.bandwidth_m / 1000:g} km; "
        f"DBSCAN 集聚区 clusters, eps {p.cluster_eps_m / 1000:g} km (EPSG:4547)"
    )
    if not_located:
        subtitle += f"; 未计入仅知所在区的 {not_located} 个平台 {not_located} known only to their district not included"
    return _PresetView(extent, PRESETS["density"], subtitle, selection_m, p.label, colorbar_ax)


def _axis(p: _PresetInput) -> _PresetView:
    within_m, selection = p.within_m, p.selection
    _draw_context(p.ax, _CONTEXT, p.handles, label_zones=False)
    axis_m = _metric(load("axis"))
    corridor = axis_m.buffer(within_m)
    corridor.plot(
        ax=p.ax, facecolor=_AXIS_COLOR, alpha=0.08, edgecolor=_AXIS_COLOR, linewidth=1, linestyle=(0, (4, 2)), zorder=5
    )
    p.handles.append(
        Patch(
            facecolor="#eee3ef",
            edgecolor=_AXIS_COLOR,
            linestyle="--",
            label=f"创新大道两侧 {within_m / 1000:g} km 走廊 corridor",
        )
    )
    # Only located platforms can be said to lie near the axis; district-only estimates are counted apart.
    located_rows, not_located = split_located(selection)
    near = along_axis(located_rows, max_dist_m=within_m) if len(located_rows) else selection.iloc[:0]
    extent = _extent_of(corridor, pad=0.10)
    subtitle = f"{len(near)} 个平台距轴线 ≤ {within_m:g} m platforms within {within_m:g} m"
    if not_located:
        subtitle += f"; 另 {not_located} 个仅知所在区，未显示 {not_located} known only to their district not shown"
    return _PresetView(extent, PRESETS["axis"], subtitle, _metric(near), p.label_near)


#: Preset -> the function choosing its extent, titles and platforms (and drawing its own context).
#: ``plan_stages`` is a figure of its own (:func:`gzgeo.plancarto.plan_small_multiples`).
_PRESET_VIEWS: dict[str, Callable[[_PresetInput], _PresetView]] = {
    "overview": _overview,
    "huangpu_123": _huangpu_123,
    "zone": _zone,
    "density": _density,
    "axis": _axis,
}


def static_map(
    preset: str = "overview",
    platforms: gpd.GeoDataFrame | None = None,
    *,
    zone: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    review_number: str | None = None,
    basemap: str | None = None,
    basemap_datum: str = "wgs84",
    within_m: float = 2000.0,
    bandwidth_m: float = 2500.0,
    cluster_eps_m: float = 1500.0,
    label_platforms: bool | None = None,
    slide_size: tuple[float, float] | None = None,
    callouts: bool | None = None,
) -> Figure:
    """Draw a 16:9 briefing map with title, legend, scale bar, north arrow, sources and 审图号.

    Parameters
    ----------
    preset : {"overview", "huangpu_123", "zone", "density", "axis", "plan_stages"}
        Which map (see :data:`PRESETS`).
    platforms : GeoDataFrame, optional
        Platforms to draw: any selection of ``gzgeo.load("platforms")``
        (WGS-84); all by default. ``zone``/``axis`` presets draw the part of
        the selection inside the zone / corridor.
    zone : str, optional
        Zone id, ``name_zh`` or ``name_en``; required for ``preset="zone"``.
    title, subtitle : str, optional
        Override the preset's title; the subtitle defaults to a description.
    review_number : str, optional
        The 审图号 to print; :data:`DEFAULT_REVIEW_NUMBER` until one is issued.
    basemap : str, optional
        Slippy-map tile URL template with ``{z}``, ``{x}``, ``{y}`` (``http(s)://``
        or ``file://``). None (default) draws no basemap and needs no network;
        when fetching fails the map is drawn without it and the note says so.
    basemap_datum : {"wgs84", "gcj02"}
        Datum of the tiles (AMap/Tencent tiles are GCJ-02).
    within_m : float
        Corridor half-width in metres for ``preset="axis"``.
    bandwidth_m : float
        Kernel bandwidth in metres for ``preset="density"`` (:func:`gzgeo.analysis.kernel_density`).
    cluster_eps_m : float
        DBSCAN radius in metres for the cluster outlines of ``preset="density"``.
    label_platforms : bool, optional
        Write platform names next to markers; default on for zone and axis maps
        (off on slides, which number them instead).
    slide_size : (float, float), optional
        Draw for a slide's content area of this size in inches, to be placed
        at that size: no title, subtitle or source lines in the image (the
        slide carries them), the legend in a panel sized to its text, and
        every text at least :data:`SLIDE_MIN_FONT_PT` points.
    callouts : bool, optional
        Number the located platforms (:func:`callout_order`) with callouts;
        default on for ``zone`` and ``huangpu_123`` slides. The numbered ids,
        in order, are in the figure's ``gzgeo_callouts``.

    Returns
    -------
    matplotlib.figure.Figure
        16 × 9 inches; save at 120 dpi or more for ≥ 1920×1080 pixels (see
        :func:`save_static_map`). The map axes are in EPSG:4547 metres and
        carry ``gzgeo_notes`` (list of str) describing fallbacks.

    Raises
    ------
    ValueError
        Unknown preset, or ``preset="zone"`` without ``zone``.
    gzgeo.export.UnknownZoneError
        Unknown zone (the message lists the valid ones).

    Examples
    --------
    >>> fig = static_map("overview")
    >>> [float(v) for v in fig.get_size_inches()]
    [16.0, 9.0]
    >>> fig.axes[0].get_title(loc="left") == "" and fig.texts[0].get_text().startswith("广州")
    True
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; valid: {', '.join(PRESETS)}")
    if preset == "plan_stages":  # a figure of five panels: its own layout, same furniture
        from ..plancarto import plan_small_multiples  # plancarto imports .furniture: top-level would be circular

        return plan_small_multiples(
            platforms, title=title, subtitle=subtitle, review_number=review_number, slide_size=slide_size
        )
    selection = load("platforms") if platforms is None else platforms
    selection_m = _metric(selection)
    notes: list[str] = []
    with cjk_rc():
        fig = Figure(figsize=slide_size or FIGSIZE_IN, facecolor="white")
        ax = fig.add_axes(_MAP_BOX)
        handles: list = []
        view = _PRESET_VIEWS[preset](
            _PresetInput(
                fig=fig,
                ax=ax,
                handles=handles,
                selection=selection,
                selection_m=selection_m,
                zone=zone,
                within_m=within_m,
                bandwidth_m=bandwidth_m,
                cluster_eps_m=cluster_eps_m,
                label=bool(label_platforms),
                label_near=label_platforms is not False,
            )
        )
        extent, selection_m, label, colorbar_ax = view.extent, view.selection_m, view.label, view.colorbar_ax
        default_title, default_subtitle = view.title, view.subtitle
        slide = slide_size is not None
        # District-only platforms are a count per district, not points.
        only = district_only(selection_m)
        _draw_platforms(
            ax,
            selection_m[~only],
            handles,
            label=label and not slide,
            short=slide,
            count_estimates=slide and preset in ("zone", "huangpu_123"),
        )
        if preset != "density":
            draw_district_badges(ax, selection_m[only], handles)

        box = _MAP_BOX
        if slide:
            box, panel_left = _slide_legend(fig, handles, colorbar_ax is not None)
            ax.set_position(box)
            if colorbar_ax is not None:
                colorbar_ax.set_position((panel_left, 0.1, 0.95 - panel_left, 0.03))
        size_in = fig.get_size_inches()
        extent = _fit_extent(extent, (box[2] * size_in[0]) / (box[3] * size_in[1]))
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_aspect("equal", adjustable="box")  # the extent already has the box's shape: 1 m = 1 m both ways
        if basemap:
            try:
                _draw_basemap(ax, basemap, basemap_datum, extent)
                notes.append(f"底图 Basemap: {basemap.split('/{z}')[0]} ({basemap_datum}).")
            except Exception as error:  # noqa: BLE001 - any network/decoding failure means "draw without it"
                notes.append(f"底图不可用，已省略 Basemap unavailable, drawn without it ({type(error).__name__}).")
            ax.set_xlim(extent[0], extent[1])
            ax.set_ylim(extent[2], extent[3])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        for spine in ax.spines.values():
            spine.set_edgecolor("#555555")
        add_scale_bar(ax, loc=(0.06, 0.06) if slide else (0.04, 0.05))  # room for the 12 pt caption
        add_north_arrow(ax)
        numbered = selection_m.iloc[:0]
        if callouts if callouts is not None else (slide and preset in ("zone", "huangpu_123")):
            x, y = selection_m.geometry.x, selection_m.geometry.y
            visible = selection_m[((x > extent[0]) & (x < extent[1]) & (y > extent[2]) & (y < extent[3])).to_numpy()]
            numbered = callout_order(visible)
            _draw_callouts(ax, numbered, selection_m, SLIDE_MIN_FONT_PT if slide else 10)
        fig.gzgeo_callouts = list(numbered["id"]) if "id" in numbered else []
        ax.gzgeo_notes = notes
        if slide:
            _slide_fonts(fig)
            return fig

        fig.text(0.015, 0.955, title or default_title, fontsize=24, fontweight="bold", va="center", ha="left")
        fig.text(
            0.015,
            0.913,
            subtitle if subtitle is not None else default_subtitle,
            fontsize=13,
            color="#444444",
            va="center",
            ha="left",
        )
        legend = fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(_PANEL_LEFT, 0.89),
            frameon=False,
            fontsize=10,
            title="图例 Legend",
            title_fontsize=13,
            alignment="left",
            handlelength=2.2,
            borderaxespad=0,
        )
        legend.set_zorder(30)
        fig.text(
            _PANEL_LEFT,
            0.115,
            f"审图号 Map review No.:\n{review_number or DEFAULT_REVIEW_NUMBER}",
            fontsize=10,
            ha="left",
            va="bottom",
            color="#222222",
            linespacing=1.4,
        )
        fig.text(
            _PANEL_LEFT, 0.075, "gzgeo · 广州科技创新空间布局", fontsize=9, ha="left", va="bottom", color="#666666"
        )
        fig.text(
            0.015,
            0.012,
            _source_note(selection, notes),
            fontsize=8.2,
            ha="left",
            va="bottom",
            color="#333333",
            wrap=False,
            linespacing=1.35,
        )
        _pin_fonts(fig)
    return fig


def save_static_map(
    path: str | Path,
    preset: str = "overview",
    platforms: gpd.GeoDataFrame | None = None,
    fmt: str | None = None,
    dpi: int = DEFAULT_DPI,
    **options,
) -> Path:
    """Draw a preset and save it as PNG, SVG or PDF.

    Parameters
    ----------
    path : path
        Output file; the format follows its suffix unless ``fmt`` is given.
    preset, platforms, **options
        See :func:`static_map`.
    fmt : {"png", "svg", "pdf"}, optional
    dpi : int
        PNG resolution; 120 dpi gives 1920×1080 (the minimum accepted), 180 gives 2880×1620.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "png").lower()
    atomic_write_bytes(path, static_map_bytes(fmt, preset=preset, platforms=platforms, dpi=dpi, **options))
    return path


def static_map_bytes(
    fmt: str = "png",
    preset: str = "overview",
    platforms: gpd.GeoDataFrame | None = None,
    dpi: int = DEFAULT_DPI,
    **options,
) -> bytes:
    """Draw a preset and return the PNG/SVG/PDF bytes.

    Examples
    --------
    >>> png = static_map_bytes("png", "huangpu_123")
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    fmt = fmt.lower()
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"static maps are png, svg or pdf, not {fmt!r}")
    if dpi < DEFAULT_DPI and fmt == "png":
        raise ValueError(f"dpi must be ≥ {DEFAULT_DPI} so the PNG is at least 1920×1080")
    if not dpi <= MAX_DPI:
        raise ValueError(f"dpi must be ≤ {MAX_DPI} (7680×4320 pixels)")
    fig = static_map(preset, platforms, **options)
    buffer = io.BytesIO()
    _save(fig, buffer, fmt, dpi)
    return buffer.getvalue()
