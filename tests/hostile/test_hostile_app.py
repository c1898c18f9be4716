"""The app against hostile data and URLs (Streamlit AppTest): no crash, no traceback, no silent loss."""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

import pytest
import streamlit as st
from hostile_data import PAYLOADS, edit_csv, poison_every_text
from streamlit.testing.v1 import AppTest

import gzgeo
from gzgeo.viewstate import DEFAULT_OVERLAYS

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def _fresh_caches():
    # The app caches tables per process, not per data home.
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def _run(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _shown(at: AppTest) -> tuple[int, int]:
    shown, total = at.metric[0].value.replace(",", "").split(" / ")
    return int(shown), int(total)


def test_visitors_never_see_tracebacks():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] in ("none", False)


def test_bad_platform_rows_are_skipped_with_a_visible_warning(hostile_home):
    def edit(table):
        table.loc[4, "lon"], table.loc[4, "lat"] = "113,45", "23.1"  # decimal comma
        table.loc[7, "lon"], table.loc[7, "lat"] = "inf", "23.1"

    table = edit_csv(hostile_home, "platforms", edit)
    at = _run()
    assert _shown(at) == (len(table) - 2, len(table) - 2)
    text = " ".join(w.value for w in at.warning)
    assert "data/platforms.csv line 6" in text and "line 9" in text and table.loc[4, "id"] in text


def test_markup_in_every_field_does_not_break_the_app(hostile_home):
    poison_every_text(hostile_home, PAYLOADS[0])
    at = _run({"lang": "en"})
    assert _shown(at)[1] == len(gzgeo.load("platforms"))


def test_url_cannot_ask_for_synthetic_data_and_is_told_so():
    at = _run({"synthetic": "200000"})
    assert _shown(at) == (len(gzgeo.load("platforms")),) * 2  # real data, no 200,000-point job
    assert any("synthetic=200000" in i.value for i in at.info)


def test_unknown_layers_keep_the_default_map_and_give_a_notice():
    at = _run({"layers": "bogus", "cat": "no-such-category"})
    assert tuple(at.session_state["layers"]) == DEFAULT_OVERLAYS
    notice = " ".join(i.value for i in at.info)
    assert "layers=bogus" in notice and "no-such-category" in notice


def test_synthetic_sidebar_switch_is_capped():
    at = _run()
    box = at.sidebar.number_input(key="synthetic")
    assert box.max == 50_000


@pytest.mark.parametrize("panel", ["tab_table", "tab_proximity", "tab_clusters", "tab_stats"])
def test_unplaceable_platform_is_skipped_and_every_panel_runs(hostile_home, panel):
    def edit(table):
        table.loc[3, ["lon", "lat", "anchor"]] = ["", "", "no-such-zone"]

    table = edit_csv(hostile_home, "platforms", edit)
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["panel"] = panel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert _shown(at)[1] == len(table) - 1
    assert any(table.loc[3, "id"] in w.value and "line 5" in w.value for w in at.warning)
