"""Serve folium's JavaScript and CSS from this machine, never from a CDN.

folium renders ``<script src="https://cdn...">`` links by default, which leaves
a blank map on an intranet with no internet. The PyPI package
``folium-offline`` (a dependency of gzgeo) carries the exact asset files that
folium 0.20 and its plugins link to, keyed by their CDN URL. This module
rewrites every link of a map to either

- ``"inline"``: a ``data:`` URI, for standalone HTML files that open anywhere, or
- ``"static"``: a path under Streamlit's static folder (``/app/static/vendor/``),
  for the app, so the assets are fetched once from 127.0.0.1 and cached.

gzgeo's own bundled assets (the supercluster build of the platform layer, in
the package's ``static`` folder with its licence) are served the same way,
keyed by their canonical URL. A link with no local copy raises :class:`OfflineAssetError` rather than
silently reaching for the internet.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import folium

from ._io import atomic_write_bytes
from .literalrender import Literal as _Text

__all__ = [
    "OfflineAssetError",
    "STATIC_URL_PREFIX",
    "asset_text",
    "asset_filename",
    "write_static_assets",
    "localize",
    "external_urls",
    "package_asset",
    "SUPERCLUSTER_URL",
]

#: Where Streamlit serves ``<app dir>/static/vendor/`` (``enableStaticServing``).
STATIC_URL_PREFIX = "/app/static/vendor/"


#: Canonical URL of the bundled supercluster 9.1.0 build (npm ``supercluster``, ISC, with kdbush 4.1.0 inside).
SUPERCLUSTER_URL = "https://unpkg.com/supercluster@9.1.0/dist/supercluster.min.js"
#: Files of gzgeo's ``static`` folder served as offline assets, by the URL they stand for.
PACKAGE_ASSETS: dict[str, str] = {SUPERCLUSTER_URL: "supercluster-9.1.0.min.js"}


def package_asset(filename: str) -> str:
    """Text of a file in gzgeo's ``static`` folder (bundled JavaScript and its licences).

    Examples
    --------
    >>> "Supercluster" in package_asset("supercluster-9.1.0.min.js")
    True
    """
    return resources.files("gzgeo").joinpath("static", filename).read_text(encoding="utf-8")


class OfflineAssetError(LookupError):
    """A map links to a JavaScript/CSS URL that has no local copy."""


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    # folium-offline keeps the files in module-level dicts keyed by CDN URL.
    from offlinefolium import elements, features

    bundled = {url: package_asset(name) for url, name in PACKAGE_ASSETS.items()}
    return {**features._vres, **elements._res, **bundled}


def asset_text(url: str) -> str:
    """Return the local copy of a folium asset given its CDN URL.

    Examples
    --------
    >>> "leaflet" in asset_text(folium.Map.default_js[0][1]).lower()
    True
    """
    try:
        return _assets()[url]
    except KeyError:
        raise OfflineAssetError(f"no local copy of {url}; add it to gzgeo.offline or avoid the plugin") from None


def asset_filename(url: str) -> str:
    """A stable, collision-free file name for an asset URL.

    Examples
    --------
    >>> asset_filename("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")[-10:]
    'leaflet.js'
    """
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", url.rstrip("/").rsplit("/", 1)[-1]) or "asset"
    kind = ".css" if url.endswith(".css") or "/css" in url else ".js"
    if not stem.endswith((".js", ".css")):
        stem += kind
    return f"{hashlib.sha1(url.encode()).hexdigest()[:10]}-{stem}"


def write_static_assets(directory: str | Path) -> Path:
    """Write every known asset into ``directory`` (idempotent).

    Parameters
    ----------
    directory : path
        Usually ``<app dir>/static/vendor``; Streamlit serves it at
        :data:`STATIC_URL_PREFIX`.

    Returns
    -------
    pathlib.Path
        The directory.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for url, text in _assets().items():
        target = out / asset_filename(url)
        data = text.encode("utf-8")
        if not target.exists() or target.stat().st_size != len(data):
            atomic_write_bytes(target, data)
    return out


def _walk(element) -> Iterator[object]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _mime(url: str, is_css: bool) -> str:
    return "text/css" if is_css else "text/javascript"


@lru_cache(maxsize=1)
def _urls_by_filename() -> dict[str, str]:
    return {asset_filename(url): url for url in _assets()}


def _local_url(url: str, mode: str, is_css: bool, prefix: str) -> str:
    if url.startswith("data:"):
        return url
    if url.startswith(prefix):
        if mode == "static":
            return url
        # A map built for the app, now saved standalone: inline the file it links to.
        url = _urls_by_filename().get(url[len(prefix) :], url)
    text = asset_text(url)
    if mode == "inline":
        payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
        return f"data:{_mime(url, is_css)};charset=utf-8;base64,{payload}"
    return prefix + asset_filename(url)


def localize(
    m: folium.Map,
    mode: Literal["inline", "static"] = "inline",
    prefix: str = STATIC_URL_PREFIX,
) -> folium.Map:
    """Point every JavaScript/CSS link of a folium map at a local copy.

    Parameters
    ----------
    m : folium.Map
        The map, with all its layers and plugins already added.
    mode : {"inline", "static"}
        ``"inline"`` embeds each file as a ``data:`` URI (standalone HTML);
        ``"static"`` links to ``prefix + file name`` (the Streamlit app).
    prefix : str
        URL prefix of the static folder, for ``mode="static"``.

    Returns
    -------
    folium.Map
        The same map, modified in place.

    Raises
    ------
    OfflineAssetError
        If an element links to a URL with no local copy.

    Examples
    --------
    >>> m = localize(folium.Map(tiles=None))
    >>> external_urls(m.get_root().render())
    []
    """
    for element in _walk(m):
        if hasattr(element, "default_js"):
            element.default_js = [(name, _local_url(url, mode, False, prefix)) for name, url in element.default_js]
        if hasattr(element, "default_css"):
            element.default_css = [(name, _local_url(url, mode, True, prefix)) for name, url in element.default_css]
    # folium.Map links the default marker images from a CDN; gzgeo draws no
    # default markers, so point Leaflet at the local static folder instead.
    # Finished text (the same output): an Element(text) is compiled as a Jinja template, on every map.
    m.get_root().header.add_child(
        _Text(
            "<style>.leaflet-control-layers-toggle{background-image:none!important;}"
            ".leaflet-control-layers-toggle::after{content:'☰';font-size:22px;line-height:36px;"
            "display:block;text-align:center;color:#333;}</style>"
        ),
        name="gzgeo_offline_style",
    )
    return m


_URL_ATTR = re.compile(r"""(?:src|href)\s*=\s*["'](https?:)?//[^"']+["']""", re.IGNORECASE)


def external_urls(html: str) -> list[str]:
    """List the ``src``/``href`` attributes of ``html`` that point off the machine.

    Tile URL templates inside scripts are not attributes and are not listed.

    Examples
    --------
    >>> external_urls('<script src="https://cdn.example/x.js"></script><a href="/app/x">')
    ['src="https://cdn.example/x.js"']
    """
    return [m.group(0) for m in _URL_ATTR.finditer(html)]
