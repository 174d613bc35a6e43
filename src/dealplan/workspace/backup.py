"""Single-file backup and restore of a workspace (PLAT-7).

A SQLite workspace is copied with SQLite's online backup, consistent even while in use; a
PostgreSQL workspace is saved as the workspace document (JSON). Restore takes either kind.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine, make_url

from dealplan.database import make_engine, migrate, session_factory
from dealplan.errors import InputError
from dealplan.workspace.exchange import export_document, is_empty, restore, row_counts, wipe

SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another with the online backup API."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dest:
        src.backup(dest)


def backup(*, url: str, target: Path) -> str:
    """Write a backup of the workspace at `url` to `target`; returns "sqlite" or "json"."""
    src = sqlite_path(url)
    if src is not None:
        if not src.exists():
            raise InputError(f"no workspace at {src}")
        _sqlite_copy(src, target)
        return "sqlite"
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            doc = export_document(session=session)
    finally:
        engine.dispose()
    target.write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return "json"


def _document_from(path: Path) -> dict[str, Any]:
    head = path.read_bytes()[:16] if path.stat().st_size >= 16 else path.read_bytes()
    if head == SQLITE_MAGIC:
        engine = make_engine(f"sqlite:///{path}")
        try:
            migrate(engine)
            with session_factory(engine)() as session:
                return export_document(session=session)
        finally:
            engine.dispose()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{path}: neither a SQLite backup nor a workspace document ({exc})"
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a dealplan workspace document")
    return data


def restore_file(*, url: str, source: Path, force: bool) -> dict[str, int]:
    """Replace the workspace at `url` with the backup `source`; returns rows per table.

    Refuses a workspace holding records unless `force`.
    """
    if not source.is_file():
        raise InputError(f"{source}: no such backup file")
    target = sqlite_path(url)
    is_sqlite_backup = source.read_bytes()[:16] == SQLITE_MAGIC
    engine: Engine = make_engine(url)
    try:
        migrate(engine)
        with session_factory(engine)() as session:
            if not is_empty(session) and not force:
                raise InputError(
                    "the workspace already holds records; pass --force to replace them"
                )
        if target is not None and is_sqlite_backup:
            engine.dispose()
            _sqlite_copy(source, target)
            migrate(engine)
            with session_factory(engine)() as session:
                return row_counts(session)
        document = _document_from(source)
        with session_factory(engine)() as session:
            wipe(session=session)
            counts = restore(session=session, document=document, source=str(source))
            session.commit()
            return counts
    finally:
        engine.dispose()
