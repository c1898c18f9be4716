"""App logic with Streamlit's AppTest: filters, language, URL state, offline map assets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gzgeo.filters import filter_platforms, prepare_platforms
from gzgeo.i18n import value_label

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _run(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _shown(at: AppTest) -> tuple[int, int]:
    shown, total = at.metric[0].value.replace(",", "").split(" / ")
    return int(shown), int(total)


def _param(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key)
    return [] if value is None else ([value] if isinstance(value, str) else list(value))


def _map_args(at: AppTest) -> dict:
    maps = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)


def _multiselect(at: AppTest, label: str):
    return next(m for m in at.sidebar.multiselect if m.label == label)


@pytest.fixture(scope="module")
def default_app() -> AppTest:
    return _run()


@pytest.fixture(scope="module")
def prepared(platforms):
    return prepare_platforms(platforms)


def test_default_view_is_chinese_and_shows_everything(default_app, platforms):
    assert default_app.title[0].value == "广州科技创新空间布局"
    assert _shown(default_app) == (len(platforms), len(platforms))
    assert dict(default_app.query_params) == {}


def test_map_assets_are_local(default_app, platforms):
    args = _map_args(default_app)
    assert args["js_links"] and args["css_links"]
    for link in args["js_links"] + args["css_links"]:
        assert link.startswith("/app/static/vendor/"), link
    assert (Path(APP).parent / "static" / "vendor").is_dir()
    # Only clicks, drawings and the view come back from the browser.
    assert set(args["returned_objects"]) == {"last_clicked", "all_drawings", "zoom", "center"}
    # One browser-side cluster layer per category, with every platform in its data.
    # District-only platforms are badges on their district, not markers.
    points = platforms[platforms["location_precision"] != "district"]
    assert args["script"].count("new gzgeoPlatforms.Layer(") == points["category"].nunique()
    assert any("supercluster" in link for link in args["js_links"])
    assert "https://" not in args["header"]


def test_category_filter_updates_counts_map_and_url(platforms, prepared):
    at = _run()
    category = platforms["category"].value_counts().index[0]
    _multiselect(at, "类别").set_value([category]).run()
    expected = int((platforms["category"] == category).sum())
    assert _shown(at) == (expected, len(platforms))
    assert _param(at, "cat") == [category]
    # The level facet now counts only platforms of that category: "国家级 (n)" with n from the subset.
    subset = filter_platforms(prepared, category=[category])
    level_box = _multiselect(at, "级别")
    for option in level_box.options:
        label, count = option.rsplit(" (", 1)
        level = {"国家级": "national", "省级": "provincial", "市级": "municipal", "区级": "district"}.get(label, label)
        assert int(count.rstrip(")")) == int((subset["level"] == level).sum())
    args = _map_args(at)
    assert args["script"].count("new gzgeoPlatforms.Layer(") == 1
    # The table lists that category's platforms, in the data's order, labelled as the table of every platform.
    table = at.dataframe[0].value
    assert table["name_zh"].tolist() == subset["name_zh"].tolist()
    assert set(table["类别"]) == {value_label("category", category, "zh")}


def test_text_search_filters(platforms, prepared):
    at = _run()
    at.sidebar.text_input[0].set_value("实验室").run()
    assert _shown(at)[0] == len(filter_platforms(prepared, text="实验室"))
    assert _param(at, "q") == ["实验室"]


def test_language_switch_to_english():
    at = _run()
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Guangzhou science-and-technology innovation layout"
    assert "Category" in [m.label for m in at.sidebar.multiselect]
    assert "Legend" in _map_args(at)["script"]
    assert _param(at, "lang") == ["en"]
    # The platform table names districts in English too (the data store Chinese names).
    districts = set(at.dataframe[0].value["District"])
    assert "Huangpu" in districts and not any(d.endswith("区") for d in districts)


def test_url_state_reopens_view(platforms):
    level = platforms["level"].value_counts().index[0]
    at = _run({"lang": "en", "level": [level], "basemap": "none", "z": "12", "lat": "23.2", "lon": "113.45"})
    assert at.title[0].value.startswith("Guangzhou")
    assert _multiselect(at, "Level").value == [level]
    assert _shown(at)[0] == int((platforms["level"] == level).sum())
    args = _map_args(at)
    assert args["zoom"] == 12
    assert args["center"] == [23.2, 113.45]


def test_url_centre_on_amap_is_shifted_to_gcj02_and_kept_in_url():
    from gzgeo.basemaps import point_to_basemap_datum

    at = _run({"basemap": "amap_vector", "z": "12", "lat": "23.1", "lon": "113.4"})
    # The map is drawn in GCJ-02 over AMap: the centre handed to it must be too, or the view opens ≈600 m off.
    expected = point_to_basemap_datum(23.1, 113.4, "amap_vector")
    assert _map_args(at)["center"] == pytest.approx(list(expected), abs=1e-9)
    assert (_param(at, "lat"), _param(at, "lon")) == (["23.1"], ["113.4"])


def test_invalid_url_values_are_ignored(platforms):
    at = _run({"cat": ["no-such-category"], "z": "99", "basemap": "bogus", "lang": "xx"})
    assert at.title[0].value == "广州科技创新空间布局"
    assert _shown(at) == (len(platforms), len(platforms))


def test_synthetic_switch_loads_test_platforms():
    at = _run()
    at.sidebar.number_input(key="synthetic").set_value(2000).run()
    assert not at.exception, [e.message for e in at.exception]
    assert _shown(at) == (2000, 2000)
    assert at.warning  # the banner says the data are synthetic


@pytest.mark.parametrize(
    "panel", ["tab_table", "tab_proximity", "tab_clusters", "tab_stats", "tab_plans", "tab_export"]
)
def test_every_panel_runs(panel, platforms):
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["panel"] = panel
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if panel == "tab_clusters":
        found = next(m for m in at.metric if m.label == "聚类数")
        assert int(found.value) >= 1
        # Opening the panel puts the hulls on the map, switched on.
        script = _map_args(at)["script"]
        assert json.dumps("聚类外包")[1:-1] in script and "dominant_categories" in script
    if panel == "tab_proximity":
        assert at.slider and at.slider[0].value == 2000
    if panel == "tab_stats":
        assert len(at.subheader) >= 4


def test_corridor_width_changes_corridor_table(platforms):
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["panel"] = "tab_proximity"
    at.run()
    narrow_rows = len(at.dataframe[0].value) if at.dataframe else 0
    at.slider[0].set_value(10_000).run()
    assert not at.exception
    assert len(at.dataframe[0].value) >= narrow_rows


@pytest.mark.browser
def test_export_panel_snapshots_the_current_map_view():
    import os

    from gzgeo.browser import find_chromium

    if find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI")
        pytest.skip("Chromium not installed")
    at = _run()
    at.session_state["panel"] = "tab_export"
    at.run()
    at.selectbox(key="export_fmt").set_value("snapshot").run()
    at.button(key="export_go").click().run()
    assert not at.exception
    downloads = [e for e in at.main if type(e).__name__ == "DownloadButton"]
    assert len(downloads) == 1 and downloads[0].label == "gzgeo-map-view.png"


def test_header_counts_precisely_located_platforms(default_app, platforms):
    precise = int(platforms["location_precision"].isin(["site", "campus_or_park"]).sum())
    assert precise > 0
    captions = [c.value for c in default_app.caption]
    assert f"{precise}/{len(platforms)} 个所示平台位置精确到地点或园区" in captions


def _plan_ids(at: AppTest, kind: str = "gzgeo-plan") -> list[str]:
    """Platform ids of the plan markers (``kind`` gzgeo-plan) or change rings (gzgeo-change) in the map script."""
    import re

    return re.findall(rf'"className": "{kind} {kind}-[a-z_]+ gzgeo-plan-id-([a-z0-9-]+)"', _map_args(at)["script"])


def test_plan_timeline_shows_what_each_plan_names(platforms):
    import gzgeo
    from gzgeo.plans import PLAN_STAGES

    at = _run()
    timeline = at.sidebar.select_slider[0]
    assert timeline.label == "规划时间轴" and timeline.value == "current"
    assert _plan_ids(at) == [] and "gzgeo-plan-legend" not in _map_args(at)["script"]
    seen = {}
    for stage in PLAN_STAGES:
        at.sidebar.select_slider[0].set_value(stage.key).run()
        assert not at.exception
        ids = _plan_ids(at)
        assert sorted(ids) == sorted(set(gzgeo.plan_snapshot(stage).index) & set(platforms["id"]))
        script = _map_args(at)["script"]
        assert "gzgeo-plan-legend" in script
        assert "new gzgeoPlatforms.Layer(" not in script  # the current-data platforms give way to the plan's
        assert json.dumps("“1+1+4+4+N” (2021-04) → “2+2+N” (2022-02)")[1:-1] in script
        seen[stage.key] = frozenset(ids)
    assert len(set(seen.values())) == len(PLAN_STAGES)  # a different set of markers for every plan
    # Back to the current data: the plan layer goes, the current platforms are drawn again.
    at.sidebar.select_slider[0].set_value("current").run()
    assert _plan_ids(at) == []
    points = platforms[platforms["location_precision"] != "district"]  # district-only ones are badges
    assert _map_args(at)["script"].count("new gzgeoPlatforms.Layer(") == points["category"].nunique()


def test_plan_timeline_respects_filters_and_language(platforms):
    import gzgeo

    at = _run({"lang": "en"})
    category = platforms["category"].value_counts().index[0]
    _multiselect(at, "Category").set_value([category]).run()
    at.sidebar.select_slider[0].set_value("2021-12").run()
    expected = set(gzgeo.plan_snapshot("2021-12").index) & set(platforms.loc[platforms["category"] == category, "id"])
    assert set(_plan_ids(at)) == expected and expected
    script = _map_args(at)["script"]
    assert "Plan wording" in script and "Framework renames" in script
    assert at.sidebar.select_slider[0].label == "Plan timeline"


def test_plan_panel_lists_changes_and_rings_them_on_the_map():
    import gzgeo

    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["panel"] = "tab_plans"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="plan_a").value == "000" and at.selectbox(key="plan_b").value == "002"
    changes = gzgeo.plan_changes("000", "002")
    table = at.dataframe[-1].value
    assert len(table) == len(changes)
    assert {"人类细胞谱系大科学研究设施", "冷泉生态系统研究装置", "动态宽域高超声速风洞"} <= set(table["name_zh"])
    assert set(table["change"]) == {"状态变化", "不再点名"}
    assert any("新闻报道" in w.value for w in at.warning)  # 002 is a press report: weak evidence of a drop
    assert sorted(_plan_ids(at, "gzgeo-change")) == sorted(changes["platform_id"])
    at.toggle(key="plan_show").set_value(False).run()
    assert _plan_ids(at, "gzgeo-change") == []
    at.selectbox(key="plan_b").set_value("000").run()
    assert any("不同" in i.value for i in at.info)
    # With a stage chosen, the panel also lists what that plan names, wording apart from the checked status.
    at.selectbox(key="plan_b").set_value("003").run()
    at.sidebar.select_slider[0].set_value("2022").run()
    named = at.dataframe[0].value
    assert set(named["name_zh"]) == set(
        gzgeo.load("platforms").set_index("id").loc[gzgeo.plan_snapshot("2022").index, "name_zh"]
    )
    assert {"表述", "核实的当前状态"} <= set(named.columns)
