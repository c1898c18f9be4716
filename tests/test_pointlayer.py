"""The platform point layer: payload encoding, escaping, and what the browser draws (standalone HTML)."""

from __future__ import annotations

import gzip
import html
import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from browserhelp import require_chromium
from shapely.geometry import Point

from gzgeo.browser import COUNT_MARKERS_JS, DRAWN_MARKERS_JS, launch_chromium
from gzgeo.filters import synthetic_platforms
from gzgeo.i18n import t, value_label
from gzgeo.maps import layout_map
from gzgeo.pointlayer import (
    _payload,
    add_platform_layers,
    decode_payload,
    platform_payload,
    platform_popup_html,
    platforms_in_html,
    safe_color,
)

HOSTILE = '</script><img src=x onerror="window.pwned=1">"\'&'


def _hostile_platforms() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["h1", "h2"],
            "name_zh": [HOSTILE, "正常平台"],
            "name_en": ["<b>bold</b>", "Plain"],
            "category": ["national_lab", "national_lab"],
            "level": ["national", "provincial"],
            "status": ["operating", "operating"],
            "district": ["黄埔区", "天河区"],
            "address": [HOSTILE, ""],
            "location_precision": ["site", "zone"],
            "location_is_estimate": [False, True],
            "source_file": ["a.pdf", "b.pdf"],
            "source_clause": ["§1", ""],
            "sources": ["c.pdf|a.pdf §1", ""],
        },
        geometry=[Point(113.45, 23.16), Point(113.36, 23.13)],
        crs=4326,
    )


def test_payload_round_trips_every_popup_field(platforms):
    payload, groups = platform_payload(platforms, "en")
    decoded = decode_payload(payload["binary"], payload["table"])
    assert len(decoded) == len(platforms) == groups[-1][2]
    assert [g[1] for g in groups[1:]] == [g[2] for g in groups[:-1]]  # contiguous category ranges
    # An English map carries the English names only (every bundled platform has one).
    assert set(decoded["name_en"]) == set(platforms["name_en"]) and set(decoded["name_zh"]) == {""}
    by_name = platforms.set_index("name_en")
    for _, row in decoded.iterrows():
        src = by_name.loc[row["name_en"]]
        src = src.iloc[0] if isinstance(src, pd.DataFrame) else src
        assert abs(row["lat"] - src.geometry.y) < 1e-6 and abs(row["lon"] - src.geometry.x) < 1e-6
        assert row["estimate"] == bool(src["location_is_estimate"])
        assert row["category"] == value_label("category", src["category"], "en")
        assert row["level"] == value_label("level", src["level"], "en")
        # The server-side popup (escaped HTML) shows the same values the browser fills in as text.
        popup = platform_popup_html(src, "en")
        for field in ("category", "level", "status", "district", "address"):
            assert f"<td>{html.escape(row[field])}</td>" in popup
        assert html.escape(row["sources"].split("\n")[0]) in popup
    assert decoded.attrs["labels"]["sources"] == t("sources", "en")


def test_hostile_strings_never_reach_the_page_as_markup():
    page = layout_map(platforms=_hostile_platforms()).get_root().render()
    assert "onerror" not in page and "<b>bold</b>" not in page
    decoded = pd.concat(platforms_in_html(page))
    assert HOSTILE in set(decoded["name_zh"]) and HOSTILE in set(decoded["address"])
    assert "c.pdf" in decoded.loc[decoded["name_zh"] == HOSTILE, "sources"].iloc[0]


def test_colours_are_validated():
    assert safe_color("#A1b2C3") == "#A1b2C3"
    for bad in ("red", "#12345", "#1234567", "#12345g", "#fff;background:url(//x)", None, 3):
        assert safe_color(bad) == "#333333"
    import folium

    m = folium.Map(tiles=None)
    layers = add_platform_layers(m, _hostile_platforms(), colors={"national_lab": "red;x:expression(1)"})
    assert layers[0].js_options["color"] == "#333333"
    assert "expression" not in m.get_root().render()


def test_many_distinct_values_travel_as_strings():
    fake = synthetic_platforms(600, seed=3)
    fake["address"] = [f"路 {i} 号" for i in range(len(fake))]  # > 255 distinct: not a 1-byte code
    payload, _ = platform_payload(fake, "zh")
    decoded = decode_payload(payload["binary"], payload["table"])
    assert sorted(decoded["address"]) == sorted(fake["address"])


def test_datum_shift_and_empty_geometries():
    g = _hostile_platforms()
    g.loc[len(g)] = {**g.iloc[0].to_dict(), "name_zh": "无位置", "geometry": None}
    g = gpd.GeoDataFrame(g, geometry="geometry", crs=4326)
    payload, groups = platform_payload(g, "zh", datum="gcj02")
    decoded = decode_payload(payload["binary"], payload["table"])
    assert len(decoded) == 2 and "无位置" not in set(decoded["name_zh"])
    shift = decoded.loc[decoded["name_zh"] == "正常平台", "lon"].iloc[0] - 113.36
    assert 0.004 < shift < 0.007  # GCJ-02 is ~550 m east of WGS-84 here


# --- the payload against the plain pandas way (the way it was built before issue 10's seventh round) --------


def _plain_text(frame, name):
    if name not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    col = frame[name]
    if pd.api.types.is_float_dtype(col.dtype) or col.dtype == object:
        return col.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    return col.astype("string").fillna("").astype(object)


def _plain_stems(names):
    # The shortest stem before a number of 1-9 digits without a leading zero; a stem ending in a digit other than
    # 0 means the name's trailing number is longer than that: then no number.
    split = [re.fullmatch(r"(.*?)([1-9][0-9]{0,8}|0)?", name, re.S).groups() for name in names]
    pairs = [(s, int(k)) if k is not None and not re.search(r"[1-9]0*\Z", s) else (s + (k or ""), -1) for s, k in split]
    stems = [s for s, _ in pairs]
    numbers = [k for _, k in pairs]
    codes, uniques = pd.factorize(pd.Series(stems, dtype=object))
    if len(uniques) > 255:
        return None
    return codes.astype(np.uint8), list(uniques), np.asarray(numbers, dtype="<i4")


def _plain_payload(platforms, lang, datum="wgs84", order=()):
    from gzgeo.crs import convert
    from gzgeo.packtext import pack7
    from gzgeo.pointlayer import RAW_PAYLOAD_BYTES
    from gzgeo.style import district_name

    fields_ = ["category", "level", "status", "district", "address", "location_precision", "location_source"]
    fields_.append("sources")
    valid = platforms[platforms.geometry.notna() & ~platforms.geometry.is_empty]
    lon, lat = valid.geometry.x.to_numpy(), valid.geometry.y.to_numpy()
    if datum != "wgs84" and len(valid):
        lon, lat = convert(lon, lat, "wgs84", datum)
    categories = _plain_text(valid, "category").to_numpy()
    rank = {c: i for i, c in enumerate(order)}
    present = sorted(set(categories), key=lambda c: (rank.get(c, len(rank)), c))
    cat_rank = pd.Categorical(categories, categories=present).codes.astype(np.int64)
    ilat = np.round(np.asarray(lat, dtype=float) * 1e6).astype(np.int64)
    ilon = np.round(np.asarray(lon, dtype=float) * 1e6).astype(np.int64)
    perm = np.lexsort((ilat, cat_rank))
    frame = valid.iloc[perm]
    ilat, ilon = ilat[perm], ilon[perm]
    estimate = (
        frame["location_is_estimate"].fillna(False).to_numpy(dtype=bool)
        if "location_is_estimate" in frame
        else np.zeros(len(frame), dtype=bool)
    )
    counts = np.bincount(cat_rank[perm], minlength=len(present)) if len(frame) else np.zeros(len(present), int)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    groups = [(c, int(bounds[i]), int(bounds[i + 1])) for i, c in enumerate(present)]
    first, second = ("name_en", "name_zh") if lang == "en" else ("name_zh", "name_en")
    strings = {first: _plain_text(frame, first).tolist()}
    missing = (_plain_text(frame, first) == "").to_numpy()
    if missing.any():
        strings[second] = _plain_text(frame, second).where(missing, "").tolist()
    ints = np.concatenate([np.diff(ilat, prepend=0), ilon]).astype("<i4")
    arrays = [ints.view(np.uint8).reshape(-1, 4).T.tobytes(), estimate.astype(np.uint8).tobytes()]
    coded, dicts, fields = [], {}, []
    for field in fields_:
        if field == "sources":
            own = (_plain_text(frame, "source_file") + " " + _plain_text(frame, "source_clause")).str.strip()
            values = [
                "\n".join(s for s in dict.fromkeys([a, *b.split("|")]) if s) if b else a
                for a, b in zip(own, _plain_text(frame, "sources"), strict=True)
            ]
            values = pd.Series(values, dtype=object)
        else:
            values = _plain_text(frame, field)
        label = t(field, lang)
        codes, uniques = pd.factorize(values)
        if len(uniques) > 255:
            strings[field] = values.tolist()
            fields.append([label, "string", field])
            continue
        uniques = [str(u) for u in uniques]
        if field == "district":
            uniques = [district_name(u, lang) for u in uniques]
        elif field not in ("address", "sources"):
            uniques = [value_label(field, u, lang) for u in uniques]
        coded.append(field)
        dicts[field] = uniques
        arrays.append(codes.astype(np.uint8).tobytes())
        fields.append([label, "code", field])
    stems = {}
    for key in list(strings):
        split = _plain_stems(strings[key])
        if split is not None:
            del strings[key]
            stems[key] = split[1]
            arrays += [split[0].tobytes(), split[2].view(np.uint8).reshape(-1, 4).T.tobytes()]
    table = {"n": len(frame), "fields": fields, "coded": coded, "dicts": dicts, "strings": strings}
    table.update({"stems": stems, "estimate": t("estimate", lang), "sep": "\n"})
    binary = b"".join(arrays)
    text = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    compress = len(binary) + len(text) > RAW_PAYLOAD_BYTES

    def pack(data):
        return pack7(gzip.compress(data, compresslevel=5, mtime=0) if compress else data)

    return {"binary": pack(binary), "table": pack(text), "n": len(frame), "gzip": compress}, groups


def _payload_cases(platforms):
    from gzgeo._framecache import source_rows
    from gzgeo._framecache import subset as take_rows
    from gzgeo.filters import filter_platforms, prepare_platforms
    from gzgeo.orientation import district_only

    many = prepare_platforms(synthetic_platforms(20_000, seed=0))
    cats = list(many["category"].value_counts().index)
    hostile = _hostile_platforms()
    hostile.loc[len(hostile)] = {
        **hostile.iloc[0].to_dict(),
        "name_zh": "",
        "name_en": "Only English 7",
        "geometry": None,
    }
    hostile = gpd.GeoDataFrame(hostile, geometry="geometry", crs=4326)
    yield platforms, ("zh", "wgs84")
    yield platforms[~district_only(platforms)], ("en", "gcj02")
    yield hostile, ("zh", "gcj02")
    yield hostile.iloc[:0], ("en", "wgs84")
    for cat in cats[:3]:
        subset = filter_platforms(many, category=(cat,))
        yield subset[~district_only(subset)], ("zh", "wgs84")
    subset = filter_platforms(many, category=tuple(cats[:2]))
    subset = subset.assign(sources=np.where(np.arange(len(subset)) % 3 == 0, "x.pdf|synthetic", ""))
    yield subset, ("en", "gcj02")
    yield many.iloc[:3000], ("zh", "wgs84")  # gzip'ed
    # Subsets that take their rows from per-frame values of the frame they were filtered from (as in the app).
    for cat in cats[3:5]:
        filtered = filter_platforms(many, category=(cat,))
        assert source_rows(filtered) is not None
        located = take_rows(filtered, ~district_only(filtered).to_numpy())
        assert source_rows(located)[0] is many
        yield filtered, ("en", "wgs84")
        yield located, ("zh", "gcj02")
        yield filtered, ("zh", "wgs84", ~district_only(filtered).to_numpy())  # the map's way: rows by mask
    rich = prepare_platforms(synthetic_platforms(3000, seed=5))
    rich["sources"] = np.where(np.arange(len(rich)) % 4 == 0, "x.pdf|synthetic|y.pdf", "")
    rich["address"] = [f"路 {i % 300} 号" for i in range(len(rich))]  # > 255 distinct: strings, split by number
    rich.loc[rich.index[::7], "name_en"] = ""  # some without an English name: their Chinese one travels
    filtered = filter_platforms(rich, level=("national", "provincial"))
    yield filtered, ("en", "wgs84")
    payload = platform_payload(filtered, "zh")  # values kept for rich; then rich and the subset change
    rich.loc[rich.index[:50], "name_zh"] = "改过的名字"
    yield filter_platforms(rich, level=("national",)), ("zh", "wgs84")
    assert source_rows(filtered) is None  # its frame changed: it no longer takes rows from it
    yield filtered, ("zh", "wgs84")
    changed = filter_platforms(rich, level=("provincial",))
    changed.loc[changed.index[:20], "category"] = "changed_after_filtering"
    assert source_rows(changed) is None
    yield changed, ("en", "wgs84")
    assert payload[0]["n"] == len(filtered)


def test_payload_is_byte_identical_to_the_plain_way(platforms):
    from gzgeo.style import category_colors

    order = list(category_colors())
    for frame, (lang, datum, *where) in _payload_cases(platforms):
        if where:  # the rows where the mask holds, without taking them as a frame first
            fast = _payload(frame, where[0], lang, datum, order)
            frame = frame[where[0]]
        else:
            fast = platform_payload(frame, lang, datum, order=order)
        assert fast == _plain_payload(frame, lang, datum, order=order)
        assert fast[0]["n"] == len(decode_payload(fast[0]["binary"], fast[0]["table"]))


# --- in the browser -----------------------------------------------------------------------------------------

browser_only = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


def _open(chromium, tmp_path, platforms, **kwargs):
    path = tmp_path / "map.html"
    path.write_text(layout_map(platforms=platforms, **kwargs).get_root().render(), encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_function(f"({COUNT_MARKERS_JS})() >= 0", timeout=60_000)
    return page


_MAP = "Object.values(window).find(v => v instanceof L.Map)"


@browser_only
def test_cluster_counts_add_up_and_every_point_is_a_marker_at_high_zoom(chromium, tmp_path):
    fake = synthetic_platforms(5000, seed=2)
    fake = fake[fake["location_precision"] != "district"]  # district-only ones are badges, not points
    assert len(fake) > 4000
    page = _open(chromium, tmp_path, fake)
    assert page.evaluate(COUNT_MARKERS_JS) == len(fake)
    drawn = page.evaluate(DRAWN_MARKERS_JS)
    # The whole city is in view at the start: badges and single markers together count every platform.
    assert drawn["clustered"] + drawn["points"] == len(fake)
    assert drawn["clusters"] > 0 and page.locator(".gzgeo-cluster").count() == drawn["clusters"]
    badge_total = sum(int(x) for x in page.locator(".gzgeo-cluster").all_inner_texts())
    assert badge_total == drawn["clustered"]
    # At zoom 16 nothing is clustered: every platform inside the view is one marker.
    lat, lon = float(fake.geometry.y.iloc[0]), float(fake.geometry.x.iloc[0])
    page.evaluate(f"void {_MAP}.setView([{lat}, {lon}], 16, {{animate: false}})")
    page.wait_for_timeout(300)
    drawn = page.evaluate(DRAWN_MARKERS_JS)
    bounds = page.evaluate(
        f"(() => {{ const b = {_MAP}.getBounds().pad(0.25); "
        "return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; })()"
    )
    x, y = fake.geometry.x.to_numpy(), fake.geometry.y.to_numpy()
    inside = int(((y >= bounds[0]) & (y <= bounds[2]) & (x >= bounds[1]) & (x <= bounds[3])).sum())
    assert drawn["clusters"] == 0 and drawn["points"] == inside >= 1
    assert page.errors == []
    page.close()


@browser_only
def test_popup_tooltip_and_estimate_symbol_in_the_browser(chromium, tmp_path):
    page = _open(chromium, tmp_path, _hostile_platforms(), lang="en", zoom=16, center=(23.16, 113.45))
    assert page.evaluate(DRAWN_MARKERS_JS)["points"] >= 1
    # Open the hostile platform's popup: its name shows as text, no element is injected.
    opened = page.evaluate(f"""(() => {{
        let done = false;
        {_MAP}.eachLayer(l => {{ if (!done && l.options && l.options.gzgeoIndex !== undefined && l.getPopup()) {{
            l.openPopup(); done = true; }} }});
        return done; }})()""")
    assert opened
    popup = page.locator(".gzgeo-popup")
    text = popup.inner_text()
    assert HOSTILE in text and "<b>bold</b>" in text
    assert "National" in text and "Huangpu" in text and "c.pdf" in text and "a.pdf §1" in text
    assert popup.locator("img").count() == 0 and page.evaluate("window.pwned === undefined")
    # Precise platforms are filled, estimates hollow and dashed.
    styles = page.evaluate(f"""(() => {{ const out = [];
        {_MAP}.eachLayer(l => {{ if (l.options && l.options.gzgeoIndex !== undefined)
            out.push([l.options.fillOpacity, l.options.dashArray]); }});
        return out; }})()""")
    page.evaluate(f"void {_MAP}.setView([23.13, 113.36], 16, {{animate: false}})")
    page.wait_for_timeout(300)
    styles += page.evaluate(f"""(() => {{ const out = [];
        {_MAP}.eachLayer(l => {{ if (l.options && l.options.gzgeoIndex !== undefined)
            out.push([l.options.fillOpacity, l.options.dashArray]); }});
        return out; }})()""")
    assert [0.85, None] in styles and [0.06, "4 3"] in styles
    page.evaluate(f"""(() => {{ {_MAP}.eachLayer(l => {{ if (l.options && l.options.gzgeoIndex !== undefined)
        l.openPopup(); }}); }})()""")
    estimate = page.locator(".gzgeo-popup .gzgeo-estimate").inner_text()
    assert t("estimate", "en") in estimate
    assert page.errors == []
    page.close()


@browser_only
def test_popup_links_pages_and_cited_repositories_as_python_does(chromium, tmp_path):
    from gzgeo.orientation import source_links

    source = (
        "repo 17512974001/Ranger data/bus_stops.js @ 9e10358ffd38a609a92f23429c2e06a432167e63 (stop 广纳院总站); "
        "https://example.org/p?a=1&b=<x>; repo MySxan/university-geocoder univ_supp.json (entry 广州大学)"
    )
    platforms = _hostile_platforms().iloc[:1].copy()
    platforms["location_source"] = source
    page = _open(chromium, tmp_path, platforms, lang="en", zoom=16, center=(23.16, 113.45))
    page.evaluate(f"""(() => {{ {_MAP}.eachLayer(l => {{ if (l.options && l.options.gzgeoIndex !== undefined)
        l.openPopup(); }}); }})()""")
    links = page.locator(".gzgeo-popup a").evaluate_all("as => as.map(a => [a.getAttribute('href'), a.textContent])")
    expected = [[href, label] for kind, href, label in source_links(source) if href]
    assert links == expected and len(links) == 3
    assert links[0][0] == (
        "https://github.com/17512974001/Ranger/blob/9e10358ffd38a609a92f23429c2e06a432167e63/data/bus_stops.js"
    )
    assert links[2][0] == "https://github.com/MySxan/university-geocoder/blob/HEAD/univ_supp.json"
    assert "(stop 广纳院总站)" in page.locator(".gzgeo-popup").inner_text()
    assert page.errors == []
    page.close()


@browser_only
def test_category_toggle_hides_its_platforms(chromium, tmp_path, platforms):
    platforms = platforms[platforms["location_precision"] != "district"]  # district-only ones are badges
    page = _open(chromium, tmp_path, platforms)
    total = page.evaluate(COUNT_MARKERS_JS)
    assert total == len(platforms)
    first = page.locator(".leaflet-control-layers-overlays label").filter(has_text=re.compile(r"\(\d+\)$")).first
    count = int(re.search(r"\((\d+)\)$", first.inner_text().strip()).group(1))
    page.locator(".leaflet-control-layers").hover()
    first.locator("input").uncheck()
    page.wait_for_timeout(200)
    assert page.evaluate(COUNT_MARKERS_JS) == total - count
    assert np.isclose(page.evaluate(DRAWN_MARKERS_JS)["size"], total - count)
    page.close()


@browser_only
def test_browser_unpacks_pack7_text_byte_for_byte(chromium, tmp_path):
    from gzgeo.packtext import pack7

    page = _open(chromium, tmp_path, _hostile_platforms())
    rng = np.random.default_rng(5)
    cases = [rng.integers(0, 256, n, dtype=np.uint8).tobytes() for n in (0, 1, 6, 7, 8, 13, 1000, 65_537)]
    cases += [bytes(300), b'"\\<&' * 100]
    for data in cases:
        got = page.evaluate("t => Array.from(gzgeoPlatforms.unpack7(t))", pack7(data))
        assert bytes(got) == data
    page.close()


@browser_only
def test_payload_compressed_or_not_shows_every_platform(chromium, tmp_path):
    # Above gzgeo.pointlayer.RAW_PAYLOAD_BYTES the payload is gzip'ed (DecompressionStream), below it is not.
    big = synthetic_platforms(6000, seed=4)
    big = big[big["location_precision"] != "district"]
    small = big.head(40)
    for frame, compressed in ((big, True), (small, False)):
        payload, _ = platform_payload(frame)
        assert payload["gzip"] is compressed
        page = _open(chromium, tmp_path, frame)
        assert page.evaluate(COUNT_MARKERS_JS) == len(frame)
        drawn = page.evaluate(DRAWN_MARKERS_JS)
        assert drawn["clustered"] + drawn["points"] == len(frame)
        assert page.errors == []
        page.close()


@browser_only
def test_without_decompression_stream_small_maps_work_and_large_ones_say_why(chromium, tmp_path):
    no_stream = "delete window.DecompressionStream;"
    small = _hostile_platforms()
    path = tmp_path / "small.html"
    path.write_text(layout_map(platforms=small, zoom=16, center=(23.16, 113.45)).get_root().render(), encoding="utf-8")
    page = chromium.new_page()
    page.add_init_script(no_stream)
    page.goto(path.as_uri())
    page.wait_for_function(f"({COUNT_MARKERS_JS})() >= 0", timeout=60_000)
    assert page.evaluate("typeof DecompressionStream") == "undefined"
    assert page.evaluate(COUNT_MARKERS_JS) == len(small)
    assert page.locator(".gzgeo-platforms-error").count() == 0
    page.close()

    big = synthetic_platforms(6000, seed=6)
    path = tmp_path / "big.html"
    path.write_text(layout_map(platforms=big).get_root().render(), encoding="utf-8")
    page = chromium.new_page()
    page.add_init_script(no_stream)
    page.goto(path.as_uri())
    message = page.locator(".gzgeo-platforms-error")
    message.wait_for(timeout=60_000)
    assert message.count() == 1  # once per map, not once per category layer
    assert "DecompressionStream" not in message.inner_text() and "Chrome" in message.inner_text()
    assert "此浏览器无法解压平台数据" in message.inner_text()
    page.close()


def _three_names() -> gpd.GeoDataFrame:
    """Three platforms a few hundred metres apart; the third has no English name."""
    g = _hostile_platforms().iloc[[1, 1, 1]].reset_index(drop=True)
    g["id"] = ["n1", "n2", "n3"]
    g["name_zh"] = ["甲实验室", "乙中心", "丙平台"]
    g["name_en"] = ["Lab A", "Centre B", ""]
    g["geometry"] = [Point(113.360, 23.130), Point(113.362, 23.131), Point(113.361, 23.129)]
    return gpd.GeoDataFrame(g, geometry="geometry", crs=4326)


@browser_only
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_the_names_of_its_language(chromium, tmp_path, lang):
    g = _three_names()
    expected = ["甲实验室", "乙中心", "丙平台"] if lang == "zh" else ["Lab A", "Centre B", "丙平台"]
    other = {"Lab A", "Centre B"} if lang == "zh" else {"甲实验室", "乙中心"}
    page_html = layout_map(platforms=g, lang=lang).get_root().render()
    decoded = pd.concat(platforms_in_html(page_html))
    shipped = set(decoded["name_zh"]) | set(decoded["name_en"])
    assert set(expected) <= shipped and not other & shipped  # the other language's names are not in the page
    page = _open(chromium, tmp_path, g, lang=lang, zoom=16, center=(23.130, 113.361))
    assert page.evaluate(DRAWN_MARKERS_JS)["points"] == 3
    tooltips = page.evaluate(f"""(() => {{ const out = [];
        {_MAP}.eachLayer(l => {{ if (l.options && l.options.gzgeoIndex !== undefined)
            out.push(l.getTooltip().getContent().textContent); }});
        return out; }})()""")
    assert sorted(tooltips) == sorted(expected)
    page.evaluate(f"""(() => {{ {_MAP}.eachLayer(l => {{ if (l.options && l.options.gzgeoIndex !== undefined
        && l.getTooltip().getContent().textContent === {expected[0]!r}) l.openPopup(); }}); }})()""")
    assert page.locator(".gzgeo-popup b").first.inner_text() == expected[0]
    assert page.errors == []
    page.close()


@browser_only
def test_browser_decodes_numbered_names_like_python(chromium, tmp_path):
    # Synthetic names ("Synthetic platform 123") travel as a stem code and a number: the browser rebuilds them.
    fake = synthetic_platforms(6000, seed=5)
    fake = fake[fake["location_precision"] != "district"]
    page = _open(chromium, tmp_path, fake, lang="en")
    page_html = (tmp_path / "map.html").read_text(encoding="utf-8")
    data = re.search(r"var (platform_data_\w+) = gzgeoPlatforms\.decode", page_html).group(1)
    names = page.evaluate(f"{data}.then(d => d.meta.strings.name_en)")
    decoded = pd.concat(platforms_in_html(page_html))
    assert names == decoded["name_en"].tolist() and sorted(names) == sorted(fake["name_en"])
    page.close()


@browser_only
def test_thematic_layers_render_every_feature(chromium, tmp_path):
    wanted = ["districts", "zones", "parts", "cores", "nodes", "axis", "metro"]
    page = _open(chromium, tmp_path, _hostile_platforms(), layers=wanted)
    page_html = (tmp_path / "map.html").read_text(encoding="utf-8")
    shipped = {}
    for match in re.finditer(r"(geo_json_\w+)_add\(", page_html):
        shipped[match.group(1)] = len(json.JSONDecoder().raw_decode(page_html, match.end())[0]["features"])
    drawn = page.evaluate(
        "Object.fromEntries(Object.entries(window).filter(([k, v]) => v instanceof L.GeoJSON)"
        ".map(([k, v]) => [k, v.getLayers().length]))"
    )
    assert drawn == shipped and sum(drawn.values()) >= 25
    assert page.evaluate(
        f"Object.values(window).filter(v => v instanceof L.GeoJSON && {_MAP}.hasLayer(v)).length"
    ) == len(shipped)
    assert page.errors == []
    page.close()
