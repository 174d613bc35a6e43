"""MAP health (MAP-2, MAP-3) and the dying/healthy deal indicators (MAP-4).

The seed's rule (gtm-enterprise-account-planning §1): a MAP updated within a week by both
sides, with the customer completing tasks, is green; 8-21 days without an update, mostly
seller actions or a slow customer is yellow; more than 21 days, or only seller actions with
the customer unresponsive, is red; and past `map.dead_after_days` the deal is dead. "Updated"
means any change to the MAP (an item or milestone created, changed or deleted) by either side,
as history recorded it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dealplan.engines.facts import DealFacts, Item, MapEvent
from dealplan.engines.verdict import Level, Reason, Verdict
from dealplan.methodology.thresholds import Thresholds

POSITIVE_SIGNALS = frozenset(
    {
        "next_meeting_scheduled",
        "eb_attends",
        "internal_docs_shared",
        "implementation_questions",
        "procurement_timeline_given",
        "references_requested",
        "legal_review_started",
    }
)


# `Level.rank` searches the enum on every call; review ranks reasons of many deals.
RANK = {lv: i for i, lv in enumerate(Level)}


def verdict_of(reasons: list[Reason]) -> Verdict:
    """`Verdict.of(reasons)`, with the level found by a table lookup."""
    level = max((r.level for r in reasons), key=RANK.__getitem__, default=Level.GREEN)
    return Verdict(level, tuple(reasons))


@lru_cache(maxsize=1024)
def setting(t: Thresholds, key: str) -> Any:
    """`t.get(key)`, remembered: review reads the same few thresholds for every deal.

    Thresholds are never changed once made, so the value read once stays right.
    """
    return t.get(key)


def status(facts: DealFacts, element: str) -> str:
    """The MEDDPICC status of `element` ("unknown" when never recorded)."""
    found = facts.meddpicc.get(element)
    return found.status if found is not None else "unknown"


@dataclass(frozen=True)
class MapHealth:
    """MAP-2..MAP-4 for one deal at `as_of`.

    `verdict` holds the MAP-2/MAP-3 reasons and the MAP-4 dying indicators; `healthy` the
    MAP-4 healthy indicators (green reasons). Counts are of "active" items: open, or
    completed within `map.recent_days`. `seller_share` is None when nothing is active.
    """

    verdict: Verdict
    has_map: bool
    last_update: dt.datetime | None
    last_update_by: str | None
    last_update_side: str | None
    days_since_update: int | None
    seller_items: int
    buyer_items: int
    seller_share: float | None
    overdue_customer: tuple[dict[str, Any], ...]
    pushes: int
    days_pushed: int
    dying: tuple[Reason, ...]
    healthy: tuple[Reason, ...]

    @property
    def level(self) -> Level:
        return self.verdict.level

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.value,
            "has_map": self.has_map,
            "last_update": self.last_update,
            "last_update_by": self.last_update_by,
            "last_update_side": self.last_update_side,
            "days_since_update": self.days_since_update,
            "seller_items": self.seller_items,
            "buyer_items": self.buyer_items,
            "seller_share": self.seller_share,
            "overdue_customer_items": list(self.overdue_customer),
            "due_date_pushes": self.pushes,
            "days_pushed": self.days_pushed,
            "reasons": [r.as_dict() for r in self.verdict.reasons],
            "dying_indicators": [r.as_dict() for r in self.dying],
            "healthy_indicators": [r.as_dict() for r in self.healthy],
        }


def _level(name: str) -> Level:
    return Level(str(name))


def _owner(item: Item) -> str:
    return item.customer_owner or "the customer"


def _item_evidence(item: Item, today: dt.date) -> dict[str, Any]:
    return {
        "action": item.action,
        "owner": item.customer_owner,
        "due_date": item.due_date,
        "status": item.status,
        "days_overdue": (today - item.due_date).days if item.due_date else None,
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class _ItemLife:
    """What history says about one item: when it last changed and its due-date moves."""

    last_change: dt.datetime | None
    completed: dt.datetime | None


def _lives(facts: DealFacts) -> dict[int, _ItemLife]:
    last: dict[int, dt.datetime] = {}
    done: dict[int, dt.datetime] = {}
    for e in facts.map_events:
        if e.entity != "map_item":
            continue
        last[e.record_id] = e.at
        if e.field == "status" and e.new == "complete":
            done[e.record_id] = e.at
    return {
        i.id: _ItemLife(last.get(i.id, i.created_at), i.completed_at or done.get(i.id))
        for i in facts.items
    }


def _due_moves(events: tuple[MapEvent, ...]) -> tuple[list[int], list[int]]:
    """Days each due date was pushed out, and days each was pulled in (items and milestones)."""
    out: list[int] = []
    back: list[int] = []
    for e in events:
        if e.field != "due_date" or e.op != "update":
            continue
        if isinstance(e.old, dt.date) and isinstance(e.new, dt.date):
            delta = (e.new - e.old).days
            if delta > 0:
                out.append(delta)
            elif delta < 0:
                back.append(-delta)
    return out, back


def map_health(facts: DealFacts, t: Thresholds) -> MapHealth:
    """MAP-2, MAP-3 and MAP-4 for `facts` (see the module docstring for the rule).

    A deal with no MAP at all gets one `no_map` reason whose level depends on its stage
    (`map.missing_by_stage`): early stages may legitimately have none.
    """
    today = facts.today
    events = facts.map_events
    items = [i for i in facts.items if i.status != "cancelled"]
    if not facts.items and not events:
        level = _level(
            setting(t, "map.missing_by_stage").get(facts.stage, setting(t, "map.missing_default"))
        )
        reason = Reason(
            "MAP-3",
            "no_map",
            level,
            f"no mutual action plan yet ({facts.stage})",
            {"stage": facts.stage},
            "draft a MAP with the champion: both sides' actions with owners and dates",
        )
        return MapHealth(
            verdict_of([reason]), False, None, None, None, None, 0, 0, None, (), 0, 0, (), ()
        )

    last = max(events, key=lambda e: e.at) if events else None
    days = (today - last.at.date()).days if last else None
    reasons: list[Reason] = []
    if last is not None and days is not None:
        reasons += _staleness(days, last, t)

    lives = _lives(facts)
    recent_from = today - dt.timedelta(days=int(setting(t, "map.recent_days")))

    def active(i: Item) -> bool:
        done = lives[i.id].completed
        return i.open or (done is not None and done.date() >= recent_from)

    live = [i for i in items if active(i)]
    seller_n = sum(1 for i in live if not i.buyer_side)
    buyer_n = sum(1 for i in live if i.buyer_side)
    share = seller_n / len(live) if live else None
    buyer_events = [e for e in events if e.side == "buyer"]
    reasons += _sides(facts, t, items, live, seller_n, buyer_n, share, buyer_events)

    overdue = sorted(
        (i for i in items if i.buyer_side and i.open and i.due_date and i.due_date < today),
        key=lambda i: i.due_date or today,
    )
    slow_days = int(setting(t, "map.customer_slow_days"))
    slow = [i for i in overdue if i.due_date and (today - i.due_date).days > slow_days]
    if slow:
        reasons.append(
            Reason(
                "MAP-3",
                "customer_slow",
                Level.YELLOW,
                f"customer slow: {_plural(len(slow), 'customer action')} overdue by more than "
                f"{slow_days} days (oldest: '{slow[0].action}', {_owner(slow[0])}, due "
                f"{slow[0].due_date})",
                {"overdue": [_item_evidence(i, today) for i in slow]},
                f"ask {_owner(slow[0])} for the status of '{slow[0].action}' and a new date",
            )
        )
    buyer_all = [i for i in items if i.buyer_side]
    due_passed = [i for i in buyer_all if i.due_date and i.due_date < today]
    if due_passed and not any(i.status == "complete" for i in buyer_all):
        reasons.append(
            Reason(
                "MAP-3",
                "customer_not_completing",
                Level.YELLOW,
                f"the customer has completed none of their {len(buyer_all)} actions; "
                f"{len(due_passed)} already came due",
                {"customer_actions": len(buyer_all), "came_due": len(due_passed)},
                "review the customer's actions with the champion on the next call",
            )
        )

    pushed, pulled = _due_moves(events)
    dying = _dying(facts, t, items, lives, pushed)
    healthy = _healthy(facts, t, items, pulled)
    verdict = verdict_of(reasons + list(dying))
    return MapHealth(
        verdict=verdict,
        has_map=True,
        last_update=last.at if last else None,
        last_update_by=last.actor if last else None,
        last_update_side=last.side if last else None,
        days_since_update=days,
        seller_items=seller_n,
        buyer_items=buyer_n,
        seller_share=round(share, 3) if share is not None else None,
        overdue_customer=tuple(_item_evidence(i, today) for i in overdue),
        pushes=len(pushed),
        days_pushed=sum(pushed),
        dying=dying,
        healthy=healthy,
    )


def _staleness(days: int, last: MapEvent, t: Thresholds) -> list[Reason]:
    """MAP-3: days since the MAP last changed, by either side."""
    green, yellow = int(setting(t, "map.green_max_days")), int(setting(t, "map.yellow_max_days"))
    dead = int(setting(t, "map.dead_after_days"))
    evidence = {
        "days_since_update": days,
        "last_update": last.at,
        "by": last.actor,
        "side": last.side,
    }
    who = f"last by {last.actor} on {last.at.date()}"
    if days > dead:
        return [
            Reason(
                "MAP-3",
                "map_dead",
                Level.DEAD,
                f"MAP not updated for {days} days ({who}): past {dead} days the deal is dead",
                evidence,
                "qualify out, or reset the plan with the economic buyer",
            )
        ]
    if days > yellow:
        return [
            Reason(
                "MAP-3",
                "map_stale",
                Level.RED,
                f"MAP not updated for {days} days ({who}): the 3-week rule says dying",
                evidence,
                "qualify out or reset: ask whether to pause, or which blocker you can remove",
            )
        ]
    if days > green:
        return [
            Reason(
                "MAP-3",
                "map_quiet",
                Level.YELLOW,
                f"MAP not updated for {days} days ({who})",
                evidence,
                "send the MAP update and ask for the status of a named customer action",
            )
        ]
    return [
        Reason(
            "MAP-3",
            "map_fresh",
            Level.GREEN,
            f"MAP updated {days} days ago ({who})",
            evidence,
        )
    ]


def _sides(
    facts: DealFacts,
    t: Thresholds,
    items: list[Item],
    live: list[Item],
    seller_n: int,
    buyer_n: int,
    share: float | None,
    buyer_events: list[MapEvent],
) -> list[Reason]:
    """MAP-2 and the "both sides" part of MAP-3."""
    counts = {"seller_items": seller_n, "buyer_items": buyer_n, "seller_share": share}
    if not items:
        return [
            Reason(
                "MAP-2",
                "map_without_actions",
                Level.YELLOW,
                "the MAP has no actions",
                {"stage": facts.stage},
                "add each side's actions with owners and dates",
            )
        ]
    if not any(i.buyer_side for i in items):
        window = int(setting(t, "map.unresponsive_days"))
        since = facts.as_of - dt.timedelta(days=window)
        first = min((e.at for e in facts.map_events), default=facts.as_of)
        heard = [e.at for e in buyer_events] + [
            s.at for s in facts.signals if s.type in POSITIVE_SIGNALS
        ]
        last_heard = max(heard, default=None)
        unresponsive = first <= since and (last_heard is None or last_heard < since)
        evidence = {
            "seller_items": len(items),
            "buyer_items": 0,
            "customer_last_heard": last_heard,
        }
        if unresponsive:
            heard_text = f"since {last_heard.date()}" if last_heard else "ever"
            return [
                Reason(
                    "MAP-2",
                    "seller_only_unresponsive",
                    Level.RED,
                    f"only seller actions ({len(items)}) and no response from the customer "
                    f"{heard_text}: a demo, not a deal",
                    evidence,
                    "ask the champion which actions their side owns; if none, qualify out",
                )
            ]
        return [
            Reason(
                "MAP-2",
                "seller_only",
                Level.YELLOW,
                f"only seller actions ({len(items)}): a demo, not a deal",
                evidence,
                "agree the customer's actions (owners, dates) with the champion",
            )
        ]
    if not live:
        return [
            Reason(
                "MAP-3",
                "no_open_actions",
                Level.YELLOW,
                "neither side has an open or recent action in the MAP",
                counts,
                "extend the plan: next steps for both sides to the signature",
            )
        ]
    limit = float(setting(t, "map.mostly_seller_share"))
    if share is not None and share > limit:
        return [
            Reason(
                "MAP-3",
                "mostly_seller",
                Level.YELLOW,
                f"mostly seller actions: {seller_n} of {len(live)} open or recent actions "
                f"are ours ({share:.0%} > {limit:.0%})",
                counts,
                "agree the customer's next actions, with owners and dates",
            )
        ]
    if seller_n == 0:
        return [
            Reason(
                "MAP-3",
                "no_seller_actions",
                Level.YELLOW,
                "no open or recent seller actions: the plan shows nothing we owe the buyer",
                counts,
                "add our next deliverables to the MAP",
            )
        ]
    return [
        Reason(
            "MAP-3",
            "both_sides_active",
            Level.GREEN,
            f"both sides have open or recent actions ({seller_n} seller, {buyer_n} customer)",
            counts,
        )
    ]


def _dying(
    facts: DealFacts,
    t: Thresholds,
    items: list[Item],
    lives: dict[int, _ItemLife],
    pushed: list[int],
) -> tuple[Reason, ...]:
    """MAP-4 dying-deal indicators, each with its evidence.

    A customer task is "pending for weeks" when it came due more than `map.pending_weeks`
    weeks ago and nobody has touched it since it came due.
    """
    today = facts.today
    out: list[Reason] = []
    weeks = int(setting(t, "map.pending_weeks"))
    due_by = today - dt.timedelta(weeks=weeks)
    pending = [
        i
        for i in items
        if i.buyer_side
        and i.open
        and i.due_date is not None
        and i.due_date < due_by
        and (lives[i.id].last_change or facts.as_of).date() <= i.due_date
    ]
    if pending:
        out.append(
            Reason(
                "MAP-4",
                "customer_tasks_pending",
                Level.YELLOW,
                f"{_plural(len(pending), 'customer task')} pending for {weeks}+ weeks past "
                f"due (e.g. '{pending[0].action}', {_owner(pending[0])}, due "
                f"{pending[0].due_date})",
                {
                    "pending": [
                        {
                            **_item_evidence(i, today),
                            "unchanged_since": lives[i.id].last_change,
                        }
                        for i in pending
                    ]
                },
                f"ask {_owner(pending[0])} what blocks '{pending[0].action}'",
            )
        )
    dated = [i.due_date for i in items if i.due_date is not None]
    if dated and max(dated) < today:
        out.append(
            Reason(
                "MAP-4",
                "all_dates_past",
                Level.YELLOW,
                f"every MAP due date is in the past (latest {max(dated)})",
                {"latest_due": max(dated), "items": len(dated)},
                "re-plan with the buyer: new dates up to the signature",
            )
        )
    if pushed:
        level = Level.YELLOW if len(pushed) >= int(setting(t, "map.pushes_yellow")) else Level.GREEN
        out.append(
            Reason(
                "MAP-4",
                "dates_pushed",
                level,
                f"MAP dates pushed out {_plural(len(pushed), 'time')}, {sum(pushed)} days in total",
                {"pushes": len(pushed), "days": sum(pushed)},
                "ask what changed on their side each time a date moved",
            )
        )
    days = int(setting(t, "map.new_stakeholder_days"))
    first = min((e.at for e in facts.map_events), default=facts.as_of)
    if first <= facts.as_of - dt.timedelta(days=days) and not _new_people(facts, items, days):
        out.append(
            Reason(
                "MAP-4",
                "no_new_stakeholders",
                Level.GREEN,
                f"no new stakeholder in the MAP or the committee for {days} days",
                {"days": days},
                "ask the champion who else must sign off, and bring them into the plan",
            )
        )
    return tuple(out)


def _new_people(facts: DealFacts, items: list[Item], days: int) -> list[str]:
    """Customer names first seen (as MAP owners or committee members) in the last `days`."""
    since = facts.as_of - dt.timedelta(days=days)
    seen_before: set[str] = set()
    seen_since: list[str] = []
    for i in sorted(items, key=lambda i: i.created_at or facts.as_of):
        name = i.customer_owner
        if not name or not i.buyer_side:
            continue
        if (i.created_at or facts.as_of) < since:
            seen_before.add(name)
        elif name not in seen_before and name not in seen_since:
            seen_since.append(name)
    for p in facts.committee:
        if p.created_at is not None and p.created_at >= since and p.name not in seen_since:
            seen_since.append(p.name)
    return [n for n in seen_since if n not in seen_before]


def _healthy(
    facts: DealFacts, t: Thresholds, items: list[Item], pulled: list[int]
) -> tuple[Reason, ...]:
    """MAP-4 healthy-deal indicators (green reasons)."""
    out: list[Reason] = []
    days = int(setting(t, "map.new_stakeholder_days"))
    since = facts.as_of - dt.timedelta(days=days)
    added = [i for i in items if i.created_by_side == "buyer"]
    if added:
        recent = [i for i in added if i.created_at is not None and i.created_at >= since]
        out.append(
            Reason(
                "MAP-4",
                "customer_adds_items",
                Level.GREEN,
                f"the customer added {_plural(len(added), 'action')} of their own "
                f"({len(recent)} in the last {days} days)",
                {"added": [i.action for i in added], "recent": len(recent)},
            )
        )
    if pulled:
        out.append(
            Reason(
                "MAP-4",
                "dates_moved_up",
                Level.GREEN,
                f"MAP dates moved up {_plural(len(pulled), 'time')} ({sum(pulled)} days sooner)",
                {"moves": len(pulled), "days": sum(pulled)},
            )
        )
    people = _new_people(facts, items, days)
    if people:
        out.append(
            Reason(
                "MAP-4",
                "new_stakeholders",
                Level.GREEN,
                f"new stakeholders in the last {days} days: {', '.join(people)}",
                {"names": people},
            )
        )
    return tuple(out)
