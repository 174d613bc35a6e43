"""The `dealplan` program itself: a workspace it cannot open is a message, not a traceback,
and a command's output and exit status survive the fast exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import Cli

DEALPLAN = str(Path(sys.executable).parent / "dealplan")


@pytest.mark.parametrize(
    ("db", "message"),
    [
        ("/no/such/folder/ws.db", "cannot open the workspace sqlite:////no/such/folder/ws.db"),
        ("nosuchdriver://x", "cannot open the workspace 'nosuchdriver://x'"),
        ("postgresql://nobody@127.0.0.1:1/x", "Connection refused"),
    ],
)
def test_a_workspace_that_cannot_be_opened_is_named_in_a_message(
    cli: Cli, db: str, message: str
) -> None:
    r = cli("review", "--db", db)
    assert r.exit_code == 1
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_the_program_prints_everything_and_exits_with_the_commands_status(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "ws.db")
    done = subprocess.run(
        [DEALPLAN, "deals", "--json", "--db", db], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    missing = subprocess.run(
        [DEALPLAN, "deal", "show", "NOPE", "--db", db], capture_output=True, text=True, check=False
    )
    assert missing.returncode == 1
    assert "no deal with id or external id 'NOPE'" in missing.stderr
    usage = subprocess.run([DEALPLAN, "nosuchcommand"], capture_output=True, text=True, check=False)
    assert usage.returncode == 2
    assert "No such command" in usage.stderr
