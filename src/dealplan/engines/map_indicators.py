"""MAP-4: the dying-deal and healthy-deal indicators, over a deal's `HealthFeatures`.

Dying (gtm-enterprise-account-planning §1): customer tasks pending for weeks, every due date
in the past, dates pushed out, no new stakeholders. Healthy: the customer adds actions of
their own, dates move up, new stakeholders appear. Each comes with its evidence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dealplan.engines import health_decide as decide
from dealplan.engines.health_common import plural, setting
from dealplan.engines.health_features import HealthFeatures, ItemRef
from dealplan.engines.verdict import Level, Reason
from dealplan.methodology.thresholds import Thresholds


def owner_of(item: ItemRef) -> str:
    """Who owes the item, for sentences: its owner, else the customer."""
    return item.owner or "the customer"


def item_evidence(item: ItemRef, today: dt.date) -> dict[str, Any]:
    """The item as evidence: what, who, when due, its status and days overdue."""
    return {
        "action": item.action,
        "owner": item.owner,
        "due_date": item.due_date,
        "status": item.status,
        "days_overdue": (today - item.due_date).days if item.due_date else None,
    }


def _evidence(item: ItemRef, today: dt.date) -> dict[str, Any]:
    return {**item_evidence(item, today), "unchanged_since": item.last_change}


def dying_codes(f: HealthFeatures, t: Thresholds) -> list[decide.Code]:
    """The MAP-4 dying indicators the deal `f` shows, decided by `health_decide.dying`.

    A customer task is "pending for weeks" when it came due more than `map.pending_weeks`
    weeks ago and nobody has touched it since it came due.
    """
    return decide.dying(
        len(f.pending),
        decide.all_dates_past(f.latest_due, f.today),
        f.pushed,
        decide.no_new_stakeholders(f.first_map_event, len(f.new_people), f.as_of, t),
        t,
    )


def dying(f: HealthFeatures, t: Thresholds) -> tuple[Reason, ...]:
    """MAP-4 dying-deal indicators, each with its evidence."""
    return tuple(indicator(code, level, f, t) for code, level in dying_codes(f, t))


def indicator(code: str, level: Level, f: HealthFeatures, t: Thresholds) -> Reason:
    """The reason for the MAP-4 dying indicator `code` of the deal `f`."""
    if code == "customer_tasks_pending":
        weeks = int(setting(t, "map.pending_weeks"))
        pending = f.pending
        first = pending[0]
        return Reason(
            "MAP-4",
            code,
            level,
            f"{plural(len(pending), 'customer task')} pending for {weeks}+ weeks past "
            f"due (e.g. '{first.action}', {owner_of(first)}, due {first.due_date})",
            {"pending": [_evidence(i, f.today) for i in pending]},
            f"ask {owner_of(first)} what blocks '{first.action}'",
        )
    if code == "all_dates_past":
        return Reason(
            "MAP-4",
            code,
            level,
            f"every MAP due date is in the past (latest {f.latest_due})",
            {"latest_due": f.latest_due, "items": f.dated},
            "re-plan with the buyer: new dates up to the signature",
        )
    if code == "dates_pushed":
        return Reason(
            "MAP-4",
            code,
            level,
            f"MAP dates pushed out {plural(f.pushed, 'time')}, {f.pushed_days} days in total",
            {"pushes": f.pushed, "days": f.pushed_days},
            "ask what changed on their side each time a date moved",
        )
    days = int(setting(t, "map.new_stakeholder_days"))
    return Reason(
        "MAP-4",
        code,
        level,
        f"no new stakeholder in the MAP or the committee for {days} days",
        {"days": days},
        "ask the champion who else must sign off, and bring them into the plan",
    )


def healthy(f: HealthFeatures, t: Thresholds) -> tuple[Reason, ...]:
    """MAP-4 healthy-deal indicators (green reasons)."""
    out: list[Reason] = []
    days = int(setting(t, "map.new_stakeholder_days"))
    if f.buyer_added:
        out.append(
            Reason(
                "MAP-4",
                "customer_adds_items",
                Level.GREEN,
                f"the customer added {plural(len(f.buyer_added), 'action')} of their own "
                f"({f.buyer_added_recent} in the last {days} days)",
                {"added": list(f.buyer_added), "recent": f.buyer_added_recent},
            )
        )
    if f.pulled:
        out.append(
            Reason(
                "MAP-4",
                "dates_moved_up",
                Level.GREEN,
                f"MAP dates moved up {plural(f.pulled, 'time')} ({f.pulled_days} days sooner)",
                {"moves": f.pulled, "days": f.pulled_days},
            )
        )
    if f.new_people:
        out.append(
            Reason(
                "MAP-4",
                "new_stakeholders",
                Level.GREEN,
                f"new stakeholders in the last {days} days: {', '.join(f.new_people)}",
                {"names": list(f.new_people)},
            )
        )
    return tuple(out)
