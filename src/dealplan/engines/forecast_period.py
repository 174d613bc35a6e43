"""Forecast periods (PIPE-2): calendar months and quarters, shifted back for replays."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Freq = Literal["month", "quarter"]


@dataclass(frozen=True)
class Period:
    """Days `start` (inclusive) to `end` (exclusive); `position` is the season slot.

    A month's position is its place in its quarter (0, 1, 2); a quarter's its place in the
    year (0-3). The calibrated forecast learns per position, so quarter-end pushes show.
    """

    start: dt.date
    end: dt.date
    freq: Freq

    @property
    def label(self) -> str:
        if self.freq == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def position(self) -> int:
        if self.freq == "month":
            return (self.start.month - 1) % 3
        return (self.start.month - 1) // 3

    def shifted(self, periods: int) -> Period:
        """This period moved by `periods` (negative: back in time)."""
        step = 1 if self.freq == "month" else 3
        return period_of(add_months(self.start, periods * step), self.freq)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _month_end(year, month + 1).day
    return dt.date(year, month + 1, min(day.day, last))


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def period_of(day: dt.date, freq: Freq) -> Period:
    """The month or quarter containing `day`."""
    if freq == "month":
        start = day.replace(day=1)
        return Period(start, add_months(start, 1), "month")
    start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return Period(start, add_months(start, 3), "quarter")


def parse_period(
    *, quarter: str | None, month: str | None, year: int | None, as_of: dt.date
) -> Period:
    """The period named by `--quarter Q1..Q4` or `--month 1..12|YYYY-MM` (and `--year`).

    With neither, the quarter containing `as_of`. The year defaults to `as_of`'s. Raises
    ValueError with a message for a user (unknown quarter such as Q5, both given, ...).
    """
    if quarter is not None and month is not None:
        raise ValueError("give --quarter or --month, not both")
    y = year if year is not None else as_of.year
    if not 1900 <= y <= 9999:
        raise ValueError(f"--year {y} is not a year")
    if month is not None:
        m = re.fullmatch(r"(?:(\d{4})-)?(\d{1,2})", month.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"--month {month!r} is not a month (1-12 or YYYY-MM)")
        y = int(m.group(1)) if m.group(1) else y
        return period_of(dt.date(y, int(m.group(2)), 1), "month")
    if quarter is None:
        return period_of(as_of, "quarter")
    q = re.fullmatch(r"[Qq]?([1-4])", quarter.strip())
    if not q:
        raise ValueError(f"--quarter {quarter!r} is not a quarter (Q1, Q2, Q3 or Q4)")
    return period_of(dt.date(y, (int(q.group(1)) - 1) * 3 + 1, 1), "quarter")
