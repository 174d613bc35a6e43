"""MAP health (MAP-2, MAP-3) over a deal's `HealthFeatures`; MAP-4 in engines/map_indicators.

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
from typing import Any

from dealplan.engines import health_decide as decide
from dealplan.engines.facts import DealFacts, actor_side
from dealplan.engines.health_common import RANK, plural, setting, verdict_of
from dealplan.engines.health_features import (
    POSITIVE_SIGNALS,
    HealthFeatures,
    features_of,
)
from dealplan.engines.map_indicators import (
    dying_codes,
    healthy,
    indicator,
    item_evidence,
    owner_of,
)
from dealplan.engines.verdict import Level, Reason, Verdict
from dealplan.methodology.thresholds import Thresholds

__all__ = [
    "POSITIVE_SIGNALS",
    "RANK",
    "MapHealth",
    "item_evidence",
    "map_health",
    "map_health_of",
    "setting",
    "status",
    "verdict_of",
]


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


def map_health(facts: DealFacts, t: Thresholds) -> MapHealth:
    """MAP-2, MAP-3 and MAP-4 for `facts` (see the module docstring for the rule)."""
    return map_health_of(features_of(facts, t), t)


def map_inputs(f: HealthFeatures, t: Thresholds) -> dict[str, Any]:
    """What `health_decide.map_codes` reads of the deal `f` (its dying indicators included)."""
    today = f.today
    at = f.last_map_event
    return {
        "has_map": f.any_items or bool(f.map_events),
        "stage": f.stage,
        "stale": decide.staleness((today - at.date()).days, t)
        if at is not None and f.last_map_actor is not None
        else None,
        "items": f.items,
        "buyer_items_any": f.buyer_items_any,
        "silent_customer": decide.unresponsive(
            f.first_map_event, f.customer_last_heard, f.as_of, t
        ),
        "seller_live": f.seller_live,
        "buyer_live": f.buyer_live,
        "slow": any(i.due_date and decide.customer_slow(i.due_date, today, t) for i in f.overdue),
        "incomplete": decide.not_completing(f.buyer_due_passed, f.buyer_any_complete),
        "indicators": dying_codes(f, t),
    }


def map_health_of(f: HealthFeatures, t: Thresholds) -> MapHealth:
    """MAP-2, MAP-3 and MAP-4 for the deal `f` (see the module docstring for the rule).

    A deal with no MAP at all gets one `no_map` reason whose level depends on its stage
    (`map.missing_by_stage`): early stages may legitimately have none.
    """
    today = f.today
    codes = decide.map_codes(**map_inputs(f, t), t=t)
    if codes[0][0] == "no_map":
        reason = Reason(
            "MAP-3",
            "no_map",
            codes[0][1],
            f"no mutual action plan yet ({f.stage})",
            {"stage": f.stage},
            "draft a MAP with the champion: both sides' actions with owners and dates",
        )
        return MapHealth(
            verdict_of([reason]), False, None, None, None, None, 0, 0, None, (), 0, 0, (), ()
        )
    last_at, actor = f.last_map_event, f.last_map_actor
    days = (today - last_at.date()).days if last_at else None
    live = f.seller_live + f.buyer_live
    share = f.seller_live / live if live else None
    reasons: list[Reason] = []
    bad: list[Reason] = []
    for code, level in codes:
        if code in STALENESS:
            assert last_at is not None
            assert actor is not None
            assert days is not None
            reasons.append(_staleness(code, level, days, last_at, actor, t))
        elif code in SIDES:
            reasons.append(_sides(code, level, f, t, share))
        elif code == "customer_slow":
            slow_days = int(setting(t, "map.customer_slow_days"))
            slow = [
                i for i in f.overdue if i.due_date and decide.customer_slow(i.due_date, today, t)
            ]
            reasons.append(
                Reason(
                    "MAP-3",
                    "customer_slow",
                    level,
                    f"customer slow: {plural(len(slow), 'customer action')} overdue by more "
                    f"than {slow_days} days (oldest: '{slow[0].action}', {owner_of(slow[0])}, due "
                    f"{slow[0].due_date})",
                    {"overdue": [item_evidence(i, today) for i in slow]},
                    f"ask {owner_of(slow[0])} for the status of '{slow[0].action}' and a new date",
                )
            )
        elif code == "customer_not_completing":
            reasons.append(
                Reason(
                    "MAP-3",
                    "customer_not_completing",
                    level,
                    f"the customer has completed none of their {f.buyer_total} actions; "
                    f"{f.buyer_due_passed} already came due",
                    {"customer_actions": f.buyer_total, "came_due": f.buyer_due_passed},
                    "review the customer's actions with the champion on the next call",
                )
            )
        else:
            bad.append(indicator(code, level, f, t))
    return MapHealth(
        verdict=verdict_of(reasons + bad),
        has_map=True,
        last_update=last_at,
        last_update_by=actor,
        last_update_side=actor_side(actor) if actor is not None else None,
        days_since_update=days,
        seller_items=f.seller_live,
        buyer_items=f.buyer_live,
        seller_share=round(share, 3) if share is not None else None,
        overdue_customer=tuple(item_evidence(i, today) for i in f.overdue),
        pushes=f.pushed,
        days_pushed=f.pushed_days,
        dying=tuple(bad),
        healthy=healthy(f, t),
    )


STALENESS = frozenset({"map_dead", "map_stale", "map_quiet", "map_fresh"})
SIDES = frozenset(
    {
        "map_without_actions",
        "seller_only_unresponsive",
        "seller_only",
        "no_open_actions",
        "mostly_seller",
        "no_seller_actions",
        "both_sides_active",
    }
)


def _staleness(
    code: str, level: Level, days: int, at: dt.datetime, actor: str, t: Thresholds
) -> Reason:
    """MAP-3: days since the MAP last changed, by either side."""
    dead = int(setting(t, "map.dead_after_days"))
    evidence = {
        "days_since_update": days,
        "last_update": at,
        "by": actor,
        "side": actor_side(actor),
    }
    who = f"last by {actor} on {at.date()}"
    if code == "map_dead":
        return Reason(
            "MAP-3",
            code,
            level,
            f"MAP not updated for {days} days ({who}): past {dead} days the deal is dead",
            evidence,
            "qualify out, or reset the plan with the economic buyer",
        )
    if code == "map_stale":
        return Reason(
            "MAP-3",
            code,
            level,
            f"MAP not updated for {days} days ({who}): the 3-week rule says dying",
            evidence,
            "qualify out or reset: ask whether to pause, or which blocker you can remove",
        )
    if code == "map_quiet":
        return Reason(
            "MAP-3",
            code,
            level,
            f"MAP not updated for {days} days ({who})",
            evidence,
            "send the MAP update and ask for the status of a named customer action",
        )
    return Reason("MAP-3", code, level, f"MAP updated {days} days ago ({who})", evidence)


def _sides(
    code: str, level: Level, f: HealthFeatures, t: Thresholds, share: float | None
) -> Reason:
    """MAP-2 and the "both sides" part of MAP-3."""
    seller_n, buyer_n = f.seller_live, f.buyer_live
    counts = {"seller_items": seller_n, "buyer_items": buyer_n, "seller_share": share}
    if code == "map_without_actions":
        return Reason(
            "MAP-2",
            code,
            level,
            "the MAP has no actions",
            {"stage": f.stage},
            "add each side's actions with owners and dates",
        )
    if code in ("seller_only_unresponsive", "seller_only"):
        last_heard = f.customer_last_heard
        evidence = {
            "seller_items": f.items,
            "buyer_items": 0,
            "customer_last_heard": last_heard,
        }
        if code == "seller_only_unresponsive":
            heard_text = f"since {last_heard.date()}" if last_heard else "ever"
            return Reason(
                "MAP-2",
                code,
                level,
                f"only seller actions ({f.items}) and no response from the customer "
                f"{heard_text}: a demo, not a deal",
                evidence,
                "ask the champion which actions their side owns; if none, qualify out",
            )
        return Reason(
            "MAP-2",
            code,
            level,
            f"only seller actions ({f.items}): a demo, not a deal",
            evidence,
            "agree the customer's actions (owners, dates) with the champion",
        )
    live = seller_n + buyer_n
    if code == "no_open_actions":
        return Reason(
            "MAP-3",
            code,
            level,
            "neither side has an open or recent action in the MAP",
            counts,
            "extend the plan: next steps for both sides to the signature",
        )
    if code == "mostly_seller":
        assert share is not None
        limit = float(setting(t, "map.mostly_seller_share"))
        return Reason(
            "MAP-3",
            code,
            level,
            f"mostly seller actions: {seller_n} of {live} open or recent actions "
            f"are ours ({share:.0%} > {limit:.0%})",
            counts,
            "agree the customer's next actions, with owners and dates",
        )
    if code == "no_seller_actions":
        return Reason(
            "MAP-3",
            code,
            level,
            "no open or recent seller actions: the plan shows nothing we owe the buyer",
            counts,
            "add our next deliverables to the MAP",
        )
    return Reason(
        "MAP-3",
        code,
        level,
        f"both sides have open or recent actions ({seller_n} seller, {buyer_n} customer)",
        counts,
    )
