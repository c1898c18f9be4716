"""The platform point layer: every platform in the browser from compact typed arrays.

Platforms travel as two gzip'ed blobs (:func:`platform_payload`): integer
microdegree coordinates, an estimate flag and dictionary codes as typed arrays,
and a JSON table of the strings, written as text with 7 bits per page byte
(:func:`gzgeo.packtext.pack7`, not base64's 6). Small maps skip gzip, so they
open even in a browser without ``DecompressionStream``; a large one says so in
the map there. In the browser (``static/gzgeo-platforms.js``)
one `supercluster <https://github.com/mapbox/supercluster>`_ index per
category clusters them and only what is in view is drawn: cluster badges and
canvas circles, so 100,000 platforms load in a fraction of the time and
memory of one Leaflet marker per platform. Tooltips and popups are DOM nodes
filled with ``textContent`` when opened: no data string is parsed as HTML.

Exact and estimated locations look different: a platform known to its site or
campus is a filled circle; one known only to its zone or district is a hollow
dashed circle, and its popup says so. Above zoom 13 every platform is drawn on
its own.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from functools import cache

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from jinja2.utils import htmlsafe_json_dumps

from ._framecache import cached, source_rows
from .crs import convert
from .i18n import DEFAULT_LANGUAGE, category_labels, t, value_label
from .literalrender import Literal as _Literal
from .offline import SUPERCLUSTER_URL, package_asset
from .orientation import linked_source
from .packtext import pack7, unpack7
from .safe import validate_color
from .style import FALLBACK_COLOR, category_colors, district_name  # category_colors re-exported

__all__ = [
    "PlatformCategoryLayer",
    "add_platform_layers",
    "category_colors",
    "decode_payload",
    "platforms_in_html",
    "platform_payload",
    "platform_popup_html",
    "platform_rows",
]

_FALLBACK_COLOR = FALLBACK_COLOR  # the old private name of gzgeo.style.FALLBACK_COLOR
#: From this zoom on every platform is drawn on its own, never clustered.
UNCLUSTER_ZOOM = 14
_CLUSTER_RADIUS_PX = 45
# Popup fields after the two names, in order; those with few distinct values travel as 1-byte codes.
_POPUP_FIELDS = (
    "category",
    "level",
    "status",
    "district",
    "address",
    "location_precision",
    "location_source",
    "sources",
)
_SOURCE_SEP = "\n"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def platform_popup_html(row: pd.Series, lang: str = DEFAULT_LANGUAGE) -> str:
    """HTML of a platform's popup: names, category, level, status, address, precision and policy source.

    The browser builds the same popup, as DOM nodes, from :func:`platform_payload`, with the name of the
    map's language only (the other language's where a platform has none).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> row = pd.Series({"name_zh": "某实验室", "name_en": "A Lab", "category": "x", "level": "national",
    ...                  "location_precision": "zone", "location_is_estimate": True, "source_file": "a.pdf",
    ...                  "source_clause": "§2", "geometry": Point(113.3, 23.1)})
    >>> html_text = platform_popup_html(row, "en")
    >>> "A Lab" in html_text and "National" in html_text and "estimated location" in html_text
    True
    """
    frame = gpd.GeoDataFrame([row.to_dict()], geometry="geometry", crs=4326)
    values = platform_rows(frame, lang)[0][4:]
    labels = _popup_labels(lang)
    rows = "".join(f"<tr><th>{labels[i]}</th><td>{values[i + 2]}</td></tr>" for i in range(len(labels)))
    return f"<div class='gzgeo-popup'><b>{values[0]}</b><br><i>{values[1]}</i><table>{rows}</table></div>"


def _popup_labels(lang: str, escape: bool = True) -> list[str]:
    labels = [t(k, lang) for k in _POPUP_FIELDS]
    return [html.escape(s) for s in labels] if escape else labels


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as text, missing values as "" (vectorised: str() per value was most of a 100k-row build).

    >>> frame = pd.DataFrame({"s": pd.array(["x", None], dtype="string"), "f": [1.0, np.nan], "b": [True, False]})
    >>> [_column(frame, c).tolist() for c in ("s", "f", "b", "missing")]
    [['x', ''], ['1.0', ''], ['True', 'False'], ['', '']]
    """
    if name not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    col = frame[name]
    if pd.api.types.is_float_dtype(col.dtype) or col.dtype == object:
        return col.map(_text)  # keeps str(1.0) == "1.0" and non-string objects exactly as before
    if isinstance(col.dtype, pd.StringDtype):
        # One conversion, not three (to "string", fillna, to object): a fifth of a 1,000-platform payload.
        return pd.Series(col.to_numpy(dtype=object, na_value=""), index=frame.index, dtype=object)
    return col.astype("string").fillna("").astype(object)


def _escaped_labels(frame: pd.DataFrame, field: str, lang: str) -> pd.Series:
    # Few distinct values: label and escape each once, then map.
    raw = _column(frame, field)
    table = {v: html.escape(value_label(field, v, lang)) for v in raw.unique()}
    return raw.map(table)


# one home for the rule: gzgeo.style.district_name (kept under the old private name)
_district_name = district_name


def platform_rows(
    platforms: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE, datum: str = "wgs84"
) -> list[list[object]]:
    """Compact rows for the browser: ``[lat, lon, is_estimate, id, name_zh, name_en, *popup fields]``.

    Text is HTML-escaped here, so the JavaScript only concatenates; the popup
    fields are those of :func:`platform_popup_html`, in its order. Points are
    converted to ``datum`` (``"gcj02"`` over an AMap basemap). Vectorised:
    20,000 platforms take a fraction of a second.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"id": ["p1"], "name_zh": ["<甲>"], "name_en": ["A"], "category": ["x"]},
    ...                      geometry=[Point(113.3, 23.1)], crs=4326)
    >>> row = platform_rows(g, "en")[0]
    >>> row[:6]
    [23.1, 113.3, 0, 'p1', '&lt;甲&gt;', 'A']
    """
    valid = platforms[platforms.geometry.notna() & ~platforms.geometry.is_empty]
    if valid.empty:
        return []
    lon, lat = valid.geometry.x.to_numpy(), valid.geometry.y.to_numpy()
    if datum != "wgs84":
        lon, lat = convert(lon, lat, "wgs84", datum)
    estimate = (
        valid["location_is_estimate"].fillna(False).to_numpy(dtype=bool)
        if "location_is_estimate" in valid
        else np.zeros(len(valid), dtype=bool)
    )
    ids = _column(valid, "id") if "id" in valid else pd.Series(np.arange(len(valid)).astype(str), index=valid.index)
    precision = _escaped_labels(valid, "location_precision", lang)
    flag = f" — {html.escape(t('estimate', lang))}"
    precision = precision.where(~estimate, "<b class='gzgeo-estimate'>" + precision + flag + "</b>")
    own = (_column(valid, "source_file") + " " + _column(valid, "source_clause")).str.strip()
    others = _column(valid, "sources")
    sources = [
        "<br>".join(html.escape(s) for s in dict.fromkeys([first, *rest.split("|")]) if s)
        for first, rest in zip(own, others, strict=True)
    ]
    columns = [
        _column(valid, "name_zh").map(html.escape),
        _column(valid, "name_en").map(html.escape),
        _escaped_labels(valid, "category", lang),
        _escaped_labels(valid, "level", lang),
        _escaped_labels(valid, "status", lang),
        _column(valid, "district").map(lambda d: html.escape(_district_name(d, lang))),
        _column(valid, "address").map(html.escape),
        precision,
        _column(valid, "location_source").map(linked_source),
        sources,
    ]
    return [
        list(r)
        for r in zip(
            np.round(lat, 6).tolist(),
            np.round(lon, 6).tolist(),
            estimate.astype(int).tolist(),
            ids.tolist(),
            *(list(c) for c in columns),
            strict=True,
        )
    ]


def _swatch(color: str, estimate: bool = False) -> str:
    border = "dashed" if estimate else "solid"
    fill = "transparent" if estimate else color
    return (
        f"<span style='display:inline-block;width:10px;height:10px;border-radius:50%;"
        f"border:2px {border} {color};background:{fill};margin-right:4px'></span>"
    )


def safe_color(color: object) -> str:
    """``color`` if it is a ``#rrggbb`` hex colour, else the fallback grey (colours become CSS and JS).

    Examples
    --------
    >>> safe_color("#1f78b4"), safe_color("red;background:url(x)")
    ('#1f78b4', '#333333')
    """
    return validate_color(color, fallback=_FALLBACK_COLOR)


def _codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, list[str]] | None:
    """Dictionary codes (uint8) and their values, or None when there are too many distinct values."""
    codes, uniques = pd.factorize(values, sort=False)
    if len(uniques) > 255:
        return None
    return codes.astype(np.uint8), [str(u) for u in uniques]


_DIGITS = "0123456789"


def _stem_numbers(names: list[str]) -> tuple[np.ndarray, list[str], np.ndarray] | None:
    """Names as (uint8 stem codes, stems, int32 trailing numbers, -1 for none), or None for > 255 stems.

    ``stem + str(number)`` gives the name back exactly (a number never has a leading zero, nor more than nine
    digits). Names that differ by a number (``合成平台 28729``) share one stem: gzip then sees random
    digits as three byte planes (≈ 2.2 bytes a name) instead of text (≈ 3.4 bytes).

    Examples
    --------
    >>> codes, stems, numbers = _stem_numbers(["站 12", "站 7", "广州实验室", "a007", "0"])
    >>> [stems[c] + (str(n) if n >= 0 else "") for c, n in zip(codes, numbers)]
    ['站 12', '站 7', '广州实验室', 'a007', '0']
    """
    return _stem_codes(*_split_numbers(names))


def _split_numbers(names) -> tuple[np.ndarray, np.ndarray]:
    """Each name as its stem (object array) and trailing number (int32, -1 for none): see :func:`_stem_numbers`."""
    stems, numbers = [], []
    for name in names:
        digits = name[len(name.rstrip(_DIGITS)) :]
        core = digits.lstrip("0") or digits[-1:]
        if core and len(core) <= 9:
            stems.append(name[: len(name) - len(core)])
            numbers.append(int(core))
        else:
            stems.append(name)
            numbers.append(-1)
    out = np.empty(len(stems), dtype=object)
    out[:] = stems
    return out, np.asarray(numbers, dtype="<i4")


def _stem_codes(stems: np.ndarray, numbers: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray] | None:
    codes, uniques = pd.factorize(stems, sort=False)
    if len(uniques) > 255:
        return None
    return codes.astype(np.uint8), [str(u) for u in uniques], np.asarray(numbers, dtype="<i4")


#: Payloads up to this many bytes (both parts, before compression; ~600 platforms) travel uncompressed: they
#: then open in browsers without ``DecompressionStream`` too, for a few kilobytes more.
RAW_PAYLOAD_BYTES = 65536


def _pack(data: bytes, compress: bool) -> str:
    # mtime=0: the same data give the same text, so streamlit-folium does not remount an unchanged map.
    # Level 5: within 1 % of level 6's size at 60 % of its time on 100,000 platforms.
    return pack7(gzip.compress(data, compresslevel=5, mtime=0) if compress else data)


def _texts(frame: pd.DataFrame, name: str) -> np.ndarray:
    """:func:`_column` as an object array."""
    return _column(frame, name).to_numpy(dtype=object)


class _RowValues:
    """What the payload reads of each row of a frame, as arrays; the payload then takes its rows by position.

    Kept per frame (:func:`gzgeo._framecache.cached`) and shared by the subsets filtered from it
    (:func:`gzgeo._framecache.source_rows`): a filter change takes ≈ 1,100 rows of these instead of converting,
    joining and splitting the columns of a new frame. Each value is what the same step gives on those rows alone
    (every step is per row). Text columns, joined sources and name splits are worked out on first use.
    """

    def __init__(self, frame: gpd.GeoDataFrame):
        geometry = frame.geometry
        self.valid = (geometry.notna() & ~geometry.is_empty).to_numpy()
        keep = np.flatnonzero(self.valid)
        points = geometry.take(keep)
        self.x, self.y = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
        self.x[keep], self.y[keep] = points.x.to_numpy(), points.y.to_numpy()  # ValueError if not points
        self.estimate = (
            frame["location_is_estimate"].fillna(False).to_numpy(dtype=bool)
            if "location_is_estimate" in frame
            else np.zeros(len(frame), dtype=bool)
        )
        # The text columns now: the frame itself is not kept (nor its later changes: a changed frame has new values).
        names = ("category", "name_zh", "name_en", "source_file", "source_clause", *_POPUP_FIELDS)
        self._texts = {name: _texts(frame, name) for name in dict.fromkeys(names) if name != "sources"}
        self._texts["_sources"] = _texts(frame, "sources")
        self._splits: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._sources: np.ndarray | None = None

    def text(self, name: str) -> np.ndarray:
        if name == "sources":  # the popup's sources: the platform's own source first, then the others
            if self._sources is None:
                files, clauses = self._texts["source_file"], self._texts["source_clause"]
                own = [(f + " " + c).strip() for f, c in zip(files, clauses, strict=True)]
                values = np.empty(len(own), dtype=object)
                values[:] = own
                others = self._texts["_sources"]
                for i in np.flatnonzero(others != ""):  # most rows cite one source: join only where there are more
                    values[i] = _SOURCE_SEP.join(s for s in dict.fromkeys([values[i], *others[i].split("|")]) if s)
                self._sources = values
            return self._sources
        return self._texts[name]

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Stems and trailing numbers of a text column (:func:`_split_numbers`)."""
        if name not in self._splits:
            self._splits[name] = _split_numbers(self.text(name))
        return self._splits[name]


def _values_or_none(frame: gpd.GeoDataFrame) -> _RowValues | None:
    try:
        return _RowValues(frame)
    except ValueError:  # e.g. a line among the points: the rows the payload takes say so themselves (below)
        return None


def _row_values(platforms: gpd.GeoDataFrame) -> tuple[_RowValues, np.ndarray]:
    """Per-row values holding ``platforms``' rows, and their positions there.

    Those of the frame ``platforms`` was filtered from when it is such a subset (kept per frame), else its own.
    """
    source = source_rows(platforms)
    frame, rows = source if source is not None else (platforms, np.arange(len(platforms)))
    values = cached(frame, "platform payload values", _values_or_none)
    if values is None:
        return _RowValues(platforms), np.arange(len(platforms))
    return values, rows


def platform_payload(
    platforms: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE, datum: str = "wgs84", order: list[str] | None = None
) -> tuple[dict[str, object], list[tuple[str, int, int]]]:
    """Encode platforms for the browser layer: typed arrays and a string table, gzip'ed, as page text.

    Rows are grouped by category (in ``order``, then any others) and sorted by
    latitude inside each group, latitudes delta-coded, integers split into byte
    planes: all three help gzip.
    Coordinates are integer microdegrees (0.1 m) in ``datum`` (``"gcj02"``
    over an AMap basemap). Strings are raw (the browser sets them as
    ``textContent``); coded values are labelled in ``lang``, and names are
    those of ``lang`` (the other language's only where a platform lacks one).

    Returns
    -------
    payload : dict
        ``{"binary": str, "table": str, "n": int, "gzip": bool}`` (:func:`gzgeo.packtext.pack7`
        text of the data, gzip'ed above :data:`RAW_PAYLOAD_BYTES`).
    groups : list of (category, start, end)
        Row range of each category in the payload.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"id": ["a", "b"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"],
    ...                       "category": ["x", "y"]}, geometry=[Point(113.3, 23.1), Point(113.4, 23.2)], crs=4326)
    >>> payload, groups = platform_payload(g, "en")
    >>> payload["n"], groups
    (2, [('x', 0, 1), ('y', 1, 2)])
    """
    return _payload(platforms, None, lang, datum, order)


def _payload(
    platforms: gpd.GeoDataFrame, where: np.ndarray | None, lang: str, datum: str, order: list[str] | None
) -> tuple[dict[str, object], list[tuple[str, int, int]]]:
    """:func:`platform_payload` of ``platforms[where]`` (all rows for None), without taking that frame."""
    # Per-row arrays (of the frame these platforms were filtered from, kept per frame): rows taken by position.
    values, at = _row_values(platforms)
    if where is not None:
        at = at[where]
    keep = at[values.valid[at]]
    lon, lat = values.x[keep], values.y[keep]
    if datum != "wgs84" and len(keep):
        lon, lat = convert(lon, lat, "wgs84", datum)
    categories = values.text("category")[keep]
    rank = {c: i for i, c in enumerate(order or [])}
    present = sorted(set(categories), key=lambda c: (rank.get(c, len(rank)), c))
    codes, uniques = pd.factorize(categories)
    position = {c: i for i, c in enumerate(present)}
    cat_rank = np.asarray([position[c] for c in uniques], dtype=np.int64)[codes]
    ilat = np.round(np.asarray(lat, dtype=float) * 1e6).astype(np.int64)
    ilon = np.round(np.asarray(lon, dtype=float) * 1e6).astype(np.int64)
    perm = np.lexsort((ilat, cat_rank))
    rows = keep[perm]  # payload order, as positions in ``values``
    n = len(rows)
    ilat, ilon = ilat[perm], ilon[perm]
    estimate = values.estimate[rows]
    counts = np.bincount(cat_rank[perm], minlength=len(present)) if n else np.zeros(len(present), int)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    groups = [(c, int(bounds[i]), int(bounds[i + 1])) for i, c in enumerate(present)]

    labels = dict(zip(_POPUP_FIELDS, _popup_labels(lang, escape=False), strict=True))
    coded: list[str] = []
    dicts: dict[str, list[str]] = {}
    # Names in the map's language; the other language's only where one is missing (a map is rendered per
    # language: the second language's names were a third of the payload at 100,000 platforms).
    first, second = ("name_en", "name_zh") if lang == "en" else ("name_zh", "name_en")
    primary = values.text(first)[rows]
    strings = {first: primary.tolist()}
    splits = {first: tuple(part[rows] for part in values.split(first))}
    missing = primary == ""
    if missing.any():
        strings[second] = np.where(missing, values.text(second)[rows], "").tolist()
        stem, number = values.split(second)  # a name "" splits into ("", -1)
        splits[second] = (np.where(missing, stem[rows], ""), np.where(missing, number[rows], -1))
    # Byte planes (all lowest bytes, then the next...) of the int32 columns: gzip then finds the runs in the
    # high bytes, which change slowly. 25-30 % smaller than plain little-endian int32 on 100,000 points.
    ints = np.concatenate([np.diff(ilat, prepend=0), ilon]).astype("<i4")
    arrays = [ints.view(np.uint8).reshape(-1, 4).T.tobytes(), estimate.astype(np.uint8).tobytes()]
    fields = []
    for field in _POPUP_FIELDS:
        texts = values.text(field)[rows]
        packed = _codes(texts)
        if packed is None:
            strings[field] = texts.tolist()
            splits[field] = tuple(part[rows] for part in values.split(field))
            fields.append([labels[field], "string", field])
            continue
        codes, uniques = packed
        if field == "district":
            uniques = [_district_name(u, lang) for u in uniques]
        elif field not in ("address", "sources"):
            uniques = [value_label(field, u, lang) for u in uniques]
        coded.append(field)
        dicts[field] = uniques
        arrays.append(codes.tobytes())
        fields.append([labels[field], "code", field])
    stems: dict[str, list[str]] = {}
    for key in list(strings):
        split = _stem_codes(*splits[key])
        if split is not None:  # names such as "合成平台 28729": a stem code and an int32 instead of the text
            del strings[key]
            stems[key] = split[1]
            arrays += [split[0].tobytes(), split[2].view(np.uint8).reshape(-1, 4).T.tobytes()]
    table = {
        "n": n,
        "fields": fields,
        "coded": coded,
        "dicts": dicts,
        "strings": strings,
        "stems": stems,
        "estimate": t("estimate", lang),
        "sep": _SOURCE_SEP,
    }
    binary = b"".join(arrays)
    text = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    compress = len(binary) + len(text) > RAW_PAYLOAD_BYTES
    payload = {"binary": _pack(binary, compress), "table": _pack(text, compress), "n": n, "gzip": compress}
    return payload, groups


def decode_payload(binary: str, table: str) -> pd.DataFrame:
    """Decode a :func:`platform_payload` the way the browser does (for tests and tools).

    Returns
    -------
    pandas.DataFrame
        One row per platform in payload order: ``lat``, ``lon`` (degrees in
        the payload's datum), ``estimate`` and one text column per popup field
        and name, as the popup shows them.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"name_zh": ["甲"], "name_en": ["A"], "category": ["x"]},
    ...                      geometry=[Point(113.3, 23.1)], crs=4326)
    >>> payload, _ = platform_payload(g, "en")
    >>> decode_payload(payload["binary"], payload["table"])[["lat", "lon", "name_en"]].values.tolist()
    [[23.1, 113.3, 'A']]
    """
    raw, text = unpack7(binary), unpack7(table)
    if text[:2] == b"\x1f\x8b":  # gzip'ed (JSON text never starts so): both parts are
        raw, text = gzip.decompress(raw), gzip.decompress(text)
    meta = json.loads(text)
    n = meta["n"]
    ints = np.frombuffer(raw[: 8 * n], dtype=np.uint8).reshape(4, 2 * n).T.copy().view("<i4").ravel()
    out = pd.DataFrame(
        {
            "lat": np.cumsum(ints[:n]) / 1e6,
            "lon": ints[n:] / 1e6,
            "estimate": np.frombuffer(raw[8 * n : 9 * n], dtype=np.uint8).astype(bool),
        }
    )
    offset = 9 * n
    codes = {}
    for key in meta["coded"]:
        codes[key] = np.frombuffer(raw[offset : offset + n], dtype=np.uint8)
        offset += n
    for key, stems in meta.get("stems", {}).items():
        stem = np.asarray(stems, dtype=object)[np.frombuffer(raw[offset : offset + n], dtype=np.uint8)]
        number = np.frombuffer(raw[offset + n : offset + 5 * n], dtype=np.uint8).reshape(4, n).T.copy().view("<i4")
        offset += 5 * n
        out[key] = [s + (str(k) if k >= 0 else "") for s, k in zip(stem, number.ravel().tolist(), strict=True)]
    for key, values in meta["strings"].items():
        out[key] = values
    for key in ("name_zh", "name_en"):  # a payload carries the map language's names (see platform_payload)
        if key not in out:
            out[key] = ""
    for key in meta["coded"]:
        out[key] = np.asarray(meta["dicts"][key], dtype=object)[codes[key]] if n else []
    out.attrs["labels"] = {field[2]: field[0] for field in meta["fields"]}
    return out


_PAYLOAD = re.compile(r'gzgeoPlatforms\.decode\("([^"]*)", "([^"]*)", (?:true|false)\)')
_LAYER = re.compile(r"new gzgeoPlatforms\.Layer\(\w+, (\{[^}]*\})\)")


def platforms_in_html(html_text: str) -> list[pd.DataFrame]:
    """The platforms of each category layer of a rendered map, decoded (for tests and tools).

    Examples
    --------
    >>> import gzgeo
    >>> from gzgeo.maps import layout_map
    >>> layers = platforms_in_html(layout_map().get_root().render())
    >>> platforms = gzgeo.load("platforms")
    >>> sum(len(layer) for layer in layers) == int((platforms["location_precision"] != "district").sum())
    True
    """
    payloads = [decode_payload(b, t) for b, t in _PAYLOAD.findall(html_text)]
    if not payloads:
        return []
    data = payloads[0]  # one payload per map
    out = []
    for options in _LAYER.findall(html_text):
        opts = json.loads(options)
        part = data.iloc[opts["start"] : opts["end"]].reset_index(drop=True)
        part.attrs = {**data.attrs, "color": opts["color"]}
        out.append(part)
    return out


class _PlatformData(JSCSSMixin, MacroElement):
    """The decoded platform arrays, shared by every category layer (a JavaScript Promise)."""

    # JSCSSMixin: streamlit-folium collects the script links of such elements.
    default_js = [("supercluster", SUPERCLUSTER_URL)]

    def __init__(self, payload: dict[str, object]):
        super().__init__()
        self._name = "PlatformData"
        self.payload = payload

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        figure.script.add_child(_Literal(self._script()), name=self.get_name())

    def _script(self) -> str:
        # pack7 text holds no quote, backslash, "<" or line break: safe inside a JS string in a <script> element.
        gz = "true" if self.payload["gzip"] else "false"
        return (
            f"{_library_js()}\nvar {self.get_name()} = gzgeoPlatforms.decode("
            f'"{self.payload["binary"]}", "{self.payload["table"]}", {gz});\n'
        )

    @property
    def _template(self):  # noqa: D401 - folium API
        return _MacroTemplate(self)


class PlatformCategoryLayer(Layer):
    """One category of platforms as a browser-side clustered layer (toggled in the layer control).

    Parameters
    ----------
    data : _PlatformData
        The shared payload element (added to the map first).
    start, end : int
        Row range of this category in the payload.
    color : str
        ``#rrggbb``; anything else is drawn grey.
    name : str
        Label in the layer control (HTML: escape data in it).
    show : bool
        Switched on at start.
    """

    def __init__(self, data: _PlatformData, start: int, end: int, color: str, name: str, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "PlatformCategoryLayer"
        self.data = data
        self.count = end - start
        self.js_options = {
            "start": int(start),
            "end": int(end),
            "color": safe_color(color),
            "maxZoom": UNCLUSTER_ZOOM - 1,
            "radius": _CLUSTER_RADIUS_PX,
        }

    def _script(self) -> str:
        options = htmlsafe_json_dumps(self.js_options)
        return (
            f"var {self.get_name()} = new gzgeoPlatforms.Layer({self.data.get_name()}, {options});\n"
            f"{self.get_name()}.addTo({self._parent.get_name()});\n"
        )

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(_Literal(self._script()), name=self.get_name())

    @property
    def _template(self):  # noqa: D401 - folium API
        return _MacroTemplate(self)


class _MacroTemplate:
    """Stands in for a Jinja template: ``module.script(this)`` returns the element's finished script.

    The scripts carry megabytes of payload; branca would otherwise compile them as templates on each render.
    """

    def __init__(self, element):
        self.module = self
        self._element = element

    def script(self, this=None, kwargs=None) -> str:
        return (this or self._element)._script()

    def header(self, this=None, kwargs=None) -> str:
        return ""

    def html(self, this=None, kwargs=None) -> str:
        return ""

    def render(self, **kwargs) -> str:
        return ""


@cache
def _library_js() -> str:
    return package_asset("gzgeo-platforms.js")


def add_platform_layers(
    fmap: folium.Map,
    platforms: gpd.GeoDataFrame,
    lang: str = DEFAULT_LANGUAGE,
    datum: str = "wgs84",
    show: bool = True,
    colors: dict[str, str] | None = None,
) -> list[PlatformCategoryLayer]:
    """Add one browser-side clustered layer per category (so categories toggle in the layer control).

    Parameters
    ----------
    fmap : folium.Map
    platforms : GeoDataFrame
        WGS-84 points (rows without a geometry are skipped).
    lang : {"zh", "en"}
        Language of layer names, tooltips and popups.
    datum : {"wgs84", "gcj02"}
        Datum the browser draws in (``"gcj02"`` over an AMap basemap).
    show : bool
        Layers switched on at start.
    colors : dict, optional
        Category -> ``#rrggbb`` (default :func:`category_colors`).

    Returns
    -------
    list of PlatformCategoryLayer
        One per category present in ``platforms``, in category-table order.

    Examples
    --------
    >>> import gzgeo
    >>> m = folium.Map(tiles=None)
    >>> layers = add_platform_layers(m, gzgeo.load("platforms"))
    >>> sum(layer.count for layer in layers) == len(gzgeo.load("platforms"))
    True
    """
    return _add_layers(fmap, platforms, None, lang, datum, show, colors)


def _add_layers(
    fmap: folium.Map,
    platforms: gpd.GeoDataFrame,
    where: np.ndarray | None,
    lang: str = DEFAULT_LANGUAGE,
    datum: str = "wgs84",
    show: bool = True,
    colors: dict[str, str] | None = None,
) -> list[PlatformCategoryLayer]:
    """:func:`add_platform_layers` of ``platforms[where]`` (all rows for None), without taking that frame."""
    colors = colors if colors is not None else category_colors()
    cat_labels = category_labels(lang)
    payload, groups = _payload(platforms, where, lang, datum, list(colors))
    if not groups:
        return []
    data = _PlatformData(payload)
    data.add_to(fmap)
    layers = []
    for category, start, end in groups:
        color = safe_color(colors.get(category, _FALLBACK_COLOR))
        name = f"{_swatch(color)}{html.escape(cat_labels.get(category, category))} ({end - start})"
        layer = PlatformCategoryLayer(data, start, end, color, name, show=show)
        layer.add_to(fmap)
        layers.append(layer)
    return layers
