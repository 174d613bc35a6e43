"""Deal health (HEALTH-1, HEALTH-2): one explainable verdict per deal, as of any date.

The verdict is the worst level of its reasons, drawn from: MAP health (MAP-2..4), EB access
(QUAL-3), champion strength (QUAL-6), multi-threading (QUAL-5), momentum (QUAL-7), MEDDPICC
validation, stage age against the stage's norm, close-date slips and next-step freshness.
Anti-patterns (QUAL-8) and the silence playbook step (MAP-5) come with it.

The rules read a deal's `HealthFeatures` (engines/health_features.py): `deal_health` builds
them from `DealFacts`, review at the present from whole tables (engines/health_frame.py).
Each rule decides its reasons' codes and levels in engines/health_decide.py, on plain values;
review ranks every deal from those decisions over the whole feature frame
(engines/health_rank.py) and builds a deal's reasons here only when it is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from dealplan.engines import health_decide as decide
from dealplan.engines.anti_patterns import anti_patterns_of
from dealplan.engines.facts import DealFacts
from dealplan.engines.health_common import RANK, verdict_of
from dealplan.engines.health_features import HealthFeatures, features_of
from dealplan.engines.health_reasons import (
    committee_reasons,
    meddpicc_reason,
    next_step_reason,
    slip_reasons,
    stage_age_reasons,
)
from dealplan.engines.map_health import MapHealth, map_health_of
from dealplan.engines.momentum import Momentum, momentum_of
from dealplan.engines.playbook import PlaybookStep, playbook_of
from dealplan.engines.stage_time import StageTime
from dealplan.engines.verdict import Level, Reason, Verdict
from dealplan.methodology.thresholds import Thresholds

# Which rule's reasons come first among reasons of one level (and give the next action):
# the MAP is the single best indicator of deal health (gtm §1), then the EB (gtm §2).
PRIORITY = ("MAP-3", "MAP-2", "MAP-4", "QUAL-3", "QUAL-6", "QUAL-5", "QUAL-7", "HEALTH-1")
UNCAPPED = decide.UNCAPPED
ELEMENTS = decide.ELEMENTS
ELEMENT_SET = frozenset(ELEMENTS)
KEEP_GOING = "keep the weekly MAP check-in: confirm both sides' next actions and dates"


@dataclass(frozen=True)
class DealHealth:
    """HEALTH-1 for one deal at `as_of`: the verdict, its parts, and what to do next."""

    deal_id: int
    as_of: dt.datetime
    verdict: Verdict
    map: MapHealth
    momentum: Momentum
    anti_patterns: tuple[Reason, ...]
    playbook: PlaybookStep | None
    next_action: str
    risk: int

    @property
    def level(self) -> Level:
        return self.verdict.level

    def top_reasons(self, n: int | None = None) -> list[Reason]:
        """The reasons that made the verdict (all of them when it is green), worst first."""
        bad = [r for r in self.verdict.reasons if r.level is not Level.GREEN]
        chosen = bad or list(self.verdict.reasons)
        return chosen if n is None else chosen[:n]

    def as_dict(self) -> dict[str, Any]:
        return {
            "deal_id": self.deal_id,
            "as_of": self.as_of,
            "level": self.level.value,
            "risk": self.risk,
            "reasons": [r.as_dict() for r in self.verdict.reasons],
            "anti_patterns": [r.as_dict() for r in self.anti_patterns],
            "map": self.map.as_dict(),
            "momentum": self.momentum.as_dict(),
            "playbook": self.playbook.as_dict() if self.playbook else None,
            "next_action": self.next_action,
        }


# Sort key of a reason: worse levels first, then by rule priority (a table lookup per reason).
_PRIORITY_AT = {rule: i for i, rule in enumerate(PRIORITY)}
_LAST = len(PRIORITY)


def _order(r: Reason) -> tuple[int, int]:
    return (-RANK[r.level], _PRIORITY_AT.get(r.rule, _LAST))


def deal_health(facts: DealFacts, norms: Mapping[str, StageTime], t: Thresholds) -> DealHealth:
    """HEALTH-1 for `facts` at `facts.as_of` (see `health_of`)."""
    return health_of(features_of(facts, t), norms, t)


def health_of(f: HealthFeatures, norms: Mapping[str, StageTime], t: Thresholds) -> DealHealth:
    """HEALTH-1 for the deal `f` at `f.as_of`.

    `norms` are the stage norms `stage_time.stage_times` returns, keyed by the model's open
    stages in the model's order (the order tells where discovery is). A closed deal is green
    when won and dead when lost, with its MAP and anti-patterns still reported.
    """
    stages = tuple(norms)
    mh = map_health_of(f, t)
    mo = momentum_of(f.positive, f.danger, t)
    people, eb_met = committee_reasons(f, t, stages)
    found = anti_patterns_of(f, t, stages, eb_met=eb_met)
    weight = decide.risk_weights(t)
    if f.outcome != "open":
        code, level = decide.closed_code(f.outcome)
        closed = Reason(
            "HEALTH-1",
            code,
            level,
            f"closed {f.outcome} on {f.closed_date}",
            {"outcome": f.outcome, "closed_date": f.closed_date},
        )
        return DealHealth(
            f.id,
            f.as_of,
            verdict_of([closed]),
            mh,
            mo,
            found,
            None,
            (found[0].action or KEEP_GOING) if found else f"none: closed {f.outcome}",
            weight[closed.level],
        )
    reasons = [
        *mh.verdict.reasons,
        *people,
        *mo.reasons,
        *stage_age_reasons(f, norms, t),
        *slip_reasons(f, t),
        next_step_reason(f, t),
        meddpicc_reason(f, t),
    ]
    reasons.sort(key=_order)
    verdict = Verdict(reasons[0].level, tuple(reasons))  # sorted worst first
    step = playbook_of(f, mh, t)
    risk = sum([weight[r.level] for r in reasons])
    return DealHealth(
        f.id,
        f.as_of,
        verdict,
        mh,
        mo,
        found,
        step,
        _next_action(verdict, step),
        risk,
    )


def _next_action(verdict: Verdict, step: PlaybookStep | None) -> str:
    """The most important reason's action; the playbook's when that reason is MAP silence."""
    for r in verdict.reasons:
        if r.level is Level.GREEN:
            break
        if r.action:
            if step is not None and r.rule == "MAP-3" and r.code.startswith("map_"):
                return step.action
            return r.action
    return step.action if step is not None else KEEP_GOING


class Rewindable(Protocol):
    """Anything that gives a deal's facts as of a moment (e.g. `deal.facts.DealBundle`)."""

    def facts(self, as_of: dt.datetime) -> DealFacts | None: ...


def health_timeline(
    deal: Rewindable,
    norms: Mapping[str, StageTime],
    t: Thresholds,
    start: dt.date,
    end: dt.datetime,
    step_days: int = 7,
) -> list[tuple[dt.date, Level]]:
    """HEALTH-2: the verdict's level at the end of `start`, every `step_days` days after, and
    at `end` itself; days before the deal existed are left out."""
    out: list[tuple[dt.date, Level]] = []
    day = start
    while True:
        moment = min(end, dt.datetime.combine(day, dt.time.max))
        facts = deal.facts(moment)
        if facts is not None:
            out.append((moment.date(), deal_health(facts, norms, t).level))
        if moment >= end:
            return out
        day += dt.timedelta(days=step_days)


def first_turned(timeline: Sequence[tuple[dt.date, Level]], level: Level) -> dt.date | None:
    """The first date in `timeline` whose level is `level` or worse (None if never)."""
    return next((day for day, lv in timeline if RANK[lv] >= RANK[level]), None)
