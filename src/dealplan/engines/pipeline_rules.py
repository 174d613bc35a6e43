"""The pipeline review's thresholds (methodology/pipeline.toml) as plain data (PIPE-1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Phase:
    """A third of a quarter and its coverage target range (min..max times quota)."""

    name: str
    min: float
    max: float


@dataclass(frozen=True)
class Rules:
    phases: tuple[Phase, ...]
    category_targets: dict[str, float]
    category_bands: dict[str, float]
    buckets: tuple[str, ...]
    healthy: tuple[float, ...]
    mix_tolerance: float
    stale_factor: float
    default_norm_days: int
    no_activity_days: int
    list_limit: int
    concentration_warn: float
    concentration_critical: float

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rules:
        """Rules from the parsed pipeline.toml."""
        cov = data["coverage"]
        mix = data["mix"]
        hyg = data["hygiene"]
        conc = data["concentration"]
        return cls(
            phases=tuple(Phase(p["name"], float(p["min"]), float(p["max"])) for p in cov["phase"]),
            category_targets={k: float(v) for k, v in cov["category"].items()},
            category_bands={k: float(v) for k, v in data["category_bands"].items()},
            buckets=tuple(mix["buckets"]),
            healthy=tuple(float(v) for v in mix["healthy"]),
            mix_tolerance=float(mix["tolerance"]),
            stale_factor=float(hyg["stale_factor"]),
            default_norm_days=int(hyg["default_norm_days"]),
            no_activity_days=int(hyg["no_activity_days"]),
            list_limit=int(hyg["list_limit"]),
            concentration_warn=float(conc["warn"]),
            concentration_critical=float(conc["critical"]),
        )


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the calendar quarter holding `day`."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end_month = first_month + 3
    end = (
        dt.date(day.year + 1, 1, 1) if end_month > 12 else dt.date(day.year, end_month, 1)
    ) - dt.timedelta(days=1)
    return start, end


def phase_of(day: dt.date, rules: Rules) -> tuple[Phase, str, int, int]:
    """The phase of `day` in its quarter, the quarter's name, day number (1-based), length."""
    start, end = quarter_of(day)
    length = (end - start).days + 1
    number = (day - start).days + 1
    index = min(len(rules.phases) - 1, (number - 1) * len(rules.phases) // length)
    name = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return rules.phases[index], name, number, length


def bucket_of(position: int, count: int, buckets: int) -> int:
    """The healthy-mix bucket of open stage `position` (0-based) of `count` open stages."""
    return min(buckets - 1, position * buckets // max(count, 1))
