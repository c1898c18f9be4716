"""Markup in data never reaches a page unescaped; colours and ids that become code are validated."""

from __future__ import annotations

import re

import pytest
from hostile_data import PAYLOADS, edit_csv, poison_every_text

import gzgeo
from gzgeo.maps import category_colors, layout_map
from gzgeo.safe import FALLBACK_COLOR, escape_html, has_markup, is_color, js_string, validate_color, validate_id

# Where a payload may legitimately appear raw: nowhere. A tag opening from data would look like this.
# Inside <script>, JSON writes "<" as \u003c: markup escaped only for JSON still runs when put into innerHTML.
_RAW = re.compile(r"(<|\\u003c)(img src=x onerror|svg onload|script>window.__pwned)", re.IGNORECASE)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_every_text_field_is_escaped_in_the_map(hostile_home, payload):
    poison_every_text(hostile_home, payload)
    zones = gzgeo.load("zones")
    assert zones["name_zh"].str.endswith(payload).all()  # the poison is really in the data
    page = (
        layout_map(layers=gzgeo.maps.ALL_LAYERS, lang="en", selection=gzgeo.load("platforms").head(3), hulls=None)
        .get_root()
        .render()
    )
    assert not _RAW.search(page), _RAW.search(page).group(0)
    # The escaped text is there: names are shown, not dropped.
    assert escape_html(payload)[:12] in page or js_string(escape_html(payload))[1:13] in page


def test_validate_reports_markup_colour_and_id(hostile_home):
    poison_every_text(hostile_home, PAYLOADS[0])

    def bad_colour(table):
        table.loc[0, "color"] = '#fff;"><img src=x onerror=alert(1)>'
        table.loc[1, "id"] = 'x" onclick="alert(1)'

    edit_csv(hostile_home, "categories", bad_colour)
    report = gzgeo.validate()
    checks = set(report.to_frame()["check"])
    assert {"markup", "color", "id"} <= checks
    frame = report.to_frame()
    zone_markup = frame[(frame["layer"] == "zones") & (frame["check"] == "markup")]
    assert len(zone_markup) >= len(gzgeo.load("zones"))  # every zone's name is flagged


def test_invalid_category_colour_never_reaches_the_page(hostile_home):
    evil = "red'});window.__pwned=1;({a:'"

    def edit(table):
        table.loc[0, "color"] = evil

    edit_csv(hostile_home, "categories", edit)
    colors = category_colors()
    assert colors[gzgeo.load("categories")["id"][0]] == FALLBACK_COLOR
    assert all(is_color(c) for c in colors.values())
    page = layout_map().get_root().render()
    assert "window.__pwned" not in page


def test_exported_svg_and_html_escape_names(hostile_home, tmp_path):
    poison_every_text(hostile_home, PAYLOADS[0] + " $\\frac{$")  # also an unbalanced mathtext expression
    svg = gzgeo.export.export_bytes("svg", preset="huangpu_123")[0].decode("utf-8")
    assert "<img src=x" not in svg and "&lt;img src=x" in svg
    out = gzgeo.write_html(tmp_path / "map.html")
    assert not _RAW.search(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "value, ok",
    [
        ("#1f78b4", True),
        ("#ABCDEF", True),
        ("#abc", False),
        ("red", False),
        ("#1f78b4;x", False),
        (None, False),
        ("#1f78b4\n", False),
    ],
)
def test_colour_validation(value, ok):
    assert is_color(value) is ok
    if ok:
        assert validate_color(value) == value
    else:
        with pytest.raises(ValueError):
            validate_color(value)
        assert validate_color(value, fallback=FALLBACK_COLOR) == FALLBACK_COLOR


@pytest.mark.parametrize(
    "value, ok",
    [
        ("p001", True),
        ("gz-1+1+4+4+N", True),
        ("a b", False),
        ('x"onclick', False),
        ("<b>", False),
        ("x" * 65, False),
        ("", False),
    ],
)
def test_id_validation(value, ok):
    if ok:
        assert validate_id(value) == value
    else:
        with pytest.raises(ValueError):
            validate_id(value)


@pytest.mark.parametrize("text", PAYLOADS)
def test_helpers_neutralise_payloads(text):
    assert has_markup(text) or "alert" in text
    assert "<" not in escape_html(text) and '"' not in escape_html(text)
    literal = js_string(text)
    assert "</script" not in literal.lower() and "<" not in literal
