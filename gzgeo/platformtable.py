"""The platforms table turned into a layer: bad rows reported and skipped, estimates placed, memberships joined.

:func:`gzgeo.load` reads ``data/platforms.csv`` and hands it here; the workspace
overlay places a corrected platform with the same :func:`anchor_point`. Every rule
about a platform row before it becomes a point lives in this module.
"""

from __future__ import annotations

import warnings
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from .crs import WGS84, valid_lonlat

__all__ = ["anchor_point", "build_platforms", "membership_strings", "skip_rows"]

#: Precisions whose point is an estimate derived from a polygon, not a surveyed location.
ESTIMATED_PRECISIONS: frozenset[str] = frozenset({"zone", "district"})


def skip_rows(frame, bad: np.ndarray, file: str, where: list[str], reason: str):
    """Drop the rows flagged ``bad``; list them in ``attrs["skipped_rows"]`` and warn, so none vanishes silently.

    Each entry is a dict with ``file``, ``row`` (a line or feature number), ``id`` and ``reason``;
    ``gzgeo.validate()`` reports them and the app shows them.
    """
    skipped = list(frame.attrs.get("skipped_rows", []))
    ids = frame["id"].astype(str).tolist() if "id" in frame else [""] * len(frame)
    for i in np.flatnonzero(bad):
        skipped.append({"file": file, "row": where[i], "id": ids[i], "reason": reason})
    if bad.any():
        names = "; ".join(f"{e['row']} ({e['id']})" for e in skipped[-int(bad.sum()) :][:5])
        warnings.warn(f"{file}: skipped {int(bad.sum())} row(s) with {reason}: {names}", stacklevel=3)
        frame = frame.loc[~bad].reset_index(drop=True)
    frame.attrs["skipped_rows"] = skipped
    return frame


def _largest_part(geom):
    parts = getattr(geom, "geoms", [geom])
    return max(parts, key=lambda g: g.area)


def anchor_point(polygons: dict[str, BaseGeometry], district_rest: dict[str, BaseGeometry], anchor: str, district: str):
    """Representative point for a platform known only to a zone or a district.

    A zone can straddle districts (琶洲核心片区 includes 大学城 in Panyu): the
    point is drawn where the zone and the stated district overlap, so that an
    estimated location never contradicts the district the source gives. A
    platform known only to its district is drawn in a part of the district
    outside every zone, node and core, so that a spatial join never counts it
    as lying in a planning zone it may not be in.
    """
    geom = polygons.get(anchor)
    if geom is None:
        return None
    if anchor in district_rest:
        point = geom.representative_point()
        rest = district_rest[anchor]
        if rest.area > 0 and rest.distance(point) > 0:
            point = _largest_part(rest).representative_point()
        return point
    within = polygons.get(district)
    if within is not None and within is not geom:
        overlap = geom.intersection(within)
        if overlap.area > 0:
            return overlap.representative_point()
    return geom.representative_point()


def membership_strings(memberships: pd.DataFrame) -> pd.DataFrame:
    """The plan memberships of each platform joined into ``|``-separated strings, once for every user.

    Parameters
    ----------
    memberships : DataFrame
        The ``memberships`` table: ``platform_id``, ``framework``, ``role``, ``source_file``, ``clause``.

    Returns
    -------
    DataFrame indexed by ``platform_id``
        ``frameworks`` (each framework once), ``roles`` (``framework:role``, every membership), ``sources``
        (``source_file clause``, each once) and ``source_files`` (each document once), in table order.
        :func:`load` puts the first three on the platforms; :func:`gzgeo.filters.prepare_platforms`
        filters by ``source_files``.

    Examples
    --------
    >>> m = pd.DataFrame({"platform_id": ["a", "a", "b"], "framework": ["f1", "f1", "f2"],
    ...                   "role": ["core", "base", "core"], "source_file": ["d.pdf", "d.pdf", "e.pdf"],
    ...                   "clause": ["§1", "§2", "§3"]})
    >>> membership_strings(m).loc["a"].tolist()
    ['f1', 'f1:core|f1:base', 'd.pdf §1|d.pdf §2', 'd.pdf']
    """
    rows: dict[str, dict[str, list[str]]] = {}
    names = ("frameworks", "roles", "sources", "source_files")
    for pid, framework, role, source, clause in zip(
        memberships["platform_id"],
        memberships["framework"],
        memberships["role"],
        memberships["source_file"],
        memberships["clause"],
        strict=True,
    ):
        parts = rows.setdefault(pid, {name: [] for name in names})
        parts["frameworks"].append(framework)
        parts["roles"].append(f"{framework}:{role}")  # every membership, as the table lists them
        parts["sources"].append(f"{source} {clause}")
        if source:
            parts["source_files"].append(source)
    # each framework, source and document once, in the order of its first mention
    unique = {"frameworks", "sources", "source_files"}
    table = pd.DataFrame.from_dict(
        {pid: {n: "|".join(dict.fromkeys(p[n]) if n in unique else p[n]) for n in names} for pid, p in rows.items()},
        orient="index",
        columns=list(names),
    )
    table.index.name = "platform_id"
    return table


def build_platforms(
    table: pd.DataFrame,
    memberships: pd.DataFrame,
    polygons: dict[str, BaseGeometry],
    district_rest: dict[str, BaseGeometry],
    file: str,
) -> gpd.GeoDataFrame:
    """The platforms layer from its CSV table (all text): points, estimated points, memberships, skipped rows.

    A row whose coordinate is present but not a finite lon/lat in range, or that has no coordinates and an
    anchor naming no polygon, is skipped and listed in ``attrs["skipped_rows"]`` (:func:`skip_rows`). A row
    without coordinates is placed in its anchor polygon (:func:`anchor_point`) and flagged an estimate.

    Parameters
    ----------
    table : DataFrame
        ``data/platforms.csv`` read as text (``lon``, ``lat``, ``anchor``, ``district``, ``location_precision``...).
    memberships : DataFrame
        The ``memberships`` layer (:func:`membership_strings`).
    polygons, district_rest : dict
        Anchor polygons by id or district name, and each district outside every planning polygon (WGS-84).
    file : str
        The table's repo-relative path, for the skipped-row report.

    Returns
    -------
    GeoDataFrame in EPSG:4326.
    """
    lon = pd.to_numeric(table["lon"].replace("", np.nan), errors="coerce")
    lat = pd.to_numeric(table["lat"].replace("", np.nan), errors="coerce")
    # A coordinate that is present but not a number ("113,4"), infinite or off the globe is an error in that
    # row: skip the row (reported with its line), never guess a location for it.
    given = (table["lon"].str.strip() != "") | (table["lat"].str.strip() != "")
    bad = (given & ~valid_lonlat(lon, lat)).to_numpy()
    lines = [f"line {i + 2}" for i in range(len(table))]  # +2: header line, 1-based
    spec_path = file
    if bad.any():
        table = skip_rows(table, bad, spec_path, lines, "a coordinate that is not a finite lon/lat in range")
        lon, lat = lon[~bad].reset_index(drop=True), lat[~bad].reset_index(drop=True)
    skipped = table.attrs.get("skipped_rows", [])
    geometry = np.asarray(gpd.points_from_xy(lon, lat, crs=WGS84), dtype=object)
    # A platform known only to its zone or district is drawn at a representative
    # point of that polygon; location_precision says it is an estimate.
    for i in np.flatnonzero((lon.isna() | lat.isna()).to_numpy()):
        geometry[i] = anchor_point(
            polygons, district_rest, cast(str, table.at[i, "anchor"]), cast(str, table.at[i, "district"])
        )
    # No coordinates and an anchor that names no polygon: the platform cannot be placed; skip and say so.
    unplaced = np.array([g is None for g in geometry], dtype=bool)
    if unplaced.any():
        kept_lines = [e for e, keep in zip(lines, ~bad, strict=True) if keep] if bad.any() else lines
        table = skip_rows(
            table,
            unplaced,
            spec_path,
            kept_lines,
            "no coordinates and an anchor that is not a zone, node, core or district",
        )
        lon, lat = lon[~unplaced].reset_index(drop=True), lat[~unplaced].reset_index(drop=True)
        geometry = geometry[~unplaced]
        skipped = table.attrs["skipped_rows"]
    table["lon"], table["lat"] = lon, lat
    table["location_is_estimate"] = table["location_precision"].isin(ESTIMATED_PRECISIONS)

    joined = membership_strings(memberships)
    for col in ("frameworks", "roles", "sources"):
        table[col] = table["id"].map(joined[col]).fillna("")
    out = gpd.GeoDataFrame(table, geometry=list(geometry), crs=WGS84)
    out.attrs["skipped_rows"] = list(skipped)
    return out
