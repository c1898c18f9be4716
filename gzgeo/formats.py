"""The export formats: one list for :func:`gzgeo.export.export_bytes`, the CLI and the app.

A module of its own, importing nothing, so the command line can offer the formats
without loading the exporters (``gzgeo --help`` stays fast).

>>> list(EXPORT_FORMATS)[:3]
['png', 'svg', 'pdf']
"""

from __future__ import annotations

__all__ = ["EXPORT_FORMATS"]

#: Format -> (file extension, MIME type) of everything :func:`gzgeo.export.export_bytes` produces.
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "png": (".png", "image/png"),
    "svg": (".svg", "image/svg+xml"),
    "pdf": (".pdf", "application/pdf"),
    "pptx": (".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "html": (".html", "text/html"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "geojson": (".geojson", "application/geo+json"),
    "csv": (".csv", "text/csv"),
}
