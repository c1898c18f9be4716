"""Per-filter library work of the app: what a change to a new category costs, step by step, before and after.

Run from the repository root::

    python benchmarks/bench_filters.py                       # this tree, 20,000 synthetic platforms
    python benchmarks/bench_filters.py --against main        # and another revision's gzgeo, same run, same data
    python benchmarks/bench_filters.py --n 50000 --repeat 5

For every category of :func:`gzgeo.filters.synthetic_platforms` (a filter to one category, as the app's benchmark
changes it; the steps are those of ``bench_app.py --split``), outside Streamlit, median ms over the categories
and ``--repeat`` rounds:

- *filter*: :func:`gzgeo.filters.filter_platforms` on the prepared frame;
- *facet counts*: :func:`gzgeo.filters.facet_counts` of every facet on the prepared frame under the filter;
- *payload*: :func:`gzgeo.pointlayer.platform_payload` of the filtered platforms with a point (≈ 1,100), as the
  map's layers get them (before: a new frame of those rows; now: the filtered frame and a mask);
- *district badges*: :func:`gzgeo.orientation.add_district_badges` (with ``district_counts``) on a holder map;
- *legend*: :func:`gzgeo.webmap.legend_html`;
- *map (spliced)*: :func:`gzgeo.stskeleton.splice_map` of the filtered layers on a cached skeleton (the app's
  map step: payload, badges and legend included, with folium's and streamlit-folium's rendering).

``--against REV`` exports REV's ``gzgeo/`` (``git archive``) to a temporary folder and times it in a child
process on this tree's data (``GZGEO_HOME``), on the same machine in the same run; the two columns alternate per
round so that a change in the machine's load falls on both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("filter", "facet counts", "payload", "district badges", "legend", "map (spliced)")


def _setup(n: int):
    import folium

    from gzgeo.filters import PlatformFilter, prepare_platforms, synthetic_platforms
    from gzgeo.offline import localize
    from gzgeo.stskeleton import map_skeleton
    from gzgeo.webmap import layout_base

    prepared = prepare_platforms(synthetic_platforms(n, seed=0))
    categories = sorted(set(prepared["category"]))
    skeleton = map_skeleton(localize(layout_base(lang="zh", draw=True), mode="static"))
    folium.Map(tiles=None)  # imports and first-use costs out of the timed steps
    return prepared, [PlatformFilter(category=(c,)) for c in categories], skeleton


def _round(prepared, filters, skeleton) -> dict[str, list[float]]:
    """One pass over the categories; each step timed on its own, in the app's order."""
    import folium

    from gzgeo.filters import facet_counts, filter_platforms
    from gzgeo.offline import localize
    from gzgeo.orientation import add_district_badges, district_only
    from gzgeo.pointlayer import platform_payload
    from gzgeo.stskeleton import splice_map
    from gzgeo.style import category_colors
    from gzgeo.webmap import DEFAULT_LAYERS, add_layout_layers, legend_html

    try:  # since issue 10's seventh round the map's layers take the located rows by mask, not as a new frame
        from gzgeo.pointlayer import _payload

        def located_payload(frame, lang, datum, order):
            return _payload(frame, ~district_only(frame).to_numpy(), lang, datum, order)

    except ImportError:  # before: a new frame of the located platforms (as webmap.assembly._add_platforms did)

        def located_payload(frame, lang, datum, order):
            return platform_payload(frame[~district_only(frame)], lang, datum, order=order)

    colors = category_colors()
    spent: dict[str, list[float]] = {step: [] for step in STEPS}

    def timed(step, func, *args, **kwargs):
        start = time.perf_counter()
        out = func(*args, **kwargs)
        spent[step].append(1000 * (time.perf_counter() - start))
        return out

    for flt in filters:
        # A fresh copy per filter would be a new frame (its index built again): the app keeps one prepared frame.
        subset = timed("filter", filter_platforms, prepared, flt)
        timed("facet counts", facet_counts, prepared, flt)
        timed("payload", located_payload, subset, "zh", "wgs84", list(colors))
        badges = timed("district badges", add_district_badges, folium.Map(tiles=None), subset, lang="zh")
        timed("legend", legend_html, subset, "zh", colors, badges)

        def add(holder, subset=subset):
            add_layout_layers(holder, DEFAULT_LAYERS, subset, lang="zh", basemap="none")
            return localize(holder, mode="static")

        timed("map (spliced)", splice_map, skeleton, add)
    return spent


def _child(n: int, repeat: int) -> None:
    """Timed rounds for the parent process: one JSON line per round (read from stdin: one line per go)."""
    state = _setup(n)
    print(json.dumps({"ready": True}), flush=True)
    for _ in range(repeat + 1):  # the first round warms up
        sys.stdin.readline()
        print(json.dumps(_round(*state)), flush=True)


def _start(tree: Path, n: int, repeat: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(tree), "GZGEO_HOME": str(ROOT)}
    args = [sys.executable, str(Path(__file__).resolve()), "--child", "--n", str(n), "--repeat", str(repeat)]
    proc = subprocess.Popen(args, env=env, cwd=str(tree), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert json.loads(proc.stdout.readline()).get("ready")
    return proc


def _go(proc: subprocess.Popen) -> dict[str, list[float]]:
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="synthetic platforms")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over every category")
    parser.add_argument("--against", metavar="REV", help="also time this git revision's gzgeo (e.g. main)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.n, args.repeat)
        return
    trees = {"this tree": ROOT}
    with tempfile.TemporaryDirectory() as tmp:
        if args.against:
            archive = subprocess.run(
                ["git", "archive", args.against, "gzgeo"], cwd=ROOT, check=True, capture_output=True
            ).stdout
            other = Path(tmp) / "tree"
            other.mkdir()
            with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
                tar.extractall(other, filter="data")
            trees = {args.against: other, **trees}
        procs = {label: _start(tree, args.n, args.repeat) for label, tree in trees.items()}
        results: dict[str, dict[str, list[float]]] = {label: {s: [] for s in STEPS} for label in trees}
        for i in range(args.repeat + 1):
            for label, proc in procs.items():  # in turn, round by round
                spent = _go(proc)
                if i:
                    for step in STEPS:
                        results[label][step] += spent[step]
        for proc in procs.values():
            proc.stdin.close()
            proc.wait()
    labels = list(trees)
    print(f"{args.n:,} synthetic platforms, a filter to one category (median ms over categories × {args.repeat})")
    print(f"{'step':<18}" + "".join(f"{label:>14}" for label in labels) + ("       ratio" if len(labels) == 2 else ""))
    for step in STEPS:
        medians = [statistics.median(results[label][step]) for label in labels]
        ratio = f"{medians[0] / medians[1]:>11.1f}×" if len(labels) == 2 and medians[1] else ""
        print(f"{step:<18}" + "".join(f"{m:>14.2f}" for m in medians) + ratio)
    library = [s for s in STEPS if s != "map (spliced)"]
    totals = [sum(statistics.median(results[label][s]) for s in library) for label in labels]
    ratio = f"{totals[0] / totals[1]:>11.1f}×" if len(labels) == 2 and totals[1] else ""
    print(f"{'sum of the five':<18}" + "".join(f"{m:>14.2f}" for m in totals) + ratio)


if __name__ == "__main__":
    main()
