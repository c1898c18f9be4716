"""Zone/district statistics against plain geopandas joins and hand counts."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

import gzgeo
from gzgeo.analysis import (
    count_platforms,
    layout_shares,
    layout_statistics,
    points_in_polygons,
    synthetic_points,
    target_progress,
)

METRIC = gzgeo.GUANGZHOU_METRIC_CRS


def test_points_in_polygons_matches_sjoin_on_20k_points():
    pts = synthetic_points(20_000, seed=3)
    districts = gzgeo.load("districts")
    p, d = points_in_polygons(pts, districts)
    joined = gpd.sjoin(gzgeo.to_metric(pts), gzgeo.to_metric(districts), predicate="intersects")
    mine = set(zip(p.tolist(), d.tolist(), strict=True))
    reference = set(zip(joined.index.tolist(), joined["index_right"].tolist(), strict=True))
    assert mine == reference


def test_count_platforms_breakdowns_add_up(platforms, districts):
    stats = count_platforms(platforms, districts, by=("category", "level"))
    assert stats.crs.to_epsg() == 4326
    cat_cols = [c for c in stats if c.startswith("n_category_")]
    lvl_cols = [c for c in stats if c.startswith("n_level_")]
    assert (stats[cat_cols].sum(axis=1) == stats["n_platforms"]).all()
    assert (stats[lvl_cols].sum(axis=1) == stats["n_platforms"]).all()
    area = gzgeo.to_metric(districts).area.to_numpy() / 1e6
    assert np.allclose(stats["area_km2"], area)
    assert np.allclose(stats["density_per_km2"], stats["n_platforms"] / area)
    # Point-in-polygon agrees with a plain sjoin.
    zoned = districts[["name_zh", "geometry"]].rename(columns={"name_zh": "district_zh"})
    joined = gpd.sjoin(platforms, zoned, predicate="intersects")
    expected = joined["district_zh"].value_counts().reindex(districts["name_zh"], fill_value=0).to_numpy()
    assert (stats["n_platforms"].to_numpy() == expected).all()


def test_count_platforms_counts_estimates_on_a_hand_made_frame():
    square = lambda x0: shapely.box(x0, 2_560_000, x0 + 10_000, 2_570_000)  # noqa: E731
    areas = gpd.GeoDataFrame(
        {"id": ["west", "east", "empty"]}, geometry=[square(400_000), square(410_000), square(430_000)], crs=METRIC
    )
    xy = np.array(
        [
            [401_000, 2_561_000],
            [402_000, 2_562_000],
            [403_000, 2_563_000],
            [404_000, 2_564_000],
            [415_000, 2_565_000],
            [416_000, 2_566_000],
            [500_000, 2_500_000],
        ]
    )
    precision = ["site", "campus_or_park", "zone", "district", "district", "site", "zone"]
    pts = gpd.GeoDataFrame(
        {"location_precision": precision}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=METRIC
    )
    stats = count_platforms(pts, areas, by=None).set_index("id")
    assert stats["n_platforms"].to_dict() == {"west": 4, "east": 2, "empty": 0}
    assert stats["n_estimated"].to_dict() == {"west": 2, "east": 1, "empty": 0}  # the point outside is not counted
    # Without a precision column every point is taken as exact.
    exact = count_platforms(pts.drop(columns="location_precision"), areas, by=None)
    assert exact["n_estimated"].tolist() == [0, 0, 0]


def test_layout_statistics_covers_every_layer(platforms, zones):
    table = layout_statistics(platforms)
    assert set(table["kind"]) == {"zone", "zone_part", "core", "node", "district"}
    top = zones["parent"].fillna("").astype(str).str.strip() == ""
    assert (table["kind"] == "zone").sum() == top.sum()
    assert (table["kind"] == "zone_part").sum() == (~top).sum()
    for _, row in table[table["kind"] == "zone"].iterrows():
        geom = gzgeo.to_metric(zones[zones["id"] == row["id"]]).union_all()
        hit = gzgeo.to_metric(platforms).intersects(geom).to_numpy()
        assert row["n_platforms"] == hit.sum()
        assert row["n_estimated"] == platforms["location_is_estimate"].to_numpy()[hit].sum()
    # District-only estimates lie outside every zone, so no zone counts one; districts count all of them.
    district_only = (platforms["location_precision"] == "district").to_numpy()
    for _, row in table[table["kind"] == "zone"].iterrows():
        geom = gzgeo.to_metric(zones[zones["id"] == row["id"]]).union_all()
        assert not gzgeo.to_metric(platforms[district_only]).intersects(geom).any()
    districts = table[table["kind"] == "district"]
    assert districts["n_estimated"].sum() == platforms["location_is_estimate"].sum()


def test_layout_shares_match_manual_union(platforms, zones):
    shares = layout_shares(platforms, zones)
    top = zones[zones["parent"].fillna("").astype(str).str.strip() == ""]
    union = gzgeo.to_metric(top).union_all()
    inside = gzgeo.to_metric(platforms).intersects(union).sum()
    assert shares.loc["yiqu_sancheng", "n_inside"] == inside
    assert shares.loc["yiqu_sancheng", "share"] == pytest.approx(inside / len(platforms))
    cores, nodes = gzgeo.load("cores"), gzgeo.load("nodes")
    layout = gzgeo.to_metric(gpd.pd.concat([cores, nodes])).union_all()
    assert shares.loc["layout_123", "n_inside"] == gzgeo.to_metric(platforms).intersects(layout).sum()


def test_target_progress_counts_by_category_and_scope(platforms):
    targets = gzgeo.load("targets")
    progress = target_progress(platforms, targets)
    island = gzgeo.load("nodes").set_index("id").geometry["bio-island"]
    countable = targets[targets["countable_category"].fillna("").str.strip() != ""]
    assert len(progress) == len(countable) > 0
    for _, row in progress.iterrows():
        cats = row["countable_category"].split("|")
        mask = platforms["category"].isin(cats)
        if "huangpu" in str(row["scope"]).lower() or "黄埔" in str(row["scope"]):
            # Huangpu's remit: the district and 生物岛, which it administers (AMap puts it in 海珠区).
            mask &= (platforms["district"] == "黄埔区") | platforms.geometry.within(island)
        assert row["mapped_count"] == mask.sum()
        assert row["gap"] == row["target_value"] - row["mapped_count"]
        assert row["source_file"]
    facilities = progress.set_index("id").loc["hp-facilities-box3"]
    assert facilities["mapped_count"] == 3  # 人类细胞谱系 (生物岛), 航空轮胎, 慧眼


def test_target_progress_huangpu_scope_only_counts_huangpu(platforms):
    fake = gpd.pd.DataFrame(
        [
            {
                "id": "a",
                "indicator_zh": "x",
                "indicator_en": "x",
                "scope": "Guangzhou",
                "target_value": 1,
                "target_year": 2025,
                "unit": "个",
                "countable_category": "lab",
                "source_file": "s",
                "clause": "c",
            },
            {
                "id": "b",
                "indicator_zh": "x",
                "indicator_en": "x",
                "scope": "黄埔区",
                "target_value": 1,
                "target_year": 2025,
                "unit": "个",
                "countable_category": "lab",
                "source_file": "s",
                "clause": "c",
            },
        ]
    )
    pts = synthetic_points(50, seed=1, categories=("lab",))
    pts["district"] = ["黄埔区"] * 20 + ["天河区"] * 30
    progress = target_progress(pts, fake).set_index("id")
    assert progress.loc["a", "mapped_count"] == 50
    assert progress.loc["b", "mapped_count"] == 20
    assert bool(progress.loc["b", "met"])
