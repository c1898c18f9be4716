"""What every workspace backend does: one write API, an edit log, undo, and the overlay.

A backend (GeoPackage, PostGIS) supplies a transaction holding the
workspace's write lock and a handful of reads and writes inside it; the
semantics (merging a change into a feature, logging from -> to, undo and its
conflict check) live here once, so both backends behave the same.
"""

from __future__ import annotations

import getpass
import json
import math
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from ..auth import Identity, PermissionDenied, may_undo
from ..auth import require_editor as require_signed_in_editor
from ..crs import convert
from ..layers import LOCATION_PRECISIONS, load

__all__ = ["Workspace", "Tx", "EditConflict", "PermissionDenied", "current_actor", "actor_name", "merge_state"]

#: Fields of a platform a workspace may set (the bundled columns a planner edits or an import brings).
EDITABLE_FIELDS: tuple[str, ...] = (
    "name_zh",
    "name_en",
    "aliases",
    "category",
    "level",
    "status",
    "status_source",
    "district",
    "address",
    "location_precision",
    "anchor",
    "location_source",
    "source_file",
    "source_clause",
    "notes",
)
#: Edit-log columns, in order.
LOG_COLUMNS: tuple[str, ...] = (
    "seq",
    "batch",
    "at",
    "actor",
    "action",
    "feature_id",
    "before",
    "after",
    "precision",
    "source",
    "note",
    "undone_by",
)


class EditConflict(RuntimeError):
    """An undo would overwrite a later change to the same feature."""


def current_actor() -> str:
    """Who is editing, for the edit log: the OS user (the CLI's and the library's default).

    Examples
    --------
    >>> isinstance(current_actor(), str) and current_actor() != ""
    True
    """
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (some containers)
        return "unknown"


def actor_name(actor: str | Identity) -> str:
    """The name the edit log records for ``actor`` (a signed-in :class:`~gzgeo.auth.Identity` or a plain name).

    Examples
    --------
    >>> actor_name(Identity("alice", "editor", "local")), actor_name("planner")
    ('alice', 'planner')
    """
    return actor.name if isinstance(actor, Identity) else str(actor)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars -> Python, so json can write them
        return value.item()
    return value


def merge_state(before: Mapping | None, patch: Mapping) -> dict:
    """A feature's overlay state after applying ``patch`` to ``before``.

    A state is ``{"props": {field: value}, "lon": float|None, "lat": float|None,
    "deleted": bool}``; ``patch`` may carry any of these keys (``props`` are
    merged field by field, so two writers changing different fields of the
    same platform both keep their change).

    Examples
    --------
    >>> merge_state(None, {"props": {"notes": "x"}, "lon": 113.1, "lat": 23.1})
    {'props': {'notes': 'x'}, 'lon': 113.1, 'lat': 23.1, 'deleted': False}
    """
    state = {"props": {}, "lon": None, "lat": None, "deleted": False}
    if before:
        state.update({k: before[k] for k in state if k in before})
        state["props"] = dict(before.get("props") or {})
    for key, value in (patch.get("props") or {}).items():
        if key not in EDITABLE_FIELDS:
            raise ValueError(f"field {key!r} is not editable; editable: {', '.join(EDITABLE_FIELDS)}")
        state["props"][key] = "" if _clean(value) is None else str(value)
    for key in ("lon", "lat"):
        if key in patch:
            value = _clean(patch[key])
            state[key] = None if value is None else float(value)
    if "deleted" in patch:
        state["deleted"] = bool(patch["deleted"])
    return state


class Tx(ABC):
    """Reads and writes inside one backend transaction that holds the workspace's write lock."""

    @abstractmethod
    def get(self, feature_id: str) -> dict | None: ...

    @abstractmethod
    def put(self, feature_id: str, state: dict | None, actor: str, at: str) -> None: ...

    @abstractmethod
    def log(self, entry: dict) -> None: ...

    @abstractmethod
    def entries(self, batch: str) -> list[dict]: ...

    @abstractmethod
    def last_batch(self) -> str | None:
        """The latest batch that is not an undo and has not been undone."""

    @abstractmethod
    def mark_undone(self, batch: str, by: str) -> None: ...


class Workspace(ABC):
    """Corrections and additions to the platforms, with an edit log (abstract; see :func:`open_workspace`).

    Every write goes through :meth:`write`, which takes the ``actor`` and
    calls :meth:`require_editor` first: the single place where sign-in and
    roles plug in.
    """

    url: str

    # -- backend -----------------------------------------------------------------------------
    @abstractmethod
    def _write_tx(self) -> AbstractContextManager[Tx]: ...

    @abstractmethod
    def _overlay_rows(self) -> list[tuple[str, dict]]:
        """``(id, state)`` of every feature in the overlay."""

    @abstractmethod
    def _log_rows(self) -> list[dict]: ...

    @abstractmethod
    def version(self) -> str:
        """Changes whenever the overlay changes (cheap; used to cache :func:`gzgeo.load`)."""

    @abstractmethod
    def cache_get(self, provider: str, query: str) -> Any | None:
        """A cached geocoder response, or None."""

    @abstractmethod
    def cache_put(self, provider: str, query: str, response: Any) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional for backends without a connection
        """Release the connection (the workspace stays usable: it reconnects)."""

    # -- authorisation hook ------------------------------------------------------------------
    def require_editor(self, actor: str | Identity) -> None:
        """Raise :class:`~gzgeo.auth.PermissionDenied` unless ``actor`` may edit this workspace.

        ``actor`` is the app's signed-in :class:`~gzgeo.auth.Identity` (only
        ``editor`` and ``admin`` may edit) or, from the command line and the
        library, a plain name (the operating-system user by default), whose
        right to edit is the right to write the GeoPackage file or, on
        PostGIS, the database role's grants (:meth:`check_write_access`).
        """
        if isinstance(actor, Identity):
            require_signed_in_editor(actor)
        elif not actor or not str(actor).strip():
            raise PermissionDenied("an edit needs an actor (who makes it)")
        self.check_write_access()

    def require_undo(self, actor: str | Identity, batch_actor: str) -> None:
        """Raise :class:`~gzgeo.auth.PermissionDenied` unless ``actor`` may undo ``batch_actor``'s edit.

        A signed-in editor may undo their own edits, an admin anyone's; a
        plain name (command line) may undo any edit it can write.
        """
        if isinstance(actor, Identity) and not may_undo(actor, batch_actor):
            raise PermissionDenied(
                f"{actor.name} may undo only their own edits (this one is {batch_actor}'s); an admin may undo anyone's"
            )

    def check_write_access(self) -> None:  # noqa: B027 - a GeoPackage is writable if its file is
        """Raise :class:`~gzgeo.auth.PermissionDenied` if the backend refuses writes (PostGIS: the role's grants)."""

    def can_write(self) -> bool:
        """Whether the backend lets this connection write (the app hides editing when it does not)."""
        try:
            self.check_write_access()
        except PermissionDenied:
            return False
        return True

    # -- the one write API -------------------------------------------------------------------
    def write(
        self,
        changes: Mapping[str, Mapping] | Iterable[tuple[str, Mapping]],
        *,
        actor: str | Identity,
        action: str,
        source: str = "",
        note: str = "",
    ) -> str:
        """Apply ``changes`` (feature id -> patch, see :func:`merge_state`) in one transaction.

        Parameters
        ----------
        changes : mapping or iterable of (id, patch)
            What to change. A patch's ``lon``/``lat`` are WGS-84 degrees.
        actor : str or gzgeo.auth.Identity
            Who makes the change (its name is recorded in the edit log);
            checked by :meth:`require_editor`.
        action : str
            ``import``, ``add``, ``correct``, ``delete`` (free text; shown in the log).
        source : str
            Where the new information comes from (a file and row, a site visit, a geocoder).
        note : str
            Anything else worth keeping.

        Returns
        -------
        str
            The batch id: :meth:`undo` takes it.
        """
        self.require_editor(actor)
        actor = actor_name(actor)
        items = list(changes.items()) if isinstance(changes, Mapping) else list(changes)
        if not items:
            raise ValueError("nothing to write")
        batch, at = uuid.uuid4().hex[:12], _now()
        with self._write_tx() as tx:
            for feature_id, patch in items:
                before = tx.get(str(feature_id))
                after = merge_state(before, patch)
                precision = after["props"].get("location_precision", "")
                if precision and precision not in LOCATION_PRECISIONS:
                    raise ValueError(f"{feature_id}: location_precision must be one of {LOCATION_PRECISIONS}")
                tx.put(str(feature_id), after, actor, at)
                tx.log(
                    {
                        "batch": batch,
                        "at": at,
                        "actor": actor,
                        "action": action,
                        "feature_id": str(feature_id),
                        "before": before,
                        "after": after,
                        "precision": precision,
                        "source": source,
                        "note": note,
                    }
                )
        return batch

    def correct_location(
        self,
        platform_id: str,
        lon: float,
        lat: float,
        *,
        precision: str,
        source: str,
        actor: str | Identity | None = None,
        datum: str = "wgs84",
        note: str = "",
    ) -> str:
        """Move a platform to where it really is.

        Parameters
        ----------
        platform_id : str
            ``id`` of a bundled or workspace platform.
        lon, lat : float
            The true place, in ``datum`` (converted to WGS-84 with :func:`gzgeo.convert`).
        precision : {"site", "campus_or_park"}
            How precisely the new point is known (a point is never zone/district precision).
        source : str
            Why: a site visit, the institute's web page, a survey.
        actor : str, optional
            Who; the OS user by default.

        Returns
        -------
        str
            The batch id.
        """
        if precision not in ("site", "campus_or_park"):
            raise ValueError("a corrected point is site or campus_or_park precision")
        if not source or not source.strip():
            raise ValueError("a correction needs a source")
        lon, lat = convert(float(lon), float(lat), datum, "wgs84")
        props = {"location_precision": precision, "location_source": source, "anchor": ""}
        was = _current_location(platform_id)
        note = "; ".join(x for x in (was, note) if x)
        return self.write(
            {platform_id: {"props": props, "lon": lon, "lat": lat}},
            actor=actor or current_actor(),
            action="correct",
            source=source,
            note=note,
        )

    def undo(self, *, actor: str | Identity | None = None, batch: str | None = None) -> str:
        """Undo a batch (the latest one not yet undone by default) in one transaction.

        Raises
        ------
        EditConflict
            A feature of that batch was changed since; undo the later batch first.
        LookupError
            Nothing to undo.

        Returns
        -------
        str
            The batch id that was undone.
        """
        who = actor or current_actor()
        self.require_editor(who)
        actor = actor_name(who)
        undo_batch, at = uuid.uuid4().hex[:12], _now()
        with self._write_tx() as tx:
            target = batch or tx.last_batch()
            if target is None:
                raise LookupError("nothing to undo")
            entries = tx.entries(target)
            if not entries:
                raise LookupError(f"no batch {target!r}")
            if any(e["undone_by"] for e in entries):
                raise LookupError(f"batch {target} is already undone")
            if entries[0]["action"] == "undo":
                raise LookupError(f"batch {target} is an undo; it cannot itself be undone")
            self.require_undo(who, entries[0]["actor"])
            for entry in reversed(entries):
                current = tx.get(entry["feature_id"])
                if current != entry["after"]:
                    raise EditConflict(
                        f"{entry['feature_id']} changed after batch {target}; undo the later change first"
                    )
                tx.put(entry["feature_id"], entry["before"], actor, at)
                tx.log(
                    {
                        "batch": undo_batch,
                        "at": at,
                        "actor": actor,
                        "action": "undo",
                        "feature_id": entry["feature_id"],
                        "before": current,
                        "after": entry["before"],
                        "precision": (entry["before"] or {}).get("props", {}).get("location_precision", ""),
                        "source": f"undo {target}",
                        "note": "",
                    }
                )
            tx.mark_undone(target, undo_batch)
        return target

    # -- reads -------------------------------------------------------------------------------
    def overlay(self) -> dict[str, dict]:
        """Every feature the workspace changes or adds: ``{id: state}``."""
        return dict(self._overlay_rows())

    def log(self, limit: int | None = None) -> pd.DataFrame:
        """The edit log, newest first: seq, batch, at (UTC), actor, action, feature_id, what changed.

        ``changes`` is a readable ``field: from → to`` summary of each entry.
        """
        rows = self._log_rows()
        frame = pd.DataFrame(rows, columns=list(LOG_COLUMNS))
        frame["changes"] = [describe_change(b, a) for b, a in zip(frame["before"], frame["after"], strict=True)]
        frame = frame.sort_values("seq", ascending=False).reset_index(drop=True)
        return frame.head(limit) if limit else frame

    def add_platforms(
        self,
        records: Iterable[Mapping],
        *,
        actor: str | Identity | None = None,
        source: str,
        action: str = "import",
        note: str = "",
    ) -> str:
        """Add or update platforms from records with ``id``, editable fields and ``lon``/``lat`` (WGS-84)."""
        changes = []
        for record in records:
            props = {k: record[k] for k in EDITABLE_FIELDS if k in record}
            patch: dict[str, Any] = {"props": props}
            if "lon" in record or "lat" in record:
                patch["lon"], patch["lat"] = _clean(record.get("lon")), _clean(record.get("lat"))
            changes.append((str(record["id"]), patch))
        return self.write(changes, actor=actor or current_actor(), action=action, source=source, note=note)


def _current_location(platform_id: str) -> str:
    """Where a platform is drawn now (bundled data plus workspace), for the log's "from"."""
    platforms = load("platforms")
    row = platforms[platforms["id"] == platform_id]
    if row.empty:
        raise KeyError(f"no platform {platform_id!r}")
    point, precision = row.geometry.iloc[0], row["location_precision"].iloc[0]
    if point is None or point.is_empty:
        return f"was unlocated ({precision})"
    return f"was {point.x:.6f},{point.y:.6f} ({precision})"


def describe_change(before: Mapping | None, after: Mapping | None) -> str:
    """``field: from → to`` for the fields an edit changed.

    Examples
    --------
    >>> describe_change(None, {"props": {"name_zh": "甲"}, "lon": 113.0, "lat": 23.0, "deleted": False})
    'name_zh: – → 甲; lon/lat: – → 113.000000,23.000000'
    """
    before, after = before or {"props": {}}, after or {"props": {}}
    parts = []
    keys = dict.fromkeys([*(before.get("props") or {}), *(after.get("props") or {})])
    for key in keys:
        old, new = (before.get("props") or {}).get(key), (after.get("props") or {}).get(key)
        if (old or "") != (new or ""):
            parts.append(f"{key}: {old or '–'} → {new or '–'}")

    def point(state: Mapping) -> str:
        lon, lat = state.get("lon"), state.get("lat")
        return "–" if lon is None or lat is None else f"{lon:.6f},{lat:.6f}"

    if point(before) != point(after):
        parts.append(f"lon/lat: {point(before)} → {point(after)}")
    if bool(before.get("deleted")) != bool(after.get("deleted")):
        parts.append("deleted" if after.get("deleted") else "restored")
    return "; ".join(parts)


def dumps(state: Any) -> str | None:
    return None if state is None else json.dumps(state, ensure_ascii=False, sort_keys=True)


def loads(text: Any) -> Any:
    if text is None or isinstance(text, dict | list):
        return text
    return json.loads(text)
