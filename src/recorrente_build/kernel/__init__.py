"""O código que roda dentro do kernel do capítulo, em arquivos ``.py`` de verdade (o ruff os lê).

O passo não importa estes módulos no kernel: manda o texto de cada um como uma célula
(:func:`source`), que o kernel executa no espaço de nomes do capítulo. Por isso os nomes
começam com ``_`` (não se misturam aos do capítulo) e o que age no kernel fica sob
``if __name__ == "__main__"`` (no kernel, o espaço de nomes do capítulo é o ``__main__``;
importado, para um teste ou para ler uma constante, o módulo não faz nada).

- :mod:`.figures`: o texto alternativo de cada figura do matplotlib;
- :mod:`.quotes`: a função que avalia os valores citados na prosa;
- :mod:`.loaded`: no fim, os arquivos do pacote e as distribuições que o capítulo carregou.
"""

from __future__ import annotations

from pathlib import Path


def source(name: str) -> str:
    """O texto do módulo ``name`` desta pasta, pronto para virar uma célula.

    Exemplo:
        >>> "_valores_citados" in source("quotes")
        True
    """
    return (Path(__file__).resolve().parent / f"{name}.py").read_text(encoding="utf-8")
