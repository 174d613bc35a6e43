"""The win/loss, sales math and metrics thresholds (methodology/winloss.toml), typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StageShare:
    stage: str
    probability: float
    share: float


@dataclass(frozen=True)
class ActivityTarget:
    type: str
    label: str
    per: str  # "day" | "week"
    target: float


@dataclass(frozen=True)
class AnalysisSettings:
    """PIPE-5 patterns and bands, PIPE-6 math defaults, PIPE-7 targets."""

    pattern_gap_points: float
    min_deals: int
    dimensions: tuple[str, ...]
    no_competitor: frozenset[str]
    unknown_competitor: frozenset[str]
    chart_values: int
    size_bands: tuple[tuple[str, float], ...]  # (label, upper bound exclusive), ascending
    cycle_bands: tuple[tuple[str, float], ...]
    coverage: float
    meeting_to_opportunity: float
    weeks_per_year: int
    quarters_per_year: int
    stage_mix: tuple[StageShare, ...]
    activity_targets: tuple[ActivityTarget, ...]
    win_rate_target: float
    quota_attainment_target: float
    coverage_target: float

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> AnalysisSettings:
        """Build from the parsed TOML; raises KeyError naming a missing key."""
        wl, math, metrics = data["winloss"], data["math"], data["metrics"]
        return cls(
            pattern_gap_points=float(wl["pattern_gap_points"]),
            min_deals=int(wl["min_deals"]),
            dimensions=tuple(wl["dimensions"]),
            no_competitor=frozenset(v.casefold() for v in wl["no_competitor"]),
            unknown_competitor=frozenset(v.casefold() for v in wl["unknown_competitor"]),
            chart_values=int(wl["chart_values"]),
            size_bands=_bands(wl["size_bands"]),
            cycle_bands=_bands(wl["cycle_bands"]),
            coverage=float(math["coverage"]),
            meeting_to_opportunity=float(math["meeting_to_opportunity"]),
            weeks_per_year=int(math["weeks_per_year"]),
            quarters_per_year=int(math["quarters_per_year"]),
            stage_mix=tuple(
                StageShare(s["stage"], float(s["probability"]), float(s["share"]))
                for s in math["stage_mix"]
            ),
            activity_targets=tuple(
                ActivityTarget(a["type"], a["label"], a["per"], float(a["target"]))
                for a in metrics["activity"]
            ),
            win_rate_target=float(metrics["outcome"]["win_rate"]),
            quota_attainment_target=float(metrics["outcome"]["quota_attainment"]),
            coverage_target=float(metrics["outcome"]["coverage"]),
        )


def _bands(table: Mapping[str, Any]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(((k, float(v)) for k, v in table.items()), key=lambda b: b[1]))
