"""Read the shipped forecasting thresholds (methodology/forecast.toml)."""

from __future__ import annotations

from functools import cache

from dealplan.engines.forecast_settings import ForecastSettings
from dealplan.methodology.data import shipped_data


@cache
def forecast_settings() -> ForecastSettings:
    """The shipped forecasting settings."""
    return ForecastSettings.from_mapping(shipped_data("forecast.toml"))
