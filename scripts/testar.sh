#!/usr/bin/env bash
# Toda a bateria de testes: lint, build limpo e estrito do livro (executa todos os capítulos),
# testes do pacote, soluções dos exercícios e verificações do site no Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1 MPLBACKEND=Agg PYTHONHASHSEED=0
PATH="$PWD/.venv/bin:$PATH"

if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium não encontrado em /usr/bin/chromium; instale com: sudo apt-get install -y chromium" >&2
  exit 1
fi

echo "== ruff"
ruff check .

echo "== build limpo e estrito (o cache do mkdocs-jupyter não percebe mudanças em src/)"
rm -rf site .cache
start=$(date +%s)
mkdocs build --strict
echo "build em $(( $(date +%s) - start )) s"

echo "== pytest (pacote, exemplos das docstrings e dos hooks, exercícios, site no Chromium, PDF)"
pytest --doctest-modules src hooks tests
