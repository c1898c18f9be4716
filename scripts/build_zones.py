"""Build geo/zones.geojson, geo/cores.geojson and geo/nodes.geojson.

The planning zones of Guangzhou's science-and-technology layout have no public
boundary files. They are drawn here as APPROXIMATE polygons from the published
descriptions (四至: the roads, rivers and landmarks that bound each zone) and
the official areas, then clipped to their district(s) from geo/districts.geojson
so that no polygon spills into the wrong district. Every vertex below is in
WGS-84 lon/lat (EPSG:4326) and carries a comment saying what it follows.

Positions of roads and shores are from general geographic knowledge of
Guangzhou, not from a survey: expect boundaries to be off by about 0.5-2 km.
Where a description does not pin a line (for example the split between
中新广州知识城 and 广州科学城), the line was placed on the nearest plausible
corridor and nudged so that the polygon's area matches the official figure.
This is recorded in each row's ``geometry_source`` and ``precision_note``.

Run from the repository root after scripts/build_districts.py::

    python scripts/build_zones.py
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import MultiPolygon, Polygon  # noqa: E402

from gzgeo.crs import GUANGZHOU_METRIC_CRS, WGS84  # noqa: E402
from gzgeo.layers import write_layer  # noqa: E402

GEO_DIR = ROOT / "geo"
DECIMALS = 6
SEED_FILE = "003_d7285df370a477b8.txt"

# ---------------------------------------------------------------------------
# Sources (the documents the official areas and the 四至 come from)
# ---------------------------------------------------------------------------
SRC_AI = "广州人工智能与数字经济试验区建设总体方案 (粤大湾区〔2020〕1号, 2020), as reported"
SRC_SCIENCE = "广州科学城创新发展行动方案 (2020)"
SRC_KNOWLEDGE = "中新广州知识城总体发展规划(2020—2035年), 国函〔2020〕119号"
SRC_NANSHA = "广州南沙科学城总体发展规划(2022—2035年)"
SRC_MINGZHU = "南沙科学城 planning reports (2021): 中科院明珠科学园规划面积约3.1平方公里"
SRC_SUIGANG = "广州穗港智造合作区建设实施方案 (粤大湾区〔2021〕2号, 2021)"
SRC_BIO = "public descriptions of 广州国际生物岛 (官洲岛): ellipse ≈2.8 km × 0.9 km, 1.82–1.83 km²"


# ---------------------------------------------------------------------------
# Vertex lists (lon, lat in WGS-84). Each comment names what the edge follows.
# ---------------------------------------------------------------------------

# 广州国际金融城 (天河区), 8 km². 四至 (金融城整体规划研究范围): 北起黄埔大道、中山大道,
# 南至珠江, 东至天河区界, 西至华南快速干线.
FINANCE_CITY = [
    (113.3370, 23.1000),  # 华南快速干线 / 华南大桥 north end, in the river (cut by the river mask)
    (113.3370, 23.1190),  # 华南快速干线 at 黄埔大道中
    (113.3620, 23.1185),  # 黄埔大道中 at 员村
    (113.3780, 23.1175),  # 黄埔大道中 at 科韵路
    (113.3960, 23.1160),  # 黄埔大道东 at 车陂路 (车陂南)
    (113.4120, 23.1180),  # 中山大道东 / 黄埔大道东 at 东圃
    (113.4400, 23.1250),  # beyond 天河区界 (clipped by the district)
    (113.4400, 23.0950),  # in the river east of 天河 (clipped)
]

# 琶洲核心片区, part 1 (海珠区): the east of 海珠岛 from 华南快速干线 to the island's east
# tip (琶洲, 会展中心, 琶洲东区, 官洲), bounded by the river on the north, east and south.
# 广州国际生物岛 is excluded (managed as a separate node by 黄埔区 / 广州开发区).
PAZHOU_HAIZHU = [
    (113.3340, 23.1200),  # 华南大桥 over the 珠江前航道 (north bank is cut by the river mask)
    (113.3340, 23.0700),  # 华南快速干线 southwards through 新滘 to the 海珠 south channel
    (113.3340, 23.0300),  # in the 沥滘水道 (clipped to 海珠区)
    (113.4300, 23.0300),  # east, in 番禺 (clipped)
    (113.4300, 23.1200),  # north-east, in 黄埔/天河 (clipped)
]

# 琶洲核心片区, part 2 (番禺区): 广州大学城 = 小谷围岛 (≈18 km²), bounded all round by the
# 珠江 channels (官洲河 / 沥滘水道 to the north-west, 长洲岛 channel to the east, 新造 channel south).
UNIVERSITY_TOWN = [
    (113.3640, 23.0560),  # west tip, opposite 仑头 / 北山 (海珠)
    (113.3760, 23.0660),  # north-west shore facing 生物岛
    (113.3880, 23.0750),  # north shore, 大学城北 (地铁4号线 towards 官洲)
    (113.3955, 23.0780),  # north-east tip facing 长洲岛 (海珠/黄埔 confluence)
    (113.4050, 23.0700),  # east shore
    (113.4130, 23.0600),  # east shore, 中心湖 east (外环东路)
    (113.4150, 23.0480),  # south-east shore facing 新造
    (113.4080, 23.0390),  # south shore (南亭 across the river)
    (113.3930, 23.0340),  # south shore, 外环南路
    (113.3780, 23.0360),  # south-west shore (北亭 across the river)
    (113.3660, 23.0440),  # west shore
]

# 鱼珠片区 (黄埔区), 25 km²: the 黄埔 river front west of the 广州绕城高速 (鱼珠, 大沙,
# 黄埔港老港, 黄埔街) between 黄埔东路 and the 珠江 north bank, plus 长洲岛.
YUZHU_MAINLAND = [
    (113.4050, 23.1350),  # in 天河 north-west of 东圃 (clipped by the district)
    (113.4300, 23.1250),  # 黄埔东路 / 中山大道东 at 鱼珠 (黄埔区界)
    (113.4500, 23.1200),  # 黄埔东路 at 大沙地
    (113.4680, 23.1160),  # 黄埔东路 at 黄埔港 / 庙头
    (113.4930, 23.1130),  # 黄埔东路 at 文冲, at the 绕城高速
    (113.4930, 23.0900),  # 夏港 river bank at the 绕城高速
    (113.4780, 23.0925),  # 文冲 river bank (文冲船厂)
    (113.4600, 23.0945),  # 珠江 north bank, 庙头 / 黄埔老港 east
    (113.4420, 23.0990),  # 珠江 north bank, 黄埔港 (老港) wharves
    (113.4260, 23.1030),  # 珠江 north bank, 鱼珠码头
    (113.4140, 23.1065),  # 车陂涌 / 天河区界 at the river
    (113.4050, 23.1100),  # in the river, west (clipped)
]
CHANGZHOU_ISLAND = [  # 长洲岛 (黄埔区长洲街), 7.23 km², 4.2 km × 2.1 km
    (113.4130, 23.0800),  # west tip, opposite 大学城 north-east tip
    (113.4230, 23.0730),  # south-west shore
    (113.4380, 23.0790),  # south shore (深井 channel towards 番禺)
    (113.4520, 23.0815),  # south-east shore
    (113.4600, 23.0860),  # east tip (深井 / 洪圣沙 channel)
    (113.4520, 23.0915),  # north-east shore
    (113.4380, 23.0945),  # north shore (黄埔航道, opposite 黄埔老港)
    (113.4230, 23.0945),  # north shore, 黄埔军校旧址
    (113.4150, 23.0895),  # north-west shore (opposite 鱼珠)
]

# 广州科学城 (黄埔区), 144.65 km²: the band along 开创大道 / 科学大道 / 开源大道 between
# the 广深高速 / 广园快速 corridor and the 广河高速, from the 天河/白云 border to the
# 增城 border (incl. 永和), plus the south-western 笔岗 / 黄陂 / 大沙北 lands added to
# 开发区 management in 2002 down to 黄埔东路 (west of the 绕城高速).
# North edge = KNOWLEDGE_SCIENCE_SPLIT (shared with 知识城).
KNOWLEDGE_SCIENCE_SPLIT = [  # west -> east, 广河高速 corridor
    (113.3700, 23.2190),  # west of the 天河/白云 border (clipped)
    (113.4300, 23.2210),  # 广河高速 near 水西 / 长平
    (113.4700, 23.2240),  # 广河高速 crossing 开创大道
    (113.5100, 23.2270),  # 广河高速 north of 长岭居
    (113.5500, 23.2300),  # 广河高速 east, 永和 north
    (113.6300, 23.2340),  # beyond the 增城 border (clipped)
]
SCIENCE_CITY_SOUTH = [  # east -> west, south edge of 科学城
    (113.6300, 23.1720),  # beyond the 增城 border (clipped)
    (113.5600, 23.1720),  # 开源大道 east end at 东区 / 永和
    (113.5200, 23.1700),  # 开源大道 at 云埔
    (113.4900, 23.1680),  # 广园快速 / 广深高速 at the 绕城高速 (火村)
    (113.4920, 23.1400),  # 绕城高速 southwards, west edge of 穗港智造合作区
    (113.4930, 23.1130),  # 绕城高速 at 黄埔东路 (文冲)
    (113.4680, 23.1160),  # 黄埔东路 (shared with 鱼珠片区)
    (113.4500, 23.1200),  # 黄埔东路 at 大沙地
    (113.4300, 23.1250),  # 黄埔东路 at 鱼珠 (黄埔区界)
    (113.3700, 23.1400),  # in 天河 (clipped)
]

# 中新广州知识城 (黄埔区), 232 km²: 九佛, 龙湖, 新龙 (the former 九龙镇) north of the 广河高速,
# bounded by the 白云 (钟落潭), 从化 (太平) and 增城 (中新) borders. South edge = split line.
KNOWLEDGE_CITY_NORTH = [
    (113.6300, 23.4600),  # north-east, beyond the 增城/从化 borders (clipped)
    (113.3700, 23.4600),  # north-west, beyond the 白云/从化 borders (clipped)
]

# 广州穗港智造合作区 (黄埔区), 56.39 km²: 北至广园东路—开源大道, 南至珠江, 西至广州绕城高速,
# 东至黄埔区界 (开发区西区 19.1 + 云埔工业区 11.7 + communities 25.59).
SUIGANG = [
    (113.4900, 23.1680),  # 广园快速 at the 绕城高速 (火村)
    (113.5200, 23.1700),  # 开源大道 at 云埔
    (113.5600, 23.1720),  # 开源大道 at 东区
    (113.6300, 23.1720),  # beyond the 黄埔/增城 border (clipped)
    (113.6300, 23.0800),  # beyond the border, in the river (clipped)
    (113.5600, 23.0880),  # 珠江 (东江北干流 mouth) north bank at 南岗 / 穗东
    (113.5350, 23.0850),  # 珠江 north bank at 西区 east (穗港码头)
    (113.5100, 23.0865),  # 珠江 north bank at 黄埔大桥 north end
    (113.4930, 23.0900),  # 夏港 river bank at the 绕城高速
    (113.4930, 23.1130),  # 绕城高速 at 黄埔东路
    (113.4920, 23.1400),  # 绕城高速 northwards
]

# 南沙科学城 (南沙区), 99 km² = 明珠湾片区 91 + 庆盛片区 8. The 2021 reports place the 91 km²
# around 珠江(街)东、南沙湾、万顷沙(北)、龙穴(岛)北 in the 明珠湾 area. Drawn as one body
# from 蕉门河 / 灵山岛尖 / 横沥岛 east to the 南沙湾 shore and south over 万顷沙 north;
# 龙穴岛北 is not drawn separately (its shore line is not known well enough offline).
NANSHA_MINGZHU = [
    (113.5270, 22.8020),  # 蕉门河 / 蕉门水道 at 南沙区政府 (凤凰大道)
    (113.5600, 22.8080),  # 蕉门水道 north bank, 黄阁 south edge
    (113.5900, 22.8060),  # 南沙街 north, 大角山 west
    (113.6050, 22.7920),  # 大角山 / 虎门大桥 west anchorage (inland of the shore)
    (113.6090, 22.7700),  # 南沙湾 shore (天后宫 / 蒲洲)
    (113.6060, 22.7480),  # 南沙客运港 / 蒲洲 shore
    (113.5980, 22.7320),  # 凫洲水道 north bank
    (113.5980, 22.7100),  # 万顷沙 east shore (十四涌)
    (113.5880, 22.6980),  # 万顷沙 east, southern limit of the drawn scope
    (113.5500, 22.6980),  # 万顷沙 north (十四涌 line) westwards
    (113.5280, 22.7100),  # 珠江街 east
    (113.5250, 22.7400),  # 横沥岛 west (上横沥)
    (113.5220, 22.7750),  # 灵山岛 west
]
NANSHA_QINGSHENG = [  # 庆盛片区 8 km² around 庆盛站 and 香港科技大学(广州)
    (113.4760, 22.9000),  # 京珠高速 at the 沙湾水道 (番禺 border, clipped)
    (113.5060, 22.9000),  # 庆盛大道 north end at the 番禺 border (clipped)
    (113.5060, 22.8700),  # 庆盛大道 south of the 广深港高铁
    (113.4760, 22.8700),  # 京珠高速 south of 庆盛站
]

# 明珠科学园 (南沙区), ≈3.1 km², reported as the core of 南沙科学城. No boundary is published; its position is
# pinned by two bus stops named after it in a public stop dataset (repo 17512974001/Ranger data/bus_stops.js @
# 9e10358ffd38a609a92f23429c2e06a432167e63, AMap stops converted to WGS-84 by the authors: 中科院明珠科学园站
# 113.5431 22.7284 and 明珠科学园(万新大道) 113.5355 22.7273, 0.8 km apart). The rectangle is centred between them,
# so it also holds the AMap POI of 广东空天科技研究院 (前知路2号), an institute planned for the park's southern cluster.
MINGZHU_PARK_CENTRE = (113.5393, 22.7279)  # midpoint of the two named stops
MINGZHU_PARK_SIZE_M = (2000.0, 1550.0)  # east-west, north-south extent of the rectangle

# 广州国际生物岛 (官洲岛), 1.83 km²: an ellipse ≈2.8 km × 0.9 km with its long axis NE–SW,
# south of the 会展中心, north of 大学城, west of 长洲岛. Centred on 官洲站 (metro line 4), which
# zh.wikipedia's 官洲站 article places "官洲岛(国际生物岛)中部螺旋大道交汇点" (mid-island), at the
# station's coordinate in geo/metro_stations.geojson (HKUST-Trans-Lab/China-Metro-Info, WGS-84,
# ≈±300 m; the Wikipedia infobox's 23.06926 N 113.37084 E is 48 m away).
BIO_ISLAND_CENTRE = (113.3712, 23.0695)
BIO_ISLAND_AXES_M = (1400.0, 420.0)  # semi-axes (long, short)
BIO_ISLAND_AZIMUTH_DEG = 55.0  # long axis bearing from north (NE–SW)

# River half-widths used to keep north-bank polygons out of the water where the AMap
# district line runs along the middle of the channel.
RIVER_HALF_WIDTH_M = {
    ("天河区", "海珠区"): 200.0,  # 珠江前航道 at 员村 / 琶洲, ≈400 m wide
    ("越秀区", "海珠区"): 150.0,
    ("荔湾区", "海珠区"): 150.0,
    ("海珠区", "番禺区"): 130.0,  # 沥滘水道 / 官洲河
    ("黄埔区", "海珠区"): 200.0,
}


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _poly(vertices) -> Polygon:
    return Polygon([(x, y) for x, y in vertices])


def _to_metric(geom):
    return gpd.GeoSeries([geom], crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS).iloc[0]


def _to_wgs(geom):
    return gpd.GeoSeries([geom], crs=GUANGZHOU_METRIC_CRS).to_crs(WGS84).iloc[0]


def area_km2(geom) -> float:
    return float(_to_metric(geom).area) / 1e6


def _ellipse(centre, axes_m, azimuth_deg, n=72):
    cx, cy = _to_metric(shapely.Point(centre)).coords[0]
    a, b = axes_m
    th = math.radians(90.0 - azimuth_deg)  # bearing -> maths angle
    pts = []
    for k in range(n):
        t = 2 * math.pi * k / n
        x, y = a * math.cos(t), b * math.sin(t)
        pts.append((cx + x * math.cos(th) - y * math.sin(th), cy + x * math.sin(th) + y * math.cos(th)))
    return _to_wgs(Polygon(pts))


def _rectangle(centre, size_m):
    cx, cy = _to_metric(shapely.Point(centre)).coords[0]
    w, h = size_m
    return _to_wgs(shapely.box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))


def load_districts() -> gpd.GeoDataFrame:
    path = GEO_DIR / "districts.geojson"
    if not path.exists():
        raise SystemExit("geo/districts.geojson is missing: run python scripts/build_districts.py first")
    return gpd.read_file(path)


def river_mask(districts: gpd.GeoDataFrame):
    """Channels along district lines that run mid-river, buffered by the half-width."""
    by_name = districts.set_index("name_zh").geometry.to_crs(GUANGZHOU_METRIC_CRS)
    parts = []
    for (a, b), half in RIVER_HALF_WIDTH_M.items():
        shared = by_name[a].boundary.intersection(by_name[b].boundary)
        if not shared.is_empty:
            parts.append(shared.buffer(half))
    return _to_wgs(shapely.union_all(parts))


def _clean(geom):
    geom = shapely.make_valid(geom)
    polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    geom = shapely.union_all(polys)
    # drop slivers below 0.01 km² left by clipping
    parts = [p for p in getattr(geom, "geoms", [geom]) if area_km2(p) >= 0.01]
    geom = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    geom = shapely.transform(geom, lambda c: np.round(c, DECIMALS))
    return shapely.make_valid(geom)


def build_geometries(districts: gpd.GeoDataFrame) -> dict:
    d = districts.set_index("name_zh").geometry
    river = river_mask(districts)
    g = {}

    bio = _ellipse(BIO_ISLAND_CENTRE, BIO_ISLAND_AXES_M, BIO_ISLAND_AZIMUTH_DEG)
    g["bio-island"] = _clean(bio.intersection(d["海珠区"].union(d["黄埔区"])))

    g["finance-city"] = _clean(_poly(FINANCE_CITY).intersection(d["天河区"]).difference(river))

    haizhu = _poly(PAZHOU_HAIZHU).intersection(d["海珠区"]).difference(river)
    haizhu = haizhu.difference(_to_wgs(_to_metric(bio).buffer(150.0)))  # 官洲河 around 生物岛
    uni = _poly(UNIVERSITY_TOWN).intersection(d["番禺区"]).difference(river)
    g["pazhou"] = _clean(shapely.union_all([haizhu, uni]))

    yuzhu = shapely.union_all(
        [
            _poly(YUZHU_MAINLAND).intersection(d["黄埔区"]),
            _poly(CHANGZHOU_ISLAND).intersection(d["黄埔区"]),
        ]
    ).difference(river)
    g["yuzhu"] = _clean(yuzhu)

    split = list(KNOWLEDGE_SCIENCE_SPLIT)
    science = _poly(split + SCIENCE_CITY_SOUTH)
    g["science-city"] = _clean(science.intersection(d["黄埔区"]).difference(_poly(YUZHU_MAINLAND)))
    knowledge = _poly(split + KNOWLEDGE_CITY_NORTH)
    g["knowledge-city"] = _clean(knowledge.intersection(d["黄埔区"]))

    g["suigang"] = _clean(_poly(SUIGANG).intersection(d["黄埔区"]).difference(_poly(SCIENCE_CITY_SOUTH + split)))

    ns = d["南沙区"]
    g["nansha-science-city"] = _clean(
        shapely.union_all([_poly(NANSHA_MINGZHU).intersection(ns), _poly(NANSHA_QINGSHENG).intersection(ns)])
    )
    g["mingzhu-science-park"] = _clean(
        _rectangle(MINGZHU_PARK_CENTRE, MINGZHU_PARK_SIZE_M).intersection(g["nansha-science-city"])
    )

    g["ai-digital-economy"] = _clean(shapely.union_all([g["pazhou"], g["finance-city"], g["yuzhu"]]))
    return g


# ---------------------------------------------------------------------------
# Attributes
# ---------------------------------------------------------------------------

_HOW = "approximate polygon drawn in scripts/build_zones.py from public descriptions, clipped to geo/districts.geojson"

ZONES = [
    dict(
        id="ai-digital-economy",
        name_zh="广州人工智能与数字经济试验区",
        name_en="Guangzhou Artificial Intelligence and Digital Economy Pilot Zone",
        parent="",
        kind="zone",
        official_area_km2=81.0,
        official_area_source=SRC_AI + ": 琶洲核心片区48 + 国际金融城8 + 鱼珠片区25",
        geometry_source="union of its three parts (pazhou, finance-city, yuzhu), 一江两岸三片区; " + _HOW,
        precision_note="boundary ±1–2 km (union of three approximate parts)",
    ),
    dict(
        id="pazhou",
        name_zh="琶洲核心片区",
        name_en="Pazhou Core Area (incl. Guangzhou University Town)",
        parent="ai-digital-economy",
        kind="zone_part",
        official_area_km2=48.0,
        official_area_source=SRC_AI + ": 琶洲核心片区(含广州大学城) 48平方公里",
        geometry_source=(
            "海珠区 east of the 华南快速干线 (琶洲, 会展中心, 琶洲东区, 官洲) cut back from the mid-river district "
            "line by the channel half-width, without 广州国际生物岛; plus 广州大学城 (小谷围岛, 番禺区) drawn "
            "along its "
            "shores; " + _HOW
        ),
        precision_note="boundary ±1 km; the western limit (华南快速干线) and the exclusion of 生物岛 are assumptions",
    ),
    dict(
        id="finance-city",
        name_zh="广州国际金融城",
        name_en="Guangzhou International Finance City",
        parent="ai-digital-economy",
        kind="zone_part",
        official_area_km2=8.0,
        official_area_source=SRC_AI + "; 金融城整体规划研究范围 8平方公里",
        geometry_source=(
            "四至 北起黄埔大道、中山大道, 南至珠江, 东至天河区界, 西至华南快速干线 (金融城整体规划研究范围); "
            "south edge = 珠江 north bank; " + _HOW
        ),
        precision_note="boundary ±0.5–1 km; north edge placed on the 黄埔大道 line so that the area matches",
    ),
    dict(
        id="yuzhu",
        name_zh="鱼珠片区",
        name_en="Yuzhu Area",
        parent="ai-digital-economy",
        kind="zone_part",
        official_area_km2=25.0,
        official_area_source=SRC_AI + ": 鱼珠片区 25平方公里",
        geometry_source=(
            "黄埔 river front between 黄埔东路 and the 珠江 north bank from the 天河区界 east to the 广州绕城高速 "
            "(鱼珠, 大沙, 黄埔港老港, 文冲), plus 长洲岛; " + _HOW
        ),
        precision_note="boundary ±1 km; the inclusion of 长洲岛 and the eastern limit at the 绕城高速 are assumptions",
    ),
    dict(
        id="science-city",
        name_zh="广州科学城",
        name_en="Guangzhou Science City",
        parent="",
        kind="zone",
        official_area_km2=144.65,
        official_area_source=SRC_SCIENCE + ": 扩容至144.65平方公里",
        geometry_source=(
            "band along 开创大道 / 科学大道 / 开源大道 between the 广深高速–广园快速–开源大道 corridor (south) and "
            "the 广河高速 (north), from the 天河/白云 border to the 增城 border (incl. 永和), "
            "plus 笔岗 / 黄陂 / 大沙北 "
            "west of the 广州绕城高速 down to 黄埔东路; the 2018 expansion study also listed 开发区西区, which is left "
            "to 穗港智造合作区 here to avoid overlapping layers; " + _HOW
        ),
        precision_note=(
            "boundary ±2–3 km; the split line with 知识城 (广河高速) and the south-western extension are "
            "judgement calls"
        ),
    ),
    dict(
        id="knowledge-city",
        name_zh="中新广州知识城",
        name_en="Sino-Singapore Guangzhou Knowledge City",
        parent="",
        kind="zone",
        official_area_km2=232.0,
        official_area_source=SRC_KNOWLEDGE + " (earlier 123; 253 for the 自贸区联动发展区 scope)",
        geometry_source=(
            "northern 黄埔区 (九佛, 龙湖, 新龙镇: the former 九龙镇, around 九龙湖 and 凤凰湖) north of the 广河高速, "
            "bounded by the 白云 (钟落潭), 从化 (太平) and 增城 (中新) borders; no offline source showed the 232 km² "
            "scope reaching 增城区, so it is drawn inside 黄埔区; " + _HOW
        ),
        precision_note=(
            "boundary ±2–3 km; the southern limit (split with 科学城 along the 广河高速) is a judgement call"
        ),
    ),
    dict(
        id="nansha-science-city",
        name_zh="南沙科学城",
        name_en="Nansha Science City",
        parent="",
        kind="zone",
        official_area_km2=99.0,
        official_area_source=SRC_NANSHA + ": 明珠湾片区91 + 庆盛片区8",
        geometry_source=(
            "two parts: 明珠湾片区 drawn as one body from 蕉门河 / 灵山岛 / 横沥岛 east to the 南沙湾 shore and south "
            "over 万顷沙 north (珠江街东、南沙湾、万顷沙 in the 2021 reports; 龙穴岛北 not drawn separately), and "
            "庆盛片区 between the 京珠高速 and 庆盛大道 around 庆盛站 / 香港科技大学(广州); the coarse AMap 南沙区 "
            "polygon includes estuary water, so the shore vertices are drawn by hand; " + _HOW
        ),
        precision_note="boundary ±2–3 km; the 91 km² 明珠湾片区 is really several areas and its shores are hand-drawn",
    ),
    dict(
        id="mingzhu-science-park",
        name_zh="明珠科学园",
        name_en="Mingzhu Science Park (CAS)",
        parent="nansha-science-city",
        kind="zone_part",
        official_area_km2=3.1,
        official_area_source=SRC_MINGZHU,
        geometry_source=(
            "a 2.0 km × 1.55 km rectangle of the reported area centred between the two bus stops named after the park "
            "(中科院明珠科学园站, 明珠科学园(万新大道); repo 17512974001/Ranger data/bus_stops.js @ 9e10358f, WGS-84); "
            "no boundary description was found; " + _HOW
        ),
        precision_note="position pinned by the park's named bus stops (±0.5 km); extent and shape are schematic",
    ),
]

CORES = [
    dict(id="knowledge-city", role="core"),
    dict(id="science-city", role="core"),
]
NODES = [
    dict(
        id="bio-island",
        name_zh="广州国际生物岛",
        name_en="Guangzhou International Bio Island",
        role="node",
        official_area_km2=1.83,
        official_area_source=SRC_BIO,
        geometry_source=(
            "ellipse 2.8 km × 0.84 km (long axis NE–SW) on 官洲岛 in the 珠江 south of the 琶洲会展中心, "
            "centred on 官洲站 (mid-island per zh.wikipedia 官洲站; point from HKUST-Trans-Lab/China-Metro-Info), "
            "north of 广州大学城 "
            "and west of 长洲岛; in the AMap district layer the island lies in 海珠区 (官洲街道), while it is managed "
            "by 黄埔区 / 广州开发区; " + _HOW
        ),
        precision_note="island outline ±300 m (drawn from the island's published size and 官洲站 at its middle)",
    ),
    dict(id="yuzhu", role="node"),  # same geometry as the 鱼珠片区 zone part
    dict(
        id="suigang",
        name_zh="广州穗港智造合作区",
        name_en="Guangzhou-Hong Kong Smart Manufacturing Cooperation Zone",
        role="node",
        official_area_km2=56.39,
        official_area_source=SRC_SUIGANG + ": 西区19.1 + 云埔工业区11.7 + 城市社区25.59",
        geometry_source=(
            "四至 北至广园东路—开源大道, 南至珠江, 西至广州绕城高速, 东至黄埔区界 (建设实施方案); "
            "the 珠江 edge follows "
            "the north bank; " + _HOW
        ),
        precision_note="boundary ±1 km; the 绕城高速 alignment is approximate",
    ),
]


def _districts_of(geom, districts: gpd.GeoDataFrame, min_km2: float = 0.01) -> str:
    metric = districts.to_crs(GUANGZHOU_METRIC_CRS)
    g = _to_metric(geom)
    hits = [(float(row.geometry.intersection(g).area) / 1e6, row.name_zh) for row in metric.itertuples()]
    return "|".join(name for a, name in sorted(hits, reverse=True) if a >= min_km2)


def build_frames(districts: gpd.GeoDataFrame):
    geoms = build_geometries(districts)

    zone_rows = []
    for z in ZONES:
        geom = geoms[z["id"]]
        zone_rows.append(
            {
                **{k: z[k] for k in ("id", "name_zh", "name_en", "parent", "kind")},
                "official_area_km2": z["official_area_km2"],
                "official_area_source": z["official_area_source"],
                "area_km2": round(area_km2(geom), 2),
                "districts": _districts_of(geom, districts),
                "geometry_quality": "approximate",
                "geometry_source": z["geometry_source"],
                "precision_note": z["precision_note"],
                "geometry": geom,
            }
        )
    zones = gpd.GeoDataFrame(zone_rows, geometry="geometry", crs=WGS84)
    by_id = zones.set_index("id")

    def _site_rows(items, clause):
        rows = []
        for item in items:
            src = by_id.loc[item["id"]].to_dict() if item["id"] in by_id.index else {}
            row = {**src, **item}
            geom = row["geometry"] if "geometry" in row else geoms[item["id"]]
            rows.append(
                {
                    "id": row["id"],
                    "name_zh": row["name_zh"],
                    "name_en": row["name_en"],
                    "role": row["role"],
                    "area_km2": round(area_km2(geom), 2),
                    "official_area_km2": row["official_area_km2"],
                    "official_area_source": row["official_area_source"],
                    "districts": _districts_of(geom, districts),
                    "geometry_quality": "approximate",
                    "geometry_source": row["geometry_source"],
                    "precision_note": row["precision_note"],
                    "source_file": SEED_FILE,
                    "source_clause": clause,
                    "geometry": geom,
                }
            )
        return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)

    cores = _site_rows(CORES, "三(二) 专栏1")
    nodes = _site_rows(NODES, "三(三) 专栏2")
    return zones, cores, nodes


def check(zones, cores, nodes, districts) -> None:
    d = districts.set_index("name_zh").geometry
    for frame in (zones, cores, nodes):
        assert frame.is_valid.all()
        assert (frame.area_km2 / frame.official_area_km2 - 1).abs().max() <= 0.15
        for row in frame.itertuples():
            allowed = shapely.union_all([d[n] for n in row.districts.split("|")])
            inside = area_km2(row.geometry.intersection(allowed)) / area_km2(row.geometry)
            assert inside >= 0.95, (row.id, inside)
    by_id = zones.set_index("id").geometry
    for row in zones[zones.parent != ""].itertuples():
        frac = area_km2(row.geometry.intersection(by_id[row.parent])) / area_km2(row.geometry)
        assert frac >= 0.99, (row.id, frac)
    print(f"{'id':22s} {'area':>8s} {'official':>8s}   diff  districts")
    for frame in (zones, cores, nodes):
        for r in frame.itertuples():
            diff = r.area_km2 / r.official_area_km2 - 1
            print(f"{r.id:22s} {r.area_km2:8.2f} {r.official_area_km2:8.2f} {diff:+6.1%}  {r.districts}")


def main() -> None:
    districts = load_districts()
    zones, cores, nodes = build_frames(districts)
    check(zones, cores, nodes, districts)
    for name, gdf in (("zones", zones), ("cores", cores), ("nodes", nodes)):
        path = write_layer(gdf, name, ROOT)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
