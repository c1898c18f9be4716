"""gzgeo.stmap: the map rendered once sends exactly what st_folium sends."""

from __future__ import annotations

import json

import folium
import streamlit_folium
from streamlit.testing.v1 import AppTest

from gzgeo.maps import highlight_layer
from gzgeo.stmap import _empty_group_script, _group_settings

SCRIPT = """
import copy

import folium
from streamlit_folium import st_folium

from gzgeo.filters import synthetic_platforms
from gzgeo.maps import highlight_layer, layout_map
from gzgeo.stmap import map_parts, show_map

m = layout_map(layers=("districts", "zones"), platforms=synthetic_platforms(300, seed=1), offline="static")
group = lambda: highlight_layer(click=(23.1, 113.3), circle_m=500.0)
returned = ["last_clicked", "all_drawings", "zoom", "center"]
st_folium(copy.deepcopy(m), key="plain", height=620, use_container_width=True, returned_objects=returned,
          center=(23.1, 113.3), zoom=11, feature_group_to_add=group())
show_map(map_parts(copy.deepcopy(m)), key="cached", height=620, returned_objects=returned,
         center=(23.1, 113.3), zoom=11, feature_group_to_add=group())
"""


def test_streamlit_folium_helpers_used_by_stmap_exist():
    # gzgeo.stmap calls these module-level helpers of streamlit-folium: an upgrade that renames one fails here.
    for name in (
        "_get_html",
        "_get_header",
        "_get_map_string",
        "_get_feature_group_string",
        "get_full_id",
        "generate_js_hash",
        "_component_func",
    ):
        assert callable(getattr(streamlit_folium, name)), name


def test_show_map_sends_what_st_folium_sends():
    at = AppTest.from_string(SCRIPT, default_timeout=120).run()
    assert not at.exception, at.exception
    maps = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    assert len(maps) == 2
    plain, cached = (json.loads(c.proto.json_args) for c in maps)
    assert len(plain["script"]) > 10_000 and "gzgeoPlatforms" in plain["script"]
    assert plain["feature_group"] and "map_div" in plain["feature_group"]
    # Element names inside the feature group are random per build; the component key hashes the widget key.
    plain.pop("feature_group"), cached.pop("feature_group")
    assert cached.pop("key") == streamlit_folium.generate_js_hash(plain["script"], "cached", False)
    assert plain.pop("key") == streamlit_folium.generate_js_hash(plain["script"], "plain", False)
    # One difference on purpose: show_map's default names the centre the map will report first, so the map's
    # first report is no change and opening the page does not run the app again (st_folium's default has none).
    assert cached["default"].pop("center") == {"lat": 23.1, "lng": 113.3}
    assert "center" not in plain["default"]
    assert cached == plain


def test_an_empty_highlight_group_is_sent_as_st_folium_sends_it():
    # The text of a group with nothing in it is kept (most runs highlight nothing); it must be what a render gives.
    holder = folium.Map(tiles=None)
    for lang in ("zh", "en"):
        group = highlight_layer(lang=lang)
        assert not group._children
        fresh = streamlit_folium._get_feature_group_string(highlight_layer(lang=lang), map=holder, idx=0)
        assert _empty_group_script(*_group_settings(group)) == fresh
    hidden = folium.FeatureGroup(name="x", show=False)
    assert _empty_group_script(*_group_settings(hidden)) != _empty_group_script(*_group_settings(highlight_layer()))
