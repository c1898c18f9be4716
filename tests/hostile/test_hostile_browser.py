"""In a real browser (Debian's Chromium via Playwright): markup in every text field of every layer never runs.

The exported standalone map (the same :func:`gzgeo.layout_map` the app shows) is built from data whose every
text field carries a script payload; every tooltip and popup of every layer (polygons, axis, platform markers
inside clusters, hulls, rings, selection) is rendered into the page, then we check that no payload ran.
A positive control proves the detector sees a payload that does run.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
from browserhelp import require_chromium
from hostile_data import PAYLOADS, poison_every_text
from shapely.geometry import Point

import gzgeo
from gzgeo.browser import COUNT_MARKERS_JS, launch_chromium

pytestmark = pytest.mark.browser

require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")

# Render every tooltip and popup of every layer (including markers hidden in clusters) into the page.
OPEN_ALL = """() => {
    const maps = Object.keys(window).filter(k => k.startsWith("map_") && window[k] instanceof L.Map)
        .map(k => window[k]);
    const sink = document.createElement("div");
    document.body.appendChild(sink);
    let n = 0;
    const failures = [];
    const seen = new Set();
    function show(holder, layer) {
        if (!holder) return;
        try {
            let c = holder._content;
            if (typeof c === "function") c = c(layer);
            if (c instanceof HTMLElement) c = c.outerHTML;
            sink.insertAdjacentHTML("beforeend", "<div>" + String(c) + "</div>");
            n++;
        } catch (e) { failures.push(String(e)); }
    }
    // A GeoJSON group binds one tooltip whose content function reads each feature layer.
    function visit(layer, tooltip, popup) {
        if (seen.has(layer)) return;
        seen.add(layer);
        const t = (layer.getTooltip && layer.getTooltip()) || tooltip;
        const p = (layer.getPopup && layer.getPopup()) || popup;
        if (layer.getLayers) { layer.getLayers().forEach(l => visit(l, t, p)); return; }
        show(t, layer);
        show(p, layer);
    }
    maps.forEach(m => m.eachLayer(l => visit(l, null, null)));
    // gzgeo's platform layers draw only what is in view: build every platform's tooltip and popup.
    maps.forEach(m => m.eachLayer(l => {
        if (!l.gzgeoPlatforms || !l._data) return;
        for (let i = l.options.start; i < l.options.end; i++) {
            show({_content: gzgeoPlatforms.tooltip(l._data, i)}, l);
            show({_content: gzgeoPlatforms.popup(l._data, i)}, l);
        }
    }));
    return {opened: n, failures: failures.slice(0, 3), text: sink.textContent};
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


def _poisoned_page(home, payload, tmp_path):
    poison_every_text(home, payload)
    platforms = gzgeo.load("platforms")
    hulls = gpd.GeoDataFrame(
        {"cluster": [payload], "n_points": [3]}, geometry=[Point(113.45, 23.2).buffer(0.02)], crs=4326
    )
    rings = gpd.GeoDataFrame({"label": [payload]}, geometry=[Point(113.3, 23.1).buffer(0.03)], crs=4326)
    path = gzgeo.write_html(
        tmp_path / "poisoned.html",
        layers=gzgeo.maps.ALL_LAYERS,
        lang="en",
        hulls=hulls,
        rings=rings,
        selection=platforms.head(5),
    )
    return path, len(platforms)


@pytest.mark.parametrize("payload", PAYLOADS, ids=["img-onerror", "svg-onload", "script-close", "js-quote"])
def test_markup_in_every_text_field_never_executes(browser, hostile_home, tmp_path, payload):
    path, n_platforms = _poisoned_page(hostile_home, payload, tmp_path)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_function("Object.keys(window).some(k => k.startsWith('map_'))", timeout=30_000)
    page.wait_for_function(f"({COUNT_MARKERS_JS})() >= 0", timeout=30_000)  # platform data decoded
    result = page.evaluate(OPEN_ALL)
    assert not result["failures"], result["failures"]
    page.mouse.move(400, 300)
    page.wait_for_timeout(800)  # onerror/onload handlers fire asynchronously
    assert page.evaluate("window.__pwned") is None
    assert not [e for e in errors if "pwned" in e or "dialog" in e], errors
    # Everything was there to be attacked: all platforms' popups and tooltips plus every polygon's tooltip,
    # and the payload is shown as text.
    assert result["opened"] >= 2 * n_platforms + len(gzgeo.load("zones")) + len(gzgeo.load("districts"))
    assert payload.split(" ")[0] in result["text"]
    legend = page.inner_text(".gzgeo-legend")
    assert payload.split(" ")[0] in legend or gzgeo.load("categories")["name_en"].str.contains("img").any()
    page.close()


def test_detector_positive_control(browser):
    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.evaluate("p => document.body.insertAdjacentHTML('beforeend', p)", PAYLOADS[0])
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") == 1
    page.close()
