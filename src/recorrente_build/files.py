"""Escrever arquivos gerados: atômico e só quando o conteúdo muda."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Escreve só se mudou (o ``mkdocs serve`` reconstrói a cada arquivo escrito), atômico.

    Retorna:
        ``True`` se o arquivo foi escrito.

    Exemplo:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "a" / "b.txt"
        >>> write_if_changed(path, "x"), write_if_changed(path, "x"), path.read_text()
        (True, False, 'x')
    """
    data = content.encode() if isinstance(content, str) else content
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return True
