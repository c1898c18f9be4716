"""The web map's fixed layers: districts, metro, zones and their parts, cores, nodes and the axis.

These are the bundled polygon and line layers, the same in every run: their GeoJSON
text is built once per datum and cached; every property shown in a tooltip is
HTML-escaped (folium puts tooltip values into the page as HTML).
"""

from __future__ import annotations

import json
from collections.abc import Container, Sequence
from functools import lru_cache

import folium
import numpy as np
import shapely

from ..crs import convert_frame
from ..i18n import t
from ..layers import data_home, is_top_level, load
from ..literalrender import CompactGeoJson
from ..orientation import add_metro_layer
from ..safe import escape_html
from ..style import DISPLAY_DECIMALS, DISPLAY_TOLERANCE_M, display_geometry  # their home before: here
from .styles import AXIS_STYLE, CORE_STYLE, DISTRICT_STYLE, DISTRICT_STYLE_TILES, NODE_STYLE, PART_STYLE, ZONE_STYLE

__all__ = ["DISPLAY_DECIMALS", "DISPLAY_TOLERANCE_M", "add_fixed_layers", "display_geometry", "fixed_layer"]


@lru_cache(maxsize=64)
def _layer_geojson(name: str, home: str, datum: str, top_level: bool | None, fields: tuple[str, ...]) -> str:
    """GeoJSON text of a bundled polygon/line layer in ``datum`` (cached: these layers never change in a run)."""
    gdf = load(name)
    if top_level is not None:
        is_top = is_top_level(gdf)
        gdf = gdf[is_top if top_level else ~is_top]
    keep = [c for c in fields if c in gdf.columns]
    data = gdf[[*keep, "geometry"]].copy()
    data["geometry"] = display_geometry(data.geometry)
    if datum != "wgs84":
        data = convert_frame(data, "wgs84", datum)
    data["geometry"] = shapely.transform(data.geometry.to_numpy(), lambda xy: np.round(xy, DISPLAY_DECIMALS))
    for col in keep:
        # folium.GeoJsonTooltip puts property values into the page as HTML, unescaped.
        data[col] = data[col].map(escape_html)
    return data.to_json(drop_id=True, ensure_ascii=False)


@lru_cache(maxsize=64)
def _layer_data(name: str, home: str, datum: str, top_level: bool | None, fields: tuple[str, ...]) -> dict:
    """:func:`_layer_geojson` parsed, shared by every map (folium only reads it; parsing took 50 ms a map)."""
    return json.loads(_layer_geojson(name, home, datum, top_level, fields))


def fixed_layer(
    name: str,
    datum: str,
    label: str,
    style: dict,
    fields: Sequence[str],
    aliases: Sequence[str],
    show: bool,
    top_level: bool | None = None,
) -> folium.GeoJson | None:
    """One bundled layer as a ``folium.GeoJson`` with a tooltip; None when the layer is missing or empty.

    Parameters
    ----------
    name : str
        A layer of :func:`gzgeo.load` (``"zones"``, ``"axis"``, ...).
    datum : {"wgs84", "gcj02"}
        Datum of the coordinates written (see :func:`gzgeo.basemaps.overlay_datum`).
    label : str
        Name in the layer control.
    style : dict
        Leaflet path style.
    fields, aliases : sequence of str
        Properties shown in the tooltip and their headings (fields the layer lacks are skipped).
    show : bool
        Whether the layer starts switched on.
    top_level : bool, optional
        For ``zones``: True keeps the top-level zones, False their parts (:func:`gzgeo.layers.is_top_level`).

    Examples
    --------
    >>> layer = fixed_layer("zones", "wgs84", "zones", {"color": "#b2182b"}, ["name_zh"], ["名称"], True,
    ...                     top_level=True)
    >>> len(layer.data["features"])
    4
    """
    try:
        data = _layer_data(name, str(data_home()), datum, top_level, tuple(fields))
    except FileNotFoundError:
        return None
    if not data["features"]:
        return None
    present = [f for f in fields if f in data["features"][0]["properties"]]
    return CompactGeoJson(
        data,
        shared_data=True,
        name=label,
        show=show,
        style_function=lambda _f, s=style: dict(s),
        tooltip=folium.GeoJsonTooltip(fields=present, aliases=[aliases[list(fields).index(f)] for f in present])
        if present
        else None,
    )


def add_fixed_layers(fmap: folium.Map, wanted: Container[str], lang: str, datum: str, has_tiles: bool) -> None:
    """Add the districts, the metro, the zones and their parts, the cores, the nodes and the axis to ``fmap``.

    Parameters
    ----------
    fmap : folium.Map
    wanted : container of str
        Layers switched on (the others are added switched off, to the layer control).
    lang : {"zh", "en"}
        Language of layer names and tooltips.
    datum : {"wgs84", "gcj02"}
        Datum of the overlays (:func:`gzgeo.basemaps.overlay_datum`).
    has_tiles : bool
        Whether a basemap draws tiles: the districts are then outlines only.

    Examples
    --------
    >>> m = folium.Map(tiles=None)
    >>> add_fixed_layers(m, {"zones"}, "en", "wgs84", has_tiles=False)
    >>> sum(isinstance(c, folium.GeoJson) for c in m._children.values()) >= 6
    True
    """
    zone_fields = ["name_zh", "name_en", "official_area_km2", "area_km2", "geometry_quality", "precision_note"]
    zone_aliases = [
        t("name", lang),
        "Name",
        t("official_km2", lang),
        t("mapped_km2", lang),
        t("geometry_quality", lang),
        t("precision_note", lang),
    ]
    polygon_fields = ["name_zh", "name_en", "role", "area_km2"]
    polygon_aliases = [t("name", lang), "Name", "role", "km²"]
    districts = fixed_layer(
        "districts",
        datum,
        t("layer_districts", lang),
        DISTRICT_STYLE_TILES if has_tiles else DISTRICT_STYLE,
        ["name_zh", "name_en", "area_km2"],
        [t("district", lang), "District", "km²"],
        "districts" in wanted,
    )
    above_metro = [
        fixed_layer(
            "zones",
            datum,
            t("layer_zones", lang),
            ZONE_STYLE,
            zone_fields,
            zone_aliases,
            "zones" in wanted,
            top_level=True,
        ),
        fixed_layer(
            "zones",
            datum,
            t("layer_parts", lang),
            PART_STYLE,
            zone_fields,
            zone_aliases,
            "parts" in wanted,
            top_level=False,
        ),
        fixed_layer(
            "cores", datum, t("layer_cores", lang), CORE_STYLE, polygon_fields, polygon_aliases, "cores" in wanted
        ),
        fixed_layer(
            "nodes", datum, t("layer_nodes", lang), NODE_STYLE, polygon_fields, polygon_aliases, "nodes" in wanted
        ),
        fixed_layer(
            "axis",
            datum,
            t("layer_axis", lang),
            AXIS_STYLE,
            ["name_zh", "name_en", "length_km", "geometry_quality"],
            [t("name", lang), "Name", t("length_km", lang), t("geometry_quality", lang)],
            "axis" in wanted,
        ),
    ]
    # Drawing order: districts at the bottom, the metro over them, the plan's layers on top.
    if districts is not None:
        districts.add_to(fmap)
    add_metro_layer(fmap, lang=lang, datum=datum, show="metro" in wanted)
    for layer in above_metro:
        if layer is not None:
            layer.add_to(fmap)
