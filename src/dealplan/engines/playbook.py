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

from dealplan.engines.facts import DealFacts
from dealplan.engines.health_common import setting
from dealplan.engines.health_features import HealthFeatures, features_of
from dealplan.engines.map_health import MapHealth
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


# English month names, as `%B` gives them (a lookup: strftime is slow over many deals).
MONTHS = tuple(dt.date(2000, m, 1).strftime("%B") for m in range(1, 13))


def _day(d: dt.date | None) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}" if d else "the date we planned"


def playbook(facts: DealFacts, health: MapHealth, t: Thresholds) -> PlaybookStep | None:
    """The MAP-5 step due for `facts` (see `playbook_of`)."""
    return playbook_of(features_of(facts, t), health, t)


def playbook_of(f: HealthFeatures, health: MapHealth, t: Thresholds) -> PlaybookStep | None:
    """The MAP-5 step due for an open deal whose MAP has been silent a week or more.

    None for closed deals, deals without a MAP and MAPs updated within the week.
    """
    if f.outcome != "open" or not health.has_map:
        return None
    days = health.days_since_update
    step = silence_step(days, t)
    if step == 0 or days is None:
        return None
    seller = f.owner or "the account team"
    champion = f.champion_name
    item = f.named_action
    about = item.action if item else None
    due = item.due_date if item else None
    if step == 1:
        to = (item.owner if item else None) or champion
        done = f.done_lately
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
    target = f.close_date or due
    if step == 2:
        to = champion or (item.owner if item else None)
        message = (
            f"Hi {_first(to)},\n\nI haven't heard back on the MAP. Are we still on track for "
            f"{_day(target)}? If priorities shifted, let me know.\n\n{seller}"
        )
        action = f"escalate to the champion {to or '(none named)'}: still on track for {target}?"
        return PlaybookStep(step, days, to, about, due, action, message)
    to = champion or (item.owner if item else None)
    reconnect = f.today + dt.timedelta(days=int(setting(t, "map.reconnect_days")))
    months = round(int(setting(t, "map.reconnect_days")) / 30)
    context = ""
    if f.close_date is not None:
        context = f"We were planning to sign by {_day(f.close_date)}"
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
