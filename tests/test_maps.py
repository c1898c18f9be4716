"""The interactive map builder, basemaps, view state and labels."""

from __future__ import annotations

import json
import re

import folium
import numpy as np
import pandas as pd
import pytest
import shapely

from gzgeo.basemaps import BASEMAPS, add_basemap, get_basemap, point_from_basemap_datum
from gzgeo.crs import convert
from gzgeo.filters import PlatformFilter, prepare_platforms
from gzgeo.i18n import STRINGS, VALUE_LABELS, t, value_label
from gzgeo.layers import LEVELS, LOCATION_PRECISIONS, STATUSES
from gzgeo.maps import category_colors, highlight_layer, layout_map, platform_popup_html, platform_rows
from gzgeo.offline import STATIC_URL_PREFIX, external_urls
from gzgeo.pointlayer import platforms_in_html
from gzgeo.viewstate import ViewState, from_query, to_query


@pytest.fixture(scope="module")
def default_html(platforms):
    return layout_map(platforms=platforms).get_root().render()


def test_standalone_map_is_offline(default_html):
    assert external_urls(default_html) == []
    assert "gzgeoPlatforms.Layer" in default_html and "gzgeo-legend" in default_html
    assert "Supercluster" in default_html  # the bundled library, inlined


def test_static_mode_links_local_assets(platforms):
    html = (
        layout_map(platforms=platforms, offline="static", draw=True, layers=["platforms", "heatmap"])
        .get_root()
        .render()
    )
    links = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert links and all(link.startswith(STATIC_URL_PREFIX) for link in links)
    for plugin in ("supercluster", "leaflet_heat", "leaflet.draw", "leaflet-measure", "Control.FullScreen"):
        assert any(plugin in link for link in links), plugin
    assert "jquery" not in " ".join(links) and "bootstrap" not in " ".join(links)


def test_one_cluster_layer_per_category_with_every_point_platform(default_html, platforms):
    all_platforms = platforms
    # District-only platforms are counted on their district, not drawn as points.
    platforms = all_platforms[all_platforms["location_precision"] != "district"]
    layers = platforms_in_html(default_html)
    assert len(layers) == platforms["category"].nunique()
    assert sum(len(d) for d in layers) == len(platforms)
    assert sum(int(d["estimate"].sum()) for d in layers) == int(platforms["location_is_estimate"].sum())
    names = {n for d in layers for n in d["name_zh"]}
    assert names == set(platforms["name_zh"])
    # Every platform keeps its position (to 1e-6 degree) and its category's colour.
    colors = category_colors()
    for d in layers:
        assert d.attrs["color"] == colors[platforms.loc[platforms["name_zh"] == d["name_zh"][0], "category"].iloc[0]]
    decoded = pd.concat(layers).set_index("name_zh")
    for _, row in platforms.iterrows():
        got = decoded.loc[[row["name_zh"]]]
        assert np.abs(got["lat"] - row.geometry.y).min() < 1e-6 and np.abs(got["lon"] - row.geometry.x).min() < 1e-6


def test_district_only_platforms_are_badges_not_points(default_html, platforms):
    only = platforms[platforms["location_precision"] == "district"]
    assert len(only) > 0
    counts = only["district"].value_counts()
    badges = [
        int(n) for n in re.findall(r"white-space:nowrap(?:'>|\\u0027\\u003e)(\d+)(?:</div|\\u003c/div)", default_html)
    ]
    # one badge per district plus the legend's total
    assert sorted(badges) == sorted([*counts.tolist(), len(only)])
    for district, n in counts.items():
        assert json.dumps(f"{district} {n}")[1:-1] in default_html  # listed in the legend (JSON-escaped)


def test_metro_orientation_layer_is_drawn_offline(default_html):
    assert json.dumps("地铁（方位参考）")[1:-1] in default_html or "地铁（方位参考）" in default_html
    assert "官洲站" in default_html
    assert "17512974001/Ranger" in default_html and "HKUST-Trans-Lab" in default_html  # the intercity lines
    assert external_urls(default_html) == []


def test_popup_links_the_location_source_escaped(platforms):
    row = platforms[platforms["location_source"].str.contains("https://", regex=False)].iloc[0].copy()
    popup = platform_popup_html(row, "en")
    assert '<a href="https://' in popup and 'rel="noopener noreferrer"' in popup
    row["location_source"] = "<script>alert(1)</script> https://example.org/x?a=1&b=2"
    popup = platform_popup_html(row, "en")
    assert "<script>" not in popup and "&lt;script&gt;" in popup
    assert 'href="https://example.org/x?a=1&amp;b=2"' in popup
    row["location_source"] = "repo owner/some.repo data/站点.js @ 0123abcd (entry 广纳院)"
    popup = platform_popup_html(row, "en")
    href = "https://github.com/owner/some.repo/blob/0123abcd/data/%E7%AB%99%E7%82%B9.js"
    assert (
        f'<a href="{href}" target="_blank" rel="noopener noreferrer">github.com/owner/some.repo: data/站点.js</a>'
        in popup
    )
    assert "(entry 广纳院)" in popup


def test_estimates_drawn_hollow_and_dashed(default_html):
    assert 'dashArray: est ? "4 3" : null' in default_html
    assert "fillOpacity: est ? 0.06 : 0.85" in default_html


def test_platform_rows_carry_popup_fields(platforms):
    row = platforms.iloc[0]
    rendered = platform_rows(platforms.iloc[[0]], "en")[0]
    assert rendered[0] == pytest.approx(row.geometry.y, abs=1e-6)
    assert rendered[1] == pytest.approx(row.geometry.x, abs=1e-6)
    assert value_label("category", row["category"], "en") in rendered
    assert value_label("level", row["level"], "en") in rendered
    popup = platform_popup_html(row, "zh")
    assert str(row["source_file"]).split("/")[-1][:10] in popup
    assert "政策来源" in popup and "位置精度" in popup


def test_english_popup_names_the_district_in_english(platforms, districts):
    row = platforms[platforms["district"] == "黄埔区"].iloc[0]
    english = districts.loc[districts["name_zh"] == "黄埔区", "name_en"].iloc[0]
    assert f"<td>{english}</td>" in platform_popup_html(row, "en")
    assert "<td>黄埔区</td>" in platform_popup_html(row, "zh")


def test_gcj02_basemap_shifts_every_overlay(platforms, districts):
    wgs = layout_map(platforms=platforms).get_root().render()
    gcj = layout_map(platforms=platforms, basemap="amap_vector").get_root().render()
    layers_w, layers_g = pd.concat(platforms_in_html(wgs)), pd.concat(platforms_in_html(gcj))
    row_w = layers_w.iloc[0]
    row_g = layers_g[layers_g["name_zh"] == row_w["name_zh"]].iloc[0]
    lon, lat = convert(row_w["lon"], row_w["lat"], "wgs84", "gcj02")
    assert row_g["lon"] == pytest.approx(lon, abs=1e-6) and row_g["lat"] == pytest.approx(lat, abs=1e-6)
    row_g, row_w = [row_g["lat"], row_g["lon"]], [row_w["lat"], row_w["lon"]]
    shift_m = np.hypot((row_g[1] - row_w[1]) * 102_000, (row_g[0] - row_w[0]) * 111_000)
    assert 300 < shift_m < 900
    # District polygons move too: the first vertex of the first district differs by the GCJ-02 offset.
    first = districts.geometry.iloc[0].exterior.coords[0]
    glon, glat = convert(first[0], first[1], "wgs84", "gcj02")
    assert f"[{round(glon, 6)}" in gcj.replace(", ", ",").replace("[ ", "[") or f"{glon:.5f}"[:9] in gcj
    assert "webrd0{s}.is.autonavi.com" in gcj and "MiniMap" in gcj.replace("miniMap", "MiniMap")


def test_no_minimap_and_no_tiles_without_basemap(default_html):
    assert "L.Control.MiniMap" not in default_html
    assert "L.tileLayer" not in default_html


def test_tianditu_needs_a_key():
    m = folium.Map(tiles=None)
    assert add_basemap(m, "tianditu_vector") is None
    layer = add_basemap(m, "tianditu_vector", key="abc123")
    assert layer is not None and layer.tiles.endswith("tk=abc123")
    assert "tk=abc123" in m.get_root().render()


def test_every_online_basemap_has_attribution_and_datum():
    for base in BASEMAPS.values():
        assert base.datum in ("wgs84", "gcj02")
        if base.online:
            assert base.attribution and "{z}" in base.tiles
    assert {b.id for b in BASEMAPS.values() if b.datum == "gcj02"} == {"amap_vector", "amap_satellite"}
    assert get_basemap("nope").id == "none"


def test_click_on_gcj02_basemap_converts_back():
    lat, lon = 23.1066, 113.3191
    glon, glat = convert(lon, lat, "wgs84", "gcj02")
    back = point_from_basemap_datum(glat, glon, "amap_satellite")
    assert back == pytest.approx((lat, lon), abs=1e-8)


def test_highlight_layer_rings_selection(platforms):
    group = highlight_layer(platforms.head(3), click=(23.1, 113.3), circle_m=2000)
    html = folium.Map(tiles=None).add_child(group).get_root().render()
    assert html.count("L.circleMarker") == 4 and "L.circle(" in html


def test_english_labels(platforms):
    html = layout_map(platforms=platforms, lang="en").get_root().render()
    assert "Legend" in html and "Districts" in html and "Innovation axis" in html


def test_hulls_and_rings_layers(platforms):
    from gzgeo import analysis

    labelled = analysis.dbscan_clusters(platforms, eps_m=3000, min_samples=3)
    hulls = analysis.cluster_summary(labelled)
    assert len(hulls)  # co-located platforms give point hulls: the map pads them into areas
    band = analysis.buffers(platforms.head(1), 1000)
    band["label"] = "1 km"
    html = layout_map(platforms=platforms, hulls=hulls, rings=band).get_root().render()
    for name in (t("layer_hulls"), t("layer_rings")):  # layer-control names are JSON (\\u-escaped)
        assert json.dumps(name)[1:-1] in html


def test_viewstate_round_trip():
    view = ViewState(
        lang="en",
        basemap="osm",
        layers=("districts", "platforms"),
        filter=PlatformFilter(category=("a",), framework=("1+1+4+4+N",), text="lab"),
        center=(23.2, 113.5),
        zoom=12,
        synthetic=20000,
    )
    query = to_query(view)
    assert query["fw"] == ["1+1+4+4+N"] and query["layers"] == ["districts", "platforms"]
    # The synthetic test-data size never travels in a URL (a URL must not decide the server's work).
    assert "synthetic" not in query
    assert from_query(query) == view.with_(synthetic=0)
    assert from_query(to_query(ViewState(layers=()))).layers == ()
    assert from_query({"lat": "nan", "lon": "113", "z": "abc", "synthetic": "-5"}) == ViewState()


def test_labels_complete():
    for key, (zh, en) in STRINGS.items():
        assert zh and en, key
    for field, values in (("level", LEVELS), ("status", STATUSES), ("location_precision", LOCATION_PRECISIONS)):
        for value in values:
            assert (field, value) in VALUE_LABELS
    colors = category_colors()
    assert colors and all(re.fullmatch(r"#[0-9a-fA-F]{6}", c) for c in colors.values())


def test_prepared_platforms_still_map(platforms):
    prepared = prepare_platforms(platforms)
    html = layout_map(platforms=prepared).get_root().render()
    points = platforms[platforms["location_precision"] != "district"]
    assert sum(len(d) for d in platforms_in_html(html)) == len(points)


def test_rendered_scripts_are_never_evaluated_as_templates():
    # branca compiles each element's finished script as a Jinja template again: "{{ 7 * 7 }}" in data became 49
    # (and cost a third of a rerun at 20,000 platforms). gzgeo's maps keep finished text as text.
    import folium

    m = layout_map(layers=("districts",))
    folium.Marker([23.1, 113.3], tooltip="{{ 7 * 7 }} {% if 1 %}x{% endif %}").add_to(m)
    page = m.get_root().render()
    assert "{{ 7 * 7 }} {% if 1 %}x{% endif %}" in page
    plain = folium.Map(tiles=None)  # other folium maps in the process render as branca does
    folium.Marker([23.1, 113.3], tooltip="{{ 7 * 7 }}").add_to(plain)
    assert "{{ 7 * 7 }}" not in plain.get_root().render()


def test_fixed_layers_on_the_page_match_the_bundled_layers_within_two_metres():
    # The web map writes the fixed layers simplified by 1 m and at 5 decimals (gzgeo.webmap.fixed): every feature
    # is there, with its tooltip fields escaped, and no point of it is more than 2 m from the bundled geometry.
    import geopandas as gpd

    from gzgeo.crs import GUANGZHOU_METRIC_CRS
    from gzgeo.layers import load

    page = layout_map(layers=["districts", "zones", "parts", "cores", "nodes", "axis"]).get_root().render()
    starts = [m.end() for m in re.finditer(r"geo_json_\w+_add\(", page)]
    decoded = [(json.JSONDecoder().raw_decode(page, start), start) for start in starts]
    shipped = [fc for (fc, _), _ in decoded]
    texts = [page[start:end] for (_, end), start in decoded]
    frames = [gpd.GeoDataFrame.from_features(fc["features"], crs=4326) for fc in shipped]
    checked = 0
    for name in ("districts", "zones", "cores", "nodes", "axis"):
        source = load(name).to_crs(GUANGZHOU_METRIC_CRS)
        for _, row in source.iterrows():
            hits = [f[f["name_zh"] == row["name_zh"]] for f in frames if "name_zh" in f]
            hits = [h for h in hits if len(h) == 1]
            assert hits, (name, row["name_zh"])
            drawn = hits[0].to_crs(GUANGZHOU_METRIC_CRS).geometry.iloc[0]
            assert drawn.hausdorff_distance(row.geometry) < 2.0, (name, row["name_zh"])
            assert len(shapely.get_coordinates(drawn)) <= len(shapely.get_coordinates(row.geometry))
            checked += 1
    assert checked >= 25
    coordinates = [c for text in texts for c in re.findall(r'"coordinates":\[[^a-z"]*', text)]
    assert len(coordinates) >= checked  # compact JSON: no blank after a comma, no coordinate past 5 decimals
    assert not any(re.search(r", |\d\.\d{6}", c) for c in coordinates)


# --- district badges and legend against the plain pandas way (as they were built before issue 10's seventh round)


def _plain_district_counts(platforms):
    import geopandas as gpd

    from gzgeo.layers import data_home
    from gzgeo.orientation import _district_points

    mask = (platforms["location_precision"].astype(str) == "district").to_numpy()
    anchor = _district_points(str(data_home()), str(platforms.crs or "EPSG:4326"))
    only = platforms[mask]
    rows = []
    for district, group in only.groupby("district", sort=True):
        point = anchor.get(district)
        if point is None:
            geoms = group.geometry[group.geometry.notna() & ~group.geometry.is_empty]
            point = geoms.iloc[0] if len(geoms) else None
        if point is not None:
            rows.append({"district": district, "n": len(group), "names": group["name_zh"].astype(str).tolist()})
            rows[-1]["geometry"] = point
    columns = ["district", "n", "names", "geometry"]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=platforms.crs or 4326)


def _plain_badge_rows(counts, lang, datum):
    import html

    from gzgeo.orientation import badge_html
    from gzgeo.style import district_name

    rows = []
    for row in counts.itertuples():
        x, y = row.geometry.x, row.geometry.y
        if datum != "wgs84":
            x, y = convert(x, y, "wgs84", datum)
        names = [html.escape(n) for n in row.names[:40]]
        title = html.escape(t("district_only_popup", lang).format(district=district_name(row.district, lang), n=row.n))
        body = "<br>".join(names) + (f"<br>… +{row.n - len(names)}" if row.n > len(names) else "")
        popup = f"<div class='gzgeo-popup'><b>{title}</b><br>{body}</div>"
        rows.append([round(float(y), 6), round(float(x), 6), badge_html(row.n), title, popup])
    return rows


def _plain_category_lines(platforms, lang, colors):
    import html

    from gzgeo.i18n import category_labels
    from gzgeo.pointlayer import _swatch
    from gzgeo.style import FALLBACK_COLOR

    counts = platforms["category"].astype(str).value_counts()
    labels = category_labels(lang)
    lines = [
        f"<div>{_swatch(c)}{html.escape(labels.get(k, k))} <span style='color:#666'>({int(counts[k])})</span></div>"
        for k, c in colors.items()
        if k in counts.index
    ]
    others = [k for k in counts.index if k not in colors]
    return lines + [f"<div>{_swatch(FALLBACK_COLOR)}{html.escape(k)} ({int(counts[k])})</div>" for k in others]


def test_district_badges_and_legend_equal_the_plain_way(platforms):
    import html

    from jinja2.utils import htmlsafe_json_dumps

    from gzgeo.filters import filter_platforms, synthetic_platforms
    from gzgeo.orientation import add_district_badges, district_counts
    from gzgeo.pointlayer import _swatch
    from gzgeo.webmap import legend_html

    many = prepare_platforms(synthetic_platforms(20_000, seed=0))
    cats = list(many["category"].value_counts().index)
    hostile = platforms.copy()
    hostile.loc[hostile.index[:3], "name_zh"] = "<b>x</b> & {{ 7 * 7 }}"
    hostile.loc[hostile.index[:3], "location_precision"] = "district"
    hostile.loc[hostile.index[3], ["location_precision", "district"]] = ["district", None]
    hostile.loc[hostile.index[4], ["location_precision", "district"]] = ["district", "不在表里的区"]
    hostile.loc[hostile.index[5], "category"] = "<i>unknown</i>"
    frames = [platforms, hostile, platforms.iloc[:0], many.iloc[:50]]
    frames += [filter_platforms(many, category=(c,)) for c in cats[:3]]  # their rows come from many's columns
    changed = filter_platforms(many, category=(cats[3],))
    district_counts(changed)  # many's columns kept; then the subset changes: it must count what it holds now
    changed.loc[changed.index[:30], ["location_precision", "name_zh"]] = ["district", "后来改的"]
    frames.append(changed)
    colors = category_colors()
    for i, frame in enumerate(frames):
        lang, datum = ("zh", "wgs84") if i % 2 else ("en", "gcj02")
        plain = _plain_district_counts(frame)
        pd.testing.assert_frame_equal(district_counts(frame), plain, check_exact=True)
        fmap = folium.Map(tiles=None)
        pd.testing.assert_frame_equal(add_district_badges(fmap, frame, lang=lang, datum=datum), plain)
        (group,) = [c for c in fmap._children.values() if isinstance(c, folium.FeatureGroup)]
        (badges,) = group._children.values()
        rows = _plain_badge_rows(plain, lang, datum)
        assert badges.rows_json == htmlsafe_json_dumps(rows, separators=(",", ":"), ensure_ascii=False)
        legend = legend_html(frame, lang, colors, plain)
        lines = _plain_category_lines(frame, lang, colors)
        head = f"<h4>{html.escape(t('legend', lang))}</h4>" + "".join(lines)
        assert legend.startswith(head + f"<div>{_swatch('#555')}{html.escape(t('legend_exact', lang))}</div>")
        if (frame["category"] == "<i>unknown</i>").any():
            assert "&lt;i&gt;unknown&lt;/i&gt; (1)</div>" in legend
