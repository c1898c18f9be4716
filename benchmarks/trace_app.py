"""Timeline of one page open of the app: websocket messages, HTTP requests and the map iframe, in one clock.

Run from the repository root::

    python benchmarks/trace_app.py                      # gzgeo, bundled data, one first visit + 2 warm loads
    python benchmarks/trace_app.py --synthetic 20000    # gzgeo at 20,000 synthetic platforms
    python benchmarks/trace_app.py --peer               # the minimal streamlit-folium app of bench_app.py
    python benchmarks/trace_app.py --loads 3 --all      # every message and request, not only the summary

It serves the app as ``gzgeo app`` does (``streamlit run``, warmed; ``--no-warm``: not) on 127.0.0.1
(``gzgeo.browser.serve_app``), opens it in headless Debian
Chromium and listens through the Chrome DevTools protocol (Network domain): every websocket frame (Streamlit's
``ForwardMsg`` and ``BackMsg``, decoded with Streamlit's own protobuf classes: what each message is and which
element it carries), every request (status, bytes on the wire, whether it came from the cache or was revalidated),
the request for the component's iframe document, and, from the page itself (a ``MutationObserver`` installed
before any script), the moment the ``<iframe>`` element exists. All times are seconds from the navigation request.
The summary line per load says how many script runs the server made (``script_finished`` messages) and what the
browser asked for (``rerun_script`` back messages, with the fragment id when only the map panel runs): a page
open makes one run of the whole app, and at most one of the map panel when the map reports a recentred view.
"All markers" is timed in Python from just before ``page.goto`` (as ``bench_app.py``); the rest in the browser's clock.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

#: Set before any page script: when the streamlit-folium iframe element is created (page clock, ms).
IFRAME_OBSERVER_JS = """
(() => {
  if (window.top !== window) return;
  window.__gzgeoTrace = {iframe: null};
  const seen = () => document.querySelector('iframe[title="streamlit_folium.st_folium"]');
  new MutationObserver((_, obs) => {
    if (seen()) { window.__gzgeoTrace.iframe = performance.now(); obs.disconnect(); }
  }).observe(document, {childList: true, subtree: true});
})();
"""


@dataclass
class Load:
    """What one page open did, times in seconds from the navigation request."""

    events: list[tuple[float, str, str, int]] = field(default_factory=list)  # (t, kind, what, bytes)
    requests: dict[str, dict] = field(default_factory=dict)
    t0: float | None = None
    iframe_element_s: float | None = None
    done_s: float | None = None
    profile: dict | None = None

    def at(self, timestamp: float) -> float:
        return timestamp - (self.t0 if self.t0 is not None else timestamp)


def describe_forward(payload: bytes) -> str:
    """``ForwardMsg`` in a few words: its type and, for a delta, the element or block and its path."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.ParseFromString(payload)
    kind = msg.WhichOneof("type")
    if kind != "delta":
        if kind == "script_finished":
            return f"script_finished({msg.script_finished})"
        if kind == "session_status_changed":
            return f"session_status(running={msg.session_status_changed.script_is_running})"
        return kind or "?"
    delta = msg.delta
    what = delta.WhichOneof("type")
    path = ".".join(str(i) for i in msg.metadata.delta_path)
    if what == "new_element":
        element = delta.new_element.WhichOneof("type")
        if element == "component_instance":
            element += f"[{delta.new_element.component_instance.component_name}]"
        return f"element {element} @{path}"
    if what == "add_block":
        return f"block @{path}"
    return f"{what} @{path}"


def describe_back(payload: bytes) -> str:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.ParseFromString(payload)
    kind = msg.WhichOneof("type")
    if kind == "rerun_script":
        rerun = msg.rerun_script
        widgets = rerun.widget_states.widgets
        fragment = f" fragment={rerun.fragment_id[:12]}" if rerun.fragment_id else ""
        # A component's value (streamlit-folium's map state) says why the browser asked for a run.
        values = [w.json_value[:160] for w in widgets if w.WhichOneof("value") == "json_value" and "{" in w.json_value]
        return f"rerun_script(widgets={len(widgets)}{fragment})" + (f" {values[0]}" if values and fragment else "")
    return kind or "?"


def trace(url: str, loads: int, count_js: str | None, expected: int | None, profile: bool = False) -> list[Load]:
    """Open ``url`` ``loads`` times (the first on a fresh server: the first visitor) and record each load."""
    from playwright.sync_api import sync_playwright

    from gzgeo.browser import launch_chromium

    out = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1500, "height": 1100})  # one HTTP cache for all loads
        context.add_init_script(IFRAME_OBSERVER_JS)
        for _ in range(loads):
            page = context.new_page()
            load = Load()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            if profile:
                cdp.send("Profiler.enable")
                cdp.send("Profiler.setSamplingInterval", {"interval": 500})
                cdp.send("Profiler.start")

            def sent(e, load=load):
                if load.t0 is None and e.get("type") == "Document":
                    load.t0 = e["timestamp"]
                load.requests[e["requestId"]] = {"url": e["request"]["url"], "start": e["timestamp"]}

            def received(e, load=load):
                r = load.requests.setdefault(e["requestId"], {"url": e["response"]["url"], "start": e["timestamp"]})
                resp = e["response"]
                cached = "disk" if resp.get("fromDiskCache") else "memory" if resp.get("fromMemoryCache") else ""
                r.update(
                    status=resp["status"],
                    cached=cached,
                    cache_control=resp.get("headers", {}).get("Cache-Control")
                    or resp.get("headers", {}).get("cache-control", ""),
                    type=e.get("type", ""),
                )

            def finished(e, load=load):
                r = load.requests.get(e["requestId"])
                if r is not None:
                    r.update(end=e["timestamp"], wire=int(e.get("encodedDataLength", 0)))

            def cache_hit(e, load=load):
                r = load.requests.get(e["requestId"])
                if r is not None:
                    r["cached"] = r.get("cached") or "cache"

            def frame(e, direction, load=load):
                data = e["response"]["payloadData"]
                binary = e["response"]["opcode"] == 2
                raw = base64.b64decode(data) if binary else data.encode()
                try:
                    what = (describe_forward if direction == "in" else describe_back)(raw) if binary else "text"
                except Exception as exc:  # noqa: BLE001 - a frame Streamlit's protobuf does not parse: say so
                    what = f"undecoded ({exc.__class__.__name__})"
                load.events.append((e["timestamp"], direction, what, len(raw)))

            cdp.on("Network.requestWillBeSent", sent)
            cdp.on("Network.responseReceived", received)
            cdp.on("Network.loadingFinished", finished)
            cdp.on("Network.requestServedFromCache", cache_hit)
            cdp.on("Network.webSocketFrameReceived", lambda e: frame(e, "in"))
            cdp.on("Network.webSocketFrameSent", lambda e: frame(e, "out"))
            start = time.perf_counter()
            page.goto(url)
            while True:
                done = False
                if count_js is not None:
                    handle = page.query_selector('iframe[title="streamlit_folium.st_folium"]')
                    frame_ = handle.content_frame() if handle else None
                    try:
                        done = frame_ is not None and frame_.evaluate(count_js) == expected
                    except Exception:  # noqa: BLE001 - the frame may be replaced while loading
                        done = False
                if done or time.perf_counter() - start > 120:
                    break
                page.wait_for_timeout(50)
            load.done_s = time.perf_counter() - start
            page.wait_for_timeout(1500)  # anything the page does after the map (a second run would show here)
            iframe_ms = page.evaluate("() => window.__gzgeoTrace && window.__gzgeoTrace.iframe")
            if profile:
                load.profile = cdp.send("Profiler.stop")["profile"]
            if iframe_ms is not None:
                # performance.now() counts from the navigation start, which is the document request's time.
                load.iframe_element_s = iframe_ms / 1000
            page.close()
            out.append(load)
        browser.close()
    return out


def summary(load: Load) -> dict[str, object]:
    ins = [(load.at(t), what, n) for t, d, what, n in load.events if d == "in"]
    outs = [(load.at(t), what, n) for t, d, what, n in load.events if d == "out"]
    runs = [t for t, what, _ in ins if what.startswith("script_finished")]
    map_msg = next((t for t, what, _ in ins if "component_instance[streamlit_folium" in what), None)
    before_map = [n for t, _, n in ins if map_msg is not None and t <= map_msg]
    docs = [r for r in load.requests.values() if "/component/streamlit_folium" in r["url"] and "index.html" in r["url"]]
    statics = [r for r in load.requests.values() if "/app/static/" in r["url"]]
    return {
        "script runs": len(runs),
        "rerun_script sent": sum(1 for _, what, _ in outs if what.startswith("rerun_script")),
        "first message s": ins[0][0] if ins else None,
        "map message s": map_msg,
        "messages before the map": len(before_map),
        "bytes before the map": sum(before_map),
        "map message bytes": next((n for t, w, n in ins if t == map_msg and "component_instance" in w), 0),
        "iframe document requested s": load.at(docs[0]["start"]) if docs else None,
        "iframe element s": load.iframe_element_s,
        "all markers s": load.done_s,
        "requests": len(load.requests),
        "from cache": sum(1 for r in load.requests.values() if r.get("cached")),
        "revalidated (304)": sum(1 for r in load.requests.values() if r.get("status") == 304),
        "bytes on the wire": sum(r.get("wire", 0) for r in load.requests.values()),
        "static requests": len(statics),
        "static bytes on the wire": sum(r.get("wire", 0) for r in statics),
    }


def profile_window(
    load: Load, start_s: float, end_s: float, top: int = 12, by_file: bool = False
) -> list[tuple[str, float]]:
    """Main-thread time (s) per function of the page's JavaScript between two moments (self time, CDP profiler)."""
    prof = load.profile
    if not prof or load.t0 is None:
        return []
    nodes = {n["id"]: n for n in prof["nodes"]}
    spent: dict[str, float] = {}
    t = prof["startTime"] / 1e6
    for node_id, delta in zip(prof["samples"], prof["timeDeltas"], strict=True):
        t += delta / 1e6
        if start_s <= load.at(t) < end_s:
            frame = nodes[node_id]["callFrame"]
            where = frame["url"].rsplit("/", 1)[-1].split("?")[0][:40]
            name = where or frame["functionName"] if by_file else f"{frame['functionName'] or '(anonymous)'} {where}"
            name = name.strip()
            spent[name] = spent.get(name, 0.0) + delta / 1e6
    return sorted(spent.items(), key=lambda kv: -kv[1])[:top]


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def print_load(i: int, load: Load, show_all: bool) -> None:
    label = "first visitor" if i == 0 else f"warm load {i}"
    print(f"\n## {label}")
    for key, value in summary(load).items():
        print(f"- {key}: {_fmt(value)}")
    rows = [(load.at(t), "ws " + ("←" if d == "in" else "→"), what, n) for t, d, what, n in load.events]
    for r in load.requests.values():
        if r["url"].startswith("ws"):
            continue
        name = r["url"].split("//", 1)[-1].split("/", 1)[-1][:90]
        extra = f"{r.get('status', '?')} {r.get('cached', '')} {r.get('cache_control', '')}".strip()
        rows.append((load.at(r["start"]), "http", f"/{name} [{extra}]", r.get("wire", 0)))
        if "end" in r and show_all:
            rows.append((load.at(r["end"]), "http done", f"/{name}", 0))
    if load.iframe_element_s is not None:
        rows.append((load.iframe_element_s, "dom", "streamlit-folium <iframe> created", 0))
    rows.sort(key=lambda row: row[0])
    print("\n| s | kind | what | bytes |\n|---|---|---|---|")
    for t, kind, what, n in rows:
        if show_all or kind != "ws ←" or not what.startswith(("element", "block")) or "component" in what:
            print(f"| {t:.3f} | {kind} | {what} | {n:,} |")
    info = summary(load)
    if load.profile and info["map message s"] is not None:
        end = info["iframe element s"] or info["all markers s"]
        print(f"\nPage main thread between the map message and the iframe ({info['map message s']:.3f}-{end:.3f} s):")
        for name, spent in profile_window(load, info["map message s"], end):
            print(f"- {spent * 1000:.0f} ms {name}")
        print("By script file:")
        for name, spent in profile_window(load, info["map message s"], end, by_file=True):
            print(f"- {spent * 1000:.0f} ms {name}")
    if not show_all:
        elements = [w for _, d, w, _ in load.events if d == "in" and w.startswith(("element", "block"))]
        print(f"\n({len(elements)} element and block messages not listed; --all lists them)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=0, help="synthetic platforms (default: bundled data)")
    parser.add_argument("--peer", action="store_true", help="the minimal streamlit-folium app of bench_app.py")
    parser.add_argument("--loads", type=int, default=3, help="page opens: the first visitor, then warm loads")
    parser.add_argument("--all", action="store_true", help="list every message and request")
    parser.add_argument("--app", default=str(ROOT / "app.py"), help="the app script (default: the repository's)")
    parser.add_argument("--profile", action="store_true", help="sample the page's JavaScript (CDP profiler)")
    parser.add_argument("--no-warm", action="store_true", help="plain `streamlit run`: the first visitor runs it cold")
    args = parser.parse_args()

    from bench_app import PEER_COUNT_JS, serve_peer

    import gzgeo
    from gzgeo.browser import COUNT_MARKERS_JS, serve_app
    from gzgeo.filters import synthetic_platforms

    if args.peer:
        n = args.synthetic or 20_000
        with serve_peer(n, not args.no_warm) as url:
            loads = trace(url, args.loads, PEER_COUNT_JS, n, args.profile)
    else:
        shown = synthetic_platforms(args.synthetic, seed=0) if args.synthetic else gzgeo.load("platforms")
        expected = int((shown["location_precision"] != "district").sum())
        env = {"GZGEO_SYNTHETIC_PLATFORMS": str(args.synthetic)}
        with serve_app(args.app, os.devnull, env=env, warm=not args.no_warm) as url:
            loads = trace(url, args.loads, COUNT_MARKERS_JS, expected, args.profile)
    shown = f"{n:,} synthetic" if args.peer else f"{args.synthetic:,} synthetic" if args.synthetic else "bundled"
    print(f"# {'minimal streamlit-folium app' if args.peer else 'gzgeo app'}, {shown} platforms")
    for i, load in enumerate(loads):
        print_load(i, load, args.all)


if __name__ == "__main__":
    main()
