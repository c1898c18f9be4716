"""The ``gzgeo`` console command's entry point, outside the package on purpose.

Importing :mod:`gzgeo` loads geopandas and takes about a second. A Ctrl-C in that second
would otherwise end in a Python traceback; here it ends like any other interrupt of the
command: one line on stderr and exit status 130, nothing written.
"""

from __future__ import annotations

import sys

INTERRUPTED = "gzgeo: interrupted; no output written"


def main() -> int:
    """Run ``gzgeo.cli.main`` and turn an interrupt during the library's import into exit status 130."""
    try:
        from gzgeo.cli import main as cli_main
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
