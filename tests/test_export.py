"""Data exports read back by independent readers (GDAL's ogrinfo, pandas, a headless browser) and export_bytes."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import gzgeo
from gzgeo.browser import find_chromium, launch_chromium
from gzgeo.crs import convert
from gzgeo.export import (
    EXPORT_FORMATS,
    UnknownZoneError,
    export_bytes,
    platforms_table,
    resolve_zone,
    select_platforms,
    write_csv,
    write_geojson,
    write_geopackage,
    write_html,
)
from gzgeo.offline import external_urls

SPATIAL = [n for n, s in gzgeo.LAYERS.items() if s.is_spatial]
TABLES = [n for n, s in gzgeo.LAYERS.items() if not s.is_spatial]


def _ogrinfo(path: Path) -> dict[str, dict]:
    """Layer name -> {count, geometry, epsg} from ``ogrinfo -so -al`` (GDAL ≥ 3.6 text output)."""
    exe = shutil.which("ogrinfo")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("ogrinfo missing: install Debian's gdal-bin")
        pytest.skip("ogrinfo (gdal-bin) not installed")
    out = subprocess.run([exe, "-so", "-al", str(path)], capture_output=True, text=True, check=True).stdout
    layers: dict[str, dict] = {}
    for block in re.split(r"\n(?=Layer name: )", out):
        name = re.search(r"Layer name: (.+)", block)
        if not name:
            continue
        count = re.search(r"Feature Count: (\d+)", block)
        geometry = re.search(r"Geometry: (.+)", block)
        epsg = re.findall(r'ID\["EPSG",(\d+)\]\]\s*$', block, flags=re.MULTILINE)
        layers[name.group(1).strip()] = {
            "count": int(count.group(1)) if count else None,
            "geometry": geometry.group(1).strip() if geometry else None,
            "epsg": int(epsg[-1]) if epsg else None,
        }
    return layers


def test_geopackage_holds_every_layer_in_wgs84(tmp_path):
    path = write_geopackage(tmp_path / "gz.gpkg")
    layers = _ogrinfo(path)
    for name in SPATIAL:
        assert layers[name]["count"] == len(gzgeo.load(name)), name
        assert layers[name]["epsg"] == 4326, name
    for name in TABLES:
        assert layers[name]["count"] == len(gzgeo.load(name)), name
        assert layers[name]["geometry"] == "None", name
    assert layers["platforms"]["geometry"] == "Point"


def test_geopackage_of_a_filtered_selection(tmp_path, zones):
    zone = zones[zones["parent"] == ""].iloc[0]
    subset = select_platforms(zone=zone["name_zh"])
    assert 0 < len(subset) < len(gzgeo.load("platforms"))
    layers = _ogrinfo(write_geopackage(tmp_path / "f.gpkg", platforms=subset, layers=["platforms", "zones"]))
    assert set(layers) == {"platforms", "zones"}
    assert layers["platforms"]["count"] == len(subset)


def test_geojson_and_its_coordinates(tmp_path, platforms):
    path = write_geojson(tmp_path / "p.geojson")
    layers = _ogrinfo(path)
    (info,) = layers.values()
    assert info["count"] == len(platforms) and info["epsg"] == 4326
    doc = json.loads(path.read_text(encoding="utf-8"))
    first = doc["features"][0]["geometry"]["coordinates"]
    assert first == pytest.approx([platforms.geometry.iloc[0].x, platforms.geometry.iloc[0].y], abs=1e-6)
    zones_path = write_geojson(tmp_path / "z.geojson", layer="zones")
    assert len(json.loads(zones_path.read_text(encoding="utf-8"))["features"]) == len(gzgeo.load("zones"))
    with pytest.raises(ValueError, match="valid"):
        write_geojson(tmp_path / "x.geojson", layer="targets")


def test_csv_wgs84_and_gcj02_columns(tmp_path, platforms):
    table = pd.read_csv(write_csv(tmp_path / "p.csv", gcj02=True), encoding="utf-8-sig")
    assert len(table) == len(platforms)
    assert np.allclose(table["lon"], platforms.geometry.x, atol=1e-6)
    assert np.allclose(table["lat"], platforms.geometry.y, atol=1e-6)
    back_lon, back_lat = convert(table["lon_gcj02"].to_numpy(), table["lat_gcj02"].to_numpy(), "gcj02", "wgs84")
    assert np.allclose(back_lon, table["lon"], atol=2e-7) and np.allclose(back_lat, table["lat"], atol=2e-7)
    shift_m = np.hypot((table["lon_gcj02"] - table["lon"]) * 102_000, (table["lat_gcj02"] - table["lat"]) * 111_000)
    assert ((shift_m > 200) & (shift_m < 1000)).all()  # GCJ-02 is a few hundred metres off in Guangzhou
    assert table["name_zh"].iloc[0] == platforms["name_zh"].iloc[0]  # UTF-8 Chinese survives
    assert "lon_gcj02" not in platforms_table().columns


def test_select_platforms_by_names(platforms):
    category = gzgeo.load("categories").iloc[0]
    by_id = select_platforms(category=category["id"])
    assert len(by_id) == int((platforms["category"] == category["id"]).sum())
    assert len(select_platforms(category=category["name_zh"])) == len(by_id)
    district = gzgeo.load("districts").set_index("name_zh").loc[platforms["district"].iloc[0]]
    assert len(select_platforms(district=district["name_en"])) == int((platforms["district"] == district.name).sum())
    with pytest.raises(ValueError, match="valid"):
        select_platforms(category="no-such-category")


def test_resolve_zone_by_id_and_names(zones):
    row = zones.iloc[0]
    for key in (row["id"], row["name_zh"], row["name_en"], f"  {row['name_en'].upper()} "):
        assert resolve_zone(key)["id"] == row["id"]
    with pytest.raises(UnknownZoneError) as info:
        resolve_zone("atlantis")
    assert all(zone_id in str(info.value) for zone_id in zones["id"])


def test_export_bytes_every_format(platforms):
    subset = platforms.iloc[:5]
    magic = {"png": b"\x89PNG", "pdf": b"%PDF", "pptx": b"PK", "gpkg": b"SQLite format 3"}
    for fmt, (ext, mime) in EXPORT_FORMATS.items():
        options = {"presets": ("overview",), "zone_maps": False} if fmt == "pptx" else {}
        data, name, got_mime = export_bytes(fmt, platforms=subset, **options)
        assert name.endswith(ext) and got_mime == mime, fmt
        assert data.startswith(magic.get(fmt, b"")), fmt
        if fmt == "png":
            assert Image.open(io.BytesIO(data)).size >= (1920, 1080)
        if fmt == "csv":
            assert len(pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")) == 5
        if fmt == "geojson":
            assert len(json.loads(data)["features"]) == 5
        if fmt in ("svg", "html"):
            assert b"<svg" in data[:2000] or b"<html" in data.lower()[:2000] or b"<!DOCTYPE" in data[:200]
    assert export_bytes("csv", filename="x.csv")[1] == "x.csv"
    with pytest.raises(ValueError, match="valid"):
        export_bytes("shp")


def _need_browser() -> None:
    if find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium missing: install Debian's chromium")
        pytest.skip("Chromium not installed")


@pytest.mark.browser
def test_standalone_html_opens_with_no_network(tmp_path, platforms):
    _need_browser()
    from playwright.sync_api import sync_playwright

    path = write_html(tmp_path / "map.html")
    html = path.read_text(encoding="utf-8")
    assert external_urls(html) == []
    attempted: list[str] = []

    def refuse(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.route("**/*", refuse)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_selector(".leaflet-container", timeout=20_000)
            page.wait_for_selector(".leaflet-overlay-pane", state="attached", timeout=20_000)
            assert page.locator(".leaflet-container").count() == 1
            assert page.evaluate("() => typeof L === 'object' && !!L.Map")
        finally:
            browser.close()
    assert attempted == []
    assert errors == []


@pytest.mark.browser
def test_snapshot_png_of_the_interactive_map():
    _need_browser()
    from gzgeo.snapshot import snapshot_png

    data = snapshot_png(width=800, height=450, scale=2)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (1600, 900)
    assert np.asarray(image, dtype=float).std() > 10  # polygons drawn, not a blank grey tile pane


@pytest.mark.browser
def test_snapshot_captures_the_view_it_is_given():
    _need_browser()
    from gzgeo.maps import layout_map
    from gzgeo.snapshot import snapshot_png

    def zone_fill_share(**view) -> float:
        data = snapshot_png(layout_map(layers=("districts", "zones")), width=640, height=360, scale=1, **view)
        rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=int)
        assert rgb.shape == (360, 640, 3)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        return float(((r - g > 12) & (r - b > 5) & (r > 200)).mean())  # the zones' pink fill

    whole = zone_fill_share()
    nansha = zone_fill_share(center=(22.75, 113.58), zoom=12)  # zoomed in on 南沙科学城 (≈100 km²)
    assert nansha > 3 * whole  # the zone fills much of the zoomed view, a small part of the city view
