"""``python -m model``: the ``manpower`` command."""

import sys

from .cli import main

sys.exit(main())
