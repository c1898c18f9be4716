"""The map rendered as a cached skeleton plus the filtered layers is the map built in one piece."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import folium
import pytest
from streamlit.testing.v1 import AppTest

import gzgeo
from gzgeo import analysis
from gzgeo.filters import PlatformFilter, filter_platforms, prepare_platforms
from gzgeo.literalrender import mark as mark_literal
from gzgeo.offline import localize
from gzgeo.pointlayer import platforms_in_html
from gzgeo.stmap import MapParts, map_parts
from gzgeo.stskeleton import _join, map_skeleton, splice_map
from gzgeo.viewstate import ViewState
from gzgeo.webmap import add_layout_layers, layout_base, layout_map

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LAYERS = ("districts", "metro", "zones", "parts", "cores", "nodes", "axis", "platforms", "district_counts", "rings")
# folium names elements by random ids, which streamlit-folium renames by position; a tile basemap's minimap keeps
# its tile layer's random id (in every build): compared as one placeholder.
_RANDOM_ID = re.compile(r"[0-9a-f]{32}")


def _same(a: MapParts, b: MapParts) -> None:
    assert _RANDOM_ID.sub("ID", a.script) == _RANDOM_ID.sub("ID", b.script)
    assert (a.header, a.html, a.map_id, a.zoom) == (b.header, b.html, b.map_id, b.zoom)
    assert (a.css_links, a.js_links) == (b.css_links, b.js_links)


@pytest.fixture(scope="module")
def prepared(platforms):
    return prepare_platforms(platforms)


@pytest.fixture(scope="module")
def band():
    out = analysis.buffers(gzgeo.load("axis"), 2000.0, dissolve=True)
    out["label"] = "±2,000 m"
    return out[["label", "geometry"]]


@pytest.mark.parametrize(
    ("lang", "basemap", "layers"),
    [("zh", "none", LAYERS), ("en", "amap_vector", (*LAYERS, "heatmap", "hulls"))],  # WGS-84 and GCJ-02 overlays
)
def test_one_skeleton_gives_the_one_piece_map_for_two_filters(prepared, band, lang, basemap, layers):
    base = {"lang": lang, "basemap": basemap, "center": (23.2, 113.4), "zoom": 11, "draw": True}
    skeleton = map_skeleton(localize(layout_base(layers, rings=band, **base), mode="static"))
    category = prepared["category"].value_counts().index[0]
    hulls = analysis.cluster_summary(analysis.dbscan_clusters(prepared, eps_m=1500, min_samples=3), hull="convex")
    for flt, hull in ((PlatformFilter(), None), (PlatformFilter(category=(category,)), hulls)):
        shown = filter_platforms(prepared, flt)
        whole = layout_map(layers, shown, "static", rings=band, hulls=hull, selection=shown.head(3), **base)
        expected = map_parts(whole, bounds=False)

        def add(holder, shown=shown, hull=hull):
            add_layout_layers(holder, layers, shown, lang=lang, basemap=basemap, hulls=hull, selection=shown.head(3))
            localize(holder, mode="static")

        spliced = splice_map(skeleton, add)
        _same(spliced, expected)
        # The map really is the filter's: every shown platform that is a point travels in the payload.
        points = shown[shown["location_precision"] != "district"]
        assert sum(len(d) for d in platforms_in_html(spliced.script)) == len(points)
        assert spliced.script.startswith(skeleton.script)
        assert ("overlays shifted to GCJ-02" in spliced.script) == (basemap != "none")


def test_plan_layers_spliced_as_in_one_piece(prepared):
    # The plan overlays move the layer control behind them: the same in the holder as in the whole map.
    from gzgeo.planmap import add_plan_overlays

    def add(fmap):
        add_layout_layers(fmap, LAYERS, prepared.iloc[:0])
        add_plan_overlays(fmap, "2021-12", ("003", "002"), platforms=prepared)
        return localize(fmap, mode="static")

    skeleton = map_skeleton(localize(layout_base(LAYERS), mode="static"))
    spliced = splice_map(skeleton, add)
    _same(spliced, map_parts(add(layout_base(LAYERS)), bounds=False))
    page = spliced.header + spliced.script
    assert "gzgeo-plan-legend" in page and "gzgeo-change-added" in page
    assert spliced.script.rindex("L.control.layers(") > spliced.script.rindex("gzgeo-change")


@pytest.mark.parametrize("marker", [False, True])
def test_plain_folium_map_spliced_as_streamlit_folium_renders_it(marker):
    def add(fmap):
        if marker:
            folium.Marker([23.1, 113.3], tooltip="Tianhe").add_to(fmap)

    whole = mark_literal(folium.Map(location=[23.1, 113.3], zoom_start=9, tiles=None))
    add(whole)
    skeleton = map_skeleton(mark_literal(folium.Map(location=[23.1, 113.3], zoom_start=9, tiles=None)))
    _same(splice_map(skeleton, add), map_parts(whole, bounds=False))


def test_joined_script_is_dedented_as_streamlit_folium_does():
    # folium's map options close at column 0, so streamlit-folium's dedent only blanks blank lines; were every
    # line indented, it would strip the common margin of the whole text: so does the join.
    assert map_skeleton(folium.Map(tiles=None)).margin == ""
    indented = replace(map_skeleton(folium.Map(tiles=None)), script="    var a = 1;\n      var b = 2;", margin="    ")
    tail = "\nvar drawnItems = [];"
    assert _join(indented, "\n    var c = 3;") == "var a = 1;\n  var b = 2;\nvar c = 3;" + tail
    assert _join(indented, "\nvar c = 3;") == "    var a = 1;\n      var b = 2;\nvar c = 3;" + tail
    assert _join(indented, "") == "var a = 1;\n  var b = 2;" + tail


def test_spliced_layers_keep_data_as_text_never_as_template(prepared):
    # The district badges' popups list platform names: "{{ 7 * 7 }}" reaches the page as written, HTML escaped.
    hostile = prepared.copy()
    hostile.loc[hostile["location_precision"] == "district", "name_zh"] = "{{ 7 * 7 }}<b>x</b>"
    skeleton = map_skeleton(localize(layout_base(("districts",)), mode="static"))
    spliced = splice_map(skeleton, lambda m: add_layout_layers(m, ("districts", "district_counts"), hostile))
    assert "{{ 7 * 7 }}\\u0026lt;b\\u0026gt;x" in spliced.script
    assert "<b>x</b>" not in spliced.script


def test_layer_control_lists_the_skeleton_layers_before_the_spliced_ones(prepared):
    skeleton = map_skeleton(localize(layout_base(("zones",), lang="en"), mode="static"))
    spliced = splice_map(skeleton, lambda m: add_layout_layers(m, ("zones",), prepared, lang="en"))
    control = spliced.script[spliced.script.rindex("overlays :") :]
    names = re.findall(r"^\s*\"[^\"]*\" : ([a-z_0-9]+),$", control, re.MULTILINE)
    # Every layer the control lists is defined in the map script, the skeleton's first.
    assert names and all(f"var {name} = " in spliced.script for name in names)
    fixed = [name for name in names if f"var {name} = " in skeleton.script]
    assert fixed == names[: len(fixed)] and len(fixed) >= 7
    assert any(name.startswith("platform_category_layer_") for name in names[len(fixed) :])


# The app: what it sends after changes of filter, language, basemap, layer set and data home is the one-piece map.


def _app_script(at: AppTest) -> str:
    maps = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)["script"]


def _one_piece(lang: str, basemap: str, layers: tuple[str, ...], flt: PlatformFilter) -> str:
    view = ViewState()
    band = analysis.buffers(gzgeo.load("axis"), 2000.0, dissolve=True)
    band["label"] = "±2,000 m"
    shown = filter_platforms(prepare_platforms(gzgeo.load("platforms")), flt)
    fmap = layout_map(
        layers,
        shown,
        "static",
        lang=lang,
        basemap=basemap,
        center=view.center,
        zoom=view.zoom,
        rings=band[["label", "geometry"]],
        draw=True,
    )
    return map_parts(fmap, bounds=False).script


def _check(at: AppTest, lang: str, basemap: str, layers: tuple[str, ...], flt: PlatformFilter) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert _RANDOM_ID.sub("ID", _app_script(at)) == _RANDOM_ID.sub("ID", _one_piece(lang, basemap, layers, flt))


def test_app_map_after_filter_language_basemap_and_layer_changes_is_the_one_piece_map(platforms):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    layers = tuple(ViewState().layers)
    _check(at, "zh", "none", layers, PlatformFilter())
    category = platforms["category"].value_counts().index[1]
    next(m for m in at.sidebar.multiselect if m.label == "类别").set_value([category]).run()
    _check(at, "zh", "none", layers, PlatformFilter(category=(category,)))
    at.sidebar.radio[0].set_value("en").run()
    _check(at, "en", "none", layers, PlatformFilter(category=(category,)))
    at.sidebar.selectbox(key="basemap").set_value("amap_vector").run()
    _check(at, "en", "amap_vector", layers, PlatformFilter(category=(category,)))
    # A new layer set is a new skeleton, not the one cached for the old set.
    fewer = tuple(layer for layer in layers if layer not in ("zones", "metro"))
    at.sidebar.multiselect(key="layers").set_value(list(fewer)).run()
    _check(at, "en", "amap_vector", fewer, PlatformFilter(category=(category,)))


def test_app_map_follows_a_new_data_home(writable_home, monkeypatch):
    # The skeleton is keyed by the data home (and the workspace version): other fixed layers are not served stale.
    monkeypatch.delenv("GZGEO_HOME")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Renamed test zone" not in _app_script(at)
    path = writable_home / "geo" / "zones.geojson"
    zones = json.loads(path.read_text(encoding="utf-8"))
    zones["features"][0]["properties"]["name_en"] = "Renamed test zone"
    path.write_text(json.dumps(zones, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("GZGEO_HOME", str(writable_home))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Renamed test zone" in _app_script(at)
