"""What every part of the demo plan shares: the random source, the script and the calendar."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from dealplan.demo.script import Script

T = TypeVar("T")

# Opening hours: people act between 08:00 and 18:59 (whole minutes keep the dump stable).
FIRST_HOUR, LAST_HOUR = 8, 18


@dataclass
class World:
    """The plan in progress: `today` is the as-of day; everything happens on days before it."""

    rng: random.Random
    script: Script
    today: dt.date
    start: dt.date

    def days_ago(self, n: int) -> dt.date:
        return self.today - dt.timedelta(days=n)

    def at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        """A moment on `day`: at a random minute of `hour`, or of the working day."""
        if hour is None:
            hour = self.rng.randint(FIRST_HOUR, LAST_HOUR)
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)))

    def between(self, first: dt.date, last: dt.date) -> dt.date:
        """A day in [first, last]; `first` when the range is empty."""
        span = (last - first).days
        return first + dt.timedelta(days=self.rng.randint(0, span)) if span > 0 else first

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def latest(self) -> dt.date:
        """The last day anything may happen on."""
        return self.today - dt.timedelta(days=1)

    def clamp(self, day: dt.date, first: dt.date | None = None) -> dt.date:
        """`day` kept within [first (or the start), the last day]."""
        low = first or self.start
        return max(low, min(day, self.latest()))


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def money(amount: float, step: int = 500) -> float:
    """An amount rounded to `step` dollars, as deals are quoted."""
    return float(max(step, round(amount / step) * step))
