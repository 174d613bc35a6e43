"""HEALTH-3 summaries: weeks of warning before losses and false alarms on wins."""

from __future__ import annotations

import datetime as dt

import pytest

from dealplan.engines.backtest import Replayed, silent_for, summarize
from dealplan.engines.facts import DealFacts, Signal

CLOSE = dt.date(2026, 6, 30)


def _r(outcome: str, weeks_before: float | None) -> Replayed:
    red = None if weeks_before is None else CLOSE - dt.timedelta(days=round(weeks_before * 7))
    return Replayed(1, outcome, CLOSE, red)


def test_lost_deals_report_the_median_weeks_of_warning_and_the_never_red() -> None:
    s = summarize([_r("lost", 6), _r("lost", 2), _r("lost", 9), _r("lost", None)])
    assert s.lost == 4
    assert s.lost_flagged == 3
    assert s.median_weeks == 6
    assert s.distribution == {
        "under 1 week": 0,
        "1-2 weeks": 0,
        "2-4 weeks": 1,
        "4-8 weeks": 1,
        "8+ weeks": 1,
        "never red": 1,
    }


def test_won_deals_that_were_ever_red_count_as_false_alarms() -> None:
    s = summarize([_r("won", None), _r("won", 3), _r("won", None), _r("won", None)])
    assert (s.won, s.won_ever_red, s.false_alarm_rate) == (4, 1, 0.25)
    assert s.median_weeks is None


@pytest.mark.parametrize(
    ("weeks", "bucket"),
    [
        (0.9, "under 1 week"),
        (1.0, "1-2 weeks"),
        (3.9, "2-4 weeks"),
        (4.0, "4-8 weeks"),
        (8.0, "8+ weeks"),
    ],
)
def test_weeks_of_warning_fall_in_their_bucket(weeks: float, bucket: str) -> None:
    red = CLOSE - dt.timedelta(days=weeks * 7)
    s = summarize([Replayed(1, "lost", CLOSE, red.date() if isinstance(red, dt.datetime) else red)])
    assert s.distribution[bucket] == 1


def test_silence_counts_days_since_the_last_activity_or_since_creation() -> None:
    now = dt.datetime(2026, 5, 1, 12)
    quiet = DealFacts(
        id=1, name="x", stage="Discovery", as_of=now, created_at=now - dt.timedelta(days=40)
    )
    assert silent_for(quiet) == 40
    talked = DealFacts(
        id=1,
        name="x",
        stage="Discovery",
        as_of=now,
        created_at=now - dt.timedelta(days=40),
        signals=(Signal("call", now - dt.timedelta(days=22)),),
    )
    assert silent_for(talked) == 22
