"""The data files shipped in this package (stage models, thresholds, pipeline, forecast and
win/loss settings), each parsed once per process."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dealplan.engines.analysis_settings import AnalysisSettings


@cache
def shipped_data(name: str) -> dict[str, Any]:
    """The parsed TOML file `name` (e.g. "pipeline.toml") of dealplan.methodology."""
    text = (resources.files(__package__) / name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def winloss_settings() -> AnalysisSettings:
    """The shipped win/loss, sales-math and activity settings (winloss.toml)."""
    from dealplan.engines.analysis_settings import AnalysisSettings

    return AnalysisSettings.from_mapping(shipped_data("winloss.toml"))
