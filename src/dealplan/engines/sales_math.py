"""Sales math (PIPE-6): from a quota, deal size, win rate and cycle to the work needed."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from dealplan.engines.analysis_settings import AnalysisSettings


class MathInputError(ValueError):
    """Inputs the math cannot use; `problems` names each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class StageCoverage:
    stage: str
    probability: float
    share: float
    pipeline: float


@dataclass(frozen=True)
class SalesMath:
    quota: float
    deal_size: float
    win_rate: float
    cycle_days: int
    coverage: float
    deals_needed: int  # won deals to reach quota
    opportunities_needed: int  # deals_needed / win_rate, rounded up
    pipeline_needed: float  # quota x coverage
    win_rate_coverage: float  # the coverage the win rate itself implies: 1 / win rate
    opportunities_per_quarter: int
    opportunities_per_week: float
    meeting_to_opportunity: float
    meetings_per_week: int
    lead_time_days: int  # opportunities must be open this long before they can close
    stage_mix: list[StageCoverage]
    notes: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def validate(
    *, quota: float, deal_size: float, win_rate: float, cycle_days: float, coverage: float
) -> None:
    """Raise MathInputError listing every input the math cannot use."""
    problems = []
    if quota <= 0:
        problems.append(f"--quota must be more than 0 (got {quota:g})")
    if deal_size <= 0:
        problems.append(f"--deal-size must be more than 0 (got {deal_size:g})")
    if not 0 < win_rate <= 1:
        hint = " (a fraction: 0.25 for 25%)" if win_rate > 1 else ""
        problems.append(f"--win-rate must be more than 0 and at most 1{hint} (got {win_rate:g})")
    if cycle_days < 0:
        problems.append(f"--cycle-days cannot be negative (got {cycle_days:g})")
    if coverage <= 0:
        problems.append(f"--coverage must be more than 0 (got {coverage:g})")
    if problems:
        raise MathInputError(problems)


def sales_math(
    *,
    quota: float,
    deal_size: float,
    win_rate: float,
    cycle_days: int,
    settings: AnalysisSettings,
    coverage: float | None = None,
) -> SalesMath:
    """PIPE-6 for a yearly `quota`; MathInputError for unusable inputs."""
    cover = settings.coverage if coverage is None else coverage
    validate(
        quota=quota, deal_size=deal_size, win_rate=win_rate, cycle_days=cycle_days, coverage=cover
    )
    # Rounding first to whole deals, then opportunities, as a seller plans them.
    deals = math.ceil(quota / deal_size - 1e-9)
    opps = math.ceil(deals / win_rate - 1e-9)
    per_quarter = math.ceil(opps / settings.quarters_per_year - 1e-9)
    per_week = opps / settings.weeks_per_year
    meetings = math.ceil(per_week / settings.meeting_to_opportunity - 1e-9)
    pipeline = quota * cover
    notes = []
    if cover < 1 / win_rate:
        notes.append(
            f"at a {win_rate:.0%} win rate a {cover:g}x coverage falls short: "
            f"{1 / win_rate:.1f}x is needed to reach quota from pipeline alone"
        )
    return SalesMath(
        quota=quota,
        deal_size=deal_size,
        win_rate=win_rate,
        cycle_days=cycle_days,
        coverage=cover,
        deals_needed=deals,
        opportunities_needed=opps,
        pipeline_needed=pipeline,
        win_rate_coverage=1 / win_rate,
        opportunities_per_quarter=per_quarter,
        opportunities_per_week=per_week,
        meeting_to_opportunity=settings.meeting_to_opportunity,
        meetings_per_week=meetings,
        lead_time_days=cycle_days,
        stage_mix=[
            StageCoverage(s.stage, s.probability, s.share, pipeline * s.share)
            for s in settings.stage_mix
        ],
        notes=notes,
    )
