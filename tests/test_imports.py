"""``import gzgeo`` loads the data layer only; the heavy libraries load when a function needs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import gzgeo

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sklearn", "matplotlib", "pptx", "playwright", "folium", "scipy", "streamlit")


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    return set(out.stdout.split())


def test_import_gzgeo_loads_no_heavy_library():
    assert _loaded_after("import gzgeo; gzgeo.load('platforms')") == set()


def test_heavy_libraries_load_on_first_use():
    assert "sklearn" not in _loaded_after("import gzgeo; gzgeo.along_axis(gzgeo.load('platforms'))")
    assert "sklearn" in _loaded_after("import gzgeo; gzgeo.dbscan_clusters(gzgeo.load('platforms'), eps_m=900)")


def test_static_map_needs_no_scipy_signal_or_stats():
    # scipy.signal and scipy.stats take seconds to import; the kernel density convolves with numpy's FFT.
    loaded = _loaded_after(
        "import gzgeo\nfrom gzgeo.analysis import kernel_density\n"
        "kernel_density(gzgeo.load('platforms'), bandwidth_m=3000)\n"
        "print(' '.join(m for m in ('scipy.signal', 'scipy.stats') if m in sys.modules))"
    )
    assert not {"scipy.signal", "scipy.stats"} & loaded


def test_every_public_name_resolves():
    for name in gzgeo.__all__:
        assert getattr(gzgeo, name) is not None, name
    assert set(gzgeo.__all__) <= set(dir(gzgeo))
    assert gzgeo.maps.layout_map is gzgeo.layout_map  # submodules as attributes
    with pytest.raises(AttributeError):
        gzgeo.no_such_name  # noqa: B018
