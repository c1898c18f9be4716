"""The web map's old home, kept as a re-export: the code lives in :mod:`gzgeo.webmap`.

``from gzgeo.maps import layout_map`` (and every other public name of :mod:`gzgeo.webmap`) keeps working.

>>> from gzgeo.maps import layout_map
>>> layout_map is __import__("gzgeo.webmap", fromlist=["layout_map"]).layout_map
True
"""

from .webmap import *  # noqa: F403 - the thin re-export is the point of this module
from .webmap import __all__  # noqa: F401
