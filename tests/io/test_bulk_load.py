"""Large imports rebuild indexes after writing, and still leave nothing behind on failure."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from dealplan.database import make_engine, session_factory
from dealplan.io import store
from dealplan.io.importer import import_file
from dealplan.models import Deal
from tests.io.support import GOOD


def _indexes(url: str) -> set[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        names = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type='index' AND name LIKE 'ix_%'")
        ).scalars()
        found = set(names)
    engine.dispose()
    return found


def test_a_bulk_import_keeps_every_index_and_every_row(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BULK_INDEX_MIN", 2)
    before = _indexes(sqlite_url)
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as session:
        import_file(session=session, path=GOOD / "deals_v1.csv")
        session.commit()
        assert session.scalar(select(func.count()).select_from(Deal)) == 3
    engine.dispose()
    assert _indexes(sqlite_url) == before
    assert {"ix_deals_owner", "ix_deals_stage", "ix_history_entity_entity_id_at"} <= before


def test_a_bulk_import_that_fails_while_writing_leaves_the_file_unchanged(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BULK_INDEX_MIN", 2)
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    indexes = _indexes(sqlite_url)

    def interrupted(step: str, done: int, total: int) -> None:
        if "deal" in step and done:
            raise RuntimeError("disk full")

    engine = make_engine(sqlite_url)
    with session_factory(engine)() as session:
        with pytest.raises(RuntimeError, match="disk full"):
            import_file(session=session, path=GOOD / "deals_v1.csv", progress=interrupted)
        session.rollback()
    engine.dispose()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert _indexes(sqlite_url) == indexes
