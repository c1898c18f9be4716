"""Atomic file output: every file gzgeo writes appears complete or not at all.

Writers write to a temporary file in the target's folder and rename it into
place (``os.replace``, atomic on POSIX and Windows within one file system).
An exception or an interrupt (Ctrl-C, ``SystemExit``) removes the temporary
file and leaves any previous version of the target untouched.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "same_file"]


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it to ``path`` when the block succeeds.

    The temporary name keeps the target's suffix, so drivers that choose a
    format by extension (GDAL) behave the same. It does not exist on entry.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     target = Path(tmp) / "a.txt"
    ...     with atomic_path(target) as part:
    ...         _ = part.write_text("done")
    ...     target.read_text(), sorted(p.name for p in Path(tmp).iterdir())
    ('done', ['a.txt'])
    """
    target = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".part{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers such as GDAL refuse to overwrite; they create it
    try:
        yield tmp
        if not tmp.exists():
            raise OSError(f"nothing was written for {target}")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        for extra in tmp.parent.glob(tmp.name + "-*"):  # e.g. GeoPackage -journal/-wal files
            with contextlib.suppress(OSError):
                extra.unlink()
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     atomic_write_bytes(Path(tmp) / "b.bin", b"xyz").read_bytes()
    b'xyz'
    """
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; returns the path."""
    return atomic_write_bytes(path, text.encode(encoding))


def same_file(a: str | Path, b: str | Path) -> bool:
    """True if two paths name the same existing file (also through links or ``..``).

    Examples
    --------
    >>> same_file(__file__, Path(__file__).parent / ".." / "gzgeo" / "_io.py")
    True
    """
    a, b = Path(a), Path(b)
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def user_data_dir() -> Path:
    """The user's per-user data folder for gzgeo (not created here).

    ``$XDG_DATA_HOME/gzgeo`` (``~/.local/share/gzgeo`` by default) on Linux,
    ``~/Library/Application Support/gzgeo`` on macOS and ``%LOCALAPPDATA%\\gzgeo`` on
    Windows. The workspace and the users file both live here; the rule has one home.

    Examples
    --------
    >>> user_data_dir().name
    'gzgeo'
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "gzgeo"
