"""The facts every engine reads about a deal: plain frozen data, built from plain rows.

Nothing here touches storage: `build_facts` takes the rows of a deal as they stood at a moment
(dicts of column values, as `history.rebuild` gives them) and the history up to that moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Row = Mapping[str, Any]
BUYER_SUFFIX = " (buyer)"


def buyer_actor(name: str) -> str:
    """How a buyer's changes are signed in history: "Dana Ruiz (buyer)"."""
    return f"{name}{BUYER_SUFFIX}"


def actor_side(actor: str) -> str:
    """ "buyer" for a change signed by a buyer (see `buyer_actor`), else "seller"."""
    return "buyer" if actor.endswith(BUYER_SUFFIX) else "seller"


@dataclass(frozen=True)
class Person:
    """A buying-committee member (ACC-2, ACC-3, QUAL-5, QUAL-6)."""

    id: int
    name: str
    title: str | None = None
    role: str | None = None
    influence: str | None = None
    support: str | None = None
    engagement: str | None = None
    relationship_depth: int | None = None
    reports_to_id: int | None = None
    professional_win: str | None = None
    personal_win: str | None = None
    professional_risk: str | None = None
    motivations: tuple[str, ...] = ()
    chess: Mapping[str, Any] | None = None
    thread_checks: Mapping[str, Any] | None = None
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class Element:
    """One MEDDPICC element (ACC-4)."""

    element: str
    status: str = "unknown"
    value: str | None = None
    evidence: str | None = None
    validated_by_id: int | None = None
    validated_on: dt.date | None = None


@dataclass(frozen=True)
class Item:
    """One MAP item (MAP-1); `created_at` is when history first saw it."""

    id: int
    action: str
    side: str
    status: str = "not_started"
    due_date: dt.date | None = None
    seller_owner: str | None = None
    customer_owner: str | None = None
    created_by_side: str = "seller"
    milestone_id: int | None = None
    completed_at: dt.datetime | None = None
    created_at: dt.datetime | None = None

    @property
    def open(self) -> bool:
        return self.status not in ("complete", "cancelled")

    @property
    def buyer_side(self) -> bool:
        return self.side in ("buyer", "both")

    @property
    def seller_side(self) -> bool:
        return self.side in ("seller", "both")


@dataclass(frozen=True)
class MapEvent:
    """A change to the MAP (an item or milestone created, changed or deleted), from history."""

    at: dt.datetime
    actor: str
    entity: str
    record_id: int
    op: str
    field: str
    old: Any = None
    new: Any = None

    @property
    def side(self) -> str:
        return actor_side(self.actor)


@dataclass(frozen=True)
class Change:
    """A change of one deal field, from history."""

    at: dt.datetime
    old: Any
    new: Any
    actor: str


@dataclass(frozen=True)
class Signal:
    """A dated activity or momentum signal (QUAL-7)."""

    type: str
    at: dt.datetime
    contact_id: int | None = None
    actor: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Override:
    """A stage change forced past its gate (QUAL-2), with its reason."""

    at: dt.datetime
    from_stage: str
    to_stage: str
    reason: str
    unmet: tuple[str, ...] = ()
    actor: str = ""


@dataclass(frozen=True)
class RiskFact:
    issue: str
    status: str = "open"
    mitigation: str | None = None
    help_needed: str | None = None
    responsible: str | None = None


@dataclass(frozen=True)
class AccountFacts:
    id: int
    name: str
    industry: str | None = None
    employees: int | None = None
    revenue: float | None = None
    hypothesis: str | None = None
    hypothesis_date: dt.date | None = None
    first_meeting_date: dt.date | None = None
    strategic_fit: bool | None = None
    potential_value: float | None = None
    active_buying: bool | None = None
    arr: float | None = None


@dataclass(frozen=True)
class DealFacts:
    """A deal as it stood at `as_of`, with what history says about how it got there."""

    id: int
    name: str
    stage: str
    as_of: dt.datetime
    outcome: str = "open"
    external_id: str | None = None
    owner: str | None = None
    amount: float | None = None
    close_date: dt.date | None = None
    created_date: dt.date | None = None
    closed_date: dt.date | None = None
    forecast_category: str | None = None
    probability: float | None = None
    next_step: str | None = None
    next_step_date: dt.date | None = None
    competitor: str | None = None
    competitive_position: str | None = None
    competitor_type: str | None = None
    eb_access: str | None = None
    eb_checklist: Mapping[str, Any] = field(default_factory=dict)
    poc_success_met: bool | None = None
    compelling_event: str | None = None
    scorecard: Mapping[str, Any] = field(default_factory=dict)
    disqualifiers: Mapping[str, Any] = field(default_factory=dict)
    map_cadence_days: int | None = None
    next_checkin_date: dt.date | None = None
    loss_reason: str | None = None
    source: str | None = None
    segment: str | None = None
    industry: str | None = None
    problem: str | None = None
    solution: str | None = None
    account: AccountFacts | None = None
    committee: tuple[Person, ...] = ()
    meddpicc: Mapping[str, Element] = field(default_factory=dict)
    items: tuple[Item, ...] = ()
    map_events: tuple[MapEvent, ...] = ()
    signals: tuple[Signal, ...] = ()
    risks: tuple[RiskFact, ...] = ()
    stage_changes: tuple[Change, ...] = ()
    close_date_changes: tuple[Change, ...] = ()
    overrides: tuple[Override, ...] = ()
    created_at: dt.datetime | None = None

    @property
    def today(self) -> dt.date:
        return self.as_of.date()

    def element(self, name: str) -> Element:
        """The MEDDPICC element `name` (status unknown when never recorded)."""
        return self.meddpicc.get(name) or Element(name)

    def people(self, role: str) -> list[Person]:
        return [p for p in self.committee if p.role == role]

    @property
    def stage_entered_at(self) -> dt.datetime | None:
        """When the deal entered its current stage (its creation if it never moved)."""
        moves = [c for c in self.stage_changes if c.new == self.stage]
        return moves[-1].at if moves else self.created_at


def _pick(row: Row, cls: type[Any], **extra: Any) -> Any:
    names = cls.__dataclass_fields__
    return cls(**{k: v for k, v in row.items() if k in names and k not in extra}, **extra)


def build_facts(
    *,
    as_of: dt.datetime,
    deal: Row,
    account: Row | None = None,
    contacts: Sequence[Row] = (),
    meddpicc: Sequence[Row] = (),
    items: Sequence[Row] = (),
    risks: Sequence[Row] = (),
    activities: Sequence[Row] = (),
    history: Iterable[Row] = (),
    overrides: Sequence[Row] = (),
) -> DealFacts:
    """The facts of one deal at `as_of` from its rows then and its history up to then.

    `history` rows have entity, entity_id, op, field, old, new (decoded), actor and at, in
    the order they happened; entries after `as_of` are ignored. JSON deal fields may be None.
    """
    created: dict[tuple[str, int], dt.datetime] = {}
    map_events: list[MapEvent] = []
    stage_changes: list[Change] = []
    close_changes: list[Change] = []
    deal_created: dt.datetime | None = None
    for h in history:
        if h["at"] > as_of:
            continue
        entity, op = h["entity"], h["op"]
        if op == "create":
            created.setdefault((entity, h["entity_id"]), h["at"])
        if entity == "deal" and h["entity_id"] == deal["id"]:
            if op == "create":
                deal_created = h["at"]
            elif h["field"] == "stage":
                stage_changes.append(Change(h["at"], h["old"], h["new"], h["actor"]))
            elif h["field"] == "close_date":
                close_changes.append(Change(h["at"], h["old"], h["new"], h["actor"]))
        elif entity in ("map_item", "milestone"):
            map_events.append(
                MapEvent(
                    h["at"],
                    h["actor"],
                    entity,
                    h["entity_id"],
                    op,
                    h["field"],
                    h.get("old"),
                    h.get("new"),
                )
            )
    people = tuple(
        _pick(
            {**c, "motivations": tuple(c.get("motivations") or ())},
            Person,
            created_at=created.get(("contact", c["id"])) or c.get("created_at"),
        )
        for c in contacts
        if c.get("name")
    )
    elements = {m["element"]: _pick(m, Element) for m in meddpicc}
    map_items = tuple(_pick(i, Item, created_at=created.get(("map_item", i["id"]))) for i in items)
    signals = tuple(
        sorted(
            (
                Signal(
                    a["type"],
                    a["occurred_at"],
                    a.get("contact_id"),
                    a.get("actor"),
                    a.get("summary"),
                )
                for a in activities
                if a["occurred_at"] <= as_of
            ),
            key=lambda s: s.at,
        )
    )
    fields = {
        k: v for k, v in deal.items() if k in DealFacts.__dataclass_fields__ and v is not None
    }
    for key in ("eb_checklist", "scorecard", "disqualifiers"):
        fields[key] = dict(deal.get(key) or {})
    return DealFacts(
        **fields,
        as_of=as_of,
        account=_pick(account, AccountFacts) if account else None,
        committee=people,
        meddpicc=elements,
        items=map_items,
        map_events=tuple(map_events),
        signals=signals,
        risks=tuple(_pick(r, RiskFact) for r in risks),
        stage_changes=tuple(stage_changes),
        close_date_changes=tuple(close_changes),
        overrides=tuple(
            Override(
                o["at"],
                o["from_stage"],
                o["to_stage"],
                o["reason"],
                tuple(o.get("unmet") or ()),
                o.get("actor", ""),
            )
            for o in overrides
            if o["at"] <= as_of
        ),
        created_at=deal_created,
    )
