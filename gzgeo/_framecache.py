"""Values derived from a frame, kept while the frame holds the same data; which rows of which frame a subset is.

The app filters one prepared platforms frame again and again: what can be worked out once per frame (facet
codes, the map payload's per-platform text) is kept here, keyed by the frame, and a subset made by
:func:`subset` remembers its rows in that frame, so per filter only those rows are taken.

A kept value must never outlive the data it came from. pandas >= 3 copies a column's data before a write when
something else refers to it (copy-on-write); a *snapshot* holds a shallow copy of the frame, which is such a
reference. After any write, insertion, replacement or removal of a column, the frame's column is then a different
array, so comparing the arrays' identities (a few microseconds) tells whether a frame still holds the data a value
was derived from. Under pandas 2 without copy-on-write (:func:`copy_on_write`) nothing is kept: every call works
from the frame as it is. Entries go with their frames (weak references), nothing is stored on the caller's frame.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")

__all__ = ["cached", "copy_on_write", "source_rows", "subset"]


def _array_token(values: object) -> tuple:
    if isinstance(values, np.ndarray):  # a view of the block: new per call, its buffer is what identifies it
        return ("numpy", values.__array_interface__["data"][0], values.shape, values.strides, values.dtype.str)
    return ("array", id(values), id(getattr(values, "_pa_array", None)))


def _token(frame: pd.DataFrame) -> tuple | None:
    """Identities of every column's data, with the column labels and length; None when labels repeat."""
    columns = frame.columns
    if not columns.is_unique:
        return None
    try:
        arrays = [frame._get_column_array(i) for i in range(len(columns))]
    except AttributeError:  # a pandas without the internal accessor: the public, slower way
        arrays = [frame.iloc[:, i].array for i in range(len(columns))]
        arrays = [a.to_numpy() if isinstance(a, pd.arrays.NumpyExtensionArray) else a for a in arrays]
    return (len(frame), tuple(columns), tuple(_array_token(a) for a in arrays))


class _Snapshot:
    """One state of a frame: its token, and a shallow copy that makes pandas copy a column before changing it."""

    __slots__ = ("token", "_holder")

    def __init__(self, frame: pd.DataFrame, token: tuple):
        try:  # the frame's data manager, shallow: a third of the time of a GeoDataFrame's shallow copy
            self._holder = frame._mgr.copy(deep=False)
        except AttributeError:
            self._holder = frame.copy(deep=False)
        self.token = token


class _Entry:
    __slots__ = ("ref", "snapshot", "values", "rows")

    def __init__(self, ref: weakref.ref):
        self.ref = ref
        self.snapshot: _Snapshot | None = None
        self.values: dict[str, tuple[_Snapshot, object]] = {}
        # (this frame's snapshot, root frame's weak reference, root's snapshot, positions in the root)
        self.rows: tuple[_Snapshot, weakref.ref, _Snapshot, np.ndarray] | None = None


_ENTRIES: dict[int, _Entry] = {}
_LOCK = threading.Lock()
_PANDAS_MAJOR = int(pd.__version__.split(".", 1)[0])


def copy_on_write() -> bool:
    """Whether pandas copies a column's shared data before a write: always from pandas 3, by option before.

    Without it (pandas 2 by default) a write in place keeps the array and its identity, so nothing can be kept.
    """
    if _PANDAS_MAJOR >= 3:
        return True
    try:
        return pd.get_option("mode.copy_on_write") is True
    except (KeyError, pd.errors.OptionError):
        return False


def _entry(frame: pd.DataFrame) -> _Entry | None:
    if not copy_on_write():
        return None
    key = id(frame)
    entry = _ENTRIES.get(key)
    if entry is not None and entry.ref() is frame:
        return entry
    try:
        ref = weakref.ref(frame, lambda _, key=key: _ENTRIES.pop(key, None))
    except TypeError:  # not weakly referenceable: nothing to key on
        return None
    entry = _Entry(ref)
    with _LOCK:
        _ENTRIES[key] = entry
    return entry


def _current(frame: pd.DataFrame, entry: _Entry) -> _Snapshot | None:
    """The snapshot of the frame's present state (the same object while its data are unchanged), or None."""
    token = _token(frame)
    if token is None:
        return None
    if entry.snapshot is None or entry.snapshot.token != token:
        entry.snapshot = _Snapshot(frame, token)
    return entry.snapshot


def cached(frame: pd.DataFrame, key: str, build: Callable[[pd.DataFrame], T]) -> T:
    """``build(frame)``, kept per frame and ``key`` while the frame's data are unchanged (built again otherwise).

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1, 2]})
    >>> cached(frame, "sum", lambda f: int(f["a"].sum())), cached(frame, "sum", lambda f: -1)
    (3, 3)
    >>> frame.loc[0, "a"] = 10
    >>> cached(frame, "sum", lambda f: int(f["a"].sum()))
    12
    """
    entry = _entry(frame)
    snapshot = _current(frame, entry) if entry is not None else None
    if snapshot is None:
        return build(frame)
    kept = entry.values.get(key)
    if kept is not None and kept[0] is snapshot:
        return kept[1]  # type: ignore[return-value]
    value = build(frame)
    entry.values[key] = (snapshot, value)
    return value


def source_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray] | None:
    """``(root, positions)`` when ``frame`` is rows of ``root`` taken by :func:`subset` and neither changed since.

    Examples
    --------
    >>> root = pd.DataFrame({"a": [1, 2, 3]})
    >>> part = subset(root, root["a"].to_numpy() > 1)
    >>> found, positions = source_rows(part)
    >>> found is root, positions.tolist()
    (True, [1, 2])
    >>> part.loc[1, "a"] = 0
    >>> source_rows(part) is None
    True
    """
    entry = _ENTRIES.get(id(frame))
    if entry is None or entry.ref() is not frame or entry.rows is None:
        return None
    own, root_ref, root_snapshot, positions = entry.rows
    root = root_ref()
    if root is None or _current(frame, entry) is not own:
        return None
    root_entry = _entry(root)
    if root_entry is None or _current(root, root_entry) is not root_snapshot:
        return None
    return root, positions


def subset(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """``frame[mask]``, remembering which rows of which frame it holds (for :func:`source_rows`).

    Examples
    --------
    >>> root = pd.DataFrame({"a": [1, 2, 3]})
    >>> subset(subset(root, np.array([True, False, True])), np.array([False, True]))["a"].tolist()
    [3]
    """
    out = frame[mask]
    if out is frame:
        return out
    positions = np.flatnonzero(mask)
    source = source_rows(frame)
    root, positions = (source[0], source[1][positions]) if source is not None else (frame, positions)
    root_entry, entry = _entry(root), _entry(out)
    if root_entry is None or entry is None:
        return out
    root_snapshot, own = _current(root, root_entry), _current(out, entry)
    if root_snapshot is not None and own is not None:
        entry.rows = (own, root_entry.ref, root_snapshot, positions)
    return out
