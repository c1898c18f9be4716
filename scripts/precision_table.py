"""Write the table of platform location precision counts into docs/data.md.

The table sits between the markers ``<!-- precision-table:start -->`` and
``<!-- precision-table:end -->``; tests/test_geocoding.py checks that it matches
the data. Re-run after data/platforms.csv changes::

    python scripts/precision_table.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gzgeo.geocoding import precision_table_markdown  # noqa: E402
from gzgeo.layers import load  # noqa: E402

DOC = ROOT / "docs" / "data.md"
START, END = "<!-- precision-table:start -->", "<!-- precision-table:end -->"


def render(text: str, table: str) -> str:
    """``text`` with the block between the markers replaced by ``table`` (appended when there are no markers)."""
    block = f"{START}\n{table}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        return head + block + rest.split(END, 1)[1]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    new = render(text, precision_table_markdown(load("platforms")))
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(DOC)
    print(f"wrote the precision table into {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
