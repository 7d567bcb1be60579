#!/usr/bin/env bash
# Toda a bateria de testes: lint, build limpo e estrito do livro (gera as páginas dos capítulos),
# a rodada de robustez (outras sementes, outro caminho numérico), testes do pacote, registro dos
# números de cada capítulo, soluções dos exercícios, o site no Chromium e o canário do Zensical.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1 MPLBACKEND=Agg PYTHONHASHSEED=0
PATH="$PWD/.venv/bin:$PATH"

# O navegador dos testes: /usr/bin/chromium (Debian, o do .ci/run) ou o de RECORRENTE_CHROMIUM.
CHROMIUM="${RECORRENTE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "Chromium não encontrado em $CHROMIUM; instale com: sudo apt-get install -y chromium" >&2
  echo "(ou aponte RECORRENTE_CHROMIUM para outro Chromium ou Google Chrome)" >&2
  exit 1
fi
export RECORRENTE_CHROMIUM="$CHROMIUM"

echo "== ruff"
ruff check .

# O site e as páginas geradas saem do zero. A execução guardada em .cache-paginas fica: a chave
# dela cobre o código das células, os arquivos do pacote que cada capítulo carrega e as versões
# instaladas, então nada velho aparece (tests/test_paginas.py confere).
echo "== build limpo e estrito"
rm -rf site
python scripts/paginas.py --limpar
start=$(date +%s)
mkdocs build --strict
echo "build em $(( $(date +%s) - start )) s"

# Os mesmos capítulos com outra base de sementes e outro caminho de ponto flutuante: todo assert
# (toda conclusão) precisa valer aqui também. A saída mostra números que mudaram, para provar
# que a rodada não repetiu a mesma execução.
echo "== rodada de robustez"
python scripts/paginas.py --robustez

echo "== pytest (pacote, exemplos das docstrings, exercícios, site no Chromium, PDF, Zensical)"
# Dois processos, um grupo de testes inteiro por processo (--dist loadfile, com os grupos de
# tests/conftest.py): cada arquivo é um grupo (as fixtures de módulo, como o site do Zensical e o
# venv do teste de distribuição, saem uma vez só), menos test_impressao.py e test_folha.py,
# juntos para o PDF do livro sair uma vez; os grupos mais longos começam primeiro. As 25 etapas
# mais lentas saem no fim: é por elas que se vê para onde vai o tempo do CI.
pytest -n 2 -m "not serial" --dist loadfile --durations=25 --doctest-modules src hooks scripts tests
# Os que medem tempo de relógio (a primeira resposta do mkdocs serve), sozinhos depois.
pytest -m serial tests
