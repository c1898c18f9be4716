"""Rules several views must agree on, each with one home: the views give the same answer.

Issue 13: the overlay datum, "a top-level zone has no parent", "keep the located platforms,
count the rest", category and layer colours, district names and the export formats were
written in several places. Each lives in one function or constant now; these tests check
that the views built on them agree in what they draw, count and offer.
"""

from __future__ import annotations

import folium
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import gzgeo
from gzgeo import cartography
from gzgeo.analysis import along_axis, layout_statistics
from gzgeo.basemaps import BASEMAPS, overlay_datum, point_to_basemap_datum, to_basemap_datum
from gzgeo.cartography.drawing import _draw_context, _draw_platforms
from gzgeo.cli import build_parser
from gzgeo.crs import GUANGZHOU_METRIC_CRS
from gzgeo.export import EXPORT_FORMATS
from gzgeo.i18n import t
from gzgeo.layers import LEVELS, is_top_level
from gzgeo.maps import highlight_layer, layout_map
from gzgeo.pointlayer import platform_rows, platforms_in_html
from gzgeo.selection import split_located
from gzgeo.style import LAYER_COLORS, category_colors, district_names


@pytest.fixture(scope="module")
def web_map():
    return layout_map(layers=["zones", "parts", "cores", "nodes", "axis", "platforms"])


def test_web_map_and_static_map_give_each_category_the_same_colour(web_map, platforms):
    web = {}
    for layer in platforms_in_html(web_map.get_root().render()):
        category = platforms.loc[platforms["name_zh"] == layer["name_zh"].iloc[0], "category"].iloc[0]
        web[category] = layer.attrs["color"].lower()
    assert web, "the web map drew no platform layer"
    metric = platforms.to_crs(GUANGZHOU_METRIC_CRS)
    for category, color in web.items():
        ax = Figure().add_subplot()
        _draw_platforms(ax, metric[metric["category"] == category], [])
        drawn = {to_hex(c) for coll in ax.collections for c in [*coll.get_facecolors(), *coll.get_edgecolors()]}
        assert color in drawn, (category, color, drawn)
        assert color == category_colors()[category]


def _web_layer_color(fmap: folium.Map, label: str) -> str:
    for child in fmap._children.values():
        if isinstance(child, folium.GeoJson) and child.layer_name == label:
            return child.style_function({})["color"].lower()
    raise AssertionError(f"no layer {label!r} on the web map")


@pytest.mark.parametrize(
    ("layer", "label"),
    [("zones", "layer_zones"), ("cores", "layer_cores"), ("nodes", "layer_nodes"), ("axis", "layer_axis")],
)
def test_web_map_and_static_map_draw_each_layer_in_the_same_colour(web_map, layer, label):
    color = _web_layer_color(web_map, t(label, "zh"))
    assert color == LAYER_COLORS[layer]
    ax = Figure().add_subplot()
    _draw_context(ax, {layer}, [], label_zones=False)
    drawn = {to_hex(c) for coll in ax.collections for c in coll.get_edgecolors()}
    drawn |= {to_hex(line.get_color()) for line in ax.lines}
    assert color in drawn, (layer, drawn)


def test_zone_parts_share_one_top_level_rule(zones, platforms):
    top = zones[is_top_level(zones)]
    assert 0 < len(top) < len(zones)
    stats = layout_statistics(platforms, zones=zones, by=None)
    assert set(stats.loc[stats["kind"] == "zone", "id"]) == set(top["id"])
    assert set(stats.loc[stats["kind"] == "zone_part", "id"]) == set(zones["id"]) - set(top["id"])
    fmap = layout_map(layers=["zones", "parts"])
    counts = {}
    for child in fmap._children.values():
        if isinstance(child, folium.GeoJson) and child.layer_name in (t("layer_zones", "zh"), t("layer_parts", "zh")):
            counts[child.layer_name] = len(child.data["features"])
    assert counts == {t("layer_zones", "zh"): len(top), t("layer_parts", "zh"): len(zones) - len(top)}


def test_split_located_is_what_every_view_counts(platforms):
    kept, left_out = split_located(platforms)
    district_only = int((platforms["location_precision"] == "district").sum())
    assert left_out == district_only > 0
    assert len(kept) + left_out == len(platforms)
    assert not (kept["location_precision"] == "district").any()
    # the axis query of the library and of the static map find the same located platforms
    assert set(along_axis(platforms, max_dist_m=3000)["id"]) == set(along_axis(kept, max_dist_m=3000)["id"])
    assert split_located(kept) == (kept, 0)


def test_static_map_axis_counts_the_left_out_platforms(platforms):
    fig = cartography.static_map("axis", platforms=platforms)
    text = " ".join(t_.get_text() for t_ in fig.texts) + " ".join(ax.get_title() for ax in fig.axes)
    assert f"{split_located(platforms)[1]} known only to their district" in text


@pytest.mark.parametrize("basemap", sorted(BASEMAPS))
def test_every_view_shifts_overlays_by_one_datum_rule(basemap):
    lat, lon = 23.1066, 113.3191
    key = "k" if BASEMAPS[basemap].needs_key else None
    datum = overlay_datum(basemap, key)
    moved = point_to_basemap_datum(lat, lon, basemap, key)
    frame = gzgeo.load("nodes").iloc[:1]
    shifted = to_basemap_datum(frame, basemap, key)
    group = highlight_layer(click=(lat, lon), basemap=basemap, tianditu_key=key)
    marker = next(iter(group._children.values()))
    assert np.allclose(marker.location, moved)
    assert (datum == "wgs84") == (shifted is frame) == np.allclose(moved, (lat, lon))
    if datum == "gcj02":
        # GCJ-02 lies a few hundred metres off in Guangzhou
        assert 1e-3 < abs(moved[1] - lon) < 1e-2


def test_district_english_names_one_table(districts, platforms):
    names = district_names("en")
    assert set(names) == set(districts["name_zh"])
    assert names == dict(zip(districts["name_zh"], districts["name_en"], strict=True))
    rows = platform_rows(platforms.iloc[:20], "en")
    popup_districts = {row[9] for row in rows}  # lat, lon, estimate, id, name_zh, name_en, category, level, status
    assert popup_districts - {""} and popup_districts <= set(names.values()) | {""}
    assert not any("区" in d for d in popup_districts)


def test_export_formats_one_list():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["export"]
    fmt = next(a for a in sub._actions if a.dest == "format")
    assert list(fmt.choices) == list(EXPORT_FORMATS)


def test_synthetic_levels_are_the_data_levels():
    levels = set(gzgeo.synthetic_points(200, seed=3)["level"])
    assert levels == set(LEVELS)
