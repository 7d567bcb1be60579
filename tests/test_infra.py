"""O que mantém o projeto montável: README ↔ CI, workflows válidos, configuração do site, CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
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


def test_workflows_pass_actionlint() -> None:
    actionlint = shutil.which("actionlint") or str(
        Path(__file__).parents[1] / ".venv/bin/actionlint"
    )
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 2
    result = subprocess.run([actionlint, *workflows], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_workflow_has_least_privilege_and_official_actions() -> None:
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "publicar.yml").read_text())
    assert wf["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    # Só o job que publica os notebooks no ramo "notebooks" escreve no repositório.
    escalated = {
        name: job["permissions"] for name, job in wf["jobs"].items() if "permissions" in job
    }
    assert escalated == {"notebooks": {"contents": "write"}}
    assert "group" in wf["concurrency"]
    steps = [s.get("uses", "") for job in wf["jobs"].values() for s in job["steps"]]
    assert any(s.startswith("actions/upload-pages-artifact@") for s in steps)
    assert any(s.startswith("actions/deploy-pages@") for s in steps)


def test_workflows_fetch_the_whole_history_for_page_dates() -> None:
    """Com fetch-depth 1 no GitHub Actions, o plugin de datas avisa e o --strict para."""
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        jobs = yaml.safe_load(workflow.read_text())["jobs"].values()
        steps = [s for job in jobs for s in job["steps"] if "actions/checkout" in s.get("uses", "")]
        assert steps and all(s["with"]["fetch-depth"] == 0 for s in steps), workflow.name


def test_mkdocs_config_is_strict_offline_and_portuguese() -> None:
    cfg = mkdocs_config()
    assert cfg["strict"] is True
    assert cfg["theme"]["language"] == "pt-BR"
    assert cfg["theme"]["font"] is False
    # Os capítulos chegam como Markdown gerado por scripts/paginas.py, não por um plugin.
    plugins = [p if isinstance(p, str) else next(iter(p)) for p in cfg["plugins"]]
    assert "mkdocs-jupyter" not in plugins
    assert cfg["hooks"][0] == "hooks/capitulos.py"
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
