"""Time in each stage, learnt from closed deals' history (MAP-6, HEALTH-1)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from dealplan.engines.facts import DealFacts
from dealplan.methodology import StageModel
from dealplan.methodology.thresholds import Thresholds


@dataclass(frozen=True)
class StageTime:
    """Days spent in a stage: average, 80th percentile, and how many deals it rests on.

    `source` is "history" when learnt from enough closed deals, else "default".
    """

    stage: str
    average: float
    p80: float
    deals: int
    source: str


def _p80(values: list[float]) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(0.8 * len(ordered)) - 1)
    return ordered[rank]


def days_in_stages(facts: DealFacts) -> dict[str, float]:
    """Days the deal spent in each stage it left (the stage it is in now is not counted)."""
    out: dict[str, float] = defaultdict(float)
    start = facts.created_at
    for change in facts.stage_changes:
        if start is not None and change.old:
            out[str(change.old)] += (change.at - start).total_seconds() / 86_400
        start = change.at
    return dict(out)


def stage_times(
    closed: Iterable[DealFacts], model: StageModel, t: Thresholds
) -> dict[str, StageTime]:
    """Per open stage of `model`: average and P80 days from closed deals' history, falling
    back to the methodology default when fewer than `closing.min_history_deals` deals
    passed through it."""
    seen: dict[str, list[float]] = defaultdict(list)
    for facts in closed:
        for stage, days in days_in_stages(facts).items():
            seen[stage].append(days)
    minimum = int(t.get("closing.min_history_deals"))
    defaults = t["stage_norm_days"]
    out: dict[str, StageTime] = {}
    for step in model.open_stages:
        values = seen.get(step.name, [])
        if len(values) >= minimum:
            out[step.name] = StageTime(
                step.name, sum(values) / len(values), _p80(values), len(values), "history"
            )
        else:
            d = float(defaults.get(step.name, 21))
            out[step.name] = StageTime(step.name, d, d * 1.5, len(values), "default")
    return out
