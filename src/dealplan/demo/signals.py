"""Calls, emails and QUAL-7 momentum signals of a demo deal, dated and logged by its seller.

Healthy deals collect positive signals to the end; dying ones see meetings rescheduled, a
vague "we'll get back to you", then the champion goes dark: after that only the seller's
unanswered follow-ups are logged.
"""

from __future__ import annotations

import datetime as dt

from dealplan.demo.deals import DealPlan, log
from dealplan.demo.world import World, days
from dealplan.enums import ActivityType as A
from dealplan.enums import CommitteeRole as R

POSITIVE = {
    A.INTERNAL_DOCS_SHARED: "{who} shared their internal architecture and org chart",
    A.IMPLEMENTATION_QUESTIONS: "{who} asked detailed rollout and SSO questions",
    A.REFERENCES_REQUESTED: "{who} asked for two reference customers",
    A.PROCUREMENT_TIMELINE_GIVEN: "{who} laid out the procurement steps and dates",
    A.NEXT_MEETING_SCHEDULED: "{who} booked the next working session",
}
DANGER = {
    A.MEETING_RESCHEDULED: "{who} moved the review for the second time",
    A.VAGUE_GET_BACK: "{who}: 'we'll get back to you' (no date given)",
    A.RUN_BY_NO_FOLLOWUP: "{who} wanted to 'run it by' leadership; nothing since",
    A.LATE_NEW_STAKEHOLDER: "A new VP joined the evaluation late",
    A.COMPETITOR_AFTER_WIN: "{who} mentioned a competing offer after the verbal yes",
    A.CHAMPION_DARK: "{who} has not replied for two weeks; meetings declined",
}


def _signal(w: World, d: DealPlan, day: dt.date, kind: A, role: R | None = None) -> None:
    """Log `kind` on `day` if the deal is open then, naming the account's `role` (or lead)."""
    tl = d.tl
    if day <= tl.created or day > min(w.latest(), tl.end - days(1)):
        return
    at = d.moment(w, day)
    if at.date() <= tl.created:
        return
    day = at.date()
    person = (d.account.who(role, day) if role else None) or d.lead(day)
    text = (POSITIVE.get(kind) or DANGER[kind]).format(who=person.name)
    by_buyer = kind in POSITIVE or kind in (A.VAGUE_GET_BACK, A.COMPETITOR_AFTER_WIN)
    log(w, d, at, kind, text, person, by_buyer=by_buyer)


def _in(w: World, first: dt.date, last: dt.date) -> dt.date:
    return w.between(first, max(first, last))


def emit_touches(w: World, d: DealPlan) -> None:
    """The seller's calls and emails before there is a MAP (and for deals without one)."""
    tl = d.tl
    stop = tl.map_start or min(w.latest(), tl.end - days(1))
    day = tl.created + days(w.rng.randint(3, 9))
    while day < stop:
        lead = d.lead(day)
        at = w.at(day, w.rng.randint(9, 12))
        d.moments.append(at)
        if w.chance(0.5):
            log(w, d, at, A.CALL, f"Call with {lead.name}", lead, source="call recorder")
        else:
            log(w, d, at, A.EMAIL, f"Email exchange with {lead.name}", lead, source="email")
        if tl.map_start is None and tl.closed is None:
            w.script.update(
                at,
                d.owner,
                d.k,
                next_step=f"Qualify budget with {lead.name}",
                next_step_date=day + days(w.rng.randint(5, 10)),
            )
        day += days(w.rng.randint(7, 14))


def emit_signals(w: World, d: DealPlan) -> None:
    """Momentum signals by archetype, each dated within the deal's life."""
    tl, arch = d.tl, d.archetype
    start = tl.map_start or tl.created + days(3)
    end = min(w.latest(), tl.end - days(1))
    if arch in ("healthy", "won"):
        _signal(w, d, _in(w, start, end - days(10)), A.INTERNAL_DOCS_SHARED)
        _signal(w, d, _in(w, end - days(9), end - days(1)), A.NEXT_MEETING_SCHEDULED)
        if (pv := tl.entered_on(3)) is not None:
            day = _in(w, pv + days(2), end - days(2))
            _signal(w, d, day, A.IMPLEMENTATION_QUESTIONS, R.TECHNICAL_BUYER)
        if (prop := tl.entered_on(4)) is not None:
            _signal(w, d, _in(w, prop + days(1), end - days(1)), A.REFERENCES_REQUESTED)
            day = _in(w, prop + days(2), end)
            _signal(w, d, day, A.PROCUREMENT_TIMELINE_GIVEN, R.PROCUREMENT)
    elif arch == "middling":
        if w.chance(0.6):
            _signal(w, d, _in(w, start, end), A.MEETING_RESCHEDULED)
        if w.chance(0.5):
            _signal(w, d, _in(w, start, end), A.NEXT_MEETING_SCHEDULED)
        if w.chance(0.3):
            _signal(w, d, _in(w, start, end), A.VAGUE_GET_BACK)
        if w.chance(0.25) and tl.stage >= 3:
            _signal(w, d, _in(w, start, end), A.LATE_NEW_STAKEHOLDER)
    elif arch in ("dying", "lost"):
        _dying_signals(w, d, start)


def _dying_signals(w: World, d: DealPlan, start: dt.date) -> None:
    tl = d.tl
    assert tl.cutoff is not None or tl.map_start is None
    quiet_from = tl.cutoff or max(tl.end - days(w.rng.randint(21, 35)), tl.created + days(5))
    dark = d.account.dark if d.archetype == "dying" else None
    dark = dark or quiet_from + days(w.rng.randint(0, 3))
    for _ in range(w.rng.randint(1, 2)):
        _signal(w, d, _in(w, start, quiet_from - days(2)), A.MEETING_RESCHEDULED)
    if w.chance(0.7):
        _signal(w, d, _in(w, quiet_from - days(10), quiet_from - days(1)), A.VAGUE_GET_BACK)
    if w.chance(0.5):
        _signal(w, d, _in(w, start, quiet_from - days(3)), A.RUN_BY_NO_FOLLOWUP)
    if d.archetype == "lost" and d.loss_reason and d.loss_reason.startswith("Lost to"):
        _signal(w, d, _in(w, quiet_from, tl.end - days(2)), A.COMPETITOR_AFTER_WIN)
        return
    champ = d.lead(dark)
    if d.archetype == "dying" or w.chance(0.6):
        _signal(w, d, dark + days(w.rng.randint(7, 12)), A.CHAMPION_DARK, R.CHAMPION)
    # Unanswered follow-ups: the seller keeps writing, nobody answers.
    day = max(dark, tl.created) + days(w.rng.randint(3, 6))
    stop = min(w.latest(), tl.end - days(1)) - days(w.rng.randint(4, 12))
    while day <= stop:
        log(
            w,
            d,
            w.at(day, w.rng.randint(8, 10)),
            A.EMAIL,
            f"Follow-up to {champ.name}: still on track? (no reply)",
            champ,
            source="email",
        )
        day += days(w.rng.randint(6, 12))
