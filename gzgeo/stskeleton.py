"""A map for streamlit-folium rendered in two parts: a cached skeleton and the layers a filter changes.

A filter change to a category not shown before used to build and render the whole map: the districts,
metro, zones and their parts, cores, nodes, axis, corridor band and controls (their folium elements,
tooltips and style maps, branca's render and streamlit-folium's map string), though none of them depends on
the filter. :func:`map_skeleton` renders such a filter-independent map (:func:`gzgeo.webmap.layout_base`)
once into streamlit-folium's text; :func:`splice_map` then builds only what the filter changes
(:func:`gzgeo.webmap.add_layout_layers`: platforms, badges, legend, layer control, ...) against a small
holder map and appends its rendered text.

The result is what :func:`gzgeo.stmap.map_parts` gives for the whole map built in one piece, byte for byte in
the map script (``tests/test_stskeleton.py`` compares them for different filters, languages and datums): the
added elements are rendered by folium and streamlit-folium themselves, under the positional names
streamlit-folium would give them (``div_<n>``), so every string reaches the page through the same escaping
and encoding as before; the layer control lists the skeleton's layers through stand-ins carrying their
final names. The two parts are joined at a line break, where none of streamlit-folium's text passes (variable
renaming, ``dedent``, the component key) can see across the seam.

It uses streamlit-folium's module-level helpers, as :mod:`gzgeo.stmap` does (``_generate_leaflet_string``,
``_replace_folium_vars``, ``_resolve_element_refs``, ``get_full_id``); an upgrade that changes what they write
fails ``tests/test_stskeleton.py``, which compares the spliced map with ``map_parts`` of the whole.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import folium
import streamlit_folium as _sf
from folium.map import Layer

from .literalrender import mark as mark_literal
from .stmap import MapParts, _links

__all__ = ["MapSkeleton", "map_skeleton", "splice_map"]

# textwrap.dedent first blanks lines holding only blanks; then it removes the margin common to every line.
_BLANK_LINE = re.compile(r"^[ \t]+$", re.MULTILINE)
_INDENT = re.compile(r"^([ \t]*)[^ \t\n]", re.MULTILINE)


@dataclass(frozen=True)
class MapSkeleton:
    """A filter-independent map rendered as streamlit-folium sends it, waiting for the filtered layers.

    Shared read-only (all text and tuples). Built by :func:`map_skeleton`, filled by :func:`splice_map`.
    """

    #: The map's script (renamed, ``dedent`` blank-line rule applied), ending before the first added element.
    script: str
    #: The margin ``textwrap.dedent`` finds in :attr:`script` ("" when a line starts at column 0).
    margin: str | None
    #: The figure's header and html as rendered (before streamlit-folium strips links and the map div).
    header_raw: str
    html_raw: str
    #: Names of the header's entries: what an added element links again is not written twice (as branca does).
    header_names: frozenset[str]
    #: The map's id in the header (``map_<uuid>``), which streamlit-folium turns into ``map_div``.
    header_map_id: str
    map_id: str
    zoom: object
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    #: Number of the map's elements: added ones are named from here on (``div_<n>``).
    n_children: int
    #: (final name, layer name, overlay, control, show) of each Layer, for the layer control.
    layers: tuple[tuple[str, str, bool, bool, bool], ...]


def map_skeleton(fmap: folium.Map) -> MapSkeleton:
    """Render ``fmap`` (its basemap, fixed layers and controls) once, for :func:`splice_map`. Consumes the map.

    Examples
    --------
    >>> from gzgeo.webmap import layout_base
    >>> skeleton = map_skeleton(layout_base(("zones",), lang="en"))
    >>> skeleton.map_id, skeleton.n_children > 5, "L.map" in skeleton.script
    ('map_div', True, True)
    """
    figure = fmap.get_root()
    figure.render()  # as map_parts: renders the map and every element into the figure
    header_raw = figure.header.render()
    html_raw = figure.html.render()
    header_map_id = _sf.get_full_id(fmap)  # before the map string renames the map to "map_div"
    leaflet, mappings = _sf._generate_leaflet_string(fmap, nested=True, base_id="div")
    script = _finish(leaflet, mappings)
    css, js = _links(fmap)
    layers = tuple(
        (child.get_name(), child.layer_name, bool(child.overlay), bool(child.control), bool(child.show))
        for child in fmap._children.values()
        if isinstance(child, Layer)
    )
    return MapSkeleton(
        script=script,
        margin=_margin(script),
        header_raw=header_raw,
        html_raw=html_raw,
        header_names=frozenset(figure.header._children),
        header_map_id=header_map_id,
        map_id=_sf.get_full_id(fmap),
        zoom=fmap.options.get("zoom"),
        css_links=tuple(dict.fromkeys(css)),
        js_links=tuple(dict.fromkeys(js)),
        n_children=len(fmap._children),
        layers=layers,
    )


class _StandIn(Layer):
    """A skeleton layer as the layer control sees it: its final name, label and flags; renders nothing."""

    def __init__(self, name: str, layer_name: str, overlay: bool, control: bool, show: bool):
        super().__init__(name=layer_name, overlay=overlay, control=control, show=show)
        self._final_name = name

    def get_name(self) -> str:
        return self._final_name

    def render(self, **kwargs) -> None:
        return None


def splice_map(skeleton: MapSkeleton, add_layers: Callable[[folium.Map], object]) -> MapParts:
    """The map of ``skeleton`` with the elements ``add_layers`` adds, as :func:`gzgeo.stmap.map_parts` renders it.

    ``add_layers(holder)`` adds elements to ``holder``, a map that stands for the skeleton (its layers are
    there for the layer control, by their final names) and localizes them
    (:func:`gzgeo.offline.localize`) as the skeleton was. The bounds are not computed (as
    ``map_parts(..., bounds=False)``).

    Examples
    --------
    >>> from gzgeo.webmap import add_layout_layers, layout_base
    >>> import gzgeo
    >>> skeleton = map_skeleton(layout_base(("zones",), lang="en"))
    >>> parts = splice_map(skeleton, lambda m: add_layout_layers(m, ("zones",), gzgeo.load("platforms"), lang="en"))
    >>> parts.script.startswith(skeleton.script), "gzgeoPlatforms.Layer" in parts.script
    (True, True)
    """
    holder = folium.Map(tiles=None)
    mark_literal(holder)  # as the skeleton: finished scripts stay text
    for name, layer_name, overlay, control, show in skeleton.layers:
        _StandIn(name, layer_name, overlay, control, show).add_to(holder)
    first = len(holder._children)
    add_layers(holder)
    added = list(holder._children.values())[first:]
    figure = holder.get_root()
    for element in added:  # as the whole map's render would, in order (the layer control sees the stand-ins)
        element.render()
    # The header and html entries the added elements wrote, as branca's Element template joins them.
    entries = figure.header._children.items()
    new_header = "".join("\n    " + child.render() for name, child in entries if name not in skeleton.header_names)
    new_html = "".join("\n    " + child.render() for child in figure.html._children.values())
    header = _strip_header(skeleton.header_raw + new_header)
    header = header.replace(skeleton.header_map_id, "map_div").replace(_sf.get_full_id(holder), "map_div")
    html = re.sub(r'<div class="folium-map" id=".*" ></div>', "", skeleton.html_raw + new_html).strip()

    mappings: dict[str, str] = {holder._id: "div"}
    leaflet = ""
    for index, element in enumerate(added, start=skeleton.n_children):
        text, mappings = _sf._generate_leaflet_string(element, base_id=f"div_{index}", mappings=mappings)
        leaflet += "\n" + text
    script = _join(skeleton, _finish(leaflet, mappings))
    css, js = [], []
    for element in added:  # not the holder's own links (folium's defaults, which the skeleton's map dropped)
        more_css, more_js = _links(element)
        css, js = css + more_css, js + more_js
    return MapParts(
        script=script,
        header=header,
        html=html,
        map_id=skeleton.map_id,
        bounds=[[None, None], [None, None]],
        zoom=skeleton.zoom,
        css_links=tuple(dict.fromkeys([*skeleton.css_links, *css])),
        js_links=tuple(dict.fromkeys([*skeleton.js_links, *js])),
    )


def _finish(leaflet: str, mappings: dict[str, str]) -> str:
    """streamlit-folium's text passes over one part of the map string (``_get_map_string`` less the dedent)."""
    text = _sf._resolve_element_refs(_sf._replace_folium_vars(leaflet, mappings))
    text = text.replace("alert(coords);", "")
    text = re.sub(r"drawnItems_draw_control_div_\d+", "drawnItems", text)
    return _BLANK_LINE.sub("", text)


def _margin(text: str) -> str | None:
    """The margin ``textwrap.dedent`` would remove from ``text`` (None: no line with text)."""
    indents = _INDENT.findall(text)
    return os.path.commonprefix(indents) if indents else None


def _join(skeleton: MapSkeleton, added: str) -> str:
    # dedent of the whole: with a line at column 0 in either part (the usual case) it only blanked blank lines,
    # done per part above; otherwise dedent the joined text as streamlit-folium does.
    if skeleton.margin and _margin(added) != "":
        script = textwrap.dedent(skeleton.script + added)
    else:
        script = skeleton.script + added
    if "drawnItems" not in script:
        script += "\nvar drawnItems = [];"
    return script


def _strip_header(header: str) -> str:
    """``streamlit_folium._get_header`` less its last step (the map id, replaced by the caller)."""
    header = re.sub(
        r'<script\b[^>]*\bsrc=["\'][^"\']*["\'][^>]*>.*?</script\b[^>]*>', "", header, flags=re.IGNORECASE | re.DOTALL
    )
    header = re.sub(r'<link rel="stylesheet" href=".*?"/>', "", header)
    return re.sub(r'(L\.Icon\.Default\.imagePath\s*=\s*["\'])([^"\']*?/dist)(["\'])', r"\1\2/images/\3", header)
