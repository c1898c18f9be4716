"""gzgeo._framecache: kept values follow their frame's data, and nothing is kept where pandas could not tell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gzgeo import _framecache
from gzgeo._framecache import cached, source_rows, subset


def test_a_kept_value_is_rebuilt_after_a_write_in_place():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    assert cached(frame, "total", lambda f: int(f["a"].sum())) == 6
    frame.loc[1, "a"] = 20
    assert cached(frame, "total", lambda f: int(f["a"].sum())) == 24
    frame["c"] = 1  # a new column is another state of the frame too
    assert cached(frame, "total", lambda f: -1) == -1


def test_a_subset_knows_its_rows_until_either_frame_changes():
    root = pd.DataFrame({"a": np.arange(10)})
    part = subset(root, root["a"].to_numpy() % 3 == 0)
    found, positions = source_rows(part)
    assert found is root and positions.tolist() == [0, 3, 6, 9]
    root.loc[0, "a"] = 99
    assert source_rows(part) is None


def test_nothing_is_kept_without_copy_on_write(monkeypatch):
    # pandas 2 without copy-on-write writes in place into the same array: identities cannot tell a change.
    monkeypatch.setattr(_framecache, "copy_on_write", lambda: False)
    frame = pd.DataFrame({"a": [1, 2]})
    built = []
    for _ in range(2):
        cached(frame, "k", lambda f: built.append(1) or len(built))
    assert len(built) == 2
    assert source_rows(subset(frame, np.array([True, False]))) is None
