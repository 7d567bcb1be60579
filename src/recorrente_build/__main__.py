"""``python -m recorrente_build``: o mesmo que ``python scripts/paginas.py``."""

from recorrente_build.cli import main

raise SystemExit(main())
