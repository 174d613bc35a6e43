"""Walking records back in time through their history: pure, no storage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dealplan.enums import HistoryOp


@dataclass(frozen=True)
class Change:
    """One history row, decoded."""

    id: int
    entity_id: int
    op: HistoryOp
    field: str
    old: Any
    new: Any
    actor: str
    at: dt.datetime


Row = dict[str, Any]


def rewind(
    current: Mapping[int, Row],
    later: Iterable[Change],
    decode_snapshot: Callable[[Any], Row] = dict,
) -> dict[int, Row]:
    """Return the records as they stood before every change in `later` was made.

    `current` holds the records as they stand now, by id; `later` holds the changes made
    after the moment wanted, in any order. Changes are undone newest first: an update puts
    back the old value, a create removes the record, a delete brings back its snapshot.
    """
    rows = {k: dict(v) for k, v in current.items()}
    for change in sorted(later, key=lambda c: (c.at, c.id), reverse=True):
        if change.op is HistoryOp.UPDATE:
            if change.entity_id in rows:
                rows[change.entity_id][change.field] = change.old
        elif change.op is HistoryOp.CREATE:
            rows.pop(change.entity_id, None)
        else:
            rows[change.entity_id] = decode_snapshot(change.old)
    return rows
