"""The app's sign-in with Streamlit's AppTest: viewing is open, editing needs a signed-in editor."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from authhelp import TEST_PASSWORD as PASSWORD
from streamlit.testing.v1 import AppTest

from gzgeo import app_auth
from gzgeo.auth import Identity, PermissionDenied

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


# -- the workspace panel: editing controls only for a signed-in editor, and the server re-checks ------------------
LAB = "guangzhou-laboratory"
EDIT_KEYS = ("ws_upload", "ws_pid", "ws_save_btn", "ws_undo_btn")


@pytest.fixture()
def workspace_url(tmp_path, monkeypatch) -> str:
    """A fresh GeoPackage workspace (the roles do not depend on the backend: tests/test_workspace_auth.py)."""
    url = str(tmp_path / "ws.gpkg")
    monkeypatch.setenv("GZGEO_WORKSPACE", url)
    return url


def _panel(at: AppTest) -> AppTest:
    at.session_state["panel"] = "tab_workspace"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _keys(at: AppTest) -> set[str]:
    return {w.key for kind in ("button", "selectbox", "number_input", "text_input") for w in getattr(at, kind) if w.key}


def test_anonymous_and_viewer_see_no_editing_control(users, workspace_url):
    from authhelp import sign_in

    from gzgeo.workspace import open_workspace

    open_workspace().correct_location(
        LAB, 113.3702, 23.0712, precision="site", source="site visit", actor="planner"
    )  # something in the log to show
    for at in (
        _panel(AppTest.from_file(APP, default_timeout=120)),
        _panel(sign_in(AppTest.from_file(APP, default_timeout=120), "vera")),
    ):
        assert not (_keys(at) & set(EDIT_KEYS)), _keys(at) & set(EDIT_KEYS)
        assert not at.get("file_uploader")
        assert [i.value for i in at.info if i.value.startswith("浏览无需登录")]
        assert list(at.dataframe[-1].value["actor"]) == ["planner"]  # the log stays readable


def test_editor_edits_and_the_log_names_them(users, workspace_url):
    from authhelp import sign_in

    from gzgeo.workspace import open_workspace

    at = _panel(sign_in(AppTest.from_file(APP, default_timeout=120), "alice"))
    assert set(EDIT_KEYS) - {"ws_upload"} <= _keys(at) and at.get("file_uploader")
    at.selectbox(key="ws_pid").set_value(LAB).run()
    at.number_input(key="ws_lon").set_value(113.3702)
    at.number_input(key="ws_lat").set_value(23.0712)
    at.text_input(key="ws_source").input("实地核实")
    at.button(key="ws_save_btn").click().run()
    assert not at.exception and at.success[0].value.startswith("已保存")
    log = open_workspace().log()
    assert list(log["actor"]) == ["alice"] and list(log["action"]) == ["correct"]

    # An editor may not undo an admin's edit; the admin may undo anyone's.
    open_workspace().correct_location(
        LAB, 113.371, 23.071, precision="site", source="survey", actor=Identity("root", "admin", "local")
    )
    at.button(key="ws_undo_btn").click().run()
    assert at.error and "only their own" in at.error[0].value
    at = _panel(sign_in(AppTest.from_file(APP, default_timeout=120), "root"))
    at.button(key="ws_undo_btn").click().run()
    assert at.success[0].value.startswith("已撤销")
    log = open_workspace().log()
    assert list(log["actor"]) == ["root", "root", "alice"] and log["action"].iloc[0] == "undo"


def test_a_drawn_control_is_refused_once_the_right_is_gone(users, workspace_url):
    from authhelp import sign_in

    from gzgeo.workspace import open_workspace

    at = _panel(sign_in(AppTest.from_file(APP, default_timeout=120), "alice"))
    at.selectbox(key="ws_pid").set_value(LAB).run()
    at.number_input(key="ws_lon").set_value(113.3702)
    at.number_input(key="ws_lat").set_value(23.0712)
    at.text_input(key="ws_source").input("实地核实")
    # The page still shows the save button, but alice was demoted meanwhile: the click must not write.
    users.add("alice", PASSWORD, role="viewer", replace=True)
    at.button(key="ws_save_btn").click().run()
    assert not at.exception
    assert open_workspace().log().empty
    assert not (_keys(at) & set(EDIT_KEYS))
    # The editing action called directly with this session's identity is refused by the workspace itself.
    session = at.session_state[app_auth.SESSION_KEY]
    assert session.identity == Identity("alice", "viewer", "local")
    for who in (session.identity, app_auth.ANONYMOUS):
        with pytest.raises(PermissionDenied):
            open_workspace().correct_location(LAB, 113.3702, 23.0712, precision="site", source="x", actor=who)
    assert open_workspace().log().empty


# -- OpenID Connect: chosen by [auth] in the secrets; the identity provider's user gets a role from the user file --
OIDC = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-only-secret",
    "client_id": "gzgeo",
    "client_secret": "test-only",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture()
def provider(monkeypatch):
    """Stands in for the identity provider's answer: what st.user holds after st.login (None: not signed in)."""
    import streamlit
    import streamlit.user_info

    state = {"claims": None, "logouts": 0}

    def user_info():
        return dict(state["claims"]) if state["claims"] else {"is_logged_in": False}

    def logout():
        state["claims"], state["logouts"] = None, state["logouts"] + 1

    monkeypatch.setattr(streamlit.user_info, "_get_user_info", user_info)
    monkeypatch.setattr(streamlit, "logout", logout)
    return state


def _oidc_run(claims: dict | None, provider) -> AppTest:
    provider["claims"] = claims
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = OIDC
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_oidc_is_chosen_by_secrets_and_roles_come_from_the_user_file(users, provider):
    users.add("li.wei@bureau.example", role="editor", oidc=True)
    at = _oidc_run(None, provider)
    assert [b.label for b in at.sidebar.button if b.label == "使用单位账号登录"]
    assert not [w for w in at.sidebar.text_input if w.label == "密码"]  # no password form with OIDC

    now = time.time()
    at = _oidc_run({"is_logged_in": True, "email": "li.wei@bureau.example", "iat": now - 60}, provider)
    assert "已登录：li.wei@bureau.example（编辑者）" in _sidebar_texts(at)
    assert at.session_state[app_auth.SESSION_KEY].identity == Identity("li.wei@bureau.example", "editor", "oidc")
    at = _oidc_run({"is_logged_in": True, "email": "guest@bureau.example", "iat": now - 60}, provider)
    assert "已登录：guest@bureau.example（查看者）" in _sidebar_texts(at)  # not in the file: a viewer


def test_oidc_session_expires_from_the_token_issue_time(users, provider, monkeypatch):
    users.add("li.wei@bureau.example", role="editor", oidc=True)
    monkeypatch.setenv("GZGEO_SESSION_MAX_AGE", "3600")
    at = _oidc_run({"is_logged_in": True, "email": "li.wei@bureau.example", "iat": time.time() - 3601}, provider)
    assert provider["logouts"] == 1  # signed out at the identity provider's cookie, not only here
    assert not any(t.startswith("已登录") for t in _sidebar_texts(at))
    assert app_auth.SESSION_KEY not in at.session_state
