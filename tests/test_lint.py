"""The house rules a reviewer would otherwise check by hand, run over the whole repository.

``ruff check`` (pyflakes, pycodestyle, isort, bugbear, pyupgrade, numpy docstrings) and ``ruff format`` must be
clean with the settings in ``pyproject.toml``. The ruff version is pinned in the ``test`` extra, so a new release
cannot change the verdict.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("ruff")
    cmd = [exe] if exe else [sys.executable, "-m", "ruff"]
    return subprocess.run([*cmd, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module", autouse=True)
def _ruff_available():
    try:
        probe = _ruff("--version")
    except (OSError, subprocess.TimeoutExpired):
        probe = None
    if probe is None or probe.returncode != 0:
        pytest.fail("ruff is part of the test extra: pip install -e '.[test]'")


def test_ruff_check_is_clean():
    result = _ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_every_file_as_it_is():
    result = _ruff("format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr
