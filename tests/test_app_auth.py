"""The app's sign-in with Streamlit's AppTest: viewing is open, editing needs a signed-in editor."""

from __future__ import annotations

import time
from pathlib import Path

from authhelp import TEST_PASSWORD as PASSWORD
from streamlit.testing.v1 import AppTest

from gzgeo import app_auth

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _run() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _sign_in(at: AppTest, user: str, password: str) -> AppTest:
    name, secret = (next(w for w in at.sidebar.text_input if w.label == label) for label in ("用户名", "密码"))
    name.input(user)
    secret.input(password)
    next(b for b in at.sidebar.button if b.label == "登录").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _sidebar_texts(at: AppTest) -> list[str]:
    return [x.value for x in at.sidebar.text]


def test_anonymous_views_everything_and_is_offered_sign_in(users):
    at = _run()
    assert at.title[0].value == "广州科技创新空间布局"
    assert at.metric[0].value.split(" / ")[0] == at.metric[0].value.split(" / ")[1]  # every platform shown
    assert {"用户名", "密码"} <= {w.label for w in at.sidebar.text_input}
    assert not any(t.startswith("已登录") for t in _sidebar_texts(at))
    assert app_auth.SESSION_KEY not in at.session_state


def test_editor_signs_in_and_out(users):
    at = _sign_in(_run(), "alice", PASSWORD)
    assert "已登录：alice（编辑者）" in _sidebar_texts(at)
    assert at.session_state[app_auth.SESSION_KEY].identity.can_edit
    assert not [w for w in at.sidebar.text_input if w.label == "密码"]  # the form is gone
    next(b for b in at.sidebar.button if b.label == "退出登录").click()
    at.run()
    assert not any(t.startswith("已登录") for t in _sidebar_texts(at))
    assert app_auth.SESSION_KEY not in at.session_state


def test_wrong_password_is_refused_and_slowed(users, caplog):
    at = _run()
    started = time.monotonic()
    _sign_in(at, "alice", PASSWORD + "-wrong")
    first = time.monotonic() - started
    assert [e.value for e in at.sidebar.error] == ["用户名或密码错误。"]
    assert app_auth.SESSION_KEY not in at.session_state
    started = time.monotonic()
    _sign_in(at, "nobody", PASSWORD)
    second = time.monotonic() - started
    assert [e.value for e in at.sidebar.error] == ["用户名或密码错误。"]  # same answer for an unknown user
    # The throttle waits 0.5 s, then 1 s (same client), on top of the hash check.
    assert first >= 0.5 and second >= 1.0
    assert app_auth._throttle().failures("alice", "local") == 2
    assert "sign-in failed: user='nobody' client=local failures=2" in caplog.text
    assert PASSWORD not in caplog.text


def test_viewer_role_signs_in_but_cannot_edit(users):
    at = _sign_in(_run(), "vera", PASSWORD)
    assert "已登录：vera（查看者）" in _sidebar_texts(at)
    assert not at.session_state[app_auth.SESSION_KEY].identity.can_edit


def test_session_expires_when_idle_and_when_user_removed(users, monkeypatch):
    monkeypatch.setenv("GZGEO_SESSION_IDLE", "1")
    at = _sign_in(_run(), "root", PASSWORD)
    assert "已登录：root（管理员）" in _sidebar_texts(at)
    time.sleep(1.2)
    at.run()
    assert not any(t.startswith("已登录") for t in _sidebar_texts(at))
    assert [i.value for i in at.sidebar.info] == ["登录已过期，请重新登录。"]

    monkeypatch.delenv("GZGEO_SESSION_IDLE")
    at = _sign_in(at, "alice", PASSWORD)
    assert "已登录：alice（编辑者）" in _sidebar_texts(at)
    users.add("alice", PASSWORD, role="viewer", replace=True)  # demoted: applies at the next action
    at.run()
    assert "已登录：alice（查看者）" in _sidebar_texts(at)
    users.remove("alice")
    at.run()
    assert not any(t.startswith("已登录") for t in _sidebar_texts(at))
