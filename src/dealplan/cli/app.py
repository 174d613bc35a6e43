"""The `dealplan` Typer application and the options every command shares."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table
from typer._click.core import Context as ClickContext
from typer.core import TyperGroup

from dealplan.errors import DealplanError, InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

out = Console(soft_wrap=True)
err = Console(stderr=True)


class Run:
    """How the commands are run. `ends_process` is set by the `dealplan` program, which ends
    the process when the command returns (`dealplan.cli.main`): a command may then leave
    undone what only a process that goes on needs (tests run commands in their own process)."""

    ends_process = False


def report(exc: DealplanError) -> None:
    """Print a user error on stderr: one "error:" line, then one line per problem."""
    err.print(f"[red]error:[/red] {rich_escape(str(exc))}", highlight=False, soft_wrap=True)
    if isinstance(exc, InputError):
        for p in exc.problems:
            # One problem per line, never folded, so `file:line:column` stays greppable.
            err.print(p, highlight=False, markup=False, soft_wrap=True)


class DealplanGroup(TyperGroup):
    """The top command group: a DealplanError becomes a plain message and an exit code."""

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except DealplanError as exc:
            report(exc)
            raise typer.Exit(exc.exit_code) from None

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        plain_options(self, ctx)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: ClickContext, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            plain_options(command, ctx)
        return name, command, rest


def plain_options(command: Any, ctx: ClickContext) -> None:
    """Give the command's plain options (text, flag, whole or decimal number, path, list of
    text) a coercion that needs no Pydantic.

    Typer builds a Pydantic type adapter for every option of the command it runs, which imports
    Pydantic: about a tenth of a second of each command's start-up. A value that is not
    plainly of its type (a sign, an exponent, an empty path) still goes to Typer's own
    coercion, so what is accepted and every message stay Typer's.
    """
    from typer._coercion import RuntimeParam
    from typer.core import _TyperParameter

    for param in command.get_params(ctx):  # with the --help option
        if (
            isinstance(param, _TyperParameter)
            and getattr(param, "_runtime_param", None) is None
            and _is_plain(param.type_descriptor.annotation, param.type_descriptor.parameter_info)
        ):
            descriptor = param.type_descriptor
            param._runtime_param = _plain_param(RuntimeParam)(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )


def _is_plain(annotation: Any, info: Any) -> bool:
    from typing import get_args, get_origin

    if info.parser is not None:
        return False
    if get_origin(annotation) is list:
        return get_args(annotation) == (str,)
    return annotation in (str, bool, int, float, Path)


_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_WHOLE = re.compile(r"[0-9]+")


def _plain_param(base: type) -> type:
    """The RuntimeParam subclass for plain options (built on first use: Typer's own class)."""
    from typer._coercion import build_runtime_param
    from typer._param_types import coerce_cli_path

    class PlainParam(base):  # type: ignore[misc]
        def _coerce_value(self, value: Any, param: Any, ctx: ClickContext) -> Any:
            kind = self.annotation
            if kind is bool and isinstance(value, bool):
                return value
            if isinstance(value, str):
                if kind is str:
                    return value
                if kind is int and _WHOLE.fullmatch(value) and self._within(int(value)):
                    return int(value)
                if kind is float and _DECIMAL.fullmatch(value) and self._within(float(value)):
                    return float(value)
                if kind is Path and value:
                    path = Path(value)
                    info = self.parameter_info
                    return coerce_cli_path(path, info, path_type=Path, param=param, ctx=ctx)
            elif kind == list[str] and all(isinstance(v, str) for v in value):
                return list(value)
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param, ctx)

        def _within(self, number: float) -> bool:
            """Inside the option's bounds (outside: Typer clamps or says so)."""
            low, high = self.parameter_info.min, self.parameter_info.max
            return (low is None or number >= low) and (high is None or number <= high)

    return PlainParam


app = typer.Typer(
    cls=DealplanGroup,
    name="dealplan",
    help="Run enterprise B2B deals end to end: plans, MAPs, qualification, health, pipeline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
deal_app = typer.Typer(help="One deal: show it as it stands or stood.", no_args_is_help=True)
app.add_typer(deal_app, name="deal")


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Workspace: a SQLite file path or a database URL "
        "(default: DEALPLAN_DATABASE_URL, else dealplan.db here).",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON on stdout (nothing else goes to stdout).")
]
DealRef = Annotated[str, typer.Argument(metavar="ID", help="Deal id or external id.")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Date (YYYY-MM-DD) or time to look back to; default: now."),
]


@contextmanager
def workspace(db: str | None) -> Iterator[Session]:
    """Open the workspace named by `--db` (or the settings), migrated and in one transaction."""
    from dealplan.config import database_url_from
    from dealplan.database import open_workspace

    with open_workspace(database_url_from(db)) as session:
        yield session


def parse_as_of(text: str | None, now: dt.datetime) -> dt.datetime:
    """Return the moment `--as-of` names: a date means the end of that day."""
    if text is None:
        return now
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time.max)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of: {text!r} is not a date like 2026-03-31") from None


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def print_json(data: Any) -> None:
    """Print `data` as JSON on stdout, dates as ISO text."""
    sys.stdout.write(json.dumps(data, default=_json_default, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")


def show(renderable: Any) -> None:
    """Print a table or text on stdout; off a terminal, tables keep their natural width."""
    if out.is_terminal:
        out.print(renderable)
    else:
        Console(width=240, soft_wrap=True).print(renderable)


def table(title: str, columns: list[str], rows: list[list[Any]]) -> Table:
    """A Rich table; None shows as blank, floats with thousands separators."""
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*(_cell(v) for v in r))
    return t


def float_text(v: float) -> str:
    """A number for people: whole numbers bare, others with 2 decimals, and fractions below 1
    with 3 significant digits, so that a threshold of 0.005 does not read 0.01."""
    if v == int(v):
        return f"{v:,.0f}"
    if abs(v) < 1:
        return f"{v:.3g}"
    return f"{v:,.2f}"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return float_text(v)
    return str(v)
