#!/usr/bin/env bash
# Cria .venv e instala o projeto com as versões exatas de requirements/constraints.txt, as que
# produziram os números do livro: primeiro o torch, depois o pacote em modo editável com os
# grupos de dependências do build do livro (docs) e dos testes (dev).
#
# De onde vem o torch: RECORRENTE_TORCH_INDICE escolhe o índice. Sem ela, vem do índice padrão
# do pip; num Linux com o PyPI, é a versão com CUDA, de vários GB. Para a versão só de CPU:
#   RECORRENTE_TORCH_INDICE=https://download.pytorch.org/whl/cpu bash scripts/instalar.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
TORCH="$(grep '^torch==' requirements/constraints.txt)"  # a versão fixada, num lugar só

# Um .venv pela metade (um `python -m venv` que falhou, sem o pip dentro) é refeito, não pulado.
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  [ -e .venv ] && echo "O .venv existente está incompleto (sem o pip); refazendo-o."
  "$PYTHON" -m venv --clear .venv
fi
# pip 25.1 ou mais novo: o primeiro que instala grupos de dependências (--group).
.venv/bin/python -m pip install --quiet --upgrade "pip>=25.1"
if [ -n "${RECORRENTE_TORCH_INDICE:-}" ]; then
  echo "Instalando $TORCH do índice $RECORRENTE_TORCH_INDICE."
  .venv/bin/python -m pip install --quiet "$TORCH" --index-url "$RECORRENTE_TORCH_INDICE"
else
  echo "Instalando $TORCH do índice padrão do pip (num Linux com o PyPI, a versão com CUDA, de"
  echo "vários GB; para a de CPU, defina RECORRENTE_TORCH_INDICE, como diz o README)."
  .venv/bin/python -m pip install --quiet "$TORCH"
fi
echo "Instalando o projeto (editável) e os grupos docs e dev com requirements/constraints.txt."
.venv/bin/python -m pip install --quiet -c requirements/constraints.txt -e . --group docs --group dev
# Do npm, nas versões do package-lock.json: o mathjax-full, com que o build tipografa as fórmulas
# (hooks/typeset_math.py), e o axe-core dos testes de acessibilidade (tests/test_acessibilidade.py).
# Sem npm, o livro constrói e serve do mesmo jeito, e o navegador tipografa as fórmulas.
if command -v npm >/dev/null && [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --silent
else
  echo "Aviso: sem npm, as fórmulas ficam para o MathJax do navegador e os testes do site não rodam" \
    "(sudo apt-get install -y npm)." >&2
fi
echo "Pronto: ambiente em .venv com $(.venv/bin/python -c 'import torch; print("torch", torch.__version__)')."
