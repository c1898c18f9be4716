"""Apply researched platform locations to data/platforms.csv and data/places.csv.

Inputs (not part of the repository) are CSV files of findings and of anchor places:

- findings: ``platform_id,precision,place_key,lon,lat,datum,address,location_source,evidence,notes``
- places: ``place_key,name_zh,name_en,kind,lon,lat,datum,precision,source,notes``

Coordinates are RAW in the stated datum (``wgs84``, ``gcj02`` for AMap/Tencent, ``bd09`` for Baidu): they are
converted to WGS-84 with :func:`gzgeo.convert` and rounded to what the precision supports (≤4 decimals for
``campus_or_park``, ≤5 for ``site``). A ``place_key`` ``metro:<站名>`` refers to a station of
``geo/metro_stations.geojson`` and is copied into the gazetteer. A finding is rejected, with the reason written
into the platform's notes, when it has no source, its point falls outside the platform's district, its anchor
place is unknown, or its point is farther from its anchor place than the stated precision allows. Re-running with
the same inputs gives the same files.

    python scripts/apply_locations.py --findings f1.csv f2.csv --places p1.csv p2.csv
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from gzgeo.crs import GUANGZHOU_METRIC_CRS, WGS84  # noqa: E402
from gzgeo.geocoding import DATUMS, PRECISE, PRECISION_DECIMALS, place_id, source_to_wgs84  # noqa: E402
from gzgeo.layers import load  # noqa: E402
from gzgeo.validate import DISTRICT_TOLERANCE_M, PLACE_DISTANCE_M  # noqa: E402

PLATFORMS_CSV = ROOT / "data" / "platforms.csv"
PLACES_CSV = ROOT / "data" / "places.csv"
PLACE_COLUMNS = [
    "id",
    "key",
    "name_zh",
    "name_en",
    "kind",
    "district",
    "lon",
    "lat",
    "datum_source",
    "precision",
    "source",
    "notes",
]
REJECTED = "location finding rejected: "


#: Absolute paths of a researcher's machine that may appear in their notes; the repository keeps none.
_LOCAL_PATH = re.compile(r"/(?:work|home|tmp|Users)/[^\s,;)\"']*")


def _clean(text: str) -> str:
    """Text from a findings file without any local absolute path (a research-notes path becomes its name)."""
    return _LOCAL_PATH.sub(lambda m: "research notes" if m.group(0).endswith("research.md") else "a local file", text)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig").map(_clean)


def _write(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    tmp.replace(path)


def _rows(paths: list[Path], key: str):
    """Each row of the input files with ``file row N (key)`` for messages (row numbers as a spreadsheet shows them)."""
    for path in paths:
        for i, row in _read(path).iterrows():
            yield f"{path.name} row {i + 2} ({row[key].strip()})", row


class Districts:
    def __init__(self):
        d = load("districts").to_crs(GUANGZHOU_METRIC_CRS)
        self.geoms = dict(zip(d["name_zh"], d.geometry, strict=True))

    def _metric(self, lon: float, lat: float):
        return gpd.GeoSeries([Point(lon, lat)], crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS).iloc[0]

    def which(self, lon: float, lat: float) -> str:
        p = self._metric(lon, lat)
        return next((name for name, g in self.geoms.items() if g.contains(p)), "")

    def distance(self, lon: float, lat: float, district: str) -> float:
        return self._metric(lon, lat).distance(self.geoms[district])


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    s = gpd.GeoSeries([Point(*a), Point(*b)], crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS)
    return float(s.iloc[0].distance(s.iloc[1]))


def metro_place(key: str, stations: pd.DataFrame) -> dict | None:
    hit = stations[stations["key"] == key]
    if hit.empty and "aliases" in stations:  # another dataset's spelling of the name (see build_metro.py)
        name = key.partition(":")[2]
        hit = stations[stations["aliases"].fillna("").str.split("|").map(lambda forms: name in forms)]
    if hit.empty:
        return None
    row = hit.iloc[0]
    stop_ids = f" (stop {row['stop_ids']})" if row.get("stop_ids") else ""
    return {
        "id": row["id"],
        "key": key,
        "name_zh": f"{row['name_zh']}站",
        "name_en": f"{row['name_zh']} metro station",
        "kind": "metro_station",
        "lon": f"{row.geometry.x:.4f}",
        "lat": f"{row.geometry.y:.4f}",
        "datum_source": "wgs84",
        "precision": "campus_or_park",
        "source": f"{row['geometry_source']}{stop_ids}",
        "notes": f"lines: {row['lines']}; {row.get('precision_note') or '≈±300 m'}",
    }


def build_places(paths: list[Path], existing: pd.DataFrame, districts: Districts) -> tuple[pd.DataFrame, list[str]]:
    places = {r["key"]: dict(r) for _, r in existing.iterrows()}
    log = []
    for where, row in _rows(paths, "place_key"):
        key = row["place_key"].strip()
        precision = row["precision"].strip()
        datum = row["datum"].strip().lower()
        if not key or not row["source"].strip():
            log.append(f"{where}: skipped, no key or no source")
            continue
        if precision not in PRECISE or datum not in DATUMS:
            log.append(f"{where}: skipped, precision {precision!r} / datum {datum!r} not usable")
            continue
        try:
            lon, lat = source_to_wgs84(float(row["lon"]), float(row["lat"]), datum, precision)
        except ValueError:
            log.append(f"{where}: skipped, no coordinate")
            continue
        district = districts.which(lon, lat)
        if not district:
            log.append(f"{where}: skipped, outside Guangzhou")
            continue
        places[key] = {
            "id": place_id(key),
            "key": key,
            "name_zh": row["name_zh"],
            "name_en": row["name_en"],
            "kind": row["kind"],
            "district": district,
            "lon": f"{lon:.{PRECISION_DECIMALS[precision]}f}",
            "lat": f"{lat:.{PRECISION_DECIMALS[precision]}f}",
            "datum_source": datum,
            "precision": precision,
            "source": row["source"],
            "notes": row["notes"],
        }
    frame = pd.DataFrame(list(places.values()), columns=PLACE_COLUMNS).fillna("")
    return frame, log


def _note(notes: str, text: str) -> str:
    # The merge script's own notes are replaced on every run, so re-running gives the same file.
    kept = [n for n in notes.split(" || ") if n and not n.startswith((REJECTED, "location: "))]
    return " || ".join([*kept, text] if text else kept)


#: Zone names in findings' notes that are not zone ids: 广州大学城 is part of the 琶洲核心片区 polygon.
ZONE_NAMES = {"广州大学城": "pazhou", "大学城": "pazhou"}


def _zone_of(text: str, zone_ids: list[str]) -> str:
    # The id written after "zone" / "anchor" wins over one merely mentioned.
    match = re.search(r"(?:zone:?|anchor)\s+([a-z-]+)", text) or re.search(r"zone:\s*([a-z-]+)", text)
    if match and match.group(1) in zone_ids:
        return match.group(1)
    found = [z for z in zone_ids if re.search(rf"(?<![a-z-]){re.escape(z)}(?![a-z-])", text)]
    if found:
        return found[0]
    return next((z for name, z in ZONE_NAMES.items() if name in text), "")


def _explain(platforms: pd.DataFrame, k: int, row: pd.Series) -> None:
    """A row that stays coarse says why: the research note and the pages it looked at go into its notes."""
    text = row["notes"].strip()
    sources = row["location_source"].strip()
    if sources:
        text += f" (looked at: {sources})"
    platforms.at[k, "notes"] = _note(platforms.at[k, "notes"], f"location: {text}" if text.strip() else "")


def _apply_zone(
    platforms: pd.DataFrame, k: int, row: pd.Series, zone_ids: list[str], log: list[str], where: str
) -> None:
    """A finding that a platform lies in a planning zone: upgrade a district-only row, or demote an uncited point."""
    current = platforms.at[k, "location_precision"]
    uncited_point = current in PRECISE and not platforms.at[k, "datum_source"]
    if current != "district" and not uncited_point:
        _explain(platforms, k, row)
        log.append(f"{where}: zone finding, row already {current}; kept")
        return
    zone = _zone_of(row["notes"] + " " + row["evidence"], zone_ids)
    if not zone or not row["location_source"].strip():
        _explain(platforms, k, row)
        log.append(f"{where}: zone finding without a zone id or source; kept {current}")
        return
    platforms.at[k, "location_precision"] = "zone"
    platforms.at[k, "anchor"] = zone
    platforms.at[k, "lon"] = platforms.at[k, "lat"] = ""
    platforms.at[k, "place_id"] = platforms.at[k, "datum_source"] = ""
    evidence = row["evidence"].strip()
    platforms.at[k, "location_source"] = row["location_source"].strip() + (f" — {evidence}" if evidence else "")
    extra = row["notes"].strip()
    platforms.at[k, "notes"] = _note(platforms.at[k, "notes"], f"location: {extra}" if extra else "")
    log.append(f"{where}: {current} -> zone {zone}")


def apply_findings(
    paths: list[Path], platforms: pd.DataFrame, places: pd.DataFrame, stations: pd.DataFrame, districts: Districts
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    platforms = platforms.copy()
    zone_ids = [z for layer in ("zones", "nodes") for z in load(layer)["id"]]
    for col in ("place_id", "datum_source"):
        if col not in platforms:
            platforms.insert(list(platforms.columns).index("location_precision") + 1, col, "")
    by_id = {pid: i for i, pid in enumerate(platforms["id"])}
    place_rows = {r["key"]: dict(r) for _, r in places.iterrows()}
    log = []
    for where, row in _rows(paths, "platform_id"):
        pid = row["platform_id"].strip()
        if pid not in by_id:
            log.append(f"{where}: unknown platform id, skipped")
            continue
        k = by_id[pid]
        precision, datum, key = row["precision"].strip(), row["datum"].strip().lower(), row["place_key"].strip()
        district = platforms.at[k, "district"]

        def reject(reason: str, k=k, where=where) -> None:
            platforms.at[k, "notes"] = _note(platforms.at[k, "notes"], REJECTED + reason)
            log.append(f"{where}: REJECTED, {reason}")

        if precision == "zone":
            _apply_zone(platforms, k, row, zone_ids, log, where)
            continue
        if precision not in PRECISE:
            _explain(platforms, k, row)
            log.append(f"{where}: precision {precision!r}, nothing to apply")
            continue
        if not row["location_source"].strip():
            reject("no location_source")
            continue
        if key.startswith("metro:") and key not in place_rows:
            found = metro_place(key, stations)
            if found:
                found["district"] = districts.which(float(found["lon"]), float(found["lat"]))
                place_rows[key] = found
        if key and key not in place_rows:
            reject(f"anchor place {key} not in the gazetteer")
            continue
        if row["lon"].strip() and row["lat"].strip():
            if datum not in DATUMS:
                reject(f"unknown datum {datum!r}")
                continue
            lon, lat = source_to_wgs84(float(row["lon"]), float(row["lat"]), datum, precision)
        elif key:
            place = place_rows[key]
            datum = place["datum_source"]
            lon, lat = round(float(place["lon"]), 4), round(float(place["lat"]), 4)
        else:
            reject("neither a coordinate nor an anchor place")
            continue
        off = districts.distance(lon, lat, district)
        if off > DISTRICT_TOLERANCE_M:
            reject(
                f"point ({lon}, {lat}) lies in {districts.which(lon, lat) or 'no district'}, "
                f"not in the stated {district}"
            )
            continue
        if key:
            place = place_rows[key]
            d = distance_m((lon, lat), (float(place["lon"]), float(place["lat"])))
            if d > PLACE_DISTANCE_M[precision]:
                reject(f"point is {d:.0f} m from its anchor {key}, too far for {precision}")
                continue
        n = PRECISION_DECIMALS[precision]
        platforms.at[k, "lon"], platforms.at[k, "lat"] = f"{lon:.{n}f}", f"{lat:.{n}f}"
        platforms.at[k, "location_precision"] = precision
        platforms.at[k, "place_id"] = place_rows[key]["id"] if key else ""
        platforms.at[k, "datum_source"] = datum
        if row["address"].strip():
            platforms.at[k, "address"] = row["address"].strip()
        evidence = row["evidence"].strip()
        platforms.at[k, "location_source"] = row["location_source"].strip() + (f" — {evidence}" if evidence else "")
        extra = row["notes"].strip()
        platforms.at[k, "notes"] = _note(platforms.at[k, "notes"], f"location: {extra}" if extra else "")
        # A point from a source replaces the zone/district estimate; the zone stays as the anchor it must lie in.
        if platforms.at[k, "anchor"] in districts.geoms:
            platforms.at[k, "anchor"] = ""
        log.append(f"{where}: {precision} at ({lon}, {lat}) {datum}{' via ' + key if key else ''}")
    used = set(platforms["place_id"]) | set(places["id"])
    out = pd.DataFrame([r for r in place_rows.values() if r["id"] in used], columns=PLACE_COLUMNS).fillna("")
    return platforms, out, log


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", nargs="*", type=Path, default=[])
    parser.add_argument("--places", nargs="*", type=Path, default=[])
    args = parser.parse_args(argv)
    districts = Districts()
    existing = _read(PLACES_CSV) if PLACES_CSV.exists() else pd.DataFrame(columns=PLACE_COLUMNS)
    places, log = build_places(args.places, existing, districts)
    stations = load("metro_stations")
    platforms, places, more = apply_findings(args.findings, _read(PLATFORMS_CSV), places, stations, districts)
    _write(places.sort_values("id"), PLACES_CSV)
    _write(platforms, PLATFORMS_CSV)
    print("\n".join(log + more))
    print(platforms["location_precision"].value_counts().to_string())


if __name__ == "__main__":
    main()
