"""Apply a workspace's corrections and additions to the bundled platforms (by ``id``)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..layers import ESTIMATED_PRECISIONS, _anchor_geometries
from ..platformtable import anchor_point
from . import active_workspace

__all__ = ["apply_overlay", "overlaid"]


def apply_overlay(platforms: gpd.GeoDataFrame, overlay: dict[str, dict], home: str) -> gpd.GeoDataFrame:
    """The platforms with ``overlay`` (``{id: state}``, see :func:`gzgeo.workspace.base.merge_state`) applied.

    A state's fields replace the bundled ones; its ``lon``/``lat`` (WGS-84)
    become the point. A zone/district precision without a point is drawn at
    its anchor's representative point, exactly as the bundled data is. New
    ids are appended; deleted ones dropped.
    """
    if not overlay:
        return platforms
    frame = platforms.copy()
    index = {key: i for i, key in enumerate(frame["id"])}
    new_rows = []
    for key, state in overlay.items():
        if key not in index and not state.get("deleted"):
            row = {col: "" for col in frame.columns if col != "geometry"}
            row.update({"id": key, "lon": np.nan, "lat": np.nan, "location_is_estimate": False})
            new_rows.append(row)
    if new_rows:
        added = gpd.GeoDataFrame(pd.DataFrame(new_rows), geometry=[None] * len(new_rows), crs=frame.crs)
        frame = pd.concat([frame, added], ignore_index=True)
        index = {key: i for i, key in enumerate(frame["id"])}
    polygons = district_rest = None
    geometry = frame.geometry.to_numpy(dtype=object).copy()
    lon, lat = frame["lon"].to_numpy(dtype=float).copy(), frame["lat"].to_numpy(dtype=float).copy()
    drop = []
    for key, state in overlay.items():
        i = index.get(key)
        if i is None:
            continue
        if state.get("deleted"):
            drop.append(i)
            continue
        for col, value in (state.get("props") or {}).items():
            if col in frame.columns:
                frame.iat[i, frame.columns.get_loc(col)] = value
        if state.get("lon") is not None and state.get("lat") is not None:
            lon[i], lat[i] = state["lon"], state["lat"]
            geometry[i] = shapely.Point(lon[i], lat[i])
        elif frame.at[i, "location_precision"] in ESTIMATED_PRECISIONS:
            if polygons is None:
                polygons, district_rest = _anchor_geometries(home)
            lon[i] = lat[i] = np.nan
            geometry[i] = anchor_point(polygons, district_rest, frame.at[i, "anchor"], frame.at[i, "district"])
    frame["lon"], frame["lat"] = lon, lat
    frame = frame.set_geometry(list(geometry), crs=platforms.crs)
    frame["location_is_estimate"] = frame["location_precision"].isin(ESTIMATED_PRECISIONS)
    if drop:
        frame = frame.drop(index=frame.index[drop]).reset_index(drop=True)
    return frame


def overlaid(platforms: gpd.GeoDataFrame, home: str) -> gpd.GeoDataFrame:
    """``platforms`` with the active workspace applied; unchanged (and nothing created) when there is none."""
    workspace = active_workspace()
    if workspace is None:
        return platforms
    try:
        return apply_overlay(platforms, workspace.overlay(), home)
    finally:
        workspace.close()
