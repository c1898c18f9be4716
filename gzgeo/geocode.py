"""Addresses to WGS-84 points: offline first (gazetteer, zones, districts), then online providers.

Offline, an address is matched against a gazetteer of named places (the
bundled ``places`` layer when there is one), the platforms whose point is
known, the planning zones and nodes, and the district names. When a key is
configured, AMap (GCJ-02), Baidu (BD-09) and Tianditu (CGCS2000, used as
WGS-84: they differ by centimetres) are asked in turn; their coordinates are
converted to WGS-84 with :func:`gzgeo.convert` and their match level becomes
a ``location_precision``. Every candidate outside Guangzhou, or outside the
district the row states, is rejected with the reason, never silently used.

Keys and endpoints come from the environment (``GZGEO_AMAP_KEY``,
``GZGEO_BAIDU_AK``, ``GZGEO_TIANDITU_TK``; ``GZGEO_AMAP_URL``,
``GZGEO_BAIDU_URL``, ``GZGEO_TIANDITU_URL`` override the base URLs). Responses
are cached in the workspace, requests are rate-limited, time out and are
retried. The providers live in :mod:`gzgeo.geoproviders` (re-exported here).

Examples
--------
>>> from gzgeo.geocode import geocode
>>> result = geocode("广州市黄埔区开创大道某号", providers=[])
>>> result.best.precision, result.best.anchor
('district', '黄埔区')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import shapely

from .crs import GUANGZHOU_METRIC_CRS
from .geoproviders import (  # re-exported: gzgeo.geocode stays their public home
    PROVIDERS,
    AMap,
    Baidu,
    Candidate,
    GeocodeError,
    Provider,
    Tianditu,
    configured_providers,
    level_precision,
)
from .layers import LAYERS, LOCATION_PRECISIONS, load

__all__ = [
    "Candidate",
    "GeocodeResult",
    "Provider",
    "AMap",
    "Baidu",
    "Tianditu",
    "GeocodeError",
    "geocode",
    "configured_providers",
    "parse_district",
    "level_precision",
    "PROVIDERS",
]

#: Distance a point may lie outside its stated district and still count as in it (boundary simplification).
DISTRICT_TOLERANCE_M = 100.0

#: Old names still found in addresses, and the district that has them now.
_FORMER_DISTRICTS = {
    "萝岗区": "黄埔区",
    "萝岗": "黄埔区",
    "从化市": "从化区",
    "增城市": "增城区",
    "番禺市": "番禺区",
    "花都市": "花都区",
    "东山区": "越秀区",
    "芳村区": "荔湾区",
}


@dataclass
class GeocodeResult:
    """All candidates for one address; :attr:`best` is the most precise accepted one."""

    query: str
    candidates: list[Candidate] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        accepted = [c for c in self.candidates if c.accepted]
        if not accepted:
            return None
        return min(accepted, key=lambda c: LOCATION_PRECISIONS.index(c.precision))

    @property
    def reason(self) -> str:
        """Why nothing was found or every candidate was rejected (empty when :attr:`best` exists)."""
        if self.best is not None:
            return ""
        why = [f"{c.provider}: {c.reason}" for c in self.candidates if not c.accepted] + self.errors
        return "; ".join(why) or "no match in the gazetteer, the zones or the district names"


# -- the reference layers ----------------------------------------------------------------------------------------
def _districts() -> gpd.GeoDataFrame:
    return load("districts")


def parse_district(text: str) -> str | None:
    """The Guangzhou district an address or a name names (``黄埔``, ``黄埔区``, ``Huangpu``, ``萝岗区``).

    Examples
    --------
    >>> parse_district("广州市萝岗区科学大道"), parse_district("Huangpu District"), parse_district("深圳市")
    ('黄埔区', '黄埔区', None)
    """
    text = str(text or "").strip()
    if not text:
        return None
    districts = _districts()
    for old, new in _FORMER_DISTRICTS.items():
        if old in text:
            return new
    for zh in districts["name_zh"]:
        if zh in text:
            return zh
    lowered = text.lower()
    for zh, en in zip(districts["name_zh"], districts["name_en"], strict=True):
        if en.lower() in lowered.replace(" district", "").split() or lowered.startswith(en.lower()):
            return zh
    for zh in districts["name_zh"]:  # "黄埔" without 区, only as a whole word of the text's start
        if text.startswith(zh[:-1]) or f"广州{zh[:-1]}" in text or f"广州市{zh[:-1]}" in text:
            return zh
    return None


def _district_of(lon: float, lat: float) -> str | None:
    districts = _districts()
    hit = districts[districts.contains(shapely.Point(lon, lat))]
    return str(hit["name_zh"].iloc[0]) if len(hit) else None


def _check(candidate: Candidate, stated: str | None) -> Candidate:
    """Reject a candidate outside Guangzhou or its stated district; fill its district."""
    if candidate.point is None:
        return candidate
    lon, lat = candidate.point
    actual = _district_of(lon, lat)
    if actual is None:
        districts = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(GUANGZHOU_METRIC_CRS)
        metric = _districts().to_crs(GUANGZHOU_METRIC_CRS)
        nearest = metric.distance(districts.iloc[0])
        if nearest.min() > DISTRICT_TOLERANCE_M:
            candidate.accepted, candidate.reason = False, f"outside Guangzhou ({lon:.5f}, {lat:.5f})"
            return candidate
        actual = str(metric["name_zh"].iloc[int(nearest.argmin())])
    if stated and actual != stated:
        metric = _districts().to_crs(GUANGZHOU_METRIC_CRS).set_index("name_zh")
        point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(GUANGZHOU_METRIC_CRS).iloc[0]
        if point.distance(metric.geometry[stated]) > DISTRICT_TOLERANCE_M:
            candidate.accepted, candidate.reason = False, f"in {actual}, not in the stated {stated}"
            return candidate
        actual = stated
    candidate.district = actual
    if candidate.precision == "district":
        candidate.anchor, candidate.lon, candidate.lat = actual, None, None
    return candidate


# -- offline ------------------------------------------------------------------------------------------------------
_KIND_PRECISION = {
    "building": "site",
    "landmark": "site",
    "campus": "campus_or_park",
    "park": "campus_or_park",
    "island": "campus_or_park",
    "metro_station": "campus_or_park",
}


def _default_gazetteer() -> gpd.GeoDataFrame | None:
    return load("places") if "places" in LAYERS else None


def _names(row: Any) -> list[str]:
    names = [str(row.get("name_zh") or "")]
    names += [a for a in str(row.get("aliases") or "").split("|")]
    return [n.strip() for n in names if n and len(n.strip()) >= 2]


def _gazetteer_match(address: str, gazetteer: gpd.GeoDataFrame | None, provider: str) -> Candidate | None:
    """The longest gazetteer name contained in the address (a point layer, WGS-84)."""
    if gazetteer is None or gazetteer.empty:
        return None
    best: tuple[int, Any, str] | None = None
    for _, row in gazetteer.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        for name in _names(row):
            if name in address and (best is None or len(name) > best[0]):
                best = (len(name), row, name)
    if best is None:
        return None
    _, row, name = best
    precision = str(row.get("precision") or row.get("location_precision") or "")
    if precision not in ("site", "campus_or_park"):
        precision = _KIND_PRECISION.get(str(row.get("kind") or ""), "campus_or_park")
    point = row.geometry if row.geometry.geom_type == "Point" else row.geometry.representative_point()
    return Candidate(
        point.x, point.y, precision, provider, name, level=str(row.get("kind") or ""), point=(point.x, point.y)
    )


def _zone_match(address: str) -> Candidate | None:
    best = None
    for layer in ("nodes", "zones", "cores"):
        frame = load(layer)
        for key, name in zip(frame["id"], frame["name_zh"], strict=True):
            short = name.removeprefix("广州").removeprefix("中新广州")
            for candidate_name in (name, short):
                if (
                    len(candidate_name) >= 3
                    and candidate_name in address
                    and (best is None or len(candidate_name) > best[0])
                ):
                    best = (len(candidate_name), key, name)
    if best is None:
        return None
    return Candidate(None, None, "zone", "zones", best[2], level="zone", anchor=best[1])


def _offline(address: str, district: str | None, gazetteer: gpd.GeoDataFrame | None) -> list[Candidate]:
    found = []
    hit = _gazetteer_match(address, gazetteer, "gazetteer")
    if hit is not None:
        found.append(_check(hit, district))
    platforms = load("platforms")
    located = platforms[platforms["location_precision"].isin(["site", "campus_or_park"])]
    hit = _gazetteer_match(address, located, "platforms")
    if hit is not None:
        found.append(_check(hit, district))
    return found


def _coarse(address: str, district: str | None) -> list[Candidate]:
    found = []
    zone = _zone_match(address)
    if zone is not None:
        polygons = {
            key: geom
            for layer in ("nodes", "zones", "cores")
            for key, geom in zip(load(layer)["id"], load(layer).geometry, strict=True)
        }
        inside = polygons[zone.anchor].representative_point()
        zone.district = district or _district_of(inside.x, inside.y) or ""
        found.append(zone)
    if district:
        found.append(
            Candidate(None, None, "district", "district", district, level="区县", anchor=district, district=district)
        )
    return found


def geocode(
    address: str,
    *,
    district: str | None = None,
    gazetteer: gpd.GeoDataFrame | None | bool = True,
    providers: Sequence[Provider] | None = None,
    cache: Any = None,
    on_error: Callable[[str], None] | None = None,
) -> GeocodeResult:
    """Locate an address in Guangzhou, offline first.

    Parameters
    ----------
    address : str
        A postal address or place name (Chinese), e.g. ``广州市黄埔区开源大道11号``.
    district : str, optional
        The district the row states (``黄埔区``/``黄埔``/``Huangpu``); else parsed from the address. Candidates
        outside it are rejected.
    gazetteer : GeoDataFrame, True or None
        Named points (WGS-84) with ``name_zh`` (``aliases``, ``kind``, ``precision`` if present). True (default):
        the bundled ``places`` layer when registered; None: none.
    providers : sequence of Provider, optional
        Online geocoders to ask when the offline match is coarser than campus; default
        :func:`configured_providers` (none without keys).
    cache : Workspace, optional
        Where provider responses are cached.

    Returns
    -------
    GeocodeResult
        ``best`` is the most precise accepted candidate (None if none: ``reason`` says why); every candidate
        carries its precision, provider and, if rejected, why.
    """
    address = str(address or "").strip()
    result = GeocodeResult(address)
    if not address:
        result.errors.append("empty address")
        return result
    stated = parse_district(district) if district else None
    if district and stated is None:
        result.errors.append(f"stated district {district!r} is not a Guangzhou district")
        return result
    stated = stated or parse_district(address)
    if gazetteer is True:
        gazetteer = _default_gazetteer()
    elif gazetteer is False:
        gazetteer = None
    result.candidates += _offline(address, stated, gazetteer)
    best = result.best
    if best is None or best.precision not in ("site", "campus_or_park"):
        for provider in configured_providers() if providers is None else providers:
            try:
                result.candidates += [_check(c, stated) for c in provider.geocode(address, cache=cache)]
            except GeocodeError as error:
                result.errors.append(str(error))
                if on_error:
                    on_error(str(error))
                continue
            best = result.best
            if best is not None and best.precision in ("site", "campus_or_park"):
                break
    result.candidates += _coarse(address, stated)
    return result
