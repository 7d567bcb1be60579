"""O laço de quem escreve: ``mkdocs serve``, cache, Ctrl-C, capítulo malformado, instalação.

Cada caso do item 7 do issue 26, com capítulos de mentira numa pasta temporária e kernels de
verdade (poucos: cada um leva segundos):

- no ``serve``, um capítulo que falha executa uma vez por mudança das fontes e a página mostra o
  aviso de falha até ele ser corrigido; a prosa aparece antes de qualquer execução;
- uma entrada estragada do cache é só uma execução que não está no cache;
- Ctrl-C e SIGTERM param em segundos, com uma linha, sem deixar ``recorrente-kernel-*``;
- um capítulo malformado para o build com o capítulo e a célula;
- ``scripts/instalar.sh`` refaz um ``.venv`` pela metade;
- o ``mkdocs serve`` de verdade responde a página de um capítulo em poucos segundos.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from recorrente_build import cache as cache_module
from recorrente_build import execution, runner, serve, source, writing
from recorrente_build.cache import Cache
from recorrente_build.settings import ChapterError

ROOT = Path(__file__).resolve().parents[1]

TITULO = "# %% [markdown]\n# # 8. Teste\n#\n# Prosa que aparece antes de executar.\n\n"


def _capitulo(pasta: Path, codigo: str, nome: str = "08_teste.py") -> Path:
    pasta.mkdir(parents=True, exist_ok=True)
    caminho = pasta / nome
    caminho.write_text(TITULO + codigo, encoding="utf-8")
    return caminho


@pytest.fixture
def contadas(monkeypatch) -> list[str]:
    """As execuções de verdade (kernels) que o teste provocou, pelo nome do capítulo."""
    feitas: list[str] = []
    original = execution.run

    def contar(capitulo, *args, **kwargs):
        feitas.append(capitulo.name)
        return original(capitulo, *args, **kwargs)

    monkeypatch.setattr(execution, "run", contar)
    return feitas


# --- serve ------------------------------------------------------------------------------------


def _esperar(fundo: serve.Background, capitulo: Path) -> None:
    fundo.running[capitulo][1].result(timeout=300)


def test_serve_falha_uma_vez_por_mudanca_e_mostra_o_aviso(tmp_path, contadas) -> None:
    capitulo = _capitulo(tmp_path / "capitulos", "# %%\nx = 1\n\n# %%\n1 / 0\n", "08_falha.py")
    paginas = tmp_path / "paginas"
    # a página velha de uma execução que deu certo, com notebook e figura
    paginas.mkdir()
    (paginas / "08_falha.ipynb").write_text("{}", encoding="utf-8")
    (paginas / "08_falha").mkdir()
    (paginas / "08_falha" / "figura-1-0.png").write_bytes(b"png")
    fundo = serve.Background(1, tmp_path / "capitulos", paginas, tmp_path / "cache")
    try:
        fundo.update(report=lambda m: None)
        fundo.release()
        _esperar(fundo, capitulo)
        pagina = (paginas / "08_falha.md").read_text(encoding="utf-8")
        assert '!!! failure "O capítulo falhou"' in pagina
        assert "08_falha.py falhou na célula 3" in pagina and "ZeroDivisionError" in pagina
        assert "Prosa que aparece antes de executar." in pagina
        assert not (paginas / "08_falha.ipynb").exists() and not (paginas / "08_falha").exists()
        # A página escrita faz o serve reconstruir: a falha não executa de novo nem some.
        for _ in range(3):
            fundo.update(report=lambda m: None)
        assert contadas == ["08_falha.py"]
        assert (paginas / "08_falha.md").read_text(encoding="utf-8") == pagina
        # O autor corrige: executa uma vez mais e a página de verdade volta.
        capitulo.write_text(TITULO + "# %%\nx = 1\n\n# %%\nprint(1 / 1)\n", encoding="utf-8")
        fundo.update(report=lambda m: None)
        _esperar(fundo, capitulo)
        fundo.update(report=lambda m: None)
        assert contadas == ["08_falha.py", "08_falha.py"]
        pagina = (paginas / "08_falha.md").read_text(encoding="utf-8")
        assert "notebook: capitulos/08_falha.ipynb" in pagina and "falhou" not in pagina
    finally:
        fundo.stop()


def test_serve_mostra_a_prosa_antes_de_executar(tmp_path, contadas) -> None:
    capitulo = _capitulo(tmp_path / "capitulos", "# %%\nimport time\ntime.sleep(60)\n")
    paginas = tmp_path / "paginas"
    fundo = serve.Background(1, tmp_path / "capitulos", paginas, tmp_path / "cache")
    try:
        inicio = time.monotonic()
        fundo.update(report=lambda m: None)
        segundos = time.monotonic() - inicio
        pagina = (paginas / f"{capitulo.stem}.md").read_text(encoding="utf-8")
        assert "Prosa que aparece antes de executar." in pagina
        assert '!!! info "Executando o capítulo"' in pagina
        assert contadas == []  # nada executa antes de o servidor subir (release)
        assert segundos < 20, f"o primeiro build levou {segundos:.0f} s"
    finally:
        fundo.stop()
    assert contadas == []


# --- cache estragado ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guardado(tmp_path_factory):
    pasta = tmp_path_factory.mktemp("cache-estragado")
    capitulo = _capitulo(pasta, "# %%\nprint('olá')\n")
    nb, do_cache = execution.executed(capitulo, folder=pasta / "cache")
    assert not do_cache
    return capitulo, pasta / "cache"


@pytest.mark.parametrize(
    "estrago",
    ["notebook truncado", "chave não UTF-8", "chave lista JSON", "módulos como lista", "sem chave"],
)
def test_entrada_estragada_do_cache_e_so_um_miss(guardado, tmp_path, estrago) -> None:
    capitulo, original = guardado
    pasta = tmp_path / "cache"
    shutil.copytree(original, pasta)
    fonte = source.prepared(capitulo)
    assert execution.from_cache(capitulo, fonte, pasta) is not None  # a cópia intacta vale
    entrada = Cache(capitulo, pasta)
    if estrago == "notebook truncado":
        texto = entrada.notebook.read_text(encoding="utf-8")
        entrada.notebook.write_text(texto[: len(texto) // 2], encoding="utf-8")
    elif estrago == "chave não UTF-8":
        entrada.key.write_bytes(b"\xff\xfe{")
    elif estrago == "chave lista JSON":
        entrada.key.write_text("[1, 2]", encoding="utf-8")
    elif estrago == "módulos como lista":
        chave = json.loads(entrada.key.read_text(encoding="utf-8"))
        chave["modulos"] = [1, 2]
        entrada.key.write_text(json.dumps(chave), encoding="utf-8")
    else:
        entrada.key.unlink()
    assert execution.from_cache(capitulo, fonte, pasta) is None


def test_pasta_do_cache_que_e_arquivo_nao_para_a_execucao(guardado, tmp_path, capsys) -> None:
    capitulo, _ = guardado
    arquivo = tmp_path / "cache"
    arquivo.write_text("não sou pasta", encoding="utf-8")
    nb, do_cache = execution.executed(capitulo, folder=arquivo)
    assert not do_cache and nb.cells[1].outputs[0]["text"] == "olá\n"
    assert "não foi guardada" in capsys.readouterr().out
    assert arquivo.read_text(encoding="utf-8") == "não sou pasta"


def test_pasta_do_cache_so_de_leitura_nao_para_a_execucao(guardado, tmp_path, monkeypatch) -> None:
    """Como root, ``chmod`` não impede a escrita; o erro que o disco daria é simulado."""
    capitulo, original = guardado

    def so_leitura(caminho, conteudo):
        raise PermissionError(13, "Permission denied", str(caminho))

    monkeypatch.setattr(cache_module, "write_if_changed", so_leitura)
    nb = nbformat.read(Cache(capitulo, original).notebook, as_version=4)
    problema = Cache(capitulo, tmp_path).store(nb, {"arquivos": [], "distribuicoes": {}})
    assert problema and "Permission denied" in problema and capitulo.name in problema


# --- Ctrl-C e SIGTERM ---------------------------------------------------------------------------

INTERROMPIVEL = """\
import sys
from pathlib import Path
from recorrente_build import cli, runner
pasta = Path(sys.argv[1])
sys.exit(cli.run_interruptibly(lambda: runner.generate(
    [pasta / "08_lento.py"], 1, destination=pasta / "paginas", folder=pasta / "cache")))
"""


@pytest.mark.parametrize("sinal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interromper_para_logo_e_nao_deixa_temporarios(tmp_path, sinal) -> None:
    _capitulo(tmp_path, "# %%\nimport time\ntime.sleep(120)\n", "08_lento.py")
    temporarios = tmp_path / "tmp"
    temporarios.mkdir()
    env = {**os.environ, "TMPDIR": str(temporarios), "PYTHONPATH": str(ROOT / "src")}
    processo = subprocess.Popen(
        [sys.executable, "-c", INTERROMPIVEL, str(tmp_path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        limite = time.monotonic() + 120
        while not list(temporarios.glob("recorrente-kernel-*/k-*")):  # o kernel abriu os soquetes
            assert processo.poll() is None, processo.communicate()
            assert time.monotonic() < limite, "o kernel não subiu"
            time.sleep(0.2)
        time.sleep(3)  # a célula está executando (dorme 120 s)
        inicio = time.monotonic()
        processo.send_signal(sinal)
        saida, erros = processo.communicate(timeout=30)
        segundos = time.monotonic() - inicio
    finally:
        processo.kill()
    assert processo.returncode == 130, erros
    assert erros.strip().splitlines() == [
        "Interrompido: os kernels em andamento foram encerrados; nada ficou pela metade."
    ]
    assert "Traceback" not in saida + erros
    assert segundos < 10, f"levou {segundos:.1f} s para parar"
    assert list(temporarios.iterdir()) == []
    assert not (tmp_path / "paginas" / "08_lento.md").exists()


# --- capítulo malformado ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "codigo, celula, motivo",
    [
        (
            "# %% [markdown]\n# Exemplo:\n#\n# ```python\n# x = 1\n\n# %%\ny = 2\n",
            2,
            "bloco de código aberto com ``` não foi fechado",
        ),
        ("# %% tags=[\nx = 1\n", 2, "metadados que o jupytext não entende: 'tags=['"),
        ('# %% tags="caixa"\nx = 1\n', 2, "as etiquetas são uma lista de textos"),
        ('# %% tags=["cx"]\nx = 1\n', 2, "etiqueta desconhecida 'cx'"),
    ],
    ids=["cerca-aberta", "tags-sem-fechar", "tags-texto", "etiqueta-errada"],
)
def test_capitulo_malformado_para_o_build_com_capitulo_e_celula(
    tmp_path, codigo, celula, motivo
) -> None:
    capitulo = _capitulo(tmp_path, codigo, "08_mal.py")
    with pytest.raises(ChapterError) as erro:
        runner.generate(
            [capitulo], 1, destination=tmp_path / "paginas", report=lambda m: None,
            folder=tmp_path / "cache",
        )
    mensagem = str(erro.value)
    assert "08_mal.py está malformado" in mensagem, mensagem
    assert f"célula {celula}" in mensagem and motivo in mensagem, mensagem
    assert "Traceback" not in mensagem
    assert not (tmp_path / "cache").exists()  # nada executou


def test_capitulo_malformado_no_serve_vira_aviso(tmp_path, contadas) -> None:
    capitulo = _capitulo(tmp_path / "capitulos", '# %% tags="caixa"\nx = 1\n', "08_mal.py")
    fundo = serve.Background(1, tmp_path / "capitulos", tmp_path / "paginas", tmp_path / "c")
    try:
        fundo.update(report=lambda m: None)
        pagina = (tmp_path / "paginas" / "08_mal.md").read_text(encoding="utf-8")
        assert '!!! failure "O capítulo falhou"' in pagina and "célula 2" in pagina
        assert contadas == []
        paginas, capitulos = tmp_path / "paginas", tmp_path / "capitulos"
        assert writing.remove_orphans(paginas, capitulos) == []  # tem o .py: fica
        capitulo.unlink()  # a página provisória é reconhecida como gerada e sai com o .py
        assert writing.remove_orphans(paginas, capitulos) == ["08_mal.md"]
    finally:
        fundo.stop()


# --- instalar.sh --------------------------------------------------------------------------------

PYTHON_FALSO = """#!/usr/bin/env bash
# Faz o papel do python3 do sistema: `-m venv [--clear] DIR` cria um venv de mentira com pip.
echo "python3 $*" >> "$REGISTRO"
[ "$1 $2" = "-m venv" ] || exit 1
dir="${@: -1}"
rm -rf "$dir"; mkdir -p "$dir/bin"
cat > "$dir/bin/python" <<'FIM'
#!/usr/bin/env bash
echo "venv $*" >> "$REGISTRO"
FIM
chmod +x "$dir/bin/python"
"""


def test_instalar_refaz_venv_pela_metade(tmp_path) -> None:
    projeto = tmp_path / "projeto"
    (projeto / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "instalar.sh", projeto / "scripts")
    shutil.copytree(ROOT / "requirements", projeto / "requirements")  # a versão do torch
    falso = tmp_path / "python3"
    falso.write_text(PYTHON_FALSO, encoding="utf-8")
    falso.chmod(0o755)
    # o que um `python -m venv` sem o módulo ensurepip deixa: o python, sem o pip
    (projeto / ".venv" / "bin").mkdir(parents=True)
    (projeto / ".venv" / "bin" / "python").symlink_to(sys.executable.replace("python", "nada"))
    registro = tmp_path / "registro.txt"
    env = {**os.environ, "PYTHON": str(falso), "REGISTRO": str(registro)}
    resultado = subprocess.run(
        ["bash", str(projeto / "scripts" / "instalar.sh")],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert resultado.returncode == 0, resultado.stderr
    assert "incompleto" in resultado.stdout
    chamadas = registro.read_text(encoding="utf-8").splitlines()
    assert chamadas[0] == "python3 -m venv --clear .venv"
    # as instalações pelo pip do venv novo e, no fim, a versão do torch que ficou
    assert chamadas[1:-1] and all(c.startswith("venv -m pip install") for c in chamadas[1:-1])
    assert chamadas[-1].startswith("venv -c import torch")
    # com um .venv inteiro, não refaz
    registro.unlink()
    (projeto / ".venv" / "bin" / "python").write_text(
        '#!/usr/bin/env bash\necho "venv $*" >> "$REGISTRO"\n', encoding="utf-8"
    )
    resultado = subprocess.run(
        ["bash", str(projeto / "scripts" / "instalar.sh")],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert resultado.returncode == 0 and "incompleto" not in resultado.stdout
    assert not any(c.startswith("python3") for c in registro.read_text().splitlines())


# --- o primeiro build do serve ------------------------------------------------------------------

# O README promete a prosa logo: o primeiro build do serve pula a referência da API (mais da
# metade do build) e não espera a execução dos capítulos. Esse build leve custa uns 14 s de CPU
# (10 s do build, 4 s de importar); o completo, o dobro ou mais (medidas no CONTRIBUINDO.md).
# O limite deixa folga para o CI de 2 núcleos e pega a volta do build completo.
PRIMEIRA_RESPOSTA_S = 30
CAPITULO = "capitulos/01_recorrencia"


@pytest.mark.serial  # mede tempo: roda sozinho, sem outro processo disputando a CPU
def test_serve_responde_logo_com_a_prosa(tmp_path) -> None:
    with socket.socket() as livre:
        livre.bind(("127.0.0.1", 0))
        porta = livre.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TMPDIR": str(tmp_path)}
    processo = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{porta}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    endereco = f"http://127.0.0.1:{porta}/{CAPITULO}/"
    inicio = time.monotonic()
    try:
        while True:
            assert processo.poll() is None, processo.communicate()[1][-2000:]
            try:
                with urllib.request.urlopen(endereco, timeout=5) as resposta:
                    pagina = resposta.read().decode("utf-8")
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                segundos = time.monotonic() - inicio
                assert segundos < 240, "o serve não respondeu em 4 minutos"
                time.sleep(0.2)
        segundos = time.monotonic() - inicio
        with urllib.request.urlopen(endereco.replace(CAPITULO, "referencia/api/generation")) as r:
            api = r.read().decode("utf-8")
    finally:
        processo.send_signal(signal.SIGINT)
        try:
            processo.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            processo.kill()
    assert "1. Recorrência à mão" in pagina  # a prosa do capítulo
    # a página da API já existe (o nav não quebra), com o aviso ou já com a referência
    assert "A referência deste módulo vem já" in api or "sample_names" in api
    assert segundos <= PRIMEIRA_RESPOSTA_S, f"primeira resposta em {segundos:.1f} s"
    print(f"primeira resposta do serve em {segundos:.1f} s")
