"""The app's data: loaded, filtered, counted and labelled once per server process, shared by its sessions.

Bounded Streamlit caches around :mod:`gzgeo.filters`, :mod:`gzgeo.layers` and :mod:`gzgeo.analysis`, keyed by
the workspace's version (an edit here, in the CLI or by a teammate shows at once). They live here rather than in
``app.py``: Streamlit works out a cached function's key from its source each time the function is decorated, and
the app's script, with everything defined in it, runs again on every interaction (≈ 0.2 ms per function and run).
Values from ``cache_resource`` are shared, not copied: callers only read them.

``synthetic`` is the number of synthetic test platforms (0: the real data).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from . import analysis
from .filters import (
    FACETS,
    PlatformFilter,
    facet_counts,
    facet_values,
    filter_mask,
    filter_platforms,
    prepare_platforms,
    synthetic_platforms,
)
from .i18n import t, value_label
from .layers import LEVELS, STATUSES, load
from .selection import split_located
from .style import district_names
from .workspace.panel import workspace_version

__all__ = [
    "BY_REPR",
    "axis_band",
    "clusters",
    "corridor",
    "facet_labels",
    "facet_values_at",
    "facets",
    "filtered",
    "platform_table",
    "platforms",
    "table",
    "table_view",
]

#: Cache keys of a filter: its repr (exact for its tuples of strings) instead of Streamlit's default for a
#: dataclass, a deep ``asdict`` copy hashed field by field (≈ 0.4 ms a look-up, ≈ 25 look-ups a run).
BY_REPR = {PlatformFilter: repr}

#: Rows the table panel lists.
TABLE_ROWS = 5000


def _version(synthetic: int) -> str:
    return "" if synthetic else workspace_version()


@st.cache_resource(show_spinner=False, max_entries=4)  # real data (+ a workspace version), synthetic sizes: bounded
def _platforms_at(synthetic: int, version: str) -> gpd.GeoDataFrame:
    base = synthetic_platforms(synthetic, seed=0) if synthetic else load("platforms")
    return prepare_platforms(base)


def platforms(synthetic: int) -> gpd.GeoDataFrame:
    """Every platform, prepared for filtering (:func:`gzgeo.filters.prepare_platforms`); WGS-84."""
    return _platforms_at(synthetic, _version(synthetic))


# Shared, not copied (read-only by every caller): filtering 20,000 rows was a quarter of a filter change,
# repeated by each panel.
@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=BY_REPR)
def _filtered_at(synthetic: int, version: str, flt: PlatformFilter) -> gpd.GeoDataFrame:
    return filter_platforms(_platforms_at(synthetic, version), flt)


def filtered(synthetic: int, flt: PlatformFilter) -> gpd.GeoDataFrame:
    """The platforms ``flt`` selects (:func:`gzgeo.filters.filter_platforms`)."""
    return _filtered_at(synthetic, _version(synthetic), flt)


@st.cache_resource(show_spinner=False)
def table(name: str) -> pd.DataFrame | None:
    """``gzgeo.load(name)``, or None when the layer's file is missing."""
    try:
        return load(name)
    except FileNotFoundError:
        return None


def facet_labels(facet: str, lang: str) -> dict[str, str]:
    """Display names of facet values that are not coded labels (districts, zones, frameworks, documents)."""
    en = lang == "en"
    if facet == "district":
        return district_names(lang)
    sources = {"zone": ("zones", "id"), "framework": ("frameworks", "id"), "source": ("policies", "source_file")}
    if facet in sources:
        name, key = sources[facet]
        frame = table(name)
        if frame is None:
            return {}
        column = {"policies": "title_en" if en else "title_zh"}.get(name, "name_en" if en else "name_zh")
        return {k: (v or k) for k, v in zip(frame[key], frame[column], strict=True)}
    return {}


def platform_table(frame: pd.DataFrame, lang: str, extra: list[str] | None = None) -> pd.DataFrame:
    """The platform columns the app's tables show, values labelled and columns named in ``lang``."""
    columns = [
        "name_zh",
        "name_en",
        "category",
        "level",
        "status",
        "district",
        "location_precision",
        "source_file",
        "source_clause",
        *(extra or []),
    ]
    out = pd.DataFrame(frame)[[c for c in columns if c in frame]].copy()
    for field in ("category", "level", "status", "location_precision"):
        if field in out:
            # Label each distinct value once: per-row labelling was half of a rerun at 20,000 platforms.
            labels = {v: value_label(field, v, lang) for v in out[field].unique()}
            out[field] = out[field].map(labels)
    if "district" in out:
        names = facet_labels("district", lang)
        out["district"] = out["district"].map(lambda v: names.get(v, v))
    return out.rename(
        columns={c: t(c, lang) for c in ("category", "level", "status", "district", "location_precision", "address")}
    )


# Every platform labelled once per language, as an Arrow table (st.dataframe sends Arrow). Shared read-only.
@st.cache_resource(show_spinner=False, max_entries=4)
def _table_all_at(synthetic: int, version: str, lang: str) -> pa.Table:
    return pa.Table.from_pandas(platform_table(_platforms_at(synthetic, version), lang), preserve_index=False)


# The filter's rows taken from the labelled table (labelling a new filter's frame was a sixth of a change to a
# new category at 20,000 platforms). Shared read-only, bounded.
@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=BY_REPR)
def _table_view_at(synthetic: int, version: str, flt: PlatformFilter, lang: str) -> pa.Table:
    rows = np.flatnonzero(filter_mask(_platforms_at(synthetic, version), flt))[:TABLE_ROWS]
    return _table_all_at(synthetic, version, lang).take(rows)


def table_view(synthetic: int, flt: PlatformFilter, lang: str) -> pa.Table:
    """The table panel: the first :data:`TABLE_ROWS` platforms ``flt`` selects, labelled in ``lang`` (Arrow)."""
    return _table_view_at(synthetic, _version(synthetic), flt, lang)


# cache_resource: shared read-only, not unpickled on every rerun. Bounded. A new filter is counted on every
# platform through the frame's facet index (gzgeo.filters: a few numpy steps, ≈ 1 ms at 20,000 platforms).
@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=BY_REPR)
def _facet_counts_at(synthetic: int, version: str, flt: PlatformFilter) -> dict[str, pd.Series]:
    return facet_counts(_platforms_at(synthetic, version), flt)


@st.cache_resource(show_spinner=False, max_entries=4)
def _facet_values_at(synthetic: int, version: str) -> dict[str, list[str]]:
    frame = _platforms_at(synthetic, version)
    order = {"level": {v: i for i, v in enumerate(LEVELS)}, "status": {v: i for i, v in enumerate(STATUSES)}}
    return {f: facet_values(frame, f, order.get(f)) for f in FACETS}


def facet_values_at(synthetic: int) -> dict[str, list[str]]:
    """Every facet's values (levels and statuses in their rank order)."""
    return _facet_values_at(synthetic, _version(synthetic))


def facets(synthetic: int, flt: PlatformFilter) -> tuple[dict[str, pd.Series], dict[str, list[str]]]:
    """Facet counts under ``flt`` (:func:`gzgeo.filters.facet_counts`) and every facet's values."""
    version = _version(synthetic)
    return _facet_counts_at(synthetic, version, flt), _facet_values_at(synthetic, version)


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=BY_REPR)
def clusters(synthetic: int, flt: PlatformFilter, method: str, eps_m: float, min_points: int, version: str = ""):
    """(platform ids with their cluster, cluster summary with hulls) of the located platforms ``flt`` selects."""
    located = split_located(filtered(synthetic, flt))[0]
    if len(located) < max(2, min_points):
        return None, None
    if method == "HDBSCAN":
        labelled = analysis.hdbscan_clusters(located, min_cluster_size=max(2, min_points))
    else:
        labelled = analysis.dbscan_clusters(located, eps_m=eps_m, min_samples=min_points)
    summary = analysis.cluster_summary(labelled, hull="convex", zones=table("zones"))
    return labelled[["id", "cluster"]], summary


# cache_resource: shared read-only (the map only reads it), not unpickled on every run as cache_data would.
@st.cache_resource(show_spinner=False, max_entries=8)
def axis_band(half_width_m: float, version: str = ""):
    """The corridor around the axis (drawn on the map): independent of the filter, so not redone per change."""
    axis = table("axis")
    if axis is None:
        return None
    band = analysis.buffers(axis, half_width_m, dissolve=True)
    band["label"] = f"±{half_width_m:,.0f} m"
    return band[["label", "geometry"]]


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=BY_REPR)
def corridor(synthetic: int, flt: PlatformFilter, half_width_m: float, version: str = ""):
    """The located platforms ``flt`` selects along the axis (only when the proximity panel shows them)."""
    axis = table("axis")
    if axis is None:
        return None
    located = split_located(filtered(synthetic, flt))[0]
    if located.empty:
        return pd.DataFrame()
    return analysis.along_axis(located, max_dist_m=half_width_m, axis=axis).drop(columns="geometry")
