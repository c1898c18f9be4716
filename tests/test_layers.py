"""gzgeo.layers: every layer loads in WGS-84 with its schema, provenance and sensible content."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

import gzgeo
from gzgeo.crs import GUANGZHOU_METRIC_CRS
from gzgeo.layers import LAYERS, LOCATION_PRECISIONS

# Official areas (km²) from the research notes, for spot checks independent of the data files.
OFFICIAL_KM2 = {
    "knowledge-city": 232,
    "science-city": 144.65,
    "nansha-science-city": 99,
    "ai-digital-economy": 81,
    "pazhou": 48,
    "finance-city": 8,
    "yuzhu": 25,
}
DISTRICT_NAMES = {
    "荔湾区",
    "越秀区",
    "海珠区",
    "天河区",
    "白云区",
    "黄埔区",
    "番禺区",
    "花都区",
    "南沙区",
    "从化区",
    "增城区",
}


def test_layers_lists_every_layer_with_columns():
    table = gzgeo.layers()
    assert set(table.index) == set(LAYERS)
    assert table.loc["platforms", "geometry"] == "Point"
    assert "location_precision" in table.loc["platforms", "columns"]


@pytest.mark.parametrize("name", list(LAYERS))
def test_load_returns_schema_and_crs(name):
    frame = gzgeo.load(name)
    assert len(frame) > 0
    missing = [c for c in LAYERS[name].columns if c not in frame.columns]
    assert not missing
    if LAYERS[name].is_spatial:
        assert frame.crs.to_epsg() == 4326


def test_load_returns_independent_copies():
    a = gzgeo.load("zones")
    a.loc[:, "name_en"] = "changed"
    assert (gzgeo.load("zones")["name_en"] != "changed").all()


def test_unknown_layer_is_a_clear_error():
    with pytest.raises(KeyError, match="available"):
        gzgeo.load("roads")


def test_districts_are_the_eleven_with_city_area(districts):
    assert set(districts["name_zh"]) == DISTRICT_NAMES
    assert districts["adcode"].astype(int).between(440103, 440118).all()
    total = gzgeo.area_km2(districts).sum()
    assert total == pytest.approx(7434.4, rel=0.02)  # official area of Guangzhou
    # The simplified layer keeps each district within 3% of its source.
    measured = gzgeo.area_km2(districts)
    assert ((measured - districts["source_area_km2"].astype(float)).abs() / measured).max() < 0.03


def test_city_outline_matches_union_of_districts(districts):
    city = gzgeo.load("city")
    assert len(city) == 1
    union = shapely.union_all(districts.to_crs(GUANGZHOU_METRIC_CRS).geometry.values)
    outline = city.to_crs(GUANGZHOU_METRIC_CRS).geometry.iloc[0]
    assert outline.symmetric_difference(union).area / outline.area < 0.01


def test_district_positions_are_where_guangzhou_is(districts):
    # Known WGS-84 points: Canton Tower (Haizhu), Guangzhou Baiyun airport (Huadu/Baiyun), Nansha port area.
    points = {"海珠区": (113.3191, 23.1066), "南沙区": (113.6, 22.75), "从化区": (113.59, 23.55)}
    for name, (lon, lat) in points.items():
        geom = districts.loc[districts["name_zh"] == name].geometry.iloc[0]
        assert geom.contains(shapely.Point(lon, lat)), name


def test_zone_areas_near_official(zones):
    measured = gzgeo.area_km2(zones.set_index("id"))
    for zone_id, official in OFFICIAL_KM2.items():
        assert measured[zone_id] == pytest.approx(official, rel=0.15), zone_id


def test_zones_are_approximate_and_say_how_drawn(zones):
    assert (zones["geometry_quality"] == "approximate").all()
    assert zones["geometry_source"].str.len().min() > 20
    assert set(zones.loc[zones["parent"] == "ai-digital-economy", "id"]) == {"pazhou", "finance-city", "yuzhu"}
    assert zones.set_index("id").loc["mingzhu-science-park", "parent"] == "nansha-science-city"


def test_axis_runs_from_knowledge_city_through_science_city(zones):
    axis = gzgeo.load("axis")
    assert len(axis) == 1
    line = axis.geometry.iloc[0]
    z = zones.set_index("id")
    start = shapely.Point(line.coords[0])
    assert z.geometry["knowledge-city"].buffer(0.01).contains(start)
    assert line.intersects(z.geometry["science-city"])
    length = gzgeo.to_metric(axis).length.iloc[0] / 1000
    assert axis["length_km"].astype(float).iloc[0] == pytest.approx(length, rel=0.01)
    assert 15 < length < 60


def test_axis_passes_its_linked_platforms(platforms):
    axis = gzgeo.to_metric(gzgeo.load("axis"))
    linked = axis["linked_platforms"].iloc[0].split("|")
    assert len(linked) >= 5
    located = platforms.set_index("id").loc[linked]
    located = located[located["location_precision"] != "district"]  # a district gives no point to pass through
    assert len(located) >= 4
    assert gzgeo.to_metric(located).distance(axis.geometry.iloc[0]).max() < 300


def test_cores_and_nodes():
    cores, nodes = gzgeo.load("cores"), gzgeo.load("nodes")
    assert set(cores["id"]) == {"knowledge-city", "science-city"}
    assert set(nodes["id"]) == {"bio-island", "yuzhu", "suigang"}
    areas = gzgeo.area_km2(nodes.set_index("id"))
    assert areas["bio-island"] == pytest.approx(1.83, rel=0.15)
    assert areas["suigang"] == pytest.approx(56.39, rel=0.15)


def test_platforms_cover_the_plans(platforms):
    assert len(platforms) >= 80
    assert platforms["id"].is_unique
    assert set(platforms["location_precision"]) <= set(LOCATION_PRECISIONS)
    counts = platforms["category"].value_counts()
    assert counts.get("provincial_lab", 0) >= 4
    assert counts.get("big_science_facility", 0) >= 4
    names = set(platforms["name_zh"])
    for name in ("广州实验室", "粤港澳大湾区国家技术创新中心", "广州超算中心", "广州科学馆", "明珠科学园"):
        assert any(name in n for n in names), name


def test_every_platform_has_a_point_and_says_how_sure(platforms):
    assert platforms.geometry.notna().all()
    estimated = platforms["location_precision"].isin(["zone", "district"])
    assert (platforms["location_is_estimate"] == estimated).all()
    # Estimates carry no lon/lat of their own: the point comes from the anchor polygon.
    assert platforms.loc[estimated, "lon"].isna().all()
    assert platforms.loc[~estimated, "lon"].notna().all()
    assert (platforms["location_source"].str.len() > 0).all()


def test_city_1_1_4_4_n_system_is_complete(platforms):
    members = gzgeo.load("memberships")
    city = members[members["framework"] == "gz-1+1+4+4+N"]
    roles = city["role"].value_counts()
    assert roles.get("national_lab", 0) >= 1
    assert roles.get("national_tech_innovation_center", 0) >= 1
    assert roles.get("big_science_facility", 0) == 4
    assert roles.get("provincial_lab", 0) == 4
    assert roles.get("innovation_institute", 0) == 11
    assert set(city["platform_id"]) <= set(platforms["id"])


def test_targets_include_table_2_1_and_city_targets():
    targets = gzgeo.load("targets")
    assert pd.api.types.is_numeric_dtype(targets["target_value"])
    assert (targets["scope"].str.contains("Huangpu")).sum() >= 17
    assert ((targets["target_value"] == 320) & (targets["target_year"] == 2025)).any()
    assert (targets["target_value"] == 170).any()


def test_write_layer_round_trips_and_names_the_layer_after_its_file(tmp_path):
    import json

    import geopandas as gpd

    from gzgeo.layers import write_layer

    cores = gzgeo.load("cores")
    path = write_layer(cores, "cores", tmp_path)
    assert path == tmp_path / LAYERS["cores"].path
    assert json.loads(path.read_text(encoding="utf-8"))["name"] == path.stem  # not the temporary file's name
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary file left behind
    written = gpd.read_file(path)
    assert list(written["id"]) == list(cores["id"])
    area = written.to_crs(GUANGZHOU_METRIC_CRS).area.sum()
    assert area == pytest.approx(cores.to_crs(GUANGZHOU_METRIC_CRS).area.sum(), rel=1e-6)
