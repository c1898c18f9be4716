"""Clustering: recovered structure, determinism, hulls."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from scipy.spatial import ConvexHull

import gzgeo
from gzgeo.analysis import cluster_summary, dbscan_clusters, hdbscan_clusters
from gzgeo.analysis.projection import metric_xy

METRIC = gzgeo.GUANGZHOU_METRIC_CRS


@pytest.fixture(scope="module")
def blobs() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(0)
    centres = np.array([[430_000, 2_560_000], [445_000, 2_580_000], [460_000, 2_520_000]])
    sizes = [60, 40, 25]
    xy = np.concatenate([c + rng.normal(0, 400, (s, 2)) for c, s in zip(centres, sizes, strict=True)])
    noise = rng.uniform([400_000, 2_500_000], [480_000, 2_600_000], (10, 2))
    xy = np.concatenate([xy, noise])
    truth = np.concatenate([np.full(s, i) for i, s in enumerate(sizes)] + [np.full(10, -1)])
    cats = np.where(truth == 0, "lab", "facility")
    return gpd.GeoDataFrame(
        {"id": [f"b{i}" for i in range(len(xy))], "truth": truth, "category": cats},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=METRIC,
    )


def test_dbscan_recovers_blobs_and_orders_by_size(blobs):
    out = dbscan_clusters(blobs, eps_m=800, min_samples=5)
    core = blobs["truth"] >= 0
    assert (out.loc[core, "cluster"].to_numpy() == blobs.loc[core, "truth"].to_numpy()).mean() > 0.95
    assert (out.loc[~core, "cluster"] == -1).mean() >= 0.9
    assert out.crs.to_epsg() == 4326


def test_labels_do_not_depend_on_row_order(blobs):
    a = dbscan_clusters(blobs, eps_m=800, min_samples=5).set_index("id")["cluster"]
    shuffled = blobs.sample(frac=1, random_state=3)
    b = dbscan_clusters(shuffled, eps_m=800, min_samples=5).set_index("id")["cluster"]
    assert (a == b.reindex(a.index)).all()
    h1 = hdbscan_clusters(blobs, min_cluster_size=10).set_index("id")["cluster"]
    h2 = hdbscan_clusters(shuffled, min_cluster_size=10).set_index("id")["cluster"]
    assert (h1 == h2.reindex(h1.index)).all()


def test_hdbscan_finds_the_three_blobs(blobs):
    out = hdbscan_clusters(blobs, min_cluster_size=10)
    core = blobs["truth"] >= 0
    assert out["cluster"].max() == 2
    assert (out.loc[core, "cluster"].to_numpy() == blobs.loc[core, "truth"].to_numpy()).mean() > 0.9


def test_cluster_summary_hulls_match_scipy(blobs, zones):
    labelled = dbscan_clusters(blobs, eps_m=800, min_samples=5)
    convex = cluster_summary(labelled, hull="convex", zones=zones)
    concave = cluster_summary(labelled, hull="concave", concave_ratio=0.2, zones=zones)
    xy = metric_xy(labelled)
    for _, row in convex.iterrows():
        members = xy[labelled["cluster"].to_numpy() == row["cluster"]]
        assert row["n_points"] == len(members)
        assert row["hull_area_km2"] == pytest.approx(ConvexHull(members).volume / 1e6, rel=1e-9)
    assert (concave["hull_area_km2"].to_numpy() <= convex["hull_area_km2"].to_numpy() + 1e-12).all()
    assert convex.loc[0, "dominant_categories"] == "lab:60"


def test_cluster_summary_reports_overlapping_zones(platforms, zones):
    labelled = dbscan_clusters(platforms, eps_m=2500, min_samples=3)
    summary = cluster_summary(labelled, zones=zones)
    zm = gzgeo.to_metric(zones)
    for _, row in summary.iterrows():
        hull = gzgeo.to_metric(gpd.GeoSeries([row.geometry], crs=4326)).iloc[0]
        expected = sorted(zm.loc[zm.intersects(hull), "id"])
        assert sorted(filter(None, row["zones"].split("|"))) == expected


def test_identical_district_estimates_do_not_form_a_cluster(blobs):
    # Twenty platforms known only to one district share one drawn point: that is not a cluster.
    stacked = gpd.GeoDataFrame(
        {"id": [f"d{i}" for i in range(20)], "location_precision": "district"},
        geometry=gpd.points_from_xy([470_000] * 20, [2_590_000] * 20),
        crs=METRIC,
    )
    located_blobs = blobs.assign(location_precision="site")
    mixed = gpd.GeoDataFrame(gpd.pd.concat([located_blobs, stacked], ignore_index=True), crs=METRIC)
    out = dbscan_clusters(mixed, eps_m=800, min_samples=5)
    assert len(out) == len(blobs) and not out["id"].str.startswith("d").any()
    assert out["cluster"].max() == 2
    with_estimates = dbscan_clusters(mixed, eps_m=800, min_samples=5, coarsest="district")
    assert with_estimates["cluster"].max() == 3  # the stacked points become a spurious fourth cluster
    assert hdbscan_clusters(mixed, min_cluster_size=10)["id"].str.startswith("b").all()


def test_clustering_errors(blobs):
    with pytest.raises(ValueError):
        dbscan_clusters(blobs, eps_m=0)
    with pytest.raises(ValueError, match="cluster"):
        cluster_summary(blobs)
