"""The `dealplan` command line: every command module registers itself on `app`."""

from __future__ import annotations

from dealplan.cli import admin_cmds, demo_cmd, io_cmds, read_cmds  # noqa: F401  (register commands)
from dealplan.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI (the `dealplan` console script)."""
    app()
