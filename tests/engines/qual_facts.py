"""Deals as plain facts for the qualification engine tests: one that meets every criterion of
every stage model, and small changes that break one criterion at a time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from dealplan.engines.facts import AccountFacts, DealFacts, Element, Item, Person, Signal
from dealplan.enums import Element as ElementName
from dealplan.methodology.thresholds import default_thresholds

AS_OF = dt.datetime(2026, 6, 30, 12)
T = default_thresholds()
EB, CHAMP, TECH, PROC = 1, 2, 3, 4


def days_ago(n: int) -> dt.datetime:
    return AS_OF - dt.timedelta(days=n)


def person(pid: int, name: str, role: str, **kw: Any) -> Person:
    base: dict[str, Any] = {
        "influence": "high",
        "support": "high",
        "engagement": "engaged",
        "relationship_depth": 4,
        "professional_win": "credit for the rollout",
    }
    return Person(pid, name, role=role, **{**base, **kw})


COMMITTEE = (
    person(EB, "Lee Park", "economic_buyer"),
    person(CHAMP, "Dana Ruiz", "champion", personal_win="promotion"),
    person(TECH, "Wei Costa", "technical_buyer"),
    person(PROC, "Ola Berg", "procurement", influence="low"),
)
VALIDATED_BY = {
    ElementName.IDENTIFIED_PAIN: EB,
    ElementName.METRICS: EB,
    ElementName.DECISION_PROCESS: EB,
}
ELEMENTS = {
    e.value: Element(
        e.value,
        "validated",
        "Cut triage time 40%; $2M audit exposure"
        if e is ElementName.METRICS
        else f"{e.value} known",
        "in their words",
        VALIDATED_BY.get(e, CHAMP),
        dt.date(2026, 6, 1),
    )
    for e in ElementName
}
ITEMS = (
    Item(1, "Send proposal and order form", "seller", "complete"),
    Item(2, "Legal review of MSA and DPA", "buyer", "complete"),
    Item(3, "Vendor onboarding in procurement", "buyer", "complete"),
    Item(4, "Sign the order form", "both", "complete"),
    Item(5, "Pay the first invoice", "buyer", "complete"),
    Item(6, "Name the CSM and share the onboarding plan", "seller", "complete"),
)
SIGNALS = (
    Signal("meeting", days_ago(90), EB),
    Signal("demo", days_ago(70), TECH),
    Signal("proposal", days_ago(30), CHAMP),
    Signal("procurement_timeline_given", days_ago(20), PROC),
    Signal("legal_review_started", days_ago(15), PROC),
    Signal("next_meeting_scheduled", days_ago(3), CHAMP),
)
CHECKLIST = {
    "identified": True,
    "met": True,
    "agrees_problem": True,
    "agrees_metrics": True,
    "knows_price": True,
    "understands_timeline": True,
    "approved": True,
}


def qualified(stage: str = "Discovery", **changes: Any) -> DealFacts:
    """A deal that meets every criterion of every shipped stage model, in `stage`."""
    facts = DealFacts(
        id=7,
        name="Globex platform",
        stage=stage,
        as_of=AS_OF,
        external_id="OPP-7",
        owner="Ann Seller",
        amount=120_000.0,
        close_date=dt.date(2026, 9, 30),
        created_date=dt.date(2026, 3, 1),
        next_step="Steering committee",
        next_step_date=dt.date(2026, 7, 7),
        competitor="Status quo",
        eb_access="direct",
        eb_checklist=dict(CHECKLIST),
        poc_success_met=True,
        compelling_event="Audit in October",
        account=AccountFacts(1, "Globex", strategic_fit=True, arr=None),
        committee=COMMITTEE,
        meddpicc=dict(ELEMENTS),
        items=ITEMS,
        signals=SIGNALS,
        created_at=days_ago(120),
    )
    return dataclasses.replace(facts, **changes)


def with_element(f: DealFacts, name: str, status: str, **kw: Any) -> DealFacts:
    old = f.element(name)
    new = dataclasses.replace(old, status=status, **kw)
    return dataclasses.replace(f, meddpicc={**f.meddpicc, name: new})


def with_item(f: DealFacts, action_word: str, status: str) -> DealFacts:
    items = tuple(
        dataclasses.replace(i, status=status) if action_word in i.action else i for i in f.items
    )
    return dataclasses.replace(f, items=items)


def checklist(f: DealFacts, **items: bool) -> DealFacts:
    return dataclasses.replace(f, eb_checklist={**f.eb_checklist, **items})


def without_signals(f: DealFacts, *kinds: str) -> DealFacts:
    return dataclasses.replace(f, signals=tuple(s for s in f.signals if s.type not in kinds))


def add_signal(f: DealFacts, kind: str, days: int = 5) -> DealFacts:
    return dataclasses.replace(f, signals=(*f.signals, Signal(kind, days_ago(days))))


def poor_fit(f: DealFacts) -> DealFacts:
    """The deal's account is not a strategic fit (wrong ICP)."""
    account = f.account or AccountFacts(1, "Globex")
    return dataclasses.replace(f, account=dataclasses.replace(account, strategic_fit=False))
