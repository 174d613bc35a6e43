"""MAP edits by either side (MAP-1, MAP-7) with version checks (PLAT-4).

Sellers (from the deal page or the API) and buyers (from the deal room) write through these
functions. Each write is recorded in history under the actor given: a seller's name, or
`dealplan.engines.facts.buyer_actor(name)` for a buyer guest. An edit names the version it
was based on; when someone else changed the record since, ConflictError says who changed
which fields, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dealplan.clock import utcnow
from dealplan.deal.models import Deal
from dealplan.enums import HistoryOp, ItemStatus, Side
from dealplan.errors import DealplanError, InputError, NotFoundError
from dealplan.history.codec import decode
from dealplan.history.models import HistoryEntry
from dealplan.history.service import column_values, recording
from dealplan.plan.models import MapItem, Milestone

# What each side may set on an item. A buyer works the plan (status, dates, their owners,
# notes) but does not reassign the seller's work or rewrite the seller's actions.
SELLER_ITEM_FIELDS = frozenset(
    {
        "action",
        "side",
        "seller_owner",
        "customer_owner",
        "others",
        "due_date",
        "status",
        "notes",
        "milestone_id",
    }
)
BUYER_ITEM_FIELDS = frozenset(
    {"action", "side", "customer_owner", "others", "due_date", "status", "notes", "milestone_id"}
)
BUYER_UPDATE_FIELDS = frozenset({"customer_owner", "others", "due_date", "status", "notes"})
MILESTONE_FIELDS = frozenset({"name", "due_date", "position"})
TEXT_LIMITS = {"action": 2000, "seller_owner": 200, "customer_owner": 200, "name": 300}


class ConflictError(DealplanError):
    """A stale edit (PLAT-4): the record changed since the version the edit was based on.

    `current` is the record as it stands now (the fields `item_dict`/`milestone_dict` give,
    dates as ISO text),
    `changed` the fields changed since `base_version`, `by` who changed them.
    """

    exit_code = 2

    def __init__(
        self,
        *,
        entity: str,
        entity_id: int,
        base_version: int,
        current: dict[str, Any],
        changed: list[str],
        by: list[str],
    ) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.base_version = base_version
        self.current = {k: _jsonable(v) for k, v in current.items()}
        self.changed = changed
        self.by = by
        what = ", ".join(changed) or "the record"
        who = f" by {', '.join(by)}" if by else ""
        label = "item" if entity == "map_item" else entity
        super().__init__(
            f"this {label} was changed since you opened it ({what}{who}); "
            f"it is now at version {current.get('version')}: review the change and try again"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: what a client needs to show the conflict and retry."""
        return {
            "error": "conflict",
            "message": str(self),
            "entity": self.entity,
            "id": self.entity_id,
            "base_version": self.base_version,
            "changed": self.changed,
            "by": self.by,
            "current": self.current,
        }


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def item_dict(item: MapItem) -> dict[str, Any]:
    """A MAP item as plain data (every column), for pages, the API and conflicts."""
    return column_values(item)


def milestone_dict(ms: Milestone, *, version: int) -> dict[str, Any]:
    """A milestone as plain data with its version (counted from history)."""
    return {**column_values(ms), "version": version}


def _now(session: Session, at: dt.datetime | None) -> dt.datetime:
    return at or session.info.get("history_at") or utcnow()


def _date(value: Any, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{field}: {value!r} is not a date like 2026-03-31") from None


def _clean(
    session: Session, deal_id: int, fields: Mapping[str, Any], allowed: frozenset[str], who: str
) -> dict[str, Any]:
    """Validated values by field; InputError names the first bad field."""
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise InputError(f"{who} cannot set {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "due_date":
            out[key] = _date(value, key)
        elif key == "status":
            if value not in set(ItemStatus):
                raise InputError(f"status: {value!r} is not one of {', '.join(ItemStatus)}")
            out[key] = ItemStatus(value).value
        elif key == "side":
            if value not in set(Side):
                raise InputError(f"side: {value!r} is not one of {', '.join(Side)}")
            out[key] = Side(value).value
        elif key == "milestone_id":
            out[key] = _milestone_of(session, deal_id, value)
        elif key == "position":
            out[key] = int(value)
        else:
            text = None if value is None else str(value).strip()
            if text is not None and len(text) > TEXT_LIMITS.get(key, 10_000):
                raise InputError(f"{key}: longer than {TEXT_LIMITS.get(key, 10_000)} characters")
            out[key] = text or None
    for required in ("action", "name"):
        if required in out and not out[required]:
            raise InputError(f"{required}: must not be empty")
    return out


def _milestone_of(session: Session, deal_id: int, value: Any) -> int | None:
    if value in (None, ""):
        return None
    ms = session.get(Milestone, int(value))
    if ms is None or ms.deal_id != deal_id:
        raise InputError(f"milestone_id: {value} is not a milestone of this deal")
    return ms.id


def add_item(
    *,
    session: Session,
    deal_id: int,
    fields: Mapping[str, Any],
    actor: str,
    side: str,
    at: dt.datetime | None = None,
) -> MapItem:
    """Add an item to the deal's MAP, created by `side` ("seller" or "buyer") as `actor`.

    A buyer's item defaults to the buyer's side; a seller's to the seller's. Raises
    NotFoundError for an unknown deal and InputError for bad or forbidden fields.
    """
    if session.get(Deal, deal_id) is None:
        raise NotFoundError(f"deal {deal_id} not found")
    by = Side(side)
    allowed = SELLER_ITEM_FIELDS if by == Side.SELLER else BUYER_ITEM_FIELDS
    values = _clean(session, deal_id, fields, allowed, f"the {by.value}")
    if not values.get("action"):
        raise InputError("action: must not be empty")
    when = _now(session, at)
    values.setdefault("side", by.value)
    values.setdefault("status", ItemStatus.NOT_STARTED.value)
    item = MapItem(deal_id=deal_id, created_by_side=by.value, version=1, **values)
    if item.status == ItemStatus.COMPLETE:
        item.completed_at = when
    with recording(session, actor=actor, at=when):
        session.add(item)
        session.flush()
    return item


def _claim(session: Session, model: Any, entity_id: int, where: Any, column: Any) -> bool:
    """Lock the record for this transaction if `where` still holds (PLAT-4).

    A no-op UPDATE takes PostgreSQL's row lock (or SQLite's write lock) and re-reads the
    committed row, so of two concurrent edits based on the same version only one matches.
    """
    result = session.execute(
        update(model)
        .where(model.id == entity_id, where)
        .values({column: column})
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def changes_since(
    *, session: Session, entity: str, entity_id: int, base_version: int
) -> tuple[list[str], list[str], int]:
    """Fields changed since `base_version`, who changed them, and the current version.

    Versions are counted by history: each recorded update of the record (one flush) moves it
    up one from 1. Items also keep the count in their `version` column.
    """
    h = HistoryEntry
    rows = session.execute(
        select(h.field, h.actor, h.at, h.old)
        .where(h.entity == entity, h.entity_id == entity_id, h.op == HistoryOp.UPDATE)
        .order_by(h.id)
    ).all()
    # One flush writes one row per changed field with the same actor and time.
    groups: list[tuple[list[str], str, int | None]] = []
    last: tuple[Any, Any] | None = None
    for field, actor, at, old in rows:
        if (actor, at) != last:
            groups.append(([], actor, None))
            last = (actor, at)
        fields_, who, stamped = groups[-1]
        if field == "version":
            stamped = int(decode(old))
        else:
            fields_.append(field)
        groups[-1] = (fields_, who, stamped)
    fields: list[str] = []
    by: list[str] = []
    version = 1
    for group_fields, actor, stamped in groups:
        # Items stamp the version they left; milestones are counted flush by flush.
        before = stamped if stamped is not None else version
        version = before + 1
        if before >= base_version:
            fields += [f for f in group_fields if f not in fields]
            by += [actor] if actor not in by else []
    return fields, by, version


def update_item(
    *,
    session: Session,
    item_id: int,
    changes: Mapping[str, Any],
    base_version: int,
    actor: str,
    side: str,
    at: dt.datetime | None = None,
    deal_id: int | None = None,
) -> MapItem:
    """Apply `changes` to the item if it is still at `base_version`; returns the item.

    Raises ConflictError when it moved on (nothing is written), NotFoundError for an
    unknown item (or one outside `deal_id` when given), InputError for bad fields. A change
    to "complete" stamps `completed_at`; leaving "complete" clears it.
    """
    # One locking read (PLAT-4): PostgreSQL's row lock (FOR UPDATE) until the commit, so of
    # two concurrent edits based on the same version only one finds it; SQLite has no row
    # locks and the statement is a plain read: there the writer's transaction holds the
    # database's write lock (the web app begins writing requests with BEGIN IMMEDIATE),
    # and a deferred transaction that read a stale snapshot cannot write at all.
    # populate_existing: the committed row, even when the item is already in the session.
    item = session.get(MapItem, item_id, with_for_update=True, populate_existing=True)
    if item is None or (deal_id is not None and item.deal_id != deal_id):
        raise NotFoundError(f"MAP item {item_id} not found")
    by = Side(side)
    allowed = SELLER_ITEM_FIELDS if by == Side.SELLER else BUYER_UPDATE_FIELDS
    values = _clean(session, item.deal_id, changes, allowed, f"the {by.value}")
    if item.version != base_version:
        fields, who, _ = changes_since(
            session=session, entity="map_item", entity_id=item_id, base_version=base_version
        )
        raise ConflictError(
            entity="map_item",
            entity_id=item_id,
            base_version=base_version,
            current=item_dict(item),
            changed=fields,
            by=who,
        )
    values = {k: v for k, v in values.items() if getattr(item, k) != v}
    if not values:
        return item
    when = _now(session, at)
    with recording(session, actor=actor, at=when):
        for key, value in values.items():
            setattr(item, key, value)
        if "status" in values:
            item.completed_at = when if values["status"] == ItemStatus.COMPLETE else None
        item.version = base_version + 1
        session.flush()
    return item


def add_milestone(
    *,
    session: Session,
    deal_id: int,
    fields: Mapping[str, Any],
    actor: str,
    side: str,
    at: dt.datetime | None = None,
) -> Milestone:
    """Add a milestone to the deal's MAP; InputError without a name."""
    if session.get(Deal, deal_id) is None:
        raise NotFoundError(f"deal {deal_id} not found")
    values = _clean(session, deal_id, fields, MILESTONE_FIELDS, f"the {Side(side).value}")
    if not values.get("name"):
        raise InputError("name: must not be empty")
    if "position" not in values:
        last = session.scalar(
            select(Milestone.position)
            .where(Milestone.deal_id == deal_id)
            .order_by(Milestone.position.desc())
            .limit(1)
        )
        values["position"] = (last or 0) + 1
    ms = Milestone(deal_id=deal_id, **values)
    with recording(session, actor=actor, at=_now(session, at)):
        session.add(ms)
        session.flush()
    return ms


def milestone_version(*, session: Session, milestone_id: int) -> int:
    """The milestone's version: 1, plus one per recorded update."""
    return changes_since(
        session=session, entity="milestone", entity_id=milestone_id, base_version=1
    )[2]


def update_milestone(
    *,
    session: Session,
    milestone_id: int,
    changes: Mapping[str, Any],
    base_version: int,
    actor: str,
    side: str,
    at: dt.datetime | None = None,
    deal_id: int | None = None,
) -> Milestone:
    """Rename or re-date a milestone if it is still at `base_version` (see `update_item`)."""
    ms = session.get(Milestone, milestone_id)
    if ms is None or (deal_id is not None and ms.deal_id != deal_id):
        raise NotFoundError(f"milestone {milestone_id} not found")
    values = _clean(session, ms.deal_id, changes, MILESTONE_FIELDS, f"the {Side(side).value}")
    _claim(session, Milestone, milestone_id, Milestone.id == milestone_id, Milestone.position)
    fields, who, version = changes_since(
        session=session, entity="milestone", entity_id=milestone_id, base_version=base_version
    )
    session.refresh(ms)
    if version != base_version:
        raise ConflictError(
            entity="milestone",
            entity_id=milestone_id,
            base_version=base_version,
            current=milestone_dict(ms, version=version),
            changed=fields,
            by=who,
        )
    values = {k: v for k, v in values.items() if getattr(ms, k) != v}
    if values:
        with recording(session, actor=actor, at=_now(session, at)):
            for key, value in values.items():
                setattr(ms, key, value)
            session.flush()
    return ms


# A deal's MAP as `deal_map` reads it: callers that show it several ways read it once.
Plan = tuple[Sequence[Milestone], Sequence[MapItem]]


def deal_map(*, session: Session, deal_id: int) -> tuple[list[Milestone], list[MapItem]]:
    """The deal's milestones (by position) and items (by due date, then id)."""
    milestones = list(
        session.scalars(
            select(Milestone)
            .where(Milestone.deal_id == deal_id)
            .order_by(Milestone.position, Milestone.id)
        )
    )
    items = list(
        session.scalars(
            select(MapItem)
            .where(MapItem.deal_id == deal_id)
            .order_by(MapItem.due_date.is_(None), MapItem.due_date, MapItem.id)
        )
    )
    return milestones, items


def map_history(
    *,
    session: Session,
    deal_id: int,
    since: dt.datetime | None = None,
    limit: int = 200,
    plan: Plan | None = None,
) -> list[dict[str, Any]]:
    """Recorded changes to the deal's MAP, newest first: who, when, which item, what changed.

    Each entry: at, actor, entity ("map_item"/"milestone"), entity_id, label (the item's
    action or milestone name), op, field, old, new. `plan`: the deal's `deal_map` when the
    caller has read it already (the labels come from it instead of two more queries).
    """
    h = HistoryEntry
    item_ids = select(MapItem.id).where(MapItem.deal_id == deal_id)
    ms_ids = select(Milestone.id).where(Milestone.deal_id == deal_id)
    q = (
        select(h)
        .where(
            ((h.entity == "map_item") & h.entity_id.in_(item_ids))
            | ((h.entity == "milestone") & h.entity_id.in_(ms_ids)),
            h.field != "version",
            h.field != "completed_at",
        )
        .order_by(h.at.desc(), h.id.desc())
        .limit(limit)
    )
    if since is not None:
        q = q.where(h.at >= since)
    rows = list(session.scalars(q))
    milestones, map_items = plan if plan is not None else deal_map(session=session, deal_id=deal_id)
    items = {i.id: i.action for i in map_items}
    mss = {m.id: m.name for m in milestones}
    return [
        {
            "at": r.at,
            "actor": r.actor,
            "entity": r.entity,
            "entity_id": r.entity_id,
            "label": (items if r.entity == "map_item" else mss).get(r.entity_id, ""),
            "op": r.op,
            "field": r.field,
            "old": decode(r.old),
            "new": decode(r.new),
        }
        for r in rows
    ]
