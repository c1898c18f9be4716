"""The core modules type-check, and the package says it is typed (PEP 561)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ["gzgeo/crs.py", "gzgeo/layers.py", "gzgeo/platformtable.py", "gzgeo/validate.py"]


def test_package_is_marked_typed():
    assert (ROOT / "gzgeo" / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["gzgeo"]


def test_core_modules_type_check(tmp_path):
    # the [tool.mypy] section of pyproject.toml holds the options; the cache goes to a temp dir
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy"), *CORE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"no issues found in {len(CORE)} source files" in result.stdout
