"""Rendered folium scripts placed as finished text, not compiled again as Jinja templates.

branca's ``MacroElement.render`` wraps each element's rendered header, HTML and
script in a new ``Element(text)``, which compiles that finished text as a Jinja
template, and does so again on each of the three renders streamlit-folium
performs. For gzgeo's maps that text holds hundreds of kilobytes of GeoJSON:
compiling it was a third of the server time of a rerun at 20,000 platforms.
And a ``{{`` in the data would be evaluated as template code.

:func:`mark` flags a map's figure; in a flagged figure every ``MacroElement``
puts its finished text as a :class:`Literal` (the same output, less the single
trailing newline Jinja drops too). Figures not flagged (any other folium map in
the process) render exactly as branca does.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from types import SimpleNamespace

import folium
from branca.element import Element, Figure, MacroElement
from jinja2.utils import htmlsafe_json_dumps

__all__ = ["CompactGeoJson", "Literal", "mark"]

_FLAG = "_gzgeo_literal"


class Literal(Element):
    """Finished text placed in a figure without passing through Jinja."""

    def __init__(self, text: str):
        super().__init__()
        # Jinja drops one trailing newline of a template: keep the output byte for byte the same.
        self._text = text[:-1] if text.endswith("\n") else text

    def render(self, **kwargs) -> str:
        return self._text


_branca_render = MacroElement.render


def _render(self: MacroElement, **kwargs) -> None:
    figure = self.get_root()
    if not getattr(figure, _FLAG, False):
        return _branca_render(self, **kwargs)
    assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
    module = self._template.module.__dict__
    for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
        macro = module.get(part)
        if macro is not None:
            target.add_child(Literal(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)
    return None


def mark(fmap: folium.Map) -> folium.Map:
    """Render ``fmap``'s elements as literal text from now on (also in deep copies); returns ``fmap``.

    Examples
    --------
    >>> m = mark(folium.Map(tiles=None))
    >>> _ = folium.Marker([23.1, 113.3], tooltip="{{ 7 * 7 }}").add_to(m)
    >>> "{{ 7 * 7 }}" in m.get_root().render()  # branca alone would have put 49 there
    True
    """
    setattr(fmap.get_root(), _FLAG, True)
    return fmap


_PLACEHOLDER = "@@gzgeo-geojson@@"


class _CompactTemplate:
    """folium.GeoJson's template with the data written as compact JSON (no blanks after ``,`` and ``:``).

    Jinja's ``tojson`` writes ``", "`` and ``": "``: two blanks per coordinate pair, 8 % of the layers' text.
    """

    def __init__(self, template, element: folium.GeoJson):
        macros = template.module.__dict__
        self.module = SimpleNamespace(header=macros.get("header"), html=macros.get("html"), script=self._script)
        self._macro = macros["script"]
        self._element = element

    def _script(self, this=None, kwargs=None) -> str:
        this = this or self._element
        # The template sees a placeholder for the data (a view: the element itself is not changed, so two
        # sessions rendering one shared map never see each other's placeholder).
        text = self._macro(_PlaceholderData(this), kwargs)
        if getattr(this, "shared_data", False):
            compact = _shared_json(this.data)
        else:
            compact = htmlsafe_json_dumps(this.data, sort_keys=True, separators=(",", ":"))
        return text.replace(json.dumps(_PLACEHOLDER), compact, 1)


#: Compact JSON of shared, never-changed layer data (the bundled polygons), by object: writing it was 20 ms of
#: every map built. Each entry holds its data, so an id is never reused while its text is kept. Bounded.
_SHARED_JSON: OrderedDict[int, tuple[object, str]] = OrderedDict()
_SHARED_MAX = 64


def _shared_json(data) -> str:
    hit = _SHARED_JSON.get(id(data))
    if hit is not None and hit[0] is data:
        _SHARED_JSON.move_to_end(id(data))
        return hit[1]
    text = htmlsafe_json_dumps(data, sort_keys=True, separators=(",", ":"))
    _SHARED_JSON[id(data)] = (data, text)
    while len(_SHARED_JSON) > _SHARED_MAX:
        _SHARED_JSON.popitem(last=False)
    return text


class _PlaceholderData:
    """``element`` with ``data`` replaced by :data:`_PLACEHOLDER` (every other attribute is the element's)."""

    data = _PLACEHOLDER

    def __init__(self, element):
        self._gzgeo_element = element

    def __getattr__(self, name):
        return getattr(self._gzgeo_element, name)


class CompactGeoJson(folium.GeoJson):
    """A ``folium.GeoJson`` whose data is written as compact JSON (same map, 8 % less text).

    ``shared_data=True`` says ``data`` is shared and never changed after the layer is built (gzgeo's cached
    bundled layers): its JSON text is then written once per data object, not once per map.
    """

    def __init__(self, data, *args, shared_data: bool = False, **kwargs):
        super().__init__(data, *args, **kwargs)
        # After folium's __init__, which may add feature ids to the data (once: the ids are then found).
        self.shared_data = shared_data

    @property
    def _template(self):  # noqa: D401 - folium API
        return _CompactTemplate(folium.GeoJson._template, self)


MacroElement.render = _render  # type: ignore[method-assign]
