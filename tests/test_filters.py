"""Filtering platforms and counting facets."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from gzgeo.filters import (
    FACETS,
    PlatformFilter,
    facet_counts,
    facet_values,
    filter_platforms,
    platform_zones,
    prepare_platforms,
    synthetic_platforms,
)
from gzgeo.layers import LAYERS


@pytest.fixture(scope="module")
def prepared(platforms):
    return prepare_platforms(platforms)


def test_category_and_level_are_anded_values_ored(prepared):
    cats = list(prepared["category"].value_counts().index[:2])
    level = prepared["level"].value_counts().index[0]
    subset = filter_platforms(prepared, PlatformFilter(category=tuple(cats), level=(level,)))
    expected = prepared["category"].isin(cats) & (prepared["level"] == level)
    assert list(subset["id"]) == list(prepared.loc[expected, "id"])
    assert subset.crs.to_epsg() == 4326


def test_empty_filter_returns_everything(prepared):
    assert len(filter_platforms(prepared)) == len(prepared)


def test_text_search_covers_chinese_english_aliases_case_insensitive(prepared):
    row = prepared.iloc[0]
    english_word = str(row["name_en"]).split()[0]
    hits = filter_platforms(prepared, text=english_word.upper())
    assert row["id"] in set(hits["id"])
    assert hits["search_text"].str.contains(english_word.lower(), regex=False).all()
    with_alias = prepared[prepared["aliases"].fillna("") != ""]
    if len(with_alias):
        alias = with_alias["aliases"].iloc[0].split("|")[0]
        assert with_alias["id"].iloc[0] in set(filter_platforms(prepared, text=alias)["id"])
    assert filter_platforms(prepared, text="zzzz-no-such-platform").empty


def test_framework_and_source_are_multi_valued(prepared):
    framework = prepared["frameworks"].str.split("|").explode().replace("", pd.NA).dropna().value_counts().index[0]
    subset = filter_platforms(prepared, framework=[framework])
    assert len(subset) > 0
    assert subset["frameworks"].map(lambda s: framework in s.split("|")).all()
    source = prepared["source_file"].value_counts().index[0]
    by_source = filter_platforms(prepared, source=[source])
    assert len(by_source) >= int((prepared["source_file"] == source).sum())


def test_zone_filter_matches_polygons_or_anchor(prepared, zones):
    zone = zones[zones["parent"].fillna("") == ""].iloc[0]
    subset = filter_platforms(prepared, zone=[zone["id"]])
    members = zones[(zones["id"] == zone["id"]) | (zones["parent"] == zone["id"])]
    inside = subset.geometry.within(members.union_all().buffer(1e-9)) | subset["anchor"].isin(members["id"])
    assert inside.all()
    outside = prepared[~prepared["id"].isin(subset["id"])]
    assert not outside.geometry.within(zone.geometry.buffer(-1e-9)).any()


def test_platform_zones_includes_parent_and_anchor():
    zones = gpd.GeoDataFrame(
        {"id": ["z", "z_a"], "parent": ["", "z"]}, geometry=[box(0, 0, 2, 2), box(0, 0, 1, 1)], crs=4326
    )
    points = gpd.GeoDataFrame(
        {"anchor": ["", "", "z_a", ""]}, geometry=[Point(0.5, 0.5), Point(1.5, 1.5), Point(9, 9), None], crs=4326
    )
    assert platform_zones(points, zones).tolist() == ["z|z_a", "z", "z|z_a", ""]


def test_facet_counts_ignore_own_selection(prepared):
    category = prepared["category"].value_counts().index[0]
    level = prepared["level"].value_counts().index[0]
    flt = PlatformFilter(category=(category,), level=(level,))
    counts = facet_counts(prepared, flt)
    # Category counts apply the level selection only; level counts apply the category selection only.
    expected_cat = prepared.loc[prepared["level"] == level, "category"].value_counts()
    assert counts["category"].sort_index().to_dict() == expected_cat.sort_index().to_dict()
    expected_level = prepared.loc[prepared["category"] == category, "level"].value_counts()
    assert counts["level"].sort_index().to_dict() == expected_level.sort_index().to_dict()
    assert int(counts["category"][category]) == len(filter_platforms(prepared, flt))


def test_selected_value_without_matches_keeps_zero_count(prepared):
    counts = facet_counts(prepared, PlatformFilter(district=("不存在区",)))
    assert counts["district"]["不存在区"] == 0


def test_filter_is_hashable_and_normalises_input():
    flt = PlatformFilter(category=["a", "b"], level="national", text="  lab ")
    assert flt.category == ("a", "b") and flt.level == ("national",) and flt.text == "lab"
    assert hash(flt) == hash(PlatformFilter(category=("a", "b"), level=("national",), text="lab"))


def test_facet_values_order(prepared):
    order = {"national": 0, "provincial": 1, "municipal": 2, "district": 3}
    levels = facet_values(prepared, "level", order)
    assert levels == sorted(levels, key=lambda v: order.get(v, 9))


def test_synthetic_platforms_have_the_schema():
    fake = synthetic_platforms(3000, seed=3)
    assert len(fake) == 3000 and fake["id"].is_unique
    assert set(LAYERS["platforms"].columns) <= set(fake.columns)
    assert (fake["district"] != "").mean() > 0.95
    assert 0.05 < fake["location_is_estimate"].mean() < 0.15
    prepared = prepare_platforms(fake)
    one = prepared["category"].iloc[0]
    assert len(filter_platforms(prepared, category=[one])) == int((fake["category"] == one).sum())


# --- The facet index (built once per prepared frame) against the plain pandas way, written out here. ---------


def _plain_mask(frame, flt, skip=None):
    mask = np.ones(len(frame), dtype=bool)
    for name, (column, multi) in FACETS.items():
        wanted = set(getattr(flt, name))
        if name == skip or not wanted or column not in frame:
            continue
        if multi:
            mask &= np.array([not wanted.isdisjoint(str(s).split("|")) for s in frame[column].fillna("")], dtype=bool)
        else:
            mask &= frame[column].astype(str).isin(wanted).to_numpy()
    for word in flt.text.lower().split():
        mask &= frame["search_text"].str.contains(word, regex=False).to_numpy()
    return mask


def _plain_counts(frame, flt):
    out = {}
    for name, (column, multi) in FACETS.items():
        subset = frame[column] if flt.is_empty else frame[column][_plain_mask(frame, flt, skip=name)]
        values = subset.fillna("").astype(str)
        if multi:
            values = pd.Series([t for v in values for t in v.split("|")], dtype=object, name=column)
        counts = values[values != ""].value_counts()
        for value in getattr(flt, name):
            if value not in counts.index:
                counts.loc[value] = 0
        out[name] = counts.astype(int)
    return out


@pytest.fixture(scope="module")
def many():
    """20,000 synthetic platforms with varied multi-valued facets (the synthetic ones are nearly constant)."""
    frame = prepare_platforms(synthetic_platforms(20_000, seed=0))
    rng = np.random.default_rng(7)
    pick = ["gz_1+1+4+4+N", "hp_123", "a", "b|a", "", "c|a|c"]
    frame["frameworks"] = np.asarray(pick, dtype=object)[rng.integers(0, len(pick), len(frame))].astype(str)
    docs = ["synthetic", "synthetic|plan.pdf", "plan.pdf|x.pdf", ""]
    frame["source_docs"] = np.asarray(docs, dtype=object)[rng.integers(0, len(docs), len(frame))].astype(str)
    return frame


def _filters(frame):
    cats = list(frame["category"].value_counts().index)
    zones = [z for z in frame["zones"].str.split("|").explode().unique() if z]
    return [
        PlatformFilter(),
        PlatformFilter(category=(cats[0],)),
        PlatformFilter(category=(cats[-1], cats[0]), level=("national", "provincial")),
        PlatformFilter(zone=tuple(zones[:1])),
        PlatformFilter(zone=tuple(zones[:2]), status=("operating",)),
        PlatformFilter(framework=("a",)),
        PlatformFilter(framework=("hp_123", "gz_1+1+4+4+N"), source=("plan.pdf",)),
        PlatformFilter(source=("synthetic",), district=tuple(frame["district"].iloc[:3])),
        PlatformFilter(text="实验室"),
        PlatformFilter(text="Platform 12", category=(cats[0],)),
        PlatformFilter(text="no such platform anywhere"),
        PlatformFilter(category=("不存在",), district=("不存在区", frame["district"].iloc[0])),
        PlatformFilter(category=(cats[0],), zone=("不存在",)),
    ]


def _same_counts(fast, plain):
    assert list(fast) == list(plain)
    for name in plain:
        pd.testing.assert_series_equal(fast[name], plain[name], check_exact=True, check_index_type=True)
        assert fast[name].index.tolist() == plain[name].index.tolist()  # same order, ties included


@pytest.mark.parametrize("which", ["bundled", "synthetic"])
def test_indexed_filters_and_counts_equal_the_plain_way(which, prepared, many):
    frame = prepared if which == "bundled" else many
    for flt in _filters(frame):
        expected = frame[_plain_mask(frame, flt)] if not flt.is_empty else frame
        pd.testing.assert_frame_equal(filter_platforms(frame, flt), expected, check_exact=True)
        _same_counts(facet_counts(frame, flt), _plain_counts(frame, flt))
    for facet, (column, multi) in FACETS.items():
        values = frame[column].fillna("").astype(str)
        if multi:
            values = pd.Series([t for v in values for t in v.split("|")], dtype=object)
        assert facet_values(frame, facet) == list(values[values != ""].value_counts().index)


def test_counts_keep_first_appearance_order_for_ties():
    frame = prepare_platforms(synthetic_platforms(40, seed=2))
    frame["category"] = ["b", "a", "c", "a", "b", "c", "d", "e"] * 5  # a, b, c tie; d, e tie
    frame["frameworks"] = ["y|x", "x|y", "", "z"] * 10
    counts = facet_counts(frame)
    _same_counts(counts, _plain_counts(frame, PlatformFilter()))
    assert counts["category"].index.tolist() == ["b", "a", "c", "d", "e"]
    assert counts["framework"].index.tolist() == ["y", "x", "z"]


def test_a_frame_changed_after_filtering_is_filtered_as_it_is_now(many):
    frame = many.copy()
    cat = frame["category"].iloc[0]
    flt = PlatformFilter(category=(cat,), framework=("a",))
    before = len(filter_platforms(frame, flt))
    facet_counts(frame, flt)  # the index is built
    frame.loc[frame.index[frame["category"] == cat], "category"] = "changed"  # a write into the column
    assert len(filter_platforms(frame, flt)) == 0 < before
    _same_counts(facet_counts(frame, flt), _plain_counts(frame, flt))
    frame["frameworks"] = "a"  # a column replaced
    flt = PlatformFilter(category=("changed",), framework=("a",))
    pd.testing.assert_frame_equal(filter_platforms(frame, flt), frame[_plain_mask(frame, flt)])
    frame.loc[frame.index[:10], "search_text"] = "brand new words"
    assert len(filter_platforms(frame, text="brand new")) == 10
    _same_counts(facet_counts(frame, PlatformFilter(text="brand")), _plain_counts(frame, PlatformFilter(text="brand")))


def test_a_frame_prepared_on_the_fly_is_filtered_the_plain_way_with_the_same_result(platforms, prepared):
    # Not prepared: each call prepares a new frame and masks it without building an index for one use.
    for flt in _filters(prepared):
        expected = filter_platforms(prepared, flt)
        pd.testing.assert_frame_equal(filter_platforms(platforms, flt), expected)
        _same_counts(facet_counts(platforms, flt), facet_counts(prepared, flt))
    assert facet_values(platforms, "zone") == facet_values(prepared, "zone")
