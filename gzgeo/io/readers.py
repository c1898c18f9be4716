"""Read a planner's table from CSV, XLSX, GeoJSON, GeoPackage or a zipped Shapefile."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..crs import WGS84

__all__ = ["TableSource", "read_table", "decode_text", "SPATIAL_SUFFIXES", "TABLE_SUFFIXES"]

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
SPATIAL_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".shp")


@dataclass
class TableSource:
    """A file read as strings: ``table`` (one row per record), ``geometry`` (WGS-84, spatial formats only).

    ``rows`` gives, for each record, the number a planner sees: the
    spreadsheet row (header = row 1) or the feature number.
    """

    table: pd.DataFrame
    geometry: gpd.GeoSeries | None
    format: str
    encoding: str
    rows: list[int]
    row_label: str
    crs: str = ""


def decode_text(data: bytes) -> tuple[str, str]:
    """Text of a CSV file and the encoding found: UTF-8 (with or without BOM), else GB18030 (covers GBK).

    Examples
    --------
    >>> decode_text("名称".encode("gbk"))
    ('名称', 'gb18030')
    >>> decode_text("\\ufeff名称".encode("utf-8"))
    ('名称', 'utf-8-sig')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: Excel's "CSV" on a Chinese Windows writes GBK
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 and not GBK/GB18030 text ({error.reason} at byte {error.start})") from error


def _strings(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.fillna("").astype(str)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.apply(lambda col: col.str.strip())


def _read_csv(path: Path) -> TableSource:
    text, encoding = decode_text(path.read_bytes())
    sep = "\t" if path.suffix.lower() == ".tsv" else None
    table = pd.read_csv(
        io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, engine="python", skip_blank_lines=False
    )
    table = _strings(table)
    rows = list(range(2, len(table) + 2))  # header is row 1
    blank = (table == "").all(axis=1).to_numpy()
    table, rows = table[~blank].reset_index(drop=True), [r for r, b in zip(rows, blank, strict=True) if not b]
    return TableSource(table, None, "csv", encoding, rows, "row")


def _read_excel(path: Path) -> TableSource:
    table = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    table = _strings(table)
    rows = list(range(2, len(table) + 2))
    blank = (table == "").all(axis=1).to_numpy()
    table, rows = table[~blank].reset_index(drop=True), [r for r, b in zip(rows, blank, strict=True) if not b]
    return TableSource(table, None, "xlsx", "xlsx", rows, "row")


def _read_spatial(path: Path) -> TableSource:
    target, fmt = str(path), path.suffix.lower().lstrip(".")
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            shapes = [n for n in archive.namelist() if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
        if not shapes:
            raise ValueError(f"{path.name}: no .shp inside the zip")
        # GDAL reads the .prj (CRS) and .cpg (text encoding) next to the .shp inside the archive
        target, fmt = f"/vsizip/{path}/{shapes[0]}", "shapefile (zip)"
    gdf = gpd.read_file(target, engine="pyogrio")
    crs = gdf.crs.to_string() if gdf.crs is not None else ""
    if gdf.crs is None:
        gdf = gdf.set_crs(WGS84)
    elif gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(WGS84)
    table = _strings(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
    return TableSource(
        table, gdf.geometry.reset_index(drop=True), fmt, "utf-8", list(range(1, len(gdf) + 1)), "feature", crs
    )


def read_table(path: str | Path) -> TableSource:
    """Read a planner's file, whatever its format, as strings (+ geometry in WGS-84 for spatial files).

    Parameters
    ----------
    path : str or path
        ``.csv``/``.txt``/``.tsv`` (UTF-8, UTF-8 with BOM or GBK/GB18030, found automatically), ``.xlsx``
        (first sheet), ``.geojson``/``.json``, ``.gpkg`` (first layer), ``.zip`` with a Shapefile (its
        ``.prj`` and ``.cpg`` are honoured) or ``.shp``.

    Returns
    -------
    TableSource

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "list.csv"
    >>> _ = f.write_bytes("名称,经度,纬度\\n某孵化器,113.45,23.17\\n".encode("gbk"))
    >>> source = read_table(f)
    >>> source.encoding, list(source.table.columns), source.rows
    ('gb18030', ['名称', '经度', '纬度'], [2])
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(path)
    if suffix in SPATIAL_SUFFIXES:
        return _read_spatial(path)
    raise ValueError(
        f"{path.name}: unsupported format {suffix or '(none)'}; use CSV, XLSX, GeoJSON, GeoPackage "
        "or a zipped Shapefile"
    )
