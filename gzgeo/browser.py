"""Headless Chromium for snapshots and browser tests, without downloading a browser.

gzgeo drives Debian's ``chromium`` package through Playwright (PyPI); it never
runs ``playwright install``. The flags keep Chromium from reaching for the
network on its own (updates, sync, QUIC probes), so an offline page stays offline.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["CHROMIUM_ARGS", "COUNT_MARKERS_JS", "find_chromium", "launch_chromium"]

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

#: JavaScript for ``frame.evaluate``: how many markers the app's map holds in its cluster layers
#: (clustered or not, shown or hidden by zoom), or -1 before Leaflet and the map exist.
COUNT_MARKERS_JS = """() => {
    if (!window.map || !window.L || !L.MarkerClusterGroup) return -1;
    let n = 0;
    window.map.eachLayer(l => { if (l instanceof L.MarkerClusterGroup) n += l.getLayers().length; });
    return n;
}"""


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
