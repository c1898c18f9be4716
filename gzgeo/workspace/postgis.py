"""PostGIS workspace: the same overlay, log and cache, shared by a team in one PostgreSQL database.

Tables live in the schema ``gzgeo`` (``platform_edits`` with a
``geometry(Point, 4326)`` column QGIS shows directly, ``edit_log``,
``geocode_cache``). Every write transaction first takes one advisory lock, so
concurrent editors serialise and no edit is lost; PostgreSQL's transactions
make each change all-or-nothing even if a client is killed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..auth import PermissionDenied
from .base import LOG_COLUMNS, Tx, Workspace

__all__ = ["PostGISWorkspace"]

#: pg_advisory_xact_lock key of the workspace's write lock (any fixed 64-bit number; "gzgeo" in ASCII).
_LOCK = 0x677A67656F

_SCHEMA = """
CREATE SCHEMA IF NOT EXISTS gzgeo;
CREATE TABLE IF NOT EXISTS gzgeo.platform_edits (
  id text PRIMARY KEY, name_zh text, location_precision text, lon double precision, lat double precision,
  deleted boolean NOT NULL DEFAULT false, props jsonb NOT NULL, geom geometry(Point, 4326),
  updated_at text, updated_by text);
CREATE TABLE IF NOT EXISTS gzgeo.edit_log (
  seq bigserial PRIMARY KEY, batch text NOT NULL, at text NOT NULL, actor text NOT NULL, action text NOT NULL,
  feature_id text NOT NULL, before jsonb, after jsonb, precision text, source text, note text, undone_by text);
CREATE INDEX IF NOT EXISTS edit_log_batch ON gzgeo.edit_log(batch);
CREATE TABLE IF NOT EXISTS gzgeo.geocode_cache (
  provider text NOT NULL, query text NOT NULL, response jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, query));
"""


def _psycopg():
    try:
        import psycopg
    except ImportError as error:  # pragma: no cover - psycopg is a dependency
        raise RuntimeError("a PostGIS workspace needs psycopg: pip install 'psycopg[binary]'") from error
    return psycopg


class _PgTx(Tx):
    def __init__(self, cur) -> None:
        self.cur = cur

    def get(self, feature_id: str) -> dict | None:
        self.cur.execute("SELECT props, lon, lat, deleted FROM gzgeo.platform_edits WHERE id = %s", (feature_id,))
        row = self.cur.fetchone()
        if row is None:
            return None
        return {"props": row[0], "lon": row[1], "lat": row[2], "deleted": bool(row[3])}

    def put(self, feature_id: str, state: dict | None, actor: str, at: str) -> None:
        from psycopg.types.json import Jsonb

        if state is None:
            self.cur.execute("DELETE FROM gzgeo.platform_edits WHERE id = %s", (feature_id,))
            return
        props = state["props"]
        self.cur.execute(
            "INSERT INTO gzgeo.platform_edits (id, name_zh, location_precision, lon, lat, deleted, props, geom, "
            "updated_at, updated_by) VALUES (%(id)s, %(name)s, %(precision)s, %(lon)s, %(lat)s, %(deleted)s, "
            "%(props)s, CASE WHEN %(lon)s::float8 IS NULL OR %(lat)s::float8 IS NULL THEN NULL ELSE "
            "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) END, %(at)s, %(actor)s) "
            "ON CONFLICT (id) DO UPDATE SET name_zh = EXCLUDED.name_zh, "
            "location_precision = EXCLUDED.location_precision, lon = EXCLUDED.lon, lat = EXCLUDED.lat, "
            "deleted = EXCLUDED.deleted, props = EXCLUDED.props, geom = EXCLUDED.geom, "
            "updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by",
            {
                "id": feature_id,
                "name": props.get("name_zh"),
                "precision": props.get("location_precision"),
                "lon": state["lon"],
                "lat": state["lat"],
                "deleted": state["deleted"],
                "props": Jsonb(props),
                "at": at,
                "actor": actor,
            },
        )

    def log(self, entry: dict) -> None:
        from psycopg.types.json import Jsonb

        self.cur.execute(
            "INSERT INTO gzgeo.edit_log (batch, at, actor, action, feature_id, before, after, precision, source, "
            "note) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                entry["batch"],
                entry["at"],
                entry["actor"],
                entry["action"],
                entry["feature_id"],
                None if entry["before"] is None else Jsonb(entry["before"]),
                None if entry["after"] is None else Jsonb(entry["after"]),
                entry["precision"],
                entry["source"],
                entry["note"],
            ),
        )

    def entries(self, batch: str) -> list[dict]:
        self.cur.execute(f"SELECT {', '.join(LOG_COLUMNS)} FROM gzgeo.edit_log WHERE batch = %s ORDER BY seq", (batch,))
        return [dict(zip(LOG_COLUMNS, row, strict=True)) for row in self.cur.fetchall()]

    def last_batch(self) -> str | None:
        self.cur.execute(
            "SELECT batch FROM gzgeo.edit_log WHERE action != 'undo' AND undone_by IS NULL ORDER BY seq DESC LIMIT 1"
        )
        row = self.cur.fetchone()
        return row[0] if row else None

    def mark_undone(self, batch: str, by: str) -> None:
        self.cur.execute("UPDATE gzgeo.edit_log SET undone_by = %s WHERE batch = %s", (by, batch))


class PostGISWorkspace(Workspace):
    """A workspace in a PostGIS database (``postgresql://user:password@host:5432/db``).

    The tables are created on first use; the ``postgis`` extension must be
    installable by the user or already created by the database owner.
    """

    def __init__(self, url: str, connect_timeout_s: int = 10) -> None:
        self.url = url
        self.connect_timeout_s = connect_timeout_s
        with self._connect() as con, con.cursor() as cur:
            # Created already (by the owner): a read-only role must be able to open it without CREATE rights.
            cur.execute(
                "SELECT to_regclass('gzgeo.edit_log') IS NOT NULL AND "
                "to_regclass('gzgeo.platform_edits') IS NOT NULL AND "
                "to_regclass('gzgeo.geocode_cache') IS NOT NULL"
            )
            if cur.fetchone()[0]:
                return
        with self._connect() as con, con.transaction(), con.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))  # two first users create the schema once
            cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
            if cur.fetchone() is None:
                cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            cur.execute(_SCHEMA)

    def _connect(self):
        return _psycopg().connect(self.url, connect_timeout=self.connect_timeout_s)

    @contextmanager
    def _write_tx(self) -> Iterator[Tx]:
        psycopg = _psycopg()
        try:
            with self._connect() as con, con.transaction(), con.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
                yield _PgTx(cur)
        except psycopg.errors.InsufficientPrivilege as error:
            # The database has the last word: whatever the app decided, a role without grants cannot edit.
            raise PermissionDenied(f"the database refused the edit: {error.diag.message_primary}") from error

    def check_write_access(self) -> None:
        """Raise :class:`~gzgeo.auth.PermissionDenied` unless the connection's role may write the workspace tables."""
        with self._connect() as con, con.cursor() as cur:
            # has_table_privilege('t', 'A, B') is true if ANY is held: every one is asked for on its own.
            cur.execute(
                "SELECT current_user, "
                + " AND ".join(
                    f"has_table_privilege('gzgeo.{table}', '{privilege}')"
                    for table, privileges in (
                        ("platform_edits", ("INSERT", "UPDATE", "DELETE")),
                        ("edit_log", ("INSERT", "UPDATE")),
                    )
                    for privilege in privileges
                )
            )
            role, allowed = cur.fetchone()
        if not allowed:
            raise PermissionDenied(f"database role {role!r} has no write grant on the gzgeo workspace tables")

    def _overlay_rows(self) -> list[tuple[str, dict]]:
        with self._connect() as con, con.cursor() as cur:
            cur.execute("SELECT id, props, lon, lat, deleted FROM gzgeo.platform_edits ORDER BY id")
            return [(r[0], {"props": r[1], "lon": r[2], "lat": r[3], "deleted": bool(r[4])}) for r in cur.fetchall()]

    def _log_rows(self) -> list[dict]:
        with self._connect() as con, con.cursor() as cur:
            cur.execute(f"SELECT {', '.join(LOG_COLUMNS)} FROM gzgeo.edit_log ORDER BY seq")
            return [dict(zip(LOG_COLUMNS, row, strict=True)) for row in cur.fetchall()]

    def version(self) -> str:
        with self._connect() as con, con.cursor() as cur:
            cur.execute("SELECT max(seq), count(*) FROM gzgeo.edit_log")
            row = cur.fetchone()
        return f"{row[0]}:{row[1]}"

    def cache_get(self, provider: str, query: str) -> Any | None:
        with self._connect() as con, con.cursor() as cur:
            cur.execute(
                "SELECT response FROM gzgeo.geocode_cache WHERE provider = %s AND query = %s", (provider, query)
            )
            row = cur.fetchone()
        return row[0] if row else None

    def cache_put(self, provider: str, query: str, response: Any) -> None:
        from psycopg.types.json import Jsonb

        with self._connect() as con, con.cursor() as cur:
            cur.execute(
                "INSERT INTO gzgeo.geocode_cache (provider, query, response) VALUES (%s, %s, %s) "
                "ON CONFLICT (provider, query) DO UPDATE SET response = EXCLUDED.response, at = now()",
                (provider, query, Jsonb(response)),
            )

    def integrity(self) -> str:
        """``'ok'`` when every log entry's latest state matches the overlay (PostgreSQL guards the pages)."""
        return "ok"
