"""When things happen to a demo deal: stage entries, close-date moves, MAP life, the close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dealplan.demo.world import World, days

# The unified model's open stages in order, and its two closed ones.
STAGES = (
    "Pipeline Generation",
    "Discovery",
    "Demonstrating",
    "Proving Value",
    "Proposal",
    "Paper Process",
)
WON_STAGE, LOST_STAGE = "Closed Won", "Closed Lost"
# Usual days spent in each open stage.
NORM = ((4, 14), (10, 24), (10, 28), (14, 35), (8, 21), (8, 24))
# Days from today to the expected close, by the stage an open deal is in.
AHEAD = ((90, 180), (75, 150), (50, 120), (35, 90), (20, 60), (7, 35))
# Days an open deal has been in its stage, by archetype.
IN_STAGE = {"healthy": (6, 24), "middling": (10, 40), "dying": (45, 100), "new": (2, 14)}


@dataclass
class Timeline:
    """`entered`: (stage index, day) from creation on; `cutoff`: the last day of MAP changes."""

    entered: list[tuple[int, dt.date]]
    outcome: str
    closed: dt.date | None
    map_start: dt.date | None
    cutoff: dt.date | None
    # (day set, close date); the first is set at creation
    close_dates: list[tuple[dt.date, dt.date]]

    @property
    def created(self) -> dt.date:
        return self.entered[0][1]

    @property
    def stage(self) -> int:
        return self.entered[-1][0]

    def entered_on(self, stage: int) -> dt.date | None:
        return next((d for s, d in self.entered if s == stage), None)

    def stage_on(self, day: dt.date) -> int:
        return max(s for s, d in self.entered if d <= day) if day >= self.created else -1

    @property
    def end(self) -> dt.date:
        """The last day the deal is worked: its close, or the day before today."""
        return self.closed or dt.date.max


def _fit(w: World, durations: list[int], room: int) -> list[int]:
    """Durations shrunk in proportion (at least 3 days each) to fit in `room` days."""
    total = sum(durations)
    if total <= room or not durations:
        return durations
    fitted = [max(3, d * room // total) for d in durations]
    while sum(fitted) > room and max(fitted) > 3:
        fitted[fitted.index(max(fitted))] -= 1
    return fitted


def _entries(first: int, created: dt.date, durations: list[int]) -> list[tuple[int, dt.date]]:
    out = [(first, created)]
    day = created
    for i, d in enumerate(durations):
        day += days(d)
        out.append((first + i + 1, day))
    return out


def open_timeline(w: World, archetype: str, stage: int, dark: dt.date | None) -> Timeline:
    """An open deal now in `stage`; dying deals go stale a few days before `dark`."""
    cutoff: dt.date | None = None
    if archetype == "middling":
        cutoff = w.days_ago(w.rng.randint(9, 20))
    elif archetype == "dying":
        assert dark is not None
        cutoff = dark - days(w.rng.randint(0, 4))
    low, high = IN_STAGE[archetype]
    if archetype == "healthy":
        # A healthy deal is not overdue in its stage: at most 1.2x the stage's usual time
        # (HEALTH-1 calls 1.5x yellow); in Discovery long enough for a plan to be running.
        high = min(high, sum(NORM[stage]) * 6 // 10)
        if stage == 1:
            low = 14
    cur = w.rng.randint(low, high)
    if cutoff is not None:
        cur = max(cur, (w.today - cutoff).days + 12)
    first = 0 if stage == 0 or w.chance(0.55) else 1
    durations = [w.rng.randint(*NORM[i]) for i in range(first, stage)]
    short = 40 - sum(durations) - cur
    if archetype == "healthy" and short > 0:
        # A healthy plan has weeks of both sides' work behind it: the deal came through
        # the earlier stages (not its current one) over at least 40 days.
        if not durations:
            first, durations = first - 1, [0]
        durations[0] += short
    entered_now = w.today - days(cur)
    durations = _fit(w, durations, (entered_now - w.start).days - 4)
    created = entered_now - days(sum(durations))
    entered = _entries(first, created, durations)
    map_start: dt.date | None = None
    if archetype != "new" and stage >= 1:
        demo = dict(entered).get(2)
        map_start = demo + days(w.rng.randint(1, 4)) if demo else None
        if map_start is None:
            map_start = dict(entered)[1] + days(w.rng.randint(2, 5))
        if cutoff is not None:
            map_start = min(map_start, cutoff - days(w.rng.randint(10, 20)))
        elif archetype == "healthy":
            map_start = min(map_start, w.days_ago(w.rng.randint(21, 30)))
        map_start = max(map_start, created + days(1))
    final = w.today + days(w.rng.randint(*AHEAD[stage]))
    pushes = 0
    if archetype == "dying":
        # Some dying deals still show a close date that has already passed (PIPE-1 hygiene).
        past = created <= w.days_ago(90) and w.chance(0.3)
        final = w.today + days(w.rng.randint(-25, -5) if past else w.rng.randint(5, 35))
        pushes = w.rng.randint(2, 3)
    elif archetype == "middling" and w.chance(0.4):
        pushes = 1
    close_dates = _pushes(w, created, final, pushes, w.latest() - days(3))
    return Timeline(entered, "open", None, map_start, cutoff, close_dates)


def _pushes(
    w: World, created: dt.date, final: dt.date, n: int, last: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """Close dates set at creation and pushed out `n` times, the last push landing on `final`.

    Each push happens as the old date comes near (or has just passed) and moves it to at least
    ten days after the push.
    """
    first = created + days(20)
    last = min(last, final - days(10))
    span = (last - first).days
    while n and span < 8 * n:
        n -= 1
    if n == 0:
        return [(created, max(final, created + days(30)))]
    marks = sorted(w.rng.sample(range(span + 1), n))
    push_days = [first + days(m) for m in marks]
    for i in range(1, n):  # at least two days apart
        push_days[i] = max(push_days[i], push_days[i - 1] + days(2))
    push_days = [min(d, last) for d in push_days]
    dates = [p + days(w.rng.randint(-5, 7)) for p in push_days]
    out = [(created, max(dates[0], created + days(20)))]
    for i, p in enumerate(push_days):
        new = final if i == n - 1 else max(dates[i + 1], p + days(10))
        out.append((p, max(new, p + days(10))))
    return out


def closed_timeline(w: World, outcome: str) -> Timeline:
    """A deal won or lost before today, its whole life after the workspace's first day."""
    first = 0 if w.chance(0.5) else 1
    if outcome == "won":
        last_stage = 5
        durations = [w.rng.randint(*NORM[i]) for i in range(first, 5)]
        tail = w.rng.randint(*NORM[5])
    else:
        last_stage = w.rng.choices((1, 2, 3, 4, 5), weights=(15, 25, 25, 25, 10))[0]
        last_stage = max(last_stage, first)
        durations = [w.rng.randint(*NORM[i]) for i in range(first, last_stage)]
        tail = w.rng.randint(25, 60)
    closed = w.between(w.start + days(60), w.latest() - days(1))
    room = (closed - w.start).days - 4
    fitted = _fit(w, [*durations, tail], room)
    durations, tail = fitted[:-1], fitted[-1]
    created = closed - days(sum(durations) + tail)
    entered = _entries(first, created, durations)
    assert entered[-1][0] == last_stage
    map_start = None
    cutoff: dt.date | None = None
    demo = dict(entered).get(2)
    if demo is not None:
        map_start = demo + days(w.rng.randint(1, 4))
        if outcome == "lost":
            cutoff = closed - days(w.rng.randint(21, 40))
            if cutoff < map_start + days(8):
                map_start = cutoff - days(8) if cutoff - days(8) > created else None
        if map_start is not None and map_start >= closed - days(3):
            map_start = None
    pushes = 0
    if outcome == "won" and w.chance(0.3):
        pushes = 1
    elif outcome == "lost":
        pushes = w.rng.randint(1, 3)
    final = closed + days(w.rng.randint(3, 20))
    close_dates = _pushes(w, created, final, pushes, closed - days(3))
    return Timeline(entered, outcome, closed, map_start, cutoff, close_dates)
