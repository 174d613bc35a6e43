"""The workspace document: the whole workspace, history included, as one JSON object.

Its shape (documented in docs/workspace-format.md):

    {"format": "dealplan-workspace", "version": 1, "schema": "<migration id>",
     "tables": {"accounts": [{column: value, ...}, ...], ...}}

Rows are ordered by primary key and dates are ISO text, so exporting the same workspace twice
gives the same document byte for byte.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Table, func, insert, select, text, update
from sqlalchemy.orm import Session

import dealplan.models  # noqa: F401  (fills the metadata)
from dealplan.database import Base
from dealplan.errors import InputError

FORMAT = "dealplan-workspace"
VERSION = 1


def tables() -> list[Table]:
    """Every workspace table, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name != "alembic_version"]


def is_workspace_document(data: Any) -> bool:
    """True when `data` (parsed JSON) is a workspace document rather than a list of records."""
    return isinstance(data, dict) and data.get("format") == FORMAT


def schema_revision(session: Session) -> str | None:
    """The migration the workspace's schema stands at."""
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _out(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def table_rows(session: Session, table: Table) -> list[dict[str, Any]]:
    """All rows of `table` as JSON-ready dicts, by primary key."""
    order = list(table.primary_key.columns)
    names = [c.name for c in table.columns]
    return [
        {n: _out(v) for n, v in zip(names, row, strict=True)}
        for row in session.execute(select(table).order_by(*order))
    ]


def export_document(*, session: Session) -> dict[str, Any]:
    """Return the whole workspace as a workspace document."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": schema_revision(session),
        "tables": {t.name: table_rows(session, t) for t in tables()},
    }


def row_counts(session: Session) -> dict[str, int]:
    """Rows per workspace table."""
    return {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one() for t in tables()
    }


def is_empty(session: Session) -> bool:
    """True when no workspace table holds a row."""
    return not any(row_counts(session).values())


def wipe(*, session: Session) -> None:
    """Delete every row of every workspace table, history included, without recording it.

    Plain SQL, not the ORM, so nothing reaches the history listener. On PostgreSQL the id
    sequences restart too, so a rebuilt workspace gets the same ids as a fresh one (SQLite
    starts ids from 1 again by itself once a table is empty).
    """
    session.expunge_all()
    prep = session.get_bind().dialect.identifier_preparer
    names = [prep.quote(t.name) for t in tables()]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"TRUNCATE TABLE {', '.join(names)} RESTART IDENTITY CASCADE"))
        return
    for name in reversed(names):
        session.execute(text(f"DELETE FROM {name}"))  # noqa: S608  (names from the schema)


def _converter(column: Any) -> Callable[[Any], Any]:
    if isinstance(column.type, DateTime):
        return lambda v: None if v is None else dt.datetime.fromisoformat(v)
    if isinstance(column.type, Date):
        return lambda v: None if v is None else dt.date.fromisoformat(v)
    return lambda v: v


def _check_rows(source: str, table: Table, rows: Any) -> list[dict[str, Any]]:
    if not isinstance(rows, list):
        raise InputError(f"{source}: tables.{table.name} must be a list of rows")
    known = {c.name for c in table.columns}
    conv = {c.name: _converter(c) for c in table.columns}
    json_cols = {c.name for c in table.columns if isinstance(c.type, JSON)}
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        where = f"{source}: tables.{table.name}[{i}]"
        if not isinstance(row, dict):
            problems.append(f"{where}: a row must be an object")
            continue
        unknown = set(row) - known
        if unknown:
            problems.append(f"{where}: unknown columns {', '.join(sorted(unknown))}")
            continue
        try:
            out.append({k: (v if k in json_cols else conv[k](v)) for k, v in row.items()})
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        raise InputError(f"{source}: the workspace document has bad rows", problems[:50])
    return out


def restore(*, session: Session, document: dict[str, Any], source: str) -> dict[str, int]:
    """Load a workspace document into an empty workspace; returns rows loaded per table.

    History is loaded as it is in the document and nothing new is recorded, so exporting
    the restored workspace gives the same document. Raises InputError (naming `source`) when
    the document is malformed or the workspace already holds records.
    """
    if not is_workspace_document(document):
        raise InputError(f"{source}: not a dealplan workspace document (no format {FORMAT!r})")
    if document.get("version") != VERSION:
        raise InputError(
            f"{source}: workspace document version {document.get('version')!r} is not "
            f"supported (this dealplan reads version {VERSION})"
        )
    data = document.get("tables")
    if not isinstance(data, dict):
        raise InputError(f"{source}: 'tables' must be an object of table name -> rows")
    known = {t.name: t for t in tables()}
    unknown = set(data) - set(known)
    if unknown:
        raise InputError(f"{source}: unknown tables {', '.join(sorted(unknown))}")
    if not is_empty(session):
        raise InputError(
            "the workspace already holds records; restore into an empty workspace "
            "(a new --db) or use `dealplan restore --force`"
        )
    parsed = {name: _check_rows(source, known[name], data.get(name, [])) for name in known}
    counts: dict[str, int] = {}
    from sqlalchemy.exc import DBAPIError

    try:
        for t in tables():
            rows = parsed[t.name]
            counts[t.name] = len(rows)
            if not rows:
                continue
            if t.name == "contacts":
                # Contacts point at their managers: insert first, link after.
                links = [(r["id"], r.get("reports_to_id")) for r in rows if r.get("reports_to_id")]
                session.execute(insert(t), [{**r, "reports_to_id": None} for r in rows])
                for cid, boss in links:
                    session.execute(update(t).where(t.c.id == cid).values(reports_to_id=boss))
            else:
                session.execute(insert(t), rows)
        session.flush()
    except DBAPIError as exc:
        session.rollback()
        raise InputError(f"{source}: the document does not fit the workspace: {exc.orig}") from None
    _reset_sequences(session)
    return counts


def _reset_sequences(session: Session) -> None:
    """On PostgreSQL, move id sequences past the restored ids."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for t in tables():
        if "id" in t.c and t.c.id.autoincrement is not False and t.c.id.primary_key:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "  # noqa: S608
                    f"COALESCE((SELECT MAX(id) FROM {t.name}), 0) + 1, false)"
                )
            )
