"""Build geo/metro_lines.geojson and geo/metro_stations.geojson: Guangzhou's metro as an orientation layer.

Source: HKUST-Trans-Lab/China-Metro-Info, file ``guangzhou_Metro.json`` (commit
e92a6dee1cd7e79af6619455f151687ade2fcfe0, 2024-03-11). Its README states that
station and track coordinates were fetched from Baidu's metro API and converted
BD-09 -> WGS-84 by the authors; spot checks put stations within ≈±300 m. The
stored coordinates are therefore rounded to 4 decimals (≈10 m), which is finer
than the source supports for stations but keeps the track shape; stations carry
``precision = campus_or_park`` (≈300 m) for that reason.

Cross-check: an optional CSV of stations from Naptie/openmetro ``data/cn-gz/stations.json``
(GCJ-02; columns name, lon, lat, crs) is converted to WGS-84 with :func:`gzgeo.convert`
and the median distance to the same-named HKUST station is printed (≈tens of metres
when both datums are handled right).

The source file is not in the repository: save a copy outside it and pass its path::

    python scripts/build_metro.py path/to/guangzhou_Metro.json [path/to/openmetro_sample.csv]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import LineString, MultiLineString, Point  # noqa: E402

from gzgeo.crs import GUANGZHOU_METRIC_CRS, WGS84, convert  # noqa: E402
from gzgeo.geocoding import place_id  # noqa: E402
from gzgeo.layers import load, write_layer  # noqa: E402

SOURCE = (
    "HKUST-Trans-Lab/China-Metro-Info guangzhou_Metro.json @ e92a6dee1cd7e79af6619455f151687ade2fcfe0 "
    "(Baidu metro API, BD-09 -> WGS-84 by the authors)"
)
DECIMALS = 4
CITY_BUFFER_M = 1000.0  # keep what lies in Guangzhou (lines run on into Foshan and Qingyuan)

_NAMED_EN = {
    "APM线": "APM Line",
    "广佛线": "Guangfo Line",
    "广清城际线": "Guangqing Intercity",
    "广州东环城际线": "Guangzhou East Ring Intercity",
    "海珠有轨电车1号线": "Haizhu Tram Line 1",
    "黄埔有轨电车1号线": "Huangpu Tram Line 1",
    "佛山地铁2号线": "Foshan Metro Line 2",
}


def line_names(raw: str) -> tuple[str, str, str]:
    """``(name_zh, name_en, kind)`` from a line key such as ``地铁4号线(黄村-南沙客运港)``."""
    name_zh = raw.split("(")[0]
    kind = "tram" if "有轨电车" in name_zh else ("intercity" if "城际" in name_zh else "metro")
    match = re.fullmatch(r"地铁(\d+)号线(支线|北延段)?", name_zh)
    if match:
        suffix = {"支线": " branch", "北延段": " north extension"}.get(match.group(2) or "", "")
        return name_zh, f"Line {match.group(1)}{suffix}", kind
    return name_zh, _NAMED_EN.get(name_zh, name_zh), kind


def _first(value):
    return value[0] if isinstance(value, list) else value


def read_source(path: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    data = json.loads(path.read_text(encoding="utf-8"))
    lines, stations = [], {}
    for raw in data["Line_name"]:
        entry = data[raw]
        name_zh, name_en, kind = line_names(raw)
        parts = []
        for key, seg in entry.items():
            if key.startswith("(") and len(seg.get("lng", [])) >= 2:
                parts.append(LineString(zip(seg["lng"], seg["lat"], strict=True)))
        lines.append(
            {
                "id": re.sub(r"\W+", "-", name_en.lower()).strip("-"),
                "name_zh": name_zh,
                "name_en": name_en,
                "kind": kind,
                "geometry": MultiLineString(parts),
            }
        )
        names, gps = _first(entry["id2name"]), _first(entry["center_gps"])
        for key, name in names.items():
            lon, lat = gps[key]
            rec = stations.setdefault(name, {"lons": [], "lats": [], "lines": []})
            rec["lons"].append(lon)
            rec["lats"].append(lat)
            rec["lines"].append(name_zh)
    line_gdf = gpd.GeoDataFrame(lines, crs=WGS84)
    station_gdf = gpd.GeoDataFrame(
        [
            {
                "id": place_id(f"metro:{name}"),
                "key": f"metro:{name}",
                "name_zh": name,
                "lines": "|".join(dict.fromkeys(rec["lines"])),
                # A transfer station appears once per line, a few metres apart: one point, their mean.
                "geometry": Point(float(np.mean(rec["lons"])), float(np.mean(rec["lats"]))),
            }
            for name, rec in stations.items()
        ],
        crs=WGS84,
    )
    return line_gdf, station_gdf


def clip_to_city(lines: gpd.GeoDataFrame, stations: gpd.GeoDataFrame):
    city = load("city").to_crs(GUANGZHOU_METRIC_CRS).geometry.buffer(CITY_BUFFER_M).to_crs(WGS84).union_all()
    lines = lines.copy()
    lines["geometry"] = lines.geometry.intersection(city)
    lines = lines[~lines.geometry.is_empty].copy()
    lines["geometry"] = shapely.transform(lines.geometry.to_numpy(), lambda c: np.round(c, DECIMALS))
    stations = stations[stations.within(city)].copy()
    stations["geometry"] = shapely.transform(stations.geometry.to_numpy(), lambda c: np.round(c, DECIMALS))
    return lines, stations


def cross_check(stations: gpd.GeoDataFrame, path: Path) -> pd.Series:
    """Distances (m) between same-named stations of the openmetro sample (converted to WGS-84) and ours."""
    other = pd.read_csv(path)
    lon, lat = other["lon"].to_numpy(float).copy(), other["lat"].to_numpy(float).copy()
    for datum in other["crs"].unique():
        sel = (other["crs"] == datum).to_numpy()
        if datum != "wgs84":
            lon[sel], lat[sel] = convert(lon[sel], lat[sel], datum, "wgs84")
    theirs = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=WGS84, index=other["name"]).to_crs(GUANGZHOU_METRIC_CRS)
    ours = stations.set_index("name_zh").geometry.to_crs(GUANGZHOU_METRIC_CRS)
    common = theirs.index.intersection(ours.index)
    return pd.Series(theirs[common].distance(ours[common]).to_numpy(), index=common)


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit(__doc__)
    lines, stations = clip_to_city(*read_source(Path(argv[0])))
    for gdf in (lines, stations):
        gdf["geometry_source"] = SOURCE
        gdf["geometry_quality"] = "approximate"
    stations["datum_source"] = "wgs84"
    stations["precision"] = "campus_or_park"
    stations["precision_note"] = "≈±300 m (Baidu metro API, converted by the source's authors)"
    write_layer(
        lines[["id", "name_zh", "name_en", "kind", "geometry_source", "geometry_quality", "geometry"]], "metro_lines"
    )
    dup = stations["id"].duplicated(keep=False)
    if dup.any():  # two stations with the same pinyin: keep them apart
        stations.loc[dup, "id"] = stations.loc[dup, "id"] + "-" + stations.loc[dup].groupby("id").cumcount().astype(str)
    write_layer(
        stations[
            [
                "id",
                "key",
                "name_zh",
                "lines",
                "datum_source",
                "precision",
                "precision_note",
                "geometry_source",
                "geometry_quality",
                "geometry",
            ]
        ].sort_values("id"),
        "metro_stations",
    )
    print(f"{len(lines)} lines, {len(stations)} stations written")
    if len(argv) > 1:
        dist = cross_check(stations, Path(argv[1]))
        print(f"cross-check vs openmetro: {len(dist)} stations, median {dist.median():.0f} m, max {dist.max():.0f} m")


if __name__ == "__main__":
    main(sys.argv[1:])
