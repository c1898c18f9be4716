"""Streamlit app: Guangzhou's innovation layout on one offline Folium map, with filters and analysis.

UI only: data, filtering, analysis and map building live in the gzgeo library.
Run: ``python -m streamlit run app.py`` (see docs/app.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely.geometry
import streamlit as st

import gzgeo
from gzgeo import analysis, appdata
from gzgeo.app_auth import sign_in_sidebar
from gzgeo.basemaps import BASEMAPS, get_basemap, overlay_datum, point_from_basemap_datum, point_to_basemap_datum
from gzgeo.crs import convert_geometry
from gzgeo.filters import (
    FACETS,
    PlatformFilter,
)
from gzgeo.geocoding import PRECISE
from gzgeo.i18n import LANGUAGES, t, value_label
from gzgeo.maps import add_layout_layers, highlight_layer, layout_base
from gzgeo.offline import localize, write_static_assets
from gzgeo.planmap import CURRENT, add_plan_overlays, plan_stage_label
from gzgeo.plans import PLAN_STAGES
from gzgeo.selection import count_not_located, split_located
from gzgeo.stmap import MapParts, show_map
from gzgeo.stskeleton import MapSkeleton, map_skeleton, splice_map
from gzgeo.viewstate import OVERLAYS, ViewState, from_query, to_query, unknown_values
from gzgeo.workspace.panel import workspace_panel, workspace_version

st.set_page_config(page_title="广州科技创新空间布局 gzgeo", layout="wide")

MAP_KEY = "layout-map"
#: What the map sends back: clicks, drawings and the view. Anything else (hover, popups) reruns nothing.
#: ``all_drawings`` rather than ``last_active_drawing``: streamlit-folium also sets the latter when a district or
#: zone polygon is merely clicked.
RETURNED = ["last_clicked", "all_drawings", "zoom", "center"]
#: Most synthetic test platforms (environment or sidebar; never from the URL): bounds the work per session.
MAX_SYNTHETIC = 50_000


@st.cache_resource
def _serve_assets() -> Path:
    # Streamlit serves <app dir>/static at /app/static (enableStaticServing).
    return write_static_assets(Path(__file__).parent / "static" / "vendor")


def _read_query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _init_session() -> None:
    """First run of a session: widgets start from the URL (or the defaults)."""
    if st.session_state.get("_initialised"):
        return
    query = _read_query()
    view = from_query(query)
    st.session_state["_url_notice"] = unknown_values(query)
    try:
        synthetic = int(os.environ.get("GZGEO_SYNTHETIC_PLATFORMS", "0") or 0)
    except ValueError:
        synthetic = 0
    synthetic = min(max(synthetic, 0), MAX_SYNTHETIC)
    st.session_state.update(
        {
            "lang": view.lang,
            "basemap": view.basemap,
            "layers": list(view.layers),
            "q": view.filter.text,
            "synthetic": synthetic,
            "center": view.center,
            "zoom": view.zoom,
            "map_origin": (view.center, view.zoom),
            **{f"f_{facet}": list(getattr(view.filter, facet)) for facet in FACETS},
            "_initialised": True,
        }
    )


def _current_filter() -> PlatformFilter:
    return PlatformFilter(
        text=st.session_state.get("q", ""), **{facet: tuple(st.session_state.get(f"f_{facet}", [])) for facet in FACETS}
    )


def _clear_filters() -> None:
    for facet in FACETS:
        st.session_state[f"f_{facet}"] = []
    st.session_state["q"] = ""


def _label(facet: str, value: str, lang: str, names: dict[str, str]) -> str:
    if facet in ("category", "level", "status"):
        return value_label(facet, value, lang)
    return names.get(value, value)


def _drop_unknown_facet_values() -> None:
    """A URL may name values that no longer exist: keep only the valid ones, and say which were dropped.

    Before the map reads the filter; the boxes themselves are drawn after the map (:func:`_sidebar`).
    """
    synthetic = int(st.session_state.get("synthetic", 0))
    values = appdata.facet_values_at(synthetic)
    for facet in FACETS:
        key = f"f_{facet}"
        dropped = [v for v in st.session_state.get(key, []) if v not in values[facet]]
        if dropped:
            st.session_state.setdefault("_url_notice", {})[facet] = dropped
        st.session_state[key] = [v for v in st.session_state.get(key, []) if v in values[facet]]


def _sidebar(platforms: gpd.GeoDataFrame, lang: str) -> None:
    sb = st.sidebar
    sb.header(t("filters", lang))
    flt = _current_filter()
    counts, values = appdata.facets(int(st.session_state.get("synthetic", 0)), flt)
    for facet in FACETS:
        options = values[facet]
        key = f"f_{facet}"
        if not options:
            continue
        names = appdata.facet_labels(facet, lang)
        facet_count = counts[facet]
        sb.multiselect(
            t(facet, lang),
            options,
            key=key,
            placeholder=t("choose", lang),
            format_func=lambda v, f=facet, n=names, c=facet_count: f"{_label(f, v, lang, n)} ({int(c.get(v, 0))})",
        )
    sb.text_input(t("search", lang), key="q")
    sb.button(t("reset", lang), on_click=_clear_filters)

    sb.header(t("map", lang))
    sb.multiselect(
        t("layers", lang),
        list(OVERLAYS),
        key="layers",
        format_func=lambda v: t(f"layer_{v}", lang),
        placeholder=t("choose", lang),
    )
    sb.select_slider(
        t("plan_stage", lang),
        [CURRENT, *(s.key for s in PLAN_STAGES)],
        key="plan_stage",
        format_func=lambda k: plan_stage_label(k, lang),
        help=t("plan_stage_help", lang),
    )
    sb.selectbox(t("basemap", lang), list(BASEMAPS), key="basemap", format_func=lambda b: BASEMAPS[b].label(lang))
    base = get_basemap(st.session_state["basemap"])
    if base.needs_key:
        sb.text_input(t("tianditu_key", lang), key="tianditu_key", type="password", help=t("tianditu_key_help", lang))
    sb.caption(
        f"{t('datum', lang)}: {base.datum.upper()}"
        + (f" — {t('datum_shift_note', lang)}" if base.datum == "gcj02" else "")
    )
    sb.caption(t("online_note", lang) if base.online else t("offline_note", lang))
    if base.attribution:
        sb.caption(base.attribution, unsafe_allow_html=True)
    sb.number_input(
        t("synthetic", lang),
        min_value=0,
        max_value=MAX_SYNTHETIC,
        step=5000,
        key="synthetic",
        help=t("synthetic_help", lang),
    )


def _view(lang: str) -> ViewState:
    return ViewState(
        lang=lang,
        basemap=st.session_state["basemap"],
        layers=tuple(st.session_state["layers"]),
        filter=_current_filter(),
        center=tuple(st.session_state["center"]),
        zoom=int(st.session_state["zoom"]),
        synthetic=int(st.session_state["synthetic"]),
    )


def _write_query(view: ViewState) -> None:
    query = to_query(view)
    wanted = {k: (v if isinstance(v, list) else [v]) for k, v in query.items()}
    if wanted != _read_query():
        st.query_params.from_dict(query)


def _build_map(view: ViewState, hulls, band, key: str) -> MapParts:
    """The map as rendered for the browser, built and rendered only when what it shows changes."""
    stage, changes = st.session_state.get("plan_stage", CURRENT), _plan_changes_shown()
    signature = (
        view.lang,
        view.basemap,
        view.layers,
        view.filter,
        view.synthetic,
        key,
        workspace_version(),
        str(gzgeo.data_home()),
        st.session_state.get("tianditu_key", ""),
        st.session_state["map_origin"],
        stage,
        changes,
    )
    parts = _rendered_map(signature, view, hulls, band)
    # The snapshot export builds its own map from the same inputs.
    st.session_state["_map_memo"] = (signature, parts, (hulls, band))
    return parts


# Shared by sessions (a new visitor with the default view gets the map at once), bounded. The signature names
# everything the map shows (data version, filter, layers, language, basemap and its key, view origin, plan stage):
# equal signatures draw equal maps.
@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=appdata.BY_REPR)
def _rendered_map(signature: tuple, _view: ViewState, _hulls, _band) -> MapParts:
    # What no filter changes is rendered once (the skeleton); per filter only the platforms, badges, hulls,
    # legend, layer control and plan layers are built and spliced in (gzgeo.stskeleton).
    base = _base_options(_view, _hulls, _band)
    return splice_map(_skeleton(_skeleton_key(base), base), lambda holder: _add_filtered(holder, _view, _hulls, base))


def _skeleton_key(base: dict) -> tuple:
    # The band is drawn from the corridor width and the data version, both named here.
    return (
        *(value for name, value in sorted(base.items()) if name != "rings"),
        float(st.session_state["corridor_m"]),
        str(gzgeo.data_home()),
        workspace_version(),
    )


# Bounded: one per language, basemap, layer set, view origin, corridor width and data version in use.
@st.cache_resource(show_spinner=False, max_entries=16)
def _skeleton(signature: tuple, _base: dict) -> MapSkeleton:
    return map_skeleton(localize(layout_base(**_base), mode="static"))


def _base_options(view: ViewState, hulls, band) -> dict:
    """Arguments of :func:`gzgeo.webmap.layout_base`: the map less what the filter changes."""
    origin_center, origin_zoom = st.session_state["map_origin"]
    # Hulls exist only when asked for (layer on, or the clusters panel with "show hulls"): then show them.
    layers = tuple(view.layers) + (("hulls",) if hulls is not None and "hulls" not in view.layers else ())
    return {
        "layers": layers,
        "lang": view.lang,
        "basemap": view.basemap,
        "tianditu_key": st.session_state.get("tianditu_key") or None,
        "center": tuple(origin_center),
        "zoom": origin_zoom,
        "rings": band,
        "draw": True,
    }


def _add_filtered(fmap, view: ViewState, hulls, base: dict):
    """Add what the filter and plan stage change to a :func:`_base_options` map (offline: static assets)."""
    stage, changes = st.session_state.get("plan_stage", CURRENT), _plan_changes_shown()
    platforms = appdata.filtered(view.synthetic, view.filter)
    # A plan stage replaces the current-data platform layers: the map shows only what that plan named.
    shown = platforms if stage == CURRENT else platforms.iloc[:0]
    options = {k: base[k] for k in ("lang", "basemap", "tianditu_key")}
    add_layout_layers(fmap, base["layers"], shown, hulls=hulls, **options)
    add_plan_overlays(fmap, stage, changes, platforms=platforms, **options)
    return localize(fmap, mode="static")


def _make_map(view: ViewState, hulls, band):
    """The map in one piece (as :func:`gzgeo.layout_map`), for the snapshot export."""
    base = _base_options(view, hulls, band)
    return _add_filtered(layout_base(**base), view, hulls, base)


def _drawn_region(drawing: dict | None, basemap: str):
    """(polygon, None) or (None, (lon, lat, radius_m)) in WGS-84 from a Leaflet.draw GeoJSON feature."""
    if not drawing or not drawing.get("geometry"):
        return None, None
    datum = overlay_datum(basemap, st.session_state.get("tianditu_key") or None)
    geom = shapely.geometry.shape(drawing["geometry"])
    if datum != "wgs84":
        geom = convert_geometry(geom, datum, "wgs84")
    radius = (drawing.get("properties") or {}).get("radius")
    if geom.geom_type == "Point" and radius:
        return None, (geom.x, geom.y, float(radius))
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom, None
    return None, None


@st.fragment
def _map_panel(view: ViewState, hulls, band, hull_key: str) -> None:
    lang = view.lang
    parts = _build_map(view, hulls, band, hull_key)
    platforms = appdata.filtered(view.synthetic, view.filter)
    state = st.session_state.get(MAP_KEY) or {}
    k = int(st.session_state.get("k_nearest", 5))
    click, nearest, region_result = None, None, None
    clicked = state.get("last_clicked")
    # Counted, not split: building the located frame of 20,000 rows was a sixth of a rerun.
    not_located = count_not_located(platforms)
    if clicked and len(platforms) > not_located:
        lat, lon = point_from_basemap_datum(clicked["lat"], clicked["lng"], view.basemap)
        click = (lat, lon)
        nearest = analysis.nearest_platforms(platforms, (lon, lat), k=k)
    drawings = state.get("all_drawings") or []
    polygon, circle = _drawn_region(drawings[-1] if drawings else None, view.basemap)
    if len(platforms) > not_located and (polygon is not None or circle is not None):
        region_result = (
            analysis.query_region(platforms, region=polygon)
            if polygon is not None
            else analysis.query_region(platforms, center=circle[:2], radius_m=circle[2])
        )
    dynamic = highlight_layer(
        selection=pd.concat([x for x in (nearest, region_result.platforms if region_result else None) if x is not None])
        if (nearest is not None or region_result)
        else None,
        basemap=view.basemap,
        lang=lang,
        click=click,
        circle_m=float(nearest["dist_m"].max()) if nearest is not None and len(nearest) else None,
        tianditu_key=st.session_state.get("tianditu_key") or None,
    )
    out = show_map(
        parts,
        key=MAP_KEY,
        height=620,
        returned_objects=RETURNED,
        # The map is drawn in the basemap's datum (GCJ-02 on AMap); the session keeps WGS-84.
        center=point_to_basemap_datum(*st.session_state["center"], view.basemap),
        zoom=int(st.session_state["zoom"]),
        feature_group_to_add=dynamic,
    )
    if out:
        if out.get("center") and out.get("zoom"):
            lat, lon = point_from_basemap_datum(out["center"]["lat"], out["center"]["lng"], view.basemap)
            st.session_state["center"], st.session_state["zoom"] = (round(lat, 5), round(lon, 5)), int(out["zoom"])
        _write_query(_view(lang))

    left, right = st.columns(2)
    with left:
        st.subheader(t("nearest", lang))
        st.number_input(t("k_nearest", lang), 1, 50, 5, key="k_nearest")
        if nearest is None:
            st.caption(t("click_hint", lang))
        else:
            st.dataframe(appdata.platform_table(nearest, lang, ["dist_m"]).round({"dist_m": 0}), hide_index=True)
        if not_located:
            st.caption(t("not_located", lang).format(n=not_located))
    with right:
        st.subheader(t("drawn", lang))
        if region_result is None:
            st.caption(t("draw_hint", lang))
        else:
            summary = region_result.region.iloc[0]
            c1, c2, c3 = st.columns(3)
            c1.metric(t("inside", lang), int(summary["n_platforms"]))
            c2.metric(t("area_km2", lang), f"{summary['area_km2']:.1f}")
            c3.metric("/km²", f"{summary['density_per_km2']:.2f}")
            counts = region_result.counts
            if len(counts):
                by_cat = counts[counts["field"] == "category"].copy()
                by_cat["value"] = by_cat["value"].map(lambda v: value_label("category", v, lang))
                st.bar_chart(by_cat.set_index("value")["n"], horizontal=True)
            st.dataframe(appdata.platform_table(region_result.platforms, lang), hide_index=True)
        if not_located:
            st.caption(t("not_located", lang).format(n=not_located))


def _proximity_tab(view: ViewState, corridor: pd.DataFrame | None, platforms: gpd.GeoDataFrame) -> None:
    import altair as alt  # here, not at the top: 0.2 s of the first visitor's wait for the map

    lang = view.lang
    st.subheader(t("axis_corridor", lang))
    st.slider(t("corridor_m", lang), 250, 10_000, step=250, key="corridor_m")
    if corridor is None:
        st.info(t("analysis_missing", lang))
    elif corridor.empty:
        st.caption(t("no_results", lang))
    else:
        profile = corridor.assign(
            along_km=corridor["chainage_m"] / 1000,
            offset_m=corridor["dist_m"] * corridor["side"].map({"left": 1, "right": -1}),
            category_label=corridor["category"].map(lambda v: value_label("category", v, lang)),
        )
        chart = (
            alt.Chart(profile)
            .mark_circle(size=80)
            .encode(
                x=alt.X("along_km:Q", title=t("along_axis", lang)),
                y=alt.Y("offset_m:Q", title=t("from_axis", lang)),
                color=alt.Color("category_label:N", title=t("category", lang)),
                tooltip=[
                    "name_zh",
                    "name_en",
                    "category_label",
                    alt.Tooltip("dist_m:Q", format=".0f"),
                    alt.Tooltip("along_km:Q", format=".2f"),
                ],
            )
        )
        st.altair_chart(chart, width="stretch")
        st.dataframe(
            appdata.platform_table(profile, lang, ["chainage_m", "dist_m", "side"]).round(
                {"chainage_m": 0, "dist_m": 0}
            ),
            hide_index=True,
        )
    not_located = split_located(platforms)[1]
    if corridor is not None and not_located:
        st.caption(t("not_located", lang).format(n=not_located))

    st.subheader(t("distance_between", lang))
    if len(platforms) >= 2:
        ids = platforms["id"].tolist()
        names = dict(zip(platforms["id"], platforms["name_zh"] + " · " + platforms["name_en"], strict=True))
        a, b = st.columns(2)
        first = a.selectbox(t("platform_a", lang), ids[:5000], format_func=names.get, key="dist_a")
        second = b.selectbox(t("platform_b", lang), ids[:5000], index=1, format_func=names.get, key="dist_b")
        located_ids = set(split_located(platforms)[0]["id"])
        unlocated = [i for i in (first, second) if i not in located_ids]
        if unlocated:
            st.caption(t("distance_unknown", lang).format(name=names[unlocated[0]]))
        else:
            target = platforms.loc[platforms["id"] == first].geometry.iloc[0]
            pair = analysis.nearest_platforms(platforms[platforms["id"] == second], target, k=1)
            st.metric(t("distance_km", lang), f"{float(pair['dist_m'].iloc[0]) / 1000:.2f}")


def _clusters_tab(view: ViewState, summary, labelled) -> None:
    lang = view.lang
    c1, c2, c3 = st.columns(3)
    c1.radio(t("method", lang), ["DBSCAN", "HDBSCAN"], key="cl_method", horizontal=True)
    c2.slider(t("eps_m", lang), 250, 10_000, step=250, key="cl_eps", disabled=st.session_state["cl_method"] != "DBSCAN")
    c3.slider(t("min_samples", lang), 2, 30, key="cl_min")
    st.toggle(t("show_hulls", lang), key="cl_show")
    if summary is None:
        st.caption(t("no_results", lang))
        return
    noise = int((labelled["cluster"] < 0).sum())
    m1, m2 = st.columns(2)
    m1.metric(t("clusters_found", lang), len(summary))
    m2.metric(t("noise", lang), noise)
    st.dataframe(
        pd.DataFrame(summary.drop(columns="geometry")).round(
            {"hull_area_km2": 2, "centroid_lon": 5, "centroid_lat": 5}
        ),
        hide_index=True,
    )


def _stats_tab(view: ViewState, platforms: gpd.GeoDataFrame) -> None:
    import altair as alt  # here, not at the top: 0.2 s of the first visitor's wait for the map

    lang = view.lang
    if platforms.empty:
        st.caption(t("no_results", lang))
        return
    name_col = "name_en" if lang == "en" else "name_zh"
    stats = analysis.layout_statistics(platforms, by=None)
    left, right = st.columns(2)
    with left:
        st.subheader(t("by_zone", lang))
        zones = stats[stats["kind"].isin(["zone", "zone_part", "core", "node"])]
        st.bar_chart(pd.DataFrame(zones).set_index(name_col)["n_platforms"], horizontal=True)
    with right:
        st.subheader(t("by_district", lang))
        districts = stats[stats["kind"] == "district"]
        st.bar_chart(pd.DataFrame(districts).set_index(name_col)["n_platforms"], horizontal=True)
    st.subheader(t("by_category", lang))
    by_cat = platforms["category"].map(lambda v: value_label("category", v, lang)).value_counts()
    st.bar_chart(by_cat, horizontal=True)

    st.subheader(t("density_choropleth", lang))
    choropleth = districts.assign(per_100km2=districts["density_per_km2"] * 100)[
        [name_col, "n_platforms", "per_100km2", "geometry"]
    ]
    # Inline GeoJSON features: Streamlit's bundled Vega draws them, nothing is fetched.
    features = json.loads(choropleth.to_json())["features"]
    chart = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(stroke="#555", strokeWidth=0.6)
        .encode(
            color=alt.Color("properties.per_100km2:Q", scale=alt.Scale(scheme="oranges"), title="/100 km²"),
            tooltip=[
                alt.Tooltip(f"properties.{name_col}:N", title=t("district", lang)),
                alt.Tooltip("properties.n_platforms:Q", title=t("count", lang)),
                alt.Tooltip("properties.per_100km2:Q", format=".2f", title="/100 km²"),
            ],
        )
        .project(type="mercator")
        .properties(height=420)
    )
    st.altair_chart(chart, width="stretch")

    st.subheader(t("targets", lang))
    if appdata.table("targets") is not None:
        progress = analysis.target_progress(platforms)
        if len(progress):
            label = "indicator_en" if lang == "en" else "indicator_zh"
            long = progress.melt(
                id_vars=[label], value_vars=["target_value", "mapped_count"], var_name="series", value_name="n"
            )
            bars = (
                alt.Chart(long)
                .mark_bar()
                .encode(
                    y=alt.Y(f"{label}:N", title=None),
                    x=alt.X("n:Q", title=t("count", lang)),
                    color=alt.Color("series:N"),
                    yOffset="series:N",
                )
            )
            st.altair_chart(bars, width="stretch")
            st.dataframe(progress, hide_index=True)


def _plan_changes_shown() -> tuple[str, str] | None:
    """The two plans whose changes are ringed on the map: only while the plan panel asks for it."""
    a, b = st.session_state.get("plan_a"), st.session_state.get("plan_b")
    if st.session_state.get("panel") != "tab_plans" or not st.session_state.get("plan_show") or not a or a == b:
        return None
    return (a, b)


def _plans_tab(view: ViewState, platforms: gpd.GeoDataFrame) -> None:
    from gzgeo.plans import plan_documents

    lang = view.lang
    stage = st.session_state.get("plan_stage", CURRENT)
    if stage != CURRENT:
        snapshot = gzgeo.plan_snapshot(stage)
        shown = platforms[platforms["id"].isin(snapshot.index)]
        st.metric(f"{t('plan_named_count', lang)} · {plan_stage_label(stage, lang)}", f"{len(shown)} / {len(snapshot)}")
        table = snapshot.join(shown.set_index("id")[["name_zh", "name_en", "status"]], how="inner")
        table["status_class"] = table["status_class"].map(lambda v: value_label("plan_status", v, lang))
        table["status"] = table["status"].map(lambda v: value_label("status", v, lang))
        st.dataframe(
            table.reset_index()[
                ["name_zh", "name_en", "status_phrase", "status_class", "clause", "quote", "status"]
            ].rename(
                columns={
                    "status_phrase": t("plan_phrase", lang),
                    "clause": t("plan_clause", lang),
                    "status": t("plan_checked_status", lang),
                }
            ),
            hide_index=True,
        )
        st.caption(t("plan_wording_note", lang))
    docs = plan_documents()
    titles = dict(zip(docs["document"], docs["title_en" if lang == "en" else "title_zh"], strict=True))
    dates = dict(zip(docs["document"], docs["date"].astype(str), strict=True))
    options = list(docs["document"])
    left, right = st.columns(2)
    left.selectbox(t("plan_from", lang), options, key="plan_a", format_func=lambda d: f"{dates[d][:7]} {titles[d]}")
    right.selectbox(t("plan_to", lang), options, key="plan_b", format_func=lambda d: f"{dates[d][:7]} {titles[d]}")
    st.toggle(t("plan_highlight", lang), key="plan_show")
    a, b = st.session_state["plan_a"], st.session_state["plan_b"]
    if a == b:
        st.info(t("plan_same", lang))
        return
    changes = gzgeo.plan_changes(a, b)
    counts = changes["change"].value_counts()
    st.caption(
        t("plan_change_counts", lang).format(
            **{k: int(counts.get(k, 0)) for k in ("added", "status_changed", "no_longer_named")}
        )
    )
    if docs.set_index("document").loc[b, "doc_type"] == "press report" and counts.get("no_longer_named", 0):
        st.warning(t("plan_press_caveat", lang))
    names_en = gzgeo.load("platforms").set_index("id")["name_en"]
    shown = changes.assign(
        name_en=changes["platform_id"].map(names_en),
        change=changes["change"].map(lambda v: value_label("plan_change", v, lang)),
        status_a=changes["status_a"].map(lambda v: value_label("plan_status", v, lang) if v else ""),
        status_b=changes["status_b"].map(lambda v: value_label("plan_status", v, lang) if v else ""),
    )
    st.dataframe(
        shown[["name_zh", "name_en", "change", "phrase_a", "status_a", "phrase_b", "status_b", "quote_b", "caveat"]],
        hide_index=True,
    )


def _export_tab(view: ViewState, platforms: gpd.GeoDataFrame) -> None:
    from gzgeo.export import EXPORT_FORMATS, export_bytes
    from gzgeo.snapshot import snapshot_png

    lang = view.lang
    formats = ["snapshot", *EXPORT_FORMATS]
    fmt = st.selectbox(
        t("export_format", lang),
        formats,
        key="export_fmt",
        format_func=lambda f: t("export_snapshot", lang) if f == "snapshot" else f,
    )
    if st.button(t("export_button", lang), key="export_go"):
        with st.spinner("…"):
            if fmt == "snapshot":
                # The map exactly as shown: same layers, filters and basemap, at the current centre and zoom.
                memo = st.session_state.get("_map_memo")
                fmap = _make_map(view, *(memo[2] if memo else (None, None)))
                lat, lon = st.session_state["center"]
                data = snapshot_png(
                    fmap, center=point_to_basemap_datum(lat, lon, view.basemap), zoom=int(st.session_state["zoom"])
                )
                filename, mime = "gzgeo-map-view.png", "image/png"
            elif fmt == "html":
                # The interactive map as the planner has set it up: same overlays, language and basemap.
                data, filename, mime = export_bytes(
                    fmt, platforms=platforms, layers=view.layers, lang=lang, basemap=view.basemap
                )
            else:
                data, filename, mime = export_bytes(fmt, platforms=platforms)
        st.download_button(filename, data=data, file_name=filename, mime=mime)


def _data_notices(lang: str) -> None:
    """Say what was left out: data rows skipped for bad coordinates, URL values that do not exist."""
    skipped = []
    for name in ("platforms", "districts", "zones", "cores", "nodes", "axis"):
        table = appdata.table(name)
        skipped += [] if table is None else table.attrs.get("skipped_rows", [])
    if skipped:
        rows = "; ".join(f"{e['file']} {e['row']}" + (f" ({e['id']})" if e["id"] else "") for e in skipped[:10])
        more = f" … (+{len(skipped) - 10})" if len(skipped) > 10 else ""
        st.warning(f"{t('skipped_rows', lang)} ({len(skipped)}): {rows}{more}")
    notice = st.session_state.get("_url_notice")
    if notice:
        text = "; ".join(f"{key}={', '.join(values)}" for key, values in notice.items())
        st.info(f"{t('url_ignored', lang)}: {text}")


def main() -> None:
    _serve_assets()
    _init_session()
    for key, default in (
        ("corridor_m", 2000),
        ("cl_method", "DBSCAN"),
        ("cl_eps", 1500),
        ("cl_min", 3),
        ("cl_show", True),
        ("plan_stage", CURRENT),
        ("plan_a", "000"),
        ("plan_b", "002"),
        ("plan_show", True),
    ):
        st.session_state.setdefault(key, default)
    st.sidebar.radio(
        t("language", st.session_state["lang"]),
        list(LANGUAGES),
        key="lang",
        horizontal=True,
        format_func={"zh": "中文", "en": "English"}.get,
    )
    lang = st.session_state["lang"]
    sign_in_sidebar(lang)  # viewing needs none; the workspace panel asks for a signed-in editor (gzgeo.auth)
    synthetic = int(st.session_state.get("synthetic", 0))
    platforms_all = appdata.platforms(synthetic)
    _drop_unknown_facet_values()
    view = _view(lang)
    platforms = appdata.filtered(view.synthetic, view.filter)

    st.title(t("title", lang))
    st.caption(t("caption", lang))
    if synthetic:
        st.warning(t("synthetic_banner", lang))
    # Filled after the map is sent: reading every table for its skipped rows need not delay the map.
    notices = st.container()
    st.metric(t("shown", lang), f"{len(platforms):,} / {len(platforms_all):,}")
    precise = int(platforms["location_precision"].isin(PRECISE).sum()) if "location_precision" in platforms else 0
    st.caption(t("precisely_located", lang).format(n=precise, total=len(platforms)))

    panels = ("tab_table", "tab_proximity", "tab_clusters", "tab_stats", "tab_plans", "tab_export", "tab_workspace")
    st.session_state.setdefault("panel", panels[0])
    # Only clustering shown on the map or in its panel is computed: it is the costliest step of a filter change.
    wants_clusters = "hulls" in view.layers or st.session_state["panel"] == "tab_clusters"
    labelled = summary = None
    if wants_clusters:
        labelled, summary = appdata.clusters(
            view.synthetic,
            view.filter,
            st.session_state["cl_method"],
            float(st.session_state["cl_eps"]),
            int(st.session_state["cl_min"]),
            workspace_version(),
        )
    hulls = None
    if st.session_state["cl_show"] and summary is not None and len(summary):
        hulls = summary[["cluster", "n_points", "hull_area_km2", "dominant_categories", "geometry"]]
    band = appdata.axis_band(float(st.session_state["corridor_m"]), workspace_version())
    hull_key = (
        f"{st.session_state['cl_method']}-{st.session_state['cl_eps']}-{st.session_state['cl_min']}-"
        f"{hulls is not None}-{st.session_state['corridor_m']}"
    )
    _map_panel(view, hulls, band, hull_key)
    # The filter boxes are sent after the map (the sidebar still shows them below the language switch and the
    # sign-in; the map reads their values from the session): a first visitor's facet counts (cold caches) no
    # longer delay the map's message. The browser still renders them with it (benchmarks/README.md, sixth round).
    _sidebar(platforms_all, lang)
    with notices:
        _data_notices(lang)
    _write_query(view)

    # A panel selector rather than st.tabs: Streamlit runs every tab's code on every rerun, a selector only one.
    panel = (
        st.segmented_control(" ", panels, key="panel", format_func=lambda k: t(k, lang), label_visibility="collapsed")
        or panels[0]
    )
    if panel == "tab_table":
        if platforms.empty:
            st.caption(t("no_results", lang))
        else:
            st.dataframe(appdata.table_view(view.synthetic, view.filter, lang), hide_index=True)
    elif panel == "tab_proximity":
        corridor = appdata.corridor(
            view.synthetic, view.filter, float(st.session_state["corridor_m"]), workspace_version()
        )
        _proximity_tab(view, corridor, platforms)
    elif panel == "tab_clusters":
        _clusters_tab(view, summary, labelled)
    elif panel == "tab_stats":
        _stats_tab(view, platforms)
    elif panel == "tab_plans":
        _plans_tab(view, platforms)
    elif panel == "tab_workspace":
        workspace_panel(lang, view.basemap, platforms_all)
    else:
        _export_tab(view, platforms)


main()
