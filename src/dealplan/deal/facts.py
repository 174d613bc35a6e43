"""Loading deals for the engines: rows and history in a few queries, rewound in memory.

`load_bundles` reads a set of deals with everything hung on them and all their history;
`DealBundle.facts(as_of)` gives the engines' `DealFacts` as the deal stood at any moment,
without another query. That is what lets `review` rate thousands of deals, and a backtest
replay every closed deal week by week.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, inspect, select
from sqlalchemy.orm import Session

from dealplan.engines.facts import DealFacts, build_facts
from dealplan.enums import HistoryOp
from dealplan.history.codec import coerce, decode
from dealplan.history.models import HistoryEntry
from dealplan.history.rewind import Change, Row, rewind
from dealplan.models import TRACKED, Deal

BATCH = 5_000
# Entities hung on a deal by deal_id, and the engines' names for them.
DEAL_CHILDREN = ("meddpicc", "map_item", "milestone", "risk", "activity")
# History values the engines read; other fields are decoded only when rewinding.
DECODED_FIELDS = frozenset({"stage", "close_date", "due_date", "status"})


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


def _table(entity: str) -> Table:
    table: Table = TRACKED[entity].__table__
    return table


_TYPES: dict[str, dict[str, Any]] = {}


def _types(entity: str) -> dict[str, Any]:
    if entity not in _TYPES:
        _TYPES[entity] = {a.key: a.columns[0].type for a in inspect(TRACKED[entity]).column_attrs}
    return _TYPES[entity]


@dataclass
class History:
    """A history row with `old`/`new` as stored (JSON text) until asked for."""

    id: int
    entity: str
    entity_id: int
    op: str
    field: str
    old_text: str | None
    new_text: str | None
    actor: str
    at: dt.datetime

    def for_facts(self) -> dict[str, Any]:
        decoded = self.field in DECODED_FIELDS
        col = _types(self.entity).get(self.field) if decoded else None
        return {
            "id": self.id,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "op": self.op,
            "field": self.field,
            "actor": self.actor,
            "at": self.at,
            "old": decode(self.old_text, col) if decoded else None,
            "new": decode(self.new_text, col) if decoded else None,
        }

    def change(self) -> Change:
        col = _types(self.entity).get(self.field)
        op = HistoryOp(self.op)
        return Change(
            id=self.id,
            entity_id=self.entity_id,
            op=op,
            field=self.field,
            old=self.old_text if op is HistoryOp.DELETE else decode(self.old_text, col),
            new=decode(self.new_text, col),
            actor=self.actor,
            at=self.at,
        )


@dataclass
class DealBundle:
    """One deal's current rows (by entity, then id) and all history of those records."""

    deal_id: int
    rows: dict[str, dict[int, Row]]
    history: list[History]
    overrides: list[Row] = field(default_factory=list)

    def facts(self, as_of: dt.datetime) -> DealFacts | None:
        """The deal as it stood at `as_of`; None before it existed."""
        later: dict[str, list[Change]] = defaultdict(list)
        for h in self.history:
            if h.at > as_of:
                later[h.entity].append(h.change())
        rows: dict[str, dict[int, Row]] = {}
        for entity, current in self.rows.items():
            if entity in later:
                types = _types(entity)
                rows[entity] = rewind(current, later[entity], _snapshot(types))
            else:
                rows[entity] = current
        deal = rows["deal"].get(self.deal_id)
        if deal is None:
            return None
        account_id = deal.get("account_id")
        account = rows.get("account", {}).get(account_id) if account_id is not None else None
        contacts = [
            c
            for c in rows.get("contact", {}).values()
            if account_id is not None and c.get("account_id") == account_id
        ]

        def children(entity: str) -> list[Row]:
            return [r for r in rows.get(entity, {}).values() if r.get("deal_id") == self.deal_id]

        return build_facts(
            as_of=as_of,
            deal=deal,
            account=account,
            contacts=contacts,
            meddpicc=children("meddpicc"),
            items=children("map_item"),
            risks=children("risk"),
            activities=children("activity"),
            history=[h.for_facts() for h in self.history if h.at <= as_of],
            overrides=self.overrides,
        )


def _snapshot(types: dict[str, Any]) -> Any:
    def decode_snapshot(text: str) -> Row:
        return {k: coerce(v, types.get(k)) for k, v in decode(text).items()}

    return decode_snapshot


def _fetch(session: Session, query: Any) -> list[Row]:
    """Rows of `query` as dicts (plain tuples zipped with the column names: fast)."""
    result = session.connection().execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.fetchall()]


def _rows(session: Session, entity: str, column: str, ids: Any) -> list[Row]:
    """Rows of `entity` whose `column` is in `ids`: a list of ids, or a subquery of them."""
    table = _table(entity)
    if not isinstance(ids, list | tuple):
        return _fetch(session, select(table).where(table.c[column].in_(ids)))
    out: list[Row] = []
    for chunk in _chunks(ids):
        out += _fetch(session, select(table).where(table.c[column].in_(chunk)))
    return out


_H = HistoryEntry.__table__
_H_COLS = (
    _H.c.id,
    _H.c.entity,
    _H.c.entity_id,
    _H.c.op,
    _H.c.field,
    _H.c.old,
    _H.c.new,
    _H.c.actor,
    _H.c.at,
)


def _history(session: Session, entity: str, ids: Any) -> list[History]:
    """History of the `entity` records `ids` (a list of ids, or a subquery of them)."""
    base = select(*_H_COLS).where(_H.c.entity == entity)
    if not isinstance(ids, list | tuple | set):
        rows = session.connection().execute(base.where(_H.c.entity_id.in_(ids)))
        return [History(*r) for r in rows]
    out: list[History] = []
    for chunk in _chunks(sorted(set(ids))):
        rows = session.connection().execute(base.where(_H.c.entity_id.in_(chunk)))
        out += [History(*r) for r in rows]
    return out


def _deleted(session: Session, entity: str, deal_ids: set[int]) -> dict[int, list[History]]:
    """History of `entity` records deleted since, by the deal they belonged to."""
    q = select(_H.c.entity_id, _H.c.old).where(_H.c.entity == entity, _H.c.op == HistoryOp.DELETE)
    gone: dict[int, int] = {}
    for entity_id, old in session.execute(q):
        deal_id = (decode(old) or {}).get("deal_id")
        if deal_id in deal_ids:
            gone[entity_id] = deal_id
    by_deal: dict[int, list[History]] = defaultdict(list)
    if gone:
        for entry in _history(session, entity, list(gone)):
            by_deal[gone[entry.entity_id]].append(entry)
    return by_deal


def open_deal_ids(session: Session, *, owner: str | None = None) -> list[int]:
    """Ids of open deals (of `owner`), by id."""
    return list(session.scalars(_open_query(owner).order_by(Deal.id)))


def open_deal_count(session: Session, *, owner: str | None = None) -> int:
    """How many deals (of `owner`) are open."""
    q = select(func.count()).select_from(_open_query(owner).subquery())
    return int(session.scalar(q) or 0)


def _open_query(owner: str | None) -> Any:
    q = select(Deal.id).where(Deal.outcome == "open")
    return q if owner is None else q.where(Deal.owner == owner)


def closed_deal_ids(session: Session) -> list[int]:
    """Ids of won and lost deals, by id."""
    q = select(Deal.id).where(Deal.outcome != "open").order_by(Deal.id)
    return list(session.scalars(q))


def load_open_bundles(session: Session, *, owner: str | None = None) -> list[DealBundle]:
    """Bundles of every open deal (of `owner`), by id, read with a few set-based queries."""
    return _load(session, _open_query(owner))


def load_closed_bundles(session: Session) -> list[DealBundle]:
    """Bundles of every won or lost deal, by id."""
    return _load(session, select(Deal.id).where(Deal.outcome != "open"))


def load_bundles(session: Session, deal_ids: Sequence[int]) -> list[DealBundle]:
    """Bundles for `deal_ids` (those that exist), in the order given."""
    return _load(session, list(deal_ids))


def _load(session: Session, selection: Any) -> list[DealBundle]:
    """Bundles for the deals `selection` names: a list of ids, or a subquery of ids."""
    by_id = isinstance(selection, list)
    deals = {r["id"]: r for r in _rows(session, "deal", "id", selection)}
    ids = [i for i in selection if i in deals] if by_id else sorted(deals)
    id_set = set(ids)
    account_ids = sorted({r["account_id"] for r in deals.values() if r["account_id"]})
    if by_id:
        accounts_sel: Any = account_ids
    else:
        accounts_sel = select(Deal.account_id).where(Deal.id.in_(selection)).distinct()
    accounts = {r["id"]: r for r in _rows(session, "account", "id", accounts_sel)}
    contacts = _rows(session, "contact", "account_id", accounts_sel)
    contacts_by_account: dict[int, dict[int, Row]] = defaultdict(dict)
    for c in contacts:
        contacts_by_account[c["account_id"]][c["id"]] = c
    children: dict[str, dict[int, dict[int, Row]]] = {}
    for entity in DEAL_CHILDREN:
        by_deal: dict[int, dict[int, Row]] = defaultdict(dict)
        for r in _rows(session, entity, "deal_id", selection):
            by_deal[r["deal_id"]][r["id"]] = r
        children[entity] = by_deal
    history: dict[tuple[str, int], list[History]] = defaultdict(list)

    def child_ids(entity: str) -> Any:
        if by_id:
            return [i for d in children[entity].values() for i in d]
        table = _table(entity)
        return select(table.c.id).where(table.c.deal_id.in_(selection))

    contact_sel: Any = [c["id"] for c in contacts]
    if not by_id:
        contact_sel = select(_table("contact").c.id).where(
            _table("contact").c.account_id.in_(accounts_sel)
        )
    for entity, record_ids in (
        ("deal", selection),
        ("account", accounts_sel),
        ("contact", contact_sel),
        *((e, child_ids(e)) for e in DEAL_CHILDREN),
    ):
        for entry in _history(session, entity, record_ids):
            history[(entity, entry.entity_id)].append(entry)
    deleted = {e: _deleted(session, e, id_set) for e in DEAL_CHILDREN}
    overrides: dict[int, list[Row]] = defaultdict(list)
    for o in _rows(session, "gate_override", "deal_id", selection):
        overrides[o["deal_id"]].append(o)
    bundles = []
    for deal_id in ids:
        deal = deals[deal_id]
        account_id = deal["account_id"]
        rows: dict[str, dict[int, Row]] = {"deal": {deal_id: deal}}
        entries = list(history[("deal", deal_id)])
        if account_id is not None and account_id in accounts:
            rows["account"] = {account_id: accounts[account_id]}
            rows["contact"] = contacts_by_account.get(account_id, {})
            entries += history[("account", account_id)]
            for cid in rows["contact"]:
                entries += history[("contact", cid)]
        for entity in DEAL_CHILDREN:
            rows[entity] = children[entity].get(deal_id, {})
            for rid in rows[entity]:
                entries += history[(entity, rid)]
            entries += deleted[entity].get(deal_id, [])
        entries.sort(key=_order)
        bundles.append(DealBundle(deal_id, rows, entries, overrides.get(deal_id, [])))
    return bundles


def _order(entry: History) -> tuple[dt.datetime, int]:
    return (entry.at, entry.id)


def facts_for(session: Session, *, deal_id: int, as_of: dt.datetime) -> DealFacts | None:
    """The facts of one deal at `as_of` (None if it did not exist then)."""
    bundles = load_bundles(session, [deal_id])
    return bundles[0].facts(as_of) if bundles else None
