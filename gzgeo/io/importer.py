"""Import a planner's list of platforms into the workspace: map columns, convert datums, geocode, report.

Every row either becomes a platform (WGS-84, with precision and provenance:
file and row) or is reported with its row number and the reason it was
skipped; nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from ..crs import WGS84, convert
from ..geocode import Candidate, Provider, _check, geocode, parse_district
from ..layers import ESTIMATED_PRECISIONS, LOCATION_PRECISIONS, load
from ..workspace import current_actor, open_workspace
from ..workspace.base import EDITABLE_FIELDS
from .readers import TableSource, read_table

#: Columns of an import preview: the id, the fields a workspace stores (an imported list brings no
#: ``status_source``), the WGS-84 point, the file's row number, whether the point was geocoded and the action.
PREVIEW_COLUMNS: tuple[str, ...] = (
    "id",
    *(f for f in EDITABLE_FIELDS if f != "status_source"),
    "lon",
    "lat",
    "row",
    "geocoded",
    "action",
)

__all__ = ["ImportResult", "import_platforms", "map_columns", "HEADER_SYNONYMS"]

#: Headers recognised for each target field (compared without case, spaces, underscores and brackets).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "平台编号", "platformid", "代码"),
    "name_zh": (
        "name_zh",
        "名称",
        "名字",
        "平台名称",
        "机构名称",
        "单位名称",
        "项目名称",
        "中文名称",
        "中文名",
        "name",
        "平台",
        "机构",
    ),
    "name_en": ("name_en", "英文名称", "英文名", "englishname", "nameen"),
    "aliases": ("aliases", "别名", "简称"),
    "address": ("address", "地址", "详细地址", "单位地址", "所在地址", "addr", "位置", "地点"),
    "lon": ("lon", "lng", "long", "longitude", "经度", "x", "经度lon", "东经"),
    "lat": ("lat", "latitude", "纬度", "y", "纬度lat", "北纬"),
    "category": ("category", "类别", "类型", "平台类别", "平台类型", "分类", "type"),
    "district": ("district", "区", "行政区", "所在区", "区县", "所属区", "辖区"),
    "level": ("level", "级别", "等级", "层级"),
    "status": ("status", "状态", "建设状态"),
    "location_precision": ("location_precision", "precision", "精度", "位置精度", "定位精度"),
    "location_source": ("location_source", "位置来源", "坐标来源", "定位来源"),
    "notes": ("notes", "note", "备注", "说明", "remark", "remarks"),
}

_LEVELS = {
    "国家级": "national",
    "国家": "national",
    "省级": "provincial",
    "省": "provincial",
    "市级": "municipal",
    "市": "municipal",
    "区级": "district",
    "区": "district",
}
_STATUSES = {
    "运营": "operating",
    "运行": "operating",
    "已建成": "operating",
    "建成": "operating",
    "在建": "under_construction",
    "建设中": "under_construction",
    "规划": "planned",
    "拟建": "planned",
    "筹建": "planned",
}
_PRECISIONS = {
    "精确": "site",
    "门牌": "site",
    "建筑": "site",
    "园区": "campus_or_park",
    "校区": "campus_or_park",
    "片区": "zone",
    "区级": "district",
    "行政区": "district",
}
#: Plausible lon/lat in China (WGS-84, GCJ-02 and BD-09 alike).
_LON_RANGE, _LAT_RANGE = (73.0, 136.0), (3.0, 54.0)


def _key(header: str) -> str:
    return re.sub(r"[\s_\-()（）\[\]【】:：]", "", str(header)).lower()


def map_columns(headers: Sequence[str], overrides: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Which file column feeds which field: ``{field: header}``.

    Parameters
    ----------
    headers : sequence of str
        The file's column names.
    overrides : mapping, optional
        ``{field: header}`` chosen by the user (``--name-col`` ...); they win over the automatic match.

    Examples
    --------
    >>> map_columns(["名称", "地址", "经度", "纬度", "类别"])
    {'name_zh': '名称', 'address': '地址', 'lon': '经度', 'lat': '纬度', 'category': '类别'}
    >>> map_columns(["Name", "LNG", "Lat"], {"name_zh": "Name"})
    {'name_zh': 'Name', 'lon': 'LNG', 'lat': 'Lat'}
    """
    chosen: dict[str, str] = {}
    for field_name, header in (overrides or {}).items():
        if header:
            if header not in headers:
                raise ValueError(
                    f"column {header!r} (for {field_name}) is not in the file; columns: {', '.join(headers)}"
                )
            chosen[field_name] = header
    keys = {_key(h): h for h in headers}
    for field_name, synonyms in HEADER_SYNONYMS.items():
        if field_name in chosen:
            continue
        for synonym in synonyms:
            header = keys.get(_key(synonym))
            if header is not None and header not in chosen.values():
                chosen[field_name] = header
                break
    order = list(HEADER_SYNONYMS)
    return dict(sorted(chosen.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))


@dataclass
class ImportResult:
    """What an import found: the platforms it makes, the rows it skipped and why, and how columns mapped.

    Attributes
    ----------
    platforms : geopandas.GeoDataFrame
        One row per accepted record (WGS-84): ``id``, the platform fields, ``lon``/``lat`` (NaN for
        zone/district precision), ``row`` (file row number), ``geocoded``, ``action`` (``add`` or
        ``correct`` when the id is a bundled platform), geometry (the point, or the anchor's point).
    issues : pandas.DataFrame
        ``row``, ``severity`` (``skipped`` or ``warning``), ``reason``.
    mapping : dict
        ``{field: header}`` used; ``unmapped`` lists the file's other columns.
    candidates : dict
        ``{row: [Candidate, ...]}`` for geocoded rows (for review).
    batch : str or None
        The workspace batch once committed (:meth:`commit`).
    """

    path: str
    format: str
    encoding: str
    datum: str
    mapping: dict[str, str]
    unmapped: list[str]
    platforms: gpd.GeoDataFrame
    issues: pd.DataFrame
    candidates: dict[int, list[Candidate]] = field(default_factory=dict)
    batch: str | None = None

    def summary(self) -> str:
        """A few lines for the CLI and the app."""
        mapped = ", ".join(f"{h} → {f}" for f, h in self.mapping.items())
        skipped = int((self.issues["severity"] == "skipped").sum()) if len(self.issues) else 0
        lines = [
            f"{self.path}: {self.format}, encoding {self.encoding}, coordinates {self.datum}",
            f"columns: {mapped}" + (f" (not used: {', '.join(self.unmapped)})" if self.unmapped else ""),
            f"{len(self.platforms)} platform(s) ready ({int(self.platforms['geocoded'].sum())} geocoded), "
            f"{skipped} row(s) skipped",
        ]
        for row, severity, reason in self.issues[["row", "severity", "reason"]].itertuples(index=False):
            lines.append(f"  {self.row_label} {row}: {severity}: {reason}")
        if self.batch:
            lines.append(f"written to the workspace as batch {self.batch} (gzgeo workspace undo reverts it)")
        return "\n".join(lines)

    row_label: str = "row"

    def commit(self, workspace: Any = None, *, actor: str | None = None, rows: Sequence[int] | None = None) -> str:
        """Write the platforms (or only those of ``rows``) to the workspace in one transaction.

        Returns the batch id (``workspace.undo(batch=...)`` reverts it).
        """
        frame = self.platforms if rows is None else self.platforms[self.platforms["row"].isin(list(rows))]
        if frame.empty:
            raise ValueError("no platform to import")
        ws = workspace if workspace is not None else open_workspace()
        records = []
        for record in frame.drop(columns="geometry").to_dict("records"):
            if record.get("action") == "correct":  # a correction sets only what the file gives
                record = {k: v for k, v in record.items() if not (v == "" or (isinstance(v, float) and math.isnan(v)))}
            records.append(record)
        self.batch = ws.add_platforms(
            records,
            actor=actor or current_actor(),
            source=f"import {Path(self.path).name}",
            action="import",
            note=f"{len(records)} row(s) of {Path(self.path).name}",
        )
        return self.batch


def _category_lookup() -> dict[str, str]:
    categories = load("categories")
    lookup = {}
    for key, zh, en in zip(categories["id"], categories["name_zh"], categories["name_en"], strict=True):
        for label in (key, zh, en):
            lookup[_key(label)] = key
    lookup.update(
        {
            _key(k): v
            for k, v in {
                "孵化器": "incubator",
                "众创空间": "incubator",
                "加速器": "incubator",
                "新型研发机构": "innovation_institute",
                "研究院": "innovation_institute",
                "实验室": "provincial_lab",
                "省实验室": "provincial_lab",
                "高校": "university_institute",
                "产业园": "industrial_park",
                "园区": "industrial_park",
            }.items()
        }
    )
    return lookup


def _number(text: str) -> float | None:
    text = str(text).strip().replace("°", "").replace("，", ".")
    if not text:
        return None
    value = float(text)  # ValueError for non-numbers, reported by the caller
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _new_id(name: str, district: str, taken: set[str]) -> str:
    digest = hashlib.sha1(f"{name}|{district}".encode()).hexdigest()[:10]
    key = f"user-{digest}"
    n = 2
    while key in taken:
        key, n = f"user-{digest}-{n}", n + 1
    return key


def _precision(text: str, default: str) -> str:
    text = str(text or "").strip()
    if not text:
        return default
    if text in LOCATION_PRECISIONS:
        return text
    for label, value in _PRECISIONS.items():
        if label in text:
            return value
    raise ValueError(f"location precision {text!r} is not one of {', '.join(LOCATION_PRECISIONS)}")


def import_platforms(
    path: str | Path,
    *,
    datum: str = "wgs84",
    columns: Mapping[str, str | None] | None = None,
    precision: str = "site",
    geocode_addresses: bool = True,
    gazetteer: gpd.GeoDataFrame | None | bool = True,
    providers: Sequence[Provider] | None = None,
    workspace: Any = None,
    commit: bool = False,
    actor: str | None = None,
) -> ImportResult:
    """Read a planner's list of platforms and turn it into workspace additions and corrections.

    Parameters
    ----------
    path : str or path
        CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX, GeoJSON, GeoPackage or a zipped Shapefile.
    datum : {"wgs84", "gcj02", "bd09"}
        Datum of the file's coordinates: AMap/Tencent give GCJ-02, Baidu BD-09 (spatial files are first
        brought to EPSG:4326 from their declared CRS). Stored as WGS-84.
    columns : mapping, optional
        ``{field: header}`` overriding the automatic mapping (fields: ``name_zh``, ``address``, ``lon``,
        ``lat``, ``category``, ``district``, ``id``, ...).
    precision : {"site", "campus_or_park"}
        Precision of the file's coordinates when no precision column says otherwise.
    geocode_addresses : bool
        Locate rows that have an address (or only a name) and no coordinates with :func:`gzgeo.geocode`.
    gazetteer, providers
        Passed to :func:`gzgeo.geocode`.
    workspace : Workspace, optional
        Used as the geocoding cache, and written to when ``commit``.
    commit : bool
        Write the accepted rows to the workspace (one transaction).
    actor : str, optional
        Who imports (edit log); the OS user by default.

    Returns
    -------
    ImportResult

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "incubators.csv"
    >>> _ = f.write_text("名称,地址,经度,纬度\\n甲孵化器,黄埔区,113.45,23.17\\n乙,,abc,23.1\\n", encoding="gbk")
    >>> result = import_platforms(f)
    >>> len(result.platforms), result.issues[["row", "reason"]].values.tolist()
    (1, [[3, "lon 'abc' is not a number"]])
    """
    path = Path(path)
    if precision not in ("site", "campus_or_park"):
        raise ValueError("precision of coordinates must be site or campus_or_park")
    source = read_table(path)
    mapping = map_columns(list(source.table.columns), columns)
    if "name_zh" not in mapping and "id" not in mapping:
        raise ValueError(
            f"{path.name}: no name column found among {', '.join(source.table.columns)}; choose one with --name-col"
        )
    has_xy = "lon" in mapping and "lat" in mapping
    if ("lon" in mapping) != ("lat" in mapping):
        raise ValueError(f"{path.name}: found only one of the longitude/latitude columns ({mapping})")
    unmapped = [c for c in source.table.columns if c not in mapping.values()]
    return _build(
        path,
        source,
        mapping,
        unmapped,
        datum,
        precision,
        has_xy,
        geocode_addresses,
        gazetteer,
        providers,
        workspace,
        commit,
        actor,
    )


def _build(
    path: Path,
    source: TableSource,
    mapping: dict[str, str],
    unmapped: list[str],
    datum: str,
    default_precision: str,
    has_xy: bool,
    geocode_addresses: bool,
    gazetteer: Any,
    providers: Sequence[Provider] | None,
    workspace: Any,
    commit: bool,
    actor: str | None,
) -> ImportResult:
    bundled = load("platforms", workspace=False)
    bundled_ids = set(bundled["id"])
    current_ids = set(load("platforms")["id"])
    categories = _category_lookup()
    records, issues, candidates = [], [], {}
    seen: set[str] = set()
    table = source.table

    def cell(i: int, name: str) -> str:
        header = mapping.get(name)
        return str(table.at[i, header]).strip() if header else ""

    for i, row_number in enumerate(source.rows):

        def skip(reason: str, row_number: int = row_number) -> None:
            issues.append({"row": row_number, "severity": "skipped", "reason": reason})

        def warn(reason: str, row_number: int = row_number) -> None:
            issues.append({"row": row_number, "severity": "warning", "reason": reason})

        key, name = cell(i, "id"), cell(i, "name_zh")
        is_correction = key in bundled_ids or (key and key in current_ids)
        if not name and not is_correction:
            skip("no name")
            continue
        district_text = cell(i, "district")
        district = parse_district(district_text) if district_text else None
        if district_text and district is None:
            skip(f"district {district_text!r} is not a Guangzhou district")
            continue
        try:
            precision = _precision(cell(i, "location_precision"), default_precision)
        except ValueError as error:
            skip(str(error))
            continue

        point = None
        if source.geometry is not None and source.geometry.iloc[i] is not None and not source.geometry.iloc[i].is_empty:
            geom = source.geometry.iloc[i]
            if geom.geom_type != "Point":
                geom = geom.representative_point()
                if precision == "site":
                    precision = "campus_or_park"
                    warn(f"{source.geometry.iloc[i].geom_type} drawn at a point inside it: campus_or_park precision")
            point = (geom.x, geom.y)
        elif has_xy:
            lon_text, lat_text = cell(i, "lon"), cell(i, "lat")
            if lon_text or lat_text:
                try:
                    lon = _number(lon_text)
                except ValueError:
                    skip(f"lon {lon_text!r} is not a number")
                    continue
                try:
                    lat = _number(lat_text)
                except ValueError:
                    skip(f"lat {lat_text!r} is not a number")
                    continue
                if lon is None or lat is None:
                    skip("only one of lon/lat is given")
                    continue
                if not (_LON_RANGE[0] <= lon <= _LON_RANGE[1] and _LAT_RANGE[0] <= lat <= _LAT_RANGE[1]):
                    swapped = _LON_RANGE[0] <= lat <= _LON_RANGE[1] and _LAT_RANGE[0] <= lon <= _LAT_RANGE[1]
                    skip(f"lon/lat {lon}, {lat} " + ("look swapped" if swapped else "are not a place in China"))
                    continue
                point = (lon, lat)

        geocoded, candidate, anchor = False, None, ""
        if point is not None:
            wlon, wlat = convert(point[0], point[1], datum, "wgs84") if datum != "wgs84" else point
            check = _check(Candidate(wlon, wlat, "site", "file", "", point=(wlon, wlat)), district)
            if not check.accepted:
                skip(check.reason)
                continue
            district = district or check.district
            lon, lat = wlon, wlat
            if precision in ESTIMATED_PRECISIONS:
                anchor, lon, lat = district, None, None
                warn(f"{precision} precision: the point is not kept, the platform is drawn in {district}")
            location_source = f"{path.name} {source.row_label} {row_number} ({datum})"
        elif is_correction and not cell(i, "address"):
            lon = lat = None
            location_source = ""
        else:
            query = cell(i, "address") or name
            if not geocode_addresses:
                skip("no coordinates (geocoding is off)")
                continue
            result = geocode(query, district=district, gazetteer=gazetteer, providers=providers, cache=workspace)
            candidates[row_number] = result.candidates
            candidate = result.best
            if candidate is None:
                skip(f"address {query!r} not located: {result.reason}")
                continue
            geocoded, precision = True, candidate.precision
            lon, lat, anchor = candidate.lon, candidate.lat, candidate.anchor
            district = district or candidate.district
            location_source = candidate.source
            if precision in ESTIMATED_PRECISIONS:
                warn(f"located only to {precision} {candidate.label} ({candidate.provider})")
        if not district and not is_correction:
            skip("no district and none could be found")
            continue

        if not key:
            # the same name in the same district gets the same id: importing a list again updates its rows
            key = _new_id(name, district or "", seen)
        if key in seen:
            skip(f"id {key} appears twice in the file")
            continue
        seen.add(key)
        category_text = cell(i, "category")
        category = categories.get(_key(category_text), "") if category_text else ""
        if category_text and not category:
            category = "other"
            warn(f"category {category_text!r} unknown: imported as other")
        level_text, status_text = cell(i, "level"), cell(i, "status")
        level = level_text if level_text in _LEVELS.values() else _LEVELS.get(level_text, "")
        status = (
            status_text
            if status_text in _STATUSES.values()
            else next((v for k, v in _STATUSES.items() if k in status_text), "")
        )
        record = {
            "id": key,
            "name_zh": name,
            "name_en": cell(i, "name_en") or ("" if is_correction else name),
            "aliases": cell(i, "aliases"),
            "category": category or ("" if is_correction else "other"),
            "level": level,
            "status": status,
            "district": district or "",
            "address": cell(i, "address"),
            "location_precision": precision if (lon is not None or anchor or not is_correction) else "",
            "anchor": anchor,
            "location_source": cell(i, "location_source") or location_source,
            "source_file": path.name,
            "source_clause": f"{source.row_label} {row_number}",
            "notes": cell(i, "notes"),
            "lon": lon,
            "lat": lat,
            "row": row_number,
            "geocoded": geocoded,
            "action": "correct" if is_correction else ("update" if key in current_ids else "add"),
        }
        if is_correction:
            record["source_file"] = record["source_clause"] = ""
        records.append(record)

    frame = pd.DataFrame(records, columns=list(PREVIEW_COLUMNS))
    frame["lon"] = pd.to_numeric(frame["lon"], errors="coerce")
    frame["lat"] = pd.to_numeric(frame["lat"], errors="coerce")
    frame["geocoded"] = frame["geocoded"].astype(bool)
    geometry = [
        shapely.Point(x, y) if pd.notna(x) and pd.notna(y) else None
        for x, y in zip(frame["lon"], frame["lat"], strict=True)
    ]
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84)
    result = ImportResult(
        str(path),
        source.format,
        source.encoding,
        datum,
        mapping,
        unmapped,
        gdf,
        pd.DataFrame(issues, columns=["row", "severity", "reason"]),
        candidates,
        row_label=source.row_label,
    )
    if commit and len(gdf):
        result.commit(workspace, actor=actor)
    return result
