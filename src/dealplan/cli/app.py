"""The `dealplan` Typer application and the options every command shares."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}" if v != int(v) else f"{v:,.0f}"
    return str(v)
