"""``python -m gzgeo``: the ``gzgeo`` command, also where its console script is not on ``PATH``."""

import sys

from gzgeo.cli import main

if __name__ == "__main__":
    sys.exit(main())
