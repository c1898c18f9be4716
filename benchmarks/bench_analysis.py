"""Time gzgeo.analysis on 10k / 100k / 1M synthetic points inside Guangzhou.

For the join and proximity operations the same run also times the plain
geopandas way (``to_crs`` + ``sjoin`` / ``distance`` / ``project`` /
``sjoin_nearest``) and prints the ratio baseline / gzgeo (> 1: gzgeo is faster).

Usage (from the repository root)::

    python benchmarks/bench_analysis.py            # 10k, 100k, 1M
    python benchmarks/bench_analysis.py 10000      # chosen sizes only

The zones/axis used are the bundled layers when present, otherwise stand-ins
drawn around 科学城/知识城 so the script runs on a partial checkout.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

# Run from a checkout without `pip install -e .` too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import gzgeo  # noqa: E402
from gzgeo.analysis import (  # noqa: E402
    along_axis,
    dbscan_clusters,
    distance_to_nearest,
    hdbscan_clusters,
    hot_spots,
    kernel_density,
    mean_centre,
    median_centre,
    nearest_neighbour_index,
    nearest_platforms,
    points_in_polygons,
    ripley,
    standard_deviational_ellipse,
    synthetic_points,
)

METRIC = gzgeo.GUANGZHOU_METRIC_CRS
SIZES = [10_000, 100_000, 1_000_000]
HDBSCAN_MAX = 100_000  # sklearn HDBSCAN is super-linear in memory/time; larger runs are skipped


def _layer(name: str, fallback: Callable[[], gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    try:
        return gzgeo.load(name)
    except Exception:  # the data engineers may still be writing the file
        return fallback()


def _standin_zones() -> gpd.GeoDataFrame:
    centres = gpd.GeoSeries.from_xy([113.45, 113.52, 113.37, 113.60], [23.17, 23.38, 23.11, 22.72], crs=4326)
    return gpd.GeoDataFrame(
        {"id": ["kxc", "zsc", "ai", "ns"]}, geometry=centres.to_crs(METRIC).buffer(6000), crs=METRIC
    ).to_crs(4326)


def _standin_axis() -> gpd.GeoDataFrame:
    line = shapely.LineString([(113.52, 23.38), (113.50, 23.33), (113.47, 23.25), (113.45, 23.15)])
    return gpd.GeoDataFrame({"id": ["axis"]}, geometry=[line], crs=4326)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(n: int, districts, zones, axis) -> list[tuple[str, int, float, float | None]]:
    pts = synthetic_points(n, seed=0)
    line = gzgeo.to_metric(axis).union_all()
    rows: list[tuple[str, int, float, float | None]] = []

    def add(name: str, ours: Callable[[], object], baseline: Callable[[], object] | None = None) -> None:
        t = timed(ours)
        b = timed(baseline) if baseline is not None else None
        rows.append((name, n, t, b))
        print(
            f"  {name:<34} {n:>9,} {t:8.2f} s" + (f"   baseline {b:8.2f} s  x{b / t:5.1f}" if b else ""),
            file=sys.stderr,
            flush=True,
        )

    add(
        "points_in_polygons (districts)",
        lambda: points_in_polygons(pts, districts),
        lambda: gpd.sjoin(gzgeo.to_metric(pts), gzgeo.to_metric(districts), predicate="intersects"),
    )
    add(
        "along_axis (2 km corridor)",
        lambda: along_axis(pts, 2000, axis=axis),
        lambda: (lambda pm: pm[pm.distance(line) <= 2000].geometry.apply(line.project))(gzgeo.to_metric(pts)),
    )
    add(
        "nearest_platforms (k=10)",
        lambda: nearest_platforms(pts, (113.45, 23.17), k=10),
        lambda: (
            gzgeo.to_metric(pts)
            .distance(gpd.GeoSeries.from_xy([113.45], [23.17], crs=4326).to_crs(METRIC).iloc[0])
            .nsmallest(10)
        ),
    )
    add(
        "distance_to_nearest (zones)",
        lambda: distance_to_nearest(pts, zones, "zone"),
        lambda: gpd.sjoin_nearest(gzgeo.to_metric(pts), gzgeo.to_metric(zones)[["geometry"]], distance_col="d"),
    )
    add("kernel_density (2 km, 250 m grid)", lambda: kernel_density(pts, bandwidth_m=2000, cell_m=250))
    add("mean + median centre", lambda: (mean_centre(pts), median_centre(pts)))
    add("standard_deviational_ellipse", lambda: standard_deviational_ellipse(pts))
    add("nearest_neighbour_index", lambda: nearest_neighbour_index(pts))
    add("ripley (250/500/1000 m)", lambda: ripley(pts, [250, 500, 1000]))
    add("hot_spots (1 km grid)", lambda: hot_spots(pts, cell_m=1000))
    eps = 400.0 if n <= 100_000 else 120.0  # keep DBSCAN neighbourhoods (memory) bounded at 1M
    add(f"dbscan_clusters (eps {eps:.0f} m)", lambda: dbscan_clusters(pts, eps_m=eps, min_samples=10))
    if n <= HDBSCAN_MAX:
        add("hdbscan_clusters (min size 50)", lambda: hdbscan_clusters(pts, min_cluster_size=50))
    return rows


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or SIZES
    districts = gzgeo.load("districts")
    zones = _layer("zones", _standin_zones)
    axis = _layer("axis", _standin_axis)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, geopandas {gpd.__version__}, shapely {shapely.__version__}"
    )
    results = []
    for n in sizes:
        t = timed(lambda n=n: synthetic_points(n, seed=0))
        print(f"synthetic_points({n:,}) {t:.2f} s", file=sys.stderr, flush=True)
        results += run(n, districts, zones, axis)
    names = list(dict.fromkeys(r[0] for r in results))
    header = "| operation | " + " | ".join(f"{n:,} pts" for n in sizes) + " | ratio vs geopandas (per size) |"
    print(header)
    print("|" + "---|" * (len(sizes) + 2))
    for name in names:
        cells, ratios = [], []
        for n in sizes:
            hit = [r for r in results if r[0] == name and r[1] == n]
            cells.append(f"{hit[0][2]:.2f} s" if hit else "skipped")
            if hit and hit[0][3] is not None:
                ratios.append(f"x{hit[0][3] / hit[0][2]:.1f}")
        print(f"| {name} | " + " | ".join(cells) + f" | {' / '.join(ratios) or '-'} |")


if __name__ == "__main__":
    main(sys.argv[1:])
