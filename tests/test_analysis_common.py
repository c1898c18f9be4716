"""Input checks, projection and the synthetic point generator of gzgeo.analysis."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import gzgeo
from gzgeo.analysis import (
    check_layer,
    kernel_density,
    mean_centre,
    nearest_neighbour_index,
    query_region,
    synthetic_points,
)
from gzgeo.analysis.projection import metric_xy


@pytest.fixture(scope="module")
def pts() -> gpd.GeoDataFrame:
    return synthetic_points(2000, seed=7)


def test_synthetic_points_are_reproducible_and_inside_the_city(pts):
    again = synthetic_points(2000, seed=7)
    assert np.allclose(shapely.get_coordinates(pts.geometry), shapely.get_coordinates(again.geometry))
    other = synthetic_points(2000, seed=8)
    assert not np.allclose(shapely.get_coordinates(pts.geometry), shapely.get_coordinates(other.geometry))
    city = gzgeo.to_metric(gzgeo.load("city")).union_all()
    xy = metric_xy(pts)
    assert shapely.contains_xy(city, xy[:, 0], xy[:, 1]).mean() > 0.999


def test_synthetic_points_are_uniform_by_area(pts):
    # Share of points per district matches its share of the city's area (chi-square style bound).
    districts = gzgeo.load("districts")
    joined = gpd.sjoin(pts, districts[["name_zh", "geometry"]], predicate="within")
    observed = joined["name_zh"].value_counts().reindex(districts["name_zh"], fill_value=0)
    area = gzgeo.to_metric(districts).area.to_numpy()
    expected = len(pts) * area / area.sum()
    assert np.all(np.abs(observed.to_numpy() - expected) < 5 * np.sqrt(expected) + 3)


def test_empty_input_is_a_clear_value_error(pts):
    with pytest.raises(ValueError, match="empty"):
        mean_centre(pts.iloc[:0])


def test_missing_crs_is_a_clear_value_error(pts):
    no_crs = gpd.GeoDataFrame(pts.drop(columns="geometry"), geometry=list(pts.geometry))
    with pytest.raises(ValueError, match="no CRS"):
        nearest_neighbour_index(no_crs)


def test_wrong_geometry_type_is_a_type_error():
    with pytest.raises(TypeError, match="Point"):
        kernel_density(gzgeo.load("districts"))


def test_non_geodataframe_is_a_type_error():
    with pytest.raises(TypeError, match="GeoDataFrame"):
        check_layer(pd.DataFrame({"a": [1]}), "table")


def test_missing_geometries_are_reported(pts):
    broken = pts.head(5).copy()
    broken.loc[broken.index[0], "geometry"] = None
    with pytest.raises(ValueError, match="1 missing"):
        check_layer(broken, "platforms", "Point")


def test_results_do_not_depend_on_the_input_crs(pts):
    # The same points given in WGS-84 and in a web-mercator CRS give the same metric answers.
    a = mean_centre(pts)
    b = mean_centre(pts.to_crs(3857))
    assert abs(float(a["x_m"].iloc[0] - b["x_m"].iloc[0])) < 0.01
    qa = query_region(pts, center=(113.3, 23.2), radius_m=20_000)
    qb = query_region(pts.to_crs(4547), center=(113.3, 23.2), radius_m=20_000)
    assert len(qa.platforms) == len(qb.platforms) > 0
