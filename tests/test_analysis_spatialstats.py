"""Spatial statistics checked against independent implementations (pointpats, esda, sklearn, scipy)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pointpats import PointPattern, centrography
from pointpats import distance_statistics as pp_distance
from scipy import stats
from scipy.spatial import cKDTree
from sklearn.neighbors import KernelDensity

import gzgeo
from gzgeo.analysis import (
    density_contours,
    hot_spots,
    hot_spots_by_area,
    kernel_density,
    mean_centre,
    median_centre,
    nearest_neighbour_index,
    ripley,
    standard_deviational_ellipse,
    synthetic_points,
)
from gzgeo.analysis.projection import metric_xy

METRIC = gzgeo.GUANGZHOU_METRIC_CRS


@pytest.fixture(scope="module")
def clustered() -> gpd.GeoDataFrame:
    """An anisotropic, clustered pattern in metres (elongated NE-SW) with weights."""
    rng = np.random.default_rng(42)
    raw = rng.normal(0, 1, (800, 2)) * [9000, 3000]
    angle = np.radians(30)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    xy = raw @ rot.T + [420_000, 2_560_000]
    return gpd.GeoDataFrame(
        {"w": rng.uniform(1, 5, len(xy))}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=METRIC
    )


@pytest.fixture(scope="module")
def uniform() -> gpd.GeoDataFrame:
    return synthetic_points(4000, seed=21)


def test_kernel_density_matches_sklearn(clustered):
    surface = kernel_density(clustered, bandwidth_m=2000, cell_m=200)
    xy = metric_xy(clustered)
    kde = KernelDensity(kernel="gaussian", bandwidth=2000).fit(xy)
    rng = np.random.default_rng(0)
    iy = rng.integers(20, len(surface.y_m) - 20, 200)
    ix = rng.integers(20, len(surface.x_m) - 20, 200)
    nodes = np.column_stack([surface.x_m[ix], surface.y_m[iy]])
    expected = np.exp(kde.score_samples(nodes)) * len(xy) * 1e6  # per km²
    got = surface.density_per_km2[iy, ix]
    significant = expected > 0.01 * expected.max()
    assert np.allclose(got[significant], expected[significant], rtol=0.02)
    # Weighted surface integrates to the total weight.
    weighted = kernel_density(clustered, bandwidth_m=2000, cell_m=200, weights="w")
    assert weighted.density_per_km2.sum() * 0.04 == pytest.approx(clustered["w"].sum(), rel=1e-3)


def test_estimates_are_left_out_of_density_and_centres_with_their_weights(clustered):
    # Half the points become district-only estimates; an array of weights must be filtered alongside them.
    pts = clustered.assign(location_precision=np.where(np.arange(len(clustered)) % 2, "district", "zone"))
    kept = pts[pts["location_precision"] == "zone"]
    w = pts["w"].to_numpy()
    surface = kernel_density(pts, bandwidth_m=2000, cell_m=200, weights=w)
    assert surface.density_per_km2.sum() * 0.04 == pytest.approx(kept["w"].sum(), rel=1e-3)
    centre = mean_centre(pts, weights=w)
    expected = np.average(metric_xy(kept), axis=0, weights=kept["w"])
    assert np.allclose(centre[["x_m", "y_m"]].to_numpy()[0], expected)
    assert nearest_neighbour_index(pts, area_km2=2000)["n"].iloc[0] == len(kept)
    assert nearest_neighbour_index(pts, area_km2=2000, coarsest=None)["n"].iloc[0] == len(pts)
    assert hot_spots(pts, cell_m=4000)["count"].sum() <= len(kept)


def test_density_contours_match_thresholded_grid(clustered):
    surface = kernel_density(clustered, bandwidth_m=2000, cell_m=200)
    peak = surface.density_per_km2.max()
    levels = [0.1 * peak, 0.5 * peak]
    rings = density_contours(surface, levels)
    for level, area in zip(levels, rings["area_km2"], strict=True):
        cells = (surface.density_per_km2 >= level).sum() * 0.04
        assert area == pytest.approx(cells, rel=0.03)
    outer = gzgeo.to_metric(rings.iloc[[0]]).union_all()
    inner = gzgeo.to_metric(rings.iloc[[1]]).union_all()
    assert inner.difference(outer.buffer(1)).area < 1.0  # nested


def test_mean_and_median_centre_match_pointpats(clustered):
    xy = metric_xy(clustered)
    mc = mean_centre(clustered)
    assert np.allclose([mc["x_m"].iloc[0], mc["y_m"].iloc[0]], centrography.mean_center(xy), atol=1e-6)
    wmc = mean_centre(clustered, weights="w")
    expected = centrography.weighted_mean_center(xy, clustered["w"].to_numpy())
    assert np.allclose([wmc["x_m"].iloc[0], wmc["y_m"].iloc[0]], expected, atol=1e-6)
    med = median_centre(clustered)
    ref = np.asarray(centrography.euclidean_median(xy))
    ours = np.array([med["x_m"].iloc[0], med["y_m"].iloc[0]])
    objective = lambda c: np.hypot(*(xy - c).T).sum()  # noqa: E731
    assert np.hypot(*(ours - ref)) < 5.0
    assert objective(ours) <= objective(ref) + 1e-3 * objective(ref) / len(xy)


def test_median_centre_hand_case():
    # Four corners of a square and its centre: the median centre is the centre.
    xy = np.array([[0, 0], [0, 1000], [1000, 0], [1000, 1000], [500, 500]], dtype=float) + [420_000, 2_560_000]
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=METRIC)
    med = median_centre(pts)
    assert med["x_m"].iloc[0] == pytest.approx(420_500, abs=0.01)
    assert med["y_m"].iloc[0] == pytest.approx(2_560_500, abs=0.01)


def test_standard_deviational_ellipse_matches_pointpats(clustered):
    xy = metric_xy(clustered)
    major, minor, theta = centrography.ellipse(xy, method="crimestat")
    e = standard_deviational_ellipse(clustered, correction="crimestat")
    assert e["semi_major_m"].iloc[0] == pytest.approx(major, rel=1e-9)
    assert e["semi_minor_m"].iloc[0] == pytest.approx(minor, rel=1e-9)
    # ArcGIS-style (√2 only) equals pointpats' Yuill method without the degrees-of-freedom term.
    major_a, minor_a, _ = centrography.ellipse(xy, method="yuill", crimestatCorr=True, degfreedCorr=False)
    a = standard_deviational_ellipse(clustered)
    assert a["semi_major_m"].iloc[0] == pytest.approx(major_a, rel=1e-9)
    assert a["semi_minor_m"].iloc[0] == pytest.approx(minor_a, rel=1e-9)
    # The pattern was rotated 30° anticlockwise from east: its major axis points 60° clockwise from north.
    assert e["rotation_deg"].iloc[0] == pytest.approx(60, abs=3)
    # Same shape as pointpats' polygon (which it builds by scaling and rotating a buffered centre).
    pp_polygon = centrography.ellipse(gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1])), method="crimestat")
    ours = gzgeo.to_metric(e).iloc[0].geometry
    overlap = ours.intersection(pp_polygon).area / ours.union(pp_polygon).area
    assert overlap > 0.98, theta


def test_nearest_neighbour_index_matches_pointpats_and_formula(clustered, uniform):
    xy = metric_xy(clustered)
    area_km2 = 2000.0
    nni = nearest_neighbour_index(clustered, area_km2=area_km2).iloc[0]
    pattern = PointPattern(xy)
    assert nni["observed_mean_dist_m"] == pytest.approx(pattern.mean_nnd, rel=1e-12)
    n, area = len(xy), area_km2 * 1e6
    expected = 0.5 / np.sqrt(n / area)
    z = (pattern.mean_nnd - expected) / (0.26136 / np.sqrt(n * n / area))
    assert nni["nni"] == pytest.approx(pattern.mean_nnd / expected)
    assert nni["z_score"] == pytest.approx(z)
    assert nni["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
    # Uniform points in the city (study area = the city by default) are close to random.
    u = nearest_neighbour_index(uniform).iloc[0]
    assert 0.95 < u["nni"] < 1.1
    assert u["area_km2"] == pytest.approx(gzgeo.to_metric(gzgeo.load("city")).area.sum() / 1e6)


def test_ripley_matches_pointpats(clustered):
    xy = metric_xy(clustered)
    d = np.array([500.0, 1000, 2000, 4000, 8000])
    box_area = np.prod(xy.max(axis=0) - xy.min(axis=0))
    ours = ripley(clustered, d, area_km2=box_area / 1e6)
    support, k_pp = pp_distance.k(xy, support=d)
    n = len(xy)
    # pointpats divides by n² (we use n(n−1)); its default study area is the bounding box.
    assert np.allclose(ours["k_m2"].to_numpy() * (n - 1) / n, k_pp, rtol=1e-9)
    assert (ours["l_minus_d_m"] > 0).all()  # clustered at every scale
    pairs = cKDTree(xy).query_pairs(2000, output_type="ndarray")
    assert ours.loc[ours["distance_m"] == 2000, "pairs"].iloc[0] == len(pairs)


def test_ripley_l_close_to_d_for_uniform_points():
    square = shapely.box(113.2, 23.1, 113.4, 23.3)
    pts = synthetic_points(3000, seed=5, region=square)
    table = ripley(pts, [500, 1000], region=square)
    # Without edge correction L is biased slightly low; it stays within 5% of d.
    assert np.allclose(table["l_m"], table["distance_m"], rtol=0.05)


def test_hot_spots_grid_match_esda(clustered):
    from esda import G_Local
    from libpysal.weights import Queen

    region = gzgeo.to_metric(
        gpd.GeoDataFrame(geometry=[shapely.Point(420_000, 2_560_000).buffer(25_000)], crs=METRIC)
    ).to_crs(4326)
    cells = hot_spots(clustered, cell_m=4000, region=region)
    assert cells["count"].sum() <= len(clustered)
    w = Queen.from_dataframe(cells.to_crs(METRIC), use_index=False)
    reference = G_Local(cells["count"].to_numpy(), w, star=True, transform="B", permutations=0)
    assert np.allclose(cells["gi_z"].to_numpy(), reference.Zs, atol=1e-8)
    assert (cells.loc[cells["gi_z"].idxmax(), "hot_spot"]).startswith("hot spot")


def test_hot_spots_by_district_hand_case(platforms, districts):
    g = hot_spots_by_area(platforms, districts)
    x = g["density_per_km2"].to_numpy()
    n = len(x)
    dm = gzgeo.to_metric(districts).geometry
    i = 0
    neighbours = np.flatnonzero(dm.distance(dm.iloc[i]).to_numpy() <= 50)  # includes itself
    wsum = len(neighbours)
    s = np.sqrt((x**2).mean() - x.mean() ** 2)
    z = (x[neighbours].sum() - x.mean() * wsum) / (s * np.sqrt((n * wsum - wsum**2) / (n - 1)))
    assert g["gi_z"].iloc[i] == pytest.approx(z)
    assert g["n_neighbours"].iloc[i] == wsum - 1
