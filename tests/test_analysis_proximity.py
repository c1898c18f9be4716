"""Proximity functions against geopandas/scipy and hand-computed cases."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.spatial import cKDTree

import gzgeo
from gzgeo.analysis import (
    along_axis,
    axis_line,
    buffers,
    coverage,
    distance_matrix,
    distance_to_layout,
    distance_to_nearest,
    located,
    nearest_platforms,
    query_region,
    rings,
    synthetic_points,
)
from gzgeo.analysis.projection import metric_xy

METRIC = gzgeo.GUANGZHOU_METRIC_CRS


def _metric_frame(xy, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=METRIC)


@pytest.fixture(scope="module")
def synthetic_axis() -> gpd.GeoDataFrame:
    # Drawn from south to north: chainage must start at the northern end.
    line = shapely.LineString([(400_000, 2_560_000), (400_000, 2_570_000), (410_000, 2_570_000)])
    line = shapely.reverse(line)  # now starts in the east, ends in the south
    return gpd.GeoDataFrame({"id": ["a"]}, geometry=[line], crs=METRIC)


def test_along_axis_hand_case(synthetic_axis):
    # Line: (410000, 2570000) -> (400000, 2570000) -> (400000, 2560000); the north end is its start.
    xy = np.array([[405_000, 2_570_500], [400_300, 2_565_000], [399_000, 2_561_000], [395_000, 2_565_000]])
    pts = _metric_frame(xy, id=list("ABCD"))
    out = along_axis(pts, max_dist_m=1500, axis=synthetic_axis)
    assert list(out["id"]) == ["A", "B", "C"]  # D is 5 km away
    assert np.allclose(out["dist_m"], [500, 300, 1000])
    assert np.allclose(out["chainage_m"], [5000, 15_000, 19_000])
    assert out.crs.to_epsg() == 4326
    # Walking west along the first leg, a point to the north is on the right.
    assert out["side"].iloc[0] == "right"


def test_along_axis_matches_geopandas_on_bundled_axis(platforms):
    out = along_axis(platforms, max_dist_m=2000)
    line = axis_line()
    assert line.coords[0][1] > line.coords[-1][1]  # 知识城 (north) end first
    pm = gzgeo.to_metric(platforms)
    dist = pm.distance(line)
    near = dist <= 2000
    expected = platforms[near & (platforms["location_precision"] != "district")]
    assert set(out["id"]) == set(expected["id"]) and len(out) > 0
    # District-only estimates near the axis are left out by default and come back on request.
    everything = along_axis(platforms, max_dist_m=2000, coarsest="district")
    assert set(everything["id"]) == set(platforms.loc[near, "id"])
    ref = gzgeo.to_metric(out).geometry
    assert np.allclose(out["dist_m"], ref.distance(line), atol=1e-6)
    lines = gpd.GeoSeries([line] * len(ref), crs=METRIC)
    assert np.allclose(out["chainage_m"], lines.project(ref.reset_index(drop=True), align=False), atol=1e-6)
    assert out["chainage_m"].is_monotonic_increasing


def _precision_frame(xy, precision) -> gpd.GeoDataFrame:
    return _metric_frame(
        np.asarray(xy, dtype=float),
        id=[f"p{i}" for i in range(len(precision))],
        location_precision=list(precision),
        category="lab",
    )


def test_district_estimate_near_the_axis_is_not_on_the_axis(synthetic_axis):
    # A district-precision platform drawn 100 m from the axis is "somewhere in the district", not near the axis.
    pts = _precision_frame([[405_000, 2_570_100], [400_200, 2_565_000]], ["district", "site"])
    default = along_axis(pts, max_dist_m=2000, axis=synthetic_axis)
    assert list(default["id"]) == ["p1"]
    everything = along_axis(pts, max_dist_m=2000, axis=synthetic_axis, coarsest="district")
    assert list(everything["id"]) == ["p0", "p1"]
    assert everything.set_index("id").loc["p0", "dist_m"] == pytest.approx(100)
    with pytest.raises(ValueError, match="location-precision filtering.*coarsest='district'"):
        along_axis(pts.iloc[[0]], max_dist_m=2000, axis=synthetic_axis)


def test_nearest_platforms_never_answers_with_a_district_estimate():
    pts = _precision_frame(
        [[400_000, 2_560_000], [400_500, 2_560_000], [403_000, 2_560_000]], ["district", "zone", "site"]
    )
    target = gpd.GeoSeries([shapely.Point(400_000, 2_560_000)], crs=METRIC).to_crs(4326).iloc[0]
    near = nearest_platforms(pts, target, k=3)
    assert list(near["id"]) == ["p1", "p2"]
    assert np.allclose(near["dist_m"], [500, 3000], atol=1e-6)
    assert list(nearest_platforms(pts, target, k=1, coarsest="site")["id"]) == ["p2"]
    assert list(nearest_platforms(pts, target, k=1, coarsest=None)["id"]) == ["p0"]


def test_located_follows_the_precision_order():
    precisions = ["district", "zone", "campus_or_park", "site", "zone"]
    pts = _precision_frame(np.full((5, 2), [400_000, 2_560_000]), precisions)
    kept = {c: list(located(pts, c)["id"]) for c in ("site", "campus_or_park", "zone", "district", None)}
    assert kept == {
        "site": ["p3"],
        "campus_or_park": ["p2", "p3"],
        "zone": ["p1", "p2", "p3", "p4"],
        "district": ["p0", "p1", "p2", "p3", "p4"],
        None: ["p0", "p1", "p2", "p3", "p4"],
    }
    assert located(pts, "zone").crs == pts.crs
    synthetic = synthetic_points(10, seed=1)  # no location_precision column: exact points, kept as they are
    assert located(synthetic, "site") is synthetic
    with pytest.raises(ValueError, match="coarsest must be"):
        located(pts, "street")
    with pytest.raises(ValueError, match="empty after location-precision filtering"):
        located(pts.iloc[[0]])


def test_query_region_reports_platforms_left_out():
    pts = _precision_frame(
        [[400_000, 2_560_000], [400_100, 2_560_000], [400_200, 2_560_000]], ["district", "zone", "site"]
    )
    centre = gpd.GeoSeries([shapely.Point(400_000, 2_560_000)], crs=METRIC).to_crs(4326).iloc[0]
    q = query_region(pts, center=(centre.x, centre.y), radius_m=1000)
    assert list(q.platforms["id"]) == ["p1", "p2"]
    assert q.region[["n_platforms", "n_not_located"]].iloc[0].tolist() == [2, 1]
    q_all = query_region(pts, center=(centre.x, centre.y), radius_m=1000, coarsest=None)
    assert q_all.region[["n_platforms", "n_not_located"]].iloc[0].tolist() == [3, 0]


def test_nearest_platforms_matches_ckdtree():
    pts = synthetic_points(5000, seed=11)
    near = nearest_platforms(pts, (113.4, 23.2), k=10)
    centre = gpd.GeoSeries([shapely.Point(113.4, 23.2)], crs=4326).to_crs(METRIC).iloc[0]
    dist, idx = cKDTree(metric_xy(pts)).query([centre.x, centre.y], k=10)
    assert list(near["id"]) == list(pts["id"].iloc[idx])
    assert np.allclose(near["dist_m"], dist)


def test_nearest_platforms_to_a_polygon_and_by_category(zones):
    pts = synthetic_points(3000, seed=12)
    zone = zones.iloc[[0]]
    near = nearest_platforms(pts, zone, k=5, categories="lab")
    assert (near["category"] == "lab").all()
    labs = gzgeo.to_metric(pts[pts["category"] == "lab"])
    expected = np.sort(labs.distance(gzgeo.to_metric(zone).union_all()).to_numpy())[:5]
    assert np.allclose(near["dist_m"], expected)


def test_distance_to_nearest_matches_sjoin_nearest(platforms, zones):
    out = distance_to_nearest(platforms, zones, "zone")
    kept = platforms[platforms["location_precision"] != "district"]
    assert list(out.index) == list(kept.index)
    ref = gpd.sjoin_nearest(gzgeo.to_metric(platforms), gzgeo.to_metric(zones)[["id", "geometry"]], distance_col="d")
    ref = ref[~ref.index.duplicated()]
    assert np.allclose(out["dist_zone_m"].to_numpy(), ref["d"].reindex(kept.index).to_numpy())
    everything = distance_to_nearest(platforms, zones, "zone", coarsest=None)
    assert np.allclose(everything["dist_zone_m"].to_numpy(), ref["d"].reindex(platforms.index).to_numpy())


def test_distance_to_nearest_polygon_fast_path_matches_geopandas(districts):
    pts = synthetic_points(3000, seed=13, region=gzgeo.load("city").buffer(0.1).union_all())
    out = distance_to_nearest(pts, districts.iloc[[0, 3, 5]], "district", id_col="name_zh")
    dm = gzgeo.to_metric(districts.iloc[[0, 3, 5]])
    expected = np.stack([gzgeo.to_metric(pts).distance(g).to_numpy() for g in dm.geometry], axis=1)
    assert np.allclose(out["dist_district_m"], expected.min(axis=1), atol=1e-6)
    outside = expected.min(axis=1) > 1e-6
    names = dm["name_zh"].to_numpy()[expected.argmin(axis=1)]
    assert (out["nearest_district"].to_numpy()[outside] == names[outside]).all()


def test_distance_to_layout_is_zero_inside(platforms):
    d = distance_to_layout(platforms)
    kept = platforms[platforms["location_precision"] != "district"]
    assert list(d["id"]) == list(kept["id"])
    cores = gzgeo.to_metric(gzgeo.load("cores")).union_all()
    inside = gzgeo.to_metric(kept).intersects(cores).to_numpy()
    assert (d["dist_core_m"].to_numpy()[inside] == 0).all()
    assert (d["dist_core_m"].to_numpy()[~inside] > 0).all()


def test_distance_matrix_matches_geopandas():
    pts = synthetic_points(300, seed=4)
    m = distance_matrix(pts, "lab", ["facility", "institute"])
    a = gzgeo.to_metric(pts[pts["category"] == "lab"])
    b = gzgeo.to_metric(pts[pts["category"].isin(["facility", "institute"])])
    assert m.shape == (len(a), len(b))
    row = b.distance(a.geometry.iloc[0]).to_numpy()
    assert np.allclose(m.iloc[0].to_numpy(), row)


def test_buffers_and_rings_areas():
    pts = synthetic_points(3, seed=5)
    b = buffers(pts, 500)
    assert np.allclose(b["area_km2"], np.pi * 0.25, rtol=2e-3)
    r = rings(pts.head(1), [1000, 2000, 3000])
    assert np.allclose(r["area_km2"], np.pi * np.array([1, 3, 5]), rtol=2e-3)
    per_feature = rings(pts, [1000], dissolve=False)
    assert len(per_feature) == 3 and list(per_feature["feature"]) == [0, 1, 2]


def test_coverage_hand_case():
    # One platform at the centre of a 10 km square with r = 3 km: covered share = π·9 / 100.
    square = shapely.box(400_000, 2_560_000, 410_000, 2_570_000)
    zone = gpd.GeoDataFrame({"id": ["sq"], "name_zh": ["方块"]}, geometry=[square], crs=METRIC)
    pts = _metric_frame(
        np.array([[405_000, 2_565_000], [300_000, 2_500_000]]), id=["in", "far"], category=["lab", "lab"]
    )
    result = coverage(pts, zone, radius_m=3000)
    assert result.summary["covered_share"].iloc[0] == pytest.approx(np.pi * 9 / 100, rel=2e-3)
    assert result.uncovered["uncovered_km2"].iloc[0] == pytest.approx(100 - np.pi * 9, rel=2e-3)
    assert result.uncovered.crs.to_epsg() == 4326


def test_coverage_on_bundled_zones(platforms, zones):
    result = coverage(platforms, zones, radius_m=3000)
    s = result.summary
    assert np.allclose(s["covered_km2"] + s["uncovered_km2"], s["area_km2"])
    bigger = coverage(platforms, zones, radius_m=6000).summary
    assert (bigger["covered_share"].to_numpy() >= s["covered_share"].to_numpy() - 1e-9).all()


def test_query_region_circle_and_polygon():
    pts = synthetic_points(5000, seed=9)
    q = query_region(pts, center=(113.3, 23.2), radius_m=10_000)
    centre = gpd.GeoSeries([shapely.Point(113.3, 23.2)], crs=4326).to_crs(METRIC).iloc[0]
    dist = gzgeo.to_metric(pts).distance(centre)
    assert len(q.platforms) == int((dist <= 10_000).sum())
    assert q.region["n_platforms"].iloc[0] == len(q.platforms)
    cats = q.counts[q.counts["field"] == "category"]
    assert cats["n"].sum() == len(q.platforms)
    district = gzgeo.load("districts").iloc[[3]]
    qp = query_region(pts, district)
    assert len(qp.platforms) == int(pts.intersects(district.union_all()).sum())
    with pytest.raises(ValueError):
        query_region(pts)
