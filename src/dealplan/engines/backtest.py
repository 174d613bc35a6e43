"""HEALTH-3: is the early warning real? Summaries of replayed verdicts over closed deals."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from dealplan.engines.facts import DealFacts

# Weeks of warning before a lost deal closed, grouped for the distribution.
BUCKETS = (
    (0, 1, "under 1 week"),
    (1, 2, "1-2 weeks"),
    (2, 4, "2-4 weeks"),
    (4, 8, "4-8 weeks"),
    (8, 10_000, "8+ weeks"),
)


def silent_for(facts: DealFacts) -> int:
    """Days since the deal's last logged activity (since it was created, if none)."""
    last = facts.signals[-1].at if facts.signals else facts.created_at
    if last is None:
        return 0
    return (facts.as_of - last).days


@dataclass(frozen=True)
class Replayed:
    """One closed deal under one method: when (if ever) it first turned red."""

    deal_id: int
    outcome: str
    closed: dt.date
    first_red: dt.date | None

    @property
    def weeks_warned(self) -> float | None:
        if self.first_red is None:
            return None
        return (self.closed - self.first_red).days / 7


@dataclass(frozen=True)
class MethodSummary:
    lost: int
    lost_flagged: int
    median_weeks: float | None
    distribution: dict[str, int]
    won: int
    won_ever_red: int

    @property
    def false_alarm_rate(self) -> float | None:
        return self.won_ever_red / self.won if self.won else None

    @property
    def caught_rate(self) -> float | None:
        return self.lost_flagged / self.lost if self.lost else None

    def as_dict(self) -> dict[str, object]:
        return {
            "lost_deals": self.lost,
            "lost_flagged_red": self.lost_flagged,
            "lost_caught_share": self.caught_rate,
            "median_weeks_warning": self.median_weeks,
            "weeks_warning_distribution": self.distribution,
            "won_deals": self.won,
            "won_ever_red": self.won_ever_red,
            "false_alarm_share": self.false_alarm_rate,
        }


def summarize(replayed: Sequence[Replayed]) -> MethodSummary:
    """Lead time of the first red before each loss, and the won deals that were ever red."""
    lost = [r for r in replayed if r.outcome == "lost"]
    won = [r for r in replayed if r.outcome == "won"]
    weeks = [w for r in lost if (w := r.weeks_warned) is not None]
    distribution = {label: 0 for *_, label in BUCKETS}
    distribution["never red"] = len(lost) - len(weeks)
    for w in weeks:
        label = next(lb for lo, hi, lb in BUCKETS if lo <= w < hi)
        distribution[label] += 1
    return MethodSummary(
        lost=len(lost),
        lost_flagged=len(weeks),
        median_weeks=statistics.median(weeks) if weeks else None,
        distribution=distribution,
        won=len(won),
        won_ever_red=sum(1 for r in won if r.first_red is not None),
    )
