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
retried.

Examples
--------
>>> from gzgeo.geocode import geocode
>>> result = geocode("广州市黄埔区开创大道某号", providers=[])
>>> result.best.precision, result.best.anchor
('district', '黄埔区')
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import shapely

from .crs import GUANGZHOU_METRIC_CRS, convert
from .layers import LAYERS, LOCATION_PRECISIONS, load

__all__ = [
    "Candidate", "GeocodeResult", "Provider", "AMap", "Baidu", "Tianditu", "GeocodeError", "geocode",
    "configured_providers", "parse_district", "level_precision",
]

#: Distance a point may lie outside its stated district and still count as in it (boundary simplification).
DISTRICT_TOLERANCE_M = 100.0

#: Old names still found in addresses, and the district that has them now.
_FORMER_DISTRICTS = {"萝岗区": "黄埔区", "萝岗": "黄埔区", "从化市": "从化区", "增城市": "增城区",
                     "番禺市": "番禺区", "花都市": "花都区", "东山区": "越秀区", "芳村区": "荔湾区"}

# Provider match levels (AMap, Baidu, Tianditu use overlapping Chinese labels) -> location_precision.
_SITE_LEVELS = {"门牌号", "单元号", "门址", "兴趣点", "商务大厦", "政府机构", "教育", "医疗", "宾馆", "金融",
                "公司企业", "生活服务", "购物", "餐饮", "休闲娱乐", "汽车服务", "poi", "楼栋"}
_CAMPUS_LEVELS = {"村庄", "热点商圈", "商圈", "道路交叉路口", "交叉路口", "公交站台", "地铁站", "公交地铁站点",
                  "地产小区", "工业园区", "旅游景点", "绿地", "火车站", "长途汽车站", "飞机场", "机场",
                  "港口/码头", "桥"}
_DISTRICT_LEVELS = {"区县", "乡镇", "开发区", "道路", "道路中心点"}
_TOO_COARSE = {"国家", "省", "市", "城市", "未知", "UNKNOWN", ""}


def level_precision(level: str) -> str | None:
    """The ``location_precision`` a provider's match level supports; None when too coarse to use.

    Examples
    --------
    >>> level_precision("门牌号"), level_precision("道路交叉路口"), level_precision("区县"), level_precision("市")
    ('site', 'campus_or_park', 'district', None)
    """
    level = (level or "").strip()
    if level in _TOO_COARSE:
        return None
    if level in _SITE_LEVELS:
        return "site"
    if level in _CAMPUS_LEVELS:
        return "campus_or_park"
    # _DISTRICT_LEVELS and any label we do not know: claim no more than the district
    return "district"


@dataclass
class Candidate:
    """One possible location of an address, in WGS-84, with why it is (or is not) usable.

    ``lon``/``lat`` are None for zone/district precision (drawn at the
    anchor's representative point, like the bundled data).
    """

    lon: float | None
    lat: float | None
    precision: str
    provider: str
    label: str
    level: str = ""
    anchor: str = ""
    district: str = ""
    point: tuple[float, float] | None = None  # where the source put it (WGS-84), also for coarse matches
    accepted: bool = True
    reason: str = ""

    @property
    def source(self) -> str:
        """``location_source`` text for a platform located by this candidate."""
        level = f", {self.level}" if self.level else ""
        return f"geocoded by {self.provider}{level}: {self.label}"


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


class GeocodeError(RuntimeError):
    """An online provider failed after its retries (network, quota, bad key)."""


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
_KIND_PRECISION = {"building": "site", "landmark": "site", "campus": "campus_or_park", "park": "campus_or_park",
                   "island": "campus_or_park", "metro_station": "campus_or_park"}


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
    return Candidate(point.x, point.y, precision, provider, name, level=str(row.get("kind") or ""),
                     point=(point.x, point.y))


def _zone_match(address: str) -> Candidate | None:
    best = None
    for layer in ("nodes", "zones", "cores"):
        frame = load(layer)
        for key, name in zip(frame["id"], frame["name_zh"], strict=True):
            short = name.removeprefix("广州").removeprefix("中新广州")
            for candidate_name in (name, short):
                if len(candidate_name) >= 3 and candidate_name in address and (best is None or
                                                                                len(candidate_name) > best[0]):
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
        polygons = {key: geom for layer in ("nodes", "zones", "cores")
                    for key, geom in zip(load(layer)["id"], load(layer).geometry, strict=True)}
        inside = polygons[zone.anchor].representative_point()
        zone.district = district or _district_of(inside.x, inside.y) or ""
        found.append(zone)
    if district:
        found.append(Candidate(None, None, "district", "district", district, level="区县", anchor=district,
                               district=district))
    return found


# -- online -------------------------------------------------------------------------------------------------------
class Provider:
    """An online geocoder: a base URL, a key, a datum, and how to read its answer.

    Parameters
    ----------
    key : str
        The API key (never logged or cached).
    base_url : str, optional
        Where to send requests (a local server in tests).
    timeout_s : float
        Per-request timeout in seconds.
    retries : int
        Further attempts after a network error, a timeout, HTTP 429 or 5xx.
    min_interval_s : float
        Least time between two requests (rate limit, per provider instance).
    """

    name = "provider"
    datum = "wgs84"
    env_key = ""
    env_url = ""
    default_url = ""

    def __init__(self, key: str, base_url: str | None = None, timeout_s: float = 5.0, retries: int = 2,
                 min_interval_s: float = 0.34) -> None:
        self.key = key
        self.base_url = (base_url or os.environ.get(self.env_url) or self.default_url).rstrip("/")
        self.timeout_s, self.retries, self.min_interval_s = timeout_s, retries, min_interval_s
        self._lock = threading.Lock()
        self._last = 0.0

    def request_url(self, address: str, city: str) -> str:
        raise NotImplementedError

    def parse(self, payload: dict) -> list[tuple[float, float, str, str]]:
        """``(lon, lat, level, label)`` in the provider's datum; raises :class:`GeocodeError` on an error status."""
        raise NotImplementedError

    def _wait(self) -> None:
        with self._lock:
            pause = self._last + self.min_interval_s - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self._last = time.monotonic()

    def fetch(self, address: str, city: str = "广州市") -> dict:
        """The provider's JSON answer for ``address`` (rate-limited, with timeout and retries)."""
        url = self.request_url(address, city)
        error: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(0.2 * 2 ** attempt, 2.0))
            self._wait()
            try:
                with urllib.request.urlopen(url, timeout=self.timeout_s) as response:  # noqa: S310 - http(s) only
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                error = exc
                if exc.code != 429 and exc.code < 500:
                    break
            except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
                error = exc
        raise GeocodeError(f"{self.name}: {type(error).__name__}: {error}")

    def geocode(self, address: str, city: str = "广州市", cache: Any = None) -> list[Candidate]:
        """Candidates (WGS-84) for ``address``; uses and fills ``cache`` (a workspace) when given."""
        key = f"{city}|{address}"
        payload = cache.cache_get(self.name, key) if cache is not None else None
        if payload is None:
            payload = self.fetch(address, city)
            results = self.parse(payload)  # raises on an error status: such answers are not cached
            if cache is not None:
                cache.cache_put(self.name, key, payload)
        else:
            results = self.parse(payload)
        found = []
        for lon, lat, level, label in results:
            wlon, wlat = convert(lon, lat, self.datum, "wgs84") if self.datum != "wgs84" else (lon, lat)
            precision = level_precision(level)
            if precision is None:
                found.append(Candidate(wlon, wlat, "district", self.name, label, level=level, point=None,
                                       accepted=False, reason=f"match level {level or 'unknown'} is too coarse"))
                continue
            found.append(Candidate(wlon, wlat, precision, self.name, label, level=level, point=(wlon, wlat)))
        if not found:
            found.append(Candidate(None, None, "district", self.name, address, accepted=False, reason="no result"))
        return found


def _url(base: str, path: str, params: dict[str, str]) -> str:
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"geocoder base URL must be http(s): {base!r}")
    return f"{base}{path}?{urllib.parse.urlencode(params)}"


class AMap(Provider):
    """AMap (高德) geocoding API v3, answers in GCJ-02 (``/v3/geocode/geo``)."""

    name, datum, env_key, env_url, default_url = "amap", "gcj02", "GZGEO_AMAP_KEY", "GZGEO_AMAP_URL", \
        "https://restapi.amap.com"

    def request_url(self, address: str, city: str) -> str:
        return _url(self.base_url, "/v3/geocode/geo", {"key": self.key, "address": address, "city": city,
                                                        "output": "JSON"})

    def parse(self, payload: dict) -> list[tuple[float, float, str, str]]:
        if str(payload.get("status")) != "1":
            raise GeocodeError(f"amap: {payload.get('info', 'error')} (infocode {payload.get('infocode', '?')})")
        out = []
        for item in payload.get("geocodes") or []:
            lon, lat = (float(v) for v in str(item["location"]).split(","))
            out.append((lon, lat, str(item.get("level") or ""), str(item.get("formatted_address") or "")))
        return out


class Baidu(Provider):
    """Baidu (百度) geocoding API v3, answers in BD-09 (``/geocoding/v3/``)."""

    name, datum, env_key, env_url, default_url = "baidu", "bd09", "GZGEO_BAIDU_AK", "GZGEO_BAIDU_URL", \
        "https://api.map.baidu.com"

    def request_url(self, address: str, city: str) -> str:
        return _url(self.base_url, "/geocoding/v3/", {"address": address, "city": city, "output": "json",
                                                       "ak": self.key})

    def parse(self, payload: dict) -> list[tuple[float, float, str, str]]:
        if int(payload.get("status", -1)) != 0:
            message = payload.get("message") or payload.get("msg", "")
            raise GeocodeError(f"baidu: status {payload.get('status')} {message}")
        result = payload.get("result") or {}
        if not result.get("location"):
            return []
        level = str(result.get("level") or "")
        if level in _SITE_LEVELS and not int(result.get("precise", 0)):
            level = f"{level}(模糊)"  # Baidu: precise=0 is a fuzzy match; no more than the district
        loc = result["location"]
        return [(float(loc["lng"]), float(loc["lat"]), level, f"confidence {result.get('confidence', '?')}")]


class Tianditu(Provider):
    """Tianditu (天地图) geocoder, answers in CGCS2000 (``/geocoder?ds=...``), used as WGS-84 (≈cm apart)."""

    name, datum, env_key, env_url, default_url = "tianditu", "wgs84", "GZGEO_TIANDITU_TK", "GZGEO_TIANDITU_URL", \
        "http://api.tianditu.gov.cn"

    def request_url(self, address: str, city: str) -> str:
        keyword = address if city.rstrip("市") in address else f"{city}{address}"
        return _url(self.base_url, "/geocoder", {"ds": json.dumps({"keyWord": keyword}, ensure_ascii=False),
                                                 "tk": self.key})

    def parse(self, payload: dict) -> list[tuple[float, float, str, str]]:
        if str(payload.get("status")) != "0":
            raise GeocodeError(f"tianditu: status {payload.get('status')} {payload.get('msg', '')}")
        loc = payload.get("location") or {}
        if "lon" not in loc:
            return []
        return [(float(loc["lon"]), float(loc["lat"]), str(loc.get("level") or ""),
                 f"{loc.get('keyWord', '')} (score {loc.get('score', '?')})")]


PROVIDERS: tuple[type[Provider], ...] = (AMap, Baidu, Tianditu)


def configured_providers() -> list[Provider]:
    """The online providers whose key is set in the environment, in order AMap, Baidu, Tianditu.

    Examples
    --------
    >>> import os
    >>> [p.name for p in configured_providers()] if not any(
    ...     os.environ.get(c.env_key) for c in PROVIDERS) else []
    []
    """
    return [cls(os.environ[cls.env_key]) for cls in PROVIDERS if os.environ.get(cls.env_key)]


def geocode(address: str, *, district: str | None = None, gazetteer: gpd.GeoDataFrame | None | bool = True,
            providers: Sequence[Provider] | None = None, cache: Any = None,
            on_error: Callable[[str], None] | None = None) -> GeocodeResult:
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
