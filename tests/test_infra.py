"""O que mantém o projeto montável: README ↔ CI, workflows válidos, configuração do site, CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from configuracao import mkdocs_config

from recorrente.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    return [b.strip() for b in blocks]


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = _readme_commands()
    assert len(commands) == 2, commands
    serve, test = commands
    assert "mkdocs serve" in serve
    ci = (ROOT / ".ci" / "run").read_text()
    assert test in ci.splitlines(), "o .ci/run precisa rodar o comando de testes do README"


WORKFLOWS = ROOT / ".github" / "workflows"


def _workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def _tool(name: str) -> str:
    """Uma ferramenta do grupo dev: no PATH ou ao lado do Python que roda os testes."""
    return shutil.which(name) or str(Path(sys.executable).parent / name)


def test_workflows_pass_actionlint() -> None:
    workflows = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(workflows) == 3
    result = subprocess.run([_tool("actionlint"), *workflows], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_have_no_zizmor_findings() -> None:
    """zizmor (auditoria de segurança de workflows), sem rede: nenhum achado."""
    result = subprocess.run(
        [_tool("zizmor"), "--offline", "--format", "json", str(WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    findings = json.loads(result.stdout)
    summary = [
        (f["ident"], f["determinations"]["severity"], f["locations"][0]["symbolic"]["annotation"])
        for f in findings
    ]
    assert summary == [], summary
    assert result.returncode == 0, result.stderr


# O primeiro major de cada action que roda no Node 24 (o Node 20 foi aposentado nos executores
# do GitHub em 2026), conferido no action.yml de cada uma.
NODE_24 = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/upload-artifact": 6,
    "actions/download-artifact": 7,
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,  # composta, sobre o upload-artifact v7
    "actions/deploy-pages": 5,
    "pypa/gh-action-pypi-publish": 1,  # em contêiner, sem Node
}
_USES = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w.-]+)@(\S+)(?: +# v(\d+)\.\d+\.\d+)?\s*$")


def test_actions_are_pinned_by_sha_at_a_node_24_major() -> None:
    uses = [
        (workflow.name, line)
        for workflow in sorted(WORKFLOWS.glob("*.yml"))
        for line in workflow.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\s*(?:- )?uses:", line)
    ]
    assert len(uses) >= 10
    for name, line in uses:
        match = _USES.match(line)
        assert match, f"{name}: {line.strip()!r} sem o formato 'dono/acao@SHA # vX.Y.Z'"
        action, ref, major = match.groups()
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{name}: {action} não está fixada por SHA"
        assert major, f"{name}: {action} sem a versão no comentário"
        assert action in NODE_24, f"{name}: {action} não é uma das actions conhecidas"
        assert int(major) >= NODE_24[action], f"{name}: {action} v{major} roda no Node 20"


def _steps(workflow: dict) -> list[dict]:
    return [s for job in workflow["jobs"].values() for s in job["steps"]]


def test_workflows_drop_the_token_after_checkout_and_cache_pip_on_the_constraints() -> None:
    for name in ("testes.yml", "publicar.yml", "lancamento.yml"):
        steps = _steps(_workflow(name))
        checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
        assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)
    # O cache do pip onde se constrói o livro; o lançamento, que publica, não lê cache.
    for name, cached in (("testes.yml", True), ("publicar.yml", True), ("lancamento.yml", False)):
        pythons = [
            s for s in _steps(_workflow(name)) if s.get("uses", "").startswith("actions/setup")
        ]
        assert pythons, name
        for step in pythons:
            if cached:
                assert step["with"]["cache"] == "pip", name
                assert step["with"]["cache-dependency-path"] == "requirements/constraints.txt"
            else:
                assert "cache" not in step["with"], name


def test_pages_workflow_grants_pages_and_id_token_only_to_the_deploy_job() -> None:
    wf = _workflow("publicar.yml")
    assert wf["permissions"] == {"contents": "read"}
    granted = {name: job.get("permissions") for name, job in wf["jobs"].items()}
    assert granted == {
        "build": None,  # instala pacotes e executa todos os capítulos: só lê o repositório
        "deploy": {"pages": "write", "id-token": "write"},
        "notebooks": {"contents": "write"},  # empurra o ramo "notebooks"
    }
    assert "group" in wf["concurrency"]
    deploy = [s.get("uses", "") for s in wf["jobs"]["deploy"]["steps"]]
    assert any(s.startswith("actions/deploy-pages@") for s in deploy)
    build = [s.get("uses", "") for s in wf["jobs"]["build"]["steps"]]
    assert any(s.startswith("actions/upload-pages-artifact@") for s in build)


def test_release_workflow_builds_checks_smoke_tests_and_publishes_without_a_token() -> None:
    wf = _workflow("lancamento.yml")
    assert wf[True] == {"push": {"tags": ["v*.*.*"]}}  # "on:" vira True no YAML 1.1
    assert wf["permissions"] == {}
    jobs = wf["jobs"]
    assert {name: job.get("permissions") for name, job in jobs.items()} == {
        "construir": {"contents": "read"},
        "pypi": {"id-token": "write"},
        "github": {"contents": "write"},
    }
    build = "\n".join(s.get("run", "") for s in jobs["construir"]["steps"])
    for command in (
        "python -m build",
        "twine check --strict dist/*",
        'python -m venv "$RUNNER_TEMP/limpo"',
        'pip" install dist/*.whl',
        'bash scripts/fumaca.sh "$RUNNER_TEMP/limpo"',
    ):
        assert command in build, command
    assert (ROOT / "scripts" / "fumaca.sh").is_file()
    # Publicação confiável: o ambiente "pypi", o token OIDC e nenhuma senha.
    pypi = jobs["pypi"]
    assert pypi["needs"] == "construir" and pypi["environment"]["name"] == "pypi"
    publish = pypi["steps"][-1]
    assert publish["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert not publish.get("with"), "sem password/token: o PyPI confia no OIDC"
    assert "secrets." not in (WORKFLOWS / "lancamento.yml").read_text(encoding="utf-8")
    # O release do GitHub leva os mesmos arquivos, depois do PyPI.
    github = jobs["github"]
    assert github["needs"] == "pypi"
    assert 'gh release create "$ETIQUETA" dist/*' in github["steps"][-1]["run"]


def test_workflows_fetch_the_whole_history_for_page_dates() -> None:
    """Com fetch-depth 1 no GitHub Actions, o plugin de datas avisa e o --strict para (nos
    workflows que constroem o livro; o de lançamento só empacota)."""
    for name in ("testes.yml", "publicar.yml"):
        steps = [s for s in _steps(_workflow(name)) if "actions/checkout" in s.get("uses", "")]
        assert steps and all(s["with"]["fetch-depth"] == 0 for s in steps), name


def test_mkdocs_config_is_strict_offline_and_portuguese() -> None:
    cfg = mkdocs_config()
    assert cfg["strict"] is True
    assert cfg["theme"]["language"] == "pt-BR"
    assert cfg["theme"]["font"] is False
    # Os capítulos chegam como Markdown gerado pelo passo de renderização, não por um plugin.
    plugins = [p if isinstance(p, str) else next(iter(p)) for p in cfg["plugins"]]
    assert "mkdocs-jupyter" not in plugins
    assert cfg["hooks"][0] == "hooks/chapters.py"
    assert "capitulos/*.py" in cfg["exclude_docs"]
    assert not any("//" in js for js in cfg["extra_javascript"]), "nada de CDN"


def test_every_chapter_is_in_the_nav() -> None:
    cfg = mkdocs_config()
    nav_text = yaml.safe_dump(cfg["nav"])
    for chapter in sorted((ROOT / "docs" / "capitulos").glob("*.py")):
        page = f"capitulos/{chapter.stem}.md"  # a página gerada do capítulo
        assert page in nav_text, f"{page} ({chapter.name}) não está no nav"


def test_constraints_pin_torch_cpu_version() -> None:
    lines = (ROOT / "requirements" / "constraints.txt").read_text().splitlines()
    assert "torch==2.13.0" in lines


def test_cli_help_is_portuguese(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("uso: recorrente")
    assert "mostra esta ajuda e sai" in out


def test_cli_unknown_argument_is_one_portuguese_line(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--nao-existe"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "erro: argumentos desconhecidos: --nao-existe" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("flag", ["--versao", "--version"])
def test_cli_prints_its_version_with_either_spelling(flag: str, capsys) -> None:
    from recorrente import __version__

    with pytest.raises(SystemExit) as exc:
        main([flag])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"recorrente {__version__}\n"
