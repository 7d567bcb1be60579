"""Permite ``python -m recorrente``."""

import sys

from recorrente.cli import main

sys.exit(main())
