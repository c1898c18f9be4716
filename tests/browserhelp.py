"""One rule for every test that drives Chromium: skip without it, except in CI, where its absence is an error."""

from __future__ import annotations

import os

import pytest

from gzgeo.browser import find_chromium


def require_chromium() -> None:
    """Skip the calling test module (or fixture) when Debian's chromium is missing; raise when ``CI`` is set."""
    if find_chromium() is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI is set but Chromium is missing: apt-get install chromium")
        pytest.skip("Chromium not installed", allow_module_level=True)
