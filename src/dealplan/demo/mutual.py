"""A demo deal's mutual action plan (MAP-1..MAP-4), worked by both sides week by week.

Healthy plans are touched by buyer and seller in the last few days, the buyer completes tasks,
adds their own and pulls dates in. Middling plans went quiet 8-21 days ago and are mostly the
seller's. Dying plans stopped 4-8 weeks ago: only seller items, or buyer items overdue for
weeks, every due date in the past.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dealplan.demo import names
from dealplan.demo.accounts import Person
from dealplan.demo.deals import DealPlan, log
from dealplan.demo.script import Key
from dealplan.demo.texts import BUYER_OWN_ITEMS, MAP_TEMPLATE, SELLER_ONLY_ITEMS
from dealplan.demo.world import World, days
from dealplan.enums import ActivityType as A
from dealplan.enums import CommitteeRole as R
from dealplan.enums import ItemStatus as St
from dealplan.enums import Side

OPEN = (St.NOT_STARTED, St.IN_PROGRESS, St.BLOCKED)
# Seller items done on the day the deal enters a stage, by the stage's index.
STAGE_ITEMS = {
    "Configure the proof-of-concept environment": 3,
    "Send proposal and order form": 4,
}
# Who owns the buyer's side of each milestone, first known wins.
MILESTONE_OWNERS = (
    (R.CHAMPION,),
    (R.TECHNICAL_BUYER, R.USER_BUYER, R.CHAMPION),
    (R.CHAMPION, R.ECONOMIC_BUYER),
    (R.LEGAL, R.PROCUREMENT, R.CHAMPION),
    (R.USER_BUYER, R.CHAMPION),
)


@dataclass(frozen=True)
class Pace:
    seller_done: float
    buyer_done: float
    buyer_active: float
    buyer_adds: float
    slip: float
    cadence: int


PACE = {
    "healthy": Pace(0.95, 0.9, 0.9, 0.3, 0.05, 7),
    "won": Pace(0.95, 0.85, 0.85, 0.25, 0.1, 7),
    "middling": Pace(0.8, 0.35, 0.35, 0.05, 0.35, 10),
    "dying": Pace(0.7, 0.1, 0.25, 0.0, 0.3, 10),
    "lost": Pace(0.7, 0.2, 0.3, 0.0, 0.3, 10),
}


@dataclass
class Item:
    key: Key
    side: Side
    status: St
    due: dt.date
    owner: Person | None
    milestone: Key
    version: int = 1


class MapRun:
    """The plan of one deal as it is being written, and the moves of each side on it."""

    def __init__(self, w: World, d: DealPlan) -> None:
        self.w, self.d = w, d
        self.pace = PACE[d.archetype]
        self.items: list[Item] = []
        self.milestones: list[Key] = []
        self.buyer_added = 0

    def _set(self, at: dt.datetime, actor: str, item: Item, **values: object) -> None:
        item.version += 1
        if "status" in values:
            item.status = St(str(values["status"]))
            if item.status == St.COMPLETE:
                values["completed_at"] = at
        if "due_date" in values:
            assert isinstance(values["due_date"], dt.date)
            item.due = values["due_date"]
        self.w.script.update(at, actor, item.key, version=item.version, **values)

    def _add(
        self,
        at: dt.datetime,
        actor: str,
        action: str,
        side: Side,
        due: dt.date,
        owner: Person | None,
        milestone: Key,
        by: Side = Side.SELLER,
    ) -> Item:
        d = self.d
        seller = None
        if side != Side.BUYER:
            seller = d.owner if self.w.chance(0.6) else self.w.pick(names.SELLER_TEAM)
        key = self.w.script.create(
            at,
            actor,
            "map_item",
            deal_id=d.k,
            milestone_id=milestone,
            action=action,
            side=side.value,
            seller_owner=seller,
            customer_owner=owner.name if owner and side != Side.SELLER else None,
            others=None,
            due_date=due,
            status=St.NOT_STARTED.value,
            created_by_side=by.value,
            version=1,
        )
        item = Item(key, side, St.NOT_STARTED, due, owner, milestone)
        self.items.append(item)
        return item

    def create_plan(self, start: dt.date, horizon: dt.date) -> None:
        """The seller drafts milestones and items, due from `start` to `horizon`."""
        w, d = self.w, self.d
        at = w.at(start, 11)
        seller_only = d.archetype in ("dying", "lost") and w.chance(0.5)
        plan: tuple[tuple[str, tuple[tuple[str, Side], ...]], ...]
        if seller_only:
            plan = (("Evaluation", tuple((a, Side.SELLER) for a in SELLER_ONLY_ITEMS)),)
        elif d.archetype in ("middling", "dying", "lost"):
            plan = MAP_TEMPLATE[:4]
        else:
            plan = MAP_TEMPLATE
        known = d.account.known(start)
        eb = d.account.who(R.ECONOMIC_BUYER, start)
        span = max((horizon - start).days, 7 * len(plan))
        for i, (title, actions) in enumerate(plan):
            lo = start + days(span * i // len(plan) + 3)
            hi = start + days(span * (i + 1) // len(plan))
            ms = w.script.create(
                at, d.owner, "milestone", deal_id=d.k, name=title, due_date=hi, position=i
            )
            self.milestones.append(ms)
            roles = MILESTONE_OWNERS[min(i, len(MILESTONE_OWNERS) - 1)]
            owner = next((p for r in roles for p in known if p.role == r), known[0])
            keep = [
                (a, s)
                for a, s in actions
                if not (d.archetype == "middling" and s == Side.BUYER and w.chance(0.5))
            ]
            for j, (action, side) in enumerate(keep):
                due = lo + days((hi - lo).days * (j + 1) // (len(keep) + 1))
                text = action.format(eb=eb.name if eb else "the budget owner")
                done_at = self._stage_done(action, start)
                item = self._add(
                    at, d.owner, text, side, done_at.date() if done_at else due, owner, ms
                )
                if done_at is not None:
                    # The stage moved because this was done: same moment, same flush.
                    self._set(done_at, d.owner, item, status=St.COMPLETE.value)

    def _stage_done(self, action: str, start: dt.date) -> dt.datetime | None:
        """When the seller's item tied to a stage entry was done, if the plan saw it happen."""
        stage = STAGE_ITEMS.get(action)
        at = self.d.stage_at.get(stage) if stage is not None else None
        cutoff = self.d.tl.cutoff
        if at is None or at.date() <= start or (cutoff is not None and at.date() > cutoff):
            return None
        return at

    def seller_touch(self, day: dt.date, *, required: bool) -> None:
        """The weekly sync: the seller closes out, starts or re-dates their items."""
        w, d, pace = self.w, self.d, self.pace
        at = w.at(day, 11)
        d.moments.append(at)
        changed = False
        for it in self.items:
            if it.status not in OPEN or it.side == Side.BUYER:
                continue
            if it.due <= day + days(2):
                if w.chance(pace.seller_done):
                    self._set(at, d.owner, it, status=St.COMPLETE.value)
                    changed = True
                elif it.due < day and w.chance(pace.slip):
                    self._set(at, d.owner, it, due_date=it.due + days(w.rng.randint(7, 14)))
                    changed = True
            elif it.due <= day + days(9) and it.status == St.NOT_STARTED and w.chance(0.6):
                self._set(at, d.owner, it, status=St.IN_PROGRESS.value)
                changed = True
        if required and not changed:
            self._force(at, d.owner, Side.SELLER, day)
        contact = self._sync_contact(day)
        if d.archetype in ("healthy", "won") or (d.archetype == "middling" and w.chance(0.5)):
            log(
                w,
                d,
                at,
                A.MEETING,
                f"Weekly MAP sync with {contact.name}",
                contact,
                source="calendar",
            )
        else:
            log(w, d, at, A.EMAIL, f"Sent the MAP recap to {contact.name}", contact, source="email")
        w.script.update(
            at,
            d.owner,
            d.k,
            next_step=f"MAP check-in with {contact.name}",
            next_step_date=day + days(7),
        )

    def _sync_contact(self, day: dt.date) -> Person:
        """Healthy deals rotate through the committee; the others talk to one person."""
        d = self.d
        if d.archetype in ("healthy", "won"):
            people = [p for p in d.account.known(day) if p.role not in (R.BLOCKER, R.INFLUENCER)]
            return self.w.pick(people)
        return d.lead(day)

    def buyer_touch(self, day: dt.date, *, required: bool, finish: bool = False) -> None:
        """The buyer works the plan in the deal room: completes, starts, adds, pulls in.

        With `finish` the buyer completes every open item of theirs (the day before signing).
        """
        w, d, pace = self.w, self.d, self.pace
        mine = [it for it in self.items if it.side == Side.BUYER and it.status in OPEN]
        mine.sort(key=lambda it: it.due)
        person = (mine[0].owner if mine else None) or d.lead(day)
        actor = person.buyer
        at = w.at(day, w.rng.randint(13, 16))
        changed = False
        for it in mine:
            if required and it.due < day - days(7):
                # A healthy buyer does not leave their own task weeks late (MAP-3).
                self._set(at, actor, it, status=St.COMPLETE.value)
                changed = True
            elif finish or it.due <= day + days(5):
                if finish or w.chance(pace.buyer_done):
                    self._set(at, actor, it, status=St.COMPLETE.value)
                    changed = True
                elif it.status == St.NOT_STARTED:
                    self._set(at, actor, it, status=St.IN_PROGRESS.value)
                    changed = True
            elif d.archetype == "healthy" and it.due > day + days(10) and w.chance(0.12):
                # Dates moving up (MAP-4): the buyer wants it sooner.
                self._set(at, actor, it, due_date=it.due - days(w.rng.randint(3, 7)))
                changed = True
        done_before = any(it.side == Side.BUYER and it.status == St.COMPLETE for it in self.items)
        if required and not done_before and mine:
            # A healthy buyer has finished at least one of their tasks (MAP-3).
            first = next((it for it in mine if it.status in OPEN), None)
            if first is not None:
                self._set(at, actor, first, status=St.COMPLETE.value)
                changed = True
        still_open = any(it.status in OPEN for it in mine)
        needed = not changed or not still_open or not self.buyer_added
        if not finish and (w.chance(pace.buyer_adds) or (required and needed)):
            # Healthy plans always leave the buyer something to do next.
            self._buyer_item(at, actor, day)

    def _buyer_item(self, at: dt.datetime, actor: str, day: dt.date) -> None:
        w, d = self.w, self.d
        known = d.account.known(day)
        # New stakeholders (MAP-4) show up as owners of the buyer's own items.
        newest = max(known, key=lambda p: p.created)
        owner = newest if newest.created > d.tl.created and w.chance(0.7) else w.pick(known)
        text = w.pick(BUYER_OWN_ITEMS).format(name=owner.name)
        self.buyer_added += 1
        due = day + days(w.rng.randint(6, 20))
        self._add(at, actor, text, Side.BUYER, due, owner, self.milestones[-1], by=Side.BUYER)

    def _force(self, at: dt.datetime, actor: str, side: Side, day: dt.date) -> None:
        for it in self.items:
            if it.side == side and it.status in OPEN:
                nxt = St.IN_PROGRESS if it.status == St.NOT_STARTED else St.COMPLETE
                self._set(at, actor, it, status=nxt.value)
                return
        self._add(
            at,
            actor,
            self.w.pick(SELLER_ONLY_ITEMS),
            Side.SELLER,
            day + days(7),
            None,
            self.milestones[-1],
        )

    def close_out(self, at: dt.datetime, won: bool) -> None:
        """On the closed day: a won plan is completed, a lost one is often cancelled."""
        if not won and self.w.chance(0.5):
            return
        status = St.COMPLETE if won else St.CANCELLED
        for it in self.items:
            if it.status in OPEN:
                self._set(at, self.d.owner, it, status=status.value)


def emit_map(w: World, d: DealPlan) -> None:
    """Plan and play the deal's MAP from its start to today or its close."""
    tl = d.tl
    if tl.map_start is None:
        return
    run = MapRun(w, d)
    arch = d.archetype
    if arch in ("dying", "lost"):
        assert tl.cutoff is not None
        horizon = tl.cutoff + days(w.rng.randint(5, 12))
    elif arch == "won":
        assert tl.closed is not None
        horizon = tl.closed
    else:
        horizon = max(tl.close_dates[-1][1], w.today + days(14))
    run.create_plan(tl.map_start, horizon)
    if arch == "healthy":
        loop_end = w.latest() - days(8)
    elif arch == "won":
        assert tl.closed is not None
        loop_end = tl.closed - days(2)
    else:
        assert tl.cutoff is not None
        loop_end = tl.cutoff - days(3)
    dark = d.account.dark
    day = tl.map_start + days(run.pace.cadence)
    while day <= loop_end:
        run.seller_touch(day, required=False)
        buyer_day = day + days(w.rng.randint(0, 2))
        quiet = dark is not None and arch == "dying" and buyer_day > dark - days(5)
        if buyer_day <= loop_end and not quiet and w.chance(run.pace.buyer_active):
            run.buyer_touch(buyer_day, required=False)
        day += days(run.pace.cadence + w.rng.randint(-1, 2))
    if arch == "healthy":
        run.seller_touch(w.days_ago(w.rng.randint(2, 6)), required=True)
        run.buyer_touch(w.days_ago(w.rng.randint(1, 4)), required=True)
    elif arch == "won":
        assert tl.closed is not None
        assert d.close_at is not None
        run.buyer_touch(tl.closed - days(1), required=False, finish=True)
        run.close_out(d.close_at, won=True)
    else:
        assert tl.cutoff is not None
        run.seller_touch(tl.cutoff, required=True)
        if arch == "lost":
            assert d.close_at is not None
            run.close_out(d.close_at, won=False)
