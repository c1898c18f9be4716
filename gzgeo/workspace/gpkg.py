"""GeoPackage workspace: one SQLite file, readable by QGIS/ArcGIS/GDAL, safe under kill -9.

SQLite's rollback journal makes each transaction atomic even if the process
dies mid-write; ``BEGIN IMMEDIATE`` takes the write lock before reading, so
two writers (two app sessions, the app and the CLI) serialise instead of
losing each other's edits.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import shapely

from .base import LOG_COLUMNS, Tx, Workspace, dumps, loads

__all__ = ["GeoPackageWorkspace"]

_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",'
    '0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],'
    'AUTHORITY["EPSG","4326"]]'
)

# The GeoPackage 1.3 core tables (OGC 12-128r18), the feature table of the overlay, the log and the cache.
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{_WGS84_WKT}', 'longitude/latitude coordinates in decimal degrees');
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE IF NOT EXISTS platform_edits (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT, id TEXT NOT NULL UNIQUE, name_zh TEXT,
  location_precision TEXT, lon DOUBLE, lat DOUBLE, deleted BOOLEAN NOT NULL DEFAULT 0, props TEXT NOT NULL,
  updated_at TEXT, updated_by TEXT);
CREATE TABLE IF NOT EXISTS edit_log (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, batch TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL, feature_id TEXT NOT NULL, before TEXT, after TEXT, precision TEXT, source TEXT,
  note TEXT, undone_by TEXT);
CREATE INDEX IF NOT EXISTS edit_log_batch ON edit_log(batch);
CREATE TABLE IF NOT EXISTS geocode_cache (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, provider TEXT NOT NULL, query TEXT NOT NULL, response TEXT NOT NULL,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), UNIQUE(provider, query));
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('platform_edits', 'features', 'platform_edits', 'gzgeo: corrections and additions to the platforms', 4326),
  ('edit_log', 'attributes', 'edit_log', 'gzgeo: one row per changed feature per transaction', NULL),
  ('geocode_cache', 'attributes', 'geocode_cache', 'gzgeo: online geocoder responses', NULL);
INSERT OR IGNORE INTO gpkg_geometry_columns VALUES ('platform_edits', 'geom', 'POINT', 4326, 0, 0);
"""


def gpkg_point(lon: float | None, lat: float | None) -> bytes | None:
    """A GeoPackage geometry blob (header + little-endian WKB) for a WGS-84 point.

    Examples
    --------
    >>> gpkg_point(113.0, 23.0)[:8].hex()
    '47500001e6100000'
    """
    if lon is None or lat is None:
        return None
    # magic "GP", version 0, flags: little-endian, no envelope; srs_id 4326
    return b"GP\x00\x01" + struct.pack("<i", 4326) + shapely.to_wkb(shapely.Point(lon, lat), byte_order=1)


class _SqliteTx(Tx):
    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def get(self, feature_id: str) -> dict | None:
        row = self.con.execute(
            "SELECT props, lon, lat, deleted FROM platform_edits WHERE id = ?", (feature_id,)
        ).fetchone()
        if row is None:
            return None
        return {"props": loads(row[0]), "lon": row[1], "lat": row[2], "deleted": bool(row[3])}

    def put(self, feature_id: str, state: dict | None, actor: str, at: str) -> None:
        if state is None:
            self.con.execute("DELETE FROM platform_edits WHERE id = ?", (feature_id,))
            return
        props = state["props"]
        self.con.execute(
            "INSERT INTO platform_edits (geom, id, name_zh, location_precision, lon, lat, deleted, props, "
            "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "geom = excluded.geom, name_zh = excluded.name_zh, location_precision = excluded.location_precision, "
            "lon = excluded.lon, lat = excluded.lat, deleted = excluded.deleted, props = excluded.props, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            (
                gpkg_point(state["lon"], state["lat"]),
                feature_id,
                props.get("name_zh"),
                props.get("location_precision"),
                state["lon"],
                state["lat"],
                int(state["deleted"]),
                dumps(props),
                at,
                actor,
            ),
        )

    def log(self, entry: dict) -> None:
        self.con.execute(
            "INSERT INTO edit_log (batch, at, actor, action, feature_id, before, after, precision, source, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry["batch"],
                entry["at"],
                entry["actor"],
                entry["action"],
                entry["feature_id"],
                dumps(entry["before"]),
                dumps(entry["after"]),
                entry["precision"],
                entry["source"],
                entry["note"],
            ),
        )

    def entries(self, batch: str) -> list[dict]:
        rows = self.con.execute(
            f"SELECT fid, {', '.join(LOG_COLUMNS[1:])} FROM edit_log WHERE batch = ? ORDER BY fid", (batch,)
        ).fetchall()
        return [_log_entry(row) for row in rows]

    def last_batch(self) -> str | None:
        row = self.con.execute(
            "SELECT batch FROM edit_log WHERE action != 'undo' AND undone_by IS NULL ORDER BY fid DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    def mark_undone(self, batch: str, by: str) -> None:
        self.con.execute("UPDATE edit_log SET undone_by = ? WHERE batch = ?", (by, batch))


def _log_entry(row: tuple) -> dict[str, Any]:
    entry = dict(zip(LOG_COLUMNS, row, strict=True))
    entry["before"], entry["after"] = loads(entry["before"]), loads(entry["after"])
    return entry


class GeoPackageWorkspace(Workspace):
    """A workspace in a GeoPackage file (created with its folder on first use).

    The overlay is the feature layer ``platform_edits`` (open it in QGIS); the
    log is the attribute table ``edit_log``.
    """

    def __init__(self, path: str | Path, timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.url = str(self.path)
        self.timeout_s = timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con:
            # one transaction: a kill during creation leaves no half schema (and it is idempotent anyway)
            con.executescript(
                "BEGIN IMMEDIATE; PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;"
                + _SCHEMA
                + "COMMIT;"
            )

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN ourselves; timeout waits for another writer's lock
        con = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA synchronous = FULL")
        return con

    @contextmanager
    def _write_tx(self) -> Iterator[Tx]:
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(con)
                con.execute(
                    "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                    "WHERE table_name = 'platform_edits'"
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def _overlay_rows(self) -> list[tuple[str, dict]]:
        with closing(self._connect()) as con:
            rows = con.execute("SELECT id, props, lon, lat, deleted FROM platform_edits ORDER BY fid").fetchall()
        return [(r[0], {"props": loads(r[1]), "lon": r[2], "lat": r[3], "deleted": bool(r[4])}) for r in rows]

    def _log_rows(self) -> list[dict]:
        with closing(self._connect()) as con:
            rows = con.execute(f"SELECT fid, {', '.join(LOG_COLUMNS[1:])} FROM edit_log ORDER BY fid").fetchall()
        return [_log_entry(r) for r in rows]

    def version(self) -> str:
        with closing(self._connect()) as con:
            row = con.execute("SELECT max(fid), count(*) FROM edit_log").fetchone()
        return f"{row[0]}:{row[1]}"

    def cache_get(self, provider: str, query: str) -> Any | None:
        with closing(self._connect()) as con:
            row = con.execute(
                "SELECT response FROM geocode_cache WHERE provider = ? AND query = ?", (provider, query)
            ).fetchone()
        return loads(row[0]) if row else None

    def cache_put(self, provider: str, query: str, response: Any) -> None:
        with closing(self._connect()) as con:
            con.execute(
                "INSERT OR REPLACE INTO geocode_cache (provider, query, response) VALUES (?, ?, ?)",
                (provider, query, dumps(response)),
            )

    def integrity(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` (``'ok'`` when the file is sound)."""
        with closing(self._connect()) as con:
            return con.execute("PRAGMA integrity_check").fetchone()[0]
