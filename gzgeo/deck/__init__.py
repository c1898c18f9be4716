"""A 16:9 PowerPoint/WPS briefing deck of the innovation layout (python-pptx).

Slides (choose and order them with ``slides=``, see :func:`parse_slides`):
a title slide; one slide per map (the :mod:`gzgeo.cartography` presets),
each map drawn for the slide's content area so that it is placed at the size
it was drawn and every text in it is at least 12 pt on the slide; for each
一区三城 zone a map with numbered callouts, a key table (name, category,
location precision) and a slide of its targets and mapped counts; statistics;
targets; the plan timeline (``plan_stages`` small multiples and ``plan_changes``,
"how the layout moved", :mod:`gzgeo.plandeck`); sources. Every slide has one title and speaker notes with the
sources and location-precision caveats; every map slide has the 审图号 field.

Text is laid out with the font's own metrics (Noto Sans CJK SC through PIL)
so that nothing overflows its box: titles shrink or wrap, tables grow rows to
their wrapped text and continue on the next slide. All text is set in a CJK
font (East Asian typeface ``Noto Sans CJK SC``), so Chinese shows in
PowerPoint, WPS and LibreOffice. ``template=`` uses an organisation's
``.potx``/``.pptx`` master.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import sys
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pptx import Presentation
from pptx.util import Inches

from .._io import atomic_write_bytes
from ..analysis import count_platforms, points_in_polygons, target_progress
from ..cartography import (
    BOUNDARY_ATTRIBUTION,
    DEFAULT_REVIEW_NUMBER,
    PRESETS,
    _save,
    static_map,
    zone_platforms,
)
from ..i18n import category_labels
from ..layers import LAYERS, LOCATION_PRECISIONS, is_top_level, load
from ..selection import resolve_zone
from ..sources import document_label, documents
from .slides import (  # the slide primitives; EAST_ASIAN_FONT and the metrics stay public here
    _ACCENT,
    _DARK,
    _EDGE,
    _EMU_PER_PT,
    _GREY,
    _INSET_X,
    _MIN_PT,
    _PICTURE_EDGE,
    _SLACK,
    _SLIDE_H,
    _SLIDE_W,
    _TITLE_TOP,
    EAST_ASIAN_FONT,
    _box_height,
    _notes,
    _table_slides,
    _text_box,
    _title,
    _title_paragraphs,
    text_height_pt,
    text_width_pt,
)

__all__ = [
    "DECK_PRESETS",
    "DECK_SLIDES",
    "EAST_ASIAN_FONT",
    "build_deck",
    "save_deck",
    "deck_bytes",
    "deck_statistics",
    "parse_slides",
    "text_width_pt",
    "text_height_pt",
]

#: Map presets that can be slides of their own (zone maps come with ``zones`` / ``zone:NAME``).
DECK_PRESETS: tuple[str, ...] = ("overview", "huangpu_123", "density", "axis")
#: Slides of the default deck, in order (``zones`` = every top-level zone; see :func:`parse_slides`).
DECK_SLIDES: tuple[str, ...] = (
    "title",
    *DECK_PRESETS,
    "zones",
    "statistics",
    "targets",
    "plan_stages",
    "plan_changes",
    "sources",
)
_CAPTIONS = {
    "overview": "全市十一区、一区三城、黄埔“123”布局与各类创新平台。空心符号为估计位置。",
    "huangpu_123": "黄埔区“一轴两核三节点”：创新大道、知识城与科学城、三个节点片区。编号为已定位平台，见下页对照表。",
    "density": "平台高斯核密度（EPSG:4547 计算），显示平台集聚区；仅计已定位到功能区或更精细的平台。",
    "axis": "创新大道两侧走廊内的平台，按距轴线距离选取。",
}
_PLAN_CAPTION = (
    "2018 → 2021.04 → 2021.12 → 2022 → 2025：每版规划点名的平台，颜色与填充为规划原文的状态表述"
    "（筹建、建设、运行/获批、提升）；2025 为两份“十四五”规划的合并。"
)
_PRECISION_LABELS = {
    "site": "场址 site",
    "campus_or_park": "园区/校区 campus",
    "zone": "功能区·估计 zone, est.",
    "district": "行政区·估计 district, est.",
}


def deck_statistics(platforms: gpd.GeoDataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Counts for the statistics slide.

    Parameters
    ----------
    platforms : GeoDataFrame, optional
        Selection; all platforms by default.

    Returns
    -------
    dict of DataFrame
        ``by_zone`` (zone, platforms; a platform is in a zone when its point
        lies in the polygon, tested in EPSG:4547; plus a row for platforms in
        no zone), ``by_category`` (category, platforms, of which estimated),
        ``targets`` (indicator, target, year, mapped: countable targets
        from :func:`gzgeo.analysis.target_progress` on the selection).

    Examples
    --------
    >>> stats = deck_statistics()
    >>> int(stats["by_category"]["平台数 platforms"].sum()) == len(load("platforms"))
    True
    """
    selection = load("platforms") if platforms is None else platforms
    zones = load("zones")
    top = zones[is_top_level(zones)]
    counted = count_platforms(selection, top[["id", "name_zh", "geometry"]], by=None)  # EPSG:4547 point-in-polygon
    by_zone = pd.DataFrame(
        {"功能区 zone": counted["name_zh"].to_list(), "平台数 platforms": counted["n_platforms"].astype(int).to_list()}
    )
    inside, _ = points_in_polygons(selection, top)
    by_zone.loc[len(by_zone)] = ["不在功能区内 outside zones", len(selection) - len(set(inside.tolist()))]

    cats = category_labels("zh")
    counts = selection.groupby("category").agg(
        total=("id", "size"), estimated=("location_is_estimate", lambda s: int(s.astype(bool).sum()))
    )
    by_category = pd.DataFrame(
        {
            "类别 category": [cats.get(c, c) for c in counts.index],
            "平台数 platforms": counts["total"].astype(int).to_numpy(),
            "其中位置估计 estimated": counts["estimated"].astype(int).to_numpy(),
        }
    )

    progress = target_progress(selection)
    targets = pd.DataFrame(
        {
            "指标 indicator": progress["indicator_zh"],
            "目标 target": [
                f"{v:g} {u}" if pd.notna(v) else ""
                for v, u in zip(progress["target_value"], progress["unit"], strict=True)
            ],
            "年份 year": [f"{y:.0f}" if pd.notna(y) else "" for y in progress["target_year"]],
            "已上图 mapped": progress["mapped_count"].astype(int),
            "范围 scope": progress["scope"],
            "出处 source": [f"{f[:3]} {c}" for f, c in zip(progress["source_file"], progress["clause"], strict=True)],
        }
    )
    return {"by_zone": by_zone, "by_category": by_category, "targets": targets}


def _sources_text() -> str:
    names = "；".join(document_label(d) for _, d in documents().iterrows())
    return f"资料来源 Sources: {names}。边界 {BOUNDARY_ATTRIBUTION}；坐标以 WGS-84 (EPSG:4326) 存储，EPSG:4547 量测。"


def _precision_text(platforms: gpd.GeoDataFrame) -> str:
    estimates = int(platforms["location_is_estimate"].astype(bool).sum()) if len(platforms) else 0
    return (
        f"位置精度 Location precision: {estimates}/{len(platforms)} 个平台仅知所在功能区或行政区，地图上以空心符号"
        "绘于代表点，并非实际场址 (hollow markers are estimates, not surveyed sites)；只有已定位平台编号。"
        '功能区与“123”范围为示意 (zone and "123" outlines are approximate).'
    )


def _title_slide(prs, layout, title: str, subtitle: str, review_number: str, notes: str) -> None:
    slide = prs.slides.add_slide(layout)
    width = _SLIDE_W - 2 * Inches(0.8)
    inner_pt = (width - 2 * _INSET_X) / _EMU_PER_PT / _SLACK
    big = next((s for s in (40, 36, 32, 28) if text_width_pt(title, s, True) <= inner_pt), 28)
    top = Inches(2.3)
    for name, paragraphs in (("Title", [(title, big, True, _DARK)]), ("Subtitle", [(subtitle, 20, False, _GREY)])):
        height = _box_height(paragraphs, width)
        _text_box(slide, Inches(0.8), top, width, height, paragraphs).name = name
        top += height + Inches(0.2)
    footer = [(f"审图号 Map review No.: {review_number} · 由 gzgeo 生成 generated by gzgeo", _MIN_PT, False, _GREY)]
    height = _box_height(footer, width)
    _text_box(slide, Inches(0.8), _SLIDE_H - Inches(0.4) - height, width, height, footer)
    _notes(slide, notes)


def _map_box(heading: str, review: str) -> tuple[int, int, int, list, int, int]:
    """(top, width, height) of a map slide's picture in EMU, and its footer (paragraphs, height, top)."""
    footer = [
        (
            f"审图号 Map review No.: {review} · 资料来源与位置精度见备注 sources and location precision in the notes",
            _MIN_PT,
            False,
            _GREY,
        )
    ]
    footer_h = _box_height(footer, _SLIDE_W - 2 * _EDGE)
    footer_top = _SLIDE_H - Inches(0.05) - footer_h
    # the title's bottom, as _title places it
    top = _TITLE_TOP + _box_height(_title_paragraphs(heading), _SLIDE_W - 2 * _EDGE) + Inches(0.05)
    width = _SLIDE_W - 2 * _PICTURE_EDGE
    height = footer_top - Inches(0.03) - top
    return top, width, height, footer, footer_h, footer_top


def _draw_map(heading: str, review: str, dpi: int, map_options: dict) -> tuple[bytes, list[str], list[str]]:
    """A map slide's picture: PNG bytes, the map's notes and its numbered platform ids (plain data: picklable)."""
    _, width, height, *_ = _map_box(heading, review)
    # drawn at the size it is placed: a point in the image is a point on the slide
    fig = static_map(slide_size=(width / 914400, height / 914400), review_number=review, **map_options)
    png = io.BytesIO()
    _save(fig, png, "png", dpi)
    return png.getvalue(), list(getattr(fig.axes[0], "gzgeo_notes", [])), list(fig.gzgeo_callouts)


def _draw_maps_ahead(jobs: dict[str, tuple[str, dict]], review: str, dpi: int, workers: int) -> dict[str, object]:
    """Start drawing the deck's maps in forked processes; {key: future}, or {} where that does not apply.

    Drawing is most of a deck (nine maps: matplotlib, text layout, Agg); two processes draw them in about
    60 % of the time on two cores. Only on Linux (fork: the workers inherit the loaded modules and data
    instead of importing them again) with two cores or more.
    """
    workers = min(workers, os.cpu_count() or 1, len(jobs))
    if workers < 2 or not sys.platform.startswith("linux"):
        return {}
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    try:
        return {key: pool.submit(_draw_map, heading, review, dpi, options) for key, (heading, options) in jobs.items()}
    finally:
        pool.shutdown(wait=False)  # the submitted maps are still drawn; the workers exit after them


def _map_slide(prs, layout, heading: str, review: str, notes: str, dpi: int, drawn=None, **map_options) -> list[str]:
    """Title, the map drawn for the space left, the 审图号 footer; returns the numbered platform ids.

    ``drawn``: a future of :func:`_draw_map` for this slide (:func:`_draw_maps_ahead`), else it is drawn here.
    """
    slide = prs.slides.add_slide(layout)
    top = _title(slide, heading) + Inches(0.05)
    _, width, height, footer, footer_h, footer_top = _map_box(heading, review)
    png, map_notes, callouts = drawn.result() if drawn is not None else _draw_map(heading, review, dpi, map_options)
    picture = slide.shapes.add_picture(io.BytesIO(png), _PICTURE_EDGE, top, width, height)
    picture.name = "Map"
    _text_box(slide, _EDGE, footer_top, _SLIDE_W - 2 * _EDGE, footer_h, footer)
    _notes(slide, notes + "\n" + " ".join(map_notes))
    return callouts


def _platform_rows(platforms: gpd.GeoDataFrame, numbered: Sequence[str]) -> pd.DataFrame:
    """Key table: numbered platforms by number, then the unnumbered (estimated) ones."""
    cats = category_labels("zh")
    by_id = platforms.set_index("id")
    rest = platforms[~platforms["id"].isin(numbered)].sort_values(["location_precision", "name_zh"])
    rows = [(str(n), i) for n, i in enumerate(numbered, start=1)] + [("–", i) for i in rest["id"]]
    return pd.DataFrame(
        {
            "编号 No.": [n for n, _ in rows],
            "名称 name": [by_id.at[i, "name_zh"] for _, i in rows],
            "类别 category": [cats.get(by_id.at[i, "category"], by_id.at[i, "category"]) for _, i in rows],
            "位置精度 precision": [
                _PRECISION_LABELS.get(by_id.at[i, "location_precision"], by_id.at[i, "location_precision"])
                for _, i in rows
            ],
        }
    )


_KEY_WEIGHTS = (0.9, 4.2, 2.9, 2.4)


def _zone_heading(row) -> str:
    return f"{row['name_zh']} · {row['name_en']}"


def _zone_slides(
    prs, layout, row, selection: gpd.GeoDataFrame, review: str, dpi: int, sources: str, drawn=None
) -> None:
    """Map with numbered callouts, its key table, and the zone's targets with mapped counts."""
    members = zone_platforms(selection, row["id"])
    caveat = _precision_text(members)
    heading = _zone_heading(row)
    caption = f"{row['name_zh']}范围（示意）及区内 {len(members)} 个平台。{row.get('precision_note', '') or ''}"
    numbered = _map_slide(
        prs,
        layout,
        heading,
        review,
        "\n".join([caption, caveat, sources]),
        dpi,
        drawn,
        preset="zone",
        platforms=selection,
        zone=row["id"],
    )
    key = _platform_rows(members, numbered)
    intro = (
        f"地图编号 {len(numbered)} 个已定位平台；其余 {len(members) - len(numbered)} 个仅知所在功能区或行政区"
        f"（地图上空心符号，无编号）。Numbers match the map; unnumbered rows are estimated locations."
    )
    _table_slides(
        prs,
        layout,
        f"{row['name_zh']} · 平台一览 Platforms",
        [(key, _KEY_WEIGHTS)],
        "\n".join([caveat, sources]),
        intro=intro,
    )

    cats = category_labels("zh")
    if len(members):
        counts = members.groupby("category").agg(
            total=("id", "size"), estimated=("location_is_estimate", lambda s: int(s.astype(bool).sum()))
        )
    else:
        counts = pd.DataFrame({"total": [], "estimated": []})
    by_category = pd.DataFrame(
        {
            "类别 category": [cats.get(c, c) for c in counts.index],
            "平台 platforms": counts["total"].astype(int).to_numpy(),
            "其中估计 estimated": counts["estimated"].astype(int).to_numpy(),
        }
    )
    huangpu = "黄埔区" in str(row.get("districts", ""))
    progress = target_progress(members)
    scope_ok = [huangpu or "huangpu" not in str(scope).lower() for scope in progress["scope"]]
    progress = progress[scope_ok]
    targets = pd.DataFrame(
        {
            "指标 indicator": progress["indicator_zh"],
            "目标 target": [
                f"{v:g} {u} ({y:.0f})" if pd.notna(v) and pd.notna(y) else ""
                for v, u, y in zip(progress["target_value"], progress["unit"], progress["target_year"], strict=True)
            ],
            "范围 scope": progress["scope"],
            "区内已上图 mapped here": progress["mapped_count"].astype(int),
        }
    )
    _table_slides(
        prs,
        layout,
        f"{row['name_zh']} · 目标与已上图 Targets and mapped counts",
        [(by_category, (3.0, 1.4, 1.6)), (targets, (3.0, 1.8, 1.4, 1.6))],
        "区内已上图：区内该类别的平台数；目标为全市或黄埔区目标，区内只是其中一部分。"
        "Mapped here counts the zone's platforms of the target's categories; the targets are city or "
        "district targets.\n" + "\n".join([caveat, sources]),
    )


def _huangpu_key(prs, layout, selection: gpd.GeoDataFrame, numbered: Sequence[str], caveat: str, sources: str) -> None:
    """Key to the numbered callouts of the "123" map; the platforms without a located point are counted."""
    huangpu = selection[(selection["district"] == "黄埔区").to_numpy()]
    unnumbered = huangpu[~huangpu["id"].isin(numbered)]
    by_precision = unnumbered["location_precision"].value_counts()
    counted = "，".join(f"{_PRECISION_LABELS.get(p, p)} {int(n)}" for p, n in by_precision.items()) or "0"
    intro = (
        f"地图编号 {len(numbered)} 个已定位平台。黄埔区另有 {len(unnumbered)} 个平台未编号（{counted}），"
        "位置仅为估计，见统计页。Numbers match the map; the other platforms have estimated locations."
    )
    key = _platform_rows(selection[selection["id"].isin(numbered)], numbered)
    _table_slides(
        prs,
        layout,
        "黄埔区“123”布局 · 编号平台 Numbered platforms",
        [(key, _KEY_WEIGHTS)],
        "\n".join([caveat, sources]),
        intro=intro,
    )


def _statistics_slide(prs, layout, stats: dict[str, pd.DataFrame], notes: str) -> None:
    _table_slides(
        prs,
        layout,
        "统计 Statistics：功能区与类别 zones and categories",
        [(stats["by_zone"], (3.2, 1.6)), (stats["by_category"], (3.4, 1.5, 1.9))],
        notes,
    )


def _targets_slides(prs, layout, targets: pd.DataFrame, notes: str) -> None:
    """Targets against mapped counts, across the full width, continued on as many slides as needed."""
    _table_slides(
        prs,
        layout,
        "规划目标与已上图平台 Targets against mapped platforms",
        [(targets, (3.6, 1.6, 0.9, 1.3, 1.4, 1.6))],
        "已上图：数据中该类别的平台数（黄埔目标计黄埔区及其管理的生物岛）。目标指存量或新增以原文为准。"
        " Mapped: platforms of the counted categories in the data (Huangpu targets count 黄埔区 and "
        "the 生物岛 it administers).\n" + notes,
    )


def _sources_slide(prs, layout, platforms: gpd.GeoDataFrame, notes: str) -> None:
    slide = prs.slides.add_slide(layout)
    top = _title(slide, "资料来源与位置精度 Sources and location precision") + Inches(0.1)
    docs = [(document_label(d), _MIN_PT, False, _DARK) for _, d in documents().iterrows()]
    datasets = [
        (f"{name}: {spec.description}", _MIN_PT, False, _DARK) for name, spec in LAYERS.items() if spec.is_spatial
    ]
    precision = platforms["location_precision"].value_counts()
    breakdown = [
        (f"{_PRECISION_LABELS.get(p, p)}: {int(precision.get(p, 0))}", _MIN_PT, False, _DARK)
        for p in LOCATION_PRECISIONS
    ]
    columns = [
        [
            ("规划文件 Documents（同一文件的网页与 PDF 副本合并）", 15, True, _ACCENT),
            *docs,
            ("位置精度 Location precision", 15, True, _ACCENT),
            *breakdown,
        ],
        [
            ("数据集 Datasets", 15, True, _ACCENT),
            *datasets,
            (f"边界 {BOUNDARY_ATTRIBUTION}；坐标系 EPSG:4326 存储，EPSG:4547 量测", _MIN_PT, False, _GREY),
        ],
    ]
    room = _SLIDE_H - Inches(0.2) - top
    width = (_SLIDE_W - 2 * _EDGE - Inches(0.3)) / 2
    for k, paragraphs in enumerate(columns):
        height = _box_height(paragraphs, width)
        if height > room:  # long dataset descriptions: keep the first lines that fit, the notes have them all
            while len(paragraphs) > 2 and _box_height(paragraphs, width) > room:
                paragraphs = paragraphs[:-2] + paragraphs[-1:]
            height = _box_height(paragraphs, width)
        _text_box(slide, int(_EDGE + k * (width + Inches(0.3))), top, int(width), height, paragraphs)
    _notes(slide, "\n".join([notes, *(t for t, *_ in datasets)]))


# ---------------------------------------------------------------------------------------------------------------
# choosing slides and the template


def parse_slides(spec: str | Iterable[str]) -> list[str]:
    """Slide list from ``"overview,huangpu_123,zone:南沙科学城"`` (or a list of such names).

    Names: ``title``, the map presets of :data:`DECK_PRESETS`, ``zones``
    (every top-level zone), ``zone:ID_OR_NAME`` (one zone, by id, ``name_zh``
    or ``name_en``), ``statistics``, ``targets``, ``plan_stages``, ``plan_changes``, ``sources``.

    Returns
    -------
    list of str
        Canonical names, zones as ``zone:<id>``, in the given order.

    Raises
    ------
    ValueError
        An unknown slide name (the message lists the valid ones).
    gzgeo.export.UnknownZoneError
        An unknown zone.

    Examples
    --------
    >>> parse_slides("overview, zone:南沙科学城,sources")
    ['overview', 'zone:nansha-science-city', 'sources']
    """
    items = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec)]
    out: list[str] = []
    for item in filter(None, items):
        if item.startswith("zone:"):
            out.append(f"zone:{resolve_zone(item[5:].strip())['id']}")
        elif item == "zones":
            zones = load("zones")
            out.extend(f"zone:{z}" for z in zones.loc[is_top_level(zones), "id"])
        elif item in DECK_SLIDES:
            out.append(item)
        else:
            raise ValueError(f"unknown slide {item!r}; valid: {', '.join(DECK_SLIDES)}, zone:ID_OR_NAME")
    if not out:
        raise ValueError("no slides chosen")
    return out


_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_PRESENTATION_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def _open_template(template: str | Path | None):
    """A presentation on the template's masters with its slides removed (a .potx is read as a .pptx)."""
    if template is None:
        return Presentation()
    source = io.BytesIO()
    # python-pptx refuses the template content type; the package is otherwise the same as a .pptx
    with zipfile.ZipFile(template) as zin, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(_TEMPLATE_TYPE, _PRESENTATION_TYPE)
            zout.writestr(item, data)
    prs = Presentation(io.BytesIO(source.getvalue()))
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)
    return prs


def _plain_layout(prs):
    """The layout with the fewest content placeholders (a blank one when the master has it): we place every shape."""

    def content(layout) -> int:
        return sum(
            1 for ph in layout.placeholders if ph.placeholder_format.type not in (13, 15, 16)
        )  # slide number, footer, date

    return min(prs.slide_layouts, key=content)


def build_deck(
    platforms: gpd.GeoDataFrame | None = None,
    *,
    title: str = "广州科技创新空间布局",
    subtitle: str = "一区三城 · 黄埔“123”布局 · 创新平台体系 — Guangzhou innovation layout briefing",
    slides: str | Iterable[str] = DECK_SLIDES,
    review_number: str | None = None,
    template: str | Path | None = None,
    dpi: int = 144,
    presets: Iterable[str] | None = None,
    zone_maps: bool | None = None,
    workers: int = 1,
):
    """Build the briefing deck.

    Parameters
    ----------
    platforms : GeoDataFrame, optional
        Selection drawn on the maps and counted; all platforms by default.
    title, subtitle : str
        Title slide text.
    slides : str or iterable of str
        Which slides, in order (see :func:`parse_slides`); all by default.
        A zone brings three slides or more: map, key table, targets.
    review_number : str, optional
        审图号 printed on every map slide and the title slide.
    template : path, optional
        ``.potx`` or ``.pptx`` whose slide master and layouts the deck uses
        (its own slides are dropped); the deck stays 16:9.
    dpi : int
        Map resolution; 144 dpi puts 1920 pixels across the 13.33 in slide.
    presets, zone_maps : optional
        Older way to choose slides: these map presets, and the zone slides
        unless ``zone_maps=False``, between the title and the statistics,
        targets and sources slides. Ignored when ``slides`` is given.
    workers : int
        Processes drawing the maps. Above 1 (Linux, several cores) the maps are drawn ahead in forked
        processes: for a process of its own such as the command line (``gzgeo export pptx`` asks for 2),
        not for a server whose other threads a fork would copy mid-work.

    Returns
    -------
    pptx.presentation.Presentation
        13.333 × 7.5 in (16:9).

    Examples
    --------
    >>> prs = build_deck(slides="title,sources")
    >>> len(prs.slides), prs.slides[1].shapes[0].text_frame.text
    (2, '资料来源与位置精度 Sources and location precision')
    """
    if (presets is not None or zone_maps is not None) and slides == DECK_SLIDES:
        slides = [
            "title",
            *(DECK_PRESETS if presets is None else [p for p in presets if p != "zone"]),
            *(["zones"] if zone_maps is not False else []),
            "statistics",
            "targets",
            "sources",
        ]
    chosen = parse_slides(slides)
    selection = load("platforms") if platforms is None else platforms
    review = review_number or DEFAULT_REVIEW_NUMBER
    prs = _open_template(template)
    prs.slide_width, prs.slide_height = _SLIDE_W, _SLIDE_H
    layout = _plain_layout(prs)
    sources = _sources_text()
    caveat = _precision_text(selection)
    zones = load("zones").set_index("id", drop=False)
    stats = None
    jobs = {}  # every map of the deck, drawn ahead in parallel where that applies
    for name in chosen:
        if name in DECK_PRESETS or name == "plan_stages":
            jobs[name] = (PRESETS[name], {"preset": name, "platforms": selection})
        elif name.startswith("zone:"):
            jobs[name] = (
                _zone_heading(zones.loc[name[5:]]),
                {"preset": "zone", "platforms": selection, "zone": name[5:]},
            )
    drawn = _draw_maps_ahead(jobs, review, dpi, workers)
    for name in chosen:
        if name == "title":
            _title_slide(prs, layout, title, subtitle, review, "\n".join([subtitle, caveat, sources]))
        elif name in DECK_PRESETS:
            numbered = _map_slide(
                prs,
                layout,
                PRESETS[name],
                review,
                "\n".join([_CAPTIONS[name], caveat, sources]),
                dpi,
                drawn.get(name),
                preset=name,
                platforms=selection,
            )
            if name == "huangpu_123":
                _huangpu_key(prs, layout, selection, numbered, caveat, sources)
        elif name.startswith("zone:"):
            _zone_slides(prs, layout, zones.loc[name[5:]], selection, review, dpi, sources, drawn.get(name))
        elif name == "plan_stages":
            _map_slide(
                prs,
                layout,
                PRESETS[name],
                review,
                "\n".join([_PLAN_CAPTION, caveat, sources]),
                dpi,
                drawn.get(name),
                preset=name,
                platforms=selection,
            )
        elif name == "plan_changes":
            from ..plandeck import plan_changes_slides  # a heavier module: loaded on demand

            plan_changes_slides(prs, layout, "\n".join([caveat, sources]))
        else:
            stats = stats or deck_statistics(selection)
            if name == "statistics":
                _statistics_slide(prs, layout, stats, "\n".join([caveat, sources]))
            elif name == "targets":
                _targets_slides(prs, layout, stats["targets"], "\n".join([caveat, sources]))
            else:
                _sources_slide(prs, layout, selection, "\n".join([caveat, sources]))
    return prs


def deck_bytes(platforms: gpd.GeoDataFrame | None = None, **options) -> bytes:
    """The deck of :func:`build_deck` as ``.pptx`` bytes."""
    buffer = io.BytesIO()
    build_deck(platforms, **options).save(buffer)
    return buffer.getvalue()


def save_deck(path: str | Path, platforms: gpd.GeoDataFrame | None = None, **options) -> Path:
    """Write the deck of :func:`build_deck` to ``path`` (``.pptx``), through a temporary file renamed into place."""
    path = Path(path)
    atomic_write_bytes(path, deck_bytes(platforms, **options))
    return path
