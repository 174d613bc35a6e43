"""Workspace commands: export, backup, restore (PLAT-7)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dealplan.cli.app import DbOption, JsonOption, app, err, out, print_json, table, workspace
from dealplan.errors import InputError

if TYPE_CHECKING:
    pass


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@app.command("export")
def export_cmd(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="json: one workspace document; csv: a folder.")
    ] = ExportFormat.JSON,
    output: Annotated[
        str, typer.Option("-o", "--output", help="File (json; - for stdout) or folder (csv).")
    ] = "-",
    db: DbOption = None,
) -> None:
    """Export the whole workspace, history included, as JSON or as one CSV per table."""
    from dealplan.workspace.csv_export import export_csv
    from dealplan.workspace.exchange import export_document

    with workspace(db) as session:
        if fmt is ExportFormat.CSV:
            if output == "-":
                raise InputError("--format csv needs a folder: -o DIR")
            files = export_csv(session=session, directory=Path(output))
            err.print(f"wrote {len(files)} CSV files to {output}")
            return
        doc = export_document(session=session)
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
        rows = sum(len(v) for v in doc["tables"].values())
        err.print(f"wrote {output}: {rows} rows in {len(doc['tables'])} tables")


@app.command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="Where to write the backup.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Save a consistent single-file copy of the workspace (SQLite file, or JSON on PostgreSQL)."""
    from dealplan.config import database_url_from
    from dealplan.workspace.backup import backup

    kind = backup(url=database_url_from(db), target=file)
    if as_json:
        print_json({"file": str(file), "kind": kind, "bytes": file.stat().st_size})
    else:
        out.print(f"backup written to {file} ({kind}, {file.stat().st_size:,} bytes)")


@app.command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="A file written by `dealplan backup` or export.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a workspace that already holds records.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Replace the workspace with a backup (a SQLite backup or a workspace document)."""
    from dealplan.config import database_url_from
    from dealplan.workspace.backup import restore_file

    counts = restore_file(url=database_url_from(db), source=file, force=force)
    if as_json:
        print_json(counts)
        return
    out.print(
        table(f"Restored from {file}", ["table", "rows"], [[k, v] for k, v in counts.items()])
    )
