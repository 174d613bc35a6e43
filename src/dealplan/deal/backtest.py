"""`dealplan backtest health`: replay every closed deal week by week (HEALTH-3).

Each closed deal is rewound in memory to the end of every week from its creation to the day
before it closed, and judged twice: by the health engine, and by the baseline "no activity
for more than 21 days". Stage norms are learnt only from deals closed before the month of
each close, so no verdict uses what happened after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dealplan.deal.facts import DealBundle, load_closed_bundles
from dealplan.deal.health_service import stage_norms, workspace_thresholds
from dealplan.engines.backtest import MethodSummary, Replayed, silent_for, summarize
from dealplan.engines.deal_health import first_turned, health_timeline
from dealplan.engines.stage_time import StageTime
from dealplan.engines.verdict import Level

BASELINE_DAYS = 21
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class HealthBacktest:
    as_of: dt.datetime
    step_days: int
    methods: dict[str, MethodSummary]
    deals: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "step_days": self.step_days,
            "methods": {k: v.as_dict() for k, v in self.methods.items()},
            "deals": self.deals,
        }


def _closed_on(bundle: DealBundle) -> dt.date | None:
    deal = bundle.rows["deal"][bundle.deal_id]
    closed = deal.get("closed_date") or deal.get("close_date")
    return closed if isinstance(closed, dt.date) else None


def backtest_health(
    *,
    session: Session,
    as_of: dt.datetime,
    step_days: int = 7,
    progress: Progress | None = None,
) -> HealthBacktest:
    """Replay every deal closed by `as_of`; returns both methods' summaries and each deal."""
    t = workspace_thresholds(session=session)
    bundles = [
        b for b in load_closed_bundles(session) if (c := _closed_on(b)) and c <= as_of.date()
    ]
    norms_cache: dict[dt.date, dict[str, StageTime]] = {}
    health: list[Replayed] = []
    baseline: list[Replayed] = []
    rows: list[dict[str, Any]] = []
    for n, bundle in enumerate(bundles, start=1):
        closed = _closed_on(bundle)
        assert closed is not None
        end = dt.datetime.combine(closed, dt.time()) - dt.timedelta(microseconds=1)
        first = bundle.facts(end)
        if first is None:
            continue
        month = closed.replace(day=1)
        if month not in norms_cache:
            before = dt.datetime.combine(month, dt.time()) - dt.timedelta(microseconds=1)
            norms_cache[month] = stage_norms(session=session, as_of=before, t=t)
        start = (first.created_at.date() if first.created_at else None) or first.created_date
        start = start or end.date()
        timeline = health_timeline(bundle, norms_cache[month], t, start, end, step_days)
        red = first_turned(timeline, Level.RED)
        silent = _baseline_first_red(bundle, start, end, step_days)
        # The day before the close the deal was still open: the outcome is today's.
        outcome = str(bundle.rows["deal"][bundle.deal_id]["outcome"])
        health.append(Replayed(bundle.deal_id, outcome, closed, red))
        baseline.append(Replayed(bundle.deal_id, outcome, closed, silent))
        rows.append(
            {
                "id": bundle.deal_id,
                "external_id": first.external_id,
                "name": first.name,
                "outcome": outcome,
                "closed": closed,
                "weeks_checked": len(timeline),
                "first_red": red,
                "baseline_first_red": silent,
                "level_before_close": timeline[-1][1].value if timeline else None,
            }
        )
        if progress is not None:
            progress(n, len(bundles))
    return HealthBacktest(
        as_of,
        step_days,
        {"health": summarize(health), f"silence_{BASELINE_DAYS}d": summarize(baseline)},
        rows,
    )


def _baseline_first_red(
    bundle: DealBundle, start: dt.date, end: dt.datetime, step_days: int
) -> dt.date | None:
    day = start
    while True:
        moment = min(end, dt.datetime.combine(day, dt.time.max))
        facts = bundle.facts(moment)
        if facts is not None and silent_for(facts) > BASELINE_DAYS:
            return moment.date()
        if moment >= end:
            return None
        day += dt.timedelta(days=step_days)
