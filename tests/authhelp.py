"""Test users: a user file with one user per role, and signing an AppTest session in."""

from __future__ import annotations

from pathlib import Path

#: Password of every user :func:`make_users` creates.
TEST_PASSWORD = "Huangpu-123-layout"
#: name -> role of the users :func:`make_users` creates.
TEST_USERS = {"alice": "editor", "root": "admin", "vera": "viewer"}


def make_users(path: Path):
    """A user file at ``path`` with :data:`TEST_USERS`, all with :data:`TEST_PASSWORD`."""
    from argon2 import PasswordHasher

    from gzgeo.auth import UserStore

    # Cheap hashes: the suite signs in often; the strength of the default parameters is tested in test_auth.py.
    store = UserStore(path, hasher=PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    for name, role in TEST_USERS.items():
        store.add(name, TEST_PASSWORD, role=role)
    return store


def sign_in(at, name: str):
    """Give an AppTest session a signed-in local user (re-checked against the user file on every run)."""
    from gzgeo.app_auth import SESSION_KEY
    from gzgeo.auth import Identity, Session

    at.session_state[SESSION_KEY] = Session(Identity(name, TEST_USERS[name], "local"))
    return at


def submit_sign_in(page, user: str, password: str) -> None:
    """In a real browser (Playwright page of the app): open the sidebar's sign-in and submit it."""
    username = page.get_by_label("用户名")
    if not username.is_visible():
        page.get_by_text("编辑登录", exact=True).click()
        username.wait_for(timeout=30_000)
    username.fill(user)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def sign_in_browser(page, name: str) -> None:
    """Sign a test user in through the browser and wait until the sidebar names them."""
    submit_sign_in(page, name, TEST_PASSWORD)
    page.get_by_text(f"已登录：{name}").wait_for(timeout=30_000)
