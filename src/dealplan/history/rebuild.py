"""Rebuilding a deal, with its MEDDPICC, committee and MAP, as it stood at a past moment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from dealplan.enums import HistoryOp
from dealplan.history.codec import coerce, decode
from dealplan.history.models import HistoryEntry
from dealplan.history.rewind import Change, Row, rewind
from dealplan.models import TRACKED

# Fields that tie a record to a deal or account: a change to one can move it into a selection.
LINK_FIELDS = ("deal_id", "account_id")


@dataclass(frozen=True)
class DealState:
    """A deal and everything hung on it, as plain rows, at `as_of`."""

    as_of: dt.datetime
    deal: Row
    account: Row | None
    meddpicc: list[Row] = field(default_factory=list)
    committee: list[Row] = field(default_factory=list)
    risks: list[Row] = field(default_factory=list)
    milestones: list[Row] = field(default_factory=list)
    map_items: list[Row] = field(default_factory=list)
    activities: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class StageChange:
    at: dt.datetime
    from_stage: str | None
    to_stage: str
    actor: str


def _types(entity: str) -> dict[str, Any]:
    return {a.key: a.columns[0].type for a in inspect(TRACKED[entity]).column_attrs}


def _to_change(entry: HistoryEntry, types: dict[str, Any]) -> Change:
    col = types.get(entry.field)
    return Change(
        id=entry.id,
        entity_id=entry.entity_id,
        op=HistoryOp(entry.op),
        field=entry.field,
        old=entry.old if entry.op == HistoryOp.DELETE else decode(entry.old, col),
        new=decode(entry.new, col),
        actor=entry.actor,
        at=entry.at,
    )


def _snapshot_decoder(types: dict[str, Any]) -> Any:
    def decode_snapshot(text: str) -> Row:
        return {k: coerce(v, types.get(k)) for k, v in decode(text).items()}

    return decode_snapshot


def _rows_as_of(
    session: Session, entity: str, where: Any, as_of: dt.datetime, keep: Any
) -> list[Row]:
    """Rows of `entity` as of `as_of` for which `keep(row)` holds.

    Current rows are chosen by the SQL `where`; rows deleted after `as_of`, or moved into the
    selection by a later update, are found through history and tested with `keep`.
    """
    cls = TRACKED[entity]
    types = _types(entity)
    cols = [a.key for a in inspect(cls).column_attrs]
    current = {
        obj.id: {c: getattr(obj, c) for c in cols}
        for obj in session.scalars(select(cls).where(where))
    }
    # Later changes of the selected records, plus those that could have moved a record into
    # the selection: deletes (the record is gone now) and changes of the linking fields; then
    # every later change of the records found that way.
    later = select(HistoryEntry).where(HistoryEntry.entity == entity, HistoryEntry.at > as_of)
    entries = list(
        session.scalars(
            later.where(
                HistoryEntry.entity_id.in_(list(current))
                | (HistoryEntry.op == HistoryOp.DELETE)
                | HistoryEntry.field.in_(LINK_FIELDS)
            )
        )
    )
    moved_ids = {e.entity_id for e in entries} - set(current)
    if moved_ids:
        seen = {e.id for e in entries}
        extra = session.scalars(later.where(HistoryEntry.entity_id.in_(moved_ids)))
        entries += [e for e in extra if e.id not in seen]
        for obj in session.scalars(select(cls).where(cls.id.in_(moved_ids))):
            current[obj.id] = {c: getattr(obj, c) for c in cols}
    changes = [_to_change(e, types) for e in entries]
    rows = rewind(current, changes, _snapshot_decoder(types))
    return sorted((r for r in rows.values() if keep(r)), key=lambda r: r["id"])


def deal_as_of(session: Session, *, deal_id: int, as_of: dt.datetime) -> DealState | None:
    """Return the deal as it stood at `as_of`, or None if it did not exist yet (or was gone)."""
    deals = _rows_as_of(
        session, "deal", TRACKED["deal"].id == deal_id, as_of, lambda r: r["id"] == deal_id
    )
    if not deals:
        return None
    deal = deals[0]
    account_id = deal.get("account_id")
    account = None
    if account_id is not None:
        found = _rows_as_of(
            session,
            "account",
            TRACKED["account"].id == account_id,
            as_of,
            lambda r: r["id"] == account_id,
        )
        account = found[0] if found else None

    def of_deal(entity: str) -> list[Row]:
        return _rows_as_of(
            session,
            entity,
            TRACKED[entity].deal_id == deal_id,
            as_of,
            lambda r: r.get("deal_id") == deal_id,
        )

    committee: list[Row] = []
    if account_id is not None:
        committee = _rows_as_of(
            session,
            "contact",
            TRACKED["contact"].account_id == account_id,
            as_of,
            lambda r: r.get("account_id") == account_id,
        )
    activities = [a for a in of_deal("activity") if a["occurred_at"] <= as_of]
    return DealState(
        as_of=as_of,
        deal=deal,
        account=account,
        meddpicc=of_deal("meddpicc"),
        committee=committee,
        risks=of_deal("risk"),
        milestones=of_deal("milestone"),
        map_items=of_deal("map_item"),
        activities=activities,
    )


def stage_timeline(session: Session, *, deal_id: int) -> list[StageChange]:
    """Return the deal's stages in order: where it was created, then every stage change."""
    entries = list(
        session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.entity == "deal", HistoryEntry.entity_id == deal_id)
            .where((HistoryEntry.field == "stage") | (HistoryEntry.op == HistoryOp.CREATE))
            .order_by(HistoryEntry.at, HistoryEntry.id)
        )
    )
    out: list[StageChange] = []
    moves = [e for e in entries if e.field == "stage"]
    created = next((e for e in entries if e.op == HistoryOp.CREATE), None)
    if created is not None:
        first = decode(moves[0].old) if moves else None
        if first is None:
            deal = session.get(TRACKED["deal"], deal_id)
            first = deal.stage if deal is not None else None
        if first is not None:
            out.append(StageChange(created.at, None, first, created.actor))
    out += [StageChange(e.at, decode(e.old), decode(e.new), e.actor) for e in moves]
    return out
