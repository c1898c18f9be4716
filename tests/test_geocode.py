"""Geocoding: offline gazetteer and district parsing, and the online providers.

AMap, Baidu and Tianditu against a local HTTP server answering in each provider's documented response format.
No test touches the network.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import geopandas as gpd
import pytest

import gzgeo
from gzgeo.crs import GUANGZHOU_METRIC_CRS
from gzgeo.geocode import AMap, Baidu, Tianditu, geocode, level_precision, parse_district
from gzgeo.workspace import open_workspace

TRUTH = (113.4521234, 23.1688765)  # WGS-84, 黄埔区
SHENZHEN = (114.0579, 22.5431)


def _metres(lon, lat, truth=TRUTH) -> float:
    pts = gpd.GeoSeries(gpd.points_from_xy([lon, truth[0]], [lat, truth[1]]), crs=4326).to_crs(GUANGZHOU_METRIC_CRS)
    return float(pts.iloc[0].distance(pts.iloc[1]))


class FakeProviders:
    """One local server playing AMap (/v3/geocode/geo), Baidu (/geocoding/v3/) and Tianditu (/geocoder)."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[float, float, str]] = {}  # address -> (WGS-84 lon, lat, level)
        self.requests: list[tuple[float, str, dict]] = []
        self.fail_first = 0
        self.delay_s = 0.0
        self.status_error = False
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                owner.requests.append((time.monotonic(), url.path, query))
                if owner.fail_first > 0:
                    owner.fail_first -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                if owner.delay_s:
                    time.sleep(owner.delay_s)
                body = owner.answer(url.path, query)
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str, query: dict) -> dict:
        if path == "/v3/geocode/geo":
            if self.status_error:
                return {"status": "0", "info": "INVALID_USER_KEY", "infocode": "10001"}
            hit = self.answers.get(query["address"])
            if hit is None:
                return {"status": "1", "info": "OK", "infocode": "10000", "count": "0", "geocodes": []}
            lon, lat = gzgeo.convert(hit[0], hit[1], "wgs84", "gcj02")
            return {
                "status": "1",
                "info": "OK",
                "infocode": "10000",
                "count": "1",
                "geocodes": [
                    {
                        "formatted_address": f"广东省广州市{query['address']}",
                        "country": "中国",
                        "province": "广东省",
                        "citycode": "020",
                        "city": "广州市",
                        "district": "黄埔区",
                        "adcode": "440112",
                        "location": f"{lon:.6f},{lat:.6f}",
                        "level": hit[2],
                    }
                ],
            }
        if path == "/geocoding/v3/":
            hit = self.answers.get(query["address"])
            if hit is None:
                return {"status": 1, "msg": "Internal Service Error:无相关结果", "results": []}
            lon, lat = gzgeo.convert(hit[0], hit[1], "wgs84", "bd09")
            return {
                "status": 0,
                "result": {
                    "location": {"lng": lon, "lat": lat},
                    "precise": 1,
                    "confidence": 80,
                    "comprehension": 100,
                    "level": hit[2],
                },
            }
        if path == "/geocoder":
            keyword = json.loads(query["ds"])["keyWord"]
            hit = next((v for k, v in self.answers.items() if k in keyword), None)
            if hit is None:
                return {"msg": "无结果", "status": "101", "searchVersion": "6.4.9V"}
            return {
                "msg": "ok",
                "status": "0",
                "searchVersion": "6.4.9V",
                "location": {"score": 100, "level": hit[2], "lon": hit[0], "lat": hit[1], "keyWord": keyword},
            }
        return {}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    server = FakeProviders()
    yield server
    server.close()


def _precise(cls, fake, **kw):
    return cls("test-key", base_url=fake.url, min_interval_s=0.0, timeout_s=2.0, **kw)


@pytest.mark.parametrize(
    "cls, level, expected_precision",
    [
        (AMap, "门牌号", "site"),
        (Baidu, "门址", "site"),
        (Tianditu, "兴趣点", "site"),
        (AMap, "道路交叉路口", "campus_or_park"),
        (Baidu, "工业园区", "campus_or_park"),
    ],
)
def test_provider_answer_to_wgs84_within_1cm(fake, cls, level, expected_precision):
    address = "黄埔区开源大道11号"
    fake.answers[address] = (*TRUTH, level)
    result = geocode(address, gazetteer=None, providers=[_precise(cls, fake)])
    best = result.best
    assert best is not None and best.provider == cls.name and best.precision == expected_precision
    assert best.district == "黄埔区" and best.level == level
    # AMap rounds to 6 decimals (≈0.1 m): its own precision; Baidu and Tianditu round-trip to the millimetre
    assert _metres(best.lon, best.lat) < (0.15 if cls is AMap else 0.01)
    assert fake.requests[0][2].get("key", fake.requests[0][2].get("ak", fake.requests[0][2].get("tk"))) == "test-key"


def test_coarse_levels_are_district_or_rejected(fake):
    fake.answers["黄埔区某镇"] = (*TRUTH, "乡镇")
    fake.answers["广州"] = (113.26, 23.13, "市")
    town = geocode("黄埔区某镇", gazetteer=None, providers=[_precise(AMap, fake)])
    assert town.best.precision == "district" and town.best.anchor == "黄埔区" and town.best.lon is None
    city = geocode("广州", gazetteer=None, providers=[_precise(AMap, fake)])
    assert city.best is None
    assert "too coarse" in city.reason
    assert level_precision("未知") is None


def test_outside_guangzhou_or_the_stated_district_is_rejected_with_the_reason(fake):
    fake.answers["深圳市南山区科技园"] = (*SHENZHEN, "兴趣点")
    far = geocode("深圳市南山区科技园", gazetteer=None, providers=[_precise(Baidu, fake)])
    assert far.best is None and "outside Guangzhou" in far.reason
    fake.answers["开源大道11号"] = (*TRUTH, "门牌号")
    wrong = geocode("开源大道11号", district="南沙", gazetteer=None, providers=[_precise(AMap, fake)])
    rejected = [c for c in wrong.candidates if not c.accepted]
    assert rejected and "in 黄埔区, not in the stated 南沙区" in rejected[0].reason
    # the stated district still gives an honest district-precision answer
    assert wrong.best.precision == "district" and wrong.best.anchor == "南沙区"


def test_responses_are_cached_in_the_workspace(fake, workspace_url):
    fake.answers["黄埔区开源大道11号"] = (*TRUTH, "门牌号")
    ws = open_workspace()
    provider = _precise(AMap, fake)
    first = geocode("黄埔区开源大道11号", gazetteer=None, providers=[provider], cache=ws)
    second = geocode("黄埔区开源大道11号", gazetteer=None, providers=[provider], cache=ws)
    assert len(fake.requests) == 1
    assert (first.best.lon, first.best.lat) == (second.best.lon, second.best.lat)
    fake.status_error = True  # an error answer is reported, never cached
    bad = geocode("黄埔区另一地址", gazetteer=None, providers=[provider], cache=ws)
    assert "INVALID_USER_KEY" in " ".join(bad.errors)
    assert ws.cache_get("amap", "广州市|黄埔区另一地址") is None
    assert "test-key" not in json.dumps(ws.cache_get("amap", "广州市|黄埔区开源大道11号"))


def test_retries_timeouts_and_rate_limit(fake):
    fake.answers["开源大道11号"] = (*TRUTH, "门牌号")
    fake.fail_first = 2  # two 503s, then the answer
    result = geocode("开源大道11号", gazetteer=None, providers=[_precise(AMap, fake, retries=2)])
    assert result.best is not None and len(fake.requests) == 3
    fake.requests.clear()
    fake.fail_first = 5
    gave_up = geocode("开源大道11号", gazetteer=None, providers=[_precise(AMap, fake, retries=1)])
    assert len(fake.requests) == 2 and any("503" in e for e in gave_up.errors)
    fake.fail_first, fake.delay_s = 0, 1.0
    slow = AMap("k", base_url=fake.url, timeout_s=0.2, retries=0, min_interval_s=0)
    timed_out = geocode("开源大道11号", gazetteer=None, providers=[slow])
    assert timed_out.best is None and "amap" in timed_out.reason
    fake.delay_s = 0.0
    fake.requests.clear()
    limited = AMap("k", base_url=fake.url, min_interval_s=0.25, retries=0)
    for i in range(3):
        limited.fetch(f"地址{i}")
    arrivals = [t for t, *_ in fake.requests]
    assert min(b - a for a, b in zip(arrivals, arrivals[1:], strict=False)) >= 0.2


def test_offline_gazetteer_and_district_parsing():
    gazetteer = gpd.GeoDataFrame(
        {
            "name_zh": ["科学城", "某某大厦"],
            "aliases": ["", "某某大楼"],
            "kind": ["park", "building"],
            "precision": ["campus_or_park", "site"],
        },
        geometry=gpd.points_from_xy([113.4521, 113.45], [23.1688, 23.17]),
        crs=4326,
    )
    hit = geocode("广州市黄埔区某某大楼5楼", gazetteer=gazetteer, providers=[])
    assert hit.best.provider == "gazetteer" and hit.best.precision == "site" and hit.best.label == "某某大楼"
    assert parse_district("广州市萝岗区") == "黄埔区" and parse_district("Nansha") == "南沙区"
    assert parse_district("黄埔") == "黄埔区" and parse_district("上海") is None
    zone = geocode("广州国际生物岛螺旋四路", gazetteer=None, providers=[])
    # 广州国际生物岛 is itself a located platform (campus_or_park, cited): the island, not just the node polygon.
    island = gpd.GeoSeries(gpd.points_from_xy([zone.best.lon], [zone.best.lat]), crs=4326)
    node = gzgeo.load("nodes").set_index("id").loc["bio-island"].geometry
    assert zone.best.precision in ("zone", "campus_or_park") and zone.best.district == "海珠区"
    assert zone.best.precision == "zone" or node.contains(island.iloc[0])
    nothing = geocode("某地", gazetteer=None, providers=[])
    assert nothing.best is None and nothing.reason
    bad_district = geocode("某地", district="浦东新区", gazetteer=None, providers=[])
    assert "not a Guangzhou district" in bad_district.reason


def test_import_geocodes_through_a_provider(fake, tmp_path):
    fake.answers["广州市黄埔区开源大道11号"] = (*TRUTH, "门址")
    path = tmp_path / "addr.csv"
    path.write_text("名称,地址\n某研究院,广州市黄埔区开源大道11号\n", encoding="utf-8")
    result = gzgeo.import_platforms(path, gazetteer=None, providers=[_precise(Baidu, fake)])
    row = result.platforms.iloc[0]
    assert row["geocoded"] and row["location_precision"] == "site" and row["district"] == "黄埔区"
    assert _metres(row["lon"], row["lat"]) < 0.01
    assert row["location_source"].startswith("geocoded by baidu, 门址")
