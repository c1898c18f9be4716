"""Sign-in in a real browser: Debian's Chromium via Playwright against ``streamlit run app.py`` with a user file.

Anonymous visitors see the map and the edit log but no editing control; a
wrong password is refused; an editor signs in, is named in the sidebar, gets
the editing controls, and is signed out again by reloading (the identity
lives only in the server's session).
"""

from __future__ import annotations

import time

import pytest
from authhelp import TEST_PASSWORD as PASSWORD
from authhelp import make_users, submit_sign_in
from test_browser import ARTIFACTS, MAP_IFRAME, ROOT, browser, page  # noqa: F401 - fixtures; skip without Chromium

from gzgeo.browser import serve_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("auth-browser")
    make_users(folder / "users.json")
    env = {
        "GZGEO_USERS": str(folder / "users.json"),
        "GZGEO_WORKSPACE": str(folder / "workspace.gpkg"),
        "GZGEO_SYNTHETIC_PLATFORMS": "0",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    with serve_app(ROOT / "app.py", ARTIFACTS / "streamlit-browser-auth.log", env=env) as base:
        yield base


def test_sign_in_in_a_browser(page, server):  # noqa: F811
    page.goto(server)
    page.wait_for_selector(MAP_IFRAME, state="attached", timeout=60_000)  # viewing needs no sign-in
    assert page.get_by_text("已登录").count() == 0
    page.get_by_text("编辑与导入", exact=True).click()  # the workspace panel: read-only for a visitor
    page.get_by_text("浏览无需登录；导入、地理编码、修正和撤销需要编辑权限。").last.wait_for(timeout=30_000)
    page.get_by_text("编辑日志", exact=True).wait_for(timeout=30_000)
    for control in ("导入名单", "修正位置", "保存修正", "撤销上一次编辑"):
        assert page.get_by_text(control, exact=True).count() == 0, control
    assert page.locator('input[type="file"]').count() == 0

    started = time.monotonic()
    submit_sign_in(page, "alice", PASSWORD + "x")
    page.get_by_text("用户名或密码错误。").wait_for(timeout=30_000)
    assert time.monotonic() - started >= 0.5  # the throttle's first delay
    assert page.get_by_text("已登录").count() == 0
    assert page.get_by_label("密码", exact=True).input_value() == ""  # the form forgets what was typed

    submit_sign_in(page, "alice", PASSWORD)
    page.get_by_text("已登录：alice（编辑者）").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="退出登录").count() == 1
    page.get_by_text("导入名单", exact=True).wait_for(timeout=30_000)  # an editor gets the editing controls
    page.get_by_role("button", name="保存修正").wait_for(timeout=30_000)
    # the uploader is drawn after the buttons of the same rerun: wait for it, then require exactly one
    page.locator('input[type="file"]').first.wait_for(state="attached", timeout=30_000)
    assert page.locator('input[type="file"]').count() == 1
    assert PASSWORD not in page.content()

    page.reload()  # a new browser session starts signed out: the identity is held by the server only
    page.wait_for_selector(MAP_IFRAME, state="attached", timeout=60_000)
    page.get_by_text("编辑登录", exact=True).wait_for(timeout=30_000)
    assert page.get_by_text("已登录").count() == 0
    assert page.errors == []
