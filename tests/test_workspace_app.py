"""The app's workspace panel with Streamlit's AppTest: correct a location, see it everywhere, undo."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from authhelp import sign_in
from streamlit.testing.v1 import AppTest

import gzgeo
from gzgeo.pointlayer import platforms_in_html

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LAB = "gba-national-tech-innovation-center"  # bundled with zone precision: drawn as an estimate


def _lab_on_main_map(at: AppTest) -> tuple[float, float, int]:
    """(lat, lon, is_estimate) of the platform's marker in the main map's data (decoded from the point layer)."""
    maps = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    script = json.loads(maps[0].proto.json_args)["script"]
    decoded = pd.concat(platforms_in_html(script))
    name = gzgeo.load("platforms", workspace=False).set_index("id").loc[LAB, "name_zh"]
    found = decoded[decoded["name_zh"] == name]
    assert len(found) == 1
    row = found.iloc[0]
    return round(float(row["lat"]), 6), round(float(row["lon"]), 6), int(bool(row["estimate"]))


def test_correct_location_shows_at_once_and_undo(workspace_url, users):
    at = sign_in(AppTest.from_file(APP, default_timeout=180), "alice")
    at.session_state["panel"] = "tab_workspace"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(workspace_url.split("?")[0] in c.value for c in at.caption)
    assert _lab_on_main_map(at)[2] == 1  # drawn as an estimate (zone precision)
    at.selectbox(key="ws_pid").set_value(LAB).run()
    at.number_input(key="ws_lon").set_value(113.3702)
    at.number_input(key="ws_lat").set_value(23.0712)
    at.text_input(key="ws_source").input("实地核实 2026-11")
    at.button(key="ws_save_btn").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success and at.success[0].value.startswith("已保存")
    lab = gzgeo.load("platforms").set_index("id").loc[LAB]
    assert (lab["lon"], lab["lat"], lab["location_precision"]) == (113.3702, 23.0712, "site")
    # the main map of the same session already draws it there
    assert _lab_on_main_map(at) == (23.0712, 113.3702, 0)
    log = at.dataframe[-1].value
    assert list(log["feature_id"]) == [LAB] and log["source"].iloc[0] == "实地核实 2026-11"
    assert list(log["actor"]) == ["alice"]  # the signed-in editor, not the server's OS user

    at.button(key="ws_undo_btn").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success[0].value.startswith("已撤销")
    assert gzgeo.load("platforms").set_index("id").loc[LAB, "location_precision"] == "zone"
    assert _lab_on_main_map(at)[2] == 1


def test_correction_without_source_is_refused(workspace_url, users):
    at = sign_in(AppTest.from_file(APP, default_timeout=180), "alice")
    at.session_state["panel"] = "tab_workspace"
    at.run()
    at.selectbox(key="ws_pid").set_value(LAB).run()
    at.button(key="ws_save_btn").click().run()
    assert not at.exception
    assert at.error and at.error[0].value == "请填写依据"
    assert gzgeo.open_workspace().log().empty
