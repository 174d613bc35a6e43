"""The closing plan (MAP-6): the seller's steps from a deal's current stage to close, dated.

A closing plan is the seller's internal project plan (seed closing-plan-vs-mutual-action-plan):
one step per stage still ahead, worked to that stage's exit criteria, with a first target date
from how long deals in this workspace spend in each stage (average, and the slower P80 pace).
Once a champion and the economic buyer are identified it becomes a MAP shared with the buyer:
the seller's steps become shared items and the buyer's own steps are added (`map_draft`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dealplan.engines.facts import DealFacts, Person
from dealplan.engines.stage_time import StageTime
from dealplan.engines.verdict import Level, Reason, Verdict
from dealplan.methodology import Stage, StageModel
from dealplan.methodology.thresholds import Thresholds

RULE = "MAP-6"


class NotPlannableError(ValueError):
    """The deal has no steps left to plan: it is closed, or its stage is not in the model."""


@dataclass(frozen=True)
class Step:
    """One seller step: work a stage to its exit criteria by `target` (P80 pace: `target_p80`).

    `days` and `days_p80` are the days left in the stage from `start`; `norm` is the stage's
    time in days as learnt (or defaulted), with `source` "history" or "default" and `deals`
    the closed deals it rests on. `elapsed` is the days the deal has been in the stage already
    (0 for stages ahead).
    """

    stage: str
    action: str
    exit: str
    owner: str | None
    start: dt.date
    days: int
    days_p80: int
    target: dt.date
    target_p80: dt.date
    norm: float
    norm_p80: float
    source: str
    deals: int
    elapsed: int = 0
    current: bool = False
    checklist: tuple[str, ...] = ()

    @property
    def overdue(self) -> bool:
        """True when the deal has been in this (current) stage longer than its average."""
        return self.current and self.elapsed > self.norm

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "action": self.action,
            "exit": self.exit,
            "owner": self.owner,
            "start": self.start,
            "days": self.days,
            "days_p80": self.days_p80,
            "target": self.target,
            "target_p80": self.target_p80,
            "norm_days": round(self.norm, 1),
            "norm_days_p80": round(self.norm_p80, 1),
            "source": self.source,
            "history_deals": self.deals,
            "elapsed_days": self.elapsed,
            "current": self.current,
            "checklist": list(self.checklist),
        }


@dataclass(frozen=True)
class ClosingPlan:
    """The steps, the projected close (average and P80 pace) against the deal's close date."""

    deal_id: int
    deal: str
    stage: str
    as_of: dt.date
    steps: tuple[Step, ...]
    close_date: dt.date | None
    projected_close: dt.date
    projected_close_p80: dt.date
    verdict: Verdict
    map_ready: bool
    map_blockers: tuple[str, ...]
    champion: str | None
    economic_buyer: str | None

    @property
    def can_make_close_date(self) -> bool:
        return self.close_date is not None and self.close_date >= self.projected_close

    @property
    def sources(self) -> dict[str, int]:
        """How many steps use history and how many the methodology defaults."""
        out = {"history": 0, "default": 0}
        for s in self.steps:
            out[s.source] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "deal_id": self.deal_id,
            "deal": self.deal,
            "stage": self.stage,
            "as_of": self.as_of,
            "close_date": self.close_date,
            "projected_close": self.projected_close,
            "projected_close_p80": self.projected_close_p80,
            "can_make_close_date": self.can_make_close_date,
            "sources": self.sources,
            "steps": [s.as_dict() for s in self.steps],
            "verdict": self.verdict.as_dict(),
            "map_ready": self.map_ready,
            "map_blockers": list(self.map_blockers),
            "champion": self.champion,
            "economic_buyer": self.economic_buyer,
        }


def remaining_stages(model: StageModel, stage: str) -> list[Stage]:
    """The open stages of `model` from `stage` on; NotPlannableError when `stage` is not open."""
    current = model.stage(stage)
    if current is None:
        raise NotPlannableError(
            f"stage {stage!r} is not a stage of the {model.name} model ({', '.join(model.names)})"
        )
    if current.outcome != "open":
        raise NotPlannableError(f"the deal is {current.name}: there is nothing left to plan")
    return [s for s in model.open_stages if s.order >= current.order]


def _action(stage: Stage) -> str:
    what = stage.activities or stage.entry or "work to the exit criteria"
    if what[1:2].islower():  # "Pricing" -> "pricing", but "POC" stays
        what = what[:1].lower() + what[1:]
    return f"{stage.name}: {what}"


def _days(value: float) -> int:
    return max(0, math.ceil(value - 1e-9))


def _first(people: Sequence[Person]) -> str | None:
    return people[0].name if people else None


def closing_plan(
    facts: DealFacts,
    model: StageModel,
    times: Mapping[str, StageTime],
    t: Thresholds,
) -> ClosingPlan:
    """The closing plan of an open deal as of `facts.as_of`.

    `times` is `stage_times(...)` over the workspace's closed deals. The current stage gets
    the time left of its norm (none when the deal is already over it: the step is due now and
    flagged); each later stage its full norm. Raises NotPlannableError for a closed deal or a
    stage the model does not have.
    """
    stages = remaining_stages(model, facts.stage)
    today = facts.today
    entered = facts.stage_entered_at
    elapsed = max(0, (facts.as_of - entered).days) if entered else 0
    steps: list[Step] = []
    start = start_p80 = today
    for i, stage in enumerate(stages):
        norm = times.get(stage.name)
        avg = norm.average if norm else 0.0
        p80 = norm.p80 if norm else 0.0
        spent = elapsed if i == 0 else 0
        days, days_p80 = _days(avg - spent), _days(p80 - spent)
        target = start + dt.timedelta(days=days)
        target_p80 = start_p80 + dt.timedelta(days=days_p80)
        steps.append(
            Step(
                stage=stage.name,
                action=_action(stage),
                exit=stage.exit,
                owner=facts.owner,
                start=start,
                days=days,
                days_p80=days_p80,
                target=target,
                target_p80=target_p80,
                norm=avg,
                norm_p80=p80,
                source=norm.source if norm else "default",
                deals=norm.deals if norm else 0,
                elapsed=spent,
                current=i == 0,
                checklist=stage.checklist,
            )
        )
        start, start_p80 = target, target_p80
    projected, projected_p80 = steps[-1].target, steps[-1].target_p80
    champion = _first(facts.people("champion"))
    eb = _first(facts.people("economic_buyer"))
    blockers = []
    if champion is None:
        blockers.append("no champion identified in the buying committee")
    if eb is None:
        blockers.append("no economic buyer identified in the buying committee")
    reasons = _close_reasons(facts, steps, projected, projected_p80, t)
    return ClosingPlan(
        deal_id=facts.id,
        deal=facts.name,
        stage=facts.stage,
        as_of=today,
        steps=tuple(steps),
        close_date=facts.close_date,
        projected_close=projected,
        projected_close_p80=projected_p80,
        verdict=Verdict.of(reasons),
        map_ready=not blockers,
        map_blockers=tuple(blockers),
        champion=champion,
        economic_buyer=eb,
    )


def _close_reasons(
    facts: DealFacts,
    steps: list[Step],
    projected: dt.date,
    projected_p80: dt.date,
    t: Thresholds,
) -> list[Reason]:
    reasons: list[Reason] = []
    current = steps[0]
    if current.overdue:
        reasons.append(
            Reason(
                RULE,
                "stage_over_norm",
                Level.YELLOW,
                f"{current.elapsed} days in {current.stage}, over its average of "
                f"{current.norm:.0f} days ({current.source}): its exit is due now",
                {"stage": current.stage, "elapsed": current.elapsed, "norm": current.norm},
                f"get to '{current.exit}' this week, or say what blocks it",
            )
        )
    evidence: dict[str, Any] = {
        "close_date": facts.close_date,
        "projected_close": projected,
        "projected_close_p80": projected_p80,
        "history_min_deals": t.get("closing.min_history_deals"),
    }
    close = facts.close_date
    if close is None:
        reasons.append(
            Reason(
                RULE,
                "no_close_date",
                Level.YELLOW,
                f"no close date: at the average pace the plan closes on {projected.isoformat()}",
                evidence,
                f"agree a close date with the champion; the plan supports {projected.isoformat()}",
            )
        )
    elif close < projected:
        short = (projected - close).days
        reasons.append(
            Reason(
                RULE,
                "cannot_make_close_date",
                Level.RED,
                f"the plan cannot make the close date {close.isoformat()}: at the average pace "
                f"it closes on {projected.isoformat()}, {short} days later",
                evidence | {"days_short": short},
                "move the close date, or find the stage that can go faster and agree it "
                "with the buyer",
            )
        )
    elif close < projected_p80:
        reasons.append(
            Reason(
                RULE,
                "close_date_tight",
                Level.YELLOW,
                f"the close date {close.isoformat()} holds only at the average pace; at the "
                f"P80 pace the plan closes on {projected_p80.isoformat()}",
                evidence,
                "watch each step's target date; any slip moves the close",
            )
        )
    return reasons


@dataclass(frozen=True)
class DraftMilestone:
    name: str
    due_date: dt.date
    stage: str


@dataclass(frozen=True)
class DraftItem:
    """A MAP item to create: `milestone` names its DraftMilestone."""

    action: str
    side: str
    milestone: str
    due_date: dt.date
    seller_owner: str | None
    customer_owner: str | None
    notes: str


@dataclass(frozen=True)
class MapDraft:
    """Milestones and items to create; `already` pairs each step left out with the item
    already in the MAP that covers it."""

    milestones: tuple[DraftMilestone, ...]
    items: tuple[DraftItem, ...]
    already: tuple[tuple[str, str], ...] = ()


def milestone_name(step: Step) -> str:
    """The buyer-facing milestone of a stage: its exit criteria, else the stage name."""
    return step.exit or step.stage


def _covered(item: DraftItem, terms: Sequence[str], existing: Sequence[str]) -> str | None:
    """The existing action that already covers `item`: the same action, else (for a buyer
    step) one naming any of its `same_as` terms; case is ignored."""
    same = next((a for a in existing if a.casefold() == item.action.casefold()), None)
    if same is not None or not terms:
        return same
    low = [t.casefold() for t in terms]
    return next((a for a in existing if any(t in a.casefold() for t in low)), None)


def map_draft(
    plan: ClosingPlan,
    committee: Sequence[Person],
    t: Thresholds,
    existing: Sequence[str] = (),
) -> MapDraft:
    """The MAP a closing plan becomes: one milestone per step, the seller's step as a shared
    item (side "both", the champion as customer owner), and the buyer steps of
    `closing.buyer_steps` due at the end of the stage they are anchored to.

    Steps the MAP already has (`existing`: its item actions) are left out and listed in
    `already`, so converting twice adds nothing; a milestone is drafted only when an item
    goes into it. Raises ValueError when the plan is not ready (no champion or no EB).
    """
    if not plan.map_ready:
        raise ValueError("; ".join(plan.map_blockers))
    candidates: list[tuple[DraftItem, Sequence[str]]] = [
        (
            DraftItem(
                action=s.action,
                side="both",
                milestone=milestone_name(s),
                due_date=s.target,
                seller_owner=s.owner,
                customer_owner=plan.champion,
                notes=f"From the closing plan: done when {s.exit or 'the stage is complete'}",
            ),
            (),
        )
        for s in plan.steps
    ]
    by_role: dict[str, str] = {}
    for p in committee:
        if p.role and p.role not in by_role:
            by_role[p.role] = p.name
    last = len(plan.steps) - 1
    for spec in t.get("closing.buyer_steps"):
        back = int(spec.get("stage_from_close", 0))
        index = 0 if back < 0 else max(0, last - back)
        step = plan.steps[index]
        owner = by_role.get(str(spec.get("role", ""))) or plan.champion
        item = DraftItem(
            action=str(spec["action"]),
            side="buyer",
            milestone=milestone_name(step),
            due_date=step.target,
            seller_owner=None,
            customer_owner=owner,
            notes=f"Buyer step added with the closing plan ({spec.get('role', 'buyer')})",
        )
        candidates.append((item, [str(x) for x in spec.get("same_as", ())]))
    items: list[DraftItem] = []
    already: list[tuple[str, str]] = []
    for item, terms in candidates:
        found = _covered(item, terms, existing)
        if found is None:
            items.append(item)
        else:
            already.append((item.action, found))
    used = {i.milestone for i in items}
    milestones = tuple(
        DraftMilestone(milestone_name(s), s.target, s.stage)
        for s in plan.steps
        if milestone_name(s) in used
    )
    return MapDraft(milestones, tuple(items), tuple(already))
