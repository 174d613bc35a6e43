"""The forecasting thresholds (methodology/forecast.toml) as one typed, read-only object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CATEGORIES = ("commit", "best_case", "pipeline", "upside")


@dataclass(frozen=True)
class ForecastSettings:
    """Category bands, weights, shrinkage, size bands and distribution/backtest limits."""

    bands: tuple[tuple[str, float], ...]  # (category, minimum probability), highest first
    category_weights: Mapping[str, float]
    prior_strength: float
    min_deals: int
    probability_floor: float
    probability_ceiling: float
    dimensions: tuple[str, ...]
    min_cycles: int
    size_bands: tuple[tuple[str, float], ...]  # (band, upper bound exclusive), ascending
    exact_max_deals: int
    buckets: int
    backtest_min_closed: int
    band_days: int
    age_bands: int
    max_windows: int

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ForecastSettings:
        """Build from the parsed TOML; raises KeyError naming a missing key."""
        cats = data["categories"]
        cal = data["calibration"]
        bands = tuple(sorted(((c, float(cats[c])) for c in CATEGORIES), key=lambda b: -b[1]))
        sizes = tuple(sorted(((k, float(v)) for k, v in data["size_bands"].items()), key=_2nd))
        return cls(
            bands=bands,
            category_weights={k: float(v) for k, v in data["category_weights"].items()},
            prior_strength=float(cal["prior_strength"]),
            min_deals=int(cal["min_deals"]),
            probability_floor=float(cal["probability_floor"]),
            probability_ceiling=float(cal["probability_ceiling"]),
            dimensions=tuple(cal["dimensions"]),
            min_cycles=int(cal["min_cycles"]),
            size_bands=sizes,
            exact_max_deals=int(data["distribution"]["exact_max_deals"]),
            buckets=int(data["distribution"]["buckets"]),
            backtest_min_closed=int(data["backtest"]["min_closed"]),
            band_days=int(data["timing"]["band_days"]),
            age_bands=int(data["timing"]["bands"]),
            max_windows=int(data["timing"]["max_windows"]),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "bands": dict(self.bands),
            "category_weights": dict(self.category_weights),
            "prior_strength": self.prior_strength,
            "min_deals": self.min_deals,
            "dimensions": list(self.dimensions),
            "size_bands": dict(self.size_bands),
            "exact_max_deals": self.exact_max_deals,
        }


def _2nd(item: tuple[str, float]) -> float:
    return item[1]
