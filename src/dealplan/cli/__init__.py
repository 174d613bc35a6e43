"""The `dealplan` command line: every command module registers itself on `app`."""

from __future__ import annotations

from dealplan.cli import (  # noqa: F401  (register commands)
    admin_cmds,
    analysis_cmds,
    backtest_cmds,
    demo_cmd,
    forecast_cmds,
    health_cmds,
    io_cmds,
    pipeline_cmds,
    plan_cmds,
    qual_cmds,
    read_cmds,
    room_cmds,
    web_cmds,
)
from dealplan.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI (the `dealplan` console script)."""
    app()
