"""Esboço: substituído pela versão completa (abreviações nas páginas dos capítulos)."""
