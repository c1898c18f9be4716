"""Build geo/axis.geojson: the 创新大道 science-and-technology axis of the Huangpu "123" layout.

Source: 黄埔区、广州开发区科技创新"十四五"规划 (shared/seeds/003_d7285df370a477b8.txt),
section 三(一): 以知识城和科学城为极核, 以创新大道为依托, 规划建设串联航空轮胎大科学装置、
粤港澳大湾区国家技术创新中心、黄埔实验室核心区、人类细胞谱系大科学装置、呼吸领域广州实验室等
全区重大科技创新平台的科技创新轴.

No official road called 创新大道 was found, so the axis is a SCHEMATIC planning line:
it starts at the 中新广州知识城 core (the representative point of its polygon in
geo/cores.geojson, where platforms anchored to 知识城 are drawn), passes through
the points at which the map draws the five linked platforms (read from
data/platforms.csv through gzgeo.load("platforms"), ordered north to south), and
between 科学城 and 生物岛 follows the 广园快速 west and the 科韵路 south
(whose extension crosses 琶洲 to 生物岛) instead of cutting straight across.

Re-run after data/platforms.csv changes so the axis keeps passing through the
platforms' points::

    python scripts/build_axis.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import LineString, Point  # noqa: E402

from gzgeo.crs import GUANGZHOU_METRIC_CRS, WGS84  # noqa: E402
from gzgeo.layers import write_layer  # noqa: E402

GEO_DIR = ROOT / "geo"
PLATFORMS_CSV = ROOT / "data" / "platforms.csv"
DECIMALS = 6
SEED_FILE = "003_d7285df370a477b8.txt"
MAX_OFFSET_M = 300.0  # the axis must pass this close to every linked platform's point

# The platforms named in 三(一), in the plan's wording. Matched against name_zh and aliases.
LINKED = [
    "航空轮胎大科学装置",
    "粤港澳大湾区国家技术创新中心",
    "黄埔实验室核心区",
    "人类细胞谱系大科学装置",
    "呼吸领域广州实验室",
]

# Fallback positions (WGS-84) used only when data/platforms.csv is missing or gives no point
# for a platform. Researched offline, each only approximate.
FALLBACK_POINTS = {
    "航空轮胎大科学装置": (113.5500, 23.3100),  # 黄埔区新龙镇, 花莞高速以南、永龙大道东侧 (press reports)
    "粤港澳大湾区国家技术创新中心": (113.4800, 23.1720),  # 广州科学城 (003 一(一)1), site not verified
    "黄埔实验室核心区": (113.4870, 23.2240),  # between 知识城 and 科学城 on the axis (003 三(一))
    "人类细胞谱系大科学装置": (113.3700, 23.0850),  # 广州国际生物岛
    "呼吸领域广州实验室": (113.3700, 23.0850),  # 广州实验室 HQ, 广州国际生物岛
}

# Road waypoints between 科学城 and 生物岛 (WGS-84), inserted between the last platform north
# of them and the first platform on 生物岛 so the line follows the real corridor.
SCIENCE_TO_BIO_ISLAND = [
    (113.4700, 23.1620),  # 广园快速 at 科学大道 / 科学城 south edge
    (113.4200, 23.1600),  # 广园快速 westwards past 黄陂 / 天河区界
    (113.3690, 23.1570),  # 广园快速 × 科韵路 interchange (天河)
    (113.3680, 23.1250),  # 科韵路 south at 黄埔大道 (金融城)
    (113.3680, 23.1050),  # 科韵路 crossing the 珠江 to 琶洲 (琶洲 east)
]
BIO_ISLAND_LAT = 23.095  # waypoints are used for platforms south of this latitude


def _match(table: pd.DataFrame, name: str) -> pd.Series | None:
    for _, row in table.iterrows():
        names = {str(row.get("name_zh", ""))}
        names |= {a.strip() for a in str(row.get("aliases", "") or "").split("|") if a.strip()}
        if name in names:
            return row
    return None


def platform_points() -> tuple[list[dict], str]:
    """Return [{name, id, point, how}] for LINKED, and a note on where the points came from."""
    if not PLATFORMS_CSV.exists():
        out = [{"name": n, "id": "", "point": Point(FALLBACK_POINTS[n]), "how": "fallback"} for n in LINKED]
        return out, "data/platforms.csv missing: researched fallback points used"
    try:
        import gzgeo  # the map's own loader: anchored platforms sit on their anchor's representative point

        table = gzgeo.load("platforms")
        how = (
            "gzgeo.load('platforms') (data/platforms.csv; anchored platforms at their anchor polygon's "
            "representative point)"
        )
    except Exception as exc:  # pragma: no cover - fallback if the package is mid-edit
        table = pd.read_csv(PLATFORMS_CSV, dtype=str, keep_default_na=False)
        table = gpd.GeoDataFrame(
            table,
            geometry=gpd.points_from_xy(
                pd.to_numeric(table["lon"], errors="coerce"), pd.to_numeric(table["lat"], errors="coerce")
            ),
            crs=WGS84,
        )
        how = f"data/platforms.csv read directly ({type(exc).__name__} from gzgeo.load)"
    out = []
    for name in LINKED:
        row = _match(table, name)
        pt = row.geometry if row is not None else None
        if pt is None or pt.is_empty or not np.isfinite(pt.x):
            out.append(
                {
                    "name": name,
                    "id": row["id"] if row is not None else "",
                    "point": Point(FALLBACK_POINTS[name]),
                    "how": "fallback",
                }
            )
        else:
            precision = str(row.get("location_precision", ""))
            out.append(
                {
                    "name": name,
                    "id": row["id"],
                    "point": Point(round(pt.x, DECIMALS), round(pt.y, DECIMALS)),
                    "how": f"csv:{precision}",
                }
            )
    return out, how


def knowledge_city_start() -> Point:
    cores = gpd.read_file(GEO_DIR / "cores.geojson")
    geom = cores.set_index("id").geometry["knowledge-city"]
    p = geom.representative_point()
    return Point(round(p.x, DECIMALS), round(p.y, DECIMALS))


def build():
    start = knowledge_city_start()
    points, how = platform_points()
    # north -> south; ties keep the plan's order
    ordered = sorted(enumerate(points), key=lambda ip: (-ip[1]["point"].y, ip[0]))
    ordered = [p for _, p in ordered]

    # A platform known only to its district has no location to pass through: it is
    # listed as linked, but only better-located platforms shape the line.
    shaping = [p for p in ordered if p["how"] != "csv:district"]
    vertices = [start.coords[0]]
    inserted = False
    for p in shaping:
        xy = p["point"].coords[0]
        if not inserted and xy[1] < BIO_ISLAND_LAT:
            vertices += SCIENCE_TO_BIO_ISLAND
            inserted = True
        if vertices[-1] != xy:
            vertices.append(xy)
    line = LineString(vertices)
    line = shapely.transform(line, lambda c: np.round(c, DECIMALS))

    length_km = float(gpd.GeoSeries([line], crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS).length.iloc[0]) / 1e3
    ids = [p["id"] or p["name"] for p in ordered]
    hows = sorted({p["how"] for p in ordered})
    geometry_source = (
        "schematic line drawn in scripts/build_axis.py: from the 中新广州知识城 core (representative point of "
        "geo/cores.geojson knowledge-city) north to south through the points of the linked platforms "
        f"({how}; precisions: {', '.join(hows)}), then from 科学城 along the 广园快速 west and the 科韵路 south across "
        "琶洲 to 广州国际生物岛; no official road named 创新大道 was found. Platforms whose CSV location is only a "
        "zone estimate make the axis equally approximate there; platforms known only to their district are listed "
        "in linked_platforms but do not shape the line"
    )
    axis = gpd.GeoDataFrame(
        [
            {
                "id": "innovation-avenue-axis",
                "name_zh": "创新大道科技创新轴",
                "name_en": "Innovation Avenue Science and Technology Innovation Axis",
                "length_km": round(length_km, 2),
                "linked_platforms": "|".join(dict.fromkeys(ids)),
                "geometry_quality": "schematic",
                "geometry_source": geometry_source,
                "source_file": SEED_FILE,
                "source_clause": "三(一)",
                "geometry": line,
            }
        ],
        geometry="geometry",
        crs=WGS84,
    )
    return axis, ordered


def check(axis: gpd.GeoDataFrame, ordered: list[dict]) -> None:
    line_m = axis.to_crs(GUANGZHOU_METRIC_CRS).geometry.iloc[0]
    for p in ordered:
        if p["how"] == "csv:district":
            print(f"  {p['name']:16s} {p['id']:40s} {p['how']:14s} known only to its district: not checked")
            continue
        pm = gpd.GeoSeries([p["point"]], crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS).iloc[0]
        dist = line_m.distance(pm)
        print(f"  {p['name']:16s} {p['id']:40s} {p['how']:14s} {p['point'].x:.5f},{p['point'].y:.5f}  {dist:6.1f} m")
        assert dist <= MAX_OFFSET_M, (p["name"], dist)
    assert axis.is_valid.all()
    print(f"axis length {axis.length_km.iloc[0]} km; linked: {axis.linked_platforms.iloc[0]}")


def main() -> None:
    axis, ordered = build()
    check(axis, ordered)
    path = write_layer(axis, "axis", ROOT)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
