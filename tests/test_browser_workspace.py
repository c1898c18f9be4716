"""The workspace flows in a real browser.

Import a GBK list with GCJ-02 coordinates, preview, accept; correct a location by clicking the map; undo.
The app runs on its own temporary workspace.
"""

from __future__ import annotations

import time

import pytest
from authhelp import make_users, sign_in_browser
from test_browser import ARTIFACTS, MAP_IFRAME, ROOT, _map_frame, browser, page  # noqa: F401

import gzgeo
from gzgeo.browser import COUNT_MARKERS_JS, serve_app
from gzgeo.workspace import open_workspace

pytestmark = pytest.mark.browser

TRUTH = [
    ("黄埔某孵化器", "黄埔区", 113.4521234, 23.1688765),
    ("南沙某研究院", "南沙区", 113.5612345, 22.7923456),
    ("天河某中心", "天河区", 113.3612345, 23.1265432),
]


@pytest.fixture(scope="module")
def workspace_file(tmp_path_factory):
    return tmp_path_factory.mktemp("browser-ws") / "ws.gpkg"


@pytest.fixture(scope="module")
def server(workspace_file):
    ARTIFACTS.mkdir(exist_ok=True)
    users = make_users(workspace_file.parent / "users.json")
    with serve_app(
        ROOT / "app.py",
        ARTIFACTS / "streamlit-browser-workspace.log",
        env={"GZGEO_SYNTHETIC_PLATFORMS": "0", "GZGEO_WORKSPACE": str(workspace_file), "GZGEO_USERS": str(users.path)},
    ) as base:
        yield base


def _open_panel(web, server):
    web.goto(server)
    _map_frame(web, timeout_ms=90_000)
    sign_in_browser(web, "alice")  # editing needs a signed-in editor
    web.get_by_text("编辑与导入", exact=True).click()
    web.get_by_text("导入名单").wait_for(timeout=30_000)


def _iframe_markers(web, index: int, n_frames: int, until=lambda n: n >= 0, timeout_s: float = 90.0) -> int:
    """Markers on map ``index`` (0: the main map) once the web holds ``n_frames`` maps and ``until(count)``.

    The panel adds maps of its own, so the main map is found by position, not by a strict locator.
    """
    deadline = time.time() + timeout_s
    count = -1
    while time.time() < deadline:
        frames = web.query_selector_all(MAP_IFRAME)
        if len(frames) == n_frames:
            try:
                count = frames[index].content_frame().evaluate(COUNT_MARKERS_JS)
            except Exception:  # the iframe was replaced while we asked
                count = -1
            if count >= 0 and until(count):
                return count
        time.sleep(0.3)
    raise AssertionError(f"map {index} of {n_frames}: {count} markers")


def test_import_gbk_gcj02_preview_accept(page, server, workspace_file, tmp_path):  # noqa: F811
    lines = ["名称,地址,经度,纬度,类别,行政区"]
    for name, district, lon, lat in TRUTH:
        glon, glat = gzgeo.convert(lon, lat, "wgs84", "gcj02")
        lines.append(f"{name},广州市{district},{glon:.9f},{glat:.9f},孵化器,{district}")
    lines.append("坏行,,abc,23.1,黄埔区,")
    lines.append("生物岛某中心,广州国际生物岛螺旋三路,,,孵化器,")  # address only: geocoded offline to its zone
    path = tmp_path / "名单.csv"
    path.write_bytes("\n".join(lines).encode("gbk"))

    _open_panel(page, server)
    before = _iframe_markers(page, 0, n_frames=2)  # main map and the correction map
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("gb18030").first.wait_for(timeout=30_000)
    page.get_by_text("gcj02", exact=True).first.click()
    page.get_by_role("button", name="预览").click()
    page.get_by_text("4 platform(s) ready (1 geocoded)").wait_for(timeout=60_000)
    assert page.get_by_text("lon 'abc' is not a number").count() >= 1
    page.get_by_text("地理编码审核").wait_for()  # the geocoded row is up for review
    assert _iframe_markers(page, 1, n_frames=3) == 4  # main map, preview (the four rows), correction map
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("已导入 4 个平台").wait_for(timeout=60_000)
    assert _iframe_markers(page, 0, n_frames=2, until=lambda n: n == before + 4) == before + 4

    ws = open_workspace(workspace_file)
    log = ws.log()
    assert len(log) == 4 and set(log["action"]) == {"import"} and set(log["actor"]) == {"alice"}
    states = {s["props"]["name_zh"]: (s["lon"], s["lat"]) for s in ws.overlay().values()}
    for name, _, lon, lat in TRUTH:
        assert abs(states[name][0] - lon) < 1e-7 and abs(states[name][1] - lat) < 1e-7  # ≈1 cm
    # an address on 生物岛 is geocoded offline to the island's cited anchor place (campus_or_park), not invented
    places = gzgeo.load("places").set_index("key")
    island = places.loc["island:广州国际生物岛"]
    assert states["生物岛某中心"] == (round(island.geometry.x, 4), round(island.geometry.y, 4))
    page.get_by_role("button", name="撤销上一次编辑").click()
    page.get_by_text("已撤销批次").wait_for(timeout=60_000)
    assert _iframe_markers(page, 0, n_frames=2, until=lambda n: n == before) == before
    assert page.errors == []


def test_correct_location_by_clicking_the_map(page, server, workspace_file):  # noqa: F811
    _open_panel(page, server)
    first = gzgeo.load("platforms", workspace=False).iloc[0]
    _iframe_markers(page, 1, n_frames=2)  # the correction map is drawn
    correct_map = page.query_selector_all(MAP_IFRAME)[-1]
    correct_map.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = correct_map.bounding_box()
    # click a little off the platform (the map is centred on it): the inputs take the clicked WGS-84 point
    page.mouse.click(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2 + 40)
    lon_input = page.get_by_label("经度")
    deadline = time.time() + 30
    while time.time() < deadline and abs(float(lon_input.input_value() or 0) - first.geometry.x) < 1e-6:
        time.sleep(0.3)
    clicked_lon = float(lon_input.input_value())
    assert clicked_lon > first.geometry.x  # east of the platform, where we clicked
    page.get_by_label("依据（来源）").fill("实地核实")
    page.get_by_role("button", name="保存修正").click()
    page.get_by_text("已保存（批次").wait_for(timeout=60_000)
    log = open_workspace(workspace_file).log()
    assert log.iloc[0]["action"] == "correct" and log.iloc[0]["source"] == "实地核实"
    assert log.iloc[0]["actor"] == "alice"
    assert abs(log.iloc[0]["after"]["lon"] - clicked_lon) < 1e-6
    assert page.errors == []
