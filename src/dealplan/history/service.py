"""Recording history: every create, update and delete of a tracked record is appended.

ORM writes are recorded by a flush listener; bulk writes (imports) build the same rows with
`create_rows` / `update_rows`. Who and when come from `recording(...)`; without it the
actor is "system" and the time is the clock at flush.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from dealplan.clock import utcnow
from dealplan.enums import HistoryOp
from dealplan.history.codec import encode
from dealplan.history.models import HistoryEntry
from dealplan.models import TRACKED

ENTITY_OF: dict[type[Any], str] = {cls: name for name, cls in TRACKED.items()}
_ACTOR = "history_actor"
_AT = "history_at"
_OFF = "history_off"


@contextmanager
def recording(session: Session, *, actor: str, at: dt.datetime | None = None) -> Iterator[None]:
    """Within the block, changes flushed by `session` are recorded as by `actor` at `at`."""
    saved = {k: session.info.get(k) for k in (_ACTOR, _AT)}
    session.info[_ACTOR] = actor
    session.info[_AT] = at
    try:
        yield
    finally:
        session.info.update(saved)


@contextmanager
def unrecorded(session: Session) -> Iterator[None]:
    """Within the block nothing is recorded: for restoring a workspace with its own history."""
    session.info[_OFF] = True
    try:
        yield
    finally:
        session.info.pop(_OFF, None)


def column_values(obj: Any) -> dict[str, Any]:
    """Return the record's column values by attribute name."""
    mapper = inspect(type(obj))
    return {attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs}


def _row(
    entity: str,
    entity_id: int,
    op: HistoryOp,
    field: str,
    old: Any,
    new: Any,
    actor: str,
    at: dt.datetime,
) -> dict[str, Any]:
    return {
        "entity": entity,
        "entity_id": entity_id,
        "op": op.value,
        "field": field,
        "old": encode(old),
        "new": encode(new),
        "actor": actor,
        "at": at,
    }


def create_rows(
    entity: str, ids: Iterable[int], *, actor: str, at: dt.datetime
) -> list[dict[str, Any]]:
    """History rows recording that the records `ids` of `entity` were created."""
    return [_row(entity, i, HistoryOp.CREATE, "*", None, None, actor, at) for i in ids]


def update_rows(
    entity: str,
    entity_id: int,
    changes: Mapping[str, tuple[Any, Any]],
    *,
    actor: str,
    at: dt.datetime,
) -> list[dict[str, Any]]:
    """History rows for field changes `{field: (old, new)}` of one record."""
    return [
        _row(entity, entity_id, HistoryOp.UPDATE, f, old, new, actor, at)
        for f, (old, new) in changes.items()
    ]


def delete_row(
    entity: str, entity_id: int, snapshot: Mapping[str, Any], *, actor: str, at: dt.datetime
) -> dict[str, Any]:
    """The history row for a deleted record, holding its last state."""
    return _row(entity, entity_id, HistoryOp.DELETE, "*", dict(snapshot), None, actor, at)


def _changes(obj: Any) -> dict[str, tuple[Any, Any]]:
    state = inspect(obj)
    out: dict[str, tuple[Any, Any]] = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old != new:
            out[attr.key] = (old, new)
    return out


def _tracked(objs: Iterable[Any]) -> list[tuple[str, Any]]:
    """The tracked records among `objs`, in a stable order (entity, id).

    The session keeps them in sets ordered by memory address; sorting makes the history of
    the same changes come out with the same row ids every time.
    """
    found = [(ENTITY_OF[type(o)], o) for o in objs if type(o) in ENTITY_OF]
    return sorted(found, key=lambda pair: (pair[0], pair[1].id))


@event.listens_for(Session, "after_flush")
def _record_flush(session: Session, _ctx: Any) -> None:
    if session.info.get(_OFF):
        return
    actor = session.info.get(_ACTOR) or "system"
    at = session.info.get(_AT) or utcnow()
    rows: list[dict[str, Any]] = []
    for entity, obj in _tracked(session.new):
        rows += create_rows(entity, [obj.id], actor=actor, at=at)
    for entity, obj in _tracked(session.dirty):
        if session.is_modified(obj, include_collections=False):
            rows += update_rows(entity, obj.id, _changes(obj), actor=actor, at=at)
    for entity, obj in _tracked(session.deleted):
        rows.append(delete_row(entity, obj.id, column_values(obj), actor=actor, at=at))
    if rows:
        session.connection().execute(insert(HistoryEntry), rows)
