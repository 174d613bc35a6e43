"""`dealplan import` and `dealplan stage-map` (PIPE-9, PLAT-5, PLAT-6)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from dealplan.cli.app import DbOption, JsonOption, app, err, out, print_json, table, workspace
from dealplan.io import stages
from dealplan.io.profiles import KINDS, PROFILES

if TYPE_CHECKING:
    from dealplan.io.importer import ImportReport
    from dealplan.io.store import Progress as ProgressFn


stage_map_app = typer.Typer(
    help="How stage labels in imported files map onto the workspace's stages.",
    no_args_is_help=True,
)
app.add_typer(stage_map_app, name="stage-map")


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or JSON file (a JSON array of objects).")],
    kind: Annotated[
        str | None,
        typer.Option(
            help=f"What the rows are: {', '.join(KINDS)} "
            "(default: opportunities; a Salesforce history or account export is recognised)."
        ),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(help=f"Column names: {', '.join(PROFILES)} (auto: chosen by the header)."),
    ] = "auto",
    stage_map: Annotated[
        str | None,
        typer.Option(
            "--stage-map",
            help="Stage labels for this import only: a TOML/JSON file {label = stage} or "
            "'Label=Stage,Other=Stage'.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and report; write nothing.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import a CRM export (generic, Salesforce or HubSpot columns) into the workspace.

    The whole file is checked before anything is written; any bad row stops the import
    with every problem listed as file:line:column, and the workspace is left unchanged.
    """
    from dealplan.config import Settings
    from dealplan.io.importer import import_file

    option = stages.parse_option(stage_map) if stage_map else None
    settings = Settings()
    with workspace(db) as session, _progress(enabled=not as_json) as progress:
        report = import_file(
            session=session,
            path=file,
            kind=kind,
            profile=profile,
            stage_map=option,
            dry_run=dry_run,
            progress=progress,
            settings=settings,
        )
        if dry_run:
            session.rollback()
    if as_json:
        print_json(report.as_dict())
        return
    _summary(report)


@contextmanager
def _progress(*, enabled: bool) -> Iterator[ProgressFn | None]:
    """A Rich progress bar on stderr for big files, only on a terminal (PLAT-6)."""
    from dealplan.config import Settings

    if not enabled or not sys.stderr.isatty():
        yield None
        return
    threshold = Settings().progress_min_rows
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(step: str, done: int, total: int) -> None:
        if total < threshold:
            return
        if step not in tasks:
            verb = "" if step.startswith("checking") else "writing "
            tasks[step] = bar.add_task(f"{verb}{step}", total=total)
        bar.update(tasks[step], completed=done)

    with bar:
        yield update


def _summary(report: ImportReport) -> None:
    if report.restored is not None:
        rows = [[name, n] for name, n in report.restored.items()]
        out.print(table(f"Restored {report.file}", ["table", "rows"], rows))
        return
    verb = "Would import" if report.dry_run else "Imported"
    out.print(
        f"{verb} [bold]{escape(report.file)}[/bold]: {report.rows:,} {report.kind} rows "
        f"({report.profile} profile)",
        highlight=False,
    )
    rows = [[kind, c.created, c.updated, c.unchanged] for kind, c in report.counts.items()]
    out.print(table("Records", ["records", "created", "updated", "unchanged"], rows))
    if report.stage_mapping:
        mapping = [[label, m["stage"], m["by"]] for label, m in report.stage_mapping.items()]
        out.print(table("Stages", ["in the file", "stage", "mapped by"], mapping))
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    if report.dry_run:
        out.print("Dry run: nothing was written.")


@stage_map_app.command("show")
def stage_map_show(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the workspace's stage model, its own mappings and the model's built-in aliases."""
    from dealplan.workspace import service as ws

    with workspace(db) as session:
        model = ws.stage_model(session=session)
        mapping = ws.stage_map(session=session)
    if as_json:
        print_json(
            {
                "model": model.name,
                "stages": model.names,
                "mapping": mapping,
                "aliases": model.aliases,
            }
        )
        return
    out.print(f"Stage model: [bold]{model.name}[/bold] ({', '.join(model.names)})")
    own = [[label, stage, "workspace"] for label, stage in sorted(mapping.items())]
    built = [[label, stage, "built in"] for label, stage in model.aliases.items()]
    out.print(table("Stage labels", ["label", "stage", "from"], own + built))


@stage_map_app.command("set")
def stage_map_set(
    label: Annotated[str, typer.Argument(help="The stage label as files spell it.")],
    stage: Annotated[str, typer.Argument(help="A stage of the workspace's model.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Map a stage label onto a stage for every later import."""
    with workspace(db) as session:
        target = stages.set_mapping(session=session, label=label, stage=stage)
    if as_json:
        print_json({"label": label, "stage": target})
        return
    out.print(f"{escape(label)} -> {escape(target)}", highlight=False)


@stage_map_app.command("unset")
def stage_map_unset(
    label: Annotated[str, typer.Argument(help="The stage label to forget.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove the workspace's mapping of a stage label."""
    with workspace(db) as session:
        was = stages.unset(session=session, label=label)
    if as_json:
        print_json({"label": label, "removed": was})
        return
    out.print(f"{escape(label)} no longer maps to {escape(was)}", highlight=False)
