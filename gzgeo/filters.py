"""Filter the platforms by category, level, status, district, zone, framework, source or text; count facets.

A :class:`PlatformFilter` is an immutable (hashable, so cacheable) description
of what the planner selected. :func:`filter_platforms` returns the matching
subset of a platforms GeoDataFrame; :func:`facet_counts` says how many
platforms each value of each facet would give *given the other selections*
(the usual faceted-search convention, so choosing one category does not hide
the others from the list).

Zones are multi-valued: a platform belongs to a zone (and to the zone's parent)
when its point lies inside the zone polygon or its ``anchor`` names the zone.
Point-in-polygon is a topological test, so it runs in WGS-84 (EPSG:4326)
without projecting. Frameworks and source documents are multi-valued too
(``|``-separated).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from ._framecache import cached, subset
from .analysis.synthetic import synthetic_points
from .layers import LEVELS, STATUSES, load, membership_strings

__all__ = [
    "FACETS",
    "PlatformFilter",
    "prepare_platforms",
    "platform_zones",
    "filter_platforms",
    "filter_mask",
    "facet_counts",
    "facet_values",
    "synthetic_platforms",
]

#: Facet name -> (column of the prepared platforms frame, is multi-valued).
FACETS: dict[str, tuple[str, bool]] = {
    "category": ("category", False),
    "level": ("level", False),
    "status": ("status", False),
    "district": ("district", False),
    "zone": ("zones", True),
    "framework": ("frameworks", True),
    "source": ("source_docs", True),
}
_SEARCH_COLUMNS = ("name_zh", "name_en", "aliases", "id")
_SEP = "|"


@dataclass(frozen=True)
class PlatformFilter:
    """What the planner selected. Empty tuples and an empty text select everything.

    Attributes
    ----------
    category, level, status, district, zone, framework, source : tuple of str
        Accepted values of each facet (any of them matches).
    text : str
        Case-insensitive words that must all occur in the Chinese name,
        English name, aliases or id.

    Examples
    --------
    >>> f = PlatformFilter(category=("provincial_lab",), text="实验室")
    >>> f.is_empty, PlatformFilter().is_empty
    (False, True)
    >>> f.without("category").category
    ()
    """

    category: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    district: tuple[str, ...] = ()
    zone: tuple[str, ...] = ()
    framework: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    text: str = field(default="")

    def __post_init__(self) -> None:
        # Accept lists and single strings from callers and URLs; store tuples so the filter stays hashable.
        for name in FACETS:
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,) if value else ()
            object.__setattr__(self, name, tuple(str(v) for v in value))
        object.__setattr__(self, "text", str(self.text or "").strip())

    @property
    def is_empty(self) -> bool:
        return not self.text and not any(getattr(self, name) for name in FACETS)

    def without(self, facet: str) -> PlatformFilter:
        """The same filter with one facet cleared."""
        return replace(self, **{facet: ()})

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def platform_zones(platforms: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.Series:
    """Zone ids each platform belongs to, ``|``-joined (parts and their parent zones).

    Parameters
    ----------
    platforms : GeoDataFrame
        Points in EPSG:4326 with an optional ``anchor`` column.
    zones : GeoDataFrame
        ``gzgeo.load("zones")``: ``id``, ``parent`` (empty for a top-level zone).

    Returns
    -------
    pandas.Series of str, aligned with ``platforms``.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> zones = gpd.GeoDataFrame({"id": ["z", "z_a"], "parent": ["", "z"]},
    ...                          geometry=[box(0, 0, 2, 2), box(0, 0, 1, 1)], crs=4326)
    >>> pts = gpd.GeoDataFrame({"anchor": ["", "", "z"]},
    ...                        geometry=[Point(0.5, 0.5), Point(1.5, 1.5), Point(9, 9)], crs=4326)
    >>> platform_zones(pts, zones).tolist()
    ['z|z_a', 'z', 'z']
    """
    parent = dict(zip(zones["id"], zones.get("parent", pd.Series("", index=zones.index)).fillna(""), strict=True))
    found: list[set[str]] = [set() for _ in range(len(platforms))]
    valid = platforms.geometry.notna() & ~platforms.geometry.is_empty
    points = platforms.geometry[valid]
    if len(points) and len(zones):
        tree = zones.sindex
        pos_valid = np.flatnonzero(valid.to_numpy())
        point_idx, zone_idx = tree.query(points.to_numpy(), predicate="intersects")
        zone_ids = zones["id"].to_numpy()
        for p, z in zip(pos_valid[point_idx], zone_idx, strict=True):
            found[p].add(zone_ids[z])
    if "anchor" in platforms:
        for i, anchor in enumerate(platforms["anchor"].fillna("").astype(str)):
            if anchor in parent:
                found[i].add(anchor)
    for ids in found:
        for zid in list(ids):
            if parent.get(zid):
                ids.add(parent[zid])
    return pd.Series([_SEP.join(sorted(ids)) for ids in found], index=platforms.index, dtype=object)


def prepare_platforms(
    platforms: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame | None = None,
    memberships: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Add the derived columns the filters need: ``zones``, ``source_docs`` and ``search_text``.

    Do this once per dataset (the app caches it); filtering is then a few
    vectorised masks. Missing layers are tolerated: without ``zones`` every
    platform has no zone; without ``memberships`` the source documents are the
    platform's own ``source_file``.

    Examples
    --------
    >>> import gzgeo
    >>> prepared = prepare_platforms(gzgeo.load("platforms"))
    >>> {"zones", "source_docs", "search_text"} <= set(prepared.columns)
    True
    """
    out = platforms.copy()
    if zones is None:
        try:
            zones = load("zones")
        except FileNotFoundError:
            zones = None
    out["zones"] = platform_zones(out, zones) if zones is not None else ""
    if memberships is None:
        try:
            memberships = load("memberships")
        except FileNotFoundError:
            memberships = None
    own = out.get("source_file", pd.Series("", index=out.index)).fillna("").astype(str)
    docs: list[list[str]] = [[s] if s else [] for s in own]
    if memberships is not None and len(memberships) and "id" in out:
        by_platform = membership_strings(memberships)["source_files"].to_dict()
        for i, pid in enumerate(out["id"]):
            docs[i].extend(by_platform.get(pid, "").split(_SEP))
    out["source_docs"] = [_SEP.join(dict.fromkeys(d for d in ds if d)) for ds in docs]
    for col in ("frameworks", "aliases"):
        if col not in out:
            out[col] = ""
    text = pd.Series("", index=out.index, dtype=object)
    for col in _SEARCH_COLUMNS:
        if col in out:
            text = text + " " + out[col].fillna("").astype(str)
    out["search_text"] = text.str.lower()
    return out


def _ensure_prepared(platforms: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    needed = {"zones", "source_docs", "search_text"}
    return platforms if needed <= set(platforms.columns) else prepare_platforms(platforms)


def _facet_mask(column: pd.Series, values: tuple[str, ...], multi: bool) -> np.ndarray:
    """The plain way (no index): kept for frames whose index cannot be used; tests compare the two."""
    if not values:
        return np.ones(len(column), dtype=bool)
    wanted = set(values)
    if not multi:
        return column.astype(str).isin(wanted).to_numpy()
    return np.fromiter(
        (not wanted.isdisjoint(str(s).split(_SEP)) for s in column.fillna("")), dtype=bool, count=len(column)
    )


def _text_mask(search_text: pd.Series, text: str) -> np.ndarray:
    mask = np.ones(len(search_text), dtype=bool)
    for word in text.lower().split():
        mask &= search_text.str.contains(word, regex=False).to_numpy()
    return mask


class _Codes:
    """One facet column as integer codes: a value per row, or for a multi-valued facet a token list per row.

    ``codes[i]`` is the position in ``values`` of token ``i`` (-1: missing, never matched); ``rows[i]`` its row
    (None for a single-valued facet: token i is row i). Masks follow ``_facet_mask``'s conversions and counts
    ``_explode_counts``'s, which differ for missing values, so each has its own codes when they differ.
    """

    __slots__ = ("codes", "values", "lookup", "rows", "count_codes", "count_values", "index_dtype", "name")

    def __init__(self, column: pd.Series, multi: bool):
        self.name = column.name
        counted = column.fillna("").astype(str)
        if multi:
            # Tokens as _facet_mask splits them (str() of each value) and as _explode_counts does (astype(str)).
            mask_lists = [str(v).split(_SEP) for v in column.fillna("").tolist()]  # a list: not per-item arrow
            count_lists = [v.split(_SEP) for v in counted.tolist()]
            lengths = np.fromiter((len(t) for t in mask_lists), dtype=np.int64, count=len(mask_lists))
            self.rows = np.repeat(np.arange(len(column), dtype=np.int64), lengths)
            tokens = [t for ts in mask_lists for t in ts]
            self.codes, self.values = _factorize(tokens)
            count_tokens = [t for ts in count_lists for t in ts]
            if count_tokens == tokens:
                self.count_codes, self.count_values = self.codes, self.values
            else:  # a row split into a different number of tokens would break rows[]: then count the plain way
                if len(count_tokens) != len(tokens):
                    raise _NoIndex
                self.count_codes, self.count_values = _factorize(count_tokens)
            self.index_dtype = np.dtype(object)  # _explode_counts builds an object Series of the tokens
        else:
            self.rows = None
            self.codes, self.values = _factorize(column.astype(str))
            self.count_codes, self.count_values = _factorize(counted)
            self.index_dtype = counted.dtype
        self.lookup = {v: i for i, v in enumerate(self.values)}
        # "" is never counted (dropped before value_counts): code -1 like a missing value.
        empty = np.flatnonzero(np.asarray(self.count_values, dtype=object) == "")
        if len(empty):
            self.count_codes = np.where(self.count_codes == empty[0], -1, self.count_codes)

    def mask(self, wanted: tuple[str, ...], n: int) -> np.ndarray:
        """Rows with any of ``wanted`` (what ``_facet_mask`` gives)."""
        table = np.zeros(len(self.values) + 1, dtype=bool)  # the last entry: code -1 (missing), never wanted
        table[[self.lookup[v] for v in wanted if v in self.lookup]] = True
        hit = table[self.codes]
        if self.rows is None:
            return hit
        out = np.zeros(n, dtype=bool)
        out[self.rows[hit]] = True
        return out

    def counts(self, rows: np.ndarray | None) -> pd.Series:
        """What ``_explode_counts`` gives for the rows selected by the boolean ``rows`` (None: all)."""
        codes = self.count_codes
        if rows is not None:
            codes = codes[rows if self.rows is None else rows[self.rows]]
        codes = codes[codes >= 0]
        k = len(self.count_values)
        counts = np.bincount(codes, minlength=k)
        # value_counts lists values by count, largest first, ties in order of first appearance (stable sort).
        first = np.full(k, len(codes), dtype=np.int64)
        np.minimum.at(first, codes, np.arange(len(codes), dtype=np.int64))
        present = np.flatnonzero(counts)
        order = present[np.lexsort((first[present], -counts[present]))]
        values = np.asarray(self.count_values, dtype=object)[order]
        index = pd.Index(values, dtype=self.index_dtype, name=self.name)
        return pd.Series(counts[order].astype(np.int64), index=index, name="count")


class _NoIndex(Exception):
    """A column the index cannot represent exactly: that frame is filtered the plain way."""


def _factorize(values) -> tuple[np.ndarray, list]:
    codes, uniques = pd.factorize(pd.Series(values, dtype=object) if isinstance(values, list) else values)
    return codes.astype(np.int64), list(uniques)


class _FacetIndex:
    """Codes of every facet column of one prepared frame, built once: a filter is then a few numpy steps.

    Kept per frame by :func:`gzgeo._framecache.cached`, which builds it again when the frame's data change.
    """

    def __init__(self, frame: pd.DataFrame):
        self.n = len(frame)
        self.search_text = frame["search_text"] if "search_text" in frame else None
        self.facets = {
            name: _Codes(frame[column], multi) for name, (column, multi) in FACETS.items() if column in frame
        }
        self._texts: OrderedDict[str, np.ndarray] = OrderedDict()

    def text_mask(self, text: str) -> np.ndarray:
        mask = self._texts.get(text)
        if mask is None:
            mask = _text_mask(self.search_text, text)
            with _TEXT_LOCK:
                self._texts[text] = mask
                if len(self._texts) > 16:  # bounded: a few recent searches
                    self._texts.popitem(last=False)
        return mask

    def mask(self, flt: PlatformFilter, skip: str | None = None) -> np.ndarray:
        mask = np.ones(self.n, dtype=bool)
        for name, codes in self.facets.items():
            wanted = getattr(flt, name)
            if name != skip and wanted:
                mask &= codes.mask(wanted, self.n)
        if flt.text:
            mask &= self.text_mask(flt.text)
        return mask


_TEXT_LOCK = threading.Lock()


def _new_index(frame: pd.DataFrame) -> _FacetIndex | None:
    try:
        return _FacetIndex(frame)
    except _NoIndex:
        return None


def _facet_index(frame: pd.DataFrame, kept: bool = True) -> _FacetIndex | None:
    """The frame's facet index (built on first use, again when the frame's data changed), or None.

    None too when the frame is not ``kept``: prepared on the fly for one call, where the plain masks are
    cheaper than building an index (≈ 0.1 s at 20,000 platforms) for one use.
    """
    return cached(frame, "facet index", _new_index) if kept else None


def _mask(
    platforms: gpd.GeoDataFrame, flt: PlatformFilter, skip: str | None = None, index: _FacetIndex | None = None
) -> np.ndarray:
    if index is not None:
        return index.mask(flt, skip)
    mask = np.ones(len(platforms), dtype=bool)
    for name, (column, multi) in FACETS.items():
        if name == skip or not getattr(flt, name) or column not in platforms:
            continue
        mask &= _facet_mask(platforms[column], getattr(flt, name), multi)
    if flt.text:
        mask &= _text_mask(platforms["search_text"], flt.text)
    return mask


def filter_platforms(
    platforms: gpd.GeoDataFrame, flt: PlatformFilter | None = None, **selections: object
) -> gpd.GeoDataFrame:
    """Platforms matching every selection (values within a facet are OR-ed, facets AND-ed).

    Parameters
    ----------
    platforms : GeoDataFrame
        ``gzgeo.load("platforms")``, ideally passed through :func:`prepare_platforms` once.
    flt : PlatformFilter, optional
        The selections; keyword arguments (``category=[...]``, ``text="..."``)
        are merged into it.

    Returns
    -------
    GeoDataFrame
        The matching rows, in their original order, same CRS (EPSG:4326).

    Examples
    --------
    >>> import gzgeo
    >>> platforms = prepare_platforms(gzgeo.load("platforms"))
    >>> some = platforms["category"].iloc[0]
    >>> subset = filter_platforms(platforms, category=[some])
    >>> bool((subset["category"] == some).all()) and len(subset) == int((platforms["category"] == some).sum())
    True
    """
    prepared, mask = _selected(platforms, flt, selections)
    # subset: the rows remember where they come from, so the map's payload takes them from per-frame arrays.
    return prepared if mask is None else subset(prepared, mask)


def filter_mask(platforms: gpd.GeoDataFrame, flt: PlatformFilter | None = None, **selections: object) -> np.ndarray:
    """Which rows of ``platforms`` :func:`filter_platforms` keeps: a boolean array, one value per row.

    For work that takes the same rows from something derived from every platform once (a labelled table, an
    array per column) instead of filtering the frame. Arguments as :func:`filter_platforms`.

    Examples
    --------
    >>> import gzgeo
    >>> platforms = prepare_platforms(gzgeo.load("platforms"))
    >>> some = platforms["category"].iloc[0]
    >>> mask = filter_mask(platforms, category=[some])
    >>> mask.dtype.name, len(mask) == len(platforms)
    ('bool', True)
    >>> platforms[mask].equals(filter_platforms(platforms, category=[some]))
    True
    """
    prepared, mask = _selected(platforms, flt, selections)
    return np.ones(len(prepared), dtype=bool) if mask is None else mask


def _selected(
    platforms: gpd.GeoDataFrame, flt: PlatformFilter | None, selections: dict[str, object]
) -> tuple[gpd.GeoDataFrame, np.ndarray | None]:
    """The prepared platforms and the rows the selections keep (None: every row)."""
    flt = replace(flt or PlatformFilter(), **selections) if selections else (flt or PlatformFilter())
    prepared = _ensure_prepared(platforms)
    if flt.is_empty:
        return prepared, None
    return prepared, _mask(prepared, flt, index=_facet_index(prepared, kept=prepared is platforms))


def _explode_counts(column: pd.Series, multi: bool) -> pd.Series:
    values = column.fillna("").astype(str)
    if multi:
        # One join and split over the whole column, same values in the same order: str.split + explode took
        # twice as long (a millisecond per facet per filter change at 1,000 rows, 6 ms at 20,000).
        values = pd.Series(_SEP.join(values.tolist()).split(_SEP), dtype=object, name=column.name)
    values = values[values != ""]
    return values.value_counts()


def facet_counts(
    platforms: gpd.GeoDataFrame, flt: PlatformFilter | None = None, facets: Iterable[str] = tuple(FACETS)
) -> dict[str, pd.Series]:
    """For each facet, how many platforms each value gives under the *other* selections.

    Returns
    -------
    dict of facet -> pandas.Series
        Value -> count, largest first. Values selected in the facet but with
        no match are kept with a count of 0, so the selection stays visible.

    Examples
    --------
    >>> import gzgeo
    >>> platforms = prepare_platforms(gzgeo.load("platforms"))
    >>> counts = facet_counts(platforms)
    >>> int(counts["category"].sum()) == len(platforms)
    True
    """
    flt = flt or PlatformFilter()
    prepared = _ensure_prepared(platforms)
    index = _facet_index(prepared, kept=prepared is platforms)
    out: dict[str, pd.Series] = {}
    for name in facets:
        column, multi = FACETS[name]
        if column not in prepared:
            out[name] = pd.Series(dtype=int)
            continue
        if index is not None:
            counts = index.facets[name].counts(None if flt.is_empty else index.mask(flt, skip=name))
        else:
            part = prepared[column] if flt.is_empty else prepared[column][_mask(prepared, flt, skip=name)]
            counts = _explode_counts(part, multi)
        for value in getattr(flt, name):
            if value not in counts.index:
                counts.loc[value] = 0
        out[name] = counts.astype(int)
    return out


def facet_values(platforms: gpd.GeoDataFrame, facet: str, order: Mapping[str, int] | None = None) -> list[str]:
    """All values a facet takes in ``platforms`` (ordered by ``order`` if given, else by frequency).

    Examples
    --------
    >>> import gzgeo
    >>> levels = facet_values(prepare_platforms(gzgeo.load("platforms")), "level")
    >>> len(levels) == len(set(levels)) > 0
    True
    """
    column, multi = FACETS[facet]
    prepared = _ensure_prepared(platforms)
    index = _facet_index(prepared, kept=prepared is platforms)
    counts = index.facets[facet].counts(None) if index is not None else _explode_counts(prepared[column], multi)
    values = list(counts.index)
    if order:
        values.sort(key=lambda v: (order.get(v, len(order)), v))
    return values


def synthetic_platforms(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` made-up platforms with the full platforms schema, for stress tests of the app.

    Points come from :func:`gzgeo.analysis.synthetic_points` (uniform over the
    city); categories are the real category ids, district is the district the
    point falls in, one in ten is flagged as an estimated location, and names
    say they are synthetic (``合成平台 12`` / ``Synthetic platform 12``).

    Examples
    --------
    >>> fake = synthetic_platforms(200, seed=1)
    >>> len(fake), fake.crs.to_epsg(), bool(fake["name_en"].str.startswith("Synthetic").all())
    (200, 4326, True)
    """
    try:
        categories = tuple(load("categories")["id"]) or ("lab",)
    except FileNotFoundError:
        categories = ("lab", "facility", "institute", "incubator")
    points = synthetic_points(n, seed=seed, categories=categories)
    rng = np.random.default_rng(seed + 1)
    out = gpd.GeoDataFrame({"id": [f"syn-{i}" for i in range(n)]}, geometry=points.geometry.values, crs=points.crs)
    out["name_zh"] = [f"合成平台 {i}" for i in range(n)]
    out["name_en"] = [f"Synthetic platform {i}" for i in range(n)]
    out["aliases"] = ""
    out["category"] = points["category"].to_numpy()
    out["level"] = np.asarray(LEVELS)[rng.integers(0, len(LEVELS), n)]
    out["status"] = np.asarray(STATUSES)[rng.integers(0, len(STATUSES), n)]
    districts = load("districts")
    hit = gpd.sjoin(out[["geometry"]], districts[["name_zh", "geometry"]], how="left", predicate="within")
    out["district"] = hit.groupby(level=0)["name_zh"].first().reindex(out.index).fillna("").to_numpy()
    out["address"] = ""
    out["lon"], out["lat"] = out.geometry.x, out.geometry.y
    estimate = rng.random(n) < 0.1
    out["location_precision"] = np.where(estimate, "district", "site")
    out["location_is_estimate"] = estimate
    out["anchor"] = np.where(estimate, out["district"], "")
    out["place_id"] = ""
    out["datum_source"] = "wgs84"
    out["location_source"] = "synthetic"
    out["source_file"] = "synthetic"
    out["source_clause"] = ""
    out["frameworks"] = ""
    out["roles"] = ""
    out["sources"] = ""
    return out
