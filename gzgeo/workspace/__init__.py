"""The planner's workspace: corrections and additions to the bundled platforms, with an edit log.

Edits never touch the bundled ``data/`` and ``geo/``. They live in a
workspace chosen by ``GZGEO_WORKSPACE``:

- unset: a GeoPackage in the user's data folder (:func:`default_workspace_path`),
  created on the first edit, never by merely loading layers;
- ``path.gpkg``: that GeoPackage (a SQLite file QGIS and ArcGIS open);
- ``postgresql://user@host/db``: a shared PostGIS database for a team.

Every change is one transaction that updates the overlay and appends one
edit-log entry per feature (what, from -> to, precision, source, when, who),
so an interrupted process (even ``kill -9``) leaves either the whole change
or none of it. :func:`gzgeo.load` applies the overlay by ``id``.

Examples
--------
>>> import tempfile, pathlib
>>> from gzgeo.workspace import open_workspace
>>> ws = open_workspace(str(pathlib.Path(tempfile.mkdtemp()) / "demo.gpkg"))
>>> batch = ws.correct_location("guangzhou-laboratory", 113.3742, 23.0721, precision="campus_or_park",
...                             source="site visit 2026-11", actor="demo")
>>> ws.log()[["feature_id", "action", "actor"]].values.tolist()
[['guangzhou-laboratory', 'correct', 'demo']]
>>> ws.undo(actor="demo") == batch
True
"""

from __future__ import annotations

import os
from pathlib import Path

from .._io import user_data_dir
from .base import EditConflict, PermissionDenied, Workspace, current_actor

__all__ = [
    "Workspace",
    "EditConflict",
    "PermissionDenied",
    "current_actor",
    "default_workspace_path",
    "workspace_url",
    "open_workspace",
    "active_workspace",
]


def default_workspace_path() -> Path:
    """The default workspace file, in the user's data folder (not created here).

    ``$XDG_DATA_HOME/gzgeo/workspace.gpkg`` (``~/.local/share`` by default) on
    Linux, ``~/Library/Application Support/gzgeo`` on macOS and
    ``%LOCALAPPDATA%\\gzgeo`` on Windows.

    Examples
    --------
    >>> default_workspace_path().name
    'workspace.gpkg'
    """
    return user_data_dir() / "workspace.gpkg"


def workspace_url(url: str | os.PathLike | None = None) -> str:
    """The workspace in use: ``url``, else ``GZGEO_WORKSPACE``, else :func:`default_workspace_path`."""
    if url is not None:
        return os.fspath(url)
    return os.environ.get("GZGEO_WORKSPACE") or str(default_workspace_path())


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def open_workspace(url: str | os.PathLike | None = None) -> Workspace:
    """Open (creating it if needed) the workspace at ``url`` (see :func:`workspace_url`).

    Parameters
    ----------
    url : str or path, optional
        A GeoPackage path or a ``postgresql://`` URL.

    Returns
    -------
    Workspace
        :class:`~gzgeo.workspace.gpkg.GeoPackageWorkspace` or
        :class:`~gzgeo.workspace.postgis.PostGISWorkspace`.
    """
    target = workspace_url(url)
    if _is_postgres(target):
        from .postgis import PostGISWorkspace  # each driver loads only when its workspace is opened

        return PostGISWorkspace(target)
    from .gpkg import GeoPackageWorkspace

    return GeoPackageWorkspace(target)


def active_workspace() -> Workspace | None:
    """The configured workspace if it exists, else None; never creates one.

    Used by :func:`gzgeo.load`: loading layers must not create a file in the
    user's data folder.
    """
    target = workspace_url()
    if not _is_postgres(target) and not Path(target).is_file():
        return None
    return open_workspace(target)
