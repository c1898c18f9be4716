"""Whole-command time of ``gzgeo export png`` and ``gzgeo export pptx`` (what a planner waits for).

Run from the repository root::

    python benchmarks/bench_cli.py              # median of 3 runs each
    python benchmarks/bench_cli.py --repeat 5

Each run is a fresh ``python -m gzgeo.cli export FORMAT -o FILE -q`` on the
bundled data (interpreter start, imports, drawing, writing), timed from outside
like ``/usr/bin/time``. ``python -X importtime`` of the same command shows
where the import part goes. Goals (issue 10): png ≤ 3 s, pptx ≤ 6 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed_export(fmt: str, repeat: int) -> tuple[float, float, int]:
    """Median and minimum wall time (s) of ``repeat`` export commands, and the output's size in bytes."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"out.{fmt}"
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "gzgeo.cli", "export", fmt, "-o", str(out), "-q"],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
        size = out.stat().st_size
    return statistics.median(times), min(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| command | median s | fastest s | output MB | goal (issue 10) |")
    print("|---|---|---|---|---|")
    for fmt, goal in (("png", 3.0), ("pptx", 6.0)):
        median, fastest, size = timed_export(fmt, args.repeat)
        print(f"| `gzgeo export {fmt}` | {median:.2f} | {fastest:.2f} | {size / 1e6:.2f} | ≤ {goal:g} s |", flush=True)


if __name__ == "__main__":
    main()
