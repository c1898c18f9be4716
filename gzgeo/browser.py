"""Headless Chromium for snapshots and browser tests, without downloading a browser.

gzgeo drives Debian's ``chromium`` package through Playwright (PyPI); it never
runs ``playwright install``. The flags keep Chromium from reaching for the
network on its own (updates, sync, QUIC probes), so an offline page stays offline.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

from .serve import streamlit_command, wait_healthy, warm_up

__all__ = ["CHROMIUM_ARGS", "COUNT_MARKERS_JS", "DRAWN_MARKERS_JS", "find_chromium", "launch_chromium", "serve_app"]

CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
)

# The Leaflet maps of a page: streamlit-folium's ``window.map``, else every L.Map in a global (standalone HTML).
_MAPS_JS = """const maps = () => {
        if (window.map instanceof L.Map) return [window.map];
        const found = [];
        for (const key of Object.keys(window)) {
            try { if (window[key] instanceof L.Map) found.push(window[key]); } catch (e) { /* cross-origin */ }
        }
        return found;
    };"""

#: JavaScript for ``frame.evaluate``: how many platforms the map's platform layers hold (clustered or not,
#: in view or not), or -1 before Leaflet, the map and every layer's decoded data exist.
COUNT_MARKERS_JS = """() => {
    if (!window.L || !window.gzgeoPlatforms) return -1;
    MAPS
    let n = 0, layers = 0;
    for (const m of maps()) m.eachLayer(l => {
        if (l.gzgeoPlatforms) { layers++; n = l.size() < 0 || n < 0 ? -1 : n + l.size(); }
    });
    return layers ? n : -1;
}""".replace("MAPS", _MAPS_JS)

#: JavaScript for ``frame.evaluate``: what the platform layers draw now, summed over the layers switched on:
#: ``{layers, size, clusters, clustered, points}`` (cluster badges, platforms counted in them, single
#: markers), or null before the data are decoded.
DRAWN_MARKERS_JS = """() => {
    if (!window.L || !window.gzgeoPlatforms) return null;
    MAPS
    const out = {layers: 0, size: 0, clusters: 0, clustered: 0, points: 0};
    let ready = true;
    for (const m of maps()) m.eachLayer(l => {
        if (!l.gzgeoPlatforms) return;
        if (l.size() < 0) { ready = false; return; }
        const d = l.drawn();
        out.layers++; out.size += l.size(); out.clusters += d.clusters; out.clustered += d.clustered;
        out.points += d.points;
    });
    return ready && out.layers ? out : null;
}""".replace("MAPS", _MAPS_JS)


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None.

    ``GZGEO_CHROMIUM`` overrides the search; otherwise Debian's
    ``/usr/bin/chromium`` and then ``chromium``/``chromium-browser``/
    ``google-chrome`` on ``PATH``.

    Examples
    --------
    >>> path = find_chromium()
    >>> path is None or Path(path).exists()
    True
    """
    env = os.environ.get("GZGEO_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name) if not name.startswith("/") else (name if Path(name).exists() else None)
        if found:
            return found
    return None


def launch_chromium(playwright, **kwargs):
    """Launch headless Chromium from a running ``sync_playwright()`` context.

    Parameters
    ----------
    playwright : playwright.sync_api.Playwright
    **kwargs
        Passed to ``playwright.chromium.launch``.

    Raises
    ------
    RuntimeError
        If no Chromium is installed (``apt-get install chromium``).
    """
    path = find_chromium()
    if path is None:
        raise RuntimeError("Chromium not found: install Debian's 'chromium' package or set GZGEO_CHROMIUM")
    args = list(CHROMIUM_ARGS) + list(kwargs.pop("args", []))
    return playwright.chromium.launch(executable_path=path, headless=True, args=args, **kwargs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(
    app: str | Path,
    log: str | Path,
    env: dict[str, str] | None = None,
    timeout_s: float = 60.0,
    warm: bool = True,
) -> Iterator[str]:
    """Run ``streamlit run app`` on 127.0.0.1 at a free port; yield its base URL; stop it on exit.

    For browser and load tests. The server's output goes to ``log``; it is
    stopped (its whole process group) even when the block fails. ``warm``:
    started as ``gzgeo app`` starts it (:mod:`gzgeo.serve`), the app run once
    before the URL is handed out, so the first page open meets a warm server.

    Raises
    ------
    RuntimeError
        If the server is not healthy within ``timeout_s`` seconds.
    """
    app = Path(app)
    port = _free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            streamlit_command(app, address="127.0.0.1", port=port, warm=warm),
            cwd=app.parent,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, proc, timeout_s)
            if warm:
                warm_up(base)
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
