"""Arquivos e terminal da linha de comando: a saída nunca é uma entrada, falhas viram uma linha.

- :func:`check_output_path` recusa, antes de qualquer trabalho, uma saída que é uma das
  entradas, que não é um arquivo comum ou que não dá para criar;
- :func:`write_checkpoint` roda a gravação do módulo da tarefa (atômica, em
  :mod:`recorrente.checkpoints`) e
  troca um erro do sistema de arquivos por :class:`WriteError`, que nomeia o caminho e a causa;
- :func:`readable_streams` faz a saída padrão aguentar um terminal sem acentos.
"""

from __future__ import annotations

import codecs
import errno
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from recorrente.errors import InputError

__all__ = [
    "WriteError",
    "check_output_path",
    "describe_os_error",
    "readable_streams",
    "write_checkpoint",
]


class WriteError(Exception):
    """Uma gravação falhou (disco cheio, somente leitura...): a mensagem diz o caminho e a causa.

    A linha de comando a mostra numa linha e sai com código 1; o arquivo anterior, se havia
    um, ficou intacto.
    """


_CAUSES = {
    errno.EROFS: "o sistema de arquivos é somente leitura",
    errno.EACCES: "sem permissão de escrita",
    errno.EPERM: "sem permissão de escrita",
    errno.ENOSPC: "não há espaço no disco",
    errno.EDQUOT: "a cota de disco acabou",
    errno.EFBIG: "o arquivo ficaria grande demais",
    errno.ENOTDIR: "uma parte do caminho é um arquivo, não uma pasta",
    errno.EEXIST: "uma parte do caminho é um arquivo, não uma pasta",
    errno.EISDIR: "é uma pasta, não um arquivo",
    errno.ENAMETOOLONG: "o nome é comprido demais",
    errno.EIO: "erro de entrada e saída do dispositivo",
}


def describe_os_error(error: OSError) -> str:
    """A causa de um erro do sistema de arquivos em português (``"não há espaço no disco"``).

    Exemplo:
        >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device"))
        'não há espaço no disco'
        >>> describe_os_error(OSError(errno.ENOLINK, "Link has been severed"))
        'Link has been severed'
    """
    return _CAUSES.get(error.errno, error.strerror or str(error))


def _same_file(a: Path, b: Path) -> bool:
    """Se os dois caminhos são o mesmo arquivo: mesmo caminho resolvido ou mesmo inode."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # um dos dois não existe
        return False


def check_output_path(
    path: Path, *, overwrite: bool, inputs: Iterable[tuple[str, Path | None]] = ()
) -> None:
    """Confere, antes de qualquer trabalho, que ``path`` pode receber o arquivo de saída.

    Recusa uma saída que é o mesmo arquivo que uma entrada (caminho resolvido, link simbólico
    ou o mesmo inode), mesmo com ``overwrite``: sobrescrever vale para uma saída antiga, nunca
    para os dados do usuário. Recusa também o que não é um arquivo comum (uma pasta, um
    dispositivo como ``/dev/full``), um arquivo que já existe sem ``overwrite``, um caminho em
    que uma pasta é na verdade um arquivo e uma pasta sem permissão de escrita.

    Parâmetros:
        path: o caminho de saída (``--saida``).
        overwrite: se um arquivo comum que já existe pode ser substituído (``--sobrescrever``).
        inputs: pares ``(opção, caminho)`` das entradas do comando (``("--dados", ...)``);
            caminhos ``None`` são ignorados.

    Levanta:
        InputError: com o motivo e como corrigir; nada foi gravado.

    Exemplo:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     data = Path(folder) / "nomes.txt"
        ...     _ = data.write_text("ana\\n", encoding="utf-8")
        ...     check_output_path(Path(folder) / "modelo.pt", overwrite=False)  # tudo certo
        ...     check_output_path(data, overwrite=True, inputs=[("--dados", data)])
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: --saida ... é o mesmo arquivo que --dados ...; ...
    """
    for option, source in inputs:
        if source is not None and _same_file(path, source):
            raise InputError(
                f"--saida {path} é o mesmo arquivo que {option} {source}; escolha outro "
                "caminho para a saída (--sobrescrever nunca substitui uma entrada)."
            )
    if path.exists() or path.is_symlink():
        if path.is_dir():
            raise InputError(f"--saida {path} é uma pasta; indique um arquivo, como "
                             f"{path / 'modelo.pt'}.")
        if path.exists() and not path.is_file():
            raise InputError(f"--saida {path} não é um arquivo comum (é um dispositivo, um "
                             "pipe ou um socket); escolha o caminho de um arquivo.")
        if not overwrite:
            raise InputError(
                f"O arquivo {path} já existe; escolha outro --saida ou use --sobrescrever."
            )
    folder = path.absolute().parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(f"Não dá para gravar em {path}: {folder} é um arquivo, não uma pasta; "
                         "escolha outro --saida.")
    if not os.access(folder, os.W_OK):
        cause = "o sistema de arquivos é somente leitura" if _read_only(folder) \
            else "sem permissão de escrita"
        raise InputError(f"Não dá para gravar em {path}: {cause} ({folder}); "
                         "escolha outro --saida.")


def _read_only(folder: Path) -> bool:
    """Se a pasta está num sistema de arquivos montado somente para leitura."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:  # pragma: no cover - statvfs falha só em sistemas exóticos
        return False


def write_checkpoint(path: Path, save: Callable[[], Path]) -> Path:
    """Roda ``save()`` (uma gravação atômica) e troca uma falha do disco por :class:`WriteError`.

    Levanta:
        WriteError: com o caminho e a causa; o temporário foi apagado e o arquivo anterior, se
            havia um, ficou intacto.
    """
    try:
        return save()
    except OSError as error:
        raise WriteError(f"Não consegui gravar {path}: {describe_os_error(error)}; nada foi "
                         "alterado (um arquivo anterior continua como estava).") from None


#: Trocas para o que não tem forma sem acento pela decomposição Unicode.
_PLAIN = {"—": "-", "–": "-", "…": "...", "→": "->", "←": "<-", "×": "x", "≤": "<=",
          "≥": ">=", "≈": "~", "“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"',
          "τ": "tau", "·": "."}


def _plain_text(error: UnicodeError) -> tuple[str, int]:
    """Manipulador de erro de codificação: "não" vira "nao"; o resto, ``\\xNN``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start : error.end]:
        plain = _PLAIN.get(char)
        if plain is None:
            base = unicodedata.normalize("NFKD", char)
            plain = "".join(c for c in base if not unicodedata.combining(c))
        try:
            plain.encode(error.encoding)
        except (UnicodeEncodeError, LookupError):
            plain = char.encode("ascii", "backslashreplace").decode("ascii")
        out.append(plain)
    return "".join(out), error.end


_HANDLER = "recorrente-sem-acentos"


def readable_streams() -> None:
    """Deixa ``stdout`` e ``stderr`` escreverem mesmo num terminal que não mostra acentos.

    Com ``PYTHONIOENCODING=ascii`` (ou um terminal latin-1), o que a codificação não
    representa sai sem o acento ("não" → "nao") ou como ``\\xNN``, em vez de derrubar o
    comando com ``UnicodeEncodeError``.
    """
    codecs.register_error(_HANDLER, _plain_text)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "ãé—".encode(encoding)
        except UnicodeEncodeError:
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors=_HANDLER)
        except LookupError:  # pragma: no cover - codificação desconhecida
            pass
