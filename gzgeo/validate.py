"""Validation of every layer: schema, geometry, bounds, ids, provenance, consistency.

:func:`validate` returns a :class:`ValidationReport`; a clean report is what
lets a planner trust the map. The checks are data-driven: they read the same
files :func:`gzgeo.load` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

import geopandas as gpd
import pandas as pd
import shapely

from .crs import GUANGZHOU_METRIC_CRS
from .geocoding import DATUMS, PRECISE, PRECISION_DECIMALS, decimals
from .layers import LAYERS, LEVELS, LOCATION_PRECISIONS, STATUSES, load
from .plans import check_plan_mentions
from .safe import has_markup, is_color, is_id

__all__ = ["Problem", "ValidationReport", "validate", "GUANGZHOU_BOUNDS"]

#: Guangzhou's extent in WGS-84 degrees (west, south, east, north), with a small margin.
GUANGZHOU_BOUNDS = (112.94, 22.50, 114.08, 23.95)
#: Tolerance for "a platform lies in its stated district": boundaries are simplified to 20 m.
DISTRICT_TOLERANCE_M = 100.0
#: Share of a zone's area that must lie within the districts it lists.
ZONE_IN_DISTRICTS_MIN_SHARE = 0.95
#: Zone polygons must be within this relative error of the official area.
ZONE_AREA_TOLERANCE = 0.15
#: District areas after simplification must stay within this of the source.
DISTRICT_AREA_TOLERANCE = 0.03

#: Farthest a located platform may lie from the gazetteer place it names (metres, EPSG:4547): a campus or
#: park reaches ≈1 km from its point, and an anchor point itself may be off by a few hundred metres.
PLACE_DISTANCE_M = {"site": 1500.0, "campus_or_park": 1500.0}
#: Farthest a located platform may lie outside the zone/node polygon it names as ``anchor``: zone outlines
#: are approximate (±0.5–2 km, see their precision_note).
ANCHOR_TOLERANCE_M = 1000.0
#: Most precisely located platforms that may share one coordinate without sharing a gazetteer place.
MAX_SHARED_POINT = 2

_GEOMETRY_FAMILIES = {
    "Polygon": {"Polygon", "MultiPolygon"},
    "LineString": {"LineString", "MultiLineString"},
    "Point": {"Point"},
}


@dataclass(frozen=True)
class Problem:
    """One failed check.

    Attributes
    ----------
    layer : str
    check : str
        Short name of the check (``schema``, ``geometry``, ``bounds``, ...).
    feature : str
        The id of the offending row, or ``""`` for the whole layer.
    message : str
    """

    layer: str
    check: str
    feature: str
    message: str


@dataclass
class ValidationReport:
    """Outcome of :func:`validate`.

    Attributes
    ----------
    problems : list of Problem
    checked : dict
        Layer name -> number of rows checked.
    """

    problems: list[Problem] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.problems

    def to_frame(self) -> pd.DataFrame:
        """The problems as a DataFrame with columns layer, check, feature, message."""
        return pd.DataFrame([p.__dict__ for p in self.problems], columns=["layer", "check", "feature", "message"])

    def __str__(self) -> str:
        rows = ", ".join(f"{k} {v}" for k, v in self.checked.items())
        if self.ok:
            return f"gzgeo validation: clean ({rows})"
        lines = [f"gzgeo validation: {len(self.problems)} problem(s) ({rows})"]
        lines += [f"- [{p.layer}/{p.check}] {p.feature}: {p.message}" for p in self.problems]
        return "\n".join(lines)

    def add(self, layer: str, check: str, feature: object, message: str) -> None:
        self.problems.append(Problem(layer, check, str(feature), message))


def _ids(frame: pd.DataFrame) -> pd.Series:
    for col in ("id", "adcode", "platform_id"):
        if col in frame:
            return frame[col].astype(str)
    return frame.index.astype(str).to_series(index=frame.index)


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype(str).str.strip() == "")


def _check_schema(report: ValidationReport, name: str, frame: pd.DataFrame) -> None:
    spec = LAYERS[name]
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        report.add(name, "schema", "", f"missing columns: {', '.join(missing)}")
    if "id" in frame and frame["id"].duplicated().any():
        dups = sorted(set(frame.loc[frame["id"].duplicated(), "id"]))
        report.add(name, "unique_ids", "", f"duplicate ids: {', '.join(map(str, dups))}")


def _check_not_blank(report: ValidationReport, name: str, frame: pd.DataFrame, columns: Iterable[str]) -> None:
    ids = _ids(frame)
    for col in columns:
        if col not in frame:
            continue
        for key in ids[_blank(frame[col])]:
            report.add(name, "provenance", key, f"{col} is empty")


def _check_geometry(report: ValidationReport, name: str, gdf: gpd.GeoDataFrame) -> None:
    spec = LAYERS[name]
    ids = _ids(gdf)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        report.add(name, "crs", "", f"layer CRS is {gdf.crs}, expected EPSG:4326")
    allowed = _GEOMETRY_FAMILIES[cast(str, spec.geometry)]  # only spatial layers come here
    geoms = gdf.geometry.values
    missing = gdf.geometry.isna() | shapely.is_empty(geoms)
    for key in ids[missing]:
        report.add(name, "geometry", key, "missing or empty geometry")
    present = ~missing
    for key, kind in zip(ids[present], gdf.geometry[present].geom_type, strict=True):
        if kind not in allowed:
            report.add(name, "geometry", key, f"geometry is {kind}, expected {spec.geometry}")
    for key, reason in zip(ids[present], shapely.is_valid_reason(geoms[present.to_numpy()]), strict=True):
        if reason != "Valid Geometry":
            report.add(name, "geometry", key, f"invalid geometry: {reason}")
    west, south, east, north = GUANGZHOU_BOUNDS
    bounds = gdf.geometry[present].bounds
    outside = (bounds.minx < west) | (bounds.maxx > east) | (bounds.miny < south) | (bounds.maxy > north)
    for key in ids[present][outside]:
        report.add(name, "bounds", key, "extends outside Guangzhou's WGS-84 bounds")


def _check_safe_values(report: ValidationReport, name: str, frame: pd.DataFrame) -> None:
    """Text must not be markup; values that become code or style (ids, colours) must be well formed.

    Drawing code escapes text and falls back on invalid colours, so these are data errors, not holes;
    they are reported so that a poisoned or careless file is noticed.
    """
    ids = _ids(frame)
    for col in frame.columns:
        values = frame[col]
        if isinstance(values, gpd.GeoSeries) or not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        text = values.map(lambda v: v if isinstance(v, str) else "")
        flagged = text.map(has_markup)
        for key, value in zip(ids[flagged], text[flagged], strict=True):
            report.add(name, "markup", key, f"{col} contains markup: {value[:60]!r}")
    if "id" in frame:
        for key in frame["id"][~frame["id"].map(is_id)]:
            report.add(name, "id", key, "id must be letters, digits, '_', '.', ':', '+' or '-' (at most 64 characters)")
    if "color" in frame:
        for key, value in zip(
            ids[~frame["color"].map(is_color)], frame["color"][~frame["color"].map(is_color)], strict=True
        ):
            report.add(name, "color", key, f"color {value!r} is not #rrggbb")


def _check_skipped(report: ValidationReport, name: str, frame: pd.DataFrame) -> None:
    for entry in frame.attrs.get("skipped_rows", []):
        check = "anchor" if "anchor" in entry["reason"] else "coordinates"
        report.add(
            name, check, entry["id"] or entry["row"], f"{entry['file']} {entry['row']}: {entry['reason']} (row skipped)"
        )


def _check_areas(report: ValidationReport, name: str, gdf: gpd.GeoDataFrame, official: str, tol: float) -> None:
    measured = gdf.to_crs(GUANGZHOU_METRIC_CRS).area / 1e6
    reference = pd.to_numeric(gdf[official], errors="coerce")
    for key, m, r, stated in zip(_ids(gdf), measured, reference, gdf["area_km2"], strict=True):
        if pd.isna(r) or r <= 0:
            report.add(name, "area", key, f"{official} is missing")
            continue
        if abs(m - r) / r > tol:
            report.add(name, "area", key, f"area {m:.2f} km² is more than {tol:.0%} from {official} {r:.2f} km²")
        if abs(float(stated) - m) > max(0.01 * m, 0.01):
            report.add(name, "area", key, f"stated area_km2 {stated} differs from measured {m:.2f}")


def _check_zones_in_districts(report: ValidationReport, zones: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> None:
    zm = zones.to_crs(GUANGZHOU_METRIC_CRS)
    dm = districts.to_crs(GUANGZHOU_METRIC_CRS).set_index("name_zh")
    for key, listed, geom in zip(zm["id"], zm["districts"], zm.geometry, strict=True):
        names = [n for n in str(listed).split("|") if n]
        unknown = [n for n in names if n not in dm.index]
        if unknown or not names:
            report.add("zones", "districts", key, f"lists unknown districts: {unknown or listed!r}")
            continue
        inside = geom.intersection(shapely.union_all(dm.loc[names].geometry.values)).area / geom.area
        if inside < ZONE_IN_DISTRICTS_MIN_SHARE:
            report.add("zones", "districts", key, f"only {inside:.1%} of its area lies in {'、'.join(names)}")


def _check_parents(report: ValidationReport, zones: gpd.GeoDataFrame) -> None:
    zm = zones.to_crs(GUANGZHOU_METRIC_CRS).set_index("id")
    for key, parent in zm["parent"].items():
        if not parent:
            continue
        if parent not in zm.index:
            report.add("zones", "parent", key, f"parent {parent!r} is not a zone")
            continue
        geom = zm.geometry[key]
        share = geom.intersection(zm.geometry[parent]).area / geom.area
        if share < ZONE_IN_DISTRICTS_MIN_SHARE:
            report.add("zones", "parent", key, f"only {share:.1%} lies inside its parent {parent}")


def _check_platforms(
    report: ValidationReport,
    platforms: gpd.GeoDataFrame,
    tables: dict[str, pd.DataFrame],
    districts: gpd.GeoDataFrame,
    anchors: set[str],
    anchor_polygons: Mapping[str, object] | None = None,
) -> None:
    ids = platforms["id"]
    for col, allowed in (("level", LEVELS), ("status", STATUSES), ("location_precision", LOCATION_PRECISIONS)):
        for key in ids[~platforms[col].isin(allowed)]:
            report.add("platforms", col, key, f"{col} must be one of {', '.join(allowed)}")
    for key in ids[~platforms["category"].isin(set(tables["categories"]["id"]))]:
        report.add("platforms", "category", key, "category is not in categories.csv")
    for key in ids[~platforms["district"].isin(set(districts["name_zh"]))]:
        report.add("platforms", "district", key, "district is not one of the 11 districts")

    surveyed = ~platforms["location_is_estimate"]
    has_point = platforms["lon"].notna() & platforms["lat"].notna()
    for key in ids[surveyed & ~has_point]:
        report.add("platforms", "precision", key, "site/campus precision but no lon/lat")
    for key in ids[~surveyed & has_point]:
        report.add("platforms", "precision", key, "zone/district precision must not carry an exact lon/lat")
    for key in ids[~surveyed & ~platforms["anchor"].isin(anchors)]:
        report.add("platforms", "anchor", key, "zone/district precision needs an anchor polygon id or district")

    pm = platforms[platforms.geometry.notna()].to_crs(GUANGZHOU_METRIC_CRS)
    dm = districts.to_crs(GUANGZHOU_METRIC_CRS).set_index("name_zh")
    for key, district, point in zip(pm["id"], pm["district"], pm.geometry, strict=True):
        if district in dm.index and point.distance(dm.geometry[district]) > DISTRICT_TOLERANCE_M:
            actual = dm.index[dm.geometry.contains(point)]
            where = actual[0] if len(actual) else "outside every district"
            report.add("platforms", "district", key, f"point lies in {where}, not in its stated {district}")

    _check_located(report, platforms, tables, anchor_polygons)

    members = tables["memberships"]
    unknown = members[~members["platform_id"].isin(set(ids))]
    for key in unknown["platform_id"]:
        report.add("memberships", "reference", key, "platform_id not in platforms")
    for key in members.loc[~members["framework"].isin(set(tables["frameworks"]["id"])), "framework"]:
        report.add("memberships", "reference", key, "framework not in frameworks.csv")
    for key in ids[~ids.isin(set(members["platform_id"]))]:
        report.add("platforms", "membership", key, "no plan membership")
    seeds = set(tables["policies"]["source_file"])
    for key in ids[~platforms["source_file"].isin(seeds)]:
        report.add("platforms", "provenance", key, "source_file is not one of the policy documents")


def _check_located(
    report: ValidationReport,
    platforms: gpd.GeoDataFrame,
    tables: dict[str, pd.DataFrame],
    anchor_polygons: Mapping[str, object] | None,
) -> None:
    """Rules for platforms with a point of their own (``site``, ``campus_or_park``).

    Each has a source and the datum of the source coordinate; a point lies near the gazetteer place it names
    and inside (within :data:`ANCHOR_TOLERANCE_M`) the zone or node it names as ``anchor``; no more than
    :data:`MAX_SHARED_POINT` share one coordinate unless they share a place; no coordinate carries more
    decimals than its precision supports.
    """
    located = platforms[platforms["location_precision"].isin(PRECISE)]
    if located.empty:
        return
    place_ids = located.get("place_id", pd.Series("", index=located.index)).fillna("").astype(str)
    datums = located.get("datum_source", pd.Series("", index=located.index)).fillna("").astype(str)
    for key in located["id"][_blank(located["location_source"])]:
        report.add("platforms", "located", key, "site/campus precision needs a location_source")
    for key, datum in zip(located["id"], datums, strict=True):
        if datum not in DATUMS:
            report.add("platforms", "datum", key, f"datum_source {datum!r} must be one of {', '.join(DATUMS)}")
    for key, precision, lon, lat in zip(
        located["id"], located["location_precision"], located["lon"], located["lat"], strict=True
    ):
        most = PRECISION_DECIMALS[precision]
        if max(decimals(lon), decimals(lat)) > most:
            report.add("platforms", "decimals", key, f"coordinates carry more than {most} decimals for {precision}")

    metric = located.to_crs(GUANGZHOU_METRIC_CRS)
    places = tables.get("places")
    place_geoms = {}
    if places is not None and len(places):
        pm = cast(gpd.GeoDataFrame, places[places.geometry.notna()]).to_crs(GUANGZHOU_METRIC_CRS)
        place_geoms = dict(zip(pm["id"], pm.geometry, strict=True))
    for key, place, precision, point in zip(
        metric["id"], place_ids, metric["location_precision"], metric.geometry, strict=True
    ):
        if not place:
            continue
        if place not in place_geoms:
            report.add("platforms", "place", key, f"place_id {place!r} is not in the places gazetteer")
        elif point.distance(place_geoms[place]) > PLACE_DISTANCE_M[precision]:
            report.add(
                "platforms",
                "place",
                key,
                f"lies {point.distance(place_geoms[place]):.0f} m from its place "
                f"{place}, more than {PLACE_DISTANCE_M[precision]:.0f} m",
            )
    if anchor_polygons:
        for key, anchor, point in zip(metric["id"], metric["anchor"].fillna(""), metric.geometry, strict=True):
            polygon = anchor_polygons.get(anchor)
            if polygon is not None and point.distance(polygon) > ANCHOR_TOLERANCE_M:
                report.add(
                    "platforms", "anchor", key, f"lies {point.distance(polygon):.0f} m outside its anchor {anchor}"
                )
    coords = located["lon"].round(6).astype(str) + "," + located["lat"].round(6).astype(str)
    for coord, group in located.assign(_coord=coords.to_numpy(), _place=place_ids.to_numpy()).groupby("_coord"):
        unshared = group if group["_place"].nunique() > 1 or (group["_place"] == "").all() else group.iloc[:0]
        if len(unshared) > MAX_SHARED_POINT:
            report.add(
                "platforms",
                "shared_point",
                "|".join(unshared["id"]),
                f"{len(unshared)} precisely located platforms share {coord} without sharing a place",
            )


def _check_places(report: ValidationReport, places: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> None:
    ids = places["id"]
    _check_not_blank(report, "places", places, ("name_zh", "kind", "source", "datum_source", "precision"))
    for key in ids[~places["datum_source"].isin(DATUMS)]:
        report.add("places", "datum", key, f"datum_source must be one of {', '.join(DATUMS)}")
    for key in ids[~places["precision"].isin(PRECISE)]:
        report.add("places", "precision", key, f"precision must be one of {', '.join(PRECISE)}")
    for key, precision, lon, lat in zip(ids, places["precision"], places["lon"], places["lat"], strict=True):
        most = PRECISION_DECIMALS.get(precision, 6)
        if max(decimals(lon), decimals(lat)) > most:
            report.add("places", "decimals", key, f"coordinates carry more than {most} decimals for {precision}")
    if "district" in places:
        pm = places.to_crs(GUANGZHOU_METRIC_CRS)
        dm = districts.to_crs(GUANGZHOU_METRIC_CRS).set_index("name_zh")
        for key, district, point in zip(pm["id"], pm["district"], pm.geometry, strict=True):
            if district and district in dm.index and point.distance(dm.geometry[district]) > DISTRICT_TOLERANCE_M:
                report.add("places", "district", key, f"point does not lie in its stated {district}")


def _check_targets(report: ValidationReport, tables: dict[str, pd.DataFrame]) -> None:
    targets = tables["targets"]
    for key in targets.loc[~targets["policy_id"].isin(set(tables["policies"]["id"])), "id"]:
        report.add("targets", "reference", key, "policy_id not in policies")
    categories = set(tables["categories"]["id"])
    for key, listed in zip(targets["id"], targets["countable_category"], strict=True):
        bad = [c for c in str(listed).split("|") if c and c not in categories]
        if bad:
            report.add("targets", "reference", key, f"unknown categories {bad}")
    for key in targets.loc[targets["target_value"].isna(), "id"]:
        report.add("targets", "value", key, "target_value is not a number")


def validate() -> ValidationReport:
    """Check every layer and return a report.

    Checks: the schema of every layer; no markup in any text, well-formed
    ids and ``#rrggbb`` colours; no row skipped for bad coordinates; valid, non-empty geometries of the
    right type inside Guangzhou's WGS-84 bounds; unique ids; provenance and
    location precision filled in everywhere; district areas within 3% of the
    source; zone areas within ±15% of the official figures and inside the
    districts they list; parts inside their parent; each platform inside its
    stated district (within 100 m); each located (site/campus) platform cited, with the datum of its
    source, near the gazetteer place and inside the zone it names, not piled on a shared point, with no more
    decimals than its precision supports; every place cited with datum and precision; all references between
    tables resolve.

    Returns
    -------
    ValidationReport
        ``report.ok`` is True when every check passed; ``print(report)``
        lists the problems.

    Examples
    --------
    >>> import gzgeo
    >>> report = gzgeo.validate()
    >>> report.ok
    True
    """
    report = ValidationReport()
    frames: dict[str, pd.DataFrame] = {}
    for name in LAYERS:
        try:
            frames[name] = load(name, workspace=False)  # the bundled data; edits are logged
        except Exception as exc:  # a broken file is a finding, not a crash
            report.add(name, "load", "", f"{type(exc).__name__}: {exc}")
    for name, frame in frames.items():
        report.checked[name] = len(frame)
        _check_schema(report, name, frame)
        _check_safe_values(report, name, frame)
        _check_skipped(report, name, frame)
        spec = LAYERS[name]
        if spec.is_spatial:
            _check_geometry(report, name, frame)
            _check_not_blank(report, name, frame, [c for c in spec.columns if c.startswith("geometry_")])
    if report.problems and any(p.check in ("load", "schema") for p in report.problems):
        return report

    _check_not_blank(
        report,
        "platforms",
        frames["platforms"],
        (
            "name_zh",
            "name_en",
            "category",
            "level",
            "status",
            "district",
            "location_precision",
            "location_source",
            "source_file",
            "source_clause",
        ),
    )
    _check_not_blank(report, "zones", frames["zones"], ("official_area_source", "precision_note"))
    _check_not_blank(report, "targets", frames["targets"], ("source_file", "clause", "unit"))

    districts = frames["districts"]
    if len(districts) != 11:
        report.add("districts", "count", "", f"expected 11 districts, found {len(districts)}")
    _check_areas(report, "districts", districts, "source_area_km2", DISTRICT_AREA_TOLERANCE)
    _check_areas(report, "zones", frames["zones"], "official_area_km2", ZONE_AREA_TOLERANCE)
    _check_zones_in_districts(report, frames["zones"], districts)
    _check_parents(report, frames["zones"])
    anchors = set(districts["name_zh"])
    for layer in ("zones", "nodes", "cores"):
        anchors |= set(frames[layer]["id"])
    polygons: dict[str, shapely.Geometry] = {}
    for layer in ("zones", "nodes", "cores"):
        metric = cast(gpd.GeoDataFrame, frames[layer]).to_crs(GUANGZHOU_METRIC_CRS)
        for key, geom in zip(metric["id"], metric.geometry, strict=True):
            polygons.setdefault(key, geom)
    _check_platforms(report, frames["platforms"], frames, districts, anchors, polygons)
    _check_places(report, frames["places"], districts)
    _check_targets(report, frames)
    for feature, check, message in check_plan_mentions(frames, set(frames["platforms"]["id"])):
        report.add("plan_mentions", check, feature, message)
    return report
