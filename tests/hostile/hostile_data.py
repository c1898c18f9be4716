"""Helpers of the hostile-input suite: script payloads and edits that poison a copy of the data home."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from gzgeo.layers import _load_cached

#: Markup that runs script if any route pastes it into HTML unescaped; each sets ``window.__pwned``.
PAYLOADS = (
    '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
    '"><svg onload="window.__pwned=(window.__pwned||0)+1">',
    "</script><script>window.__pwned=(window.__pwned||0)+1</script>",
    "'-alert(1)-'\\\"};window.__pwned=1;//",
)


def edit_csv(home: Path, name: str, edit) -> pd.DataFrame:
    """Apply ``edit(table)`` to ``data/<name>.csv`` (all columns as text) and write it back."""
    path = home / "data" / f"{name}.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(table)
    table.to_csv(path, index=False)
    _load_cached.cache_clear()
    return table


def edit_geojson(home: Path, name: str, edit) -> dict:
    """Apply ``edit(feature_collection)`` to ``geo/<name>.geojson`` and write it back."""
    path = home / "geo" / f"{name}.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _load_cached.cache_clear()
    return doc


def poison_every_text(home: Path, payload: str) -> None:
    """Put ``payload`` into every free-text field of every layer and table the map shows."""
    text_cols = (
        "name_zh",
        "name_en",
        "address",
        "source_clause",
        "precision_note",
        "role",
        "description",
        "geometry_quality",
        "official_area_source",
    )

    def csv_edit(table):
        for col in text_cols:
            if col in table:
                table[col] = table[col] + payload

    for name in ("platforms", "categories", "frameworks"):
        edit_csv(home, name, csv_edit)

    def geo_edit(columns):
        def edit(doc):
            for feature in doc["features"]:
                for col in columns:
                    if col in feature["properties"]:
                        feature["properties"][col] = f"{feature['properties'][col]}{payload}"

        return edit

    # District name_zh is the key platforms refer to: poison the other text.
    edit_geojson(home, "districts", geo_edit([c for c in text_cols if c != "name_zh"]))
    for name in ("zones", "cores", "nodes", "axis"):
        edit_geojson(home, name, geo_edit(text_cols))
