"""Escaping and validation for every string that travels from data or a user into HTML, JavaScript or CSS.

Rules (for everyone who adds a map element, legend, popup or export):

* Text from data (names, addresses, notes, labels) goes through :func:`escape_html`
  before it becomes part of an HTML string, including strings that Leaflet or
  folium later put into ``innerHTML`` (tooltips, popups, layer-control names,
  ``folium.GeoJsonTooltip`` properties: folium does not escape them).
* A value placed inside a ``<script>`` element as a JavaScript literal goes
  through :func:`js_string` (JSON, with ``<``, ``>``, ``&`` and quotes escaped,
  so ``</script>`` cannot close the element).
* A value that becomes code or style (a colour, an element id, a CSS class) is
  never escaped but *validated*: :func:`validate_color`, :func:`validate_id`.
  An invalid value is an error in the data (``gzgeo.validate()`` reports it);
  drawing code falls back to a neutral value instead of pasting it.
* :func:`has_markup` finds text that would be markup if left unescaped
  (``gzgeo.validate()`` flags it in every text column).
"""

from __future__ import annotations

import html
import math
import re

from jinja2.utils import htmlsafe_json_dumps

__all__ = [
    "escape_html",
    "js_string",
    "validate_color",
    "validate_id",
    "is_color",
    "is_id",
    "has_markup",
    "FALLBACK_COLOR",
]

#: Colour used when a data colour is invalid.
FALLBACK_COLOR = "#333333"
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:+-]{0,63}")
# A tag start, a character reference, or a javascript: URL: none belongs in a name or a note.
_MARKUP = re.compile(r"<\s*[/!?A-Za-z]|&#?[A-Za-z0-9]+;|javascript\s*:", re.IGNORECASE)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def escape_html(value: object) -> str:
    """Text safe in HTML content and quoted attributes (``None``/NaN become ``""``).

    Examples
    --------
    >>> escape_html('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> escape_html(None)
    ''
    """
    return html.escape(_text(value), quote=True)


def js_string(value: object) -> str:
    """A JavaScript literal (JSON) safe inside an HTML ``<script>`` element.

    Examples
    --------
    >>> js_string("</script><b>")
    '"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"'
    """
    return str(htmlsafe_json_dumps(value, ensure_ascii=False))


def is_color(value: object) -> bool:
    """True for a ``#rrggbb`` hex colour.

    Examples
    --------
    >>> is_color("#1f78b4"), is_color("red;background:url(x)")
    (True, False)
    """
    return isinstance(value, str) and _COLOR.fullmatch(value) is not None


def validate_color(value: object, fallback: str | None = None) -> str:
    """Return ``value`` if it is a ``#rrggbb`` colour; else ``fallback``, or raise ValueError without one.

    Examples
    --------
    >>> validate_color("#AABBCC")
    '#AABBCC'
    >>> validate_color("red'};alert(1)//", fallback=FALLBACK_COLOR)
    '#333333'
    """
    if is_color(value):
        return str(value)
    if fallback is not None:
        return fallback
    raise ValueError(f"invalid colour {value!r}: expected #rrggbb")


def is_id(value: object) -> bool:
    """True for an identifier usable in code: letters, digits, ``_ . : + -``, at most 64 characters.

    Examples
    --------
    >>> is_id("p001"), is_id('x" onclick="y')
    (True, False)
    """
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def validate_id(value: object) -> str:
    """Return ``value`` if :func:`is_id`, else raise ValueError.

    Examples
    --------
    >>> validate_id("zone_1")
    'zone_1'
    """
    if not is_id(value):
        raise ValueError(f"invalid id {value!r}: use letters, digits, '_', '.', ':', '+', '-' (≤ 64 characters)")
    return str(value)


def has_markup(value: object) -> bool:
    """True if text contains an HTML tag, a character reference or a ``javascript:`` URL.

    Examples
    --------
    >>> has_markup("南沙科学城"), has_markup("<img src=x onerror=alert(1)>"), has_markup("R&D < 5%")
    (False, True, False)
    """
    return bool(_MARKUP.search(_text(value)))
