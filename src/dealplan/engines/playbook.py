"""The silence playbook (MAP-5): what to send after 1, 2 and 3 weeks without a MAP update.

From gtm-enterprise-account-planning §1, "What to do":
week 1, send the MAP update and ask for the status of a specific customer action;
week 2, escalate to the champion: are we still on track for the date;
week 3, qualify out or reset: pause and reconnect later, or remove a blocker.
Each step comes with a draft message filled from the deal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dealplan.engines.facts import DealFacts, Item
from dealplan.engines.map_health import MapHealth, setting
from dealplan.methodology.thresholds import Thresholds

ACTIONS = {
    1: "status request on a named customer action",
    2: "escalate to the champion",
    3: "qualify out or reset",
}


@dataclass(frozen=True)
class PlaybookStep:
    """The step due now: 1, 2 or 3; who to write to, about which action, and the draft."""

    step: int
    days_silent: int
    to: str | None
    about: str | None
    due_date: dt.date | None
    action: str
    message: str
    rule: str = "MAP-5"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "step": self.step,
            "name": ACTIONS[self.step],
            "days_silent": self.days_silent,
            "to": self.to,
            "about": self.about,
            "due_date": self.due_date,
            "action": self.action,
            "message": self.message,
        }


def silence_step(days_silent: int | None, t: Thresholds) -> int:
    """0 when the MAP changed within a week, else the playbook step (1, 2 or 3) due.

    Step n is due once the silence is longer than `map.silence_weeks[n-1]` weeks: 8-14 days
    is week 1, 15-21 week 2, and from day 22 week 3 (in line with MAP-3's 7/21-day rule).
    """
    if days_silent is None:
        return 0
    step = 0
    for n, weeks in enumerate(setting(t, "map.silence_weeks"), start=1):
        if days_silent > 7 * int(weeks):
            step = n
    return min(step, 3)


def _first(name: str | None) -> str:
    return name.split()[0] if name else "there"


def _named_action(facts: DealFacts) -> Item | None:
    """The customer action to ask about: the most overdue open one, else the next due,
    else the customer's latest action of any status."""
    theirs = [i for i in facts.items if i.buyer_side and i.status != "cancelled"]
    open_ = [i for i in theirs if i.open]
    if open_:
        return min(open_, key=lambda i: (i.due_date is None, i.due_date or dt.date.max, i.id))
    if theirs:
        return max(theirs, key=lambda i: (i.due_date or dt.date.min, i.id))
    return None


def _champion(facts: DealFacts) -> str | None:
    people = facts.people("champion")
    return people[0].name if people else None


def _done_lately(facts: DealFacts) -> list[str]:
    """Our latest completed actions (at most three, latest first)."""
    done = [i for i in facts.items if i.seller_side and i.status == "complete"]
    done.sort(key=lambda i: (i.completed_at or dt.datetime.min, i.id), reverse=True)
    return [i.action for i in done[:3]]


def _day(d: dt.date | None) -> str:
    return f"{d:%B} {d.day}, {d.year}" if d else "the date we planned"


def playbook(facts: DealFacts, health: MapHealth, t: Thresholds) -> PlaybookStep | None:
    """The MAP-5 step due for an open deal whose MAP has been silent a week or more.

    None for closed deals, deals without a MAP and MAPs updated within the week.
    """
    if facts.outcome != "open" or not health.has_map:
        return None
    days = health.days_since_update
    step = silence_step(days, t)
    if step == 0 or days is None:
        return None
    seller = facts.owner or "the account team"
    champion = _champion(facts)
    item = _named_action(facts)
    about = item.action if item else None
    due = item.due_date if item else None
    if step == 1:
        to = (item.customer_owner if item else None) or champion
        done = _done_lately(facts)
        update = (
            f"Here's what we've completed on our plan: {'; '.join(done)}."
            if done
            else "Here's where our plan stands: our side's actions are under way."
        )
        ask = (
            f'What\'s your status on "{about}" (due {_day(due)})?'
            if about
            else "Which actions on your side should we add to the plan?"
        )
        message = f"Hi {_first(to)},\n\n{update}\n{ask}\n\n{seller}"
        action = (
            f"send the MAP update to {to or 'the customer'}: status on '{about}' (due {due})"
            if about
            else f"send the MAP update to {to or 'the customer'} and ask for their actions"
        )
        return PlaybookStep(step, days, to, about, due, action, message)
    target = facts.close_date or due
    if step == 2:
        to = champion or (item.customer_owner if item else None)
        message = (
            f"Hi {_first(to)},\n\nI haven't heard back on the MAP. Are we still on track for "
            f"{_day(target)}? If priorities shifted, let me know.\n\n{seller}"
        )
        action = f"escalate to the champion {to or '(none named)'}: still on track for {target}?"
        return PlaybookStep(step, days, to, about, due, action, message)
    to = champion or (item.customer_owner if item else None)
    reconnect = facts.today + dt.timedelta(days=int(setting(t, "map.reconnect_days")))
    months = round(int(setting(t, "map.reconnect_days")) / 30)
    context = ""
    if facts.close_date is not None:
        context = f"We were planning to sign by {_day(facts.close_date)}"
        context += f', and "{about}" (due {_day(due)}) is still open. ' if about else ". "
    message = (
        f"Hi {_first(to)},\n\n{context}It seems like timing might not be right. Should we "
        f"pause and reconnect in {months} months (around {reconnect:%B %Y}), or is there a "
        f"blocker I can help with?\n\n{seller}"
    )
    action = (
        f"qualify out or reset with {to or 'the customer'}: pause until {reconnect:%B %Y}, "
        "or remove the blocker"
    )
    return PlaybookStep(step, days, to, about, due, action, message)
