"""Speed of the platform map, the datum inverse and the import, each against a plain peer in the same run.

Run from the repository root::

    python benchmarks/bench_map.py                  # 100,000 synthetic platforms
    python benchmarks/bench_map.py --n 20000 --repeat 5

Map: the same synthetic platforms (:func:`gzgeo.filters.synthetic_platforms`) go
through ``gzgeo.layout_map`` and through a plain folium map with one
``FastMarkerCluster`` of their ``[lat, lon]`` rows (no popups, no other layers);
both are made offline with :func:`gzgeo.offline.localize` (assets inline),
written to a file and opened in headless Debian Chromium. Timed: the Python
build (map object + rendered HTML), the page size, page load until the first
cluster badge is in the page, and the JS heap after load (garbage collected
first). Inverse: GCJ-02 -> WGS-84 on one million points in Guangzhou against
the common one-step inverse ``2 g - f(g)`` written plainly in numpy; BD-09
likewise (closed-form BD-09 -> GCJ-02, then one step). Import: ``import gzgeo``
against ``import geopandas``, each in a fresh interpreter. Every figure is the
median of ``--repeat`` runs; ratios are gzgeo / peer (< 1: gzgeo is faster or smaller).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- the peers, written as the common implementations write them -------------------------------------------


def _peer_offset(lon, lat):
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * np.pi
    magic = 1 - ee * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (a / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def peer_gcj02_to_wgs84(lon, lat):
    """The common one-step inverse (coordTransform, eviltransform.gcj2wgs), vectorised."""
    dlon, dlat = _peer_offset(lon, lat)
    return lon - dlon, lat - dlat


def peer_bd09_to_wgs84(lon, lat):
    x_pi = np.pi * 3000.0 / 180.0
    x, y = lon - 0.0065, lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * x_pi)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * x_pi)
    return peer_gcj02_to_wgs84(z * np.cos(theta), z * np.sin(theta))


def peer_map(platforms):
    import folium
    from folium.plugins import FastMarkerCluster

    from gzgeo.offline import localize

    # Marker clustering needs a max zoom, which no tile layer sets here (as in layout_map).
    m = folium.Map(location=[23.12, 113.42], zoom_start=10, tiles=None, maxZoom=19)
    rows = np.column_stack([platforms.geometry.y.round(6), platforms.geometry.x.round(6)]).tolist()
    FastMarkerCluster(rows).add_to(m)
    return localize(m).get_root().render()


def gzgeo_map(platforms):
    from gzgeo.maps import layout_map

    return layout_map(platforms=platforms).get_root().render()


# --- measurements --------------------------------------------------------------------------------------------


def bench_inverse(repeat: int) -> list[tuple[str, float, float, float]]:
    from gzgeo.crs import convert, in_china

    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(112.95, 114.06, 1_000_000), rng.uniform(22.5, 23.95, 1_000_000)
    gcj = convert(lon, lat, "wgs84", "gcj02")
    bd = convert(lon, lat, "wgs84", "bd09")
    out = []
    for label, given, ours, peer in [
        ("GCJ-02 -> WGS-84", gcj, lambda: convert(*gcj, "gcj02", "wgs84"), lambda: peer_gcj02_to_wgs84(*gcj)),
        ("BD-09 -> WGS-84", bd, lambda: convert(*bd, "bd09", "wgs84"), lambda: peer_bd09_to_wgs84(*bd)),
    ]:
        t_ours, t_peer = _median_time(ours, repeat), _median_time(peer, repeat)
        src = "gcj02" if label.startswith("GCJ") else "bd09"
        back = convert(*given, src, "wgs84")
        # Where GCJ-02 applies on both sides of the shift (Hong Kong and the border band pass through unchanged).
        inside = in_china(lon, lat) & in_china(*gcj)
        err = np.hypot((back[0] - lon) * 111320 * np.cos(np.radians(lat)), (back[1] - lat) * 110574)[inside].max()
        out.append((label, t_ours, t_peer, float(err)))
    return out


def bench_import(repeat: int) -> tuple[float, float]:
    def timed(module: str) -> float:
        code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
                ).stdout
            )
            for _ in range(repeat)
        ]
        return statistics.median(runs)

    return timed("gzgeo"), timed("geopandas")


def bench_browser(paths: dict[str, Path], selectors: dict[str, str], repeat: int) -> dict[str, tuple[float, float]]:
    from playwright.sync_api import sync_playwright

    from gzgeo.browser import launch_chromium

    out = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for key, path in paths.items():
            loads, heaps = [], []
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                cdp = page.context.new_cdp_session(page)
                start = time.perf_counter()
                page.goto(path.as_uri(), wait_until="commit")
                page.wait_for_selector(selectors[key], state="attached", timeout=300_000)
                loads.append(time.perf_counter() - start)
                page.wait_for_timeout(500)  # let the last chunks settle before weighing the heap
                cdp.send("HeapProfiler.enable")
                cdp.send("HeapProfiler.collectGarbage")
                heaps.append(cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6)
                page.close()
            out[key] = (statistics.median(loads), statistics.median(heaps))
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic platforms on the map")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    from gzgeo.filters import synthetic_platforms

    platforms = synthetic_platforms(args.n, seed=0)
    html_ours, html_peer = gzgeo_map(platforms), peer_map(platforms)
    build_ours = _median_time(lambda: gzgeo_map(platforms), args.repeat)
    build_peer = _median_time(lambda: peer_map(platforms), args.repeat)
    rows = [("Python build of the map, s", build_ours, build_peer)]
    rows.append(("page size, MB", len(html_ours.encode()) / 1e6, len(html_peer.encode()) / 1e6))
    if not args.no_browser:
        with tempfile.TemporaryDirectory() as tmp:
            paths = {"ours": Path(tmp) / "gzgeo.html", "peer": Path(tmp) / "peer.html"}
            paths["ours"].write_text(html_ours, encoding="utf-8")
            paths["peer"].write_text(html_peer, encoding="utf-8")
            res = bench_browser(paths, {"ours": ".gzgeo-cluster", "peer": ".marker-cluster"}, args.repeat)
        rows.append(("browser load until clusters show, s", res["ours"][0], res["peer"][0]))
        rows.append(("JS heap after load, MB", res["ours"][1], res["peer"][1]))
    print(f"| measure ({args.n:,} platforms unless stated) | gzgeo | peer | ratio |")
    print("|---|---|---|---|")
    for label, ours, peer in rows:
        print(f"| {label} | {ours:.2f} | {peer:.2f} | {ours / peer:.2f} |", flush=True)
    for label, ours, peer, err in bench_inverse(args.repeat):
        print(
            f"| {label}, 1M points, s (max error {err * 100:.3f} cm; one-step peer ≈2.7 m) | {ours:.3f} | "
            f"{peer:.3f} | {ours / peer:.2f} |",
            flush=True,
        )
    ours, peer = bench_import(max(args.repeat, 3))
    print(f"| `import gzgeo` vs `import geopandas`, s | {ours:.2f} | {peer:.2f} | {ours / peer:.2f} |")


if __name__ == "__main__":
    main()
