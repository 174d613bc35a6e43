"""Momentum signals (QUAL-7): positive against danger, within the window, weighed."""

from __future__ import annotations

import pytest

from dealplan.engines.facts import Signal
from dealplan.engines.momentum import momentum
from dealplan.engines.verdict import Level
from dealplan.methodology.thresholds import default_thresholds
from tests.health.deal_facts import ago, healthy

T = default_thresholds()
GOOD = ("eb_attends", "references_requested", "legal_review_started", "internal_docs_shared")
BAD = ("meeting_rescheduled", "vague_get_back", "budget_concern", "champion_dark")


def signals(good: int, bad: int, days: float = 3) -> tuple[Signal, ...]:
    return tuple(Signal(GOOD[i], ago(days)) for i in range(good)) + tuple(
        Signal(BAD[i], ago(days)) for i in range(bad)
    )


@pytest.mark.parametrize(
    ("good", "bad", "level"),
    [
        (0, 0, None),
        (1, 0, Level.GREEN),
        (1, 1, Level.GREEN),
        (1, 2, Level.YELLOW),
        (0, 2, Level.YELLOW),
        (0, 3, Level.RED),
        (2, 3, Level.RED),
        (3, 3, Level.GREEN),
    ],
)
def test_danger_signals_outnumbering_positive_ones_weigh_against_the_deal(
    good: int, bad: int, level: Level | None
) -> None:
    mo = momentum(healthy(signals=signals(good, bad)), T)
    assert [r.level for r in mo.reasons] == ([] if level is None else [level])
    assert mo.score == good - bad
    assert all(r.rule == "QUAL-7" for r in mo.reasons)


@pytest.mark.parametrize(("days", "counted"), [(30, True), (31, False)])
def test_only_signals_within_the_momentum_window_count(days: int, counted: bool) -> None:
    mo = momentum(healthy(signals=signals(0, 1, days)), T)
    assert bool(mo.danger) is counted


def test_the_danger_reason_lists_each_signal_with_its_date() -> None:
    mo = momentum(healthy(signals=signals(0, 2, 5)), T)
    reason = mo.reasons[0]
    assert reason.code == "danger_signals"
    assert "meeting rescheduled or cancelled" in reason.message
    assert str(ago(5).date()) in reason.message
    assert [d["type"] for d in reason.evidence["danger"]] == list(BAD[:2])
    assert reason.action


def test_plain_activities_are_not_momentum() -> None:
    mo = momentum(healthy(signals=(Signal("email", ago(1)), Signal("call", ago(2)))), T)
    assert (mo.positive, mo.danger, mo.reasons) == ((), (), ())
