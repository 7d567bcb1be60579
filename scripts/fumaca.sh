#!/usr/bin/env bash
# Teste de fumaça do pacote instalado (de um wheel, num venv limpo): import, a ajuda e uma
# execução curta da linha de comando, num diretório vazio fora do repositório, para que nada
# venha de src/. O workflow de lançamento o usa (tests/test_distribuicao.py fica no import, na
# ajuda e nos notebooks, que já treinam).
# Uso: bash scripts/fumaca.sh CAMINHO/DO/VENV
set -euo pipefail
VENV="$(cd "$1" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
"$VENV/bin/python" - <<'PY'
import pathlib

import recorrente

origem = pathlib.Path(recorrente.__file__).resolve()
assert "site-packages" in origem.parts, f"recorrente veio de {origem}, não do pacote instalado"
print(f"recorrente {recorrente.__version__} de {origem.parent}")
PY
"$VENV/bin/recorrente" --version
"$VENV/bin/recorrente" --help >/dev/null
"$VENV/bin/recorrente" nomes treinar --epocas 1 --segundos 1 --tamanho 8 --saida modelo.pt
"$VENV/bin/recorrente" nomes gerar --checkpoint modelo.pt --quantos 3
echo "Fumaça: ok"
