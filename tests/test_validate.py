"""gzgeo.validate: the bundled data is clean, and broken data is caught."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import gzgeo


def test_bundled_data_is_clean():
    report = gzgeo.validate()
    assert report.ok, str(report)
    assert report.checked["platforms"] >= 80
    assert report.checked["districts"] == 11


@pytest.fixture
def broken_home(writable_home):
    """A copy of the data home whose files a test may break."""
    return writable_home


def _edit_platforms(home: Path, edit) -> None:
    path = home / "data" / "platforms.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(table)
    table.to_csv(path, index=False)


def _pin(table, i, lon, lat):
    table.loc[i, ["lon", "lat", "location_precision", "anchor"]] = [str(lon), str(lat), "campus_or_park", ""]


def test_catches_platform_in_wrong_district(broken_home):
    def move(t):
        i = t.index[t["district"] != "从化区"][0]
        _pin(t, i, 113.59, 23.55)  # a point in Conghua
    _edit_platforms(broken_home, move)
    problems = gzgeo.validate().to_frame()
    flagged = problems[problems["check"] == "district"]
    assert len(flagged) == 1 and "从化区" in flagged["message"].iloc[0]


def test_catches_duplicate_ids_missing_provenance_and_bad_precision(broken_home):
    def damage(t):
        t.loc[1, "id"] = t.loc[0, "id"]
        t.loc[2, "location_source"] = ""
        t.loc[3, "location_precision"] = "exact"
    _edit_platforms(broken_home, damage)
    checks = set(gzgeo.validate().to_frame()["check"])
    assert {"unique_ids", "provenance", "location_precision"} <= checks


def test_catches_point_outside_guangzhou(broken_home):
    def away(t):
        _pin(t, 0, 116.4, 39.9)  # Beijing
    _edit_platforms(broken_home, away)
    checks = set(gzgeo.validate().to_frame()["check"])
    assert "bounds" in checks


def test_catches_zone_area_far_from_official(broken_home):
    import geopandas as gpd

    path = broken_home / "geo" / "zones.geojson"
    zones = gpd.read_file(path)
    zones.loc[zones["id"] == "science-city", "official_area_km2"] = 500
    zones.to_file(path, driver="GeoJSON")
    problems = gzgeo.validate().to_frame()
    assert ((problems["check"] == "area") & (problems["feature"] == "science-city")).any()


def test_report_prints_problems(broken_home):
    _edit_platforms(broken_home, lambda t: t.__setitem__("category", "nonsense"))
    report = gzgeo.validate()
    assert not report.ok
    assert "nonsense" not in str(report) and "categories.csv" in str(report)
