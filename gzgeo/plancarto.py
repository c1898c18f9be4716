"""Small multiples of the plan timeline: one map panel per plan stage, for briefing slides.

:func:`plan_small_multiples` draws the stages of :data:`gzgeo.plans.PLAN_STAGES`
side by side on one 16:9 figure, in the furniture and CRS of
:mod:`gzgeo.cartography` (EPSG:4547, so one data unit is one metre; scale bar,
north arrow, sources, 审图号). Every panel has the same extent, so a platform
stays in the same place from panel to panel; its colour and fill give the
status class of the plan's wording (the colours of :data:`gzgeo.planmap.STATUS_STYLES`).
Platforms known only to their zone or district are hollow dashed markers at
the anchor's representative point, and where several share one point a
"×n" label says how many: nothing is spread out to look more exact than it is.

It is the ``plan_stages`` preset of :func:`gzgeo.cartography.static_map` (and
of ``gzgeo export png --preset plan_stages``).

Examples
--------
>>> fig = plan_small_multiples()
>>> [ax.gzgeo_stage for ax in fig.axes[:5]]
['2018', '2021-04', '2021-12', '2022', '2025']
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .cartography.drawing import _metric
from .cartography.furniture import (
    _DISTRICT_EDGE,
    _DISTRICT_FACE,
    _ZONE_EDGE,
    DEFAULT_REVIEW_NUMBER,
    FIGSIZE_IN,
    SLIDE_MIN_FONT_PT,
    _extent_of,
    _fit_extent,
    _pin_fonts,
    _slide_fonts,
    _source_note,
    add_north_arrow,
    add_scale_bar,
    cjk_rc,
)
from .i18n import value_label
from .layers import is_top_level, load
from .planmap import STATUS_STYLES, framework_renames
from .plans import PLAN_STAGES, STATUS_CLASSES, plan_snapshot

__all__ = ["PLAN_STAGES_TITLE", "plan_small_multiples"]

#: Default title of the small multiples (Chinese · English).
PLAN_STAGES_TITLE = "规划演变：各版规划点名的平台 · How the layout moved, plan by plan"

_RANK = {name: rank for rank, name in enumerate(STATUS_CLASSES)}


def _stage_points(stage, platforms_m) -> pd.DataFrame:
    """The platforms a stage names with their status class, most advanced drawn last (on top)."""
    snapshot = plan_snapshot(stage)
    named = platforms_m[platforms_m["id"].isin(snapshot.index)].copy()
    named["status_class"] = named["id"].map(snapshot["status_class"])
    named["rank"] = named["status_class"].map(_RANK).fillna(-1)
    return named.sort_values("rank")


def _draw_stage(ax, named, size: float, fontsize: float) -> None:
    for status, group in named.groupby("status_class", sort=False):
        style = STATUS_STYLES.get(status, STATUS_STYLES["named"])
        estimate = group["location_is_estimate"].astype(bool).to_numpy()
        face = matplotlib.colors.to_rgba(style.color, style.fill_opacity)
        for subset, dashed in ((group[~estimate], False), (group[estimate], True)):
            if subset.empty:
                continue
            ax.scatter(
                subset.geometry.x,
                subset.geometry.y,
                s=size * (style.radius / 7.0) ** 2,
                c=[face],
                edgecolors=style.color,
                linewidths=min(style.weight, 2.5) * 0.8,
                linestyle=(0, (2, 1.5)) if dashed else "solid",
                zorder=10 + _RANK.get(status, 0),
            )
    # Platforms known only to the same district or zone share one point: say how many.
    xy = np.round(np.column_stack([named.geometry.x, named.geometry.y]), 0)
    if len(xy):
        stacked = pd.DataFrame(xy, columns=["x", "y"]).value_counts()
        for (x, y), n in stacked[stacked > 1].items():
            ax.annotate(
                f"×{n}",
                (x, y),
                xytext=(4, 3),
                textcoords="offset points",
                fontsize=fontsize,
                color="#222222",
                zorder=20,
            )


def plan_small_multiples(
    platforms=None,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    review_number: str | None = None,
    marker_size: float = 30.0,
    slide_size: tuple[float, float] | None = None,
) -> Figure:
    """Draw one map panel per plan stage (2018 → 2021-04 → 2021-12 → 2022 → 2025) on a 16:9 figure.

    Parameters
    ----------
    platforms : GeoDataFrame, optional
        WGS-84 selection of ``gzgeo.load("platforms")`` to draw from; all by default.
    title, subtitle : str, optional
        Override the default title (:data:`PLAN_STAGES_TITLE`) and subtitle.
    review_number : str, optional
        The 审图号 to print; :data:`gzgeo.cartography.DEFAULT_REVIEW_NUMBER` until one is issued.
    marker_size : float
        Marker area in points² of an 'operating' platform.
    slide_size : (float, float), optional
        Draw for a slide's content area of this size in inches (as :func:`gzgeo.cartography.static_map`): no
        title, subtitle, source or 审图号 lines in the image (the slide carries them), every text at least
        :data:`gzgeo.cartography.SLIDE_MIN_FONT_PT` points.

    Returns
    -------
    matplotlib.figure.Figure
        16 × 9 inches (or ``slide_size``). ``fig.axes[:5]`` are the panels in EPSG:4547 metres, in stage order,
        each with the stage's labels and platform count in its left title and ``gzgeo_stage`` / ``gzgeo_count``.

    Examples
    --------
    >>> fig = plan_small_multiples()
    >>> [ax.gzgeo_count for ax in fig.axes[:5]][:2]
    [1, 54]
    """
    selection = load("platforms") if platforms is None else platforms
    selection_m = _metric(selection[selection.geometry.notna() & ~selection.geometry.is_empty])
    stages = [(stage, _stage_points(stage, selection_m)) for stage in PLAN_STAGES]
    everything = pd.concat([named.geometry for _, named in stages])
    n = len(stages)
    slide = slide_size is not None
    size_in = slide_size or FIGSIZE_IN
    left, right, gap, bottom, top = (0.005, 0.995, 0.006, 0.2, 0.86) if slide else (0.012, 0.988, 0.006, 0.245, 0.845)
    width = (right - left - gap * (n - 1)) / n
    ratio = width * size_in[0] / ((top - bottom) * size_in[1])
    small = SLIDE_MIN_FONT_PT if slide else 7.5
    extent = _fit_extent(_extent_of(everything if len(everything) else _metric(load("city")).geometry, pad=0.08), ratio)
    districts = _metric(load("districts"))
    zones = _metric(load("zones"))
    zones = zones[is_top_level(zones)]
    with cjk_rc():
        fig = Figure(figsize=size_in, facecolor="white")
        for i, (stage, named) in enumerate(stages):
            ax = fig.add_axes((left + i * (width + gap), bottom, width, top - bottom))
            districts.plot(ax=ax, facecolor=_DISTRICT_FACE, edgecolor=_DISTRICT_EDGE, linewidth=0.6, zorder=1)
            zones.plot(
                ax=ax, facecolor="none", edgecolor=_ZONE_EDGE, linewidth=0.9, linestyle=(0, (4, 2)), alpha=0.8, zorder=2
            )
            _draw_stage(ax, named, marker_size, small)
            ax.set_xlim(extent[0], extent[1])
            ax.set_ylim(extent[2], extent[3])
            ax.set_aspect("equal", adjustable="box")
            ax.set(xticks=[], yticks=[], xlabel="", ylabel="")
            for spine in ax.spines.values():
                spine.set_edgecolor("#555555")
            label = f"{len(named)} 个平台 platforms" if slide else f"{stage.label_en} ({len(named)})"
            ax.set_title(
                f"{stage.label_zh}{'' if slide else f' · {len(named)} 个平台'}\n{label}",
                loc="left",
                fontsize=max(small, 10),
                fontweight="bold",
            )
            ax.gzgeo_stage, ax.gzgeo_count = stage.key, len(named)
            if i == 0:
                add_scale_bar(ax, loc=(0.3, 0.06) if slide else (0.12, 0.06))  # the 12 pt caption is wide
            if i == n - 1:
                add_north_arrow(ax, loc=(0.88, 0.90), size=0.06)

        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=9,
                markerfacecolor=matplotlib.colors.to_rgba(style.color, style.fill_opacity),
                markeredgecolor=style.color,
                markeredgewidth=min(style.weight, 2.5) * 0.8,
                label=f"{value_label('plan_status', key, 'zh')} {value_label('plan_status', key, 'en')}",
            )
            for key, style in STATUS_STYLES.items()
            if key != "target"
        ]
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=9,
                markerfacecolor="none",
                markeredgecolor="#333333",
                label="虚线：位置为估计 dashed = estimated location",
            )
        )
        handles.append(Patch(facecolor="none", edgecolor=_ZONE_EDGE, linestyle="--", label="一区三城 zones"))
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(left, bottom - 0.03),
            ncol=4,
            frameon=False,
            fontsize=max(small, 9.5),
            title="规划表述（状态类别）Plan wording (status class)",
            title_fontsize=max(small, 10.5),
            alignment="left",
            borderaxespad=0,
        )
        fig.gzgeo_callouts = []  # as static_map: no numbered platforms on these panels
        fig.axes[0].gzgeo_notes = []
        if slide:
            _slide_fonts(fig)
            return fig
        renames = "; ".join(
            f"{scope} " + " → ".join(f"{p} ({d})" for p, d in items) for scope, items in framework_renames("zh")
        )
        fig.text(
            0.012,
            0.085,
            f"平台体系更名 Framework renames: {renames}. 2025 = 两份“十四五”规划的合并 "
            "(the two 14th-FYP plans together). 2022 为新闻报道：未点名不等于撤销 "
            "(a press report: silence is weak evidence of a drop).",
            fontsize=8.5,
            color="#333333",
            ha="left",
            va="bottom",
        )
        fig.text(0.012, 0.962, title or PLAN_STAGES_TITLE, fontsize=21, fontweight="bold", va="center", ha="left")
        fig.text(
            0.012,
            0.925,
            subtitle
            if subtitle is not None
            else "每幅地图为一版规划点名的平台，颜色/填充为规划原文的状态表述；状态取该文件中最进一步的表述 "
            "each panel: the platforms one plan names, by the most advanced status its wording gives",
            fontsize=11.5,
            color="#444444",
            va="center",
            ha="left",
        )
        fig.text(
            0.988,
            0.962,
            f"审图号 Map review No.: {review_number or DEFAULT_REVIEW_NUMBER}",
            fontsize=9,
            ha="right",
            va="center",
            color="#222222",
        )
        fig.text(
            0.012,
            0.008,
            _source_note(selection, []),
            fontsize=7.6,
            ha="left",
            va="bottom",
            color="#333333",
            linespacing=1.3,
        )
        _pin_fonts(fig)
    return fig
