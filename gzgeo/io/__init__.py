"""Reading planners' own files: CSV (UTF-8 or GBK), Excel, GeoJSON, GeoPackage, zipped Shapefile.

:func:`read_table` turns any of them into a table of strings (plus geometry
for the spatial formats); :func:`gzgeo.io.importer.import_platforms` maps its
columns, converts coordinates and geocodes addresses.
"""

from .importer import ImportResult, import_platforms, map_columns
from .readers import TableSource, read_table

__all__ = ["read_table", "TableSource", "import_platforms", "ImportResult", "map_columns"]
