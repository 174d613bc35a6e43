"""MEDDPICC elements (ACC-4) moving from unknown to assumed to validated, and risks (ACC-5)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dealplan.demo import names
from dealplan.demo.accounts import Person
from dealplan.demo.texts import DECISION_CRITERIA, EVIDENCE, RISKS
from dealplan.demo.world import World, days
from dealplan.enums import CommitteeRole as R
from dealplan.enums import Element

if TYPE_CHECKING:
    from dealplan.demo.deals import DealPlan

# (stage entered when it becomes assumed, stage entered when validated); None: never.
# A deal created in a later stage starts with the element already assumed.
Schedule = dict[Element, tuple[int | None, int | None]]
NORMAL: Schedule = {
    Element.IDENTIFIED_PAIN: (0, 2),
    Element.METRICS: (1, 3),
    Element.CHAMPION: (1, 2),
    Element.ECONOMIC_BUYER: (1, None),  # validated when the EB is met: see eb_meeting_day
    Element.DECISION_CRITERIA: (2, 3),
    Element.DECISION_PROCESS: (1, 4),
    Element.PAPER_PROCESS: (3, 5),
    Element.COMPETITION: (1, 2),
}
# Who confirms each element, first known wins; the champion otherwise.
VALIDATORS: dict[Element, tuple[R, ...]] = {
    Element.IDENTIFIED_PAIN: (R.USER_BUYER, R.CHAMPION),
    Element.METRICS: (R.ECONOMIC_BUYER,),
    Element.CHAMPION: (R.COACH, R.TECHNICAL_BUYER),
    Element.ECONOMIC_BUYER: (R.ECONOMIC_BUYER,),
    Element.DECISION_CRITERIA: (R.TECHNICAL_BUYER,),
    Element.DECISION_PROCESS: (R.CHAMPION,),
    Element.PAPER_PROCESS: (R.PROCUREMENT, R.LEGAL),
    Element.COMPETITION: (R.COACH, R.CHAMPION),
}


def schedule(w: World, d: DealPlan) -> Schedule:
    """When each element is learnt, by the deal's archetype."""
    arch = d.archetype
    if arch in ("healthy", "won"):
        return dict(NORMAL)
    if arch == "middling":
        # Happy ears: the decision process stays an assumption, others often do too.
        learnt: Schedule = {e: (a, v if w.chance(0.6) else None) for e, (a, v) in NORMAL.items()}
        learnt[Element.DECISION_PROCESS] = (1, None)
        return learnt
    if arch == "new":
        return {e: (0, None) if e == Element.IDENTIFIED_PAIN else (None, None) for e in Element}
    # dying and lost: the economic buyer is never met, the champion never confirmed
    out: Schedule = {
        Element.IDENTIFIED_PAIN: (0, 2 if w.chance(0.5) else None),
        Element.METRICS: (1, None),
        Element.CHAMPION: (1, None),
        Element.ECONOMIC_BUYER: (None, None),
        Element.DECISION_CRITERIA: (2, None),
        Element.DECISION_PROCESS: (2 if w.chance(0.5) else None, None),
        Element.PAPER_PROCESS: (None, None),
        Element.COMPETITION: (1 if w.chance(0.6) else None, None),
    }
    if arch == "lost":
        if w.chance(0.5):
            out[Element.ECONOMIC_BUYER] = (2, None)
        if d.loss_reason and d.loss_reason.startswith("Lost to"):
            out[Element.COMPETITION] = (1, 2)
    return out


def eb_meeting_day(w: World, d: DealPlan) -> dt.date | None:
    """The day the seller meets the economic buyer (QUAL-3), or None if they never do."""
    tl = d.tl
    if d.account.who(R.ECONOMIC_BUYER, w.latest()) is None:
        return None
    if d.archetype in ("healthy", "won"):
        base = tl.entered_on(2) or tl.entered_on(1) or tl.created
        last = (tl.closed or w.today) - days(4)
        return max(min(base + days(w.rng.randint(3, 15)), last), tl.created + days(2))
    if d.archetype == "middling" and w.chance(0.45) and tl.stage >= 2:
        day = (tl.entered_on(2) or tl.created) + days(w.rng.randint(5, 20))
        return min(day, w.latest() - days(3))
    return None


def value(w: World, d: DealPlan, e: Element, day: dt.date) -> str:
    """What the seller has written down for element `e`."""
    acc = d.account
    champ = acc.who(R.CHAMPION, day)
    eb = acc.who(R.ECONOMIC_BUYER, day)
    legal = acc.who(R.LEGAL, day) or acc.who(R.PROCUREMENT, day)
    if e == Element.IDENTIFIED_PAIN:
        return names.PRODUCT_PAIN[d.product].format(n=w.rng.randint(2, 6))
    if e == Element.METRICS:
        return names.PRODUCT_METRIC[d.product].format(
            a=w.rng.randint(2, 6), b=1, m=round(w.rng.uniform(0.4, 4.0), 1)
        )
    if e == Element.ECONOMIC_BUYER:
        return f"{eb.name}, {eb.title}" if eb else "Probably the CIO (not confirmed)"
    if e == Element.DECISION_CRITERIA:
        return ", ".join(w.rng.sample(DECISION_CRITERIA, 3))
    if e == Element.DECISION_PROCESS:
        budget = eb.name if eb else "the budget owner"
        who = champ.name if champ else "the team"
        return f"Evaluation led by {who}; security review; business case to {budget}; steering"
    if e == Element.PAPER_PROCESS:
        by = legal.name if legal else "their legal team"
        return f"Order form on our paper; DPA review by {by}; PO in {w.rng.randint(3, 6)} weeks"
    if e == Element.CHAMPION:
        return f"{champ.name}, {champ.title}" if champ else "Not yet clear"
    if d.competitor is None:
        return "No other vendor named; the status quo"
    return f"{d.competitor[0]} ({d.competitor[1]})"


def validator(d: DealPlan, e: Element, day: dt.date) -> Person | None:
    acc = d.account
    for role in VALIDATORS[e]:
        p = acc.who(role, day)
        if p is not None:
            return p
    return acc.who(R.CHAMPION, day)


def evidence(w: World, status: str, who: Person | None) -> str:
    text = w.pick(EVIDENCE[status])
    return text.format(who=who.name if who else "the champion")


def risk_kinds(w: World, arch: str) -> list[str]:
    """Which risks the seller logs for a deal of archetype `arch`."""
    if arch == "dying" or (arch == "lost" and w.chance(0.8)):
        return ["eb", *w.rng.sample(["budget", "champion", "competitor"], w.rng.randint(1, 2))]
    if arch in ("healthy", "won") and w.chance(0.6):
        return w.rng.sample(["security", "legal", "competitor"], w.rng.randint(1, 2))
    if arch == "middling" and w.chance(0.6):
        return w.rng.sample(list(RISKS), w.rng.randint(1, 2))
    return []


def risk_values(w: World, d: DealPlan, kind: str, responsible: str) -> dict[str, object]:
    issue, mitigation, help_needed = RISKS[kind]
    rival = d.competitor[0] if d.competitor else "A competitor"
    return {
        "issue": issue.format(competitor=rival),
        "mitigation": mitigation,
        "help_needed": help_needed,
        "responsible": responsible,
        "status": "open",
    }
