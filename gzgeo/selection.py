"""Choosing zones and platforms: one home for the lookup every view shares.

The static map, the slide deck and the exports all find a zone by id or name; the
lookup lives here, below all of them, so none has to import another to reach it.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from .layers import load

__all__ = ["UnknownZoneError", "resolve_zone"]


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
