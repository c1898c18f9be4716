"""gzgeo.offline: every folium asset resolves locally; rendered maps link nothing off the machine."""

from __future__ import annotations

import re

import folium
import folium.plugins as plugins
import pytest

from gzgeo.offline import (
    STATIC_URL_PREFIX,
    OfflineAssetError,
    asset_filename,
    external_urls,
    localize,
    write_static_assets,
)


def _all_plugin_map() -> folium.Map:
    m = folium.Map(tiles=None)
    plugins.MarkerCluster().add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.MeasureControl().add_to(m)
    plugins.Draw().add_to(m)
    plugins.HeatMap([[23.1, 113.3, 1.0]]).add_to(m)
    plugins.FastMarkerCluster([[23.1, 113.3]]).add_to(m)
    return m


def test_inline_map_has_no_external_links():
    html = localize(_all_plugin_map(), mode="inline").get_root().render()
    assert external_urls(html) == []
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html
    assert "data:text/javascript;charset=utf-8;base64," in html


def test_static_map_links_to_files_that_exist(tmp_path):
    m = localize(_all_plugin_map(), mode="static")
    html = m.get_root().render()
    assert external_urls(html) == []
    folder = write_static_assets(tmp_path)
    links = re.findall(r'(?:src|href)="(/app/static/vendor/[^"]+)"', html)
    assert len(links) >= 8
    for link in links:
        assert (folder / link.removeprefix(STATIC_URL_PREFIX)).stat().st_size > 100


def test_unknown_asset_raises():
    m = folium.Map(tiles=None)
    m.default_js = [*m.default_js, ("evil", "https://example.com/unknown.js")]
    with pytest.raises(OfflineAssetError, match="example.com"):
        localize(m)


def test_asset_filenames_are_unique_and_typed():
    a = asset_filename("https://cdn.example/a/leaflet.css")
    b = asset_filename("https://cdn.example/b/leaflet.css")
    assert a != b and a.endswith("leaflet.css")
    assert asset_filename("https://unpkg.com/@joergdietrich/leaflet.terminator").endswith(".js")


def test_a_static_map_can_be_relocalised_inline():
    m = localize(_all_plugin_map(), mode="static")
    html = localize(m, mode="inline").get_root().render()
    assert STATIC_URL_PREFIX not in html
    assert external_urls(html) == []
