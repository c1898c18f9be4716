"""Orientation layers and district counts for the maps.

With no basemap the map has no streets: the metro lines and stations (an offline
layer, ``metro_lines`` / ``metro_stations``) let a planner find their way.
Platforms known only to their district are not points: they are shown as one
count badge per district, never as a pile of markers on a representative point.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from ._framecache import cached, source_rows
from .crs import GUANGZHOU_METRIC_CRS, convert, convert_frame
from .i18n import DEFAULT_LANGUAGE, t
from .layers import data_home, load
from .style import METRO_COLOR, METRO_DECIMALS, METRO_TOLERANCE_M, display_geometry, district_name

if TYPE_CHECKING:  # folium loads with the web-map functions: static maps and decks never need it (~0.15 s)
    import folium

__all__ = [
    "METRO_COLOR",
    "linked_source",
    "source_links",
    "district_only",
    "district_counts",
    "add_metro_layer",
    "add_district_badges",
    "draw_metro",
    "draw_district_badges",
    "badge_html",
]

_BADGE_COLOR = "#444444"
_MAX_NAMES = 40  # names listed in one badge popup; the rest are counted


_URL = r"https?://[^\s;,|()<>\"'，；]+"
#: A public dataset cited as ``repo owner/name path [@ commit]`` (the form the location research writes).
_REPO = r"\brepo ([A-Za-z0-9][\w.-]*/[\w.-]+) ([^\s;,|()<>\"'，；]+)(?: ?@ ?([0-9a-f]{7,40}))?"
_SOURCE_LINK = re.compile(f"(?P<url>{_URL})|(?P<repo>{_REPO})")


def source_links(text: str) -> list[tuple[str, str | None, str]]:
    """Split a location source into ``(kind, href, text)`` pieces: plain text, web pages and cited repositories.

    Every ``http(s)`` URL links to itself and is named by its host; a dataset cited as ``repo owner/name path
    [@ commit]`` links to that file on GitHub (at the commit, else the default branch) and is named
    ``github.com/owner/name: path``. Plain text has ``href`` None. The browser's popups apply the same rule
    (``linkify`` in ``static/gzgeo-platforms.js``).

    Examples
    --------
    >>> source_links("seed 003; repo a-b/c.d data/x.js @ 9e10358f (stop 1)")[1]
    ('repo', 'https://github.com/a-b/c.d/blob/9e10358f/data/x.js', 'github.com/a-b/c.d: data/x.js')
    >>> source_links("https://example.org/a?b=1")[0][1:]
    ('https://example.org/a?b=1', 'example.org')
    """
    pieces: list[tuple[str, str | None, str]] = []
    text = text or ""
    last = 0
    for match in _SOURCE_LINK.finditer(text):
        if match.start() > last:
            pieces.append(("text", None, text[last : match.start()]))
        if match.group("url"):
            url = match.group("url")
            pieces.append(("url", url, urlsplit(url).hostname or url))
        else:
            repo, path, commit = match.group(3), match.group(4), match.group(5)
            href = f"https://github.com/{repo}/blob/{commit or 'HEAD'}/{quote(path, safe='/._-')}"
            pieces.append(("repo", href, f"github.com/{repo}: {path}"))
        last = match.end()
    if last < len(text):
        pieces.append(("text", None, text[last:]))
    return pieces


def linked_source(text: str) -> str:
    """A location source as safe HTML: web pages and cited repositories become links (:func:`source_links`).

    Examples
    --------
    >>> html_text = linked_source("seed 003 一(一)1; https://example.org/a?b=1&c=<x>")
    >>> html_text.startswith('seed 003 一(一)1; <a href="https://example.org/a?b=1&amp;c=" target="_blank"')
    True
    >>> html_text.endswith('>example.org</a>&lt;x&gt;')
    True
    """
    return "".join(
        html.escape(label)
        if href is None
        else f'<a href="{html.escape(href, quote=True)}" target="_blank" rel="noopener noreferrer">'
        f"{html.escape(label)}</a>"
        for _, href, label in source_links(text)
    )


@lru_cache(maxsize=8)
def _district_points(home: str, crs: str) -> dict[str, object]:
    """Each district's representative point (where its name is written), in ``crs``; cached per run."""
    try:
        districts = load("districts")
    except FileNotFoundError:
        return {}
    points = districts.geometry.representative_point().to_crs(crs)
    return dict(zip(districts["name_zh"], points, strict=True))


def district_only(platforms: pd.DataFrame) -> pd.Series:
    """Boolean mask of the platforms located only to their district.

    Examples
    --------
    >>> import gzgeo
    >>> p = gzgeo.load("platforms")
    >>> int(district_only(p).sum()) == int((p["location_precision"] == "district").sum())
    True
    """
    if "location_precision" not in platforms:
        return pd.Series(False, index=platforms.index)
    return platforms["location_precision"].astype(str).eq("district")


def _district_columns(platforms: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: located only to its district; its district; its Chinese name (as text)."""
    only = district_only(platforms).to_numpy()
    if not only.any():  # a frame with no such platform may have neither column
        return only, np.full(len(platforms), None, dtype=object), np.full(len(platforms), "", dtype=object)
    return only, platforms["district"].to_numpy(), platforms["name_zh"].astype(str).to_numpy()


def district_counts(platforms: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per district with platforms located only to it: ``district``, ``n``, ``names`` and the badge point.

    The badge point is the district's representative point (where the static maps write its name), WGS-84:
    a count, not a location, so it need not avoid the planning zones.

    Examples
    --------
    >>> import gzgeo
    >>> counts = district_counts(gzgeo.load("platforms"))
    >>> int(counts["n"].sum()) == int((gzgeo.load("platforms")["location_precision"] == "district").sum())
    True
    """
    # Plain columns and positions rather than a GeoDataFrame per district: this runs for every map built. The
    # columns of the frame a filtered subset came from, kept per frame, when it is one (gzgeo._framecache).
    source = source_rows(platforms)
    if source is not None:
        only, districts, names = cached(source[0], "district counts", _district_columns)
        mask = only[source[1]]
        at = np.flatnonzero(mask)
        districts, names = districts[source[1][at]], names[source[1][at]]
    else:
        only, districts, names = _district_columns(platforms)
        at = np.flatnonzero(only)
        districts, names = districts[at], names[at]
    anchor = _district_points(str(data_home()), str(platforms.crs or "EPSG:4326"))
    rows = []
    # Districts sorted, a missing one left out (as groupby(sort=True) did); each group's rows in frame order.
    codes, uniques = pd.factorize(districts, sort=True)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    for k, district in enumerate(uniques):
        positions = order[starts[k] : starts[k + 1]]
        point = anchor.get(district)
        if point is None:
            geoms = platforms.geometry.iloc[at[positions]]
            geoms = geoms[geoms.notna() & ~geoms.is_empty]
            point = geoms.iloc[0] if len(geoms) else None
        if point is None:
            continue
        rows.append({"district": district, "n": len(positions), "names": list(names[positions]), "geometry": point})
    return gpd.GeoDataFrame(
        rows, columns=["district", "n", "names", "geometry"], geometry="geometry", crs=platforms.crs or 4326
    )


def badge_html(n: int) -> str:
    """The badge's HTML: a dark rounded box with the count (an int, so nothing to escape)."""
    return (
        f"<div style='display:inline-block;background:{_BADGE_COLOR};color:#fff;border:2px solid #fff;"
        f"border-radius:10px;padding:1px 6px;font:bold 12px sans-serif;box-shadow:0 0 3px rgba(0,0,0,.5);"
        f"white-space:nowrap'>"
        f"{int(n)}</div>"
    )


class _Badges(MacroElement):
    """Count badges as Leaflet markers with a DivIcon, tooltip and popup, built from one JSON array.

    folium.Popup needs jQuery (``$``), which gzgeo's maps do not load; this element needs only Leaflet.
    Every string in ``rows`` is HTML already escaped, and the array is serialised as in Jinja's ``tojson``.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var rows = {{ this.rows_json }};
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                L.marker([r[0], r[1]], {icon: L.divIcon({html: r[2], className: "gzgeo-district-badge",
                                                         iconSize: [34, 20], iconAnchor: [17, 10]})})
                    .bindTooltip(r[3]).bindPopup(r[4], {maxWidth: 360})
                    .addTo({{ this._parent.get_name() }});
            }
        })();
        {% endmacro %}
    """)

    def __init__(self, rows: list[list[object]]):
        super().__init__()
        self._name = "DistrictBadges"
        self.rows_json = htmlsafe_json_dumps(rows, separators=(",", ":"), ensure_ascii=False)


def add_district_badges(
    fmap: folium.Map, platforms: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE, datum: str = "wgs84", show: bool = True
) -> gpd.GeoDataFrame:
    """Add a layer of per-district count badges for the district-only platforms; returns the counts."""
    counts = district_counts(platforms)
    import folium

    group = folium.FeatureGroup(name=html.escape(t("layer_district_counts", lang)), show=show)
    rows = []
    title_format = t("district_only_popup", lang)
    for name, n, listed, point in zip(counts["district"], counts["n"], counts["names"], counts.geometry, strict=True):
        x, y = point.x, point.y
        if datum != "wgs84":
            x, y = convert(x, y, "wgs84", datum)
        names = [html.escape(s) for s in listed[:_MAX_NAMES]]
        more = n - len(names)
        district = district_name(name, lang)
        title = html.escape(title_format.format(district=district, n=n))
        body = "<br>".join(names) + (f"<br>… +{more}" if more > 0 else "")
        rows.append(
            [
                round(float(y), 6),
                round(float(x), 6),
                badge_html(n),
                title,
                f"<div class='gzgeo-popup'><b>{title}</b><br>{body}</div>",
            ]
        )
    _Badges(rows).add_to(group)
    group.add_to(fmap)
    return counts


@lru_cache(maxsize=8)
def _metro_data(home: str, datum: str) -> tuple[dict, str] | None:
    """The metro lines as GeoJSON (parsed: shared, read-only) and the stations as escaped rows (JSON), in ``datum``.

    Lines simplified by :data:`gzgeo.style.METRO_TOLERANCE_M` and every coordinate at
    :data:`gzgeo.style.METRO_DECIMALS` (≈ 10 m: an orientation layer; the rebuilt lines carry a vertex every few
    metres). Cached per data home and datum.
    """
    try:
        lines, stations = load("metro_lines"), load("metro_stations")
    except FileNotFoundError:
        return None
    lines = lines[["name_zh", "name_en", "geometry"]].copy()
    lines["geometry"] = display_geometry(lines.geometry, METRO_TOLERANCE_M)
    if datum != "wgs84":
        lines, stations = convert_frame(lines, "wgs84", datum), convert_frame(stations, "wgs84", datum)
    lines["geometry"] = shapely.transform(lines.geometry.to_numpy(), lambda xy: np.round(xy, METRO_DECIMALS))
    for col in ("name_zh", "name_en"):
        lines[col] = lines[col].astype(str).map(html.escape)
    rows = [
        [round(float(p.y), METRO_DECIMALS), round(float(p.x), METRO_DECIMALS), html.escape(f"{name}站")]
        for name, p in zip(stations["name_zh"], stations.geometry, strict=True)
    ]
    return json.loads(lines.to_json(drop_id=True, ensure_ascii=False)), htmlsafe_json_dumps(
        rows, separators=(",", ":"), ensure_ascii=False
    )


def add_metro_layer(
    fmap: folium.Map, lang: str = DEFAULT_LANGUAGE, datum: str = "wgs84", show: bool = True
) -> folium.FeatureGroup | None:
    """Add the metro lines (thin polylines) and stations (small dots) as one toggleable layer.

    Returns None when the metro layers are not installed.
    """
    data = _metro_data(str(data_home()), datum)
    if data is None:
        return None
    lines, rows_json = data
    import folium

    from .literalrender import CompactGeoJson

    group = folium.FeatureGroup(name=html.escape(t("layer_metro", lang)), show=show)
    CompactGeoJson(
        lines,
        shared_data=True,
        style_function=lambda _f: {"color": METRO_COLOR, "weight": 2, "opacity": 0.7},
        tooltip=folium.GeoJsonTooltip(fields=["name_zh", "name_en"], labels=False),
    ).add_to(group)
    # One script element with the stations as JSON: ≈300 folium CircleMarkers cost ~0.7 s per render, and
    # streamlit-folium renders the map three times per rerun.
    _Stations(rows_json).add_to(group)
    group.add_to(fmap)
    return group


class _Stations(MacroElement):
    """Metro stations as small Leaflet circle markers built from one JSON array (names already escaped)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var rows = {{ this.rows_json }};
            for (var i = 0; i < rows.length; i++) {
                L.circleMarker([rows[i][0], rows[i][1]], {radius: 2.5, color: {{ this.color_json }}, weight: 1,
                                fill: true, fillColor: "#ffffff", fillOpacity: 1.0})
                    .bindTooltip(rows[i][2]).addTo({{ this._parent.get_name() }});
            }
        })();
        {% endmacro %}
    """)

    def __init__(self, rows_json: str):
        super().__init__()
        self._name = "MetroStations"
        self.rows_json = rows_json
        self.color_json = htmlsafe_json_dumps(METRO_COLOR)


def draw_metro(ax, handles: list | None = None) -> None:
    """Draw the metro lines and stations on a matplotlib axis in EPSG:4547 (static maps)."""
    try:
        lines, stations = load("metro_lines"), load("metro_stations")
    except FileNotFoundError:
        return
    lines.to_crs(GUANGZHOU_METRIC_CRS).plot(ax=ax, color=METRO_COLOR, linewidth=0.9, alpha=0.6, zorder=2.5)
    st = stations.to_crs(GUANGZHOU_METRIC_CRS)
    ax.scatter(
        st.geometry.x, st.geometry.y, s=5, facecolors="white", edgecolors=METRO_COLOR, linewidths=0.6, zorder=2.6
    )
    if handles is not None:
        from matplotlib.lines import Line2D

        handles.append(
            Line2D(
                [],
                [],
                color=METRO_COLOR,
                linewidth=1.2,
                marker="o",
                markersize=3,
                markerfacecolor="white",
                label="地铁线路与车站 metro (orientation)",
            )
        )


def draw_district_badges(ax, platforms: gpd.GeoDataFrame, handles: list | None = None) -> int:
    """Draw one count badge per district for the district-only platforms (static maps, EPSG:4547 axis).

    Returns the number of platforms counted.
    """
    counts = district_counts(platforms)
    if counts.empty:
        return 0
    metric = counts.to_crs(GUANGZHOU_METRIC_CRS)
    for row in metric.itertuples():
        # Offset below the point, where the district's name label sits.
        ax.annotate(
            str(int(row.n)),
            (row.geometry.x, row.geometry.y),
            xytext=(0, -14),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=9,
            fontweight="bold",
            color="white",
            zorder=15,
            annotation_clip=True,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": _BADGE_COLOR, "edgecolor": "white"},
        )
    if handles is not None:
        from matplotlib.patches import Patch

        handles.append(
            Patch(
                facecolor=_BADGE_COLOR,
                edgecolor="white",
                label=f"仅知所在区（计数）district-only ({int(counts['n'].sum())})",
            )
        )
    return int(counts["n"].sum())
