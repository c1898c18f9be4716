"""Build geo/metro_lines.geojson and geo/metro_stations.geojson: Guangzhou's metro as an orientation layer.

Source: the public repository 17512974001/Ranger (commit
9e10358ffd38a609a92f23429c2e06a432167e63, 2026-08-17), files ``data/metro_routes.js``
(``window.METRO_ROUTES``: one GeoJSON LineString per route direction, ``op_status``
``运营`` or ``在建或规划``), ``data/metro_stops.js`` (``window.METRO_STOPS``: one point per
station, AMap ``BV`` ids), ``data/metro_route_stops.js`` (the stops of each route direction)
and ``data/metro_stop_routes.js`` (the lines serving each stop; checked against the former).
Its README says "坐标 WGS84": the author converted AMap's GCJ-02 to WGS-84. Stored
coordinates are rounded to 4 decimals (≈10 m); stations carry ``precision = campus_or_park``
(a station's entrances spread over a few hundred metres).

What is kept:

- lines: the operating (``运营``) routes only, both directions merged into one feature per
  line (a direction that runs within 60 m of one already kept adds nothing), clipped to
  Guangzhou (+1 km); the routes under construction or planned are left out;
- stations: those served by an operating route, inside Guangzhou (+1 km). A station served
  only by routes under construction or planned is left out (the maps draw every station
  alike, so it would look like an operating one); ``lines`` lists the operating lines only.
  Same-named stops a few metres apart (a metro and a tram stop) are one point, their mean.

Names: the Ranger names drop "站" (``广州火车``, ``机场北(2号航楼)``). Where the previous layer
(HKUST-Trans-Lab/China-Metro-Info ``guangzhou_Metro.json`` @ e92a6dee, the official full names)
has a station within 500 m whose name is the Ranger name with "站" put back, or the Ranger name
plus a suffix (``水西(有轨)``, the tram stop, apart from the metro's ``水西``), that full name is
kept, so ``metro:<站名>`` keys of ``data/places.csv`` still resolve; the Ranger form goes to
``aliases`` and ``name_source`` says which dataset the name form is from.

Datum check: the median distance between same-named Ranger and HKUST stations (the previous
``geo/metro_stations.geojson``, WGS-84) is printed with the Ranger points read as WGS-84 and
as GCJ-02 (tens of metres vs ≈600 m when the datum is right).

Second source, optional: Ranger carries no intercity rail. Given HKUST-Trans-Lab/China-Metro-Info
``guangzhou_Metro.json`` (commit e92a6dee1cd7e79af6619455f151687ade2fcfe0, 2024-03-11; Baidu's
metro API, converted BD-09 -> WGS-84 by its authors), the lines Ranger lacks are added from it:
a line whose name Ranger does not use and of which less than half runs within 150 m of a
Ranger line (so HKUST's ``地铁3号线北延段``, Ranger's line 3, is not drawn twice), i.e.
广清城际线, 广州东环城际线 and 佛山地铁2号线's end in Guangzhou. Their stations inside
Guangzhou (+1 km) are added too, except that a stop within 500 m of a Ranger station of the
same name (or alias) is that Ranger station, which gets the line added to ``lines``. Every
feature says where it is from: ``geometry_source`` and ``name_source`` (lines and stations)
and ``lines_source`` (stations) name HKUST with its commit where it contributed. Without the
file the layer is built from Ranger alone and the script prints which lines of the previous
layer it left out.

The sources are not in the repository: pass the folder holding the four ``.js`` files (or the
two ``metro_routes.js`` / ``metro_stops.js``, the other two being looked up beside them), a
copy of the previous stations layer for the names and the check, and optionally HKUST's file::

    python scripts/build_metro.py path/to/Ranger/data path/to/old_metro_stations.geojson [path/to/guangzhou_Metro.json]
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

RANGER = "17512974001/Ranger"
COMMIT = "9e10358ffd38a609a92f23429c2e06a432167e63"
HKUST = "HKUST-Trans-Lab/China-Metro-Info guangzhou_Metro.json @ e92a6dee1cd7e79af6619455f151687ade2fcfe0"
HKUST_SOURCE = f"{HKUST} (Baidu metro API, BD-09 -> WGS-84 by its authors)"
LINE_SOURCE = f"{RANGER} data/metro_routes.js @ {COMMIT} (AMap routes, WGS-84 per the dataset README)"
STATION_SOURCE = f"{RANGER} data/metro_stops.js @ {COMMIT} (AMap stations, WGS-84 per the dataset README)"
OPERATING = "运营"
DECIMALS = 4
CITY_BUFFER_M = 1000.0  # keep what lies in Guangzhou (lines run on into Foshan)
SAME_TRACK_M = 60.0  # a route direction within this of a kept one is the same track
SAME_STATION_M = 500.0  # same-named stops closer than this are one station
NAME_MATCH_M = 500.0  # how far the previous layer's station of the full name may lie
SAME_LINE_M = 150.0  # a HKUST line mostly this close to Ranger's tracks is a Ranger line under another name
SAME_LINE_SHARE = 0.5
# A HKUST stop this close to a same-named Ranger station is that station. Not 300 m: a railway hub spans
# more, HKUST's 佛山地铁2号线 stop at 广州南站 lies 376 m from Ranger's point (its line 22 stop 262 m).
JOIN_STATION_M = 500.0

_NAMED_EN = {
    "APM线": "APM Line",
    "广佛线": "Guangfo Line",
    "海珠有轨电车1号线": "Haizhu Tram Line 1",
    "黄埔有轨电车1号线": "Huangpu Tram Line 1",
    "广清城际线": "Guangqing Intercity",
    "广州东环城际线": "Guangzhou East Ring Intercity",
    "佛山地铁2号线": "Foshan Metro Line 2",
}


def line_names(route_cn: str) -> tuple[str, str, str]:
    """``(name_zh, name_en, kind)`` of the line a route belongs to.

    >>> line_names("地铁11号线外环(龙潭--龙潭)")
    ('地铁11号线', 'Line 11', 'metro')
    >>> line_names("地铁14号线支线(知识城线)(新和--镇龙)")
    ('地铁14号线支线', 'Line 14 branch', 'metro')
    """
    name_zh = re.sub(r"(内环|外环)$", "", route_cn.split("(")[0])  # line 11's two ring directions: one line
    kind = "tram" if "有轨电车" in name_zh else ("intercity" if "城际" in name_zh else "metro")
    match = re.fullmatch(r"地铁(\d+)号线(支线|北延段)?", name_zh)
    if match:
        suffix = {"支线": " branch", "北延段": " north extension"}.get(match.group(2) or "", "")
        return name_zh, f"Line {match.group(1)}{suffix}", kind
    return name_zh, _NAMED_EN.get(name_zh, name_zh), kind


def read_js(path: Path):
    """The JSON value assigned in a ``window.X = <JSON>;`` file."""
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1 :].strip().rstrip(";"))


def source_files(args: list[str]) -> dict[str, Path]:
    folder = Path(args[0]) if Path(args[0]).is_dir() else Path(args[0]).parent
    stems = ("metro_routes", "metro_stops", "metro_route_stops", "metro_stop_routes")
    files = {stem: folder / f"{stem}.js" for stem in stems}
    files.update({Path(a).stem: Path(a) for a in args if a.endswith(".js")})
    return files


def operating_stops(routes: dict, route_stops: dict, stop_routes: dict) -> dict[str, list[str]]:
    """Stop id -> names of the operating lines serving it (from the route stop lists, checked against the index)."""
    status = {f["properties"]["route_cn"]: f["properties"]["op_status"] for f in routes["features"]}
    if set(status) != set(route_stops):
        raise SystemExit("metro_route_stops.js and metro_routes.js list different routes")
    served: dict[str, list[str]] = {}
    for route, stops in route_stops.items():
        if status[route] == OPERATING:
            for _seq, _name, stop_id in stops:
                served.setdefault(stop_id, []).append(line_names(route)[0])
    lines_operating = {line_names(r)[0] for r, s in status.items() if s == OPERATING}
    by_index = {sid for sid, names in stop_routes.items() if {line_names(n)[0] for n in names} & lines_operating}
    if by_index != set(served):
        raise SystemExit(f"metro_stop_routes.js disagrees on {sorted(by_index ^ set(served))}")
    return {sid: list(dict.fromkeys(names)) for sid, names in served.items()}


def read_lines(routes: dict) -> gpd.GeoDataFrame:
    """One MultiLineString per operating line, the directions merged."""
    kept: dict[str, list[LineString]] = {}
    for feature in routes["features"]:
        props = feature["properties"]
        if props["op_status"] != OPERATING:
            continue
        name_zh = line_names(props["route_cn"])[0]
        line = LineString(feature["geometry"]["coordinates"])
        parts = kept.setdefault(name_zh, [])
        if parts:
            near = gpd.GeoSeries(parts, crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS).union_all().buffer(SAME_TRACK_M)
            metric = gpd.GeoSeries([line], crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS).iloc[0]
            if metric.difference(near).length < 0.02 * metric.length:  # the other direction of a kept track
                continue
        parts.append(line)
    rows = []
    for name_zh, parts in kept.items():
        _, name_en, kind = line_names(name_zh)
        rows.append(
            {
                "id": re.sub(r"\W+", "-", name_en.lower()).strip("-"),
                "name_zh": name_zh,
                "name_en": name_en,
                "kind": kind,
                "geometry": MultiLineString(parts),
            }
        )
    return gpd.GeoDataFrame(rows, crs=WGS84)


def full_names(stops: gpd.GeoDataFrame, previous: gpd.GeoDataFrame) -> pd.DataFrame:
    """The previous layer's full name for each stop whose Ranger name lost "站" or a suffix; else the Ranger name."""
    prev = previous.to_crs(GUANGZHOU_METRIC_CRS)
    out = []
    for name, geom in zip(stops["name_cn"], stops.to_crs(GUANGZHOU_METRIC_CRS).geometry, strict=True):
        near = prev[prev.distance(geom) < NAME_MATCH_M]
        full = [n for n in near["name_zh"] if n != name and (n.replace("站", "") == name or n.startswith(f"{name}("))]
        if full and name not in set(near["name_zh"]):
            out.append((full[0], f"{HKUST} (official full name; Ranger data/metro_stops.js: {name})", name))
        else:
            out.append((name, f"{RANGER} data/metro_stops.js @ {COMMIT}", ""))
    return pd.DataFrame(out, columns=["name_zh", "name_source", "aliases"], index=stops.index)


def read_stations(stops_fc: dict, served: dict[str, list[str]], previous: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    stops = gpd.GeoDataFrame.from_features(stops_fc["features"], crs=WGS84)
    stops = stops[stops["stop_id"].isin(served)].copy()
    stops[["name_zh", "name_source", "aliases"]] = full_names(stops, previous)
    rows = []
    for name, group in stops.groupby("name_zh", sort=True):
        spread = group.to_crs(GUANGZHOU_METRIC_CRS).geometry
        if len(group) > 1 and spread.distance(spread.iloc[0]).max() > SAME_STATION_M:
            raise SystemExit(f"two operating stations named {name} lie apart; name them apart first")
        lines = [line for sid in group["stop_id"] for line in served[sid]]
        rows.append(
            {
                "id": place_id(f"metro:{name}"),
                "key": f"metro:{name}",
                "name_zh": name,
                "aliases": "|".join(dict.fromkeys(a for a in group["aliases"] if a)),
                "name_source": group["name_source"].iloc[0],
                "lines": "|".join(dict.fromkeys(lines)),
                "stop_ids": "|".join(group["stop_id"]),
                # A metro and a tram stop of one name are a few metres apart: one point, their mean.
                "geometry": Point(float(group.geometry.x.mean()), float(group.geometry.y.mean())),
            }
        )
    return gpd.GeoDataFrame(rows, crs=WGS84)


def clip_to_city(lines: gpd.GeoDataFrame, stations: gpd.GeoDataFrame):
    city = load("city").to_crs(GUANGZHOU_METRIC_CRS).geometry.buffer(CITY_BUFFER_M).to_crs(WGS84).union_all()
    lines = lines.copy()
    lines["geometry"] = lines.geometry.intersection(city)
    lines = lines[~lines.geometry.is_empty].copy()
    lines["geometry"] = shapely.transform(lines.geometry.to_numpy(), lambda c: np.round(c, DECIMALS))
    stations = stations[stations.within(city)].copy()
    stations["geometry"] = shapely.transform(stations.geometry.to_numpy(), lambda c: np.round(c, DECIMALS))
    return lines, stations


def _first(value):
    return value[0] if isinstance(value, list) else value  # some HKUST entries wrap the dict in a list


def read_hkust(data: dict) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """HKUST's lines (one MultiLineString each) and stops (one point per stop and line), WGS-84."""
    lines, stops = [], []
    for raw in data["Line_name"]:
        entry = data[raw]
        name_zh, name_en, kind = line_names(raw)
        parts = [
            LineString(zip(seg["lng"], seg["lat"], strict=True))
            for key, seg in entry.items()
            if key.startswith("(") and len(seg.get("lng", [])) >= 2  # the track between two stations
        ]
        lines.append({"name_zh": name_zh, "name_en": name_en, "kind": kind, "geometry": MultiLineString(parts)})
        names, gps = _first(entry["id2name"]), _first(entry["center_gps"])
        stops += [{"name_zh": name, "line": name_zh, "geometry": Point(*gps[key])} for key, name in names.items()]
    return gpd.GeoDataFrame(lines, crs=WGS84), gpd.GeoDataFrame(stops, crs=WGS84)


def lines_ranger_lacks(hkust: gpd.GeoDataFrame, ranger: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """HKUST's lines that Ranger does not carry, and per HKUST line the share (0-1) running along Ranger's tracks.

    A line is Ranger's when Ranger has its name or when at least half of it runs within 150 m of
    Ranger's lines (HKUST's ``地铁3号线北延段`` is part of Ranger's ``地铁3号线``).
    """
    tracks = ranger.to_crs(GUANGZHOU_METRIC_CRS).union_all().buffer(SAME_LINE_M)
    metric = hkust.to_crs(GUANGZHOU_METRIC_CRS).geometry
    share = pd.Series(
        (metric.intersection(tracks).length / metric.length).to_numpy(), index=hkust["name_zh"], name="share"
    )
    lacking = ~hkust["name_zh"].isin(ranger["name_zh"]).to_numpy() & (share.to_numpy() < SAME_LINE_SHARE)
    taken = hkust[lacking].copy()
    taken.insert(0, "id", [re.sub(r"\W+", "-", n.lower()).strip("-") for n in taken["name_en"]])
    return taken, share


def hkust_stations(stops: gpd.GeoDataFrame, lines: list[str]) -> gpd.GeoDataFrame:
    """One point per HKUST station served by ``lines`` (a transfer station: the mean of its stops)."""
    stops = stops[stops["line"].isin(lines)]
    rows = []
    for name, group in stops.groupby("name_zh", sort=True):
        spread = group.to_crs(GUANGZHOU_METRIC_CRS).geometry
        if spread.distance(spread.iloc[0]).max() > SAME_STATION_M:
            raise SystemExit(f"two HKUST stations named {name} lie apart; name them apart first")
        point = Point(float(group.geometry.x.mean()), float(group.geometry.y.mean()))
        rows.append({"name_zh": name, "lines": "|".join(dict.fromkeys(group["line"])), "geometry": point})
    return gpd.GeoDataFrame(rows, columns=["name_zh", "lines", "geometry"], geometry="geometry", crs=WGS84)


def join_stations(ranger: gpd.GeoDataFrame, extra: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Ranger's stations plus HKUST's ``extra`` ones; a same-named Ranger station within 500 m takes the lines.

    Returns the stations and the names of the Ranger stations that got a line. ``lines_source``
    says where each line of ``lines`` is from.
    """
    ranger = ranger.copy()
    names = ranger["name_zh"] + "|" + ranger["aliases"].fillna("")
    forms = names.str.split("|").map(lambda f: {x for x in f if x})
    metric = ranger.to_crs(GUANGZHOU_METRIC_CRS).geometry
    new, joined = [], []
    for _, stop in extra.iterrows():
        same = forms.map(lambda f, name=stop["name_zh"]: name in f)
        if not same.any():
            new.append(stop)
            continue
        where = gpd.GeoSeries([stop.geometry], crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS).iloc[0]
        idx = metric[same].distance(where).idxmin()
        if metric[idx].distance(where) > JOIN_STATION_M:
            raise SystemExit(f"HKUST's {stop['name_zh']} lies {metric[idx].distance(where):.0f} m from Ranger's")
        added = [line for line in stop["lines"].split("|") if line not in ranger.at[idx, "lines"].split("|")]
        ranger.at[idx, "lines"] = "|".join([ranger.at[idx, "lines"], *added])
        ranger.at[idx, "lines_source"] += "".join(f"; {line}: {HKUST}" for line in added)
        joined.append(ranger.at[idx, "name_zh"])
    added_rows = gpd.GeoDataFrame(new, columns=extra.columns, geometry="geometry", crs=WGS84)
    if len(added_rows):
        added_rows["id"] = [place_id(f"metro:{name}") for name in added_rows["name_zh"]]
        added_rows["key"] = "metro:" + added_rows["name_zh"]
        added_rows[["aliases", "stop_ids"]] = ""
        added_rows["name_source"] = added_rows["geometry_source"] = added_rows["lines_source"] = HKUST_SOURCE
        added_rows["precision_note"] = (
            "Baidu metro API station point, converted to WGS-84 by the dataset's authors (≈±300 m)"
        )
    return pd.concat([ranger, added_rows], ignore_index=True), joined


def datum_check(stops_fc: dict, previous: gpd.GeoDataFrame) -> dict[str, pd.Series]:
    """Distances (m) from each Ranger stop to the same-named previous (HKUST, WGS-84) station, per datum read."""
    stops = gpd.GeoDataFrame.from_features(stops_fc["features"], crs=WGS84)
    ours = previous.drop_duplicates("name_zh").set_index("name_zh").geometry.to_crs(GUANGZHOU_METRIC_CRS)
    stops = stops[stops["name_cn"].isin(ours.index)]
    out = {}
    for datum in ("wgs84", "gcj02"):
        lon, lat = stops.geometry.x.to_numpy(), stops.geometry.y.to_numpy()
        if datum != "wgs84":
            lon, lat = convert(lon, lat, datum, "wgs84")
        theirs = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS)
        out[datum] = pd.Series(
            theirs.distance(ours.loc[stops["name_cn"]].reset_index(drop=True)).to_numpy(), index=stops["name_cn"]
        )
    return out


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    argv = list(argv)
    hkust_path = Path(argv.pop()) if argv[-1].endswith(".json") and not argv[-1].endswith(".geojson") else None
    files = source_files(argv[:-1])
    routes, stops_fc = read_js(files["metro_routes"]), read_js(files["metro_stops"])
    served = operating_stops(routes, read_js(files["metro_route_stops"]), read_js(files["metro_stop_routes"]))
    previous = gpd.read_file(argv[-1])
    check = datum_check(stops_fc, previous)
    ranger_lines = read_lines(routes)
    lines, stations = clip_to_city(ranger_lines, read_stations(stops_fc, served, previous))
    for gdf, source in ((lines, LINE_SOURCE), (stations, STATION_SOURCE)):
        gdf["geometry_source"] = source
    lines["name_source"] = f"{RANGER} data/metro_routes.js @ {COMMIT}"
    stations["lines_source"] = f"{RANGER} data/metro_route_stops.js @ {COMMIT}"
    stations["precision_note"] = (
        f"AMap station point, converted to WGS-84 by the dataset's author: median {check['wgs84'].median():.0f} m, "
        f"95% within {check['wgs84'].quantile(0.95):.0f} m of the same-named HKUST-Trans-Lab station (≈±300 m)"
    )
    if hkust_path is not None:
        hkust_lines, hkust_stops = read_hkust(json.loads(hkust_path.read_text(encoding="utf-8")))
        taken, share = lines_ranger_lacks(hkust_lines, ranger_lines)
        extra_lines, extra_stations = clip_to_city(taken, hkust_stations(hkust_stops, list(taken["name_zh"])))
        extra_lines["geometry_source"] = extra_lines["name_source"] = HKUST_SOURCE
        lines = pd.concat([lines, extra_lines], ignore_index=True)
        stations, joined = join_stations(stations, extra_stations)
        km = extra_lines.set_index("name_zh").to_crs(GUANGZHOU_METRIC_CRS).length / 1000
        print("lines from HKUST:", ", ".join(f"{name} ({length:.1f} km)" for name, length in km.items()))
        print("stations from HKUST:", " ".join(sorted(set(extra_stations["name_zh"]) - set(joined))))
        print("Ranger stations given a HKUST line:", " ".join(joined) or "none")
        # HKUST's tracks have gaps (广州东环城际线 花都–花城街): say where, rather than draw a guess.
        track = extra_lines.set_index("name_zh").to_crs(GUANGZHOU_METRIC_CRS).geometry
        metric = stations.set_index("name_zh").to_crs(GUANGZHOU_METRIC_CRS).geometry
        off = [
            f"{name} {track[line].distance(metric[name]):.0f} m from {line}"
            for name, lines_of in zip(extra_stations["name_zh"], extra_stations["lines"], strict=True)
            for line in lines_of.split("|")
            if track[line].distance(metric[name]) > JOIN_STATION_M
        ]
        print("stations off their HKUST track (a gap in its track):", ", ".join(off) or "none")
        print(
            "HKUST lines Ranger carries (not taken; share along Ranger's tracks):",
            ", ".join(f"{name} {frac:.0%}" for name, frac in share.items() if name not in set(taken["name_zh"])),
        )
    else:
        # A previous line is left out when Ranger has neither its name nor all its stations (地铁3号线北延段 is
        # Ranger's 地铁3号线).
        served_before = previous.assign(line=previous["lines"].str.split("|")).explode("line")
        missing = served_before[~served_before["name_zh"].isin(stations["name_zh"])]
        lacking = set(missing["line"]) - set(lines["name_zh"])
        print(
            "left out (not in Ranger; pass HKUST's guangzhou_Metro.json to add them):",
            " ".join(sorted(lacking)) or "nothing",
        )
    lines["geometry_quality"] = stations["geometry_quality"] = "approximate"
    stations["datum_source"] = "wgs84"
    stations["precision"] = "campus_or_park"
    columns = ["id", "name_zh", "name_en", "kind", "name_source", "geometry_source", "geometry_quality", "geometry"]
    write_layer(gpd.GeoDataFrame(lines[columns], crs=WGS84).sort_values("id"), "metro_lines")
    dup = stations["id"].duplicated(keep=False)
    if dup.any():  # two stations with the same pinyin: keep them apart
        stations.loc[dup, "id"] = stations.loc[dup, "id"] + "-" + stations.loc[dup].groupby("id").cumcount().astype(str)
    columns = ["id", "key", "name_zh", "aliases", "name_source", "lines", "lines_source", "stop_ids", "datum_source"]
    columns += ["precision", "precision_note", "geometry_source", "geometry_quality", "geometry"]
    write_layer(gpd.GeoDataFrame(stations[columns], crs=WGS84).sort_values("id"), "metro_stations")
    print(f"{len(lines)} lines, {len(stations)} stations written")
    for datum, dist in check.items():
        print(
            f"datum check, Ranger read as {datum}: {len(dist)} stops vs same-named previous stations, "
            f"median {dist.median():.0f} m, 95% {dist.quantile(0.95):.0f} m, max {dist.max():.0f} m"
        )
    renamed = stations[stations["aliases"] != ""]
    kept = zip(renamed["aliases"], renamed["name_zh"], strict=True)
    print("full names kept:", ", ".join(f"{alias} -> {name}" for alias, name in kept))
    before = set(previous["name_zh"])
    print("gone:", " ".join(sorted(before - set(stations["name_zh"]))))
    print("new:", " ".join(sorted(set(stations["name_zh"]) - before)))


if __name__ == "__main__":
    main(sys.argv[1:])
