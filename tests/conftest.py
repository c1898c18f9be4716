"""Shared fixtures: the canonical bundled layers, loaded once per session."""

from __future__ import annotations

import json
import os
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


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostGIS cluster for the session (skipped without PostgreSQL/PostGIS, unless CI is set)."""
    from pgcluster import Cluster, pg_bindir, postgis_available

    bindir = pg_bindir()
    if bindir is None or not postgis_available(bindir):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL with PostGIS is required in CI (Debian: postgresql postgresql-15-postgis-3)")
        pytest.skip("PostgreSQL/PostGIS not installed")
    cluster = Cluster(bindir)
    try:
        cluster.start()
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture(params=["gpkg", "postgis"])
def workspace_url(request, tmp_path, monkeypatch) -> str:
    """A fresh, empty workspace on each backend, made the active one (GZGEO_WORKSPACE)."""
    if request.param == "gpkg":
        url = str(tmp_path / "ws.gpkg")
    else:
        url = request.getfixturevalue("pg_cluster").new_database()
    monkeypatch.setenv("GZGEO_WORKSPACE", url)
    return url


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
