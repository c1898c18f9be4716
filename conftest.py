"""Whole-suite setup (tests and doctests): never touch the user's real workspace.

``gzgeo.load`` applies the workspace named by ``GZGEO_WORKSPACE``; pointing it
at a file that does not exist in a fresh temporary folder means the bundled
data only, and any test that edits opens its own workspace.
"""

import os
import tempfile
from pathlib import Path

_HOME = Path(tempfile.mkdtemp(prefix="gzgeo-ws-"))
os.environ["GZGEO_WORKSPACE"] = str(_HOME / "workspace.gpkg")
# Nor the real user file: no one can sign in unless a test makes users (tests/authhelp.py).
os.environ["GZGEO_USERS"] = str(_HOME / "users.json")
