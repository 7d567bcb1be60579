"""Fixtures comuns: o servidor local do site construído, o mesmo de ``test_site.py``."""

from test_site import browser, server  # noqa: F401  (test_impressao, test_erros_comuns)
