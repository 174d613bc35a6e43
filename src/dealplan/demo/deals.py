"""A demo deal's own life: created, moved through the stages, re-dated, re-priced, closed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dealplan.demo import names
from dealplan.demo.accounts import AccountPlan, Person, Team
from dealplan.demo.qualification import (
    eb_meeting_day,
    evidence,
    risk_kinds,
    risk_values,
    schedule,
    validator,
    value,
)
from dealplan.demo.script import Key
from dealplan.demo.timeline import LOST_STAGE, STAGES, WON_STAGE, Timeline
from dealplan.demo.world import World, days, money
from dealplan.enums import ActivityType as A
from dealplan.enums import CommitteeRole as R
from dealplan.enums import Element
from dealplan.enums import ElementStatus as S

AMOUNT = {
    "Mid-Market": (10_000, 70_000),
    "Enterprise": (35_000, 220_000),
    "Strategic": (120_000, 450_000),
}
LOWEST, HIGHEST = 10_000, 500_000


def _priced(amount: float, step: int) -> float:
    """A re-priced deal stays within the demo's $10K-$500K range."""
    return min(HIGHEST, max(LOWEST, money(amount, step)))


@dataclass
class DealPlan:
    n: int
    archetype: str
    account: AccountPlan
    tl: Timeline
    product: str
    amount: float
    competitor: tuple[str, str] | None
    source: str
    name: str
    loss_reason: str | None = None
    key: Key | None = None
    elements: dict[Element, Key] = field(default_factory=dict)
    status: dict[Element, str] = field(default_factory=dict)
    final_amount: float = 0.0
    close_at: dt.datetime | None = None
    stage_at: dict[int, dt.datetime] = field(default_factory=dict)
    same_day: int = 0  # how many deals were created earlier on the same day
    # When the seller worked the deal; later notes are logged at these moments (one flush).
    moments: list[dt.datetime] = field(default_factory=list)

    @property
    def owner(self) -> str:
        return self.account.owner

    @property
    def k(self) -> Key:
        assert self.key is not None
        return self.key

    def lead(self, day: dt.date) -> Person:
        return self.account.lead(day)

    def moment(self, w: World, day: dt.date, within: int = 3) -> dt.datetime:
        """The seller's latest moment on the deal in the `within` days up to `day`, else new."""
        first = day - days(within)
        near = [m for m in self.moments if first <= m.date() <= day]
        return max(near) if near else w.at(day, w.rng.randint(12, 17))


def plan_deal(
    w: World, n: int, archetype: str, acc: AccountPlan, tl: Timeline, taken: set[str]
) -> DealPlan:
    """The facts of deal number `n` in account `acc`, with a name unique in the account."""
    product = w.pick(names.PRODUCTS)
    low, high = AMOUNT[acc.segment]
    amount = money(w.rng.uniform(low, high), 1000 if high > 100_000 else 500)
    competitor = w.pick(names.COMPETITORS) if w.chance(0.75) else None
    while True:
        name = f"{acc.name} — {product} ({w.pick(names.DIVISIONS)})"
        if name not in taken:
            taken.add(name)
            break
        product = w.pick(names.PRODUCTS)
    source = "Expansion" if acc.customer and w.chance(0.6) else w.pick(names.SOURCES)
    loss = None
    if tl.outcome == "lost":
        if competitor is not None and competitor[1] in ("direct", "incumbent") and w.chance(0.5):
            loss = f"Lost to {competitor[0]}"
        else:
            loss = w.pick(names.LOSS_REASONS)
    return DealPlan(n, archetype, acc, tl, product, amount, competitor, source, name, loss)


def log(
    w: World,
    d: DealPlan,
    at: dt.datetime,
    kind: A,
    summary: str,
    contact: Person | None = None,
    *,
    by_buyer: bool = False,
    source: str = "seller note",
) -> None:
    """The seller logs an activity or signal on the deal; the deal's last activity moves."""
    w.script.create(
        at,
        d.owner,
        "activity",
        deal_id=d.k,
        account_id=d.account.key,
        contact_id=contact.key if contact else None,
        type=kind.value,
        occurred_at=at,
        source=source,
        summary=summary,
        actor=contact.name if by_buyer and contact else d.owner,
    )
    w.script.update(at, d.owner, d.k, last_activity_date=at.date())


def _forecast(d: DealPlan, stage: int, w: World) -> str:
    if stage <= 2:
        return "pipeline"
    if stage == 3:
        return "best_case" if d.archetype in ("healthy", "won") else "pipeline"
    if d.archetype == "dying" and w.chance(0.25):
        return "commit"  # forecast fantasy (QUAL-8): committed without the EB met
    return "best_case"


def emit_deal(w: World, team: Team, d: DealPlan) -> None:
    """The deal's creation, stage entries with their MEDDPICC progress, re-pricing, forecast.

    Close-date pushes and risks are planned later (`emit_close_dates`, `emit_risks`), once the
    MAP has given the seller regular moments on the deal to log them at.
    """
    tl, acc = d.tl, d.account
    sched = schedule(w, d)
    first_stage = tl.entered[0][0]
    # Deals created on the same day are created in the order of their numbers, so that
    # OPP-0001 is also the first id.
    at = dt.datetime.combine(tl.created, dt.time(9)) + dt.timedelta(minutes=d.same_day)
    d.moments.append(at)
    lead = d.lead(tl.created)
    d.key = w.script.create(
        at,
        d.owner,
        "deal",
        external_id=f"OPP-{d.n:04d}",
        name=d.name,
        account_id=acc.key,
        owner=d.owner,
        stage=STAGES[first_stage],
        amount=d.amount,
        currency="USD",
        close_date=tl.close_dates[0][1],
        forecast_category="pipeline",
        next_step=f"Discovery call with {lead.name}",
        next_step_date=tl.created + days(w.rng.randint(3, 7)),
        competitor=d.competitor[0] if d.competitor else None,
        source=d.source,
        type="Expansion" if d.source == "Expansion" else "New Business",
        industry=acc.industry,
        segment=acc.segment,
        product=d.product,
        created_date=tl.created,
        stage_date=tl.created,
        outcome="open",
        last_activity_date=tl.created,
        problem=value(w, d, Element.IDENTIFIED_PAIN, tl.created),
        solution=f"{names.VENDOR} {d.product}, rolled out team by team",
    )
    for e in Element:
        a, _ = sched[e]
        assumed = a is not None and a <= first_stage
        d.status[e] = S.ASSUMED if assumed else S.UNKNOWN
        d.elements[e] = w.script.create(
            at,
            d.owner,
            "meddpicc",
            deal_id=d.k,
            element=e.value,
            value=value(w, d, e, tl.created) if assumed else None,
            evidence=evidence(w, "assumed", None) if assumed else None,
            status=d.status[e],
        )
    first_touch = {
        "Outbound": (A.CALL, "Cold call connected with {who}"),
        "Inbound": (A.EMAIL, "Inbound request from {who} after the webinar"),
        "Event": (A.MEETING, "Met {who} at the {vendor} booth"),
        "Partner": (A.NOTE, "Partner introduced {who}"),
        "Referral": (A.EMAIL, "Referred to {who} by an existing customer"),
        "Expansion": (A.MEETING, "Expansion idea raised by {who} in the QBR"),
    }[d.source]
    summary = first_touch[1].format(who=lead.name, vendor=names.VENDOR)
    log(w, d, at, first_touch[0], summary, lead)
    eb_day = eb_meeting_day(w, d)
    moments = [(day, "stage", s) for s, day in tl.entered[1:]]
    if eb_day is not None:
        moments.append((eb_day, "eb", 0))
    for day, what, s in sorted(moments):
        if what == "stage":
            _enter_stage(w, d, s, day, sched)
        else:
            _meet_eb(w, d, day)
    if tl.closed is not None:
        d.close_at = w.at(tl.closed, 15)
    _amount(w, d)
    if 5 in dict(tl.entered) and d.archetype in ("healthy", "won"):
        day = dict(tl.entered)[5] + days(w.rng.randint(1, 4))
        if day <= min(w.latest(), (tl.closed or w.today) - days(1)):
            # The manager commits it on the forecast call.
            w.script.update(w.at(day, 11), team.manager, d.k, forecast_category="commit")


def _set_element(w: World, d: DealPlan, at: dt.datetime, e: Element, status: S) -> None:
    day = at.date()
    values: dict[str, object] = {"status": status.value}
    if d.status[e] == S.UNKNOWN:
        values["value"] = value(w, d, e, day)
    if status == S.VALIDATED:
        who = validator(d, e, day)
        values |= {
            "evidence": evidence(w, "validated", who),
            "validated_by_id": who.key if who else None,
            "validated_on": day,
        }
    else:
        values["evidence"] = evidence(w, "assumed", None)
    d.status[e] = status
    w.script.update(at, d.owner, d.elements[e], **values)


STAGE_ACTIVITY = {
    1: (A.MEETING, "Discovery call with {lead}"),
    2: (A.DEMO, "Demo for {lead} and team"),
    3: (A.MEETING, "Proof-of-concept kick-off with {lead}"),
    4: (A.PROPOSAL, "Proposal sent to {lead}"),
    5: (A.LEGAL_REVIEW_STARTED, "Legal review of the MSA started"),
}


def _enter_stage(
    w: World, d: DealPlan, s: int, day: dt.date, sched: dict[Element, tuple[int | None, int | None]]
) -> None:
    at = w.at(day, 10)
    d.moments.append(at)
    d.stage_at[s] = at
    w.script.update(
        at, d.owner, d.k, stage=STAGES[s], stage_date=day, forecast_category=_forecast(d, s, w)
    )
    for e in Element:
        a, v = sched[e]
        if v is not None and v <= s and d.status[e] != S.VALIDATED:
            _set_element(w, d, at, e, S.VALIDATED)
        elif a is not None and a <= s and d.status[e] == S.UNKNOWN:
            _set_element(w, d, at, e, S.ASSUMED)
    if d.status[Element.DECISION_PROCESS] != S.UNKNOWN and s == 2:
        w.script.update(at, d.owner, d.k, buying_process=value(w, d, Element.DECISION_PROCESS, day))
    kind, text = STAGE_ACTIVITY[s]
    lead = d.lead(day)
    log(w, d, at, kind, text.format(lead=lead.name), lead, source="calendar")


def _meet_eb(w: World, d: DealPlan, day: dt.date) -> None:
    eb = d.account.who(R.ECONOMIC_BUYER, day)
    if eb is None:
        return
    at = w.at(day, 14)
    d.moments.append(at)
    _set_element(w, d, at, Element.ECONOMIC_BUYER, S.VALIDATED)
    if d.status[Element.METRICS] == S.ASSUMED and w.chance(0.5):
        _set_element(w, d, at, Element.METRICS, S.VALIDATED)
    if d.archetype in ("healthy", "won") and d.status[Element.CHAMPION] != S.VALIDATED:
        # The champion got us to the economic buyer: proof they are one (QUAL-3).
        _set_element(w, d, at, Element.CHAMPION, S.VALIDATED)
    log(
        w,
        d,
        at,
        A.EB_ATTENDS,
        f"{eb.name} joined the review and agreed the success metrics",
        eb,
        by_buyer=True,
        source="calendar",
    )


def emit_close_dates(w: World, d: DealPlan) -> None:
    """Close dates pushed out (MAP-4), each at a moment the seller was on the deal anyway."""
    last = d.moments[0]
    for day, date in d.tl.close_dates[1:]:
        at = d.moment(w, day)
        if at <= last:
            at = w.at(day, 16)
        w.script.update(at, d.owner, d.k, close_date=date)
        last = at


def _amount(w: World, d: DealPlan) -> None:
    tl = d.tl
    d.final_amount = d.amount
    if d.archetype == "healthy" and tl.stage >= 3 and w.chance(0.35):
        day = (tl.entered_on(3) or tl.created) + days(w.rng.randint(3, 10))
        if day < w.latest():
            d.final_amount = _priced(d.amount * w.rng.uniform(1.1, 1.4), 1000)
            w.script.update(w.at(day, 15), d.owner, d.k, amount=d.final_amount)
    elif d.archetype == "dying" and tl.stage >= 4 and w.chance(0.6) and tl.cutoff:
        start = tl.entered_on(4) or tl.created
        day = w.between(start + days(2), max(start + days(2), tl.cutoff - days(1)))
        d.final_amount = _priced(d.amount * w.rng.uniform(0.7, 0.85), 1000)
        at = w.at(day, 15)
        w.script.update(at, d.owner, d.k, amount=d.final_amount)
        log(
            w,
            d,
            at,
            A.BUDGET_CONCERN,
            "Budget concerns raised after the proposal: asked for a smaller first phase",
            d.lead(day),
            by_buyer=True,
        )


def emit_risks(w: World, team: Team, d: DealPlan) -> None:
    """ACC-5 risks, logged and worked at moments the seller was on the deal anyway."""
    tl = d.tl
    last = min(w.latest(), tl.end) - days(2)
    for kind in risk_kinds(w, d.archetype):
        day = w.between(tl.created + days(3), last)
        if day >= last:
            continue
        who = w.pick([d.owner, f"{team.manager} (manager)", w.pick(names.SELLER_TEAM)])
        made = d.moment(w, day, within=6)
        key = w.script.create(made, d.owner, "risk", deal_id=d.k, **risk_values(w, d, kind, who))
        if d.archetype in ("healthy", "won", "middling") and w.chance(0.7):
            step = d.moment(w, made.date() + days(w.rng.randint(6, 14)))
            if made < step and step.date() < last:
                w.script.update(step, d.owner, key, status="mitigating")
                done = d.moment(w, step.date() + days(w.rng.randint(6, 16)))
                if d.archetype != "middling" and step < done and done.date() < last:
                    w.script.update(done, d.owner, key, status="closed")
                    continue
        if d.archetype == "won" and d.close_at is not None:
            w.script.update(d.close_at, d.owner, key, status="closed")


def emit_close(w: World, d: DealPlan) -> None:
    """The deal is won or lost on its closed day (after its MAP's last changes)."""
    tl = d.tl
    assert tl.closed is not None
    assert d.close_at is not None
    at = d.close_at
    values: dict[str, object] = {
        "closed_date": tl.closed,
        "close_date": tl.closed,
        "stage_date": tl.closed,
        "next_step": None,
        "next_step_date": None,
    }
    if tl.outcome == "won":
        d.final_amount = _priced(d.final_amount * w.rng.uniform(0.85, 1.0), 500)
        values |= {
            "stage": WON_STAGE,
            "outcome": "won",
            "forecast_category": "closed",
            "amount": d.final_amount,
        }
        if d.status[Element.PAPER_PROCESS] != S.VALIDATED:
            _set_element(w, d, at, Element.PAPER_PROCESS, S.VALIDATED)
        eb = d.account.who(R.ECONOMIC_BUYER, tl.closed) or d.lead(tl.closed)
        log(w, d, at, A.NOTE, f"Order form signed by {eb.name}", eb, source="e-signature")
    else:
        values |= {
            "stage": LOST_STAGE,
            "outcome": "lost",
            "forecast_category": "omitted",
            "loss_reason": d.loss_reason,
        }
        log(w, d, at, A.NOTE, f"Closed lost: {d.loss_reason}", d.lead(tl.closed))
    w.script.update(at, d.owner, d.k, **values)
