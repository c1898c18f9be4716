"""Roles, the local user file, sign-in and sessions.

Salted Argon2id hashes, atomic private writes, sign-in throttling and logging, session expiry, and
``gzgeo users add|remove|list``.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import time

import pytest
from test_cli import gz

from gzgeo import auth
from gzgeo.auth import (
    ANONYMOUS,
    Identity,
    PermissionDenied,
    Session,
    SignInFailed,
    SignInThrottle,
    SignInThrottled,
    UserStore,
    may_undo,
    require_editor,
    sign_in,
)
from gzgeo.cli import main

PASSWORD = "Tianhe-2026-correct"


class FakeClock:
    """A clock and sleep that only move when told: delays are recorded, not waited."""

    def __init__(self) -> None:
        self.now, self.slept = 1000.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture()
def store(tmp_path) -> UserStore:
    users = UserStore(tmp_path / "team" / "users.json")
    users.add("alice", PASSWORD, role="editor")
    users.add("root", PASSWORD + "!", role="admin")
    users.add("vera", PASSWORD + "?", role="viewer")
    return users


def test_passwords_are_salted_argon2id_hashes_in_a_private_file(store):
    text = store.path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    doc = json.loads(text)
    hashes = [doc["users"][n]["hash"] for n in ("alice", "root", "vera")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    # Same password, two users: different salts, different hashes.
    store.add("bob", PASSWORD, role="editor")
    bob = json.loads(store.path.read_text(encoding="utf-8"))["users"]["bob"]["hash"]
    assert bob != hashes[0] and bob.split("$")[4] != hashes[0].split("$")[4]
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.verify("alice", PASSWORD) == Identity("alice", "editor", "local")
    assert store.verify("bob", PASSWORD) == Identity("bob", "editor", "local")
    assert store.verify("alice", PASSWORD + "x") is None
    assert store.verify("nobody", PASSWORD) is None
    assert store.verify("alice", "x" * 5000) is None  # longer than any allowed password: not even hashed
    assert [u["name"] for u in store.list()] == ["alice", "bob", "root", "vera"]
    assert all("hash" not in u for u in store.list())


def test_add_checks_names_roles_passwords_and_duplicates(store):
    with pytest.raises(ValueError, match="exists"):
        store.add("alice", PASSWORD)
    with pytest.raises(ValueError, match="at least 8"):
        store.add("carol", "short")
    with pytest.raises(ValueError, match="role"):
        store.add("carol", PASSWORD, role="superuser")
    with pytest.raises(ValueError, match="user name"):
        store.add("<img src=x onerror=alert(1)>", PASSWORD)
    with pytest.raises(ValueError, match="identity provider"):
        store.add("li@example.org", PASSWORD, oidc=True)
    store.add("alice", PASSWORD + "2", role="admin", replace=True)
    assert store.verify("alice", PASSWORD) is None
    assert store.verify("alice", PASSWORD + "2").role == "admin"
    store.add("li@example.org", role="editor", oidc=True)
    assert store.role_of("li@example.org") == "editor"
    assert store.verify("li@example.org", "") is None  # an OIDC entry has no password to guess
    store.remove("vera")
    assert store.role_of("vera") is None
    with pytest.raises(KeyError):
        store.remove("vera")


def test_write_is_atomic(store, monkeypatch):
    before = store.path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(auth.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.add("carol", PASSWORD)
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["users.json"]  # no temp file left behind


def test_weaker_hashes_are_upgraded_on_sign_in(tmp_path):
    from argon2 import PasswordHasher

    path = tmp_path / "users.json"
    UserStore(path, hasher=PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)).add("alice", PASSWORD)
    old = json.loads(path.read_text())["users"]["alice"]["hash"]
    assert UserStore(path).verify("alice", PASSWORD).name == "alice"
    new = json.loads(path.read_text())["users"]["alice"]["hash"]
    assert new != old and "m=65536" in new and "m=8192" in old


def test_roles():
    editor, admin, viewer = (
        Identity("ann", "editor", "local"),
        Identity("root", "admin", "oidc"),
        Identity("vera", "viewer", "local"),
    )
    require_editor(editor)
    require_editor(admin)
    for nobody in (viewer, ANONYMOUS, None, Identity("", "editor", "local")):
        with pytest.raises(PermissionDenied):
            require_editor(nobody)
    assert may_undo(editor, "ann") and not may_undo(editor, "bo")
    assert may_undo(admin, "bo") and not may_undo(viewer, "vera") and not may_undo(ANONYMOUS, "")
    with pytest.raises(ValueError):
        Identity("x", "root", "local")


def test_wrong_password_is_refused_slowed_locked_and_logged_without_password(store, caplog):
    clock = FakeClock()
    throttle = SignInThrottle(
        max_failures=3, window_s=600, base_delay_s=0.5, max_delay_s=8, clock=clock, sleep=clock.sleep
    )
    caplog.set_level(logging.INFO, logger="gzgeo.auth")
    for _ in range(3):
        with pytest.raises(SignInFailed) as refused:
            sign_in(store, throttle, "alice", "guess-" + PASSWORD, client="10.1.2.3")
        assert not isinstance(refused.value, SignInThrottled)
    assert clock.slept == [0.5, 1.0, 2.0]  # each failure waits twice as long as the last
    # Locked: even the right password is not checked until the window has passed.
    with pytest.raises(SignInThrottled) as locked:
        sign_in(store, throttle, "alice", PASSWORD, client="10.9.9.9")
    assert 590 < locked.value.retry_after <= 600
    clock.now += 601
    assert sign_in(store, throttle, "alice", PASSWORD, client="10.9.9.9").role == "editor"
    text = caplog.text
    assert text.count("sign-in failed: user='alice' client=10.1.2.3") == 3
    assert "throttled" in text and "sign-in: user='alice' role=editor" in text
    assert PASSWORD not in text and "guess-" not in text
    assert all(PASSWORD not in str(r.args) for r in caplog.records)


def test_one_client_guessing_many_names_is_slowed_and_locked(store):
    clock = FakeClock()
    throttle = SignInThrottle(max_failures=4, base_delay_s=0.25, clock=clock, sleep=clock.sleep)
    for name in ("a1", "a2", "a3", "a4"):
        with pytest.raises(SignInFailed):
            sign_in(store, throttle, name, "password1", client="203.0.113.5")
    assert clock.slept == [0.25, 0.5, 1.0, 2.0]
    with pytest.raises(SignInThrottled):
        sign_in(store, throttle, "alice", PASSWORD, client="203.0.113.5")
    # Another client is not affected, and success clears the user name's count.
    assert sign_in(store, throttle, "alice", PASSWORD, client="198.51.100.7").name == "alice"
    assert throttle.failures("alice", "198.51.100.7") == 0


def test_real_delay_without_fake_clock(store):
    throttle = SignInThrottle(base_delay_s=0.2)
    started = time.monotonic()
    with pytest.raises(SignInFailed):
        sign_in(store, throttle, "alice", "not-the-password", client="local")
    first = time.monotonic() - started
    started = time.monotonic()
    with pytest.raises(SignInFailed):
        sign_in(store, throttle, "alice", "not-the-password", client="local")
    second = time.monotonic() - started
    assert first >= 0.2 and second >= 0.4


def test_sessions_expire(monkeypatch):
    who = Identity("ann", "editor", "local")
    session = Session(who, started=0.0, last_seen=0.0)
    assert not session.expired(now=100, max_age_s=3600, idle_s=600)
    assert session.expired(now=601, max_age_s=3600, idle_s=600)  # idle too long
    session.touch(now=3000)
    assert not session.expired(now=3100, max_age_s=3600, idle_s=600)
    assert session.expired(now=3601, max_age_s=3600, idle_s=600)  # too old, however active
    monkeypatch.setenv("GZGEO_SESSION_MAX_AGE", "60")
    monkeypatch.setenv("GZGEO_SESSION_IDLE", "30")
    fresh = Session(who)
    assert not fresh.expired()
    assert fresh.expired(now=time.time() + 31)


def test_cli_users_add_list_remove(tmp_path, monkeypatch, capsys):
    path = tmp_path / "users.json"
    # The password comes from standard input, never from the command line.
    result = gz("users", "--file", str(path), "add", "alice", "--role", "admin", input_text=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in path.read_text() and PASSWORD not in result.stdout
    assert UserStore(path).verify("alice", PASSWORD).role == "admin"
    assert gz("users", "--file", str(path), "add", "bob", "--password", PASSWORD).returncode == 2

    monkeypatch.setenv("GZGEO_USERS", str(path))
    monkeypatch.setattr("sys.stdin", _Stdin("short\n"))
    assert main(["users", "add", "bob"]) == 1
    assert "at least 8" in capsys.readouterr().err
    assert main(["users", "add", "li@example.org", "--oidc", "--role", "editor"]) == 0
    capsys.readouterr()
    assert main(["users", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(u["name"], u["role"], u["kind"]) for u in listed] == [
        ("alice", "admin", "password"),
        ("li@example.org", "editor", "oidc"),
    ]
    assert main(["users", "remove", "alice"]) == 0
    assert main(["users", "remove", "alice"]) == 1
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    assert "alice" not in capsys.readouterr().out


class _Stdin:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        return self.lines.pop(0) if self.lines else ""
