"""Shared fixtures: the canonical bundled layers, loaded once per session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import gzgeo
from gzgeo.layers import _load_cached

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def peer_vectors() -> dict:
    return json.loads((DATA / "peer_vectors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def platforms():
    return gzgeo.load("platforms")


@pytest.fixture(scope="session")
def districts():
    return gzgeo.load("districts")


@pytest.fixture(scope="session")
def zones():
    return gzgeo.load("zones")


@pytest.fixture
def writable_home(tmp_path, monkeypatch):
    """A copy of the data home (``geo/``, ``data/``) under ``tmp_path``, used as ``GZGEO_HOME``; a test may break it."""
    home = gzgeo.data_home()
    for sub in ("data", "geo"):
        shutil.copytree(home / sub, tmp_path / sub)
    monkeypatch.setenv("GZGEO_HOME", str(tmp_path))
    _load_cached.cache_clear()
    yield tmp_path
    _load_cached.cache_clear()


@pytest.fixture()
def users(tmp_path, monkeypatch):
    """A user file with an editor (alice), an admin (root) and a viewer (vera), made the active one (GZGEO_USERS)."""
    from authhelp import make_users

    from gzgeo import app_auth

    store = make_users(tmp_path / "users.json")
    monkeypatch.setenv("GZGEO_USERS", str(store.path))
    app_auth._throttle.clear()  # sign-in failures of earlier tests are forgotten: throttling never leaks
    return store
