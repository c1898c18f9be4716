"""Online geocoders (AMap, Baidu, Tianditu): requests, rate limits, retries, and their answers as candidates.

Each provider answers in its own datum (AMap GCJ-02, Baidu BD-09, Tianditu CGCS2000 used as
WGS-84); :meth:`Provider.geocode` converts to WGS-84 with :func:`gzgeo.convert` and turns its
match level into a ``location_precision`` (:func:`level_precision`). :func:`gzgeo.geocode.geocode`
asks them only when the offline match is coarser than a campus.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from .crs import convert

__all__ = [
    "AMap",
    "Baidu",
    "Candidate",
    "GeocodeError",
    "PROVIDERS",
    "Provider",
    "Tianditu",
    "configured_providers",
    "level_precision",
]

# Provider match levels (AMap, Baidu, Tianditu use overlapping Chinese labels) -> location_precision.
_SITE_LEVELS = {
    "门牌号",
    "单元号",
    "门址",
    "兴趣点",
    "商务大厦",
    "政府机构",
    "教育",
    "医疗",
    "宾馆",
    "金融",
    "公司企业",
    "生活服务",
    "购物",
    "餐饮",
    "休闲娱乐",
    "汽车服务",
    "poi",
    "楼栋",
}
_CAMPUS_LEVELS = {
    "村庄",
    "热点商圈",
    "商圈",
    "道路交叉路口",
    "交叉路口",
    "公交站台",
    "地铁站",
    "公交地铁站点",
    "地产小区",
    "工业园区",
    "旅游景点",
    "绿地",
    "火车站",
    "长途汽车站",
    "飞机场",
    "机场",
    "港口/码头",
    "桥",
}
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


class GeocodeError(RuntimeError):
    """An online provider failed after its retries (network, quota, bad key)."""


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

    def __init__(
        self,
        key: str,
        base_url: str | None = None,
        timeout_s: float = 5.0,
        retries: int = 2,
        min_interval_s: float = 0.34,
    ) -> None:
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
                time.sleep(min(0.2 * 2**attempt, 2.0))
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
                found.append(
                    Candidate(
                        wlon,
                        wlat,
                        "district",
                        self.name,
                        label,
                        level=level,
                        point=None,
                        accepted=False,
                        reason=f"match level {level or 'unknown'} is too coarse",
                    )
                )
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

    name, datum, env_key, env_url, default_url = (
        "amap",
        "gcj02",
        "GZGEO_AMAP_KEY",
        "GZGEO_AMAP_URL",
        "https://restapi.amap.com",
    )

    def request_url(self, address: str, city: str) -> str:
        return _url(
            self.base_url, "/v3/geocode/geo", {"key": self.key, "address": address, "city": city, "output": "JSON"}
        )

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

    name, datum, env_key, env_url, default_url = (
        "baidu",
        "bd09",
        "GZGEO_BAIDU_AK",
        "GZGEO_BAIDU_URL",
        "https://api.map.baidu.com",
    )

    def request_url(self, address: str, city: str) -> str:
        return _url(
            self.base_url, "/geocoding/v3/", {"address": address, "city": city, "output": "json", "ak": self.key}
        )

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

    name, datum, env_key, env_url, default_url = (
        "tianditu",
        "wgs84",
        "GZGEO_TIANDITU_TK",
        "GZGEO_TIANDITU_URL",
        "http://api.tianditu.gov.cn",
    )

    def request_url(self, address: str, city: str) -> str:
        keyword = address if city.rstrip("市") in address else f"{city}{address}"
        return _url(
            self.base_url, "/geocoder", {"ds": json.dumps({"keyWord": keyword}, ensure_ascii=False), "tk": self.key}
        )

    def parse(self, payload: dict) -> list[tuple[float, float, str, str]]:
        if str(payload.get("status")) != "0":
            raise GeocodeError(f"tianditu: status {payload.get('status')} {payload.get('msg', '')}")
        loc = payload.get("location") or {}
        if "lon" not in loc:
            return []
        return [
            (
                float(loc["lon"]),
                float(loc["lat"]),
                str(loc.get("level") or ""),
                f"{loc.get('keyWord', '')} (score {loc.get('score', '?')})",
            )
        ]


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
