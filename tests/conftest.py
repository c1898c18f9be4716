"""Shared fixtures: the canonical bundled layers, loaded once per session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import gzgeo

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


@pytest.fixture()
def users(tmp_path, monkeypatch):
    """A user file with an editor (alice), an admin (root) and a viewer (vera), made the active one (GZGEO_USERS)."""
    from authhelp import make_users

    from gzgeo import app_auth

    store = make_users(tmp_path / "users.json")
    monkeypatch.setenv("GZGEO_USERS", str(store.path))
    app_auth._throttle.clear()  # sign-in failures of earlier tests are forgotten: throttling never leaks
    return store
