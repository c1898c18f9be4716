"""Choosing zones and platforms: one home for the lookups every view shares.

The static map, the slide deck and the exports all find a zone by id or name, and the
web map, the static map, the app and the CLI all keep the located platforms and count
the rest; both rules live here, below all of them, so none has to import another.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from .analysis.precision import located_mask
from .layers import load

__all__ = ["UnknownZoneError", "count_not_located", "resolve_zone", "split_located"]


class UnknownZoneError(KeyError):
    """A zone key matched no id, name_zh or name_en; the message lists the valid zones."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


def resolve_zone(key: str, zones: gpd.GeoDataFrame | None = None) -> pd.Series:
    """Find a zone of the ``zones`` layer by id, Chinese or English name.

    Parameters
    ----------
    key : str
        ``id``, ``name_zh`` or ``name_en`` (case-insensitive, surrounding spaces ignored), or a
        part of a name that matches one zone only (``"知识城"``, ``"Finance City"``).
    zones : GeoDataFrame, optional
        The ``zones`` layer; loaded when omitted.

    Returns
    -------
    pandas.Series
        The zone's row, geometry in WGS-84 (EPSG:4326).

    Raises
    ------
    UnknownZoneError
        When nothing or more than one zone matches; the message lists the candidates.

    Examples
    --------
    >>> import gzgeo
    >>> zone = resolve_zone(gzgeo.load("zones")["name_zh"].iloc[0])
    >>> zone["id"] == gzgeo.load("zones")["id"].iloc[0]
    True
    >>> resolve_zone("知识城")["id"]
    'knowledge-city'
    """
    zones = load("zones") if zones is None else zones
    wanted = str(key).strip().casefold()
    for column in ("id", "name_zh", "name_en"):
        hits = zones[zones[column].astype(str).str.strip().str.casefold() == wanted]
        if len(hits):
            return hits.iloc[0]
    names = zones["name_zh"].astype(str).str.casefold() + "\n" + zones["name_en"].astype(str).str.casefold()
    partial = zones[names.str.contains(wanted, regex=False)] if wanted else zones.iloc[0:0]
    if len(partial) == 1:
        return partial.iloc[0]
    candidates = partial if len(partial) else zones
    listed = "; ".join(f"{r.id} ({r.name_zh} / {r.name_en})" for r in candidates.itertuples())
    what = "ambiguous zone" if len(partial) else "unknown zone"
    raise UnknownZoneError(f"{what} {key!r}; {'candidates' if len(partial) else 'valid zones'}: {listed}")


def split_located(platforms: pd.DataFrame, coarsest: str | None = "zone") -> tuple[pd.DataFrame, int]:
    """The platforms that are locations, and how many others were left out.

    A platform known only to its district has a point that is no location: distances,
    densities, clusters and "near the axis" use the located ones only, and every view
    says how many it left out (the one rule of :func:`gzgeo.analysis.located`, without
    its error when nothing is left).

    Parameters
    ----------
    platforms : DataFrame or GeoDataFrame
        Rows with a ``location_precision`` column (synthetic points without one are all located).
    coarsest : {"site", "campus_or_park", "zone", "district"} or None
        Coarsest precision kept (default ``"zone"``).

    Returns
    -------
    (same type as ``platforms``, int)
        The located rows (the input itself when none is left out, index and CRS unchanged)
        and the number of rows left out.

    Examples
    --------
    >>> frame = pd.DataFrame({"location_precision": ["site", "zone", "district", "district"]})
    >>> kept, left_out = split_located(frame)
    >>> len(kept), left_out
    (2, 2)
    >>> split_located(frame.iloc[:2])[0] is not None, split_located(frame, None)[1]
    (True, 0)
    """
    keep = located_mask(platforms, coarsest)
    if keep is None or keep.all():
        return platforms, 0
    return platforms[keep], int((~keep).sum())


def count_not_located(platforms: pd.DataFrame, coarsest: str | None = "zone") -> int:
    """How many rows :func:`split_located` would leave out, without building the located frame.

    Examples
    --------
    >>> count_not_located(pd.DataFrame({"location_precision": ["site", "zone", "district"]}))
    1
    """
    keep = located_mask(platforms, coarsest)
    return 0 if keep is None else int((~keep).sum())
