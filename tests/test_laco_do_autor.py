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

CHAPTER_HEAD = "# %% [markdown]\n# # 8. Teste\n#\n# Prosa que aparece antes de executar.\n\n"


def _chapter(folder: Path, code: str, name: str = "08_teste.py") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(CHAPTER_HEAD + code, encoding="utf-8")
    return path


@pytest.fixture
def executions(monkeypatch) -> list[str]:
    """As execuções de verdade (kernels) que o teste provocou, pelo nome do capítulo."""
    done: list[str] = []
    original = execution.run

    def count(chapter, *args, **kwargs):
        done.append(chapter.name)
        return original(chapter, *args, **kwargs)

    monkeypatch.setattr(execution, "run", count)
    return done


# --- serve ------------------------------------------------------------------------------------


def _wait(background: serve.Background, chapter: Path) -> None:
    background.running[chapter][1].result(timeout=300)


def test_serve_runs_a_failure_once_per_change_and_shows_the_notice(tmp_path, executions) -> None:
    chapter = _chapter(tmp_path / "capitulos", "# %%\nx = 1\n\n# %%\n1 / 0\n", "08_falha.py")
    pages = tmp_path / "paginas"
    # a página velha de uma execução que deu certo, com notebook e figura
    pages.mkdir()
    (pages / "08_falha.ipynb").write_text("{}", encoding="utf-8")
    (pages / "08_falha").mkdir()
    (pages / "08_falha" / "figura-1-0.png").write_bytes(b"png")
    background = serve.Background(1, tmp_path / "capitulos", pages, tmp_path / "cache")
    try:
        background.update(report=lambda m: None)
        background.release()
        _wait(background, chapter)
        page = (pages / "08_falha.md").read_text(encoding="utf-8")
        assert '!!! failure "O capítulo falhou"' in page
        assert "08_falha.py falhou na célula 3" in page and "ZeroDivisionError" in page
        assert "Prosa que aparece antes de executar." in page
        assert not (pages / "08_falha.ipynb").exists() and not (pages / "08_falha").exists()
        # A página escrita faz o serve reconstruir: a falha não executa de novo nem some.
        for _ in range(3):
            background.update(report=lambda m: None)
        assert executions == ["08_falha.py"]
        assert (pages / "08_falha.md").read_text(encoding="utf-8") == page
        # O autor corrige: executa uma vez mais e a página de verdade volta.
        chapter.write_text(CHAPTER_HEAD + "# %%\nx = 1\n\n# %%\nprint(1 / 1)\n", encoding="utf-8")
        background.update(report=lambda m: None)
        _wait(background, chapter)
        background.update(report=lambda m: None)
        assert executions == ["08_falha.py", "08_falha.py"]
        page = (pages / "08_falha.md").read_text(encoding="utf-8")
        assert "notebook: capitulos/08_falha.ipynb" in page and "falhou" not in page
    finally:
        background.stop()


def test_serve_shows_the_prose_before_running(tmp_path, executions) -> None:
    chapter = _chapter(tmp_path / "capitulos", "# %%\nimport time\ntime.sleep(60)\n")
    pages = tmp_path / "paginas"
    background = serve.Background(1, tmp_path / "capitulos", pages, tmp_path / "cache")
    try:
        start = time.monotonic()
        background.update(report=lambda m: None)
        seconds = time.monotonic() - start
        page = (pages / f"{chapter.stem}.md").read_text(encoding="utf-8")
        assert "Prosa que aparece antes de executar." in page
        assert '!!! info "Executando o capítulo"' in page
        assert executions == []  # nada executa antes de o servidor subir (release)
        assert seconds < 20, f"o primeiro build levou {seconds:.0f} s"
    finally:
        background.stop()
    assert executions == []


# --- cache estragado ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cached_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cache-estragado")
    chapter = _chapter(folder, "# %%\nprint('olá')\n")
    nb, cached = execution.executed(chapter, folder=folder / "cache")
    assert not cached
    return chapter, folder / "cache"


@pytest.mark.parametrize(
    "damage",
    ["truncated notebook", "key not UTF-8", "key is a JSON list", "modules as a list", "no key"],
)
def test_a_damaged_cache_entry_is_only_a_miss(cached_run, tmp_path, damage) -> None:
    chapter, original = cached_run
    folder = tmp_path / "cache"
    shutil.copytree(original, folder)
    prepared = source.prepared(chapter)
    assert execution.from_cache(chapter, prepared, folder) is not None  # a cópia intacta vale
    entry = Cache(chapter, folder)
    if damage == "truncated notebook":
        text = entry.notebook.read_text(encoding="utf-8")
        entry.notebook.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "key not UTF-8":
        entry.key.write_bytes(b"\xff\xfe{")
    elif damage == "key is a JSON list":
        entry.key.write_text("[1, 2]", encoding="utf-8")
    elif damage == "modules as a list":
        key = json.loads(entry.key.read_text(encoding="utf-8"))
        key["modulos"] = [1, 2]
        entry.key.write_text(json.dumps(key), encoding="utf-8")
    else:
        entry.key.unlink()
    assert execution.from_cache(chapter, prepared, folder) is None


def test_a_cache_folder_that_is_a_file_does_not_stop_the_run(cached_run, tmp_path, capsys) -> None:
    chapter, _ = cached_run
    cache_file = tmp_path / "cache"
    cache_file.write_text("não sou pasta", encoding="utf-8")
    nb, cached = execution.executed(chapter, folder=cache_file)
    assert not cached and nb.cells[1].outputs[0]["text"] == "olá\n"
    assert "não foi guardada" in capsys.readouterr().out
    assert cache_file.read_text(encoding="utf-8") == "não sou pasta"


def test_a_read_only_cache_folder_does_not_stop_the_run(cached_run, tmp_path, monkeypatch) -> None:
    """Como root, ``chmod`` não impede a escrita; o erro que o disco daria é simulado."""
    chapter, original = cached_run

    def read_only(path, content):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(cache_module, "write_if_changed", read_only)
    nb = nbformat.read(Cache(chapter, original).notebook, as_version=4)
    problem = Cache(chapter, tmp_path).store(nb, {"arquivos": [], "distribuicoes": {}})
    assert problem and "Permission denied" in problem and chapter.name in problem


# --- Ctrl-C e SIGTERM ---------------------------------------------------------------------------

INTERRUPTIBLE = """\
import sys
from pathlib import Path
from recorrente_build import cli, runner
folder = Path(sys.argv[1])
sys.exit(cli.run_interruptibly(lambda: runner.generate(
    [folder / "08_lento.py"], 1, destination=folder / "paginas", folder=folder / "cache")))
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupting_stops_at_once_and_leaves_no_temporary_files(tmp_path, signum) -> None:
    _chapter(tmp_path, "# %%\nimport time\ntime.sleep(120)\n", "08_lento.py")
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    env = {**os.environ, "TMPDIR": str(temp_dir), "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTIBLE, str(tmp_path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(temp_dir.glob("recorrente-kernel-*/k-*")):  # o kernel abriu os soquetes
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "o kernel não subiu"
            time.sleep(0.2)
        time.sleep(3)  # a célula está executando (dorme 120 s)
        start = time.monotonic()
        process.send_signal(signum)
        out, err = process.communicate(timeout=30)
        seconds = time.monotonic() - start
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert err.strip().splitlines() == [
        "Interrompido: os kernels em andamento foram encerrados; nada ficou pela metade."
    ]
    assert "Traceback" not in out + err
    assert seconds < 10, f"levou {seconds:.1f} s para parar"
    assert list(temp_dir.iterdir()) == []
    assert not (tmp_path / "paginas" / "08_lento.md").exists()


# --- capítulo malformado ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, cell, reason",
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
    ids=["unclosed-fence", "unclosed-tags", "tags-as-text", "unknown-tag"],
)
def test_a_malformed_chapter_stops_the_build_naming_chapter_and_cell(
    tmp_path, code, cell, reason
) -> None:
    chapter = _chapter(tmp_path, code, "08_mal.py")
    with pytest.raises(ChapterError) as error:
        runner.generate(
            [chapter], 1, destination=tmp_path / "paginas", report=lambda m: None,
            folder=tmp_path / "cache",
        )
    message = str(error.value)
    assert "08_mal.py está malformado" in message, message
    assert f"célula {cell}" in message and reason in message, message
    assert "Traceback" not in message
    assert not (tmp_path / "cache").exists()  # nada executou


def test_a_malformed_chapter_becomes_a_notice_in_serve(tmp_path, executions) -> None:
    chapter = _chapter(tmp_path / "capitulos", '# %% tags="caixa"\nx = 1\n', "08_mal.py")
    background = serve.Background(1, tmp_path / "capitulos", tmp_path / "paginas", tmp_path / "c")
    try:
        background.update(report=lambda m: None)
        page = (tmp_path / "paginas" / "08_mal.md").read_text(encoding="utf-8")
        assert '!!! failure "O capítulo falhou"' in page and "célula 2" in page
        assert executions == []
        pages, chapters = tmp_path / "paginas", tmp_path / "capitulos"
        assert writing.remove_orphans(pages, chapters) == []  # tem o .py: fica
        chapter.unlink()  # a página provisória é reconhecida como gerada e sai com o .py
        assert writing.remove_orphans(pages, chapters) == ["08_mal.md"]
    finally:
        background.stop()


# --- instalar.sh --------------------------------------------------------------------------------

FAKE_PYTHON = """#!/usr/bin/env bash
# Faz o papel do python3 do sistema: `-m venv [--clear] DIR` cria um venv de mentira com pip.
echo "python3 $*" >> "$CALL_LOG"
[ "$1 $2" = "-m venv" ] || exit 1
dir="${@: -1}"
rm -rf "$dir"; mkdir -p "$dir/bin"
cat > "$dir/bin/python" <<'EOF'
#!/usr/bin/env bash
echo "venv $*" >> "$CALL_LOG"
EOF
chmod +x "$dir/bin/python"
"""


def test_install_script_rebuilds_a_half_made_venv(tmp_path) -> None:
    project = tmp_path / "projeto"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "instalar.sh", project / "scripts")
    shutil.copytree(ROOT / "requirements", project / "requirements")  # a versão do torch
    fake_python = tmp_path / "python3"
    fake_python.write_text(FAKE_PYTHON, encoding="utf-8")
    fake_python.chmod(0o755)
    # o que um `python -m venv` sem o módulo ensurepip deixa: o python, sem o pip
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(sys.executable.replace("python", "nada"))
    call_log = tmp_path / "registro.txt"
    env = {**os.environ, "PYTHON": str(fake_python), "CALL_LOG": str(call_log)}
    result = subprocess.run(
        ["bash", str(project / "scripts" / "instalar.sh")],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "incompleto" in result.stdout
    calls = call_log.read_text(encoding="utf-8").splitlines()
    assert calls[0] == "python3 -m venv --clear .venv"
    # as instalações pelo pip do venv novo e, no fim, a versão do torch que ficou
    assert calls[1:-1] and all(c.startswith("venv -m pip install") for c in calls[1:-1])
    assert calls[-1].startswith("venv -c import torch")
    # com um .venv inteiro, não refaz
    call_log.unlink()
    (project / ".venv" / "bin" / "python").write_text(
        '#!/usr/bin/env bash\necho "venv $*" >> "$CALL_LOG"\n', encoding="utf-8"
    )
    result = subprocess.run(
        ["bash", str(project / "scripts" / "instalar.sh")],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0 and "incompleto" not in result.stdout
    assert not any(c.startswith("python3") for c in call_log.read_text().splitlines())


# --- o primeiro build do serve ------------------------------------------------------------------

# O README promete a prosa logo: o primeiro build do serve pula a referência da API (mais da
# metade do build) e não espera a execução dos capítulos. Esse build leve custa uns 14 s de CPU
# (10 s do build, 4 s de importar); o completo, o dobro ou mais (medidas no CONTRIBUINDO.md).
# O limite deixa folga para o CI de 2 núcleos e pega a volta do build completo.
FIRST_RESPONSE_S = 30
CHAPTER_URL = "capitulos/01_recorrencia"


@pytest.mark.serial  # mede tempo: roda sozinho, sem outro processo disputando a CPU
def test_serve_answers_quickly_with_the_prose(tmp_path) -> None:
    with socket.socket() as free_socket:
        free_socket.bind(("127.0.0.1", 0))
        port = free_socket.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}/{CHAPTER_URL}/"
    start = time.monotonic()
    try:
        while True:
            assert process.poll() is None, process.communicate()[1][-2000:]
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    page = response.read().decode("utf-8")
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                seconds = time.monotonic() - start
                assert seconds < 240, "o serve não respondeu em 4 minutos"
                time.sleep(0.2)
        seconds = time.monotonic() - start
        with urllib.request.urlopen(url.replace(CHAPTER_URL, "referencia/api/generation")) as r:
            api = r.read().decode("utf-8")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    assert "1. Recorrência à mão" in page  # a prosa do capítulo
    # a página da API já existe (o nav não quebra), com o aviso ou já com a referência
    assert "A referência deste módulo vem já" in api or "sample_names" in api
    assert seconds <= FIRST_RESPONSE_S, f"primeira resposta em {seconds:.1f} s"
    print(f"primeira resposta do serve em {seconds:.1f} s")
