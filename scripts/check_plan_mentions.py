"""Check every quote in ``data/plan_mentions.csv`` against the seed policy texts.

Build-time only: the seed texts live beside the repository (``../shared/seeds``) on the
maintainers' machines, never in the product. Each quote may be several verbatim pieces
joined by ``…``; each piece must occur in the stated document after the line-wrap spaces of
the web/PDF text are removed (the same normalisation the extraction used).

Usage::

    python scripts/check_plan_mentions.py [SEEDS_DIR]

Exit status 0 when every quote is found, 1 otherwise, 2 when the seeds are not present.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def normalise(text: str) -> str:
    """Drop the spaces that line wrapping put between CJK characters (and CJK/ASCII)."""
    text = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text)
    return re.sub(r"(?<=[^\x00-\x7f])\s+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])\s+(?=[^\x00-\x7f])", "", text)


def main(argv: list[str]) -> int:
    seeds = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        print(f"seed texts not found at {seeds.name}/: nothing to check", file=sys.stderr)
        return 2
    texts: dict[str, str] = {}
    problems = 0
    with open(ROOT / "data" / "plan_mentions.csv", encoding="utf-8", newline="") as fh:
        for row_number, row in enumerate(csv.DictReader(fh), start=2):
            name = row["source_file"]
            if name not in texts:
                texts[name] = normalise((seeds / name).read_text(encoding="utf-8"))
            for piece in row["quote"].split("…"):
                if normalise(piece) not in texts[name]:
                    problems += 1
                    print(f"plan_mentions.csv row {row_number}: quote piece {piece!r} not in {name}")
    print("all quotes found" if not problems else f"{problems} quote piece(s) not found")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
