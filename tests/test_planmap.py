"""The plan timeline as map layers, small multiples and deck slides (issue 15: app and exports)."""

from __future__ import annotations

import io
import itertools
import re

import numpy as np
import pytest
from PIL import Image
from pptx import Presentation

import gzgeo
from gzgeo.crs import convert
from gzgeo.maps import layout_map
from gzgeo.planmap import (
    CHANGE_STYLES,
    STATUS_STYLES,
    add_plan_overlays,
    framework_renames,
    plan_changes_layer,
    plan_legend_html,
    plan_stage_layer,
)
from gzgeo.plans import PLAN_STAGES


def _markers(group, prefix: str) -> list:
    return [c for c in group._children.values() if prefix in c.options.get("className", "").split()]


def _ids(markers) -> set[str]:
    return {re.search(r"gzgeo-plan-id-([a-z0-9-]+)", m.options["className"]).group(1) for m in markers}


def test_each_stage_draws_exactly_what_its_plans_name(platforms):
    located = set(platforms.loc[platforms.geometry.notna() & ~platforms.geometry.is_empty, "id"])
    seen = {}
    for stage in PLAN_STAGES:
        snapshot = gzgeo.plan_snapshot(stage)
        markers = _markers(plan_stage_layer(stage.key), "gzgeo-plan")
        assert _ids(markers) == set(snapshot.index) & located
        assert len(markers) == len(_ids(markers))  # one marker per platform
        for marker in markers:
            pid = _ids([marker]).pop()
            style = STATUS_STYLES[snapshot.loc[pid, "status_class"]]
            assert marker.options["color"] == style.color
            assert marker.options["fillOpacity"] == style.fill_opacity
            estimate = bool(platforms.set_index("id").loc[pid, "location_is_estimate"])
            assert (marker.options.get("dashArray") is not None) == estimate
        seen[stage.key] = _ids(markers)
    for a, b in itertools.combinations(seen, 2):
        assert seen[a] != seen[b], (a, b)
    # The 2025 layout is the union of the two 14th-FYP plans.
    assert seen["2025"] == seen["2021-12"] | seen["2022"]


def test_stage_layer_keeps_the_filtered_selection(platforms):
    subset = platforms[platforms["category"] == platforms["category"].value_counts().index[0]]
    ids = _ids(_markers(plan_stage_layer("2021-12", platforms=subset), "gzgeo-plan"))
    assert ids == set(gzgeo.plan_snapshot("2021-12").index) & set(subset["id"])
    assert 0 < len(ids) < len(gzgeo.plan_snapshot("2021-12"))


def test_markers_follow_the_basemap_datum(platforms):
    wgs = {_ids([m]).pop(): m.location for m in _markers(plan_stage_layer("2022"), "gzgeo-plan")}
    gcj = {_ids([m]).pop(): m.location for m in _markers(plan_stage_layer("2022", basemap="amap_vector"), "gzgeo-plan")}
    for pid, (lat, lon) in wgs.items():
        x, y = convert(lon, lat, "wgs84", "gcj02")
        assert gcj[pid] == pytest.approx([float(y), float(x)], abs=1e-9)
        assert abs(gcj[pid][1] - lon) > 1e-4  # really shifted (≈500 m here)


def test_popup_lists_the_history_with_clauses():
    group = plan_stage_layer("2022", lang="en")
    marker = next(
        m for m in _markers(group, "gzgeo-plan") if "gba-national-tech-innovation-center" in m.options["className"]
    )
    text = next(c for c in marker._children.values() if type(c).__name__ == "_Bind").popup
    history = gzgeo.plan_history("gba-national-tech-innovation-center")
    for row in history.itertuples():
        assert row.clause in text
        assert row.quote in text
    assert "加快建设" in text and "挂牌运行" in text  # building in 2021, operating in 2022
    assert "Checked current status" in text


def test_data_strings_are_escaped_in_popups_tooltips_and_classes(platforms):
    hostile = platforms.copy()
    row = hostile["id"] == "guangzhou-laboratory"
    hostile.loc[row, "name_zh"] = "<script>alert(1)</script>广州实验室"
    hostile.loc[row, "name_en"] = '"><img src=x onerror=alert(2)>`${alert(3)}`'
    fmap = add_plan_overlays(
        layout_map(layers=("districts",), platforms=hostile), "2022", ("000", "002"), platforms=hostile
    )
    html_text = fmap.get_root().render()
    assert "<script>alert(1)" not in html_text and "<img src=x" not in html_text
    assert "\\u0026lt;script\\u0026gt;alert(1)" in html_text  # html.escape'd, then a JSON string
    group = plan_stage_layer("2022", platforms=hostile)
    marker = next(m for m in _markers(group, "gzgeo-plan") if "guangzhou-laboratory" in m.options["className"])
    bind = next(c for c in marker._children.values() if type(c).__name__ == "_Bind")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;广州实验室" in bind.popup and "&lt;script&gt;" in bind.tooltip
    # Popups and tooltips reach Leaflet as JSON strings, never inside a JavaScript template literal.
    binds = [line for line in html_text.splitlines() if "bindPopup(" in line or "bindTooltip(" in line]
    assert binds and not any("(`" in line for line in binds)
    # An id that is not a plain slug never becomes a class name.
    odd = platforms.copy()
    odd.loc[odd["id"] == "guangzhou-laboratory", "id"] = 'x" onclick="y'
    classes = [m.options["className"] for m in plan_changes_layer("000", "002", platforms=odd)._children.values()]
    assert all(re.fullmatch(r"[a-z0-9_ -]+", c) for c in classes)


def test_changes_layer_rings_every_change():
    changes = gzgeo.plan_changes("000", "002")
    group = plan_changes_layer("000", "002")
    for kind, color in CHANGE_STYLES.items():
        rings = _markers(group, f"gzgeo-change-{kind}")
        assert _ids(rings) == set(changes.loc[changes["change"] == kind, "platform_id"])
        assert all(r.options["color"] == color for r in rings)
    assert {"human-cell-lineage-facility", "cold-seep-ecosystem-facility"} <= _ids(
        _markers(group, "gzgeo-change-status_changed")
    )


def test_legend_shows_status_classes_and_framework_renames():
    city = dict(framework_renames("zh"))["广州市"]
    assert [pattern for pattern, _ in city] == ["“1+1+4+4+N”", "“2+2+N”"]
    zh = plan_legend_html("2021-12", "zh", ("000", "002"))
    assert "“1+1+4+4+N” (2021-04) → “2+2+N” (2022-02)" in zh and "“1+1+3+N” (2021-12)" in zh
    for label in ("筹建/创建", "建设中", "已运行/获批", "提升/列入国家规划", "不再点名"):
        assert label in zh
    en = plan_legend_html("2021-12", "en")
    assert "Framework renames" in en and "Operating" in en and "Huangpu" in en


# ---------------------------------------------------------------------------------------------------------------
# small multiples


@pytest.fixture(scope="module")
def small_multiples():
    from gzgeo.cartography import static_map

    fig = static_map("plan_stages")
    png = io.BytesIO()
    from gzgeo.cartography import _save

    _save(fig, png, "png", 120)
    return fig, np.asarray(Image.open(png).convert("RGB")).astype(int)


def test_small_multiples_have_one_panel_per_stage(small_multiples, platforms):
    fig, pixels = small_multiples
    assert pixels.shape[:2] == (1080, 1920)
    panels = [ax for ax in fig.axes if hasattr(ax, "gzgeo_stage")]
    assert [ax.gzgeo_stage for ax in panels] == [s.key for s in PLAN_STAGES]
    for ax, stage in zip(panels, PLAN_STAGES, strict=True):
        drawn = sum(len(c.get_offsets()) for c in ax.collections if c.get_zorder() >= 10)
        assert drawn == len(set(gzgeo.plan_snapshot(stage).index) & set(platforms["id"])) == ax.gzgeo_count
        assert ax.get_xlim() == panels[0].get_xlim()  # one extent: platforms stay in place across panels


def test_small_multiples_panels_differ_in_pixels(small_multiples):
    fig, pixels = small_multiples
    panels = [ax for ax in fig.axes if hasattr(ax, "gzgeo_stage")]
    height = pixels.shape[0]
    crops, coloured = [], []
    for ax in panels:
        box = ax.get_window_extent()
        x0, x1 = int(box.x0) + 3, int(box.x1) - 3
        y0, y1 = height - int(box.y1) + 3, height - int(box.y0) - 3
        crop = pixels[y0:y1, x0:x1]
        crops.append(crop)
        # Pixels in one of the saturated status colours (marker outlines are opaque); the base map has none
        # of them (grey "named" and red "target" resemble district and zone edges, so they are left out).
        near = np.zeros(crop.shape[:2], bool)
        for style in (STATUS_STYLES[k] for k in ("planned", "building", "operating", "upgrading")):
            rgb = np.array([int(style.color[i : i + 2], 16) for i in (1, 3, 5)])
            near |= np.abs(crop - rgb).sum(axis=2) < 40
        coloured.append(int(near.sum()))
    width = min(c.shape[1] for c in crops)
    for a, b in itertools.combinations(range(len(crops)), 2):
        diff = np.abs(crops[a][:, :width] - crops[b][:, :width]).sum(axis=2) > 60
        assert diff.sum() > 200, (panels[a].gzgeo_stage, panels[b].gzgeo_stage)
    counts = dict(zip([ax.gzgeo_stage for ax in panels], coloured, strict=True))
    assert 0 < counts["2018"] < counts["2022"] < counts["2021-04"]  # 1, 7 and 43 platforms named


# ---------------------------------------------------------------------------------------------------------------
# deck


def _slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_deck_has_the_small_multiples_and_the_changes_slide():
    from gzgeo.deck import deck_bytes
    from gzgeo.plandeck import plan_change_summary

    deck = Presentation(io.BytesIO(deck_bytes(slides="title,plan_stages,plan_changes,sources")))
    slides = list(deck.slides)
    moved = [s for s in slides if "How the layout moved" in _slide_text(s) and any(x.has_table for x in s.shapes)]
    assert len(moved) == 1
    tables = [shape.table for shape in moved[0].shapes if shape.has_table]
    summary = plan_change_summary()
    counts = tables[0]
    assert len(counts.rows) == len(summary) + 1
    for i, row in enumerate(summary.itertuples(), start=1):
        cells = [counts.cell(i, j).text for j in range(len(counts.columns))]
        assert cells[0].startswith(row._1) and cells[1].startswith(row.to)
        assert cells[2:] == [str(row.added), str(row.status_changed), str(row.no_longer_named)]
    changed = "\n".join(tables[1].cell(i, 0).text for i in range(1, len(tables[1].rows)))
    for name in ("广州实验室", "粤港澳大湾区国家技术创新中心", "人类细胞谱系大科学研究设施", "冷泉生态系统研究装置"):
        assert name in changed
    index = slides.index(moved[0])
    dropped = slides[index + 1]  # named in 2021, not in the 2022 report: by category
    table = next(shape.table for shape in dropped.shapes if shape.has_table)
    rows = {table.cell(i, 0).text: table.cell(i, 2).text for i in range(1, len(table.rows))}
    facilities = set(rows["重大科技基础设施"].split("、"))
    assert {"动态宽域高超声速风洞", "极端海洋动态过程多尺度自主观测科考设施"} <= facilities
    assert len(rows["高水平创新研究院及科研院所"].split("、")) == 11
    pictures = [s for s in slides[index - 1].shapes if s.shape_type == 13]
    assert len(pictures) == 1 and Image.open(io.BytesIO(pictures[0].image.blob)).size[0] >= 1800
    assert "规划演变" in _slide_text(slides[index - 1])
    assert "审图号" in _slide_text(slides[index - 1])
