"""Fixtures comuns: o servidor local do site construído, o mesmo de ``test_site.py``."""

from test_site import server  # noqa: F401  (test_impressao imprime o PDF a partir dele)
