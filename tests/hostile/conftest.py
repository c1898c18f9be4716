"""Fixtures of the hostile-input suite (helpers and payloads are in ``hostile_data.py``)."""

from __future__ import annotations

import pytest


@pytest.fixture
def hostile_home(writable_home):
    """A copy of ``geo/`` and ``data/`` used as ``GZGEO_HOME``, for a test to poison."""
    return writable_home
