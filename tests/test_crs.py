"""gzgeo.crs against published peer test vectors, round trips and pass-through."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely import LineString, MultiPolygon, Point, Polygon

from gzgeo import crs

GEOD = Geod(ellps="WGS84")


def metres(lon1, lat1, lon2, lat2):
    return np.abs(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def test_eviltransform_vectors(peer_vectors):
    for wlat, wlon, glat, glon in peer_vectors["eviltransform"]["wgs_gcj"]:
        lon, lat = crs.convert(wlon, wlat, "wgs84", "gcj02")
        assert lon == pytest.approx(glon, abs=1e-6)
        assert lat == pytest.approx(glat, abs=1e-6)
        back = crs.convert(glon, glat, "gcj02", "wgs84")
        assert metres(*back, wlon, wlat) < 0.01


def test_gcoord_spec_vectors(peer_vectors):
    for src, dst, given, expected in peer_vectors["gcoord_spec"]["cases"]:
        lon, lat = crs.convert(*given, src, dst)
        assert lon == pytest.approx(expected[0], abs=5e-6)
        assert lat == pytest.approx(expected[1], abs=5e-6)


@pytest.mark.parametrize("src_i,dst_i", [(0, 1), (1, 0), (0, 2), (2, 0), (1, 2), (2, 1)])
def test_gcoord_city_fixtures_all_six_directions(peer_vectors, src_i, dst_i):
    names = ("wgs84", "gcj02", "bd09")
    cities = peer_vectors["gcoord_cities"]["cities"]
    src = np.array([c[1 + src_i] for c in cities])
    dst = np.array([c[1 + dst_i] for c in cities])
    lon, lat = crs.convert(src[:, 0], src[:, 1], names[src_i], names[dst_i])
    assert metres(lon, lat, dst[:, 0], dst[:, 1]).max() < 1.5


def test_offset_size_in_guangzhou():
    # Research note: GCJ-02 is ~590-640 m and BD-09 ~1.21-1.30 km from WGS-84 here.
    lon, lat = np.meshgrid(np.linspace(113.0, 114.0, 9), np.linspace(22.6, 23.9, 9))
    g = crs.convert(lon, lat, "wgs84", "gcj02")
    b = crs.convert(lon, lat, "wgs84", "bd09")
    dg, db = metres(lon, lat, *g), metres(lon, lat, *b)
    assert 550 < dg.min() and dg.max() < 680
    assert 1150 < db.min() and db.max() < 1350


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_round_trip_grid_covering_guangzhou_below_a_centimetre(datum):
    lon, lat = np.meshgrid(np.linspace(112.95, 114.06, 120), np.linspace(22.56, 23.94, 120))
    fwd = crs.convert(lon, lat, "wgs84", datum)
    back = crs.convert(*fwd, datum, "wgs84")
    assert metres(lon, lat, *back).max() < 0.01
    # and the other way: start from points given in the obfuscated datum
    inv = crs.convert(lon, lat, datum, "wgs84")
    again = crs.convert(*inv, "wgs84", datum)
    assert metres(lon, lat, *again).max() < 0.01


def test_iterative_inverse_beats_one_step_inverse():
    lon, lat = np.meshgrid(np.linspace(112.95, 114.06, 40), np.linspace(22.56, 23.94, 40))
    gcj = crs.convert(lon, lat, "wgs84", "gcj02")
    fwd_of_gcj = crs.convert(*gcj, "wgs84", "gcj02")
    one_step = (2 * gcj[0] - fwd_of_gcj[0], 2 * gcj[1] - fwd_of_gcj[1])
    assert metres(lon, lat, *one_step).max() > 0.5  # the common shortcut errs by metres
    assert metres(lon, lat, *crs.convert(*gcj, "gcj02", "wgs84")).max() < 0.01


@pytest.mark.parametrize("src,dst", [(s, d) for s in crs.DATUMS for d in crs.DATUMS if s != d])
def test_outside_china_is_unchanged(src, dst):
    lon = np.array([-0.1276, 151.2093, 2.3522, 139.69])  # London, Sydney, Paris, Tokyo
    lat = np.array([51.5072, -33.8688, 48.8566, 35.69])
    out_lon, out_lat = crs.convert(lon, lat, src, dst)
    # Tokyo is inside the rectangular box where the formula applies; the others are not.
    np.testing.assert_array_equal(out_lon[:3], lon[:3])
    np.testing.assert_array_equal(out_lat[:3], lat[:3])


def test_scalar_and_array_shapes():
    assert isinstance(crs.convert(113.3, 23.1, "wgs84", "gcj02")[0], float)
    lon, lat = crs.convert(np.full((2, 3), 113.3), np.full((2, 3), 23.1), "wgs84", "bd09")
    assert lon.shape == lat.shape == (2, 3)
    with pytest.raises(ValueError, match="unknown datum"):
        crs.convert(113.3, 23.1, "wgs84", "utm")


def test_convert_frame_every_geometry_type_and_back():
    gdf = gpd.GeoDataFrame(
        {"name": ["pt", "line", "poly", "multi"]},
        geometry=[
            Point(113.32, 23.11),
            LineString([(113.3, 23.1), (113.4, 23.2)]),
            Polygon([(113.3, 23.1), (113.35, 23.1), (113.35, 23.15), (113.3, 23.1)]),
            MultiPolygon([Polygon([(113.5, 22.8), (113.6, 22.8), (113.6, 22.9)])]),
        ],
        crs="EPSG:4326",
    )
    amap = crs.convert_frame(gdf, "wgs84", "gcj02")
    assert amap.attrs["datum"] == "gcj02"
    shift = metres(gdf.geometry[0].x, gdf.geometry[0].y, amap.geometry[0].x, amap.geometry[0].y)
    assert 550 < shift < 680
    back = crs.convert_frame(amap, "gcj02", "wgs84")
    before, after = shapely.get_coordinates(gdf.geometry), shapely.get_coordinates(back.geometry)
    assert before.shape == after.shape
    assert metres(before[:, 0], before[:, 1], after[:, 0], after[:, 1]).max() < 0.01
    assert list(back.geom_type) == list(gdf.geom_type)


def test_metric_crs_is_gauss_kruger_114():
    pts = gpd.GeoSeries([Point(113.0, 23.0), Point(114.0, 23.0)], crs="EPSG:4326")
    m = crs.to_metric(pts)
    assert m.crs.to_epsg() == 4547
    assert m.iloc[0].distance(m.iloc[1]) == pytest.approx(GEOD.inv(113, 23, 114, 23)[2], rel=1e-3)
    with pytest.raises(ValueError, match="no CRS"):
        crs.to_metric(gpd.GeoSeries([Point(0, 0)]))


@pytest.mark.parametrize("src,dst", [("gcj02", "wgs84"), ("bd09", "wgs84"), ("bd09", "gcj02")])
def test_inverse_is_independent_of_the_batch(src, dst):
    # Shared borders converted in separate calls must come out identical.
    lon, lat = np.meshgrid(np.linspace(113.0, 114.0, 50), np.linspace(22.6, 23.9, 50))
    whole = crs.convert(lon.ravel(), lat.ravel(), src, dst)
    alone = [crs.convert(x, y, src, dst) for x, y in zip(lon.ravel()[:20], lat.ravel()[:20], strict=True)]
    np.testing.assert_array_equal(np.array(alone), np.column_stack(whole)[:20])


def _reference_inverse(glon, glat, rounds=30):
    """Slow but plain inverse: many fixed-point rounds on the forward transform (converges to 1e-13 deg)."""
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(rounds):
        flon, flat = crs.convert(wlon, wlat, "wgs84", "gcj02")
        wlon, wlat = wlon - (flon - glon), wlat - (flat - glat)
    return wlon, wlat


def test_fast_inverse_within_a_centimetre_on_a_dense_guangzhou_grid():
    # 250 x 250 points over Guangzhou's bounding box (plus a margin), given in GCJ-02 and in BD-09.
    lon, lat = np.meshgrid(np.linspace(112.9, 114.1, 250), np.linspace(22.5, 24.0, 250))
    lon, lat = lon.ravel(), lat.ravel()
    # Only where GCJ-02 applies (inside the mainland polygon, on both sides of the shift): Hong Kong passes through.
    # Points within 2 km of the border are left out (the shift may cross it).
    keep = np.ones(lon.shape, dtype=bool)
    for dx in (-0.02, 0.0, 0.02):
        for dy in (-0.02, 0.0, 0.02):
            keep &= crs.in_china(lon + dx, lat + dy)
    lon, lat = lon[keep], lat[keep]
    assert len(lon) > 50_000
    ref = _reference_inverse(lon, lat)
    fast = crs.convert(lon, lat, "gcj02", "wgs84")
    assert metres(*fast, *ref).max() < 0.01
    # BD-09: its reference is BD -> GCJ by iterating the exact forward BD transform, then the reference above.
    glon, glat = lon.copy(), lat.copy()
    for _ in range(30):
        blon, blat = crs.convert(glon, glat, "gcj02", "bd09")
        glon, glat = glon - (blon - lon), glat - (blat - lat)
    assert metres(*crs.convert(lon, lat, "bd09", "gcj02"), glon, glat).max() < 0.01
    assert metres(*crs.convert(lon, lat, "bd09", "wgs84"), *_reference_inverse(glon, glat)).max() < 0.01


def test_large_batches_match_small_ones():
    # convert() works in blocks above crs._CHUNK points; the blocks must not change any result.
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(112.9, 114.1, crs._CHUNK * 2 + 7), rng.uniform(22.5, 24.0, crs._CHUNK * 2 + 7)
    for src, dst in [("gcj02", "wgs84"), ("wgs84", "bd09"), ("bd09", "wgs84")]:
        big = np.column_stack(crs.convert(lon, lat, src, dst))
        tail = np.column_stack(crs.convert(lon[-50:], lat[-50:], src, dst))
        np.testing.assert_array_equal(big[-50:], tail)
        assert np.isfinite(big).all()


def test_in_china_grid_fast_path_matches_the_exact_polygon_test():
    import shapely

    from gzgeo.crs import _CHINA_LAT, _CHINA_LON, _gcj02_area, in_china

    area = _gcj02_area()
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(70, 140, 50_000), rng.uniform(0, 56, 50_000)
    # and a dense band along the Shenzhen-Hong Kong border, where cells are crossed by the polygon's edge
    lon = np.concatenate([lon, rng.uniform(113.8, 114.5, 20_000)])
    lat = np.concatenate([lat, rng.uniform(22.4, 22.7, 20_000)])
    box = (lon >= _CHINA_LON[0]) & (lon <= _CHINA_LON[1]) & (lat >= _CHINA_LAT[0]) & (lat <= _CHINA_LAT[1])
    exact = np.zeros(len(lon), dtype=bool)
    exact[box] = shapely.contains_xy(area, lon[box], lat[box])
    assert exact.sum() > 10_000 and (~exact).sum() > 10_000
    assert np.array_equal(in_china(lon, lat), exact)
    assert np.array_equal(in_china(lon, lat), exact)  # again, from the classified cells


@pytest.mark.parametrize("src,dst", [("gcj02", "wgs84"), ("bd09", "wgs84"), ("wgs84", "bd09"), ("bd09", "gcj02")])
def test_mainland_polygon_tested_once_per_conversion(monkeypatch, src, dst):
    # The point-in-polygon test costs about as much as the transform: once per conversion (per block), on the input.
    calls = []
    real = crs.in_china

    def counting(lon, lat):
        calls.append(np.size(lon))
        return real(lon, lat)

    monkeypatch.setattr(crs, "in_china", counting)
    # Guangzhou, Seoul and Hong Kong: the outside points still pass through unchanged.
    lon, lat = np.array([113.3, 126.978, 114.17]), np.array([23.1, 37.5665, 22.30])
    out = crs.convert(lon, lat, src, dst)
    assert calls == [3]
    np.testing.assert_array_equal(np.column_stack(out)[1:], np.column_stack([lon, lat])[1:])
    assert metres(out[0][0], out[1][0], 113.3, 23.1) > 300  # Guangzhou is shifted


def test_inverse_with_single_precision_start_matches_the_reference_across_china():
    # The inverse starts from a float32 offset and takes its Jacobian in float32; the float64 residual must still
    # bring every point in mainland China to within 1e-9 degree of the 30-round reference.
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(75, 135, 200_000), rng.uniform(18, 53, 200_000)
    lon, lat = lon[crs.in_china(lon, lat)], lat[crs.in_china(lon, lat)]
    assert len(lon) > 50_000
    glon, glat = crs.convert(lon, lat, "wgs84", "gcj02")
    keep = crs.in_china(glon, glat)
    back = crs.convert(glon[keep], glat[keep], "gcj02", "wgs84")
    assert np.abs(back[0] - lon[keep]).max() < 1e-9 and np.abs(back[1] - lat[keep]).max() < 1e-9
