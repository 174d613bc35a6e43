"""Read the shipped forecasting thresholds (methodology/forecast.toml)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from dealplan.engines.forecast_settings import ForecastSettings


@cache
def forecast_settings() -> ForecastSettings:
    """The shipped forecasting settings."""
    text = (resources.files("dealplan.methodology") / "forecast.toml").read_text(encoding="utf-8")
    return ForecastSettings.from_mapping(tomllib.loads(text))
