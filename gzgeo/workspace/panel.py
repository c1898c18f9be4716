"""The app's workspace panel: import a list, review geocoding, correct a location, undo, see the log.

Streamlit UI only; the work is done by :mod:`gzgeo.io`, :mod:`gzgeo.geocode`
and :mod:`gzgeo.workspace`. Every edit goes through
:meth:`~gzgeo.workspace.Workspace.write` with the session's actor.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd

from .._io import atomic_write_bytes
from ..basemaps import point_from_basemap_datum, point_to_basemap_datum
from ..i18n import STRINGS, t, value_label
from ..io import import_platforms, map_columns, read_table
from ..layers import data_home, load
from ..safe import escape_html
from ..webmap import layout_map
from . import active_workspace, open_workspace, workspace_url
from .overlay import apply_overlay

__all__ = ["workspace_panel", "workspace_version", "WS_STRINGS", "MAX_UPLOAD_BYTES", "MAX_ROWS"]

#: Largest upload accepted (bytes) and most rows previewed: work per request is bounded.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000
UPLOAD_TYPES = ["csv", "txt", "tsv", "xlsx", "geojson", "json", "gpkg", "zip"]
_FIELDS = ("name_zh", "address", "lon", "lat", "district", "category", "id")

WS_STRINGS: dict[str, tuple[str, str]] = {
    "tab_workspace": ("编辑与导入", "Edit & import"),
    "ws_where": ("工作区", "Workspace"),
    "ws_import": ("导入名单", "Import a list"),
    "ws_upload": (
        "上传 CSV / Excel / GeoJSON / GeoPackage / 压缩的 Shapefile",
        "Upload CSV / Excel / GeoJSON / GeoPackage / zipped Shapefile",
    ),
    "ws_too_big": ("文件过大（上限 20 MB）", "File too large (limit 20 MB)"),
    "ws_too_many": ("行数过多（上限 5000 行）", "Too many rows (limit 5000)"),
    "ws_unreadable": ("无法读取文件", "Cannot read the file"),
    "ws_mapping": ("列对应", "Column mapping"),
    "ws_none": ("（无）", "(none)"),
    "ws_datum": ("坐标系", "Coordinate system"),
    "ws_datum_help": ("高德/腾讯为 GCJ-02，百度为 BD-09", "AMap/Tencent: GCJ-02, Baidu: BD-09"),
    "ws_precision": ("坐标精度", "Precision"),
    "ws_preview": ("预览", "Preview"),
    "ws_issues": ("未导入或需注意的行", "Rows skipped or to check"),
    "ws_review": ("地理编码审核", "Geocoding review"),
    "ws_accept_col": ("采用", "Accept"),
    "ws_rejected": ("被拒绝的候选位置", "Rejected candidates"),
    "ws_accept": ("确认导入", "Accept import"),
    "ws_imported": ("已导入 {n} 个平台（批次 {batch}）", "Imported {n} platform(s) (batch {batch})"),
    "ws_nothing": ("没有可导入的行", "Nothing to import"),
    "ws_correct": ("修正位置", "Correct a location"),
    "ws_platform": ("平台", "Platform"),
    "ws_click": ("在地图上点击其真实位置，或输入坐标", "Click its true place on the map, or type coordinates"),
    "ws_lon": ("经度", "Longitude"),
    "ws_lat": ("纬度", "Latitude"),
    "ws_source": ("依据（来源）", "Source (why)"),
    "ws_save": ("保存修正", "Save correction"),
    "ws_saved": ("已保存（批次 {batch}）", "Saved (batch {batch})"),
    "ws_need_source": ("请填写依据", "Give a source"),
    "ws_undo": ("撤销上一次编辑", "Undo last edit"),
    "ws_undone": ("已撤销批次 {batch}", "Undid batch {batch}"),
    "ws_log": ("编辑日志", "Edit log"),
    "ws_empty_log": ("尚无编辑", "No edits yet"),
    "ws_failed": ("操作失败", "Failed"),
    "ws_candidate": ("候选位置", "Candidates"),
    "ws_row": ("第几行", "row"),
    "ws_read_only_db": ("数据库角色没有写入权限：工作区只读。", "The database role has no write grant: read-only."),
}
STRINGS.update({k: v for k, v in WS_STRINGS.items() if k not in STRINGS})


def workspace_version() -> str:
    """A key that changes whenever the active workspace changes ("" without one): cache keys use it."""
    ws = active_workspace()
    if ws is None:
        return ""
    try:
        return f"{ws.url}@{ws.version()}"
    finally:
        ws.close()


def _actor(st):
    # Re-checked at the moment of the edit (expiry, role in the user file), not only when the button was drawn;
    # the workspace's require_editor refuses anyone but a signed-in editor.
    from ..app_auth import current_identity

    return current_identity()


def _save_upload(st, upload) -> Path:
    folder = st.session_state.get("_ws_tmp")
    if not folder or not Path(folder).is_dir():
        folder = tempfile.mkdtemp(prefix="gzgeo-upload-")
        st.session_state["_ws_tmp"] = folder
    suffix = Path(upload.name).suffix.lower()
    if suffix.lstrip(".") not in UPLOAD_TYPES:
        raise ValueError(f"unsupported file type {suffix}")
    # the user's file name only as a label: a safe fixed name on disk, keeping its suffix
    stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", Path(upload.name).stem)[:60] or "upload"
    path = Path(folder) / f"{stem}{suffix}"
    return atomic_write_bytes(path, upload.getvalue())


def _preview_frame(result) -> gpd.GeoDataFrame:
    """The import's rows as they will look in ``platforms`` (estimates drawn at their anchor)."""
    states = {}
    for record in result.platforms.drop(columns="geometry").to_dict("records"):
        props = {
            k: v
            for k, v in record.items()
            if k not in ("lon", "lat", "row", "geocoded", "action") and isinstance(v, str)
        }
        lon, lat = record.get("lon"), record.get("lat")
        states[record["id"]] = {
            "props": props,
            "lon": None if pd.isna(lon) else lon,
            "lat": None if pd.isna(lat) else lat,
            "deleted": False,
        }
    merged = apply_overlay(load("platforms", workspace=False), states, str(data_home()))
    return merged[merged["id"].isin(states)]


def _candidate_layer(result, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=t("ws_candidate", lang))
    for row, candidates in result.candidates.items():
        for c in candidates:
            if c.point is None:
                continue
            label = (
                f"{t('ws_row', lang)} {row}: {c.provider} {c.level} "
                f"{value_label('location_precision', c.precision, lang)} — {c.label}"
            )
            if not c.accepted:
                label += f" ✗ {c.reason}"
            folium.CircleMarker(
                location=(c.point[1], c.point[0]),
                radius=7,
                weight=2,
                color="#1a9641" if c.accepted else "#888888",
                fill=c.accepted,
                fill_opacity=0.6,
                dash_array=None if c.accepted else "4",
                tooltip=escape_html(label),
            ).add_to(group)
    return group


def _map(
    st,
    st_folium,
    frame: gpd.GeoDataFrame,
    key: str,
    lang: str,
    basemap: str,
    extra=None,
    center=None,
    zoom=None,
    returned=("last_clicked",),
):
    fmap = layout_map(
        layers=("districts", "platforms"),
        platforms=frame,
        offline="static",
        lang=lang,
        basemap=basemap,
        tianditu_key=st.session_state.get("tianditu_key") or None,
        center=center,
        zoom=zoom,
        controls=False,
    )
    if extra is not None:
        # a layer control must come after every layer it lists: take it out, add the layer, put it back
        controls = [(k, c) for k, c in fmap._children.items() if isinstance(c, folium.LayerControl)]
        for k, _ in controls:
            del fmap._children[k]
        extra.add_to(fmap)
        for k, c in controls:
            fmap._children[k] = c
    return st_folium(fmap, key=key, height=420, use_container_width=True, returned_objects=list(returned))


def _import_section(st, st_folium, lang: str, basemap: str) -> None:
    st.subheader(t("ws_import", lang))
    upload = st.file_uploader(t("ws_upload", lang), type=UPLOAD_TYPES, key="ws_upload")
    if upload is None:
        st.session_state.pop("ws_result", None)
        return
    if upload.size > MAX_UPLOAD_BYTES:
        st.error(t("ws_too_big", lang))
        return
    try:
        path = _save_upload(st, upload)
        source = read_table(path)
    except Exception as error:  # a bad upload is reported, never crashes the app
        st.error(f"{t('ws_unreadable', lang)}: {error}")
        return
    if len(source.table) > MAX_ROWS:
        st.error(t("ws_too_many", lang))
        return
    headers = list(source.table.columns)
    auto = map_columns(headers)
    st.caption(f"{upload.name}: {source.format}, {source.encoding}, {len(source.table)} {source.row_label}(s)")
    st.markdown(f"**{t('ws_mapping', lang)}**")
    options = ["", *headers]
    chosen = {}
    for col, field_name in zip(st.columns(len(_FIELDS)), _FIELDS, strict=True):
        default = auto.get(field_name, "")
        choice = col.selectbox(
            field_name,
            options,
            index=options.index(default),
            key=f"ws_col_{field_name}",
            format_func=lambda h: h or t("ws_none", lang),
        )
        chosen[field_name] = choice or None
    left, right, go = st.columns([2, 2, 1])
    datum = left.radio(
        t("ws_datum", lang), ["wgs84", "gcj02", "bd09"], horizontal=True, key="ws_datum", help=t("ws_datum_help", lang)
    )
    precision = right.radio(
        t("ws_precision", lang),
        ["site", "campus_or_park"],
        horizontal=True,
        key="ws_precision",
        format_func=lambda v: value_label("location_precision", v, lang),
    )
    if go.button(t("ws_preview", lang), key="ws_preview_btn", type="primary"):
        try:
            # reading the file again with the chosen mapping; a missing optional column is simply not used
            result = import_platforms(
                path, datum=datum, columns=chosen, precision=precision, workspace=active_workspace()
            )
            st.session_state["ws_result"] = result
        except Exception as error:
            st.session_state.pop("ws_result", None)
            st.error(f"{t('ws_failed', lang)}: {error}")
    result = st.session_state.get("ws_result")
    if result is None:
        return
    st.text(result.summary())
    if len(result.issues):
        st.markdown(f"**{t('ws_issues', lang)}**")
        st.dataframe(result.issues, hide_index=True)
    if result.platforms.empty:
        st.warning(t("ws_nothing", lang))
        return
    preview = _preview_frame(result)
    middle = preview.geometry.union_all().centroid  # st_folium needs a centre to register the map
    _map(
        st,
        st_folium,
        preview,
        "ws-preview-map",
        lang,
        basemap,
        extra=_candidate_layer(result, lang),
        center=point_to_basemap_datum(middle.y, middle.x, basemap),
        zoom=10,
    )
    accepted_rows = list(result.platforms["row"])
    geocoded = result.platforms[result.platforms["geocoded"]]
    if len(geocoded):
        st.markdown(f"**{t('ws_review', lang)}**")
        review = pd.DataFrame(
            {
                "row": geocoded["row"],
                "name_zh": geocoded["name_zh"],
                "address": geocoded["address"],
                "location_precision": geocoded["location_precision"],
                "location_source": geocoded["location_source"],
                "accept": True,
            }
        )
        edited = st.data_editor(
            review,
            hide_index=True,
            key="ws_review_editor",
            disabled=list(review.columns[:-1]),
            column_config={"accept": st.column_config.CheckboxColumn(t("ws_accept_col", lang))},
        )
        rejected_rows = set(edited.loc[~edited["accept"].astype(bool), "row"])
        accepted_rows = [r for r in accepted_rows if r not in rejected_rows]
        rejected = [
            {"row": row, "provider": c.provider, "label": c.label, "reason": c.reason}
            for row, cands in result.candidates.items()
            for c in cands
            if not c.accepted
        ]
        if rejected:
            st.caption(t("ws_rejected", lang))
            st.dataframe(pd.DataFrame(rejected), hide_index=True)
    if st.button(t("ws_accept", lang), key="ws_accept_btn", type="primary", disabled=not accepted_rows):
        try:
            batch = result.commit(open_workspace(), actor=_actor(st), rows=accepted_rows)
        except Exception as error:
            st.error(f"{t('ws_failed', lang)}: {error}")
            return
        st.session_state["ws_message"] = t("ws_imported", lang).format(n=len(accepted_rows), batch=batch)
        st.session_state.pop("ws_result", None)
        st.rerun()


def _correct_section(st, st_folium, lang: str, basemap: str, platforms: gpd.GeoDataFrame) -> None:
    st.subheader(t("ws_correct", lang))
    names = dict(zip(platforms["id"], platforms["name_zh"] + " · " + platforms["district"], strict=True))
    ids = list(names)
    if not ids:
        return
    pid = st.selectbox(t("ws_platform", lang), ids, key="ws_pid", format_func=lambda k: names.get(k, k))
    row = platforms[platforms["id"] == pid]
    point = row.geometry.iloc[0]
    st.caption(
        f"{value_label('location_precision', row['location_precision'].iloc[0], lang)} · "
        f"{row['location_source'].iloc[0]}"
    )
    st.caption(t("ws_click", lang))
    clicked_group = None
    pending = st.session_state.get("ws_click_point")
    if pending and pending[0] == pid:
        clicked_group = folium.FeatureGroup(name="click")
        lat_b, lon_b = point_to_basemap_datum(pending[2], pending[1], basemap)
        folium.Marker((lat_b, lon_b), tooltip=escape_html(f"{pending[1]:.6f}, {pending[2]:.6f}")).add_to(clicked_group)
    center = None
    if point is not None and not point.is_empty:
        center = point_to_basemap_datum(point.y, point.x, basemap)
    out = _map(st, st_folium, row, f"ws-correct-map-{pid}", lang, basemap, extra=clicked_group, center=center, zoom=14)
    click = (out or {}).get("last_clicked")
    if click and st.session_state.get("ws_last_click") != (pid, click["lat"], click["lng"]):
        st.session_state["ws_last_click"] = (pid, click["lat"], click["lng"])
        lat, lon = point_from_basemap_datum(click["lat"], click["lng"], basemap)
        st.session_state["ws_click_point"] = (pid, lon, lat)
        st.session_state["ws_lon"], st.session_state["ws_lat"] = round(lon, 7), round(lat, 7)
        st.session_state["ws_in_datum"] = "wgs84"
        st.rerun()
    c1, c2, c3 = st.columns(3)
    if point is not None and not point.is_empty:
        st.session_state.setdefault("ws_lon", round(point.x, 7))
        st.session_state.setdefault("ws_lat", round(point.y, 7))
    lon = c1.number_input(t("ws_lon", lang), 112.9, 114.1, key="ws_lon", format="%.7f", step=0.0001)
    lat = c2.number_input(t("ws_lat", lang), 22.5, 23.95, key="ws_lat", format="%.7f", step=0.0001)
    datum = c3.radio(
        t("ws_datum", lang),
        ["wgs84", "gcj02", "bd09"],
        horizontal=True,
        key="ws_in_datum",
        help=t("ws_datum_help", lang),
    )
    c1, c2 = st.columns([3, 1])
    source = c1.text_input(t("ws_source", lang), key="ws_source", max_chars=500)
    precision = c2.radio(
        t("ws_precision", lang),
        ["site", "campus_or_park"],
        key="ws_corr_precision",
        format_func=lambda v: value_label("location_precision", v, lang),
    )
    if st.button(t("ws_save", lang), key="ws_save_btn", type="primary"):
        if not source.strip():
            st.error(t("ws_need_source", lang))
            return
        try:
            batch = open_workspace().correct_location(
                pid, float(lon), float(lat), precision=precision, source=source.strip(), actor=_actor(st), datum=datum
            )
        except Exception as error:
            st.error(f"{t('ws_failed', lang)}: {error}")
            return
        st.session_state["ws_message"] = t("ws_saved", lang).format(batch=batch)
        st.session_state.pop("ws_click_point", None)
        st.rerun()


def _log_section(st, lang: str, can_edit: bool) -> None:
    st.subheader(t("ws_log", lang))
    ws = active_workspace()
    if can_edit and st.button(t("ws_undo", lang), key="ws_undo_btn", disabled=ws is None):
        try:
            batch = ws.undo(actor=_actor(st))
        except Exception as error:
            st.error(f"{t('ws_failed', lang)}: {error}")
        else:
            st.session_state["ws_message"] = t("ws_undone", lang).format(batch=batch)
            st.rerun()
    log = ws.log(limit=50) if ws is not None else pd.DataFrame()
    if log.empty:
        st.caption(t("ws_empty_log", lang))
        return
    st.dataframe(
        log[["at", "actor", "action", "feature_id", "changes", "precision", "source", "batch", "undone_by"]],
        hide_index=True,
    )


def workspace_panel(lang: str, basemap: str, platforms: gpd.GeoDataFrame) -> None:
    """Draw the panel (import, geocoding review, correct location, undo, log) in the running Streamlit app."""
    import streamlit as st
    from streamlit_folium import st_folium

    st.caption(f"{t('ws_where', lang)}: {workspace_url()}")
    message = st.session_state.pop("ws_message", None)
    if message:
        st.success(message)
    # Importing, geocoding, correcting and undoing are drawn only for a signed-in editor whose workspace
    # accepts writes (on PostGIS: the database role's grants); the workspace refuses everyone else anyway.
    can_edit = _actor(st).can_edit
    if can_edit:
        ws = active_workspace()
        if ws is not None and not ws.can_write():
            st.warning(t("ws_read_only_db", lang))
            can_edit = False
    else:
        st.info(t("read_only_note", lang))
    if can_edit:
        _import_section(st, st_folium, lang, basemap)
        st.divider()
        _correct_section(st, st_folium, lang, basemap, platforms)
        st.divider()
    _log_section(st, lang, can_edit)
