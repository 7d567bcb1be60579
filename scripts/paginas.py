"""Atalho para o passo de renderização (``src/recorrente_build``): ``python scripts/paginas.py``.

Uso, da raiz do repositório::

    python scripts/paginas.py            # todos os capítulos
    python scripts/paginas.py 01 05      # só os que começam com esses prefixos
    python scripts/paginas.py --robustez # a rodada de robustez
    python scripts/paginas.py --aceitar 05
    python scripts/paginas.py --limpar
    python scripts/paginas.py --pdf      # o livro em PDF (site/recorrente.pdf), depois do build

O mesmo que ``python -m recorrente_build``; o pacote vem do ``pip install -e .`` do projeto.
"""

from recorrente_build.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
