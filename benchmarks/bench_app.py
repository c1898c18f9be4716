"""Speed of the Streamlit app: server time per filter change, map payload, browser load.

Run from the repository root::

    python benchmarks/bench_app.py              # bundled data and 20,000 synthetic platforms
    python benchmarks/bench_app.py --no-browser # server side only
    python benchmarks/bench_app.py --split      # where a change to a new category goes
    python benchmarks/trace_app.py              # the timeline of a page open (messages, requests, the iframe)

Server time is measured with Streamlit's ``AppTest``: the wall time of one
script run after a widget change (what the server spends before the browser
gets the new map), the script compiled once as a server does (``--recompile``: AppTest's own way, a
compile per run). The first run of each scenario (cold caches) is reported
separately; filter changes are then timed ``--repeat`` times and the median
and maximum printed. The browser part starts ``streamlit run app.py`` on
127.0.0.1, opens it in headless Chromium and times page load → every marker
in the map's cluster layers, and the minimal streamlit-folium app's page open
(``PEER_APP``) in the same browser.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

import gzgeo  # noqa: E402
from gzgeo.i18n import t  # noqa: E402


def _timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return elapsed


@contextlib.contextmanager
def server_script_cache(enabled: bool = True) -> Iterator[None]:
    """AppTest runs compiling each script once, as ``streamlit run`` does (one ``ScriptCache`` per server).

    ``AppTest`` gives every run a new ``ScriptCache``, so each run compiles the script again (``app.py``: ≈ 8-15 ms
    here, the minimal app's script: < 1 ms); a server compiles it once and keeps the bytecode until the file
    changes. Shared by both apps of a comparison (it is keyed by script path). ``--recompile`` keeps AppTest's way.
    """
    import streamlit.testing.v1.local_script_runner as local_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    if not enabled:
        yield
        return
    shared = ScriptCache()
    original = local_runner.ScriptCache
    local_runner.ScriptCache = lambda: shared
    try:
        yield
    finally:
        local_runner.ScriptCache = original


def _compile_s(text: str, repeat: int = 5) -> float:
    # What AppTest adds to each script run and a server does not: streamlit's ScriptCache is new per AppTest run.
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        compile(text, "app.py", "exec")
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _map_bytes(at: AppTest) -> int:
    component = next(c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium"))
    return len(json.loads(component.proto.json_args)["script"].encode("utf-8"))


def _categories(synthetic: int) -> list[str]:
    from gzgeo.filters import synthetic_platforms

    platforms = synthetic_platforms(synthetic, seed=0) if synthetic else gzgeo.load("platforms")
    return sorted(set(platforms["category"]))


def _clear_caches() -> None:
    # AppTest runs in this process: without this, a second scenario would find the first one's cached maps.
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _change(i: int, categories: list[str]) -> list[str]:
    # Even steps narrow to a category not chosen before (a map never built), odd steps go back to all platforms
    # (a map built before: the app keeps rendered maps, the peer redraws all of them).
    return [categories[(i // 2) % len(categories)]] if i % 2 == 0 else []


def _split(changes: list[float]) -> dict[str, float]:
    new, back = changes[0::2], changes[1::2] or changes[0::2]
    return {
        "filter_median_s": statistics.median(changes),
        "filter_max_s": max(changes),
        "filter_new_s": statistics.median(new),
        "filter_back_s": statistics.median(back),
    }


def server_side(synthetic: int, repeat: int) -> dict[str, object]:
    _clear_caches()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    # The app takes the synthetic size from the environment (or its sidebar), never from the URL.
    os.environ["GZGEO_SYNTHETIC_PLATFORMS"] = str(synthetic)
    cold = _timed_run(at)
    warm = _timed_run(at)
    category_box = next(m for m in at.sidebar.multiselect if m.label == t("category", "zh"))
    # The box shows labels with counts ("国家实验室及基地 (1300)"); its values are category ids. (Before issue 10's
    # second round the script set labels, which the app dropped as unknown: its "filter changes" changed nothing.)
    categories = _categories(synthetic)
    changes = []
    for i in range(repeat):
        wanted = _change(i, categories)
        category_box.set_value(wanted)
        changes.append(_timed_run(at))
        category_box = next(m for m in at.sidebar.multiselect if m.label == t("category", "zh"))
        if list(category_box.value) != wanted:
            raise RuntimeError(f"the category filter did not take {wanted}: {category_box.value}")
    category_box.set_value([])
    _timed_run(at)
    return {
        "platforms": synthetic or len(gzgeo.load("platforms")),
        "cold_s": cold,
        "rerun_s": warm,
        **_split(changes),
        "map_script_MB": _map_bytes(at) / 1e6,
    }


# The peer: a minimal streamlit-folium app drawing the same platforms with one FastMarkerCluster, filtered by
# the same category box. What a plain app spends per filter change.
PEER_APP = """
import os

import folium
import streamlit as st
from folium.plugins import FastMarkerCluster
from streamlit_folium import st_folium

from gzgeo.filters import synthetic_platforms


@st.cache_resource
def platforms(n):
    return synthetic_platforms(n, seed=0)


data = platforms(int(st.query_params.get("synthetic", "20000")))
chosen = st.sidebar.multiselect("category", sorted(data["category"].unique()))
subset = data[data["category"].isin(chosen)] if chosen else data
m = folium.Map(location=[23.12, 113.42], zoom_start=10, tiles=None, maxZoom=19)
FastMarkerCluster(list(zip(subset.geometry.y.round(6), subset.geometry.x.round(6)))).add_to(m)
if os.environ.get("GZGEO_PEER_STATIC"):
    # In the browser: Leaflet and the plugin from the app's static folder, offline as gzgeo's app (a few ms).
    from gzgeo.offline import localize

    localize(m, mode="static")
st_folium(m, key="map", height=620, returned_objects=[])
"""


def paired_server_side(synthetic: int, repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    """The gzgeo app and the minimal app changed in turn, change by change, in one process.

    On a machine shared with other jobs the load moves within a minute; timing the two apps one after the other
    (as before issue 10's fifth round) let it fall on one of them. Returns (gzgeo, minimal) as the two functions
    above, less the first-run figures.
    """
    import tempfile

    _clear_caches()
    os.environ["GZGEO_SYNTHETIC_PLATFORMS"] = str(synthetic)
    categories = _categories(synthetic)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "peer_app.py"
        script.write_text(PEER_APP, encoding="utf-8")
        ours = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        peer = AppTest.from_file(str(script), default_timeout=600)
        peer.query_params["synthetic"] = str(synthetic)
        boxes = {
            "ours": lambda: next(m for m in ours.sidebar.multiselect if m.label == t("category", "zh")),
            "peer": lambda: peer.sidebar.multiselect[0],
        }
        reruns, changes = {}, {"ours": [], "peer": []}
        for name, at in (("ours", ours), ("peer", peer)):
            _timed_run(at)
            reruns[name] = _timed_run(at)
        for i in range(repeat):
            wanted = _change(i, categories)
            for name, at in (("ours", ours), ("peer", peer)):
                boxes[name]().set_value(wanted)
                changes[name].append(_timed_run(at))
                if list(boxes[name]().value) != wanted:
                    raise RuntimeError(f"{name}: the category filter did not take {wanted}")
    return tuple({"rerun_s": reruns[name], **_split(changes[name])} for name in ("ours", "peer"))


#: JavaScript for ``frame.evaluate``: markers in the peer's FastMarkerCluster, or -1 before it exists.
PEER_COUNT_JS = """() => {
    if (!window.L || !L.MarkerClusterGroup || !(window.map instanceof L.Map)) return -1;
    let n = -1;
    window.map.eachLayer(l => { if (l instanceof L.MarkerClusterGroup) n = l.getLayers().length; });
    return n;
}"""


#: Set in every frame before its scripts (Playwright init script). In the map's frame it checks every 10 ms for
#: Leaflet's container and for COUNT giving EXPECTED and notes when, in the page's own clock (ms since the top
#: page's navigation started); the top page notes Streamlit's first element and the map's iframe. No round trip
#: to Python decides a time (polling from Python added up to ≈ 0.1-0.5 s under load, more than what is measured).
_CLOCK_JS = """
(() => {
  const top = window.top;
  const now = () => performance.timeOrigin + performance.now() - top.performance.timeOrigin;
  const times = top.__gzgeoTimes = top.__gzgeoTimes || {};
  if (window === top) {
    new MutationObserver(() => {
      const first = '[data-testid="stElementContainer"]';
      if (times.first === undefined && document.querySelector(first)) times.first = now();
      const frame = 'iframe[title="streamlit_folium.st_folium"]';
      if (times.iframe === undefined && document.querySelector(frame)) times.iframe = now();
    }).observe(document, {childList: true, subtree: true});
    return;
  }
  const count = (COUNT);
  const timer = setInterval(() => {
    if (times.map === undefined && document.querySelector(".leaflet-container")) times.map = now();
    let n = -1;
    try { n = count(); } catch (e) { /* still loading */ }
    if (n === EXPECTED) { times.markers = now(); clearInterval(timer); }
  }, 10);
})();
"""


def _page_loads(url: str, count_js: str, expected: int, repeat: int) -> dict[str, float]:
    """Open ``url`` ``repeat + 1`` times in one headless Chromium and time the load, in the browser's clock.

    Seconds from the navigation's start until the first element of Streamlit's page, the streamlit-folium iframe,
    the map in it (Leaflet's container: the map and its fixed layers are drawn, as the browser tests wait for
    it), and ``count_js`` in it giving ``expected`` (every platform in the map's layers).
    """
    from playwright.sync_api import sync_playwright

    from gzgeo.browser import launch_chromium

    script = _CLOCK_JS.replace("COUNT", count_js).replace("EXPECTED", str(int(expected)))
    runs: list[dict[str, float]] = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        # One browser context: its HTTP cache is the visitor's. The first load is a first visitor (empty cache, a
        # server just started), the others come back. (Until issue 10's seventh round every load had a new
        # context, so "warm" loads had a warm server but an empty browser cache.)
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        context.add_init_script(script)
        for _ in range(repeat + 1):
            page = context.new_page()
            page.goto(url)
            page.wait_for_function(
                "() => window.__gzgeoTimes && window.__gzgeoTimes.markers !== undefined", timeout=120_000, polling=200
            )
            times = page.evaluate("() => window.__gzgeoTimes")
            runs.append({k: times.get(k, times["markers"]) / 1000 for k in ("first", "iframe", "map", "markers")})
            page.close()
        browser.close()
    warm = runs[1:]
    return {
        "page_to_markers_median_s": statistics.median(r["markers"] for r in warm),
        "first_visitor_s": runs[0]["markers"],
        "first_element_median_s": statistics.median(r["first"] for r in warm),
        "iframe_median_s": statistics.median(r["iframe"] for r in warm),
        "map_median_s": statistics.median(r["map"] for r in warm),
        "first_visitor_map_s": runs[0]["map"],
    }


def browser_side(synthetic: int, repeat: int, warm: bool = True) -> dict[str, object]:
    from gzgeo.browser import COUNT_MARKERS_JS, serve_app
    from gzgeo.filters import synthetic_platforms

    env = {"GZGEO_SYNTHETIC_PLATFORMS": str(synthetic)}
    with serve_app(ROOT / "app.py", os.devnull, env=env, warm=warm) as url:
        shown = synthetic_platforms(synthetic, seed=0) if synthetic else gzgeo.load("platforms")
        # District-only platforms are count badges, not markers; the timing is to the last marker.
        expected = int((shown["location_precision"] != "district").sum())
        return {"platforms": expected, **_page_loads(url, COUNT_MARKERS_JS, expected, repeat)}


@contextlib.contextmanager
def serve_peer(synthetic: int, warm: bool = True) -> Iterator[str]:
    """Serve the minimal app as gzgeo's is served (``gzgeo app``'s way, static folder); yield its page's URL."""
    import tempfile

    from gzgeo.browser import serve_app
    from gzgeo.offline import write_static_assets

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "peer_app.py"
        script.write_text(PEER_APP, encoding="utf-8")
        write_static_assets(Path(tmp) / "static" / "vendor")
        (Path(tmp) / ".streamlit").mkdir()
        # gzgeo's own Streamlit settings (static serving, no magic, minimal toolbar): the same frontend work.
        (Path(tmp) / ".streamlit" / "config.toml").write_text(
            (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        env = {"GZGEO_PEER_STATIC": "1", "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        # Warmed with its default size (20,000), the size every benchmark run opens it with.
        with serve_app(script, os.devnull, env=env, warm=warm) as url:
            yield f"{url}/?synthetic={synthetic}"


def peer_browser_side(synthetic: int, repeat: int, warm: bool = True) -> dict[str, object]:
    """The minimal app's page open, served and timed as gzgeo's (same browser, machine and run)."""
    with serve_peer(synthetic, warm) as url:
        return {"platforms": synthetic, **_page_loads(url, PEER_COUNT_JS, synthetic, repeat)}


def split_side(synthetic: int, repeat: int) -> dict[str, float]:
    """Median ms per change to a new category spent in each named step (wrapped in this process, as AppTest runs).

    The steps: compiling the script (AppTest only), filtering, facet counts, building the map (the skeleton is
    cached: the spliced layers), handing it to the component (``show_map``: its key hash and JSON).
    """
    from collections import defaultdict

    import streamlit.runtime.scriptrunner.script_cache as script_cache

    import gzgeo.filters
    import gzgeo.stmap
    import gzgeo.stskeleton

    spent: dict[str, float] = defaultdict(float)
    steps = {
        "script bytecode (compile)": (script_cache.ScriptCache, "get_bytecode"),
        "filter": (gzgeo.filters, "filter_platforms"),
        "facet counts": (gzgeo.filters, "facet_counts"),
        "map (spliced)": (gzgeo.stskeleton, "splice_map"),
        "to the component": (gzgeo.stmap, "show_map"),
    }
    originals = {label: getattr(owner, name) for label, (owner, name) in steps.items()}

    def timed(label, func):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - start

        return wrapper

    for label, (owner, name) in steps.items():
        setattr(owner, name, timed(label, originals[label]))
    try:
        _clear_caches()
        os.environ["GZGEO_SYNTHETIC_PLATFORMS"] = str(synthetic)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        _timed_run(at)
        _timed_run(at)
        categories = _categories(synthetic)
        rows: dict[str, list[float]] = defaultdict(list)
        for i in range(2 * repeat):
            next(m for m in at.sidebar.multiselect if m.label == t("category", "zh")).set_value(_change(i, categories))
            spent.clear()
            total = _timed_run(at)
            if i % 2 == 0:  # a new category
                rows["whole run"].append(total)
                for label in steps:
                    rows[label].append(spent[label])
    finally:
        for label, (owner, name) in steps.items():
            setattr(owner, name, originals[label])
    return {label: 1000 * statistics.median(values) for label, values in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=20_000, help="size of the stress scenario")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--split", action="store_true", help="only: where a change to a new category goes, ms")
    parser.add_argument(
        "--recompile", action="store_true", help="AppTest's way: compile the script on every run (a server does not)"
    )
    parser.add_argument(
        "--no-warm", action="store_true", help="serve as plain `streamlit run` (the first visitor runs the app cold)"
    )
    args = parser.parse_args()
    with server_script_cache(not args.recompile):
        _main(args)


def _main(args: argparse.Namespace) -> None:
    if args.split:
        print(f"| {args.synthetic:,} platforms, change to a new category | median ms |")
        print("|---|---|")
        for label, ms in split_side(args.synthetic, args.repeat).items():
            print(f"| {label} | {ms:.1f} |")
        return
    print("| scenario | platforms | cold first run s | rerun s | filter change median s | max s | map script MB |")
    print("|---|---|---|---|---|---|---|")
    for synthetic in (0, args.synthetic):
        r = server_side(synthetic, args.repeat)
        label = "bundled data" if not synthetic else "synthetic"
        print(
            f"| {label} | {r['platforms']:,} | {r['cold_s']:.2f} | {r['rerun_s']:.2f} | "
            f"{r['filter_median_s']:.2f} | {r['filter_max_s']:.2f} | {r['map_script_MB']:.2f} |",
            flush=True,
        )
    print()
    # The two apps in turn, change by change (since issue 10's fifth round; before, one after the other).
    ours, peer = paired_server_side(args.synthetic, args.repeat)
    print(f"| {args.synthetic:,} platforms, server time | gzgeo app | minimal streamlit-folium app | ratio |")
    print("|---|---|---|---|")
    for key, label in (
        ("filter_new_s", "filter change to a new category, median s"),
        ("filter_back_s", "filter change back to all platforms, median s"),
        ("filter_median_s", "filter change, all, median s"),
        ("filter_max_s", "filter change, max s"),
        ("rerun_s", "rerun with nothing changed, s"),
    ):
        print(f"| {label} | {ours[key]:.2f} | {peer[key]:.2f} | {ours[key] / peer[key]:.1f} |", flush=True)
    # AppTest compiles the script on every run (a new ScriptCache per run); `streamlit run` compiles it once.
    scripts = {"app": (ROOT / "app.py").read_text(encoding="utf-8"), "peer": PEER_APP}
    compiled = {name: _compile_s(text) for name, text in scripts.items()}
    where = "included above (--recompile)" if args.recompile else "not included above: a server compiles once"
    print(
        f"| compiling the script per run (AppTest only; {where}), s | {compiled['app']:.3f} | "
        f"{compiled['peer']:.3f} | |",
        flush=True,
    )
    if not args.no_browser:
        print()
        print(
            "| app, scenario | markers | page load → first map, warm median s | first visitor, first map s | "
            "page load → all markers, warm median s | first visitor s | first element, warm s | map iframe, warm s |"
        )
        print("|---|---|---|---|---|---|---|---|")
        loads = max(3, args.repeat // 2)
        for label, r in (
            ("gzgeo, bundled data", browser_side(0, loads, not args.no_warm)),
            ("gzgeo, synthetic", browser_side(args.synthetic, loads, not args.no_warm)),
            ("minimal streamlit-folium app, synthetic", peer_browser_side(args.synthetic, loads, not args.no_warm)),
        ):
            print(
                f"| {label} | {r['platforms']:,} | {r['map_median_s']:.2f} | {r['first_visitor_map_s']:.2f} | "
                f"{r['page_to_markers_median_s']:.2f} | {r['first_visitor_s']:.2f} | "
                f"{r['first_element_median_s']:.2f} | {r['iframe_median_s']:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
