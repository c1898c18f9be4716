"""Every writer is atomic: a failure or an interrupt leaves the previous file intact and no temporary file."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import gzgeo
from gzgeo._io import atomic_path, atomic_write_bytes, same_file


def _fail_after_partial(_frame, path, *args, **kwargs):
    Path(path).write_text("partial", encoding="utf-8")
    raise OSError("disk full")


@pytest.mark.parametrize("interrupt", [OSError("disk full"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_atomic_path_keeps_the_previous_file(tmp_path, interrupt):
    target = tmp_path / "out.csv"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(type(interrupt)), atomic_path(target) as tmp:
        tmp.write_text("half a fi", encoding="utf-8")
        raise interrupt
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_path_refuses_to_publish_nothing(tmp_path):
    with pytest.raises(OSError, match="nothing was written"), atomic_path(tmp_path / "x.bin"):
        pass
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "writer, method, owner",
    [
        (lambda p: gzgeo.write_csv(p), "to_csv", pd.DataFrame),
        (lambda p: gzgeo.write_geojson(p, layer="zones"), "to_file", gpd.GeoDataFrame),
        (lambda p: gzgeo.write_geopackage(p, layers=["zones", "policies"]), "to_file", gpd.GeoDataFrame),
    ],
    ids=["csv", "geojson", "gpkg"],
)
def test_library_writers_keep_the_previous_file_on_failure(tmp_path, monkeypatch, writer, method, owner):
    target = tmp_path / ("out.csv" if method == "to_csv" else "out.dat")
    target.write_bytes(b"previous")
    monkeypatch.setattr(owner, method, _fail_after_partial)
    with pytest.raises(OSError):
        writer(target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_writers_replace_a_previous_file_completely(tmp_path):
    target = tmp_path / "zones.geojson"
    target.write_text("x" * 10_000_000, encoding="utf-8")  # larger than the new file: no stale tail may remain
    gzgeo.write_geojson(target, layer="zones")
    assert len(gpd.read_file(target)) == len(gzgeo.load("zones"))
    atomic_write_bytes(target, b"{}")
    assert target.read_bytes() == b"{}"


def test_same_file_sees_through_links_and_dots(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("x", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(a)
    assert same_file(a, tmp_path / "link.csv") and same_file(a, tmp_path / "." / "a.csv")
    assert not same_file(a, tmp_path / "missing.csv")
