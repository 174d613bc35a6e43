"""Momentum signals (QUAL-7), positive and danger, weighed over `health.momentum_days`.

From account-executive-meddpicc, "Deal Momentum Indicators". Signals are the deal's dated
activities of the QUAL-7 types (`dealplan.enums.ActivityType`); other activities (calls,
emails, notes) are not momentum either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dealplan.engines import health_decide as decide
from dealplan.engines.facts import DealFacts, Signal
from dealplan.engines.health_common import setting
from dealplan.engines.verdict import Reason
from dealplan.enums import ActivityType as A
from dealplan.methodology.thresholds import Thresholds

POSITIVE = {
    A.NEXT_MEETING_SCHEDULED.value: "champion scheduled the next meeting",
    A.EB_ATTENDS.value: "economic buyer attended",
    A.INTERNAL_DOCS_SHARED.value: "internal documents shared",
    A.IMPLEMENTATION_QUESTIONS.value: "implementation questions asked",
    A.PROCUREMENT_TIMELINE_GIVEN.value: "procurement timeline given",
    A.REFERENCES_REQUESTED.value: "references requested",
    A.LEGAL_REVIEW_STARTED.value: "legal/security review started",
}
DANGER = {
    A.MEETING_RESCHEDULED.value: "meeting rescheduled or cancelled",
    A.LATE_NEW_STAKEHOLDER.value: "new stakeholder introduced late",
    A.RUN_BY_NO_FOLLOWUP.value: '"let me run this by ..." with no follow-up',
    A.COMPETITOR_AFTER_WIN.value: "competitor mentioned after the presumed win",
    A.BUDGET_CONCERN.value: "budget concerns raised",
    A.CHAMPION_DARK.value: "champion went dark",
    A.VAGUE_GET_BACK.value: '"we\'ll get back to you" without a date',
}


@dataclass(frozen=True)
class Momentum:
    """Signals within the window, best and worst; `score` is positives minus dangers."""

    positive: tuple[Signal, ...]
    danger: tuple[Signal, ...]
    days: int
    reasons: tuple[Reason, ...]

    @property
    def score(self) -> int:
        return len(self.positive) - len(self.danger)

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "score": self.score,
            "positive": [_signal(s, POSITIVE) for s in self.positive],
            "danger": [_signal(s, DANGER) for s in self.danger],
        }


def _signal(s: Signal, names: dict[str, str]) -> dict[str, Any]:
    return {"type": s.type, "what": names[s.type], "at": s.at, "summary": s.summary}


def _listing(signals: tuple[Signal, ...], names: dict[str, str]) -> str:
    return "; ".join(f"{names[s.type]} ({s.at.date()})" for s in signals[-4:])


def momentum(facts: DealFacts, t: Thresholds) -> Momentum:
    """QUAL-7: positive and danger signals of the last `health.momentum_days` days (by date:
    a signal 30 days before the as-of day is in, 31 days before is out).

    Dangers outnumbering positives is yellow, and red from `health.momentum_red_dangers`
    dangers; otherwise the signals are reported as a green reason (none: no reason).
    """
    days = int(setting(t, "health.momentum_days"))
    since = facts.today - dt.timedelta(days=days)
    recent = [s for s in facts.signals if since <= s.at.date() and s.at <= facts.as_of]
    positive = tuple(s for s in recent if s.type in POSITIVE)
    danger = tuple(s for s in recent if s.type in DANGER)
    return momentum_of(positive, danger, t)


def momentum_of(
    positive: tuple[Signal, ...], danger: tuple[Signal, ...], t: Thresholds
) -> Momentum:
    """QUAL-7 on the window's `positive` and `danger` signals (see `momentum`)."""
    days = int(setting(t, "health.momentum_days"))
    evidence = {
        "days": days,
        "positive": [_signal(s, POSITIVE) for s in positive],
        "danger": [_signal(s, DANGER) for s in danger],
    }
    reasons: list[Reason] = []
    for code, level in decide.momentum_codes(len(positive), len(danger), t):
        if code == "danger_signals":
            reasons.append(
                Reason(
                    "QUAL-7",
                    code,
                    level,
                    f"{len(danger)} danger signal{'s' if len(danger) > 1 else ''} against "
                    f"{len(positive)} positive in {days} days: {_listing(danger, DANGER)}",
                    evidence,
                    "address the latest danger signal directly with the champion this week",
                )
            )
        else:
            text = _listing(positive, POSITIVE) if positive else "none positive"
            reasons.append(
                Reason(
                    "QUAL-7",
                    code,
                    level,
                    f"{len(positive)} positive and {len(danger)} danger signals in {days} days: "
                    f"{text}",
                    evidence,
                )
            )
    return Momentum(positive, danger, days, tuple(reasons))
