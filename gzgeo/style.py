"""Constants and names shared by the interactive map, the static map and the view state.

One home for what several views must agree on, low in the import graph: it imports
nothing from the views, so ``viewstate``, ``orientation`` and ``pointlayer`` can use it
without climbing up to :mod:`gzgeo.maps`.

>>> from gzgeo.style import DEFAULT_LAYERS, ALL_LAYERS
>>> set(DEFAULT_LAYERS) <= set(ALL_LAYERS)
True
"""

from __future__ import annotations

from functools import lru_cache

from .i18n import normalise_language
from .layers import data_home, load

__all__ = ["GUANGZHOU_CENTER", "ALL_LAYERS", "DEFAULT_LAYERS", "district_name"]

#: Map centre (lat, lon) framing the city proper and the Huangpu/Nansha zones.
GUANGZHOU_CENTER = (23.12, 113.42)
#: Every overlay the map can draw, in drawing order.
ALL_LAYERS: tuple[str, ...] = ("districts", "metro", "zones", "parts", "cores", "nodes", "axis", "platforms",
                               "district_counts", "heatmap", "hulls", "rings")
#: Overlays shown when nothing else is asked for (the others are in the layer control, switched off).
DEFAULT_LAYERS: tuple[str, ...] = ("districts", "metro", "zones", "parts", "cores", "nodes", "axis", "platforms",
                                   "district_counts", "rings")


@lru_cache(maxsize=4)
def _district_names_en(home: str) -> dict[str, str]:
    # keyed by the data folder, so a test pointing GZGEO_DATA elsewhere gets its own table
    try:
        districts = load("districts")
    except FileNotFoundError:
        return {}
    return dict(zip(districts["name_zh"], districts["name_en"].fillna(""), strict=True))


def district_name(name_zh: str, lang: str) -> str:
    """The district's English name in English mode (the data store Chinese names), else the name as stored.

    Examples
    --------
    >>> district_name("黄埔区", "zh")
    '黄埔区'
    >>> district_name("黄埔区", "en")
    'Huangpu'
    """
    if normalise_language(lang) != "en":
        return name_zh
    return _district_names_en(str(data_home())).get(name_zh) or name_zh
