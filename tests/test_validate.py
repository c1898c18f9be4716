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


def _pin(table, i, lon, lat, datum="wgs84", place=""):
    table.loc[i, ["lon", "lat", "location_precision", "anchor", "datum_source", "place_id"]] = [
        str(lon),
        str(lat),
        "campus_or_park",
        "",
        datum,
        place,
    ]
    if not table.loc[i, "location_source"]:
        table.loc[i, "location_source"] = "a test source"


def _checks(feature=None) -> set[str]:
    problems = gzgeo.validate().to_frame()
    if feature is not None:
        problems = problems[problems["feature"].str.contains(feature, regex=False)]
    return set(problems["check"])


def _huangpu_rows(t, n):
    return list(t.index[(t["district"] == "黄埔区") & (t["location_precision"] == "district")][:n])


def test_located_platform_needs_source_and_datum(broken_home):
    ids = {}

    def damage(t):
        a, b = _huangpu_rows(t, 2)
        _pin(t, a, 113.4812, 23.1723, datum="")
        _pin(t, b, 113.4912, 23.1823)
        t.loc[b, "location_source"] = ""
        ids.update(a=t.loc[a, "id"], b=t.loc[b, "id"])

    _edit_platforms(broken_home, damage)
    assert "datum" in _checks(ids["a"])
    assert "located" in _checks(ids["b"]) or "provenance" in _checks(ids["b"])


def test_located_platform_decimals_match_precision(broken_home):
    ids = {}

    def damage(t):
        (a,) = _huangpu_rows(t, 1)
        _pin(t, a, 113.481234, 23.172345)  # 6 decimals for a campus: more than the source supports
        ids["a"] = t.loc[a, "id"]

    _edit_platforms(broken_home, damage)
    assert "decimals" in _checks(ids["a"])


def test_located_platform_near_its_place_and_inside_its_anchor(broken_home):
    ids = {}
    places = pd.read_csv(broken_home / "data" / "places.csv", dtype=str, keep_default_na=False)
    place = places["id"].iloc[0]

    def damage(t):
        a, b = _huangpu_rows(t, 2)
        _pin(t, a, 113.4812, 23.1723, place=place)  # in 科学城, kilometres from the place
        _pin(t, b, 113.5912, 23.3523)  # north-east Huangpu, far outside the bio-island node
        t.loc[b, "anchor"] = "bio-island"
        ids.update(a=t.loc[a, "id"], b=t.loc[b, "id"])

    _edit_platforms(broken_home, damage)
    assert "place" in _checks(ids["a"])
    assert "anchor" in _checks(ids["b"])


def test_catches_precise_platforms_piled_on_one_point(broken_home):
    def damage(t):
        for i in _huangpu_rows(t, 3):
            _pin(t, i, 113.4812, 23.1723)

    _edit_platforms(broken_home, damage)
    assert "shared_point" in _checks()


def test_sharing_a_place_is_not_a_pile(broken_home):
    place = pd.read_csv(broken_home / "data" / "places.csv", dtype=str, keep_default_na=False).iloc[0]

    def damage(t):
        for i in _huangpu_rows(t, 3):
            _pin(t, i, place["lon"], place["lat"], datum="wgs84", place=place["id"])
            t.loc[i, "district"] = place["district"]

    _edit_platforms(broken_home, damage)
    assert "shared_point" not in _checks()
    assert "place" not in _checks()


def test_catches_uncited_place(broken_home):
    path = broken_home / "data" / "places.csv"
    places = pd.read_csv(path, dtype=str, keep_default_na=False)
    places.loc[0, "source"] = ""
    places.loc[1, "datum_source"] = "mars"
    places.to_csv(path, index=False)
    checks = set(gzgeo.validate().to_frame().query("layer == 'places'")["check"])
    assert {"provenance", "datum"} <= checks


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
