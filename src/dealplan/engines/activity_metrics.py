"""Activity and outcome metrics against the seed's targets (PIPE-7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import polars as pl

from dealplan.engines.analysis_settings import AnalysisSettings

TEAM = "(all)"


@dataclass(frozen=True)
class ActivityRate:
    type: str
    label: str
    per: str
    count: int
    rate: float  # per working day or per week
    target: float
    met: bool


@dataclass(frozen=True)
class OwnerMetrics:
    owner: str
    activities: list[ActivityRate]
    closed: int
    won: int
    win_rate: float | None
    win_rate_met: bool | None
    won_value: float
    pipeline: float  # open deals at `to`


@dataclass(frozen=True)
class Metrics:
    start: dt.date
    end: dt.date
    working_days: int
    weeks: float
    has_activity: bool
    owners: list[OwnerMetrics]  # each owner, then TEAM
    quota: float | None
    quota_attainment: float | None
    quota_attainment_met: bool | None
    coverage: float | None
    coverage_met: bool | None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def metrics(
    activities: pl.DataFrame,
    deals: pl.DataFrame,
    *,
    start: dt.date,
    end: dt.date,
    settings: AnalysisSettings,
    quota: float | None = None,
) -> Metrics:
    """PIPE-7 for `start`..`end` inclusive.

    `activities` has owner, type and date (one row per activity); `deals` is the deal table
    as of `end`. Rates are per working day (Monday to Friday) or per week of five working
    days. Win rate counts deals closed in the period; the pipeline is the open deals at
    `end`. `quota` (for the selection as a whole) gives attainment and coverage.
    """
    days = int(np.busday_count(start, end + dt.timedelta(days=1)))
    weeks = days / 5
    acts = activities.filter(pl.col("date").is_between(start, end))
    closed = deals.filter(
        pl.col("outcome").is_in(["won", "lost"]) & pl.col("close_date").is_between(start, end)
    )
    opened = deals.filter(pl.col("outcome") == "open")
    owners = sorted(
        {
            o
            for o in acts["owner"].to_list() + closed["owner"].to_list() + opened["owner"].to_list()
            if o
        }
    )
    notes = []
    if acts.is_empty():
        notes.append(
            f"no activity data between {start} and {end}: import activities (calls, emails, "
            "meetings, demos, proposals) to measure them against the targets"
        )
    counts = acts.group_by("owner", "type").len()
    out = [
        _owner(
            o,
            counts.filter(pl.col("owner") == o),
            closed.filter(pl.col("owner") == o),
            opened.filter(pl.col("owner") == o),
            days,
            weeks,
            settings,
        )
        for o in owners
    ]
    team = _owner(TEAM, acts.group_by("type").len(), closed, opened, days, weeks, settings)
    out.append(team)
    attainment = team.won_value / quota if quota else None
    coverage = team.pipeline / quota if quota else None
    if quota is None:
        notes.append("quota attainment and coverage need --quota")
    return Metrics(
        start=start,
        end=end,
        working_days=days,
        weeks=weeks,
        has_activity=not acts.is_empty(),
        owners=out,
        quota=quota,
        quota_attainment=attainment,
        quota_attainment_met=None
        if attainment is None
        else attainment >= settings.quota_attainment_target,
        coverage=coverage,
        coverage_met=None if coverage is None else coverage >= settings.coverage_target,
        notes=notes,
    )


def _owner(
    owner: str,
    counts: pl.DataFrame,
    closed: pl.DataFrame,
    opened: pl.DataFrame,
    days: int,
    weeks: float,
    settings: AnalysisSettings,
) -> OwnerMetrics:
    by_type = dict(zip(counts["type"].to_list(), counts["len"].to_list(), strict=True))
    rates = []
    for t in settings.activity_targets:
        n = int(by_type.get(t.type, 0))
        span = days if t.per == "day" else weeks
        rate = n / span if span else 0.0
        rates.append(ActivityRate(t.type, t.label, t.per, n, rate, t.target, rate >= t.target))
    won = int((closed["outcome"] == "won").sum())
    win_rate = won / closed.height if closed.height else None
    return OwnerMetrics(
        owner=owner,
        activities=rates,
        closed=closed.height,
        won=won,
        win_rate=win_rate,
        win_rate_met=None if win_rate is None else win_rate >= settings.win_rate_target,
        won_value=float(closed.filter(pl.col("outcome") == "won")["amount"].fill_null(0).sum()),
        pipeline=float(opened["amount"].fill_null(0).sum()),
    )
