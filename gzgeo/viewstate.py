"""The app's view as URL query parameters, so pasting the URL reopens the same view.

A :class:`ViewState` holds the language, basemap, visible layers, filters,
map centre and zoom. :func:`to_query` turns it into query parameters (only
what differs from the defaults, so URLs stay short); :func:`from_query` reads
them back and ignores anything malformed rather than failing — a URL is user
input. Multi-valued parameters repeat their key (``?cat=a&cat=b``), which is
what ``st.query_params.get_all`` returns.

Keys: ``lang``, ``basemap``, ``layers`` (``none`` for no overlay), ``cat``,
``level``, ``status``, ``district``, ``zone``, ``fw``, ``src``, ``q``,
``lat``, ``lon`` and ``z``. The Tianditu key is never put in the URL, nor
the synthetic test-data size: a URL must not decide how much work the server
does (it comes from the environment or the sidebar only). Every parameter is
bounded: at most :data:`MAX_VALUES` values per key, 200 characters of text.
:func:`unknown_values` lists what a URL asked for that does not exist, so the
app can say so instead of silently showing less.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .basemaps import BASEMAPS, DEFAULT_BASEMAP
from .filters import PlatformFilter
from .i18n import DEFAULT_LANGUAGE, LANGUAGES
from .style import ALL_LAYERS, DEFAULT_LAYERS, GUANGZHOU_CENTER

__all__ = [
    "OVERLAYS",
    "DEFAULT_OVERLAYS",
    "ViewState",
    "to_query",
    "from_query",
    "unknown_values",
    "DEFAULT_CENTER",
    "DEFAULT_ZOOM",
    "MAX_VALUES",
]

#: Overlays the map can draw, in drawing order.
OVERLAYS: tuple[str, ...] = ALL_LAYERS
#: Overlays shown when the URL says nothing.
DEFAULT_OVERLAYS: tuple[str, ...] = DEFAULT_LAYERS
DEFAULT_CENTER: tuple[float, float] = GUANGZHOU_CENTER
DEFAULT_ZOOM = 10
#: Most values read from one repeated query key (a URL is user input: work stays bounded).
MAX_VALUES = 64

#: Query key of each filter facet.
_FILTER_KEYS: dict[str, str] = {
    "category": "cat",
    "level": "level",
    "status": "status",
    "district": "district",
    "zone": "zone",
    "framework": "fw",
    "source": "src",
}


@dataclass(frozen=True)
class ViewState:
    """Everything needed to redraw the same view.

    Attributes
    ----------
    lang : {"zh", "en"}
    basemap : str
        A key of :data:`gzgeo.basemaps.BASEMAPS`.
    layers : tuple of str
        Visible overlays, from :data:`OVERLAYS`.
    filter : PlatformFilter
    center : (lat, lon) in WGS-84 degrees
    zoom : int
        Leaflet zoom level (0-20).
    synthetic : int
        Number of synthetic test platforms to show instead of the data (0 = real data).
    """

    lang: str = DEFAULT_LANGUAGE
    basemap: str = DEFAULT_BASEMAP
    layers: tuple[str, ...] = DEFAULT_OVERLAYS
    filter: PlatformFilter = field(default_factory=PlatformFilter)
    center: tuple[float, float] = DEFAULT_CENTER
    zoom: int = DEFAULT_ZOOM
    synthetic: int = 0

    def with_(self, **changes: object) -> ViewState:
        """A copy with some fields changed."""
        return replace(self, **changes)


def _fmt(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def to_query(state: ViewState) -> dict[str, str | list[str]]:
    """Query parameters for ``state`` (defaults omitted).

    Examples
    --------
    >>> to_query(ViewState())
    {}
    >>> q = to_query(ViewState(lang="en", filter=PlatformFilter(category=("a", "b"), text="lab"), zoom=12))
    >>> q["lang"], q["cat"], q["q"], q["z"]
    ('en', ['a', 'b'], 'lab', '12')
    """
    query: dict[str, str | list[str]] = {}
    if state.lang != DEFAULT_LANGUAGE:
        query["lang"] = state.lang
    if state.basemap != DEFAULT_BASEMAP:
        query["basemap"] = state.basemap
    if tuple(state.layers) != DEFAULT_OVERLAYS:
        query["layers"] = list(state.layers) if state.layers else ["none"]
    for facet, key in _FILTER_KEYS.items():
        values = getattr(state.filter, facet)
        if values:
            query[key] = list(values)
    if state.filter.text:
        query["q"] = state.filter.text
    if (round(state.center[0], 5), round(state.center[1], 5)) != DEFAULT_CENTER:
        query["lat"], query["lon"] = _fmt(state.center[0]), _fmt(state.center[1])
    if state.zoom != DEFAULT_ZOOM:
        query["z"] = str(int(state.zoom))
    return query


def _values(params: Mapping[str, object], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)[:MAX_VALUES]  # type: ignore[arg-type]
    return [str(v)[:200] for v in items if str(v) != ""]


def _last(params: Mapping[str, object], key: str) -> str | None:
    values = _values(params, key)
    return values[-1] if values else None


def _float(text: str | None, low: float, high: float) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) and low <= value <= high else None


def from_query(params: Mapping[str, object]) -> ViewState:
    """Read a view from query parameters; invalid values fall back to the defaults.

    Parameters
    ----------
    params : mapping
        Key -> str or list of str (``{k: st.query_params.get_all(k) for k in st.query_params}``).

    Examples
    --------
    >>> s = from_query({"lang": ["en"], "cat": ["a", "b"], "z": ["13"], "lat": ["23.2"], "lon": ["113.5"]})
    >>> s.lang, s.filter.category, s.zoom, s.center
    ('en', ('a', 'b'), 13, (23.2, 113.5))
    >>> from_query({"z": "99", "basemap": "bogus", "layers": ["axis", "bogus"]}).zoom
    10
    >>> from_query({"layers": "bogus"}).layers == DEFAULT_OVERLAYS
    True
    >>> from_query(to_query(s)) == s
    True
    """
    state = ViewState()
    lang = _last(params, "lang")
    if lang in LANGUAGES:
        state = state.with_(lang=lang)
    basemap = _last(params, "basemap")
    if basemap in BASEMAPS:
        state = state.with_(basemap=basemap)
    layers = _values(params, "layers")
    if layers:
        chosen = set(layers)
        known = tuple(o for o in OVERLAYS if o in chosen)
        # Only unknown names (``?layers=bogus``): keep the default layers rather than hide every overlay.
        if known or "none" in chosen:
            state = state.with_(layers=known)
    selections = {facet: tuple(dict.fromkeys(_values(params, key))) for facet, key in _FILTER_KEYS.items()}
    text = _last(params, "q") or ""
    state = state.with_(filter=PlatformFilter(text=text[:200], **selections))
    lat = _float(_last(params, "lat"), -90, 90)
    lon = _float(_last(params, "lon"), -180, 180)
    if lat is not None and lon is not None:
        state = state.with_(center=(lat, lon))
    zoom = _float(_last(params, "z"), 0, 20)
    if zoom is not None:
        state = state.with_(zoom=int(zoom))
    return state


def unknown_values(params: Mapping[str, object]) -> dict[str, list[str]]:
    """Values of ``lang``, ``basemap`` and ``layers`` that :func:`from_query` ignored, and ignored keys.

    Examples
    --------
    >>> unknown_values({"layers": ["axis", "bogus"], "basemap": "x", "synthetic": "200000"})
    {'basemap': ['x'], 'layers': ['bogus'], 'synthetic': ['200000']}
    """
    known = {"lang": set(LANGUAGES), "basemap": set(BASEMAPS), "layers": {*OVERLAYS, "none"}}
    out: dict[str, list[str]] = {}
    for key, allowed in known.items():
        bad = [v for v in _values(params, key) if v not in allowed]
        if bad:
            out[key] = bad
    accepted = {*known, *_FILTER_KEYS.values(), "q", "lat", "lon", "z"}
    for key in params:
        if key not in accepted:
            out[str(key)[:40]] = _values(params, key)[:3]
    return out
