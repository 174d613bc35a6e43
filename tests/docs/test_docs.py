"""Docs keep up with the code: every command and every setting is documented (STYLE rule 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from dealplan.cli import app
from dealplan.config import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _command_paths() -> list[str]:
    group = typer.main.get_command(app)
    paths: list[str] = []

    def walk(cmd: object, prefix: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*prefix, name])
        else:
            paths.append(" ".join(prefix))

    walk(group, [])
    return sorted(paths)


def _all_docs() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md"))


@pytest.mark.parametrize("command", _command_paths())
def test_every_command_has_a_docs_page_with_an_example(command: str) -> None:
    text = _all_docs()
    assert f"# dealplan {command}" in text, f"no docs heading '# dealplan {command}'"
    assert f"dealplan {command} " in text.replace(f"# dealplan {command}", "")


@pytest.mark.parametrize("command", _command_paths())
def test_every_command_takes_db_and_json_where_it_reads_a_workspace(command: str) -> None:
    group = typer.main.get_command(app)
    cmd = group
    for part in command.split():
        cmd = cmd.commands[part]  # type: ignore[attr-defined]
    options = {o for p in cmd.params for o in getattr(p, "opts", [])}
    assert "--db" in options or command in NO_WORKSPACE, f"{command} has no --db"


NO_WORKSPACE: set[str] = set()


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"DEALPLAN_{name.upper()}" in (DOCS / "configuration.md").read_text(encoding="utf-8")


def test_the_readme_opens_with_exactly_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    commands = [ln for ln in first_block.splitlines()[1:] if ln.strip()]
    assert len(commands) == 2
    assert commands[0].startswith("bash scripts/demo.sh")
    assert commands[1].startswith("bash scripts/test.sh")
    ci = (DOCS.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci
