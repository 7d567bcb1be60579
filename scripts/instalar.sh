#!/usr/bin/env bash
# Cria .venv e instala as versões testadas do projeto (torch de CPU primeiro).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
# Um .venv pela metade (um `python -m venv` que falhou, sem o pip dentro) é refeito, não pulado.
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  [ -e .venv ] && echo "O .venv existente está incompleto (sem o pip); refazendo-o."
  "$PYTHON" -m venv --clear .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# O torch vem antes, fixado: um pedido sem versão baixaria a versão CUDA, de vários GB.
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -c requirements/constraints.txt -e ".[docs,dev]"
# O axe-core dos testes de acessibilidade do site (tests/test_acessibilidade.py), do npm, na
# versão do package-lock.json. Só para os testes: sem npm, o livro constrói e serve do mesmo jeito.
if command -v npm >/dev/null; then
  npm ci --no-audit --no-fund --silent
else
  echo "Aviso: sem npm, os testes de acessibilidade do site não rodam (sudo apt-get install -y npm)." >&2
fi
echo "Pronto: ambiente em .venv com as versões de requirements/constraints.txt."
