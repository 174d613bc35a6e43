"""The `dealplan` command line: every command module registers itself on `app`."""

from __future__ import annotations

import atexit
import os
import sys

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
from dealplan.cli.app import Run, app

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI (the `dealplan` console script).

    When the command is done, the exit handlers run and the output is flushed, and then the
    process ends without tearing the interpreter down module by module: every command has
    committed, closed its files and stopped its workers by then, and freeing SQLAlchemy,
    Polars and pydantic object by object would add about a tenth of a second to each command.
    """
    code: int = 0
    Run.ends_process = True
    try:
        app()
    except SystemExit as exc:
        if isinstance(exc.code, str):
            sys.stderr.write(exc.code + "\n")
            code = 1
        else:
            code = exc.code or 0
    atexit._run_exitfuncs()  # what interpreter shutdown would run first
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            code = code or 1
    os._exit(code)
