"""streamlit-folium with the map's rendering done once: a rerun that keeps the map sends the same text again.

``st_folium`` renders the whole folium map three times on every script run
(the figure, the map, then each element's script for the component), computes
its bounds and hashes the script, even when nothing on the map changed: at
20,000 platforms that was most of a rerun, plus the deep copy the map needed
because rendering renames its elements. :func:`map_parts` does that work once
per built map; :func:`show_map` then hands the stored text to the same
streamlit-folium component, so the browser sees exactly what ``st_folium``
would have sent (same component, same arguments, same key) and keeps the map
mounted. Only the small dynamic feature group (click and drawing results) is
rendered on each run.

It uses streamlit-folium's module-level helpers (``_get_html``,
``_get_header``, ``_get_map_string``, ``_get_feature_group_string``,
``generate_js_hash``, ``_component_func``); ``tests/test_app.py`` checks they
are there, so an upgrade that renames them fails the suite rather than the app.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import branca
import folium
import folium.elements
import streamlit as st
import streamlit_folium as _sf

__all__ = ["MapParts", "map_parts", "show_map"]


@dataclass(frozen=True)
class MapParts:
    """What streamlit-folium sends for a map, rendered once (all text; shared read-only)."""

    script: str
    header: str
    html: str
    map_id: str
    bounds: list[list[float | None]]
    zoom: object
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def _walk(fig) -> Iterator[object]:
    # As st_folium collects the JavaScript and CSS links a map needs.
    if isinstance(fig, branca.colormap.ColorMap) or isinstance(fig, folium.elements.JSCSSMixin):
        yield fig
    for child in getattr(fig, "_children", {}).values():
        yield from _walk(child)


def _links(fig) -> tuple[list[str], list[str]]:
    css, js = [], []
    for elem in _walk(fig):
        if isinstance(elem, branca.colormap.ColorMap):  # as st_folium does (gzgeo's maps have none)
            js[:0] = ["https://d3js.org/d3.v4.min.js", "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"]
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    return css, js


def map_parts(fmap: folium.Map, bounds: bool = True) -> MapParts:
    """Render ``fmap`` as ``st_folium`` does, once. Consumes the map (rendering renames its elements).

    ``bounds=False`` skips the map's bounds (a walk over every GeoJSON coordinate in Python), which
    streamlit-folium only reports when ``"bounds"`` is among the returned objects.

    Examples
    --------
    >>> parts = map_parts(folium.Map(location=[23.1, 113.3], zoom_start=9, tiles=None))
    >>> parts.map_id, "L.map" in parts.script, parts.zoom
    ('map_div', True, 9)
    """
    fmap.get_root().render()  # renders the map too: st_folium's second fmap.render() adds nothing for a map
    html = _sf._get_html(fmap)
    header = _sf._get_header(fmap)
    script = _sf._get_map_string(fmap)
    map_id = _sf.get_full_id(fmap)  # after the map string, which renames the map to "map_div" (as st_folium)
    css, js = _links(fmap)
    box = fmap.get_bounds() if bounds else [[None, None], [None, None]]
    return MapParts(
        script=script,
        header=header,
        html=html,
        map_id=map_id,
        bounds=box,
        zoom=fmap.options.get("zoom"),
        css_links=tuple(dict.fromkeys(css)),
        js_links=tuple(dict.fromkeys(js)),
    )


@lru_cache(maxsize=16)
def _script_key(script: str, key: str) -> str:
    # st_folium's component key (a regex pass and a hash over the whole script: 20 ms at 20,000 platforms),
    # once per rendered map. The same script object comes back on every rerun, and keeps its str hash.
    return _sf.generate_js_hash(script, key, False)


def _group_script(group: folium.FeatureGroup) -> str:
    # Rendered against a throwaway map: streamlit-folium swaps the map's name for "map_div" either way.
    return _sf._get_feature_group_string(group, map=folium.Map(tiles=None), idx=0)


def _group_settings(group: folium.FeatureGroup) -> tuple[str, bool, bool, bool, str]:
    return group.layer_name, group.overlay, group.control, group.show, json.dumps(group.options, sort_keys=True)


@lru_cache(maxsize=8)
def _empty_group_script(name: str, overlay: bool, control: bool, show: bool, options: str) -> str:
    group = folium.FeatureGroup(name=name, overlay=overlay, control=control, show=show)
    group.options = json.loads(options)
    return _group_script(group)


def _bounds_dict(bounds) -> dict[str, dict[str, float | None]]:
    (south, west), (north, east) = bounds
    return {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}


def show_map(
    parts: MapParts,
    key: str,
    height: int = 620,
    returned_objects: Iterable[str] = (),
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    feature_group_to_add: folium.FeatureGroup | None = None,
    on_change: Callable[[], None] | None = None,
) -> dict | None:
    """``st_folium(fmap, key=key, use_container_width=True, ...)`` from a map rendered by :func:`map_parts`.

    Returns what ``st_folium`` returns: the map's state (only ``returned_objects``) once the browser sent one.
    """
    returned = list(returned_objects)
    defaults = {
        "last_clicked": None,
        "last_object_clicked": None,
        "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None,
        "last_object_clicked_popup": None,
        "all_drawings": None,
        "last_active_drawing": None,
        "bounds": _bounds_dict(parts.bounds),
        "zoom": parts.zoom,
        # Not in st_folium's defaults: the map then reports its centre as soon as it is drawn, a "change" that made
        # the app run its map panel again on every page open. The centre it reports first is the one passed here.
        "center": None if center is None else {"lat": center[0], "lng": center[1]},
        "last_circle_radius": None,
        "last_circle_polygon": None,
        "selected_layers": None,
        "selected_tags": None,
        "last_geocoder_result": None,
    }
    css, js = list(parts.css_links), list(parts.js_links)
    group_script = None
    if feature_group_to_add is not None and not feature_group_to_add._children:
        # Most runs have nothing to highlight: the empty group's text depends on its name and options only.
        group_script = _empty_group_script(*_group_settings(feature_group_to_add))
    elif feature_group_to_add is not None:
        group_script = _group_script(feature_group_to_add)
        more_css, more_js = _links(feature_group_to_add)
        css, js = list(dict.fromkeys(css + more_css)), list(dict.fromkeys(js + more_js))
    hash_key = _script_key(parts.script, key)

    def _changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return _sf._component_func(
        script=parts.script,
        header=parts.header,
        html=parts.html,
        id=parts.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=returned,
        default={k: v for k, v in defaults.items() if k in returned},
        zoom=zoom,
        center=center,
        feature_group=group_script,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=css,
        js_links=js,
        on_change=_changed,
        wrap_longitude=False,
    )
