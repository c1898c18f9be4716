"""The location-precision rule: a platform known only to its district is not a location.

Precision runs ``site`` < ``campus_or_park`` < ``zone`` < ``district``
(:data:`gzgeo.layers.LOCATION_PRECISIONS`). Every function that measures
platform points keeps the rows located at least as finely as ``coarsest``
(default ``"zone"``); the rule and its parameter text live here once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..layers import LOCATION_PRECISIONS

__all__ = ["located", "located_mask", "documents_coarsest"]


def _precision_rank(coarsest: str | None) -> int | None:
    """Position of ``coarsest`` in ``LOCATION_PRECISIONS`` (finest first), or None for "keep everything"."""
    if coarsest is None:
        return None
    if coarsest not in LOCATION_PRECISIONS:
        raise ValueError(f"coarsest must be None or one of {', '.join(LOCATION_PRECISIONS)}, not {coarsest!r}")
    return LOCATION_PRECISIONS.index(coarsest)


def located_mask(points: pd.DataFrame, coarsest: str | None = "zone") -> np.ndarray | None:
    """Boolean array of the rows of ``points`` located at least as finely as ``coarsest``.

    None when nothing is filtered out by construction: ``coarsest`` is None or
    ``"district"``, or the frame has no ``location_precision`` column
    (synthetic points are exact). Rows with a missing or unknown precision
    count as coarser than ``"district"``: they are kept only when nothing is filtered.
    """
    rank = _precision_rank(coarsest)
    if rank is None or rank == len(LOCATION_PRECISIONS) - 1 or "location_precision" not in points:
        return None
    # One vectorised membership test (a per-row map of 20,000 strings was a sixth of an app rerun).
    return points["location_precision"].isin(LOCATION_PRECISIONS[: rank + 1]).to_numpy(dtype=bool)


_COARSEST_DOC = """coarsest : {"site", "campus_or_park", "zone", "district"} or None
        Coarsest ``location_precision`` kept (see :func:`gzgeo.analysis.located`); platforms located only
        to their district are left out by default: their point is not a location. None keeps every row."""


def documents_coarsest(func):
    """Fill the ``{coarsest}`` line of a function's numpy docstring with the shared parameter text.

    Every function that measures platform points takes the same ``coarsest``
    keyword; its description lives here once.
    """
    func.__doc__ = func.__doc__.replace("{coarsest}", _COARSEST_DOC)
    return func


def located(points, coarsest: str | None = "zone", name: str = "platforms"):
    """Keep the rows whose ``location_precision`` is at least as fine as ``coarsest``.

    Precision runs ``site`` < ``campus_or_park`` < ``zone`` < ``district``. A
    ``zone`` point is a representative point of its zone polygon (a few km of
    uncertainty); a ``district`` point only says "somewhere in this district",
    so it is not a location and the default ``coarsest="zone"`` drops it.

    Parameters
    ----------
    points : geopandas.GeoDataFrame or pandas.DataFrame
        Rows with a ``location_precision`` column (e.g. ``gzgeo.load("platforms")``);
        a frame without that column (synthetic points) is returned unchanged.
    coarsest : {"site", "campus_or_park", "zone", "district"} or None
        Coarsest precision kept; None or ``"district"`` keeps every row.
    name : str
        How the layer is called in the error message.

    Returns
    -------
    Same type as ``points``
        The kept rows (the input itself when nothing is filtered), index and CRS unchanged.

    Raises
    ------
    ValueError
        When ``coarsest`` is not a precision, or when the input has rows but none is located finely enough.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"location_precision": ["site", "campus_or_park", "zone", "district"]})
    >>> [len(located(frame, c)) for c in ("site", "campus_or_park", "zone", "district", None)]
    [1, 2, 3, 4, 4]
    >>> located(frame.iloc[[3]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: platforms is empty after location-precision filtering: ... pass coarsest='district' (or None) ...
    """
    keep = located_mask(points, coarsest)
    if keep is None:
        return points
    if len(points) and not keep.any():
        raise ValueError(
            f"{name} is empty after location-precision filtering: none of its {len(points)} rows "
            f"is located to {coarsest!r} or finer; pass coarsest='district' (or None) to include "
            "estimated locations"
        )
    return points if keep.all() else points[keep]
