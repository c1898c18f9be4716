"""Located platforms: how many decimals a precision allows, and how coordinates from a source are stored.

A platform's point is only as good as its source: a campus (≈1 km) is stored
with at most 4 decimals (≈10 m), a site (≈100–200 m) with at most 5. A source
coordinate in GCJ-02 (AMap, Tencent) or BD-09 (Baidu) is converted to WGS-84
first (:func:`gzgeo.convert`), then rounded.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from .crs import convert
from .layers import LOCATION_PRECISIONS

__all__ = [
    "place_id",
    "PRECISION_DECIMALS",
    "PRECISE",
    "DATUMS",
    "decimals",
    "source_to_wgs84",
    "precision_counts",
    "precision_table_markdown",
]

#: Most decimals a stored WGS-84 coordinate may carry at each precision (0.0001° ≈ 10 m here).
PRECISION_DECIMALS: dict[str, int] = {"site": 5, "campus_or_park": 4}
#: Precisions that carry their own point (the others are drawn from a polygon, or not at all).
PRECISE: tuple[str, ...] = tuple(PRECISION_DECIMALS)
#: Datums a source coordinate may be given in.
DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")


def place_id(key: str) -> str:
    """An ASCII id (usable in code, see :func:`gzgeo.safe.is_id`) for a place key such as ``metro:官洲``.

    The part after the kind is written in pinyin (build extra ``pypinyin``); only the build scripts call this.

    Examples
    --------
    >>> place_id("metro:官洲")  # doctest: +SKIP
    'metro:guanzhou'
    """
    from pypinyin import lazy_pinyin

    kind, _, name = key.partition(":")
    text = "".join(lazy_pinyin(name or kind))
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    kind = re.sub(r"[^a-z0-9_]+", "-", kind.lower()).strip("-") if name else "place"
    return f"{kind}:{slug}"[:64]


def decimals(value: float) -> int:
    """Decimals of a float as stored (its shortest repr).

    Examples
    --------
    >>> decimals(113.3712), decimals(23.0), decimals(113.371234)
    (4, 0, 6)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    text = repr(float(value))
    if "e" in text:
        return 10
    frac = text.split(".")[1] if "." in text else ""
    return 0 if frac == "0" else len(frac)


def source_to_wgs84(lon: float, lat: float, datum: str, precision: str) -> tuple[float, float]:
    """A source coordinate in ``datum`` as stored WGS-84 lon/lat, rounded to what ``precision`` supports.

    Parameters
    ----------
    lon, lat : float
        Degrees in the source's datum.
    datum : {"wgs84", "gcj02", "bd09"}
    precision : {"site", "campus_or_park"}

    Examples
    --------
    >>> source_to_wgs84(113.376, 23.0665, "gcj02", "campus_or_park")
    (113.3705, 23.069)
    """
    if datum not in DATUMS:
        raise ValueError(f"unknown datum {datum!r}; expected one of {', '.join(DATUMS)}")
    if precision not in PRECISION_DECIMALS:
        raise ValueError(f"precision {precision!r} carries no point")
    x, y = (lon, lat) if datum == "wgs84" else convert(lon, lat, datum, "wgs84")
    n = PRECISION_DECIMALS[precision]
    return round(float(x), n), round(float(y), n)


def precision_counts(platforms: pd.DataFrame) -> pd.DataFrame:
    """How many platforms are located at each precision, and how many of those are cited.

    Returns
    -------
    pandas.DataFrame
        Index ``location_precision`` (most precise first, plus ``total``); columns ``n``, ``share`` (0–1),
        ``cited`` (rows with a ``location_source``).

    Examples
    --------
    >>> import gzgeo
    >>> table = precision_counts(gzgeo.load("platforms"))
    >>> int(table.loc["total", "n"]) == len(gzgeo.load("platforms"))
    True
    """
    precision = platforms["location_precision"].astype(str)
    source = platforms.get("location_source", pd.Series("", index=platforms.index)).fillna("").astype(str)
    cited = source.str.strip() != ""
    rows = {p: (int((precision == p).sum()), int(((precision == p) & cited).sum())) for p in LOCATION_PRECISIONS}
    rows["total"] = (len(platforms), int(cited.sum()))
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["n", "cited"])
    table["share"] = np.round(table["n"] / max(len(platforms), 1), 3)
    table.index.name = "location_precision"
    return table[["n", "share", "cited"]]


_PRECISION_LABELS = {
    "site": "`site` — the building (≈≤200 m)",
    "campus_or_park": "`campus_or_park` — campus, island or park (≈≤1 km)",
    "zone": "`zone` — only the planning zone or node",
    "district": "`district` — only the district (counted per district, not drawn as a point)",
}


def precision_table_markdown(platforms: pd.DataFrame) -> str:
    """The precision counts of :func:`precision_counts` as a Markdown table (for docs/data.md).

    Examples
    --------
    >>> import gzgeo
    >>> precision_table_markdown(gzgeo.load("platforms")).splitlines()[0]
    '| location_precision | platforms | share | with a location_source |'
    """
    table = precision_counts(platforms)
    lines = ["| location_precision | platforms | share | with a location_source |", "|---|---:|---:|---:|"]
    for key, row in table.iterrows():
        label = _PRECISION_LABELS.get(key, f"**{key}**")
        lines.append(f"| {label} | {int(row['n'])} | {row['share']:.0%} | {int(row['cited'])} |")
    precise = int(table.loc[list(PRECISE), "n"].sum())
    lines.append("")
    lines.append(
        f"{precise} of {len(platforms)} platforms ({precise / max(len(platforms), 1):.0%}) are located to a "
        "site or campus; the goal is at least 60 %."
    )
    return "\n".join(lines)
