"""Esboço: gera os .ipynb dos capítulos (a versão completa vem a seguir)."""
